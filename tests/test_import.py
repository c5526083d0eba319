"""`feedtool import` (issue 16, item 4): a show made from another host's
feed builds a feed whose GUIDs, enclosure URLs, lengths and dates match the
old one item for item, and `feedtool check` passes it. The feeds are in the
shapes of several hosts (tests/hostfeeds.py), served from 127.0.0.1."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import podcastparser
import pytest
from hostfeeds import HOSTS, thousand
from lxml import etree
from netserver import serving
from PIL import Image

from feedtool.authoring import importer
from feedtool.check.feed import check_feed
from feedtool.engine.run import build

FEEDTOOL = str(Path(sys.executable).parent / "feedtool")
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def cover() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 100, 50)).save(out, "JPEG")
    return out.getvalue()


def items_of(data: bytes) -> dict[str, tuple[str, str, object]]:
    """GUID (exactly as written) → (enclosure URL, length, pubDate as an instant)."""
    out = {}
    for item in etree.fromstring(data).iter("item"):
        guid_el = item.find("guid")
        enclosure = item.find("enclosure")
        guid = guid_el.text if guid_el is not None else enclosure.get("url")
        out[guid] = (enclosure.get("url"), enclosure.get("length"),
                     importer.parse_date(item.find("pubDate").text))
    return out


def feedtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FEEDTOOL, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_import_then_build_keeps_every_item(host: str, tmp_path: Path) -> None:
    with serving() as (base, files):
        old = HOSTS[host](base)
        files.files["/feed.rss"] = (old, "application/rss+xml")
        files.files["/cover.jpg"] = (cover(), "image/jpeg")
        root = tmp_path / "show"
        result = feedtool("import", f"{base}/feed.rss", str(root), "--base-url", "https://new.example.com/pod/")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    new = (root / "public" / "feed.xml").read_bytes()
    before, after = items_of(old), items_of(new)
    assert after == before  # GUID verbatim, enclosure URL, length, date: item for item
    assert len(after) == len(etree.fromstring(old).findall(".//item"))
    assert not [p for p in check_feed(new) if p.is_error], [str(p) for p in check_feed(new) if p.is_error]
    parsed = podcastparser.parse("https://new.example.com/pod/feed.xml", io.BytesIO(new))
    assert len(parsed["episodes"]) == len(before)
    assert "301" in result.stderr and "itunes:new-feed-url" in result.stderr
    n = len(before)
    assert f"{n} of {n} keep their GUIDs, enclosure URLs, lengths and dates" in result.stderr
    assert (root / "cover.jpg").read_bytes() == cover()


def test_what_each_host_shape_brings_along(tmp_path: Path) -> None:
    base = "http://127.0.0.1:1"
    buzz = importer.parse(HOSTS["buzzsprout"](base), "feed.rss", "https://new.example.com/")
    first = buzz.items[0].meta
    assert first["episode_type"] == "trailer" and first["season"] == 1 and first["episode"] == 1
    assert first["chapters_url"].endswith("/chapters.json")
    assert [t["type"] for t in first["transcript_urls"]] == ["text/html", "application/x-subrip"]
    assert first["transcript_urls"][1]["rel"] == "captions"
    assert buzz.show["funding"] == [{"url": "https://www.buzzsprout.example/1234/support",
                                     "text": "Support the show"}]
    transistor = importer.parse(HOSTS["transistor"](base), "feed.rss")
    assert transistor.show["guid"] == "917393e3-1b1e-5cef-ace4-edaa54e1f810"  # podcast:guid moves with it
    assert transistor.show["type"] == "serial"
    assert transistor.show["person"] == [{"name": "Hosta Person", "role": "host",
                                          "img": "https://img.transistor.example/host.jpg"}]
    assert any(p.field == "person" and "Not A Role" in p.message for p in transistor.problems)
    assert transistor.items[0].meta["show_notes"] == "<p>Escaped HTML notes 1 &amp; more.</p>"
    libsyn = importer.parse(HOSTS["libsyn"](base), "feed.rss")
    notes = libsyn.items[0].meta["show_notes"]
    assert "<ul><li>one</li>" in notes and "onerror" not in notes and "script" not in notes  # sanitised (nh3)
    assert libsyn.items[0].meta["guid"] == " 5f2c9a01-1b2c-4d5e-8f90-a1b2c3d4e5f6 "  # verbatim
    assert libsyn.items[0].meta["duration"] == 41 * 60 + 11
    podbean = importer.parse(HOSTS["podbean"](base), "feed.rss")
    assert podbean.items[0].meta["audio_type"] == "audio/x-m4a" and podbean.items[0].meta["duration"] == 41 * 60 + 1
    odd = importer.parse(HOSTS["odd"](base), "feed.rss")
    assert odd.items[0].meta["audio_type"] == "audio/mpeg"  # audio/mp3 is what was meant
    assert [i.meta["guid"] for i in odd.items][5] == "https://odd.example.org/audio/odd%206.mp3"  # no GUID
    assert any(p.field == "guid" for p in odd.problems)
    assert buzz.show["categories"] == ["Technology", "Society & Culture > Documentary"]
    assert buzz.show["language"] == "en-us" and buzz.show["owner_email"] == "owner@old.example.org"


def test_a_thousand_items(tmp_path: Path) -> None:
    old = thousand("http://127.0.0.1:1")
    feed = tmp_path / "old.xml"
    feed.write_bytes(old)
    imported = importer.parse(old, str(feed), "https://new.example.com/pod/")
    report = importer.write(imported, tmp_path / "show")
    assert len(report.items) == 1000 and len(list((tmp_path / "show" / "episodes").glob("*.toml"))) == 1000
    build(tmp_path / "show")
    new = (tmp_path / "show" / "public" / "feed.xml").read_bytes()
    assert items_of(new) == items_of(old)
    assert importer.compare(report.items, new) == []
    assert importer.compare(report.items, new.replace(b"daily-7<", b"daily-7x<")) == [
        f"{report.items[6].stem}: GUID 'daily-7' is not in the new feed"]


def test_download_fetches_the_audio_with_resume(tmp_path: Path) -> None:
    audio = (Path(__file__).parent / "fixtures" / "audio" / "tagged.mp3").read_bytes()
    with serving() as (base, files):
        files.files["/a.mp3"] = (audio, "audio/mpeg")
        files.files["/cover.jpg"] = (cover(), "image/jpeg")
        files.cut_once.add("/a.mp3")
        feed = f"""<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Down</title><description>d</description><itunes:image href="{base}/cover.jpg"/>
