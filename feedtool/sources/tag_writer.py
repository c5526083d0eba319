# mutagen ships py.typed but leaves most of its API untyped.
# mypy: disable-error-code="no-untyped-call"
"""Write an episode's metadata into an audio file's own tags: title, show
as artist and album, date, number, summary, cover and chapters. Used by
`feedtool tag` (authoring/tagging.py) on the show's own files and by the
masters' encoder (masters.py) on the files it makes in the cache.

Only the tags change, never the audio: mutagen rewrites the tag blocks
(ID3v2 at the front of an MP3, the moov/udta atoms of an M4A, the comment
header of an Ogg stream, the metadata blocks of a FLAC) and copies the
audio frames as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, CHAP, COMM, CTOC, TALB, TDRC, TIT2, TPE1, TRCK, CTOCFlags, PictureType
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from feedtool import safe_files
from feedtool.model import Artwork, Chapter, Episode, Show
from feedtool.sources.audio import image_mime


@dataclass(frozen=True)
class Wanted:
    """What the tags should say, from the episode and the show."""

    title: str
    artist: str
    album: str
    date: dt.datetime
    track: int | None
    comment: str
    artwork: Artwork | None
    chapters: tuple[Chapter, ...]
    duration: float  # for the end of the last chapter


def wanted_for(show: Show, ep: Episode) -> Wanted:
    """Title and summary of the episode, the show as artist and album, the
    episode's own art or else the show's cover."""
    art: Artwork | None
    if isinstance(ep.image, Artwork):
        art = ep.image
    else:
        image_path = ep.image if ep.image is not None else show.image
        art = _artwork(show, image_path) if image_path is not None else None
    return Wanted(
        title=ep.title, artist=show.author, album=show.title, date=ep.date, track=ep.number,
        comment=ep.summary, artwork=art, chapters=ep.chapters, duration=ep.audio.duration,
    )


def _artwork(show: Show, path: Path) -> Artwork | None:
    data = safe_files.read_bytes(path, rel_name(show.root, path), "image", show.files)
    mime = image_mime(data)
    return Artwork(data, mime) if mime else None


def rel_name(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def date_text(moment: dt.datetime, with_zone: bool) -> str:
    """A date at midnight UTC is written as the date alone; otherwise the
    UTC time, with 'Z' where the format allows a zone. ID3v2.4's TDRC takes
    yyyy-MM-ddTHH:mm:ss without a zone (ID3v2.4.0 structure §4), which
    feedtool reads back as UTC."""
    utc = moment.astimezone(dt.UTC)
    if (utc.hour, utc.minute, utc.second) == (0, 0, 0):
        return f"{utc:%Y-%m-%d}"
    return f"{utc:%Y-%m-%dT%H:%M:%S}" + ("Z" if with_zone else "")


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _ends(want: Wanted) -> list[float]:
    """Each chapter's end: its own, else the next one's start, else the audio's end."""
    chapters = want.chapters
    return [c.end if c.end is not None else (chapters[i + 1].start if i + 1 < len(chapters) else want.duration)
            for i, c in enumerate(chapters)]


def _write_mp3(path: Path, want: Wanted) -> None:
    audio = MP3(path)
    if audio.tags is None:
        audio.add_tags()
    tags: Any = audio.tags  # an ID3 once added; mutagen types it as Optional
    tags.setall("TIT2", [TIT2(encoding=3, text=[want.title])])
    tags.setall("TPE1", [TPE1(encoding=3, text=[want.artist])])
    tags.setall("TALB", [TALB(encoding=3, text=[want.album])])
    tags.setall("TDRC", [TDRC(encoding=3, text=[date_text(want.date, with_zone=False)])])
    if want.track is not None:
        tags.setall("TRCK", [TRCK(encoding=3, text=[str(want.track)])])
    # Keep iTunes' machine COMMs (iTunNORM ...) and described ones; replace the plain comment.
    keep = [f for f in tags.getall("COMM") if f.desc != ""]
    tags.setall("COMM", [*keep, COMM(encoding=3, lang="eng", desc="", text=[want.comment])])
    if want.artwork is not None:
        # Replace the front cover; other pictures (artist, back cover) stay.
        others = [f for f in tags.getall("APIC") if f.type != PictureType.COVER_FRONT and f.desc != "cover"]
        tags.setall("APIC", [*others, APIC(encoding=3, mime=want.artwork.mime, type=PictureType.COVER_FRONT,
                                           desc="cover", data=want.artwork.data)])
    if want.chapters:
        # ID3v2 Chapter Frame Addendum 1.0: one CHAP per chapter (start/end in
        # ms, title in a TIT2 sub-frame) and a top-level ordered CTOC listing them.
        tags.delall("CHAP")
        tags.delall("CTOC")
        ids = [f"chp{i}" for i in range(len(want.chapters))]
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
        for element_id, chapter, end in zip(ids, want.chapters, _ends(want)):
            tags.add(CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(end),
                          sub_frames=[TIT2(encoding=3, text=[chapter.title])]))
    audio.save(v2_version=4)


