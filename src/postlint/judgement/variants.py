"""Spelling variations of the judgement vocabulary, undone before matching.

Hate and abuse are written to slip past word lists: letters swapped or left out
("wmoen", "imigrants"), leet ("h4te", "v3rmin", "$cum"), letters repeated ("haaate"),
spaces added ("h a t e") or removed ("womenare"). `Respeller.respell` turns such tokens back
into the vocabulary word they spell, so the same entries match them.

What keeps this safe and fast:
- only words a variation could belong to are touched: a token is respelled only into a
  word of the vocabulary's targets and predicates (`Respeller.words`), never into an
  arbitrary dictionary word;
- one edit only (a deletion, an insertion, a substitution or a swap of two neighbours),
  found through a deletion index (each word with one letter removed -> the word), so a
  token costs a few dictionary lookups whatever the vocabulary's size;
- edits and splits only for tokens of at least `MIN_EDIT` letters that the language's
  dictionary does not know and that are not names: "duck" stays "duck";
- every answer is memoised per token, bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

Token = tuple[str, str, str, int, int]  # (text, lower, lemma, start, end), as phrases.tokens

MIN_EDIT = 5  # shorter words have too many innocent one-edit neighbours (hate/hare/gate)
MIN_SPLIT = 6  # "womenare": two words run together
MIN_RUN = 3  # "h a t e": single letters in a row
MEMO_LIMIT = 100_000
LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "|": "i", "0": "o",
                      "5": "s", "$": "s", "7": "t", "+": "t", "€": "e"})
LEET_CHARS = set("4@31!|05$7+€")
# What marks a word worth respelling before any dictionary is asked (see `disguised`): a
# digit or symbol between letters, a leading digit or `$` before 3+ letters, a letter
# repeated three times. Asked per whitespace chunk, so a queue pays once per distinct chunk.
DISGUISED = re.compile(
    r"(?i)[^\W\d_][0-9$!|+€]+[^\W\d_]"          # h4te, sh!t (not a55 or 10am)
    r"|[^\W\d_]@[^\W\d_]+(?![\w.]*\.\w)"          # h@te, not an e-mail address
    r"|^[^\w@#]*[0-9$][^\W\d_]{3,}"                # $cum, 5cum (not @mentions)
    r"|([^\W\d_w])\1\1")                            # haaate (not www)
# Letters spaced out across chunks ("h a t e", "h.a.t.e"): the one check on the whole text.
SPACED = re.compile(r"(?:^|\s)[^\W\d_][ .*_-][^\W\d_][ .*_-][^\W\d_](?:[ .*_-]|$)")


@dataclass
class Respeller:
    """Undo spelling variations of `words` in one language.

    `words`: the plain words of the targets and predicates (every inflected form the entries
    accept); `stems`: their `stem*` entries; `knows(word)`: the language's dictionary;
    `lemma(word)`: its lemma table, so a respelled token matches lemma entries too.
    """

    words: frozenset[str]
    stems: frozenset[str]
    knows: Callable[[str], bool]
    lemma: Callable[[str], str]
    _deletes: dict[str, str | None] = field(default_factory=dict)
    _stem_deletes: dict[str, str] = field(default_factory=dict)  # a stem less one letter -> stem
    _stem_lengths: tuple[int, ...] = ()
    _memo: dict[str, str | tuple[str, str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for word in self.words:
            if len(word) >= MIN_EDIT - 1:
                for variant in _deletes(word):
                    # two words one deletion apart from the same string: ambiguous, no answer
                    self._deletes[variant] = word if self._deletes.get(variant, word) == word else None
        self._stem_lengths = tuple(sorted({len(s) for s in self.stems}))
        for stem in self.stems:
            for variant in _deletes(stem):
                self._stem_deletes.setdefault(variant, stem)

    # --- one token ------------------------------------------------------------------------

    def fix(self, text: str) -> str | tuple[str, str] | None:
        """The vocabulary word `text` spells (or two words run together), or None."""
        found = self._memo.get(text, False)
        if found is False:
            found = self._fix(text)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[text] = found
        return found

    def _fix(self, text: str) -> str | tuple[str, str] | None:
        if not _may_be_respelled(text):
            return None
        lower = text.lower()
        if any(ch in LEET_CHARS for ch in lower):
            plain = lower.translate(LEET)
            if plain.isalpha() and plain != lower:
                return self._vocab(plain) or self._edited(plain)
            return None
        if not lower.isalpha() or self._vocab(lower):
            return None
        if self.knows(lower):
            return None  # most words: known, and no variation of anything
        squeezed = re.sub(r"(.)\1{2,}", r"\1", lower)
        if squeezed != lower:  # "haaate", "fuuuck": three or more of a letter
            found = self._vocab(squeezed) or self._vocab(re.sub(r"(.)\1{2,}", r"\1\1", lower))
            if found or self.knows(squeezed):
                return found  # "debiuuut" is "debiut", not one edit from "debilu"
            return self._edited(squeezed)
        if len(lower) < MIN_EDIT:
            return None
        return self._edited(lower) or self._split(lower)

    def _vocab(self, word: str) -> str | None:
        if word in self.words:
            return word
        for n in self._stem_lengths:
            if n > len(word):
                break
            if word[:n] in self.stems:
                return word
        return None

    def _edited(self, word: str) -> str | None:
        """The one vocabulary word one edit away from `word`, if there is exactly one."""
        if len(word) < MIN_EDIT:
            return None
        deletes = _deletes(word)
        found = {self._deletes.get(word)}  # a letter missing from the word
        found |= {w for w in (self._deletes.get(d) for d in deletes) if w}  # substitution
        found |= {d for d in deletes if d in self.words}  # a letter too many
        found |= {s for s in _swaps(word) if s in self.words}
        found.discard(None)
        if len(found) == 1:
            return found.pop()
        return self._edited_stem(word) if not found else None

    def _edited_stem(self, word: str) -> str | None:
        """A word whose beginning is one edit from a `stem*` entry (imigrantów -> imigran*)."""
        for n in self._stem_lengths:
            if n + 1 > len(word):
                break
            head, swap_head = word[:n + 1], word[:n]
            for variant in _deletes(head):  # one letter too many in the stem
                if variant in self.stems:
                    return variant + word[n + 1:]
            for variant in _swaps(swap_head):
                if variant in self.stems:
                    return variant + word[n:]
            stem = self._stem_deletes.get(word[:n - 1])  # one letter missing
            if stem is not None and len(stem) == n:
                return stem + word[n - 1:]
        return None

    def _split(self, word: str) -> tuple[str, str] | None:
        """Two words run together ("womenare", "ihate"): one a vocabulary word, the other a
        word of the dictionary."""
        if len(word) < MIN_SPLIT:
            return None
        for i in range(1, len(word)):
            head, tail = word[:i], word[i:]
            if (self._vocab(head) and len(head) >= 4 and _piece(tail, self)) or (
                    self._vocab(tail) and len(tail) >= 4 and _piece(head, self)):
                return head, tail
        return None

    # --- a post's tokens --------------------------------------------------------------------

    def respell(self, text: str, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
        """`tokens` with spelling variations undone: spaced letters joined, symbols and
        digits inside words read as letters, then each token respelled (`fix`)."""
        tokens = _join_letters(text, tokens)
        tokens = _join_leet(text, tokens)
        out: list[Token] = []
        for tok in tokens:
            fixed = self.fix(tok[0]) if _may_be_respelled(tok[0]) else None
            if fixed is None:
                out.append(tok)
            elif isinstance(fixed, tuple):  # two words: split the span where they meet
                head, tail = fixed
                cut = tok[3] + len(head)
                out.append((head, head, self.lemma(head), tok[3], cut))
                out.append((tail, tail, self.lemma(tail), cut, tok[4]))
            else:
                out.append((fixed, fixed, self.lemma(fixed), tok[3], tok[4]))
        return tuple(out)


def spaced(text: str) -> bool:
    """Letters spaced out ("h a t e"): a whole-text check, since each letter is a chunk."""
    return SPACED.search(text) is not None


def disguised(chunk: str) -> bool:
    """Symbols, digits or repeats that could hide a vocabulary word in one chunk."""
    return DISGUISED.search(chunk) is not None


def _piece(word: str, respeller: Respeller) -> bool:
    """The other half of two words run together: a known word of one letter ("ihate") or
    of three or more ("womenare"); two-letter words make bad cuts ("es"+"tupidas")."""
    return len(word) != 2 and (respeller.knows(word) or respeller._vocab(word) is not None)


def _may_be_respelled(text: str) -> bool:
    """Lower case, upper case (shouting), or capitalised: not CamelCase brand names, not
    @mentions, #hashtags or URLs."""
    if len(text) < 3 or text[0] in "@#" or "/" in text:
        return False
    rest = text[1:]
    return rest.lower() == rest or rest.upper() == rest


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _swaps(word: str) -> set[str]:
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)
            if word[i] != word[i + 1]}


