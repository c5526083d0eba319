"""The interview text as the aligner sees it: units in reading order.

A unit is what is looked for in the audio: the headline, a sub-head, or
one or more sentences of a paragraph. Very short sentences ("Jonze says.")
join the next sentence of their paragraph: half a second of speech matches
too many places to be found on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from feedtool.model import TextInfo, load

Kind = Literal["title", "heading", "sentence"]
# A sentence ends at . ! ? (or …), maybe followed by a closing quote or
# bracket, before whitespace and a capital, a digit or an opening quote.
_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
# Fewer words than this make a unit too short to be found alone.
MIN_WORDS = 5
# Speaker turns ("AUDIE CORNISH: ...") are cues of their own, and the name is not spoken.
_SPEAKER = re.compile(r"^([A-Z][A-Za-z.'\- ]{0,40}):\s+")


@dataclass(frozen=True)
class Unit:
    kind: Kind
    text: str  # what is spoken, as written
    section: int  # index into TextInfo.sections (-1 for the title)
    paragraph: int  # index into the section's paragraphs (-1 for a title or heading)
    speaker: str | None = None


def sentences(paragraph: str) -> list[str]:
    """PARAGRAPH split into sentences, short ones joined to the next."""
    parts: list[str] = []
    pos = 0
    for m in _END.finditer(paragraph):
        end = m.start() + len(m.group(0).rstrip())
        parts.append(paragraph[pos:end].strip())
        pos = m.end()
    parts.append(paragraph[pos:].strip())
    parts = [p for p in parts if p]
    out: list[str] = []
    carry = ""
    for part in parts:
        joined = f"{carry} {part}" if carry else part
        if len(joined.split()) < MIN_WORDS:
            carry = joined
        else:
            out.append(joined)
            carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def units_of(text: TextInfo) -> list[Unit]:
    found: list[Unit] = []
    if text.title:
        found.append(Unit("title", text.title, -1, -1))
    for s, section in enumerate(load(text.sections)):
        if section.heading:
            found.append(Unit("heading", section.heading, s, -1))
        for p, paragraph in enumerate(section.paragraphs):
            speaker = None
            m = _SPEAKER.match(paragraph)
            if m and text.is_transcript:
                speaker, paragraph = m.group(1).strip(), paragraph[m.end():]
            for sentence in sentences(paragraph):
                found.append(Unit("sentence", sentence, s, p, speaker))
    return found
