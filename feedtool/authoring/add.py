"""`feedtool add`: bring one episode into a show without hand-editing.

The audio is copied (or moved) to episodes/SLUG.ext, the text beside it as
SLUG.txt or SLUG.md, and SLUG.toml is written with the fields that would
otherwise have to be typed: title, date, summary and episode number, each
taken from the first source that has it (a flag, the text, the audio's own
tags) and reported with that source.

`plan` reads and checks everything and writes nothing; `commit` writes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from feedtool.config import schema
from feedtool.engine import guids
from feedtool.sources import episodes
from feedtool.config import load as config
from feedtool.sources import masters
from feedtool.sources.audio import read_audio
from feedtool.sources.episodes import EPISODES_DIR, META_SUFFIX, TEXT_SUFFIXES
from feedtool.model import AudioInfo, Show, TextInfo, load
from feedtool.problems import FeedtoolError, Problem, ProblemFound, error

MAX_SLUG = 60  # long enough to be telling, short enough for a URL people read


def slugify(value: str) -> str:
    """'Spike Jonze Opens His Heart For “Her”' → 'spike-jonze-opens-his-heart-for-her'.

    Accents are folded to ASCII (NFKD, then the combining marks dropped) so
    the stem is safe in a URL without percent-encoding; anything else that
    is not a letter or digit becomes a single hyphen.
    """
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1].rfind("-")  # end on a word boundary
        slug = slug[: cut if cut > MAX_SLUG // 2 else MAX_SLUG].strip("-")
    return slug


@dataclass(frozen=True)
class Request:
    audio: Path
    text: Path | None = None
    title: str | None = None
    date: str | None = None  # as typed; "today" means today, on purpose
    season: int | None = None
    episode: int | None = None
    stem: str | None = None
    move: bool = False


@dataclass
class Plan:
    show: Show
    request: Request
    stem: str
    audio: AudioInfo
    text: TextInfo | None
    meta: dict[str, Any]  # what STEM.toml will hold
    sources: dict[str, str]  # field → where its value came from
    targets: dict[str, Path] = field(default_factory=dict)  # audio/text/toml → destination


def _flag_problem(display: str, key: str, flag: str, exc: ValueError) -> Problem:
    return error(display, key, f"{exc} (from {flag})")


def next_number(show: Show, season: int | None, date: dt.datetime | dt.date | None = None) -> tuple[int, int]:
    """The number after the one of the season's episode dated just before
    DATE (authoring/numbering.py), so numbers follow dates; and how many
    episodes of the season already have that number or a higher one, dated
    after it (`feedtool renumber` shifts them).

    Existing numbers are read the way a build reads them (toml, then track tag).
    """
    from feedtool.authoring.numbering import number_after

    # Numbers only: no master encoded, nothing measured.
    eps = [e for e in episodes.load(show, deliver=False).episodes if e.season == season]
    number = number_after(eps, date, season)
    return number, sum(e.number is not None and e.number >= number for e in eps)


def taken_paths(show: Show, stem: str) -> list[Path]:
    """Files that already use STEM (audio, text, toml, chapters, captions, ...):
    add never overwrites any of them, nor joins a stranger's file to the episode."""
    base = show.root / EPISODES_DIR / stem
    if not base.parent.is_dir():
        return []
    return sorted(p for p in base.parent.iterdir()
                  if p.is_file() and episodes.split_name(p.name)[0] == base.name)


