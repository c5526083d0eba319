"""A build that would change nothing is not done again (issue 7).

After a build, feedtool records what it read — every file under the show
folder by name and content key (the output folder, the cache and
version-control folders aside: a toml may name any file inside the show,
never one outside it, see config.resolve_inside), feedtool's code and the
libraries that make its bytes (fingerprint.code), SOURCE_DATE_EPOCH and the
output folder — and the content key of every file it wrote. When the next
build finds the same digest and every output file as it was written, the
result would be the same plan, the same problems and no write: it returns
that at once.

Keys survive a clone (issue 14): a text or TOML is keyed by all its bytes,
a media file by its size and the parts that carry its tags
(cache.content_key). Each file's size, mtime and inode is recorded beside its
key as the fast path: a file whose stat is as recorded is not read. A clone,
a restored CI cache or a `touch` moves the stats, so those files are read and
keyed once, their content decides, and the new stats are recorded.

What it returns is the recorded report (problems, counts, the archive
feeds) with the show read again from podcast.toml. The episodes and the
planned files are made, by the full build, only if someone asks for them
(`feedtool build --json` lists every episode; most runs only count them).

The same record, kept as rows (each input file with the episodes made from
it, each output file, each episode's files and outputs), is what an
incremental build works from when only some episodes changed (patch.py).

Two things a build depends on are not file contents: the clock, which only
the check for future publication dates reads (the record is not used once
the earliest such date has passed), and a file modified within RACY_NS of
the build, which could change again without its mtime moving; its stat is
not recorded, so the next build reads it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from feedtool import parallel
from feedtool.config.load import SHOW_FILE
from feedtool.engine import cache, git_ids
from feedtool.render import fingerprint
from feedtool.engine.cache import RACY_NS, existing_db

from feedtool.standards import MEDIA_SUFFIXES
from feedtool.model import Episode
from feedtool.problems import Problem
from feedtool.sources import walk as walker
from feedtool.engine.write import MANIFEST, Stamp, signature
from feedtool.render.fingerprint import Content

if TYPE_CHECKING:
    from feedtool.render.site import Uses  # the renderers' recipes (Jinja2 is not imported for a type)


@dataclass(frozen=True)
class Inputs:
    digest: str
    # What the digest holds besides the files (the code, SOURCE_DATE_EPOCH,
    # the output folder), and each file below the show folder, relative to
    # it and "/"-separated, with its content key: what patch.py compares to
    # find the episodes that changed.
    context: str = ""
    files: tuple[tuple[str, str], ...] = ()
    # Each file's "size:mtime_ns:inode", the fast path to its key next time;
    # "" for a file modified too close to the build to be trusted by it.
    stats: Mapping[str, str] = field(default_factory=dict)
    # The files whose stat is not the recorded one (their content was read).
    moved: tuple[str, ...] = ()
    # Git's object id of each file git tracks unmodified, where known (git_ids.py).
    git: Mapping[str, str] = field(default_factory=dict)
    # The same of the output folder's files, if git was asked (named from it).
    out_git: Mapping[str, str] | None = None


def where(root: Path, out: Path) -> str:
    """The output folder as the record names it: relative to the show
    folder when inside it, so that a clone elsewhere finds its record."""
    show, target = root.resolve(), out.resolve()
    return target.relative_to(show).as_posix() if target.is_relative_to(show) else str(target)


def inputs(root: Path, out: Path) -> Inputs:
    """The digest of everything a build of ROOT into OUT reads, by content."""
    started = time.time_ns()
    folder = where(root, out)
    context = hashlib.blake2b(
        f"{fingerprint.code()}\0SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\0"
        f"out={folder}\0".encode(), digest_size=20).hexdigest()
    known = _recorded(root, "record_input", folder)
    # A show file whose stat moved is most likely a clone: git is asked at
    # once, while the show is walked (not when nothing moved: it costs more).
    show_file = known.get(SHOW_FILE)
    asked = None
    if show_file is None or show_file.stat != _stat_of(root / SHOW_FILE):
        asked = git_ids.Asked(root)
    keys: dict[str, str] = {}
    stats = {}
    git: dict[str, str] = {}
    moved: list[tuple[str, str, bool]] = []
    for name, st, link in _files(root, out.resolve()):
        # A file made a link (to where it was: same content, same stat) is a
        # change: the build refuses a link out of the show.
        stat = signature(st) + (":link" if link else "")
        old = known.get(name)
        if old is not None and old.stat == stat:
            keys[name] = old.key
            if old.git:
                git[name] = old.git
        else:
            moved.append((name, stat, link))
        # A file modified within RACY_NS of now may change again without its
        # mtime moving (git's "racy" entries): next time its content decides.
        stats[name] = stat if st.st_mtime_ns < started - RACY_NS else ""

    # A clone moves every stat: git's index knows most files' content, and
    # the rest are hashed on every core.
    out_ids = None
    ids: dict[str, str] = {}
    if len(moved) >= GIT_THRESHOLD:
        # The output folder's ids come with the show's when it is inside it (outputs_match).
        inside = "" if os.path.isabs(folder) else folder
        ids, below = git_ids.below((asked or git_ids.Asked(root)).ids(), inside)
        out_ids = below if inside else None
    elif asked is not None:
        asked.close()
    todo = []
    for name, stat, link in moved:
        found = None if link else ids.get(name)
        if found is not None:
            git[name] = found
            old = known.get(name)
            if not _is_media(name):
                keys[name] = found  # a text's content key is its git object id (cache.content_key)
                continue
            if old is not None and old.git == found:
                keys[name] = old.key
                continue
        todo.append((str(root / name), name, stat, link))
    keys.update(zip((name for _, name, _, _ in todo), _keys(todo)))
    ordered = tuple(sorted(keys.items()))
    return Inputs(_digest(context, ordered), context, ordered, stats, tuple(name for name, _, _ in moved), git,
                  out_ids)


def _digest(context: str, files: Sequence[tuple[str, str]]) -> str:
    h = hashlib.blake2b(context.encode(), digest_size=20)
    h.update("".join(f"{name}\0{key}\n" for name, key in files).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def rewritten(given: Inputs, root: Path, name: str) -> Inputs:
    """GIVEN with the file NAME (which the build itself has just written:
    the GUID lock) keyed by what it holds now."""
    files = dict(given.files)
    files[name] = content_key(root / name, name, "")
    ordered = tuple(sorted(files.items()))
    return Inputs(_digest(given.context, ordered), given.context, ordered, {**given.stats, name: ""},
                  (*given.moved, name), {k: v for k, v in given.git.items() if k != name})


def _stat_of(path: Path) -> str:
    try:
        return signature(os.stat(path))
    except OSError:
        return ""


def _is_media(name: str) -> bool:
    dot = name.rfind(".")
    return dot > name.rfind("/") and name[dot:].lower() in MEDIA_SUFFIXES


def content_key(path: Path, name: str, stat: str) -> str:
    """What a file holds (cache.content_key: media by its size and the parts
    that carry its tags, anything else by git's object id of all its bytes);
    a file that cannot be read is keyed by its stat, so that any change to
    it is still seen."""
    return cache.content_key(path, "audio" if _is_media(name) else "text") or f"unreadable:{stat}"


# Below this many files to hash, one process does it.
KEYS_IN_WORKERS = 2000
# From this many files whose stat moved, git is asked for what it knows of them.
GIT_THRESHOLD = 200


class Row(NamedTuple):
    """A file of the last build, as recorded: its stat (the fast path), its
    content key, and git's object id of it where known (the clone's path).
    A tuple: 60,000 are made at 10,000 episodes on every build."""

    stat: str
    key: str
    git: str = ""
    # An output's recipe: what makes it and from which episodes, by position
    # ("page:12 11 12 13"; run.Plan.uses); "" for one only a full build makes.
    made: str = ""
    # The key of the Deferred that made it (write.Stamp): while its stat is
    # as recorded, a build that would make it from that key need not.
    digest: str = ""


def _made(use: tuple[str, tuple[int, ...]] | None) -> str:
    return "" if use is None else " ".join((use[0], *map(str, use[1])))


def recipe(made: str) -> tuple[str, list[int]]:
    """A recorded recipe: what makes the output, and the positions of the episodes it is made from."""
    maker, *positions = made.split(" ")
    return maker, [int(p) for p in positions]


def _key_job(job: tuple[str, str, str, bool]) -> str:
    """The content key of one file, in a worker: (path, name, stat, whether a link)."""
    path, name, stat, link = job
    key = content_key(Path(path), name, stat)
    return f"link to {os.path.realpath(path)}:{key}" if link else key


def _keys(jobs: Sequence[tuple[str, str, str, bool]]) -> list[str]:
    return list(parallel.process_map(_key_job, jobs, threshold=KEYS_IN_WORKERS, per_worker=500, chunksize=256))


def _files(folder: Path, skip: Path) -> Iterator[tuple[str, os.stat_result, bool]]:
    """(path relative to the show folder, "/"-separated; its stat; whether
    it or a folder above it in the show is a link) of every input file: the
    one walker and its one ignore rule (sources/walk.py), so that a file
    discovery ignores (an editor's swap file) is no change here."""
    base = os.path.realpath(folder) + os.sep
    inside: dict[str, bool] = {}  # folder → whether it really is below the show (one realpath a folder)
    for name, entry in walker.walk(str(folder), prune=lambda e: Path(e.path).resolve() == skip):
        parent = os.path.dirname(entry.path)
        if parent not in inside:
            inside[parent] = (os.path.realpath(parent) + os.sep).startswith(base)
        try:
            st = entry.stat()  # follows a symlink: its target's changes count
        except OSError:
            try:
                st = os.lstat(entry.path)  # a broken link: its own stat
            except OSError:
                continue  # deleted between listing and stat
        yield name, st, entry.is_symlink() or not inside[parent]


def outputs_match(out: Path, recorded: Mapping[str, Row], ids: Mapping[str, str] | None = None,
                  ) -> dict[str, Row] | None:
    """Whether every output file holds what the last build wrote: None if
    one is missing or different, else the files whose stat moved but whose
    content did not (a clone, a restored CI cache), with their new stat and
    git id. 45,000 stat calls at 10,000 episodes; where a stat moved, git's
    index is asked first and the content read only where it cannot tell."""
    base = str(out) + os.sep
    moved = {}
    for name, row in recorded.items():
        try:
            now = signature(os.stat(base + name))
        except OSError:
            return None
        if now != row.stat:
            moved[name] = now
    if ids is None:
        ids = git_ids.object_ids(out) if len(moved) >= GIT_THRESHOLD else {}
    rows, todo = {}, []
    for name, stat in moved.items():
        found, row = ids.get(name), recorded[name]
        if found is not None and found == (row.git if _is_media(name) else row.key):
            rows[name] = row._replace(stat=stat, git=found)  # its recipe and stamp stay
        elif found is not None and not _is_media(name):
            return None  # git knows it, and it is not what the last build wrote
        else:
            todo.append(name)
    # The rest on every core (a restored public/ outside git moves them all).
    keys = _keys([(base + name, name, moved[name], False) for name in todo])
    for name, key in zip(todo, keys):
        if key != recorded[name].key:
            return None
        rows[name] = recorded[name]._replace(stat=moved[name], git=ids.get(name, ""))
    return rows


def _output_rows(out: Path, names: Iterable[str], known: Mapping[str, Row],
                 sources: Mapping[str, str] = {}) -> dict[str, Row]:
    """The row of each output file after writing; a file whose stat is as
    recorded keeps its recorded key (it was not written again). SOURCES: the
    git id of an output that is a byte copy of an input git knows (media)."""
    stats = {}
    for name in names:
        try:
            stats[name] = signature(os.stat(out / name))
        except OSError:
            continue
    todo = [name for name, stat in stats.items() if name not in known or known[name].stat != stat]
    keys = dict(zip(todo, _keys([(str(out / name), name, stats[name], False) for name in todo])))
    rows = {}
    for name, stat in stats.items():
        if name in keys:
            key = keys[name]
            rows[name] = Row(stat, key, sources.get(name, "") if _is_media(name) else key)
        else:
            rows[name] = known[name]._replace(stat=stat)
    return rows


# --- Recording and reusing ---------------------------------------------------------

# In the read cache's database. Rows, not one document: an incremental build
# (patch.py) rewrites the few rows that changed, not 10,000 episodes' worth.
# The output folder is named as `where` names it.
_TABLES = """
CREATE TABLE IF NOT EXISTS build_record (out TEXT PRIMARY KEY, inputs TEXT NOT NULL, context TEXT NOT NULL,
                                         report BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS record_input (out TEXT, name TEXT, stat TEXT NOT NULL, key TEXT NOT NULL,
                                         git TEXT NOT NULL, owners TEXT NOT NULL,
                                         PRIMARY KEY (out, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_output (out TEXT, name TEXT, stat TEXT NOT NULL, key TEXT NOT NULL,
                                          git TEXT NOT NULL, made TEXT NOT NULL, digest TEXT NOT NULL,
                                          PRIMARY KEY (out, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS build_episode (out TEXT, position INTEGER, stem TEXT NOT NULL, date TEXT NOT NULL,
                                          guid TEXT NOT NULL, enclosure TEXT NOT NULL, files TEXT NOT NULL,
                                          owned TEXT NOT NULL, PRIMARY KEY (out, position)) WITHOUT ROWID;
DROP TABLE IF EXISTS build_input;
DROP TABLE IF EXISTS build_output;
DROP TABLE IF EXISTS memo;
DROP TABLE IF EXISTS last_build;
DROP TABLE IF EXISTS last_input;
DROP TABLE IF EXISTS last_outputs;
DROP TABLE IF EXISTS last_episode;
"""


def _open(root: Path) -> sqlite3.Connection | None:
    """The cache database with the record's tables, or None (no cache, or
    one written by another feedtool; the build then records nothing)."""
    db = existing_db(root)
    if db is None:
        return None
    try:
        db.executescript(_TABLES)
        if "digest" not in {row[1] for row in db.execute("PRAGMA table_info(record_output)")}:
            # An older feedtool's record, without the output stamps: let go (the next build is a full one).
            db.executescript("DROP TABLE record_output; DELETE FROM build_record;" + _TABLES)
    except sqlite3.Error:
        db.close()
        return None
    return db


def _recorded(root: Path, table: str, folder: str) -> dict[str, Row]:
    """name → row of the last build's inputs or outputs, in name order."""
    db = _open(root)
    if db is None:
        return {}
    try:
        return {name: Row(stat, key, git) for name, stat, key, git in db.execute(
            f"SELECT name, stat, key, git FROM {table} WHERE out=? ORDER BY name", (folder,))}  # noqa: S608 (a table of ours)
    except sqlite3.Error:
        return {}
    finally:
        db.close()


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
    inputs: dict[str, tuple[str, str]]  # name → (content key, the positions of the episodes made from it)
    outputs: dict[str, Row]  # in name order
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
            folder = where(self.root, self.out)
            found = {}
            for position in wanted:
                row = db.execute("SELECT stem, date, guid, enclosure, files, owned FROM build_episode "
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
            feed_name: str, podcast_guid: str | None, scheduled: Sequence[dt.datetime] = ()) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    future = [d for d in (*dates, *scheduled) if d > now]
    return {
        "problems": [p.as_dict() for p in problems],
        "episodes": len(dates),
        "archives": list(archives),
        "feed_name": feed_name,
        "podcast_guid": podcast_guid,
        # The clock is an input: redo the build once the earliest future
        # date has passed (a scheduled episode falls due; check.py's
        # DATE-FUTURE warning on a published one goes).
        "valid_until": min(future).timestamp() if future else None,
    }


def _inside(root: Path, path: Path) -> str:
    """PATH as the record names a file of the show ("" if not in it)."""
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return ""


def _digest_of(stamps: Mapping[str, Stamp], name: str, stat: str) -> str:
    """The key of the Deferred that made NAME, if its stamp is of the file as it is now."""
    stamp = stamps.get(name)
    return stamp.key if stamp is not None and stamp.stat == stat else ""


def stamps(root: Path, out: Path) -> dict[str, Stamp]:
    """The stamps of the outputs of the last build into OUT that a Deferred
    made (write.compare skips making those whose key and stat are as stamped)."""
    db = _open(root)
    if db is None:
        return {}
    try:
        return {name: Stamp(digest, stat) for name, stat, digest in db.execute(
            "SELECT name, stat, digest FROM record_output WHERE out=? AND digest != ''", (where(root, out),))}
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def stamps_of(names: Iterable[str], last: Last, moved: Mapping[str, Row]) -> dict[str, Stamp]:
    """The stamps of NAMES in the LAST build's record, with the stats that
    MOVED (a clone's; patch.py), for an incremental build."""
    found = ((name, moved.get(name) or last.outputs.get(name)) for name in names)
    return {name: Stamp(row.digest, row.stat) for name, row in found if row is not None and row.digest}


def _input_rows(folder: str, given: Inputs, owners: Mapping[str, str]) -> list[tuple[str, ...]]:
    return [(folder, name, given.stats.get(name, ""), key, given.git.get(name, ""), owners.get(name, ""))
            for name, key in given.files]


def remember(root: Path, out: Path, given: Inputs, *, problems: Sequence[Problem], dates: Sequence[dt.datetime],
             files: Mapping[str, Content], archives: Sequence[str], feed_name: str, uses: Uses,
             stamps: Mapping[str, Stamp], episodes: Sequence[EpisodeRecord] = (), podcast_guid: str | None = None,
             scheduled: Sequence[dt.datetime] = ()) -> None:
    """Record a finished full build of FILES, with the STAMPS of those made
    from a Deferred (write.Changes.stamps). SCHEDULED are the dates of the
    episodes it held back until then (sources/schedule.py)."""
    folder = where(root, out)
    # A published media file copied byte for byte from an input has that input's git id.
    sources = {name: given.git.get(_inside(root, content), "")
               for name, content in files.items() if isinstance(content, Path)}
    outputs = _output_rows(out, sorted({*files, MANIFEST}), _recorded(root, "record_output", folder), sources)
    report = _report(problems, dates, archives, feed_name, podcast_guid, scheduled)
    owners: dict[str, list[str]] = {}
    for position, episode in enumerate(episodes):
        for name in episode.files:
            owners.setdefault(name, []).append(str(position))
    _write(root, out, given, report, [
        ("DELETE FROM record_input WHERE out=?", [(folder,)]),
        ("DELETE FROM record_output WHERE out=?", [(folder,)]),
        ("DELETE FROM build_episode WHERE out=?", [(folder,)]),
        ("INSERT INTO record_input VALUES (?, ?, ?, ?, ?, ?)",
         _input_rows(folder, given, {name: " ".join(found) for name, found in owners.items()})),
        ("INSERT INTO record_output VALUES (?, ?, ?, ?, ?, ?, ?)",
         [(folder, name, row.stat, row.key, row.git, _made(uses.get(name)), _digest_of(stamps, name, row.stat))
          for name, row in outputs.items()]),
        ("INSERT INTO build_episode VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         [_row(folder, i, e) for i, e in enumerate(episodes)]),
    ])


def remember_patch(root: Path, out: Path, given: Inputs, last: Last, *, problems: Sequence[Problem],
                   archives: Sequence[str], feed_name: str, written: Sequence[str], removed: Sequence[str], uses: Uses,
                   episodes: Mapping[int, EpisodeRecord], moved: Mapping[str, Row], stamps: Mapping[str, Stamp],
                   ) -> None:
    """Record an incremental build: LAST with the rows that changed. MOVED
    are the outputs whose stat moved with their content unchanged."""
    folder = where(root, out)
    fresh = _output_rows(out, [*written, MANIFEST], {})
    moved_rows = [(row.stat, row.git, folder, name) for name, row in moved.items() if name not in fresh]
    # The dates did not change (patch.py makes sure): nor does the first future one.
    report = {**_report(problems, (), archives, feed_name, last.report.get("podcast_guid")),
              "episodes": last.report["episodes"], "valid_until": last.report["valid_until"]}
    reread = set(given.moved)
    _write(root, out, given, report, [
        ("DELETE FROM record_output WHERE out=? AND name=?", [(folder, name) for name in removed]),
        ("INSERT OR REPLACE INTO record_output VALUES (?, ?, ?, ?, ?, ?, ?)",
         [(folder, name, row.stat, row.key, row.git,
           _made(uses[name]) if name in uses else last.outputs[name].made if name in last.outputs else "",
           _digest_of(stamps, name, row.stat))
          for name, row in fresh.items()]),
        ("UPDATE record_output SET stat=?, git=? WHERE out=? AND name=?", moved_rows),
        # Made again and found the same: stamped with the key that made it this time.
        ("UPDATE record_output SET digest=? WHERE out=? AND name=? AND stat=?",
         [(stamp.key, folder, name, stamp.stat) for name, stamp in stamps.items()
          if name not in fresh and (row := last.outputs.get(name)) is not None and row.digest != stamp.key]),
        ("UPDATE record_input SET stat=?, key=?, git=? WHERE out=? AND name=?",
         [(given.stats.get(name, ""), key, given.git.get(name, ""), folder, name)
          for name, key in given.files if name in reread]),
        ("INSERT OR REPLACE INTO build_episode VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         [_row(folder, i, e) for i, e in episodes.items()]),
    ])


def _resign(root: Path, out: Path, given: Inputs, moved: Mapping[str, Row]) -> None:
    """A build found nothing changed but the stats (a clone, a touch):
    record the new stats, so that the next build takes the fast path."""
    folder = where(root, out)
    db = _open(root)
    if db is None:
        return
    if not given.moved and not moved:
        db.close()
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("UPDATE record_input SET stat=?, git=? WHERE out=? AND name=?",
                       [(given.stats.get(name, ""), given.git.get(name, ""), folder, name) for name in given.moved])
        db.executemany("UPDATE record_output SET stat=?, git=? WHERE out=? AND name=?",
                       [(row.stat, row.git, folder, name) for name, row in moved.items()])
        db.execute("COMMIT")
    except sqlite3.Error:
        pass
    finally:
        db.close()


def _row(folder: str, position: int, e: EpisodeRecord) -> tuple[Any, ...]:
    return (folder, position, e.stem, e.date, e.guid, e.enclosure, "\0".join(e.files), "\0".join(e.owned))


def _write(root: Path, out: Path, given: Inputs, report: Mapping[str, Any],
           statements: Sequence[tuple[str, Sequence[tuple[Any, ...]]]]) -> None:
    db = _open(root)
    if db is None:
        return
    try:
        db.execute("BEGIN IMMEDIATE")  # the connection commits each statement by itself otherwise
        for sql, rows in statements:
            db.executemany(sql, rows)
        db.execute("INSERT OR REPLACE INTO build_record VALUES (?, ?, ?, ?)",
                   (where(root, out), given.digest, given.context, _pack(report)))
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
    folder = where(root, out)
    try:
        row = db.execute("SELECT context, report FROM build_record WHERE out=?", (folder,)).fetchone()
        if row is None:
            return None
        inputs = {name: (key, owners) for name, key, owners in db.execute(
            "SELECT name, key, owners FROM record_input WHERE out=?", (folder,))}
        outputs = {name: Row(stat, key, git, made, digest) for name, stat, key, git, made, digest in db.execute(
            "SELECT name, stat, key, git, made, digest FROM record_output WHERE out=? ORDER BY name", (folder,))}
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
        db.execute("DELETE FROM build_record WHERE out=?", (where(root, out),))
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
    folder = where(root, out)
    try:
        row = db.execute("SELECT inputs, report FROM build_record WHERE out=?", (folder,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if row is None or row[0] != given.digest:
        return None
    try:
        report = _unpack(row[1])
        if report["valid_until"] is not None and time.time() >= report["valid_until"]:
            return None
        recorded = _recorded(root, "record_output", folder)
        moved = outputs_match(out, recorded, given.out_git)
        if moved is None:
            return None  # a file in public/ was edited, deleted or replaced
        _resign(root, out, given, moved)
        problems = [Problem.from_dict(p) for p in report["problems"]]
        return Reused(problems, int(report["episodes"]), tuple(report["archives"]), len(recorded) - 1)
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
