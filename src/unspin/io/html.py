"""Main-text extraction from HTML: resiliparse (fast, the default) or trafilatura."""

from __future__ import annotations

from collections.abc import Callable

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
    except ImportError:
        raise MissingDependencyError("HTML extraction", "trafilatura", "scan") from None

    def extract(html: str) -> str:
        text = trafilatura.extract(html, include_comments=False, include_tables=False)
        return text or ""

    return extract


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
