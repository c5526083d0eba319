"""Episode chapters: read a Podcasting 2.0 JSON chapters file, check any
chapter list against the audio, and write the JSON chapters file.

The format is the namespace's JSON chapters, version 1.2
(https://github.com/Podcastindex-org/podcast-namespace,
docs/examples/chapters/jsonChapters.md): an object with a "version" string
and a "chapters" array whose items need a "startTime" in seconds and may
have "title", "img", "url", "endTime", "toc" and "location".
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feedtool import safe_files
from feedtool.config import podcast20 as p20keys
from feedtool.model import Chapter, Episode, Show
from feedtool.standards import npt
from feedtool.problems import Problem, ProblemFound, error

SUFFIX = ".chapters.json"
VERSION = "1.2.0"
# mutagen estimates some durations (VBR MP3 without a Xing header) from the
# bitrate; allow this much past the measured end before calling it wrong.
DURATION_SLACK = 1.0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_json_chapters(path: Path, display: str) -> tuple[Chapter, ...]:
    """STEM.chapters.json → chapters; raise ProblemFound on the first defect,
    naming the file, the chapter and the field."""
    try:
        data = json.loads(safe_files.read_bytes(path, display).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProblemFound(error(display, None, "is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:
        raise ProblemFound(error(display, None, f"is not valid JSON: {exc.msg}", line=exc.lineno)) from None
    if not isinstance(data, dict):
        raise ProblemFound(error(display, None, "expected a JSON object with \"version\" and \"chapters\" "
                                 "(Podcasting 2.0 JSON chapters)"))
    if not isinstance(data.get("version"), str) or not data["version"].strip():
        raise ProblemFound(error(display, "version", "is required: a string such as \"1.2.0\""))
    items = data.get("chapters")
    if not isinstance(items, list):
        raise ProblemFound(error(display, "chapters", "is required: a list of chapters"))
    out: list[Chapter] = []
    for i, item in enumerate(items, start=1):
        where = f"chapters[{i}]"
        if not isinstance(item, dict):
            raise ProblemFound(error(display, where, "expected an object with startTime and title"))
        start = item.get("startTime")
        if not isinstance(start, (int, float)) or not _number(start) or start < 0:
            raise ProblemFound(error(display, f"{where}.startTime",
                                     f"expected a number of seconds, 0 or more, got {json.dumps(start)}"))
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            # P20 makes title optional, but psc:chapters and every app's
            # chapter list need one.
            raise ProblemFound(error(display, f"{where}.title", "is required: a non-empty string"))
        end = item.get("endTime")
        if end is not None and (not isinstance(end, (int, float)) or not _number(end) or end <= start):
            raise ProblemFound(error(display, f"{where}.endTime",
                                     f"expected a number of seconds after startTime, got {json.dumps(end)}"))
        links: dict[str, str | None] = {}
        for key in ("url", "img"):
            raw = item.get(key)
            if raw is None:
                links[key] = None
                continue
            try:
                links[key] = p20keys.https_url(raw)
            except ValueError as exc:
                raise ProblemFound(error(display, f"{where}.{key}", str(exc))) from None
        out.append(Chapter(float(start), title.strip(), None if end is None else float(end),
                           links["url"], links["img"]))
    return tuple(out)


def check(chapters: Sequence[Chapter], duration: float, display: str, field: str | None,
          hint: str = "") -> list[Problem]:
    """Chapters start at 0, ascend, and lie within the audio (P20
    jsonChapters.md: "in ascending order"; a first chapter after 0 leaves the
    opening without a chapter in every app's list)."""
    problems: list[Problem] = []

    def add(message: str) -> None:
        problems.append(error(display, field, message + hint))

    if not chapters:
        return problems
    if chapters[0].start != 0:
        add(f"chapter 1 starts at {npt(chapters[0].start)}; the first chapter must start at 00:00:00.000")
    for n, (before, ch) in enumerate(itertools.pairwise(chapters), start=2):
        if ch.start <= before.start:
            add(f"chapter {n} starts at {npt(ch.start)}, not after chapter {n - 1} ({npt(before.start)}); "
                "chapters must be in ascending order")
    for n, ch in enumerate(chapters, start=1):
        if ch.start >= duration:
            add(f"chapter {n} starts at {npt(ch.start)}, after the end of the audio ({npt(duration)})")
        elif ch.end is not None and ch.end > duration + DURATION_SLACK:
            add(f"chapter {n} ends at {npt(ch.end)}, after the end of the audio ({npt(duration)})")
    return problems


def to_json(show: Show, ep: Episode) -> bytes:
    """The episode's chapters as P20 JSON chapters 1.2.0, byte-stable."""
    items = []
    for ch in ep.chapters:
        entry: dict[str, Any] = {"startTime": float(round(ch.start, 3)), "title": ch.title}
        if ch.end is not None:
            entry["endTime"] = float(round(ch.end, 3))
        if ch.url:
            entry["url"] = ch.url
        if ch.image:
            entry["img"] = ch.image
        items.append(entry)
    data = {"version": VERSION, "title": ep.title, "podcastName": show.title, "chapters": items}
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