def plan(root: Path, req: Request, *, today: dt.date | None = None) -> Plan:
    """Read the audio and text, choose every field, check every flag.

    Raises FeedtoolError with every problem found; writes nothing. TODAY is
    used only when the user asked for `--date today` (injectable for tests).
    """
    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    problems = []
    try:
        if masters.is_master(show.mastering, req.audio):
            # A master is copied as it is; the next build encodes it.
            audio, _channels = masters.read(req.audio, str(req.audio))
        else:
            audio = read_audio(req.audio, str(req.audio))
    except ProblemFound as exc:
        raise FeedtoolError([exc.problem]) from None

    text: TextInfo | None = None
    if req.text is not None:
        if req.text.suffix.lower() not in TEXT_SUFFIXES:
            raise FeedtoolError([error(str(req.text), None, "the interview text must be a .txt, .md or .html file")])
        if not req.text.is_file():
            raise FeedtoolError([error(str(req.text), None, "file not found")])
        from feedtool.sources import interview

        try:
            content, found = episodes.read_text_file(req.text, str(req.text))
        except ProblemFound as exc:
            raise FeedtoolError([exc.problem]) from None
        problems += found
        text = interview.parse(content, req.text.suffix, show.clean_patterns, language=show.language)

    meta: dict[str, Any] = {}
    sources: dict[str, str] = {}
    title_source, title = _first(("--title", req.title), ("text", text.title if text else None),
                                 ("tags", audio.title))
    stem = req.stem or slugify(title or "") or slugify(req.audio.stem)
    if not stem:
        raise FeedtoolError([error(str(req.audio), None,
                                   "cannot make a file name from the title or the file name; give --stem")])
    display = f"{EPISODES_DIR}/{stem}{META_SUFFIX}"
    if req.stem is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*", stem):
        problems.append(error(display, None, f"--stem {stem!r}: use letters, digits, '.', '_', '-' and '/' only"))

    if title is not None:
        try:
            meta["title"] = config.EPISODE_KEYS["title"].convert(title)
            sources["title"] = title_source
        except ValueError as exc:
            problems.append(_flag_problem(display, "title", title_source, exc) if title_source == "--title"
                            else error(display, "title", f"{exc} (from the {title_source})"))

    date, date_source = _choose_date(req, audio, display, problems, today)
    if date is not None:
        meta["date"], sources["date"] = date, date_source

    summary_source, summary = _first(("text", text.summary if text else None), ("tags", audio.comment))
    if summary is not None:
        try:
            meta["summary"] = config.EPISODE_KEYS["summary"].convert(summary)
            sources["summary"] = summary_source
        except ValueError as exc:
            problems.append(error(display, "summary", f"{exc} (from the {summary_source})"))

    if req.season is not None:
        _check_number(req.season, "season", "--season", display, meta, sources, problems)
    if req.episode is not None:
        _check_number(req.episode, "episode", "--episode", display, meta, sources, problems)
    else:
        meta["episode"], later = next_number(show, meta.get("season"), meta.get("date"))
        sources["episode"] = "next by date" + (
            f"; {later} later episode(s) to shift: `feedtool renumber`" if later else "")

    for path in taken_paths(show, stem):
        problems.append(error(
            episodes.rel(show.root, path), None,
            "already exists; add never overwrites an episode (give another --title or --stem)",
        ))
    lock, found = guids.read_lock(show.root)
    problems += found
    if stem in lock.removed:
        # A retired stem is never used again (guids.retired): the build would refuse it.
        problems.append(error(
            display, None,
            f"the stem {stem!r} belonged to an episode removed with `feedtool remove` (GUID "
            f"{lock.removed[stem]['guid']}, retired for good); give another --stem (such as {stem}-2) "
            "or --title, so that apps never take the new episode for the old one",
            rule="GUID-RETIRED",
        ))
    if any(p.is_error for p in problems):
        raise FeedtoolError(problems)

    base = show.root / EPISODES_DIR / stem
    targets = {
        "audio": base.with_name(base.name + req.audio.suffix.lower()),
        "toml": base.with_name(base.name + META_SUFFIX),
    }
    if req.text is not None:
        targets["text"] = base.with_name(base.name + req.text.suffix.lower())
    return Plan(show, req, stem, audio, text, meta, sources, targets)


def _first(*candidates: tuple[str, Any]) -> tuple[str, Any]:
    for source, value in candidates:
        if value is not None and str(value).strip():
            return source, value
    return "", None


