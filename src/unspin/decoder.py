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

import sys
from dataclasses import dataclass

from . import names
from .channel import MAX_SPAN, Candidate, Channel, Option, Phrase, family_habit, family_lift
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
# Phrases memoised per channel (a few hundred bytes to a few kB each): the bound on its memory.
MAX_PHRASES = 200_000
MAX_CANDIDATES = 6  # per span, after pruning
BEAM = 8  # states kept per position


@dataclass(frozen=True, slots=True)
class Choice:
    first: int  # index into the sentence's word list
    last: int  # exclusive
    candidate: Candidate
    lm_gain: float  # log10 gain of the context model against keeping the spun words


# An edge of the lattice: (length in words, the words it puts there, the candidate's Option or
# None to keep the word, the candidate's prior in this document, rounded (0 to keep), the
# indefinite article before it ('' to keep)). A plain tuple: one is built per word per pass.
_Edge = tuple[int, tuple[str, ...], "Option | None", float, str]


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
    """The best original wording of one sentence, as the replacements it makes."""
    return Lattice(tokens, lm, channel, doc).decode(boost)


class Lattice:
    """One sentence's search space: its words and, at each position, the spans that have
    candidates, with every score that does not depend on ``boost``; :meth:`decode` can be
    called again with another boost (the restorer's second pass) at little cost."""

    def __init__(
        self, tokens: list[Token], lm: ContextModel, channel: Channel, doc: DocStats | None = None
    ) -> None:
        words, glued = word_units(tokens)
        self.words = words
        # interned: the context model's memo then compares its keys' words by identity
        self.norms = norms = [sys.intern(t.norm) for t in words]
        caps = [word_shape(t.text, k == 0) for k, t in enumerate(words)]
        capitalised = [t.text[:1].isupper() for t in words]
        self._lm, self._channel, self._doc = lm, channel, doc
        # (kept for a second pass: few container objects, which the cyclic GC would scan)
        self._scores: list[float | None] = []
        self._spans = [
            _spans_at(i, norms, glued, caps, capitalised, lm, channel, self._scores)
            for i in range(len(norms))
        ]

    def decode(self, boost: float = 0.0) -> list[Choice]:
        """The best path through the lattice when every substitution's prior is raised by
        ``boost`` (a document that looks spun)."""
        norms, lm = self.norms, self._lm
        n = len(norms)
        if not n:
            return []
        edges = [
            self._edges_at(i, spans, boost) if spans else [(1, (w,), None, 0.0, "")]
            for i, (w, spans) in enumerate(zip(norms, self._spans, strict=True))
        ]

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
                    length, words, option, prior, article = e
                    s = score + prior
                    a2 = h2
                    # the article is fixed with the word
                    a1 = article if after_article and option is not None else h1
                    for w in words:
                        s += logp(w, a1, a2)
                        a2, a1 = a1, w
                    target = beams[i + length]
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
            decoded.extend(e[1])

        choices = []
        for i, d, (length, words, option, prior, _) in starts:
            if option is None:
                continue
            c = Candidate(option[0], prior, option[2], option[3])
            gain = local_gain(decoded, d, len(words), tuple(norms[i : i + length]), lm)
            choices.append(Choice(i, i + length, c, gain))
        return choices

    def _edges_at(self, i: int, spans: tuple[_Span, ...], boost: float) -> list[_Edge]:
        """The edges leaving position ``i``: keep the word, or a candidate that the local
        test (the original in the left and right context) keeps."""
        norms, lm, doc = self.norms, self._lm, self._doc
        logp = lm.logp
        edges: list[_Edge] = [(1, (norms[i],), None, 0.0, "")]
        h1 = norms[i - 1] if i > 0 else BOS
        h2 = norms[i - 2] if i > 1 else ""
        after_article = h1 == "a" or h1 == "an"
        weight = self._channel.priors.document_weight
        doc_bonus = 2 * weight
        sc = self._scores
        priors = self._channel.priors
        family = doc.family if doc is not None else {}
        for length, spun, shape, right_word, cutoff, options, base in spans:
            name = shape == 1
            scored = []
            # a block's spinner family that has a habit for these words makes the other
            # explanations of them less likely (Priors.family_rival)
            habit = family_habit(spun, family)
            for k, option in enumerate(options):
                words, c_prior, source, _, profile, thesaurus, discount, article, original = option
                prior = c_prior if profile else c_prior + boost
                if name and not profile:
                    prior -= NAME_PENALTY
                if thesaurus:
                    prior -= discount
                if habit and source == "idiom":
                    # a spinner family's ordinary habits, as far as the block shows it
                    prior += family_lift(spun, original, priors, family)
                elif habit and not profile:
                    prior -= priors.family_rival * habit
                # Log-probabilities are <= 0, so the first word bounds the whole local score:
                # most candidates are dropped after one query, more once the document's
                # evidence is known.
                a1 = article if after_article else h1
                k4 = base + 4 * k
                first = sc[k4]
                if first is None:
                    first = sc[k4] = logp(words[0], a1, h2)
                if prior + first + (0.0 if profile else doc_bonus) <= cutoff:
                    continue
                if doc is not None and not profile:
                    evidence = sc[k4 + 1]
                    if evidence is None:
                        llr = doc.llr(spun, original)
                        evidence = sc[k4 + 1] = weight * max(-3.0, min(2.0, llr))
                    prior += evidence
                    if prior + first <= cutoff:
                        continue
                # prior + lm.score(c.original, a1, h2) + the right word's log-probability
                lp, right = sc[k4 + 2], sc[k4 + 3]
                if lp is None or right is None:
                    lp, b2, b1 = first, a1, words[0]
                    for w in words[1:]:
                        lp += logp(w, b1, b2)
                        b2, b1 = b1, w
                    right = logp(right_word, b1, b2)
                    sc[k4 + 2], sc[k4 + 3] = lp, right
                local = prior + lp + right
                if local > cutoff:
                    scored.append((local, prior, option))
            scored.sort(key=lambda x: -x[0])
            edges += [
                (length, o[0], o, o[1] if p == o[1] else round(p, 3), o[7])
                for _, p, o in scored[:MAX_CANDIDATES]
            ]
        return edges


