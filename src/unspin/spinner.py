"""The spin emulator: makes spun text, with the answer key, for benchmarks and tests.

unspin undoes spinning; to measure how well, it needs spun text whose original is known. This
module imitates the spinners found in the wild, from compact tables shipped in
``unspin/data/spin_<profile>.msgpack.gz`` (built by ``scripts/build_spin_profiles.py``).

    >>> r = spin("The president has signed the bill.", profile="filler", rate=1.0)
    >>> r.text                      # e.g. "The head of state has actually signed the invoice."
    >>> r.substitutions[0]          # Substitution(start=4, end=17, spun="head of state", ...)

How it behaves, and why:

- **A fixed key.** A content farm spins every article with the same settings, so for a given
  profile and ``seed`` each eligible word or phrase always maps to the same replacement (a hash
  of seed and lemma group picks one of the table's candidates; all inflected forms of a lemma
  pick alike: "force" -> "pressure", "forces" -> "pressures").
- **Rate.** Each eligible occurrence is replaced with probability ``rate`` (times a weight below
  1 for a few habits that spinners apply sparingly, such as "is" -> "is actually"). The draws
  depend on the seed and the text, so a text always spins the same way.
- **Context-blind.** Longest match first over runs of words, with no sense disambiguation:
  wrong senses happen, names and quotations are spun too ("People's" -> "Individuals's").
- **Surface kept.** Capitalisation is copied ("Front Line" -> "Cutting Edge", "WAR" ->
  "BATTLE"); inflection comes from the tables; numbers, URLs, e-mail addresses and domain
  names are never touched; a phrase never spans punctuation or a line break.

Every substitution is reported with its span in the spun text and in the input, so a
benchmark can score a restoration span by span.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import datafile
from .errors import DataFileError, InputError
from .text import tokenize

__all__ = [
    "FORMAT",
    "PROFILES",
    "VERSION",
    "SpinProfile",
    "SpinResult",
    "Substitution",
    "available_profiles",
    "get_profile",
    "spin",
]

FORMAT = "unspin-spin-profile"
VERSION = 1

# Spans the spinner must leave alone: URLs, e-mail addresses, bare domain names.
_PROTECTED_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|int|mil|io|co|uk|us|de|fr|info|biz|news)\b",
    re.IGNORECASE,
)
# HTML markup the spinner must leave alone: comments, script and style elements whole, tags
# (with their attributes) and character references; only the visible text is spun.
_MARKUP_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style)\b.*?(?:</\1\s*>|\Z)"
    r"|</?[A-Za-z][^<>]*>|<![^<>]*>|<\?[^<>]*>"
    r"|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);",
    re.IGNORECASE | re.DOTALL,
)
# Text allowed between two words of one phrase: spaces and tabs only.
_GAP_RE = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class Substitution:
    """One replacement: ``spun`` at ``[start, end)`` of the output replaced ``original`` at
    ``[orig_start, orig_end)`` of the input."""

    start: int
    end: int
    spun: str
    original: str
    orig_start: int
    orig_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SpinResult:
    """The spun text, what was replaced, and the settings that made it."""

    text: str
    substitutions: list[Substitution]
    profile: str
    rate: float
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "profile": self.profile,
            "rate": self.rate,
            "seed": self.seed,
            "substitutions": [s.to_dict() for s in self.substitutions],
        }


@dataclass(slots=True)
class SpinProfile:
    """A spinner's table: surface form -> (lemma group, candidate replacements)."""

    name: str
    description: str
    # tuples, not lists: a process that has read the tables once (detect compares its fixes with
    # them) then carries no extra work for the cyclic garbage collector
    entries: dict[str, tuple[int, tuple[str, ...]]]
    weights: dict[str, float] = field(default_factory=dict)
    source: str = ""
    # longest phrase (in words) starting with each first word
    _span: dict[str, int] = field(default_factory=dict, repr=False)
    # per seed: group id -> index of the chosen candidate
    _keys: dict[int, dict[int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for key in self.entries:
            first, _, _ = key.partition(" ")
            n = key.count(" ") + 1
            if n > self._span.get(first, 0):
                self._span[first] = n

    @classmethod
    def load(cls, path: str | Path) -> SpinProfile:
        header, payload = datafile.read(path, FORMAT, VERSION)
        try:
            entries = {
                str(k): (int(v[0]), tuple(str(c) for c in v[1]))
                for k, v in payload["entries"].items()
            }
            weights = {str(k): float(v) for k, v in payload.get("weights", {}).items()}
            return cls(
                name=str(payload["name"]),
                description=str(payload["description"]),
                entries=entries,
                weights=weights,
                source=str(header.get("source", "")),
            )
        except (KeyError, TypeError, ValueError, IndexError) as e:
            kind = e.__class__.__name__
            raise DataFileError(f"{path}: malformed spin profile ({kind})") from None

    def choose(self, key: str, seed: int) -> str:
        """The replacement of ``key`` under the fixed key of ``seed``."""
        gid, cands = self.entries[key]
        chosen = self._keys.setdefault(seed, {})
        idx = chosen.get(gid)
        if idx is None:
            digest = hashlib.blake2b(f"{self.name}\0{seed}\0{gid}".encode(), digest_size=8)
            idx = chosen[gid] = int.from_bytes(digest.digest(), "big")
        return cands[idx % len(cands)]

    def max_words(self, first: str) -> int:
        return self._span.get(first, 0)


_BUILTIN = {
    "filler": "spin_filler.msgpack.gz",
    "thesaurus": "spin_thesaurus.msgpack.gz",
    "papermill": "spin_papermill.msgpack.gz",
    "heldout": "spin_heldout.msgpack.gz",
}
_DESCRIPTIONS = {
    "filler": "news autoblog family: 'and' -> 'as well as', 'has' -> 'has actually', "
    "'front line' -> 'cutting edge', plus common-synonym swaps",
    "thesaurus": "plain single-word thesaurus swapper: 'bill' -> 'invoice', 'passed' -> 'handed'",
    "papermill": "tortured phrases: 'artificial intelligence' -> 'counterfeit consciousness'",
    "heldout": "Moby-thesaurus swapper with formal fillers; held out: never used to tune unspin",
}


class _Registry(Mapping[str, SpinProfile]):
    """Profile name -> profile, each loaded from its data file on first use."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files
        self._loaded: dict[str, SpinProfile] = {}

    def __getitem__(self, name: str) -> SpinProfile:
        prof = self._loaded.get(name)
        if prof is None:
            if name not in self._files:
                raise KeyError(name)
            prof = self._loaded[name] = SpinProfile.load(datafile.packaged(self._files[name]))
        return prof

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


PROFILES: Mapping[str, SpinProfile] = _Registry(_BUILTIN)


def available_profiles() -> list[str]:
    """Names of the built-in profiles."""
    return list(_BUILTIN)


def describe_profiles() -> dict[str, str]:
    """Name -> one-line description, without loading any table."""
    return dict(_DESCRIPTIONS)


def get_profile(profile: str | SpinProfile) -> SpinProfile:
    if isinstance(profile, SpinProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise InputError(
            f"unknown spin profile {profile!r}; available: {', '.join(available_profiles())}"
        ) from None


def _match_case(repl: str, orig: str) -> str:
    if orig.isupper() and len(orig) > 1:
        return repl.upper()
    if not orig[:1].isupper():
        return repl
    words = orig.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words):
        return " ".join(w[:1].upper() + w[1:] for w in repl.split(" "))
    return repl[:1].upper() + repl[1:]


def spin(
    text: str, profile: str | SpinProfile = "filler", rate: float = 0.3, seed: int = 0
) -> SpinResult:
    """Spin ``text`` with a profile's fixed key; return the text and every substitution."""
    if not isinstance(text, str):
        raise InputError(f"spin() needs a str, got {type(text).__name__}")
    if not 0.0 <= rate <= 1.0:
        raise InputError(f"rate must be between 0 and 1, got {rate}")
    prof = get_profile(profile)
    entries = prof.entries
    weights = prof.weights
    toks = [t for t in tokenize(text) if t.is_word]
    protected: list[tuple[int, int]] = []
    if "." in text or "@" in text:
        protected = [(m.start(), m.end()) for m in _PROTECTED_RE.finditer(text)]
    if "<" in text or "&" in text:
        protected = _merge(protected + [(m.start(), m.end()) for m in _MARKUP_RE.finditer(text)])
    if protected:
        toks = [t for t in toks if not _inside(t.start, t.end, protected)]
    rng = random.Random(
        hashlib.blake2b(f"{prof.name}\0{seed}\0{text}".encode(), digest_size=8).digest()
    )

    out: list[str] = []
    subs: list[Substitution] = []
    pos = 0  # next unread input offset
    shift = 0  # len(output) - pos
    norms = [t.norm for t in toks]
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        norm = norms[i]
        possessive = ""
        if norm.endswith("'s") and norm not in entries:
            norm, possessive = norm[:-2], tok.text[-2:]
        span = prof.max_words(norm)
        hit = 0
        key = norm
        if span:
            # longest phrase first; a phrase continues only over spaces between plain words
            for k in range(min(span, n - i), 0, -1):
                if k == 1:
                    if norm in entries:
                        hit = 1
                    break
                if possessive:
                    continue
                parts = [norm]
                ok = True
                for j in range(i + 1, i + k):
                    a, b = toks[j - 1].end, toks[j].start
                    if not (b == a + 1 and text[a] == " " or _GAP_RE.fullmatch(text, a, b)):
                        ok = False
                        break
                    parts.append(norms[j])
                if not ok:
                    continue
                cand = " ".join(parts)
                if cand in entries:
                    hit, key = k, cand
                    possessive = ""
                    break
        if not hit:
            i += 1
            continue
        last = toks[i + hit - 1]
        w = weights.get(key, 1.0)
        if rate >= 1.0 and w >= 1.0 or rng.random() < rate * w:
            start = tok.start
            end = last.end - len(possessive)
            orig = text[start:end]
            repl = _match_case(prof.choose(key, seed), orig)
            out.append(text[pos:start])
            new_start = start + shift
            out.append(repl)
            subs.append(Substitution(new_start, new_start + len(repl), repl, orig, start, end))
            pos = end
            shift = new_start + len(repl) - end
        i += hit
    out.append(text[pos:])
    return SpinResult("".join(out), subs, prof.name, rate, seed)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same offsets as ``spans``."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint ``spans``."""
    k = bisect.bisect_right(spans, (end, -1)) - 1  # last span starting before ``end``
    return k >= 0 and spans[k][0] < end and start < spans[k][1]
