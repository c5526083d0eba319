"""The read cache (.feedtool-cache/): a rebuild reads no unchanged audio
file and cleans no unchanged text; a changed file is read again; a corrupt,
foreign or outdated cache is rebuilt without stopping the build; the process
pool gives the same output as reading in order."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AUDIO, SHOW_TOML, TEXTS, snapshot

import feedtool.sources.text
from feedtool import parallel
from feedtool.engine import cache
from feedtool.engine.run import build, plan
from feedtool.engine.cache import CACHE_DIR, CACHE_FILE
from feedtool.model import Kept
from feedtool.render.fingerprint import Deferred

HOUR_AGO = time.time() - 3600


def made(content: object) -> object:
    """A planned file's bytes (or path), making a Deferred one."""
    return content.render() if isinstance(content, Deferred) else content


def age(root: Path, when: float = HOUR_AGO) -> None:
    """Make every episode file look an hour old: a file modified a moment
    before it is read is not trusted to the cache (see cache.RACY_NS)."""
    for path in (root / "episodes").rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


class Reads:
    """Counts the audio files and texts actually read, whoever reads them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.audio: list[str] = []
        self.texts: int = 0
        real_read, real_parse = cache.read_audio, feedtool.sources.text.parse_text

        def read_audio(path: Path, display: str | None = None) -> object:
            self.audio.append(Path(path).name)
            return real_read(path, display)

        def parse_text(*args: object, **kwargs: object) -> object:
            self.texts += 1
            return real_parse(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(cache, "read_audio", read_audio)
        monkeypatch.setattr(feedtool.sources.text, "parse_text", parse_text)

    def reset(self) -> None:
        self.audio, self.texts = [], 0


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose content key was worked out in this process."""
    names: list[str] = []
    real = cache.content_key

    def content_key(path: Path, kind: str) -> str | None:
        names.append(Path(path).name)
        return real(path, kind)

    monkeypatch.setattr(cache, "content_key", content_key)
    return names


# FLAC published as it is, not taken for a master to encode (issue 17).
FLAC_SHOW = SHOW_TOML + 'audio_format = "flac"\n'


@pytest.fixture
def show(make_show: Callable[..., Path]) -> Path:
    root = make_show({
        "first": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                  "toml": "date = 2013-12-18T16:00:00Z\n"},
        "second": {"audio": "tagged.m4a", "toml": 'date = 2014-01-08\ntitle = "Second"\n'},
        "third": {"audio": "tagged.flac", "text": (TEXTS / "magazine_qa.txt").read_text(),
                  "toml": "date = 2014-02-01\n"},
    }, show_toml=FLAC_SHOW)
    age(root)
    return root


def test_second_build_reads_no_audio_file_and_cleans_no_text(show, reads):
    build(show)
    assert sorted(reads.audio) == ["first.mp3", "second.m4a", "third.flac"]
    assert reads.texts == 2
    first_output = snapshot(show / "public")
    assert (show / CACHE_DIR / CACHE_FILE).is_file()

    reads.reset()
    result = build(show)
    assert reads.audio == [] and reads.texts == 0
    assert not result.changes.any
    assert snapshot(show / "public") == first_output


def test_cached_build_equals_uncached_build(show, reads):
    build(show)  # fills the cache
    reads.reset()
    cached = plan(show)
    assert reads.audio == []
    shutil.rmtree(show / CACHE_DIR)
    fresh = plan(show)
    assert len(reads.audio) == 3
    assert cached.files.keys() == fresh.files.keys()
    for name, content in fresh.files.items():
        assert made(cached.files[name]) == made(content), name
    assert [e.loaded() for e in cached.episodes] == [e.loaded() for e in fresh.episodes]


def test_a_touched_file_is_known_by_its_content_and_not_read_again(show, reads, hashed):
    build(show)
    age(show)  # the GUID lock the build wrote a moment ago
    for path in show.iterdir():  # written a moment ago, as the episodes were
        if path.is_file():
            os.utime(path, (HOUR_AGO, HOUR_AGO))
    build(show)  # the build record learns their settled stats
    reads.reset()
    hashed.clear()
    later = HOUR_AGO + 60
    os.utime(show / "episodes" / "second.m4a", (later, later))
    build(show)
    assert reads.audio == [] and reads.texts == 0
    assert hashed == ["second.m4a"]  # its stat changed: its content was compared
    hashed.clear()
    build(show)
    assert reads.audio == [] and hashed == []  # its new stat was recorded: the fast path again


