"""Alignments kept one JSON file each, named by a digest of what they were
made from: the audio's bytes, the text's units, the synthesizer's voice and
the aligner's version. A changed audio or text makes a new name, so an
entry is never stale; an unreadable one is made again.

Two places hold them. A build keeps what it aligned in .feedtool-cache/align/;
`feedtool align` also writes into the show's own alignments/ folder, which
is meant to be committed: a CI build (or anyone's fresh clone) then finds
each alignment there and needs neither the aligner nor its tools, and the
episodes are not aligned again on every run (a long episode takes minutes).
Neither folder is ever part of public/."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from feedtool import safe_files
from feedtool.model import Alignment, Timed
from feedtool.problems import ProblemFound
from feedtool.sources.align.units import Unit

FOLDER = Path(".feedtool-cache") / "align"
SHOW_FOLDER = Path("alignments")  # the show's own, committed with it
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
    for folder in (SHOW_FOLDER, FOLDER):
        path = root / folder / f"{name}.json"
        try:
            # A link there may point anywhere: only a file inside the show is read.
            if not path.resolve().is_relative_to(root.resolve()):
                continue
            data = json.loads(safe_files.read_bytes(path, (folder / path.name).as_posix()).decode("utf-8"))
            times = data["units"]
            if len(times) != len(units):
                continue
            return Alignment(tuple(timed(u, t) for u, t in zip(units, times)), float(data["duration"]))
        except (OSError, ValueError, KeyError, TypeError, IndexError, ProblemFound):
            continue
    return None


def timed(unit: Unit, t: list[float] | None) -> Timed:
    if t is None:
        return Timed(unit.kind, unit.text, unit.section, unit.paragraph, None, None, 0.0, unit.speaker)
    start, end, conf = (float(x) for x in t)
    return Timed(unit.kind, unit.text, unit.section, unit.paragraph, start, end, conf, unit.speaker)


def save(root: Path, name: str, alignment: Alignment, folder_name: Path = FOLDER) -> None:
    folder = root / folder_name
    data = {"version": VERSION, "duration": alignment.duration,
            "units": [None if u.start is None else [u.start, u.end, u.confidence] for u in alignment.units]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{name}.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        os.replace(tmp, folder / f"{name}.json")
    except OSError:
        pass  # a read-only show still builds; it aligns again next time
