"""Subsequence dynamic time warping: where in a long sequence (the episode)
a short one (a sentence spoken by the synthesizer) fits best.

The path may start and end anywhere in the long sequence and must take
steps (1,1), (1,2) or (2,1) (Müller, Fundamentals of Music Processing,
2015, section 7.2): the two speeds may differ by up to a factor of two, and
each row depends only on the two rows before it, so a row is a handful of
numpy operations over the whole episode.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from feedtool.sources.align.features import Array

_INF = np.float32(1e9)


@dataclass(frozen=True)
class Placement:
    start: int  # first frame of the episode on the path
    end: int  # last frame
    cost: float  # mean distance per frame of the short sequence


def distances(frame: Array, long: Array, long_sq: Array) -> Array:
    """Euclidean distance of one frame to every frame of LONG (LONG_SQ: the
    squared norms of LONG's frames). A row at a time: the whole matrix of an
    hour's episode against a long sentence would take hundreds of MB."""
    sq: Array = long_sq + float(frame @ frame) - 2.0 * (long @ frame)
    np.maximum(sq, 0, out=sq)
    np.sqrt(sq, out=sq)
    return sq


def search(short: Array, long: Array, candidates: int = 3) -> tuple[list[Placement], float]:
    """The best CANDIDATES placements of SHORT in LONG that do not overlap,
    best first, and the median cost of a placement ending anywhere: what a
    placement that is no match costs, for judging the found ones."""
    n, m = len(short), len(long)
    if n < 2 or m < 2:
        return [], 0.0
    ends, choice = _accumulate(short, long)
    found: list[Placement] = []
    blocked = np.zeros(m, np.bool_)
    for _ in range(candidates):
        masked = np.where(blocked, _INF, ends)
        end = int(np.argmin(masked))
        if masked[end] >= _INF / n / 2:
            break
        start = int(_walk_back(choice, end)[0])
        found.append(Placement(start, end, float(ends[end])))
        # Another candidate must not share this stretch of the episode.
        reach = max(end - start, n // 2)
        blocked[max(0, start - reach // 2):end + reach // 2 + 1] = True
    typical = float(np.median(ends[ends < _INF / n / 2])) if np.any(ends < _INF / n / 2) else 0.0
    return found, typical


def best_path(short: Array, long: Array) -> tuple[Placement, npt.NDArray[np.int64]] | None:
    """The best placement of SHORT in LONG and, for each frame of SHORT, the
    first frame of LONG the path pairs it with: where each part of SHORT
    (a run of sentences spoken one after another) begins."""
    n, m = len(short), len(long)
    if n < 2 or m < 2:
        return None
    ends, choice = _accumulate(short, long)
    end = int(np.argmin(ends))
    if ends[end] >= _INF / n / 2:
        return None
    columns = _walk_back(choice, end)
    return Placement(int(columns[0]), end, float(ends[end])), columns


def _accumulate(short: Array, long: Array) -> tuple[Array, npt.NDArray[np.uint8]]:
    """The mean cost of the best path ending at each frame of LONG, and the
    step taken into every cell, for the way back."""
    n, m = len(short), len(long)
    long_sq: Array = (long ** 2).sum(1)
    # Rows i-2 and i-1 of the accumulated cost, shifted two columns right so
    # that column j-1 and j-2 are plain slices; `choice` keeps each cell's
    # step for the way back.
    before = np.full(m + 2, _INF, np.float32)
    last = np.full(m + 2, _INF, np.float32)
    cost_before = distances(short[0], long, long_sq)
    last[2:] = cost_before
    choice = np.zeros((n, m), np.uint8)
    best = np.empty(m, np.float32)
    other = np.empty(m, np.float32)
    left = np.empty(m, np.float32)
    left[0] = _INF
    for i in range(1, n):
        cost = distances(short[i], long, long_sq)
        np.copyto(best, last[1:-1])  # (i-1, j-1)
        left[1:] = cost[:-1]
        np.add(last[:-2], left, out=other)  # (i-1, j-2), through (i, j-1)
        np.less(other, best, out=choice[i].view(np.bool_))
        np.minimum(best, other, out=best)
        if i >= 2:
            np.add(before[1:-1], cost_before, out=other)  # (i-2, j-1), through (i-1, j)
            taken = other < best
            choice[i][taken] = 2
            np.minimum(best, other, out=best)
        before, last = last, before
        np.add(cost, best, out=last[2:])
        cost_before = cost
    ends = last[2:].copy()
    ends /= n
    return ends, choice


def _walk_back(choice: npt.NDArray[np.uint8], end: int) -> npt.NDArray[np.int64]:
    """For each row, the first column of the path that ends at END."""
    columns = np.zeros(choice.shape[0], np.int64)
    i, j = choice.shape[0] - 1, end
    columns[i] = j
    while i > 0 and j > 0:
        step = choice[i, j]
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            columns[i] = j - 1  # the step passed through (i, j-1)
            i, j = i - 1, j - 2
        else:
            columns[i - 1] = j  # the step passed through (i-1, j)
            i, j = i - 2, j - 1
        columns[i] = j
    columns[:i] = j  # a path cut short at the episode's start
    return columns
