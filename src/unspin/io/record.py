"""The record every reader yields: an id, a text, where it came from, and an error if any.

A reader never raises on bad data: a record it cannot read becomes a :class:`Record` with
``error`` set (a one-line reason) and ``error_kind`` (a short stable name, counted in summaries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Stable names for the kinds of bad input; summaries count errors by these.
ERROR_KINDS = (
    "io",  # the file cannot be opened or read
    "truncated",  # a compressed stream or record ends early
    "encoding",  # bytes that are not valid text in the declared (or UTF-8) encoding
    "binary",  # data that is not text at all
    "json",  # a JSONL line that is not a JSON object
    "field",  # the id or text field is missing or of the wrong type
    "schema",  # a Parquet file without the expected columns
    "parquet",  # a Parquet file or row group that cannot be decoded
    "warc",  # a broken WARC record (bad header, digest mismatch)
    "html",  # main-text extraction failed
    "unsupported",  # a file whose format is not known
    "size",  # a document larger than the configured limit
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: the file, and the line, byte offset, row or WARC record id."""

    file: str
    line: int | None = None  # 1-based line number (JSONL)
    offset: int | None = None  # byte offset of the record in the (compressed) file (WARC)
    row: int | None = None  # 0-based row number (Parquet)
    record_id: str | None = None  # WARC-Record-ID

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file}
        for key in ("line", "offset", "row", "record_id"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.row is not None:
            return f"{self.file}#row={self.row}"
        if self.offset is not None:
            return f"{self.file}@{self.offset}"
        return self.file


@dataclass(frozen=True, slots=True)
class Record:
    """One input document. ``text`` is empty when ``error`` is set."""

    id: str
    text: str
    location: Location
    error: str | None = None
    error_kind: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failed(cls, id: str, location: Location, kind: str, reason: str) -> Record:
        """A record that could not be read, with the reason and where."""
        assert kind in ERROR_KINDS, kind
        return cls(id=id, text="", location=location, error=reason, error_kind=kind)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "location": self.location.to_dict(),
        }
        if self.url is not None:
            out["url"] = self.url
        if self.error is not None:
            out["error"] = self.error
            out["error_kind"] = self.error_kind
        return out
