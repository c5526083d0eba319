"""write.commit makes many pages in forked copies of the build: the same
bytes as one process makes, and a page that fails in a copy stops the build
with its problem, leaving public/ as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TEXTS, snapshot

from feedtool.engine import write
from feedtool.engine.run import build


def many(make_show, n: int = 9):
    return make_show({f"ep{i:02d}": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                                     "toml": f'date = 2014-01-{i:02d}\ntitle = "Episode {i}"\ntranscript = true\n'}
                      for i in range(1, n + 1)})


@pytest.fixture
def forking(monkeypatch):
    """Every commit deals its files out, seven at a time, to forked copies,
    three at once (the threshold and the sizes are for speed and memory, not
    correctness); the forks are counted."""
    monkeypatch.setattr(write, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(write, "CHUNK", 7)
    monkeypatch.setattr(write, "_workers", lambda todo, files: 3)
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(write.os, "fork", fork)
    return pids


def test_forked_staging_writes_what_one_process_writes(make_show, tmp_path, forking, monkeypatch):
    root = many(make_show)
    build(root)
    made = len(forking)
    assert made > 3  # more copies than run at once: each new one waited for one to end
    forked = snapshot(root / "public")
    monkeypatch.setattr(write, "_workers", lambda todo, files: 1)
    serial = tmp_path / "serial"
    build(root, serial, use_cache=False)
    assert snapshot(serial) == forked
    assert len(forking) == made
    # Every page, transcript and archive a copy made is in place, none left staged.
    assert not [p for p in (root / "public").rglob("*") if p.name.endswith(write.TMP_SUFFIX)]


def test_a_page_failing_in_a_copy_stops_the_build_and_writes_nothing(make_show, cli, forking):
    root = many(make_show)
    (root / "templates").mkdir()
    (root / "templates" / "episode.html").write_text(
        '{% extends "base.html" %}\n{% block body %}\n<p>{{ episode.titel.upper() }}</p>\n{% endblock %}\n')
    result = cli("build", root)
    assert result.exit_code == 1
    assert "error: templates/episode.html:3:" in result.output
    assert "Traceback" not in result.output
    assert forking  # the pages were dealt out to copies
    assert not (root / "public").exists()


def test_a_failure_after_a_build_leaves_the_last_build_in_place(make_show, cli, forking):
    root = many(make_show)
    assert cli("build", root).exit_code == 0
    before = snapshot(root / "public")
    for toml in (root / "episodes").glob("*.toml"):
        toml.write_text(toml.read_text().replace('"\n', ' v2"\n'))
    (root / "templates").mkdir()
    (root / "templates" / "episode.html").write_text("{% extends 'base.html' %}{% block body %}{{ nope() }}"
                                                    "{% endblock %}")
    assert cli("build", root).exit_code == 1
    assert snapshot(root / "public") == before


def test_copies_get_runs_of_about_chunk_episodes_an_index_page_counting_its_cards(monkeypatch):
    monkeypatch.setattr(write, "CHUNK", 3)
    page = write.Deferred(("k",), lambda: b"", 1)
    index = write.Deferred(("k",), lambda: b"", 50)  # an index page of 50 episode cards
    files = {"a.html": page, "b.html": page, "c.html": page, "d.html": page, "index.html": index,
             "media/a.mp3": Path("a.mp3"), "x.html": page}
    names = ["a.html", "b.html", "c.html", "d.html", "index.html", "media/a.mp3", "x.html"]
    assert write._chunks(names, files) == [["a.html", "b.html", "c.html"], ["d.html"], ["index.html"],
                                           ["media/a.mp3", "x.html"]]
    # One episode's files go together: its page, transcripts and chapters sort side by side.
    assert sorted(["transcripts/b.txt", "episodes/a/index.html", "chapters/b.json", "transcripts/a.html"],
                  key=write._by_episode) == ["transcripts/a.html", "episodes/a/index.html",
                                             "transcripts/b.txt", "chapters/b.json"]


def test_the_templates_are_compiled_before_the_copies_fork(make_show):
    """Each forked copy would otherwise compile the page and transcript
    templates again (CPU and memory a copy, ~90 copies at 10,000 episodes)."""
    from feedtool.render import site
    from feedtool.sources import transcripts
    from feedtool.engine.run import plan

    transcripts.html_template.cache_clear()
    p = plan(many(make_show, 3))
    page = p.files["episodes/ep01/index.html"]
    assert isinstance(page, write.Deferred)  # nothing rendered yet...
    env = page.render.args[0]  # functools.partial(site._episode_page, env, ...)
    compiled = {name for _, name in env.cache.keys()}
    assert set(site.PAGE_TEMPLATES) <= compiled  # ...but its templates are ready
    assert transcripts.html_template.cache_info().currsize == 1


def test_a_template_that_does_not_compile_is_still_reported_by_name_and_line(make_show, cli):
    """Compiling ahead (site._compile) leaves a syntax error for the render,
    which reports it."""
    root = many(make_show, 3)
    (root / "templates").mkdir()
    (root / "templates" / "episode.html").write_text('{% extends "base.html" %}\n{% block body %}{{ oops(\n')
    result = cli("build", root)
    assert result.exit_code == 1
    assert "error: templates/episode.html:2:" in result.output
    assert "Traceback" not in result.output
    assert not (root / "public").exists()


def test_a_copy_makes_its_files_in_a_thread_of_its_own(tmp_path, forking):
    """A new thread gets a new malloc arena (glibc), so a copy's allocations
    do not copy the parent's shared pages (write._stage_child)."""
    import threading

    def where() -> bytes:
        return f"{os.getpid()} {threading.current_thread() is threading.main_thread()}".encode()

    files = {f"p{i}.txt": write.Deferred((f"k{i}",), where, 1) for i in range(10)}
    write.commit(tmp_path / "out", files, "feed.xml")
    made = [(tmp_path / "out" / name).read_text().split() for name in files]
    assert {pid for pid, _ in made} == set(map(str, forking))  # made by the copies...
    assert {main for _, main in made} == {"False"}  # ...off their main threads
    assert os.getpid() not in {int(pid) for pid, _ in made}


