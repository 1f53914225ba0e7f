"""Articles added in the page: uploaded files and pasted text, each read, geoparsed and stored like
``atlas ingest`` does (one transaction each; a failure never affects the others).

Nothing here touches the file system: an upload's name is only a label (shown escaped, stored as the
article's source); it is never used as a path, whatever separators or dots it holds. The reader
(:mod:`dashboard.articles`) refuses empty, binary, undecodable and too large (5 MB) files with a reason.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from .errors import ArticleError, StoreError
from .ingest import FAILED, FileResult, IngestReport, ingest_article

UPLOAD_TYPES = ("txt", "html", "htm", "md")  # what the page's file picker offers
MAX_NAME = 200  # characters of a file name kept for display
PASTED = "pasted text"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Progress = Callable[[int, int, FileResult], None]


def display_name(name: Any, fallback: str = "upload") -> str:
    """An upload's name as a label: control characters removed, at most :data:`MAX_NAME` characters.
    Path separators and dots are kept as they are (it is never a path); escape it wherever it is shown."""
    text = _CONTROL.sub("", "" if name is None else str(name)).strip()
    if len(text) > MAX_NAME:
        text = "…" + text[-(MAX_NAME - 1):]
    return text or fallback


def ingest_bytes(store: Any, gazetteer: Any, name: str, data: bytes) -> FileResult:
    """Read ``data`` (an uploaded file) as an article, geoparse and store it; the result says whether it
    was added, was already in the store, or failed and why (the reader's reason code)."""
    from .articles import article_from_bytes

    label = display_name(name)
    return _read_and_ingest(store, gazetteer, label, lambda: article_from_bytes(data, label))


def ingest_text(store: Any, gazetteer: Any, text: str, name: str = PASTED) -> FileResult:
    """Pasted text as an article (title on its first line), geoparsed and stored."""
    from .articles import article_from_text

    label = display_name(name, PASTED)
    return _read_and_ingest(store, gazetteer, label, lambda: article_from_text(text, label))


def _read_and_ingest(store: Any, gazetteer: Any, label: str, read: Callable[[], Any]) -> FileResult:
    """``read()`` an article and ingest it; a reader's or the store's refusal becomes a failed result."""
    try:
        return ingest_article(store, gazetteer, read(), path=label)
    except ArticleError as exc:
        return FileResult(label, FAILED, reason=exc.reason, message=str(exc))
    except StoreError as exc:
        return FileResult(label, FAILED, reason="store", message=str(exc))


def ingest_uploads(store: Any, gazetteer: Any, files: Iterable[Any], *,
                   progress: Progress | None = None) -> IngestReport:
    """Ingest uploaded files, in order: ``(name, bytes)`` pairs or objects with ``name`` and ``getvalue()``
    (Streamlit's ``UploadedFile``). ``progress(done, total, result)`` after each file. A file whose
    content is already in the store (or earlier in the same batch) is reported as already stored."""
    started = time.perf_counter()
    items = list(files)
    report = IngestReport()
    for i, item in enumerate(items, 1):
        if isinstance(item, tuple):
            name, data = item
        else:
            name, data = getattr(item, "name", None), item.getvalue()
        result = ingest_bytes(store, gazetteer, name, data)
        report.results.append(result)
        if progress:
            progress(i, len(items), result)
    report.seconds = time.perf_counter() - started
    return report
