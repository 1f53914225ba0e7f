"""The article reader: seeds against their gold titles/dates/URLs, hard dates, bad input, HTML, and properties."""
from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.errors import ArticleError
from dashboard.reader import (
    MAX_ARTICLE_BYTES,
    Article,
    article_from_bytes,
    article_from_text,
    looks_like_html,
    read_article,
)
from dashboard.reader.furniture import boilerplate
from dashboard.reader.published import year_for
from tests.fixtures import check_spans, norm_title

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = json.loads((ROOT / "tests" / "data" / "seeds_gold.json").read_text(encoding="utf-8"))["articles"]
GOLD_IDS = [g["file"][:3] for g in GOLD]


# --- the five seeds ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {g["file"]: read_article(SEEDS / g["file"]) for g in GOLD}


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_title_matches_gold(seeds: dict[str, Article], gold: dict) -> None:
    article = seeds[gold["file"]]
    assert norm_title(article.title) == norm_title(gold["title"])
    check_spans(article)


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_date_matches_gold(seeds: dict[str, Article], gold: dict) -> None:
    published = seeds[gold["file"]].published
    accept = gold.get("published_accept") or [gold["published"]]
    assert (published.isoformat() if published else None) in accept


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_url_matches_gold(seeds: dict[str, Article], gold: dict) -> None:
    assert seeds[gold["file"]].url == gold.get("url")


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_text_is_the_file_as_the_scorer_reads_it(seeds: dict[str, Article], gold: dict) -> None:
    with open(SEEDS / gold["file"], encoding="utf-8", newline="") as fh:
        assert seeds[gold["file"]].text == fh.read()
    assert seeds[gold["file"]].encoding == "utf-8"


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_gold_toponyms_lie_in_content(seeds: dict[str, Article], gold: dict) -> None:
    """Toponym recognition only looks inside content spans: no required gold mention may fall outside them."""
    article = seeds[gold["file"]]
    outside = []
    for entry in gold["toponyms"]:
        if entry.get("optional"):
            continue
        for surface in entry.get("surface", []):
            for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", article.text):
                if not any(s <= m.start() and m.end() <= e for s, e in article.content_spans):
                    outside.append((m.start(), surface))
    assert outside == []


JUNK = {
    "000": ["Original url:", "<https://www.themoscowtimes.com", "Related article:"],
    "001": [". by [author_name]", "Post a Comment", "Previous Post Next Post"],
    "002": ["icon bookmark", "chevron downicon"],
    "003": ["6 Reads"],
    "004": ["Leave a Reply", "Your email address will not be published", "Required fields are marked"],
}


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_seed_boilerplate_is_not_content(seeds: dict[str, Article], gold: dict) -> None:
    article = seeds[gold["file"]]
    for junk in JUNK[gold["file"][:3]]:
        assert junk in article.text
        assert junk not in article.body
    assert article.title is not None and article.title in article.body


def test_seed_000_title_span_excludes_markdown() -> None:
    article = read_article(SEEDS / GOLD[0]["file"])
    assert article.title_span is not None
    start, _ = article.title_span
    assert article.text[start - 2:start] == "# "


# --- dates ------------------------------------------------------------------------------------------------------------

BODY = ("The ministers met in the capital and agreed to continue talks over the disputed border, officials said, "
        "adding that further meetings would follow.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Title\n\nNovember 16, 2021\n\n" + BODY, "2021-11-16"),
    ("Title\n\n14 Sep, 2022 14:39\n\n" + BODY, "2022-09-14"),
    ("Title\n\n14 September 2022 Wednesday 07:35\n\n" + BODY, "2022-09-14"),
    ("Title\n\n2021-11-16\n\n" + BODY, "2021-11-16"),
    ("Title\n\n2021-11-16T08:30:00Z\n\n" + BODY, "2021-11-16"),
    ("Title\n\n16/11/2021\n\n" + BODY, "2021-11-16"),
    ("Title\n\n11/16/2021\n\n" + BODY, "2021-11-16"),  # the day cannot be 16th month: US order
    ("Title\n\n05.03.2021\n\n" + BODY, "2021-03-05"),  # ambiguous numeric dates are read day first
    ("Título\n\n14 de septiembre de 2022\n\n" + BODY, "2022-09-14"),
    ("Titre\n\nPublié le 3 mars 2021 à 10h15\n\n" + BODY, "2021-03-03"),
    ("Titel\n\n14. September 2022\n\n" + BODY, "2022-09-14"),
    ("Заголовок\n\n14 сентября 2022 г.\n\n" + BODY, "2022-09-14"),
    ("Title\n\nBy Jane Doe | 14 Sep 2022\n\n" + BODY, "2022-09-14"),
    ("Title\n\nThomas Osborne, 14 September 2022\n\n" + BODY, "2022-09-14"),
    ("Title\n\n" + BODY + "\n\nPublished: 2 March 2020\n", "2020-03-02"),  # a labelled line anywhere
    ("Title\n\n" + BODY + "\n\nUpdated: 5 March 2020\nPublished: 2 March 2020\n", "2020-03-02"),
    ("Title\n\n" + BODY + "\n\nSource: https://example.com/news/2019/07/04/story\n", "2019-07-04"),  # URL path
])
def test_publication_date_forms(text: str, expected: str) -> None:
    article = article_from_text(text)
    assert article.published == datetime.date.fromisoformat(expected)
    assert article.title in ("Title", "Título", "Titre", "Titel", "Заголовок")


