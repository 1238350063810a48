#!/usr/bin/env python3
"""Build ``src/unspin/data/names.msgpack.gz``: multi-word proper names that spinners rewrite.

A word spinner does not know that "House of Representatives" or "Food and Drug
Administration" is a name: it swaps the words inside it as anywhere else ("Home of
Representatives", "meals and medication management"). The restorer's name source
(:mod:`unspin.names`) proposes a known name where a span lines up with it word for word, each
content word the same or a thesaurus neighbour. This script lists the names.

Input (build time only; the runtime reads the shipped file): WordNet 3.0's noun synsets
(Debian ``wordnet-base``; without root, ``apt-get download wordnet-base`` and
``dpkg-deb -x wordnet-base_*.deb DIR`` give ``DIR/usr/share/wordnet``). Kept: lemmas of two to
five words whose content words are all capitalised, from the lexicographer files of
institutions, places, events, objects, artefacts, documents and dates. People's names are left
out: a spinner leaves most of them alone, and where it does touch one ("Bill" -> "Invoice")
the thesaurus link says nothing about which person was meant.

The file also lists proper nouns: single words that WordNet writes only with a capital
("Pakistan", "April"; not "China", which is also porcelain). A sentence's first word is
capitalised anyway; when it is one of these it is a name all the same, and the restorer
treats it so (a thesaurus once offered "Congress" for "Pakistan" there).

    python scripts/build_names.py [--wordnet /usr/share/wordnet]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin import datafile  # noqa: E402
from unspin.names import FILE, FORMAT, FUNCTION_WORDS, VERSION  # noqa: E402

# WordNet lexicographer files (lexnames): 4 noun.act (wars, events), 6 noun.artifact
# (buildings), 10 noun.communication (acts, documents), 14 noun.group (institutions),
# 15 noun.location, 17 noun.object (seas, mountains), 28 noun.time (holidays)
LEXFILES = {4, 6, 10, 14, 15, 17, 28}
_WORD = re.compile(r"[A-Za-z]+(?:'s)?")


def names(wordnet: Path) -> list[str]:
    out: set[str] = set()
    with (wordnet / "data.noun").open(encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                continue
            fields = line.split(" ")
            if int(fields[1]) not in LEXFILES:
                continue
            for k in range(int(fields[3], 16)):
                lemma = re.sub(r"\(.*\)$", "", fields[4 + 2 * k])
                words = lemma.split("_")
                if not 2 <= len(words) <= 5 or not all(_WORD.fullmatch(w) for w in words):
                    continue
                content = [w for w in words if w.lower() not in FUNCTION_WORDS]
                if content and all(w[0].isupper() for w in content):
                    out.add(" ".join(words))
    return sorted(out)


def proper_words(wordnet: Path) -> list[str]:
    """Single words (lower case) that WordNet writes only capitalised, in every part of
    speech."""
    lower: set[str] = set()
    capital: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        with (wordnet / f"data.{pos}").open(encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                fields = line.split(" ")
                for k in range(int(fields[3], 16)):
                    lemma = re.sub(r"\(.*\)$", "", fields[4 + 2 * k])
                    if not lemma.isalpha() or not lemma.isascii() or lemma.isupper():
                        continue  # phrases, odd spellings and acronyms
                    (capital if lemma[0].isupper() else lower).add(lemma.lower())
    return sorted(capital - lower)


def near_first(found: list[str]) -> dict[str, str]:
    """For every word a thesaurus links to the first word of some name, those first words
    (space-separated): where a span may start a spun name, found without reading the word's
    whole neighbourhood at run time (the links run both ways, see ``lexicon.neighbour_links``)."""
    from unspin import lexicon

    near: dict[str, set[str]] = {}
    for first in sorted({name.split()[0].lower() for name in found}):
        for word in lexicon.neighbour_links(first):
            near.setdefault(word, set()).add(first)
    return {w: " ".join(sorted(firsts)) for w, firsts in sorted(near.items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = ap.parse_args()
    if not (args.wordnet / "data.noun").exists():
        sys.exit(f"build_names: no WordNet at {args.wordnet} (see this script's docstring)")
    found = names(args.wordnet)
    proper = proper_words(args.wordnet)
    near = near_first(found)
    path = ROOT / "src/unspin/data" / FILE
    payload = {"names": found, "proper": proper, "near_first": near}
    source = "WordNet 3.0 (Debian wordnet-base); the shipped thesaurus neighbourhood"
    datafile.write(path, FORMAT, VERSION, payload, source=source)
    print(f"{path}: {len(found)} names, {len(proper)} proper nouns, {len(near)} near words")


if __name__ == "__main__":
    main()
