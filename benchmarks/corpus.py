"""Generate scheduled-post queues: mixed languages, hashtags, mentions, links.

    python benchmarks/corpus.py --posts 10000 --out benchmarks/out/queue.jsonl [--kind varied]

Two kinds:

- `templates`: 17 clean brand templates in four languages (few distinct texts). Every
  per-text memo hits, so it measures the engine's floor, and the link benchmark uses it.
- `varied` (default): posts assembled from the repository's labelled test texts in all four
  languages (clean brand posts, sensitive and hostile posts, personal posts, hashtag cases,
  real edited prose), two sentences each, with products, prices, hashtags, mentions and links
  drawn at random, and a typo injected into 1 post in 25. Nearly every text is distinct, as
  in a real agency queue, so memoisation does not flatter the numbers.

Links point at `--link-base` (default a loopback address), so a link-checking benchmark can
serve them from a local server.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

TEMPLATES = {
    "en": [
        "Good morning! Our new {product} is here, come taste it at any of our shops {tag}",
        "Thanks to everyone who joined us this weekend, you made it special {tag} {mention}",
        "Only this week: 20% off every {product} with code BEANS30 {link}",
        "We are hiring baristas in Oslo and Madrid, apply today {link} {tag}",
        "Rainy day? Warm up with a {product} and a good book {tag}",
    ],
    "es": [
        "¡Buenos días! Ya tenemos el nuevo {product}, ven a probarlo en nuestras tiendas {tag}",
        "Gracias a todos los que vinieron este fin de semana {tag} {mention}",
        "Solo esta semana: 20% de descuento en cada {product} con el código BEANS30 {link}",
        "¿Día lluvioso? Disfruta de un {product} y un buen libro {tag}",
    ],
    "pl": [
        "Dzień dobry! Nowa {product} już jest, zapraszamy do naszych kawiarni {tag}",
        "Dziękujemy wszystkim, którzy byli z nami w weekend {tag} {mention}",
        "Tylko w tym tygodniu: 20% zniżki na każdą {product} z kodem BEANS30 {link}",
        "Deszczowy dzień? Rozgrzej się przy {product} i dobrej książce {tag}",
    ],
    "nb": [
        "God morgen! Den nye {product} er her, kom og smak i butikkene våre {tag}",
        "Takk til alle som var med oss i helgen {tag} {mention}",
        "Bare denne uken: 20% rabatt på alle {product} med koden BEANS30 {link}",
        "Regnværsdag? Varm deg med en {product} og en god bok {tag}",
    ],
}
PRODUCTS = {"en": ["latte", "cold brew", "autumn blend"], "es": ["café con leche", "cortado"],
            "pl": ["kawa", "latte"], "nb": ["kaffe", "latte"]}
TAGS = ["#AcmeCoffee", "#CoffeeTime", "#MondayMotivation", "#café", "#kawa", "#kaffe", ""]
PLATFORMS = ["x", "instagram", "facebook", "linkedin", "threads", "bluesky", "mastodon"]


START = datetime(2030, 1, 1, 8, tzinfo=timezone.utc)

# one short brand draft: what the cold-start benchmarks check (bench_check, bench_peers)
DRAFT = """---
account: "@acmecoffee"
platform: x
---
Good morning! Our new autumn blend is here: caramel, hazelnut and a hint of cinnamon.
Grab a cup at any Acme shop this week #AcmeCoffee https://example.com/autumn
"""


def _post(rng: random.Random, i: int, lang: str, text: str) -> dict:
    """The queue fields around a text: one brand account, a platform, a post every 37 min."""
    return {
        "id": f"post-{i}",
        "account": "@acmecoffee",
        "platform": rng.choice(PLATFORMS),
        "language": lang if i % 3 == 0 else None,
        "scheduled_at": (START + timedelta(minutes=37 * i)).isoformat(),
        "text": text,
    }


def generate(n: int, link_base: str, distinct_links: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        lang = rng.choice(list(TEMPLATES))
        text = rng.choice(TEMPLATES[lang]).format(
            product=rng.choice(PRODUCTS[lang]),
            tag=rng.choice(TAGS),
            mention=rng.choice(["@jane", "@acme_es", "@ola.nordmann", ""]),
            link=f"{link_base}/p/{rng.randrange(distinct_links)}",
        )
        yield _post(rng, i, lang, text)


DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LANGS = ("en", "es", "pl", "nb")


def _sentences() -> dict[str, list[str]]:
    """Every labelled or real text in tests/data, by language, split into sentences."""
    import re

    import yaml

    pool: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for path in sorted(DATA.glob("*/*.yaml")):
        for post in (yaml.safe_load(path.read_text("utf-8")) or {}).get("posts") or []:
            lang = post.get("language") or post.get("lang")
            text = post.get("text") or post.get("message")
            if lang in pool and text:
                pool[lang].append(text)
    for path in sorted(DATA.glob("spelling/**/*.txt")):
        lang = path.name.split("-")[1].split(".")[0] if path.name.startswith("clean-") \
            else path.name.split("-")[0]
        if lang in pool:
            for line in path.read_text("utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    pool[lang] += [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s) > 15]
    return pool


def _typo(rng: random.Random, text: str) -> str:
    """Swap two adjacent letters of one longer word: the everyday typo."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def generate_varied(n: int, link_base: str, distinct_links: int, seed: int = 7):
    rng = random.Random(seed)
    pool = _sentences()
    extras = ["", "", "Only {price}!", "From {price}.", "Open 7 days a week.", "See you soon!"]
    for i in range(n):
        lang = rng.choice(LANGS)
        parts = rng.sample(pool[lang], 2 if rng.random() < 0.4 else 1)
        extra = rng.choice(extras).format(price=f"{rng.randrange(2, 60)}.{rng.randrange(10, 99)} kr")
        tail = " ".join(x for x in (
            rng.choice(TAGS), rng.choice(["@jane", "@acme_es", "@ola.nordmann", "", ""]),
            f"{link_base}/p/{rng.randrange(distinct_links)}" if rng.random() < 0.4 else "") if x)
        text = " ".join(x for x in (*parts, extra, tail) if x)
        if rng.random() < 0.04:
            text = _typo(rng, text)
        yield _post(rng, i, lang, text)


def write(path: Path, n: int, kind: str = "varied", link_base: str = "http://127.0.0.1:8765",
          distinct_links: int = 1000) -> Path:
    """Write a queue of `n` posts as JSONL (generated once; the benchmarks reuse it)."""
    make = generate_varied if kind == "varied" else generate
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for post in make(n, link_base, distinct_links):
            post = {k: v for k, v in post.items() if v is not None}
            out.write(json.dumps(post, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/queue.jsonl"))
    parser.add_argument("--link-base", default="http://127.0.0.1:8765")
    parser.add_argument("--distinct-links", type=int, default=1000)
    parser.add_argument("--kind", choices=["varied", "templates"], default="varied")
    args = parser.parse_args()
    write(args.out, args.posts, args.kind, args.link_base, args.distinct_links)
    print(f"wrote {args.posts} posts to {args.out}")


if __name__ == "__main__":
    main()
