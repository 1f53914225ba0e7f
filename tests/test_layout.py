"""The layout the README promises: the pipeline (reader, events, store, ingest, export, CLI) and the
gazetteer never import Streamlit; modules stay small."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = {ROOT / "dashboard" / "app.py", *(ROOT / "dashboard" / "page").glob("*.py")}
MAX_LINES = 450


def pipeline_modules() -> list[str]:
    out = []
    for package in ("dashboard", "gazetteer"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in PAGE or "static" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def test_the_pipeline_never_imports_streamlit():
    modules = pipeline_modules()
    assert {"dashboard.reader", "dashboard.events", "dashboard.store", "dashboard.ingest", "dashboard.export",
            "dashboard.cli", "gazetteer"} <= set(modules)
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'streamlit_folium', 'folium')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_module_is_over_the_size_limit():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for package in ("dashboard", "gazetteer") for p in (ROOT / package).rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
