"""Clean English text for the benchmarks, read from packages installed on this machine.

    from benchmarks.corpus import documents
    for doc in documents("prose", n=500):      # Doc(id, text, kind, source)
        ...

Nothing here downloads anything: every source is a file that a pip or Debian package
installs (``scripts/install_bench_data.sh`` installs them all; sources and licences are in
``benchmarks/CORPORA.md``). Long texts are cut at paragraph boundaries into documents of
200-800 words (up to 1,000 when a short tail is merged); hard-wrapped lines are unwrapped and
markup is removed, so a document is plain paragraphs separated by blank lines.

Kinds:

- ``news``: ABC (Australian) news articles of the Lee corpus, shipped in gensim's test data
  (~350 short articles; kept from 100 words up).
- ``prose``: encyclopedic prose from the English Wikipedia sample in gensim's test data
  (~600 documents).
- ``technical``: the Python 3.11 documentation, the Linux kernel documentation, the
  PostgreSQL 15 manual, Perl's documentation and the Debian Administrator's Handbook
  (paragraphs of prose only, code removed).
- ``legal``: the licence texts of /usr/share/common-licenses.
- ``nonnative``: no real learner corpus installs offline (see CORPORA.md). The kind reads
  ``benchmarks/data/nonnative-imitation.jsonl``, texts the project wrote imitating learner
  English: a labelled proxy, never used for tuning.
- ``all``: every kind above; ``trace`` is ``all`` cut finer (100-400 words) to reach tens of
  thousands of distinct documents for the trace benchmarks.

``documents(kind, n, seed)`` is deterministic: the same arguments give the same documents in
the same order (the order is a seeded shuffle over every source of the kind).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import html
import importlib.util
import json
import pickle
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["KINDS", "CorpusUnavailable", "Doc", "documents", "sources_status"]


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    text: str
    kind: str
    source: str

    @property
    def words(self) -> int:
        return len(self.text.split())


class CorpusUnavailable(RuntimeError):
    """A source is not installed (the message says how to install it)."""


# --------------------------------------------------------------------------- cleaning

_WS = re.compile(r"[ \t\r\f\v]+")


def _unwrap(par: str) -> str:
    return _WS.sub(" ", par.replace("\n", " ")).strip()


def _prose_like(par: str, min_words: int = 8) -> bool:
    """A paragraph of running prose: enough words, mostly alphabetic, ends like a sentence."""
    words = par.split()
    if len(words) < min_words:
        return False
    alpha = sum(1 for w in words if w.strip(".,;:!?\"'()[]").isalpha())
    return alpha / len(words) >= 0.75 and par[-1] in ".!?:\"')"


_RST_ROLE = re.compile(r":[\w:+-]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]*>`_{1,2}")
_RST_REF = re.compile(r"`([^`]+)`_{1,2}")
_RST_LIT = re.compile(r"``([^`]+)``")
_RST_EMPH = re.compile(r"(?<!\w)\*{1,2}([^*\n]+)\*{1,2}(?!\w)")
_RST_SUBST = re.compile(r"\|([\w -]+)\|")
_RST_HEADING = re.compile(r"^([=\-~^\"'`#*+.:_])\1{2,}\s*$")


def clean_rst(text: str) -> list[str]:
    """Prose paragraphs of a reStructuredText file (directives, code and tables dropped)."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    para: list[str] = []
    skip_indent: int | None = None

    def flush() -> None:
        if para:
            p = _unwrap("\n".join(para))
            p = _RST_LINK.sub(r"\1", p)
            p = _RST_ROLE.sub(lambda m: m.group(1).lstrip("~!"), p)
            p = _RST_LIT.sub(r"\1", p)
            p = _RST_REF.sub(r"\1", p)
            p = _RST_EMPH.sub(r"\1", p)
            p = _RST_SUBST.sub(r"\1", p)
            if p.endswith("::"):
                p = p[:-1]
            if _prose_like(p):
                out.append(p)
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if not line or indent > skip_indent:
                i += 1
                continue
            skip_indent = None
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith(".. ") or stripped == "..":
            flush()
            skip_indent = indent
        elif _RST_HEADING.match(stripped) or stripped.startswith(("+--", "+==", "|", ">>>")):
            para.clear()
        elif indent > 0 and not para:
            # indented blocks: quotes, code after "::", list bodies; keep only list bodies
            if out and out[-1].endswith(":") and not stripped[:1].isalpha():
                pass
            elif stripped[:2] in ("- ", "* ") or re.match(r"\d+\.\s", stripped):
                para.append(stripped[2:])
            else:
                para.append(stripped)
        else:
            if stripped[:2] in ("- ", "* "):
                flush()
                stripped = stripped[2:]
            para.append(stripped)
            if stripped.endswith("::"):
                flush()
                skip_indent = indent
        i += 1
    flush()
    return out


