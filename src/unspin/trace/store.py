"""The embedded index store: one folder, a checked manifest and immutable segments.

Layout of an index folder::

    index.msgpack.gz          manifest: {"format": "unspin.trace-index", "version": 1, params...}
                              and the list of segments
    seg-000001.feats.npy      sorted unique feature hashes (uint64)
    seg-000001.offs.npy       postings offsets per feature (int64, len(feats) + 1)
    seg-000001.post.npy       postings: local document numbers (int32), grouped by feature
    seg-000001.dlen.npy       number of features per document (int32)
    seg-000001.toffs.npy      offsets of each document's compressed text (int64)
    seg-000001.texts          the documents' texts, zlib-compressed one by one
    seg-000001.ids.msgpack    the documents' ids, in order

A segment is written once (an insertion session or an ``add`` flush) and never changed; the
manifest is replaced atomically after the segment's files are complete, so a crash leaves the
index as it was. ``compact`` merges segments into one. Arrays are memory-mapped on open, so
opening a large index costs little and several processes share the page cache.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
import numpy.typing as npt

from ..errors import DataFileError, InputError

FORMAT = "unspin.trace-index"
VERSION = 1
MANIFEST = "index.msgpack.gz"
_PARTS = ("feats", "offs", "post", "dlen", "toffs")


@dataclass(slots=True)
class Segment:
    name: str
    feats: npt.NDArray[np.uint64]
    offs: npt.NDArray[np.int64]
    post: npt.NDArray[np.int32]
    dlen: npt.NDArray[np.int32]
    toffs: npt.NDArray[np.int64]
    ids: list[str]
    texts: Path

    @property
    def docs(self) -> int:
        return len(self.ids)

    def text(self, i: int) -> str:
        a, b = int(self.toffs[i]), int(self.toffs[i + 1])
        with open(self.texts, "rb") as f:
            f.seek(a)
            blob = f.read(b - a)
        return zlib.decompress(blob).decode("utf-8") if blob else ""


def write_segment(
    folder: Path,
    name: str,
    ids: list[str],
    texts: list[str],
    allf: npt.NDArray[np.uint64],
    docs: npt.NDArray[np.int64],
    feature_bits: int,
) -> dict[str, Any]:
    """Write one segment's files from (feature, document) pairs; returns its manifest entry.

    Features keep their top ``feature_bits`` bits and the document number fills the rest, so
    one sort of plain integers orders the postings by feature, then document, and drops a
    document's repeated features.
    """
    doc_bits = 64 - feature_bits
    if len(ids) >= 1 << doc_bits:
        raise InputError(f"a segment holds at most {(1 << doc_bits) - 1} documents")
    shift = np.uint64(doc_bits)
    keys = np.sort(((allf >> shift) << shift) | docs.astype(np.uint64))
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    allf = (keys >> shift) << shift
    post = (keys & np.uint64((1 << doc_bits) - 1)).astype(np.int32)
    lens = np.bincount(post, minlength=len(ids))
    # allf is sorted: a feature's postings start where its value changes
    starts = (
        np.flatnonzero(np.concatenate(([True], allf[1:] != allf[:-1])))
        if len(allf)
        else np.empty(0, dtype=np.int64)
    )
    uniq = allf[starts]
    offs = np.append(starts, len(allf)).astype(np.int64)
    blobs = [zlib.compress(t.encode("utf-8"), 1) if t else b"" for t in texts]
    toffs = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=toffs[1:])
    arrays: dict[str, npt.NDArray[Any]] = {
        "feats": uniq.astype(np.uint64),
        "offs": offs,
        "post": post.astype(np.int32),
        "dlen": lens.astype(np.int32),
        "toffs": toffs,
    }
    for part, arr in arrays.items():
        np.save(folder / f"{name}.{part}.npy", arr, allow_pickle=False)
    with open(folder / f"{name}.texts", "wb") as f:
        for b in blobs:
            f.write(b)
    with open(folder / f"{name}.ids.msgpack", "wb") as f:
        f.write(msgpack.packb(ids, use_bin_type=True))
    return {"name": name, "docs": len(ids), "features": int(len(uniq)), "postings": int(len(post))}


def load_segment(folder: Path, entry: dict[str, Any]) -> Segment:
    name = str(entry["name"])
    try:
        arrays = {
            p: np.load(folder / f"{name}.{p}.npy", mmap_mode="r", allow_pickle=False)
            for p in _PARTS
        }
        with open(folder / f"{name}.ids.msgpack", "rb") as f:
            ids = msgpack.unpackb(f.read(), raw=False)
    except FileNotFoundError as e:
        raise DataFileError(
            f"{folder}: index segment file missing ({Path(e.filename or name).name})"
        ) from None
    except (OSError, ValueError, msgpack.UnpackException) as e:
        raise DataFileError(
            f"{folder}: index segment {name} is corrupt ({e.__class__.__name__})"
        ) from None
    seg = Segment(
        name,
        arrays["feats"],
        arrays["offs"],
        arrays["post"],
        arrays["dlen"],
        arrays["toffs"],
        list(ids),
        folder / f"{name}.texts",
    )
    n = seg.docs
    if (
        n != entry.get("docs")
        or len(seg.dlen) != n
        or len(seg.toffs) != n + 1
        or len(seg.offs) != len(seg.feats) + 1
        or (len(seg.offs) and int(seg.offs[-1]) != len(seg.post))
        or not (folder / f"{name}.texts").exists()
    ):
        raise DataFileError(f"{folder}: index segment {name} is corrupt (sizes disagree)")
    return seg


def remove_segment(folder: Path, name: str) -> None:
    for part in (*(f"{p}.npy" for p in _PARTS), "texts", "ids.msgpack"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(folder / f"{name}.{part}")
