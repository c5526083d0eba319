"""`feedtool check`: the feed checker, its rule catalog, docs and CLI.

Broken feeds are valid.xml with one defect, either committed under
tests/feeds/ or made inline by `edit()`, and every test asserts the exact set
of rule ids that fire, so a rule that starts firing where it should not shows
up as a failure too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from feedtool.check import rules
from feedtool.check.feed import NotAFeed, check_feed, parse_rfc2822
from feedtool.cli import app
from feedtool.problems import Severity

HERE = Path(__file__).parent
FEEDS = HERE / "feeds"
REPO = HERE.parent
VALID = (FEEDS / "valid.xml").read_text("utf-8")
# DATE-FUTURE compares with "now"; pin it so the fixtures never age into or out of a rule.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def edit(*changes: tuple[str, str], text: str = VALID) -> bytes:
    """valid.xml with each (old, new) applied to the first occurrence of old."""
    for old, new in changes:
        assert old in text, f"fixture text not found: {old!r}"
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def fired(data: bytes, now: datetime = NOW) -> set[str]:
    return {p.rule for p in check_feed(data, source="test.xml", now=now)}


def add_to_channel(xml: str) -> bytes:
    return edit(("<itunes:type>episodic</itunes:type>", f"<itunes:type>episodic</itunes:type>\n    {xml}"))


def show_notes(start: str) -> bytes:
    """valid.xml with the channel's HTML description starting with START (the
    channel's, so that APL-ITEM-DESC, which is about episode notes, stays quiet)."""
    return edit(("<![CDATA[<p>Conversations", f"<![CDATA[{start}"))


def without_items() -> bytes:
    return re.sub(r"\s*<item>.*?</item>", "", VALID, flags=re.DOTALL).encode("utf-8")


def serial_missing_episode() -> bytes:
    return edit(("<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>"),
                ("<itunes:episode>3</itunes:episode>", ""))


def renamed_itunes_prefix() -> bytes:
    return VALID.replace("itunes:", "it:").replace("xmlns:itunes=", "xmlns:it=").encode("utf-8")


def latin1() -> bytes:
    return VALID.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")


def oversized() -> bytes:
    return edit(("</rss>", "</rss>\n<!-- " + "x" * rules_size_limit() + " -->"))


def rules_size_limit() -> int:
    from feedtool.standards import FEED_SIZE_LIMIT

    return FEED_SIZE_LIMIT


SELF_LINK = ('<atom:link rel="self" type="application/rss+xml" '
             'href="https://feeds.example.org/field-notes/feed.xml"/>')
SECOND_ENCLOSURE = ('<enclosure url="https://media.example.org/field-notes/forester.mp3" '
                    'length="123" type="audio/mpeg"/>')
SCIENCE = '<itunes:category text="Science">\n      <itunes:category text="Nature"/>\n    </itunes:category>'
LIVE_ITEM = ('<podcast:liveItem status="{status}" start="2024-03-01T18:00:00+00:00">'
             "<title>Live from the lake</title>"
             '<podcast:contentLink href="https://example.org/live">Watch</podcast:contentLink>'
             "</podcast:liveItem>")


@dataclass(frozen=True)
class Case:
    make: Callable[[], bytes]
    expected: frozenset[str]
    now: datetime = NOW


def case(make: Callable[[], bytes], *expected: str, now: datetime = NOW) -> Case:
    return Case(make, frozenset(expected), now)


