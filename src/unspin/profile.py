"""Spinner profiles: the substitution table of one spinner, learned and readable by a person.

A content farm spins every article with the same key, so its substitutions repeat. ``unspin
learn`` collects them into a profile; ``unspin restore --profile`` trusts them. The file is a
TSV with a checked header line, so that a person can read which substitutions were learned,
how often they were seen and how sure the learner is::

    # unspin-profile v1 name=farm documents=120
    spun	original	count	confidence
    as well as	and	431	0.97
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError

MAGIC = "# unspin-profile"
VERSION = 1
_HEADER = re.compile(r"^# unspin-profile v(\d+)((?: \w+=\S*)*)\s*$")


@dataclass(frozen=True, slots=True)
class Rule:
    spun: str
    original: str
    count: int
    confidence: float


@dataclass(slots=True)
class Profile:
    """A learned substitution table: ``rules[spun]`` lists what ``spun`` stood for."""

    name: str
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, name: str, rules: Iterable[Rule], **meta: str) -> Profile:
        table: dict[str, list[Rule]] = {}
        for r in rules:
            table.setdefault(r.spun, []).append(r)
        for v in table.values():
            v.sort(key=lambda r: (-r.confidence, -r.count, r.original))
        return cls(name, table, dict(meta))

    def __len__(self) -> int:
        return sum(len(v) for v in self.rules.values())

    def save(self, path: str | Path) -> None:
        meta = " ".join(f"{k}={v}" for k, v in {"name": self.name, **self.meta}.items())
        lines = [f"{MAGIC} v{VERSION} {meta}", "spun\toriginal\tcount\tconfidence"]
        for rules in sorted(self.rules.values(), key=lambda rs: (-rs[0].count, rs[0].spun)):
            lines += [f"{r.spun}\t{r.original}\t{r.count}\t{r.confidence:.3f}" for r in rules]
        try:
            Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError as e:
            raise DataFileError(f"{path}: cannot write profile ({e.strerror or e})") from None

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(f"{path}: no such profile file{_family_hint(path)}") from None
        except IsADirectoryError:
            raise DataFileError(f"{path}: is a directory, not a profile file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise DataFileError(f"{path}: cannot read profile ({e.__class__.__name__})") from None
        lines = text.splitlines()
        m = _HEADER.match(lines[0]) if lines else None
        if not m:
            raise DataFileError(
                f"{path}: not an unspin profile (missing '{MAGIC} v{VERSION}' line)"
            )
        if int(m.group(1)) != VERSION:
            raise DataFileError(
                f"{path}: profile version {m.group(1)}, this unspin reads {VERSION}"
            )
        meta = dict(kv.split("=", 1) for kv in m.group(2).split())
        rules = []
        for n, line in enumerate(lines[2:], start=3):
            if not line.strip():
                continue
            parts = line.split("\t")
            try:
                spun, original, count, conf = parts
                rules.append(Rule(spun, original, int(count), float(conf)))
            except ValueError:
                raise DataFileError(f"{path}:{n}: malformed profile row {line[:60]!r}") from None
        name = meta.pop("name", Path(path).stem)
        return cls.from_rules(name, rules, **meta)


def _family_hint(path: str | Path) -> str:
    """When a missing profile file is named like a spinner family ('filler', 'papermill'...),
    say what that name is: detect reports the family, but --profile wants a learned file."""
    from .spinner import available_profiles

    name = str(path)
    if name in available_profiles():
        return (
            f"; {name!r} is a spinner family (what detect reports, and a profile for "
            "'unspin spin'), not a profile file: omit --profile to use the built-in tables, "
            "or learn a profile from the farm's documents with 'unspin learn'"
        )
    return ""
