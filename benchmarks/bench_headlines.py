#!/usr/bin/env python3
"""Headlines: the neural path reading a headline again after its article's first sentence
(restore's way: read first only as that sentence's context), against reading the text in order
(the alternative), in the same run on the same texts.

Eval-split windows (news and prose) whose first sentence is short enough to stand as a
headline are written as a headline paragraph (no full stop) over the rest, then spun by each
profile at rate 0.3 (one seed); each spun text is restored both ways with the neural model
(one thread), and scored span by span from the spinner's record by ``bench_restore.score``
(fixed = substitutions restored exactly; damage = words the spinner left alone that were
changed), separately for the headline and for the article. The honest versions are restored
too: every fix there is damage.

    python benchmarks/bench_headlines.py [--docs 8] [--model smollm2-135m]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._report import table, write_section  # noqa: E402
from benchmarks.bench_restore import score  # noqa: E402
from benchmarks.splits import EVAL_PROFILES, clean_docs, window  # noqa: E402

RATE = 0.3
SEED = 5
WORDS = 160
HEADLINE = re.compile(r"(.{20,160}?[a-z])\. (.*)", re.S)


def headlined(n: int) -> list[str]:
    """Up to ``n`` eval-split windows as a headline paragraph over the rest."""
    out = []
    for i, (_, _, text) in enumerate(clean_docs("eval", 4 * n)):
        m = HEADLINE.match(window(text, WORDS, i))
        if m and len(m.group(1).split()) <= 18:
            out.append(m.group(1) + "\n\n" + m.group(2))
        if len(out) == n:
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=8, help="texts per profile")
    ap.add_argument("--model", default="smollm2-135m")
    args = ap.parse_args()
    os.environ["UNSPIN_THREADS"] = "1"
    import unspin
    from unspin import restorer

    texts = headlined(args.docs)
    spun = [
        (prof, unspin.spin(t, profile=prof, rate=RATE, seed=SEED))
        for prof in EVAL_PROFILES
        for t in texts
    ]
    rows = []
    for label, last in (("in order", False), ("headline last", True)):
        restorer.HEADLINE_LAST = last
        # [substitutions, fixed, untouched words, damaged] for the headline, then the article
        head, body = [0, 0, 0, 0], [0, 0, 0, 0]
        t0 = time.perf_counter()
        for _, sp in spun:
            cut = sp.text.index("\n\n")
            r = unspin.restore(sp.text, model=args.model)
            for part, span in ((head, (0, cut)), (body, (cut, len(sp.text)))):
                for k, v in enumerate(score(sp, r, span)):
                    part[k] += v
        seconds = time.perf_counter() - t0
        honest = sum(len(unspin.restore(t, model=args.model).fixes) for t in texts)
        rows.append(
            [
                label,
                f"{head[1] / max(1, head[0]):.1%}",
                f"{head[3] / max(1, head[2]):.2%}",
                f"{body[1] / max(1, body[0]):.1%}",
                f"{body[3] / max(1, body[2]):.2%}",
                honest,
                f"{sum(len(sp.text.split()) for _, sp in spun) / seconds:.1f}",
            ]
        )
    restorer.HEADLINE_LAST = True
    words = sum(len(t.split()) for t in texts)
    body = (
        f"{len(texts)} eval-split windows of about {WORDS} words whose first sentence is a "
        f"headline (its own paragraph, no full stop), spun by each of {len(EVAL_PROFILES)} "
        f"profiles at rate {RATE} (seed {SEED}): {len(spun)} texts; the {len(texts)} honest "
        f"versions ({words} words) restored too. Model {args.model}, one thread, default "
        "threshold. 'headline last' is what `unspin restore` does.\n\n"
        + table(
            [
                "reading",
                "headline fixed",
                "headline damage",
                "article fixed",
                "article damage",
                "fixes on the honest versions",
                "words/s",
            ],
            rows,
        )
    )
    print(body)
    write_section(
        "headlines",
        f"Restore: headlines read after their article's start ({args.model})",
        "python benchmarks/bench_headlines.py",
        body,
    )


if __name__ == "__main__":
    main()
