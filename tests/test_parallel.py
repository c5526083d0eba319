"""feedtool/parallel.py: one helper for work spread over the cores, with a
serial twin below a threshold; the order of results is the order of items."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool import parallel


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_below_the_threshold_everything_runs_in_this_process() -> None:
    results = list(parallel.process_map(_pid_and_square, list(range(10)), threshold=64))
    assert [r for _, r in results] == [x * x for x in range(10)]
    assert {pid for pid, _ in results} == {os.getpid()}


def test_above_it_the_work_goes_to_worker_processes_in_order(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    done: list[int] = []
    results = list(parallel.process_map(_pid_and_square, list(range(300)), threshold=64, per_worker=10,
                                        chunksize=8, progress=done.append))
    assert [r for _, r in results] == [x * x for x in range(300)]
    assert os.getpid() not in {pid for pid, _ in results}
    assert done == list(range(1, 301))


def test_a_pool_that_cannot_start_leaves_the_work_to_this_process(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError(38, "no semaphores here")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", NoPool)
    results = list(parallel.process_map(_pid_and_square, list(range(100)), threshold=10))
    assert [r for _, r in results] == [x * x for x in range(100)] and {p for p, _ in results} == {os.getpid()}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=-1000, max_value=1000), max_size=80), st.integers(min_value=1, max_value=100))
def test_the_result_is_the_serial_result(items: list[int], threshold: int) -> None:
    assert [r for _, r in parallel.process_map(_pid_and_square, items, threshold=threshold)] == \
        [x * x for x in items]


PREPARED: list[int] = []


def _prepare() -> None:
    PREPARED.append(os.getpid())


def _prepared_in(x: int) -> tuple[int, tuple[int, ...]]:
    return os.getpid(), tuple(PREPARED)


def test_what_every_item_needs_is_prepared_once_before_the_workers_fork(monkeypatch) -> None:
    """Loaded in this process before the fork, the workers share it (the
    reader's stoplists); nothing is loaded again in them, and the collector
    is left as it was."""
    import gc

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    PREPARED.clear()
    frozen = gc.get_freeze_count()
    results = list(parallel.process_map(_prepared_in, list(range(100)), threshold=10, prepare=_prepare))
    assert PREPARED == [os.getpid()]  # once, here
    assert {prepared for _, prepared in results} == {(os.getpid(),)}  # what the workers found, forked after it
    assert os.getpid() not in {pid for pid, _ in results}
    assert gc.get_freeze_count() == frozen
    # Below the threshold, the serial twin needs nothing prepared ahead: FN loads what it needs.
    PREPARED.clear()
    assert [r for _, r in parallel.process_map(_prepared_in, [1, 2], threshold=10, prepare=_prepare)] == [(), ()]
