"""`postlint approve PATH... [--post ID] [--as NAME] [--note TEXT]`.

Approving means: "I read this post and the findings postlint shows for it". So the posts are
checked first, exactly as `check` would (every rule but review), and the approval records
the rule ids of what the approver saw; a finding that appears later makes it stale.
"""

from __future__ import annotations

import difflib
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..config import Config, ConfigResolver
from ..errors import UsageError
from ..model import Finding, Post
from . import store
from .digest import digest
from .settings import ReviewSettings


@dataclass(frozen=True)
class Approved:
    approval: store.Approval
    file: Path  # the approvals file it was written to
    shown: str  # the post's path as given on the command line
    review_on: bool


def git_email(folder: Path) -> str | None:
    """`git config user.email` as seen from `folder` (repository settings first)."""
    try:
        done = subprocess.run(["git", "config", "user.email"], cwd=folder, capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def approve(paths: list[str], *, post_ids: tuple[str, ...], who: str | None, note: str,
            config_file: Path | None, check: Callable[[dict[int, tuple[Config, list[Post]]]], list[Finding]],
            now: datetime, read: Callable) -> tuple[list[Approved], list[UsageError]]:
    """Record approvals; (what was written, problems that leave some posts unapproved).

    `check` lints grouped posts (runner.check_groups); `read` yields (path, post) like
    readers.read_posts. Refusals that concern the whole command (an unknown --post, an approver
    not on the list, no name) raise UsageError before anything is written.
    """
    errors: list[UsageError] = []
    resolver = ConfigResolver(config_file)
    groups: dict[int, tuple[Config, list[Post]]] = {}
    for path, post in read(paths, errors.append):
        config = resolver.for_input(path)
        groups.setdefault(id(config), (config, []))[1].append(post)
    if errors:
        raise errors[0]
    everything = [post for _, posts in groups.values() for post in posts]
    chosen = _choose(everything, post_ids)
    seen = _seen(check(groups))
    by_config = {id(post): config for config, posts in groups.values() for post in posts}
    written: dict[Path, list[tuple[store.Approval, str, bool]]] = {}
    for post in chosen:
        config = by_config[id(post)]
        settings = ReviewSettings.of(config)
        folder = store.folder_for(config.path, post.path)
        name = (who or git_email(folder) or "").strip()
        if not name:
            raise UsageError("say who approves: --as NAME (git config user.email is not set here)")
        if not settings.allows(name):
            raise UsageError(f"{name} is not in review.approvers ({', '.join(settings.approvers)})",
                             config.path)
        if post.problems:
            problem = post.problems[0]
            errors.append(UsageError(f"{post.id} was not approved: it cannot be read "
                                     f"({problem.message}); fix it first", post.path, problem.line))
            continue
        approval = store.Approval(
            post=post.id, path=store.key_path(post.path, folder), digest=digest(post), by=name,
            at=now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            note=note.strip()[:store.MAX_NOTE], findings=seen.get((post.path, post.index), ()))
        written.setdefault(folder / store.NAME, []).append((approval, post.path, settings.on))
    done = []
    for file, items in written.items():
        store.append(file, [approval for approval, _, _ in items])
        done += [Approved(approval, file, shown, on) for approval, shown, on in items]
    return done, errors


def _choose(posts: list[Post], post_ids: tuple[str, ...]) -> list[Post]:
    """The posts named by --post (every post when none is named); an unknown id is an error
    with the closest id offered."""
    if not post_ids:
        return posts
    ids = {post.id for post in posts}
    for wanted in post_ids:
        if wanted not in ids:
            close = difflib.get_close_matches(wanted, sorted(ids), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"--post {wanted}: no post with that id in the given paths{hint}")
    return [post for post in posts if post.id in post_ids]


def _seen(findings: list[Finding]) -> dict[tuple[str, int], tuple[str, ...]]:
    """Rule ids of each post's findings (review's own excluded), one per finding, sorted."""
    seen: dict[tuple[str, int], list[str]] = {}
    for finding in findings:
        if finding.category != "review":
            seen.setdefault((finding.path, finding.post_index), []).append(finding.rule)
    return {key: tuple(sorted(rules)) for key, rules in seen.items()}


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
