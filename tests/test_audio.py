# mutagen ships py.typed but leaves most of its API untyped.
# mypy: disable-error-code="no-untyped-call"
"""Tests for feedtool.sources.audio against the real files in tests/fixtures/audio.

The fixtures are made by tests/fixtures/make_fixtures.py: 3.0 s of audio
each. Lossy encoders add priming and padding (LAME ~0.056 s at 22 kHz,
AAC ~0.046 s), hence the 0.1 s tolerance.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from feedtool.sources.audio import SUPPORTED, read_audio
from feedtool.model import AudioInfo
from feedtool.problems import ProblemFound

FIXTURES = Path(__file__).parent / "fixtures" / "audio"
LENGTH = 3.0
TOLERANCE = 0.1
CHAPTER_TITLES = ["Intro", "Das Gespräch", "Credits"]
CHAPTER_STARTS = [0.0, 1.0, 2.0]

# fixture → (format, MIME, cover image format as Pillow names it)
TAGGED = {
    "tagged.mp3": ("mp3", "audio/mpeg", "PNG"),
    "tagged.m4a": ("m4a", "audio/x-m4a", "JPEG"),
    "tagged.ogg": ("ogg", "audio/ogg", "PNG"),
    "tagged.opus": ("opus", "audio/opus", "JPEG"),
    "tagged.flac": ("flac", "audio/flac", "PNG"),
}
ALL_AUDIO = [*TAGGED, "untagged.mp3", "vbr_xing.mp3", "vbr_noxing.mp3"]


def fixture(name: str) -> Path:
    return FIXTURES / name


def copy(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    """A private copy, for tests that change or rename a fixture."""
    target = tmp_path / (as_name or name)
    shutil.copyfile(fixture(name), target)
    return target


def problem_of(path: Path, display: str | None = None) -> str:
    with pytest.raises(ProblemFound) as caught:
        read_audio(path, display)
    return str(caught.value)


# --- Good files ----------------------------------------------------------------


@pytest.mark.parametrize("name", TAGGED)
def test_tags_of_every_format(name: str) -> None:
    fmt = TAGGED[name][0]
    info = read_audio(fixture(name))
    assert info.title == f"Episode Seven – {fmt}"
    assert info.artist == "Ada Host"
    assert info.album == "Feedtool Test Show"
    assert info.date == "2013-12-18"
    assert info.comment == "A short test tone with three chapters."
    assert info.track == 7  # tagged "7/10"


@pytest.mark.parametrize("name", TAGGED)
def test_format_and_mime_of_every_format(name: str) -> None:
    fmt, mime, _ = TAGGED[name]
    info = read_audio(fixture(name))
    assert (info.format, info.mime) == (fmt, mime)
    assert SUPPORTED[fixture(name).suffix] == mime


@pytest.mark.parametrize("name", ALL_AUDIO)
def test_size_path_and_duration(name: str) -> None:
    path = fixture(name)
    info = read_audio(path)
    assert info.path == path
    assert info.size == os.path.getsize(path)
    assert info.duration == pytest.approx(LENGTH, abs=TOLERANCE)


@pytest.mark.parametrize("name", ALL_AUDIO)
def test_bitrate_is_in_bits_per_second(name: str) -> None:
    info = read_audio(fixture(name))
    assert info.bitrate is not None
    # The fixtures are encoded at 12-24 kbps (FLAC of quiet 8 kHz: ~20 kbps).
    # Not "size / duration": Ogg Vorbis reports its nominal rate (24 kbps for
    # this 19 kbps file) and the others count tags and container overhead.
    assert 10_000 < info.bitrate < 30_000


@pytest.mark.parametrize("name", TAGGED)
def test_artwork_is_a_real_image(name: str) -> None:
    image_format = TAGGED[name][2]
    info = read_audio(fixture(name))
    assert info.artwork is not None
    with Image.open(io.BytesIO(info.artwork.data)) as image:
        assert image.format == image_format
        assert image.size == (32, 32)
    assert info.artwork.mime == f"image/{image_format.lower()}"
    assert info.artwork.extension == (".png" if image_format == "PNG" else ".jpg")


@pytest.mark.parametrize("name", TAGGED)
def test_chapters(name: str) -> None:
    chapters = read_audio(fixture(name)).chapters
    assert [c.title for c in chapters] == CHAPTER_TITLES
    assert [c.start for c in chapters] == pytest.approx(CHAPTER_STARTS)


def test_id3_chapters_are_sorted_and_keep_their_ends() -> None:
    # The fixture stores the CHAP frames last-first; only ID3 has end times.
    chapters = read_audio(fixture("tagged.mp3")).chapters
    assert [c.end for c in chapters] == pytest.approx([1.0, 2.0, 3.0])


def test_id3_prefers_the_front_cover_and_the_plain_comment() -> None:
    # tagged.mp3 has an "artist" JPEG before the front-cover PNG, and an
    # iTunNORM COMM frame before the real comment.
    info = read_audio(fixture("tagged.mp3"))
    assert info.artwork is not None and info.artwork.mime == "image/png"
    assert info.comment == "A short test tone with three chapters."


def test_id3_itunes_comm_blobs_are_not_comments(tmp_path: Path) -> None:
    path = copy("tagged.mp3", tmp_path)
    tags: Any = ID3(path)
    tags.delall("COMM::eng")
    tags.save(path)
    assert read_audio(path).comment is None


def test_untagged_mp3_has_no_metadata() -> None:
    info = read_audio(fixture("untagged.mp3"))
    assert (info.title, info.artist, info.album, info.date, info.comment, info.track) == (None,) * 6
    assert info.artwork is None
    assert info.chapters == ()
    assert info.bitrate == 24_000  # CBR 24k, counted frame by frame (no Info header)


# --- VBR MP3 -------------------------------------------------------------------


def test_vbr_with_and_without_xing_have_the_same_duration() -> None:
    with_xing = read_audio(fixture("vbr_xing.mp3"))
    without = read_audio(fixture("vbr_noxing.mp3"))
    assert with_xing.duration == pytest.approx(LENGTH, abs=TOLERANCE)
    assert without.duration == pytest.approx(LENGTH, abs=TOLERANCE)
    assert without.duration == pytest.approx(with_xing.duration, abs=0.001)
    assert without.bitrate == pytest.approx(with_xing.bitrate, rel=0.02)


def test_mutagen_alone_gets_vbr_without_xing_wrong() -> None:
    # Why the reader walks the frames: with no Xing header mutagen divides the
    # file size by the first frame's bitrate. The fixture starts with silence
    # (8 kbps frames) and ends with noise, so mutagen says ~6.8 s, not 3.0 s.
    # If this ever fails, the fixture no longer exercises the frame walk.
    info: Any = MP3(fixture("vbr_noxing.mp3")).info
    assert info.length > LENGTH + 2
    assert info.bitrate == 8_000


def test_truncated_mp3_without_xing_is_counted_to_its_end(tmp_path: Path) -> None:
    data = fixture("vbr_noxing.mp3").read_bytes()
    path = tmp_path / "half.mp3"
    path.write_bytes(data[: len(data) // 2])
    # The first half of the file is mostly cheap silence: more than half the time.
    assert 1.5 < read_audio(path).duration < LENGTH - 0.5


def test_junk_after_and_inside_the_frames_is_not_counted(tmp_path: Path) -> None:
    data = fixture("vbr_noxing.mp3").read_bytes()
    # An ID3v1 tag full of 0xFF bytes: false frame syncs that must not count.
    id3v1 = b"TAG" + b"\xff\xfb\x90\x00" * 31 + b"\x00"
    path = tmp_path / "junk.mp3"
    path.write_bytes(data[:3000] + b"\x00" * 50 + data[3000:] + id3v1)
    expected = read_audio(fixture("vbr_noxing.mp3")).duration
    # Splicing at 3000 cuts one frame in two; at most that frame is lost.
    assert read_audio(path).duration == pytest.approx(expected, abs=0.03)


# --- Renamed and edited copies -------------------------------------------------


def test_opus_named_ogg_is_accepted_as_ogg(tmp_path: Path) -> None:
    info = read_audio(copy("tagged.opus", tmp_path, "episode.ogg"))
    assert (info.format, info.mime) == ("opus", "audio/ogg")


def test_vorbis_chapters_out_of_order_and_broken(tmp_path: Path) -> None:
    path = copy("tagged.ogg", tmp_path)
    ogg: Any = OggVorbis(path)
    for key in [k for k in ogg.tags.keys() if k.lower().startswith("chapter")]:
        del ogg.tags[key]
    ogg.tags["chapter002"] = "00:00:01.500"
    ogg.tags["chapter002name"] = "Second"
    ogg.tags["chapter001"] = "0:00.250"  # MM:SS is common too
    ogg.tags["chapter003"] = "soon"  # no usable time: dropped
    ogg.tags["chapter003name"] = "Lost"
    ogg.tags["chapter004"] = "00:00:02"  # no name: numbered
    ogg.save()
    chapters = read_audio(path).chapters
    assert [(c.start, c.title) for c in chapters] == [
        (0.25, "Chapter 1"),
        (1.5, "Second"),
        (2.0, "Chapter 4"),
    ]


def test_flac_with_zero_total_samples_is_refused(tmp_path: Path) -> None:
    path = copy("tagged.flac", tmp_path)
    data = bytearray(path.read_bytes())
    # STREAMINFO's 36-bit sample count: low nibble of byte 21, bytes 22-25.
    data[21] &= 0xF0
    data[22:26] = b"\x00\x00\x00\x00"
    path.write_bytes(bytes(data))
    message = problem_of(path, "episodes/zero.flac")
    assert message.startswith("episodes/zero.flac: ")
    assert "how long" in message


# --- Bad files -----------------------------------------------------------------


def test_corrupt_file() -> None:
    message = problem_of(fixture("corrupt.mp3"), "episodes/corrupt.mp3")
    assert message.startswith("episodes/corrupt.mp3: ")
    assert "damaged" in message and "MP3" in message


def test_empty_file() -> None:
    assert problem_of(fixture("empty.mp3"), "episodes/empty.mp3") == "episodes/empty.mp3: the file is empty"


def test_flac_named_mp3_says_what_it_really_is() -> None:
    # mutagen.File alone opens this as MP3 (by name) and fails with "can't
    # sync to MPEG frame", which would hide the real problem.
    message = problem_of(fixture("liar.mp3"), "episodes/liar.mp3")
    assert message.startswith("episodes/liar.mp3: ")
    assert "really FLAC" in message and "'.mp3'" in message and ".flac" in message


def test_ogg_vorbis_named_mp3(tmp_path: Path) -> None:
    message = problem_of(copy("tagged.ogg", tmp_path, "x.mp3"))
    assert str(tmp_path / "x.mp3") in message  # display defaults to the path
    assert "really Ogg Vorbis" in message


def test_vorbis_named_opus(tmp_path: Path) -> None:
    assert "really Ogg Vorbis, not Ogg Opus" in problem_of(copy("tagged.ogg", tmp_path, "x.opus"))


def test_mp4_named_flac(tmp_path: Path) -> None:
    assert "really MPEG-4 audio" in problem_of(copy("tagged.m4a", tmp_path, "x.flac"))


@pytest.mark.parametrize("name", ["episode.wav", "episode.MP4", "episode"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    message = problem_of(copy("tagged.flac", tmp_path, name), f"episodes/{name}")
    assert message.startswith(f"episodes/{name}: unsupported file type")
    assert ".mp3" in message  # says what would work


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert read_audio(copy("tagged.flac", tmp_path, "EPISODE.FLAC")).format == "flac"


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.ogg"
    path.write_bytes(b"plain text, no magic at all\n" * 10)
    assert "unknown format" in problem_of(path, "episodes/notes.ogg")


def test_wav_named_mp3_is_named_as_wav(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "x.mp3"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    message = problem_of(path)
    assert "WAV" in message and "does not read" in message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "cannot read the file" in problem_of(tmp_path / "gone.mp3", "episodes/gone.mp3")
    (tmp_path / "folder.mp3").mkdir()
    assert "cannot read the file" in problem_of(tmp_path / "folder.mp3")


@pytest.mark.parametrize("name", ALL_AUDIO)
def test_damaged_copies_raise_only_problem_found(tmp_path: Path, name: str) -> None:
    """Truncated or scribbled-over files give an AudioInfo or a ProblemFound, never a traceback."""
    data = fixture(name).read_bytes()
    variants = [data[:cut] for cut in (1, 4, 11, 60, 300, len(data) // 3)]
    variants += [data[:at] + b"\xff" * 64 + data[at + 64:] for at in (0, 8, 40, 200, 1000)]
    for n, variant in enumerate(variants):
        path = tmp_path / f"{n}{fixture(name).suffix}"
        path.write_bytes(variant)
        try:
            result = read_audio(path, f"episodes/{n}")
        except ProblemFound as found:
            assert found.problem.path == f"episodes/{n}"
            assert found.problem.is_error
        else:
            assert isinstance(result, AudioInfo) and result.duration > 0
