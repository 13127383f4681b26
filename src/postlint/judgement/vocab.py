"""The judgement vocabulary of one language, read from `kind: judgement` data files.

What a post says about whom is data, per language (rules/judgement/en.yaml, es.yaml, ...):

- `targets`: who a post can be about. `groups` holds the identity groups, by kind
  (ethnicity, religion, gender, migration status...); `audience` is the reader ("you",
  fans, customers); `people` are individuals ("he", "this guy"; @mentions need no list);
  `others` are groups of people that are not identity groups (politicians, gamers);
  `victims` are the victims of a tragedy.
- `refer`: pronouns that point back to the last group named ("Immigrants? They are...").
- `predicates`: what can be said about a target, by kind (hatred, contempt, dehumanising,
  stereotype, exclusion, threat, violence, insult, hostile, mockery). Rules (type
  `relation`) choose which kinds they report about which targets.
- `cues`: words that change what a predicate means: `negation` ("don't"), `modal` ("should",
  "let's": a harm verb becomes a threat), `report` ("saying", "calling") and `condemn`
  ("is wrong", "racist"), which together make counter-speech, and `link`: the function
  words that may stand between a target and its predicate ("are", "all", "such", "nothing
  but"); any other word between them breaks the relation ("women *love* dogs"), except a
  short relative clause or prepositional phrase after the target, opened by a `relative`
  word ("women *who talk back* should...", "Polakkene *på byggeplassen* er tyver"); and
  `clause`: words that open another clause (when, that, because), which are never the free
  word before a target ("I hate it *when* women...").
- `copulas` (class `cue.copula`): the verbs that say what a subject is ("are", "son", "to",
  "er"). A noun or adjective after one is said of the target before it even across a word or
  two of no class ("Immigrants are *monsters and* parasites"), and a predicate right before
  one is a subject, not something said ("*rats* are a problem").
- `frames`: classes of words that select a harmless sense of a word near them: a `contest`
  (a vote for a flavour), an `object` (criticism of a film is not an insult to people),
  `self` ("my boss will kill me"), `evaluative` ("stupid good"), `dish` ("pan de muerto").
  Lexicon rules name them in `context` (see `postlint.ruletypes.lexicon`).

Every entry uses the lexicon entry syntax (`word`, `Word`, `stem*`, `*`; see
`postlint.language.phrases`). A user's file in a `--rules` folder adds entries to the
classes of its language: a new group, a slur or a predicate needs no Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import yamlfile as y
from ..errors import UsageError
from ..language import normalise
from ..language.phrases import check_entry

ENTRIES = y.list_of(y.STR)
SCHEMA = {
    "kind": y.STR,
    "language": y.STR,
    "targets": {
        "groups": y.map_of(ENTRIES),
        "audience": ENTRIES,
        "people": ENTRIES,
        "others": ENTRIES,
        "victims": ENTRIES,
    },
    "refer": ENTRIES,
    "predicates": y.map_of(ENTRIES),
    "cues": {
        "negation": ENTRIES,
        "modal": ENTRIES,
        "report": ENTRIES,
        "condemn": ENTRIES,
        "link": ENTRIES,
        "relative": ENTRIES,
        "clause": ENTRIES,
    },
    "frames": y.map_of(ENTRIES),
    "copulas": ENTRIES,
}
TARGETS = ("groups", "audience", "people", "others", "victims")
CUES = ("negation", "modal", "report", "condemn", "link", "relative", "clause")


@dataclass
class Vocab:
    """Every class of one language: class name -> entries. Class names are dotted:
    `target.groups.migration`, `target.audience`, `refer`, `predicate.threat`,
    `cue.negation`, `frame.contest`. `sources` keeps where a class was last extended."""

    lang: str
    classes: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, entries: list[str]) -> None:
        self.classes.setdefault(name, []).extend(entries)

    def names(self, prefix: str) -> list[str]:
        return [n for n in self.classes if n == prefix or n.startswith(prefix + ".")]


def read(files: list[tuple[Any, Any]]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """(language, [(class name, entries)]) of every `kind: judgement` file, validated once
    per run (errors name file and line), whatever the number of post languages. Files of
    every language are checked, so a typo never waits for a post in that language."""
    found = []
    for path, _content in files:
        data, node = y.load(path)
        y.validate(node, SCHEMA, str(path))
        file_lang = data.get("language")
        if not file_lang:
            raise UsageError("a `kind: judgement` file needs `language:` (en, es, pl, nb...)",
                             str(path), 1)
        classes = []
        for name, entries, keys in _classes(data):
            for i, entry in enumerate(entries):
                try:
                    check_entry(str(entry))
                except ValueError as exc:
                    raise UsageError(f"{'.'.join(keys)}[{i}]: {exc}", str(path),
                                     y.find_line(node, *keys, i)) from None
            classes.append((name, [str(e) for e in entries]))
        found.append((normalise(str(file_lang)), classes))
    return found


def vocab_of(files: list[tuple[str, list[tuple[str, list[str]]]]], lang: str) -> Vocab:
    """The vocabulary of `lang`: its classes from every file of that language, in order."""
    vocab = Vocab(lang)
    for file_lang, classes in files:
        if file_lang == lang:
            for name, entries in classes:
                vocab.add(name, entries)
    return vocab


def _classes(data: dict[str, Any]) -> list[tuple[str, list[Any], tuple[str, ...]]]:
    """(class name, entries, YAML key path) of every list in a judgement file."""
    found = []
    targets = data.get("targets") or {}
    for kind, entries in (targets.get("groups") or {}).items():
        found.append((f"target.groups.{kind}", entries or [], ("targets", "groups", kind)))
    for kind in TARGETS[1:]:
        found.append((f"target.{kind}", targets.get(kind) or [], ("targets", kind)))
    found.append(("refer", data.get("refer") or [], ("refer",)))
    for kind, entries in (data.get("predicates") or {}).items():
        found.append((f"predicate.{kind}", entries or [], ("predicates", kind)))
    for kind in CUES:
        found.append((f"cue.{kind}", (data.get("cues") or {}).get(kind) or [], ("cues", kind)))
    for kind, entries in (data.get("frames") or {}).items():
        found.append((f"frame.{kind}", entries or [], ("frames", kind)))
    found.append(("cue.copula", data.get("copulas") or [], ("copulas",)))
    return found
