#!/usr/bin/env bash
# The test command: installs unspin with every extra the tests exercise, Debian's chromium for
# the browser tests, then runs the whole suite. README's second command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install -q --disable-pip-version-check -e ".[all,dev]"
bash scripts/install_browser.sh

# Optional extras are skipped by their tests when missing; here they must all be present, so
# that a green run really ran everything.
python - <<'PY'
import importlib, sys
need = ["pyarrow", "zstandard", "fastwarc", "resiliparse", "tqdm", "fastapi", "uvicorn",
        "schemathesis", "hypothesis", "httpx", "playwright", "pyspark", "datatrove",
        "warcio", "numpy"]
missing = [m for m in need if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"test.sh: missing packages after install: {', '.join(missing)}")
PY
command -v java >/dev/null || { echo "test.sh: Spark tests need Java 17 (apt-get install openjdk-17-jre-headless)"; exit 1; }

python -m pytest -q "$@"
