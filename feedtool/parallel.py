"""Work spread over the machine's cores with concurrent.futures, and its
serial twin below a threshold, where starting workers costs more than it
saves; for every stage of the build (it imports nothing of feedtool's).

Worker processes for work done in Python (reading texts and tags, hashing
thousands of small files): it holds the GIL between its C calls, and
threads measured slower than one thread (hashing a 10,000-episode clone:
2.6 s in one thread, 4.5 s on two). Work that waits on another program
(ffmpeg measuring loudness, sources/masters.py) uses threads, sized by cores().
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pool_context() -> Any:
    """fork where it is safe: it starts at once and does not import the
    caller's main module again (a script without a __main__ guard would run
    twice). Not while another thread runs (the CLI's progress bar): forking
    then can copy a lock that is held, so a clean forkserver starts the
    workers, with the readers imported once."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["feedtool.engine.cache"])
    return context


def process_map(fn: Callable[[T], R], items: Sequence[T], *, threshold: int, per_worker: int = 1,
                chunksize: int = 1, progress: Callable[[int], None] | None = None,
                prepare: Callable[[], None] | None = None) -> Iterator[R]:
    """FN over ITEMS, in their order: in worker processes (one a core, and
    none with fewer than PER_WORKER items each) when there are THRESHOLD
    items or more, else in this process. FN must be a module-level function.
    PREPARE, if given, loads what every call of FN needs: here, before the
    workers are forked, so that they share it rather than each load its own
    (the reader's stoplists are 38 MB). If the pool cannot start or breaks,
    the items left run here."""
    workers = min(cores(), max(1, len(items) // per_worker))
    done = 0
    if len(items) >= threshold and workers >= 2:
        context = pool_context()
        forked = context.get_start_method() == "fork"
        if forked and prepare is not None:
            prepare()
        if forked:
            # Out of the collector's sight: a child's collection would write
            # to every object's header, and copy the page it is on.
            gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=None if forked else prepare) as pool:
                for result in pool.map(fn, items, chunksize=chunksize):
                    done += 1
                    yield result
                    if progress:
                        progress(done)
            return
        except (BrokenProcessPool, OSError, RuntimeError, ImportError):
            pass  # a worker died or could not start (no /dev/shm, a main module that cannot be imported again)
        finally:
            if forked:
                gc.unfreeze()
    for item in items[done:]:
        done += 1
        yield fn(item)
        if progress:
            progress(done)

