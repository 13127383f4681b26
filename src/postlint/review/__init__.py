"""Review: more than one set of eyes before a post goes out.

- `settings`: the config's `review:` section (how many approvals, for which posts, by whom);
- `digest`: a fingerprint of what will be published (text, account, platform, time, media);
- `store`: the approvals file, `.postlint-approvals.jsonl` beside the config: read within
  bounds (a bad line is a finding, never a crash), appended under a lock;
- `judge`: after every other rule, which posts lack valid approvals (`review.unapproved`)
  or changed since (`review.changed`), and what each output shows about approvals;
- `approve`: the `postlint approve` command.

Review runs last because it depends on the other findings of a post (a post needs approval
when it has findings at or above `review.when`, and an approval goes stale when a finding
the approver did not see appears). The runner and `postlint.lint()` call `judge.apply` once
per config after the per-post and whole-queue passes, in the main process.
"""
