"""Where links are in a post, and the URL questions that need no network."""

from __future__ import annotations

import pytest

from postlint.links import extract, urls
from postlint.links.checker import Policy, address_allowed
from postlint.links.data import Network

TLDS = ("com", "org", "net", "io", "co", "uk", "no", "ly")


def written(text: str, markdown: bool = False) -> list[str]:
    return [link.written for link in extract.in_text(text, TLDS, markdown)]


@pytest.mark.parametrize("text, expected", [
    ("Visit https://acme.com/spring.", ["https://acme.com/spring"]),
    ("(see https://acme.com/a)!", ["https://acme.com/a"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar), nice", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("[https://acme.com/x]", ["https://acme.com/x"]),
    ("“https://acme.com/q?a=1&b=2”", ["https://acme.com/q?a=1&b=2"]),
    ("Go to www.acme.co.uk!", ["www.acme.co.uk"]),
    ("Shop acme.com/spring-menu?ref=ig, today", ["acme.com/spring-menu?ref=ig"]),
    ("看https://acme.com/x，谢谢", ["https://acme.com/x"]),
    ("mail bob@acme.com, ping @bob@mastodon.social", []),
    ("Node.js and report.pdf and e.g. this", []),
    ("acme.company is not acme.com", ["acme.com"]),
    ("http:// and https:// alone", []),
])
def test_urls_in_text(text: str, expected: list[str]):
    assert written(text) == expected


def test_bare_domains_are_checked_as_http_and_not_called_plain_http():
    [link] = extract.in_text("acme.com/a", TLDS)
    assert link.url == "http://acme.com/a" and not link.explicit_scheme
    assert urls.unsafe_reason(urls.parse(link.url), link.explicit_scheme) is None


def test_markdown_destination_not_the_visible_text():
    text = '[acme.com](https://acme.com/spring "Spring") and [docs](<https://acme.com/a b>) [rel](/x)'
    links = list(extract.in_text(text, TLDS, markdown=True))
    assert [link.written for link in links] == ["https://acme.com/spring", "https://acme.com/a b"]
    assert text[links[0].span[0]:links[0].span[1]] == "https://acme.com/spring"


def test_markdown_only_for_md_files(write):
    from postlint.model import Post

    text = "[acme.com](https://b.com/x)"
    assert [link.written for link in extract.in_post(Post("a.md", "a", text), TLDS)] == ["https://b.com/x"]
    assert [link.written for link in extract.in_post(Post("a.txt", "a", text), TLDS)] == \
        ["acme.com", "https://b.com/x"]


def test_link_field_is_a_link_without_span():
    from postlint.model import Post

    [link] = extract.in_post(Post("q.csv", "q#1", "Hello", link=" https://acme.com/x "), TLDS)
    assert link.span is None and link.written == "https://acme.com/x"


@pytest.mark.parametrize("url, reason", [
    ("https://user:secret@acme.com/", "credentials"),
    ("https://аcme.com/", "mixed_script"),          # Cyrillic а
    ("https://xn--cme-8cd.com/", "punycode"),
    ("https://203.0.113.7/login", "ip"),
    ("http://acme.com/", "http"),
    ("https://acme.com/", None),
    ("https://пример.рф/", None),                   # one script: a real IDN, not a look-alike
    ("https://日本語のサイト.jp/", None),             # Han + Hiragana + Katakana: ordinary Japanese
    ("https://abcショップ.jp/", None),
    ("https://pаypаl.com/", "mixed_script"),
])
def test_unsafe_reasons(url: str, reason: str | None):
    assert urls.unsafe_reason(urls.parse(url), True) == reason


def test_site_and_normalise():
    second = frozenset({"co.uk"})
    assert urls.site("shop.acme.com", second) == urls.site("acme.com", second) == "acme.com"
    assert urls.site("www.acme.co.uk", second) == "acme.co.uk"
    assert urls.normalise("HTTPS://Acme.COM#top") == "https://acme.com/"
    assert urls.parse("http://[::1") is None and urls.parse("https://a.com:99999/") is None


@pytest.mark.parametrize("address, private_ok, allowed", [
    ("93.184.215.14", False, True),
    ("127.0.0.1", False, False),
    ("10.1.2.3", False, False),
    ("192.168.0.10", False, False),
    ("169.254.169.254", False, False),
    ("::1", False, False),
    ("::ffff:127.0.0.1", False, False),
    ("fe80::1%eth0", False, False),
    ("127.0.0.1", True, True),
    ("169.254.169.254", True, False),   # metadata: refused even when private hosts are allowed
])
def test_address_policy(address: str, private_ok: bool, allowed: bool):
    policy = Policy(1.0, private_ok, Network(blocked_addresses=("169.254.169.254",)))
    assert address_allowed(address, policy) is allowed


def test_draft_positions_count_front_matter(check, write):
    path = write("post.txt", "---\nplatform: x\n---\nHi!\nhttp://аcme.com/deal today\n")
    r = check(str(path), "--select", "links.unsafe", "--offline")
    [finding] = r.json["findings"]
    assert (finding["line"], finding["column"], finding["end_column"]) == (5, 1, 21)
    assert finding["match"] == "http://аcme.com/deal"


def test_tracking_missing_and_leaking(check, write):
    write(".postlint.yaml", """
        links:
          required_params: [utm_source, utm_campaign]
          forbidden_params: [internal_ref]
          own_domains: [acme.com]
        """)
    path = write("post.txt", "https://shop.acme.com/a?utm_source=ig "
                             "https://acme.com/b?utm_source=ig&utm_campaign=s&fbclid=XY "
                             "https://other.org/c https://acme.com/d?utm_source=x&utm_campaign=y&internal_ref=7\n")
    r = check(str(path), "--select", "links.tracking", "--offline")
    messages = {f["match"].split("/")[3][0]: f["message"] for f in r.json["findings"]}
    assert "utm_campaign" in messages["a"] and "lacks" in messages["a"]
    assert "fbclid" in messages["b"]
    assert "c" not in messages  # not one of own_domains: no campaign tags required
    assert "internal_ref" in messages["d"]


def test_bad_data_file_is_a_clear_error(check, write, tmp_path):
    write("rules/links-extra.yaml", "kind: links\nnetwork: {per_hots: 3}\n")
    path = write("post.txt", "https://acme.com\n")
    r = check(str(path), "--rules", str(tmp_path / "rules"), "--offline")
    assert r.exit_code == 2 and "links-extra.yaml:2" in r.stderr and "per_host" in r.stderr


def test_unknown_links_config_key_is_a_clear_error(check, write):
    write(".postlint.yaml", "links:\n  cache_ttl: 3\n")
    path = write("post.txt", "https://acme.com\n")
    r = check(str(path), "--offline")
    assert r.exit_code == 2 and "cache_ttl" in r.stderr


def test_retry_after_header_forms():
    from email.utils import format_datetime
    from datetime import datetime, timedelta, timezone

    from postlint.links.checker import _retry_after

    assert _retry_after("3") == 3.0 and _retry_after(None) is None and _retry_after("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 < _retry_after(later) <= 30


def test_offline_link_checks_never_import_requests(write, tmp_path):
    # (other rule types may pull it in through their own libraries: spaCy does)
    import subprocess
    import sys

    path = write("post.txt", "Autumn blend: https://acme.com/autumn?fbclid=1 bit.ly/x\n")
    code = ("import sys\nfrom postlint.cli import main\n"
            f"try:\n    main(['check', '--offline', '--quiet', '--select', 'links', {str(path)!r}])\n"
            "except SystemExit:\n    pass\n"
            "assert 'requests' not in sys.modules, 'requests imported'\nprint('clean')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("clean"), out.stderr
    assert "links.tracking" in out.stdout and "links.shortened" in out.stdout
