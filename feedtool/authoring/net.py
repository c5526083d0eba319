"""The little networking feedtool does (import a feed, download its audio,
verify remote media), in one place, through urllib3: every request with a
timeout, a bounded number of redirects, and a size limit on what is read.

Only http and https URLs are fetched; nothing here is used by a build.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError

from feedtool import __version__

TIMEOUT = urllib3.Timeout(connect=10.0, read=30.0)
MAX_REDIRECTS = 5
FEED_LIMIT = 64 * 1024 * 1024  # a feed of 10,000 items with long notes is ~50 MB
AUDIO_LIMIT = 4 * 1024 * 1024 * 1024
CHUNK = 256 * 1024
USER_AGENT = f"feedtool/{__version__} (+https://github.com/feedtool)"

Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


class NetError(Exception):
    """A fetch that failed: the message says which URL and why."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str | None


@dataclass(frozen=True)
class Head:
    url: str
    status: int
    length: int | None
    content_type: str | None


def _pool(timeout: urllib3.Timeout | float | None = None) -> urllib3.PoolManager:
    return urllib3.PoolManager(timeout=timeout or TIMEOUT, retries=urllib3.Retry(
        total=MAX_REDIRECTS, connect=1, read=0, redirect=MAX_REDIRECTS, status=0, raise_on_redirect=True,
        raise_on_status=False), headers={"User-Agent": USER_AGENT})


def _check_url(url: str) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise NetError(f"{url}: only http:// and https:// URLs can be fetched")


def _request(method: str, url: str, *, headers: dict[str, str] | None = None,
             timeout: urllib3.Timeout | float | None = None, whole: bool = True) -> urllib3.BaseHTTPResponse:
    """WHOLE: a body shorter than its Content-Length is an error (else the
    caller counts, to keep what came: download())."""
    _check_url(url)
    try:
        return _pool(timeout).request(method, url, headers=headers, preload_content=False, redirect=True,
                                      enforce_content_length=whole)
    except MaxRetryError as exc:
        if "redirect" in str(exc).lower():
            raise NetError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
        raise NetError(f"{url}: {_why(exc.reason or exc)}") from None
    except (HTTPError, OSError, ValueError) as exc:
        raise NetError(f"{url}: {_why(exc)}") from None


def _why(exc: BaseException) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "no answer in time (timed out)"
    text = str(exc)
    return text.split(": ", 1)[-1] if text else name


def _final_url(response: urllib3.BaseHTTPResponse, url: str) -> str:
    """The URL answered, after redirects (urllib3 may give it relative to URL)."""
    return urljoin(url, response.geturl() or url)


def get(url: str, *, limit: int = FEED_LIMIT, timeout: urllib3.Timeout | float | None = None) -> Response:
    """GET URL, following up to MAX_REDIRECTS redirects; NetError on a
    status other than 2xx, a timeout, or a body larger than LIMIT bytes."""
    response = _request("GET", url, timeout=timeout)
    try:
        if not 200 <= response.status < 300:
            raise NetError(f"{url}: the server answered {response.status} {response.reason or ''}".rstrip())
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise NetError(f"{url}: {int(declared):,} bytes is more than the {limit:,} allowed")
        body = bytearray()
        try:
            for chunk in response.stream(CHUNK):
                body += chunk
                if len(body) > limit:
                    raise NetError(f"{url}: more than the {limit:,} bytes allowed")
        except (HTTPError, OSError) as exc:
            raise NetError(f"{url}: {_why(exc)}") from None
        return Response(_final_url(response, url), response.status, bytes(body), response.headers.get("Content-Type"))
    finally:
        response.release_conn()


def head(url: str, *, timeout: urllib3.Timeout | float | None = None) -> Head:
    """What a server says of URL without sending it: a HEAD request, or a
    GET of its first byte (Range: bytes=0-0) where HEAD is refused, whose
    Content-Range gives the total size (RFC 9110 §14.4)."""
    response = _request("HEAD", url, timeout=timeout)
    try:
        status, headers, final = response.status, response.headers, _final_url(response, url)
    finally:
        response.release_conn()
    if status in (403, 405, 501):
        response = _request("GET", url, headers={"Range": "bytes=0-0"}, timeout=timeout)
        try:
            status, headers, final = response.status, response.headers, _final_url(response, url)
        finally:
            response.release_conn()
        total = (headers.get("Content-Range") or "").rpartition("/")[2]
        if status == 206 and total.isdigit():
            return Head(final, 200, int(total), headers.get("Content-Type"))
    length = headers.get("Content-Length")
    return Head(final, status, int(length) if length and length.isdigit() else None, headers.get("Content-Type"))


def download(url: str, target: Path, *, progress: Progress | None = None, limit: int = AUDIO_LIMIT,
             timeout: urllib3.Timeout | float | None = None) -> int:
    """Download URL into TARGET, resuming a download cut short: the bytes so
    far wait in TARGET.part, and the next call asks only for the rest
    (Range: bytes=N-); a server that ignores ranges sends the whole file
    again, which then replaces the part. TARGET appears only when complete.
    Returns its size."""
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else None
    response = _request("GET", url, headers=headers, timeout=timeout, whole=False)
    try:
        if response.status == 416 and have:  # the part is already whole
            os.replace(part, target)
            return have
        if response.status not in (200, 206):
            raise NetError(f"{url}: the server answered {response.status} {response.reason or ''}".rstrip())
        resumed = response.status == 206 and have > 0
        if response.status == 206 and not resumed:
            raise NetError(f"{url}: the server sent part of the file unasked")
        if resumed:
            start = (response.headers.get("Content-Range") or "").removeprefix("bytes ").split("-")[0]
            if start != str(have):
                raise NetError(f"{url}: the server resumed at byte {start}, not {have}")
        else:
            have = 0
        remaining = response.headers.get("Content-Length")
        total = have + int(remaining) if remaining and remaining.isdigit() else None
        if total is not None and total > limit:
            raise NetError(f"{url}: {total:,} bytes is more than the {limit:,} allowed")
        target.parent.mkdir(parents=True, exist_ok=True)
        done = have
        with open(part, "ab" if resumed else "wb") as fh:
            try:
                for chunk in response.stream(CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if done > limit:
                        raise NetError(f"{url}: more than the {limit:,} bytes allowed")
                    if progress is not None:
                        progress(done, total)
            except (HTTPError, OSError) as exc:
                raise NetError(f"{url}: cut off after {done:,} bytes ({_why(exc)}); run the same command "
                               "again to resume") from None
        if total is not None and done != total:
            raise NetError(f"{url}: cut off after {done:,} of {total:,} bytes; run the same command again "
                           "to resume")
        os.replace(part, target)
        return done
    finally:
        response.release_conn()
