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
