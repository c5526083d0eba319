"""The interview text aligned to the audio (issue 18).

The audio is made here by tests/speech.py: espeak-ng speaks an interview
in several voices and speeds, with pauses, under noise or music, so the
true start of every part is known. The texts are the interview verbatim,
edited (sentences dropped, reworded, added), partial and reordered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import feedparser
import podcastparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from feedtool.model import Alignment
from feedtool.sources import interview
from feedtool.sources import transcripts
from feedtool.sources.align import episode as aligner
from feedtool.sources.align import results, store
from feedtool.sources.align.units import sentences, units_of

sys.path.insert(0, str(Path(__file__).parent))
import speech  # noqa: E402

from conftest import NS, SHOW_TOML  # noqa: E402

TOLERANCE = 1.5  # seconds: the issue asks for 2
VOICES = {
    # name: (voice, words a minute, bed, sub-heads read out)
    "us-noise": ("en-us", 165, "noise", False),
    "gb-female-music": ("en-gb+f3", 190, "music", True),
    "caribbean-slow": ("en-029", 150, None, False),
}


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, speech.Spoken]:
    folder = tmp_path_factory.mktemp("speech")
    return {name: speech.interview(folder / f"{name}.mp3", voice=v, speed=s, bed=b, headings_spoken=h,
                                   pause=0.6 if name == "us-noise" else 1.0)
            for name, (v, s, b, h) in VOICES.items()}


@pytest.fixture(scope="session")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the session's alignments: a test that needs an
    alignment another test made starts with it (the suite must stay fast)."""
    return tmp_path_factory.mktemp("kept")


def _align(root: Path, audio: speech.Spoken, text: str) -> tuple[interview.TextInfo, Alignment]:
    info = interview.parse(text, ".md", (), language="en")
    found, problems = aligner.align(root, audio.path, audio.path.name, info, "en")
    assert not [p for p in problems if p.is_error], problems
    assert found is not None
    return info, found


def _starts(info: interview.TextInfo, alignment: Alignment) -> dict[str, float]:
    return {f.chapter.title: f.chapter.start for f in results.chapters(info, alignment)}


def _close(found: dict[str, float], truth: dict[str, float], keys: list[str]) -> None:
    for key in keys:
        assert key in found, f"no chapter {key!r}: {found}"
        assert abs(found[key] - truth[key]) <= TOLERANCE, f"{key!r}: found {found[key]}, truly {truth[key]}"


@pytest.mark.parametrize("name", VOICES)
def test_verbatim_text_chapters_and_cues(kept: Path, spoken: dict[str, speech.Spoken], name: str) -> None:
    audio = spoken[name]
    info, alignment = _align(kept, audio, speech.text())
    found = _starts(info, alignment)
    assert list(found) == [results.OPENING] + [h for h, _ in speech.SECTIONS]
    assert found[results.OPENING] == 0.0
    _close(found, audio.starts, [h for h, _ in speech.SECTIONS])
    assert not results.problems(info, alignment, "x.md")  # every paragraph found
    paragraphs = results.paragraphs(info, alignment)
    assert all(p.start is not None and 0 < p.confidence <= 1 for p in paragraphs)
    assert abs((paragraphs[0].start or 0) - audio.starts["intro"]) <= TOLERANCE
    # The timed transcript: cues in order, inside the audio, valid WebVTT.
    cues = results.cues(alignment)
    assert len(cues) >= 8
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:]))
    assert all(0 <= c.start < c.end <= audio.duration + 0.1 for c in cues)
    vtt = transcripts.to_vtt(transcripts.Captions(audio.path, "vtt", cues)).decode()
    parsed = transcripts.parse_vtt(vtt, "t.vtt")
    assert [(c.start, c.end) for c in parsed] == [(round(c.start, 3), round(c.end, 3)) for c in cues]
    assert not transcripts.check(parsed, audio.duration, "t.vtt")


EDITED = [
    # A sentence dropped from the text, one reworded, one the audio never had.
    ("On starting the bakery", [
        "I had no plan at all. My grandmother left me a jar of sourdough starter and a note: feed it daily. "
        "So I fed it, and after a year I had more bread than friends.",
    ]),
    ("On the sound of a good loaf", [
        "When you tap the bottom of a loaf it should sound hollow, like a small drum. "
        "That is the bread talking to you.",
    ]),
    ("On a trip to the mountains", [
        "Last winter we closed the shop for a month and went skiing in Lapland with the whole family, "
        "including the dog, who hated every minute of the cold.",
    ]),
    ("On the early mornings", [
        "The alarm rings at three. Really, I walk through the empty streets and the city belongs to the foxes. "
        "By six the first customers from Hervanta are already waiting at the door. "
        "Some of them bring me coffee in a thermos, which is kind of them.",
    ]),
]


