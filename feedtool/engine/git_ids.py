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
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

# `ls-files --stage` entries of regular files only (a link, 120000, or a
# submodule, 160000, is no file's content) at stage 0 (not conflicted).
_ENTRY = re.compile(rb"(?:^|(?<=\0))100(?:644|755) ([0-9a-f]{40,64}) 0\t([^\0]*)\0")
_TIMEOUT = 60


class Asked:
    """Git asked about a folder, in the background: both questions at once,
    on their own cores, while the build walks the show itself."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # read-only: never rewrite .git/index
        self._runs: list[subprocess.Popen[bytes]] = []
        try:
            for args in (("--stage",), ("--modified", "--deleted")):
                self._runs.append(subprocess.Popen(
                    # No file-system monitor: a hook of the repository's own is no part of reading it.
                    ["git", "-c", "core.fsmonitor=false", "-C", str(folder), "ls-files", "-z", *args], env=env,
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:  # no git
            self.close()

    def ids(self) -> dict[str, str]:
        """name → git object id of every regular file below the folder
        (names relative to it, "/"-separated) that git tracks and that holds
        what its index says; {} when git cannot tell."""
        outputs = []
        try:
            for run in self._runs:
                out, _ = run.communicate(timeout=_TIMEOUT)
                if run.returncode != 0:
                    return {}
                outputs.append(out)
        except (OSError, subprocess.SubprocessError):
            return {}
        finally:
            self.close()
        if len(outputs) != 2:
            return {}
        staged, changed = outputs
        dirty = set(changed.split(b"\0"))
        # A conflicted file has stages 1–3 and no single content.
        return {os.fsdecode(name): oid.decode("ascii") for oid, name in _ENTRY.findall(staged) if name not in dirty}

    def close(self) -> None:
        for run in self._runs:
            if run.poll() is None:
                run.kill()
            run.wait()
            if run.stdout is not None:
                run.stdout.close()
        self._runs = []


def object_ids(folder: Path) -> dict[str, str]:
    """name → git object id of every regular file below FOLDER that git
    tracks unmodified (Asked.ids). One pass for the show and its public/:
    git looks at each file's stat once either way."""
    return Asked(folder).ids()


def below(ids: Mapping[str, str], folder: str) -> tuple[dict[str, str], dict[str, str]]:
    """IDS split in two: those of files outside FOLDER (a "/"-separated path
    relative to where IDS were taken, "" for none) and those below it,
    named from it."""
    if not folder:
        return dict(ids), {}
    prefix = folder + "/"
    inside = {name[len(prefix):]: oid for name, oid in ids.items() if name.startswith(prefix)}
    return {name: oid for name, oid in ids.items() if not name.startswith(prefix)}, inside
