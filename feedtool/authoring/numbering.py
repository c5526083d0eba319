"""Episode numbers that follow the dates (issue 15).

Apps sort and label an episodic show by itunes:episode; a number given in
the order the files were added (an older interview added last gets the
highest number) reads as a mistake to listeners. Within each season the
numbers go by date, the stem breaking a tie; `feedtool add` gives a new
episode the number after the one dated just before it, and `feedtool
renumber` puts an existing show in order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from feedtool.config.load import load_show
from feedtool.engine.write import write_file
from feedtool.model import Episode
from feedtool.problems import FeedtoolError, has_errors
from feedtool.sources.episodes import EPISODES_DIR, META_SUFFIX, load


def episodes_of(show_root: Path) -> list[Episode]:
    """The show's episodes as a build reads them; FeedtoolError on any error
    (numbers are not changed in a show that does not build)."""
    show, problems = load_show(show_root)
    if show is None:
        raise FeedtoolError(problems)
    loaded = load(show)
    if has_errors(loaded.problems):
        raise FeedtoolError(loaded.problems)
    return loaded.episodes


def number_after(episodes: Iterable[Episode], date: dt.datetime | dt.date | None, season: int | None) -> int:
    """The number for a new episode of SEASON dated DATE: one more than the
    highest number of the season's episodes dated before it (or on the same
    moment); the next free number when the date is not known."""
    moment = _aware(date) if date is not None else None
    numbers = [e.number for e in episodes
               if e.number is not None and e.season == season and (moment is None or e.date <= moment)]
    return max(numbers, default=0) + 1


def _aware(date: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(date, dt.datetime):
        date = dt.datetime.combine(date, dt.time())
    return date if date.tzinfo is not None else date.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Change:
    stem: str
    season: int | None
    old: int | None
    new: int

    def __str__(self) -> str:
        label = f"S{self.season}E" if self.season is not None else "#"
        old = "none" if self.old is None else f"{label}{self.old}"
        return f"{self.stem}: {old} → {label}{self.new}"


def plan(episodes: Sequence[Episode]) -> list[Change]:
    """The numbers each season's episodes should have, in date order, where
    they differ from today's. A season none of whose episodes has a number
    is left unnumbered (a show may choose not to number)."""
    seasons: dict[int | None, list[Episode]] = {}
    for e in episodes:
        seasons.setdefault(e.season, []).append(e)
    changes = []
    for season in sorted(seasons, key=lambda s: -1 if s is None else s):
        eps = sorted(seasons[season], key=lambda e: (e.date, e.stem))
        if all(e.number is None for e in eps):
            continue
        for n, e in enumerate(eps, 1):
            if e.number != n:
                changes.append(Change(e.stem, season, e.number, n))
    return changes


EPISODE_LINE = re.compile(r"^episode\s*=.*$", re.MULTILINE)


def toml_with_number(text: str, number: int) -> str:
    """TEXT (a STEM.toml) with `episode = NUMBER`, every other line as written:
    the top-level episode line replaced, or one added before the first table."""
    table = re.search(r"^[ \t]*\[", text, re.MULTILINE)
    head, tail = (text[:table.start()], text[table.start():]) if table else (text, "")
    line = f"episode = {number}"
    if EPISODE_LINE.search(head):
        head = EPISODE_LINE.sub(line, head, count=1)
    else:
        head = (head if not head or head.endswith("\n") else head + "\n") + line + "\n"
        if tail:
            head += "\n"
    return head + tail


def apply(show_root: Path, changes: Iterable[Change]) -> list[Path]:
    """Write each change into its STEM.toml (made when the number came from
    the audio's track tag); the audio is not touched (`feedtool tag` does that)."""
    written = []
    for c in changes:
        path = show_root / EPISODES_DIR / (c.stem + META_SUFFIX)
        text = path.read_text("utf-8") if path.is_file() else ""
        write_file(path, toml_with_number(text, c.new).encode("utf-8"))
        written.append(path)
    return written
