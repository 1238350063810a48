"""Compact, versioned data files: gzip-compressed msgpack with a checked header.

As in wordfreq, every file starts with a header ``{"format": NAME, "version": N}``; reading
a file of another format or version fails with a message that names the file. Small fitted
parameters (the detector, the fix calibration) are JSON, to be read in a diff, with the same
two fields at the top and the same check (:func:`read_json`, :func:`write_json`).
"""

from __future__ import annotations

import gzip
import json
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
    _check(path, header, fmt, version)
    return header, payload


def _check(path: str | Path, header: Any, fmt: str, version: int) -> None:
    if not isinstance(header, dict) or header.get("format") != fmt:
        got = header.get("format") if isinstance(header, dict) else None
        raise DataFileError(f"{path}: expected a '{fmt}' file, found {got!r}")
    if header.get("version") != version:
        raise DataFileError(
            f"{path}: '{fmt}' version {header.get('version')!r}, "
            f"this unspin reads version {version}"
        )


def read_json(path: str | Path, fmt: str, version: int, *, built_by: str) -> dict[str, Any]:
    """A JSON parameter file, its format and version checked; ``built_by`` names the script
    that makes it (said when the file is missing)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file; run {built_by}") from None
    except (OSError, ValueError) as e:
        raise DataFileError(
            f"{path}: not an unspin parameter file ({e.__class__.__name__})"
        ) from None
    _check(path, data, fmt, version)
    out: dict[str, Any] = data
    return out


def write_json(path: str | Path, fmt: str, version: int, payload: dict[str, Any]) -> None:
    """Write a JSON parameter file with its header first (sorted as given, indented)."""
    data = {
        "format": fmt,
        "version": version,
        **{k: v for k, v in payload.items() if k not in ("format", "version")},
    }
    Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def packaged(name: str) -> Path:
    """Path of a data file shipped inside the package."""
    return Path(str(resources.files("unspin") / "data" / name))
