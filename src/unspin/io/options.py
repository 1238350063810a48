"""Reader options, shared by every format."""

from __future__ import annotations

from dataclasses import dataclass

EXTRACTORS = ("resiliparse", "trafilatura")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read records.

    ``id_field``/``text_field`` name the JSONL keys and Parquet columns; ``extractor`` picks the
    HTML main-text extractor; a document larger than ``max_bytes`` becomes an error record
    instead of filling the memory; ``batch_rows`` bounds the Parquet rows held at once.
    """

    id_field: str = "id"
    text_field: str = "text"
    extractor: str = "resiliparse"
    max_bytes: int = 32 << 20
    batch_rows: int = 1024
    check_digests: bool = True

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTORS:
            from ..errors import InputError

            raise InputError(
                f"unknown HTML extractor {self.extractor!r}; choose one of {', '.join(EXTRACTORS)}"
            )
