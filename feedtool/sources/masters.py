"""Masters in: a WAV, AIFF or FLAC master in episodes/ becomes the file the
show publishes, encoded once with ffmpeg and levelled to the show's
loudness target, then tagged with the episode's metadata.

Two files per master live in .feedtool-cache/masters/ (the cache, never
public/; the build copies the second into public/media/ like any audio):

- KEY.mp3, the encode: named by a hash of the master's bytes and of every
  setting that shapes the audio (format, bitrate, channels, target, true
  peak, this code's version), so it is made once, and again only when the
  master or a setting changes;
- KEY.TAGS.mp3, a copy of it carrying the episode's tags, cover and
  chapters (sources/tag_writer.py, as `feedtool tag` writes them), named by
  a hash of those too: a new title costs a copy and a tag write, no encode.

The encode is two-pass loudnorm (EBU R128): the first pass measures the
master, the second levels it by one gain when its peaks allow ("linear"),
else compresses and limits to stay under the true-peak limit; the result is
measured again with ebur128 (that measurement is what `feedtool episodes`
shows), and an encode more than half the tolerance from the target is made
once more with the difference corrected.

Encoding happens while the episodes are read, before anything is written:
a build that fails leaves public/ as it was, and a failed encode leaves no
file behind (it is written under a temporary name, then renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from feedtool import parallel
from feedtool.model import AudioInfo, Episode, Loudness, Mastering, Show
from feedtool.problems import Problem, ProblemFound, error, warning
from feedtool.sources import ffmpeg, loudness, media_store
from feedtool.sources.audio import MASTERS, read_master

FOLDER = "masters"
# Bump when the filter chain or the encoder options change: every master is encoded again.
ENCODER_VERSION = "1"
# Bump when what the tagger writes changes.
TAGS_VERSION = "1"
SAMPLE_RATE = 44100  # what MP3 and AAC podcasts are published at (Apple, Libsyn: 44.1 kHz)

# Called with (done, total, what): the CLI's progress bar.
Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Format:
    suffix: str
    muxer: str
    codec: tuple[str, ...]
    lossy: bool


FORMATS = {
    # CBR, as hosts ask (reliable seeking and durations in every app; Libsyn's encoding guide).
    "mp3": Format(".mp3", "mp3", ("-c:a", "libmp3lame", "-id3v2_version", "0", "-write_id3v1", "0"), True),
    # AAC-LC in an MPEG-4 file with its index first (playback starts before the download ends).
    "m4a": Format(".m4a", "ipod", ("-c:a", "aac", "-movflags", "+faststart"), True),
    "flac": Format(".flac", "flac", ("-c:a", "flac", "-sample_fmt", "s16", "-compression_level", "8"), False),
}


def is_master(mastering: Mastering, path: Path) -> bool:
    """Whether PATH is a master to encode: a WAV or AIFF always, a FLAC
    unless the show publishes FLAC (`audio_format = "flac"`)."""
    suffix = path.suffix.lower()
    if suffix == ".flac":
        return mastering.audio_format != "flac"
    return suffix in MASTERS


def bitrate(mastering: Mastering, channels: int) -> int:
    """kbps: the show's, else 96 for mono and 128 for stereo, the rates
    hosts advise for speech (docs/audio.md has the sources)."""
    return mastering.bitrate or (96 if channels == 1 else 128)


def settings(mastering: Mastering, channels: int) -> dict[str, Any]:
    """Everything that shapes the encoded audio."""
    fmt = mastering.audio_format
    return {"version": ENCODER_VERSION, "format": fmt, "channels": min(channels, 2), "rate": SAMPLE_RATE,
            "kbps": bitrate(mastering, channels) if FORMATS[fmt].lossy else None,
            "target": mastering.target, "true_peak": mastering.true_peak, "tolerance": mastering.tolerance}


def folder(root: Path) -> Path:
    return root / media_store.CACHE_DIR / FOLDER


@dataclass(frozen=True)
class Encoded:
    path: Path  # the untagged encode
    key: str
    loudness: Loudness
    encoded: bool  # made now, not found in the cache


def encode(show: Show, master: Path, display: str, info: AudioInfo, channels: int,
           report: Report | None = None, *, force: bool = False) -> Encoded:
    """MASTER encoded to the show's format and loudness, from the cache
    when it is there (unless FORCE); ProblemFound naming DISPLAY if ffmpeg
    is missing or fails."""
    mastering = show.mastering
    fmt = FORMATS[mastering.audio_format]
    content = media_store.content_key(show.root, master, display)
    wanted = settings(mastering, channels)
    key = hashlib.blake2b(json.dumps([content, wanted], sort_keys=True).encode(), digest_size=16).hexdigest()
    target = folder(show.root) / f"{key}{fmt.suffix}"
    if target.is_file() and not force:
        known = media_store.loudness(show.root, key)
        if known is None:  # the store was deleted, the encodes kept
            known = loudness.measure(target, display, info.duration)
            media_store.remember_loudness(show.root, key, known)
        return Encoded(target, key, known, encoded=False)

    def step(what: str) -> ffmpeg.Progress | None:
        if report is None:
            return None
        return lambda done, total: report(int(done), max(1, int(total)), f"{what} {display}")

    ffmpeg.executable(display, f"encode this master to {mastering.audio_format.upper()}")
    measured = loudness.analyse(master, display, mastering.target, mastering.true_peak, info.duration,
                                step("measuring"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        level = mastering.target
        for _attempt in range(2):
            _run_encode(master, tmp, display, fmt, wanted, loudness.loudnorm(level, mastering.true_peak, measured),
                        info.duration, step("encoding"))
            value = loudness.measure(tmp, display, info.duration, step("checking"))
            miss = value.integrated - mastering.target
            if abs(miss) <= mastering.tolerance / 2 or value.integrated <= loudness.SILENCE:
                break
            level = max(-70.0, min(-5.0, level - miss))  # aim off by what the last try missed
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    media_store.remember_loudness(show.root, key, value)
    return Encoded(target, key, value, encoded=True)


def _run_encode(master: Path, out: Path, display: str, fmt: Format, wanted: dict[str, Any], level: str,
                duration: float, progress: ffmpeg.Progress | None) -> None:
    codec = list(fmt.codec)
    if wanted["kbps"] is not None:
        codec += ["-b:a", f"{wanted['kbps']}k"]
    # loudnorm works at 192 kHz: back to the published rate after it.
    ffmpeg.run(["-i", str(master), "-map", "0:a:0", "-vn", "-af", f"{level},aresample={SAMPLE_RATE}",
                "-ac", str(wanted["channels"]), "-ar", str(SAMPLE_RATE), *codec, "-f", fmt.muxer,
                *ffmpeg.output_args(out)], display, f"encode this master to {wanted['format'].upper()}",
               duration, progress)


def tagged(show: Show, episode: Episode, encoded: Encoded) -> Path:
    """The encode with EPISODE's tags, cover and chapters, made from it when
    the tags changed; the older tagged copies of the same encode are removed."""
    from feedtool.sources import tag_writer  # mutagen's writers and Pillow: only when a master is tagged

    want = tag_writer.wanted_for(show, episode)
    art = hashlib.sha256(want.artwork.data).hexdigest() if want.artwork else None
    described = [TAGS_VERSION, want.title, want.artist, want.album, want.date.isoformat(), want.track,
                 want.comment, art, [[c.start, c.title, c.end, c.url] for c in want.chapters],
                 round(want.duration, 3)]
    tags = hashlib.blake2b(json.dumps(described).encode(), digest_size=8).hexdigest()
    suffix = encoded.path.suffix
    target = encoded.path.with_name(f"{encoded.key}.{tags}{suffix}")
    if target.is_file() and target.stat().st_mtime_ns >= encoded.path.stat().st_mtime_ns:
        return target  # made from this very encode (`master --force` makes a newer one)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(encoded.path, "rb") as src, open(tmp, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        tag_writer.WRITERS[tag_writer.kind_of(suffix[1:])](tmp, want)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    for older in target.parent.glob(f"{encoded.key}.*{suffix}"):
        if older != target:
            older.unlink(missing_ok=True)
    return target


def deliver(show: Show, episode: Episode, display: str, channels: int, reader: Any,
            report: Report | None = None) -> tuple[Episode, list[Problem]]:
    """EPISODE, read from its master, as the show publishes it: its audio
    the tagged encode (read by READER, the build's read cache), its
    loudness measured. A problem (no ffmpeg, a master ffmpeg cannot read)
    is an error naming DISPLAY, the master."""
    master = episode.audio.path
    try:
        encoded = encode(show, master, display, episode.audio, channels, report)
        # The tags are written from the episode read from the master: its
        # duration stands in for the encode's (the same within a frame).
        path = tagged(show, episode, encoded)
        audio = reader(path, display)
    except ProblemFound as exc:
        return episode, [exc.problem]
    except OSError as exc:
        return episode, [error(display, None, f"could not write its encoded copy in the cache: "
                               f"{exc.strerror or exc}")]
    delivered = replace(episode, audio=audio, master=master, loudness=encoded.loudness)
    return delivered, loudness.problems(show.mastering, display, encoded.loudness, encoded=True)


def measure_ready(show: Show, episode: Episode, display: str,
                  report: Report | None = None) -> tuple[Episode, list[Problem]]:
    """A published-as-is file's loudness (from the store when its content
    was measured before) and the warnings it earns."""
    path = episode.audio.path
    try:
        key = media_store.content_key(show.root, path, display)
        value = media_store.loudness(show.root, key)
        if value is None:
            progress = None
            if report is not None:
                progress = lambda done, total: report(int(done), max(1, int(total)),  # noqa: E731
                                                      f"measuring {display}")
            value = loudness.measure(path, display, episode.audio.duration, progress)
            media_store.remember_loudness(show.root, key, value)
    except ProblemFound as exc:
        # The show asked for a measurement it cannot have: said, but the
        # file is published as it is all the same.
        problem = exc.problem
        return episode, [warning(problem.path, problem.field, f"loudness not measured: {problem.message}",
                                 rule=problem.rule or "LOUDNESS")]
    except OSError as exc:
        return episode, [warning(display, None, f"loudness not measured: cannot read the file: "
                                 f"{exc.strerror or exc}", rule="LOUDNESS")]
    return replace(episode, loudness=value), loudness.problems(show.mastering, display, value)


def premeasure(show: Show, paths: list[tuple[Path, str]], report: Report | None = None) -> None:
    """Measure the ready files among PATHS ((path, display) pairs) that the
    store has not measured, several ffmpeg runs at once (one per core): a
    show's first build with a loudness target, or a show that got many new
    episodes. What fails here is measured again, in order, by measure_ready,
    which reports it."""
    from concurrent.futures import ThreadPoolExecutor

    todo: list[tuple[Path, str, str]] = []
    for path, display in paths:
        if is_master(show.mastering, path):
            continue
        try:
            key = media_store.content_key(show.root, path, display)
        except (ProblemFound, OSError):
            continue
        if media_store.loudness(show.root, key) is None:
            todo.append((path, display, key))
    if len(todo) < 2:
        return
    workers = parallel.cores()

    def one(job: tuple[Path, str, str]) -> tuple[str, Loudness | None]:
        try:
            return job[2], loudness.measure(job[0], job[1])
        except ProblemFound:
            return job[2], None

    # Threads, not processes: each waits on its ffmpeg, which does the work.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done, (key, value) in enumerate(pool.map(one, todo), 1):
            if value is not None:
                media_store.remember_loudness(show.root, key, value)
            if report is not None:
                report(done, len(todo), "measuring loudness")


def loudness_of(root: Path | None, path: Path, display: str, duration: float = 0.0) -> Loudness | None:
    """PATH's loudness for `inspect`: from the store of the show at ROOT
    when it was measured before, else measured now; None without ffmpeg."""
    try:
        key = media_store.content_key(root, path, display) if root is not None else None
        value = media_store.loudness(root, key) if root is not None and key is not None else None
        if value is None:
            value = loudness.measure(path, display, duration)
            if root is not None and key is not None:
                media_store.remember_loudness(root, key, value)
        return value
    except (ProblemFound, OSError):
        return None


def read(path: Path, display: str) -> tuple[AudioInfo, int]:
    """A master's AudioInfo and channels (audio.read_master)."""
    return read_master(path, display)
