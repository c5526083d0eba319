"""`feedtool build` end to end on a small real show: the feed's structure,
what feedparser and podcastparser read from it, and reproducibility."""

from __future__ import annotations

import email.utils
import os
import shutil
from pathlib import Path

import feedparser
import podcastparser
from lxml import etree

from conftest import NS, snapshot
from feedtool.engine.run import build


def channel(root: Path) -> etree._Element:
    return etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel")


def test_build_writes_a_feed_with_the_shows_channel(make_show, cli):
    root = make_show()
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    ch = channel(root)
    assert ch.findtext("title") == "Test Show"
    assert ch.findtext("link") == "https://example.com/show/"
    assert ch.findtext("language") == "en"
    assert ch.find("atom:link[@rel='self']", NS).get("href") == "https://example.com/show/feed.xml"
    assert ch.findtext("itunes:explicit", namespaces=NS) == "false"
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    assert ch.findtext("itunes:owner/itunes:email", namespaces=NS) == "tess@example.com"
    cats = [(c.get("text"), [s.get("text") for s in c]) for c in ch.findall("itunes:category", NS)]
    assert cats == [("Arts", ["Books"]), ("Technology", [])]
    href = ch.find("itunes:image", NS).get("href")
    assert href.startswith("https://example.com/show/cover-") and href.endswith(".png")
    assert (root / "public" / href.rsplit("/", 1)[1]).is_file()
    # lastBuildDate is the newest episode's date, never the clock.
    assert ch.findtext("lastBuildDate") == "Wed, 08 Jan 2014 00:00:00 +0000"


