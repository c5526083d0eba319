"""Check any RSS 2.0 podcast feed against the rules in feedtool.rules, offline.

`check_feed(data)` returns every problem it finds and never raises for a bad
feed; it raises `NotAFeed` only when the bytes are not XML at all or not an
RSS document, because then no rule can say anything useful.

Elements are matched by namespace URI, never by prefix (a feed may bind
`itunes:` to anything), except where the prefix itself is the problem
(NS-PREFIX). Each problem points at an element path such as
`channel/item[3]/enclosure` (items are numbered from 1) and its source line.
"""

from __future__ import annotations

import difflib
import functools
import html
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any, cast
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.etree import _Element as Element

from feedtool.problems import Problem
from feedtool.check.rules import (
    APPLE_ENCLOSURE_EXTENSIONS,
    APPLE_ENCLOSURE_TYPES,
    EXTENSION_TYPES,
    P20_ATTR_LIMITS,
    P20_CHAPTERS_TYPE,
    P20_TAGS,
    P20_TRANSCRIPT_TYPES,
    P20_VALUE_LIMITS,
    PODCAST_NS_LEGACY,
    RULES,
    UNPLAYABLE_EXTENSIONS,
    UNPLAYABLE_TYPES,
)
from feedtool.standards import (
    ATOM_NS,
    CONTENT_NS,
    FEED_SIZE_LIMIT,
    ITUNES_NS,
    P20_LICENSES,
    P20_MEDIUMS,
    P20_PERSON_TAXONOMY,
    PODCAST_NS,
    apple_categories,
)

PODCAST_URIS = (PODCAST_NS, PODCAST_NS_LEGACY)
_PREFIX_OF = {ITUNES_NS: "itunes", PODCAST_NS: "podcast", PODCAST_NS_LEGACY: "podcast", ATOM_NS: "atom",
              CONTENT_NS: "content"}
APPLE_DESC_BYTES = 4000
APPLE_VALUE_CHARS = 255
# P20 docs/tags/guid.md: the namespace UUID that podcast:guid values are derived with.
P20_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


class NotAFeed(Exception):
    """The input is not XML, or not an RSS document: nothing to check."""


def _it(name: str) -> str:
    return f"{{{ITUNES_NS}}}{name}"


# Elements that RSS 2.0 / the itunes spec define once per parent (W3C DuplicateElement).
CHANNEL_SINGLE = ("title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
                  "pubDate", "lastBuildDate", "docs", "generator", "ttl", "image",
                  *(_it(n) for n in ("author", "explicit", "image", "type", "owner", "title", "summary",
                                     "subtitle", "new-feed-url", "block", "complete", "keywords")))
ITEM_SINGLE = ("title", "link", "description", "author", "comments", "guid", "pubDate", "source",
               f"{{{CONTENT_NS}}}encoded",
               *(_it(n) for n in ("duration", "explicit", "episode", "season", "episodeType", "image", "title",
                                  "block", "summary", "subtitle", "author", "keywords")))
# The children RSS 2.0 defines, and the itunes: tags of Apple's guide and the
# W3C validator's itunes.py, by parent (RSS-UNDEFINED, APL-UNDEFINED: W3C
# UndefinedElement).
RSS_CHANNEL_ELEMENTS = frozenset(("title", "link", "description", "language", "copyright", "managingEditor",
                                  "webMaster", "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud",
                                  "ttl", "image", "rating", "textInput", "skipHours", "skipDays", "item"))
RSS_ITEM_ELEMENTS = frozenset(("title", "link", "description", "author", "category", "comments", "enclosure",
                               "guid", "pubDate", "source"))
_ITUNES_BOTH = ("author", "block", "explicit", "image", "keywords", "subtitle", "summary", "title")
ITUNES_CHANNEL_ELEMENTS = frozenset((*_ITUNES_BOTH, "category", "complete", "new-feed-url", "owner", "type",
                                     "applepodcastsverify"))
ITUNES_ITEM_ELEMENTS = frozenset((*_ITUNES_BOTH, "duration", "episode", "season", "episodeType",
                                  "isClosedCaptioned", "order"))
# Limits of the RSS 2.0 <image> (W3C InvalidWidth, InvalidHeight).
RSS_IMAGE_MAX = {"width": 144, "height": 400}
# Before the Unix epoch a date is a placeholder or a bug (W3C ImplausibleDate).
PLAUSIBLE_YEAR = 1970
# A guid that is a short number is likely to be some other feed's guid too
# (W3C NotSufficientlyUnique: fewer than 9 digits).
WEAK_GUID_DIGITS = 9
APPLE_KEYWORDS_CHARS = 255

# Short values where surrounding whitespace is a mistake (APL-WHITESPACE);
# descriptions are left out, CDATA blocks legitimately start with a newline.
WHITESPACE_TAGS = frozenset(("title", "link", "language", "guid", "pubDate", "lastBuildDate", "author",
                             *(_it(n) for n in ("author", "explicit", "type", "title", "duration", "episode",
                                                "season", "episodeType", "email", "name", "new-feed-url",
                                                "block", "complete")),
                             *(f"{{{ns}}}{n}" for ns in PODCAST_URIS
                               for n in ("locked", "guid", "medium", "season", "episode", "license"))))
PLAIN_TEXT_TAGS = frozenset(("title", *(_it(n) for n in ("title", "subtitle", "summary", "author", "name"))))
APPLE_DESC_TAGS = ("p", "ol", "ul", "li", "a")
# Fields that podcast apps render as HTML (HTML-* rules). The podcast: tags'
# text values (person, funding, soundbite, txt, …) are scanned too: some apps
# show them as HTML and none needs markup in them.
HTML_FIELDS = ("description", f"{{{CONTENT_NS}}}encoded", _it("summary"), _it("subtitle"))
_HTML_CONSEQUENCE = {
    "HTML-SCRIPT": "it would run in the app: remove it, or escape the text (&lt;script&gt;) if it is meant to be read",
    "HTML-EVENT-HANDLER": "the handler would run as script: remove the attribute",
    "HTML-URL-SCHEME": "the URL would run script or open attacker-made content: use an http(s) URL",
    "HTML-EMBED": "it would load another page or plug-in inside the app: link to it instead",
    "HTML-FORM": "it could pose as the app and collect what a listener types: remove it",
    "HTML-META": "it could redirect the view, re-point every link or load outside code: remove it",
    "HTML-CSS": "that CSS can run script or load outside code: remove it",
}

# ISO 639-1 two-letter codes (APL-LANGUAGE).
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv
ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne
ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st
su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

