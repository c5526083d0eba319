"""Alignments kept in .feedtool-cache/align/, one JSON file each, named by
a digest of what they were made from: the audio's bytes, the text's units,
the synthesizer's voice and the aligner's version. A changed audio or text
makes a new name, so an entry is never stale; an unreadable one is made
again. The folder is feedtool's own, never part of public/."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from feedtool import safe_files
from feedtool.model import Alignment, Timed
from feedtool.sources.align.units import Unit

FOLDER = Path(".feedtool-cache") / "align"
# Bump when the method changes what it finds: old entries are then ignored.
VERSION = 5


def key(audio: Path, display: str, units: Sequence[Unit], voice: str) -> str:
    digest = hashlib.sha256()
    with safe_files.open_file(audio, display) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    described = json.dumps([VERSION, voice, [[u.kind, u.text, u.section, u.paragraph, u.speaker] for u in units]],
                           ensure_ascii=False)
    return hashlib.sha256(digest.hexdigest().encode() + described.encode("utf-8")).hexdigest()


def load(root: Path, name: str, units: Sequence[Unit]) -> Alignment | None:
    try:
        data = json.loads((root / FOLDER / f"{name}.json").read_text("utf-8"))
        times = data["units"]
        if len(times) != len(units):
            return None
        return Alignment(tuple(timed(u, t) for u, t in zip(units, times)), float(data["duration"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def timed(unit: Unit, t: list[float] | None) -> Timed:
    if t is None:
        return Timed(unit.kind, unit.text, unit.section, unit.paragraph, None, None, 0.0, unit.speaker)
    start, end, conf = (float(x) for x in t)
    return Timed(unit.kind, unit.text, unit.section, unit.paragraph, start, end, conf, unit.speaker)


def save(root: Path, name: str, alignment: Alignment) -> None:
    folder = root / FOLDER
    data = {"version": VERSION, "duration": alignment.duration,
            "units": [None if u.start is None else [u.start, u.end, u.confidence] for u in alignment.units]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{name}.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        os.replace(tmp, folder / f"{name}.json")
    except OSError:
        pass  # a read-only show still builds; it aligns again next time
