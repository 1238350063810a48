"""restore(): spun text in, most likely original wording out, every fix explained.

The text is cut into paragraphs and sentences (offsets kept); each sentence is decoded
(:mod:`unspin.decoder`) and every replacement becomes a :class:`~unspin.fixes.Fix` whose
confidence comes from its evidence (:mod:`unspin.calibration`). Fixes below
``min_confidence`` are dropped; the restored text is always ``apply_fixes(text, fixes)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import calibration, evidence
from .channel import Channel, default_channel
from .decoder import Lattice
from .docstats import DocStats
from .errors import DataFileError
from .fixes import Evidence, Fix, Restoration, apply_fixes
from .lm import get_model
from .profile import Profile
from .text import Token, match_case, paragraphs, sentences, tokenize, word_norms

# Below this share of words known to the context model, the text is not treated as English.
MIN_ENGLISH_SHARE = 0.6
MIN_WORDS_FOR_LANGUAGE_CHECK = 8
BLOCK_TOKENS = 50_000


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
    min_confidence: float = 0.5,
) -> Restoration:
    """Restore the most likely original wording of ``text``.

    ``profile`` is a learned spinner profile (a :class:`Profile` or its path);
    ``min_confidence`` trades recall for precision. The result's ``fixes`` replay exactly:
    ``apply_fixes(text, result.fixes) == result.text``.
    """
    if not text.strip():
        return Restoration(text, [])
    channel = channel_for(profile)
    warnings: list[str] = []
    if not looks_english(text):
        warnings.append("the text does not look like English; returned unchanged")
        return Restoration(text, [], warnings)
    fixes = [f for f in iter_fixes(text, channel) if f.confidence >= min_confidence]
    return Restoration(apply_fixes(text, fixes), fixes, warnings)


def iter_fixes(text: str, channel: Channel, *, two_pass: bool = True) -> Iterator[Fix]:
    """All fixes the decoder proposes, with their confidence, in text order."""
    for analysis in analyse(text, channel, two_pass=two_pass):
        yield from analysis.fixes


@dataclass(slots=True)
class BlockAnalysis:
    """One block of text: the first pass's evidence (what the detector reads), the block's
    spin log-odds, and the final fixes."""

    evidence: list[Evidence]
    keys: list[str]  # the spun phrase (lower case) of each piece of evidence
    features: dict[str, float]  # evidence.features of the first pass ({} without evidence)
    logit: float
    fixes: list[Fix]


def analyse(text: str, channel: Channel, *, two_pass: bool = True) -> Iterator[BlockAnalysis]:
    """Decode ``text`` block by block.

    Two passes over a block when it looks spun: the first decodes with the plain priors and
    gives the block's spin log-odds; a block that looks spun is decoded again with every
    substitution made more likely in proportion (a spinner's rate is the prior that a word
    was rewritten: the E-step of decipherment over one document).
    """
    lm = get_model()
    for block in _blocks(text):
        doc = DocStats([t for _, toks in block for t in toks], lm)
        lattices = [
            Lattice(sent, lm, channel, doc) for _, toks in block for sent in sentences(toks)
        ]
        found = _decode_block(text, lattices, 0.0)
        first = [f[4] for f in found]
        keys = [f[2].lower() for f in found]
        feats, doc_logit = _document_evidence(text, block, first, keys)
        boost = channel.priors.spun_document_boost * min(doc_logit, 4.0) / 4.0
        if two_pass and boost > 0:
            found = _decode_block(text, lattices, boost)
        fixes = [
            Fix(start, end, spun, original, calibration.confidence(ev, doc_logit), ev)
            for start, end, spun, original, ev in found
        ]
        yield BlockAnalysis(first, keys, feats, doc_logit, fixes)


def _decode_block(
    text: str, lattices: list[Lattice], boost: float
) -> list[tuple[int, int, str, str, Evidence]]:
    found: list[tuple[int, int, str, str, Evidence]] = []
    for lattice in lattices:
        words = lattice.words
        for ch in lattice.decode(boost):
            start, end = words[ch.first].start, words[ch.last - 1].end
            original = match_case(" ".join(ch.candidate.original), text[start:end])
            article = words[ch.first - 1] if ch.first > 0 else None
            if article is not None and article.norm in ("a", "an"):
                # the spinner fixed the article for its word; fix it back for ours
                wanted = "an" if original[:1].lower() in "aeiou" else "a"
                if article.norm != wanted:
                    gap = text[article.end : words[ch.first].start]
                    original = match_case(wanted, article.text) + gap + original
                    start = article.start
            ev = Evidence(
                ch.candidate.source,
                round(ch.lm_gain, 3),
                round(ch.candidate.prior, 3),
                ch.candidate.note,
            )
            found.append((start, end, text[start:end], original, ev))
    return found


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