@pytest.mark.parametrize("name", VOICES)
def test_edited_text(tmp_path: Path, spoken: dict[str, speech.Spoken], name: str) -> None:
    audio = spoken[name]
    info, alignment = _align(tmp_path, audio, speech.text(EDITED))
    found = _starts(info, alignment)
    _close(found, audio.starts, ["On starting the bakery", "On the sound of a good loaf", "On the early mornings"])
    # The paragraph the audio never had: untimed, no chapter, a warning.
    assert "On a trip to the mountains" not in found
    warned = results.problems(info, alignment, "x.md")
    assert [p.rule for p in warned] == ["ALIGN-UNFOUND"]
    assert "On a trip to the mountains" in warned[0].message and "Lapland" not in warned[0].message.split("(")[0]
    lapland = [u for u in alignment.units if "Lapland" in u.text]
    assert lapland and all(u.start is None for u in lapland)
    thermos = [u for u in alignment.units if "thermos" in u.text]
    assert thermos and thermos[0].start is None


def test_partial_and_reordered_text(tmp_path: Path, spoken: dict[str, speech.Spoken]) -> None:
    audio = spoken["us-noise"]
    # No intro, and the last highlight moved to the front, as an editor might.
    sections = [speech.SECTIONS[2], speech.SECTIONS[0]]
    info, alignment = _align(tmp_path, audio, speech.text(sections, intro=None))
    found = _starts(info, alignment)
    assert list(found) == ["On starting the bakery", "On the early mornings"]  # in the audio's order
    assert found["On starting the bakery"] == 0.0  # the first chapter holds the opening
    _close(found, audio.starts, ["On the early mornings"])
    assert not results.problems(info, alignment, "x.md")


def test_sentences_are_split_and_short_ones_joined() -> None:
    assert sentences('"This is it," Jonze says. "When you ask these questions, that is half." And more '
                     "words follow here. Yes.") == [
        '"This is it," Jonze says.', '"When you ask these questions, that is half."',
        "And more words follow here. Yes."]
    assert sentences("Dr. Who? No.") == ["Dr. Who? No."]
    info = interview.parse("AUDIE: Hello there, and welcome to the show today.\n\nSPIKE: Thanks, it is good "
                           "to be here with you.\n", ".txt", (), language="en", transcript=True)
    turns = [(u.speaker, u.text) for u in units_of(info) if u.kind == "sentence"]
    assert turns == [("AUDIE", "Hello there, and welcome to the show today."),
                     ("SPIKE", "Thanks, it is good to be here with you.")]  # the name is not spoken


@given(st.lists(st.text(alphabet="abcdefgh XYZ.!?\"'", min_size=1, max_size=40), min_size=1, max_size=8))
def test_splitting_keeps_every_word_in_order(parts: list[str]) -> None:
    paragraph = " ".join(parts)
    assert " ".join(sentences(paragraph)).split() == paragraph.split()


def test_cues_escape_text_and_carry_speakers() -> None:
    from feedtool.model import Timed

    alignment = Alignment((
        Timed("sentence", "Fish & chips <now>", 0, 0, 1.0, 3.0, 0.9, "HOST"),
        Timed("sentence", "Never found.", 0, 0, None, None, 0.0),
        Timed("sentence", "Overlaps the first, so it ends where the next starts.", 0, 1, 2.5, 9.0, 0.8),
        Timed("sentence", "Last.", 0, 2, 5.0, 20.0, 0.7),
    ), 12.0)
    cues = results.cues(alignment)
    assert [(c.start, c.end) for c in cues] == [(1.0, 2.5), (2.5, 5.0), (5.0, 12.0)]
    assert cues[0].text == "<v HOST>Fish &amp; chips &lt;now&gt;"
    srt = transcripts.to_srt(transcripts.Captions(Path("x.md"), "vtt", cues)).decode()
    assert "HOST: Fish & chips <now>" in srt


def _show(root: Path, audio: speech.Spoken, cover: Path, text: str, toml: str = "", show_extra: str = "",
          kept: Path | None = None) -> Path:
    """A show of one episode; with KEPT, its store holds the session's alignments."""
    (root / "episodes").mkdir(parents=True)
    if kept is not None:
        (root / store.FOLDER).mkdir(parents=True)
        for entry in (kept / store.FOLDER).glob("*.json"):
            (root / store.FOLDER / entry.name).write_bytes(entry.read_bytes())
    (root / "podcast.toml").write_text(SHOW_TOML + show_extra)
    (root / "cover.png").write_bytes(cover.read_bytes())
    (root / "episodes" / "baker.mp3").write_bytes(audio.path.read_bytes())
    (root / "episodes" / "baker.md").write_text(text)
    (root / "episodes" / "baker.toml").write_text("date = 2024-03-01\n" + textwrap.dedent(toml))
    return root


