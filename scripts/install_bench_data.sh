#!/usr/bin/env bash
# Install the clean English text that benchmarks/corpus.py reads (see benchmarks/CORPORA.md).
# Everything comes from the ordinary package registries (Debian, PyPI); nothing else is fetched.
#
#   bash scripts/install_bench_data.sh            # news, prose, technical, legal (~600 MB)
#   bash scripts/install_bench_data.sh --minimal  # news and prose only (gensim's test data)
#
# Then: python benchmarks/corpus.py   (counts what is available, per kind)
set -euo pipefail

minimal=0
[[ "${1:-}" == "--minimal" ]] && minimal=1

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"

# news + prose: the Lee news corpus and an English Wikipedia sample ship in gensim's test
# data. Only the files are read (gensim is never imported), so its dependencies are not needed.
python3 -m pip install --no-deps "gensim==4.4.0"

if [[ $minimal -eq 0 ]]; then
    # technical prose (documentation packages) and legal text (/usr/share/common-licenses,
    # always present). openjdk-17-doc pulls in a JDK; drop it from the list to save ~300 MB.
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends \
        python3.11-doc linux-doc debian-handbook postgresql-doc-15 perl-doc \
        python-django-doc git-doc openjdk-17-doc
fi

python3 "$(dirname "$0")/../benchmarks/corpus.py" news prose