_EMAIL = re.compile(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+")
_RSS_PERSON = re.compile(rf"{_EMAIL.pattern}(\s*\(.*\))?")
_MIME = re.compile(r"[\w.+-]+/[\w.+-]+")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)?/?>")
_DURATION = re.compile(r"\d+(:[0-5]\d){0,2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LANGUAGE = re.compile(r"([A-Za-z]{2,3})((-[A-Za-z0-9]{1,8})*)")
_DECIMAL = re.compile(r"\d+(\.\d+)?")
# Numbers inside an episode title that belong in itunes:episode/itunes:season (Apple's guide).
_TITLE_NUMBER = re.compile(
    r"\b(episode|ep\.?)\s*#?\d+|\bs\d+\s*e\d+\b|\bseason\s*\d+|^#?\d{1,3}\s*[:.\-–—|)](?!\d)|^#\d+|\(#?\d+\)\s*$",
    re.IGNORECASE)

# RFC 2822 section 3.3 (with the obsolete zone names of 4.3); parsedate_to_datetime
# is too lenient on its own, so the shape is checked first (W3C InvalidRFC2822Date).
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NAMED_ZONES = frozenset(("UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"))
_DATE = re.compile(r"(?:(?P<wday>[A-Za-z]+)\s*,\s*)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d+)\s+"
                   r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s+(?P<zone>\S+))?")
_DATE_EXAMPLE = "e.g. 'Tue, 02 Jan 2024 09:00:00 +0000'"


def parse_rfc2822(value: str) -> tuple[datetime | None, str | None]:
    """(aware datetime, None) for a valid RFC 2822 date, else (None, why)."""
    v = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", v):
        return None, f"{v!r} is an ISO 8601 date; RSS needs RFC 2822, {_DATE_EXAMPLE}"
    m = _DATE.fullmatch(v)
    if m is None:
        return None, f"{v!r} is not an RFC 2822 date; {_DATE_EXAMPLE}"
    wday, month, year, zone = m["wday"], m["month"], m["year"], m["zone"]
    if wday is not None and wday.title() not in _WEEKDAYS:
        return None, f"{v!r}: {wday!r} is not a weekday abbreviation (Mon … Sun)"
    if month.title() not in _MONTHS:
        return None, f"{v!r}: {month!r} is not a month abbreviation (Jan … Dec)"
    if len(year) != 4:
        return None, f"{v!r}: the year must have 4 digits"
    if zone is None:
        return None, f"{v!r} has no time zone; add '+0000' or 'GMT'"
    if not re.fullmatch(r"[+-]\d{4}", zone) and zone.upper() not in _NAMED_ZONES:
        if len(zone) == 1 and zone.isalpha():
            # RFC 2822 4.3: military zones were defined wrongly in RFC 822 and mean -0000.
            return None, f"{v!r}: military time zone {zone!r} is ambiguous; use '+0000' or 'GMT'"
        return None, f"{v!r}: {zone!r} is not an RFC 2822 time zone; use a numeric zone like '+0000' or 'GMT'"
    try:
        dt = parsedate_to_datetime(v)
    except (TypeError, ValueError) as exc:
        return None, f"{v!r} is not a real date ({exc})"
    if dt.tzinfo is None:  # '-0000' means UTC with unknown local zone
        dt = dt.replace(tzinfo=UTC)
    if wday is not None and _WEEKDAYS.index(wday.title()) != dt.weekday():
        return None, f"{v!r}: {dt:%Y-%m-%d} was a {_WEEKDAYS[dt.weekday()]}, not a {wday.title()}"
    return dt, None


# --- HTML that podcast apps must not render (HTML-* rules) -------------------------
#
# Apps show <description>, content:encoded, itunes:summary and itunes:subtitle
# as HTML, so whatever markup their decoded values hold is live in the app's web
# view. The markup is parsed with libxml2's HTML parser (lxml.html), which
# recovers from any junk as a browser does; where libxml2 and an HTML5 browser
# may disagree, the scan errs on the side of reporting (see _scan_html).

_SCRIPT_TAGS = frozenset(("script",))
_EMBED_TAGS = frozenset(("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe"))
_FORM_TAGS = frozenset(("form", "input", "button", "textarea", "select", "keygen", "isindex"))
# Elements whose content libxml2 keeps as text but a browser may parse as
# markup (inside <svg>/<math>, with scripting off, …): their text is scanned too.
_RAW_TEXT_TAGS = frozenset(("script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
                            "textarea", "title"))
# Attributes that hold a URL a browser follows or loads.
_URL_ATTRS = frozenset(("href", "src", "action", "formaction", "data", "codebase", "cite", "background", "poster",
                        "lowsrc", "dynsrc", "longdesc", "usemap", "manifest", "ping", "icon", "profile", "classid",
                        "archive", "srcset", "imagesrcset"))
# SVG animation elements set another attribute (say href) to these values.
_SVG_ANIMATION = frozenset(("animate", "set", "animatetransform", "animatemotion"))
_SVG_ANIMATION_ATTRS = frozenset(("to", "from", "values", "by"))
_BAD_SCHEMES = ("javascript", "vbscript", "livescript", "data")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
# Browsers drop ASCII tab and newline anywhere in a URL and control
# characters and spaces around it (the WHATWG URL standard), so
# "java\tscript:" is javascript:.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
_CSS_HAZARDS = (
    (re.compile(r"expression\("), "expression()"),
    (re.compile(r"(javascript|vbscript|livescript):"), "a script URL"),
    (re.compile(r"behaviou?r:"), "behavior:"),
    (re.compile(r"-moz-binding"), "-moz-binding"),
    (re.compile(r"@import"), "@import"),
)
# Show notes as feedtool and most hosts write them: attribute-free text tags
# and links whose href literally starts with http(s):. When every "<" in a
# field starts one of these, nothing in it can run, so the parse is skipped
# (a build checks thousands of notes); anything else is parsed.
_PLAIN_TAG = re.compile(r'</?(?:p|h[1-6]|ul|ol|li|em|strong|b|i|u|blockquote|br|small|code|pre|sup|sub)\s*/?>'
                        r'|<a href="https?://[^"<>]*"(?: rel="[^"<>]*")?>|</a>', re.IGNORECASE)
_MAX_HTML_DEPTH = 4  # markup hidden in markup hidden in markup: enough for any real trick, bounded for junk
_MAX_REOPENED = 10  # misplaced <body>/<html> start tags re-read per field


def _css_hazards(css: str) -> list[str]:
    """The dangerous constructs in a CSS text, after undoing the comments
    and escapes that would otherwise hide them (expr/**/ession, \\65xpression)."""
    def unescape(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return m.group(2)
        code = int(m.group(1), 16)
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"

    plain = _CSS_ESCAPE.sub(unescape, _CSS_COMMENT.sub("", css))
    squeezed = re.sub(r"[\s'\"]+", "", plain).lower()
    return [what for pattern, what in _CSS_HAZARDS if pattern.search(squeezed)]


def _bad_scheme(value: str) -> str | None:
    """'javascript' when VALUE is a URL a browser would run as script (or data:)."""
    cleaned = _URL_JUNK.sub("", html.unescape(_URL_JUNK.sub("", value))).lower()
    m = _SCHEME.match(cleaned)
    return m.group(1) if m and m.group(1) in _BAD_SCHEMES else None


def _html_parser() -> etree.HTMLParser:
    # huge_tree: libxml2 otherwise drops what lies deeper than 256 elements,
    # which a browser would still render.
    return lxml.html.HTMLParser(recover=True, no_network=True, huge_tree=True, encoding="utf-8",
                                remove_comments=False, remove_pis=False)


def _parse_html(markup: str) -> Element | None:
    # Lone surrogates (possible in a str, never in parsed XML) make libxml2
    # drop the rest of the input, so they are replaced first.
    data = markup.encode("utf-8", "replace")
    try:
        return cast(Element, lxml.html.document_fromstring(data, parser=_html_parser()))
    except (etree.ParserError, ValueError):
        return None  # nothing but whitespace or comments: no element to report


@dataclass
class _HtmlFindings:
    """What one field's markup holds, by rule id, each thing described once."""

    found: dict[str, list[str]] = field(default_factory=dict)

    def add(self, rule_id: str, what: str) -> None:
        seen = self.found.setdefault(rule_id, [])
        if what not in seen:
            seen.append(what)


def html_hazards(markup: str) -> dict[str, list[str]]:
    """Rule id → descriptions of what in MARKUP would run, load or submit if
    an app rendered it as HTML (<script>, onerror=, javascript: URLs, …)."""
    findings = _HtmlFindings()
    _scan_html(markup, findings, 0, reopen=True)
    return findings.found


def _scan_html(markup: str, findings: _HtmlFindings, depth: int, *, reopen: bool) -> None:
    if "<" not in markup or depth > _MAX_HTML_DEPTH:
        return  # no tag at all: whatever the text says, it renders as text
    if markup.count("<") == sum(1 for _ in _PLAIN_TAG.finditer(markup)):
        return  # each match holds exactly one "<", so every tag is one of the plain ones
    doc = _parse_html(markup)
    if doc is not None:
        for node in doc.iter():
            tag = node.tag
            if not isinstance(tag, str):
                # A comment or processing instruction: HTML5 and libxml2 end
                # some of them at different places (--!>, <?…>), so what libxml2
                # hides inside one may be live markup in a browser.
                _scan_html(node.text or "", findings, depth + 1, reopen=False)
                continue
            _scan_element(node, tag.rsplit(":", 1)[-1].lower(), findings, depth)
    if reopen:
        _reopen_body_tags(markup, findings, depth)


def _reopen_body_tags(markup: str, findings: _HtmlFindings, depth: int) -> None:
    """A second <body onload=…> (or <html …>) adds its attributes to the page's
    body in a browser, but libxml2 drops them: read each from its own start."""
    lower = markup.lower()
    starts = sorted(i for name in ("<body", "<html") for i in _positions(lower, name) if i > 0)
    for start in starts[:_MAX_REOPENED]:
        _scan_html(markup[start:], findings, depth + 1, reopen=False)


def _positions(text: str, needle: str) -> Iterable[int]:
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)


def _scan_element(el: Element, tag: str, findings: _HtmlFindings, depth: int) -> None:
    if tag in _SCRIPT_TAGS:
        findings.add("HTML-SCRIPT", "a <script> element")
    elif tag in _EMBED_TAGS:
        findings.add("HTML-EMBED", f"an <{tag}> element" if tag[0] in "aeiou" else f"a <{tag}> element")
    elif tag in _FORM_TAGS:
        findings.add("HTML-FORM", f"an <{tag}> element" if tag[0] in "aeiou" else f"a <{tag}> element")
    elif tag in ("base", "link") or (tag == "meta" and el.get("http-equiv") is not None):
        what = "<meta http-equiv>" if tag == "meta" else f"<{tag}>"
        findings.add("HTML-META", f"a {what} element")
    if tag == "style":
        for hazard in _css_hazards(el.text or ""):
            findings.add("HTML-CSS", f"{hazard} in a <style> element")
    if tag in _RAW_TEXT_TAGS and el.text:
        _scan_html(el.text, findings, depth + 1, reopen=False)
    for raw_name, value in el.items():
        name = str(raw_name).rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower()
        _scan_attribute(tag, name, str(raw_name).lower(), str(value), findings, depth)


def _scan_attribute(tag: str, name: str, shown: str, value: str, findings: _HtmlFindings, depth: int) -> None:
    if name.startswith("on"):
        findings.add("HTML-EVENT-HANDLER", f"the event handler {shown}= on <{tag}>")
    elif name == "style":
        for hazard in _css_hazards(value):
            findings.add("HTML-CSS", f"{hazard} in the style of <{tag}>")
    for url in _urls_in(tag, name, value):
        scheme = _bad_scheme(url)
        if scheme is not None:
            findings.add("HTML-URL-SCHEME", f"a {scheme}: URL in <{tag} {shown}>")
    if "<" in value:
        # Markup inside an attribute is text to libxml2, but some browser
        # parsing paths (<noscript>, foreign content) turn it back into tags.
        _scan_html(value, findings, depth + 1, reopen=False)


def _urls_in(tag: str, name: str, value: str) -> list[str]:
    """The URLs a browser would follow or load from this attribute."""
    if tag == "meta" and name == "content":
        # <meta http-equiv=refresh content="0; url=javascript:…">
        m = re.search(r"url\s*=\s*(.*)", value, re.IGNORECASE | re.DOTALL)
        return [m.group(1).strip(" '\"")] if m else []
    if name.endswith("srcset"):
        return [c.strip().split(" ")[0] for c in value.split(",")]
    if tag in _SVG_ANIMATION and name in _SVG_ANIMATION_ATTRS:
        return value.split(";")
    if name in _URL_ATTRS or name.endswith(("href", "src")):
        return [value]
    return []


@functools.cache
def _obsolete_categories() -> dict[str, tuple[str, ...]]:
    raw = resources.files("feedtool").joinpath("data/apple_categories.json").read_text("utf-8")
    return {k: tuple(v) for k, v in json.loads(raw)["deprecated_pre_2019"].items()}


def _split(tag: object) -> tuple[str | None, str]:
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def _text(el: Element) -> str:
    # All descendant text, without comments (like XPath string()).
    return "".join(cast(Iterable[str], el.itertext()))  # lxml-stubs allow bytes; parsed text is str


def _close(name: str, known: Iterable[str], *, prefix: str = "") -> str:
    """'; did you mean <x>?' for a misspelt element name, or ''."""
    lower = {k.lower(): k for k in known}
    hint = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.75)
    return f"; did you mean <{prefix}{lower[hint[0]]}>?" if hint else ""


