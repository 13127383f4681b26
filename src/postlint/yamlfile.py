"""Load YAML safely and validate it against a small schema, reporting file and line.

Config files and rule files are written by people; a typo must produce one line that names
the file, the line and, for an unknown key, the key they probably meant. PyYAML's node tree
(from `yaml.compose` with the safe loader) carries the line of every key, so validation walks
nodes instead of the plain data.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import UsageError

# yaml's C loader is several times faster; fall back to the pure-Python one if it is missing.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: Path | str, text: str | None = None) -> tuple[Any, yaml.Node | None]:
    """Return (data, node tree) of a YAML file, or raise UsageError naming file and line."""
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read file: {exc}", str(path)) from None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageError(
            f"invalid YAML: {problem}", str(path), mark.line + 1 if mark else None
        ) from None
    finally:
        loader.dispose()
    return data, node


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
    return Spec(describe, lambda n: isinstance(n, yaml.ScalarNode) and n.tag in tags)


STR = _scalar(("str",), "a string")
INT = _scalar(("int",), "a whole number")
NUMBER = _scalar(("int", "float"), "a number")
BOOL = _scalar(("bool",), "true or false")
# A date-time written without quotes is a timestamp node; quoted, it is a string.
WHEN = _scalar(("str", "timestamp"), "a date-time (ISO 8601)")
ANY = Spec("anything", lambda n: True)


def list_of(item: Any) -> Spec:
    return Spec(f"a list (of {describe(item)})", lambda n: isinstance(n, yaml.SequenceNode), item)


def map_of(value: Any) -> Spec:
    """A mapping with free keys (e.g. rule id -> severity)."""
    return Spec(
        f"a mapping of names to {describe(value)}", lambda n: isinstance(n, yaml.MappingNode), value
    )


def one_of(*specs: Any) -> Spec:
    def accepts(node: yaml.Node) -> bool:
        return any(_accepts(s, node) for s in specs)

    return Spec(" or ".join(describe(s) for s in specs), accepts, specs)


def choice(*values: str) -> Spec:
    def accepts(node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and str(node.value).lower() in values

    return Spec("one of " + ", ".join(values), accepts)


def describe(spec: Any) -> str:
    return "a mapping" if isinstance(spec, dict) else spec.describe


def _accepts(spec: Any, node: yaml.Node) -> bool:
    if isinstance(spec, dict):
        return isinstance(node, yaml.MappingNode)
    return spec.accepts(node)


def validate(node: yaml.Node | None, schema: Any, path: str, where: str = "") -> None:
    """Raise UsageError at the first node that does not fit `schema`."""
    if node is None:
        return
    line = node.start_mark.line + 1
    if isinstance(schema, dict):
        if not isinstance(node, yaml.MappingNode):
            raise UsageError(f"{where or 'the file'} must be a mapping", path, line)
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in schema:
                close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
                prefix = f"{where}." if where else ""
                hint = f" (did you mean {prefix + close[0]!r}?)" if close else ""
                name = prefix + key
                raise UsageError(f"unknown key {name!r}{hint}", path, key_node.start_mark.line + 1)
            validate(value_node, schema[key], path, f"{where}.{key}" if where else key)
        return
    if not _accepts(schema, node):
        raise UsageError(f"{where or 'value'} must be {describe(schema)}", path, line)
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
