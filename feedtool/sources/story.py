"""Where the story is in a copied web page, and what its headline is.

A page copied with "select all" is the story with the site around it: menus,
section labels, the byline and date, share buttons, captions, teasers for
other stories, comments, the footer.  This reader tells them apart from
evidence in the text itself, the way jusText does for HTML (Pomikálek 2011;
`justext/core.py`: classify each paragraph, then revise the uncertain ones by
their neighbours):

1. Each paragraph (a line, or a hard-wrapped run of lines) is *good* (long,
   with the share of common words that running prose has), *near-good*,
   *short* or *bad* (long but listing names and nouns: a menu run together).
   The phrase patterns of `chrome.py` mark a line as chrome, one vote among
   the others.
2. Short and near-good paragraphs take the class of the good or bad ones
   around them: a sub-head between two paragraphs of the story is story, a
   "Weather" between two menu items is not.
3. The story is the stretch of the page with the most story in it: every
   paragraph adds its weight (words of prose count for it, chrome against
   it) and the stretch with the largest sum wins (the maximum-sum run of
   Finn, Kushmerick and Smyth's "Fact or fiction", 2001).  No single line
   can end the story: a "Comments" link or a © line weighs like a few lines
   of chrome, and story-like text after it carries the story on.
4. The headline is the title-like line above the story that shares the most
   words with it and is nearest to it: never a line that repeats across the
   page (a site name, a menu item) or that the patterns call chrome.

Every paragraph keeps the verdict and the reason for it, which `feedtool
inspect` shows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from feedtool.sources import stoplists
from feedtool.sources.chrome import Role, classify, classify_own
from feedtool.model import Doubt

Kind = Literal["good", "near", "short", "bad"]

# jusText's defaults (justext/core.py), in characters and shares of words.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
# Scripts without spaces pack a word into one or two characters.
_UNSPACED_CHAR_WEIGHT = 3

# The weights of the maximum-sum run, in words of prose.
_BAD_COST = 4.0  # a line of chrome costs as much as four words of story
_BAD_WORD_COST = 0.5  # plus half of its own words
_SHORT_COST = 2.0
_END_COST = 40.0  # "Comments", "Related stories", the © line: a barrier, not a wall
_NEAR_SHARE = 0.5  # a near-good paragraph counts half
_LENIENT_CHROME_COST = 0.5
_PAST_SHORT = 2
# A list the story introduces: a line of this many words ending in a colon,
# then more than this many lines in its block.
_LIST_INTRO_WORDS = 3
_LIST_MIN_ITEMS = 2
_LIST_COUNTED = 0.6
# A numbered list after the story: at least this many items, at most this many lines of detail each.
_NUMBERED_MIN = 3
_ITEM_LINES = 3
# The site's boilerplate about itself: in the story's last few paragraphs, a
# name of up to this many words.
_ABOUT_REACH = 3
_ABOUT_MIN_STORY = 3
_SITE_NAME_WORDS = 4
_BULLETS = "•·*-–—▪►✓"
# A run of less than this many words of prose is no story to pick out of a page.
_MIN_STORY = 30

# How far above the story a headline may be, in paragraphs.
_HEADLINE_REACH = 40
# Paragraphs at least this long tell the page's language.
_PROSE_WORDS = 12
_TITLE_MAX_CHARS = 300
_TITLE_MAX_WORDS = 40
_TITLE_SENTENCE_WORDS = 15
_TITLE_LETTERS = 0.6
# The headline may be this many paragraphs inside the run of most story.
_HEADLINE_INSIDE = 3
# A line above the best headline candidate that shares this much with the
# story and scores within the margin is the headline, the best its standfirst.
_HEADLINE_SHARED = 0.5
_UPPER_MARGIN = 0.4
_UPPER_WORDS = 5
_DEK_WORDS = 15
# Below this, no line is taken for the headline.
_HEADLINE_MIN_SCORE = 0.3
# A headline below this score, or this near the next best line, is reported as a doubt.
_HEADLINE_SURE = 0.6
_HEADLINE_MARGIN = 0.15

_SENTENCE_END = ".!?…。！？\"”’»)]"
_STOPWORDS_NAMES = 0.2
_SENTENCE_STOP = re.compile(r"[.!?。！？][\"”’»)]*(?:\s|$)")


def _sentences(text: str) -> int:
    return len(_SENTENCE_STOP.findall(text))


@dataclass
class Paragraph:
    """A paragraph of the copy and what the reader made of it."""

    text: str
    single: bool  # one source line (only those can be headlines or sub-heads)
    words: int  # its length in words (unspaced scripts: characters / 3)
    stop: float | None  # share of common words, None without a stoplist
    pattern: Role  # what the phrase patterns say ("body" when none matched)
    glued: bool = False  # in one source block with the line above it
    own: Role | None = None  # what the show's own patterns say, which is final
    kind: Kind = "short"  # jusText's class, on its own evidence
    role: str = "chrome"  # story | headline | chrome | standfirst | credit
    reason: str = ""
    line: int = 0  # its first line in the source, from 1
    key: str = ""  # its words, lowercased: the same text wherever the page repeats it
    # The words of `key` as read, for the measures that go word by word
    # (rather than splitting the key again).
    tokens: list[str] = field(default_factory=list, repr=False, compare=False)


@dataclass(frozen=True)
class Reading:
    paragraphs: tuple[Paragraph, ...]
    language: str | None
    start: int  # the story's first paragraph, or -1 when there is none
    end: int  # one past its last
    headline: int  # the headline's index, or -1
    doubts: tuple[Doubt, ...] = ()


def _size(words: list[str], unspaced: int) -> int:
    """The length in words of a paragraph of these WORDS and UNSPACED characters of unspaced scripts."""
    if unspaced:
        return len(words) - sum(1 for w in words if stoplists.unspaced_chars(w)) + unspaced // _UNSPACED_CHAR_WEIGHT
    return len(words)


def _kind(p: Paragraph, has_stoplist: bool, unspaced: int) -> tuple[Kind, str]:
    """jusText's classes: good and near-good prose, short, bad (UNSPACED: the
    paragraph's characters of unspaced scripts)."""
    if p.pattern != "body":
        return "bad", f"chrome phrase ({p.pattern})"
    length = len(p.text) if not unspaced else p.words * 6
    if length < LENGTH_LOW:
        return "short", f"short ({length} characters)"
    if p.stop is None:
        if not has_stoplist and p.text[-1:] in _SENTENCE_END:
            return ("good" if length > LENGTH_HIGH else "near"), "sentences (no stoplist for this language)"
        return "bad", "no sentence, no common words"
    if p.stop >= STOPWORDS_HIGH and length > LENGTH_HIGH:
        return "good", f"prose ({p.stop:.0%} common words)"
    if p.stop >= STOPWORDS_LOW:
        return "near", f"near prose ({p.stop:.0%} common words)"
    # A report full of names (sport, markets) has fewer common words, but
    # still long sentences.
    if p.stop >= _STOPWORDS_NAMES and length > LENGTH_HIGH and _sentences(p.text) >= 1:
        return "near", f"sentences full of names ({p.stop:.0%} common words)"
    return "bad", f"names and nouns ({p.stop:.0%} common words)"


