"""Common words of about a hundred languages, and which of them a text is in.

How many of a paragraph's words are common words ("the", "und", "что") is
the best single sign of running prose that a plain copy of a web page still
carries: menus, buttons, bylines and teasers are mostly names and nouns.
jusText measured this on thousands of pages and publishes its stoplists for
100 languages (Pomikálek, "Removing Boilerplate and Duplicate Content from
Web Corpora", 2011); feedtool reads them from the installed `justext`
package, which trafilatura brings along.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path

# Unicode word characters, as `\w+` counts them: the unit of every measure
# here.  Scripts written without spaces (Chinese, Japanese, Thai) give few,
# long "words", which `Words.size` makes up for.
WORD = re.compile(r"\w+")
# Text in scripts written without spaces between words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")

# A language is chosen only when enough of the text's words are in its list;
# a text in a language with no stoplist (Japanese, say) then has none.
_MIN_SHARE = 0.12
# Enough words to tell the language; more only costs time.
_SAMPLE_WORDS = 3000
_FREQUENT = 150
# The show's language is taken when it finds this share of the best list's words.
_PRIOR_SHARE = 0.8


def _stoplist_dir() -> Path | None:
    # find_spec does not import jusText (whose import pulls in lxml's HTML
    # cleaner): only its data files are needed.
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    return folder if folder.is_dir() else None


@functools.cache
def stoplists() -> dict[str, frozenset[str]]:
    """Every stoplist jusText ships, by language name ("English", "German")."""
    folder = _stoplist_dir()
    if folder is None:
        return {}
    lists: dict[str, frozenset[str]] = {}
    for path in sorted(folder.glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        lists[path.stem] = frozenset(w.casefold() for w in words)
    return lists


def _script(word: str) -> str:
    """The writing system of a word's first letter ("LATIN", "CYRILLIC", "HANGUL")."""
    if word.isascii():  # most words of most pages: has it a letter (one that has cases)?
        return "LATIN" if word.lower() != word.upper() else "?"
    for ch in word:
        if ch.isalpha():
            return _script_of(ch)
    return "?"


@functools.lru_cache(maxsize=4096)
def _script_of(letter: str) -> str:
    # Asked once per distinct word of every text: the answer per letter is kept.
    return unicodedata.name(letter, "?").split(" ")[0]


@functools.cache
def _scripts() -> dict[str, str]:
    """Each stoplist's writing system: the one most of its words are in."""
    return {
        language: Counter(_script(w) for w in words).most_common(1)[0][0]
        for language, words in stoplists().items()
        if words
    }


@functools.cache
def for_code(code: str) -> str | None:
    """The stoplist for an ISO 639 language code ("en", "pt-BR", "nb"), or None."""
    import pycountry  # feedtool's table of languages, loaded only when a show names one

    base = code.split("-")[0].split("_")[0].lower()
    found = pycountry.languages.get(alpha_2=base) if len(base) == 2 else pycountry.languages.get(alpha_3=base)
    if found is None:
        return None
    # "Norwegian Bokmål" → Norwegian_Bokmal, "Greek, Modern (1453-)" → Greek.
    name = str(found.name).split(" (")[0].split(",")[0]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace(" ", "_")
    for candidate in (name, name.split("_")[-1]):  # "Modern_Greek" → Greek
        if candidate in stoplists():
            return candidate
    return None


# A list's count of a text's common words is at most the sample's size: it
# fits in this many bits.
_COUNT_BITS = _SAMPLE_WORDS.bit_length()