@pytest.mark.parametrize(("text", "expected"), [
    # 2 December was a Thursday in 2021 (and 2010), not in 2020: the text's years (2020..2021) decide.
    ("Thursday, December 2\n\nHeadline\n\nThe deal of November 9, 2020 still holds.", "2021-12-02"),
    ("Headline\n\nThursday, December 2\n\nIn 2010 and in 2021 the talks failed.", "2021-12-02"),
    ("Headline\n\njeudi 2 décembre\n\nEn 2020, la guerre a éclaté.", "2021-12-02"),
    # no year between 2020 and 2021 puts 2 December on a Friday
    ("Headline\n\nFriday, December 2\n\nThe deal of November 9, 2020 still holds.", None),
    # no year mentioned at all: nothing to anchor the weekday to
    ("Headline\n\nThursday, December 2\n\nThe talks failed.", None),
])
def test_weekday_without_year(text: str, expected: str | None) -> None:
    published = article_from_text(text).published
    assert (published.isoformat() if published else None) == expected


def test_year_for() -> None:
    assert year_for(3, 12, 2, [2020]) == 2021
    assert year_for(2, 12, 2, [2020]) == 2020
    assert year_for(3, 12, 2, [2010, 2020]) == 2021  # several fit (2010, 2021): the one closest after the latest
    assert year_for(4, 12, 2, [2020]) is None
    assert year_for(3, 12, 2, []) is None
    assert year_for(0, 2, 29, [2019, 2020]) is None  # 29 Feb 2020 was a Saturday
    assert year_for(5, 2, 29, [2019, 2020]) == 2020


@pytest.mark.parametrize("text", [
    "Title\n\n" + BODY + " The deal was signed on 5 March 2012 in the capital.",  # inside a paragraph
    "Title\n\n" + "\n\n".join([BODY] * 20) + "\n\n5 March 2012\n\n" + BODY,  # a date line, but far below the head
    "Title\n\nThe recalled products have best before dates between Sept. 26, 2017, and Nov. 5, 2017.\n\n" + BODY,
    "Title\n\nOn Tuesday, May 16, the board approved it.\n\n" + BODY + " It was 2017.",  # body weekday phrase
    "Title\n\nArmenia said Tuesday it is appealing for aid.\n\n" + BODY,
    "Vote on 5 May 2019\n\n" + BODY,  # a date in the title is not the publication date
    "Title\n\nyesterday\n\n" + BODY,
    "Title\n\n31/02/2021\n\n" + BODY,  # no such day
    "Title\n\nSource: javascript:alert('/2020/01/01/')\n\n" + BODY,
])
def test_no_trustworthy_date(text: str) -> None:
    assert article_from_text(text).published is None


def test_update_lines_come_last() -> None:
    text = "Title\n\n  Updated: 5 March 2020\n  Published: 2 March 2020\n\n" + BODY
    assert article_from_text(text).published == datetime.date(2020, 3, 2)


def test_date_lines_are_not_titles() -> None:
    article = article_from_text("Thursday, December 2\n\n14 Sep, 2022 14:39\n\nThe Real Headline\n\n" + BODY)
    assert article.title == "The Real Headline"


# --- titles and URLs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "title"), [
    ("## **Bold Markdown Headline** ##\n\n" + BODY, "Bold Markdown Headline"),
    ("\n\n  \t\nPadded Headline  \n\n" + BODY, "Padded Headline"),
    ("By Jane Doe\n\nAfter The Byline\n\n" + BODY, "After The Byline"),
    ("Advertisement\n\nAfter The Advert\n\n" + BODY, "After The Advert"),
    (BODY * 3, None),  # a paragraph is not a headline
    ("***\n\n---", None),
])
def test_titles(text: str, title: str | None) -> None:
    article = article_from_text(text)
    assert article.title == title
    check_spans(article)