def _vouched(paras: Sequence[Paragraph], i: int, step: int) -> bool:
    """Whether prose in direction STEP from paragraph I vouches for it.

    Chrome set into a story ("Advertisement") hides nothing: the paragraph
    past it counts as a neighbour.  Past a short line (a question, a
    sub-head) only good prose counts: the blurbs of a teaser list are
    near-good too, and sit between short titles and dates.
    """
    past_short = 0
    j = i + step
    while 0 <= j < len(paras) and past_short <= _PAST_SHORT:
        q = paras[j]
        if q.pattern in ("chrome", "box") and q.kind != "good":
            j += step
            continue
        if q.kind == "short":
            past_short += 1
            j += step
            continue
        return q.kind == "good" or (q.kind == "near" and not past_short)
    return False


def _prose_near(paras: Sequence[Paragraph], i: int) -> bool:
    return _vouched(paras, i, -1) or _vouched(paras, i, 1)


def _weights(paras: Sequence[Paragraph]) -> list[float]:
    """What each paragraph adds to the story around it, in words of prose.

    Its neighbours are heard, as in jusText's revision: a short line between
    two paragraphs of prose is a sub-head or a short sentence of the story,
    and a middling paragraph between short lines is a teaser's blurb between
    its title and its date, not the story.
    """
    out: list[float] = []
    for i, p in enumerate(paras):
        before = paras[i - 1].kind if i > 0 else "bad"
        after = paras[i + 1].kind if i + 1 < len(paras) else "bad"
        if p.pattern in ("end", "credit"):
            out.append(-_END_COST)
        elif p.kind == "good":
            out.append(float(p.words))
        elif p.kind == "near":
            # Past a short question or sub-head, good prose still vouches
            # for it: an answer in an interview.
            out.append(p.words * _NEAR_SHARE if _prose_near(paras, i) else -_SHORT_COST)
        elif p.kind == "short":
            # A sub-head between paragraphs, or a short sentence beside one
            # (a reply, the last line of a transcript), is the story's.
            sentence = p.text.rstrip()[-1:] in _SENTENCE_END
            out.append(1.0 if before == after == "good" or (sentence and _prose_near(paras, i)) else -_SHORT_COST)
        else:
            out.append(-(_BAD_COST + _BAD_WORD_COST * p.words))
    return out


def _lenient_weight(p: Paragraph) -> float:
    """A paragraph's weight in a text without prose: everything counts but
    what the patterns call chrome, and an end marker still ends it."""
    if p.pattern in ("end", "credit"):
        return -_END_COST
    if p.pattern != "body":
        return -_LENIENT_CHROME_COST
    return 1.0 + (p.words * _NEAR_SHARE if p.kind in ("good", "near") else 0.0)


def _best_run(weights: Sequence[float]) -> tuple[int, int, float]:
    """The run [start, end) with the largest sum (Kadane), and the sum;
    (-1, -1, 0) if none is positive."""
    best, best_start, best_end = 0.0, -1, -1
    total, start = 0.0, 0
    for i, w in enumerate(weights):
        if total <= 0:
            total, start = 0.0, i
        total += w
        if total > best:
            best, best_start, best_end = total, start, i + 1
    return best_start, best_end, best


