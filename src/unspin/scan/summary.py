"""What a scan did: the per-shard counts written to each completion marker, and their sum."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_RECORD_ERRORS = 4  # the scan finished, but some records could not be read or processed
EXIT_UNUSABLE_INPUT = 2  # the scan finished, but a whole input was unusable (see UNUSABLE_KINDS)
#: Error kinds that condemn a whole input file, not one record: a Parquet file without the
#: text column (wrong --text-field?). Its rows still get one error record each.
UNUSABLE_KINDS = frozenset({"schema"})


@dataclass(slots=True)
class Summary:
    """What a scan did. Counts cover the whole output folder, resumed shards included."""

    out: str
    records: int = 0
    errors: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    profiles: Counter[str] = field(default_factory=Counter)
    error_kinds: Counter[str] = field(default_factory=Counter)
    shards: int = 0
    shards_resumed: int = 0  # shards found complete from an earlier run, not redone
    records_this_run: int = 0
    seconds: float = 0.0

    @property
    def spun_share(self) -> float:
        judged = sum(self.labels.values())
        return self.labels.get("spun", 0) / judged if judged else 0.0

    @property
    def docs_per_second(self) -> float:
        return self.records_this_run / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.unusable:
            return EXIT_UNUSABLE_INPUT
        return EXIT_RECORD_ERRORS if self.errors else EXIT_OK

    @property
    def unusable(self) -> int:
        """Records from inputs that were unusable as a whole (error kinds in UNUSABLE_KINDS)."""
        return sum(n for k, n in self.error_kinds.items() if k in UNUSABLE_KINDS)

    def add(self, stats: ShardStats) -> None:
        self.records += stats.records
        self.errors += sum(stats.errors.values())
        self.labels.update(stats.labels)
        self.profiles.update(stats.profiles)
        self.error_kinds.update(stats.errors)
        self.shards += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "records": self.records,
            "errors": self.errors,
            "spun_share": round(self.spun_share, 4),
            "labels": dict(self.labels.most_common()),
            "top_profiles": dict(self.profiles.most_common(10)),
            "errors_by_kind": dict(self.error_kinds.most_common()),
            "shards": self.shards,
            "shards_resumed": self.shards_resumed,
            "records_this_run": self.records_this_run,
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.docs_per_second, 1),
            "exit_code": self.exit_code,
        }

    def format(self) -> str:
        lines = [
            f"records: {self.records} ({self.records - self.errors} ok, {self.errors} errors)"
            f" in {self.shards} shards ({self.shards_resumed} resumed from an earlier run)",
            f"this run: {self.records_this_run} records in {self.seconds:.1f} s"
            f" ({self.docs_per_second:.0f} docs/s)",
        ]
        if self.labels:
            labels = ", ".join(f"{k} {v}" for k, v in self.labels.most_common())
            lines.append(f"spun share: {self.spun_share:.1%} ({labels})")
        if self.profiles:
            top = ", ".join(f"{k} {v}" for k, v in self.profiles.most_common(5))
            lines.append(f"top spinner profiles: {top}")
        if self.error_kinds:
            kinds = ", ".join(f"{k} {v}" for k, v in self.error_kinds.most_common())
            lines.append(f"errors by kind: {kinds}")
        lines.append(f"output: {self.out}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ShardStats:
    """One shard's counts: what its completion marker holds (``OUT/done/SHARD.json``)."""

    shard: str
    records: int
    labels: dict[str, int]
    profiles: dict[str, int]  # the spinner profiles recognised in its spun records
    errors: dict[str, int]  # error records by kind
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ShardStats:
        return cls(
            str(d["shard"]),
            int(d["records"]),
            dict(d["labels"]),
            dict(d["profiles"]),
            dict(d["errors"]),
            float(d["seconds"]),
        )


def shard_stats(shard: str, rows: Sequence[dict[str, Any]], seconds: float) -> ShardStats:
    """Count one shard's rows."""
    labels: Counter[str] = Counter()
    profiles: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for r in rows:
        if r.get("error_kind"):
            errors[str(r["error_kind"])] += 1
            continue
        if r.get("label"):
            labels[str(r["label"])] += 1
            if r["label"] == "spun" and r.get("profile"):
                profiles[str(r["profile"])] += 1
    counts = dict(labels), dict(profiles), dict(errors)
    return ShardStats(shard, len(rows), *counts, round(seconds, 4))
