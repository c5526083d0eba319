"""Tests for the interview-text cleaner (feedtool.sources.text).

The texts under tests/texts/ are copies of web pages with their chrome:
seed_her.txt is the seed interview (an NPR page), magazine_qa.txt a magazine
Q&A and radio_transcript.txt a radio transcript page, both written for these
tests.
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from feedtool.model import Section, TextInfo
from feedtool.sources import story
from feedtool.sources.chrome import classify
from feedtool.sources.text import (
    DEFAULT_PATTERNS,
    SUMMARY_LIMIT,
    compile_patterns,
    parse_text,
    strip_control_chars,
)

TEXTS = Path(__file__).parent / "texts"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


def fragment(notes_html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(notes_html, create_parent="div")


def assert_safe(notes_html: str) -> None:
    root = fragment(notes_html)
    allowed = {"div", "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "em", "strong",
               "blockquote", "br", "small", "code", "pre"}  # fmt: skip
    for el in root.iter():
        assert el.tag in allowed, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name in {"href", "rel"}, (el.tag, name)
            if name == "href":
                assert re.match(r"(?i)(https?|mailto):", value), value
    assert "<script" not in notes_html.lower()


SEED_BODY = [
    "Writer-director Spike Jonze's latest movie, called simply Her, is about a lonely man who falls in love ... with his operating system. The two lovers — Theodore (Joaquin Phoenix) and Samantha (voiced by Scarlett Johansson) — never meet face to face. In fact Samantha has no face, not even an avatar.",
    "Like Jonze's earlier films Being John Malkovich and Adaptation, Her is odd and ambitious. But despite the high concept, Jonze insists his movie is really just an old-fashioned love story. He spoke with NPR's Audie Cornish about the unique challenges of creating a film where one of the two main characters is just a voice, as well as about the wide range of reactions people have had to the story. And he pushed back at one of Cornish's questions about the movie's larger themes.",
    '"This movie is, to me, so emotional," Jonze says. "When you\'re asking these questions that are more intellectual ... that\'s only half the story. And I think you\'re editing half of your reaction out."',
    "Originally, on set, we'd cast Samantha Morton as that character. So she was with us on set every day, and she was in [Joaquin Phoenix's] ear, and he was in her ear. And she was in another room, and they were just speak-talking. And so a lot of what he did was listen to her.",
    "Then in post-production we realized that what Samantha and I had done together wasn't what the character needed, or what the movie needed. And so at that point we recast. And then, although Samantha's not in the movie ... her DNA is still really in the film, because she's so much a part of Joaquin's performance. But in post, when Scarlett came on, we basically re-created that same intimacy that we had on set, with Scarlett in the sound studio.",
    'I think she thought it was going to be, "Oh OK, yeah I\'d love to this, it\'d be fun to come do a voice-over." And I think as we started talking about it, one of the things I explained to her was that this character is new to the world, and hasn\'t yet learned her fears and insecurities. And I think that\'s when Scarlett was like, "Oh OK, this is, this is going to be hard," and that it is a two-hander. It is that kind of movie where you have to be moved and affected and fall in love with both characters for it to work as a love story.',
    "I think there's not a simple answer to it, and the movie tries to — you know, the movie is my attempt at asking those questions. ... [It] touches on all of the themes that you're talking about in terms of the way we live in our modern life right now. But also it's writing about something that I think has maybe always been here, which is our yearning to connect, our need for intimacy, and the things inside us that prevent us from connecting. And that sort of tension has always been there. So I think, you know, where we're at right now has a particular set of challenges, but what I'm talking about has probably existed as long as we've existed.",
    "I think the other thing that's been really exciting about it is that as I've talked to people, the variety of reactions for what the movie's about is wide. You know, like some people find it incredibly romantic, some people find it incredibly sad or melancholy, or some people find it creepy, some people find it hopeful.",
    "That makes me really happy to hear, you know, because to me it's everything. It's all these different things I'm thinking about, and a lot of them are contradictory. And I like hearing what it is to you.",
    "That's what I've been thinking about. I think I tried to write about what I was thinking about. [I was] writing about, you know, the questions we were talking about in terms of the way we live with technology right now, but more so writing about trying to understand relationships and myself in relationships. Trying to make sense of it all.",
]


@pytest.fixture(scope="module")
def seed() -> TextInfo:
    return parse_text(read("seed_her.txt"))


# --- The seed ------------------------------------------------------------------


def test_seed_title(seed: TextInfo) -> None:
    assert seed.title == "Spike Jonze Opens His Heart For 'Her'"


def test_seed_summary_is_the_standfirst(seed: TextInfo) -> None:
    # The intro paragraphs before "Interview Highlights", joined as paragraphs.
    assert seed.summary == "\n\n".join(SEED_BODY[:3])


def test_seed_credit(seed: TextInfo) -> None:
    assert seed.credit == "Copyright 2013 NPR."
    assert "To see more" not in seed.transcript()
    assert "To see more" not in seed.notes_html


def test_seed_sections(seed: TextInfo) -> None:
    assert seed.sections == (
        Section(None, tuple(SEED_BODY[:3])),
        Section("Interview Highlights", ()),
        Section("On filming the interactions between Theodore and Samantha", tuple(SEED_BODY[3:5])),
        Section("On Scarlett Johansson's work voicing Samantha", (SEED_BODY[5],)),
        Section("On what the film says about our relationship to technology", (SEED_BODY[6],)),
        Section("On whether the film is meant to feel melancholy, or romantic, or ...", tuple(SEED_BODY[7:9])),
        Section("On how his personal experiences with love influenced the film", (SEED_BODY[9],)),
    )


CHROME_AND_TEASERS = [
    "Filed Under",
    "Play associated audio",
    "Undead Hipsters",
    "Hunting For The Tastiest Egg",
    "Scott Walker",
    "College Dropouts",
    "Leave a Comment",
    "Help keep the conversation civil",
]


@pytest.mark.parametrize("needle", CHROME_AND_TEASERS)
def test_seed_drops_chrome_and_teasers(seed: TextInfo, needle: str) -> None:
    assert needle not in seed.notes_html
    assert needle not in seed.transcript()
    assert any(needle in line for line in seed.removed)


@pytest.mark.parametrize("paragraph", SEED_BODY)
def test_seed_keeps_every_body_paragraph(seed: TextInfo, paragraph: str) -> None:
    assert paragraph in seed.transcript().split("\n\n")
    assert f"<p>{html.escape(paragraph, quote=False)}</p>" in seed.notes_html


def test_seed_transcript_layout(seed: TextInfo) -> None:
    blocks = seed.transcript().split("\n\n")
    assert blocks[0] == seed.title
    assert blocks[1:4] == SEED_BODY[:3]
    assert blocks[4] == "Interview Highlights"
    assert blocks[5] == "On filming the interactions between Theodore and Samantha"
    assert blocks[-2] == SEED_BODY[-1]
    assert blocks[-1] == "Copyright 2013 NPR."


def test_seed_notes_structure(seed: TextInfo) -> None:
    root = fragment(seed.notes_html)
    assert [el.tag for el in root] == [
        "p", "p", "p", "h2",
        "h3", "p", "p", "h3", "p", "h3", "p", "h3", "p", "p", "h3", "p",
    ]  # fmt: skip
    assert root[3].text == "Interview Highlights"
    assert [h.text for h in root.iter("h3")] == [s.heading for s in seed.sections[2:]]
    # The site's copyright line is the credit (the transcript ends with it),
    # not part of the show notes.
    assert seed.credit == "Copyright 2013 NPR."
    assert "Copyright" not in seed.notes_html
    assert "Spike Jonze Opens" not in seed.notes_html  # the title is the episode's, not the notes'
    assert_safe(seed.notes_html)


def test_seed_quotes_survive(seed: TextInfo) -> None:
    quote = '"This movie is, to me, so emotional," Jonze says.'
    assert quote in seed.transcript()
    assert quote in seed.notes_html  # straight quotes stay as text in element content
    assert fragment(seed.notes_html)[2].text.startswith(quote)
    assert "\u2014 Theodore (Joaquin Phoenix)" in seed.transcript()


def test_seed_with_crlf_nbsp_and_trailing_space_is_the_same(seed: TextInfo) -> None:
    raw = read("seed_her.txt")
    messy = raw.replace("\n", "  \r\n").replace("Spike Jonze Opens", "Spike\u00a0Jonze Opens")
    messy = messy.replace("Interview Highlights", "Interview Highlights\r\n\r\n\r\n")
    assert parse_text(messy) == seed


# --- Other texts ---------------------------------------------------------------


def test_magazine_qa() -> None:
    info = parse_text(read("magazine_qa.txt"))
    assert info.title == "The Cartographer Of Small Sounds"
    assert info.summary is not None and info.summary.startswith("For twenty years, the field recordist")
    assert info.summary.endswith("This interview has been edited and condensed for clarity.")
    assert info.credit == "© 2024 Lantern Magazine. All rights reserved."
    assert [s.heading for s in info.sections] == [None, "Learning To Listen", "The Lake"]
    for chrome in [
        "Skip to main content", "Culture", "By Tomas Reyes", "9:30 AM", "min read", "Share this",
        "Facebook", "Photo:", "Juha Lind", "Advertisement", "Story continues", "Quietest Room",
        "Birdsong", "$4.99", "Related", "A Composer Who Writes", "Archive of Lost Radio",
        "newsletter",
    ]:  # fmt: skip
        assert chrome not in info.transcript(), chrome
        assert chrome not in info.notes_html, chrome
    # A long paragraph that mentions subscribing and sharing is body.
    assert "I would subscribe to that lake if I could, and share it with anyone who asked." in info.transcript()
    root = fragment(info.notes_html)
    assert [h.text for h in root.iter("h3")] == ["Learning To Listen", "The Lake"]
    paragraphs = [p.text_content() for p in root.iter("p")]
    # Questions, quoted or with an ellipsis, stay paragraphs outside highlights.
    assert '"Why would anyone record ice?"' in paragraphs
    assert "And then... nothing?" in paragraphs
    assert "Where did it start for you?" in paragraphs
    assert len(paragraphs) == 2 + 6 + 6  # the credit is not a paragraph of the notes
    assert_safe(info.notes_html)


def test_radio_transcript() -> None:
    info = parse_text(read("radio_transcript.txt"))
    assert info.title == "The Last Lighthouse Keeper Of Nantucket Sound"
    # Hard-wrapped lines are joined back into one paragraph, the no-break
    # space becomes a space.
    assert info.summary == (
        "Ruth Callow kept the light at Sankaty Head for eleven years, long after most of the "
        "lighthouses along the coast had been automated. She is 91 now, and she still wakes at four "
        "in the morning, the hour when she used to climb the tower to trim the wick and wipe the salt "
        "from the lens."
    )
    assert info.credit is not None and info.credit.startswith("Copyright © 2024 NPR. All rights reserved.")
    assert len(info.sections) == 1 and info.sections[0].heading is None
    paragraphs = info.sections[0].paragraphs
    assert paragraphs[2] == "SCOTT SIMON, HOST:"
    assert "(SOUNDBITE OF WAVES)" in paragraphs
    assert paragraphs[-1] == "CALLOW: Thank you, dear."
    for chrome in [
        "Heard on", "8:14 AM", "Listen", "Download", "iframe", "Staff Writer", "Enlarge", "hide caption",
        "rush deadline", "More Stories", "Sing Again", "mill town",
    ]:  # fmt: skip
        assert chrome not in info.transcript(), chrome
        assert chrome not in info.notes_html, chrome
    assert_safe(info.notes_html)
    assert "<h" not in info.notes_html


# --- Headings --------------------------------------------------------------------

LONG = (
    "This is a long answer paragraph that goes on for a while, as answers do, "
    "so that it can never be mistaken for a heading."
)


def test_on_lines_are_headings_only_in_highlights() -> None:
    raw = "\n\n".join([
        "A Headline",
        LONG,
        "On the road?",
        LONG,
        "Interview Highlights",
        "On whether it worked?",
        LONG,
        "On the road, or not ...",
        LONG,
        "On Tuesday.",
        LONG,
    ])  # fmt: skip
    info = parse_text(raw)
    headings = [s.heading for s in info.sections]
    assert headings == [None, "Interview Highlights", "On whether it worked?", "On the road, or not ..."]
    assert "On the road?" in info.sections[0].paragraphs  # before the highlights: a question
    assert "On Tuesday." in info.sections[-1].paragraphs  # a sentence, not a topic


def test_runs_of_short_lines_are_not_headings() -> None:
    raw = "\n\n".join(["A Headline", LONG, "Roses are red", "Violets are blue", "Sugar is sweet", LONG])
    info = parse_text(raw)
    assert [s.heading for s in info.sections] == [None]
    assert "Violets are blue" in info.sections[0].paragraphs


def test_last_line_is_never_a_heading() -> None:
    info = parse_text("A Headline\n\n" + LONG + "\n\nA Short Closing Line")
    assert info.sections == (Section(None, (LONG, "A Short Closing Line")),)


def test_text_without_headline() -> None:
    info = parse_text(LONG + "\n\n" + LONG.upper())
    assert info.title is None
    assert info.summary == LONG


# --- Chrome rules ------------------------------------------------------------------


def test_chrome_lines_dropped_only_whole() -> None:
    chrome = [
        "Advertisement", "Share this", "Share on Facebook", "Share on Twitter", "Related",
        "Subscribe", "Subscribe now", "Sign up for our newsletter", "Listen", "Listen · 4:12",
        "Read more", "Click here to read more", "Image source", "Photo: Jane Doe", "(Photo credit Jane Doe)",
        "Jane Doe/Getty Images", "AP Photo/J. Scott Applewhite", "By Jane Doe", "Jane Doe, Staff Writer",
        "Updated 3:05 PM ET", "December 17, 2013 · 4:03 PM ET", "Most Popular", "Comments",
    ]  # fmt: skip
    body = [
        "Subscribe to nothing, she told me, and you will never be disappointed by anything at all.",
        "By the end of that year the studio had run out of money, and most of the crew went home.",
        "Reuters reported that the vote had failed by a wide margin in the upper house.",
        "Copyright law, he said, was never meant to protect a recipe or a dance move.",
        "Listen, I have told this story many times before, and it does not get easier.",
    ]
    raw = "Headline Here\n\n" + "\n\n".join(b + "\n\n" + c for b, c in zip(body * 5, chrome[:-2]))
    raw += "\n\n" + LONG
    info = parse_text(raw)
    for line in chrome[:-2]:
        assert line in info.removed, line
    for line in body:
        assert line in info.transcript().split("\n\n"), line
    assert info.credit is None


def test_wrapped_lines_are_not_matched_as_fragments() -> None:
    # Mid-paragraph, "... reported by AFP and" is not a photo credit, nor is
    # "Subscribe now" the end of a sentence that runs on.
    para = (
        "The first pictures of the flood were sent out late that night, reported by AFP and\n"
        "then picked up by every paper on the coast. She said to me: subscribe now or\n"
        "never, and I did, that very same week, which I have not regretted since then."
    )
    titles = ["A Composer Who Writes For Empty Churches", "Inside the Archive of Lost Radio Jingles"]
    info = parse_text("A Headline\n\n" + para + "\n\n" + "\n".join(titles))
    assert info.sections[0].paragraphs[0] == para.replace("\n", " ")
    # A list of titles is not prose: each line stays a line of its own, and
    # under the story, with nothing after them, they are teasers.
    assert all(title in info.removed for title in titles)


def test_end_marker_cuts_the_tail_once_the_story_has_begun() -> None:
    raw = "\n\n".join(["Most Popular", "A Headline", LONG, "You May Also Like", "Some Teaser", LONG.upper()])
    info = parse_text(raw)
    assert info.title == "A Headline"
    assert info.transcript() == "A Headline\n\n" + LONG
    assert info.removed == ("Most Popular", "You May Also Like", "Some Teaser", LONG.upper())


def test_related_box_eats_only_its_glued_lines() -> None:
    raw = "\n\n".join(["A Headline", LONG, "Related\nA Teaser Title\nAnother Teaser", LONG.upper()])
    info = parse_text(raw)
    assert info.sections == (Section(None, (LONG, LONG.upper())),)
    assert "Another Teaser" in info.removed


def test_credit_cleanup() -> None:
    keep = parse_text(f"Head Line\n\n{LONG}\n\nCopyright 2013 NPR. To see more, visit http://www.npr.org/.")
    assert keep.credit == "Copyright 2013 NPR. To see more, visit http://www.npr.org/."
    bare = parse_text(f"Head Line\n\n{LONG}\n\n© Lantern Magazine")
    assert bare.credit == "© Lantern Magazine"


def test_extra_patterns_drop_a_custom_line(seed: TextInfo) -> None:
    line = "Support for this podcast comes from the Acme Foundation"
    raw = read("seed_her.txt").replace("Interview Highlights", line + "\n\nInterview Highlights")
    kept = parse_text(raw)
    assert line in kept.transcript()  # unknown to the defaults: when in doubt, keep
    dropped = parse_text(raw, extra_patterns=[r"support for this podcast comes from .+"])
    assert line not in dropped.transcript()
    assert line in dropped.removed
    assert dropped.sections == seed.sections


def test_extra_patterns_can_mark_an_end() -> None:
    raw = "\n\n".join(["A Headline", LONG, "~ fin ~", LONG.upper()])
    info = parse_text(raw, extra_patterns=[r"(?P<end>~ fin ~)"])
    assert info.transcript() == "A Headline\n\n" + LONG


def test_default_patterns_compile() -> None:
    assert all(isinstance(p, str) for p in DEFAULT_PATTERNS)
    assert len(compile_patterns(DEFAULT_PATTERNS)) == len(DEFAULT_PATTERNS)


# Pieces of the lines the scanning patterns look for, in any order and case,
# with words around them: a photo agency, a caption toggle, a photographer
# after a slash, a newsletter plea, "(left)", a sentence and a name in capitals.
_CHROME_PIECES = ["Getty Images", "AP Photo", "Reuters", "(AFP)", "[AP]", "hide caption", "Toggle Caption",
                  "/ Jane Roe", ". JANE ROE", "! O'NEIL", "newsletter", "Boletín", "рассылка", "(left)", ", right,",
                  "file photo", "audio is not supported", "the", "Mayor", "said", " ", ". ", ",", "2024",
                  "Sign up", "Photo:", "© 2024 Lantern", "All rights reserved", "Reply", "by", "Ana Ruiz",
                  # staff bylines, commenters, copyright and date lines, in either alternation
                  ", Staff Writer", "Tomas Reyes", "says:", "wrote", "Dice", "Copyright 2013", "(c) 2020", "rights",
                  "Updated", "3:05 PM ET", "December 17, 2013", "Published March 4, 2024", "7", "Straße"]


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(st.sampled_from(_CHROME_PIECES), max_size=12), upper=st.booleans())
@example(pieces=["Tomas Reyes", ", Staff Writer"], upper=False)
@example(pieces=["Tomas Reyes", " ", "says:"], upper=True)
@example(pieces=["Copyright 2013", " ", "Mayor"], upper=False)
@example(pieces=["Mayor", ". ", "All rights reserved"], upper=False)
@example(pieces=["Updated", " ", "3:05 PM ET"], upper=False)
@example(pieces=["December 17, 2013"], upper=True)
def test_classify_with_its_shortcut_is_the_full_alternation(pieces: list[str], upper: bool) -> None:
    """classify skips the patterns that scan a line for a word when the line
    has none of their words; the role must be the one all patterns give."""
    from feedtool.sources import chrome

    line = " ".join("".join(pieces).split())
    line = line.upper() if upper else line
    assume(len(line) <= chrome._CHROME_MAX)  # longer lines have their own two rules
    m = chrome._default_any().fullmatch(line)
    if m is None and len(line) <= chrome._LABEL_MAX:  # a label with trailing punctuation
        m = chrome._default_any().fullmatch(line.rstrip(".…:!»›> "))
    want = chrome._role_of(m) if m else "body"
    assert classify(line, ()) == want


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("(unclosed", "missing )"), ("[z-a]", "bad character range"), (".*", "empty line"), ("", "empty line")],
)
def test_compile_patterns_reports_bad_patterns(pattern: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        compile_patterns(["fine", pattern])
    assert repr(pattern) in str(caught.value)
    assert message in str(caught.value)


def test_compile_patterns_is_case_insensitive() -> None:
    (rx,) = compile_patterns(["sponsored by acme"])
    assert rx.fullmatch("Sponsored By ACME")


def test_parse_text_rejects_bad_extra_pattern() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        parse_text("x", extra_patterns=["[abc"])


# --- Summary -----------------------------------------------------------------------


def test_summary_is_truncated_on_a_word_boundary() -> None:
    words = " ".join(f"word{i}" for i in range(2000)) + "."
    info = parse_text("A Headline\n\n" + words + "\n\nOn Air\n\n" + LONG)
    assert info.summary is not None
    assert len(info.summary) <= SUMMARY_LIMIT
    assert info.summary.endswith("…")
    kept = info.summary[:-1]
    assert words.startswith(kept) and words[len(kept)] == " "
    assert words in info.transcript()  # the body itself is not cut


def test_summary_takes_intro_paragraphs_while_they_fit() -> None:
    big = "x " * 1500 + "end."
    info = parse_text("\n\n".join(["A Headline", big, big, "Sub Head", LONG]))
    assert info.summary == big  # two would not fit in 4000 characters


# --- Safety --------------------------------------------------------------------------

EVIL = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("markdown", [False, True])
def test_markup_in_the_text_never_survives(evil: str, markdown: bool) -> None:
    raw = f"# A Headline\n\nSome text {evil} and more.\n\n{evil}\n\n[x](javascript:alert(1)) <javascript:alert(1)>"
    info = parse_text(raw, markdown=markdown)
    assert_safe(info.notes_html)
    root = fragment(info.notes_html)
    assert not list(root.iter("script", "img", "svg"))
    # Shown as text, never as markup.
    assert "Some text " + evil + " and more." in root.text_content()


def test_strip_control_chars() -> None:
    assert strip_control_chars("a\x00b\x08c\td\ne\rf\x0bg\x1f\ufffeh\ud800") == ("abc\td\ne\rfgh", 6)
    assert strip_control_chars("plain — “text”") == ("plain — “text”", 0)


# The characters at the edges of what XML 1.0 forbids, and some it allows.
_EDGES = st.sampled_from(["\x00", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x0e", "\x1f", " ", "\x7f", "\x85",
                          "\ud7ff", "\ud800", "\udbff", "\udc00", "\udfff", "\ue000", "\ufffd", "\ufffe", "\uffff",
                          "\U00010000", "é", "—", "a"])


@settings(max_examples=300)
@given(st.lists(st.one_of(_EDGES, st.characters(blacklist_categories=()))).map("".join))
def test_strip_control_chars_removes_what_the_rule_forbids(s: str) -> None:
    forbidden = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    assert strip_control_chars(s) == forbidden.subn("", s)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_EDGES, st.sampled_from(["Headline", "A sentence of the story here.", "## Sub-head",
                                                   "\n", "\n\n", "*", "&#1;", "&#xfffe;"]))).map("".join),
       st.sampled_from(["plain", "markdown", "html"]))
def test_a_transcript_holds_nothing_xml_forbids(raw: str, kind: str) -> None:
    # TextInfo.transcript joins the parts a reader kept, without stripping
    # them again: each reader must have stripped its input.
    assume(raw.strip())
    info = parse_text(raw, markdown=kind == "markdown", html=kind == "html")
    for part in (info.transcript(), info.title or "", info.credit or ""):
        assert strip_control_chars(part) == (part, 0)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("0123456789 :./-年년月월日일aZ") + ["٣", "１", "\u0e53"])))
def test_a_date_is_found_only_where_a_digit_is(s: str) -> None:
    assert story._has_date(s) == (story._DATELINE.search(s) is not None)


def test_control_chars_are_removed_from_the_text() -> None:
    info = parse_text("A Head\x00line\n\n" + LONG.replace("long", "lo\x07ng"))
    assert info.title == "A Headline"
    assert "long answer" in info.transcript()


# --- Markdown ------------------------------------------------------------------------

MARKDOWN = """\
# Spike Jonze Opens His Heart For 'Her'

