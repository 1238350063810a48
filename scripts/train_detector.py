#!/usr/bin/env python3
"""Fit the detector (``src/unspin/data/detector.json``) and the fix calibration
(``src/unspin/data/calibration.json``) on the *tune* split only.

Positives are tune-split documents spun by the tuning profiles (filler, thesaurus,
papermill; never the held-out profile) at several rates; negatives are the same documents
unspun. Texts are cut to several lengths (50, 100, 200 words and whole) so that the model
sees short texts too. Both models are logistic regressions over standardised features,
fitted by Newton's method with a small L2 penalty; the feature list is in
``unspin.detector.FEATURES`` and ``CHEAP_FEATURES``.

The calibration of fix confidence is fitted on the same spins: a proposed fix is correct
when it restores a substitution the spinner made exactly, and wrong when it changes a word
the spinner did not touch; a wrong guess at a spun word (whose original the channel cannot
reach) is left out of the fit.

    python scripts/train_detector.py [--docs 120]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.splits import TUNING_PROFILES, clean_docs, window  # noqa: E402

LENGTHS = (50, 100, 200, 0)  # 0: the whole document
RATES = (0.15, 0.3, 0.5)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-2
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = (z * (p * (1 - p))[:, None]).T @ z + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, scale


def model_json(
    names: tuple[str, ...],
    w: np.ndarray,
    b: float,
    mean: np.ndarray,
    scale: np.ndarray,
    threshold: float,
) -> dict[str, object]:
    return {
        "weights": {k: float(v) for k, v in zip(names, w, strict=True)},
        "bias": b,
        "mean": {k: float(v) for k, v in zip(names, mean, strict=True)},
        "scale": {k: float(v) for k, v in zip(names, scale, strict=True)},
        "threshold": threshold,
    }


def few_false_alarms(model: Any, names: tuple[str, ...], rows: list[list[float]],
                     labels: list[int], min_words: int = 0) -> float:
    """False alarms matter most: the default threshold keeps at most 1% of the honest tune
    texts (of at least ``min_words`` words) above it, and is never below 0.5."""
    log_min = math.log(max(min_words, 1))
    k = names.index("log_words")
    honest = sorted(model.prob(dict(zip(names, r, strict=True)))
                    for r, lab in zip(rows, labels, strict=True) if lab == 0 and r[k] >= log_min)
    q99 = honest[min(len(honest) - 1, int(0.99 * len(honest)))]
    return round(max(0.5, q99), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=120, help="tune-split documents to use")
    args = ap.parse_args()

    import unspin
    from unspin import calibration
    from unspin import evidence as detector
    from unspin.restorer import analyse, default_channel, iter_fixes

    rng = random.Random(0)
    texts: list[tuple[str, list, int]] = []  # type: ignore[type-arg]
    first_pass: dict[int, list] = {}  # type: ignore[type-arg]
    rows, cheap_rows, labels = [], [], []
    cal_x: list[list[float]] = []
    cal_y: list[int] = []
    sources = ["idiom", "tortured", "thesaurus", "profile"]
    # every kind of honest text, so that technical and legal prose are not mistaken for spin
    docs = list(clean_docs("tune", args.docs, kinds=("news", "prose", "technical", "legal")))
    print(f"{len(docs)} tune documents", file=sys.stderr)
    for k, (_doc_id, _kind, text) in enumerate(docs):
        length = LENGTHS[k % len(LENGTHS)]
        clean = window(text, length, k) if length else text
        profile = TUNING_PROFILES[k % len(TUNING_PROFILES)]
        rate = rng.choice(RATES)
        spun = unspin.spin(clean, profile=profile, rate=rate, seed=k)
        truth = {(s.start, s.end): s.original.lower() for s in spun.substitutions}
        for txt, label in ((clean, 0), (spun.text, 1)):
            blocks = list(analyse(txt, default_channel()))
            fixes = [f for b in blocks for f in b.fixes]
            first_pass[len(texts)] = [e for b in blocks for e in b.evidence]
            texts.append((txt, fixes, label))
            for f in fixes:
                want = truth.get((f.start, f.end)) if label == 1 else None
                # right place, wrong guess: the word was spun and the original is not
                # recoverable from it; neither a correct fix nor damage, so not a label
                cal_y.append(
                    -1 if want is not None and want != f.original.lower() else int(want is not None)
                )
        if k % 20 == 0:
            print(f"  {k}/{len(docs)}", file=sys.stderr)

    # Fixes proposed with a learned farm profile: learn from some tune documents spun with one
    # key, restore others spun with the same key (for the calibration of 'profile' fixes).
    from unspin.restorer import channel_for

    profiled: list[tuple[str, list, int]] = []  # type: ignore[type-arg]
    for j, prof in enumerate(TUNING_PROFILES):
        farm = docs[j :: len(TUNING_PROFILES)][:40]
        key = 1000 + j
        learned = unspin.learn(
            [unspin.spin(t, profile=prof, rate=0.3, seed=key).text for _, _, t in farm[:20]],
            name=f"tune-{prof}",
        )
        ch = channel_for(learned)
        for _, _, t in farm[20:]:
            sp = unspin.spin(t, profile=prof, rate=0.3, seed=key)
            truth = {(s.start, s.end): s.original.lower() for s in sp.substitutions}
            fixes = list(iter_fixes(sp.text, ch))
            profiled.append((sp.text, fixes, 1))
            for f in fixes:
                want = truth.get((f.start, f.end))
                cal_y.append(
                    -1 if want is not None and want != f.original.lower() else int(want is not None)
                )
    print(f"{len(profiled)} texts restored with learned profiles", file=sys.stderr)

    # 1. The detector, on the first pass's margin features (no confidences involved).
    for k, (txt, _fixes, label) in enumerate(texts):
        evs = first_pass[k]
        rows.append([detector.features(txt, evs)[f] for f in detector.FEATURES])
        cheap_rows.append([detector.cheap_features(txt)[f] for f in detector.CHEAP_FEATURES])
        labels.append(label)
    y = np.array(labels, dtype=float)
    out = {
        "version": 1,
        "trained_on": f"{len(docs)} tune-split documents, profiles "
        f"{', '.join(TUNING_PROFILES)}, rates {RATES}",
    }
    w, b, mean, scale = fit_logistic(np.array(rows), y)
    out["full"] = model_json(detector.FEATURES, w, b, mean, scale, 0.5)
    full = detector.Model(**out["full"])  # type: ignore[arg-type]
    # documents and short texts get their own thresholds: short texts are noisier
    out["full"]["threshold"] = few_false_alarms(full, detector.FEATURES, rows, labels,
                                                min_words=detector.LONG_TEXT_WORDS)
    out["full"]["threshold_short"] = few_false_alarms(full, detector.FEATURES, rows, labels)
    print(f"threshold {out['full']['threshold']}", file=sys.stderr)
    w, b, mean, scale = fit_logistic(np.array(cheap_rows), y)
    out["cheap"] = model_json(detector.CHEAP_FEATURES, w, b, mean, scale, 0.5)
    cheap = detector.Model(**out["cheap"])  # type: ignore[arg-type]
    out["cheap"]["threshold"] = few_false_alarms(cheap, detector.CHEAP_FEATURES, cheap_rows, labels)
    (ROOT / "src/unspin/data/detector.json").write_text(json.dumps(out, indent=1) + "\n")

    # 2. Fix calibration: sigmoid(a * margin + b + bias[source] + d * document logit).
    for k, (txt, fixes, _label) in enumerate(texts + profiled):
        evs = first_pass.get(k, [f.evidence for f in fixes])
        doc_logit = full.logit(detector.features(txt, evs)) if evs else 0.0
        doc_logit = max(
            -calibration.DOCUMENT_LOGIT_CLIP, min(calibration.DOCUMENT_LOGIT_CLIP, doc_logit)
        )
        for f in fixes:
            cal_x.append(
                [detector.margin(f.evidence), doc_logit]
                + [float(f.evidence.source == s) for s in sources]
            )
    keep = np.array(cal_y) >= 0
    cx, cy = np.array(cal_x)[keep], np.array(cal_y, dtype=float)[keep]
    cw, cb, cmean, cscale = fit_logistic(cx, cy, l2=1e-1)
    a = float(cw[0] / cscale[0])
    d = float(cw[1] / cscale[1])
    offset = cb - float(sum(cw[i] * cmean[i] / cscale[i] for i in range(len(cw))))
    bias = {s: float(cw[i + 2] / cscale[i + 2]) for i, s in enumerate(sources)}
    cal = {
        "version": 1,
        "a": a,
        "b": offset,
        "source_bias": bias,
        "document": d,
        "trained_on": f"{len(cy)} proposed fixes, {int(cy.sum())} correct",
    }
    (ROOT / "src/unspin/data/calibration.json").write_text(json.dumps(cal, indent=1) + "\n")
    print(json.dumps(cal, indent=1), file=sys.stderr)
    print(f"detector: {int(y.sum())} spun, {int(len(y) - y.sum())} clean texts", file=sys.stderr)


if __name__ == "__main__":
    main()
