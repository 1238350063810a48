"""The web service over a real uvicorn server on 127.0.0.1: results, limits, errors, security."""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

import unspin  # noqa: E402
from unspin.server import create_app  # noqa: E402
from unspin.server.errors import CODES  # noqa: E402
from unspin.server.testing import serve_in_thread  # noqa: E402

SPUN = (
    "The head of state signed the invoice on Monday, as well as the counterfeit consciousness "
    "plan was sent to the parliament."
)
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> &amp; "quotes" \u202e'


def long_text(words: int) -> str:
    base = SPUN.split()
    return " ".join(base[i % len(base)] for i in range(words)) + "."


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_in_thread(create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert body["error"]["code"] == code
    assert CODES[code] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


# --- service ------------------------------------------------------------------------------


def test_health_and_version(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    v = client.get("/version").json()
    assert v["version"] == unspin.__version__
    assert v["trace"] is False and v["auth"] is False
    assert v["limits"]["max_bytes"] > 0 and v["limits"]["max_batch"] >= 1


def test_openapi_lists_the_operations_and_no_cdn_docs(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/v1/detect", "/v1/restore", "/v1/detect/batch", "/v1/restore/batch"} <= paths
    assert {"/healthz", "/version", "/v1/extract"} <= paths
    assert "/v1/trace" not in paths  # no index loaded
    # Swagger UI and ReDoc pull scripts from a CDN: they are off.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_page_and_assets_are_local(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for ref in ("/static/app.js", "/static/app.css"):
        assert ref in html
        assert client.get(ref).status_code == 200
    assert "http://" not in html and "https://" not in html
    for asset in ("/static/app.js", "/static/app.css"):
        body = client.get(asset).text
        assert "https://" not in body and "http://" not in body and "@import" not in body
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"


def test_page_script_never_parses_user_text_as_html(client: httpx.Client) -> None:
    js = client.get("/static/app.js").text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js


# --- detect and restore ---------------------------------------------------------------------


def test_detect_matches_the_library(client: httpx.Client) -> None:
    r = client.post("/v1/detect", json={"text": SPUN})
    assert r.status_code == 200, r.text
    got = r.json()
    want = unspin.detect(SPUN).to_dict()
    assert got["score"] == pytest.approx(want["score"])
    assert got["label"] == want["label"]
    assert 0.0 <= got["score"] <= 1.0
    for s in got["spans"]:
        assert SPUN[s["start"] : s["end"]] == s["text"]


def test_restore_fixes_replay_onto_the_input(client: httpx.Client) -> None:
    r = client.post("/v1/restore", json={"text": SPUN})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["fixes"], "the headline example should be restored"
    assert unspin.apply_fixes(SPUN, got["fixes"]) == got["text"]
    assert "president" in got["text"]
    assert got["text"] == unspin.restore(SPUN).text


def test_min_confidence_drops_the_fixes_below_it(client: httpx.Client) -> None:
    loose = client.post("/v1/restore", json={"text": SPUN, "min_confidence": 0.0}).json()
    confidences = sorted(f["confidence"] for f in loose["fixes"])
    assert len(confidences) >= 2 and confidences[0] < confidences[-1]
    cut = (confidences[0] + confidences[-1]) / 2  # some fixes fall below it, some stay above
    strict = client.post("/v1/restore", json={"text": SPUN, "min_confidence": cut}).json()
    assert 0 < len(strict["fixes"]) < len(loose["fixes"])
    assert strict["fixes"] == [f for f in loose["fixes"] if f["confidence"] >= cut]
    assert strict["text"] == unspin.apply_fixes(SPUN, strict["fixes"])
    assert strict["text"] == unspin.restore(SPUN, min_confidence=cut).text != loose["text"]


def test_hostile_text_comes_back_as_data(client: httpx.Client) -> None:
    text = HOSTILE + " " + SPUN
    r = client.post("/v1/restore", json={"text": text})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["text"].startswith(HOSTILE)  # untouched, not escaped or stripped


def test_non_bmp_offsets_are_code_points(client: httpx.Client) -> None:
    text = "\U0001f600\U0001f600 " + SPUN
    got = client.post("/v1/restore", json={"text": text}).json()
    for f in got["fixes"]:
        assert text[f["start"] : f["end"]] == f["spun"]


def test_batch_keeps_order_and_ids(client: httpx.Client) -> None:
    texts = [SPUN, "A plain sentence about the weather.", HOSTILE, SPUN.upper()]
    docs = [{"id": f"doc-{i}", "text": t} for i, t in enumerate(texts)]
    r = client.post("/v1/restore/batch", json={"documents": docs})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == [d["id"] for d in docs]
    for x, t in zip(results, texts, strict=True):
        assert x["result"]["text"] == unspin.restore(t).text
    d = client.post("/v1/detect/batch", json={"documents": docs}).json()["results"]
    assert [x["id"] for x in d] == [doc["id"] for doc in docs]
    for x, t in zip(d, texts, strict=True):
        assert x["result"]["score"] == unspin.detect(t).to_dict()["score"]


def test_batch_size_is_limited(base: str) -> None:
    with serve_in_thread(create_app(max_batch=2, warm_up=False)) as url:
        docs = [{"text": "x"}] * 3
        r = httpx.post(url + "/v1/detect/batch", json={"documents": docs})
        assert_error(r, 422, "validation_error")
        r = httpx.post(url + "/v1/detect/batch", json={"documents": []})
        assert_error(r, 422, "validation_error")


def test_concurrent_requests_are_not_mixed_up(client: httpx.Client, base: str) -> None:
    texts = [f"Report {i}: " + SPUN + f" Item {i} closes it." for i in range(24)]
    want = {t: unspin.restore(t).text for t in texts}

    def one(t: str) -> tuple[str, str]:
        r = httpx.post(base + "/v1/restore", json={"text": t}, timeout=60)
        assert r.status_code == 200, r.text
        return t, r.json()["text"]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for t, got in pool.map(one, texts * 2):
            assert got == want[t]


# --- errors and limits ----------------------------------------------------------------------


def test_request_size_limit_by_header_and_by_stream() -> None:
    with serve_in_thread(create_app(max_bytes=4096, warm_up=False)) as url:
        big = {"text": "word " * 2000}
        assert_error(httpx.post(url + "/v1/detect", json=big), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
            yield b'{"text": "'
            for _ in range(100):
                yield b"word " * 20
            yield b'"}'

        r = httpx.post(
            url + "/v1/detect", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_error(r, 413, "payload_too_large")
        # below the limit is fine
        assert httpx.post(url + "/v1/detect", json={"text": "word " * 100}).status_code == 200


def test_slow_request_body_is_cut_off() -> None:
    import socket
    from urllib.parse import urlparse

    with serve_in_thread(create_app(body_timeout=0.5, warm_up=False)) as url:
        u = urlparse(url)
        with socket.create_connection((u.hostname, u.port), timeout=30) as sock:
            sock.sendall(
                b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"text": "only part'
            )
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.endswith(b"}"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408")
        assert json.loads(body)["error"]["code"] == "request_timeout"
        assert httpx.get(url + "/healthz").status_code == 200


def test_malformed_requests_get_stable_codes(client: httpx.Client) -> None:
    h = {"content-type": "application/json"}
    assert_error(client.post("/v1/detect", content=b"{nope", headers=h), 400, "invalid_json")
    assert_error(client.post("/v1/detect", json={"txt": "a"}), 422, "validation_error")
    assert_error(client.post("/v1/detect", json={"text": 5}), 422, "validation_error")
    assert_error(client.post("/v1/detect", json={"text": "a", "x": 1}), 422, "validation_error")
    assert_error(
        client.post("/v1/detect", json={"text": "a", "threshold": 2}), 422, "validation_error"
    )
    surrogate = b'{"text": "a \\ud800 b"}'
    assert_error(client.post("/v1/restore", content=surrogate, headers=h), 422, "validation_error")
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    assert_error(client.get("/v1/detect"), 405, "method_not_allowed")
    assert_error(client.get("/v1/trace"), 404, "not_found")


def make_profile(path: Path, name: str) -> Path:
    from unspin.profile import Profile, Rule

    Profile.from_rules(name, [Rule("invoice", "bill", 5, 0.9)]).save(path)
    return path


def test_profile_is_a_name_never_a_path(
    client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bad in ("../../etc/passwd", "/etc/passwd", "a/b", "C:\\x", " x", ""):
        r = client.post("/v1/restore", json={"text": "a", "profile": bad})
        assert_error(r, 422, "validation_error")
    # a real profile file in the server's working directory is still out of reach
    monkeypatch.chdir(tmp_path)
    make_profile(tmp_path / "local.tsv", "local")
    # the library itself would read it (a path), and use it: invoice -> bill comes from it
    by_library = unspin.restore(SPUN, profile="local.tsv")
    assert ("invoice", "bill", "profile") in {
        (f.spun, f.original, f.evidence.source) for f in by_library.fixes
    }
    r = client.post("/v1/restore", json={"text": SPUN, "profile": "local.tsv"})
    body = assert_error(r, 422, "validation_error")
    assert "unknown profile" in body["error"]["message"]


def test_profiles_loaded_at_start_can_be_named(tmp_path: Path) -> None:
    prof = make_profile(tmp_path / "house.tsv", "house")
    with serve_in_thread(create_app(profiles=(prof,), warm_up=False)) as url:
        assert httpx.get(url + "/version").json()["profiles"] == ["house"]
        r = httpx.post(url + "/v1/restore", json={"text": SPUN, "profile": "house"}, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["text"] == unspin.restore(SPUN, profile=prof).text
        r = httpx.post(url + "/v1/detect", json={"text": SPUN, "profile": "house"}, timeout=60)
        assert r.status_code == 200, r.text
        r = httpx.post(url + "/v1/detect", json={"text": SPUN, "profile": "other"}, timeout=60)
        assert_error(r, 422, "validation_error")
        spec = httpx.get(url + "/openapi.json").json()
        prop = spec["components"]["schemas"]["RestoreRequest"]["properties"]["profile"]
        assert prop["anyOf"][0]["enum"] == ["house"]


def test_bad_profile_fails_when_the_app_is_built(tmp_path: Path) -> None:
    from unspin.errors import DataFileError

    bad = tmp_path / "bad.tsv"
    bad.write_text("not a profile\n")
    with pytest.raises(DataFileError):
        create_app(profiles=(bad,))


def test_static_files_do_not_escape_their_folder(client: httpx.Client) -> None:
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/config.py",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "def " not in r.text


def test_timeout_gives_504() -> None:
    text = long_text(10_000)
    with serve_in_thread(create_app(timeout=0.001, warm_up=False)) as url:
        r = httpx.post(url + "/v1/restore", json={"text": text}, timeout=120)
        assert_error(r, 504, "timeout")
        assert httpx.get(url + "/healthz").status_code == 200  # still serving


def test_concurrency_limit_refuses_with_busy() -> None:
    text = long_text(4_000)
    app = create_app(max_concurrency=1, max_queue=0, warm_up=True)
    with serve_in_thread(app) as url:

        def one(_i: int) -> int:
            return httpx.post(url + "/v1/restore", json={"text": text}, timeout=120).status_code

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(one, range(6)))
        assert 200 in codes and 503 in codes, codes
        assert set(codes) <= {200, 503}
        r = httpx.post(url + "/v1/restore", json={"text": "fine"}, timeout=60)
        assert r.status_code == 200  # slots are given back


def test_api_key() -> None:
    key = "s3cret-key-for-tests"
    with serve_in_thread(create_app(api_key=key, warm_up=False)) as url:
        assert_error(httpx.post(url + "/v1/detect", json={"text": "a"}), 401, "unauthorized")
        r = httpx.post(url + "/v1/detect", json={"text": "a"}, headers={"X-API-Key": "wrong-key"})
        assert_error(r, 401, "unauthorized")
        r = httpx.post(url + "/v1/detect", json={"text": "a"}, headers={"X-API-Key": key})
        assert r.status_code == 200
        assert httpx.get(url + "/healthz").status_code == 200  # probes need no key
        assert httpx.get(url + "/version").json()["auth"] is True
        spec = httpx.get(url + "/openapi.json").json()
        assert "APIKeyHeader" in json.dumps(spec["components"]["securitySchemes"])


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    origin = {"Origin": "http://evil.example"}
    r = client.post("/v1/detect", json={"text": "a"}, headers=origin)
    assert "access-control-allow-origin" not in r.headers
    pre = client.options(
        "/v1/detect",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in pre.headers


def test_cors_when_asked() -> None:
    ok = "http://app.local"
    with serve_in_thread(create_app(cors_origins=(ok,), warm_up=False)) as url:
        r = httpx.post(url + "/v1/detect", json={"text": "a"}, headers={"Origin": ok})
        assert r.headers["access-control-allow-origin"] == ok
        r = httpx.post(url + "/v1/detect", json={"text": "a"}, headers={"Origin": "http://x.y"})
        assert "access-control-allow-origin" not in r.headers


# --- uploads --------------------------------------------------------------------------------


def test_extract_html_upload(client: httpx.Client) -> None:
    page = (
        "<!doctype html><html><head><title>T</title><script>var secret = 1;</script>"
        "<style>p { color: red }</style></head><body><article><p>"
        + SPUN.replace("&", "&amp;")
        + "</p><p>Second &amp; last paragraph.</p></article></body></html>"
    )
    r = client.post(
        "/v1/extract",
        params={"filename": "a.html"},
        content=page.encode(),
        headers={"content-type": "text/html"},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["format"] == "html"
    assert "head of state" in got["text"] and "Second & last" in got["text"]
    assert "secret" not in got["text"] and "color" not in got["text"]


def test_extract_text_upload_and_refusals(client: httpx.Client) -> None:
    r = client.post("/v1/extract", content=SPUN.encode(), headers={"content-type": "text/plain"})
    assert r.json() == {"text": SPUN, "format": "text"}
    binary = bytes(range(256)) * 4
    r = client.post("/v1/extract", content=binary, headers={"content-type": "text/plain"})
    assert_error(r, 422, "invalid_input")
    r = client.post("/v1/extract", content=b"\xff\xfe abc", headers={"content-type": "text/plain"})
    assert_error(r, 422, "invalid_input")
    r = client.post("/v1/extract", content=b"abc", headers={"content-type": "image/png"})
    assert_error(r, 415, "unsupported_media_type")


def test_stdlib_html_fallback_drops_scripts() -> None:
    from unspin.server.extract import html_to_text_stdlib

    html = "<p>One<br>two</p><script>bad()</script><noscript>x</noscript><p>a &lt;b&gt;</p>"
    assert html_to_text_stdlib(html) == "One\ntwo\n\na <b>"


# --- trace ----------------------------------------------------------------------------------


def test_trace_only_with_an_index(tmp_path: Path) -> None:
    from unspin.trace import Index

    source = (
        "The president signed the bill on Monday, and the artificial intelligence plan was "
        "sent to the parliament. Critics said the plan was rushed and badly explained."
    )
    with Index(tmp_path / "idx", create=True) as index:
        index.add_many([("source-1", source), ("other", "Cats sleep most of the day.")])
    spun = (
        "The head of state signed the invoice on Monday, as well as the counterfeit "
        "consciousness plan was sent to the parliament. Critics said the plan was rushed "
        "and badly explained."
    )
    with serve_in_thread(create_app(index_path=tmp_path / "idx", warm_up=False)) as url:
        assert httpx.get(url + "/version").json()["trace"] is True
        r = httpx.post(url + "/v1/trace", json={"text": spun, "top": 2}, timeout=60)
        assert r.status_code == 200, r.text
        cands = r.json()["candidates"]
        assert cands[0]["id"] == "source-1"
        assert any(a["kind"] == "substitution" for a in cands[0]["alignment"])
        for a in cands[0]["alignment"]:
            assert spun[a["spun_start"] : a["spun_end"]] == a["spun"]
        b = httpx.post(
            url + "/v1/trace/batch", json={"documents": [{"id": "q", "text": spun}]}, timeout=60
        ).json()
        assert b["results"][0]["id"] == "q"
        assert b["results"][0]["result"]["candidates"][0]["id"] == "source-1"


def test_missing_index_fails_when_the_app_is_built(tmp_path: Path) -> None:
    from unspin.errors import DataFileError

    with pytest.raises(DataFileError):
        create_app(index_path=tmp_path / "none")
