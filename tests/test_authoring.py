"""Authoring a show without hand-editing: init, add, tag, episodes, and the
whole loop through real `python -m feedtool` subprocesses."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import AUDIO, NS, REPO, SHOW_TOML, TEXTS, snapshot
from lxml import etree
from mutagen.id3 import ID3
from PIL import Image
from test_serve import start

from feedtool.authoring import add, scaffold, tagging
from feedtool.engine import run as build
from feedtool.config import load as config
from feedtool.sources.audio import read_audio

INIT_FLAGS = ("--yes", "--title", "Night Owls", "--author", "Ann Example", "--email", "ann@example.com",
              "--base-url", "https://example.com/night-owls", "--language", "en",
              "--category", "Society & Culture")


def feedtool(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedtool", *map(str, args)], check=False, capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)}, stdin=subprocess.DEVNULL)


def items(root: Path) -> list[etree._Element]:
    return etree.parse(str(root / "public" / "feed.xml")).getroot().findall("channel/item")


# --- the whole loop -------------------------------------------------------------

def test_the_whole_loop_in_subprocesses(tmp_path: Path) -> None:
    work = tmp_path / "downloads"
    work.mkdir()
    shutil.copy(AUDIO / "tagged.mp3", work / "her interview.mp3")
    shutil.copy(AUDIO / "tagged.m4a", work / "cartographer.m4a")
    shutil.copy(TEXTS / "seed_her.txt", work / "her.txt")
    shutil.copy(TEXTS / "magazine_qa.txt", work / "qa.txt")
    show = tmp_path / "night-owls"

    r = feedtool("init", show, *INIT_FLAGS)
    assert r.returncode == 0, r.stderr
    assert "Next: feedtool add" in r.stderr
    r = feedtool("add", work / "her interview.mp3", "--text", work / "her.txt", "--show", show)
    assert r.returncode == 0, r.stderr
    assert "[text]" in r.stderr and "[tags]" in r.stderr and "Next: feedtool build" in r.stderr
    r = feedtool("add", work / "cartographer.m4a", "--text", work / "qa.txt", "--date", "2014-01-08T09:30:00Z",
                 "--show", show)
    assert r.returncode == 0, r.stderr
    assert (work / "cartographer.m4a").exists()  # copied, not moved

    stems = sorted(p.name for p in (show / "episodes").iterdir())
    assert stems == [".gitkeep",
                     "spike-jonze-opens-his-heart-for-her.mp3", "spike-jonze-opens-his-heart-for-her.toml",
                     "spike-jonze-opens-his-heart-for-her.txt",
                     "the-cartographer-of-small-sounds.m4a", "the-cartographer-of-small-sounds.toml",
                     "the-cartographer-of-small-sounds.txt"]

    r = feedtool("build", show)
    assert r.returncode == 0, r.stderr
    before = {i.findtext("title"): i for i in items(show)}
    assert set(before) == {"Spike Jonze Opens His Heart For 'Her'", "The Cartographer Of Small Sounds"}

    r = feedtool("tag", "all", "--show", show)
    assert r.returncode == 0, r.stderr
    assert "Tagged 2 files" in r.stderr
    r = feedtool("build", show)
    assert r.returncode == 0, r.stderr
    r = feedtool("build", show, "--check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert feedtool("check", show / "public" / "feed.xml").returncode == 0

    after = {i.findtext("title"): i for i in items(show)}
    her = after["Spike Jonze Opens His Heart For 'Her'"]
    mp3 = show / "episodes" / "spike-jonze-opens-his-heart-for-her.mp3"
    enclosure = her.find("enclosure")
    # Tagging grew the file, and the feed says so.
    assert int(enclosure.get("length")) == mp3.stat().st_size != (AUDIO / "tagged.mp3").stat().st_size
    assert enclosure.get("url") == "https://example.com/night-owls/media/spike-jonze-opens-his-heart-for-her.mp3"
    assert her.findtext("itunes:episode", namespaces=NS) == "1"
    second = after["The Cartographer Of Small Sounds"]
    assert second.findtext("itunes:episode", namespaces=NS) == "2"
    assert second.findtext("pubDate") == "Wed, 08 Jan 2014 09:30:00 +0000"
    # The GUIDs survive the tagging (the stems did not change).
    assert {t: i.findtext("guid") for t, i in after.items()} == {t: i.findtext("guid") for t, i in before.items()}

    tags = read_audio(mp3)
    assert (tags.title, tags.artist, tags.album, tags.track) == (
        "Spike Jonze Opens His Heart For 'Her'", "Ann Example", "Night Owls", 1)

    # Preview it: the served feed points at the server, which answers range requests.
    server = start(show, tmp_path)
    try:
        with urllib.request.urlopen(server.url("feed.xml"), timeout=10) as response:
            served = etree.fromstring(response.read()).findall("channel/item")
        url = next(i.find("enclosure").get("url") for i in served if i.findtext("title").startswith("Spike"))
        assert url == server.url("media/spike-jonze-opens-his-heart-for-her.mp3")
        response, body = server.request("GET", url.removeprefix(server.url("")), {"Range": "bytes=0-99"})
        assert response.status == 206 and body == mp3.read_bytes()[:100]
        server.proc.send_signal(signal.SIGINT)
        assert server.proc.wait(timeout=15) == 0
    finally:
        if server.proc.poll() is None:
            server.proc.kill()

    r = feedtool("episodes", "--show", show, "--json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)["episodes"]
    assert [(e["episode"], e["title"], e["format"], e["size"]) for e in listed] == [
        (1, "Spike Jonze Opens His Heart For 'Her'", "mp3", mp3.stat().st_size),
        (2, "The Cartographer Of Small Sounds", "m4a",
         (show / "episodes" / "the-cartographer-of-small-sounds.m4a").stat().st_size),
    ]


# --- init -------------------------------------------------------------------------

def test_init_writes_a_show_that_builds(tmp_path: Path, cli) -> None:
    show = tmp_path / "new"
    result = cli("init", show, *INIT_FLAGS)
    assert result.exit_code == 0, result.output
    loaded, problems = config.load_show(show)
    assert problems == [] and loaded is not None
    assert (loaded.title, loaded.author, loaded.owner_email, loaded.base_url, loaded.language) == (
        "Night Owls", "Ann Example", "ann@example.com", "https://example.com/night-owls/", "en")
    assert [(c.name, c.sub) for c in loaded.categories] == [("Society & Culture", None)]
    text = (show / "podcast.toml").read_text()
    assert text.count("\n# ") >= 8, "podcast.toml should explain its keys"
    assert (show / "episodes" / ".gitkeep").is_file()
    assert (show / ".gitignore").read_text().splitlines()[1:] == [".feedtool-cache/", "*.feedtool-tmp"]
    with Image.open(show / "cover.png") as img:
        assert (img.format, img.size, img.mode) == ("PNG", (1400, 1400), "RGB")
        assert len(img.getcolors(1 << 16) or []) > 2, "the title is drawn on the cover"


def test_init_cover_shows_the_title_and_is_reproducible() -> None:
    one = scaffold.cover_png("Night Owls", "Ann")
    assert one == scaffold.cover_png("Night Owls", "Ann")
    assert one != scaffold.cover_png("Day Larks", "Ann")
    with Image.open(io.BytesIO(scaffold.cover_png("A " * 80, "Ann"))) as img:
        assert img.size == (1400, 1400)


def test_the_workflow_written_by_init_is_the_repositorys_own(tmp_path: Path, cli) -> None:
    assert cli("init", tmp_path / "s", *INIT_FLAGS).exit_code == 0
    written = (tmp_path / "s" / ".github" / "workflows" / "feed.yml").read_text()
    from feedtool import __version__

    assert written == scaffold.workflow_yaml()
    # The repository's own is the same file but for the install: feedtool from its own checkout.
    own = (REPO / ".github" / "workflows" / "feed.yml").read_text()
    pin = f'python -m pip install "feedtool=={__version__}"'
    assert pin in written
    assert own == written.replace(pin, "python -m pip install .").replace(
        "      - run: python -m pip install .\n",
        "      # (This repository is feedtool itself: it builds its demo with its own code.)\n"
        "      - run: python -m pip install .\n")
    flow = yaml.safe_load(written)
    steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in steps] + [s.get("uses", "") for s in flow["jobs"]["deploy"]["steps"]]
    runs = [s["run"] for s in steps if "run" in s]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert runs == [pin, "sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends ffmpeg",
                    "feedtool build", "feedtool check public/feed.xml"]
    # The read cache is kept between runs (issue 14): restored before the build, saved after it.
    cached = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cached["with"]["path"] == ".feedtool-cache"
    assert cached["with"]["key"].startswith("feedtool-${{ runner.os }}-${{ hashFiles('episodes/**'")
    assert cached["with"]["restore-keys"].strip() == "feedtool-${{ runner.os }}-"
    assert steps.index(cached) < next(i for i, s in enumerate(steps) if s.get("run") == "feedtool build")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "public"
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "push" in flow[True]  # YAML 1.1 reads the key `on` as true


def test_init_refuses_to_overwrite_a_show(make_show, cli) -> None:
    root = make_show()
    before = snapshot(root)
    result = cli("init", root, *INIT_FLAGS)
    assert result.exit_code == 1
    assert "podcast.toml: already exists" in result.output
    assert snapshot(root) == before


def test_init_bad_answers_name_the_file_and_field_and_write_nothing(tmp_path: Path, cli) -> None:
    show = tmp_path / "s"
    args = list(INIT_FLAGS)
    args[args.index("ann@example.com")] = "ann-at-example"
    args[args.index("Society & Culture")] = "Sociology"
    result = cli("init", show, *args)
    assert result.exit_code == 2
    assert "podcast.toml: owner_email: expected an email address, got 'ann-at-example' (from --email)" in result.output
    assert "podcast.toml: categories: 'Sociology' is not one of Apple's podcast categories" in result.output
    assert not show.exists()


def test_init_yes_names_every_missing_flag(tmp_path: Path, cli) -> None:
    result = cli("init", tmp_path / "s", "--yes", "--title", "T")
    assert result.exit_code == 2
    for flag in ("--author", "--email", "--base-url", "--category"):
        assert f"give {flag}" in result.output
    assert not (tmp_path / "s").exists()


def test_init_asks_until_each_answer_is_valid(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from feedtool.cli import app

    tops = list(config.apple_categories())
    subs = config.apple_categories()["Society & Culture"]
    answers = ["Night Owls", "Ann Example", "not-an-email", "ann@example.com", "example.com",
               "https://example.com/owls/", "", "",  # language: default en; description: default
               "99", str(tops.index("Society & Culture") + 1), str(subs.index("Documentary") + 1)]
    result = CliRunner().invoke(app, ["init", str(tmp_path / "s")], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "expected an email address, got 'not-an-email'" in result.output
    assert "expected an absolute http(s) URL" in result.output
    loaded, problems = config.load_show(tmp_path / "s")
    assert problems == [] and loaded is not None
    assert [(c.name, c.sub) for c in loaded.categories] == [("Society & Culture", "Documentary")]
    assert loaded.language == "en" and loaded.description == "Night Owls, a podcast by Ann Example."


def test_init_keeps_an_existing_gitignore(tmp_path: Path, cli) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n*.feedtool-tmp\n")
    assert cli("init", tmp_path, *INIT_FLAGS).exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == "node_modules/\n*.feedtool-tmp\n.feedtool-cache/\n"


def test_category_completion_offers_apples_names() -> None:
    from feedtool.cli import complete_category

    assert complete_category("society & culture > d") == [
        "Society & Culture > Documentary"]
    assert "Arts > Books" in complete_category("Ar")


# --- add --------------------------------------------------------------------------

def test_slugify() -> None:
    assert add.slugify("Spike Jonze Opens His Heart For “Her”") == "spike-jonze-opens-his-heart-for-her"
    assert add.slugify("Das Gespräch – Teil 2") == "das-gesprach-teil-2"
    assert add.slugify("   ") == ""
    long = add.slugify("word " * 40)
    assert len(long) <= add.MAX_SLUG and not long.endswith("-") and long.startswith("word-word")


def test_add_takes_the_next_free_number_and_says_where_each_field_came_from(make_show, cli,
                                                                            tmp_path: Path) -> None:
    root = make_show()  # "first" is episode 1; "second" has track 7 in its tags
    src = tmp_path / "Episode 8 raw.mp3"
    shutil.copy(AUDIO / "untagged.mp3", src)
    result = cli("add", src, "--title", "Night Shift", "--date", "2015-03-01", "--show", root)
    assert result.exit_code == 0, result.output
    meta = tomllib.loads((root / "episodes" / "night-shift.toml").read_text())
    assert meta == {"title": "Night Shift", "date": dt.date(2015, 3, 1), "episode": 8}
    _values, problems = config.load_episode_meta(root / "episodes" / "night-shift.toml", "night-shift.toml")
    assert problems == []
    assert "next by date" in result.output and "[--title]" in result.output
    assert (root / "episodes" / "night-shift.mp3").read_bytes() == src.read_bytes()
    assert cli("build", root).exit_code == 0
    titles = {i.findtext("title"): i.findtext("itunes:episode", namespaces=NS) for i in items(root)}
    assert titles["Night Shift"] == "8"


def test_add_numbers_within_a_season(make_show, cli, tmp_path: Path) -> None:
    root = make_show()  # "first" is S1E1
    result = cli("add", AUDIO / "untagged.mp3", "--title", "S1 two", "--date", "2015-01-01", "--season", "1",
                 "--show", root)
    assert result.exit_code == 0, result.output
    assert tomllib.loads((root / "episodes" / "s1-two.toml").read_text())["episode"] == 2
    result = cli("add", AUDIO / "untagged.mp3", "--title", "S2 one", "--date", "2015-02-01", "--season", "2",
                 "--show", root)
    assert tomllib.loads((root / "episodes" / "s2-one.toml").read_text())["episode"] == 1


def test_add_without_any_date_fails_and_writes_nothing(make_show, cli) -> None:
    root = make_show()
    before = snapshot(root)
    result = cli("add", AUDIO / "untagged.mp3", "--show", root)
    assert result.exit_code == 1
    assert "episodes/untagged.toml: date:" in result.output
    assert "--date" in result.output and "modification time" in result.output
    assert snapshot(root) == before


def test_add_date_today_only_when_asked(make_show, tmp_path: Path) -> None:
    root = make_show()
    p = add.plan(root, add.Request(AUDIO / "untagged.mp3", date="today"), today=dt.date(2030, 5, 6))
    assert p.meta["date"] == dt.date(2030, 5, 6) and p.sources["date"] == "--date today"


def test_add_bad_flag_names_the_field(make_show, cli) -> None:
    root = make_show()
    result = cli("add", AUDIO / "tagged.mp3", "--date", "3 March", "--episode", "0", "--stem", "x", "--show", root)
    assert result.exit_code == 1
    assert "episodes/x.toml: date: expected an ISO 8601 date" in result.output
    assert "(from --date)" in result.output
    assert "episodes/x.toml: episode: expected a number of 1 or more, got 0 (from --episode)" in result.output


def test_add_never_clobbers_an_episode(make_show, cli) -> None:
    root = make_show()
    before = snapshot(root)
    result = cli("add", AUDIO / "tagged.m4a", "--stem", "second", "--show", root)
    assert result.exit_code == 1
    assert "episodes/second.m4a: already exists" in result.output
    assert "episodes/second.toml: already exists" in result.output
    assert snapshot(root) == before


def test_add_move_and_markdown_text(make_show, cli, tmp_path: Path) -> None:
    root = make_show()
    src = tmp_path / "take.ogg"
    text = tmp_path / "notes.md"
    shutil.copy(AUDIO / "tagged.ogg", src)
    text.write_text("# A Headline From Markdown\n\nThe standfirst paragraph.\n\nBody text.\n")
    result = cli("add", src, "--text", text, "--move", "--show", root)
    assert result.exit_code == 0, result.output
    assert not src.exists() and not text.exists()
    stem = root / "episodes" / "a-headline-from-markdown"
    assert stem.with_suffix(".ogg").is_file() and stem.with_suffix(".md").is_file()
    meta = tomllib.loads(stem.with_suffix(".toml").read_text())
    assert meta["title"] == "A Headline From Markdown"
    assert meta["date"] == dt.date(2013, 12, 18)  # the audio's own date tag


def test_add_missing_show_or_audio_is_a_usage_error(tmp_path: Path, make_show, cli) -> None:
    assert cli("add", AUDIO / "tagged.mp3", "--show", tmp_path).exit_code == 2
    root = make_show()
    result = cli("add", tmp_path / "nope.mp3", "--show", root)
    assert result.exit_code == 2 and "nope.mp3: file not found" in result.output


def test_add_a_broken_audio_file_is_a_problem_not_a_traceback(make_show, cli) -> None:
    root = make_show()
    result = cli("add", AUDIO / "corrupt.mp3", "--date", "2020-01-01", "--show", root)
    assert result.exit_code == 1
    assert "corrupt.mp3" in result.output and "Traceback" not in result.output


# --- tag --------------------------------------------------------------------------

def ffmpeg_md5(path: Path, *codec: str) -> str:
    """MD5 of the audio stream: its packets as stored (-c copy) or decoded."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a", *codec,
                          "-f", "md5", "-"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def mp3_frames(path: Path) -> bytes:
    """The bytes after the ID3v2 tag and before any ID3v1 tag: the MPEG frames."""
    data = path.read_bytes()
    start = 0
    if data.startswith(b"ID3"):
        size = 0
        for byte in data[6:10]:
            size = (size << 7) | byte
        start = 10 + size + (10 if data[5] & 0x10 else 0)
    end = len(data) - 128 if data[-128:-125] == b"TAG" else len(data)
    return data[start:end]


