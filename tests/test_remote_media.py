"""Media anywhere (issue 16, item 3): an episode whose audio is hosted
elsewhere is described in its STEM.toml (URL, length, type, duration), so a
show builds with no audio file at all; missing facts are clear errors; the
GUID rules still hold."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import podcastparser
from conftest import NS, SHOW_TOML
from lxml import etree

from feedtool.check.feed import check_feed
from feedtool.engine import guids
from feedtool.engine.run import build
from feedtool.problems import FeedtoolError

REMOTE = '''\
title = "From The Bucket"
date = 2024-02-01T10:00:00Z
audio_url = "https://media.example.net/show/ep%201.mp3"
audio_length = 12345678
audio_type = "audio/mpeg"
duration = "1:02:03"
'''


def remote_show(make_show: Callable[..., Path], **extra: str) -> Path:
    root = make_show({"bucket": {"toml": REMOTE}, **{k: {"toml": v} for k, v in extra.items()}})
    assert not [p for p in (root / "episodes").iterdir() if p.suffix in (".mp3", ".m4a")]
    return root


def test_a_show_with_only_remote_audio_builds(make_show: Callable[..., Path]) -> None:
    root = remote_show(make_show, other=REMOTE.replace("ep%201", "ep2").replace("12345678", "2000")
                       .replace("2024-02-01", "2024-03-01").replace("From The Bucket", "Second"))
    result = build(root)
    data = (root / "public" / "feed.xml").read_bytes()
    feed = etree.fromstring(data)
    assert feed.xpath("//item/enclosure/@url") == ["https://media.example.net/show/ep2.mp3",
                                                    "https://media.example.net/show/ep%201.mp3"]
    assert feed.xpath("//item/enclosure/@length") == ["2000", "12345678"]
    assert feed.xpath("//item/enclosure/@type") == ["audio/mpeg", "audio/mpeg"]
    assert feed.xpath("//item/itunes:duration/text()", namespaces=NS) == ["3723", "3723"]
    assert not (root / "public" / "media").exists()  # nothing to copy
    assert not [p for p in check_feed(data) if p.is_error]
    parsed = podcastparser.parse("https://example.com/show/feed.xml", __import__("io").BytesIO(data))
    assert [e["enclosures"][0]["file_size"] for e in parsed["episodes"]] == [2000, 12345678]
    assert feedparser.parse(data).entries[1].enclosures[0].href.endswith("ep%201.mp3")
    lock = json.loads((root / guids.LOCK_NAME).read_text())
    assert sorted(lock["episodes"]) == ["bucket", "other"]
    assert result.plan.episodes[1].audio.url == "https://media.example.net/show/ep%201.mp3"
    page = (root / "public" / "episodes" / "bucket" / "index.html").read_text()
    assert "https://media.example.net/show/ep%201.mp3" in page


def test_missing_facts_are_errors_naming_file_and_field(make_show: Callable[..., Path]) -> None:
    root = make_show({"bucket": {"toml": 'date = 2024-02-01\naudio_url = "https://x.example/a.mp3"\n'
                                         'audio_type = "audio/mp3"\n'}})
    try:
        build(root)
    except FeedtoolError as exc:
        found = {(p.path, p.field) for p in exc.problems}
    else:
        raise AssertionError("built without the remote audio's facts")
    assert ("episodes/bucket.toml", "audio_type") in found  # audio/mp3 is no MIME type (audio/mpeg is)
    root2 = make_show({"b": {"toml": 'date = 2024-02-01\naudio_url = "https://x.example/a.mp3"\n'}},
                      root=root.parent / "two")
    try:
        build(root2)
    except FeedtoolError as exc:
        assert {p.field for p in exc.problems} == {"audio_length", "audio_type", "duration"}
        assert all(p.path == "episodes/b.toml" and "missing" in p.message for p in exc.problems)
    else:
        raise AssertionError("built without the remote audio's facts")


def test_a_file_and_a_url_together_is_an_error(make_show: Callable[..., Path]) -> None:
    root = make_show({"a": {"audio": "tagged.mp3", "toml": REMOTE}})
    try:
        build(root)
    except FeedtoolError as exc:
        assert any(p.path == "episodes/a.toml" and p.field == "audio_url" and "not both" in p.message
                   for p in exc.problems)
    else:
        raise AssertionError("built with both")


def test_renaming_a_remote_episode_keeps_its_guid(make_show: Callable[..., Path]) -> None:
    root = remote_show(make_show)
    build(root)
    guid = json.loads((root / guids.LOCK_NAME).read_text())["episodes"]["bucket"]["guid"]
    (root / "episodes" / "bucket.toml").rename(root / "episodes" / "renamed.toml")
    result = build(root)
    assert [e.guid for e in result.plan.episodes] == [guid]
    assert any(p.rule == "GUID-RENAMED" for p in result.plan.problems)


def test_remote_and_local_episodes_mix_with_a_stats_prefix(make_show: Callable[..., Path]) -> None:
    root = make_show({"bucket": {"toml": REMOTE}, "local": {"audio": "tagged.mp3", "toml": "date = 2024-01-01\n"}},
                     show_toml=SHOW_TOML + 'stats_prefix = "https://op3.dev/e/"\n')
    build(root)
    feed = etree.parse(str(root / "public" / "feed.xml"))
    assert feed.xpath("//item/enclosure/@url") == ["https://op3.dev/e/media.example.net/show/ep%201.mp3",
                                                    "https://op3.dev/e/example.com/show/media/local.mp3"]


def test_media_verify_reports_a_changed_and_a_missing_file(make_show: Callable[..., Path]) -> None:
    import hashlib
    import os
    import subprocess
    import sys

    from netserver import serving

    body = b"\xff\xfb" + bytes(998)
    with serving() as (base, files):
        good = REMOTE.replace("https://media.example.net/show/ep%201.mp3", f"{base}/good.mp3") \
            .replace("12345678", "1000") + f'audio_sha256 = "{hashlib.sha256(body).hexdigest()}"\n'
        changed = REMOTE.replace("https://media.example.net/show/ep%201.mp3", f"{base}/changed.mp3") \
            .replace("12345678", "1000").replace("2024-02-01", "2024-02-02")
        gone = REMOTE.replace("https://media.example.net/show/ep%201.mp3", f"{base}/gone.mp3") \
            .replace("2024-02-01", "2024-02-03")
        root = make_show({"good": {"toml": good}, "changed": {"toml": changed}, "gone": {"toml": gone}})
        files.files["/good.mp3"] = (body, "audio/mpeg")
        files.files["/changed.mp3"] = (body + b"more", "audio/mpeg")
        files.no_head.add("/changed.mp3")  # checked with a ranged GET instead
        result = subprocess.run([str(Path(sys.executable).parent / "feedtool"), "media", "verify", "--show",
                                 str(root), "--hash", "--json"], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "NO_COLOR": "1"})
        assert result.returncode == 1, result.stderr
        report = {f["stem"]: f for f in json.loads(result.stdout)["files"]}
        assert report["good"]["ok"]
        assert not report["changed"]["ok"] and report["changed"]["problems"][0]["rule"] == "MEDIA-CHANGED"
        assert report["changed"]["problems"][0]["field"] == "audio_length"
        assert not report["gone"]["ok"] and report["gone"]["problems"][0]["rule"] == "MEDIA-MISSING"
        assert ("GET", "/good.mp3", None) in files.requests  # --hash downloaded it
        # The same file changed in place, same size: only the hash tells.
        files.files["/good.mp3"] = (b"\x00" + body[1:], "audio/mpeg")
        from feedtool.authoring import media

        results, _ = media.verify(root, hash_files=True)
        by_stem = {r.stem: r for r in results}
        assert not by_stem["good"].ok and by_stem["good"].problems[0].field == "audio_sha256"
