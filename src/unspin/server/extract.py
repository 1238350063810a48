"""Text of an uploaded file: plain text as is, HTML reduced to its readable text.

Uses the project's HTML extractor (:mod:`unspin.io.html`) when installed, else a small stdlib
parser that drops scripts, styles and markup and keeps paragraph breaks. Works on bytes in
memory: a request never names a file on the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from ..errors import MissingDependencyError
from ..io.decode import decode_text

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP and tag not in _VOID:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self._skip:
            self._skip -= 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        if not self._skip:
            self.parts.append(data)


def html_to_text_stdlib(html: str) -> str:
    """Readable text of an HTML document with the standard library only."""
    p = _TextParser()
    p.feed(html)
    p.close()
    text = "".join(p.parts)
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _project_extractor() -> Callable[[str], str] | None:
    """The main-text extractor of :mod:`unspin.io` (resiliparse or trafilatura) if installed."""
    try:
        from ..io.html import extractor
    except ImportError:
        return None
    for name in ("resiliparse", "trafilatura"):
        try:
            return extractor(name)
        except MissingDependencyError:
            continue
    return None


def html_to_text(html: str) -> tuple[str, str]:
    """Text of ``html`` and the name of the extractor that produced it."""
    fn = _project_extractor()
    if fn is not None:
        try:
            text = fn(html)
            if text.strip():  # main-content extraction may find nothing on a short page
                return text, "unspin.io"
        except Exception:  # an extractor bug must not fail the upload: fall back
            pass
    return html_to_text_stdlib(html), "stdlib"


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