FORMATS = ["mp3", "m4a", "ogg", "opus", "flac"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tag_writes_the_metadata_and_never_touches_the_audio(make_show, cli, fmt: str) -> None:
    root = make_show(episodes={"ep": {"audio": f"tagged.{fmt}",
                                      "toml": 'title = "Tagged Title"\ndate = 2020-02-03T04:05:06Z\n'
                                              'episode = 42\nsummary = "What it is about."\n'}},
                     # A FLAC the show publishes as it is; else a master, which `tag` leaves alone.
                     show_toml=SHOW_TOML + ('audio_format = "flac"\n' if fmt == "flac" else ""))
    audio = root / "episodes" / f"ep.{fmt}"
    packets, decoded = ffmpeg_md5(audio, "-c", "copy"), ffmpeg_md5(audio)
    original = read_audio(audio)

    result = cli("tag", "ep", "--show", root)
    assert result.exit_code == 0, result.output
    assert "Tagged 1 file" in result.output

    tags = read_audio(audio)
    assert (tags.title, tags.artist, tags.album, tags.track, tags.comment) == (
        "Tagged Title", "Tess Ting", "Test Show", 42, "What it is about.")
    assert tags.date is not None and tags.date.replace(" ", "T").startswith("2020-02-03T04:05:06")
    # The episode's own embedded art is kept as its cover; the chapters stay.
    assert tags.artwork == original.artwork
    assert [(c.start, c.title) for c in tags.chapters] == [(c.start, c.title) for c in original.chapters]
    # Never re-encoded: the same packets, the same decoded samples, the same stream.
    assert ffmpeg_md5(audio, "-c", "copy") == packets
    assert ffmpeg_md5(audio) == decoded
    assert (tags.duration, tags.format, tags.mime) == (original.duration, original.format, original.mime)
    if fmt == "mp3":
        assert mp3_frames(audio) == mp3_frames(AUDIO / "tagged.mp3")
        assert ID3(audio).version == (2, 4, 0)
    assert not list(audio.parent.glob(".*feedtool-tmp"))


def test_tag_writes_the_show_cover_and_chapters_into_an_untagged_mp3(make_show, cli) -> None:
    root = make_show(episodes={"bare": {"audio": "untagged.mp3", "toml": 'date = 2021-01-01\nepisode = 3\n'}})
    (root / "episodes" / "bare.chapters.json").write_text(json.dumps({
        "version": "1.2.0",
        "chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 1.5, "title": "Goodbye"}],
    }))
    audio = root / "episodes" / "bare.mp3"
    frames = mp3_frames(audio)
    assert cli("tag", "all", "--show", root).exit_code == 0
    tags = ID3(audio)
    assert tags.version == (2, 4, 0)
    cover = tags.getall("APIC")
    assert len(cover) == 1 and cover[0].type == 3 and cover[0].data == (root / "cover.png").read_bytes()
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, c.sub_frames["TIT2"].text[0]) for c in chaps] == [
        (0, 1500, "Hello"), (1500, round(read_audio(audio).duration * 1000), "Goodbye")]
    toc = tags.getall("CTOC")
    assert len(toc) == 1 and toc[0].child_element_ids == [c.element_id for c in chaps]
    assert str(tags.getall("TDRC")[0]) == "2021-01-01" and str(tags["TRCK"]) == "3"
    assert mp3_frames(audio) == frames
    # And the build reads back what was written: the feed still validates and
    # the show's cover needs no second copy.
    assert cli("build", root).exit_code == 0
    assert not (root / "public" / "images").exists()


