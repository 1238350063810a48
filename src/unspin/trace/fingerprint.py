"""Spin-invariant fingerprints: the parts of a text that a spinner leaves alone.

After DSpin (Zhang, Wang, Voelker, NDSS 2014): a spinner swaps content words for synonyms,
but it rarely touches *immutables*, the words and structures it has no synonym for. A text is
reduced to a set of 64-bit feature hashes of three kinds:

- ``U`` content unigrams: every word that is not a function word, and every number. Spun
  words stop matching, the rest (names, numbers, rare terms, words with no synonym) still do;
  the inverse document frequency of the index makes rare survivors count most.
- ``S`` skeleton n-grams: the sequence of function words, with each run of content words
  collapsed to one placeholder (``the * of * that the * would *``). Replacing a content word
  by a synonym, even a multi-word one, leaves the skeleton as it was; this is what tells the
  source from a document on the same topic, which shares words but not sentences.
- ``A`` anchor pairs: consecutive pairs of anchors (numbers and capitalised words inside a
  sentence), in order. Names and figures in the same order are close to a signature.

Hashing is stable across processes (BLAKE2b of the lowercased word, n-grams combined
arithmetically in numpy), so an index built on one machine is read on another.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

# Words (with inner apostrophes and hyphens), numbers, and sentence-ending punctuation.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[.!?;]")

_FUNCTION_WORDS_TEXT = """
    a an the this that these those some any each every no all both either neither
    of in on at by for with from to into onto upon over under about above below between
    among through during before after against without within along across behind beyond
    toward towards near off out up down than as per via since until
    and or but nor so yet if then because while although though unless whether when where
    which who whom whose what why how
    i me my mine we us our ours you your yours he him his she her hers it its they them
    their theirs myself itself himself herself themselves ourselves yourself
    is are was were be been being am do does did doing done have has had having
    will would shall should can could may might must not
    there here very too also just only even still such own same other another"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())

# Feature kinds are mixed into the hash so that the three spaces never collide by design.
_TAG_U = np.uint64(0x9E3779B97F4A7C15)
_TAG_S = np.uint64(0xC2B2AE3D27D4EB4F)
_TAG_A = np.uint64(0x165667B19E3779F9)
_MUL = np.uint64(0x100000001B3)  # FNV prime, odd: a bijection modulo 2**64
_STAR = 0x5354415200000001  # a run of content words in the skeleton
_STOP = 0x53544F5000000002  # a sentence boundary in the skeleton

_KIND_FUNCTION, _KIND_CONTENT, _KIND_ANCHOR, _KIND_END = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """Everything that changes which features a text gets; stored with an index, checked on load."""

    scheme: str = "immutables-v1"
    skeleton_n: int = 4
    max_query_chars: int = 200_000

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FingerprintParams:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


_cache: dict[str, tuple[int, int]] = {}
_CACHE_MAX = 2_000_000


def _word(tok: str) -> tuple[int, int]:
    """(stable 64-bit hash of the lowercased token, kind without sentence context)."""
    hit = _cache.get(tok)
    if hit is not None:
        return hit
    low = tok.lower().replace("’", "'")
    h = int.from_bytes(hashlib.blake2b(low.encode(), digest_size=8).digest(), "little")
    if tok in ".!?;":
        kind = _KIND_END
    elif low in FUNCTION_WORDS:
        kind = _KIND_FUNCTION
    elif tok[0].isdigit() or tok[0].isupper():
        kind = _KIND_ANCHOR  # demoted to content at the start of a sentence
    else:
        kind = _KIND_CONTENT
    if len(_cache) > _CACHE_MAX:
        _cache.clear()
    _cache[tok] = (h, kind)
    return h, kind


def _ngrams(seq: U64, n: int) -> U64:
    """Rolling combination of ``n`` consecutive hashes (wrapping uint64 arithmetic)."""
    if len(seq) < n:
        return np.empty(0, dtype=np.uint64)
    m = len(seq) - n + 1
    out = seq[:m].copy()
    for k in range(1, n):
        out *= _MUL
        out ^= seq[k : k + m]
    return out


def features(text: str, params: FingerprintParams) -> U64:
    """The sorted, unique feature hashes of ``text``."""
    content: list[int] = []
    skeleton: list[int] = []
    anchors: list[int] = []
    at_start = True
    in_run = False
    for tok in _TOKEN_RE.findall(text):
        h, kind = _word(tok)
        if kind == _KIND_END:
            skeleton.append(_STOP)
            at_start, in_run = True, False
            continue
        if kind == _KIND_FUNCTION:
            skeleton.append(h)
            in_run = False
        else:
            content.append(h)
            if kind == _KIND_ANCHOR and not (at_start and not tok[0].isdigit()):
                anchors.append(h)
            if not in_run:
                skeleton.append(_STAR)
                in_run = True
        at_start = False
    u = np.array(content, dtype=np.uint64) ^ _TAG_U
    sk = np.array(skeleton, dtype=np.uint64)
    s = _ngrams(sk, params.skeleton_n)
    if len(s):
        # an n-gram of placeholders and boundaries only says nothing about the text
        informative = np.zeros(len(s), dtype=bool)
        is_word = (sk != np.uint64(_STAR)) & (sk != np.uint64(_STOP))
        for k in range(params.skeleton_n):
            informative |= is_word[k : k + len(s)]
        s = s[informative] ^ _TAG_S
    a = _ngrams(np.array(anchors, dtype=np.uint64), 2) ^ _TAG_A
    return np.unique(np.concatenate([u, s, a]))
