"""The one folder walker, with the one rule for what no build reads (issue 14, item 5).

Discovery (episodes.discover), the record of the last build (engine.memo)
and serve's change watcher (authoring.serve) all walk the show with walk()
below, so that a file one of them ignores is ignored by all three: an
editor's swap or backup file beside an episode is neither an episode file,
nor a change that makes the next build a full one, nor a reason to rebuild
the preview.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

# Folders no build reads (each is also hidden but __pycache__; named for the reader).
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", ".feedtool-cache", "__pycache__"})
# Editors' backup, swap and lock files, and feedtool's own temporary files.
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".feedtool-tmp")


def ignored(name: str) -> bool:
    """Whether a file or folder called NAME is no part of the show: hidden
    (".DS_Store", ".x.toml.swp", ".#x.toml", ".git/"), an editor's leftover
    ("x.toml~", "#x.toml#", "x.swp", "x.swo", "x.tmp"), a feedtool
    temporary file, or one of IGNORED_FOLDERS."""
    return (name.startswith(".") or name in IGNORED_FOLDERS or name.endswith(IGNORED_SUFFIXES)
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def walk(folder: str, prefix: str = "", *,
         prune: Callable[[os.DirEntry[str]], bool] | None = None,
         leaf: Callable[[os.DirEntry[str]], bool] | None = None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path relative to FOLDER, "/"-separated and after PREFIX; its entry)
    of every entry below FOLDER that is not a folder, in order of name within
    each folder, ignored() names left out with everything below them.

    Symlinked folders are not followed but yielded, as are FIFOs, sockets and
    devices: the caller decides (discovery refuses them, memo stats their
    target). A folder for which PRUNE is true is left out (an output folder);
    one for which LEAF is true is yielded instead of walked (discovery's
    folder named like an episode's file). An unreadable folder yields
    nothing. os.scandir learns each entry's type from the listing itself:
    one system call a folder rather than one a file (issue 7); the entry
    caches its stat for the caller who needs one."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if ignored(entry.name):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if prune is not None and prune(entry):
                continue
            if leaf is not None and leaf(entry):
                yield prefix + entry.name, entry
            else:
                yield from walk(entry.path, f"{prefix}{entry.name}/", prune=prune, leaf=leaf)
        else:
            yield prefix + entry.name, entry