def test_tag_keeps_other_pictures_and_itunes_comments(make_show, cli) -> None:
    root = make_show(episodes={"ep": {"audio": "tagged.mp3", "toml": 'date = 2021-01-01\n'}})
    audio = root / "episodes" / "ep.mp3"
    assert cli("tag", "ep", "--show", root).exit_code == 0
    tags = ID3(audio)
    assert sorted(f.desc for f in tags.getall("APIC")) == ["artist", "cover"]
    assert sorted(f.desc for f in tags.getall("COMM")) == ["", "iTunNORM"]


def test_tag_dry_run_shows_old_and_new_and_writes_nothing(make_show, cli) -> None:
    root = make_show()
    before = snapshot(root)
    result = cli("tag", "all", "--dry-run", "--show", root)
    assert result.exit_code == 0, result.output
    assert "episodes/first.mp3" in result.stdout
    assert "TIT2 (title): 'Episode Seven – mp3' → \"Spike Jonze Opens His Heart For 'Her'\"" in result.stdout
    assert "TPE1 (artist): 'Ada Host' → 'Tess Ting'" in result.stdout
    assert "\xa9nam (title): 'Episode Seven – m4a' → 'Second Episode'" in result.stdout
    assert "mutagen cannot write MP4 chapters" in result.stdout
    assert "Nothing was written" in result.output
    assert snapshot(root) == before


