"""The channel P(spun | original): which originals a spun word or phrase may stand for.

Candidate sources form a registry; each proposes originals with a log10 prior that says how
often a spinner makes that substitution. The strongest come from data about spinners (a
learned farm profile, curated spinner habits, paper-mill pairs), the weakest from thesauri
used in reverse. Keeping a word as it is costs nothing: a substitution must win on the
context model by more than its prior costs. The priors are set in :class:`Priors`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from . import lexicon, rules, terms
from .lm import get_model
from .profile import Profile

MAX_SPAN = 5  # longest spun phrase looked up, in words ("the day gone by", long tortured phrases)

# Function words: spinners insert fillers around them but do not swap them for synonyms, and
# reverse-thesaurus links between them are noise.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "to",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "our",
        "we",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "mine",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "where",
        "when",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "too",
        "very",
        "just",
        "also",
        "there",
        "here",
        "then",
        "now",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "one",
        "two",
    ]
)


@dataclass(frozen=True, slots=True)
class Candidate:
    original: tuple[str, ...]
    prior: float  # log10 prior of the substitution
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class Priors:
    """log10 priors by source. Keeping a word scores 0."""

    # A learned profile rule: the log-odds (log10) of its confidence, between these. Log-odds,
    # not log10(confidence): the alternative, keeping the spun phrase, is itself only as likely
    # as 1 - confidence. With log10(confidence) a sure rule had to beat keeping on the context
    # model's word alone: measured on the development set with each excerpt's own key as the
    # profile, the neural path fixed 0.714 (less than with no profile, 0.762), the trigram
    # 0.836; with log-odds up to 1, 0.829 and 0.881 at the same damage. Up to 2 (odds of 100:
    # only rules surer than 0.91 are affected, such as those read off traced pairs; rules
    # learned from spun documents alone stay below it: the synthetic learned-profile figures
    # are unchanged), on the five-excerpt development set with each excerpt's key: neural
    # 0.829 -> 0.858 (damage 0.36 -> 0.45%), trigram 0.875 -> 0.885 (0.63%)
    profile_floor: float = -0.6
    profile_cap: float = 2.0
    idiom: float = -1.2
    # A habit whose spun form honest writers use too ("was once", "as well as") is weaker
    # evidence than one they never write ("the day gone by"): the idiom prior loses this much
    # per log10 that the spun phrase's plain probability under the context model exceeds
    # idiom_rare_logp (phrases rarer than that are spinner output wherever they appear).
    idiom_commonness: float = 0.5
    idiom_rare_logp: float = -7.0
    # A 'stock' habit (ordinary English: 'mentioned' for 'said', 'group' for 'team')
    # costs at least this much more than its plain idiom prior (log10)...
    stock_penalty: float = 3.0
    # ... and the family's habits ('swap' and 'stock' rows) move towards ``family_prior`` as
    # far as the block shows the family's distinctive habits: a spinner applies its whole key,
    # so where its rare forms recur ('essentially the most', 'in step with'), its ordinary
    # ones are its too. Activation is 0 below ``family_min`` distinct signatures in the block
    # and 1 from ``family_full`` on (linear between).
    family_prior: float = -0.5
    family_min: int = 2
    family_full: int = 4
    # Where an active family has a habit for a phrase, another source's explanation of the
    # same words (a thesaurus neighbour, a paper-mill rule) is that much less likely (log10,
    # times the activation): the block's spinner applies its own key.
    family_rival: float = 1.5
    tortured_phrase: float = -0.6
    # a known term of the list whose words the span's line up with (unspin.terms)
    known_term: float = -1.2
    tortured_word: float = -1.9  # plus support bonus
    tortured_support: float = 0.25  # per log10 of the pairs supporting a word rule
    thesaurus: float = -2.6  # plus agreement bonus, minus rank
    thesaurus_agreement: float = 0.3  # per extra thesaurus that knows the link
    thesaurus_rank: float = 0.04
    # Share of the context model's plain frequency preference that a thesaurus candidate does
    # not get credit for: a generic model prefers frequent words everywhere, and honest writers
    # use rarer synonyms on purpose. 1 would judge candidates by fit to context alone (PMI).
    frequency_discount: float = 0.7
    # A known multi-word name whose words line up with the span, each the same or a thesaurus
    # neighbour ("Division of Vitality" for "Department of Energy"; unspin.names), less per
    # loose link; written as the name is, with no capitalisation penalty
    known_name: float = -1.0
    name_loose: float = 0.5
    # Weight of the document's own evidence (unspin.docstats): does it over-use the spun form?
    document_weight: float = 0.5
    # How much more likely every substitution becomes in a block that looks spun (log10, at a
    # clipped document log-odds of 4; scaled linearly below; nothing for honest-looking text).
    spun_document_boost: float = 1.0


Source = Callable[[str, "Channel"], list[Candidate]]
# Every key a source with fixed tables may answer (a superset is fine): with them the channel
# skips, without asking each source, the many word pairs and triples that none of them knows.
# The profile source's keys are the channel's own profile rules.
Keys = Callable[[], Iterable[str]]
# A source that matches phrases loosely (no fixed keys) says instead, cheaply, whether it may
# answer a multi-word phrase.
MayKnow = Callable[[tuple[str, ...]], bool]
SOURCES: dict[str, Source] = {}
SOURCE_KEYS: dict[str, Keys] = {}
SOURCE_MAY_KNOW: dict[str, MayKnow] = {}


def source(
    name: str, keys: Keys | None = None, may_know: MayKnow | None = None
) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        if keys is not None:
            SOURCE_KEYS[name] = keys
        if may_know is not None:
            SOURCE_MAY_KNOW[name] = may_know
        return fn

    return register


def profile_prior(confidence: float, p: Priors) -> float:
    """A learned rule's prior: the log-odds (log10) of its confidence, clipped to
    [``profile_floor``, ``profile_cap``]."""
    c = min(max(confidence, 1e-6), 1 - 1e-6)
    return max(p.profile_floor, min(p.profile_cap, math.log10(c / (1 - c))))


@source("profile")
def _from_profile(key: str, ch: Channel) -> list[Candidate]:
    if ch.profile is None:
        return []
    return [
        Candidate(
            tuple(r.original.split()),
            profile_prior(r.confidence, ch.priors),
            "profile",
            f"learned in profile '{ch.profile.name}' ({r.count} times)",
        )
        for r in ch.profile.rules.get(key, ())
    ]


@source("idiom", keys=lambda: rules.idioms())
def _from_idioms(key: str, ch: Channel) -> list[Candidate]:
    found = rules.idioms().get(key, ())
    if not found:
        return []
    p = ch.priors
    return [
        Candidate(
            tuple(i.original.split()),
            round(p.idiom - idiom_penalty(key, i.kind, p, i.original), 3),
            "idiom",
            f"spinner {i.kind}: {i.note}",
        )
        for i in found
    ]


@lru_cache(maxsize=1 << 12)
def idiom_penalty(key: str, kind: str, p: Priors, original: str = "") -> float:
    """What a spinner habit costs beyond ``Priors.idiom`` (log10) in a block that shows no
    sign of its family: the commonness of its spun form in plain English, and for a 'stock'
    habit at least ``stock_penalty`` plus the thesaurus's frequency discount (a stock habit is
    an ordinary synonym, and honest writers choose rarer synonyms on purpose). A block's
    family activation gives it back."""
    lm = get_model()
    plain = lm.score(tuple(key.split()), "", "")
    common = p.idiom_commonness * max(0.0, plain - p.idiom_rare_logp)
    if kind != "stock":
        return common
    frequent = lm.score(tuple(original.split()), "", "") - plain if original else 0.0
    return max(common, p.stock_penalty) + p.frequency_discount * max(0.0, frequent)


def family_lift(key: str, original: str, p: Priors, activation: Mapping[str, float]) -> float:
    """What the habit ``key`` -> ``original`` gains (log10) in a block where its spinner
    family's activation is a (0..1): that share of the way from its plain idiom prior to
    ``family_prior`` (0 for a habit of no family, or of a family the block does not show)."""
    if not activation:
        return 0.0
    gaps = [
        activation.get(r.family, 0.0)
        * (p.family_prior - (p.idiom - idiom_penalty(key, r.kind, p, r.original)))
        for r in rules.idioms().get(key, ())
        if r.original == original and r.family
    ]
    return max(0.0, *gaps) if gaps else 0.0


def family_habit(key: str, activation: Mapping[str, float]) -> float:
    """The activation of the most active family in the block that has a habit for ``key``
    (0 if none does)."""
    if not activation:
        return 0.0
    return max((activation.get(r.family, 0.0) for r in rules.idioms().get(key, ())), default=0.0)


@cache
def signatures(p: Priors) -> dict[str, frozenset[str]]:
    """Each spinner family's distinctive habits: the spun forms, of every row of its own,
    that honest English does not write (no commonness cost, every word known to the context
    model), and its fillers (an inserted word is the family's mark however common the
    phrase). Never a 'stock' habit: that is ordinary English."""
    lm = get_model()
    out: dict[str, set[str]] = {}
    for key, rows in rules.idioms().items():
        families = {r.family for r in rows}
        if len(families) != 1 or "" in families or any(r.kind == "stock" for r in rows):
            continue
        rare = all(lm.known(w) for w in key.split()) and idiom_penalty(key, "swap", p) == 0.0
        if rare or all(r.kind == "filler" for r in rows):
            out.setdefault(rows[0].family, set()).add(key)
    return {f: frozenset(keys) for f, keys in out.items()}


def family_activation(present: int, p: Priors) -> float:
    """0..1 from the number of distinct signatures a block holds."""
    if present < p.family_min:
        return 0.0
    return min(1.0, (present - p.family_min + 1) / (p.family_full - p.family_min + 1))


@source("tortured", keys=lambda: [*rules.tortured().phrases, *rules.tortured().words])
def _from_tortured(key: str, ch: Channel) -> list[Candidate]:
    t = rules.tortured()
    out = []
    if key in t.phrases:
        orig, papers = t.phrases[key]
        out.append(
            Candidate(
                tuple(orig.split()),
                ch.priors.tortured_phrase,
                "tortured",
                f"known tortured phrase ({papers} papers)",
            )
        )
    if key in STOPWORDS:
        return out  # word-level rules on function words are alignment noise
    for orig, n, _papers in t.words.get(key, ()):
        prior = ch.priors.tortured_word + ch.priors.tortured_support * math.log10(n + 1)
        out.append(
            Candidate(
                tuple(orig.split()),
                min(prior, -0.3),
                "tortured",
                f"paper-mill substitution seen in {n} listed phrases",
            )
        )
    return out


@source("term", may_know=terms.may_match)
def _from_terms(key: str, ch: Channel) -> list[Candidate]:
    """A known term of the paper-mill list whose words the span's line up with
    (:mod:`unspin.terms`); proposed as the list's own knowledge ("tortured")."""
    p = ch.priors
    return [
        Candidate(m.term, p.known_term, "tortured", m.note)
        for m in terms.matches(tuple(key.split()))
    ]


