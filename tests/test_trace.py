"""Trace: index sources, find them again from spun copies, and show the evidence."""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unspin
from unspin.errors import DataFileError, InputError
from unspin.trace import (
    FingerprintParams,
    Index,
    TraceWarning,
    align,
    features,
    query_shards,
    substitution_pairs,
)
from unspin.trace.group import emulator_profiles, emulator_table, group

# Short news-like sources written for these tests; 'budget-2' shares the topic of 'budget'
# (a distractor: same words, other sentences).
DOCS = {
    "budget": (
        "The government published its budget on Tuesday, promising to cut taxes for working "
        "families and to raise spending on hospitals. The finance minister said the plan would "
        "create 40,000 jobs by 2027. Critics in parliament argued that the figures did not add "
        "up, and that the country would have to borrow more money next year. The opposition "
        "leader called the budget a gamble with the public purse."
    ),
    "budget-2": (
        "Spending on hospitals will rise next year, the finance minister told parliament, but "
        "taxes for working families are unlikely to fall. The budget, published after weeks of "
        "delay, was welcomed by business groups. The opposition said the government had no plan "
        "to reduce the debt, which has grown every year since the crisis."
    ),
    "storm": (
        "A powerful storm hit the coast of Florida on Monday night, leaving more than 300,000 "
        "homes without power. Emergency crews worked through the night to clear fallen trees "
        "from the roads. The governor declared a state of emergency in six counties and asked "
        "residents to stay indoors until the winds had calmed. Forecasters expect heavy rain "
        "to continue for at least two more days."
    ),
    "football": (
        "Manchester United won their first match of the season on Saturday, beating Brighton "
        "by three goals to one. The young striker scored twice in the second half, and the "
        "manager praised the team for its patience and discipline. The club has struggled "
        "with injuries, but the return of two experienced defenders gave the side a new "
        "confidence in front of a crowd of 72,000."
    ),
    "science": (
        "Researchers at the University of Oslo have found that a common soil bacterium can "
        "break down plastic waste in a matter of weeks. The team grew the bacteria in the "
        "laboratory and measured how quickly they consumed thin films of polyethylene. The "
        "results, published in the journal Nature, suggest that the process could one day be "
        "used in recycling plants, although the scientists warned that much more work is needed."
    ),
    "war": (
        "The president said on Wednesday that the war had entered a new phase, as troops "
        "pushed towards the eastern border. Military officials reported heavy fighting near "
        "the river, and aid groups warned that thousands of civilians were trapped without "
        "food or water. The United Nations called for an immediate ceasefire and for safe "
        "corridors to be opened so that families could leave the area."
    ),
    "ai": (
        "Artificial intelligence is changing the way banks detect fraud. Instead of fixed "
        "rules, the new systems learn from millions of past transactions and flag payments "
        "that look unusual. A spokesman for the bank said the software had halved the number "
        "of false alarms since it was introduced in March, which means that customers are "
        "less often asked to confirm a purchase they really made."
    ),
    "housing": (
        "House prices in the capital fell for the fourth month in a row, according to figures "
        "released on Friday. The average home now costs 5 per cent less than a year ago, as "
        "higher interest rates make mortgages harder to afford. Estate agents said that buyers "
        "were waiting for prices to fall further, while first-time buyers were still finding "
        "it hard to save for a deposit."
    ),
}
PROFILES = ["filler", "thesaurus", "papermill", "heldout"]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trace") / "idx"
    with Index(path, create=True) as index, index.insertion_session():
        for id, text in DOCS.items():
            index.add(id, text)
    return path


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("source", sorted(DOCS))
def test_finds_the_source_of_a_heavily_spun_copy(
    index_path: Path, profile: str, source: str
) -> None:
    spun = unspin.spin(DOCS[source], profile=profile, rate=0.6, seed=3)
    assert spun.text != DOCS[source]
    with Index(index_path) as index:
        cands = index.query(spun.text, top=3)
    assert cands[0].id == source
    assert len(cands) < 2 or cands[0].score > cands[1].score


def test_reveals_the_spinners_substitutions(index_path: Path) -> None:
    source = DOCS["war"]
    spun = unspin.spin(source, profile="thesaurus", rate=0.5, seed=1)
    truth = {(s.spun.lower(), s.original.lower()) for s in spun.substitutions}
    with Index(index_path) as index:
        best = index.query(spun.text, top=1)[0]
    found = set(best.pairs)
    # each revealed pair is a true substitution, possibly merged with a neighbouring one
    assert len(found & truth) >= 0.6 * len(truth)
    for span in best.alignment:
        assert spun.text[span.spun_start : span.spun_end] == span.spun
        assert source[span.source_start : span.source_end] == span.original
        if span.kind == "same":
            assert span.spun.lower() == span.original.lower()


def test_survives_dropped_and_reordered_sentences(index_path: Path) -> None:
    sents = DOCS["science"].split(". ")
    reordered = ". ".join([sents[2], sents[0]])
    spun = unspin.spin(reordered, profile="papermill", rate=0.4, seed=2).text
    with Index(index_path) as index:
        best = index.query(spun, top=2)[0]
    assert best.id == "science"
    assert best.spun_coverage > 0.4


