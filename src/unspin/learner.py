"""learn(): a spinner's substitution table, from documents it spun or from aligned pairs.

A content farm spins every article with the same key, so its substitutions repeat across
documents, while the restorer's mistakes on honest wording do not. Learning from raw spun
documents is decipherment by agreement: restore every document with all proposals kept,
count each (spun, original) pair, and keep the pairs that recur and that explain most
occurrences of their spun form. Learning from aligned (spun, source) pairs, such as those
``unspin trace`` finds, is direct: every aligned substitution is a rule.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from .channel import Channel, default_channel
from .profile import Profile, Rule
from .restorer import iter_fixes, looks_english
from .text import tokenize
from .trace.align import substitution_pairs

__all__ = ["learn", "learn_from_pairs", "substitution_pairs"]

MIN_COUNT = 2  # a rule must be seen at least this often
MIN_SHARE = 0.3  # ...and explain at least this share of its spun form's occurrences
MIN_MEAN_CONFIDENCE = 0.3


def learn(
    documents: Iterable[str | Iterable[str]],
    name: str = "profile",
    *,
    channel: Channel | None = None,
) -> Profile:
    """Learn a profile from documents spun by one spinner.

    A document is a text, or the pieces of one (paragraph blocks, as ``unspin learn`` reads
    a large file, so that memory stays bounded). ``documents`` is read twice, once for the
    fixes and once to count the spun forms; a one-shot iterator is read into memory first."""
    if iter(documents) is documents:
        documents = list(documents)
    channel = channel or default_channel()
    pair_count: Counter[tuple[str, str]] = Counter()
    pair_conf: defaultdict[tuple[str, str], float] = defaultdict(float)
    form_count: Counter[str] = Counter()
    n_docs = 0
    for doc in documents:
        english = False
        for piece in _english_pieces(doc):
            english = True
            for f in iter_fixes(piece, channel):
                key = (f.spun.lower(), f.original.lower())
                pair_count[key] += 1
                pair_conf[key] += f.confidence
        n_docs += english
    # How often each spun form occurs at all: a rule must explain most of its occurrences.
    forms = {k[0] for k in pair_count}
    for doc in documents:
        for piece in _english_pieces(doc):
            norms = [t.norm for t in tokenize(piece) if t.is_word]
            for n in (1, 2, 3):
                for i in range(len(norms) - n + 1):
                    phrase = " ".join(norms[i : i + n])
                    if phrase in forms:
                        form_count[phrase] += 1
    rules = []
    for (spun, orig), n in pair_count.items():
        share = n / max(form_count[spun], n)
        mean_conf = pair_conf[(spun, orig)] / n
        if n >= MIN_COUNT and share >= MIN_SHARE and mean_conf >= MIN_MEAN_CONFIDENCE:
            # how sure: the share of occurrences explained, shrunk towards the evidence
            confidence = (n / (n + 1)) * share * (0.5 + 0.5 * mean_conf)
            rules.append(Rule(spun, orig, n, round(confidence, 3)))
    return Profile.from_rules(name, rules, documents=str(n_docs), method="decipherment")


def _english_pieces(doc: str | Iterable[str]) -> Iterator[str]:
    for piece in [doc] if isinstance(doc, str) else doc:
        if piece.strip() and looks_english(piece):
            yield piece


def learn_from_pairs(pairs: Iterable[tuple[str, str]], name: str = "profile") -> Profile:
    """Learn a profile from aligned (spun document, original document) pairs; the alignment is
    trace's (sentences matched first, so dropped and reordered sentences do not break it)."""
    count: Counter[tuple[str, str]] = Counter()
    n_docs = 0
    for spun, original in pairs:
        n_docs += 1
        for s, o in substitution_pairs(spun, original):
            count[(s, o)] += 1
    by_form: Counter[str] = Counter()
    for (s, _), n in count.items():
        by_form[s] += n
    rules = [Rule(s, o, n, round((n / (n + 1)) * n / by_form[s], 3)) for (s, o), n in count.items()]
    return Profile.from_rules(name, rules, documents=str(n_docs), method="pairs")
