#!/usr/bin/env python3
"""Real spins with their originals: restore quality of each context model, in one run.

Reads ``spun-news-pairs.jsonl`` (real spun articles with the originals they were made from;
third-party text kept outside the repository, by default ``../shared/data/in-the-wild/``) and
scores each model's restoration with the shared scorer (``../shared/tools/score_restore.py``):
``fixed`` is the share of the spun-vs-original word errors removed, ``damage`` the share of
already-right words changed. Also: candidate recall (for each substituted span found by
aligning spun and original, is the original among the restorer's candidates at that span?),
words/s on one thread, and peak memory. Each model runs in its own process.

    python benchmarks/bench_real.py [--pairs PATH] [--models trigram smollm2-135m gemma3-270m]
    python benchmarks/bench_real.py --dev       # the development set (benchmarks/devset.py)
    python benchmarks/bench_real.py --key-known # also each model given the spinner's key

``--key-known`` adds, for each model, a row restored with the spinner's key known: a profile
(:class:`unspin.Profile`, as ``unspin learn`` writes) of each document's own substitutions, read
off the alignment, each as sure as the share of the phrase's occurrences that it replaced. It
is a ceiling, not a result: what ``restore --profile`` makes of a perfectly learned farm key,
and so how much of what is left is the choice rather than the candidates.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402
from unspin.fixes import DEFAULT_MIN_CONFIDENCE  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_PAIRS = SHARED / "data" / "in-the-wild" / "spun-news-pairs.jsonl"
SCORER = SHARED / "tools" / "score_restore.py"
DEFAULT_MODELS = ["trigram", "smollm2-135m", "gemma3-270m"]
OPERATING_POINTS = (0.3, 0.5, 0.7)  # --min-confidence values measured
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score_restore", SCORER)
    if spec is None or spec.loader is None:
        sys.exit(f"bench_real: scorer not found at {SCORER}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def substituted_spans(spun: str, original: str) -> list[tuple[int, int, str]]:
    """(start, end, original words) for every short replaced span of the spun text (up to
    three words each side), from a word alignment of the two texts. A word-for-word
    replacement of several words counts as one span per word."""
    s = [(_norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(spun)]
    o = _norm_words(original)
    out = []
    sm = SequenceMatcher(None, [w for w, _, _ in s], o, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        if i2 - i1 == j2 - j1:  # word for word: one span a word ("research discovered")
            out += [
                (s[i][1], s[i][2], o[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        else:
            out.append((s[i1][1], s[i2 - 1][2], " ".join(o[j1:j2])))
    return out


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _norm_words(text: str) -> list[str]:
    return [_norm(m.group()) for m in _WORD.finditer(text)]


def key_profile(spun: str, original: str) -> Any:
    """The spinner's key for one document as a :class:`unspin.Profile`: every substituted
    phrase with the original it stood for, as sure as the share of the phrase's occurrences in
    the spun text that it replaced (see ``--key-known``)."""
    from unspin.profile import Profile, Rule

    text = " " + " ".join(_norm_words(spun)) + " "
    pairs: Counter[tuple[str, str]] = Counter()
    for s, e, orig in substituted_spans(spun, original):
        pairs[" ".join(_norm_words(spun[s:e])), orig] += 1
    rules = [
        Rule(phrase, orig, n, n / max(n, text.count(f" {phrase} ")))
        for (phrase, orig), n in pairs.items()
    ]
    return Profile.from_rules("key-known", rules)


def candidate_recall(
    spun: str, spans: list[tuple[int, int, str]], cands: dict[tuple[int, int], set[str]]
) -> tuple[int, int, int, int]:
    """(spans whose original is among the candidates, spans, the same for one-word spans)."""
    hit = [orig in cands.get((s, e), ()) for s, e, orig in spans]
    one = [" " not in spun[s:e] and " " not in orig for s, e, orig in spans]
    return (
        sum(hit),
        len(spans),
        sum(h for h, o in zip(hit, one, strict=True) if o),
        sum(one),
    )


# Where a substituted span's original is lost, in pipeline order (the funnel); the neural path
# rescores candidates with the model, the trigram path has no such step.
STAGES = (
    "fixed",
    "chosen, below the threshold",
    "rescored, not chosen",
    "a candidate, not rescored",
    "no candidate",
)


def funnel(
    spans: list[tuple[int, int, str]],
    fixes: list[Any],
    cands: dict[tuple[int, int], set[str]],
    rescored: dict[tuple[int, int], set[str]],
) -> list[int]:
    """How many substituted spans end at each of STAGES."""
    out = [0] * len(STAGES)
    for s, e, orig in spans:
        want = orig.split()
        right = [
            f
            for f in fixes
            if f.start <= s and e <= f.end and _norm_words(f.original)[-len(want) :] == want
        ]
        if right:
            stage = 0 if max(f.confidence for f in right) >= DEFAULT_MIN_CONFIDENCE else 1
        elif orig in rescored.get((s, e), ()):
            stage = 2
        elif orig in cands.get((s, e), ()):
            stage = 3
        else:
            stage = 4
        out[stage] += 1
    return out


def _heard(
    rescored: dict[tuple[int, int], set[str]], start: int, end: int, orig: str, total: float
) -> None:
    """A verdict of the neural model (:data:`unspin.rescore.Verdicts`): kept for the funnel."""
    rescored.setdefault((start, end), set()).add(orig)


def child(model: str, pairs_path: Path, key_known: bool = False) -> dict[str, Any]:
    """Restore every pair with ``model`` (one thread), with the spinner's key if
    ``key_known``; figures as JSON."""
    os.environ["UNSPIN_THREADS"] = "1"
    import unspin
    from unspin.restorer import analyse, candidate_spans, channel_for

    sc = _scorer()
    pairs = [json.loads(line) for line in pairs_path.read_text().splitlines() if line.strip()]
    unspin.restore("The head of state signed the invoice.", model=model)  # warm up
    rows, words, seconds = [], 0, 0.0
    cand = [0, 0, 0, 0]
    stages = [0] * len(STAGES)
    for p in pairs:
        spun, original = p["spun_text"], p["original_text"]
        key = key_profile(spun, original) if key_known else None
        channel = channel_for(key)
        rescored: dict[tuple[int, int], set[str]] = {}
        heard = partial(_heard, rescored)
        t0 = time.perf_counter()
        # what unspin.restore does, with the model's verdicts heard (the funnel below)
        fixes = [f for b in analyse(spun, channel, model=model, verdicts=heard) for f in b.fixes]
        seconds += time.perf_counter() - t0
        words += len(spun.split())
        # the default operating point, and the others a user may choose
        at = {
            str(t): sc.score(
                spun, original, unspin.apply_fixes(spun, [f for f in fixes if f.confidence >= t])
            )
            for t in OPERATING_POINTS
        }
        s = at[str(DEFAULT_MIN_CONFIDENCE)]
        spans = substituted_spans(spun, original)
        cands = candidate_spans(spun, channel, model=model)
        c = candidate_recall(spun, spans, cands)
        cand = [a + b for a, b in zip(cand, c, strict=True)]
        stages = [a + b for a, b in zip(stages, funnel(spans, fixes, cands, rescored), strict=True)]
        rows.append({"id": p["id"], "family": p.get("family", ""), **s, "cand": list(c), "at": at})
    return {
        "model": model + (" + the spinner's key (ceiling)" if key_known else ""),
        "rows": rows,
        "wps": words / seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cand": cand,
        "funnel": stages,
    }


def _figures(rows: list[dict[str, Any]]) -> tuple[float, float]:
    err_spun = sum(r["err_spun"] for r in rows)
    err_sys = sum(r["err_sys"] for r in rows)
    right = sum(r["right"] for r in rows)
    damaged = sum(r["damaged"] for r in rows)
    return 1 - err_sys / max(err_spun, 1), damaged / max(right, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    ap.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument(
        "--key-known",
        action="store_true",
        help="also restore with each document's own spinner key as a profile (a ceiling)",
    )
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    ap.add_argument(
        "--dev",
        action="store_true",
        help="the development set instead: in-the-wild excerpts restored by hand (devset.py)",
    )
    args = ap.parse_args()
    if args.dev and not args.child:
        from benchmarks.devset import DEFAULT_OUT, pairs

        DEFAULT_OUT.parent.mkdir(parents=True, exist_ok=True)
        DEFAULT_OUT.write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs()), encoding="utf-8"
        )
        args.pairs = DEFAULT_OUT
    if args.child:
        print(json.dumps(child(args.child, args.pairs, args.key_known)))
        return
    if not args.pairs.exists():
        sys.exit(f"bench_real: {args.pairs} not found (third-party text kept outside the repo)")

    results = []
    runs = [(m, False) for m in args.models] + [(m, True) for m in args.models if args.key_known]
    for model, key_known in runs:
        out = subprocess.run(
            [sys.executable, __file__, "--pairs", str(args.pairs), "--child", model]
            + ["--key-known"] * key_known,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"{model}: failed: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        res = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(res)
        fixed, damage = _figures(res["rows"])
        print(
            f"{model}: fixed {fixed:.3f} damage {damage:.4f} {res['wps']:.0f} w/s", file=sys.stderr
        )
        for r in res["rows"]:
            print(f"  {r['id']}: {r}", file=sys.stderr)

    head = [
        "model",
        "fixed",
        "damage",
        "candidate recall",
        "(one-word spans)",
        "words/s (1 thread)",
        "peak MB",
    ]
    ids = [r["id"] for r in results[0]["rows"]] if results else []
    head += [f"{i} fixed / damage" for i in ids]
    head += [f"at --min-confidence {t}" for t in OPERATING_POINTS if t != DEFAULT_MIN_CONFIDENCE]
    rows = []
    for res in results:
        fixed, damage = _figures(res["rows"])
        h, n, h1, n1 = res["cand"]
        per = [f"{_figures([r])[0]:.3f} / {_figures([r])[1]:.2%}" for r in res["rows"]]
        rows.append(
            [
                res["model"],
                f"{fixed:.3f}",
                f"{damage:.2%}",
                f"{h}/{n} ({h / max(n, 1):.0%})",
                f"{h1}/{n1} ({h1 / max(n1, 1):.0%})",
                f"{res['wps']:.0f}",
                f"{res['peak_mb']:.0f}",
                *per,
                *(
                    "{:.3f} / {:.2%}".format(*_figures([r["at"][str(t)] for r in res["rows"]]))
                    for t in OPERATING_POINTS
                    if t != DEFAULT_MIN_CONFIDENCE
                ),
            ]
        )
    what = (
        "real spun excerpts restored by hand (the development set: `benchmarks/devset.py`, "
        "the edits only; the spinner habits in idioms.tsv were read off these)"
        if args.dev
        else "real spun articles with their originals"
    )
    body = (
        f"{len(ids)} {what} ({args.pairs.name}; third-party "
        "text, not in the repository), scored by the shared `score_restore.py` on word tokens: "
        "fixed = share of spun-vs-original word errors removed, damage = share of already-right "
        "tokens changed. Candidate recall: substituted spans (up to 3 words a side, from a word "
        "alignment) whose original is among the restorer's candidates at that span, and the "
        "same for the spans of one word each side. Fixed and damage are at the default "
        "`--min-confidence 0.5`; the last columns at the other operating points. Each model "
        "in its own process, one thread; words/s includes the trigram first pass.\n\n"
        + table(head, rows)
        + (
            "\n\nRows marked *the spinner's key (ceiling)* are restored with a profile of each "
            "document's own substitutions (read off the alignment, each as sure as the share of "
            "its phrase's occurrences it replaced): what `restore --profile` makes of a "
            "perfectly learned farm key. A ceiling, not a result."
            if args.key_known
            else ""
        )
        + "\n\nWhere each substituted span ends (the funnel, at the default threshold): fixed; "
        "the right original chosen with a confidence below the threshold; rescored by the "
        "neural model in context and not chosen; among the candidates but not rescored (the "
        "neural path's screen sends the best two of a span on; the trigram path has no such "
        "step: its candidates are chosen or not); not among the candidates.\n\n"
        + table(
            ["model", "spans", *STAGES],
            [
                [res["model"], str(sum(res["funnel"]))]
                + [f"{k} ({k / max(sum(res['funnel']), 1):.0%})" for k in res["funnel"]]
                for res in results
            ],
        )
        + "\n\nTarget (issue 11): fixed >= 0.90 with damage <= 1%; candidate recall >= 90%."
    )
    models = "" if args.models == DEFAULT_MODELS else " --models " + " ".join(args.models)
    models += " --key-known" * args.key_known
    if not args.no_write and args.dev:
        write_section(
            "real-dev",
            "Restore: real spun excerpts restored by hand (development set)",
            "python benchmarks/bench_real.py --dev" + models,
            body,
        )
    elif not args.no_write:
        write_section(
            "real",
            "Restore: real spun news with their originals",
            "python benchmarks/bench_real.py" + models,
            body,
        )
    print(body)


if __name__ == "__main__":
    main()
