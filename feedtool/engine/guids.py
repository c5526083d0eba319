"""Permanent episode GUIDs, kept in episodes/feedtool.lock.

An app knows an episode by its GUID: if the GUID changes the app shows the
episode twice, and if it disappears the app drops the episode. So a GUID is
made once, written into the lock file (committed with the show), and then
only ever read back:

* an episode whose stem is in the lock keeps the GUID recorded there, whatever
  happens to its title, date or text;
* an episode with a new stem whose audio has the same SHA-256 as an episode
  that vanished from the lock is the same episode renamed: it inherits the GUID;
* a GUID whose episode is gone fails the build, unless the episode was removed
  on purpose (`feedtool remove STEM` moves it to the lock's "removed" table);
* a `guid` in STEM.toml wins, but may not contradict the lock.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedtool.model import Episode, Show, Source
from feedtool import safe_files
from feedtool.problems import Problem, ProblemFound, error, warning
from feedtool.render.urls import enclosure_url

LOCK_NAME = "episodes/feedtool.lock"
LOCK_VERSION = 1


@dataclass
class Lock:
    episodes: dict[str, dict[str, str]] = field(default_factory=dict)
    removed: dict[str, dict[str, str]] = field(default_factory=dict)
    # The show's podcast:guid, written once (P20 docs/tags/guid.md: it must
    # never change, even when the feed moves).
    podcast_guid: str | None = None
    # Stems an episode was published under before it was renamed, with the
    # stem it got: its old page is kept as a redirect (issue 16). Never shrinks.
    renamed: dict[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        data: dict[str, object] = {
            "about": "feedtool's record of published episode GUIDs. Commit it; never edit a guid.",
            "version": LOCK_VERSION,
            "episodes": self.episodes,
            "removed": self.removed,
        }
        if self.podcast_guid:
            data["podcast_guid"] = self.podcast_guid
        if self.renamed:
            data["renamed"] = self.renamed
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_lock(show_root: Path) -> tuple[Lock, list[Problem]]:
    path = show_root / LOCK_NAME
    if not path.exists() and not path.is_symlink():
        return Lock(), []
    try:
        raw = safe_files.read_bytes(path, LOCK_NAME, scope=safe_files.Scope.of(show_root))
    except ProblemFound as exc:
        return Lock(), [exc.problem]
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("version") != LOCK_VERSION:
            raise ValueError(f"expected a version {LOCK_VERSION} lock")
        episodes = data.get("episodes", {})
        removed = data.get("removed", {})
        for table in (episodes, removed):
            if not isinstance(table, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("guid"), str) for v in table.values()
            ):
                raise ValueError("every entry needs a guid")
        podcast_guid = data.get("podcast_guid")
        if podcast_guid is not None:
            if not isinstance(podcast_guid, str):
                raise ValueError("podcast_guid must be a string")
            uuid.UUID(podcast_guid)  # ValueError when it is not a UUID
        renamed = data.get("renamed", {})
        if not isinstance(renamed, dict) or not all(isinstance(v, str) for v in renamed.values()):
            raise ValueError("renamed must map old stems to new ones")
    except (ValueError, UnicodeDecodeError) as exc:
        return Lock(), [error(
            LOCK_NAME, None,
            f"cannot be read ({exc}); restore it from git — it holds the GUIDs subscribers know",
        )]
    return Lock(dict(episodes), dict(removed), podcast_guid, dict(renamed)), []


def audio_digest(path: Path) -> str:
    h = hashlib.sha256()
    with safe_files.open_file(path, str(path)) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def new_guid(show: Show, stem: str, taken: set[str]) -> str:
    """Deterministic, so a show built twice before its lock is committed
    still gets the same GUIDs."""
    seed = f"{show.feed_url}#{stem}"
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
    n = 1
    while guid in taken:  # a stem reused after its episode was removed
        n += 1
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}#{n}"))
    return guid


@dataclass
class Assignment:
    guids: dict[str, tuple[str, Source]]
    lock: Lock
    problems: list[Problem]
    # Stems removed on purpose whose files were kept (`remove --keep-files`):
    # read, but never published again.
    unpublished: frozenset[str] = frozenset()


def retired(lock: Lock, ep: Episode, show_root: Path) -> tuple[bool, list[Problem]]:
    """Whether EP's stem was retired (`feedtool remove`), and what to say.

    A retired GUID is never given again, and its stem never names another
    episode: an app that knew the old one would take the new one for it. So
    the kept files of the removed episode (the same audio, or a lock from
    before the audio was recorded) stay unpublished, with a note; a new audio
    under the retired stem is refused, with the way out."""
    entry = lock.removed.get(ep.stem)
    if entry is None or ep.stem in lock.episodes:
        return False, []
    display = _display(ep, show_root)
    recorded = entry.get("audio_sha256")
    if recorded is None or recorded == audio_digest(ep.audio.path):
        return True, [warning(
            display, None,
            f"was removed with `feedtool remove {ep.stem}` (GUID {entry['guid']} retired) and stays "
            "unpublished; its files are only kept. Delete them, or bring the audio in again under a new "
            "stem (`feedtool add AUDIO --stem NEW`) to publish it as a new episode",
            rule="GUID-RETIRED",
        )]
    return True, [error(
        display, None,
        f"the stem {ep.stem!r} belonged to an episode removed with `feedtool remove` (GUID {entry['guid']}, "
        "retired for good); a new episode may not take its place, or apps would take it for the old one. "
        f"Rename its files to a new stem (such as {ep.stem}-2) to publish it with a GUID of its own",
        rule="GUID-RETIRED",
    )]


def _display(ep: Episode, show_root: Path) -> str:
    try:
        return ep.audio.path.relative_to(show_root).as_posix()
    except ValueError:
        return f"episodes/{ep.stem}"


def assign(show: Show, episodes: Sequence[Episode], lock: Lock) -> Assignment:
    problems: list[Problem] = []
    guids: dict[str, tuple[str, Source]] = {}
    stems = {ep.stem for ep in episodes}
    orphans = {stem: entry for stem, entry in lock.episodes.items() if stem not in stems}
    # The retirement records are copied whole: the lock never loses one.
    removed = dict(lock.removed)
    retired_guids = {e["guid"] for e in removed.values()}
    taken = {e["guid"] for e in lock.episodes.values()} | retired_guids
    new_lock = Lock(removed=removed, podcast_guid=lock.podcast_guid, renamed=dict(lock.renamed))
    unpublished: set[str] = set()

    for ep in episodes:
        is_retired, found = retired(lock, ep, show.root)
        problems += found
        if is_retired:
            unpublished.add(ep.stem)
            continue
        if ep.guid and ep.guid in retired_guids:
            problems.append(error(
                ep.toml_path.relative_to(show.root).as_posix() if ep.toml_path else LOCK_NAME, "guid",
                f"{ep.guid!r} is the GUID of an episode removed with `feedtool remove`; a retired GUID is "
                "never given again (apps would take this episode for the old one): delete the guid line",
                rule="GUID-RETIRED",
            ))
            continue
        locked = lock.episodes.get(ep.stem)
        url = enclosure_url(show, ep)
        entry: dict[str, str]
        if locked is not None:
            if ep.guid and ep.guid != locked["guid"]:
                problems.append(error(
                    ep.toml_path.relative_to(show.root).as_posix() if ep.toml_path else LOCK_NAME, "guid",
                    f"is {ep.guid!r} but this episode was published with guid {locked['guid']!r}; "
                    "a changed GUID makes every app list the episode twice",
                ))
                continue
            entry = dict(locked)
            guids[ep.stem] = (entry["guid"], "toml" if ep.guid else "lock")
        else:
            digest = audio_digest(ep.audio.path)
            twin = next((s for s, e in sorted(orphans.items()) if e.get("audio_sha256") == digest), None)
            if ep.guid:
                entry = {"guid": ep.guid, "audio_sha256": digest}
                guids[ep.stem] = (ep.guid, "toml")
            elif twin is not None:
                entry = dict(orphans.pop(twin))
                guids[ep.stem] = (entry["guid"], "lock")
                new_lock.renamed[twin] = ep.stem
                problems.append(warning(
                    f"episodes/{ep.stem}", None, f"renamed from {twin!r}: keeps its GUID {entry['guid']}",
                    rule="GUID-RENAMED",
                ))
            else:
                entry = {"guid": new_guid(show, ep.stem, taken), "audio_sha256": digest}
                guids[ep.stem] = (entry["guid"], "derived")
            taken.add(entry["guid"])
        old_url = entry.get("enclosure")
        if old_url and old_url != url:
            problems.append(warning(
                f"episodes/{ep.stem}", "enclosure",
                f"URL changed from {old_url} to {url}; apps that downloaded the old one may download it again",
                rule="ENCLOSURE-MOVED",
            ))
        entry["enclosure"] = url
        new_lock.episodes[ep.stem] = entry

    for stem, entry in sorted(orphans.items()):
        if stem in removed:
            continue
        problems.append(error(
            LOCK_NAME, stem,
            f"the published episode with GUID {entry['guid']} has no audio file any more "
            f"(was episodes/{stem}.*). Put it back, or run `feedtool remove {stem}` to unpublish it on purpose",
            rule="GUID-LOST",
        ))

    seen: dict[str, str] = {}
    for stem, (guid, _) in sorted(guids.items()):
        if guid in seen:
            problems.append(error(
                f"episodes/{stem}", "guid",
                f"{guid!r} is also the GUID of {seen[guid]!r}; every episode needs its own",
                rule="APL-GUID-DUP",
            ))
        seen[guid] = stem
    return Assignment(guids, new_lock, problems, frozenset(unpublished))


def remove(lock: Lock, stem: str) -> Lock:
    """Unpublish STEM on purpose: its record moves to "removed", GUID and
    audio digest, so that the GUID is never given again and kept files of
    the episode are known as such (assign)."""
    if stem not in lock.episodes:
        raise KeyError(stem)
    episodes = dict(lock.episodes)
    removed = dict(lock.removed)
    entry = episodes.pop(stem)
    key, n = stem, 1
    while key in removed:  # a record is never overwritten (a lock written before issue 13)
        n += 1
        key = f"{stem}#{n}"
    removed[key] = {k: v for k, v in entry.items() if k in ("guid", "audio_sha256", "enclosure")}
    return Lock(episodes, removed, lock.podcast_guid, dict(lock.renamed))


def podcast_guid(show: Show, lock: Lock, wanted: str | None) -> tuple[str | None, Lock, list[Problem]]:
    """The show's podcast:guid: the one in the lock if there is one (a
    `guid` in podcast.toml may repeat it but not change it); else WANTED
    (podcast.toml's) or the UUIDv5 of the feed URL, recorded in the lock."""
    from feedtool.render.podcast20 import derive_guid

    if lock.podcast_guid is not None:
        if wanted is not None and wanted != lock.podcast_guid:
            return None, lock, [error(
                "podcast.toml", "guid",
                f"is {wanted!r} but the show was published with podcast:guid {lock.podcast_guid!r} "
                f"(recorded in {LOCK_NAME}); changing it breaks the show's identity at the Podcast Index",
                rule="P20-GUID",
            )]
        return lock.podcast_guid, lock, []
    value = wanted or derive_guid(show.feed_url)
    return value, Lock(lock.episodes, lock.removed, value, lock.renamed), []


def moved(lock: Lock, live: Sequence[Episode]) -> dict[str, Episode]:
    """Old stem → the live episode it now is, for each renamed episode whose
    old stem no live episode has taken (a chain a → b → c leads to c)."""
    by_stem = {ep.stem: ep for ep in live}
    found: dict[str, Episode] = {}
    for old in sorted(lock.renamed):
        if old in by_stem:
            continue  # the name is in use again: its page is a live one
        stem, seen = lock.renamed[old], {old}
        while stem not in by_stem and stem in lock.renamed and stem not in seen:
            seen.add(stem)
            stem = lock.renamed[stem]
        if stem in by_stem:
            found[old] = by_stem[stem]
    return found
