"""`feedtool serve` as a real subprocess on 127.0.0.1: Range requests, HEAD,
Content-Types, URLs rewritten to the server, rebuild on change, clean stop."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, snapshot
from lxml import etree

from feedtool.authoring.serve import content_type, parse_range


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], log: Path, port: int):
        self.proc, self.log, self.port = proc, log, port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 20, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(re.findall(pattern, self.output())) >= count:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited with {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} after {timeout}s:\n{self.output()}")

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[
            http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, "/" + path, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()


def start(root: Path, tmp_path: Path, *args: str) -> Server:
    port = free_port()
    log = tmp_path / "serve.log"
    temp = tmp_path / "tmp"  # the server's own TMPDIR, to see its build folder come and go
    temp.mkdir()
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "feedtool", "serve", str(root), "--port", str(port), *args],
            stdout=subprocess.DEVNULL, stderr=sink, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)},
        )
    server = Server(proc, log, port)
    server.wait_for(r"Serving http://127\.0\.0\.1:\d+/feed\.xml")
    return server


@pytest.fixture
def served(make_show, tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    root = make_show()
    server = start(root, tmp_path)
    try:
        yield root, server
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def test_range_request_gets_206_and_exactly_those_bytes(served) -> None:
    root, server = served
    audio = (root / "episodes" / "first.mp3").read_bytes()
    response, body = server.request("GET", "media/first.mp3", {"Range": "bytes=100-1099"})
    assert response.status == 206
    assert body == audio[100:1100]
    assert response.getheader("Content-Range") == f"bytes 100-1099/{len(audio)}"
    assert response.getheader("Content-Length") == "1000"
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert response.getheader("Accept-Ranges") == "bytes"

    response, body = server.request("GET", "media/first.mp3", {"Range": "bytes=-10"})
    assert response.status == 206 and body == audio[-10:]
    response, body = server.request("GET", "media/first.mp3", {"Range": f"bytes={len(audio) - 5}-"})
    assert response.status == 206 and body == audio[-5:]
    response, body = server.request("GET", "media/first.mp3")
    assert response.status == 200 and body == audio


def test_unsatisfiable_range_is_416(served) -> None:
    root, server = served
    size = (root / "episodes" / "first.mp3").stat().st_size
    response, body = server.request("GET", "media/first.mp3", {"Range": f"bytes={size}-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{size}"
    assert body == b""


def test_head_and_content_types(served) -> None:
    root, server = served
    response, body = server.request("HEAD", "media/second.m4a")
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Length") == str((root / "episodes" / "second.m4a").stat().st_size)
    assert response.getheader("Content-Type") == "audio/x-m4a"
    assert response.getheader("Accept-Ranges") == "bytes"
    response, _ = server.request("HEAD", "feed.xml")
    assert response.getheader("Content-Type") == "application/rss+xml; charset=utf-8"
    response, _ = server.request("GET", "nothing-here.mp3")
    assert response.status == 404


def test_the_served_feed_points_at_the_server_and_public_is_untouched(served) -> None:
    root, server = served
    with urllib.request.urlopen(server.url("feed.xml"), timeout=10) as response:
        channel = etree.fromstring(response.read()).find("channel")
    enclosures = [i.find("enclosure").get("url") for i in channel.findall("item")]
    assert enclosures == [server.url("media/second.m4a"), server.url("media/first.mp3")]
    assert channel.findtext("link") == server.url("")
    # The enclosures resolve on the server itself, byte for byte.
    with urllib.request.urlopen(enclosures[1], timeout=10) as response:
        assert response.read() == (root / "episodes" / "first.mp3").read_bytes()
    assert not (root / "public").exists()
    assert not (root / "episodes" / "feedtool.lock").exists()  # the preview never writes the lock


def test_a_change_rebuilds_and_a_broken_show_keeps_serving(served) -> None:
    root, server = served
    server.wait_for("Built the preview: 2 episodes")
    toml = root / "episodes" / "second.toml"
    toml.write_text('date = 2014-01-08\ntitle = "Renamed While Serving"\n')
    server.wait_for("Built the preview: 2 episodes", count=2)
    with urllib.request.urlopen(server.url("feed.xml"), timeout=10) as response:
        titles = [i.findtext("title") for i in etree.fromstring(response.read()).find("channel").findall("item")]
    assert titles[0] == "Renamed While Serving"

    toml.write_text('date = "whenever"\n')
    server.wait_for("Build failed")
    assert "episodes/second.toml:1: date: expected an ISO 8601 date" in server.output()
    assert server.proc.poll() is None
    response, body = server.request("GET", "feed.xml")
    assert response.status == 200 and b"Renamed While Serving" in body  # the last good build


def test_sigint_stops_cleanly_with_exit_0(served) -> None:
    _, server = served
    temp = server.log.parent / "tmp"
    [build_dir] = [p for p in temp.iterdir() if p.name.startswith("feedtool-serve-")]
    assert (build_dir / "feed.xml").is_file()  # the preview is built here, not in public/
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=15) == 0
    assert "Stopped." in server.output() and "Traceback" not in server.output()
    assert list(temp.iterdir()) == []  # its temporary build folder is gone
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_sigterm_stops_cleanly_too(served) -> None:
    _, server = served
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0
    assert "Stopped." in server.output()


def test_port_in_use_is_a_usage_error(make_show, tmp_path: Path) -> None:
    root = make_show()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        before = snapshot(root)
        r = subprocess.run([sys.executable, "-m", "feedtool", "serve", str(root), "--port", str(port)],
                           check=False, capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.returncode == 2
    assert f"--port {port}: cannot listen on 127.0.0.1:{port}" in r.stderr
    assert snapshot(root) == before


def test_parse_range_follows_rfc_9110() -> None:
    assert parse_range(None, 100) is None
    assert parse_range("bytes=0-0", 100) == (0, 0)
    assert parse_range("bytes=10-19", 100) == (10, 19)
    assert parse_range("bytes=90-500", 100) == (90, 99)  # clipped to the end
    assert parse_range("bytes=-5", 100) == (95, 99)
    assert parse_range("bytes=-500", 100) == (0, 99)
    assert parse_range("bytes=5-", 100) == (5, 99)
    assert parse_range("bytes=100-", 100) == "unsatisfiable"
    assert parse_range("bytes=-0", 100) == "unsatisfiable"
    assert parse_range("bytes=5-2", 100) is None  # invalid: ignored, whole file
    assert parse_range("bytes=0-1,5-6", 100) is None  # several ranges: whole file
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=0-", 0) == "unsatisfiable"


def test_content_types() -> None:
    assert content_type("feed.xml", "feed.xml") == "application/rss+xml; charset=utf-8"
    assert content_type("rss.xml", "rss.xml") == "application/rss+xml; charset=utf-8"
    assert content_type("chapters/ep.json", "feed.xml") == "application/json+chapters"
    assert content_type("media/a.m4a", "feed.xml") == "audio/x-m4a"
    assert content_type("media/a.opus", "feed.xml") == "audio/opus"
    assert content_type("media/a.MP3", "feed.xml") == "audio/mpeg"
    assert content_type("transcripts/a.vtt", "feed.xml") == "text/vtt; charset=utf-8"
