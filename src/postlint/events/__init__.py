"""Events: the news a post goes out into.

The worst social-media crises in the seed articles were not bad words but ordinary posts that
met the news: "Good morning, shooters" the morning after a cinema shooting, a storm sale during
a deadly hurricane. This package knows what is happening when a post goes out:

- `settings`: the config's `markets` and `events` keys, validated (file:line, "did you mean");
- `dates`: built-in calendars of sensitive dates per market (`rules/events/dates-*.yaml`),
  fixed, RRULE and Easter-based, each a local day in the market's time zone;
- `ical`: iCalendar files and feeds expanded into occurrences (user calendars, iCal feeds);
- `feeds`: RSS 2.0, Atom (feedparser), JSON Feed, iCalendar and events YAML into feed items;
- `fetch` / `store`: the safe HTTP fetch (the link checker's guarded session) and the JSON
  copy of each feed in the cache folder, for `events.refresh` and `--offline`;
- `terms`: a feed item's distinctive words, and whether a post touches them (lemmas, names,
  hashtags split at capitals);
- `live`: everything above put together for one config: `World`, built once per run;
- `readout`: the `postlint events` listing.

Nothing here is imported unless a config has `markets` or `events`: a config without them
costs nothing.
"""
