"""An incremental build: when only some episodes' own files changed since
the last build (a retitled STEM.toml, an edited interview text), read those
episodes again and make only the outputs made from them (issue 7).

The last full build recorded (memo.remember) every input file with the
episodes made from it, and every output file with its recipe (run.Plan.uses):
what makes it ("page:12", "index:3", "feed:feed-archive-7.xml", "own:12")
and the positions, in feed order, of the episodes it is made from. The
renderers say that themselves (site.render_site, paging.layout, run.plan),
where they choose what a page shows; this module knows nothing of the
site's layout. When the files below the show folder are the same names,
the code and settings the same, every output it keeps as that build left it
(those it makes again may differ: a clone's public/ committed after a build
of the very change being built does), and every changed file belongs to
recorded episodes:

* the outputs whose recipes name a changed episode are made again, by the
  same code as in a full build, from every episode their recipes name, all
  read through the read cache;
* every other output is kept as it is. The problems are the recorded ones
  with those of the re-read episodes and of the re-made feed replaced.

Anything else falls back to the full build, which is always right: a date
that changed (the episode moves in the order), a file added or removed, a
changed podcast.toml, lock or template, a file in public/ edited, a GUID or
enclosure that no longer matches the lock, any error. tests/test_incremental.py
checks that the result is, byte for byte, what a full build makes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedtool.engine import cache, guids, memo, validate
from feedtool.render import urls
from feedtool.config import load as config
from feedtool.sources.audio import SUPPORTED
from feedtool.engine.run import Plan, make_outputs
from feedtool.sources.schedule import source_date_epoch
from feedtool.sources.episodes import Group
from feedtool.model import Episode, Show
from feedtool.problems import FeedtoolError, Problem, has_errors, ordered
from feedtool.engine.write import MANIFEST

# Above this share of the show changed, the full build is as quick.
MAX_SHARE = 0.25


@dataclass
class Patched:
    plan: Plan  # its files are the outputs made again; the feed is always among them
    keep: frozenset[str]  # the outputs left as they are
    last: memo.Last  # the last build's record
    episodes: dict[int, memo.EpisodeRecord]  # the records of the episodes read again, by position
    why: str  # what changed, for `build --verbose`
    moved: dict[str, memo.Row] = dataclasses.field(default_factory=dict)  # outputs whose stat alone moved
    trusted: frozenset[str] = frozenset()  # outputs read back from the output folder (the feed, if not remade)


def record(plan: Plan, given: memo.Inputs) -> list[memo.EpisodeRecord]:
    """What an incremental build needs to know of PLAN's episodes."""
    from feedtool.sources import episodes as episodes_mod

    root = plan.show.root
    groups = episodes_mod.groups_of(root, (name for name, _ in given.files))
    return [memo.EpisodeRecord(ep.stem, ep.date.isoformat(), ep.guid, urls.enclosure_url(plan.show, ep),
                               _files_of(groups[ep.stem], ep, plan.show), list(plan.owned.get(ep.stem, ())))
            for ep in plan.episodes]


class Fallback(Exception):
    """Only a full build will do; the message says why (`build --verbose`)."""


def attempt(root: Path, out: Path, given: memo.Inputs) -> Patched | str:
    """The incremental build of ROOT into OUT, or why only a full build will do."""
    last = memo.last_build(root, out)
    if last is None:
        return "no record of the last build"
    if last.context != given.context:
        return "feedtool, its settings or the output folder changed"
    try:
        return _attempt(root, out, given, last)
    except Fallback as exc:
        return str(exc)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, sqlite3.Error) as exc:
        # A record of another shape, or a slip here: the full build is always right.
        return f"the record of the last build could not be used ({type(exc).__name__}: {exc})"


