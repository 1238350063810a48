"""Align a spun text with its source: which spun span maps to which source span.

Two levels, so that dropped and reordered sentences do not derail the word alignment:

1. each spun sentence is matched to the source sentence it shares most words with (content
   words count fully, function words a quarter; a near tie goes to the next sentence in order);
2. inside a matched pair, a word-level diff (difflib's matcher on lowercased tokens) yields
   ``same`` spans, ``substitution`` spans (a few spun words in place of a few source words:
   the pairs a spinner's table holds), ``insertion`` spans (spun words with no source, such as
   filler) and ``deletion`` spans (source words the copy dropped).

Every span carries character offsets into both texts, so it can be shown, checked and replayed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Literal

from .fingerprint import FUNCTION_WORDS

Kind = Literal["same", "substitution", "insertion", "deletion"]

# A replaced block longer than this (in tokens, on either side) is a rewrite, not a swap.
MAX_SUBSTITUTION_TOKENS = 5
# A spun sentence is matched only if it shares at least this weighted share of its words.
MIN_SENTENCE_SIMILARITY = 0.25


@dataclass(frozen=True, slots=True)
class AlignedSpan:
    """``spun_text[spun_start:spun_end]`` stands for ``source_text[source_start:source_end]``."""

    spun_start: int
    spun_end: int
    source_start: int
    source_end: int
    kind: Kind
    spun: str
    original: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The spans, and how much of each side they explain."""

    spans: list[AlignedSpan]
    spun_coverage: float  # share of the spun words that are copied verbatim from the source
    source_coverage: float  # share of the source words that the copy kept verbatim


# The tokens of :mod:`unspin.text` (words, numbers, one punctuation character), as plain tuples:
# alignment runs on every verified candidate, so it avoids an object per token.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")
_SENTENCE_END = frozenset(".!?;:")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(slots=True)
class _Sentence:
    norms: list[str]
    starts: list[int]
    ends: list[int]
    words: int  # tokens that are words or numbers


