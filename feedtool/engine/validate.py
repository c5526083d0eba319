"""Rules over the whole show model and over any feed. Functions here return
problems; they never raise for a user's mistake.

Rule ids are those of feedtool/rules.py (docs/rules.md), so a problem found
in the model and the same problem found by `feedtool check` in a feed carry
the same id. The model-level problems name the source file, which the feed
cannot; `feed_rules` therefore leaves out what the model already reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from feedtool.render.images import inspect_image
from feedtool.model import Episode, Show
from feedtool.problems import Problem, ProblemFound, Severity, error, warning

# Apple's artwork requirements (A Podcaster's Guide to RSS, itunes:image;
# podcasters.apple.com/support/896): 1400–3000 px square, JPEG or PNG with a
# matching extension, RGB colour space.
IMAGE_MIN, IMAGE_MAX = 1400, 3000
IMAGE_SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
RGB_MODES = ("RGB", "RGBA", "P")  # P: a palette of RGB colours
UNPLAYABLE_FORMATS = {"ogg": "Ogg Vorbis", "opus": "Ogg Opus", "flac": "FLAC"}
APPLE_DESCRIPTION_LIMIT = 4000
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")

# A feed-level rule that says again what a model-level one already said,
# with the file name lost: ogg/opus/flac enclosures are supported by design
# and reported once as FORMAT-PLAYBACK (so not as APL-ENCLOSURE-EXT errors).
COVERED_BY = {
    "FORMAT-PLAYBACK": "FORMAT-PLAYBACK",
    "APL-ENCLOSURE-EXT": "FORMAT-PLAYBACK",
    "PLAIN-TEXT": "PLAIN-TEXT",
    "APL-DESC-LEN": "APL-DESC-LEN",
}


def image_reasons(data: bytes, display: str, field: str | None,
                  suffix: str | None) -> list[tuple[str, str]]:
    """(rule id, reason) for each of Apple's artwork rules DATA breaks."""
    return list(_image_reasons(data, field, suffix))


@functools.lru_cache(maxsize=512)
def _image_reasons(data: bytes, field: str | None, suffix: str | None) -> tuple[tuple[str, str], ...]:
    # One cover embedded in thousands of episodes is checked once (issue 7).
    # The reasons name no file, so the display name plays no part.
    try:
        info = inspect_image(data, "", field)
    except ProblemFound as exc:
        return (("APL-IMAGE", exc.problem.message),)
    reasons: list[tuple[str, str]] = []
    if info.format not in IMAGE_SUFFIXES:
        reasons.append(("APL-IMAGE", f"is a {info.format} image; Apple accepts only JPEG or PNG artwork"))
    elif suffix is not None and suffix.lower() not in IMAGE_SUFFIXES[info.format]:
        reasons.append(("APL-IMAGE-EXT", (f"holds {info.format} data but is named {suffix}; Apple requires the "
                        f"extension to match the real type (rename it to {IMAGE_SUFFIXES[info.format][0]})")))
    if info.width != info.height:
        reasons.append(("APL-IMAGE", f"is {info.width}×{info.height} px, not square; Apple requires square artwork"))
    side = max(info.width, info.height)
    if min(info.width, info.height) < IMAGE_MIN or side > IMAGE_MAX:
        reasons.append(("APL-IMAGE", (f"is {info.width}×{info.height} px; Apple requires {IMAGE_MIN} to "
                        f"{IMAGE_MAX} px a side")))
    if info.mode not in RGB_MODES:
        reasons.append(("APL-IMAGE", f"uses the {info.mode} colour mode; Apple requires RGB"))
    return tuple(reasons)


def image_problems(data: bytes, display: str, field: str | None, suffix: str | None) -> list[Problem]:
    """Errors for artwork the user named (podcast.toml image, STEM.toml image)."""
    return [error(display, field, reason, rule=rule) for rule, reason in image_reasons(data, display, field, suffix)]


def embedded_image_problems(data: bytes, display: str, suffix: str) -> list[Problem]:
    """A cover embedded in the audio that breaks Apple's rules is not
    published (the feed stays valid); one warning says why."""
    reasons = image_reasons(data, display, "artwork", suffix)
    if not reasons:
        return []
    why = "; ".join(reason for _, reason in reasons)
    return [warning(display, "artwork", f"the embedded cover art is not used as the episode's itunes:image: it {why}",
                    rule=reasons[0][0])]


def _source_path(show: Show, ep: Episode, name: str) -> str:
    source = ep.sources.get(name)
    path: Path | None = ep.audio.path
    if source == "text":
        path = ep.text_path
    elif source == "toml":
        path = ep.toml_path
    assert path is not None
    try:
        return path.relative_to(show.root).as_posix()
    except ValueError:
        return str(path)


