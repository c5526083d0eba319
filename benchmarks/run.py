"""How long feedtool takes on a large show, next to a bare-bones baseline.

    python benchmarks/run.py --episodes 1000 10000

For each size, generates a synthetic show once (benchmarks/synth.py) into a
work folder, then times in rounds, interleaved so that a slow moment of the
machine hits every scenario alike:

  baseline    benchmarks/baseline.py: walk, mutagen duration, read the text,
              a feedgen feed with enclosures, write it (the bare job)
  cold        feedtool build with no cache and no public/ (both are moved
              aside and deleted at the end: see set_aside)
  no change   feedtool build again, nothing changed
  one toml    feedtool build after one episode's STEM.toml changed
  ci clone    a CI run (issue 14): the show is a git repository with its
              public/ committed; a fresh `git clone` of it (new inodes, new
              mtimes) with the .feedtool-cache/ that the previous CI run
              saved restored beside it, one STEM.toml changed there, then
              built. The first CI run's cache is made, untimed, from a clone
              with the show's own cache, as a workflow's first run does.

Each run is its own process. Memory is given twice: the build process's
own peak (ru_maxrss from wait4), and the peak of all its processes at once
(the process and its pool workers or forked writers, sampled from /proc
every 50 ms), which is what the machine must have: their proportional set
sizes (PSS), as forked processes share pages copy-on-write. The baseline writes its
feed outside the show folder, as feedtool would treat a file written into
the show just before a build as a changed input.
Results go to benchmarks/results.md and benchmarks/results.json, each
figure also as a ratio to the baseline of the same size and run. Issue 14's
targets are checked at the largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import synth

HERE = Path(__file__).resolve().parent
SCENARIOS = ("baseline", "cold", "no change", "one toml", "ci clone")
# Issue 14, at 10,000 episodes: each scenario's median over the baseline's
# (issue 7 had asked cold ≤ 1.0×; issue 14 set 3.0× while making everything it makes).
TARGETS = {"cold": 3.0, "no change": 0.1, "one toml": 0.15, "ci clone": 0.20}
GROWTH_TARGET = 11.0  # time at 10,000 over time at 1,000
MEMORY_TARGET_MB = 300


def machine() -> dict[str, object]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    import feedtool

    return {"nproc": cores, "cpu": cpu, "python": platform.python_version(), "system": platform.platform(),
            "feedtool": feedtool.__version__}


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def own_memory(pid: int) -> int | None:
    """PID's proportional set size (PSS): its private pages and its share of
    the pages it shares. Forked pool workers share most of the build's pages
    copy-on-write; summing their RSS would count those pages once a process.
    None if PID has ended."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE  # no Pss: RSS
    except (OSError, ValueError, IndexError):
        return None


def tree_pids(pid: int) -> list[int]:
    """PID and all its descendants, from /proc (Linux). Each task's
    `children` file needs a kernel built with CONFIG_PROC_CHILDREN; where
    it is missing, every process's parent is read from /proc/*/stat."""
    if not Path(f"/proc/{pid}/task/{pid}/children").exists():
        return _tree_from_parents(pid)
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # it ended meanwhile
    return sorted(pids)


def _tree_from_parents(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name, in parentheses, may hold spaces: the fields after its last ")".
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # it ended meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += children.get(current, [])
    return sorted(pids)


def tree_rss(pid: int) -> int | None:
    """Memory of PID and all its descendants at once (the sum of their PSS),
    or None when no consistent reading could be had.

    The processes are read one after the other, so a reading is kept only
    if no process started or ended meanwhile: a parent read just before it
    forks holds all of its pages, and the child read just after holds half
    of them again; the sum would count the shared half twice (the build
    forks a writer every few seconds, and such readings made the peak look
    100 MB higher than any moment had)."""
    for _ in range(5):
        before = tree_pids(pid)
        sizes = [own_memory(p) for p in before]
        if before == tree_pids(pid) and None not in sizes:
            return sum(s for s in sizes if s is not None)
    return None


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, tree_rss(self.pid) or 0)


