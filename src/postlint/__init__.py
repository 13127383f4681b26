"""postlint: lint social-media posts before they are published.

The public Python API is `lint(posts, config)`: a pure function from posts to findings,
usable inside any batch or distributed engine.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import load_config, lint, make_post  # noqa: E402
from .engine import Options  # noqa: E402
from .model import Finding, Post, Severity  # noqa: E402

__all__ = ["Finding", "Options", "Post", "Severity", "__version__", "lint", "load_config", "make_post"]
