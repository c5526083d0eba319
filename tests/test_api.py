"""The public API (feedtool.load_show, feedtool.build, feedtool.check_feed):
a tiny show built through it alone, with no CLI in between."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

import feedtool
from conftest import AUDIO, SHOW_TOML


def test_a_show_is_loaded_built_and_its_feed_checked_through_the_api(tmp_path: Path, cover_png: Path) -> None:
    root = tmp_path / "show"
    (root / "episodes").mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW_TOML)
    shutil.copy(cover_png, root / "cover.png")
    shutil.copy(AUDIO / "tagged.mp3", root / "episodes" / "first.mp3")
    (root / "episodes" / "first.toml").write_text('date = 2013-12-18T16:00:00Z\ntitle = "First Episode"\n')

    show, problems = feedtool.load_show(root)
    assert show is not None and show.title == "Test Show"
    assert [p for p in problems if p.is_error] == []

    result = feedtool.build(root)
    assert result.written
    assert [p for p in result.plan.problems if p.is_error] == []
    assert [ep.title for ep in result.plan.episodes] == ["First Episode"]

    feed = (root / "public" / "feed.xml").read_bytes()
    assert b"<title>First Episode</title>" in feed
    assert [p for p in feedtool.check_feed(feed, source="feed.xml") if p.is_error] == []

    # Built again with check=True: nothing would change.
    assert not feedtool.build(root, check=True).changes.any


def test_the_api_is_the_four_names_and_the_installed_version() -> None:
    assert sorted(feedtool.__all__) == ["__version__", "build", "check_feed", "load_show"]
    assert all(callable(getattr(feedtool, name)) for name in ("build", "check_feed", "load_show"))
    assert feedtool.__version__ == metadata.version("feedtool")