Writer-director Spike Jonze's *latest* movie, called simply **Her**, is about a lonely man.

Share this

He spoke with [NPR](https://www.npr.org/ "NPR") about "the voice" & more.

## Interview Highlights

### On filming the interactions

Originally, on set, we'd cast Samantha Morton as that character.

- first point
- second point

> A quoted answer.

Copyright 2013 NPR.
"""


def test_markdown() -> None:
    info = parse_text(MARKDOWN, markdown=True)
    assert info.title == "Spike Jonze Opens His Heart For 'Her'"
    assert info.summary == "Writer-director Spike Jonze's latest movie, called simply Her, is about a lonely man."
    assert info.credit == "Copyright 2013 NPR."
    assert [s.heading for s in info.sections] == [None, "Interview Highlights", "On filming the interactions"]
    assert info.sections[2].paragraphs == (
        "Originally, on set, we'd cast Samantha Morton as that character.",
        "• first point",
        "• second point",
        "A quoted answer.",
    )
    assert "Share this" in info.removed
    root = fragment(info.notes_html)
    assert [el.tag for el in root] == ["p", "p", "h2", "h3", "p", "ul", "blockquote", "p"]
    assert root.find(".//em").text == "latest"
    link = root.find(".//a")
    assert link.get("href") == "https://www.npr.org/" and link.text == "NPR"
    assert 'about "the voice" &amp; more.' in info.notes_html
    assert root[-1][0].tag == "small"
    assert "Share this" not in info.notes_html
    assert "Spike Jonze Opens" not in info.notes_html
    assert info.transcript().startswith("Spike Jonze Opens His Heart For 'Her'\n\nWriter-director")
    assert info.transcript().endswith("A quoted answer.\n\nCopyright 2013 NPR.")
    assert_safe(info.notes_html)


def test_markdown_heading_levels_fit_the_allow_list() -> None:
    info = parse_text("# Title\n\ntext\n\n# Again\n\ntext\n\n###### Deep\n\ntext", markdown=True)
    root = fragment(info.notes_html)
    assert [el.tag for el in root] == ["p", "h2", "p", "h4", "p"]


# --- Properties ------------------------------------------------------------------------

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=400)
chrome_line = st.sampled_from([
    "Filed Under:", "Play associated audio", "Advertisement", "Share this", "Facebook", "Related",
    "Subscribe", "By Jane Doe", "Photo: Jane Doe/Getty Images", "Updated 3:05 PM ET", "Read more",
    "Leave a Comment", "Comments", "Most Popular", "Copyright 2013 NPR. To see more, visit", "On Air",
    "Interview Highlights", "# Heading", "- item", "> quote", "```", "<p onclick=x>", "&amp;", "&#1;",
])  # fmt: skip
messy_text = st.lists(st.one_of(chrome_line, any_text), max_size=12).flatmap(
    lambda parts: st.sampled_from(["\n", "\n\n", "\r\n", " "]).map(lambda sep: sep.join(parts))
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(any_text, messy_text), markdown=st.booleans())
def test_parse_text_never_raises_and_emits_no_forbidden_chars(raw: str, markdown: bool) -> None:
    info = parse_text(raw, markdown=markdown)
    for out in (info.notes_html, info.transcript(), info.title or "", info.summary or "", info.credit or ""):
        assert not XML_FORBIDDEN.search(out)
    for section in info.sections:
        for paragraph in section.paragraphs:
            assert not XML_FORBIDDEN.search(paragraph)
    if info.summary is not None:
        assert len(info.summary) <= SUMMARY_LIMIT
    if info.notes_html:
        assert_safe(info.notes_html)


# Prose as the reader knows it: every other word a common English one.
common_word = st.sampled_from(["the", "of", "and", "to", "in", "that", "it", "was", "for", "on", "with", "as",
                               "we", "she", "they"])
content_word = st.sampled_from(["lake", "recording", "winter", "studio", "microphone", "island", "river",
                                "morning", "voice", "listened", "carried", "quiet", "ice", "cracked", "north",
                                "harbour", "tape", "years"])
sentence = st.lists(st.tuples(common_word, content_word), min_size=5, max_size=10).map(
    lambda pairs: " ".join(f"{a} {b}" for a, b in pairs).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=2, max_size=4).map(" ".join)
top_chrome = st.lists(
    st.sampled_from(["Filed Under:", "Play associated audio", "Share this", "Advertisement", "By Jane Doe",
                     "Updated 3:05 PM ET", "Listen · 7:32", "Photo: Jane Doe/Getty Images"]),
    max_size=4,
)  # fmt: skip
middle_chrome = st.sampled_from(["Advertisement", "Share on Facebook", "Subscribe now", "Read more", "AP Photo"])
# A tail starts with an end marker or the credit; only then do teasers go.
tail_chrome: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]),
    st.tuples(
        st.sampled_from(["Copyright 2013 NPR. To see more, visit", "Leave a Comment", "Related Stories",
                         "Most Popular", "Comments", "You May Also Like"]),
        st.lists(st.sampled_from(["Some Teaser Title", "Help keep the conversation civil.", "Leave a Comment"]),
                 max_size=3),
    ).map(lambda t: [t[0], *t[1]]),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    top=top_chrome,
    title=st.one_of(st.none(), st.just("A Headline For The Story")),
    body=st.lists(st.tuples(paragraph, st.one_of(st.none(), middle_chrome)), min_size=1, max_size=8),
    tail=tail_chrome,
    wrap=st.booleans(),
)
def test_every_body_paragraph_survives(
    top: list[str], title: str | None, body: list[tuple[str, str | None]], tail: list[str], wrap: bool
) -> None:
    def layout(text: str) -> str:
        return textwrap.fill(text, width=72) if wrap else text

    blocks = top + ([title] if title else [])
    for text, chrome in body:
        blocks.append(layout(text))
        if chrome:
            blocks.append(chrome)
    blocks += tail
    info = parse_text("\n\n".join(blocks), language="en")  # the show's language, as a build passes it
    kept = [p for s in info.sections for p in s.paragraphs]
    for text, _ in body:
        assert text in kept
        assert f"<p>{html.escape(text, quote=False)}</p>" in info.notes_html
    assert info.title == title
    assert not any(chrome in info.transcript() for chrome in top + tail if chrome != "Copyright 2013 NPR. To see more, visit")


_KINDS_OF_SPACE = " \t\u00a0\u1680\u2000\u2005\u200a\u202f\u205f\u3000"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.text(alphabet=st.sampled_from(["a", "b", "\n", "\r", "\ufeff", "\u200b", "\u00ad", "\u2060", "\x07",
                                              *_KINDS_OF_SPACE]), max_size=40))
def test_normalizing_only_some_runs_of_space_is_collapsing_them_all(raw: str) -> None:
    """_normalize_lines skips the search when no space needs fixing and
    matches only the runs that change: the same lines as collapsing every
    run of any kind of space to one " " and dropping invisible characters."""
    from feedtool.sources import text

    cleaned, _ = text.strip_control_chars(raw)
    plain = text._SPACES.sub(" ", text._INVISIBLE.sub("", cleaned))
    expected = [line.strip() for line in plain.splitlines()]
    if not plain or plain.endswith(text._LINE_ENDS):
        expected.append("")
    assert text._normalize_lines(raw) == expected


def test_photo_captions_are_not_the_story_nor_its_summary() -> None:
    story = [
        "The ferry left the harbour at six, as it has every morning for forty years, and the woman who "
        "runs the ticket office was already counting the cars in the queue when the first gulls arrived.",
        "She has seen the crossing change from a working boat to a tourist trip and back again, and she "
        "says the regulars can tell the weather from the way the ramp creaks when the first lorry drives on.",
    ]
    raw = "\n\n".join([
        "Harbour Lives",
        "By Ana Reis",
        "March 4, 2024",
        "Marta Sousa (left) and a deckhand on the ramp of the morning ferry. Reuters",
        story[0],
        "In this 2019 file photo, the ferry leaves the harbour in a storm.",
        story[1],
        "1of3The ticket office at dawn, with the first cars queueing outside.",
    ])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert kept == story
    assert info.summary == story[0]
    assert info.title == "Harbour Lives"


def test_a_transcript_with_time_codes_is_read_whole() -> None:
    """Time codes every other line are a transcript's, not a listing of
    dated posts, nor a header to skip."""
    turns = []
    for i in range(8):
        turns.append(f"[00:{i:02d}:15]")
        speaker = "HOST" if i % 2 == 0 else "GUEST"
        turns.append(f"{speaker}: We talked for a while about the harbour and the boats that come in every "
                     f"morning, and about the people who wait for them on the quay, year after year ({i}).")
    info = parse_text("The Harbour Hour, Episode 12\n\n" + "\n\n".join(turns), language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert [t for t in turns if ":" in t and t[0] != "["] == [p for p in kept if p[0] != "["]
    assert info.title == "The Harbour Hour, Episode 12"
    assert info.is_transcript


_FERRY_STORY = [
    "The island's ferry company will run a summer timetable for the first time in a decade, the harbour "
    "master said on Monday, after two years in which the crossing was cut to one boat a day.",
    "The new boats seat twice as many passengers, and the company says the extra crossings will pay for "
    "themselves if the summer is as busy as the last one, when the queue reached the top of the hill.",
    "People who live on the island have asked for the change for years, and the school, the doctor and "
    "the shop all depend on it: the last boat back now leaves early enough that nobody has to stay over "
    "on the mainland when an appointment runs late.",
]


def test_a_list_the_story_introduces_is_the_story() -> None:
    """The last lines of a story may be a list (dates, results, steps) that
    a line ending in a colon announces in the same block: kept, items and all."""
    items = ["June 9 -- North Quay, 07:15", "June 16 -- Old Harbour, 08:30", "June 23 -- Lighthouse Pier, 09:45",
             "June 30 -- North Quay, 07:15"]
    raw = "\n\n".join([
        "Menu", "Ferries to Run a Summer Timetable", "By Ana Reis", "May 2, 2024", *_FERRY_STORY,
        "The first crossings of the summer timetable:\n" + "\n".join(items),
        "Share on Facebook", "More stories", "Harbour café reopens", "Ferry fares go up",
    ])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert kept == [*_FERRY_STORY, "The first crossings of the summer timetable:", *items]
    assert info.title == "Ferries to Run a Summer Timetable"


def test_a_box_of_titles_under_a_colon_is_not_a_list_of_the_story() -> None:
    """Titles of other stories glued under a line with a colon have no
    figures or bullets: a box of links, not the story's list."""
    teasers = ["Why the harbour café is closing its doors", "How to choose a seat on a long crossing",
               "What the new timetable means for island schools", "Where to park when the queue is long"]
    raw = "\n\n".join([
        "Ferries to Run a Summer Timetable", "By Ana Reis", "May 2, 2024", *_FERRY_STORY,
        "Coverage from our travel desk:\n" + "\n".join(teasers),
    ])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert kept == _FERRY_STORY


def test_the_story_begins_at_its_dateline_lead() -> None:
    """Key points or a caption between the headline and the paragraph that
    opens with the dateline ("PLACE, Region (Agency) —") are not the story:
    it and the summary begin at the dateline."""
    lead = ("PORTO, Portugal (AP) — The city's ferry company will run a summer timetable for the first time in a "
            "decade, the harbour master said on Monday, after two years in which the crossing was cut to one boat.")
    raw = "\n\n".join([
        "Menu", "Ferries to Run a Summer Timetable", "Published Mon, May 2 2024",
        "Key points",
        "The company will add three crossings a day from June, and the last boat back will leave at ten.",
        "Fares stay the same for islanders, while visitors will pay a euro more in the summer months.",
        lead, *_FERRY_STORY[1:], "Share on Facebook", "More stories",
    ])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert kept == [lead, *_FERRY_STORY[1:]]
    assert info.summary == lead
    assert info.title == "Ferries to Run a Summer Timetable"


@pytest.mark.parametrize("opening", ["NASA scientists - who had waited for years - saw the probe wake up",
                                     "A man rides a ferry – the last one of the day – to the island"])
def test_a_capitalised_first_word_is_no_dateline(opening: str) -> None:
    first = opening + ", and the harbour master said on Monday that the crossing would run all summer long."
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", first, *_FERRY_STORY])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs][0] == first


def test_a_headline_under_a_menu_of_teasers_with_blurbs() -> None:
    """A site's menu may list each section's latest stories with a blurb,
    which read as prose; the headline with its date under it, whose words
    the prose below takes up, is where the story starts, not a menu item."""
    blurbs = [
        ("Council Votes on the New Bus Lanes", "The council will decide on Thursday whether the bus lanes on the "
         "river road stay for good, after a trial that shop owners say has cost them half of their customers."),
        ("Library Opens Its Doors on Sundays", "From next month the central library will open on Sundays, the "
         "first time in its history, and the staff say they have been asking for the change for many years."),
        ("School Choir Wins the Regional Cup", "The choir of the harbour school won the regional cup on Saturday "
         "with a song that its teacher wrote for them, and they will sing at the national final in the spring."),
        ("Storm Closes the Coast Road Again", "The coast road was closed for the third time this winter after "
         "the storm on Friday night brought down trees and left the car park by the beach under water."),
    ]
    menu = ["News", "Local News"]
    for title, blurb in blurbs:
        # Title and blurb run together, as links copy; the blurbs are as long as the story's paragraphs.
        menu += [title + blurb + " " + blurb.replace("The ", "And the ", 1), "More " + title.split()[0]]
    menu += ["Sport", "Weather", "Travel", "Video", "More", "Latest Headlines"]
    story = [_FERRY_STORY[0] + " The first boat leaves at seven.", _FERRY_STORY[2]]
    raw = "\n\n".join([*menu, "Ferries to Run a Summer Timetable", "May 2, 2024 at 9:45 am", *story,
                       "Comments", "Follow Us", "Latest News"])
    info = parse_text(raw, language="en")
    assert info.title == "Ferries to Run a Summer Timetable"
    assert [p for s in info.sections for p in s.paragraphs] == story
    assert info.summary == story[0]


# Paragraphs long enough to read as full prose (over 200 characters).
_LONG_STORY = [p + " The harbour master expects the first weeks to be the busiest of the whole year."
               for p in _FERRY_STORY]


def test_a_numbered_list_after_the_story_is_the_story() -> None:
    """Items numbered one by one from 1 after the story (names, prices,
    links: no prose) are the story's list; the page's lines after it are not."""
    items = [f"{n}) {name}\nhttps://shop.example/{n}" for n, name in
             enumerate(["Tide table for the north coast, 2024", "Waterproof ferry map (folded)",
                        "Harbour lights poster, 50 x 70 cm", "Enamel mug with the old ferry on it"], start=1)]
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", *_LONG_STORY,
                       "For the crossing, our picks from the harbour shop", *items,
                       "Share on Facebook", "7 Ferry fares go up again", "12 Harbour café reopens"])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert kept[: len(_LONG_STORY)] == _LONG_STORY
    assert all(line in info.transcript() for item in items for line in item.split("\n"))
    assert "Ferry fares" not in info.transcript() and "café" not in info.transcript()


