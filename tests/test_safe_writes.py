"""A failed or killed build never leaves a half-written feed behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, SHOW_TOML, snapshot
from feedtool.engine import write
from feedtool.engine.run import build


# FLAC published as it is, not taken for a master to encode (issue 17).
FLAC_SHOW = SHOW_TOML + 'audio_format = "flac"\n'


def many_episodes(n: int) -> dict[str, dict[str, str]]:
    formats = ["tagged.mp3", "tagged.m4a", "tagged.ogg", "tagged.flac"]
    return {
        f"ep{i:03d}": {"audio": formats[i % len(formats)], "toml": f'date = 2020-01-{1 + i % 28:02d}\ntitle = "Ep {i}"\n'}
        for i in range(n)
    }


def retitle_all(root: Path, suffix: str) -> None:
    for toml in (root / "episodes").glob("*.toml"):
        toml.write_text(toml.read_text().replace('"\n', f' {suffix}"\n', 1))


def test_an_interrupted_write_leaves_public_exactly_as_it_was(make_show, monkeypatch):
    root = make_show(show_toml=FLAC_SHOW, episodes=many_episodes(12))
    build(root)
    shutil_rm_public_media(root)  # so the next build has many files to stage
    before = snapshot(root / "public")
    retitle_all(root, "v2")
    for p in (root / "episodes").glob("ep000.*"):
        p.unlink()
    from feedtool.engine import guids

    lock, _ = guids.read_lock(root)
    (root / guids.LOCK_NAME).write_bytes(guids.remove(lock, "ep000").to_bytes())

    real_stage = write._stage
    calls = []

    def flaky_stage(target: Path, content: write.Content, sync: bool) -> Path:
        calls.append(target)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-build
        return real_stage(target, content, sync)

    monkeypatch.setattr(write, "_stage", flaky_stage)
    with pytest.raises(KeyboardInterrupt):
        build(root)
    assert snapshot(root / "public") == before
    assert not list((root / "public").rglob(f"*{write.TMP_SUFFIX}"))

    monkeypatch.setattr(write, "_stage", real_stage)
    build(root)
    assert snapshot(root / "public") != before
    assert not (root / "public" / "media" / "ep000.mp3").exists()


def test_a_killed_build_always_leaves_a_complete_feed(make_show):
    root = make_show(show_toml=FLAC_SHOW, episodes=many_episodes(40))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "feedtool", "build", str(root)]
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    feed = root / "public" / "feed.xml"
    old = feed.read_bytes()
    retitle_all(root, "v2")
    # Find how long a build takes, then kill builds at points across it.
    shutil_rm_public_media(root)
    started = time.monotonic()
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    new = feed.read_bytes()
    span = time.monotonic() - started
    assert new != old
    for i, fraction in enumerate((0.2, 0.4, 0.6, 0.8, 0.95)):
        retitle_all(root, f"k{i}")
        shutil_rm_public_media(root)
        before = feed.read_bytes()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(span * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = feed.read_bytes()
        tree = etree.fromstring(now)  # complete, well-formed XML whenever it is read
        assert now == before or f" k{i}</title>".encode() in now
        if now != before:  # the new feed is in: everything it links to is there
            for enc in tree.iter("enclosure"):
                rel = enc.get("url").split("/show/", 1)[1]
                assert (root / "public" / rel).stat().st_size == int(enc.get("length"))
        visible = [p for p in (root / "public").rglob("*") if p.is_file() and not p.name.startswith(".")]
        assert all(not p.name.endswith(write.TMP_SUFFIX) for p in visible)
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    assert not list((root / "public").rglob(f"*{write.TMP_SUFFIX}"))


def shutil_rm_public_media(root: Path) -> None:
    """Make the next build copy audio again, so it has real work to be killed in."""
    import shutil

    shutil.rmtree(root / "public" / "media", ignore_errors=True)


def test_removed_episode_files_go_only_after_the_new_feed(make_show, monkeypatch):
    root = make_show()
    build(root)
    order: list[str] = []
    real_replace = os.replace
    real_unlink = Path.unlink

    def spy_replace(src: str | Path, dst: str | Path) -> None:
        order.append(f"replace {Path(dst).name}")
        real_replace(src, dst)

    def spy_unlink(self: Path, missing_ok: bool = False) -> None:
        order.append(f"unlink {self.name}")
        real_unlink(self, missing_ok=missing_ok)

    from feedtool.engine import guids

    lock, _ = guids.read_lock(root)
    (root / guids.LOCK_NAME).write_bytes(guids.remove(lock, "second").to_bytes())
    for p in (root / "episodes").glob("second.*"):
        p.unlink()
    monkeypatch.setattr(write.os, "replace", spy_replace)
    monkeypatch.setattr(Path, "unlink", spy_unlink)
    build(root)
    assert order.index("replace feed.xml") < order.index("unlink second.m4a")


def test_audio_is_published_as_its_own_copy_and_a_failed_clone_is_tried_once(make_show, monkeypatch):
    """Where the file system cannot clone, media are real copies, never hard
    links of the episodes' audio (issue 13: a link let an in-place edit of
    the source change the published file); and the clone is tried once a
    process, not once a file: each failed try creates and deletes a file,
    which on ext4 without a journal slows every later file the build
    creates (write._CLONES)."""
    import errno
    import fcntl

    root = make_show(show_toml=FLAC_SHOW, episodes=many_episodes(6))
    tries = []

    def no_clones(fd: int, request: int, arg: int = 0) -> int:
        tries.append(request)
        raise OSError(errno.EOPNOTSUPP, "no clones here")

    monkeypatch.setattr(fcntl, "ioctl", no_clones)
    monkeypatch.setattr(write, "_CLONES", {})
    build(root)
    media = sorted((root / "public" / "media").iterdir())
    assert len(media) == 6
    assert tries == [write._FICLONE]  # one try for the six files
    sources = {p.stem: p for p in (root / "episodes").iterdir() if p.suffix != ".toml"}
    for published in media:
        source = sources[published.stem]
        assert published.read_bytes() == source.read_bytes()
        assert not os.path.samestat(published.stat(), source.stat())  # its own inode
        assert published.stat().st_nlink == 1
    assert not list((root / "public").rglob(f"*{write.TMP_SUFFIX}"))


def test_a_source_overwritten_in_place_after_a_build_leaves_public_as_it_was(make_show, cli):
    """A tool that rewrites the audio or the cover in place (same inode)
    changes nothing in public/: its bytes are the build's own. The next
    build, which fails on the new bytes, leaves them so too."""
    root = make_show()
    assert cli("build", root).exit_code == 0
    before = snapshot(root / "public")
    published = {p: p.stat().st_ino for p in (root / "public").rglob("*") if p.is_file()}
    audio, cover = root / "episodes" / "first.mp3", root / "cover.png"
    sources = {audio.stat().st_ino, cover.stat().st_ino}
    assert not sources & set(published.values())
    for source, junk in ((audio, b"RIFF" + bytes(4000)), (cover, b"\x89PNG\r\n\x1a\n" + bytes(500))):
        with open(source, "r+b") as fh:  # in place: the same inode, new bytes
            fh.write(junk)
            fh.truncate()
    assert {audio.stat().st_ino, cover.stat().st_ino} == sources
    assert snapshot(root / "public") == before
    result = cli("build", root)
    assert result.exit_code == 1, result.output
    assert "episodes/first.mp3" in result.output and "Traceback" not in result.output
    assert snapshot(root / "public") == before
