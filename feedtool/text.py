"""The interview-text cleaner: a copied web article (or a Markdown file) in,
a `TextInfo` out.

People paste articles from news sites with the site's chrome still around
them: "Filed Under:", share buttons, photo captions, bylines, the teasers and
comment policy under the story.  The cleaner drops that chrome, keeps every
paragraph of the story itself, finds the headline, the standfirst, the
sub-heads and the copyright line, and renders show notes (sanitized HTML) and
a plain-text transcript from the result.

The guiding rule is *when in doubt, keep*: a line is chrome only when a
pattern matches it whole and it is short; a paragraph that merely mentions
"subscribe" stays.  The one place where text is dropped wholesale is the tail:
after an end marker ("Leave a Comment", "Most Popular"…) or the copyright
line, what follows belongs to the site, not to the story.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import nh3

from feedtool.model import Section, TextInfo

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "DEFAULT_PATTERNS",
    "SUMMARY_LIMIT",
    "compile_patterns",
    "parse_text",
    "strip_control_chars",
]

# Apple Podcasts cuts descriptions at 4000 characters; so do we, on purpose
# and on a word boundary, rather than letting a directory cut mid-word.
SUMMARY_LIMIT = 4000

# --- Building blocks for the patterns below --------------------------------
# They are matched case-insensitively, so a capitalised name needs an inline
# case-sensitive group; that is what keeps "By the end of the day" (body) apart
# from "By Tomas Reyes" (byline).
_NAME = r"(?-i:[A-Z][\w'’.-]*)"
_NAME_RUN = rf"{_NAME}(?:\s+(?:{_NAME}|de|da|del|der|van|von|la|le|bin|ibn)){{0,4}}"
# One sentence fragment: a period counts only when it ends a sentence, so
# "$4.99", "npr.org" and "J. Scott" do not stop it.
_FRAG = r"(?:[^.!?]|\.(?=\w))"
# The same, for a call to action, which is one clause: a comma means someone
# is talking ("Subscribe to nothing, she said, …").
_CLAUSE = r"(?:[^.!?,;]|\.(?=\w))"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_TIME = (
    r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?\s?m\.?)"
    r"(?:\s*(?:[ecmp][sd]?t|gmt|utc|bst|cet|cest))?"
)
_SEP = r"\s*(?:at|on|,|·|•|\||-|–|—)?\s*"
_NETWORK = (
    r"(?:facebook|twitter|x|linkedin|reddit|e-?mail|whatsapp|pinterest|flipboard"
    r"|bluesky|threads|mastodon|tumblr|telegram)"
)
_SOCIAL_ITEM = rf"(?:{_NETWORK}|tweet|print|copy\s+link|pin\s+it|share)"
_PHOTO_AGENCY = r"(?:getty\s+images|ap\s+photos?|ap\s+images|reuters|afp|shutterstock|istock(?:photo)?|alamy)"

# All the chrome the cleaner knows, in one place.  Each pattern must match a
# whole line (or a whole paragraph), stripped and with its inner whitespace
# collapsed, case-insensitively; see `_classify`.  A line longer than
# `_CHROME_MAX` never matches them: a long paragraph is body, whatever it
# mentions.
#
# A pattern's role is told by a named group around the whole of it:
#   (no group)      plain chrome: the line is dropped;
#   (?P<box>…)      a "Related"/"Read more" box: the line and the few short
#                   lines glued to it (no blank line between) are dropped;
#   (?P<end>…)      an end marker: it and everything after it are dropped,
#                   once the story has begun (before that only the line goes);
#   (?P<credit>…)   the copyright line: it becomes `TextInfo.credit`, and what
#                   follows it is dropped like after an end marker.
# A show's own patterns (podcast.toml) may use the same groups.
DEFAULT_PATTERNS: tuple[str, ...] = (
    # Category labels above the headline ("Filed Under:", "Tags: …").
    r"filed\s+under\b.{0,200}",
    r"(?:tags?|topics?|categor(?:y|ies)|keywords|sections?)\s*:.{0,200}",
    # Which programme aired the piece: "Heard on All Things Considered".
    rf"heard\s+on\s+(?-i:[A-Z]){_FRAG}{{0,80}}",
    # The audio player: "Play associated audio", "Listen · 7:32", "Download",
    # "Embed <iframe …>", "Audio is not supported on your browser".
    r"(?:listen|play|download|stream)"
    r"(?:\s+(?:now|live|here|audio|associated\s+audio"
    r"|(?:to\s+)?(?:this|the)\s+(?:story|episode|segment|interview|podcast|article|audio)))*"
    r"(?:\s*[·•|:–—-]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s+min(?:ute)?s?)?)?",
    r"embed(?:\s+code)?(?:\s*<iframe\b.*)?",
    r"<iframe\b.*",
    r".{0,80}\baudio\s+is\s+not\s+supported\b.{0,80}",
    # Advertising and the reading-flow interruptions around it.
    r"(?:advertisement|advertising|ad|sponsor\s+message|paid\s+content"
    r"|sponsored(?:\s+(?:content|message|links?))?"
    r"|story\s+continues\s+below(?:\s+(?:this\s+)?(?:advertisement|ad))?"
    r"|continue\s+reading(?:\s+(?:the\s+)?(?:main\s+)?(?:story|article|below))?"
    r"|(?:skip|close)\s+(?:this\s+)?(?:ad(?:vertisement)?|to\s+(?:main\s+)?content|navigation))",
    # Share buttons: "Share this", "Share on Facebook", a row of network names.
    rf"share(?:\s+(?:this|the))?(?:\s+(?:article|story|page|post|episode|interview|link))?"
    rf"(?:\s+(?:on|via|to|with)\s+{_NETWORK})?\s*:?",
    rf"{_SOCIAL_ITEM}(?:\s*[|·•,/]?\s*{_SOCIAL_ITEM})*",
    # Selling the site: "Subscribe…", newsletters, "Donate", log-in links.
    rf"subscribe(?:\s+(?:now|today|here))?(?:\s+(?:to|for|on|and)\b{_CLAUSE}{{0,80}})?[.!]?",
    rf"(?:sign\s*up|subscribe|register|get|join)\b{_CLAUSE}{{0,60}}\bnewsletters?\b{_CLAUSE}{{0,60}}[.!]?",
    rf"(?:become\s+a\s+(?:member|subscriber|supporter)|already\s+a\s+subscriber\??){_CLAUSE}{{0,60}}[.!]?",
    r"(?:donate|support\s+(?:us|our\s+journalism))(?:\s+(?:now|today))?",
    r"(?:log|sign)\s*(?:in|out|up)",
    # Navigation: "Skip to main content", "Menu", "Back to top", "Click here…",
    # "Print this page", "Next story: …".
    r"skip\s+to\s+(?:main\s+)?content|main\s+menu|menu|search|back\s+to\s+top|loading\.*",
    r"print(?:\s+this(?:\s+(?:page|article|story))?)?|e-?mail\s+this(?:\s+(?:page|article|story))?",
    r"(?:next|previous)\s+(?:story|article|post|episode)(?:\s*:.{0,120})?",
    rf"click\s+here\b{_CLAUSE}{{0,80}}[.!]?",
    # Bylines: "By Jane Doe", "By Jane Doe and John Roe | March 4", "Jane Doe,
    # Staff Writer", "Interview by Jane Doe".
    rf"(?:(?:written|reported|interview(?:ed)?|words|story|text)\s+)?by\s+{_NAME_RUN}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME_RUN}){{0,3}}(?:\s*[,|·•—–-]\s*{_FRAG}{{0,60}})?",
    rf"{_NAME_RUN}\s*,\s*(?:(?:staff|senior|contributing|special|chief|guest|freelance)\s+)?"
    r"(?:writer|reporter|correspondent|editor|contributor|critic|columnist|producer)"
    rf"(?:\s+(?:at|for|of)\s+{_FRAG}{{0,40}})?",
    # Photo captions and credits: "Photo: …", "(Photo credit …)", "Jane
    # Doe/Getty Images", "AP Photo/J. Scott Applewhite", a caption ending in
    # "(Getty Images)", NPR's "hide caption" and "Enlarge this image".
    r"(?:photo(?:graph)?s?|image|illustration|video|caption)(?:\s+(?:credit|source|courtesy))?s?"
    r"\s*(?::|by\b|courtesy\b).{0,250}",
    r"image\s+(?:source|credit)s?",
    r"[(\[]\s*(?:photo(?:graph)?|image)?\s*(?:credit|courtesy)\b[^)\]]{0,150}[)\]]\.?",
    rf"[^!?]{{0,120}}\b{_PHOTO_AGENCY}\b[^!?]{{0,80}}(?<![.!?])",
    rf".{{0,300}}[(\[][^()\[\]]*\b(?:{_PHOTO_AGENCY}|photo(?:graph)?\s+(?:by|credit))\b[^()\[\]]*[)\]]\.?",
    r".{0,300}?\b(?:hide|toggle)\s+caption",
    r"(?:enlarge|expand)\s+this\s+image",
    # Dates and times: "Updated 3:05 PM ET", "December 17, 2013 · 4:03 PM
    # ET", "Published March 4, 2024", "5 min read".
    rf"(?:(?:updated|published|posted|last\s+(?:updated|modified)|originally\s+(?:published|posted|aired)"
    rf"|aired|broadcast)\s*:?\s*(?:on\s+)?)?"
    rf"(?:{_DATE}(?:{_SEP}{_TIME})?|{_TIME}(?:{_SEP}{_DATE})?)",
    r"\d+\s*(?:-\s*)?min(?:ute)?s?\s+read",
    # "Related"/"Read more"/"See also" boxes, with their links glued below.
    r"(?P<box>(?:related|see\s+also|more\s+on\s+this(?:\s+story)?|further\s+reading|read\s+(?:more|next|also))"
    r"(?:\s+(?:links?|topics?|reading|posts?|podcasts?|episodes?|videos?))?(?:\s*:\s*.{0,150})?)",
    # End markers: comments, teaser lists, recommendation widgets.
    r"(?P<end>leave\s+a\s+(?:comment|reply)|(?:\d+\s+)?comments?\s*(?:\(\d+\))?"
    r"|(?:show|view|read|load|see|hide|add)\s+(?:all\s+)?(?:\d+\s+)?comments?"
    r"|(?:join|start)\s+the\s+(?:conversation|discussion)|comments\s+are\s+closed\.?"
    r"|related\s+(?:stories|articles|coverage|content|news)"
    r"|more\s+(?:stories|articles|news|headlines|podcasts|episodes)(?:\s+(?:from|on|in|like\s+this)\b.{0,40})?"
    r"|you\s+(?:may|might)\s+also\s+(?:like|enjoy)|what\s+to\s+read\s+next"
    r"|most\s+(?:popular|read|viewed|shared|emailed)|popular\s+(?:now|stories)|trending(?:\s+now)?"
    r"|recommended(?:\s+(?:for\s+you|stories|reading|articles))?"
    r"|(?:promoted|sponsored|partner)\s+(?:stories|content|links)|around\s+the\s+web)",
    # The copyright line: "Copyright 2013 NPR. To see more, visit", "© 2024
    # Lantern", "… All rights reserved."  A bare "Copyright" needs a year, so
    # that a sentence about copyright law is not mistaken for it.
    r"(?P<credit>©.{0,250}|(?:copyright|\(c\))\s*©?\s*(?:1[89]|20)\d{2}\b.{0,250}"
    r"|.{0,120}\ball\s+rights\s+reserved\b.{0,150})",
)

# Default patterns never match longer lines: a paragraph of this size is body
# even if it quotes a share button.
_CHROME_MAX = 300

Role = Literal["body", "chrome", "box", "end", "credit"]
_ROLE_GROUPS: tuple[Literal["box", "end", "credit"], ...] = ("end", "credit", "box")


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile chrome patterns, case-insensitively.

    Raises ValueError naming the bad pattern and what is wrong with it, so
    that config.py can report it against podcast.toml.  A pattern that
    matches the empty string (``""``, ``".*"``) is refused too: it would match
    every line and silently empty the text.
    """
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise ValueError(f"pattern {pattern!r}: expected a string")
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r}: {exc}") from exc
        if rx.fullmatch(""):
            raise ValueError(f"pattern {pattern!r}: matches an empty line, so it would match every line")
        compiled.append(rx)
    return compiled