def test_numbers_that_do_not_count_on_are_not_a_list() -> None:
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", *_LONG_STORY,
                       "3 comments", "10. Ten things to do on the island", "2. Why the café closed",
                       "7 - Ferry fares go up again"])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY


def test_a_headline_in_sentence_case_with_a_period_above_its_byline() -> None:
    """A headline may start in lower case and end with a period: right above
    the byline and date, a short sentence on its own line is the headline."""
    raw = "\n".join([
        "Skip to content", "Harbour Notes", "Home", "About", "the summer timetable, and why the island needs it.",
        "Posted on", "8 February 2026", "by Ana Reis", *_LONG_STORY, "Leave a Reply", "© 2026 Harbour Notes",
    ])
    info = parse_text(raw, language="en")
    assert info.title == "the summer timetable, and why the island needs it."
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY


def test_the_site_name_the_copyright_line_holds_is_not_the_headline() -> None:
    raw = "\n".join(["Skip to content", "The Island Ferry", *_LONG_STORY, "Leave a Reply",
                     "© 2026 The Island Ferry"])
    info = parse_text(raw, language="en")
    assert info.title != "The Island Ferry"
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY


def test_a_dateline_on_its_own_line_opens_the_story() -> None:
    """A press release gives its dateline a line of its own ("PLACE,
    COUNTRY") under the standfirst: the story and its summary begin there."""
    dek = ("The Island Ferry Company and the Harbour Board announce a summer timetable with three more "
           "crossings a day for Porto Santo, Madeira and the north coast.")
    raw = "\n\n".join(["News", "Ferry company announces a summer timetable", dek, "PORTO SANTO, PORTUGAL",
                       *_LONG_STORY, "© 2026 The Island Ferry Company"])
    info = parse_text(raw, language="en")
    kept = [p for s in info.sections for p in s.paragraphs]
    assert dek not in kept
    assert kept[-len(_LONG_STORY):] == _LONG_STORY
    assert info.summary == _LONG_STORY[0]


