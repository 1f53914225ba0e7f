"""How the hand-written sentence splitter (dashboard/events/sentences.py) compares with library
splitters that give character offsets: boundary precision/recall/F1 against hand-adjudicated gold,
place mentions put in the wrong sentence, and speed.

    .venv/bin/python bench/sentence_split.py [--trnews DIR] [--rounds 3] [--disagreements CORPUS]

The libraries are not project dependencies; install them aside and put them on the path:

    pip install --target /tmp/splitlibs pysbd syntok blingfire
    PYTHONPATH=/tmp/splitlibs .venv/bin/python bench/sentence_split.py

A library that cannot be imported is skipped with a message. Splitters compared:

- ``ours``: ``sentences(text)`` on the whole text (a line break ends a sentence unless the next line
  starts in lower case; a blank line always does).
- ``pysbd`` (Segmenter(language="en", clean=False, char_span=True)), ``syntok`` (segmenter.analyze,
  token offsets), ``blingfire`` (text_to_sentences_and_offsets), each run two ways: ``raw``, on the
  whole text as it is, and ``+lines``, on each block of lines that ``ours`` reads as one (the same
  line rule first, then the library inside each block, its line breaks turned into spaces), so that
  the line rule and the punctuation rules can be told apart.

Corpora (bench/data/sentence_gold.json):

- ``hard``: short hard cases written for this benchmark (abbreviations, initials, quotes, datelines,
  hard-wrapped lines, lists, URLs...); ``¦`` in a case's text marks a gold boundary.
- ``seeds``: the five seeds/*.txt, gold boundaries adjudicated by hand (offsets only). Gold for
  seeds and TR-News was drafted as the majority of the seven splitters' boundaries, then every
  boundary on which they disagreed was read and decided (the conventions are in the json's
  ``about``); a boundary all seven miss could only be caught by a scan for a stop before a capital,
  which was done. The draft leans towards the majority, so small differences are not significant.
- ``trnews``: a sample of 15 TR-News articles (every 8th file) with adjudicated gold; stored as the
  file name, the text's SHA-256 and offsets only (TR-News is not shipped with the project; read from
  TRNEWS_DIR, default ../shared/eval/trnews/texts). An article whose text no longer matches is skipped.

A gold boundary is the offset where a sentence begins (every sentence but a text's first).
``in-line`` scores count only the boundaries with no line break in the gap before them: the ones
punctuation decides, not the line rule. ``mentions`` (TR-News) counts the gold toponym mentions of
TR-News (../shared/eval/trnews/gold.json) whose sentence differs from the gold sentence: what an
event reads its date and verb from. Speed is measured on all TR-News articles (else the seeds),
best of --rounds passes, on one core.

``--disagreements seeds|trnews|hard`` prints, instead of the table, every boundary on which the
splitters (or gold) disagree, with its context: the worklist for adjudicating gold.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.events.sentences import _blocks, sentences, strip_span  # noqa: E402

TRNEWS = ROOT.parent / "shared" / "eval" / "trnews" / "texts"
GOLD = Path(__file__).resolve().parent / "data" / "sentence_gold.json"
MARK = "¦"

Span = tuple[int, int]
Splitter = Callable[[str], list[Span]]


# --- splitters ------------------------------------------------------------------------------------

def _clean(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans clipped to the text, stripped of white space, empty ones dropped, in order."""
    out = []
    for a, b in spans:
        a, b = strip_span(text, max(0, a), min(len(text), b))
        if a < b:
            out.append((a, b))
    return sorted(out)


def _per_block(split_chunk: Callable[[str], list[Span]]) -> Splitter:
    """Run ``split_chunk`` inside each block of lines that ``ours`` reads as one, its line breaks
    turned into spaces (the line rule has decided them; offsets stay the same)."""
    def split(text: str) -> list[Span]:
        out: list[Span] = []
        for a, b in _blocks(text, 0, len(text)):
            a, b = strip_span(text, a, b)
            if a < b:
                chunk = text[a:b].replace("\r", " ").replace("\n", " ")
                out.extend((a + s, a + e) for s, e in split_chunk(chunk))
        return out
    return split


def _pysbd() -> Callable[[str], list[Span]]:
    pysbd = importlib.import_module("pysbd")
    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(chunk: str) -> list[Span]:
        return [(s.start, s.end) for s in seg.segment(chunk)]
    return split


