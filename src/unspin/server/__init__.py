"""``unspin serve``: a JSON API and a local page for checking one text at a time.

    >>> from unspin.server import create_app
    >>> app = create_app(api_key=None, max_bytes=2 << 20)   # any ASGI server can run it
    >>> # uvicorn.run(app, host="127.0.0.1", port=8080)

Endpoints: ``POST /v1/detect``, ``/v1/restore``, ``/v1/trace`` (with an index), each with a
``/batch`` form; ``POST /v1/extract`` (text of an uploaded .txt/.html); ``GET /healthz``,
``/version``, ``/openapi.json``; the page at ``/``. Needs ``pip install 'unspin[server]'``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError
from .config import (
    DEFAULT_MAX_BATCH,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_QUEUE,
    DEFAULT_TIMEOUT,
    ServerConfig,
)

if TYPE_CHECKING:
    from .guard import Guard

__all__ = ["ServerConfig", "app_from_env", "create_app"]

#: Settings for :func:`app_from_env` (a JSON object of create_app's keyword arguments, with
#: ``api_key_env`` naming the variable that holds the key): how ``unspin serve --workers N``
#: hands its settings to each server process.
ENV_CONFIG = "UNSPIN_SERVE_CONFIG"


def create_app(
    index_path: str | Path | None = None,
    api_key: str | None = None,
    *,
    profiles: tuple[str | Path, ...] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_concurrency: int = 0,
    processes: bool = False,
    max_queue: int = DEFAULT_MAX_QUEUE,
    max_batch: int = DEFAULT_MAX_BATCH,
    timeout: float = DEFAULT_TIMEOUT,
    body_timeout: float = 30.0,
    cors_origins: tuple[str, ...] = (),
    warm_up: bool = True,
) -> Guard:
    """The ASGI app. Profiles and the index are loaded now (errors surface here); requests
    name a loaded profile, never a path. ``max_concurrency=0``: one library call per core."""
    try:
        import fastapi  # noqa: F401
    except ImportError:
        raise MissingDependencyError("unspin serve", "fastapi", "server") from None
    from .app import build_app

    config = ServerConfig(
        index_path=Path(index_path) if index_path is not None else None,
        api_key=api_key,
        profiles=tuple(Path(p) for p in profiles),
        max_bytes=max_bytes,
        max_concurrency=max_concurrency,
        processes=processes,
        max_queue=max_queue,
        max_batch=max_batch,
        timeout=timeout,
        body_timeout=body_timeout,
        cors_origins=tuple(cors_origins),
        warm_up=warm_up,
    )
    return build_app(config)


def app_from_env() -> Guard:
    """The app configured by the ``UNSPIN_SERVE_CONFIG`` environment variable (a factory for
    ``uvicorn --factory`` and for multi-process serving)."""
    settings: dict[str, Any] = json.loads(os.environ.get(ENV_CONFIG) or "{}")
    key_env = settings.pop("api_key_env", None)
    api_key = (os.environ.get(key_env) or None) if key_env else None
    if "profiles" in settings:
        settings["profiles"] = tuple(settings["profiles"])
    if "cors_origins" in settings:
        settings["cors_origins"] = tuple(settings["cors_origins"])
    return create_app(api_key=api_key, **settings)
