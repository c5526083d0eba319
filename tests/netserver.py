"""A small HTTP server on 127.0.0.1 for the networking tests: feeds,
redirects (and a loop of them), a slow answer, an endless body, and audio
that honours Range requests or is cut off half-way once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Files:
    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.cut_once: set[str] = set()  # paths whose next GET stops half-way
        self.no_head: set[str] = set()
        self.no_range: set[str] = set()
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, Range


def handler(files: Files) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self.answer(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self.answer(head=False)

        def answer(self, head: bool) -> None:
            path = self.path
            files.requests.append(("HEAD" if head else "GET", path, self.headers.get("Range")))
            if path.startswith("/redirect/"):  # /redirect/N/target: N hops, then target
                _, _, n, rest = path.split("/", 3)
                where = f"/redirect/{int(n) - 1}/{rest}" if int(n) > 1 else "/" + rest
                return self.empty(301, {"Location": where})
            if path == "/loop":
                return self.empty(302, {"Location": "/loop"})
            if path == "/slow":
                time.sleep(3)
                return self.empty(200)
            if path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(10_000):
                        self.wfile.write(b"<x>" * 10_000)
                except OSError:
                    pass
                return None
            if path not in files.files:
                return self.empty(404)
            if head and path in files.no_head:
                return self.empty(405)
            body, ctype = files.files[path]
            ranged = self.headers.get("Range")
            start = 0
            status = 200
            if ranged and path not in files.no_range:
                first, _, last = ranged.removeprefix("bytes=").partition("-")
                start = int(first)
                end = int(last) if last else len(body) - 1
                if start >= len(body):
                    return self.empty(416, {"Content-Range": f"bytes */{len(body)}"})
                chunk = body[start:end + 1]
                status = 206
            else:
                chunk = body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(chunk)))
            self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{start + len(chunk) - 1}/{len(body)}")
            self.end_headers()
            if head:
                return None
            if path in files.cut_once and status == 200:
                files.cut_once.discard(path)
                self.wfile.write(chunk[: len(chunk) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            self.wfile.write(chunk)
            return None

        def empty(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextmanager
def serving() -> Iterator[tuple[str, Files]]:
    files = Files()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(files))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", files
    finally:
        server.shutdown()
        server.server_close()