def _write_mp4(path: Path, want: Wanted) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    tags: Any = audio.tags
    tags["\xa9nam"] = [want.title]
    tags["\xa9ART"] = [want.artist]
    tags["\xa9alb"] = [want.album]
    tags["\xa9day"] = [date_text(want.date, with_zone=True)]
    if want.track is not None:
        tags["trkn"] = [(want.track, 0)]
    tags["\xa9cmt"] = [want.comment]
    tags["desc"] = [want.comment]
    if want.artwork is not None:
        kind = MP4Cover.FORMAT_PNG if want.artwork.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(want.artwork.data, imageformat=kind)]
    audio.save()


def _picture(art: Artwork) -> Picture:
    """A FLAC picture block (also the payload of METADATA_BLOCK_PICTURE)."""
    with Image.open(io.BytesIO(art.data)) as img:
        width, height, mode = img.width, img.height, img.mode
    pic = Picture()
    pic.type = PictureType.COVER_FRONT
    pic.mime = art.mime
    pic.desc = "cover"
    pic.width, pic.height = width, height
    pic.depth = {"RGB": 24, "RGBA": 32, "L": 8, "LA": 16, "P": 8, "CMYK": 32}.get(mode, 24)
    pic.data = art.data
    return pic


def _chapter_time(seconds: float) -> str:
    # The Vorbis chapter extension's HH:MM:SS.sss (wiki.xiph.org/Chapter_Extension).
    ms = _ms(seconds)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


_CHAPTER_KEY = re.compile(r"chapter\d+(name|url)?", re.IGNORECASE)


def _set_vorbis(tags: Any, want: Wanted) -> None:
    tags["TITLE"] = [want.title]
    tags["ARTIST"] = [want.artist]
    tags["ALBUM"] = [want.album]
    tags["DATE"] = [date_text(want.date, with_zone=True)]
    if want.track is not None:
        tags["TRACKNUMBER"] = [str(want.track)]
    tags["COMMENT"] = [want.comment]
    if "DESCRIPTION" in tags:  # some taggers show this one: keep the two in step
        tags["DESCRIPTION"] = [want.comment]
    if want.chapters:
        # .keys(), not iteration: a VComment iterates as (key, value) pairs.
        for key in [k for k in tags.keys() if _CHAPTER_KEY.fullmatch(k)]:  # noqa: SIM118
            del tags[key]
        for n, chapter in enumerate(want.chapters, 1):
            tags[f"CHAPTER{n:03d}"] = [_chapter_time(chapter.start)]
            tags[f"CHAPTER{n:03d}NAME"] = [chapter.title]
            if chapter.url:
                tags[f"CHAPTER{n:03d}URL"] = [chapter.url]


def _write_ogg(path: Path, want: Wanted) -> None:
    with path.open("rb") as fh:
        is_opus = b"OpusHead" in fh.read(64)
    audio: Any = OggOpus(path) if is_opus else OggVorbis(path)
    if audio.tags is None:
        audio.add_tags()
    tags: Any = audio.tags
    _set_vorbis(tags, want)
    if want.artwork is not None:
        # Ogg has no picture blocks: the FLAC picture structure goes, base64-encoded,
        # into a METADATA_BLOCK_PICTURE comment (wiki.xiph.org/VorbisComment#Cover_art).
        kept = []
        for value in tags.get("METADATA_BLOCK_PICTURE", []):
            try:
                if Picture(base64.b64decode(value)).type != PictureType.COVER_FRONT:
                    kept.append(value)
            except Exception:  # noqa: BLE001, S112 (a broken picture is dropped, not kept broken)
                continue
        encoded = base64.b64encode(_picture(want.artwork).write()).decode("ascii")
        tags["METADATA_BLOCK_PICTURE"] = [*kept, encoded]
    audio.save()


def _write_flac(path: Path, want: Wanted) -> None:
    audio = FLAC(path)
    if audio.tags is None:
        audio.add_tags()
    _set_vorbis(audio.tags, want)
    if want.artwork is not None:
        # FLAC has real PICTURE metadata blocks, which is where players and
        # feedtool's reader look; METADATA_BLOCK_PICTURE is for Ogg.
        others = [pic for pic in audio.pictures if pic.type != PictureType.COVER_FRONT]
        audio.clear_pictures()
        for pic in [*others, _picture(want.artwork)]:
            audio.add_picture(pic)
    audio.save()


WRITERS: dict[str, Callable[[Path, Wanted], None]] = {
    "mp3": _write_mp3,
    "m4a": _write_mp4,
    "vorbis": _write_ogg,
    "flac": _write_flac,
}


def kind_of(audio_format: str) -> str:
    """The WRITERS key of a format: Ogg Vorbis and Opus share one."""
    return {"ogg": "vorbis", "opus": "vorbis"}.get(audio_format, audio_format)
