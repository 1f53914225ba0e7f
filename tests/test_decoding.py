"""Decoding (issue 13, point 7): one article in every encoding a newsroom uses gives the same text, and
every kind of line end (LF, CRLF, lone CR, mixed) the same structure: title, sentences, paragraphs."""
from __future__ import annotations

import codecs

import pytest

from dashboard.events.sentences import new_paragraphs, sentences
from dashboard.reader import article_from_bytes
from dashboard.reader.decode import decode_bytes

# The same report in three scripts: each encoding gets the one it can represent.
WESTERN = (
    "Les combats reprennent entre l'Arménie et l'Azerbaïdjan près de Lachín\n\n"
    "14 septembre 2022\n\n"
    "L'armée arménienne a signalé des tirs près de Goris, à l'est d'Erevan, après minuit. Le ministère de la "
    "Défense à Bakou a démenti. « Nous défendons nos frontières », a déclaré un porte-parole à l'agence Azertac. "
    "Les dégâts sont estimés à 1,5 million d'euros ; les élèves de l'école de Sotk ont été évacués.\n\n"
    "Selon le maire, la situation à Jermuk était calme mardi. Des diplomates à Genève et à Bruxelles ont appelé à "
    "la désescalade ; le centre du différend reste la délimitation de la frontière.\n")
# Latin-9 (and cp1252) also hold the euro sign and œ, which Latin-1 lacks.
WESTERN_9 = WESTERN.replace("le centre", "le cœur").replace("million d'euros", "million d'€")
CYRILLIC = (
    "Бои возобновились у границы Армении и Азербайджана\n\n"
    "14 сентября 2022 года\n\n"
    "Министерство обороны Армении сообщило об обстрелах в районе Гориса и Джермука после полуночи. В Баку "
    "заявили, что армянские военные устроили провокацию. Премьер-министр Никол Пашинян обратился к президенту "
    "России Владимиру Путину.\n\n"
    "Жители сёл вблизи Сотка были эвакуированы в Ереван. Представители ОДКБ прибудут в Армению в четверг, "
    "сообщает агентство ТАСС.\n")
CENTRAL = (
    "Walki na granicy Armenii i Azerbejdżanu\n\n"
    "14 września 2022\n\n"
    "Ministerstwo obrony w Erywaniu poinformowało o ostrzale w pobliżu miejscowości Goris i Dżermuk. Władze w "
    "Baku zaprzeczyły. Rzecznik powiedział agencji, że żołnierze odparli atak; mieszkańcy wsi zostali "
    "ewakuowani. Ambasador w Pradze i dyplomaci w Bratysławie wezwali do deeskalacji.\n\n"
    "Według źródeł w Tbilisi sytuacja w czwartek była spokojna; w Łodzi i Gdańsku odbyły się manifestacje.\n")

UNICODE = ("utf-8", "utf-8-sig", "utf-16-le", "utf-16-be")
CORPUS = [(name, text, enc) for name, text, encodings in (
    ("western", WESTERN, (*UNICODE, "cp1252", "latin_1")),
    ("western-9", WESTERN_9, (*UNICODE, "iso8859_15", "cp1252")),
    ("cyrillic", CYRILLIC, (*UNICODE, "cp1251", "koi8_r")),
    ("central", CENTRAL, (*UNICODE, "iso8859_2")),
) for enc in encodings]


def encoded(text: str, encoding: str) -> bytes:
    """The bytes a file in ``encoding`` holds (UTF-16 with its byte-order mark, as editors write it)."""
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize(("name", "text", "encoding"), CORPUS, ids=[f"{n}-{e}" for n, _, e in CORPUS])
def test_every_encoding_of_the_article_decodes_to_its_text(name, text, encoding, line_end):
    expected = text.replace("\n", line_end)
    decoded, used, _warnings = decode_bytes(encoded(expected, encoding), f"{name}.txt")
    assert decoded.lstrip("\ufeff") == expected, f"read as {used}"


def test_latin_1_is_not_read_as_baltic():
    text, used, _ = decode_bytes("L'Azerbaïdjan et l'Arménie, près de Lachín.".encode("latin-1"), "a.txt")
    assert "Azerbaïdjan" in text and "Azerbaļdjan" not in text and used in ("cp1252", "latin_1", "iso8859_15")


def test_a_short_cp1250_text_and_a_long_one():
    for n in (1, 30):
        text = "Ministerstwo obrony w Erywaniu poinformowało o ostrzale; władze w Baku zaprzeczyły. " * n
        assert decode_bytes(text.encode("cp1250"), "a.txt")[0] == text


def structure(data: bytes) -> tuple:
    article = article_from_bytes(data, "a.txt")
    spans = sentences(article.text, article.content_spans)
    return (article.title, article.published, [article.text[a:b] for a, b in spans],
            new_paragraphs(article.text, spans), len(article.content_spans))


@pytest.mark.parametrize("text", [WESTERN, CYRILLIC, CENTRAL])
def test_every_kind_of_line_end_gives_the_same_structure(text):
    expected = structure(text.encode("utf-8"))
    title, _published, sents, paragraphs, _ = expected
    assert title == text.split("\n")[0]
    assert sents[0] == title and title not in sents[1]  # the title is its own, never merged into the first sentence
    assert paragraphs.count(True) >= 3
    mixed = text.replace("\n\n", "\r\n\r\n", 1).replace("\n\n", "\r\r", 1).replace("\n\n", "\n\r\n", 1)
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r"), mixed):
        assert structure(variant.encode("utf-8")) == expected, repr(variant[:80])


def test_hard_wrapped_lines_with_lone_cr_still_make_one_sentence():
    text = "Title of the report\r\rTroops shelled the town of Goris\rand the villages near it on Tuesday.\r"
    spans = sentences(text)
    assert [text[a:b] for a, b in spans][1] == "Troops shelled the town of Goris\rand the villages near it on Tuesday."
