"""Broken collocations: real behaviour on dev-split tortured phrases and honest collocations."""

from __future__ import annotations

import dataclasses

import pytest

from unspin import collocations
from unspin.collocations import Hit, Settings, find

CARRIER = "In this paper, the {} is studied on two data sets."
DEV = [
    ("incorporated circuits", "integrated circuits"),
    ("weighty metals", "heavy metals"),
    ("renewable vitality", "renewable energy"),
    ("speech acknowledgment", "speech recognition"),
    ("hereditary algorithm", "genetic algorithm"),
]


@pytest.mark.parametrize(
    ("tortured", "expected"),
    DEV,
)
def test_dev_tortured_phrase_is_flagged_with_its_original(tortured: str, expected: str) -> None:
    text = CARRIER.format(tortured)
    hits = find(text)
    assert len(hits) == 1
    hit = hits[0]
    assert hit.text == tortured
    assert hit.suggestion == expected
    assert hit.strength >= collocations.DEFAULT.threshold
    assert expected in hit.note


@pytest.mark.parametrize(
    "honest",
    [
        "artificial intelligence",
        "surface area",
        "integrated circuits",
        "heavy metals",
        "renewable energy",
        "speech recognition",
        "genetic algorithm",
    ],
)
def test_honest_collocation_is_not_flagged(honest: str) -> None:
    assert find(CARRIER.format(honest)) == []


def test_offsets_slice_the_text_exactly() -> None:
    text = "Weighty metals leak.\nThe renewable  vitality market grew; incorporated circuits too."
    hits = find(text)
    assert [h.suggestion for h in hits] == [
        "heavy metals",
        "renewable energy",
        "integrated circuits",
    ]
    for h in hits:
        assert text[h.start : h.end] == h.text


def test_names_and_separated_words_are_not_paired() -> None:
    # a capitalised word mid-sentence is a name; words across punctuation are no pair
    assert find("We met Weighty Metals at noon.") == []
    assert find("The metal was weighty, metals were too.") == []
    assert find("It was weighty. Metals rust.") == []


def test_empty_and_tiny_texts() -> None:
    assert find("") == []
    assert find("weighty") == []
    assert find("   \n ") == []


def test_threshold_trades_recall_for_false_alarms() -> None:
    text = CARRIER.format("weighty metals")
    strong = find(text)[0].strength
    assert find(text, Settings(threshold=strong + 0.01)) == []
    assert find(text, Settings(threshold=strong - 0.01))


def test_hit_is_a_frozen_record() -> None:
    hit = find(CARRIER.format("weighty metals"))[0]
    assert isinstance(hit, Hit)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.start = 0  # type: ignore[misc]


def test_detect_shows_broken_collocations_only_when_asked() -> None:
    import unspin

    # The five dev phrases are also known tortured phrases (spans either way); "brisk breeze"
    # (a thesaurus spin of "fresh air") is only ever seen as a broken collocation.
    text = " ".join(CARRIER.format(t) for t, _ in DEV[:6])
    text += " The walkers enjoyed the brisk breeze on the hill."
    hits = find(text)
    assert len(hits) == 6
    shown = unspin.detect(text, broken_collocations=True).spans
    for h in hits:  # every hit is shown, as its own span or inside a stronger one
        assert any(s.start < h.end and h.start < s.end for s in shown)
    broken = [s for s in shown if s.reason.startswith("broken collocation")]
    assert [(s.text, s.suggestion) for s in broken] == [("brisk breeze", "fresh air")]
    assert text[broken[0].start : broken[0].end] == "brisk breeze"
    plain = unspin.detect(text).spans
    assert not any(s.reason.startswith("broken collocation") for s in plain)
    assert not any("brisk" in s.text or "breeze" in s.text for s in plain)
    assert len(shown) == len(plain) + 1
