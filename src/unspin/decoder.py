"""Decoding: choose, for one sentence, the original wording that best explains the spun one.

Noisy channel: maximise  log P(O) + log P(S | O)  over the lattice in which every word span is
either kept (cost 0) or replaced by a candidate from the channel (cost: its prior). P(O) is
the trigram context model. The search is Viterbi over (position, last two words) states,
which is exact for a trigram model; candidates are pruned first by a cheap local test, so
that most words carry a single "keep" edge and the search stays linear.

Each chosen replacement is reported as a :class:`Choice` with its evidence: the context
model's gain over keeping the spun words (in the decoded context) and the channel prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .channel import MAX_SPAN, Candidate, Channel
from .docstats import DocStats
from .lm import BOS, EOS, ContextModel
from .text import Token

# Extra log10 cost to rewrite a capitalised word inside a sentence (most are names: "Rath",
# "Bill") and words in capitals (acronyms: "UP", "US"), unless a learned profile says so.
NAME_PENALTY = 1.5

# A candidate is searched only if a local test (the original in the left and right context of
# the spun word) does not find it worse than keeping by more than this, in log10.
PRUNE_MARGIN = 1.0
MAX_CONSIDER = 10  # candidates per span scored by the context model (best priors first)
MAX_CANDIDATES = 6  # per span, after pruning
BEAM = 8  # states kept per position


@dataclass(frozen=True, slots=True)
class Choice:
    first: int  # index into the sentence's word list
    last: int  # exclusive
    candidate: Candidate
    lm_gain: float  # log10 gain of the context model against keeping the spun words


class _Edge(NamedTuple):
    length: int
    words: tuple[str, ...]
    candidate: Candidate | None  # None: keep
    prior: float  # the candidate's prior in this document, rounded (0 to keep)
    article: str  # the indefinite article before the first word ('' to keep)


def word_units(tokens: list[Token]) -> tuple[list[Token], list[bool]]:
    """The word tokens of a sentence, and whether each is glued to the previous one (no
    punctuation between them), which phrases need."""
    words: list[Token] = []
    glued: list[bool] = []
    prev_was_word = False
    for tok in tokens:
        if tok.is_word:
            glued.append(prev_was_word)
            words.append(tok)
            prev_was_word = True
        else:
            prev_was_word = False
    return words, glued


def decode(
    tokens: list[Token],
    lm: ContextModel,
    channel: Channel,
    doc: DocStats | None = None,
    boost: float = 0.0,
) -> list[Choice]:
    words, glued = word_units(tokens)
    if not words:
        return []
    norms = [t.norm for t in words]
    n = len(norms)
    caps = [_shape(t.text, k == 0) for k, t in enumerate(words)]
    edges = [_edges_at(i, norms, glued, caps, lm, channel, doc, boost) for i in range(n)]

    # Viterbi over states (h2, h1); each state keeps (score, back pointer).
    logp = lm.logp
    Back = tuple[int, tuple[str, str], _Edge] | None
    beams: list[dict[tuple[str, str], tuple[float, Back]]] = [dict() for _ in range(n + 1)]
    beams[0][("", BOS)] = (0.0, None)
    for i in range(n):
        states = beams[i]
        if len(states) > BEAM:
            states = dict(sorted(states.items(), key=lambda kv: -kv[1][0])[:BEAM])
        out = edges[i]
        for state, (score, _) in states.items():
            h2, h1 = state
            after_article = h1 == "a" or h1 == "an"
            for e in out:
                s = score + e.prior
                a2 = h2
                # the article is fixed with the word
                a1 = e.article if after_article and e.candidate is not None else h1
                for w in e.words:
                    s += logp(w, a1, a2)
                    a2, a1 = a1, w
                target = beams[i + e.length]
                key = (a2, a1)
                old = target.get(key)
                if old is None or s > old[0]:
                    target[key] = (s, (i, state, e))
    final = max(beams[n].items(), key=lambda kv: kv[1][0] + logp(EOS, kv[0][1], kv[0][0]))

    # Back-track the best path.
    path: list[tuple[int, _Edge]] = []
    back = final[1][1]
    while back is not None:
        i, prev, e = back
        path.append((i, e))
        back = beams[i][prev][1]
    path.reverse()
    decoded: list[str] = []
    starts: list[tuple[int, int, _Edge]] = []  # (word index, decoded index, edge)
    for i, e in path:
        starts.append((i, len(decoded), e))
        decoded.extend(e.words)

    choices = []
    for i, d, e in starts:
        c = e.candidate
        if c is None:
            continue
        if e.prior != c.prior:
            c = Candidate(c.original, e.prior, c.source, c.note)
        gain = _local_gain(decoded, d, len(e.words), tuple(norms[i : i + e.length]), lm)
        choices.append(Choice(i, i + e.length, c, gain))
    return choices


class Option(NamedTuple):
    """A candidate with what the decoder needs of it that does not depend on the context."""

    candidate: Candidate
    profile: bool  # from a learned profile: its own prior, no boost, no document evidence
    thesaurus: bool
    discount: float  # the frequency discount of a thesaurus candidate (else 0)
    article: str  # the indefinite article before the original
    original: str  # the original as one string (what DocStats counts)


class Phrase(NamedTuple):
    """A spun word or phrase, its candidates (the first MAX_CONSIDER) and whether the context
    model knows all its words; memoised on the channel."""

    spun: str
    known: bool
    options: tuple[Option, ...]


def phrase(spun: tuple[str, ...], lm: ContextModel, channel: Channel) -> Phrase:
    """The decoder's view of the spun words ``spun``: what depends on them alone."""
    memo = channel.phrases
    found = memo.get(spun)
    if found is None:
        cands = channel.candidates(spun)
        if not cands and len(spun) > 1:
            return _NO_PHRASE  # most word pairs and triples: not worth a memo entry
        if len(memo) > 200_000:
            memo.clear()
        # The share of the model's plain frequency preference a thesaurus candidate loses
        # (see ``Priors.frequency_discount``).
        share = channel.priors.frequency_discount
        plain = lm.score(spun, "", "") if cands else 0.0
        options = []
        for c in cands[:MAX_CONSIDER]:
            thesaurus = c.source == "thesaurus"
            discount = share * max(0.0, lm.score(c.original, "", "") - plain) if thesaurus else 0.0
            article = _article_for(c.original[0])
            options.append(
                Option(c, c.source == "profile", thesaurus, discount, article, " ".join(c.original))
            )
        found = memo[spun] = Phrase(" ".join(spun), all(lm.known(w) for w in spun), tuple(options))
    return found


