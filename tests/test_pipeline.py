"""One document pipeline under scan, the server, Spark and datatrove: identical records.

The same texts go through ``unspin scan`` (its JSONL output), the web service (real HTTP),
Spark in local mode and datatrove's local executor; every path must give the record the
library's :class:`~unspin.pipeline.Pipeline` gives, field for field.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from unspin.errors import DataFileError, InputError
from unspin.io import Location, Record
from unspin.pipeline import DocResult, Pipeline, PipelineConfig, pipeline_for
from unspin.scan import ScanConfig, iter_results, process_record, scan

TASKS = ("detect", "restore", "trace")
# what each path reports of a document: the row's fields (trace as (id, score) pairs)
FIELDS = ("score", "label", "profile", "spans", "reasons", "restored", "fixes", "trace")
TEXTS = {
    "spun": (
        "The head of state signed the invoice as well as the law on Monday, officials said. "
        "Critics of the head of state said the invoice was a large error as well as a scandal."
    ),
    "honest": (
        "The president signed the bill and the law on Monday, officials said. "
        "Critics of the president said the bill was a big mistake and a scandal."
    ),
    "tortured": (
        "The counterfeit consciousness model was trained on a huge information set, and its "
        "irregular woodland baseline was compared with profound learning methods.\n\n"
        "The results show that the counterfeit consciousness approach is better."
    ),
    "short": "The head of state signed the invoice.",
    "french": "Le chat est sur la table et le chien dort dans la cuisine avec les enfants ce soir.",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from unspin.trace import Index

    folder = tmp_path_factory.mktemp("index")
    with Index(folder, create=True) as ix:
        ix.add_many([("src-honest", TEXTS["honest"]), ("src-other", TEXTS["tortured"])])
    return folder


@pytest.fixture(scope="module")
def reference(index_dir: Path) -> dict[str, dict[str, Any]]:
    """The library's own record of each text."""
    pipe = Pipeline(TASKS, index=index_dir)
    return {doc_id: _fields(pipe.run(text).to_row()) for doc_id, text in TEXTS.items()}


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in FIELDS}
    if out["trace"] is not None:
        out["trace"] = [(c["id"], round(c["score"], 4)) for c in out["trace"]]
    return out


def test_scan_gives_the_pipeline_records(
    tmp_path: Path, index_dir: Path, reference: dict[str, dict[str, Any]]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in TEXTS.items()))
    config = ScanConfig(tasks=TASKS, index=str(index_dir))
    scan([src], tmp_path / "out", config=config, chunk_size=2)
    got = {r["id"]: _fields(r) for r in iter_results(tmp_path / "out")}
    assert got == reference


