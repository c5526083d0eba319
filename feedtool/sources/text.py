"""The interview text: a copied web article (or a Markdown file) in, a
`TextInfo` out.

People paste articles from news sites with the site's chrome still around
them.  `story.py` finds where the story is and its headline; this module
turns the story into sections with sub-heads, a summary (the story's
opening), show notes (sanitised HTML), a plain-text transcript and the
copyright credit.  Markdown is an author's own file: its headings and
paragraphs are taken as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import nh3

from feedtool.sources import story
from feedtool.sources.transcripts import blank_line_blocks
from feedtool.sources.chrome import DEFAULT_PATTERNS, classify, compile_patterns
from feedtool.model import Section, TextInfo, load

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "DEFAULT_PATTERNS",
    "SUMMARY_LIMIT",
    "compile_patterns",
    "is_transcript",
    "parse_text",
    "read_copy",
    "strip_control_chars",
    "truncate_bytes",
]

# Apple counts a description's 4,000 in bytes of UTF-8 (the feed check does
# too): cut there on purpose, on a word boundary, rather than letting a
# directory cut mid-word or the build's own check refuse the feed.
SUMMARY_LIMIT = 4000

# XML 1.0 allows tab, LF, CR and everything from U+0020 up, except the
# surrogates and U+FFFE/U+FFFF.  Lone surrogates also break nh3 (Rust strings).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# In UTF-8 the forbidden control characters are these bytes, which are part
# of no other character; a lone surrogate has no UTF-8 at all.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def strip_control_chars(s: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 forbids; return the text and how many went."""
    # Most texts have none, which the bytes tell faster than the regex (it
    # runs on every text, its notes and its transcript).
    try:
        data = s.encode()
    except UnicodeEncodeError:
        return _XML_FORBIDDEN.subn("", s)
    if len(data.translate(None, _CONTROL_BYTES)) == len(data) and "\ufffe" not in s and "\uffff" not in s:
        return s, 0
    return _XML_FORBIDDEN.subn("", s)


