"""Dates in the text that contradict when the post goes out (`schedule.stale-date`).

A queued post is written days before it is published; by then "until 12 March" may be over,
"this Saturday" may be last Saturday and a Christmas offer may land in July. This type reads
the dates a post names and compares them with its `scheduled_at` (read in the config's
`timezone`; a post without a time gets nothing, as for every schedule rule).

Everything language-specific (month and weekday names, date formats, "today"/"hoy"/"dziś"/
"i dag", seasons, thresholds) is data: `kind: dates` files in the rule folders (built-in
`rules/dates.yaml`, plus any under `--rules DIR`). This module only knows how to apply it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import regex

from ..config import merge
from .. import textspans
from .. import yamlfile as y
from ..errors import UsageError, excerpt
from ..model import SEVERITY_NAMES, Finding, Post, Severity
from .schedule import when

CHECKS = ("past", "weekday", "relative", "weekday_phrase", "period", "season")
OPTIONS = {
    "messages": {name: y.STR for name in CHECKS},  # one template per kind of contradiction
    "season_severity": y.choice(*SEVERITY_NAMES),  # seasonal terms are a human look, not an error
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"when", "date", "weekday", "expected", "days", "season"})

LANGUAGE = {
    "months": y.list_of(y.list_of(y.STR)),
    "weekdays": y.list_of(y.list_of(y.STR)),
    "formats": y.list_of(y.STR),
    "joiners": y.list_of(y.STR),
    "range_joiners": y.list_of(y.STR),
    "history_words": y.list_of(y.STR),
    "number_words": y.list_of(y.STR),  # "at 10.11", "room 12.03": a time or a number, no date
    "capitalized_only": y.list_of(y.STR),  # month names that are also words ("march", "may")
    "relative": y.list_of({"terms": y.list_of(y.STR), "days": y.INT}),
    "weekday_phrases": y.list_of({"pattern": y.STR, "ahead": y.list_of(y.INT)}),
    "periods": y.list_of({"terms": y.list_of(y.STR), "weekdays": y.list_of(y.INT)}),
    "seasonal": y.map_of(y.list_of(y.STR)),
}
DATA = {
    "kind": y.STR,
    "thresholds": {"past_horizon_days": y.INT, "season_margin_days": y.INT},
    "not_dates": y.list_of(y.STR),
    "units": y.list_of(y.STR),
    "seasons": y.map_of({"from": y.STR, "to": y.STR}),
    "languages": y.map_of(LANGUAGE),
}
PLACEHOLDERS = {
    "{day}": r"(?P<day>3[01]|[12]\d|0?[1-9])",
    "{mnum}": r"(?P<mnum>1[0-2]|0?[1-9])",
    "{year}": r"(?P<year>\d{4}|\d{2})",
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
GAP = r"[\s,:;(\u2013\u2014-]*"  # punctuation allowed between "today"/"Friday" and a date
# Formats and weekday phrases are regular expressions from data files, possibly a user's:
# they run on the `regex` engine with a time limit, so a catastrophic pattern cannot hang a run.
TIMEOUT = 0.25


@dataclass(frozen=True)
class Lang:
    """One language's date data, compiled once per process."""

    formats: tuple[tuple[Any, bool], ...]  # (regex pattern, numeric)
    months: dict[str, int]
    weekdays: dict[str, int]
    weekday_before: re.Pattern
    weekday_after: re.Pattern  # "14 March (Friday)"
    range_gap: re.Pattern
    history_before: re.Pattern | None
    number_before: re.Pattern | None
    capitalized_only: frozenset[str]
    relative: tuple[tuple[re.Pattern, int], ...]
    weekday_phrases: tuple[tuple[Any, int, int], ...]  # (regex pattern, min, max days ahead)
    periods: tuple[tuple[re.Pattern, frozenset[int]], ...]
    seasonal: tuple[tuple[re.Pattern, str], ...]
    # Every weekday name, period and seasonal term, case-folded, without word boundaries: one
    # search of the case-folded text that most posts fail, before the dozen patterns of weekday
    # phrases, periods and seasons. (IGNORECASE over a long alternation is 7x slower.)
    day_words: re.Pattern | None = None


