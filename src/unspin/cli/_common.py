"""Input helpers shared by the commands: read a file or stdin as text, or fail clearly."""

from __future__ import annotations

import argparse
import codecs
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..io.decode import check_controls, decode_text


def probability(value: str) -> float:
    """An argparse type: a number from 0 to 1 (a score, a threshold, a confidence)."""
    try:
        p = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if math.isnan(p) or not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return p


def read_input(path: str) -> str:
    """Read ``path`` ('-' for stdin) as text."""
    if path == "-":
        return decode_text(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    return decode_text(data, path)


class WordProgress:
    """Words restored so far, and words/s, on one stderr line (a tqdm bar, drawn from the
    first call on). Called with the words each step restored; ``total`` (if known) adds the
    share done and an ETA."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.bar: Any = None

    def __enter__(self) -> WordProgress:
        return self

    def __call__(self, words: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total, unit="word", dynamic_ncols=True, file=sys.stderr, leave=False
            )
        self.bar.update(words)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


CHUNK_BYTES = 1 << 18  # 256 kB: about one restorer block (BLOCK_TOKENS)


def read_chunks(path: str, chunk_bytes: int | None = None) -> Iterator[str]:
    """Read ``path`` ('-' for stdin) as text in pieces of about ``chunk_bytes`` (default
    :data:`CHUNK_BYTES`) that end at a blank line (a paragraph boundary), so that a 100 MB
    input never sits in memory whole."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    name = "<stdin>" if path == "-" else path
    stream: BinaryIO = sys.stdin.buffer if path == "-" else open_binary(path)
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending: list[str] = []
    size = 0
    offset = 0
    try:
        for raw in iter(lambda: stream.readline(1 << 16), b""):
            if b"\x00" in raw:
                raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
            try:
                line = decoder.decode(raw)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{name}: not valid UTF-8 (byte {offset + e.start}); convert it first, "
                    "e.g. iconv -t utf-8"
                ) from None
            offset += len(raw)
            pending.append(line)
            size += len(raw)
            if size >= chunk_bytes and not line.strip():
                chunk = "".join(pending)
                check_controls(chunk, name)
                yield chunk
                pending, size = [], 0
        try:
            end = decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a multi-byte character
            raise InputError(
                f"{name}: not valid UTF-8 (byte {offset - 1}: a cut character at the end); "
                "convert it first, e.g. iconv -t utf-8"
            ) from None
        tail = "".join(pending) + end
        if tail:
            check_controls(tail, name)
            yield tail
    finally:
        if path != "-":
            stream.close()


MAX_RECORD_BYTES = 32 << 20  # one JSONL record, or one document read whole (as scan caps one)


def open_binary(path: str) -> BinaryIO:
    """``path`` opened for reading bytes; a directory, a missing or an unreadable file is an
    InputError naming it."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory")
    try:
        return p.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


def read_lines(path: str, max_bytes: int | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line) of a text file read line by line; a line longer than
    ``max_bytes`` (default :data:`MAX_RECORD_BYTES`) is refused with the limit named."""
    max_bytes = max_bytes or MAX_RECORD_BYTES
    with open_binary(path) as stream:
        n = 0
        while True:
            raw = stream.readline(max_bytes + 1)
            if not raw:
                return
            n += 1
            if len(raw) > max_bytes:
                raise InputError(
                    f"{path}:{n}: line longer than the limit of {_size(max_bytes)}; "
                    "split the record"
                )
            if b"\x00" in raw:
                raise InputError(f"{path}: looks like a binary file (NUL bytes), not text")
            try:
                yield n, raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{path}:{n}: not valid UTF-8 (byte {e.start} of the line); convert it "
                    "first, e.g. iconv -t utf-8"
                ) from None


def read_capped(path: str, max_bytes: int | None = None) -> str:
    """Read a file that must be read whole, refusing one larger than ``max_bytes`` (default
    :data:`MAX_RECORD_BYTES`)."""
    max_bytes = max_bytes or MAX_RECORD_BYTES
    if path != "-":
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0  # read_input names the problem
        if size > max_bytes and Path(path).is_file():
            raise InputError(
                f"{path}: {_size(size)} is over the limit of {_size(max_bytes)} for a "
                "document read whole; split it"
            )
        return read_input(path)
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"<stdin>: over the limit of {_size(max_bytes)} for a document read whole; split it"
        )
    return decode_text(data, "<stdin>")


def _size(n: int) -> str:
    return f"{n >> 20} MB" if n >= 1 << 20 else f"{n} bytes"
