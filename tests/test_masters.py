"""Masters in, loudness right (issue 17): WAV/AIFF/FLAC masters encoded with
ffmpeg to the show's format and loudness, tagged, cached; every episode's
loudness measured when the show sets a target.

The audio is made here (espeak-ng speech, a quiet passage then a loud one,
a few seconds) and every loudness is checked with ffmpeg's own ebur128
filter, independently of feedtool's measurement."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from conftest import SHOW_TOML, snapshot

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None,
                                reason="needs ffmpeg and espeak-ng (.ci/run installs them)")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stereo WAV master: a soft sentence at -24 dB, then a shouted one at -4 dB."""
    folder = tmp_path_factory.mktemp("speech")
    for name, words in (("quiet", "This is the quiet part of the interview, spoken softly."),
                        ("loud", "And this is the loud part, where everybody talks at once!")):
        subprocess.run(["espeak-ng", "-w", str(folder / f"{name}.wav"), words], check=True)
    master = folder / "master.wav"
    ffmpeg("-i", str(folder / "quiet.wav"), "-i", str(folder / "loud.wav"), "-filter_complex",
           "[0]volume=-24dB[a];[1]volume=-4dB[b];[a][b]concat=n=2:v=0:a=1,aresample=44100",
           "-ac", "2", "-c:a", "pcm_s16le", str(master))
    return master


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter measures PATH."""
    log = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = log[log.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def feedtool(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "feedtool", *args], cwd=root, capture_output=True, text=True,
                          env=env)


def counting_ffmpeg(folder: Path) -> tuple[str, Path]:
    """A PATH whose first ffmpeg is a wrapper that logs each run, then runs the real one."""
    folder.mkdir()
    calls = folder / "calls"
    wrapper = folder / "ffmpeg"
    wrapper.write_text(f"#!/bin/sh\necho \"$*\" >> '{calls}'\nexec '{shutil.which('ffmpeg')}' \"$@\"\n")
    wrapper.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}", calls


def runs(calls: Path) -> int:
    return len(calls.read_text().splitlines()) if calls.exists() else 0


EPISODE_TOML = """\
title = "Loud and Quiet"
date = 2024-03-01
episode = 3
summary = "A talk that starts soft and ends loud."
[[chapters]]
start = 0
title = "Quiet"
[[chapters]]
start = 3
title = "Loud"
"""


@pytest.fixture
def master_show(make_show: Callable[..., Path], speech: Path) -> Callable[..., Path]:
    def make(show_toml: str = SHOW_TOML, suffix: str = ".wav") -> Path:
        root = make_show(episodes={"talk": {"toml": EPISODE_TOML}}, show_toml=show_toml)
        if suffix == ".wav":
            shutil.copy(speech, root / "episodes" / "talk.wav")
        else:
            ffmpeg("-i", str(speech), str(root / "episodes" / f"talk{suffix}"))
        return root
    return make


def enclosure(root: Path) -> etree._Element:
    tree = etree.parse(str(root / "public" / "feed.xml"))
    found = tree.find("channel/item/enclosure")
    assert found is not None
    return found


def test_a_wav_master_is_published_as_a_tagged_mp3_at_the_target_loudness(master_show: Callable[..., Path],
                                                                           cli: Callable[..., object]) -> None:
    root = master_show()
    master_before = (root / "episodes" / "talk.wav").read_bytes()
    result = cli("build", root)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]

    mp3 = root / "public" / "media" / "talk.mp3"
    integrated, peak = ebur128(mp3)
    assert abs(integrated - -16) <= 1, integrated
    assert peak <= -1, peak
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == "Loud and Quiet"
    assert str(tags["TPE1"]) == "Tess Ting" and str(tags["TALB"]) == "Test Show"
    assert str(tags["TRCK"]) == "3" and str(tags["TDRC"]) == "2024-03-01"
    assert tags.getall("APIC")[0].mime == "image/png"  # the show's cover
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, str(c.sub_frames["TIT2"])) for c in chapters] == [(0, "Quiet"), (3000, "Loud")]
    enc = enclosure(root)
    assert enc.get("url") == "https://example.com/show/media/talk.mp3"
    assert enc.get("type") == "audio/mpeg" and enc.get("length") == str(mp3.stat().st_size)
    assert (root / "episodes" / "talk.wav").read_bytes() == master_before  # a master is only ever read


def test_an_aiff_master_in_an_aac_show_is_published_as_a_tagged_m4a(master_show: Callable[..., Path],
                                                                   cli: Callable[..., object]) -> None:
    root = master_show(SHOW_TOML + 'audio_format = "m4a"\nloudness = -18\n', suffix=".aiff")
    result = cli("build", root)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    m4a = root / "public" / "media" / "talk.m4a"
    integrated, peak = ebur128(m4a)
    assert abs(integrated - -18) <= 1, integrated
    assert peak <= -1, peak
    tags = MP4(m4a).tags
    assert tags is not None and tags["\xa9nam"] == ["Loud and Quiet"] and tags["trkn"] == [(3, 0)]
    assert tags["covr"]
    assert enclosure(root).get("type") == "audio/x-m4a"


def test_a_second_build_encodes_and_measures_nothing(master_show: Callable[..., Path], tmp_path: Path) -> None:
    root = master_show()
    path, calls = counting_ffmpeg(tmp_path / "bin")
    first = feedtool(root, "build", ".", path=path)
    assert first.returncode == 0, first.stderr
    assert runs(calls) == 3  # measure the master, encode it, measure the encode

    calls.unlink()
    again = feedtool(root, "build", ".", "--no-cache", path=path)  # every file read again: still no ffmpeg
    assert again.returncode == 0, again.stderr
    assert runs(calls) == 0

    # A new title: the cached encode is tagged again, not encoded again.
    toml = root / "episodes" / "talk.toml"
    toml.write_text(toml.read_text().replace("Loud and Quiet", "Quiet, then Loud"))
    retitled = feedtool(root, "build", ".", path=path)
    assert retitled.returncode == 0, retitled.stderr
    assert runs(calls) == 0
    assert str(ID3(root / "public" / "media" / "talk.mp3")["TIT2"]) == "Quiet, then Loud"
    assert len(list((root / ".feedtool-cache" / "masters").glob("*.mp3"))) == 2  # the encode and one tagged copy


def test_a_changed_target_encodes_again_and_master_does_it_ahead(master_show: Callable[..., Path],
                                                                 tmp_path: Path) -> None:
    root = master_show()
    path, calls = counting_ffmpeg(tmp_path / "bin")
    assert feedtool(root, "build", ".", path=path).returncode == 0
    published = snapshot(root / "public")
    toml = root / "podcast.toml"
    toml.write_text("loudness = -20\n" + toml.read_text())
    calls.unlink()

    done = feedtool(root, "master", "all", path=path)
    assert done.returncode == 0, done.stderr
    assert "episodes/talk.wav → MP3 128 kb/s" in done.stderr and "(encoded)" in done.stderr
    assert runs(calls) in (3, 5)  # measure, encode, check (and once more when the first try missed by > 0.5 LU)
    assert snapshot(root / "public") == published  # only a build changes public/

    calls.unlink()
    assert feedtool(root, "build", ".", path=path).returncode == 0
    assert runs(calls) == 0  # the build found the encode `master` made
    integrated, _ = ebur128(root / "public" / "media" / "talk.mp3")
    assert abs(integrated - -20) <= 1

    forced = feedtool(root, "master", "talk", "--force", path=path)
    assert forced.returncode == 0 and runs(calls) in (3, 5)
    unknown = feedtool(root, "master", "nope")
    assert unknown.returncode == 2 and "episodes/nope: no episode has this stem" in unknown.stderr  # a usage error


def test_without_ffmpeg_a_master_is_a_clear_error_and_public_is_untouched(master_show: Callable[..., Path],
                                                                         tmp_path: Path) -> None:
    root = master_show()
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = feedtool(root, "build", ".", path=str(empty))
    assert result.returncode == 1
    assert "episodes/talk.wav: needs ffmpeg to encode this master to MP3" in result.stderr
    assert "apt install ffmpeg" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "public").exists()


def test_ready_mp3s_need_no_ffmpeg_without_a_target(make_show: Callable[..., Path], tmp_path: Path) -> None:
    root = make_show()
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = feedtool(root, "build", ".", path=str(empty))
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def quiet_mp3(speech: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The speech as a ready MP3 levelled to -22 LUFS: 6 LU under Apple's -16."""
    out = tmp_path_factory.mktemp("quiet") / "quiet.mp3"
    ffmpeg("-i", str(speech), "-af", "loudnorm=I=-22:TP=-3:LRA=20", "-ar", "44100", "-c:a", "libmp3lame",
           "-b:a", "96k", str(out))
    return out