_WIKI_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WIKI_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.S | re.I)
_WIKI_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_WIKI_TABLE = re.compile(r"\{\|[^{}]*?\|\}", re.S)
_WIKI_FILE = re.compile(r"\[\[(?:File|Image|Category|[a-z]{2,3}(?:-[a-z]+)?):[^\[\]]*\]\]", re.I)
_WIKI_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]|]*)\]\]")
_WIKI_EXT = re.compile(r"\[(?:https?|ftp)://[^\s\]]+\s*([^\]]*)\]")
_WIKI_TAG = re.compile(r"<[^>]+>")


def clean_wikitext(text: str) -> list[str]:
    """Prose paragraphs of one Wikipedia article's wikitext."""
    t = html.unescape(text)
    t = _WIKI_COMMENT.sub("", t)
    t = _WIKI_REF.sub("", t)
    for _ in range(8):  # nested templates and tables, innermost first
        t2 = _WIKI_TABLE.sub("", _WIKI_TEMPLATE.sub("", t))
        if t2 == t:
            break
        t = t2
    for _ in range(3):
        t = _WIKI_FILE.sub("", t)
    t = _WIKI_LINK.sub(r"\1", t)
    t = _WIKI_EXT.sub(r"\1", t)
    t = _WIKI_TAG.sub("", t)
    t = t.replace("'''", "").replace("''", "")
    pars = []
    for line in t.split("\n"):
        line = line.strip()
        if not line or line[0] in "=*#:;|!{}" or line.lower().startswith("#redirect"):
            continue
        line = _WS.sub(" ", line).replace(" ,", ",").replace("()", "").strip()
        if _prose_like(line, 12) and "{" not in line and "}" not in line:
            pars.append(line)
    return pars


class _HTMLParas(HTMLParser):
    """The text of paragraphs (<p>, or DocBook's <div class="para">) outside <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[str] = []
        self._buf: list[str] | None = None
        self._pre = 0
        self._divs = 0
        self._para_div: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        elif tag == "div":
            self._divs += 1
            # DocBook paragraphs, javadoc descriptions
            if self._buf is None and (("class", "para") in attrs or ("class", "block") in attrs):
                self._buf, self._para_div = [], self._divs
        elif tag == "p" and self._buf is None and not self._pre:
            self._buf = []

    def _flush(self) -> None:
        if self._buf is not None:
            self.paras.append(_unwrap("".join(self._buf)))
        self._buf = self._para_div = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "div":
            if self._para_div == self._divs:
                self._flush()
            self._divs -= 1
        elif tag == "p" and self._para_div is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._buf is not None and not self._pre:
            self._buf.append(data)


def clean_html(text: str) -> list[str]:
    p = _HTMLParas()
    p.feed(text)
    p.close()
    return [x for x in p.paras if _prose_like(x)]


_POD_CMD = re.compile(r"^=\w+")
_POD_CODE = re.compile(r"[BCIFLSE]<+\s*(.*?)\s*>+")


def clean_pod(text: str) -> list[str]:
    """Prose paragraphs of a Perl POD file (verbatim blocks and commands dropped)."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        if not block.strip() or block[:1] in " \t" or _POD_CMD.match(block):
            continue
        p = _unwrap(block)
        for _ in range(3):
            p = _POD_CODE.sub(lambda m: m.group(1).split("|")[-1], p)
        if _prose_like(p):
            out.append(p)
    return out


_ADOC_MARK = re.compile(r"(?<!\w)[`'*_]{1,2}([^`'*_\n]+?)[`'*_]{1,2}(?!\w)")
_ADOC_LINK = re.compile(r"(?:linkgit|link|https?):([^\[\s]*)\[([^\]]*)\]")


def clean_asciidoc(text: str) -> list[str]:
    """Prose paragraphs of an AsciiDoc file (listings, tables and attributes dropped)."""
    out = []
    text = re.sub(r"^(-{4,}|\.{4,}|={4,}|\|={3,})\n.*?^\1\n", "", text, flags=re.S | re.M)
    for block in re.split(r"\n\s*\n", text):
        if not block.strip() or block[:1] in " \t:[=|/+" or block.lstrip().startswith("--"):
            continue
        p = _unwrap(block)
        p = _ADOC_LINK.sub(lambda m: m.group(2) or m.group(1), p)
        p = _ADOC_MARK.sub(r"\1", p)
        if _prose_like(p):
            out.append(p)
    return out


