"""The spin emulator: fixed keys, rates, offsets, each family's habits, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import datafile
from unspin.cli import main
from unspin.errors import DataFileError, InputError
from unspin.spinner import (
    FORMAT,
    PROFILES,
    VERSION,
    SpinProfile,
    SpinResult,
    available_profiles,
    spin,
)

NEWS = (
    "The president has said that the war will go on, and that the forces at the front line "
    "have new weapons. People in the capital say things are calm today. The government passed "
    "the bill after the players and teams showed signs of support. Officials will meet the "
    "chief of the army next week, and the talks have been important for the country. "
    "Artificial intelligence and deep learning on big data are used by the company. "
)
LONG = NEWS * 12


def check_offsets(src: str, r: SpinResult) -> None:
    """Every substitution sits at its offsets in both texts, and undoing them gives the input."""
    prev_end = -1
    for s in r.substitutions:
        assert r.text[s.start : s.end] == s.spun
        assert src[s.orig_start : s.orig_end] == s.original
        assert s.spun != s.original
        assert s.orig_start >= prev_end
        prev_end = s.orig_end
    undone = r.text
    for s in reversed(r.substitutions):
        undone = undone[: s.start] + s.original + undone[s.end :]
    assert undone == src


@pytest.mark.parametrize("profile", available_profiles())
def test_same_seed_same_output(profile: str) -> None:
    a = spin(LONG, profile, rate=0.5, seed=7)
    b = spin(LONG, profile, rate=0.5, seed=7)
    assert a.text == b.text and a.substitutions == b.substitutions
    assert a.text != LONG
    check_offsets(LONG, a)


@pytest.mark.parametrize("profile", available_profiles())
def test_different_seed_different_key(profile: str) -> None:
    # at rate 1 only the key decides the replacements: other seeds choose other candidates
    outs = {spin(LONG, profile, rate=1.0, seed=s).text for s in range(6)}
    assert len(outs) > 1


@pytest.mark.parametrize("profile", available_profiles())
def test_key_is_fixed_within_a_text(profile: str) -> None:
    # a farm spins with one key: a word maps to one replacement wherever it occurs
    r = spin(LONG, profile, rate=0.5, seed=3)
    seen: dict[str, set[str]] = {}
    for s in r.substitutions:
        seen.setdefault(s.original.lower(), set()).add(s.spun.lower())
    assert seen
    assert all(len(v) == 1 for v in seen.values()), seen


def test_rate_is_honoured_approximately() -> None:
    full = len(spin(LONG, "thesaurus", rate=1.0, seed=1).substitutions)
    assert full > 100
    for rate in (0.1, 0.3, 0.7):
        got = len(spin(LONG, "thesaurus", rate=rate, seed=1).substitutions)
        assert abs(got / full - rate) < 0.08, (rate, got, full)
    assert spin(LONG, "thesaurus", rate=0.0).substitutions == []


def test_filler_habits() -> None:
    r = spin("Tom and Ann has left. They will come. The front line holds.", "filler", 1.0)
    assert r.text.startswith("Tom as well as Ann has actually ")
    assert "They will certainly " in r.text
    assert "The cutting edge " in r.text
    r = spin("The president and the presidents of the People's Republic.", "filler", 1.0)
    assert "head of state" in r.text and "heads of state" in r.text
    # possessives keep their 's, as in the wild ("Individuals's Republic")
    assert re.search(r"\b(Individuals|Folks|Other folks)'s ", r.text)
    assert "Resource web link" in spin("Source link", "filler", 1.0).text


def test_inflection_and_case_are_kept() -> None:
    r = spin("Forces and FORCES and force. Front Line. WAR.", "filler", 1.0)
    assert r.text.startswith("Pressures as well as PRESSURES as well as pressure.")
    assert "Cutting Edge." in r.text and "BATTLE." in r.text


def test_inflected_forms_share_the_key() -> None:
    # the key is per lemma: "bill" and "bills" become the same word, singular and plural
    for seed in range(20):
        first, _, second = spin("bill and bills", "thesaurus", 1.0, seed).text.split()
        assert second == first + "s" and first != "bill"


def test_thesaurus_is_single_word_and_context_blind() -> None:
    r = spin(LONG, "thesaurus", rate=1.0, seed=0)
    assert all(" " not in s.spun and " " not in s.original for s in r.substitutions)
    # the wrong sense of "bill" (an invoice) is among the key's choices, as in the wild
    outs = {spin("the bill", "thesaurus", 1.0, seed=s).text for s in range(40)}
    assert "the invoice" in outs
    assert "and" not in {s.original for s in r.substitutions}


def test_papermill_spins_whole_phrases() -> None:
    outs = {spin("artificial intelligence", "papermill", 1.0, seed=s).text for s in range(60)}
    assert "counterfeit consciousness" in outs
    r = spin("Deep learning on big data", "papermill", 1.0)
    assert [s.original for s in r.substitutions[:2]] == ["Deep learning", "big data"]


def test_heldout_is_a_different_family() -> None:
    r = spin(LONG, "heldout", rate=1.0)
    assert "as well as" not in r.text and "has actually" not in r.text
    assert spin("but it is", "heldout", 1.0).text == "however it is"


@pytest.mark.parametrize("profile", available_profiles())
def test_numbers_urls_emails_untouched(profile: str) -> None:
    text = (
        "See https://news.example.com/war-and-forces/people or write to people@government.org "
        "or visit www.war.net and government.gov: 2,500 people and 3.5 forces."
    )
    r = spin(text, profile, rate=1.0)
    for keep in (
        "https://news.example.com/war-and-forces/people",
        "people@government.org",
        "www.war.net",
        "government.gov",
        "2,500",
        "3.5",
    ):
        assert keep in r.text
    check_offsets(text, r)


def test_empty_and_wordless_input() -> None:
    assert spin("", "filler").text == "" and spin("", "filler").substitutions == []
    assert spin("12, 34 -- !?", "filler", 1.0).text == "12, 34 -- !?"


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="available: filler"):
        spin("x", "nope")
    with pytest.raises(InputError):
        spin("x", "filler", rate=1.5)


def test_to_dict_round_trips_through_json() -> None:
    r = spin(NEWS, "filler", 0.5, seed=2)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["text"] == r.text and d["profile"] == "filler"
    assert d["substitutions"][0] == r.substitutions[0].to_dict()


WORDS = [
    "the",
    "and",
    "war",
    "front",
    "line",
    "People's",
    "People’s",
    "FORCES",
    "has",
    "President",
    "bill",
    "deep",
    "learning",
    "big",
    "data",
    "forces",
    "12",
    "x@y.com",
    "http://a.io/war",
    "signs",
    "is",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", "  ", "\n", ", ", "-", ". "])),
        max_size=40,
    ),
    st.sampled_from(available_profiles()),
    st.floats(0, 1),
    st.integers(0, 5),
)
def test_offsets_hold_on_any_text(
    parts: list[tuple[str, str]], profile: str, rate: float, seed: int
) -> None:
    text = "".join(w + sep for w, sep in parts)
    check_offsets(text, spin(text, profile, rate, seed))


def test_profiles_are_small_and_checked(tmp_path: Path) -> None:
    for name in available_profiles():
        path = datafile.packaged(f"spin_{name}.msgpack.gz")
        assert path.stat().st_size < 2_000_000
        assert PROFILES[name].name == name
    bad = tmp_path / "bad.msgpack.gz"
    datafile.write(bad, "something-else", 1, {})
    with pytest.raises(DataFileError):
        SpinProfile.load(bad)
    wrong = tmp_path / "wrong.msgpack.gz"
    datafile.write(wrong, FORMAT, VERSION, {"entries": {}})
    with pytest.raises(DataFileError):
        SpinProfile.load(wrong)


def test_cli_spins_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.txt"
    f.write_text("The president and the war.\n")
    assert main(["spin", str(f), "--rate", "1", "--profile", "filler"]) == 0
    assert capsys.readouterr().out == "The head of state as well as the battle.\n"
    assert main(["spin", str(f), "--rate", "1", "--seed", "4", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["seed"] == 4 and len(d["substitutions"]) == 3


def test_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.txt"
    f.write_text("text")
    assert main(["spin", str(f), "--profile", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown profile 'nope'" in err and "Traceback" not in err
    assert main(["spin", str(tmp_path / "missing.txt")]) == 2
    b = tmp_path / "bin"
    b.write_bytes(b"\x00\x01\x02")
    assert main(["spin", str(b)]) == 2
    with pytest.raises(SystemExit) as e:
        main(["spin", str(f), "--rate", "2"])
    assert e.value.code == 2


def test_cli_help_lists_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["spin", "--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in available_profiles())