def test_a_replaced_file_is_read_again_and_its_new_tags_used(show, reads, cli):
    build(show)
    reads.reset()
    target = show / "episodes" / "first.mp3"
    shutil.copyfile(AUDIO / "untagged.mp3", target)  # another size, another inode's content
    age(show)
    assert cli("build", show).exit_code == 0
    assert reads.audio == ["first.mp3"]
    feed = (show / "public" / "feed.xml").read_text()
    assert f'length="{target.stat().st_size}"' in feed


def test_an_edited_text_is_cleaned_again(show, reads):
    build(show)
    reads.reset()
    text = show / "episodes" / "first.txt"
    text.write_text(text.read_text().replace("Spike Jonze Opens His Heart For 'Her'", "A New Headline"))
    age(show)
    p = plan(show)
    assert reads.texts == 1 and reads.audio == []
    assert "A New Headline" in [e.title for e in p.episodes]


def test_changed_clean_patterns_clean_every_text_again(show, reads):
    build(show)
    reads.reset()
    toml = show / "podcast.toml"
    toml.write_text(toml.read_text() + "clean_patterns = ['^Interview Highlights$']\n")
    build(show)
    assert reads.texts == 2 and reads.audio == []


def test_a_corrupt_cache_file_is_rebuilt(show, reads):
    build(show)
    db = show / CACHE_DIR / CACHE_FILE
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database, it is a file someone broke" * 100)
    reads.reset()
    result = build(show)
    assert len(reads.audio) == 3 and reads.texts == 2
    assert not result.changes.any  # the same output, read from the files
    reads.reset()
    build(show)
    assert reads.audio == [] and reads.texts == 0  # and the cache works again


