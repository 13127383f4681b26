"""Link checking for the `links` rule type: extraction, URL analysis, HTTP checks, cache.

Split from the rule type so that the parts can be tested alone and so that `postlint rules`
or an `--offline` run never pays for importing `requests` (the checker imports it lazily).

- `data`: the content from `rules/links-data.yaml` (`kind: links`), validated, as a dataclass;
- `extract`: where the links of a post are (text, Markdown, the queue's `link` field);
- `urls`: pure questions about one URL (site, shortener, unsafe, tracking parameters);
- `checker`: the concurrent, safe HTTP checker (HEAD then GET, redirects, Retry-After);
- `cache`: the SQLite store of results, shared by concurrent runs.
"""