<itunes:owner><itunes:email>o@example.org</itunes:email></itunes:owner><itunes:category text="Technology"/>
<item><title>One</title><guid>one-guid</guid><pubDate>Mon, 01 Mar 2021 09:00:00 +0000</pubDate>
<enclosure url="{base}/a.mp3" length="{len(audio)}" type="audio/mpeg"/><itunes:duration>3</itunes:duration></item>
</channel></rss>""".encode()
        imported = importer.parse(feed, "feed.xml", "https://new.example.com/pod/")
        first = importer.write(imported, tmp_path / "one", download=True)
        assert any(p.is_error for p in first.problems)  # cut off half-way: an error, the part kept
        part = next((tmp_path / "one" / "episodes").glob("*.part"))
        assert 0 < part.stat().st_size < len(audio)
        # The same command again resumes (here into the same folder, its podcast.toml set aside).
        (tmp_path / "one" / "podcast.toml").unlink()
        seen: list[tuple[str, int, int | None]] = []
        again = importer.write(imported, tmp_path / "one", download=True,
                               progress=lambda what, done, total: seen.append((what, done, total)))
        assert not any(p.is_error for p in again.problems) and again.downloaded == 1
        kept = int(files.requests[-1][2].removeprefix("bytes=").rstrip("-"))
        assert files.requests[-1][:2] == ("GET", "/a.mp3") and 0 < kept < len(audio)  # only the rest asked for
    mp3 = next((tmp_path / "one" / "episodes").glob("*.mp3"))
    assert mp3.read_bytes() == audio and seen[-1][1] == len(audio)
    toml = next((tmp_path / "one" / "episodes").glob("*.toml")).read_text()
    assert "audio_url" not in toml and 'guid = "one-guid"' in toml
    result = build(tmp_path / "one")
    assert result.plan.episodes[0].guid == "one-guid"
    assert (tmp_path / "one" / "public" / "media").is_dir()


def test_not_a_feed_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body>hi</body></html>")
    result = feedtool("import", str(page), str(tmp_path / "show"))
    assert result.returncode == 2 and "not an RSS 2.0 feed" in result.stderr and "Traceback" not in result.stderr
    result = feedtool("import", str(tmp_path / "missing.xml"), str(tmp_path / "show"))
    assert result.returncode == 2 and "no such file" in result.stderr


def test_new_feed_url_moves_subscribers(make_show) -> None:
    from conftest import SHOW_TOML

    root = make_show(show_toml=SHOW_TOML + 'new_feed_url = "https://elsewhere.example.net/feed.xml"\n')
    build(root)
    feed = etree.parse(str(root / "public" / "feed.xml"))
    assert feed.xpath("/rss/channel/itunes:new-feed-url/text()", namespaces={"itunes": ITUNES}) == [
        "https://elsewhere.example.net/feed.xml"]
    assert not [p for p in check_feed((root / "public" / "feed.xml").read_bytes()) if p.is_error]
