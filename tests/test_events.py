"""Sentences and events: the splitter's properties, and one event per sentence and place."""
from __future__ import annotations

import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dashboard.events import extract_events, sentences
from dashboard.reader import article_from_text, read_article
from gazetteer.place import Place
from gazetteer.resolve import Mention

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def texts(text: str, spans=None) -> list[str]:
    return [text[s:e] for s, e in sentences(text, spans)]


def test_splits_on_stops_and_keeps_abbreviations_and_initials():
    text = ("Mr. Smith met Gen. Lee in St. Petersburg at 9 a.m. on Tuesday. Was it J. R. Smith? Yes! "
            "The U.S. Army said so… Then 3 people left.")
    assert texts(text) == [
        "Mr. Smith met Gen. Lee in St. Petersburg at 9 a.m. on Tuesday.",
        "Was it J. R. Smith?",
        "Yes!",
        "The U.S. Army said so…",
        "Then 3 people left.",
    ]


def test_quotes_stay_with_their_sentence():
    text = ('"The enemy shells Vardenis, Sotk and Goris," the ministry said. "We appeal to Russia." '
            "He added: “It is over.” Nothing followed.")
    assert texts(text) == [
        '"The enemy shells Vardenis, Sotk and Goris," the ministry said.',
        '"We appeal to Russia."',
        "He added: “It is over.”",
        "Nothing followed.",
    ]


def test_lines_end_sentences_unless_the_next_goes_on_in_lower_case():
    text = "Clashes near Goris\n\nSeptember 13, 2022\nShelling hit Goris and\nKapan overnight, and it\ncontinued.\n"
    assert texts(text) == ["Clashes near Goris", "September 13, 2022", "Shelling hit Goris and",
                           "Kapan overnight, and it\ncontinued."]


def test_a_heading_s_or_a_quote_s_markdown_mark_is_not_the_sentence_s():
    text = "# Air strike on Sagaing kills 12\n\n> Residents fled. They came back.\n\n#hashtag stays\n"
    assert texts(text) == ["Air strike on Sagaing kills 12", "Residents fled.", "They came back.", "#hashtag stays"]


def test_markup_or_a_link_after_a_stop_starts_a_sentence():
    """Scraped text keeps some markup: what follows a stop and a tag or a Markdown link is a new sentence (so
    that the deaths of one are not given to the places of the next)."""
    text = ("Two soldiers died in Goris, officials said. <img src=x onerror=alert(1)> Fighting near Jermuk went on. "
            "[Read more](https://example.com/x) Kapan was calm.")
    assert texts(text) == ["Two soldiers died in Goris, officials said.",
                           "<img src=x onerror=alert(1)> Fighting near Jermuk went on.",
                           "[Read more](https://example.com/x) Kapan was calm."]


def test_lower_case_after_a_stop_does_not_start_a_sentence():
    assert texts("Prices rose 3.5 per cent. in May, e.g. bread. Done.") == [
        "Prices rose 3.5 per cent. in May, e.g. bread.", "Done."]


def test_only_inside_spans():
    text = "Menu Home News. Real text starts. It ends here. Footer junk."
    start = text.index("Real")
    end = text.index(" Footer")
    assert texts(text, [(start, end)]) == ["Real text starts.", "It ends here."]


_alphabet = st.sampled_from([*"abc XYZ.!?\n\"'”…,", "Mr.", "U.S.", " J. ", "\n\n", "  "])


@given(st.lists(_alphabet, max_size=60).map("".join), st.data())
def test_sentences_cover_every_word_in_order_without_overlap(text, data):
    cut = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
    spans = [(0, cut[0]), (cut[1], len(text))]
    got = sentences(text, spans)
    for (s, e), nxt in zip(got, [*got[1:], None], strict=False):
        assert s < e
        assert not text[s].isspace() and not text[e - 1].isspace()
        assert "\n\n" not in text[s:e]
        assert any(a <= s and e <= b for a, b in spans)
        if nxt:
            assert e <= nxt[0]
    covered = {i for s, e in got for i in range(s, e)}
    for a, b in spans:
        for i in range(a, b):
            assert text[i].isspace() or i in covered, (text, i)


