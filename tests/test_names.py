"""Known names whose words a spinner swapped: which spans line up with a name, and which not."""

from __future__ import annotations

import unspin
from unspin import datafile, names
from unspin.decoder import word_units
from unspin.rescore import _shape
from unspin.text import tokenize


def _matches(text: str) -> list[tuple[str, str]]:
    words, glued = word_units(tokenize(text))
    norms = [w.norm for w in words]
    capitalised = [w.text[:1].isupper() for w in words]
    return [
        (" ".join(w.text for w in words[i : i + m.length]), m.name)
        for i in range(len(words))
        for m in names.matches(norms, capitalised, glued, i)
    ]


def test_the_shipped_list_carries_its_format_and_holds_institutions_not_people() -> None:
    header, payload = datafile.read(datafile.packaged(names.FILE), names.FORMAT, names.VERSION)
    assert header["format"] == names.FORMAT and len(payload["names"]) > 1000
    assert payload["names"] == sorted(payload["names"])
    assert names.is_name(("house", "of", "representatives"))
    assert not names.is_name(("abraham", "lincoln"))


def test_a_name_written_as_a_name_with_its_words_swapped_is_found() -> None:
    found = _matches("The Division of Vitality said on Tuesday.")
    assert ("Division of Vitality", "Department of Energy") in found
    assert _matches("The Division, of Vitality said on Tuesday.") == []  # no punctuation inside
    assert names.link("individuals's", "people's") == names.STRONG  # possessives line up


def test_three_swapped_words_find_the_name_even_in_lower_case() -> None:
    found = _matches("Officials at the meals and medication management approved it.")
    assert ("meals and medication management", "Food and Drug Administration") in found


def test_a_lower_case_two_word_phrase_is_not_a_name() -> None:
    assert ("Joined Countries", "United Nations") in _matches("The Joined Countries met.")
    assert _matches("the joined countries met") == []


def test_one_swapped_word_is_left_to_the_one_word_path() -> None:
    # honest names one synonym from a listed one abound ("Superior Court")
    assert _matches("The Home of Representatives voted.") == []
    assert _matches("The Superior Court ruled.") == []


def test_a_real_name_is_left_alone() -> None:
    # "United States" is one synonym from "United Nations": a known name stays what it is
    assert _matches("The United States and the House of Representatives agreed.") == []


def test_function_words_must_be_there_as_they_are() -> None:
    assert _matches("The Home for Representatives voted.") == []


def test_a_british_spelling_is_not_a_spun_word() -> None:
    assert names.link("defence", "defense") == names.SAME
    assert names.link("labour", "labor") == names.SAME
    assert names.link("home", "house") == names.STRONG
    assert _matches("The Defence Secretary spoke.") == []
    assert names.spelling_variant("programme", "program")
    assert names.spelling_variant("travelled", "traveled")
    assert not names.spelling_variant("filled", "filed")
    assert not names.spelling_variant("home", "house")


def test_a_first_word_english_writes_only_capitalised_is_a_name() -> None:
    assert names.is_proper("pakistan") and names.is_proper("april")
    assert not names.is_proper("china")  # also porcelain
    assert not names.is_proper("congress")

    def first(text: str) -> int:
        return _shape(next(t for t in tokenize(text) if t.is_word), 0)

    # the restorer's one-word path then charges its capital as anywhere in a sentence
    assert first("Pakistan said on Monday that talks would resume.") == 1
    assert first("Congress said on Monday that talks would resume.") == 0
    assert first("Officials said on Monday that talks would resume.") == 0


def test_the_trigram_path_restores_a_spun_name_as_the_name_is_written() -> None:
    # the fast path (no neural extra) reads the same list: a span of its own in the lattice
    spun = "A spokesman for the Division of Vitality said on Monday that prices will rise."
    r = unspin.restore(spun, model="trigram")
    assert r.text == spun.replace("Division of Vitality", "Department of Energy")
    (fix,) = r.fixes
    assert fix.evidence.source == "name" and "2 of its words" in fix.evidence.note
    assert unspin.apply_fixes(spun, r.fixes) == r.text


def test_the_trigram_path_leaves_real_names_and_near_names_alone() -> None:
    for honest in (
        "A spokesman for the Department of Energy said on Monday that prices will rise.",
        "The Superior Court ruled on Friday that the contract was void.",
    ):
        assert unspin.restore(honest, model="trigram").fixes == []
