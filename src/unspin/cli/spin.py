"""``unspin spin``: make spun text with a known answer key (for benchmarks and tests)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from ..errors import InputError
from ._common import read_chunks

NAME = "spin"
HELP = "spin text with an emulated spinner (to make benchmark data)"


def _profiles_help() -> str:
    from ..spinner import describe_profiles

    return "profiles:\n" + "\n".join(f"  {k:<10} {v}" for k, v in describe_profiles().items())


DESCRIPTION = (
    "Spin text with an emulated spinner profile and a fixed key (same seed, same output). "
    "Used to make benchmark data whose originals are known."
)


def _rate(value: str) -> float:
    try:
        r = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= r <= 1.0:
        raise argparse.ArgumentTypeError(f"rate must be between 0 and 1, got {value}")
    return r


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _profiles_help()
    parser.add_argument("input", metavar="FILE", help="text file, or '-' for standard input")
    parser.add_argument(
        "--profile",
        "-p",
        default="filler",
        help="spinner profile (default: filler; see the list below)",
    )
    parser.add_argument(
        "--rate",
        "-r",
        type=_rate,
        default=0.3,
        help="share of eligible words and phrases replaced, 0..1 (default 0.3)",
    )
    parser.add_argument(
        "--seed",
        "-s",
        type=int,
        default=0,
        help="the spinner's key: same seed, same replacements (default 0)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the result with every substitution as JSON"
    )


def run(args: argparse.Namespace) -> int:
    from ..spinner import available_profiles, spin

    if args.profile not in available_profiles():
        raise InputError(
            f"unknown profile {args.profile!r}; available: {', '.join(available_profiles())}"
        )
    # Spun in paragraph blocks of about 256 kB (each with the same key): bounded memory
    # on any input size. A shorter text is spun in one piece, as spin() does.
    if args.json:
        _write_json(args)
        return 0
    ends_with_newline = True
    for chunk in read_chunks(args.input):
        out = spin(chunk, profile=args.profile, rate=args.rate, seed=args.seed).text
        sys.stdout.write(out)
        if out:
            ends_with_newline = out.endswith("\n")
    if not ends_with_newline:
        sys.stdout.write("\n")
    return 0


def _write_json(args: argparse.Namespace) -> None:
    """SpinResult.to_dict() as JSON, written piece by piece: the text streams out while the
    substitutions (offsets in the whole text) wait in a temporary file."""
    from ..spinner import spin

    base_in = base_out = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as subs:
        sys.stdout.write('{\n "text": "')
        n = 0
        for chunk in read_chunks(args.input):
            r = spin(chunk, profile=args.profile, rate=args.rate, seed=args.seed)
            sys.stdout.write(json.dumps(r.text, ensure_ascii=False)[1:-1])
            for sub in r.substitutions:
                d = sub.to_dict()
                d["start"] += base_out
                d["end"] += base_out
                d["orig_start"] += base_in
                d["orig_end"] += base_in
                subs.write(("," if n else "") + "\n  " + json.dumps(d, ensure_ascii=False))
                n += 1
            base_in += len(chunk)
            base_out += len(r.text)
        head = {"profile": args.profile, "rate": args.rate, "seed": args.seed}
        sys.stdout.write('",\n')
        for k, v in head.items():
            sys.stdout.write(f" {json.dumps(k)}: {json.dumps(v)},\n")
        sys.stdout.write(' "substitutions": [')
        subs.seek(0)
        for line in subs:
            sys.stdout.write(line)
        sys.stdout.write("\n ]\n}\n" if n else "]\n}\n")
