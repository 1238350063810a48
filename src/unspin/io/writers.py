"""Result writers: a whole part file written to a temporary name, synced, then renamed.

A reader of the output folder therefore sees either a complete part or none; a run killed in
the middle leaves only ``*.tmp`` files, which the next run removes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError

# Nested values are stored as JSON text in Parquet, so that every part has the same schema.
NESTED = ("spans", "reasons", "fixes", "trace")
_LOCATION_COLUMNS = ("file", "line", "offset", "row", "record_id")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    atomic_write_bytes(path, data)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "location"}
    loc = row.get("location") or {}
    for key in _LOCATION_COLUMNS:
        out[key] = loc.get(key)
    for key in NESTED:
        if key in out and out[key] is not None:
            out[key] = json.dumps(out[key], ensure_ascii=False)
    return out


def write_parquet(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("writing Parquet", "pyarrow", "scan") from None
    fields = [
        ("id", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("offset", pa.int64()),
        ("row", pa.int64()),
        ("record_id", pa.string()),
        ("url", pa.string()),
        ("score", pa.float64()),
        ("label", pa.string()),
        ("check", pa.bool_()),
        ("profile", pa.string()),
        ("spans", pa.string()),
        ("reasons", pa.string()),
        ("restored", pa.string()),
        ("fixes", pa.string()),
        ("trace", pa.string()),
        ("error", pa.string()),
        ("error_kind", pa.string()),
    ]
    schema = pa.schema(fields)
    flat = [_flat(r) for r in rows]
    columns = {name: [r.get(name) for r in flat] for name, _ in fields}
    table = pa.table(columns, schema=schema)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_jsonl_rows(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    for r in rows:
        for key in NESTED:
            if r.get(key) is not None:
                r[key] = json.loads(r[key])
    return rows


WRITERS: dict[str, tuple[str, Callable[[Path, Sequence[dict[str, Any]]], None]]] = {
    "jsonl": (".jsonl", write_jsonl),
    "parquet": (".parquet", write_parquet),
}
READERS: dict[str, Callable[[Path], list[dict[str, Any]]]] = {
    "jsonl": read_jsonl_rows,
    "parquet": read_parquet_rows,
}
