#!/usr/bin/env python3
"""Trace benchmark: find the source of spun copies among N clean documents.

One run, same data for every system:

- corpus: N documents of ``benchmarks.corpus.documents("trace")`` (Linux, PostgreSQL, Perl and
  Python documentation, Wikipedia, news, licences, cut into 100-400-word documents). Documents
  cut from the same long text share its topic and vocabulary, but not its sentences: they are
  the topic distractors. ``--pad M`` adds M synthetic documents (a word-bigram model of the
  corpus: same vocabulary and function words, no source sentences) to measure scale.
- queries: a sample of the documents, spun under every emulator profile at each spin rate,
  plus copies with a quarter of their sentences dropped and the rest shuffled, then spun at 0.3.
- systems: unspin trace (spin-invariant fingerprints, then alignment); datasketch MinHashLSH on
  word 5-shingles (the near-duplicate standard, threshold 0.5), and a permissive variant
  (3-shingles, threshold 0.2), candidates ranked by estimated Jaccard; bm25s (BM25, English
  stopwords).
- measures: recall@1, MRR@5, index build rate (CPU seconds, i.e. per core), index size per
  document, query latency p50/p99 (CPU and wall), peak memory (RSS growth of a fresh process
  per system).

    python benchmarks/bench_trace.py [--docs 10000] [--queries 100] [--pad 0]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402

PROFILES = ("filler", "thesaurus", "papermill", "heldout")
RATES = (0.1, 0.3, 0.6)
FARM_SEED = 11
_SENT = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")


# ----------------------------------------------------------------------------- data


def load_corpus(n: int, pad: int, seed: int) -> list[tuple[str, str]]:
    from benchmarks.corpus import documents

    try:
        docs = [(d.id, d.text) for d in documents("trace", n=n, seed=seed, missing="skip")]
    except (TypeError, AttributeError, EOFError) as e:  # a stale or foreign corpus cache
        print(f"corpus cache unreadable ({e.__class__.__name__}): parsing the sources again")
        docs = [
            (d.id, d.text) for d in documents("trace", n=n, seed=seed, missing="skip", cache=False)
        ]
    if pad:
        docs += synthetic(docs, pad, seed)
    return docs


def synthetic(docs: list[tuple[str, str]], m: int, seed: int) -> list[tuple[str, str]]:
    """``m`` documents from a word-bigram model of ``docs``: realistic postings, no sources."""
    rng = random.Random(seed)
    follow: dict[str, list[str]] = {}
    for _, text in docs:
        words = text.split()
        for a, b in zip(words, words[1:], strict=False):
            follow.setdefault(a, []).append(b)
    keys = list(follow)
    out = []
    for i in range(m):
        w = rng.choice(keys)
        words = [w]
        for _ in range(rng.randint(100, 400)):
            nxt = follow.get(w)
            w = rng.choice(nxt) if nxt else rng.choice(keys)
            words.append(w)
        out.append((f"synthetic-{i}", " ".join(words)))
    return out


def drop_and_reorder(text: str, rng: random.Random) -> str:
    sents = [s for s in _SENT.split(text) if s.strip()]
    keep = [s for s in sents if rng.random() >= 0.25] or sents[:1]
    rng.shuffle(keep)
    return " ".join(keep)


def make_queries(
    docs: list[tuple[str, str]], k: int, seed: int
) -> dict[str, list[tuple[str, str]]]:
    """{setting: [(source id, spun text)]}: every profile x rate, and dropped+reordered."""
    import unspin

    rng = random.Random(seed)
    real = [d for d in docs if not d[0].startswith("synthetic-")]
    sample = rng.sample(real, min(k, len(real)))
    sets: dict[str, list[tuple[str, str]]] = {}
    for profile in PROFILES:
        for rate in RATES:
            sets[f"{profile} {rate:.0%}"] = [
                (id, unspin.spin(text, profile=profile, rate=rate, seed=FARM_SEED).text)
                for id, text in sample
            ]
        sets[f"{profile} 30%, drop+reorder"] = [
            (
                id,
                unspin.spin(
                    drop_and_reorder(text, rng), profile=profile, rate=0.3, seed=FARM_SEED
                ).text,
            )
            for id, text in sample
        ]
    return sets


def pair_accuracy(docs: list[tuple[str, str]], k: int, seed: int) -> list[list[object]]:
    """Precision and recall of the (spun, original) pairs that aligning a copy with its
    source reveals, against the emulator's answer key (what ``learn --from-trace`` gets)."""
    import unspin
    from unspin.trace import substitution_pairs

    rng = random.Random(seed)
    real = [d for d in docs if not d[0].startswith("synthetic-")]
    sample = rng.sample(real, min(k, len(real)))
    rows: list[list[object]] = []
    for profile in PROFILES:
        for rate in (0.3, 0.6):
            tp = fp = fn = 0
            for _, text in sample:
                r = unspin.spin(text, profile=profile, rate=rate, seed=FARM_SEED)
                truth = {(s.spun.lower(), s.original.lower()) for s in r.substitutions}
                got = set(substitution_pairs(r.text, text))
                tp, fp, fn = tp + len(got & truth), fp + len(got - truth), fn + len(truth - got)
            rows.append(
                [
                    profile,
                    f"{rate:.0%}",
                    tp + fn,
                    f"{tp / max(tp + fp, 1):.3f}",
                    f"{tp / max(tp + fn, 1):.3f}",
                ]
            )
    return rows


