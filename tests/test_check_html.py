"""`feedtool check` and HTML that podcast apps must not render (issue 13, item 6).

Each dangerous case is put into a field of tests/feeds/valid.xml that apps
render as HTML, and the test asserts the exact HTML-* rule ids that fire and
where. Safe markup (Apple's p/ol/ul/li/a, escaped code samples, https links)
must fire none of them, and neither may a show that feedtool itself builds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from feedtool.check.feed import check_feed, html_hazards
from feedtool.problems import Severity

from conftest import NS

HERE = Path(__file__).parent
REPO = HERE.parent
VALID = (HERE / "feeds" / "valid.xml").read_text("utf-8")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CHANNEL_NOTES = "<![CDATA[<p>Conversations with people who work outdoors.</p>]]>"
ITEM_NOTES = "<![CDATA[<p>A morning with a shepherd in the Jura.</p><ul><li>Lambing season</li></ul>]]>"


def html_rules(data: bytes) -> dict[str, set[str]]:
    """Element path → the HTML-* rule ids reported on it."""
    found: dict[str, set[str]] = {}
    for p in check_feed(data, source="t.xml", now=NOW):
        if p.rule.startswith("HTML-"):
            assert p.severity is Severity.ERROR, p
            found.setdefault(str(p.field), set()).add(p.rule)
    return found


def in_channel_description(html: str) -> bytes:
    return VALID.replace(CHANNEL_NOTES, f"<![CDATA[{html}]]>", 1).encode()


def in_content_encoded(html: str) -> bytes:
    return VALID.replace(ITEM_NOTES, f"<![CDATA[{html}]]>", 1).encode()


def in_item_summary(html: str) -> bytes:
    # XML-escaped rather than CDATA: the decoded value is what apps read.
    return VALID.replace("<itunes:duration>1520</itunes:duration>",
                         f"<itunes:duration>1520</itunes:duration>\n<itunes:summary>{escape(html)}</itunes:summary>",
                         1).encode()


def in_channel_subtitle(html: str) -> bytes:
    return VALID.replace("<itunes:type>episodic</itunes:type>",
                         f"<itunes:type>episodic</itunes:type>\n<itunes:subtitle>{escape(html)}</itunes:subtitle>",
                         1).encode()


def in_podcast_text(html: str) -> bytes:
    return VALID.replace(">The first lamb<", f">{escape(html)}<", 1).encode()


def raw_in_item_description(html: str) -> bytes:
    # Unescaped child elements (RSS-DESC-HTML) are read as HTML by some parsers too.
    return VALID.replace("A day marking trees for the winter cut.", html, 1).encode()


FIELDS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "channel-description": (in_channel_description, "channel/description"),
    "content-encoded": (in_content_encoded, "channel/item[1]/content:encoded"),
    "itunes-summary": (in_item_summary, "channel/item[1]/itunes:summary"),
    "itunes-subtitle": (in_channel_subtitle, "channel/itunes:subtitle"),
    "podcast-soundbite": (in_podcast_text, "channel/item[1]/podcast:soundbite"),
}

# (case id, markup, the rule ids it must fire): one per dangerous construct,
# then the disguises that browsers see through.
DANGEROUS: list[tuple[str, str, set[str]]] = [
    ("script", "<p>Hi</p><script>alert(1)</script>", {"HTML-SCRIPT"}),
    ("script-upper-case", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", {"HTML-SCRIPT"}),
    ("svg-script", "<svg><script>alert(1)</script></svg>", {"HTML-SCRIPT"}),
    ("onerror", '<img src="x.png" onerror="alert(1)">', {"HTML-EVENT-HANDLER"}),
    ("onload-svg", "<svg onload=alert(1)></svg>", {"HTML-EVENT-HANDLER"}),
    ("onclick-mixed-case", '<a href="https://example.org/" OnClick="alert(1)">x</a>', {"HTML-EVENT-HANDLER"}),
    ("second-body-onload", "<p>Hi</p><body onload=alert(1)>", {"HTML-EVENT-HANDLER"}),
    ("javascript-href", '<a href="javascript:alert(1)">x</a>', {"HTML-URL-SCHEME"}),
    ("javascript-tab", '<a href="java&#x09;script:alert(1)">x</a>', {"HTML-URL-SCHEME"}),
    ("javascript-entity-colon", '<a href="javascript&colon;alert(1)">x</a>', {"HTML-URL-SCHEME"}),
    ("javascript-leading-space", '<a href="  JaVaScRiPt:alert(1)">x</a>', {"HTML-URL-SCHEME"}),
    ("vbscript-href", '<a href="vbscript:msgbox(1)">x</a>', {"HTML-URL-SCHEME"}),
    ("data-href", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', {"HTML-URL-SCHEME"}),
    ("data-img-srcset", '<img src="a.png" srcset="a.png 1x, data:image/svg+xml,x 2x">', {"HTML-URL-SCHEME"}),
    ("svg-animate-href", "<svg><a><animate attributeName=href to=javascript:alert(1) /></a></svg>",
     {"HTML-URL-SCHEME"}),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', {"HTML-EMBED"}),
    ("object", '<object data="https://evil.example/x.swf"></object>', {"HTML-EMBED"}),
    ("embed", '<embed src="https://evil.example/x.swf">', {"HTML-EMBED"}),
    ("form", '<form action="https://evil.example/"><p>Password</p></form>', {"HTML-FORM"}),
    ("input", '<input type="password" name="pw">', {"HTML-FORM"}),
    ("button-formaction", "<button formaction=javascript:alert(1)>Go</button>", {"HTML-FORM", "HTML-URL-SCHEME"}),
    ("meta-refresh", '<meta http-equiv="refresh" content="0; url=https://evil.example/">', {"HTML-META"}),
    ("base", '<base href="https://evil.example/">', {"HTML-META"}),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">', {"HTML-META"}),
    ("css-expression", '<p style="width: expression(alert(1))">x</p>', {"HTML-CSS"}),
    ("css-url-javascript", "<p style=\"background: url('javascript:alert(1)')\">x</p>", {"HTML-CSS"}),
    ("css-behavior", '<p style="behavior: url(x.htc)">x</p>', {"HTML-CSS"}),
    ("css-moz-binding", '<p style="-moz-binding: url(https://evil.example/x.xml#x)">x</p>', {"HTML-CSS"}),
    ("css-import", "<style>@import 'https://evil.example/x.css';</style>", {"HTML-CSS"}),
    ("css-comment-split", '<p style="width: expr/**/ession(alert(1))">x</p>', {"HTML-CSS"}),
    ("css-escaped", '<p style="width: \\65 xpression(alert(1))">x</p>', {"HTML-CSS"}),
    # libxml2 and an HTML5 browser part ways here; the scan must still see them.
    ("comment-bang-close", "<!-- --!><script>alert(1)</script> -->", {"HTML-SCRIPT"}),
    ("noscript-attribute", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
     {"HTML-EVENT-HANDLER"}),
    ("svg-style-breakout", "<svg><style><img src=x onerror=alert(1)></style></svg>", {"HTML-EVENT-HANDLER"}),
    ("deeply-nested", "<div>" * 600 + "<script>alert(1)</script>", {"HTML-SCRIPT"}),
]


@pytest.mark.parametrize(("markup", "expected"), [pytest.param(m, e, id=i) for i, m, e in DANGEROUS])
def test_dangerous_html_in_show_notes(markup: str, expected: set[str]) -> None:
    maker, where = FIELDS["content-encoded"]
    assert html_rules(maker(markup)) == {where: expected}


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize(("markup", "expected"), [
    pytest.param('<script>alert(1)</script>', {"HTML-SCRIPT"}, id="script"),
    pytest.param('<img src=x onerror=alert(1)>', {"HTML-EVENT-HANDLER"}, id="onerror"),
    pytest.param('<a href="javascript:alert(1)">x</a>', {"HTML-URL-SCHEME"}, id="javascript"),
])
def test_every_html_bearing_field_is_scanned(field: str, markup: str, expected: set[str]) -> None:
    maker, where = FIELDS[field]
    assert html_rules(maker(markup)) == {where: expected}


def test_raw_child_elements_are_scanned() -> None:
    data = raw_in_item_description('A day <img src="x" onerror="alert(1)"/> marking trees.')
    found = {p.rule for p in check_feed(data, now=NOW) if p.field == "channel/item[2]/description"}
    assert found == {"RSS-DESC-HTML", "HTML-EVENT-HANDLER"}


def test_the_message_names_the_field_the_thing_and_the_fix() -> None:
    data = in_content_encoded('<p>Hi</p><img src=x onerror="alert(1)">')
    [problem] = [p for p in check_feed(data, source="t.xml", now=NOW) if p.rule.startswith("HTML-")]
    assert problem.field == "channel/item[1]/content:encoded"
    assert problem.line == 49  # the line of <content:encoded> in valid.xml
    assert "onerror=" in problem.message and "<img>" in problem.message and "remove the attribute" in problem.message


def test_many_findings_in_one_field_are_one_problem_per_rule() -> None:
    markup = "".join(f'<img src=x onerror="{i}" onload="{i}" onfocus="{i}" onblur="{i}">' for i in range(3))
    problems = [p for p in check_feed(in_content_encoded(markup), now=NOW) if p.rule.startswith("HTML-")]
    assert [p.rule for p in problems] == ["HTML-EVENT-HANDLER"]
    assert "(and 1 more)" in problems[0].message


# --- what must stay silent ----------------------------------------------------------------

SAFE = [
    ("apple-tags", '<p>Notes</p><ol><li>One</li></ol><ul><li><a href="https://example.org/">Two</a></li></ul>'),
    ("escaped-code", "<p>The page had <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> in it.</p>"),
    ("plain-text-about-html", "Quoting &lt;img onerror=alert(1)&gt; and javascript:alert(1) as text."),
    ("less-than", "<p>3 < 4 and 5 > 2 &amp; so on</p>"),
    ("relative-and-mailto", '<p><a href="/about">About</a> <a href="mailto:a@example.org">Mail</a></p>'),
    ("word-on-in-attribute-value", '<p title="on air">On air: online only</p>'),
    ("javascript-in-title-attribute", '<p title="javascript: the good parts">Book</p>'),
    ("harmless-style", '<p style="color: red; font-weight: bold">x</p>'),
    ("comment", "<!-- an editor's note --><p>x</p>"),
    ("empty", ""),
    ("junk", "<<<>>></p></div><p"),
]


@pytest.mark.parametrize("markup", [pytest.param(m, id=i) for i, m in SAFE])
def test_safe_html_fires_nothing(markup: str) -> None:
    assert html_hazards(markup) == {}
    assert html_rules(in_content_encoded(markup)) == {}


def test_demo_feed_is_silent() -> None:
    """feedtool's own demo feed: no HTML-* problem, and no error or warning at all."""
    data = (REPO / "public" / "feed.xml").read_bytes()
    problems = check_feed(data, source="public/feed.xml")
    assert [str(p) for p in problems if p.severity is not Severity.INFO] == []
    items = etree.fromstring(data).xpath("/rss/channel/item/content:encoded", namespaces=NS)
    assert items, "the demo feed has show notes to scan"


def test_freshly_built_show_is_silent(make_show: Callable[..., Path], cli: Callable[..., object]) -> None:
    show = make_show()
    result = cli("build", show)
    assert getattr(result, "exit_code") == 0, getattr(result, "output")
    data = (show / "public" / "feed.xml").read_bytes()
    problems = check_feed(data, source="feed.xml")
    assert [str(p) for p in problems if p.severity is not Severity.INFO] == []
    notes = etree.fromstring(data).xpath("/rss/channel/item/content:encoded", namespaces=NS)
    assert len(notes) == 2


def test_cli_reports_dangerous_html_as_errors_and_exits_1() -> None:
    from typer.testing import CliRunner

    from feedtool.cli import app

    data = in_channel_description('<p onclick="steal()">Hi</p><script src="https://evil.example/x.js"></script>')
    result = CliRunner().invoke(app, ["check", "-"], input=data)
    assert result.exit_code == 1, result.output
    lines = sorted(result.stdout.splitlines())
    assert [line.split(":")[0] for line in lines] == [
        "error HTML-EVENT-HANDLER channel/description (line 12)",
        "error HTML-SCRIPT channel/description (line 12)",
    ]
    assert "2 errors" in result.stderr