def _syntok() -> Callable[[str], list[Span]]:
    segmenter = importlib.import_module("syntok.segmenter")

    def split(chunk: str) -> list[Span]:
        out = []
        for paragraph in segmenter.analyze(chunk):
            for sent in paragraph:
                if sent:
                    out.append((sent[0].offset, sent[-1].offset + len(sent[-1].value)))
        return out
    return split


def _blingfire() -> Callable[[str], list[Span]]:
    blingfire = importlib.import_module("blingfire")

    def split(chunk: str) -> list[Span]:
        if not chunk.strip():
            return []
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk)
        return [(a, b) for a, b in offsets]
    return split


LIBRARIES = {"pysbd": _pysbd, "syntok": _syntok, "blingfire": _blingfire}


def splitters() -> dict[str, Splitter]:
    out: dict[str, Splitter] = {"ours": sentences}
    for name, make in LIBRARIES.items():
        try:
            chunk = make()
        except ImportError as e:
            print(f"skipped {name}: not importable ({e}); pip install --target /tmp/splitlibs {name} "
                  "and run with PYTHONPATH=/tmp/splitlibs", file=sys.stderr)
            continue
        out[f"{name} raw"] = chunk
        out[f"{name} +lines"] = _per_block(chunk)
    return out


def split_spans(splitter: Splitter, text: str) -> list[Span]:
    return _clean(text, splitter(text))


def boundaries(spans: list[Span]) -> set[int]:
    return {a for a, _ in spans[1:]}


def in_line(text: str, b: int) -> bool:
    """No line break between the previous sentence's last character and ``b``."""
    return "\n" not in text[len(text[:b].rstrip()):b]


# --- corpora --------------------------------------------------------------------------------------

class Doc:
    def __init__(self, name: str, text: str, gold: set[int] | None, mentions: list[Span] | None = None):
        self.name, self.text, self.gold, self.mentions = name, text, gold, mentions or []


