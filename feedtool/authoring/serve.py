"""`feedtool serve`: preview a show in a podcast app on the same network.

The show is built into a temporary folder (never public/: that is the
published output, and its URLs must stay the real ones) with base_url
rewritten to this server's address, served over HTTP, and rebuilt when a
file of the show changes.

Podcast apps seek and resume downloads with HTTP Range requests, and Apple
requires byte-range support for enclosures (podcast-standards.md, PRX). The
standard library's http.server has no Range support and no maintained small
library adds it to it (the WSGI/ASGI servers that do would be a large
dependency for a preview), so RangeHandler below implements the part of
RFC 9110 §14 that players use: one byte range per request, 206 with
Content-Range, 416 for a range that starts past the end, the whole file
with 200 when the Range header is absent, malformed or multi-range (which
RFC 9110 §14.2 allows a server to ignore).
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedtool.engine import run as build_mod
from feedtool.problems import FeedtoolError, Problem
from feedtool.engine.write import commit
from feedtool.sources import walk as walker

# Types by suffix: podcast MIME types that mimetypes gets wrong or lacks
# (.m4a as Apple lists it, .opus), the Podcasting 2.0 ones (chapters JSON,
# transcripts), and the feed itself (application/rss+xml, RSS 2.0 best practice).
CONTENT_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
    ".flac": "audio/flac",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
}
FEED_TYPE = "application/rss+xml; charset=utf-8"
CHAPTERS_TYPE = "application/json+chapters"  # podcast-standards.md, P20-CH

# Warnings that the preview address itself causes, not the show: every
# enclosure "moves" from the URL in the lock to the preview's, and a local
# preview is plain http.
PREVIEW_QUIET = frozenset({"ENCLOSURE-MOVED", "HTTPS", "P20-HTTPS"})

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_type(rel: str, feed_name: str) -> str:
    if rel == feed_name:
        return FEED_TYPE
    suffix = os.path.splitext(rel)[1].lower()
    if suffix == ".json" and rel.startswith("chapters/"):
        return CHAPTERS_TYPE
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """The inclusive (first, last) byte of a single range; None to send the
    whole file (no header, or one this server ignores); "unsatisfiable" for 416."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # malformed or several ranges: ignore it, send everything
    first_s, last_s = match.groups()
    if size == 0 and (first_s or last_s):
        return "unsatisfiable"  # an empty file has no byte to send
    if not first_s:
        if not last_s:
            return None
        suffix = int(last_s)  # "bytes=-N": the last N bytes
        if suffix == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    first = int(first_s)
    if last_s and int(last_s) < first:
        return None  # RFC 9110 §14.1.1: invalid, so the header is ignored
    if first >= size:
        return "unsatisfiable"  # RFC 9110 §15.5.17: 416 with "bytes */size"
    last = int(last_s) if last_s else size - 1
    return first, min(last, size - 1)


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with Range, HEAD, podcast Content-Types and CORS.

    CORS is open because web players fetch chapters and transcripts from
    another origin (podcast-standards.md, P20-CH).
    """

    feed_name = "feed.xml"
    log: Callable[[str], None] = staticmethod(lambda line: None)
    server_version = "feedtool-serve"
    protocol_version = "HTTP/1.1"  # keep-alive, as players expect

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            # index.html or a listing, copied whole by the base class (the
            # handler is reused across keep-alive requests: no stale range).
            self._remaining: int | None = None
            return super().send_head()
        try:
            fh = open(path, "rb")  # noqa: SIM115 (returned to http.server, which closes it)
        except OSError:
            self.send_error(404, "File not found")
            return None
        try:
            size = os.fstat(fh.fileno()).st_size
            rel = Path(os.path.relpath(path, self.directory)).as_posix()
            wanted = parse_range(self.headers.get("Range"), size)
            if wanted == "unsatisfiable":
                fh.close()
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                return None
            if isinstance(wanted, tuple):
                first, last = wanted
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            else:
                first, last = 0, size - 1
                self.send_response(200)
            self.send_header("Content-Type", content_type(rel, self.feed_name))
            self.send_header("Content-Length", str(last - first + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Last-Modified", self.date_time_string(int(os.fstat(fh.fileno()).st_mtime)))
            # A preview changes under the app's feet: never let it cache.
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            fh.seek(first)
            self._remaining = last - first + 1
            return fh
        except BaseException:
            fh.close()
            raise

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining = self._remaining
        if remaining is None:
            super().copyfile(source, outputfile)
            return
        while remaining > 0:
            chunk = source.read(min(64 * 1024, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        self.log(f"{self.command} {self.path} → {args[1] if len(args) > 1 else ''}")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log(f"{self.command} {self.path} {code}")


def lan_address() -> str:
    """The address other devices on the network reach this machine at.

    Connecting a UDP socket sends nothing; it only makes the OS pick the
    interface it would route through.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def public_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return lan_address()
    return f"[{host}]" if ":" in host else host


