"""Fitted parameter files are checked like the msgpack data files: a file of another format or
version, a broken file or a missing one fails naming the file (never a silent default)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin import calibration, datafile, detector, evidence
from unspin.errors import DataFileError


def test_shipped_parameter_files_carry_their_format() -> None:
    cal = datafile.read_json(
        datafile.packaged(calibration.FILE), calibration.FORMAT, calibration.VERSION, built_by="x"
    )
    assert "a" in cal and "neural" in cal
    det = datafile.read_json(
        datafile.packaged(evidence.DETECTOR_FILE), evidence.DETECTOR_FORMAT, 1, built_by="x"
    )
    assert {"full", "cheap"} <= set(det)
    fused = datafile.read_json(
        datafile.packaged(detector.NEURAL_DETECTOR_FILE),
        detector.NEURAL_DETECTOR_FORMAT,
        1,
        built_by="x",
    )
    assert set(fused["fused"]["weights"]) == set(detector.FUSION_FEATURES)


def test_a_round_trip_keeps_the_payload_and_puts_the_header_first(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    datafile.write_json(path, "unspin.test", 3, {"version": 1, "b": [1, 2], "a": 0.5})
    assert list(json.loads(path.read_text())) == ["format", "version", "b", "a"]
    assert datafile.read_json(path, "unspin.test", 3, built_by="x") == {
        "format": "unspin.test",
        "version": 3,
        "b": [1, 2],
        "a": 0.5,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": 1, "a": 1}', "expected a 'unspin.test' file, found None"),
        ('{"format": "unspin.other", "version": 1}', "found 'unspin.other'"),
        ('{"format": "unspin.test", "version": 2}', "version 2, this unspin reads version 1"),
        ("{not json", "not an unspin parameter file"),
        ("[1, 2]", "expected a 'unspin.test' file"),
    ],
)
def test_a_foreign_or_broken_file_names_itself(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "params.json"
    path.write_text(content)
    with pytest.raises(DataFileError, match="params.json") as e:
        datafile.read_json(path, "unspin.test", 1, built_by="scripts/x.py")
    assert message in str(e.value)


def test_a_missing_file_says_which_script_makes_it(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="missing.json: no such file; run scripts/x.py"):
        datafile.read_json(tmp_path / "missing.json", "unspin.test", 1, built_by="scripts/x.py")
