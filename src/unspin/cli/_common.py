"""Input helpers shared by the commands: read a file or stdin as text, or fail clearly."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError

# A text with more than this share of control characters is treated as binary.
_MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 text, refusing binary data with a one-line reason."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {e.start}); convert it first, e.g. iconv -t utf-8"
        ) from None
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise InputError(f"{name}: looks like a binary file (control characters), not text")
    return text


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
