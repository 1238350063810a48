#!/usr/bin/env python3
"""The real development set: in-the-wild spun excerpts restored by hand.

``../shared/data/in-the-wild/spun-news.jsonl`` holds real spun news excerpts whose originals
were not found (third-party text, kept outside this repository). We restored all five by
hand, undoing the spinner's swaps only (a careful editor's restoration; machine-translation
errors are left as they are), and keep here only the edits: for each excerpt, the sha256 of
its spun text and, over its whitespace-separated words, which word ranges become which words
(``data/devset-edits.json``). This script applies them and writes spun/original pairs in the
format of ``spun-news-pairs.jsonl``, for ``bench_real.py --dev``.

This is the set the restorer may be tuned on: the spinner habits in ``data/idioms.tsv`` were
read off all five excerpts (n02 and n04 before their restorations were stored here). The real
pairs with found originals (``spun-news-pairs.jsonl``) are only measured.

    python benchmarks/devset.py [--out bench-out/dev-pairs.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT.parent / "shared" / "data" / "in-the-wild" / "spun-news.jsonl"
EDITS = Path(__file__).resolve().parent / "data" / "devset-edits.json"
DEFAULT_OUT = ROOT / "bench-out" / "dev-pairs.jsonl"


def apply_edits(spun: str, edits: list[tuple[int, int, str]]) -> str:
    """The spun text with each (first word, end word, replacement) applied; whitespace between
    untouched words is kept."""
    parts = re.split(r"(\s+)", spun)
    lead = parts[0] == ""
    words = parts[1::2] if lead else parts[0::2]
    seps = parts[2::2] if lead else parts[1::2]
    repl = {a: (b, r) for a, b, r in edits}
    out: list[str] = [parts[0]] if lead else []
    i = 0
    while i < len(words):
        if i in repl:
            end, text = repl[i]
            out.append(text)
            i = end
            if not text:  # words deleted: so is the space after them
                continue
        else:
            out.append(words[i])
            i += 1
        if i - 1 < len(seps):
            out.append(seps[i - 1])
    return "".join(out)


def pairs(wild: Path = WILD) -> list[dict[str, str]]:
    edits = json.loads(EDITS.read_text(encoding="utf-8"))
    found = {}
    for line in wild.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            found[rec["id"]] = rec["spun_text"]
    out = []
    for ex in edits["excerpts"]:
        spun = found.get(ex["id"])
        if spun is None or hashlib.sha256(spun.encode()).hexdigest() != ex["sha256"]:
            sys.exit(f"devset: {ex['id']} missing or changed in {wild}")
        original = apply_edits(spun, ex["edits"])
        out.append({"id": ex["id"], "family": "dev", "spun_text": spun, "original_text": original})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for p in pairs():
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(args.out)


if __name__ == "__main__":
    main()