_HASHTAG = re.compile(r"(?<!\w)#\w")


def _title_shaped(p: Paragraph, anchored: bool = False) -> bool:
    """Whether P could be a headline.  ANCHORED: a byline or date is right
    under it, where a headline's are."""
    text = p.text
    if not p.single or p.pattern != "body" or len(text) > _TITLE_MAX_CHARS:
        return False
    if text[:1] in "([" and text[-1:] in ")]":
        return False
    if text.rstrip()[-1:] in ":,;" or not any(map(str.isalpha, text)):
        return False
    if len(_HASHTAG.findall(text)) >= 2:
        return False  # a social post or a sponsor's disclosure ("#ad")
    letters = sum(map(str.isalpha, text))
    if letters < _TITLE_LETTERS * (len(text) - sum(map(str.isspace, text))):
        return False  # a row of a table of figures

    if _BYLINE.match(text) or _NOT_TITLE.search(text) or _NAVIGATION.search(text):
        return False  # a byline, a timestamp, a breadcrumb trail or an address
    if text.rstrip()[-1:] in ".。" and (p.words > _TITLE_SENTENCE_WORDS
                                       or (_capitalised_share(text) < 0.5 and not anchored)):
        # A sentence of the story, or its standfirst; headlines that end so
        # are Title Case, or stand right above their byline or date.
        return False
    return 2 <= p.words <= _TITLE_MAX_WORDS or (p.words >= 1 and stoplists.unspaced_chars(text) >= 4)


def _content_words(paras: Iterable[Paragraph], common: frozenset[str]) -> set[str]:
    """The content words of PARAS, all together."""
    group = list(paras)
    words: set[str] = set()
    for p in group:
        words.update(p.tokens)
    # A word's first letters stand for the word, so that "school" and
    # "schools", "школьники" and "школьников" are one (a stemmer for any
    # language, if a crude one).
    out = {w[:_STEM] for w in words.difference(common) if not w.isdigit()}
    for p in group:
        if stoplists.unspaced_chars(p.text):
            # Character pairs stand in for words in unspaced scripts.
            joined = "".join(w for w in p.tokens if stoplists.unspaced_chars(w))
            out |= {joined[i : i + 2] for i in range(len(joined) - 1)}
    return out


# A dateline or byline: a year, a time of day or a numeric date in a short
# line, or "By …" in the languages whose pages say it that way.
# A date is a time of day, a numeric date, a year with a day beside it, or
# the year-month-day of the scripts that write them with 年月日 and 년월일.
_DATELINE = re.compile(
    r"\b\d{1,2}:\d\d\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"
    r"|\b\d{1,2}\b\D{0,20}\b(?:19|20)\d\d\b|\b(?:19|20)\d\d\b\D{0,20}\b\d{1,2}\b"
    r"|(?:19|20)\d\d\s*[年년]|\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]"
)
# "By Name", "Von Name", "Texte : Nom", "Текст: Имя": the word, then a name
# (a capital letter), so that "De la lucha…" or "da mesma forma…" is not one.
_BYLINE = re.compile(
    r"(?i:by|von|par|por|di|da|de|door|af|av|przez|text|texte|texto|testo|текст|автор|фото)\s*:?\s+"
    r"[A-ZÀ-ÞĀ-Ž\u0400-\u042f]"
)
_DATELINE_MAX_WORDS = 25
# How far below a headline its byline or date may be, in paragraphs.
_ANCHOR_REACH = 5
# How far into the run of most story a byline or date may still be.
_HEADER_REACH = 4
_HEADER_LINE_WORDS = 12
# A "Related" box takes at most this many short lines glued under it.
_BOX_LINES = 5
# A thread: at least this many dated lines, one to every other post or more.
_THREAD_DATES = 2
_THREAD_SHARE = 0.5
# A listing: at least this many dated lines, with up to this many lines (title, name) above each date.
_LISTING_DATES = 3
_LISTING_HEAD = 2
# A paragraph this long that the page shows outside the story too is a caption or a teaser.
_REPEAT_WORDS = 8
# Doubts: this many loose short lines in the notes; prose this near below the story's end.
_LOOSE_LINES = 3
_ABRUPT_REACH = 3
_ANCHOR_BONUS = {1: 0.6, 2: 0.45}
_ANCHOR_INSIDE = 2
_LABEL_WORDS = 3
_LABEL_VALUE_WORDS = 6
_LABEL_VALUE_STOPWORDS = 0.5  # a name is mostly names ("Harbour Company Staff"); a title has its "the" and "for"
_ANCHOR_SHARED = 0.6
_NAME_WORDS = 10
_REPEATED_TITLE_WORDS = 6
_NAME_CAPITALS = 0.85
_NAME_STOPWORDS = 0.15  # names have few common words ("of", "de")
_STEM = 6
_FIRST_LINE_WORDS = 2
_QUOTES = "\"'“‘«„"
_CLOSING = re.compile("[\"'”’»“]")


