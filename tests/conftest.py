"""Shared fixtures: a small real show in a temp folder, built from the
committed audio fixtures (copied, never modified in place)."""

from __future__ import annotations

import hashlib
import re
import os
import time
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from PIL import Image
from typer.testing import CliRunner

from feedtool.cli import app

HERE = Path(__file__).parent
AUDIO = HERE / "fixtures" / "audio"
TEXTS = HERE / "texts"
REPO = HERE.parent

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "psc": "http://podlove.org/simple-chapters",
}

SHOW_TOML = """\
title = "Test Show"
description = "A show for tests."
base_url = "https://example.com/show/"
language = "en"
author = "Tess Ting"
owner_email = "tess@example.com"
image = "cover.png"
categories = ["Arts > Books", "Technology"]
"""


@pytest.fixture(scope="session")
def cover_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("art") / "cover.png"
    Image.new("RGB", (1400, 1400), (40, 80, 120)).save(path)
    return path


@pytest.fixture
def make_show(tmp_path: Path, cover_png: Path) -> Callable[..., Path]:
    """make_show(episodes={"stem": {"audio": "tagged.mp3", "text": "...", "toml": "..."}})"""

    def make(episodes: dict[str, dict[str, str]] | None = None, show_toml: str = SHOW_TOML,
             root: Path | None = None) -> Path:
        root = root or tmp_path / "show"
        (root / "episodes").mkdir(parents=True)
        (root / "podcast.toml").write_text(show_toml)
        shutil.copy(cover_png, root / "cover.png")
        if episodes is None:
            episodes = default_episodes()
        used: set[str] = set()
        for stem, files in episodes.items():
            base = root / "episodes" / stem
            base.parent.mkdir(parents=True, exist_ok=True)
            if "audio" in files:
                # A fixture used again gets bytes of its own: the same audio
                # twice is an error (validate.duplicate_audio).
                copy_audio(AUDIO / files["audio"], base.with_suffix(Path(files["audio"]).suffix),
                           stem if files["audio"] in used else None)
                used.add(files["audio"])
            if "text" in files:
                base.with_suffix(".txt").write_text(files["text"])
            if "toml" in files:
                base.with_suffix(".toml").write_text(textwrap.dedent(files["toml"]))
        return root

    return make


def copy_audio(source: Path, target: Path, mark: str | None = None) -> Path:
    """A copy of an audio fixture; with MARK, one whose bytes are its own: a
    tag that feedtool does not read holds MARK. A file mutagen cannot tag (a
    corrupt fixture) is copied as it is."""
    shutil.copy(source, target)
    if mark is not None:
        try:
            mark_audio(target, mark)
        except Exception:  # noqa: BLE001 -- the damaged fixtures stay as they are
            pass
    return target


def mark_audio(path: Path, mark: str) -> None:
    import mutagen
    from mutagen.id3 import ID3, TXXX, ID3NoHeaderError

    if path.suffix.lower() == ".mp3":
        try:
            tags = ID3(path)
        except ID3NoHeaderError:
            tags = ID3()
        tags.add(TXXX(encoding=3, desc="feedtool-test-copy", text=[mark]))
        tags.save(path)
        return
    audio = mutagen.File(path)
    if path.suffix.lower() == ".m4a":
        audio.tags["----:org.feedtool:test-copy"] = [mark.encode("utf-8")]
    else:
        audio["feedtool_test_copy"] = [mark]
    audio.save()


def default_episodes() -> dict[str, dict[str, str]]:
    return {
        # An article, published as a transcript on purpose (the STEM.toml
        # hatch), so that the transcript files are made and checked too.
        "first": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                  "toml": 'date = 2013-12-18T16:00:00Z\nseason = 1\nepisode = 1\ntranscript = true\n'},
        "second": {"audio": "tagged.m4a", "toml": 'date = 2014-01-08\ntitle = "Second Episode"\n'},
    }


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below FOLDER with its content hash, to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def cli() -> Callable[..., object]:
    runner = CliRunner()

    def run(*args: str) -> object:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


HOUR_AGO = time.time() - 3600


def age(root: Path, when: float = HOUR_AGO) -> None:
    """Make the show's own files look old (not public/ nor the cache): a file
    modified a moment before a build is not trusted by its stat alone
    (cache.RACY_NS), and is read again."""
    for path in root.rglob("*"):
        if path.is_file() and "public" not in path.parts and ".feedtool-cache" not in path.parts:
            os.utime(path, (when, when))


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full plan made (engine.run.plan), by show folder."""
    from feedtool.engine import run as build_mod

    made: list[Path] = []
    real = build_mod.plan

    def counting(root: Path, **kwargs: object) -> object:
        made.append(root)
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_mod, "plan", counting)
    return made


@pytest.fixture
def recorded_show(make_show: Callable[..., Path]) -> Path:
    """Two episodes, built and aged, the last build recorded: the next build
    of an unchanged show is reused (engine/memo.py)."""
    from feedtool.engine.run import build

    root = make_show({
        "first": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                  "toml": "date = 2013-12-18T16:00:00Z\ntranscript = true\n"},
        "second": {"audio": "tagged.m4a", "toml": 'date = 2014-01-08\ntitle = "Second"\n'},
    })
    build(root)  # writes the GUID lock
    age(root)
    assert build(root).mode == "reused"  # the first build was recorded, the lock it wrote with it
    return root


def executable(markup: str) -> list[str]:
    """What an HTML5 browser would run if it rendered MARKUP."""
    doc = html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False)
    found: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.rsplit("}", 1)[-1].lower() == "script":
            found.append("<script>")
        for name, value in el.attrib.items():
            local = str(name).rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                found.append(f"{local}=")
            if re.sub(r"[\x00-\x20]+", "", str(value)).lower().startswith(("javascript:", "vbscript:")):
                found.append(f"{local}=javascript:")
    return found
