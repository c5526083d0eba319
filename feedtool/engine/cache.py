"""What a build has read before: audio tags and cleaned interview texts,
kept in .feedtool-cache/ under the show folder so that a rebuild does not
read 10,000 audio files again (issue 7).

Each entry is found by the file's path relative to the show folder (so a
show copied or cloned elsewhere finds its entries) and used only by the
same reader code: the cache records a fingerprint of feedtool's reading
modules and of the libraries they use, and starts empty when it changes.

Two keys tell whether the file is the one that was read (issue 14):
- the stat signature (size, mtime_ns, inode): the fast path, a stat and no
  read; it matches on the machine that made the entry, until the file is
  touched, edited or replaced;
- when it does not match (a fresh clone or a restored CI cache gives every
  file a new inode and mtime; `touch`; a copy), the content key, worked out
  before anything is read from the file: for an interview text, git's
  object id of it (a SHA-1 of all its bytes); for an audio file, a hash of its size, of its first and
  last 64 KiB (`EDGE`) and of every tag block wherever it is and however
  big (a whole ID3v2 tag, FLAC's metadata blocks, an MP4's `moov` box at
  either end; ID3v1 and APEv2 are in the tail; `audio_regions`). If it
  matches, the cached value is used and the new stat signature recorded,
  so the next build takes the fast path again.

What the audio key cannot see is a change confined to the audio data in
the middle of a file that keeps its size: a new encode changes the size
(and with it the key), and tag editors rewrite the tag blocks, all of
which the key covers; a file damaged in the middle keeps the tags and the
duration header that feedtool reads either way. `feedtool build
--no-cache`, or deleting the folder, reads every file again. A renamed
file is read again: entries are found by path.

A cache that cannot be opened, is corrupt, or was written by another
version is deleted and rebuilt; a single row that does not decode is read
again from its file. Nothing here can stop a build: without a usable
cache the build reads every file, as it would on its first run. The folder is safe to delete at any time.

Storage is one SQLite file (stdlib, no pickle: a cache file someone hands
you cannot run code). Values are JSON made from the model's dataclasses;
bytes (embedded cover art) are stored once per SHA-256 in their own table
and shared in memory between every episode that carries the same picture.

Reading and cleaning is spread over a process pool when there is enough of
it to pay for starting the workers (`POOL_THRESHOLD`); results come back in
the order they were asked for, so the build's output never depends on it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import sqlite3
import stat
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from feedtool import __version__, model, parallel
from feedtool.model import AudioInfo, Show, TextInfo
from feedtool.problems import FeedtoolError, Problem, ProblemFound, error
from feedtool.engine.write import signature

CACHE_DIR = ".feedtool-cache"
CACHE_FILE = "cache.sqlite3"
# The fields of TextInfo that hold the whole text, each in its own column.
HEAVY_TEXT_FIELDS = ("sections", "notes_html", "removed")
# Bump when the tables below change shape.
SCHEMA_VERSION = 4  # 2: content keys, paths relative to the show; 3: texts by git object id; 4: one stat column
# Below this many files to read, starting worker processes costs more than
# it saves (each worker imports mutagen, lxml, nh3: ~0.3 s).
POOL_THRESHOLD = 200
# And no more workers than there are this many files each to read.
JOBS_PER_WORKER = 50
# A file modified this close to the moment it was read may be modified again
# within the file system's timestamp granularity without its mtime changing
# (git calls such entries "racy"); it is read again next time rather than trusted.
RACY_NS = 1_000_000_000
# How much of an audio file's head and of its tail the content key covers
# (and past the end of a tag at the head), and at most in one region.
EDGE = 64 * 1024
MAX_REGION = 32 * 1024 * 1024

# The modules whose code decides what a cached value holds, and the
# libraries they call: a change to any of them empties the cache.
_READER_MODULES = ("../sources/audio.py", "../sources/text.py", "../sources/story.py", "../sources/chrome.py",
                   "../sources/stoplists.py", "../sources/webpage.py", "../sources/interview.py",
                   "../model.py", "cache.py", "../sources/episodes.py", "../sources/decode.py", "../safe_files.py")
_READER_LIBRARIES = ("mutagen", "nh3", "markdown-it-py", "charset-normalizer", "trafilatura", "jusText")

TextResult = tuple[TextInfo | None, list[Problem]]


@functools.cache
def reader_fingerprint() -> str:
    """A digest of the reading code and library versions, checked on open."""
    from feedtool.render import fingerprint

    here = Path(__file__).parent
    package = here.parent
    files = [(here / name).resolve() for name in _READER_MODULES]
    return fingerprint.of_code(package, files, _READER_LIBRARIES, f"{SCHEMA_VERSION}:{__version__}")


def content_key(path: Path, kind: str) -> str | None:
    """What a file holds, as the cache compares it when the stat signature
    does not match (see the module's docstring): a TEXT by git's object id
    of all its bytes, an AUDIO file by its size and the parts of it that
    hold what feedtool reads (`audio_regions`). None when the file cannot be
    read (the reader then says why, in order)."""
    try:
        # Not through safe_files' door: a key is a digest kept in the cache,
        # never published, and the reader that publishes goes through that
        # door (and its checks) itself. A FIFO or device is never opened for
        # reading here (O_NONBLOCK, then regular files only).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if kind != "audio":
                # Git's object id ("blob SIZE\0" and the bytes, SHA-1): what a
                # clone's index already holds for the file (engine/git_ids.py).
                h = hashlib.sha1(f"blob {size}\0".encode())  # noqa: S324 (git's id, not a secret)
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
                return h.hexdigest()
            h = hashlib.blake2b(kind.encode(), digest_size=20)
            head = fh.read(EDGE)
            h.update(f"\0{size}\0".encode())
            # A change outside these regions that keeps the size escapes
            # this key (the module's docstring says why that is acceptable).
            for start, length in audio_regions(fh, head, size):
                fh.seek(start)
                left = length
                while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
                    h.update(chunk)
                    left -= len(chunk)
            return h.hexdigest()
    except OSError:
        return None


def audio_regions(fh: Any, head: bytes, size: int) -> list[tuple[int, int]]:
    """(offset, length) of the parts of an audio file its content key
    covers: the first and last EDGE bytes (ID3v1 and APEv2 at the tail, an
    MP3's first frames and Xing/VBRI header, Ogg's and Opus's comment
    headers), stretched over the whole of a tag block that is bigger (an
    ID3v2 tag with its cover art, FLAC's metadata blocks: EDGE past their
    end), and an MP4's whole `moov` box wherever it is (its tags and its
    duration). Each region at most MAX_REGION bytes."""
    regions = [(0, EDGE), (max(0, size - EDGE), EDGE)]
    if head[:3] == b"ID3" and len(head) >= 10:
        tag = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | head[9] & 0x7F)
        regions.append((0, tag + (10 if head[5] & 0x10 else 0) + EDGE))
    elif head[:4] == b"fLaC":
        at = 4
        for _ in range(1000):  # metadata blocks: a 4-byte header each, the last one flagged
            fh.seek(at)
            block = fh.read(4)
            if len(block) < 4:
                break
            at += 4 + int.from_bytes(block[1:4], "big")
            if block[0] & 0x80:
                break
        regions.append((0, at + EDGE))
    elif head[4:8] == b"ftyp":
        at = 0
        for _ in range(1000):  # top-level boxes: 32-bit size (1: 64-bit follows; 0: to the end) and type
            fh.seek(at)
            box = fh.read(16)
            if len(box) < 8:
                break
            length = int.from_bytes(box[:4], "big")
            if length == 1 and len(box) == 16:
                length = int.from_bytes(box[8:16], "big")
            elif length == 0:
                length = size - at
            if length < 8:
                break
            if box[4:8] == b"moov":
                regions.append((at, length))
            at += length
    return [(start, min(length, MAX_REGION)) for start, length in regions]


# --- The model as JSON ----------------------------------------------------------
# Generic over the model's dataclasses, so a field another module adds to
# AudioInfo or TextInfo is cached without a change here. The JSON form is
# exact by construction: it takes only the exact types it gives back (str,
# int, bool, finite float, None, tuple, Path, bytes, str-keyed dict, model
# dataclasses), and anything else makes the value Uncacheable, so it is read
# from its file each time instead of coming back subtly different.

# A Kept is not among them: it means something only in the process that made it.
_MODEL_CLASSES: dict[str, type[Any]] = {
    name: cls for name, cls in vars(model).items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls is not model.Kept
}
_PLAIN = (str, int, bool)


class Uncacheable(Exception):
    """A value the JSON form cannot hold exactly."""


def encode(value: Any, blobs: dict[str, bytes]) -> Any:
    """VALUE as JSON-able data; bytes go into BLOBS by SHA-256."""
    kind = type(value)
    if value is None or kind in _PLAIN:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise Uncacheable("not a finite number")
        return value
    if kind is tuple:
        return [encode(v, blobs) for v in value]
    if isinstance(value, Path) and kind is type(Path()):
        return {"$path": str(value)}
    if kind is bytes:
        digest = hashlib.sha256(value).hexdigest()
        blobs[digest] = value
        return {"$blob": digest}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Uncacheable("a mapping with non-string keys")
        return {"$map": {k: encode(v, blobs) for k, v in value.items()}}
    if _MODEL_CLASSES.get(kind.__name__) is kind:
        fields = dataclasses.fields(value)
        if not all(f.init for f in fields):
            raise Uncacheable(f"{kind.__name__} has fields its constructor does not take")
        return {"$dc": kind.__name__, "f": {f.name: encode(getattr(value, f.name), blobs) for f in fields}}
    raise Uncacheable(f"cannot cache a {kind.__name__}")


def decode(data: Any, blob: Callable[[str], bytes]) -> Any:
    """The inverse of `encode`; BLOB returns the bytes of a digest."""
    if isinstance(data, list):
        return tuple(decode(v, blob) for v in data)
    if not isinstance(data, dict):
        return data
    if "$path" in data:
        return Path(data["$path"])
    if "$blob" in data:
        return blob(data["$blob"])
    if "$map" in data:
        return {k: decode(v, blob) for k, v in data["$map"].items()}
    cls = _MODEL_CLASSES[data["$dc"]]
    return cls(**{k: decode(v, blob) for k, v in data["f"].items()})


def _pack(value: Any) -> bytes:
    # Level 1: interview texts shrink to a third at ~300 MB/s.
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def _unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data))


# --- Reading, in this process or in a worker ---------------------------------------


def read_audio(path: Path, display: str | None = None) -> AudioInfo:
    """audio.read_audio, imported when first needed (mutagen is not, on a
    build that finds nothing changed)."""
    from feedtool.sources.audio import read_audio as read

    return read(path, display)


def read_text(path: Path, display: str, patterns: Sequence[str], markdown: bool, language: str = "") -> TextResult:
    """Read and clean one interview text; what `episodes.load_group` does without a cache."""
    from feedtool.sources import interview
    from feedtool.sources.episodes import read_text_file

    problems: list[Problem] = []
    try:
        content, found = read_text_file(path, display)
        problems.extend(found)
        # The file's suffix picks the reader (MARKDOWN tells a .md apart
        # in the cache's key, as it always has).
        return interview.parse(content, path.suffix, patterns, language=language or None), problems
    except ProblemFound as exc:
        problems.append(exc.problem)
        return None, problems


@dataclass(frozen=True)
class Job:
    kind: str  # "audio" or "text"
    path: Path
    display: str
    patterns: tuple[str, ...] = ()
    markdown: bool = False
    language: str = ""  # the show's, which the text reader takes as a prior
    content: str | None = None  # the content key, when the main process worked it out


@dataclass(frozen=True)
class Done:
    job: Job
    read_ns: int  # when the read began, for the racy check
    content: str | None = None  # the file's content key, taken before it was read
    audio: AudioInfo | None = None
    text: TextInfo | None = None  # None when packed
    problems: tuple[Problem, ...] = ()
    # A cleaned text as the cache stores it (pack_text): made in the worker,
    # so that the main process only writes it, and fewer bytes come back.
    packed: tuple[bytes | None, ...] | None = None
    blobs: tuple[tuple[str, bytes], ...] = ()

    def text_info(self) -> TextInfo | None:
        if self.text is not None or self.packed is None or self.packed[0] is None:
            return self.text
        return unpack_text(self.packed, dict(self.blobs).__getitem__)


def pack_text(text: TextInfo, blobs: dict[str, bytes]) -> tuple[bytes | None, ...]:
    """The columns of the text table: the small fields, then each big field
    on its own (None when empty: it stays with the small ones), so that one
    can be read back without the others."""
    light = encode(text, blobs)
    heavy = [_pack(light["f"].pop(name)) if light["f"][name] else None for name in HEAVY_TEXT_FIELDS]
    return (_pack(light), *heavy)


def unpack_text(columns: Sequence[bytes | None], blob: Callable[[str], bytes]) -> TextInfo:
    if columns[0] is None:
        raise ValueError("no text")
    light = _unpack(columns[0])
    for name, packed in zip(HEAVY_TEXT_FIELDS, columns[1:]):
        if packed is not None:
            light["f"][name] = _unpack(packed)
    text = decode(light, blob)
    if not isinstance(text, TextInfo):
        raise TypeError("not a TextInfo")
    return text


def run_job(job: Job) -> Done:
    """One read; module-level so that worker processes can run it. The
    content key is taken first: if the file changes during the read, the
    key is of the older bytes, and the next build reads it again."""
    read_ns = time.time_ns()
    content = job.content or content_key(job.path, job.kind)
    if job.kind == "audio":
        try:
            return Done(job, read_ns, content, audio=read_audio(job.path, job.display))
        except ProblemFound as exc:
            return Done(job, read_ns, content, problems=(exc.problem,))
    text, problems = read_text(job.path, job.display, job.patterns, job.markdown, job.language)
    if text is not None and not any(p.is_error for p in problems):
        blobs: dict[str, bytes] = {}
        try:
            return Done(job, read_ns, content, problems=tuple(problems), packed=pack_text(text, blobs),
                        blobs=tuple(blobs.items()))
        except Uncacheable:
            pass
    return Done(job, read_ns, content, text=text, problems=tuple(problems))


def run_jobs(jobs: Sequence[Job], progress: Callable[[int], None] | None = None) -> Iterator[Done]:
    """Run JOBS, on every core when there are enough of them, in order
    (small chunks keep both workers busy to the end)."""
    languages = sorted({job.language or "" for job in jobs if job.kind == "text"})
    prepare = functools.partial(_prepare_reader, languages) if languages else None
    yield from parallel.process_map(run_job, jobs, threshold=POOL_THRESHOLD, per_worker=JOBS_PER_WORKER,
                                    chunksize=16, progress=progress, prepare=prepare)
    if prepare is not None and len(jobs) >= POOL_THRESHOLD:
        _release_reader()  # loaded for the workers, who are done


def _prepare_reader(languages: Sequence[str]) -> None:
    from feedtool.sources import stoplists

    stoplists.load_all(language for language in languages if language)


def _release_reader() -> None:
    from feedtool.sources import stoplists

    stoplists.unload()


# --- The cache ----------------------------------------------------------------------

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audio (path TEXT PRIMARY KEY, size INTEGER, stat TEXT,
                                  content TEXT NOT NULL, info BLOB NOT NULL, blobs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text (path TEXT PRIMARY KEY, size INTEGER, stat TEXT,
                                 content TEXT NOT NULL, variant TEXT NOT NULL, problems BLOB NOT NULL, light BLOB,
                                 sections BLOB, notes_html BLOB, removed BLOB);
CREATE TABLE IF NOT EXISTS blob (hash TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


@dataclass
class Stats:
    """What the cache saved, for tests and the build summary."""

    audio_hits: int = 0  # both keys
    audio_reads: int = 0
    text_hits: int = 0
    text_reads: int = 0
    content_hits: int = 0  # of the hits, those found by content (a clone, a touch)
    rebuilt: str | None = None  # why the cache file was started afresh


class Cache:
    """The show's read cache. Use as `episodes.load(show, reader=cache)`:
    calling it reads one audio file, `text()` one interview text, and
    `prefetch()` reads everything a list of episodes needs, in parallel."""

    def __init__(self, show_root: Path, *, enabled: bool = True, keys: Mapping[str, str] | None = None):
        """KEYS: the content key of files this build already knows (the build
        record worked them out, engine/memo.py), by entry name: not read again."""
        self.folder = show_root / CACHE_DIR
        self._keys = keys or {}
        self.path = self.folder / CACHE_FILE
        self.root = show_root
        self.stats = Stats()
        self._db: sqlite3.Connection | None = None
        self._blobs: dict[str, bytes] = {}  # one bytes object per picture
        self._audio: dict[str, AudioInfo] = {}  # read or prefetched in this build
        self._texts: dict[str, TextResult] = {}
        self._seen_audio: set[str] = set()
        self._seen_text: set[str] = set()
        self._fingerprint = reader_fingerprint()
        self._texts_out = _TextFields(self)
        if enabled:
            self._open()

    # -- opening, and giving up -----------------------------------------------------

    def _open(self) -> None:
        try:
            self._db = self._connect()
        except (sqlite3.Error, OSError, ValueError) as exc:
            # Corrupt, foreign or unreadable: start again from an empty file.
            self.stats.rebuilt = f"{type(exc).__name__}: {exc}"
            self._close_quietly()
            try:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                self._db = self._connect()
            except (sqlite3.Error, OSError, ValueError):
                self._close_quietly()  # a read-only show folder: build without a cache

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(exist_ok=True)
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            # The Cache Directory Tagging Specification: backup tools skip this folder.
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                           "# feedtool's read cache; safe to delete.\n", "ascii")
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_TABLES)
            row = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
            if row is None or row[0] != self._fingerprint:
                if row is not None:
                    self.stats.rebuilt = "feedtool or its libraries changed"
                db.execute("BEGIN IMMEDIATE")
                # Dropped, not emptied: another version's tables may have another shape.
                for table in ("audio", "text", "blob", "outputs", "meta"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _TABLES.split(";"):  # not executescript: it would commit
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (self._fingerprint,))
                db.execute("COMMIT")
            db.execute("BEGIN")  # one transaction per build: one fsync, not 10,000
        except BaseException:
            db.close()
            raise
        return db

    def _close_quietly(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def _failed(self, exc: sqlite3.Error) -> None:
        """A database error mid-build: finish the build without the cache,
        and let the next build start it afresh."""
        self.stats.rebuilt = f"{type(exc).__name__}: {exc}"
        self._close_quietly()
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            except OSError:
                pass

    @property
    def enabled(self) -> bool:
        return self._db is not None

    # -- blobs ---------------------------------------------------------------------------

    def _blob(self, digest: str) -> bytes:
        data = self._blobs.get(digest)
        if data is None:
            assert self._db is not None
            row = self._db.execute("SELECT data FROM blob WHERE hash=?", (digest,)).fetchone()
            if row is None or hashlib.sha256(row[0]).hexdigest() != digest:
                raise KeyError(digest)
            data = self._blobs[digest] = bytes(row[0])
        return data

    # -- audio ---------------------------------------------------------------------------

    def _known(self, key: str) -> str | None:
        found = self._keys.get(key)
        # Not a link's or an unreadable file's key (memo.content_key), which name more than the content.
        return found if found is not None and ":" not in found else None

    def _content_key(self, key: str, path: Path, kind: str) -> str | None:
        return self._known(key) or content_key(path, kind)

    def key(self, path: Path) -> str:
        """The entry's name: PATH relative to the show folder, "/"-separated
        (a clone elsewhere finds it); a file outside the show, by its path."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def __call__(self, path: Path, display: str | None = None) -> AudioInfo:
        """The reader `episodes.load` calls: AudioInfo from the cache or the file."""
        key = self.key(path)
        self._seen_audio.add(key)
        info = self._audio.pop(key, None)  # prefetched
        if info is None:
            try:
                st = os.stat(path)
            except OSError:
                return read_audio(path, display)  # it names the problem
            info, content = self._cached_audio(key, path, st)
            if info is None:
                info = self._store(run_job(Job("audio", path, display or str(path), content=content)), st)
        return info

    def _cached_audio(self, key: str, path: Path, st: os.stat_result) -> tuple[AudioInfo | None, str | None]:
        """The cached AudioInfo of PATH, by its stat signature or else by its
        content key; and the content key, if it was worked out (for the read)."""
        if self._db is None:
            return None, None
        content = None
        try:
            row = self._db.execute("SELECT info FROM audio WHERE path=? AND stat=?",
                                   (key, signature(st))).fetchone()
            if row is None:
                # Not the file that was read, by its stat: perhaps by its content.
                known = self._db.execute("SELECT content FROM audio WHERE path=? AND size=?",
                                         (key, st.st_size)).fetchone()
                if known is None:
                    return None, self._known(key)  # a new file, or another size: read it
                content = self._content_key(key, path, "audio")
                if content is None or content != known[0]:
                    return None, content
                row = self._db.execute("SELECT info FROM audio WHERE path=?", (key,)).fetchone()
                self._resign("audio", key, st)
                self.stats.content_hits += 1
            info = decode(_unpack(row[0]), self._blob)
            if not isinstance(info, AudioInfo):
                raise TypeError("not an AudioInfo")
            if info.path != path:  # the show was copied or cloned elsewhere
                info = dataclasses.replace(info, path=path)
        except sqlite3.Error as exc:
            self._failed(exc)
            return None, content
        except (ValueError, KeyError, TypeError, zlib.error):
            return None, content  # an entry that does not decode is read again and replaced
        self.stats.audio_hits += 1
        return info, content

    def _resign(self, table: str, key: str, st: os.stat_result) -> None:
        """Record the stat signature of a file found by its content, so that
        the next build takes the fast path; unless the file is so fresh that
        it could change again without its mtime moving (RACY_NS)."""
        assert self._db is not None
        if st.st_mtime_ns < time.time_ns() - RACY_NS:
            self._db.execute(f"UPDATE {table} SET stat=? WHERE path=?", (signature(st), key))

    def _store(self, done: Done, st: os.stat_result) -> AudioInfo:
        """Record a finished audio read; raise its problem like read_audio does."""
        self.stats.audio_reads += 1
        if done.audio is None:
            raise ProblemFound(done.problems[0])
        info = done.audio
        if self._db is not None and done.content is not None and st.st_mtime_ns < done.read_ns - RACY_NS:
            blobs: dict[str, bytes] = {}
            try:
                data = encode(info, blobs)
                self._db.executemany("INSERT OR IGNORE INTO blob VALUES (?, ?)", blobs.items())
                self._db.execute("INSERT OR REPLACE INTO audio VALUES (?, ?, ?, ?, ?, ?)",
                                 (self.key(done.job.path), st.st_size, signature(st), done.content, _pack(data),
                                  " ".join(sorted(blobs))))
            except Uncacheable:
                pass
            except sqlite3.Error as exc:
                self._failed(exc)
        if info.artwork is not None:
            # One bytes object per picture, shared by every episode that
            # carries it (a show's cover embedded in each of 10,000 files).
            data = info.artwork.data
            shared = self._blobs.setdefault(hashlib.sha256(data).hexdigest(), data)
            if shared is not data:
                info = dataclasses.replace(info, artwork=dataclasses.replace(info.artwork, data=shared))
        return info

    # -- texts ---------------------------------------------------------------------------

    @staticmethod
    def variant(patterns: Sequence[str], markdown: bool, language: str = "") -> str:
        """What else a cleaned text depends on: the show's patterns, the
        syntax and the show's language."""
        data = json.dumps([list(patterns), markdown, language])
        digest = hashlib.sha256(data.encode()).hexdigest()[:16]
        _variants[digest] = data
        return digest

    def text(self, show: Show, path: Path, display: str) -> TextResult:
        """A cleaned interview text and its warnings, from the cache or the file."""
        key = self.key(path)
        self._seen_text.add(key)
        found = self._texts.pop(key, None)  # prefetched and not stored: handed over once
        if found is not None:
            return found
        markdown = path.suffix == ".md"  # as episodes.load_group decides
        variant = self.variant(show.clean_patterns, markdown, show.language)
        try:
            st = os.stat(path)
        except OSError:
            return read_text(path, display, show.clean_patterns, markdown, show.language)
        known, content = self._find_text(key, path, st, variant)
        if known is not None:
            cached = self._cached_text(key, path, known, variant)
            if cached is not None:
                return cached
        done = run_job(Job("text", path, display, tuple(show.clean_patterns), markdown, show.language, content))
        if self._store_text(done, st, variant) and done.content is not None:
            cached = self._cached_text(key, path, done.content, variant)
            if cached is not None:
                self.stats.text_hits -= 1  # read from the file, not the cache
                return cached
        return done.text_info(), list(done.problems)

    def _find_text(self, key: str, path: Path, st: os.stat_result, variant: str) -> tuple[str | None, str | None]:
        """(the content key of the cached entry of PATH when it holds this
        very file, cleaned the VARIANT way, else None; the file's content key
        if it had to be worked out, for the read)."""
        if self._db is None:
            return None, None
        try:
            row = self._db.execute("SELECT content FROM text WHERE path=? AND stat=? AND variant=?",
                                   (key, signature(st), variant)).fetchone()
            if row is not None:
                return row[0], None
            row = self._db.execute("SELECT content FROM text WHERE path=? AND size=? AND variant=?",
                                   (key, st.st_size, variant)).fetchone()
            if row is None:
                return None, self._known(key)  # a new file, another size or other patterns: clean it
            content = self._content_key(key, path, "text")
            if content != row[0]:
                return None, content
            self._resign("text", key, st)
            self.stats.content_hits += 1
            return content, content
        except sqlite3.Error as exc:
            self._failed(exc)
            return None, None

    def _cached_text(self, key: str, path: Path, content: str, variant: str) -> TextResult | None:
        """The cached text, its big fields left in the cache as model.Kept
        values: 10,000 cleaned texts would not fit in memory (issue 7)."""
        if self._db is None:
            return None
        try:
            present = ", ".join(f"{name} IS NOT NULL" for name in HEAVY_TEXT_FIELDS)
            row = self._db.execute(f"SELECT problems, light, {present} FROM text WHERE path=? AND content=? "
                                   "AND variant=?", (key, content, variant)).fetchone()
            if row is None:
                return None
            problems = [Problem.from_dict(p) for p in _unpack(row[0])]
            info = None
            if row[1] is not None:
                light = _unpack(row[1])
                # A short name for this very version of the text, for fingerprints
                # (10,000 episodes hold 30,000 of these): the same on a clone.
                ref = hashlib.blake2b(f"{key}\0{content}\0{variant}".encode(), digest_size=10).hexdigest()
                for name, stored_apart in zip(HEAVY_TEXT_FIELDS, row[2:]):
                    if stored_apart:
                        light["f"][name] = model.Kept(
                            f"text:{ref}:{name}",
                            functools.partial(self._texts_out.load, key, path, content, variant, name))
                info = decode(light, self._blob)
                if not isinstance(info, TextInfo):
                    raise TypeError("not a TextInfo")
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        except (ValueError, KeyError, TypeError, zlib.error):
            return None  # read again and replaced
        self.stats.text_hits += 1
        return info, problems

    def _store_text(self, done: Done, st: os.stat_result, variant: str) -> bool:
        """Record a finished text read; say whether it went into the cache
        (if not, `done.text_info()` is the only copy)."""
        self.stats.text_reads += 1
        if (self._db is None or done.content is None or any(p.is_error for p in done.problems)
                or st.st_mtime_ns >= done.read_ns - RACY_NS):
            return False
        if done.packed is None and done.text is not None:
            return False  # Uncacheable
        columns = done.packed or (None,) * (1 + len(HEAVY_TEXT_FIELDS))  # no text: the problems only
        try:
            problems = [dataclasses.asdict(p) | {"severity": p.severity.value} for p in done.problems]
            self._db.executemany("INSERT OR IGNORE INTO blob VALUES (?, ?)", done.blobs)
            self._db.execute(
                f"INSERT OR REPLACE INTO text VALUES (?, ?, ?, ?, ?, ?, ?{', ?' * len(HEAVY_TEXT_FIELDS)})",
                (self.key(done.job.path), st.st_size, signature(st), done.content, variant, _pack(problems),
                 *columns))
        except sqlite3.Error as exc:
            self._failed(exc)
            return False
        return True

    # -- reading ahead, in parallel ------------------------------------------------------

    def prefetch(self, show: Show, groups: Iterable[Any], display: Callable[[Path], str],
                 progress: Callable[[int, int, str], None] | None = None) -> None:
        """Read every audio file and text of GROUPS (`episodes.Group`s) that
        the cache does not hold, on all cores when there are many. Afterwards
        `__call__` and `text` answer from memory or from the cache."""
        jobs: list[Job] = []
        stats: list[os.stat_result] = []
        for group in groups:
            if len(group.audio) == 1:
                path = group.audio[0]
                try:
                    st = os.stat(path)
                except OSError:
                    st = None  # read_audio will say what is wrong, in order
                info, content = self._cached_audio(self.key(path), path, st) if st else (None, None)
                if info is not None:
                    self._audio[self.key(path)] = info
                elif st is not None:
                    jobs.append(Job("audio", path, display(path), content=content))
                    stats.append(st)
            if len(group.text) == 1:
                path = group.text[0]
                markdown = path.suffix == ".md"  # as episodes.load_group decides
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                variant = self.variant(show.clean_patterns, markdown, show.language)
                known, content = self._find_text(self.key(path), path, st, variant)
                if known is not None:
                    continue
                jobs.append(Job("text", path, display(path), tuple(show.clean_patterns), markdown, show.language,
                                content))
                stats.append(st)
        if not jobs:
            return
        report = (lambda n: progress(n, len(jobs), "reading")) if progress else None
        for done, st in zip(run_jobs(jobs, report), stats):
            key = self.key(done.job.path)
            if done.job.kind == "audio":
                if done.audio is not None:
                    self._audio[key] = self._store(done, st)
                # A file with a problem is read again in order, where its problem is reported.
            else:
                if not self._store_text(done, st, self.variant(done.job.patterns, done.job.markdown, done.job.language)):
                    # Stored ones are read back when needed, their big fields one at a time.
                    self._texts[key] = (done.text_info(), list(done.problems))

    # -- the end of a build ----------------------------------------------------------------

    def close(self, *, prune: bool = True) -> None:
        """Commit what was read. With PRUNE, forget files this build did not
        ask for (deleted or renamed episodes) and pictures nothing uses."""
        if self._db is None:
            return
        try:
            if prune:
                for table, seen in (("audio", self._seen_audio), ("text", self._seen_text)):
                    stale = [(p,) for (p,) in self._db.execute(f"SELECT path FROM {table}")
                             if p not in seen]
                    self._db.executemany(f"DELETE FROM {table} WHERE path=?", stale)
                used = {h for (hs,) in self._db.execute("SELECT blobs FROM audio") for h in hs.split()}
                # Texts hold no pictures today, but a text's model may one day: keep its blobs too.
                for (packed,) in self._db.execute("SELECT light FROM text WHERE light IS NOT NULL"):
                    used.update(_blob_refs(_unpack(packed)))
                unused = [(h,) for (h,) in self._db.execute("SELECT hash FROM blob") if h not in used]
                self._db.executemany("DELETE FROM blob WHERE hash=?", unused)
            self._db.execute("COMMIT")
        except (sqlite3.Error, ValueError, zlib.error) as exc:
            if isinstance(exc, sqlite3.Error):
                self._failed(exc)
        finally:
            self._close_quietly()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(prune=exc[0] is None)