def _quotation(text: str) -> bool:
    """Whether TEXT is a quotation: it opens with a quote mark that closes
    only near its end ("'We got her!': video shows …" is a headline)."""
    if text[:1] not in _QUOTES:
        return False
    close = _CLOSING.search(text, 1)
    return close is None or close.start() >= 0.6 * len(text)
_SENTENCE_BREAK = re.compile(r"[.!?。]\s+(?=\w)")


# The date of a post or a teaser: a year, a numeric date, "5 hours ago",
# a CJK date; not a bare time code ("[00:12:31]" in a transcript).
_POSTDATE = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|(?:19|20)\d\d\s*[年년]|\d{1,2}\s*[月월]\s*\d{1,2}"
    r"|\b\d+\s*(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s+ago\b|\d+\s*(?:時間|分|日)前",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def _is_postdated(text: str) -> bool:
    # Every date has a digit, which is found far faster than a date.
    return _DIGIT.search(text) is not None and _POSTDATE.search(text) is not None


def _has_date(text: str) -> bool:
    # Every date _DATELINE finds has a digit too.
    return _DIGIT.search(text) is not None and _DATELINE.search(text) is not None


_TIMECODE = re.compile(r"[\[(]?\d{1,2}(?::\d\d){1,2}(?:[.,]\d+)?[\])]?")


def _is_dateline(p: Paragraph) -> bool:
    return p.words <= _DATELINE_MAX_WORDS and bool(_has_date(p.text) or _BYLINE.match(p.text))


# A byline or a timestamp is never the headline (a year alone may be in one).
_NOT_TITLE = re.compile(r"\b\d{1,2}:\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")


def _capitalised_share(text: str) -> float:
    words = [w for w in text.split() if w[:1].isalpha()]
    cased = [w for w in words if w[:1].isupper() or w[:1].islower()]
    return sum(w[:1].isupper() for w in cased) / len(cased) if cased else 0.0


def _listed(paras: Sequence[Paragraph], i: int) -> bool:
    """Whether paragraph I is one item of a list of title-like lines (a
    teaser list), not a headline standing on its own."""
    def item(j: int) -> bool:
        return 0 <= j < len(paras) and paras[j].kind == "short" and paras[j].words >= 4 and paras[j].pattern == "body"

    return item(i - 1) and item(i + 1)


# Breadcrumbs, menus and addresses: "Home › Podcast", "News | Sport", a URL.
_NAVIGATION = re.compile(r"\s[/|>»›]\s|^[»›>]|https?://|www\.|\w\.(?:com|org|net)\b")


def _headline_score(paras: Sequence[Paragraph], i: int, shared: float, start: int) -> float:
    """How much paragraph I looks like the headline of the story at START."""
    p = paras[i]
    words = p.words
    score = shared
    # A headline is a phrase, not a label and not a paragraph: section names
    # and authors' names are short, the standfirst under it and the story's
    # own sentences share as many words with the story.
    if words <= 3 and not stoplists.unspaced_chars(p.text):
        score -= 0.8  # menus are made of such lines
    elif words <= 20:
        score += 0.2
    elif words > 25:
        score -= 0.4
    sentences = len(_SENTENCE_BREAK.findall(p.text))
    if p.text.rstrip()[-1:] in ".。":
        score -= 0.25
    score -= 0.15 * sentences
    capitalised = _capitalised_share(p.text)
    if capitalised >= 0.6:
        score += 0.15  # Title Case, as many sites set headlines
    if capitalised >= _NAME_CAPITALS and words <= _NAME_WORDS and (p.stop or 0) <= _NAME_STOPWORDS:
        score -= 0.3  # only names: an author, a place, a publication
    if _listed(paras, i):
        score -= 0.3
    if _quotation(p.text):
        score -= 0.3  # a quotation under the headline, or pulled out of the story
    # Under the headline come the standfirst, the byline and the date, most
    # often on the very next line; without them, the nearer the story the
    # likelier.
    anchor = next((j - i for j in range(i + 1, min(start, i + 1 + _ANCHOR_REACH)) if _is_dateline(paras[j])), None)
    if anchor is not None:
        # A line that shares nothing with the story is not made a headline
        # by the date under it (a breadcrumb above the byline).
        score += _ANCHOR_BONUS.get(anchor, 0.25) * min(1.0, 0.5 + shared / _ANCHOR_SHARED)
    else:
        score -= (start - 1 - i) / 40
    return score


