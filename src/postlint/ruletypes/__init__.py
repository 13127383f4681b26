"""One module per rule type. Each module declares:

- `OPTIONS`: the schema of the keys a rule of this type may set in YAML (validated on load);
- `FIELDS`: the `{placeholders}` its findings fill besides `{match}`, so that message
  templates are checked on load (a type without it gets only the syntax checked);
- `check(post, rule, ctx) -> Iterable[Finding]`: pure, per post;
- optionally `prepare(options) -> options` to compile data once, raising ValueError if bad;
- optionally `check_queue(posts, rule, ctx)` for rules that need the whole queue.

Modules import heavy libraries inside functions, so listing rules stays instant.
"""
