#!/usr/bin/env python3
"""Fit the neural path's fix confidence (``"neural"`` in ``data/calibration.json``).

Tune-split documents only (``benchmarks/splits.py``): each is spun by the tuning profiles
(never ``heldout``) at a rate taken in turn from ``RATES`` (real content farms spin from a
word in six to every other word; the detector's log-odds, which rises with the rate, tells the
model how spun the document around a fix is), and restored by the neural path with every fix
kept; a fix is right when it restores a substitution exactly, wrong when it changes a word
the spinner did not touch (right place with a wrong guess is not a label, as in
``train_detector.py``). Honest tune documents are restored too: each of their fixes is wrong.
The logistic model reads the fix's margin (gain plus prior, log10 as in ``Evidence``), its
source, and the detector's log-odds that the fix's block is spun (fitted on this data, it
weighs little: the document's evidence already raises a fix's prior).

Documents are cut to windows of ``--words`` words (a news article's length), so that every
profile and honest text weighs alike.

    python scripts/calibrate_neural.py [--docs 9] [--honest 12] [--model smollm2-135m]
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

from benchmarks.splits import TUNING_PROFILES, clean_docs, window  # noqa: E402
from scripts.train_detector import fit_logistic  # noqa: E402

from unspin import datafile  # noqa: E402
from unspin.calibration import (  # noqa: E402
    DOCUMENT_LOGIT_CLIP,
    FORMAT,
    NEURAL_SOURCES,
    VERSION,
)

# The sources with their own offset are calibration.NEURAL_SOURCES; a source the data has too
# few of to fit (known names: synthetic spinners rarely swap two words of one) is read like a
# thesaurus neighbour, the reference level.
RATES = (0.15, 0.3, 0.5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=9, help="tune documents per profile")
    ap.add_argument("--honest", type=int, default=12, help="honest tune documents")
    ap.add_argument("--words", type=int, default=250, help="words per document window")
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--rows", type=Path, help="also save the labelled rows here (.npy)")
    args = ap.parse_args()

    import unspin
    from unspin.restorer import analyse, channel_for

    docs = list(clean_docs("tune", args.docs * len(TUNING_PROFILES) + args.honest))
    xs: list[list[float]] = []
    ys: list[int] = []
    channel = channel_for(None)

    def add(text: str, truth: dict[tuple[int, int], str]) -> None:
        for block in analyse(text, channel, model=args.model):
            doc = max(-DOCUMENT_LOGIT_CLIP, min(DOCUMENT_LOGIT_CLIP, block.logit))
            for f in block.fixes:
                want = truth.get((f.start, f.end))
                if want is not None and want != f.original.lower():
                    continue
                ys.append(int(want is not None))
                xs.append(
                    [f.evidence.lm_gain + f.evidence.channel, doc]
                    + [float(f.evidence.source == s) for s in NEURAL_SOURCES]
                )

    k = 0
    for prof in TUNING_PROFILES:
        for i, (_, _, text) in enumerate(docs[k : k + args.docs]):
            rate = RATES[i % len(RATES)]
            sp = unspin.spin(window(text, args.words, i), profile=prof, rate=rate, seed=11)
            add(sp.text, {(s.start, s.end): s.original.lower() for s in sp.substitutions})
            print(f"{prof}: {len(ys)} fixes so far, {sum(ys)} right", file=sys.stderr)
        k += args.docs
    for i, (_, _, text) in enumerate(docs[k:]):
        add(window(text, args.words, i), {})
    print(f"honest: {len(ys)} fixes, {sum(ys)} right", file=sys.stderr)

    x, y = np.array(xs), np.array(ys, dtype=float)
    if args.rows:
        np.save(args.rows, np.c_[x, y])
    w, b, mean, scale = fit_logistic(x, y, l2=1e-1)
    a = float(w[0] / scale[0])
    offset = b - float(sum(w[i] * mean[i] / scale[i] for i in range(len(w))))
    path = ROOT / "src/unspin/data/calibration.json"
    cal = datafile.read_json(path, FORMAT, VERSION, built_by="scripts/train_detector.py")
    cal["neural"] = {
        "a": a,
        "b": offset,
        "source_bias": {s: float(w[i + 2] / scale[i + 2]) for i, s in enumerate(NEURAL_SOURCES)},
        "document": float(w[1] / scale[1]),
        "model": args.model,
        "trained_on": f"{len(y)} proposed fixes, {int(y.sum())} correct (tune split)",
    }
    datafile.write_json(path, FORMAT, VERSION, cal)
    print(json.dumps(cal["neural"], indent=1))


if __name__ == "__main__":
    main()
