"""``unspin serve``: run the JSON API and the page on a local port."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError, MissingDependencyError
from ..server.config import (
    DEFAULT_MAX_BATCH,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_QUEUE,
    DEFAULT_TIMEOUT,
)

NAME = "serve"
HELP = "serve the JSON API and the checking page (http://127.0.0.1:8080/)"
DESCRIPTION = (
    "Serve POST /v1/detect, /v1/restore (and /v1/trace with --index), their /batch forms, "
    "GET /healthz, /version, /openapi.json, and a page at / for checking one text at a time. "
    "Listens on 127.0.0.1 unless told otherwise. An API key, if wanted, is read from the "
    "UNSPIN_API_KEY environment variable (never from the command line, where other users "
    "could see it)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port (default: %(default)s; 0 picks one)"
    )
    parser.add_argument("--index", metavar="DIR", help="trace index to load; enables /v1/trace")
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="FILE",
        help="spinner profile that requests may name (repeatable; loaded at start)",
    )
    parser.add_argument(
        "--api-key-env",
        metavar="VAR",
        default="UNSPIN_API_KEY",
        help="environment variable holding the API key required in X-API-Key (default: "
        "%(default)s; unset or empty: no key)",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help="largest request body, in bytes (default: %(default)s)",
    )
    parser.add_argument(
        "--max-batch",
        type=int,
        default=DEFAULT_MAX_BATCH,
        help="most documents in a batch request (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        metavar="N",
        help="library calls running at once (default: one per core)",
    )
    parser.add_argument(
        "--queue",
        type=int,
        default=DEFAULT_MAX_QUEUE,
        metavar="N",
        help="requests that may wait for a free worker; beyond that, 503 busy with a "
        "Retry-After header (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds per request, waiting included (default: %(default)s)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browser calls from this origin (repeatable; default: none)",
    )
    parser.add_argument(
        "--processes",
        action="store_true",
        help="run library calls in worker processes (parallel on every core; more memory) "
        "rather than threads",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes, each with its own models and limits (default: %(default)s)",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="context model for restore and detect: auto (default: the neural model if "
        "installed, else the trigram), trigram, smollm2-135m, gemma3-270m",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise MissingDependencyError("unspin serve", "uvicorn", "server") from None
    from ..server import ENV_CONFIG, create_app

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be in 0..65535, got {args.port}")
    api_key = os.environ.get(args.api_key_env) or None
    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    if args.concurrency < 0:
        raise InputError(f"--concurrency must be >= 0 (0: one per core), got {args.concurrency}")
    if args.queue < 0:
        raise InputError(f"--queue must be at least 0, got {args.queue}")
    from ..lm import resolve

    # The library's default model, for this process and every worker it starts.
    os.environ["UNSPIN_MODEL"] = resolve(args.model)
    # Bind now: a bad address or a busy port fails in one line, before the URL is announced.
    sock = _bind(args.host, args.port)
    args.port = sock.getsockname()[1]
    settings = {
        "index_path": str(Path(args.index).resolve()) if args.index else None,
        "profiles": [str(Path(p).resolve()) for p in args.profile],
        "max_bytes": args.max_bytes,
        "max_concurrency": args.concurrency,
        "max_queue": args.queue,
        "processes": args.processes,
        "max_batch": args.max_batch,
        "timeout": args.timeout,
        "cors_origins": list(args.cors_origin),
    }
    try:
        # Built here even with --workers N: a bad index or profile fails now, in one line.
        app = create_app(
            index_path=args.index,
            api_key=api_key,
            profiles=tuple(args.profile),
            max_bytes=args.max_bytes,
            max_concurrency=args.concurrency,
            max_queue=args.queue,
            processes=args.processes,
            max_batch=args.max_batch,
            timeout=args.timeout,
            cors_origins=tuple(args.cors_origin),
            warm_up=args.workers == 1,
        )
    except ValueError as e:
        sock.close()
        raise InputError(str(e)) from None
    except BaseException:
        sock.close()
        raise
    if args.host not in ("127.0.0.1", "localhost", "::1") and api_key is None:
        print(
            f"unspin serve: warning: listening on {args.host} without an API key",
            file=sys.stderr,
        )
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "timeout_graceful_shutdown": 5,
        "server_header": False,
    }
    print(f"unspin serve: http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        if args.workers > 1:
            sock.close()  # uvicorn's supervisor binds the port itself for its workers
            os.environ[ENV_CONFIG] = json.dumps({**settings, "api_key_env": args.api_key_env})
            uvicorn.run("unspin.server:app_from_env", factory=True, workers=args.workers, **common)
        else:
            uvicorn.Server(uvicorn.Config(app, **common)).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown
        pass
    finally:
        sock.close()
    print("unspin serve: stopped", file=sys.stderr)
    return 0


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: a free port), or an InputError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InputError(
            f"--host {host}: not an address this machine can listen on ({reason})"
        ) from None
    family, _type, _proto, _name, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(addr)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(True)
    return sock
