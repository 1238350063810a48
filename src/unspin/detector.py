"""detect(): how likely a text is machine-spun, which spans give it away, and why.

Detection reads the same decoding that restoration does. The evidence of a document is a
small vector of features (:func:`features`): how many substitutions the restorer proposes
per 100 words and from which sources, how much more probable the text becomes once restored,
how probable it is at all under the context model, and hits of known spun phrases. A logistic
model fitted on held-apart synthetic spins and honest text (``scripts/train_detector.py``,
shipped as ``data/detector.json``) turns them into a probability. Every flagged span carries
its suggested original and its reason: a risk marker, never a bare verdict.

:func:`is_spun` is the cheap path for crawl filtering: it reads only dictionary features
(known phrases, spinner fillers, thesaurus forms), no context model, and stops as soon as
the evidence is strong.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from . import collocations, evidence
from .channel import Channel
from .datafile import packaged, read_json
from .errors import DataFileError
from .fingerprints import FingerprintList, bundled
from .fixes import Evidence, Fix
from .lm import TRIGRAM, is_neural, resolve
from .profile import Profile
from .restorer import BlockAnalysis, analyse, channel_for, looks_english
from .text import paragraphs, word_norms

MIN_WORDS = 30  # shorter texts are "uncertain": too little evidence either way
UNCERTAIN_BAND = 0.15  # scores this close below the threshold are "uncertain"
# A neural model re-reads a text only when the trigram score is at least this close below the
# threshold: clearly clean text (most of a crawl) never pays for the model. With a fitted
# fusion (``data/detector_neural.json``) the fusion's own ``cascade_from`` decides instead.
NEURAL_CASCADE_BAND = 0.4
NEURAL_DETECTOR_FILE = "detector_neural.json"
NEURAL_DETECTOR_FORMAT = "unspin.detector-neural"
FUSION_FEATURES = ("trigram_logit", "neural_conf_per100")
SPAN_MIN_CONFIDENCE = 0.5
# Detection is by blocks: paragraphs grouped into windows of about this many words, each
# scored on its own; the document's score is its strongest block's.
WINDOW_WORDS = 300
MIN_REPEAT_WORDS = 8  # a paragraph this long repeated word for word is scored once
TOP_BLOCKS = 5  # the strongest blocks reported
MAX_SPANS = 5000  # on a larger text only the spans of the strongest blocks are kept
MAX_SEEN = 200_000  # paragraphs remembered for repeats (bounds memory on huge inputs)
MAX_PAIRS = 100_000


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    suggestion: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Block:
    """One scored block of the text: characters start..end, its words and spin score."""

    start: int
    end: int
    words: int
    score: float


@dataclass(slots=True)
class Detection:
    score: float
    label: str  # "spun", "clean" or "uncertain"
    spans: list[Span] = field(default_factory=list)
    profile: str | None = None
    reasons: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    model: str = TRIGRAM  # the context model whose fixes gave the spans
    blocks: list[Block] = field(default_factory=list)  # the strongest blocks, best first

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "label": self.label,
            "spans": [asdict(s) for s in self.spans],
            "profile": self.profile,
            "reasons": list(self.reasons),
            "model": self.model,
            "blocks": [asdict(b) for b in self.blocks],
        }


def detect(
    text: str,
    *,
    profile: Profile | str | Path | None = None,
    threshold: float | None = None,
    fingerprints: FingerprintList | None = None,
    broken_collocations: bool = False,
    model: str | None = None,
    channel: Channel | None = None,
    analysis: Sequence[BlockAnalysis] | None = None,
) -> Detection:
    """Score how likely ``text`` is machine-spun, with the spans that give it away.

    The text is judged by blocks (:data:`WINDOW_WORDS`-word windows of whole paragraphs, a
    paragraph repeated word for word counted once): the score is the strongest block's, so
    one spun passage in a long honest document, or one spun passage repeated, is not diluted
    to clean. ``broken_collocations`` also shows word pairs that read as a spun collocation
    (:mod:`unspin.collocations`): weak evidence that costs about a sixth of the run time, off
    by default. ``model`` names the context model (:func:`unspin.lm.resolve`). The score
    comes from the trigram pass; a neural model, when chosen, re-reads only texts that pass
    did not find clearly clean (a cascade): it gives their spans, and with the model the
    neural detector was fitted for (:func:`fusion`) each block's score fuses the trigram's
    with the neural restorer's fixes in it.

    A caller that detects many texts passes a prepared ``channel`` (``profile`` is then not
    read); one that also restores passes ``analysis``, the text's trigram
    :func:`~unspin.restorer.analyse` with that channel, made once for both."""
    return detect_chunks(
        [text],
        profile=profile,
        threshold=threshold,
        fingerprints=fingerprints,
        broken_collocations=broken_collocations,
        model=model,
        channel=channel,
        analysis=analysis,
    )


def detect_chunks(
    chunks: Iterable[str],
    *,
    profile: Profile | str | Path | None = None,
    threshold: float | None = None,
    fingerprints: FingerprintList | None = None,
    broken_collocations: bool = False,
    model: str | None = None,
    channel: Channel | None = None,
    analysis: Sequence[BlockAnalysis] | None = None,
) -> Detection:
    """:func:`detect` over a text given in pieces that end at paragraph boundaries (as
    ``unspin detect`` reads a file), in memory bounded by the largest piece: offsets are in
    the whole text, and on a very large text only the spans of the strongest blocks are kept
    (:data:`MAX_SPANS`). ``channel`` and ``analysis`` (of the first chunk) are as in
    :func:`detect`."""
    context_model = resolve(model)
    clf = evidence.model("full")
    channel = channel if channel is not None else channel_for(profile)
    fp = bundled() if fingerprints is None else fingerprints
    state = _Windows()
    words = 0
    base = 0
    spans: list[tuple[float, Span]] = []  # (the score of its block, span)
    pairs: set[tuple[str, str]] = set()
    used = TRIGRAM
    dropped = 0
    # with a neural model: the fused detector when it was fitted with that model (its
    # cascade_from says which blocks the model reads), else the model only gives the spans
    fz: Fusion | None = None
    cascade_at = (threshold if threshold is not None else clf.threshold) - NEURAL_CASCADE_BAND
    if is_neural(context_model):
        fz = fusion()
        if fz.fitted_with == context_model:
            cascade_at = fz.cascade_from
        else:
            fz = None
    for n_chunk, chunk in enumerate(chunks):
        n_words = len(word_norms(chunk))
        if n_chunk == 0 and n_words and not looks_english(chunk):
            return Detection(0.0, "uncertain", reasons=["not English: unspin models English only"])
        words += n_words
        if n_words:
            blocks = list(analysis if analysis is not None else analyse(chunk, channel))
            fixes = [f for b in blocks for f in b.fixes]
            neural_part = None
            if is_neural(context_model):
                # the chunk's own windows, scored by the trigram alone, decide the cascade
                probe = _Windows()
                probe.add_chunk(chunk, 0, blocks, fingerprints, clf)
                probe.close(clf)
                chunk_best = max(probe.scores, default=0.0)
                if chunk_best >= cascade_at:
                    fixes = [
                        f for b in analyse(chunk, channel, model=context_model) for f in b.fixes
                    ]
                    used = context_model
                    if fz is not None:
                        neural_part = (
                            [(f.start, f.spun, f.original, f.confidence) for f in fixes],
                            fz,
                        )
            state.add_chunk(chunk, base, blocks, fingerprints, clf, neural_part)
            chunk_spans = _spans(chunk, fixes, fp, broken_collocations, used)
            pairs.update(
                (f.spun.lower(), f.original.lower())
                for f in fixes
                if f.confidence >= SPAN_MIN_CONFIDENCE and len(pairs) < MAX_PAIRS
            )
            for sp in chunk_spans:
                sp = replace(sp, start=sp.start + base, end=sp.end + base)
                spans.append((state.score_at(sp.start), sp))
            if len(spans) > 2 * MAX_SPANS:
                spans.sort(key=lambda t: -t[0])
                dropped += len(spans) - MAX_SPANS
                del spans[MAX_SPANS:]
        base += len(chunk)
        analysis = None  # (it was the first chunk's)
    state.close(clf)
    if words == 0:
        return Detection(0.0, "uncertain", reasons=["too short: no words"])
    if len(spans) > MAX_SPANS:
        spans.sort(key=lambda t: -t[0])
        dropped += len(spans) - MAX_SPANS
        del spans[MAX_SPANS:]
    kept = sorted((sp for _, sp in spans), key=lambda s: s.start)
    best = state.best()
    x = best.features if best is not None else {}
    score = best.score if best is not None else 0.0
    if threshold is None:
        short = state.distinct_words < evidence.LONG_TEXT_WORDS and clf.threshold_short
        threshold = clf.threshold_short if short and clf.threshold_short else clf.threshold
    reasons = _reasons(x, kept) if x else []
    if len(state.scores) > 1 and best is not None:
        reasons.append(
            f"strongest block: characters {best.start}-{best.end} "
            f"({best.words} words, {len(state.scores)} blocks)"
        )
    if dropped:
        reasons.append(f"{len(kept)} spans shown (those in the strongest blocks), {dropped} more")
    if words < MIN_WORDS:
        label = "uncertain"
        reasons.insert(0, f"too short: {words} words (at least {MIN_WORDS} for a verdict)")
    elif score >= threshold:
        label = "spun"
    elif score >= threshold - UNCERTAIN_BAND:
        label = "uncertain"
    else:
        label = "clean"
    if channel.profile is not None and x.get("profile_per100", 0.0) > 0:
        prof: str | None = channel.profile.name
    else:
        prof = best_matching_profile(pairs)
    if prof is not None:
        reasons.append(f"substitutions match the '{prof}' spinner family")
    return Detection(score, label, kept, prof, reasons, x, used, state.top(TOP_BLOCKS))


def _spans(
    text: str,
    fixes: list[Fix],
    fp: FingerprintList,
    broken_collocations: bool,
    used: str,
) -> list[Span]:
    spans = [
        Span(
            f.start,
            f.end,
            f.spun,
            f.original,
            round(f.confidence, 4),
            f.evidence.note
            if is_neural(used)
            else f"{f.evidence.note}; context model gain {f.evidence.lm_gain:+.1f}",
        )
        for f in fixes
        if f.confidence >= SPAN_MIN_CONFIDENCE
    ]
    for h in fp.find(text):
        if not any(s.start <= h.start < s.end for s in spans):
            spans.append(
                Span(h.start, h.end, h.phrase, h.expected, 1.0, f"known spun phrase ({h.source})")
            )
    for c in collocations.find(text) if broken_collocations else ():
        if not any(s.start < c.end and c.start < s.end for s in spans):
            spans.append(
                Span(
                    c.start,
                    c.end,
                    c.text,
                    c.suggestion,
                    _sigmoid(c.strength),
                    f"broken collocation: {c.note}",
                )
            )
    return spans


@dataclass(slots=True)
class _Window:
    start: int
    end: int
    words: int
    score: float
    features: dict[str, float]
    fused: bool = False  # scored by the neural detector


class _Windows:
    """The text's blocks as it is read: paragraphs grouped into windows of about
    WINDOW_WORDS words, each scored on its own evidence. A paragraph seen before word for
    word is not scored again (one passage repeated is judged as that passage)."""

    def __init__(self) -> None:
        self.scores: list[float] = []  # one per window, in text order
        self.ends: list[int] = []  # each window's end offset (for score_at)
        self.seen: dict[int, int] = {}  # paragraph hash -> its window
        self.dup_at: list[tuple[int, int, int]] = []  # (start, end, window) of repeats
        self.distinct_words = 0
        self.kept: list[_Window] = []  # the strongest windows (at most TOP_BLOCKS)
        self._best: _Window | None = None
        # the window being filled: (paragraph text, global offset, words, evidence, keys)
        self._paras: list[tuple[str, int, int]] = []
        self._ev: list[Evidence] = []
        self._keys: list[str] = []
        self._words = 0
        self._fp: FingerprintList | None = None
        # the chunk the neural path read last: (start, end, [(fix start, (spun, original,
        # confidence))])
        self._neural: tuple[int, int, list[tuple[int, tuple[str, str, float]]]] | None = None
        self._fusion: Fusion | None = None

    def add_chunk(
        self,
        chunk: str,
        base: int,
        blocks: list[BlockAnalysis],
        fingerprints: FingerprintList | None,
        clf: evidence.Model,
        neural: tuple[list[tuple[int, str, str, float]], Fusion] | None = None,
    ) -> None:
        """Add a chunk (at offset ``base``) and its trigram analysis; ``neural``: the neural
        path's fixes in it (offset in the chunk, spun, original, confidence) and the fusion
        that reads them (a window lying wholly in the chunk is scored by the fusion)."""
        self._fp = fingerprints
        if neural is not None:
            fixes, self._fusion = neural
            self._neural = (base, base + len(chunk), [(base + f[0], f[1:]) for f in fixes])
        starts = [s for b in blocks for s in b.starts]
        evs = [e for b in blocks for e in b.evidence]
        keys = [k for b in blocks for k in b.keys]
        order = sorted(range(len(starts)), key=starts.__getitem__)
        i = 0
        for offset, para in paragraphs(chunk):
            end = offset + len(para)
            mine = []
            while i < len(order) and starts[order[i]] < end:
                if starts[order[i]] >= offset:
                    mine.append(order[i])
                i += 1
            n = len(word_norms(para))
            h = hash(para) if n >= MIN_REPEAT_WORDS else None
            if h is not None and h in self.seen:
                if len(self.dup_at) < MAX_SEEN:
                    self.dup_at.append((base + offset, base + end, self.seen[h]))
                continue
            if h is not None and len(self.seen) < MAX_SEEN:
                self.seen[h] = len(self.scores)
            self._paras.append((para, base + offset, n))
            self._ev += [evs[j] for j in mine]
            self._keys += [keys[j] for j in mine]
            self._words += n
            self.distinct_words += n
            if self._words >= WINDOW_WORDS:
                self._flush(clf)

    def close(self, clf: evidence.Model) -> None:
        if not self._paras:
            return
        if self._words < WINDOW_WORDS // 2 and self._last is not None:
            # a short tail is read with the window before it
            last = self._last
            self._paras = last[0] + self._paras
            self._ev = last[1] + self._ev
            self._keys = last[2] + self._keys
            self._words += sum(p[2] for p in last[0])
            self.scores.pop()
            self.ends.pop()
            self.kept = [w for w in self.kept if w.start != last[0][0][1]]
            if self._best is not None and self._best.start == last[0][0][1]:
                self._best = max(self.kept, key=lambda w: w.score, default=None)
        self._flush(clf)

    _last: tuple[list[tuple[str, int, int]], list[Evidence], list[str]] | None = None

    def _flush(self, clf: evidence.Model) -> None:
        text = "\n\n".join(p[0] for p in self._paras)
        x = evidence.features(text, self._ev, self._fp, keys=self._keys)
        start, end = self._paras[0][1], self._paras[-1][1] + len(self._paras[-1][0])
        score, fused = clf.prob(x), False
        fz, nr = self._fusion, self._neural
        if (
            fz is not None
            and nr is not None
            and nr[0] <= start
            and end <= nr[1]
            and self._words >= fz.min_words
            and score >= fz.cascade_from
        ):
            spans = [(o, o + len(p)) for p, o, _ in self._paras]
            mine = [f for pos, f in nr[2] if any(a <= pos < b for a, b in spans)]
            fx = fusion_features(score, mine, self._words)
            x = {**x, "neural_conf_per100": fx["neural_conf_per100"]}
            score, fused = fz.score(fx, score, clf.threshold), True
        w = _Window(start, end, self._words, score, x, fused)
        self.scores.append(w.score)
        self.ends.append(w.end)
        if self._best is None or w.score > self._best.score:
            self._best = w
        self.kept.append(w)
        if len(self.kept) > 2 * TOP_BLOCKS:
            self.kept.sort(key=lambda k: -k.score)
            del self.kept[TOP_BLOCKS:]
        # the tail may still be merged into this window: keep its paragraphs until the next
        self._last = (self._paras, self._ev, self._keys)
        self._paras, self._ev, self._keys, self._words = [], [], [], 0

    def best(self) -> _Window | None:
        return self._best

    def top(self, k: int) -> list[Block]:
        best = sorted(self.kept, key=lambda w: -w.score)[:k]
        return [Block(w.start, w.end, w.words, round(w.score, 4)) for w in best]

    def score_at(self, pos: int) -> float:
        """The score of the block holding ``pos`` (a repeat counts as its first copy)."""
        for s, e, win in self.dup_at[-64:]:
            if s <= pos < e and win < len(self.scores):
                return self.scores[win]
        i = bisect.bisect_right(self.ends, pos)
        if i < len(self.scores):
            return self.scores[i]
        return 1.0  # in the window still being filled: keep it for now


@dataclass(frozen=True, slots=True)
class Fusion:
    """The neural detector: a block's trigram score and the neural restorer's fixes in it
    (:func:`fusion_features`: an honest block gets few sure fixes, a spun one many), fused
    by a logistic model fitted on tune-split blocks (``scripts/train_neural_detector.py``).
    Blocks whose trigram score is below ``cascade_from`` are not read by the neural model
    (their score stays the trigram's)."""

    model: evidence.Model  # over FUSION_FEATURES; its threshold is on :meth:`fused`
    cascade_from: float
    fitted_with: str  # the neural model whose fixes it was fitted on
    min_words: int  # shorter blocks keep the trigram score (too few words to count fixes)

    def fused(self, x: dict[str, float]) -> float:
        """The fused probability mapped onto [cascade_from, 1]: a read block ranks above
        every block the cascade left to the trigram."""
        return self.cascade_from + (1.0 - self.cascade_from) * self.model.prob(x)

    def score(self, x: dict[str, float], trigram: float, threshold: float) -> float:
        """A read block's score on the trigram detector's scale (``threshold`` is its): the
        fused score, mapped so that its own threshold falls on ``threshold`` (piecewise
        linear, monotone), or the trigram score where that is higher (what the trigram is
        sure of stays found: the fused feature counts distinct substitutions, and a short
        text repeating one filler has few)."""
        s, t, c = self.fused(x), self.model.threshold, self.cascade_from
        if s <= t:
            mapped = c + (s - c) * (threshold - c) / max(t - c, 1e-9)
        else:
            mapped = threshold + (s - t) * (1.0 - threshold) / max(1.0 - t, 1e-9)
        return max(trigram, mapped)


def fusion_features(
    trigram_score: float, fixes: Iterable[tuple[str, str, float]], words: int
) -> dict[str, float]:
    """The fused model's inputs for one block: the trigram score's log-odds and, per 100
    words, the confidence of the neural path's fixes (``(spun, original, confidence)``),
    each distinct substitution counted once at its surest: a spinner swaps many different
    words, while an honest text's term of art ('object code') repeats one."""
    p = min(max(trigram_score, 1e-6), 1.0 - 1e-6)
    best: dict[tuple[str, str], float] = {}
    for spun, original, conf in fixes:
        k = (spun.lower(), original.lower())
        best[k] = max(conf, best.get(k, 0.0))
    return {
        "trigram_logit": math.log(p / (1.0 - p)),
        "neural_conf_per100": 100.0 * sum(best.values()) / max(words, 1),
    }


@cache
def fusion() -> Fusion:
    """The shipped neural detector (:class:`Fusion`)."""
    path = packaged(NEURAL_DETECTOR_FILE)
    data = read_json(path, NEURAL_DETECTOR_FORMAT, 1, built_by="scripts/train_neural_detector.py")
    try:
        m = data["fused"]
        return Fusion(
            evidence.Model(
                m["weights"],
                m["bias"],
                m["mean"],
                m["scale"],
                m["threshold"],
                log1p=m.get("log1p", {}),
            ),
            float(data["cascade_from"]),
            str(data["model"]),
            int(data["min_words"]),
        )
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{path}: not a neural detector file") from None


def _sigmoid(z: float) -> float:
    return round(1.0 / (1.0 + math.exp(-z)), 4)


MIN_PROFILE_PAIRS = 3
MIN_PROFILE_SHARE = 0.5


def best_matching_profile(pairs: set[tuple[str, str]]) -> str | None:
    """The known spinner family (the emulator's profiles) whose substitution table explains
    most of the restored pairs, if it explains at least half of three or more."""
    if len(pairs) < MIN_PROFILE_PAIRS:
        return None
    from .trace.group import emulator_profiles, emulator_table

    best, best_share = None, 0.0
    for name in emulator_profiles():
        share = len(pairs & emulator_table(name)) / len(pairs)
        if share > best_share:
            best, best_share = name, share
    return best if best_share >= MIN_PROFILE_SHARE else None


def _reasons(x: dict[str, float], spans: list[Span]) -> list[str]:
    out = []
    if x["idiom_per100"] > 0:
        out.append(f"spinner fillers and expansions: {x['idiom_per100']:.1f} per 100 words")
    if x["tortured_per100"] > 0:
        out.append(f"paper-mill substitutions: {x['tortured_per100']:.1f} per 100 words")
    if x["thesaurus_per100"] > 0:
        out.append(f"out-of-context synonyms: {x['thesaurus_per100']:.1f} per 100 words")
    if x.get("neural_conf_per100", 0.0) > 0:
        out.append(
            f"the neural restorer's fixes: {x['neural_conf_per100']:.1f} per 100 words "
            "(distinct substitutions, weighed by confidence)"
        )
    if x["fingerprint_per100"] > 0:
        out.append(f"known spun phrases: {x['fingerprint_per100']:.1f} per 100 words")
    if spans:
        best = max(spans, key=lambda s: s.score)
        out.append(f"strongest: '{best.text}' for '{best.suggestion}'")
    return out


# --- the cheap path ----------------------------------------------------------------------


def check_score(text: str, *, chunk_words: int = 400) -> float:
    """The cheap path's score: the highest dictionary-only spin probability of the text's
    chunks of ``chunk_words`` words (no context model)."""
    model = evidence.model("cheap")
    tokens = text.split()
    best = 0.0
    for i in range(0, max(len(tokens), 1), chunk_words):
        chunk = " ".join(tokens[i : i + chunk_words])
        if len(chunk.split()) < MIN_WORDS and i > 0:
            break
        best = max(best, model.prob(evidence.cheap_features(chunk)))
    return best


def is_spun(text: str, *, chunk_words: int = 400, threshold: float | None = None) -> bool:
    """Cheap check: True as soon as one chunk of the text looks spun. No context model.

    It is a prefilter for :func:`detect`, set for recall: the default threshold (the cheap
    model's ``recall_threshold``, fitted by ``benchmarks/bench_check.py`` on the tune split)
    lets through at least 95% of the texts detect labels spun; what it lets through still
    needs detect for a verdict."""
    model = evidence.model("cheap")
    if threshold is None:
        threshold = model.recall_threshold
    if threshold is None:
        threshold = model.threshold
    tokens = text.split()
    for i in range(0, max(len(tokens), 1), chunk_words):
        chunk = " ".join(tokens[i : i + chunk_words])
        if len(chunk.split()) < MIN_WORDS and i > 0:
            break
        if model.prob(evidence.cheap_features(chunk)) >= threshold:
            return True
    return False
