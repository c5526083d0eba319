"""Transcripts: the interview text as HTML and plain text, timed
transcripts (WebVTT, SRT) paired by stem, checked against the audio and
published in both formats, each with its podcast:transcript."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import NS, TEXTS
from lxml import etree

from feedtool.engine.run import plan
from feedtool.sources.episodes import discover
from feedtool.problems import FeedtoolError

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
TOML = "date = 2013-12-18T16:00:00Z\n"


def item(root: Path) -> etree._Element:
    return etree.parse(str(root / "public" / "feed.xml")).getroot().find("channel/item")


def transcripts(it: etree._Element) -> list[dict[str, str]]:
    return [dict(e.attrib) for e in it.findall("podcast:transcript", NS)]


def show_with(make_show, *files: str, text: str | None = None, toml: str = "") -> Path:
    episode = {"audio": "tagged.mp3", "toml": TOML + toml}
    if text is not None:
        episode["text"] = text
    root = make_show({"first": episode})
    for name in files:
        shutil.copy(FIXTURES / name, root / "episodes" / name)
    return root


def errors(root: Path) -> list[str]:
    with pytest.raises(FeedtoolError) as exc:
        plan(root)
    return [str(p) for p in exc.value.problems if p.is_error]


class Balance(HTMLParser):
    """Checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def test_interview_text_becomes_html_and_plain_text(make_show, cli):
    # An article published as a transcript on purpose (transcript = true).
    root = show_with(make_show, text=(TEXTS / "seed_her.txt").read_text(), toml="transcript = true\n")
    assert cli("build", root).exit_code == 0
    assert transcripts(item(root)) == [
        {"url": "https://example.com/show/transcripts/first.html", "type": "text/html", "language": "en"},
        {"url": "https://example.com/show/transcripts/first.txt", "type": "text/plain", "language": "en"},
    ]
    page = (root / "public" / "transcripts" / "first.html").read_text("utf-8")
    balance = Balance()
    balance.feed(page)
    balance.close()
    assert balance.doctype == "DOCTYPE html" and balance.stack == []
    doc = etree.HTML(page.encode("utf-8"))
    assert doc.get("lang") == "en"
    assert doc.find("head/meta").get("charset") == "utf-8"
    assert doc.findtext("body/main/article/header/h1") == "Spike Jonze Opens His Heart For 'Her'"
    headings = [h.text for h in doc.iterfind(".//h2")]
    assert "On filming the interactions between Theodore and Samantha" in headings
    body = "".join(doc.itertext())
    assert "Originally, on set, we'd cast Samantha Morton" in body
    assert "Undead Hipsters" not in body


def test_html_transcript_escapes_the_text(make_show, cli):
    root = show_with(make_show, text="A <script>alert(1)</script> & friends\n\nSecond paragraph.\n",
                     toml="transcript = true\n")
    assert cli("build", root).exit_code == 0
    page = (root / "public" / "transcripts" / "first.html").read_text("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_timed_files_are_episode_files_not_strays(make_show):
    root = show_with(make_show, "first.vtt", "first.srt")
    groups, problems = discover(root)
    assert problems == []
    assert [p.name for p in groups[0].captions] == ["first.srt", "first.vtt"]


def test_vtt_is_published_and_converted_to_srt(make_show, cli):
    root = show_with(make_show, "first.vtt", text=(TEXTS / "radio_transcript.txt").read_text())
    assert cli("build", root).exit_code == 0
    assert transcripts(item(root)) == [
        {"url": "https://example.com/show/transcripts/first.vtt", "type": "text/vtt", "language": "en",
         "rel": "captions"},
        {"url": "https://example.com/show/transcripts/first.srt", "type": "application/x-subrip", "language": "en",
         "rel": "captions"},
        {"url": "https://example.com/show/transcripts/first.html", "type": "text/html", "language": "en"},
        {"url": "https://example.com/show/transcripts/first.txt", "type": "text/plain", "language": "en"},
    ]
    out = root / "public" / "transcripts"
    assert (out / "first.vtt").read_text("utf-8") == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:01.200\n<v Audie Cornish>Welcome to the show &amp; hello.\n\n"
        "00:00:01.200 --> 00:00:02.500\n<v Spike Jonze>It's a love story, <i>really</i>.\n\n"
        "00:00:02.500 --> 00:00:03.000\nThanks.\n"
    )
    assert (out / "first.srt").read_text("utf-8") == (
        "1\n00:00:00,000 --> 00:00:01,200\nAudie Cornish: Welcome to the show & hello.\n\n"
        "2\n00:00:01,200 --> 00:00:02,500\nSpike Jonze: It's a love story, really.\n\n"
        "3\n00:00:02,500 --> 00:00:03,000\nThanks.\n"
    )


