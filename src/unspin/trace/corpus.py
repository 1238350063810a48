"""Read a corpus to index as (id, text) pairs, through the project's readers (:mod:`unspin.io`):
JSONL (plain, .gz, .zst), Parquet, WARC, single .txt and .html files and folders of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..io import iter_records


def iter_corpus(
    path: str | Path, on_error: Callable[[str, str], None] | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (id, text) for every document of the corpus at ``path``.

    A record the reader cannot read is skipped and reported to ``on_error(where, reason)``;
    without a callback it stops the read with an :class:`InputError`.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or folder")
    for rec in iter_records(p):
        if rec.error:
            where = str(rec.location)
            if on_error is None:
                raise InputError(f"{where}: {rec.error}")
            on_error(where, rec.error)
            continue
        yield rec.id, rec.text
