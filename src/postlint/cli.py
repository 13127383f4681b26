"""Command line: parse options, call the runner, print, choose the exit status.

Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the run itself
failed (bad option, config, rule file or unreadable input), with one line on stderr.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__
from .errors import UsageError
from .model import SEVERITY_NAMES, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_FAILED = 0, 1, 2


def _fail(exc: UsageError) -> None:
    click.echo(f"postlint: {exc}", err=True)
    sys.exit(EXIT_FAILED)


def _parse_now(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 instant: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _load_rules(rule_dirs: tuple[str, ...], prepare: bool = True) -> list:
    """All rules; `prepare=False` for listing and explaining, which never run them."""
    from .rules import load_rules

    try:
        return load_rules((Path(d) for d in rule_dirs), prepare)
    except UsageError as exc:
        _fail(exc)
        raise  # unreachable


SEVERITY = click.Choice(SEVERITY_NAMES, case_sensitive=False)
rules_option = click.option("--rules", "rule_dirs", multiple=True, metavar="DIR",
                            type=click.Path(file_okay=False),
                            help="Load extra YAML rule files from DIR (repeatable).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="postlint")
def main() -> None:
    """Lint social-media posts before they are published."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config file for every input (default: nearest .postlint.yaml per file).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "html"]),
              default="text", show_default=True, help="Output format.")
@click.option("--fail-on", type=SEVERITY, default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--min-severity", type=SEVERITY, default="info", show_default=True,
              help="Hide findings below this severity (does not change --fail-on).")
@click.option("--offline", is_flag=True, help="Make no network requests.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the link cache.")
@click.option("--now", callback=_parse_now, metavar="WHEN",
              help='ISO 8601 instant used as "now" by schedule rules.')
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
@click.option("--platform", metavar="NAME", help="Platform for posts that do not name one.")
@click.option("--lang", metavar="CODE", help="Force the language of every post (en, es, pl, nb, ...).")
@click.option("--select", multiple=True, metavar="ID_OR_CATEGORY", help="Run only these rules.")
@click.option("--ignore", multiple=True, metavar="ID_OR_CATEGORY", help="Skip these rules.")
@rules_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Worker processes (default: 1 for a few posts, else the CPU count).")
@click.option("--allow-empty", is_flag=True,
              help="A PATH without posts is fine (default: exit 2, it is usually a typo).")
@click.option("--force-exclude", is_flag=True,
              help="Skip excluded files (not posts, or the config's `exclude`) even when named "
                   "as a PATH, as the pre-commit hook does.")
def check(paths, config_file, fmt, fail_on, min_severity, offline, no_cache, now, quiet, platform,
          lang, select, ignore, rule_dirs, jobs, allow_empty, force_exclude) -> None:
    """Check drafts, queue files, directories or - (stdin)."""
    from .engine import Options
    from .formatters import get
    from .formatters.text import summary_line
    from .progress import QueueProgress
    from .readers.fields import normalise_platform
    from .rules import check_selectors
    from .runner import Settings, run

    if not paths:
        raise click.UsageError("give at least one PATH (a draft, a queue, a directory, or -)")
    if platform and normalise_platform(platform) is None:
        raise click.BadParameter(f"unknown platform {platform!r}", param_hint="--platform")
    options = Options(
        now=now or datetime.now(timezone.utc),
        offline=offline,
        use_cache=not no_cache,
        platform=normalise_platform(platform) if platform else None,
        lang=lang.strip().lower() if lang else None,
        rule_dirs=tuple(rule_dirs),
    )
    rules = _load_rules(rule_dirs)
    try:
        check_selectors(rules, select, "--select")
        check_selectors(rules, ignore, "--ignore")
        settings = Settings(tuple(rule_dirs), tuple(select), tuple(ignore), options)
        note = (lambda message: None) if quiet else (lambda message: click.echo(message, err=True))
        with QueueProgress(enabled=not quiet) as progress:
            result = run(list(paths), settings, Path(config_file) if config_file else None, jobs,
                         note, keep_posts=fmt == "html",  # the html report shows each post's text
                         progress=progress, rules=rules, allow_empty=allow_empty,
                         force_exclude=force_exclude)
    except UsageError as exc:
        _fail(exc)
        return
    from .engine import rank
    from .model import Summary

    floor = Severity.parse(min_severity)
    threshold = Severity.parse(fail_on)
    ranked = rank(result.findings)
    shown = [f for f in ranked if f.severity >= floor]
    summary = Summary(posts=result.summary.posts)
    for finding in shown:
        summary.count(finding)
    extra = {"posts": result.posts} if fmt == "html" else {}
    get(fmt).render(shown, summary, result.rules, sys.stdout, **extra)
    sys.stdout.flush()
    for error in result.errors:
        click.echo(f"postlint: {error}", err=True)
    if not quiet:
        click.echo(summary_line(summary), err=True)
    if result.errors:
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_FINDINGS if any(f.severity >= threshold for f in ranked) else EXIT_OK)


