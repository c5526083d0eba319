"""Put a build's bytes into public/ without ever serving a half-written feed.

Every changed file is first written to a hidden temporary file in its own
folder; only when all are staged are they renamed into place, the feed last.
A build killed while staging leaves public/ as it was (the hidden leftovers
are swept by the next build). Files of removed episodes are deleted only
after the new feed is in place, and only files feedtool wrote itself (listed
in its manifest), never a CNAME or anything else the user keeps there.
"""

from __future__ import annotations

import difflib
import filecmp
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

Content = bytes | Path
MANIFEST = ".feedtool-manifest.json"
TMP_SUFFIX = ".feedtool-tmp"


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

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


def same(target: Path, content: Content) -> bool:
    try:
        st = target.stat()
    except OSError:
        return False
    if isinstance(content, Path):
        src = content.stat()
        if st.st_size != src.st_size:
            return False
        if st.st_mtime_ns == src.st_mtime_ns:
            return True  # copy2 keeps the source's mtime
        return filecmp.cmp(content, target, shallow=False)
    return st.st_size == len(content) and target.read_bytes() == content


def compare(out: Path, files: Mapping[str, Content]) -> Changes:
    changes = Changes()
    for rel in sorted(files):
        target = out / rel
        if not target.exists():
            changes.added.append(rel)
        elif same(target, files[rel]):
            changes.unchanged += 1
        else:
            changes.changed.append(rel)
    wanted = set(files)
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


def _stage(target: Path, content: Content, sync: bool) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(content, Path):
                with content.open("rb") as src:
                    shutil.copyfileobj(src, f, 1 << 20)
            else:
                f.write(content)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        if isinstance(content, Path):
            shutil.copystat(content, tmp)
        else:
            os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def sweep_leftovers(out: Path) -> None:
    if out.is_dir():
        for leftover in out.rglob(f".*{TMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)


def commit(out: Path, files: Mapping[str, Content], feed_name: str) -> Changes:
    """Write FILES below OUT; return what changed."""
    out.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(out)
    changes = compare(out, files)
    todo = changes.added + changes.changed
    # The feed goes last: once it is renamed in, everything it links to exists.
    todo.sort(key=lambda rel: rel == feed_name)
    staged: list[tuple[Path, Path]] = []
    try:
        for rel in todo:
            staged.append((_stage(out / rel, files[rel], sync=rel == feed_name), out / rel))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    manifest = out / MANIFEST
    new_manifest = manifest_bytes(list(files))
    if not manifest.exists() or manifest.read_bytes() != new_manifest:
        os.replace(_stage(manifest, new_manifest, sync=False), manifest)
    for rel in changes.removed:
        (out / rel).unlink(missing_ok=True)
        prune_empty(out, (out / rel).parent)
    return changes


def prune_empty(out: Path, folder: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write_file(target: Path, data: bytes) -> None:
    """One file, atomically (used for the lock and config files)."""
    os.replace(_stage(target, data, sync=True), target)
