"""Bad input stops the build with a message naming the file and the field
or line, exits non-zero, and leaves the previous public/ exactly as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import AUDIO, SHOW_TOML, snapshot


@pytest.fixture
def built(make_show, cli):
    """A show built once, so every test can prove public/ did not change."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    return root


def assert_stopped(cli, root: Path, *needles: str, code: int = 1) -> str:
    before = snapshot(root / "public")
    lock = (root / "episodes" / "feedtool.lock").read_bytes()
    result = cli("build", root)
    assert result.exit_code == code, result.output
    for needle in needles:
        assert needle in result.output, f"{needle!r} not in:\n{result.output}"
    assert "Traceback" not in result.output
    assert snapshot(root / "public") == before
    assert (root / "episodes" / "feedtool.lock").read_bytes() == lock
    return result.output


def test_corrupt_audio(built, cli):
    shutil.copy(AUDIO / "corrupt.mp3", built / "episodes" / "first.mp3")
    assert_stopped(cli, built, "episodes/first.mp3")


def test_zero_byte_audio(built, cli):
    (built / "episodes" / "first.mp3").write_bytes(b"")
    assert_stopped(cli, built, "episodes/first.mp3", "empty")


def test_audio_whose_extension_lies(built, cli):
    shutil.copy(AUDIO / "liar.mp3", built / "episodes" / "first.mp3")
    assert_stopped(cli, built, "episodes/first.mp3")


def test_text_with_no_audio(built, cli):
    (built / "episodes" / "orphan.txt").write_text("Just words.\n")
    assert_stopped(cli, built, "episodes/orphan.txt", "no audio file")


def test_toml_with_no_audio(built, cli):
    (built / "episodes" / "orphan.toml").write_text("date = 2020-01-01\n")
    assert_stopped(cli, built, "episodes/orphan.toml", "no audio file")


def test_two_audio_files_with_one_stem(built, cli):
    shutil.copy(AUDIO / "tagged.ogg", built / "episodes" / "first.ogg")
    assert_stopped(cli, built, "episodes/first", "exactly one audio file", "first.mp3, first.ogg")


