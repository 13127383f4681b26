"""Find, load, validate and merge `.postlint.yaml`.

An agency repository keeps one folder per brand, so each input file gets the nearest config
in its folder or above. `extends:` lets a brand refine a shared base: mappings merge key by
key, lists replace (so a brand can narrow `languages` without inheriting the base's list).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import files
from . import yamlfile as y
from .errors import UsageError, excerpt
from .model import SEVERITY_NAMES, Severity

CONFIG_NAME = ".postlint.yaml"
FREEZE_NAME = ".postlint-freeze.yaml"  # written by `postlint freeze PATH` into PATH
DEFAULT_LANGUAGES = ("en", "es", "pl", "nb")

BLACKOUT = {"start": y.WHEN, "end": y.WHEN, "reason": y.STR}
FREEZE = {"since": y.WHEN, "until": y.WHEN, "reason": y.STR}
# YAML 1.1 reads an unquoted `no` (Norwegian) as false: accepted here, read back as "no"
LANGUAGE = y.Spec("a language code", lambda n: y.STR.accepts(n) or (
    y.BOOL.accepts(n) and str(n.value).lower() == "no"))
SCHEMA: dict[str, Any] = {
    "extends": y.STR,
    "brand": {"name": y.STR, "accounts": y.list_of(y.STR), "personal_accounts": y.list_of(y.STR)},
    "languages": y.list_of(LANGUAGE),
    "vocabulary": {
        "accept": y.list_of(y.STR),
        "reject": y.one_of(y.list_of(y.STR), y.map_of(y.STR)),
        # per-language word-list files (one word a line), relative to this config file
        "files": y.map_of(y.one_of(y.STR, y.list_of(y.STR))),
    },
    "hashtags": {"approved": y.list_of(y.STR)},
    # agencies: the other brands this config's posts must not mix up (voice.wrong-brand)
    "brands": y.list_of({"name": y.STR, "aliases": y.list_of(y.STR), "accounts": y.list_of(y.STR),
                         "hashtags": y.list_of(y.STR)}),
    # voice rules: accounts never to @mention; signed first-person posts (voice.personal-on-brand)
    "voice": {"never_tag": y.list_of(y.STR), "signed_posts": y.BOOL, "signatures": y.list_of(y.STR)},
    "links": {"timeout": y.NUMBER, "allow_private_hosts": y.BOOL, "cache": y.BOOL,
              "cache_ttl_hours": y.NUMBER, "required_params": y.list_of(y.STR),
              "forbidden_params": y.list_of(y.STR), "own_domains": y.list_of(y.STR)},
    "timezone": y.STR,
    "blackout_calendar": y.one_of(y.STR, y.list_of(y.STR)),
    "blackout": y.list_of(BLACKOUT),
    "freeze": FREEZE,  # a freeze kept in the config by hand (`postlint freeze` writes FREEZE_NAME)
    "schedule": {"max_per_hour": y.INT, "min_gap_minutes": y.INT},  # queue rules (issue 8)
    # sensitive dates and live events (issue 17): checked by postlint.events.settings, which
    # gives "did you mean" for market codes and levels, and is imported only when they are set
    "markets": y.list_of(y.ANY),
    "events": y.ANY,
    "rules": {"disable": y.list_of(y.STR), "severity": y.map_of(y.choice(*SEVERITY_NAMES))},
    # approvals before publishing (postlint/review): how many, for which posts, by whom
    "review": {"required": y.INT, "when": y.STR, "approvers": y.list_of(y.STR)},
    "exclude": y.list_of(y.STR),  # globs of files and folders that are not posts (readers.matches_globs)
}
REVIEW_WHEN = ("all", *SEVERITY_NAMES)


@dataclass(frozen=True)
class Blackout:
    start: datetime  # aware
    end: datetime  # aware
    reason: str
    kind: str = "blackout"  # "freeze" for the window `postlint freeze` wrote


@dataclass(frozen=True)
class Config:
    path: str | None = None  # None: built-in defaults
    data: dict[str, Any] = field(default_factory=dict)  # merged, for rule types' own keys
    brand_name: str | None = None
    accounts: tuple[str, ...] = ()
    personal_accounts: tuple[str, ...] = ()
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    accept: tuple[str, ...] = ()
    reject: tuple[tuple[str, str | None], ...] = ()
    approved_hashtags: tuple[str, ...] = ()
    links_timeout: float = 5.0
    allow_private_hosts: bool = False
    links_cache: bool = True
    timezone: str = "UTC"
    blackout_calendar: tuple[str, ...] = ()
    blackout: tuple[Blackout, ...] = ()
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    # (rule id, file, line) of every rule named in `rules:`, checked once rules are loaded
    rule_refs: tuple[tuple[str, str, int | None], ...] = ()
    # (code, file, line) of every entry of `languages`, checked against the language data
    language_refs: tuple[tuple[str, str, int | None], ...] = ()
    # freeze files (FREEZE_NAME) folded into `blackout` for the posts of one folder
    freezes: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # globs, relative to this config's folder

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def find_config(start: Path) -> Path | None:
    """Nearest .postlint.yaml in `start` (a folder) or any folder above it."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Maps merge key by key, everything else (lists too) replaces: `extends` and data files."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _load_raw(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], list, list]:
    """Merged data of `path` and its `extends` chain, plus (id, file, line) references to
    rules and to languages (the languages of the file that sets the list: lists replace)."""
    path = path.resolve()
    if path in seen:
        raise UsageError("`extends` forms a cycle", str(path))
    data, node = y.load(path)
    if data is None:
        data = {}
    y.validate(node, SCHEMA, str(path))
    _check_values(data, node, str(path))
    if data.get("blackout_calendar"):  # relative to this config, whoever extends it
        named = [str(cal) for cal in _as_list(data["blackout_calendar"])]
        data["blackout_calendar"] = [_beside(path, name, node, "blackout_calendar") for name in named]
    _resolve_word_lists(data, node, path)
    if "markets" in data or "events" in data:
        from .events import settings as event_settings

        event_settings.check(data, node, path)
    if data.get("blackout_calendar"):  # a missing or broken .ics fails the run now, naming it
        from . import calendars

        for name, cal in zip(named, data["blackout_calendar"]):
            problem = _not_a_file(Path(cal), name)  # the config's line: the calendar is not there
            if problem:
                raise UsageError(f"blackout_calendar: {problem}", str(path),
                                 y.find_line(node, "blackout_calendar"))
            calendars.check(cal)  # the calendar's own problems name the calendar
    refs = []
    rules = data.get("rules") or {}
    for i, rule_id in enumerate(rules.get("disable") or []):
        refs.append((rule_id, str(path), y.find_line(node, "rules", "disable", i)))
    for rule_id in rules.get("severity") or {}:
        refs.append((rule_id, str(path), y.find_line(node, "rules", "severity", rule_id)))
    if data.get("languages"):
        data["languages"] = [str(item.value) for item in _items(node, "languages")]
    languages = [(str(code), str(path), y.find_line(node, "languages", i))
                 for i, code in enumerate(data.get("languages") or [])]
    if "extends" in data:
        base_path = path.parent / data["extends"]
        problem = _not_a_file(base_path, data["extends"])
        if problem:
            raise UsageError(f"extends: {problem}", str(path), y.find_line(node, "extends"))
        base, base_refs, base_languages = _load_raw(base_path, (*seen, path))
        languages = languages if "languages" in data else base_languages
        data = merge(base, {k: v for k, v in data.items() if k != "extends"})
        refs = base_refs + refs
    return data, refs, languages


