"""unspin trace: find the sources of spun texts, with the alignment as evidence."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..errors import InputError
from ._common import probability, read_input

NAME = "trace"
HELP = "find the source a spun text was made from, and show the substitutions"
DESCRIPTION = (
    "Rank candidate sources of each FILE ('-' for stdin) in the index, each verified by an "
    "alignment that shows which spun span stands for which source span. With --json, one JSON "
    'object per FILE and line: {"query", "candidates": [{"id", "score", "alignment", '
    '"pairs"}], "warnings"}. With --pairs, one line per FILE for \'unspin learn --from-trace\': '
    '{"query", "id", "score", "spun", "original", "pairs"}. With --group, cluster '
    "the files by source and by spinner."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="spun texts; '-' is stdin")
    parser.add_argument(
        "--index",
        action="append",
        default=[],
        metavar="DIR",
        help="index folder; repeat for shards (ranked lists are merged)",
    )
    parser.add_argument("--top", type=int, default=5, metavar="K", help="candidates (default 5)")
    parser.add_argument(
        "--min-score",
        type=probability,
        default=0.0,
        metavar="S",
        help="drop candidates scoring below S (0..1)",
    )
    parser.add_argument("--json", action="store_true", help="JSON lines output")
    parser.add_argument(
        "--pairs",
        action="store_true",
        help="JSON lines for 'unspin learn --from-trace': per FILE, the best "
        "source above --min-score as {query, id, score, spun, original, pairs}",
    )
    parser.add_argument(
        "--group", action="store_true", help="cluster FILEs by shared source and by spinner"
    )


def run(args: argparse.Namespace) -> int:
    from ..trace import Index, query_shards

    if args.top < 1:
        raise InputError("--top must be at least 1")
    if not 0.0 <= args.min_score <= 1.0:
        raise InputError("--min-score must be between 0 and 1")
    if args.files.count("-") > 1:
        raise InputError("'-' (stdin) can be given only once")
    if not args.index and not args.group:
        raise InputError("give --index DIR (build one with 'unspin index build')")
    with ExitStack() as stack:
        indexes = [stack.enter_context(Index(Path(p))) for p in args.index]
        docs = [(f, read_input(f)) for f in args.files]
        if args.group:
            return _group(docs, indexes, args)
        for name, text in docs:
            result = query_shards(indexes, text, args.top, min_score=args.min_score)
            for w in result.warnings:
                print(f"unspin trace: warning: {name}: {w}", file=sys.stderr)
            if args.pairs:
                if result.candidates:
                    best = result.candidates[0]
                    rec = {
                        "query": name,
                        "id": best.id,
                        "score": round(best.score, 4),
                        "spun": text,
                        "original": best.source_text,
                        "pairs": [list(p) for p in best.pairs],
                    }
                    print(json.dumps(rec, ensure_ascii=False))
                else:
                    print(f"unspin trace: warning: {name}: no source found", file=sys.stderr)
            elif args.json:
                out = {
                    "query": name,
                    "candidates": [c.to_dict() for c in result.candidates],
                    "warnings": result.warnings,
                }
                print(json.dumps(out, ensure_ascii=False))
            else:
                _print_human(name, result.candidates, len(docs) > 1)
    return 0


def _print_human(name: str, candidates: list[Any], header: bool) -> None:
    if header:
        print(f"== {name}")
    if not candidates:
        print("no candidate source found")
        return
    for rank, c in enumerate(candidates, 1):
        subs = c.pairs
        print(
            f"{rank}. {c.id}  score {c.score:.3f}  "
            f"(copied {c.spun_coverage:.0%} of the words, {len(subs)} substitutions)"
        )
    best = candidates[0]
    if best.pairs:
        print(f"substitutions in candidate 1 ({best.id}), spun <- source:")
    for spun, original in best.pairs[:20]:
        print(f"   {spun!r} <- {original!r}")
    if len(best.pairs) > 20:
        print(f"   ... {len(best.pairs) - 20} more (--json for all)")


def _group(docs: list[tuple[str, str]], indexes: list[Any], args: argparse.Namespace) -> int:
    from ..trace.group import emulator_profiles, emulator_table, group

    if len(indexes) > 1:
        raise InputError("--group takes one --index (or none, to group by mutual similarity)")
    g = group(
        docs,
        indexes[0] if indexes else None,
        min_score=args.min_score or 0.3,
        profiles=emulator_profiles(),
        profile_table=emulator_table,
    )
    if args.json:
        print(json.dumps(g.to_dict(), ensure_ascii=False))
        return 0
    for source, names in g.groups.items():
        print(f"source {source}: {len(names)} copies")
        for n in names:
            m = next(x for x in g.members if x.name == n)
            prof = f", profile {m.profile} ({m.profile_share:.0%})" if m.profile else ""
            print(f"   {n}  score {m.score:.3f}, farm {m.farm}{prof}")
    lone = [m.name for m in g.members if m.source is None]
    if lone:
        print(f"no source found: {', '.join(lone)}")
    for k, farm in enumerate(g.farms):
        print(f"farm {k} (same substitution table): {', '.join(farm)}")
    return 0
