"""No user or article text reaches Streamlit's Markdown or HTML renderers unescaped (issue 13, item 5).

Streamlit renders Markdown in ``st.caption``, ``st.markdown``, ``st.write``, ``st.info`` and its
siblings, ``st.toast``, titles, every widget's label and help text (links and images included: a
typed ``![x](http://203.0.113.7/p.png)`` made the browser fetch from outside) and ``st.radio``'s
options; ``st.html`` renders HTML. This test reads the page's modules (``dashboard/app.py`` and
``dashboard/page/*.py``) and lists every such call whose text is not made only of

* constants (string literals, numbers, module constants in UPPER_CASE and their items),
* numbers formatted as numbers (``{n:,}``, ``{x:.2f}``, ``{len(xs)}``, ``{int(i)}``),
* Markdown: text passed through :func:`dashboard.page.markup.escape_markdown`;
  HTML: text passed through :func:`~dashboard.page.markup.escape` (or the helpers built on it),

joined with ``+``, f-strings or ``a if c else b``. A variable (``st.caption(text)``) is an offender
even when it happens to hold safe text: escape where the text is rendered.
"""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from dashboard.page.markup import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
MODULES = [ROOT / "dashboard" / "app.py", *sorted((ROOT / "dashboard" / "page").glob("*.py"))]

# Calls whose first argument (or ``body=``) is Markdown.
MARKDOWN_BODY = {"markdown", "caption", "write", "info", "warning", "error", "success", "toast", "title", "header",
                 "subheader", "badge", "spinner"}
# Calls whose first argument (or ``label=``) is a label rendered as Markdown.
LABELLED = {"button", "download_button", "link_button", "page_link", "form_submit_button", "checkbox", "toggle",
            "radio", "selectbox", "multiselect", "select_slider", "slider", "text_input", "text_area",
            "number_input", "date_input", "time_input", "datetime_input", "file_uploader", "camera_input",
            "audio_input", "color_picker", "expander", "popover", "pills", "segmented_control", "metric",
            "chat_input", "feedback"}
# Keywords rendered as Markdown, on any call (``help`` on every widget and column, ``text`` on a
# progress bar, ``captions`` on a radio).
MARKDOWN_KEYWORDS = {"help", "text", "captions", "label", "body"}
# Option labels rendered as Markdown.
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}

MARKDOWN_ESCAPES = {"escape_markdown"}
# escape() and the helpers that build HTML on it (each tested on hostile text: tests/test_app.py,
# tests/test_mapview.py, tests/test_corrections.py); style() reads our own CSS file.
HTML_ESCAPES = {"escape", "marked", "marked_excerpt", "link", "event_meta", "article_html", "report_html", "style",
                "correction_html", "event_html", "fix_html"}
