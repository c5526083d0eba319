"""`feedtool episodes`: the show's episodes as the next build sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedtool.sources import episodes, schedule
from feedtool.config import load as config
from feedtool.model import Episode, Loudness
from feedtool.problems import FeedtoolError, Problem


@dataclass(frozen=True)
class Row:
    stem: str
    season: int | None
    number: int | None
    date: str  # ISO 8601
    title: str
    duration: float
    format: str
    size: int
    warnings: tuple[str, ...]
    status: str = "published"  # or "scheduled" (dated after the build's now) or "draft"
    loudness: Loudness | None = None  # measured when the show sets a target, or from a master
    master: str | None = None  # the master the audio was encoded from, relative to the show


    def as_dict(self) -> dict[str, Any]:
        return {
            "stem": self.stem, "season": self.season, "episode": self.number, "date": self.date,
            "title": self.title, "duration": round(self.duration, 3), "format": self.format,
            "size": self.size, "warnings": list(self.warnings), "status": self.status, "master": self.master,
            "loudness": None if self.loudness is None else {
                "integrated": self.loudness.integrated, "range": self.loudness.range,
                "true_peak": self.loudness.true_peak},
        }


def _belongs(problem: Problem, ep: Episode) -> bool:
    """Is PROBLEM about one of EP's files? (paths are 'episodes/STEM.ext' or 'episodes/STEM')."""
    prefix = f"{episodes.EPISODES_DIR}/{ep.stem}"
    path = problem.path
    return path == prefix or (path.startswith(prefix + ".") and "/" not in path[len(prefix):])


def rows(root: Path, now: dt.datetime | None = None) -> tuple[list[Row], list[Problem]]:
    """One row per episode that loads, oldest first (the order people number
    episodes in), and every problem found (each row also carries its own
    warnings; the others are episodes that do not load, stray files, the show's).

    The build's plan is made (in memory, nothing written) so that the rows
    carry every warning a build would print, the artwork rules included; if
    the show has errors, the episodes that load are listed with the errors.
    """
    from feedtool.engine import run as build

    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    eps: list[Episode]
    try:
        plan = build.plan(root, now=now)
        eps, problems = [*plan.episodes, *plan.held], list(plan.problems)
    except FeedtoolError as exc:
        loaded = episodes.load(show, now=now)
        eps, problems = [*loaded.episodes, *loaded.held], list(exc.problems)
    moment = schedule.build_now(now)
    out = []
    for ep in sorted(eps, key=lambda e: (e.date, e.stem)):
        mine = [p for p in problems if _belongs(p, ep) and not p.is_error]
        out.append(Row(
            stem=ep.stem, season=ep.season, number=ep.number, date=ep.date.isoformat(), title=ep.title,
            duration=ep.audio.duration, format=ep.audio.format, size=ep.audio.size,
            warnings=tuple(p.message if not p.field else f"{p.field}: {p.message}" for p in mine),
            status=schedule.held(ep, moment) or "published",
            loudness=ep.loudness, master=episodes.rel(show.root, ep.master) if ep.master else None,
        ))
    return out, problems
