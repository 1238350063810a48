"""The library work behind each endpoint, and the resources it needs (profiles, trace index).

:class:`Resources` is loaded once per process: in the server process when library calls run in
its threads, or in each worker process (:func:`init_worker`) when they run in a process pool.
Jobs name a method and pass plain, picklable arguments: a profile by name, never an object or a
path, so the same job runs in a thread or in another process.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataFileError, UnspinError
from ..pipeline import WARM_UP_TEXT, Pipeline

PROFILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


@dataclass
class Resources:
    """One document pipeline per loaded profile (``""``: none), all sharing the trace index;
    each request runs the task it names with its own options on the pipeline of its profile,
    and answers with that part of the :class:`~unspin.pipeline.DocResult`."""

    pipelines: dict[str, Pipeline] = field(default_factory=dict)

    @property
    def profiles(self) -> list[str]:
        return [name for name in self.pipelines if name]

    @property
    def index(self) -> Any:
        return self.pipelines[""].index if self.pipelines else None

    @classmethod
    def load(cls, profile_paths: Sequence[str | Path], index_path: str | Path | None) -> Resources:
        """Load every profile and the index; raise DataFileError if one is unusable."""
        # the library default model (UNSPIN_MODEL, else neural when installed), as the library
        base = Pipeline(index=index_path, model=None)
        pipelines = {"": base}
        if profile_paths:
            from ..profile import Profile

            for path in profile_paths:
                prof = Profile.load(path)
                if not re.fullmatch(PROFILE_PATTERN, prof.name):
                    raise DataFileError(f"{path}: profile name {prof.name!r} cannot be requested")
                if prof.name in pipelines:
                    raise DataFileError(f"{path}: a second profile named {prof.name!r}")
                pipelines[prof.name] = Pipeline(profile=prof, index=base.index, model=None)
        return cls(pipelines)

    def warm_up(self) -> None:
        """Load the models now rather than on the first request."""
        self.pipelines[""].with_options(tasks=("restore", "detect")).run(WARM_UP_TEXT, strict=True)

    def _run(self, profile: str | None, text: str, **options: Any) -> Any:
        return self.pipelines[profile or ""].with_options(**options).run(text, strict=True)

    def detect(self, text: str, threshold: float | None, profile: str | None) -> dict[str, Any]:
        result = self._run(profile, text, tasks=("detect",), threshold=threshold)
        out: dict[str, Any] = result.detection.to_dict()
        return out

    def restore(self, text: str, min_confidence: float, profile: str | None) -> dict[str, Any]:
        result = self._run(profile, text, tasks=("restore",), min_confidence=min_confidence)
        out: dict[str, Any] = result.restoration.to_dict()
        return out

    def trace(self, text: str, top: int) -> dict[str, Any]:
        if self.index is None:
            raise UnspinError("no trace index is loaded")
        found = self._run(None, text, tasks=("trace",), top=top).trace
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
