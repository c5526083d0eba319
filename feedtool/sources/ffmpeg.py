"""Running ffmpeg: found on PATH when a master needs encoding or an episode
measuring, never before (a show of ready MP3s without a loudness target
builds without it), with its progress reported as it decodes."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from feedtool.problems import ProblemFound, error

# Called with (seconds done, seconds in all) while ffmpeg works.
Progress = Callable[[float, float], None]

INSTALL_HINT = ("install FFmpeg: `sudo apt install ffmpeg` (Debian, Ubuntu), `brew install ffmpeg` (macOS), "
                "`winget install ffmpeg` (Windows), or see https://ffmpeg.org/download.html")


def executable(display: str, why: str) -> str:
    """The ffmpeg on PATH, or an error naming DISPLAY, WHY it is needed and how to install it."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise ProblemFound(error(display, None, f"needs ffmpeg to {why}, and it is not installed "
                                 f"(not found on PATH); {INSTALL_HINT}", rule="FFMPEG-MISSING"))
    return found


def run(args: Sequence[str], display: str, why: str, duration: float = 0.0,
        progress: Progress | None = None) -> str:
    """Run ffmpeg with ARGS (after the input options it always takes) and
    return what it logged; a failure is an error naming DISPLAY. Its
    `-progress` lines come on stdout, its log goes to a file: a pipe for
    both could fill up and stall it."""
    command = [executable(display, why), "-nostdin", "-hide_banner", "-nostats", "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, env={**os.environ, "LC_ALL": "C"})
        except OSError as exc:
            raise ProblemFound(error(display, None, f"could not start ffmpeg to {why}: {exc.strerror or exc}; "
                                     f"{INSTALL_HINT}", rule="FFMPEG-MISSING")) from None
        assert proc.stdout is not None
        for raw in proc.stdout:
            if progress is not None and raw.startswith(b"out_time_us=") and duration > 0:
                try:
                    done = int(raw[12:]) / 1e6
                except ValueError:
                    continue
                progress(min(max(done, 0.0), duration), duration)
        code = proc.wait()
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if code != 0:
        last = [line.strip() for line in text.splitlines() if line.strip()][-3:]
        raise ProblemFound(error(display, None, f"ffmpeg could not {why} (exit status {code}): "
                                 + (" / ".join(last) or "no message")))
    return text


def output_args(path: Path) -> list[str]:
    """Options that make ffmpeg's output depend on its input alone: no
    encoder name and version written into the file, no metadata or
    chapters carried over from the master (the tagger writes its own)."""
    return ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-y", str(path)]
