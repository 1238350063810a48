"""Input readers: every supported format as one stream of :class:`Record`.

    >>> from unspin.io import iter_records
    >>> for rec in iter_records("crawl.warc.gz"):
    ...     rec.id, rec.text, str(rec.location), rec.error

Formats, chosen by extension and then by magic bytes (:func:`detect_format`): JSON Lines
(plain, .gz, .zst), Parquet, WARC (WET conversion records and HTML responses), single .txt and
.html files, and folders of any of these (walked in sorted order; a .txt/.html file there is one
record whose id is its path relative to the folder). Readers stream, holding one record (or one
Parquet batch) at a time. Bad input never raises: it becomes a record with ``error`` and
``error_kind`` set and the location of the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from .compress import compression_of, open_binary
from .files import read_html_file, read_text_file, walk
from .jsonl import read_jsonl
from .options import ReadOptions
from .parquet import read_parquet
from .record import ERROR_KINDS, Location, Record
from .warc import read_warc

__all__ = [
    "ERROR_KINDS",
    "FORMATS",
    "Location",
    "ReadOptions",
    "Record",
    "detect_format",
    "iter_records",
]

Reader = Callable[[Path, ReadOptions], Iterator[Record]]

FORMATS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "warc": read_warc,
    "text": read_text_file,
    "html": read_html_file,
}

_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
    ".wet": "warc",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_COMPRESSED = (".gz", ".zst", ".zstd")


def detect_format(path: str | Path) -> str | None:
    """The format name of a file (a key of :data:`FORMATS`), 'dir' for a folder, or None."""
    p = Path(path)
    if p.is_dir():
        return "dir"
    suffixes = [s.lower() for s in p.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    return _sniff(p)


def _sniff(p: Path) -> str | None:
    try:
        with open(p, "rb") as raw:
            if raw.read(4) == b"PAR1":
                return "parquet"
        with open_binary(p) as f:
            head = f.read(512).lstrip()
    except (OSError, EOFError):
        return None
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"{"):
        return "jsonl"
    if head[:1] == b"<":
        return "html"
    if head and compression_of(p) is None and b"\x00" not in head:
        return "text"
    return None


def iter_records(
    path: str | Path,
    *,
    options: ReadOptions | None = None,
    format: str | None = None,
    id_field: str | None = None,
    text_field: str | None = None,
) -> Iterator[Record]:
    """Every record of ``path`` (a file or a folder), in a stable order; never raises on bad data.

    ``format`` forces a reader (a key of :data:`FORMATS`); ``id_field``/``text_field`` override
    the JSONL keys and Parquet columns (default ``id`` and ``text``).
    """
    opts = options or ReadOptions()
    if id_field is not None or text_field is not None:
        opts = ReadOptions(
            id_field=id_field or opts.id_field,
            text_field=text_field or opts.text_field,
            extractor=opts.extractor,
            max_bytes=opts.max_bytes,
            batch_rows=opts.batch_rows,
            check_digests=opts.check_digests,
        )
    p = Path(path)
    name = str(p)
    if not p.exists():
        yield Record.failed(name, Location(name), "io", "no such file or folder")
        return
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    fmt = format or detect_format(p)
    if fmt == "dir":
        yield from _read_folder(p, opts)
        return
    if fmt is None:
        yield Record.failed(name, Location(name), "unsupported", "unknown file format")
        return
    yield from FORMATS[fmt](p, opts)


def _read_folder(folder: Path, opts: ReadOptions) -> Iterator[Record]:
    for f in walk(folder):
        fmt = detect_format(f)
        rel = str(f.relative_to(folder))
        if fmt == "text":
            yield from read_text_file(f, opts, rid=rel)
        elif fmt == "html":
            yield from read_html_file(f, opts, rid=rel)
        elif fmt is None:
            yield Record.failed(rel, Location(str(f)), "unsupported", "unknown file format")
        else:
            yield from FORMATS[fmt](f, opts)