# Rule id → a feed that makes it fire, and the exact set of rules that feed fires.
RULE_CASES: dict[str, Case] = {
    "XML-UTF8": case(latin1, "XML-UTF8"),
    "XML-NS": case(lambda: add_to_channel("<dc:creator>Ana Reyes</dc:creator>"), "XML-NS"),
    "FEED-SIZE": case(oversized, "FEED-SIZE"),
    "RSS-ROOT": case(lambda: edit(('version="2.0"', 'version="0.92"')), "RSS-ROOT"),
    "RSS-CHANNEL-REQ": case(lambda: edit(("<link>https://example.org/field-notes/</link>\n    <description>",
                                          "<description>")), "RSS-CHANNEL-REQ"),
    "RSS-UNDEFINED": case(lambda: edit(("<title>The Forester</title>",
                                        "<title>The Forester</title>\n      <subtitle>Trees</subtitle>")),
                          "RSS-UNDEFINED"),
    "RSS-VALUE": case(lambda: add_to_channel("<ttl>an hour</ttl>"), "RSS-VALUE"),
    "RSS-GUID-WEAK": case(lambda: edit(("field-notes-shepherd</guid>", "42</guid>")), "RSS-GUID-WEAK"),
    "DATE-IMPLAUSIBLE": case(lambda: edit(("Tue, 09 Jan 2024 09:00:00 +0000", "Thu, 01 Jan 1959 00:00:00 +0000")),
                             "DATE-IMPLAUSIBLE"),
    "APL-UNDEFINED": case(lambda: edit(("<itunes:episodeType>full</itunes:episodeType>",
                                        "<itunes:episodeType>full</itunes:episodeType>\n"
                                        "      <itunes:explict>false</itunes:explict>")), "APL-UNDEFINED"),
    "APL-KEYWORDS": case(lambda: add_to_channel("<itunes:keywords>nature work outdoors</itunes:keywords>"),
                         "APL-KEYWORDS", "APL-DEPRECATED"),
    "RSS-LINK": case(lambda: edit(("<link>https://example.org/field-notes/</link>",
                                   "<link>example.org/field-notes/</link>")), "RSS-LINK"),
    "RSS-LINK-SELF": case(lambda: edit(("<link>https://example.org/field-notes/</link>",
                                        "<link>https://feeds.example.org/field-notes/feed.xml</link>")),
                          "RSS-LINK-SELF"),
    "ATOM-SELF": case(lambda: edit((SELF_LINK, "")), "ATOM-SELF"),
    "RSS-IMAGE": case(lambda: edit(("<title>Field Notes</title>\n      <link>https://example.org/field-notes/</link>",
                                    "<title>Field Notes</title>")), "RSS-IMAGE"),
    "RSS-ITEM": case(lambda: edit(("<title>The Forester</title>", "<title></title>")), "RSS-ITEM"),
    "RSS-DESC-HTML": case(lambda: edit(("A day marking trees", "A day <b>marking</b> trees")), "RSS-DESC-HTML"),
    "HTML-SCRIPT": case(lambda: show_notes("<script>alert(1)</script><p>Conversations"), "HTML-SCRIPT"),
    "HTML-EVENT-HANDLER": case(lambda: show_notes('<p onmouseover="alert(1)">Conversations'), "HTML-EVENT-HANDLER"),
    "HTML-URL-SCHEME": case(lambda: show_notes('<p><a href="javascript:alert(1)">Conversations</a>'),
                            "HTML-URL-SCHEME"),
    "HTML-EMBED": case(lambda: show_notes('<iframe src="https://example.org/"></iframe><p>Conversations'),
                       "HTML-EMBED"),
    "HTML-FORM": case(lambda: show_notes('<form action="https://example.org/"><input name="pw"></form><p>Conversations'),
                      "HTML-FORM"),
    "HTML-META": case(lambda: show_notes('<meta http-equiv="refresh" content="0; url=https://example.org/">'
                                         "<p>Conversations"), "HTML-META"),
    "HTML-CSS": case(lambda: show_notes('<p style="width: expression(alert(1))">Conversations'), "HTML-CSS"),
    "RSS-ENCLOSURE": case(lambda: fixture("missing_length.xml"), "RSS-ENCLOSURE"),
    "RSS-ENCLOSURE-MULTI": case(lambda: edit(("<itunes:duration>24:05", f"{SECOND_ENCLOSURE}\n<itunes:duration>24:05")),
                                "RSS-ENCLOSURE-MULTI"),
    "RSS-GUID": case(lambda: fixture("guid_not_permalink.xml"), "RSS-GUID"),
    "RSS-DATE": case(lambda: fixture("iso_date.xml"), "RSS-DATE"),
    "DATE-FUTURE": case(lambda: fixture("valid.xml"), "DATE-FUTURE", now=datetime(2024, 1, 30, tzinfo=UTC)),
    "RSS-AUTHOR": case(lambda: edit(("<guid>https://", "<author>Ana Reyes</author>\n      <guid>https://")),
                       "RSS-AUTHOR"),
    "DUP-ELEMENT": case(lambda: edit(("<language>en-us</language>",
                                      "<language>en-us</language>\n    <language>en-us</language>")), "DUP-ELEMENT"),
    "NS-ITUNES": case(lambda: edit(("http://www.itunes.com/dtds/podcast-1.0.dtd",
                                    "http://www.itunes.com/DTDs/Podcast-1.0.dtd")),
                      "NS-ITUNES", "APL-IMAGE", "APL-CATEGORY", "APL-EXPLICIT", "OWNER-EMAIL"),
    "NS-PREFIX": case(renamed_itunes_prefix, "NS-PREFIX"),
    "APL-EPISODES": case(without_items, "APL-EPISODES"),
    "APL-EXPLICIT": case(lambda: fixture("bad_explicit.xml"), "APL-EXPLICIT"),
    "APL-CATEGORY": case(lambda: edit((SCIENCE, '<itunes:category text="Gardening"/>')), "APL-CATEGORY"),
    "APL-CATEGORY-OBSOLETE": case(lambda: fixture("obsolete_category.xml"), "APL-CATEGORY-OBSOLETE"),
    "APL-SUBCATEGORY": case(lambda: edit(('<itunes:category text="Nature"/>', '<itunes:category text="Documentary"/>')),
                            "APL-SUBCATEGORY"),
    "APL-IMAGE": case(lambda: edit(('<itunes:image href="https://example.org/field-notes/cover.jpg"/>',
                                    "<itunes:image>https://example.org/field-notes/cover.jpg</itunes:image>")),
                      "APL-IMAGE"),
    "APL-IMAGE-EXT": case(lambda: edit(('<itunes:image href="https://example.org/field-notes/cover.jpg"/>',
                                        '<itunes:image href="https://example.org/field-notes/cover.gif"/>')),
                          "APL-IMAGE-EXT"),
    "APL-LANGUAGE": case(lambda: edit(("<language>en-us</language>", "<language>english</language>")),
                         "APL-LANGUAGE"),
    "APL-DESC-LEN": case(lambda: edit(("A day marking trees for the winter cut.", "x" * 4001)), "APL-DESC-LEN"),
    "APL-LEN": case(lambda: edit(("<title>The Forester</title>", f"<title>{'A' * 256}</title>")), "APL-LEN"),
    "APL-WHITESPACE": case(lambda: edit(("<itunes:explicit>false</itunes:explicit>",
                                         "<itunes:explicit> false </itunes:explicit>")), "APL-WHITESPACE"),
    "APL-ITEM-DESC": case(lambda: edit(("A day marking trees", "A day &lt;b&gt;marking&lt;/b&gt; trees")),
                          "APL-ITEM-DESC"),
    "APL-ENCLOSURE-EXT": case(lambda: edit(("forester.m4a", "forester")), "APL-ENCLOSURE-EXT"),
    "APL-ENCLOSURE-TYPE": case(lambda: edit(('type="audio/x-m4a"', 'type="audio/mp4"')), "APL-ENCLOSURE-TYPE"),
    "ENCLOSURE-TYPE-MISMATCH": case(lambda: edit(('shepherd.mp3" length="24312345" type="audio/mpeg"',
                                                  'shepherd.mp3" length="24312345" type="audio/x-m4a"')),
                                    "ENCLOSURE-TYPE-MISMATCH"),
    "ENCLOSURE-DUP": case(lambda: edit(("field-notes/ferryman.mp3", "field-notes/shepherd.mp3")), "ENCLOSURE-DUP"),
    "FORMAT-PLAYBACK": case(lambda: fixture("ogg_enclosure.xml"), "APL-ENCLOSURE-EXT", "FORMAT-PLAYBACK"),
    "APL-GUID": case(lambda: edit(("<guid>https://example.org/field-notes/forester/</guid>", "")), "APL-GUID"),
    "APL-GUID-DUP": case(lambda: fixture("duplicate_guids.xml"), "APL-GUID-DUP"),
    "APL-PUBDATE": case(lambda: edit(("<pubDate>Tue, 23 Jan 2024 09:00:00 +0000</pubDate>", "")), "APL-PUBDATE"),
    "APL-DURATION": case(lambda: edit(("<itunes:duration>1520</itunes:duration>",
                                       "<itunes:duration>1520.5</itunes:duration>")), "APL-DURATION"),
    "APL-EPISODETYPE": case(lambda: edit(("<itunes:episodeType>full<", "<itunes:episodeType>Full<")),
                            "APL-EPISODETYPE"),
    "APL-TYPE": case(lambda: edit(("<itunes:type>episodic</itunes:type>", "<itunes:type>episodical</itunes:type>")),
                     "APL-TYPE"),
    "APL-SERIAL-EPISODE": case(serial_missing_episode, "APL-SERIAL-EPISODE"),
    "APL-NUMBER": case(lambda: edit(("<itunes:season>1</itunes:season>", "<itunes:season>0</itunes:season>")),
                       "APL-NUMBER"),
    "APL-ITEM-TITLE": case(lambda: edit(("<title>The Shepherd</title>", "<title>Field Notes: The Shepherd</title>")),
                           "APL-ITEM-TITLE"),
    "APL-TITLE-NUMBER": case(lambda: edit(("<title>The Shepherd</title>", "<title>Ep. 1 – The Shepherd</title>")),
                             "APL-TITLE-NUMBER"),
    "APL-NEW-FEED-URL": case(lambda: add_to_channel("<itunes:new-feed-url>feeds.example.org/new.xml"
                                                    "</itunes:new-feed-url>"), "APL-NEW-FEED-URL"),
    "APL-YES": case(lambda: add_to_channel("<itunes:complete>true</itunes:complete>"), "APL-YES"),
    "APL-BLOCKED": case(lambda: edit(("<itunes:episode>2</itunes:episode>",
                                      "<itunes:episode>2</itunes:episode>\n      <itunes:block>Yes</itunes:block>")),
                        "APL-BLOCKED"),
    "APL-DEPRECATED": case(lambda: add_to_channel("<itunes:keywords>nature,work</itunes:keywords>"),
                           "APL-DEPRECATED"),
    "OWNER-EMAIL": case(lambda: edit(("<itunes:email>podcast@example.org</itunes:email>",
                                      "<itunes:email>podcast at example.org</itunes:email>")), "OWNER-EMAIL"),
    "PLAIN-TEXT": case(lambda: fixture("html_title.xml"), "PLAIN-TEXT"),
    "HTTPS": case(lambda: edit(("https://media.example.org/field-notes/forester.m4a",
                                "http://media.example.org/field-notes/forester.m4a")), "HTTPS"),
    "P20-LEGACY-NS": case(lambda: edit(("https://podcastindex.org/namespace/1.0", rules.PODCAST_NS_LEGACY)),
                          "P20-LEGACY-NS"),
    "P20-UNKNOWN": case(lambda: add_to_channel('<podcast:fundng url="https://example.org/support">Support'
                                               "</podcast:fundng>"), "P20-UNKNOWN"),
    "P20-DEPRECATED": case(lambda: add_to_channel('<podcast:images srcset="https://example.org/a.jpg 1500w"/>'),
                           "P20-DEPRECATED"),
    "P20-PARENT": case(lambda: add_to_channel('<podcast:transcript url="https://example.org/t.vtt" type="text/vtt"/>'),
                       "P20-PARENT"),
    "P20-COUNT": case(lambda: add_to_channel("<podcast:medium>podcast</podcast:medium>"), "P20-COUNT"),
    "P20-ATTR": case(lambda: fixture("transcript_no_type.xml"), "P20-ATTR"),
    "P20-LEN": case(lambda: edit((">Support the show<", f">{'S' * 129}<")), "P20-LEN"),
    "P20-HTTPS": case(lambda: edit(('url="https://example.org/field-notes/shepherd.vtt"',
                                    'url="http://example.org/field-notes/shepherd.vtt"')), "P20-HTTPS"),
    "P20-GUID": case(lambda: edit(("d1c348d1-c754-5ea7-9614-e1e0da9ddbe4", "field-notes")), "P20-GUID"),
    # The spec's own example: 9b024349-… is the guid of podnews.net/rss, not of this feed's URL.
    "P20-GUID-SEED": case(lambda: edit(("d1c348d1-c754-5ea7-9614-e1e0da9ddbe4", "9b024349-ccf0-5f69-a609-6b82873eab3c")),
                          "P20-GUID-SEED"),
    "P20-LOCKED": case(lambda: fixture("locked_maybe.xml"), "P20-LOCKED"),
    "P20-TRANSCRIPT-TYPE": case(lambda: edit(('type="text/vtt"', 'type="text/srt"')), "P20-TRANSCRIPT-TYPE"),
    "P20-CHAPTERS-TYPE": case(lambda: edit(('type="application/json+chapters"', 'type="application/json"')),
                              "P20-CHAPTERS-TYPE"),
    "P20-PERSON-ROLE": case(lambda: fixture("bad_person_role.xml"), "P20-PERSON-ROLE"),
    "P20-SEASON": case(lambda: edit(('name="Mountains">1<', 'name="Mountains">one<')), "P20-SEASON"),
    "P20-EPISODE": case(lambda: edit(("<podcast:episode>1<", "<podcast:episode>1a<")), "P20-EPISODE"),
    "P20-SOUNDBITE": case(lambda: edit(('startTime="73.5"', 'startTime="1:13.5"')), "P20-SOUNDBITE"),
    "P20-MEDIUM": case(lambda: edit(("<podcast:medium>podcast<", "<podcast:medium>radio<")), "P20-MEDIUM"),
    "P20-LICENSE": case(lambda: edit((">CC-BY-4.0<", ">field-notes-license<")), "P20-LICENSE"),
    "P20-LOCATION": case(lambda: edit(('geo="geo:46.5197,6.6323"', 'geo="46.5197,6.6323"')), "P20-LOCATION"),
    "P20-TRAILER": case(lambda: edit(('pubdate="Tue, 02 Jan 2024 09:00:00 GMT"', 'pubdate="2024-01-02"')),
                        "P20-TRAILER"),
    "P20-ALTENC": case(lambda: edit(('<podcast:source uri="https://media.example.org/field-notes/forester.opus"/>',
                                     "")), "P20-ALTENC"),
    "P20-BLOCK": case(lambda: add_to_channel("<podcast:block>true</podcast:block>"), "P20-BLOCK"),
    "P20-PODROLL": case(lambda: add_to_channel("<podcast:podroll></podcast:podroll>"), "P20-PODROLL"),
    "P20-LIVEITEM": case(lambda: add_to_channel(LIVE_ITEM.format(status="soon")), "P20-LIVEITEM"),
}

