"""Turn bytes into text, or into the reason they are not text (never raising)."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def bytes_to_text(
    data: bytes, encoding: str = "utf-8"
) -> tuple[str, None] | tuple[None, tuple[str, str]]:
    """``(text, None)`` or ``(None, (error_kind, reason))``."""
    if b"\x00" in data[:65536]:
        return None, ("binary", "looks like binary data (NUL bytes), not text")
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return None, ("encoding", f"unknown declared encoding {encoding!r}")
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as e:
        return None, ("encoding", f"not valid {codec} (byte {e.start})")
    if too_many_controls(text):
        return None, ("binary", "looks like binary data (control characters), not text")
    return text, None


def too_many_controls(text: str) -> bool:
    """True when more than 1% of the text's first 64k characters are control characters
    (other than tab, newline, carriage return and form feed): binary data, not text."""
    sample = text[:65536]
    if not _CONTROL.search(sample):
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > _MAX_CONTROL_SHARE


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 text, refusing binary data with a one-line reason naming
    ``name`` (an :class:`~unspin.errors.InputError`): a file or an upload read whole."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {e.start}); convert it first, e.g. iconv -t utf-8"
        ) from None
    check_controls(text, name)
    return text


def check_controls(text: str, name: str) -> None:
    """Raise an InputError naming ``name`` when ``text`` looks like binary data."""
    if too_many_controls(text):
        raise InputError(f"{name}: looks like a binary file (control characters), not text")


def is_encodable(text: str) -> bool:
    """False for strings holding lone surrogates (e.g. from JSON escapes), which UTF-8 refuses."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def html_charset(data: bytes, declared: str | None) -> str:
    """The charset an HTML page says it uses (HTTP header first, then <meta>), else UTF-8."""
    if declared:
        return declared
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else "utf-8"
