"""Find the episodes of a show and pair each one's files by stem.

An episode is the files that share a stem in one folder below episodes/:
exactly one audio file, an optional STEM.txt or STEM.md and an optional
STEM.toml. Each field comes from the first source that has it: the toml,
then the interview text, then the audio tags, then a default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from feedtool.sources import chapters as chapters_mod
from feedtool import safe_files
from feedtool.config import schema
from feedtool.sources import interview, remote, schedule, transcripts
from feedtool.sources import walk as walker
from feedtool.sources import podcast20 as p20episode
from feedtool.sources import masters
from feedtool.sources.audio import MASTERS, SUPPORTED, read_audio
from feedtool.config.load import load_episode_meta, resolve_inside
from feedtool.sources.decode import decode
from feedtool.model import Artwork, AudioInfo, Episode, Show, Source, TextInfo
from feedtool.problems import Problem, ProblemFound, error, warning
from feedtool.sources.text import strip_control_chars

EPISODES_DIR = "episodes"
TEXT_SUFFIXES = interview.TEXT_SUFFIXES
META_SUFFIX = ".toml"
# Files that may sit beside episodes without being one: artwork referenced
# from a toml, and feedtool's own lock file.
QUIET_SUFFIXES = (".jpg", ".jpeg", ".png", ".lock", ".gitkeep")
# A pasted article is a few tens of KB; anything this big is a mistake
# (a log, an audio file renamed .txt) and would bloat every app's download.
MAX_TEXT_BYTES = 2 * 1024 * 1024
# The suffixes of an episode's files: a folder named with one is a mistake.
EPISODE_SUFFIXES = frozenset((*SUPPORTED, *MASTERS, *TEXT_SUFFIXES, META_SUFFIX, chapters_mod.SUFFIX, *transcripts.SUFFIXES))


@dataclass
class Group:
    """The files of one stem, before anything is read."""

    stem: str
    audio: list[Path] = field(default_factory=list)
    text: list[Path] = field(default_factory=list)
    meta: Path | None = None
    chapters: Path | None = None  # STEM.chapters.json
    captions: list[Path] = field(default_factory=list)  # STEM.vtt, STEM.srt


def rel(show_root: Path, path: Path) -> str:
    """A path as shown to the user: relative to the show folder, '/'-separated."""
    try:
        return path.relative_to(show_root).as_posix()
    except ValueError:
        return str(path)


def split_name(name: str) -> tuple[str, str]:
    """('her', '.mp3') for 'her.mp3'; known multi-part suffixes stay whole."""
    for compound in (".chapters.json",):
        if name.endswith(compound):
            return name[: -len(compound)], compound
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + suffix.lower()


def discover(show_root: Path, scope: safe_files.Scope | None = None) -> tuple[list[Group], list[Problem]]:
    """Walk episodes/ in sorted order and group files by folder and stem.
    A symlink is grouped only when it leads to a regular file inside SCOPE
    (the show folder by default); it and any special file (FIFO, socket,
    device, a folder named like an episode's file) is an error otherwise,
    never silently skipped."""
    scope = scope or safe_files.Scope.of(show_root)
    base = show_root / EPISODES_DIR
    problems: list[Problem] = []
    if not base.is_dir():
        return [], [warning(EPISODES_DIR, None, "no episodes/ folder: the feed will have no episodes")]
    if not scope.contains(base.resolve()):
        return [], [error(EPISODES_DIR, None, f"is a symbolic link to {base.resolve()}, outside the show "
                          f"folder; {safe_files.HINT}", rule="FILE-OUTSIDE")]
    groups: dict[str, Group] = {}
    prefix = len(str(base)) + 1
    # Sorted by the path as a string, and the stem made from it as one: a
    # Path compares and joins slowly, and a large show has 30,000 files.
    for name, regular in sorted(walk(base)):
        path = Path(name)
        if not regular:  # a symlink, a special file or a folder named like a file: one full check
            try:
                scope.check(path, rel(show_root, path))
            except ProblemFound as exc:
                problems.append(exc.problem)
                continue
        if not add_to_group(groups, name[prefix:].rpartition(os.sep)[0].replace(os.sep, "/"), path) and \
                not path.name.startswith("."):
            problems.append(warning(rel(show_root, path), None, "not an episode file; ignored"))
    return [groups[k] for k in sorted(groups)], problems


def add_to_group(groups: dict[str, Group], folder: str, path: Path) -> bool:
    """Put PATH (in FOLDER below episodes/, "/"-separated) into the group of
    its stem; False for a file that is no part of an episode."""
    name_stem, suffix = split_name(path.name)
    stem = f"{folder}/{name_stem}" if folder else name_stem
    if suffix in SUPPORTED or suffix in MASTERS:
        groups.setdefault(stem, Group(stem)).audio.append(path)
    elif suffix in TEXT_SUFFIXES:
        groups.setdefault(stem, Group(stem)).text.append(path)
    elif suffix == META_SUFFIX:
        groups.setdefault(stem, Group(stem)).meta = path
    elif suffix == chapters_mod.SUFFIX:
        groups.setdefault(stem, Group(stem)).chapters = path
    elif suffix in transcripts.SUFFIXES:
        groups.setdefault(stem, Group(stem)).captions.append(path)
    else:
        return suffix in QUIET_SUFFIXES
    return True


def groups_of(show_root: Path, rels: Iterable[str]) -> dict[str, Group]:
    """The groups discover() would make of these files (paths relative to
    the show folder, "/"-separated), without walking the folder: for the
    incremental build (patch.py), which knows the files already."""
    groups: dict[str, Group] = {}
    prefix = EPISODES_DIR + "/"
    for name in sorted(rels):
        if not name.startswith(prefix) or any(walker.ignored(part) for part in name.split("/")):
            continue  # as walk(): the one ignore rule (sources/walk.py)
        folder, _, _ = name[len(prefix):].rpartition("/")
        add_to_group(groups, folder, show_root / name)
    return groups


def walk(base: Path) -> Iterator[tuple[str, bool]]:
    """(path, whether it is a regular file and no link) of every entry below
    BASE but folders, by the one walker and its one ignore rule
    (sources/walk.py: hidden files and folders, editors' leftovers); symlinked
    folders are not followed but yielded, as are FIFOs, sockets and devices,
    for discover() to refuse. A folder named like an episode's file (her.txt/)
    is yielded instead of walked."""
    for _name, entry in walker.walk(str(base), leaf=lambda e: split_name(e.name)[1] in EPISODE_SUFFIXES):
        try:
            regular = entry.is_file(follow_symlinks=False)  # False for a yielded folder too
        except OSError:
            regular = False
        yield entry.path, regular


def read_text_file(path: Path, display: str) -> tuple[str, list[Problem]]:
    """A text's content, its encoding decided from its bytes (decode.py): a
    binary or empty file is refused, a guessed encoding named in a warning."""
    with safe_files.open_file(path, display) as fh:  # a regular file, never a FIFO or /proc
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_TEXT_BYTES:
            raise ProblemFound(error(
                display, None,
                f"is {size / 1e6:.1f} MB; an interview text may be at most {MAX_TEXT_BYTES // (1024 * 1024)} MB",
            ))
        raw = fh.read()
    content, problems = decode(raw, display)
    content, removed = strip_control_chars(content)
    if removed:
        problems.append(warning(display, None, f"removed {removed} control character(s) that XML forbids"))
    return content, problems


def parse_tag_date(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    match = re.match(r"^\d{4}(-\d{2}(-\d{2}([T ][\d:]+(Z|[+-]\d{2}:?\d{2})?)?)?)?", raw.strip())
    if not match:
        return None
    try:
        return schema.timestamp(match.group(0))
    except ValueError:
        return None


@dataclass
class Loaded:
    episodes: list[Episode]  # those published as of the build's now
    problems: list[Problem]
    # Drafts and episodes dated after the build's now (schedule.py), oldest first.
    held: list[Episode] = field(default_factory=list)


# Called after each episode is read: (done, total, stem); the CLI draws a progress bar with it.
LoadProgress = Callable[[int, int, str], None]


def load(show: Show, reader: Any = read_audio, progress: LoadProgress | None = None,
         now: dt.datetime | None = None, *, deliver: bool = True) -> Loaded:
    """Read every episode of SHOW. Episodes with errors are left out of the
    result and their problems reported; the caller stops on any error.
    Drafts and episodes dated after NOW (schedule.build_now) are read and
    checked like the others, but kept apart in Loaded.held. Without
    DELIVER, masters are not encoded nor episodes measured: each episode's
    audio is then its master (for `tag`, `add` and `master`)."""
    now = schedule.build_now(now)
    groups, problems = discover(show.root, show.files)
    # Files named as another episode's alternate_enclosure are not episodes.
    groups = p20episode.without_alternates(show.root, groups)
    prefetch = getattr(reader, "prefetch", None)
    if prefetch is not None:  # a cache.Cache: read what it lacks up front, on every core
        prefetch(show, groups, lambda path: rel(show.root, path), progress)
    if deliver and show.mastering.loudness is not None:  # measure what the store lacks, on every core
        masters.premeasure(show, [(g.audio[0], rel(show.root, g.audio[0])) for g in groups if len(g.audio) == 1],
                           progress)
    episodes: list[Episode] = []
    held: list[Episode] = []
    for done, group in enumerate(groups, 1):
        episode, found = read_group(show, group, reader, progress=progress, deliver=deliver)
        problems.extend(found)
        if episode is not None:
            (held if schedule.held(episode, now) else episodes).append(episode)
        if progress is not None:
            progress(done, len(groups), group.stem)
    episodes.sort(key=lambda e: (e.date, e.stem))
    held.sort(key=lambda e: (e.date, e.stem))
    return Loaded(episodes, problems, held)


def guarded(show: Show, group: Group) -> tuple[Group, list[Problem]]:
    """GROUP without the files that are not regular files inside the show
    (safe_files), and an error for each. discover() has checked the files
    it found; the incremental build (patch.py) knows its files from a list,
    so this runs on every group read, at one lstat a file."""
    problems: list[Problem] = []

    def ok(path: Path) -> bool:
        try:
            show.files.quick_check(path, rel(show.root, path))
            return True
        except ProblemFound as exc:
            problems.append(exc.problem)
            return False

    kept = Group(
        group.stem,
        audio=[p for p in group.audio if ok(p)],
        text=[p for p in group.text if ok(p)],
        meta=group.meta if group.meta is not None and ok(group.meta) else None,
        chapters=group.chapters if group.chapters is not None and ok(group.chapters) else None,
        captions=[p for p in group.captions if ok(p)],
    )
    return (kept, problems) if problems else (group, problems)


def _refused_audio(base: Path) -> bool:
    """Whether BASE.mp3 (or another audio suffix) is there but no regular
    file: a link or a special file, which discovery refused with an error."""
    for suffix in (*SUPPORTED, *MASTERS):
        try:
            if not stat.S_ISREG(os.lstat(f"{base}{suffix}").st_mode):
                return True
        except OSError:
            continue
    return False


def load_group(show: Show, group: Group, reader: Any = read_audio, *,
               align: bool = True) -> tuple[Episode | None, list[Problem]]:
    """One group's episode as a build publishes it now: None for a draft or
    a scheduled episode (the incremental build, patch.py, then falls back to
    a full one, which knows what is held back). ALIGN=False leaves its text
    unaligned even when the show asks for alignment (feedtool align does it itself)."""
    episode, problems = read_group(show, group, reader, align=align)
    if episode is not None and schedule.held(episode, schedule.build_now()):
        return None, problems
    return episode, problems


def read_group(show: Show, group: Group, reader: Any = read_audio, *, progress: LoadProgress | None = None,
               deliver: bool = True, align: bool = True) -> tuple[Episode | None, list[Problem]]:
    """One episode from its files: with DELIVER (a build), a master encoded
    (masters.py) and the loudness measured when the show asks for it; with
    ALIGN, its text aligned to its audio when the show asks for that."""
    root = show.root
    group, problems = guarded(show, group)
    if problems:
        return None, problems
    early: dict[str, Any] | None = None  # STEM.toml, read first when there is no audio file
    if not group.audio and group.meta is not None:
        early, found = load_episode_meta(group.meta, rel(root, group.meta), show.files)
        if any(p.is_error for p in found):
            return None, found
        if remote.is_remote(early):
            return _read_remote(show, group, early, reader, align)
    if not group.audio:
        files = group.text + ([group.meta] if group.meta else []) + group.captions + (
            [group.chapters] if group.chapters else [])
        if _refused_audio(root / EPISODES_DIR / group.stem):
            return None, problems  # its audio was refused (safe_files), and that error says why
        for orphan in files:
            problems.append(error(
                rel(root, orphan), None,
                f"has no audio file beside it (expected {group.stem}.mp3, .m4a, .ogg, .opus or .flac, "
                "or a .wav, .aiff or .flac master)",
            ))
        return None, problems
    if len(group.audio) > 1:
        names = ", ".join(p.name for p in group.audio)
        problems.append(error(
            rel(root, group.audio[0].parent / group.stem.split("/")[-1]), None,
            f"one episode needs exactly one audio file, found {len(group.audio)}: {names}",
        ))
        return None, problems
    if len(group.text) > 1:
        problems.append(error(
            rel(root, group.text[0]), None,
            "both a .txt and a .md text share this stem; keep one",
        ))
        return None, problems

    audio_path = group.audio[0]
    audio: AudioInfo | None = None
    is_master = masters.is_master(show.mastering, audio_path)
    channels = 2
    try:
        if is_master:
            audio, channels = masters.read(audio_path, rel(root, audio_path))
        else:
            audio = reader(audio_path, rel(root, audio_path))
    except ProblemFound as exc:
        problems.append(exc.problem)
    episode, problems = _read_rest(show, group, audio, problems, reader, align)
    if not deliver:
        return episode, problems
    return _deliver(show, episode, problems, audio_path, is_master=is_master, channels=channels, reader=reader,
                    progress=progress)


def _read_remote(show: Show, group: Group, meta: dict[str, Any],
                 reader: Any, align: bool) -> tuple[Episode | None, list[Problem]]:
    """An episode whose audio is hosted elsewhere: its STEM.toml says what a
    file would (remote.py); the toml's own warnings come with _read_rest's reading."""
    assert group.meta is not None
    audio, found = remote.audio(meta, group.meta, rel(show.root, group.meta))
    return _read_rest(show, group, audio, found, reader, align)


def _read_rest(show: Show, group: Group, audio: AudioInfo | None, problems: list[Problem],
               reader: Any, align: bool = True) -> tuple[Episode | None, list[Problem]]:
    root = show.root

    text: TextInfo | None = None
    text_path = group.text[0] if group.text else None
    if text_path is not None:
        display = rel(root, text_path)
        cached_text = getattr(reader, "text", None)  # a cache.Cache reads texts too
        if cached_text is not None:
            text, found = cached_text(show, text_path, display)
            problems.extend(found)
        else:
            try:
                content, found = read_text_file(text_path, display)
                problems.extend(found)
                text = interview.parse(content, text_path.suffix, show.clean_patterns, language=show.language)
            except ProblemFound as exc:
                problems.append(exc.problem)

    meta: dict[str, Any] = {}
    if group.meta is not None:
        meta, found = load_episode_meta(group.meta, rel(root, group.meta), show.files)
        problems.extend(found)
        remote_keys = [k for k in (*remote.KEYS, "audio_sha256") if k in meta]
        if audio is not None and audio.url is None and remote_keys:
            problems.append(error(rel(root, group.meta), remote_keys[0], f"is set, but {audio.path.name} is beside "
                                  "it too: keep the file or the remote audio's keys, not both"))
    if text is not None and text_path is not None:
        meta_display = rel(root, group.meta) if group.meta else f"{EPISODES_DIR}/{group.stem}.toml"
        text, found = interview.reread(text, text_path, rel(root, text_path), show.clean_patterns, meta,
                                       meta_display, read_text_file, show.language)
        problems.extend(found)

    if audio is None or any(p.is_error for p in problems):
        return None, problems
    episode, found = merge(show, group, audio, text, text_path, meta, align=align)
    problems.extend(found)
    return episode, problems


def _deliver(show: Show, episode: Episode | None, problems: list[Problem], audio_path: Path, *, is_master: bool,
             channels: int, reader: Any, progress: LoadProgress | None) -> tuple[Episode | None, list[Problem]]:
    """A build's episode: its master encoded (masters.py), or its loudness
    measured when the show asks for it."""
    if episode is None or any(p.is_error for p in problems):
        return episode, problems
    display = rel(show.root, audio_path)
    if is_master:
        episode, found = masters.deliver(show, episode, display, channels, reader, progress)
    elif show.mastering.loudness is not None:
        episode, found = masters.measure_ready(show, episode, display, progress)
    else:
        return episode, problems
    problems.extend(found)
    return (None if any(p.is_error for p in found) else episode), problems


def first(*candidates: tuple[Source, Any]) -> tuple[Source, Any]:
    for source, value in candidates:
        if value is not None and value != "" and value != ():
            return source, value
    return "default", None


def merge(
    show: Show,
    group: Group,
    audio: AudioInfo,
    text: TextInfo | None,
    text_path: Path | None,
    meta: dict[str, Any],
    *,
    align: bool = True,
) -> tuple[Episode | None, list[Problem]]:
    """Choose each field from the first source that has it."""
    root = show.root
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    meta_display = rel(root, group.meta) if group.meta else f"{EPISODES_DIR}/{group.stem}.toml"

    def pick(name: str, *candidates: tuple[Source, Any], default: Any = None) -> Any:
        source, value = first(*candidates)
        if value is None:
            value = default
        sources[name] = source
        return value

    text_title = text.title if text else None
    title = pick("title", ("toml", meta.get("title")), ("text", text_title), ("tags", audio.title),
                 default=group.stem.split("/")[-1].replace("-", " ").replace("_", " "))
    bidi = schema.direction_warning(meta_display if sources["title"] == "toml" else rel(
        root, text_path if sources["title"] == "text" and text_path else audio.path), "title", title)
    if bidi is not None:
        problems.append(bidi)
    date = pick("date", ("toml", meta.get("date")), ("tags", parse_tag_date(audio.date)))
    if date is None:
        problems.append(error(
            meta_display, "date",
            "no publication date in the toml or the audio tags; add a line such as date = 2024-01-31 "
            "(feedtool never guesses a date from a file's modification time)",
        ))
        return None, problems
    summary = pick("summary", ("toml", meta.get("summary")), ("text", text.summary if text else None),
                   ("tags", audio.comment), default=title)
    # A text from the read cache keeps its notes there (model.Kept): loaded
    # when a page or feed is made, not held for 10,000 episodes at once.
    notes_html = text.notes_html if text else ""
    if not notes_html and meta.get("show_notes"):
        notes_html = meta["show_notes"]  # sanitised HTML (config/load.py)
        sources["notes"] = "toml"
    if not notes_html:
        from html import escape

        notes_html = f"<p>{escape(summary)}</p>"
    image: Path | Artwork | None = None
    if "image" in meta:
        try:
            image = resolve_inside(root, group.meta.parent if group.meta else root, meta["image"],
                                   meta_display, "image", show.allowed)
        except ProblemFound as exc:
            problems.append(exc.problem)
            return None, problems
    image = pick("image", ("toml", image), ("tags", audio.artwork))
    episode = Episode(
        stem=group.stem,
        audio=audio,
        text=text,
        text_path=text_path,
        toml_path=group.meta,
        title=title,
        date=date,
        guid=meta.get("guid", ""),
        summary=summary,
        notes_html=notes_html,
        season=pick("season", ("toml", meta.get("season"))),
        number=pick("episode", ("toml", meta.get("episode")), ("tags", audio.track)),
        episode_type=pick("episode_type", ("toml", meta.get("episode_type")), default="full"),
        explicit=pick("explicit", ("toml", meta.get("explicit")), default=show.explicit),
        image=image,
        link=pick("link", ("toml", meta.get("link"))),
        keywords=pick("keywords", ("toml", meta.get("keywords")), default=()),
        chapters=pick("chapters", ("tags", audio.chapters), default=()),
        sources=sources,
        draft=meta.get("draft", False),
    )
    sources["guid"] = "toml" if episode.guid else "default"
    # Podcasting 2.0: chapters by precedence, timed transcripts, alternate files.
    completed, found = p20episode.complete(show, group, episode, meta, meta_display, align=align)
    problems.extend(found)
    return completed, problems


def with_guids(episodes: Iterable[Episode], guids: dict[str, tuple[str, Source]]) -> list[Episode]:
    out = []
    for ep in episodes:
        guid, source = guids[ep.stem]
        out.append(replace(ep, guid=guid, sources={**ep.sources, "guid": source}))
    return out
