#!/usr/bin/env python3
"""check (is_spun) against detect: the cheap prefilter's recall of what detect labels spun.

Documents of the bench corpus (news and prose), honest and spun under each emulator profile
at rates 0.15-0.5 (every document in each form), are labelled by ``detect``; the cheap score
(:func:`unspin.detector.check_score`) of each is compared with that label. On the tune split
the threshold that keeps ``--recall`` of detect's spun texts is fitted; on the eval split the
recall, the share of detect-clean texts let through and the cost are measured at that
threshold and at the cheap model's own. ``--write-threshold`` stores the fitted threshold as
the cheap model's ``recall_threshold`` in data/detector.json (is_spun's default).

    python benchmarks/bench_check.py [--docs 60] [--recall 0.95] [--write-threshold]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402
from benchmarks.splits import EVAL_PROFILES, clean_docs  # noqa: E402

RATES = (0.15, 0.3, 0.5)


def labelled(split: str, n: int) -> list[tuple[str, float, float, float, bool]]:
    """(detect label, cheap score, detect seconds, check seconds, honest?) of each text."""
    from unspin.detector import check_score, detect
    from unspin.spinner import spin

    rng = random.Random(3)
    out = []
    for i, (_, _, text) in enumerate(clean_docs(split, n)):
        texts = [text] + [
            spin(text, profile=p, rate=rng.choice(RATES), seed=i).text for p in EVAL_PROFILES
        ]
        for t in texts:
            t0 = time.perf_counter()
            label = detect(t).label
            t1 = time.perf_counter()
            score = check_score(t)
            t2 = time.perf_counter()
            out.append((label, score, t1 - t0, t2 - t1, t is text))
    return out


Row = tuple[str, float, float, float, bool]


def recall_at(rows: list[Row], thr: float) -> tuple[float, float, float]:
    spun = [r for r in rows if r[0] == "spun"]
    clean = [r for r in rows if r[0] == "clean"]
    honest = [r for r in rows if r[4]]
    rec = sum(r[1] >= thr for r in spun) / max(len(spun), 1)
    passed = sum(r[1] >= thr for r in clean) / max(len(clean), 1)
    honest_passed = sum(r[1] >= thr for r in honest) / max(len(honest), 1)
    return rec, passed, honest_passed


def fit(rows: list[Row], recall: float) -> float:
    scores = sorted((r[1] for r in rows if r[0] == "spun"), reverse=True)
    if not scores:
        return 0.5
    k = min(len(scores) - 1, int(recall * len(scores)))
    return max(0.0, scores[k] - 1e-6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=60, help="documents per split")
    ap.add_argument("--recall", type=float, default=0.95)
    ap.add_argument("--write-threshold", action="store_true")
    args = ap.parse_args()

    from unspin import evidence

    cheap = evidence.model("cheap")
    tune = labelled("tune", args.docs)
    thr = round(fit(tune, args.recall), 4)
    ev = labelled("eval", args.docs)
    rows: list[list[object]] = []
    for name, t in (("cheap model's own threshold", cheap.threshold), ("fitted for recall", thr)):
        rec, passed, honest = recall_at(ev, t)
        rows.append([name, f"{t:.4f}", f"{rec:.1%}", f"{passed:.1%}", f"{honest:.1%}"])
    n_spun = sum(r[0] == "spun" for r in ev)
    n_clean = sum(r[0] == "clean" for r in ev)
    det_ms = 1000 * sum(r[2] for r in ev) / len(ev)
    chk_ms = 1000 * sum(r[3] for r in ev) / len(ev)
    body = (
        f"Eval split: {len(ev)} texts ({args.docs} documents, honest and spun under "
        f"{', '.join(EVAL_PROFILES)} at rates {RATES}); detect labelled {n_spun} spun and "
        f"{n_clean} clean. Recall is the share of detect's spun texts that check lets "
        "through; 'clean let through' is the share of detect's clean texts it lets through "
        "(the work left for detect), 'honest' the share of the unspun originals. "
        "Threshold fitted on the tune split for "
        f"{args.recall:.0%} recall.\n\n"
        + table(["threshold", "value", "recall vs detect", "clean let through",
                 "honest let through"], rows)
        + f"\n\nCost per text: check {chk_ms:.2f} ms, detect {det_ms:.1f} ms "
        f"({det_ms / max(chk_ms, 1e-9):.0f}x)."
    )
    print(body)
    if args.write_threshold:
        path = ROOT / "src" / "unspin" / "data" / "detector.json"
        from unspin import datafile
        from unspin.evidence import DETECTOR_FORMAT

        data = datafile.read_json(path, DETECTOR_FORMAT, 1, built_by="scripts/train_detector.py")
        data["cheap"]["recall_threshold"] = thr
        datafile.write_json(path, DETECTOR_FORMAT, 1, data)
        print(f"recall_threshold {thr} written to {path}", file=sys.stderr)
    write_section(
        "check",
        "check (is_spun) against detect",
        f"python benchmarks/bench_check.py --docs {args.docs} --recall {args.recall}"
        + (" --write-threshold" if args.write_threshold else ""),
        body,
    )


if __name__ == "__main__":
    main()
