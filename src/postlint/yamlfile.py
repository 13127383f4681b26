"""Load YAML safely and validate it against a small schema, reporting file and line.

Config files and rule files are written by people; a typo must produce one line that names
the file, the line and, for an unknown key, the key they probably meant. PyYAML's node tree
(from `yaml.compose` with the safe loader) carries the line of every key, so validation walks
nodes instead of the plain data.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .errors import UsageError, excerpt
from .files import CONFIG_LIMIT, read_text

if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 1000  # nesting levels; real configs use fewer than ten
_BRACKETS = re.compile(r"[\[\]{}]")
_LINE_PREFIX = re.compile(r"^[ ?-]*", re.MULTILINE)  # indentation and `- ` / `? ` openers


@lru_cache(maxsize=None)
def _yaml() -> Any:
    """PyYAML, imported on first use: a warm run reads rules and data from the JSON cache
    and a draft without front matter has no YAML at all, so neither pays its ~40 ms import
    (`postlint rules` would not fit its 150 ms budget)."""
    import yaml

    return yaml


@lru_cache(maxsize=None)
def _loader() -> tuple[type, type]:
    """(SafeLoader, BadValue), defined on first use; see `_yaml`."""
    yaml = _yaml()
    # yaml's C loader is several times faster; fall back to the pure-Python one if it is missing.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class BadValue(yaml.constructor.ConstructorError):
        """A well-formed scalar that is not a value (`2025-02-30`), with the mark of its node."""

    class SafeLoader(base):  # type: ignore[misc, valid-type]
        """The safe loader, with the line of the value when a scalar cannot be constructed.

        The parser accepts `2025-13-01`, `!!float x` or a 5,000-digit integer: they are
        well-formed YAML, and only building the Python value fails, with a bare ValueError
        (no line). Wrapped here, per node, those become a YAML error that points at the
        value, like a syntax error.
        """

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except yaml.YAMLError:
                raise
            except Exception as exc:  # ValueError, OverflowError, AttributeError (!!timestamp x)
                # Python's reason, without the value repeated or the advice after it
                reason = (str(exc).split(":")[0].split(";")[0][:80] if isinstance(exc, ValueError)
                          else f"not a valid {node.tag.rsplit(':', 1)[-1]}")
                value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
                raise BadValue(None, None, f"invalid value {excerpt(value)}: {reason}",
                               node.start_mark) from None

    return SafeLoader, BadValue


def load(path: Path | str, text: str | None = None) -> tuple[Any, yaml.Node | None]:
    """Return (data, node tree) of a YAML file, or raise UsageError naming file and line.

    Without `text`, the file is read with a size bound (configs and rule files: 1 MB).
    """
    if text is None:
        text = read_text(path, CONFIG_LIMIT)
    _check_depth(text, path)
    yaml = _yaml()
    safe_loader, bad_value = _loader()
    loader = safe_loader(text)
    try:
        node = loader.get_single_node()
        _check_duplicates(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, only a position
        raise UsageError(f"invalid YAML: character #x{exc.character:04x} is not allowed "
                         f"(control characters must be escaped in double quotes)", str(path),
                         text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = problem if isinstance(exc, bad_value) else f"invalid YAML: {_short(problem)}"
        raise UsageError(message, str(path), mark.line + 1 if mark else None) from None
    except RecursionError:  # the pure-Python loader composes nodes recursively
        raise UsageError(f"invalid YAML: nested more than {MAX_DEPTH} levels deep",
                         str(path)) from None
    finally:
        loader.dispose()
    return data, node


def _check_duplicates(root: yaml.Node | None, path: Path | str) -> None:
    """A key written twice in one mapping is an error: YAML loaders keep the last one
    silently, so a second `unless:` in a rule would drop the first list without a word."""
    import yaml

    stack = [root] if root is not None else []
    seen_nodes: set[int] = set()  # an alias is the same node again: visit each once (alias
    while stack:                  # bombs and recursive aliases would never end)
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        raise UsageError(f"duplicate key {key.value[:60]!r} (first on line "
                                         f"{seen[key.value]})", str(path), line)
                    seen[key.value] = line
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _check_depth(text: str, path: Path | str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH before parsing it: libyaml's node composer
    recurses in C, and some 30,000 levels of `[[[` (60 kB) crash the interpreter outright.

    A cheap upper bound first (flow brackets open at once, plus the indentation and `- `
    openers of the longest line start); only a text above it is parsed event by event.
    """
    flow = deepest = 0
    for bracket in _BRACKETS.findall(text):
        flow = flow + 1 if bracket in "[{" else max(flow - 1, 0)
        deepest = max(deepest, flow)
    block = max(map(len, _LINE_PREFIX.findall(text)), default=0)
    if deepest + 2 * (block + 1) <= MAX_DEPTH:
        return
    depth = 0
    yaml = _yaml()
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UsageError(f"invalid YAML: nested more than {MAX_DEPTH} levels deep",
                                     str(path), event.start_mark.line + 1)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: the real parse reports it with its line


def _short(problem: str) -> str:
    """A parser message quotes the offending token; a token can be a whole file's worth."""
    return problem if len(problem) <= 160 else problem[:160] + "…"


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice a typo of `word` most likely meant, or None when none is close.

    The one "did you mean" of postlint: config keys, rule keys, rule ids, languages, files.
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """` (did you mean 'x'?)`, or "" when no choice is close: the end of an error message."""
    close = closest(word, choices, cutoff)
    return f" (did you mean {close!r}?)" if close else ""