def phrase(spun: tuple[str, ...], lm: ContextModel, channel: Channel) -> Phrase:
    """The decoder's view of the spun words ``spun``: what depends on them alone."""
    memo = channel.phrases
    found = memo.get(spun)
    if found is None:
        cands = channel.candidates(spun)
        if not cands and len(spun) > 1:
            return _NO_PHRASE  # most word pairs and triples: not worth a memo entry
        if len(memo) > MAX_PHRASES:
            memo.clear()
        # The share of the model's plain frequency preference a thesaurus candidate loses
        # (see ``Priors.frequency_discount``).
        share = channel.priors.frequency_discount
        plain = lm.score(spun, "", "") if cands else 0.0
        options = []
        # the best priors, and every spinner habit (a family habit's prior rises in a block
        # that shows the family, after this memo is made)
        considered = cands[:MAX_CONSIDER] + [c for c in cands[MAX_CONSIDER:] if c.source == "idiom"]
        for c in considered:
            words, thesaurus = tuple(map(sys.intern, c.original)), c.source == "thesaurus"
            discount = share * max(0.0, lm.score(words, "", "") - plain) if thesaurus else 0.0
            article = _article_for(words[0])
            profile = c.source == "profile"
            options.append(
                (
                    words,
                    c.prior,
                    c.source,
                    c.note,
                    profile,
                    thesaurus,
                    discount,
                    article,
                    " ".join(words),
                )
            )
        found = memo[spun] = (" ".join(spun), all(lm.known(w) for w in spun), tuple(options))
    return found


_NO_PHRASE: Phrase = ("", True, ())


# A spun span at one position: (length in words, the spun words as one string, shape: 0 lower,
# 1 capitalised in a sentence, 2 acronym, the word after it, the cutoff candidates must score
# above in the local test, the candidates the context model may judge there, and where their
# scores start in the lattice's score list). A plain tuple, as the lattices of a whole block
# are kept for the second pass: the cyclic garbage collector stops scanning these.
_Span = tuple[int, str, int, str, float, tuple[Option, ...], int]


def _spans_at(
    i: int,
    norms: list[str],
    glued: list[bool],
    caps: list[int],
    capitalised: list[bool],
    lm: ContextModel,
    channel: Channel,
    scores: list[float | None],
) -> tuple[_Span, ...]:
    """The spans at position ``i`` that have candidates; ``scores`` gets room for the four
    scores of each candidate (first word, document evidence, whole original, right word), which
    do not depend on the boost. A spun known name is a span of its own (:mod:`unspin.names`:
    its words depend on how the span is written, so it is not part of the phrase memo)."""
    spans = []
    h1 = norms[i - 1] if i > 0 else BOS
    h2 = norms[i - 2] if i > 1 else ""

    def add(length: int, spun_str: str, shape: int, options: tuple[Option, ...]) -> None:
        end = i + length
        spun = tuple(norms[i:end])
        right = norms[end] if end < len(norms) else EOS
        keep_local = lm.score(spun, h1, h2) + _next(lm, right, spun, h1)
        cutoff = keep_local - PRUNE_MARGIN
        spans.append((length, spun_str, shape, right, cutoff, options, len(scores)))
        scores.extend([None] * (4 * len(options)))

    for length in range(1, MAX_SPAN + 1):
        end = i + length
        if end > len(norms) or (length > 1 and not glued[end - 1]):
            break
        spun_str, known, candidates = phrase(tuple(norms[i:end]), lm, channel)
        if not candidates:
            continue
        shape = max(caps[i:end])
        options = tuple(
            o
            for o in candidates
            # acronyms, and words the model cannot judge, keep their spelling (o[4]: profile,
            # o[5]: thesaurus)
            if o[4] or not (shape == 2 or (not known and o[5]))
        )
        if options:
            add(length, spun_str, shape, options)
    priors = channel.priors
    for m in names.matches(norms, capitalised, glued, i):
        words = tuple(map(sys.intern, m.name.lower().split()))
        prior = priors.known_name - priors.name_loose * m.weak
        article = _article_for(words[0])
        option: Option = (words, prior, "name", m.note, False, False, 0.0, article, " ".join(words))
        # shape 0: a name is what is restored, so the capitals cost nothing
        add(m.length, " ".join(norms[i : i + m.length]), 0, (option,))
    return tuple(spans)


def _article_for(word: str) -> str:
    """The indefinite article before ``word``: the restorer fixes it along with the word."""
    return "an" if word[:1] in "aeiou" else "a"


def word_shape(word: str, sentence_initial: bool) -> int:
    """0 lower case (or sentence-initial), 1 capitalised inside a sentence (a name?), 2 an
    acronym."""
    if len(word) > 1 and word.isupper():
        return 2
    if word[:1].isupper() and not sentence_initial:
        return 1
    return 0


def _next(lm: ContextModel, right: str, words: tuple[str, ...], h1: str) -> float:
    prev = words[-2] if len(words) > 1 else h1
    return lm.logp(right, words[-1], prev)


def local_gain(
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
