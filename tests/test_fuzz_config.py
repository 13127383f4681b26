"""Fuzz: random YAML in a config or a rule file never crashes a run (issue 16, items 10 and 16).

Every example runs the real CLI on a real draft. Whatever the file holds, the run ends with
exit 0 or 1 (the file was fine), or exit 2 with exactly one line on stderr naming the file:
never a traceback (the `cli` fixture re-raises any exception that escapes the command).

The examples are derandomized so that CI sees the same ones every run; set
POSTLINT_FUZZ=explore to search with fresh random examples (and many more of them).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from postlint import hashtags, promotion
from postlint.config import SCHEMA
from postlint.language.lexicons import LANGUAGES_FILE
from postlint.links.data import SCHEMA as LINKS_DATA
from postlint.rules import COMMON, rule_type, rule_type_names
from postlint.ruletypes.dates import DATA as DATES_DATA
from postlint.ruletypes.spelling import WORDS_FILE

EXPLORE = os.environ.get("POSTLINT_FUZZ") == "explore"
FUZZ = settings(max_examples=1500 if EXPLORE else 30, derandomize=not EXPLORE, deadline=None,
                database=None,  # nothing written into the working copy
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# The sensitive and profanity rules read no config and build spaCy lemma tables into the
# (per-test, empty) cache folder on first use: 20-40 s that would test nothing here.
RUN = ("check", "--offline", "--no-cache", "--quiet", "--format", "json",
       "--now", "2025-03-01T00:00:00Z", "--ignore", "sensitive", "--ignore", "profanity")

# Scalars that parse as YAML but break later, or that are hostile as values.
HOSTILE = [
    "2025-13-01", "2025-02-30", "2025-03-12T12:00:00+99:00", "!!float x", "!!int 0xZZ",
    "1" + "0" * 5000, "!!timestamp soon", "!!binary '###'", "!!python/object:os.system x",
    "!!set {a: null}", "!!omap [{a: 1}]", "!!bool maybe", "!!null x", "!!str", "*undefined",
    "~", ".inf", "-.nan", "1.0e+400", "-1", "0", "1e9", "0o777", "0x1F", "1:30:00", "yes", "no",
    "'{mtch}'", "'bad {'", "'}'", "'{match.__class__}'", "'{0}'", "'{match!x}'", "'{count:q}'",
    '"\\0"', '"\\u2028"', "'" + "A" * 3000 + "'", "/dev/zero", "/dev/urandom", "/proc/self/environ",
    "'../../../../../../etc/passwd'", "'*'", "'#Tag'", "'@acme'", "''", "' '", "Europe/Oslo",
    "Mars/Olympus", "en", "xx", "english", "critical", "sideways", "2025-03-12T12:00:00Z",
    "2025-03-12", "[[[[[[[[[[[[]]]]]]]]]]]]", "{[1]: 2}", "&a [*a]", "'(x+x+)+y'", "'(unclosed'",
]


def _keys(schema: object) -> set[str]:
    """Every key of a schema, at any depth (a fuzzed mapping picks real keys most of the time)."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            found |= {key} | _keys(value)
    elif getattr(schema, "item", None) is not None:
        for item in schema.item if isinstance(schema.item, tuple) else (schema.item,):
            found |= _keys(item)
    return found


CONFIG_KEYS = sorted(_keys(SCHEMA))
RULE_KEYS = sorted(set(COMMON) | {k for name in rule_type_names()
                                  for k in _keys(rule_type(name).OPTIONS)})
DATA_KINDS = {"hashtags": hashtags.SCHEMA, "promotion": promotion.SCHEMA, "languages": LANGUAGES_FILE,
              "dates": DATES_DATA, "links": LINKS_DATA, "spelling-words": WORDS_FILE}
DATA_KEYS = sorted(set().union(*map(_keys, DATA_KINDS.values())) - {"kind"})

text = st.text(max_size=40).map(json.dumps)  # any string, as a YAML (JSON) double-quoted scalar
scalars = st.one_of(st.sampled_from(HOSTILE), text, st.integers().map(str),
                    st.floats(allow_nan=False).map(repr), st.booleans().map(str))


def flow(keys: list[str]) -> st.SearchStrategy[str]:
    """A YAML flow value: scalars, and lists and mappings of them (keys: real ones or junk)."""
    key = st.one_of(st.sampled_from(keys), text, st.sampled_from(["sumary", "tpye", "languges"]))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(key, inner, max_size=4).map(
            lambda items: "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}")),
        max_leaves=12)


def block(keys: list[str], required: dict[str, st.SearchStrategy[str]] | None = None,
          indent: str = "") -> st.SearchStrategy[str]:
    """A block mapping, one `key: flow value` a line, plus `required` keys."""
    fields = st.dictionaries(st.sampled_from(keys), flow(keys), max_size=6)
    fixed = st.fixed_dictionaries(required or {})
    return st.tuples(fixed, fields).map(lambda parts: "".join(
        f"{indent}{k}: {v}\n" for k, v in {**parts[0], **parts[1]}.items()))


