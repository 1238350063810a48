"""channel: which originals a spun word or phrase may stand for, from which source, at what
prior."""

from __future__ import annotations

import math

import pytest

from unspin import lexicon
from unspin.channel import SOURCES, STOPWORDS, Channel, Priors, default_channel
from unspin.profile import Profile, Rule


def originals(words: str, channel: Channel | None = None) -> list[tuple[str, str, float]]:
    ch = channel or default_channel()
    return [(" ".join(c.original), c.source, c.prior) for c in ch.candidates(tuple(words.split()))]


def test_known_spinner_habits_are_proposed_by_the_idiom_source() -> None:
    assert ("and", "idiom") in {(o, s) for o, s, _ in originals("as well as")}
    best = originals("head of state")[0]
    assert best[:2] == ("president", "idiom")
    assert originals("the day gone by") == [("yesterday", "idiom", Priors().idiom)]


def test_candidates_come_best_prior_first_one_per_original() -> None:
    for phrase in ("as well as", "head of state", "profound", "utilize"):
        found = originals(phrase)
        assert found, phrase
        priors = [p for _, _, p in found]
        assert priors == sorted(priors, reverse=True)
        assert len({o for o, _, _ in found}) == len(found)


def test_a_habit_honest_writers_share_is_weaker_evidence() -> None:
    # "as well as" is common honest English, "the day gone by" is not
    common = next(p for o, s, p in originals("as well as") if (o, s) == ("and", "idiom"))
    assert common < Priors().idiom == originals("the day gone by")[0][2]
    # without the commonness penalty both get the plain idiom prior
    flat = Channel(priors=Priors(idiom_commonness=0.0))
    assert ("and", "idiom", Priors().idiom) in originals("as well as", flat)


def test_tortured_phrases_outrank_the_thesaurus() -> None:
    found = originals("counterfeit consciousness")
    assert found == [("artificial intelligence", "tortured", Priors().tortured_phrase)]
    o, s, p = originals("profound")[0]
    assert (o, s) == ("deep", "tortured")
    assert all(p > q for _, src, q in originals("profound") if src == "thesaurus")


def test_the_thesaurus_source_reads_at_most_channel_originals() -> None:
    word = "important"
    known = [o for o, _ in lexicon.originals(word, None)]
    assert len(known) > lexicon.CHANNEL_ORIGINALS  # the lexicon keeps more than the channel reads
    only = Channel(sources=("thesaurus",))
    found = [o for o, s, _ in originals(word, only)]
    assert all(s == "thesaurus" for _, s, _ in originals(word, only))
    assert 0 < len(found) <= lexicon.CHANNEL_ORIGINALS
    assert set(found) <= set(known[: lexicon.CHANNEL_ORIGINALS])


def test_thesaurus_priors_agreement_and_rank() -> None:
    plain = Channel(
        sources=("thesaurus",), priors=Priors(thesaurus_agreement=0.0, thesaurus_rank=0.0)
    )
    assert {p for _, _, p in originals("important", plain)} == {Priors().thesaurus}
    ranked = Channel(sources=("thesaurus",), priors=Priors(thesaurus_agreement=0.0))
    priors = [p for _, _, p in originals("important", ranked)]
    assert priors == sorted(priors, reverse=True) and priors[0] > priors[-1]


def test_stop_words_are_never_swapped() -> None:
    for word in ("and", "the", "of", "with"):
        assert originals(word) == []
    for phrase in ("important", "profound", "as well as", "head of state"):
        assert all(o not in STOPWORDS for o, s, _ in originals(phrase) if s == "thesaurus"), phrase


def test_sources_can_be_chosen() -> None:
    assert set(SOURCES) >= {"profile", "idiom", "tortured", "thesaurus"}
    only_idioms = Channel(sources=("idiom",))
    assert {s for _, s, _ in originals("head of state", only_idioms)} == {"idiom"}
    no_idioms = Channel(sources=("tortured", "thesaurus"))
    assert {s for _, s, _ in originals("head of state", no_idioms)} == {"thesaurus"}


def test_a_possessive_keeps_its_clitic() -> None:
    assert originals("head of state's")[0][:2] == ("president's", "idiom")


def test_an_unknown_phrase_has_no_candidates() -> None:
    assert originals("purple elephant dances") == []


def test_profile_rules_carry_their_confidence_as_log_odds_between_a_floor_and_a_cap() -> None:
    profile = Profile.from_rules(
        "farm",
        [
            Rule("tools", "weapons", 12, 0.8),
            Rule("big battle", "war", 3, 0.05),
            Rule("head of state", "president", 40, 1.0),
        ],
    )
    ch = Channel(profile=profile)
    best = ch.candidates(("tools",))[0]
    assert (best.original, best.source) == (("weapons",), "profile")
    # keeping "tools" is itself only 0.2 likely: the rule's prior is log10(0.8 / 0.2)
    assert best.prior == pytest.approx(math.log10(4.0))
    # a rule learned without exception is not certain
    sure = ch.candidates(("head", "of", "state"))[0]
    assert (sure.source, sure.prior) == ("profile", Priors().profile_cap)
    assert "farm" in best.note and "12 times" in best.note
    # a rare rule is not worth less than the floor; a profile's own phrases are looked up
    weak = ch.candidates(("big", "battle"))
    assert [(c.original, c.prior) for c in weak] == [(("war",), Priors().profile_floor)]
    assert default_channel().candidates(("big", "battle")) == []
