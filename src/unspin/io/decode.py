"""Turn bytes into text, or into the reason they are not text (never raising)."""

from __future__ import annotations

import codecs
import re

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
    sample = text[:65536]
    if _CONTROL.search(sample):
        controls = len(_CONTROL.findall(sample))
        if controls / len(sample) > _MAX_CONTROL_SHARE:
            return None, ("binary", "looks like binary data (control characters), not text")
    return text, None


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
