"""Each unit of the text placed in the episode's audio, or left out.

Every unit (a sentence, a sub-head) is looked for in the whole episode
(dtw.search gives its few best placements). A placement's cost is judged
against what the same unit costs anywhere else in the episode (the median):
a unit that is spoken fits far better in one place than elsewhere; a
sentence the audio lacks fits nowhere much better than anywhere. A chain in
the text's order then picks at most one placement per unit so that the
chosen ones follow each other in time and fit best together; a unit off the
chain is kept only when its fit is so clear that the audio must have it
elsewhere (a highlight moved up in the text). Last, a unit still unplaced
between two placed neighbours is looked for again in the stretch of audio
between them only, where a looser fit is enough (GAP_ACCEPT): its
neighbours vouch for the place. Whatever is not kept is reported as not
found and left untimed: never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from feedtool.sources.align import dtw, features
from feedtool.sources.align.features import Array
from feedtool.sources.align.units import Unit

# A placement's cost as a share of the unit's median cost: above ACCEPT it
# is no match; below STRONG it is kept even against the text's order.
# Measured on synthesised interviews (tests/test_align.py): spoken units fit
# at 0.35-0.6, units the audio lacks at 0.75 and up.
ACCEPT = 0.8
STRONG = 0.55
GAP_ACCEPT = 0.9
# How far a unit may start before the one it follows ends (seconds).
OVERLAP = 0.3


@dataclass(frozen=True)
class Timing:
    start: float
    end: float
    confidence: float  # 0..1


Progress = Callable[[int, int], None]


def confidence(ratio: float) -> float:
    """1 for a clear fit, falling to 0 at ACCEPT."""
    return float(min(1.0, max(0.0, (GAP_ACCEPT - ratio) / (GAP_ACCEPT - 0.5))))


def align(audio: Path, units: Sequence[Unit], voice: str, progress: Progress | None = None
          ) -> tuple[tuple[Timing | None, ...], float]:
    """(a Timing or None for each unit, the audio's duration in seconds)."""
    samples = features.decode(audio)
    duration = len(samples) / features.RATE
    episode, _ = features.mfcc(samples, features.RATE, denoise=True)
    del samples
    spoken: list[Array] = []
    typical: list[float] = []
    options: list[list[tuple[float, float, float]]] = []  # per unit: (start, end, ratio)
    for n, unit in enumerate(units):
        voice_samples, rate = features.speak(unit.text, voice)
        feats, energy = features.mfcc(voice_samples, rate)
        spoken.append(features.voiced(feats, energy))
        found, usual = dtw.search(spoken[-1], episode)
        typical.append(usual)
        options.append([(p.start * features.HOP, (p.end + 1) * features.HOP, p.cost / usual)
                        for p in found if usual > 0])
        if progress is not None:
            progress(n + 1, len(units))
    chosen = _chain(options)
    placed: list[tuple[float, float, float] | None] = [None] * len(units)
    for u, c in chosen.items():
        placed[u] = options[u][c]
    taken = sorted((p[0], p[1]) for p in placed if p is not None)
    for u, opts in enumerate(options):
        if placed[u] is None and units[u].kind == "sentence" and opts and opts[0][2] < STRONG \
                and not _overlaps(opts[0][0], opts[0][1], taken):
            placed[u] = opts[0]
    _fill_gaps(placed, spoken, typical, episode, duration, [u.kind == "sentence" for u in units])
    timings = tuple(None if p is None else Timing(round(p[0], 3), round(min(p[1], duration), 3),
                                                  round(confidence(p[2]), 3)) for p in placed)
    return timings, duration


def _fill_gaps(placed: list[tuple[float, float, float] | None], spoken: Sequence[Array],
               typical: Sequence[float], episode: Array, duration: float, sentences: Sequence[bool]) -> None:
    """Look again for each unplaced sentence between its placed neighbours.
    Not for a sub-head: a few words fit some stretch of any short gap, and
    sub-heads are mostly the editor's, never spoken."""
    for u in range(len(placed)):
        if placed[u] is not None or typical[u] <= 0 or not sentences[u]:
            continue
        before = next((placed[k] for k in range(u - 1, -1, -1) if placed[k] is not None), None)
        after = next((placed[k] for k in range(u + 1, len(placed)) if placed[k] is not None), None)
        lo = max(0.0, before[1] - OVERLAP) if before else 0.0
        hi = min(duration, after[0] + OVERLAP) if after else duration
        first, last = int(lo / features.HOP), int(hi / features.HOP)
        # The stretch must hold the unit spoken at up to twice the synthesizer's speed.
        if last - first < len(spoken[u]) // 2 or (before is None and after is None):
            continue
        found, _ = dtw.search(spoken[u], episode[first:last], candidates=1)
        if found and found[0].cost / typical[u] < GAP_ACCEPT:
            p = found[0]
            placed[u] = ((first + p.start) * features.HOP, (first + p.end + 1) * features.HOP,
                         p.cost / typical[u])


def _overlaps(start: float, end: float, spans: Sequence[tuple[float, float]]) -> bool:
    return any(s < end - OVERLAP and start < e - OVERLAP for s, e in spans)


def _chain(options: Sequence[Sequence[tuple[float, float, float]]]) -> dict[int, int]:
    """unit → the index of its chosen placement: the chain, in the text's
    order and ascending in time, of the greatest total fit (ACCEPT - ratio)."""
    items = [(u, c, s, e, ACCEPT - r) for u, opts in enumerate(options) for c, (s, e, r) in enumerate(opts)
             if r < ACCEPT]
    if not items:
        return {}
    unit = np.array([i[0] for i in items])
    ends = np.array([i[3] for i in items])
    total = np.zeros(len(items))
    back = np.full(len(items), -1)
    for k, (u, _c, s, _e, gain) in enumerate(items):
        earlier = np.flatnonzero((unit[:k] < u) & (ends[:k] <= s + OVERLAP))
        if len(earlier):
            j = earlier[np.argmax(total[earlier])]
            if total[j] > 0:
                total[k], back[k] = total[j] + gain, j
                continue
        total[k] = gain
    k = int(np.argmax(total))
    out: dict[int, int] = {}
    while k >= 0:
        out[items[k][0]] = items[k][1]
        k = int(back[k])
    return out
