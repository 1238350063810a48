"""Spun technical terms: a known multi-word term whose words a paper mill swapped one by one.

A spinner run over a scientific paper does not know that "big data" or "image recognition" is
a term: it writes "huge information" and "image acknowledgment". Such a span lines up with the
term word for word: the function words as they were, each content word the same (or its plural
or other spelling) or the original of a word substitution the list shows paper mills make.
(Any thesaurus neighbour was too loose: honest prose then read "charged form" as a spun
"emotional state" and "Confederate States" as "United States".) :func:`matches` finds the terms
a span may stand for; the channel proposes them (the ``term`` source) and the context model,
which reads the term in its sentence, decides.

The terms are the expected wordings of the tortured-phrase list's dev split, the originals of
``data/tortured.msgpack.gz`` (:mod:`unspin.rules`): the vocabulary a paper mill spins is the
vocabulary of the fields it writes in, so a term the list knows returns in phrases it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from . import names, rules

MAX_WORDS = 4
# A term with a single word swapped is proposed only when the list shows that swap in at least
# this many phrases ("acknowledgment" for "recognition": 30): an honest writer's "clinical
# records" is one rare swap (2 phrases) from "medical records"
SINGLE_SWAP_SUPPORT = 3
# words a term keeps as they are (a spinner leaves them alone too)
FUNCTION_WORDS = names.FUNCTION_WORDS | frozenset({"with", "by", "from", "as", "or"})


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A known term that the spun words may stand for."""

    term: tuple[str, ...]
    changed: int  # content words that differ from the term's (each a listed substitution)

    @property
    def note(self) -> str:
        """The evidence, in words."""
        s = "s" if self.changed > 1 else ""
        return f"known term of the paper-mill list, {self.changed} word{s} swapped as mills do"


@cache
def _terms() -> frozenset[tuple[str, ...]]:
    """The list's multi-word originals (lower case, words only, not starting with a function
    word: "in this study" is a phrase, not a term)."""
    out = set()
    for original, _ in rules.tortured().phrases.values():
        words = tuple(original.lower().split())
        if (
            2 <= len(words) <= MAX_WORDS
            and words[0] not in FUNCTION_WORDS
            and all(w.isalpha() for w in words)
        ):
            out.add(words)
    return frozenset(out)


@cache
def _normal_terms() -> frozenset[tuple[str, ...]]:
    """The terms in normal forms (:func:`_normal`): what a span that is itself a term, in
    any of its forms, matches."""
    return frozenset(tuple(map(_normal, t)) for t in _terms())


@cache
def _index() -> dict[tuple[int, str], tuple[tuple[str, ...], ...]]:
    """(length, first word's normal form) -> the terms of that length starting with it."""
    out: dict[tuple[int, str], list[tuple[str, ...]]] = {}
    for term in sorted(_terms()):
        out.setdefault((len(term), _normal(term[0])), []).append(term)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1 << 14)
def _word_originals(spun: str) -> frozenset[str]:
    """The single-word originals the list's word-level substitutions give ``spun``."""
    return frozenset(o for o, _, _ in rules.tortured().words.get(spun, ()) if " " not in o)


def _support(spun: str, original: str) -> int:
    """In how many listed phrases the mills swapped ``original`` for ``spun``."""
    return max((n for o, n, _ in rules.tortured().words.get(spun, ()) if o == original), default=0)


@lru_cache(maxsize=1 << 16)
def _swapped(spun: str, original: str) -> bool | None:
    """Does a spun content word stand for a term's word: False if it is the same word (or its
    plural or other spelling), True if it is a word substitution the list knows, else None."""
    if original in _word_originals(spun):
        return True
    return False if names.same_word(spun, original) else None


def matches(words: tuple[str, ...]) -> tuple[TermMatch, ...]:
    """The known terms the lower-case ``words`` may be a spun copy of: as many words, the
    function words as they are, every content word the same or a listed substitution of the
    term's (two, or one the list shows often: ``SINGLE_SWAP_SUPPORT``). Words that are
    themselves a known term are left alone."""
    n = len(words)
    if not may_match(words) or tuple(map(_normal, words)) in _normal_terms():
        return ()
    index = _index()
    out: list[TermMatch] = []
    for head in _stands_for(words[0]):
        for term in index.get((n, head), ()):
            changed = support = 0
            for s, o in zip(words, term, strict=True):
                if s in FUNCTION_WORDS or o in FUNCTION_WORDS:
                    if s != o:
                        break
                    continue
                swapped = _swapped(s, o)
                if swapped is None:
                    break
                if swapped:
                    changed += 1
                    support = _support(s, o)
            else:
                if changed > 1 or (changed and support >= SINGLE_SWAP_SUPPORT):
                    out.append(TermMatch(term, changed))
    out.sort(key=lambda m: (-m.changed, m.term))
    return tuple(out)


def may_match(words: tuple[str, ...]) -> bool:
    """Cheap: could some term of this length start like ``words`` (its first two words)? What
    the channel asks before it reads its sources."""
    n = len(words)
    if not 2 <= n <= MAX_WORDS:
        return False
    seconds = _seconds_after(words[0], n)
    return bool(seconds) and not seconds.isdisjoint(_stands_for(words[1]))


@lru_cache(maxsize=1 << 16)
def _seconds_after(first: str, n: int) -> frozenset[str]:
    """The second words (normal forms) of the terms of ``n`` words a span starting with
    ``first`` may stand for."""
    if first in FUNCTION_WORDS:
        return frozenset()
    seconds = _second_words()
    return frozenset().union(*(seconds.get((n, h), ()) for h in _stands_for(first)))


def _normal(word: str) -> str:
    """A word's singular in American spelling: what two forms of one word share."""
    return names.american(names.singular(word))


@lru_cache(maxsize=1 << 16)
def _stands_for(spun: str) -> frozenset[str]:
    """The term words (normal forms) a spun word may stand for."""
    return frozenset({_normal(spun), *(_normal(o) for o in _word_originals(spun))})


@cache
def _second_words() -> dict[tuple[int, str], frozenset[str]]:
    """(length, first word's normal form) -> the normal forms of those terms' second words."""
    return {k: frozenset(_normal(t[1]) for t in group) for k, group in _index().items()}