def test_build_publishes_aligned_chapters_and_transcript(tmp_path: Path, spoken: dict[str, speech.Spoken],
                                                         cover_png: Path, cli: Callable[..., object]) -> None:
    audio = spoken["us-noise"]
    root = _show(tmp_path / "show", audio, cover_png, speech.text(EDITED), show_extra="align = true\n")
    result = cli("build", root)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "'On a trip to the mountains'" in result.output  # type: ignore[attr-defined]
    assert "was not found in the audio" in result.output  # type: ignore[attr-defined]
    feed = (root / "public" / "feed.xml").read_bytes()
    tree = etree.fromstring(feed)
    item = tree.find("channel/item")
    assert item is not None
    psc = [(c.get("start"), c.get("title")) for c in item.findall("psc:chapters/psc:chapter", NS)]
    assert [t for _, t in psc] == [results.OPENING, "On starting the bakery", "On the sound of a good loaf",
                                   "On the early mornings"]
    types = sorted(t.get("type") for t in item.findall("podcast:transcript", NS))
    assert types == ["application/x-subrip", "text/vtt"]
    chapters = json.loads((root / "public" / "chapters" / "baker.json").read_text())["chapters"]
    for ch in chapters[1:]:
        assert abs(ch["startTime"] - audio.starts[ch["title"]]) <= TOLERANCE
    vtt = (root / "public" / "transcripts" / "baker.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "Lapland" not in vtt and "Tampere" in vtt
    srt = (root / "public" / "transcripts" / "baker.srt").read_text()
    assert srt.startswith("1\n00:00:0")
    parsed = feedparser.parse(feed)
    assert not parsed.bozo
    assert podcastparser.parse("https://example.com/show/feed.xml", __import__("io").BytesIO(feed))["episodes"]
    assert list((root / store.FOLDER).glob("*.json"))  # kept for the next build
    assert cli("build", root, "--check").exit_code == 0  # type: ignore[attr-defined]


def test_a_stored_alignment_needs_no_numpy_and_a_build_without_align_imports_nothing(
        tmp_path: Path, spoken: dict[str, speech.Spoken], cover_png: Path, cli: Callable[..., object],
        kept: Path) -> None:
    audio = spoken["caribbean-slow"]
    aligned = _show(tmp_path / "a", audio, cover_png, speech.text(), toml="align = true\n", kept=kept)
    plain = _show(tmp_path / "b", audio, cover_png, speech.text())
    assert cli("align", "all", "--show", aligned).exit_code == 0  # type: ignore[attr-defined]
    script = ("import sys; from pathlib import Path; from feedtool.engine.run import build; "
              "build(Path(sys.argv[1])); print(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy' "
              "or m.startswith('feedtool.sources.align')))")
    for root, expected in ((aligned, ["feedtool.sources.align", "feedtool.sources.align.episode",
                                      "feedtool.sources.align.results", "feedtool.sources.align.store",
                                      "feedtool.sources.align.units"]), (plain, [])):
        done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True,
                              check=True)
        assert done.stdout.strip() == repr(expected)
    assert (aligned / "public" / "transcripts" / "baker.vtt").is_file()
    assert not (plain / "public" / "transcripts").exists()


