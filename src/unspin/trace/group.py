"""Cluster a batch of spun documents by shared source, and by the spinner that made them.

- **By source**: with an index, each document goes with its best candidate source (if its
  score clears ``min_score``). Without one, the batch is indexed on the fly and documents are
  linked when one finds the other as a candidate; linked documents form a group.
- **By spinner** (attribution): a spinner with a fixed key replaces an original word the same
  way in every copy it makes, so the (spun, original) pairs of a farm's copies form one table:
  one spun form per original. Copies of different articles share few replaced originals (two
  news articles of 100-300 words spun at rate 0.3 share fewer than one on average), so a
  pair of copies seldom holds enough evidence on its own; farms are therefore grown by
  pooling. Every copy starts as its
  own farm with its own table; the two farms whose tables agree on the most shared originals
  are merged (and their tables pooled), as long as they replaced at least ``min_alike``
  originals alike and disagree on at most one original plus ``1 - min_agreement`` of those
  both replaced; repeat until no two farms qualify. Copies of different spinners choose
  alike on few shared originals (under 10% between the emulator's profiles), so they stop
  merging at their second disagreement.
  Given profile tables (by default the spin emulator's), each copy is also given the profile
  whose table holds the largest share of its pairs.

Limits: copies of one table with another key (the same profile with another seed) agree on
every original that has a single candidate, and two such copies with only two shared
originals can be merged; copies that replaced fewer than ``min_alike`` originals in common with
the rest of their farm stay alone (three 300-word articles spun at rate 0.3 with one key
made one farm for 13 of 20 keys, and 20 of 20 at rate 0.5; short news items mostly stay
alone). Without an index, a group's source is rebuilt by majority over its copies (a word
most copies agree on is the original), so it takes three copies of a source to learn their
pairs; a group of two gives none.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .align import AlignedSpan, align, pairs_from_spans
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


def _table(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for spun, original in pairs:
        out.setdefault(original, set()).add(spun)
    return out


def agreement(a: dict[str, set[str]], b: dict[str, set[str]]) -> tuple[int, int]:
    """(originals both tables replaced, of which replaced alike) for two substitution tables."""
    shared = a.keys() & b.keys() if len(a) <= len(b) else b.keys() & a.keys()
    return len(shared), sum(1 for o in shared if a[o] & b[o])


def qualifies(shared: int, alike: int, min_alike: int, min_agreement: float) -> bool:
    """Whether two farms that replaced ``shared`` originals in common, ``alike`` of them the same
    way, are one spinner key: at least ``min_alike`` alike, and the disagreements at most one
    (an aligner's phrase boundary, or a spinner that reads context, gives one now and then)
    plus ``1 - min_agreement`` of the shared originals."""
    return alike >= min_alike and shared - alike <= 1 + (1 - min_agreement) * shared


def farms(
    tables: Sequence[dict[str, set[str]]], min_alike: int = 2, min_agreement: float = 0.9
) -> list[int]:
    """A farm number for each table (-1 for an empty one), by pooled agglomeration.

    The pair of farms with the most originals replaced alike is merged first (ties: the higher
    share alike), its tables pooled, and the merged farm compared anew with every farm it
    shares an original with. Merging stops when no pair :func:`qualifies`.
    """
    pools: dict[int, dict[str, set[str]]] = {
        i: {o: set(s) for o, s in t.items()} for i, t in enumerate(tables) if t
    }
    members: dict[int, list[int]] = {i: [i] for i in pools}
    holders: dict[str, set[int]] = {}  # original -> farms that replaced it
    for i, t in pools.items():
        for o in t:
            holders.setdefault(o, set()).add(i)
    version = dict.fromkeys(pools, 0)
    heap: list[tuple[int, float, int, int, int, int]] = []

    def push(i: int) -> None:
        others = {j for o in pools[i] for j in holders[o]} - {i}
        for j in others:
            shared, alike = agreement(pools[i], pools[j])
            if qualifies(shared, alike, min_alike, min_agreement):
                x, y = min(i, j), max(i, j)
                heapq.heappush(heap, (-alike, -alike / shared, x, y, version[x], version[y]))

    for i in pools:
        push(i)
    while heap:
        _, _, x, y, vx, vy = heapq.heappop(heap)
        if x not in pools or y not in pools or version[x] != vx or version[y] != vy:
            continue  # a farm merged or grown since this pair was scored
        for o, spun in pools.pop(y).items():
            pools[x].setdefault(o, set()).update(spun)
            holders[o].discard(y)
            holders[o].add(x)
        members[x] += members.pop(y)
        version[x] += 1
        push(x)
    out = [-1] * len(tables)
    for k, i in enumerate(sorted(members, key=lambda i: min(members[i]))):
        for m in members[i]:
            out[m] = k
    return out


def group(
    docs: Sequence[tuple[str, str]],
    index: Index | None = None,
    *,
    min_score: float = 0.3,
    min_alike: int = 2,
    min_agreement: float = 0.95,
    profiles: Sequence[str] = (),
    profile_table: ProfileTable | None = None,
) -> Grouping:
    """Group ``docs`` ((name, text) pairs) by source and attribute them to spinners."""
    members = _by_index(docs, index, min_score) if index else _by_mutual(docs, min_score)
    groups: dict[str, list[str]] = {}
    for m in members:
        if m.source is not None:
            groups.setdefault(m.source, []).append(m.name)
    # farms: copies whose pooled substitution tables agree
    numbers = farms([_table(m.pairs) for m in members], min_alike, min_agreement)
    farm_lists: list[list[str]] = []
    for m, k in zip(members, numbers, strict=True):
        m.farm = k
        if k >= 0:
            if k == len(farm_lists):
                farm_lists.append([])
            farm_lists[k].append(m.name)
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
    return Grouping(members, groups, farm_lists)


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
    """No index: link documents that find each other; align each with its group's source,
    rebuilt by majority from three copies or more (see :func:`_consensus`)."""
    names = [n for n, _ in docs]
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
    members: dict[int, list[int]] = {}
    for i in range(len(docs)):
        members.setdefault(uf.find(i), []).append(i)
    # two copies: which words are the original cannot be told
    sources = {
        r: _consensus([docs[j][1] for j in idx]) for r, idx in members.items() if len(idx) >= 3
    }
    out: list[Member] = []
    for i, (name, text) in enumerate(docs):
        idx = members[uf.find(i)]
        if len(idx) == 1:
            out.append(Member(name, None, 0.0, []))
            continue
        anchor = idx[0]
        rebuilt = sources.get(uf.find(i))
        if rebuilt is None:
            out.append(Member(name, names[anchor], 1.0, []))
            continue
        al = align(text, rebuilt[0])
        pairs = pairs_from_spans(_certain(al.spans, rebuilt[1]))
        out.append(Member(name, names[anchor], al.spun_coverage, pairs))
    return out


def _consensus(texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The source of several copies, rebuilt by majority, and the spans of it left uncertain.

    Each span of the first copy that the other copies render otherwise is voted on: the form
    most copies have wins if it is a majority (the first copy's own form counts for every copy
    that kept it). Where no form has a majority, the first copy's form is kept but the span is
    reported as uncertain: a pair read there could be its spinner's choice, not the original.
    """
    first = texts[0]
    votes: dict[tuple[int, int], dict[str, int]] = {}
    for other in texts[1:]:
        for sp in align(other, first).spans:
            if sp.kind in ("substitution", "deletion"):
                v = votes.setdefault((sp.source_start, sp.source_end), {})
                v[sp.spun] = v.get(sp.spun, 0) + 1
    parts: list[str] = []
    uncertain: list[tuple[int, int]] = []
    pos = size = 0  # position in ``first``, length of the text rebuilt so far
    for (start, end), v in sorted(votes.items()):
        if start < pos:
            continue  # overlaps a span already replaced
        form, n = max(v.items(), key=lambda kv: (kv[1], kv[0]))
        kept = len(texts) - sum(v.values())
        if 2 * kept > len(texts):
            continue
        head = first[pos:start]
        if 2 * n > len(texts):
            parts += [head, form]
            size += len(head) + len(form)
            pos = end
        else:
            uncertain.append((size + start - pos, size + end - pos))
    parts.append(first[pos:])
    return "".join(parts), uncertain


def _certain(spans: list[AlignedSpan], uncertain: list[tuple[int, int]]) -> list[AlignedSpan]:
    """The spans, less the changes whose source side falls on an uncertain span of a rebuilt
    source."""
    return [
        sp
        for sp in spans
        if sp.kind == "same"
        or not any(sp.source_start <= b and a <= sp.source_end for a, b in uncertain)
    ]
