"""From evidence to a confidence: a logistic model over the evidence of one fix.

The margin of a fix is how much more probable the text is with it, in log10 units: the
context-model gain plus the channel prior. ``confidence = sigmoid(a * margin + b + bias[source]
+ d * document_logit)``, where ``document_logit`` is the detector's log-odds that the
surrounding block of text is spun (a fix is more credible in a document that looks spun),
with parameters fitted on held-apart synthetic data by ``scripts/calibrate.py`` and
shipped in ``data/calibration.json``; until fitted, margin is read as log10 odds.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from .datafile import packaged
from .fixes import Evidence

FILE = "calibration.json"
_DEFAULT: dict[str, Any] = {
    "version": 1,
    "a": math.log(10),
    "b": 0.0,
    "source_bias": {},
    "document": 0.0,
}


@cache
def params() -> dict[str, Any]:
    path = packaged(FILE)
    if not path.exists():
        return _DEFAULT
    p: dict[str, Any] = json.loads(path.read_text())
    return p


DOCUMENT_LOGIT_CLIP = 4.0  # a document's evidence moves a fix's odds only so far


# The neural path's margins are larger and mean something else: its own parameters, in the
# same file under "neural"; until fitted, the margin in nats is read as log odds, minus one.
_NEURAL_DEFAULT: dict[str, Any] = {"a": math.log(10), "b": -1.0, "source_bias": {}, "document": 0.0}


def confidence(ev: Evidence, document_logit: float = 0.0, *, neural: bool = False) -> float:
    """P(fix is right | its margin, its source, how spun its document looks)."""
    p = params().get("neural", _NEURAL_DEFAULT) if neural else params()
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
        # a learned farm rule carries its own confidence (its channel prior is log10 of it):
        # when the context model does not object, the fix is at least that sure
        return max(calibrated, 10 ** min(0.0, ev.channel))
    return calibrated
