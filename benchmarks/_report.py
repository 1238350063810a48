"""Write one benchmark's results into docs/benchmarks.md, between its own markers.

Every benchmark calls :func:`write_section` with its name, the command that reproduces it and
a Markdown body; the section is replaced in place, so benchmarks can run in any order and
each keeps its own date, command and machine line.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

# Every benchmark measures the fast trigram path unless it names a model itself (bench_real,
# bench_restore --model): with the neural extra installed the library default would switch.
os.environ.setdefault("UNSPIN_MODEL", "trigram")
HEADER = (
    "# Benchmarks\n\n"
    "Each section is written by its benchmark script (`benchmarks/`), with the date, the command "
    "that reproduces it and the machine it ran on. Do not edit a section by hand: rerun it.\n"
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=DOC.parent,
        )
        return out.stdout.strip() or "uncommitted"
    except OSError:
        return "unknown"


def write_section(name: str, title: str, command: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    doc = DOC.read_text() if DOC.exists() else HEADER
    today = _dt.date.today().isoformat()
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"- date: {today}, commit {_commit()}\n- command: `{command}`\n- machine: {machine()}\n\n"
        f"{body.strip()}\n<!-- /bench:{name} -->"
    )
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    if pattern.search(doc):
        doc = pattern.sub(lambda _m: section, doc)
    else:
        doc = doc.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(doc)


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""

    def fmt(v: object) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
