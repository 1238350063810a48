"""unspin scan: run detect/restore/trace over many documents, resumably (see unspin.scan)."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InputError
from ..fixes import DEFAULT_MIN_CONFIDENCE
from ..io import ReadOptions
from ..io.options import EXTRACTORS
from ..scan import EXIT_RECORD_ERRORS, TASKS, ScanConfig, default_workers, scan
from ._common import probability

NAME = "scan"
HELP = "scan JSONL, Parquet, WARC files and folders into a folder of results, resumably"
DESCRIPTION = (
    "Run detect (and restore, trace) over every record of the inputs: JSON Lines (plain, .gz, "
    ".zst), Parquet, WARC (WET records and HTML responses) and folders of .txt/.html files. "
    "Results go to OUT/parts/ (one record per input record, errors included) with a summary "
    "in OUT/summary.json. Rerunning the same command resumes an interrupted scan. Exit "
    f"status: 0 all records done, {EXIT_RECORD_ERRORS} done but some records had errors "
    "(see errors_by_kind), 2 bad arguments or unusable input (also when the scan ran but an "
    "input was unusable as a whole, e.g. a Parquet file without the text column: each of its "
    "rows has an error record)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files or folders to scan (not '-': a scan resumes from its inputs, so it needs "
        "files; save a stream to a file first)",
    )
    parser.add_argument("--out", "-o", required=True, help="output folder (created or resumed)")
    parser.add_argument(
        "--tasks",
        default="detect",
        help=f"comma-separated tasks among {','.join(TASKS)} (default: detect)",
    )
    parser.add_argument("--index", help="trace index folder (for the trace task)")
    parser.add_argument("--top", type=int, default=3, help="trace candidates kept (default: 3)")
    parser.add_argument(
        "--workers",
        "-j",
        type=int,
        default=default_workers(),
        help="worker processes (default: the cores available)",
    )
    parser.add_argument(
        "--chunk-size", type=int, default=1000, help="records per shard (default: 1000)"
    )
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--profile", help="spinner profile to use")
    parser.add_argument(
        "--model",
        default="trigram",
        metavar="NAME",
        help="context model for detect and restore: trigram (default, the fast path), "
        "smollm2-135m, gemma3-270m, auto",
    )
    parser.add_argument(
        "--threshold", type=probability, help="detect: score threshold for 'spun' (0..1)"
    )
    parser.add_argument(
        "--min-confidence",
        type=probability,
        default=DEFAULT_MIN_CONFIDENCE,
        help="restore: fix cutoff (0..1)",
    )
    parser.add_argument("--id-field", default="id", help="JSONL key / Parquet column of the id")
    parser.add_argument("--text-field", default="text", help="JSONL key / Parquet column of text")
    parser.add_argument("--extractor", choices=EXTRACTORS, default="resiliparse")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    if "-" in args.inputs:
        raise InputError(
            "'-' (standard input) cannot be scanned: a scan resumes from its input files; "
            "save the stream to a file (e.g. cat > in.jsonl) and scan that"
        )
    config = ScanConfig(
        tasks=tuple(t.strip() for t in args.tasks.split(",") if t.strip()),
        profile=args.profile,
        threshold=args.threshold,
        min_confidence=args.min_confidence,
        model=args.model,
        index=args.index,
        top=args.top,
    )
    options = ReadOptions(
        id_field=args.id_field, text_field=args.text_field, extractor=args.extractor
    )
    summary = scan(
        args.inputs,
        args.out,
        config=config,
        workers=args.workers,
        chunk_size=args.chunk_size,
        output_format=args.format,
        read_options=options,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    if args.json:
        print(json.dumps(summary.to_dict(), indent=1))
    else:
        print(summary.format())
    if summary.unusable:
        print(
            f"unspin scan: error: {summary.unusable} records come from inputs that are unusable "
            f"as a whole (a Parquet file without a string '{args.text_field}' column? name the "
            "text column with --text-field); each has an error record in the output",
            file=sys.stderr,
        )
    return summary.exit_code
