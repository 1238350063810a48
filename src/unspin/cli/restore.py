"""unspin restore: print the restored text (or JSON, or a coloured diff)."""

from __future__ import annotations

import argparse
import json
import sys

from ..fixes import DEFAULT_MIN_CONFIDENCE, Fix, Restoration
from ..text import word_norms
from ._common import WordProgress, probability, read_chunks, read_input

NAME = "restore"
HELP = "restore the original wording of a spun text"
DESCRIPTION = (
    "Restore the most likely original wording of FILE ('-' for stdin). Paragraphs and line "
    "breaks are kept. Exit status: 0 on success, 2 on bad input."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="text file, or - for standard input")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print {text, fixes, warnings} as JSON")
    out.add_argument("--diff", action="store_true", help="show an inline diff of every fix")
    p.add_argument("--profile", metavar="FILE", help="a spinner profile made by 'unspin learn'")
    p.add_argument(
        "--model",
        metavar="NAME",
        help="context model: auto (default: the neural model if installed, else the trigram), "
        "trigram (the fast path), smollm2-135m, gemma3-270m",
    )
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="show the words restored so far on stderr (default: with a neural model, on a "
        "terminal)",
    )
    shown.add_argument("--no-progress", action="store_true", help="never show progress")
    p.add_argument(
        "--min-confidence",
        type=probability,
        default=DEFAULT_MIN_CONFIDENCE,
        metavar="P",
        help=f"drop fixes below this confidence (default {DEFAULT_MIN_CONFIDENCE}; "
        "higher is more precise)",
    )


def run(args: argparse.Namespace) -> int:
    from ..lm import is_neural, resolve

    args.model = resolve(args.model)  # an unknown name fails here, before any input is read
    shown = args.progress or (
        not args.no_progress and is_neural(args.model) and sys.stderr.isatty()
    )
    with WordProgress() as progress:
        return _run(args, progress if shown else None)


def _run(args: argparse.Namespace, progress: WordProgress | None) -> int:
    from ..restorer import channel_for, restore

    if not args.json and not args.diff:
        # Plain output streams paragraph blocks: bounded memory on very large inputs.
        # one channel for every chunk: the profile is read once, the phrase memo kept
        channel = channel_for(args.profile)
        warned: set[str] = set()
        for chunk in read_chunks(args.file):
            result = restore(
                chunk,
                channel=channel,
                min_confidence=args.min_confidence,
                model=args.model,
                progress=progress,
            )
            for w in result.warnings:
                if w not in warned:
                    warned.add(w)
                    print(f"unspin restore: warning: {w}", file=sys.stderr)
            sys.stdout.write(result.text)
        return 0
    text = read_input(args.file)
    if progress is not None:
        progress.total = len(word_norms(text))
    result = restore(
        text,
        profile=args.profile,
        min_confidence=args.min_confidence,
        model=args.model,
        progress=progress,
    )
    for w in result.warnings:
        print(f"unspin restore: warning: {w}", file=sys.stderr)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.diff:
        sys.stdout.write(render_diff(text, result, color=sys.stdout.isatty()))
    else:
        sys.stdout.write(result.text)
    return 0


def render_diff(text: str, result: Restoration, color: bool) -> str:
    """The input with each fix shown inline as [-spun-]{+original+} (coloured on a terminal)."""

    def show(f: Fix) -> str:
        if color:
            return f"\x1b[31;9m{f.spun}\x1b[0m\x1b[32m{f.original}\x1b[0m"
        return f"[-{f.spun}-]{{+{f.original}+}}"

    out, pos = [], 0
    for f in sorted(result.fixes, key=lambda f: f.start):
        out += [text[pos : f.start], show(f)]
        pos = f.end
    out.append(text[pos:])
    body = "".join(out)
    summary = f"\n-- {len(result.fixes)} fixes\n"
    return body + ("" if body.endswith("\n") else "\n") + summary
