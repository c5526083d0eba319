"""The build: read everything, check everything, render everything in
memory, and only then write. Nothing here touches the terminal."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from feedtool import safe_files
from feedtool.engine import cache, guids, memo
# SOURCE_DATE_EPOCH, the reproducible-builds convention for a fixed clock.
from feedtool.sources.schedule import source_date_epoch
from feedtool.render import urls
from feedtool.config import load as config
from feedtool.model import Artwork, Episode, Show
from feedtool.problems import FeedtoolError, Problem, ProblemFound, has_errors
from feedtool.problems import ordered as problems_ordered
from feedtool.engine.write import Changes, commit, compare, feed_diff, write_file
from feedtool.render.fingerprint import Content

if TYPE_CHECKING:
    from feedtool.engine import patch
    from feedtool.render import feed, site
    from feedtool.sources import episodes

# The modules that read and render (mutagen, lxml, feedgen, Jinja2, Pillow...)
# are imported by the functions that use them: a build that finds nothing
# changed (memo.py) is over in the time these imports would take.

Progress = Callable[[str], None]


@dataclass
class Plan:
    """Everything a build would write, before anything is written."""

    show: Show
    episodes: tuple[Episode, ...]  # newest first, as in the feed
    files: dict[str, Content]
    lock: bytes
    problems: list[Problem] = field(default_factory=list)
    archives: tuple[str, ...] = ()  # the archive feeds (feed_limit), newest first
    # The files each episode owns (media, art, transcripts, chapters; its
    # page is the site's), by stem: for patch.py.
    owned: dict[str, tuple[str, ...]] = field(default_factory=dict)
    held: tuple[Episode, ...] = ()  # drafts and scheduled episodes, left out (sources/schedule.py)
    # What made each output that is made from episodes, and which (by
    # position): its recipe, recorded for the incremental build (patch.py).
    # The others (the stylesheet, the sitemap, redirects) change only with
    # what only a full build reads.
    uses: site.Uses = field(default_factory=dict)

    @property
    def feed_bytes(self) -> bytes:
        data = self.files[self.show.feed_name]
        assert isinstance(data, bytes)
        return data


def load(root: Path, progress: episodes.LoadProgress | None = None, *, use_cache: bool = True,
         allowed: Sequence[Path] = (), now: dt.datetime | None = None,
         held: list[Episode] | None = None, keys: Mapping[str, str] | None = None,
         ) -> tuple[Show, list[Episode], guids.Lock, list[Problem]]:
    """Read the show and its episodes; raise FeedtoolError on any error.
    ALLOWED: folders outside the show its files may point into (safe_files).
    KEYS: the content keys the build record already worked out (memo.Inputs)."""
    show, problems = config.load_show(root, allowed)
    if show is None:  # issue 15: the episodes' own mistakes too, in the same run
        from feedtool.sources.without_show import episode_file_problems
        raise FeedtoolError(problems + episode_file_problems(root, allowed))
    from feedtool.sources import episodes

    # The read cache (.feedtool-cache/): tags and cleaned texts of files
    # that have not changed since the last build are not read again.
    with cache.Cache(show.root, enabled=use_cache, keys=keys) as reader:
        loaded = episodes.load(show, reader=reader, progress=progress, now=now)
    problems += loaded.problems
    if held is not None:
        held += loaded.held
    lock, found = guids.read_lock(show.root)
    problems += found
    if has_errors(problems):
        raise FeedtoolError(problems)
    # Held back (schedule.py): no GUID yet; one published before keeps its lock entry.
    kept = {e.stem: lock.episodes[e.stem] for e in loaded.held if e.stem in lock.episodes}
    assignment = guids.assign(show, loaded.episodes, dataclasses.replace(
        lock, episodes={s: e for s, e in lock.episodes.items() if s not in kept}))
    assignment.lock.episodes.update(kept)
    problems += assignment.problems
    if has_errors(problems):
        raise FeedtoolError(problems)
    published = [e for e in loaded.episodes if e.stem not in assignment.unpublished]
    from feedtool.engine import validate

    problems += validate.duplicate_audio(show, published)
    if has_errors(problems):
        raise FeedtoolError(problems)
    eps = episodes.with_guids(published, assignment.guids)
    # podcast:guid is made once and kept in the lock, like episode GUIDs.
    podcast_guid, lock, found = guids.podcast_guid(show, assignment.lock, show.extra.get("guid"))
    problems += found
    if has_errors(problems):
        raise FeedtoolError(problems)
    show = dataclasses.replace(show, extra={**show.extra, "guid": podcast_guid})
    return show, eps, lock, problems


def plan(root: Path, *, base_url: str | None = None, progress: episodes.LoadProgress | None = None,
         use_cache: bool = True, allowed: Sequence[Path] = (), now: dt.datetime | None = None,
         keys: Mapping[str, str] | None = None) -> Plan:
    """Everything that `build` would write. BASE_URL overrides the show's
    (used by `serve`), and the lock then stays as it was."""
    from feedtool.engine import validate
    from feedtool.render import site

    held: list[Episode] = []
    show, eps, lock, problems = load(root, progress, use_cache=use_cache, allowed=allowed, now=now, held=held,
                                     keys=keys)
    if base_url is not None:
        show = dataclasses.replace(show, base_url=base_url, link=base_url)
    ordered = tuple(sorted(eps, key=lambda e: (e.date, e.stem), reverse=True))
    problems += validate.show_rules(show, ordered)
    last_build = source_date_epoch() or (max(e.date for e in ordered) if ordered else None)
    made = make_outputs(show, ordered, problems, last_build)
    files, problems = made.files, made.problems
    # A renamed episode's old page sends visitors on (the lock remembers its old stems).
    files.update({name: page for name, page in site.redirect_pages(show, guids.moved(lock, ordered)).items()
                  if name not in files})
    owned = {ordered[i].stem: names for i, names in made.owned.items()}
    return Plan(show, ordered, files, lock.to_bytes(), problems_ordered(problems), made.archives, owned,
                tuple(held), made.uses)


@dataclass
class Made:
    """The outputs a build made, with their recipes (Plan.uses)."""

    files: dict[str, Content]
    uses: site.Uses
    owned: dict[int, tuple[str, ...]]  # the files each episode read owns, by position
    problems: list[Problem]
    archives: tuple[str, ...]  # every archive feed's name (made or not), newest first


def make_outputs(show: Show, episodes: Sequence[Episode | None], problems: list[Problem],
                 last_build: dt.datetime | None, makers: Collection[str] | None = None) -> Made:
    """The outputs made from EPISODES (feed order, newest first): every
    output (MAKERS None: a full build), or those whose recipe's maker is in
    MAKERS, from the episodes their recipes name (an incremental build,
    patch.py; the others are None). The one way outputs are made: a full
    build is this with everything out of date. Raises FeedtoolError when an
    episode or the feed has errors."""
    from feedtool.engine import validate
    from feedtool.render import paging, site

    files: dict[str, Content] = {}
    cover_url = None
    cover_bytes = b""
    if show.image is not None:
        data = cover_bytes = safe_files.read_bytes(show.image, config.SHOW_FILE, "image", show.files)
        found = validate.image_problems(data, config.SHOW_FILE, "image", show.image.suffix)
        if makers is None:  # an incremental build has them from the record: the cover is as it was
            problems += found
        if not found:
            name = urls.image_path("cover", show.image, data)
            files[name] = show.image
            cover_url = urls.url_for(show, name)

    links: dict[str, feed.EpisodeLinks] = {}
    spans = []
    for i, ep in enumerate(episodes):
        if ep is not None:
            before = len(files)
            links[ep.stem] = episode_files(show, ep, files, problems, cover_bytes)
            spans.append((i, before, len(files)))
    if has_errors(problems):
        raise FeedtoolError(problems)
    names = list(files)
    owned = {i: tuple(names[start:end]) for i, start, end in spans}
    uses: site.Uses = {name: (f"own:{i}", (i,)) for i, names in owned.items() for name in names}

    # feed_limit: the newest episodes in the feed, the rest in archive feeds.
    reported: frozenset[str] | None = None  # the model's rules, taken once for every archive (99 at 10,000 episodes)
    slots = paging.layout(show, len(episodes))
    for slot in slots:  # the feed, then archive K … 1
        if makers is not None and f"feed:{slot.name}" not in makers:
            continue
        uses[slot.name] = (f"feed:{slot.name}", tuple(slot.positions))
        page = paging.Page(slot.name, tuple(episodes[i] for i in slot.positions), slot.links)  # type: ignore[misc]
        if slot.name == show.feed_name:
            files[slot.name] = feed_bytes = paging.render(show, page, cover_url, links, last_build)
            problems = [p for p in problems if p.path != show.feed_name and p.rule != "FEED-SIZE"]
            problems += validate.feed_rules(feed_bytes, source=show.feed_name, covered=problems)
            problems = paging.size_advice(show, problems, len(feed_bytes))
            if has_errors(problems):
                raise FeedtoolError(problems)
        else:
            # An archive's own newest episode dates it, so it stays byte for byte
            # the same while newer episodes arrive (RFC 5005 §4).
            dated = source_date_epoch() or max(e.date for e in page.episodes)
            if reported is None:
                reported = frozenset(p.rule for p in problems)
            files[slot.name] = paging.archive(show, page, cover_url, links, dated, validate.check_archive, reported)
    selection = None if makers is None else site.Selection(frozenset(_numbers(makers, "page")),
                                                            frozenset(_numbers(makers, "index")))
    files.update(site.render_site(show, episodes, links, cover_url, deferred=True,  # type: ignore[arg-type]
                                  selection=selection, uses=uses))
    return Made(files, uses, owned, problems, tuple(slot.name for slot in slots[1:]))


def _numbers(makers: Iterable[str], kind: str) -> set[int]:
    """The positions or page numbers of the MAKERS of one KIND ("page:12" → 12)."""
    prefix = kind + ":"
    return {int(maker[len(prefix):]) for maker in makers if maker.startswith(prefix)}


def episode_files(show: Show, ep: Episode, files: dict[str, Content], problems: list[Problem],
                  cover: bytes) -> feed.EpisodeLinks:
    from feedtool.engine import validate
    from feedtool.render import feed
    from feedtool.render import sidecars as p20build

    if not show.media_base_url and ep.audio.url is None:  # remote audio (sources/remote.py): nothing to copy
        files[urls.media_path(ep)] = ep.audio.path
    image_url = None
    data = b""
    if ep.image is not None:
        try:
            data = ep.image.data if isinstance(ep.image, Artwork) else safe_files.read_bytes(
                ep.image, f"episodes/{ep.stem}.toml", "image", show.files)
        except ProblemFound as exc:
            problems.append(exc.problem)
            return feed.EpisodeLinks(enclosure="")  # the build stops on the error
    if ep.image is not None and data != cover:  # the show's own art needs no second copy
        display = (ep.toml_path.relative_to(show.root).as_posix() if ep.toml_path and not isinstance(ep.image, Artwork)
                   else f"episodes/{ep.stem}{ep.audio.path.suffix}")
        # Apple's artwork rules: an image the toml names must meet them; a
        # cover that merely came with the audio is left out, with a warning.
        found = (validate.embedded_image_problems(data, display, ep.image.extension)
                 if isinstance(ep.image, Artwork)
                 else validate.image_problems(data, display, "image", ep.image.suffix))
        problems += found
        if not found:
            name = urls.image_path(f"images/{ep.slug}", ep.image, data)
            files[name] = data if isinstance(ep.image, Artwork) else ep.image
            image_url = urls.url_for(show, name)
    extras = p20build.episode_outputs(show, ep, files)  # transcripts, chapters, alternate files
    return feed.EpisodeLinks(
        enclosure=urls.enclosure_url(show, ep),
        page=urls.page_url(show, ep),  # written by site.render_site
        image=image_url,
        transcripts=extras.transcripts,
        chapters=extras.chapters,
        alternates=extras.alternates,
    )


@dataclass
class Result:
    plan: Plan
    out: Path
    changes: Changes
    diff: str = ""
    written: bool = False
    # How it was made: "full", "reused" (nothing had changed: memo.py) or
    # "patched" (only some episodes had: patch.py).
    mode: str = "full"
    why: str = ""  # why a full build was needed, or what an incremental one read again


# The show's own folders that a build reads from: public/ inside one of
# them would be read back as the show's files (or overwrite them).
SOURCE_FOLDERS = ("episodes", "templates")


def out_refused(root: Path, out: Path) -> str | None:
    """Why OUT may not be ROOT's output folder, or None: not the show folder
    or one it is in, and not inside a folder the build reads (episodes/,
    templates/), where its pages would become the show's files."""
    show, target = root.resolve(), out.resolve()
    if target == show:
        return "is the show folder itself; the site would be written among the show's own files"
    if show.is_relative_to(target):
        return f"contains the show folder {root}; the site would be written among the show's own files"
    for name in SOURCE_FOLDERS:
        if target.is_relative_to(show / name):
            return (f"is inside the show's {name}/ folder, which the build reads; "
                    "choose a folder outside it, such as public/")
    return None


