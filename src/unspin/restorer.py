"""restore(): spun text in, most likely original wording out, every fix explained.

The text is cut into paragraphs and sentences (offsets kept); each sentence is decoded
(:mod:`unspin.decoder`) and every replacement becomes a :class:`~unspin.fixes.Fix` whose
confidence comes from its evidence (:mod:`unspin.calibration`). Fixes below
``min_confidence`` are dropped; the restored text is always ``apply_fixes(text, fixes)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import calibration, evidence, names, neural
from .channel import MAX_SPAN, Channel, default_channel
from .decoder import Lattice
from .docstats import DocStats
from .errors import DataFileError
from .fixes import DEFAULT_MIN_CONFIDENCE, Evidence, Fix, Restoration, apply_fixes
from .lm import TRIGRAM, get_model, is_neural, resolve
from .profile import Profile
from .rescore import LN10, DocumentKey, Found, SentenceScorer, Verdicts, fix_article
from .text import Token, match_case, paragraphs, sentences, tokenize, word_norms

# Below this share of words known to the context model, the text is not treated as English.
MIN_ENGLISH_SHARE = 0.6
MIN_WORDS_FOR_LANGUAGE_CHECK = 8
BLOCK_TOKENS = 50_000

# Told the number of words just restored, as the restoration goes (a long neural restore takes
# minutes: a command shows it; the library calls it from the thread that restores).
Progress = Callable[[int], None]


def channel_for(profile: Profile | str | Path | None) -> Channel:
    if profile is None:
        return default_channel()
    if not isinstance(profile, Profile):
        profile = Profile.load(profile)
    return Channel(profile=profile)


def restore(
    text: str,
    *,
    profile: Profile | str | Path | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    model: str | None = None,
    channel: Channel | None = None,
    analysis: Sequence[BlockAnalysis] | None = None,
    progress: Progress | None = None,
) -> Restoration:
    """Restore the most likely original wording of ``text``.

    ``profile`` is a learned spinner profile (a :class:`Profile` or its path);
    ``min_confidence`` trades recall for precision; ``model`` names the context model
    (:func:`unspin.lm.resolve`: by default the neural model when it is installed, else the
    trigram). The result's ``fixes`` replay exactly: ``apply_fixes(text, result.fixes) ==
    result.text``.

    A caller that restores many texts passes a prepared ``channel`` (then ``profile`` is not
    read: the channel holds it, and its phrase memo lives on); one that also detects passes
    ``analysis``, the text's :func:`analyse` with that channel and ``model``, made once.
    ``progress``, if given, is told how many words each step restored (sentence by sentence
    on the neural path, block by block on the trigram path); the counts add up to the text's
    words.
    """
    model = resolve(model)
    if not text.strip():
        return Restoration(text, [], model=model)
    channel = channel if channel is not None else channel_for(profile)
    warnings: list[str] = []
    if not looks_english(text):
        warnings.append("the text does not look like English; returned unchanged")
        return Restoration(text, [], warnings, model=model)
    found = (
        iter_fixes(text, channel, model=model, progress=progress)
        if analysis is None
        else (f for block in analysis for f in block.fixes)
    )
    fixes = [f for f in found if f.confidence >= min_confidence]
    return Restoration(apply_fixes(text, fixes), fixes, warnings, model=model)


def iter_fixes(
    text: str,
    channel: Channel,
    *,
    two_pass: bool = True,
    model: str = TRIGRAM,
    progress: Progress | None = None,
) -> Iterator[Fix]:
    """All fixes the decoder proposes, with their confidence, in text order."""
    for analysis in analyse(text, channel, two_pass=two_pass, model=model, progress=progress):
        yield from analysis.fixes


@dataclass(frozen=True, slots=True)
class Replacement:
    """A replacement a decoder chose, in text offsets, with its evidence: what both paths
    (trigram and neural) hand to :func:`analyse`, before it has a confidence."""

    start: int
    end: int
    spun: str
    original: str
    evidence: Evidence

    def fix(self, confidence: float) -> Fix:
        return Fix(self.start, self.end, self.spun, self.original, confidence, self.evidence)


@dataclass(slots=True)
class BlockAnalysis:
    """One block of text: the first pass's evidence (what the detector reads), the block's
    spin log-odds, and the final fixes."""

    evidence: list[Evidence]
    keys: list[str]  # the spun phrase (lower case) of each piece of evidence
    features: dict[str, float]  # evidence.features of the first pass ({} without evidence)
    logit: float
    fixes: list[Fix]
    starts: list[int]  # where in the text each piece of evidence starts


def analyse(
    text: str,
    channel: Channel,
    *,
    two_pass: bool = True,
    model: str = TRIGRAM,
    progress: Progress | None = None,
    verdicts: Verdicts | None = None,
) -> Iterator[BlockAnalysis]:
    """Decode ``text`` block by block (``verdicts``: see :data:`unspin.rescore.Verdicts`).

    Two passes over a block when it looks spun: the first decodes with the plain priors and
    gives the block's spin log-odds; a block that looks spun is decoded again with every
    substitution made more likely in proportion (a spinner's rate is the prior that a word
    was rewritten: the E-step of decipherment over one document). With a neural ``model``
    the first pass is the same (the detector reads it); the fixes come from the neural
    path (:mod:`unspin.rescore`), with the same document boost.
    """
    lm = get_model()
    scorer = (
        SentenceScorer(neural.load(model), lm, channel, verdicts=verdicts)
        if is_neural(model)
        else None
    )
    for block in _blocks(text):
        doc = DocStats([t for _, toks in block for t in toks], lm, channel.priors)
        lattices = [
            Lattice(sent, lm, channel, doc) for _, toks in block for sent in sentences(toks)
        ]
        found = _decode_block(text, lattices, 0.0)
        first = [r.evidence for r in found]
        keys = [r.spun.lower() for r in found]
        starts = [r.start for r in found]
        feats, doc_logit = _document_evidence(text, block, first, keys)
        boost = channel.priors.spun_document_boost * min(doc_logit, 4.0) / 4.0
        if scorer is not None:
            # a block that looks spun makes every substitution more likely, one that looks
            # honest less (the neural path's own floor, NeuralPriors.honest_penalty)
            nboost = max(boost, -scorer.priors.honest_penalty) * LN10 if two_pass else 0.0
            found = _neural_block(text, block, scorer, doc, nboost, progress)
            fixes = [
                r.fix(calibration.confidence(r.evidence, doc_logit, neural=True)) for r in found
            ]
            yield BlockAnalysis(first, keys, feats, doc_logit, fixes, starts)
            continue
        if two_pass and boost > 0:
            found = _decode_block(text, lattices, boost)
        fixes = [r.fix(calibration.confidence(r.evidence, doc_logit)) for r in found]
        if progress is not None:
            progress(sum(1 for _, toks in block for t in toks if t.is_word))
        yield BlockAnalysis(first, keys, feats, doc_logit, fixes, starts)


def _neural_block(
    text: str,
    block: list[tuple[int, list[Token]]],
    scorer: SentenceScorer,
    doc: DocStats,
    boost: float,
    progress: Progress | None = None,
) -> list[Replacement]:
    """The neural path over one block: sentence by sentence, each read after the restored
    sentence before it, across paragraphs. In a block that looks spun (``boost`` > 0) the
    model's verdicts on each substitution are pooled over the block (the spinner's key), and
    the sentences where a substitution recurs are chosen again with that evidence."""
    p = scorer.priors
    key = DocumentKey(p.key_weight, p.key_clip) if boost > 0 and p.key_weight > 0 else None
    read: list[tuple[list[Token], str, list[Found]]] = []  # sentence, its context, fixes
    # each sentence is read after the restored sentence before it, across paragraphs too: a
    # paragraph's first word read from the start of the model's window alone is judged
    # without a leading space and without a topic (a small model then prefers odd words)
    order = [sent for _, toks in block for sent in sentences(toks)]
    context = ""
    title = _title(block)
    if title:
        # a headline is read twice. First from the bare start of the model's window, only as
        # the context the article's first sentence is read after (as the text is read in
        # order); its verdicts there, judged without a topic, are neither kept nor pooled in
        # the spinner's key. Then after that sentence, restored, for its fixes.
        head = order[0]
        context = _restored(text, head, scorer.restore(text, head, doc=doc, boost=boost))
        order = order[1:2] + order[:1] + order[2:]
    for n, sent in enumerate(order):
        fs = scorer.restore(text, sent, context=context, doc=doc, boost=boost, observe=key)
        read.append((sent, context, fs))
        if progress is not None:
            progress(sum(1 for t in sent if t.is_word))
        if not (title and n == 1):  # after the headline the article reads on from its start
            context = _restored(text, sent, fs)
    recurring = key.recurring() if key is not None else frozenset()
    found: list[Replacement] = []
    for sent, context, fs in read:
        if recurring and any(t.norm in recurring for t in sent):
            # chosen again from the same readings (kept by the scorer), with the key's evidence
            fs = scorer.restore(text, sent, context=context, doc=doc, boost=boost, key=key)
        found += [Replacement(f.start, f.end, f.spun, f.original, f.evidence) for f in fs]
    scorer.forget()
    found.sort(key=lambda r: r.start)  # (a headline was read after the sentence below it)
    return found


def _restored(text: str, sent: list[Token], fs: list[Found]) -> str:
    """The sentence as written with its fixes in place (the next sentence's context)."""
    s0, s1 = sent[0].start, sent[-1].end
    return apply_fixes(
        text[s0:s1],
        [Fix(f.start - s0, f.end - s0, f.spun, f.original, 1.0, f.evidence) for f in fs],
    )


TITLE_WORDS = 20  # a first paragraph this short, one sentence with no final stop: a headline
HEADLINE_LAST = True  # read a headline again after its article's first sentence (False: in order)


def _title(block: list[tuple[int, list[Token]]]) -> bool:
    """Does the block open with a headline (a short paragraph of its own, one sentence that
    does not end in a full stop, followed by more text)?"""
    if len(block) < 2 or not HEADLINE_LAST:
        return False
    toks = block[0][1]
    words = sum(1 for t in toks if t.is_word)
    one_sentence = len(list(sentences(toks))) == 1
    return 0 < words <= TITLE_WORDS and one_sentence and toks[-1].text not in ".!?"


def _decode_block(text: str, lattices: list[Lattice], boost: float) -> list[Replacement]:
    """The trigram path over one block: every lattice decoded with ``boost``."""
    found: list[Replacement] = []
    for lattice in lattices:
        words = lattice.words
        for ch in lattice.decode(boost):
            start, end = words[ch.first].start, words[ch.last - 1].end
            c = ch.candidate
            written = names.written(c.original) if c.source == "name" else None
            original = written or match_case(" ".join(c.original), text[start:end])
            taken = bool(found) and ch.first > 0 and found[-1].end > words[ch.first - 1].start
            start, original = fix_article(text, words, ch.first, start, original, taken)
            ev = Evidence(
                ch.candidate.source,
                round(ch.lm_gain, 3),
                round(ch.candidate.prior, 3),
                ch.candidate.note,
            )
            found.append(Replacement(start, end, text[start:end], original, ev))
    return found


def candidate_spans(
    text: str, channel: Channel, *, model: str = TRIGRAM
) -> dict[tuple[int, int], set[str]]:
    """Every candidate original the restorer considers, by spun span (start, end): what the
    benchmarks measure candidate recall on. The trigram path's are the channel's; the neural
    path adds the thesaurus neighbourhood and the model's own expectations."""
    lm = get_model()
    out: dict[tuple[int, int], set[str]] = {}
    scorer = SentenceScorer(neural.load(model), lm, channel) if is_neural(model) else None
    for block in _blocks(text):
        doc = DocStats([t for _, toks in block for t in toks], lm, channel.priors)
        for _, toks in block:
            for sent in sentences(toks):
                if scorer is not None:
                    for start, end, orig in scorer.candidates(text, sent, doc=doc):
                        out.setdefault((start, end), set()).add(orig)
                    continue
                lattice = Lattice(sent, lm, channel, doc)
                words = lattice.words
                for i in range(len(words)):
                    for k in range(1, MAX_SPAN + 1):
                        if i + k > len(words):
                            break
                        spun = tuple(lattice.norms[i : i + k])
                        for c in channel.candidates(spun):
                            span = (words[i].start, words[i + k - 1].end)
                            out.setdefault(span, set()).add(" ".join(c.original))
    return out


def _document_evidence(
    text: str, block: list[tuple[int, list[Token]]], evs: list[Evidence], keys: list[str]
) -> tuple[dict[str, float], float]:
    """The block's features and the detector's log-odds that it is spun (0 when there is no
    evidence or no detector is installed)."""
    if not block or not evs:
        return {}, 0.0
    first, last = block[0][0], block[-1][1][-1].end if block[-1][1] else block[-1][0]
    feats = evidence.features(text[first:last], evs, keys=keys)
    try:
        return feats, evidence.model("full").logit(feats)
    except DataFileError:
        return feats, 0.0


def _blocks(text: str) -> Iterator[list[tuple[int, list[Token]]]]:
    """Paragraphs grouped into blocks of about BLOCK_WORDS words: the unit of document
    evidence, and what bounds memory on very large inputs."""
    block: list[tuple[int, list[Token]]] = []
    size = 0
    for offset, para in paragraphs(text):
        toks = tokenize(para, offset)
        block.append((offset, toks))
        size += len(toks)
        if size >= BLOCK_TOKENS:
            yield block
            block, size = [], 0
    if block:
        yield block


def looks_english(text: str) -> bool:
    lm = get_model()
    words = word_norms(text[:20000])
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return True
    known = sum(1 for w in words if lm.known(w))
    return known / len(words) >= MIN_ENGLISH_SHARE
