"""Scan many documents: every record of every input through detect, restore and trace.

    >>> from unspin.scan import scan, ScanConfig
    >>> summary = scan(["crawl.warc.gz", "docs.jsonl.zst"], "out/", workers=2)
    >>> summary.records, summary.spun_share, summary.exit_code

Nothing is lost: every input record gives one output record, holding either the results or
the reason it could not be read or processed (``error``, ``error_kind``). The work is cut into
shards (an input file and a chunk of ``chunk_size`` consecutive records); each shard's results
are written to a temporary file that is renamed into ``OUT/parts/`` when complete, and then a
completion marker (with the shard's counts) is written to ``OUT/done/``. A run that is killed,
even with ``kill -9``, is resumed by running the same command again: shards with a marker are
skipped, the others are done again from the start, so no record is lost or written twice.

Output folder::

    OUT/scan.json           the settings (tasks, inputs, chunk size, format); a rerun must match
    OUT/parts/SHARD.jsonl   results of one shard, in input order (or .parquet)
    OUT/done/SHARD.json     completion marker: the shard's counts
    OUT/summary.json        counts, spun share, profiles, errors by kind (written at the end)

Workers: the models are loaded once in the parent (:func:`warm_up`), then the workers are
forked and share them copy-on-write. The parent reads the inputs and keeps at most
``2 * workers`` shards in flight, so memory is bounded whatever the input size.

:func:`process_record` is the one per-record function, shared by this runner, the Spark entry
point (:mod:`unspin.integrations.spark`) and the datatrove filter
(:mod:`unspin.integrations.datatrove`).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from .errors import InputError, UnspinError
from .io import ReadOptions, Record, iter_records
from .io.writers import READERS, WRITERS, atomic_write_bytes

__all__ = [
    "EXIT_OK",
    "EXIT_RECORD_ERRORS",
    "EXIT_UNUSABLE_INPUT",
    "TASKS",
    "ScanConfig",
    "Summary",
    "iter_results",
    "process_record",
    "scan",
    "warm_up",
]

EXIT_OK = 0
EXIT_RECORD_ERRORS = 4  # the scan finished, but some records could not be read or processed
EXIT_UNUSABLE_INPUT = 2  # the scan finished, but a whole input was unusable (see UNUSABLE_KINDS)
#: Error kinds that condemn a whole input file, not one record: a Parquet file without the
#: text column (wrong --text-field?). Its rows still get one error record each.
UNUSABLE_KINDS = frozenset({"schema"})
MANIFEST_VERSION = 1
_WARM_UP_TEXT = (
    "The head of state signed the invoice as well as a number of other documents on Monday, "
    "officials said, before leaving for the summit."
)


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """What to compute for each record. ``tasks`` are names in :data:`TASKS`."""

    tasks: tuple[str, ...] = ("detect",)
    profile: str | None = None
    threshold: float | None = None
    min_confidence: float = 0.5
    index: str | None = None
    top: int = 3
    # crawl scale stays on the fast path unless a neural model is asked for by name
    model: str = "trigram"

    def __post_init__(self) -> None:
        from .lm import resolve

        # an unknown name fails here, listing the choices
        object.__setattr__(self, "model", resolve(self.model))
        if not self.tasks:
            raise InputError("no task given; choose from " + ", ".join(TASKS))
        unknown = [t for t in self.tasks if t not in TASKS]
        if unknown:
            raise InputError(f"unknown task {unknown[0]!r}; choose from {', '.join(TASKS)}")
        if len(set(self.tasks)) != len(self.tasks):
            raise InputError("a task is named twice")
        if "trace" in self.tasks and not self.index:
            raise InputError("the trace task needs an index (--index DIR)")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise InputError(f"min_confidence must be between 0 and 1, got {self.min_confidence}")
        if self.top < 1:
            raise InputError(f"top must be at least 1, got {self.top}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tasks"] = list(self.tasks)
        return d


# --------------------------------------------------------------------------- tasks

Task = Callable[[str, ScanConfig, dict[str, Any]], None]


def _detect(text: str, cfg: ScanConfig, out: dict[str, Any]) -> None:
    import unspin

    detect = cast(Callable[..., Any], unspin.detect)
    d = detect(text, profile=cfg.profile, threshold=cfg.threshold, model=cfg.model).to_dict()
    out["score"] = d.get("score")
    out["label"] = d.get("label")
    out["profile"] = d.get("profile")
    out["spans"] = d.get("spans", [])
    out["reasons"] = d.get("reasons", [])


def _check(text: str, cfg: ScanConfig, out: dict[str, Any]) -> None:
    """The cheap crawl-filter path: a spun/clean verdict from dictionary features only."""
    import unspin

    is_spun = cast(Callable[[str], bool], unspin.is_spun)
    spun = is_spun(text)
    if "label" not in out:  # a full detection, if also asked for, has the last word
        out["label"] = "spun" if spun else "clean"
    out["check"] = spun


def _restore(text: str, cfg: ScanConfig, out: dict[str, Any]) -> None:
    from .restorer import restore

    r = restore(text, profile=cfg.profile, min_confidence=cfg.min_confidence, model=cfg.model)
    out["restored"] = r.text
    out["fixes"] = [f.to_dict() for f in r.fixes]


_INDEXES: dict[str, Any] = {}


def _index(path: str) -> Any:
    if path not in _INDEXES:
        from .trace import Index

        _INDEXES[path] = Index(path)
    return _INDEXES[path]


def _trace(text: str, cfg: ScanConfig, out: dict[str, Any]) -> None:
    assert cfg.index is not None
    candidates = _index(cfg.index).query(text, top=cfg.top)
    out["trace"] = [{"id": c.id, "score": round(float(c.score), 4)} for c in candidates]


TASKS: dict[str, Task] = {
    "check": _check,
    "detect": _detect,
    "restore": _restore,
    "trace": _trace,
}


def warm_up(config: ScanConfig) -> None:
    """Run every task once so that models and indexes are loaded (call before forking)."""
    for name in config.tasks:  # called directly: a bad profile or index fails here, once
        TASKS[name](_WARM_UP_TEXT, config, {})
    gc.collect()
    gc.freeze()  # keep the loaded objects out of later collections: fewer copy-on-write pages


# --------------------------------------------------------------------------- one record


def process_record(record: Record, config: ScanConfig) -> dict[str, Any]:
    """The output record for one input record: results, or the reason there are none.

    Never raises for a bad document: an exception inside a task becomes ``error_kind`` 'process'.
    """
    out: dict[str, Any] = {"id": record.id, "location": record.location.to_dict()}
    if record.url is not None:
        out["url"] = record.url
    if record.error is not None:
        out["error"] = record.error
        out["error_kind"] = record.error_kind
        return out
    for name in config.tasks:
        try:
            TASKS[name](record.text, config, out)
        except Exception as e:  # one document must never stop the job
            out["error"] = f"{name} failed: {type(e).__name__}: {e}"
            out["error_kind"] = "process"
            break
    return out


# --------------------------------------------------------------------------- summary


@dataclass(slots=True)
class Summary:
    """What a scan did. Counts cover the whole output folder, resumed shards included."""

    out: str
    records: int = 0
    errors: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    profiles: Counter[str] = field(default_factory=Counter)
    error_kinds: Counter[str] = field(default_factory=Counter)
    shards: int = 0
    shards_resumed: int = 0  # shards found complete from an earlier run, not redone
    records_this_run: int = 0
    seconds: float = 0.0

    @property
    def spun_share(self) -> float:
        judged = sum(self.labels.values())
        return self.labels.get("spun", 0) / judged if judged else 0.0

    @property
    def docs_per_second(self) -> float:
        return self.records_this_run / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.unusable:
            return EXIT_UNUSABLE_INPUT
        return EXIT_RECORD_ERRORS if self.errors else EXIT_OK

    @property
    def unusable(self) -> int:
        """Records from inputs that were unusable as a whole (error kinds in UNUSABLE_KINDS)."""
        return sum(n for k, n in self.error_kinds.items() if k in UNUSABLE_KINDS)

    def add(self, stats: dict[str, Any]) -> None:
        self.records += int(stats["records"])
        self.errors += sum(stats["errors"].values())
        self.labels.update(stats["labels"])
        self.profiles.update(stats["profiles"])
        self.error_kinds.update(stats["errors"])
        self.shards += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "records": self.records,
            "errors": self.errors,
            "spun_share": round(self.spun_share, 4),
            "labels": dict(self.labels.most_common()),
            "top_profiles": dict(self.profiles.most_common(10)),
            "errors_by_kind": dict(self.error_kinds.most_common()),
            "shards": self.shards,
            "shards_resumed": self.shards_resumed,
            "records_this_run": self.records_this_run,
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.docs_per_second, 1),
            "exit_code": self.exit_code,
        }

    def format(self) -> str:
        lines = [
            f"records: {self.records} ({self.records - self.errors} ok, {self.errors} errors)"
            f" in {self.shards} shards ({self.shards_resumed} resumed from an earlier run)",
            f"this run: {self.records_this_run} records in {self.seconds:.1f} s"
            f" ({self.docs_per_second:.0f} docs/s)",
        ]
        if self.labels:
            labels = ", ".join(f"{k} {v}" for k, v in self.labels.most_common())
            lines.append(f"spun share: {self.spun_share:.1%} ({labels})")
        if self.profiles:
            top = ", ".join(f"{k} {v}" for k, v in self.profiles.most_common(5))
            lines.append(f"top spinner profiles: {top}")
        if self.error_kinds:
            kinds = ", ".join(f"{k} {v}" for k, v in self.error_kinds.most_common())
            lines.append(f"errors by kind: {kinds}")
        lines.append(f"output: {self.out}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- shards


def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.name)[:40] or "input"


def _shards(
    inputs: Sequence[Path], chunk_size: int, options: ReadOptions
) -> Iterator[tuple[str, list[Record]]]:
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


def _stats(shard: str, rows: Sequence[dict[str, Any]], seconds: float) -> dict[str, Any]:
    labels: Counter[str] = Counter()
    profiles: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for r in rows:
        if r.get("error_kind"):
            errors[str(r["error_kind"])] += 1
            continue
        if r.get("label"):
            labels[str(r["label"])] += 1
            if r["label"] == "spun" and r.get("profile"):
                profiles[str(r["profile"])] += 1
    return {
        "shard": shard,
        "records": len(rows),
        "labels": dict(labels),
        "profiles": dict(profiles),
        "errors": dict(errors),
        "seconds": round(seconds, 4),
    }


def _run_shard(
    shard: str, records: list[Record], config: ScanConfig, out: str, fmt: str
) -> dict[str, Any]:
    """Process one shard and commit it: part file first (atomically), then its marker."""
    t0 = time.perf_counter()
    rows = [process_record(r, config) for r in records]
    suffix, write = WRITERS[fmt]
    root = Path(out)
    write(root / "parts" / f"{shard}{suffix}", rows)
    stats = _stats(shard, rows, time.perf_counter() - t0)
    atomic_write_bytes(root / "done" / f"{shard}.json", json.dumps(stats).encode())
    return stats


# --------------------------------------------------------------------------- output folder


def _input_facts(inputs: Sequence[Path]) -> list[dict[str, Any]]:
    facts = []
    for p in inputs:
        entry: dict[str, Any] = {"path": str(p.resolve())}
        if p.is_file():
            st = p.stat()
            entry.update(size=st.st_size, mtime=int(st.st_mtime))
        facts.append(entry)
    return facts


def _check_manifest(out: Path, manifest: dict[str, Any]) -> None:
    path = out / "scan.json"
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            raise InputError(f"{path}: unreadable scan settings; use a new --out") from None
        for key in ("version", "config", "format", "chunk_size", "inputs", "read_options"):
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


class _Lock:
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


def _clean_tmp(out: Path) -> None:
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


# --------------------------------------------------------------------------- workers


def _worker_init() -> None:
    # Die with the parent (even on kill -9), and leave Ctrl-C to the parent.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Runner:
    """Runs shards inline (one worker) or in a forked process pool with a bounded window."""

    def __init__(
        self, workers: int, config: ScanConfig, out: Path, fmt: str, done: Callable[[Any], None]
    ) -> None:
        self.args = (config, str(out), fmt)
        self.done = done
        self.pool: ProcessPoolExecutor | None = None
        self.window = 2 * workers
        self.pending: set[Future[dict[str, Any]]] = set()
        if workers > 1:
            import multiprocessing

            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_init,
            )

    def submit(self, shard: str, records: list[Record]) -> None:
        if self.pool is None:
            self.done(_run_shard(shard, records, *self.args))
            return
        while len(self.pending) >= self.window:
            self._collect(FIRST_COMPLETED)
        self.pending.add(self.pool.submit(_run_shard, shard, records, *self.args))

    def _collect(self, how: str) -> None:
        finished, self.pending = wait(self.pending, return_when=how)
        for fut in finished:
            self.done(fut.result())

    def finish(self) -> None:
        if self.pool is not None:
            while self.pending:
                self._collect(FIRST_COMPLETED)
            self.pool.shutdown()

    def abort(self) -> None:
        if self.pool is not None:
            for fut in self.pending:
                fut.cancel()
            self.pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------- progress


class _Progress:
    """A tqdm bar (docs/s, ETA once the total is counted) on stderr, or nothing."""

    def __init__(self, enabled: bool, inputs: Sequence[Path], options: ReadOptions) -> None:
        self.bar: Any = None
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(unit="doc", unit_scale=True, dynamic_ncols=True, file=sys.stderr)
        threading.Thread(target=self._count, args=(inputs, options), daemon=True).start()

    def _count(self, inputs: Sequence[Path], options: ReadOptions) -> None:
        total = count_records(inputs, options)
        if total is not None and self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def count_records(inputs: Sequence[Path], options: ReadOptions) -> int | None:
    """A quick count of the records ahead (for the ETA), or None where it cannot be cheap."""
    from .io import detect_format
    from .io.compress import open_binary

    total = 0
    for p in inputs:
        fmt = detect_format(p)
        try:
            if fmt == "jsonl":
                with open_binary(p) as f:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            elif fmt == "parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(p).metadata.num_rows
            elif fmt in ("text", "html"):
                total += 1
            else:
                return None
        except Exception:  # a broken file is counted by the scan itself
            return None
    return total


# --------------------------------------------------------------------------- the runner


def scan(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    config: ScanConfig | None = None,
    tasks: Sequence[str] | None = None,
    workers: int = 1,
    chunk_size: int = 1000,
    output_format: str = "jsonl",
    read_options: ReadOptions | None = None,
    progress: bool = False,
) -> Summary:
    """Scan ``inputs`` into the folder ``out``; resume if ``out`` holds an interrupted scan.

    ``tasks`` is a shortcut for ``ScanConfig(tasks=...)``. Returns the :class:`Summary`
    (also written to ``out/summary.json``); ``summary.exit_code`` is 4 when some records had
    errors. Raises :class:`~unspin.errors.InputError` for unusable settings, before any work.
    """
    t0 = time.perf_counter()
    if config is None:
        config = ScanConfig(tasks=tuple(tasks) if tasks else ("detect",))
    elif tasks is not None:
        raise InputError("give either config or tasks, not both")
    paths = [Path(p) for p in inputs]
    if not paths:
        raise InputError("no input given")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    if output_format not in WRITERS:
        raise InputError(f"unknown output format {output_format!r}; choose jsonl or parquet")
    if workers < 1 or chunk_size < 1:
        raise InputError("workers and chunk size must be at least 1")
    options = read_options or ReadOptions()
    if options.extractor != ReadOptions().extractor:
        from .io.html import extractor

        # an extractor chosen by name must work: fail now, in one line, not on every record
        extractor(options.extractor)
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: exists and is not a folder")
    for sub in ("parts", "done"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    lock = _Lock(root)
    try:
        manifest = {
            "version": MANIFEST_VERSION,
            "config": config.to_dict(),
            "format": output_format,
            "chunk_size": chunk_size,
            "inputs": _input_facts(paths),
            "read_options": asdict(options),
        }
        _check_manifest(root, manifest)
        _clean_tmp(root)
        suffix = WRITERS[output_format][0]
        finished = {
            p.stem
            for p in (root / "done").glob("*.json")
            if (root / "parts" / f"{p.stem}{suffix}").exists()
        }
        warm_up(config)
        summary = Summary(out=str(root))
        bar = _Progress(progress, paths, options)

        def done(stats: dict[str, Any]) -> None:
            summary.records_this_run += int(stats["records"])
            bar.update(int(stats["records"]))

        runner = _Runner(workers, config, root, output_format, done)
        try:
            for shard, records in _shards(paths, chunk_size, options):
                if shard in finished:
                    summary.shards_resumed += 1
                    bar.update(len(records))
                    continue
                runner.submit(shard, records)
            runner.finish()
        except BrokenProcessPool as e:
            runner.abort()
            raise UnspinError(
                f"a worker process died ({e}); the finished shards are kept: "
                "rerun the same command to resume"
            ) from None
        except BaseException:
            runner.abort()
            raise
        finally:
            bar.close()
        for marker in sorted((root / "done").glob("*.json")):
            if marker.stem in finished or (root / "parts" / f"{marker.stem}{suffix}").exists():
                summary.add(json.loads(marker.read_text()))
        summary.seconds = time.perf_counter() - t0
        atomic_write_bytes(root / "summary.json", json.dumps(summary.to_dict(), indent=1).encode())
        return summary
    finally:
        lock.release()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