def _attempt(root: Path, out: Path, given: memo.Inputs, last: memo.Last) -> Patched:
    report = last.report
    if report["valid_until"] is not None and time.time() >= report["valid_until"]:
        raise Fallback("an episode dated in the future is out now")
    old = last.inputs
    new = dict(given.files)
    if old.keys() != new.keys():
        raise Fallback("files were added or removed")
    changed = [name for name, stat in new.items() if old[name][0] != stat]
    count = report["episodes"]
    if not changed or not count:
        raise Fallback("no episode file changed")
    audio = next((name for name in changed if Path(name).suffix.lower() in SUPPORTED), None)
    if audio is not None:
        raise Fallback(f"{audio} changed: a full build checks an audio file against every other")
    touched: set[int] = set()
    for name in changed:
        owners = old[name][1]
        if not owners:  # podcast.toml, the lock, a template, a cover...
            raise Fallback(f"{name} changed")
        touched.update(int(position) for position in owners.split())
    if len(touched) > max(1, count * MAX_SHARE):
        raise Fallback(f"{len(touched)} episodes changed")
    patched = _patch(root, out, given, last, report, count, touched, list(last.outputs))
    # Is every output it keeps as the last build left it? (Those it makes
    # again may differ: a clone's public/, committed after a build of the
    # very change being built, does. In a clone, content is compared where
    # a stat moved.)
    moved = memo.outputs_match(out, {name: row for name, row in last.outputs.items()
                                     if name in patched.keep or name in patched.trusted}, given.out_git)
    if moved is None:
        raise Fallback(f"files in {out.name}/ were changed since the last build")
    patched.moved = moved
    return patched


def _patch(root: Path, out: Path, given: memo.Inputs, last: memo.Last, report: dict[str, Any], count: int,
           touched: set[int], names: list[str]) -> Patched:
    show, found = config.load_show(root)
    if show is None or has_errors(found):
        raise Fallback("podcast.toml has errors")
    # podcast.toml and the GUID lock are as the last build read them (else
    # they would have changed): its GUIDs are the lock's.
    if not report.get("podcast_guid"):
        raise Fallback("the show's podcast:guid is not in the lock yet")
    show = dataclasses.replace(show, extra={**show.extra, "guid": report["podcast_guid"]})

    # The outputs made from a changed episode, by their recorded recipes
    # (run.Plan.uses), and every episode those are made from.
    makers: set[str] = set()
    needed = set(touched)
    # A quick look before parsing 45,000 recipes, when few episodes changed.
    marks = tuple(f" {i}" for i in touched) if len(touched) <= 16 else (" ",)
    for row in last.outputs.values():
        if row.made and any(mark in row.made for mark in marks):
            maker, positions = memo.recipe(row.made)
            if not touched.isdisjoint(positions):
                makers.add(maker)
                needed.update(positions)
    if any(p >= count for p in needed):
        raise Fallback("the record of the last build names episodes it does not have")
    recorded = last.episodes(needed | {0})

    loaded, problems_read = _load(show, given, {recorded[i].stem: i for i in needed}, recorded)
    sparse: list[Episode | None] = [None] * count
    for position, ep in loaded.items():
        sparse[position] = ep

    # The recorded problems, less those of the episodes read again.
    again = {name for i in needed for name in recorded[i].files} | {f"episodes/{recorded[i].stem}" for i in needed}
    problems = [Problem.from_dict(p) for p in report["problems"] if p["path"] not in again]
    problems += problems_read
    problems += validate.show_rules(show, [loaded[i] for i in sorted(loaded)])

    last_build = source_date_epoch() or dt.datetime.fromisoformat(recorded[0].date)
    try:
        made = make_outputs(show, sparse, problems, last_build, makers)
    except FeedtoolError as exc:
        raise Fallback("an episode or the feed has errors") from exc
    files, problems, uses = made.files, made.problems, made.uses
    if has_errors(problems):
        raise Fallback("an archive feed has errors")
    records = {i: dataclasses.replace(recorded[i], owned=list(names)) for i, names in made.owned.items()}
    old_owned = {name for i in needed for name in recorded[i].owned}
    feed_name = show.feed_name
    trusted: frozenset[str] = frozenset()
    if feed_name not in files:  # as the last build wrote it (attempt checks that it still is)
        files[feed_name] = (out / feed_name).read_bytes()
        trusted = frozenset({feed_name})

    # Every output a re-read episode owned is made again, or removed.
    keep = frozenset(name for name in names if name != MANIFEST and name not in files and name not in old_owned)
    plan = Plan(show, _later_episodes(root, count), files,  # type: ignore[arg-type]
                (root / guids.LOCK_NAME).read_bytes(), ordered(problems),
                made.archives, uses=uses)
    changed_stems = sorted(recorded[i].stem for i in touched)
    why = (f"{len(changed_stems)} episode{'s' if len(changed_stems) != 1 else ''} changed "
           f"({', '.join(changed_stems[:3])}{', …' if len(changed_stems) > 3 else ''}); "
           f"read {len(loaded)} of {count} episodes again")
    return Patched(plan, keep, last, records, why, trusted=trusted)


