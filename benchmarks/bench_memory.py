#!/usr/bin/env python3
"""Memory benchmark: peak resident memory and wall time of every command on a large input.

Generates a text of ``--mb`` megabytes (honest documents of the bench corpus, every third one
spun with the filler profile, repeated with different keys until the size is reached; a
built-in paragraph when the corpus is not installed), the same documents as JSONL, and runs
each command once in its own process: restore, detect, spin, learn (on the text file), scan
and index build (on the JSONL). Peak memory is the child's maximum resident set size
(``getrusage(RUSAGE_CHILDREN)`` read in a wrapper process that runs only that command).

    python benchmarks/bench_memory.py [--mb 100] [--commands restore,detect,...]
        [--model trigram] [--jobs 2]

Each size has its own section in docs/benchmarks.md (``memory-5mb``, ``memory-20mb``,
``memory-100mb``), so a run at one size never replaces another's figures; the ``memory``
section lists the sizes that have been run, read from those sections. On 2 cores a 5 MB run
takes about 10 minutes; 100 MB takes hours (restore and detect read about 40 kB/s each).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402

COMMANDS = ("restore", "detect", "spin", "learn", "scan", "index")
LONGEST_FIRST = ("scan", "restore", "detect", "learn", "spin", "index")  # at 5 MB
TARGET_MB = 500

# Runs argv[1:] as a child and prints its peak RSS (kB) and exit status as JSON.
_WRAPPER = """
import json, resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE).returncode
print(json.dumps({"rc": rc, "kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

FALLBACK = (
    "The council met on Tuesday to discuss the new budget for the coming year. Members "
    "agreed that the money for roads and schools should rise, while spending on offices "
    "would be cut. The mayor said the plan was fair and that residents would see the "
    "results within a few months."
)


def _documents(n: int) -> list[str]:
    try:
        from benchmarks.corpus import documents

        docs = [d.text for kind in ("news", "prose") for d in documents(kind, n // 2)]
    except Exception:  # the corpus is optional here: any English text will do
        docs = []
    return docs or [FALLBACK * 4]


def make_inputs(mb: float, folder: Path) -> tuple[Path, Path]:
    from unspin.spinner import spin

    target = int(mb * 2**20)
    docs = _documents(200)
    text_path, jsonl_path = folder / "big.txt", folder / "big.jsonl"
    size, i = 0, 0
    with text_path.open("w", encoding="utf-8") as t, jsonl_path.open("w", encoding="utf-8") as j:
        while size < target:
            doc = docs[i % len(docs)]
            if i % 3 == 0:
                doc = spin(doc, profile="filler", rate=0.3, seed=i // len(docs)).text
            t.write(doc.strip() + "\n\n")
            j.write(json.dumps({"id": f"d{i}", "text": doc}, ensure_ascii=False) + "\n")
            size += len(doc.encode()) + 2
            i += 1
    return text_path, jsonl_path


def run(name: str, argv: list[str], out: Path, timeout: float) -> dict[str, object]:
    t0 = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WRAPPER, str(out), *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"command": name, "rc": "timeout", "mb": float("nan"), "s": timeout}
    return {
        "command": name,
        "rc": res["rc"],
        "mb": res["kb"] / 1024,
        "s": time.monotonic() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=100.0, help="input size in MB (default 100)")
    ap.add_argument(
        "--commands",
        default=",".join(COMMANDS),
        help=f"comma-separated subset of {','.join(COMMANDS)}",
    )
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per command")
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="commands run at once, each in its own process (peak memory is per command; wall "
        "times then include the other commands' load). 2 halves a 100 MB run on 2 cores",
    )
    ap.add_argument(
        "--model",
        default="trigram",
        help="context model for restore, detect and scan (default trigram: the crawl path; "
        "the neural models read about 10 words/s, days for 100 MB)",
    )
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument(
        "--sizes-only",
        action="store_true",
        help="only rewrite the list of sizes run in docs/benchmarks.md",
    )
    args = ap.parse_args()
    if args.sizes_only:
        write_sizes()
        return
    if args.mb <= 0:
        ap.error("--mb must be positive")
    chosen = [c for c in args.commands.split(",") if c]
    unknown = set(chosen) - set(COMMANDS)
    if unknown:
        ap.error(f"unknown commands: {', '.join(sorted(unknown))}")

    unspin = [sys.executable, "-m", "unspin"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="unspin-bench-memory-") as tmp:
        folder = Path(tmp)
        text, jsonl = make_inputs(args.mb, folder)
        real_mb = text.stat().st_size / 2**20
        print(
            f"input: {real_mb:.1f} MB of text, {jsonl.stat().st_size / 2**20:.1f} MB of JSONL",
            file=sys.stderr,
        )
        model = ["--model", args.model]
        argvs = {
            "restore": unspin + ["restore", str(text), *model],
            "detect": unspin + ["detect", str(text), *model],
            "spin": unspin + ["spin", str(text)],
            "learn": unspin + ["learn", str(text), "-o", str(folder / "p.json")],
            "scan": unspin
            + ["scan", str(jsonl), "-o", str(folder / "scan"), "--workers", "1", "--no-progress"]
            + model,
            "index": unspin
            + ["index", "build", str(jsonl), "--index", str(folder / "index"), "--quiet"],
        }
        # the longest first, so that parallel slots finish together
        order = sorted(chosen, key=LONGEST_FIRST.index)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {
                name: pool.submit(run, name, argvs[name], folder / f"{name}.out", args.timeout)
                for name in order
            }
            for name in chosen:
                r = futures[name].result()
                print(r, file=sys.stderr, flush=True)
                rows.append(r)
    body = (
        f"Input: {real_mb:.1f} MB of English text (every third document spun), and the same "
        f"documents as JSONL for scan and index; restore, detect and scan use the {args.model} "
        "model. "
        + (
            f"{args.jobs} commands ran at once (each in its own process): wall times include "
            "the others' load. "
            if args.jobs > 1
            else ""
        )
        + "Peak memory is the command's maximum resident "
        f"set size; the target is under {TARGET_MB} MB whatever the input size.\n\n"
        + table(
            ["command", "exit", "peak MB", "wall s", f"under {TARGET_MB} MB"],
            [
                [
                    r["command"],
                    r["rc"],
                    f"{r['mb']:.0f}",
                    f"{r['s']:.0f}",
                    "yes" if isinstance(r["mb"], float) and r["mb"] < TARGET_MB else "no",
                ]
                for r in rows
            ],
        )
    )
    print(body)
    if not args.no_write:
        command = f"python benchmarks/bench_memory.py --mb {args.mb:g}"
        if args.commands != ",".join(COMMANDS):
            command += f" --commands {args.commands}"
        if args.jobs > 1:
            command += f" --jobs {args.jobs}"
        if args.model != "trigram":
            command += f" --model {args.model}"
        write_section(
            f"memory-{args.mb:g}mb", f"Memory on large input: {args.mb:g} MB", command, body
        )
        write_sizes()


def write_sizes() -> None:
    """The ``memory`` section: which input sizes have a section, with their dates."""
    from benchmarks._report import DOC

    found = re.findall(
        r"<!-- bench:memory-([\d.]+)mb -->\n## [^\n]*\n\n- date: ([^,\n]+)", DOC.read_text()
    )
    sizes = sorted(found, key=lambda f: float(f[0]))
    lines = [
        f"- {mb} MB: run on {date} (section 'Memory on large input: {mb} MB')" for mb, date in sizes
    ]
    ran = {float(mb) for mb, _ in sizes}
    for mb in (5.0, 20.0, 100.0):
        if mb not in ran:
            lines.append(
                f"- {mb:g} MB: **not run** (`python benchmarks/bench_memory.py --mb {mb:g}`)"
            )
    write_section(
        "memory",
        "Memory on large input: sizes run",
        "python benchmarks/bench_memory.py --mb SIZE (each size writes its own section)",
        "Peak memory of every command, one section per input size. Sizes run so far:\n\n"
        + "\n".join(lines)
        + "\n\nA 100 MB run takes hours on 2 cores; the target (under 500 MB) is about the "
        "largest sizes, so a size not run is a size not checked.",
    )


if __name__ == "__main__":
    main()
