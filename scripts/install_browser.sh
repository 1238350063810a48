#!/usr/bin/env bash
# Install what the browser tests (tests/e2e, pytest -m browser) need: Debian's chromium, driven
# by Playwright for Python. Playwright's own browser download is never used (`playwright
# install` cannot reach its CDN here); the tests start /usr/bin/chromium themselves.
# Idempotent: does nothing that is already done. Run as root (CI is).
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

if ! python -c "import playwright" >/dev/null 2>&1; then
  python -m pip install -q "playwright>=1.44"
fi

chromium --version 2>/dev/null | head -n 1 || true
python -c "import playwright, importlib.metadata as m; print('playwright', m.version('playwright'))"
