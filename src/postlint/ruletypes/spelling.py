"""Spelling: unknown words, misspelled hashtags, rejected vocabulary, unsure languages.

Precision first: a linter that cries wolf gets switched off. So a word is only an error when
it is outside URLs, @mentions, e-mail addresses, quotes and codes, unknown to the language's
full-form lexicon (Hunspell forms + common wordfreq words), to the brand's vocabulary and
word lists, to the built-in `kind: spelling-words` lists, and not a common word of a
language the post may borrow from. Capitalised words are names until proven otherwise:
mid-sentence they are never reported; at the start of a sentence one that is a typo of a
common word ("Ths", "Tambien") is an error like any other, one that looks like a name `info`.

One module serves four rules; the rule's `check` option says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import regex

from .. import language, textspans
from ..language.build import fused
from ..language.detect import MIN_COVERAGE
from .. import yamlfile as y
from ..errors import UsageError
from ..model import Finding, Post, Severity

OPTIONS = {
    "check": y.choice("unknown-word", "hashtag", "rejected-word", "language-unsure"),
    "suggestions": y.INT,  # how many suggestions at most (default 3)
    "capitalised_severity": y.choice("none", "info"),  # sentence-initial unknown Capitalised
    "foreign_message": y.STR,  # language-unsure: the post is in none of the brand's languages
    "max_word_length": y.INT,  # longer words and hashtags are not checked (see spelling.yaml)
    "common_zipf": y.NUMBER,  # a sentence-initial Capitalised word close to a word this common is a typo
}
LONGEST = 40  # default of `max_word_length`
COMMON = 3.0  # default of `common_zipf`
TWO_EDITS_FROM = 6  # letters a Capitalised word needs before a two-edit fix marks it a typo
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({
    "language", "hint", "part", "correction", "instead", "guess", "other", "languages",
})

CHUNK = regex.compile(r"[\w'’\-]+")  # a word with anything glued to it (digits: a code)
EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOMAIN = regex.compile(r"(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,6}(?:/[^\s]*)?(?![\w.]\w)")  # acme.es
EMAIL_HINT = regex.compile(r"[\w.+-]@[\w-]+\.[\w-]")  # what every EMAIL match contains
DOMAIN_HINT = regex.compile(r"[a-z0-9-]\.[a-z]")  # ...and every DOMAIN match
QUOTES = "\"“«„‘"  # what a QUOTED span can start with
QUOTED = regex.compile(r'"[^"\n]{1,80}"|“[^”\n]{1,80}”|«[^»\n]{1,80}»|„[^”“\n]{1,80}[”“]|‘[^’\n]{1,80}’')
PART = regex.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
CAMEL = regex.compile(r"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\d+")
SENTENCE_END = set(".!?¡¿:;…\n•|") | {"–", "—"}
UNSTRESS = str.maketrans("áéíóú", "aeiou")
WORDS_FILE = {"kind": y.STR, "words": y.map_of(y.list_of(y.STR))}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if "check" not in options:
        raise ValueError("a spelling rule needs `check`")
    return options


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    kind = rule.options["check"]
    if kind == "rejected-word":
        yield from _rejected(post, rule, ctx)
        return
    if kind == "language-unsure":
        found = language.detection(post, ctx)
        if found is not None and not found.sure and found.words:
            names = {c: str(s.get("name") or c) for c, s in language.specs(ctx).items()}
            foreign = found.coverage < MIN_COVERAGE and rule.options.get("foreign_message")
            yield rule.finding(post, line=post.locator.line, message=foreign or None,
                               guess=names.get(found.lang, found.lang),
                               other=names.get(found.runner_up or "", found.runner_up),
                               languages=", ".join(ctx.config.languages),
                               match=post.text.strip()[:40])
        return
    lang = language.resolve(post, ctx)
    checker = _checker(lang, ctx)
    if checker is None:
        return
    limit = int(rule.options.get("suggestions", 3))
    if kind == "unknown-word":
        found = language.detection(post, ctx)
        if found is not None and found.coverage < MIN_COVERAGE:
            return  # in none of the brand's languages: spelling-unsure says so, no word noise
        other = _checker(found.runner_up, ctx) if found and not found.sure else None
        yield from _unknown_words(post, rule, ctx, checker, limit, other)
    else:
        yield from _hashtags(post, rule, ctx, checker, limit)


# --- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checker:
    """Everything needed to judge one word of one language under one config."""

    lang: str
    lex: Any  # language.lexicons.Lexicon
    accept: frozenset[str]  # lower-cased words that are always fine
    borrow: tuple[tuple[Any, float], ...]  # (lexicon, minimum zipf) of lending languages
    name: str = ""  # "Spanish", for messages

    inflections: tuple[str, ...] = ()  # endings a loanword takes: nb "macchiato-en"
    clitics: tuple[str, ...] = ()  # pronouns written onto verbs: es "-lo", "-te"
    attested: float = 0.0  # `attested_zipf`: rarer words wordfreq has seen (0: off)
    # Verdicts so far: a queue repeats its words, and an unknown word costs several lookups
    # (accents, fused words, compounds) every time it is asked about. Bounded.
    _verdicts: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def knows(self, word: str) -> bool:
        """`word` is lower-case with straight apostrophes."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            if len(self._verdicts) >= 100_000:
                self._verdicts.clear()
            verdict = self._verdicts[word] = self._knows(word)
        return verdict

    def _knows(self, word: str) -> bool:
        if word in self.accept or word in self.lex.known:
            return True
        if any(v in self.lex.known for v in self.lex.accent_variants(word)):
            return False  # juz, tambien, bondene: a native word missing its diacritics
        if fused(word, self.lex.known, self.lex.zipf):
            return False  # narazie is "na razie", not naraz + -ie
        if self._single(word):
            return True
        if word.endswith("'s") and self._single(word[:-2]):  # Acme's, barista's
            return True
        if self._attested(word):
            return True
        return self.lex.compounds and self._compound(word) and not self._near_common(word)

    def _attested(self, word: str) -> bool:
        """A real word the dictionary lacks (es "cardamomo"): wordfreq has seen it at least
        `attested` Zipf, and no more common word is within two edits. Misspellings are
        attested too (definately, tambien, tommorow) but always sit next to the word meant,
        which is far more common; a rare real word has no such neighbour."""
        own = self.lex.zipf(word)
        if not self.attested or own < self.attested:
            return False
        from ..language.build import edits1

        if any(self.lex.zipf(v) > own for v in edits1(word, self.lex.alphabet)):
            return False  # the usual case, without the slower two-edit search
        return not any(self.lex.zipf(v) > own for v in self.lex.near(word, 2) if v != word)

    def _near_common(self, word: str) -> bool:
        """An unattested form one keystroke from a common word is that word misspelled, even
        when it happens to split into two words (velkomen is velkommen, not vel + komen)."""
        own = self.lex.zipf(word)
        if own >= 2.0:
            return False
        from ..language.build import edits1

        return any(v in self.lex.known and self.lex.zipf(v) >= max(4.0, own + 2.5)
                   for v in edits1(word, self.lex.alphabet))

    def _single(self, word: str) -> bool:
        if word in self.accept or word in self.lex.known:
            return True
        if any(lex.zipf(word) >= minimum for lex, minimum in self.borrow):
            # ...unless it is this language's word without its accents: "pa" is English,
            # but in a Norwegian post it is "på" missing its ring
            return not any(v in self.lex.known for v in self.lex.accent_variants(word))
        return self._inflected(word) or self._with_clitics(word)

    def _inflected(self, word: str) -> bool:
        """A loanword or common noun with a native ending: pizza-er, hashtag-gen, tweet-en.
        On dictionary stems only for forms people do write, and never for an accent-stripped
        native word (bondene is bøndene, not bond-ene)."""
        seen = self.lex.zipf(word) >= 1.0 and not any(
            v in self.lex.known for v in self.lex.accent_variants(word))
        for end in self.inflections:
            stem = word[:-len(end)]
            if not word.endswith(end) or len(stem) < 3:
                continue
            for base in {stem, stem[:-1]} if stem[-1:] == stem[-2:-1] else {stem}:
                if base in self.accept or (seen and base in self.lex.known
                                           and self.lex.zipf(base) >= 3.5):
                    return True
        return False

    def _with_clitics(self, word: str) -> bool:
        """Spanish pronouns glued to a verb: marear-lo, comprométe-te -> compromete."""
        for _ in range(2):
            for clitic in self.clitics:
                if word.endswith(clitic) and len(word) > len(clitic) + 3:
                    stem = word[:-len(clitic)]
                    if stem in self.lex.known or stem.translate(UNSTRESS) in self.lex.known:
                        return True
            stripped = next((word[:-len(c)] for c in self.clitics if word.endswith(c)), None)
            if stripped is None:
                return False
            word = stripped
        return False

    def _compound(self, word: str) -> bool:
        """Two known words, optionally joined by s or e: kaffe+baren, peppermynte+mochaen."""
        for i in range(3, len(word) - 2):
            head, tail = word[:i], word[i:]
            if len(tail) < (3 if len(head) >= 5 else 4):  # bond+ene is no compound, robot+bud is
                continue
            if not self._single(tail):
                continue
            if self._single(head) or (head[-1] in "se" and self._single(head[:-1])):
                return True
        return False

    def borrowed(self, word: str) -> bool:
        """Known to a lending language at all (hashtags mix languages freely)."""
        return any(lex.knows(word) for lex, _ in self.borrow)

    def suggest(self, word: str, limit: int, names: bool = False,
                max_edits: int = 2) -> tuple[str, ...]:
        from ..language.lexicons import suggest

        return suggest(self.lex, word, limit, names, max_edits)


