"""Error responses with stable codes: ``{"error": {"code": ..., "message": ...}}``.

Clients dispatch on ``code``, never on ``message``; codes are only ever added, never renamed.
"""

from __future__ import annotations

import json
from typing import Any

#: code -> HTTP status. The public contract of the service.
CODES: dict[str, int] = {
    "bad_request": 400,
    "invalid_json": 400,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "request_timeout": 408,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "validation_error": 422,
    "invalid_input": 422,
    "busy": 503,
    "timeout": 504,
    "internal_error": 500,
}

#: Seconds a client told 503 ``busy`` should wait before retrying (the ``Retry-After`` header).
RETRY_AFTER_SECONDS = 1


class ApiError(Exception):
    """Raised by a handler to answer with a JSON error of a stable code."""

    def __init__(self, code: str, message: str, details: list[dict[str, Any]] | None = None):
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.status = CODES[code]
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if details:
        err["details"] = details
    return {"error": err}


def error_bytes(code: str, message: str) -> bytes:
    return json.dumps(error_body(code, message)).encode()


def code_for_status(status: int) -> str:
    """The code for an HTTP error raised by the framework itself (routing, methods)."""
    for code, st in CODES.items():
        if st == status:
            return code
    return "bad_request" if 400 <= status < 500 else "internal_error"
