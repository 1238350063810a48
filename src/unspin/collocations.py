"""Broken collocations: word pairs that read as a spun form of a strong collocation.

A synonym spinner turns "artificial intelligence" into "counterfeit consciousness": each word
is a thesaurus synonym of the original's, but the pair is no longer a collocation. For every
two adjacent content words (w1, w2) that the context model knows (no stop words, numbers,
acronyms or capitalised words mid-sentence), the alternatives are the bigrams (c1, c2) with
c1 in {w1} + originals(w1) and c2 in {w2} + originals(w2), one or both changed (the reverse
thesaurus of ``lexicon``; 15 originals per word for one change, 6 x 6 for two). An
alternative counts only if the trigram model has *seen* the bigram (it is not a back-off:
a backed-off bigram's PMI equals the history's back-off weight, found with a few probe words)
and its PMI beats the observed pair's. The observed pair is skipped when the model has seen it
with PMI > 0.3 (it is a collocation itself).

Each alternative gets a linear score (a logit) from its features: the PMI of both bigrams,
whether the observed one was seen, the alternative's conditional and joint log-probability,
and for each changed word its rank among the originals, how many thesauri know the link, how
much more common the original is, and whether the observed word is a "rare form". The
weights were fitted by ``scripts/fit_collocations.py`` (dev-split tortured phrases restored
word for word against every alternative proposed on tune-split honest text). A pair is
reported when its best alternative scores at least ``Settings.threshold``.

Measured by ``benchmarks/bench_collocations.py``: the signal is weak. The reverse thesaurus
knows the expected originals of only about 29% of the two-word dev phrases, and the generic
trigram has seen only half of the expected (mostly technical) collocations, so at a false-alarm
rate below 0.5 per 1,000 honest words few tortured phrases are flagged. Use hits as evidence
to combine with others, not as a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from . import lexicon
from .channel import STOPWORDS
from .lm import ContextModel, get_model
from .text import Token, tokenize

__all__ = ["Hit", "Settings", "find"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase that reads as a spun collocation: its span, the collocation it may stand for."""

    start: int
    end: int
    text: str
    suggestion: str
    strength: float
    note: str


@dataclass(frozen=True, slots=True)
class Settings:
    threshold: float = 2.0  # logit of the fitted score a pair must reach to be reported
    candidates: int = 15  # originals tried per word when one word is changed
    double: int = 6  # originals tried per word when both words are changed
    max_obs_pmi: float = 0.3  # a pair the model has seen with a higher PMI is a collocation


DEFAULT = Settings()

# Features of one alternative (c1, c2) for an observed pair (w1, w2); see ``features``.
FEATURES = (
    "alt_pmi",
    "obs_pmi",
    "obs_seen",
    "alt_cond",
    "alt_joint",
    "both",
    "ch1",
    "rank1",
    "bits1",
    "freq1",
    "rare1",
    "ch2",
    "rank2",
    "bits2",
    "freq2",
    "rare2",
)
# Fitted by scripts/fit_collocations.py (dev tortured phrases against tune-split honest text).
WEIGHTS = (
    +2.0443,  # alt_pmi
    -2.2421,  # obs_pmi
    -0.9961,  # obs_seen
    +0.5634,  # alt_cond
    -0.7766,  # alt_joint
    -1.8530,  # both
    -1.8377,  # ch1
    -0.8759,  # rank1
    +0.8016,  # bits1
    +1.0198,  # freq1
    +0.2955,  # rare1
    -1.2023,  # ch2
    -0.8821,  # rank2
    +0.6331,  # bits2
    +0.3684,  # freq2
    +0.1311,  # rare2
)
BIAS = -9.5977

_PROBES = ("xylophone", "aardvark", "quixotic", "marmalade", "walrus")
_SAME = 3e-4  # pocketsphinx rounds each score to a 1.0001-base integer

Alternative = tuple[str, str, tuple[float, ...]]