def _markup(el: Element) -> str:
    """The HTML an app reads from EL: its text, or its raw child elements
    serialised when the HTML was put in unescaped (RSS-DESC-HTML)."""
    if not _has_element_children(el):
        return _text(el)
    inner = "".join(etree.tostring(c, encoding="unicode", with_tail=True) for c in el)
    return (el.text or "") + inner


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[1] if "." in name else ""


def _norm_url(url: str) -> str:
    return url.strip().rstrip("/").lower()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _children(el: Element, tag: str) -> list[Element]:
    return list(el.iterchildren(tag))


def _p20_children(el: Element, local: str) -> list[Element]:
    return list(el.iterchildren(*(f"{{{ns}}}{local}" for ns in PODCAST_URIS)))


def _has_element_children(el: Element) -> bool:
    return any(isinstance(c.tag, str) for c in el)


@dataclass
class _Summary:
    element: Element
    message: str
    count: int = 1


@dataclass
class _Checker:
    source: str
    root: Element
    channel: Element
    now: datetime
    itunes_undeclared: bool = False
    problems: list[Problem] = field(default_factory=list)
    summaries: dict[tuple[str, str], _Summary] = field(default_factory=dict)
    siblings: dict[tuple[Element, str], dict[Element, int]] = field(default_factory=dict)

    # --- reporting ---------------------------------------------------------------

    def report(self, rule_id: str, el: Element, message: str, line: int | None = None) -> None:
        r = RULES[rule_id]
        if line is None:
            source_line = el.sourceline
            line = source_line if isinstance(source_line, int) else None
        self.problems.append(Problem(self.source, self.path(el), message, r.level, rule_id, line))

    def report_once(self, rule_id: str, key: str, el: Element, message: str) -> None:
        """Advice that would repeat on every item is reported once, with a count."""
        seen = self.summaries.get((rule_id, key))
        if seen is None:
            self.summaries[(rule_id, key)] = _Summary(el, message)
        else:
            seen.count += 1

    def flush(self) -> None:
        for (rule_id, _), s in self.summaries.items():
            more = f" (and {_plural(s.count - 1, 'more element')} like it)" if s.count > 1 else ""
            self.report(rule_id, s.element, s.message + more)

    def path(self, el: Element) -> str:
        parts: list[str] = []
        node: Element | None = el
        while node is not None and node is not self.root:
            parent = node.getparent()
            name = self.name(node)
            if parent is not None:
                position, count = self.position(parent, node)
                if count > 1 or (node.tag == "item" and parent is self.channel):
                    name += f"[{position}]"
            parts.append(name)
            node = parent
        return "/".join(reversed(parts)) or "rss"

    def position(self, parent: Element, node: Element) -> tuple[int, int]:
        """(1-based position among same-named siblings, how many there are).

        Cached per parent and tag: a feed with thousands of items would
        otherwise rescan the channel for every problem it reports.
        """
        key = (parent, str(node.tag))
        table = self.siblings.get(key)
        if table is None:
            same = [c for c in parent if c.tag == node.tag]
            table = self.siblings[key] = {c: i for i, c in enumerate(same, 1)}
        return table[node], len(table)

    @staticmethod
    def name(el: Element) -> str:
        ns, local = _split(el.tag)
        if ns is None:
            return local
        return f"{_PREFIX_OF.get(ns) or el.prefix or 'ns'}:{local}"

    # --- the checks --------------------------------------------------------------

    def run(self, data: bytes) -> None:
        self.check_document(data)
        self.check_namespaces()
        self.check_duplicates(self.channel, CHANNEL_SINGLE)
        self.check_undefined()
        self.check_whitespace()
        self.check_plain_text()
        self.check_channel()
        self.check_categories()
        self.check_images()
        items = _children(self.channel, "item")
        if not items:
            self.report("APL-EPISODES", self.channel, "the feed has no <item>: Apple rejects a show with no episode")
        self.check_items(items)
        self.check_p20()
        self.check_html()
        self.flush()

    def check_document(self, data: bytes) -> None:
        if len(data) > FEED_SIZE_LIMIT:
            self.report("FEED-SIZE", self.root, f"the feed is {len(data):,} bytes, over {FEED_SIZE_LIMIT:,}; "
                        "trim old show notes or page the feed (RFC 5005)")
        encoding = (self.root.getroottree().docinfo.encoding or "UTF-8").upper()
        if encoding.replace("-", "") != "UTF8":
            self.report("XML-UTF8", self.root, f"the feed is encoded as {encoding}; Apple requires UTF-8")
        if self.root.get("version", "").strip() != "2.0":
            version = self.root.get("version")
            self.report("RSS-ROOT", self.root, f'<rss> has version={version!r}; expected version="2.0"'
                        if version is not None else '<rss> has no version attribute; expected version="2.0"')
        channels = _children(self.root, "channel")
        if len(channels) > 1:
            self.report("RSS-ROOT", channels[1], f"<rss> holds {len(channels)} channels; apps read only the first")

    def check_namespaces(self) -> None:
        declared: dict[tuple[str | None, str], Element] = {}
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            parent = el.getparent()
            inherited = parent.nsmap if parent is not None else {}
            for prefix, uri in el.nsmap.items():
                if inherited.get(prefix) != uri:
                    declared.setdefault((prefix, uri), el)
        uris = {uri for _, uri in declared}
        if ITUNES_NS not in uris and not self.itunes_undeclared:
            near = [(p, u, e) for (p, u), e in declared.items() if "itunes.com/dtds/podcast" in u.lower()]
            if near:
                for _, uri, el in near:
                    self.report("NS-ITUNES", el, f"the itunes namespace is declared as {uri!r}; it must be exactly "
                                f"{ITUNES_NS!r} (case-sensitive), otherwise Apple ignores every itunes: tag")
            else:
                self.report("NS-ITUNES", self.root, f"the feed does not declare the itunes namespace "
                            f"xmlns:itunes={ITUNES_NS!r}; Apple needs its itunes: tags")
        for (prefix, uri), el in declared.items():
            want = _PREFIX_OF.get(uri)
            if want in ("itunes", "podcast") and prefix != want:
                shown = f"prefix {prefix!r}" if prefix else "the default namespace"
                self.report("NS-PREFIX", el, f"{uri} is bound to {shown}; use {want}: (partytime, the Podcast "
                            "Index parser, matches the prefix literally)")
            if uri == PODCAST_NS_LEGACY:
                self.report("P20-LEGACY-NS", el, f"the podcast namespace uses the legacy URI {uri}; P20 asks for "
                            f"{PODCAST_NS} (only gPodder's podcastparser needs the legacy one)")

    def check_duplicates(self, parent: Element, singles: Iterable[str]) -> None:
        for tag in singles:
            copies = _children(parent, tag)
            for extra in copies[1:]:
                self.report("DUP-ELEMENT", extra, f"<{self.name(extra)}> appears {len(copies)} times in "
                            f"<{self.name(parent)}>; it may appear once (apps disagree on which copy wins)")

    def check_whitespace(self) -> None:
        for el in self.channel.iter():
            if el.tag in WHITESPACE_TAGS and not _has_element_children(el):
                value = _text(el)
                if value.strip() and value != value.strip():
                    self.report("APL-WHITESPACE", el, f"value {value!r} has leading or trailing whitespace")
        attrs = {"enclosure": ("url", "length", "type"), _it("image"): ("href",), _it("category"): ("text",),
                 f"{{{ATOM_NS}}}link": ("href", "rel")}
        for el in self.channel.iter(*attrs):
            for name in attrs[str(el.tag)]:
                raw = el.get(name)
                if raw is not None and raw.strip() and raw != raw.strip():
                    self.report("APL-WHITESPACE", el, f"attribute {name}={raw!r} has leading or trailing "
                                "whitespace")

    def check_plain_text(self) -> None:
        for el in self.channel.iter(*PLAIN_TEXT_TAGS):
            parent = el.getparent()
            if el.tag == "title" and parent is not None and parent.tag == "image":
                continue
            found = _TAG.search(_text(el))
            if _has_element_children(el) or found:
                what = f"HTML ({found.group(0)!r})" if found else "child elements"
                self.report("PLAIN-TEXT", el, f"<{self.name(el)}> is plain text but holds {what}; apps show "
                            "tags literally, so remove them")

    def check_length(self, el: Element, *, limit: int = APPLE_VALUE_CHARS) -> None:
        n = len(_text(el).strip())
        if n > limit:
            self.report("APL-LEN", el, f"<{self.name(el)}> is {n} characters; Apple allows {limit}")

    def check_description(self, el: Element, *, item: bool) -> None:
        text = _text(el)
        if el.tag != f"{{{CONTENT_NS}}}encoded":
            size = len(text.encode("utf-8"))
            if size > APPLE_DESC_BYTES:
                self.report("APL-DESC-LEN", el, f"<{self.name(el)}> is {size:,} bytes; Apple allows "
                            f"{APPLE_DESC_BYTES:,}")
        if el.tag == _it("summary"):
            return
        if _has_element_children(el):
            self.report("RSS-DESC-HTML", el, f"<{self.name(el)}> contains raw child elements; wrap the HTML "
                        "in <![CDATA[ … ]]> or escape it")
        elif item:
            extra = sorted({m.group(1).lower() for m in _TAG.finditer(text)} - set(APPLE_DESC_TAGS))
            if extra:
                self.report_once("APL-ITEM-DESC", ",".join(extra), el,
                                 f"episode notes use {', '.join(f'<{t}>' for t in extra)}, which Apple strips "
                                 f"(it shows only {', '.join(f'<{t}>' for t in APPLE_DESC_TAGS)})")

    def check_author(self, el: Element) -> None:
        value = _text(el).strip()
        if value and not _RSS_PERSON.fullmatch(value):
            self.report("RSS-AUTHOR", el, f"<{self.name(el)}> is {value!r}; RSS needs an email address, "
                        "optionally 'email (Name)' (use itunes:author for a plain name)")

    def check_link(self, el: Element) -> None:
        value = _text(el).strip()
        if value and not _is_url(value):
            self.report("RSS-LINK", el, f"<link> {value!r} is not an absolute http(s) URL")

    def check_date(self, el: Element) -> datetime | None:
        dt, why = parse_rfc2822(_text(el))
        if why is not None:
            self.report("RSS-DATE", el, f"<{self.name(el)}> {why}")
        elif dt is not None and dt.year < PLAUSIBLE_YEAR:
            self.report("DATE-IMPLAUSIBLE", el, f"<{self.name(el)}> {dt:%Y-%m-%d} is before {PLAUSIBLE_YEAR}: a "
                        "placeholder date, which apps sort as the oldest episode or drop")
        return dt

    def check_undefined(self) -> None:
        """Children of <channel> and <item> that neither RSS 2.0 nor Apple define."""
        self.undefined_in(self.channel, "channel", RSS_CHANNEL_ELEMENTS, ITUNES_CHANNEL_ELEMENTS,
                          ITUNES_ITEM_ELEMENTS)
        for item in _children(self.channel, "item"):
            self.undefined_in(item, "item", RSS_ITEM_ELEMENTS, ITUNES_ITEM_ELEMENTS, ITUNES_CHANNEL_ELEMENTS)

    def undefined_in(self, parent: Element, where: str, rss: frozenset[str], itunes: frozenset[str],
                     elsewhere: frozenset[str]) -> None:
        other = "item" if where == "channel" else "channel"
        for el in parent:
            ns, local = _split(el.tag)
            # A name with a colon has an undeclared prefix: XML-NS or NS-ITUNES says so.
            if ns is None and local and ":" not in local and local not in rss:
                hint = _close(local, rss)
                self.report("RSS-UNDEFINED", el, f"<{local}> is not an RSS 2.0 {where} element{hint}; apps ignore "
                            "it (an extension element needs its namespace prefix)")
            elif ns == ITUNES_NS and local not in itunes:
                if local in elsewhere:
                    why = f"belongs in <{other}>, not <{where}>"
                else:
                    why = f"is not an itunes: tag{_close(local, itunes | elsewhere, prefix='itunes:')}"
                self.report("APL-UNDEFINED", el, f"itunes:{local} {why}; Apple ignores it")

    def check_yes(self, el: Element) -> None:
        value = _text(el).strip()
        if value.lower() not in ("yes", "no"):
            self.report("APL-YES", el, f"<{self.name(el)}> is {value!r}; only 'Yes' has an effect (or 'No')")
        elif value.lower() == "yes" and el.tag == _it("block"):
            where = "this episode" if el.getparent() is not self.channel else "the show"
            self.report("APL-BLOCKED", el, f"itunes:block is Yes: Apple Podcasts hides {where}")

    def check_explicit(self, el: Element) -> None:
        value = _text(el).strip()
        if value in ("true", "false"):
            return
        if value.lower() in ("yes", "no", "clean", "explicit"):
            why = (f"{value!r} is a legacy value (python-feedgen writes yes/no/clean); Apple's guide allows "
                   "only 'true' or 'false', and the W3C validator reports anything else as InvalidTrueFalse")
        else:
            why = f"{value!r} is not 'true' or 'false'"
        self.report("APL-EXPLICIT", el, f"itunes:explicit: {why}")

    def deprecated(self, el: Element) -> None:
        self.report_once("APL-DEPRECATED", str(el.tag), el, f"<{self.name(el)}> is no longer in Apple's "
                         "guide; Apple ignores it (harmless)")

    def check_channel(self) -> None:
        ch = self.channel
        for name in ("title", "link", "description"):
            found = _children(ch, name)
            if not found:
                self.report("RSS-CHANNEL-REQ", ch, f"<channel> has no <{name}>")
            elif not _text(found[0]).strip():
                self.report("RSS-CHANNEL-REQ", found[0], f"<channel> <{name}> is empty")
        for tag in ("title", _it("title"), _it("author"), _it("subtitle")):
            for el in _children(ch, tag)[:1]:
                self.check_length(el)
        for el in _children(ch, "description")[:1] + _children(ch, _it("summary"))[:1]:
            self.check_description(el, item=False)
        self_links = [el for el in _children(ch, f"{{{ATOM_NS}}}link") if el.get("rel", "").strip() == "self"]
        self_href = (self_links[0].get("href") or "").strip() if self_links else ""
        if not self_links:
            self.report("ATOM-SELF", ch, 'no <atom:link rel="self" type="application/rss+xml" href=FEED-URL>; '
                        "add one so apps and directories know the feed's own URL")
        elif not self_href:
            self.report("ATOM-SELF", self_links[0], 'atom:link rel="self" has no href')
        elif not _is_url(self_href):
            self.report("ATOM-SELF", self_links[0], f"atom:link rel=\"self\" href {self_href!r} is not an absolute "
                        "http(s) URL")
        elif self_href.startswith("http:"):
            self.report_once("HTTPS", "self", self_links[0], f"the feed URL {self_href!r} uses http; use https")
        for link in _children(ch, "link")[:1]:
            self.check_link(link)
            if self_href and _norm_url(_text(link)) == _norm_url(self_href):
                self.report("RSS-LINK-SELF", link, "<link> is the feed's own URL; it should be the show's web "
                            "page (the feed URL goes in atom:link rel=\"self\")")
        langs = _children(ch, "language")
        if not langs:
            self.report("APL-LANGUAGE", ch, "<channel> has no <language>; Apple requires an ISO 639 code such "
                        "as 'en' or 'en-us'")
        else:
            value = _text(langs[0]).strip()
            m = _LANGUAGE.fullmatch(value)
            if m is None or (len(m.group(1)) == 2 and m.group(1).lower() not in ISO_639_1):
                self.report("APL-LANGUAGE", langs[0], f"<language> {value!r} is not an ISO 639 language code "
                            "(e.g. 'en', 'en-us', 'pt-br')")
        explicit = _children(ch, _it("explicit"))
        if not explicit:
            self.report("APL-EXPLICIT", ch, "<channel> has no itunes:explicit; Apple requires 'true' or 'false'")
        for el in explicit[:1]:
            self.check_explicit(el)
        for el in _children(ch, _it("type"))[:1]:
            value = _text(el).strip()
            if value not in ("episodic", "serial"):
                self.report("APL-TYPE", el, f"itunes:type is {value!r}; Apple accepts 'episodic' or 'serial'")
        owners = _children(ch, _it("owner"))
        if not owners:
            self.report("OWNER-EMAIL", ch, "<channel> has no itunes:owner with itunes:email; directories use it "
                        "(reportedly) to verify ownership")
        else:
            emails = _children(owners[0], _it("email"))
            value = _text(emails[0]).strip() if emails else ""
            if not value:
                self.report("OWNER-EMAIL", owners[0], "itunes:owner has no itunes:email")
            elif not _EMAIL.fullmatch(value):
                self.report("OWNER-EMAIL", emails[0], f"itunes:email {value!r} is not an email address")
        for el in _children(ch, _it("new-feed-url")):
            value = _text(el).strip()
            if not _is_url(value):
                self.report("APL-NEW-FEED-URL", el, f"itunes:new-feed-url {value!r} is not an absolute http(s) "
                            "URL; Apple would move subscribers to it")
        for el in _children(ch, _it("block"))[:1] + _children(ch, _it("complete"))[:1]:
            self.check_yes(el)
        for tag in ("summary", "subtitle", "keywords"):
            for el in _children(ch, _it(tag))[:1]:
                self.deprecated(el)
        for owner in owners[:1]:
            for el in _children(owner, _it("name"))[:1]:
                self.check_length(el)
        for el in _children(ch, _it("keywords"))[:1]:
            self.check_keywords(el)
        for el in _children(ch, "managingEditor")[:1] + _children(ch, "webMaster")[:1]:
            self.check_author(el)
        for el in _children(ch, "pubDate")[:1] + _children(ch, "lastBuildDate")[:1]:
            self.check_date(el)
        for image in _children(ch, "image")[:1]:
            missing = [n for n in ("url", "title", "link") if not any(_text(c).strip() for c in
                                                                     _children(image, n))]
            if missing:
                self.report("RSS-IMAGE", image, f"<image> lacks {', '.join(f'<{n}>' for n in missing)}; RSS "
                            "requires url, title and link (or drop <image> and use itunes:image)")
            self.check_image_values(image)
        self.check_rss_values(ch)

    def check_image_values(self, image: Element) -> None:
        for url in _children(image, "url")[:1]:
            value = _text(url).strip()
            if value and not _is_url(value):
                self.report("RSS-IMAGE", url, f"<image> <url> {value!r} is not an absolute http(s) URL")
        for name, limit in RSS_IMAGE_MAX.items():
            for el in _children(image, name)[:1]:
                value = _text(el).strip()
                if not value.isdigit() or not 0 < int(value) <= limit:
                    self.report("RSS-IMAGE", el, f"<image> <{name}> is {value!r}; RSS allows a whole number of "
                                f"pixels from 1 to {limit}")

    def check_rss_values(self, parent: Element) -> None:
        """The RSS 2.0 values W3C checks that matter less to apps: ttl, docs,
        comments, source."""
        for el in _children(parent, "ttl")[:1]:
            value = _text(el).strip()
            if not value.isdigit() or int(value) == 0:
                self.report("RSS-VALUE", el, f"<ttl> is {value!r}; it is a number of minutes (a positive integer)")
        for tag in ("docs", "comments"):
            for el in _children(parent, tag)[:1]:
                value = _text(el).strip()
                if not _is_url(value):
                    self.report("RSS-VALUE", el, f"<{tag}> {value!r} is not an absolute http(s) URL")
        for el in _children(parent, "source")[:1]:
            url = (el.get("url") or "").strip()
            if not _is_url(url):
                what = f"url {url!r} is not an absolute http(s) URL" if url else "has no url attribute"
                self.report("RSS-VALUE", el, f"<source> {what}; RSS requires the URL of the feed it came from")

    def check_categories(self) -> None:
        current = apple_categories()
        obsolete = _obsolete_categories()
        cats = _children(self.channel, _it("category"))
        if not cats:
            self.report("APL-CATEGORY", self.channel, "<channel> has no itunes:category; Apple requires one "
                        "from its list")
        for cat in cats:
            top = (cat.get("text") or "").strip()
            subs = _children(cat, _it("category"))
            if not top:
                self.report("APL-CATEGORY", cat, "itunes:category has no text attribute")
                continue
            if top not in current:
                if top in obsolete:
                    self.report("APL-CATEGORY-OBSOLETE", cat, f"category {top!r} is from Apple's pre-2019 list"
                                f"{_successor(top, current)}; use one of the current categories")
                else:
                    hint = difflib.get_close_matches(top, list(current), n=1)
                    more = f"; did you mean {hint[0]!r}?" if hint else ""
                    self.report("APL-CATEGORY", cat, f"{top!r} is not one of Apple's podcast categories{more}")
                continue
            if len(subs) > 1:
                self.report("APL-SUBCATEGORY", subs[1], f"category {top!r} has {len(subs)} subcategories; Apple "
                            "reads one per category")
            for sub_el in subs:
                sub = (sub_el.get("text") or "").strip()
                if _has_element_children(sub_el):
                    self.report("APL-SUBCATEGORY", sub_el, "subcategories cannot be nested further")
                if sub in current[top]:
                    continue
                if sub in obsolete.get(top, ()):
                    self.report("APL-CATEGORY-OBSOLETE", sub_el, f"subcategory {top!r} > {sub!r} is from Apple's "
                                f"pre-2019 list{_successor(sub, current)}")
                else:
                    choices = ", ".join(repr(s) for s in current[top]) or "none"
                    self.report("APL-SUBCATEGORY", sub_el, f"{sub!r} is not a subcategory of {top!r} (Apple "
                                f"lists: {choices})")

    def check_images(self) -> None:
        channel_images = _children(self.channel, _it("image"))
        if not channel_images:
            self.report("APL-IMAGE", self.channel, "<channel> has no itunes:image href=…; Apple requires show "
                        "artwork (1400–3000 px square JPEG or PNG)")
        for el in self.channel.iter(_it("image")):
            href = (el.get("href") or "").strip()
            if not href:
                how = " (it has text content; Apple reads only the href attribute)" if _text(el).strip() else ""
                self.report("APL-IMAGE", el, f"itunes:image has no href attribute{how}")
                continue
            if not _is_url(href):
                self.report("APL-IMAGE", el, f"itunes:image href {href!r} is not an absolute http(s) URL")
                continue
            if _extension(href) not in (".jpg", ".png"):
                self.report("APL-IMAGE-EXT", el, f"itunes:image href {href!r} does not end in .jpg or .png; Apple "
                            "asks for a JPEG or PNG with a matching extension")
            if href.startswith("http:"):
                self.report_once("HTTPS", "image", el, f"artwork URL {href!r} uses http; use https")

    def check_items(self, items: list[Element]) -> None:
        show_title = next((_text(t).strip() for t in _children(self.channel, "title")), "")
        serial = any(_text(t).strip() == "serial" for t in _children(self.channel, _it("type"))[:1])
        guids: dict[str, int] = {}
        enclosures: dict[str, int] = {}
        for index, item in enumerate(items, 1):
            self.check_duplicates(item, ITEM_SINGLE)
            titles = [t for t in _children(item, "title") if _text(t).strip()]
            if not titles:
                has_desc = any(_text(d).strip() for d in _children(item, "description"))
                self.report("RSS-ITEM", item, "<item> has no <title>" + ("" if has_desc else " or <description>"))
            for t in titles[:1] + _children(item, _it("title"))[:1]:
                self.check_title(t, show_title)
            for el in _children(item, _it("author"))[:1] + _children(item, _it("subtitle"))[:1]:
                self.check_length(el)
            for el in (_children(item, "description")[:1] + _children(item, f"{{{CONTENT_NS}}}encoded")[:1]
                       + _children(item, _it("summary"))[:1]):
                self.check_description(el, item=True)
            self.check_enclosure(item, index, enclosures)
            self.check_guid(item, index, guids)
            dates = _children(item, "pubDate")
            if not dates:
                self.report("APL-PUBDATE", item, "<item> has no <pubDate>; apps sort episodes by it")
            for el in dates[:1]:
                dt = self.check_date(el)
                if dt is not None and dt > self.now:
                    self.report("DATE-FUTURE", el, f"<pubDate> {dt:%Y-%m-%d %H:%M %z} is in the future; some apps "
                                "hide or misorder the episode until then")
            for el in _children(item, _it("duration"))[:1]:
                self.check_duration(el)
            for el in _children(item, _it("explicit"))[:1]:
                self.check_explicit(el)
            for tag in ("episode", "season"):
                for el in _children(item, _it(tag))[:1]:
                    value = _text(el).strip()
                    if not value.isdigit() or int(value) == 0:
                        self.report("APL-NUMBER", el, f"itunes:{tag} is {value!r}; Apple needs a positive integer")
            for el in _children(item, _it("episodeType"))[:1]:
                value = _text(el).strip()
                if value not in ("full", "trailer", "bonus"):
                    self.report("APL-EPISODETYPE", el, f"itunes:episodeType is {value!r}; Apple accepts 'full', "
                                "'trailer' or 'bonus' (lower case)")
            if serial and not _children(item, _it("episode")):
                self.report("APL-SERIAL-EPISODE", item, "the show is itunes:type serial, so every item needs "
                            "itunes:episode")
            for el in _children(item, "author")[:1]:
                self.check_author(el)
            for el in _children(item, "link")[:1]:
                self.check_link(el)
            for el in _children(item, _it("block"))[:1]:
                self.check_yes(el)
            for tag in ("summary", "subtitle", "keywords"):
                for el in _children(item, _it(tag))[:1]:
                    self.deprecated(el)
            for el in _children(item, _it("keywords"))[:1]:
                self.check_keywords(el)
            self.check_rss_values(item)

    def check_keywords(self, el: Element) -> None:
        value = _text(el).strip()
        if len(value) > APPLE_KEYWORDS_CHARS:
            self.report("APL-KEYWORDS", el, f"itunes:keywords is {len(value)} characters; the limit is "
                        f"{APPLE_KEYWORDS_CHARS}")
        if " " in value and "," not in value:
            self.report("APL-KEYWORDS", el, f"itunes:keywords {value!r} has spaces but no commas; separate "
                        "keywords with commas")

    def check_title(self, el: Element, show_title: str) -> None:
        value = _text(el).strip()
        self.check_length(el)
        if show_title and _repeats(value, show_title):
            self.report("APL-ITEM-TITLE", el, f"episode title {value!r} repeats the show title; apps show "
                        "it already")
        if _TITLE_NUMBER.search(value):
            self.report("APL-TITLE-NUMBER", el, f"episode title {value!r} contains an episode or season "
                        "number; use itunes:episode and itunes:season instead")

    def check_enclosure(self, item: Element, index: int, seen: dict[str, int]) -> None:
        encs = _children(item, "enclosure")
        if not encs:
            self.report("RSS-ENCLOSURE", item, "<item> has no <enclosure>; every episode needs its media file")
            return
        for extra in encs[1:]:
            self.report("RSS-ENCLOSURE-MULTI", extra, f"<item> has {len(encs)} enclosures; podcastparser drops "
                        "such items (use podcast:alternateEnclosure for variants)")
        enc = encs[0]
        url = (enc.get("url") or "").strip()
        length = (enc.get("length") or "").strip()
        mime = (enc.get("type") or "").strip().lower().split(";")[0].strip()
        missing = [n for n, v in (("url", url), ("length", length), ("type", mime)) if not v]
        if missing:
            self.report("RSS-ENCLOSURE", enc, f"<enclosure> lacks {', '.join(missing)}; RSS requires url, length "
                        "(bytes) and type")
        if length and not length.isdigit():
            self.report("RSS-ENCLOSURE", enc, f"<enclosure> length {length!r} is not a whole number of bytes")
        elif length and int(length) == 0:
            self.report("RSS-ENCLOSURE", enc, "<enclosure> length is 0; give the file's size in bytes (apps use it "
                        "to show and check downloads)")
        if mime and not _MIME.fullmatch(mime):
            self.report("RSS-ENCLOSURE", enc, f"<enclosure> type {mime!r} is not a MIME type")
        ext = ""
        if url:
            if not _is_url(url):
                self.report("RSS-ENCLOSURE", enc, f"<enclosure> url {url!r} is not an absolute http(s) URL")
            ext = _extension(url)
            if ext not in APPLE_ENCLOSURE_EXTENSIONS:
                shown = repr(ext) if ext else "no extension"
                self.report("APL-ENCLOSURE-EXT", enc, f"<enclosure> url has {shown}; Apple shows only "
                            f"{' '.join(APPLE_ENCLOSURE_EXTENSIONS)} files")
            first = seen.setdefault(url, index)
            if first != index:
                self.report("ENCLOSURE-DUP", enc, f"item[{index}] reuses the enclosure URL of item[{first}]; Apple "
                            "ignores an episode whose media URL was already used")
            if url.startswith("http:"):
                self.report_once("HTTPS", "enclosure", enc, f"enclosure URL {url!r} uses http; use https")
        unplayable = ext in UNPLAYABLE_EXTENSIONS or mime in UNPLAYABLE_TYPES
        if unplayable:
            self.report("FORMAT-PLAYBACK", enc, f"the enclosure is {mime or ext} ({ext or 'no extension'}); Apple "
                        "and many apps cannot play Ogg, Opus or FLAC: publish MP3 or M4A, and offer this one as "
                        "podcast:alternateEnclosure")
        elif mime and mime not in APPLE_ENCLOSURE_TYPES:
            self.report("APL-ENCLOSURE-TYPE", enc, f"<enclosure> type {mime!r} is not one Apple lists "
                        f"({', '.join(APPLE_ENCLOSURE_TYPES)})")
        if mime and ext in EXTENSION_TYPES and mime not in EXTENSION_TYPES[ext]:
            self.report("ENCLOSURE-TYPE-MISMATCH", enc, f"<enclosure> type {mime!r} does not match its {ext} "
                        f"file (expected {' or '.join(EXTENSION_TYPES[ext])})")

    def check_guid(self, item: Element, index: int, seen: dict[str, int]) -> None:
        guids = _children(item, "guid")
        value = _text(guids[0]).strip() if guids else ""
        if not value:
            what = "<guid> is empty" if guids else "<item> has no <guid>"
            self.report("APL-GUID", guids[0] if guids else item,
                        f"{what}; apps then key the episode on its enclosure URL")
            return
        guid = guids[0]
        perma = guid.get("isPermaLink")
        if perma is not None and perma.strip().lower() not in ("true", "false"):
            self.report("RSS-GUID", guid, f"isPermaLink={perma!r}; it must be 'true' or 'false'")
        elif (perma is None or perma.strip().lower() == "true") and not _is_url(value):
            why = "isPermaLink defaults to true" if perma is None else 'isPermaLink="true"'
            self.report("RSS-GUID", guid, f"<guid> {value!r} is not a URL but {why}; add isPermaLink=\"false\" "
                        "(gPodder resolves it as a relative URL otherwise, so the guid changes with the feed's "
                        "location)")
        if value.isdigit() and len(value) < WEAK_GUID_DIGITS:
            self.report("RSS-GUID-WEAK", guid, f"<guid> {value!r} is a short number, which other feeds use too; "
                        "apps that key episodes across feeds by guid may merge them (use a UUID)")
        first = seen.setdefault(value, index)
        if first != index:
            self.report("APL-GUID-DUP", guid, f"item[{index}] repeats the guid {value!r} of item[{first}]; guids "
                        "must be unique")

    def check_duration(self, el: Element) -> None:
        value = _text(el).strip()
        if _DURATION.fullmatch(value):
            return
        hint = ""
        try:
            seconds = 0.0
            for part in value.split(":"):
                seconds = seconds * 60 + float(part)
            hint = f" (here: {round(seconds)})"
        except ValueError:
            pass
        self.report("APL-DURATION", el, f"itunes:duration {value!r} is not whole seconds or [H:]MM:SS; write "
                    f"whole seconds{hint}")

    # --- HTML that apps render -----------------------------------------------------

    def check_html(self) -> None:
        fields = list(self.root.iter(*HTML_FIELDS))
        fields += [el for el in self.root.iter(*(f"{{{ns}}}*" for ns in PODCAST_URIS))
                   if not _has_element_children(el)]
        for el in fields:
            for rule_id, whats in html_hazards(_markup(el)).items():
                shown = ", ".join(whats[:3]) + (f" (and {_plural(len(whats) - 3, 'more')})" if len(whats) > 3 else "")
                self.report(rule_id, el, f"<{self.name(el)}> holds {shown}; apps render this field as HTML, so "
                            f"{_HTML_CONSEQUENCE[rule_id]}")

    # --- Podcasting 2.0 ----------------------------------------------------------

    def p20_parent(self, el: Element) -> str:
        parent = el.getparent()
        if parent is None:
            return "rss"
        ns, local = _split(parent.tag)
        if ns is None and local in ("channel", "item"):
            return local
        if ns in PODCAST_URIS:
            return "item" if local == "liveItem" else local
        return self.name(parent)

    def check_p20(self) -> None:
        self_href = next(((a.get("href") or "").strip() for a in _children(self.channel, f"{{{ATOM_NS}}}link")
                          if a.get("rel", "").strip() == "self"), "")
        for el in self.root.iter(*(f"{{{ns}}}*" for ns in PODCAST_URIS)):
            _, local = _split(el.tag)
            spec = P20_TAGS.get(local)
            if spec is None:
                lower = {k.lower(): k for k in P20_TAGS}
                hint = difflib.get_close_matches(local.lower(), list(lower), n=1, cutoff=0.75)
                more = f"; did you mean podcast:{lower[hint[0]]}?" if hint else ""
                self.report("P20-UNKNOWN", el, f"podcast:{local} is not a Podcasting 2.0 tag{more}")
                continue
            if local == "images":
                self.report("P20-DEPRECATED", el, "podcast:images is deprecated; use podcast:image")
            parent = self.p20_parent(el)
            if parent not in spec.parents:
                self.report("P20-PARENT", el, f"podcast:{local} sits in <{parent}>; it belongs in "
                            f"{' or '.join(f'<{p}>' for p in spec.parents)}")
            if spec.single:
                parent_el = el.getparent()
                siblings = _p20_children(parent_el, local) if parent_el is not None else [el]
                if siblings.index(el) > 0:
                    self.report("P20-COUNT", el, f"podcast:{local} appears {len(siblings)} times in <{parent}>; "
                                "it may appear once")
            required = list(spec.attrs)
            if local == "socialInteract" and (el.get("protocol") or "").strip() != "disabled":
                required.append("uri")
            missing = [a for a in required if not (el.get(a) or "").strip()]
            if missing:
                self.report("P20-ATTR", el, f"podcast:{local} lacks required attribute"
                            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
            value = _text(el).strip()
            if spec.value_required and not value:
                self.report("P20-ATTR", el, f"podcast:{local} has an empty value; it is required")
            limit = P20_VALUE_LIMITS.get(local)
            if limit is not None and len(value) > limit:
                self.report("P20-LEN", el, f"podcast:{local} value is {len(value)} characters; keep it within "
                            f"{limit}")
            for (tag, attr), alimit in P20_ATTR_LIMITS.items():
                if tag == local and len(el.get(attr) or "") > alimit:
                    self.report("P20-LEN", el, f"podcast:{local} {attr} is {len(el.get(attr) or '')} characters; "
                                f"keep it within {alimit}")
            for attr in ("url", "href", "img", "uri"):
                if (el.get(attr) or "").strip().startswith("http:"):
                    self.report_once("P20-HTTPS", f"{local}@{attr}", el,
                                     f"podcast:{local} {attr} uses http; the namespace requires https")
            checker = getattr(self, "p20_" + local, None)
            if checker is not None and (value or not spec.value_required):
                checker(el, value, self_href)

    def p20_guid(self, el: Element, value: str, self_href: str) -> None:
        if not _UUID.fullmatch(value):
            self.report("P20-GUID", el, f"podcast:guid {value!r} is not a UUID (8-4-4-4-12 hex digits)")
            return
        if self_href:
            seed = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", self_href).rstrip("/")
            expected = uuid.uuid5(P20_GUID_NAMESPACE, seed)
            if uuid.UUID(value) != expected:
                self.report("P20-GUID-SEED", el, f"podcast:guid is not the UUIDv5 of {seed!r} ({expected}); "
                            "fine if it was derived from an earlier feed URL, as it must never change")

    def p20_locked(self, el: Element, value: str, self_href: str) -> None:
        if value.lower() not in ("yes", "no"):
            self.report("P20-LOCKED", el, f"podcast:locked is {value!r}; it must be 'yes' or 'no' (partytime "
                        "drops other values, leaving the feed unlocked)")
        owner = el.get("owner")
        if owner is not None and not _EMAIL.fullmatch(owner.strip()):
            self.report("P20-LOCKED", el, f"podcast:locked owner {owner!r} is not an email address")

    def p20_transcript(self, el: Element, value: str, self_href: str) -> None:
        mime = (el.get("type") or "").strip()
        if mime and mime.lower() not in P20_TRANSCRIPT_TYPES:
            self.report("P20-TRANSCRIPT-TYPE", el, f"podcast:transcript type {mime!r} is not one the spec lists "
                        f"({', '.join(P20_TRANSCRIPT_TYPES)})")

    def p20_chapters(self, el: Element, value: str, self_href: str) -> None:
        mime = (el.get("type") or "").strip()
        if mime and mime.lower() != P20_CHAPTERS_TYPE:
            self.report("P20-CHAPTERS-TYPE", el, f"podcast:chapters type {mime!r}; JSON chapters are "
                        f"{P20_CHAPTERS_TYPE!r}")

    def p20_person(self, el: Element, value: str, self_href: str) -> None:
        groups = {g.lower(): {r.lower() for r in roles} for g, roles in P20_PERSON_TAXONOMY.items()}
        all_roles = set().union(*groups.values())
        role, group = el.get("role"), el.get("group")
        if role is not None and role.strip().lower() not in all_roles:
            self.report("P20-PERSON-ROLE", el, f"podcast:person role {role!r} is not in the Podcast Taxonomy "
                        "(e.g. host, co-host, guest, producer, editor)")
        elif group is not None and group.strip().lower() not in groups:
            self.report("P20-PERSON-ROLE", el, f"podcast:person group {group!r} is not in the Podcast Taxonomy "
                        f"({', '.join(g.lower() for g in P20_PERSON_TAXONOMY)})")
        elif group is not None and (role or "host").strip().lower() not in groups[group.strip().lower()]:
            self.report("P20-PERSON-ROLE", el, f"podcast:person role {role or 'host'!r} is not a role of group "
                        f"{group!r}")

    def p20_season(self, el: Element, value: str, self_href: str) -> None:
        if not value.isdigit():
            self.report("P20-SEASON", el, f"podcast:season {value!r} is not an integer")

    def p20_episode(self, el: Element, value: str, self_href: str) -> None:
        if not _DECIMAL.fullmatch(value):
            self.report("P20-EPISODE", el, f"podcast:episode {value!r} is not a number")

    def p20_soundbite(self, el: Element, value: str, self_href: str) -> None:
        for attr in ("startTime", "duration"):
            raw = (el.get(attr) or "").strip()
            if raw and not _DECIMAL.fullmatch(raw):
                self.report("P20-SOUNDBITE", el, f"podcast:soundbite {attr} {raw!r} is not a number of seconds")
            elif attr == "duration" and raw and float(raw) == 0:
                self.report("P20-SOUNDBITE", el, "podcast:soundbite duration is 0")

    def p20_medium(self, el: Element, value: str, self_href: str) -> None:
        if value not in P20_MEDIUMS:
            self.report("P20-MEDIUM", el, f"podcast:medium {value!r} is not one of {', '.join(P20_MEDIUMS)}")

    def p20_license(self, el: Element, value: str, self_href: str) -> None:
        if not value:
            self.report("P20-LICENSE", el, "podcast:license is empty; give a license identifier")
        elif value.lower() not in P20_LICENSES and not (el.get("url") or "").strip():
            self.report("P20-LICENSE", el, f"podcast:license {value!r} is not a well-known license identifier, "
                        "so it needs a url to the license text")

    def p20_location(self, el: Element, value: str, self_href: str) -> None:
        rel, geo, osm, country = (el.get(a) for a in ("rel", "geo", "osm", "country"))
        if rel is not None and rel.strip() not in ("subject", "creator"):
            self.report("P20-LOCATION", el, f"podcast:location rel {rel!r} is not 'subject' or 'creator'")
        if geo is not None and not _valid_geo(geo.strip()):
            self.report("P20-LOCATION", el, f"podcast:location geo {geo!r} is not 'geo:LAT,LON' with valid "
                        "coordinates")
        if osm is not None and not re.fullmatch(r"[NWR]\d+(#\d+)?", osm.strip()):
            self.report("P20-LOCATION", el, f"podcast:location osm {osm!r} is not an OSM id like 'R113314'")
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country.strip()):
            self.report("P20-LOCATION", el, f"podcast:location country {country!r} is not an ISO 3166 "
                        "two-letter code")

    def p20_trailer(self, el: Element, value: str, self_href: str) -> None:
        pubdate = el.get("pubdate")
        if pubdate and pubdate.strip():
            _, why = parse_rfc2822(pubdate)
            if why is not None:
                self.report("P20-TRAILER", el, f"podcast:trailer pubdate {why}")
        for attr in ("length", "season"):
            raw = el.get(attr)
            if raw is not None and not raw.strip().isdigit():
                self.report("P20-TRAILER", el, f"podcast:trailer {attr} {raw!r} is not an integer")

    def p20_alternateEnclosure(self, el: Element, value: str, self_href: str) -> None:
        if not _p20_children(el, "source"):
            self.report("P20-ALTENC", el, "podcast:alternateEnclosure has no podcast:source uri=…, so it "
                        "cannot be played")
        default = el.get("default")
        if default is not None and default.strip() not in ("true", "false"):
            self.report("P20-ALTENC", el, f"podcast:alternateEnclosure default {default!r} is not true/false")
        for attr in ("length", "bitrate", "height"):
            raw = el.get(attr)
            if raw is not None and not _DECIMAL.fullmatch(raw.strip()):
                self.report("P20-ALTENC", el, f"podcast:alternateEnclosure {attr} {raw!r} is not a number")

    def p20_integrity(self, el: Element, value: str, self_href: str) -> None:
        kind = el.get("type")
        if kind is not None and kind.strip() and kind.strip() not in ("sri", "pgp-signature"):
            self.report("P20-ALTENC", el, f"podcast:integrity type {kind!r} is not 'sri' or 'pgp-signature'")

    def p20_block(self, el: Element, value: str, self_href: str) -> None:
        if value.lower() not in ("yes", "no"):
            self.report("P20-BLOCK", el, f"podcast:block is {value!r}; it must be 'yes' or 'no'")

    def p20_podroll(self, el: Element, value: str, self_href: str) -> None:
        if not _p20_children(el, "remoteItem"):
            self.report("P20-PODROLL", el, f"podcast:{_split(el.tag)[1]} has no podcast:remoteItem")

    p20_publisher = p20_podroll

    def p20_liveItem(self, el: Element, value: str, self_href: str) -> None:
        status = el.get("status")
        if status is not None and status.strip() and status.strip() not in ("pending", "live", "ended"):
            self.report("P20-LIVEITEM", el, f"podcast:liveItem status {status!r} is not pending, live or ended")
        for attr in ("start", "end"):
            raw = (el.get(attr) or "").strip()
            if raw and not _is_iso8601(raw):
                self.report("P20-LIVEITEM", el, f"podcast:liveItem {attr} {raw!r} is not an ISO 8601 date-time")
        if not _p20_children(el, "contentLink"):
            self.report("P20-LIVEITEM", el, "podcast:liveItem has no podcast:contentLink")


