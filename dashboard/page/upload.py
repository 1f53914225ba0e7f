"""Adding articles in the page: several .txt, .html, .htm or .md files at once, or pasted text, with a
progress bar and a report on each file (added, already in the store, or failed and why). The work is
done by :mod:`dashboard.ingest` (through :mod:`dashboard.page.data`); file names are only ever shown, escaped."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard.page import keys as k
from dashboard.page.auth import can_edit
from dashboard.page.data import add_files, add_text
from dashboard.page.markup import escape
from dashboard.reader.article import MAX_ARTICLE_BYTES, MEGABYTE
from dashboard.wording import counted

# The one upload limit: the reader's. Streamlit's file picker says it too ("Limit 5MB per file") and
# refuses a larger file itself: .streamlit/config.toml and dashboard/serve.py set server.maxUploadSize
# to this (tests/test_app.py checks the three agree). Its MB are 1,000,000 bytes, as the reader's are.
UPLOAD_LIMIT_MB = MAX_ARTICLE_BYTES // MEGABYTE

if TYPE_CHECKING:
    from dashboard.ingest import FileResult, IngestReport
# (dashboard.ingest is imported when the box is open or has a report: with the gazetteer it takes 0.3 s,
# which a page that only shows the map does not need)

REASONS = {"empty": "empty", "binary": "not text", "too-large": "too large", "encoding": "unreadable encoding",
           "unreadable": "unreadable", "geoparse": "could not be parsed", "store": "could not be stored"}


def report_html(report: IngestReport) -> str:
    """The per-file report as a small table; every name and message escaped."""
    from dashboard.ingest import ADDED, DUPLICATE, FAILED

    status = {ADDED: "added", DUPLICATE: "already in the store", FAILED: "failed"}
    rows = []
    for r in report.results:
        if r.status == ADDED:
            # (with the reader's warnings: "decoded as cp1252", "no publication date found")
            detail = "; ".join([f"{counted(r.mentions, 'place mention')}, {counted(r.events, 'event')}",
                                *r.warnings])
        elif r.status == DUPLICATE:
            detail = "the same text is stored already"
        else:
            detail = f"{REASONS.get(r.reason or '', r.reason or '')}: {r.message or ''}"
        title = f"“{r.title}”" if r.title else ""
        rows.append(f'<tr class="atlas-upload-{escape(r.status)}" data-reason="{escape(r.reason or "")}">'
                    f'<td class="atlas-upload-name">{escape(r.path)}</td><td>{escape(status.get(r.status, r.status))}'
                    f'</td><td>{escape(title)}</td><td>{escape(detail)}</td></tr>')
    summary = (f"{counted(len(report.results), 'file')}: {report.added} added, "
               f"{report.duplicates} already in the store, {report.failed} failed")
    return (f'<div class="atlas-meta" id="atlas-upload-summary">{escape(summary)}</div>'
            f'<table class="atlas-upload-report"><thead><tr><th>file</th><th>result</th><th>title</th><th>details</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _progress(bar: st.delta_generator.DeltaGenerator):
    def update(done: int, total: int, result: FileResult) -> None:
        bar.progress(done / max(total, 1), text=f"{done:d} of {counted(total, 'file')} read")
    return update


def add_articles(path: str, expanded: bool) -> None:
    """The "Add articles" box: file picker, paste area, progress and the last report (an editor's only)."""
    if not can_edit():
        return
    state = st.session_state
    if state.pop(k.CLEAR_PASTE, False):
        state[k.PASTE_TEXT] = ""
    # Its widgets are made only while it is open: folded, they would still be drawn on every page load.
    box = st.expander("Add articles: upload files or paste text", key=k.ADD_BOX, on_change="rerun",
                      expanded=expanded or bool(state.get(k.UPLOAD_REPORT)))
    with box:
        if not box.open:
            return
        from dashboard.ingest import UPLOAD_TYPES, IngestReport

        round_ = state.setdefault(k.UPLOAD_ROUND, 0)
        files = st.file_uploader("Article files (.txt, .html, .htm, .md)", type=list(UPLOAD_TYPES),
                                 accept_multiple_files=True, key=k.uploads(round_),
                                 help=f"Several at once; a larger file than {UPLOAD_LIMIT_MB} MB is refused.")
        go = st.button(f"Add {len(files)} file{'s' if len(files) != 1 else ''} to the store" if files
                       else "Add the files to the store", key=k.UPLOAD_GO, disabled=not files, type="primary")
        st.text_area("…or paste an article (its title on the first line)", key=k.PASTE_TEXT, height=140)
        paste = st.button("Add the pasted text", key=k.PASTE_GO)
        if go and files:
            bar = st.progress(0.0, text=f"0 of {counted(len(files), 'file')} read")
            report = add_files(path, files, progress=_progress(bar))
            state[k.UPLOAD_REPORT] = report
            state[k.UPLOAD_ROUND] = round_ + 1  # a new, empty file picker
            st.rerun()
        if paste:
            text = state.get(k.PASTE_TEXT) or ""
            with st.spinner("Reading the pasted text …"):
                result = add_text(path, text)
            state[k.UPLOAD_REPORT] = IngestReport([result])
            if result.status != "failed":
                state[k.CLEAR_PASTE] = True
            st.rerun()
        report = state.get(k.UPLOAD_REPORT)
        if report is not None:
            st.html(report_html(report))
