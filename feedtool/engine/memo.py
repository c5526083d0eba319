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

The same record, kept as rows (each input file with the episodes made from
it, each output file, each episode's files and outputs), is what an
incremental build works from when only some episodes changed (patch.py).

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
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from feedtool.engine import fingerprint
from feedtool.engine.cache import RACY_NS, existing_db
from feedtool.model import Episode
from feedtool.problems import Problem
from feedtool.sources import walk as walker
from feedtool.engine.write import MANIFEST, Content


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
    files = []
    newest = 0
    for name, st in _files(root, out.resolve()):
        files.append((name, f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"))
        newest = max(newest, st.st_mtime_ns)
    h = hashlib.blake2b(context.encode(), digest_size=20)
    h.update("".join(f"{name}\0{stat}\n" for name, stat in files).encode("utf-8", "surrogateescape"))
    return Inputs(h.hexdigest(), started, newest, context, tuple(files))


def _files(folder: Path, skip: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to the show folder, "/"-separated; its stat) of every
    input file: the one walker and its one ignore rule (sources/walk.py), so
    that a file discovery ignores (an editor's swap file) is no change here."""
    for name, entry in walker.walk(str(folder), prune=lambda e: Path(e.path).resolve() == skip):
        try:
            st = entry.stat()  # follows a symlink: its target's changes count
        except OSError:
            try:
                st = os.lstat(entry.path)  # a broken link: its own stat
            except OSError:
                continue  # deleted between listing and stat
        yield name, st


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


def outputs_unchanged(out: Path, recorded: Mapping[str, str]) -> Callable[[], bool]:
    """Whether every output file has the stats RECORDED: the answer, when
    called. Worked out by a forked copy of this process where there is one
    (and no other thread to copy mid-lock), so that the caller can go on
    with its own work on the other core meanwhile."""

    def here() -> bool:
        return output_stats(out, list(recorded)) == list(recorded.values())

    if not hasattr(os, "fork") or threading.active_count() != 1:
        return here
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return here
    if pid == 0:  # the copy: answer with one byte, then leave without cleaning up the parent's state
        code = 1
        try:
            os.close(read)
            os.write(write, b"1" if here() else b"0")
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def answer() -> bool:
        try:
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
        finally:
            os.waitpid(pid, 0)
        return data == b"1"

    return answer


def _outputs(out: Path, names: Sequence[str]) -> str | None:
    stats = output_stats(out, names)
    if stats is None:
        return None
    return hashlib.blake2b("\n".join(stats).encode(), digest_size=20).hexdigest()


# --- Recording and reusing ---------------------------------------------------------

# In the read cache's database. Rows, not one document: an incremental build
# (patch.py) rewrites the few rows that changed, not 10,000 episodes' worth.
# (memo is where feedtool kept a single record before.)
_TABLES = """
CREATE TABLE IF NOT EXISTS last_build (out TEXT PRIMARY KEY, inputs TEXT NOT NULL, context TEXT NOT NULL,
                                       state TEXT NOT NULL, report BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS last_input (out TEXT, name TEXT, stat TEXT NOT NULL, owners TEXT NOT NULL,
                                       PRIMARY KEY (out, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS last_outputs (out TEXT, name TEXT, stat TEXT NOT NULL,
                                         PRIMARY KEY (out, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS last_episode (out TEXT, position INTEGER, stem TEXT NOT NULL, date TEXT NOT NULL,
                                         guid TEXT NOT NULL, enclosure TEXT NOT NULL, files TEXT NOT NULL,
                                         owned TEXT NOT NULL, PRIMARY KEY (out, position)) WITHOUT ROWID;
DROP TABLE IF EXISTS memo;
"""


def _open(root: Path) -> sqlite3.Connection | None:
    """The cache database with the record's tables, or None (no cache, or
    one written by another feedtool; the build then records nothing)."""
    db = existing_db(root)
    if db is None:
        return None
    try:
        db.executescript(_TABLES)
    except sqlite3.Error:
        db.close()
        return None
    return db


@dataclass
class EpisodeRecord:
    """What patch.py needs to know of one episode of the last build."""

    stem: str
    date: str  # ISO 8601
    guid: str  # as the lock has it
    enclosure: str  # its URL, as the lock has it
    files: list[str]  # the input files it was made from
    owned: list[str]  # the output files that are its alone (not its page)


@dataclass
class Last:
    """The last build into an output folder, as recorded."""

    context: str
    inputs: dict[str, tuple[str, str]]  # name → ("size:mtime_ns:inode", the positions of the episodes made from it)
    outputs: dict[str, str]  # name → "size:mtime_ns:inode", in name order
    report: dict[str, Any]
    root: Path
    out: Path

    def episodes(self, positions: Iterable[int]) -> dict[int, EpisodeRecord]:
        """The records of the episodes at POSITIONS in feed order (a few
        hundred of 10,000 are read: those an incremental build needs)."""
        wanted = sorted(set(positions))
        db = _open(self.root)
        if db is None:
            raise sqlite3.OperationalError("the cache is gone")
        try:
            folder = str(self.out.resolve())
            found = {}
            for position in wanted:
                row = db.execute("SELECT stem, date, guid, enclosure, files, owned FROM last_episode "
                                 "WHERE out=? AND position=?", (folder, position)).fetchone()
                if row is None:
                    raise sqlite3.OperationalError(f"no episode at {position}")
                stem, date, guid, enclosure, files, owned = row
                found[position] = EpisodeRecord(stem, date, guid, enclosure, files.split("\0") if files else [],
                                                owned.split("\0") if owned else [])
            return found
        finally:
            db.close()


def _report(problems: Sequence[Problem], dates: Sequence[dt.datetime], archives: Sequence[str],
            feed_name: str, podcast_guid: str | None) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    future = [d for d in dates if d > now]
    return {
        "problems": [p.as_dict() for p in problems],
        "episodes": len(dates),
        "archives": list(archives),
        "feed_name": feed_name,
        "podcast_guid": podcast_guid,
        # check.py's DATE-FUTURE warning depends on the clock: redo the
        # build once the earliest future episode is out.
        "valid_until": min(future).timestamp() if future else None,
    }


def _state(outputs: Mapping[str, str]) -> str:
    return hashlib.blake2b("\n".join(outputs[n] for n in sorted(outputs)).encode(), digest_size=20).hexdigest()


def remember(root: Path, out: Path, given: Inputs, *, problems: Sequence[Problem], dates: Sequence[dt.datetime],
             files: Sequence[str], archives: Sequence[str], feed_name: str,
             episodes: Sequence[EpisodeRecord] = (), podcast_guid: str | None = None) -> None:
    """Record a finished full build, unless an input was too fresh to trust."""
    if not given.settled:
        forget(root, out)
        return
    names = sorted({*files, MANIFEST})
    stats = output_stats(out, names)
    if stats is None:
        return
    outputs = dict(zip(names, stats, strict=True))
    report = _report(problems, dates, archives, feed_name, podcast_guid)
    folder = str(out.resolve())
    owners: dict[str, list[str]] = {}
    for position, episode in enumerate(episodes):
        for name in episode.files:
            owners.setdefault(name, []).append(str(position))
    _write(root, out, given, outputs, report, [
        ("DELETE FROM last_input WHERE out=?", [(folder,)]),
        ("DELETE FROM last_outputs WHERE out=?", [(folder,)]),
        ("DELETE FROM last_episode WHERE out=?", [(folder,)]),
        ("INSERT INTO last_input VALUES (?, ?, ?, ?)",
         [(folder, name, stat, " ".join(owners.get(name, ()))) for name, stat in given.files]),
        ("INSERT INTO last_outputs VALUES (?, ?, ?)", [(folder, name, stat) for name, stat in outputs.items()]),
        ("INSERT INTO last_episode VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [_row(folder, i, e) for i, e in enumerate(episodes)]),
    ])


def remember_patch(root: Path, out: Path, given: Inputs, last: Last, *, problems: Sequence[Problem],
                   archives: Sequence[str], feed_name: str, written: Sequence[str], removed: Sequence[str],
                   episodes: Mapping[int, EpisodeRecord]) -> None:
    """Record an incremental build: LAST with the rows that changed."""
    if not given.settled:
        forget(root, out)
        return
    folder = str(out.resolve())
    outputs = dict(last.outputs)
    for name in removed:
        outputs.pop(name, None)
    fresh = output_stats(out, [*written, MANIFEST])
    if fresh is None:
        return
    updated = dict(zip([*written, MANIFEST], fresh, strict=True))
    outputs.update(updated)
    changed_inputs = [(stat, folder, name) for name, stat in given.files if last.inputs[name][0] != stat]
    # The dates did not change (patch.py makes sure): nor does the first future one.
    report = {**_report(problems, (), archives, feed_name, last.report.get("podcast_guid")),
              "episodes": last.report["episodes"], "valid_until": last.report["valid_until"]}
    _write(root, out, given, outputs, report, [
        ("DELETE FROM last_outputs WHERE out=? AND name=?", [(folder, name) for name in removed]),
        ("INSERT OR REPLACE INTO last_outputs VALUES (?, ?, ?)",
         [(folder, name, stat) for name, stat in updated.items()]),
        ("UPDATE last_input SET stat=? WHERE out=? AND name=?", changed_inputs),
        ("INSERT OR REPLACE INTO last_episode VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         [_row(folder, i, e) for i, e in episodes.items()]),
    ])


def _row(folder: str, position: int, e: EpisodeRecord) -> tuple[Any, ...]:
    return (folder, position, e.stem, e.date, e.guid, e.enclosure, "\0".join(e.files), "\0".join(e.owned))


def _write(root: Path, out: Path, given: Inputs, outputs: Mapping[str, str], report: Mapping[str, Any],
           statements: Sequence[tuple[str, Sequence[tuple[Any, ...]]]]) -> None:
    db = _open(root)
    if db is None:
        return
    try:
        db.execute("BEGIN IMMEDIATE")  # the connection commits each statement by itself otherwise
        for sql, rows in statements:
            db.executemany(sql, rows)
        db.execute("INSERT OR REPLACE INTO last_build VALUES (?, ?, ?, ?, ?)",
                   (str(out.resolve()), given.digest, given.context, _state(outputs), _pack(report)))
        db.execute("COMMIT")
    except (sqlite3.Error, UnicodeError):  # a file name no database can hold: not recorded
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
    finally:
        db.close()


def last_build(root: Path, out: Path) -> Last | None:
    """What the last build into OUT recorded for an incremental build, or None."""
    db = _open(root)
    if db is None:
        return None
    folder = str(out.resolve())
    try:
        row = db.execute("SELECT context, report FROM last_build WHERE out=?", (folder,)).fetchone()
        if row is None:
            return None
        inputs = {name: (stat, owners) for name, stat, owners in db.execute(
            "SELECT name, stat, owners FROM last_input WHERE out=?", (folder,))}
        outputs = dict(db.execute("SELECT name, stat FROM last_outputs WHERE out=? ORDER BY name",
                                  (folder,)).fetchall())
        return Last(row[0], inputs, outputs, _unpack(row[1]), root, out)
    except (sqlite3.Error, ValueError, zlib.error):
        return None
    finally:
        db.close()


def forget(root: Path, out: Path) -> None:
    db = _open(root)
    if db is None:
        return
    try:
        db.execute("DELETE FROM last_build WHERE out=?", (str(out.resolve()),))
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
    db = _open(root)
    if db is None:
        return None
    folder = str(out.resolve())
    try:
        row = db.execute("SELECT inputs, state, report FROM last_build WHERE out=?", (folder,)).fetchone()
        if row is None or row[0] != given.digest:
            return None
        names = [n for (n,) in db.execute("SELECT name FROM last_outputs WHERE out=? ORDER BY name", (folder,))]
    except sqlite3.Error:
        return None
    finally:
        db.close()
    try:
        report = _unpack(row[2])
        if report["valid_until"] is not None and time.time() >= report["valid_until"]:
            return None
        if _outputs(out, names) != row[1]:
            return None  # a file in public/ was edited, deleted or replaced
        problems = [Problem.from_dict(p) for p in report["problems"]]
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