@dataclass(frozen=True)
class Data:
    raw_languages: dict[str, dict[str, Any]]  # merged data, compiled on first use per language
    horizon: int
    margin: int
    not_dates: frozenset[str]
    units: tuple[str, ...]
    seasons: dict[str, tuple[tuple[int, int], tuple[int, int]]]
    compiled: dict[str, Lang] = field(default_factory=dict)

    def language(self, code: str) -> Lang | None:
        """A brand writing only English never pays for compiling Polish."""
        if code not in self.compiled and code in self.raw_languages:
            self.compiled[code] = _compile(code, self.raw_languages[code])
        return self.compiled.get(code)


@dataclass(frozen=True)
class Mention:
    """An explicit date in the text, resolved to a calendar day."""

    start: int
    end: int
    day: date
    numeric: bool


# --- loading the data ----------------------------------------------------------------------


def _fail(message: str, path: Path | str, line: int | None) -> UsageError:
    """A self-contained message: it survives being pickled back from a worker process."""
    return UsageError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _check_file(path: Path) -> dict[str, Any]:
    data, node = y.load(path)
    try:
        y.validate(node, DATA, str(path))
    except UsageError as exc:
        raise _fail(exc.message, path, exc.line) from None
    for code, lang in (data.get("languages") or {}).items():
        for key, size in (("months", 12), ("weekdays", 7)):
            if key in lang and len(lang[key]) != size:
                raise _fail(f"languages.{code}.{key} needs {size} entries, found {len(lang[key])}",
                            path, y.find_line(node, "languages", code, key))
        for i, pattern in enumerate(lang.get("formats") or []):
            _try_compile(_fill(pattern, "(?P<month>x)", "(?P<weekday>x)"), path,
                         y.find_line(node, "languages", code, "formats", i))
        for i, phrase in enumerate(lang.get("weekday_phrases") or []):
            line = y.find_line(node, "languages", code, "weekday_phrases", i)
            if "{weekday}" not in phrase["pattern"] or len(phrase.get("ahead") or []) != 2:
                raise _fail("a weekday phrase needs {weekday} in its pattern and ahead: [min, max]",
                            path, line)
            _try_compile(_fill(phrase["pattern"], "x", "(?P<weekday>x)"), path, line)
    for name, season in (data.get("seasons") or {}).items():
        for key in ("from", "to"):
            if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", str(season.get(key, ""))):
                raise _fail(f"seasons.{name}.{key} must be a month-day like \"12-24\"", path,
                            y.find_line(node, "seasons", name))
    return data


def _try_compile(pattern: str, path: Path, line: int | None) -> None:
    """Fail on a pattern the `regex` engine refuses (stdlib `re` first: it is much faster to
    compile, and what it accepts `regex` accepts too)."""
    try:
        re.compile(pattern)
        return
    except re.error:
        pass
    try:
        regex.compile(pattern, regex.IGNORECASE)
    except regex.error as exc:
        raise _fail(f"bad pattern {excerpt(pattern)}: {exc}", path, line) from None


def _fill(pattern: str, month: str, weekday: str) -> str:
    for key, value in PLACEHOLDERS.items():
        pattern = pattern.replace(key, value)
    return pattern.replace("{month}", month).replace("{weekday}", weekday)


def _alternation(words: list[str]) -> str:
    """Longest first, so "tomorrow night" wins over "tomorrow"; spaces match any whitespace."""
    ordered = sorted(set(w.lower() for w in words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _terms(words: list[str]) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)


def _before(words: list[str], joiners: list[str]) -> re.Pattern | None:
    """Matches text that ends with one of `words`, maybe plus a joiner ("desde el", "since the")."""
    if not words:
        return None
    joined = rf"(?:(?:{_alternation(joiners)})\s+)?" if joiners else ""
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})\s*{joined}$", re.IGNORECASE)


