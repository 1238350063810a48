"""The batch runner: one output record per input record, errors included; resumable."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from unspin.errors import InputError
from unspin.scan import ScanConfig, iter_results, process_record, scan

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("fastwarc")
pytest.importorskip("resiliparse")

from test_io import html_response, wet_conversion, write_warc  # noqa: E402

TASK = "detect"
# The real command line, without relying on an installed console script.
UNSPIN = [sys.executable, "-c", "import sys; from unspin.cli import main; sys.exit(main())"]
SPUN = "The head of state signed the invoice as well as the law on {i}, officials said."
HONEST = "The president signed the bill and the law on day {i}, officials said."


def docs(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"id": f"d{i}", "text": (SPUN if i % 2 else HONEST).format(i=i)}
        for i in range(start, start + n)
    ]


def write_jsonl(path: Path, rows: list[dict[str, str]], gz: bool = False) -> Path:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def mixed_inputs(root: Path) -> list[Path]:
    """Inputs of every format, each with some bad records."""
    root.mkdir()
    good = write_jsonl(root / "a.jsonl", docs(40))
    with open(good, "ab") as f:
        f.write(b"{broken json\n" + b'{"id": "latin", "text": "caf\xe9"}\n')
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in docs(3000, 100)).encode())
    trunc = root / "b.jsonl.gz"
    trunc.write_bytes(data[: len(data) // 2])
    wrong = root / "c.parquet"
    pq.write_table(pa.table({"id": ["x"], "body": ["no text column"]}), wrong)
    good_pq = root / "d.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["Fine text.", "More text."]}), good_pq)
    warc = root / "e.warc.gz"
    broken = html_response(2).replace(b"WARC/1.0\r\n", b"WARC/junk\r\n", 1)
    write_warc(warc, [html_response(1), broken, wet_conversion(3)], gz=True)
    folder = root / "site"
    folder.mkdir()
    (folder / "ok.txt").write_text("A plain text page.")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    return [good, trunc, wrong, good_pq, warc, folder]


def rows_by_id(out: Path) -> Counter[str]:
    return Counter(r["id"] for r in iter_results(out))


def test_every_input_record_gives_exactly_one_output_record(tmp_path: Path) -> None:
    from unspin.io import iter_records

    paths = mixed_inputs(tmp_path / "in")
    expected = [r for p in paths for r in iter_records(p)]
    summary = scan(paths, tmp_path / "out", tasks=[TASK], workers=2, chunk_size=64)
    rows = list(iter_results(tmp_path / "out"))
    assert [r["id"] for r in rows] == [r.id for r in expected]
    assert summary.records == len(expected)
    kinds = Counter(r.get("error_kind") for r in rows if r.get("error_kind"))
    assert kinds == Counter(
        {"json": 1, "encoding": 1, "truncated": 1, "schema": 1, "warc": 1, "binary": 1}
    )
    # c.parquet has no text column: unusable input as a whole, so exit 2 (each row recorded)
    assert summary.error_kinds == kinds and summary.exit_code == 2
    bad = next(r for r in rows if r.get("error_kind") == "schema")
    assert bad["location"]["file"].endswith("c.parquet") and "text" in bad["error"]
    trunc = next(r for r in rows if r.get("error_kind") == "truncated")
    assert trunc["location"]["line"] > 1
    ok = [r for r in rows if not r.get("error")]
    assert all(r["label"] in ("spun", "clean", "uncertain") for r in ok)
    assert all(0.0 <= r["score"] <= 1.0 for r in ok)
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["records"] == len(rows)


def test_spun_documents_score_higher_than_honest_ones(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", docs(40))
    summary = scan([src], tmp_path / "out", tasks=["detect", "restore"], chunk_size=16)
    rows = {r["id"]: r for r in iter_results(tmp_path / "out")}
    spun = [rows[f"d{i}"]["score"] for i in range(1, 40, 2)]
    honest = [rows[f"d{i}"]["score"] for i in range(0, 40, 2)]
    assert sum(spun) / len(spun) > sum(honest) / len(honest)
    assert "president" in rows["d1"]["restored"] and rows["d1"]["fixes"]
    assert summary.exit_code == 0 and summary.errors == 0


def test_parquet_output_matches_jsonl_output(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", docs(30))
    scan([src], tmp_path / "j", tasks=[TASK], chunk_size=7)
    scan([src], tmp_path / "p", tasks=[TASK], chunk_size=7, output_format="parquet", workers=2)
    j = list(iter_results(tmp_path / "j"))
    p = list(iter_results(tmp_path / "p"))
    assert [r["id"] for r in j] == [r["id"] for r in p]
    assert [r["label"] for r in j] == [r["label"] for r in p]
    assert p[3]["line"] == 4 and p[3]["file"] == str(src)


def test_one_and_two_workers_write_the_same_results(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", docs(120))
    scan([src], tmp_path / "one", tasks=[TASK], workers=1, chunk_size=25)
    scan([src], tmp_path / "two", tasks=[TASK], workers=2, chunk_size=25)
    assert list(iter_results(tmp_path / "one")) == list(iter_results(tmp_path / "two"))


def test_rerun_skips_finished_shards_and_redoes_the_rest(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", docs(100))
    out = tmp_path / "out"
    first = scan([src], out, tasks=[TASK], chunk_size=10)
    assert first.shards == 10 and first.shards_resumed == 0
    # Lose shards as a crash would: one before its marker, one before its part.
    (out / "done" / "0000-in.jsonl-000003.json").unlink()
    (out / "parts" / "0000-in.jsonl-000007.jsonl").unlink()
    (out / "done" / "0000-in.jsonl-000007.json").unlink()
    (out / "parts" / "0000-in.jsonl-000009.jsonl").unlink()  # a marker without its part
    (out / "parts" / "0000-in.jsonl-000005.jsonl.123.tmp").write_text("half a part")
    second = scan([src], out, tasks=[TASK], chunk_size=10)
    assert second.shards_resumed == 7 and second.records_this_run == 30
    assert second.records == 100
    assert rows_by_id(out) == Counter({f"d{i}": 1 for i in range(100)})
    assert not list((out / "parts").glob("*.tmp"))


def test_rerun_with_other_settings_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", docs(5))
    scan([src], tmp_path / "out", tasks=[TASK])
    with pytest.raises(InputError, match="other"):
        scan([src], tmp_path / "out", tasks=[TASK], chunk_size=2)
    with pytest.raises(InputError, match="unknown task"):
        ScanConfig(tasks=("detect", "bogus"))
    with pytest.raises(InputError, match="index"):
        ScanConfig(tasks=("trace",))


def test_process_record_passes_read_errors_through() -> None:
    from unspin.io import Location, Record

    bad = Record.failed("x", Location("f.jsonl", line=3), "json", "not JSON")
    out = process_record(bad, ScanConfig(tasks=(TASK,)))
    assert out == {
        "id": "x",
        "location": {"file": "f.jsonl", "line": 3},
        "error": "not JSON",
        "error_kind": "json",
    }


# --- the command ---------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*UNSPIN, "scan", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_cli_exit_codes_and_summary(tmp_path: Path) -> None:
    clean = write_jsonl(tmp_path / "clean.jsonl", docs(10))
    r = _cli(str(clean), "--out", str(tmp_path / "o1"), "--tasks", TASK, "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "records: 10 (10 ok, 0 errors)" in r.stdout and "spun share" in r.stdout
    dirty = tmp_path / "dirty.jsonl"
    dirty.write_bytes(b'{"id": "a", "text": "Fine."}\nnot json\n')
    r = _cli(str(dirty), "--out", str(tmp_path / "o2"), "--json")
    assert r.returncode == 4
    assert json.loads(r.stdout)["errors_by_kind"] == {"json": 1}
    r = _cli(str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o3"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("unspin scan: error:")


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    n = 4000
    src = write_jsonl(tmp_path / "in.jsonl", docs(n))
    out = tmp_path / "out"
    cmd = [*UNSPIN, "scan", str(src), "--out", str(out)]
    cmd += ["--tasks", TASK, "--workers", "2", "--chunk-size", "20", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "done").glob("*.json"))) >= 4:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the scan finished before it could be killed; give it more work"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    done_before = len(list((out / "done").glob("*.json")))
    assert 0 < done_before < n // 20
    time.sleep(0.5)  # the forked workers die with their parent (PR_SET_PDEATHSIG)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["shards_resumed"] >= done_before
    assert summary["records"] == n
    counts = rows_by_id(out)
    assert counts == Counter({f"d{i}": 1 for i in range(n)})


def test_trace_task_finds_the_source_in_an_index(tmp_path: Path) -> None:
    from unspin.trace import Index

    originals = {
        f"src{i}": (
            f"Report {i}: the president signed the bill and the law on day {i}, officials said. "
            f"The council met in town number {i} to discuss the budget and the new school."
        )
        for i in range(20)
    }
    with Index(tmp_path / "idx", create=True) as idx:
        for sid, text in originals.items():
            idx.add(sid, text)
    spun = originals["src7"].replace("president", "head of state").replace(" and ", " as well as ")
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "q", "text": spun}])
    config = ScanConfig(tasks=("trace",), index=str(tmp_path / "idx"), top=3)
    scan([src], tmp_path / "out", config=config, workers=1)
    (row,) = iter_results(tmp_path / "out")
    assert row["trace"] and row["trace"][0]["id"] == "src7"
