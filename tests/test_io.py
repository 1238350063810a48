"""The input readers: every format, and every kind of bad input as an error record."""

from __future__ import annotations

import gzip
import hashlib
import json
from base64 import b32encode
from pathlib import Path

import pytest

from unspin.io import Record, detect_format, iter_records

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
zstandard = pytest.importorskip("zstandard")
pytest.importorskip("fastwarc")
pytest.importorskip("resiliparse")


def jsonl_bytes(n: int, start: int = 0) -> bytes:
    return b"".join(
        json.dumps({"id": f"d{i}", "text": f"Document {i} says hello."}).encode() + b"\n"
        for i in range(start, start + n)
    )


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def warc_record(rtype: str, uri: str, block: bytes, ctype: str, rid: str, payload: bytes) -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {rtype}",
        f"WARC-Record-ID: <urn:uuid:{rid}>",
        f"WARC-Target-URI: {uri}",
        "WARC-Date: 2024-01-01T00:00:00Z",
        f"WARC-Block-Digest: {_digest(block)}",
        f"WARC-Payload-Digest: {_digest(payload)}",
        f"Content-Type: {ctype}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def html_response(i: int, body: bytes | None = None, charset: str = "utf-8") -> bytes:
    html = (
        body
        or (
            f"<html><head><title>Page {i}</title></head><body><nav>Home | About</nav>"
            f"<article><p>The main story number {i} is told in this paragraph, with enough words "
            f"to count as the main content of the page.</p></article></body></html>"
        ).encode()
    )
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={charset}\r\n"
        f"Content-Length: {len(html)}\r\n\r\n"
    ).encode()
    return warc_record(
        "response",
        f"http://example.com/{i}",
        http + html,
        "application/http; msgtype=response",
        f"00000000-0000-0000-0000-{i:012d}",
        html,
    )


def wet_conversion(i: int, text: str | None = None) -> bytes:
    body = (text or f"Plain extracted text of page {i}.").encode()
    return warc_record(
        "conversion",
        f"http://example.com/{i}",
        body,
        "text/plain",
        f"11111111-0000-0000-0000-{i:012d}",
        body,
    )


def write_warc(path: Path, records: list[bytes], gz: bool) -> None:
    with open(path, "wb") as f:
        for r in records:
            f.write(gzip.compress(r) if gz else r)


def texts(recs: list[Record]) -> list[str]:
    return [r.text for r in recs]


