"""Rules are YAML data: load, validate and select them.

A rule file holds `rules:`, a list of mappings. Every rule has the common keys below plus the
keys its `type` module declares in `OPTIONS`; both are validated with file and line, so a
user who adds a rule of an existing type never has to read Python to find a typo.
"""

from __future__ import annotations

import importlib
import importlib.resources
import pkgutil
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

import yaml

from . import yamlfile as y
from .errors import UsageError
from .model import CATEGORIES, SEVERITY_NAMES, TOPICS, Finding, Post, Severity

COMMON: dict[str, Any] = {
    "id": y.STR,
    "type": y.STR,
    "category": y.choice(*CATEGORIES),
    "severity": y.choice(*SEVERITY_NAMES),
    "summary": y.STR,
    "message": y.STR,
    "rationale": y.STR,
    "fix": y.STR,
    "topic": y.choice(*TOPICS),  # the contract's fixed vocabulary, so pipelines can filter on it
}
REQUIRED = ("id", "type", "category", "severity", "summary", "message")


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    category: str
    severity: Severity
    summary: str
    message: str
    rationale: str = ""
    fix: str = ""
    topic: str | None = None
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str = ""  # "file:line", shown by `explain`

    def finding(
        self,
        post: Post,
        span: tuple[int, int] | None = None,
        *,
        line: int | None = None,
        column: int = 1,
        severity: Severity | None = None,
        message: str | None = None,
        topic: str | None = None,
        suggestions: Iterable[str] = (),
        **fmt: Any,
    ) -> Finding:
        """A finding on the text `span` (start, end offsets), or at `line`/`column` without one.

        The message is the rule's template (or `message`) filled with `fmt` and `{match}`.
        """
        if span is not None:
            start, end = span
            (l1, c1), (l2, c2) = post.locate(start), post.locate(end)
            match = post.text[start:end]
        else:
            l1, c1 = (line or post.locator.line), column
            l2, c2, match = l1, c1, str(fmt.pop("match", ""))
        template = message if message is not None else self.message
        return Finding(
            path=post.path,
            post=post.id,
            rule=self.id,
            category=self.category,
            severity=severity if severity is not None else self.severity,
            message=template.format_map(_Fields(match=match, **fmt)),
            line=l1,
            column=c1,
            end_line=l2,
            end_column=c2,
            match=match,
            topic=topic or self.topic,
            suggestions=tuple(suggestions),
            post_index=post.index,
        )