def _load(show: Show, given: memo.Inputs, wanted: Mapping[str, int], recorded: Mapping[int, memo.EpisodeRecord],
          ) -> tuple[dict[int, Episode], list[Problem]]:
    """The episodes WANTED (stem → position), read as a full build reads
    them, with their problems; Fallback if one is not what the record says."""
    from feedtool.sources import episodes as episodes_mod
    from feedtool.sources import podcast20 as p20episode

    own_files = {name for i in wanted.values() for name in recorded[i].files}
    groups = episodes_mod.groups_of(show.root, (name for name, _ in given.files if name in own_files))
    if any(stem not in groups for stem in wanted):
        raise Fallback("an episode's files are not where they were")
    chosen = p20episode.without_alternates(show.root, [groups[stem] for stem in sorted(wanted)])
    loaded: dict[int, Episode] = {}
    problems: list[Problem] = []
    reader = cache.Cache(show.root, keys=dict(given.files))
    try:
        for group in chosen:
            ep, found = episodes_mod.load_group(show, group, reader)
            if ep is None or has_errors(found) or ep.stem not in wanted:
                raise Fallback(f"episodes/{group.stem} has errors")
            position = wanted[ep.stem]
            rec = recorded[position]
            if ep.date.isoformat() != rec.date:
                raise Fallback(f"the date of episodes/{rec.stem} changed")
            if ep.guid not in ("", rec.guid) or urls.enclosure_url(show, ep) != rec.enclosure:
                raise Fallback(f"the GUID or enclosure of episodes/{rec.stem} changed")
            if _files_of(group, ep, show) != rec.files:
                raise Fallback(f"episodes/{rec.stem} names other files than before")
            loaded[position] = dataclasses.replace(
                ep, guid=rec.guid, sources={**ep.sources, "guid": "toml" if ep.guid else "lock"})
            problems += found
    finally:
        # Not pruned: the cache keeps the files this build had no need to read.
        reader.close(prune=False)
    if len(loaded) != len(wanted):
        raise Fallback("an episode's files are not where they were")
    return loaded, problems


def _files_of(group: Group, ep: Episode, show: Show) -> list[str]:
    """Every input file EP was made from: its stem's files and the files its
    toml names, less the show's own (a toml may name the show's cover as the
    episode's art: a new cover is every page's and feed's, not one episode's)."""
    paths: set[Path] = {*group.audio, *group.text, *group.captions}
    paths.update(p for p in (group.meta, group.chapters, ep.audio.path, ep.text_path, ep.toml_path) if p)
    if isinstance(ep.image, Path):
        paths.add(ep.image)
    paths.update(_paths_in(ep.extra))
    shows = {config.SHOW_FILE} | ({_rel(show.root, show.image)} if show.image is not None else set())
    return sorted({_rel(show.root, p) for p in paths} - shows)


def _paths_in(value: Any) -> Iterable[Path]:
    if isinstance(value, Path):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _paths_in(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _paths_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _paths_in(getattr(value, f.name))


def _rel(root: Path, path: Path) -> str:
    name, base = str(path), str(root) + os.sep
    if name.startswith(base):  # as Path.relative_to, by string: 50,000 paths at 10,000 episodes
        return name[len(base):].replace(os.sep, "/")
    for other in (root, root.resolve()):
        try:
            return path.relative_to(other).as_posix()
        except ValueError:
            continue
    return name


def _later_episodes(root: Path, count: int) -> Sequence[Episode]:
    """All the episodes, counted at once and read only if someone asks."""
    from feedtool.engine.run import plan

    return memo.LaterEpisodes(count, memo.Later(lambda: plan(root)))
