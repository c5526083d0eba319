"""A build that would change nothing is not done again (feedtool/memo.py):
the same inputs, the same code and an untouched public/ give the recorded
report at once; any change to any of them makes the full build run."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import HOUR_AGO, age, snapshot

from feedtool.engine import memo
from feedtool.render import fingerprint
from feedtool.engine.run import build


@pytest.fixture
def show(recorded_show: Path) -> Path:
    return recorded_show


def test_an_unchanged_show_is_not_built_again(show, plans, cli):
    before = snapshot(show / "public")
    result = build(show)
    assert plans == []
    assert not result.changes.any and result.changes.unchanged == len(before) - 1  # all but the manifest
    assert len(result.plan.episodes) == 2 and plans == []  # counted without being made
    assert [p.rule for p in result.plan.problems] == ["APL-IMAGE", "APL-IMAGE"]
    assert result.plan.feed_bytes == (show / "public" / "feed.xml").read_bytes()
    assert cli("build", show, "--quiet").exit_code == 0 and plans == []
    # Listed (a show of up to 50 episodes is), the episodes are made then.
    result = cli("build", show)
    assert "2 episodes, 0 files written" in result.output and "Second" in result.output
    assert len(plans) == 1
    assert snapshot(show / "public") == before


def test_the_reused_report_is_the_full_builds_report(show, plans, cli):
    reused = json.loads(cli("build", show, "--json").stdout)
    assert len(plans) == 1  # --json lists the episodes: they are made when read
    (show / "podcast.toml").write_text((show / "podcast.toml").read_text() + "\n")  # new bytes, same meaning
    full = json.loads(cli("build", show, "--json").stdout)
    assert len(plans) == 2
    assert (reused.pop("build"), full.pop("build")) == ("reused", "full")
    assert reused == full
    assert [e["title"] for e in reused["episodes"]] == ["Second", "Spike Jonze Opens His Heart For 'Her'"]


def test_check_of_an_unchanged_show_is_quick_and_clean(show, plans, cli):
    assert not build(show, check=True).changes.any
    assert plans == []
    result = cli("build", show, "--check", "--quiet")
    assert result.exit_code == 0, result.output
    assert plans == []


@pytest.mark.parametrize("change", ["comment toml", "edit toml", "new file", "delete text", "cover"])
def test_any_input_change_builds_again(show, plans, change):
    episodes = show / "episodes"
    if change == "comment toml":
        (episodes / "second.toml").write_text((episodes / "second.toml").read_text() + "# a comment\n")
        os.utime(episodes / "second.toml", (HOUR_AGO + 5, HOUR_AGO + 5))
    elif change == "edit toml":
        (episodes / "second.toml").write_text('date = 2014-01-08\ntitle = "Second, renamed"\n')
    elif change == "new file":
        (episodes / "notes-for-later.txt.bak").write_text("not an episode file")
    elif change == "delete text":
        (episodes / "first.txt").unlink()
    else:
        from PIL import Image

        with Image.open(show / "cover.png") as image:  # the same picture, other bytes
            image.convert("RGB").save(show / "cover.png", optimize=True, compress_level=1)
        os.utime(show / "cover.png", (HOUR_AGO + 9, HOUR_AGO + 9))
    result = build(show)
    if change in ("comment toml", "edit toml"):
        # Only an episode's own file: the incremental build (patch.py), no full plan.
        assert (result.mode, plans) == ("patched", [])
    else:
        assert (result.mode, plans) == ("full", [show])
    if change == "edit toml":
        assert "Second, renamed" in (show / "public" / "feed.xml").read_text()


@pytest.mark.parametrize("change", ["delete", "edit", "feed deleted"])
def test_a_touched_public_folder_is_built_again_and_repaired(show, plans, change):
    before = snapshot(show / "public")
    target = show / "public" / "transcripts" / "first.txt"
    if change == "delete":
        target.unlink()
    elif change == "edit":
        target.write_text("vandalised")
    else:
        (show / "public" / "feed.xml").unlink()
    result = build(show)
    assert plans == [show]
    assert result.changes.any
    assert snapshot(show / "public") == before


def test_other_code_or_environment_builds_again(show, plans, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(show)
    assert len(plans) == 1
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.setattr(fingerprint, "code", lambda: "another feedtool")
    build(show)
    assert len(plans) == 2


def test_another_output_folder_is_its_own_record(show, plans, tmp_path):
    elsewhere = tmp_path / "site"
    build(show, elsewhere)
    assert len(plans) == 1
    assert snapshot(elsewhere) == snapshot(show / "public")


def test_a_fresh_input_is_read_again_not_trusted_by_its_stat(make_show, plans):
    root = make_show()  # written a moment ago: within RACY_NS of the build
    build(root)
    build(root)
    assert len(plans) == 1  # the second build read the fresh files again and found them the same
    # An edit of the same size within the same mtime tick (git's "racy" case) is still seen.
    text = next((root / "episodes").glob("*.txt"))
    st = text.stat()
    data = text.read_bytes()
    text.write_bytes(data.replace(b"the", b"THE", 1))
    os.utime(text, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert text.stat().st_size == st.st_size
    assert build(root).mode != "reused"


def test_a_touched_input_is_no_change_and_its_new_stat_is_recorded(show, plans):
    os.utime(show / "podcast.toml", (HOUR_AGO + 30, HOUR_AGO + 30))
    assert build(show).mode == "reused" and plans == []
    assert memo.inputs(show, show / "public").moved == ()  # the next build reads nothing again


def test_a_clone_with_its_cache_finds_its_record(show, plans, tmp_path):
    """A CI run: the show cloned to a new folder (new inodes and mtimes) with
    .feedtool-cache/ and public/ restored beside it (issue 14)."""
    clone = tmp_path / "clone"
    shutil.copytree(show, clone)  # copies mtimes; a clone does not: move them
    for path in clone.rglob("*"):
        if path.is_file():
            os.utime(path, (HOUR_AGO + 60, HOUR_AGO + 60))
    assert build(clone).mode == "reused" and plans == []
    (clone / "episodes" / "second.toml").write_text('date = 2014-01-08\ntitle = "Second, in CI"\n')
    os.utime(clone / "episodes" / "second.toml", (HOUR_AGO + 90, HOUR_AGO + 90))
    result = build(clone)
    assert (result.mode, plans) == ("patched", [])
    assert snapshot(clone / "public") == snapshot(_full_build_of(clone, tmp_path / "full"))
    # A file of public/ changed in the restored copy is still seen.
    (clone / "public" / "feed.xml").write_bytes(b"<rss/>")
    assert build(clone).mode == "full"


def _full_build_of(root: Path, elsewhere: Path) -> Path:
    shutil.copytree(root, elsewhere, ignore=shutil.ignore_patterns("public", ".feedtool-cache"))
    build(elsewhere, use_cache=False)
    return elsewhere / "public"


def test_a_future_episode_is_built_again_once_its_date_passes(make_show, plans, monkeypatch):
    # Scheduled (issue 16): left out until its date, then published by the next build.
    future = time.gmtime(time.time() + 7 * 86400)
    root = make_show({"soon": {"audio": "tagged.mp3", "toml": f"date = {time.strftime('%Y-%m-%dT%H:%M:%SZ', future)}\n"},
                      "old": {"audio": "tagged.m4a", "toml": "date = 2014-01-08\n"}})
    build(root)
    age(root)
    first = build(root)
    assert [e.stem for e in first.plan.episodes] == ["old"]
    plans.clear()
    build(root)
    assert plans == []  # still in the future: the same report
    later = time.time() + 8 * 86400
    monkeypatch.setattr(memo.time, "time", lambda: later)  # the time module's: the clock schedule.py reads
    result = build(root)
    assert plans == [root] and [e.stem for e in result.plan.episodes] == ["soon", "old"]


def test_no_cache_builds_everything(show, plans):
    result = build(show, use_cache=False)
    assert plans == [show] and not result.changes.any


def test_the_build_says_what_an_incremental_build_read_and_why_a_build_was_full(show, cli):
    toml = show / "episodes" / "second.toml"
    toml.write_text('date = 2014-01-08\ntitle = "Second, retitled"\n')
    os.utime(toml, (HOUR_AGO + 60, HOUR_AGO + 60))
    result = cli("build", show)
    assert result.exit_code == 0, result.output
    assert "Incremental build: 1 episode changed (second); read 2 of 2 episodes again" in result.output
    assert "Second, retitled" in (show / "public" / "feed.xml").read_text()

    def edit_show() -> None:
        (show / "podcast.toml").write_text((show / "podcast.toml").read_text() + "\n")
        os.utime(show / "podcast.toml", (HOUR_AGO + 90, HOUR_AGO + 90))

    edit_show()
    quiet = cli("build", show)
    assert "Incremental build" not in quiet.output and "Full build" not in quiet.output  # said on request only
    edit_show()
    verbose = cli("build", show, "--verbose")
    assert "Full build: podcast.toml changed" in verbose.output
    assert "Nothing changed: the last build read these very files" in cli("build", show, "-v").output


def test_the_output_check_sees_any_change_and_reads_only_moved_files(tmp_path, monkeypatch):
    out = tmp_path / "public"
    out.mkdir()
    for name in ("a.html", "b.html"):
        (out / name).write_text(name)
    recorded = memo._output_rows(out, ["a.html", "b.html"], {})
    read = []
    real = memo.content_key
    monkeypatch.setattr(memo, "content_key", lambda path, name, stat: read.append(name) or real(path, name, stat))
    assert memo.outputs_match(out, recorded) == {} and read == []
    os.utime(out / "a.html", (HOUR_AGO, HOUR_AGO))
    moved = memo.outputs_match(out, recorded)
    assert moved is not None and list(moved) == ["a.html"] and read == ["a.html"]
    (out / "b.html").write_text("edited by hand")
    assert memo.outputs_match(out, recorded) is None
    (out / "b.html").unlink()
    assert memo.outputs_match(out, recorded) is None


def test_a_record_from_before_the_output_stamps_is_let_go(show, plans):
    # An older feedtool's record_output had no digest column (the stamps were a table of their own).
    db = sqlite3.connect(show / ".feedtool-cache" / "cache.sqlite3")
    with db:
        db.execute("DROP TABLE record_output")
        db.execute("CREATE TABLE record_output (out TEXT, name TEXT, stat TEXT NOT NULL, key TEXT NOT NULL, "
                   "git TEXT NOT NULL, made TEXT NOT NULL, PRIMARY KEY (out, name)) WITHOUT ROWID")
    db.close()
    before = snapshot(show / "public")
    assert build(show).mode == "full" and len(plans) == 1
    assert snapshot(show / "public") == before
    assert build(show).mode == "reused" and len(plans) == 1


def test_a_file_whose_stat_moved_keeps_its_recipe_and_stamp(tmp_path):
    out = tmp_path / "public"
    out.mkdir()
    (out / "a.html").write_text("a")
    row = memo._output_rows(out, ["a.html"], {})["a.html"]._replace(made="page:3 2 3 4", digest="d" * 40)
    os.utime(out / "a.html", (HOUR_AGO, HOUR_AGO))  # as a clone or a restored cache moves it
    moved = memo.outputs_match(out, {"a.html": row})
    assert moved is not None and moved["a.html"].stat != row.stat
    kept = moved["a.html"]
    assert (kept.key, kept.made, kept.digest) == (row.key, row.made, row.digest)  # content key, recipe, stamp
