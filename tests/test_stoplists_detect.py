"""stoplists.detect looks each frequent word up in one index per script; it
must choose as intersecting every list with the text's frequent words did,
ties going to the first language by name."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.sources import stoplists


def reference(words: list[str], prior: str | None = None) -> tuple[str | None, int]:
    sample = Counter(words[:stoplists._SAMPLE_WORDS])
    scripts_seen: Counter[str] = Counter()
    for word, n in sample.items():
        scripts_seen[stoplists._script(word)] += n
    script = scripts_seen.most_common(1)[0][0]
    frequent = {w for w, _ in sample.most_common(stoplists._FREQUENT)}
    best, best_count = None, 0
    for language, common in sorted(stoplists.stoplists().items()):
        if stoplists._scripts().get(language) != script:
            continue
        count = sum(sample[w] for w in common.intersection(frequent))
        if count > best_count:
            best, best_count = language, count
    wanted = stoplists.for_code(prior) if prior else None
    if wanted is not None and wanted != best and stoplists._scripts().get(wanted) == script:
        count = sum(sample[w] for w in stoplists.stoplists()[wanted].intersection(frequent))
        if count >= stoplists._PRIOR_SHARE * best_count:
            best, best_count = wanted, count
    total = sum(sample.values())
    return (best if best_count / total >= stoplists._MIN_SHARE else None), best_count


# Words shared by several lists make ties likely: the rule for them is tested too.
_POOL = sorted({w for name in ("English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch")
                for w in list(sorted(stoplists.stoplists().get(name, frozenset())))[:40]})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_POOL), min_size=1, max_size=120))
def test_detect_chooses_as_intersecting_every_list_did(words: list[str]) -> None:
    assert stoplists.detect(words) == reference(words)[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_POOL + ["2024", "_", "école", "der"]), min_size=1, max_size=400),
       st.sampled_from(["en", "de", "fr", "es", "pt", "nl", "it", "ru", "xx"]))
def test_the_show_language_wins_as_it_did(words: list[str], prior: str) -> None:
    assert stoplists.detect(words, prior) == reference(words, prior)[0]


def test_a_tie_goes_to_the_first_language_by_name() -> None:
    shared = sorted(stoplists.stoplists()["English"] & stoplists.stoplists()["Dutch"])
    assert shared  # ("in", "is", …): the two lists have words in common
    words = [shared[0]] * 10
    assert stoplists.detect(words) == reference(words)[0] is not None


# Mostly ASCII with the marks words_of treats as spaces, so that both of its ways are taken.
_LINE = st.text(alphabet=st.sampled_from(list("aZ9_ .,'-!\t\x1c") + list(stoplists._PUNCTUATION) + ["é", "ß", "İ", "ж", "中"]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_LINE, st.text()))
def test_words_of_finds_the_words_the_regex_finds(text: str) -> None:
    assert stoplists.words_of(text) == stoplists.WORD.findall(text.casefold())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["the", "und", "1984", "_", "a1", "x_y", "", "12", "Ab", "!?", "été", "жизнь", "中文"]),
                min_size=1, max_size=30))
def test_scripts_are_counted_as_word_by_word(words: list[str]) -> None:
    sample = Counter(words)
    by_word: Counter[str] = Counter()
    for word, n in sample.items():
        by_word[stoplists._script(word)] += n
    seen = stoplists._scripts_seen(sample)
    assert seen == dict(by_word) and list(seen) == list(by_word)  # the same counts, in the same order
