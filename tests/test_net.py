"""feedtool's networking (authoring/net.py) against a real server on
127.0.0.1: redirects, their limit, timeouts, size limits, HEAD and its
ranged-GET fallback, and a download that resumes where it was cut off."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from netserver import serving

from feedtool.authoring import net


def test_get_follows_redirects_and_stops_a_loop() -> None:
    with serving() as (base, files):
        files.files["/feed.xml"] = (b"<rss/>", "application/rss+xml")
        got = net.get(f"{base}/redirect/3/feed.xml")
        assert got.body == b"<rss/>" and got.url == f"{base}/feed.xml"
        assert got.content_type == "application/rss+xml"
        with pytest.raises(net.NetError, match="redirects"):
            net.get(f"{base}/loop")
        with pytest.raises(net.NetError, match="redirects"):
            net.get(f"{base}/redirect/{net.MAX_REDIRECTS + 2}/feed.xml")
        with pytest.raises(net.NetError, match="404"):
            net.get(f"{base}/nothing.xml")


def test_limits_and_timeouts() -> None:
    with serving() as (base, files):
        files.files["/big.xml"] = (b"x" * 5000, "application/rss+xml")
        with pytest.raises(net.NetError, match="more than the 1,000"):
            net.get(f"{base}/big.xml", limit=1000)
        with pytest.raises(net.NetError, match="more than the 100,000 bytes"):
            net.get(f"{base}/endless", limit=100_000)  # no Content-Length: counted as it comes
        with pytest.raises(net.NetError, match="timed out"):
            net.get(f"{base}/slow", timeout=0.5)
    with pytest.raises(net.NetError, match="only http"):
        net.get("file:///etc/passwd")
    with pytest.raises(net.NetError):
        net.get("http://127.0.0.1:9/feed.xml", timeout=1)  # nothing listens: refused


def test_head_and_its_ranged_get_fallback() -> None:
    with serving() as (base, files):
        files.files["/a.mp3"] = (b"a" * 1234, "audio/mpeg")
        files.files["/b.mp3"] = (b"b" * 777, "audio/mpeg")
        files.no_head.add("/b.mp3")
        assert net.head(f"{base}/a.mp3") == net.Head(f"{base}/a.mp3", 200, 1234, "audio/mpeg")
        assert net.head(f"{base}/b.mp3") == net.Head(f"{base}/b.mp3", 200, 777, "audio/mpeg")
        assert ("GET", "/b.mp3", "bytes=0-0") in files.requests
        assert net.head(f"{base}/gone.mp3").status == 404


def test_a_download_cut_off_resumes_with_a_range(tmp_path: Path) -> None:
    body = os.urandom(300_000)
    seen: list[tuple[int, int | None]] = []
    with serving() as (base, files):
        files.files["/ep.mp3"] = (body, "audio/mpeg")
        files.cut_once.add("/ep.mp3")
        target = tmp_path / "ep.mp3"
        with pytest.raises(net.NetError, match="resume"):
            net.download(f"{base}/ep.mp3", target)
        assert not target.exists() and (tmp_path / "ep.mp3.part").stat().st_size == 150_000
        size = net.download(f"{base}/ep.mp3", target, progress=lambda done, total: seen.append((done, total)))
        assert size == len(body) and hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(body).digest()
        assert files.requests[-1] == ("GET", "/ep.mp3", "bytes=150000-")
        assert seen[-1] == (300_000, 300_000) and not (tmp_path / "ep.mp3.part").exists()
        # A server that ignores ranges sends it all again: the part is replaced, not appended to.
        files.no_range.add("/ep.mp3")
        (tmp_path / "again.mp3.part").write_bytes(body[:1000])
        assert net.download(f"{base}/ep.mp3", tmp_path / "again.mp3") == len(body)
        assert (tmp_path / "again.mp3").read_bytes() == body
        with pytest.raises(net.NetError, match="more than"):
            net.download(f"{base}/ep.mp3", tmp_path / "small.mp3", limit=1000)