# The committed broken feeds and the exact rules each one fires.
FIXTURES: dict[str, set[str]] = {
    "valid.xml": set(),
    "bad_explicit.xml": {"APL-EXPLICIT"},
    "obsolete_category.xml": {"APL-CATEGORY-OBSOLETE"},
    "missing_length.xml": {"RSS-ENCLOSURE"},
    "duplicate_guids.xml": {"APL-GUID-DUP"},
    "guid_not_permalink.xml": {"RSS-GUID"},
    "iso_date.xml": {"RSS-DATE"},
    "ogg_enclosure.xml": {"APL-ENCLOSURE-EXT", "FORMAT-PLAYBACK"},
    "html_title.xml": {"PLAIN-TEXT"},
    "bad_person_role.xml": {"P20-PERSON-ROLE"},
    "locked_maybe.xml": {"P20-LOCKED"},
    "transcript_no_type.xml": {"P20-ATTR"},
    "legacy.xml": {"ATOM-SELF", "OWNER-EMAIL", "APL-LANGUAGE", "APL-DEPRECATED", "APL-IMAGE-EXT", "HTTPS",
                   "APL-CATEGORY-OBSOLETE", "APL-EXPLICIT", "APL-ITEM-TITLE", "APL-TITLE-NUMBER", "RSS-GUID",
                   "RSS-DATE", "RSS-ENCLOSURE", "APL-DURATION", "RSS-AUTHOR", "ENCLOSURE-DUP"},
}