def run(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Seconds, the process's peak RSS and the peak memory of all its processes at once (PSS, MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    sampler = Sampler(proc.pid)
    sampler.start()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    own = usage.ru_maxrss / 1024
    return seconds, own, max(own, sampler.peak / 2**20)


# Python as it runs by default: with its bytecode cache. Some sandboxes and
# containers set PYTHONDONTWRITEBYTECODE, which makes every run compile
# feedtool's modules again (a quarter of a second); the baseline's libraries
# were compiled when pip installed them.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def feedtool_cmd(show: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "feedtool", "build", "-q", str(show), *extra]


def prepare(work: Path, n: int) -> Path:
    show = work / f"show-{n}"
    marker = show / ".generated"
    if marker.is_file() and marker.read_text() == str(synth.GENERATOR_VERSION):
        return show
    if show.exists():
        shutil.rmtree(show)
    print(f"generating {n} episodes in {show} ...", flush=True)
    started = time.perf_counter()
    synth.generate(show, n)
    # The first build makes the GUID lock, which a real show has committed;
    # every timed cold build starts with it, without public/ and the cache.
    subprocess.run(feedtool_cmd(show), check=True, stdout=subprocess.DEVNULL)
    marker.write_text(str(synth.GENERATOR_VERSION))
    print(f"  generated and locked in {time.perf_counter() - started:.0f} s", flush=True)
    return show


def touch_one_toml(show: Path, round_no: int) -> None:
    """Change one episode's toml in the middle of the archive (a retitle)."""
    tomls = sorted((show / "episodes").rglob("*.toml"))
    target = tomls[len(tomls) // 2]
    lines = [line for line in target.read_text().splitlines() if not line.startswith("title =")]
    # A title no earlier run wrote: the same bytes again would be no change at all.
    target.write_text(f'title = "Retitled in round {round_no} ({time.time_ns()})"\n' + "\n".join(lines) + "\n")


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, stdout=subprocess.DEVNULL)


def commit(show: Path) -> None:
    """Commit the show as it is now, public/ included (the push CI builds)."""
    if not (show / ".git").is_dir():
        git(show, "init", "-q")
        (show / ".gitignore").write_text(".feedtool-cache/\n.generated\n")
    git(show, "add", "-A")
    git(show, "commit", "-q", "--allow-empty", "-m", "bench")


def ci_clone(show: Path, round_no: int, previous: Path | None) -> Path:
    """SHOW as a CI run sees it (not timed): a fresh clone of its last
    commit, with the cache the PREVIOUS CI run saved restored beside it;
    then one STEM.toml changed, as the push being built did. Without a
    PREVIOUS run, the first one is made here from the show's own cache."""
    commit(show)
    if previous is None:
        previous = trash(show.parent) / f"ci-{show.name}-{round_no}-first"
        shutil.rmtree(previous, ignore_errors=True)  # left by an interrupted run
        subprocess.run(["git", "clone", "-q", str(show), str(previous)], check=True)
        shutil.copytree(show / ".feedtool-cache", previous / ".feedtool-cache")
        subprocess.run(feedtool_cmd(previous), check=True, stdout=subprocess.DEVNULL)
    where = trash(show.parent) / f"ci-{show.name}-{round_no}"
    shutil.rmtree(where, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(show), str(where)], check=True)
    shutil.copytree(previous / ".feedtool-cache", where / ".feedtool-cache")
    touch_one_toml(where, round_no)
    return where


def trash(work: Path) -> Path:
    return work / ".trash"


def set_aside(show: Path, round_no: int) -> None:
    """Move public/ and the cache out of the show for a cold build; they are
    deleted once every run is over. Deleting them here would slow the build
    timed next on some file systems, not because of anything it does: ext4
    without a journal (this sandbox's disk) does not reuse a deleted inode
    for up to five minutes, and its allocator searches past each one for
    every new file (fs/ext4/ialloc.c, recently_deleted), so 46,000 files
    deleted just before a build that creates 46,000 made that build's
    kernel time grow with the square of the show's size."""
    for name in ("public", ".feedtool-cache"):
        if (show / name).exists():
            place = trash(show.parent) / f"{show.name}-{round_no}-{time.time_ns()}"
            place.mkdir(parents=True, exist_ok=True)
            os.rename(show / name, place / name.lstrip("."))


def baseline_out(show: Path) -> Path:
    return show.parent / f"baseline-{show.name}"


def measure(show: Path, rounds: int) -> dict[str, list[dict[str, float]]]:
    out: dict[str, list[dict[str, float]]] = {s: [] for s in SCENARIOS}
    previous: Path | None = None  # the last CI run's checkout, with the cache it saved
    baseline = [sys.executable, str(HERE / "baseline.py"), str(show), str(baseline_out(show))]
    for r in range(1, rounds + 1):
        for scenario in SCENARIOS:
            where = show
            if scenario == "baseline":
                cmd = baseline
            else:
                if scenario == "cold":
                    set_aside(show, r)
                elif scenario == "one toml":
                    touch_one_toml(show, r)
                elif scenario == "ci clone":
                    where = previous = ci_clone(show, r, previous)
                cmd = feedtool_cmd(where)
            seconds, rss, tree = run(cmd, where)
            out[scenario].append({"seconds": seconds, "rss_mb": rss, "tree_rss_mb": tree})
            print(f"  round {r} {scenario:>9}: {seconds:7.2f} s  {rss:6.0f} MB  {tree:6.0f} MB all", flush=True)
    return out


