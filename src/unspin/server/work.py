"""The library work behind each endpoint, and the resources it needs (profiles, trace index).

:class:`Resources` is loaded once per process: in the server process when library calls run in
its threads, or in each worker process (:func:`init_worker`) when they run in a process pool.
Jobs name a method and pass plain, picklable arguments: a profile by name, never an object or a
path, so the same job runs in a thread or in another process.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataFileError, UnspinError

PROFILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
WARM_UP_TEXT = "The head of state signed the invoice."


def _library(name: str) -> Callable[..., Any]:
    import unspin

    fn: Callable[..., Any] = getattr(unspin, name)
    return fn


@dataclass
class Resources:
    profiles: dict[str, Any] = field(default_factory=dict)
    index: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, profile_paths: Sequence[str | Path], index_path: str | Path | None) -> Resources:
        """Load every profile and the index; raise DataFileError if one is unusable."""
        profiles: dict[str, Any] = {}
        if profile_paths:
            from ..profile import Profile

            for path in profile_paths:
                prof = Profile.load(path)
                if not re.fullmatch(PROFILE_PATTERN, prof.name):
                    raise DataFileError(f"{path}: profile name {prof.name!r} cannot be requested")
                if prof.name in profiles:
                    raise DataFileError(f"{path}: a second profile named {prof.name!r}")
                profiles[prof.name] = prof
        index = None
        if index_path is not None:
            from ..trace import Index

            index = Index(index_path)
        return cls(profiles, index)

    def warm_up(self) -> None:
        """Load the models now rather than on the first request."""
        self.restore(WARM_UP_TEXT, 0.5, None)
        self.detect(WARM_UP_TEXT, None, None)

    def detect(self, text: str, threshold: float | None, profile: str | None) -> dict[str, Any]:
        det = _library("detect")(
            text, profile=self.profiles.get(profile or ""), threshold=threshold
        )
        result: dict[str, Any] = det.to_dict()
        return result

    def restore(self, text: str, min_confidence: float, profile: str | None) -> dict[str, Any]:
        res = _library("restore")(
            text, profile=self.profiles.get(profile or ""), min_confidence=min_confidence
        )
        result: dict[str, Any] = res.to_dict()
        return result

    def trace(self, text: str, top: int) -> dict[str, Any]:
        if self.index is None:
            raise UnspinError("no trace index is loaded")
        with self.lock:  # the index is not documented as thread-safe
            found = self.index.search(text, top=top)
        return {
            "candidates": [c.to_dict() for c in found.candidates],
            "warnings": list(found.warnings),
        }

    def extract(self, data: bytes, name: str, content_type: str) -> tuple[str, str]:
        from .extract import extract

        return extract(data, name, content_type)

    def batch(
        self, method: str, docs: Sequence[tuple[str | None, str]], *args: Any
    ) -> list[dict[str, Any]]:
        """One result or one error per document, in order, each with its document's id."""
        fn = getattr(self, method)
        out: list[dict[str, Any]] = []
        for doc_id, text in docs:
            try:
                out.append({"id": doc_id, "result": fn(text, *args)})
            except DataFileError:
                msg = "the server cannot read one of its data files; see the server log"
                out.append({"id": doc_id, "error": {"code": "internal_error", "message": msg}})
            except UnspinError as e:
                out.append({"id": doc_id, "error": {"code": "invalid_input", "message": str(e)}})
        return out


# --- worker processes -------------------------------------------------------------------------

_WORKER: Resources | None = None


def init_worker(profile_paths: Sequence[str], index_path: str | None, warm: bool) -> None:
    """Process-pool initializer: load the resources once in this worker process."""
    global _WORKER
    _WORKER = Resources.load(profile_paths, index_path)
    if warm:
        # a missing piece is reported by the request that needs it
        with contextlib.suppress(Exception):
            _WORKER.warm_up()


def in_worker(method: str, *args: Any) -> Any:
    """Run ``Resources.<method>(*args)`` on this worker process's resources."""
    if _WORKER is None:
        raise RuntimeError("worker process not initialised")
    return getattr(_WORKER, method)(*args)


def ping() -> bool:
    return _WORKER is not None