# The patterns as one alternation: fullmatch tries the alternatives in
# order, as a loop over them would, so the first pattern that matches
# decides the role; one call instead of thirty per short line.
@functools.cache
def _default_any() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in DEFAULT_PATTERNS), re.IGNORECASE)

# XML 1.0 allows tab, LF, CR and everything from U+0020 up, except the
# surrogates and U+FFFE/U+FFFF.  Lone surrogates also break nh3 (Rust strings).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_control_chars(s: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 forbids; return the text and how many went."""
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


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group lines into blocks separated by blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


# --- Classifying lines --------------------------------------------------------


def _classify(text: str, extra: Sequence[re.Pattern[str]]) -> Role:
    # The show's own patterns come first and apply at any length: a show may
    # well want to drop its own long disclaimer paragraph.
    for rx in extra:
        m = rx.fullmatch(text)
        if m:
            return _role_of(m)
    if len(text) > _CHROME_MAX:
        return "body"
    m = _default_any().fullmatch(text)
    return _role_of(m) if m else "body"


def _role_of(m: re.Match[str]) -> Role:
    for name in _ROLE_GROUPS:
        if name in m.re.groupindex and m.group(name) is not None:
            return name
    return "chrome"


@dataclass
class _Unit:
    """A line or a paragraph of the raw text, with what the cleaner made of it."""

    text: str
    role: Role
    single: bool = True  # one source line (only those can be headings)


