"""The corpus-as-data suite (tests/cases/*.json, schema in tests/cases/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unspin

CASES = Path(__file__).parent / "cases"
WILD = Path(__file__).resolve().parents[2] / "shared" / "data" / "in-the-wild" / "spun-news.jsonl"


def _load(name: str) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = json.loads((CASES / f"{name}.json").read_text())
    return cases


def _params(name: str) -> list[object]:
    return [pytest.param(c, id=c["label"]) for c in _load(name)]


@pytest.mark.parametrize("case", _params("synthetic") + _params("negative") + _params("known-failures"))
def test_case(case: dict[str, str]) -> None:
    result = unspin.restore(case["spun"])
    # explanations are replayable data, whatever the outcome
    assert unspin.apply_fixes(case["spun"], result.fixes) == result.text
    replayed = unspin.apply_fixes(case["spun"], [f.to_dict() for f in result.fixes])
    assert replayed == result.text
    if case["expect"] == "pass":
        assert result.text == case["original"]
    else:
        assert result.text != case["original"], "a known failure passes now: move it"


def _wild() -> list[dict[str, str]]:
    if not WILD.exists():
        return []
    return [json.loads(line) for line in WILD.read_text().splitlines() if line.strip()]


@pytest.mark.skipif(not WILD.exists(), reason="../shared/data/in-the-wild is not beside the checkout")
@pytest.mark.parametrize("doc", _wild(), ids=lambda d: d["id"])
def test_in_the_wild(doc: dict[str, str]) -> None:
    text = doc["spun_text"]
    result = unspin.restore(text)
    assert unspin.apply_fixes(text, result.fixes) == result.text
    words = len(text.split())
    # real spun news: the restorer finds substitutions at a rate far above honest text
    assert len(result.fixes) / words > 0.01
    assert unspin.detect(text).label == "spun"
