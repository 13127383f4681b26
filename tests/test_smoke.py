def test_example_draft_runs(cli):
    r = cli("check", "--format", "json", "--quiet", "--now", "2024-11-06T08:00:00Z", "examples/draft.txt")
    assert r.exit_code == 1, r.stderr
    assert "schedule.blackout" in r.rules
