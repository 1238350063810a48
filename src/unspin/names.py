"""Spun names: a known multi-word name whose words a spinner swapped one by one.

A word spinner does not know that "House of Representatives" is a name, so it writes "Home of
Representatives"; "Food and Drug Administration" becomes "meals and medication management".
Such a span lines up with the name word for word: the function words as they were, each
content word the same or one of its thesaurus neighbours. :func:`matches` finds the names a
span may stand for; the neural path proposes them (:mod:`unspin.rescore`) and its model, which
reads the name in context, decides.

The names (institutions, places, events, documents and the like; no people) come from WordNet
3.0, listed by ``scripts/build_names.py`` and shipped as ``data/names.msgpack.gz``, with the
single words WordNet writes only capitalised (:func:`is_proper`: a sentence's first word that
is one of them is a name too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from . import datafile, lexicon

FORMAT = "unspin.names"
VERSION = 3
FILE = "names.msgpack.gz"
# words a name keeps as they are (a spinner leaves them alone too)
FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "in", "on", "to", "a", "an", "at", "de"})
# a thesaurus link is strong when MyThes or WordNet knows it, or two thesauri do
_STRONG_BITS = lexicon.SOURCES["mythes"] | lexicon.SOURCES["wordnet"]

NONE, WEAK, STRONG, SAME = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A known name that the span of ``length`` words may stand for."""

    length: int
    name: str  # as the list writes it ("Food and Drug Administration")
    changed: int  # content words that differ from the name's (each a thesaurus neighbour)
    weak: int  # of those, the ones only a single, loose thesaurus links (Moby) or a plural

    @property
    def note(self) -> str:
        """The evidence, in words."""
        loose = f", {self.weak} loosely" if self.weak else ""
        return f"known name, {self.changed} of its words replaced by thesaurus neighbours{loose}"


@cache
def _payload() -> dict[str, Any]:
    _, payload = datafile.read(datafile.packaged(FILE), FORMAT, VERSION)
    p: dict[str, Any] = payload
    return p


def _names() -> list[str]:
    found: list[str] = _payload()["names"]
    return found


@cache
def _near_first() -> dict[str, str]:
    """Word -> the names' first words a thesaurus links it to (space-separated)."""
    near: dict[str, str] = _payload()["near_first"]
    return near


@cache
def _proper() -> frozenset[str]:
    return frozenset(_payload()["proper"])


def is_proper(word: str) -> bool:
    """Is the lower-case ``word`` one that English writes only with a capital ("pakistan")?"""
    return word in _proper()


@cache
def _index() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """First word (lower case) -> the names starting with it, as (lower-case words, name)."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in _names():
        words = tuple(name.lower().split())
        out.setdefault(words[0], []).append((words, name))
    return {k: tuple(v) for k, v in out.items()}


@cache
def _known() -> frozenset[tuple[str, ...]]:
    return frozenset(words for entries in _index().values() for words, _ in entries)


@cache
def _written() -> dict[tuple[str, ...], str]:
    return {words: name for entries in _index().values() for words, name in entries}


def written(words: Sequence[str]) -> str | None:
    """The known name whose lower-case words are ``words``, as the list writes it."""
    return _written().get(tuple(words))


def is_name(words: Sequence[str]) -> bool:
    """Is the lower-case word sequence itself a known name?"""
    return tuple(words) in _known()


# British spellings, mapped onto American ones: "Defence Secretary" is the name as a British
# writer spells it, not a spun "Defense Secretary"
_SPELLING = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"our(s?)$", r"or\1"),
        (r"ence(s?)$", r"ense\1"),
        (r"tre(s?)$", r"ter\1"),
        (r"is(e|es|ed|ing|ation|ations)$", r"iz\1"),
        (r"yse(s?)$", r"yze\1"),
        (r"ogue(s?)$", r"og\1"),
        (r"([aeiou][^aeiou]*[aeiou][^aeiou]*)ll(ed|ing|er|ers)$", r"\1l\2"),  # not 'filled'
        (r"amme(s?)$", r"am\1"),
    )
)


@lru_cache(maxsize=1 << 16)
def american(word: str) -> str:
    """A word in American spelling (British endings mapped: -our, -ence, -ise, ...)."""
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


def spelling_variant(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one word in its British and American spellings?"""
    # (the two spellings differ only near the end: most pairs are told apart by their start)
    return a != b and a[:3] == b[:3] and american(a) == american(b)


def singular(word: str) -> str:
    """A plural's singular, roughly (a trailing s, not ss, dropped)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def same_word(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one word: the same, one the other's plural, or its other spelling?"""
    return a == b or singular(a) == singular(b) or spelling_variant(a, b)


