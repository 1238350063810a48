"""The trace index: add documents, then find the source of a spun copy and show the evidence.

Querying is two steps, as in near-duplicate search, but on spin-invariant features:

1. **candidates**: the query's fingerprint (:mod:`.fingerprint`) is looked up in the postings
   of every segment; each document scores the IDF-weighted share of the query's features it
   holds, divided by ``1 - b + b * max(1, doc features / query features)`` (as BM25's length
   normalisation: a long document that contains the source's sentences among many others is
   not the source). Features in more than ``MAX_DF_SHARE`` of the documents are skipped: they
   cost time and say little.
2. **verification** (default): the best ``max(top, pool)`` are aligned with the query
   (:mod:`.align`); the final score is the mean of the first step's score and the share of the
   query's words copied verbatim from the candidate. The alignment is the evidence, and its
   substitutions are exact (spun, original) pairs. ``verify=False`` skips this step and aligns
   a candidate only when its alignment is asked for.

Verified scores are comparable across indexes, so shards are queried one by one and their
ranked lists merged (:func:`query_shards`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import datafile
from ..errors import DataFileError, InputError
from .align import AlignedSpan, Alignment, align, pairs_from_spans
from .fingerprint import FingerprintParams, features, fingerprint_batch
from .store import FORMAT, MANIFEST, VERSION, Segment, load_segment, remove_segment, write_segment

# Features found in more than this share of the documents are skipped at query time.
MAX_DF_SHARE = 0.05
# ... but at least this share of the query's indexed features is kept.
MIN_KEPT_SHARE = 0.5
# ... unless they are in fewer documents than this (tiny indexes keep everything).
MIN_DF_CUTOFF = 50
# Length normalisation of candidate scores (0: none), as BM25's b.
LENGTH_B = 0.5
# Documents fingerprinted together in one batch of array operations.
_BATCH = 2000
# A segment is written at most every this many characters of text: writing one sorts all of
# its (feature, document) pairs in memory, about 14 bytes of memory per character of text
# (848 MB peak for 20,000 news articles of 2.6 kB; bench_memory.py --mb 100), so the text
# buffered, not the number of documents, bounds an index build's memory.
BUFFER_BYTES = 16 * 2**20
# index compact merges every segment in memory, as one segment's write does: at most about
# BUFFER_BYTES of text's postings (0.5 MB of the benchmarks' news and prose makes 99,000)
COMPACT_MAX_POSTINGS = 3_000_000


class TraceWarning(UserWarning):
    """Something was done to the query that the user should know (e.g. it was truncated)."""


@dataclass(slots=True)
class Candidate:
    """A candidate source of a spun text, with the alignment that backs it.

    ``score`` is in [0, 1]. Verified (the default), it is the mean of the retrieval score (the
    IDF-weighted share of the query's fingerprint found in the candidate, length-normalised)
    and the share of the query's words copied verbatim from the candidate. Unverified
    (``verify=False``), it is the retrieval score, and the alignment is computed on first use.
    """

    id: str
    score: float
    retrieval_score: float
    verified: bool = False
    shard: str = ""
    _query: str = field(default="", repr=False)
    _load: Callable[[], str] | None = field(default=None, repr=False)
    _al: Alignment | None = field(default=None, repr=False)

    def _alignment(self) -> Alignment:
        if self._al is None:
            self._al = align(self._query, self.source_text)
        return self._al

    @property
    def source_text(self) -> str:
        """The candidate's stored text."""
        return self._load() if self._load else ""

    @property
    def alignment(self) -> list[AlignedSpan]:
        return self._alignment().spans

    @property
    def spun_coverage(self) -> float:
        return self._alignment().spun_coverage

    @property
    def source_coverage(self) -> float:
        return self._alignment().source_coverage

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return pairs_from_spans(self.alignment)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "verified": self.verified,
            "retrieval_score": round(self.retrieval_score, 4),
            "spun_coverage": round(self.spun_coverage, 4),
            "source_coverage": round(self.source_coverage, 4),
            "alignment": [s.to_dict() for s in self.alignment],
            "pairs": [list(p) for p in self.pairs],
        }


def pairs(candidate: Candidate) -> list[tuple[str, str]]:
    """The (spun, original) substitutions that ``candidate``'s alignment reveals."""
    return candidate.pairs


@dataclass(slots=True)
class TraceResult:
    candidates: list[Candidate]
    warnings: list[str] = field(default_factory=list)


