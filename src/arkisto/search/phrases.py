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

import copy
import itertools
import re

from whoosh.query import NullQuery, Or, Phrase, Term

from .abbreviations import ABBREVIATIONS, capitals_only
from .analysis import analyse_word, analysed, backend_name
from .query import prepare_text
from .schema import FINNISH_FIELDS as TEXT_FIELDS

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

    def replace(self, fieldname, oldtext, newtext):
        q = copy.copy(self)
        if q.fieldname == fieldname:
            q.readings = [tuple(newtext if w == oldtext else w for w in r) for r in q.readings]
            q.words = [r[0] for r in q.readings]
        return q

    def normalize(self):
        if not self.readings:
            return NullQuery
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


def expand_phrases(q, text: str, typed: str | None = None):
    """Each quoted phrase of ``text`` (the query with its added forms)
    searches every reading of its ambiguous words (``ReadingsPhrase``; a
    quoted single word, all its readings at its fields' weights).  A phrase
    the user typed (``typed``) that writes out an abbreviation ("Helsingin
    seudun liikenne") also searches the abbreviation (HSL, also as a
    compound part: HSL-alueen)."""
    readings = _quoted_readings(text)
    if not readings:
        return q
    typed_keys = set(_quoted_readings(typed)) if typed is not None else set(readings)
    abbreviated: set[tuple[str, ...]] = set()

    def fn(node):
        if isinstance(node, Term) and node.fieldname in TEXT_FIELDS and (node.boost or 1.0) == 1.0:
            words = readings.get((node.text,))
            if words:  # a quoted single word: Whoosh made it a Term without its field's weight
                boost = TEXT_FIELDS[node.fieldname]
                return Or([Term(node.fieldname, w, boost=boost) for w in words[0]]) if len(words[0]) > 1 \
                    else Term(node.fieldname, node.text, boost=boost)
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
            abbr = _abbreviation_of(words) if key in typed_keys else None
            if abbr is None:
                return phrase
            alts = [phrase, Term(node.fieldname, abbr, boost=node.boost)]
            if key not in abbreviated:
                abbreviated.add(key)
                alts.append(Term("parts", abbr, boost=TEXT_FIELDS["parts"] * node.boost))
            return Or(alts)
        return node

    return q.accept(fn)


def _quoted_readings(text: str) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Each quoted phrase's readings per word, by its first readings."""
    out: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for m in re.finditer(r'"([^"]*)(?:"|$)', text):
        words = [lemmas for _a, _b, lemmas, _parts in analysed(prepare_text(m.group(1))) if lemmas]
        if words:
            out[tuple(lm[0] for lm in words)] = words
    return out


_WRITTEN_OUT: dict[str, list[tuple[list[frozenset[str]], str]]] = {}


def _abbreviation_of(words: list[tuple[str, ...]]) -> str | None:
    """The abbreviation a phrase writes out, as its index term, or None.  A
    word matches when its readings and the form's share one (korkeimman:
    korkki|korkea, korkein: korkea)."""
    name = backend_name()
    table = _WRITTEN_OUT.get(name)
    if table is None:
        table = []
        for abbr, full in ABBREVIATIONS.items():
            if capitals_only(abbr):
                continue
            form = [frozenset(lemmas) for _a, _b, lemmas, _p in analysed(prepare_text(full)) if lemmas]
            if len(form) >= 2:
                table.append((form, analyse_word(abbr.upper())[0][0]))
        _WRITTEN_OUT[name] = table
    for form, term in table:
        if len(form) == len(words) and all(f & set(w) for f, w in zip(form, words)):
            return term
    return None
