"""unspin detect: one verdict line per file, or JSON; the exit code gates a pipeline."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import UnspinError
from ._common import probability, read_chunks

NAME = "detect"
HELP = "say how likely a text is machine-spun, and where"
DESCRIPTION = (
    "Score how likely each FILE ('-' for stdin) is machine-spun: a calibrated probability, a "
    "label and the strongest evidence. Exit status: 0 all clean, 1 some text spun, 3 some "
    "uncertain (and none spun), 2 error."
)
EXIT = {"clean": 0, "spun": 1, "uncertain": 3}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="text files, or - for standard input")
    p.add_argument(
        "--json",
        action="store_true",
        help="print {score, label, spans, profile, reasons, blocks} (one JSON object per line)",
    )
    p.add_argument(
        "--threshold",
        type=probability,
        default=None,
        metavar="P",
        help="score at or above which a text is 'spun' (default: the model's, "
        "one threshold for texts of 150 words or more and a stricter one below)",
    )
    p.add_argument("--profile", metavar="FILE", help="a spinner profile made by 'unspin learn'")
    p.add_argument(
        "--fingerprints",
        metavar="FILE",
        help="extra known spun phrases: the Problematic Paper Screener's CSV export "
        "or a TSV of spun<TAB>expected",
    )
    p.add_argument(
        "--model",
        metavar="NAME",
        help="context model for the spans: auto (default: the neural model if installed, "
        "else the trigram), trigram, smollm2-135m, gemma3-270m",
    )
    p.add_argument(
        "--collocations",
        action="store_true",
        help="also show word pairs that read as a spun collocation (weak evidence, slower)",
    )


def run(args: argparse.Namespace) -> int:
    from ..detector import detect_chunks
    from ..fingerprints import with_user_list
    from ..lm import resolve

    model = resolve(args.model)  # an unknown name fails before any input is read
    fp = with_user_list(args.fingerprints) if args.fingerprints else None
    worst = 0
    errors = 0
    for path in args.files:
        try:
            # read in paragraph blocks: bounded memory on any input size
            d = detect_chunks(
                read_chunks(path),
                profile=args.profile,
                threshold=args.threshold,
                fingerprints=fp,
                broken_collocations=args.collocations,
                model=model,
            )
        except UnspinError as e:
            if len(args.files) == 1:
                raise
            print(f"unspin detect: error: {e}", file=sys.stderr)
            errors += 1
            continue
        name = "<stdin>" if path == "-" else path
        if args.json:
            print(json.dumps({"file": name, **d.to_dict()}, ensure_ascii=False))
        else:
            # the main kind of evidence, and the strongest span when there is one
            why = "; ".join(dict.fromkeys(d.reasons[:1] + d.reasons[-1:])) or (
                "no evidence of spinning"
            )
            print(f"{name}\t{d.score:.3f}\t{d.label}\t{why}")
        worst = max(worst, {0: 0, 3: 1, 1: 2}[EXIT[d.label]])
    if errors:
        return 2
    return {0: 0, 1: 3, 2: 1}[worst]
