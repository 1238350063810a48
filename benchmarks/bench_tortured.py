#!/usr/bin/env python3
"""Restore the tortured phrases of the *test* split, which no part of unspin was built from.

Each test phrase is restored bare and inside a neutral carrier sentence; a phrase counts as
restored when the output equals the expected wording exactly (case, hyphens and curator
notes aside). The baseline is the known-phrase list itself (the dev split, as the Problematic
Paper Screener uses it): by construction it knows none of the test phrases.

    python benchmarks/bench_tortured.py [--limit N] [--model trigram|smollm2-135m|gemma3-270m]

The trigram path by default (its own section); a neural ``--model`` writes a section of its own
(it reads about ten words a second: use ``--limit``).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import table, write_section  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tortured-phrases"
CARRIER = "In this paper, the {} is studied on two data sets."
# A paragraph of five carrier sentences, each with its own test phrase: what a paper-mill
# abstract looks like to the restorer (the document's evidence that it is spun is there)
PARAGRAPH = (
    CARRIER,
    "We describe how the {} was applied in our experiments.",
    "The results show that the {} improves on earlier work.",
    "Previous studies have examined the {} in some detail.",
    "The {} is discussed further in the next section.",
)
_NOTE = re.compile(r"\([^)]*\)")


def norm(text: str) -> str:
    text = _NOTE.sub(" ", text).split("/")[0]
    return " ".join(text.lower().replace("-", " ").split())


def load(name: str) -> list[tuple[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return [
            (r["tortured_phrase"], r["expected_phrase"]) for r in csv.DictReader(f, delimiter="\t")
        ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", default="trigram", help="context model (unspin.lm.resolve)")
    args = ap.parse_args()

    import unspin

    test = load("test.tsv")[: args.limit]
    dev_phrases = {norm(s) for s, _ in load("dev.tsv")}
    n = len(test)
    bare_ok = carrier_ok = flagged = 0
    leaked = sum(1 for s, _ in test if norm(s) in dev_phrases)
    examples: list[list[object]] = []
    t0 = time.perf_counter()
    for spun, expected in test:
        exp = norm(expected)
        r = unspin.restore(spun, min_confidence=0.5, model=args.model)
        bare_ok += norm(r.text) == exp
        sent = CARRIER.format(spun)
        rs = unspin.restore(sent, min_confidence=0.5, model=args.model)
        ok = norm(rs.text) == norm(CARRIER.format(exp))
        carrier_ok += ok
        flagged += bool(rs.fixes)
        if len(examples) < 12 and len(spun.split()) > 1:
            examples.append([spun, expected, r.text, "yes" if ok else "no"])
    para_ok, para_flagged = paragraphs(test, args.model)
    dt = time.perf_counter() - t0
    rows = [
        ["unspin restore, bare phrase", f"{bare_ok / n:.1%}", ""],
        ["unspin restore, in a carrier sentence", f"{carrier_ok / n:.1%}", f"{flagged / n:.1%}"],
        [
            f"unspin restore, in a paragraph of {len(PARAGRAPH)} such sentences",
            f"{para_ok / n:.1%}",
            f"{para_flagged / n:.1%}",
        ],
        ["known-phrase list (dev split), any context", f"{leaked / n:.1%}", f"{leaked / n:.1%}"],
    ]
    body = (
        f"Context model: {args.model}. "
        f"{n} test-split pairs (evaluation only; never trained on, never shipped); "
        f'{leaked} of them also occur in the dev split. Carrier: "{CARRIER}"; a paragraph '
        f"puts {len(PARAGRAPH)} test phrases one after another into these carriers: "
        + " ".join(f'"{c}"' for c in PARAGRAPH[1:])
        + ". "
        f"min_confidence 0.5. {dt:.1f} s.\n\n"
        + table(["method", "restored exactly", "any fix proposed (flagged)"], rows)
        + "\n\nFirst multi-word examples (spun, expected, bare restoration, carrier exact):\n\n"
        + table(["tortured", "expected", "restored", "exact"], examples)
        + "\n\nTarget: at least 60% exact."
    )
    cmd = "python benchmarks/bench_tortured.py" + (f" --limit {args.limit}" if args.limit else "")
    if args.model == "trigram":
        write_section("tortured", "Restore: tortured phrases (test split)", cmd, body)
    else:
        write_section(
            f"tortured-{args.model}",
            f"Restore: tortured phrases (test split), neural model {args.model}",
            f"{cmd} --model {args.model}",
            body,
        )
    print(body)


def paragraphs(test: list[tuple[str, str]], model: str) -> tuple[int, int]:
    """Restore the test phrases five to a paragraph (``PARAGRAPH``): how many come out
    exactly, and how many got some fix, each judged in its own sentence."""
    import dataclasses

    import unspin

    ok = flagged = 0
    k = len(PARAGRAPH)
    for i in range(0, len(test), k):
        group = test[i : i + k]
        sentences = [PARAGRAPH[j].format(spun) for j, (spun, _) in enumerate(group)]
        text = " ".join(sentences)
        fixes = unspin.restore(text, min_confidence=0.5, model=model).fixes
        start = 0
        for j, (sentence, (_, expected)) in enumerate(zip(sentences, group, strict=True)):
            end = start + len(sentence)
            mine = [
                dataclasses.replace(f, start=f.start - start, end=f.end - start)
                for f in fixes
                if start <= f.start and f.end <= end
            ]
            restored = unspin.apply_fixes(sentence, mine)
            ok += norm(restored) == norm(PARAGRAPH[j].format(expected))
            flagged += bool(mine)
            start = end + 1
    return ok, flagged


if __name__ == "__main__":
    main()
