"""The public API (feedtool.load_show, feedtool.build, feedtool.check_feed):
a tiny show built through it alone, with no CLI in between."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

import feedtool
from conftest import AUDIO, SHOW_TOML


def tiny_show(tmp_path: Path, cover_png: Path, toml: str) -> Path:
    """A show of one episode, first.mp3 with first.toml holding TOML."""
    root = tmp_path / "show"
    (root / "episodes").mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW_TOML)
    shutil.copy(cover_png, root / "cover.png")
    shutil.copy(AUDIO / "tagged.mp3", root / "episodes" / "first.mp3")
    (root / "episodes" / "first.toml").write_text(toml)
    return root


def test_a_show_is_loaded_built_and_its_feed_checked_through_the_api(tmp_path: Path, cover_png: Path) -> None:
    root = tiny_show(tmp_path, cover_png, 'date = 2013-12-18T16:00:00Z\ntitle = "First Episode"\n')

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


def test_an_episode_from_the_api_gives_its_text_once_loaded(tmp_path: Path, cover_png: Path) -> None:
    """The read cache keeps a text's big fields as model.Kept tokens;
    Episode.loaded() gives them, as README.md says."""
    import os

    from feedtool.model import Kept

    root = tiny_show(tmp_path, cover_png, "date = 2013-12-18T16:00:00Z\n")
    (root / "episodes" / "first.txt").write_text("A Headline Of Ours\n\nThe first paragraph of the story, told "
                                                 "in full sentences so that it reads as prose. It goes on.\n")
    for path in (root / "episodes").iterdir():  # an hour old: the cache trusts it (cache.RACY_NS)
        os.utime(path, (path.stat().st_mtime - 3600,) * 2)
    feedtool.build(root)
    episode = feedtool.build(root, check=True).plan.episodes[0]
    assert isinstance(episode.notes_html, Kept)
    loaded = episode.loaded()
    assert "The first paragraph of the story" in loaded.notes_html
    assert loaded.text is not None and loaded.text.transcript().startswith("A Headline Of Ours\n\n")
