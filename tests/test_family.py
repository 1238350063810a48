"""The news spinner family's ordinary ('stock') habits: proposed only as far as a block shows
the family's distinctive habits (its signatures), so that honest text keeps its words."""

from __future__ import annotations

import unspin
from unspin.channel import (
    Priors,
    family_activation,
    family_habit,
    family_lift,
    idiom_penalty,
    signatures,
)
from unspin.docstats import DocStats
from unspin.lm import get_model
from unspin.text import tokenize

# Written for these tests: one paragraph in the family's style (three of its distinctive
# habits: 'in step with', 'essentially the most', 'as properly') with one ordinary habit
# ('mentioned' for 'said'), and the same report in honest English.
FAMILY = (
    "In step with the mayor, essentially the most necessary work on the bridge will end in "
    "May. The mayor mentioned that people living nearby will get a new bus route as properly."
)
HONEST = (
    "According to the mayor, the most necessary work on the bridge will end in May. The "
    "mayor mentioned that people living nearby will get a new bus route as well."
)


def doc(text: str) -> DocStats:
    return DocStats(tokenize(text), get_model(), Priors())


def test_signatures_are_forms_honest_english_does_not_write() -> None:
    sig = signatures(Priors())["translated"]
    assert {"in step with", "essentially the most", "as properly"} <= sig
    # ordinary English, even where the family uses it, is never a signature
    assert not {"mentioned", "have been", "as well as", "4"} & sig
    # each family has its own
    assert not sig & signatures(Priors())["padded"]


def test_a_stock_habit_costs_more_than_its_commonness_without_the_family() -> None:
    p = Priors()
    assert idiom_penalty("mentioned", "stock", p) >= p.stock_penalty
    # a form the trigram does not know (so not 'common') is still gated as stock
    assert idiom_penalty("4", "stock", p) >= p.stock_penalty
    assert idiom_penalty("as properly", "swap", p) == 0.0


def test_activation_rises_with_distinct_signatures() -> None:
    p = Priors()
    assert family_activation(p.family_min - 1, p) == 0.0
    assert 0.0 < family_activation(p.family_min, p) < 1.0
    assert family_activation(p.family_full, p) == 1.0
    assert doc(HONEST).family == {}
    assert doc(FAMILY).family["translated"] > 0.5
    assert "padded" not in doc(FAMILY).family
    assert family_lift("mentioned", "said", p, doc(HONEST).family) == 0.0
    assert family_lift("mentioned", "said", p, doc(FAMILY).family) > 1.0
    # a habit lifts only with its own family
    assert family_lift("mentioned", "said", p, {"padded": 1.0}) == 0.0


def test_the_family_block_gets_its_ordinary_habit_restored_and_honest_text_does_not() -> None:
    spun = unspin.restore(FAMILY, model="trigram")
    assert "The mayor said that people living nearby" in spun.text
    assert any(f.spun == "mentioned" and f.original == "said" for f in spun.fixes)
    assert unspin.apply_fixes(FAMILY, spun.fixes) == spun.text
    honest = unspin.restore(HONEST, model="trigram")
    assert "mentioned" in honest.text
    assert not any(f.spun == "mentioned" for f in honest.fixes)


def test_the_cheap_path_does_not_count_ordinary_english_as_a_spinner_habit() -> None:
    from unspin.evidence import cheap_features

    honest = "The group mentioned 4 different plans to the team."
    assert cheap_features(honest)["filler_per100"] == 0.0
    # the family's distinctive habits are counted
    assert cheap_features(FAMILY)["filler_per100"] > 0.0


# Written for this test: a paragraph in the padded family's style (its fillers 'has actually',
# 'will certainly', 'have actually') with one of its ordinary habits ('points' for 'things'),
# and the same report in honest English, where 'points' is the writer's own word.
PADDED = (
    "The council has actually approved the new bus lanes, and the mayor will certainly sign the "
    "plan on Monday. Drivers have actually said the points they care about most are parking and "
    "safety."
)
PLAIN = (
    "The council approved the new bus lanes, and the mayor will sign the plan on Monday. Drivers "
    "said the points they care about most are parking and safety."
)


def test_each_family_is_told_by_its_own_signatures() -> None:
    assert doc(PADDED).family.keys() == {"padded"}
    assert doc(PLAIN).family == {}
    p = Priors()
    assert family_lift("points", "things", p, doc(PADDED).family) > 1.0
    # the translated family's habit is not lifted by the padded family's fillers
    assert family_lift("mentioned", "said", p, doc(PADDED).family) == 0.0


def test_the_padded_family_gets_its_ordinary_habit_restored_and_honest_text_does_not() -> None:
    spun = unspin.restore(PADDED, model="trigram")
    assert any(f.spun == "points" and f.original == "things" for f in spun.fixes)
    assert "Drivers have said the things they care about" in spun.text
    honest = unspin.restore(PLAIN, model="trigram")
    assert honest.text == PLAIN and not honest.fixes


def test_a_family_habit_makes_other_explanations_of_its_words_less_likely() -> None:
    active = doc(PADDED).family
    # 'cutting edge' is a padded-family habit: in its block, a thesaurus or paper-mill reading
    # of the same words pays Priors.family_rival times this
    assert family_habit("cutting edge", active) == active["padded"] > 0.0
    assert family_habit("cutting edge", doc(PLAIN).family) == 0.0
    # words the family has no habit for are left to every source alike
    assert family_habit("bus lanes", active) == 0.0
