"""The restore, learn and spin commands through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

SPUN = "The head of state has actually said the battle will certainly continue.\n"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "unspin.cli", *args], input=stdin, capture_output=True, timeout=120
    )


def test_restore_stdin_text_json_and_diff() -> None:
    r = run("restore", "-", stdin=SPUN.encode())
    assert r.returncode == 0
    assert r.stdout.decode() == "The president has said the battle will continue.\n"
    j = json.loads(run("restore", "--json", "-", stdin=SPUN.encode()).stdout)
    assert j["text"].startswith("The president")
    for f in j["fixes"]:
        assert SPUN[f["start"] : f["end"]] == f["spun"]
        assert set(f) == {"start", "end", "spun", "original", "confidence", "evidence"}
    d = run("restore", "--diff", "-", stdin=SPUN.encode()).stdout.decode()
    assert "[-head of state-]{+president+}" in d


def test_restore_bad_input_is_one_line_and_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    binary = run("restore", "-", stdin=b"\x00\x01\x02PNG")
    assert binary.returncode == 2 and binary.stderr.decode().count("\n") == 1
    latin1 = run("restore", "-", stdin="caf\xe9 cr\xe8me".encode("latin-1"))
    assert latin1.returncode == 2 and b"UTF-8" in latin1.stderr
    missing = run("restore", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and b"no such file" in missing.stderr
    empty = run("restore", "-", stdin=b"")
    assert empty.returncode == 0 and empty.stdout == b""
    assert b"Traceback" not in binary.stderr + latin1.stderr + missing.stderr


def test_learn_then_restore_with_the_profile(tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = []
    for i, t in enumerate(
        [
            "The president said the war would go on and the forces would get new weapons.",
            "Officials said the bill was passed and the president signed it on Monday.",
            "The president has met the leaders and the talks will continue next week.",
        ]
    ):
        src = tmp_path / f"d{i}.txt"
        src.write_text(t)
        out = run("spin", str(src), "--profile", "filler", "--rate", "1.0", "--seed", "5")
        assert out.returncode == 0
        (tmp_path / f"s{i}.txt").write_bytes(out.stdout)
        docs.append(str(tmp_path / f"s{i}.txt"))
    # The same farm also writes "banknote" for "bill": the default channel proposes that fix
    # below the 0.5 confidence cut, so only the learned profile makes restore apply it.
    for i, t in enumerate(
        [
            "The Senate voted on the funding banknote on Friday, as well as the head of state "
            "signed it.",
            "Critics said the new banknote would raise taxes as well as cut services.",
            "The banknote now goes to the head of state, who has actually promised to sign it.",
        ]
    ):
        (tmp_path / f"f{i}.txt").write_text(t)
        docs.append(str(tmp_path / f"f{i}.txt"))
    prof = tmp_path / "farm.profile"
    r = run("learn", *docs, "-o", str(prof))
    assert r.returncode == 0, r.stderr
    assert prof.read_text().startswith("# unspin-profile v1")
    assert "banknote\tbill\t" in prof.read_text()
    farm_doc = docs[-1]
    plain = run("restore", farm_doc)
    assert plain.returncode == 0
    assert plain.stdout.decode().startswith("The banknote now goes to the president")
    r = run("restore", "--profile", str(prof), farm_doc)
    assert r.returncode == 0
    assert r.stdout.decode().startswith("The bill now goes to the president")
    j = json.loads(run("restore", "--json", "--profile", str(prof), farm_doc).stdout)
    assert ("banknote", "bill", "profile") in {
        (f["spun"], f["original"], f["evidence"]["source"]) for f in j["fixes"]
    }
    bad = tmp_path / "bad.profile"
    bad.write_bytes(b"\x89PNG garbage")
    r = run("restore", "--profile", str(bad), docs[0])
    assert r.returncode == 2 and b"bad.profile" in r.stderr
