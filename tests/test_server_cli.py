"""``unspin serve`` as a user runs it: a real subprocess on 127.0.0.1, stopped by a signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

import unspin  # noqa: E402

CLI = [sys.executable, "-c", "import sys; from unspin.cli import main; sys.exit(main())", "serve"]
SPUN = "The head of state signed the invoice, as well as the counterfeit consciousness plan."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "--port", str(port), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited early: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, proc.stderr.read().decode()  # type: ignore[union-attr]


def test_serve_answers_and_stops_cleanly() -> None:
    with serve() as url:
        r = httpx.post(url + "/v1/restore", json={"text": SPUN}, timeout=60)
        assert r.status_code == 200
        assert r.json()["text"] == unspin.restore(SPUN).text
        assert "<title>" in httpx.get(url + "/").text


def test_serve_api_key_from_the_environment() -> None:
    with serve(env={"UNSPIN_API_KEY": "key-from-env-123"}) as url:
        r = httpx.post(url + "/v1/detect", json={"text": SPUN}, timeout=60)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        r = httpx.post(
            url + "/v1/detect",
            json={"text": SPUN},
            headers={"X-API-Key": "key-from-env-123"},
            timeout=60,
        )
        assert r.status_code == 200


def test_serve_with_worker_processes() -> None:
    texts = [f"Item {i}. " + SPUN for i in range(8)]
    with serve("--processes", "--concurrency", "2", "--max-batch", "8") as url:
        docs = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
        r = httpx.post(url + "/v1/restore/batch", json={"documents": docs}, timeout=120)
        assert r.status_code == 200, r.text
        got = r.json()["results"]
        assert [x["id"] for x in got] == [d["id"] for d in docs]
        assert [x["result"]["text"] for x in got] == [unspin.restore(t).text for t in texts]
        assert httpx.get(url + "/version").json()["limits"]["max_batch"] == 8


@pytest.mark.parametrize(
    "args, message",
    [
        (["--index", "/nonexistent/index"], "no trace index"),
        (["--profile", "/nonexistent/p.tsv"], "no such profile"),
        (["--max-bytes", "10"], "max_bytes"),
        (["--port", "70000"], "--port"),
    ],
)
def test_serve_bad_setup_is_one_line_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    r = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
