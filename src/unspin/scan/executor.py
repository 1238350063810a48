"""Where shards run: inline (one worker) or in a pool of processes forked after the pipeline
is warmed up, so that they share its models copy-on-write. The parent keeps at most
``2 * workers`` shards in flight, so memory is bounded whatever the input size."""

from __future__ import annotations

import ctypes
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from ..io import Record
from ..pipeline import PipelineConfig
from .records import process_record
from .shards import commit
from .summary import ShardStats, shard_stats


def run_shard(
    shard: str, records: list[Record], config: PipelineConfig, out: str, fmt: str
) -> ShardStats:
    """Process one shard and commit it; return its counts."""
    t0 = time.perf_counter()
    rows = [process_record(r, config) for r in records]
    stats = shard_stats(shard, rows, time.perf_counter() - t0)
    commit(Path(out), shard, rows, fmt, stats)
    return stats


def _worker_init() -> None:
    # Die with the parent (even on kill -9), and leave Ctrl-C to the parent.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Executor:
    """Runs shards inline (one worker) or in a forked process pool with a bounded window."""

    def __init__(
        self,
        workers: int,
        config: PipelineConfig,
        out: Path,
        fmt: str,
        done: Callable[[ShardStats], None],
    ) -> None:
        self.args = (config, str(out), fmt)
        self.done = done
        self.pool: ProcessPoolExecutor | None = None
        self.window = 2 * workers
        self.pending: set[Future[ShardStats]] = set()
        if workers > 1:
            import multiprocessing

            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_init,
            )

    def submit(self, shard: str, records: list[Record]) -> None:
        if self.pool is None:
            self.done(run_shard(shard, records, *self.args))
            return
        while len(self.pending) >= self.window:
            self._collect(FIRST_COMPLETED)
        self.pending.add(self.pool.submit(run_shard, shard, records, *self.args))

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
