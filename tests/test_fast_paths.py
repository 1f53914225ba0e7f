"""The parser's fast paths (issue 11's speed goal) read text exactly as the general code they stand in for."""
from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from dashboard.events.deaths import words
from gazetteer.names import normalize
from gazetteer.recognize import (
    _ASCII_CAPITALISED,
    _ASCII_WORD,
    _WORD,
    _capitalised_word,
    _titlecase,
    _word_patterns,
)

# ASCII, typographic punctuation, and characters outside ASCII that are letters, digits or capitals
# without being letters (a circled capital, a superscript two, a Roman numeral), or change under case rules
_ODD = "’“”—…\u00a0éÜßⒶ²ⅧİǅſKıΩ"
_TEXTS = st.text(alphabet=st.sampled_from("aZ Mx.-'_1\n" + _ODD), max_size=40)


@given(_TEXTS)
def test_ascii_patterns_find_the_same_words_wherever_they_are_chosen(text):
    capitalised, word = _word_patterns(text)
    if capitalised is _ASCII_CAPITALISED:
        assert word is _ASCII_WORD
        assert [m.span() for m in capitalised.finditer(text)] == [m.span() for m in _capitalised_word().finditer(text)]
        assert word.findall(text) == _WORD.findall(text)
    else:
        assert word is _WORD


def test_ascii_patterns_are_chosen_around_typographic_punctuation_only():
    assert _word_patterns("“Kapan’s mayor” — said…")[0] is _ASCII_CAPITALISED
    for letter in ("é", "Ⓐ", "²", "Ⅷ", "İ"):
        assert _word_patterns(f"Kapan {letter} Goris")[0] is not _ASCII_CAPITALISED, letter


@given(st.text(alphabet=st.sampled_from("abcXYZ"), min_size=1, max_size=12))
def test_a_plain_word_folds_as_any_name_does(word):
    assert normalize(word) == normalize(word + ".") == word.lower()  # the full stop takes the general path


def _reference_titlecase(words: list[str]) -> bool:
    long_words = [w for w in words if len(w) > 3]
    return len(words) >= 4 and len(long_words) >= 3 and \
        sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


@given(st.lists(st.sampled_from(["The", "the", "Armenia", "army", "said", "of", "ÉCOLE", "école", "BBC", "Zone"]),
                max_size=15))
def test_the_headline_test_stops_early_with_the_same_answer(line_words):
    assert _titlecase(line_words) == _reference_titlecase(line_words)


@given(st.lists(st.sampled_from(["killed ", "KILLED", "Died", "lives", "x", " ", ",", "-", "1", "_"]),
                max_size=12).map("".join))
def test_the_lower_case_death_word_gate_agrees_with_the_any_case_one(sentence):
    w = words()
    assert (w.prefilter_lower.search(sentence.lower()) is None) == (w.prefilter.search(sentence) is None)


def _reference_ngrams(text, tokens, limit):
    """:func:`gazetteer.recognize._ngrams` as it read before each word's join and cue were found once."""
    from gazetteer.recognize import _GAP, _NEXT_WORD, MAX_TOKENS
    from gazetteer.wordlists import cues

    for i in range(len(tokens)):
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            if j > i and not _GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start):
                break
            yield i, j, tokens[j].end
            m = _NEXT_WORD.match(text, tokens[j].end, limit)
            if m and (cue := cues().get(m.group(1))) is not None and cue.where != "before":
                yield i, j, m.end()


@given(st.lists(st.sampled_from(["Lachin", "corridor", "of", "de", "St.", "Rio", "Janeiro", "region", "the", "Bosnia",
                                 "and", "said", "-", "'s", ",", " ", "\n", "Isle", "Man"]), max_size=14).map(" ".join))
def test_each_words_join_and_cue_found_once_give_the_same_ngrams(text):
    from gazetteer.recognize import _ASCII_CAPITALISED, _ngrams, _tokens

    for limit in (len(text), len(text) // 2):
        tokens = _tokens(text, 0, limit, _ASCII_CAPITALISED)
        assert list(_ngrams(text, tokens, limit)) == list(_reference_ngrams(text, tokens, limit))


def test_a_features_prominence_rule_found_once_is_the_rule_of_the_table():
    from gazetteer.place import _PROMINENCE, CURATED_PROMINENCE, Place

    for fclass, code in [("A", "PCLI"), ("A", "PCLH"), ("A", "ADM1"), ("P", "PPLC"), ("P", "PPLA"), ("S", "AIRP"),
                         ("H", "LK"), ("L", "CONT"), ("T", "MT"), ("V", "FRST"), ("Z", "ZZZ")]:
        for source in ("geonames", "curated"):
            place = Place(1, "X", 0.0, 0.0, "AM", fclass, code, 12_345, None, source)
            rule = next(((b, k) for c, p, b, k in _PROMINENCE if c == fclass and code.startswith(p)), (0.0, 1.0))
            curated = fclass in "HLTRSV" and code not in ("CONT", "AIRP") and source != "geonames"
            expected = CURATED_PROMINENCE if curated else rule[0] + rule[1] * math.log10(12_345 + 1)
            assert place.prominence == expected, (fclass, code, source)
