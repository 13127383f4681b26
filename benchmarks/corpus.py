"""Generate a realistic scheduled-post queue: mixed languages, hashtags, mentions, links.

    python benchmarks/corpus.py --posts 10000 --out benchmarks/out/queue.jsonl [--link-base URL]

Links point at `--link-base` (default a loopback address), so a link-checking benchmark can
serve them from a local server; 1 in 10 distinct URLs per post keeps the set realistic.
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


def generate(n: int, link_base: str, distinct_links: int, seed: int = 7):
    rng = random.Random(seed)
    start = datetime(2030, 1, 1, 8, tzinfo=timezone.utc)
    for i in range(n):
        lang = rng.choice(list(TEMPLATES))
        text = rng.choice(TEMPLATES[lang]).format(
            product=rng.choice(PRODUCTS[lang]),
            tag=rng.choice(TAGS),
            mention=rng.choice(["@jane", "@acme_es", "@ola.nordmann", ""]),
            link=f"{link_base}/p/{rng.randrange(distinct_links)}",
        )
        yield {
            "id": f"post-{i}",
            "account": "@acmecoffee",
            "platform": rng.choice(PLATFORMS),
            "language": lang if i % 3 == 0 else None,
            "scheduled_at": (start + timedelta(minutes=37 * i)).isoformat(),
            "text": text,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/queue.jsonl"))
    parser.add_argument("--link-base", default="http://127.0.0.1:8765")
    parser.add_argument("--distinct-links", type=int, default=1000)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for post in generate(args.posts, args.link_base, args.distinct_links):
            post = {k: v for k, v in post.items() if v is not None}
            out.write(json.dumps(post, ensure_ascii=False) + "\n")
    print(f"wrote {args.posts} posts to {args.out}")


if __name__ == "__main__":
    main()
