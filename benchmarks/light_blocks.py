"""Detector blocks for the neural detector: honest 300-word blocks of four kinds and blocks
lightly spun by the emulator, each scored by the trigram detector and, from a trigram score
up, restored by the neural path. ``scripts/train_neural_detector.py`` fits on the tune split;
``benchmarks/bench_detect_neural.py`` measures on the eval split.

Rows are kept in a JSONL file, one per block (a rerun resumes; delete the file when the
restorer changes): ``id, label, kind, words, trigram, read, fixes, seconds_trigram,
seconds_neural``, where ``fixes`` are the neural path's ``(spun, original, confidence)``.
"""

from __future__ import annotations

import json
import sys
import time
from itertools import zip_longest
from pathlib import Path
from typing import Any

from benchmarks.splits import clean_docs, window

KINDS = ("news", "prose", "technical", "legal")
RATES = (0.05, 0.1, 0.2)
WINDOW = 300

Block = tuple[str, int, str, str]  # (id, label: 1 spun, kind or profile, text)


def blocks(
    split: str, n_honest: int, n_spun: int, profiles: tuple[str, ...], seed: int
) -> list[Block]:
    """``n_honest`` honest blocks per kind and ``n_spun`` spun blocks per profile and rate
    (documents other than the honest ones), honest and spun in turn: a run cut short has
    both."""
    import unspin

    honest = [
        (f"{doc_id}|honest", 0, kind, window(text, WINDOW, i))
        for i, (doc_id, kind, text) in enumerate(clean_docs(split, n_honest * len(KINDS), KINDS))
    ]
    docs = list(clean_docs(split, 200, ("news", "prose")))[100:]
    spun = []
    k = 0
    for prof in profiles:
        for rate in RATES:
            for doc_id, _, text in docs[k : k + n_spun]:
                sp = unspin.spin(window(text, WINDOW, k), profile=prof, rate=rate, seed=seed)
                spun.append((f"{doc_id}|{prof}|{rate}", 1, prof, sp.text))
                k += 1
    return [b for pair in zip_longest(honest, spun) for b in pair if b is not None]


def gather(
    todo: list[Block], rows_path: Path, model: str, read_from: float
) -> list[dict[str, Any]]:
    """Each block's row (read from ``rows_path`` when there, else made and appended)."""
    import unspin
    from unspin.restorer import analyse, channel_for
    from unspin.text import word_norms

    done: dict[str, dict[str, Any]] = {}
    if rows_path.exists():
        for line in rows_path.read_text().splitlines():
            row = json.loads(line)
            done[row["id"]] = row
    channel = channel_for(None)
    rows_path.parent.mkdir(parents=True, exist_ok=True)
    with rows_path.open("a", encoding="utf-8") as f:
        for n, (bid, label, kind, text) in enumerate(todo):
            if bid in done:
                continue
            t0 = time.perf_counter()
            tri = unspin.detect(text, model="trigram").score
            t1 = time.perf_counter()
            fixes: list[tuple[str, str, float]] = []
            if tri >= read_from:
                found = analyse(text, channel, model=model)
                fixes = [(x.spun, x.original, x.confidence) for b in found for x in b.fixes]
            row = {
                "id": bid,
                "label": label,
                "kind": kind,
                "words": len(word_norms(text)),
                "trigram": tri,
                "read": tri >= read_from,
                "fixes": fixes,
                "seconds_trigram": t1 - t0,
                "seconds_neural": time.perf_counter() - t1,
            }
            f.write(json.dumps(row) + "\n")
            f.flush()
            done[bid] = row
            print(
                f"{n + 1}/{len(todo)} {kind:10s} trigram {tri:.3f} fixes {len(fixes)}",
                file=sys.stderr,
                flush=True,
            )
    return [done[b[0]] for b in todo]
