#!/usr/bin/env python3
"""Build ``src/unspin/data/tortured.msgpack.gz``: substitution rules learned from real pairs.

The input is the *dev* split of the Problematic Paper Screener's tortured phrases
(``../shared/data/tortured-phrases/dev.tsv``, CC BY 4.0, G. Cabanac, C. Labbé, A. Magazinov).
Each pair such as ``counterfeit consciousness -> artificial intelligence`` is kept whole and is
also broken into word-level rules (``counterfeit -> artificial``, ``consciousness ->
intelligence``) by aligning the two phrases, so that unseen combinations of known
substitutions also restore. Rules carry their support (pairs and papers). The test split is
never read here.

    python scripts/build_rules.py [--dev PATH]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin import datafile  # noqa: E402
from unspin.rules import TORTURED_FORMAT, TORTURED_VERSION  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "data" / "tortured-phrases" / "dev.tsv"
_NOTE = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")


def clean_phrase(text: str) -> list[str] | None:
    """Lowercased words of a phrase without curator notes, or None if it is not plain words."""
    text = _NOTE.sub(" ", text).split("/")[0].strip().lower()
    words = text.replace("-", " - ").split()
    words = [w for w in words if w != "-"]
    if not words or not all(_WORD.match(w) for w in words):
        return None
    return words


def align(spun: list[str], orig: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Word-level substitution units of one pair, from a difflib alignment."""
    units = []
    sm = difflib.SequenceMatcher(a=spun, b=orig, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            continue
        a, b = spun[i1:i2], orig[j1:j2]
        if len(a) == len(b):
            units += [((x,), (y,)) for x, y in zip(a, b, strict=True) if x != y]
        else:
            units.append((tuple(a), tuple(b)))
    return units


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dev", default=str(DEFAULT_DEV))
    ap.add_argument("-o", "--out", default=str(ROOT / "src/unspin/data/tortured.msgpack.gz"))
    args = ap.parse_args()
    if "test" in Path(args.dev).name:
        sys.exit("refusing to build rules from a test split")

    phrases: dict[str, list[object]] = {}
    words: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    with open(args.dev, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            spun = clean_phrase(row["tortured_phrase"])
            orig = clean_phrase(row["expected_phrase"])
            if not spun or not orig or spun == orig:
                continue
            papers = int(row["nb_papers"]) if row["nb_papers"].strip().isdigit() else 0
            key = " ".join(spun)
            if key not in phrases:
                phrases[key] = [" ".join(orig), papers]
            for a, b in align(spun, orig):
                w = words[(" ".join(a), " ".join(b))]
                w[0] += 1
                w[1] += papers
    word_rules: dict[str, list[list[object]]] = defaultdict(list)
    for (a, b), (n, papers) in sorted(words.items(), key=lambda kv: (-kv[1][0], kv[0])):
        word_rules[a].append([b, n, papers])
    payload = {"phrases": phrases, "words": dict(word_rules)}
    datafile.write(
        args.out,
        TORTURED_FORMAT,
        TORTURED_VERSION,
        payload,
        source="Problematic Paper Screener tortured phrases, dev split, CC BY 4.0 "
        "(Cabanac, Labbé, Magazinov 2021)",
    )
    print(f"wrote {args.out}: {len(phrases):,} phrases, {len(words):,} word rules", file=sys.stderr)


if __name__ == "__main__":
    main()
