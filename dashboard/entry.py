"""The ``atlas`` console script: :func:`dashboard.cli.main`, which builds every command, except that
``atlas serve`` goes straight to :func:`dashboard.serve.main`. The command that starts the page then
does not import the pipeline first (the gazetteer, the store, the reader: about half a second of a new
user's wait for the map, spent before Streamlit even starts)."""
from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["serve"]:
        from .serve import main as serve_main

        return serve_main(args[1:])
    from .cli import main as cli_main

    return cli_main(args)
