"""Trace: find the source a spun copy was made from, and show the alignment as evidence.

    >>> from unspin.trace import Index
    >>> with Index("idx", create=True) as index:
    ...     with index.insertion_session():
    ...         index.add("doc-1", source_text)
    ...     best = index.query(spun_text, top=3)[0]
    >>> best.id, best.score, best.pairs          # pairs: exact (spun, original) substitutions

Spinning defeats shingle MinHash and SimHash; it does not defeat what spinners leave alone
(DSpin's immutables: names, numbers, words without synonyms, the skeleton of function words).
The index stores those as hashed features in postings lists; a query ranks documents by the
IDF-weighted share of its features they hold, then aligns the best with the query, sentence by
sentence and word by word. The alignment is the evidence, and its substitutions are pairs a
profile can be learned from.

Modules: :mod:`.fingerprint` (spin-invariant features), :mod:`.store` (the embedded store:
one folder of memory-mapped segments and a checked manifest), :mod:`.index` (candidates, then
verification), :mod:`.align` (the evidence), :mod:`.group` (clustering a batch by source and by
spinner), :mod:`.corpus` (reading corpora through :mod:`unspin.io`).

Output for ``unspin learn --from-trace``: ``unspin trace --pairs`` prints, per input file, one
JSON line for its best source (above ``--min-score``)::

    {"query": "copy.txt", "id": "src-1", "score": 0.83, "spun": "<the copy>",
     "original": "<the source's text>", "pairs": [["head of state", "president"], ...]}

``unspin trace --json`` prints one JSON object per input file and line, every candidate with
its evidence::

    {"query": "copy.txt",
     "candidates": [{"id": "src-1", "score": 0.83, "verified": true,
                     "retrieval_score": 0.71, "spun_coverage": 0.95, "source_coverage": 0.88,
                     "alignment": [{"spun_start": 0, "spun_end": 13, "source_start": 0,
                                    "source_end": 9, "kind": "substitution",
                                    "spun": "Head of state", "original": "President"}, ...],
                     "pairs": [["head of state", "president"], ["has actually", "has"]]}],
     "warnings": []}

``kind`` is ``same``, ``substitution``, ``insertion`` (spun words with no source: filler) or
``deletion`` (source words the copy dropped). ``pairs`` are the substitutions, lowercased, with
an insertion given together with the word before it (``has actually`` -> ``has``).

Scaling past one machine: an index is one folder, so a corpus is sharded by building one index
per part (``unspin index build part-k.jsonl --index shard-k``, in parallel anywhere) and a
query is sent to every shard and the ranked lists merged (:func:`query_shards`,
``unspin trace --index shard-0 --index shard-1 ...``). Verified scores are comparable across
shards. Not done yet: a fan-out service, and exchanging document frequencies so that every
shard weighs features by the global IDF.
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
