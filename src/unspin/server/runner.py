"""Run CPU-bound library calls off the event loop, with a concurrency limit and a timeout.

A thread pool of ``workers`` threads bounds how many library calls run at once. Requests beyond
that wait in the pool's queue, at most ``max_queue`` of them; one more is refused at once with
503 ``busy`` rather than piling up. Each request has ``timeout`` seconds, waiting included, before
504 ``timeout``: a call still queued is cancelled; one already running finishes in its worker
(Python threads cannot be killed) and keeps its slot until then, so the limit stays true.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import ApiError

T = TypeVar("T")


class Runner:
    def __init__(self, workers: int, max_queue: int, timeout: float) -> None:
        self.workers = workers
        self.max_queue = max_queue
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="unspin-worker")
        self._lock = threading.Lock()
        self._pending = 0  # submitted and not finished (running or queued)

    @property
    def pending(self) -> int:
        return self._pending

    def _done(self, _fut: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    async def run(self, fn: Callable[[], T]) -> T:
        with self._lock:
            if self._pending >= self.workers + self.max_queue:
                raise ApiError("busy", "the server is busy; retry in a moment")
            self._pending += 1
        try:
            fut: Future[T] = self._pool.submit(fn)
        except RuntimeError:  # pool shut down
            with self._lock:
                self._pending -= 1
            raise ApiError("busy", "the server is shutting down") from None
        fut.add_done_callback(self._done)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), self.timeout)
        except TimeoutError:
            fut.cancel()
            raise ApiError(
                "timeout", f"the request took longer than {self.timeout:g} s; send less text"
            ) from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
