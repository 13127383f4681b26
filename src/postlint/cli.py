"""Command line: parse options, call the runner, print, choose the exit status.

Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the run itself
failed (bad option, config, rule file or unreadable input), with one line on stderr.
"""

from __future__ import annotations

import os
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


class _Commands(click.Group):
    """A crash (a bug in postlint) exits 2 with one line, like any failed run: never 1,
    which means "findings" to CI, and never a traceback in the log. POSTLINT_DEBUG=1 shows
    the traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except UsageError as exc:  # a command that did not catch its own
            _fail(exc)
        except Exception as exc:
            if os.environ.get("POSTLINT_DEBUG"):
                raise
            from .errors import excerpt

            click.echo(f"postlint: internal error ({type(exc).__name__}: "
                       f"{excerpt(exc, 200, quote=False)}); please report it "
                       "(POSTLINT_DEBUG=1 shows where)", err=True)
            sys.exit(EXIT_FAILED)
        return None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    from .report import Report
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
        if lang:
            from .language import known_languages, unknown_language

            problem = unknown_language(lang, known_languages(rule_dirs))
            if problem:
                raise UsageError(f"--lang: {problem}")
        check_selectors(rules, select, "--select")
        check_selectors(rules, ignore, "--ignore")
        settings = Settings(tuple(rule_dirs), tuple(select), tuple(ignore), options)
        note = (lambda message: None) if quiet else (lambda message: click.echo(message, err=True))
        floor = Severity.parse(min_severity)
        threshold = Severity.parse(fail_on)
        report = Report(fmt, floor)
        with QueueProgress(enabled=not quiet) as progress:
            result = run(list(paths), settings, Path(config_file) if config_file else None, jobs,
                         note, keep_posts=fmt == "html",  # the html report shows each post's text
                         progress=progress, rules=rules, allow_empty=allow_empty,
                         force_exclude=force_exclude, sink=report.add)
    except UsageError as exc:
        _fail(exc)
        return
    with report:  # findings stream from the report's bounded buffer into the format
        summary = report.summary(result.summary.posts)
        extra = {"posts": result.posts} if fmt == "html" else {}
        if result.approvals:  # review on: every format but github shows who approved what
            extra["approvals"] = result.approvals
        get(fmt).render(report.ordered(), summary, result.rules, sys.stdout, **extra)
    sys.stdout.flush()
    for error in result.errors:
        click.echo(f"postlint: {error}", err=True)
    if not quiet:
        note = hidden_note(report.counts, floor, threshold)
        if note:
            click.echo(note, err=True)
        click.echo(summary_line(summary), err=True)
    if result.errors:
        sys.exit(EXIT_FAILED)
    failing = any(n for severity, n in report.counts.items() if severity >= threshold)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def hidden_note(counts: dict, floor: Severity, threshold: Severity) -> str | None:
    """What --min-severity hid, so that a run that fails on findings nobody sees says why:
    "3 findings below warning hidden by --min-severity (1 of them at or above --fail-on)".
    `counts`: every finding of the run, by severity."""
    hidden = sum(n for severity, n in counts.items() if severity < floor)
    if not hidden:
        return None
    failing = sum(n for severity, n in counts.items() if threshold <= severity < floor)
    also = f" ({failing} of them at or above --fail-on)" if failing else ""
    noun = "finding" if hidden == 1 else "findings"
    return f"{hidden} {noun} below {floor} hidden by --min-severity{also}"


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
        from .yamlfile import did_you_mean

        hint = did_you_mean(rule_id, by_id)
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


def _folder(path: str, config_file: str | None) -> Path:
    """The folder a freeze applies to: PATH, or (older scripts) the folder of --config FILE."""
    return Path(config_file).parent if config_file else Path(path)


def _named(folder: Path) -> str:
    return "the current folder" if str(folder) == "." else str(folder)


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False), metavar="[PATH]")
@click.option("--reason", required=True, metavar="TEXT", help="Why publishing is paused (shown in findings).")
@click.option("--until", metavar="WHEN",
              help="End of the freeze: ISO 8601 (config timezone if no offset) or a duration (6h, 2d); "
                   "default: until `postlint unfreeze`.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              hidden=True, help="Older spelling: freeze the folder of FILE.")
@click.option("--now", callback=_parse_now, metavar="WHEN", help="ISO 8601 instant the freeze starts.")
def freeze(path, reason, until, config_file, now) -> None:
    """Pause publishing: every post in PATH (default: here) or below, scheduled from now on, is
    inside a blackout, whatever config it uses. Writes PATH/.postlint-freeze.yaml."""
    from . import freeze as freezing

    folder = _folder(path, config_file)
    try:
        done = freezing.freeze(folder, reason, until, now or datetime.now(timezone.utc))
    except UsageError as exc:
        _fail(exc)
        return
    end = done.until.isoformat() if done.until else "`postlint unfreeze`"
    lift = "postlint unfreeze" + ("" if str(folder) == "." else f" {folder}")
    click.echo(f"Froze publishing in {_named(folder)} and every folder below it, whatever config "
               f"a post uses: since {done.since.isoformat()} until {end} ({done.reason}). "
               f"Wrote {done.path}; `{lift}` lifts it.")


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False), metavar="[PATH]")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              hidden=True, help="Older spelling: unfreeze the folder of FILE.")
def unfreeze(path, config_file) -> None:
    """End the freeze that `postlint freeze PATH` started (default: here)."""
    from . import config as config_module
    from . import freeze as freezing

    folder = _folder(path, config_file)
    try:
        lifted = freezing.unfreeze(folder)
        still = [(p, config_module.load_freeze(p)) for p in config_module.find_freezes(folder)]
    except UsageError as exc:
        _fail(exc)
        return
    why = f" ({lifted.reason})" if lifted.reason else ""
    if lifted.path is None:
        message = f"No freeze in {_named(folder)}; nothing to do."
    elif lifted.from_config:
        message = f"Removed the freeze{why} from {lifted.path}."
    else:
        message = f"Lifted the freeze of {_named(folder)}{why}: deleted {lifted.path}."
    if still:  # a freeze of a folder above: lifting this one does not resume publishing here
        import os

        others = "; ".join(f"`postlint unfreeze {os.path.relpath(p.parent)}` lifts "
                           + (f"{f.get('reason')!r}" if f.get("reason") else "it")
                           for p, f in still)
        message += f" Posts here are still frozen by a folder above: {others}."
    elif lifted.path is not None:
        message += " Publishing resumes."
    click.echo(message)


@main.command()
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config to read (default: the nearest .postlint.yaml).")
@click.option("--now", callback=_parse_now, metavar="WHEN", help='ISO 8601 instant used as "now".')
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--offline", is_flag=True, help="Make no network requests: use the last copy of each feed.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the copies of feeds.")
@rules_option
def events(config_file, now, fmt, offline, no_cache, rule_dirs) -> None:
    """What is live now and coming in the next 14 days: sensitive dates of the config's
    markets and calendars, and the events of its feeds."""
    from . import config as config_module
    from .engine import Context, Options
    from .events import live, readout

    try:
        path = Path(config_file) if config_file else config_module.find_config(Path.cwd())
        if path is None:
            raise UsageError("no .postlint.yaml here or above; give --config FILE "
                             "(`markets` and `events` are set in a config)")
        config = config_module.load(path)
        if not config.data.get("markets") and not config.data.get("events"):
            click.echo(f"{path}: no `markets` or `events` configured; nothing to list "
                       "(see README, Events).", err=True)
            return
        moment = now or datetime.now(timezone.utc)
        ctx = Context(config, Options(now=moment, offline=offline, use_cache=not no_cache,
                                      rule_dirs=tuple(rule_dirs)))
        the_world = live.world(ctx)
    except UsageError as exc:
        _fail(exc)
        return
    wall = datetime.now(timezone.utc)
    if fmt == "json":
        click.echo(readout.render_json(the_world, moment, wall), nl=False)
    else:
        click.echo(readout.render_text(the_world, moment, config.tz, wall, str(path)), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=False))
@click.option("--post", "post_ids", multiple=True, metavar="ID",
              help="Approve only this post (repeatable; default: every post in PATHS).")
@click.option("--as", "who", metavar="NAME", help="Who approves (default: git config user.email).")
@click.option("--note", default="", metavar="TEXT", help="Why, or what was checked (kept with the approval).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config for every input (default: nearest .postlint.yaml per file).")
@click.option("--offline", is_flag=True, help="Make no network requests while checking the posts.")
@click.option("--now", callback=_parse_now, metavar="WHEN", help="ISO 8601 instant of the approval.")
@click.option("--platform", metavar="NAME", help="Platform for posts that do not name one (as for check).")
@rules_option
def approve(paths, post_ids, who, note, config_file, offline, now, platform, rule_dirs) -> None:
    """Record that you reviewed posts: one line per post in .postlint-approvals.jsonl."""
    from .engine import Options
    from .readers import read_posts
    from .readers.fields import normalise_platform
    from .review.approve import approve as record
    from .runner import Settings, check_groups

    if not paths:
        raise click.UsageError("give at least one PATH (a draft, a queue or a directory)")
    if platform and normalise_platform(platform) is None:
        raise click.BadParameter(f"unknown platform {platform!r}", param_hint="--platform")
    moment = now or datetime.now(timezone.utc)
    options = Options(now=moment, offline=offline,
                      platform=normalise_platform(platform) if platform else None,
                      rule_dirs=tuple(rule_dirs))
    rules = _load_rules(rule_dirs)
    settings = Settings(tuple(rule_dirs), (), (), options)
    try:
        done, problems = record(
            list(paths), post_ids=tuple(post_ids), who=who, note=note,
            config_file=Path(config_file) if config_file else None,
            check=lambda groups: check_groups(groups, settings, rules), now=moment,
            read=lambda names, error: read_posts(names, lambda message: None, error))
    except UsageError as exc:
        _fail(exc)
        return
    for item in done:
        saw = ", ".join(item.approval.findings) or "no findings"
        click.echo(f"Approved {item.shown} [{item.approval.post}] as {item.approval.by} "
                   f"(saw: {saw}) in {item.file}")
        if not item.review_on:
            click.echo("  note: review is off for this post's config (review.required is 0); "
                       "the approval is recorded anyway.", err=True)
    for problem in problems:
        click.echo(f"postlint: {problem}", err=True)
    if problems:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("path", default=".", type=click.Path(), metavar="[PATH]")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback requires the token printed at start.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config for every post (default: the nearest .postlint.yaml per file).")
@click.option("--offline", is_flag=True, help="Opened queues make no network requests (typed drafts never do).")
@click.option("--now", callback=_parse_now, metavar="WHEN", help='ISO 8601 instant used as "now".')
def serve(path, host, port, config_file, offline, now) -> None:
    """A local web page: write a draft and see its findings as you type, or open the
    folders and queues under PATH, review, approve and edit their posts."""
    from .files import kind

    if kind(path) not in ("file", "folder"):
        raise click.BadParameter(f"{path!r} is not a folder or a file", param_hint="PATH")
    if config_file and kind(config_file) != "file":
        _fail(UsageError("config file not found", config_file))
    # Starlette and uvicorn are imported here only: `check` does not pay for them.
    from .serve.server import prepare, run_forever

    try:
        serving = prepare(Path(path), host=host, port=port,
                          config_file=Path(config_file) if config_file else None,
                          offline=offline, now=now)
    except OSError as exc:
        _fail(UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"))
        return
    click.echo(f"postlint serve: {Path(path).resolve()} at {serving.url}")
    if serving.token:
        click.echo("  listening beyond loopback: the page needs the token in this address; "
                   "share it only with people who may read and change these posts.")
    click.echo("  press Ctrl-C to stop.", err=True)
    sys.stdout.flush()
    run_forever(serving)
