"""A datatrove filter that drops spun documents, with the reason and the score in metadata.

    >>> from datatrove.executor import LocalPipelineExecutor
    >>> from datatrove.pipeline.readers import JsonlReader
    >>> from datatrove.pipeline.writers import JsonlWriter
    >>> from unspin.integrations.datatrove import SpinFilter
    >>> LocalPipelineExecutor(pipeline=[
    ...     JsonlReader("crawl/"),
    ...     SpinFilter(exclusion_writer=JsonlWriter("spun/")),
    ...     JsonlWriter("kept/"),
    ... ], tasks=4).run()

With ``mode="check"`` (the default, the cheap crawl-filter path of :func:`unspin.is_spun`)
every document gets ``spin_label`` in ``doc.metadata``; with ``mode="detect"`` (the full,
slower detection) it also gets ``spin_score`` (and ``spin_profile`` when a spinner profile is
recognised); documents whose label is in ``drop_labels`` are
dropped with the reason ``"spun"`` (datatrove counts it as ``dropped_spun`` and writes it to
``metadata["filter_reason"]`` of excluded documents). A document that cannot be processed is
kept, with ``spin_error`` in its metadata, and counted as ``spin_error``. The decision comes
from :func:`unspin.scan.process_record`, the same function as ``unspin scan`` and Spark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InputError, MissingDependencyError
from ..io.record import Location, Record
from ..scan import ScanConfig, process_record, warm_up

try:
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as e:  # fail at import, with the install hint
    raise MissingDependencyError("the datatrove filter", "datatrove", "datatrove") from e

__all__ = ["SpinFilter"]


class SpinFilter(BaseFilter):  # type: ignore[misc]  # datatrove ships no type hints
    """Drop spun documents; record score and label in ``doc.metadata``."""

    name = "🌀 Spin"

    def __init__(
        self,
        exclusion_writer: Any = None,
        *,
        mode: str = "check",
        threshold: float | None = None,
        profile: str | None = None,
        drop_labels: Sequence[str] = ("spun",),
    ) -> None:
        super().__init__(exclusion_writer)
        if mode not in ("check", "detect"):
            raise InputError(f"SpinFilter mode must be 'check' or 'detect', not {mode!r}")
        self.config = ScanConfig(tasks=(mode,), threshold=threshold, profile=profile)
        self.drop_labels = tuple(drop_labels)
        self._warm = False

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        if not self._warm:  # once per worker process: a bad profile fails here, clearly
            warm_up(self.config)
            self._warm = True
        source = str(doc.metadata.get("file_path") or "datatrove")
        out = process_record(Record(str(doc.id), doc.text, Location(source)), self.config)
        if out.get("error"):
            doc.metadata["spin_error"] = out["error"]
            self.stat_update("spin_error")
            return True
        if out.get("score") is not None:
            doc.metadata["spin_score"] = out["score"]
        doc.metadata["spin_label"] = out["label"]
        if out.get("profile"):
            doc.metadata["spin_profile"] = out["profile"]
        if out["label"] in self.drop_labels:
            return False, "spun"
        return True
