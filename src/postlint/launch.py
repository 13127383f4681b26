"""The `postlint` command's entry point: answers `--version` before importing anything else.

`postlint --version` is what scripts and bug reports run to see which postlint they have;
importing click, the config and the rule machinery for it would cost more than the answer
(about 60 ms of a 150 ms budget). Every other command goes to the click group in `cli`,
which prints the same version line for `--version` anywhere else on the command line.
"""

from __future__ import annotations

import sys

from . import __version__

VERSION_FLAGS = ("--version", "-V")


def main() -> None:
    """`postlint --version` (or `-V`) alone: print it and exit 0; anything else: the CLI."""
    if len(sys.argv) == 2 and sys.argv[1] in VERSION_FLAGS:
        sys.stdout.write(f"postlint, version {__version__}\n")
        sys.stdout.flush()
        return
    from .cli import main as cli

    cli()