def test_server_gives_the_pipeline_records(
    index_dir: Path, reference: dict[str, dict[str, Any]]
) -> None:
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from unspin.server import create_app
    from unspin.server.testing import serve_in_thread

    got: dict[str, dict[str, Any]] = {}
    with (
        serve_in_thread(create_app(index_dir)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for doc_id, text in TEXTS.items():
            det = client.post("/v1/detect", json={"text": text}).json()
            res = client.post("/v1/restore", json={"text": text}).json()
            tr = client.post("/v1/trace", json={"text": text, "top": 3}).json()
            row = {k: det[k] for k in ("score", "label", "profile", "spans", "reasons")}
            row.update(restored=res["text"], fixes=res["fixes"], trace=tr["candidates"])
            got[doc_id] = _fields(row)
    assert got == reference


@pytest.mark.spark
def test_spark_gives_the_pipeline_records(
    index_dir: Path, reference: dict[str, dict[str, Any]]
) -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    from unspin.integrations.spark import scan_dataframe
    from unspin.io.writers import NESTED

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("unspin-test-pipeline")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        df = spark.createDataFrame(list(TEXTS.items()), "id string, text string")
        config = PipelineConfig(tasks=TASKS, index=str(index_dir))
        rows = [r.asDict() for r in scan_dataframe(df, config=config).collect()]
    finally:
        spark.stop()
    got = {}
    for r in rows:
        row = {k: json.loads(v) if k in NESTED and v is not None else v for k, v in r.items()}
        got[r["id"]] = _fields(row)
    assert got == reference


def test_datatrove_gives_the_pipeline_metadata(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from unspin.integrations.datatrove import SpinFilter, metadata

    src = tmp_path / "in"
    src.mkdir()
    (src / "docs.jsonl").write_text(
        "".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in TEXTS.items())
    )
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            SpinFilter(exclusion_writer=JsonlWriter(str(tmp_path / "spun")), mode="detect"),
            JsonlWriter(str(tmp_path / "kept")),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    import gzip

    got = {}
    for f in [*(tmp_path / "spun").glob("*.jsonl.gz"), *(tmp_path / "kept").glob("*.jsonl.gz")]:
        with gzip.open(f, "rt") as fh:
            for line in fh:
                d = json.loads(line)
                got[d["id"]] = {k: v for k, v in d["metadata"].items() if k.startswith("spin_")}
    # the same detection as the pipeline with every task: detect reads no other task's work
    pipe = Pipeline(("detect", "restore"))
    assert got == {k: metadata(pipe.run(t).to_row()) for k, t in TEXTS.items()}


# --- the pipeline itself -------------------------------------------------------------------


def test_one_analysis_feeds_detect_and_restore() -> None:
    import unspin

    pipe = Pipeline(("detect", "restore"))
    for text in TEXTS.values():
        r = pipe.run(text)
        assert r.done == ("detect", "restore") and r.error is None
        assert r.detection is not None and r.restoration is not None
        # the same as the library calls made one by one, each decoding on its own
        assert r.detection.to_dict() == unspin.detect(text, model="trigram").to_dict()
        assert r.restoration.to_dict() == unspin.restore(text, model="trigram").to_dict()


def test_task_order_and_the_row_schema() -> None:
    text = TEXTS["spun"]
    row = Pipeline(("check", "detect", "restore")).run(text).to_row()
    assert list(row) == [
        "id", "label", "check", "score", "profile", "spans", "reasons", "restored", "fixes"
    ]  # fmt: skip
    row = Pipeline(("restore", "check")).run(text).to_row()
    assert list(row) == ["id", "restored", "fixes", "label", "check"]
    rec = Record("r1", text, Location("f.jsonl", line=3), url="https://example.org/")
    row = process_record(rec, ScanConfig(tasks=("check",)))
    assert list(row)[:3] == ["id", "location", "url"]
    assert row["location"] == {"file": "f.jsonl", "line": 3}


def test_a_bad_record_and_a_failing_task_give_error_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin import pipeline

    bad = Record.failed("b", Location("f"), "json", "not a JSON object")
    row = Pipeline().process(bad).to_row()
    assert row == {"id": "b", "location": {"file": "f"}, "error": "not a JSON object",
                   "error_kind": "json"}  # fmt: skip

    def boom(doc: Any, result: DocResult) -> None:
        raise ValueError("no")

    monkeypatch.setitem(pipeline.TASKS, "restore", boom)
    r = Pipeline(("check", "restore", "detect")).run(TEXTS["spun"])
    assert r.done == ("check",) and r.error_kind == "process"
    row = r.to_row()
    assert row["error"] == "restore failed: ValueError: no" and "score" not in row
    with pytest.raises(ValueError):
        Pipeline(("restore",)).run("text", strict=True)


def test_a_bad_profile_or_index_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="nope.tsv"):
        Pipeline(profile=tmp_path / "nope.tsv")
    with pytest.raises(DataFileError, match="no-index"):
        Pipeline(("trace",), index=tmp_path / "no-index")
    with pytest.raises(InputError, match="index"):
        Pipeline(("trace",))


def test_a_profile_is_read_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspin.learner import learn
    from unspin.profile import Profile

    path = tmp_path / "farm.tsv"
    learn([TEXTS["spun"], TEXTS["tortured"]] * 3, name="farm").save(path)
    loads: list[str] = []
    real = Profile.load.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Profile], p: str | Path) -> Profile:
        loads.append(str(p))
        return real(cls, p)  # type: ignore[no-any-return]

    monkeypatch.setattr(Profile, "load", classmethod(counting))
    config = ScanConfig(tasks=("detect", "restore"), profile=str(path))
    for i in range(5):
        process_record(Record(f"d{i}", TEXTS["spun"], Location("x")), config)
    assert loads == [str(path)]
    assert pipeline_for(config).channel.profile is not None