_NO_PHRASE = Phrase("", True, ())


def _edges_at(
    i: int,
    norms: list[str],
    glued: list[bool],
    caps: list[int],
    lm: ContextModel,
    channel: Channel,
    doc: DocStats | None,
    boost: float = 0.0,
) -> list[_Edge]:
    """The edges leaving position ``i``: keep the word, or a candidate; ``boost`` raises the
    prior of every substitution (a document that looks spun)."""
    edges = [_Edge(1, (norms[i],), None, 0.0, "")]
    n = len(norms)
    h1 = norms[i - 1] if i > 0 else BOS
    h2 = norms[i - 2] if i > 1 else ""
    after_article = h1 == "a" or h1 == "an"
    weight = channel.priors.document_weight
    doc_bonus = 2 * weight
    logp = lm.logp
    for length in range(1, MAX_SPAN + 1):
        end = i + length
        if end > n or (length > 1 and not glued[end - 1]):
            break
        spun = tuple(norms[i:end])
        ph = phrase(spun, lm, channel)
        if not ph.options:
            continue
        shape = max(caps[i:end])  # 0 lower, 1 capitalised in a sentence, 2 acronym
        right = norms[end] if end < n else EOS
        keep_local = lm.score(spun, h1, h2) + _next(lm, right, spun, h1)
        cutoff = keep_local - PRUNE_MARGIN
        scored = []
        for c, profile, thesaurus, discount, article, original in ph.options:
            if not profile and (shape == 2 or (not ph.known and thesaurus)):
                continue  # acronyms, and words the model cannot judge
            prior = c.prior if profile else c.prior + boost
            if shape == 1 and not profile:
                prior -= NAME_PENALTY
            if thesaurus:
                prior -= discount
            # Log-probabilities are <= 0, so the first word bounds the whole local score:
            # most candidates are dropped after one query, more once the document's
            # evidence is known.
            a1 = article if after_article else h1
            first = logp(c.original[0], a1, h2)
            if prior + first + (0.0 if profile else doc_bonus) <= cutoff:
                continue
            if doc is not None and not profile:
                prior += weight * max(-3.0, min(2.0, doc.llr(ph.spun, original)))
                if prior + first <= cutoff:
                    continue
            # prior + lm.score(c.original, a1, h2) + the right word, reusing ``first``
            lp, b2, b1 = first, a1, c.original[0]
            for w in c.original[1:]:
                lp += logp(w, b1, b2)
                b2, b1 = b1, w
            local = prior + lp + logp(right, b1, b2)
            if local > cutoff:
                scored.append((local, prior, c, article))
        scored.sort(key=lambda x: -x[0])
        edges += [
            _Edge(length, c.original, c, c.prior if p == c.prior else round(p, 3), article)
            for _, p, c, article in scored[:MAX_CANDIDATES]
        ]
    return edges


def _article_for(word: str) -> str:
    """The indefinite article before ``word``: the restorer fixes it along with the word."""
    return "an" if word[:1] in "aeiou" else "a"


def _shape(word: str, sentence_initial: bool) -> int:
    if len(word) > 1 and word.isupper():
        return 2
    if word[:1].isupper() and not sentence_initial:
        return 1
    return 0


def _next(lm: ContextModel, right: str, words: tuple[str, ...], h1: str) -> float:
    prev = words[-2] if len(words) > 1 else h1
    return lm.logp(right, words[-1], prev)


def _local_gain(
    decoded: list[str], d: int, k: int, spun: tuple[str, ...], lm: ContextModel
) -> float:
    """Context-model gain of ``decoded[d:d+k]`` against the spun words, in the decoded context."""
    left = decoded[max(0, d - 2) : d]
    right = decoded[d + k : d + k + 2]
    h = ([BOS] if d == 0 else []) + left
    h2 = h[-2] if len(h) > 1 else ""
    h1 = h[-1] if h else BOS
    with_orig = lm.score(tuple(decoded[d : d + k]) + tuple(right), h1, h2)
    with_spun = lm.score(spun + tuple(right), h1, h2)
    if d + k >= len(decoded):  # sentence end
        with_orig += lm.logp(EOS, decoded[-1], decoded[-2] if len(decoded) > 1 else h1)
        with_spun += lm.logp(EOS, spun[-1], spun[-2] if len(spun) > 1 else h1)
    return with_orig - with_spun