def test_tag_twice_writes_nothing_the_second_time(make_show, cli) -> None:
    root = make_show()
    assert cli("tag", "all", "--show", root).exit_code == 0
    stats = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (root / "episodes").iterdir()}
    result = cli("tag", "all", "--show", root)
    assert result.exit_code == 0 and "Tagged 0 files, 2 already up to date" in result.output
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (root / "episodes").iterdir()} == stats


def test_a_crash_while_tagging_leaves_the_file_whole(make_show, monkeypatch) -> None:
    root = make_show()
    audio = root / "episodes" / "first.mp3"
    digest = hashlib.sha256(audio.read_bytes()).hexdigest()
    plans, _ = tagging.plan(root, ["first"])

    def crash(path: Path, want: tagging.Wanted) -> None:
        path.write_bytes(path.read_bytes()[:100])  # half-written, then the power goes
        raise OSError("disk unplugged")

    monkeypatch.setitem(tagging.WRITERS, "mp3", crash)
    with pytest.raises(OSError):
        tagging.apply(plans[0])
    assert hashlib.sha256(audio.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in audio.parent.iterdir() if p.name.startswith(".")) == []


def test_tag_unknown_stem_names_it(make_show, cli) -> None:
    root = make_show()
    result = cli("tag", "thrid", "--show", root)
    assert result.exit_code == 2  # a stem that names no episode is a usage error, as for remove
    assert "episodes/thrid: no episode has this stem (known: first, second)" in result.output


