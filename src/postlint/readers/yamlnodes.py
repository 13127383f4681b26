"""YAML for posts (front matter and YAML queues), read so that no value can crash a run.

PyYAML's safe loader is safe from code execution, not from bad input: `2025-13-01` or
`!!float x` raise ValueError after parsing, a duplicate key silently drops the first value,
nesting 100,000 deep overflows the C stack, and an alias bomb expands to billions of values.
So posts are read in two steps: nodes are composed with a bound on depth and size (the libyaml
event parser itself is not recursive), then each field's value is constructed on its own,
and any failure becomes a Problem on that field's line while the other fields still count.
"""

from __future__ import annotations

from typing import Any, TextIO

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import MappingEndEvent, MappingStartEvent, SequenceEndEvent, SequenceStartEvent
from yaml.resolver import Resolver

from ..model import Problem
from .fields import short, why
from .inputs import inputs
from .text import size_text

try:  # libyaml's event parser, when PyYAML was built with it (the usual wheels are)
    from yaml.cyaml import CParser as _PARSER
except ImportError:  # pragma: no cover
    _PARSER = None


class TooBig(Exception):
    """A node deeper or larger than the limits: reported on its post, never composed whole."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.mark = mark


class Unskippable(TooBig):
    """A node nested so deep that even skipping it is too slow: libyaml checks every open
    level for each token, so reading past 50,000 levels takes seconds, past 500,000 hours.
    The rest of the file cannot be read."""


SKIP_DEPTH = 1000  # levels skip_open reads through (about a million level checks at most)


class _Guarded(Composer):
    """Composer that refuses nesting beyond `limits.depth` and input beyond the tap's cap, and
    counts the collections it has opened, so the caller can skip the rest of a bad node."""

    tap: Any = None

    def _guard_init(self) -> None:
        Composer.__init__(self)
        SafeConstructor.__init__(self)  # type: ignore[arg-type]
        Resolver.__init__(self)  # type: ignore[arg-type]
        self.depth = 0
        self.open = 0
        self.max_depth = inputs().limits.depth

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if self.depth >= self.max_depth:
            raise TooBig(f"nested more than {self.max_depth} levels deep", event.start_mark)
        if self.tap is not None and self.tap.overflow:
            raise TooBig(f"larger than {size_text(self.tap.cap)} (no platform takes a post that "
                         "long); it was not read", event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self.anchors.pop(anchor, None)  # a repeated anchor redefines it (YAML 1.2, libyaml)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_sequence_node(self, anchor: Any) -> Any:
        self.open += 1  # not decremented on an error: `skip_open` closes what is still open
        node = super().compose_sequence_node(anchor)
        self.open -= 1
        return node

    def compose_mapping_node(self, anchor: Any) -> Any:
        self.open += 1
        node = super().compose_mapping_node(anchor)
        self.open -= 1
        return node

    def compose_item(self) -> yaml.Node:
        """The next node; on a bad node (too deep, too big, unknown alias) skip its events and
        raise TooBig, so the stream stands at the next node and reading can go on."""
        self.open = 0
        try:
            return self.compose_node(None, None)
        except (TooBig, yaml.composer.ComposerError) as exc:
            skip_open(self, self.open)
            if isinstance(exc, TooBig):
                raise
            raise TooBig(str(exc.problem), exc.problem_mark) from None


def skip_open(loader: Any, open_collections: int) -> None:
    """Read events (cheap: no nodes are built) until `open_collections` have ended; raise
    Unskippable for nesting beyond SKIP_DEPTH, which cannot be read through in time."""
    while open_collections > 0:
        event = loader.get_event()
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            open_collections += 1
            if open_collections > SKIP_DEPTH:
                raise Unskippable(f"nested more than {SKIP_DEPTH} levels deep; the rest of the file "
                                  "was not read", event.start_mark)
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            open_collections -= 1


if _PARSER is not None:
    class Loader(_Guarded, _PARSER, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str | TextIO):
            _PARSER.__init__(self, stream)
            self._guard_init()
else:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class Loader(_Guarded, Reader, Scanner, Parser, SafeConstructor, Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str | TextIO):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            self._guard_init()


def yaml_error(exc: Exception) -> tuple[str, int | None]:
    """(message, 0-based line) of a PyYAML error, without echoing the input."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    return f"invalid YAML: {problem}", mark.line if mark is not None else None


def too_many_values(node: yaml.Node, budget: int) -> bool:
    """More than `budget` values with aliases expanded (an alias bomb, a cycle)? Iterative,
    and stops at the budget, so checking a bomb costs no more than checking a normal post."""
    stack = [node]
    seen = 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > budget:
            return True
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append(key)
                stack.append(value)
    return False


def mapping_fields(loader: Any, node: yaml.Node, first_line: int, what: str
                   ) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    """(fields, line of each field, problems) of one post's mapping node.

    `first_line` is the file line of the node text's line 0 (front matter starts on line 2).
    Each value is built on its own: a bad one is a Problem on its line and is left out.
    """
    line = node.start_mark.line + first_line
    if not isinstance(node, yaml.MappingNode):
        return {}, {}, [Problem("malformed", f"{what} must be a mapping of keys", line)]
    if too_many_values(node, inputs().limits.values):
        return {}, {}, [Problem("malformed", f"{what} has more than {inputs().limits.values} values "
                                             "(aliases expanded); it was not read", line)]
    problems: list[Problem] = []
    lines: dict[str, int] = {}
    for key_node, _ in node.value:  # the post's own keys, before `<<` merges add shared ones
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key, key_line = str(key_node.value), key_node.start_mark.line + first_line
        if key in lines and key != "<<":
            problems.append(Problem("malformed", f"duplicate key {short(key)} (first on line "
                                                 f"{lines[key]}); YAML keeps only the last one, so "
                                                 "say it once", key_line))
        lines.setdefault(key, key_line)
    try:
        loader.flatten_mapping(node)
    except yaml.YAMLError as exc:
        problems.append(Problem("malformed", yaml_error(exc)[0], line))
        return {}, lines, problems
    fields: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem("malformed", "a key must be a name, not a list or mapping",
                                    key_node.start_mark.line + first_line))
            continue
        key = str(key_node.value)
        lines.setdefault(key, key_node.start_mark.line + first_line)
        try:
            fields[key] = construct(loader, value_node)
        except Exception as exc:  # noqa: BLE001 - any value PyYAML cannot build (its code, your data)
            problems.append(Problem("malformed", f"{short(key)[1:-1]}: YAML cannot read this value "
                                                 f"({why(exc)})", value_node.start_mark.line + first_line))
    return fields, lines, problems


def construct(loader: Any, node: yaml.Node) -> Any:
    """One value, built from its node alone (the constructor's memo is per value)."""
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.constructed_objects = {}
        loader.recursive_objects = {}


def front_matter(text: str) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    """Fields of a draft's front matter (the text between the `---` lines, from file line 2)."""
    loader = None
    try:
        loader = Loader(text)  # the pure-Python reader checks characters here already
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        return mapping_fields(loader, node, 2, "front matter")
    except TooBig as exc:
        return {}, {}, [Problem("malformed", f"front matter: {exc.message}", exc.mark.line + 2)]
    except yaml.YAMLError as exc:
        message, line = yaml_error(exc)
        return {}, {}, [Problem("malformed", f"front matter: {message}", (line or 0) + 2)]
    finally:
        if loader is not None:
            loader.dispose()
