"""A saved web page ("Save page as… HTML only") in, a `TextInfo` out.

The page's markup says where the article is far better than a copy of its
text does, so this reader hands the page to trafilatura, which is built for
exactly this (main text apart from menus, footers and comments, and the
page's metadata) and publishes its precision and recall on an evaluation set
kept apart from its tests.  What it keeps becomes the same `TextInfo` the
plain-text reader makes, through the same helpers of `text.py`: sections
with sub-heads, the opening as summary, sanitised show notes, a transcript.

trafilatura is imported inside `parse_html`, so a show without .html texts
never pays for importing it (and jusText, lxml's cleaner, htmldate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from lxml import etree

from feedtool.sources.chrome import classify, classify_own, compile_patterns
from feedtool.model import Section, TextInfo
from feedtool.sources.text import (
    _INVISIBLE,
    _Unit,
    _notes_html,
    _sections,
    strip_control_chars,
    truncate_bytes,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["parse_html"]

_EMPTY = TextInfo(title=None, summary=None, sections=(), credit=None, notes_html="")

# htmldate (trafilatura's date finder) bounds a page's date by "today" unless
# told otherwise, which would make the same page read differently from one
# day to the next.  A fixed bound keeps the reading a function of the page;
# the extensive search (dates guessed from the running text) is off too:
# nothing here needs more than the date the page's markup declares.
_DATE_PARAMS: dict[str, Any] = {
    "original_date": True,
    "extensive_search": False,
    "max_date": "2999-12-31",
}

# How trafilatura is asked.  Comments, tables and images are not the
# interview; links and formatting are left out because the show notes are
# rebuilt from plain paragraphs (and sanitised) like a pasted text's.
# favor_precision stays off.  Measured on the nine pages in tests/pages and
# two pages kept out of them: on ten of the eleven, on and off keep exactly
# the same paragraphs; on the eleventh, an old page laid out in a table,
# precision keeps nothing at all where the default keeps the story (with
# the menu glued to it).  In show notes a lost story is worse than a stray
# line, which the chrome patterns below may still catch.  fast stays off
# too: trafilatura then checks its result against its readability and
# jusText fallbacks (offline, in-process), which its evaluation credits
# with better recall; on the same pages that costs 0-10 ms (the most on a
# 200 KB page dense with comments).
_EXTRACT_OPTIONS: dict[str, Any] = {
    "output_format": "python",
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "favor_precision": False,
    "favor_recall": False,
    "fast": False,
    "deduplicate": False,  # its cache outlives the call: a page's reading would depend on the pages before it
    "with_metadata": True,
    "date_extraction_params": _DATE_PARAMS,
}


def parse_html(raw: str, *, extra_patterns: Sequence[str] = ()) -> TextInfo:
    """Read a saved web page into a `TextInfo`.

    The body is trafilatura's extraction of the article: its paragraphs,
    lists and quotes, its sub-heads as sections.  The headline is the page's
    own (the h1 that agrees with the metadata title, else the metadata title
    without the site's name); the summary is the article's opening
    paragraph, cut to `text.SUMMARY_LIMIT` bytes; the credit is the page's
    copyright line.  ``extra_patterns`` are the show's chrome patterns
    (``clean_patterns``): a paragraph they match is dropped (an ``end``
    pattern drops the rest too).  An invalid pattern raises ValueError, as
    in `text.parse_text`; the page itself never makes this raise: a page
    that cannot be read gives a TextInfo with no title and no sections.
    """
    extra = compile_patterns(extra_patterns)
    try:
        return _parse(raw, extra)
    except Exception:  # noqa: BLE001 - a page that breaks the extractor is an empty text, not a failed build
        return _EMPTY


def _parse(raw: str, extra: Sequence[re.Pattern[str]]) -> TextInfo:
    import trafilatura  # only shows with saved pages pay for it

    text, _ = strip_control_chars(raw if isinstance(raw, str) else "")
    if not text.strip():
        return _EMPTY
    tree = trafilatura.load_html(text)
    if tree is None:
        return _EMPTY
    # bare_extraction works on a copy of the tree it is given; the headline
    # and the credit are looked for in the page as saved.
    document = trafilatura.bare_extraction(tree, **_EXTRACT_OPTIONS)
    body = getattr(document, "body", None)
    meta_title = getattr(document, "title", None)
    description = getattr(document, "description", None)

    blocks = [(t, h) for t, h in _blocks(body) if t] if body is not None else []
    lead = next((i for i, (t, h) in enumerate(blocks) if not h and len(t) >= _LEAD_MIN), len(blocks))
    credit, credit_site = _credit(tree, extra)
    sites = _site_names(tree, getattr(document, "sitename", None), credit_site)
    host = _hostname(tree, getattr(document, "url", None))
    title = _headline(tree, meta_title, sites, host, [t for t, _ in blocks[:lead] if len(t) <= _SHORT])

    author = getattr(document, "author", None)
    units, heads, removed, own_credit = _body_units(blocks, lead, title, author, extra)
    _drop_site_tail(units, heads, removed, sites + _title_sites(tree, title))
    credit = own_credit or credit
    sections = _trim_headings(_sections(units, heads))
    paragraphs = [p for s in sections for p in s.paragraphs]
    if paragraphs:
        summary: str | None = truncate_bytes(paragraphs[0])
    elif description and description.strip():
        summary = truncate_bytes(_clean(description))
    else:
        summary = None
    return TextInfo(
        title=title,
        summary=summary,
        sections=sections,
        credit=credit,
        notes_html=_notes_html(sections, credit),
        removed=tuple(removed),
    )


# --- Text of an element ----------------------------------------------------------


def _clean(s: str) -> str:
    s = strip_control_chars(s)[0]
    if _INVISIBLE.search(s):
        s = _INVISIBLE.sub("", s)
    return " ".join(s.split())


def _element_text(el: Any) -> str:
    """The text of an extracted element, a line break counting as a space."""
    return " ".join(_element_lines(el))


def _pieces(el: Any) -> Iterator[str | None]:
    """The text of an element in order, None for each line break."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield None
        elif isinstance(child.tag, str):
            yield from _pieces(child)
        if child.tail:
            yield child.tail


def _element_lines(el: Any) -> list[str]:
    """The text of an extracted element cut at its line breaks: trafilatura
    keeps "text<br><br>text", as old pages and many blogs write paragraphs,
    as one paragraph with a break in it."""
    lines: list[str] = []
    current: list[str] = []
    for piece in _pieces(el):
        if piece is None:
            lines.append(_clean("".join(current)))
            current = []
        else:
            current.append(piece)
    lines.append(_clean("".join(current)))
    return [line for line in lines if line]


def _key(s: str) -> str:
    """What two spellings of one title share: letters and digits, case-folded,
    without a leading "The"."""
    s = s.casefold().strip()
    if s.startswith("the "):
        s = s[4:]
    return "".join(ch for ch in s if ch.isalnum())


# --- The body ------------------------------------------------------------------------


def _blocks(body: Any) -> Iterator[tuple[str, bool]]:
    """(text, is_sub_head) for each block trafilatura kept, in order."""
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            yield _element_text(el), True
        elif tag == "list":
            for item in el.iter("item"):
                text = _element_text(item)
                if text:
                    yield f"• {text}", False
        elif tag == "quote" and el.find("p") is not None:
            for p in el.iter("p"):
                yield from ((line, False) for line in _element_lines(p))
        elif tag:
            yield from ((line, False) for line in _element_lines(el))


# The head of an article: the short lines trafilatura kept above its first
# real paragraph (a kicker, the headline, a byline, a standfirst).
_LEAD_MIN = 100
_SHORT = 100
# A byline is a short word ("By", "Por", "Von", "Par") and a name of two to
# five capitalised words, or the metadata's author with nothing around it
# but such short words and capitalised ones ("By Ann Lee, Staff Writer").
_NAME_PARTICLES = {
    "de", "da", "do", "dos", "das", "di", "del", "van", "von", "der", "den",
    "la", "le", "e", "y", "and", "und", "bin",
}  # fmt: skip


def _is_byline(text: str, author: str | None) -> bool:
    if author and author.strip() and author.casefold() in text.casefold():
        at = text.casefold().index(author.casefold())
        rest = re.findall(r"\w[\w'’-]*", text[:at] + " " + text[at + len(author) :])
        return all(w[:1].isupper() or len(w) <= 3 for w in rest)
    words = text.split()
    if not 3 <= len(words) <= 7 or len(words[0]) > 4 or not words[0].isalpha():
        return False
    names = [w for w in words[1:] if w.lower() not in _NAME_PARTICLES]
    return len(names) >= 2 and all(w[:1].isupper() and w[-1].isalpha() for w in names)


def _body_units(
    blocks: list[tuple[str, bool]],
    lead: int,
    title: str | None,
    author: str | None,
    extra: Sequence[re.Pattern[str]],
) -> tuple[list[_Unit], list[bool], list[str], str | None]:
    """The story's paragraphs and sub-heads (with which is which), the lines
    dropped, and a credit line found among them.  LEAD is the index of the
    first real paragraph: the lines above it are the article's head."""
    units: list[_Unit] = []
    heads: list[bool] = []
    removed: list[str] = []
    credit: str | None = None
    # The article begins at its headline (trafilatura keeps the h1): the
    # short lines above it (a kicker, a section name) are the page's, and
    # the headline itself is the title, not a sub-head.
    if title:
        title_key = _key(title)
        at = next((i for i, (t, _) in enumerate(blocks[:lead]) if _key(t) == title_key), None)
        if at is not None and all(len(t) <= _SHORT for t, _ in blocks[:at]):
            removed.extend(t for t, _ in blocks[:at])
            blocks = blocks[at + 1 :]
            lead -= at + 1
    for i, (text, is_head) in enumerate(blocks):
        own = classify_own(text, extra)
        if own == "end":
            removed.extend(t for t, _ in blocks[i:])
            break
        if own == "credit":
            credit = credit or text
            removed.extend(t for t, _ in blocks[i + 1 :])
            break
        # trafilatura has already told the article from the page; the
        # known chrome phrases only pick off a stray byline, date or share
        # line it left in, and cut nothing after them.
        role = own or classify(text, extra)
        if role == "credit":
            credit = credit or text
            continue
        if role != "body" or (i < lead and not is_head and _is_byline(text, author)):
            removed.append(text)
            continue
        units.append(_Unit(text))
        heads.append(is_head)
    return units, heads, removed, credit


def _title_sites(tree: HtmlElement, title: str | None) -> list[str]:
    """The rest of a <title> that holds the headline: the site's name."""
    if not title:
        return []
    for el in tree.iter("title"):
        parts = _parts(_clean(el.text_content()))
        if _key(title) in {_key(p) for p in parts}:
            return [p for p in parts if _key(p) != _key(title)]
    return []


def _drop_site_tail(units: list[_Unit], heads: list[bool], removed: list[str], sites: list[str]) -> None:
    """Short lines after the story's last real paragraph that name the site
    ("Wexcombe Online is run by volunteers | Contact us", "Follow the
    Courier") are the page's footer, left in by the extractor."""
    keys = [k for k in (_key(s) for s in sites) if len(k) >= 4]
    if not keys:
        return
    last = max((i for i, u in enumerate(units) if not heads[i] and len(u.text) >= _LEAD_MIN), default=None)
    if last is None:
        return
    i = last + 1
    while i < len(units):
        text = units[i].text
        if len(text) <= _SHORT and any(k in _key(text) for k in keys):
            removed.append(text)
            del units[i], heads[i]
        else:
            i += 1


def _trim_headings(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """A sub-head with nothing under it at the end heads nothing."""
    out = list(sections)
    while out and not out[-1].paragraphs:
        out.pop()
    return tuple(out)


# --- Headline, site name, credit --------------------------------------------------------


def _meta(tree: HtmlElement, *names: str) -> list[str]:
    values: list[str] = []
    for el in tree.iter("meta"):
        name = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if name in names:
            value = _clean(el.get("content") or "")
            if value:
                values.append(value)
    return values


# The copyright line, wherever the page put it (usually the footer, which
# trafilatura leaves out): a text naming ©, "copyright" or "all rights
# reserved", read with the inline elements around it.
_CREDIT_HINT = re.compile(
    r"©|copyright|rights\s+reserved|direitos\s+reservados|rechte\s+vorbehalten", re.IGNORECASE
)
_TEXTS = etree.XPath("//text()")
_NOT_TEXT = {"script", "style", "title", "noscript", "template"}
_INLINE = {"span", "a", "small", "strong", "em", "b", "i", "time", "abbr"}
_YEARS = r"(?:(?:1[89]|20)\d{2}(?:\s*[-–]\s*(?:1[89]|20)\d{2})?)"
_CREDIT_TRIM = re.compile(
    rf"^(?:(?:©|\(c\)|copyright)\s*)+{_YEARS}?[\s,.]*"
    rf"|[\s.,;]*(?:{_YEARS}|all\s+rights\s+reserved|todos\s+os\s+direitos\s+reservados"
    r"|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés|todos\s+los\s+derechos\s+reservados)?[\s.]*$",
    re.IGNORECASE,
)


# A footer line often strings the credit together with links: "© 2026 X |
# Advertise with us", "Copyright 2026 X · Powered by WordPress".
_FOOTER_SEP = re.compile(r"\s+[|·•]\s+")
_COMPANY = re.compile(r"[\s,]+(?:ltd|limited|gmbh|inc|llc|plc|s\.?a|ltda|ag)\.?$", re.IGNORECASE)


def _credit(tree: HtmlElement, extra: Sequence[re.Pattern[str]]) -> tuple[str | None, str | None]:
    """The page's copyright line (the last one: the site's, in its footer)
    and the name it gives, a hint of the site's name."""
    found: str | None = None
    # From the end: the site's own line is in the footer, the last one.
    for node in reversed(_TEXTS(tree)):
        if not _CREDIT_HINT.search(node):
            continue
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()  # the text after an element is its parent's
        if el is None or not isinstance(el.tag, str) or el.tag in _NOT_TEXT:
            continue
        while el.tag in _INLINE and el.getparent() is not None:
            el = el.getparent()
        segments = [seg for seg in _FOOTER_SEP.split(_clean(el.text_content())) if seg]
        credit = [seg for seg in segments if classify(seg, extra) == "credit"]
        if credit:
            found = " ".join(credit)
            break
    if found is None:
        return None, None
    name = _COMPANY.sub("", _CREDIT_TRIM.sub("", found).strip(" .,;|")).strip(" .,;|")
    return found, name or None


def _site_names(tree: HtmlElement, sitename: str | None, credit_site: str | None) -> list[str]:
    names = _meta(tree, "og:site_name", "application-name", "apple-mobile-web-app-title", "publisher")
    names += [n for n in (sitename, credit_site) if n]
    out: list[str] = []
    for name in names:
        name = _clean(name).lstrip("@")
        if name and name not in out:
            out.append(name)
    return out


def _hostname(tree: HtmlElement, url: str | None) -> str:
    candidates = [url or ""] + _meta(tree, "og:url")
    for el in tree.iter("link"):
        if (el.get("rel") or "").lower() == "canonical":
            candidates.append(el.get("href") or "")
    for u in candidates:
        m = re.match(r"(?:[a-z][a-z0-9+.-]*:)?//([^/?#:]+)", u.strip(), re.IGNORECASE)
        if m:
            return m.group(1).lower().removeprefix("www.")
    return ""


# Between a headline and the site's name in a <title>: " | ", " - ", " – ",
# " — ", " · ", " • ", " » ", " :: "; a site's name may also lead with a colon
# ("Site: Headline").
_SEP = r"\s*(?:[|·•»–—]|::|(?<=\s)-(?=\s))\s*"


def _parts(title: str) -> list[str]:
    return [p for p in re.split(_SEP, title) if p]


def _is_site(part: str, site_keys: set[str], host_key: str) -> bool:
    key = _key(part)
    return bool(key) and (key in site_keys or (len(key) >= 3 and key in host_key))


def _strip_site(title: str, sites: list[str], site_keys: set[str], host_key: str) -> str:
    """TITLE without the site's name before or after it."""
    for site in sorted(sites, key=len, reverse=True):
        name = re.escape(site)
        for rx in (rf"(?P<rest>.+?){_SEP}{name}", rf"{name}(?:{_SEP}|\s*:\s*)(?P<rest>.+)"):
            m = re.fullmatch(rx, title, re.IGNORECASE)
            if m:
                return m.group("rest").strip()
    parts = _parts(title)
    if len(parts) > 1:
        # A part the other metadata names (the host, most often) is the site.
        if _is_site(parts[-1], site_keys, host_key):
            return title[: title.rfind(parts[-1])].rstrip(" |·•»–—:-")
        if _is_site(parts[0], site_keys, host_key):
            return title[len(parts[0]) :].lstrip(" |·•»–—:-")
    return title


def _headline(
    tree: HtmlElement, meta_title: str | None, sites: list[str], host: str, head_lines: list[str]
) -> str | None:
    """The page's headline.  HEAD_LINES are the short lines trafilatura kept
    above the story, where a page without an h1 shows its headline."""
    site_keys = {_key(s) for s in sites} - {""}
    host_key = "".join(ch for ch in host.rsplit(".", 1)[0] if ch.isalnum())
    title_tag = [_clean(el.text_content()) for el in tree.iter("title")][:1]
    metadata = _meta(tree, "og:title", "twitter:title", "headline") + title_tag
    metadata += [_clean(meta_title)] if meta_title else []
    stripped = [_strip_site(t, sites, site_keys, host_key) for t in metadata if t]
    stripped = [t for t in stripped if t and _key(t) not in site_keys]
    h1s = [t for t in (_clean(el.text_content()) for el in tree.iter("h1")) if t]
    h1s = [t for t in h1s if _key(t) not in site_keys]
    # The h1 that agrees with the metadata, as the page shows it.
    keys = {_key(t) for t in stripped} - {""}
    for h1 in h1s:
        if _key(h1) in keys:
            return h1
    # A site the metadata does not name: the h1 is one part of the <title>.
    for t in metadata:
        part_keys = {_key(p) for p in _parts(t)}
        for h1 in h1s:
            if _key(h1) in part_keys:
                return h1
    # No h1 agrees: a line above the story that does.
    for line in head_lines:
        if _key(line) in keys or any(_key(line) in {_key(p) for p in _parts(t)} for t in metadata):
            return line
    if stripped:
        return stripped[0]
    return h1s[0] if h1s else None
