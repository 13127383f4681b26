"""Rules are YAML data: load, validate and select them.

A rule file holds `rules:`, a list of mappings. Every rule has the common keys below plus the
keys its `type` module declares in `OPTIONS`; both are validated with file and line, so a
user who adds a rule of an existing type never has to read Python to find a typo. Message
templates are checked too: each type module declares in `FIELDS` the `{placeholders}` it
fills (besides `{match}`), so `{mtch}` or a stray `{` is a load error, not a broken finding.
"""

from __future__ import annotations

import importlib
import string
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import yamlfile as y
from .errors import UsageError, excerpt
from .files import CONFIG_LIMIT, kind, read_bytes
from .model import CATEGORIES, SEVERITY_NAMES, TOPICS, Finding, Post, Severity

if TYPE_CHECKING:
    import yaml

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
    import pkgutil  # only when a rule file is validated (a cache miss)

    from . import ruletypes

    return tuple(sorted(m.name for m in pkgutil.iter_modules(ruletypes.__path__)))


@lru_cache(maxsize=None)
def rule_type(name: str) -> ModuleType:
    return importlib.import_module(f"postlint.ruletypes.{name}")


def builtin_rules_dir() -> Path:
    """Rules ship inside the wheel as `postlint/rules`; an editable checkout uses `rules/`."""
    # the package's folder, as importlib.resources.files("postlint") gives for an installed
    # wheel, without importing importlib.resources (zipfile and more) on every run
    packaged = Path(__file__).resolve().parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def rule_files(directory: Path) -> list[Path]:
    """Every YAML file below `directory`; one that is not a regular file (a FIFO, a link to
    /dev/zero) is listed too, so that reading it fails the run with its name."""
    return sorted(p for p in directory.rglob("*")
                  if p.suffix in (".yaml", ".yml") and not p.is_dir())


def _read_text(path: Path) -> tuple[str, str]:
    """(text, content key) of a YAML file; the key changes whenever the bytes do."""
    from .cache import content_key

    raw = read_bytes(path, CONFIG_LIMIT, "rule file")
    try:
        return raw.decode("utf-8-sig"), content_key(raw)
    except UnicodeDecodeError as exc:
        raise UsageError(f"rule file is not UTF-8 text (byte {exc.start + 1} cannot be decoded)",
                         str(path)) from None


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
        name = f"rule {excerpt(item.get('id', f'#{i + 1}'))}"
        if "type" not in item:
            raise _missing("type", item, COMMON, name, where, line)
        if item["type"] not in rule_type_names():
            raise UsageError(
                f"{name}: unknown type {excerpt(item['type'])} "
                f"(expected one of: {', '.join(rule_type_names())})",
                where, y.find_line(item_node, "type") or line,
            )
        module = rule_type(item["type"])
        schema = {**COMMON, **module.OPTIONS}
        try:  # unknown keys first: `sumary` is a typo of `summary`, not a missing `summary`
            y.validate(item_node, schema, where)
        except UsageError as exc:
            raise UsageError(f"{name}: {exc.message}", where, exc.line) from None
        for key in REQUIRED:
            if key not in item:
                raise _missing(key, item, schema, name, where, line)
        _check_templates(item, item_node, getattr(module, "FIELDS", None), name, where)
        _build(item, line, path)  # `prepare` errors (a bad pattern) are part of validation
        items.append((item, line))
    return items


def _missing(key: str, item: dict[str, Any], schema: dict[str, Any], name: str, where: str,
             line: int) -> UsageError:
    """`needs 'type'`, or the typo that was meant to be it (`tpye`)."""
    typo = y.closest(key, [str(k) for k in item if k not in schema])
    if typo is not None:
        return UsageError(f"{name}: unknown key {excerpt(typo)} (did you mean {key!r}?)",
                          where, line)
    return UsageError(f"{name} needs {key!r}", where, line)


_FORMATTER = string.Formatter()


