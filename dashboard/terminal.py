"""Article-derived text on a terminal: titles, file names and messages that name them are hostile.

:func:`terminal_safe` is the one function the ``atlas`` command passes such text through before printing
it: control characters (ESC, CR, BEL, ... and the 8-bit C1 controls, which some terminals obey as
escape sequences), the Unicode line separators and bidirectional overrides are shown as backslash
escapes, never sent raw. :func:`path_text` is a file name as text, with the bytes that are not UTF-8
escaped (``caf\\xe9.txt``), so it can be stored, printed and encoded anywhere.
"""
from __future__ import annotations

import os
import re

# C0 controls, DEL, C1 controls, line and paragraph separators, bidirectional embeddings, overrides and
# isolates, and lone surrogates (a file name's undecodable bytes, or text that is not valid Unicode).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def terminal_safe(text: object) -> str:
    """``text`` with every character a terminal could obey as a control shown as a backslash escape
    (``\\x1b``, ``\\r``, ``\\u202e``); printable text, other scripts included, stays as it is."""
    return _UNSAFE.sub(_escape, str(text))


def path_text(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path as valid Unicode text: its bytes decoded as UTF-8, each byte that is not shown as ``\\xNN``
    (a Linux file name need not be UTF-8; Python hands such names over with lone surrogates, which
    cannot be stored, printed or encoded)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # lone surrogates that are not escaped bytes
        return os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