# Hard-wrapped prose: a block of lines at most _WRAP_MAX long, the widest at
# least _WRAP_MIN, that reads as running text (see `_is_wrapped`).  In such a
# block a line much shorter than the widest ends a paragraph.
_WRAP_MAX = 100
_WRAP_MIN = 40
_WRAP_SHORT = 0.6
# A "Related" box eats at most this many short lines glued below it.
_BOX_LINES = 5
_BOX_LINE_MAX = 120
_SENTENCE_END = ".!?…\"”’)]"


def _is_wrapped(block: list[str]) -> bool:
    """Whether a block is one or more hard-wrapped paragraphs.

    A list of teaser titles has the same shape, so the block must also read
    as prose: it ends a sentence, or a line runs on into a lower-case word.
    """
    if len(block) < 2 or any(len(line) > _WRAP_MAX for line in block):
        return False
    if max(len(line) for line in block) < _WRAP_MIN:
        return False
    runs_on = any(
        line[-1] not in _SENTENCE_END and nxt[:1].islower() for line, nxt in zip(block, block[1:])
    )
    return runs_on or block[-1][-1] in _SENTENCE_END


def _standalone(block: list[str], i: int, width: int) -> bool:
    """Whether line i of a wrapped block could be a line of its own.

    Only such lines are matched against the patterns: a line from the middle
    of a paragraph is a fragment, and a fragment can look like anything
    ("… reported by AFP" is not a photo credit).
    """

    def ends_unit(line: str) -> bool:
        return len(line) < _WRAP_SHORT * width or line[-1] in _SENTENCE_END

    starts = i == 0 or ends_unit(block[i - 1])
    return starts and (i == len(block) - 1 or ends_unit(block[i]))