# ----------------------------------------------------------------------------- systems

Ranker = Callable[[str], list[str]]


class System:
    name = ""

    def build(self, docs: list[tuple[str, str]], workdir: Path) -> None:
        raise NotImplementedError

    def rank(self, text: str) -> list[str]:
        raise NotImplementedError

    def size(self) -> int:
        return 0


class Unspin(System):
    name = "unspin trace"

    def build(self, docs: list[tuple[str, str]], workdir: Path) -> None:
        from unspin.trace import Index

        self.path = workdir / "unspin-index"
        with Index(self.path, create=True) as index:
            index.add_many(docs)
        self.index = Index(self.path)

    def rank(self, text: str) -> list[str]:
        return [c.id for c in self.index.query(text, top=5)]

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.iterdir())

    def extra_latency(self, queries: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
        out = {}
        out["candidates only (top 10)"] = _latency(queries, lambda q: self.index.candidates(q, 10))
        out["top 1, verified"] = _latency(queries, lambda q: self.index.query(q, top=1))
        out["top 5, unverified"] = _latency(
            queries, lambda q: self.index.query(q, top=5, verify=False)
        )
        out["top 5, unverified, then the best aligned"] = _latency(
            queries, lambda q: [c.alignment for c in self.index.query(q, top=5, verify=False)[:1]]
        )
        return out


def _shingles(text: str, n: int) -> set[bytes]:
    w = [x.lower() for x in _WORD.findall(text)]
    return {" ".join(w[i : i + n]).encode() for i in range(max(1, len(w) - n + 1))}


class MinHash(System):
    def __init__(self, n: int, threshold: float, num_perm: int = 128) -> None:
        self.n, self.threshold, self.num_perm = n, threshold, num_perm
        self.name = f"MinHashLSH ({n}-shingles, t={threshold})"

    def _mh(self, text: str) -> Any:
        from datasketch import MinHash as MH

        m = MH(num_perm=self.num_perm, seed=1)
        m.update_batch(list(_shingles(text, self.n)))
        return m

    def build(self, docs: list[tuple[str, str]], workdir: Path) -> None:
        import pickle

        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        self.sigs: dict[str, Any] = {}
        with self.lsh.insertion_session() as session:
            for id, text in docs:
                m = self._mh(text)
                self.sigs[id] = m
                session.insert(id, m)
        self.path = workdir / f"minhash-{self.n}.pkl"
        with open(self.path, "wb") as f:
            pickle.dump((self.lsh, self.sigs), f)

    def rank(self, text: str) -> list[str]:
        m = self._mh(text)
        found = self.lsh.query(m)
        return sorted(found, key=lambda i: -m.jaccard(self.sigs[i]))[:5]

    def size(self) -> int:
        return self.path.stat().st_size


class BM25(System):
    name = "bm25s (BM25)"

    def build(self, docs: list[tuple[str, str]], workdir: Path) -> None:
        import bm25s

        self.ids = [d[0] for d in docs]
        self.retriever = bm25s.BM25()
        tokens = bm25s.tokenize([d[1] for d in docs], stopwords="en", show_progress=False)
        self.retriever.index(tokens, show_progress=False)
        self.path = workdir / "bm25s"
        self.retriever.save(str(self.path))

    def rank(self, text: str) -> list[str]:
        import bm25s

        q = bm25s.tokenize([text], stopwords="en", show_progress=False)
        if not q.vocab:
            return []
        k = min(5, len(self.ids))
        res, _ = self.retriever.retrieve(q, k=k, show_progress=False, n_threads=1)
        return [self.ids[int(i)] for i in res[0]]

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


# ----------------------------------------------------------------------------- measuring


def _latency(queries: Sequence[str], fn: Callable[[str], Any]) -> tuple[float, float, float, float]:
    """(p50 cpu ms, p99 cpu ms, p50 wall ms, p99 wall ms)."""
    cpu, wall = [], []
    for q in queries:
        c0, w0 = time.thread_time(), time.perf_counter()
        fn(q)
        cpu.append((time.thread_time() - c0) * 1e3)
        wall.append((time.perf_counter() - w0) * 1e3)
    cpu.sort()
    wall.sort()

    def pct(xs: list[float], p: float) -> float:
        return xs[min(len(xs) - 1, int(p * len(xs)))]

    return pct(cpu, 0.5), pct(cpu, 0.99), pct(wall, 0.5), pct(wall, 0.99)


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def run_system(
    make: Callable[[], System],
    docs: list[tuple[str, str]],
    queries: dict[str, list[tuple[str, str]]],
    workdir: str,
    out: Any,
) -> None:
    """In a fresh (forked) process: build, query every set, report through ``out``."""
    base = _rss_mb()
    system = make()
    c0, w0 = time.process_time(), time.perf_counter()
    system.build(docs, Path(workdir))
    build_cpu, build_wall = time.process_time() - c0, time.perf_counter() - w0
    results: dict[str, tuple[float, float]] = {}
    for setting, qs in queries.items():
        hits, rr = 0, 0.0
        for source, text in qs:
            ranked = system.rank(text)
            if ranked and ranked[0] == source:
                hits += 1
            if source in ranked[:5]:
                rr += 1.0 / (ranked.index(source) + 1)
        results[setting] = (hits / len(qs), rr / len(qs))
    every = [t for qs in queries.values() for _, t in qs]
    lat_queries = every[:: max(1, len(every) // 400)]
    lat = {"ranked top 5": _latency(lat_queries, system.rank)}
    if isinstance(system, Unspin):
        lat.update(system.extra_latency(lat_queries))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    out.put(
        {
            "name": system.name,
            "build_cpu": build_cpu,
            "build_wall": build_wall,
            "size": system.size(),
            "results": results,
            "latency": lat,
            "peak_mb": peak - base,
        }
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=100, help="sources sampled per setting")
    ap.add_argument("--pad", type=int, default=0, help="synthetic documents added for scale")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--systems", default="unspin,minhash5,minhash3,bm25")
    ap.add_argument("--section", default="trace", help="section name in docs/benchmarks.md")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    docs = load_corpus(args.docs, args.pad, args.seed)
    queries = make_queries(docs, args.queries, args.seed + 1)
    print(
        f"{len(docs)} documents, {sum(len(q) for q in queries.values())} queries "
        f"in {len(queries)} settings ({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    makers: dict[str, Callable[[], System]] = {
        "unspin": Unspin,
        "minhash5": lambda: MinHash(5, 0.5),
        "minhash3": lambda: MinHash(3, 0.2),
        "bm25": BM25,
    }
    ctx = mp.get_context("fork")
    reports = []
    for key in args.systems.split(","):
        workdir = tempfile.mkdtemp(prefix="bench-trace-")
        q: Any = ctx.Queue()
        p = ctx.Process(target=run_system, args=(makers[key], docs, queries, workdir, q))
        p.start()
        rep = q.get()
        p.join()
        shutil.rmtree(workdir, ignore_errors=True)
        reports.append(rep)
        worst = min(r1 for r1, _ in rep["results"].values())
        print(
            f"{rep['name']}: build {len(docs) / rep['build_cpu']:.0f} docs/s (cpu), "
            f"worst recall@1 {worst:.3f}, p50 {rep['latency']['ranked top 5'][0]:.1f} ms",
            flush=True,
        )
    pairs = pair_accuracy(docs, min(args.queries, 50), args.seed + 2)
    body = (
        report(args, docs, queries, reports)
        + "\n"
        + PAIRS_TEXT
        + "\n"
        + table(["profile", "spin rate", "true pairs", "precision", "recall"], pairs)
        + "\n"
    )
    print(body)
    if not args.no_write:
        cmd = "python benchmarks/bench_trace.py " + " ".join(argv or sys.argv[1:])
        title = f"Trace: finding the source of spun copies ({len(docs):,} documents)"
        write_section(args.section, title, cmd.strip(), body)
    return 0


PAIRS_TEXT = """
Substitution pairs revealed by aligning a copy with its source (the input of
`unspin learn --from-trace`), against the emulator's answer key, on distinct (spun, original)
pairs per document, lowercased:
"""


def report(
    args: argparse.Namespace,
    docs: list[tuple[str, str]],
    queries: dict[str, list[tuple[str, str]]],
    reports: list[dict[str, Any]],
) -> str:
    names = [r["name"] for r in reports]
    ref = reports[0]
    rows = []
    for setting in queries:
        row: list[object] = [setting]
        for r in reports:
            r1, mrr = r["results"][setting]
            row.append(f"{r1:.3f} / {mrr:.3f}")
        rows.append(row)
    mean_row: list[object] = ["**mean**"]
    for r in reports:
        vals = list(r["results"].values())
        mean_row.append(
            f"**{sum(v[0] for v in vals) / len(vals):.3f} / "
            f"{sum(v[1] for v in vals) / len(vals):.3f}**"
        )
    rows.append(mean_row)
    acc = table(["setting (recall@1 / MRR@5)", *names], rows)

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "n/a"

    ref_r1 = {s: v[0] for s, v in ref["results"].items()}
    rat_rows = []
    for r in reports[1:]:
        for rate in ("10%", "30%", "60%"):
            sel = [s for s in queries if s.endswith(rate)]
            a = sum(ref_r1[s] for s in sel) / len(sel)
            b = sum(r["results"][s][0] for s in sel) / len(sel)
            rat_rows.append([r["name"], f"spin rate {rate}", f"{a:.3f}", f"{b:.3f}", ratio(a, b)])
    ratios = table(
        ["baseline", "queries", "unspin recall@1", "baseline recall@1", "unspin / baseline"],
        rat_rows,
    )

    cost_rows = []
    for r in reports:
        p50c, p99c, p50w, p99w = r["latency"]["ranked top 5"]
        cost_rows.append(
            [
                r["name"],
                f"{len(docs) / r['build_cpu']:.0f}",
                f"{len(docs) / r['build_wall']:.0f}",
                f"{r['size'] / len(docs) / 1024:.2f}",
                f"{p50c:.2f}",
                f"{p99c:.2f}",
                f"{p50w:.2f}",
                f"{p99w:.2f}",
                f"{r['peak_mb']:.0f}",
            ]
        )
    for name, (p50c, p99c, p50w, p99w) in ref["latency"].items():
        if name != "ranked top 5":
            cost_rows.append(
                [
                    f"unspin trace, {name}",
                    "",
                    "",
                    "",
                    f"{p50c:.2f}",
                    f"{p99c:.2f}",
                    f"{p50w:.2f}",
                    f"{p99w:.2f}",
                    "",
                ]
            )
    cost = table(
        [
            "system",
            "build docs/s (cpu)",
            "build docs/s (wall)",
            "KiB/doc",
            "query p50 ms (cpu)",
            "p99 (cpu)",
            "p50 (wall)",
            "p99 (wall)",
            "peak MiB",
        ],
        cost_rows,
    )
    ref_lat = ref["latency"]["ranked top 5"][0]
    lat_ratio = ", ".join(
        f"{r['name']} {ratio(r['latency']['ranked top 5'][0], ref_lat)}" for r in reports[1:]
    )
    real = sum(1 for d in docs if not d[0].startswith("synthetic-"))
    return f"""
{len(docs):,} documents ({real:,} real from `benchmarks.corpus` "trace", {len(docs) - real:,}
synthetic bigram-model documents); {args.queries} sources sampled, each spun under every profile
and rate (farm seed {FARM_SEED}) and once with a quarter of its sentences dropped and the rest
shuffled before spinning at 30%: {sum(len(q) for q in queries.values()):,} queries. Each system
returns its top 5; recall@1 is the share of queries whose first answer is the source.

{acc}

Recall@1 as ratios, averaged over the four profiles at each spin rate:

{ratios}

Cost (each system in a fresh process; CPU time is per core, the machine was shared, so wall
times are noisier). The unspin row is a full `Index.query(top=5)`: candidates, then an
alignment of each of the five (the evidence); the extra rows split that cost. Query p50 (CPU)
relative to unspin's: {lat_ratio}.

{cost}
"""


if __name__ == "__main__":
    sys.exit(main())
