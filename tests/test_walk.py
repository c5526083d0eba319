"""One folder walker with one ignore rule (feedtool/sources/walk.py; issue 14,
item 5): discovery, the record of the last build (memo) and serve's change
watcher see the same files, so an editor's swap or backup file beside an
episode neither makes the next build a full one nor rebuilds the preview."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import HOUR_AGO

from feedtool.authoring.serve import snapshot
from feedtool.engine import memo
from feedtool.engine.run import build
from feedtool.sources import episodes as episodes_mod
from feedtool.sources.walk import ignored


# What editors and file managers leave beside a file being edited.
LEFTOVERS = (
    "episodes/.second.toml.swp",  # vim
    "episodes/second.toml~",  # vim/emacs backup
    "episodes/.DS_Store",  # macOS Finder
    "episodes/#second.toml#",  # emacs autosave
    "episodes/.#second.toml",  # emacs lock
    "episodes/second.toml.swo",
    "episodes/second.toml.tmp",
    "episodes/second.toml.feedtool-tmp",
    "episodes/__pycache__/x.pyc",
    "episodes/.hidden/third.toml",
    ".DS_Store",
    "notes.txt~",
)


def leave_leftovers(root: Path) -> None:
    for name in LEFTOVERS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("an editor's leftover\n")


@pytest.fixture
def show(recorded_show: Path) -> Path:
    return recorded_show


@pytest.mark.parametrize("name", [
    ".DS_Store", ".x.toml.swp", ".#x.toml", "x.toml~", "#x.toml#", "x.swp", "x.swo", "x.tmp",
    "x.toml.feedtool-tmp", "__pycache__", ".git", ".hg", ".svn", ".feedtool-cache",
])
def test_the_rule_ignores(name: str) -> None:
    assert ignored(name)


@pytest.mark.parametrize("name", [
    "x.toml", "x.mp3", "x.chapters.json", "x.vtt", "cover.png", "#hashtag.txt", "feedtool.lock", "episodes", "#",
])
def test_the_rule_keeps(name: str) -> None:
    assert not ignored(name)


def test_editor_leftovers_leave_the_next_build_reused(show: Path, plans: list[Path]) -> None:
    leave_leftovers(show)  # fresh: had the record seen them, it would neither be reused nor trust them
    result = build(show)
    assert (result.mode, plans) == ("reused", [])
    assert not result.changes.any


def test_editor_leftovers_beside_an_edit_leave_it_incremental(show: Path, plans: list[Path]) -> None:
    leave_leftovers(show)
    (show / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitle = "Second, renamed"\n')
    os.utime(show / "episodes" / "second.toml", (HOUR_AGO + 5, HOUR_AGO + 5))
    result = build(show)
    assert (result.mode, plans) == ("patched", [])
    assert "Second, renamed" in (show / "public" / "feed.xml").read_text()


def test_discovery_ignores_editor_leftovers(show: Path) -> None:
    before = episodes_mod.discover(show)
    leave_leftovers(show)
    after = episodes_mod.discover(show)
    assert after == before
    assert not any("second.toml" in p.file and p.file != "episodes/second.toml" for p in after[1])


def test_serve_ignores_editor_leftovers(show: Path) -> None:
    skip = (show / "public",)
    before = snapshot(show, skip)
    leave_leftovers(show)
    assert snapshot(show, skip) == before
    (show / "episodes" / "second.toml").write_text("date = 2014-01-09\n")
    assert snapshot(show, skip) != before  # a real edit is still seen


def test_the_three_callers_see_the_same_files(show: Path) -> None:
    leave_leftovers(show)
    (show / "episodes" / "notes.bak").write_text("not an episode file, but a file of the show")
    recorded = {name for name, _ in memo.inputs(show, show / "public").files}
    watched = set(snapshot(show, (show / "public",)))
    assert recorded == watched
    prefix = len(str(show)) + 1
    discovered = {name[prefix:].replace(os.sep, "/") for name, _ in episodes_mod.walk(show / "episodes")}
    assert discovered == {name for name in recorded if name.startswith("episodes/")}
    assert "episodes/notes.bak" in discovered and not any(name in recorded for name in LEFTOVERS)
