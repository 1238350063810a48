"""Run CPU-bound library calls off the event loop, with a concurrency limit and a timeout.

``workers`` library calls run at once: in threads of the server process (``processes=False``;
cheap, but Python threads share one core for pure-Python work) or in worker processes
(``processes=True``; each loads its own models, and calls really run in parallel and never
starve the event loop). Requests beyond that wait in a queue, at most ``max_queue`` of them; one
more is refused at once with 503 ``busy`` rather than piling up. Each request has ``timeout``
seconds, waiting included, before 504 ``timeout``: a call still queued is cancelled; one
already running finishes in its worker (neither threads nor pool processes can be interrupted
safely) and keeps its slot until then, so the limit stays true.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .errors import ApiError
from .work import Resources, in_worker, init_worker, ping

log = logging.getLogger("unspin.server")


class Runner:
    def __init__(
        self,
        resources: Resources,
        workers: int,
        max_queue: int,
        timeout: float,
        *,
        processes: bool = False,
        profile_paths: Sequence[str] = (),
        index_path: str | None = None,
        warm_up: bool = True,
    ) -> None:
        self.resources = resources
        self.workers = workers
        self.max_queue = max_queue
        self.timeout = timeout
        self.processes = processes
        self._init_args = (tuple(profile_paths), index_path, warm_up)
        self._lock = threading.Lock()
        self._pending = 0  # submitted and not finished (running or queued)
        self._pool: Executor = self._new_pool()

    def _new_pool(self) -> Executor:
        if not self.processes:
            return ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="unspin-worker")
        # spawn, not fork: the server process has threads, and fork would copy their locks.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=self._init_args,
        )

    @property
    def pending(self) -> int:
        return self._pending

    def _done(self, _fut: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    async def start(self) -> None:
        """Start (and warm up) every worker process now rather than on the first requests."""
        if self.processes:
            loop = asyncio.get_running_loop()
            jobs = [loop.run_in_executor(self._pool, ping) for _ in range(self.workers)]
            await asyncio.gather(*jobs)
        elif self._init_args[2]:
            try:
                await self.call("warm_up")
            except Exception as e:  # the service still starts; requests will say what is wrong
                log.warning("warm-up failed: %s", e)

    async def call(self, method: str, *args: Any) -> Any:
        """``Resources.<method>(*args)`` in a worker; ApiError busy/timeout when it cannot."""
        if self.processes:
            fn = functools.partial(in_worker, method, *args)
        else:
            fn = functools.partial(getattr(self.resources, method), *args)
        with self._lock:
            if self._pending >= self.workers + self.max_queue:
                raise ApiError("busy", "the server is busy; retry in a moment")
            self._pending += 1
        try:
            fut = self._pool.submit(fn)
        except (RuntimeError, BrokenProcessPool):  # shut down, or a worker died
            with self._lock:
                self._pending -= 1
            self._recover()
            raise ApiError("busy", "the server is restarting its workers; retry") from None
        fut.add_done_callback(self._done)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), self.timeout)
        except TimeoutError:
            fut.cancel()
            raise ApiError(
                "timeout", f"the request took longer than {self.timeout:g} s; send less text"
            ) from None
        except BrokenProcessPool:
            self._recover()
            msg = "a worker process died; it has been restarted"
            raise ApiError("internal_error", msg) from None

    def _recover(self) -> None:
        if self.processes and getattr(self._pool, "_broken", False):
            log.error("a worker process died; starting a new pool")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
