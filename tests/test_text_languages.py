"""The interview-text reader on pages in other languages and scripts (issue 12, item 3).

tests/texts/lang/LANG.txt are copied pages written for these tests (German,
French, Spanish, Portuguese, Korean, Russian, Japanese, and an English blog
with a long comment thread), each with its chrome: menu, section label,
byline and date, share buttons, a caption, an ad line and sub-heads inside
the story, a "related" box, a newsletter plea, comments, footer, © line.
LANG.json says what a reader must find: the headline, every paragraph of the
story (verbatim), its sub-heads, and lines of chrome that must not reach the
notes ("menu" are lines of the top menu).

Run this file as a script for a per-language table of how the reader does.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from functools import cache
from pathlib import Path

import feedparser
import lxml.html
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedtool.model import TextInfo
from feedtool.sources.text import SUMMARY_LIMIT, parse_text

LANG = Path(__file__).parent / "texts" / "lang"
LANGUAGES = ["de", "fr", "es", "pt", "ko", "ru", "ja", "en"]
UNSPACED = {"ja"}  # written without spaces between words
F1_MIN = 0.9
SUMMARY_WORDS = 8  # the summary opens with this many words of the first paragraph
SUMMARY_CHARS = 20  # or, without spaces, this many characters


@cache
def page(lang: str) -> tuple[str, dict]:
    raw = (LANG / f"{lang}.txt").read_text(encoding="utf-8")
    expected = json.loads((LANG / f"{lang}.json").read_text(encoding="utf-8"))
    return raw, expected


@cache
def parsed(lang: str) -> TextInfo:
    return parse_text(page(lang)[0])


def blocks(notes_html: str) -> tuple[list[str], list[str]]:
    """The notes' paragraphs and headings, as text."""
    if not notes_html.strip():
        return [], []
    root = lxml.html.fragment_fromstring(notes_html, create_parent="div")
    paragraphs = [p.text_content().strip() for p in root.iter("p")]
    headings = [h.text_content().strip() for h in root.iter("h2", "h3", "h4")]
    return paragraphs, headings


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def f1(got: str, want: str) -> float:
    """Bag-of-words F1: lowercase \\w+ tokens, multiset overlap."""
    g, w = tokens(got), tokens(want)
    overlap = sum((g & w).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(g.values()), overlap / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def notes_f1(info: TextInfo, expected: dict) -> float:
    paragraphs, headings = blocks(info.notes_html)
    got = "\n".join(paragraphs + headings)
    want = "\n".join(expected["paragraphs"] + expected.get("subheads", []))
    return f1(got, want)


def opening(text: str, lang: str) -> str:
    if lang in UNSPACED:
        return text[:SUMMARY_CHARS]
    return " ".join(text.split()[:SUMMARY_WORDS])


def decisions(raw: str, around: str | None = None, reach: int = 4) -> str:
    """The reader's verdict on each paragraph (or on those near AROUND), for
    failure messages."""
    from feedtool.sources import story, text

    reading = story.read(text._paragraphs(text._normalize_lines(raw)))
    paras = reading.paragraphs
    idx = range(len(paras))
    if around is not None:
        hits = [i for i, p in enumerate(paras) if around[:40] in p.text]
        if hits:
            idx = range(max(0, hits[0] - reach), min(len(paras), hits[0] + reach + 1))
    lines = [f"language={reading.language} start={reading.start} end={reading.end} headline={reading.headline}"]
    for i in idx:
        p = paras[i]
        stop = "-" if p.stop is None else f"{p.stop:.2f}"
        lines.append(f"{i:3} {p.role:10} {p.kind:5} stop={stop:4} {p.text[:60]!r} — {p.reason}")
    return "\n".join(lines)


# --- The pages ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_is_what_the_brief_asks_for(lang):
    raw, expected = page(lang)
    lines = [line.strip() for line in raw.splitlines()]
    story = " ".join(expected["paragraphs"])
    size = len(story) // 2 if lang in UNSPACED else len(story.split())
    assert 400 <= size <= 1200, size
    assert expected["headline"] in lines
    assert expected["first_paragraph"] == expected["paragraphs"][0]
    assert expected["last_paragraph"] == expected["paragraphs"][-1]
    for line in expected["paragraphs"] + expected["subheads"] + expected["chrome"] + expected["menu"]:
        assert line in lines, line
    assert len(expected["chrome"]) >= 12


@pytest.mark.parametrize("lang", LANGUAGES)
def test_title_is_the_headline(lang):
    raw, expected = page(lang)
    info = parsed(lang)
    # Every kind of space is one space in a title (the ideographic one of a
    # Japanese headline too), as in the rest of the text.
    assert info.title == " ".join(expected["headline"].split()), decisions(raw, expected["headline"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_story_paragraph_is_in_the_notes(lang):
    raw, expected = page(lang)
    paragraphs, _ = blocks(parsed(lang).notes_html)
    missing = [p for p in expected["paragraphs"] if p not in paragraphs]
    assert not missing, "\n\n".join(f"missing: {m[:70]!r}\n{decisions(raw, m)}" for m in missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_chrome_line_is_in_the_notes(lang):
    raw, expected = page(lang)
    info = parsed(lang)
    paragraphs, headings = blocks(info.notes_html)
    text = "\n".join(paragraphs + headings)
    leaked = [
        c for c in expected["chrome"] + expected["menu"]
        # A short line ("Anzeige") may be a word of the story: only as a block of its own is it chrome.
        if c in paragraphs or c in headings or (len(c) >= 15 and c in text)
    ]
    assert not leaked, "\n\n".join(f"leaked: {c[:70]!r}\n{decisions(raw, c)}" for c in leaked)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_summary_is_the_story_opening(lang):
    raw, expected = page(lang)
    info = parsed(lang)
    want = opening(expected["first_paragraph"], lang)
    assert info.summary is not None and info.summary.startswith(want), (
        f"summary: {(info.summary or '')[:80]!r}\n{decisions(raw, expected['first_paragraph'])}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notes_match_the_story_word_for_word(lang):
    raw, expected = page(lang)
    score = notes_f1(parsed(lang), expected)
    assert score >= F1_MIN, f"F1 {score:.3f}\n{decisions(raw)}"


# --- Byte limits on a long opening paragraph ----------------------------------------


def with_long_opening(lang: str) -> tuple[str, str]:
    """The page with its first paragraph replaced by one over 4,000 bytes of
    UTF-8 (the story's paragraphs run together), and that paragraph."""
    raw, expected = page(lang)
    sep = "" if lang in UNSPACED else " "
    long = sep.join(expected["paragraphs"])
    while len(long.encode()) <= 6000:
        long += sep + sep.join(expected["paragraphs"][1:])
    assert raw.count(expected["first_paragraph"]) == 1
    return raw.replace(expected["first_paragraph"], long), long


@pytest.mark.parametrize("lang", ["ko", "ja", "ru"])
def test_a_long_opening_gives_a_summary_cut_in_bytes_on_a_boundary(lang):
    raw, long = with_long_opening(lang)
    info = parse_text(raw)
    summary = info.summary
    assert summary is not None, decisions(raw, long)
    data = summary.encode("utf-8")
    assert len(data) <= SUMMARY_LIMIT == 4000
    assert data.decode("utf-8") == summary and "\ufffd" not in summary
    # Cut, not dropped: most of the 4,000 bytes are the paragraph's opening.
    assert len(data) > SUMMARY_LIMIT // 2, len(data)
    core = summary.removesuffix("…").rstrip()
    assert summary.endswith("…")
    assert long.startswith(core), f"summary is not the opening: {summary[:60]!r}"
    if lang not in UNSPACED:
        # A word boundary: the cut is not between two letters of one word.
        after = long[len(core) : len(core) + 1]
        assert not (core[-1].isalnum() and after.isalnum()), (core[-20:], after)


# --- Random mixes of all the pages ------------------------------------------------------


@cache
def all_lines() -> list[str]:
    return [line for lang in LANGUAGES for line in page(lang)[0].splitlines() if line.strip()]


@cache
def menu_lines() -> frozenset[str]:
    return frozenset(line for lang in LANGUAGES for line in page(lang)[1]["menu"])


_item = st.one_of(
    st.sampled_from(all_lines()),
    st.lists(st.sampled_from(all_lines()), min_size=2, max_size=3).map(" ".join),  # joined lines
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_item, max_size=120),
    st.lists(st.integers(min_value=0, max_value=119), max_size=20),
    st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]),
    st.randoms(use_true_random=False),
)
# Found by a longer run of this property: a menu item repeated once is the title.
@example(["Lyon et région"], [0], "\n", random.Random(0))
def test_random_mixes_never_raise_nor_take_a_menu_line_for_the_title(items, dups, sep, rnd):
    items = list(items)
    for d in dups:  # duplicated lines
        if items:
            items.append(items[d % len(items)])
    rnd.shuffle(items)
    raw = sep.join(items)
    info = parse_text(raw)
    # A shuffle can put a menu line on top of the story, as a text's own
    # title would be: the reader may take it then, but must say it is unsure.
    if info.title in menu_lines():
        assert "TEXT-TITLE" in {d.rule for d in info.doubts}, (info.title, decisions(raw, info.title))
    if info.summary is not None:
        assert len(info.summary.encode()) <= SUMMARY_LIMIT
    blocks(info.notes_html)


# Found by the property above: a menu label of a few characters of an
# unspaced script, above a paragraph that ends with the same label (two lines
# run together), shares all its words with the story; a one-word title is
# still only a guess.
def test_a_one_word_title_is_never_sure():
    label = next(m for m in page("ja")[1]["menu"] if len(m) <= 5)
    paragraph = page("ko")[1]["paragraphs"][0] + " " + label
    raw = "\n".join(["Zum Inhalt springen"] * 4 + [label, paragraph, "Zum Inhalt springen"])
    info = parse_text(raw)
    if info.title == label:
        assert "TEXT-TITLE" in {d.rule for d in info.doubts}


# Found by the property above: the menu's last item right above the story
# (a copy that left out the headline) was taken for the headline, though it
# shares no word with the story.
@pytest.mark.parametrize(
    ("menu", "lang"),
    [("Meio Ambiente", "pt"), ("E-Paper", "de"), ("Lyon et région", "de"), ("Lyon et région", "fr")],
)
def test_a_menu_line_right_above_the_story_is_not_its_title(menu, lang):
    # A copy that left out the headline still has the menu above it; a lone
    # line on top of a story is how people write their own title.
    raw = "\n".join(page(lang)[1]["menu"][:8] + [menu]) + "\n\n" + "\n\n".join(page(lang)[1]["paragraphs"])
    info = parse_text(raw)
    assert info.title != menu, decisions(raw, menu)


# --- A build with all of them -------------------------------------------------------------


def test_a_show_with_every_language_builds(make_show, cli):
    episodes = {lang: {"audio": "tagged.mp3"} for lang in LANGUAGES}
    episodes.update({f"{lang}-long": {"audio": "tagged.mp3"} for lang in ("ko", "ja", "ru")})
    root = make_show(episodes=episodes)
    for lang in LANGUAGES:
        (root / "episodes" / f"{lang}.txt").write_text(page(lang)[0], encoding="utf-8")
    for lang in ("ko", "ja", "ru"):
        (root / "episodes" / f"{lang}-long.txt").write_text(with_long_opening(lang)[0], encoding="utf-8")
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    feed = (root / "public" / "feed.xml").read_bytes()
    items = etree.fromstring(feed).find("channel").findall("item")
    assert len(items) == len(episodes)
    for item in items:
        description = item.findtext("description") or ""
        assert len(description.encode()) <= SUMMARY_LIMIT
        assert "\ufffd" not in description
    parsed_feed = feedparser.parse(feed)
    assert not parsed_feed.bozo, parsed_feed.get("bozo_exception")


# --- The table --------------------------------------------------------------------------


def table() -> str:
    rows = ["| lang | title right? | F1 | summary from the story? | parse ms |", "|---|---|---|---|---|"]
    for lang in LANGUAGES:
        raw, expected = page(lang)
        parse_text(raw)  # warm up (stoplists)
        t0 = time.perf_counter()
        info = parse_text(raw)
        ms = (time.perf_counter() - t0) * 1000
        title = "yes" if info.title == expected["headline"] else f"no: {info.title!r}"
        summary = (info.summary or "").startswith(opening(expected["first_paragraph"], lang))
        rows.append(f"| {lang} | {title} | {notes_f1(info, expected):.3f} | "
                    f"{'yes' if summary else 'no: ' + repr((info.summary or '')[:40])} | {ms:.1f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