def _check_number(value: int, key: str, flag: str, display: str, meta: dict[str, Any],
                  sources: dict[str, str], problems: list[Problem]) -> None:
    try:
        meta[key] = schema.positive_int(value)
        sources[key] = flag
    except ValueError as exc:
        problems.append(_flag_problem(display, key, flag, exc))


def _choose_date(req: Request, audio: AudioInfo, display: str, problems: list[Problem],
                 today: dt.date | None) -> tuple[dt.date | dt.datetime | None, str]:
    """--date, else the audio's date tag. Never the file's mtime: a copied
    file's mtime is the day it was copied, which would silently reorder the
    feed (the same rule as episodes.merge)."""
    if req.date is not None:
        raw = req.date.strip()
        if raw.lower() == "today":
            return (today or dt.date.today()), "--date today"
        try:
            moment = schema.timestamp(raw)
        except ValueError as exc:
            problems.append(_flag_problem(display, "date", "--date", exc))
            return None, ""
        return _toml_date(moment, raw), "--date"
    tagged = episodes.parse_tag_date(audio.date)
    if tagged is not None:
        return _toml_date(tagged, audio.date or ""), "tags"
    problems.append(error(
        display, "date",
        f"{req.audio} has no date tag; give --date YYYY-MM-DD (or --date today) "
        "— feedtool never guesses a date from a file's modification time",
    ))
    return None, ""


def _toml_date(moment: dt.datetime, raw: str) -> dt.date | dt.datetime:
    # A bare date stays a TOML date (easier to read and edit); a time is kept in UTC.
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", raw.strip()):
        return moment.date()
    return moment.astimezone(dt.UTC)


TOML_ORDER = ("title", "date", "season", "episode", "summary")


def toml_text(p: Plan) -> str:
    """STEM.toml, readable: a header, then each key with where it came from."""
    lines = [f"# {p.stem}: written by `feedtool add` from {p.request.audio.name}. Edit freely;",
             "# `feedtool docs config` explains every key."]
    for key in TOML_ORDER:
        if key in p.meta:
            value = p.meta[key]
            line = tomli_w.dumps({key: value}, multiline_strings=True).rstrip("\n")
            # The source as a trailing comment, except after a (possibly multi-line) summary.
            lines.append(line if key == "summary" else f"{line}  # from {p.sources[key]}")
    return "\n".join(lines) + "\n"


def commit(p: Plan) -> list[Path]:
    """Write the episode's files. The toml is written last: until it exists,
    a half-added episode has no date and the build names it."""
    written = []
    p.targets["audio"].parent.mkdir(parents=True, exist_ok=True)
    if p.request.move:
        shutil.move(p.request.audio, p.targets["audio"])
    else:
        _copy(p.request.audio, p.targets["audio"])
    written.append(p.targets["audio"])
    if p.request.text is not None:
        if p.request.move:
            shutil.move(p.request.text, p.targets["text"])
        else:
            _copy(p.request.text, p.targets["text"])
        written.append(p.targets["text"])
    _write_new(p.targets["toml"], toml_text(p).encode("utf-8"))
    written.append(p.targets["toml"])
    return written


def _copy(src: Path, dst: Path) -> None:
    # Through a hidden temp name, so an interrupted copy never looks like an episode.
    tmp = dst.with_name(f".{dst.name}.feedtool-tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_new(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.feedtool-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def report(p: Plan) -> list[tuple[str, str, str]]:
    """(field, value, source) rows of what the next build will publish."""
    rows = [(key, str(p.meta[key]), p.sources[key]) for key in TOML_ORDER if key in p.meta]
    a = p.audio
    rows.append(("audio", f"{a.format}, {a.duration:.1f} s, {a.size} bytes", str(p.request.audio)))
    if p.text is not None:
        rows.append(("show notes", f"{len(load(p.text.sections))} section(s), "
                     f"{len(load(p.text.removed))} chrome line(s) dropped",
                     str(p.request.text)))
    if a.chapters:
        rows.append(("chapters", str(len(a.chapters)), "tags"))
    if a.artwork is not None:
        rows.append(("image", f"embedded {a.artwork.mime}", "tags"))
    return rows