class _Scorer:
    def __init__(self, model: ContextModel, settings: Settings) -> None:
        self.m = model
        self.s = settings
        self._bow: dict[str, float] = {}
        self._cands: dict[str, tuple[tuple[str, int, int, float], ...]] = {}
        self._pairs: dict[tuple[str, str], tuple[float, str, str] | None] = {}
        self._rare = lexicon.rare_forms()

    def bow(self, a: str) -> float:
        """The back-off weight of ``a``: its PMI with words it was never seen before."""
        v = self._bow.get(a)
        if v is None:
            lp = self.m.logp
            vals = sorted(lp(p, a, "") - lp(p, "", "") for p in _PROBES)
            v = self._bow[a] = vals[len(vals) // 2]
        return v

    def pmi(self, a: str, b: str) -> tuple[float, bool]:
        """(PMI of the bigram a b, whether the model has seen it rather than backed off)."""
        lp = self.m.logp
        d = lp(b, a, "") - lp(b, "", "")
        return d, abs(d - self.bow(a)) > _SAME

    def cands(self, w: str) -> tuple[tuple[str, int, int, float], ...]:
        """(original, rank, thesauri agreeing, log10 frequency gain) for a word, best first."""
        c = self._cands.get(w)
        if c is None:
            lp, known = self.m.logp, self.m.known
            uw = lp(w, "", "")
            out: list[tuple[str, int, int, float]] = []
            for rank, (orig, bits) in enumerate(lexicon.originals(w)):
                if orig == w or orig in STOPWORDS or not orig.isalpha() or not known(orig):
                    continue
                out.append((orig, rank, bin(bits).count("1"), lp(orig, "", "") - uw))
                if len(out) >= self.s.candidates:
                    break
            c = self._cands[w] = tuple(out)
        return c

    def alternatives(self, w1: str, w2: str) -> list[Alternative]:
        """Every seen bigram (c1, c2) of originals stronger than (w1, w2), with its features."""
        obs, seen = self.pmi(w1, w2)
        if seen and obs > self.s.max_obs_pmi:
            return []
        lp = self.m.logp
        keep1: tuple[str, int, int, float] = (w1, -1, 0, 0.0)
        keep2: tuple[str, int, int, float] = (w2, -1, 0, 0.0)
        c1s, c2s = self.cands(w1), self.cands(w2)
        d = self.s.double
        combos = [(keep1, c) for c in c2s] + [(c, keep2) for c in c1s]
        combos += [(a, b) for a in c1s[:d] for b in c2s[:d]]
        out: list[Alternative] = []
        for a, b in combos:
            c1, c2 = a[0], b[0]
            p, ok = self.pmi(c1, c2)
            if not ok or p <= obs:
                continue
            cond = lp(c2, c1, "")
            f = [p, obs, float(seen), cond, lp(c1, "", "") + cond, float(a[1] >= 0 and b[1] >= 0)]
            for word, (_, rank, bits, gain) in ((w1, a), (w2, b)):
                if rank < 0:
                    f += [0.0, 0.0, 0.0, 0.0, 0.0]
                else:
                    rare = float(word in self._rare)
                    f += [1.0, rank / 16, float(bits), min(max(gain, -2.0), 3.0), rare]
            out.append((c1, c2, tuple(f)))
        return out

    def pair(self, w1: str, w2: str) -> tuple[float, str, str] | None:
        """The best alternative's (score, c1, c2), or None when no alternative is stronger."""
        key = (w1, w2)
        if key in self._pairs:
            return self._pairs[key]
        best: tuple[float, str, str] | None = None
        for c1, c2, f in self.alternatives(w1, w2):
            score = BIAS + sum(w * x for w, x in zip(WEIGHTS, f, strict=True))
            if best is None or score > best[0]:
                best = (score, c1, c2)
        if len(self._pairs) > 500_000:  # bounded memory on endless input
            self._pairs.clear()
        self._pairs[key] = best
        return best


@cache
def _scorer(settings: Settings) -> _Scorer:
    return _Scorer(get_model(), settings)


_SENT_END = frozenset(".!?;:")


def _usable(tokens: Sequence[Token], i: int) -> bool:
    """A lowercase word, or a capitalised one starting a sentence (no name, no acronym)."""
    tok = tokens[i]
    if not tok.is_word:
        return False
    t = tok.text
    if t[:1].isupper():
        if t.isupper() and len(t) > 1:
            return False
        if i > 0 and tokens[i - 1].text not in _SENT_END:
            return False
    return True


def word_pairs(text: str, tokens: Sequence[Token], model: ContextModel) -> list[int]:
    """Indices i where tokens i and i+1 are adjacent content words the model knows."""
    norms = [t.norm for t in tokens]
    ok = [
        _usable(tokens, i) and norms[i] not in STOPWORDS and model.known(norms[i])
        for i in range(len(tokens))
    ]
    return [
        i
        for i in range(len(tokens) - 1)
        if ok[i] and ok[i + 1] and text[tokens[i].end : tokens[i + 1].start].isspace()
    ]


def find(text: str, settings: Settings = DEFAULT) -> list[Hit]:
    """Adjacent word pairs whose originals form a much stronger collocation than they do.

    Overlapping hits keep the stronger one. ``strength`` is the fitted score (a logit).
    """
    tokens = tokenize(text)
    if len(tokens) < 2:
        return []
    sc = _scorer(settings)
    hits: list[Hit] = []
    for i in word_pairs(text, tokens, sc.m):
        a, b = tokens[i], tokens[i + 1]
        w1, w2 = a.norm, b.norm
        res = sc.pair(w1, w2)
        if res is None or res[0] < settings.threshold:
            continue
        score, c1, c2 = res
        if hits and a.start < hits[-1].end:
            if hits[-1].strength >= score:
                continue
            hits.pop()
        hits.append(
            Hit(
                a.start,
                b.end,
                text[a.start : b.end],
                f"{c1} {c2}",
                round(score, 3),
                f"'{c1} {c2}' is a collocation, '{w1} {w2}' is not",
            )
        )
    return hits
