"""Put a build's bytes into public/ without ever serving a half-written feed.

Every changed file is first written to a hidden temporary file in its own
folder; only when all are staged are they renamed into place, the feed last.
A build killed while staging leaves public/ as it was (the hidden leftovers
are swept by the next build). Files of removed episodes are deleted only
after the new feed is in place, and only files feedtool wrote itself (listed
in its manifest), never a CNAME or anything else the user keeps there.

At 10,000 episodes (issue 7) the comparison itself must be cheap: sizes are
compared before bytes; an audio file whose size and mtime match its source
is taken as copied (a copy keeps the source's mtime); and `Deferred` content
is not even made when the output stamps (kept in the read cache) say the
file in public/ is still the one written from the same inputs.
"""

from __future__ import annotations

import difflib
import filecmp
import gc
import json
import os
import secrets
import select
import shutil
import tempfile
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple, NoReturn

from feedtool import parallel
from feedtool.problems import FeedtoolError, Problem
from feedtool.render import fingerprint
from feedtool.render.fingerprint import Content, Deferred


def signature(st: os.stat_result) -> str:
    """A file's stat signature, the one every record of feedtool's keeps (the
    read cache, the build record, output stamps): size, mtime and inode. A
    file whose signature is as recorded is taken to hold what it held then."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


class Stamp(NamedTuple):
    """What was written to an output file from a Deferred: its key, and the
    file's signature right after, to notice any later edit."""

    key: str
    stat: str


