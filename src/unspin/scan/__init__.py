"""Scan many documents: every record of every input through the document pipeline.

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

The package, one concern a module (after datatrove's executors):

- :mod:`.records`: one record through the :class:`~unspin.pipeline.Pipeline` into a row
  (:func:`process_record`; the pipeline is built and warmed up once per process);
- :mod:`.shards`: sharding, part files and completion markers, the stored settings, the lock;
- :mod:`.executor`: shards inline or in a process pool forked after the warm-up;
- :mod:`.summary`: the counts; :mod:`.progress`: the bar.

``ScanConfig`` is :class:`unspin.pipeline.PipelineConfig`: what the pipeline computes, stored
in ``OUT/scan.json``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path

from ..errors import InputError, UnspinError
from ..io import ReadOptions
from ..io.writers import WRITERS, atomic_write_bytes
from ..pipeline import TASKS
from ..pipeline import PipelineConfig as ScanConfig
from .executor import Executor
from .progress import Progress, count_records
from .records import process_record, warm_up
from .shards import (
    MANIFEST_VERSION,
    Lock,
    check_manifest,
    clean_tmp,
    finished,
    input_facts,
    iter_results,
    markers,
    shards,
)
from .summary import (
    EXIT_OK,
    EXIT_RECORD_ERRORS,
    EXIT_UNUSABLE_INPUT,
    UNUSABLE_KINDS,
    ShardStats,
    Summary,
)

__all__ = [
    "EXIT_OK",
    "EXIT_RECORD_ERRORS",
    "EXIT_UNUSABLE_INPUT",
    "TASKS",
    "UNUSABLE_KINDS",
    "ScanConfig",
    "Summary",
    "count_records",
    "default_workers",
    "iter_results",
    "process_record",
    "scan",
    "warm_up",
]


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
        from ..io.html import extractor

        # an extractor chosen by name must work: fail now, in one line, not on every record
        extractor(options.extractor)
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: exists and is not a folder")
    for sub in ("parts", "done"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    lock = Lock(root)
    try:
        manifest = {
            "version": MANIFEST_VERSION,
            "config": config.to_dict(),
            "format": output_format,
            "chunk_size": chunk_size,
            "inputs": input_facts(paths),
            "read_options": asdict(options),
        }
        check_manifest(root, manifest)
        clean_tmp(root)
        done_before = finished(root, output_format)
        warm_up(config)
        summary = Summary(out=str(root))
        bar = Progress(progress, paths, options)

        def done(stats: ShardStats) -> None:
            summary.records_this_run += stats.records
            bar.update(stats.records)

        executor = Executor(workers, config, root, output_format, done)
        try:
            for shard, records in shards(paths, chunk_size, options):
                if shard in done_before:
                    summary.shards_resumed += 1
                    bar.update(len(records))
                    continue
                executor.submit(shard, records)
            executor.finish()
        except BrokenProcessPool as e:
            executor.abort()
            raise UnspinError(
                f"a worker process died ({e}); the finished shards are kept: "
                "rerun the same command to resume"
            ) from None
        except BaseException:
            executor.abort()
            raise
        finally:
            bar.close()
        for stats in markers(root, output_format, done_before):
            summary.add(stats)
        summary.seconds = time.perf_counter() - t0
        atomic_write_bytes(root / "summary.json", json.dumps(summary.to_dict(), indent=1).encode())
        return summary
    finally:
        lock.release()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
