"""When a build's memory peaks, and how many processes it runs meanwhile.

    python benchmarks/timeline.py SHOW [--every 4] [--cold] [-- BUILD OPTIONS]

Runs `feedtool build -q SHOW` and prints, for each interval of EVERY
seconds, the largest memory of all its processes at once (the sum of their
PSS, read as benchmarks/run.py reads it), the build process's own share, and
how many processes there were; then the peak and when it came. With --cold,
SHOW's public/ and .feedtool-cache/ are first moved into SHOW/../.trash/
(not deleted: see run.set_aside), as the benchmark's cold scenario does.

The benchmark gives one figure for a whole build; this says which phase it
belongs to (reading on every core, planning in one process, the forked page
makers, recording), which is where any work on memory starts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import run as bench


def sample(cmd: list[str], every: float, out=sys.stdout) -> tuple[float, float, float]:
    """Run CMD and print its memory timeline; (seconds, peak MB, when the peak came)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=bench.ENV)
    peak, peak_at = 0, 0.0
    window: list[tuple[int, int, int]] = []
    last = started
    while proc.poll() is None:
        pids = bench.tree_pids(proc.pid)
        total = bench.tree_rss(proc.pid)
        if total is not None:
            window.append((total, bench.own_memory(proc.pid) or 0, len(pids)))
            if total > peak:
                peak, peak_at = total, time.perf_counter() - started
        now = time.perf_counter()
        if now - last >= every and window:
            print(f"{now - started:7.1f} s  all processes {max(w[0] for w in window) / 2**20:6.0f} MB  "
                  f"the build's own {max(w[1] for w in window) / 2**20:6.0f} MB  "
                  f"processes {max(w[2] for w in window)}", file=out, flush=True)
            window, last = [], now
        time.sleep(0.05)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    seconds = time.perf_counter() - started
    print(f"done in {seconds:.1f} s; peak of all processes {peak / 2**20:.0f} MB at {peak_at:.1f} s",
          file=out, flush=True)
    return seconds, peak / 2**20, peak_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("show", type=Path)
    parser.add_argument("--every", type=float, default=4.0, help="seconds a line (default 4)")
    parser.add_argument("--cold", action="store_true", help="move public/ and the cache aside first")
    parser.add_argument("build_options", nargs="*", help="after --: more options for feedtool build")
    args = parser.parse_args()
    if args.cold:
        bench.set_aside(args.show, 0)
    sample(bench.feedtool_cmd(args.show, *args.build_options), args.every)


if __name__ == "__main__":
    main()