def show_rules(show: Show, episodes: Sequence[Episode]) -> list[Problem]:
    """Apple's rules over the model, each problem naming the file to fix."""
    problems: list[Problem] = []
    for ep in episodes:
        audio = _source_path(show, ep, "audio")
        if ep.audio.format in UNPLAYABLE_FORMATS:
            problems.append(warning(
                audio, None, f"is {UNPLAYABLE_FORMATS[ep.audio.format]}, which Apple Podcasts and many apps cannot "
                "play; publish MP3 or M4A and list this file as an alternate_enclosure", rule="FORMAT-PLAYBACK"))
        for name, value in (("title", ep.title), ("summary", ep.summary)):
            if ep.sources.get(name) == "default":
                continue  # a summary defaulted from the title: the title's problem, reported once
            tag = _TAG.search(value)
            if tag:
                problems.append(warning(
                    _source_path(show, ep, name), name,
                    f"holds the HTML tag {tag.group(0)!r}; apps show this field as plain text, tags and all",
                    rule="PLAIN-TEXT"))
        if ep.audio.claimed_duration is not None:
            problems.append(warning(
                audio, "duration",
                f"its header claims {_clock(ep.audio.claimed_duration)} but the file holds only "
                f"{_clock(ep.audio.duration)} of audio (was it cut short?); the feed says "
                f"{_clock(ep.audio.duration)}, what it plays. Replace the file if it is incomplete",
                rule="AUDIO-TRUNCATED"))
        if len(ep.summary) > APPLE_DESCRIPTION_LIMIT:
            problems.append(error(
                _source_path(show, ep, "summary"), "summary",
                f"is {len(ep.summary):,} characters long; Apple allows {APPLE_DESCRIPTION_LIMIT:,} in a "
                "description (set a shorter summary in the episode's toml)", rule="APL-DESC-LEN"))
    problems += slug_clashes(episodes)
    return problems


def _clock(seconds: float) -> str:
    """3:05.2 — minutes and seconds, to a tenth."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


def duplicate_audio(show: Show, episodes: Sequence[Episode]) -> list[Problem]:
    """The same audio published twice is one episode in two places (a file
    added again under another name): an error naming both files. Only files
    of one size are hashed, so a show of 10,000 episodes reads next to none."""
    from feedtool.engine.guids import audio_digest

    by_size: dict[int, list[Episode]] = {}
    for ep in episodes:
        by_size.setdefault(ep.audio.size, []).append(ep)
    problems: list[Problem] = []
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        first: dict[str, Episode] = {}
        for ep in sorted(same_size, key=lambda e: (e.date, e.stem)):  # the older one is "the original"
            digest = audio_digest(ep.audio.path)
            if digest not in first:
                first[digest] = ep
                continue
            problems.append(error(
                _source_path(show, ep, "audio"), None,
                f"is the same audio as {_source_path(show, first[digest], 'audio')} (SHA-256 {digest[:16]}…): "
                "one episode twice. Delete one of them, or remove the older with `feedtool remove`",
                rule="AUDIO-DUPLICATE"))
    return problems


def slug_clashes(episodes: Sequence[Episode]) -> list[Problem]:
    """Output files are named by slug ('a/b' and 'a-b' both become 'a-b'):
    two episodes with one slug would overwrite each other's media and pages."""
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for ep in sorted(episodes, key=lambda e: e.stem):
        other = owner.setdefault(ep.slug, ep.stem)
        if other != ep.stem:
            problems.append(error(
                f"episodes/{ep.stem}", None,
                f"would publish its files under the same name as episodes/{other} ({ep.slug!r}); rename one",
                rule="SLUG-CLASH"))
    return problems


def check_archive(data: bytes, source: str, reported: frozenset[str]) -> list[Problem]:
    """feed_rules as render/paging.py calls it for an archive feed it makes,
    with the rules the model REPORTED taken once for all archives."""
    from feedtool.check.feed import NotAFeed, check_feed

    try:
        found = check_feed(data, source=source)
    except NotAFeed as exc:  # a bug in feed.py, not a user's mistake; still never a traceback
        return [error(source, None, f"feedtool wrote a feed it cannot read back: {exc}")]
    return [p for p in found
            if p.severity is not Severity.INFO and COVERED_BY.get(p.rule, "") not in reported]


def feed_rules(data: bytes, *, source: str = "feed.xml", covered: Iterable[Problem] = ()) -> list[Problem]:
    """`feedtool check` over a feed the build just made: its errors and
    warnings (notes are advice for feeds feedtool did not write), less those
    the model-level rules in COVERED already reported."""
    return check_archive(data, source, frozenset(p.rule for p in covered))
