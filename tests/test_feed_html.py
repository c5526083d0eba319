"""Plain text never becomes live HTML (issue 13, item 4).

Apps read <description>, content:encoded and itunes:summary as HTML, and the
site is HTML. A show whose texts quote markup (an article about web security,
say) is built, and every HTML-bearing value is parsed with html5lib, an HTML5
parser independent of the checker, to prove that the quoted markup is text:
no <script>, no on*= attribute, no javascript: URL.
"""

from __future__ import annotations


import html
import shutil
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from lxml import etree

from conftest import AUDIO, NS, SHOW_TOML, executable
from feedtool.check.feed import check_feed
from feedtool.render.feed import DESCRIPTION_BYTES, ELLIPSIS, html_text
from feedtool.problems import Severity

SCRIPT = "<script>alert('text')</script>"
ONERROR = '<img src=x onerror="alert(1)">'
JS_LINK = '<a href="javascript:alert(1)">this link</a>'

SECURITY_ARTICLE = f"""\
How A Quoted Script Tag Broke The Web

Security researchers say the oldest trick still works: a comment that reads {SCRIPT} is stored and shown to every reader.

Another attack hides in an image, {ONERROR}, and a third in a link such as {JS_LINK} that runs when clicked.

Tips & tricks: escape <, > and & before anything reaches a page.

Interview Highlights

On why it keeps happening

Every new app renders text as HTML somewhere, she says, and one missed field is enough: {SCRIPT}.
"""

SECURITY_MARKDOWN = f"""\
# A Markdown Text That Quotes Markup

Inline HTML is not allowed: {SCRIPT} and {ONERROR} must stay text.

A [link that runs script](javascript:alert(1)) and an ![image](javascript:alert(2)) must lose their URLs.

## On escaping

Tips & tricks: <b onclick="alert(3)">bold</b>.
"""

# A toml summary may not hold tags (schema.plain_text refuses them), but it
# may hold the characters that HTML gives a meaning to.
TOML_SUMMARY = "Maths & markup: 3 < 4 > 2, and &lt; is not <."
SHOW_WITH_MARKUP = SHOW_TOML.replace('description = "A show for tests."',
                                     f'description = "Security & the web: why {SCRIPT} must stay text."')


def visible_text(markup: str) -> str:
    doc = html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False)
    return "".join(doc.getroot().itertext())


@pytest.fixture
def built(make_show: Callable[..., Path], cli: Callable[..., object]) -> Path:
    root = make_show({
        "security": {"audio": "tagged.mp3", "text": SECURITY_ARTICLE,
                     "toml": "date = 2024-01-02T09:00:00Z\n"},
        "summary-in-toml": {"audio": "tagged.m4a",
                            "toml": f"date = 2024-01-09T09:00:00Z\ntitle = \"Toml Summary\"\n"
                                    f"summary = '''{TOML_SUMMARY}'''\n"},
    }, show_toml=SHOW_WITH_MARKUP)
    md = root / "episodes" / "markdown.md"
    md.write_text(SECURITY_MARKDOWN)
    shutil.copy(AUDIO / "untagged.mp3", root / "episodes" / "markdown.mp3")
    (root / "episodes" / "markdown.toml").write_text("date = 2024-01-16T09:00:00Z\n")
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return root


def feed(root: Path) -> etree._Element:
    return etree.parse(str(root / "public" / "feed.xml")).getroot()


HTML_FIELDS = ("description", "content:encoded")  # no itunes:summary since issue 15


def test_every_html_field_of_the_feed_is_inert(built: Path) -> None:
    root = feed(built)
    values = root.xpath("/rss/channel/description", namespaces=NS)
    for item in root.xpath("/rss/channel/item", namespaces=NS):
        for name in HTML_FIELDS:
            found = item.xpath(name, namespaces=NS)
            assert len(found) == 1, (item.findtext("title"), name)
            values += found
    assert len(values) == 1 + 3 * len(HTML_FIELDS)
    assert not root.xpath("//itunes:summary", namespaces=NS)
    for el in values:
        assert executable(el.text) == [], (el.tag, el.text)


def test_quoted_markup_shows_as_text(built: Path) -> None:
    root = feed(built)
    [toml_item] = root.xpath("/rss/channel/item[title='Toml Summary']", namespaces=NS)
    description = toml_item.xpath("string(description)")
    # The decoded value is escaped HTML; rendered, it reads exactly as written.
    assert description == "Maths &amp; markup: 3 &lt; 4 &gt; 2, and &amp;lt; is not &lt;."
    assert visible_text(description) == TOML_SUMMARY
    channel_description = root.xpath("string(/rss/channel/description)")
    assert visible_text(channel_description) == f"Security & the web: why {SCRIPT} must stay text."


