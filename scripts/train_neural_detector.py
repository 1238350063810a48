#!/usr/bin/env python3
"""Fit the neural detector (``src/unspin/data/detector_neural.json``) on the tune split.

A block of text (``WINDOW`` words, one detector block) is scored by the trigram detector;
when a neural model is chosen, blocks from ``cascade_from`` up are also restored by the
neural path, and the summed confidence of its fixes per 100 words joins the trigram score's
log-odds in a small logistic model (:func:`unspin.detector.fusion_features`). Light spinners
(a few swaps per hundred words, no fillers) score like honest text on the trigram features;
the neural restorer finds their swaps with confidence, and honest text gets few sure fixes.

Data, tune split only (``benchmarks/splits.py``; the ``heldout`` profile is never used):
honest blocks of four kinds (news, prose, technical, legal) and blocks spun by the tuning
profiles at light rates (``RATES``). ``cascade_from`` keeps ``--recall`` of the spun blocks
above it (the rest stay with the trigram score, and most honest text never meets the model);
the fused model is fitted on the blocks above it; its threshold keeps at most 1% of every
honest kind above it. Rows are kept in ``--rows`` (one JSON line per block), so a rerun
resumes: delete that file when the restorer changes.

    python scripts/train_neural_detector.py [--honest 15] [--spun 5] [--model smollm2-135m]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.light_blocks import KINDS, RATES, WINDOW, blocks, gather  # noqa: E402
from benchmarks.splits import TUNING_PROFILES  # noqa: E402
from scripts.train_detector import auc, fit_logistic, model_json  # noqa: E402

LOG1P = {"neural_conf_per100": 1.0}
# rows are gathered for every block from this trigram score up; cascade_from is chosen above
GATHER_FROM = 0.05
SEED = 7  # the spinner's key for the tune blocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--honest", type=int, default=15, help="honest tune blocks per kind")
    ap.add_argument("--spun", type=int, default=5, help="spun blocks per profile and rate")
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument(
        "--recall",
        type=float,
        default=0.97,
        help="share of the spun blocks the cascade sends to the model",
    )
    ap.add_argument("--rows", type=Path, default=ROOT / "bench-out/neural-detector-rows.jsonl")
    ap.add_argument(
        "--cached-only",
        action="store_true",
        help="fit on the rows already in --rows (a run cut short)",
    )
    args = ap.parse_args()
    os.environ.setdefault("UNSPIN_THREADS", "2")

    from unspin import datafile
    from unspin.detector import (
        FUSION_FEATURES,
        NEURAL_DETECTOR_FILE,
        NEURAL_DETECTOR_FORMAT,
        Fusion,
        fusion_features,
    )
    from unspin.evidence import Model
    from unspin.evidence import model as detector_model

    trigram_threshold = detector_model("full").threshold
    if args.cached_only:
        rows = [json.loads(line) for line in args.rows.read_text().splitlines()]
    else:
        todo = blocks("tune", args.honest, args.spun, TUNING_PROFILES, SEED)
        rows = gather(todo, args.rows, args.model, GATHER_FROM)
    rows = [{**r, **fusion_features(r["trigram"], r["fixes"], r["words"])} for r in rows]
    y = np.array([r["label"] for r in rows])
    tri = np.array([r["trigram"] for r in rows])
    cascade_from = max(GATHER_FROM, float(np.quantile(tri[y == 1], 1.0 - args.recall)))
    cascade_from = math.floor(cascade_from * 100) / 100
    # as detect() does: blocks from cascade_from up, of min_words or more, are fused
    above = (tri >= cascade_from) & (np.array([r["words"] for r in rows]) >= WINDOW // 2)
    reader = Model({}, 0.0, {}, {}, 0.5, log1p=LOG1P)
    x = np.array([[reader.value(k, r) for k in FUSION_FEATURES] for r in rows])
    sw = np.where(y == 1, (y == 0).sum() / max(1, (y == 1).sum()), 1.0)
    w, b, mean, scale = fit_logistic(x[above], y[above], weight=sw[above])
    if w[0] < 0:
        # Among the blocks the model reads, the honest ones the trigram finds most suspect
        # (licences, kernel docs) outnumber the spun ones: the fit then turns the trigram's
        # evidence against spinning. A score must never fall as the trigram's evidence
        # rises (heavy spinners, unseen profiles): fit on the neural feature alone.
        w1, b, mean1, scale1 = fit_logistic(x[above][:, 1:], y[above], weight=sw[above])
        w = np.concatenate([[0.0], w1])
        mean, scale = np.concatenate([[0.0], mean1]), np.concatenate([[1.0], scale1])
    fused = model_json(tuple(FUSION_FEATURES), w, b, mean, scale, 0.5, LOG1P)
    # its threshold is set on Fusion.fused (above the cascade; the trigram's score below it)
    fz = Fusion(Model(**fused), cascade_from, args.model, WINDOW // 2)
    score = np.array([fz.fused(r) if a else r["trigram"] for r, a in zip(rows, above, strict=True)])
    kinds = np.array([r["kind"] for r in rows])
    threshold = max(
        float(np.quantile(score[(y == 0) & (kinds == k)], 0.99, method="higher")) for k in KINDS
    )
    fused["threshold"] = round(min(0.999, threshold + 1e-4), 4)
    print(
        f"cascade_from {cascade_from}: {above[y == 0].mean():.0%} of honest blocks read, "
        f"{above[y == 1].mean():.0%} of spun",
        file=sys.stderr,
    )
    print(
        f"weights {dict(zip(FUSION_FEATURES, w.round(3), strict=True))}, threshold "
        f"{fused['threshold']}",
        file=sys.stderr,
    )
    # what detect() reports: the fused score on the trigram's scale, never below the trigram
    fz = Fusion(Model(**fused), cascade_from, args.model, WINDOW // 2)
    final = np.array(
        [
            fz.score(r, r["trigram"], trigram_threshold) if a else r["trigram"]
            for r, a in zip(rows, above, strict=True)
        ]
    )
    print(
        f"in-sample AUC: trigram {auc(list(tri[y == 1]), list(tri[y == 0])):.3f}, "
        f"neural detector {auc(list(final[y == 1]), list(final[y == 0])):.3f}",
        file=sys.stderr,
    )
    for kind in (*KINDS, *TUNING_PROFILES):
        print(
            f"  {kind:10s} called spun: {np.mean(final[kinds == kind] >= trigram_threshold):.0%} "
            f"(trigram alone {np.mean(tri[kinds == kind] >= trigram_threshold):.0%})",
            file=sys.stderr,
        )
    datafile.write_json(
        ROOT / "src/unspin/data" / NEURAL_DETECTOR_FILE,
        NEURAL_DETECTOR_FORMAT,
        1,
        {
            "model": args.model,
            "cascade_from": cascade_from,
            "min_words": WINDOW // 2,
            "fused": fused,
            "trained_on": f"{int((y == 0).sum())} honest and {int((y == 1).sum())} spun "
            f"tune-split blocks of {WINDOW} words ({', '.join(KINDS)}; profiles "
            f"{', '.join(TUNING_PROFILES)} at rates {RATES}), {args.model}",
        },
    )


if __name__ == "__main__":
    main()