def hard_case(case: dict) -> Doc:
    """A hard case: its text with each ``¦`` removed; a gold boundary at the first character after it
    that is not white space."""
    parts = case["text"].split(MARK)
    text = "".join(parts)
    gold, pos = set(), 0
    for part in parts[:-1]:
        pos += len(part)
        b = pos
        while b < len(text) and text[b].isspace():
            b += 1
        gold.add(b)
    return Doc(case["name"], text, gold)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(trnews_dir: Path) -> tuple[dict[str, list[Doc]], list[Doc]]:
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    corpora: dict[str, list[Doc]] = {"hard": [hard_case(c) for c in data["hard_cases"]], "seeds": []}
    for name, entry in data["seeds"].items():
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        if sha(text) != entry["sha256"]:
            print(f"skipped seed {name}: its text changed since gold was made", file=sys.stderr)
            continue
        corpora["seeds"].append(Doc(name, text, set(entry["boundaries"])))
    speed: list[Doc] = []
    if trnews_dir.is_dir():
        toponyms = _trnews_toponyms(trnews_dir)
        corpora["trnews"] = []
        for name, entry in data["trnews"].items():
            path = trnews_dir / name
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            if sha(text) != entry["sha256"]:
                print(f"skipped TR-News {name}: its text does not match the gold's", file=sys.stderr)
                continue
            corpora["trnews"].append(Doc(name, text, set(entry["boundaries"]), toponyms.get(name)))
        speed = [Doc(p.name, p.read_text(encoding="utf-8"), None) for p in sorted(trnews_dir.glob("*.txt"))]
    else:
        print(f"no TR-News at {trnews_dir}: its rows and the speed on it are left out", file=sys.stderr)
    if not speed:
        speed = [Doc(p.name, p.read_text(encoding="utf-8"), None) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return corpora, speed


def _trnews_toponyms(trnews_dir: Path) -> dict[str, list[Span]]:
    path = trnews_dir.parent / "gold.json"
    if not path.is_file():
        return {}
    gold = json.loads(path.read_text(encoding="utf-8"))
    return {a["file"]: [tuple(s) for t in a["toponyms"] for s in t["spans"]] for a in gold["articles"]}


# --- scoring --------------------------------------------------------------------------------------

def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _sentence_of(bounds: list[int], pos: int) -> tuple[int, int]:
    i = bisect_right(bounds, pos)
    return (bounds[i - 1] if i else 0, bounds[i] if i < len(bounds) else -1)


def score(docs: list[Doc], splitter: Splitter) -> dict:
    counts = {"all": [0, 0, 0], "in-line": [0, 0, 0]}
    misplaced = cut = total_mentions = 0
    for doc in docs:
        got = boundaries(split_spans(splitter, doc.text))
        for b in got | doc.gold:
            kinds = ["all"] + (["in-line"] if in_line(doc.text, b) else [])
            slot = 0 if b in got and b in doc.gold else (1 if b in got else 2)
            for k in kinds:
                counts[k][slot] += 1
        g, s = sorted(doc.gold), sorted(got)
        for a, b in doc.mentions:
            total_mentions += 1
            misplaced += _sentence_of(g, a) != _sentence_of(s, a)
            cut += any(a < x < b for x in got)
    out = {k: (*prf(*v), v[1], v[2]) for k, v in counts.items()}
    out["mentions"] = (misplaced, cut, total_mentions)
    return out


def speed(docs: list[Doc], splitter: Splitter, rounds: int) -> tuple[float, float]:
    """(sentences per second, ms per article), best of ``rounds`` passes."""
    best, n = float("inf"), 0
    for _ in range(rounds):
        t = time.perf_counter()
        n = sum(len(splitter(doc.text)) for doc in docs)
        best = min(best, time.perf_counter() - t)
    return n / best, 1000 * best / len(docs)


# --- output ---------------------------------------------------------------------------------------

def table(corpora: dict[str, list[Doc]], speed_docs: list[Doc], found: dict[str, Splitter], rounds: int) -> None:
    names = [c for c in ("hard", "seeds", "trnews") if corpora.get(c)]
    for c in names:
        docs = corpora[c]
        n = sum(len(d.gold) for d in docs)
        n_in = sum(in_line(d.text, b) for d in docs for b in d.gold)
        print(f"{c}: {len(docs)} texts, {n} gold boundaries ({n_in} in-line)")
    head = f"{'splitter':<17}" + "".join(f"{c + ' P/R/F1':>20}{'in-line F1 fp/fn':>19}" for c in names)
    head += f"{'mentions wrong/cut':>20}{'sent/s':>10}{'ms/art':>8}"
    print(head)
    print("-" * len(head))
    for name, splitter in found.items():
        row = f"{name:<17}"
        mentions = ""
        for c in names:
            s = score(corpora[c], splitter)
            p, r, f, _, _ = s["all"]
            _, _, fi, fp, fn = s["in-line"]
            row += f"{f'{p:.3f}/{r:.3f}/{f:.3f}':>20}{f'{fi:.3f} {fp}/{fn}':>19}"
            if c == "trnews":
                wrong, cut, total = s["mentions"]
                mentions = f"{wrong}/{cut} of {total}"
        sps, ms = speed(speed_docs, splitter, rounds)
        print(row + f"{mentions:>20}{sps:>10.0f}{ms:>8.2f}")
    print(f"speed on {len(speed_docs)} articles ({sum(len(d.text) for d in speed_docs):,} characters), "
          f"best of {rounds}")


def disagreements(docs: list[Doc], found: dict[str, Splitter]) -> None:
    for doc in docs:
        got = {name: boundaries(split_spans(s, doc.text)) for name, s in found.items()}
        if doc.gold is not None:
            got["GOLD"] = doc.gold
        union = set().union(*got.values())
        for b in sorted(union):
            have = [n for n, g in got.items() if b in g]
            if len(have) == len(got):
                continue
            left = doc.text[max(0, b - 60):b].replace("\n", "⏎")
            right = doc.text[b:b + 40].replace("\n", "⏎")
            print(f"{doc.name}:{b} [{', '.join(have)}]\n    {left} ‖ {right}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trnews", type=Path, default=TRNEWS, help="TR-News texts directory")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--disagreements", choices=["hard", "seeds", "trnews"])
    args = ap.parse_args(argv)
    corpora, speed_docs = load(args.trnews)
    found = splitters()
    if args.disagreements:
        disagreements(corpora.get(args.disagreements, []), found)
        return 0
    table(corpora, speed_docs, found, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
