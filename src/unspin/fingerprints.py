"""Known spun phrases (fingerprints), matched with Aho-Corasick as the Problematic Paper
Screener does. The bundled list is the dev split of the tortured-phrases list (CC BY 4.0,
Cabanac, Labbé, Magazinov 2021) plus the curated spinner idioms; users add their own
(the Screener's CSV export, or a TSV of ``spun<TAB>expected``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from . import rules
from .errors import DataFileError


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    phrase: str
    expected: str
    source: str


class FingerprintList:
    """An Aho-Corasick automaton over lowercased phrases, matched on word boundaries."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        self._auto = ahocorasick.Automaton()
        n = 0
        for phrase, expected, source in entries:
            key = " ".join(phrase.lower().split())
            if key:
                self._auto.add_word(key, (key, expected, source))
                n += 1
        self.size = n
        if n:
            self._auto.make_automaton()

    def __len__(self) -> int:
        return self.size

    def count(self, low: str) -> int:
        """Hits in an already lowercased text, on word boundaries."""
        if not self.size:
            return 0
        n = 0
        for end, (key, _e, _s) in self._auto.iter(low):
            start = end - len(key) + 1
            if (start == 0 or not low[start - 1].isalnum()) and (
                end + 1 >= len(low) or not low[end + 1].isalnum()
            ):
                n += 1
        return n

    def find(self, text: str) -> Iterator[Hit]:
        if not self.size:
            return
        low = text.lower()
        for end, (key, expected, source) in self._auto.iter(low):
            start = end - len(key) + 1
            before = low[start - 1] if start > 0 else " "
            after = low[end + 1] if end + 1 < len(low) else " "
            if not before.isalnum() and not after.isalnum():
                yield Hit(start, end + 1, text[start : end + 1], expected, source)


def parse_fingerprint_file(path: str | Path) -> list[tuple[str, str, str]]:
    """Read a user's list: the Screener's CSV export or a plain TSV (spun, expected)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(
            f"{path}: cannot read fingerprint list ({e.__class__.__name__})"
        ) from None
    first = text.split("\n", 1)[0]
    name = Path(path).name
    expected = "expected 'spun<TAB>expected' lines or the Screener's CSV export"
    # (line number, row): numbers are the file's own, so an error points at the right line
    rows: list[tuple[int, list[str]]] = []
    if first.startswith("Fingerprint - Tortured Phrase"):
        reader = csv.reader(io.StringIO(text))
        try:
            rows = [(reader.line_num, row) for row in reader][1:]
        except csv.Error as e:
            raise DataFileError(f"{path}:{reader.line_num}: bad CSV ({e})") from None
    else:
        rows = [
            (n, line.split("\t"))
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.startswith("#")
        ]
        if rows and rows[0][1][0].strip().lower() in ("spun", "tortured_phrase", "phrase"):
            rows = rows[1:]
    out = []
    for n, row in rows:
        if not row or not row[0].strip():
            continue
        if len(row) < 2:
            hint = " (is this line a header, or comma-separated?)" if n == 1 else ""
            raise DataFileError(f"{path}:{n}: {expected}{hint}")
        out.append((row[0].strip(), row[1].strip(), name))
    if not out:
        raise DataFileError(f"{path}: no fingerprints in this file ({expected})")
    return out


def bundled_entries() -> list[tuple[str, str, str]]:
    """(phrase, expected, source) of the bundled list."""
    t = rules.tortured()
    entries = [(k, v[0], "tortured-phrases (dev)") for k, v in t.phrases.items()]
    entries += [
        (i.spun, i.original, "spinner idiom")
        for v in rules.idioms().values()
        for i in v
        if i.kind == "filler"
    ]
    return entries


@cache
def bundled() -> FingerprintList:
    return FingerprintList(bundled_entries())


def with_user_list(path: str | Path) -> FingerprintList:
    """The bundled list plus a user's file."""
    return FingerprintList(bundled_entries() + parse_fingerprint_file(path))
