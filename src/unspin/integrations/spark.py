"""PySpark entry point: the same per-record function as ``unspin scan``, over a DataFrame.

    >>> from unspin.integrations.spark import scan_dataframe
    >>> results = scan_dataframe(spark.read.json("s3://crawl/*.jsonl.gz"), tasks=("detect",))
    >>> results.groupBy("label").count().show()

Each partition runs the document pipeline (:func:`unspin.pipeline.pipeline_for`) on its rows
(``mapPartitions``), the same as ``unspin scan``; the pipeline is built once per Python worker
process, which Spark reuses across tasks. The result has one row per input row, the columns of
:meth:`~unspin.pipeline.DocResult.to_row`: the id, the results (nested values as JSON text) and
``error``/``error_kind`` for rows that could not be processed; nothing is dropped. Run as a
script, this module is a ``spark-submit`` job (see docs/spark.md)::

    spark-submit --master yarn .../unspin/integrations/spark.py IN OUT --tasks detect
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..errors import MissingDependencyError
from ..io.record import Location, Record
from ..io.writers import NESTED
from ..pipeline import PipelineConfig, pipeline_for

__all__ = ["OUTPUT_COLUMNS", "main", "scan_dataframe"]

# (name, Spark SQL type) of the result columns, in order.
OUTPUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("score", "double"),
    ("label", "string"),
    ("check", "boolean"),
    ("profile", "string"),
    ("spans", "string"),
    ("reasons", "string"),
    ("restored", "string"),
    ("fixes", "string"),
    ("trace", "string"),
    ("error", "string"),
    ("error_kind", "string"),
)


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError:
        raise MissingDependencyError("the Spark integration", "pyspark", "spark") from None
    return pyspark.sql


def _row_values(out: dict[str, Any]) -> tuple[Any, ...]:
    values = []
    for name, _ in OUTPUT_COLUMNS:
        v = out.get(name)
        if name in NESTED and v is not None:
            v = json.dumps(v, ensure_ascii=False)
        elif name == "score" and v is not None:
            v = float(v)
        values.append(v)
    return tuple(values)


def process_partition(
    rows: Iterable[Any], config: PipelineConfig, id_col: str, text_col: str, source: str
) -> Iterator[tuple[Any, ...]]:
    """Results for the rows of one partition (each row has ``id_col`` and ``text_col``)."""
    pipeline = pipeline_for(config)  # once per Python worker process, reused across tasks
    for row in rows:
        rid, text = row[id_col], row[text_col]
        where = Location(source)
        rid = str(rid) if rid is not None else ""
        if not isinstance(text, str):
            rec = Record.failed(rid, where, "field", f"{text_col!r} is null or not a string")
        else:
            rec = Record(rid, text, where)
        yield _row_values(pipeline.process(rec).to_row())


def scan_dataframe(
    df: Any,
    text_col: str = "text",
    tasks: Sequence[str] = ("detect",),
    *,
    id_col: str = "id",
    config: PipelineConfig | None = None,
) -> Any:
    """A DataFrame of results, one row per row of ``df`` (see :data:`OUTPUT_COLUMNS`).

    ``df`` needs ``text_col`` and ``id_col`` columns. ``config`` overrides ``tasks``.
    """
    sql = _pyspark()
    cfg = config or PipelineConfig(tasks=tuple(tasks))
    missing = [c for c in (id_col, text_col) if c not in df.columns]
    if missing:
        from ..errors import InputError

        raise InputError(f"the DataFrame has no column {missing[0]!r} (columns: {df.columns})")
    schema = ", ".join(f"{name} {kind}" for name, kind in OUTPUT_COLUMNS)
    source = "spark"
    selected = df.select(id_col, text_col)
    rdd = selected.rdd.mapPartitions(
        lambda rows: process_partition(rows, cfg, id_col, text_col, source)
    )
    spark = sql.SparkSession.builder.getOrCreate()
    return spark.createDataFrame(rdd, schema=schema)


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit spark.py IN OUT``: read JSONL or Parquet, write Parquet results."""
    p = argparse.ArgumentParser(prog="unspin-spark", description=main.__doc__)
    p.add_argument("input", help="JSONL (any compression Spark reads) or Parquet path/glob")
    p.add_argument("out", help="output folder (Parquet)")
    p.add_argument("--tasks", default="detect")
    p.add_argument("--text-col", default="text")
    p.add_argument("--id-col", default="id")
    p.add_argument("--format", choices=("json", "parquet"), help="input format (default: guess)")
    p.add_argument("--partitions", type=int, help="repartition the input to this many")
    args = p.parse_args(argv)
    sql = _pyspark()
    spark = sql.SparkSession.builder.appName("unspin-scan").getOrCreate()
    fmt = args.format or ("parquet" if ".parquet" in args.input else "json")
    df = spark.read.format(fmt).load(args.input)
    if args.partitions:
        df = df.repartition(args.partitions)
    tasks = tuple(t.strip() for t in args.tasks.split(",") if t.strip())
    result = scan_dataframe(df, args.text_col, tasks, id_col=args.id_col)
    result.write.mode("overwrite").parquet(args.out)
    written = spark.read.parquet(args.out).groupBy("label", "error_kind").count().collect()
    print(json.dumps({f"{r['label'] or r['error_kind']}": r["count"] for r in written}))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