def plain_paragraphs(text: str) -> list[str]:
    pars = [_unwrap(b) for b in re.split(r"\n\s*\n", text)]
    return [p for p in pars if p]


# --------------------------------------------------------------------------- chunking


def chunk(paragraphs: Iterable[str], lo: int = 200, hi: int = 800, cap: int = 1000) -> list[str]:
    """Cut paragraphs into documents of lo..hi words, at paragraph boundaries.

    A paragraph longer than ``hi`` is cut at sentence ends; a short tail is merged into the
    previous document when the total stays within ``cap``, and dropped otherwise.
    """
    units: list[tuple[str, int]] = []
    for p in paragraphs:
        n = len(p.split())
        if n <= hi:
            units.append((p, n))
            continue
        cur: list[str] = []
        count = 0
        for s in re.split(r"(?<=[.!?])\s+", p):
            k = len(s.split())
            if cur and count + k > hi:
                units.append((" ".join(cur), count))
                cur, count = [], 0
            cur.append(s)
            count += k
        if cur:
            units.append((" ".join(cur), count))
    docs: list[tuple[list[str], int]] = []
    cur_p: list[str] = []
    total = 0
    for p, n in units:
        if cur_p and total + n > hi:
            docs.append((cur_p, total))
            cur_p, total = [], 0
        cur_p.append(p)
        total += n
        if total >= lo and total >= hi * 0.75:
            docs.append((cur_p, total))
            cur_p, total = [], 0
    if cur_p:
        docs.append((cur_p, total))
    out: list[tuple[list[str], int]] = []
    for pars, n in docs:
        if n < lo:
            if out and out[-1][1] + n <= cap:
                out[-1] = (out[-1][0] + pars, out[-1][1] + n)
            continue
        out.append((pars, n))
    # a document that is still short after all (a short source) is dropped
    return ["\n\n".join(p) for p, n in out if n >= lo]


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    licence: str
    install: str
    root: Callable[[], Path | None]
    texts: Callable[[Path], Iterator[tuple[str, list[str]]]]  # (key, paragraphs)
    lo: int = 200

    def path(self) -> Path:
        p = self.root()
        if p is None or not p.exists():
            raise CorpusUnavailable(
                f"corpus source '{self.name}' ({self.kind}) is not installed: {self.install} "
                "(or run scripts/install_bench_data.sh)"
            )
        return p


def _gensim_data() -> Path | None:
    spec = importlib.util.find_spec("gensim")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "test" / "test_data"


def _lee(root: Path) -> Iterator[tuple[str, list[str]]]:
    for fname in ("lee_background.cor", "lee.cor"):
        with (root / fname).open(encoding="utf-8", errors="replace") as f:
            for i, line in enumerate(f):
                line = _unwrap(line)
                if line:
                    yield f"{fname.split('.')[0]}/{i}", [line]


def _wiki(root: Path) -> Iterator[tuple[str, list[str]]]:
    name = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
    with bz2.open(root / name, "rt", encoding="utf-8") as f:
        data = f.read()
    for m in re.finditer(r"<title>(.*?)</title>.*?<text[^>]*>(.*?)</text>", data, re.S):
        pars = clean_wikitext(m.group(2))
        if pars:
            yield m.group(1).replace(" ", "_"), pars


def _glob_texts(pattern: str, clean: Callable[[str], list[str]]) -> Callable[
    [Path], Iterator[tuple[str, list[str]]]
]:
    def texts(root: Path) -> Iterator[tuple[str, list[str]]]:
        root = root.resolve()
        for p in sorted(root.glob(pattern)):
            if not p.is_file():
                continue
            opener = gzip.open if p.suffix == ".gz" else open
            with opener(p, "rt", encoding="utf-8", errors="replace") as f:
                pars = clean(f.read())
            if pars:
                yield str(p.relative_to(root)), pars

    return texts


def _licences(root: Path) -> Iterator[tuple[str, list[str]]]:
    seen: set[str] = set()
    for p in sorted(root.iterdir()):
        if p.is_symlink() or not p.is_file():
            continue  # GPL -> GPL-3 etc. are links: count each text once
        text = p.read_text(encoding="utf-8", errors="replace")
        if text in seen:
            continue
        seen.add(text)
        pars = [x for x in plain_paragraphs(text) if len(x.split()) >= 5]
        yield p.name, pars


