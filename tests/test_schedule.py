"""Scheduled publishing (issue 16, item 1): an episode dated after the
build's "now" and a draft stay out of the feed, the archives, the site, the
site and the GUID lock; `--now`, SOURCE_DATE_EPOCH or the clock decide
"now"; and a build reused because nothing changed never keeps a due episode
out."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TEXTS, snapshot
from lxml import etree

from feedtool.engine import memo
from feedtool.engine import guids
from feedtool.engine.run import build

FEEDTOOL = str(Path(sys.executable).parent / "feedtool")


def episodes_of(feed: Path) -> list[str]:
    return etree.parse(str(feed)).xpath("//item/title/text()")


@pytest.fixture
def scheduled_show(make_show: Callable[..., Path]) -> Path:
    return make_show({
        "first": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                  "toml": 'date = 2013-12-18T16:00:00Z\ntitle = "Published"\n'},
        "later": {"audio": "tagged.m4a", "toml": 'date = 2099-05-01T09:00:00Z\ntitle = "Scheduled"\n'},
        "wip": {"audio": "tagged.ogg", "toml": 'date = 2014-01-08\ntitle = "Draft"\ndraft = true\n'},
    })


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FEEDTOOL, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def test_future_and_draft_episodes_are_left_out_everywhere(scheduled_show: Path) -> None:
    result = run("build", str(scheduled_show))
    assert result.returncode == 0, result.stderr
    public = scheduled_show / "public"
    assert episodes_of(public / "feed.xml") == ["Published"]
    # (No sitemap.xml is made yet; the site is made from the same published episodes.)
    text = (public / "index.html").read_text()
    assert "later" not in text and "wip" not in text and "Scheduled" not in text
    assert not (public / "episodes" / "later").exists() and not (public / "media" / "later.m4a").exists()
    assert not (public / "episodes" / "wip").exists()
    # No GUID is given before an episode goes out (schedule.py).
    lock = json.loads((scheduled_show / guids.LOCK_NAME).read_text())
    assert sorted(lock["episodes"]) == ["first"]
    assert "scheduled for 2099-05-01 09:00 UTC: Scheduled (episodes/later), not published" in result.stderr
    assert "draft: Draft (episodes/wip), not published" in result.stderr
    assert "1 episode," in result.stderr


def test_now_publishes_what_is_due_then_and_is_byte_stable(scheduled_show: Path, tmp_path: Path) -> None:
    copies = []
    for n in (1, 2):
        copy = tmp_path / f"copy{n}"
        shutil.copytree(scheduled_show, copy)
        result = run("build", str(copy), "--now", "2099-05-01T09:00:00Z")
        assert result.returncode == 0, result.stderr
        copies.append(copy)
    feed = copies[0] / "public" / "feed.xml"
    assert episodes_of(feed) == ["Scheduled", "Published"]  # the draft never, whatever "now" is
    assert "episodes/later/" in (copies[0] / "public" / "index.html").read_text()
    assert snapshot(copies[0] / "public") == snapshot(copies[1] / "public")
    assert (copies[0] / guids.LOCK_NAME).read_bytes() == (copies[1] / guids.LOCK_NAME).read_bytes()
    # A second before its date it is still scheduled.
    early = run("build", str(scheduled_show), "--now", "2099-05-01T08:59:59Z")
    assert episodes_of(scheduled_show / "public" / "feed.xml") == ["Published"], early.stderr


def test_source_date_epoch_is_now_when_no_now_is_given(scheduled_show: Path) -> None:
    when = int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp())
    result = run("build", str(scheduled_show), env={"SOURCE_DATE_EPOCH": str(when)})
    assert result.returncode == 0, result.stderr
    assert episodes_of(scheduled_show / "public" / "feed.xml") == ["Scheduled", "Published"]
    # --now wins over SOURCE_DATE_EPOCH.
    result = run("build", str(scheduled_show), "--now", "2020-01-01", env={"SOURCE_DATE_EPOCH": str(when)})
    assert result.returncode == 0, result.stderr
    assert episodes_of(scheduled_show / "public" / "feed.xml") == ["Published"]


def test_a_bad_now_is_a_usage_error(scheduled_show: Path) -> None:
    result = run("build", str(scheduled_show), "--now", "next tuesday")
    assert result.returncode == 2 and "--now" in result.stderr and "Traceback" not in result.stderr
    result = run("build", str(scheduled_show), env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.returncode == 1 and "SOURCE_DATE_EPOCH" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_draft_value_names_the_file_and_field(make_show: Callable[..., Path]) -> None:
    root = make_show({"a": {"audio": "tagged.mp3", "toml": 'date = 2014-01-08\ndraft = "maybe"\n'}})
    result = run("build", str(root))
    assert result.returncode == 1 and "episodes/a.toml" in result.stderr and "draft" in result.stderr


def test_episodes_lists_scheduled_and_draft_with_their_dates(scheduled_show: Path) -> None:
    result = run("episodes", "--show", str(scheduled_show), "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["stem"]: r for r in json.loads(result.stdout)["episodes"]}
    assert rows["first"]["status"] == "published"
    assert rows["later"]["status"] == "scheduled" and rows["later"]["date"] == "2099-05-01T09:00:00+00:00"
    assert rows["wip"]["status"] == "draft"
    table = run("episodes", "--show", str(scheduled_show))
    assert "2099-05-01 09:00" in table.stdout and "scheduled" in table.stdout and "draft" in table.stdout
    later = run("episodes", "--show", str(scheduled_show), "--json", "--now", "2100-01-01")
    assert {r["stem"]: r["status"] for r in json.loads(later.stdout)["episodes"]}["later"] == "published"


def test_a_published_episode_made_a_draft_keeps_its_guid(scheduled_show: Path) -> None:
    later = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    build(scheduled_show, now=later)
    lock_path = scheduled_show / guids.LOCK_NAME
    guid = json.loads(lock_path.read_text())["episodes"]["first"]["guid"]
    toml = scheduled_show / "episodes" / "first.toml"
    toml.write_text(toml.read_text() + "draft = true\n")
    result = build(scheduled_show, now=later)
    assert [e.stem for e in result.plan.episodes] == ["later"]
    assert json.loads(lock_path.read_text())["episodes"]["first"]["guid"] == guid  # no GUID-LOST, kept
    toml.write_text(toml.read_text().replace("draft = true\n", ""))
    result = build(scheduled_show, now=later)
    assert [e.guid for e in result.plan.episodes if e.stem == "first"] == [guid]


def test_a_scheduled_episode_renamed_before_it_goes_out_needs_nothing(scheduled_show: Path) -> None:
    build(scheduled_show)
    episodes = scheduled_show / "episodes"
    for suffix in (".m4a", ".toml"):
        (episodes / f"later{suffix}").rename(episodes / f"renamed{suffix}")
    result = build(scheduled_show, now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert sorted(e.stem for e in result.plan.episodes) == ["first", "renamed"]
    assert not any(p.rule == "GUID-LOST" for p in result.plan.problems)


def test_the_clock_passing_a_scheduled_date_is_a_change(make_show: Callable[..., Path]) -> None:
    """A build that finds nothing changed (memo.py) is reused, until the
    earliest scheduled date passes: then the build is a full one and the
    episode is out. Real clock, a few seconds' wait."""
    due = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=4)
    root = make_show({
        "first": {"audio": "tagged.mp3", "toml": 'date = 2013-12-18T16:00:00Z\ntitle = "Published"\n'},
        "soon": {"audio": "tagged.m4a", "toml": f'date = {due:%Y-%m-%dT%H:%M:%SZ}\ntitle = "Soon"\n'},
    })
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    build(root)  # writes the GUID lock
    hour_ago = time.time() - 3600
    for path in [root / "podcast.toml", root / "cover.png", *(root / "episodes").rglob("*")]:
        os.utime(path, (hour_ago, hour_ago))
    first = build(root)  # settled inputs: recorded
    assert [e.stem for e in first.plan.episodes] == ["first"]
    again = build(root)
    assert again.mode == "reused" and len(again.plan.episodes) == 1
    assert valid_until(root) == due.timestamp()  # the record ends when the episode falls due
    time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()) + 1.1)
    out = build(root)
    assert out.mode == "full" and [e.stem for e in out.plan.episodes] == ["soon", "first"]
    assert episodes_of(root / "public" / "feed.xml") == ["Soon", "Published"]
    # The lock gained the episode's GUID; once that settles, builds are reused again.
    os.utime(root / guids.LOCK_NAME, (hour_ago, hour_ago))
    build(root)
    assert valid_until(root) is None
    assert build(root).mode == "reused"


def valid_until(root: Path) -> float | None:
    last = memo.last_build(root, root / "public")
    assert last is not None
    return last.report["valid_until"]  # type: ignore[no-any-return]


def test_the_record_ends_at_the_next_scheduled_date() -> None:
    now = dt.datetime.now(dt.UTC)
    later, latest = now + dt.timedelta(hours=1), now + dt.timedelta(days=3)
    past = now - dt.timedelta(days=1)
    report = memo._report([], [past], [], "feed.xml", None, scheduled=[latest, later])
    assert report["valid_until"] == later.timestamp() and report["episodes"] == 1
    assert memo._report([], [past], [], "feed.xml", None)["valid_until"] is None
