"""Settings of the web service, plain data so that the CLI, tests and benchmarks share them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: A request body larger than this is refused with 413 ``payload_too_large`` (2 MiB holds a
#: 10,000-word text many times over).
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
#: Documents in one batch request.
DEFAULT_MAX_BATCH = 32
#: Seconds a request may wait for and spend in the library before 504 ``timeout`` (a 10,000-word
#: text takes about 10 s of library time on one core).
DEFAULT_TIMEOUT = 60.0
#: Requests that may wait for a worker before new ones get 503 ``busy``.
DEFAULT_MAX_QUEUE = 64


def default_concurrency() -> int:
    """Library calls are CPU-bound: one running call per core is enough."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything :func:`unspin.server.create_app` needs; validated when built."""

    index_path: Path | None = None
    profiles: tuple[Path, ...] = ()  # spinner profiles requests may name (by their name)
    api_key: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_concurrency: int = 0  # 0: one per core
    processes: bool = False  # library calls in worker processes rather than threads
    max_queue: int = DEFAULT_MAX_QUEUE
    max_batch: int = DEFAULT_MAX_BATCH
    timeout: float = DEFAULT_TIMEOUT
    body_timeout: float = 30.0  # seconds for a client to send its request body
    cors_origins: tuple[str, ...] = ()
    warm_up: bool = True

    def __post_init__(self) -> None:
        if self.max_bytes < 1024:
            raise ValueError(f"max_bytes must be at least 1024, got {self.max_bytes}")
        if self.max_concurrency < 0:
            raise ValueError(f"max_concurrency must be >= 0, got {self.max_concurrency}")
        if self.max_queue < 0:
            raise ValueError(f"max_queue must be >= 0, got {self.max_queue}")
        if not 1 <= self.max_batch <= 10_000:
            raise ValueError(f"max_batch must be in 1..10000, got {self.max_batch}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be positive, got {self.timeout}")
        if not self.body_timeout > 0:
            raise ValueError(f"body_timeout must be positive, got {self.body_timeout}")
        if self.api_key is not None and len(self.api_key) < 8:
            raise ValueError("api_key must be at least 8 characters")

    @property
    def workers(self) -> int:
        return self.max_concurrency or default_concurrency()
