"""Read one audio file: its length, size, format, tags, cover and chapters.

Everything mutagen can raise is turned into a ``ProblemFound`` that names the
file and says what is wrong, so one bad file never shows a traceback.
"""

from __future__ import annotations

import base64
import math
import mmap
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, NamedTuple, NoReturn

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from feedtool import safe_files
from feedtool.model import Artwork, AudioInfo, Chapter
from feedtool.problems import ProblemFound, error
from feedtool.sources.text import strip_control_chars

SUPPORTED: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",  # what Apple Podcasts lists for AAC in MP4
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
    ".flac": "audio/flac",
}

# Masters: what a podcaster records and edits in, encoded to the show's
# format before it is published (sources/masters.py).
MASTERS: dict[str, str] = {
    ".wav": "audio/wav",
    ".aif": "audio/aiff",
    ".aiff": "audio/aiff",
    ".flac": "audio/flac",
}

# Our format name → the mutagen class that reads it.
_READERS: dict[str, type[Any]] = {
    "mp3": MP3,
    "m4a": MP4,
    "ogg": OggVorbis,
    "opus": OggOpus,
    "flac": FLAC,
}
_MIME_OF_FORMAT: dict[str, str] = {fmt: SUPPORTED["." + fmt] for fmt in _READERS}

# How the user sees each format in messages, including formats we refuse.
_FORMAT_NAMES: dict[str, str] = {
    "mp3": "MP3",
    "m4a": "MPEG-4 audio (M4A)",
    "ogg": "Ogg Vorbis",
    "opus": "Ogg Opus",
    "flac": "FLAC",
    "OggFLAC": "Ogg FLAC",
    "OggSpeex": "Ogg Speex",
    "OggTheora": "Ogg Theora video",
    "WAVE": "WAV",
    "AIFF": "AIFF",
    "AAC": "raw AAC (ADTS)",
    "AC3": "AC-3",
    "ASF": "Windows Media (ASF/WMA)",
    "MonkeysAudio": "Monkey's Audio",
    "WavPack": "WavPack",
    "Musepack": "Musepack",
    "TrueAudio": "TrueAudio",
    "OptimFROG": "OptimFROG",
    "TAK": "TAK",
    "DSF": "DSD (DSF)",
    "DSDIFF": "DSD (DSDIFF)",
    "SMF": "MIDI",
}

# An Ogg container may legitimately hold Opus under a .ogg name.
_ALSO_ACCEPTED: dict[str, frozenset[str]] = {".ogg": frozenset({"opus"})}

_ID3_HEADER = 10
_SNIFF_BYTES = 64


def read_audio(path: Path, display: str | None = None) -> AudioInfo:
    """Read ``path`` once with mutagen; raise ``ProblemFound`` on any problem.

    ``display`` is how the file is named in messages (defaults to the path).
    """
    shown = str(path) if display is None else display
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        _fail(shown, f"unsupported file type {suffix or '(no suffix)'!r}; "
                     f"feedtool reads {', '.join(SUPPORTED)}")
    try:
        # The guarded door: a regular file, never a FIFO, device or /proc.
        with safe_files.open_file(path, shown) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                _fail(shown, "the file is empty")
            return _read_open_file(fh, path, shown, suffix, size)
    except OSError as exc:
        _fail(shown, f"cannot read the file: {exc.strerror or exc}")


