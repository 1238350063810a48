"""JSON Lines (plain, .gz, .zst): one JSON object a line, with an id and a text field."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .compress import open_binary
from .decode import is_encodable
from .options import ReadOptions
from .record import Location, Record


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[Record]:
    name = str(path)
    line_no = 0
    try:
        stream = open_binary(path)
    except OSError as e:
        yield Record.failed(name, Location(name), "io", f"cannot open: {e.strerror or e}")
        return
    with stream:
        limit = options.max_bytes + 1
        try:
            while raw := stream.readline(limit):
                line_no += 1
                if len(raw) == limit and not raw.endswith(b"\n"):
                    _skip_rest_of_line(stream)  # never hold an oversized line in memory
                    yield Record.failed(
                        f"{name}:{line_no}",
                        Location(name, line=line_no),
                        "size",
                        f"line longer than {options.max_bytes} bytes",
                    )
                    continue
                if not raw.strip():
                    continue
                yield _parse(raw, name, line_no, options)
        except (EOFError, zlib.error, OSError) as e:
            # A truncated or corrupt compressed stream: keep what came before, report the rest.
            where = Location(name, line=line_no + 1)
            yield Record.failed(
                f"{name}:{line_no + 1}",
                where,
                "truncated",
                f"compressed stream broken after line {line_no}: {e}",
            )


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        rest = stream.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return


def _parse(raw: bytes, name: str, line_no: int, options: ReadOptions) -> Record:
    where = Location(name, line=line_no)
    fallback_id = f"{name}:{line_no}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return Record.failed(fallback_id, where, "encoding", f"not valid UTF-8 (byte {e.start})")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return Record.failed(fallback_id, where, "json", f"not JSON: {e.msg} (column {e.colno})")
    if not isinstance(obj, dict):
        return Record.failed(fallback_id, where, "json", f"not a JSON object: {type(obj).__name__}")
    raw_id = obj.get(options.id_field)
    rid = fallback_id if raw_id is None or isinstance(raw_id, (dict, list)) else str(raw_id)
    text = obj.get(options.text_field)
    if text is None:
        return Record.failed(rid, where, "field", f"no {options.text_field!r} field")
    if not isinstance(text, str):
        return Record.failed(
            rid, where, "field", f"{options.text_field!r} is {type(text).__name__}, not a string"
        )
    if not is_encodable(text):
        return Record.failed(rid, where, "encoding", "text holds unpaired surrogates")
    url = obj.get("url")
    return Record(rid, text, where, url=url if isinstance(url, str) else None)
