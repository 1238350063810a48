"""Parquet: a string text column and an optional id column, read a row group at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError
from .decode import is_encodable
from .options import ReadOptions
from .record import Location, Record


def read_parquet(path: Path, options: ReadOptions) -> Iterator[Record]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("reading Parquet", "pyarrow", "scan") from None
    name = str(path)
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        yield Record.failed(name, Location(name), "parquet", f"not a readable Parquet file: {e}")
        return
    schema = pf.schema_arrow
    tf, idf = options.text_field, options.id_field
    problem = _schema_problem(pa, schema, tf)
    if problem is not None:
        # one error per row, so that record counts stay true: the rows exist, their text not
        for row in range(pf.metadata.num_rows):
            yield Record.failed(f"{name}#row={row}", Location(name, row=row), "schema", problem)
        return
    columns = [tf] + ([idf] if idf in schema.names else [])
    row = 0
    for group in range(pf.num_row_groups):
        group_rows = pf.metadata.row_group(group).num_rows
        start = row
        try:
            for batch in pf.iter_batches(
                batch_size=options.batch_rows, row_groups=[group], columns=columns
            ):
                texts = batch.column(0).to_pylist()
                ids = batch.column(1).to_pylist() if len(columns) > 1 else [None] * len(texts)
                for text, raw_id in zip(texts, ids, strict=True):
                    yield _row(name, row, text, raw_id, options)
                    row += 1
        except (OSError, pa.ArrowException) as e:
            lost = start + group_rows - row
            yield Record.failed(
                f"{name}#row={row}",
                Location(name, row=row),
                "parquet",
                f"row group {group} cannot be decoded ({lost} rows lost): {e}",
            )
            row = start + group_rows


def schema_problem(path: Path, options: ReadOptions) -> str | None:
    """Why the Parquet file at ``path`` has no usable text column (None when it has one, or
    when the file cannot be read at all: the reader reports that per file)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("reading Parquet", "pyarrow", "scan") from None
    try:
        schema = pq.ParquetFile(path).schema_arrow
    except (OSError, pa.ArrowException):
        return None
    return _schema_problem(pa, schema, options.text_field)


def _schema_problem(pa: Any, schema: Any, tf: str) -> str | None:
    if tf in schema.names and _is_string(pa, schema.field(tf).type):
        return None
    found = ", ".join(f"{f.name}: {f.type}" for f in schema)
    return f"expected a string column {tf!r}; the file has ({found})"


def _is_string(pa: Any, t: Any) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _row(name: str, row: int, text: Any, raw_id: Any, options: ReadOptions) -> Record:
    where = Location(name, row=row)
    rid = f"{name}#row={row}" if raw_id is None else str(raw_id)
    if text is None:
        return Record.failed(rid, where, "field", f"{options.text_field!r} is null")
    if not is_encodable(text):
        return Record.failed(rid, where, "encoding", "text holds unpaired surrogates")
    return Record(rid, text, where)