def test_unrelated_text_scores_low(index_path: Path) -> None:
    with Index(index_path) as index:
        related = index.query(unspin.spin(DOCS["storm"], rate=0.3).text, top=1)[0].score
        other = index.query(
            "Bake the bread for forty minutes, then let it cool on a rack before slicing.", top=1
        )
        assert all(c.score < related / 2 for c in other)
        assert index.query("Bake the bread.", top=1, min_score=0.9) == []


def test_substitution_pairs_by_hand() -> None:
    src = "The president signed the bill on Monday. It has been a long war."
    spun = "The head of state signed the invoice on Monday. It has actually been a long battle."
    assert substitution_pairs(spun, src) == [
        ("head of state", "president"),
        ("invoice", "bill"),
        ("has actually", "has"),
        ("battle", "war"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["the", "war", "Bill", "signed", ".", "5", "as well as", "it's"]),
        max_size=30,
    ),
    st.lists(
        st.sampled_from(["the", "battle", "bill", "signed", ".", "5", "and", "it's"]), max_size=30
    ),
)
def test_alignment_offsets_always_point_at_their_text(a: list[str], b: list[str]) -> None:
    spun, source = " ".join(a), " ".join(b)
    al = align(spun, source)
    for s in al.spans:
        assert spun[s.spun_start : s.spun_end] == s.spun
        assert source[s.source_start : s.source_end] == s.original
    assert 0.0 <= al.spun_coverage <= 1.0 and 0.0 <= al.source_coverage <= 1.0


def test_fingerprint_is_stable_and_spin_invariant_in_part() -> None:
    p = FingerprintParams()
    src = DOCS["football"]
    assert (features(src, p) == features(src, p)).all()
    spun = unspin.spin(src, profile="thesaurus", rate=0.6, seed=0).text
    shared = len(set(features(src, p).tolist()) & set(features(spun, p).tolist()))
    other = len(set(features(DOCS["storm"], p).tolist()) & set(features(spun, p).tolist()))
    assert shared > 4 * max(other, 1)


def test_persists_and_reopens(index_path: Path) -> None:
    with Index(index_path) as index:
        assert len(index) == len(DOCS)
        assert index.text("ai") == DOCS["ai"]
        assert sorted(index.ids()) == sorted(DOCS)
        info = index.info()
    assert info["documents"] == len(DOCS) and info["params"]["scheme"] == "immutables-v2"


