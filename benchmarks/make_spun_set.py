"""Build a spun benchmark set: clean documents, spun by each profile at each rate, with the key.

    python -m benchmarks.make_spun_set --kind prose --n 200 --profiles filler thesaurus \\
        --rates 0.1 0.3 0.6 --out bench-out/spun-prose.jsonl

One JSON line per (document, profile, rate):
``{id, doc_id, profile, rate, seed, kind, source, clean, spun, substitutions}``, where
``substitutions`` are the spinner's records (``start``/``end`` in ``spun``, ``orig_start``/
``orig_end`` in ``clean``). Deterministic: the same arguments write the same bytes. The
documents come from benchmarks/corpus.py, the spinner is unspin.spinner; restore, detect
and trace benchmarks read these files. ``heldout`` is a profile that nothing in unspin is
tuned on: report it apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import KINDS, CorpusUnavailable, documents  # noqa: E402
from unspin.spinner import available_profiles, spin  # noqa: E402


def build(
    out: Path, kind: str, n: int, profiles: list[str], rates: list[float], seed: int,
    corpus_seed: int, words: tuple[int, int] | None = None,
) -> tuple[Counter[tuple[str, float]], Counter[tuple[str, float]], int]:
    """Write the set; return records and substitutions per (profile, rate), and words."""
    docs = list(documents(kind, n=n, seed=corpus_seed, words=words, missing="skip"))
    counts: Counter[tuple[str, float]] = Counter()
    subs: Counter[tuple[str, float]] = Counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for doc in docs:
            for profile in profiles:
                for rate in rates:
                    r = spin(doc.text, profile=profile, rate=rate, seed=seed)
                    rec = {
                        "id": f"{doc.id}|{profile}|{rate}|{seed}",
                        "doc_id": doc.id,
                        "profile": profile,
                        "rate": rate,
                        "seed": seed,
                        "kind": doc.kind,
                        "source": doc.source,
                        "clean": doc.text,
                        "spun": r.text,
                        "substitutions": [s.to_dict() for s in r.substitutions],
                    }
                    f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
                    counts[(profile, rate)] += 1
                    subs[(profile, rate)] += len(r.substitutions)
    tmp.replace(out)
    return counts, subs, sum(len(d.text.split()) for d in docs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", default="prose", choices=[k for k in KINDS if k != "nonnative"])
    ap.add_argument("--n", type=int, default=200, help="documents (default 200)")
    ap.add_argument("--profiles", nargs="+", default=available_profiles(),
                    choices=available_profiles())
    ap.add_argument("--rates", nargs="+", type=float, default=[0.1, 0.3, 0.6])
    ap.add_argument("--seed", type=int, default=0, help="the spinner's key (default 0)")
    ap.add_argument("--corpus-seed", type=int, default=0, help="document sample (default 0)")
    ap.add_argument("--words", nargs=2, type=int, metavar=("LO", "HI"), default=None,
                    help="document size in words (default: the corpus default for the kind)")
    ap.add_argument("--out", type=Path, default=None,
                    help="output JSONL (default bench-out/spun-KIND-N.jsonl)")
    args = ap.parse_args(argv)
    if any(not 0 <= r <= 1 for r in args.rates):
        ap.error("rates must be between 0 and 1")
    out = args.out or ROOT / "bench-out" / f"spun-{args.kind}-{args.n}.jsonl"
    t0 = time.perf_counter()
    try:
        counts, subs, words = build(out, args.kind, args.n, args.profiles, args.rates, args.seed,
                       args.corpus_seed, tuple(args.words) if args.words else None)
    except CorpusUnavailable as e:
        print(f"make_spun_set: {e}", file=sys.stderr)
        return 2
    total = sum(counts.values())
    print(f"wrote {total} records to {out} in {time.perf_counter() - t0:.1f} s "
          f"({len(counts)} profile-rate pairs, {words:,} clean words)")
    for (profile, rate), k in sorted(counts.items()):
        per100 = 100 * subs[(profile, rate)] / max(1, words)
        print(f"  {profile:10} rate {rate:<4} {k} documents, {subs[(profile, rate)]} "
              f"substitutions ({per100:.1f} per 100 words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
