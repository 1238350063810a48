"""Document-level evidence: does this document use a substitution systematically?

A spinner applies its key across the whole document, so a spun form S shows up far more
often, relative to the original O it replaces, than in honest English. For a candidate rule
S <- O the document gives counts c_S and c_O; under honest writing S takes a share q of
their uses (q from the context model's unigram probabilities), under a spinner of rate r a
share q' = q + (1 - q) r. The log-likelihood ratio

    LLR = c_S log(q'/q) + c_O log((1 - q')/(1 - q))

is positive when the document over-uses S (one 'as well as' among no 'and' at all) and
negative when it is used as honest writers do (one 'as well as' among twenty 'and').
This is the decipherment step over one document: it needs no labels.
"""

from __future__ import annotations

import math
from collections import Counter

from .channel import MAX_SPAN
from .lm import ContextModel
from .text import Token

ASSUMED_RATE = 0.3  # the typical share of eligible words a spinner rewrites
MAX_PHRASE = MAX_SPAN  # count every phrase the channel can propose


class DocStats:
    def __init__(self, tokens: list[Token], lm: ContextModel) -> None:
        norms = [t.norm for t in tokens if t.is_word]
        self.counts: Counter[str] = Counter()
        for n in range(1, MAX_PHRASE + 1):
            for i in range(len(norms) - n + 1):
                self.counts[" ".join(norms[i : i + n])] += 1
        self._lm = lm
        self._memo: dict[tuple[str, str], float] = {}

    def llr(self, spun: str, original: str) -> float:
        """log10 likelihood ratio that the document applies the rule ``original -> spun``."""
        key = (spun, original)
        v = self._memo.get(key)
        if v is None:
            v = self._memo[key] = self._llr(spun, original)
        return v

    def _llr(self, spun: str, original: str) -> float:
        c_s, c_o = self.counts.get(spun, 0), self.counts.get(original, 0)
        ls = self._lm.score(tuple(spun.split()), "", "")
        lo = self._lm.score(tuple(original.split()), "", "")
        q = 1.0 / (1.0 + 10 ** (lo - ls))
        q = min(max(q, 1e-6), 1 - 1e-6)
        q2 = q + (1 - q) * ASSUMED_RATE
        return c_s * math.log10(q2 / q) + c_o * math.log10((1 - q2) / (1 - q))
