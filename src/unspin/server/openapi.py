"""The OpenAPI spec of the app, saying which profiles a request may name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI


def name_the_profiles(app: FastAPI, profiles: Iterable[str]) -> None:
    """A request may name only the profiles loaded at start: say so in ``app``'s spec."""
    names = sorted(profiles)
    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = base_openapi()
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
