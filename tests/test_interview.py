"""The interview text as a show's file: the reader's doubts as the build's
warnings, the story marked by hand in STEM.toml, saved pages, transcripts
only when the text is one, and `feedtool inspect TEXT`."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

TEXTS = Path(__file__).parent / "texts"
PAGES = Path(__file__).parent / "pages"
NS = {"content": "http://purl.org/rss/1.0/modules/content/", "podcast": "https://podcastindex.org/namespace/1.0"}
DATE = "date = 2024-03-04T09:00:00Z\n"

# A copied page written for this test: a menu, a headline nobody could find
# (it shares no word with the story and has no byline under it), a story,
# and a tail of comments.
PAGE = """\
Home
News
Weather
Sport

Quiet Rooms

The first time Ines Varga recorded the inside of an empty grain silo, she stood for an hour without moving, because every shift of her boots came back to her a second later from the curved steel walls. She has been recording empty buildings ever since, and she says the silence of each one is different from every other.

In the years since, she has recorded a drained swimming pool, a church the night before it was demolished, and a library the week after its last book was carried out. She plays the recordings to people who knew the places and asks them what they hear in them.

"Most people hear the room first and the sound second," she told me. "The ones who worked there hear the sound first, because they know what is missing from it."

Her next recording will be of a school gym in the town where she grew up, which closes for good at the end of the spring term this year.
"""


def test_the_readers_doubts_are_warnings_with_a_rule_and_a_line(make_show, cli):
    root = make_show({"ep": {"audio": "tagged.mp3", "text": PAGE, "toml": DATE}})
    result = cli("build", root, "--json")
    report = json.loads(result.stdout)
    doubts = [p for p in report["problems"] if p["rule"].startswith("TEXT-")]
    assert doubts, report["problems"]
    title = next(p for p in doubts if p["rule"] == "TEXT-TITLE")
    assert title["path"] == "episodes/ep.txt" and title["severity"] == "warning"
    # "Quiet Rooms" shares no word with the story and has no byline: no
    # headline is taken, and the warning points at where the story begins.
    assert title["line"] == 8 and "no headline found" in title["message"]
    assert result.exit_code == 0


def test_text_start_and_text_end_mark_the_story(make_show, cli):
    toml = DATE + 'text_start = "In the years since"\ntext_end = "what they hear in them"\n'
    root = make_show({"ep": {"audio": "tagged.mp3", "text": PAGE, "toml": toml}})
    assert cli("build", root).exit_code == 0
    item = etree.parse(str(root / "public" / "feed.xml")).find("channel/item")
    notes = item.findtext("content:encoded", namespaces=NS)
    assert "In the years since, she has recorded a drained swimming pool" in notes
    assert "grain silo" not in notes  # above text_start
    assert "Most people hear the room" not in notes  # below text_end
    assert item.findtext("description").startswith("In the years since")


def test_a_text_start_that_is_not_in_the_text_names_the_key(make_show, cli):
    root = make_show({"ep": {"audio": "tagged.mp3", "text": PAGE, "toml": DATE + 'text_start = "no such words"\n'}})
    result = cli("build", root)
    assert result.exit_code == 1
    assert "episodes/ep.toml: text_start: 'no such words' is not in the text" in result.output
    assert not (root / "public" / "feed.xml").exists()


def test_an_article_is_show_notes_and_a_transcript_is_a_transcript(make_show, cli):
    root = make_show({
        "article": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(), "toml": DATE},
        "radio": {"audio": "tagged.m4a", "text": (TEXTS / "radio_transcript.txt").read_text(),
                  "toml": "date = 2024-03-05T09:00:00Z\n"},
    })
    assert cli("build", root).exit_code == 0
    items = {etree.tostring(i).decode().count("article.mp3") and "article" or "radio": i
             for i in etree.parse(str(root / "public" / "feed.xml")).iter("item")}
    assert items["article"].findall("podcast:transcript", NS) == []
    assert [t.get("type") for t in items["radio"].findall("podcast:transcript", NS)] == ["text/html", "text/plain"]
    assert not (root / "public" / "transcripts" / "article.txt").exists()
    assert (root / "public" / "transcripts" / "radio.txt").exists()
    page = (root / "public" / "episodes" / "article" / "index.html").read_text("utf-8")
    assert "Transcript" not in page  # the site does not call an article one
    assert "Transcript" in (root / "public" / "episodes" / "radio" / "index.html").read_text("utf-8")


def test_transcript_true_publishes_an_article_as_one(make_show, cli):
    root = make_show({"ep": {"audio": "tagged.mp3", "text": (TEXTS / "seed_her.txt").read_text(),
                             "toml": DATE + "transcript = true\n"}})
    assert cli("build", root).exit_code == 0
    item = etree.parse(str(root / "public" / "feed.xml")).find("channel/item")
    assert len(item.findall("podcast:transcript", NS)) == 2


def test_a_saved_page_is_an_episodes_text(make_show, cli):
    root = make_show({"ep": {"audio": "tagged.mp3", "toml": DATE}})
    (root / "episodes" / "ep.html").write_bytes((PAGES / "pipe_title.html").read_bytes())
    assert cli("build", root).exit_code == 0
    item = etree.parse(str(root / "public" / "feed.xml")).find("channel/item")
    title = item.findtext("title")
    assert title and "|" not in title  # the headline, not the <title> with its site name
    assert "<p>" in item.findtext("content:encoded", namespaces=NS)


def test_inspect_a_loose_text_shows_each_line_kept_or_dropped(tmp_path, cli):
    text = tmp_path / "copied.txt"
    text.write_text((TEXTS / "magazine_qa.txt").read_text(), encoding="utf-8")
    result = cli("inspect", text)
    assert result.exit_code == 0
    out = result.stdout
    assert "title      The Cartographer Of Small Sounds" in out
    assert "dropped  Skip to main content" in out
    assert "a title listed under a 'Related' box" in out
    report = json.loads(cli("inspect", text, "--json").stdout)
    assert report["title"] == "The Cartographer Of Small Sounds"
    roles = {p["text"]: p["role"] for p in report["paragraphs"]}
    assert roles["Advertisement"] == "chrome" and roles["Learning To Listen"] == "story"
    assert report["transcript"] is False


def test_inspect_a_binary_text_is_a_clear_error(tmp_path, cli):
    text = tmp_path / "notes.txt"
    text.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = cli("inspect", text)
    assert result.exit_code == 2  # a file that cannot be read at all (issue 15's exit codes)
    assert "is not a text file" in result.output
    assert "Traceback" not in result.output
