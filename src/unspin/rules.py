"""Substitution rules learned from data and curated spinner habits (shipped data files).

- ``idioms.tsv``: phrase expansions, fillers and stock swaps of news-blog spinners ("as well
  as" for "and"), each labelled with the spinner family that has the habit.
- ``tortured.msgpack.gz``: paper-mill substitutions from the dev split of the Problematic
  Paper Screener's list, as whole phrases and as word-level rules (built by
  ``scripts/build_rules.py``; CC BY 4.0, Cabanac, Labbé, Magazinov 2021).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from . import datafile

TORTURED_FORMAT = "unspin.tortured"
TORTURED_VERSION = 1


@dataclass(frozen=True, slots=True)
class Idiom:
    spun: str
    original: str
    kind: str
    family: str  # the spinner family whose habit it is ('' for none in particular)
    note: str


@cache
def idioms() -> dict[str, tuple[Idiom, ...]]:
    path = datafile.packaged("idioms.tsv")
    table: dict[str, list[Idiom]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = (line for line in f if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            idiom = Idiom(
                row["spun"], row["original"], row["kind"], row["family"] or "", row["note"]
            )
            table.setdefault(idiom.spun, []).append(idiom)
    return {k: tuple(v) for k, v in table.items()}


@dataclass(frozen=True, slots=True)
class TorturedRules:
    phrases: dict[str, tuple[str, int]]  # spun phrase -> (original phrase, papers)
    words: dict[str, tuple[tuple[str, int, int], ...]]  # spun unit -> ((original, pairs, papers),)


@cache
def tortured() -> TorturedRules:
    _, payload = datafile.read(
        datafile.packaged("tortured.msgpack.gz"), TORTURED_FORMAT, TORTURED_VERSION
    )
    return TorturedRules(
        phrases={k: (str(v[0]), int(v[1])) for k, v in payload["phrases"].items()},
        words={
            k: tuple((str(o), int(n), int(p)) for o, n, p in v) for k, v in payload["words"].items()
        },
    )