def _path(p: str) -> Callable[[], Path | None]:
    return lambda: Path(p)


def _perl_pod() -> Path | None:
    found = sorted(Path("/usr/share/perl").glob("5.*/pod"))
    return found[-1] if found else None


def _gensim_root() -> Path | None:
    return _gensim_data()


SOURCES: list[Source] = [
    Source("lee-news", "news", "gensim test data (LGPL-2.1 package); ABC news articles, "
           "research use", "pip install gensim==4.4.0", _gensim_root, _lee, lo=100),
    Source("wikipedia-sample", "prose", "CC BY-SA 3.0 (Wikipedia), via gensim test data",
           "pip install gensim==4.4.0", _gensim_root, _wiki),
    Source("debian-handbook", "technical", "GPL-2+ or CC BY-SA 3.0",
           "apt-get install debian-handbook", _path("/usr/share/doc/debian-handbook/html/en-US"),
           _glob_texts("*.html", clean_html)),
    Source("python-docs", "technical", "PSF License (Python 3.11 documentation)",
           "apt-get install python3.11-doc", _path("/usr/share/doc/python3.11/html/_sources"),
           _glob_texts("**/*.rst.txt", clean_rst)),
    Source("linux-docs", "technical", "GPL-2.0 (Linux kernel documentation)",
           "apt-get install linux-doc", _path("/usr/share/doc/linux-doc-6.1/Documentation"),
           _glob_texts("**/*.rst.gz", clean_rst)),
    Source("postgresql-docs", "technical", "PostgreSQL License",
           "apt-get install postgresql-doc-15", _path("/usr/share/doc/postgresql-doc-15/html"),
           _glob_texts("*.html", clean_html)),
    Source("perl-docs", "technical", "GPL-1+ or Artistic (Perl documentation)",
           "apt-get install perl-doc", _perl_pod,
           _glob_texts("*.pod", clean_pod)),
    Source("django-docs", "technical", "BSD-3-Clause (Django documentation)",
           "apt-get install python-django-doc", _path("/usr/share/doc/python-django-doc/html"),
           _glob_texts("**/*.html", clean_html)),
    Source("openjdk-api-docs", "technical", "GPL-2.0 with Classpath exception (OpenJDK 17 API "
           "documentation)", "apt-get install openjdk-17-doc",
           _path("/usr/share/doc/openjdk-17-doc/api"), _glob_texts("**/*.html", clean_html)),
    Source("git-docs", "technical", "GPL-2.0 (Git documentation)", "apt-get install git-doc",
           _path("/usr/share/doc/git-doc"), _glob_texts("**/*.txt", clean_asciidoc)),
    Source("common-licenses", "legal", "the licences themselves (verbatim copying permitted)",
           "base-files (always installed on Debian)", _path("/usr/share/common-licenses"),
           _licences, lo=150),
]

KINDS = ("news", "prose", "technical", "legal", "nonnative", "all", "trace")

_NONNATIVE = (
    "no corpus of non-native (learner) English installs offline with a licence for this use: "
    "the usual ones (ICNALE, ICLE, EFCAMDAT, Write & Improve, ELLIPSE/ASAP) are download-only "
    "behind registration; see benchmarks/CORPORA.md"
)


NONNATIVE_PROXY = Path(__file__).resolve().parent / "data" / "nonnative-imitation.jsonl"


def _imitation() -> list[Doc]:
    """The learner-English proxy (written by the project, not real learner text)."""
    if not NONNATIVE_PROXY.exists():
        raise CorpusUnavailable(_NONNATIVE)
    with open(NONNATIVE_PROXY, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Doc(r["id"], r["text"], "nonnative", f"imitation ({r['l1']}, {r['genre']})")
            for r in rows]


def _load(src: Source, lo: int, hi: int, cap: int) -> list[Doc]:
    root = src.path()
    out: list[Doc] = []
    for key, pars in src.texts(root):
        for i, text in enumerate(chunk(pars, lo=min(lo, src.lo), hi=hi, cap=cap)):
            out.append(Doc(f"{src.name}:{key}:{i}", text, src.kind, src.name))
    return out


