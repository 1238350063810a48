"""The PySpark entry point, on a real Spark in local mode."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from unspin.integrations.spark import OUTPUT_COLUMNS, main, scan_dataframe  # noqa: E402
from unspin.io import Location, Record  # noqa: E402
from unspin.scan import ScanConfig, process_record  # noqa: E402

pytestmark = pytest.mark.spark
TASK = "detect"
SPUN = "The head of state signed the invoice as well as the law on {i}, officials said."
HONEST = "The president signed the bill and the law on day {i}, officials said."


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the interpreter running the tests
    session = (
        SparkSession.builder.master("local[2]")
        .appName("unspin-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_scan_dataframe_gives_one_row_per_input_row(spark: Any) -> None:
    rows = [(f"d{i}", (SPUN if i % 2 else HONEST).format(i=i)) for i in range(40)]
    rows.append(("null-text", None))
    df = spark.createDataFrame(rows, "id string, text string")
    result = scan_dataframe(df, "text", (TASK,))
    assert result.columns == [name for name, _ in OUTPUT_COLUMNS]
    got = {r["id"]: r.asDict() for r in result.collect()}
    assert sorted(got) == sorted(r[0] for r in rows)
    assert got["null-text"]["error_kind"] == "field"
    # The same function as the local runner: identical results for the same text.
    local = process_record(Record("d1", rows[1][1] or "", Location("x")), ScanConfig((TASK,)))
    assert got["d1"]["label"] == local["label"]
    assert got["d1"]["score"] == pytest.approx(local["score"])
    assert json.loads(got["d1"]["spans"]) == local["spans"]


def test_missing_column_is_a_clear_error(spark: Any) -> None:
    from unspin.errors import InputError

    df = spark.createDataFrame([("a", "b")], "id string, body string")
    with pytest.raises(InputError, match="text"):
        scan_dataframe(df, "text")


def test_spark_submit_main_writes_parquet(spark: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": SPUN.format(i=i)}) + "\n" for i in range(12))
    )
    out = tmp_path / "out"
    assert main([str(src), str(out), "--tasks", TASK]) == 0
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert sorted(table.column("id").to_pylist()) == sorted(f"d{i}" for i in range(12))
