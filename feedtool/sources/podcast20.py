"""The Podcasting 2.0 part of loading an episode: its chapters (from
[[chapters]] in STEM.toml, else STEM.chapters.json, else the audio's own),
its timed transcripts (STEM.vtt, STEM.srt) and its alternate files, each
checked against the audio. Called by episodes.merge once the core fields
are known."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedtool.sources import chapters as chapters_mod
from feedtool import safe_files
from feedtool.sources import transcripts
from feedtool.sources.audio import read_audio
from feedtool.config.load import resolve_inside
from feedtool.model import Alignment, AlternateEnclosure, Captions, Chapter, Episode, Show, Source
from feedtool.problems import Problem, ProblemFound, error

if TYPE_CHECKING:
    from feedtool.sources.episodes import Group

# STEM.toml keys that go unchanged into Episode.extra for podcast20.py.
PASSED_ON = ("person", "soundbite", "location", "license", "funding", "chapters_url", "transcript_urls", "block")


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def alternate_files(groups: Sequence[Group], scope: safe_files.Scope) -> set[Path]:
    """Every file some STEM.toml names in alternate_enclosure.file. A quick
    read of the raw TOML: syntax and value errors are reported later by the
    real load of that toml."""
    claimed: set[Path] = set()
    for group in groups:
        if group.meta is None:
            continue
        try:
            # Read only a regular file inside the show (the real load says why not).
            checked = scope.quick_check(group.meta, group.meta.name)
            raw = safe_files.read_bytes(checked, group.meta.name).decode("utf-8")
            # Most tomls name no alternate: skip the parse (shows run to thousands of episodes).
            if "alternate_enclosure" not in raw:
                continue
            data = tomllib.loads(raw)
        except (OSError, ProblemFound, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        alternates = data.get("alternate_enclosure")
        if isinstance(alternates, dict):
            alternates = [alternates]
        for table in alternates if isinstance(alternates, list) else []:
            if isinstance(table, dict) and isinstance(table.get("file"), str):
                try:
                    path = (group.meta.parent / table["file"]).resolve()
                except (OSError, RuntimeError):
                    continue
                # Naming its own audio is a mistake the real load reports.
                if path not in {a.resolve() for a in group.audio}:
                    claimed.add(path)
    return claimed


def without_alternates(root: Path, groups: list[Group]) -> list[Group]:
    """GROUPS without the audio files that are another episode's alternates
    (an Opus copy of her.mp3 named her.opus is not a second episode)."""
    claimed = alternate_files(groups, safe_files.Scope.of(root))
    if not claimed:
        return groups
    out = []
    for group in groups:
        audio = [p for p in group.audio if p.resolve() not in claimed]
        if audio or group.text or group.meta or group.captions or group.chapters:
            out.append(dataclasses.replace(group, audio=audio))
    return out


def pick_chapters(show: Show, group: Group, episode: Episode,
                  meta: dict[str, Any]) -> tuple[tuple[Chapter, ...], Source, list[Problem]]:
    root = show.root
    duration = episode.audio.duration
    if "chapters" in meta:
        display = _rel(root, group.meta) if group.meta else f"episodes/{group.stem}.toml"
        found: tuple[Chapter, ...] = meta["chapters"]
        return found, "toml", chapters_mod.check(found, duration, display, "chapters")
    if group.chapters is not None:
        display = _rel(root, group.chapters)
        try:
            found = chapters_mod.read_json_chapters(group.chapters, display)
        except ProblemFound as exc:
            return (), "file", [exc.problem]
        return found, "file", chapters_mod.check(found, duration, display, "chapters")
    display = _rel(root, episode.audio.path)
    found = episode.audio.chapters
    hint = " (from the audio's chapter tags: fix them, or list [[chapters]] in the episode's toml)"
    return found, "tags" if found else "default", chapters_mod.check(found, duration, display, "chapters", hint)


def load_alternates(show: Show, group: Group, episode: Episode, tables: Sequence[dict[str, Any]],
                    display: str) -> tuple[tuple[AlternateEnclosure, ...], list[Problem]]:
    problems: list[Problem] = []
    out: list[AlternateEnclosure] = []
    base = group.meta.parent if group.meta else show.root
    for n, t in enumerate(tables, start=1):
        field = "alternate_enclosure"
        if "url" in t:
            out.append(AlternateEnclosure(t["type"], t["length"], url=t["url"], title=t.get("title"),
                                          bitrate=t.get("bitrate"), default=t.get("default", False)))
            continue
        try:
            path = resolve_inside(show.root, base, t["file"], display, field, show.allowed)
        except ProblemFound as exc:
            problems.append(dataclasses.replace(exc.problem, message=f"item {n}: file: {exc.problem.message}"))
            continue
        if path == episode.audio.path.resolve():
            problems.append(error(display, field, f"item {n}: file: {t['file']!r} is the episode's own audio"))
            continue
        try:
            info = read_audio(path, _rel(show.root, path))
        except ProblemFound as exc:
            problems.append(exc.problem)
            continue
        # P20 docs/tags/integrity.md: an SRI hash lets apps verify the copy.
        try:
            data = safe_files.read_bytes(path, _rel(show.root, path), scope=show.files)
        except ProblemFound as exc:
            problems.append(exc.problem)
            continue
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")
        out.append(AlternateEnclosure(
            t.get("type", info.mime), info.size, file=path, title=t.get("title"),
            bitrate=t.get("bitrate", info.bitrate), default=t.get("default", False), integrity=f"sha384-{digest}",
        ))
    if sum(a.default for a in out) > 1:
        problems.append(error(display, "alternate_enclosure", "more than one item has default = true"))
    return tuple(out), problems


def _aligned(show: Show, episode: Episode, found: tuple[Chapter, ...], source: Source, captions: list[Captions]
             ) -> tuple[tuple[Chapter, ...], Source, list[Captions], Alignment | None, list[Problem]]:
    """The episode's text aligned to its audio (issue 18): chapters from the
    text's sub-heads unless the episode has hand-made ones (STEM.toml,
    STEM.chapters.json, the audio's chapter tags), and a timed transcript
    unless STEM.vtt or STEM.srt is given. Imported here, when asked for: a
    show without align never loads the aligner."""
    from feedtool.sources.align import episode as aligner
    from feedtool.sources.align import results

    assert episode.text is not None and episode.text_path is not None
    display = _rel(show.root, episode.text_path)
    alignment, problems = aligner.align(show.root, episode.audio.path, _rel(show.root, episode.audio.path),
                                        episode.text, show.language)
    if alignment is None:
        return found, source, captions, None, problems
    problems += results.problems(episode.text, alignment, display)
    if source == "default":
        starts = [f.chapter for f in results.chapters(episode.text, alignment)]
        ends = [c.start for c in starts[1:]] + [episode.audio.duration]
        found = tuple(dataclasses.replace(c, end=end) for c, end in zip(starts, ends) if end > c.start)
        source = "aligned"
        problems += chapters_mod.check(found, episode.audio.duration, display, "chapters",
                                       " (found by aligning the text to the audio)")
    cues = results.cues(alignment)
    if not captions and cues:
        captions = [Captions(episode.text_path, "vtt", cues)]
    return found, source, captions, alignment, problems


def complete(show: Show, group: Group, episode: Episode, meta: dict[str, Any],
             meta_display: str, *, align: bool = True) -> tuple[Episode | None, list[Problem]]:
    problems: list[Problem] = []
    found, source, chapter_problems = pick_chapters(show, group, episode, meta)
    problems += chapter_problems
    duration = episode.audio.duration

    for n, bite in enumerate(meta.get("soundbite", ()), start=1):
        if bite.start + bite.duration > duration + chapters_mod.DURATION_SLACK:
            problems.append(error(meta_display, "soundbite", f"item {n}: ends at {bite.start + bite.duration:g} s, "
                                  f"after the end of the audio ({duration:.3f} s)"))

    captions: list[Captions] = []
    for path in sorted(group.captions):
        read, found_problems = transcripts.read_captions(path, _rel(show.root, path), duration)
        problems += found_problems
        if read is not None:
            captions.append(read)

    alignment = None
    if align and meta.get("align", show.align) and episode.text is not None and episode.text_path is not None:
        found, source, captions, alignment, found_problems = _aligned(show, episode, found, source, captions)
        problems += found_problems

    alternates, found_problems = load_alternates(show, group, episode, meta.get("alternate_enclosure", ()),
                                                 meta_display)
    problems += found_problems
    if any(p.is_error for p in problems):
        return None, problems
    extra = {**episode.extra, **{k: meta[k] for k in PASSED_ON if k in meta},
             "alternate_enclosure": alternates, "captions": tuple(captions)}
    if alignment is not None:
        extra["alignment"] = alignment
    return dataclasses.replace(episode, chapters=found, sources={**episode.sources, "chapters": source},
                   extra=extra), problems