def read_master(path: Path, display: str | None = None) -> tuple[AudioInfo, int]:
    """A WAV, AIFF or FLAC master: (its AudioInfo, its number of channels).
    Its tags are read as a published file's are (ID3 in WAV and AIFF,
    Vorbis comments and pictures in FLAC): they are the episode's last
    source of title, date and art, as for any audio file."""
    from mutagen.aiff import AIFF
    from mutagen.wave import WAVE

    shown = str(path) if display is None else display
    suffix = path.suffix.lower()
    try:
        with safe_files.open_file(path, shown) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                _fail(shown, "the file is empty")
            head = fh.read(12)
            fh.seek(0)
            kind = ("flac" if head.startswith(b"fLaC") else "wav" if head[8:12] == b"WAVE"
                    else "aiff" if head[8:12] in (b"AIFF", b"AIFC") else None)
            expected = {".wav": "wav", ".flac": "flac"}.get(suffix, "aiff")
            if kind != expected:
                _fail(shown, f"is not a {expected.upper()} file, as its {suffix!r} suffix says"
                             + (f" (it holds {kind.upper()})" if kind else ""))
            try:
                audio: Any = {"wav": WAVE, "aiff": AIFF, "flac": FLAC}[kind](fh)  # type: ignore[no-untyped-call]
            except Exception as exc:  # mutagen raises many types
                _fail(shown, f"the file is damaged (mutagen: {str(exc) or type(exc).__name__})")
    except OSError as exc:
        _fail(shown, f"cannot read the file: {exc.strerror or exc}")
    duration = float(getattr(audio.info, "length", 0.0) or 0.0)
    if not math.isfinite(duration) or duration <= 0:
        _fail(shown, "cannot tell how long the audio is: the file reports no duration")
    if kind == "flac":
        tags = _tags_of(audio, "flac")
    else:
        tags = _id3_tags(audio.tags) if audio.tags is not None else _Tags()
    info = AudioInfo(
        path=path, size=size, duration=duration, mime=MASTERS[suffix], format=kind,
        bitrate=int(getattr(audio.info, "bitrate", 0) or 0) or None, title=tags.title, artist=tags.artist,
        album=tags.album, date=tags.date, comment=tags.comment, track=tags.track, artwork=tags.artwork,
        chapters=tags.chapters,
    )
    return info, int(getattr(audio.info, "channels", 2) or 2)


def _fail(shown: str, message: str) -> NoReturn:
    """Raise the one kind of error this module lets out."""
    raise ProblemFound(error(shown, None, message))


def _read_open_file(fh: IO[bytes], path: Path, shown: str, suffix: str, size: int) -> AudioInfo:
    expected = suffix[1:]
    audio = _load(fh, shown, expected)
    fmt = _format_of(audio)
    if fmt in ("WAVE", "AIFF"):  # a master under a published format's name
        real = ".wav" if fmt == "WAVE" else ".aiff"
        _fail(shown, f"the file is {_FORMAT_NAMES[fmt]} audio, which feedtool does not read as {suffix!r}; "
                     f"rename it to {real} and the build encodes it as a master (docs/audio.md)")
    if fmt not in _READERS:
        _fail(shown, f"the file is {_FORMAT_NAMES.get(fmt, fmt)} audio, which feedtool does not "
                     f"read; convert it to {', '.join(SUPPORTED)}")
    if fmt != expected and fmt not in _ALSO_ACCEPTED.get(suffix, frozenset()):
        _fail(shown, f"the file is really {_FORMAT_NAMES[fmt]}, not {_FORMAT_NAMES[expected]} as "
                     f"its {suffix!r} suffix says; rename it to .{fmt}")
    duration, bitrate, claimed = _duration_and_bitrate(audio, fh, size)
    if not math.isfinite(duration) or duration <= 0:
        _fail(shown, "cannot tell how long the audio is: the file reports no duration "
                     "(no audio frames, or a broken header)")
    # Ogg Opus named .ogg stays audio/ogg: true of the container, and what
    # its name promises to apps that go by the URL.
    mime = _MIME_OF_FORMAT[fmt] if fmt == expected else SUPPORTED[suffix]
    tags = _tags_of(audio, fmt)
    return AudioInfo(
        path=path,
        size=size,
        duration=duration,
        mime=mime,
        format=fmt,
        bitrate=bitrate,
        title=tags.title,
        artist=tags.artist,
        album=tags.album,
        date=tags.date,
        comment=tags.comment,
        track=tags.track,
        artwork=tags.artwork,
        chapters=tags.chapters,
        claimed_duration=claimed,
    )


# --- Detection ---------------------------------------------------------------


def _load(fh: IO[bytes], shown: str, expected: str) -> Any:
    """Open with the mutagen class the content calls for, not the name."""
    kind = _sniff(fh)
    fh.seek(0)
    try:
        if kind is not None:
            return _READERS[kind](fh)
        # Not one of ours by its magic bytes: let mutagen guess, so a WAV or
        # a file with junk before its first MPEG frame is still named right.
        audio = mutagen.File(fh)
    except Exception as exc:  # mutagen raises many types, some not MutagenError
        reason = str(exc) or type(exc).__name__
        _fail(shown, f"the file is damaged or is not {_FORMAT_NAMES[kind or expected]} audio "
                     f"(mutagen: {reason})")
    if audio is None:
        _fail(shown, "not an audio file feedtool recognises (unknown format)")
    return audio


