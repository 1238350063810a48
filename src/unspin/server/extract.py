"""Text of an uploaded file: plain text as is, HTML reduced to its readable text.

Decoding and HTML to text are :mod:`unspin.io`'s (the main-text extractor when installed,
else a small stdlib parser). Works on bytes in memory: a request never names a file on the
server.
"""

from __future__ import annotations

from ..io.decode import decode_text
from ..io.html import html_to_text, html_to_text_stdlib

__all__ = ["extract", "html_to_text", "html_to_text_stdlib", "looks_like_html"]


def looks_like_html(name: str, content_type: str, text: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")) or "html" in content_type:
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def extract(data: bytes, name: str, content_type: str) -> tuple[str, str]:
    """(text, format) of an uploaded file; raises InputError for binary or non-UTF-8 data."""
    text = decode_text(data, name or "upload")
    if looks_like_html(name, content_type, text):
        out, _how = html_to_text(text)
        return out, "html"
    return text, "text"