@pytest.mark.parametrize(("text", "url"), [
    ("Title\n\nBody.\n\nOriginal url:\n\n<https://example.com/a/b?c=1>", "https://example.com/a/b?c=1"),
    ("Title\n\nBody.\n\nSource: https://example.org/story.html.", "https://example.org/story.html"),
    ("Title\n\nBody.\n\nURL: http://example.net/x", "http://example.net/x"),
    ("Title\n\nBody.\n\n**Source:** [Example](https://example.com/s)", "https://example.com/s"),
    ("Title\n\nBody.\n\nURL: javascript:alert(1)", None),
    ("Title\n\nBody.\n\nSource: ftp://example.com/file", None),
    ("Title\n\nBody.\n\nSource: Reuters\n\nhttps://example.com/not-the-source", None),
    ("Title\n\nBody mentions https://example.com/in-passing only.", None),
])
def test_urls(text: str, url: str | None) -> None:
    assert article_from_text(text).url == url


# --- decoding and bad input -------------------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    for name, data in [("empty.txt", b""), ("blank.txt", b" \r\n\t\n"), ("bom.txt", b"\xef\xbb\xbf \n")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ArticleError) as e:
            read_article(tmp_path / name)
        assert e.value.reason == "empty"
    with pytest.raises(ArticleError) as e:
        article_from_text("  \n ")
    assert e.value.reason == "empty"


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 4,
    os.urandom(4096) + b"\x00",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200),
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b"Armenia\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14",
])
def test_binary_input(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError) as e:
        read_article(path)
    assert e.value.reason == "binary"
    assert "not text" in str(e.value) and ".txt, .md or .html" in str(e.value)


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = b"Armenia and Azerbaijan agreed to talks in Moscow on Tuesday.\n"
    path.write_bytes(line * (20_000_000 // len(line) + 1))
    with pytest.raises(ArticleError) as e:
        read_article(path)
    assert e.value.reason == "too-large"
    message = str(e.value)
    assert "20.0 MB" in message and "5.0 MB" in message and "huge.txt" in message
    with pytest.raises(ArticleError) as e:
        article_from_bytes(b"x" * 101, "small.txt", max_bytes=100)
    assert e.value.reason == "too-large"
    with pytest.raises(ArticleError) as e:
        article_from_text("x" * (MAX_ARTICLE_BYTES + 1))
    assert e.value.reason == "too-large"


def test_a_file_longer_than_its_stated_size_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader reads as many bytes as the file's size says, and one more to see that it grew since (a file
    still being written, or one whose size the file system gives as 0): then it reads on, to the limit."""
    import dashboard.reader.article as reader

    text = "Clashes near Vardenis on Sunday.\n\nShelling was reported near Sotk and Kut on the border.\n"
    path = tmp_path / "growing.txt"
    path.write_text(text, encoding="utf-8")
    real_fstat = os.fstat

    def stated_as(size: int):
        def fstat(fd: int) -> os.stat_result:
            st = list(real_fstat(fd))
            st[6] = size  # st_size
            return os.stat_result(st)
        return fstat

    for size in (0, 5):
        monkeypatch.setattr(reader.os, "fstat", stated_as(size))
        assert read_article(path).text == text
    path.write_bytes(b"Armenia. " * 20)
    monkeypatch.setattr(reader.os, "fstat", stated_as(5))
    with pytest.raises(ArticleError) as e:
        read_article(path, max_bytes=100)
    assert e.value.reason == "too-large"


RUSSIAN = ("Армения просит Россию о военной помощи\n\n14 сентября 2022\n\n"
           "Премьер-министр Никол Пашинян заявил в парламенте, что азербайджанские войска заняли часть территории "
           "страны. Ереван и Баку обвиняют друг друга в обстрелах на границе.\n")


def test_cp1251_russian(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    article = read_article(path)
    assert article.text == RUSSIAN
    assert article.encoding == "cp1251"
    assert any("cp1251" in w for w in article.warnings)
    assert article.title == "Армения просит Россию о военной помощи"
    assert article.published == datetime.date(2022, 9, 14)


def test_latin1_french() -> None:
    text = "Le maire de Montréal a parlé\n\nÀ Québec, la rénovation du théâtre coûte très cher, a-t-il déclaré.\n"
    article = article_from_bytes(text.encode("latin-1"), "fr.txt")
    assert article.text == text
    assert article.warnings and "not UTF-8" in article.warnings[0]


def test_utf8_bom_keeps_scorer_offsets(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf# Title With BOM\r\n\r\nArmenia said Tuesday.\r\n")
    article = read_article(path)
    with open(path, encoding="utf-8", newline="") as fh:
        assert article.text == fh.read()
    assert article.encoding == "utf-8-sig"
    assert article.title == "Title With BOM"
    assert "\r\n" in article.text
    check_spans(article)


def test_utf16_with_bom() -> None:
    text = "Headline in UTF-16\n\nArmenia said Tuesday it is appealing for Russia's military aid.\n"
    article = article_from_bytes(text.encode("utf-16"), "win.txt")
    assert article.text == text
    assert article.encoding == "utf-16"
    assert article.title == "Headline in UTF-16"


def test_unreadable_paths(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.txt", tmp_path):
        with pytest.raises(ArticleError) as e:
            read_article(path)
        assert e.value.reason == "unreadable"
    with pytest.raises(ArticleError):
        read_article(3)  # type: ignore[arg-type]  # a file descriptor is not a path


def test_source_with_path_separators_is_only_a_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for source in ("../../etc/passwd", "C:\\Users\\me\\news.txt", "/dev/zero", "a/b/../c.txt"):
        article = article_from_bytes(b"Headline\n\nArmenia said Tuesday.", source)
        assert article.source == source
        assert article.text == "Headline\n\nArmenia said Tuesday."
    assert list(tmp_path.iterdir()) == []
    page = b"<p>Armenia said Tuesday it wants help.</p><script>alert(1)</script>"
    article = article_from_bytes(page, "uploads/../evil.html")
    assert "alert" not in article.text and "Armenia said Tuesday" in article.text


def test_surrogates_in_text() -> None:
    with pytest.raises(ArticleError) as e:
        article_from_text("Title\n\nbad \ud800 half")
    assert e.value.reason == "encoding"


# --- HTML and Markdown ------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Armenia asks for aid | Example News</title>
<meta property="og:title" content="Armenia asks Russian-led alliance for military assistance">
<meta property="og:url" content="https://example.com/2022/09/14/armenia-aid">
<meta property="article:published_time" content="2022-09-14T10:00:00Z">
<link rel="canonical" href="https://example.com/2022/09/14/armenia-aid">
<script>alert(1); var secret = "SCRIPT-TEXT";</script><style>body { color: red } .STYLE-TEXT {}</style>
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Armenia asks Russian-led alliance for military assistance</h1>
<p>Yerevan has officially requested military aid from the Collective Security Treaty Organization, a Russian-led
defense bloc, Prime Minister Nikol Pashinyan told parliament on Wednesday.</p>
<script>document.write("SCRIPT-TEXT")</script>
<p>The development comes amid continued clashes on the border between Armenia and Azerbaijan. Pashinyan claimed
that Azerbaijani troops seized some Armenian territory as a result of the fighting.</p>
</article><footer>Copyright 2022 Example</footer></body></html>
"""


def test_html_page() -> None:
    article = article_from_bytes(PAGE.encode("utf-8"), "page.html")
    assert "alert" not in article.text and "SCRIPT-TEXT" not in article.text and "STYLE-TEXT" not in article.text
    assert article.title == "Armenia asks Russian-led alliance for military assistance"
    assert article.title_span == (0, len(article.title))
    assert article.text.count(article.title) == 1  # the <h1> is not repeated under the title
    assert "Collective Security Treaty Organization" in article.body
    assert article.published == datetime.date(2022, 9, 14)
    assert article.url == "https://example.com/2022/09/14/armenia-aid"
    assert any("HTML" in w for w in article.warnings)
    check_spans(article)


def test_html_detected_by_content_and_bad_url_dropped() -> None:
    page = PAGE.replace("https://example.com/2022/09/14/armenia-aid", "javascript:alert(2)")
    article = article_from_text(page, "pasted")
    assert "alert" not in article.text
    assert article.url is None
    assert article.title == "Armenia asks Russian-led alliance for military assistance"


def test_tiny_html_falls_back_without_script() -> None:
    page = b"<html><head><title>Tiny Page</title></head><body><script>alert(1)</script><p>Hi from Yerevan.</p>"
    article = article_from_bytes(page, "t.htm")
    assert "alert" not in article.text
    assert article.title == "Tiny Page"
    assert "Hi from Yerevan." in article.body
    check_spans(article)


def test_html_fallback_when_trafilatura_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("lxml choked")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    article = article_from_bytes(PAGE.encode("utf-8"), "page.html")
    assert "alert" not in article.text and "SCRIPT-TEXT" not in article.text and "STYLE-TEXT" not in article.text
    assert article.title == "Armenia asks for aid | Example News"
    assert "Collective Security Treaty Organization" in article.body
    assert any("plain tag stripper" in w for w in article.warnings)
    check_spans(article)


def test_markdown_with_inline_html_stays_text() -> None:
    text = "Headline\n\n<b>Baku</b> <i>and</i> <u>Yerevan</u> <br> <br> <hr>\n"
    assert article_from_text(text, "note.md").text == text


def test_markdown_is_text(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Markdown Headline\n\nSome *text* about <b>Baku</b>.\n", encoding="utf-8")
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.title == "Markdown Headline"
    assert not article.warnings


# --- Article, boilerplate table ---------------------------------------------------------------------------------------


def test_id_and_body() -> None:
    a = article_from_text("Headline\n\nArmenia said Tuesday.\n\nPost a Comment\n\nMore text.", "a")
    b = article_from_text("Headline\n\nArmenia said Tuesday.\n\nPost a Comment\n\nMore text.", "b")
    assert a.id == b.id and len(a.id) == 16
    assert article_from_text("Headline\n\nOther.").id != a.id
    assert a.body == "Headline\n\nArmenia said Tuesday.\n\nMore text."
    assert len(a.content_spans) == 2
    assert MAX_ARTICLE_BYTES == 5_000_000


def test_boilerplate_table_is_well_formed() -> None:
    path = ROOT / "dashboard" / "data" / "boilerplate.tsv"
    rows = [r for r in path.read_text(encoding="utf-8").splitlines() if r.strip() and not r.startswith("#")]
    assert len(rows) >= 10
    for row in rows:
        regex, tab, comment = row.partition("\t")
        assert tab and comment.strip(), row
        re.compile(regex)
    junk = boilerplate()
    for sentence in ("Armenia said Tuesday it is appealing for aid.", "Correspondent in Moscow",
                     "By Sunday, Moscow had responded.", "Icon of the revolution dies at 90",
                     "Source: Reuters", "Related talks in Baku failed."):
        assert junk.match(sentence) is None, sentence


@pytest.mark.parametrize("opening", ["Original url:", "Source: ", "<html>", "# ", "**", "icon a icon b ", "By ",
                                     "14 Sep, 2022 ", "Related article: ", "## x ", "<a"])
@pytest.mark.parametrize("fill", ["x", " ", "*", "<", "#", "a:", "Ab "])
def test_long_lines(opening: str, fill: str) -> None:
    """A 200,000-character line must cost linear time (a scan once took minutes on "Original url:xxxx...")."""
    text = opening + fill * (200_000 // len(fill)) + "\n" + opening
    try:
        article = article_from_text(text)
    except ArticleError:
        return
    check_spans(article)


# --- properties -------------------------------------------------------------------------------------------------------

FRAGMENTS = [
    "# Title", "**Bold**", "Original url:", "<https://example.com/2021/11/16/x>", "javascript:alert(1)",
    "Post a Comment",
    "icon a icon b icon c icon d icon e icon f", "Thursday, December 2", "November 16, 2021", "14 Sep, 2022 14:39",
    "31/02/2021", "2021-11-16", "By Jane Doe", "Published: 14 de septiembre de 2022", "<html>", "<script>x</script>",
    "Related article: [Baku](#)", "\ufeff", "\r\n", "\r", "\n", "\u2028", "\x00", "\x0b", "jeudi 2 décembre", "2020",
]
TEXTS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("".join),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 200_000)).map(lambda t: t[0] + "x" * t[1] + "\n" + t[0]),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXTS)
def test_text_never_breaks(text: str) -> None:
    try:
        article = article_from_text(text)
    except ArticleError:
        return
    check_spans(article)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.html", "x.md", "../x", ""]))