def _checker(lang: str, ctx) -> Checker | None:
    def build() -> Checker | None:
        lex = language.lexicon(lang, ctx)
        if lex is None:
            return None
        spec = language.specs(ctx)[lang]
        borrow = tuple((language.lexicon(code, ctx), float(z))
                       for code, z in (spec.get("borrow") or {}).items()
                       if code != lang and language.lexicon(code, ctx) is not None)
        return Checker(lang, lex, frozenset(_accepted_words(lang, ctx)), borrow,
                       str(spec.get("name") or lang), tuple(spec.get("inflections") or ()),
                       tuple(sorted(spec.get("clitics") or (), key=len, reverse=True)),
                       float(spec.get("attested_zipf") or 0.0))

    return ctx.resource(f"spelling:checker:{lang}", build)


def checker_for(lang: str, ctx) -> Checker | None:
    """The checker of `lang` under the context's config, built once: shared with the hashtag
    rules, which split lowercase tags with `segment` (hashtag.accessibility)."""
    return _checker(lang, ctx)


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _accepted_words(lang: str, ctx) -> set[str]:
    """Built-in word lists, the brand's `vocabulary.accept` and name, and its word-list files."""
    words: set[str] = set()
    for path, content in ctx.data("spelling-words"):
        _, node = y.load(path)
        y.validate(node, WORDS_FILE, str(path))
        for key in ("all", lang):
            for entry in (content.get("words") or {}).get(key) or []:
                words.update(_norm(w) for w in PART.findall(str(entry)))
    config = ctx.config
    for entry in (*config.accept, config.brand_name or ""):
        if not str(entry).startswith("#"):
            words.update(_norm(w) for w in PART.findall(str(entry)))
    files = ((config.data.get("vocabulary") or {}).get("files") or {})
    for code, paths in files.items():
        if language.normalise(str(code)) not in (lang, "all"):
            continue
        for path in [paths] if isinstance(paths, str) else paths:
            words.update(_read_word_list(Path(path)))
    return words


