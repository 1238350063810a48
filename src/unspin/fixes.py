"""The Fix record and its replay: explanations are data.

As in ftfy's ``fix_and_explain``/``apply_plan``: :func:`unspin.restore` returns the restored
text *and* the list of fixes, and ``apply_fixes(spun, fixes)`` reproduces the restored text
exactly. Fixes are plain, JSON-friendly data so that they can be stored, filtered by
confidence, reviewed by a person and replayed later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# the confidence below which a fix is dropped, unless the caller says otherwise (restore, the
# CLI, scan, the server and the pipeline all start from it)
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a fix was made: where the candidate came from and what the context model said."""

    source: str  # who proposed it: "idiom", "tortured", "profile", "thesaurus", "name", ...
    lm_gain: float  # log10 likelihood gain of the context model for the restored window
    channel: float  # log10 prior of this substitution under the channel
    note: str = ""  # human-readable detail ("spinner filler: 'has actually' -> 'has'")


@dataclass(frozen=True, slots=True)
class Fix:
    """One replacement: ``text[start:end] == spun`` becomes ``original``."""

    start: int
    end: int
    spun: str
    original: str
    confidence: float
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["confidence"] = round(self.confidence, 4)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Fix:
        ev = d.get("evidence") or {}
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            spun=str(d["spun"]),
            original=str(d["original"]),
            confidence=float(d.get("confidence", 1.0)),
            evidence=Evidence(
                source=str(ev.get("source", "")),
                lm_gain=float(ev.get("lm_gain", 0.0)),
                channel=float(ev.get("channel", 0.0)),
                note=str(ev.get("note", "")),
            ),
        )


@dataclass(slots=True)
class Restoration:
    """The result of :func:`unspin.restore`: the restored text and how it was obtained."""

    text: str
    fixes: list[Fix]
    warnings: list[str] = field(default_factory=list)
    model: str = "sphinx-trigram"  # the context model that chose the fixes

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "fixes": [f.to_dict() for f in self.fixes],
            "warnings": list(self.warnings),
            "model": self.model,
        }


def apply_fixes(text: str, fixes: Iterable[Fix | Mapping[str, Any]]) -> str:
    """Replay ``fixes`` on ``text``; raises ValueError if a fix does not match the text."""
    ordered = sorted(
        (f if isinstance(f, Fix) else Fix.from_dict(f) for f in fixes), key=lambda f: f.start
    )
    out: list[str] = []
    pos = 0
    for f in ordered:
        if f.start < pos:
            raise ValueError(f"overlapping fix at {f.start}: {f.spun!r}")
        if text[f.start : f.end] != f.spun:
            raise ValueError(
                f"fix at {f.start}-{f.end} expects {f.spun!r}, text has {text[f.start : f.end]!r}"
            )
        out.append(text[pos : f.start])
        out.append(f.original)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
