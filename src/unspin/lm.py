"""Context models, behind a small registry. The default is CMU's generic US-English trigram.

P(original) in the noisy channel. The default, ``sphinx-trigram``, is the 72k-word trigram
model that the ``pocketsphinx`` wheel ships (``model/en-us/en-us.lm.bin``, BSD-2): it installs
offline, loads by memory map in about 50 ms and answers a query in about a microsecond.
Scores are log10 probabilities. Words the model does not know (names, typos, other languages)
get a fixed floor and cut the history, so they neither reward nor punish a candidate.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol

from .errors import DataFileError, UnspinError

UNKNOWN_LOGP = -6.0  # log10 floor for a word the model does not know
BOS, EOS = "<s>", "</s>"
# Memo sizes: an entry costs about 200 bytes, so these bound the memos near 80 MB and 20 MB
# (at 2,000,000 the memo alone reached 400 MB on large input; issue 14).
MAX_MEMO = 400_000
MAX_KNOWN = 200_000


class ContextModel(Protocol):
    name: str

    def logp(self, word: str, h1: str, h2: str) -> float:
        """log10 P(word | h2 h1); ``h1`` is the previous word, '' for none."""

    def known(self, word: str) -> bool: ...

    def score(self, words: Sequence[str], h1: str = BOS, h2: str = "") -> float:
        """log10 probability of ``words`` after the history (h2, h1)."""


class SphinxTrigram:
    """The trigram model shipped in the pocketsphinx wheel."""

    name = "sphinx-trigram"
    _LOG10_BASE = math.log10(1.0001)  # pocketsphinx scores are logs in base 1.0001
    _UNKNOWN = -536870912

    def __init__(self, path: str | None = None) -> None:
        try:
            import pocketsphinx
        except ImportError as e:  # pragma: no cover - a declared dependency
            raise UnspinError("the default context model needs: pip install pocketsphinx") from e
        path = path or os.path.join(
            os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us.lm.bin"
        )
        if not os.path.exists(path):
            raise DataFileError(f"{path}: context model not found (reinstall pocketsphinx)")
        self._model = pocketsphinx.NGramModel.readfile(path)
        self._prob = self._model.prob
        self._known: dict[str, bool] = {}
        self._memo: dict[tuple[str, str, str], float] = {}

    def known(self, word: str) -> bool:
        k = self._known.get(word)
        if k is None:
            if len(self._known) > MAX_KNOWN:  # crawl input brings endless names and typos
                self._known.clear()
            raw = self._prob([word])
            k = self._known[word] = raw != self._UNKNOWN
            # the same query is the word's unigram score: keep it for logp(word, "", "")
            self._memo[(word, "", "")] = float(raw) * self._LOG10_BASE if k else UNKNOWN_LOGP
        return k

    def logp(self, word: str, h1: str, h2: str) -> float:
        key = (word, h1, h2)
        v = self._memo.get(key)
        if v is None:
            if len(self._memo) > MAX_MEMO:  # bounded memory on endless input
                self._memo.clear()
            v = self._memo[key] = self._logp(word, h1, h2)
        return v

    def _logp(self, word: str, h1: str, h2: str) -> float:
        seen = self._known.get  # known() without the call, for words already looked up
        if not (seen(word) or self.known(word)):
            return UNKNOWN_LOGP
        if not h1 or not (seen(h1) or self.known(h1)):
            if h1 != BOS:  # the unigram score, which known() usually left in the memo
                v = self._memo.get((word, "", ""))
                return float(self._prob([word])) * self._LOG10_BASE if v is None else v
            query = [word, BOS]
        elif not h2 or not (seen(h2) or self.known(h2)):
            query = [word, h1]
        else:
            query = [word, h1, h2]
        return float(self._prob(query)) * self._LOG10_BASE

    def score(self, words: Sequence[str], h1: str = BOS, h2: str = "") -> float:
        """log10 probability of ``words`` after the history (h2, h1)."""
        total = 0.0
        for w in words:
            total += self.logp(w, h1, h2)
            h2, h1 = h1, w
        return total


MODELS: dict[str, Callable[[], ContextModel]] = {"sphinx-trigram": SphinxTrigram}
TRIGRAM = "sphinx-trigram"
AUTO = "auto"
ALIASES = {"trigram": TRIGRAM}


def model_names() -> list[str]:
    """Every name ``--model`` accepts: 'auto', the trigram (also 'trigram'), the neural models."""
    from .neural import NEURAL_MODELS

    return [AUTO, "trigram", *MODELS, *NEURAL_MODELS]


def resolve(name: str | None = None) -> str:
    """The context model a restore or detect uses. ``None`` reads ``UNSPIN_MODEL`` and falls
    back to 'auto': the default neural model when its extra is installed, else the trigram
    (the fast path). An unknown name fails here, listing what is available."""
    from . import neural

    if name is None:
        name = os.environ.get("UNSPIN_MODEL") or AUTO
    name = ALIASES.get(name, name)
    if name == AUTO:
        return neural.DEFAULT_NEURAL if neural.available() else TRIGRAM
    if name in MODELS or name in neural.NEURAL_MODELS:
        return name
    raise UnspinError(f"unknown context model {name!r}; available: {', '.join(model_names())}")


def is_neural(name: str) -> bool:
    from .neural import NEURAL_MODELS

    return name in NEURAL_MODELS


@cache
def get_model(name: str = "sphinx-trigram") -> ContextModel:
    try:
        factory = MODELS[name]
    except KeyError:
        raise UnspinError(
            f"unknown context model {name!r}; available: {', '.join(MODELS)}"
        ) from None
    return factory()
