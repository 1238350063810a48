"""Dilution (issue 14): a spun passage in a long honest document, or one spun passage
repeated, is judged by its blocks and does not drift to clean."""

from __future__ import annotations

import pytest

from unspin.detector import detect
from unspin.spinner import spin

SPUN_SOURCE = (
    "The company said on Monday that its profits rose sharply in the last quarter, helped by "
    "strong demand for its new phones and a lower cost of parts. The chief executive told "
    "reporters that the firm would use the money to build two new factories and hire more "
    "workers next year. Analysts said the results were better than expected, but warned that "
    "the market could slow down if prices keep rising and people buy fewer devices."
)

HONEST_PARAGRAPHS = [
    "The city council met on Tuesday evening to discuss the budget for the coming year. "
    "Members argued about the cost of repairing roads and the library, and several residents "
    "spoke about the need for more bus routes. The mayor said that a final vote would be held "
    "next month, after the finance committee has reviewed the numbers.",
    "Heavy rain fell across the north of the country over the weekend, closing several roads "
    "and flooding low fields near the river. Emergency crews worked through the night to move "
    "families from their homes, and the weather service said more rain was likely on Monday. "
    "No one was hurt, but farmers said the damage to crops would be serious.",
    "The museum will open a new exhibition of early photographs in the spring. The pictures, "
    "most of them taken between 1850 and 1900, show streets, markets and harbours that have "
    "since changed beyond recognition. The curator said the collection had been stored in a "
    "basement for decades before a volunteer found it while clearing old boxes.",
    "Students at the local school have raised money to plant trees along the main road. They "
    "sold cakes, washed cars and held a concert in the hall, and by the end of the term they "
    "had enough to buy two hundred young oaks. The head teacher said she was proud of the way "
    "the pupils had planned the project from start to finish.",
    "A new train line between the two largest cities in the region is due to open next year, "
    "cutting the journey time by almost an hour. The project has cost more than planned, and "
    "some residents have complained about noise during the building work. The transport "
    "minister said the line would bring jobs and make it easier for people to commute.",
    "The hospital has started a programme to help older patients return home sooner after an "
    "operation. Nurses visit them at home during the first week, check their medicine and "
    "teach relatives how to help with simple exercises. Doctors said early results were good, "
    "with fewer patients coming back to the ward in the month after they left.",
    "The football club announced that its stadium will be rebuilt over the next three years. "
    "Matches will be played at a ground in a nearby town while the work goes on, and season "
    "ticket holders will be offered seats there at the same price. Fans have mixed feelings, "
    "but most agree that the old stands were in poor condition.",
    "Scientists at the university have found a new species of frog in the forests of the "
    "south. The small green animal lives high in the trees and is active only at night, which "
    "may explain why it was not noticed before. The team plans to return next year to learn "
    "more about where it breeds and how many of them remain.",
    "The bakery on the corner of the square closed last week after more than sixty years. "
    "Its owner, who took over from his father, said rising rents and the cost of flour had "
    "made it hard to carry on. Neighbours left flowers and cards at the door, and many said "
    "they would miss the smell of fresh bread in the morning.",
    "The library has extended its opening hours during the exam season so that students have "
    "a quiet place to work in the evening. Extra staff have been hired to keep the building "
    "open until ten, and the café on the ground floor will stay open as well. Librarians said "
    "the rooms were already full most nights.",
]


def spun_paragraph(rate: float = 0.3, seed: int = 1) -> str:
    return spin(SPUN_SOURCE, profile="filler", rate=rate, seed=seed).text


@pytest.mark.parametrize("times", [1, 2, 5, 20])
def test_a_spun_paragraph_repeated_stays_spun(times: int) -> None:
    # before blocks: 0.997 once, 0.952 twice, 0.624 five times (clean), 0.169 twenty times
    d = detect("\n\n".join([spun_paragraph()] * times))
    assert d.label == "spun", (times, d.score)
    assert d.blocks and d.blocks[0].score == pytest.approx(d.score, abs=1e-4)


def test_honest_document_is_clean() -> None:
    d = detect("\n\n".join(HONEST_PARAGRAPHS))
    assert d.label == "clean", d.score


def test_one_spun_paragraph_in_an_honest_document_is_flagged_with_its_spans() -> None:
    para = spun_paragraph(0.5, 7)
    mid = len(HONEST_PARAGRAPHS) // 2  # about 360 honest words before it and 360 after
    text = "\n\n".join(HONEST_PARAGRAPHS[:mid] + [para] + HONEST_PARAGRAPHS[mid:])
    start = text.index(para)
    end = start + len(para)
    d = detect(text)
    assert d.label == "spun", d.score  # before blocks: 0.614, clean
    inside = [s for s in d.spans if start <= s.start < end]
    assert len(inside) >= 3
    assert len(inside) >= len(d.spans) - 1  # the honest paragraphs give (almost) nothing
    best = d.blocks[0]
    assert best.start <= start and end <= best.end  # the strongest block holds the passage
    assert any("strongest block" in r for r in d.reasons)
