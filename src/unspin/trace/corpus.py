"""Read a corpus to index as (id, text) pairs.

The project's readers in :mod:`unspin.io` are used when they are installed; until then (or if
they cannot read a path) a minimal reader handles JSONL with ``id`` and ``text`` (optionally
gzip-compressed), and folders of ``.txt`` and ``.html`` files (id: the path inside the folder).
"""

from __future__ import annotations

import gzip
import html
import importlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError

_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _io_reader() -> Any:
    try:
        mod = importlib.import_module("unspin.io")
    except ImportError:
        return None
    return getattr(mod, "iter_records", None)


def iter_corpus(
    path: str | Path, on_error: Callable[[str, str], None] | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (id, text) for every document of the corpus at ``path``.

    A record the reader cannot read is skipped and reported to ``on_error(where, reason)``;
    without a callback it stops the read with an :class:`InputError`.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or folder")
    reader = _io_reader()
    if reader is not None:
        for rec in reader(p):
            error = getattr(rec, "error", None)
            if error:
                where = str(getattr(rec, "location", path))
                if on_error is None:
                    raise InputError(f"{where}: {error}")
                on_error(where, str(error))
                continue
            yield str(rec.id), str(rec.text)
        return
    if p.is_dir():
        yield from _folder(p)
    elif p.name.endswith((".warc", ".warc.gz")):
        raise InputError(f"{path}: reading WARC files needs unspin.io: pip install 'unspin[scan]'")
    else:
        yield from _jsonl(p)


def _jsonl(p: Path) -> Iterator[tuple[str, str]]:
    opener = gzip.open if p.name.endswith(".gz") else open
    try:
        with opener(p, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    raise InputError(f"{p}:{n}: not a JSON line") from None
                if not isinstance(rec, dict) or "text" not in rec or "id" not in rec:
                    raise InputError(f"{p}:{n}: a record needs 'id' and 'text'")
                yield str(rec["id"]), str(rec["text"])
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 JSONL") from None
    except (OSError, EOFError) as e:
        raise InputError(f"{p}: cannot read ({e})") from None


def _folder(p: Path) -> Iterator[tuple[str, str]]:
    for f in sorted(p.rglob("*")):
        if not f.is_file() or f.suffix.lower() not in (".txt", ".html", ".htm"):
            continue
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise InputError(f"{f}: cannot read ({e.strerror})") from None
        if f.suffix.lower() != ".txt":
            text = html_to_text(text)
        yield str(f.relative_to(p)), text


def html_to_text(markup: str) -> str:
    """A crude text view of an HTML page (block tags become line breaks)."""
    markup = re.sub(r"<(?:br|/p|/div|/h\d|/li)\b[^>]*>", "\n", markup, flags=re.I)
    text = html.unescape(_TAGS.sub(" ", markup))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