@source("thesaurus", keys=lexicon.forms)
def _from_thesaurus(key: str, ch: Channel) -> list[Candidate]:
    if key in STOPWORDS:
        return []
    out = []
    p = ch.priors
    for rank, (orig, bits) in enumerate(lexicon.originals(key)):
        if orig in STOPWORDS or orig == key:
            continue
        words, agree, note = _thesaurus_link(orig, bits)
        prior = p.thesaurus + p.thesaurus_agreement * agree - p.thesaurus_rank * rank
        out.append(Candidate(words, prior, "thesaurus", note))
    return out


@lru_cache(maxsize=1 << 16)
def _thesaurus_link(orig: str, bits: int) -> tuple[tuple[str, ...], int, str]:
    """The original's words, how many more thesauri than one know the link, and the note."""
    names = "+".join(lexicon.source_names(bits))
    return tuple(orig.split()), bits.bit_count() - 1, f"thesaurus synonym ({names})"


# What the decoder keeps of each spun phrase between sentences (unspin.decoder.phrase),
# memoised on the channel. Plain tuples of strings and numbers: the cyclic garbage collector
# stops scanning those, so a large memo costs nothing at each full collection (Candidate
# objects or NamedTuples would be scanned every time). Measured (issue 13; restoring 200k
# words of the benchmark corpus, half spun, trigram path, 14k phrases, 88k options): with
# Option a NamedTuple, 163k objects stay tracked instead of 55k, a full gc.collect() takes
# 250-280 ms instead of 110-200 ms, and the restore runs 43-46 s instead of 31-35 s. Hence
# the tuple; the decoder unpacks it into names where it reads it.
Option = tuple[tuple[str, ...], float, str, str, bool, bool, float, str, str]
"""A candidate: its original words, prior, source and note (as in :class:`Candidate`); from a
learned profile? (its own prior: no boost, no document evidence); from a thesaurus?; the
thesaurus frequency discount (else 0); the indefinite article before it; the original as one
string (what DocStats counts)."""
Phrase = tuple[str, bool, tuple[Option, ...]]
"""A spun word or phrase: as one string, whether the context model knows all its words, and
its first MAX_CONSIDER candidates."""


