"""restore(): behaviour, replay, bad input."""

from __future__ import annotations

import pytest

import unspin
from unspin.errors import DataFileError
from unspin.text import match_case, paragraphs, tokenize


def test_restores_spinner_fillers_and_explains_them() -> None:
    spun = "The head of state has actually said the talks will certainly go on."
    r = unspin.restore(spun)
    assert r.text == "The president has said the talks will go on."
    by_spun = {f.spun: f for f in r.fixes}
    assert by_spun["head of state"].original == "president"
    f = by_spun["has actually"]
    assert spun[f.start : f.end] == "has actually"
    assert 0.5 <= f.confidence <= 1.0
    assert f.evidence.source == "idiom" and f.evidence.lm_gain > 0 and f.evidence.note


def test_fixes_replay_and_json_round_trip() -> None:
    spun = (
        "Researchers used counterfeit consciousness as well as profound learning.\n\n"
        "The Senate handed the invoice."
    )
    r = unspin.restore(spun)
    assert r.fixes
    assert unspin.apply_fixes(spun, r.fixes) == r.text
    dicts = [f.to_dict() for f in r.fixes]
    assert unspin.apply_fixes(spun, dicts) == r.text
    assert [unspin.Fix.from_dict(d) for d in dicts] == [
        unspin.Fix.from_dict(f.to_dict()) for f in r.fixes
    ]


def test_apply_fixes_refuses_a_plan_for_another_text() -> None:
    r = unspin.restore("The head of state spoke.")
    with pytest.raises(ValueError):
        unspin.apply_fixes("Another text entirely, longer.", r.fixes)


def test_paragraphs_and_line_breaks_are_kept() -> None:
    spun = "Line one has actually ended.\nLine two as well as more.\n\n\nA new paragraph."
    r = unspin.restore(spun)
    assert r.text.count("\n") == spun.count("\n")
    assert r.text.endswith("A new paragraph.")


def test_min_confidence_trades_recall_for_precision() -> None:
    spun = "The Senate handed the authorities funding invoice as well as a tax measure."
    loose = unspin.restore(spun, min_confidence=0.05)
    confidences = sorted(f.confidence for f in loose.fixes)
    assert len(confidences) >= 2 and confidences[0] < confidences[-1]
    cut = (confidences[0] + confidences[-1]) / 2  # some fixes fall below it, some stay above
    strict = unspin.restore(spun, min_confidence=cut)
    assert 0 < len(strict.fixes) < len(loose.fixes)
    assert strict.fixes == [f for f in loose.fixes if f.confidence >= cut]
    assert strict.text == unspin.apply_fixes(spun, strict.fixes) != loose.text


def test_honest_text_is_unchanged() -> None:
    honest = "Police said the suspect was arrested on Monday night and charged with theft."
    assert unspin.restore(honest).text == honest


def test_empty_and_non_english() -> None:
    assert unspin.restore("").text == ""
    assert unspin.restore("   \n").fixes == []
    german = (
        "Die Regierung hat am Dienstag einen neuen Haushalt beschlossen, "
        "der viele Kürzungen enthält."
    )
    r = unspin.restore(german)
    assert r.text == german and r.warnings


def test_capitalisation_and_articles_follow_the_original() -> None:
    from unspin.profile import Profile, Rule

    farm = Profile.from_rules("farm", [Rule("irregular woodland", "random forest", 9, 0.95)])
    spun = "As well as that, an irregular woodland was trained on the data."
    r = unspin.restore(spun, profile=farm, min_confidence=0.0)
    assert r.text.startswith("And that")
    assert "a random forest" in r.text
    assert unspin.apply_fixes(spun, r.fixes) == r.text


def test_profile_file_errors_name_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "farm.profile"
    bad.write_text("not a profile\n")
    with pytest.raises(DataFileError, match="farm.profile"):
        unspin.restore("text", profile=bad)
    with pytest.raises(DataFileError, match="missing.profile"):
        unspin.restore("text", profile=tmp_path / "missing.profile")


def test_text_helpers() -> None:
    toks = tokenize("Kyiv's counter-offensive, 4.5% up.")
    assert [t.text for t in toks][:3] == ["Kyiv's", "counter", "-"]
    assert all(t.text == "Kyiv's counter-offensive, 4.5% up."[t.start : t.end] for t in toks)
    assert match_case("president", "Head") == "President"
    assert match_case("nato", "UN") == "NATO"
    assert match_case("chief minister", "Leader Minister") == "Chief Minister"
    # a title with a possessive or small words is a title too
    assert match_case("people's republic", "Individuals's Republic") == "People's Republic"
    assert match_case("department of energy", "Division of Vitality") == "Department of Energy"
    assert match_case("source link", "Resource web link") == "Source link"
    assert match_case("according to", "In step with") == "According to"
    assert [p for _, p in paragraphs("a\nb\n\nc")] == ["a\nb", "c"]


def test_habits_honest_writers_share_weigh_less() -> None:
    from unspin.channel import Priors, default_channel

    ch = default_channel()
    [common] = [c for c in ch.candidates(("was", "once")) if c.source == "idiom"]
    [rare] = [c for c in ch.candidates(("get", "admission", "to")) if c.source == "idiom"]
    assert rare.prior == Priors().idiom  # spinner output wherever it appears
    assert common.prior < rare.prior - 0.5  # "was once" is honest English too


def test_progress_is_told_every_word_block_by_block() -> None:
    from unspin.text import word_norms

    text = "The head of state has actually signed the bill.\n\nCritics said it will certainly fail."
    told: list[int] = []
    r = unspin.restore(text, model="trigram", progress=told.append)
    assert told and sum(told) == len(word_norms(text))
    assert r.text == unspin.restore(text, model="trigram").text


def test_a_fix_at_the_article_and_one_at_its_word_do_not_overlap() -> None:
    # a learned profile may rewrite the article itself ('an' -> 'a') and the word after it,
    # whose own fix would otherwise take the article along ('an archive' -> 'a record')
    from unspin.profile import Profile, Rule

    profile = Profile.from_rules(
        "farm", [Rule("an", "a", 20, 0.95), Rule("archive", "record", 20, 0.95)]
    )
    text = "The office keeps an archive of every letter it sends."
    r = unspin.restore(text, profile=profile)
    spans = sorted((f.start, f.end) for f in r.fixes)
    assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:], strict=False))
    assert "archive" not in r.text and r.text.count(" a ") + r.text.count(" an ") == 1