@lru_cache(maxsize=None)
def _read_word_list(path: Path) -> frozenset[str]:
    """A plain word list: one word (or phrase) per line, `#` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read word list: {exc}", str(path)) from None
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        words.update(_norm(w) for w in PART.findall(line))
    return frozenset(words)


# --- words in running text ---------------------------------------------------------------------


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    """URLs (also bare domains: acme.es), mentions, hashtags, e-mail addresses and quoted
    words are never spelling errors."""
    spans = [*textspans.urls(text), *textspans.mentions(text), *textspans.hashtags(text)]
    if EMAIL_HINT.search(text):  # the full patterns backtrack at every word: screen first
        spans += [m.span() for m in EMAIL.finditer(text)]
    if DOMAIN_HINT.search(text):
        spans += [m.span() for m in DOMAIN.finditer(text)]
    if any(q in text for q in QUOTES):
        spans += [m.span() for m in QUOTED.finditer(text)]
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i].isspace() or text[i] in "\"'“”‘’«»„([¿¡*_"):
        i -= 1
    if i < 0:
        return True
    ch = text[i]
    return ch in SENTENCE_END or not (ch.isalnum() or ch in ",)")


def words(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, word) of every word that could be misspelled: no codes, numbers, URLs."""
    return _words(text)


@lru_cache(maxsize=1024)  # the spelling rules of one post share one scan
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(_iter_words(text))


