"""The evidence of a text: features of its decoding, and the fitted models that read them.

Shared by :mod:`unspin.restorer` (a fix is more credible in a document that looks spun) and
:mod:`unspin.detector` (a document looks spun when the restorer finds much to fix). The
features use the *margins* of proposed fixes (context-model gain plus channel prior), never
their confidences, so that there is no circle between the two. The models are logistic
regressions fitted on the tune split by ``scripts/train_detector.py`` and shipped in
``data/detector.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from . import lexicon, rules
from .channel import STOPWORDS
from .datafile import packaged, read_json
from .errors import DataFileError
from .fingerprints import FingerprintList, bundled
from .fixes import Evidence
from .lm import BOS, get_model
from .text import word_norms

FEATURES = (
    "fixes_per100",
    "firm_per100",
    "strong_per100",
    "idiom_per100",
    "tortured_per100",
    "profile_per100",
    "thesaurus_per100",
    "gain_per_word",
    "lm_per_word",
    "fingerprint_per100",
    "log_words",
    "pmi_per_word",
    "distinct_gain_per_word",
    "distinct_firm_per100",
)
LONG_TEXT_WORDS = 150  # texts this long or longer are judged against the document threshold
CHEAP_FEATURES = ("filler_per100", "fingerprint_per100", "form_per100", "log_words")


def margin(ev: Evidence) -> float:
    return ev.lm_gain + ev.channel


@dataclass(frozen=True, slots=True)
class Model:
    weights: dict[str, float]
    bias: float
    mean: dict[str, float]
    scale: dict[str, float]
    threshold: float
    threshold_short: float | None = None  # for texts under LONG_TEXT_WORDS words
    # features read as log(1 + m * x): counts whose first few matter more than the next ones
    log1p: dict[str, float] = field(default_factory=dict)
    # the cheap model's threshold for high recall against the full detector (is_spun's)
    recall_threshold: float | None = None

    def value(self, k: str, x: dict[str, float]) -> float:
        m = self.log1p.get(k)
        return x[k] if m is None else math.log1p(m * max(x[k], 0.0))

    def logit(self, x: dict[str, float]) -> float:
        z = self.bias + sum(
            w * (self.value(k, x) - self.mean[k]) / self.scale[k] for k, w in self.weights.items()
        )
        return max(-30.0, min(30.0, z))

    def prob(self, x: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(x)))


DETECTOR_FILE = "detector.json"
DETECTOR_FORMAT = "unspin.detector"


@cache
def model(kind: str) -> Model:
    path = packaged(DETECTOR_FILE)
    try:
        data = read_json(path, DETECTOR_FORMAT, 1, built_by="scripts/train_detector.py")[kind]
    except KeyError:
        raise DataFileError(f"{path}: not a detector model file (no '{kind}' model)") from None
    return Model(
        data["weights"],
        data["bias"],
        data["mean"],
        data["scale"],
        data["threshold"],
        data.get("threshold_short"),
        data.get("log1p", {}),
        data.get("recall_threshold"),
    )


def features(
    text: str,
    evidence: Sequence[Evidence],
    fingerprints: FingerprintList | None = None,
    *,
    keys: Sequence[str] | None = None,
) -> dict[str, float]:
    """Document features from the evidence of every fix the decoder proposed; ``keys`` are
    the spun phrases the evidence is about (a topic word "fixed" ten times counts once)."""
    lm = get_model()
    words = word_norms(text)
    n = max(len(words), 1)
    sure = [e for e in evidence if margin(e) > 0]

    def per100(k: int) -> float:
        return 100.0 * k / n

    def by(source: str) -> int:
        return sum(1 for e in sure if e.source == source)

    lm_total, h1, h2 = 0.0, BOS, ""
    pmi_total, content = 0.0, 0
    for w in words[:2000]:
        lp = lm.logp(w, h1, h2)
        lm_total += lp
        if w not in STOPWORDS and lm.known(w):
            # how much the context predicts the word beyond its plain frequency: a synonym
            # picked without looking at the context is predicted less than the word it replaced
            pmi_total += lp - lm.logp(w, "", "")
            content += 1
        h2, h1 = h1, w
    fp = bundled() if fingerprints is None else fingerprints
    best: dict[str, float] = {}  # the strongest margin for each distinct spun phrase
    phrases = keys if keys is not None else [str(i) for i in range(len(evidence))]
    for k, e in zip(phrases, evidence, strict=True):
        best[k] = max(best.get(k, -99.0), margin(e))
    return {
        "fixes_per100": per100(len(sure)),
        # proposals the context model backs strongly: honest jargon rarely gets these
        "firm_per100": per100(sum(1 for e in evidence if margin(e) > 1.0)),
        "strong_per100": per100(sum(1 for e in evidence if margin(e) > 2.0)),
        "idiom_per100": per100(by("idiom")),
        "tortured_per100": per100(by("tortured")),
        "profile_per100": per100(by("profile")),
        "thesaurus_per100": per100(by("thesaurus")),
        "gain_per_word": sum(max(0.0, margin(e)) for e in evidence) / n,
        "lm_per_word": lm_total / max(min(n, 2000), 1),
        "fingerprint_per100": per100(sum(1 for _ in fp.find(text))),
        "log_words": math.log(n),
        "pmi_per_word": pmi_total / max(content, 1),
        "distinct_gain_per_word": sum(max(0.0, m) for m in best.values()) / n,
        "distinct_firm_per100": per100(sum(1 for m in best.values() if m > 1.0)),
    }


@cache
def _fillers() -> FingerprintList:
    """The spinner habits the cheap path counts: not the 'stock' ones, which are ordinary
    English ('mentioned', 'group') and evidence only beside the family's own."""
    return FingerprintList(
        (i.spun, i.original, "idiom")
        for v in rules.idioms().values()
        for i in v
        if i.kind != "stock"
    )


_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def cheap_features(text: str) -> dict[str, float]:
    """Dictionary-only features: no context model, about a microsecond a word."""
    low = text.lower()
    words = _WORDS.findall(low)
    n = max(len(words), 1)
    rare = lexicon.rare_forms()
    forms = sum(1 for w in words if w in rare and w not in STOPWORDS)
    return {
        "filler_per100": 100.0 * _fillers().count(low) / n,
        "fingerprint_per100": 100.0 * bundled().count(low) / n,
        "form_per100": 100.0 * forms / n,
        "log_words": math.log(n),
    }
