"""The progress bar of a scan: docs/s, and an ETA once the records ahead are counted."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..io import ReadOptions


class Progress:
    """A tqdm bar (docs/s, ETA once the total is counted) on stderr, or nothing."""

    def __init__(self, enabled: bool, inputs: Sequence[Path], options: ReadOptions) -> None:
        self.bar: Any = None
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(unit="doc", unit_scale=True, dynamic_ncols=True, file=sys.stderr)
        threading.Thread(target=self._count, args=(inputs, options), daemon=True).start()

    def _count(self, inputs: Sequence[Path], options: ReadOptions) -> None:
        total = count_records(inputs, options)
        if total is not None and self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def count_records(inputs: Sequence[Path], options: ReadOptions) -> int | None:
    """A quick count of the records ahead (for the ETA), or None where it cannot be cheap."""
    from ..io import detect_format
    from ..io.compress import open_binary

    total = 0
    for p in inputs:
        fmt = detect_format(p)
        try:
            if fmt == "jsonl":
                with open_binary(p) as f:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            elif fmt == "parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(p).metadata.num_rows
            elif fmt in ("text", "html"):
                total += 1
            else:
                return None
        except Exception:  # a broken file is counted by the scan itself
            return None
    return total
