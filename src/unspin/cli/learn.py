"""unspin learn: learn a spinner profile from documents it spun, or from traced pairs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ._common import read_input

NAME = "learn"
HELP = "learn a spinner's substitution table from documents it spun"
DESCRIPTION = (
    "Learn the substitution table of one spinner (a content farm's key) from DOCS it spun: "
    "text files, folders of .txt files, or JSONL with a 'text' field. With --from-trace, DOCS "
    "are JSONL records with 'spun' and 'original' texts (as 'unspin trace --json --pairs' "
    "writes), and every aligned substitution is a rule. Exit status: 0 a profile was written, "
    "1 nothing was learned (no profile written), 2 error."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("docs", nargs="+", metavar="DOCS")
    p.add_argument("-o", "--out", required=True, metavar="FILE", help="profile file to write")
    p.add_argument("--name", help="profile name (default: the output file's stem)")
    p.add_argument(
        "--from-trace",
        action="store_true",
        help="DOCS are JSONL (spun, original) pairs, e.g. from 'unspin trace'",
    )


def _texts(paths: list[str], field: str) -> Iterator[str]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(p.glob("*.txt"))
            if not files:
                raise InputError(f"{path}: no .txt files in this folder")
            for f in files:
                yield read_input(str(f))
        elif p.suffix == ".jsonl":
            for n, line in enumerate(read_input(path).splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    value = rec[field]
                except (ValueError, KeyError, TypeError, IndexError):
                    value = None
                if not isinstance(value, str):
                    raise InputError(
                        f"{path}:{n}: expected a JSON object with a text string in '{field}'"
                    )
                yield value
        else:
            yield read_input(path)


EXIT_NOTHING_LEARNED = 1


def _check_output(out: str) -> None:
    """Refuse an unwritable output path now, before the (slow) learning."""
    p = Path(out)
    if p.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for the profile")
    parent = p.parent
    if not parent.is_dir():
        raise InputError(f"{out}: folder {str(parent)!r} does not exist")


def run(args: argparse.Namespace) -> int:
    from ..learner import learn, learn_from_pairs

    _check_output(args.out)
    name = args.name or Path(args.out).stem
    if args.from_trace:
        spun = list(_texts(args.docs, "spun"))
        orig = list(_texts(args.docs, "original"))
        profile = learn_from_pairs(zip(spun, orig, strict=True), name)
        read = f"{len(spun)} (spun, original) pairs"
    else:
        texts = list(_texts(args.docs, "text"))
        profile = learn(texts, name)
        read = f"{len(texts)} documents ({profile.meta.get('documents')} in English)"
    if not len(profile):
        # A 0-rule profile restores nothing: say so, and leave any existing file alone.
        why = (
            "no pair had a substitution"
            if args.from_trace
            else "no substitution recurred across the English documents (a spinner's key "
            "repeats its substitutions: give several documents spun by the same one)"
        )
        print(
            f"unspin learn: nothing learned from {read}: {why}; {args.out} not written",
            file=sys.stderr,
        )
        return EXIT_NOTHING_LEARNED
    profile.save(args.out)
    print(
        f"unspin learn: {len(profile)} rules from {read} -> {args.out}",
        file=sys.stderr,
    )
    return 0
