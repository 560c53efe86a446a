"""Matching, ranking and counting over arrays built from Whoosh's postings.

Whoosh stores the index and parses the query; this module answers it.  Its
matchers walk posting lists one document at a time in Python, and asking
for facet counts switches off their top-k shortcut, so at 100,000 decisions a
search spent most of its time there.  Here:

- each term's posting list is read once per index generation, block by
  block, into a sorted array of document numbers and an array of its BM25
  contributions (bounded LRU cache: typing "hank", "hanke", "hanke rah…"
  reuses them);
- a query's matches are a boolean array per document, and And/Or/Not are
  array operations;
- a phrase is checked with its words' positions as arrays of
  (document, position) keys, in the documents that have all its words;
- the score of a document is the sum of its matching terms' BM25F
  contributions, exactly as Whoosh's BM25F (B=0.75, K1=1.2, idf
  ``log(N/(df+1))+1``, field lengths quantised to a byte) sums them through
  And/Or, so the ranking is Whoosh's ranking;
- facets are per-document ordinals counted with ``bincount``, and the date
  order is a rank per document, both built once per generation.

Nothing outside the search service sees these types.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

K1 = 1.2
B = 0.75

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)


def _length_table() -> np.ndarray:
    from whoosh.util.numeric import byte_to_length

    return np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)


class _SizedLRU:
    """A thread-safe LRU map bounded by the total size of its values (a
    value's size is ``size(value)``; a value bigger than the budget is not
    kept)."""

    def __init__(self, budget: int, size=len):
        self.budget = budget
        self.used = 0
        self._size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key, value):
        n = self._size(value)
        with self._lock:
            if key not in self._data and n <= self.budget:
                self._data[key] = value
                self.used += n
                while self.used > self.budget and self._data:
                    _k, old = self._data.popitem(last=False)
                    self.used -= self._size(old)
        return value

    def __len__(self) -> int:
        return len(self._data)


def _is_null(node) -> bool:
    return type(node).__name__ in ("NullQuery", "_NullQuery")


class Engine:
    """Arrays for one opened index generation.  Methods take the calling
    thread's Whoosh reader or searcher (they are not thread-safe); the
    engine's own caches are shared and locked."""

    def __init__(self, reader, budget: int = 8_000_000):
        self.n = reader.doc_count_all()
        self.budget = budget
        self._lock = threading.Lock()
        # (field, term) -> (docnums, BM25F contributions), by postings held
        self._terms = _SizedLRU(budget, size=lambda v: len(v[0]))
        # (field, words, slop) -> match mask, by count
        self._phrases = _SizedLRU(64, size=lambda v: 1)
        # (field, term) -> (document, position) keys, by keys held
        self.positions_budget = 4_000_000
        self._positions = _SizedLRU(self.positions_budget)
        self._phrase_words: dict[tuple, int] = {}  # how often a word was in a phrase
        self._lengths: dict[str, np.ndarray] = {}
        live = np.ones(self.n, dtype=bool)
        for seg, base in reader.leaf_readers():
            if seg.has_deletions():
                dead = np.fromiter(seg._perdoc.deleted_docs(), dtype=np.int64)
                live[dead + base] = False
        self.live = live
        self.facets: FacetArrays | None = None
        self._date_rank: dict[str, np.ndarray] | None = None

    # --- postings -----------------------------------------------------------------

    def _read(self, reader, field: str, btext: bytes, values: bool = False):
        """(docnums, weights[, values]) of one term over every segment, live
        documents only.  ``values`` are the raw posting values (positions)."""
        fmt = reader.schema[field].format
        id_parts, w_parts, v_parts = [], [], []
        for seg, base in reader.leaf_readers():
            terms = getattr(seg, "_terms", None)
            if terms is None:  # not a segment of the whoosh3 codec: go through its API
                m = _generic_matcher(seg, field, btext)
                if m is None:
                    continue
                ids, ws, vs = [], [], []
                while m.is_active():
                    ids.append(m.id())
                    ws.append(m.weight())
                    if values:
                        vs.append(m.value())
                    m.next()
                id_parts.append(np.asarray(ids, dtype=np.int64) + base)
                w_parts.append(np.asarray(ws, dtype=np.float64))
                v_parts.extend(vs)
                continue
            try:
                ti = terms.term_info(field, btext)
            except (KeyError, LookupError):
                continue
            except Exception as exc:  # TermNotFound
                if type(exc).__name__ == "TermNotFound":
                    continue
                raise
            if ti.is_inlined():
                ids, ws, vs = ti.inlined_postings()
                id_parts.append(np.asarray(ids, dtype=np.int64) + base)
                w_parts.append(np.asarray(ws, dtype=np.float64))
                if values:
                    v_parts.extend(vs)
                continue
            offset, length = ti.extent()
            if isinstance(length, tuple):  # W3TermInfo keeps struct.unpack's 1-tuple
                length = length[0]
            raw = terms._postfile.get(offset, length)
            for ids, ws, vs in _blocks(raw, fmt, values):
                id_parts.append(ids + base)
                w_parts.append(ws)
                if values:
                    v_parts.extend(vs)
        if not id_parts:
            return (_EMPTY_IDS, _EMPTY_F, np.empty(0, dtype=object)) if values else (_EMPTY_IDS, _EMPTY_F)
        ids = np.concatenate(id_parts)
        ws = np.concatenate(w_parts)
        vals = None
        if values:
            vals = np.empty(len(v_parts), dtype=object)
            vals[:] = v_parts
        keep = self.live[ids]
        if not keep.all():
            ids, ws = ids[keep], ws[keep]
            if values:
                vals = vals[keep]
        ids = ids.astype(np.int32)
        return (ids, ws, vals) if values else (ids, ws)

    def term(self, searcher, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, BM25F contribution at boost 1) of one term, cached."""
        hit = self._terms.get((field, btext))
        if hit is not None:
            return hit
        ids, tf = self._read(searcher.reader(), field, btext)
        return self._remember(searcher, field, btext, ids, tf)

    def term_values(self, searcher, field: str, btext: bytes):
        """(docnums, BM25F contribution, raw posting values) of one term; the
        first two are cached as by ``term``."""
        ids, tf, vals = self._read(searcher.reader(), field, btext, values=True)
        ids, part = self._remember(searcher, field, btext, ids, tf)
        return ids, part, vals

    def _remember(self, searcher, field, btext, ids, tf):
        reader = searcher.reader()
        fobj = reader.schema[field]
        if len(ids) and fobj.scorable:
            idf = searcher.idf(field, btext)
            avgfl = searcher.avg_field_length(field) or 1
            fl = self._field_lengths(reader, field)[ids]
            part = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        else:
            part = tf
        return self._terms.put((field, btext), (ids, part))

    def _field_lengths(self, reader, field: str) -> np.ndarray:
        lens = self._lengths.get(field)
        if lens is not None:
            return lens
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        out = np.zeros(self.n, dtype=np.uint8)
        for seg, base in reader.leaf_readers():
            perdoc = getattr(seg, "_perdoc", None)
            count = seg.doc_count_all()
            if perdoc is not None and perdoc.has_column(_lenfield(field)):
                col = perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
                out[base:base + count] = _column_array(col, count)
            else:
                from whoosh.util.numeric import length_to_byte

                for d in range(count):
                    out[base + d] = length_to_byte(seg.doc_field_length(d, field) or 0)
        lens = _length_table()[out]
        self._lengths[field] = lens
        return lens

    def mask(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        m[ids] = True
        return m

    # --- matching -----------------------------------------------------------------

    def match(self, searcher, q) -> np.ndarray:
        """A boolean array: which documents ``q`` matches (live ones only)."""
        from whoosh import query as wq

        schema = searcher.schema

        def docs(node) -> np.ndarray:
            if isinstance(node, wq.Term):
                if node.fieldname not in schema:
                    return np.zeros(self.n, dtype=bool)
                return self.mask(self.term(searcher, node.fieldname, _btext(schema, node))[0])
            if isinstance(node, wq.Every):
                return self.live.copy()
            if _is_null(node):
                return np.zeros(self.n, dtype=bool)
            if isinstance(node, wq.And):
                subs = node.subqueries
                if not subs:
                    return np.zeros(self.n, dtype=bool)
                out = docs(subs[0])
                for c in subs[1:]:
                    if not out.any():
                        break
                    out &= docs(c)
                return out
            if isinstance(node, (wq.Or, wq.DisjunctionMax)):
                out = np.zeros(self.n, dtype=bool)
                for c in node.subqueries:
                    out |= docs(c)
                return out
            if isinstance(node, wq.AndNot):
                return docs(node.a) & ~docs(node.b)
            if isinstance(node, wq.Require):
                return docs(node.a) & docs(node.b)
            if isinstance(node, wq.AndMaybe):
                return docs(node.a)
            if isinstance(node, wq.Not):
                return self.live & ~docs(node.query)
            if isinstance(node, wq.ConstantScoreQuery):
                return docs(node.child)
            if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
                out = np.zeros(self.n, dtype=bool)
                if node.fieldname in schema:
                    for ids, _part in self._expanded(searcher, node):
                        out[ids] = True
                return out
            if isinstance(node, wq.Phrase):
                return self.phrase(searcher, node)
            # Anything else (ranges, spans): ask Whoosh.
            out = np.zeros(self.n, dtype=bool)
            ids = np.fromiter(searcher.docs_for_query(node), dtype=np.int64)
            out[ids] = True
            return out & self.live

        return docs(q)

    # A pattern (prefix*, fuzzy~) with more expansions than this reads them
    # past the term cache (they would push everything else out of it) and
    # scores a constant instead of their BM25 sum.
    MANY_EXPANSIONS = 64

    def _expanded(self, searcher, node):
        """(docnums, BM25F contribution) of every word a pattern expands to,
        all of them (a prefix like "k*" can expand to thousands)."""
        reader = searcher.reader()
        fobj = reader.schema[node.fieldname]
        exps = [fobj.to_bytes(b) if isinstance(b, str) else b for b in node._btexts(reader)]
        if len(exps) <= self.MANY_EXPANSIONS:
            return [self.term(searcher, node.fieldname, b) for b in exps]
        out = []
        for b in exps:
            hit = self._terms.get((node.fieldname, b))
            if hit is None:
                ids, _tf = self._read(reader, node.fieldname, b)
                hit = (ids, None)
            out.append(hit)
        return out

    def phrase(self, searcher, node) -> np.ndarray:
        """Documents where the phrase's words stand in order, at most
        ``slop`` positions apart: the intersection of the words' documents,
        then their positions in those documents only."""
        schema = searcher.schema
        field = node.fieldname
        empty = np.zeros(self.n, dtype=bool)
        if field not in schema or not node.words:
            return empty
        fobj = schema[field]
        # Each position's words: one, or the readings of an ambiguous word
        # (phrases.ReadingsPhrase), any of which matches there.
        readings = getattr(node, "readings", None) or [(w,) for w in node.words]
        slots = [tuple(fobj.to_bytes(w) if isinstance(w, str) else w for w in r) for r in readings]
        key = (field, tuple(slots), node.slop)
        hit = self._phrases.get(key)
        if hit is not None:
            return hit.copy()
        # Each word's documents, and its positions: cached keys, or the raw
        # posting values to decode.  A word's positions are decoded whole
        # and cached from its second phrase on (typing a phrase repeats its
        # words); the first time only in the documents that can match.
        fmt = fobj.format
        # Documents first, from what costs nothing to know (cached term
        # documents and document frequencies): a phrase whose words never
        # meet, as for most written-out abbreviations, ends here, cached.
        reader = searcher.reader()
        cand = self.live.copy()
        for slot in slots:
            here = np.zeros(self.n, dtype=bool)
            known = True
            for w in slot:
                cached = self._terms.get((field, w))
                if cached is not None:
                    here[cached[0]] = True
                elif reader.doc_frequency(field, w):
                    known = False
            if known:
                cand &= here
            if not cand.any():
                return self._phrases.put(key, empty).copy()
        words_data = {}
        for slot in slots:
            here = np.zeros(self.n, dtype=bool)
            for w in slot:
                if w not in words_data:
                    k = self._positions.get((field, w))
                    if k is not None:
                        words_data[w] = (k, np.unique(k >> 32), None)
                    else:
                        ids, _part, vals = self.term_values(searcher, field, w)
                        words_data[w] = (None, ids, vals)
                here[words_data[w][1]] = True
            cand &= here
            if not cand.any():
                return self._phrases.put(key, empty).copy()
        if len(slots) > 1:
            keys_of = {}
            for w, (k, ids, vals) in words_data.items():
                if k is None:
                    with self._lock:
                        again = self._phrase_words.get((field, w), 0)
                        if len(self._phrase_words) > 50_000:
                            self._phrase_words.clear()
                        self._phrase_words[(field, w)] = again + 1
                    # Whole, to cache, unless too big for the cache anyway.
                    if again >= PHRASE_CACHE_AFTER and len(ids) * 4 <= self.positions_budget:
                        k = self._positions.put((field, w), _keys(fmt, ids, vals))
                    else:
                        sel = np.flatnonzero(cand[ids])
                        k = _keys(fmt, ids[sel], vals[sel])
                keys_of[w] = k[cand[k >> 32]]
            keys = [_union_sorted([keys_of[w] for w in slot]) for slot in slots]
            ends = keys[0]
            slop = max(1, int(node.slop))
            for k in keys[1:]:
                ends = np.unique(np.concatenate([np.intersect1d(ends + d, k, assume_unique=True)
                                                 for d in range(1, slop + 1)]))
                if not len(ends):
                    break
            cand = np.zeros(self.n, dtype=bool)
            cand[(ends >> 32)] = True
        return self._phrases.put(key, cand).copy()

    # --- scoring ------------------------------------------------------------------

    def scores(self, searcher, q) -> np.ndarray:
        """Each document's score for ``q``: the sum of the BM25F contributions
        of the terms it contains, times the boosts above them, as Whoosh sums
        them through And/Or; a phrase's words only where the phrase matches in
        that field.  A NOT adds its boost where it matches, as in Whoosh;
        filters add nothing.  A prefix or fuzzy term scores the BM25 sum of
        the words it expands to, times its field's boost (Whoosh drops the
        boost when there is one expansion, and scores a constant on small
        indexes), or, past ``MANY_EXPANSIONS`` words, its boost as a
        constant."""
        from whoosh import query as wq

        schema = searcher.schema
        acc = np.zeros(self.n, dtype=np.float64)

        def walk(node, boost: float) -> None:
            boost *= getattr(node, "boost", 1.0) or 1.0
            if isinstance(node, wq.Term):
                if node.fieldname in schema:
                    ids, part = self.term(searcher, node.fieldname, _btext(schema, node))
                    acc[ids] += part * boost
            elif isinstance(node, wq.Phrase):
                if node.fieldname in schema:
                    # The words score only where the phrase matches in this
                    # field (its mask is cached).
                    where = self.phrase(searcher, node)
                    fobj = schema[node.fieldname]
                    readings = getattr(node, "readings", None) or [(w,) for w in node.words]
                    for w in dict.fromkeys(w for r in readings for w in r):
                        ids, part = self.term(searcher, node.fieldname, fobj.to_bytes(w) if isinstance(w, str) else w)
                        sel = where[ids]
                        acc[ids[sel]] += part[sel] * boost
            elif isinstance(node, (wq.And, wq.Or, wq.DisjunctionMax)):
                for c in node.subqueries:
                    walk(c, boost)
            elif isinstance(node, (wq.AndNot, wq.Require)):
                walk(node.a, boost)
            elif isinstance(node, wq.AndMaybe):
                walk(node.a, boost)
                walk(node.b, boost)
            elif isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
                if node.fieldname in schema:
                    expanded = self._expanded(searcher, node)
                    if len(expanded) <= self.MANY_EXPANSIONS:
                        for ids, part in expanded:  # the expansions' BM25 sum
                            acc[ids] += part * boost
                    else:  # too many to score: a constant where any matches
                        m = np.zeros(self.n, dtype=bool)
                        for ids, _part in expanded:
                            m[ids] = True
                        acc[m] += boost
            elif isinstance(node, wq.Not):
                # As Whoosh: a constant where the negation matches.
                acc[self.live & ~self.match(searcher, node.query)] += boost
            # ConstantScoreQuery (facet filters), Every, ranges: no score.

        walk(q, 1.0)
        return acc

    @staticmethod
    def top(cand: np.ndarray, keys: np.ndarray, k: int, descending: bool) -> np.ndarray:
        """The ``k`` candidates with the best keys, ties broken by the lower
        document number, in order."""
        if k <= 0 or not len(cand):
            return cand[:0]
        sk = -keys if descending else keys
        if len(cand) > k:
            thr = np.partition(sk, k - 1)[k - 1]
            sel = sk <= thr  # every tie at the threshold stays in
            cand, sk = cand[sel], sk[sel]
        order = np.lexsort((cand, sk))[:k]
        return cand[order]

    # --- date order ---------------------------------------------------------------

    def date_rank(self, reader, newest: bool) -> np.ndarray:
        """Each document's place in the date order (newest or oldest first;
        undated last, in document order), built once per generation."""
        if self._date_rank is None:
            keys = np.zeros(self.n, dtype=np.uint64)
            dated = np.zeros(self.n, dtype=bool)
            if "date" in reader.schema and reader.schema["date"].column_type is not None:
                missing = getattr(reader.schema["date"].column_type, "_default", None)
                for seg, base in reader.leaf_readers():
                    count = seg.doc_count_all()
                    if not seg.has_column("date"):
                        continue
                    col = seg.column_reader("date", translate=False)
                    vals = _column_array(col, count)
                    keys[base:base + count] = vals
                    dated[base:base + count] = vals != (missing if missing is not None else 0)
            d_idx = np.flatnonzero(dated)
            u_idx = np.flatnonzero(~dated)
            asc = d_idx[np.argsort(keys[d_idx], kind="stable")]
            ranks = {}
            for name, seq in (("newest", np.concatenate([asc[::-1], u_idx])),
                              ("oldest", np.concatenate([asc, u_idx]))):
                r = np.empty(self.n, dtype=np.int64)
                r[seq] = np.arange(self.n)
                ranks[name] = r
            self._date_rank = ranks
        return self._date_rank["newest" if newest else "oldest"]


class FacetArrays:
    """Facet values per document as ordinals: single-valued facets one
    ordinal per document (0 = none), multi-valued ones (document, ordinal)
    pairs.  Counting over a match mask is one ``bincount``."""

    def __init__(self, engine: Engine, reader, facets: dict[str, tuple[str, bool]]):
        n = engine.n
        self.known: dict[str, list[str]] = {}
        self.single: dict[str, np.ndarray] = {}
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for facet, (fieldname, multi) in facets.items():
            known: list[str] = []
            if fieldname not in reader.schema:
                self.known[facet] = known
                self.single[facet] = np.zeros(n, dtype=np.int32)
                continue
            ords = np.zeros(n, dtype=np.int32)
            pdocs, pords = [], []
            for btext in reader.lexicon(fieldname):
                known.append(btext.decode("utf-8"))
                ids, _w = engine._read(reader, fieldname, btext)
                if multi:
                    pdocs.append(ids)
                    pords.append(np.full(len(ids), len(known), dtype=np.int32))
                else:
                    ords[ids] = len(known)
            self.known[facet] = known
            if multi:
                self.pairs[facet] = (
                    np.concatenate(pdocs) if pdocs else _EMPTY_IDS,
                    np.concatenate(pords) if pords else _EMPTY_IDS,
                )
            else:
                self.single[facet] = ords

    def count(self, facet: str, mask: np.ndarray) -> dict[str, int]:
        known = self.known[facet]
        if facet in self.pairs:
            pdocs, pords = self.pairs[facet]
            counts = np.bincount(pords[mask[pdocs]], minlength=len(known) + 1)
        else:
            counts = np.bincount(self.single[facet][mask], minlength=len(known) + 1)
        nz = np.flatnonzero(counts[1:])
        return {known[i]: int(counts[i + 1]) for i in nz.tolist()}


_K, _M, _J = ord("K"), ord("M"), ord("J")

# Once a word has been in this many earlier phrases, its positions are
# decoded whole and cached (typing a phrase repeats its words).
PHRASE_CACHE_AFTER = 1


def _positions(fmt, docs: np.ndarray, vals: list[bytes], cap: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """See ``_positions_unchecked``; values that do not decode raise
    UnsafeIndexData (a damaged index), never a TypeError."""
    from .safe_pickle import UnsafeIndexData

    try:
        return _positions_unchecked(fmt, docs, vals, cap)
    except (TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
        raise UnsafeIndexData(f"positions do not decode ({type(exc).__name__})") from None


def _positions_unchecked(fmt, docs: np.ndarray, vals: list[bytes], cap: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """(doc, position) pairs of one term in the given documents, decoded in
    bulk.  Whoosh's Positions format stores a posting's positions as a
    4-byte count and a pickled list of deltas: ``\\x80\\x02]q\\x00`` then
    ``(`` and one BININT1/BININT2/BININT opcode (K/M/J) per delta and ``e``,
    or the single opcode and ``a``; the final STOP may be missing.

    Most postings have any opcode first (the first position is absolute)
    and one-byte K deltas after it: those are read in one pass of array
    arithmetic.  The others are read one delta per step, and a posting in
    any other shape goes through the format's own decoder."""
    n = len(vals)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    docs = docs.astype(np.int64)
    lens = np.fromiter(map(len, vals), dtype=np.int64, count=n)
    raw = np.frombuffer(b"".join(vals) + bytes(16), dtype=np.uint8)
    starts = np.cumsum(lens) - lens

    def at(idx):
        return raw[idx].astype(np.int64)

    counts = (at(starts) << 24) | (at(starts + 1) << 16) | (at(starts + 2) << 8) | at(starts + 3)
    ok = (lens >= 12) & (counts >= 1) & (counts <= cap) & (type(fmt).__name__ == "Positions")
    ok &= (raw[starts + 4] == 0x80) & (raw[starts + 6] == ord("]"))
    many = counts > 1
    ok &= np.where(many, raw[starts + 9] == ord("("), True)
    first = np.where(many, starts + 10, starts + 9)
    fop = raw[first]
    extra = np.select([fop == _K, fop == _M, fop == _J], [0, 1, 3], -1)
    full = (first - starts) + 2 + extra + 2 * (counts - 1) + 2
    simple = ok & (extra >= 0) & ((lens == full) | (lens == full - 1))
    # The later opcodes of a simple posting must all be K.
    later = np.where(simple, counts - 1, 0)
    rows = np.repeat(np.arange(n), later)
    within = np.arange(int(later.sum())) - np.repeat(np.cumsum(later) - later, later)
    opidx = np.repeat(first + 2 + extra, later) + 2 * within
    notk = raw[opidx] != _K
    if notk.any():
        simple[rows[notk]] = False
        keep = simple[rows]
        rows, within, opidx = rows[keep], within[keep], opidx[keep]
    cnt = np.where(simple, counts, 0)
    off = np.cumsum(cnt) - cnt
    deltas = np.zeros(int(cnt.sum()), dtype=np.int64)
    v0 = np.select([fop == _K, fop == _M],
                   [at(first + 1), at(first + 1) | (at(first + 2) << 8)],
                   at(first + 1) | (at(first + 2) << 8) | (at(first + 3) << 16) | (at(first + 4) << 24))
    sidx = np.flatnonzero(simple)
    deltas[off[sidx]] = v0[sidx]
    deltas[off[rows] + 1 + within] = at(opidx + 1)
    cs = np.cumsum(deltas)
    before = cs[off[sidx]] - v0[sidx] if len(sidx) else np.zeros(0, dtype=np.int64)
    out_docs = [np.repeat(docs[sidx], cnt[sidx])]
    out_pos = [cs - np.repeat(before, cnt[sidx])]
    rest = np.flatnonzero(ok & ~simple)
    if len(rest):
        d, p, good = _positions_stepwise(raw, docs[rest], counts[rest], first[rest])
        out_docs.append(d)
        out_pos.append(p)
        ok[rest[~good]] = False
    slow = np.flatnonzero(~ok)
    if len(slow):
        decode = fmt.decoder("positions")
        sd, sp = [], []
        for i in slow.tolist():
            ps = decode(vals[i])
            sd.extend([int(docs[i])] * len(ps))
            sp.extend(ps)
        out_docs.append(np.asarray(sd, dtype=np.int64))
        out_pos.append(np.asarray(sp, dtype=np.int64))
    return np.concatenate(out_docs), np.concatenate(out_pos)


def _positions_stepwise(raw, docs, counts, first):
    """Postings with K/M/J opcodes in any order: the j-th delta of every
    posting at step j (postings sorted by count, so the ones with a j-th
    delta are a prefix)."""
    n = len(docs)
    cur = first.copy()
    good = np.ones(n, dtype=bool)
    off = np.cumsum(counts) - counts
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    order = np.argsort(-counts, kind="stable")
    neg = -counts[order]
    for j in range(int(counts.max())):
        act = order[:np.searchsorted(neg, -j, side="left")]
        act = act[good[act]]
        if not len(act):
            break
        c = cur[act]
        op = raw[c]
        b1, b2 = raw[c + 1].astype(np.int64), raw[c + 2].astype(np.int64)
        b3, b4 = raw[c + 3].astype(np.int64), raw[c + 4].astype(np.int64)
        v = np.select([op == _K, op == _M], [b1, b1 | (b2 << 8)], b1 | (b2 << 8) | (b3 << 16) | (b4 << 24))
        bad = (op != _K) & (op != _M) & (op != _J)
        if bad.any():  # not a delta opcode: the format's decoder reads this posting
            good[act[bad]] = False
        deltas[off[act] + j] = v
        cur[act] = c + np.select([op == _K, op == _M], [2, 3], 5)
    cnt = np.where(good, counts, 0)
    keep = np.repeat(good, counts)
    deltas = deltas[keep]
    off = np.cumsum(cnt) - cnt
    cs = np.cumsum(deltas)
    gi = np.flatnonzero(good)
    before = cs[off[gi]] - deltas[off[gi]] if len(gi) else np.zeros(0, dtype=np.int64)
    return np.repeat(docs[gi], cnt[gi]), cs - np.repeat(before, cnt[gi]), good


def _blocks(raw: bytes, fmt, values: bool):
    """See ``_blocks_unchecked``; a block that does not decode to what Whoosh
    writes (damaged or planted data) raises UnsafeIndexData, so that every
    caller reports a damaged index rather than a TypeError."""
    from .safe_pickle import UnsafeIndexData

    try:
        yield from _blocks_unchecked(raw, fmt, values)
    except (TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
        raise UnsafeIndexData(f"a posting block does not decode ({type(exc).__name__})") from None


def _blocks_unchecked(raw: bytes, fmt, values: bool):
    """The posting blocks of one term in Whoosh's W3 codec, parsed from the
    bytes of the whole posting list at once: a 4-byte magic, then per block
    a signed length (negative for the last block), a pickled info tuple
    (count, max id, max weight, compression, min/max length) and the
    (possibly zlib-compressed) pickled (delta-coded ids, weights, values)."""
    import io
    import struct
    import zlib

    from .safe_pickle import UnsafeIndexData, load, loads

    bio = io.BytesIO(raw)
    if bio.read(4) != b"W3Bl":
        raise UnsafeIndexData("not a W3 posting list")
    unpack_int = struct.Struct("!i").unpack
    fixed = fmt.fixed_value_size()
    while True:
        pos = bio.tell()
        blen = unpack_int(bio.read(4))[0]
        last = blen < 0
        nextoff = pos + 4 + abs(blen)
        count, _maxid, _maxw, compression, _mn, _mx = load(bio)
        data = raw[bio.tell():nextoff]
        if compression:
            data = zlib.decompress(data)
        if not values:
            fast = _ids_weights_of_block(data, count)
            if fast is not None:
                yield fast[0], fast[1], None
                if last:
                    break
                bio.seek(nextoff)
                continue
        ids, weights, vals = loads(data)
        ids = np.cumsum(np.array(ids, dtype=np.int64))
        if weights is None:
            ws = np.ones(count, dtype=np.float64)
        elif isinstance(weights, float):
            ws = np.full(count, weights, dtype=np.float64)
        else:
            ws = np.asarray(weights, dtype=np.float64)
        if values:
            if fixed is None or fixed < 0:
                vs = list(vals)
            elif fixed == 0:
                vs = [None] * count
            else:
                vs = [vals[i:i + fixed] for i in range(0, len(vals), fixed)]
        else:
            vs = None
        yield ids, ws, vs
        if last:
            break
        bio.seek(nextoff)


_MEMO_PUT = {ord("q"): 2, ord("r"): 5, 0x94: 1}  # BINPUT, LONG_BINPUT, MEMOIZE


def _ids_weights_of_block(data: bytes, count: int):
    """(ids, weights) of one block without unpickling it, or None when the
    block is not in the usual shape.  The data is the protocol-2 pickle of
    (ids, weights, values): ``\\x80\\x02(``, the first id (K, M or J
    opcode: it is absolute), then per later id delta ``K`` and one byte
    (deltas below 256: the frequent words, the ones worth reading fast),
    ``t``, a memo put, ``(`` and per weight ``G`` and an 8-byte big-endian
    double.  The values after them (pickled positions, most of the block)
    are never turned into Python objects."""
    if count <= 0 or len(data) < 16 or data[:3] != b"\x80\x02(":
        return None
    op = data[3]
    if op == _K:
        first, p0 = data[4], 5
    elif op == _M:
        first, p0 = data[4] | data[5] << 8, 6
    elif op == _J:
        first, p0 = int.from_bytes(data[4:8], "little", signed=True), 8
    else:
        return None
    end = p0 + 2 * (count - 1)
    if len(data) < end + 3 + 9 * count or data[end] != 0x74:  # "t"
        return None
    pairs = np.frombuffer(data, dtype=np.uint8, count=2 * (count - 1), offset=p0).reshape(count - 1, 2)
    if (pairs[:, 0] != _K).any():
        return None
    p = end + 1 + _MEMO_PUT.get(data[end + 1], 0)
    if data[p] != 0x28 or len(data) < p + 1 + 9 * count:  # "("
        return None
    w = np.frombuffer(data, dtype=np.uint8, count=9 * count, offset=p + 1).reshape(count, 9)
    if (w[:, 0] != ord("G")).any():
        return None
    weights = np.ascontiguousarray(w[:, 1:]).view(">f8").ravel().astype(np.float64)
    deltas = np.empty(count, dtype=np.int64)
    deltas[0] = first
    deltas[1:] = pairs[:, 1]
    return np.cumsum(deltas), weights


def _union_sorted(arrays: list[np.ndarray]) -> np.ndarray:
    """The union of sorted key arrays, sorted: a stable sort of their
    concatenation merges the sorted runs in linear time (timsort), where
    np.unique would sort from scratch.  The readings of an ambiguous word
    share its positions, so duplicates are dropped."""
    arrays = [a for a in arrays if len(a)]
    if len(arrays) <= 1:
        return arrays[0] if arrays else np.zeros(0, dtype=np.int64)
    k = np.sort(np.concatenate(arrays), kind="stable")
    return k[np.concatenate(([True], k[1:] != k[:-1]))]


def _keys(fmt, ids: np.ndarray, vals) -> np.ndarray:
    """A term's (document, position) pairs as ``doc << 32 | position + 1024``."""
    docs, pos = _positions(fmt, ids, list(vals))
    return (docs << 32) | (pos + 1024)


def _btext(schema, node) -> bytes:
    text = node.text
    if isinstance(text, str):
        text = schema[node.fieldname].to_bytes(text)
    return text


def _generic_matcher(seg, field, btext):
    try:
        return seg.postings(field, btext)
    except Exception as exc:
        if isinstance(exc, KeyError) or type(exc).__name__ == "TermNotFound":
            return None
        raise


def _column_array(col, count: int) -> np.ndarray:
    """All of a fixed-width numeric column's values as an array of ``count``
    (documents past the stored ones hold the column's default)."""
    typecode = getattr(col, "_typecode", None)
    fixed = getattr(col, "_fixedlen", None)
    if typecode is not None and fixed is not None and hasattr(col, "_dbfile"):
        stored = min(col._count, count)
        raw = col._dbfile.get(col._basepos, stored * fixed)
        vals = np.frombuffer(raw, dtype=np.dtype(typecode).newbyteorder(">")).astype(np.uint64)
        if stored < count:
            vals = np.concatenate([vals, np.full(count - stored, col._default, dtype=np.uint64)])
        return vals
    return np.array([col[d] for d in range(count)], dtype=np.uint64)