def _resolve_word_lists(data: dict[str, Any], node: Any, path: Path) -> None:
    """`vocabulary.files` paths are relative to the config that names them; a missing file
    fails the run now, naming the config line, not later in the middle of a queue."""
    files = (data.get("vocabulary") or {}).get("files") or {}
    for lang, names in files.items():
        resolved = []
        for name in _as_list(names):
            target = path.parent / name
            problem = _not_a_file(target, name)
            if problem:
                raise UsageError(f"vocabulary.files.{y.shown(str(lang))}: word list {problem}",
                                 str(path), y.find_line(node, "vocabulary", "files", lang))
            resolved.append(str(target.resolve()))
        files[lang] = resolved


def _beside(config: Path, name: str, node: Any, key: str) -> str:
    """The absolute path of a file a config names relative to itself."""
    try:
        return str((config.parent / name).resolve())
    except (OSError, ValueError):  # a NUL byte, a name too long
        raise UsageError(f"{key}: not a valid file name: {excerpt(name)}", str(config),
                         y.find_line(node, key)) from None


def _not_a_file(target: Path, name: str) -> str | None:
    """Why the file a config names cannot be read ("no such file 'x'"), or None if it can.

    Only regular files: a FIFO would block the run and /dev/zero would never end.
    """
    found = files.kind(target)
    if found == "file":
        return None
    if found == "missing":
        return f"no such file {excerpt(name)}"
    if found == "invalid":  # a name too long for the file system, a NUL byte
        return f"{excerpt(name)} is not a valid file name"
    return f"{excerpt(name)} is not a regular file"


