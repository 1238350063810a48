#!/usr/bin/env python3
"""Detect with and without the neural feature, on the same eval-split blocks.

Blocks of 300 words (one detector block) from eval-split documents: honest ones of four kinds,
and spun ones under every emulator profile (``heldout`` too, never used to tune anything) at
light rates, where the trigram detector is weakest (a few swaps per hundred words, no
fillers). Each block is scored by ``unspin.detect(model="trigram")`` and by the neural
detector (``detector.fusion()``: the trigram score fused with the neural restorer's fixes,
for blocks from its ``cascade_from`` up). AUC per profile, false alarms per honest kind at
the default thresholds, and what the cascade costs.

The neural restorer's fixes of each block are kept in ``--rows`` (a rerun resumes; delete it
when the restorer changes); the fused score is computed from them with the shipped fusion,
and checked against ``unspin.detect(text, model=...)`` itself on a few blocks.

    python benchmarks/bench_detect_neural.py [--docs 4] [--honest 10] [--model smollm2-135m]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402
from benchmarks.bench_detect import auc, wilson  # noqa: E402
from benchmarks.light_blocks import KINDS, RATES, WINDOW, blocks, gather  # noqa: E402
from benchmarks.splits import EVAL_PROFILES  # noqa: E402

SEED = 13  # the spinner's key for the eval blocks


def one_window(text: str) -> bool:
    """Whether detect() reads ``text`` as one window of all its paragraphs."""
    from unspin.detector import MIN_REPEAT_WORDS, WINDOW_WORDS
    from unspin.text import paragraphs, word_norms

    seen = set()
    for _, para in paragraphs(text):
        if len(word_norms(para)) >= MIN_REPEAT_WORDS:
            if para in seen:
                return False
            seen.add(para)
    return len(word_norms(text)) < WINDOW_WORDS * 3 // 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=4, help="spun blocks per profile and rate")
    ap.add_argument("--honest", type=int, default=10, help="honest blocks per kind")
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--rows", type=Path, default=ROOT / "bench-out/bench-detect-neural-rows.jsonl")
    ap.add_argument(
        "--check",
        type=int,
        default=3,
        help="blocks whose fused score is checked against unspin.detect itself",
    )
    ap.add_argument("--no-write", action="store_true", help="print, do not update the doc")
    args = ap.parse_args()
    os.environ.setdefault("UNSPIN_THREADS", "1")

    import unspin
    from unspin import detector, evidence

    fz = detector.fusion()
    if fz.fitted_with != args.model:
        sys.exit(f"the shipped neural detector was fitted with {fz.fitted_with}, not {args.model}")
    todo = blocks("eval", args.honest, args.docs, EVAL_PROFILES, SEED)
    rows = gather(todo, args.rows, args.model, fz.cascade_from)
    if any(r["trigram"] >= fz.cascade_from and not r["read"] for r in rows):
        sys.exit(f"{args.rows} was gathered for another cascade: delete it and rerun")
    tri_model = evidence.model("full")

    # A block of one window with no repeated paragraph is scored from its row exactly as
    # detect() scores it (checked below on a few); any other block (detect then counts a
    # repeated paragraph once, or cuts windows) is scored by unspin.detect itself.
    product: dict[str, float] = {}
    for (_, _, _, text), r in zip(todo, rows, strict=True):
        if r["trigram"] >= fz.cascade_from and not one_window(text):
            product[r["id"]] = unspin.detect(text, model=args.model).score

    def fused(r: dict[str, Any]) -> tuple[float, bool]:
        if r["trigram"] >= fz.cascade_from and r["words"] >= fz.min_words:
            if r["id"] in product:
                return product[r["id"]], True
            x = detector.fusion_features(r["trigram"], r["fixes"], r["words"])
            return fz.score(x, r["trigram"], tri_model.threshold), True
        return r["trigram"], False

    # the product itself gives the same scores
    checked = 0
    for (_, _, _, text), r in zip(todo, rows, strict=True):
        if checked >= args.check or r["trigram"] < fz.cascade_from or r["id"] in product:
            continue
        d = unspin.detect(text, model=args.model)
        want, _ = fused(r)
        if abs(d.score - want) > 2e-3:
            sys.exit(f"bench and unspin.detect disagree on {r['id']}: {want:.4f} vs {d.score:.4f}")
        checked += 1

    def label(r: dict[str, Any], neural: bool) -> bool:
        return (fused(r)[0] if neural else r["trigram"]) >= tri_model.threshold

    neg = [r for r in rows if r["label"] == 0]
    out_rows = []
    for prof in EVAL_PROFILES:
        pos = [r for r in rows if r["label"] == 1 and r["kind"] == prof]
        a_tri = auc([r["trigram"] for r in pos], [r["trigram"] for r in neg])
        a_fus = auc([fused(r)[0] for r in pos], [fused(r)[0] for r in neg])
        out_rows.append(
            [
                prof + (" (held out)" if prof == "heldout" else ""),
                len(pos),
                f"{a_tri:.3f}",
                f"{a_fus:.3f}",
                f"{sum(label(r, False) for r in pos) / len(pos):.0%}",
                f"{sum(label(r, True) for r in pos) / len(pos):.0%}",
            ]
        )
    fa_rows = []
    for kind in KINDS:
        hs = [r for r in neg if r["kind"] == kind]
        k_tri = sum(label(r, False) for r in hs)
        k_fus = sum(label(r, True) for r in hs)
        fa_rows.append(
            [
                kind,
                len(hs),
                f"{k_tri / len(hs):.1%}",
                f"{k_fus / len(hs):.1%}",
                "{:.0%}-{:.0%}".format(*wilson(k_fus, len(hs))),
                f"{sum(fused(r)[1] for r in hs) / len(hs):.0%}",
            ]
        )
    read = [r for r in rows if fused(r)[1]]
    words_read = sum(r["words"] for r in read)
    secs = sum(r["seconds_neural"] for r in read)
    tri_secs = sum(r["seconds_trigram"] for r in rows)
    all_words = sum(r["words"] for r in rows)
    body = (
        f"Eval-split blocks of {WINDOW} words: {len(neg)} honest ({', '.join(KINDS)}) and "
        f"{len(rows) - len(neg)} spun by every profile at light rates {RATES}. 'trigram': "
        "`unspin.detect(model='trigram')`; 'neural': the neural detector (the trigram score "
        f"fused with the {args.model} restorer's fixes in the block, for blocks from a trigram "
        f"score of {fz.cascade_from} up; checked equal to `unspin.detect(model=...)` on "
        f"{checked} blocks, and {len(product)} blocks with a repeated paragraph scored by "
        "it; mapped onto the trigram's scale, never below the trigram score). "
        f"Labels at the default threshold ({tri_model.threshold}).\n\n"
        + table(
            ["profile", "blocks", "AUC trigram", "AUC neural", "recall trigram", "recall neural"],
            out_rows,
        )
        + "\n\nFalse alarms on the honest blocks (95% interval of the neural rate; small "
        "samples: the fitted thresholds keep at most 1% of each honest kind of the tune split "
        "above them):\n\n"
        + table(
            [
                "kind",
                "blocks",
                "false alarms trigram",
                "false alarms neural",
                "(95%)",
                "read by the model",
            ],
            fa_rows,
        )
        + f"\n\nCost (1 thread): the trigram detector {all_words / max(tri_secs, 1e-9):.0f} "
        f"words/s; the model reads {len(read)}/{len(rows)} blocks "
        f"({sum(fused(r)[1] for r in neg)}/{len(neg)} honest), at "
        f"{words_read / max(secs, 1e-9):.1f} words/s. Target (issue 11): AUC >= 0.99 with "
        "<= 1% false alarms on every honest kind."
    )
    print(body)
    if not args.no_write:
        write_section(
            "detect-neural",
            "Detect: the neural feature (light spinners)",
            "python benchmarks/bench_detect_neural.py",
            body,
        )


if __name__ == "__main__":
    main()
