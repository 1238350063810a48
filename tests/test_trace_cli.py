"""The index and trace commands, end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_trace import DOCS

import unspin
from unspin.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    items = sorted(DOCS.items())
    with open(path, "w") as f:
        for id, text in items[:5]:
            f.write(json.dumps({"id": id, "text": text}) + "\n")
    folder = tmp_path / "pages"
    folder.mkdir()
    for id, text in items[5:]:
        (folder / f"{id}.txt").write_text(text)
    return tmp_path


def test_build_trace_json_and_learn_format(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = str(corpus / "idx")
    code, _, err = _run(capsys, "index", "build", str(corpus / "corpus.jsonl"), "--index", idx)
    assert code == 0 and "added 5 documents" in err
    code, _, err = _run(capsys, "index", "add", str(corpus / "pages"), "--index", idx)
    assert code == 0 and "8 in the index" in err
    spun = unspin.spin(DOCS["war"], profile="thesaurus", rate=0.6, seed=4).text
    (corpus / "spun.txt").write_text(spun)
    code, out, _ = _run(
        capsys, "trace", str(corpus / "spun.txt"), "--index", idx, "--json", "--top", "2"
    )
    assert code == 0
    result = json.loads(out)
    assert [c["id"] for c in result["candidates"]][0] == "war.txt"  # folder ids are paths
    assert len(result["candidates"]) <= 2
    best = result["candidates"][0]
    assert {"id", "score", "alignment", "pairs"} <= set(best)
    assert all(len(p) == 2 for p in best["pairs"]) and best["pairs"]
    assert {s["kind"] for s in best["alignment"]} <= {
        "same",
        "substitution",
        "insertion",
        "deletion",
    }
    # human output names the source and shows the substitutions
    code, out, _ = _run(capsys, "trace", str(corpus / "spun.txt"), "--index", idx)
    assert code == 0 and out.startswith("1. war.txt") and "<-" in out
    # --min-score cuts everything when set to the maximum
    code, out, _ = _run(
        capsys, "trace", str(corpus / "spun.txt"), "--index", idx, "--json", "--min-score", "1.0"
    )
    assert json.loads(out)["candidates"] == []
    code, out, _ = _run(capsys, "index", "info", "--index", idx)
    assert json.loads(out)["documents"] == 8


def test_group_command(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = str(corpus / "idx")
    _run(
        capsys,
        "index",
        "build",
        str(corpus / "corpus.jsonl"),
        str(corpus / "pages"),
        "--index",
        idx,
    )
    files = []
    for source in ("war", "ai"):
        for seed in (0, 1):
            f = corpus / f"{source}-{seed}.txt"
            f.write_text(unspin.spin(DOCS[source], profile="papermill", rate=0.5, seed=seed).text)
            files.append(str(f))
    code, out, _ = _run(capsys, "trace", "--group", *files, "--index", idx, "--json")
    assert code == 0
    g = json.loads(out)
    groups = {d["source"]: sorted(Path(m).name for m in d["members"]) for d in g["groups"]}
    assert groups == {"war.txt": ["war-0.txt", "war-1.txt"], "ai": ["ai-0.txt", "ai-1.txt"]}
    code, out, _ = _run(capsys, "trace", "--group", *files)
    assert code == 0 and out.count("copies") == 2


def test_empty_corpus_builds_an_empty_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    idx = str(tmp_path / "idx")
    assert _run(capsys, "index", "build", str(tmp_path / "empty.jsonl"), "--index", idx)[0] == 0
    (tmp_path / "q.txt").write_text(DOCS["ai"])
    code, out, _ = _run(capsys, "trace", str(tmp_path / "q.txt"), "--index", idx, "--json")
    assert code == 0 and json.loads(out)["candidates"] == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["trace", "{q}", "--index", "{tmp}/missing"], "no trace index"),
        (["trace", "{q}", "--index", "{tmp}/bad"], "index.msgpack.gz"),
        (["trace", "{tmp}/nope.txt", "--index", "{tmp}/bad"], "index.msgpack.gz"),
        (["trace", "{q}"], "--index"),
        (["trace", "{q}", "--index", "{tmp}/bad", "--top", "0"], "--top"),
        (["index", "build", "{tmp}/nope.jsonl", "--index", "{tmp}/new"], "nope.jsonl"),
        (["index", "add", "{q}", "--index", "{tmp}/missing"], "no trace index"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "q.txt").write_text(DOCS["ai"])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.msgpack.gz").write_bytes(b"garbage")
    args = [a.format(q=tmp_path / "q.txt", tmp=tmp_path) for a in argv]
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_build_refuses_to_overwrite_unless_asked(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = str(corpus / "idx")
    jsonl = str(corpus / "corpus.jsonl")
    assert _run(capsys, "index", "build", jsonl, "--index", idx)[0] == 0
    code, _, err = _run(capsys, "index", "build", jsonl, "--index", idx)
    assert code == 2 and "exists already" in err
    code, _, err = _run(
        capsys, "index", "build", str(corpus / "pages"), "--index", idx, "--overwrite"
    )
    assert code == 0 and "3 in the index" in err


def test_build_from_a_warc_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("fastwarc")
    warcio = pytest.importorskip("warcio")
    from io import BytesIO

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as f:
        writer = warcio.warcwriter.WARCWriter(f, gzip=True)
        for id in ("war", "ai", "storm"):
            rec = writer.create_warc_record(
                f"https://example.org/{id}",
                "conversion",
                payload=BytesIO(DOCS[id].encode()),
                warc_content_type="text/plain",
            )
            writer.write_record(rec)
    idx = str(tmp_path / "idx")
    code, _, err = _run(capsys, "index", "build", str(path), "--index", idx)
    assert code == 0 and "added 3 documents" in err
    (tmp_path / "q.txt").write_text(unspin.spin(DOCS["ai"], profile="heldout", rate=0.6).text)
    code, out, _ = _run(capsys, "trace", str(tmp_path / "q.txt"), "--index", idx, "--json")
    best = json.loads(out)["candidates"][0]
    from unspin.trace import Index

    with Index(idx) as index:  # ids are the WARC record ids
        assert (index.text(best["id"]) or "").strip() == DOCS["ai"]


def test_trace_pairs_feed_learn_from_trace(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = str(corpus / "idx")
    _run(capsys, "index", "build", str(corpus / "corpus.jsonl"), "--index", idx)
    files = []
    for source in ("ai", "budget", "football"):
        f = corpus / f"{source}.copy.txt"
        f.write_text(unspin.spin(DOCS[source], profile="thesaurus", rate=0.6, seed=9).text)
        files.append(str(f))
    code, out, _ = _run(capsys, "trace", *files, "--index", idx, "--pairs", "--min-score", "0.3")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["ai", "budget", "football"]
    assert all(r["original"] == DOCS[r["id"]] and r["pairs"] for r in records)
    traced = corpus / "traced.jsonl"
    traced.write_text(out)
    profile = corpus / "farm.msgpack.gz"
    code, _, err = _run(capsys, "learn", str(traced), "--from-trace", "-o", str(profile))
    assert code == 0 and profile.exists(), err
    # every substitution the alignment revealed becomes a rule, and nothing else does
    from unspin.profile import Profile

    learned = Profile.load(profile)
    rules = {(r.spun, r.original) for rs in learned.rules.values() for r in rs}
    revealed = {(s, o) for r in records for s, o in r["pairs"]}
    assert rules == revealed and len(rules) >= 10
    assert f"{len(rules)} rules from 3 (spun, original) pairs" in err
    counts = {(r.spun, r.original): r.count for rs in learned.rules.values() for r in rs}
    for pair in revealed:
        assert counts[pair] == sum(list(map(tuple, r["pairs"])).count(pair) for r in records)
