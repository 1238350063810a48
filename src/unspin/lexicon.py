"""The reverse thesaurus: for a form a spinner may write, the originals it may stand for.

Built by ``scripts/build_lexicon.py`` from MyThes, WordNet and Moby and shipped as
``data/lexicon.msgpack.gz``. Each link carries a bit set of the thesauri that know it; links
known to several thesauri are more likely to be in a spinner's table too.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache, lru_cache
from typing import Any

from . import datafile

FORMAT = "unspin.lexicon"
VERSION = 2
SOURCES = {"mythes": 1, "mythes_generic": 2, "wordnet": 4, "moby": 8}
FILE = "lexicon.msgpack.gz"
NEIGHBOURS_FORMAT = "unspin.neighbours"
NEIGHBOURS_VERSION = 2
NEIGHBOURS_FILE = "neighbours.msgpack.gz"
# originals the channel proposes per spun form (the file keeps more, for the neighbourhood)
CHANNEL_ORIGINALS = 16


@cache
def _payload() -> dict[str, Any]:
    _, payload = datafile.read(datafile.packaged(FILE), FORMAT, VERSION)
    p: dict[str, Any] = payload
    return p


def _table() -> dict[str, str]:
    table: dict[str, str] = _payload()["links"]
    return table


def forms() -> Collection[str]:
    """Every spun form the reverse thesaurus knows."""
    return _table()


@cache
def rare_forms() -> frozenset[str]:
    """Words much rarer than one of their common synonyms: what thesaurus spinners write."""
    return frozenset(_payload()["rare_forms"])


@cache
def originals(spun: str, limit: int | None = CHANNEL_ORIGINALS) -> tuple[tuple[str, int], ...]:
    """The originals ``spun`` may stand for, as (original, source bits), most credible first:
    the first ``limit`` (what the channel proposes), or all of them (``None``)."""
    entry = _table().get(spun)
    if not entry:
        return ()
    out = []
    for item in entry.split("|")[:limit]:
        word, _, bits = item.rpartition(":")
        out.append((word, int(bits)))
    return tuple(out)


@cache
def source_names(bits: int) -> tuple[str, ...]:
    return tuple(name for name, bit in SOURCES.items() if bits & bit)


@cache
def _neighbour_table() -> dict[str, str]:
    _, payload = datafile.read(
        datafile.packaged(NEIGHBOURS_FILE), NEIGHBOURS_FORMAT, NEIGHBOURS_VERSION
    )
    table: dict[str, str] = payload
    return table


@lru_cache(maxsize=1 << 16)
def neighbour_links(word: str) -> dict[str, int]:
    """Single words linked to ``word`` by a thesaurus in either direction (one step), with the
    source bits of the thesauri that know the link."""
    entry = _neighbour_table().get(word)
    if not entry:
        return {}
    out = {}
    for item in entry.split():
        w, _, bits = item.rpartition(":")
        out[w] = int(bits)
    return out


def link_bits(word: str, other: str) -> int:
    """The source bits of the thesauri that link ``word`` and ``other`` (0: no link), read
    from the table without building the word's neighbourhood (cheap in memory where many
    distinct words are asked about once, as the trigram path's name search does)."""
    entry = _neighbour_table().get(word)
    if not entry:
        return 0
    key = other + ":"
    at = entry.find(key)
    while at >= 0:
        if at == 0 or entry[at - 1] == " ":
            end = entry.find(" ", at)
            return int(entry[at + len(key) : end if end >= 0 else len(entry)])
        at = entry.find(key, at + 1)
    return 0


@lru_cache(maxsize=1 << 16)
def neighbours(word: str) -> frozenset[str]:
    """Single words linked to ``word`` by a thesaurus in either direction (one step)."""
    return frozenset(neighbour_links(word))


def related(a: str, b: str) -> int:
    """How closely the thesauri link two words: 1 (one step), 2 (a shared neighbour), 0."""
    na = neighbours(a)
    if b in na:
        return 1
    return 2 if not na.isdisjoint(neighbours(b)) else 0
