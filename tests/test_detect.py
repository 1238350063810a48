"""detect() and is_spun(): labels, spans with reasons, fingerprints, exit codes."""

from __future__ import annotations

import subprocess
import sys

import unspin
from unspin.fingerprints import FingerprintList, parse_fingerprint_file

HONEST = (
    "The city council met on Tuesday evening to discuss the budget for the coming year. "
    "Members argued about the cost of repairing roads and the library, and several residents "
    "spoke about the need for more bus routes. The mayor said that a final vote would be held "
    "next month, after the finance committee has reviewed the numbers and the public has had "
    "a chance to comment on the plan."
)


def run_detect(*args: str) -> subprocess.CompletedProcess[str]:
    """``unspin detect`` in a child process, as a pipeline would run it."""
    return subprocess.run(
        [sys.executable, "-m", "unspin", "detect", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def spun_version(text: str) -> str:
    return unspin.spin(text, profile="filler", rate=0.6, seed=11).text


def test_spun_and_honest_are_told_apart_with_reasons() -> None:
    spun = spun_version(HONEST)
    d_spun, d_honest = unspin.detect(spun), unspin.detect(HONEST)
    assert d_spun.score > d_honest.score
    assert d_spun.label == "spun" and d_honest.label == "clean"
    assert d_spun.spans and d_spun.reasons
    for s in d_spun.spans:
        assert spun[s.start : s.end] == s.text and s.reason and 0 <= s.score <= 1
    assert d_spun.profile == "filler" and d_honest.profile is None
    as_dict = d_spun.to_dict()
    assert set(as_dict) == {"score", "label", "spans", "profile", "reasons", "model", "blocks"}


# Written for these tests: a news brief in the style of the auto-blog spinners that rewrite
# machine-translated news, and an honest text that uses several of their stock phrases
# ("was once", "nowadays", "the place", "as well as") the way honest writers do.
AUTOBLOG = (
    "In step with the state well being division, other folks who were given the primary dose no "
    "less than six months in the past are in a position to e book a booster. The Leader Minister "
    "mentioned the day gone by that the marketing campaign will run right through the wintry "
    "weather months, and that the federal government has made greater than 200 centres "
    "obtainable. Additionally Learn: Town council approves new finances. The minister stated "
    "that the scheme was once deliberate previous this yr, regardless that it was once not on "
    "time as a result of a scarcity of employees. Officers stated the centres might be open from "
    "9 am to 5 pm, and folks can get admission to the record of centres on the reputable site. "
    "The usage of the web portal, citizens can make a choice a slot at a centre close to them. "
    "Nowadays, the well being minister will meet district officers to study the preparations, "
    "and a remaining choice at the 2d section is anticipated sooner or later this week."
)
HONEST_HABITS = (
    "The old mill was once the largest employer in the valley. Nowadays it houses a small "
    "museum, a cafe and a workshop where volunteers repair bicycles. Visitors who climb to the "
    "upper floor can still see the looms, and a guide explains how the water wheel drove them. "
    "The place is busiest in summer, when school groups come to learn about the history of the "
    "town. The museum is run by a trust as well as a group of local families, and it relies on "
    "donations. Last year the trust raised enough money to repair the roof, and it now hopes to "
    "restore the wheel so that it turns again. The director said that many visitors find "
    "themselves staying longer than they planned, because the walk along the river is so "
    "pleasant. She added that the trust would like to open the building in the evenings, but "
    "that it needs more volunteers before it can do so. Anyone who would like to help can "
    "contact the museum by telephone or visit on a weekday morning."
)


def test_autoblog_stock_swaps_are_spun_and_honest_uses_are_clean() -> None:
    spun, honest = unspin.detect(AUTOBLOG), unspin.detect(HONEST_HABITS)
    assert spun.label == "spun" and honest.label == "clean"
    fixes = {(s.text, s.suggestion) for s in spun.spans}
    assert {("In step with", "According to"), ("other folks", "people")} <= fixes
    assert all(s.reason for s in spun.spans)


def test_short_and_empty_texts_are_uncertain() -> None:
    assert unspin.detect("").label == "uncertain"
    d = unspin.detect("The head of state has actually spoken.")
    assert d.label == "uncertain" and "too short" in d.reasons[0]


def test_is_spun_fast_path_agrees_on_clear_cases() -> None:
    assert unspin.is_spun(spun_version(HONEST * 2))
    assert not unspin.is_spun(HONEST * 2)


def test_user_fingerprints_screener_csv_and_tsv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "pps.csv"
    csv_path.write_text(
        "Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\n"
        "bosom peril,breast cancer,123\n"
    )
    tsv_path = tmp_path / "list.tsv"
    tsv_path.write_text("spun\texpected\nflag-bearer ailment,flagship disease\n".replace(",", "\t"))
    for path, phrase in ((csv_path, "bosom peril"), (tsv_path, "flag-bearer ailment")):
        fl = FingerprintList(parse_fingerprint_file(path))
        hits = list(fl.find(f"Patients with {phrase.title()} were enrolled."))
        assert [h.phrase.lower() for h in hits] == [phrase]


def test_cli_exit_codes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    honest, spun = tmp_path / "honest.txt", tmp_path / "spun.txt"
    honest.write_text(HONEST)
    spun.write_text(spun_version(HONEST))
    assert run_detect(str(honest)).returncode == 0
    both = run_detect(str(honest), str(spun))
    assert both.returncode == 1 and len(both.stdout.splitlines()) == 2
    short = tmp_path / "short.txt"
    short.write_text("Hello there.")
    assert run_detect(str(short)).returncode == 3
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\xff\x00")
    r = run_detect(str(binary))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_cli_json_and_user_fingerprints(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    listing = tmp_path / "pps.csv"
    listing.write_text(
        "Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\n"
        "velvet cascade,vascular cascade,12\n"
    )
    paper = tmp_path / "paper.txt"
    paper.write_text(HONEST + " Patients with velvet cascade were enrolled in the study.")

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return run_detect("--json", *a)

    without = json.loads(run(str(paper)).stdout)
    with_list = json.loads(run("--fingerprints", str(listing), str(paper)).stdout)
    assert not any(s["text"].lower() == "velvet cascade" for s in without["spans"])
    hit = [s for s in with_list["spans"] if s["text"].lower() == "velvet cascade"]
    assert hit and hit[0]["suggestion"] == "vascular cascade" and "pps.csv" in hit[0]["reason"]
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    r = run("--fingerprints", str(broken), str(paper))
    assert r.returncode == 2 and "broken.tsv" in r.stderr and "Traceback" not in r.stderr
