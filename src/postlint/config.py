"""Find, load, validate and merge `.postlint.yaml`.

An agency repository keeps one folder per brand, so each input file gets the nearest config
in its folder or above. `extends:` lets a brand refine a shared base: mappings merge key by
key, lists replace (so a brand can narrow `languages` without inheriting the base's list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import yamlfile as y
from .errors import UsageError
from .model import SEVERITY_NAMES, Severity

CONFIG_NAME = ".postlint.yaml"
DEFAULT_LANGUAGES = ("en", "es", "pl", "nb")

BLACKOUT = {"start": y.WHEN, "end": y.WHEN, "reason": y.STR}
SCHEMA: dict[str, Any] = {
    "extends": y.STR,
    "brand": {"name": y.STR, "accounts": y.list_of(y.STR), "personal_accounts": y.list_of(y.STR)},
    "languages": y.list_of(y.STR),
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
    "freeze": {"since": y.WHEN, "until": y.WHEN, "reason": y.STR},  # written by `postlint freeze`
    "schedule": {"max_per_hour": y.INT, "min_gap_minutes": y.INT},  # queue rules (issue 8)
    "rules": {"disable": y.list_of(y.STR), "severity": y.map_of(y.choice(*SEVERITY_NAMES))},
    "exclude": y.list_of(y.STR),  # globs of files and folders that are not posts (readers.matches_globs)
}


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


def _load_raw(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], list]:
    """Merged data of `path` and its `extends` chain, plus (id, file, line) rule references."""
    path = path.resolve()
    if path in seen:
        raise UsageError("`extends` forms a cycle", str(path))
    data, node = y.load(path)
    if data is None:
        data = {}
    y.validate(node, SCHEMA, str(path))
    _check_values(data, node, str(path))
    for i, cal in enumerate(_as_list(data.get("blackout_calendar"))):
        _as_list(data["blackout_calendar"])[i] = str((path.parent / cal).resolve())
    if isinstance(data.get("blackout_calendar"), str):
        data["blackout_calendar"] = [str((path.parent / data["blackout_calendar"]).resolve())]
    _resolve_word_lists(data, node, path)
    if data.get("blackout_calendar"):  # a missing or broken .ics fails the run now, naming it
        from . import calendars

        for cal in data["blackout_calendar"]:
            calendars.check(cal)
    refs = []
    rules = data.get("rules") or {}
    for i, rule_id in enumerate(rules.get("disable") or []):
        refs.append((rule_id, str(path), y.find_line(node, "rules", "disable", i)))
    for rule_id in rules.get("severity") or {}:
        refs.append((rule_id, str(path), y.find_line(node, "rules", "severity", rule_id)))
    if "extends" in data:
        base_path = path.parent / data["extends"]
        if not base_path.is_file():
            raise UsageError(f"extends: no such file {data['extends']!r}", str(path),
                             y.find_line(node, "extends"))
        base, base_refs = _load_raw(base_path, (*seen, path))
        data = merge(base, {k: v for k, v in data.items() if k != "extends"})
        refs = base_refs + refs
    return data, refs


def _resolve_word_lists(data: dict[str, Any], node: Any, path: Path) -> None:
    """`vocabulary.files` paths are relative to the config that names them; a missing file
    fails the run now, naming the config line, not later in the middle of a queue."""
    files = (data.get("vocabulary") or {}).get("files") or {}
    for lang, names in files.items():
        resolved = []
        for name in _as_list(names):
            target = (path.parent / name).resolve()
            if not target.is_file():
                raise UsageError(f"vocabulary.files.{lang}: no such word-list file {name!r}",
                                 str(path), y.find_line(node, "vocabulary", "files", lang))
            resolved.append(str(target))
        files[lang] = resolved


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _check_values(data: dict[str, Any], node: Any, path: str) -> None:
    """Checks the schema cannot express: a real time zone, blackouts that end after they start."""
    if "timezone" in data:
        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"timezone: unknown IANA time zone {data['timezone']!r}", path,
                             y.find_line(node, "timezone")) from None
    freeze = data.get("freeze") or {}
    for key in ("since", "until"):
        if freeze and (key in freeze or key == "since"):
            try:
                _to_datetime(freeze[key], timezone.utc)
            except (KeyError, ValueError) as exc:
                raise UsageError(f"freeze.{key}: {exc if key in freeze else 'required'}", path,
                                 y.find_line(node, "freeze")) from None
    for i, entry in enumerate(data.get("blackout") or []):
        line = y.find_line(node, "blackout", i)
        for key in ("start", "end"):
            if key not in entry:
                raise UsageError(f"blackout[{i}] needs a {key!r}", path, line)
            try:
                _to_datetime(entry[key], timezone.utc)
            except ValueError as exc:
                raise UsageError(f"blackout[{i}].{key}: {exc}", path, line) from None


def _to_datetime(value: Any, tz: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"not an ISO 8601 date-time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def build(data: dict[str, Any], path: str | None = None, refs: list | None = None) -> Config:
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
    if data.get("freeze"):  # open-ended unless `until`: the freeze lasts until `postlint unfreeze`
        freeze = data["freeze"]
        until = (_to_datetime(freeze["until"], tz) if freeze.get("until")
                 else datetime.max.replace(tzinfo=timezone.utc))
        blackout.append(Blackout(_to_datetime(freeze["since"], tz), until,
                                 str(freeze.get("reason") or "freeze"), "freeze"))
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
        exclude=tuple(data.get("exclude") or ()),
    )


def load(path: Path) -> Config:
    data, refs = _load_raw(path, ())
    return build(data, str(path), refs)


DEFAULT = build({})


class ConfigResolver:
    """Config for each input file, loading every config file once per run."""

    def __init__(self, explicit: Path | None = None):
        self._explicit = load(explicit) if explicit else None
        self._by_folder: dict[Path, Config] = {}
        self._by_file: dict[Path, Config] = {}

    def for_input(self, path: Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        folder = Path.cwd() if str(path) == "-" else path.parent
        if folder not in self._by_folder:
            found = find_config(folder)
            if found is None:
                self._by_folder[folder] = DEFAULT
            else:
                found = found.resolve()
                if found not in self._by_file:
                    self._by_file[found] = load(found)
                self._by_folder[folder] = self._by_file[found]
        return self._by_folder[folder]

    def loaded(self) -> list[Config]:
        configs = list(self._by_file.values())
        return [self._explicit] if self._explicit else configs
