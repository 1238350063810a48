"""Open a file as a stream of bytes, decompressing gzip or zstd by their magic numbers.

A stream that ends early raises :class:`EOFError` at the point where it ends (gzip does this
itself; for zstd, :class:`_ZstdRaw` checks that the last frame was complete), so a reader can
keep what it read and turn the rest into one error record.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any, cast

from ..errors import MissingDependencyError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 16


def sniff(path: Path, n: int = 8) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def compression_of(path: Path) -> str | None:
    """'gzip', 'zstd' or None, from the file's first bytes."""
    head = sniff(path, 4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


class _ZstdRaw(io.RawIOBase):
    """A raw zstd-decompressing stream that raises EOFError when the input ends mid-frame."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        try:
            import zstandard
        except ImportError:
            raise MissingDependencyError("reading .zst files", "zstandard", "scan") from None
        self._zstd: Any = zstandard
        self._src = fileobj
        self._dobj: Any = zstandard.ZstdDecompressor().decompressobj()
        self._pending = b""
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        view = memoryview(b).cast("B")
        while not self._pending:
            chunk = self._src.read(_CHUNK)
            if not chunk:
                if self._started and not self._dobj.eof:
                    raise EOFError("zstd stream ended before the end of its frame")
                return 0
            self._pending = self._feed(chunk)
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if self._dobj.eof:  # a new frame follows the previous one
                self._dobj = self._zstd.ZstdDecompressor().decompressobj()
            self._started = True
            out.append(self._dobj.decompress(chunk))
            chunk = self._dobj.unused_data if self._dobj.eof else b""
        return b"".join(out)

    def close(self) -> None:
        self._src.close()
        super().close()


def open_binary(path: Path) -> IO[bytes]:
    """Open ``path`` for reading, transparently decompressing gzip and zstd."""
    kind = compression_of(path)
    if kind == "gzip":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if kind == "zstd":
        return io.BufferedReader(_ZstdRaw(open(path, "rb")), buffer_size=_CHUNK)
    return open(path, "rb")
