"""The tags issue 16 (item 6) adds: keywords on the site, itunes:block,
itunes:complete, podcast:updateFrequency, podcast:podroll, podcast:value and
podcast:season names; each validated with file and field, each written as
its spec says, and each passing `feedtool check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NS, SHOW_TOML
from lxml import etree, html

from feedtool.check.feed import check_feed
from feedtool.engine.run import build
from feedtool.problems import FeedtoolError

TAGS = SHOW_TOML + '''\
block = true
complete = true
season_names = { 1 = "The First Year" }

[update_frequency]
text = "Weekly on Mondays"
rrule = "FREQ=WEEKLY;BYDAY=MO"

[[podroll]]
feed_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
feed_url = "https://friends.example.org/feed.xml"
title = "A Friend's Show"

[value]
type = "lightning"
method = "keysend"
suggested = "0.00000005000"

[[value.recipients]]
name = "Host"
type = "node"
address = "02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52"
split = 90

[[value.recipients]]
name = "Podcast Index"
type = "node"
address = "03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a"
split = 10
fee = true
'''


def test_the_tags_are_written_and_pass_check(make_show: Callable[..., Path]) -> None:
    root = make_show({
        "first": {"audio": "tagged.mp3", "toml": 'date = 2013-12-18\nseason = 1\nepisode = 1\n'
                  'keywords = ["film", "love & loss"]\nblock = true\n'},
        "second": {"audio": "tagged.m4a", "toml": "date = 2014-01-08\nseason = 2\n"},
    }, show_toml=TAGS)
    build(root)
    data = (root / "public" / "feed.xml").read_bytes()
    feed = etree.fromstring(data)
    ch = feed.find("channel")
    assert ch.findtext("itunes:block", namespaces=NS) == "yes" and ch.findtext("itunes:complete", namespaces=NS) == "yes"
    uf = ch.find("podcast:updateFrequency", NS)
    assert uf.text == "Weekly on Mondays" and uf.get("rrule") == "FREQ=WEEKLY;BYDAY=MO"
    items = ch.findall("podcast:podroll/podcast:remoteItem", NS)
    assert [(i.get("feedGuid"), i.get("feedUrl")) for i in items] == [
        ("917393e3-1b1e-5cef-ace4-edaa54e1f810", "https://friends.example.org/feed.xml")]
    value = ch.find("podcast:value", NS)
    assert (value.get("type"), value.get("method"), value.get("suggested")) == ("lightning", "keysend", "0.00000005000")
    assert [(r.get("name"), r.get("split"), r.get("fee")) for r in value.findall("podcast:valueRecipient", NS)] == [
        ("Host", "90", None), ("Podcast Index", "10", "true")]
    first, second = (i for i in reversed(ch.findall("item")))
    assert first.find("podcast:season", NS).get("name") == "The First Year"
    assert second.find("podcast:season", NS).get("name") is None  # no name given for season 2
    assert first.findtext("itunes:block", namespaces=NS) == "yes" and second.find("itunes:block", NS) is None
    assert first.find("itunes:keywords", NS) is None  # deprecated by Apple in 2017: not written
    found = check_feed(data)
    assert not [p for p in found if p.is_error], [str(p) for p in found if p.is_error]
    assert {p.rule for p in found} >= {"APL-BLOCKED"}  # check agrees: the show is hidden from Apple
    page = html.parse(str(root / "public" / "episodes" / "first" / "index.html"))
    assert page.xpath('//meta[@name="keywords"]/@content') == ["film, love & loss"]
    ld = json.loads(page.xpath('//script[@type="application/ld+json"]')[0].text)
    assert ld["keywords"] == "film, love & loss" and ld["@type"] == "PodcastEpisode" and ld["episodeNumber"] == 1


@pytest.mark.parametrize(("toml", "field", "words"), [
    ('block = "yes"\n', "block", "true or false"),
    ('[update_frequency]\ntext = "Weekly"\nrrule = "every week"\n', "update_frequency", "RFC 5545"),
    ('[[podroll]]\nfeed_url = "https://x.example/feed.xml"\n', "podroll", "feed_guid"),
    ('[[podroll]]\nfeed_guid = "not-a-uuid"\n', "podroll", "UUID"),
    ('[value]\ntype = "lightning"\nmethod = "keysend"\nrecipients = []\n', "value", "at least one"),
    ('[value]\ntype = "lightning"\nmethod = "keysend"\n[[value.recipients]]\ntype = "node"\naddress = "x"\n',
     "value", "split"),
    ('season_names = { first = "x" }\n', "season_names", "season number"),
])
def test_bad_values_name_the_file_and_field(make_show: Callable[..., Path], toml: str, field: str,
                                            words: str) -> None:
    root = make_show(show_toml=SHOW_TOML + toml)
    with pytest.raises(FeedtoolError) as caught:
        build(root)
    problems = [p for p in caught.value.problems if p.field == field]
    assert problems and problems[0].path == "podcast.toml", [str(p) for p in caught.value.problems]
    assert words in problems[0].message, problems[0].message