def shown(where: str) -> str:
    """A key path for a message; user keys are part of it, so it is cut like an excerpt."""
    return where if len(where) <= 80 else where[:80] + "…"


# --- a tiny schema language -------------------------------------------------------------
# A schema is a dict {key: spec}; a spec is a Spec object, or a nested dict for a mapping.


@dataclass(frozen=True)
class Spec:
    describe: str
    accepts: Callable[[yaml.Node], bool]
    item: Any = None  # for lists/maps: the spec of each item/value

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.describe


def _scalar(tag_names: tuple[str, ...], describe: str) -> Spec:
    tags = tuple(f"tag:yaml.org,2002:{t}" for t in tag_names)
    return Spec(describe, lambda n: _is(n, "ScalarNode") and n.tag in tags)


def _is(node: Any, kind: str) -> bool:
    """isinstance(node, yaml.<kind>), for specs that exist before yaml is imported."""
    return isinstance(node, getattr(_yaml(), kind))


LARGEST = 10**9  # no count, limit or duration is larger; beyond it, timedelta and float overflow


@lru_cache(maxsize=None)
def _constructor() -> Any:
    return _yaml().constructor.SafeConstructor()


def _number(tag_names: tuple[str, ...], describe: str, largest: int = LARGEST) -> Spec:
    """A number node within +-largest: `.inf`, `.nan` and a 4,000-digit integer are YAML
    numbers, and each would overflow or poison the arithmetic that uses it."""
    tags = tuple(f"tag:yaml.org,2002:{t}" for t in tag_names)

    def accepts(node: yaml.Node) -> bool:
        if not (_is(node, "ScalarNode") and node.tag in tags):
            return False
        constructor = _constructor()
        build = constructor.construct_yaml_float if node.tag.endswith("float") else \
            constructor.construct_yaml_int
        try:
            return abs(build(node)) <= largest  # False for nan too
        except ValueError:
            return False

    return Spec(describe, accepts)


STR = _scalar(("str",), "a string")
INT = _number(("int",), "a whole number (up to 1,000,000,000)")
NUMBER = _number(("int", "float"), "a number (up to 1,000,000,000)")
# a size in bytes: videos and their caps pass 1 GB (nothing is allocated from it)
BYTES = _number(("int",), "a whole number of bytes (up to 1,000,000,000,000)", 10**12)
BOOL = _scalar(("bool",), "true or false")
# A date-time written without quotes is a timestamp node; quoted, it is a string.
WHEN = _scalar(("str", "timestamp"), "a date-time (ISO 8601)")
ANY = Spec("anything", lambda n: True)


def list_of(item: Any) -> Spec:
    return Spec(f"a list (of {describe(item)})", lambda n: _is(n, "SequenceNode"), item)


def map_of(value: Any) -> Spec:
    """A mapping with free keys (e.g. rule id -> severity)."""
    return Spec(
        f"a mapping of names to {describe(value)}", lambda n: _is(n, "MappingNode"), value
    )


def one_of(*specs: Any) -> Spec:
    def accepts(node: yaml.Node) -> bool:
        return any(_accepts(s, node) for s in specs)

    return Spec(" or ".join(describe(s) for s in specs), accepts, specs)


def choice(*values: str) -> Spec:
    def accepts(node: yaml.Node) -> bool:
        return _is(node, "ScalarNode") and str(node.value).lower() in values

    return Spec("one of " + ", ".join(values), accepts)


def describe(spec: Any) -> str:
    return "a mapping" if isinstance(spec, dict) else spec.describe


def _accepts(spec: Any, node: yaml.Node) -> bool:
    if isinstance(spec, dict):
        return _is(node, "MappingNode")
    return spec.accepts(node)


def validate(node: yaml.Node | None, schema: Any, path: str, where: str = "") -> None:
    """Raise UsageError at the first node that does not fit `schema`."""
    if node is None:
        return
    yaml = _yaml()
    line = node.start_mark.line + 1
    if isinstance(schema, dict):
        if not isinstance(node, yaml.MappingNode):
            raise UsageError(f"{shown(where) or 'the file'} must be a mapping", path, line)
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in schema:
                prefix = f"{where}." if where else ""
                close = closest(key, schema)
                hint = f" (did you mean {prefix + close!r}?)" if close else ""
                raise UsageError(f"unknown key {excerpt(prefix + key)}{hint}", path,
                                 key_node.start_mark.line + 1)
            validate(value_node, schema[key], path, f"{where}.{key}" if where else key)
        return
    if not _accepts(schema, node):
        raise UsageError(f"{shown(where) or 'value'} must be {describe(schema)}", path, line)
    if schema.item is None:
        return
    if isinstance(node, yaml.SequenceNode) and not isinstance(schema.item, tuple):
        for i, child in enumerate(node.value):
            validate(child, schema.item, path, f"{where}[{i}]")
    elif isinstance(node, yaml.MappingNode) and isinstance(schema.item, (Spec, dict)) and (
        schema.describe.startswith("a mapping of")
    ):
        for key_node, value_node in node.value:
            validate(value_node, schema.item, path, f"{where}.{key_node.value}")
    elif isinstance(schema.item, tuple):  # one_of: validate against the first spec that fits
        for option in schema.item:
            if _accepts(option, node):
                validate(node, option, path, where)
                return


def find_line(node: yaml.Node | None, *keys: str | int) -> int | None:
    """Line of the value at `keys` (mapping keys or list indexes), for messages after loading."""
    yaml = _yaml()
    for key in keys:
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            return None
    return node.start_mark.line + 1 if node is not None else None
