"""The show as feedtool understands it: frozen dataclasses, no I/O.

Everything that is read (config, tags, texts) becomes one of these; every
output (feed, site, transcripts) is made from them alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from feedtool import safe_files

EpisodeType = Literal["full", "trailer", "bonus"]
ShowType = Literal["episodic", "serial"]
Source = Literal["toml", "text", "tags", "default", "lock", "derived", "file", "aligned"]


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str
    end: float | None = None
    url: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class Artwork:
    """Cover art embedded in an audio file."""

    data: bytes
    mime: str  # image/jpeg or image/png

    @property
    def extension(self) -> str:
        return ".png" if self.mime == "image/png" else ".jpg"


@dataclass(frozen=True)
class AudioInfo:
    """What mutagen tells about one audio file."""

    path: Path
    size: int
    duration: float  # seconds
    mime: str
    format: str  # mp3, m4a, ogg, opus, flac
    bitrate: int | None = None
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    date: str | None = None  # as tagged; parsed by the episode loader
    comment: str | None = None
    track: int | None = None
    artwork: Artwork | None = None
    chapters: tuple[Chapter, ...] = ()
    # What the file's header claimed, when its frames hold less (a file cut
    # short); `duration` is then what the frames play (audio.py).
    claimed_duration: float | None = None
    # Hosted elsewhere (sources/remote.py): the facts come from STEM.toml,
    # PATH is that toml, and no file is read or copied.
    url: str | None = None
    sha256: str | None = None
    file_name: str | None = None  # the remote file's name, for pages and listings


@dataclass(frozen=True)
class Loudness:
    """An episode's loudness as ITU-R BS.1770 / EBU R128 measure it."""

    integrated: float  # LUFS, gated over the whole episode
    range: float  # LU, EBU Tech 3342 loudness range
    true_peak: float  # dBTP, on the 4x oversampled signal


@dataclass(frozen=True)
class Mastering:
    """How a show's masters (WAV, AIFF, FLAC) become the files it publishes,
    and the loudness its episodes should have (podcast.toml; docs/audio.md)."""

    audio_format: Literal["mp3", "m4a", "flac"] = "mp3"
    bitrate: int | None = None  # kbps; None: by channels (sources/masters.py)
    loudness: float | None = None  # the target in LUFS; None: ready files are not measured
    tolerance: float = 1.0  # LU either side of the target
    true_peak: float = -1.0  # dBTP, the highest allowed

    # Masters are levelled to this when the show names no target: Apple's
    # recommendation (see docs/audio.md).
    DEFAULT_TARGET = -16.0

    @property
    def target(self) -> float:
        return self.DEFAULT_TARGET if self.loudness is None else self.loudness


@dataclass(frozen=True)
class Section:
    """A sub-head of the interview text and the paragraphs under it."""

    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Doubt:
    """Something the text reader is unsure of, for the build to warn about:
    a rule id, the line of the text it is about, and what to do."""

    rule: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)  # 30,000 of them at 10,000 episodes
class Kept:
    """A big field of a cleaned text that the read cache keeps out of memory
    (the texts of 10,000 episodes do not fit in it, issue 7). TOKEN names the
    content, the same on every machine, so that fingerprints need not load
    it; `load` gives the value. Reading the field gives the Kept, never the
    value: what loads it says so."""

    token: str
    # What gives the value again (engine/cache.py). Not part of what a Kept
    # is: equality, hashing, repr and fingerprints go by the token.
    loader: Callable[[], Any] = field(repr=False, compare=False)


T = TypeVar("T")


def load(value: Kept | T) -> T:
    """VALUE, or the value a Kept stands for. Raises FeedtoolError when the
    read cache lost it and the file changed while the build was running."""
    if type(value) is Kept:
        loaded: T = value.loader()
        return loaded
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class TextInfo:
    """An interview text, cleaned of the site's chrome. From the read cache,
    the big fields may be Kept (`load` gives them)."""

    title: str | None
    summary: str | None
    sections: tuple[Section, ...] | Kept
    credit: str | None
    notes_html: str | Kept
    removed: tuple[str, ...] | Kept = ()  # the chrome lines dropped, for inspect
    # Speaker turns ("HOST:", "NAME:") make the text a transcript of the
    # episode, published as podcast:transcript; an article is show notes.
    is_transcript: bool = False
    doubts: tuple[Doubt, ...] = ()

    def transcript(self) -> str:
        """The text as plain text: headline, sub-heads, paragraphs and credit.
        Made from them, not kept beside them (it would be a third copy of the
        text in memory and in the read cache). Every reader strips what XML
        forbids from its input first, so the parts hold none of it."""
        parts: list[str] = [self.title] if self.title else []
        for section in load(self.sections):
            if section.heading:
                parts.append(section.heading)
            parts.extend(section.paragraphs)
        if self.credit:
            parts.append(self.credit)
        return "\n\n".join(parts)

    def loaded(self) -> TextInfo:
        """This text with every Kept field loaded (for a template, which
        reads the fields as they are)."""
        return replace(self, sections=load(self.sections), notes_html=load(self.notes_html),
                       removed=load(self.removed))


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "host"
    group: str = "cast"
    img: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Category:
    name: str
    sub: str | None = None


# --- Podcasting 2.0 values (https://podcastindex.org/namespace/1.0) ---------
# Each mirrors one podcast: tag; config.py validates them, podcast20.py
# writes them.


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class Txt:
    text: str
    purpose: str | None = None


@dataclass(frozen=True)
class License:
    identifier: str
    url: str | None = None


