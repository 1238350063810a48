"""Trace: find the source a spun copy was made from, and show the alignment as evidence.

    >>> from unspin.trace import Index
    >>> with Index("idx", create=True) as index:
    ...     with index.insertion_session():
    ...         index.add("doc-1", source_text)
    ...     best = index.query(spun_text, top=3)[0]
    >>> best.id, best.score, best.pairs          # pairs: exact (spun, original) substitutions

Modules: :mod:`.fingerprint` (spin-invariant features), :mod:`.store` (the embedded store),
:mod:`.index` (candidates, then verification), :mod:`.align` (the evidence),
:mod:`.group` (clustering a batch by source and by spinner), :mod:`.corpus` (reading corpora).
"""

from __future__ import annotations

from .align import AlignedSpan, Alignment, align, substitution_pairs
from .fingerprint import FingerprintParams, features
from .index import Candidate, Index, TraceResult, TraceWarning, pairs, query_shards

__all__ = [
    "AlignedSpan",
    "Alignment",
    "Candidate",
    "FingerprintParams",
    "Index",
    "TraceResult",
    "TraceWarning",
    "align",
    "features",
    "pairs",
    "query_shards",
    "substitution_pairs",
]
