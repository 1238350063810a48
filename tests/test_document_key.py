"""The document's spinner key (:class:`unspin.rescore.DocumentKey`): the model's verdicts on
one substitution, pooled over its other occurrences, with one original per spun phrase."""

from __future__ import annotations

import pytest

from unspin.rescore import DocumentKey


def key_with(*occurrences: dict[str, float]) -> DocumentKey:
    key = DocumentKey(weight=0.5, clip=4.0)
    for totals in occurrences:
        key.observe("invoice", totals)
    return key


def test_one_occurrence_has_nothing_to_pool() -> None:
    key = key_with({"bill": 3.0})
    assert key.bonus("invoice", "bill", {"bill": 3.0}) == 0.0
    assert key.recurring() == frozenset()


def test_the_other_occurrences_vote_and_this_one_is_left_out() -> None:
    here = {"bill": 0.1, "account": 1.0}
    key = key_with({"bill": 3.0}, {"bill": 2.0, "menu": 1.0}, here)
    # bill: 3 + 2 elsewhere, less the best rival elsewhere (menu 1): 4, at half weight
    assert key.bonus("invoice", "bill", here) == pytest.approx(0.5 * (5.0 - 1.0))
    # account has no support elsewhere and bill has 5: pushed down
    assert key.bonus("invoice", "account", here) == pytest.approx(0.5 * (0.0 - 5.0))
    assert key.recurring() == frozenset({"invoice"})


def test_verdicts_are_clipped_so_one_loud_occurrence_does_not_decide() -> None:
    here = {"bill": 0.0}
    key = key_with({"bill": 40.0}, here)
    assert key.bonus("invoice", "bill", here) == pytest.approx(0.5 * 4.0)


def test_a_phrase_the_model_never_favoured_is_not_read_again() -> None:
    key = key_with({"study": -2.0}, {"study": -1.0})
    assert key.recurring() == frozenset()
    # where the model disfavoured it elsewhere, that counts against it here
    assert key.bonus("invoice", "study", {"study": -1.0}) == pytest.approx(0.5 * -2.0)
    assert key.bonus("contract", "study", {}) == 0.0  # another phrase: nothing seen
