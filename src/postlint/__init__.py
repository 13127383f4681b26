"""postlint: lint social-media posts before they are published.

The public Python API is `lint(posts, config)`: a pure function from posts to findings,
usable inside any batch or distributed engine. Names are imported on first use (PEP 562), so
the command line does not pay for the API's imports.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "lint": "api", "load_config": "api", "make_post": "api", "Options": "engine",
    "Finding": "model", "Post": "model", "Severity": "model",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'postlint' has no attribute {name!r}")