@pytest.mark.parametrize(("target", "warned"), [(-16, True), (-22, False), (-28, True)])
def test_a_ready_mp3_off_the_target_gets_a_warning_with_its_measured_value(
        make_show: Callable[..., Path], quiet_mp3: Path, tmp_path: Path, target: int, warned: bool) -> None:
    root = make_show(episodes={"quiet": {"toml": "date = 2024-02-01\n"}},
                     show_toml=f"loudness = {target}\n" + SHOW_TOML)
    shutil.copy(quiet_mp3, root / "episodes" / "quiet.mp3")
    measured, _ = ebur128(quiet_mp3)
    path, calls = counting_ffmpeg(tmp_path / "bin")
    result = feedtool(root, "build", ".", "--json", path=path)
    assert result.returncode == 0, result.stderr
    assert runs(calls) == 1  # the one measurement
    problems = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "LOUDNESS"]
    if not warned:
        assert problems == []
    else:
        (problem,) = problems
        assert problem["path"] == "episodes/quiet.mp3" and problem["severity"] == "warning"
        value = float(re.search(r"measures (-[\d.]+) LUFS", problem["message"]).group(1))  # type: ignore[union-attr]
        assert abs(value - measured) <= 0.2
        assert f"target of {target} LUFS" in problem["message"]
        assert ("quieter" if target > -22 else "louder") in problem["message"]

    calls.unlink()
    listing = feedtool(root, "episodes", "--json", path=path)
    assert listing.returncode == 0, listing.stderr
    (row,) = json.loads(listing.stdout)["episodes"]
    assert abs(row["loudness"]["integrated"] - measured) <= 0.2 and row["loudness"]["true_peak"] <= -1
    assert runs(calls) == 0  # from the store, by the file's content
    table = feedtool(root, "episodes", path=path)
    assert "LUFS" in table.stdout and f"{row['loudness']['integrated']:.1f}" in table.stdout


