"""benchmarks/run.py runs from a clone and reports what issue 7 asks for
(a smoke run at a tiny size; the timings themselves are not tested)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import run as bench  # noqa: E402


def test_a_tiny_benchmark_runs_and_reports_every_scenario(tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--episodes", "12", "--rounds", "2",
                           "--work", str(work), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "results.json").read_text())["results"]
    assert [r["episodes"] for r in results] == [12]
    scenarios = results[0]["scenarios"]
    assert set(scenarios) == {"baseline", "cold", "no change", "one toml", "ci clone"}
    for name, figures in scenarios.items():
        assert len(figures["runs"]) == 2, name  # two rounds
        assert figures["max_s"] >= figures["median_s"] >= figures["min_s"] > 0, name
        assert figures["tree_rss_mb"] >= figures["peak_rss_mb"] > 0, name
    assert scenarios["baseline"]["ratio"] == 1.0
    assert "| 12 | cold |" in (out / "results.md").read_text()
    # The cold rounds' old public/ and cache were set aside, then deleted at the end.
    assert not (work / ".trash").exists()
    assert (work / "show-12" / "public" / "feed.xml").is_file()


def test_memory_is_read_over_a_process_and_its_children(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(40 << 20); time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while (bench.own_memory(child.pid) or 0) < 40 << 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        me = os.getpid()
        assert child.pid in bench.tree_pids(me)
        total = bench.tree_rss(me)
        assert total is not None
        assert total >= (bench.own_memory(child.pid) or 0) >= 40 << 20
    finally:
        child.kill()
        child.wait()
    assert bench.own_memory(child.pid) is None  # ended: no reading


def test_the_process_tree_is_found_with_or_without_the_kernels_children_files():
    """Some kernels have no /proc/PID/task/TID/children: the parents in
    /proc/*/stat give the same tree."""
    parent = subprocess.Popen(["bash", "-c", "sleep 3 & sleep 3 & wait"])
    try:
        deadline = time.monotonic() + 5
        while len(bench._tree_from_parents(parent.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        found = bench._tree_from_parents(parent.pid)
        assert len(found) == 3 and found[0] == parent.pid
        assert bench.tree_pids(parent.pid) == found
    finally:
        parent.kill()
        parent.wait()


def test_the_timeline_says_when_a_cold_build_peaks(make_show):
    root = make_show()
    assert subprocess.run([sys.executable, "-m", "feedtool", "build", "-q", str(root)]).returncode == 0
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "timeline.py"), str(root), "--cold",
                           "--every", "0.1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("done in ") and "peak of all processes" in last
    peak = float(last.split("peak of all processes ")[1].split(" MB")[0])
    assert 10 < peak < 2000  # a Python process with feedtool's libraries loaded
    assert (root / "public" / "feed.xml").is_file()  # built again from nothing...
    aside = list((root.parent / ".trash").glob("*/public/feed.xml"))
    assert len(aside) == 1  # ...with the last build's public/ moved aside, not deleted
