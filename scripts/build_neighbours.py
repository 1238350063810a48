#!/usr/bin/env python3
"""Build ``src/unspin/data/neighbours.msgpack.gz``: every single word's thesaurus neighbours,
in both directions, each with the thesauri that know the link, from the shipped reverse
thesaurus (``data/lexicon.msgpack.gz``).

The reverse thesaurus answers "which originals may this spun form stand for"; the neural
restorer also needs the other direction (a spinner's table is not WordNet's) and two steps
(neighbours of neighbours, kept only where the language model itself proposes the word).
Deterministic: sorted words, gzip mtime 0.

    python scripts/build_neighbours.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin import datafile, lexicon  # noqa: E402


def main() -> None:
    links: dict[str, dict[str, int]] = defaultdict(dict)
    for spun in lexicon.forms():
        if " " in spun or not spun.isalpha():
            continue
        for original, bits in lexicon.originals(spun, limit=None):
            if " " in original or not original.isalpha() or original == spun:
                continue
            links[spun][original] = links[spun].get(original, 0) | bits
            links[original][spun] = links[original].get(spun, 0) | bits
    # "word:bits" (the thesauri that know the link, as in the lexicon), space-separated
    payload = {
        w: " ".join(f"{n}:{b}" for n, b in sorted(ns.items())) for w, ns in sorted(links.items())
    }
    out = ROOT / "src" / "unspin" / "data" / lexicon.NEIGHBOURS_FILE
    datafile.write(
        out, lexicon.NEIGHBOURS_FORMAT, lexicon.NEIGHBOURS_VERSION, payload, built_from=lexicon.FILE
    )
    n_links = sum(len(v) for v in links.values())
    print(f"{out.name}: {len(payload)} words, {n_links} directed links")


if __name__ == "__main__":
    main()