def test_bytes_never_break(data: bytes, source: str) -> None:
    try:
        article = article_from_bytes(data, source)
    except ArticleError as e:
        assert e.reason in ("empty", "binary", "too-large", "encoding", "unreadable")
        return
    check_spans(article)


@SETTINGS
@given(TEXTS, st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "latin-1", "utf-16"]))
def test_encoded_text_never_breaks(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    try:
        article = article_from_bytes(data, "t.txt")
    except ArticleError:
        return
    check_spans(article)
    if encoding == "utf-8" and not looks_like_html(text, "t.txt"):
        assert article.text == text


# --- web furniture: each pattern class (issue 11) ---------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "Skip to main content", "Skip to main contentSkip to navigation", "Jump to navigation",  # skip links
    "News", "World Business Markets Sustainability Legal", "News | Opinion | Sport | Culture", "Sign in",  # menus
    "World / Europe", "Europe Asia Middle East Africa", "Accueil | Politique | Sécurité", "Europe edition",
    "*   [Home](/)", "[News](/news) | [World](/world)", "The Kivu Times - Back to homepage",
    "Home > World > Europe", "Home » Politics » Armenia", "Inicio > Internacional > África",  # breadcrumbs
    "World > Africa > Sudan", "Home / News / Region",
    "Share", "Share on Facebook Share on Twitter Share via Email", "Facebook Twitter WhatsApp Email",  # share bars
    "Copy Link copied", "Share this article", "Print",
    "We use cookies to improve your experience.", "This website uses cookies to personalise content.",  # cookies
    "By continuing to browse the site you agree to our use of cookies", "Accept all cookies", "Manage preferences",
    "Reject all", "Nous utilisons des cookies pour améliorer votre expérience.",
    "Subscribe to read", "Subscribe to continue reading", "Already a subscriber? Sign in",  # paywalls
    "You have 2 free articles left this month", "Get unlimited access for $1 a week",
    "5 min read", "4 minute read", "Reading time: 2 min", "Temps de lecture : 3 min", "Lectura: 3 min",  # reading time
    "Published 3 hours ago", "Updated 12m ago", "Last updated 5 minutes ago", "il y a 3 heures", "hace 2 horas",
    "Just now",  # relative stamps: no date in them
    "By Jane Doe, Reuters", "By Jane Doe and John Roe", "By JANE DOE FOR DAILYPOST", "Par Jean-Paul Mukendi",  # bylines
    "Advertisement", "Story continues below advertisement", "Views: 1523", "Listen to this article",  # tools, ads
    "Please turn on JavaScript to use this feature", "Printable version", "Markdown Content:",
])
def test_furniture_lines_are_boilerplate(line: str) -> None:
    m = boilerplate().match(line)
    assert m is not None and m.end() == len(line), line


