"""Work spread over the machine's cores with concurrent.futures, and its
serial twin below a threshold, where starting workers costs more than it
saves.

Threads suit work whose heavy part releases the GIL: hashing a file
(hashlib drops the lock on large buffers) and reading it. The read cache's
parsing of texts and tags, which holds the GIL, runs in worker processes
instead (cache.run_jobs).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, one thread does them all.
THRESHOLD = 64


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_map(fn: Callable[[T], R], items: Iterable[T], *, threshold: int = THRESHOLD) -> list[R]:
    """FN over ITEMS, in their order, on a thread a core when there are
    THRESHOLD of them or more; in this thread otherwise."""
    todo: Sequence[T] = items if isinstance(items, Sequence) else list(items)
    workers = min(cores(), 8)
    if len(todo) < threshold or workers < 2:
        return [fn(item) for item in todo]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, todo))