# --- JSONL -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_jsonl_plain_and_compressed(tmp_path: Path, suffix: str) -> None:
    data = jsonl_bytes(50)
    if suffix == ".gz":
        data = gzip.compress(data)
    elif suffix == ".zst":
        data = zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"docs.jsonl{suffix}"
    path.write_bytes(data)
    recs = list(iter_records(path))
    assert [r.id for r in recs] == [f"d{i}" for i in range(50)]
    assert all(r.ok for r in recs)
    assert recs[3].text == "Document 3 says hello."
    assert recs[3].location.line == 4 and recs[3].location.file == str(path)


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_truncated_compressed_jsonl_keeps_the_head_and_reports_the_rest(
    tmp_path: Path, suffix: str
) -> None:
    n = 20000  # zstd decodes whole 128 KiB blocks: the cut must leave some complete ones
    data = jsonl_bytes(n)
    packed = gzip.compress(data) if suffix == ".gz" else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"docs.jsonl{suffix}"
    path.write_bytes(packed[: len(packed) // 2])
    recs = list(iter_records(path))
    good, bad = [r for r in recs if r.ok], [r for r in recs if not r.ok]
    assert 0 < len(good) < n
    assert [r.id for r in good] == [f"d{i}" for i in range(len(good))]
    assert len(bad) == 1 and bad[0].error_kind == "truncated"
    assert bad[0].location.line == len(good) + 1
    assert recs[-1] is bad[0]


def test_bad_jsonl_lines_become_error_records(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "fine"}\n'
        b"not json at all\n"
        b'{"id": "b", "text": "caf\xe9 in latin-1"}\n'
        b"\n"
        b'{"id": "c", "body": "no text field"}\n'
        b'{"id": "d", "text": 42}\n'
        b"[1, 2]\n"
        b'{"text": "no id here"}\n'
        b'{"id": 7, "text": "numeric id", "url": "http://x.org/"}\n'
    )
    recs = list(iter_records(path))
    kinds = [(r.id, r.error_kind) for r in recs]
    assert kinds == [
        ("a", None),
        (f"{path}:2", "json"),
        (f"{path}:3", "encoding"),
        ("c", "field"),
        ("d", "field"),
        (f"{path}:7", "json"),
        (f"{path}:8", None),
        ("7", None),
    ]
    assert recs[2].location.line == 3 and "UTF-8" in (recs[2].error or "")
    assert recs[-1].url == "http://x.org/"


def test_custom_field_names(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"doc_id": "x1", "content": "hello"}\n')
    (rec,) = iter_records(path, id_field="doc_id", text_field="content")
    assert (rec.id, rec.text) == ("x1", "hello")


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_reads_rows_in_order(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    table = pa.table({"id": [f"p{i}" for i in range(30)], "text": [f"t{i}" for i in range(30)]})
    pq.write_table(table, path, row_group_size=7)
    recs = list(iter_records(path))
    assert [r.id for r in recs] == [f"p{i}" for i in range(30)]
    assert recs[10].text == "t10" and recs[10].location.row == 10


def test_parquet_wrong_schema_is_one_error_record_per_row(tmp_path: Path) -> None:
    path = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": [1.5, 2.5]}), path)
    recs = list(iter_records(path))
    assert [r.location.row for r in recs] == [0, 1]
    rec = recs[0]
    assert rec.error_kind == "schema" and "text" in (rec.error or "")
    path2 = tmp_path / "nocol.parquet"
    pq.write_table(pa.table({"body": ["a"]}), path2)
    (rec2,) = iter_records(path2)
    assert rec2.error_kind == "schema"


def test_parquet_nulls_and_garbage(tmp_path: Path) -> None:
    path = tmp_path / "nulls.parquet"
    pq.write_table(pa.table({"text": ["a", None, "c"]}), path)
    recs = list(iter_records(path))
    assert [r.error_kind for r in recs] == [None, "field", None]
    assert recs[1].id == f"{path}#row=1"
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 this is not really parquet")
    (rec,) = iter_records(fake)
    assert rec.error_kind == "parquet"


# --- WARC ------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_and_wet_conversions(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("c.warc.gz" if gz else "c.warc")
    write_warc(path, [html_response(1), wet_conversion(2), html_response(3)], gz)
    recs = list(iter_records(path))
    assert all(r.ok for r in recs), [r.error for r in recs]
    assert len(recs) == 3
    assert "main story number 1" in recs[0].text and "Home | About" not in recs[0].text
    assert recs[1].text == "Plain extracted text of page 2."
    assert recs[0].id == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert recs[0].url == "http://example.com/1"
    assert recs[2].location.offset is not None and recs[2].location.offset > 0


@pytest.mark.parametrize("gz", [False, True])
def test_broken_warc_record_is_reported_and_reading_goes_on(tmp_path: Path, gz: bool) -> None:
    broken = html_response(2).replace(b"WARC/1.0\r\n", b"WARC/garbage\r\n", 1)
    path = tmp_path / ("b.warc.gz" if gz else "b.warc")
    write_warc(path, [html_response(1), broken, wet_conversion(3), html_response(4)], gz)
    recs = list(iter_records(path))
    bad = [r for r in recs if not r.ok]
    assert len(bad) == 1 and bad[0].error_kind == "warc"
    assert bad[0].location.offset is not None
    good_urls = [r.url for r in recs if r.ok]
    assert good_urls == ["http://example.com/1", "http://example.com/3", "http://example.com/4"]


def test_truncated_and_tampered_warc_records(tmp_path: Path) -> None:
    tampered = wet_conversion(2).replace(b"Plain extracted", b"Plain EXTRACTED")
    path = tmp_path / "t.warc.gz"
    write_warc(path, [html_response(1), tampered, html_response(3)], gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 60])
    recs = list(iter_records(path))
    assert [r.error_kind for r in recs] == [None, "warc", "truncated"]


def test_warc_charset_declared_and_wrong(tmp_path: Path) -> None:
    latin = "<html><body><article><p>Un café très agréable près de la gare du nord, vraiment."
    good = html_response(1, latin.encode("latin-1"), charset="iso-8859-1")
    bad = html_response(2, latin.encode("latin-1"), charset="utf-8")
    path = tmp_path / "cs.warc"
    write_warc(path, [good, bad], gz=False)
    recs = list(iter_records(path))
    assert "café" in recs[0].text
    assert recs[1].error_kind == "encoding"


# --- files and folders -----------------------------------------------------------------------


def test_folder_of_text_and_html(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("First text.")
    (root / "sub" / "b.html").write_text(
        "<html><body><article><p>An html page with a paragraph of real words.</p>"
        "</article></body></html>"
    )
    (root / "c.txt").write_bytes(b"caf\xe9 au lait")
    (root / "d.bin").write_bytes(b"\x00\x01\x02binary")
    (root / ".hidden").write_text("skip me")
    (root / "e.jsonl").write_bytes(jsonl_bytes(2))
    recs = list(iter_records(root))
    assert [(r.id, r.error_kind) for r in recs] == [
        ("a.txt", None),
        ("c.txt", "encoding"),
        ("d.bin", "unsupported"),
        ("d0", None),
        ("d1", None),
        ("sub/b.html", None),
    ]
    assert "html page with a paragraph" in recs[-1].text


def test_single_files_and_detection(tmp_path: Path) -> None:
    t = tmp_path / "one.txt"
    t.write_text("Just one document.")
    assert [r.text for r in iter_records(t)] == ["Just one document."]
    noext = tmp_path / "noext"
    noext.write_bytes(gzip.compress(jsonl_bytes(1)))
    assert detect_format(noext) == "jsonl"
    assert detect_format(tmp_path) == "dir"
    (rec,) = iter_records(tmp_path / "missing.jsonl")
    assert rec.error_kind == "io"


def test_oversized_document_is_an_error_not_a_memory_spike(tmp_path: Path) -> None:
    from unspin.io import ReadOptions

    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    (rec,) = iter_records(big, options=ReadOptions(max_bytes=100))
    assert rec.error_kind == "size"
    lines = tmp_path / "long.jsonl"
    long_line = json.dumps({"id": "long", "text": "word " * 5000})
    lines.write_text(f'{{"id": "a", "text": "short"}}\n{long_line}\n{{"id": "b", "text": "x"}}\n')
    recs = list(iter_records(lines, options=ReadOptions(max_bytes=1000)))
    assert [(r.id, r.error_kind) for r in recs] == [
        ("a", None),
        (f"{lines}:2", "size"),
        ("b", None),
    ]
