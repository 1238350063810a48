"""restore(): spun text in, most likely original wording out, every fix explained.

The text is cut into paragraphs and sentences (offsets kept); each sentence is decoded
(:mod:`unspin.decoder`) and every replacement becomes a :class:`~unspin.fixes.Fix` whose
confidence comes from its evidence (:mod:`unspin.calibration`). Fixes below
``min_confidence`` are dropped; the restored text is always ``apply_fixes(text, fixes)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import calibration
from .channel import Channel, default_channel
from .decoder import decode, word_units
from .docstats import DocStats
from .fixes import Evidence, Fix, Restoration, apply_fixes
from .lm import get_model
from .profile import Profile
from .text import Token, match_case, paragraphs, sentences, tokenize

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


def iter_fixes(text: str, channel: Channel) -> Iterator[Fix]:
    """All fixes the decoder proposes, with their confidence, in text order."""
    lm = get_model()
    for block in _blocks(text):
        doc = DocStats([t for _, toks in block for t in toks], lm)
        sents = [s for _, toks in block for s in sentences(toks)]
        for sent in sents:
            words, _ = word_units(sent)
            for ch in decode(sent, lm, channel, doc):
                start, end = words[ch.first].start, words[ch.last - 1].end
                spun = text[start:end]
                original = match_case(" ".join(ch.candidate.original), spun)
                evidence = Evidence(ch.candidate.source, round(ch.lm_gain, 3),
                                    round(ch.candidate.prior, 3), ch.candidate.note)
                yield Fix(start, end, spun, original, calibration.confidence(evidence), evidence)


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
    words = [t.norm for t in tokenize(text[:20000]) if t.is_word]
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return True
    known = sum(1 for w in words if lm.known(w))
    return known / len(words) >= MIN_ENGLISH_SHARE
