"""One episode's text aligned to its audio: from the store when it has
it, else made (and stored). The aligner's numpy part is imported here
only when something has to be made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from feedtool.model import Alignment, TextInfo
from feedtool.problems import Problem, ProblemFound, error
from feedtool.sources.align import store
from feedtool.sources.align.units import units_of

__all__ = ["HINT", "align", "units_of", "voice_for"]

Progress = Callable[[int, int], None]
HINT = "install the aligner with: pip install 'feedtool[align]' (it also needs espeak-ng and ffmpeg)"


def voice_for(language: str) -> str:
    """The espeak-ng voice for the show's language ('en' → American English)."""
    primary = language.lower().split("-")[0]
    return "en-us" if primary == "en" else language.lower()


def align(root: Path, audio: Path, display: str, text: TextInfo, language: str,
          progress: Progress | None = None) -> tuple[Alignment | None, list[Problem]]:
    units = units_of(text)
    if not any(u.kind == "sentence" for u in units):
        return None, []
    voice = voice_for(language)
    try:
        name = store.key(audio, display, units, voice)
    except ProblemFound as exc:
        return None, [exc.problem]
    found = store.load(root, name, units)
    if found is not None:
        return found, []
    try:
        from feedtool.sources.align import matcher
    except ImportError as exc:
        return None, [error(display, "align", f"cannot align: {exc}; {HINT}", rule="ALIGN-TOOLS")]
    from feedtool.sources.align.features import ToolMissing

    try:
        timings, duration = matcher.align(audio, units, voice, progress)
    except ToolMissing as exc:
        return None, [error(display, "align", f"cannot align: {exc}", rule="ALIGN-TOOLS")]
    aligned = Alignment(tuple(
        store.timed(u, None if t is None else [t.start, t.end, t.confidence]) for u, t in zip(units, timings)
    ), round(duration, 3))
    store.save(root, name, aligned)
    return aligned, []