def test_align_writes_the_shows_alignments_and_a_clone_needs_no_aligner(
        tmp_path: Path, spoken: dict[str, speech.Spoken], cover_png: Path, cli: Callable[..., object],
        kept: Path) -> None:
    """`feedtool align` writes into the show's alignments/ (committed with it): a fresh
    clone, with no .feedtool-cache/ and no numpy, builds the same feed without aligning."""
    import shutil

    root = _show(tmp_path / "show", spoken["caribbean-slow"], cover_png, speech.text(), toml="align = true\n",
                 kept=kept)
    assert cli("align", "all", root).exit_code == 0  # type: ignore[attr-defined]
    assert len(list((root / "alignments").glob("*.json"))) == 1
    assert cli("build", root).exit_code == 0  # type: ignore[attr-defined]
    clone = tmp_path / "clone"
    shutil.copytree(root, clone, ignore=shutil.ignore_patterns(".feedtool-cache", "public"))
    script = ("import sys; sys.modules['numpy'] = None; from pathlib import Path; "
              "from feedtool.engine.run import build; build(Path(sys.argv[1]))")
    subprocess.run([sys.executable, "-c", script, str(clone)], check=True, capture_output=True, text=True)
    for name in ("feed.xml", "chapters/baker.json", "transcripts/baker.vtt"):
        assert (clone / "public" / name).read_bytes() == (root / "public" / name).read_bytes(), name
    # Without it, the same clone would have to align, and says what it needs.
    shutil.rmtree(clone / "alignments")
    shutil.rmtree(clone / "public")
    shutil.rmtree(clone / ".feedtool-cache", ignore_errors=True)
    check = ("import sys; sys.modules['numpy'] = None; from pathlib import Path\n"
             "from feedtool.engine.run import build\nfrom feedtool.problems import FeedtoolError\n"
             "try:\n    build(Path(sys.argv[1]))\nexcept FeedtoolError as e:\n    print([p.rule for p in e.problems])")
    done = subprocess.run([sys.executable, "-c", check, str(clone)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['ALIGN-TOOLS']"


def test_hand_made_chapters_win(tmp_path: Path, spoken: dict[str, speech.Spoken], cover_png: Path,
                                cli: Callable[..., object], kept: Path) -> None:
    audio = spoken["caribbean-slow"]
    root = _show(tmp_path / "show", audio, cover_png, speech.text(),
                 toml='align = true\n[[chapters]]\nstart = 0\ntitle = "All of it"\n', kept=kept)
    assert cli("build", root).exit_code == 0  # type: ignore[attr-defined]
    chapters = json.loads((root / "public" / "chapters" / "baker.json").read_text())["chapters"]
    assert [c["title"] for c in chapters] == ["All of it"]
    assert (root / "public" / "transcripts" / "baker.vtt").is_file()  # the transcript is still aligned


def test_align_command_and_tag(tmp_path: Path, spoken: dict[str, speech.Spoken], cover_png: Path,
                               cli: Callable[..., object], kept: Path) -> None:
    audio = spoken["gb-female-music"]
    root = _show(tmp_path / "show", audio, cover_png, speech.text(), kept=kept)
    result = cli("align", "all", "--json", "--show", root)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    report = json.loads(out[:out.rindex("]") + 1])
    assert report[0]["stem"] == "baker" and report[0]["publishes"] is False
    assert report[0]["sentences_found"] == report[0]["sentences"]
    assert all(0 < c["confidence"] <= 1 for c in report[0]["chapters"])
    assert "align = true" in result.output  # type: ignore[attr-defined]  # the hint
    bad = cli("align", "nobody", "--show", root)
    assert bad.exit_code == 2 and "no episode has this stem" in bad.output  # type: ignore[attr-defined]  # a usage error, as for tag
    # With align = true, `tag` writes the aligned chapters into the MP3.
    (root / "podcast.toml").write_text(SHOW_TOML + "align = true\n")
    assert cli("tag", "all", "--show", root).exit_code == 0  # type: ignore[attr-defined]
    from mutagen.id3 import ID3

    chaps = sorted((f.start_time, f.sub_frames["TIT2"].text[0]) for f in ID3(root / "episodes" / "baker.mp3")
                   .getall("CHAP"))
    assert [t for _, t in chaps] == [results.OPENING] + [h for h, _ in speech.SECTIONS]
    for start, title in chaps[1:]:
        assert abs(start / 1000 - audio.starts[title]) <= TOLERANCE
    # From now on the audio's own chapter tags are the episode's (hand-made ones win).
    from feedtool.config.load import load_show
    from feedtool.sources import episodes

    show, _ = load_show(root)
    assert show is not None
    (ep,) = episodes.load(show).episodes
    assert ep.sources["chapters"] == "tags"
    assert [round(c.start, 2) for c in ep.chapters] == [round(s / 1000, 2) for s, _ in chaps]


def test_missing_synthesizer_is_a_clear_error(tmp_path: Path, spoken: dict[str, speech.Spoken], cover_png: Path,
                                              cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _show(tmp_path / "show", spoken["us-noise"], cover_png, speech.text(), toml="align = true\n")
    tools = tmp_path / "bin"
    tools.mkdir()
    os.symlink(subprocess.run(["which", "ffmpeg"], capture_output=True, text=True).stdout.strip(), tools / "ffmpeg")
    monkeypatch.setenv("PATH", str(tools))
    result = cli("build", root)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "cannot align: espeak-ng is not installed" in result.output  # type: ignore[attr-defined]
    assert not (root / "public").exists()
