"""calibration: from a fix's evidence (margin, source, document) to a confidence."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspin import calibration
from unspin.channel import Priors, profile_prior
from unspin.errors import DataFileError
from unspin.fixes import Evidence


def ev(source: str, lm_gain: float, channel: float) -> Evidence:
    return Evidence(source, lm_gain, channel, "test")


@pytest.mark.parametrize("neural", [False, True])
@pytest.mark.parametrize("source", ["idiom", "tortured", "thesaurus"])
def test_confidence_rises_with_margin(source: str, neural: bool) -> None:
    margins = [-3.0, -1.0, 0.0, 1.0, 3.0]
    got = [calibration.confidence(ev(source, m + 2.0, -2.0), neural=neural) for m in margins]
    assert got == sorted(got) and got[0] < got[-1]
    assert all(0.0 < c < 1.0 for c in got)
    # only the margin counts, not how it splits between gain and prior
    same = calibration.confidence(ev(source, 3.0, -2.0), neural=neural)
    assert same == pytest.approx(calibration.confidence(ev(source, 2.0, -1.0), neural=neural))


def test_confidence_rises_with_the_document_log_odds_and_is_clipped() -> None:
    e = ev("thesaurus", 2.5, -2.0)
    spun, neutral, honest = (calibration.confidence(e, d) for d in (3.0, 0.0, -3.0))
    assert honest < neutral < spun
    clip = calibration.DOCUMENT_LOGIT_CLIP
    assert calibration.confidence(e, 100.0) == calibration.confidence(e, clip)
    assert calibration.confidence(e, -100.0) == calibration.confidence(e, -clip)


def test_sources_are_calibrated_apart() -> None:
    # a curated spinner habit is more often right than a thesaurus guess with the same margin
    assert calibration.confidence(ev("idiom", 1.0, -1.0)) > calibration.confidence(
        ev("thesaurus", 1.0, -1.0)
    )


def test_a_learned_profile_rule_keeps_its_own_confidence_as_a_floor() -> None:
    channel = profile_prior(0.8, Priors())  # the rule's prior is the log-odds of it
    low_gain = ev("profile", 0.0, channel)
    # the fitted model alone would not be that sure of a zero-gain fix
    p = calibration.params()
    z = p["a"] * channel + p["b"] + p["source_bias"]["profile"]
    assert 1 / (1 + math.exp(-z)) < 0.8
    assert calibration.confidence(low_gain) == pytest.approx(0.8)
    # when the context model objects, the floor does not apply
    objected = calibration.confidence(ev("profile", -0.5, channel))
    assert objected < 0.8


@pytest.fixture
def calibration_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Point the calibration module at a file in ``tmp_path``; the caches are cleared before
    and after, so other tests read the packaged file again."""
    path = tmp_path / calibration.FILE
    monkeypatch.setattr(calibration, "packaged", lambda name: tmp_path / name)
    calibration.params.cache_clear()
    calibration._neural.cache_clear()
    yield path
    calibration.params.cache_clear()
    calibration._neural.cache_clear()


def test_a_file_without_the_neural_section_fails_for_the_neural_path(
    calibration_file: Path,
) -> None:
    packaged = json.loads(
        (Path(calibration.__file__).parent / "data" / calibration.FILE).read_text()
    )
    del packaged["neural"]
    calibration_file.write_text(json.dumps(packaged))
    e = ev("idiom", 1.0, -1.0)
    assert 0.0 < calibration.confidence(e) < 1.0  # the trigram path still reads it
    with pytest.raises(DataFileError, match="no 'neural' calibration"):
        calibration.confidence(e, neural=True)


def test_a_neural_calibration_fitted_with_other_source_levels_is_refused(
    calibration_file: Path,
) -> None:
    packaged = json.loads(
        (Path(calibration.__file__).parent / "data" / calibration.FILE).read_text()
    )
    e = ev("idiom", 1.0, -1.0)
    calibration_file.write_text(json.dumps(packaged))
    assert 0.0 < calibration.confidence(e, neural=True) < 1.0  # the packaged levels are read
    # a file fitted when thesaurus neighbours had their own level is on another scale
    packaged["neural"]["source_bias"]["thesaurus"] = -1.9
    calibration_file.write_text(json.dumps(packaged))
    calibration.params.cache_clear()
    calibration._neural.cache_clear()
    with pytest.raises(DataFileError, match="source levels .*calibrate_neural.py"):
        calibration.confidence(e, neural=True)


def test_a_missing_or_foreign_file_is_an_error_not_a_default(calibration_file: Path) -> None:
    e = ev("idiom", 1.0, -1.0)
    with pytest.raises(DataFileError, match="no such file"):
        calibration.confidence(e)
    calibration.params.cache_clear()
    calibration_file.write_text(json.dumps({"format": "something.else", "version": 1, "a": 1}))
    with pytest.raises(DataFileError):
        calibration.confidence(e)


def test_the_packaged_file_is_read_again_after_the_fixture() -> None:
    assert "neural" in calibration.params()