def build(root: Path, out: Path | None = None, *, check: bool = False,
          progress: episodes.LoadProgress | None = None, use_cache: bool = True,
          allowed: Sequence[Path] = (), now: dt.datetime | None = None) -> Result:
    """Build ROOT into OUT (default ROOT/public). With CHECK, write nothing
    and report what would change. Without USE_CACHE, read every file, make
    every output and compare it, as on a first build. ALLOWED are the
    folders outside the show that `--allow-outside` names: such a build is
    always a full one (the record of the last build knows nothing of them)."""
    out = out or root / "public"
    refused = out_refused(root, out)
    if refused is not None:
        raise ValueError(f"--out {out}: {refused}")
    why = ("--no-cache" if not use_cache else "--check" if check else "--allow-outside" if allowed
           else "--now" if now else "")
    given = memo.inputs(root, out) if use_cache and not allowed and now is None else None
    if given is not None:
        reused = memo.reuse(root, out, given)
        if reused is not None:  # the last build read exactly this and public/ is as it left it
            return _reused(root, out, reused, check, progress)
        if not check:
            from feedtool.engine import patch

            patched = patch.attempt(root, out, given)
            if not isinstance(patched, str):  # only some episodes' own files changed
                return _patched(root, out, given, patched)
            why = patched
    p = plan(root, progress=progress, use_cache=use_cache, allowed=allowed, now=now,
             keys=dict(given.files) if given is not None else None)
    lock_path = p.show.root / guids.LOCK_NAME
    lock_changed = not lock_path.exists() or lock_path.read_bytes() != p.lock
    stamps = memo.stamps(p.show.root, out) if use_cache else {}
    if check:
        changes = compare(out, p.files, stamps)
        if lock_changed:
            changes.changed.append(guids.LOCK_NAME)
        diff = feed_diff(out, p.show.feed_name, p.feed_bytes) if p.show.feed_name in changes.changed else ""
        return Result(p, out, changes, diff, why=why)
    changes = commit(out, p.files, p.show.feed_name, stamps)
    if lock_changed:
        write_file(lock_path, p.lock)
        if given is not None:  # the build wrote one of its own inputs: record what it wrote
            given = memo.rewritten(given, root, guids.LOCK_NAME)
    if given is not None:
        from feedtool.engine import patch

        # A scheduled episode's date ends the record's validity, like any
        # future date: the first build after it is a full one and publishes it.
        memo.remember(root, out, given, problems=p.problems, dates=[e.date for e in p.episodes],
                      files=p.files, uses=p.uses, stamps=changes.stamps, archives=p.archives,
                      feed_name=p.show.feed_name,
                      episodes=patch.record(p, given), podcast_guid=p.show.extra.get("guid"),
                      scheduled=[e.date for e in p.held if not e.draft])
    return Result(p, out, changes, written=True, why=why)


