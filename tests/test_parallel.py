"""engine/parallel.py: one helper for work spread over the cores, with a
serial twin below a threshold; the order of results is the order of items."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from feedtool.engine import parallel


def test_below_the_threshold_everything_runs_in_this_thread() -> None:
    seen: set[int] = set()
    assert parallel.thread_map(lambda x: seen.add(threading.get_ident()) or x * 2, range(10), threshold=64) == \
        [x * 2 for x in range(10)]
    assert seen == {threading.get_ident()}


def test_above_it_the_work_is_spread_and_the_order_kept(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    seen: set[int] = set()
    barrier = threading.Barrier(2, timeout=10)

    def work(x: int) -> int:
        seen.add(threading.get_ident())
        if x < 2:
            barrier.wait()  # the first two items meet: two threads run at once
        return x * x

    assert parallel.thread_map(work, list(range(200)), threshold=64) == [x * x for x in range(200)]
    assert threading.get_ident() not in seen and len(seen) == 2


@given(st.lists(st.integers(), max_size=300), st.integers(min_value=1, max_value=100))
def test_the_result_is_the_serial_result(items: list[int], threshold: int) -> None:
    assert parallel.thread_map(lambda x: x - 1, items, threshold=threshold) == [x - 1 for x in items]
