#!/usr/bin/env python3
"""Restore benchmark: synthetic spins of held-apart clean text, honest-text damage, and cost.

For each emulator profile, eval-split documents are spun (rate 0.3, one farm key per
profile) and restored. "fixed" is the share of the spinner's substitutions restored exactly
(same span, same original, case aside); "damage" is the share of words the spinner did not
touch that the restorer changed. Three ways: with no profile; with a profile learned by
``unspin.learn`` from *other* documents spun with the same key; and on the ``heldout`` profile
that nothing was tuned on. The naive noisy channel (reverse thesaurus + trigram, flat prior,
the approach measured in the issue) runs on the same data as the baseline.

    python benchmarks/bench_restore.py [--docs 40] [--model trigram|smollm2-135m|gemma3-270m]

With a neural ``--model`` the learned-profile and naive-baseline columns are skipped (they
measure the trigram path) and the results go to their own section.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402
from benchmarks.splits import EVAL_PROFILES, clean_docs, split_of  # noqa: E402

RATE = 0.3
FARM_SEED = 7


def score(  # type: ignore[no-untyped-def]
    spun_result, restoration, part: tuple[int, int] | None = None
) -> tuple[int, int, int, int]:
    """(substitutions, fixed, untouched words, damaged words), of the whole text or of the
    substitutions and fixes that start in ``part`` (start, end offsets of the spun text)."""
    a, b = part or (0, len(spun_result.text))
    subs = {
        (s.start, s.end): s.original.lower() for s in spun_result.substitutions if a <= s.start < b
    }
    fixes = [f for f in restoration.fixes if a <= f.start < b]
    fixed = sum(1 for f in fixes if subs.get((f.start, f.end)) == f.original.lower())
    spans = sorted(subs)

    def inside(f) -> bool:  # type: ignore[no-untyped-def]
        return any(s < f.end and f.start < e for s, e in spans)

    damaged = sum(len(f.spun.split()) for f in fixes if not inside(f))
    touched = sum(len(spun_result.text[s:e].split()) for s, e in spans)
    untouched = len(spun_result.text[a:b].split()) - touched
    return len(subs), fixed, untouched, damaged


def candidate_recall(spun_result, model: str) -> int:  # type: ignore[no-untyped-def]
    """How many of the spinner's substitutions have their original among the restorer's
    candidates at that span (what no choice of priors can make up for when it is missing)."""
    from unspin.restorer import candidate_spans, channel_for

    cands = candidate_spans(spun_result.text, channel_for(None), model=model)
    return sum(
        s.original.lower() in cands.get((s.start, s.end), ()) for s in spun_result.substitutions
    )


def run_set(docs, profile_name, restore_kw, recall: bool = False) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    """(fixed, damage, substitutions, substitutions with the original among the candidates:
    counted only when ``recall``)."""
    import unspin

    tot = [0, 0, 0, 0]
    found = 0
    for _id, _kind, text in docs:
        sp = unspin.spin(text, profile=profile_name, rate=RATE, seed=FARM_SEED)
        r = unspin.restore(sp.text, **restore_kw)
        for i, v in enumerate(score(sp, r)):
            tot[i] += v
        if recall:
            found += candidate_recall(sp, restore_kw.get("model", "trigram"))
    return tot[1] / max(tot[0], 1), tot[3] / max(tot[2], 1), tot[0], found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=40, help="eval documents per profile")
    ap.add_argument("--model", default="trigram", help="context model (see unspin.lm.resolve)")
    ap.add_argument("--honest", type=int, default=30, help="honest eval documents per kind")
    args = ap.parse_args()
    from unspin.lm import is_neural, resolve

    model = resolve(args.model)
    neural = is_neural(model)

    import unspin
    from unspin.channel import Channel, Priors

    docs = list(clean_docs("eval", 2 * args.docs))
    test_docs, learn_docs = docs[: args.docs], docs[args.docs :]
    naive = Channel(
        priors=Priors(
            thesaurus=-0.5, thesaurus_agreement=0.0, thesaurus_rank=0.0, frequency_discount=0.0
        ),
        sources=("thesaurus",),
    )
    rows = []
    for prof in EVAL_PROFILES:
        fixed, damage, n, found = run_set(test_docs, prof, {"model": model}, recall=True)
        recall = f"{found / max(n, 1):.1%}"
        if neural:
            tag = " (held out)" if prof == "heldout" else ""
            rows.append([prof + tag, n, f"{fixed:.1%}", f"{damage:.2%}", recall] + ["n/a"] * 5)
            print(rows[-1], file=sys.stderr)
            continue
        spun_learn = [
            unspin.spin(t, profile=prof, rate=RATE, seed=FARM_SEED).text for _, _, t in learn_docs
        ]
        learned = unspin.learn(spun_learn, name=f"learned-{prof}")
        lf, ld, _, _ = run_set(test_docs, prof, {"profile": learned, "model": model})
        import unspin.restorer as R

        saved = R.default_channel
        R.default_channel = lambda: naive  # type: ignore[assignment]
        try:
            nf, nd, _, _ = run_set(test_docs, prof, {"model": model})
        finally:
            R.default_channel = saved  # type: ignore[assignment]
        tag = " (held out)" if prof == "heldout" else ""
        rows.append(
            [
                prof + tag,
                n,
                f"{fixed:.1%}",
                f"{damage:.2%}",
                recall,
                f"{lf:.1%}",
                f"{ld:.2%}",
                len(learned),
                f"{nf:.1%}",
                f"{nd:.2%}",
            ]
        )
        print(rows[-1], file=sys.stderr)

    # Damage on honest text of several kinds.
    from benchmarks.corpus import documents

    honest_rows = []
    for kind in ("news", "prose", "technical", "legal", "nonnative"):
        try:
            texts = [d.text for d in documents(kind, None) if split_of(d.id) == "eval"][
                : args.honest
            ]
        except Exception as e:  # a kind whose corpus is not installed
            honest_rows.append([kind, 0, f"not measured: {e}"[:80]])
            continue
        words = changed = 0
        for t in texts:
            r = unspin.restore(t, model=model)
            words += len(t.split())
            changed += sum(len(f.spun.split()) for f in r.fixes)
        honest_rows.append([kind, words, f"{changed / max(words, 1):.2%}"])

    # Cost: one core, warm; peak memory; time to first output of the CLI, cold.
    big = " ".join(t for _, _, t in test_docs)
    sp = unspin.spin(big, profile="filler", rate=RATE, seed=FARM_SEED).text
    t0 = time.perf_counter()
    unspin.restore(sp, model=model)
    dt = time.perf_counter() - t0
    wps = len(sp.split()) / dt
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    subprocess.run(
        ["unspin", "restore", "--model", model, str(ROOT / "examples/spun-news.txt")],
        check=True,
        capture_output=True,
    )
    first = time.perf_counter() - t0

    body = (
        f"{args.docs} eval-split documents per profile (news and prose kinds; see "
        f"benchmarks/CORPORA.md), spin rate {RATE}, one farm key (seed {FARM_SEED}) per profile; "
        f"learned profiles from {len(learn_docs)} other documents with the same key. "
        "fixed = substitutions restored exactly; damage = untouched words changed; candidate "
        "recall = substitutions whose original is among the restorer's candidates at that span "
        "(the channel's on the trigram path; with the thesaurus neighbourhood, known names and "
        "the model's own expectations on the neural path).\n\n"
        + table(
            [
                "profile",
                "substitutions",
                "fixed",
                "damage",
                "candidate recall",
                "fixed (learned profile)",
                "damage (learned)",
                "rules learned",
                "fixed (naive baseline)",
                "damage (naive)",
            ],
            rows,
        )
        + "\n\nHonest text (unspun), share of words changed:\n\n"
        + table(["kind", "words", "changed"], honest_rows)
        + f"\n\nCost: {wps:,.0f} words/s on one core (warm, {len(sp.split()):,} words); "
        f"peak memory {peak_mb:.0f} MB (whole benchmark process); "
        f"`unspin restore` on a short text, cold start to exit: {first:.2f} s.\n\n"
        "Targets: >= 90% fixed with <= 0.5% damage on the DEVELOPERS.md families; "
        ">= 10,000 words/s per core; < 500 MB; < 1 s to first output."
    )
    write_section(
        "restore" if not neural else f"restore-{model}",
        "Restore: synthetic spins, honest text, cost"
        + ("" if not neural else f" (neural model {model})"),
        f"python benchmarks/bench_restore.py --docs {args.docs}"
        + ("" if args.honest == 30 else f" --honest {args.honest}")
        + ("" if not neural else f" --model {model}"),
        body,
    )
    print(body)


if __name__ == "__main__":
    main()