def test_a_name_under_a_label_is_not_the_headline() -> None:
    """Fields set as a label line and a value line ("Author:" then the name)
    put a title-like name right above the date: it is the byline's value."""
    raw = "\n\n".join(["Home", "News", "Four Things to Do in October",
                       "Our top picks for the weekend, from the quay to the lighthouse.",
                       "Author:", "Island Ferry Company Staff", "Publish date:", "Oct 4, 2024", *_LONG_STORY])
    info = parse_text(raw, language="en")
    assert info.title == "Four Things to Do in October"
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY


def test_a_long_copyright_paragraph_is_the_credit_not_the_story() -> None:
    """The legal footer may run to several sentences (company, address,
    terms): opening with "©" or "Copyright 2026" it is the copyright line
    however long, not a paragraph of the story."""
    legal = ("Copyright © 2026 Harbour Media Group Ltd, Quay House, Harbour Street, Porto Santo. Registered in "
             "Portugal, company number 0042. All rights reserved. Use of this site constitutes acceptance of our "
             "User Agreement and Privacy Policy. The material on this site may not be reproduced, distributed, "
             "transmitted, cached or otherwise used, except with the prior written permission of the company.")
    assert len(legal) > 300
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", *_LONG_STORY, legal,
                       "This website uses cookies to improve your experience while you navigate through the "
                       "website, and you can opt out of them at any time in the settings of your browser."])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY
    assert info.credit is not None and info.credit.startswith("Copyright © 2026 Harbour Media Group")


