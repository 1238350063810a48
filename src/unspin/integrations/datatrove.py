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
from the document pipeline (:mod:`unspin.pipeline`), the same as ``unspin scan`` and Spark;
the metadata is taken from its row (:func:`metadata`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InputError, MissingDependencyError
from ..io.record import Location, Record
from ..pipeline import PipelineConfig, pipeline_for

try:
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as e:  # fail at import, with the install hint
    raise MissingDependencyError("the datatrove filter", "datatrove", "datatrove") from e

__all__ = ["METADATA", "SpinFilter", "metadata"]

#: ``doc.metadata`` key for each field of the pipeline's row, when the row has it.
METADATA = {"error": "spin_error", "score": "spin_score", "label": "spin_label"}


def metadata(row: dict[str, Any]) -> dict[str, Any]:
    """What :class:`SpinFilter` writes into ``doc.metadata`` for a pipeline row: the error
    alone, or the score (full detection), the label and the recognised spinner profile."""
    if row.get("error"):
        return {"spin_error": row["error"]}
    out = {METADATA[k]: row[k] for k in ("score", "label") if row.get(k) is not None}
    if row.get("profile"):
        out["spin_profile"] = row["profile"]
    return out


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
        self.config = PipelineConfig(tasks=(mode,), threshold=threshold, profile=profile)
        self.drop_labels = tuple(drop_labels)

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        # built once per worker process: a bad profile fails on the first document, clearly
        pipeline = pipeline_for(self.config)
        source = str(doc.metadata.get("file_path") or "datatrove")
        row = pipeline.process(Record(str(doc.id), doc.text, Location(source))).to_row()
        meta = metadata(row)
        doc.metadata.update(meta)
        if "spin_error" in meta:
            self.stat_update("spin_error")
            return True
        if row["label"] in self.drop_labels:
            return False, "spun"
        return True