def _iter_words(text: str) -> list[tuple[int, int, str]]:
    # A chunk inside a skipped span is skipped. Chunks come in order, so one pass over the
    # spans sorted by start, keeping the furthest end reached so far, answers it per chunk.
    skipped = sorted(_skipped_spans(text))
    words: list[tuple[int, int, str]] = []
    i, reach, n = 0, -1, len(skipped)
    for chunk in CHUNK.finditer(text):
        start, end = chunk.span()
        while i < n and skipped[i][0] <= start:
            reach = max(reach, skipped[i][1])
            i += 1
        if end <= reach:
            continue
        piece = chunk.group()
        if piece.isalpha():  # the usual word: PART would match all of it
            words.append((start, end, piece))
        elif not any(c.isdigit() or c == "_" for c in piece):  # HOPE20, 10am, snake_case: codes
            words += [(start + p.start(), start + p.end(), p.group()) for p in PART.finditer(piece)]
    return words


def _is_code_or_name_shape(word: str) -> bool:
    """ALL CAPS (SANDYSALE, NYC) or camel-case inside (iPhone, TikTok, McDonald)."""
    if word.islower():
        return False  # the usual case, answered in C: no capital letter anywhere
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    return any(c.isupper() for c in word[1:])


def _unknown_words(post: Post, rule, ctx, checker: Checker, limit: int,
                   other: Checker | None = None) -> Iterator[Finding]:
    """`other`: the runner-up language when detection was unsure; a word it knows is fine."""
    text = post.text
    capitalised = rule.options.get("capitalised_severity", "info")
    common = float(rule.options.get("common_zipf", COMMON))
    longest = int(rule.options.get("max_word_length", LONGEST))
    for start, end, word in words(text):
        if not 2 <= len(word) <= longest or (not word.islower() and _is_code_or_name_shape(word)):
            continue
        capital = word[0].isupper()
        if capital and not _sentence_start(text, start):
            continue  # a name until proven otherwise (asked first: names are many and rare)
        lower = word.lower() if word.isalpha() else _norm(word)  # (the hot loop of the run)
        if checker.knows(lower) or (other is not None and other.knows(lower)):
            continue
        if capital:
            if lower in checker.lex.names:
                continue  # Oslo, NATO written Nato: a name the dictionary knows
            suggestions = checker.suggest(lower, limit, names=True)
            if not suggestions:
                continue  # close to no word at all: a name
            typo = not _named_elsewhere(text, word, start) and \
                _typo_of_common_word(lower, suggestions[0], checker, common, ctx)
            if not typo and capitalised == "none":
                continue
            yield rule.finding(post, (start, end), severity=None if typo else Severity.INFO,
                               suggestions=[_same_case(word, s) for s in suggestions],
                               language=checker.name, hint=_hint(suggestions))
            continue
        suggestions = checker.suggest(lower, limit)
        if not suggestions and lower in checker.lex.names:
            continue  # a name written lower-case (a handle, "ikea"): no typo we could fix
        yield rule.finding(post, (start, end), suggestions=suggestions,
                           language=checker.name, hint=_hint(suggestions))