def _repeats(title: str, show: str) -> bool:
    """Whether an episode title starts or ends with the show title, as a whole word."""
    t, s = title.casefold(), show.casefold()
    if t.startswith(s):
        rest = t[len(s):]
        return not rest or not rest[0].isalnum()
    if t.endswith(s):
        return not t[-len(s) - 1].isalnum()
    return False


def _successor(name: str, current: dict[str, tuple[str, ...]]) -> str:
    """Where an obsolete category's name lives on in the 2019 list, if it does."""
    for top, subs in current.items():
        if name in subs:
            return f" (now {top!r} > {name!r})"
    # 'News & Politics' became 'News', 'Health' became 'Health & Fitness', …
    first = name.split()[0]
    for top in current:
        if top.split()[0] == first and top != name:
            return f" (closest current category: {top!r})"
    return ""


def _valid_geo(value: str) -> bool:
    m = re.fullmatch(r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(?:;.*)?", value)
    return m is not None and abs(float(m.group(1))) <= 90 and abs(float(m.group(2))) <= 180


def _is_iso8601(value: str) -> bool:
    try:
        datetime.fromisoformat(value)  # accepts a trailing Z since Python 3.11
    except ValueError:
        return False
    return True


# --- parsing ---------------------------------------------------------------------------


def _parser(recover: bool = False) -> etree.XMLParser:
    # A feed from anywhere is untrusted: no entity expansion (billion laughs),
    # no DTD loading and no network access (XXE).
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                           recover=recover)