def test_the_next_run_starts_when_any_copy_ends_not_the_oldest(tmp_path, monkeypatch):
    """Two copies at a time, one file a run: the first run waits until the
    third has started, which it can only once the second run's copy has
    ended and freed its place (waiting for the oldest copy instead, the
    first run would wait for nothing and give up)."""
    import time

    monkeypatch.setattr(write, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(write, "CHUNK", 1)
    monkeypatch.setattr(write, "_workers", lambda todo, files: 2)
    started = tmp_path / "c-started"

    def first() -> bytes:
        for _ in range(200):  # at most 10 s: a guard, not a timing
            if started.exists():
                return b"went on once the third run started"
            time.sleep(0.05)
        return b"gave up waiting"

    def third() -> bytes:
        started.touch()
        return b"third"

    files = {"a.txt": write.Deferred(("ka",), first, 1), "b.txt": write.Deferred(("kb",), lambda: b"second", 1),
             "c.txt": write.Deferred(("kc",), third, 1)}
    write.commit(tmp_path / "out", files, "feed.xml")
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"went on once the third run started"
    assert (tmp_path / "out" / "c.txt").read_bytes() == b"third"


def test_the_copies_take_the_keys_of_the_files_they_make(tmp_path, forking):
    """Into an empty public/, the keys (digests of each file's inputs, for the
    next build's stamps) are taken by the copies that make the files, on
    every core, and reach the stamps as this process would take them."""
    from feedtool.render.fingerprint import digest

    files = {f"p{i}.txt": write.Deferred(("page", i), lambda i=i: f"page {i}".encode(), 1) for i in range(10)}
    files["odd.txt"] = write.Deferred((object(),), lambda: b"no key", 1)  # an input no key can walk
    changes = write.commit(tmp_path / "out", files, "feed.xml")
    assert forking
    assert not any("key" in vars(content) for content in files.values())  # none taken here
    assert {rel: stamp.key for rel, stamp in changes.stamps.items()} == {
        f"p{i}.txt": digest("page", i) for i in range(10)}
    assert {rel: stamp.stat for rel, stamp in changes.stamps.items()} == {
        rel: write.signature((tmp_path / "out" / rel).stat()) for rel in changes.stamps}
    assert (tmp_path / "out" / "odd.txt").read_bytes() == b"no key"
    # The next build finds every file with a key as it left it, without making it.
    again = write.compare(tmp_path / "out", files, changes.stamps)
    assert again.unchanged == 11 and not again.rendered and not again.changed
