"""Git's own object ids of a folder's files: what a fresh clone keeps.

A clone (or a CI checkout) gives every file a new inode and mtime, so the
build record's stat fast path (memo.py) misses on all of them, and reading
60,000 files to key them again costs seconds at 10,000 episodes. Git has
already done that work: its index holds each tracked file's object id,
and `git ls-files -m` says which files no longer match it (it looks at the
stat first and at the content where the stat moved, with git's own care
for files modified within the same second as the index: "racy git").
A file that is tracked, unmodified and has the object id recorded beside
its key by an earlier build holds what that build keyed.

Only a hint: no git, a folder outside any repository, a repository git
refuses ("dubious ownership"), or any error gives no ids, and every file is
then keyed by its content as before.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Regular files only: a link (120000) or a submodule (160000) is no file's content.
_REGULAR = (b"100644", b"100755")
_TIMEOUT = 60


def object_ids(folder: Path) -> dict[str, str]:
    """name → git object id of every regular file below FOLDER (names
    relative to it, "/"-separated) that git tracks and that holds what its
    index says; {} when git cannot tell."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # read-only: never rewrite .git/index
    try:
        staged = _git(folder, env, "ls-files", "-z", "--stage")
        changed = _git(folder, env, "ls-files", "-z", "--modified", "--deleted")
    except (OSError, subprocess.SubprocessError):
        return {}
    if staged is None or changed is None:
        return {}
    dirty = set(changed.split(b"\0"))
    ids = {}
    for entry in staged.split(b"\0"):
        head, _, name = entry.partition(b"\t")
        fields = head.split(b" ")
        # A conflicted file has stages 1–3 and no single content.
        if len(fields) != 3 or fields[0] not in _REGULAR or fields[2] != b"0" or name in dirty:
            continue
        ids[os.fsdecode(name)] = fields[1].decode("ascii")
    return ids


def _git(folder: Path, env: dict[str, str], *args: str) -> bytes | None:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, env=env,
                          timeout=_TIMEOUT, check=False)
    return done.stdout if done.returncode == 0 else None
