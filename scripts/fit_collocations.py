#!/usr/bin/env python3
"""Fit the broken-collocation score in ``src/unspin/collocations.py`` (prints WEIGHTS, BIAS).

Positives: alternatives that restore a pair of a dev-split tortured phrase to its expected
phrase (word by word, phrases of equal length). Negatives: every alternative proposed for
adjacent word pairs of tune-split honest text (news, prose, technical, legal; about 120k
words of each at most). Logistic regression by Newton's method with an L2 penalty; the
positives are up-weighted so that they carry 1/20 of the negatives' total weight. The test
split of tortured phrases is never read.

    python scripts/fit_collocations.py
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.corpus import documents  # noqa: E402
from benchmarks.splits import split_of  # noqa: E402

from unspin import collocations as C  # noqa: E402
from unspin.text import tokenize  # noqa: E402

DEV = Path("/work/shared/data/tortured-phrases/dev.tsv")
KINDS = ("news", "prose", "technical", "legal")
WORDS_PER_KIND = 120_000


def expected_words(phrase: str) -> list[str]:
    """The expected phrase without annotations such as '(BI)' or '[neural network]'."""
    return [t.norm for t in tokenize(re.sub(r"\(.*?\)|\[.*?\]", " ", phrase)) if t.is_word]


def main() -> None:
    if "test" in DEV.name:
        raise SystemExit("refusing to fit on a test split")
    sc = C._Scorer(C.get_model(), C.Settings())
    pos: list[tuple[float, ...]] = []
    with open(DEV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            phrase = row["tortured_phrase"]
            toks = tokenize(phrase)
            exp = expected_words(row["expected_phrase"])
            if len(exp) != len(toks) or not all(t.is_word for t in toks):
                continue
            for i in C.word_pairs(phrase, toks, sc.m):
                for c1, c2, feats in sc.alternatives(toks[i].norm, toks[i + 1].norm):
                    if (c1, c2) == (exp[i], exp[i + 1]):
                        pos.append(feats)
    neg: list[tuple[float, ...]] = []
    for kind in KINDS:
        docs = [d.text for d in documents(kind, None) if split_of(d.id) == "tune"]
        random.Random(0).shuffle(docs)
        words = 0
        for text in docs:
            toks = tokenize(text)
            for i in C.word_pairs(text, toks, sc.m):
                neg += [f for _, _, f in sc.alternatives(toks[i].norm, toks[i + 1].norm)]
            words += len(text.split())
            if words >= WORDS_PER_KIND:
                break
    x = np.array(pos + neg)
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    weight = np.r_[np.full(len(pos), len(neg) / len(pos) / 20), np.ones(len(neg))]
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mu) / sd, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    ridge = np.eye(len(w))
    ridge[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (weight * (p - y)) + ridge @ w
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z + ridge
        w -= np.linalg.solve(hess, grad)
    coef = w[:-1] / sd
    bias = w[-1] - float((mu * coef).sum())
    print(f"# {len(pos)} positives, {len(neg)} negatives")
    print("WEIGHTS = (")
    for name, c in zip(C.FEATURES, coef, strict=True):
        print(f"    {c:+.4f},  # {name}")
    print(")")
    print(f"BIAS = {bias:.4f}")


if __name__ == "__main__":
    main()
