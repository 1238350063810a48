"""The neural path of restore: candidates from the channel and the thesaurus neighbourhood,
chosen by a neural language model that reads the whole sentence and the one before it.

For one sentence:

1. **Read** the spun sentence once (after the restored previous sentence, as context). This
   gives every token's log-probability and, at every word, the model's whole distribution
   over what comes next.
2. **Propose.** At every word span the channel's sources propose originals (curated spinner
   habits, paper-mill rules, a learned profile, the reverse thesaurus: :mod:`unspin.channel`).
   At every content word the restorer adds its thesaurus neighbours in either direction
   (spinners' tables are not WordNet's), and the words the model itself expects there when
   they are two thesaurus steps from the spun word (a shared neighbour). A candidate's prior
   (natural log) says how often a spinner makes that kind of substitution.
3. **Screen** each candidate by the model's left-context preference for its first token,
   read off the distribution from step 1 (no extra model call); keep the best few per span.
4. **Rescore** the survivors with right context: the model reads the sentence with the
   candidate in place, up to ``right_window`` units after it, reusing its cache for the
   shared prefix. A candidate's *gain* is the change in the log-likelihood of that window.
5. **Choose** candidates whose gain plus prior (minus a share of the model's plain preference
   for frequent words) exceeds the margin, best first, without overlaps.

Every decision is reported as a ``Found`` with the evidence: the source, the model's gain
(log10, with the nats in the note) and the prior, so fixes replay and explain themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import lexicon, names
from .channel import MAX_SPAN, STOPWORDS, Channel, family_habit, family_lift
from .decoder import local_gain, word_shape, word_units
from .docstats import DocStats
from .fixes import Evidence
from .lm import ContextModel
from .neural import BATCH_TOKENS, NeuralModel
from .text import Token, match_case, tokenize

LN10 = math.log(10)
# told (start, end, original in lower case, gain + prior in nats) for every candidate the model
# rescored in a sentence as written: what benchmarks/bench_real.py reads to say where the
# right original was lost (never needed to restore)
Verdicts = Callable[[int, int, str, float], None]
# the source of a candidate that is the spun word in another spelling: it stands for keeping
# the word, and is never a fix
SPELLING = "spelling"


@dataclass(frozen=True, slots=True)
class NeuralPriors:
    """Natural-log priors and search settings of the neural path."""

    related1: float = -3.0  # a one-step thesaurus neighbour (either direction)
    agreement: float = 1.0  # per extra thesaurus that knows the link (at most two)
    # the link runs the spinner's way: the candidate's own thesaurus entry lists the spun word
    spinner_direction: float = 1.0
    related2: float = -5.0  # two steps, and proposed by the model itself
    # share of the trigram's plain (unigram) preference for the candidate that it does not get
    # credit for: honest writers use rarer synonyms on purpose
    frequency_discount: float = 0.5
    name_penalty: float = 3.0  # a capitalised word inside a sentence is usually a name
    # a known multi-word name whose words line up with the span, each the same or a thesaurus
    # neighbour ("Division of Vitality"; unspin.names), less per loose link
    known_name: float = -2.0
    name_loose: float = 1.0
    document_weight: float = 0.5 * LN10  # per log10 of the document's LLR for the rule
    margin: float = 0.0  # gain + prior must exceed this
    screen: float = -3.0  # first-token gain + prior needed to be rescored
    per_span: int = 2  # candidates rescored per span
    # the model's own expectations considered at a word (0: none). Off: two thesaurus steps
    # through Moby link almost any two words, and in a heavily spun sentence the model's
    # favourite fluent word wins by many nats (measured on synthetic tune data and read on
    # real spins).
    top_k: int = 0
    right_window: int = 4  # units (words or punctuation) of right context rescored
    # An honest writer's collocations stand: where the trigram finds a thesaurus candidate
    # fits the two words on either side worse than the spun word does, beyond its plain
    # preference for the more frequent word ('target code' for 'object code'), the candidate's
    # prior loses this much per nat of the difference (at most ``collocation_clip`` log10).
    # A penalty only: the same credit for a candidate that fits better (a spinner's broken
    # collocation, 'Russian pressures') made more wrong fixes than right ones (measured on the
    # development and tune sets)
    collocation: float = 0.5
    collocation_clip: float = 2.0
    # fixes this sure (gain + prior, nats) are put in place and the rest of the sentence read
    # again: in a heavily spun sentence the neighbours of a word are spun too, and a candidate
    # is judged better beside restored words (inf: one reading)
    anchor: float = 4.0
    context_tokens: int = 48  # tokens of the previous sentence read as context
    # A spinner's key is one table for the whole document: in a block that looks spun, what
    # the model made of the same substitution at its other occurrences adds to a candidate's
    # prior (``key_weight`` per occurrence, each clipped to +-``key_clip`` nats)
    key_weight: float = 0.5
    key_clip: float = 4.0
    # In a block that looks honest the document boost (channel.Priors.spun_document_boost per
    # unit of the detector's log-odds / 4) turns negative; it is floored at minus this much
    # (log10): a small model prefers frequent words everywhere, and honest technical or legal
    # prose keeps its own
    honest_penalty: float = 1.0


@dataclass(frozen=True, slots=True)
class Proposal:
    first: int  # word index in the sentence
    last: int  # exclusive
    words: tuple[str, ...]  # the original's words, lower case
    prior: float  # natural log
    source: str
    note: str
    cased: str = ""  # the original as it is written, where that is fixed (a known name)

    def surface(self, spun: str) -> str:
        """The original as it goes into the text in place of ``spun``."""
        return self.cased or match_case(" ".join(self.words), spun)


@dataclass(frozen=True, slots=True)
class Found:
    """A chosen replacement, in text offsets, with its evidence."""

    start: int
    end: int
    spun: str
    original: str
    evidence: Evidence
    total: float  # gain + prior, nats


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate the model read in place: its gain over the spun wording and how the model
    saw the spun word."""

    proposal: Proposal
    gain: float  # change in the log-likelihood of the window (nats)
    first_gain: float  # the first token's gain from left context alone (nats)
    spun_logprob: float  # the spun word's first token, from left context (nats)
    spun_rank: int  # how many tokens the model expected more than the spun word's first


