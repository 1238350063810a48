"""The ASGI app: a JSON API over detect, restore and trace, and the page.

Every library call runs in the :class:`~.runner.Runner` pool (threads, or worker processes), so
CPU-bound work never blocks the event loop, behind the :class:`~.guard.Guard` size limit. Errors
are JSON with stable codes (see :mod:`.errors`). Nothing in a request names a file: profiles
are names of profiles loaded at start, uploads are bytes.

(No ``from __future__ import annotations`` here: FastAPI must see the batch request classes,
defined per app because their size limit is a setting, as real types.)
"""

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from pydantic import Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import DataFileError, UnspinError
from ..lm import resolve
from . import models as m
from .config import ServerConfig
from .errors import CODES, RETRY_AFTER_SECONDS, ApiError, code_for_status, error_body
from .guard import Guard
from .runner import Runner
from .work import Resources

log = logging.getLogger("unspin.server")

API_KEY_HEADER = "X-API-Key"


def _error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    names = {c: [k for k, v in CODES.items() if v == c] for c in codes}
    return {
        c: {"model": m.ErrorResponse, "description": "Error; code one of: " + ", ".join(names[c])}
        for c in codes
    }


def _library_error(e: UnspinError) -> ApiError:
    return ApiError("invalid_input", str(e))


def _static_dir() -> str:
    return str(resources.files("unspin.server") / "static")


def build_app(config: ServerConfig | None = None) -> Guard:
    """The ASGI app for ``config``; the index (if any) is loaded now, so errors surface here."""
    cfg = config or ServerConfig()
    res = Resources.load(cfg.profiles, cfg.index_path)  # in this process too: fail early
    profiles = res.profiles
    has_trace = res.index is not None

    def check_profile(name: str | None) -> str | None:
        if name is not None and name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            msg = f"profile: unknown profile {name!r} (this server has: {known})"
            raise ApiError("validation_error", msg)
        return name

    runner = Runner(
        res,
        cfg.workers,
        cfg.max_queue,
        cfg.timeout,
        processes=cfg.processes,
        profile_paths=[str(p) for p in cfg.profiles],
        index_path=str(cfg.index_path) if cfg.index_path else None,
        warm_up=cfg.warm_up,
    )
    from .. import __version__

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runner.start()
        try:
            yield
        finally:
            runner.close()

    app = FastAPI(
        title="unspin",
        version=__version__,
        description="Detect, restore and trace automatically spun text, with every fix explained. "
        'Errors are JSON `{"error": {"code", "message"}}` with stable codes.',
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the spec is at /openapi.json
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runner = runner
    app.state.config = cfg

    # --- errors -------------------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        # 503 says when to come back (RFC 9110 10.2.3), so clients back off rather than hammer
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                error_body("invalid_json", "the request body is not valid JSON"), status_code=400
            )
        details = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in errors
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] if first["loc"][:1] == ["body"] else first["loc"])
        msg = f"{where}: {first['msg']}" if where else str(first["msg"])
        return JSONResponse(error_body("validation_error", msg, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = code_for_status(exc.status_code)
        msg = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(error_body(code, msg), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            error_body("internal_error", "an unexpected error occurred; it has been logged"),
            status_code=500,
        )

    # --- service ------------------------------------------------------------------------------

    index_html = (resources.files("unspin.server") / "static" / "index.html").read_bytes()

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(index_html, headers={"cache-control": "no-cache"})

    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")

    @app.get("/healthz", response_model=m.Health, tags=["service"])
    async def healthz() -> m.Health:
        """Liveness: the process answers."""
        return m.Health(status="ok")

    @app.get("/version", response_model=m.VersionInfo, tags=["service"])
    async def version() -> m.VersionInfo:
        """The library version, whether trace is available, and the limits in force."""
        return m.VersionInfo(
            version=__version__,
            profiles=sorted(profiles),
            trace=has_trace,
            auth=cfg.api_key is not None,
            model=resolve(None),
            limits=m.Limits(
                max_bytes=cfg.max_bytes,
                max_batch=cfg.max_batch,
                timeout_s=cfg.timeout,
                max_concurrency=cfg.workers,
            ),
        )

    # --- API ----------------------------------------------------------------------------------

    deps = []
    if cfg.api_key is not None:
        key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)
        expected = cfg.api_key.encode()

        async def check_key(key: str | None = Security(key_header)) -> None:
            if key is None or not secrets.compare_digest(key.encode(), expected):
                raise ApiError("unauthorized", f"a valid {API_KEY_HEADER} header is required")

        deps.append(Depends(check_key))

    auth = (401,) if cfg.api_key is not None else ()
    errs = _error_responses(400, *auth, 408, 413, 422, 500, 503, 504)
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
        responses=_error_responses(415),
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

    app.include_router(v1)

    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        # A request may name only the profiles loaded at start: say so in the spec.
        if app.openapi_schema is None:
            spec = base_openapi()
            names = sorted(profiles)
            prop: dict[str, Any] = {"type": "null"}
            if names:
                prop = {"anyOf": [{"type": "string", "enum": names}, {"type": "null"}]}
            prop["description"] = "Name of a profile loaded by the server (see /version)."
            for schema in spec.get("components", {}).get("schemas", {}).values():
                props = schema.get("properties", {})
                if "profile" in props:
                    props["profile"] = dict(prop)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    if cfg.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cfg.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", API_KEY_HEADER.lower()],
        )

    return Guard(app, cfg.max_bytes, body_timeout=cfg.body_timeout)
