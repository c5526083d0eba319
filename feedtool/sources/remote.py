"""An episode whose audio lives elsewhere (object storage, a CDN, the old
host of an imported show): its STEM.toml records what a build would read
from the file, so a build needs no audio file at all.

    audio_url = "https://media.example.com/ep1.mp3"
    audio_length = 12345678      # bytes: <enclosure length>
    audio_type = "audio/mpeg"    # <enclosure type>
    duration = "1:02:03"         # <itunes:duration>, or seconds
    audio_sha256 = "…"           # optional: what `feedtool media verify` compares

The STEM.toml stands in for the audio file everywhere a file is needed: in
the lock's audio_sha256 (renaming the toml keeps the episode's GUID, as
renaming an audio file does) and in what the incremental build watches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from feedtool.model import AudioInfo
from feedtool.problems import Problem, error

KEYS = ("audio_url", "audio_length", "audio_type", "duration")

# MIME type → feedtool's format name. audio/mp4 and audio/aac are what
# many hosts write for AAC; Apple accepts audio/x-m4a, audio/mp4, audio/mpeg,
# video/mp4, video/quicktime (Apple Podcasts' RSS requirements).
FORMATS: dict[str, str] = {
    "audio/mpeg": "mp3",
    "audio/x-m4a": "m4a",
    "audio/mp4": "m4a",
    "audio/aac": "m4a",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/flac": "flac",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}


def is_remote(meta: dict[str, Any]) -> bool:
    return any(key in meta for key in KEYS) or "audio_sha256" in meta


def audio(meta: dict[str, Any], toml: Path, display: str) -> tuple[AudioInfo | None, list[Problem]]:
    """The AudioInfo that META records, or the errors that say what is missing."""
    missing = [key for key in KEYS if key not in meta]
    if missing:
        return None, [error(display, key, f"is missing: an episode with no audio file beside it needs "
                            f"{', '.join(KEYS)} (the audio hosted elsewhere)") for key in missing]
    mime = meta["audio_type"]
    name = unquote(urlsplit(meta["audio_url"]).path.rsplit("/", 1)[-1]) or "audio"
    return AudioInfo(path=toml, size=meta["audio_length"], duration=meta["duration"], mime=mime,
                     format=FORMATS[mime], url=meta["audio_url"], sha256=meta.get("audio_sha256"),
                     title=None, file_name=name), []