def _headline(paras: list[Paragraph], start: int, end: int, common: frozenset[str]) -> tuple[int, bool, float]:
    """The index of the headline of the story that runs from START to END
    (-1 when there is none), whether the evidence for it is good, and its score."""
    if start < 0:
        return -1, False, 0.0
    story_words = _content_words((p for p in paras[start:end] if p.kind in ("good", "near")), common)
    counts = Counter(p.key for p in paras)
    # The copyright line names the site: a line it holds whole is the site's name.
    credits = [f" {p.key} " for p in paras if p.pattern == "credit"]
    shares: dict[int, float] = {}
    scores: dict[int, float] = {}
    # The run of most story can begin a little above the story itself, with
    # the headline and its standfirst.
    first_prose = next((j for j in range(start, end) if paras[j].kind == "good"), start)
    for i in range(max(0, start - _HEADLINE_REACH), min(first_prose, start + _HEADLINE_INSIDE) + 1):
        p = paras[i]
        # A short line the page repeats three times or more is a menu item or
        # the site's name; the headline itself may appear several times (the
        # page's title, a share button's label, its own teaser).
        repeated = counts[p.key] > 2 and p.words < _REPEATED_TITLE_WORDS
        anchored = p.text.endswith(".") and any(
            _is_dateline(paras[j]) for j in range(i + 1, min(len(paras), i + 1 + _ANCHOR_INSIDE)))
        if not _title_shaped(p, anchored) or repeated or (i >= start and p.kind == "good"):
            continue
        if p.key and any(f" {p.key} " in credit for credit in credits):
            continue
        # (Not under a label the patterns know: "Filed Under:" heads the headline on some sites.)
        if (i > 0 and paras[i - 1].text.endswith(":") and paras[i - 1].words <= _LABEL_WORDS
                and paras[i - 1].pattern == "body"
                and p.words <= _LABEL_VALUE_WORDS and _capitalised_share(p.text) >= _NAME_CAPITALS
                and p.stop is not None and p.stop < _LABEL_VALUE_STOPWORDS):
            continue  # a name as the value of a label above it ("Author:")
        words = _content_words([p], common)
        if words:
            shares[i] = len(words & story_words) / len(words)
            scores[i] = _headline_score(paras, i, shares[i], max(start, i + 1))
    if not scores:
        return -1, False, 0.0
    best = max(scores, key=lambda i: (scores[i], i))  # of equals, the nearer the story
    # A headline comes first and its standfirst under it, sharing as many
    # words with the story: of two such lines, the upper one.
    upper = best - 1
    if (
        upper in shares
        and shares[upper] >= _HEADLINE_SHARED
        and paras[upper].words >= _UPPER_WORDS  # not a kicker ("GROWING A BUSINESS") above it
        and (scores[upper] > scores[best] - _UPPER_MARGIN
             # a standfirst is longer than its headline
             or (paras[best].words >= _DEK_WORDS and paras[upper].words < paras[best].words))
        and paras[best].key not in paras[upper].key  # a breadcrumb trail ending in it
    ):
        best = upper
    if scores[best] > _HEADLINE_MIN_SCORE:
        runner_up = max((v for i, v in scores.items() if i != best), default=-9.0)
        # A title of one word (a label, a few characters of an unspaced
        # script) is never sure: menus are made of them.
        sure = scores[best] >= _HEADLINE_SURE and scores[best] - runner_up >= _HEADLINE_MARGIN and paras[best].words > 1
        return best, sure, scores[best]
    # Else, in a text someone wrote or trimmed by hand, its first line: a
    # title above the story with nothing but known chrome above it (a line
    # right above a page's story is as likely a menu item or a label).
    first = next((i for i, p in enumerate(paras) if p.pattern == "body"), -1)
    if (first in scores and first <= start and paras[first].kind == "short" and first + 1 < end
            and paras[first].words >= _FIRST_LINE_WORDS and paras[first].text.rstrip()[-1:] not in ".!?。"
            and counts[paras[first].key] == 1
            and all(p.pattern != "body" for p in paras[first + 1 : start])):
        return first, shares.get(first, 0.0) > 0, scores[first]
    return -1, False, 0.0


def _headline_inside(paras: list[Paragraph], start: int, end: int, common: frozenset[str], to_beat: float) -> int:
    """A headline well inside the run of most story, or -1.

    A page may show many teasers with their blurbs above the story (a menu
    of the site's sections, each with its latest stories), and they read
    as prose too.  When no good headline stands above the run, a title-like
    line in it with a byline or date right under it, whose words the prose
    below it takes up, is the story's headline: the story starts under it.
    """
    if start < 0:
        return -1
    first_prose = next((j for j in range(start, end) if paras[j].kind == "good"), end)
    below: set[str] = set()
    unread: list[int] = []  # prose below, whose words `below` takes in when a line needs them
    prose_words = 0
    found, found_score = -1, to_beat
    for i in range(end - 1, first_prose, -1):  # from the end up, with the prose below each line
        p = paras[i]
        if p.kind in ("good", "near"):
            unread.append(i)
            prose_words += p.words
            continue
        if prose_words < _MIN_STORY or not _title_shaped(p):
            continue
        if not any(paras[j].words <= _HEADER_LINE_WORDS and _is_dateline(paras[j])
                   for j in range(i + 1, min(end, i + 1 + _ANCHOR_INSIDE))):
            continue
        below |= _content_words((paras[j] for j in unread), common)
        unread.clear()
        words = _content_words([p], common)
        shared = len(words & below) / len(words) if words else 0.0
        if shared < _ANCHOR_SHARED:
            continue
        score = _headline_score(paras, i, shared, i + 1)
        if score > found_score:
            found, found_score = i, score
    return found


