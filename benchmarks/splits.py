"""Keep tuning and evaluation apart: every clean document belongs to one split, by its id.

``tune`` documents may be used to fit anything (detector weights, calibration, priors);
``eval`` documents only to measure. The ``heldout`` spinner profile is never used for tuning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

TUNING_PROFILES = ("filler", "thesaurus", "papermill")
EVAL_PROFILES = ("filler", "thesaurus", "papermill", "heldout")


def split_of(doc_id: str) -> str:
    h = int(hashlib.sha1(doc_id.encode()).hexdigest()[:8], 16)
    return "tune" if h % 10 < 4 else "eval"


def clean_docs(
    split: str, n: int, kinds: tuple[str, ...] = ("news", "prose"), min_words: int = 150
) -> Iterator[tuple[str, str, str]]:
    """(id, kind, text) of up to ``n`` clean documents of one split, kinds taken in turn."""
    from benchmarks.corpus import documents

    streams = [
        (
            (d.id, d.kind, d.text)
            for d in documents(kind, None)
            if split_of(d.id) == split and len(d.text.split()) >= min_words
        )
        for kind in kinds
    ]
    count = 0
    while streams and count < n:
        for stream in list(streams):
            item = next(stream, None)
            if item is None:
                streams.remove(stream)
                continue
            yield item
            count += 1
            if count >= n:
                return


def window(text: str, words: int, seed: int = 0) -> str:
    """A window of ``words`` words from ``text`` (sentence-aligned start when possible)."""
    toks = text.split()
    if len(toks) <= words:
        return text
    start = (seed * 7919) % (len(toks) - words)
    return " ".join(toks[start : start + words])
