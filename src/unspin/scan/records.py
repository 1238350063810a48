"""One input record through the pipeline, into one output record (a row of the scan schema)."""

from __future__ import annotations

import gc
import warnings
from typing import Any

from ..io import Record
from ..pipeline import PipelineConfig, pipeline_for


def warm_up(config: PipelineConfig) -> None:
    """Build this process's pipeline for ``config`` and load its models (call before
    forking): a bad profile or index fails here, once."""
    pipeline_for(config)
    gc.collect()
    gc.freeze()  # keep the loaded objects out of later collections: fewer copy-on-write pages


def process_record(record: Record, config: PipelineConfig) -> dict[str, Any]:
    """The output record for one input record: results, or the reason there are none.

    Never raises for a bad document: an exception inside a task becomes ``error_kind`` 'process'.
    """
    result = pipeline_for(config).process(record)
    if result.trace is not None and result.trace.warnings:
        from ..trace.index import TraceWarning

        for w in result.trace.warnings:
            warnings.warn(w, TraceWarning, stacklevel=2)
    return result.to_row()