@pytest.mark.parametrize("line", [
    "Africa", "Middle East", "Ukraine",  # a region or a country alone may be a heading of the article: content
    "Europe and Africa agree on a migration pact", "Home secretary visits Kyiv", "Share prices fall in Moscow",
    "World leaders meet in Paris", "News of the attack reached Goma late on Friday.",
    "Live ammunition used in Khartoum",
    "By Claire Dupont in Goma",  # where the report was filed: content (the byline's place is the article's)
    "Printing presses were seized in Bamako.", "Subscribers in Gaza lost power.", "Accept the ceasefire, says UN",
    "Reading the map of Donbas", "Updated ceasefire map of Sudan", "Homes destroyed in Kharkiv > 200",
    "Register of displaced families opens in Goma",
    "Shelling hit Goris <img src=x onerror=alert(1)> overnight, officials in Kapan said.",  # markup with ">"
    "<b>Kapan</b> was shelled > twice <i>overnight</i> > officials said",
    "Temperatures > 40 degrees > record in Basra > officials said.",
])
def test_content_lines_are_not_boilerplate(line: str) -> None:
    m = boilerplate().match(line)
    assert m is None or m.end() < len(line), line


@pytest.mark.parametrize(("text", "title"), [
    # section labels and kickers, in capitals or not
    ("WORLD\n\nGaza fishermen say new limits leave them stranded\n\n" + BODY, "Gaza fishermen say new limits leave "
     "them stranded"),
    ("Africa\n\nAid convoy reaches El Fasher after weeks of delays\n\n" + BODY,
     "Aid convoy reaches El Fasher after weeks of delays"),
    ("ANALYSIS\n\nRoad to Nakhchivan remains the sticking point\n\n" + BODY,
     "Road to Nakhchivan remains the sticking point"),
    ("Ukraine\n\nShelling cuts power to thousands in Kherson\n\n" + BODY,
     "Shelling cuts power to thousands in Kherson"),
    # a menu scraped one item a line, longer than the old head of 15 lines
    ("\n".join(["News", "Opinion", "Sport", "Culture", "World", "Europe", "US news", "Americas", "Asia", "Australia",
                "Middle East", "Africa", "Inequality", "Global development", "Ukraine", "Russia"])
     + "\nShelling cuts power to thousands in Kherson\n\n" + BODY, "Shelling cuts power to thousands in Kherson"),
    # photo captions and credits above the headline
    ("Servicemen fire a howitzer near Bakhmut (Photo: AFP)\n\nBakhmut defenders claim gains on the northern flank\n\n"
     + BODY, "Bakhmut defenders claim gains on the northern flank"),
    ("A woman walks past a damaged block in Kherson. Photograph: Jane Doe/AFP/Getty Images\n\nPower cut in Kherson "
     "after night of shelling\n\n" + BODY, "Power cut in Kherson after night of shelling"),
    ("Displaced families queue for water near Goma. REUTERS/Jean Bosco\n\nCholera cases rise in camps around Goma\n\n"
     + BODY, "Cholera cases rise in camps around Goma"),
    # bylines, with or without "By", and correspondent lines
    ("By Claire Dupont in Goma\n\nExplosions heard in Goma as rebels advance\n\n" + BODY,
     "Explosions heard in Goma as rebels advance"),
    ("By Amina Yusuf, Reuters\n\nAid convoy reaches El Fasher\n\n" + BODY, "Aid convoy reaches El Fasher"),
    ("Correspondent in Odesa\n\nGrain corridor faces new uncertainty\n\n" + BODY,
     "Grain corridor faces new uncertainty"),
    # date lines with their furniture, update stamps and the cookie, paywall and share furniture
    ("12 May 2023 | 4 min read\n\nRenewed clashes on the border kill two soldiers\n\n" + BODY,
     "Renewed clashes on the border kill two soldiers"),
    ("Posted on May 12, 2023 by admin\n\nFighting displaces thousands around Timbuktu\n\n" + BODY,
     "Fighting displaces thousands around Timbuktu"),
    ("Updated 2 hours ago\nWe use cookies on this site.\nSubscribe to read\nShare on Facebook Share via Email\n"
     "Drone strike hits fuel depot in Bryansk\n\n" + BODY, "Drone strike hits fuel depot in Bryansk"),
    # a scraper's "Title:" header, the site's name after it dropped when the URL is the site's
    ("Title: Curfew imposed in Gao | The Niger Courier\n\nURL Source: https://nigercourier.example.org/news/x\n\n"
     + BODY, "Curfew imposed in Gao"),
    ("Curfew imposed in Gao | The Niger Courier\n\n" + BODY, "Curfew imposed in Gao | The Niger Courier"),  # no URL
    ("Curfew imposed in Gao - Sahel Edition\n\n" + BODY + "\n\nSource: https://nigercourier.example.org/x",
     "Curfew imposed in Gao - Sahel Edition"),  # not the site's name: kept
    # the site's name above the headline
    ("The Kivu Times\n\nRebels advance on Sake\n\n" + BODY + "\n\nSource: https://www.kivutimes.example/a",
     "Rebels advance on Sake"),
    # a short headline stays a headline when nothing better follows
    ("Ceasefire\n\n" + BODY, "Ceasefire"),
    ("Ceasefire Holds in Gaza\n\n" + BODY, "Ceasefire Holds in Gaza"),
])
def test_titles_through_furniture(text: str, title: str) -> None:
    article = article_from_text(text)
    assert article.title == title
    check_spans(article)


