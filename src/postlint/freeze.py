"""`postlint freeze` / `postlint unfreeze`: pause a whole queue from the command line.

During a crisis the social team needs one command, not a YAML edit under pressure. `freeze`
writes a `freeze:` entry (since now, until --until or until `unfreeze`) into the nearest
`.postlint.yaml`, which the config turns into a blackout window, so `schedule.blackout`
flags every queued post from now on.

The entry is a marked block appended to the file. The rest of the file is kept byte for byte
(comments, order, quoting): PyYAML cannot round-trip comments, so we never re-dump the file.
A `freeze:` key the user wrote by hand is replaced in place of its own lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import config as config_module
from . import yamlfile as y
from .errors import UsageError

BEGIN = "# >>> postlint freeze: written by `postlint freeze`, removed by `postlint unfreeze`"
END = "# <<< postlint freeze"
DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Freeze:
    path: Path
    since: datetime
    until: datetime | None
    reason: str
    created: bool  # the config file did not exist before


def target(config_file: Path | None, cwd: Path) -> Path:
    """--config, else the nearest .postlint.yaml (the one `check` would use), else a new one here."""
    if config_file is not None:
        return config_file
    return config_module.find_config(cwd) or cwd / config_module.CONFIG_NAME


def parse_until(value: str, now: datetime, tz) -> datetime:
    """An ISO 8601 date-time (no offset: the config's timezone) or a duration: 90m, 6h, 2d, 1w."""
    found = DURATION.match(value)
    if found:
        return now + timedelta(**{UNITS[found.group(2).lower()]: int(found.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--until: not an ISO 8601 date-time or a duration like 6h or 2d: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _read(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read config: {exc}", str(path)) from None


def _without_freeze(text: str, path: Path) -> tuple[str, bool]:
    """The file without its freeze entry (marked block, or a hand-written `freeze:` key)."""
    lines = text.splitlines(keepends=True)
    begin = next((i for i, line in enumerate(lines) if line.rstrip() == BEGIN), None)
    if begin is not None:
        end = next((i for i in range(begin, len(lines)) if lines[i].rstrip() == END), len(lines) - 1)
        return "".join(lines[:begin] + lines[end + 1:]), True
    _, node = y.load(path, text)
    if node is None or not hasattr(node, "value") or not isinstance(node.value, list):
        return text, False
    for key, value in node.value:
        if getattr(key, "value", None) == "freeze":
            last = value.end_mark.line if value.end_mark.column == 0 else value.end_mark.line + 1
            return "".join(lines[:key.start_mark.line] + lines[last:]), True
    return text, False


def _block(since: datetime, until: datetime | None, reason: str) -> str:
    entries = [f"  since: {since.isoformat()}"]
    if until is not None:
        entries.append(f"  until: {until.isoformat()}")
    entries.append(f"  reason: {json.dumps(reason, ensure_ascii=False)}")  # JSON strings are YAML
    return "\n".join([BEGIN, "freeze:", *entries, END]) + "\n"


def _write(path: Path, text: str, original: str | None) -> None:
    """Write, then load the result as a config: if it does not validate, put the old file back."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write config: {exc.strerror or exc}", str(path)) from None
    try:
        config_module.load(path)
    except UsageError:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, encoding="utf-8")
        raise


def freeze(path: Path, reason: str, until: str | None, now: datetime) -> Freeze:
    """Add (or replace) the freeze entry of the config at `path`."""
    if not reason.strip():
        raise UsageError("--reason must not be empty: say why publishing is paused")
    existed = path.exists()
    original = _read(path)
    tz = config_module.load(path).tz if existed else timezone.utc
    end = parse_until(until, now, tz) if until else None
    if end is not None and end <= now:
        raise UsageError(f"--until {until} is not after now ({now.isoformat()})")
    rest, _ = _without_freeze(original, path)
    if rest and not rest.endswith("\n"):
        rest += "\n"
    since, until_local = now.astimezone(tz), (end.astimezone(tz) if end else None)
    _write(path, rest + _block(since, until_local, reason.strip()), original if existed else None)
    return Freeze(path, since, until_local, reason.strip(), not existed)


def unfreeze(path: Path) -> bool:
    """Remove the freeze entry; False when there was none (nothing to do is not an error)."""
    if not path.exists():
        return False
    original = _read(path)
    rest, removed = _without_freeze(original, path)
    if removed:
        _write(path, rest, original)
    return removed
