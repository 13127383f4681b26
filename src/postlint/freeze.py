"""`postlint freeze` / `postlint unfreeze`: pause publishing from the command line.

During a crisis the social team needs one command, not a YAML edit under pressure.
`postlint freeze --reason X [PATH]` writes a freeze file, `.postlint-freeze.yaml`, into the
folder PATH (default: the current folder). Every post in that folder or below it honours the
file, whatever config the post uses (`config.ConfigResolver` adds its window to the post's
blackouts), so `schedule.blackout` flags every post scheduled from now on.

Why a file of its own and not an entry in a config: an agency repository keeps one config per
brand (brands/acme/.postlint.yaml, brands/nordic/.postlint.yaml) and posts can be checked with
`--config`; a freeze written into one config silently missed every post that reads another.
A folder is what people mean by "freeze everything in here", and every post has one.

`unfreeze [PATH]` deletes exactly that file. Versions before the freeze file wrote a marked
block into the nearest config; when PATH has no freeze file, `unfreeze` still removes such a
block (or a `freeze:` key written by hand) from the nearest config, as it always did, and
deletes the config if nothing else was in it. The rest of a config is kept byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from . import config as config_module
from . import files
from . import yamlfile as y
from .errors import UsageError, excerpt

HEADER = ("# Publishing is frozen: every post in this folder and below it is inside a blackout\n"
          "# (schedule.blackout), whatever config it uses. Written by `postlint freeze`;\n"
          "# `postlint unfreeze` in this folder deletes this file.\n")
# the marked block older versions appended to a config
BEGIN = "# >>> postlint freeze: written by `postlint freeze`, removed by `postlint unfreeze`"
END = "# <<< postlint freeze"
DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Freeze:
    path: Path  # the freeze file
    since: datetime
    until: datetime | None
    reason: str


@dataclass(frozen=True)
class Lifted:
    path: Path | None  # the freeze file deleted, or the config a freeze entry was removed from
    reason: str | None
    from_config: bool = False  # an older freeze kept in a config


def freeze_file(folder: Path) -> Path:
    return folder / config_module.FREEZE_NAME


def parse_until(value: str, now: datetime, tz: tzinfo) -> datetime:
    """An ISO 8601 date-time (no offset: the config's timezone) or a duration: 90m, 6h, 2d, 1w."""
    found = DURATION.match(value)
    if found:
        return now + timedelta(**{UNITS[found.group(2).lower()]: int(found.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--until: not an ISO 8601 date-time or a duration like 6h or 2d: "
                         f"{excerpt(value)}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _timezone(folder: Path) -> tzinfo:
    """The time zone of the config nearest to `folder`: what the team reads times in."""
    nearest = config_module.find_config(folder)
    return config_module.load(nearest).tz if nearest else timezone.utc


def freeze(folder: Path, reason: str, until: str | None, now: datetime) -> Freeze:
    """Write (or replace) the freeze file of `folder`."""
    if not reason.strip():
        raise UsageError("--reason must not be empty: say why publishing is paused")
    if files.kind(folder) != "folder":
        raise UsageError("no such folder", str(folder))
    tz = _timezone(folder)
    now = now.replace(microsecond=0)  # a time people read and compare, not a timestamp
    end = parse_until(until, now, tz).replace(microsecond=0) if until else None
    if end is not None and end <= now:
        raise UsageError(f"--until {until} is not after now ({now.isoformat()})")
    since, end = now.astimezone(tz), (end.astimezone(tz) if end else None)
    entries = [f"  since: {since.isoformat()}"]
    if end is not None:
        entries.append(f"  until: {end.isoformat()}")
    entries.append(f"  reason: {json.dumps(reason.strip(), ensure_ascii=False)}")  # JSON is YAML
    path = freeze_file(folder)
    _write(path, HEADER + "\n".join(["freeze:", *entries]) + "\n")
    config_module.load_freeze(path)  # what `check` reads must load; ours always does
    return Freeze(path, since, end, reason.strip())


def unfreeze(folder: Path) -> Lifted:
    """Delete the freeze file of `folder`; else remove an older freeze from the nearest config.

    Lifted(None, None) when there was nothing to lift (not an error).
    """
    if files.kind(folder) != "folder":
        raise UsageError("no such folder", str(folder))
    path = freeze_file(folder)
    if files.kind(path) != "missing":
        try:
            reason = str(config_module.load_freeze(path).get("reason") or "") or None
        except UsageError:
            reason = None  # a broken freeze file is still deleted: it is what stops the queue
        try:
            path.unlink()
        except OSError as exc:
            raise UsageError(f"cannot delete the freeze file: {exc.strerror or exc}",
                             str(path)) from None
        return Lifted(path, reason)
    config = config_module.find_config(folder)
    if config is None:
        return Lifted(None, None)
    original = _read(config)
    rest, reason = _without_freeze(original, config)
    if reason is None:
        return Lifted(None, None)
    if rest.strip():
        _write(config, rest)
        try:
            config_module.load(config)  # the rest is the user's own config; check, to be sure
        except UsageError:
            _write(config, original)
            raise
    else:  # the config held nothing but the freeze: an older `freeze` created it
        config.unlink()
    return Lifted(config, reason or None, from_config=True)


def _read(path: Path) -> str:
    return files.read_text(path, files.CONFIG_LIMIT, "config")


def _without_freeze(text: str, path: Path) -> tuple[str, str | None]:
    """The config without its freeze entry (the marked block an older `postlint freeze`
    wrote, or a `freeze:` key written by hand), and the entry's reason (None: no entry)."""
    data, node = y.load(path, text)
    if not isinstance(data, dict) or "freeze" not in data:
        return text, None
    reason = str((data.get("freeze") or {}).get("reason") or "")
    lines = text.splitlines(keepends=True)
    begin = next((i for i, line in enumerate(lines) if line.rstrip() == BEGIN), None)
    if begin is not None:
        end = next((i for i in range(begin, len(lines)) if lines[i].rstrip() == END),
                   len(lines) - 1)
        return "".join(lines[:begin] + lines[end + 1:]), reason
    for key, value in node.value:
        if getattr(key, "value", None) == "freeze":
            last = value.end_mark.line if value.end_mark.column == 0 else value.end_mark.line + 1
            return "".join(lines[:key.start_mark.line] + lines[last:]), reason
    return text, None


def _write(path: Path, text: str) -> None:
    """Write atomically: a `check` running at the same moment sees the old file or the new one.
    A replaced file keeps its permissions."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write: {exc.strerror or exc}", str(path)) from None