NUMBERS = {"int", "len", "float", "round", "abs"}
TEXT_METHODS = {"lower", "upper", "capitalize", "title", "strip"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _constant_name(node: ast.AST) -> bool:
    name = _name(node)
    return name is not None and name.isupper() and not isinstance(node, ast.Call)


def _numeric_spec(spec: ast.AST | None) -> bool:
    """A format spec only a number takes (``,``, ``d``, ``.2f``, ``%`` ...)."""
    if not isinstance(spec, ast.JoinedStr) or not all(isinstance(v, ast.Constant) for v in spec.values):
        return False
    text = "".join(str(v.value) for v in spec.values)
    return "," in text or "_" in text or (bool(text) and text[-1] in "bdeEfFgGnoxX%")


def safe(node: ast.AST | None, escapes: set[str]) -> bool:
    """Whether the text ``node`` makes is only constants, numbers and escaped text."""
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float)) or node.value is None
    if isinstance(node, ast.JoinedStr):
        return all(safe(v, escapes) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return _numeric_spec(node.format_spec) or safe(node.value, escapes)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return safe(node.left, escapes) and safe(node.right, escapes)
    if isinstance(node, ast.IfExp):
        return safe(node.body, escapes) and safe(node.orelse, escapes)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _constant_name(node)
    if isinstance(node, ast.Subscript):
        return _constant_name(node.value)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in escapes or name in NUMBERS:
            return True
        if name == "counted":  # dashboard.wording: a number (formatted :d) and its noun, which must be safe
            return all(safe(a, escapes) for a in node.args[1:]) and all(safe(kw.value, escapes) for kw in node.keywords)
        if isinstance(node.func, ast.Attribute) and name in TEXT_METHODS:
            return safe(node.func.value, escapes)
    return False


def _text_arguments(call: ast.Call, name: str) -> list[ast.AST]:
    """The arguments of ``call`` that Streamlit renders as Markdown (or, for ``st.html``, HTML)."""
    out = []
    if name == "write":
        out.extend(call.args)
    elif (name in MARKDOWN_BODY or name in LABELLED or name == "html") and call.args:
        out.append(call.args[0])
    if name == "tabs" and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
        out.extend(call.args[0].elts)
    keywords = MARKDOWN_KEYWORDS if name in MARKDOWN_BODY | LABELLED | {"html", "progress"} else {"help"}
    out.extend(kw.value for kw in call.keywords if kw.arg in keywords)
    return out


def _option_offenders(call: ast.Call) -> list[str]:
    """A radio's (or pills') options are Markdown: their labels must be constants."""
    func = next((kw.value for kw in call.keywords if kw.arg == "format_func"), None)
    if func is not None:
        # ``LABELS.__getitem__``: the labels of a module constant
        ok = isinstance(func, ast.Attribute) and func.attr == "__getitem__" and _constant_name(func.value)
        return [] if ok else ["format_func (option labels)"]
    options = call.args[1] if len(call.args) > 1 else next((kw.value for kw in call.keywords if kw.arg == "options"),
                                                            None)
    if isinstance(options, (ast.List, ast.Tuple)) and all(safe(e, MARKDOWN_ESCAPES) for e in options.elts):
        return []
    if isinstance(options, ast.Call) and _name(options.func) == "list" and options.args \
            and _constant_name(options.args[0]):
        return []
    return ["options"]


def _own_stylesheet(node: ast.Call) -> bool:
    """``st.markdown(style("page.css"), unsafe_allow_html=True)``: the page's own stylesheet, a file of
    dashboard/static/atlas named by a constant (Streamlit 1.67 drops an ``st.html`` made only of
    ``<style>``: tests/browser/test_page_style_browser.py), and nothing else."""
    body = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg == "body"), None)
    return (_name(node.func) == "markdown" and isinstance(body, ast.Call) and _name(body.func) == "style"
            and len(body.args) == 1 and not body.keywords and isinstance(body.args[0], ast.Constant)
            and isinstance(body.args[0].value, str))


