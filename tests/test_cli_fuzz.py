"""Fuzz every ``unspin`` command's arguments and input files: whatever a user types or feeds
it, the command ends with an exit code it documents and never with a traceback.

CI runs a few examples per command (seconds); run longer locally to hunt for new bugs:

    UNSPIN_FUZZ_EXAMPLES=2000 pytest tests/test_cli_fuzz.py -q
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspin.cli import main

EXAMPLES = int(os.environ.get("UNSPIN_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 12,  # CI: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: The exit codes each command documents (README and --help).
EXIT_CODES = {
    "detect": {0, 1, 2, 3},
    "restore": {0, 2},
    "spin": {0, 2},
    "learn": {0, 1, 2},
    "trace": {0, 2},
    "index": {0, 2},
    "scan": {0, 2, 4},
    "serve": {2},  # always on a busy port below: it must refuse, never start
}

WORDS = ["the", "president", "has", "signed", "bill", "as well as", "head of state", "invoice"]
PROSE = st.lists(st.sampled_from(WORDS), min_size=0, max_size=60).map(" ".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(["text", "id", "spun", "original", "x"]), kids, max_size=4
        )
    ),
    max_leaves=8,
)


@st.composite
def input_file(draw: Any) -> tuple[str, bytes]:
    """(file name, content): random bytes, text, JSON, JSON Lines, HTML, under odd names."""
    kind = draw(st.sampled_from(["bytes", "text", "prose", "json", "jsonl", "html", "empty"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=300))
    elif kind == "text":
        data = draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    elif kind == "prose":
        data = draw(PROSE).encode()
    elif kind == "json":
        data = json.dumps(draw(JSON)).encode()
    elif kind == "jsonl":
        recs = draw(st.lists(JSON | st.fixed_dictionaries({"text": PROSE}), max_size=4))
        data = "\n".join(json.dumps(r) for r in recs).encode()
    elif kind == "html":
        data = f"<html><body><p>{draw(PROSE)}</p></body></html>".encode()
    else:
        data = b""
    ext = draw(st.sampled_from([".txt", ".jsonl", ".json", ".html", ".parquet", ".warc", ""]))
    return f"in{ext}", data


NUMBER = st.sampled_from(
    ["0", "1", "-1", "0.5", "2", "1e309", "nan", "inf", "-0", "abc", "", "99999999999999999999"]
)


def option(name: str, values: st.SearchStrategy[str] = NUMBER) -> st.SearchStrategy[list[str]]:
    return values.map(lambda v: [name, v])


def flag(name: str) -> st.SearchStrategy[list[str]]:
    return st.just([name])


PATHISH = st.sampled_from(["IN", "DIR", "MISSING", "filler", "", "IN/x"])

OPTIONS: dict[str, list[st.SearchStrategy[list[str]]]] = {
    "detect": [
        flag("--json"),
        flag("--collocations"),
        option("--threshold"),
        option("--profile", PATHISH),
        option("--fingerprints", PATHISH),
    ],
    "restore": [
        flag("--json"),
        flag("--diff"),
        option("--min-confidence"),
        option("--profile", PATHISH),
    ],
    "spin": [
        flag("--json"),
        option("--rate"),
        option("--seed"),
        option("--profile", st.sampled_from(["filler", "thesaurus", "nope", ""])),
    ],
    "learn": [
        flag("--from-trace"),
        option("--name", st.text(max_size=8)),
        option("-o", st.sampled_from(["OUT/p.profile", "DIR", "MISSING/p", "IN"])),
    ],
    "trace": [
        option("--index", st.sampled_from(["DIR", "MISSING", "IN"])),
        option("--top"),
        option("--min-score"),
        flag("--json"),
        flag("--pairs"),
        flag("--group"),
    ],
    "scan": [
        option("--out", st.sampled_from(["OUT/s", "IN", "DIR"])),
        option("--tasks", st.sampled_from(["check", "detect,restore", "trace", "x", ",", ""])),
        option("--threshold"),
        option("--min-confidence"),
        option("--top"),
        option("--chunk-size"),
        option("--text-field", st.sampled_from(["text", "body", ""])),
        option("--format", st.sampled_from(["jsonl", "parquet", "csv"])),
        option("--extractor", st.sampled_from(["resiliparse", "trafilatura", "x"])),
        option("--index", st.sampled_from(["DIR", "MISSING"])),
        flag("--json"),
    ],
    "serve": [
        option("--host", st.sampled_from(["127.0.0.1", "999.1.1.1", "", "::1", "localhost"])),
        option("--concurrency"),
        option("--queue"),
        option("--max-bytes"),
        option("--max-batch"),
        option("--timeout"),
        option("--workers"),
        option("--index", st.sampled_from(["DIR", "MISSING"])),
        option("--profile", PATHISH),
    ],
}


@contextlib.contextmanager
def sandbox(files: list[tuple[str, bytes]]) -> Iterator[dict[str, str]]:
    """A folder holding the drawn input files; placeholders -> real paths."""
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        paths = []
        for k, (name, data) in enumerate(files):
            p = root / f"{k}-{name}"
            p.write_bytes(data)
            paths.append(str(p))
        (root / "dir").mkdir()
        (root / "out").mkdir()
        yield {
            "IN": paths[0] if paths else str(root / "missing"),
            "DIR": str(root / "dir"),
            "MISSING": str(root / "missing" / "x"),
            "OUT": str(root / "out"),
            "_files": "\0".join(paths),
        }


def _fill(arg: str, where: dict[str, str]) -> str:
    for key in ("OUT", "IN", "DIR", "MISSING"):
        if arg == key or arg.startswith(key + "/"):
            return where[key] + arg[len(key) :]
    return arg


def run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
    return code, err.getvalue()


def check(command: str, argv: list[str]) -> None:
    code, err = run_cli(argv)  # an exception escaping main() fails the test: a traceback
    assert "Traceback" not in err, (argv, err)
    assert code in EXIT_CODES[command], (argv, code, err)
    if code == 2:
        assert err.strip(), (argv, "exit 2 without a message")


@st.composite
def command_line(draw: Any, command: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    files = draw(st.lists(input_file(), min_size=1, max_size=3))
    chosen = draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=4, unique_by=id))
    opts = [a for strat in chosen for a in draw(strat)]
    return files, opts


def _busy_port() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


@pytest.mark.parametrize("command", [c for c in EXIT_CODES if c not in ("index", "serve")])
def test_fuzz_command(command: str) -> None:
    @FUZZ
    @given(case=command_line(command))
    def inner(case: tuple[list[tuple[str, bytes]], list[str]]) -> None:
        files, opts = case
        with sandbox(files) as where:
            inputs = where["_files"].split("\0")
            if command == "learn" and "-o" not in opts:
                opts = [*opts, "-o", where["OUT"] + "/p.profile"]
            if command == "scan":
                if "--out" not in opts:
                    opts = [*opts, "--out", where["OUT"] + "/s"]
                opts = [*opts, "--workers", "1", "--no-progress"]
            if command == "trace" and "--index" not in opts and "--group" not in opts:
                opts = [*opts, "--index", where["DIR"]]
            argv = [command, *inputs, *[_fill(a, where) for a in opts]]
            check(command, argv)

    inner()


def test_fuzz_index() -> None:
    @FUZZ
    @given(
        files=st.lists(input_file(), min_size=1, max_size=3),
        action=st.sampled_from(["build", "add", "info", "compact"]),
        buffer=NUMBER,
        overwrite=st.booleans(),
    )
    def inner(files: list[tuple[str, bytes]], action: str, buffer: str, overwrite: bool) -> None:
        with sandbox(files) as where:
            argv = ["index", action]
            if action in ("build", "add"):
                argv += where["_files"].split("\0") + ["--buffer", buffer, "--quiet"]
            argv += ["--index", where["OUT"] + "/idx"]
            if action == "build" and overwrite:
                argv.append("--overwrite")
            check("index", argv)
            # and again on what the first run left (an index, or nothing)
            check("index", argv)

    inner()


def test_fuzz_serve_options() -> None:
    pytest.importorskip("uvicorn")
    busy = _busy_port()
    port = str(busy.getsockname()[1])
    try:

        @FUZZ
        @given(case=command_line("serve"))
        def inner(case: tuple[list[tuple[str, bytes]], list[str]]) -> None:
            files, opts = case
            with sandbox(files) as where:
                argv = ["serve", *[_fill(a, where) for a in opts], "--port", port]
                if "--host" in argv:  # a free port elsewhere must not start a server
                    i = argv.index("--host")
                    argv[i + 1] = "127.0.0.1"
                check("serve", argv)

        inner()
    finally:
        busy.close()
