"""What a link check depends on (Policy) and what became of a URL (Result).

Apart from the checker so that a run that only reads results (from memory or the SQLite
cache, e.g. `--offline`) imports neither the checker nor its sockets, deadlines and
address rules. `checker` re-exports these names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .data import Network

CAUSES = {
    "ok": ("",),
    "broken": ("not_found", "gone", "login", "client_error", "server_error", "dns", "refused",
               "timeout", "ssl", "connection", "loop", "too_many_redirects", "private",
               "invalid", "bad_redirect"),
    "unverified": ("rate_limited", "blocked", "offline", "deadline"),
}


@dataclass(frozen=True)
class Policy:
    """What a check depends on besides the URL: results are cached and shared per policy."""

    timeout: float
    allow_private: bool
    network: Network

    @property
    def cache_prefix(self) -> str:
        return f"p{int(self.allow_private)}|"


@dataclass(frozen=True)
class Result:
    """What became of one URL.

    outcome: "ok", "broken" or "unverified"; cause: one of CAUSES[outcome]. Unverified
    "offline": nothing could be reached from this machine; "deadline": the run's link phase
    ran out of time before this link.
    """

    url: str
    outcome: str
    cause: str = ""
    code: int | None = None
    final_url: str = ""
    redirects: int = 0
    address: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def cacheable(self) -> bool:
        """Worth keeping for later runs: "offline" and "deadline" are facts about this
        machine and this run, not about the link."""
        return self.cause not in ("offline", "deadline")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @classmethod
    def parse(cls, data: Any) -> Result | None:
        """A Result from stored data (the link cache), or None when the data is not one that
        `to_dict` could have written: a cache row is checked, never trusted blindly."""
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            return None
        result = cls.from_dict(data)
        texts = (result.cause, result.final_url, result.address, result.detail)
        code = result.code
        if result.outcome not in CAUSES or result.cause not in CAUSES.get(result.outcome, ()) \
                or not all(isinstance(t, str) for t in texts) \
                or not (code is None or (type(code) is int and 100 <= code <= 999)) \
                or not (type(result.redirects) is int and 0 <= result.redirects <= 1000):
            return None
        return result
