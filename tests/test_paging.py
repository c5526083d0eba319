"""feed_limit: the newest episodes in feed.xml, every older one in exactly
one archive feed, linked as RFC 5005 paged and archived feeds; archives are
stable, made only when they change, and each is a valid feed; the build
reports the feed's size and warns (FEED-SIZE) above 5,000,000 bytes."""

from __future__ import annotations

import json
from pathlib import Path

import podcastparser
from conftest import NS, SHOW_TOML, TEXTS, copy_audio
from lxml import etree

from feedtool.render import paging
from feedtool.engine.run import build, plan
from feedtool.check.feed import check_feed

BASE = "https://example.com/show/"


def show_with(make_show, n: int, limit: int | None = 3, text: str | None = None) -> Path:
    episodes = {}
    for i in range(1, n + 1):
        files = {"audio": "tagged.mp3" if i % 2 else "tagged.m4a",
                 "toml": f'date = 2014-01-{i:02d}T10:00:00Z\ntitle = "Episode {i}"\n'}
        if text is not None:
            files["text"] = text.replace("Spike Jonze Opens His Heart For 'Her'", f"Headline {i}")
        episodes[f"ep{i:02d}"] = files
    toml = SHOW_TOML + (f"feed_limit = {limit}\n" if limit else "")
    return make_show(episodes, show_toml=toml)


def parse(root: Path, url: str) -> etree._Element:
    assert url.startswith(BASE), url
    return etree.parse(str(root / "public" / url[len(BASE):])).getroot().find("channel")


def links(channel: etree._Element) -> dict[str, str]:
    found = {}
    for link in channel.findall("atom:link", NS):
        assert link.get("rel") not in found, f"two rel={link.get('rel')} links"
        found[link.get("rel")] = link.get("href")
    return found


def titles(channel: etree._Element) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def test_following_next_from_the_feed_collects_every_episode_once(make_show):
    root = show_with(make_show, 8, limit=3)
    result = build(root)
    assert result.plan.archives == ("feed-archive-2.xml", "feed-archive-1.xml")
    seen: list[str] = []
    guids: list[str] = []
    url: str | None = BASE + "feed.xml"
    visited = []
    while url:
        assert url not in visited, "the next links go round in a circle"
        visited.append(url)
        channel = parse(root, url)
        seen += titles(channel)
        guids += [item.findtext("guid") for item in channel.findall("item")]
        url = links(channel).get("next")
    assert visited == [BASE + "feed.xml", BASE + "feed-archive-2.xml", BASE + "feed-archive-1.xml"]
    assert seen == [f"Episode {i}" for i in range(8, 0, -1)]  # each once, newest first
    assert len(set(guids)) == 8


def test_each_document_links_the_series_both_ways(make_show):
    root = show_with(make_show, 8, limit=3)
    build(root)
    feed, newest, oldest = (parse(root, BASE + name) for name in
                            ("feed.xml", "feed-archive-2.xml", "feed-archive-1.xml"))
    a1, a2 = BASE + "feed-archive-1.xml", BASE + "feed-archive-2.xml"
    assert links(feed) == {"self": BASE + "feed.xml", "first": BASE + "feed.xml", "next": a2, "last": a1,
                           "prev-archive": a2}
    assert links(newest) == {"self": a2, "first": BASE + "feed.xml", "previous": BASE + "feed.xml", "next": a1,
                             "last": a1, "current": BASE + "feed.xml", "prev-archive": a1}
    assert links(oldest) == {"self": a1, "first": BASE + "feed.xml", "previous": a2, "last": a1,
                             "current": BASE + "feed.xml", "next-archive": a2}
    # Archives are counted from the oldest episode (RFC 5005 §4: an archive
    # does not change once published), so the newest archive is the short one.
    assert titles(oldest) == ["Episode 3", "Episode 2", "Episode 1"]
    assert titles(newest) == ["Episode 5", "Episode 4"]
    assert titles(feed) == ["Episode 8", "Episode 7", "Episode 6"]
    # The paging links come right after the self link, before any item.
    children = [c.tag for c in feed]
    assert children.index(f"{{{NS['atom']}}}link") < children.index("item")


def test_every_archive_is_a_valid_feed_with_the_shows_channel(make_show):
    root = show_with(make_show, 7, limit=2)
    build(root)
    for name in ["feed.xml", *(f"feed-archive-{k}.xml" for k in (1, 2, 3))]:
        data = (root / "public" / name).read_bytes()
        assert [p for p in check_feed(data, source=name) if p.is_error] == [], name
        channel = etree.fromstring(data).find("channel")
        assert channel.findtext("title") == "Test Show"
        assert channel.find("itunes:image", NS) is not None
        assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "tess@example.com"


def test_podcastparser_sees_a_paged_feed(make_show):
    root = show_with(make_show, 5, limit=2)
    build(root)
    with open(root / "public" / "feed.xml", "rb") as f:
        parsed = podcastparser.parse(BASE + "feed.xml", f)
    assert parsed["paged_feed_first"] == BASE + "feed.xml"
    assert parsed["paged_feed_next"] == BASE + "feed-archive-2.xml"
    assert [e["title"] for e in parsed["episodes"]] == ["Episode 5", "Episode 4"]


