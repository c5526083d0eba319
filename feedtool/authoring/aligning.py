"""`feedtool align`: align episodes' interview texts to their audio and say
what was found — each chapter's start and confidence, each paragraph not
found — whether or not the show publishes it (align = true). The results go
to the aligner's store (.feedtool-cache/align/), where the next build finds
them instead of aligning again."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedtool.authoring.tagging import UNKNOWN_STEM
from feedtool.config import load as config
from feedtool.model import Show
from feedtool.problems import FeedtoolError, Problem, error
from feedtool.sources import episodes
from feedtool.sources.align import episode as aligner
from feedtool.sources.align import results, store


@dataclass
class Report:
    stem: str
    text: str  # the text's path, as shown
    duration: float
    seconds: float  # wall-clock time the alignment took
    from_store: bool  # found in .feedtool-cache/align/, not made now
    chapters: list[results.Found] = field(default_factory=list)
    paragraphs: list[results.Paragraph] = field(default_factory=list)
    sentences: tuple[int, int] = (0, 0)  # found, in the text
    publishes: bool = False  # align = true for this episode

    def as_dict(self) -> dict[str, Any]:
        return {
            "stem": self.stem, "text": self.text, "duration": round(self.duration, 3),
            "seconds": round(self.seconds, 3), "from_store": self.from_store, "publishes": self.publishes,
            "sentences_found": self.sentences[0], "sentences": self.sentences[1],
            "chapters": [{"start": f.chapter.start, "title": f.chapter.title, "confidence": f.confidence,
                          "by": f.by} for f in self.chapters],
            "paragraphs": [{"section": p.section + 1, "paragraph": p.paragraph + 1, "start": p.start,
                            "end": p.end, "confidence": p.confidence} for p in self.paragraphs],
        }


Progress = Callable[[int, int, str], None]


def run(root: Path, stems: Sequence[str] | None, force: bool = False,
        progress: Progress | None = None) -> tuple[list[Report], list[Problem]]:
    """Align the episodes named by STEMS (None: every episode with a text).
    Raises FeedtoolError when the show cannot be read or a stem is unknown."""
    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    groups, found = episodes.discover(show.root, show.files)
    problems += [p for p in found if p.is_error]
    by_stem = {g.stem: g for g in groups}
    if stems is not None:
        missing = [s for s in stems if s not in by_stem]
        if missing:
            raise FeedtoolError([error(f"{episodes.EPISODES_DIR}/{s}", None, "no episode has this stem (known: "
                                       f"{', '.join(sorted(by_stem)) or 'none'})", rule=UNKNOWN_STEM)
                                 for s in missing])
        groups = [by_stem[s] for s in stems]
    groups = [g for g in groups if g.text and g.audio]
    reports: list[Report] = []
    for group in groups:
        report, found = _one(show, group, force, _per_unit(progress, group.stem))
        problems += found
        if report is not None:
            reports.append(report)
    return reports, problems


def _per_unit(progress: Progress | None, stem: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    report = progress

    def update(done: int, total: int) -> None:
        report(done, total, stem)

    return update


def _one(show: Show, group: episodes.Group, force: bool,
         progress: Callable[[int, int], None] | None) -> tuple[Report | None, list[Problem]]:
    publishes = _publishes(show, group)
    ep, problems = episodes.read_group(show, group, align=False)  # aligned below, and timed (scheduled ones too)
    if ep is None or ep.text is None or ep.text_path is None:
        return None, problems
    problems = []  # the build reports the rest; what alignment finds is reported below
    display = episodes.rel(show.root, ep.text_path)
    audio = episodes.rel(show.root, ep.audio.path)
    name = store.key(ep.audio.path, audio, aligner.units_of(ep.text), aligner.voice_for(show.language))
    entries = [show.root / folder / f"{name}.json" for folder in (store.SHOW_FOLDER, store.FOLDER)]
    if force:
        for entry in entries:
            entry.unlink(missing_ok=True)
    from_store = any(entry.is_file() for entry in entries)
    began = time.perf_counter()
    alignment, found = aligner.align(show.root, ep.audio.path, audio, ep.text, show.language, progress)
    seconds = time.perf_counter() - began
    problems += [p for p in found if p not in problems]
    if alignment is None:
        return None, problems
    # Into the show's alignments/, to be committed: its builds (CI's too) need no aligner then.
    store.save(show.root, name, alignment, store.SHOW_FOLDER)
    problems += results.problems(ep.text, alignment, display)
    return Report(ep.stem, display, alignment.duration, seconds, from_store,
                  results.chapters(ep.text, alignment), results.paragraphs(ep.text, alignment),
                  results.summary(alignment.units), publishes), problems


def _publishes(show: Show, group: episodes.Group) -> bool:
    """Whether the build publishes this episode's alignment (align = true)."""
    if group.meta is not None:
        meta, _ = config.load_episode_meta(group.meta, group.meta.name, show.files)
        if "align" in meta:
            return bool(meta["align"])
    return show.align
