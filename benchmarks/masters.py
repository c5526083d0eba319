"""Issue 17: does a show of ready files build as fast as before masters and
loudness came in, and what does a loudness target cost?

    python benchmarks/masters.py --base 8c316ce [--episodes 100] [--rounds 5]

Generates the synthetic show (benchmarks/synth.py: MP3 and M4A episodes with
texts, tomls, art and chapters), then times, each in its own process and
interleaved round by round, the feedtool of commit BASE (exported with
`git archive`, run from PYTHONPATH) and this working tree's:

  cold         no .feedtool-cache/, no public/
  no change    built again, nothing changed (the memo answers)
  --no-cache   every file read and every output made again

and this tree's with `loudness = -16` added to podcast.toml: its first build
(every episode measured) and then `--no-cache` again, counting the ffmpeg
runs with a wrapper first on PATH (there should be none).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def export(commit: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "feedtool"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def timed(show: Path, code: Path | None, *args: str, path: str | None = None) -> float:
    env = {**os.environ, "NO_COLOR": "1"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    if path is not None:
        env["PATH"] = path
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "feedtool", "build", str(show), "-q", *args], env=env,
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed ({code or 'this tree'}): {done.stderr}")
    return took


def clean(show: Path) -> None:
    for name in (".feedtool-cache", "public"):
        shutil.rmtree(show / name, ignore_errors=True)
    (show / "episodes" / "feedtool.lock").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare with (before issue 17)")
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="feedtool-masters-bench-"))
    try:
        base = export(options.base, work / "base")
        shows = {}
        for name in ("base", "tree"):
            shows[name] = synth.generate(work / f"show-{name}", options.episodes)
        times: dict[str, list[float]] = {}
        for _ in range(options.rounds):
            for name, code in (("base", base), ("tree", None)):
                show = shows[name]
                clean(show)
                times.setdefault(f"{name} cold", []).append(timed(show, code))
                times.setdefault(f"{name} no change", []).append(timed(show, code))
                times.setdefault(f"{name} --no-cache", []).append(timed(show, code, "--no-cache"))

        # A loudness target: measured once, then never again.
        loud = synth.generate(work / "show-loud", options.episodes)
        toml = loud / "podcast.toml"
        toml.write_text("loudness = -16\n" + toml.read_text())
        wrapper = work / "bin"
        wrapper.mkdir()
        calls = work / "calls"
        (wrapper / "ffmpeg").write_text(f"#!/bin/sh\necho \"$*\" >> '{calls}'\nexec '{shutil.which('ffmpeg')}' \"$@\"\n")
        (wrapper / "ffmpeg").chmod(0o755)
        path = f"{wrapper}{os.pathsep}{os.environ['PATH']}"
        first = timed(loud, None, path=path)
        measured = len(calls.read_text().splitlines()) if calls.exists() else 0
        calls.unlink(missing_ok=True)
        again = [timed(loud, None, "--no-cache", path=path) for _ in range(options.rounds)]
        after = len(calls.read_text().splitlines()) if calls.exists() else 0

        print(f"{options.episodes} episodes, {options.rounds} rounds, median (min–max):")
        for key, values in times.items():
            print(f"  {key:<22} {statistics.median(values):6.2f} s  ({min(values):.2f}–{max(values):.2f})")
        print(f"  loudness = -16: first build {first:.2f} s, {measured} ffmpeg runs")
        print(f"  loudness = -16: --no-cache  {statistics.median(again):6.2f} s  ({min(again):.2f}–{max(again):.2f}), "
              f"{after} ffmpeg runs")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
