"""The ``/v1`` API: detect, restore and trace (one document or a batch) and file extraction.

Every library call runs in the :class:`~.runner.Runner` pool; library errors become stable API
codes. (No ``from __future__ import annotations`` here: FastAPI must see the batch request
classes, defined per app because their size limit is a setting, as real types.)
"""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import Field

from ..errors import DataFileError, UnspinError
from . import models as m
from .config import ServerConfig
from .errors import CODES, ApiError
from .runner import Runner

log = logging.getLogger("unspin.server")

API_KEY_HEADER = "X-API-Key"


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    names = {c: [k for k, v in CODES.items() if v == c] for c in codes}
    return {
        c: {"model": m.ErrorResponse, "description": "Error; code one of: " + ", ".join(names[c])}
        for c in codes
    }


def _library_error(e: UnspinError) -> ApiError:
    return ApiError("invalid_input", str(e))


def api_router(
    cfg: ServerConfig,
    runner: Runner,
    check_profile: Callable[[str | None], str | None],
    has_trace: bool,
) -> APIRouter:
    """The ``/v1`` routes of an app configured by ``cfg``."""
    deps = []
    if cfg.api_key is not None:
        key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)
        expected = cfg.api_key.encode()

        async def check_key(key: str | None = Security(key_header)) -> None:
            if key is None or not secrets.compare_digest(key.encode(), expected):
                raise ApiError("unauthorized", f"a valid {API_KEY_HEADER} header is required")

        deps.append(Depends(check_key))

    auth = (401,) if cfg.api_key is not None else ()
    errs = error_responses(400, *auth, 408, 413, 422, 500, 503, 504)
    v1 = APIRouter(prefix="/v1", dependencies=deps, responses=errs)

    async def call(method: str, *args: Any) -> Any:
        try:
            return await runner.call(method, *args)
        except DataFileError as e:  # the server's own data: log the details, show no paths
            log.error("data file problem: %s", e)
            msg = "the server cannot read one of its data files; see the server log"
            raise ApiError("internal_error", msg) from None
        except UnspinError as e:
            raise _library_error(e) from None
        except ApiError:
            raise
        except Exception as e:  # a bug: log it, answer with a stable code, keep serving
            log.exception("library call failed", exc_info=e)
            msg = "an unexpected error occurred; it has been logged"
            raise ApiError("internal_error", msg) from None

    def docs_of(documents: list[m.Document]) -> list[tuple[str | None, str]]:
        return [(d.id, d.text) for d in documents]

    class DetectBatchRequest(m.DetectOptions):
        documents: list[m.Document] = Field(min_length=1, max_length=cfg.max_batch)

    class RestoreBatchRequest(m.RestoreOptions):
        documents: list[m.Document] = Field(min_length=1, max_length=cfg.max_batch)

    class TraceBatchRequest(m.TraceOptions):
        documents: list[m.Document] = Field(min_length=1, max_length=cfg.max_batch)

    @v1.post("/detect", response_model=m.DetectResponse, tags=["detect"])
    async def detect(req: m.DetectRequest) -> Any:
        """How likely the text is to have been spun, and the passages that look spun."""
        return await call("detect", req.text, req.threshold, check_profile(req.profile))

    @v1.post("/detect/batch", response_model=m.DetectBatchResponse, tags=["detect"])
    async def detect_batch(req: DetectBatchRequest) -> Any:
        """Detect on up to `max_batch` documents; each result carries its document's id."""
        prof = check_profile(req.profile)
        results = await call("batch", "detect", docs_of(req.documents), req.threshold, prof)
        return {"results": results}

    @v1.post("/restore", response_model=m.RestoreResponse, tags=["restore"])
    async def restore(req: m.RestoreRequest) -> Any:
        """The restored text and every fix, with its offsets, confidence and evidence."""
        return await call("restore", req.text, req.min_confidence, check_profile(req.profile))

    @v1.post("/restore/batch", response_model=m.RestoreBatchResponse, tags=["restore"])
    async def restore_batch(req: RestoreBatchRequest) -> Any:
        """Restore up to `max_batch` documents; each result carries its document's id."""
        prof = check_profile(req.profile)
        results = await call("batch", "restore", docs_of(req.documents), req.min_confidence, prof)
        return {"results": results}

    if has_trace:

        @v1.post("/trace", response_model=m.TraceResponse, tags=["trace"])
        async def trace(req: m.TraceRequest) -> Any:
            """Candidate sources of the text in the loaded index, with their alignment."""
            return await call("trace", req.text, req.top)

        @v1.post("/trace/batch", response_model=m.TraceBatchResponse, tags=["trace"])
        async def trace_batch(req: TraceBatchRequest) -> Any:
            """Trace up to `max_batch` documents; each result carries its document's id."""
            return {"results": await call("batch", "trace", docs_of(req.documents), req.top)}

    @v1.post(
        "/extract",
        response_model=m.Extracted,
        tags=["files"],
        responses=error_responses(415),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def extract_text(
        request: Request,
        filename: str = Query("", max_length=255, description="Shown in messages only."),
    ) -> m.Extracted:
        """The text of an uploaded .txt or .html file (sent as the raw request body)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("text/plain", "text/html", "application/xhtml+xml"):
            raise ApiError(
                "unsupported_media_type", "send a .txt or .html file as text/plain or text/html"
            )
        data = await request.body()
        text, fmt = await call("extract", data, filename, ctype)
        return m.Extracted(text=text, format="html" if fmt == "html" else "text")

    return v1