# --- the catalog -----------------------------------------------------------------------


def test_every_rule_has_a_case_that_fires_it() -> None:
    assert set(RULE_CASES) == set(rules.RULES)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires_exactly(rule_id: str) -> None:
    c = RULE_CASES[rule_id]
    assert rule_id in c.expected
    assert fired(c.make(), c.now) == c.expected


@pytest.mark.parametrize("rule_id", sorted(rules.RULES))
def test_problems_take_their_level_from_the_rule(rule_id: str) -> None:
    c = RULE_CASES[rule_id]
    for p in check_feed(c.make(), now=c.now):
        assert p.severity is rules.RULES[p.rule].level


def test_catalog_entries_are_complete() -> None:
    for r in rules.RULES.values():
        assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", r.id)
        assert r.level in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        assert r.summary and r.rationale
        assert r.source in rules.SOURCES, r.id


def test_docs_match_the_catalog() -> None:
    """docs/rules.md is generated: `python -m feedtool.check.rules > docs/rules.md`."""
    assert (REPO / "docs" / "rules.md").read_text("utf-8") == rules.markdown()


def test_docs_list_every_rule_and_the_taxonomy() -> None:
    text = rules.markdown()
    for rule_id in rules.RULES:
        assert f"| `{rule_id}` |" in text
    assert "| Cast | Host, Co-Host" in text


