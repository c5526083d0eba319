"""The podcast: namespace in built feeds: every channel and item tag with its
attributes, podcast:guid derivation and persistence, the config checks of
the P20 keys, alternate enclosures, and that real parsers still read it."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import uuid

import feedparser
import podcastparser
import pytest
from conftest import AUDIO, NS, SHOW_TOML, TEXTS
from feedgen.feed import FeedGenerator
from lxml import etree

from feedtool.config import load as config
from feedtool.engine.run import plan
from feedtool.check.feed import check_feed
from feedtool.model import Funding, Person
from feedtool.render.podcast20 import (
    PODCAST_NS,
    PSC_NS,
    Podcast20EntryExtension,
    Podcast20Extension,
    derive_guid,
    npt,
)
from feedtool.problems import FeedtoolError

P20_SHOW = SHOW_TOML + """\
locked = true
medium = "podcast"
license = "cc-by-4.0"
location = { name = "Austin, TX", geo = "30.2672,-97.7431", osm = "R113314", country = "us", rel = "creator" }
txt = ["plain verification", { text = "S6lpp-7ZCn8-dZfGc", purpose = "applepodcastsverify" }]

[[funding]]
url = "https://example.com/donate"
text = "Support the show"

[[person]]
name = "Tess Ting"
role = "Host"
img = "https://example.com/tess.jpg"
href = "https://example.com/tess"

[[person]]
name = "Pat Roducer"
role = "producer"

[[trailer]]
url = "https://example.com/trailer.mp3"
title = "Coming soon"
pubdate = 2013-12-01T10:00:00Z
length = 12345
type = "audio/mpeg"
season = 1
"""

P20_EPISODE = """\
date = 2013-12-18T16:00:00Z
season = 2
episode = 7
license = { identifier = "my-license", url = "https://example.com/license" }
location = [{ name = "Los Angeles", geo = "geo:34.05,-118.24", country = "US", rel = "subject" }]

[[person]]
name = "Spike Jonze"
role = "guest"
href = "https://example.com/spike"

[[soundbite]]
start = 0.5
duration = 2
title = "The best bit"

[[soundbite]]
start = "00:00:01.25"
duration = 1.5

[[funding]]
url = "https://example.com/episode-fund"
text = "Fund this one"

[[alternate_enclosure]]
file = "first-low.ogg"
title = "Ogg Vorbis"
default = true