class Index:
    """An embedded trace index in the folder ``path``.

    ``Index(path)`` opens an existing index; ``Index(path, create=True)`` also creates an empty
    one if the folder holds none. The fingerprint parameters are stored with the index and
    checked on every open: an index of another format version or other parameters is refused.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = False,
        params: FingerprintParams | None = None,
        buffer_size: int = 20_000,
        buffer_bytes: int = BUFFER_BYTES,
    ) -> None:
        self.path = Path(path)
        self.buffer_size = buffer_size
        self.buffer_bytes = max(1, buffer_bytes)
        self._pending_bytes = 0
        self.length_b = LENGTH_B
        self._pending_ids: list[str] = []
        self._pending_texts: list[str] = []
        self._session_depth = 0
        self._closed = False
        manifest = self.path / MANIFEST
        if not manifest.exists():
            if self.path.exists() and not self.path.is_dir():
                raise DataFileError(f"{self.path}: not an index folder (it is a file)")
            if not create:
                raise DataFileError(
                    f"{self.path}: no trace index here (build one with 'unspin index build')"
                )
            if self.path.is_dir() and any(self.path.iterdir()):
                raise DataFileError(
                    f"{self.path}: folder is not empty and holds no trace index; "
                    "choose an empty or new folder"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            self.params = params or FingerprintParams()
            self._entries: list[dict[str, Any]] = []
            self._next = 1
            self._write_manifest()
        else:
            header, payload = datafile.read(manifest, FORMAT, VERSION)
            stored = header.get("params")
            if not isinstance(stored, dict) or not isinstance(payload, dict):
                raise DataFileError(f"{manifest}: index manifest is corrupt (no parameters)")
            try:
                self.params = FingerprintParams.from_dict(stored)
            except TypeError:
                raise DataFileError(f"{manifest}: index manifest is corrupt (parameters)") from None
            if self.params.scheme != FingerprintParams().scheme:
                raise DataFileError(
                    f"{manifest}: index uses fingerprint scheme {self.params.scheme!r}, "
                    f"this unspin computes {FingerprintParams().scheme!r}; rebuild the index"
                )
            if params is not None and params != self.params:
                raise DataFileError(
                    f"{manifest}: index was built with {self.params.to_dict()}, "
                    f"asked for {params.to_dict()}"
                )
            self._entries = list(payload.get("segments", []))
            self._next = int(payload.get("next", len(self._entries) + 1))
        self._segments: list[Segment] = [load_segment(self.path, e) for e in self._entries]
        self.buffer_size = max(1, min(buffer_size, (1 << (64 - self.params.feature_bits)) - 1))
        self._ids: set[str] | None = None
        self._where: dict[str, tuple[int, int]] | None = None

    # ---------------------------------------------------------------- writing

    def _write_manifest(self) -> None:
        tmp = self.path / (MANIFEST + ".tmp")
        payload = {"segments": self._entries, "next": self._next}
        datafile.write(tmp, FORMAT, VERSION, payload, params=self.params.to_dict())
        os.replace(tmp, self.path / MANIFEST)

    def _known_ids(self) -> set[str]:
        if self._ids is None:
            self._ids = {i for s in self._segments for i in s.ids}
            self._ids.update(self._pending_ids)
        return self._ids

    def add(self, id: str, text: str) -> bool:
        """Add one document; returns False (and adds nothing) if ``id`` is already indexed.

        Documents are buffered and written as a segment when the buffer is full (``buffer_size``
        documents or ``buffer_bytes`` characters of text, whichever comes first), at the end of
        an insertion session, before a query, or on :meth:`close`.
        """
        self._check_open()
        known = self._known_ids()
        if id in known:
            return False
        known.add(id)
        self._pending_ids.append(id)
        self._pending_texts.append(text)
        self._pending_bytes += len(text)
        if len(self._pending_ids) >= self.buffer_size or self._pending_bytes >= self.buffer_bytes:
            self.flush()
        return True

    def add_many(self, docs: Iterable[tuple[str, str]]) -> tuple[int, int]:
        """Add (id, text) pairs in one session; returns (added, skipped as already present)."""
        added = skipped = 0
        with self.insertion_session():
            for id, text in docs:
                if self.add(id, text):
                    added += 1
                else:
                    skipped += 1
        return added, skipped

    @contextmanager
    def insertion_session(self, buffer_size: int | None = None) -> Iterator[Index]:
        """Bulk insertion: documents are written in segments of ``buffer_size`` on exit."""
        self._check_open()
        old = self.buffer_size
        if buffer_size is not None:
            self.buffer_size = max(1, min(buffer_size, (1 << (64 - self.params.feature_bits)) - 1))
        self._session_depth += 1
        try:
            yield self
        finally:
            self._session_depth -= 1
            self.buffer_size = old
            if self._session_depth == 0:
                self.flush()

    def flush(self) -> None:
        """Write buffered documents as a new segment."""
        if not self._pending_ids:
            return
        feats, docs = [], []
        for at in range(0, len(self._pending_texts), _BATCH):
            f, d = fingerprint_batch(self._pending_texts[at : at + _BATCH], self.params)
            feats.append(f)
            docs.append(d + at)
        self._write(
            self._pending_ids, self._pending_texts, np.concatenate(feats), np.concatenate(docs)
        )
        self._pending_ids, self._pending_texts, self._pending_bytes = [], [], 0

    def _write(
        self,
        ids: list[str],
        texts: list[str],
        feats: npt.NDArray[np.uint64],
        docs: npt.NDArray[np.int64],
    ) -> None:
        name = f"seg-{self._next:06d}"
        entry = write_segment(self.path, name, ids, texts, feats, docs, self.params.feature_bits)
        self._next += 1
        self._entries.append(entry)
        self._write_manifest()
        self._segments.append(load_segment(self.path, entry))

    def compact(self, max_postings: int = COMPACT_MAX_POSTINGS) -> None:
        """Merge all segments into one (faster queries after many small adds). The merge holds
        every (feature, document) pair in memory: an index of more than ``max_postings`` is
        refused (an InputError naming the limit) and answers queries as it is."""
        self.flush()
        if len(self._segments) <= 1:
            return
        postings = sum(len(seg.post) for seg in self._segments)
        if postings > max_postings:
            raise InputError(
                f"{self.path}: compact merges the whole index in memory; this one holds "
                f"{postings:,} postings, over the limit of {max_postings:,} (about 15 MB of "
                "text); it answers queries as it is"
            )
        ids: list[str] = []
        texts: list[str] = []
        feats: list[npt.NDArray[np.uint64]] = []
        docs: list[npt.NDArray[np.int64]] = []
        for seg in self._segments:
            # the (feature, document) pairs come back from the postings: no re-fingerprinting
            offs = np.asarray(seg.offs, dtype=np.int64)
            per_feat: npt.NDArray[np.int64] = offs[1:] - offs[:-1]
            doc_of = np.asarray(seg.post, dtype=np.int64)
            order = np.argsort(doc_of, kind="stable")
            feats.append(np.repeat(np.asarray(seg.feats), per_feat)[order])
            docs.append(doc_of[order] + len(ids))
            texts.extend(seg.text(i) for i in range(seg.docs))
            ids.extend(seg.ids)
        old = [e["name"] for e in self._entries]
        self._entries, self._segments, self._where = [], [], None
        self._write(ids, texts, np.concatenate(feats), np.concatenate(docs))
        for n in old:
            remove_segment(self.path, n)

    def close(self) -> None:
        if not self._closed:
            self.flush()
            self._closed = True

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise InputError(f"{self.path}: index is closed")

    # ---------------------------------------------------------------- reading

    def __len__(self) -> int:
        return sum(s.docs for s in self._segments) + len(self._pending_ids)

    def info(self) -> dict[str, Any]:
        self.flush()
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return {
            "path": str(self.path),
            "format": FORMAT,
            "version": VERSION,
            "params": self.params.to_dict(),
            "documents": len(self),
            "segments": len(self._segments),
            "features": sum(int(e["features"]) for e in self._entries),
            "postings": sum(int(e["postings"]) for e in self._entries),
            "bytes": size,
        }

    def text(self, id: str) -> str | None:
        """The stored text of document ``id`` (None if absent)."""
        self.flush()
        if self._where is None or sum(s.docs for s in self._segments) != len(self._where):
            self._where = {
                doc_id: (si, d)
                for si, seg in enumerate(self._segments)
                for d, doc_id in enumerate(seg.ids)
            }
        hit = self._where.get(id)
        return None if hit is None else self._segments[hit[0]].text(hit[1])

    def ids(self) -> Iterator[str]:
        for seg in self._segments:
            yield from seg.ids

    def candidates(self, text: str, top: int = 10) -> list[tuple[Segment, int, float]]:
        """Step 1 only: (segment, document number, retrieval score), best first."""
        self._check_open()
        self.flush()
        n = len(self)
        if n == 0 or top <= 0:
            return []
        shift = np.uint64(64 - self.params.feature_bits)
        q = np.unique((features(text, self.params) >> shift) << shift)
        if len(q) == 0:
            return []
        found: list[tuple[Segment, npt.NDArray[np.intp], npt.NDArray[np.bool_]]] = []
        df = np.zeros(len(q), dtype=np.int64)
        for seg in self._segments:
            if seg.docs == 0 or len(seg.feats) == 0:
                continue
            pos = np.searchsorted(seg.feats, q)
            pos_c = np.minimum(pos, len(seg.feats) - 1)
            hit = np.asarray(seg.feats[pos_c] == q)
            offs = seg.offs
            counts = np.where(hit, np.asarray(offs[pos_c + 1]) - np.asarray(offs[pos_c]), 0)
            df += counts
            found.append((seg, pos_c, hit))
        idf = np.log1p(n / (df + 0.5))
        cutoff = max(MIN_DF_CUTOFF, MAX_DF_SHARE * n)
        usable = df <= cutoff
        seen = df > 0
        if usable[seen].sum() < MIN_KEPT_SHARE * seen.sum():
            # a query made mostly of boilerplate: keep its rarer half rather than a few features
            cutoff = max(cutoff, float(np.quantile(df[seen], MIN_KEPT_SHARE)))
            usable = df <= cutoff
        total = float(idf[usable].sum())
        if total <= 0:
            return []
        scored: list[tuple[float, int, int]] = []
        for si, (seg, pos_c, hit) in enumerate(found):
            sel = hit & usable
            if not sel.any():
                continue
            p = pos_c[sel]
            starts = np.asarray(seg.offs[p])
            lens = np.asarray(seg.offs[p + 1]) - starts
            tot = int(lens.sum())
            if tot == 0:
                continue
            base = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
            docs = np.asarray(seg.post[np.arange(tot) + base])
            scores: npt.NDArray[np.float64] = np.bincount(
                docs, weights=np.repeat(idf[sel], lens), minlength=seg.docs
            ).astype(np.float64)
            if self.length_b:
                # a document much longer than the query holds more than its source would
                ratio = np.maximum(1.0, np.asarray(seg.dlen) / len(q))
                scores = scores / (1.0 - self.length_b + self.length_b * ratio)
            k = min(top, seg.docs)
            best = np.argpartition(-scores, k - 1)[:k]
            for d in best:
                if scores[d] > 0:
                    scored.append((float(scores[d]) / total, si, int(d)))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        return [(found[si][0], d, s) for s, si, d in scored[:top]]

    def search(
        self,
        text: str,
        top: int = 5,
        *,
        verify: bool = True,
        pool: int | None = None,
        min_score: float = 0.0,
    ) -> TraceResult:
        """Ranked candidate sources of ``text``, and warnings.

        With ``verify`` (the default), the best ``pool`` (at least ``top``) candidates are
        aligned with the query and re-ranked by the verified score; without it, candidates are
        ranked by retrieval score and aligned only when their alignment is asked for.
        """
        warns: list[str] = []
        limit = self.params.max_query_chars
        if len(text) > limit:
            warns.append(f"query of {len(text)} characters truncated to the first {limit}")
            text = text[:limit]
        out: list[Candidate] = []
        for seg, d, rscore in self.candidates(text, max(top, pool or 0) if verify else top):
            c = Candidate(
                seg.ids[d],
                min(1.0, rscore),
                rscore,
                shard=str(self.path),
                _query=text,
                _load=partial(seg.text, d),
            )
            if verify:
                c.score = 0.5 * (c.spun_coverage + min(1.0, rscore))
                c.verified = True
            out.append(c)
        out.sort(key=lambda c: (-c.score, c.id))
        out = [c for c in out if c.score >= min_score][:top]
        return TraceResult(out, warns)

    def query(
        self, text: str, top: int = 5, *, verify: bool = True, min_score: float = 0.0
    ) -> list[Candidate]:
        """Ranked candidate sources of ``text`` (warnings are issued as :class:`TraceWarning`)."""
        result = self.search(text, top, verify=verify, min_score=min_score)
        for w in result.warnings:
            warnings.warn(w, TraceWarning, stacklevel=2)
        return result.candidates


def query_shards(
    indexes: Iterable[Index],
    text: str,
    top: int = 5,
    *,
    verify: bool = True,
    min_score: float = 0.0,
) -> TraceResult:
    """Query one index per shard and merge their ranked lists.

    Verified scores are comparable across shards (half of each is the share of the query's
    words found verbatim in the candidate, the other half a share of the query's features);
    the shards' IDF weights differ a little, which matters only between near-ties.
    """
    merged: list[Candidate] = []
    warns: list[str] = []
    for index in indexes:
        r = index.search(text, top, verify=verify, min_score=min_score)
        merged.extend(r.candidates)
        warns.extend(w for w in r.warnings if w not in warns)
    merged.sort(key=lambda c: (-c.score, c.id))
    return TraceResult(merged[:top], warns)
