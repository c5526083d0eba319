"""What feedtool knows of a show's audio beyond its tags: the content key
of each master and measured file, and each measured loudness, kept in
.feedtool-cache/media.sqlite3 beside the encoded masters (masters.py).

A file's content key is a hash of all its bytes: an encode depends on every
sample, so a master edited in the middle that keeps its size is a new
master. Hashing a file costs a read of it, so the key is remembered with
the file's stat signature (size, mtime_ns, inode) and found again by it
while the file is untouched; a clone or a `touch` hashes it again, which
still decodes nothing. Loudness is kept by content key and the measuring
code's version: renaming a file keeps its measurement.

Like the read cache (engine/cache.py), nothing here can stop a build: a
store that cannot be opened or is corrupt is started afresh, and the
folder is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

from feedtool import safe_files
from feedtool.model import Loudness

CACHE_DIR = ".feedtool-cache"
STORE_FILE = "media.sqlite3"
# Bump when what a stored measurement means changes (the filter, its options).
MEASURE_VERSION = "ebur128-1"
# A file modified this recently may change again within the file system's
# timestamp granularity without its mtime moving: not remembered by stat.
RACY_NS = 1_000_000_000

_TABLES = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER,
                                  key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS loudness (key TEXT PRIMARY KEY, integrated REAL, range REAL, true_peak REAL);
"""

_open: dict[Path, sqlite3.Connection] = {}


def _connect(root: Path) -> sqlite3.Connection | None:
    """The show's store, opened once a process (10,000 episodes ask it in turn)."""
    path = root / CACHE_DIR / STORE_FILE
    db = _open.get(path)
    if db is not None and path.exists():
        return db
    for attempt in range(2):
        try:
            path.parent.mkdir(exist_ok=True)
            db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
            db.executescript(_TABLES)
            db.execute("SELECT key FROM files LIMIT 1").fetchall()
            _open[path] = db
            return db
        except (sqlite3.Error, OSError):
            if attempt == 0:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    try:
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
                    except OSError:
                        return None  # a read-only show: work without a store
    return None


def content_key(root: Path, path: Path, display: str) -> str:
    """A hash of all of PATH's bytes, remembered by its stat signature."""
    st = os.stat(path)
    name = _name(root, path)
    db = _connect(root)
    if db is not None:
        try:
            row = db.execute("SELECT key FROM files WHERE path=? AND size=? AND mtime_ns=? AND ino=?",
                             (name, st.st_size, st.st_mtime_ns, st.st_ino)).fetchone()
            if row is not None:
                return str(row[0])
        except sqlite3.Error:
            db = None
    started = time.time_ns()
    h = hashlib.blake2b(digest_size=20)
    with safe_files.open_file(path, display) as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    key = h.hexdigest()
    if db is not None and st.st_mtime_ns < started - RACY_NS:
        try:
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                       (name, st.st_size, st.st_mtime_ns, st.st_ino, key))
        except sqlite3.Error:
            pass
    return key


def loudness(root: Path, key: str) -> Loudness | None:
    db = _connect(root)
    if db is None:
        return None
    try:
        row = db.execute("SELECT integrated, range, true_peak FROM loudness WHERE key=?",
                         (f"{MEASURE_VERSION}:{key}",)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else Loudness(float(row[0]), float(row[1]), float(row[2]))


def remember_loudness(root: Path, key: str, value: Loudness) -> None:
    db = _connect(root)
    if db is None:
        return
    try:
        db.execute("INSERT OR REPLACE INTO loudness VALUES (?, ?, ?, ?)",
                   (f"{MEASURE_VERSION}:{key}", value.integrated, value.range, value.true_peak))
    except sqlite3.Error:
        pass


def _name(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