def test_add_extends_skips_known_ids_and_compacts(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    items = sorted(DOCS.items())
    with Index(path, create=True) as index:
        index.add_many(items[:3])
    with Index(path) as index:
        added, skipped = index.add_many(items[2:])
        assert (added, skipped) == (len(items) - 3, 1)
    spun = unspin.spin(DOCS["housing"], profile="filler", rate=0.5).text
    with Index(path) as index:
        assert index.info()["segments"] == 2
        before = [(c.id, round(c.score, 6)) for c in index.query(spun, top=3)]
        index.compact()
        assert index.info()["segments"] == 1
        after = [(c.id, round(c.score, 6)) for c in index.query(spun, top=3)]
    assert before == after and before[0][0] == "housing"
    assert sorted(p.name for p in path.iterdir() if p.name.startswith("seg-"))[0].startswith(
        "seg-000003"
    )


def test_a_build_writes_a_segment_every_buffer_bytes_of_text(tmp_path: Path) -> None:
    # the text buffered bounds a build's memory (a segment's write sorts all its features):
    # a segment is written once two to three of these documents are buffered, so eight make
    # three segments (one segment without the bound)
    items = sorted(DOCS.items())
    small = 2 * max(len(t) for _, t in items)
    with Index(tmp_path / "small", create=True, buffer_bytes=small) as index:
        index.add_many(items)
        assert index.info()["segments"] == 3
        assert len(index) == len(items)
        spun = unspin.spin(DOCS["storm"], profile="thesaurus", rate=0.5, seed=3).text
        split = [(c.id, round(c.score, 6)) for c in index.query(spun, top=3)]
    with Index(tmp_path / "one", create=True) as index:
        index.add_many(items)
        assert index.info()["segments"] == 1
        whole = [(c.id, round(c.score, 6)) for c in index.query(spun, top=3)]
    assert split == whole and whole[0][0] == "storm"


def test_shards_merge_to_the_same_answer(tmp_path: Path) -> None:
    items = sorted(DOCS.items())
    shards = [Index(tmp_path / f"s{k}", create=True) for k in range(3)]
    for i, (id, text) in enumerate(items):
        shards[i % 3].add(id, text)
    spun = unspin.spin(DOCS["budget"], profile="papermill", rate=0.5, seed=5).text
    merged = query_shards(shards, spun, top=3).candidates
    assert merged[0].id == "budget"
    assert [c.score for c in merged] == sorted((c.score for c in merged), reverse=True)
    for s in shards:
        s.close()


def test_empty_index_returns_nothing(tmp_path: Path) -> None:
    with Index(tmp_path / "empty", create=True) as index:
        index.add_many([])
    with Index(tmp_path / "empty") as index:
        assert len(index) == 0
        assert index.query(DOCS["ai"]) == []
        assert index.query("") == []


def test_long_query_is_truncated_with_a_warning(tmp_path: Path) -> None:
    params = FingerprintParams(max_query_chars=300)
    with Index(tmp_path / "i", create=True, params=params) as index:
        index.add("ai", DOCS["ai"])
        r = index.search(DOCS["ai"] * 3)
        assert r.warnings and "truncated" in r.warnings[0]
        assert r.candidates[0].id == "ai"
        with pytest.warns(TraceWarning):
            index.query(DOCS["ai"] * 3)


def test_missing_corrupt_and_foreign_indexes_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no trace index"):
        Index(tmp_path / "nowhere")
    path = tmp_path / "idx"
    with Index(path, create=True) as index:
        index.add("ai", DOCS["ai"])
    manifest = path / "index.msgpack.gz"
    good = manifest.read_bytes()
    # another format version
    import msgpack

    header, payload = msgpack.unpackb(gzip.decompress(good), raw=False)
    header["version"] = 99
    manifest.write_bytes(gzip.compress(msgpack.packb([header, payload])))
    with pytest.raises(DataFileError, match=r"idx.*version 99"):
        Index(path)
    # an index made by another fingerprint scheme
    header["version"] = 1
    header["params"]["scheme"] = "immutables-v0"
    manifest.write_bytes(gzip.compress(msgpack.packb([header, payload])))
    with pytest.raises(DataFileError, match="scheme 'immutables-v0'.*rebuild"):
        Index(path)
    # other fingerprint parameters than asked for
    manifest.write_bytes(good)
    with pytest.raises(DataFileError, match="built with"):
        Index(path, params=FingerprintParams(skeleton_n=5))
    # a corrupt manifest, then a missing segment file
    manifest.write_bytes(b"not gzip at all")
    with pytest.raises(DataFileError, match="index.msgpack.gz"):
        Index(path)
    manifest.write_bytes(good)
    next(path.glob("seg-*.post.npy")).unlink()
    with pytest.raises(DataFileError, match="segment"):
        Index(path)
    # a folder with other files is never taken over
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(DataFileError, match="not empty"):
        Index(tmp_path / "other", create=True)


def test_group_by_source_and_by_spinner(index_path: Path) -> None:
    docs = []
    for source in ("war", "storm", "ai"):
        for profile in ("thesaurus", "papermill"):
            for seed in (0, 1):
                spun = unspin.spin(DOCS[source], profile=profile, rate=0.5, seed=seed).text
                docs.append((f"{source}/{profile}/{seed}", spun))
            # another edition of the source, spun with the same key (profile and seed 0):
            # other words are picked, but each is replaced as in the first copy
            edition = DOCS[source] + " Officials said more details would follow."
            spun = unspin.spin(edition, profile=profile, rate=0.5, seed=0).text
            docs.append((f"{source}/{profile}/0b", spun))
    with Index(index_path) as index:
        g = group(docs, index, profiles=emulator_profiles(), profile_table=emulator_table)
    assert {s: sorted(m) for s, m in g.groups.items()} == {
        s: sorted(n for n, _ in docs if n.startswith(s + "/")) for s in ("war", "storm", "ai")
    }
    # copies spun with the same key (profile and seed) share their substitution table, so
    # they are one farm; copies spun by different profiles are not
    farm = {m.name: m.farm for m in g.members}
    assert all(f >= 0 for f in farm.values())
    for source in ("war", "storm", "ai"):
        for profile in ("thesaurus", "papermill"):
            assert farm[f"{source}/{profile}/0"] == farm[f"{source}/{profile}/0b"]
        assert farm[f"{source}/thesaurus/0"] != farm[f"{source}/papermill/0"]
    assert {n for f in g.farms for n in f} == set(farm)
    # and the profile whose table explains a copy's pairs best is the one that made it
    right = sum(1 for m in g.members if m.profile == m.name.split("/")[1])
    assert right >= 0.75 * len(g.members)


def test_group_without_index_links_copies_of_one_source() -> None:
    docs = [
        (f"{s}/{k}", unspin.spin(DOCS[s], profile="thesaurus", rate=0.4, seed=k).text)
        for s in ("war", "housing")
        for k in range(2)
    ]
    g = group(docs)
    got = sorted(sorted(m) for m in g.groups.values())
    assert got == [["housing/0", "housing/1"], ["war/0", "war/1"]]


def test_query_does_not_warn_on_normal_input(index_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Index(index_path) as index:
            index.query(DOCS["war"])


def test_compact_refuses_an_index_too_large_to_merge_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    items = sorted(DOCS.items())
    with Index(path, create=True) as index:
        index.add_many(items[:4])
        index.add_many(items[4:])
        postings = index.info()["postings"]
        with pytest.raises(InputError, match=f"over the limit of {postings - 1:,}"):
            index.compact(max_postings=postings - 1)
        assert index.info()["segments"] == 2  # untouched, and still answers
        assert index.query(DOCS["war"], top=1)[0].id == "war"
        index.compact(max_postings=postings)
        assert index.info()["segments"] == 1