MANIFEST = ".feedtool-manifest.json"
TMP_SUFFIX = ".feedtool-tmp"


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Deferred content made while comparing and found changed, kept for
    # staging so that it is not made twice.
    rendered: dict[str, bytes] = field(default_factory=dict, repr=False)
    # The output stamps after this build (Deferred files only).
    stamps: dict[str, Stamp] = field(default_factory=dict, repr=False)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def read_manifest(out: Path) -> list[str]:
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        return [p for p in data.get("files", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return []


def manifest_bytes(paths: list[str]) -> bytes:
    return (json.dumps({"files": sorted(paths)}, indent=1) + "\n").encode()


def same(target: Path, content: bytes | Path, st: os.stat_result | None = None) -> bool:
    try:
        st = st or target.stat()
    except OSError:
        return False
    if isinstance(content, Path):
        src = content.stat()
        if os.path.samestat(st, src):
            return False  # a hard link of an older feedtool's: replaced by a copy (issue 13)
        if st.st_size != src.st_size:
            return False
        if st.st_mtime_ns == src.st_mtime_ns:
            return True  # copy2 keeps the source's mtime
        return filecmp.cmp(content, target, shallow=False)
    return st.st_size == len(content) and target.read_bytes() == content


def stamp_of(key: str, st: os.stat_result) -> Stamp:
    return Stamp(key, signature(st))


def compare(out: Path, files: Mapping[str, Content], stamps: Mapping[str, Stamp] | None = None,
            keep: Collection[str] = ()) -> Changes:
    """What writing FILES below OUT would change. STAMPS are the output
    stamps of the last build into OUT (an empty mapping is always safe).
    KEEP are files of the last build to leave as they are (an incremental
    build, patch.py, knows they have not changed)."""
    changes = Changes(unchanged=len(keep))
    stamps = stamps or {}
    base = str(out) + os.sep
    for rel in sorted(files):
        try:
            st = os.stat(base + rel)  # not Path: 50,000 files at 10,000 episodes
        except OSError:
            changes.added.append(rel)
            continue
        target = out / rel
        content = files[rel]
        if isinstance(content, Deferred):
            key = content.key
            if key is not None and stamps.get(rel) == stamp_of(key, st):
                changes.stamps[rel] = stamps[rel]
                changes.unchanged += 1
                continue
            data = content.render()
            if same(target, data, st):
                if key is not None:
                    changes.stamps[rel] = stamp_of(key, st)
                changes.unchanged += 1
            else:
                changes.rendered[rel] = data
                changes.changed.append(rel)
        elif same(target, content, st):
            changes.unchanged += 1
        else:
            changes.changed.append(rel)
    fingerprint.forget()  # the keys of the files public/ has are taken
    wanted = set(files).union(keep)
    changes.removed = sorted(p for p in read_manifest(out) if p not in wanted and (out / p).exists())
    return changes


def feed_diff(out: Path, name: str, new: bytes, context: int = 2, limit: int = 80) -> str:
    old_path = out / name
    old = old_path.read_text("utf-8", errors="replace").splitlines(keepends=True) if old_path.exists() else []
    lines = list(difflib.unified_diff(old, new.decode("utf-8").splitlines(keepends=True),
                                      f"{name} (public)", f"{name} (new build)", n=context))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more diff lines\n"]
    return "".join(lines)


# Linux's FICLONE ioctl: a copy-on-write clone (btrfs, XFS, bcachefs).
_FICLONE = 0x40049409
# Whether a clone worked from one file system (st_dev) to another, tried
# once a process: a failed try creates and deletes a file, and on ext4
# without a journal the allocator skips a deleted inode for up to five
# minutes (fs/ext4/ialloc.c, recently_deleted; Jan Kara's 2020 patch "ext4:
# avoid ENOSPC when avoiding to reuse recently deleted inodes" describes
# it), so 10,000 failed tries made every later file of the build slower to
# create.
_CLONES: dict[tuple[int, int], bool] = {}


def _clone(source: BinaryIO, source_path: Path, target: Path) -> Path | None:
    """A temporary name for TARGET holding a copy-on-write clone of SOURCE
    (its own inode: a later write to either file leaves the other as it
    was), or None where the file system has no clones.

    Never a hard link (issue 13): a hard link is the episode's own file, so
    a tool that rewrote the audio or the cover in place changed the
    published bytes at once, even when the build then failed and said
    nothing was written.
    """
    devices = (os.fstat(source.fileno()).st_dev, target.parent.stat().st_dev)
    if not _CLONES.get(devices, True):
        return None
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}{TMP_SUFFIX}"
    try:
        import fcntl

        with open(tmp, "xb") as dst:
            fcntl.ioctl(dst.fileno(), _FICLONE, source.fileno())
        shutil.copystat(source_path, tmp)
        _CLONES[devices] = True
        return tmp
    except (OSError, ImportError):
        tmp.unlink(missing_ok=True)
        _CLONES[devices] = False
        return None


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    """The bytes of SOURCE into TARGET: by copy_file_range, which keeps them
    in the kernel (and lets a file system copy on its own side), else read
    and written here."""
    try:
        while os.copy_file_range(source.fileno(), target.fileno(), 1 << 30):
            pass
        return
    except (AttributeError, OSError):  # not Linux, or not between these file systems
        source.seek(0)
        target.seek(0)
        target.truncate()
    shutil.copyfileobj(source, target, 1 << 20)


def _source(content: Path, target: Path) -> BinaryIO:
    """CONTENT opened through the guarded door (a regular file, never a FIFO
    or a device, even if it was replaced by one since it was checked)."""
    from feedtool import safe_files
    from feedtool.problems import ProblemFound

    try:
        return safe_files.open_file(content, str(content))
    except ProblemFound as exc:
        raise FeedtoolError([exc.problem]) from None


def _stage(target: Path, content: bytes | Path, sync: bool) -> Path:
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    source = _source(content, target) if isinstance(content, Path) else None
    try:
        if source is not None and not sync:
            assert isinstance(content, Path)
            cloned = _clone(source, content, target)
            if cloned is not None:
                return cloned
        # mkstemp's way, with fewer steps: a random name, created only if new.
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                if source is not None:
                    _copy(source, f)
                else:
                    assert isinstance(content, bytes)
                    f.write(content)
                if sync:
                    f.flush()
                    os.fsync(f.fileno())
            if isinstance(content, Path):
                shutil.copystat(content, tmp)  # its mtime: same() then knows the copy without reading it
            else:
                os.chmod(tmp, 0o644)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)
    finally:
        if source is not None:
            source.close()


def sweep_leftovers(out: Path) -> None:
    # os.walk rather than rglob: public/ of a large show holds 50,000 files.
    for folder, _dirs, names in os.walk(out):
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                Path(folder, name).unlink(missing_ok=True)


