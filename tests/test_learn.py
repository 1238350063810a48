"""learn(): profiles from spun documents and from aligned pairs; the profile file."""

from __future__ import annotations

import pytest

import unspin
from unspin.errors import DataFileError
from unspin.learner import learn_from_pairs, substitution_pairs
from unspin.profile import Profile, Rule

CLEAN = [
    "The president said the war would go on and the forces would get new weapons.",
    "Officials said the bill was passed and the president signed it on Monday.",
    "The president has met the leaders and the talks will continue next week.",
    "Prices rose and the government said the war had hurt the economy.",
    "The forces have moved and the president will speak to the nation tonight.",
]


def test_learns_a_farm_key_from_its_documents() -> None:
    spun = [unspin.spin(t, profile="filler", rate=1.0, seed=3).text for t in CLEAN]
    profile = unspin.learn(spun, name="farm")
    assert len(profile) > 0
    rules = {(r.spun, r.original) for rs in profile.rules.values() for r in rs}
    assert ("as well as", "and") in rules
    assert all(0 < r.confidence <= 1 for rs in profile.rules.values() for r in rs)


def test_profile_round_trip_and_restore_with_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = Profile.from_rules(
        "farm", [Rule("tools", "weapons", 12, 0.9), Rule("battle", "war", 5, 0.8)]
    )
    path = tmp_path / "farm.profile"
    p.save(path)
    text = path.read_text()
    assert text.startswith("# unspin-profile v1 name=farm")
    assert "tools\tweapons\t12\t0.900" in text
    again = Profile.load(path)
    assert len(again) == 2 and again.name == "farm"
    spun = "The army received new tools before the battle."
    without = unspin.restore(spun)
    with_profile = unspin.restore(spun, profile=path)
    assert "weapons" not in without.text
    assert with_profile.text == "The army received new weapons before the war."
    assert {f.evidence.source for f in with_profile.fixes} == {"profile"}


def test_foreign_profile_version_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "new.profile"
    path.write_text("# unspin-profile v9 name=x\nspun\toriginal\tcount\tconfidence\n")
    with pytest.raises(DataFileError, match="version 9"):
        Profile.load(path)
    path.write_text(
        "# unspin-profile v1 name=x\nspun\toriginal\tcount\tconfidence\na\tb\tmany\t1\n"
    )
    with pytest.raises(DataFileError, match="new.profile:3"):
        Profile.load(path)


def test_learn_from_aligned_pairs() -> None:
    pairs = [(unspin.spin(t, profile="thesaurus", rate=0.6, seed=1).text, t) for t in CLEAN]
    expected = {
        (s.spun.lower(), s.original.lower())
        for sp, t in pairs
        for s in unspin.spin(t, profile="thesaurus", rate=0.6, seed=1).substitutions
    }
    profile = learn_from_pairs(pairs, "traced")
    learned = {(r.spun, r.original) for rs in profile.rules.values() for r in rs}
    # exactly the substitutions the spinner made: none missed, none made up (multi-word or not)
    assert len(expected) >= 10 and learned == expected
    made = [
        (s.spun.lower(), s.original.lower())
        for _, t in pairs
        for s in unspin.spin(t, profile="thesaurus", rate=0.6, seed=1).substitutions
    ]
    assert {(r.spun, r.original): r.count for rs in profile.rules.values() for r in rs} == {
        pair: made.count(pair) for pair in expected
    }
    assert substitution_pairs("the funding invoice passed", "the funding bill passed") == [
        ("invoice", "bill")
    ]