def _compile(code: str, lang: dict[str, Any]) -> Lang:
    months = {name.lower(): i + 1 for i, names in enumerate(lang.get("months") or []) for name in names}
    weekdays = {name.lower(): i + 1 for i, names in enumerate(lang.get("weekdays") or []) for name in names}
    month_alt = f"(?P<month>{_alternation(list(months))})" if months else "(?!)"
    weekday_alt = f"(?P<weekday>{_alternation(list(weekdays))})" if weekdays else "(?!)"
    formats = []
    for pattern in lang.get("formats") or []:
        numeric = "{month}" not in pattern
        left, right = (r"(?<![\w.,/:])", r"(?![\w]|[.,/:]\d)") if numeric else (r"(?<!\w)", r"(?!\w)")
        body = _fill(pattern, month_alt, weekday_alt)
        formats.append((regex.compile(f"{left}(?:{body}){right}", regex.IGNORECASE), numeric))
    joiners = _alternation(lang.get("joiners") or []) or "(?!)"
    join = rf"{GAP}(?:(?:{joiners}){GAP})*"
    relative = tuple(
        (re.compile(rf"(?<!\w)(?:{_alternation(r['terms'])}){join}$", re.IGNORECASE), r["days"])
        for r in lang.get("relative") or [] if r.get("terms")
    )
    phrases = tuple(
        (regex.compile(rf"(?<!\w)(?:{_fill(p['pattern'], month_alt, weekday_alt)})(?!\w)", regex.IGNORECASE),
         p["ahead"][0], p["ahead"][1])
        for p in lang.get("weekday_phrases") or []
    )
    ranges = _alternation(lang.get("range_joiners") or []) or "(?!)"
    screened = [*weekdays, *(t for p in lang.get("periods") or [] for t in p.get("terms") or []),
                *(w for words in (lang.get("seasonal") or {}).values() for w in words or [])]
    return Lang(
        formats=tuple(formats),
        months=months,
        weekdays=weekdays,
        weekday_before=re.compile(rf"(?<!\w){weekday_alt}{join}$", re.IGNORECASE),
        weekday_after=re.compile(rf"[\s,(\u2013\u2014-]*{weekday_alt}\)?(?!\w)", re.IGNORECASE),
        range_gap=re.compile(rf"^\s*(?:{ranges})\s*$", re.IGNORECASE),
        history_before=_before(lang.get("history_words") or [], lang.get("joiners") or []),
        number_before=_before(lang.get("number_words") or [], lang.get("joiners") or []),
        capitalized_only=frozenset(w.lower() for w in lang.get("capitalized_only") or []),
        relative=relative,
        weekday_phrases=phrases,
        periods=tuple((_terms(p["terms"]), frozenset(p["weekdays"]))
                      for p in lang.get("periods") or [] if p.get("terms")),
        seasonal=tuple((_terms(words), season)
                       for season, words in (lang.get("seasonal") or {}).items() if words),
        day_words=re.compile(_alternation([w.casefold() for w in screened])) if screened else None,
    )


def load(ctx) -> Data:
    """Merge every `kind: dates` file (built-in first, then --rules folders) and compile it."""
    merged: dict[str, Any] = {}
    for path, _ in ctx.data("dates"):
        merged = merge(merged, _check_file(Path(path)))
    thresholds = merged.get("thresholds") or {}

    def month_day(text: str) -> tuple[int, int]:
        month, day = text.split("-")
        return int(month), int(day)

    return Data(
        raw_languages=dict(merged.get("languages") or {}),
        horizon=int(thresholds.get("past_horizon_days", 60)),
        margin=int(thresholds.get("season_margin_days", 30)),
        not_dates=frozenset(s.lower() for s in merged.get("not_dates") or []),
        units=tuple(c.lower() for c in merged.get("units") or []),
        seasons={name: (month_day(s["from"]), month_day(s["to"]))
                 for name, s in (merged.get("seasons") or {}).items()},
    )


# --- finding dates in a text ---------------------------------------------------------------