def _place(pid: int, name: str, kind: str = "P") -> Place:
    return Place(pid, name, 40.0, 45.0, "AM", kind, "PPL" if kind == "P" else "PCLI")


def _mention(text: str, needle: str, place: Place, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Mention(start, start + len(needle), needle, place, 0.9, ())


def test_one_event_per_sentence_and_place_dated_by_publication():
    text = ("Clashes near Goris\n\nSeptember 13, 2022\n\nShelling hit Goris and Kapan. Goris again, "
            "and Goris once more. Armenia protested.\n")
    article = article_from_text(text, "x.txt")
    assert article.published == datetime.date(2022, 9, 13)
    goris, kapan, armenia = _place(1, "Goris"), _place(2, "Kapan"), _place(3, "Armenia", "A")
    mentions = [_mention(text, "Goris", goris, 0), _mention(text, "Goris", goris, 1),
                _mention(text, "Kapan", kapan), _mention(text, "Goris", goris, 2),
                _mention(text, "Goris", goris, 3), _mention(text, "Armenia", armenia)]
    events = extract_events(article, mentions)
    got = [(text[e.sentence[0]:e.sentence[1]], e.place_id, e.mention) for e in events]
    assert got == [
        ("Clashes near Goris", 1, 0),
        ("Shelling hit Goris and Kapan.", 1, 1),
        ("Shelling hit Goris and Kapan.", 2, 2),
        ("Goris again, and Goris once more.", 1, 3),  # the first of its two mentions
        ("Armenia protested.", 3, 5),
    ]
    assert {(e.date, e.date_source, e.date_precision) for e in events} == {(datetime.date(2022, 9, 13), "published",
                                                                             "day")}


def test_undated_article_gives_undated_events():
    text = "Shelling hit Goris overnight."
    article = article_from_text(text, "y.txt")
    (event,) = extract_events(article, [_mention(text, "Goris", _place(1, "Goris"))])
    assert (event.sentence, event.place_id, event.mention, event.date, event.date_source, event.date_precision) == (
        (0, len(text)), 1, 0, None, None, None)


def test_mention_outside_the_content_gets_its_line():
    text = "Menu: Goris Kapan\nReal text about Kapan."

    class Stub:  # an article whose reader called the first line boilerplate
        pass

    article = Stub()
    article.text, article.content_spans, article.published = text, ((18, len(text)),), None
    kapan = _place(2, "Kapan")
    events = extract_events(article, [_mention(text, "Kapan", kapan, 0), _mention(text, "Kapan", kapan, 1)])
    assert [text[s:e] for (s, e) in (ev.sentence for ev in events)] == ["Menu: Goris Kapan", "Real text about Kapan."]


def test_seed_sentence_of_vardenis(gazetteer):
    from gazetteer.geoparse import geoparse

    article = read_article(SEEDS / "001_a57fb74b45b72534.txt")
    mentions = geoparse(article.text, gazetteer, article.content_spans)
    events = extract_events(article, mentions)
    vardenis = [e for e in events if mentions[e.mention].text == "Vardenis"]
    assert len(vardenis) == 1
    s, e = vardenis[0].sentence
    sentence = article.text[s:e]
    assert sentence.startswith('"The enemy continues to use artillery')
    assert "in the directions of Vardenis, Sotk, Artanish, Ishkhanasar, Goris and Kapan" in sentence
    assert sentence.endswith("said in a statement Tuesday.")
    # the other places of that sentence are events of the same sentence
    same = {mentions[ev.mention].text for ev in events if ev.sentence == (s, e)}
    assert {"Vardenis", "Sotk", "Artanish", "Goris", "Kapan"} <= same