def _sniff(fh: IO[bytes]) -> str | None:
    """Name the format from magic bytes, or None when they are not ours.

    mutagen.File scores candidates partly by file name and breaks ties by
    class name, so a FLAC called .mp3 is opened as MP3 and fails with "can't
    sync to MPEG frame"; the magic bytes settle it first.
    """
    head = fh.read(_SNIFF_BYTES)
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"OggS"):
        if b"OpusHead" in head:
            return "opus"
        if b"\x01vorbis" in head:
            return "ogg"
        return None  # Ogg FLAC, Speex, Theora: mutagen names them
    if head.startswith(b"ID3") and len(head) >= _ID3_HEADER:
        # ID3 in front says nothing about what follows (FLAC files get it too).
        fh.seek(_id3_end(head))
        head = fh.read(_SNIFF_BYTES)
    if head.startswith(b"fLaC"):
        return "flac"
    if len(head) >= 4 and _frame_at(head, 0) is not None:
        return "mp3"
    return None


def _id3_end(head: bytes) -> int:
    size = _syncsafe(head[6:10])
    footer = _ID3_HEADER if head[5] & 0x10 else 0
    return _ID3_HEADER + size + footer


def _syncsafe(data: bytes) -> int:
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


def _format_of(audio: Any) -> str:
    """Our name for what mutagen opened; the class name for anything else."""
    for fmt, cls in _READERS.items():
        if type(audio) is cls:
            return fmt
    return type(audio).__name__


# --- Duration ----------------------------------------------------------------


# A header's duration is taken as what the file plays unless the frames
# hold this much less (LAME's gapless trim and rounding stay well within).
TRUNCATION_SLACK = 1.0  # seconds
# Below this share of the bytes its header's bitrate and duration call for,
# an MP3 with a frame count is walked frame by frame to see what it holds.
TRUNCATION_SHARE = 0.9


def _duration_and_bitrate(audio: Any, fh: IO[bytes], size: int) -> tuple[float, int | None, float | None]:
    """(seconds, bits per second, the header's claimed seconds when the file
    holds fewer) of the audio."""
    info = audio.info
    duration = float(getattr(info, "length", 0.0) or 0.0)
    bitrate = int(getattr(info, "bitrate", 0) or 0)
    claimed = None
    if isinstance(audio, MP3):
        counted = _has_frame_count(fh, info.frame_offset)
        # Without a Xing/VBRI frame count mutagen divides the file size by the
        # first frame's bitrate, which is wrong for VBR: count the frames. With
        # one, the count is the encoder's, and a file cut short afterwards (a
        # broken download, a full disk) still claims it: count the frames when
        # the bytes are fewer than the header's duration calls for.
        if not counted or _short_of(size - info.frame_offset, bitrate, duration):
            walked = _walk_mpeg_frames(fh, info.frame_offset)
            if walked is not None and (not counted or walked[0] < duration - TRUNCATION_SLACK):
                claimed = duration if counted else None
                duration, audio_bytes = walked
                bitrate = round(audio_bytes * 8 / duration)
    if not bitrate and duration > 0:
        bitrate = round(size * 8 / duration)
    return duration, bitrate or None, claimed


def _short_of(available: int, bitrate: int, duration: float) -> bool:
    """Whether AVAILABLE bytes are too few to hold DURATION seconds at BITRATE."""
    return not bitrate or available < TRUNCATION_SHARE * bitrate / 8 * duration


class _Frame(NamedTuple):
    length: int  # bytes, header included
    samples: int
    sample_rate: int
    side_info: int  # bytes of Layer III side info after the header


