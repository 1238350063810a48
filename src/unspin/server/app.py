"""The ASGI app: a JSON API over detect, restore and trace, and the page.

Every library call runs in the :class:`~.runner.Runner` pool (threads, or worker processes), so
CPU-bound work never blocks the event loop, behind the :class:`~.guard.Guard` size limit. Errors
are JSON with stable codes (see :mod:`.errors`, :mod:`.handlers`). Nothing in a request names a
file: profiles are names of profiles loaded at start, uploads are bytes. The ``/v1`` routes are
in :mod:`.api`; the spec's list of profile names in :mod:`.openapi`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ..lm import resolve
from . import models as m
from .api import API_KEY_HEADER, api_router
from .config import ServerConfig
from .errors import ApiError
from .guard import Guard
from .handlers import install_error_handlers
from .openapi import name_the_profiles
from .runner import Runner
from .work import Resources


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
    install_error_handlers(app)

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

    app.include_router(api_router(cfg, runner, check_profile, has_trace))
    name_the_profiles(app, profiles)

    if cfg.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cfg.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", API_KEY_HEADER.lower()],
        )

    return Guard(app, cfg.max_bytes, body_timeout=cfg.body_timeout)