CACHE = Path(__file__).resolve().parent.parent / "bench-out" / "corpus-cache"
# Bump when cleaning or chunking changes: the cache key is this, the kind, the sizes and the
# installed sources (path and mtime), so an unrelated edit of this file keeps the cache.
CORPUS_VERSION = 1


def _cache_path(kind: str, lo: int, hi: int, cap: int, srcs: list[Source]) -> Path:
    h = hashlib.sha256(f"{CORPUS_VERSION}:{kind}:{lo}:{hi}:{cap}".encode())
    for s in srcs:
        root = s.root()
        stamp = root.stat().st_mtime_ns if root is not None and root.exists() else 0
        h.update(f"{s.name}:{root}:{stamp}".encode())
    return CACHE / f"{kind}-{lo}-{hi}-{h.hexdigest()[:12]}.pickle"


def _all_docs(kind: str, lo: int, hi: int, cap: int, missing: str, cache: bool) -> list[Doc]:
    srcs = [s for s in SOURCES if kind in ("all", "trace") or s.kind == kind]
    path = _cache_path(kind, lo, hi, cap, srcs) if cache else None
    if path is not None and path.exists():
        with path.open("rb") as f:
            cached: list[Doc] = [Doc(*t) for t in pickle.load(f)]
        return cached
    docs: list[Doc] = []
    complete = True
    for s in srcs:
        try:
            docs.extend(_load(s, lo, hi, cap))
        except CorpusUnavailable:
            if missing != "skip":
                raise
            complete = False
    # distinct texts only (licence files and docs repeat boilerplate paragraphs)
    seen: set[str] = set()
    uniq = []
    for d in docs:
        if d.text not in seen:
            seen.add(d.text)
            uniq.append(d)
    if path is not None and complete:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            # plain tuples: a pickle of Doc would name the module that wrote it
            pickle.dump([(d.id, d.text, d.kind, d.source) for d in uniq], f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for stale in path.parent.glob(f"{kind}-{lo}-{hi}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return uniq


def documents(
    kind: str,
    n: int | None = None,
    seed: int = 0,
    *,
    words: tuple[int, int] | None = None,
    missing: str = "error",
    cache: bool = True,
) -> Iterator[Doc]:
    """Up to ``n`` documents of ``kind`` (all of them when ``n`` is None), in a seeded order.

    ``words=(lo, hi)`` changes the document size (default 200-800; 100-400 for ``trace``).
    ``missing="skip"`` leaves out sources that are not installed instead of failing (useful for
    ``all`` and ``trace``, which gather many sources). Parsed documents are cached under
    bench-out/corpus-cache/ (the cache key covers this file and the installed sources).
    """
    if kind == "nonnative":
        docs = _imitation()
        random.Random(seed).shuffle(docs)
        yield from docs[:n] if n is not None else docs
        return
    if kind not in KINDS:
        raise ValueError(f"unknown corpus kind {kind!r}; kinds: {', '.join(KINDS)}")
    lo, hi = words or ((100, 400) if kind == "trace" else (200, 800))
    cap = hi + hi // 4
    docs = list(_all_docs(kind, lo, hi, cap, missing, cache))
    random.Random(seed).shuffle(docs)
    yield from docs[:n] if n is not None else docs


def sources_status() -> list[tuple[str, str, str]]:
    """(source, kind, 'ok' or the install hint) for every source."""
    out = []
    for s in SOURCES:
        try:
            s.path()
            out.append((s.name, s.kind, "ok"))
        except CorpusUnavailable:
            out.append((s.name, s.kind, s.install))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print, per kind, how many documents and words are available."""
    import argparse

    ap = argparse.ArgumentParser(description="count the benchmark corpora on this machine")
    ap.add_argument("kinds", nargs="*", default=["news", "prose", "technical", "legal", "trace"])
    ap.add_argument("--show", type=int, default=0, help="print the first N documents")
    args = ap.parse_args(argv)
    for name, kind, status in sources_status():
        print(f"{name:18} {kind:10} {status}")
    for kind in args.kinds:
        try:
            docs = list(documents(kind, missing="skip"))
        except CorpusUnavailable as e:
            print(f"{kind}: unavailable: {e}")
            continue
        words = [d.words for d in docs]
        if not words:
            print(f"{kind}: 0 documents")
            continue
        words.sort()
        print(f"{kind}: {len(docs)} documents, {sum(words):,} words, words/doc "
              f"min {words[0]} median {words[len(words) // 2]} max {words[-1]}")
        for d in docs[: args.show]:
            print(f"--- {d.id} ({d.words} words)\n{d.text[:1500]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
