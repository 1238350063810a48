"""docstats: does one document over-use a spun form against the original it replaces?"""

from __future__ import annotations

import pytest

from unspin.docstats import MAX_PHRASE, DocStats
from unspin.lm import get_model
from unspin.text import tokenize

# Written for these tests.
SPUN = (
    "The council met as well as the mayor. Roads as well as schools were discussed. "
    "The budget as well as the taxes rose."
)


def stats(text: str) -> DocStats:
    return DocStats(tokenize(text), get_model())


def test_counts_words_and_every_phrase_the_channel_can_propose() -> None:
    d = stats(SPUN)
    assert d.counts["as well as"] == 3
    assert d.counts["as"] == 6
    assert d.counts["and"] == 0
    assert d.counts["the council met as well"] == 1  # five words: MAX_PHRASE
    assert MAX_PHRASE == 5
    assert d.counts["the council met as well as"] == 0  # six words: not counted
    # punctuation is not a word: the count runs over the word stream
    assert d.counts["mayor roads"] == 1


def test_a_repeated_spun_form_with_no_original_is_evidence_of_a_rule() -> None:
    assert stats(SPUN).llr("as well as", "and") > 2.0


def test_the_evidence_grows_with_each_use_of_the_spun_form() -> None:
    one = stats("The council met as well as the mayor. Roads were discussed.")
    three = stats(SPUN)
    assert 0 < one.llr("as well as", "and") < three.llr("as well as", "and")


def test_a_form_used_as_honest_writers_do_is_evidence_against() -> None:
    # one "as well as" among twenty "and": honest English
    pairs = ["roads", "schools", "parks", "bridges", "buses"] * 4
    honest = " ".join(f"The {a} and the budget were discussed." for a in pairs)
    d = stats(honest + " Prices rose as well as rents.")
    assert d.counts["and"] == 20 and d.counts["as well as"] == 1
    assert d.llr("as well as", "and") < 0
    assert d.llr("as well as", "and") < stats(SPUN).llr("as well as", "and")


def test_a_rule_the_document_never_touches_is_neutral() -> None:
    assert stats(SPUN).llr("head of state", "president") == 0.0


def test_documents_sharing_a_model_share_the_rates() -> None:
    a, b = stats(SPUN), stats("The mayor as well as the council met.")
    per_use = a.llr("as well as", "and") / a.counts["as well as"]
    assert b.llr("as well as", "and") / b.counts["as well as"] == pytest.approx(per_use)