def commit(out: Path, files: Mapping[str, Content], feed_name: str,
           stamps: Mapping[str, Stamp] | None = None, keep: Collection[str] = ()) -> Changes:
    """Write FILES below OUT, leaving KEEP as they are; return what changed,
    with the new output stamps (of FILES).

    With KEEP (an incremental build, patch.py), leftovers of a killed build
    are not swept: they are hidden files that nothing links to, and the next
    full build sweeps them (walking 50,000 files would double its time)."""
    existed = out.is_dir()
    out.mkdir(parents=True, exist_ok=True)
    if not keep:
        sweep_leftovers(out)
    changes = compare(out, files, stamps, keep)
    todo = changes.added + changes.changed
    # The feed goes last: once it is renamed in, everything it links to exists.
    todo.sort(key=lambda rel: rel == feed_name)
    # (temporary file, name below OUT), as strings: a build of 10,000
    # episodes stages 46,000 files, and a pair of Paths costs 1.4 KB.
    staged: list[tuple[str, str]] = []
    keys: dict[str, str | None] = {}  # the keys forked copies took
    try:
        _stage_all(out, todo, files, changes, feed_name, staged, keys)
    except BaseException:
        # A Deferred page can fail to render (a broken show template): leave
        # OUT as it was, without the folders made for the staged files.
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        for rel in todo:
            prune_empty(out, (out / rel).parent)
        if not existed:
            prune_empty(out.parent, out)
        raise
    for tmp, rel in staged:
        os.replace(tmp, os.path.join(out, rel))
    for rel in todo:
        content = files[rel]
        if isinstance(content, Deferred):
            key = keys[rel] if rel in keys else content.key
            if key is not None:
                changes.stamps[rel] = stamp_of(key, (out / rel).stat())
    fingerprint.forget()
    manifest = out / MANIFEST
    # An incremental build that added and removed nothing has the same
    # manifest (its stat was checked with the other outputs'): not remade.
    same_names = bool(keep) and not changes.added and not changes.removed and manifest.exists()
    new_manifest = b"" if same_names else manifest_bytes([*files, *keep])
    if not same_names and (not manifest.exists() or manifest.read_bytes() != new_manifest):
        os.replace(_stage(manifest, new_manifest, sync=False), manifest)
    for rel in changes.removed:
        (out / rel).unlink(missing_ok=True)
        prune_empty(out, (out / rel).parent)
    return changes


# Above this many files to make (Deferred), commit makes them on every core.
PARALLEL_THRESHOLD = 200


def _stage_one(out: Path, rel: str, files: Mapping[str, Content], changes: Changes, feed_name: str) -> Path:
    content = files[rel]
    if isinstance(content, Deferred):
        # Made now, one at a time, and let go once staged.
        done = changes.rendered.pop(rel, None)
        content = content.render() if done is None else done
    return _stage(out / rel, content, sync=rel == feed_name)


