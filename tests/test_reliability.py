"""Issue 14: what a new user meets on bad input and under load. Every case runs the real
``unspin`` command (in this process through ``unspin.cli.main``, or as a child process where the
process boundary matters) and asserts one clear line on stderr and the documented exit code."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import unspin
from unspin.cli import main

SOURCE = (
    "The president has signed the bill after a long debate in the senate. Officials said the "
    "new law will help small businesses and families across the country. The government also "
    "plans to spend more money on schools and hospitals next year, and the minister has "
    "promised a report on the results before the end of the summer."
)


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``unspin ARGS`` in this process: (exit code, stdout, stderr). An exception that
    escapes main() is a traceback the user would have seen, and fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse: bad arguments
            code = e.code if isinstance(e.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def one_error_line(err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err, err
    assert lines and "error" in lines[-1], err
    for n in needles:
        assert n in lines[-1], err


# ----------------------------------------------------------------- 1. errors, not tracebacks


def test_learn_output_in_a_missing_folder(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(SOURCE)
    code, _, err = cli("learn", str(doc), "-o", str(tmp_path / "nonexistent" / "dir" / "p"))
    assert code == 2
    one_error_line(err, "does not exist")


def test_learn_output_is_a_directory(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(SOURCE)
    code, _, err = cli("learn", str(doc), "-o", str(tmp_path))
    assert code == 2
    one_error_line(err, "is a directory")


def test_learn_jsonl_text_that_is_not_a_string(tmp_path: Path) -> None:
    f = tmp_path / "docs.jsonl"
    f.write_text('{"text": 5}\n')
    code, _, err = cli("learn", str(f), "-o", str(tmp_path / "p.profile"))
    assert code == 2
    one_error_line(err, "docs.jsonl:1", "'text'")


def test_learn_from_trace_original_that_is_not_a_string(tmp_path: Path) -> None:
    f = tmp_path / "pairs.jsonl"
    f.write_text(json.dumps({"spun": SOURCE, "original": 5}) + "\n")
    code, _, err = cli("learn", "--from-trace", str(f), "-o", str(tmp_path / "p.profile"))
    assert code == 2
    one_error_line(err, "pairs.jsonl:1", "'original'")


def test_serve_on_an_impossible_host() -> None:
    pytest.importorskip("uvicorn")
    code, _, err = cli("serve", "--host", "999.1.1.1", "--port", "0")
    assert code == 2
    one_error_line(err, "999.1.1.1")


def test_serve_on_a_busy_port_says_so_before_announcing_a_url() -> None:
    pytest.importorskip("uvicorn")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code, _, err = cli("serve", "--port", str(port))
    assert code == 2
    one_error_line(err, f"127.0.0.1:{port}")
    assert "http://" not in err


# ----------------------------------------------------------------- 2. options out of range


@pytest.mark.parametrize(
    "args",
    [
        ("detect", "--threshold", "5"),
        ("detect", "--threshold", "-1"),
        ("detect", "--threshold", "nan"),
        ("restore", "--min-confidence", "2"),
        ("scan", "--out", "OUT", "--threshold", "5"),
        ("scan", "--out", "OUT", "--min-confidence", "2"),
        ("trace", "--index", "IDX", "--min-score", "1.5"),
    ],
)
def test_out_of_range_options_are_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(SOURCE)
    argv = [a.replace("OUT", str(tmp_path / "out")).replace("IDX", str(tmp_path)) for a in args]
    code, out, err = cli(*argv, str(doc))
    assert code == 2, (out, err)
    one_error_line(err, "between 0 and 1")
    assert not (tmp_path / "out").exists()


def test_scan_config_refuses_out_of_range_values() -> None:
    from unspin.errors import InputError
    from unspin.scan import ScanConfig

    for kw in ({"threshold": 5.0}, {"threshold": -1.0}, {"min_confidence": 2.0}, {"top": 0}):
        with pytest.raises(InputError):
            ScanConfig(**kw)  # type: ignore[arg-type]


def test_detect_profile_named_like_a_spinner_family(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "a.txt"
    doc.write_text(SOURCE)
    code, _, err = cli("detect", "--profile", "filler", str(doc))
    assert code == 2
    one_error_line(err, "'filler' is a spinner family", "unspin learn")


def test_fingerprint_file_with_only_a_header(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(SOURCE)
    tsv = tmp_path / "fp.tsv"
    tsv.write_text("spun\texpected\n")
    code, _, err = cli("detect", "--fingerprints", str(tsv), str(doc))
    assert code == 2
    one_error_line(err, "no fingerprints")
    csv_header = tmp_path / "fp.csv"
    csv_header.write_text("spun,expected\n")  # comma-separated: the header is line 1
    code, _, err = cli("detect", "--fingerprints", str(csv_header), str(doc))
    assert code == 2
    one_error_line(err, "fp.csv:1:")


def test_fingerprint_errors_name_the_files_own_line(tmp_path: Path) -> None:
    from unspin.errors import DataFileError
    from unspin.fingerprints import parse_fingerprint_file

    f = tmp_path / "fp.tsv"
    f.write_text("# my list\n\ncounterfeit consciousness\tartificial intelligence\nbroken\n")
    with pytest.raises(DataFileError, match=r"fp\.tsv:4:"):
        parse_fingerprint_file(f)


HTML = textwrap.dedent(
    """\
    <!DOCTYPE html>
    <html><head><title>The president has signed the bill</title>
    <style>body { color: red } /* the way */</style>
    <script>var help = "the president has signed the bill";</script></head>
    <body class="main">
    <p>The president has signed the bill &amp; the new law will help families.</p>
    <a href="https://example.com/the-president">the president</a>
    </body></html>
    """
)


def _markup(text: str) -> list[str]:
    import re

    return re.findall(r"<script.*?</script>|<style.*?</style>|<[^<>]*>|&\w+;", text, re.S)


def test_spin_leaves_html_markup_alone(tmp_path: Path) -> None:
    r = unspin.spin(HTML, profile="filler", rate=1.0, seed=0)
    assert r.substitutions, "the visible text is still spun"
    assert _markup(r.text) == _markup(HTML)
    f = tmp_path / "page.html"
    f.write_text(HTML)
    code, out, err = cli("spin", str(f), "--rate", "1", "--profile", "thesaurus")
    assert code == 0, err
    assert _markup(out) == _markup(HTML)


# ----------------------------------------------------------------- 3. learn that learns nothing


@pytest.mark.parametrize(
    "content",
    [
        "",
        "Der Präsident hat das Gesetz unterzeichnet, und die Regierung will mehr Geld ausgeben.\n",
        "zx qv 9u1 ## ~~ ppp qqq rrr 1234 ::\n",
        SOURCE + "\n",  # one honest English document: nothing recurs
    ],
    ids=["empty", "german", "junk", "one-honest-doc"],
)
def test_learn_that_learns_nothing_says_so(tmp_path: Path, content: str) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(content)
    out = tmp_path / "p.profile"
    code, _, err = cli("learn", str(doc), "-o", str(out))
    assert code == 1, err
    assert "nothing learned" in err and "Traceback" not in err
    assert not out.exists()


def test_learn_from_trace_without_pairs_says_so(tmp_path: Path) -> None:
    f = tmp_path / "pairs.jsonl"
    f.write_text("")
    out = tmp_path / "p.profile"
    code, _, err = cli("learn", "--from-trace", str(f), "-o", str(out))
    assert code == 1
    assert "nothing learned" in err
    assert not out.exists()


def test_learn_that_learns_writes_the_profile(tmp_path: Path) -> None:
    f = tmp_path / "pairs.jsonl"
    spun = unspin.spin(SOURCE, profile="filler", rate=1.0, seed=3).text
    f.write_text(json.dumps({"spun": spun, "original": SOURCE}) + "\n")
    out = tmp_path / "p.profile"
    code, _, err = cli("learn", "--from-trace", str(f), "-o", str(out))
    assert code == 0, err
    assert out.exists() and "rules from 1 (spun, original) pairs" in err


# ----------------------------------------------------------------- 4. trafilatura


def test_scan_with_the_trafilatura_extractor(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(
        "<html><body><article><h1>News</h1>"
        + "".join(f"<p>{s}.</p>" for s in SOURCE.split(". "))
        + "</article></body></html>"
    )
    code, out, err = cli(
        "scan",
        str(site),
        "--out",
        str(tmp_path / "out"),
        "--extractor",
        "trafilatura",
        "--workers",
        "1",
        "--no-progress",
        "--json",
    )
    assert code == 0, (out, err)
    summary = json.loads(out)
    assert summary["errors_by_kind"] == {}, summary
    rec = json.loads(next((tmp_path / "out" / "parts").glob("*.jsonl")).read_text())
    assert "error" not in rec and rec["label"] in ("clean", "uncertain")
    assert "president" in rec.get("text", SOURCE)


def test_missing_trafilatura_dependency_is_named(tmp_path: Path) -> None:
    """A fresh install with lxml 6 and no lxml_html_clean: the message names the real import."""
    pytest.importorskip("trafilatura")
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(f"<html><body><p>{SOURCE}</p></body></html>")
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["lxml_html_clean"] = None  # as if the package were not installed
        sys.modules["lxml.html.clean"] = None
        from unspin.cli import main
        sys.exit(main(["scan", {str(site)!r}, "--out", {str(tmp_path / "out")!r},
                       "--extractor", "trafilatura", "--workers", "1", "--no-progress"]))
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    one_error_line(p.stderr, "lxml_html_clean")


# ----------------------------------------------------------------- 5. parquet, stdin


def _parquet_without_text(path: Path, rows: int) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"id": list(range(rows)), "body": ["x"] * rows}), path)


def test_parquet_without_the_text_column_is_unusable_input(tmp_path: Path) -> None:
    f = tmp_path / "data.parquet"
    _parquet_without_text(f, 5)
    out = tmp_path / "out"
    code, stdout, err = cli("scan", str(f), "--out", str(out), "--no-progress", "--json")
    assert code == 2, (stdout, err)
    one_error_line(err, "5 records", "--text-field")
    summary = json.loads(stdout)
    assert summary["records"] == 5 and summary["errors_by_kind"] == {"schema": 5}
    rows = [json.loads(ln) for p in (out / "parts").glob("*.jsonl") for ln in p.open()]
    assert sorted(r["location"]["row"] for r in rows) == [0, 1, 2, 3, 4]


def test_parquet_without_the_text_column_fails_row_by_row() -> None:
    import tempfile

    from unspin.io import iter_records

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "data.parquet"
        _parquet_without_text(f, 5)
        recs = list(iter_records(f))
    assert len(recs) == 5
    assert all(r.error_kind == "schema" for r in recs)
    assert [r.location.row for r in recs] == [0, 1, 2, 3, 4]


def test_scan_stdin_is_refused_with_the_reason(tmp_path: Path) -> None:
    code, _, err = cli("scan", "-", "--out", str(tmp_path / "out"))
    assert code == 2
    one_error_line(err, "standard input")
    code, out, _ = cli("scan", "--help")
    assert "not '-'" in " ".join(out.split())


# ----------------------------------------------------------------- 6. trace --top


def test_trace_top_labels_the_substitutions(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    others = [
        "A storm hit the coast on Monday and closed several roads near the harbour town.",
        "The football club announced a new coach after a difficult season in the league.",
        "Scientists found a new species of frog in the forest after years of searching.",
    ]
    corpus.write_text(
        "\n".join(
            json.dumps({"id": f"doc-{i}", "text": t})
            for i, t in enumerate([SOURCE, *others, SOURCE.replace("president", "king")])
        )
        + "\n"
    )
    idx = tmp_path / "idx"
    assert cli("index", "build", str(corpus), "--index", str(idx), "--quiet")[0] == 0
    spun = tmp_path / "spun.txt"
    spun.write_text(unspin.spin(SOURCE, profile="filler", rate=1.0, seed=1).text)
    code, out, err = cli("trace", str(spun), "--index", str(idx), "--top", "3")
    assert code == 0, err
    lines = out.splitlines()
    first_sub = next(i for i, ln in enumerate(lines) if ln.startswith("   '"))
    assert lines[first_sub - 1].startswith("substitutions in candidate 1 (doc-0)"), out


# ----------------------------------------------------------------- 7. serve under load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_overload_answers_503_with_retry_after() -> None:
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("uvicorn")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from unspin.cli import main; sys.exit(main())",
            "serve",
            "--port",
            str(port),
            "--concurrency",
            "1",
            "--queue",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "UNSPIN_API_KEY": ""},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.2)
        long_text = " ".join([unspin.spin(SOURCE, rate=0.5, seed=s).text for s in range(12)])
        answers: list[httpx.Response] = []

        def post() -> None:
            answers.append(httpx.post(url + "/v1/restore", json={"text": long_text}, timeout=120))

        threads = [threading.Thread(target=post) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in answers)
        assert 200 in statuses and 503 in statuses, statuses
        for r in answers:
            if r.status_code == 503:
                assert r.json()["error"]["code"] == "busy"
                assert int(r.headers["Retry-After"]) >= 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_refuses_negative_queue_and_concurrency() -> None:
    pytest.importorskip("uvicorn")
    for opt in ("--queue", "--concurrency"):
        code, _, err = cli("serve", "--port", "0", opt, "-1")
        assert code == 2
        one_error_line(err, opt)


def test_restore_on_a_file_ending_inside_a_character(tmp_path: Path) -> None:
    """Found by tests/test_cli_fuzz.py: the streaming reader's final decode raised."""
    f = tmp_path / "cut.txt"
    f.write_bytes(SOURCE.encode() + b" caf\xc3")
    code, _, err = cli("restore", str(f))
    assert code == 2
    one_error_line(err, "not valid UTF-8")
