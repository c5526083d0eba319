"""`feedtool remove`: unpublish an episode on purpose.

The GUID is retired in the lock (engine/guids.py), so it is never given
again. The episode's files are kept unless the podcaster asks for them to
go: they are the masters, and a kept episode stays unpublished with a
note. A second remove of the same stem finds it retired and says so,
which makes the command safe to run twice (a script, a retry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feedtool.engine import guids
from feedtool.engine.write import write_file
from feedtool.problems import FeedtoolError
from feedtool.sources.episodes import EPISODES_DIR


@dataclass(frozen=True)
class Outcome:
    stem: str
    guid: str
    already: bool  # the stem had been retired before this run
    files: tuple[Path, ...]  # the episode's files still in the show


def files_of(show: Path, stem: str) -> tuple[Path, ...]:
    """The files of episode STEM: every STEM.* beside its audio, with its
    STEM.chapters.json, and nothing of a longer stem (STEM-2.mp3)."""
    folder = (show / EPISODES_DIR / stem).parent
    name = stem.rsplit("/", 1)[-1]
    if not folder.is_dir():
        return ()
    return tuple(p for p in sorted(folder.glob(name + ".*"))
                 if p.is_file() and (p.stem == name or p.name.startswith(name + ".chapters")))


def known(show: Path) -> list[str]:
    lock, _ = guids.read_lock(show)
    return sorted(lock.episodes)


def retire(show: Path, stem: str) -> Outcome:
    """Retire STEM's GUID in the lock (once). KeyError when the stem was
    never published; FeedtoolError when the lock cannot be read."""
    stem = stem.removeprefix("episodes/")
    lock, problems = guids.read_lock(show)
    if problems:
        raise FeedtoolError(problems)
    if stem in lock.episodes:
        guid = lock.episodes[stem]["guid"]
        write_file(show / guids.LOCK_NAME, guids.remove(lock, stem).to_bytes())
        return Outcome(stem, guid, False, files_of(show, stem))
    if stem in lock.removed:
        return Outcome(stem, lock.removed[stem]["guid"], True, files_of(show, stem))
    raise KeyError(stem)


def delete(files: tuple[Path, ...]) -> list[str]:
    deleted = []
    for p in files:
        p.unlink(missing_ok=True)
        deleted.append(p.name)
    return deleted