def _join_wrapped(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        # "well-\nknown" was one word before the wrap.
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += line
        else:
            out += " " + line
    return out


def _body_units(lines: list[str], width: int | None, extra: Sequence[re.Pattern[str]]) -> list[_Unit]:
    """Turn a run of body lines of one block into paragraph units.

    ``width`` is the block's wrap width, or None when every line is a unit.
    """
    if width is None:
        return [_Unit(line, "body") for line in lines]
    units: list[_Unit] = []
    para: list[str] = []
    for i, line in enumerate(lines):
        para.append(line)
        if i == len(lines) - 1 or len(line) < _WRAP_SHORT * width:
            text = _join_wrapped(para)
            # A paragraph made of several lines gets its own look: a show's
            # pattern may be written for its disclaimer as a whole.
            role = _classify(text, extra) if len(para) > 1 else "body"
            units.append(_Unit(text, role, single=len(para) == 1))
            para = []
    return units


def _units(lines: list[str], extra: Sequence[re.Pattern[str]]) -> list[_Unit]:
    units: list[_Unit] = []
    for block in _blocks(lines):
        width = max(len(line) for line in block) if _is_wrapped(block) else None
        body: list[str] = []
        box_left = 0
        for i, line in enumerate(block):
            role: Role = "body"
            if width is None or _standalone(block, i, width):
                role = _classify(line, extra)
            # In running text a box can only drop itself: what is glued
            # below it may be the next paragraph.
            if role == "body" and box_left and width is None and len(line) <= _BOX_LINE_MAX:
                box_left -= 1
                role = "chrome"
            else:
                box_left = _BOX_LINES if role == "box" else 0
            if role == "body":
                body.append(line)
                continue
            if body:
                units.extend(_body_units(body, width, extra))
                body = []
            units.append(_Unit(line, role))
        if body:
            units.extend(_body_units(body, width, extra))
    return units


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


def _title_like(unit: _Unit) -> bool:
    text = unit.text
    return (
        unit.single
        and len(text) <= 150
        and _first_letter_upper(text)
        and not _parenthetical(text)
        and _core_end(text) not in ".,;:"
    )


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


def _truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" \n,;:–—-") + "…"