def _masked(text: str) -> str:
    """URLs and @mentions blanked out (same length, so offsets hold): /2025/03/12/ is no date."""
    spans = [*textspans.urls(text), *textspans.mentions(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _resolve(day: int, month: int, year: int | None, anchor: date) -> date | None:
    """The calendar day meant; without a year, the one nearest to the publication day."""
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            return date(year, month, day)
        except ValueError:
            return None
    options = []
    for candidate in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(date(candidate, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - anchor).days), default=None)


def _not_a_date(text: str, start: int, end: int, groups: dict[str, Any], data: Data, lang: Lang) -> bool:
    """Prices, times, versions, fractions and fixed expressions that look like numeric dates."""
    if text[start:end].lower() in data.not_dates:
        return True
    before = text[max(0, start - 12):start].rstrip().lower()
    after = text[end:end + 6].lstrip().lower()
    if any(before.endswith(c) for c in data.units) or any(
        after.startswith(c) and not after[len(c):len(c) + 1].isalpha() for c in data.units
    ):
        return True
    if lang.number_before is not None and lang.number_before.search(text[max(0, start - 20):start]):
        return True
    if groups.get("year"):
        return False
    if len(groups["day"]) == 1 and len(groups["mnum"]) == 1:
        return True  # 1/2, 3.4: fractions, ratings
    # with a dot, dates pad the month (12.03); "iOS 17.4" or "rated 4.5" are not dates
    return "." in text[start:end] and len(groups["mnum"]) != 2


DIGIT = re.compile(r"\d")  # the digits int() accepts


def mentions(text: str, lang: Lang, data: Data, anchor: date) -> list[Mention]:
    """Explicit dates in `text`, longest match first where formats overlap."""
    if DIGIT.search(text) is None:
        return []  # every date has a day number (`int(day)` below): most posts have none
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    candidates = []
    for pattern, numeric in lang.formats:
        candidates.extend((m, numeric) for m in _scan(pattern, text))
    candidates.sort(key=lambda c: (c[0].start(), -(c[0].end() - c[0].start())))
    for m, numeric in candidates:
        start, end = m.span()
        if any(s < end and start < e for s, e in taken):
            continue
        groups = m.groupdict()
        month = int(groups["mnum"]) if groups.get("mnum") else lang.months.get(
            re.sub(r"\s+", " ", (groups.get("month") or "").lower()))
        if not month or not groups.get("day"):
            continue
        name = groups.get("month") or ""
        if name.lower() in lang.capitalized_only and not name[:1].isupper():
            continue  # "we march 5 miles"
        if numeric and _not_a_date(text, start, end, groups, data, lang):
            continue
        day = _resolve(int(groups["day"]), month, int(groups["year"]) if groups.get("year") else None, anchor)
        if day is None:
            continue
        taken.append((start, end))
        found.append(Mention(start, end, day, numeric))
    return sorted(found, key=lambda x: x.start)


def _scan(pattern: Any, text: str) -> list[Any]:
    """Matches of a data-file pattern, or none if it runs past the time limit."""
    try:
        return list(pattern.finditer(text, timeout=TIMEOUT))
    except TimeoutError:
        return []


def _show(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def _distance(day: date, window: tuple[tuple[int, int], tuple[int, int]]) -> int:
    """Days from `day` to the nearest occurrence of a yearly month-day window (0 inside)."""
    (m1, d1), (m2, d2) = window
    best = 10**6
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            start = date(year, m1, d1)
            end = date(year + (1 if (m2, d2) < (m1, d1) else 0), m2, d2)
        except ValueError:  # 02-29 in a common year
            continue
        if start <= day <= end:
            return 0
        best = min(best, abs((start - day).days), abs((day - end).days))
    return best


# --- the checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contradiction:
    """One thing in the text that does not fit the publication day (kept apart from findings,
    so the logic can be tested and reused without a rule or a post)."""

    kind: str  # one of CHECKS: picks the message template
    span: tuple[int, int]
    fields: tuple[tuple[str, Any], ...] = ()


def _weekday_of(lang: Lang, m: Any) -> int | None:
    return lang.weekdays.get(re.sub(r"\s+", " ", m.group("weekday").lower()))


def _date_contradictions(text: str, lang: Lang, data: Data, sched: date) -> Iterator[Contradiction]:
    """Explicit dates: wrong weekday, wrong relative day ("today, 14 March"), or already past."""
    dates = mentions(text, lang, data, sched)
    for i, mention in enumerate(dates):
        head = text[max(0, mention.start - 60):mention.start]
        start, end = mention.start, mention.end
        weekday = lang.weekday_before.search(head)
        after = None if weekday else lang.weekday_after.match(text, mention.end, mention.end + 30)
        if weekday:
            start = mention.start - len(head) + weekday.start()
        elif after:
            end = after.end()
        named = _weekday_of(lang, weekday or after) if (weekday or after) else None
        if named and named != mention.day.isoweekday():
            yield Contradiction("weekday", (start, end), (("date", _show(mention.day)),
                                                          ("weekday", WEEKDAY_NAMES[named - 1])))
        relative_head = text[max(0, start - 60):start]
        relative = next(((m, days) for pattern, days in lang.relative
                         if (m := pattern.search(relative_head))), None)
        if relative is not None:  # anchored: "yesterday, 12 March" is meant, never "past"
            m, days = relative
            expected = sched + timedelta(days=days)
            if mention.day != expected:
                yield Contradiction("relative", (start - len(relative_head) + m.start(), mention.end),
                                    (("date", _show(mention.day)), ("expected", _show(expected))))
            continue
        if not (mention.day < sched and (sched - mention.day).days <= data.horizon):
            continue
        following = dates[i + 1] if i + 1 < len(dates) else None
        if following is not None and lang.range_gap.match(text[mention.end:following.start]):
            continue  # "10-14 March": the range ends on the later date
        if lang.history_before is not None and lang.history_before.search(head):
            continue  # "since 3 March": history, not an offer
        yield Contradiction("past", (mention.start, mention.end),
                            (("date", _show(mention.day)), ("days", (sched - mention.day).days)))


def _day_word_contradictions(text: str, lang: Lang, sched: date) -> Iterator[Contradiction]:
    """"Happy Friday", "this Saturday", "this weekend" that do not fit the publication weekday."""
    for pattern, low, high in lang.weekday_phrases:
        for m in _scan(pattern, text):
            named = _weekday_of(lang, m)
            if named is not None and not low <= (named - sched.isoweekday()) % 7 <= high:
                yield Contradiction("weekday_phrase", m.span(), (("weekday", WEEKDAY_NAMES[named - 1]),))
    for pattern, weekdays in lang.periods:
        if sched.isoweekday() not in weekdays:
            for m in pattern.finditer(text):
                yield Contradiction("period", m.span())


def _season_contradictions(text: str, lang: Lang, data: Data, sched: date) -> Iterator[Contradiction]:
    """The first mention of each season that is more than the margin away from it."""
    reported: set[str] = set()
    for pattern, season in lang.seasonal:
        window = data.seasons.get(season)
        if window is None or season in reported or (m := pattern.search(text)) is None:
            continue
        distance = _distance(sched, window)
        if distance > data.margin:
            reported.add(season)
            yield Contradiction("season", m.span(), (("season", season.replace("-", " ")),
                                                     ("days", distance)))


def contradictions(text: str, lang: Lang, data: Data, sched: date) -> Iterator[Contradiction]:
    """Everything in `text` that does not fit publication on the calendar day `sched`."""
    masked = _masked(text)
    yield from _date_contradictions(masked, lang, data, sched)
    if lang.day_words is not None and lang.day_words.search(masked.casefold()) is None:
        return  # no weekday, period or season word: nothing below can match
    yield from _day_word_contradictions(masked, lang, sched)
    yield from _season_contradictions(masked, lang, data, sched)


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    moment = when(post, ctx)
    if moment is None or not post.text.strip():
        return
    data: Data = ctx.resource("dates:data", lambda: load(ctx))
    from ..language import resolve

    lang = data.language(resolve(post, ctx))
    if lang is None:
        return
    sched = moment.astimezone(ctx.config.tz).date()  # days are days in the brand's time zone
    messages = rule.options.get("messages") or {}
    season_severity = min(rule.severity, Severity.parse(rule.options.get("season_severity", "warning")))
    for found in contradictions(post.text, lang, data, sched):
        yield rule.finding(post, found.span, message=messages.get(found.kind),
                           severity=season_severity if found.kind == "season" else None,
                           when=_show(sched), **dict(found.fields))