@dataclass(slots=True)
class Channel:
    profile: Profile | None = None
    priors: Priors = field(default_factory=Priors)
    sources: tuple[str, ...] = tuple(SOURCES)
    # the decoder's memo of what it needs of each phrase it looked up (unspin.decoder.phrase)
    phrases: dict[tuple[str, ...], Phrase] = field(default_factory=dict, repr=False)

    def candidates(self, words: tuple[str, ...]) -> list[Candidate]:
        """Originals that the spun ``words`` may stand for, best prior first per original.
        Not memoised: the decoder keeps what it needs of them (``phrases``)."""
        if len(words) > 1 and not self._may_know(" ".join(words)):
            return []
        return _candidates(self, words)

    def _may_know(self, phrase: str) -> bool:
        """False if no source knows the multi-word ``phrase`` (nor its base before "'s")."""
        index = _phrase_index(self.sources)
        if index is None:
            return True  # a source that cannot list its keys: ask them all
        base = phrase[:-2] if phrase.endswith("'s") else phrase
        if phrase in index or base in index:
            return True
        for ask in _loose(self.sources):
            if ask(tuple(phrase.split())) or (base != phrase and ask(tuple(base.split()))):
                return True
        if self.profile is None or "profile" not in self.sources:
            return False
        return phrase in self.profile.rules or base in self.profile.rules


