#!/usr/bin/env bash
# Check that pyproject.toml's runtime ranges are true at their low end: install the LOWEST
# version each core dependency allows (`pkg>=X` becomes `pkg==X`; `==` pins stay) into a
# throwaway venv, unspin on top with --no-deps, and run the core tests (those that need no
# extra). Their other dependencies resolve freely; `pip check` must then be clean.
#
#   bash scripts/test_min_deps.sh              # venv in a temporary folder, removed at the end
#   KEEP=1 bash scripts/test_min_deps.sh       # keep the venv (its path is printed)
#
# A failure here means a lower bound in pyproject.toml is false: raise it (and say why beside it).
# Not part of .ci/run (it builds old sdists, a few minutes); run it when a dependency changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/unspin-min-deps.XXXXXX)
[[ "${KEEP:-0}" == "1" ]] || trap 'rm -rf "$work"' EXIT

python - "$work/lowest.txt" <<'PY'
import re
import sys
import tomllib

deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
pins = []
for dep in deps:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(==|>=)\s*([^,;\s]+)\s*", dep)
    if not m:
        sys.exit(f"test_min_deps.sh: cannot read a lower bound from {dep!r}")
    pins.append(f"{m[1]}=={m[3]}")
open(sys.argv[1], "w").write("\n".join(pins) + "\n")
PY
echo "lowest allowed runtime versions:"; sed 's/^/  /' "$work/lowest.txt"

# The test runner is the locked one (same pytest and hypothesis as scripts/test.sh), its pins
# read out of the lock one by one.
runner=$(grep -E '^(pytest|pluggy|iniconfig|packaging|pygments|hypothesis|sortedcontainers)==' requirements/test.txt \
         | sed 's/ .*//')

python -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q --disable-pip-version-check -r "$work/lowest.txt" $runner
"$py" -m pip install -q --disable-pip-version-check --no-deps -e "$root"
"$py" -m pip check
"$py" -m pip list --format=freeze 2>/dev/null | grep -iE '^(pocketsphinx|msgpack|pyahocorasick|numpy)=='

# The core tests: everything that needs no optional extra.
cd "$root"
"$py" -m pytest -q -p no:cacheprovider \
  tests/test_restore.py tests/test_detect.py tests/test_learn.py tests/test_spinner.py \
  tests/test_collocations.py tests/test_cases.py tests/test_cli_core.py tests/test_trace.py \
  tests/test_trace_cli.py "$@"
[[ "${KEEP:-0}" == "1" ]] && echo "kept: $work"
exit 0
