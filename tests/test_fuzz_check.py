"""Property and fuzz tests over `feedtool check` and the HTML the feed carries
(issue 13, item 7).

- For any bytes, and for XML-ish damage to a real feed, `check_feed` returns
  problems whose rule ids are in the catalog, or raises NotAFeed: never
  another exception.
- `feedtool check -` exits 0, 1 or 2 for any input, with no traceback.
- For any text holding HTML-looking content, the feed built from it has no
  executable markup in description, content:encoded or itunes:summary, as
  an HTML5 parser (html5lib) reads them, and check reports no HTML-* rule.

Example counts are modest so that the suite stays fast.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from conftest import AUDIO, NS, SHOW_TOML, executable
from feedtool.check import rules
from feedtool.check.feed import NotAFeed, check_feed, html_hazards
from feedtool.cli import app
from feedtool.problems import Problem

HERE = Path(__file__).parent
VALID = (HERE / "feeds" / "valid.xml").read_bytes()
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def checked(data: bytes) -> list[Problem] | None:
    """check_feed's problems, or None for NotAFeed; any other exception fails the test."""
    try:
        problems = check_feed(data, source="fuzz.xml")
    except NotAFeed as exc:
        assert str(exc), "NotAFeed must say why"
        return None
    for p in problems:
        assert p.rule in rules.RULES, p
        assert p.severity is rules.RULES[p.rule].level, p
        assert p.field, p
    return problems


# --- any bytes ------------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=3000))
def test_any_bytes_give_problems_or_not_a_feed(data: bytes) -> None:
    checked(data)


# Pieces that make XML parsers and the checker take unusual paths.
TOKENS = [
    "<", ">", "&", "&amp;", "&#0;", "&#x1F600;", "&bogus;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version='1.0'?>",
    "<!DOCTYPE rss [<!ENTITY e 'x'>]>", "&e;", "<item>", "</item>", "<channel>", "</channel>", "<title>", "</title>",
    "<description>", "</description>", "<enclosure url='x' length='-1' type='a/b'/>", "<guid isPermaLink='maybe'>",
    "<pubDate>", "</pubDate>", "Tue, 31 Feb 2024 25:61:00 +9999", "<itunes:duration>", "</itunes:duration>",
    "xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'", "<podcast:person role='x'>", "</podcast:person>",
    "<itunes:category text=''>", "</itunes:category>", "<script>alert(1)</script>", "<img onerror=x>", "\x00", "\ufeff",
    "\ud7ff", "\U0010ffff", "\u202e", "'", '"', "=", " ", "\n", "x" * 50,
]


@st.composite
def damaged_feeds(draw: st.DrawFn) -> bytes:
    """valid.xml with a few slices cut out, repeated, or replaced by tokens."""
    data = VALID
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 200)))
        how = draw(st.sampled_from(("cut", "insert", "repeat")))
        if how == "cut":
            data = data[:start] + data[end:]
        elif how == "repeat":
            data = data[:end] + data[start:end] + data[end:]
        else:
            piece = "".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4)))
            data = data[:start] + piece.encode("utf-8", "surrogatepass") + data[start:]
    return data


@FAST
@given(damaged_feeds())
def test_damaged_feeds_give_problems_or_not_a_feed(data: bytes) -> None:
    checked(data)


# --- well-formed feeds with any values ------------------------------------------------------

ITEM_TAGS = ["title", "link", "description", "guid", "pubDate", "author", "itunes:duration", "itunes:explicit",
             "itunes:episode", "itunes:season", "itunes:episodeType", "itunes:summary", "itunes:subtitle",
             "itunes:keywords", "itunes:block", "content:encoded", "podcast:season", "podcast:episode",
             "podcast:person", "podcast:soundbite", "podcast:transcript", "podcast:unknownTag"]
CHANNEL_TAGS = ["title", "link", "description", "language", "pubDate", "lastBuildDate", "managingEditor",
                "itunes:explicit", "itunes:type", "itunes:author", "itunes:summary", "itunes:new-feed-url",
                "itunes:complete", "podcast:guid", "podcast:locked", "podcast:medium", "podcast:license"]
ATTRS = ["url", "length", "type", "href", "text", "isPermaLink", "role", "group", "startTime", "duration", "rel"]
VALUE = st.one_of(st.text(max_size=40), st.sampled_from(["", " ", "0", "-1", "1:60:60", "true", "Yes", "javascript:x",
                                                       "https://example.org/a.mp3", "Tue, 02 Jan 2024 09:00:00 GMT",
                                                       "<script>alert(1)</script>", "<a href='vbscript:x'>x</a>"]))
