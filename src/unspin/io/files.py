"""Single .txt/.html files (one record each) and folders of them (walked in sorted order)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .compress import open_binary
from .decode import bytes_to_text, html_charset
from .html import extractor
from .options import ReadOptions
from .record import Location, Record


def _read_bounded(path: Path, options: ReadOptions, rid: str) -> bytes | Record:
    where = Location(str(path))
    try:
        with open_binary(path) as f:
            data = f.read(options.max_bytes + 1)
    except (EOFError, OSError) as e:
        kind = "truncated" if isinstance(e, EOFError) else "io"
        return Record.failed(rid, where, kind, f"cannot read: {getattr(e, 'strerror', None) or e}")
    if len(data) > options.max_bytes:
        return Record.failed(rid, where, "size", f"larger than {options.max_bytes} bytes")
    return data


def read_text_file(path: Path, options: ReadOptions, rid: str | None = None) -> Iterator[Record]:
    rid = rid or str(path)
    data = _read_bounded(path, options, rid)
    if isinstance(data, Record):
        yield data
        return
    text, err = bytes_to_text(data)
    if err is not None:
        yield Record.failed(rid, Location(str(path)), err[0], err[1])
        return
    assert text is not None
    yield Record(rid, text, Location(str(path)))


def read_html_file(path: Path, options: ReadOptions, rid: str | None = None) -> Iterator[Record]:
    rid = rid or str(path)
    where = Location(str(path))
    data = _read_bounded(path, options, rid)
    if isinstance(data, Record):
        yield data
        return
    text, err = bytes_to_text(data, html_charset(data, None))
    if err is not None:
        yield Record.failed(rid, where, err[0], err[1])
        return
    assert text is not None
    try:
        main = extractor(options.extractor)(text)
    except Exception as e:  # an extractor bug must not stop the job
        yield Record.failed(rid, where, "html", f"main-text extraction failed: {e}")
        return
    yield Record(rid, main, where)


def walk(folder: Path) -> Iterator[Path]:
    """Every non-hidden file under ``folder``, in a stable (sorted) order."""
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    for p in entries:
        if p.name.startswith("."):
            continue
        if p.is_dir():
            yield from walk(p)
        elif p.is_file():
            yield p
