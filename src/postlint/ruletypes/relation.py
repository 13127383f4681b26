"""Relation rules: a predicate said about a target (see `postlint.judgement`).

A rule chooses which predicate kinds it reports (`predicates`) about which targets
(`targets`: groups, audience, people, others, victims), which kinds are threats only with a
modal or as an order (`modal`), which stand alone when no target is named (`alone`: an
insult noun names a person by itself, a jab like "learn to read" is said to the reader),
and which count against a pronoun that names no one (`unnamed`: "Kill them all").
The words are data in rules/judgement/*.yaml (`kind: judgement`), per language.

The finding covers the target and the predicate and says in one sentence what the post
does: "Says “All immigrants” … “should be shot”: a threat against a group (migration
status)". `what` and `whom` give the words for each predicate kind and target class;
`unless` lists fixed expressions that are never a relation ("idiot-proof", "class clown").
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import yamlfile as y
from ..judgement import Relation, Wanted, relations
from ..language import resolve
from ..language.phrases import build_index, check_entry, entries, find
from ..model import Finding, Post

TARGETS = ("groups", "audience", "people", "others", "victims")
OPTIONS = {
    "targets": y.list_of(y.choice(*TARGETS)),
    "predicates": y.list_of(y.STR),
    "modal": y.list_of(y.STR),
    "alone": y.list_of(y.STR),
    "unnamed": y.list_of(y.STR),
    "what": y.map_of(y.STR),
    "whom": y.map_of(y.STR),
    "unless": y.map_of(y.list_of(y.STR)),
}
FIELDS = frozenset({"said", "what", "whom", "target", "predicate"})  # message placeholders


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    for key in ("targets", "predicates"):
        if not options.get(key):
            raise ValueError(f"a relation rule needs `{key}`")
    predicates = set(options["predicates"])
    for key in ("modal", "alone", "unnamed"):
        extra = set(options.get(key) or ()) - predicates
        if extra:
            raise ValueError(f"`{key}` names kinds that are not in `predicates`: {sorted(extra)}")
    unless = entries(options.get("unless") or {})
    for entry in (e for items in unless.values() for e in items):
        check_entry(entry)
    wanted = Wanted(frozenset(predicates), frozenset(options.get("modal") or ()),
                    frozenset(options.get("alone") or ()), frozenset(options.get("unnamed") or ()))
    return {**options, "wanted": wanted, "unless": unless}


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    found = relations(post, rule.options["wanted"], ctx)
    if not found:
        return
    targets = set(rule.options["targets"])
    found = [r for r in found if r.whom.split(".")[0] in targets]
    if not found:
        return
    vetoes = _vetoes(post, rule, ctx)
    seen: set[tuple[int, int]] = set()
    for rel in found:
        p = rel.predicate
        if any(s < p.end and p.start < e for s, e, _ in vetoes):
            continue
        about = rel.about
        key = (about.start, about.end) if about is not None else (p.start, p.end)
        if key in seen:
            continue  # one finding per target: "vermin ... and should be shot" is one post
        seen.add(key)
        yield _finding(post, rule, rel)


def _vetoes(post: Post, rule: Any, ctx: Any) -> list[tuple[int, int, str]]:
    unless = rule.options["unless"]
    if not unless:
        return []
    lang = resolve(post, ctx)
    found = []
    for term_lang in dict.fromkeys([lang, "en"]):
        if unless.get(term_lang):
            key = f"relation:unless:{rule.id}:{term_lang}"
            index = ctx.cache.get(key)
            if index is None:
                index = ctx.cache[key] = build_index(unless[term_lang], term_lang, lemmas=False)
            found += find(index, post.text, lang)
    return found


def describe(rel: Relation, rule: Any) -> tuple[str, str]:
    """(what, whom) in words: "a threat", "a group (migration status)"."""
    what = rule.options.get("what", {}).get(rel.predicate.kind, rel.predicate.kind)
    whom_key = rel.whom
    family = whom_key.split(".")[0]
    template = rule.options.get("whom", {}).get(family, family)
    group = whom_key.split(".", 1)[1].replace("-", " ") if "." in whom_key else family
    return what, template.replace("{group}", group)


def _finding(post: Post, rule: Any, rel: Relation) -> Finding:
    text = post.text
    p, about = rel.predicate, rel.about
    spans = [(p.start, p.end)]
    if about is not None and not (p.start <= about.start and about.end <= p.end):
        spans = sorted(spans + [(about.start, about.end)])  # not "Kill them all" … "them"
    said = " … ".join(f"“{text[s:e]}”" for s, e in spans)
    what, whom = describe(rel, rule)
    start, end = spans[0][0], max(e for _, e in spans)
    return rule.finding(post, (start, end), said=said, what=what, whom=whom,
                        target=text[about.start:about.end] if about is not None else "",
                        predicate=text[p.start:p.end])