def test_a_corrupt_row_is_read_again_and_the_rest_trusted(show, reads):
    build(show)
    with sqlite3.connect(show / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE audio SET info = x'00ff00' WHERE path LIKE '%second.m4a'")
        db.execute("UPDATE text SET notes_html = x'789c' WHERE path LIKE '%first.txt'")
    reads.reset()
    plan(show)  # (a build would find nothing changed and read nothing)
    assert reads.audio == ["second.m4a"] and reads.texts == 1


def test_a_cache_from_another_feedtool_is_emptied(show, reads):
    build(show)
    with sqlite3.connect(show / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = 'an older feedtool' WHERE key = 'fingerprint'")
    reads.reset()
    build(show)
    assert len(reads.audio) == 3 and reads.texts == 2


def test_the_cache_folder_is_safe_to_delete(show, reads):
    build(show)
    shutil.rmtree(show / CACHE_DIR)
    reads.reset()
    result = build(show)
    assert len(reads.audio) == 3 and not result.changes.any
    assert (show / CACHE_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_a_file_modified_just_before_the_build_is_not_trusted(make_show, reads):
    root = make_show()  # files written a moment ago
    build(root)
    reads.reset()
    plan(root)  # (a build would find their content unchanged and read nothing)
    # Modified within RACY_NS of being read: read again, as git does with "racy" entries.
    assert len(reads.audio) == 2
    age(root)
    plan(root)
    reads.reset()
    plan(root)
    assert reads.audio == []


def test_deleted_episodes_leave_the_cache(show):
    build(show)
    (show / "episodes" / "third.flac").unlink()
    (show / "episodes" / "third.txt").unlink()
    (show / "episodes" / "third.toml").unlink()
    from typer.testing import CliRunner

    from feedtool.cli import app

    assert CliRunner().invoke(app, ["remove", "third", "--show", str(show)]).exit_code == 0
    build(show)
    with sqlite3.connect(show / CACHE_DIR / CACHE_FILE) as db:
        paths = [Path(p).name for (p,) in db.execute("SELECT path FROM audio UNION ALL SELECT path FROM text")]
    assert sorted(paths) == ["first.mp3", "first.txt", "second.m4a"]


def test_embedded_art_is_stored_once_and_shared(make_show, reads):
    root = make_show({f"ep{i}": {"audio": "tagged.mp3", "toml": f"date = 2014-01-0{i}\n"} for i in range(1, 5)})
    age(root)
    build(root)
    with sqlite3.connect(root / CACHE_DIR / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM blob").fetchone() == (1,)
    p = plan(root)
    arts = {id(e.audio.artwork.data) for e in p.episodes}
    assert len(arts) == 1


def test_the_process_pool_reads_the_same_as_one_process(make_show, reads, monkeypatch):
    episodes = {}
    formats = ["tagged.mp3", "tagged.m4a", "tagged.ogg", "tagged.opus", "tagged.flac", "vbr_noxing.mp3"]
    for i, audio in enumerate(formats * 2, 1):
        episodes[f"e{i:02d}"] = {"audio": audio, "text": (TEXTS / "radio_transcript.txt").read_text(),
                                 "toml": f"date = 2014-01-{i:02d}\ntitle = 'Episode {i}'\n"}
    root = make_show(episodes, show_toml=FLAC_SHOW)
    age(root)
    serial = plan(root, use_cache=False)
    # 24 reads: lower the threshold so that they go to two worker processes.
    monkeypatch.setattr(cache, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(cache, "JOBS_PER_WORKER", 4)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    jobs = []
    real_run_jobs = cache.run_jobs

    def spy(batch, progress=None):
        jobs.append(len(batch))
        return real_run_jobs(batch, progress)

    monkeypatch.setattr(cache, "run_jobs", spy)
    reads.reset()
    pooled = plan(root)
    assert jobs == [24]
    assert reads.audio == []  # read in the workers, not in this process
    assert pooled.files.keys() == serial.files.keys()
    for name, content in serial.files.items():
        assert made(pooled.files[name]) == made(content), name
    assert [e.stem for e in pooled.episodes] == [e.stem for e in serial.episodes]


def test_a_pool_that_cannot_start_leaves_the_reading_to_this_process(make_show, reads, monkeypatch):
    episodes = {f"e{i:02d}": {"audio": "tagged.mp3", "toml": f"date = 2014-01-{i:02d}\n"} for i in range(1, 13)}
    root = make_show(episodes)
    age(root)
    monkeypatch.setattr(cache, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(cache, "JOBS_PER_WORKER", 2)
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError(38, "no semaphores here (as on some sandboxes)")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", NoPool)
    p = plan(root)
    assert len(p.episodes) == 12
    assert len(reads.audio) == 12  # read here, each once


# --- Keys that survive a clone (issue 14, item 3) -----------------------------------------------
# A fresh clone (or a CI cache restored into one) gives every file a new
# inode and mtime: the stat signature misses, the content key finds it.


def clone(show: Path, where: Path, when: float = HOUR_AGO + 120) -> Path:
    """SHOW copied to WHERE, .feedtool-cache/ and public/ along, every file with
    a new inode (copytree) and a new mtime, as `git clone` and a restored cache make."""
    shutil.copytree(show, where)
    for path in where.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))
    return where


def test_a_clone_with_its_cache_reads_no_file_again(show, reads, hashed, tmp_path):
    build(show)
    copy = clone(show, tmp_path / "clone")
    reads.reset()
    hashed.clear()
    result = build(copy)
    assert reads.audio == [] and reads.texts == 0
    # Each file's content was keyed (inputs, and public/'s copies), and the
    # build found nothing changed.
    assert {"first.mp3", "first.txt", "second.m4a", "third.flac", "third.txt"} <= set(hashed)
    assert result.mode == "reused" and not result.changes.any
    assert snapshot(copy / "public") == snapshot(show / "public")
    # The clone's stats were recorded: its next build compares no content.
    hashed.clear()
    build(copy)
    assert reads.audio == [] and reads.texts == 0 and hashed == []
    # And a build from the clone is the build from scratch, byte for byte.
    fresh = plan(copy, use_cache=False)
    cached = plan(copy)
    assert cached.files.keys() == fresh.files.keys()
    for name, content in fresh.files.items():
        assert made(cached.files[name]) == made(content), name
    assert [e.loaded() for e in cached.episodes] == [e.loaded() for e in fresh.episodes]


def test_on_a_clone_a_renamed_episode_is_read_again(show, reads, tmp_path, cli):
    """Entries are found by path: a renamed file is a new file to the cache."""
    build(show)
    copy = clone(show, tmp_path / "clone")
    for suffix in (".mp3", ".txt", ".toml"):
        (copy / "episodes" / f"first{suffix}").rename(copy / "episodes" / f"renamed{suffix}")
    reads.reset()
    assert cli("build", copy).exit_code == 0  # the lock knows the audio: same GUID
    assert reads.audio == ["renamed.mp3"] and reads.texts == 1
    reads.reset()
    build(copy)
    assert reads.audio == [] and reads.texts == 0


def test_on_a_clone_a_retagged_file_is_read_again(show, reads, tmp_path):
    from mutagen.id3 import ID3, TIT2

    build(show)
    copy = clone(show, tmp_path / "clone")
    target = copy / "episodes" / "first.mp3"
    tags = ID3(target)
    tags.add(TIT2(encoding=3, text=["Retagged in the clone"]))
    tags.save(target)
    age(copy, HOUR_AGO + 180)
    reads.reset()
    build(copy)
    assert reads.audio == ["first.mp3"] and reads.texts == 0
    with cache.Cache(copy) as reader:
        assert reader(target).title == "Retagged in the clone"
    assert reads.audio == ["first.mp3"]  # that came from the cache


def test_on_a_clone_an_edited_text_is_cleaned_again(show, reads, tmp_path):
    build(show)
    copy = clone(show, tmp_path / "clone")
    text = copy / "episodes" / "third.txt"
    text.write_text(text.read_text().replace("a", "e", 1))  # the same size, other bytes
    age(copy, HOUR_AGO + 180)
    reads.reset()
    build(copy)
    assert reads.audio == [] and reads.texts == 1


def big_mp3(target: Path) -> Path:
    """An MP3 of well over 2 x cache.EDGE bytes: tagged.mp3 with more frames after it."""
    frames = (AUDIO / "untagged.mp3").read_bytes()
    target.write_bytes((AUDIO / "tagged.mp3").read_bytes() + frames * (3 * cache.EDGE // len(frames)))
    assert target.stat().st_size > 2 * cache.EDGE
    return target


def test_a_same_size_change_in_the_middle_of_an_audio_file_is_not_seen(make_show, reads, tmp_path):
    """The documented limit of the audio key (cache.py's docstring): the size
    and the first and last EDGE bytes are compared, not the middle."""
    root = make_show({"long": {"toml": "date = 2014-01-08\ntitle = 'Long'\n"}})
    big_mp3(root / "episodes" / "long.mp3")
    age(root)
    build(root)
    copy = clone(root, tmp_path / "clone")
    target = copy / "episodes" / "long.mp3"
    data = bytearray(target.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)  # "re-encoded" at the same size: another middle
    target.write_bytes(bytes(data))
    age(copy, HOUR_AGO + 180)
    reads.reset()
    build(copy)
    assert reads.audio == []  # not detected: the cached tags and duration are used
    # A change of size, or in the head or tail, is: here the last byte.
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    age(copy, HOUR_AGO + 240)
    build(copy)
    assert reads.audio == ["long.mp3"]


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_the_audio_key_covers_whole_tag_blocks_beyond_the_head_and_tail(tmp_path):
    """A tag block bigger than EDGE (an ID3v2 tag with a large cover) or an
    MP4 `moov` box in the middle is in the key, all of it; audio data in the
    middle is not."""
    edge = cache.EDGE
    # ID3v2: a 300 KiB tag (synchsafe size), then audio.
    tag = 300 * 1024
    synchsafe = bytes([(tag >> 21) & 0x7F, (tag >> 14) & 0x7F, (tag >> 7) & 0x7F, tag & 0x7F])
    mp3 = tmp_path / "big-tag.mp3"
    mp3.write_bytes(b"ID3\x04\x00\x00" + synchsafe + bytes(tag) + bytes(5 * edge))
    before = cache.content_key(mp3, "audio")
    _flip(mp3, 200 * 1024)  # inside the tag, past the first EDGE bytes
    assert cache.content_key(mp3, "audio") != before
    before = cache.content_key(mp3, "audio")
    _flip(mp3, 10 + tag + 2 * edge)  # audio data between the tag's end + EDGE and the tail
    assert cache.content_key(mp3, "audio") == before

    # MP4: ftyp, a large mdat, a moov of 200 KiB, a large free box at the end.
    def box(kind: bytes, body: bytes) -> bytes:
        return (8 + len(body)).to_bytes(4, "big") + kind + body

    m4a = tmp_path / "moov-in-the-middle.m4a"
    mdat = box(b"mdat", bytes(4 * edge))
    m4a.write_bytes(box(b"ftyp", b"M4A \x00\x00\x00\x00") + mdat + box(b"moov", bytes(200 * 1024))
                    + box(b"free", bytes(4 * edge)))
    moov_at = 16 + len(mdat)
    before = cache.content_key(m4a, "audio")
    _flip(m4a, moov_at + 100 * 1024)
    assert cache.content_key(m4a, "audio") != before
    before = cache.content_key(m4a, "audio")
    _flip(m4a, 16 + 2 * edge)  # in mdat: audio data
    assert cache.content_key(m4a, "audio") == before


def test_a_transcript_read_from_the_cache_is_still_on_its_page(make_show, cli):
    """The read cache keeps a text's sections out of memory; the episode
    page must still know that the transcript has something to show."""
    root = make_show()
    age(root)
    assert cli("build", root).exit_code == 0
    page = root / "public" / "episodes" / "first" / "index.html"
    first = page.read_bytes()
    assert b'class="transcript"' in first
    shutil.rmtree(root / "public")
    kept = plan(root).episodes
    assert isinstance(next(e for e in kept if e.stem == "first").text.sections, Kept)
    assert cli("build", root).exit_code == 0
    assert page.read_bytes() == first


def test_planning_a_build_loads_no_kept_text_but_the_feeds_notes(make_show, monkeypatch):
    """The read cache keeps cleaned texts out of memory (model.Kept) until a
    page or feed that shows them is made: planning a build from the cache
    loads the notes of the episodes in feed.xml (made at once) and nothing
    else, whatever STEM.toml says of the text."""
    texts = ["seed_her.txt", "magazine_qa.txt", "radio_transcript.txt"]
    episodes = {f"e{i}": {"audio": ("tagged.mp3", "tagged.m4a")[i % 2], "text": (TEXTS / texts[i % 3]).read_text(),
                          "toml": f"date = 2014-01-{i + 1:02d}\n" + ("transcript = true\n" if i % 4 == 1 else "")}
                for i in range(8)}
    root = make_show(episodes, show_toml=SHOW_TOML + "feed_limit = 2\n")
    age(root)
    build(root)
    shutil.rmtree(root / "public")
    loads: list[tuple[str, str]] = []
    real = cache._TextFields.load

    def spy(self, key, path, content, variant, name):
        loads.append((key, name))
        return real(self, key, path, content, variant, name)

    monkeypatch.setattr(cache._TextFields, "load", spy)
    planned = plan(root)
    assert [e.stem for e in planned.episodes[:2]] == ["e7", "e6"]
    assert sorted(loads) == [("episodes/e6.txt", "notes_html"), ("episodes/e7.txt", "notes_html")]
    assert made(planned.files["episodes/e1/index.html"]) and loads[2:]  # a page loads its text when made


def test_nothing_holds_the_cache_once_the_build_is_let_go(show):
    """A Kept carries its own loader, so the read cache of a build lives as
    long as its episodes and no longer: `feedtool serve` builds again after
    every edit, and a cache held for ever keeps a database open each time."""
    import gc

    build(show)
    gc.collect()
    before = len(cache._loaders)
    planned = plan(show)
    assert any(isinstance(e.text.sections, Kept) for e in planned.episodes if e.text)
    assert len(cache._loaders) == before + 1
    del planned
    gc.collect()
    assert len(cache._loaders) == before
