"""Bounded memory on large input (issue 14): detect, spin and learn read a file in paragraph
blocks, never whole; what cannot stream is refused with the limit named (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from unspin.cli import _common, main
from unspin.spinner import spin

PARA = (
    "The results have been very good for the company this year, and the board said the "
    "plan will help the business grow in order to meet the needs of its customers."
)


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 'large' file: 40 paragraphs, read in blocks of about 1 kB."""
    monkeypatch.setattr(_common, "CHUNK_BYTES", 1000)
    f = tmp_path / "big.txt"
    spun = spin(PARA, rate=0.5, seed=3).text
    f.write_text("\n\n".join(spun if i % 2 else PARA for i in range(40)) + "\n")
    return f


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    sizes: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def spy(text: str, *a: Any, **k: Any) -> Any:
        sizes.append(len(text))
        return real(text, *a, **k)

    monkeypatch.setattr(module, name, spy)
    return sizes


def test_detect_reads_a_large_file_block_by_block(
    big: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import unspin.detector as det

    sizes = _spy(monkeypatch, det, "analyse")
    assert main(["detect", "--json", str(big)]) == 1
    d = json.loads(capsys.readouterr().out)
    assert len(sizes) > 5 and max(sizes) < 2000  # never the whole 7 kB text at once
    text = big.read_text()
    assert d["label"] == "spun"
    assert all(text[s["start"] : s["end"]] == s["text"] for s in d["spans"])  # global offsets
    assert any(s["start"] > len(text) // 2 for s in d["spans"])


def test_spin_streams_and_json_offsets_are_in_the_whole_text(
    big: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import unspin.spinner as sp

    sizes = _spy(monkeypatch, sp, "spin")
    assert main(["spin", str(big), "--json", "--seed", "1"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(sizes) > 5 and max(sizes) < 2000
    text = big.read_text()
    assert d["substitutions"] and d["profile"] == "filler"
    for s in d["substitutions"]:
        assert d["text"][s["start"] : s["end"]] == s["spun"]
        assert text[s["orig_start"] : s["orig_end"]].lower() == s["original"].lower()
    assert main(["spin", str(big), "--seed", "1"]) == 0
    assert capsys.readouterr().out == d["text"]


def test_learn_streams_a_large_file(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspin.learner as lr

    sizes = _spy(monkeypatch, lr, "iter_fixes")
    out = tmp_path / "p.json"
    main(["learn", str(big), "-o", str(out)])
    assert len(sizes) > 5 and max(sizes) < 2000


def test_learn_refuses_an_oversized_jsonl_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_common, "MAX_RECORD_BYTES", 1000)
    f = tmp_path / "docs.jsonl"
    f.write_text(json.dumps({"text": PARA * 20}) + "\n")
    assert main(["learn", str(f), "-o", str(tmp_path / "p.json")]) == 2
    assert "limit of" in capsys.readouterr().err
