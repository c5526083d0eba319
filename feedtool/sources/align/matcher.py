"""Each unit of the text placed in the episode's audio, or left out.

Every sentence is looked for in the whole episode (dtw.search gives its few
best placements). A placement's cost is judged against what the same unit
costs anywhere else in the episode (the median): a sentence that is spoken
fits far better in one place than elsewhere; one the audio lacks fits
nowhere much better than anywhere. A chain in the text's order then picks
at most one placement per sentence so that the chosen ones follow each
other in time and fit best together; a sentence off the chain is kept only
when its fit is so clear that the audio must have it elsewhere (a highlight
moved up in the text). Sentences still unplaced between two placed
neighbours are looked for again in the stretch between them only, a run of
them together first, where a looser fit is enough (GAP_ACCEPT): the
neighbours vouch for the place. Last, a headline or sub-head is looked for
only in the stretch before its own first sentence (most are the editor's
and never spoken; a few words would fit somewhere in any episode).
Whatever is not kept is reported as not found and left untimed: never a
guess.
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
# A headline or sub-head is a few words, mostly the editor's and never
# spoken: it is looked for only in the stretch before its first sentence,
# which must hold it spoken at most a quarter faster than the synthesizer,
# and it must fit better than a sentence there.
HEADING_ACCEPT = 0.75
HEADING_ROOM = 0.8
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
    sentences = [u.kind == "sentence" for u in units]
    chosen = _chain([opts if sentences[u] else [] for u, opts in enumerate(options)])
    placed: list[tuple[float, float, float] | None] = [None] * len(units)
    for u, c in chosen.items():
        placed[u] = options[u][c]
    taken = sorted((p[0], p[1]) for p in placed if p is not None)
    for u, opts in enumerate(options):
        if placed[u] is None and units[u].kind == "sentence" and opts and opts[0][2] < STRONG \
                and not _overlaps(opts[0][0], opts[0][1], taken):
            placed[u] = opts[0]
    _fill_gaps(placed, spoken, typical, episode, duration, sentences)
    _place_headings(placed, spoken, typical, episode, duration, sentences)
    timings = tuple(None if p is None else Timing(round(p[0], 3), round(min(p[1], duration), 3),
                                                  round(confidence(p[2]), 3)) for p in placed)
    return timings, duration


def _fill_gaps(placed: list[tuple[float, float, float] | None], spoken: Sequence[Array],
               typical: Sequence[float], episode: Array, duration: float, sentences: Sequence[bool]) -> None:
    """Look again for unplaced sentences between their placed neighbours:
    a run of them together first (a short sentence is found more surely
    with the next one than alone: "I had no plan at all."), then each on
    its own. Not for a sub-head: a few words fit part of any pause, and
    sub-heads are mostly the editor's, never spoken."""

    def open_(k: int) -> bool:
        return placed[k] is None and sentences[k] and typical[k] > 0

    u = 0
    while u < len(placed):
        if not open_(u):
            u += 1
            continue
        run = [u]
        while run[-1] + 1 < len(placed) and open_(run[-1] + 1):
            run.append(run[-1] + 1)
        if len(run) > 1:
            _place_run(run, placed, spoken, typical, episode, duration)
        for k in run:
            if placed[k] is None:
                _place_run([k], placed, spoken, typical, episode, duration)
        u = run[-1] + 1


def _place_headings(placed: list[tuple[float, float, float] | None], spoken: Sequence[Array],
                    typical: Sequence[float], episode: Array, duration: float, sentences: Sequence[bool]) -> None:
    """A headline or sub-head is found only where it would be read out: in
    the stretch left between the sentence before it and its own first
    sentence, if that stretch has room for it."""
    for u in range(len(placed)):
        if sentences[u] or typical[u] <= 0:
            continue
        before = next((placed[k] for k in range(u - 1, -1, -1) if placed[k] is not None), None)
        after = next((placed[k] for k in range(u + 1, len(placed)) if placed[k] is not None), None)
        lo = before[1] if before else 0.0
        hi = after[0] if after else duration
        if hi - lo < HEADING_ROOM * len(spoken[u]) * features.HOP:
            continue
        first = int(max(0.0, lo - OVERLAP) / features.HOP)
        last = int(min(duration, hi + OVERLAP) / features.HOP)
        found = dtw.best_path(spoken[u], episode[first:last])
        if found is not None and found[0].cost / typical[u] < HEADING_ACCEPT:
            where = found[0]
            placed[u] = ((first + where.start) * features.HOP, (first + where.end + 1) * features.HOP,
                         where.cost / typical[u])


def _place_run(run: Sequence[int], placed: list[tuple[float, float, float] | None], spoken: Sequence[Array],
               typical: Sequence[float], episode: Array, duration: float) -> None:
    """Place the units of RUN, spoken one after the other, in the stretch
    between their placed neighbours, if they fit it well enough."""
    before = next((placed[k] for k in range(run[0] - 1, -1, -1) if placed[k] is not None), None)
    after = next((placed[k] for k in range(run[-1] + 1, len(placed)) if placed[k] is not None), None)
    if before is None and after is None:
        return
    lo = max(0.0, before[1] - OVERLAP) if before else 0.0
    hi = min(duration, after[0] + OVERLAP) if after else duration
    first, last = int(lo / features.HOP), int(hi / features.HOP)
    joined = np.concatenate([spoken[k] for k in run]) if len(run) > 1 else spoken[run[0]]
    # The stretch must hold the run spoken at up to twice the synthesizer's speed.
    if last - first < len(joined) // 2:
        return
    found = dtw.best_path(joined, episode[first:last])
    if found is None:
        return
    where, columns = found
    ratio = where.cost / (sum(typical[k] for k in run) / len(run))
    if ratio >= GAP_ACCEPT:
        return
    offset = 0
    for n, k in enumerate(run):
        start = first + int(columns[offset])
        offset += len(spoken[k])
        end = first + (int(columns[offset]) if n + 1 < len(run) else where.end + 1)
        placed[k] = (start * features.HOP, max(end, start + 1) * features.HOP, ratio)


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