def test_toml_syntax_error_names_the_line(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitle = "unclosed\n')
    assert_stopped(cli, built, "episodes/second.toml:2", "TOML syntax error")


def test_toml_field_of_the_wrong_type(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nseason = "two"\n')
    assert_stopped(cli, built, "episodes/second.toml:2: season: expected a whole number, got 'two'")


def test_unknown_toml_key_suggests_the_right_one(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitel = "Oops"\n')
    assert_stopped(cli, built, "episodes/second.toml:2: titel: unknown key; did you mean 'title'?")


def test_date_that_does_not_parse(built, cli):
    (built / "episodes" / "second.toml").write_text('date = "3 March"\n')
    assert_stopped(cli, built, "episodes/second.toml:1: date: expected an ISO 8601 date", "'3 March'")


def test_episode_without_any_date_says_where_to_add_one(built, cli):
    shutil.copy(AUDIO / "untagged.mp3", built / "episodes" / "undated.mp3")
    assert_stopped(cli, built, "episodes/undated.toml: date:", "date = ")


def test_every_bad_episode_is_reported_not_only_the_first(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nseason = "two"\n')
    (built / "episodes" / "first.mp3").write_bytes(b"")
    out = assert_stopped(cli, built, "episodes/second.toml", "episodes/first.mp3", "2 errors")
    assert out.count("error:") >= 2


def test_show_config_errors_are_all_collected(built, cli):
    (built / "podcast.toml").write_text(SHOW_TOML.replace('language = "en"', 'language = "English!"')
                                        .replace('"Technology"', '"Games & Hobbies"'))
    assert_stopped(cli, built, "podcast.toml:4: language:", "podcast.toml:8: categories:",
                   "'Games & Hobbies' is not one of Apple's podcast categories")


def test_missing_base_url(built, cli):
    (built / "podcast.toml").write_text(SHOW_TOML.replace('base_url = "https://example.com/show/"\n', ""))
    assert_stopped(cli, built, "podcast.toml: base_url: is required")


def test_path_that_escapes_the_show_folder(built, cli, tmp_path):
    outside = tmp_path / "secret.png"
    shutil.copy(built / "cover.png", outside)
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nimage = "../../secret.png"\n')
    assert_stopped(cli, built, "episodes/second.toml: image:", "outside the show folder")


def test_symlink_that_points_out_of_the_show_folder(built, cli, tmp_path):
    outside = tmp_path / "elsewhere.png"
    shutil.copy(built / "cover.png", outside)
    os.symlink(outside, built / "episodes" / "art.png")
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nimage = "art.png"\n')
    assert_stopped(cli, built, "episodes/second.toml: image:", "outside the show folder")


def test_image_that_is_not_an_image(built, cli):
    (built / "episodes" / "fake.png").write_text("not a picture")
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nimage = "fake.png"\n')
    assert_stopped(cli, built, "episodes/second.toml: image:", "not a readable image")


def test_huge_text_file(built, cli):
    with (built / "episodes" / "first.txt").open("w") as f:
        f.write(("All work and no play makes a very long transcript. " * 20 + "\n\n") * 50_000)
    assert (built / "episodes" / "first.txt").stat().st_size > 50_000_000
    assert_stopped(cli, built, "episodes/first.txt", "MB")


def test_non_utf8_text_is_read_with_a_warning(built, cli):
    text = (built / "episodes" / "first.txt").read_text()
    (built / "episodes" / "first.txt").write_bytes(text.replace("Her", "Hér").encode("cp1252"))
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "warning: episodes/first.txt" in result.output and "Windows-1252" in result.output
    assert "Hér" in (built / "public" / "feed.xml").read_text("utf-8")


def test_control_characters_are_stripped_with_a_warning(built, cli):
    text = (built / "episodes" / "first.txt").read_text()
    (built / "episodes" / "first.txt").write_text(text.replace("Writer-director", "Writer\x07-director\x0b"))
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "control character" in result.output
    feed = (built / "public" / "feed.xml").read_bytes()
    assert b"\x07" not in feed and b"Writer-director" in feed


def test_no_podcast_toml_is_a_usage_error(tmp_path, cli):
    result = cli("build", tmp_path)
    assert result.exit_code == 2
    assert "podcast.toml" in result.output


def test_script_in_a_text_never_reaches_the_feed(built, cli):
    from lxml import etree, html

    from conftest import NS

    for suffix, body in ((".txt", '<script>alert(1)</script> <img src=x onerror=alert(2)> '
                                  '<a href="javascript:alert(3)">x</a>'),
                         (".md", '<script>alert(1)</script>\n\n[x](javascript:alert(3)) '
                                 '<img src=x onerror=alert(2)>')):
        for old in (built / "episodes").glob("first.txt"):
            old.unlink()
        for old in (built / "episodes").glob("first.md"):
            old.unlink()
        (built / "episodes" / f"first{suffix}").write_text(
            "# A Headline\n\nA standfirst paragraph, long enough to be the summary of this episode.\n\n"
            + body + "\n")
        result = cli("build", built)
        assert result.exit_code == 0, result.output
        feed = etree.parse(str(built / "public" / "feed.xml"))
        for notes in feed.iterfind("channel/item/content:encoded", NS):
            doc = html.fragment_fromstring(notes.text, create_parent="div")
            assert not doc.xpath("//script | //iframe | //object")
            assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]
            assert not [h for h in doc.xpath("//@href | //@src") if h.strip().lower().startswith("javascript")]


def test_control_characters_in_audio_tags_never_break_the_feed(built, cli):
    from mutagen.id3 import ID3, TIT2

    (built / "episodes" / "second.toml").write_text("date = 2014-01-08\n")
    mp3 = built / "episodes" / "first.mp3"
    (built / "episodes" / "first.txt").unlink()
    (built / "episodes" / "first.toml").write_text("date = 2013-12-18\n")
    tags = ID3(mp3)
    tags.add(TIT2(encoding=3, text="Bell\x07 Title"))
    tags.save(mp3)
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "<title>Bell Title</title>" in (built / "public" / "feed.xml").read_text()


def test_control_characters_in_toml_are_an_error(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitle = "Bell\\u0007"\n')
    assert_stopped(cli, built, "episodes/second.toml:2: title: contains a control character")


def test_two_stems_with_one_output_name(make_show, cli):
    root = make_show({
        "a/b": {"audio": "tagged.mp3", "toml": "date = 2020-01-01\n"},
        "a-b": {"audio": "tagged.m4a", "toml": "date = 2020-01-02\n"},
    })
    result = cli("build", root)
    assert result.exit_code == 1
    assert "episodes/a/b: would publish its files under the same name as episodes/a-b" in result.output
    assert not (root / "public").exists()


def test_an_output_folder_that_cannot_be_written(built, cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("build", built, "--out", blocker / "public")
    assert result.exit_code == 2
    assert str(blocker) in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("key", "value", "needle"), [
    ("base_url", "https://x.example/podcast/?utm_source=feed", "base_url: must not have a query (?utm_source=feed)"),
    ("base_url", "https://x.example/podcast/#top", "base_url: must not have a fragment (#top)"),
    ("base_url", "https://ann:hunter2@x.example/podcast/", "base_url: must not hold a user name or password"),
    ("media_base_url", "https://cdn.example/a/?token=1", "media_base_url: must not have a query (?token=1)"),
])
def test_a_base_url_with_a_query_fragment_or_password_is_refused_at_the_key(built, cli, key, value, needle):
    """Refused at podcast.toml's key, not later in feed.xml where the bad
    URLs ('…/?utm_source=feed/media/x.mp3') would have been made."""
    toml = built / "podcast.toml"
    text = toml.read_text()
    if key == "base_url":
        text = text.replace('base_url = "https://example.com/show/"', f'base_url = "{value}"')
    else:
        text += f'media_base_url = "{value}"\n'
    toml.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(key))
    output = assert_stopped(cli, built, f"podcast.toml:{line}: {needle}")
    assert "feed.xml" not in output and "hunter2@" not in output.replace(value, "")


@pytest.mark.parametrize("out", ["episodes", "episodes/site", ".", "templates/out", ".."])
def test_out_inside_the_show_sources_or_the_show_itself_is_a_usage_error(built, cli, out, monkeypatch):
    """`--out episodes` wrote pages into episodes/ and then died with a
    KeyError; `--out .` wrote the site among the show's files. Refused, exit
    2, before anything is written."""
    monkeypatch.chdir(built)
    before = snapshot(built.parent)
    result = cli("build", ".", "--out", out)
    assert result.exit_code == 2, result.output
    assert f"error: --out {out}:" in result.output and "Traceback" not in result.output
    assert snapshot(built.parent) == before
    assert not (built / "templates").exists()


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "http"])
def test_serve_port_out_of_range_is_a_usage_error(built, port):
    """serve --port 99999 died with OverflowError."""
    import subprocess
    import sys

    from conftest import REPO

    result = subprocess.run([sys.executable, "-m", "feedtool", "serve", str(built), "--port", port],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2, result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_the_same_audio_twice_is_an_error_naming_both_files(built, cli):
    """The same audio added twice was published twice."""
    (built / "episodes" / "again").mkdir()
    shutil.copy(built / "episodes" / "first.mp3", built / "episodes" / "again" / "copy.mp3")
    (built / "episodes" / "again" / "copy.toml").write_text('date = 2020-01-01\ntitle = "Not new"\n')
    assert_stopped(cli, built, "episodes/again/copy.mp3: is the same audio as episodes/first.mp3 (SHA-256 ",
                   "one episode twice")


def test_audio_of_the_same_size_but_other_bytes_is_no_duplicate(built, cli):
    data = bytearray((built / "episodes" / "first.mp3").read_bytes())
    data[-200] ^= 0x01  # one bit of the last frame's audio data
    (built / "episodes" / "other.mp3").write_bytes(bytes(data))
    (built / "episodes" / "other.toml").write_text('date = 2020-01-01\ntitle = "Other"\n')
    result = cli("build", built)
    assert result.exit_code == 0, result.output


def itunes_durations(root: Path) -> dict[str, str]:
    from lxml import etree

    from conftest import NS

    channel = etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel")
    return {item.find("enclosure").get("url").rsplit("/", 1)[-1]: item.findtext("itunes:duration", namespaces=NS)
            for item in channel.findall("item")}


def seconds_of(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


def test_a_truncated_mp3_publishes_what_it_plays_with_a_warning(built, cli):
    """The Xing header's frame count is the encoder's: a file cut short
    afterwards still claims the whole length."""
    whole = (AUDIO / "vbr_xing.mp3").read_bytes()
    (built / "episodes" / "cut.mp3").write_bytes(whole[: len(whole) * 2 // 5])
    (built / "episodes" / "cut.toml").write_text('date = 2020-01-01\ntitle = "Cut short"\n')
    result = cli("build", built, "--json")
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    [warned] = [p for p in report["problems"] if p["rule"] == "AUDIO-TRUNCATED"]
    assert warned["path"] == "episodes/cut.mp3" and warned["field"] == "duration"
    assert "its header claims 0:03.1 but the file holds only 0:0" in warned["message"]
    [cut] = [e for e in report["episodes"] if e["stem"] == "cut"]
    assert cut["duration"] < 2.5
    assert seconds_of(itunes_durations(built)["cut.mp3"]) <= 2


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_the_issues_truncated_mp3_does_not_publish_92_seconds(built, cli, tmp_path):
    """The case as reported: 92 s of VBR MP3 with a Xing header, cut to 200 KB."""
    import subprocess

    long = tmp_path / "long.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=92",
                    "-ac", "2", "-c:a", "libmp3lame", "-q:a", "0", str(long)], check=True, timeout=120)
    assert long.stat().st_size > 400_000
    (built / "episodes" / "cut.mp3").write_bytes(long.read_bytes()[:200_000])
    (built / "episodes" / "cut.toml").write_text('date = 2020-01-01\ntitle = "Cut short"\n')
    result = cli("build", built)
    assert result.exit_code == 0, result.output
    assert "warning: episodes/cut.mp3: duration: its header claims 1:32.0 but the file holds only" in result.output
    published = seconds_of(itunes_durations(built)["cut.mp3"])
    assert abs(published - 92 * 200_000 / long.stat().st_size) <= 2  # what 200 KB holds, not 92 s


def test_a_number_beyond_tomls_integers_is_refused(built, cli):
    (built / "episodes" / "second.toml").write_text('date = 2014-01-08\nepisode = 99999999999999999999999\n')
    assert_stopped(cli, built, "episodes/second.toml:2: episode: expected a number up to 9,223,372,036,854,775,807")