def _workers(todo: list[str], files: Mapping[str, Content]) -> int:
    """How many processes should make TODO: forking is worth it for many
    pages, and safe only while this process runs no other thread (a forked
    copy of a held lock never comes free); no fork on Windows."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return 1
    if sum(isinstance(files[rel], Deferred) for rel in todo) < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(parallel.cores(), 8))


def _stage_all(out: Path, todo: list[str], files: Mapping[str, Content], changes: Changes, feed_name: str,
               staged: list[tuple[str, str]], keys: dict[str, str | None]) -> None:
    """Stage TODO, appending to STAGED as it goes (so that a failure can
    remove what was staged), the feed last. Many pages are made by forked
    copies of this process, which need nothing sent to them: each stages a
    run of CHUNK files, lists the temporary files it made and ends; at most
    one a core at a time, while this process only waits. A copy shares this
    process's memory until it touches an object, and one that ends early
    gives back what it took (the memory of a process that has made thousands
    of pages does not shrink back, even once they are freed). A copy also
    takes the keys of the files it makes, into KEYS."""
    workers = _workers(todo, files)
    rest = [rel for rel in todo if rel != feed_name]
    if workers == 1:
        for rel in rest:
            staged.append((str(_stage_one(out, rel, files, changes, feed_name)), rel))
    else:
        _stage_forked(out, rest, files, changes, feed_name, staged, keys, workers)
    if feed_name in todo:
        staged.append((str(_stage_one(out, feed_name, files, changes, feed_name)), feed_name))


# How many episodes' files a forked copy makes before it ends (a few MB of
# its own memory; the objects it reads are copied into it as it reads them).
CHUNK = 200


def _stage_forked(out: Path, rest: list[str], files: Mapping[str, Content], changes: Changes, feed_name: str,
                  staged: list[tuple[str, str]], keys: dict[str, str | None], workers: int) -> None:
    # Runs of episodes (sorted by name less folder and suffix: one episode's
    # page, transcripts and chapters together), so that a copy touches, and
    # so copies, the objects of its own episodes only.
    chunks = _chunks(sorted(rest, key=_by_episode), files)
    running: dict[int, tuple[IO[bytes], int | None]] = {}  # pid → its report, and a pidfd to wait on
    error: BaseException | None = None

    def finish(pid: int) -> None:
        nonlocal error
        report, pidfd = running.pop(pid)
        os.waitpid(pid, 0)
        if pidfd is not None:
            os.close(pidfd)
        report.seek(0)
        finished = False
        for line in report.read().splitlines():
            message = json.loads(line)
            if "tmp" in message:
                staged.append((message["tmp"], message["rel"]))
                if "key" in message:
                    keys[message["rel"]] = message["key"]
            elif "problems" in message and error is None:
                error = FeedtoolError(Problem.from_dict(p) for p in message["problems"])
            elif "error" in message and error is None:
                error = RuntimeError(f"making the files of public/ failed: {message['error']}")
            finished = finished or "done" in message
        report.close()
        if not finished and error is None:
            error = RuntimeError("a process making the files of public/ stopped before it was done")

    _give_back_freed_memory()
    try:
        for chunk in chunks:
            if error is not None:
                break
            if len(running) >= workers:
                finish(_first_to_end(running))
            # The collector of a copy would otherwise walk, and so copy, every
            # object it shares with this process (Python's gc.freeze, for
            # fork), including what this process made since the last fork.
            gc.freeze()
            # Not a with-block: the file outlives the fork, read once the child is done.
            report: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
            pid = os.fork()
            if pid == 0:  # the child: stage, report, and leave without any clean-up of the parent's
                _stage_child(out, chunk, files, changes, feed_name, report)
            running[pid] = (report, _pidfd(pid))
    finally:
        while running:
            finish(next(iter(running)))
        gc.unfreeze()
    if error is not None:
        raise error


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when the child PID ends (Linux
    5.3+), or None where there is none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _first_to_end(running: Mapping[int, tuple[IO[bytes], int | None]]) -> int:
    """The copy that ends first, so that the next run starts on the core it
    leaves (waiting for the oldest instead left a core idle whenever a
    younger copy was done first: archive feeds take longer than pages).
    The oldest where a copy has no pidfd."""
    fds = {pidfd: pid for pid, (_, pidfd) in running.items()}
    if None in fds:
        return next(iter(running))
    ready, _, _ = select.select(list(fds), [], [])
    return fds[ready[0]]


def _give_back_freed_memory() -> None:
    """Return the heap's free pages to the system before forking (glibc's
    malloc_trim): reading 10,000 episodes leaves ~10 MB free but mapped,
    which every copy would otherwise share and the machine hold."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _chunks(names: list[str], files: Mapping[str, Content]) -> list[list[str]]:
    """NAMES in runs that read about CHUNK episodes each."""
    chunks: list[list[str]] = [[]]
    weight = 0
    for rel in names:
        content = files[rel]
        w = content.weight if isinstance(content, Deferred) else 1
        if chunks[-1] and weight + w > CHUNK:
            chunks.append([])
            weight = 0
        chunks[-1].append(rel)
        weight += w
    return chunks


def _by_episode(rel: str) -> str:
    """transcripts/her.html, chapters/her.json, episodes/her/index.html → her…"""
    _, _, rest = rel.partition("/")
    return (rest or rel).rsplit(".", 1)[0]


def _stage_child(out: Path, share: list[str], files: Mapping[str, Content], changes: Changes, feed_name: str,
                 report: IO[bytes]) -> NoReturn:
    try:
        # In a thread of its own: glibc gives a new thread a new malloc
        # arena, so what the pages allocate comes from fresh pages rather
        # than from the free gaps of the parent's heap, each of which would
        # make the copy copy a shared page (a copy held 11 MB less at 10,000
        # episodes, 24 MB instead of 35 for two archive feeds).
        worker = threading.Thread(target=_stage_share, args=(out, share, files, changes, feed_name, report))
        try:
            worker.start()
        except RuntimeError:  # no thread to be had: here, then
            _stage_share(out, share, files, changes, feed_name, report)
        else:
            worker.join()
        report.flush()
    finally:
        os._exit(0)


def _stage_share(out: Path, share: list[str], files: Mapping[str, Content], changes: Changes, feed_name: str,
                 report: IO[bytes]) -> None:
    try:
        for rel in share:
            tmp = _stage_one(out, rel, files, changes, feed_name)
            content = files[rel]
            key = {"key": content.key} if isinstance(content, Deferred) else {}
            report.write(json.dumps({"rel": rel, "tmp": str(tmp), **key}).encode() + b"\n")
        report.write(b'{"done": true}\n')
    except FeedtoolError as exc:
        report.write(json.dumps({"problems": [p.as_dict() for p in exc.problems]}).encode() + b"\n")
    except BaseException as exc:  # noqa: BLE001 -- reported to the parent, which raises it
        report.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")


def prune_empty(out: Path, folder: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write_file(target: Path, data: bytes) -> None:
    """One file, atomically (used for the lock and config files)."""
    os.replace(_stage(target, data, sync=True), target)
