"""From evidence to a confidence: a logistic model over the evidence of one fix.

The margin of a fix is how much more probable the text is with it, in log10 units: the
context-model gain plus the channel prior. ``confidence = sigmoid(a * margin + b + bias[source]
+ d * document_logit)``, where ``document_logit`` is the detector's log-odds that the
surrounding block of text is spun (a fix is more credible in a document that looks spun),
with parameters fitted on held-apart synthetic data by ``scripts/train_detector.py`` (the
trigram path) and ``scripts/calibrate_neural.py`` (the neural path) and shipped in
``data/calibration.json`` (a checked parameter file: a missing or foreign file is an error,
never a silent default).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from .datafile import packaged, read_json
from .errors import DataFileError
from .fixes import Evidence

FILE = "calibration.json"
FORMAT = "unspin.calibration"
VERSION = 1


@cache
def params() -> dict[str, Any]:
    return read_json(packaged(FILE), FORMAT, VERSION, built_by="scripts/train_detector.py")


DOCUMENT_LOGIT_CLIP = 4.0  # a document's evidence moves a fix's odds only so far


# The neural path's margins are larger and mean something else: its own parameters, in the
# same file under "neural". Every fix has one source: thesaurus neighbours are the reference
# level, and each of these sources has its own offset from them (scripts/calibrate_neural.py
# fits exactly these; any other source, such as a known name, is read like a thesaurus
# neighbour).
NEURAL_SOURCES = ("idiom", "tortured", "profile")


@cache
def _neural() -> dict[str, Any]:
    p = params().get("neural")
    if not isinstance(p, dict):
        raise DataFileError(
            f"{packaged(FILE)}: no 'neural' calibration; run scripts/calibrate_neural.py"
        )
    levels = p.get("source_bias")
    if not isinstance(levels, dict) or sorted(levels) != sorted(NEURAL_SOURCES):
        # a file fitted with other source levels reads every fix on another scale
        raise DataFileError(
            f"{packaged(FILE)}: the 'neural' calibration has source levels "
            f"{sorted(levels) if isinstance(levels, dict) else levels}, not "
            f"{sorted(NEURAL_SOURCES)}; run scripts/calibrate_neural.py"
        )
    return p


def confidence(ev: Evidence, document_logit: float = 0.0, *, neural: bool = False) -> float:
    """P(fix is right | its margin, its source, how spun its document looks)."""
    p = _neural() if neural else params()
    document_logit = max(-DOCUMENT_LOGIT_CLIP, min(DOCUMENT_LOGIT_CLIP, document_logit))
    margin = ev.lm_gain + ev.channel
    z = (
        p["a"] * margin
        + p["b"]
        + p["source_bias"].get(ev.source, 0.0)
        + p.get("document", 0.0) * document_logit
    )
    z = max(-30.0, min(30.0, z))
    calibrated = 1.0 / (1.0 + math.exp(-z))
    if ev.source == "profile" and ev.lm_gain >= 0:
        # a learned farm rule carries its own confidence (its channel prior is the log-odds
        # of it, clipped: channel.profile_prior): when the context model does not object, the
        # fix is at least that sure
        odds = 10 ** min(30.0, ev.channel)
        return max(calibrated, odds / (1 + odds))
    return calibrated