@cache
def _loose(sources: tuple[str, ...]) -> tuple[MayKnow, ...]:
    """What the loose sources among ``sources`` ask of a multi-word phrase."""
    return tuple(SOURCE_MAY_KNOW[n] for n in sources if n in SOURCE_MAY_KNOW)


@cache
def _phrase_index(sources: tuple[str, ...]) -> dict[str, None] | None:
    """The multi-word keys that the sources with fixed tables among ``sources`` may answer;
    None if one of them cannot list its keys. A dict, not a set: a dict of strings is not
    scanned by the cyclic garbage collector."""
    # (a loose source, which says itself what it may answer, has no keys to list)
    fixed = [
        name
        for name in sources
        if name != "profile" and not (name in SOURCE_MAY_KNOW and name not in SOURCE_KEYS)
    ]
    if any(name not in SOURCE_KEYS for name in fixed):
        return None
    return dict.fromkeys(k for name in fixed for k in SOURCE_KEYS[name]() if " " in k)


def _candidates(ch: Channel, words: tuple[str, ...]) -> list[Candidate]:
    key = " ".join(words)
    possessive = ""
    found = _lookup(ch, key)
    if not found and key.endswith("'s") and len(key) > 3:
        # "individuals's republic" -> "people's": restore the base, keep the clitic
        possessive = "'s"
        found = _lookup(ch, key[:-2])
    if possessive:
        found = [
            Candidate(c.original[:-1] + (c.original[-1] + possessive,), c.prior, c.source, c.note)
            for c in found
        ]
    return found


def _lookup(ch: Channel, key: str) -> list[Candidate]:
    """One candidate per original: the best prior, except that more specific knowledge
    stands for its substitution whatever a more general source says of the same words: a
    rule learned from the user's own farm first, then a spinner habit (the idiom source,
    whose prior a block's family activation moves: :func:`family_lift`), then the rest."""
    best: dict[tuple[str, ...], Candidate] = {}
    for name in ch.sources:
        for c in SOURCES[name](key, ch):
            seen = best.get(c.original)
            if seen is None or _specificity(c) > _specificity(seen):
                best[c.original] = c
    return sorted(best.values(), key=lambda c: -c.prior)


def _specificity(c: Candidate) -> tuple[bool, bool, float]:
    return (c.source == "profile", c.source == "idiom", c.prior)


@cache
def default_channel() -> Channel:
    return Channel()
