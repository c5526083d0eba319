"""Transcripts: the interview text as an HTML page, and timed transcripts
(WebVTT, SRT) read, checked against the audio and written in both formats.

The two timed formats are small enough that a strict reader here gives
better messages (file and line of each bad cue) than a general library:
WebVTT as in https://www.w3.org/TR/webvtt1/ (signature, blocks separated by
blank lines, NOTE/STYLE/REGION blocks, optional cue identifiers,
[hh:]mm:ss.ttt timestamps), SRT as numbered blocks with hh:mm:ss,ttt times.
podcast-namespace docs/examples/transcripts/transcripts.md is the P20 guide.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from pathlib import Path

import jinja2

from feedtool import safe_files
from feedtool.sources.chapters import DURATION_SLACK
from feedtool.model import Captions, Cue, Episode, Show
from feedtool.standards import npt
from feedtool.problems import Problem, ProblemFound, error

SUFFIXES = {".vtt": "vtt", ".srt": "srt"}
TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip", "html": "text/html", "txt": "text/plain"}

_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_SRT_TIME = r"(\d{1,}):([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s+-->\s+{_SRT_TIME}(?:\s+.*)?$")
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_SRT_STYLE = re.compile(r"</?([ibu])>", re.IGNORECASE)


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def blank_line_blocks(text: str, first_line: int = 1) -> list[tuple[int, list[str]]]:
    """Split on blank lines: (line number of the block's first line, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first_line
    for n, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse_vtt(text: str, display: str) -> tuple[Cue, ...]:
    lines = text.split("\n")
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise ProblemFound(error(display, None, "does not start with 'WEBVTT', the signature of a WebVTT file",
                                 line=1))
    # The header runs to the first blank line.
    body_from = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    cues: list[Cue] = []
    for start, block in blank_line_blocks("\n".join(lines[body_from:]), body_from + 1):
        if re.match(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)", block[0]):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise ProblemFound(error(display, None, "expected a cue timing line such as "
                                     "'00:00:01.000 --> 00:00:04.000'", line=start + timing_at))
        match = _VTT_TIMING.match(block[timing_at].strip())
        if match is None:
            raise ProblemFound(error(display, None, f"cannot read the cue timing {block[timing_at].strip()!r}; "
                                     "expected '[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt'", line=start + timing_at))
        g = match.groups()
        cues.append(Cue(_seconds(*g[:4]), _seconds(*g[4:]), "\n".join(block[timing_at + 1:]),
                        start + timing_at))
    return tuple(cues)


def parse_srt(text: str, display: str) -> tuple[Cue, ...]:
    cues: list[Cue] = []
    for start, block in blank_line_blocks(text):
        if not block[0].strip().isdigit():
            raise ProblemFound(error(display, None, f"expected a cue number, got {block[0].strip()!r}",
                                     line=start))
        match = _SRT_TIMING.match(block[1]) if len(block) > 1 else None
        if match is None:
            raise ProblemFound(error(display, None, "expected a cue timing line such as "
                                     "'00:00:01,000 --> 00:00:04,000'", line=start + 1))
        g = match.groups()
        cues.append(Cue(_seconds(*g[:4]), _seconds(*g[4:]), "\n".join(block[2:]), start + 1))
    return tuple(cues)


def check(cues: Sequence[Cue], duration: float, display: str) -> list[Problem]:
    """Every cue ends after it starts, cues are in order of start time
    (WebVTT requires it; SRT players assume it), and all lie in the audio."""
    problems: list[Problem] = []
    if not cues:
        problems.append(error(display, None, "has no cues"))
    for n, cue in enumerate(cues, start=1):
        if cue.end <= cue.start:
            problems.append(error(display, None, f"cue {n} ends at {npt(cue.end)}, not after its start "
                                  f"{npt(cue.start)}", line=cue.line))
        if n > 1 and cue.start < cues[n - 2].start:
            problems.append(error(display, None, f"cue {n} starts at {npt(cue.start)}, before cue {n - 1} "
                                  f"({npt(cues[n - 2].start)}); cues must be in order", line=cue.line))
        if cue.end > duration + DURATION_SLACK:
            problems.append(error(display, None, f"cue {n} ends at {npt(cue.end)}, after the end of the audio "
                                  f"({npt(duration)})", line=cue.line))
    return problems


def read_captions(path: Path, display: str, duration: float) -> tuple[Captions | None, list[Problem]]:
    fmt = SUFFIXES[path.suffix.lower()]
    try:
        raw = safe_files.read_bytes(path, display)
    except ProblemFound as exc:
        return None, [exc.problem]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [error(display, None, "is not UTF-8 text (WebVTT and SRT files must be UTF-8)",
                            line=raw[: exc.start].count(b"\n") + 1)]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        cues = parse_vtt(text, display) if fmt == "vtt" else parse_srt(text, display)
    except ProblemFound as exc:
        return None, [exc.problem]
    problems = check(cues, duration, display)
    if problems:
        return None, problems
    return Captions(path, fmt, cues), []  # type: ignore[arg-type]


# --- writing ---------------------------------------------------------------------


def _vtt_text(cue: Cue, source: str) -> str:
    if source == "vtt":
        return cue.text
    # SRT → WebVTT: keep <i>, <b>, <u> (both formats have them), drop other
    # tags such as <font>, and escape &, < and > (so no "-->" either), which
    # WebVTT cue text may not hold raw.
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(cue.text):
        out.append(html.escape(html.unescape(cue.text[pos:m.start()]), quote=False))
        if _SRT_STYLE.fullmatch(m.group(0)):
            out.append(m.group(0).lower())
        pos = m.end()
    out.append(html.escape(html.unescape(cue.text[pos:]), quote=False))
    return "".join(out)


def _srt_text(cue: Cue, source: str) -> str:
    if source == "srt":
        return cue.text
    # WebVTT → SRT: a voice span becomes a "Name: " prefix (SRT has no
    # speakers), other tags go, and character references are decoded.
    voiced = _VOICE.sub(lambda m: f"{m.group(1).strip()}: ", cue.text)
    return html.unescape(_TAG.sub("", voiced))


def to_vtt(captions: Captions) -> bytes:
    parts = ["WEBVTT", ""]
    for cue in captions.cues:
        parts += [f"{npt(cue.start)} --> {npt(cue.end)}", _vtt_text(cue, captions.format), ""]
    return "\n".join(parts).encode("utf-8")


def to_srt(captions: Captions) -> bytes:
    parts: list[str] = []
    for n, cue in enumerate(captions.cues, start=1):
        parts += [str(n), f"{npt(cue.start).replace('.', ',')} --> {npt(cue.end).replace('.', ',')}",
                  _srt_text(cue, captions.format), ""]
    return "\n".join(parts).encode("utf-8")


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("feedtool", "templates"),
        autoescape=True,  # every value is the user's text: never trust it as markup
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def html_template() -> jinja2.Template:
    """The transcript page's template, compiled once a process: called when
    the pages are planned, so that the forked copies that make them share
    it instead of each compiling it again (write._stage_forked)."""
    return _env().get_template("transcript.html.j2")


def to_html(show: Show, ep: Episode) -> bytes:
    """The interview text as a small standalone HTML5 page."""
    assert ep.text is not None
    page = html_template().render(show=show, episode=ep, text=ep.text.loaded())
    return page.encode("utf-8")
