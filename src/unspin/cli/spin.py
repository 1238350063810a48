"""``unspin spin``: make spun text with a known answer key (for benchmarks and tests)."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InputError
from ._common import read_input

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
    parser.add_argument("--profile", "-p", default="filler",
                        help="spinner profile (default: filler; see the list below)")
    parser.add_argument("--rate", "-r", type=_rate, default=0.3,
                        help="share of eligible words and phrases replaced, 0..1 (default 0.3)")
    parser.add_argument("--seed", "-s", type=int, default=0,
                        help="the spinner's key: same seed, same replacements (default 0)")
    parser.add_argument("--json", action="store_true",
                        help="print the result with every substitution as JSON")


def run(args: argparse.Namespace) -> int:
    from ..spinner import available_profiles, spin

    if args.profile not in available_profiles():
        raise InputError(
            f"unknown profile {args.profile!r}; available: {', '.join(available_profiles())}"
        )
    text = read_input(args.input)
    result = spin(text, profile=args.profile, rate=args.rate, seed=args.seed)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.text)
        if result.text and not result.text.endswith("\n"):
            sys.stdout.write("\n")
    return 0
