"""Tokens with character offsets, sentence splitting, and case handling.

Every later stage works on :class:`Token` objects that remember where they came from in the
input, so that a fix can always be reported as a span of the original string and replayed
on it. Nothing here changes the text: normalisation is a view (``Token.norm``), never a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A word is letters with inner apostrophes or hyphens ("Kyiv's", "counter-offensive");
# numbers keep their separators; anything else that is not space is one punctuation token.
_TOKEN_RE = re.compile(
    r"[^\W\d_]+(?:['’][^\W\d_]+)*"  # words, with inner apostrophes
    r"|\d+(?:[.,:]\d+)*"  # numbers
    r"|[^\w\s]",  # one punctuation character
    re.UNICODE,
)
_SENTENCE_END = frozenset(".!?;:")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the input: its surface text, its offsets and a lowercased form."""

    text: str
    start: int
    end: int

    @property
    def norm(self) -> str:
        return self.text.translate(_APOSTROPHES).lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split ``text`` into tokens; offsets are shifted by ``offset``."""
    return [
        Token(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN_RE.finditer(text)
    ]


def word_norms(text: str) -> list[str]:
    """``Token.norm`` of every word token of ``text``, without building the tokens."""
    return [w.translate(_APOSTROPHES).lower() for w in _TOKEN_RE.findall(text) if w[:1].isalpha()]


def sentences(tokens: list[Token]) -> Iterator[list[Token]]:
    """Group tokens into sentences at sentence punctuation (kept with its sentence)."""
    current: list[Token] = []
    for tok in tokens:
        current.append(tok)
        if tok.text in _SENTENCE_END:
            yield current
            current = []
    if current:
        yield current


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, paragraph) for each blank-line separated block, keeping offsets."""
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        yield m.start(), m.group()


def match_case(word: str, model: str) -> str:
    """Give ``word`` the capitalisation pattern of ``model`` ("Bill" -> "Invoice",
    "Leader Minister" -> "Chief Minister")."""
    if not model or not model[0].isalpha():
        return word
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[0].isupper():
        if " " in model and _titled(model):
            # a title-cased phrase ("Leader Minister", "Individuals's Republic", "Division of
            # Vitality") gives a title-cased original, its small words in lower case
            return " ".join(
                w if k and w in _SMALL_WORDS else w[:1].upper() + w[1:]
                for k, w in enumerate(word.split(" "))
            )
        return word[:1].upper() + word[1:]
    return word


# words a title leaves in lower case ("Department of Energy")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


def _titled(phrase: str) -> bool:
    """Every word of ``phrase`` but its small ones starts with a capital."""
    return all(w[:1].isupper() for w in phrase.split(" ") if w and w not in _SMALL_WORDS)
