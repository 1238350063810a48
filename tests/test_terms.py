"""Spun technical terms (unspin.terms): a term of the paper-mill list, its words swapped one by
one, is proposed whole; honest phrases near a term are left alone. Sentences written for these
tests."""

from __future__ import annotations

import unspin
from unspin import terms
from unspin.channel import default_channel

SPUN = (
    "We trained a classifier for image acknowledgment on a small test arrangement of photographs."
)
ORIGINAL = "We trained a classifier for image recognition on a small test set of photographs."
HONEST = "Years of smoking left him with a lung disease that made the stairs hard to climb."


def test_a_spun_term_is_restored_with_its_evidence() -> None:
    r = unspin.restore(SPUN, model="trigram")
    assert r.text == ORIGINAL
    (fix,) = [f for f in r.fixes if f.spun == "image acknowledgment"]
    assert fix.original == "image recognition" and fix.confidence >= 0.5
    assert fix.evidence.source == "tortured" and "known term" in fix.evidence.note
    assert unspin.apply_fixes(SPUN, r.fixes) == r.text


def test_a_phrase_one_synonym_from_a_term_in_honest_text_is_kept() -> None:
    # "lung disease" lines up with "lung cancer" (a listed paper-mill swap), but the sentence
    # reads well as it is
    assert any(m.term == ("lung", "cancer") for m in terms.matches(("lung", "disease")))
    assert unspin.restore(HONEST, model="trigram").text == HONEST


def test_a_term_matches_only_word_for_word() -> None:
    assert terms.matches(("image", "recognition")) == ()  # a known term is itself
    assert terms.matches(("image", "of", "recognition")) == ()  # no such term
    assert not terms.may_match(("of", "information"))  # a function word starts no term
    (m,) = [m for m in terms.matches(("huge", "information")) if m.term == ("big", "data")]
    assert m.changed == 2


def test_the_channel_proposes_a_term_for_a_span_no_table_lists() -> None:
    cands = default_channel().candidates(("image", "acknowledgment"))
    assert ("image", "recognition") in [c.original for c in cands]
    swapped = default_channel().candidates(("acknowledgment", "image"))
    assert ("image", "recognition") not in [c.original for c in swapped]
