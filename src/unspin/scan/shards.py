"""The output folder of a scan: shards, their part files and completion markers, the stored
settings, the lock; what makes a killed scan resumable without loss or duplicates.

    OUT/scan.json           the settings (tasks, inputs, chunk size, format); a rerun must match
    OUT/parts/SHARD.jsonl   results of one shard, in input order (or .parquet)
    OUT/done/SHARD.json     completion marker: the shard's counts
    OUT/summary.json        counts, spun share, profiles, errors by kind (written at the end)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..io import ReadOptions, Record, iter_records
from ..io.writers import READERS, WRITERS, atomic_write_bytes
from .summary import ShardStats

MANIFEST_VERSION = 1
#: What must match for a rerun to resume an output folder.
MANIFEST_KEYS = ("version", "config", "format", "chunk_size", "inputs", "read_options")


def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.name)[:40] or "input"


def shards(
    inputs: Sequence[Path], chunk_size: int, options: ReadOptions
) -> Iterator[tuple[str, list[Record]]]:
    """``(shard name, records)``: each input cut into chunks of ``chunk_size`` records."""
    for i, path in enumerate(inputs):
        prefix = f"{i:04d}-{_slug(path)}"
        chunk: list[Record] = []
        n = 0
        for rec in iter_records(path, options=options):
            chunk.append(rec)
            if len(chunk) == chunk_size:
                yield f"{prefix}-{n:06d}", chunk
                chunk, n = [], n + 1
        if chunk:
            yield f"{prefix}-{n:06d}", chunk


def commit(root: Path, shard: str, rows: list[dict[str, Any]], fmt: str, stats: ShardStats) -> None:
    """Commit one shard: its part file first (atomically), then its marker."""
    suffix, write = WRITERS[fmt]
    write(root / "parts" / f"{shard}{suffix}", rows)
    atomic_write_bytes(root / "done" / f"{shard}.json", json.dumps(stats.to_dict()).encode())


def finished(root: Path, fmt: str) -> set[str]:
    """The shards an earlier run completed (a marker and its part file)."""
    suffix = WRITERS[fmt][0]
    return {
        p.stem
        for p in (root / "done").glob("*.json")
        if (root / "parts" / f"{p.stem}{suffix}").exists()
    }


def markers(root: Path, fmt: str, done_before: set[str]) -> Iterator[ShardStats]:
    """The counts of every committed shard, in shard order."""
    suffix = WRITERS[fmt][0]
    for marker in sorted((root / "done").glob("*.json")):
        if marker.stem in done_before or (root / "parts" / f"{marker.stem}{suffix}").exists():
            yield ShardStats.from_dict(json.loads(marker.read_text()))


def input_facts(inputs: Sequence[Path]) -> list[dict[str, Any]]:
    facts = []
    for p in inputs:
        entry: dict[str, Any] = {"path": str(p.resolve())}
        if p.is_file():
            st = p.stat()
            entry.update(size=st.st_size, mtime=int(st.st_mtime))
        facts.append(entry)
    return facts


def check_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Store the settings of a new scan, or refuse a rerun whose settings differ."""
    path = out / "scan.json"
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            raise InputError(f"{path}: unreadable scan settings; use a new --out") from None
        for key in MANIFEST_KEYS:
            if old.get(key) != manifest.get(key):
                raise InputError(
                    f"{out} holds a scan with other {key.replace('_', ' ')} "
                    f"({json.dumps(old.get(key))[:120]}); rerun with the same settings to "
                    "resume, or choose a new --out"
                )
        return
    if (out / "parts").exists() and any((out / "parts").iterdir()):
        raise InputError(f"{out}: holds parts but no scan.json; choose a new --out")
    atomic_write_bytes(path, json.dumps(manifest, indent=1).encode())


class Lock:
    """An exclusive POSIX lock on OUT/.lock (not inherited by forked workers)."""

    def __init__(self, out: Path) -> None:
        import fcntl

        self._fcntl = fcntl
        self._f: IO[bytes] = open(out / ".lock", "wb")  # noqa: SIM115 (held until release)
        try:
            fcntl.lockf(self._f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._f.close()
            raise InputError(f"{out}: another scan is writing to this folder") from None

    def release(self) -> None:
        self._fcntl.lockf(self._f, self._fcntl.LOCK_UN)
        self._f.close()


def clean_tmp(out: Path) -> None:
    for sub in ("parts", "done"):
        for tmp in (out / sub).glob("*.tmp"):
            tmp.unlink(missing_ok=True)


def iter_results(out: str | Path) -> Iterator[dict[str, Any]]:
    """Every output record of a scan folder, shard by shard in input order."""
    root = Path(out)
    try:
        fmt = json.loads((root / "scan.json").read_text())["format"]
    except (OSError, ValueError, KeyError):
        raise InputError(f"{root}: not a scan output folder (no scan.json)") from None
    suffix, _ = WRITERS[fmt]
    for part in sorted((root / "parts").glob(f"*{suffix}")):
        yield from READERS[fmt](part)
