"""WARC files (plain or per-record gzip): WET conversion records and HTML responses.

Read with FastWARC; HTML main text extracted by :mod:`unspin.io.html`. Records that are not
documents (warcinfo, request, metadata, non-HTML responses) are skipped. A broken record becomes
an error record with its byte offset: a record shorter than its Content-Length is ``truncated``,
one whose digest does not match, or whose header cannot be parsed, is ``warc``. After a header
that cannot be parsed, reading resumes at the next record (next ``WARC/1.`` line, or next gzip
member), so one bad record never hides the rest of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import MissingDependencyError
from .compress import GZIP_MAGIC, compression_of
from .decode import bytes_to_text, html_charset
from .html import extractor
from .options import ReadOptions
from .record import Location, Record

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MEMBER = GZIP_MAGIC + b"\x08"
_WARC_LINE = b"WARC/1."


def _fastwarc() -> Any:
    try:
        import fastwarc.warc as fw
    except ImportError:
        raise MissingDependencyError("reading WARC files", "fastwarc", "scan") from None
    return fw


def read_warc(path: Path, options: ReadOptions) -> Iterator[Record]:
    fw = _fastwarc()
    name = str(path)
    gz = compression_of(path) == "gzip"
    types = fw.WarcRecordType.response | fw.WarcRecordType.conversion | fw.WarcRecordType.resource
    start = 0
    last_good = -1
    failing = False  # inside a run of unreadable bytes: report it once
    with open(path, "rb") as f:
        while True:
            f.seek(start)
            yielded = False
            it = iter(fw.ArchiveIterator(f, parse_http=True, record_types=types))
            while True:
                try:
                    rec = next(it)
                except StopIteration:
                    return
                except Exception as e:  # FastWARC raises bare OSErrors on broken headers
                    if not failing:
                        at = max(start, last_good + 1)
                        yield Record.failed(
                            f"{name}@{at}",
                            Location(name, offset=at),
                            "warc",
                            f"unreadable WARC record after offset {max(last_good, 0)}: {e}",
                        )
                    failing = True
                    break
                last_good = rec.stream_pos
                failing = False
                yielded = True
                out = _record(rec, name, options, fw)
                if out is not None:
                    yield out
            nxt = _next_start(f, max(start, last_good) + 1 if yielded else start + 1, gz)
            if nxt is None:
                return
            start = nxt


def _next_start(f: IO[bytes], pos: int, gz: bool) -> int | None:
    """The offset of the next candidate record start at or after ``pos``."""
    needle = _GZIP_MEMBER if gz else _WARC_LINE
    window = 1 << 20
    while True:
        f.seek(pos)
        block = f.read(window + len(needle))
        if len(block) < len(needle):
            return None
        i = block.find(needle)
        if i >= 0:
            return pos + i
        pos += window


def _record(rec: Any, name: str, options: ReadOptions, fw: Any) -> Record | None:
    rid = rec.record_id or f"{name}@{rec.stream_pos}"
    where = Location(name, offset=rec.stream_pos, record_id=rec.record_id)
    url = rec.headers.get("WARC-Target-URI")
    rtype = rec.record_type
    if rtype == fw.WarcRecordType.conversion:
        ctype = (rec.headers.get("Content-Type") or "text/plain").lower()
        if not ctype.startswith("text/plain"):
            return None
        is_html = False
    else:
        ctype = (rec.http_content_type if rec.is_http else rec.headers.get("Content-Type")) or ""
        ctype = ctype.lower()
        is_html = ctype.startswith(_HTML_TYPES)
        if not is_html and not (
            rtype == fw.WarcRecordType.resource and ctype.startswith("text/plain")
        ):
            return None
    if rec.content_length > options.max_bytes:
        rec.reader.consume()
        return Record.failed(
            rid, where, "size", f"record of {rec.content_length} bytes exceeds {options.max_bytes}"
        )
    expected = rec.content_length  # read before verifying: verification resets it to what was read
    digest_ok = True
    if options.check_digests:
        if rec.is_http and rec.headers.get("WARC-Payload-Digest"):
            digest_ok = rec.verify_payload_digest(consume=False)
        elif not rec.is_http and rec.headers.get("WARC-Block-Digest"):
            digest_ok = rec.verify_block_digest(consume=False)
    data = rec.reader.read()
    if len(data) < expected:
        return Record.failed(
            rid,
            where,
            "truncated",
            f"record ends after {len(data)} of {expected} bytes",
        )
    if not digest_ok:
        return Record.failed(rid, where, "warc", "digest does not match the content")
    charset = html_charset(data, rec.http_charset) if is_html else "utf-8"
    text, err = bytes_to_text(data, charset)
    if err is not None:
        return Record.failed(rid, where, err[0], err[1])
    assert text is not None
    if is_html:
        try:
            text = extractor(options.extractor)(text)
        except Exception as e:  # an extractor bug must not stop the job
            return Record.failed(rid, where, "html", f"main-text extraction failed: {e}")
    return Record(rid, text, where, url=url)