def test_srt_is_published_and_converted_to_vtt(make_show, cli):
    root = show_with(make_show, "first.srt")
    assert cli("build", root).exit_code == 0
    assert [t["type"] for t in transcripts(item(root))] == ["text/vtt", "application/x-subrip"]
    out = root / "public" / "transcripts"
    assert (out / "first.vtt").read_text("utf-8") == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:01.500\n<i>Hello</i> &amp; welcome\n\n"
        "00:00:01.500 --> 00:00:02.900\nA red line\nin two parts\n"
    )
    # The SRT keeps its cues; line endings are normalised.
    assert (out / "first.srt").read_text("utf-8") == (
        "1\n00:00:00,000 --> 00:00:01,500\n<i>Hello</i> & welcome\n\n"
        "2\n00:00:01,500 --> 00:00:02,900\nA <font color=\"red\">red</font> line\nin two parts\n"
    )


def test_both_formats_given_are_each_published(make_show, cli):
    root = show_with(make_show, "first.vtt", "first.srt")
    assert cli("build", root).exit_code == 0
    out = root / "public" / "transcripts"
    assert "Audie Cornish" in (out / "first.vtt").read_text() and "Audie" not in (out / "first.srt").read_text()


def write(root: Path, name: str, text: str) -> None:
    (root / "episodes" / name).write_text(text, "utf-8")


@pytest.mark.parametrize("name, text, message", [
    ("first.vtt", "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nBackwards\n",
     "episodes/first.vtt:3: cue 1 ends at 00:00:01.000, not after its start 00:00:02.000"),
    ("first.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nB\n\n00:00.000 --> 00:01.000\nA\n",
     "episodes/first.vtt:6: cue 2 starts at 00:00:00.000, before cue 1 (00:00:01.000); cues must be in order"),
    ("first.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nToo long\n",
     "episodes/first.vtt:3: cue 1 ends at 00:00:09.000, after the end of the audio (00:00:03.056)"),
    ("first.vtt", "WEBVT\n\n00:00.000 --> 00:01.000\nA\n",
     "episodes/first.vtt:1: does not start with 'WEBVTT', the signature of a WebVTT file"),
    ("first.vtt", "WEBVTT\n\n00:00.000 -> 00:01.000\nA\n",
     "episodes/first.vtt:4: expected a cue timing line such as '00:00:01.000 --> 00:00:04.000'"),
    ("first.vtt", "WEBVTT\n\nid\n0:00.000 --> 00:01.000\nA\n",
     ("episodes/first.vtt:4: cannot read the cue timing '0:00.000 --> 00:01.000'; expected "
     "'[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt'")),
    ("first.vtt", "WEBVTT\n\nNOTE only a note\n", "episodes/first.vtt: has no cues"),
    ("first.srt", "1\n00:00:00,000 --> 00:00:01,000\nA\n\nx\n00:00:01,000 --> 00:00:02,000\nB\n",
     "episodes/first.srt:5: expected a cue number, got 'x'"),
    ("first.srt", "1\n00:00:00.000 - 00:00:01,000\nA\n",
     "episodes/first.srt:2: expected a cue timing line such as '00:00:01,000 --> 00:00:04,000'"),
    ("first.srt", "1\n00:00:01,000 --> 00:00:01,000\nA\n",
     "episodes/first.srt:2: cue 1 ends at 00:00:01.000, not after its start 00:00:01.000"),
])
def test_bad_timed_transcripts(make_show, name, text, message):
    root = show_with(make_show)
    write(root, name, text)
    assert errors(root) == [message]


def test_every_bad_cue_is_reported(make_show):
    root = show_with(make_show)
    write(root, "first.srt", "1\n00:00:02,000 --> 00:00:01,000\nA\n\n2\n00:00:00,500 --> 00:00:04,500\nB\n")
    assert errors(root) == [
        "episodes/first.srt:2: cue 1 ends at 00:00:01.000, not after its start 00:00:02.000",
        "episodes/first.srt:6: cue 2 starts at 00:00:00.500, before cue 1 (00:00:02.000); cues must be in order",
        "episodes/first.srt:6: cue 2 ends at 00:00:04.500, after the end of the audio (00:00:03.056)",
    ]


def test_timed_transcript_without_audio_is_an_orphan(make_show):
    root = show_with(make_show)
    write(root, "other.vtt", "WEBVTT\n")
    assert errors(root) == [
        "episodes/other.vtt: has no audio file beside it (expected other.mp3, .m4a, .ogg, .opus or .flac, "
        "or a .wav, .aiff or .flac master)"]


def test_non_utf8_timed_transcript(make_show):
    root = show_with(make_show)
    (root / "episodes" / "first.srt").write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\ncaf\xe9\n")
    assert errors(root) == ["episodes/first.srt:3: is not UTF-8 text (WebVTT and SRT files must be UTF-8)"]
