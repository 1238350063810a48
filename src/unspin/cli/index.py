"""unspin index build|add|info|compact: the trace index of candidate sources."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import InputError

NAME = "index"
HELP = "build or extend the index of sources that 'unspin trace' searches"
DESCRIPTION = (
    "Build (or extend) an embedded trace index: one folder, no server. A corpus is JSONL with "
    "'id' and 'text', a folder of .txt or .html files, or a WARC file."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    b = sub.add_parser("build", help="build a new index from corpora")
    b.add_argument("corpus", nargs="*", metavar="CORPUS", help="JSONL, folder or WARC")
    b.add_argument("--index", required=True, metavar="DIR", help="index folder to create")
    b.add_argument("--overwrite", action="store_true", help="replace an existing index")
    a = sub.add_parser("add", help="add corpora to an existing index")
    a.add_argument("corpus", nargs="+", metavar="CORPUS")
    a.add_argument("--index", required=True, metavar="DIR")
    for name, text in (
        ("info", "show an index's parameters and size"),
        (
            "compact",
            "merge an index's segments into one (faster queries; holds the index in memory)",
        ),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--index", required=True, metavar="DIR")
    for p in (b, a):
        p.add_argument(
            "--buffer",
            type=int,
            default=20_000,
            metavar="N",
            help="documents per segment (default 20000; a segment is also written every 16 MB "
            "of text, which bounds the build's memory)",
        )
        p.add_argument("--quiet", action="store_true", help="no summary line")


def run(args: argparse.Namespace) -> int:
    from ..trace import Index
    from ..trace.corpus import iter_corpus

    path = Path(args.index)
    if args.action == "info":
        with Index(path) as index:
            print(json.dumps(index.info(), indent=2))
        return 0
    if args.action == "compact":
        with Index(path) as index:
            index.compact()
        return 0
    if args.buffer < 1:
        raise InputError("--buffer must be at least 1")
    if args.action == "build" and (path / "index.msgpack.gz").exists():
        if not args.overwrite:
            raise InputError(
                f"{path}: an index exists already; use 'unspin index add' "
                "to extend it or --overwrite to replace it"
            )
        # remove the index's own files only, never anything else in the folder
        for f in [path / "index.msgpack.gz", *path.glob("seg-*")]:
            f.unlink()
    for c in args.corpus:
        if not Path(c).exists():
            raise InputError(f"{c}: no such file or folder")
    t0 = time.perf_counter()
    added = skipped = 0
    bad: list[str] = []

    def on_error(where: str, reason: str) -> None:
        if len(bad) < 3:
            print(f"unspin index: warning: {where}: {reason} (skipped)", file=sys.stderr)
        bad.append(where)

    with Index(path, create=args.action == "build") as index:
        with index.insertion_session(args.buffer):
            for c in args.corpus:
                for id, text in iter_corpus(c, on_error):
                    if index.add(id, text):
                        added += 1
                    else:
                        skipped += 1
        total = len(index)
    dt = time.perf_counter() - t0
    if not args.quiet:
        rate = f", {added / dt:.0f} docs/s" if dt > 0 and added else ""
        dup = f", {skipped} skipped (id already indexed)" if skipped else ""
        dup += f", {len(bad)} unreadable records skipped" if bad else ""
        print(
            f"{path}: added {added} documents{dup} in {dt:.1f} s{rate}; {total} in the index",
            file=sys.stderr,
        )
    return 0
