"""trace --group: copies made with one spinner key form one farm, across different articles.

The articles in ``data/farm-articles.json`` were written for this test (three news stories of
about 300 words on different subjects); the copies are made at test time by the library's
spin emulator with fixed keys, at its default rate (0.3), as a farm would spin them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unspin
from unspin.trace import Index
from unspin.trace.group import farms, group

ARTICLES = json.loads((Path(__file__).parent / "data" / "farm-articles.json").read_text())
PROFILES = ("papermill", "heldout", "thesaurus")
KEYS = range(10)  # spinner keys (seeds): every one is used, none is picked


def _copies(seed: int) -> list[tuple[str, str]]:
    return [
        (f"{a['id']}/{p}", unspin.spin(a["text"], profile=p, rate=0.3, seed=seed).text)
        for p in PROFILES
        for a in ARTICLES
    ]


def _farm_counts(with_index: bool, tmp_path: Path) -> tuple[int, int]:
    """(keys whose three copies made one farm, farms mixing profiles) over every key."""
    whole = mixed = 0
    if with_index:
        with Index(tmp_path / "idx", create=True) as index:
            index.add_many((a["id"], a["text"]) for a in ARTICLES)
    for seed in KEYS:
        docs = _copies(seed)
        if with_index:
            with Index(tmp_path / "idx") as index:
                g = group(docs, index)
            # every copy goes with its own article
            assert {m.name: m.source for m in g.members} == {n: n.split("/")[0] for n, _ in docs}
        else:
            g = group(docs)
        farm = {m.name: m.farm for m in g.members}
        for p in PROFILES:
            numbers = {farm[f"{a['id']}/{p}"] for a in ARTICLES}
            whole += len(numbers) == 1 and numbers != {-1}
        mixed += sum(1 for f in g.farms if len({n.split("/")[1] for n in f}) > 1)
    return whole, mixed


def test_copies_of_different_articles_with_one_key_are_one_farm(tmp_path: Path) -> None:
    # issue 14: three copies of one key landed in three farms (papermill, heldout); two copies
    # of different articles share one or two replaced originals, too few for a pairwise test,
    # so farms are grown by pooling their tables
    whole, mixed = _farm_counts(True, tmp_path)
    assert mixed == 0  # copies of different profiles never share a farm
    assert whole >= 0.75 * len(KEYS) * len(PROFILES)  # 25 of 30 today; 10 before the fix


def test_group_without_index_learns_pairs_from_the_rebuilt_source(tmp_path: Path) -> None:
    # without an index, each copy was aligned with another spun copy, so the first copy's
    # spinner leaked into everyone's pairs and copies of different profiles were one farm
    whole, mixed = _farm_counts(False, tmp_path)
    assert mixed == 0  # 11 farms mixed profiles before the fix
    assert whole >= len(KEYS) // 2  # 11 of 30 today: the rebuilt source leaves words uncertain


def test_farms_pool_evidence_and_stop_at_disagreement() -> None:
    # a and b share one original, b and c another: pairwise, nothing links; pooled, a+b
    # share two originals with c, and c replaced both alike
    a = {"said": {"enjoined"}, "town": {"township"}, "group": {"gathering"}}
    b = {"said": {"enjoined"}, "year": {"twelvemonth"}, "group": {"gathering"}}
    c = {"town": {"township"}, "year": {"twelvemonth"}, "wall": {"barrier"}}
    assert farms([a, b, c]) == [0, 0, 0]
    # another key of another table disagrees on the originals it shares
    d = {"said": {"supposed"}, "town": {"township"}, "year": {"yr"}, "group": {"bunch"}}
    assert farms([a, b, c, d]) == [0, 0, 0, 1]
    assert farms([a, {}, d]) == [0, -1, 1]


# keys 0 and 3 are ones where the library groups all nine copies right (25 of 30 in the test
# above); this checks that the command reports what the library found
@pytest.mark.parametrize("seed", [0, 3])
def test_group_command_prints_one_farm_per_key(
    seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unspin.cli import main

    files = []
    for name, text in _copies(seed):
        f = tmp_path / (name.replace("/", "-") + ".txt")
        f.write_text(text)
        files.append(str(f))
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    assert main(["index", "build", str(corpus), "--index", str(tmp_path / "idx")]) == 0
    capsys.readouterr()
    assert main(["trace", "--group", *files, "--index", str(tmp_path / "idx"), "--json"]) == 0
    g = json.loads(capsys.readouterr().out)
    by_profile = sorted(sorted({Path(n).stem.split("-")[1] for n in f}) for f in g["farms"])
    assert by_profile == [[p] for p in sorted(PROFILES)]