# --- Normalising the raw text -----------------------------------------------

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Invisible characters that copy-paste drags along (BOM, zero-width space,
# soft hyphen, word joiner); they only get in the way of matching.
_INVISIBLE_CHARS = "\ufeff\u200b\u00ad\u2060"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# The spaces other than " " (tab, no-break and the typographic ones), each
# spelt out: `in` looks for them one by one, and most texts have none of
# them and no two spaces in a row, which `in` finds out ten times faster
# than a search with the regex (a fifth of cleaning a text).
_OTHER_SPACES = "\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACE_CLASS = f"[ {_OTHER_SPACES}]"
_SPACES = re.compile(f"{_SPACE_CLASS}+")
# The runs _SPACES.sub(" ") would change: two or more spaces, or any other
# kind of space than " " (then the lookbehind holds) with the spaces after
# it. A lone " " between words matches nothing, so the text is not cut and
# joined again at each of its thousands of words (issue 7); starting with
# a character class lets the regex engine skip ahead to the next space.
_SPACES_TO_FIX = re.compile(f"{_SPACE_CLASS}(?:(?<=[^ ])|{_SPACE_CLASS}){_SPACE_CLASS}*")
_LINE_ENDS = ("\r", "\n", "\x85", "\u2028", "\u2029")


def _normalize_lines(raw: str) -> list[str]:
    text, _ = strip_control_chars(raw)
    if any(c in text for c in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if "  " in text or any(c in text for c in _OTHER_SPACES):
        text = _SPACES_TO_FIX.sub(" ", text)
    # str.splitlines breaks where _LINE_BREAK does, once the control
    # characters it also breaks at (\v \f \x1c-\x1e) are gone, as they are;
    # it leaves out the empty line after a final break, which split keeps.
    lines = [line.strip() for line in text.splitlines()]
    if not text or text.endswith(_LINE_ENDS):
        lines.append("")
    return lines


# --- Classifying lines --------------------------------------------------------


@dataclass
class _Unit:
    """A paragraph of the story, as the sub-head finder sees it."""

    text: str
    single: bool = True  # one source line (only those can be headings)


# Hard-wrapped prose: a block of lines at most _WRAP_MAX long, the widest at
# least _WRAP_MIN, that reads as running text (see `_is_wrapped`).  In such a
# block a line much shorter than the widest ends a paragraph.
_WRAP_MAX = 100
_WRAP_MIN = 40
_WRAP_SHORT = 0.6
# Most lines of wrapped prose (all but a paragraph's last) fill the width.
_WRAP_FULL = 0.75
_WRAP_FULL_SHARE = 0.6
_SENTENCE_END = ".!?…\"”’)]"


def _is_wrapped(block: list[str]) -> bool:
    """Whether a block is one or more hard-wrapped paragraphs.

    Most of its lines fill the width (a menu, a byline and a teaser list
    come in every length), and it reads as prose: it ends a sentence, or a
    line runs on into a lower-case word.
    """
    if len(block) < 2 or any(len(line) > _WRAP_MAX for line in block):
        return False
    width = max(len(line) for line in block)
    if width < _WRAP_MIN:
        return False
    full = sum(len(line) >= _WRAP_FULL * width for line in block)
    if full < _WRAP_FULL_SHARE * (len(block) - 1):
        return False
    # A wrap breaks a full line ("More on:" above "taliban" is a label and a link).
    runs_on = any(
        len(line) >= _WRAP_FULL * width and line[-1] not in _SENTENCE_END and nxt[:1].islower()
        for line, nxt in zip(block, block[1:])
    )
    return runs_on or block[-1][-1] in _SENTENCE_END


def _join_wrapped(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        # "well-\nknown" was one word before the wrap.
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += line
        else:
            out += " " + line
    return out


def _paragraphs(lines: list[str]) -> list[story.Line]:
    """The copy's paragraphs, each with whether it was a single line and
    whether it was glued to the one above (no blank line between).

    A line is a paragraph, as a browser's copy gives it, except in a block of
    hard-wrapped prose, where a line much shorter than the block's widest
    (or ending a sentence) ends one.
    """
    out: list[story.Line] = []
    for first, block in blank_line_blocks("\n".join(lines)):
        if not _is_wrapped(block):
            out.extend(story.Line(line, True, k > 0, first + k) for k, line in enumerate(block))
            continue
        width = max(len(line) for line in block)
        para: list[str] = []
        for i, line in enumerate(block):
            para.append(line)
            if i == len(block) - 1 or len(line) < _WRAP_SHORT * width:
                out.append(story.Line(_join_wrapped(para), len(para) == 1, i + 1 > len(para), first + i + 1 - len(para)))
                para = []
    return out


# --- Titles, headings, credit ---------------------------------------------------

_TRAILING_CLOSERS = "\"'”’»)]"
_TERMINAL = ".!?…:;,"


def _core_end(text: str) -> str:
    """The last character that is not a closing quote or bracket."""
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return stripped[-1] if stripped else ""


def _parenthetical(text: str) -> bool:
    # "(SOUNDBITE OF MUSIC)", "[laughter]": stage directions, never headings.
    return text[:1] in "([" and text[-1:] in ")]"


def _first_letter_upper(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return not ch.islower()
    return False


_HEADING_MAX = 90
_HEADING_WORDS = 15


def _heading_like(text: str) -> bool:
    """A generic sub-head: short, capitalised, without sentence punctuation."""
    return (
        len(text) < _HEADING_MAX
        and len(text.split()) <= _HEADING_WORDS
        and text[:1] not in "-–—•*"
        and _first_letter_upper(text)
        and not _parenthetical(text)
        and _core_end(text) not in _TERMINAL
    )


# The heading that opens the edited interview; under it, "On …" lines are
# sub-heads whatever their punctuation ("On whether …, or ...").
_HIGHLIGHTS = re.compile(
    r"(?:(?:interview|conversation|radio|edited)\s+)?(?:highlights|excerpts)"
    r"(?:\s+(?:from|of)\s+(?:the|our|this)\s+(?:interview|conversation))?"
    r"|q\s*&\s*a|the\s+interview|interview",
    re.IGNORECASE,
)


def _is_highlights(text: str) -> bool:
    return _HIGHLIGHTS.fullmatch(text.rstrip(":")) is not None


def _on_line(text: str) -> bool:
    # A plain sentence ending in a single period is an answer ("On Tuesday."),
    # an ellipsis or a question is still a topic line.
    ends_sentence = text.endswith(".") and not text.endswith("...") and not text.endswith("…")
    return text.startswith("On ") and len(text) <= 150 and not ends_sentence


def _find_headings(units: list[_Unit]) -> list[bool]:
    """Decide which body units are sub-heads."""
    n = len(units)
    heading = [False] * n
    forced = [False] * n
    in_highlights = False
    for i, unit in enumerate(units):
        if i == n - 1 or not unit.single:
            continue  # a heading heads something
        if _is_highlights(unit.text):
            heading[i] = forced[i] = True
            in_highlights = True
        elif in_highlights and _on_line(unit.text):
            heading[i] = forced[i] = True
        elif _heading_like(unit.text):
            heading[i] = True
    # Three or more short lines in a row are a list or a poem, not sub-heads.
    i = 0
    while i < n:
        if heading[i] and not forced[i]:
            j = i
            while j < n and heading[j] and not forced[j]:
                j += 1
            if j - i >= 3:
                for k in range(i, j):
                    heading[k] = False
            i = j
        else:
            i += 1
    return heading


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_HAS_ADDRESS = re.compile(r"\w\.\w{2,}|https?://|@")


def _clean_credit(line: str) -> str:
    """Drop the dangling tail of a copied credit ("To see more, visit")."""
    sentences = _SENTENCE_SPLIT.split(line.strip())
    # The address of a "visit …" sentence is usually lost in the copy; a
    # sentence that neither ends nor names an address is such a leftover.
    while len(sentences) > 1 and _core_end(sentences[-1]) not in ".!?" and not _HAS_ADDRESS.search(sentences[-1]):
        sentences.pop()
    return " ".join(sentences).strip(" |·•-–—,;:")


# --- Output -------------------------------------------------------------------

_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "em", "strong",
    "blockquote", "br", "small", "code", "pre",
}  # fmt: skip
# "*" must be given, or ammonia keeps its default lang and title everywhere.
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}
_URL_SCHEMES = {"http", "https", "mailto"}


def _sanitize(fragment: str) -> str:
    cleaned = nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return strip_control_chars(cleaned)[0]


def truncate_bytes(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """TEXT cut to at most LIMIT bytes of UTF-8, on a word boundary where
    there is one in the second half (scripts without spaces are cut on a
    character), with an ellipsis."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    ellipsis = "…"
    # errors="ignore" drops a character the byte cut split in two.
    cut = data[: limit - len(ellipsis.encode())].decode("utf-8", errors="ignore")
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" \n,;:–—-") + ellipsis


def _credit_html(credit: str | None) -> str:
    return f"<p><small>{html.escape(credit, quote=False)}</small></p>" if credit else ""


def _sections(units: list[_Unit], is_heading: list[bool]) -> tuple[Section, ...]:
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    for unit, head in zip(units, is_heading):
        if head:
            if heading is not None or paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = unit.text, []
        else:
            paragraphs.append(unit.text)
    if heading is not None or paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))
    return tuple(sections)


def _standfirst(sections: tuple[Section, ...], lead: int = 0) -> str | None:
    """The summary: the intro paragraphs before the first sub-head, from
    paragraph LEAD on (what comes before it is a caption or a teaser line
    the story was taken to begin with).

    Without any sub-head there is no standfirst to tell apart, so the lead
    paragraph stands in for it.  Paragraphs are added while they fit in the
    limit; the first one is always there, cut if it must be.
    """
    paragraphs = [p for s in sections for p in s.paragraphs][lead:]
    if not paragraphs:
        return None
    has_heading = any(s.heading is not None for s in sections)
    intro = sections[0].paragraphs[lead:] if sections and sections[0].heading is None else ()
    if not has_heading or not intro:
        return truncate_bytes(paragraphs[0])
    summary = intro[0]
    for paragraph in intro[1:]:
        if len(summary.encode()) + 2 + len(paragraph.encode()) > SUMMARY_LIMIT:
            break
        summary += "\n\n" + paragraph
    return truncate_bytes(summary)


def _notes_html(sections: tuple[Section, ...], credit: str | None) -> str:
    parts: list[str] = []
    for section in sections:
        if section.heading is not None:
            level = 2 if _is_highlights(section.heading) else 3
            parts.append(f"<h{level}>{html.escape(section.heading, quote=False)}</h{level}>")
        parts.extend(f"<p>{html.escape(p, quote=False)}</p>" for p in section.paragraphs)
    return _sanitize("\n".join(p for p in parts if p))


# --- Plain text ---------------------------------------------------------------------


# A speaker's turn: "AUDIE CORNISH, HOST: …", "JONZE: …", "Q: …", "Ruth
# Callow: …".  A name of up to four words, then a colon and the words said.
_TURN = re.compile(
    r"(?:[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,3}(?:, [A-Z][A-Z ]+)?"  # SPEAKER, ROLE
    r"|[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3}"  # Title Case Name
    r"|Q|A):\s+\S"
)
# Turns by at least two speakers, in this share of the story's paragraphs.
_TURN_SHARE = 0.3
_TURN_MIN = 3


def is_transcript(sections: Sequence[Section]) -> bool:
    """Whether a text reads as a transcript: speaker turns by two or more
    speakers in a good share of its paragraphs."""
    paragraphs = [p for s in sections for p in s.paragraphs]
    turns = [m.group(0).split(":", 1)[0] for p in paragraphs if (m := _TURN.match(p))]
    return len(turns) >= _TURN_MIN and len(set(turns)) >= 2 and len(turns) >= _TURN_SHARE * len(paragraphs)


def _find(lines: Sequence[story.Line], needle: str) -> int | None:
    """The index of the first paragraph that contains NEEDLE, compared
    case-insensitively with whitespace collapsed."""
    want = " ".join(needle.split()).casefold()
    for i, line in enumerate(lines):
        if want in " ".join(line.text.split()).casefold():
            return i
    return None


def _bounds(lines: Sequence[story.Line], text_start: str | None, text_end: str | None) -> tuple[int, int] | None:
    """The story as the show marked it: from the paragraph holding TEXT_START
    through the one holding TEXT_END.  Raises ValueError when either is not
    in the text."""
    if not text_start and not text_end:
        return None
    first = _find(lines, text_start) if text_start else 0
    if first is None:
        raise ValueError(f"text_start: {text_start!r} is not in the text")
    last = len(lines) - 1
    if text_end:
        found = _find(lines[first:], text_end)
        if found is None:
            raise ValueError(f"text_end: {text_end!r} is not in the text after text_start")
        last = first + found
    return first, last + 1


def read_copy(raw: str, extra_patterns: Sequence[str] = (), language: str | None = None) -> story.Reading:
    """The reader's decision on every paragraph of a copied page, for
    `feedtool inspect`."""
    return story.read(_paragraphs(_normalize_lines(raw)), compile_patterns(extra_patterns), language=language)


# A story's opening is its first paragraph of full prose, when one of the
# first few is: a shorter one before it is likelier a caption or a teaser.
_LEAD_REACH = 2


def _lead(story_paragraphs: Sequence[story.Paragraph], sections: Sequence[Section]) -> int:
    """How many of the story's first paragraphs the summary passes over."""
    first = sections[0].paragraphs if sections and sections[0].heading is None else ()
    kinds = [p.kind for p in story_paragraphs[: len(first)]]
    good = next((i for i, k in enumerate(kinds[: _LEAD_REACH + 1]) if k == "good"), 0)
    return good if all(k in ("near", "short") for k in kinds[:good]) else 0


def _parse_plain(raw: str, extra: Sequence[re.Pattern[str]], text_start: str | None = None,
                 text_end: str | None = None, transcript: bool | None = None,
                 language: str | None = None) -> TextInfo:
    lines = _paragraphs(_normalize_lines(raw))
    reading = story.read(lines, extra, _bounds(lines, text_start, text_end), language)
    paragraphs = reading.paragraphs
    title = paragraphs[reading.headline].text if reading.headline >= 0 else None
    credit = next((_clean_credit(p.text) for p in paragraphs if p.role == "credit"), None)
    story_paragraphs = [p for p in paragraphs if p.role == "story"]
    body = [_Unit(p.text, p.single) for p in story_paragraphs]
    sections = _sections(body, _find_headings(body))
    return TextInfo(
        title=title,
        summary=_standfirst(sections, _lead(story_paragraphs, sections)),
        sections=sections,
        credit=credit,
        notes_html=_notes_html(sections, credit),
        removed=tuple(p.text for p in paragraphs if p.role == "chrome"),
        is_transcript=is_transcript(sections) if transcript is None else transcript,
        doubts=reading.doubts,
    )


# --- Markdown --------------------------------------------------------------------


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return _SPACES.sub(" ", "".join(parts)).strip()


def _top_level_blocks(tokens: list[Token]) -> list[list[Token]]:
    blocks: list[list[Token]] = []
    depth = 0
    for token in tokens:
        if depth == 0:
            blocks.append([])
        blocks[-1].append(token)
        depth += token.nesting
    return blocks


def _block_texts(block: list[Token]) -> list[str]:
    """Plain text of a block that is not a heading or a paragraph."""
    texts: list[str] = []
    in_item = 0
    for token in block:
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "inline":
            text = _inline_text(token)
            if text:
                texts.append(f"• {text}" if in_item else text)
        elif token.type in ("fence", "code_block"):
            text = token.content.rstrip("\n")
            if text.strip():
                texts.append(text)
    return texts


# Headings keep their rank, fitted into the h2–h4 the show notes allow (h1 is
# the episode title's).
_HEADING_TAG = {"h1": "h2", "h5": "h4", "h6": "h4"}


def _parse_markdown(raw: str, extra: Sequence[re.Pattern[str]]) -> TextInfo:
    from markdown_it import MarkdownIt  # only shows that write Markdown pay for the import

    text, _ = strip_control_chars(raw)
    md = MarkdownIt("commonmark", {"html": False})
    title: str | None = None
    credit: str | None = None
    summary: str | None = None
    removed: list[str] = []
    kept: list[Token] = []
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []

    # An author wrote this file, so there is no tail to cut; but a pasted
    # share button or the show's own boilerplate is still dropped, and a
    # copyright paragraph still becomes the credit.
    for block in _top_level_blocks(md.parse(text)):
        first = block[0]
        if first.type in ("heading_open", "paragraph_open"):
            plain = _inline_text(block[1])
            role = classify(plain, extra) if plain else "chrome"
            if role == "credit" and credit is None:
                credit = _clean_credit(plain)
                continue
            if role != "body":
                if plain:
                    removed.append(plain)
                continue
            if first.type == "heading_open":
                if first.tag == "h1" and title is None:
                    title = plain
                    continue
                if heading is not None or paragraphs:
                    sections.append(Section(heading, tuple(paragraphs)))
                heading, paragraphs = plain, []
                tag = _HEADING_TAG.get(first.tag, first.tag)
                block[0].tag = block[-1].tag = tag
            else:
                paragraphs.append(plain)
                if summary is None:
                    summary = truncate_bytes(plain)
        else:
            paragraphs.extend(_block_texts(block))
        kept.extend(block)
    if heading is not None or paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))

    rendered = md.renderer.render(kept, md.options, {})
    notes = _sanitize(rendered.strip() + ("\n" + _credit_html(credit) if credit else ""))
    return TextInfo(
        title=title,
        summary=summary,
        sections=tuple(sections),
        credit=credit,
        notes_html=notes.strip(),
        removed=tuple(removed),
    )


def parse_text(
    raw: str,
    *,
    extra_patterns: Sequence[str] = (),
    markdown: bool = False,
    html: bool = False,
    text_start: str | None = None,
    text_end: str | None = None,
    transcript: bool | None = None,
    language: str | None = None,
) -> TextInfo:
    """Read an interview text into a `TextInfo`.

    ``extra_patterns`` are the show's own chrome patterns (``clean_patterns``
    in podcast.toml), with the same rules as `DEFAULT_PATTERNS`; an invalid
    one raises ValueError.  ``markdown=True`` reads the text as CommonMark
    (raw HTML disabled): the first ``#`` heading is the title, the first
    paragraph the summary.  ``html=True`` reads a saved web page.
    ``text_start`` and ``text_end`` (words from the story's first and last
    paragraphs) mark the story by hand in a copied page; ValueError when
    they are not in it.  ``transcript`` says whether the text is a
    transcript of the episode (None: decided from speaker turns).
    ``language`` is the show's (an ISO 639 code such as "en" or "pt-BR"):
    the reader takes it when the text's own common words allow it.
    """
    extra = compile_patterns(extra_patterns)
    if html:
        from feedtool.sources.webpage import parse_html  # only shows with saved pages pay for trafilatura

        info = parse_html(raw, extra_patterns=extra_patterns)
    elif markdown:
        info = _parse_markdown(raw, extra)
    else:
        return _parse_plain(raw, extra, text_start, text_end, transcript, language)
    found = is_transcript(load(info.sections)) if transcript is None else transcript
    return replace(info, is_transcript=found) if found != info.is_transcript else info
