"""Download measurement (issue 16, item 2): stats_prefix puts a service's
prefix before every enclosure URL, as OP3 and Podtrac document it (the URL
without its https://), and changes nothing else: not the GUIDs, not what
public/media/ holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
from conftest import NS, SHOW_TOML
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from feedtool.check.feed import check_feed
from feedtool.config.stats import prefixed, stats_prefix
from feedtool.engine import guids
from feedtool.engine.run import build
from feedtool.problems import FeedtoolError

OP3 = 'stats_prefix = "https://op3.dev/e/"\n'


def enclosures(feed: Path) -> list[str]:
    return etree.parse(str(feed)).xpath("//item/enclosure/@url")


def test_op3_prefix_before_every_enclosure_and_nothing_else_changes(make_show: Callable[..., Path],
                                                                     tmp_path: Path) -> None:
    plain = make_show(root=tmp_path / "plain")
    counted = make_show(show_toml=SHOW_TOML + OP3, root=tmp_path / "counted")
    build(plain)
    build(counted)
    before, after = enclosures(plain / "public" / "feed.xml"), enclosures(counted / "public" / "feed.xml")
    assert before == ["https://example.com/show/media/second.m4a", "https://example.com/show/media/first.mp3"]
    assert after == ["https://op3.dev/e/example.com/show/media/second.m4a",
                     "https://op3.dev/e/example.com/show/media/first.mp3"]
    # The same files in public/media/, the same GUIDs.
    assert sorted(p.name for p in (plain / "public" / "media").iterdir()) == \
        sorted(p.name for p in (counted / "public" / "media").iterdir()) == ["first.mp3", "second.m4a"]
    lock = [json.loads((root / guids.LOCK_NAME).read_text()) for root in (plain, counted)]
    assert {k: v["guid"] for k, v in lock[0]["episodes"].items()} == \
        {k: v["guid"] for k, v in lock[1]["episodes"].items()}
    data = (counted / "public" / "feed.xml").read_bytes()
    assert not [p for p in check_feed(data) if p.is_error]
    parsed = feedparser.parse(data)
    assert parsed.entries[0].enclosures[0].href == after[0]
    # The site's players and download links count too.
    page = (counted / "public" / "episodes" / "first" / "index.html").read_text()
    assert 'src="https://op3.dev/e/example.com/show/media/first.mp3"' in page


def test_chained_prefixes_and_a_plain_http_media_host(make_show: Callable[..., Path]) -> None:
    root = make_show(show_toml=SHOW_TOML + 'stats_prefix = "https://op3.dev/e/dts.podtrac.com/redirect.mp3/"\n'
                     'media_base_url = "http://cdn.example.net/audio/"\n')
    build(root)
    feed = etree.parse(str(root / "public" / "feed.xml"))
    assert feed.xpath("//item/enclosure/@url") == [
        "https://op3.dev/e/dts.podtrac.com/redirect.mp3/http://cdn.example.net/audio/second.m4a",
        "https://op3.dev/e/dts.podtrac.com/redirect.mp3/http://cdn.example.net/audio/first.mp3"]
    assert not (root / "public" / "media").exists()  # media_base_url: uploaded elsewhere, never copied
    assert feed.xpath("//itunes:duration/text()", namespaces=NS)


def test_a_bad_prefix_names_the_file_and_the_field(make_show: Callable[..., Path]) -> None:
    for bad, words in (('"http://op3.dev/e/"', "https"), ('"https://op3.dev/e"', "end with '/'"),
                       ('"https://op3.dev/e/?x=1/"', "query"), ("3", "expected")):
        try:
            stats_prefix(json.loads(bad) if bad != "3" else 3)
        except ValueError as exc:
            assert words in str(exc)
        else:
            raise AssertionError(bad)
    root = make_show(show_toml=SHOW_TOML + 'stats_prefix = "op3.dev/e/"\n')
    try:
        build(root)
    except FeedtoolError as exc:
        assert any(p.path == "podcast.toml" and p.field == "stats_prefix" for p in exc.problems)
    else:
        raise AssertionError("built with a bad stats_prefix")


@given(st.from_regex(r"\Ahttps?://[a-z0-9.-]{1,20}(/[A-Za-z0-9._~%-]{0,12}){0,4}\Z"))
def test_the_real_url_is_always_recoverable(url: str) -> None:
    counted = prefixed("https://op3.dev/e/", url)
    rest = counted[len("https://op3.dev/e/"):]
    assert (rest if rest.startswith("http://") else "https://" + rest) == url
    assert prefixed(None, url) == url