@pytest.mark.parametrize(("text", "expected"), [
    # reading times, separators and furniture beside the date
    ("Title\n\n12 May 2023 | 4 min read\n\n" + BODY, "2023-05-12"),
    ("Title\n\nMay 12, 2023 · 5 min read\n\n" + BODY, "2023-05-12"),
    ("Title\n\n5 min read · May 12, 2023\n\n" + BODY, "2023-05-12"),
    ("Title\n\nMay 12, 2023 8:30 AM GMT+3 Updated 2 hours ago\n\n" + BODY, "2023-05-12"),
    ("Title\n\nBy Jane Doe, Reuters | May 12, 2023 | 3 min read\n\n" + BODY, "2023-05-12"),
    ("Title\n\n12:45, 12 May 2023\n\n" + BODY, "2023-05-12"),
    ("Title\n\nPosted on May 12, 2023 by admin\n\n" + BODY, "2023-05-12"),
    # published wins over updated / modified, whatever their order, on one line or several, in the head or not
    ("Title\n\nUpdated 14 May 2023, first published 12 May 2023\n\n" + BODY, "2023-05-12"),
    ("Title\n\nUPDATED: 09:15 BST, 13 May 2023 | PUBLISHED: 08:30 BST, 12 May 2023\n\n" + BODY, "2023-05-12"),
    ("Title\n\nLast modified on Sat 13 May 2023 10.02 BST\nFri 12 May 2023 08.30 BST\n\n" + BODY, "2023-05-12"),
    ("Title\n\nLast modified on Sat 13 May 2023 10.02 BST\n\n" + BODY + "\n\nFirst published on 12 May 2023\n",
     "2023-05-12"),
    ("Title\n\nMis à jour le 12 mai 2023\nPublié le jeudi 11 mai 2023 à 14h30\n\n" + BODY, "2023-05-11"),
    ("Title\n\nActualizado: 15/05/2023 08:12\nPublicado: 14/05/2023 10:45\n\n" + BODY, "2023-05-14"),
    ("Title\n\nUpdated 10:32 AM EDT, May 12, 2023\n\n" + BODY, "2023-05-12"),  # only an update: it is a date
    # ISO datetimes
    ("Title\n\n2023-05-12T08:30:00Z\n\n" + BODY, "2023-05-12"),
    ("Title\n\nPublished Time: 2023-05-12T08:30:00+00:00\n\n" + BODY, "2023-05-12"),
    # relative stamps give no date: the URL's does
    ("Title\n\nPublished 3 hours ago\n\n" + BODY + "\n\nSource: https://example.com/world/2023/05/14/x", "2023-05-14"),
    # dates in the URL, in three forms; the URL's date beats an update stamp
    ("Title\n\n" + BODY + "\n\nSource: https://example.com/world/2023/may/14/sudan", "2023-05-14"),
    ("Title\n\n" + BODY + "\n\nSource: https://example.com/africa/mali/20230512/mali-curfew", "2023-05-12"),
    ("Title\n\nUpdated: 13 May 2023\n\n" + BODY + "\n\nSource: https://example.com/2023/05/12/x", "2023-05-12"),
    # numeric dates whose day and month may be swapped: the page's evidence decides
    ("Title\n\n12/05/2023 08:30\n\n" + BODY + "\n\nURL: https://example.com/2023/05/12/x", "2023-05-12"),
    ("Title\n\n05/12/2023 08:30\n\n" + BODY + "\n\nURL: https://example.com/2023/05/12/x", "2023-05-12"),
    ("Title\n\n05/12/2023 8:30 AM ET\nUpdated 05/13/2023 9:15 AM ET\n\n" + BODY, "2023-05-12"),  # 13 is a day
    ("Title\n\n12/05/2023\nUpdated 13/05/2023\n\n" + BODY, "2023-05-12"),
    ("Title\n\n12.05.2023, 14:30\n\n" + BODY, "2023-05-12"),  # dotted: day first
    ("Title\n\n12-05-2023\nUpdated 12 May 2023\n\n" + BODY, "2023-05-12"),  # a named-month date of the page
])
def test_publication_dates_through_furniture(text: str, expected: str) -> None:
    assert article_from_text(text).published == datetime.date.fromisoformat(expected)