def _named_elsewhere(text: str, word: str, start: int) -> bool:
    """The post also writes `word` Capitalised in the middle of a sentence: then it is a
    name (Klout ... "reviews on Klout"), at the start of a sentence too."""
    if text.count(word) < 2:
        return False
    return any(m.start() != start and not _sentence_start(text, m.start())
               for m in regex.finditer(rf"(?<!\w){regex.escape(word)}(?!\w)", text))


def _typo_of_common_word(word: str, correction: str, checker: Checker, common: float,
                         ctx) -> bool:
    """Is a Capitalised unknown word at a sentence start a typo rather than a name?

    A typo when its best correction is a common word of the language (diacritics restored,
    two words split apart, or a word at least `common` Zipf: Ths -> This, Tambien ->
    También, Napewno -> Na pewno) and nothing says it is a name: a word whose nearest
    word is only a name (Jaqueline -> Jacqueline) or rare stays a name, so does a short
    word two edits from its fix (Klout -> out), and so does a name or word of another
    language postlint knows (Lukasz, Grzegorz and Bjorn in an English post: Łukasz and
    Grzegorz are Polish names, bjørn a Norwegian word)."""
    from ..language.build import strip_accents

    if " " in correction:  # two common words run together (build.fused)
        return not _foreign(word, checker.lang, ctx)
    if correction not in checker.lex.known:
        return False
    if strip_accents(correction) != strip_accents(word):
        if checker.lex.zipf(correction) < common:
            return False
        if len(word) < TWO_EDITS_FROM and not _close(word, correction):
            return False  # two edits turn a short name into a word: Klout -> out
    return not _foreign(word, checker.lang, ctx)


def _foreign(word: str, lang: str, ctx) -> bool:
    """A name or word (also without its diacritics) of another language postlint has."""
    for code in language.specs(ctx):
        if code == lang:
            continue
        lex = language.lexicon(code, ctx)
        if lex is not None and any(form in lex.names or form in lex.known
                                   for form in (word, *lex.accent_variants(word))):
            return True
    return False


def _hint(suggestions: tuple[str, ...]) -> str:
    return f" Did you mean {suggestions[0]!r}?" if suggestions else ""


def _same_case(model: str, word: str) -> str:
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# --- hashtags ----------------------------------------------------------------------------------


def _hashtags(post: Post, rule, ctx, checker: Checker, limit: int) -> Iterator[Finding]:
    approved = {h.lower() for h in (*ctx.config.approved_hashtags, *ctx.config.accept)
                if h.startswith("#")}
    longest = int(rule.options.get("max_word_length", LONGEST))
    for start, end in textspans.hashtags(post.text):
        tag = post.text[start:end]
        body = tag[1:]
        if len(body) > longest or tag.lower() in approved or _norm(body) in checker.accept:
            continue
        fixed = _fix_hashtag(body, checker)
        if fixed is None or _fine_elsewhere(body, checker.lang, ctx) or _in_knowledge_base(tag, ctx):
            continue
        part, correction, new_body = fixed
        yield rule.finding(post, (start, end), suggestions=["#" + new_body],
                           part=part, correction=correction, language=checker.name)


def _fine_elsewhere(body: str, lang: str, ctx) -> bool:
    """Is the tag right in another of the brand's languages? Brands reuse their tags across
    the languages they publish in: #kawiarnia, or #KawaDnia (kawa + dnia) on an English or
    Norwegian post of a brand that also posts in Polish."""
    for other in dict.fromkeys(language.normalise(x) for x in ctx.config.languages):
        if other != lang:
            checker = _checker(other, ctx)
            if checker is not None and (checker.knows(_norm(body)) or _all_words(body, checker)):
                return True
    return False


def _all_words(body: str, checker: Checker) -> bool:
    """The tag is nothing but words of the checker's language: its CamelCase parts, or for
    an all-lowercase tag its dictionary segmentation (kawa|dnia)."""
    if body.islower() or body[1:].islower():
        pieces = segment(body.lower(), checker)
        return bool(pieces) and all(known for _, _, known in pieces)
    parts = [p for p in CAMEL.findall(body) if not p.isdigit()]
    return bool(parts) and all(checker.knows(_norm(p)) for p in parts)