@dataclass(frozen=True)
class _UndeclaredPrefix:
    prefix: str
    line: int


def _parse(data: bytes) -> tuple[Element, list[_UndeclaredPrefix]]:
    if not data.strip():
        raise NotAFeed("the file is empty")
    strict = _parser()
    try:
        return etree.fromstring(data, strict), []
    except etree.XMLSyntaxError as exc:
        # The parser's own log: exc.error_log can also hold entries left by
        # earlier parses in this thread.
        errors = list(cast(Iterable[Any], strict.error_log))  # lxml-stubs omit _ErrorLog.__iter__
        # An undeclared prefix (say itunes: without xmlns:itunes) is a common
        # mistake in otherwise readable feeds: recover and report it as a rule
        # instead of refusing the whole feed.
        if not errors or any(e.domain_name != "NAMESPACE" for e in errors):
            raise NotAFeed(f"not well-formed XML: {exc.msg}") from None
    root = etree.fromstring(data, _parser(recover=True))
    if root is None:
        raise NotAFeed("not well-formed XML")
    undeclared: dict[str, _UndeclaredPrefix] = {}
    for e in errors:
        m = re.match(r"Namespace prefix (\S+)", e.message)
        if m:
            undeclared.setdefault(m.group(1), _UndeclaredPrefix(m.group(1), e.line))
    return root, list(undeclared.values())