def offenders(source: str, filename: str) -> list[str]:
    """``file:line: st.fn(...) argument`` for every call that renders unescaped variable text."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or _own_stylesheet(node):
            continue
        name = _name(node.func)
        if any(kw.arg == "unsafe_allow_html" for kw in node.keywords):
            found.append(f"{filename}:{node.lineno}: {name}(unsafe_allow_html=...)")
        if name is None:
            continue
        escapes = HTML_ESCAPES if name == "html" else MARKDOWN_ESCAPES
        for arg in _text_arguments(node, name):
            if not safe(arg, escapes):
                found.append(f"{filename}:{arg.lineno}: {name}(...) renders {ast.unparse(arg)[:80]!r} unescaped")
        if name in MARKDOWN_OPTIONS:
            found.extend(f"{filename}:{node.lineno}: {name}(...) {what} not constant"
                         for what in _option_offenders(node))
    return found


def test_no_variable_text_reaches_markdown_or_html_unescaped():
    found = [o for path in MODULES for o in offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == [], "Streamlit calls that render variable text unescaped:\n" + "\n".join(found)


def test_every_page_module_is_walked():
    names = {p.name for p in MODULES}
    assert {"app.py", "filters.py", "panel.py", "table.py", "upload.py", "correct.py", "state.py"} <= names


@pytest.mark.parametrize("code", [
    "st.caption(text)",
    "st.caption(f'No place is named {name}.')",
    "st.info('Ignored: ' + note)",
    "st.sidebar.warning(escape(text))",  # HTML escaping leaves [links](...) and ![images](...)
    "st.toggle(f'Include {label}')",
    "st.selectbox('Place', options, help=f'about {name}')",
    "bar.progress(0.5, text=f'{name} read')",
    "st.write('a', value)",
    "st.markdown(escape_markdown(a), unsafe_allow_html=True)",
    "st.markdown(style(name), unsafe_allow_html=True)",
    "st.markdown(style('page.css') + tail, unsafe_allow_html=True)",
    "st.caption(style('page.css'), unsafe_allow_html=True)",
    "st.html(f'<b>{name}</b>')",
    "st.html(escape_markdown(name))",
    "st.radio('Role', roles, format_func=lambda r: r)",
    "st.expander(f'Corrections ({total})')",
    "st.caption(f'{counted(n, name)} shown')",  # a noun from elsewhere is text like any other
])
def test_the_walk_finds_offenders(code):
    assert offenders(code, "x.py"), code


def test_the_page_s_own_stylesheet_is_the_one_unsafe_html():
    assert offenders("st.markdown(style('page.css'), unsafe_allow_html=True)", "x.py") == []


@pytest.mark.parametrize("code", [
    "st.caption('A constant, with [a link](https://www.geonames.org)')",
    "st.caption(CREDITS)",
    "st.caption(escape_markdown(text))",
    "st.caption(f'{n:,} events in {len(places)} places at {escape_markdown(name)}')",
    "st.caption(f\"and {undated:,} undated event{'s' if undated != 1 else ''}\")",
    "st.toggle(f'Include undated events ({rng.undated:,})')",
    "st.caption(f\"{counted(len(places), 'place')}, {counted(n, 'city', 'cities')} shown\")",
    "st.text(text)",  # plain text
    "st.html(f'<b>{escape(name)}</b> {info.lat:.4f} {int(e.id)} {marked(text, marks)}')",
    "st.radio('Role', list(LABELS), format_func=LABELS.__getitem__)",
    "st.text_input('Date', help=f'or “{NO_DATE}”')",
])
def test_the_walk_lets_safe_calls_pass(code):
    assert offenders(code, "x.py") == [], code


# -- the escaping ---------------------------------------------------------------------------------------
def test_escape_markdown_escapes_every_markdown_character():
    text = "![x](http://203.0.113.7/p.png) [a](javascript:x) <b>*_`~#|$:red[r]{}+-.=^&@\\"
    escaped = escape_markdown(text)
    # every ASCII punctuation character comes after a backslash: none of them is syntax any more
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in string.punctuation, escaped[i:]
            i += 2
        else:
            assert escaped[i] not in string.punctuation, escaped[i:]
            i += 1
    # what is shown is the text as written (CommonMark drops the backslashes)
    assert escaped.replace("\\", "") == text.replace("\\", "")


def test_escape_markdown_leaves_no_block_or_autolink():
    assert escape_markdown("a\n# heading\r\n\n- item\u2028b") == "a \\# heading \\- item b"
    assert escape_markdown("www.example.com a@b.c http://x") == "www\\.example\\.com a\\@b\\.c http\\:\\/\\/x"
    assert escape_markdown("Goris\x00\x1b[31m") == "Goris\\[31m"
    assert escape_markdown(None) == "" and escape_markdown(5) == "5"
    assert escape_markdown("Ереван, Gümrü 1,234") == "Ереван\\, Gümrü 1\\,234"  # only ASCII punctuation