def _credit_html(credit: str | None) -> str:
    return f"<p><small>{html.escape(credit, quote=False)}</small></p>" if credit else ""


def _transcript(title: str | None, sections: Sequence[Section], credit: str | None) -> str:
    parts: list[str] = [title] if title else []
    for section in sections:
        if section.heading:
            parts.append(section.heading)
        parts.extend(section.paragraphs)
    if credit:
        parts.append(credit)
    return strip_control_chars("\n\n".join(parts))[0]


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


def _standfirst(sections: tuple[Section, ...]) -> str | None:
    """The summary: the intro paragraphs before the first sub-head.

    Without any sub-head there is no standfirst to tell apart, so the lead
    paragraph stands in for it.  Paragraphs are added while they fit in the
    limit; the first one is always there, cut if it must be.
    """
    paragraphs = [p for s in sections for p in s.paragraphs]
    if not paragraphs:
        return None
    has_heading = any(s.heading is not None for s in sections)
    intro = sections[0].paragraphs if sections and sections[0].heading is None else ()
    if not has_heading or not intro:
        return _truncate(paragraphs[0])
    summary = intro[0]
    for paragraph in intro[1:]:
        if len(summary) + 2 + len(paragraph) > SUMMARY_LIMIT:
            break
        summary += "\n\n" + paragraph
    return _truncate(summary)


def _notes_html(sections: tuple[Section, ...], credit: str | None) -> str:
    parts: list[str] = []
    for section in sections:
        if section.heading is not None:
            level = 2 if _is_highlights(section.heading) else 3
            parts.append(f"<h{level}>{html.escape(section.heading, quote=False)}</h{level}>")
        parts.extend(f"<p>{html.escape(p, quote=False)}</p>" for p in section.paragraphs)
    parts.append(_credit_html(credit))
    return _sanitize("\n".join(p for p in parts if p))


# --- Plain text ---------------------------------------------------------------------


def _parse_plain(raw: str, extra: Sequence[re.Pattern[str]]) -> TextInfo:
    credit: str | None = None
    removed: list[str] = []
    body: list[_Unit] = []
    # The tail can only begin once the story has: an end marker or a credit
    # above the first real paragraph is page furniture, not the end.
    story_started = False
    in_tail = False
    for unit in _units(_normalize_lines(raw), extra):
        if unit.role == "credit" and credit is None:
            # Footers often put the © line at the very bottom, below the
            # teasers: it is still the credit, even from the tail.
            credit = _clean_credit(unit.text)
            in_tail = in_tail or story_started
            continue
        if in_tail or unit.role != "body":
            removed.append(unit.text)
            if unit.role == "end" and story_started:
                in_tail = True
            continue
        body.append(unit)
        story_started = story_started or not _title_like(unit)

    title: str | None = None
    if body and _title_like(body[0]):
        # A one- or two-word line above a longer headline is the section
        # label ("Culture", "Music Interviews"), not the title.
        if len(body) > 1 and _title_like(body[1]) and len(body[0].text.split()) <= 2 < len(body[1].text.split()):
            removed.append(body.pop(0).text)
        title = body.pop(0).text

    sections = _sections(body, _find_headings(body))
    return TextInfo(
        title=title,
        summary=_standfirst(sections),
        sections=sections,
        credit=credit,
        notes_html=_notes_html(sections, credit),
        transcript=_transcript(title, sections, credit),
        removed=tuple(removed),
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
            role = _classify(plain, extra) if plain else "chrome"
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
                    summary = _truncate(plain)
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
        transcript=_transcript(title, sections, credit),
        removed=tuple(removed),
    )


def parse_text(raw: str, *, extra_patterns: Sequence[str] = (), markdown: bool = False) -> TextInfo:
    """Clean an interview text into a `TextInfo`.

    ``extra_patterns`` are the show's own chrome patterns (``clean_patterns``
    in podcast.toml), with the same rules as `DEFAULT_PATTERNS`; an invalid
    one raises ValueError.  ``markdown=True`` reads the text as CommonMark
    (raw HTML disabled): the first ``#`` heading is the title, the first
    paragraph the summary.
    """
    extra = compile_patterns(extra_patterns)
    if markdown:
        return _parse_markdown(raw, extra)
    return _parse_plain(raw, extra)