def _patched(root: Path, out: Path, given: memo.Inputs, patched: patch.Patched) -> Result:
    """Write what an incremental build made again; everything else stays."""
    p = patched.plan
    stamps = memo.stamps_of(p.files.keys(), patched.last, patched.moved)
    changes = commit(out, p.files, p.show.feed_name, stamps, keep=patched.keep)
    memo.remember_patch(root, out, given, patched.last, problems=p.problems, archives=p.archives, uses=p.uses,
                        feed_name=p.show.feed_name, written=[*changes.added, *changes.changed],
                        removed=changes.removed, episodes=patched.episodes,
                        moved=patched.moved, stamps=changes.stamps)
    return Result(p, out, changes, written=True, mode="patched", why=patched.why)


def _reused(root: Path, out: Path, reused: memo.Reused, check: bool,
            progress: episodes.LoadProgress | None) -> Result:
    """The result of a build that would do nothing: the recorded report and
    the show; its episodes and files are made only if read (memo.Later)."""
    show, _ = config.load_show(root)
    assert show is not None  # it built with these very inputs
    lock, _ = guids.read_lock(show.root)
    podcast_guid, _, _ = guids.podcast_guid(show, lock, show.extra.get("guid"))
    show = dataclasses.replace(show, extra={**show.extra, "guid": podcast_guid})
    later = memo.Later(lambda: plan(root, progress=progress))
    p = Plan(show, memo.LaterEpisodes(reused.episodes, later),  # type: ignore[arg-type]
             memo.LaterFiles(show.feed_name, out, later),  # type: ignore[arg-type]
             (show.root / guids.LOCK_NAME).read_bytes(), reused.problems, reused.archives)
    return Result(p, out, Changes(unchanged=reused.files), written=not check, mode="reused",
                  why="the last build read these very files and public/ is as it left it")


def summaries(episodes: Sequence[Episode]) -> list[str]:
    return [f"{e.date:%Y-%m-%d}  {e.title}" for e in episodes]