[[alternate_enclosure]]
url = "https://cdn.example.com/first.opus"
length = 4321
type = "audio/opus"
bitrate = 16000
"""


def full_show(make_show):
    root = make_show({"first": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                                "toml": "transcript = true\n" + P20_EPISODE}}, show_toml=P20_SHOW)
    shutil.copy(AUDIO / "tagged.ogg", root / "episodes" / "first-low.ogg")
    return root


def built(root, cli):
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return etree.parse(str(root / "public" / "feed.xml")).getroot()


def attrs(el):
    return dict(el.attrib), el.text


# --- podcast:guid ----------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    # P20 docs/tags/guid.md's own examples.
    ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("http://podnews.net/rss//", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
])
def test_podcast_guid_is_uuid5_of_the_url_without_scheme_and_slashes(url, expected):
    assert derive_guid(url) == expected


def test_podcast_guid_is_written_once_and_survives_a_move(make_show, cli):
    root = make_show()
    guid = built(root, cli).findtext("channel/podcast:guid", namespaces=NS)
    assert guid == derive_guid("https://example.com/show/feed.xml")
    lock = json.loads((root / "episodes" / "feedtool.lock").read_text())
    assert lock["podcast_guid"] == guid
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text().replace("https://example.com/show/", "https://new.example.org/pod/"))
    ch = built(root, cli).find("channel")
    assert ch.find("atom:link[@rel='self']", NS).get("href") == "https://new.example.org/pod/feed.xml"
    assert ch.findtext("podcast:guid", namespaces=NS) == guid


def test_podcast_guid_from_toml_is_kept_and_may_not_change(make_show, cli):
    mine = "0d7b1f4e-2c4a-4a8e-9a53-3b9f6a1c2d3e"
    root = make_show(show_toml=SHOW_TOML + f'guid = "{mine}"\n')
    assert built(root, cli).findtext("channel/podcast:guid", namespaces=NS) == mine
    assert json.loads((root / "episodes" / "feedtool.lock").read_text())["podcast_guid"] == mine
    toml = root / "podcast.toml"
    other = str(uuid.uuid4())
    toml.write_text(toml.read_text().replace(mine, other))
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    assert [str(p) for p in exc.value.problems if p.is_error] == [
        (f"podcast.toml: guid: is '{other}' but the show was published with podcast:guid '{mine}' "
        "(recorded in episodes/feedtool.lock); changing it breaks the show's identity at the Podcast Index")]
    assert exc.value.problems[-1].rule == "P20-GUID"


def test_remove_keeps_the_podcast_guid(make_show, cli):
    root = make_show()
    built(root, cli)
    before = json.loads((root / "episodes" / "feedtool.lock").read_text())["podcast_guid"]
    assert cli("remove", "second", "--show", root).exit_code == 0
    assert json.loads((root / "episodes" / "feedtool.lock").read_text())["podcast_guid"] == before


# --- every tag -------------------------------------------------------------------


def test_channel_tags(make_show, cli):
    root = full_show(make_show)
    rss = built(root, cli)
    assert rss.nsmap["podcast"] == PODCAST_NS and rss.nsmap["psc"] == PSC_NS
    ch = rss.find("channel")
    assert attrs(ch.find("podcast:locked", NS)) == ({"owner": "tess@example.com"}, "yes")
    assert ch.findtext("podcast:medium", namespaces=NS) == "podcast"
    assert attrs(ch.find("podcast:license", NS)) == ({}, "cc-by-4.0")
    assert [attrs(e) for e in ch.findall("podcast:funding", NS)] == [
        ({"url": "https://example.com/donate"}, "Support the show")]
    assert [attrs(e) for e in ch.findall("podcast:person", NS)] == [
        ({"role": "host", "group": "cast", "img": "https://example.com/tess.jpg", "href": "https://example.com/tess"},
         "Tess Ting"),
        ({"role": "producer", "group": "creative direction"}, "Pat Roducer"),
    ]
    assert [attrs(e) for e in ch.findall("podcast:location", NS)] == [
        ({"rel": "creator", "geo": "geo:30.2672,-97.7431", "osm": "R113314", "country": "US"}, "Austin, TX")]
    assert [attrs(e) for e in ch.findall("podcast:txt", NS)] == [
        ({}, "plain verification"), ({"purpose": "applepodcastsverify"}, "S6lpp-7ZCn8-dZfGc")]
    assert [attrs(e) for e in ch.findall("podcast:trailer", NS)] == [
        ({"url": "https://example.com/trailer.mp3", "pubdate": "Sun, 01 Dec 2013 10:00:00 +0000", "length": "12345",
          "type": "audio/mpeg", "season": "1"}, "Coming soon")]
    # The podcast: tags sit in the channel, before the items.
    tags = [c.tag for c in ch]
    assert max(i for i, t in enumerate(tags) if t.startswith(f"{{{PODCAST_NS}}}")) < tags.index("item")


def test_item_tags(make_show, cli):
    root = full_show(make_show)
    item = built(root, cli).find("channel/item")
    assert item.findtext("podcast:season", namespaces=NS) == "2"
    assert item.findtext("podcast:episode", namespaces=NS) == "7"
    assert [attrs(e) for e in item.findall("podcast:person", NS)] == [
        ({"role": "guest", "group": "cast", "href": "https://example.com/spike"}, "Spike Jonze")]
    assert [attrs(e) for e in item.findall("podcast:soundbite", NS)] == [
        ({"startTime": "0.5", "duration": "2"}, "The best bit"), ({"startTime": "1.25", "duration": "1.5"}, None)]
    assert [attrs(e) for e in item.findall("podcast:location", NS)] == [
        ({"rel": "subject", "geo": "geo:34.05,-118.24", "country": "US"}, "Los Angeles")]
    assert attrs(item.find("podcast:license", NS)) == ({"url": "https://example.com/license"}, "my-license")
    assert [attrs(e) for e in item.findall("podcast:funding", NS)] == [
        ({"url": "https://example.com/episode-fund"}, "Fund this one")]
    assert [e.get("type") for e in item.findall("podcast:transcript", NS)] == ["text/html", "text/plain"]
    assert item.find("podcast:chapters", NS).get("type") == "application/json+chapters"


def test_alternate_enclosures(make_show, cli):
    root = full_show(make_show)
    rss = built(root, cli)
    # The alternate file is not an episode of its own.
    assert len(rss.findall("channel/item")) == 1
    low, remote = rss.find("channel/item").findall("podcast:alternateEnclosure", NS)
    ogg = root / "episodes" / "first-low.ogg"
    assert dict(low.attrib) == {"type": "audio/ogg", "length": str(ogg.stat().st_size), "bitrate": "24000",
                                "title": "Ogg Vorbis", "default": "true"}
    assert [c.tag for c in low] == [f"{{{PODCAST_NS}}}source", f"{{{PODCAST_NS}}}integrity"]
    assert low.find("podcast:source", NS).get("uri") == "https://example.com/show/media/first-low.ogg"
    sri = "sha384-" + base64.b64encode(hashlib.sha384(ogg.read_bytes()).digest()).decode()
    assert dict(low.find("podcast:integrity", NS).attrib) == {"type": "sri", "value": sri}
    assert (root / "public" / "media" / "first-low.ogg").read_bytes() == ogg.read_bytes()
    assert dict(remote.attrib) == {"type": "audio/opus", "length": "4321", "bitrate": "16000"}
    assert [dict(s.attrib) for s in remote] == [{"uri": "https://cdn.example.com/first.opus"}]


def test_full_feed_passes_check_and_parsers_read_it(make_show, cli):
    root = full_show(make_show)
    built(root, cli)
    data = (root / "public" / "feed.xml").read_bytes()
    assert [p for p in check_feed(data, source="feed.xml") if p.severity.value != "info"] == []
    parsed = feedparser.parse(data)
    assert not parsed.bozo and len(parsed.entries) == 1
    assert parsed.entries[0].enclosures[0].href == "https://example.com/show/media/first.mp3"
    with (root / "public" / "feed.xml").open("rb") as f:
        pod = podcastparser.parse("https://example.com/show/feed.xml", f)
    assert [e["enclosures"][0]["url"] for e in pod["episodes"]] == ["https://example.com/show/media/first.mp3"]


def test_extension_in_feedgens_shape():
    fg = FeedGenerator()
    fg.register_extension("podcast20", Podcast20Extension, Podcast20EntryExtension)
    fg.title("t")
    fg.link(href="https://example.com/")
    fg.description("d")
    fg.podcast20.guid("9b024349-ccf0-5f69-a609-6b82873eab3c")
    fg.podcast20.funding([Funding("https://example.com/f", "Fund")])
    fe = fg.add_entry()
    fe.title("e")
    fe.guid("e1", permalink=False)
    fe.podcast20.person([Person("Ann", "guest")])
    fe.podcast20.transcript("https://example.com/t.vtt", "text/vtt", "en", "captions")
    rss = etree.fromstring(fg.rss_str())
    assert rss.nsmap["podcast"] == PODCAST_NS
    assert rss.findtext("channel/podcast:guid", namespaces=NS) == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert rss.find("channel/podcast:funding", NS).get("url") == "https://example.com/f"
    assert rss.find("channel/item/podcast:person", NS).attrib == {"role": "guest", "group": "cast"}
    assert dict(rss.find("channel/item/podcast:transcript", NS).attrib) == {
        "url": "https://example.com/t.vtt", "type": "text/vtt", "language": "en", "rel": "captions"}


@pytest.mark.parametrize("seconds, text", [(0, "00:00:00.000"), (65.173, "00:01:05.173"), (3725.5, "01:02:05.500")])
def test_npt(seconds, text):
    assert npt(seconds) == text


# --- config checks -----------------------------------------------------------------


def show_problems(tmp_path, extra: str) -> list[str]:
    (tmp_path / "podcast.toml").write_text(SHOW_TOML + extra)
    shutil.copy(AUDIO.parent.parent / "fixtures" / "audio" / "tagged.mp3", tmp_path / "x.mp3")
    from PIL import Image
    Image.new("RGB", (1400, 1400)).save(tmp_path / "cover.png")
    _, problems = config.load_show(tmp_path)
    return [str(p) for p in problems]


@pytest.mark.parametrize("extra, message", [
    ('[[person]]\nname = "A"\nrole = "hots"\n',
     ("podcast.toml:9: person: item 1: role: 'hots' is not a role of the Podcasting 2.0 person taxonomy; "
     "did you mean 'host'?")),
    ('[[person]]\nname = "A"\nrole = "guest"\ngroup = "writing"\n',
     ("podcast.toml:9: person: item 1: role: 'guest' is not in the group 'writing' (the taxonomy lists it under "
     "'cast')")),
    ('[[person]]\nrole = "guest"\n', "podcast.toml:9: person: item 1: name: is required"),
    ('[[person]]\nname = "A"\nhref = "http://example.com/a"\n',
     ("podcast.toml:9: person: item 1: href: expected an absolute https URL (Podcasting 2.0 requires https), "
     "got 'http://example.com/a'")),
    ('[[funding]]\nurl = "https://example.com/f"\ntxt = "x"\n',
     "podcast.toml:9: funding: item 1: txt: unknown key; did you mean 'text'?"),
    ('medium = "podcasts"\n', ("podcast.toml:9: medium: expected one of podcast, music, video, film, audiobook, "
     "newsletter, blog, publisher, course, podcastL, musicL, videoL, filmL, audiobookL, newsletterL, blogL, "
     "publisherL, courseL, mixed, got 'podcasts' (did you mean 'podcast'?)")),
    ('license = "my-own"\n', ("podcast.toml:9: license: 'my-own' is not a well-known license identifier (arr, "
     "none, cc-by-4.0, cc-by-sa-4.0, cc-by-nd-4.0, cc-by-nc-4.0, cc-by-nc-sa-4.0, cc-by-nc-nd-4.0, cc0-1.0, "
     "pod-v4v-1.0); a custom license needs a table with identifier and url")),
    ('location = { name = "X", country = "XX" }\n',
     ("podcast.toml:9: location: item 1: country: expected an ISO 3166-1 alpha-2 country code such as 'US' or "
     "'DE', got 'XX'")),
    ('location = { name = "X", geo = "geo:91,0" }\n',
     ("podcast.toml:9: location: item 1: geo: latitude must be within ±90 and longitude within ±180, "
     "got 'geo:91,0'")),
    ('location = { name = "X", osm = "Q42" }\n',
     ("podcast.toml:9: location: item 1: osm: expected an OpenStreetMap type and id such as 'R113314' or "
     "'W43678282', got 'Q42'")),
    ('guid = "not-a-uuid"\n', ("podcast.toml:9: guid: expected a UUID such as "
     "9b024349-ccf0-5f69-a609-6b82873eab3c, got 'not-a-uuid'")),
    ('locked = "yes"\n', "podcast.toml:9: locked: expected true or false, got 'yes'"),
    ('[[trailer]]\nurl = "https://example.com/t.mp3"\ntitle = "T"\n',
     "podcast.toml:9: trailer: item 1: pubdate: is required"),
])
def test_bad_p20_show_keys(tmp_path, extra, message):
    assert show_problems(tmp_path, extra) == [message]


@pytest.mark.parametrize("toml, message", [
    ('[[soundbite]]\nstart = 2\nduration = 5\n',
     "episodes/first.toml: soundbite: item 1: ends at 7 s, after the end of the audio (3.056 s)"),
    ('[[soundbite]]\nstart = 1\nduration = 0\n',
     "episodes/first.toml:3: soundbite: item 1: duration: must be more than 0 seconds"),
    ('[[alternate_enclosure]]\nfile = "nowhere.ogg"\n',
     "episodes/first.toml: alternate_enclosure: item 1: file: file not found: nowhere.ogg"),
    ('[[alternate_enclosure]]\nfile = "first.mp3"\n',
     "episodes/first.toml: alternate_enclosure: item 1: file: 'first.mp3' is the episode's own audio"),
    ('[[alternate_enclosure]]\nurl = "https://example.com/a.ogg"\n',
     "episodes/first.toml:3: alternate_enclosure: item 1: length: is required with url"),
    ('[[alternate_enclosure]]\nfile = "a.ogg"\nurl = "https://example.com/a.ogg"\n',
     ("episodes/first.toml:3: alternate_enclosure: item 1: give either file (a file in the show) or url "
     "(with length and type)")),
])
def test_bad_p20_episode_keys(make_show, toml, message):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": "date = 2013-12-18\n\n" + toml}})
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    assert [str(p) for p in exc.value.problems if p.is_error] == [message]


def test_alternate_file_outside_the_show_is_refused(make_show, tmp_path):
    root = make_show({"first": {"audio": "tagged.mp3",
                                "toml": 'date = 2013-12-18\n[[alternate_enclosure]]\nfile = "../../x.ogg"\n'}})
    shutil.copy(AUDIO / "tagged.ogg", tmp_path / "x.ogg")
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    [problem] = [str(p) for p in exc.value.problems if p.is_error]
    assert problem.startswith(
        "episodes/first.toml: alternate_enclosure: item 1: file: '../../x.ogg' points outside the show folder, to ")
    assert "--allow-outside" in problem


# --- docs ------------------------------------------------------------------------------


def test_config_docs_match_the_schemas():
    from conftest import REPO

    from feedtool.config.doc import markdown

    committed = (REPO / "docs" / "config.md").read_text("utf-8")
    assert committed == markdown(), "run: python -m feedtool.config.doc > docs/config.md"
    for key in [*config.SHOW_KEYS, *config.EPISODE_KEYS]:
        assert f"| `{key}` |" in committed
