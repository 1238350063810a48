"""Schemathesis against the live server's OpenAPI spec: every operation, generated inputs.

Checks that no input gives a server error, that every status code and body is the one the
spec documents (errors included), and that the spec itself is valid. Runs against a real
uvicorn server on 127.0.0.1 with a trace index, so all operations are exercised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis.specs.openapi.checks import (  # noqa: E402
    negative_data_rejection,
    positive_data_acceptance,
)

from unspin.server import create_app  # noqa: E402
from unspin.server.testing import serve_in_thread  # noqa: E402

SOURCE = "The president signed the bill on Monday, and the plan was sent to the parliament."


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from unspin.trace import Index

    idx = tmp_path_factory.mktemp("schema") / "index"
    with Index(idx, create=True) as index:
        index.add_many([("source", SOURCE)])
    with serve_in_thread(create_app(index_path=idx, max_batch=4)) as url:
        yield url


@pytest.fixture(scope="module")
def api_schema(live: str) -> Any:
    return schemathesis.openapi.from_url(live + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_spec(case: Any, live: str) -> None:
    excluded = []
    if case.operation.path == "/v1/extract":
        # The upload is raw text: any bytes "fit" its string schema, so there is no invalid
        # body to reject, while binary-looking bytes are refused (422 invalid_input) by design.
        excluded += [positive_data_acceptance, negative_data_rejection]
    case.call_and_validate(base_url=live, timeout=60, excluded_checks=excluded)


def test_spec_is_served_and_complete(live: str) -> None:
    import httpx

    spec = httpx.get(live + "/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/v1/detect", "/v1/restore", "/v1/trace"):
        for form in (path, path + "/batch"):
            responses = spec["paths"][form]["post"]["responses"]
            assert {"200", "413", "422", "503", "504"} <= set(responses)


def test_spec_matches_the_routes_served(live: str) -> None:
    """The spec documents exactly the operations the server answers, with their methods."""
    import httpx

    loaded = schemathesis.openapi.from_url(live + "/openapi.json")
    ops = {(op.method.upper(), op.path) for op in (r.ok() for r in loaded.get_all_operations())}
    # the API the README documents, all of it and nothing else
    api = {"/v1/detect", "/v1/restore", "/v1/trace"}
    documented = {("POST", p) for p in api} | {("POST", p + "/batch") for p in api}
    documented |= {("POST", "/v1/extract"), ("GET", "/healthz"), ("GET", "/version")}
    assert ops == documented
    with httpx.Client(base_url=live, timeout=60) as client:
        for method, path in sorted(ops):
            # each documented operation is served...
            r = client.request(method, path, json={} if method == "POST" else None)
            assert r.status_code not in (404, 405), (method, path, r.status_code)
            # ...and answers only the method the spec gives it
            other = "GET" if method == "POST" else "POST"
            assert client.request(other, path).status_code == 405, (other, path)
        # a path outside the spec is not served
        assert client.post("/v1/undocumented", json={}).status_code == 404
