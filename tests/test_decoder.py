"""decoder: the Viterbi search picks a replacement only when the context model gains more
than the channel prior costs."""

from __future__ import annotations

import pytest

from unspin.channel import Channel, Priors, default_channel
from unspin.decoder import NAME_PENALTY, Choice, Lattice, decode, word_shape
from unspin.lm import get_model
from unspin.text import tokenize

SPUN = "The head of state has met the prime minister twice this year."
HONEST = "The president has met the prime minister twice this year."


def choices(text: str, channel: Channel | None = None, boost: float = 0.0) -> list[Choice]:
    return decode(tokenize(text), get_model(), channel or default_channel(), boost=boost)


def idioms_at(prior: float) -> Channel:
    """Only the idiom source, every idiom at ``prior`` (log10)."""
    return Channel(sources=("idiom",), priors=Priors(idiom=prior, idiom_commonness=0.0))


def test_a_spun_phrase_is_replaced_with_its_evidence() -> None:
    [c] = choices(SPUN)
    assert (c.first, c.last) == (1, 4)  # words 1..3: "head of state"
    assert c.candidate.original == ("president",)
    assert c.candidate.source == "idiom"
    assert c.lm_gain > 0  # the context model prefers the original


def test_honest_text_is_left_alone() -> None:
    assert choices(HONEST) == []
    assert choices("Officials confirmed the deal and the timetable on Monday.") == []


PRIORS = [-0.5 * k for k in range(1, 17)]  # -0.5 .. -8.0


def chosen_at(prior: float, boost: float = 0.0) -> bool:
    return bool(choices(SPUN, idioms_at(prior), boost))


def threshold() -> tuple[float, float]:
    """The cheapest prior at which the fix is not chosen, and the dearest at which it is."""
    flags = [chosen_at(p) for p in PRIORS]
    # the fix is chosen exactly when its prior is cheaper than some threshold
    assert flags == sorted(flags, reverse=True) and True in flags and False in flags
    k = flags.index(False)
    return PRIORS[k], PRIORS[k - 1]


def test_a_fix_is_chosen_only_when_the_gain_pays_for_the_prior() -> None:
    rejected, accepted = threshold()
    gain = choices(SPUN, idioms_at(accepted))[0].lm_gain
    assert gain > 0
    assert not chosen_at(-8.0)


def test_the_document_boost_makes_substitutions_more_likely() -> None:
    rejected, _ = threshold()
    assert not chosen_at(rejected)
    assert chosen_at(rejected, boost=0.5)


def test_a_lattice_decodes_again_with_another_boost_as_a_fresh_one_would() -> None:
    rejected, _ = threshold()
    lattice = Lattice(tokenize(SPUN), get_model(), idioms_at(rejected))
    assert lattice.decode(0.0) == []
    assert len(lattice.decode(0.5)) == 1
    assert lattice.decode(0.0) == []  # no score of the boosted pass is kept


def test_capitalised_words_inside_a_sentence_are_protected_as_names() -> None:
    _, accepted = threshold()
    channel = idioms_at(accepted)
    assert len(choices(SPUN, channel)) == 1
    # the same words capitalised pay NAME_PENALTY more, which the gain no longer covers
    assert NAME_PENALTY > 0.5
    assert choices("The Head of State has met the prime minister twice this year.", channel) == []


def test_a_tortured_phrase_is_restored() -> None:
    [c] = choices("Counterfeit consciousness is used on medical images.")
    assert (c.first, c.last, c.candidate.original) == (0, 2, ("artificial", "intelligence"))
    assert c.candidate.source == "tortured"


@pytest.mark.parametrize(
    ("word", "initial", "shape"),
    [
        ("head", False, 0),
        ("Head", True, 0),
        ("Head", False, 1),
        ("NASA", False, 2),
        ("A", False, 1),
    ],
)
def test_word_shape(word: str, initial: bool, shape: int) -> None:
    assert word_shape(word, initial) == shape
