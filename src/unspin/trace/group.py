"""Cluster a batch of spun documents by shared source, and by the spinner that made them.

- **By source**: with an index, each document goes with its best candidate source (if its
  score clears ``min_score``). Without one, the batch is indexed on the fly and documents are
  linked when one finds the other as a candidate; linked documents form a group.
- **By spinner** (attribution): a spinner is its substitution table, so two copies made by the
  same tool show the same (spun, original) pairs where they touch the same words. Copies are
  linked when the Jaccard similarity of their pair sets clears ``min_pair_jaccard``; linked
  copies form a "farm". Given profile tables (by default the spin emulator's), each copy is
  also given the profile whose table holds the largest share of its pairs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .align import align, pairs_from_spans
from .index import Index

# profile name -> every (spun, original) pair that profile's table can produce
ProfileTable = Callable[[str], "frozenset[tuple[str, str]] | set[tuple[str, str]]"]


@cache
def emulator_table(profile: str) -> frozenset[tuple[str, str]]:
    """The (spun, original) pairs of one of the spin emulator's profiles, lowercased."""
    from ..spinner import get_profile

    entries = get_profile(profile).entries
    return frozenset(
        (c.lower(), key.lower()) for key, (_gid, cands) in entries.items() for c in cands
    )


def emulator_profiles() -> list[str]:
    """The emulator's profile names, or none if the emulator is not available."""
    try:
        from ..spinner import available_profiles
    except ImportError:
        return []
    return list(available_profiles())


@dataclass(slots=True)
class Member:
    name: str
    source: str | None
    score: float
    pairs: list[tuple[str, str]]
    farm: int = -1
    profile: str | None = None
    profile_share: float = 0.0


@dataclass(slots=True)
class Grouping:
    members: list[Member]
    groups: dict[str, list[str]] = field(default_factory=dict)  # source -> member names
    farms: list[list[str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [{"source": s, "members": m} for s, m in self.groups.items()],
            "farms": self.farms,
            "members": [
                {
                    "name": m.name,
                    "source": m.source,
                    "score": round(m.score, 4),
                    "farm": m.farm,
                    "profile": m.profile,
                    "profile_share": round(m.profile_share, 4),
                    "pairs": [list(p) for p in m.pairs],
                }
                for m in self.members
            ],
        }


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def jaccard(a: set[tuple[str, str]], b: set[tuple[str, str]]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _table(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for spun, original in pairs:
        out.setdefault(original, set()).add(spun)
    return out


def agreement(a: dict[str, set[str]], b: dict[str, set[str]], min_shared: int = 3) -> float:
    """Where two copies both replaced the same original, how often they chose alike.

    Copies of different sources share few words, so their pair sets hardly overlap even when
    one tool made both; but the originals they both replaced ("and", "has", "said") were
    replaced the same way if the tool (and its key) is the same. 0 below ``min_shared``.
    """
    shared = a.keys() & b.keys()
    if len(shared) < min_shared:
        return 0.0
    return sum(1 for o in shared if a[o] & b[o]) / len(shared)


def group(
    docs: Sequence[tuple[str, str]],
    index: Index | None = None,
    *,
    min_score: float = 0.3,
    min_pair_jaccard: float = 0.15,
    min_agreement: float = 0.75,
    profiles: Sequence[str] = (),
    profile_table: ProfileTable | None = None,
) -> Grouping:
    """Group ``docs`` ((name, text) pairs) by source and attribute them to spinners."""
    members = _by_index(docs, index, min_score) if index else _by_mutual(docs, min_score)
    groups: dict[str, list[str]] = {}
    for m in members:
        if m.source is not None:
            groups.setdefault(m.source, []).append(m.name)
    # farms: copies whose substitution tables agree
    sets = [set(m.pairs) for m in members]
    tables = [_table(m.pairs) for m in members]
    uf = _UnionFind(len(members))
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if not (sets[i] and sets[j]):
                continue
            if (
                jaccard(sets[i], sets[j]) >= min_pair_jaccard
                or agreement(tables[i], tables[j]) >= min_agreement
            ):
                uf.union(i, j)
    roots: dict[int, list[int]] = {}
    for i in range(len(members)):
        if sets[i]:
            roots.setdefault(uf.find(i), []).append(i)
    farms: list[list[str]] = []
    for k, idx in enumerate(sorted(roots.values())):
        for i in idx:
            members[i].farm = k
        farms.append([members[i].name for i in idx])
    if profile_table is not None and profiles:
        for m in members:
            if not m.pairs:
                continue
            best, share = None, 0.0
            for prof in profiles:
                table = profile_table(prof)
                s = sum(1 for p in m.pairs if p in table) / len(m.pairs)
                if s > share:
                    best, share = prof, s
            m.profile, m.profile_share = best, share
    return Grouping(members, groups, farms)


def _by_index(docs: Sequence[tuple[str, str]], index: Index, min_score: float) -> list[Member]:
    out: list[Member] = []
    for name, text in docs:
        cands = index.query(text, top=1, min_score=min_score)
        if cands:
            c = cands[0]
            out.append(Member(name, c.id, c.score, c.pairs))
        else:
            out.append(Member(name, None, 0.0, []))
    return out


def _by_mutual(docs: Sequence[tuple[str, str]], min_score: float) -> list[Member]:
    """No index: link documents that find each other, then align each with its group's first."""
    names = [n for n, _ in docs]
    pos = {n: i for i, n in enumerate(names)}
    uf = _UnionFind(len(docs))
    with (
        tempfile.TemporaryDirectory(prefix="unspin-group-") as tmp,
        Index(tmp, create=True) as index,
    ):
        index.add_many((str(i), text) for i, (_, text) in enumerate(docs))
        for i, (_, text) in enumerate(docs):
            for c in index.query(text, top=6, min_score=min_score):
                j = int(c.id)
                if j != i:
                    uf.union(i, j)
    out: list[Member] = []
    for i, (name, text) in enumerate(docs):
        root = uf.find(i)
        size = sum(1 for j in range(len(docs)) if uf.find(j) == root)
        if size == 1:
            out.append(Member(name, None, 0.0, []))
            continue
        anchor = names[root]
        if root == i:
            out.append(Member(name, anchor, 1.0, []))
        else:
            al = align(text, docs[pos[anchor]][1])
            out.append(Member(name, anchor, al.spun_coverage, pairs_from_spans(al.spans)))
    return out
