"""Spun technical terms: a known multi-word term whose words a paper mill swapped one by one.

A spinner run over a scientific paper does not know that "big data" or "image recognition" is
a term: it writes "huge information" and "image acknowledgment". Such a span lines up with the
term word for word: the function words as they were, each content word the same, a thesaurus
neighbour, or the original of a paper-mill word substitution. :func:`matches` finds the terms
a span may stand for; the channel proposes them (the ``term`` source) and the context model,
which reads the term in its sentence, decides.

The terms are the expected wordings of the tortured-phrase list's dev split, the originals of
``data/tortured.msgpack.gz`` (:mod:`unspin.rules`): the vocabulary a paper mill spins is the
vocabulary of the fields it writes in, so a term the list knows returns in phrases it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from . import lexicon, names, rules

MAX_WORDS = 4
# words a term keeps as they are (a spinner leaves them alone too)
FUNCTION_WORDS = names.FUNCTION_WORDS | frozenset({"with", "by", "from", "as", "or"})


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A known term that the spun words may stand for."""

    term: tuple[str, ...]
    changed: int  # content words that differ from the term's
    weak: int  # of those, the ones only a single loose thesaurus link (Moby's) gives

    @property
    def note(self) -> str:
        """The evidence, in words."""
        loose = f", {self.weak} loosely" if self.weak else ""
        s = "s" if self.changed > 1 else ""
        return (
            f"known term of the paper-mill list, {self.changed} word{s} replaced by a "
            f"synonym{loose}"
        )


@cache
def _terms() -> frozenset[tuple[str, ...]]:
    """The list's multi-word originals (lower case, words only)."""
    out = set()
    for original, _ in rules.tortured().phrases.values():
        words = tuple(original.lower().split())
        if 2 <= len(words) <= MAX_WORDS and all(w.replace("-", "").isalpha() for w in words):
            out.add(words)
    return frozenset(out)


@cache
def _index() -> dict[tuple[int, str], tuple[tuple[str, ...], ...]]:
    """(length, first word) -> the terms of that length starting with that word."""
    out: dict[tuple[int, str], list[tuple[str, ...]]] = {}
    for term in sorted(_terms()):
        out.setdefault((len(term), term[0]), []).append(term)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1 << 14)
def _word_originals(spun: str) -> frozenset[str]:
    """The single-word originals the list's word-level substitutions give ``spun``."""
    return frozenset(o for o, _, _ in rules.tortured().words.get(spun, ()) if " " not in o)


@lru_cache(maxsize=1 << 14)
def _heads(first: str) -> frozenset[str]:
    """Words a term may start with when a spun span starts with ``first``."""
    return frozenset({first, *lexicon.neighbours(first), *_word_originals(first)})


@lru_cache(maxsize=1 << 16)
def _link(spun: str, original: str) -> int:
    """How a spun content word stands to a term's word (names.SAME, STRONG, WEAK or NONE):
    a paper-mill word substitution the list knows is a strong link."""
    if original in _word_originals(spun):
        return names.STRONG
    return names.link(spun, original)


@lru_cache(maxsize=1 << 16)
def matches(words: tuple[str, ...]) -> tuple[TermMatch, ...]:
    """The known terms the lower-case ``words`` may be a spun copy of: as many words, the
    function words as they are, every content word the same or linked (at least one changed,
    one through a strong link, a loose link only in a term of three words or more). Words that
    are themselves a known term are left alone."""
    n = len(words)
    if not 2 <= n <= MAX_WORDS or words in _terms() or words[0] in FUNCTION_WORDS:
        return ()
    index = _index()
    out: list[TermMatch] = []
    for head in _heads(words[0]):
        for term in index.get((n, head), ()):
            changed = weak = strong = 0
            for s, o in zip(words, term, strict=True):
                if s in FUNCTION_WORDS or o in FUNCTION_WORDS:
                    if s != o:
                        break
                    continue
                kind = _link(s, o)
                if kind == names.NONE:
                    break
                if kind != names.SAME:
                    changed += 1
                    weak += kind == names.WEAK
                    strong += kind == names.STRONG
            else:
                if changed and strong and (not weak or (n >= 3 and weak == 1)):
                    out.append(TermMatch(term, changed, weak))
    out.sort(key=lambda m: (m.weak, -m.changed, m.term))
    return tuple(out)


def may_match(words: tuple[str, ...]) -> bool:
    """Cheap: could some term of this length start like ``words``?"""
    n = len(words)
    if not 2 <= n <= MAX_WORDS or words[0] in FUNCTION_WORDS:
        return False
    index = _index()
    return any((n, h) in index for h in _heads(words[0]))