def snapshot(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file of the show, for the polling watcher.

    The one walker and its one ignore rule (sources/walk.py: hidden files
    and folders such as .git, editors' swap and backup files, feedtool's own
    temp files) with the output folders left out: a change there is not an
    edit of the show, and the build would not read it.
    """
    state: dict[str, tuple[int, int]] = {}
    skip_resolved = tuple(s.resolve() for s in skip)
    for name, entry in walker.walk(str(root), prune=lambda e: Path(e.path).resolve() in skip_resolved):
        try:
            st = entry.stat()
        except OSError:
            continue  # deleted between listing and stat, or a broken link
        state[name] = (st.st_mtime_ns, st.st_size)
    return state


@dataclass
class Preview:
    """The show, built for this server's address into a temporary folder."""

    root: Path
    base_url: str
    out: Path
    feed_name: str = "feed.xml"
    allowed: tuple[Path, ...] = ()  # --allow-outside
    builds: int = 0
    last_problems: list[Problem] = field(default_factory=list)

    def rebuild(self) -> tuple[bool, list[Problem], int]:
        """Build into OUT. Returns (ok, problems, number of episodes); on an
        error the previous build stays served."""
        try:
            p = build_mod.plan(self.root, base_url=self.base_url, allowed=self.allowed)
        except FeedtoolError as exc:
            return False, list(exc.problems), 0
        commit(self.out, p.files, p.show.feed_name)
        self.feed_name = p.show.feed_name
        self.builds += 1
        problems = [q for q in p.problems if q.rule not in PREVIEW_QUIET]
        return True, problems, len(p.episodes)


Report = Callable[[str], None]


def run(root: Path, host: str, port: int, *, report: Report, log: Report,
        on_build: Callable[[bool, list[Problem], int], None], interval: float = 1.0,
        ready: Callable[[str], None] | None = None, allowed: tuple[Path, ...] = ()) -> int:
    """Serve ROOT until SIGINT or SIGTERM; return the exit code (0).

    The socket is bound before the first build so that port 0 (any free
    port) works and the feed's URLs carry the real port.
    """
    out = Path(tempfile.mkdtemp(prefix="feedtool-serve-"))
    try:
        handler: Any = type("Handler", (RangeHandler,), {"log": staticmethod(log)})
        server = http.server.ThreadingHTTPServer((host, port), lambda *a: handler(*a, directory=str(out)))
        server.daemon_threads = True
        actual_port = server.server_address[1]
        base_url = f"http://{public_host(host)}:{actual_port}/"
        preview = Preview(root, base_url, out, allowed=allowed)

        stop = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            skip = (root / "public", out)
            state = snapshot(root, skip)
            on_build(*preview.rebuild())
            handler.feed_name = preview.feed_name
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            thread.start()
            if ready is not None:
                ready(base_url + preview.feed_name)
            while not stop.wait(interval):
                now = snapshot(root, skip)
                if now != state:
                    changed = sorted(set(now.items()) ^ set(state.items()))
                    state = now
                    report(f"Changed: {', '.join(sorted({name for name, _ in changed})[:5])}; rebuilding")
                    on_build(*preview.rebuild())
                    handler.feed_name = preview.feed_name
            server.shutdown()
            thread.join(timeout=5)
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)
            server.server_close()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0