@pytest.mark.parametrize("text", [
    "Title\n\n12/05/2023\n\n" + BODY,  # day and month may be swapped and nothing says which: no guess
    "Title\n\n05-12-2023 10:00\n\n" + BODY,
    "Title\n\nPublished 3 hours ago\n\n" + BODY,  # relative stamps give no date
    "Title\n\nUpdated 12m ago\n\n" + BODY + "\n\nSource: https://example.com/news/sudan-talks",
])
def test_no_date_rather_than_a_guess(text: str) -> None:
    assert article_from_text(text).published is None


@pytest.mark.parametrize(("text", "expected"), [
    # future years ("by 2030") are not past: 9 May was a Tuesday in 2017, 2023 and 2028; the text recounts 2022 as past
    ("Tuesday, 9 May\n\nHeadline\n\nThe deal was signed in July 2022. In 2017 the port handled a record harvest. "
     "The port will be modernised by 2030 and exports doubled by 2028.", "2023-05-09"),
    ("Tuesday, 9 May\n\nHeadline\n\nThe war began in 2022. Elections are scheduled for 2028.", "2023-05-09"),
    # a year in the page's furniture (the copyright line) is not a year the text recounts
    ("Thursday, December 2\n\nHeadline\n\nThe war of 2020 left dozens dead. In 2008 a drought hit the region.\n\n"
     "© 2024 Highland Press. All rights reserved.", "2021-12-02"),
    # never earlier than a year the text recounts as past: 12 May was a Friday in 2017 (before 2021) and 2023 (more
    # than a year after the latest year named): no date rather than a wrong one
    ("Friday, 12 May\n\nHeadline\n\nThe harvest had not been this poor since 2015. In 2021 the valley sold a record.",
     None),
])
def test_weekday_dates_take_the_years_recounted_as_past(text: str, expected: str | None) -> None:
    published = article_from_text(text).published
    assert (published.isoformat() if published else None) == expected


def test_year_for_past_years() -> None:
    assert year_for(1, 5, 9, [2017, 2022, 2028, 2030], [2017, 2022]) == 2023  # the first fit from the latest past year
    assert year_for(1, 5, 9, [2017, 2022, 2028, 2030]) is None  # every year taken as past: none fits from 2030
    assert year_for(4, 5, 12, [2015, 2021], [2015, 2021]) is None  # 2017 is earlier than 2021
    assert year_for(3, 12, 2, [2020, 2030], []) == 2021  # no past year: from the earliest year mentioned


def test_mentioned_years_past_and_future() -> None:
    from dashboard.reader.published import mentioned_years

    text = ("The deal was signed by both sides in 2022. It will be reviewed in 2025. The port is to be rebuilt by the "
            "end of 2027 under Vision 2030. Les travaux prévus en 2026. Since 2014 the war has gone on.")
    mentioned, past = mentioned_years(text, [(0, len(text))])
    assert mentioned == [2022, 2025, 2027, 2030, 2026, 2014]
    assert past == [2022, 2014]
