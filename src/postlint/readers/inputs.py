"""The readers' data, `rules/inputs.yaml`: field names and spellings, names that are never
posts, and the bounds on what is read. Loaded once per process and validated, so that a
broken edit names its line instead of misreading every queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import yamlfile as y

SCHEMA = {
    "kind": y.STR,
    "fields": y.map_of(y.list_of(y.STR)),
    "not_posts": y.list_of(y.STR),
    "limits": {"draft_bytes": y.INT, "row_bytes": y.INT, "depth": y.INT, "values": y.INT,
               "years": y.list_of(y.INT)},
}
CUSTOM_PREFIX = "x_"  # after normalising: `x-campaign` and `x_campaign` are the user's own
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Limits:
    draft_bytes: int
    row_bytes: int
    depth: int
    values: int
    years: tuple[int, int]


@dataclass(frozen=True)
class Inputs:
    fields: tuple[str, ...]  # canonical names, in table order
    spellings: dict[str, tuple[str, int]]  # normalised spelling -> (field, priority: 0 = its own name)
    not_posts: tuple[str, ...]
    limits: Limits

    def field_of(self, key: str) -> tuple[str, int] | None:
        """(canonical field, priority) of a key as written in a file, or None if unknown."""
        return self.spellings.get(normalise_key(key))

    def closest(self, key: str) -> str | None:
        """The field a mistyped key most likely meant (`schedule_at` -> `scheduled_at`)."""
        import difflib  # only for a key that is not known: most runs never need it

        close = difflib.get_close_matches(normalise_key(key), list(self.spellings), n=1, cutoff=0.75)
        return self.spellings[close[0]][0] if close else None


def normalise_key(key: str) -> str:
    """`Scheduled At`, `scheduled-at`, `SCHEDULED_AT` -> `scheduled_at`."""
    return _SEPARATORS.sub("_", key.strip().lstrip("\ufeff").strip().lower())


def is_custom(key: str) -> bool:
    return normalise_key(key).startswith(CUSTOM_PREFIX)


@lru_cache(maxsize=None)
def inputs() -> Inputs:
    from ..rules import builtin_rules_dir

    path = builtin_rules_dir() / "inputs.yaml"
    data, node = y.load(path)
    y.validate(node, SCHEMA, str(path))
    spellings: dict[str, tuple[str, int]] = {}
    for name, aliases in data["fields"].items():
        for priority, spelling in enumerate([name, *aliases]):
            spellings.setdefault(normalise_key(spelling), (name, priority))
    limits = data["limits"]
    low, high = limits["years"]
    return Inputs(
        fields=tuple(data["fields"]),
        spellings=spellings,
        not_posts=tuple(data["not_posts"]),
        limits=Limits(limits["draft_bytes"], limits["row_bytes"], limits["depth"], limits["values"],
                      (low, high)),
    )