@functools.cache
def _index(script: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """The stoplists in SCRIPT, and each of their words with the lists that
    have it, as an integer holding a field of _COUNT_BITS bits per list, 1
    for each list with the word.  Multiplied by how often the word occurs
    and added up over a text's frequent words, these count the text's
    common words for every list at once, where a frequent word is in
    dozens of lists to loop over."""
    scripts = _scripts()
    languages = tuple(language for language in stoplists() if scripts.get(language) == script)
    index: dict[str, int] = {}
    for k, language in enumerate(languages):
        bit = 1 << (k * _COUNT_BITS)
        for word in stoplists()[language]:
            index[word] = index.get(word, 0) | bit
    return languages, index


# What `str.strip` takes off an ASCII word that has no letter, leaving nothing.
_ASCII_NON_LETTERS = "".join(c for c in map(chr, range(128)) if not c.isalpha())


def _scripts_seen(sample: Counter[str]) -> dict[str, int]:
    """How many of SAMPLE's words are in each script (`_script`), the
    scripts in the order their first words come."""
    if "".join(sample).isascii():
        # Every word is Latin (it has a letter) or "?" (a number): counted
        # by C loops rather than a call of `_script` for each distinct word.
        counts = list(sample.values())
        latin = sum(compress(counts, map(str.strip, sample, repeat(_ASCII_NON_LETTERS))))
        seen = {"LATIN": latin, "?": sum(counts) - latin}
        if not next(iter(sample)).strip(_ASCII_NON_LETTERS):
            seen = {"?": seen["?"], "LATIN": latin}
        return {script: n for script, n in seen.items() if n}
    out: dict[str, int] = {}
    for script, n in zip(map(_script, sample), sample.values()):  # each distinct word once
        out[script] = out.get(script, 0) + n
    return out


def detect(words: list[str], prior: str | None = None) -> str | None:
    """The language whose common words make up most of WORDS, or None.

    Only the lists in the text's own writing system compete: several lists
    made from Wikipedia carry English words too, and must not win an English
    text on them.  PRIOR, an ISO 639 code (the show's language), wins when
    its list finds nearly as many common words as the best one.
    """
    sample = Counter(words[:_SAMPLE_WORDS])
    total = sum(sample.values())
    if not total:
        return None
    scripts_seen = _scripts_seen(sample)
    # The most frequent script; of equals, the first seen (as Counter.most_common has it).
    script = max(scripts_seen, key=scripts_seen.__getitem__)
    # Common words are a text's most frequent ones: the rest cannot decide.
    # (A stable sort, as Counter.most_common's: of equal counts, the first seen.)
    frequent = [w for w, _ in sorted(sample.items(), key=itemgetter(1), reverse=True)[:_FREQUENT]]
    languages, index = _index(script)
    packed = 0
    for word in frequent:
        lists = index.get(word)
        if lists:
            packed += lists * sample[word]
    mask = (1 << _COUNT_BITS) - 1
    counts = {language: n for k, language in enumerate(languages) if (n := (packed >> (k * _COUNT_BITS)) & mask)}
    best, best_count = None, 0
    if counts:
        best_count = max(counts.values())
        # The first by name among equals, so that a tie goes to the same language every time.
        best = min(language for language, n in counts.items() if n == best_count)
    wanted = for_code(prior) if prior else None
    if wanted is not None and wanted != best and _scripts().get(wanted) == script:
        count = counts.get(wanted, 0)
        if count >= _PRIOR_SHARE * best_count:
            best, best_count = wanted, count
    return best if best_count / total >= _MIN_SHARE else None


# ASCII text lowercased, and what `WORD` splits it at made spaces: for an
# ASCII line, translate and split find the words of the regex, faster.
_ASCII_WORDS = str.maketrans({c: c.lower() if WORD.fullmatch(c) else " " for c in map(chr, range(128))})
# The characters outside ASCII that most lines of Latin-script pages have
# besides ASCII (quotes, dashes, the ellipsis, ©): none of them is part of a
# word, so such a line has the words of the ASCII line they leave as spaces.
_PUNCTUATION = "’‘“”—–…·©«»•"


def words_of(text: str) -> list[str]:
    """The words of TEXT, casefolded: ``WORD.findall(text.casefold())``."""
    if not text.isascii():
        for mark in _PUNCTUATION:
            text = text.replace(mark, " ")
        if not text.isascii():
            return WORD.findall(text.casefold())
    return text.translate(_ASCII_WORDS).split()


def unspaced_chars(text: str) -> int:
    """How many characters of TEXT belong to scripts written without spaces."""
    if text.isascii():  # most lines of most pages; a str knows this without a look at its characters
        return 0
    return len(_UNSPACED.findall(text))


def load_all(languages: Iterable[str] = ()) -> None:
    """Load what reading any text may need (every list, each writing
    system's index, the LANGUAGES' lists by code), at once: a process that
    forks readers does so first, and they share it."""
    for script in set(_scripts().values()):
        _index(script)
    for code in languages:
        for_code(code)


def unload() -> None:
    """Let go of what load_all loaded, once the readers it was loaded for are
    done (the build then makes 10,000 pages in forked copies of itself,
    which would each hold a share of it)."""
    for cached in (stoplists, _scripts, _index, for_code):
        cached.cache_clear()