def _in_knowledge_base(tag: str, ctx) -> bool:
    """A tag the user put in the hashtag knowledge base (a `kind: hashtags` file in a
    --rules folder) is spelled as they use it (#Blrgfest). Built-in entries only say what a
    tag means, and some famous ones are misspelled (#gettngslizzerd): those are still
    reported."""
    from ..hashtags import normalise

    return normalise(tag) in _user_hashtags(ctx)


def _user_hashtags(ctx) -> frozenset[str]:
    def build() -> frozenset[str]:
        from ..hashtags import knowledge_base
        from ..rules import builtin_rules_dir

        builtin = builtin_rules_dir().resolve()
        return frozenset(key for key, entry in knowledge_base(ctx).entries.items()
                         if not Path(entry.source.rsplit(":", 1)[0]).resolve().is_relative_to(builtin))

    return ctx.resource("spelling:user-hashtags", build)


@lru_cache(maxsize=8192)  # a queue repeats its tags: segment each one once per checker
def _fix_hashtag(body: str, checker: Checker) -> tuple[str, str, str] | None:
    """(misspelled part, its correction, corrected tag body) or None when the tag is fine."""
    if any(c.isdigit() for c in body) and not any(c.isupper() for c in body[1:]):
        return None  # #2024goals, #BF24: leave tags with numbers alone unless camel-cased
    if body.isupper() and len(body) > 1:
        return None  # #NYC, #SANDYSALE: an acronym or a code
    if body.islower() or body[1:].islower():
        pieces = [(m.start(), m.group()) for m in PART.finditer(body)]
        for offset, piece in pieces:
            hit = _fix_lowercase(piece.lower(), checker)
            if hit is not None:
                wrong_at, wrong, right = hit
                at = offset + wrong_at
                new = body[:at] + _same_case(body[at:at + len(wrong)], right) + body[at + len(wrong):]
                return wrong, right, new
        return None
    for m in CAMEL.finditer(body):
        part = m.group()
        if part.isdigit() or len(part) < 3 or part.isupper():
            continue
        lower = _norm(part)
        if checker.knows(lower) or checker.borrowed(lower) or checker.lex.zipf(lower) >= 2.0:
            continue  # a word people do write, or one of another language: not a typo
        suggestions = checker.suggest(lower, 1, names=True)
        if suggestions and suggestions[0] in body.lower():
            continue  # wordplay on another part of the tag: #SundayFunday, #TacoTuesday
        if suggestions and _confident(lower, suggestions[0], checker):
            right = _same_case(part, suggestions[0])
            return part, right, body[:m.start()] + right + body[m.end():]
    return None


def _confident(wrong: str, right: str, checker: Checker) -> bool:
    """Hashtags are full of slang and names: only report a clearly intended common word.
    Tags drop accents on purpose (#CafeDelDia), so a diacritics-only difference is fine."""
    from ..language.build import strip_accents

    if strip_accents(wrong) == strip_accents(right):
        return False
    return len(wrong) >= 4 and checker.lex.zipf(right) >= 3.0


def segment(text: str, checker: Checker, letter_words: bool = False) -> list[tuple[int, str, bool]] | None:
    """Split an all-lowercase tag into known words (#whyistayed -> why i stayed), maximising
    word frequency; unknown stretches are allowed at a cost. (start, piece, known) list.

    `letter_words`: one-letter words as common as English "i" and "a" cost no more than other
    words. Off for typo hunting (a typo must not dissolve into letters: Polish "a" would split
    #kawadnai), on for reading a correct tag aloud (hashtag.accessibility: #WhyIStayed)."""
    return _segmentation(text, checker, letter_words)[1]