def test_a_show_within_the_limit_gets_no_archives_and_the_same_feed(make_show, tmp_path):
    limited = show_with(make_show, 3, limit=3)
    build(limited)
    assert not list((limited / "public").glob("feed-archive-*"))
    assert links(parse(limited, BASE + "feed.xml")) == {"self": BASE + "feed.xml"}
    toml = limited / "podcast.toml"
    toml.write_text(toml.read_text().replace("feed_limit = 3\n", ""))
    assert plan(limited).feed_bytes == (limited / "public" / "feed.xml").read_bytes()


def test_a_new_episode_changes_the_feed_and_the_newest_archive_only(make_show):
    root = show_with(make_show, 8, limit=3)
    build(root)
    oldest = (root / "public" / "feed-archive-1.xml").read_bytes()
    episodes = root / "episodes"
    copy_audio(episodes / "ep01.mp3", episodes / "ep09.mp3", "ep09")  # its own audio: a duplicate is an error
    (episodes / "ep09.toml").write_text('date = 2014-01-09T10:00:00Z\ntitle = "Episode 9"\n')
    result = build(root)
    feeds = sorted(p for p in result.changes.added + result.changes.changed if p.startswith("feed"))
    assert feeds == ["feed-archive-2.xml", "feed.xml"]
    assert (root / "public" / "feed-archive-1.xml").read_bytes() == oldest
    assert titles(parse(root, BASE + "feed-archive-2.xml")) == ["Episode 6", "Episode 5", "Episode 4"]


def test_archives_are_made_only_when_they_change(make_show, monkeypatch):
    root = show_with(make_show, 8, limit=3)
    build(root)
    # The first build wrote the GUID lock, and the model says where each GUID
    # came from: a second full build keys its outputs as the next will.
    (root / "podcast.toml").write_text((root / "podcast.toml").read_text() + "\n")
    assert build(root).mode == "full"
    made: list[str] = []
    real = paging.render

    def counting(show, page, *args):
        made.append(page.name)
        return real(show, page, *args)

    monkeypatch.setattr(paging, "render", counting)
    # A change to podcast.toml that changes no output: a full build, which
    # makes the feed (always) and no archive (their keys are as before).
    (root / "podcast.toml").write_text((root / "podcast.toml").read_text() + "\n# a comment\n")
    result = build(root)
    assert result.mode == "full"
    assert made == ["feed.xml"] and not result.changes.any
    # Edit an old episode: only its archive is made again.
    (root / "episodes" / "ep02.toml").write_text('date = 2014-01-02T10:00:00Z\ntitle = "Episode 2, revised"\n')
    made.clear()
    result = build(root)
    # An incremental build (engine/patch.py): not even the feed, which does not hold it.
    assert result.mode == "patched" and made == ["feed-archive-1.xml"]
    assert "Episode 2, revised" in titles(parse(root, BASE + "feed-archive-1.xml"))


def test_an_archive_edited_in_public_is_written_again(make_show):
    root = show_with(make_show, 6, limit=2)
    build(root)
    target = root / "public" / "feed-archive-1.xml"
    good = target.read_bytes()
    target.write_bytes(good.replace(b"Episode 1", b"Episode X"))
    result = build(root)
    assert result.changes.changed == ["feed-archive-1.xml"]
    assert target.read_bytes() == good


def test_archives_of_a_shrunk_show_are_removed(make_show, cli):
    root = show_with(make_show, 7, limit=2)
    build(root)
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text().replace("feed_limit = 2", "feed_limit = 4"))
    result = build(root)
    assert result.changes.removed == ["feed-archive-2.xml", "feed-archive-3.xml"]
    assert sorted(p.name for p in (root / "public").glob("feed-archive-*")) == ["feed-archive-1.xml"]


def test_the_summary_reports_the_size_and_the_archives(make_show, cli):
    root = show_with(make_show, 5, limit=2)
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    size = (root / "public" / "feed.xml").stat().st_size
    assert "5 episodes (the newest 2 in the feed, the rest in 2 archive feeds)" in result.output
    assert f"Feed size {size / 1000:.1f} KB." in result.output
    report = json.loads(cli("build", root, "--json").stdout)
    assert report["feed_size"] == size
    assert report["archives"] == ["feed-archive-2.xml", "feed-archive-1.xml"]


def test_a_feed_over_five_megabytes_warns_and_feed_limit_cures_it(make_show, cli):
    # Five episodes whose show notes are 1.3 MB each: a 6.4 MB feed.
    seed = (TEXTS / "seed_her.txt").read_text()
    head, tail = seed.split("Interview Highlights", 1)
    long_text = head + "Interview Highlights" + tail.split("Copyright", 1)[0] * 400
    root = show_with(make_show, 5, limit=None, text=long_text)
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert (root / "public" / "feed.xml").stat().st_size > 5_000_000
    assert "warning: podcast.toml: feed_limit: feed.xml is 6," in result.output
    report = json.loads(cli("build", root, "--json").stdout)
    [size] = [p for p in report["problems"] if p["rule"] == "FEED-SIZE"]
    assert size["path"] == "podcast.toml" and size["field"] == "feed_limit" and size["severity"] == "warning"
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text() + "feed_limit = 1\n")
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert "FEED-SIZE" not in result.output and "feed_limit:" not in result.output
    assert (root / "public" / "feed.xml").stat().st_size < 5_000_000


def test_feed_limit_must_be_a_positive_whole_number(make_show, cli):
    root = show_with(make_show, 2, limit=None)
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text() + "feed_limit = 0\n")
    result = cli("build", root)
    assert result.exit_code == 1
    assert "podcast.toml:" in result.output and "feed_limit: expected a number of 1 or more, got 0" in result.output