class _Fields(dict):
    """Leave unknown `{placeholders}` as they are instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=None)
def rule_type_names() -> tuple[str, ...]:
    """One module per rule type under postlint/ruletypes/."""
    from . import ruletypes

    return tuple(sorted(m.name for m in pkgutil.iter_modules(ruletypes.__path__)))


@lru_cache(maxsize=None)
def rule_type(name: str) -> ModuleType:
    return importlib.import_module(f"postlint.ruletypes.{name}")


def builtin_rules_dir() -> Path:
    """Rules ship inside the wheel as `postlint/rules`; an editable checkout uses `rules/`."""
    packaged = Path(str(importlib.resources.files("postlint"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _read_text(path: Path) -> tuple[str, str]:
    """(text, content key) of a YAML file; the key changes whenever the bytes do."""
    from .cache import content_key

    try:
        raw = path.read_bytes()
        return raw.decode("utf-8-sig"), content_key(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read file: {exc}", str(path)) from None


def read_data(path: Path) -> Any:
    """Parsed content of a YAML file, memoised on disk by content (parsing is the slow part)."""
    from .cache import memo

    text, key = _read_text(path)
    return memo("yaml", key, lambda: y.load(path, text=text)[0])


def load_file(path: Path, prepare: bool = True) -> list[Rule]:
    """Rules of one file. A file with a top-level `kind:` is data for a rule type, not rules.

    Parsing and validation (the slow part) are memoised by the file's content; `prepare`
    (compiling patterns) runs every time, because compiled objects are per process.
    """
    from .cache import memo

    text, key = _read_text(path)
    items = memo("rules", key, lambda: _validated_items(path, text), _items_shape)
    return [_build(item, line, path, prepare) for item, line in items]


def _items_shape(items: Any) -> bool:
    """What `_validated_items` returns, so a damaged cache entry is rebuilt, not used."""
    return isinstance(items, list) and all(
        isinstance(i, tuple) and len(i) == 2 and isinstance(i[0], dict)
        and all(k in i[0] for k in REQUIRED) and type(i[1]) is int for i in items)


def _validated_items(path: Path, text: str) -> list[tuple[dict[str, Any], int]]:
    """The rule mappings of a file with their lines, after checking them against the schemas."""
    data, node = y.load(path, text=text)
    where = str(path)
    if data is None:
        return []
    if isinstance(data, dict) and "kind" in data and "rules" not in data:
        return []
    if not isinstance(data, dict) or "rules" not in data:
        raise UsageError("neither a rule file (top-level `rules:` list) nor a data file "
                         "(top-level `kind:`)", where, 1)
    y.validate(node, {"rules": y.list_of(y.ANY)}, where)
    items = []
    for i, (item, item_node) in enumerate(zip(data.get("rules") or [], _seq(node, "rules"))):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise UsageError(f"rules[{i}] must be a mapping", where, line)
        for key in REQUIRED:
            if key not in item:
                raise UsageError(f"rule {item.get('id', f'#{i + 1}')!r} needs {key!r}", where, line)
        if item["type"] not in rule_type_names():
            raise UsageError(
                f"rule {item['id']!r}: unknown type {item['type']!r} "
                f"(expected one of: {', '.join(rule_type_names())})",
                where, y.find_line(item_node, "type") or line,
            )
        module = rule_type(item["type"])
        y.validate(item_node, {**COMMON, **module.OPTIONS}, where, str(item["id"]))
        _build(item, line, path)  # `prepare` errors (a bad pattern) are part of validation
        items.append((item, line))
    return items


def _build(item: dict[str, Any], line: int, path: Path, compile_options: bool = True) -> Rule:
    """A Rule from validated data; `compile_options=False` (listing rules) skips `prepare`
    and so never imports the rule-type modules."""
    options = {k: v for k, v in item.items() if k not in COMMON}
    prepare = getattr(rule_type(item["type"]), "prepare", None) if compile_options else None
    if prepare is not None:
        try:
            options = prepare(options)
        except ValueError as exc:
            raise UsageError(f"rule {item['id']!r}: {exc}", str(path), line) from None
    return Rule(
        id=item["id"],
        type=item["type"],
        category=item["category"],
        severity=Severity.parse(item["severity"]),
        summary=item["summary"].strip(),
        message=item["message"].strip(),
        rationale=(item.get("rationale") or "").strip(),
        fix=(item.get("fix") or "").strip(),
        topic=item.get("topic"),
        options=options,
        source=f"{path}:{line}",
    )


def _seq(node: yaml.Node, key: str) -> list[yaml.Node]:
    for k, v in node.value:
        if k.value == key and isinstance(v, yaml.SequenceNode):
            return v.value
    return []


def rule_dirs(extra_dirs: Iterable[Path | str] = ()) -> list[Path]:
    return [builtin_rules_dir(), *(Path(d) for d in extra_dirs)]


def load_data(kind: str, extra_dirs: Iterable[Path | str] = ()) -> list[tuple[Path, Any]]:
    """Every data file (top-level `kind: KIND`) in the built-in and user rule folders.

    Rule types use this for content that is not a rule: a hashtag knowledge base, cue lists.
    Validating the content is the rule type's job (with `yamlfile.validate` for file:line).
    """
    found = []
    for directory in rule_dirs(extra_dirs):
        for path in rule_files(directory):
            data = read_data(path)
            if isinstance(data, dict) and data.get("kind") == kind and "rules" not in data:
                found.append((path, data))
    return found


def load_rules(extra_dirs: Iterable[Path] = (), prepare: bool = True) -> list[Rule]:
    """Built-in rules, then user rules; a user rule with a built-in id replaces it."""
    by_id: dict[str, Rule] = {}
    for directory in rule_dirs(extra_dirs):
        if not directory.is_dir():
            raise UsageError("rules directory not found", str(directory))
        for path in rule_files(directory):
            for rule in load_file(path, prepare):
                by_id[rule.id] = rule
    return sorted(by_id.values(), key=lambda r: r.id)


def matches(rule: Rule, selector: str) -> bool:
    """A selector is a rule id, a category, or an id prefix ending before a dot."""
    return selector in (rule.id, rule.category) or rule.id.startswith(selector + ".")


def check_selectors(rules: list[Rule], selectors: Iterable[str], option: str) -> None:
    for selector in selectors:
        if not any(matches(r, selector) for r in rules):
            raise UsageError(f"{option} {selector}: no rule or category of that name")


def configure(rules: list[Rule], config: Any, select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """The rules that run for one config: select/ignore, `rules.disable`, `rules.severity`."""
    known = {r.id for r in rules} | {r.category for r in rules}
    for rule_id, path, line in config.rule_refs:
        if rule_id not in known and not any(matches(r, rule_id) for r in rules):
            raise UsageError(f"rules: no rule or category {rule_id!r}", path, line)
    severity = dict(config.severity)
    chosen = []
    for rule in rules:
        if select and not any(matches(rule, s) for s in select):
            continue
        if any(matches(rule, s) for s in (*ignore, *config.disable)):
            continue
        # not `or`: Severity.INFO is 0, so `or` would ignore a re-levelling to info
        override = severity.get(rule.id, severity.get(rule.category))
        chosen.append(replace(rule, severity=override) if override is not None else rule)
    return chosen