@dataclass(slots=True)
class DocumentKey:
    """The document's substitutions as the model judged them at each occurrence: evidence for
    the spinner's key, one table used the whole document through. The key is many-to-one
    ('saw' and 'seen' may both become 'noticed'), so the pooled verdicts only weigh a choice
    (:meth:`bonus`), never force one original per spun phrase (that lost fixes on the
    development set). Each verdict (gain + prior, nats) is clipped to +-``clip``."""

    weight: float
    clip: float
    # spun phrase -> original -> the sum of its clipped verdicts over the occurrences
    sums: dict[str, dict[str, float]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # spun phrase -> occurrences judged

    def _clipped(self, total: float) -> float:
        return max(-self.clip, min(self.clip, total))

    def observe(self, spun: str, totals: dict[str, float]) -> None:
        """One occurrence of ``spun`` and the verdict on each original judged there."""
        row = self.sums.setdefault(spun, {})
        for original, total in totals.items():
            row[original] = row.get(original, 0.0) + self._clipped(total)
        self.seen[spun] = self.seen.get(spun, 0) + 1

    def recurring(self) -> frozenset[str]:
        """The first words of the spun phrases judged at more than one place, with some
        original the model favoured there: where the pooled evidence can change a choice."""
        return frozenset(
            s.split()[0]
            for s, n in self.seen.items()
            if n > 1 and max(self.sums[s].values(), default=0.0) > 0
        )

    def bonus(self, spun: str, original: str, here: dict[str, float]) -> float:
        """What the other occurrences of ``spun`` say for ``original`` (nats): its pooled
        verdict there, less the best rival's (the key has one original per phrase). ``here``
        holds this occurrence's own verdicts, left out of the pool."""
        if self.seen.get(spun, 0) < 2:
            return 0.0
        row = self.sums.get(spun, {})
        elsewhere = {o: v - self._clipped(here[o]) if o in here else v for o, v in row.items()}
        rival = max((v for o, v in elsewhere.items() if o != original), default=0.0)
        return self.weight * (elsewhere.get(original, 0.0) - max(0.0, rival))


@dataclass(slots=True)
class _Read:
    """One spun sentence as the model read it."""

    words: list[Token]
    unit_of_word: list[int]  # the token index of each word
    ids: list[int]  # model tokens: BOS, context, the sentence
    starts: list[int]  # where each token of the sentence starts in ``ids`` (and the end)
    seps: list[str]  # the space before each token, or ''
    base: np.ndarray  # natural log-probability of each model token
    dists: dict[int, np.ndarray]  # word index -> the distribution over its first token
    proposals: list[Proposal]


class SentenceScorer:
    """Restores sentences one after another with one neural model (its cache is shared)."""

    def __init__(
        self,
        model: NeuralModel,
        lm: ContextModel,
        channel: Channel,
        priors: NeuralPriors | None = None,
        verdicts: Verdicts | None = None,
    ) -> None:
        self.model, self.lm, self.channel = model, lm, channel
        self.priors = priors or NeuralPriors()
        self.verdicts = verdicts
        self._vocab_words: dict[int, str] = {}
        # what the model made of each sentence read in the current block (see ``scored``)
        self._memo: dict[tuple[object, ...], tuple[_Read | None, list[Scored]]] = {}

    def forget(self) -> None:
        """Drop the readings kept for the block just restored."""
        self._memo.clear()

    # -- the sentence as model tokens ---------------------------------------------------------
    def _layout(
        self, tokens: Sequence[Token], context: str
    ) -> tuple[list[int], list[int], list[str]]:
        """The model's token ids for context + sentence, where each unit starts, and each
        unit's separator (the space before it, or '')."""
        m = self.model
        ids = [m.bos]
        n = self.priors.context_tokens
        if context and n > 0:  # (a slice from -0 would keep the whole context)
            ids += list(m.piece(context))[-n:]
        starts: list[int] = []
        seps: list[str] = []
        for k, tok in enumerate(tokens):
            # the first word too is read as a word after a space, even with no context: at
            # the very start of the window a word splits into odd pieces, and the model then
            # judged 'Critics' 8 nats below 'Ghosts'
            sep = " " if k == 0 or tokens[k - 1].end < tok.start else ""
            starts.append(len(ids))
            seps.append(sep)
            ids += m.piece(sep + tok.text)
        starts.append(len(ids))
        return ids, starts, seps

    def _word_of(self, token: int) -> str | None:
        """The lower-case word a vocabulary token spells when it starts a word, else None."""
        w = self._vocab_words.get(token)
        if w is None:
            piece = self.model.token_text(token)
            word = piece.strip().lower()
            w = word if piece[:1] in (" ", "▁") and word.isalpha() and len(word) > 1 else ""
            self._vocab_words[token] = w
        return w or None

    # -- proposals ---------------------------------------------------------------------------
    def _proposals(
        self,
        words: list[Token],
        glued: list[bool],
        dists: dict[int, np.ndarray],
        doc: DocStats | None,
        boost: float,
    ) -> list[Proposal]:
        p = self.priors
        norms = [w.norm for w in words]
        capitalised = [w.text[:1].isupper() for w in words]
        out: list[Proposal] = []
        for i, tok in enumerate(words):
            shape = _shape(tok, i)
            for length in range(1, MAX_SPAN + 1):
                end = i + length
                if end > len(words) or (length > 1 and not glued[end - 1]):
                    break
                spun = tuple(norms[i:end])
                span_shape = max(_shape(w, k) for k, w in enumerate(words[i:end], i))
                for c in self.channel.candidates(spun):
                    profile = c.source == "profile"
                    if span_shape == 2 and not profile:
                        continue  # acronyms keep their spelling
                    if c.source == "thesaurus" and length == 1:
                        continue  # the neighbourhood below proposes single words
                    prior = c.prior * LN10
                    if not profile:
                        prior += boost
                        if span_shape == 1:
                            prior -= p.name_penalty
                    out.append(Proposal(i, end, c.original, prior, c.source, c.note))
            out += self._names(norms, capitalised, glued, i, boost)
            # single content words: the thesaurus neighbourhood, and what the model expects
            spun_w = norms[i]
            if shape == 2 or spun_w in STOPWORDS or not spun_w.isalpha() or len(spun_w) < 3:
                continue
            links = lexicon.neighbour_links(spun_w)
            cands: dict[str, int] = dict.fromkeys(links, 1)
            spinner_way = {o for o, _ in lexicon.originals(spun_w, limit=None)}
            dist = dists.get(i)
            if dist is not None and p.top_k:
                top = np.argpartition(-dist, p.top_k)[: p.top_k]
                for t in top.tolist():
                    w = self._word_of(int(t))
                    if w and w != spun_w and w not in cands and w not in STOPWORDS:
                        r = lexicon.related(spun_w, w)
                        if r:
                            cands[w] = r
            for w, r in cands.items():
                if w in STOPWORDS:
                    continue
                if names.spelling_variant(spun_w, w):
                    # "programme" is the British "program", not a spinner's swap: read as the
                    # word kept, so that another candidate must beat the spelling the model
                    # prefers, not only the one the writer used
                    out.append(Proposal(i, i + 1, (w,), 0.0, SPELLING, "the word, spelt otherwise"))
                    continue
                if r == 1:
                    agree = min(2, links[w].bit_count() - 1)
                    prior = p.related1 + p.agreement * agree + boost
                    if w in spinner_way:
                        prior += p.spinner_direction
                else:
                    prior = p.related2 + boost
                if shape == 1:
                    prior -= p.name_penalty
                note = (
                    "thesaurus neighbour" if r == 1 else "expected by the model; 2 thesaurus steps"
                )
                out.append(
                    Proposal(i, i + 1, (w,), prior, "thesaurus" if r == 1 else "model", note)
                )
        # where an active spinner family has a habit for some words, the other explanations
        # of those words are less likely (Priors.family_rival)
        habits: list[tuple[int, int, float]] = []
        if doc is not None and doc.family:
            for pr in out:
                if pr.source == "idiom":
                    a = family_habit(" ".join(norms[pr.first : pr.last]), doc.family)
                    if a > 0.0:
                        habits.append((pr.first, pr.last, a))
        rival = self.channel.priors.family_rival * LN10
        # document evidence and the frequency discount
        final = []
        for pr in out:
            if pr.source == SPELLING:
                final.append(pr)
                continue
            spun_s = " ".join(norms[pr.first : pr.last])
            orig_s = " ".join(pr.words)
            prior = pr.prior
            if pr.source != "profile":
                if doc is not None:
                    prior += p.document_weight * max(-3.0, min(2.0, doc.llr(spun_s, orig_s)))
                    if pr.source == "idiom":
                        prior += family_lift(spun_s, orig_s, self.channel.priors, doc.family) * LN10
                    else:
                        prior -= rival * max(
                            (a for f, e, a in habits if f < pr.last and pr.first < e), default=0.0
                        )
                if pr.source in ("thesaurus", "model"):
                    plain = self.lm.score(pr.words, "", "") - self.lm.score(
                        tuple(norms[pr.first : pr.last]), "", ""
                    )
                    prior -= p.frequency_discount * max(0.0, plain) * LN10
                    if p.collocation:
                        prior -= p.collocation * LN10 * self._collocation_loss(norms, pr, plain)
            final.append(Proposal(pr.first, pr.last, pr.words, prior, pr.source, pr.note, pr.cased))
        return final

    def _collocation_loss(self, norms: list[str], pr: Proposal, plain: float) -> float:
        """How much worse (log10, 0 if not worse, at most ``collocation_clip``) the trigram
        finds the candidate among the two words on either side than the spun words (the
        decoder's :func:`~unspin.decoder.local_gain`), beyond its plain preference (``plain``)
        for the more frequent word."""
        decoded = norms[: pr.first] + list(pr.words) + norms[pr.last :]
        spun = tuple(norms[pr.first : pr.last])
        tg = local_gain(decoded, pr.first, len(pr.words), spun, self.lm)
        return min(self.priors.collocation_clip, max(0.0, plain - tg))

    def _names(
        self, norms: list[str], capitalised: list[bool], glued: list[bool], i: int, boost: float
    ) -> list[Proposal]:
        """Known names that the words from ``i`` on may be a spun copy of (:mod:`unspin.names`),
        written as the name is (no capitalisation penalty: a name is what is restored)."""
        p = self.priors
        out = []
        for m in names.matches(norms, capitalised, glued, i):
            prior = p.known_name - p.name_loose * m.weak + boost
            words_lower = tuple(m.name.lower().split())
            out.append(Proposal(i, i + m.length, words_lower, prior, "name", m.note, m.name))
        return out

    # -- one sentence ------------------------------------------------------------------------
    def _read(
        self, text: str, tokens: list[Token], context: str, doc: DocStats | None, boost: float
    ) -> _Read | None:
        """Read the spun sentence once and gather every proposal; None if there is nothing to
        read (no words, or too long for the model's window)."""
        m = self.model
        words, glued = word_units(tokens)
        if not words:
            return None
        unit_of_word = [tokens.index(w) for w in words]
        ids, starts, seps = self._layout(tokens, context)
        if len(ids) > BATCH_TOKENS // 2:
            return None  # a run-on "sentence" (a list, a table): left as it is
        base = m.read(ids, start=starts[0])  # the context is read, not scored
        dists = {i: m.dist(starts[u]) for i, u in enumerate(unit_of_word)}
        proposals = self._proposals(words, glued, dists, doc, boost)
        return _Read(words, unit_of_word, ids, starts, seps, base, dists, proposals)

    def candidates(
        self, text: str, tokens: list[Token], context: str = "", doc: DocStats | None = None
    ) -> list[tuple[int, int, str]]:
        """Every candidate the neural path considers in this sentence, as (start, end,
        original words in lower case): what candidate recall is measured on."""
        r = self._read(text, tokens, context, doc, 0.0)
        if r is None:
            return []
        return [
            (r.words[pr.first].start, r.words[pr.last - 1].end, " ".join(pr.words))
            for pr in r.proposals
            if pr.source != SPELLING
        ]

    def scored(
        self,
        text: str,
        tokens: list[Token],
        context: str = "",
        doc: DocStats | None = None,
        boost: float = 0.0,
        frozen: Sequence[tuple[int, int]] = (),
    ) -> tuple[_Read | None, list[Scored]]:
        """Every candidate that passed the screen, with the model's verdict on it; none inside
        the ``frozen`` (start, end) text spans. A sentence read again in the same block with
        the same context and settings (the document key's second choice) is not read anew."""
        if not tokens:
            return None, []
        s0, s1 = tokens[0].start, tokens[-1].end
        key = (s0, text[s0:s1], context, boost, tuple(frozen), id(doc))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._scored(text, tokens, context, doc, boost, frozen)
            r = found[0]
            if r is not None:  # what choosing needs is kept; the model's distributions are not
                r.dists, r.base = {}, r.base[:0]
        return found

    def _scored(
        self,
        text: str,
        tokens: list[Token],
        context: str,
        doc: DocStats | None,
        boost: float,
        frozen: Sequence[tuple[int, int]],
    ) -> tuple[_Read | None, list[Scored]]:
        p, m = self.priors, self.model
        r = self._read(text, tokens, context, doc, boost)
        if r is None:
            return None, []
        words, unit_of_word, ids, starts, seps = r.words, r.unit_of_word, r.ids, r.starts, r.seps
        base, dists, proposals = r.base, r.dists, r.proposals
        # one reading per original at a span: where several sources propose the same words
        # (a habit and a thesaurus neighbour), the best prior stands for them
        best: dict[tuple[int, int, tuple[str, ...]], Proposal] = {}
        for pr in proposals:
            k = (pr.first, pr.last, pr.words)
            if k not in best or pr.prior > best[k].prior:
                best[k] = pr
        # screen by the first token's left-context gain
        by_span: dict[tuple[int, int], list[tuple[float, float, Proposal, list[int]]]] = {}
        for pr in best.values():
            u0 = unit_of_word[pr.first]
            a, b = words[pr.first].start, words[pr.last - 1].end
            if any(a < fe and fs < b for fs, fe in frozen):
                continue
            spun_text = text[a:b]
            cand_ids = list(m.piece(seps[u0] + pr.surface(spun_text)))
            if not cand_ids or cand_ids == ids[starts[u0] : starts[unit_of_word[pr.last - 1] + 1]]:
                continue
            d = dists[pr.first]
            g0 = float(d[cand_ids[0]] - d[ids[starts[u0]]])
            s = g0 + pr.prior
            if s > p.screen:
                by_span.setdefault((pr.first, pr.last), []).append((s, g0, pr, cand_ids))
        variants: list[tuple[int, list[int]]] = []
        meta: list[tuple[float, float, Proposal]] = []  # (window's base, first gain, proposal)
        for (first, last), items in sorted(by_span.items()):
            items.sort(key=lambda x: -x[0])
            u0, u_end = unit_of_word[first], unit_of_word[last - 1] + 1
            u_right = min(len(tokens), u_end + p.right_window)
            right = ids[starts[u_end] : starts[u_right]]
            base_window = float(base[starts[u0] : starts[u_right]].sum())
            # the best few, and every spinner habit or learned profile rule that passed the
            # screen (few, and the more specific knowledge: a family's habit can start with a
            # less likely token)
            habits = [x for x in items[p.per_span :] if x[2].source in ("idiom", "profile")]
            chosen = items[: p.per_span] + habits
            for _, g0, pr, cand_ids in chosen:
                variants.append((starts[u0], cand_ids + right))
                meta.append((base_window, g0, pr))
        out: list[Scored] = []
        for score, (base_window, g0, pr) in zip(m.score_variants(variants), meta, strict=True):
            t0 = ids[starts[unit_of_word[pr.first]]]
            d = dists[pr.first]
            out.append(
                Scored(
                    pr,
                    score - base_window,
                    g0,
                    float(d[t0]),
                    int((d > d[t0]).sum()),
                )
            )
        return r, out

    def restore(
        self,
        text: str,
        tokens: list[Token],
        context: str = "",
        doc: DocStats | None = None,
        boost: float = 0.0,
        *,
        observe: DocumentKey | None = None,
        key: DocumentKey | None = None,
    ) -> list[Found]:
        """The fixes of one sentence: chosen once; then, if some are sure (``anchor``), the
        sentence is read again with those in place and the rest chosen anew. The first
        reading's verdicts go to ``observe``; ``key`` adds the document's pooled verdicts on
        the same substitutions elsewhere (:class:`DocumentKey`)."""
        first = self._choose(text, tokens, context, doc, boost, observe=observe, key=key)
        anchors = [f for f in first if f.total >= self.priors.anchor]
        if not anchors:
            return first
        # the sentence with its sure fixes in place, and where each now lies
        s0 = tokens[0].start
        pieces: list[str] = []
        frozen: list[tuple[int, int]] = []
        shifts: list[tuple[int, int]] = []  # (end in the new sentence, offset change so far)
        pos, delta = s0, 0
        for f in anchors:
            pieces += [text[pos : f.start], f.original]
            new_start = f.start - s0 + delta
            delta += len(f.original) - (f.end - f.start)
            frozen.append((new_start, new_start + len(f.original)))
            shifts.append((new_start + len(f.original), delta))
            pos = f.end
        pieces.append(text[pos : tokens[-1].end])
        sentence = "".join(pieces)

        def old(offset: int) -> int:
            moved = 0
            for end, d in shifts:
                if end <= offset:
                    moved = d
            return offset - moved + s0

        out = list(anchors)
        note = (
            f"; read again with {len(anchors)} sure fix{'es' if len(anchors) > 1 else ''} in place"
        )
        again = self._choose(sentence, tokenize(sentence), context, doc, boost, frozen, key=key)
        for f in again:
            start, end = old(f.start), old(f.end)
            if text[start:end] != f.spun:  # touches a sure fix (an article before it)
                continue
            ev = f.evidence
            out.append(
                Found(
                    start,
                    end,
                    f.spun,
                    f.original,
                    Evidence(ev.source, ev.lm_gain, ev.channel, ev.note + note),
                    f.total,
                )
            )
        out.sort(key=lambda f: f.start)
        return out

    def _choose(
        self,
        text: str,
        tokens: list[Token],
        context: str,
        doc: DocStats | None,
        boost: float,
        frozen: Sequence[tuple[int, int]] = (),
        *,
        observe: DocumentKey | None = None,
        key: DocumentKey | None = None,
    ) -> list[Found]:
        p, m = self.priors, self.model
        r, scored = self.scored(text, tokens, context, doc, boost, frozen)
        if r is None:
            return []
        words = r.words
        chosen: list[tuple[float, float, Scored]] = []  # (total, of which the key's, scored)
        by_span: dict[tuple[int, int], dict[str, float]] = {}
        for s in scored:
            pr = s.proposal
            by_span.setdefault((pr.first, pr.last), {})[" ".join(pr.words)] = s.gain + pr.prior
        if observe is not None:
            for (first, last), totals in by_span.items():
                observe.observe(" ".join(w.norm for w in words[first:last]), totals)
        if self.verdicts is not None and not frozen:  # the sentence as written, not read again
            for (first, last), totals in by_span.items():
                for original, total in totals.items():
                    self.verdicts(words[first].start, words[last - 1].end, original, total)
        for s in scored:
            pr = s.proposal
            total = s.gain + pr.prior
            pooled = 0.0
            if key is not None:
                spun = " ".join(w.norm for w in words[pr.first : pr.last])
                pooled = key.bonus(spun, " ".join(pr.words), by_span[(pr.first, pr.last)])
                total += pooled
            if total > p.margin:
                chosen.append((total, pooled, s))
        chosen.sort(key=lambda x: -x[0])
        taken: list[bool] = [False] * len(words)
        found: list[Found] = []
        for total, pooled, s in chosen:
            pr, gain = s.proposal, s.gain
            if any(taken[pr.first : pr.last]):
                continue
            for k in range(pr.first, pr.last):
                taken[k] = True
            if pr.source == SPELLING:
                continue  # the word stays as it is written
            start, end = words[pr.first].start, words[pr.last - 1].end
            spun_text = text[start:end]
            original = pr.surface(spun_text)
            article_taken = pr.first > 0 and taken[pr.first - 1]
            start, original = fix_article(text, words, pr.first, start, original, article_taken)
            if start < words[pr.first].start:
                taken[pr.first - 1] = True  # the article is fixed with the word
            note = f"{pr.note}; {m.name}: {gain:+.1f} nats"
            if pooled:
                note += f"; the same substitution elsewhere in the document: {pooled:+.1f} nats"
            prior = pr.prior + pooled
            ev = Evidence(pr.source, round(gain / LN10, 3), round(prior / LN10, 3), note)
            found.append(Found(start, end, text[start:end], original, ev, total))
        found.sort(key=lambda f: f.start)
        return found


def _shape(tok: Token, k: int) -> int:
    """:func:`unspin.decoder.word_shape` of the sentence's ``k``-th word, where a first word that
    English writes only capitalised ("Pakistan") is a name as it would be anywhere else."""
    shape = word_shape(tok.text, k == 0)
    if shape == 0 and k == 0 and tok.text[:1].isupper() and names.is_proper(tok.norm):
        return 1
    return shape


def fix_article(
    text: str,
    words: Sequence[Token],
    first: int,
    start: int,
    original: str,
    article_taken: bool = False,
) -> tuple[int, str]:
    """The spinner fixed 'a'/'an' for its word; fix it back for ours (the fix then starts at
    the article), unless another fix already covers the article (``article_taken``)."""
    article = words[first - 1] if first > 0 and not article_taken else None
    if article is not None and article.norm in ("a", "an"):
        wanted = "an" if original[:1].lower() in "aeiou" else "a"
        if article.norm != wanted:
            gap = text[article.end : words[first].start]
            return article.start, match_case(wanted, article.text) + gap + original
    return start, original
