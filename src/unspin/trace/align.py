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

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from ..text import Token, sentences, tokenize
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


def _words(sent: list[Token]) -> set[str]:
    return {t.norm for t in sent if t.is_word or t.text[:1].isdigit()}


def _similarity(a: set[str], b: set[str]) -> float:
    if not a:
        return 0.0
    shared = a & b
    w = sum(0.25 if s in FUNCTION_WORDS else 1.0 for s in shared)
    total = sum(0.25 if s in FUNCTION_WORDS else 1.0 for s in a)
    return w / total if total else 0.0


def _match_sentences(
    spun: list[list[Token]], source: list[list[Token]]
) -> list[int | None]:
    src_sets = [_words(s) for s in source]
    out: list[int | None] = []
    last = -1
    for sent in spun:
        words = _words(sent)
        best, best_sim = None, MIN_SENTENCE_SIMILARITY
        for j, ws in enumerate(src_sets):
            sim = _similarity(words, ws)
            if j == last + 1:
                sim += 0.05  # prefer reading on in order when it is about as good
            if sim > best_sim:
                best, best_sim = j, sim
        out.append(best)
        if best is not None:
            last = best
    return out


def _is_word(t: Token) -> bool:
    return t.is_word or t.text[:1].isdigit()


def _diff(
    spun_text: str, a: list[Token], source_text: str, b: list[Token], spans: list[AlignedSpan]
) -> None:
    sm = SequenceMatcher(None, [t.norm for t in a], [t.norm for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "replace" and max(i2 - i1, j2 - j1) > MAX_SUBSTITUTION_TOKENS:
            _span(spun_text, a, i1, i2, source_text, b, j1, j1, "insertion", spans)
            _span(spun_text, a, i2, i2, source_text, b, j1, j2, "deletion", spans)
            continue
        kind: Kind = {"equal": "same", "replace": "substitution", "insert": "deletion",
                      "delete": "insertion"}[op]  # type: ignore[assignment]
        _span(spun_text, a, i1, i2, source_text, b, j1, j2, kind, spans)


def _offsets(toks: list[Token], i: int, j: int) -> tuple[int, int]:
    if i < j:
        return toks[i].start, toks[j - 1].end
    pos = toks[i - 1].end if i > 0 else (toks[0].start if toks else 0)
    return pos, pos


def _span(
    spun_text: str, a: list[Token], i1: int, i2: int,
    source_text: str, b: list[Token], j1: int, j2: int,
    kind: Kind, spans: list[AlignedSpan],
) -> None:
    if i1 == i2 and j1 == j2:
        return
    s0, s1 = _offsets(a, i1, i2)
    o0, o1 = _offsets(b, j1, j2)
    spans.append(AlignedSpan(s0, s1, o0, o1, kind, spun_text[s0:s1], source_text[o0:o1]))


def align(spun_text: str, source_text: str) -> Alignment:
    """Align ``spun_text`` with ``source_text``, sentence by sentence, then word by word."""
    spun_sents = list(sentences(tokenize(spun_text)))
    src_sents = list(sentences(tokenize(source_text)))
    spans: list[AlignedSpan] = []
    for sent, j in zip(spun_sents, _match_sentences(spun_sents, src_sents), strict=True):
        if j is None:
            _span(spun_text, sent, 0, len(sent), source_text, [], 0, 0, "insertion", spans)
        else:
            _diff(spun_text, sent, source_text, src_sents[j], spans)
    spun_words = sum(1 for s in spun_sents for t in s if _is_word(t))
    src_words = sum(1 for s in src_sents for t in s if _is_word(t))
    same_spun = sum(1 for s in spans if s.kind == "same" for t in tokenize(s.spun) if _is_word(t))
    same_src = sum(
        1 for s in spans if s.kind == "same" for t in tokenize(s.original) if _is_word(t)
    )
    return Alignment(
        spans,
        same_spun / spun_words if spun_words else 0.0,
        min(1.0, same_src / src_words) if src_words else 0.0,
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
            and 0 < len(tokenize(s.spun)) <= MAX_SUBSTITUTION_TOKENS
        ):
            last = tokenize(prev.spun)[-1].text
            if last[:1].isalpha():
                out.append((_norm(f"{last} {s.spun}"), _norm(last)))
        prev = s
    return out


def _norm(s: str) -> str:
    return " ".join(t.norm for t in tokenize(s))