# --- the committed fixtures ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_fires_exactly(name: str) -> None:
    assert fired(fixture(name)) == FIXTURES[name]


def test_every_fixture_file_is_listed() -> None:
    assert {p.name for p in FEEDS.glob("*.xml")} == set(FIXTURES)


def test_valid_feed_has_no_problem_at_all() -> None:
    assert check_feed(fixture("valid.xml"), now=NOW) == []


def test_valid_feed_is_read_by_real_parsers() -> None:
    """The reference feed is what podcastparser and feedparser expect, too."""
    import io

    feedparser = pytest.importorskip("feedparser")
    podcastparser = pytest.importorskip("podcastparser")
    parsed = podcastparser.parse("https://feeds.example.org/field-notes/feed.xml", io.BytesIO(fixture("valid.xml")))
    assert [e["guid"] for e in parsed["episodes"]] == [
        "field-notes-ferryman", "https://example.org/field-notes/forester/", "field-notes-shepherd"]
    assert not feedparser.parse(fixture("valid.xml")).bozo


def test_problem_fields() -> None:
    problems = check_feed(fixture("bad_explicit.xml"), source="feeds/bad.xml", now=NOW)
    assert [(p.path, p.field, p.line, p.rule, p.severity) for p in problems] == [
        ("feeds/bad.xml", "channel/itunes:explicit", 34, "APL-EXPLICIT", Severity.ERROR),
        ("feeds/bad.xml", "channel/item[1]/itunes:explicit", 56, "APL-EXPLICIT", Severity.ERROR),
    ]
    assert "'yes'" in problems[0].message and "true" in problems[0].message
    assert "'clean'" in problems[1].message


