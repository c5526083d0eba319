"""A clone keeps its build record warm (issue 14): where the show is a git
repository, git's index tells which files hold what the last build read
(engine/git_ids.py), so a fresh clone with the cache restored reads none of
its files to know that, and still sees every real change."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import snapshot

from feedtool.engine import cache, git_ids, memo
from feedtool.engine.run import build

def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


@pytest.fixture
def committed(recorded_show: Path) -> Path:
    git(recorded_show, "init", "-q")
    (recorded_show / ".gitignore").write_text(".feedtool-cache/\n")
    git(recorded_show, "add", "-A")
    git(recorded_show, "commit", "-qm", "show")
    return recorded_show


def clone(show: Path, where: Path, cache_from: Path | None = None) -> Path:
    """A CI checkout: a fresh clone (new inodes and mtimes), with the cache
    restored beside it (by default the show's own)."""
    subprocess.run(["git", "clone", "-q", str(show), str(where)], check=True)
    shutil.copytree((cache_from or show) / ".feedtool-cache", where / ".feedtool-cache")
    return where


@pytest.fixture
def ci_cache(committed: Path, tmp_path: Path, hashed: list[str]) -> Path:
    """The first CI run's checkout: it read the media once (the show's own
    record had no git ids), and its cache, saved, knows them all."""
    first = clone(committed, tmp_path / "first-ci")
    assert build(first).mode == "reused"
    return first


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the build record keys by reading it."""
    read: list[str] = []
    real = cache.content_key

    def counting(path: Path, kind: str) -> str | None:
        read.append(path.name)
        return real(path, kind)

    monkeypatch.setattr(cache, "content_key", counting)
    monkeypatch.setattr(memo, "GIT_THRESHOLD", 1)  # the test show is small
    return read


def test_object_ids_are_gits_and_leave_out_what_changed(committed: Path, tmp_path: Path) -> None:
    ids = git_ids.object_ids(committed)
    toml = "episodes/first.toml"
    assert ids[toml] == git(committed, "hash-object", toml).strip()
    assert ids["public/feed.xml"] == memo.content_key(committed / "public/feed.xml", "public/feed.xml", "")
    # Same size, other bytes, stat moved: git looks at the content.
    data = (committed / toml).read_bytes()
    (committed / toml).write_bytes(data.replace(b"2013", b"2012"))
    assert toml not in git_ids.object_ids(committed) and "podcast.toml" in git_ids.object_ids(committed)
    # Only below the folder asked about, named from it.
    assert set(git_ids.object_ids(committed / "public")) == {n[len("public/"):] for n in ids if n.startswith("public/")}
    inputs, public = git_ids.below(ids, "public")
    assert "public/feed.xml" not in inputs and inputs["podcast.toml"] == ids["podcast.toml"]
    assert public["feed.xml"] == ids["public/feed.xml"] and public == git_ids.object_ids(committed / "public")
    (tmp_path / "plain").mkdir()
    assert git_ids.object_ids(tmp_path / "plain") == {}  # no repository: no hint


def test_a_fresh_clone_with_its_cache_reads_nothing_to_know_nothing_changed(
        committed: Path, ci_cache: Path, tmp_path: Path, hashed: list[str], plans: list[Path]) -> None:
    where = clone(committed, tmp_path / "ci", ci_cache)
    hashed.clear()
    result = build(where)
    assert result.mode == "reused" and plans == [] and hashed == []
    assert snapshot(where / "public") == snapshot(committed / "public")
    # The new stats were recorded: the next build takes the stat path, git aside.
    assert build(where).mode == "reused" and hashed == []


def test_a_fresh_clone_with_one_episode_edited_is_patched_as_a_full_build_would_make_it(
        committed: Path, ci_cache: Path, tmp_path: Path, hashed: list[str]) -> None:
    where = clone(committed, tmp_path / "ci", ci_cache)
    toml = where / "episodes/second.toml"
    toml.write_text(toml.read_text().replace('"Second"', '"Second, retitled"'))
    hashed.clear()
    result = build(where)
    assert result.mode == "patched", result.why
    # Read to key it: the edited toml and what the patch wrote; no other input,
    # neither by the build record nor by the read cache of the episodes read again.
    assert "second.toml" in hashed
    assert not {"first.mp3", "first.txt", "first.toml", "second.m4a", "podcast.toml"} & set(hashed)
    full = tmp_path / "full"
    shutil.copytree(where, full, ignore=shutil.ignore_patterns(".feedtool-cache", "public"))
    build(full)
    assert snapshot(where / "public") == snapshot(full / "public")


def test_a_clone_whose_public_differs_from_the_record_is_built_in_full(
        committed: Path, tmp_path: Path, hashed: list[str]) -> None:
    feed = committed / "public" / "feed.xml"
    good = feed.read_bytes()
    feed.write_bytes(good.replace(b"<channel>", b"<channel><!-- edited -->", 1))
    git(committed, "commit", "-qam", "a hand edit in public/")  # the record still says the good bytes
    where = clone(committed, tmp_path / "ci")
    result = build(where)
    assert result.mode == "full" and (where / "public" / "feed.xml").read_bytes() == good


def test_a_clone_with_an_input_changed_since_the_record_sees_the_change(
        committed: Path, tmp_path: Path, hashed: list[str]) -> None:
    toml = committed / "podcast.toml"
    text = toml.read_text()
    old = text.split("title = ", 1)[1].split("\n", 1)[0]
    toml.write_text(text.replace(f"title = {old}", 'title = "Renamed"', 1))
    git(committed, "commit", "-qam", "a new title, committed without a build")
    where = clone(committed, tmp_path / "ci")
    result = build(where)
    assert result.mode == "full"
    assert b"<title>Renamed</title>" in (where / "public" / "feed.xml").read_bytes()


def test_a_change_built_and_committed_with_its_public_is_patched_in_ci(
        committed: Path, ci_cache: Path, tmp_path: Path) -> None:
    """The workflow where public/ is committed: the author builds the edit
    and pushes it with the new public/; the CI cache is the last CI run's.
    The outputs the edit changed differ from that record, and are the ones
    the build makes again; all the others still match."""
    toml = committed / "episodes/second.toml"
    toml.write_text(toml.read_text().replace('"Second"', '"Second, retitled"'))
    build(committed)
    git(committed, "commit", "-qam", "retitled, built, committed")
    where = clone(committed, tmp_path / "ci", ci_cache)
    result = build(where)
    assert result.mode == "patched", result.why
    assert not result.changes.any  # the author's public/ is what this build makes
    assert snapshot(where / "public") == snapshot(committed / "public")


def test_without_git_every_file_is_read_and_the_build_is_the_same(
        committed: Path, ci_cache: Path, tmp_path: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    where = clone(committed, tmp_path / "ci", ci_cache)
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # git is nowhere
    assert git_ids.object_ids(where) == {}
    hashed.clear()
    result = build(where)
    assert result.mode == "reused"
    assert "first.toml" in hashed and "first.mp3" in hashed  # keyed by reading them, as before git was asked
    assert snapshot(where / "public") == snapshot(committed / "public")


def test_a_file_git_does_not_track_or_a_link_is_read(committed: Path, tmp_path: Path) -> None:
    (committed / "notes.txt").write_text("not added")
    (committed / "link.toml").symlink_to(committed / "podcast.toml")
    git(committed, "add", "link.toml")
    ids = git_ids.object_ids(committed)
    assert "notes.txt" not in ids and "link.toml" not in ids and "podcast.toml" in ids