def _describe_root(root: Element) -> str:
    ns, local = _split(root.tag)
    if ns == ATOM_NS and local == "feed":
        return "this is an Atom feed; feedtool check reads RSS 2.0 podcast feeds"
    if local == "RDF":
        return "this is an RSS 1.0 (RDF) feed; feedtool check reads RSS 2.0 podcast feeds"
    if local == "rss":
        return f"<rss> is in the namespace {ns}; RSS 2.0 elements have no namespace"
    if local.lower() == "html":
        return "this is an HTML page, not a feed"
    return f"the root element is <{local}>, not <rss>"


def check_feed(data: bytes, *, source: str = "feed", now: datetime | None = None) -> list[Problem]:
    """Every problem in an RSS 2.0 podcast feed, in document order.

    `source` names the feed in each Problem.path; `now` (aware) is the moment
    that DATE-FUTURE compares against, the current time by default.
    Raises NotAFeed when `data` is not XML or not an RSS document.
    """
    root, undeclared = _parse(data)
    ns, local = _split(root.tag)
    if ns is not None or local != "rss":
        raise NotAFeed(_describe_root(root))
    channels = _children(root, "channel")
    if not channels:
        raise NotAFeed("<rss> has no <channel>")
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    checker = _Checker(source, root, channels[0], now,
                       itunes_undeclared=any(u.prefix == "itunes" for u in undeclared))
    for u in undeclared:
        rule_id = "NS-ITUNES" if u.prefix == "itunes" else "XML-NS"
        checker.report(rule_id, root, f"prefix {u.prefix}: is used but never declared (add xmlns:{u.prefix}=… "
                       "on <rss>); strict parsers reject the feed and Apple ignores the tags", line=u.line)
    checker.run(data)
    return sorted(checker.problems, key=lambda p: p.line or 0)