def _items(node: Any, key: str) -> list:
    """The item nodes of the list at `key` of a mapping node."""
    return next((v.value for k, v in node.value if k.value == key), [])


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _check_values(data: dict[str, Any], node: Any, path: str) -> None:
    """Checks the schema cannot express: a real time zone, blackouts that end after they start."""
    tz: Any = timezone.utc
    if "timezone" in data:
        try:
            tz = ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise UsageError(f"timezone: unknown IANA time zone {excerpt(data['timezone'])}", path,
                             y.find_line(node, "timezone")) from None
    _check_review(data.get("review") or {}, node, path)
    _check_freeze(data, node, path, tz)
    for i, entry in enumerate(data.get("blackout") or []):
        line = y.find_line(node, "blackout", i)
        moments = []
        for key in ("start", "end"):
            if key not in entry:
                raise UsageError(f"blackout[{i}] needs a {key!r}", path, line)
            try:
                moments.append(_to_datetime(entry[key], tz))
            except ValueError as exc:
                raise UsageError(f"blackout[{i}].{key}: {exc}", path, line) from None
        if moments[1] <= moments[0]:  # a typo in a year or a month: it would black out nothing
            raise UsageError(f"blackout[{i}]: end {moments[1].isoformat()} is not after start "
                             f"{moments[0].isoformat()}", path, line)


def _check_freeze(data: dict[str, Any], node: Any, path: str, tz: Any) -> None:
    """A `freeze:` entry (config or freeze file): `since` is required, `until` after it."""
    freeze = data.get("freeze")
    if freeze is None:
        return
    line = y.find_line(node, "freeze")
    moments = {}
    for key in ("since", "until"):
        if key in freeze or key == "since":
            try:
                moments[key] = _to_datetime(freeze[key], tz)
            except (KeyError, ValueError) as exc:
                raise UsageError(f"freeze.{key}: {exc if key in freeze else 'required'}", path,
                                 line) from None
    if "until" in moments and moments["until"] <= moments["since"]:
        raise UsageError(f"freeze: until {moments['until'].isoformat()} is not after since "
                         f"{moments['since'].isoformat()}", path, line)


