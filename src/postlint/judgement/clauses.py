"""Clauses and quotes: how far a relation between a target and a predicate may reach.

Without a parser (no model downloads, and a draft must be checked in well under a second),
a clause is what lies between sentence punctuation or line breaks. Commas and colons do not
end a clause: "Immigrants, all of them: vermin." is one statement. Quotes are tracked so
that a statement inside quotation marks can be told apart from the post's own voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from .variants import Token

ENDS = frozenset(".!?;…。¿¡")
# opening mark -> the marks that close it ("„" closes with "”" in Polish, "“" in German)
QUOTES = {'"': '"', "“": "”“", "”": "”", "«": "»", "»": "«", "„": "”“", "‘": "’", "’": "’"}


@dataclass(frozen=True)
class Layout:
    """Per token: the clause it belongs to and whether it is inside quotation marks."""

    clause: tuple[int, ...]
    quoted: tuple[bool, ...]
    clause_start: tuple[int, ...]  # first token index of each clause

    def first_word(self, i: int, toks: tuple[Token, ...]) -> bool:
        """Is token i the first word of its clause (an order: "Kill them all")?"""
        start = self.clause_start[self.clause[i]]
        return all(not any(ch.isalnum() for ch in toks[k][0]) for k in range(start, i))


def layout(text: str, toks: tuple[Token, ...]) -> Layout:
    clause, quoted, starts = [], [], [0]
    current, inside, opener = 0, False, ""
    for i, tok in enumerate(toks):
        word = tok[0]
        if i and "\n" in text[toks[i - 1][4]:tok[3]]:
            current += 1
            starts.append(i)
        if word in QUOTES and word != "’":  # ’ is also an apostrophe: never opens
            if inside and word in QUOTES[opener]:
                inside = False
            elif not inside and word not in ("”", "»"):
                inside, opener = True, word
        clause.append(current)
        quoted.append(inside)
        if word in ENDS and not (i + 1 < len(toks) and toks[i + 1][0] in ENDS):
            current += 1  # "...", "?!": a run of end marks is one boundary
            starts.append(i + 1)
    return Layout(tuple(clause), tuple(quoted), tuple(starts))
