"""A build that would change nothing is not done again (issue 7).

After a build, feedtool records a digest of everything the build read —
every file under the show folder by name, size, mtime and inode (the output
folder, the cache and version-control folders aside: a toml may name any
file inside the show, never one outside it, see config.resolve_inside),
feedtool's code and the libraries that make its bytes (fingerprint.code),
SOURCE_DATE_EPOCH and the output folder — and the size, mtime and inode of
every file it wrote. When the next build finds the same digest and every
output file as it was written, the result would be the same plan, the same
problems and no write: it returns that at once.

What it returns is the recorded report (problems, counts, the archive
feeds) with the show read again from podcast.toml. The episodes and the
planned files are made, by the full build, only if someone asks for them
(`feedtool build --json` lists every episode; most runs only count them).

Two things a build depends on are not files: the clock, which only the
check for future publication dates reads (the record is not used once the
earliest such date has passed), and a file modified during the build or
within RACY_NS before it, which could change again without its mtime moving;
then nothing is recorded, and the next build does the work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from feedtool import fingerprint
from feedtool.cache import RACY_NS, existing_db
from feedtool.model import Episode
from feedtool.problems import Problem, Severity
from feedtool.write import MANIFEST, Content

# Folders under the show that no build reads.
SKIPPED = frozenset({".git", ".hg", ".svn", ".feedtool-cache", "__pycache__"})


@dataclass(frozen=True)
class Inputs:
    digest: str
    started_ns: int
    newest_mtime_ns: int
    # What the digest holds besides the files (the code, SOURCE_DATE_EPOCH,
    # the output folder), and each file below the show folder, relative to
    # it and "/"-separated, with "size:mtime_ns:inode": what patch.py
    # compares to find the episodes that changed.
    context: str = ""
    files: tuple[tuple[str, str], ...] = ()

    @property
    def settled(self) -> bool:
        """No input was modified so close to the build that it could change
        again unseen (the "racy" case, as git calls it)."""
        return self.newest_mtime_ns < self.started_ns - RACY_NS


def inputs(root: Path, out: Path) -> Inputs:
    """The digest of everything a build of ROOT into OUT reads."""
    started = time.time_ns()
    context = hashlib.blake2b(
        f"{fingerprint.code()}\0SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\0"
        f"out={out.resolve()}\0".encode(), digest_size=20).hexdigest()
    h = hashlib.blake2b(context.encode(), digest_size=20)
    newest = 0
    skip_out = out.resolve()
    files = []
    for name, st in _files(root, skip_out):
        stat = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        files.append((name, stat))
        h.update(f"{name}\0{stat}\n".encode())
        newest = max(newest, st.st_mtime_ns)
    return Inputs(h.hexdigest(), started, newest, context, tuple(files))


def _files(folder: Path, skip: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to the show folder, "/"-separated; its stat) of every input file."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name in SKIPPED:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                if Path(entry.path).resolve() != skip:
                    yield from _files(Path(entry.path), skip, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name, entry.stat()  # follows a symlink: its target's changes count
        except OSError:
            yield prefix + entry.name, os.lstat(entry.path)  # a broken link: its own stat


def output_stats(out: Path, names: Sequence[str]) -> list[str] | None:
    """"size:mtime_ns:inode" of each output file, None if one is missing
    (45,000 files at 10,000 episodes: a stat each, nothing read)."""
    base = str(out) + os.sep
    stats = []
    for name in names:
        try:
            st = os.stat(base + name)
        except OSError:
            return None
        stats.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
    return stats


def _outputs(out: Path, names: Sequence[str]) -> str | None:
    stats = output_stats(out, names)
    if stats is None:
        return None
    return hashlib.blake2b("\n".join(stats).encode(), digest_size=20).hexdigest()


# --- Recording and reusing ---------------------------------------------------------


def remember(root: Path, out: Path, given: Inputs, *, problems: Sequence[Problem], dates: Sequence[dt.datetime],
             files: Sequence[str], archives: Sequence[str], feed_name: str,
             record: Mapping[str, Any] | None = None, stats: Mapping[str, str] | None = None) -> None:
    """Record a finished build, unless an input was too fresh to trust.
    RECORD is what an incremental build needs besides (patch.py); STATS the
    output stats already known (of files this build left alone)."""
    if not given.settled:
        forget(root, out)
        return
    names = sorted({*files, MANIFEST})
    if stats:
        fresh = output_stats(out, [n for n in names if n not in stats])
        if fresh is None:
            return
        known = dict(zip((n for n in names if n not in stats), fresh, strict=True))
        state = [stats.get(n) or known[n] for n in names]
    else:
        found = output_stats(out, names)
        if found is None:
            return
        state = found
    now = dt.datetime.now(dt.UTC)
    future = [d for d in dates if d > now]
    report = {
        "problems": [p.as_dict() for p in problems],
        "episodes": len(dates),
        "archives": list(archives),
        "feed_name": feed_name,
        # check.py's DATE-FUTURE warning depends on the clock: redo the
        # build once the earliest future episode is out.
        "valid_until": min(future).timestamp() if future else None,
    }
    digest = hashlib.blake2b("\n".join(state).encode(), digest_size=20).hexdigest()
    db = existing_db(root)
    if db is None:
        return
    try:
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS memo (out TEXT PRIMARY KEY, inputs TEXT NOT NULL, "
                       "outputs BLOB NOT NULL, report BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS patch (out TEXT PRIMARY KEY, data BLOB NOT NULL)")
            db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)",
                       (str(out.resolve()), given.digest, _pack({"names": "\0".join(names), "state": digest}),
                        _pack(report)))
            if record is None:
                db.execute("DELETE FROM patch WHERE out=?", (str(out.resolve()),))
            else:
                db.execute("INSERT OR REPLACE INTO patch VALUES (?, ?)", (str(out.resolve()), _pack({
                    "context": given.context,
                    "inputs": "\n".join(f"{name}\0{stat}" for name, stat in given.files),
                    "names": "\0".join(names),
                    "state": "\n".join(state),
                    "report": report,
                    **record,
                })))
    except sqlite3.Error:
        pass
    finally:
        db.close()


def last_build(root: Path, out: Path) -> dict[str, Any] | None:
    """What the last build into OUT recorded for an incremental build, or None."""
    db = existing_db(root)
    if db is None:
        return None
    try:
        row = db.execute("SELECT data FROM patch WHERE out=?", (str(out.resolve()),)).fetchone()
        return _unpack(row[0]) if row else None
    except (sqlite3.Error, ValueError, zlib.error):
        return None
    finally:
        db.close()


def forget(root: Path, out: Path) -> None:
    db = existing_db(root)
    if db is None:
        return
    try:
        for table in ("memo", "patch"):  # each on its own: either may not exist yet
            try:
                with db:
                    db.execute(f"DELETE FROM {table} WHERE out=?", (str(out.resolve()),))
            except sqlite3.Error:
                pass
    finally:
        db.close()


@dataclass(frozen=True)
class Reused:
    """What the recorded build reported."""

    problems: list[Problem]
    episodes: int
    archives: tuple[str, ...]
    files: int


def reuse(root: Path, out: Path, given: Inputs) -> Reused | None:
    """The recorded report, if the last build read the same inputs and
    left OUT as it is now; else None."""
    db = existing_db(root)
    if db is None:
        return None
    try:
        row = db.execute("SELECT inputs, outputs, report FROM memo WHERE out=?", (str(out.resolve()),)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if row is None or row[0] != given.digest:
        return None
    try:
        outputs, report = _unpack(row[1]), _unpack(row[2])
        if report["valid_until"] is not None and time.time() >= report["valid_until"]:
            return None
        names = outputs["names"].split("\0")
        if _outputs(out, names) != outputs["state"]:
            return None  # a file in public/ was edited, deleted or replaced
        problems = [Problem(**{**p, "severity": Severity(p["severity"])}) for p in report["problems"]]
        return Reused(problems, int(report["episodes"]), tuple(report["archives"]), len(names) - 1)
    except (ValueError, KeyError, TypeError, zlib.error):
        return None


def _pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def _unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data))


# --- A plan made only when looked at ----------------------------------------------


class Later:
    """Makes the full plan once, the first time anything asks for it."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._plan: Any = None

    def plan(self) -> Any:
        if self._plan is None:
            self._plan = self._make()
        return self._plan


class LaterEpisodes(Sequence[Episode]):
    """The episodes of a reused build: counted at once, made if read."""

    def __init__(self, count: int, later: Later) -> None:
        self._count = count
        self._later = later

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Episode: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Episode]: ...

    def __getitem__(self, index: int | slice) -> Episode | Sequence[Episode]:
        episodes: tuple[Episode, ...] = self._later.plan().episodes
        return episodes[index]

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (tuple, LaterEpisodes)) else other)

    __hash__ = None  # type: ignore[assignment]


class LaterFiles(Mapping[str, Content]):
    """The planned files of a reused build; the feed is read from OUT (it
    is, byte for byte, the one the recorded build wrote), the rest made if read."""

    def __init__(self, feed_name: str, out: Path, later: Later) -> None:
        self._feed_name = feed_name
        self._out = out
        self._later = later

    def __getitem__(self, name: str) -> Content:
        if name == self._feed_name:
            return (self._out / name).read_bytes()
        files: Mapping[str, Content] = self._later.plan().files
        return files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._later.plan().files)

    def __len__(self) -> int:
        return len(self._later.plan().files)
