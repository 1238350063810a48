"""The datatrove filter, in datatrove's own local executor."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from unspin.integrations.datatrove import SpinFilter  # noqa: E402

SPUN = (
    "The head of state signed the invoice as well as the law on {i}, officials said. "
    "Critics of the head of state said the invoice was a large error as well as a scandal."
)
HONEST = (
    "The president signed the bill and the law on day {i}, officials said. "
    "Critics of the president said the bill was a big mistake and a scandal."
)


def read_jsonl_gz(folder: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(f, "rt") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


@pytest.mark.parametrize("mode", ["check", "detect"])
def test_spin_filter_in_the_local_executor(tmp_path: Path, mode: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    docs = [{"id": f"d{i}", "text": (SPUN if i % 2 else HONEST).format(i=i)} for i in range(30)]
    for part in range(2):
        with open(src / f"part{part}.jsonl", "w") as f:
            for d in docs[part::2]:
                f.write(json.dumps(d) + "\n")
    ran = tmp_path / "ran"
    ran.mkdir()

    def executor() -> LocalPipelineExecutor:
        return LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(src)),
                SpinFilter(exclusion_writer=JsonlWriter(str(tmp_path / "spun")), mode=mode),
                _Record(ran),
                JsonlWriter(str(tmp_path / "kept")),
            ],
            tasks=2,
            workers=1,
            logging_dir=str(tmp_path / "logs"),
        )

    executor().run()
    assert sorted(p.name for p in ran.iterdir()) == ["0", "1"]
    kept = read_jsonl_gz(tmp_path / "kept")
    dropped = read_jsonl_gz(tmp_path / "spun")
    assert sorted(d["id"] for d in kept + dropped) == sorted(d["id"] for d in docs)
    for d in kept + dropped:
        if mode == "detect":
            assert 0.0 <= d["metadata"]["spin_score"] <= 1.0
        assert d["metadata"]["spin_label"] in ("spun", "clean", "uncertain")
    assert all(d["metadata"]["spin_label"] != "spun" for d in kept)
    assert all(d["metadata"]["filter_reason"] == "spun" for d in dropped)
    spun_ids = {f"d{i}" for i in range(1, 30, 2)}
    # The filter drops mostly spun documents and keeps mostly honest ones.
    assert len({d["id"] for d in dropped} & spun_ids) > len(dropped) / 2
    assert len({d["id"] for d in kept} - spun_ids) > len(kept) / 2
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    filter_stats = next(s for s in stats if "Spin" in s["name"])
    assert filter_stats["stats"]["dropped"] == len(dropped)
    # A rerun in the same logging folder skips the completed tasks (datatrove's markers)...
    assert len(list((tmp_path / "logs" / "completions").iterdir())) == 2
    for p in ran.iterdir():
        p.unlink()
    executor().run()
    assert list(ran.iterdir()) == []
    # ...and one whose marker is gone runs again, writing the same records once
    (tmp_path / "logs" / "completions" / "00001").unlink()
    executor().run()
    assert [p.name for p in ran.iterdir()] == ["1"]
    again = read_jsonl_gz(tmp_path / "kept") + read_jsonl_gz(tmp_path / "spun")
    assert sorted(d["id"] for d in again) == sorted(d["id"] for d in kept + dropped)


class _Record:
    """A pipeline step that notes which tasks (ranks) really ran, and passes documents on."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, data: Any, rank: int = 0, world_size: int = 1) -> Any:
        (self.folder / str(rank)).write_text("ran")
        yield from data
