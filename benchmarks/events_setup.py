"""Write the configs and the newsroom feed for measuring what event matching costs per post.

    python benchmarks/events_setup.py            # writes benchmarks/out/events/
    python benchmarks/bench_check.py --sizes 10000 --config benchmarks/out/events/base.postlint.yaml
    python benchmarks/bench_check.py --sizes 10000 --config benchmarks/out/events/events.postlint.yaml

`base` has no markets or feeds; `events` is the same plus `markets: [us, es, pl, "no"]` and an
RSS file of 60 crisis headlines, one every 4 days over the benchmark queue's 2030 dates, each
live 72 h, so about 60% of the queue goes out while an event is live and is matched against
its terms (4 of them are `major`: those posts are paused). The difference between the two runs,
divided by the number of posts, is the cost per post.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parent / "out" / "events"
START = datetime(2030, 1, 1, 6, tzinfo=timezone.utc)  # the queue of corpus.py starts here
HEADLINES = [
    "Hurricane {n} makes landfall on the Gulf coast",
    "Explosions at the {n} marathon finish line",
    "Shooting at a shopping centre in {n}: several dead",
    "Flooding in {n} after days of torrential rain",
    "Wildfire forces evacuation of {n}",
    "Earthquake of magnitude 7 strikes near {n}",
    "Tormenta {n} deja inundaciones en la costa",
    "Powódź w {n}: ewakuacja mieszkańców",
    "Skyting i {n}: flere drept",
    "Train derailment near {n} kills dozens",
]
PLACES = ["Valencia", "Bergen", "Gdańsk", "Tampa", "Lyon", "Porto", "Kraków", "Tromsø", "Sevilla", "Austin",
          "Malmö", "Galway"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    items = []
    for i in range(60):
        when = START + timedelta(days=4 * i)
        title = HEADLINES[i % len(HEADLINES)].format(n=PLACES[i % len(PLACES)])
        items.append(f"<item><title>{escape(title)}</title><pubDate>{format_datetime(when)}</pubDate>"
                     f"<category>{'major' if i % 15 == 0 else 'news'}</category></item>")
    (OUT / "newsroom.rss").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Newsroom</title>'
        + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    base = 'brand: {name: Acme Coffee, accounts: ["@acmecoffee"]}\n'
    (OUT / "base.postlint.yaml").write_text(base, encoding="utf-8")
    (OUT / "events.postlint.yaml").write_text(
        base + 'markets: [us, es, pl, "no"]\nevents:\n  feeds: [newsroom.rss]\n', encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