@main.command("rules")
@click.option("--category", help="Only rules of this category.")
@rules_option
def list_rules(category, rule_dirs) -> None:
    """List every loaded rule: id, category, severity, summary."""
    rules = _load_rules(rule_dirs, prepare=False)
    if category:
        rules = [r for r in rules if r.category == category]
        if not rules:
            _fail(UsageError(f"--category {category}: no rules in that category"))
    width = max((len(r.id) for r in rules), default=10)
    for rule in rules:
        click.echo(f"{rule.id:<{width}}  {rule.category:<10}  {str(rule.severity):<8}  {rule.summary}")


@main.command()
@click.argument("rule_id")
@rules_option
def explain(rule_id, rule_dirs) -> None:
    """What a rule looks for, why it matters, and how to fix or silence it.

    A hashtag ('#WhyIStayed') shows its entry in the hashtag knowledge base instead.
    """
    import difflib

    if rule_id.startswith("#"):
        from .hashtags import explain as explain_hashtag

        try:
            click.echo(explain_hashtag(rule_id, tuple(rule_dirs)))
        except UsageError as exc:
            _fail(exc)
        return
    rules = _load_rules(rule_dirs, prepare=False)
    by_id = {r.id: r for r in rules}
    rule = by_id.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(by_id), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        _fail(UsageError(f"no rule {rule_id!r}{hint}; `postlint rules` lists them"))
        return
    click.echo(f"{rule.id}  ({rule.category}, {rule.severity}, type {rule.type})\n")
    click.echo(rule.summary + "\n")
    if rule.rationale:
        click.echo("Why it matters:\n  " + rule.rationale.replace("\n", "\n  ") + "\n")
    if rule.fix:
        click.echo("How to fix:\n  " + rule.fix.replace("\n", "\n  ") + "\n")
    click.echo(
        "How to silence:\n"
        f"  for one post:  front matter `ignore: [{rule.id}]`\n"
        f"  for a brand:   .postlint.yaml `rules: {{disable: [{rule.id}]}}`\n"
        f"  for one run:   postlint check --ignore {rule.id} …\n"
        f"  change level:  .postlint.yaml `rules: {{severity: {{{rule.id}: info}}}}`\n"
    )
    click.echo(f"Defined in {rule.source}")


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing .postlint.yaml.")
def init(force) -> None:
    """Write a commented starter .postlint.yaml in the current folder."""
    from importlib.resources import files

    target = Path(".postlint.yaml")
    if target.exists() and not force:
        _fail(UsageError("already exists; use --force to overwrite", str(target)))
    target.write_text(files("postlint").joinpath("starter.postlint.yaml").read_text("utf-8"), "utf-8")
    click.echo(f"Wrote {target}. Edit brand, accounts and languages, then run `postlint check`.")


@main.command()
@click.option("--reason", required=True, metavar="TEXT", help="Why publishing is paused (shown in findings).")
@click.option("--until", metavar="WHEN",
              help="End of the freeze: ISO 8601 (config timezone if no offset) or a duration (6h, 2d); "
                   "default: until `postlint unfreeze`.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config to write (default: the nearest .postlint.yaml, else a new one here).")
@click.option("--now", callback=_parse_now, metavar="WHEN", help="ISO 8601 instant the freeze starts.")
def freeze(reason, until, config_file, now) -> None:
    """Pause publishing: every post scheduled from now on is inside a blackout."""
    from . import freeze as freezing

    path = freezing.target(Path(config_file) if config_file else None, Path.cwd())
    try:
        done = freezing.freeze(path, reason, until, now or datetime.now(timezone.utc))
    except UsageError as exc:
        _fail(exc)
        return
    end = done.until.isoformat() if done.until else "`postlint unfreeze`"
    click.echo(f"{'Created' if done.created else 'Updated'} {path}: publishing frozen since "
               f"{done.since.isoformat()} until {end} ({done.reason}).")


@main.command()
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config to edit (default: the nearest .postlint.yaml).")
def unfreeze(config_file) -> None:
    """End the freeze that `postlint freeze` started."""
    from . import freeze as freezing

    path = freezing.target(Path(config_file) if config_file else None, Path.cwd())
    try:
        removed = freezing.unfreeze(path)
    except UsageError as exc:
        _fail(exc)
        return
    click.echo(f"Removed the freeze from {path}; publishing resumes." if removed
               else f"No freeze in {path}; nothing to do.")
