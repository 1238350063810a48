"""From evidence to a confidence: a logistic model over the evidence of one fix.

The margin of a fix is how much more probable the text is with it, in log10 units: the
context-model gain plus the channel prior. ``confidence = sigmoid(a * margin + b + bias[source])``
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
_DEFAULT: dict[str, Any] = {"version": 1, "a": math.log(10), "b": 0.0, "source_bias": {}}


@cache
def params() -> dict[str, Any]:
    path = packaged(FILE)
    if not path.exists():
        return _DEFAULT
    p: dict[str, Any] = json.loads(path.read_text())
    return p


def confidence(ev: Evidence) -> float:
    p = params()
    margin = ev.lm_gain + ev.channel
    z = p["a"] * margin + p["b"] + p["source_bias"].get(ev.source, 0.0)
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))