def _before_thread(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """END, or the end marker the story ran past into a thread of posts.

    An end marker ("Comments", "14 thoughts on …") is a barrier that prose
    can carry the story past; but prose under it that comes with a date or
    time every few lines is a comment thread (name, date, post, "Reply"),
    not more of the story.
    """
    if not any(p.pattern == "end" for p in paras[max(start, 0):end]):
        return end
    # Counted once from the end backwards, so that a page of many markers
    # costs one pass.
    dated = posts = 0
    found = end
    for i in range(end - 1, max(start, 0) - 1, -1):
        p = paras[i]
        if p.pattern == "end" and dated >= _THREAD_DATES and dated >= posts * _THREAD_SHARE:
            found = i
        if p.kind != "good" and _is_postdated(p.text):
            dated += 1
        if p.kind in ("good", "near"):
            posts += 1
    return found


def _before_listing(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """END, or where a listing of dated items begins inside the run of most
    story: teasers for other stories (title, author, date, blurb) or posts
    (name, date, text), which a story does not carry a date line every
    paragraph or two; the title and name lines above the first date go with it."""
    first_prose = next((i for i in range(max(start, 0), end) if paras[i].kind == "good"), end)
    dated = [i for i in range(first_prose + 1, end)
             if paras[i].kind != "good" and paras[i].words <= _HEADER_LINE_WORDS and _is_postdated(paras[i].text)]
    if len(dated) < _LISTING_DATES:
        return end
    posts = sum(1 for p in paras[dated[0] + 1 : end] if p.kind in ("good", "near"))
    if len(dated) < _THREAD_SHARE * posts:
        return end
    cut = dated[0]
    while cut - 1 > first_prose and cut - dated[0] > -_LISTING_HEAD and paras[cut - 1].kind in ("short", "near") \
            and paras[cut - 1].text.rstrip()[-1:] not in ".!?。":
        cut -= 1
    return cut


def _with_its_list(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """END, or past the list that the story's last lines introduce.

    A story may end on a list: tour dates, a recipe's steps, the results.
    Its lines are names and figures, no prose, but the story announces it
    with a sentence that ends in a colon, and the page sets it in one block
    with that line (no blank line between).  The list is the story's up to
    the end of that block, or to a line the patterns call chrome.
    """
    if start < 0 or end <= start:
        return end
    intro = next((i for i in (end - 1, end) if i < len(paras) and paras[i].text.endswith(":")
                  and paras[i].pattern == "body" and paras[i].words >= _LIST_INTRO_WORDS), None)
    if intro is None:
        return end
    j = intro + 1
    while j < len(paras) and paras[j].glued and paras[j].pattern == "body":
        j += 1
    # Its items are figures or bullets (dates, amounts, scores, steps), not
    # the titles of a box of links that a line with a colon heads.
    items = [p.text for p in paras[intro + 1 : j]]
    counted = sum(1 for t in items if _DIGIT.search(t) or t[:1] in _BULLETS)
    return j if len(items) > _LIST_MIN_ITEMS and counted >= _LIST_COUNTED * len(items) else end


# An item of a numbered list: "1)", "2.", "3 –", "#4", then the item.
_NUMBERED = re.compile(r"#?(\d{1,3})(?:\)\s*|\s*[.\]:–—-]\s+)\S")


def _with_numbered_items(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """END, or past the numbered list that follows the story.

    A story that counts things ("1) …", "2) …") may end on items that are
    only names, prices and links, no prose; the numbers going on one by one
    from 1 (or from the story's own last number) tell the list from the
    page's chrome, which does not count.  Each item may take a few lines of
    detail; a line the patterns call chrome ends the list.
    """
    if start < 0 or end <= start or end >= len(paras):
        return end
    last = next((int(m.group(1)) for p in reversed(paras[start:end]) if (m := _NUMBERED.match(p.text))), 0)
    expected = last + 1
    found = end
    items = 0
    j = end
    detail = 0
    while j < len(paras) and paras[j].pattern == "body":
        m = _NUMBERED.match(paras[j].text)
        if m and int(m.group(1)) == expected:
            expected += 1
            items += 1
            detail = 0
            found = j + 1
        elif m and expected == last + 1 and int(m.group(1)) == 1:  # the list starts afresh below the story
            expected, items, detail, found = 2, 1, 0, j + 1
        else:
            detail += 1
            if detail > _ITEM_LINES:
                break
            if items and paras[j].glued:
                found = j + 1  # a detail of the last item, in its block
        j += 1
    return found if items >= _NUMBERED_MIN else end


# What a copyright line says besides the site's name.
_CREDIT_WORDS = frozenset("copyright all rights reserved inc ltd llc gmbh co corp plc sa ag the".split())


def _site_name(paras: Sequence[Paragraph]) -> list[str]:
    """The site's name as the copyright line gives it ("© 2024 Harbour
    Media Ltd. All rights reserved." → ["harbour", "media"]), or []."""
    credit = next((p for p in paras if p.pattern == "credit"), None)
    if credit is None:
        return []
    name: list[str] = []
    for word in credit.key.split()[:_SITE_NAME_WORDS + 2]:
        if word.isdigit() or word in _CREDIT_WORDS:
            if name:
                break
            continue
        name.append(word)
    return name[:_SITE_NAME_WORDS]


def _before_about_the_site(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """END, or where the story's last paragraphs turn to the site itself:
    "Harbour Media is a global provider of …", "Harbour Media was founded
    in …", the boilerplate a press release or a magazine ends with."""
    name = _site_name(paras)
    if not name or end - start < _ABOUT_MIN_STORY:
        return end
    for i in range(max(start + 1, end - _ABOUT_REACH), end):
        words = paras[i].key.split()
        if words[: len(name)] == name and words[len(name) : len(name) + 1] in (["is"], ["was"], ["has"]):
            return i
    return end


def _boxed(paras: Sequence[Paragraph]) -> set[int]:
    """The lines glued under a "Related" or "Read more" box (one source
    block, no blank line between), short or near-prose: the box's list of
    titles, perhaps with their blurbs."""
    out: set[int] = set()
    for i, p in enumerate(paras):
        if p.pattern != "box":
            continue
        j = i + 1
        while j < len(paras) and j - i <= _BOX_LINES and paras[j].glued and paras[j].kind in ("short", "near"):
            out.add(j)
            j += 1
    return out


def _after_header(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """Where the story begins once the head of the article is left out: the
    standfirst, byline and date that the run of most story may open with.
    The head ends at the first paragraph of full prose, and a transcript's
    time codes ("[00:12:31]") are not a date line."""
    if start < 0:
        return start
    found = start
    for i in range(start, min(end - 1, start + 2 * _HEADER_REACH)):
        p = paras[i]
        if p.kind == "good" or i >= found + _HEADER_REACH:
            break
        if p.words <= _HEADER_LINE_WORDS and not _TIMECODE.fullmatch(p.text) and (
                _has_date(p.text) or _BYLINE.match(p.text)):
            found = i + 1
    return found


# A news story's first paragraph opens with its dateline: the place in
# capitals, perhaps its region and the agency, then a dash ("LISBON —",
# "ST. PAUL, Minn. (AP) —", "BERLIN (dpa) -").
_DATELINE_LEAD = re.compile(
    r"[A-ZÀ-ÞĀ-Ž\u0400-\u042f][A-ZÀ-ÞĀ-Ž\u0400-\u042f.'’ -]{0,40}[A-ZÀ-ÞĀ-Ž\u0400-\u042f.]"
    r"(?:,\s*[^—–()]{2,40}?)?\s*(?:\([^()]{1,40}\)\s*)?(?:—|–|--|-)\s+\w"
)
# A place in capitals with its region or country: "BAAR, SWITZERLAND".
_PLACE_LINE = re.compile(r"(?-i:[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30}),\s*(?-i:[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30})")
# How far into the story the dateline lead may be.
_LEAD_REACH = 6


def _at_dateline_lead(paras: Sequence[Paragraph], start: int, end: int) -> int:
    """START, or the paragraph a little below it that opens with a dateline:
    the story begins there, and what is above it (key points, a standfirst,
    a caption) is the page's presentation of it."""
    if start < 0:
        return start
    for i in range(start, min(end, start + _LEAD_REACH)):
        p = paras[i]
        if p.kind in ("good", "near") and p.pattern == "body" and _DATELINE_LEAD.match(p.text):
            return i
        # The dateline on a line of its own, above the story's first paragraph.
        if (p.kind == "short" and _PLACE_LINE.fullmatch(p.text) and i + 1 < end
                and paras[i + 1].kind in ("good", "near")):
            return i
        if p.kind == "good":
            break  # the story has begun
    return start


class Line(NamedTuple):
    """A paragraph of the copy as the reader gets it."""

    text: str
    single: bool  # one source line
    glued: bool  # in one block with the paragraph above (no blank line between)
    line: int  # its first line in the source, from 1


def _read_paragraphs(lines: Sequence[Line], extra: Sequence[re.Pattern[str]],
                     prior: str | None) -> tuple[list[Paragraph], str | None, frozenset[str]]:
    all_words = [stoplists.words_of(line.text) for line in lines]
    # The language is the prose's: menus and lists of names are in any.
    prose = [w for ws in all_words if len(ws) >= _PROSE_WORDS for w in ws]
    language = stoplists.detect(prose or [w for ws in all_words for w in ws], prior)
    common = stoplists.stoplists().get(language, frozenset()) if language else frozenset()
    paras: list[Paragraph] = []
    roles: dict[str, Role] = {}  # what the patterns say of each line, once for a line the page repeats
    for line, words in zip(lines, all_words):
        stop = sum(map(common.__contains__, words)) / len(words) if common and words else None
        own = classify_own(line.text, extra) if extra else None
        role = own or roles.get(line.text)
        if role is None:
            role = roles[line.text] = classify(line.text, ())
        unspaced = stoplists.unspaced_chars(line.text)
        p = Paragraph(line.text, line.single, _size(words, unspaced), stop, role,
                      line.glued, own, line=line.line, key=" ".join(words), tokens=words)
        p.kind, p.reason = _kind(p, bool(common), unspaced)
        paras.append(p)
    return paras, language, common


def read(lines: Sequence[Line], extra: Sequence[re.Pattern[str]] = (),
         bounds: tuple[int, int] | None = None, language: str | None = None) -> Reading:
    """Read the paragraphs of a copied page.

    BOUNDS, the first and one past the last paragraph of the story, is what
    the show said (``text_start`` and ``text_end`` in STEM.toml): the reader
    then only finds the headline above it and drops the chrome the patterns
    know inside it.  LANGUAGE is the show's ISO 639 code, the likeliest
    language of the text.
    """
    paras, language, common = _read_paragraphs(lines, extra, language)
    if bounds is not None:
        start, end = bounds
        lenient = True
    else:
        start, end, mass = _best_run(_weights(paras))
        lenient = mass < _MIN_STORY
        if lenient:
            # Too little reads as running prose (a short note, a list): when
            # in doubt, keep what no pattern calls chrome.
            start, end, _ = _best_run([_lenient_weight(p) for p in paras])
    # The show's own end marker ends the story, wherever it is.
    own_end = next((i for i in range(max(start, 0), end) if paras[i].own in ("end", "credit")), None)
    if own_end is not None:
        end = own_end
    end = _before_thread(paras, start, end)
    end = _before_listing(paras, start, end)
    if bounds is None and own_end is None:
        end = _with_its_list(paras, start, end)
        end = _with_numbered_items(paras, start, end)
        end = _before_about_the_site(paras, start, end)
    headline, confident, score = _headline(paras, start, end, common)
    if bounds is None:
        deep = _headline_inside(paras, start, end, common, max(score, _HEADLINE_SURE) if headline >= 0 else _HEADLINE_SURE)
        if deep >= 0:
            headline, confident, start = deep, True, deep + 1
    if headline >= start >= 0:
        start = headline + 1  # what came before the headline is the page's
    if bounds is None:
        start = _after_header(paras, start, end)
        start = _at_dateline_lead(paras, start, end)
    boxed = _boxed(paras)
    elsewhere = {p.key for i, p in enumerate(paras) if not start <= i < end}
    for i, p in enumerate(paras):
        if i == headline:
            p.role, p.reason = "headline", "title-like, shares words with the story, nearest above it"
        elif p.pattern == "credit":
            p.role, p.reason = "credit", "copyright line"
        elif start <= i < end:
            if i in boxed:
                p.role, p.reason = "chrome", "a title listed under a 'Related' box"
            elif p.pattern != "body":
                p.role, p.reason = "chrome", f"inside the story, but a chrome phrase ({p.pattern})"
            elif p.words >= _REPEAT_WORDS and p.key in elsewhere and not lenient:
                p.role, p.reason = "chrome", "inside the story, but the page shows it again outside the story (a caption or a teaser)"
            elif p.kind == "bad" and not lenient and not _sentences(p.text):
                p.role, p.reason = "chrome", f"inside the story, but {p.reason}, and no sentence"
            else:
                p.role = "story"
        elif headline < i < start and p.kind in ("good", "near") and p.pattern == "body":
            p.role, p.reason = "standfirst", "prose between the headline and the story"
        else:
            p.role, p.reason = "chrome", ("above" if i < start else "below") + f" the story: {p.reason}"
    doubts = _doubts(paras, start, end, headline, confident, lenient and bounds is None, bounds is not None)
    return Reading(tuple(paras), language, start, end, headline, tuple(doubts))


def _doubts(paras: Sequence[Paragraph], start: int, end: int, headline: int, confident: bool,
            no_prose: bool, marked: bool) -> list[Doubt]:
    """Where the reader is unsure, for the build to warn about.  Of a story
    the show MARKED by hand, only the headline can be in doubt."""
    out: list[Doubt] = []
    story = [p for p in paras if p.role == "story"]
    first_line = story[0].line if story else 1
    if no_prose:
        out.append(Doubt("TEXT-NO-STORY", first_line, "no paragraph reads as running prose; every line the "
                         "patterns do not call chrome is kept"))
    if headline < 0:
        out.append(Doubt("TEXT-TITLE", first_line, "no headline found above the story; set title in STEM.toml"))
    elif not confident:
        out.append(Doubt("TEXT-TITLE", paras[headline].line, f"the headline {paras[headline].text!r} is a "
                         "guess (little evidence, or another line nearly as likely); check it, or set title in "
                         "STEM.toml"))
    # Lines that are neither sentences nor sub-heads of the paragraphs under
    # them: teaser titles, labels, a menu the story could not be told from.
    loose = [p for i, p in enumerate(paras) if p.role == "story" and p.kind == "short"
             and p.text.rstrip()[-1:] not in _SENTENCE_END
             and not (i + 1 < len(paras) and paras[i + 1].role == "story" and paras[i + 1].kind != "short")]
    if len(loose) >= _LOOSE_LINES and not marked:
        out.append(Doubt("TEXT-CHROME", loose[0].line, f"{len(loose)} short lines in the show notes are neither "
                         f"sentences nor sub-heads (the first: {loose[0].text!r}); they may be the page's; "
                         "set text_start and text_end in STEM.toml to mark the story"))
    if story and end < len(paras) and not marked:
        after = next((p for p in paras[end:end + _ABRUPT_REACH] if p.kind == "good" and p.pattern == "body"), None)
        if after is not None:
            out.append(Doubt("TEXT-END", after.line, f"the story was ended above a paragraph that reads like "
                             f"prose ({after.text[:60]!r}…); if it is the story's, set text_end in STEM.toml"))
    return out
