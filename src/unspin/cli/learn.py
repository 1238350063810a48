"""unspin learn: learn a spinner profile from documents it spun, or from traced pairs."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ._common import read_capped, read_chunks, read_lines

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


class _FileText:
    """One text file, read in paragraph blocks each time it is iterated."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self) -> Iterator[str]:
        return read_chunks(self.path)


class _Documents:
    """The documents of DOCS, read lazily and again on each iteration (learn() reads them
    twice): a large file streams in paragraph blocks, a JSONL file record by record."""

    def __init__(self, paths: list[str], spool: Path | None) -> None:
        self.paths = paths
        self.spool = spool  # standard input, saved to a temporary file to be read twice
        self.count = 0

    def __iter__(self) -> Iterator[str | _FileText]:
        self.count = 0
        for path in self.paths:
            p = Path(path)
            if path == "-" and self.spool is not None:
                yield _FileText(str(self.spool))
                self.count += 1
            elif p.is_dir():
                files = sorted(p.glob("*.txt"))
                if not files:
                    raise InputError(f"{path}: no .txt files in this folder")
                for f in files:
                    yield _FileText(str(f))
                    self.count += 1
            elif p.suffix == ".jsonl":
                for rec in _records(path, ("text",)):
                    yield rec[0]
                    self.count += 1
            else:
                read_input_check(path)
                yield _FileText(path)
                self.count += 1


def read_input_check(path: str) -> None:
    """Fail now on a missing or unreadable file, with the usual one-line reason."""
    for _ in read_chunks(path, chunk_bytes=1):
        break


def _records(path: str, fields: tuple[str, ...]) -> Iterator[list[str]]:
    """The string values of ``fields`` in each record of a JSONL file, read line by line."""
    for n, line in read_lines(path):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            values = [rec[f] for f in fields]
        except (ValueError, KeyError, TypeError, IndexError):
            values = []
        for f, v in zip(fields, values or [None] * len(fields), strict=True):
            if not isinstance(v, str):
                raise InputError(f"{path}:{n}: expected a JSON object with a text string in '{f}'")
        yield values


def _pairs(paths: list[str], counter: list[int]) -> Iterator[tuple[str, str]]:
    """(spun, original) pairs: JSONL records, or a text file (or folder of them) paired with
    itself. A document is read whole here (the alignment needs it): up to 32 MB."""
    for path in paths:
        p = Path(path)
        if p.suffix == ".jsonl" and not p.is_dir():
            for spun, original in _records(path, ("spun", "original")):
                counter[0] += 1
                yield spun, original
            continue
        if p.is_dir():
            files = [str(f) for f in sorted(p.glob("*.txt"))]
            if not files:
                raise InputError(f"{path}: no .txt files in this folder")
        else:
            files = [path]
        for f in files:
            text = read_capped(f)
            counter[0] += 1
            yield text, text


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
        counter = [0]
        profile = learn_from_pairs(_pairs(args.docs, counter), name)
        read = f"{counter[0]} (spun, original) pairs"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            spool = None
            if "-" in args.docs:
                spool = Path(tmp) / "stdin.txt"
                with spool.open("wb") as f:
                    shutil.copyfileobj(sys.stdin.buffer, f)
            docs = _Documents(args.docs, spool)
            profile = learn(docs, name)
        read = f"{docs.count} documents ({profile.meta.get('documents')} in English)"
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