def _templates(item: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, template) of a rule's message templates: `message`, every `*_message`
    (a variant the type chooses, e.g. `freeze_message`) and every entry of `messages`."""
    for key, value in item.items():
        if key == "message" or str(key).endswith("_message"):
            yield (key,), value
        elif key == "messages" and isinstance(value, dict):
            for cause, template in value.items():
                yield (key, cause), template


def _check_templates(item: dict[str, Any], node: Any, fields: Any, name: str, where: str) -> None:
    """Fail at load time on a template that would break or print garbage at check time."""
    for keys, template in _templates(item):
        problem = template_problem(str(template), fields)
        if problem:
            raise UsageError(f"{name}: {'.'.join(map(str, keys))}: {problem}", where,
                             y.find_line(node, *keys))


def template_problem(template: str, fields: Iterable[str] | None) -> str | None:
    """What is wrong with a message template, or None.

    Placeholders are plain names (`{count}`, `{count:>5}`): no `{0}`, `{}`, or attribute and
    index access (`{match.__class__}`), which would reach into Python objects. `fields` are
    the names the rule type fills besides `match`; None (a type that does not declare its
    FIELDS) checks the syntax only.
    """
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return f"{exc} (write {{{{ or }}}} for a literal brace)"
    known = None if fields is None else {"match", *fields}
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if not field_name.isidentifier():
            return f"placeholder {excerpt('{' + field_name + '}')} must be a name like {{match}}"
        if known is not None and field_name not in known:
            close = y.closest(field_name, known)
            hint = f" (did you mean {{{close}}}?)" if close else ""
            return (f"unknown placeholder {{{field_name}}}{hint}; this rule type fills "
                    + ", ".join(f"{{{k}}}" for k in sorted(known)))
        if conversion not in (None, "r", "s", "a"):
            return f"placeholder {{{field_name}!{conversion}}}: unknown conversion !{conversion}"
        if spec and "{" in spec:  # a nested placeholder in the format spec: `{count:>{width}}`
            problem = template_problem(spec, fields)
            if problem:
                return problem
    return None


def _build(item: dict[str, Any], line: int, path: Path, compile_options: bool = True) -> Rule:
    """A Rule from validated data; `compile_options=False` (listing rules) skips `prepare`
    and so never imports the rule-type modules."""
    options = {k: v for k, v in item.items() if k not in COMMON}
    prepare = getattr(rule_type(item["type"]), "prepare", None) if compile_options else None
    if prepare is not None:
        try:
            options = prepare(options)
        except ValueError as exc:
            raise UsageError(f"rule {excerpt(item['id'])}: {exc}", str(path), line) from None
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
    import yaml  # only on a cache miss: validating a rule file (see yamlfile._yaml)

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
    Only the files of `kind` are read back (see `_kinds`).
    """
    found = []
    for path, file_kind in _kinds(tuple(rule_dirs(extra_dirs))):
        if file_kind == kind:
            data = read_data(path)
            if isinstance(data, dict) and data.get("kind") == kind and "rules" not in data:
                found.append((path, data))
    return found


def data_paths(kind: str, extra_dirs: Iterable[Path | str] = ()) -> list[Path]:
    """The paths `load_data(kind)` would read, without reading them."""
    return [path for path, file_kind in _kinds(tuple(rule_dirs(extra_dirs))) if file_kind == kind]


_KINDS: dict[tuple[Path, ...], tuple[Any, list[tuple[Path, str | None]]]] = {}


def _kinds(directories: tuple[Path, ...]) -> list[tuple[Path, str | None]]:
    """(path, its `kind:` or None) of every YAML file in `directories`.

    A run asks for some ten kinds, and reading back every parsed file for each (the same
    38 files ten times, megabytes of JSON) cost a third of a one-draft run. The index is
    kept in the cache folder under the files' content keys, and per process for as long as
    no file's size or modification time changes (a long-lived process sees edits).
    """
    from .cache import content_key, memo

    paths = [p for directory in directories for p in rule_files(directory)]
    stamp = tuple(_stamp(p) for p in paths)
    known = _KINDS.get(directories)
    if known is not None and known[0] == stamp:
        return known[1]
    key = content_key(*(part for p in paths for part in (str(p), _read_text(p)[1])))
    kinds = memo("kinds", key, lambda: [_kind(read_data(p)) for p in paths],
                 lambda value: isinstance(value, list) and len(value) == len(paths)
                 and all(k is None or isinstance(k, str) for k in value))
    index = list(zip(paths, kinds))
    _KINDS[directories] = (stamp, index)
    return index


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def _kind(data: Any) -> str | None:
    """The `kind:` of a data file, None for a rule file or anything else."""
    if isinstance(data, dict) and "rules" not in data and isinstance(data.get("kind"), str):
        return data["kind"]
    return None


def load_rules(extra_dirs: Iterable[Path] = (), prepare: bool = True) -> list[Rule]:
    """Built-in rules, then user rules; a user rule with a built-in id replaces it."""
    by_id: dict[str, Rule] = {}
    for directory in rule_dirs(extra_dirs):
        if kind(directory) != "folder":
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
            known = {r.id for r in rules} | {r.category for r in rules}
            raise UsageError(f"{option} {y.shown(selector)}: no rule or category of that name"
                             f"{y.did_you_mean(selector, known)}")


def configure(rules: list[Rule], config: Any, select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """The rules that run for one config: select/ignore, `rules.disable`, `rules.severity`."""
    known = {r.id for r in rules} | {r.category for r in rules}
    for rule_id, path, line in config.rule_refs:
        if rule_id not in known and not any(matches(r, rule_id) for r in rules):
            raise UsageError(f"rules: no rule or category {excerpt(rule_id)}"
                             f"{y.did_you_mean(rule_id, known)}", path, line)
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
