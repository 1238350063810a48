"""detect(): how likely a text is machine-spun, which spans give it away, and why.

Detection reads the same decoding that restoration does. The evidence of a document is a
small vector of features (:func:`features`): how many substitutions the restorer proposes
per 100 words and from which sources, how much more probable the text becomes once restored,
how probable it is at all under the context model, and hits of known spun phrases. A logistic
model fitted on held-apart synthetic spins and honest text (``scripts/train_detector.py``,
shipped as ``data/detector.json``) turns them into a probability. Every flagged span carries
its suggested original and its reason: a risk marker, never a bare verdict.

:func:`is_spun` is the cheap path for crawl filtering: it reads only dictionary features
(known phrases, spinner fillers, thesaurus forms), no context model, and stops as soon as
the evidence is strong.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import collocations, evidence
from .fingerprints import FingerprintList, bundled
from .lm import TRIGRAM, is_neural, resolve
from .profile import Profile
from .restorer import analyse, channel_for, looks_english
from .text import word_norms

MIN_WORDS = 30  # shorter texts are "uncertain": too little evidence either way
UNCERTAIN_BAND = 0.15  # scores this close below the threshold are "uncertain"
# A neural model re-reads a text only when the trigram score is at least this close below the
# threshold: clearly clean text (most of a crawl) never pays for the model.
NEURAL_CASCADE_BAND = 0.4
SPAN_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    suggestion: str
    score: float
    reason: str


@dataclass(slots=True)
class Detection:
    score: float
    label: str  # "spun", "clean" or "uncertain"
    spans: list[Span] = field(default_factory=list)
    profile: str | None = None
    reasons: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    model: str = TRIGRAM  # the context model whose fixes gave the spans

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "label": self.label,
            "spans": [asdict(s) for s in self.spans],
            "profile": self.profile,
            "reasons": list(self.reasons),
            "model": self.model,
        }


def detect(
    text: str,
    *,
    profile: Profile | str | Path | None = None,
    threshold: float | None = None,
    fingerprints: FingerprintList | None = None,
    broken_collocations: bool = False,
    model: str | None = None,
) -> Detection:
    """Score how likely ``text`` is machine-spun, with the spans that give it away.

    ``broken_collocations`` also shows word pairs that read as a spun collocation
    (:mod:`unspin.collocations`): weak evidence that costs about a sixth of the run time, off
    by default. ``model`` names the context model (:func:`unspin.lm.resolve`). The score
    comes from the trigram pass; a neural model, when chosen, re-reads only texts that pass
    did not find clearly clean (a cascade) and gives their spans."""
    context_model = resolve(model)
    clf = evidence.model("full")
    words = len(word_norms(text))
    if threshold is None:
        short = words < evidence.LONG_TEXT_WORDS and clf.threshold_short is not None
        threshold = clf.threshold_short if short and clf.threshold_short else clf.threshold
    if words == 0:
        return Detection(0.0, "uncertain", reasons=["too short: no words"])
    if not looks_english(text):
        return Detection(0.0, "uncertain", reasons=["not English: unspin models English only"])
    channel = channel_for(profile)
    blocks = list(analyse(text, channel))
    fixes = [f for b in blocks for f in b.fixes]
    used = TRIGRAM
    if len(blocks) == 1 and blocks[0].features and fingerprints is None:
        x = blocks[0].features  # the decoder already read this text's evidence
    else:
        x = evidence.features(
            text,
            [e for b in blocks for e in b.evidence],
            fingerprints,
            keys=[k for b in blocks for k in b.keys],
        )
    score = clf.prob(x)
    if is_neural(context_model) and score >= threshold - NEURAL_CASCADE_BAND:
        fixes = [f for b in analyse(text, channel, model=context_model) for f in b.fixes]
        used = context_model
    spans = [
        Span(
            f.start,
            f.end,
            f.spun,
            f.original,
            round(f.confidence, 4),
            f.evidence.note
            if is_neural(used)
            else f"{f.evidence.note}; context model gain {f.evidence.lm_gain:+.1f}",
        )
        for f in fixes
        if f.confidence >= SPAN_MIN_CONFIDENCE
    ]
    fp = bundled() if fingerprints is None else fingerprints
    for h in fp.find(text):
        if not any(s.start <= h.start < s.end for s in spans):
            spans.append(
                Span(h.start, h.end, h.phrase, h.expected, 1.0, f"known spun phrase ({h.source})")
            )
    for c in collocations.find(text) if broken_collocations else ():
        if not any(s.start < c.end and c.start < s.end for s in spans):
            spans.append(
                Span(
                    c.start,
                    c.end,
                    c.text,
                    c.suggestion,
                    _sigmoid(c.strength),
                    f"broken collocation: {c.note}",
                )
            )
    spans.sort(key=lambda s: s.start)
    reasons = _reasons(x, spans)
    if words < MIN_WORDS:
        label = "uncertain"
        reasons.insert(0, f"too short: {words} words (at least {MIN_WORDS} for a verdict)")
    elif score >= threshold:
        label = "spun"
    elif score >= threshold - UNCERTAIN_BAND:
        label = "uncertain"
    else:
        label = "clean"
    if channel.profile is not None and x["profile_per100"] > 0:
        prof: str | None = channel.profile.name
    else:
        prof = best_matching_profile(
            {
                (f.spun.lower(), f.original.lower())
                for f in fixes
                if f.confidence >= SPAN_MIN_CONFIDENCE
            }
        )
    if prof is not None:
        reasons.append(f"substitutions match the '{prof}' spinner family")
    return Detection(score, label, spans, prof, reasons, x, used)


def _sigmoid(z: float) -> float:
    return round(1.0 / (1.0 + math.exp(-z)), 4)


MIN_PROFILE_PAIRS = 3
MIN_PROFILE_SHARE = 0.5


def best_matching_profile(pairs: set[tuple[str, str]]) -> str | None:
    """The known spinner family (the emulator's profiles) whose substitution table explains
    most of the restored pairs, if it explains at least half of three or more."""
    if len(pairs) < MIN_PROFILE_PAIRS:
        return None
    from .trace.group import emulator_profiles, emulator_table

    best, best_share = None, 0.0
    for name in emulator_profiles():
        share = len(pairs & emulator_table(name)) / len(pairs)
        if share > best_share:
            best, best_share = name, share
    return best if best_share >= MIN_PROFILE_SHARE else None


def _reasons(x: dict[str, float], spans: list[Span]) -> list[str]:
    out = []
    if x["idiom_per100"] > 0:
        out.append(f"spinner fillers and expansions: {x['idiom_per100']:.1f} per 100 words")
    if x["tortured_per100"] > 0:
        out.append(f"paper-mill substitutions: {x['tortured_per100']:.1f} per 100 words")
    if x["thesaurus_per100"] > 0:
        out.append(f"out-of-context synonyms: {x['thesaurus_per100']:.1f} per 100 words")
    if x["fingerprint_per100"] > 0:
        out.append(f"known spun phrases: {x['fingerprint_per100']:.1f} per 100 words")
    if spans:
        best = max(spans, key=lambda s: s.score)
        out.append(f"strongest: '{best.text}' for '{best.suggestion}'")
    return out


# --- the cheap path ----------------------------------------------------------------------


def is_spun(text: str, *, chunk_words: int = 400) -> bool:
    """Cheap check: True as soon as one chunk of the text looks spun. No context model."""
    model = evidence.model("cheap")
    tokens = text.split()
    for i in range(0, max(len(tokens), 1), chunk_words):
        chunk = " ".join(tokens[i : i + chunk_words])
        if len(chunk.split()) < MIN_WORDS and i > 0:
            break
        if model.prob(evidence.cheap_features(chunk)) >= model.threshold:
            return True
    return False