def summarise(n: int, runs: dict[str, list[dict[str, float]]], show: Path) -> dict[str, object]:
    base = statistics.median(x["seconds"] for x in runs["baseline"])
    rows = {}
    for scenario, samples in runs.items():
        times = [x["seconds"] for x in samples]
        median = statistics.median(times)
        rows[scenario] = {
            "median_s": round(median, 3), "min_s": round(min(times), 3), "max_s": round(max(times), 3),
            "ratio": round(median / base, 3),
            "peak_rss_mb": round(max(x["rss_mb"] for x in samples), 1),
            "tree_rss_mb": round(max(x["tree_rss_mb"] for x in samples), 1),
            "runs": samples,
        }
    feed = show / "public" / "feed.xml"
    archives = sorted((show / "public").glob("feed-archive-*.xml"))
    return {
        "episodes": n, "rounds": len(runs["baseline"]), "scenarios": rows,
        "feed_bytes": feed.stat().st_size,
        "archive_feeds": len(archives),
        "archive_bytes": sum(p.stat().st_size for p in archives),
        "baseline_feed_bytes": (baseline_out(show) / "feed.xml").stat().st_size,
    }


def verdicts(results: list[dict[str, object]]) -> list[str]:
    by_n = {r["episodes"]: r for r in results}
    big = by_n[max(by_n)]
    lines = []
    for scenario, target in TARGETS.items():
        ratio = big["scenarios"][scenario]["ratio"]  # type: ignore[index]
        lines.append(f"| {scenario} ≤ {target}× baseline at {big['episodes']:,} | {ratio:.2f}× | "
                     f"{'met' if ratio <= target else 'missed'} |")
    if len(by_n) > 1:
        small = by_n[min(by_n)]
        for scenario in SCENARIOS[1:]:
            growth = (big["scenarios"][scenario]["median_s"]  # type: ignore[index]
                      / small["scenarios"][scenario]["median_s"])  # type: ignore[index]
            scale = big["episodes"] / small["episodes"]  # type: ignore[operator]
            limit = GROWTH_TARGET * scale / 10
            lines.append(f"| {scenario}: {big['episodes']:,} ≤ {limit:g}× the time of {small['episodes']:,} | "
                         f"{growth:.1f}× | {'met' if growth <= limit else 'missed'} |")
    own = max(big["scenarios"][s]["peak_rss_mb"] for s in SCENARIOS[1:])  # type: ignore[index]
    tree = max(big["scenarios"][s]["tree_rss_mb"] for s in SCENARIOS[1:])  # type: ignore[index]
    lines.append(f"| peak memory ≤ {MEMORY_TARGET_MB} MB at {big['episodes']:,} (the build process) | {own:.0f} MB | "
                 f"{'met' if own <= MEMORY_TARGET_MB else 'missed'} |")
    lines.append(f"| … all its processes at once (with the workers) | {tree:.0f} MB | "
                 f"{'met' if tree <= MEMORY_TARGET_MB else 'missed'} |")
    return lines


def markdown(results: list[dict[str, object]], info: dict[str, object]) -> str:
    lines = [
        "# Benchmark results",
        "",
        (f"`python benchmarks/run.py --episodes {' '.join(str(r['episodes']) for r in results)}` on "
         f"{info['nproc']} × {info['cpu']}, Python {info['python']} ({info['system']}), "
         f"feedtool {info['feedtool']}."),
        ("Median of the rounds (min–max); each ratio is to the baseline's median of the same size, run "
         "interleaved with it."),
        "",
        "| episodes | scenario | median | min–max | × baseline | peak RSS | peak, all processes (PSS) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for scenario in SCENARIOS:
            row = r["scenarios"][scenario]  # type: ignore[index]
            lines.append(
                f"| {r['episodes']:,} | {scenario} | {row['median_s']:.2f} s | "
                f"{row['min_s']:.2f}–{row['max_s']:.2f} s | {row['ratio']:.2f}× | {row['peak_rss_mb']:.0f} MB | "
                f"{row['tree_rss_mb']:.0f} MB |")
    lines += ["", "| episodes | feed.xml | archive feeds | baseline's single feed |", "|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['episodes']:,} | {r['feed_bytes'] / 1e6:.2f} MB | {r['archive_feeds']} files, "
                     f"{r['archive_bytes'] / 1e6:.1f} MB | {r['baseline_feed_bytes'] / 1e6:.1f} MB |")
    lines += ["", "| target (issue 14) | measured | |", "|---|---:|---|", *verdicts(results), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None,
                        help="where to keep the generated shows (default: a temporary folder, deleted after)")
    parser.add_argument("--out", type=Path, default=HERE, help="where results.md and results.json go")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    info = machine()
    temp = None
    work = args.work
    if work is None:
        temp = tempfile.TemporaryDirectory(prefix="feedtool-bench-")
        work = Path(temp.name)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for n in sorted(args.episodes):
            show = prepare(work, n)
            print(f"{n} episodes, {args.rounds} rounds:", flush=True)
            results.append(summarise(n, measure(show, args.rounds), show))
    finally:
        shutil.rmtree(trash(work), ignore_errors=True)
        if temp is not None:
            temp.cleanup()
    report = markdown(results, info)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(report, "utf-8")
    (args.out / "results.json").write_text(json.dumps({"machine": info, "results": results}, indent=1) + "\n")
    print()
    print(report)


if __name__ == "__main__":
    main()
