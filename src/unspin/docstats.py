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
import weakref
from collections import Counter

from .channel import MAX_SPAN, Priors, family_activation, signatures
from .lm import ContextModel
from .text import Token

ASSUMED_RATE = 0.3  # the typical share of eligible words a spinner rewrites
MAX_PHRASE = MAX_SPAN  # count every phrase the channel can propose

# (spun, original) -> the log10 ratios a count of each adds to the LLR; they depend only on
# the context model, so documents share them
Rates = dict[tuple[str, str], tuple[float, float]]
_RATES: weakref.WeakKeyDictionary[ContextModel, Rates] = weakref.WeakKeyDictionary()


class DocStats:
    def __init__(self, tokens: list[Token], lm: ContextModel, priors: Priors | None = None) -> None:
        norms = [t.norm for t in tokens if t.is_word]
        self.counts: Counter[str] = Counter(norms)
        for n in range(2, MAX_PHRASE + 1):
            self.counts.update(map(" ".join, zip(*(norms[k:] for k in range(n)), strict=False)))
        # How far the block shows each spinner family's distinctive habits (0..1): the share
        # of the way that family's habits' priors move towards ``Priors.family_prior`` here
        # (:func:`unspin.channel.family_lift`). Only families the block shows; none without
        # ``priors``.
        self.family: dict[str, float] = {}
        if priors is not None:
            for name, keys in signatures(priors).items():
                present = sum(1 for k in keys if self.counts.get(k, 0))
                activation = family_activation(present, priors)
                if activation > 0.0:
                    self.family[name] = activation
        self._lm = lm
        try:
            self._rates = _RATES.setdefault(lm, {})
        except TypeError:  # a model without weak references: rates for this document only
            self._rates = {}

    def llr(self, spun: str, original: str) -> float:
        """log10 likelihood ratio that the document applies the rule ``original -> spun``."""
        key = (spun, original)
        rates = self._rates.get(key)
        if rates is None:
            if len(self._rates) > 500_000:
                self._rates.clear()
            rates = self._rates[key] = self._rates_of(spun, original)
        return self.counts.get(spun, 0) * rates[0] + self.counts.get(original, 0) * rates[1]

    def _rates_of(self, spun: str, original: str) -> tuple[float, float]:
        """What one use of S and one use of O add to the LLR: log10(q'/q), log10((1-q')/(1-q))."""
        ls = self._lm.score(tuple(spun.split()), "", "")
        lo = self._lm.score(tuple(original.split()), "", "")
        q = 1.0 / (1.0 + 10 ** (lo - ls))
        q = min(max(q, 1e-6), 1 - 1e-6)
        q2 = q + (1 - q) * ASSUMED_RATE
        return math.log10(q2 / q), math.log10((1 - q2) / (1 - q))