# Plausible values for schema-shaped configs: most random configs fail validation at the
# first key, and the code after validation (merging, building, the rules that read a config)
# deserves random input too.
PLAUSIBLE = ["Acme", "'@acme'", "'#AcmeCoffee'", "en", "es", "nb", "no", "en-GB", "xx", "Europe/Oslo",
             "UTC", "America/New_York", "2025-03-14T00:00:00Z", "2025-03-16", "crisis.ics",
             "words.txt", "../base.yaml", "platform", "schedule.past", "spelling", "utm_source",
             "acme.com", "'^MA'", "cheap", "error"]
# three plausible leaves to one hostile one: a config with many keys must sometimes be valid
plausible = st.one_of(*[st.sampled_from(PLAUSIBLE)] * 3, scalars)


def fitting(spec: object) -> st.SearchStrategy[str]:
    """YAML flow text that fits `spec` (a yamlfile schema) in shape, with plausible leaves."""
    if isinstance(spec, dict):
        return st.fixed_dictionaries({}, optional={k: fitting(v) for k, v in spec.items()}).map(
            lambda items: "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}")
    item = getattr(spec, "item", None)
    describe = getattr(spec, "describe", "")
    if isinstance(item, tuple):  # one_of
        return st.one_of(*map(fitting, item))
    if describe.startswith("a list"):
        return st.lists(fitting(item), max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
    if describe.startswith("a mapping of"):
        return st.dictionaries(plausible, fitting(item), max_size=3).map(
            lambda items: "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}")
    if describe.startswith("one of "):
        return st.one_of(st.sampled_from(describe[len("one of "):].split(", ")), plausible)
    if "number" in describe:
        return st.one_of(st.integers(-3, 100).map(str), st.floats(-1, 100).map(repr), plausible)
    return plausible


configs = st.one_of(
    fitting(SCHEMA),  # one flow mapping: `{languages: [en, xx], links: {timeout: 5}}`
    block(CONFIG_KEYS),
    st.text(max_size=200),  # anything at all, YAML or not
    st.binary(max_size=200),  # not even text
)

templates = st.lists(st.sampled_from(
    ["{match}", "{count}", "{reason}", "{url}", "{", "}", "{{", "}}", "{0}", "{}", "{match.x}",
     "{match!r}", "{match!z}", "{count:>5}", "{count:>{width}}", " word ", "ü"]), max_size=6).map(
    lambda parts: json.dumps("".join(parts)))
rule_entry = block(RULE_KEYS, {
    "id": st.one_of(st.just("brand.fuzz"), scalars),
    "type": st.one_of(st.sampled_from(rule_type_names()), scalars),
    "category": st.one_of(st.sampled_from(["spelling", "schedule", "platform"]), scalars),
    "severity": st.one_of(st.sampled_from(["info", "warning", "error", "critical"]), scalars),
    "summary": st.one_of(st.just("s"), scalars),
    "message": st.one_of(templates, scalars),
}, indent="    ").map(lambda body: "rules:\n  -" + body[3:])  # the first key opens the list item
data_file = st.tuples(st.sampled_from([*DATA_KINDS, "nonsense"]), block(DATA_KEYS)).map(
    lambda parts: f"kind: {parts[0]}\n{parts[1]}")
rule_files = st.one_of(rule_entry, data_file, st.text(max_size=200))

POST = ("---\nplatform: x\nscheduled_at: 2025-03-14T09:00:00\n---\n"
        "Cheap coffee at Acme today, see acme.com #CoffeeTime @acme\n")


def assert_clean_outcome(run, where: str) -> None:
    """Exit 0/1, or exit 2 with one line naming a file below `where` (the config, the rule
    file, or a calendar it names) or an option; a traceback fails in the fixture.

    The outcome is a Hypothesis event, so `--hypothesis-show-statistics` shows that the
    examples reach both valid files and every kind of error.
    """
    event(f"exit {run.exit_code}")
    assert "internal error" not in run.stderr, run.stderr
    if run.exit_code in (0, 1):
        return
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("postlint: "), run.stderr
    assert where in lines[0] or "--" in lines[0], lines[0]


@pytest.fixture
def debug(monkeypatch):
    """Crashes propagate (the CLI would turn them into one line, and a rule's error into a
    finding): any exception fails the example."""
    monkeypatch.setenv("POSTLINT_DEBUG", "1")


@FUZZ
@given(content=configs)
def test_any_config_ends_in_a_result_or_one_line(content, tmp_path, cli, debug):
    config = tmp_path / "brand" / ".postlint.yaml"
    config.parent.mkdir(exist_ok=True)
    if isinstance(content, bytes):
        config.write_bytes(content)
    else:
        config.write_text(content, encoding="utf-8", errors="surrogatepass")
    post = tmp_path / "brand" / "p.md"
    post.write_text(POST, encoding="utf-8")
    run = cli(*RUN, str(post))
    assert_clean_outcome(run, str(tmp_path))


@FUZZ
@given(content=rule_files)
def test_any_rule_file_ends_in_a_result_or_one_line(content, tmp_path, cli, debug):
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "fuzz.yaml").write_text(content, encoding="utf-8", errors="surrogatepass")
    post = tmp_path / "p.md"
    post.write_text(POST, encoding="utf-8")
    run = cli(*RUN, "--rules", str(rules), str(post))
    assert_clean_outcome(run, str(tmp_path))