@lru_cache(maxsize=16)  # a query is aligned with several candidates: parse it once
def _sentences(text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    cur = _Sentence([], [], [], 0)
    norms, starts, ends = cur.norms, cur.starts, cur.ends
    # the apostrophe map is one character for one, so offsets into ``flat`` are offsets into text
    flat = text.translate(_APOSTROPHES)
    for m in _TOKEN_RE.finditer(flat):
        tok = m.group()
        a, b = m.span()
        norms.append(tok.lower())
        starts.append(a)
        ends.append(b)
        if tok in _SENTENCE_END:
            cur.words = sum(1 for w in norms if w[0].isalnum())
            out.append(cur)
            cur = _Sentence([], [], [], 0)
            norms, starts, ends = cur.norms, cur.starts, cur.ends
    if norms:
        cur.words = sum(1 for w in norms if w[0].isalnum())
        out.append(cur)
    return out


def _weight(word: str) -> float:
    return 0.25 if word in FUNCTION_WORDS else 1.0


def _match_sentences(spun: list[_Sentence], source: list[_Sentence]) -> list[int | None]:
    """For each spun sentence, the source sentence it shares the most (weighted) words with."""
    where: dict[str, list[int]] = {}
    for j, sent in enumerate(source):
        for w in set(sent.norms):
            if w[0].isalnum():
                where.setdefault(w, []).append(j)
    out: list[int | None] = []
    last = -1
    for sent in spun:
        words = {w for w in sent.norms if w[0].isalnum()}
        total = sum(_weight(w) for w in words)
        score: dict[int, float] = {}
        for w in words:
            for j in where.get(w, ()):
                score[j] = score.get(j, 0.0) + _weight(w)
        best, best_sim = None, MIN_SENTENCE_SIMILARITY
        for j, sc in score.items():
            sim = sc / total + (0.05 if j == last + 1 else 0.0)  # prefer reading on in order
            if sim > best_sim or (sim == best_sim and best is not None and j < best):
                best, best_sim = j, sim
        out.append(best)
        if best is not None:
            last = best
    return out


def _diff(spun_text: str, a: _Sentence, source_text: str, b: _Sentence) -> list[AlignedSpan]:
    spans: list[AlignedSpan] = []
    sm = SequenceMatcher(None, a.norms, b.norms, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "replace" and max(i2 - i1, j2 - j1) > MAX_SUBSTITUTION_TOKENS:
            _span(spun_text, a, i1, i2, source_text, b, j1, j1, "insertion", spans)
            _span(spun_text, a, i2, i2, source_text, b, j1, j2, "deletion", spans)
            continue
        if op == "replace" and i2 - i1 == j2 - j1 > 1:
            # as many words on both sides: most often neighbouring one-word swaps
            for k in range(i2 - i1):
                _span(
                    spun_text,
                    a,
                    i1 + k,
                    i1 + k + 1,
                    source_text,
                    b,
                    j1 + k,
                    j1 + k + 1,
                    "substitution",
                    spans,
                )
            continue
        _span(spun_text, a, i1, i2, source_text, b, j1, j2, _KINDS[op], spans)
    return spans


_KINDS: dict[str, Kind] = {
    "equal": "same",
    "replace": "substitution",
    "insert": "deletion",
    "delete": "insertion",
}
_EMPTY = _Sentence([], [], [], 0)


def _offsets(s: _Sentence, i: int, j: int) -> tuple[int, int]:
    if i < j:
        return s.starts[i], s.ends[j - 1]
    pos = s.ends[i - 1] if i > 0 else (s.starts[0] if s.starts else 0)
    return pos, pos


def _span(
    spun_text: str,
    a: _Sentence,
    i1: int,
    i2: int,
    source_text: str,
    b: _Sentence,
    j1: int,
    j2: int,
    kind: Kind,
    spans: list[AlignedSpan],
) -> None:
    if i1 == i2 and j1 == j2:
        return
    s0, s1 = _offsets(a, i1, i2)
    o0, o1 = _offsets(b, j1, j2)
    spans.append(AlignedSpan(s0, s1, o0, o1, kind, spun_text[s0:s1], source_text[o0:o1]))


def _count_words(s: _Sentence, i1: int, i2: int) -> int:
    return sum(1 for w in s.norms[i1:i2] if w[0].isalnum())


def align(spun_text: str, source_text: str) -> Alignment:
    """Align ``spun_text`` with ``source_text``, sentence by sentence, then word by word."""
    spun_sents = _sentences(spun_text)
    src_sents = _sentences(source_text)
    spans: list[AlignedSpan] = []
    same = 0
    for sent, j in zip(spun_sents, _match_sentences(spun_sents, src_sents), strict=True):
        if j is None:
            _span(
                spun_text, sent, 0, len(sent.norms), source_text, _EMPTY, 0, 0, "insertion", spans
            )
            continue
        spans.extend(_diff(spun_text, sent, source_text, src_sents[j]))
    for sp in spans:
        if sp.kind == "same":
            same += sum(1 for m in _TOKEN_RE.finditer(sp.spun) if m.group()[0].isalnum())
    spun_words = sum(s.words for s in spun_sents)
    src_words = sum(s.words for s in src_sents)
    return Alignment(
        spans,
        min(1.0, same / spun_words) if spun_words else 0.0,
        min(1.0, same / src_words) if src_words else 0.0,
    )


def substitution_pairs(spun_text: str, source_text: str) -> list[tuple[str, str]]:
    """The (spun, original) pairs that aligning ``spun_text`` with its source reveals.

    Lowercased. A substitution gives its two sides ("head of state", "president"); an
    insertion of filler is given with the word before it, so that it reads as a rule
    ("has actually", "has").
    """
    return pairs_from_spans(align(spun_text, source_text).spans)


def pairs_from_spans(spans: list[AlignedSpan]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    prev: AlignedSpan | None = None
    for s in spans:
        if s.kind == "substitution":
            out.append((_norm(s.spun), _norm(s.original)))
        elif (
            s.kind == "insertion"
            and prev is not None
            and prev.kind == "same"
            and prev.spun_end <= s.spun_start
            and 0 < len(_TOKEN_RE.findall(s.spun)) <= MAX_SUBSTITUTION_TOKENS
        ):
            last = _TOKEN_RE.findall(prev.spun)[-1]
            if last[:1].isalpha():
                out.append((_norm(f"{last} {s.spun}"), _norm(last)))
        prev = s
    return out


def _norm(s: str) -> str:
    return " ".join(t.translate(_APOSTROPHES).lower() for t in _TOKEN_RE.findall(s))