def _join_letters(text: str, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """"h a t e", "h.a.t.e": runs of single letters, each followed by one space or one of
    `.*_-`, become one token."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        last = i  # index of the last letter of the run
        j = i
        while j < len(tokens) and len(tokens[j][0]) == 1 and tokens[j][0].isalpha():
            last = j
            nxt = j + 1
            if nxt < len(tokens) and tokens[nxt][0] in ".*_-" and tokens[nxt][3] == tokens[j][4]:
                nxt += 1  # a dot or dash right after the letter
            if nxt >= len(tokens) or text[tokens[nxt - 1][4]:tokens[nxt][3]] not in ("", " "):
                break
            j = nxt
        letters = [t for t in tokens[i:last + 1] if t[0].isalpha()]
        if len(letters) >= MIN_RUN and tokens[i][0].isalpha() and len(tokens[i][0]) == 1:
            word = "".join(t[0] for t in letters).lower()
            out.append((word, word, word, letters[0][3], letters[-1][4]))
            i = last + 1
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


LEET_WORD = re.compile(r"[$@]?[^\W_]+(?:[@$!|+€]+[^\W_]+)+|[$@][^\W\d_]{2,}")
MAX_CHUNK = 12  # tokens joined into one word at most (bounded work on "!!!!!!...")


def _join_leet(text: str, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Tokens that touch with leet symbols between letters ("sh!t" is "sh", "!", "t";
    "h@te" is "h", "@te"; "$cum" is "$", "cum") become one token, which `fix` then reads.
    Punctuation after a word ("Hello!") stays a token of its own."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and j - i < MAX_CHUNK and tokens[j + 1][3] == tokens[j][4]:
            j += 1
        while j > i and not tokens[j][0][-1].isalnum():
            j -= 1
        word = text[tokens[i][3]:tokens[j][4]]
        if j > i and LEET_WORD.fullmatch(word):
            out.append((word, word.lower(), word.lower(), tokens[i][3], tokens[j][4]))
            i = j + 1
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)
