"""`feedtool check` agrees with the W3C feed validator on the RSS 2.0 and
iTunes rules that matter to podcasts (issue 13, item 6).

Each case is tests/feeds/valid.xml with one defect the W3C validator reports,
named by its message id (docs/error/*.html, docs/warning/*.html in
github.com/w3c/feedvalidator), and the exact set of feedtool rule ids that
must fire for it, so an over-eager rule shows up as a failure too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedtool.check.feed import check_feed

HERE = Path(__file__).parent
VALID = (HERE / "feeds" / "valid.xml").read_text("utf-8")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ITEM_END = "<itunes:episodeType>full</itunes:episodeType>"  # first item's
CHANNEL_END = "<itunes:type>episodic</itunes:type>"
IMAGE_LINK = "<link>https://example.org/field-notes/</link>\n    </image>"


def edit(old: str, new: str) -> bytes:
    assert old in VALID, old
    return VALID.replace(old, new, 1).encode()


def in_item(xml: str) -> bytes:
    return edit(ITEM_END, f"{ITEM_END}\n      {xml}")


def in_channel(xml: str) -> bytes:
    return edit(CHANNEL_END, f"{CHANNEL_END}\n    {xml}")


def problems(data: bytes) -> list[tuple[str, str]]:
    return [(p.rule, p.message) for p in check_feed(data, source="t.xml", now=NOW)]


# (W3C message, feed, the feedtool rules that fire, words the message must hold)
CASES = [
    ("UndefinedElement", in_item("<pubdate>Tue, 09 Jan 2024 09:00:00 +0000</pubdate>"), {"RSS-UNDEFINED"},
     "did you mean <pubDate>?"),
    ("UndefinedElement", in_channel("<subtitle>Work outdoors</subtitle>"), {"RSS-UNDEFINED"}, "<subtitle>"),
    ("UndefinedElement", in_item("<itunes:explict>true</itunes:explict>"), {"APL-UNDEFINED"},
     "did you mean <itunes:explicit>?"),
    ("UndefinedElement", in_channel("<itunes:duration>1520</itunes:duration>"), {"APL-UNDEFINED"},
     "belongs in <item>"),
    ("UndefinedElement", in_item("<itunes:owner><itunes:email>a@example.org</itunes:email></itunes:owner>"),
     {"APL-UNDEFINED"}, "belongs in <channel>"),
    ("InvalidIntegerAttribute", edit('length="24312345"', 'length="0"'), {"RSS-ENCLOSURE"}, "length is 0"),
    ("InvalidIntegerAttribute", edit('length="24312345"', 'length="24 MB"'), {"RSS-ENCLOSURE"}, "whole number"),
    ("MissingAttribute", edit(' type="audio/mpeg"/>', "/>"), {"RSS-ENCLOSURE"}, "lacks type"),
    ("InvalidMIMEAttribute", edit('type="audio/mpeg"/>', 'type="mpeg"/>'),
     {"RSS-ENCLOSURE", "APL-ENCLOSURE-TYPE", "ENCLOSURE-TYPE-MISMATCH"}, "not a MIME type"),
    ("InvalidBooleanAttribute", edit('isPermaLink="false">field-notes-shepherd', 'isPermaLink="no">field-notes-shepherd'),
     {"RSS-GUID"}, "isPermaLink='no'"),
    ("InvalidHttpGUID", edit('<guid isPermaLink="false">field-notes-shepherd', "<guid>field-notes-shepherd"),
     {"RSS-GUID"}, "not a URL"),
    ("NotSufficientlyUnique", edit("field-notes-shepherd</guid>", "12345678</guid>"), {"RSS-GUID-WEAK"},
     "short number"),
    ("DuplicateValue", edit("field-notes-ferryman</guid>", "field-notes-shepherd</guid>"), {"APL-GUID-DUP"},
     "repeats the guid"),
    ("InvalidRFC2822Date", edit("Tue, 09 Jan 2024 09:00:00 +0000", "2024-01-09"), {"RSS-DATE"}, "ISO 8601"),
    ("IncorrectDOW", edit("Tue, 09 Jan 2024 09:00:00 +0000", "Mon, 09 Jan 2024 09:00:00 +0000"), {"RSS-DATE"},
     "was a Tue"),
    ("ImplausibleDate", edit("Tue, 06 Feb 2024 09:00:00 +0000", "Mon, 01 Jan 1900 00:00:00 +0000"),
     {"DATE-IMPLAUSIBLE"}, "before 1970"),
    ("InvalidWidth", edit(IMAGE_LINK, IMAGE_LINK.replace("</image>", "  <width>200</width>\n    </image>")),
     {"RSS-IMAGE"}, "1 to 144"),
    ("InvalidHeight", edit(IMAGE_LINK, IMAGE_LINK.replace("</image>", "  <height>0</height>\n    </image>")),
     {"RSS-IMAGE"}, "1 to 400"),
    ("InvalidPositiveInteger", in_channel("<ttl>-5</ttl>"), {"RSS-VALUE"}, "positive integer"),
    ("InvalidFullLink", in_channel("<docs>rssboard.org</docs>"), {"RSS-VALUE"}, "absolute"),
    ("InvalidFullLink", in_item("<comments>/comments/1</comments>"), {"RSS-VALUE"}, "absolute"),
    ("MissingAttribute", in_item("<source>Elsewhere</source>"), {"RSS-VALUE"}, "no url"),
    ("InvalidContact", in_item("<author>Ana Reyes</author>"), {"RSS-AUTHOR"}, "email address"),
    ("TooLong", edit("<itunes:name>Example Media</itunes:name>", f"<itunes:name>{'N' * 256}</itunes:name>"),
     {"APL-LEN"}, "255"),
    ("TooLong", in_item(f"<itunes:subtitle>{'S' * 256}</itunes:subtitle>"), {"APL-LEN", "APL-DEPRECATED"}, "255"),
    ("TooLong", in_channel(f"<itunes:keywords>{'k,' * 130}</itunes:keywords>"), {"APL-KEYWORDS", "APL-DEPRECATED"},
     "255"),
    ("InvalidKeywords", in_channel("<itunes:keywords>trees sheep lakes</itunes:keywords>"),
     {"APL-KEYWORDS", "APL-DEPRECATED"}, "commas"),
    ("InvalidTrueFalse", edit("<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>no</itunes:explicit>"),
     {"APL-EXPLICIT"}, "InvalidTrueFalse"),
    ("InvalidDuration", edit("<itunes:duration>1520</itunes:duration>", "<itunes:duration>25m</itunes:duration>"),
     {"APL-DURATION"}, "whole seconds"),
    ("InvalidItunesCategory", edit('<itunes:category text="Nature"/>', '<itunes:category text="Birds"/>'),
     {"APL-SUBCATEGORY"}, "not a subcategory"),
    ("ObsoleteItunesCategory", edit('text="Society &amp; Culture"', 'text="News &amp; Politics"'),
     {"APL-CATEGORY-OBSOLETE"}, "pre-2019"),
    ("MissingItunesEmail", edit("<itunes:email>podcast@example.org</itunes:email>", ""), {"OWNER-EMAIL"},
     "no itunes:email"),
    ("InvalidItunesEpisodeType", edit("<itunes:episodeType>full<", "<itunes:episodeType>teaser<"),
     {"APL-EPISODETYPE"}, "'teaser'"),
    ("InvalidItunesChannelType", edit(CHANNEL_END, "<itunes:type>daily</itunes:type>"), {"APL-TYPE"}, "'daily'"),
    ("UnsupportedItunesFormat", edit("shepherd.mp3", "shepherd.wma"), {"APL-ENCLOSURE-EXT"}, ".wma"),
]


@pytest.mark.parametrize(("data", "expected", "words"),
                         [pytest.param(d, e, w, id=f"{m}-{i}") for i, (m, d, e, w) in enumerate(CASES)])
def test_agrees_with_the_w3c_validator(data: bytes, expected: set[str], words: str) -> None:
    found = problems(data)
    assert {rule for rule, _ in found} == expected, found
    assert any(words in message for rule, message in found if rule != "APL-DEPRECATED"), found


@pytest.mark.parametrize("data", [
    pytest.param(edit("field-notes-shepherd</guid>", "123456789</guid>"), id="nine-digit-guid"),
    pytest.param(edit("Tue, 06 Feb 2024 09:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 +0000"), id="epoch-date"),
    pytest.param(in_channel("<ttl>60</ttl>"), id="ttl"),
    pytest.param(in_channel("<docs>https://www.rssboard.org/rss-specification</docs>"), id="docs"),
    pytest.param(in_item('<source url="https://example.org/feed.xml">Elsewhere</source>'), id="source"),
    pytest.param(in_item("<itunes:title>The Shepherd</itunes:title>"), id="item-itunes-title"),
    pytest.param(in_channel("<itunes:complete>No</itunes:complete>"), id="itunes-complete"),
    pytest.param(edit(IMAGE_LINK, IMAGE_LINK.replace("</image>", "  <width>144</width><height>400</height></image>")),
                 id="image-size-at-the-limits"),
])
def test_valid_values_fire_nothing(data: bytes) -> None:
    assert problems(data) == []
