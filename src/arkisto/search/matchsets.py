"""Match sets: the documents a query matches, as Python sets, computed from
posting lists with set algebra instead of walking Whoosh's compound matchers
one document at a time.

Counting facets and the total needs every match, not only the top ten, and
Whoosh's matchers do that in Python per document and per field.  Here each
term's posting list is read once (in blocks) into a set, kept in a bounded
cache for the generation (typing "hank", "hanke", "hanke rah…" reuses the
sets), and And/Or/Not become C-level set operations.  Positional queries
(phrases) are checked by Whoosh, but only after the cheap intersection of
their words says they can match at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class TermSetCache:
    """(field, term) -> frozenset of docnums, LRU-bounded by total size."""

    def __init__(self, budget: int = 3_000_000):
        self.budget = budget
        self.size = 0
        self._data: OrderedDict[tuple[str, bytes | str], frozenset[int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader, field: str, text) -> frozenset[int]:
        key = (field, text)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        from whoosh.reading import TermNotFound

        try:
            docs = frozenset(reader.postings(field, text).all_ids())
        except (KeyError, TermNotFound):  # the term is not in the index
            docs = frozenset()
        with self._lock:
            if key not in self._data and len(docs) <= self.budget:
                self._data[key] = docs
                self.size += len(docs)
                while self.size > self.budget and self._data:
                    _k, old = self._data.popitem(last=False)
                    self.size -= len(old)
        return docs


def match_set(q, searcher, cache: TermSetCache, all_docs) -> set[int] | frozenset[int]:
    """Every document ``q`` matches (deleted documents excluded)."""
    from whoosh import query as wq

    reader = searcher.reader()

    def docs(node):
        if isinstance(node, wq.Term):
            if node.fieldname not in searcher.schema:
                return frozenset()
            text = node.text
            if isinstance(text, str):
                text = searcher.schema[node.fieldname].to_bytes(text)
            return cache.get(reader, node.fieldname, text)
        if isinstance(node, wq.Every):
            return all_docs()
        if node is wq.NullQuery or type(node).__name__ == "_NullQuery":
            return frozenset()
        if isinstance(node, wq.And):
            parts = sorted((docs(c) for c in node.subqueries), key=len)
            if not parts:
                return frozenset()
            out = set(parts[0])
            for p in parts[1:]:
                out &= p
                if not out:
                    break
            return out
        if isinstance(node, (wq.Or, wq.DisjunctionMax)):
            out: set[int] = set()
            for c in node.subqueries:
                out |= docs(c)
            return out
        if isinstance(node, wq.AndNot):
            return set(docs(node.a)) - docs(node.b)
        if isinstance(node, wq.Require):
            return set(docs(node.a)) & docs(node.b)
        if isinstance(node, wq.AndMaybe):
            return docs(node.a)
        if isinstance(node, wq.Not):
            return set(all_docs()) - docs(node.query)
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
            if node.fieldname not in searcher.schema:
                return frozenset()
            out = set()
            for i, btext in enumerate(node._btexts(reader)):
                if i >= 2000:  # a prefix like "a*": stop expanding
                    break
                out |= cache.get(reader, node.fieldname, btext)
            return out
        if isinstance(node, wq.Phrase):
            words = [wq.Term(node.fieldname, w) for w in node.words]
            if not words or not docs(wq.And(words)):
                return frozenset()
        # Anything else (phrases, spans, ranges): ask Whoosh.
        return set(searcher.docs_for_query(node))

    return docs(q)