def test_items_newest_first_with_exact_enclosures(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    items = channel(root).findall("item")
    assert [i.findtext("title") for i in items] == ["Second Episode", "Spike Jonze Opens His Heart For 'Her'"]
    second, first = items
    enc = first.find("enclosure")
    assert enc.get("url") == "https://example.com/show/media/first.mp3"
    assert enc.get("type") == "audio/mpeg"
    assert int(enc.get("length")) == (root / "episodes" / "first.mp3").stat().st_size
    assert (root / "public" / "media" / "first.mp3").read_bytes() == (root / "episodes" / "first.mp3").read_bytes()
    assert second.find("enclosure").get("type") == "audio/x-m4a"
    guid = first.find("guid")
    assert guid.get("isPermaLink") == "false" and guid.text
    assert email.utils.parsedate_to_datetime(first.findtext("pubDate")).isoformat() == "2013-12-18T16:00:00+00:00"
    assert first.findtext("itunes:duration", namespaces=NS).isdigit()
    assert first.findtext("itunes:episode", namespaces=NS) == "1"
    assert first.findtext("itunes:season", namespaces=NS) == "1"
    assert first.findtext("itunes:episodeType", namespaces=NS) == "full"
    assert first.findtext("itunes:explicit", namespaces=NS) == "false"


def test_show_notes_and_summary_come_from_the_text_without_chrome(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    first = channel(root).findall("item")[1]
    summary = first.findtext("description")
    assert summary.startswith("Writer-director Spike Jonze's latest movie")
    notes = first.findtext("content:encoded", namespaces=NS)
    # A sub-head is a paragraph of its own in the feed: Apple shows only p, ol, ul, li and a.
    assert "<p>On filming the interactions between Theodore and Samantha</p>" in notes
    for chrome in ("Filed Under", "Play associated audio", "Leave a Comment", "Undead Hipsters",
                   "Help keep the conversation civil", "To see more, visit"):
        assert chrome not in notes
    transcript = (root / "public" / "transcripts" / "first.txt").read_text()
    assert "Originally, on set, we'd cast Samantha Morton" in transcript
    assert "Undead Hipsters" not in transcript


def test_feedparser_and_podcastparser_read_it(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    feed_path = root / "public" / "feed.xml"
    size = (root / "episodes" / "first.mp3").stat().st_size

    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Test Show"
    entry = parsed.entries[1]
    assert entry.title == "Spike Jonze Opens His Heart For 'Her'"
    assert entry.enclosures[0]["length"] == str(size)
    assert entry.summary.startswith("Writer-director Spike Jonze")

    with feed_path.open("rb") as f:
        pod = podcastparser.parse("https://example.com/show/feed.xml", f)
    assert pod["title"] == "Test Show"
    episodes = {e["title"]: e for e in pod["episodes"]}
    her = episodes["Spike Jonze Opens His Heart For 'Her'"]
    assert her["enclosures"][0]["file_size"] == size
    assert her["total_time"] > 0
    assert her["guid"] and not her["guid"].startswith("file:")
    assert "Leave a Comment" not in her["description_html"]
    assert "Interview Highlights" in her["description_html"]


def test_two_builds_are_byte_identical(make_show, tmp_path, cli):
    a = make_show(root=tmp_path / "a")
    b = make_show(root=tmp_path / "b")
    # Different modification times must not matter.
    for p in (b / "episodes").iterdir():
        os.utime(p, (1_000_000_000, 1_000_000_000))
    assert cli("build", a).exit_code == 0
    assert cli("build", b).exit_code == 0
    assert snapshot(a / "public") == snapshot(b / "public")
    assert (a / "episodes" / "feedtool.lock").read_bytes() == (b / "episodes" / "feedtool.lock").read_bytes()
    before = snapshot(a / "public")
    assert cli("build", a).exit_code == 0
    assert snapshot(a / "public") == before


def test_source_date_epoch_sets_last_build_date(make_show, cli, monkeypatch):
    root = make_show()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("build", root).exit_code == 0
    assert channel(root).findtext("lastBuildDate") == "Tue, 14 Nov 2023 22:13:20 +0000"


def test_out_option_and_media_base_url(make_show, tmp_path, cli):
    from conftest import SHOW_TOML

    root = make_show(show_toml=SHOW_TOML + 'media_base_url = "https://cdn.example.net/audio"\n')
    out = tmp_path / "site"
    assert cli("build", root, "--out", out).exit_code == 0
    enc = etree.parse(str(out / "feed.xml")).getroot().find("channel/item/enclosure")
    assert enc.get("url") == "https://cdn.example.net/audio/second.m4a"
    assert not (out / "media").exists()


def test_episode_number_and_title_fall_back_to_tags(make_show, cli):
    root = make_show({"tagged": {"audio": "tagged.mp3"}})
    # The fixture's 32 px cover breaks Apple's artwork rule and is left out
    # (tests/test_apple_rules.py); give this copy a cover Apple accepts.
    import io

    from mutagen.id3 import APIC, ID3, PictureType
    from PIL import Image
    art = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(art, "PNG")
    tags = ID3(root / "episodes" / "tagged.mp3")
    tags.delall("APIC")
    tags.add(APIC(encoding=3, mime="image/png", type=PictureType.COVER_FRONT, desc="cover", data=art.getvalue()))
    tags.save()
    assert cli("build", root).exit_code == 0
    item = channel(root).find("item")
    # No toml and no text: title, date and number come from the ID3 tags.
    from feedtool.sources.audio import read_audio
    info = read_audio(root / "episodes" / "tagged.mp3")
    assert item.findtext("title") == info.title
    assert item.findtext("itunes:episode", namespaces=NS) == str(info.track)
    assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).date().isoformat() == info.date[:10]
    # Embedded cover art becomes the episode image.
    href = item.find("itunes:image", NS).get("href")
    assert (root / "public" / href.split("/show/", 1)[1]).is_file()


def test_subfolders_make_distinct_stems(make_show, cli):
    root = make_show({
        "2020/one": {"audio": "tagged.mp3", "toml": "date = 2020-01-01\n"},
        "2021/one": {"audio": "tagged.ogg", "toml": "date = 2021-01-01\n"},
    })
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    urls = [e.get("url") for e in channel(root).iter("enclosure")]
    assert urls == ["https://example.com/show/media/2021-one.ogg", "https://example.com/show/media/2020-one.mp3"]


def test_removed_episode_files_are_deleted_but_user_files_kept(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    (root / "public" / "CNAME").write_text("podcast.example.com\n")
    from feedtool.engine import guids

    lock, _ = guids.read_lock(root)
    (root / guids.LOCK_NAME).write_bytes(guids.remove(lock, "second").to_bytes())
    for p in (root / "episodes").glob("second.*"):
        p.unlink()
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert not (root / "public" / "media" / "second.m4a").exists()
    assert (root / "public" / "CNAME").exists()
    assert [i.findtext("title") for i in channel(root).findall("item")] == ["Spike Jonze Opens His Heart For 'Her'"]


def test_build_api_check_mode_writes_nothing(make_show):
    root = make_show()
    result = build(root, check=True)
    assert result.changes.any and not (root / "public").exists()
    build(root)
    assert not build(root, check=True).changes.any


def test_build_check_cli_reports_changes(make_show, cli):
    root = make_show()
    assert cli("build", root).exit_code == 0
    assert cli("build", "--check", root).exit_code == 0
    toml = root / "episodes" / "second.toml"
    toml.write_text(toml.read_text().replace("Second Episode", "Second Episode, Renamed"))
    result = cli("build", "--check", root)
    assert result.exit_code == 1
    diff_lines = [ln.strip() for ln in result.output.splitlines()]
    assert any(ln.startswith("+") and ln.endswith("<title>Second Episode, Renamed</title>") for ln in diff_lines)
    assert any(ln.startswith("-") and ln.endswith("<title>Second Episode</title>") for ln in diff_lines)
    assert "changed: feed.xml" in result.output
    shutil.rmtree(root / "public" / "media")
    assert "added: media/first.mp3" in cli("build", "--check", root).output


def test_a_show_with_no_episodes_is_stopped_with_a_reason(make_show, cli):
    root = make_show({})
    result = cli("build", root)
    # Apple rejects a feed without episodes; say so rather than publish it.
    assert result.exit_code == 1
    assert "no <item>" in result.output and not (root / "public").exists()
