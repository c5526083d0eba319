"""Chapters: from [[chapters]] in STEM.toml, STEM.chapters.json or the audio's
own tags (in that order), checked against the audio, written as Podcasting
2.0 JSON chapters and as Podlove Simple Chapters in the item."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import NS, REPO
from lxml import etree

from feedtool.engine.run import plan
from feedtool.problems import FeedtoolError

# JSON chapters 1.2 as the namespace describes it (podcast-namespace
# docs/examples/chapters/jsonChapters.md): version and chapters required;
# each chapter needs startTime, the rest is optional and typed.
P20_CHAPTERS_SCHEMA = {
    "type": "object",
    "required": ["version", "chapters"],
    "properties": {
        "version": {"type": "string"},
        "author": {"type": "string"},
        "title": {"type": "string"},
        "podcastName": {"type": "string"},
        "description": {"type": "string"},
        "fileName": {"type": "string"},
        "waypoints": {"type": "boolean"},
        "chapters": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["startTime"],
                "additionalProperties": False,
                "properties": {
                    "startTime": {"type": "number", "minimum": 0},
                    "endTime": {"type": "number", "minimum": 0},
                    "title": {"type": "string"},
                    "img": {"type": "string", "pattern": "^https?://"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "toc": {"type": "boolean"},
                    "location": {"type": "object", "required": ["name", "geo"]},
                },
            },
        },
    },
}

TOML = "date = 2013-12-18T16:00:00Z\n"


def build_item(root: Path, cli) -> etree._Element:
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel/item")


def chapters_json(root: Path, stem: str = "first") -> dict:
    data = json.loads((root / "public" / "chapters" / f"{stem}.json").read_text("utf-8"))
    jsonschema.validate(data, P20_CHAPTERS_SCHEMA)
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and all(isinstance(s, float) for s in starts)
    return data


def psc(it: etree._Element) -> list[dict[str, str]]:
    box = it.find("psc:chapters", NS)
    assert box.get("version") == "1.2"
    return [dict(c.attrib) for c in box.findall("psc:chapter", NS)]


def errors(root: Path) -> list[str]:
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    return [str(p) for p in exc.value.problems if p.is_error]


def test_audio_chapters_are_published(make_show, cli):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML}})
    it = build_item(root, cli)
    link = it.find("podcast:chapters", NS)
    assert dict(link.attrib) == {"url": "https://example.com/show/chapters/first.json",
                                 "type": "application/json+chapters"}
    data = chapters_json(root)
    assert data["chapters"] == [
        {"startTime": 0.0, "endTime": 1.0, "title": "Intro"},
        {"startTime": 1.0, "endTime": 2.0, "title": "Das Gespräch"},
        {"startTime": 2.0, "endTime": 3.0, "title": "Credits"},
    ]
    assert data["title"] == "Episode Seven – mp3" and data["podcastName"] == "Test Show"
    assert psc(it) == [{"start": "00:00:00.000", "title": "Intro"}, {"start": "00:00:01.000", "title": "Das Gespräch"},
                       {"start": "00:00:02.000", "title": "Credits"}]


@pytest.mark.parametrize("audio", ["tagged.m4a", "tagged.ogg", "tagged.flac"])
def test_chapters_of_every_container(make_show, cli, audio):
    root = make_show({"first": {"audio": audio, "toml": TOML}})
    build_item(root, cli)
    assert [c["title"] for c in chapters_json(root)["chapters"]] == ["Intro", "Das Gespräch", "Credits"]


def test_no_chapters_no_link(make_show, cli):
    root = make_show({"first": {"audio": "untagged.mp3", "toml": TOML}})
    it = build_item(root, cli)
    assert it.find("podcast:chapters", NS) is None and it.find("psc:chapters", NS) is None
    assert not (root / "public" / "chapters").exists()


JSON_CHAPTERS = {"version": "1.2.0", "chapters": [
    {"startTime": 0, "title": "From JSON"},
    {"startTime": 1.5, "title": "Second", "url": "https://example.com/x", "img": "https://example.com/x.jpg"},
]}


def test_json_file_wins_over_the_audio(make_show, cli):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML}})
    (root / "episodes" / "first.chapters.json").write_text(json.dumps(JSON_CHAPTERS))
    it = build_item(root, cli)
    assert chapters_json(root)["chapters"] == [
        {"startTime": 0.0, "title": "From JSON"},
        {"startTime": 1.5, "title": "Second", "url": "https://example.com/x", "img": "https://example.com/x.jpg"},
    ]
    assert psc(it)[1] == {"start": "00:00:01.500", "title": "Second", "href": "https://example.com/x",
                          "image": "https://example.com/x.jpg"}


def test_toml_wins_over_the_json_file(make_show, cli):
    toml = TOML + '[[chapters]]\nstart = 0\ntitle = "From TOML"\n\n[[chapters]]\nstart = "00:00:02.25"\ntitle = "Two"\n'
    root = make_show({"first": {"audio": "tagged.mp3", "toml": toml}})
    (root / "episodes" / "first.chapters.json").write_text(json.dumps(JSON_CHAPTERS))
    it = build_item(root, cli)
    assert [(c["startTime"], c["title"]) for c in chapters_json(root)["chapters"]] == [(0.0, "From TOML"),
                                                                                       (2.25, "Two")]
    assert [c["start"] for c in psc(it)] == ["00:00:00.000", "00:00:02.250"]


def test_output_is_byte_stable(make_show, cli):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML}})
    build_item(root, cli)
    first = (root / "public" / "chapters" / "first.json").read_bytes()
    assert plan(root).files["chapters/first.json"] == first
    assert first.endswith(b"}\n") and b'"chapters": [' in first


@pytest.mark.parametrize("chapters, message", [
    ('[[chapters]]\nstart = 1\ntitle = "A"\n',
     ("episodes/first.toml: chapters: chapter 1 starts at 00:00:01.000; the first chapter must start at "
     "00:00:00.000")),
    (('[[chapters]]\nstart = 0\ntitle = "A"\n[[chapters]]\nstart = 2\ntitle = "B"\n[[chapters]]\nstart = 1\n'
     'title = "C"\n'),
     ("episodes/first.toml: chapters: chapter 3 starts at 00:00:01.000, not after chapter 2 (00:00:02.000); "
     "chapters must be in ascending order")),
    ('[[chapters]]\nstart = 0\ntitle = "A"\n[[chapters]]\nstart = "00:01:00"\ntitle = "B"\n',
     "episodes/first.toml: chapters: chapter 2 starts at 00:01:00.000, after the end of the audio (00:00:03.056)"),
    ('[[chapters]]\nstart = "1 minute"\ntitle = "A"\n',
     "episodes/first.toml:3: chapters: item 1: start: expected seconds or 'HH:MM:SS', got '1 minute'"),
    ('[[chapters]]\nstart = 0\n', "episodes/first.toml:3: chapters: item 1: title: is required"),
    ('[[chapters]]\nstart = 0\ntitle = "A"\nurl = "http://example.com"\n',
     ("episodes/first.toml:3: chapters: item 1: url: expected an absolute https URL (Podcasting 2.0 requires "
     "https), got 'http://example.com'")),
])
def test_bad_toml_chapters(make_show, chapters, message):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML + "\n" + chapters}})
    assert errors(root) == [message]


@pytest.mark.parametrize("content, message", [
    ('{"version": "1.2.0", "chapters": [', "episodes/first.chapters.json:1: is not valid JSON: Expecting value"),
    ('[]', ('episodes/first.chapters.json: expected a JSON object with "version" and "chapters" '
     "(Podcasting 2.0 JSON chapters)")),
    ('{"chapters": []}', 'episodes/first.chapters.json: version: is required: a string such as "1.2.0"'),
    ('{"version": "1.2.0"}', "episodes/first.chapters.json: chapters: is required: a list of chapters"),
    ('{"version": "1.2.0", "chapters": [{"title": "A"}]}',
     "episodes/first.chapters.json: chapters[1].startTime: expected a number of seconds, 0 or more, got null"),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0}]}',
     "episodes/first.chapters.json: chapters[1].title: is required: a non-empty string"),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A", "endTime": 0}]}',
     "episodes/first.chapters.json: chapters[1].endTime: expected a number of seconds after startTime, got 0"),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0.5, "title": "A"}]}',
     ("episodes/first.chapters.json: chapters: chapter 1 starts at 00:00:00.500; the first chapter must start at "
     "00:00:00.000")),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A"}, {"startTime": 0, "title": "B"}]}',
     ("episodes/first.chapters.json: chapters: chapter 2 starts at 00:00:00.000, not after chapter 1 "
     "(00:00:00.000); chapters must be in ascending order")),
])
def test_bad_json_chapters(make_show, content, message):
    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML}})
    (root / "episodes" / "first.chapters.json").write_text(content)
    assert errors(root) == [message]


def test_bad_audio_chapters_name_the_audio(make_show):
    from mutagen.id3 import ID3

    root = make_show({"first": {"audio": "tagged.mp3", "toml": TOML}})
    audio = root / "episodes" / "first.mp3"
    tags = ID3(audio)
    for chap in tags.getall("CHAP"):
        chap.start_time += 500  # every chapter half a second later: none at 0
    tags.save()
    assert errors(root) == [
        ("episodes/first.mp3: chapters: chapter 1 starts at 00:00:00.500; the first chapter must start at "
        "00:00:00.000 (from the audio's chapter tags: fix them, or list [[chapters]] in the episode's toml)")]
    # [[chapters]] in the toml overrides the broken tags.
    (root / "episodes" / "first.toml").write_text(TOML + '[[chapters]]\nstart = 0\ntitle = "Whole"\n')
    assert [c.title for c in plan(root).episodes[0].chapters] == ["Whole"]


def test_demo_feed_links_its_six_aligned_chapters():
    rss = etree.parse(str(REPO / "public" / "feed.xml")).getroot()
    it = rss.find("channel/item")
    url = it.find("podcast:chapters", NS).get("url")
    assert url == "https://feedtool.github.io/demo/chapters/spike-jonze-her.json"
    data = json.loads((REPO / "public" / "chapters" / "spike-jonze-her.json").read_text("utf-8"))
    jsonschema.validate(data, P20_CHAPTERS_SCHEMA)
    # Found by aligning the text to the audio (issue 18): scripts/make_demo_audio.py
    # put the second chapter at 65.173 s.
    first = data["chapters"][0]
    assert len(data["chapters"]) == 6 and (first["startTime"], first["title"]) == (0.0, "Introduction")
    assert first["endTime"] == pytest.approx(65.173, abs=0.1)
    assert [c["start"] for c in psc(it)][0] == "00:00:00.000"
    assert psc(it)[1]["start"].startswith("00:01:05.")