XML_TEXT = VALUE.map(lambda s: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", s))


@st.composite
def element(draw: st.DrawFn, tags: list[str]) -> str:
    tag = draw(st.sampled_from(tags))
    attrs = draw(st.dictionaries(st.sampled_from(ATTRS), XML_TEXT, max_size=3))
    shown = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{shown}>{escape(draw(XML_TEXT))}</{tag}>"


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    channel = draw(st.lists(element(CHANNEL_TAGS), max_size=8))
    items = []
    for _ in range(draw(st.integers(0, 3))):
        enclosure = draw(element(["enclosure"]))
        items.append("<item>" + enclosure + "".join(draw(st.lists(element(ITEM_TAGS), max_size=10))) + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            + "".join(channel) + "".join(items) + "</channel></rss>").encode("utf-8")


@FAST
@given(feeds())
def test_well_formed_feeds_are_always_checked(data: bytes) -> None:
    assert checked(data) is not None  # well-formed RSS is never NotAFeed


@FAST
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnoprstuvy:;&#(){}*\\-!?[]\n")) | st.characters(),
               max_size=300))
def test_html_scan_never_raises(markup: str) -> None:
    found = html_hazards(markup)
    assert set(found) <= {r for r in rules.RULES if r.startswith("HTML-")}


# --- the command line ----------------------------------------------------------------------

runner = CliRunner()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=500), damaged_feeds(), feeds()))
def test_cli_check_stdin_exits_0_1_or_2_without_traceback(data: bytes) -> None:
    result = runner.invoke(app, ["check", "-"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output


# --- the feed feedtool builds holds nothing executable ------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>", "<iframe src=//evil.example>", "<!--<script>-->", "</p><script>", "<style>@import x</style>",
    '<p style="x:expression(alert(1))">', "&lt;script&gt;", "&amp;", "<", ">", "&", '"', "'", "javascript:",
    "<body onload=alert(1)>", "<![CDATA[<script>]]>", "<a href='java&#x09;script:x'>",
]
HOSTILE_TEXT = st.lists(st.sampled_from(HOSTILE) | st.text(alphabet="<>&\"'=/ ab:", max_size=12), min_size=1,
                        max_size=6).map("".join)
PROSE = "Writer-director Ann Example's latest film is about a lonely man and his radio, and it is strange and kind."


def build_show(folder: Path, text: str, markdown: bool) -> bytes | None:
    (folder / "episodes").mkdir(parents=True)
    (folder / "podcast.toml").write_text(SHOW_TOML)
    _cover(folder / "cover.png")
    shutil.copy(AUDIO / "tagged.mp3", folder / "episodes" / "ep.mp3")
    (folder / "episodes" / ("ep.md" if markdown else "ep.txt")).write_text(text, "utf-8")
    (folder / "episodes" / "ep.toml").write_text("date = 2024-01-02T09:00:00Z\n")
    result = runner.invoke(app, ["build", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    return (folder / "public" / "feed.xml").read_bytes()


def _cover(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), (40, 80, 120)).save(path)


@SLOW
@given(st.lists(HOSTILE_TEXT, min_size=1, max_size=3), st.booleans())
def test_built_feed_holds_no_executable_markup(hostile: list[str], markdown: bool) -> None:
    text = "A Headline About Web Security\n\n" + "\n\n".join(f"{PROSE} {h} {PROSE}" for h in hostile)
    with tempfile.TemporaryDirectory() as tmp:
        data = build_show(Path(tmp) / "show", text, markdown)
    assert data is not None
    root = etree.fromstring(data)
    values = root.xpath("/rss/channel/item/description | /rss/channel/item/content:encoded"
                        " | /rss/channel/description", namespaces=NS)
    assert len(values) == 3  # no itunes:summary since issue 15
    assert not root.xpath("//itunes:summary", namespaces=NS)
    for el in values:
        assert executable(el.text or "") == [], (el.tag, el.text)
    assert [p for p in check_feed(data) if p.rule.startswith("HTML-")] == []


PLAIN_PIECES = ["<p>", "</p>", "<h2>", "</h2>", "<ul>", "<li>", "</li>", "</ul>", "<br/>", "<em>", "</em>",
                '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">', "</a>", "text", "&lt;script&gt;",
                "&amp;", " onclick=alert(1) ", "javascript:alert(1)", ">", '"']


@FAST
@given(st.lists(st.sampled_from(PLAIN_PIECES) | st.sampled_from(HOSTILE), max_size=12).map("".join))
def test_the_plain_notes_fast_path_agrees_with_the_parse(markup: str) -> None:
    import feedtool.check.feed as check

    fast = html_hazards(markup)
    saved = check._PLAIN_TAG
    check._PLAIN_TAG = re.compile(r"(?!)")  # matches nothing: every field is parsed
    try:
        parsed = html_hazards(markup)
    finally:
        check._PLAIN_TAG = saved
    assert fast == parsed
