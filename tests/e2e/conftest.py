"""Browser fixtures: Debian's chromium driven by Playwright, against a real local server.

Set up by ``scripts/install_browser.sh``. Without chromium the browser tests are skipped
locally and fail under CI (CI=true), where the script must have run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("UNSPIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

SOURCE = (
    "The president signed the bill on Monday, and the artificial intelligence plan was sent "
    "to the parliament. Critics said the plan was rushed and badly explained."
)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: run scripts/install_browser.sh")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _missing(f"no chromium at {CHROMIUM}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("fastapi")
    from unspin.server import create_app
    from unspin.server.testing import serve_in_thread
    from unspin.trace import Index

    idx = tmp_path_factory.mktemp("e2e") / "index"
    with Index(idx, create=True) as index:
        index.add_many([("news/2026-11-23-signing", SOURCE), ("other", "Cats sleep a lot.")])
    with serve_in_thread(create_app(index_path=idx)) as url:
        yield url


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server + "/")
    yield pg
    context.close()
    assert outside == [], f"the page reached outside the server: {outside}"
    assert errors == [], f"script errors on the page: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
