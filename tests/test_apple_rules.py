"""Apple's rules enforced by `feedtool build`, each problem with its reason and
the rule id of feedtool/rules.py: artwork (Pillow-made images), formats
Apple cannot play, plain-text fields, description length; the built feed
run through `feedtool check`; and the demo feed passing it cleanly."""

from __future__ import annotations

import feedparser
import podcastparser
import pytest
from conftest import NS, REPO, SHOW_TOML
from lxml import etree
from mutagen.id3 import COMM, ID3, TIT2
from PIL import Image

from feedtool.engine.run import plan
from feedtool.check.feed import check_feed
from feedtool.problems import FeedtoolError, Severity

TOML = "date = 2013-12-18T16:00:00Z\n"


def one_episode(make_show, audio: str = "untagged.mp3", toml: str = TOML):
    # A FLAC is published as it is only when the show asks (else it is a master to encode: issue 17).
    show_toml = SHOW_TOML + ('audio_format = "flac"\n' if audio.endswith(".flac") else "")
    return make_show({"first": {"audio": audio, "toml": toml}}, show_toml=show_toml)


def use_cover(root, name: str, image: Image.Image, fmt: str) -> None:
    image.save(root / name, fmt)
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text().replace('image = "cover.png"', f'image = "{name}"'))


def stopped(root) -> list[tuple[str, str]]:
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    return [(p.rule, str(p)) for p in exc.value.problems if p.is_error]


@pytest.mark.parametrize("name, image, fmt, rule, message", [
    ("small.png", Image.new("RGB", (600, 600)), "PNG", "APL-IMAGE",
     "podcast.toml: image: is 600×600 px; Apple requires 1400 to 3000 px a side"),
    ("huge.png", Image.new("RGB", (3200, 3200)), "PNG", "APL-IMAGE",
     "podcast.toml: image: is 3200×3200 px; Apple requires 1400 to 3000 px a side"),
    ("wide.png", Image.new("RGB", (1600, 1400)), "PNG", "APL-IMAGE",
     "podcast.toml: image: is 1600×1400 px, not square; Apple requires square artwork"),
    ("print.jpg", Image.new("CMYK", (1400, 1400)), "JPEG", "APL-IMAGE",
     "podcast.toml: image: uses the CMYK colour mode; Apple requires RGB"),
    ("grey.png", Image.new("L", (1400, 1400)), "PNG", "APL-IMAGE",
     "podcast.toml: image: uses the L colour mode; Apple requires RGB"),
    ("liar.jpg", Image.new("RGB", (1400, 1400)), "PNG", "APL-IMAGE-EXT",
     ("podcast.toml: image: holds PNG data but is named .jpg; Apple requires the extension to match the real "
     "type (rename it to .png)")),
    ("anim.gif", Image.new("RGB", (1400, 1400)), "GIF", "APL-IMAGE",
     "podcast.toml: image: is a GIF image; Apple accepts only JPEG or PNG artwork"),
])
def test_show_artwork_rules(make_show, name, image, fmt, rule, message):
    root = one_episode(make_show)
    use_cover(root, name, image, fmt)
    assert stopped(root) == [(rule, message)]
    assert not (root / "public").exists()


def test_every_artwork_problem_is_reported(make_show):
    root = one_episode(make_show)
    use_cover(root, "bad.jpg", Image.new("CMYK", (500, 400)), "JPEG")
    assert [m for _, m in stopped(root)] == [
        "podcast.toml: image: is 500×400 px, not square; Apple requires square artwork",
        "podcast.toml: image: is 500×400 px; Apple requires 1400 to 3000 px a side",
        "podcast.toml: image: uses the CMYK colour mode; Apple requires RGB",
    ]


@pytest.mark.parametrize("mode, fmt, name", [("RGB", "JPEG", "ok.jpeg"), ("RGBA", "PNG", "ok.png"),
                                              ("P", "PNG", "palette.png")])
def test_good_artwork_passes(make_show, mode, fmt, name):
    root = one_episode(make_show)
    use_cover(root, name, Image.new(mode, (3000, 3000)), fmt)
    assert plan(root).problems == []


def test_episode_image_named_in_toml_must_follow_the_rules(make_show):
    root = one_episode(make_show, toml=TOML + 'image = "ep.png"\n')
    Image.new("RGB", (1500, 1400)).save(root / "episodes" / "ep.png")
    assert stopped(root) == [("APL-IMAGE", ("episodes/first.toml: image: is 1500×1400 px, not square; "
                                           "Apple requires square artwork"))]


