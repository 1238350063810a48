"""Request and response schemas: they are the OpenAPI spec that clients and tests rely on."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..fixes import DEFAULT_MIN_CONFIDENCE
from .work import PROFILE_PATTERN  # a request names a profile the server loaded, never a path


def _no_surrogates(text: str) -> str:
    # JSON may carry lone surrogates ("\ud800"); they are not text and cannot be encoded back.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"text has an unpaired surrogate at character {e.start}") from None
    return text


class _Strict(BaseModel):
    # strict: no coercion (false is not 0.0, 1 is not "1"); unknown fields are errors
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. 'payload_too_large'.")
    message: str = Field(description="One sentence for a person.")
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorInfo


# --- detect ---------------------------------------------------------------------------------


class DetectOptions(_Strict):
    profile: str | None = Field(
        None, pattern=PROFILE_PATTERN, description="Name of a profile loaded by the server."
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Score above which 'spun'.")


class DetectRequest(DetectOptions):
    text: str = Field(description="The text to check.")

    _check = field_validator("text")(_no_surrogates)


class SpanOut(BaseModel):
    start: int = Field(description="Offset of the span in the input, in characters.")
    end: int
    text: str
    suggestion: str | None = None
    score: float
    reason: str


class BlockOut(BaseModel):
    start: int = Field(description="Offset of the block in the input, in characters.")
    end: int
    words: int
    score: float = Field(ge=0.0, le=1.0, description="The block's own spin score.")


class DetectResponse(BaseModel):
    score: float = Field(ge=0.0, le=1.0, description="Calibrated risk that the text was spun.")
    label: Literal["spun", "clean", "uncertain"]
    spans: list[SpanOut]
    profile: str | None = None
    reasons: list[str] = Field(default_factory=list)
    model: str = Field(
        default="sphinx-trigram", description="The context model that gave the spans."
    )
    blocks: list[BlockOut] = Field(
        default_factory=list,
        description="The strongest blocks (windows of paragraphs), best first: the score is "
        "the strongest block's.",
    )


# --- restore --------------------------------------------------------------------------------


class RestoreOptions(_Strict):
    profile: str | None = Field(
        None, pattern=PROFILE_PATTERN, description="Name of a profile loaded by the server."
    )
    min_confidence: float = Field(
        DEFAULT_MIN_CONFIDENCE, ge=0.0, le=1.0, description="Keep fixes at least this sure."
    )


class RestoreRequest(RestoreOptions):
    text: str = Field(description="The spun text to restore.")

    _check = field_validator("text")(_no_surrogates)


class EvidenceOut(BaseModel):
    source: str
    lm_gain: float
    channel: float
    note: str = ""


class FixOut(BaseModel):
    start: int = Field(description="Offset of the spun span in the input, in characters.")
    end: int
    spun: str
    original: str
    confidence: float
    evidence: EvidenceOut


class RestoreResponse(BaseModel):
    text: str = Field(description="The restored text.")
    fixes: list[FixOut]
    warnings: list[str] = Field(default_factory=list)
    model: str = Field(
        default="sphinx-trigram", description="The context model that chose the fixes."
    )


# --- trace ----------------------------------------------------------------------------------


def _whole_number(v: Any) -> Any:
    # JSON Schema counts 3.0 as an integer; strings and booleans are not numbers.
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("must be an integer")
    return v


class TraceOptions(_Strict):
    top: int = Field(
        5, ge=1, le=50, strict=False, description="How many candidate sources to return."
    )

    _top = field_validator("top", mode="before")(_whole_number)


class TraceRequest(TraceOptions):
    text: str = Field(description="The text whose sources to look for in the index.")

    _check = field_validator("text")(_no_surrogates)


class AlignedSpanOut(BaseModel):
    spun_start: int = Field(description="Offset in the query text, in characters.")
    spun_end: int
    source_start: int = Field(description="Offset in the source document, in characters.")
    source_end: int
    kind: Literal["same", "substitution", "insertion", "deletion"]
    spun: str
    original: str


class TraceCandidate(BaseModel):
    id: str = Field(description="The source document's id in the index.")
    score: float
    retrieval_score: float
    spun_coverage: float = Field(description="Share of the query's words copied from the source.")
    source_coverage: float = Field(description="Share of the source's words the copy kept.")
    alignment: list[AlignedSpanOut]
    pairs: list[list[str]] = Field(description="(spun, original) substitutions revealed.")


class TraceResponse(BaseModel):
    candidates: list[TraceCandidate]
    warnings: list[str] = Field(default_factory=list)


# --- batch ----------------------------------------------------------------------------------


class Document(_Strict):
    id: str | None = Field(None, max_length=256, description="Echoed back in the result.")
    text: str

    _check = field_validator("text")(_no_surrogates)


class BatchError(BaseModel):
    code: str
    message: str


class DetectItem(BaseModel):
    id: str | None
    result: DetectResponse | None = None
    error: BatchError | None = None


class RestoreItem(BaseModel):
    id: str | None
    result: RestoreResponse | None = None
    error: BatchError | None = None


class TraceItem(BaseModel):
    id: str | None
    result: TraceResponse | None = None
    error: BatchError | None = None


class DetectBatchResponse(BaseModel):
    results: list[DetectItem]


class RestoreBatchResponse(BaseModel):
    results: list[RestoreItem]


class TraceBatchResponse(BaseModel):
    results: list[TraceItem]


# --- service --------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]


class Limits(BaseModel):
    max_bytes: int
    max_batch: int
    timeout_s: float
    max_concurrency: int


class VersionInfo(BaseModel):
    version: str
    profiles: list[str] = Field(description="Profile names a request may give.")
    trace: bool = Field(description="Whether an index is loaded and /v1/trace is available.")
    auth: bool = Field(description="Whether /v1 requests need an X-API-Key header.")
    model: str = Field(description="The context model restore and detect use.")
    limits: Limits


class Extracted(BaseModel):
    text: str
    format: Literal["text", "html"]