def test_flac_is_published_as_it_is_when_the_show_asks(make_show: Callable[..., Path], speech: Path,
                                                       cli: Callable[..., object]) -> None:
    root = make_show(episodes={"ready": {"audio": "tagged.flac", "toml": "date = 2024-01-01\n"},
                               "talk": {"toml": EPISODE_TOML}},
                     show_toml=SHOW_TOML + 'audio_format = "flac"\n')
    shutil.copy(speech, root / "episodes" / "talk.wav")
    result = cli("build", root)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    media = root / "public" / "media"
    assert (media / "ready.flac").read_bytes() == (root / "episodes" / "ready.flac").read_bytes()
    integrated, peak = ebur128(media / "talk.flac")  # the WAV levelled, losslessly
    assert abs(integrated - -16) <= 1 and peak <= -1


def test_inspect_shows_the_master_and_the_loudness(master_show: Callable[..., Path],
                                                   cli: Callable[..., object]) -> None:
    root = master_show()
    result = cli("inspect", root / "episodes" / "talk.wav", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["master"].endswith("episodes/talk.wav")
    assert abs(report["audio"]["loudness"]["integrated"] - -16) <= 1
    text = cli("inspect", root / "episodes" / "talk.wav")
    assert "LUFS integrated" in text.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(("line", "message"), [
    ("loudness = 3", "loudness: expected a number from -70 to -5, got 3"),
    ('audio_format = "ogg"', "audio_format: "),
    ("audio_bitrate = 8", "audio_bitrate: expected a bitrate in kbps from 32 to 320, got 8"),
])
def test_bad_mastering_keys_name_the_key(make_show: Callable[..., Path], cli: Callable[..., object],
                                         line: str, message: str) -> None:
    root = make_show(show_toml=line + "\n" + SHOW_TOML)
    result = cli("build", root)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"podcast.toml:1: {message}" in result.output  # type: ignore[attr-defined]


def test_add_brings_a_master_in_and_the_build_encodes_it(make_show: Callable[..., Path], speech: Path,
                                                         cli: Callable[..., object]) -> None:
    root = make_show(episodes={})
    added = cli("add", speech, "--title", "Live at the Library", "--date", "2024-05-01", "--show", root)
    assert added.exit_code == 0, added.output  # type: ignore[attr-defined]
    master = root / "episodes" / "live-at-the-library.wav"
    assert master.read_bytes() == speech.read_bytes()
    built = cli("build", root)
    assert built.exit_code == 0, built.output  # type: ignore[attr-defined]
    assert str(ID3(root / "public" / "media" / "live-at-the-library.mp3")["TIT2"]) == "Live at the Library"


def test_init_sets_apples_loudness_target(tmp_path: Path, cli: Callable[..., object]) -> None:
    from feedtool.config.load import load_show

    result = cli("init", tmp_path / "new", "--yes", "--title", "Night Owls", "--author", "Ann Example",
                 "--email", "ann@example.com", "--base-url", "https://example.com/owls/", "--category", "Arts")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    show, problems = load_show(tmp_path / "new")
    assert show is not None and show.mastering.loudness == -16 and show.mastering.true_peak == -1


def test_the_loudness_rules() -> None:
    from feedtool.model import Loudness, Mastering
    from feedtool.sources import loudness

    show = Mastering(loudness=-16)
    assert loudness.problems(show, "a.mp3", Loudness(-16.9, 6.0, -1.0)) == []
    (quiet,) = loudness.problems(show, "a.mp3", Loudness(-17.2, 6.0, -3.0))
    assert quiet.rule == "LOUDNESS" and "measures -17.2 LUFS, 1.2 LU quieter" in quiet.message
    (peak,) = loudness.problems(Mastering(loudness=-16, tolerance=2, true_peak=-2), "a.mp3",
                                Loudness(-14.5, 6.0, -1.5))
    assert peak.rule == "TRUE-PEAK" and "peaks at -1.5 dBTP, above the show's limit of -2 dBTP" in peak.message
    (silent,) = loudness.problems(show, "a.mp3", loudness.parse_summary(
        "Summary:\n  Integrated loudness:\n    I:         -70.0 LUFS\n  Loudness range:\n    LRA:         0.0 LU\n"
        "  True peak:\n    Peak:       -inf dBFS\n", "a.mp3"))
    assert silent.rule == "LOUDNESS" and "silent" in silent.message


def test_many_ready_episodes_are_measured_together_once(make_show: Callable[..., Path], quiet_mp3: Path,
                                                        tmp_path: Path) -> None:
    root = make_show(episodes={f"ep{i}": {"toml": f"date = 2024-02-0{i}\n"} for i in (1, 2, 3)},
                     show_toml="loudness = -22\n" + SHOW_TOML)
    for i, kbps in ((1, "64k"), (2, "80k"), (3, "96k")):  # the same speech, three files of their own
        ffmpeg("-i", str(quiet_mp3), "-c:a", "libmp3lame", "-b:a", kbps, str(root / "episodes" / f"ep{i}.mp3"))
    path, calls = counting_ffmpeg(tmp_path / "bin")
    result = feedtool(root, "build", ".", "--json", path=path)
    assert result.returncode == 0, result.stderr
    assert runs(calls) == 3  # one measurement each, run side by side
    assert [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "LOUDNESS"] == []
    calls.unlink()
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text().replace("loudness = -22", "loudness = -16"))
    again = feedtool(root, "build", ".", "--json", path=path)
    assert runs(calls) == 0  # another target, the same measurements
    warned = sorted(p["path"] for p in json.loads(again.stdout)["problems"] if p["rule"] == "LOUDNESS")
    assert warned == ["episodes/ep1.mp3", "episodes/ep2.mp3", "episodes/ep3.mp3"]