@lru_cache(maxsize=1 << 14)
def link(spun: str, original: str) -> int:
    """How a spun content word stands to a name's word: SAME (also its plural or its other
    spelling), STRONG or WEAK thesaurus neighbours, or NONE."""
    if spun.endswith("'s") and original.endswith("'s"):
        spun, original = spun[:-2], original[:-2]  # "Individuals's" and "People's"
    if same_word(spun, original):
        return SAME
    bits = lexicon.link_bits(spun, original)
    if bits:
        strong = bits & _STRONG_BITS or bits.bit_count() >= 2
        return STRONG if strong else WEAK
    if lexicon.link_bits(singular(spun), singular(original)):
        return WEAK
    return NONE


_Entry = tuple[tuple[str, ...], str]  # (the name's lower-case words, the name)


@lru_cache(maxsize=1 << 12)
def _starting_near(
    first: str, shortest: int
) -> tuple[dict[str, tuple[_Entry, ...]], tuple[tuple[str, tuple[_Entry, ...]], ...]]:
    """The names of ``shortest`` words or more whose first word is ``first`` or one of its
    thesaurus neighbours (or its singular's): every name a span starting with ``first`` may be
    a spun copy of (memoised: the same words start many spans). Grouped by their second word:
    a function word (which only a span with that same word can match) and the content words."""
    index = _index()
    near = _near_first()
    heads = {first, *near.get(first, "").split(), *near.get(singular(first), "").split()}
    groups: dict[str, list[_Entry]] = {}
    for head in heads:
        for entry in index.get(head, ()):
            if len(entry[0]) >= shortest:
                groups.setdefault(entry[0][1], []).append(entry)
    by_function = {w: tuple(sorted(g)) for w, g in groups.items() if w in FUNCTION_WORDS}
    by_content = tuple(
        sorted((w, tuple(sorted(g))) for w, g in groups.items() if w not in FUNCTION_WORDS)
    )
    return by_function, by_content


def _fits(spun: str, original: str) -> bool:
    """Can the spun word stand for the name's word (a function word only for itself)?"""
    if spun in FUNCTION_WORDS or original in FUNCTION_WORDS:
        return spun == original
    return link(spun, original) != NONE


def matches(
    words: Sequence[str], capitalised: Sequence[bool], glued: Sequence[bool], i: int
) -> list[NameMatch]:
    """The known names the words from ``i`` on may be a spun copy of. ``words`` are lower
    case; ``capitalised`` says which are written with a capital (a name's mark); ``glued``
    which follow the word before with no punctuation between (a name has none inside).

    A name qualifies when its function words are there as they are, every content word is the
    same or a thesaurus neighbour, at least two differ, one of them through a strong link and
    at most one through a loose link (and that only where three differ), and the span is
    written like a name (every content word capitalised) or the name has three words or more
    (a lower-case two-word phrase two synonyms from some name is ordinary English). One
    swapped word is not enough: honest names one synonym from a listed one abound ("Superior
    Court", "Confederate States Army"), and a single swapped word is the one-word path's job
    ("Home" -> "House"). A span that is itself a known name is left alone."""
    first = words[i]
    if first in FUNCTION_WORDS or not first.isalpha() or i + 1 >= len(words):
        return []
    # a two-word name must be written as one; a lower-case first word starts only longer ones
    shortest = 2 if capitalised[i] else 3
    out: list[NameMatch] = []
    second = words[i + 1]
    # most spans part from every name at their second word
    by_function, by_content = _starting_near(first, shortest)
    if second in FUNCTION_WORDS:
        entries: Iterable[_Entry] = by_function.get(second, ())
    else:
        entries = (e for w, group in by_content if _fits(second, w) for e in group)
    for name_words, name in entries:
        n = len(name_words)
        if i + n > len(words) or not all(glued[i + 1 : i + n]):
            continue
        changed = weak = strong = 0
        for s, o in zip(words[i : i + n], name_words, strict=True):
            if o in FUNCTION_WORDS or s in FUNCTION_WORDS:
                if s != o:
                    break
                continue
            kind = link(s, o)
            if kind == NONE:
                break
            if kind != SAME:
                changed += 1
                weak += kind == WEAK
                strong += kind == STRONG
        else:
            # a loose link (Moby's, or through a plural) only among three changed words
            if changed < 2 or not strong or (weak and (changed < 3 or weak > 1)):
                continue
            if is_name(words[i : i + n]):
                continue
            content = [k for k in range(i, i + n) if words[k] not in FUNCTION_WORDS]
            if n >= 3 or all(capitalised[k] for k in content):
                out.append(NameMatch(n, name, changed, weak))
    out.sort(key=lambda m: (-m.length, m.weak, m.name))
    return out
