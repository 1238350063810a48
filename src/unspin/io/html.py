"""HTML to text, the one path for every reader and the server's uploads.

Main-text extraction by resiliparse (fast, the default) or trafilatura (:func:`extractor`);
:func:`html_to_text` uses the first installed and falls back to a small standard-library
parser (:func:`html_to_text_stdlib`) that drops scripts, styles and markup and keeps
paragraph breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from ..errors import MissingDependencyError

Extractor = Callable[[str], str]


def _resiliparse() -> Extractor:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        raise MissingDependencyError("HTML extraction", "resiliparse", "scan") from None

    def extract(html: str) -> str:
        text: str = extract_plain_text(HTMLTree.parse(html), main_content=True)
        return text

    return extract


def _trafilatura() -> Extractor:
    try:
        import trafilatura
    except ImportError as e:
        raise MissingDependencyError(
            "HTML extraction with trafilatura", _missing_package(e, "trafilatura"), "scan"
        ) from None

    def extract(html: str) -> str:
        text = trafilatura.extract(html, include_comments=False, include_tables=False)
        return text or ""

    return extract


def _missing_package(e: ImportError, wanted: str) -> str:
    """The package really missing behind ``import wanted``: often one of its own imports, such
    as lxml.html.clean, which lxml 6 moved out to the ``lxml_html_clean`` package."""
    if "lxml_html_clean" in str(e) or (e.name or "").startswith("lxml.html.clean"):
        return "lxml_html_clean"
    if e.name and e.name.split(".")[0] != wanted:
        return e.name.split(".")[0]
    return wanted


_FACTORIES: dict[str, Callable[[], Extractor]] = {
    "resiliparse": _resiliparse,
    "trafilatura": _trafilatura,
}
_CACHE: dict[str, Extractor] = {}


def extractor(name: str) -> Extractor:
    """The extractor called ``name``, built once (fails at once if its package is missing)."""
    if name not in _CACHE:
        _CACHE[name] = _FACTORIES[name]()
    return _CACHE[name]


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


def _main_text_extractor() -> Extractor | None:
    """The first main-text extractor installed (resiliparse, then trafilatura), or None."""
    for name in ("resiliparse", "trafilatura"):
        try:
            return extractor(name)
        except MissingDependencyError:
            continue
    return None


def html_to_text(html: str) -> tuple[str, str]:
    """Text of ``html`` and the name of the extractor that produced it."""
    fn = _main_text_extractor()
    if fn is not None:
        try:
            text = fn(html)
            if text.strip():  # main-content extraction may find nothing on a short page
                return text, "unspin.io"  # (the name the server has always reported)
        except Exception:  # an extractor bug must not fail the upload: fall back
            pass
    return html_to_text_stdlib(html), "stdlib"
