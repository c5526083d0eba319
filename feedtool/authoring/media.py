"""`feedtool media verify`: are the audio files the feed points to still
what the show says they are?

For each episode whose audio is served from elsewhere (a remote episode's
audio_url, or a file uploaded below media_base_url), ask the server
(a HEAD request, or a ranged GET where HEAD is refused: net.head) whether
the file is there, and compare its size and type with what the feed says.
With HASH, download each file whose STEM.toml records audio_sha256 and
compare that too. Nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from feedtool.authoring import net
from feedtool.config import load as config
from feedtool.model import Episode, Show
from feedtool.problems import FeedtoolError, Problem, error, warning
from feedtool.render import urls
from feedtool.sources import episodes as episodes_mod
from feedtool.sources import remote


@dataclass(frozen=True)
class Checked:
    stem: str
    url: str
    ok: bool
    problems: tuple[Problem, ...]


def _display(show: Show, ep: Episode) -> str:
    return episodes_mod.rel(show.root, ep.audio.path)


def _same_type(served: str | None, recorded: str) -> bool:
    if not served:
        return True  # a server that names no type is not a mismatch
    kind = served.split(";")[0].strip().lower()
    return kind == recorded or remote.FORMATS.get(kind) == remote.FORMATS.get(recorded)


def check(show: Show, ep: Episode, *, hash_files: bool = False, timeout: float | None = None) -> Checked:
    url = urls.media_url(show, ep)
    display = _display(show, ep)
    field = "audio_url" if ep.audio.url else None
    problems: list[Problem] = []
    try:
        head = net.head(url, timeout=timeout)
    except net.NetError as exc:
        return Checked(ep.stem, url, False, (error(display, field, f"cannot be checked: {exc}", rule="MEDIA"),))
    if head.status in (404, 410):
        problems.append(error(display, field, f"{url} is missing: the server answered {head.status}",
                              rule="MEDIA-MISSING"))
    elif not 200 <= head.status < 300:
        problems.append(error(display, field, f"{url}: the server answered {head.status}", rule="MEDIA"))
    else:
        if head.length is not None and head.length != ep.audio.size:
            problems.append(error(display, "audio_length" if ep.audio.url else None,
                                  f"{url} is {head.length:,} bytes but the feed says {ep.audio.size:,}: the file "
                                  "changed (update audio_length, duration and audio_sha256) or is not the "
                                  "one uploaded", rule="MEDIA-CHANGED"))
        if not _same_type(head.content_type, ep.audio.mime):
            problems.append(warning(display, "audio_type" if ep.audio.url else None,
                                    f"{url} is served as {head.content_type}, the feed says {ep.audio.mime}",
                                    rule="MEDIA-TYPE"))
        if hash_files and ep.audio.sha256 and not problems:
            try:
                digest = hashlib.sha256(net.get(url, limit=net.AUDIO_LIMIT, timeout=timeout).body).hexdigest()
            except net.NetError as exc:
                problems.append(error(display, "audio_sha256", f"cannot be checked: {exc}", rule="MEDIA"))
            else:
                if digest != ep.audio.sha256:
                    problems.append(error(display, "audio_sha256", f"{url} has SHA-256 {digest[:16]}…, not the "
                                          f"recorded {ep.audio.sha256[:16]}…: the file changed",
                                          rule="MEDIA-CHANGED"))
    return Checked(ep.stem, url, not any(p.is_error for p in problems), tuple(problems))


def verify(root: Path, *, hash_files: bool = False, progress: Callable[[int, int, str], None] | None = None,
           timeout: float | None = None) -> tuple[list[Checked], list[Problem]]:
    """Check every episode served from elsewhere; (results, the show's own problems)."""
    show, problems = config.load_show(root)
    if show is None:
        raise FeedtoolError(problems)
    loaded = episodes_mod.load(show)
    if any(p.is_error for p in loaded.problems):
        raise FeedtoolError(loaded.problems)
    chosen = [ep for ep in [*loaded.episodes, *loaded.held] if ep.audio.url or show.media_base_url]
    results = []
    for n, ep in enumerate(sorted(chosen, key=lambda e: e.stem), 1):
        results.append(check(show, ep, hash_files=hash_files, timeout=timeout))
        if progress is not None:
            progress(n, len(chosen), ep.stem)
    return results, [*problems, *loaded.problems]