def test_tag_refuses_a_show_with_errors(make_show, cli) -> None:
    root = make_show()
    (root / "episodes" / "second.toml").write_text('date = "soon"\n')
    before = snapshot(root)
    result = cli("tag", "all", "--show", root)
    assert result.exit_code == 1 and "episodes/second.toml:1: date:" in result.output
    assert snapshot(root) == before


# --- episodes / list, progress -------------------------------------------------------

def test_episodes_table_and_list_alias(make_show, cli) -> None:
    root = make_show(episodes={
        "first": {"audio": "tagged.mp3", "toml": 'date = 2013-12-18\nseason = 1\nepisode = 1\n'},
        "later": {"audio": "tagged.ogg", "toml": 'date = 2014-01-08\ntitle = "Later On"\n'},
    })
    result = cli("episodes", "--show", root)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "date", "title", "duration", "format", "size", "warnings"]
    assert lines[1].split()[:2] == ["S1E1", "2013-12-18"] and "0:03" in lines[1] and "mp3" in lines[1]
    assert "Later On" in result.stdout and "warning" in lines[-1]
    # The ogg's warning, in full, on stderr-side output, naming the file.
    assert "episodes/later.ogg: is Ogg Vorbis" in result.output
    data = json.loads(cli("list", "--show", root, "--json").stdout)
    assert [(e["stem"], e["season"], e["episode"], e["format"]) for e in data["episodes"]] == [
        ("first", 1, 1, "mp3"), ("later", None, 7, "ogg")]
    assert data["episodes"][1]["size"] == (root / "episodes" / "later.ogg").stat().st_size
    assert any("Ogg Vorbis" in w for w in data["episodes"][1]["warnings"])