def test_repeated_elements_are_numbered() -> None:
    problems = check_feed(fixture("obsolete_category.xml"), now=NOW)
    assert [p.field for p in problems] == ["channel/itunes:category[1]/itunes:category", "channel/itunes:category[2]"]
    assert "'News'" in problems[1].message  # the 2019 successor of 'News & Politics'


def test_problems_are_in_document_order() -> None:
    lines = [p.line or 0 for p in check_feed(fixture("legacy.xml"), now=NOW)]
    assert lines == sorted(lines)


def test_repeated_advice_is_reported_once_with_a_count() -> None:
    data = VALID.replace("https://media.example.org", "http://media.example.org").encode()
    problems = check_feed(data, now=NOW)
    assert {p.rule for p in problems} == {"HTTPS", "P20-HTTPS"}  # enclosures; trailer and alternate source
    https = [p for p in problems if p.rule == "HTTPS"]
    assert len(https) == 1
    assert https[0].field == "channel/item[1]/enclosure"
    assert https[0].message.endswith("(and 2 more elements like it)")


# --- specific behaviours -----------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "Tue, 02 Jan 2024 09:00:00 +0000", "Tue, 2 Jan 2024 09:00 GMT", "02 Jan 2024 09:00:00 -0500",
    "tue, 02 jan 2024 09:00:00 EST", "Tue, 02 Jan 2024 09:00:00 -0000",
])
def test_rfc2822_dates_accepted(value: str) -> None:
    dt, why = parse_rfc2822(value)
    assert why is None and dt is not None and dt.tzinfo is not None


