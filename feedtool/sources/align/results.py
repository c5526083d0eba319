"""What an alignment gives the episode: chapters from the text's sub-heads,
a timed transcript (cues), each paragraph's time and confidence, and a
warning for every paragraph the audio was not found to hold. Plain Python:
a build that reads an alignment from the store never loads numpy."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from feedtool.model import Alignment, Chapter, Cue, TextInfo, Timed, load
from feedtool.problems import Problem, warning

# The title of a chapter for the text before its first sub-head.
OPENING = "Introduction"
# A sub-head spoken this long before its first paragraph still starts the
# chapter (a host reading out "On filming the interactions..."); further
# off, it is a match elsewhere and the paragraph decides.
HEADING_LEAD = 6.0


@dataclass(frozen=True)
class Paragraph:
    section: int
    paragraph: int
    text: str
    start: float | None
    end: float | None
    confidence: float  # the share of its sentences found, times their mean confidence


@dataclass(frozen=True)
class Found:
    """A chapter as found: its start and how sure the aligner is of it."""

    chapter: Chapter
    confidence: float
    by: str  # "heading" or "paragraph": which unit gave the start


def paragraphs(text: TextInfo, alignment: Alignment) -> list[Paragraph]:
    out: list[Paragraph] = []
    for s, section in enumerate(load(text.sections)):
        for p, body in enumerate(section.paragraphs):
            mine = [u for u in alignment.units if u.kind == "sentence" and u.section == s and u.paragraph == p]
            timed = [u for u in mine if u.start is not None]
            conf = sum(u.confidence for u in timed) / len(mine) if mine else 0.0
            out.append(Paragraph(s, p, body, timed[0].start if timed else None,
                                 max(u.end or 0.0 for u in timed) if timed else None, round(conf, 3)))
    return out


def chapters(text: TextInfo, alignment: Alignment) -> list[Found]:
    """A chapter for each section with paragraphs, where it is first
    spoken, in the audio's order; the first starts at 0 (every app shows the
    opening as part of the first chapter). None when the text has no
    sub-head: a single chapter is no chapter list."""
    sections = load(text.sections)
    if not any(section.heading and section.paragraphs for section in sections):
        return []
    found: list[Found] = []
    paras = paragraphs(text, alignment)
    for s, section in enumerate(sections):
        if not section.paragraphs:
            continue  # "Interview Highlights": a sub-head over other sub-heads
        first = next((p for p in paras if p.section == s and p.start is not None), None)
        if first is None or first.start is None:
            continue
        start, conf, by = first.start, first.confidence, "paragraph"
        head = next((u for u in alignment.units if u.kind == "heading" and u.section == s), None)
        if head is not None and head.start is not None and 0 <= first.start - head.start <= HEADING_LEAD:
            start, conf, by = head.start, head.confidence, "heading"
        title = section.heading or OPENING
        found.append(Found(Chapter(start, title), conf, by))
    found.sort(key=lambda f: f.chapter.start)
    out: list[Found] = []
    for f in found:
        if out and f.chapter.start - out[-1].chapter.start < 1.0:
            continue  # two sections found at one place: the first one keeps it
        out.append(f)
    if out and out[0].chapter.start > 0:
        opening = out[0]
        out[0] = Found(Chapter(0.0, opening.chapter.title), opening.confidence, opening.by)
    return out


def cues(alignment: Alignment) -> tuple[Cue, ...]:
    """A WebVTT cue for each sentence found, in time order, each ending
    before the next starts. The text is escaped for WebVTT; a speaker's
    turn is a voice span (<v Name>), which SRT shows as "Name: "."""
    timed = sorted((u for u in alignment.units if u.kind == "sentence" and u.start is not None),
                   key=lambda u: (u.start or 0.0))
    out: list[Cue] = []
    for n, unit in enumerate(timed):
        assert unit.start is not None and unit.end is not None
        end = min(unit.end, alignment.duration)
        if n + 1 < len(timed):
            end = min(end, timed[n + 1].start or end)
        if end <= unit.start:
            continue
        body = html.escape(unit.text, quote=False)
        if unit.speaker:
            body = f"<v {html.escape(unit.speaker, quote=False)}>{body}"
        out.append(Cue(unit.start, end, body, len(out) + 1))
    return tuple(out)


def _quote(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def problems(text: TextInfo, alignment: Alignment, display: str) -> list[Problem]:
    """A warning for each paragraph not found in the audio: left untimed."""
    out: list[Problem] = []
    sections = load(text.sections)
    for p in paragraphs(text, alignment):
        if p.start is None:
            heading = sections[p.section].heading
            where = f"under {heading!r}" if heading else "before the first sub-head"
            out.append(warning(display, None, f"paragraph {p.paragraph + 1} {where} (\"{_quote(p.text)}\") was "
                               "not found in the audio; it is left untimed (edited out of the recording, or "
                               "spoken too differently to match)", rule="ALIGN-UNFOUND"))
    return out


def summary(units: Sequence[Timed]) -> tuple[int, int]:
    """(sentences found, sentences)."""
    sentences = [u for u in units if u.kind == "sentence"]
    return sum(u.start is not None for u in sentences), len(sentences)