def test_episodes_lists_what_loads_and_reports_the_errors(make_show, cli) -> None:
    root = make_show()
    (root / "episodes" / "second.toml").write_text('date = "soon"\n')
    result = cli("episodes", "--show", root, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [e["stem"] for e in data["episodes"]] == ["first"]
    assert data["problems"][0]["path"] == "episodes/second.toml"


def test_build_reports_progress_per_episode(make_show) -> None:
    root = make_show()
    calls: list[tuple[int, int, str]] = []
    build.plan(root, progress=lambda done, total, stem: calls.append((done, total, stem)))
    # One call per episode, in order, after any calls for reading files ahead.
    assert calls[-2:] == [(1, 2, "first"), (2, 2, "second")]
    assert all(0 < done <= total for done, total, _ in calls)


def test_no_progress_bar_when_piped(make_show) -> None:
    root = make_show()
    for args in (("build", root), ("tag", "all", "--show", root)):
        r = feedtool(*args)
        assert r.returncode == 0, r.stderr
        assert "\r" not in r.stderr and "\x1b[" not in r.stderr


def test_progress_bar_on_a_terminal(make_show) -> None:
    import pty

    root = make_show()
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "feedtool", "tag", "all", "--show", str(root)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
                            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100", "TERM": "xterm"})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "Tagging" in shown and "2/2" in shown and "━" in shown
    assert "Tagged 2 files" in shown
