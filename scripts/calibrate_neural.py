#!/usr/bin/env python3
"""Fit the neural path's fix confidence (``"neural"`` in ``data/calibration.json``).

Tune-split documents only (``benchmarks/splits.py``): each is spun by the tuning profiles
(never ``heldout``) at rate 0.3, and restored by the neural path with every fix kept; a fix is
right when it restores a substitution exactly, wrong when it changes a word the spinner did
not touch (right place with a wrong guess is not a label, as in ``train_detector.py``). Honest
tune documents are restored too: each of their fixes is wrong. The logistic model reads the
fix's margin (gain plus prior, log10 as in ``Evidence``) and its source.

    python scripts/calibrate_neural.py [--docs 4] [--honest 6] [--model smollm2-135m]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.splits import TUNING_PROFILES, clean_docs  # noqa: E402
from scripts.train_detector import fit_logistic  # noqa: E402

SOURCES = ["idiom", "tortured", "thesaurus", "profile"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=4, help="tune documents per profile")
    ap.add_argument("--honest", type=int, default=6, help="honest tune documents")
    ap.add_argument("--model", default="smollm2-135m")
    args = ap.parse_args()

    import unspin

    docs = list(clean_docs("tune", args.docs * len(TUNING_PROFILES) + args.honest))
    xs: list[list[float]] = []
    ys: list[int] = []

    def add(fixes: list[unspin.Fix], truth: dict[tuple[int, int], str]) -> None:
        for f in fixes:
            want = truth.get((f.start, f.end))
            if want is not None and want != f.original.lower():
                continue
            ys.append(int(want is not None))
            xs.append(
                [f.evidence.lm_gain + f.evidence.channel]
                + [float(f.evidence.source == s) for s in SOURCES]
            )

    k = 0
    for prof in TUNING_PROFILES:
        for _, _, text in docs[k : k + args.docs]:
            sp = unspin.spin(text, profile=prof, rate=0.3, seed=11)
            r = unspin.restore(sp.text, model=args.model, min_confidence=0.0)
            add(r.fixes, {(s.start, s.end): s.original.lower() for s in sp.substitutions})
            print(f"{prof}: {len(ys)} fixes so far, {sum(ys)} right", file=sys.stderr)
        k += args.docs
    for _, _, text in docs[k:]:
        add(unspin.restore(text, model=args.model, min_confidence=0.0).fixes, {})
    print(f"honest: {len(ys)} fixes, {sum(ys)} right", file=sys.stderr)

    x, y = np.array(xs), np.array(ys, dtype=float)
    w, b, mean, scale = fit_logistic(x, y, l2=1e-1)
    a = float(w[0] / scale[0])
    offset = b - float(sum(w[i] * mean[i] / scale[i] for i in range(len(w))))
    path = ROOT / "src/unspin/data/calibration.json"
    cal = json.loads(path.read_text())
    cal["neural"] = {
        "a": a,
        "b": offset,
        "source_bias": {s: float(w[i + 1] / scale[i + 1]) for i, s in enumerate(SOURCES)},
        "document": 0.0,
        "model": args.model,
        "trained_on": f"{len(y)} proposed fixes, {int(y.sum())} correct (tune split)",
    }
    path.write_text(json.dumps(cal, indent=1) + "\n")
    print(json.dumps(cal["neural"], indent=1))


if __name__ == "__main__":
    main()