def test_a_title_under_a_known_label_is_still_the_headline() -> None:
    """Found by the property test: "Filed Under:" (a label the patterns know)
    above a Title Case headline is no "Author:" above a name."""
    raw = "\n\n".join(["Filed Under:", "A Headline For The Story",
                       "The lake the lake the lake the lake the lake. The lake the lake the lake the lake the lake."])
    assert parse_text(raw, language="en").title == "A Headline For The Story"


def test_a_label_and_its_links_are_not_hard_wrapped_prose() -> None:
    """A block of a label ("More on:"), a tag in lower case and teaser titles
    of one width is not a hard-wrapped paragraph: a wrap breaks a full line."""
    box = "\n".join(["More on:", "ferries", "Island ferry fares go up by ten cents from June",
                     "The harbour café reopens after a winter of repairs",
                     "A new lighthouse keeper for the north coast of the island",
                     "Why the bus to the quay now leaves twenty minutes earlier"])
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "By Ana Reis", "May 2, 2024", box, *_LONG_STORY])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY
    assert info.summary == _LONG_STORY[0]


def test_a_long_caption_ending_with_its_agency_is_not_the_story() -> None:
    """A caption may run to several sentences; ending with the photographer
    and agency ("Ana Reis / AFP") it is a caption, however long."""
    caption = ("Passengers wait on the quay at Porto Santo for the first morning ferry of the summer on May 1, "
               "2024. The island's ferry company says the new timetable, with three more crossings a day, will "
               "end the long queues that have formed on the hill above the harbour every weekend since the crossing "
               "was cut to one boat a day two years ago. Ana Reis / AFP")
    assert len(caption) > 300
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", caption, *_LONG_STORY])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY
    assert info.summary == _LONG_STORY[0]


@pytest.mark.parametrize("label", ["You may also like...", "Related stories:", "Comments…", "Read more »"])
def test_a_label_with_trailing_punctuation_is_still_the_label(label: str) -> None:
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", *_LONG_STORY, label,
                       "Island ferry fares go up", "Harbour café reopens"])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY


def test_a_short_sentence_is_not_a_label_for_its_period() -> None:
    assert classify("The harbour was quiet.", ()) == "body"
    assert classify("Search.", ()) == "chrome"


def test_the_sites_boilerplate_about_itself_ends_the_story() -> None:
    """A press release ends with the company talking about itself ("Harbour
    Media is a …"); the copyright line names it, so that is where it ends."""
    about = ("Island Ferries is a transport company owned by the people of the island, with four boats and a "
             "crew of sixty who sail between the island and the mainland every day of the year.")
    raw = "\n\n".join(["Ferries to Run a Summer Timetable", "May 2, 2024", *_LONG_STORY, about,
                       "© 2026 Island Ferries Ltd. All rights reserved."])
    info = parse_text(raw, language="en")
    assert [p for s in info.sections for p in s.paragraphs] == _LONG_STORY
    assert info.credit == "© 2026 Island Ferries Ltd. All rights reserved."
