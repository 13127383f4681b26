"""Lint a large archive of posts with Dask, using postlint's pure `lint()` API.

    python examples/dask_lint.py posts.jsonl [--config .postlint.yaml] [--partitions 8]

Each partition of the JSON Lines file is linted by `postlint.lint` in a worker process
(Dask's local multiprocessing scheduler here; a `distributed.Client` pointing at a cluster
works the same way). Prints one JSON finding per line, then a summary on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone


def lint_partition(records: list[dict], config_path: str | None, now: str) -> list[dict]:
    import postlint

    options = postlint.Options(now=datetime.fromisoformat(now), offline=True)
    config = postlint.load_config(config_path)
    return [f.to_dict() for f in postlint.lint(records, config, options=options)]


def main(argv: list[str] | None = None) -> int:
    import dask.bag as db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--config")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--now", default=datetime.now(timezone.utc).isoformat())
    parser.add_argument("--scheduler", default="processes", choices=["processes", "threads", "sync"])
    args = parser.parse_args(argv)
    posts = db.read_text(args.path, blocksize=None).map(json.loads).repartition(args.partitions)
    findings = posts.map_partitions(lint_partition, args.config, args.now).compute(
        scheduler=args.scheduler)
    for finding in findings:
        print(json.dumps(finding, ensure_ascii=False))
    print(f"{len(findings)} findings", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
