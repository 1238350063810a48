#!/usr/bin/env python3
"""Broken-collocation benchmark: dev recall, false alarms on honest text, speed.

Recall: each dev-split tortured phrase in the carrier sentence "In this paper, the {} is
studied on two data sets."; flagged when a hit overlaps the phrase, exact when the carrier
with the hits applied equals the carrier with the expected phrase (annotations such as
"(BI)" removed, lowercased). False alarms: hits per 1,000 words and the share of documents
with a hit on tune-split honest text of each kind (technical: a seeded sample). Speed: words
per second of ``find`` on the honest text, one core, after a warm-up document. The
tortured-phrase test split is never read here. Prints only; writes nothing.

    python benchmarks/bench_collocations.py [--technical-docs 600]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import write_section  # noqa: E402
from benchmarks.corpus import documents  # noqa: E402
from benchmarks.splits import split_of  # noqa: E402
from unspin import collocations  # noqa: E402

DEV = Path("/work/shared/data/tortured-phrases/dev.tsv")
CARRIER = "In this paper, the {} is studied on two data sets."
KINDS = ("news", "prose", "technical", "legal")
THRESHOLDS = (0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)


def clean(phrase: str) -> str:
    return " ".join(re.sub(r"\(.*?\)|\[.*?\]", " ", phrase).lower().split())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--technical-docs", type=int, default=600)
    args = ap.parse_args()
    low = collocations.Settings(threshold=min(THRESHOLDS))
    default = collocations.DEFAULT.threshold

    # dev recall: for each phrase, the hits overlapping it (at the lowest threshold)
    dev: list[tuple[str, str, list[collocations.Hit]]] = []
    with open(DEV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            phrase = row["tortured_phrase"]
            text = CARRIER.format(phrase)
            a = CARRIER.index("{}")
            b = a + len(phrase)
            hits = [h for h in collocations.find(text, low) if h.start < b and h.end > a]
            dev.append((text, CARRIER.format(clean(row["expected_phrase"])).lower(), hits))

    def dev_at(t: float) -> tuple[float, float]:
        flagged = exact = 0
        for text, target, hits in dev:
            kept = [h for h in hits if h.strength >= t]
            if not kept:
                continue
            flagged += 1
            out = text
            for h in sorted(kept, key=lambda h: -h.start):
                out = out[: h.start] + h.suggestion + out[h.end :]
            exact += out.lower() == target
        return flagged / len(dev), exact / len(dev)

    # honest text
    honest: dict[str, list[str]] = {}
    for kind in KINDS:
        # the weights were fitted against tune-split honest text: false alarms on eval
        docs = [d.text for d in documents(kind, None) if split_of(d.id) == "eval"]
        if kind == "technical":
            random.Random(0).shuffle(docs)
            docs = docs[: args.technical_docs]
        honest[kind] = docs
    strengths: dict[str, list[list[float]]] = {}
    words: dict[str, int] = {}
    for kind, docs in honest.items():
        strengths[kind] = [[h.strength for h in collocations.find(d, low)] for d in docs]
        words[kind] = sum(len(d.split()) for d in docs)

    lines = [
        f"Dev tortured phrases ({len(dev)}, the data the weights were fitted on: optimistic) in "
        f'the sentence "{CARRIER}"; honest eval-split words: {words}. Honest cells: hits per '
        "1,000 words, share of documents with a hit.",
        "",
        "| threshold | dev flagged | dev exact | " + " | ".join(KINDS) + " |",
        "|---" * (3 + len(KINDS)) + "|",
    ]
    for t in THRESHOLDS:
        rec, ex = dev_at(t)
        cells = []
        for kind in KINDS:
            n = sum(1 for doc in strengths[kind] for s in doc if s >= t)
            d = sum(1 for doc in strengths[kind] if any(s >= t for s in doc))
            cells.append(f"{1000 * n / words[kind]:.2f}, {d / len(strengths[kind]):.0%}")
        mark = " (default)" if t == default else ""
        lines.append(f"| {t:.1f}{mark} | {rec:.1%} | {ex:.1%} | " + " | ".join(cells) + " |")

    # speed at the default, cold caches of the scorer (the LM memo stays warm)
    collocations._scorer.cache_clear()
    texts = [d for docs in honest.values() for d in docs]
    collocations.find(texts[0])
    collocations._scorer.cache_clear()
    total = sum(len(d.split()) for d in texts)
    t0 = time.perf_counter()
    for d in texts:
        collocations.find(d)
    dt = time.perf_counter() - t0
    lines += ["", f"Speed at the default: {total / dt:,.0f} words/s ({total} words, {dt:.1f} s, "
              "one core, context-model memo warm)."]
    body = "\n".join(lines)
    write_section(
        "collocations",
        "Broken collocations (detect --collocations)",
        f"python benchmarks/bench_collocations.py --technical-docs {args.technical_docs}",
        body,
    )
    print(body)


if __name__ == "__main__":
    main()