def _check_review(review: dict[str, Any], node: Any, path: str) -> None:
    """`review.when` is `all` or a severity (a typo gets "did you mean"); `required` >= 0."""
    import difflib

    when = review.get("when")
    if when is not None and str(when).strip().lower() not in REVIEW_WHEN:
        close = difflib.get_close_matches(str(when).lower(), REVIEW_WHEN, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(f"review.when: {when!r} is not `all` or a severity "
                         f"({', '.join(SEVERITY_NAMES)}){hint}", path, y.find_line(node, "review", "when"))
    if int(review.get("required") or 0) < 0:
        raise UsageError("review.required must be 0 (off) or more", path,
                         y.find_line(node, "review", "required"))


def _to_datetime(value: Any, tz: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"not an ISO 8601 date-time: {excerpt(value)}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _freeze_window(freeze: Mapping[str, Any], tz: Any) -> Blackout:
    """The blackout of a freeze: open-ended unless `until` (it lasts until `postlint unfreeze`)."""
    until = (_to_datetime(freeze["until"], tz) if freeze.get("until")
             else datetime.max.replace(tzinfo=timezone.utc))
    return Blackout(_to_datetime(freeze["since"], tz), until, str(freeze.get("reason") or "freeze"),
                    "freeze")


def build(data: dict[str, Any], path: str | None = None, refs: list | None = None,
          languages: list | None = None) -> Config:
    tzname = data.get("timezone", "UTC")
    tz = ZoneInfo(tzname)
    brand = data.get("brand") or {}
    vocab = data.get("vocabulary") or {}
    reject = vocab.get("reject") or []
    reject_pairs = (
        tuple((str(k), str(v) if v else None) for k, v in reject.items())
        if isinstance(reject, dict)
        else tuple((str(w), None) for w in reject)
    )
    links = data.get("links") or {}
    rules = data.get("rules") or {}
    blackout = []
    for entry in data.get("blackout") or []:
        start, end = _to_datetime(entry["start"], tz), _to_datetime(entry["end"], tz)
        blackout.append(Blackout(start, end, str(entry.get("reason") or "blackout")))
    if data.get("freeze"):
        blackout.append(_freeze_window(data["freeze"], tz))
    return Config(
        path=path,
        data=data,
        brand_name=brand.get("name"),
        accounts=tuple(brand.get("accounts") or ()),
        personal_accounts=tuple(brand.get("personal_accounts") or ()),
        languages=tuple(x.lower() for x in data.get("languages") or DEFAULT_LANGUAGES),
        accept=tuple(vocab.get("accept") or ()),
        reject=reject_pairs,
        approved_hashtags=tuple((data.get("hashtags") or {}).get("approved") or ()),
        links_timeout=float(links.get("timeout", 5)),
        allow_private_hosts=bool(links.get("allow_private_hosts", False)),
        links_cache=bool(links.get("cache", True)),
        timezone=tzname,
        blackout_calendar=tuple(_as_list(data.get("blackout_calendar"))),
        blackout=tuple(blackout),
        disable=tuple(rules.get("disable") or ()),
        severity=tuple((k, Severity.parse(v)) for k, v in (rules.get("severity") or {}).items()),
        rule_refs=tuple(refs or ()),
        language_refs=tuple(languages or ()),
        exclude=tuple(data.get("exclude") or ()),
    )


def load(path: Path) -> Config:
    found = files.kind(path)
    if found in ("missing", "invalid"):  # the first thing a mistyped --config meets
        raise UsageError(f"config file {excerpt(str(path))} not found{_nearby(path)}")
    data, refs, languages = _load_raw(path, ())
    return build(data, str(path), refs, languages)


def _nearby(path: Path) -> str:
    """` (did you mean 'x'?)` for a similarly named file in the same folder (.yml for .yaml)."""
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for _, e in zip(range(1000), entries) if e.is_file()]
    except (OSError, ValueError):
        return ""
    by_stem = {Path(name).stem: name for name in names}  # `.postlint` finds `.postlint.yml`
    close = y.closest(path.stem, by_stem, cutoff=0.75)
    return f" (did you mean {str(path.with_name(by_stem[close]))!r}?)" if close else ""


DEFAULT = build({})


def find_freezes(folder: Path) -> tuple[Path, ...]:
    """The freeze files in `folder` and every folder above it, nearest first.

    `postlint freeze PATH` writes one into PATH, and every post below PATH honours it,
    whatever config the post uses: an agency's brands each have their own config, and a
    freeze of the whole repository must still reach all of them.
    """
    folder = folder.resolve()
    return tuple(p for p in (c / FREEZE_NAME for c in (folder, *folder.parents))
                 if files.kind(p) != "missing")


def load_freeze(path: Path) -> dict[str, Any]:
    """The validated `freeze:` entry of a freeze file; a broken one fails the run (exit 2)."""
    data, node = y.load(path)
    y.validate(node, {"freeze": FREEZE}, str(path))
    if not isinstance(data, dict) or not data.get("freeze"):
        raise UsageError("a freeze file needs a `freeze:` entry with `since`", str(path), 1)
    _check_freeze(data, node, str(path), timezone.utc)
    return data["freeze"]


def with_freezes(config: Config, freezes: tuple[tuple[Path, Mapping[str, Any]], ...]) -> Config:
    """`config` with the freeze files' windows added to its blackouts."""
    windows = tuple(_freeze_window(entry, config.tz) for _, entry in freezes)
    return replace(config, blackout=config.blackout + windows,
                   freezes=tuple(str(path) for path, _ in freezes))


class ConfigResolver:
    """Config for each input file, loading every config and freeze file once per run.

    `check` is called once on every config file loaded (the runner checks its languages
    against the language data, which this module does not load).
    """

    def __init__(self, explicit: Path | None = None,
                 check: Callable[[Config], None] = lambda config: None):
        self._check = check
        self._explicit = load(explicit) if explicit else None
        if self._explicit is not None:
            check(self._explicit)
        self._by_folder: dict[Path, Config] = {}
        self._by_file: dict[Path, Config] = {}
        self._freeze_files: dict[Path, Mapping[str, Any]] = {}
        self._frozen: dict[tuple, Config] = {}

    def for_input(self, path: Path) -> Config:
        folder = Path.cwd() if str(path) == "-" else path.parent
        if folder not in self._by_folder:
            config = self._explicit if self._explicit is not None else self._nearest(folder)
            freezes = find_freezes(folder)
            if freezes:
                key = (config.path, freezes)  # one object per combination: queue rules group by it
                if key not in self._frozen:
                    self._frozen[key] = with_freezes(config, tuple(
                        (p, self._freeze(p)) for p in freezes))
                config = self._frozen[key]
            self._by_folder[folder] = config
        return self._by_folder[folder]

    def _nearest(self, folder: Path) -> Config:
        found = find_config(folder)
        if found is None:
            return DEFAULT
        found = found.resolve()
        if found not in self._by_file:
            self._by_file[found] = load(found)
            self._check(self._by_file[found])
        return self._by_file[found]

    def _freeze(self, path: Path) -> Mapping[str, Any]:
        if path not in self._freeze_files:
            self._freeze_files[path] = load_freeze(path)
        return self._freeze_files[path]

    def loaded(self) -> list[Config]:
        configs = list(self._by_file.values())
        return [self._explicit] if self._explicit else configs


def check_languages(config: Config, known: Callable[[], Mapping[str, Any]]) -> None:
    """Every entry of `languages` names a language of the language data (`known()`, called
    only when there is an entry to check): a typo would silently turn spelling off."""
    from .language import unknown_language

    for code, path, line in config.language_refs:
        problem = unknown_language(code, known())
        if problem:
            raise UsageError(f"languages: {problem}", path, line)
