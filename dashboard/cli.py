"""The ``atlas`` command: parse articles, manage the gazetteer index (and the store, see ``atlas --help``)."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from gazetteer import Gazetteer, GazetteerError
from gazetteer.build import add_import, ensure_index, index_path
from gazetteer.geoparse import geoparse

from .articles import Article, read_article
from .errors import AtlasError


def _err(message: str) -> None:
    print(f"atlas: {message}", file=sys.stderr)


def parse_record(article: Article, gazetteer: Gazetteer, file: str) -> dict:
    """One line of ``atlas parse`` output: the article's metadata and its resolved place mentions."""
    mentions = geoparse(article.text, gazetteer, article.content_spans)
    return {
        "file": file, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url, "encoding": article.encoding, "warnings": list(article.warnings),
        "mentions": [m.to_dict() for m in mentions],
    }


def cmd_parse(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.open(progress=None if args.quiet else _err)
    failed = 0
    for name in args.files:
        try:
            article = read_article(name)
        except AtlasError as exc:
            _err(str(exc))  # the reader's messages name the file
            failed += 1
            continue
        for warning in article.warnings:
            _err(f"{name}: {warning}")
        print(json.dumps(parse_record(article, gazetteer, name), ensure_ascii=False), flush=False)
    sys.stdout.flush()
    if failed:
        _err(f"{failed} of {len(args.files)} files could not be read")
    return 1 if failed else 0


def cmd_gazetteer_build(args: argparse.Namespace) -> int:
    path = ensure_index(force=args.force, progress=None if args.quiet else _err)
    if not args.quiet:
        _err(f"gazetteer index ready: {path}")
    return 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    dumps = add_import(Path(args.path))
    _err(f"registered {len(dumps)} GeoNames dump(s); rebuilding the index")
    ensure_index(force=True, progress=_err)
    return 0


def cmd_gazetteer_lookup(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.open(progress=_err)
    places = gazetteer.lookup(args.name)[: args.limit]
    for p in places:
        print(json.dumps(p.to_dict(), ensure_ascii=False))
    if not places:
        _err(f"no place called {args.name!r} in the gazetteer")
    return 0 if places else 1


def cmd_gazetteer_info(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.open(progress=_err)
    info = {"path": str(index_path()), **gazetteer.stats(),
            **{k: v for k, v in gazetteer.meta.items() if k != "counts"},
            "sources": json.loads(gazetteer.meta.get("counts", "{}"))}
    print(json.dumps(info, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atlas", description="News Atlas: news articles to a map, offline.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="print one JSON line per article: title, date, resolved place mentions")
    p.add_argument("files", nargs="+", metavar="FILE", help="article files (.txt, .md, .html)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=cmd_parse)

    g = sub.add_parser("gazetteer", help="build, extend or query the local gazetteer index")
    gsub = g.add_subparsers(dest="action", required=True, metavar="ACTION")
    b = gsub.add_parser("build", help="build the index (only if missing or out of date, unless --force)")
    b.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    b.set_defaults(func=cmd_gazetteer_build)
    i = gsub.add_parser("import", help="add a GeoNames dump (allCountries.zip, cities*.zip, alternateNamesV2.zip)")
    i.add_argument("path", help="path of the dump file")
    i.set_defaults(func=cmd_gazetteer_import)
    lk = gsub.add_parser("lookup", help="every place of a name, most prominent first (JSON lines)")
    lk.add_argument("name")
    lk.add_argument("-n", "--limit", type=int, default=10)
    lk.set_defaults(func=cmd_gazetteer_lookup)
    info = gsub.add_parser("info", help="where the index is and what it holds")
    info.set_defaults(func=cmd_gazetteer_info)

    _add_ingest(sub)
    _add_export(sub)
    return parser


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    """``atlas ingest PATH...``: articles into the event store (the logic is in :mod:`dashboard.ingest`)."""
    from .ingest import add_parser

    add_parser(sub)


def _add_export(sub: argparse._SubParsersAction) -> None:
    """``atlas export``: the stored events as CSV or GeoJSON (the logic is in :mod:`dashboard.export`)."""
    from .export import add_parser

    add_parser(sub)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (AtlasError, GazetteerError) as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
