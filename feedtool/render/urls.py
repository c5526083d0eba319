"""Where each output file lives in public/ and the URL it is served at.

One module owns these names so the feed, the site and the lock agree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from feedtool.config import stats
from feedtool.model import Artwork, Episode, Show


def media_path(ep: Episode) -> str:
    return f"media/{ep.slug}{ep.audio.path.suffix.lower()}"


def media_url(show: Show, ep: Episode) -> str:
    """Where the episode's audio file is served."""
    if ep.audio.url is not None:  # hosted elsewhere, recorded in STEM.toml (sources/remote.py)
        return ep.audio.url
    if show.media_base_url:
        # Hosted elsewhere: the file keeps its path below episodes/.
        return show.media_base_url + quote(f"{ep.stem}{ep.audio.path.suffix}")
    return show.base_url + quote(media_path(ep))


def enclosure_url(show: Show, ep: Episode) -> str:
    """The URL apps download: the media URL, through the show's download
    counter when it has one (stats_prefix)."""
    return stats.prefixed(show.stats_prefix, media_url(show, ep))


def url_for(show: Show, path: str) -> str:
    return show.base_url + quote(path)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def image_path(prefix: str, image: Path | Artwork, data: bytes) -> str:
    """Artwork gets its content hash in its name: Apple and most apps cache
    art by URL, so new art must have a new URL to be seen (Apple's guide)."""
    suffix = image.extension if isinstance(image, Artwork) else image.suffix.lower().replace(".jpeg", ".jpg")
    return f"{prefix}-{fingerprint(data)}{suffix}"


def transcript_path(ep: Episode, suffix: str) -> str:
    return f"transcripts/{ep.slug}{suffix}"


def chapters_path(ep: Episode) -> str:
    return f"chapters/{ep.slug}.json"


def page_folder(ep: Episode) -> str:
    """The episode's web page, as a folder: links to it end in "/" so every
    static host serves its index.html."""
    return f"episodes/{ep.slug}/"


def page_path(ep: Episode) -> str:
    return page_folder(ep) + "index.html"


def page_url(show: Show, ep: Episode) -> str:
    return url_for(show, page_folder(ep))
