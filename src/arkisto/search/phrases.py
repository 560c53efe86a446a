"""A phrase whose words may each have several readings.

A query phrase holds one lemma per word, the word's first reading, while the
index holds every reading of an ambiguous word at that word's position.  So
``"antirasistinen strategia"`` (strategia: strategi's partitive, or
strategia) missed *antirasistisen strategian*, which is only strategia.
``ReadingsPhrase`` keeps each position's readings: the engine matches a
position on any of them (one pass, ``Engine.phrase``) and scores each word
once.  Whoosh's own matcher, used only by tests and tools, ORs the first
``MAX_COMBINATIONS`` combinations.

``expand_phrases`` rewrites a parsed query's phrases so: readings, and the
abbreviation of a written-out name ("Helsingin seudun liikenne" -> HSL).
"""

from __future__ import annotations

import itertools
import re

from whoosh.query import Or, Phrase, Term

from .abbreviations import ABBREVIATIONS
from .analysis import analyse_word, analysed, backend_name
from .query import prepare_text
from .schema import TEXT_FIELDS

MAX_COMBINATIONS = 16


class ReadingsPhrase(Phrase):
    def __init__(self, fieldname, readings, slop=1, boost=1.0, char_ranges=None):
        self.readings = [tuple(r) for r in readings]
        super().__init__(fieldname, [r[0] for r in self.readings], slop=slop, boost=boost,
                         char_ranges=char_ranges)

    def __eq__(self, other):
        return super().__eq__(other) and self.readings == other.readings

    def __hash__(self):
        return super().__hash__() ^ hash(tuple(self.readings))

    def __unicode__(self):
        words = " ".join("|".join(r) for r in self.readings)
        return f'{self.fieldname}:"{words}"'

    __str__ = __unicode__

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {self.readings!r}, slop={self.slop}, boost={self.boost:f})"

    def terms(self, phrases=False):
        if phrases and self.field():
            for word in dict.fromkeys(w for r in self.readings for w in r):
                yield (self.field(), word)

    def normalize(self):
        if len(self.readings) == 1:
            return Or([Term(self.fieldname, w, boost=self.boost) for w in self.readings[0]]).normalize()
        return self

    def _combinations(self) -> list[Phrase]:
        combos = itertools.islice(itertools.product(*self.readings), MAX_COMBINATIONS)
        return [Phrase(self.fieldname, list(c), slop=self.slop, boost=self.boost) for c in combos]

    def matcher(self, searcher, context=None):
        return Or(self._combinations()).matcher(searcher, context)

    def docs(self, searcher):
        return Or(self._combinations()).docs(searcher)


def expand_phrases(q, text: str):
    """Each quoted phrase searches every reading of its ambiguous words
    (``ReadingsPhrase``; a quoted single word, all its readings),
    and a phrase that writes out an abbreviation ("Helsingin seudun
    liikenne") also searches the abbreviation (HSL)."""
    readings: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for m in re.finditer(r'"([^"]*)(?:"|$)', text):
        words = [lemmas for _a, _b, lemmas, _parts in analysed(prepare_text(m.group(1))) if lemmas]
        if words:
            readings[tuple(lm[0] for lm in words)] = words
    if not readings:
        return q
    abbreviations = _written_out()

    def fn(node):
        if isinstance(node, Term) and node.fieldname in TEXT_FIELDS and node.fieldname != "parts":
            words = readings.get((node.text,))
            if words and len(words[0]) > 1:  # a quoted single word
                return Or([Term(node.fieldname, w, boost=node.boost) for w in words[0]])
            return node
        if isinstance(node, Phrase) and node.fieldname in TEXT_FIELDS:
            key = tuple(node.words)
            words = readings.get(key)
            if not words:
                return node
            phrase = node
            if any(len(lm) > 1 for lm in words):
                phrase = ReadingsPhrase(node.fieldname, words, slop=node.slop, boost=node.boost,
                                        char_ranges=node.char_ranges)
            if key in abbreviations:
                return Or([phrase, Term(node.fieldname, abbreviations[key], boost=node.boost)])
            return phrase
        return node

    return q.accept(fn)


_WRITTEN_OUT: dict[str, dict[tuple[str, ...], str]] = {}


def _written_out() -> dict[tuple[str, ...], str]:
    """Each abbreviation's written-out form as the analyser's lemmas (one
    per word, as a query phrase holds them) -> the abbreviation's term."""
    name = backend_name()
    table = _WRITTEN_OUT.get(name)
    if table is None:
        table = {}
        for abbr, full in ABBREVIATIONS.items():
            key = tuple(lemmas[0] for _a, _b, lemmas, _p in analysed(prepare_text(full)) if lemmas)
            if len(key) >= 2:
                table.setdefault(key, analyse_word(abbr.upper())[0][0])
        _WRITTEN_OUT[name] = table
    return table