@pytest.mark.parametrize(("value", "reason"), [
    ("2024-01-02T09:00:00Z", "ISO 8601"),
    ("Mon, 02 Jan 2024 09:00:00 +0000", "was a Tue"),
    ("Tue, 02 Jan 24 09:00:00 +0000", "4 digits"),
    ("Tue, 02 Jan 2024 09:00:00 Z", "military"),
    ("Tue, 02 Jan 2024 09:00:00 UTC", "not an RFC 2822 time zone"),
    ("Tue, 02 Jan 2024 09:00:00", "no time zone"),
    ("Fri, 30 Feb 2024 09:00:00 +0000", "not a real date"),
    ("Tue, 02 Janvier 2024 09:00:00 +0000", "month"),
    ("yesterday", "not an RFC 2822 date"),
])
def test_rfc2822_dates_refused(value: str, reason: str) -> None:
    dt, why = parse_rfc2822(value)
    assert dt is None and why is not None and reason in why


def test_undeclared_itunes_prefix_is_reported_not_refused() -> None:
    data = VALID.replace('xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"', "").encode()
    problems = check_feed(data, now=NOW)
    assert {p.rule for p in problems} == {"NS-ITUNES", "APL-IMAGE", "APL-CATEGORY", "APL-EXPLICIT", "OWNER-EMAIL"}
    ns = next(p for p in problems if p.rule == "NS-ITUNES")
    assert "never declared" in ns.message and ns.line == 23  # the first itunes: element


def test_entities_are_not_expanded() -> None:
    # An external entity must never be read (XXE); the feed is still checked.
    data = edit(('<?xml version="1.0" encoding="UTF-8"?>',
                 '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'),
                ("<copyright>© 2024 Example Media</copyright>", "<copyright>&secret;</copyright>"))
    problems = check_feed(data, now=NOW)
    assert problems == []


@pytest.mark.parametrize(("data", "why"), [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"hello, world", "not well-formed XML"),
    (b"<rss version='2.0'><channel><title>x</title></rss>", "not well-formed XML"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "Atom"),
    (b"<!DOCTYPE html><html><body></body></html>", "HTML"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "RSS 1.0"),
    (b"<rss version='2.0'/>", "no <channel>"),
    (b"<opml/>", "<opml>"),
    (b'<rss xmlns="http://backend.userland.com/rss2" version="2.0"><channel/></rss>', "have no namespace"),
])
def test_not_a_feed(data: bytes, why: str) -> None:
    with pytest.raises(NotAFeed, match=re.escape(why)):
        check_feed(data)


def test_minimal_channel_is_checked_not_refused() -> None:
    rule_ids = fired(b"<rss version='2.0'><channel/></rss>")
    assert {"RSS-CHANNEL-REQ", "APL-EPISODES", "NS-ITUNES", "APL-LANGUAGE", "APL-IMAGE"} <= rule_ids


def test_second_channel() -> None:
    data = edit(("</channel>", "</channel>\n  <channel><title>Other</title></channel>"))
    assert fired(data) == {"RSS-ROOT"}


def _variants() -> list[tuple[str, bytes]]:
    """valid.xml with each element removed in turn, and each attribute emptied."""
    tree = etree.fromstring(VALID.encode())
    count = sum(1 for _ in tree.iter())
    out = []
    for i in range(1, count):
        root = etree.fromstring(VALID.encode())
        el = list(root.iter())[i]
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
            out.append((f"without-element-{i}", etree.tostring(root)))
        root = etree.fromstring(VALID.encode())
        el = list(root.iter())[i]
        if isinstance(el.tag, str):
            for name in el.attrib:
                el.set(name, "")
            el.text = " " if el.text else el.text
            out.append((f"emptied-element-{i}", etree.tostring(root)))
    return out