def test_small_embedded_cover_is_left_out_with_a_warning(make_show, cli):
    root = one_episode(make_show, audio="tagged.mp3")
    p = plan(root)
    assert [(w.rule, str(w)) for w in p.problems] == [(
        "APL-IMAGE",
        ("episodes/first.mp3: artwork: the embedded cover art is not used as the episode's itunes:image: "
        "it is 32×32 px; Apple requires 1400 to 3000 px a side"),
    )]
    assert p.problems[0].severity is Severity.WARNING
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    item = etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel/item")
    assert item.find("itunes:image", NS) is None
    assert not (root / "public" / "images").exists()


@pytest.mark.parametrize("audio, name", [("tagged.ogg", "Ogg Vorbis"), ("tagged.opus", "Ogg Opus"),
                                         ("tagged.flac", "FLAC")])
def test_formats_apple_cannot_play_warn(make_show, audio, name):
    root = one_episode(make_show, audio=audio)
    suffix = audio.rsplit(".", 1)[1]
    found = [(w.rule, w.severity, str(w)) for w in plan(root).problems if w.rule != "APL-IMAGE"]
    # Reported once, naming the file; not also as APL-ENCLOSURE-EXT from the feed check.
    assert found == [("FORMAT-PLAYBACK", Severity.WARNING,
                      (f"episodes/first.{suffix}: is {name}, which Apple Podcasts and many apps cannot play; "
                      "publish MP3 or M4A and list this file as an alternate_enclosure"))]


def test_html_in_a_plain_text_field_warns(make_show):
    root = one_episode(make_show)
    tags = ID3()  # untagged.mp3 has no ID3 tag yet
    tags.add(TIT2(encoding=3, text="<b>Bold</b> move"))
    tags.save(root / "episodes" / "first.mp3")
    found = [(p.rule, str(p)) for p in plan(root).problems]
    assert found == [("PLAIN-TEXT", ("episodes/first.mp3: title: holds the HTML tag '<b>'; apps show this field "
                                    "as plain text, tags and all"))]


def test_description_over_4000_characters_stops_the_build(make_show):
    root = one_episode(make_show)
    tags = ID3()
    tags.add(COMM(encoding=3, lang="eng", desc="", text="x" * 4500))
    tags.save(root / "episodes" / "first.mp3")
    assert stopped(root) == [("APL-DESC-LEN", ("episodes/first.mp3: summary: is 4,500 characters long; Apple "
                                              "allows 4,000 in a description (set a shorter summary in the "
                                              "episode's toml)"))]


def test_build_runs_feedtool_check_on_what_it_built(make_show):
    root = one_episode(make_show, toml=TOML + 'title = "Episode 5: The One"\n')
    found = [(p.rule, p.path, p.field) for p in plan(root).problems]
    assert found == [("APL-TITLE-NUMBER", "feed.xml", "channel/item[1]/title")]


def test_demo_feed_passes_check_with_no_errors_or_warnings():
    data = (REPO / "public" / "feed.xml").read_bytes()
    assert [str(p) for p in check_feed(data, source="public/feed.xml") if p.severity is not Severity.INFO] == []
    rss = etree.fromstring(data)
    ch = rss.find("channel")
    assert ch.findtext("podcast:guid", namespaces=NS)
    assert ch.find("podcast:locked", NS).attrib == {"owner": "podcast@example.com"}
    assert ch.find("podcast:locked", NS).text == "yes"
    assert [p.text for p in ch.findall("podcast:person", NS)] == ["Audie Cornish"]
    item = ch.find("item")
    assert {(p.text, p.get("role")) for p in item.findall("podcast:person", NS)} == {
        ("Audie Cornish", "host"), ("Spike Jonze", "guest")}
    # The demo's text is an article: show notes, not a transcript (issue 12);
    # its sentences found in the audio are a timed transcript (issue 18).
    assert sorted((t.get("type"), t.get("rel")) for t in item.findall("podcast:transcript", NS)) == [
        ("application/x-subrip", "captions"), ("text/vtt", "captions")]
    assert item.find("podcast:chapters", NS) is not None
    assert len(item.findall("psc:chapters/psc:chapter", NS)) == 6
    # Real parsers still read it.
    assert not feedparser.parse(data).bozo
    with (REPO / "public" / "feed.xml").open("rb") as f:
        assert len(podcastparser.parse("https://feedtool.github.io/demo/feed.xml", f)["episodes"]) == 1


def test_demo_builds_without_warnings():
    assert [str(p) for p in plan(REPO).problems] == []