_KBPS_V1 = {
    1: (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    2: (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
}
_KBPS_V2 = {
    1: (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    3: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Keyed by the two version bits: 0 = MPEG 2.5, 2 = MPEG 2, 3 = MPEG 1.
_RATES = {0: (11025, 12000, 8000), 2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}


def _decode_header(b1: int, b2: int, b3: int) -> _Frame | None:
    """Decode bytes 1-3 of a frame header (byte 0 is 0xFF)."""
    if b1 & 0xE0 != 0xE0:
        return None
    version = (b1 >> 3) & 3
    layer = 4 - ((b1 >> 1) & 3)
    index = b2 >> 4
    rate_index = (b2 >> 2) & 3
    # Free-format bitrate (0) has no computable length: treat as invalid.
    if version == 1 or layer == 4 or index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = (_KBPS_V1 if mpeg1 else _KBPS_V2)[layer][index] * 1000
    rate = _RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    mono = (b3 >> 6) == 3
    if layer == 1:
        return _Frame((12 * bitrate // rate + padding) * 4, 384, rate, 0)
    if layer == 3 and not mpeg1:
        return _Frame(72 * bitrate // rate + padding, 576, rate, 9 if mono else 17)
    side = (17 if mono else 32) if layer == 3 else 0
    return _Frame(144 * bitrate // rate + padding, 1152, rate, side)


def _frame_at(data: bytes | mmap.mmap, pos: int) -> _Frame | None:
    if data[pos] != 0xFF:
        return None
    return _decode_header(data[pos + 1], data[pos + 2], data[pos + 3])


def _has_frame_count(fh: IO[bytes], offset: int) -> bool:
    """True if the first frame is a Xing/Info or VBRI header with a frame count,
    the case where mutagen's length is exact (and LAME's gapless trim applied)."""
    fh.seek(offset)
    data = fh.read(64)
    if len(data) < 4 or (frame := _frame_at(data, 0)) is None:
        return False
    xing = 4 + frame.side_info
    if data[xing:xing + 4] in (b"Xing", b"Info"):
        flags = int.from_bytes(data[xing + 4:xing + 8], "big")
        return bool(flags & 1)
    return data[36:40] == b"VBRI"


def _walk_mpeg_frames(fh: IO[bytes], offset: int) -> tuple[float, int] | None:
    """Count the MPEG frames from ``offset``: (seconds, audio bytes), or None.

    The file is memory-mapped and read header to header, so a 100 MB file
    costs one small slice per frame, not a decode.
    """
    with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        first = _frame_at(data, offset) if offset + 4 <= len(data) else None
        if first is None:
            return None
        if _is_vbr_header_frame(data, offset, first):
            offset += first.length  # a Xing frame without a count holds no audio
        samples, audio_bytes = _count_frames(data, offset, first)
    if samples <= 0:
        return None
    return samples / first.sample_rate, audio_bytes


def _is_vbr_header_frame(data: mmap.mmap, pos: int, frame: _Frame) -> bool:
    xing = pos + 4 + frame.side_info
    return data[xing:xing + 4] in (b"Xing", b"Info") or data[pos + 36:pos + 40] == b"VBRI"


def _count_frames(data: mmap.mmap, pos: int, first: _Frame) -> tuple[int, int]:
    """(samples, bytes) of every complete frame of the stream ``first`` starts.

    This is the hot loop (two million frames in 100 MB of low-bitrate audio),
    hence one dict lookup per frame on the raw 4-byte header. Junk between
    frames is skipped by resyncing; headers of another stream (a false sync
    in a trailing tag) do not count.
    """
    end = len(data)
    known: dict[bytes, _Frame | None] = {}
    samples = audio_bytes = 0
    while pos + 4 <= end:
        header = data[pos:pos + 4]
        if header in known:
            frame = known[header]
        else:
            frame = known[header] = _stream_frame(header, first)
        if frame is None:
            resynced = _resync(data, pos + 1, first)
            if resynced is None:
                break
            pos = resynced
            continue
        if pos + frame.length > end:
            break  # a truncated last frame does not play
        samples += frame.samples
        audio_bytes += frame.length
        pos += frame.length
    return samples, audio_bytes


def _stream_frame(header: bytes, first: _Frame) -> _Frame | None:
    """The frame this header starts, if it belongs to the same stream as ``first``."""
    frame = _frame_at(header, 0)
    if frame is None or frame.sample_rate != first.sample_rate or frame.samples != first.samples:
        return None
    return frame


def _resync(data: mmap.mmap, pos: int, first: _Frame) -> int | None:
    """The next position where two frames of the stream follow each other."""
    end = len(data)
    while (pos := data.find(b"\xff", pos)) >= 0 and pos + 4 <= end:
        frame = _stream_frame(data[pos:pos + 4], first)
        if frame is not None:
            after = pos + frame.length
            if after == end or (after + 4 <= end and _stream_frame(data[after:after + 4], first)):
                return pos
        pos += 1
    return None


# --- Tags --------------------------------------------------------------------


class _Tags(NamedTuple):
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    date: str | None = None
    comment: str | None = None
    track: int | None = None
    artwork: Artwork | None = None
    chapters: tuple[Chapter, ...] = ()


def _tags_of(audio: Any, fmt: str) -> _Tags:
    if fmt == "mp3":
        return _id3_tags(audio.tags) if audio.tags is not None else _Tags()
    if fmt == "m4a":
        return _mp4_tags(audio)
    comments = _vorbis_comments(audio.tags)
    # FLAC keeps pictures in their own blocks, which exist even without comments.
    pictures = list(audio.pictures) if fmt == "flac" else _block_pictures(comments)
    return _vorbis_tags(comments, pictures)


def _clean(values: Iterable[object], sep: str | None = None) -> str | None:
    """First non-blank value, or all of them joined with ``sep``.

    Tags are free-form text: characters XML forbids are dropped here so that
    no tag can make the feed unwritable."""
    texts = [strip_control_chars(str(v))[0].strip() for v in values]
    texts = [t for t in texts if t]
    if not texts:
        return None
    return sep.join(texts) if sep else texts[0]


def _track_number(value: str | None) -> int | None:
    # "7/10" is track 7 of 10; "07" is 7; 0 and non-numbers mean no number.
    match = re.match(r"\s*(\d+)", value or "")
    if match is None:
        return None
    return int(match.group(1)) or None


def image_mime(data: bytes) -> str | None:
    """The picture's real type; tagged MIME strings are often wrong ("PNG", "image/jpg")."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _best_artwork(candidates: Iterable[tuple[int, bytes]]) -> Artwork | None:
    """The front cover (picture type 3) if any, else the first usable picture.

    Pictures that are neither PNG nor JPEG are skipped: no podcast app shows them.
    """
    usable = [(kind, data, mime) for kind, data in candidates if (mime := image_mime(data))]
    usable.sort(key=lambda c: c[0] != 3)  # stable: keeps tag order otherwise
    if not usable:
        return None
    _kind, data, mime = usable[0]
    return Artwork(data=data, mime=mime)


def _sorted_chapters(chapters: Iterable[Chapter]) -> tuple[Chapter, ...]:
    return tuple(sorted(chapters, key=lambda c: c.start))


# ID3 ------------------------------------------------------------------------


def _id3_tags(tags: Any) -> _Tags:
    def text(*frame_ids: str, sep: str | None = None) -> str | None:
        for frame_id in frame_ids:
            value = _clean((t for f in tags.getall(frame_id) for t in f.text), sep)
            if value:
                return value
        return None

    return _Tags(
        title=text("TIT2"),
        artist=text("TPE1", "TPE2", sep=", "),
        album=text("TALB"),
        # TDRC is the 2.4 recording date (mutagen upgrades 2.3's TYER/TDAT to
        # it); podcast tools often set only TDRL, the release date.
        date=text("TDRC", "TDRL", "TDOR"),
        comment=_id3_comment(tags) or text("TDES"),
        track=_track_number(text("TRCK")),
        artwork=_best_artwork((int(f.type), bytes(f.data)) for f in tags.getall("APIC")),
        chapters=_sorted_chapters(_id3_chapter(i, f) for i, f in enumerate(tags.getall("CHAP"), 1)),
    )


def _id3_comment(tags: Any) -> str | None:
    # iTunes stores machine data (iTunNORM, iTunSMPB, ...) as COMM frames.
    frames = [f for f in tags.getall("COMM") if not f.desc.startswith("iTun")]
    frames.sort(key=lambda f: f.desc != "")  # the plain comment first
    return _clean(_clean(f.text, "\n") for f in frames if f.text)


def _id3_chapter(number: int, frame: Any) -> Chapter:
    sub = frame.sub_frames
    title = _clean(t for f in sub.getall("TIT2") for t in f.text)
    url = _clean(f.url for f in sub.getall("WXXX"))
    start = frame.start_time / 1000
    end = frame.end_time / 1000 if frame.end_time > frame.start_time else None
    return Chapter(start=start, title=title or f"Chapter {number}", end=end, url=url)


# MP4 ------------------------------------------------------------------------


def _mp4_tags(audio: Any) -> _Tags:
    tags = audio.tags or {}

    def text(key: str) -> str | None:
        return _clean(tags.get(key, ()))

    track_pairs = tags.get("trkn") or [(0, 0)]
    return _Tags(
        title=text("\xa9nam"),
        artist=_clean(tags.get("\xa9ART", ()), ", ") or text("aART"),
        album=text("\xa9alb"),
        date=text("\xa9day"),
        comment=text("\xa9cmt") or text("desc"),
        track=track_pairs[0][0] or None,
        artwork=_best_artwork((3, bytes(cover)) for cover in tags.get("covr", ())),
        chapters=_mp4_chapters(audio.chapters),
    )


def _mp4_chapters(chapters: Any) -> tuple[Chapter, ...]:
    # mutagen reads only Nero "chpl" chapters, not QuickTime chapter tracks;
    # it gives no end times.
    if not chapters:
        return ()
    return _sorted_chapters(
        Chapter(start=float(c.start), title=c.title.strip() or f"Chapter {n}")
        for n, c in enumerate(chapters, 1)
    )


# Vorbis comments (Ogg Vorbis, Opus, FLAC) -----------------------------------

_CHAPTER_KEY = re.compile(r"chapter(\d+)(name|url)?")
_CHAPTER_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


def _vorbis_comments(tags: Any) -> dict[str, list[str]]:
    """Comments by lower-cased key: field names are case-insensitive."""
    comments: dict[str, list[str]] = {}
    for key, value in tags if tags is not None else ():
        comments.setdefault(key.lower(), []).append(value)
    return comments


def _vorbis_tags(comments: dict[str, list[str]], pictures: list[Any]) -> _Tags:
    def text(*keys: str, sep: str | None = None) -> str | None:
        for key in keys:
            value = _clean(comments.get(key, ()), sep)
            if value:
                return value
        return None

    return _Tags(
        title=text("title"),
        artist=text("artist", "albumartist", sep=", "),
        album=text("album"),
        date=text("date", "year"),
        comment=text("comment", "description"),
        track=_track_number(text("tracknumber")),
        artwork=_best_artwork((int(p.type), bytes(p.data)) for p in pictures),
        chapters=_vorbis_chapters(comments),
    )


def _block_pictures(comments: dict[str, list[str]]) -> list[Any]:
    """Decode METADATA_BLOCK_PICTURE values, skipping any that are broken."""
    pictures = []
    for value in comments.get("metadata_block_picture", ()):
        try:
            # mutagen ships py.typed but leaves Picture's constructor untyped.
            pictures.append(Picture(base64.b64decode(value)))  # type: ignore[no-untyped-call]
        except Exception:  # bad base64 or a truncated block (struct.error, ...)
            continue  # one bad picture should not make the episode unreadable
    return pictures


def _vorbis_chapters(comments: dict[str, list[str]]) -> tuple[Chapter, ...]:
    """CHAPTERnnn=HH:MM:SS.sss with CHAPTERnnnNAME / CHAPTERnnnURL beside it."""
    fields: dict[int, dict[str, str]] = {}
    for key, values in comments.items():
        match = _CHAPTER_KEY.fullmatch(key)
        if match and values:
            number, part = int(match.group(1)), match.group(2) or "start"
            fields.setdefault(number, {})[part] = values[0].strip()
    chapters = []
    for position, number in enumerate(sorted(fields), 1):
        found = fields[number]
        start = _chapter_time(found.get("start", ""))
        if start is None:
            continue  # a name without a usable time cannot be placed
        title = found.get("name") or f"Chapter {position}"
        chapters.append(Chapter(start=start, title=title, url=found.get("url") or None))
    return _sorted_chapters(chapters)


def _chapter_time(value: str) -> float | None:
    match = _CHAPTER_TIME.fullmatch(value)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