@pytest.mark.parametrize("data", [pytest.param(data, id=label) for label, data in _variants()])
def test_damaged_feeds_never_raise(data: bytes) -> None:
    try:
        problems = check_feed(data, now=NOW)
    except NotAFeed:
        return
    for p in problems:
        assert p.rule in rules.RULES, p
        assert p.field, p


# --- the command line ---------------------------------------------------------------------

runner = CliRunner()


def test_cli_valid_feed_exits_0() -> None:
    result = runner.invoke(app, ["check", str(FEEDS / "valid.xml")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no errors, 0 warnings" in result.stderr


def test_cli_errors_exit_1_and_name_rule_and_element() -> None:
    result = runner.invoke(app, ["check", str(FEEDS / "bad_explicit.xml")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("error APL-EXPLICIT channel/itunes:explicit (line 34): ")
    assert lines[1].startswith("error APL-EXPLICIT channel/item[1]/itunes:explicit (line 56): ")
    assert "2 errors" in result.stderr


def test_cli_warnings_alone_exit_0() -> None:
    result = runner.invoke(app, ["check", str(FEEDS / "html_title.xml")])
    assert result.exit_code == 0
    assert result.stdout.startswith("warning PLAIN-TEXT channel/item[2]/title (line 66): ")


def test_cli_quiet_prints_errors_only() -> None:
    result = runner.invoke(app, ["check", "--quiet", str(FEEDS / "legacy.xml")])
    assert result.exit_code == 1
    assert result.stdout and all(line.startswith("error ") for line in result.stdout.splitlines())
    assert result.stderr == ""


def test_cli_json() -> None:
    result = runner.invoke(app, ["check", "--json", str(FEEDS / "ogg_enclosure.xml")])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["rule"], d["severity"], d["field"], d["line"]) for d in data] == [
        ("APL-ENCLOSURE-EXT", "error", "channel/item[1]/enclosure", 51),
        ("FORMAT-PLAYBACK", "warning", "channel/item[1]/enclosure", 51),
    ]
    assert data[0]["path"] == str(FEEDS / "ogg_enclosure.xml")


def test_cli_json_valid_is_an_empty_list() -> None:
    result = runner.invoke(app, ["check", "--json", str(FEEDS / "valid.xml")])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_cli_stdin() -> None:
    result = runner.invoke(app, ["check", "-"], input=fixture("iso_date.xml"))
    assert result.exit_code == 1
    assert result.stdout.startswith("error RSS-DATE channel/item[2]/pubDate (line 70): ")
    assert "<stdin>" in result.stderr


def test_cli_not_a_feed_exits_2() -> None:
    result = runner.invoke(app, ["check", "-"], input=b"<html><body>hi</body></html>")
    assert result.exit_code == 2
    assert "not a podcast feed" in result.stderr


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2


def test_cli_help_has_examples() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    for text in ("feedtool check public/feed.xml", "--json", "--quiet", "stdin"):
        assert text in result.stdout


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "feedtool", "check", *args], input=stdin, capture_output=True,
                          cwd=REPO, timeout=60, check=False)


@pytest.mark.parametrize(("args", "stdin", "code"), [
    pytest.param((str(FEEDS / "valid.xml"),), None, 0, id="valid-file"),
    pytest.param((str(FEEDS / "duplicate_guids.xml"),), None, 1, id="errors-file"),
    pytest.param(("-",), fixture("locked_maybe.xml"), 1, id="errors-stdin"),
    pytest.param(("-",), b"not xml at all", 2, id="not-xml-stdin"),
    pytest.param(("/nonexistent/feed.xml",), None, 2, id="missing-file"),
])
def test_subprocess_exit_codes(args: tuple[str, ...], stdin: bytes | None, code: int) -> None:
    result = _run(*args, stdin=stdin)
    assert result.returncode == code, result.stderr.decode()


def test_subprocess_json_from_stdin() -> None:
    result = _run("--json", "-", stdin=fixture("transcript_no_type.xml"))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(d["rule"], d["path"], d["field"]) for d in data] == [
        ("P20-ATTR", "<stdin>", "channel/item[1]/podcast:transcript")]
