"""A phrase whose words may each have several readings.

A query phrase holds one lemma per word, the word's first reading, while the
index holds every reading of an ambiguous word at that word's position.  So
``"antirasistinen strategia"`` (strategia: strategi's partitive, or
strategia) missed *antirasistisen strategian*, which is only strategia.
``ReadingsPhrase`` keeps each position's readings: the engine matches a
position on any of them (one pass, ``Engine.phrase``) and scores each word
once.  Whoosh's own matcher, used only by tests and tools, ORs the first
``MAX_COMBINATIONS`` combinations.
"""

from __future__ import annotations

import itertools

from whoosh.query import Or, Phrase, Term

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
        return '%s:"%s"' % (self.fieldname, " ".join("|".join(r) for r in self.readings))

    __str__ = __unicode__

    def __repr__(self):
        return "%s(%r, %r, slop=%s, boost=%f)" % (
            type(self).__name__, self.fieldname, self.readings, self.slop, self.boost)

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
