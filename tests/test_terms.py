"""Spun technical terms (unspin.terms): a term of the paper-mill list, its words swapped one by
one, is proposed whole; honest phrases near a term are left alone. Sentences written for these
tests."""

from __future__ import annotations

import unspin
from unspin import rules, terms
from unspin.channel import default_channel

SPUN = (
    "We trained a classifier for image acknowledgment on a small test arrangement of photographs."
)
ORIGINAL = "We trained a classifier for image recognition on a small test set of photographs."
HONEST = "The study reviewed the clinical records of 200 patients admitted to the hospital."


def test_a_spun_term_is_restored_with_its_evidence() -> None:
    r = unspin.restore(SPUN, model="trigram")
    assert r.text == ORIGINAL
    (fix,) = [f for f in r.fixes if f.spun == "image acknowledgment"]
    assert fix.original == "image recognition" and fix.confidence >= 0.5
    assert fix.evidence.source == "tortured" and "known term" in fix.evidence.note
    assert unspin.apply_fixes(SPUN, r.fixes) == r.text


def test_a_phrase_one_rare_swap_from_a_term_in_honest_text_is_kept() -> None:
    # mills swapped "medical" for "clinical" in only two listed phrases: one such swap is not
    # enough to read "clinical records" as a spun "medical records"
    assert terms.matches(("clinical", "records")) == ()
    assert unspin.restore(HONEST, model="trigram").text == HONEST


def test_a_term_matches_only_word_for_word() -> None:
    assert terms.matches(("image", "recognition")) == ()  # a known term is itself
    assert terms.matches(("images", "recognition")) == ()  # in any of its forms
    assert terms.matches(("image", "of", "recognition")) == ()  # no such term
    assert not terms.may_match(("of", "information"))  # a function word starts no term
    (m,) = [m for m in terms.matches(("huge", "information")) if m.term == ("big", "data")]
    assert m.changed == 2


def test_every_term_with_one_listed_swap_is_found_through_the_gate() -> None:
    # built from the data: each listed word substitution applied to the terms that hold its
    # original; the channel's cheap gate must let every one of them through to the match
    by_original: dict[str, list[str]] = {}
    for spun, originals in rules.tortured().words.items():
        for original, n, _ in originals:
            if n < terms.SINGLE_SWAP_SUPPORT:
                continue  # one rare swap alone does not make a match
            if " " not in spun and " " not in original and spun.isalpha():
                by_original.setdefault(original, []).append(spun)
    tried = 0
    for term in sorted(terms._terms()):
        for i, word in enumerate(term):
            if word in terms.FUNCTION_WORDS:
                continue  # kept as they are, by design
            for spun in by_original.get(word, ())[:2]:
                if spun in terms.FUNCTION_WORDS:
                    continue
                words = term[:i] + (spun,) + term[i + 1 :]
                if tuple(map(terms._normal, words)) in terms._normal_terms():
                    continue  # the swap makes another known term
                tried += 1
                assert terms.may_match(words), words
                assert term in [m.term for m in terms.matches(words)], words
    assert tried > 1000


def test_the_channel_proposes_a_term_for_a_span_no_table_lists() -> None:
    ch = default_channel()
    (c,) = [c for c in ch.candidates(("image", "acknowledgment")) if "known term" in c.note]
    assert c.original == ("image", "recognition") and c.source == "tortured"
    swapped = ch.candidates(("acknowledgment", "image"))
    assert ("image", "recognition") not in [c.original for c in swapped]
    # a possessive: the term is proposed for the words before "'s", which it keeps
    owned = ch.candidates(("huge", "information's"))
    assert ("big", "data's") in [c.original for c in owned if "known term" in c.note]