def test_text_file_quotes_the_markup_as_text(built: Path) -> None:
    [item] = feed(built).xpath("/rss/channel/item[enclosure[contains(@url, 'security')]]", namespaces=NS)
    notes = item.xpath("string(content:encoded)", namespaces=NS)
    description = item.xpath("string(description)")
    for value in (notes, description):
        assert executable(value) == []
        assert SCRIPT in visible_text(value) and ONERROR in visible_text(value)


def test_markdown_links_to_script_lose_their_urls(built: Path) -> None:
    [notes] = feed(built).xpath("/rss/channel/item[enclosure[contains(@url, 'markdown')]]/content:encoded",
                                namespaces=NS)
    assert executable(notes.text) == []
    doc = html5lib.parse(notes.text, treebuilder="lxml", namespaceHTMLElements=False)
    assert [a.get("href") for a in doc.iter("a")] in ([], [None])
    assert "bold" in visible_text(notes.text)


def test_check_is_silent_on_the_built_feed(built: Path) -> None:
    problems = check_feed((built / "public" / "feed.xml").read_bytes(), source="feed.xml")
    assert [str(p) for p in problems if p.rule.startswith("HTML-") or p.severity is Severity.ERROR] == []


def test_site_pages_run_only_the_sites_own_script(built: Path) -> None:
    pages = sorted((built / "public").rglob("*.html"))
    assert len(pages) >= 4  # the index, three episode pages, transcripts
    for page in pages:
        text = page.read_text("utf-8")
        doc = html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)
        # Search engines' data (JSON-LD) is the one inline script, and no browser runs it.
        data = [s for s in doc.iter("script") if s.get("type") == "application/ld+json"]
        assert all(not s.get("src") and "<" not in (s.text or "") for s in data), page
        scripts = [s for s in doc.iter("script") if s.get("type") != "application/ld+json"]
        assert all(s.get("src") and not (s.text or "").strip() for s in scripts), page
        assert [f for f in executable(text) if f != "<script>"] == [], page
        assert "alert(" not in "".join(s.text or "" for s in scripts), page


# --- html_text: escaping and the 4,000-byte cut -------------------------------------------------


def test_html_text_escapes_only_what_html_needs() -> None:
    # A bare & that no HTML parser reads as a reference stays as written...
    assert html_text("Q&A: <b>\"bold\"</b> isn't") == "Q&A: &lt;b&gt;\"bold\"&lt;/b&gt; isn't"
    assert html_text("AT&T and Q & A") == "AT&T and Q & A"
    # ... and once one & could begin a reference, every & is escaped.
    assert html_text("Tom &amp; Jerry & co") == "Tom &amp;amp; Jerry &amp; co"
    assert html_text("&copy 2024, &#169;") == "&amp;copy 2024, &amp;#169;"
    assert html_text("nothing to escape") == "nothing to escape"
    for text in ("AT&T", "Tom &amp; Jerry", "&copy <b>", "a&lt;b", "x & y &z;"):
        assert html.unescape(html_text(text)) == text  # what an app shows is the text


def test_html_text_counts_the_limit_on_escaped_bytes() -> None:
    text = "Fish &amp; chips " * 230  # 3,910 characters, 4,830 bytes once escaped
    assert len(text) < DESCRIPTION_BYTES
    out = html_text(text)
    assert len(out.encode("utf-8")) <= DESCRIPTION_BYTES
    assert out.endswith(ELLIPSIS) and not out.endswith(" " + ELLIPSIS)
    kept = html.unescape(out[: -len(ELLIPSIS)])
    # Cut between words, never inside an entity.
    assert text.startswith(kept) and kept.split()[-1] in ("Fish", "&amp;", "chips")


def test_html_text_cuts_multibyte_text_to_bytes() -> None:
    text = "猫" * 2000  # 6,000 bytes, no spaces
    out = html_text(text)
    assert len(out.encode("utf-8")) <= DESCRIPTION_BYTES
    assert out == "猫" * 1332 + ELLIPSIS


def test_built_description_fits_apple_limit(make_show: Callable[..., Path], cli: Callable[..., object]) -> None:
    summary = "R&amp;D and more " * 235  # 3,995 characters: within the toml's limit, over 4,000 bytes escaped
    root = make_show({"long": {"audio": "tagged.mp3",
                               "toml": f"date = 2024-01-02T09:00:00Z\nsummary = '''{summary.strip()}'''\n"}})
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    item = feed(root).xpath("/rss/channel/item")[0]
    for name in ("description",):
        value = item.xpath(f"string({name})", namespaces=NS)
        assert 3900 < len(value.encode("utf-8")) <= DESCRIPTION_BYTES, name
        assert value.endswith(ELLIPSIS)
