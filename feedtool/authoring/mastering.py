"""`feedtool master`: encode masters ahead of a build, or again on demand.

The encodes go where the build looks for them (.feedtool-cache/masters/,
sources/masters.py): the next build finds them and only copies. A master
is only ever read; public/ changes only through a build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from feedtool.authoring.tagging import UNKNOWN_STEM
from feedtool.config import load as config
from feedtool.model import Loudness
from feedtool.problems import FeedtoolError, Problem, ProblemFound, error
from feedtool.sources import episodes, masters


@dataclass(frozen=True)
class Mastered:
    stem: str
    master: str  # relative to the show
    output: Path  # the tagged encode in the cache
    format: str
    kbps: int | None
    loudness: Loudness
    encoded: bool  # False: it was in the cache already


def run(root: Path, stems: Sequence[str] | None, *, force: bool = False,
        progress: Callable[[int, int, str], None] | None = None) -> tuple[list[Mastered], list[Problem]]:
    """Encode the masters of the episodes named by STEMS (None: all), again
    with FORCE even when the cache holds them. Raises FeedtoolError if the
    show has errors, a named episode is unknown or has no master; a master
    that fails to encode is reported and the others still are encoded."""
    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    loaded = episodes.load(show, deliver=False)
    problems += loaded.problems
    by_stem = {e.stem: e for e in loaded.episodes}
    chosen = []
    for stem in stems if stems is not None else sorted(by_stem):
        ep = by_stem.get(stem)
        if ep is None:
            if not any(p.is_error for p in problems):
                problems.append(error(f"{episodes.EPISODES_DIR}/{stem}", None,
                                      f"no episode has this stem (known: {', '.join(sorted(by_stem)) or 'none'})",
                                      rule=UNKNOWN_STEM))
        elif masters.is_master(show.mastering, ep.audio.path):
            chosen.append(ep)
        elif stems is not None:
            problems.append(error(episodes.rel(show.root, ep.audio.path), None,
                                  "is published as it is, not encoded from a master (a WAV, AIFF or FLAC file"
                                  + (")" if show.mastering.audio_format != "flac" else
                                     "; FLAC is published as it is: audio_format = \"flac\")")))
    if any(p.is_error for p in problems):
        raise FeedtoolError(problems)
    done: list[Mastered] = []
    for ep in chosen:
        display = episodes.rel(show.root, ep.audio.path)
        try:
            _, channels = masters.read(ep.audio.path, display)
            encoded = masters.encode(show, ep.audio.path, display, ep.audio, channels, progress, force=force)
            output = masters.tagged(show, ep, encoded)
        except ProblemFound as exc:
            problems.append(exc.problem)
            continue
        except OSError as exc:
            problems.append(error(display, None, f"could not write its encoded copy: {exc.strerror or exc}"))
            continue
        fmt = show.mastering.audio_format
        kbps = masters.bitrate(show.mastering, channels) if masters.FORMATS[fmt].lossy else None
        done.append(Mastered(ep.stem, display, output, fmt, kbps, encoded.loudness, encoded.encoded))
    return done, problems
