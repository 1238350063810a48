"""Compact, versioned data files: gzip-compressed msgpack with a checked header.

As in wordfreq, every file starts with a header ``{"format": NAME, "version": N}``; reading
a file of another format or version fails with a message that names the file.
"""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path
from typing import Any

import msgpack

from .errors import DataFileError


def write(path: str | Path, fmt: str, version: int, payload: Any, **meta: Any) -> None:
    header = {"format": fmt, "version": version, **meta}
    blob = msgpack.packb([header, payload], use_bin_type=True)
    # mtime=0 keeps builds byte-for-byte reproducible
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(blob)


def read(path: str | Path, fmt: str, version: int) -> tuple[dict[str, Any], Any]:
    """Return (header, payload), checking format and version."""
    try:
        with gzip.open(path, "rb") as f:
            blob = f.read()
        header, payload = msgpack.unpackb(blob, raw=False, strict_map_key=False)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except (OSError, EOFError, ValueError, msgpack.ExtraData, msgpack.UnpackException) as e:
        raise DataFileError(f"{path}: not an unspin data file ({e.__class__.__name__})") from None
    if not isinstance(header, dict) or header.get("format") != fmt:
        got = header.get("format") if isinstance(header, dict) else None
        raise DataFileError(f"{path}: expected a '{fmt}' file, found {got!r}")
    if header.get("version") != version:
        raise DataFileError(
            f"{path}: '{fmt}' version {header.get('version')!r}, "
            f"this unspin reads version {version}"
        )
    return header, payload


def packaged(name: str) -> Path:
    """Path of a data file shipped inside the package."""
    return Path(str(resources.files("unspin") / "data" / name))
