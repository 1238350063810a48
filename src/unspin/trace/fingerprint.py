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
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

# Tokens are runs of non-space characters; punctuation around a word is stripped from it, and a
# word that ends with sentence punctuation closes its sentence ("Monday." -> monday + end).
_STRIP = "\"'“”‘’«»()[]{}<>*_.,;:!?-–—/\\|#@&%$^~`+="
_ENDS = (".", "!", "?", ";", '."', '?"', '!"', ".”", "?”", "!”", ".)", ".'")

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
_STAR = np.uint64(0x5354415200000010)  # a run of content words in the skeleton
_STOP = np.uint64(0x53544F5000000020)  # a sentence boundary in the skeleton

# Token kinds, kept in the low 3 bits of a cached token value; bit 3 marks a sentence end after
# the token; the hash keeps the other 60 bits.
_FUNCTION, _CONTENT, _CAPITAL, _SKIP, _NUMBER = 0, 1, 2, 3, 4
_END_BIT = 8
_HASH_MASK = np.uint64(0xFFFFFFFFFFFFFFF0)


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """Everything that changes which features a text gets; stored with an index, checked on load."""

    scheme: str = "immutables-v2"
    skeleton_n: int = 4
    feature_bits: int = 44  # bits of a feature hash kept in the index (the rest: document)
    max_query_chars: int = 200_000

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FingerprintParams:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


_cache: dict[str, int] = {}
_CACHE_MAX = 2_000_000


def _word(tok: str) -> int:
    """Stable 60-bit hash of the normalised token, its kind and its sentence-end bit."""
    word = tok.strip(_STRIP)
    low = word.lower().replace("’", "'")
    h = int.from_bytes(hashlib.blake2b(low.encode(), digest_size=8).digest(), "little")
    if not word:
        kind = _SKIP
    elif low in FUNCTION_WORDS:
        kind = _FUNCTION
    elif word[0].isdigit():
        kind = _NUMBER
    elif word[0].isupper():
        kind = _CAPITAL  # an anchor, unless it starts a sentence
    elif word[0].isalpha():
        kind = _CONTENT
    else:
        kind = _SKIP
    end = _END_BIT if tok.endswith(_ENDS) else 0
    if len(_cache) > _CACHE_MAX:
        _cache.clear()
    v = (h & ~15) | end | kind
    _cache[tok] = v
    return v


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


I64 = npt.NDArray[np.int64]


def fingerprint_batch(texts: list[str], params: FingerprintParams) -> tuple[U64, I64]:
    """(feature hashes, document numbers) for a batch of texts, in document order.

    A document's features may repeat (see :func:`features` for the unique set); the whole
    batch is fingerprinted with a fixed number of array operations, so the cost per
    document is tokenizing and a dictionary look-up per token.
    """
    get = _cache.get
    vals: list[int] = []
    lens: list[int] = []
    for text in texts:
        toks = text.split()
        v = list(map(get, toks))
        if None in v:
            for t in set(toks).difference(_cache):
                _word(t)
            v = list(map(get, toks))
        vals.extend(v)  # type: ignore[arg-type]
        lens.append(len(v))
    if not vals:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    v_arr = np.array(vals, dtype=np.uint64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    kind = (v_arr & np.uint64(7)).astype(np.int8)
    ends = (v_arr & np.uint64(_END_BIT)) != 0
    h = v_arr & _HASH_MASK
    is_content = (kind == _CONTENT) | (kind == _CAPITAL) | (kind == _NUMBER)
    new_doc = np.empty(len(kind), dtype=bool)
    new_doc[0] = True
    new_doc[1:] = doc[1:] != doc[:-1]
    starts_sentence = new_doc.copy()
    starts_sentence[1:] |= ends[:-1]
    # U: content unigrams
    feats = [h[is_content] ^ _TAG_U]
    docs = [doc[is_content]]
    # A: consecutive anchor pairs within a document
    amask = (kind == _NUMBER) | ((kind == _CAPITAL) & ~starts_sentence)
    a, ad = _ngrams(h[amask], 2), doc[amask]
    if len(a):
        ok = ad[1:] == ad[:-1]
        feats.append(a[ok] ^ _TAG_A)
        docs.append(ad[:-1][ok])
    # S: skeleton n-grams within a document, with at least one function word. Each token gives
    # its entry (a function word, or a star opening a run of content words) then, if it ends a
    # sentence, a boundary.
    n = params.skeleton_n
    prev_content = np.concatenate(([False], is_content[:-1]))
    run_start = is_content & (starts_sentence | ~prev_content)
    two = np.empty(2 * len(kind), dtype=np.uint64)
    two[0::2] = np.where(kind == _FUNCTION, h, _STAR)
    two[1::2] = _STOP
    keep = np.empty(2 * len(kind), dtype=bool)
    keep[0::2] = (kind == _FUNCTION) | run_start
    keep[1::2] = ends
    sk = two[keep]
    sd = np.repeat(doc, 2)[keep]
    is_word = np.repeat(kind == _FUNCTION, 2)
    is_word[1::2] = False
    is_word = is_word[keep]
    s = _ngrams(sk, n)
    if len(s):
        ok = sd[n - 1 :] == sd[: len(s)]
        informative = np.zeros(len(s), dtype=bool)
        for k in range(n):
            informative |= is_word[k : k + len(s)]
        ok &= informative
        feats.append(s[ok] ^ _TAG_S)
        docs.append(sd[: len(s)][ok])
    return np.concatenate(feats), np.concatenate(docs)


def features(text: str, params: FingerprintParams) -> U64:
    """The sorted, unique feature hashes of ``text``."""
    return np.unique(fingerprint_batch([text], params)[0])
