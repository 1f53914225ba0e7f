"""The sample articles (``seeds/``) of a new store: ingested once per version of the code, the seeds and the
gazetteer index, kept in the cache beside the index, and copied into each new store.

A new user's first page adds the seeds to their new store. Ingesting them there (importing the reader, the
gazetteer and datasketch, which imports scipy, then reading, geoparsing and storing five articles) is about
1.5 s of the wait for the first map; copying a store that holds them already is a few milliseconds.
``make run`` prepares that store (``atlas seeds``) after building the index; the page
copies it into a store file that does not exist yet (:func:`place_seeds`), and ingests the seeds itself when
there is no copy for this version (another checkout, an edited seed, a rebuilt index) or the store file
exists already (empty, but someone's). The copy is what ingesting would store, but for the time of ingest,
which is the time it was prepared.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
SEEDS_DIR = ROOT / "seeds"
# (what the stored seeds depend on: the pipeline's code and data files and the seeds, not the page's own
# modules nor its static files: the basemap is 17 MB and stores nothing)
_SKIP_PARTS = frozenset({"__pycache__", "static", "page"})
PREFIX = "seeds-"


def fingerprint() -> str | None:
    """What the stored seeds depend on, as a hash: every code and data file of the pipeline, the seeds, and
    the gazetteer index's own fingerprint; ``None`` when the index is not built."""
    from gazetteer.cache import current_fingerprint, index_path

    index = current_fingerprint(index_path())
    if index is None:
        return None
    h = hashlib.blake2b(index.encode(), digest_size=16)
    for source in (PACKAGE, ROOT / "gazetteer", SEEDS_DIR):
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_file() and path.suffix != ".pyc" and not _SKIP_PARTS.intersection(rel.parts):
                h.update(f"{source.name}/{rel.as_posix()}\0".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def prepared_path(version: str) -> Path:
    from gazetteer.cache import cache_dir

    return cache_dir() / f"{PREFIX}{version}.sqlite"


def prepare(*, force: bool = False) -> Path:
    """Ingest the seeds into a store of their own in the cache (unless one for this version is there), and
    remove those of other versions. Returns its path. Needs the gazetteer index (``atlas gazetteer build``)."""
    from gazetteer import Gazetteer

    from .errors import AtlasError
    from .ingest import ingest_seeds
    from .store import Store

    version = fingerprint()
    if version is None:
        raise AtlasError("the gazetteer index is not built: run `atlas gazetteer build` first")
    target = prepared_path(version)
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".seeds-") as tmp:
        built = Path(tmp) / "atlas.sqlite"
        with Gazetteer.open() as gazetteer, Store(built) as store:
            report = ingest_seeds(store, gazetteer, SEEDS_DIR)
        if report.failed:
            raise AtlasError("some sample articles could not be added: "
                             + "; ".join(r.line() for r in report.results if r.status == "failed"))
        os.replace(built, target)  # (closed: its write-ahead log is checkpointed into the file, and gone)
    for old in target.parent.glob(f"{PREFIX}*.sqlite"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def place_seeds(store_file: str | os.PathLike[str]) -> bool:
    """Copy the prepared seeds (:func:`prepare`) to ``store_file`` when that file does not exist yet and a
    copy for this version is there. Whether it did (if not, the caller ingests the seeds itself)."""
    store_file = Path(store_file)
    if store_file.exists() or not SEEDS_DIR.is_dir():
        return False
    version = fingerprint()
    source = prepared_path(version) if version else None
    if source is None or not source.is_file():
        return False
    store_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=store_file.parent, prefix=".seeds-", suffix=".sqlite")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.link(tmp, store_file)  # only if there is still no store file: one made meanwhile stays as it is
    except OSError:  # made meanwhile, or a folder that takes no hard link or no copy: the page ingests them
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


def cmd_seeds(args: argparse.Namespace) -> int:
    """Store the sample articles (seeds/) once, in the cache beside the index, for the page to copy into each
    new store (make run does this; without it the page ingests them itself, about 1.5 s slower)."""
    path = prepare(force=args.force)
    if not args.quiet:
        print(f"atlas seeds: {path}", file=sys.stderr)
    return 0


def add_command(sub: argparse._SubParsersAction, command: Callable[..., argparse.ArgumentParser]) -> None:
    """``atlas seeds`` under ``sub`` (``command``: dashboard/cli.py's maker of a subcommand)."""
    p = command(sub, "seeds", cmd_seeds, "store the sample articles once, for each new store to start from")
    p.add_argument("--force", action="store_true", help="store them again even if they are current")
    p.add_argument("-q", "--quiet", action="store_true", help="no message")