def _segmentation(text: str, checker: Checker,
                  letter_words: bool = False) -> tuple[float, list[tuple[int, str, bool]] | None]:
    """(cost, pieces) of the best split of `text`: see `segment`."""
    n = len(text)
    best: list[tuple[float, list[tuple[int, str, bool]]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        cost_i, parts = best[i]
        for j in range(i + 1, min(n, i + 24) + 1):
            piece = text[i:j]
            known = _segment_word(piece, checker)
            if known:  # fewer, commoner words win; single letters are a last resort
                cost = cost_i + 2.0 + max(0.0, 6.0 - checker.lex.zipf(piece)) * 0.3
                cost += 1.5 if len(piece) == 1 and not (
                    letter_words and checker.lex.zipf(piece) >= 6.5) else 0.0
            else:
                cost = cost_i + 3.0 + 0.6 * len(piece)
            if best[j] is None or cost < best[j][0]:
                best[j] = (cost, [*parts, (i, piece, known)])
    return best[n] if best[n] else (float("inf"), None)


def _segment_word(piece: str, checker: Checker) -> bool:
    """A word a tag may be made of: dictionaries are full of rare short words (tn, gs, rd)
    that would let any typo dissolve into pieces, so short pieces must be common."""
    if len(piece) >= 4:
        return checker.knows(piece)
    return checker.lex.zipf(piece) >= (5.0 if len(piece) == 1 else 3.5) or piece in checker.accept


def _fix_lowercase(body: str, checker: Checker) -> tuple[int, str, str] | None:
    """Find a misspelled word inside an all-lowercase tag: #gettngslizzerd -> gettng.

    Every (start, prefix) from where an unknown stretch starts, or the word before it, is
    tried as a one-edit typo; the fix that leaves the fewest unknown letters in the
    corrected tag wins (#kawadnai is kawa + dnia, not kawad -> kawa + nai)."""
    if checker.knows(body) or any(v in checker.lex.known for v in checker.lex.accent_variants(body)):
        return None
    parts = segment(body, checker) or []
    starts = []
    for i, (at, piece, known) in enumerate(parts):
        if not known:  # the typo may start in the word before: get|tngs.. is gettng|s..
            starts += [parts[i - 1][0], at] if i else [at]
            # ...or after a word inside the stretch: kawadnai is kawa + dnai
            starts += [at + k for k in range(3, len(piece) - 2) if _segment_word(piece[:k], checker)]
    best: tuple[int, float, tuple[int, str, str]] | None = None
    for at in dict.fromkeys(starts):
        for cut in range(min(len(body) - at, 15), 3, -1):
            head = body[at:at + cut]
            if checker.knows(head):
                break
            suggestions = checker.suggest(head, 1, max_edits=1)
            if not (suggestions and _confident(head, suggestions[0], checker)
                    and _close(head, suggestions[0])):
                continue
            fixed = body[:at] + suggestions[0] + body[at + cut:]
            cost, pieces = _segmentation(fixed, checker)
            unknown = sum(len(p) for _, p, k in pieces or [] if not k)
            if best is None or (unknown, cost) < best[:2]:
                best = (unknown, cost, (at, head, suggestions[0]))
    return best[2] if best else None


def _close(wrong: str, right: str) -> bool:
    """One edit apart (a single typo), the only kind we dare fix inside a hashtag."""
    if abs(len(wrong) - len(right)) > 1:
        return False
    from ..language.build import edits1

    return right in edits1(wrong, right + wrong)


# --- rejected vocabulary -------------------------------------------------------------------------


def _rejected(post: Post, rule, ctx) -> Iterator[Finding]:
    reject = ctx.config.reject
    if not reject:
        return
    pattern = ctx.resource("spelling:reject", lambda: _reject_pattern(reject))
    replacements = {_norm(w): r for w, r in reject}
    skipped = [*textspans.urls(post.text), *textspans.mentions(post.text),
               *((m.start(), m.end()) for m in EMAIL.finditer(post.text))]
    for m in pattern.finditer(post.text):
        if _inside(skipped, m.start(), m.end()):
            continue
        replacement = replacements.get(_norm(m.group()))
        yield rule.finding(post, m.span(), suggestions=[replacement] if replacement else [],
                           instead=f" Use {replacement!r} instead." if replacement else "")


def _reject_pattern(reject: tuple[tuple[str, str | None], ...]) -> Any:
    words = sorted((w for w, _ in reject), key=len, reverse=True)
    alternatives = "|".join(regex.escape(w).replace("'", "['’]").replace(r"\ ", r"\s+")
                            for w in words)
    return regex.compile(rf"(?<![\w#@])(?:{alternatives})(?!\w)", regex.IGNORECASE)
