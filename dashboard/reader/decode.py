"""Decoding an article's bytes: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else what
charset-normalizer finds; binary files are refused."""
from __future__ import annotations

import codecs
import functools
import itertools
import re
import unicodedata
from typing import Any

import charset_normalizer

from ..errors import ArticleError

# Byte-order marks that are decoded as such; UTF-8's BOM is kept in the text (see the module docstring).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of common non-text formats someone might upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or .docx/.odt)"), (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c") + b"\x7f"
_MAX_CONTROL_SHARE = 0.1


def decode_bytes(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode ``data`` as text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else what charset-normalizer finds.
    Returns the text (no newline translation), the encoding's name and warnings."""
    if not data.strip():
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8", source), "utf-8-sig"
        return _nonblank(text, source), encoding, []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding, source)
            return _nonblank(text, source), encoding, [f"decoded as {encoding} (byte-order mark), not UTF-8"]
    _refuse_binary(data, source)
    try:
        return _nonblank(data.decode("utf-8"), source), "utf-8", []
    except UnicodeDecodeError:
        pass
    text, encoding = _detect(data, source)
    return _nonblank(text, source), encoding, [f"decoded as {encoding}, not UTF-8"]


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ArticleError(f"{source} starts with a {encoding} byte-order mark but is not valid {encoding} "
                           f"(byte {e.start}); save it as UTF-8", "encoding") from e


def _nonblank(text: str, source: str) -> str:
    if is_blank(text):
        raise ArticleError(f"{source} is empty: there is no text to read", "empty")
    return text


def _refuse_binary(data: bytes, source: str) -> None:
    """Raise ``binary`` for known file signatures, NUL bytes, or a high share of control bytes."""
    what = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if what is None and b"\x00" in data:
        what = "a binary file"
    sample = data[:65536]
    if what is None and len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > _MAX_CONTROL_SHARE * len(sample):
        what = "a binary file"
    if what is not None:
        raise ArticleError(f"{source} looks like {what}, not text; give a .txt, .md or .html article", "binary")


# Where charset-normalizer finds several encodings equally plausible (short texts often decode identically, or equally
# cleanly, in cp1250 and cp1252), the one most used for news on the web wins.
_PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp1250", "iso8859_2", "cp1253",
                        "cp1254", "cp1256", "cp1255", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp874")
# The single-byte encodings of European news, most used first: each is tried, and the one whose text reads most
# like text (:func:`_oddities`) wins, ties going to the first. charset-normalizer alone confuses them on short
# texts (Latin-1 read as cp1257: "Azerbaļdjan"; Latin-9 as ISO-8859-10: "prčs"; ISO-8859-2 as cp1250: "wrze¶nia").
_SINGLE_BYTE = ("cp1252", "iso8859_15", "iso8859_2", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1257",
                "latin_1")
_SAMPLE = 262_144  # characters of the decoded text that are scored
# Signs text uses; any other symbol or punctuation above ASCII (¤ ¦ ¨ ´ ¸ ¶ ½ ╢ ...) is odd, next to a letter more so.
_USUAL_SIGNS = frozenset("«»“”„‟‘’‚‹›–—―…•·€£¥¢$%°§©®™′″№\u00a0\u00ad\u2009\u200b\u202f\u2022")
_WORD = re.compile(r"[^\W\d_]+")
_CONTROL_C1 = re.compile(r"[\x80-\x9f]")


def _oddities(text: str) -> int:
    """How little ``text`` reads like text: C1 control characters, unusual signs (next to a letter above
    all), words mixing Latin and Cyrillic or Greek letters, words whose case flips inside them at a
    non-ASCII letter ("аНИ": cp1251 read as KOI8-R), Latin words made mostly of accented letters
    ("Áîè": Cyrillic read as cp1252)."""
    sample = text[:_SAMPLE]
    score = 10 * len(_CONTROL_C1.findall(sample))
    odd = _odd_signs()
    score += len(odd.findall(sample)) + 4 * len(re.findall(rf"[^\W\d_]{odd.pattern}|{odd.pattern}[^\W\d_]", sample))
    for match in _WORD.finditer(sample):
        word = match.group()
        if word.isascii():
            continue
        scripts = {_script(ch) for ch in word}
        if len(scripts - {"other"}) > 1:
            score += 5
        if any(a.islower() and b.isupper() and (a > "\x7f" or b > "\x7f") for a, b in itertools.pairwise(word)):
            score += 3
        if len(word) >= 3 and "latin" in scripts and sum(ch > "\x7f" for ch in word) * 2 > len(word):
            score += 3
    return score


@functools.cache
def _odd_signs() -> re.Pattern[str]:
    """A character class of the signs above ASCII that text seldom uses (symbols, punctuation, superscripts and
    fractions of U+0080 to U+2FFF, less :data:`_USUAL_SIGNS`)."""
    chars = [chr(c) for c in range(0x80, 0x3000) if chr(c) not in _USUAL_SIGNS
             and (unicodedata.category(chr(c))[0] in "SP" or unicodedata.category(chr(c)) == "No")]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def _script(ch: str) -> str:
    if ch < "\u0250":
        return "latin"
    if "\u0370" <= ch < "\u0400":
        return "greek"
    if "\u0400" <= ch < "\u0530":
        return "cyrillic"
    return "other"


def _pick_encoding(matches: list[Any]) -> str | None:
    """The best of charset-normalizer's matches, ties broken by :data:`_PREFERRED_ENCODINGS`."""
    if not matches:
        return None
    best = matches[0]
    tied = {name for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for name in (m.encoding, *m.could_be_from_charset)}
    return next((name for name in _PREFERRED_ENCODINGS if name in tied), best.encoding)


def _single_byte(data: bytes) -> tuple[str, str, int] | None:
    """``(text, encoding, oddities)`` of the single-byte encoding of :data:`_SINGLE_BYTE` whose text reads
    best (ties: the first), or ``None`` when none decodes the bytes."""
    best: tuple[str, str, int] | None = None
    for encoding in _SINGLE_BYTE:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        odd = _oddities(text)
        if best is None or odd < best[2]:
            best = (text, encoding, odd)
        if odd == 0:
            break
    return best


def _detect(data: bytes, source: str) -> tuple[str, str]:
    """Decode non-UTF-8 bytes: with the single-byte encoding of European news whose text reads best, unless
    charset-normalizer finds a multi-byte one (Chinese, Japanese, Korean) or a single-byte one that reads
    better."""
    single = _single_byte(data)
    if single is not None and single[2] == 0:
        return single[0], single[1]
    try:
        encoding = _pick_encoding(list(charset_normalizer.from_bytes(data)))
        if encoding is not None:
            text = data.decode(encoding)
            if single is None or _oddities(text) < single[2]:
                return text, encoding
    except Exception:  # a heuristic library on arbitrary bytes: any failure means "cannot tell"
        pass
    if single is not None:
        return single[0], single[1]
    raise ArticleError(f"cannot tell how {source} is encoded (it is not UTF-8); save it as UTF-8", "encoding")


def is_blank(text: str) -> bool:
    return not text.replace("\ufeff", "").strip()