@dataclass(frozen=True)
class Location:
    name: str
    geo: str | None = None  # a geo: URI (RFC 5870)
    osm: str | None = None  # an OpenStreetMap type+id, e.g. R113314
    country: str | None = None  # ISO 3166-1 alpha-2
    rel: str | None = None  # subject or creator


@dataclass(frozen=True)
class Trailer:
    url: str
    title: str
    pubdate: dt.datetime  # timezone-aware
    length: int | None = None
    type: str | None = None
    season: int | None = None


@dataclass(frozen=True)
class UpdateFrequency:
    text: str
    rrule: str | None = None
    complete: bool = False
    dtstart: dt.datetime | None = None


@dataclass(frozen=True)
class RemoteItem:
    feed_guid: str
    feed_url: str | None = None
    title: str | None = None
    medium: str | None = None


@dataclass(frozen=True)
class ValueRecipient:
    type: str
    address: str
    split: int
    name: str | None = None
    custom_key: str | None = None
    custom_value: str | None = None
    fee: bool = False


@dataclass(frozen=True)
class Value:
    type: str
    method: str
    suggested: str | None
    recipients: tuple[ValueRecipient, ...]


@dataclass(frozen=True)
class TranscriptLink:
    """A transcript hosted elsewhere (`transcript_urls`, an imported show's)."""

    url: str
    type: str
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True)
class Soundbite:
    start: float
    duration: float
    title: str | None = None


@dataclass(frozen=True)
class AlternateEnclosure:
    """An alternate file of an episode: FILE is inside the show (its size and
    type read from it), or URL/LENGTH/TYPE point to a copy hosted elsewhere."""

    type: str
    length: int | None = None
    file: Path | None = None
    url: str | None = None
    title: str | None = None
    bitrate: int | None = None
    default: bool = False
    integrity: str | None = None  # SRI value, e.g. sha384-…


@dataclass(frozen=True)
class Cue:
    """One cue of a timed transcript (WebVTT or SRT)."""

    start: float
    end: float
    text: str
    line: int  # where the cue's timing line is in its file


@dataclass(frozen=True)
class Captions:
    """A timed transcript given beside the audio (STEM.vtt or STEM.srt)."""

    path: Path
    format: Literal["vtt", "srt"]
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class Timed:
    """One unit of the interview text (the headline, a sub-head or a
    sentence) and where the aligner found it spoken; START and END are None
    when it was not found (sources/align)."""

    kind: Literal["title", "heading", "sentence"]
    text: str
    section: int  # index into TextInfo.sections; -1 for the title
    paragraph: int  # index into the section's paragraphs; -1 for a title or sub-head
    start: float | None
    end: float | None
    confidence: float  # 0..1
    speaker: str | None = None


@dataclass(frozen=True)
class Alignment:
    """The interview text aligned to the episode's audio."""

    units: tuple[Timed, ...]
    duration: float


@dataclass(frozen=True)
class Show:
    root: Path
    title: str
    description: str
    base_url: str  # always ends with "/"
    language: str
    author: str
    owner_name: str
    owner_email: str
    image: Path | None
    categories: tuple[Category, ...]
    explicit: bool
    type: ShowType
    link: str
    copyright: str | None = None
    media_base_url: str | None = None  # ends with "/" when set
    stats_prefix: str | None = None  # a measurement service's prefix (config/stats.py)
    new_feed_url: str | None = None  # itunes:new-feed-url: the show moved there
    feed_name: str = "feed.xml"
    feed_limit: int | None = None  # newest N in feed_name, the rest in archive pages
    clean_patterns: tuple[str, ...] = ()
    align: bool = False  # align each episode's text to its audio (sources/align)
    # Podcasting 2.0 and other optional keys, validated by config.py.
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Folders outside the show that `--allow-outside` let files point into
    # (resolved); only ever from the command line, never from a show's file.
    allowed: tuple[Path, ...] = ()
    mastering: Mastering = Mastering()

    @property
    def feed_url(self) -> str:
        return self.base_url + self.feed_name

    @property
    def files(self) -> safe_files.Scope:
        """Where this show's files may be (safe_files)."""
        from feedtool import safe_files

        return safe_files.Scope(self.root, self.allowed)


@dataclass(frozen=True)
class Episode:
    stem: str  # path of the episode below episodes/, without suffix, "/"-separated
    audio: AudioInfo
    text: TextInfo | None
    text_path: Path | None
    toml_path: Path | None
    title: str
    date: dt.datetime  # timezone-aware
    guid: str
    summary: str
    notes_html: str | Kept  # Kept: the text's notes, in the read cache
    season: int | None
    number: int | None
    episode_type: EpisodeType
    explicit: bool
    image: Path | Artwork | None  # a file in the show, embedded art, or None
    link: str | None
    keywords: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    sources: Mapping[str, Source]
    extra: Mapping[str, Any] = field(default_factory=dict)
    draft: bool = False  # `draft = true`: never published, whatever the date (sources/schedule.py)
    # A WAV/AIFF/FLAC master this episode's audio was encoded from (then
    # `audio` is the encoded file in .feedtool-cache/masters/).
    master: Path | None = None
    loudness: Loudness | None = None  # measured when the show asks (Mastering)

    @property
    def slug(self) -> str:
        """The stem as one path segment, for output file names."""
        return self.stem.replace("/", "-")

    def loaded(self) -> Episode:
        """This episode with every Kept field of it and its text loaded."""
        return replace(self, notes_html=load(self.notes_html), text=self.text.loaded() if self.text else None)


