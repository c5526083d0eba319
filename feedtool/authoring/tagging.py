# mutagen ships py.typed but leaves most of its API untyped.
# mypy: disable-error-code="no-untyped-call"
"""`feedtool tag`: write an episode's metadata into its audio file's own tags,
so the file carries its title, show, date, number, summary, cover and
chapters when it is downloaded alone.

Only the tags change, never the audio: mutagen rewrites the tag blocks
(ID3v2 at the front of an MP3, the moov/udta atoms of an M4A, the comment
header of an Ogg stream, the metadata blocks of a FLAC) and copies the audio
frames as they are. The write goes to a temporary copy that replaces the
original only when it is complete, so a crash never leaves half a file.

What the tags already hold is read with feedtool.audio, the same reader the
build uses, so "unchanged" means the build would read the same value back,
and a second `tag` over the same episode writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedtool.sources import episodes, masters
from feedtool.config import load as config
from feedtool.sources.audio import read_audio
# The writers live with the readers, for the masters' encoder to use too.
from feedtool.sources.tag_writer import WRITERS, Wanted, date_text, kind_of, wanted_for
from feedtool.model import Artwork, AudioInfo, Chapter, Episode, Show
from feedtool.problems import FeedtoolError, Problem, ProblemFound, error

__all__ = ["WRITERS", "Wanted", "apply", "compare", "date_text", "plan", "plan_episode", "wanted_for"]

TMP_SUFFIX = ".feedtool-tmp"

# The tag that holds each field, per format, for the change report.
LABELS: dict[str, dict[str, str]] = {
    "mp3": {"title": "TIT2", "artist": "TPE1", "album": "TALB", "date": "TDRC", "track": "TRCK",
            "comment": "COMM", "artwork": "APIC", "chapters": "CHAP/CTOC"},
    "m4a": {"title": "\xa9nam", "artist": "\xa9ART", "album": "\xa9alb", "date": "\xa9day", "track": "trkn",
            "comment": "\xa9cmt/desc", "artwork": "covr", "chapters": "chpl"},
    "vorbis": {"title": "TITLE", "artist": "ARTIST", "album": "ALBUM", "date": "DATE", "track": "TRACKNUMBER",
               "comment": "COMMENT", "artwork": "METADATA_BLOCK_PICTURE", "chapters": "CHAPTERxxx"},
    "flac": {"title": "TITLE", "artist": "ARTIST", "album": "ALBUM", "date": "DATE", "track": "TRACKNUMBER",
             "comment": "COMMENT", "artwork": "PICTURE", "chapters": "CHAPTERxxx"},
}
FIELDS = ("title", "artist", "album", "date", "track", "comment", "artwork", "chapters")

# A stem on the command line that names no episode: a usage error (exit 2), not a problem of the show.
UNKNOWN_STEM = "STEM-UNKNOWN"


@dataclass(frozen=True)
class Change:
    field: str
    tag: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.tag} ({self.field}): {self.old} → {self.new}"


@dataclass
class TagPlan:
    stem: str
    path: Path
    display: str
    format: str
    wanted: Wanted
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- what would change -------------------------------------------------------

def _show(value: Any) -> str:
    if value is None or value == () or value == "":
        return "(none)"
    if isinstance(value, Artwork):
        return f"{value.mime}, {len(value.data)} bytes"
    if isinstance(value, tuple):
        return f"{len(value)} chapters: " + ", ".join(f"{c.title} @{c.start:g}s" for c in value)
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _chapter_key(chapters: Sequence[Chapter]) -> list[tuple[float, str]]:
    return [(round(c.start, 3), c.title) for c in chapters]


def compare(current: AudioInfo, want: Wanted, kind: str) -> list[Change]:
    """Every field whose tag differs from what it should be."""
    labels = LABELS[kind]
    changes = []
    current_date = episodes.parse_tag_date(current.date)
    new_values: dict[str, tuple[Any, Any, bool]] = {
        # field: (old, new, equal)
        "title": (current.title, want.title, current.title == want.title),
        "artist": (current.artist, want.artist, current.artist == want.artist),
        "album": (current.album, want.album, current.album == want.album),
        "date": (current.date, date_text(want.date, kind != "mp3"),
                 current_date is not None and current_date == want.date.astimezone(dt.UTC)),
        "track": (current.track, want.track, want.track is None or current.track == want.track),
        "comment": (current.comment, want.comment, (current.comment or "").strip() == want.comment.strip()),
        "artwork": (current.artwork, want.artwork,
                    want.artwork is None or (current.artwork is not None
                                             and current.artwork.data == want.artwork.data)),
        "chapters": (current.chapters, want.chapters,
                     not want.chapters or _chapter_key(current.chapters) == _chapter_key(want.chapters)),
    }
    for name in FIELDS:
        old, new, equal = new_values[name]
        if kind == "m4a" and name == "chapters":
            continue  # reported as a note: mutagen cannot write MP4 chapters
        if not equal:
            changes.append(Change(name, labels[name], _show(old), _show(new)))
    return changes


def plan_episode(show: Show, ep: Episode) -> TagPlan:
    display = episodes.rel(show.root, ep.audio.path)
    kind = kind_of(ep.audio.format)
    want = wanted_for(show, ep)
    current = read_audio(ep.audio.path, display)  # fresh: the file may have been tagged since loading
    p = TagPlan(ep.stem, ep.audio.path, display, kind, want, compare(current, want, kind))
    if kind == "m4a" and want.chapters:
        same = _chapter_key(current.chapters) == _chapter_key(want.chapters)
        p.notes.append("chapters left as they are: mutagen cannot write MP4 chapters"
                       + ("" if same else " (the file's differ from the episode's)"))
    return p


def plan(root: Path, stems: Sequence[str] | None,
         progress: Callable[[int, int, str], None] | None = None) -> tuple[list[TagPlan], list[Problem]]:
    """Plans for the episodes named by STEMS (None: every episode). Raises
    FeedtoolError, before any file is touched, if the show or one of the
    named episodes has an error."""
    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    # Masters are not encoded here: `tag` writes the show's own files, and a
    # master's encoded copy is tagged by the build (sources/masters.py).
    loaded = episodes.load(show, deliver=False)
    problems += loaded.problems
    # Scheduled and draft episodes are tagged too; remote ones have no file here.
    by_stem = {e.stem: e for e in [*loaded.episodes, *loaded.held] if e.audio.url is None}
    if stems is not None:
        for stem in stems:
            if stem not in by_stem and not any(p.is_error for p in problems):
                known = ", ".join(sorted(by_stem)) or "none"
                problems.append(error(f"{episodes.EPISODES_DIR}/{stem}", None,
                                      f"no episode has this stem (known: {known})", rule=UNKNOWN_STEM))
    if any(p.is_error for p in problems):
        raise FeedtoolError(problems)
    chosen = [by_stem[s] for s in sorted(by_stem) if stems is None or s in stems]
    plans = []
    for i, ep in enumerate(chosen, 1):
        if masters.is_master(show.mastering, ep.audio.path):
            plans.append(TagPlan(ep.stem, ep.audio.path, episodes.rel(show.root, ep.audio.path), ep.audio.format,
                                 wanted_for(show, ep), notes=[
                                     "a master: left as it is; the build tags the copy it encodes from it"]))
            if progress is not None:
                progress(i, len(chosen), ep.stem)
            continue
        try:
            plans.append(plan_episode(show, ep))
        except ProblemFound as exc:
            problems.append(exc.problem)
        if progress is not None:
            progress(i, len(chosen), ep.stem)
    if any(p.is_error for p in problems):
        raise FeedtoolError(problems)
    return plans, problems


# --- writing -------------------------------------------------------------------

def apply(p: TagPlan) -> bool:
    """Write P's tags; False when nothing needed changing (the file is untouched)."""
    if not p.changes:
        return False
    tmp = p.path.with_name(f".{p.path.name}{TMP_SUFFIX}")
    try:
        # copyfile, not copy2: the tagged file must get a new mtime, or the
        # build's quick same-size-same-mtime check (write.same) could keep
        # the old copy in public/ when the tags happen to fit the padding.
        shutil.copyfile(p.path, tmp)
        shutil.copymode(p.path, tmp)
        WRITERS[p.format](tmp, p.wanted)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p.path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