class _TextFields:
    """Loads one big field of a cached text when a model.Kept is loaded: from
    the cache's own connection while the build reads episodes, from a
    read-only one afterwards (rendering, writing)."""

    KEEP = 16  # the fields used last: a page reads notes and sections (its transcript) in turn

    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        self._db: sqlite3.Connection | None = None
        self._recent: OrderedDict[tuple[str, str], Any] = OrderedDict()
        _loaders.add(self)

    def forked(self) -> None:
        """In a forked child (write.commit making pages on every core): an
        SQLite connection must not be used across fork; open another."""
        self._db = None

    def _connection(self) -> sqlite3.Connection:
        if self._cache._db is not None:
            return self._cache._db
        if self._db is None:
            self._db = sqlite3.connect(f"{self._cache.path.as_uri()}?mode=ro", uri=True, timeout=2.0)
        return self._db

    def load(self, key: str, path: Path, content: str, variant: str, name: str) -> Any:
        found = self._recent.get((key, name))
        if found is not None:
            self._recent.move_to_end((key, name))
            return found
        try:
            row = self._connection().execute(
                f"SELECT {name} FROM text WHERE path=? AND content=? AND variant=?",
                (key, content, variant)).fetchone()
            if row is None or row[0] is None:
                raise KeyError(key)
            value = decode(_unpack(row[0]), self._cache._blob)
        except (sqlite3.Error, KeyError, ValueError, TypeError, zlib.error):
            value = self._again(path, content, variant, name)
        self._recent[(key, name)] = value
        if len(self._recent) > self.KEEP:
            self._recent.popitem(last=False)
        return value

    def _again(self, path: Path, content: str, variant: str, name: str) -> Any:
        """The cache lost the row mid-build (deleted, or rebuilt by another
        build): clean the text again, if it is still the same file."""
        shown = str(path)
        if content_key(path, "text") == content:
            job = json.loads(_variants.get(variant, "null"))
            if job is not None:
                text, _ = read_text(path, shown, *job)
                if text is not None:
                    return getattr(text, name)
        raise FeedtoolError([error(shown, None, "changed or vanished while the build was running; build again")])


_variants: dict[str, str] = {}  # variant digest → its JSON, to clean a text again
_loaders: weakref.WeakSet[_TextFields] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for loader in list(_loaders):
        loader.forked()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _blob_refs(data: Any) -> Iterator[str]:
    if isinstance(data, list):
        for v in data:
            yield from _blob_refs(v)
    elif isinstance(data, dict):
        if "$blob" in data:
            yield data["$blob"]
        for v in data.values():
            yield from _blob_refs(v)


# --- The database ---------------------------------------------------------------------
# Shared with the build record (memo.py), which keeps the output stamps too:
# here, beside the other things a build may forget, and not in public/
# (whose manifest is committed with the show).


def existing_db(show_root: Path) -> sqlite3.Connection | None:
    """The cache database when it exists and was written by this feedtool."""
    path = show_root / CACHE_DIR / CACHE_FILE
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        row = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        if row is None or row[0] != reader_fingerprint():
            db.close()
            return None
        db.executescript(_TABLES)
        return db
    except sqlite3.Error:
        return None
