"""Matching, ranking and counting over arrays built from Whoosh's postings.

Whoosh stores the index, ``plan.py`` reads the query, and this module
answers the plan.  Whoosh's matchers walk posting lists one document at a
time in Python, and asking for facet counts switches off their top-k
shortcut, so at 100,000 decisions a search spent most of its time there.
Here:

- each term's posting list is read once per index generation, block by
  block, into a sorted array of document numbers and an array of its BM25
  contributions (bounded LRU cache: typing "hank", "hanke", "hanke rah…"
  reuses them);
- a query's matches are a boolean array per document, and And/Or/Not are
  array operations; one walk of the plan (``Engine.run``) gives the matches
  and the scores;
- a term in at least one document in eight is walked in a dense form, a
  mask and a contribution per document, added with whole-array operations
  rather than scattered by document number;
- a phrase is checked with its words' positions as arrays of
  (document, position) keys, in the documents that have all its words;
- the score of a document is the sum of its matching terms' BM25F
  contributions, exactly as Whoosh's BM25F (B=0.75, K1=1.2, idf
  ``log(N/(df+1))+1``, field lengths quantised to a byte) sums them through
  And/Or, so the ranking is Whoosh's ranking;
- facets are per-document ordinals counted with ``bincount``, and the date
  order is a rank per document, both built once per generation.

Everything the engine reads of the index goes through the narrow interface
of ``postings.Postings`` (``whoosh_format.WhooshPostings``); this module
knows nothing of Whoosh.  Nothing outside the search service sees these
types.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from .termtables import TermTables

K1 = 1.2
B = 0.75

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)




# Engine.top: candidates from which the threshold comes from a sample first,
# and the sample's size.
_SAMPLED_TOP = 50_000
_SAMPLE = 8192


def no_hugepages() -> None:
    """Stop numpy asking the kernel for huge pages (madvise) for its big
    arrays, unless NUMPY_MADVISE_HUGEPAGE says otherwise.  Where the
    kernel's defrag setting is ``madvise`` (a common default), each fresh
    array of 4 MB or more, as every query's masks and scores are at a
    million documents, may wait for memory to be compacted into a huge
    page: a search that takes 20 ms took 50-150 ms now and then
    (benchmarks/README, *The keystroke at 1M, taken apart*).  The
    environment variable is read when numpy is imported, so this sets the
    same switch afterwards."""
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE"):
        return  # the user's own choice
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray  # type: ignore[no-redef]
    switch = getattr(multiarray, "_set_madvise_hugepage", None)
    if switch is not None:
        switch(False)


DENSE = "dense"  # the key of a term's dense form, after (field, term)


def _nbytes(arrays) -> int:
    return sum(a.nbytes for a in arrays)


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


class Engine:
    """Arrays for one opened index generation.  Methods take the calling
    thread's ``Postings`` (``px``; a Whoosh reader is not thread-safe);
    the engine's own caches are shared and locked."""

    def __init__(self, px, budget: int = 96_000_000, folder=None):
        """``folder``: the generation's directory, where each segment's term
        tables are kept (termtables.py); without it they are read from the
        postings."""
        no_hugepages()
        self.n = px.doc_count_all()
        self.tables = TermTables(folder)
        self.budget = budget
        self._lock = threading.Lock()
        # (field, term) -> (docnums, BM25F contributions), and (field, term,
        # DENSE) -> (mask, contribution per document) of a term in at least
        # one document in DENSE_SHARE (adding it to a walk is two passes
        # over contiguous arrays, where scattering a million document
        # numbers is ten times the work); ``budget`` bytes in all.
        self._terms = _SizedLRU(budget, size=_nbytes)
        self.dense_from = max(1, self.n // self.DENSE_SHARE)
        # (field, words, slop) -> match mask, by count
        self._phrases = _SizedLRU(64, size=lambda v: 1)
        # (field, term) -> (document, position) keys, by keys held
        self.positions_budget = 4_000_000
        self._positions = _SizedLRU(self.positions_budget)
        self._phrase_words: dict[tuple, int] = {}  # how often a word was in a phrase
        self._lengths: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._df: dict[tuple[str, str | bytes], int] = {}
        live = np.ones(self.n, dtype=bool)
        self.dead = px.deleted()
        live[self.dead] = False
        self.live = live
        self.facets: FacetArrays | None = None
        self._date_rank: dict[str, np.ndarray] | None = None

    # --- postings -----------------------------------------------------------------

    DF_CACHED = 200_000

    def doc_frequency(self, px, field: str, text: str | bytes) -> int:
        """The number of documents with a term (deleted ones too, as Whoosh
        counts), cached.  A query is planned again at every pause in the
        typing, and a word with a or o asks for up to 126 forms with ä/ö,
        each a look-up in every segment."""
        key = (field, text)
        got = self._df.get(key)
        if got is None:
            if len(self._df) >= self.DF_CACHED:
                self._df.clear()
            got = self._df[key] = px.doc_frequency(field, text)
        return got

    def _read(self, px, field: str, btext: bytes, values: bool = False):
        """(docnums, weights[, values]) of one term over every segment, live
        documents only.  ``values`` are the raw posting values (positions)."""
        ids, ws, vs = px.postings(field, btext, values)
        return self._live(ids, ws, vs, values)

    def _live(self, ids, ws, vs, values: bool = False):
        """Postings as read (``px.postings``), without deleted documents."""
        keep = self.live[ids]
        whole = bool(keep.all())
        if not whole:
            ids, ws = ids[keep], ws[keep]
        ids = ids.astype(np.int32)
        if not values:
            return ids, ws
        vals = np.empty(len(vs or ()), dtype=object)
        vals[:] = vs or []
        return ids, ws, (vals if whole else vals[keep])

    def term(self, px, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, BM25F contribution at boost 1) of one term, cached."""
        key = (field, btext)
        hit = self._terms.get(key)
        if hit is not None:
            return hit
        dense = self._terms.get((field, btext, DENSE))
        if dense is not None:
            ids = np.flatnonzero(dense[0]).astype(np.int32)
            return self._terms.put(key, (ids, dense[1][ids]))
        ids, tf = self._read(px, field, btext)
        return self._remember(px, field, btext, ids, tf)

    def _remember(self, px, field, btext, ids, tf):
        return self._terms.put((field, btext), (ids, self._bm25(px, field, btext, tf, ids)))

    def _bm25(self, px, field: str, btext: bytes, tf: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """The BM25F contributions (at boost 1) of term frequencies ``tf``
        of the documents ``ids``."""
        if not len(tf) or not px.scorable(field):
            return tf
        idf, norm, codes = self._norm(px, field, btext)
        return idf * ((tf * (K1 + 1)) / (tf + norm[codes[ids]]))

    def _norm(self, px, field: str, btext: bytes) -> tuple[float, np.ndarray, np.ndarray]:
        """(the term's idf, BM25's length norm per length byte, each
        document's length byte): the norm worked out for the 256 bytes, the
        same figures as per posting."""
        idf = px.idf(field, btext)
        avgfl = px.avg_field_length(field) or 1
        codes, table = self.field_lengths(px, field)
        return idf, K1 * ((1 - B) + B * table / avgfl), codes

    # A term in at least one document in this many is walked dense (nine
    # bytes a document: 9 MB at a million documents, where its posting list
    # is up to 12 MB).
    DENSE_SHARE = 8

    def dense(self, px, field: str, btext: bytes, ids: np.ndarray, part: np.ndarray):
        """(mask, contribution per document) of a term whose (docnums,
        contributions) are ``ids`` and ``part``, cached."""
        key = (field, btext, DENSE)
        hit = self._terms.get(key)
        if hit is not None:
            return hit
        mask = np.zeros(self.n, dtype=bool)
        mask[ids] = True
        contrib = np.zeros(self.n, dtype=np.float64)
        contrib[ids] = part
        return self._terms.put(key, (mask, contrib))

    def walk_term(self, px, field: str, btext: bytes):
        """A term as a walk adds it: ``(True, (mask, contribution per
        document))`` for a term in at least one document in DENSE_SHARE,
        else ``(False, (docnums, contributions))``; cached either way.  A
        frequent term read for the first time goes to its dense form
        straight from its postings: its frequencies written in place
        segment by segment (``px.frequencies``), then BM25 over whole
        arrays, the same figures per document as ``term`` works out."""
        hit = self._terms.get((field, btext, DENSE))
        if hit is not None:
            return True, hit
        sparse = self._terms.get((field, btext))
        if sparse is not None:
            if len(sparse[0]) >= self.dense_from:
                return True, self.dense(px, field, btext, *sparse)
            return False, sparse
        if self.doc_frequency(px, field, btext) >= self.dense_from:
            tf = np.zeros(self.n, dtype=np.float64)
            if px.frequencies(field, btext, tf):
                tf[self.dead] = 0.0
                mask = tf > 0
                return True, self._terms.put((field, btext, DENSE), (mask, self._bm25_dense(px, field, btext, tf)))
        ids, ws, _vs = px.postings(field, btext, False)
        return False, self._remember(px, field, btext, *self._live(ids, ws, None))

    def _bm25_dense(self, px, field: str, btext: bytes, tf: np.ndarray) -> np.ndarray:
        """``_bm25`` of every document, ``tf`` a frequency per document
        (zero where the term is not, and so is the contribution), worked
        out in ``tf``'s own memory (which it becomes) and one more array:
        the same operations on the same figures in the same order, so the
        same bits (a + b is b + a in floating point, as is a * b), where
        the expression made five arrays of eight bytes a document, 40 MB
        at a million."""
        if not len(tf) or not px.scorable(field):
            return tf
        idf, norm, codes = self._norm(px, field, btext)
        den = norm[codes]
        den += tf  # tf + norm[codes]
        np.multiply(tf, K1 + 1, out=tf)
        np.divide(tf, den, out=tf)
        np.multiply(tf, idf, out=tf)  # idf * (...)
        return tf

    def field_lengths(self, px, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(each document's length byte, the length of each byte)."""
        got = self._lengths.get(field)
        if got is not None:
            return got
        got = px.field_length_codes(field)
        self._lengths[field] = got
        return got

    def mask(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        m[ids] = True
        return m

    # --- matching and scoring: one walk of a plan -----------------------------------

    def run(self, px, q, memo: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of an index query (``plan``'s Terms, FieldPhrase,
        Pattern, Any, All, Exclude, Unscored, Everything, Nothing), in one
        walk.  ``matches`` is a boolean array over live documents; a
        document's score is the sum of the BM25F contributions of the terms
        it contains, times the boosts above them, as Whoosh's BM25F sums them
        (a phrase's words only where the phrase matches in that field; the
        children of All score wherever they match, so that documents with
        only some of the words rank by them).  Excluded clauses and
        Unscored ones add nothing; a query of only NOT scores its boost.
        ``memo``, when given, receives each node's matches by ``id(node)``
        (the service reads a plain query's words from it)."""
        acc = np.zeros(self.n, dtype=np.float64)
        mask = self._walk(px, q, 1.0, acc, memo)
        return mask, acc

    def matches(self, px, q) -> np.ndarray:
        """Which live documents an index query matches (no scores kept)."""
        return self._walk(px, q, 1.0, None, None)

    def _walk(self, px, node, boost: float, acc, memo) -> np.ndarray:
        from . import plan as p

        if isinstance(node, p.Terms):
            out = np.zeros(self.n, dtype=bool)
            for t in node.terms:
                if not px.has_field(t.field):
                    continue
                dense, (a, b) = self.walk_term(px, t.field, px.to_bytes(t.field, t.text))
                weight = t.boost * boost
                if dense:
                    # The same sums, document by document, in the same order:
                    # where the term is not, zero is added.
                    out |= a
                    if acc is not None:
                        acc += b if weight == 1.0 else b * weight
                    continue
                ids, part = a, b
                out[ids] = True
                if acc is not None:
                    acc[ids] += part * weight
        elif isinstance(node, p.FieldPhrase):
            out = self.phrase(px, node) if px.has_field(node.field) else np.zeros(self.n, dtype=bool)
            if acc is not None and out.any():
                for w in dict.fromkeys(w for r in node.readings for w in r):
                    ids, part = self.term(px, node.field, px.to_bytes(node.field, w))
                    sel = out[ids]
                    acc[ids[sel]] += part[sel] * (node.boost * boost)
        elif isinstance(node, p.Pattern):
            out = np.zeros(self.n, dtype=bool)
            if px.has_field(node.field):
                expanded = self._expanded(px, node)
                for ids, _part in expanded:
                    out[ids] = True
                if acc is not None:
                    if len(expanded) <= self.MANY_EXPANSIONS:
                        for ids, part in expanded:  # the expansions' BM25 sum
                            acc[ids] += part * (node.boost * boost)
                    else:  # too many to score: a constant where any matches
                        acc[out] += node.boost * boost
        elif isinstance(node, p.Any):
            out = np.zeros(self.n, dtype=bool)
            for c in node.children:
                out |= self._walk(px, c, boost * node.boost, acc, memo)
        elif isinstance(node, p.All):
            out = self.live.copy()
            for c in node.children:
                out &= self._walk(px, c, boost * node.boost, acc, memo)
            for c in node.exclude:
                if out.any():
                    out &= ~self._walk(px, c, 1.0, None, memo)
        elif isinstance(node, p.Exclude):
            out = self.live & ~self._walk(px, node.child, 1.0, None, memo)
            if acc is not None:  # as Whoosh: a constant where the negation matches
                acc[out] += node.boost * boost
        elif isinstance(node, p.Unscored):
            out = self._walk(px, node.child, 1.0, None, memo)
        elif isinstance(node, p.Everything):
            out = self.live.copy()
        elif isinstance(node, p.Nothing):
            out = np.zeros(self.n, dtype=bool)
        else:
            raise TypeError(f"not an index query: {type(node).__name__}")
        if memo is not None:
            memo[id(node)] = out
        return out

    def any_of(self, px, field: str, values: list[str]) -> np.ndarray:
        """Documents with any of ``values`` in an untokenised field (a facet
        filter)."""
        from .plan import Term, Terms

        return self.matches(px, Terms(tuple(Term(field, v) for v in values)))

    # A pattern (prefix*, fuzzy~) with more expansions than this reads them
    # past the term cache (they would push everything else out of it) and
    # scores a constant instead of their BM25 sum.
    MANY_EXPANSIONS = 64

    def _expanded(self, px, node):
        """(docnums, BM25F contribution) of every word a pattern expands to,
        all of them (a prefix like "k*" can expand to thousands)."""
        if node.kind == "prefix":
            exps = list(px.expand_prefix(node.field, node.text))
        elif node.kind == "range":
            lo, hi = node.text.encode("utf-8"), node.upper.encode("utf-8")
            exps = [b for b in px.lexicon(node.field) if lo <= b and (not hi or b <= hi)]
        else:  # as Whoosh's FuzzyTerm: within maxdist edits, sharing the first letter
            exps = list(px.terms_within(node.field, node.text, node.maxdist, prefix=1))
        exps = [px.to_bytes(node.field, b) for b in exps]
        if len(exps) <= self.MANY_EXPANSIONS:
            return [self.term(px, node.field, b) for b in exps]
        out = []
        for b in exps:
            hit = self._terms.get((node.field, b))
            if hit is None:
                ids, _tf = self._read(px, node.field, b)
                hit = (ids, None)
            out.append(hit)
        return out

    def phrase(self, px, node) -> np.ndarray:
        """Documents where the phrase's words stand in order, at most
        ``slop`` positions apart: the intersection of the words' documents,
        then their positions in those documents only."""
        field = node.field
        empty = np.zeros(self.n, dtype=bool)
        if not px.has_field(field) or not node.readings:
            return empty
        # Each position's words: one, or the readings of an ambiguous word,
        # any of which matches there.
        slots = [tuple(px.to_bytes(field, w) for w in r) for r in node.readings]
        key = (field, tuple(slots), node.slop)
        hit = self._phrases.get(key)
        if hit is not None:
            return hit.copy()
        # Each word's documents, and its positions: cached keys, or the raw
        # posting values to decode.  A word's positions are decoded whole
        # and cached from its second phrase on (typing a phrase repeats its
        # words); the first time only in the documents that can match.
        # Documents first, from what costs nothing to know (cached term
        # documents and document frequencies): a phrase whose words never
        # meet, as for most written-out abbreviations, ends here, cached.
        cand = self.live.copy()
        for slot in slots:
            here = np.zeros(self.n, dtype=bool)
            known = True
            for w in slot:
                cached = self._terms.get((field, w))
                if cached is not None:
                    here[cached[0]] = True
                elif px.doc_frequency(field, w):
                    known = False
            if known:
                cand &= here
            if not cand.any():
                return self._phrases.put(key, empty).copy()
        # Each word's documents (term reads, cached; a frequent term's from
        # its segment's hot table, hotpostings.py).
        words = list(dict.fromkeys(w for slot in slots for w in slot))
        docs_of = {w: self.term(px, field, w)[0] for w in words}
        for slot in slots:
            here = np.zeros(self.n, dtype=bool)
            for w in slot:
                here[docs_of[w]] = True
            cand &= here
            if not cand.any():
                return self._phrases.put(key, empty).copy()
        if len(slots) > 1:
            keys_of = {}
            for w in words:
                k = self._positions.get((field, w))
                if k is None:
                    with self._lock:
                        again = self._phrase_words.get((field, w), 0)
                        if len(self._phrase_words) > 50_000:
                            self._phrase_words.clear()
                        self._phrase_words[(field, w)] = again + 1
                    # Whole, to cache, unless too big for the cache anyway;
                    # else only in the documents that can match.
                    if again >= PHRASE_CACHE_AFTER and len(docs_of[w]) * 4 <= self.positions_budget:
                        k = self._positions.put((field, w), px.position_keys(field, w))
                    else:
                        k = px.position_keys(field, w, cand)
                keys_of[w] = k[cand[k >> 32]]
            keys = [_union_sorted([keys_of[w] for w in slot]) for slot in slots]
            ends = keys[0]
            slop = max(1, int(node.slop))
            for k in keys[1:]:
                if slop == 1:
                    ends = _intersect_sorted(ends + 1, k)
                else:
                    ends = np.unique(np.concatenate([_intersect_sorted(ends + d, k) for d in range(1, slop + 1)]))
                if not len(ends):
                    break
            cand = np.zeros(self.n, dtype=bool)
            cand[(ends >> 32)] = True
        return self._phrases.put(key, cand).copy()

    @staticmethod
    def top(cand: np.ndarray, keys: np.ndarray, k: int, descending: bool) -> np.ndarray:
        """The ``k`` candidates with the best keys, ties broken by the lower
        document number, in order.

        Many candidates (a frequent word: most of a million) are first cut
        to those at least as good as a threshold taken from a strided
        sample, when that leaves ``k`` or more: every key as good as the
        ``k``-th best is then in the cut, so the result is exact.  This
        spares a partition of (and two copies as long as) all of them."""
        if k <= 0 or not len(cand):
            return cand[:0]
        n = len(cand)
        if n > k and n >= _SAMPLED_TOP and k * 64 <= n:
            stride = max(1, n // _SAMPLE)
            sample = keys[::stride]
            # ``want`` best of the sample: four times the share of k, and some
            want = min(len(sample), 4 * (k * len(sample) // n + 1) + 16)
            if descending:
                thr = np.partition(sample, len(sample) - want)[len(sample) - want]
                at = np.flatnonzero(keys >= thr)
            else:
                thr = np.partition(sample, want - 1)[want - 1]
                at = np.flatnonzero(keys <= thr)
            if len(at) >= k:
                cand, keys = cand[at], keys[at]
                n = len(cand)
        sk = -keys if descending else keys
        if n > k:
            thr = np.partition(sk, k - 1)[k - 1]
            sel = sk <= thr  # every tie at the threshold stays in
            cand, sk = cand[sel], sk[sel]
        order = np.lexsort((cand, sk))[:k]
        return cand[order]

    # --- date order ---------------------------------------------------------------

    def date_rank(self, px, newest: bool) -> np.ndarray:
        """Each document's place in the date order (newest or oldest first;
        undated last, in document order), built once per generation."""
        if self._date_rank is None:
            col = px.column("date")
            keys, dated = col if col is not None else (np.zeros(self.n, dtype=np.uint64),
                                                        np.zeros(self.n, dtype=bool))
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


class Matched:
    """A match mask with the documents in it and the documents not in it,
    each found once however many facets are counted over it.

    Counting by an index array is several times faster than by the mask
    itself when about half the documents match (a boolean index branches
    on every document), and a mask that holds most of the archive (a
    frequent word, no query at all) is counted by its complement."""

    __slots__ = ("mask", "count", "_inside", "_outside")

    def __init__(self, mask: np.ndarray):
        self.mask = mask
        self.count = int(np.count_nonzero(mask))
        self._inside: np.ndarray | None = None
        self._outside: np.ndarray | None = None

    @property
    def dense(self) -> bool:
        return 2 * self.count > len(self.mask)

    def inside(self) -> np.ndarray:
        if self._inside is None:
            self._inside = np.flatnonzero(self.mask)
        return self._inside

    def outside(self) -> np.ndarray:
        if self._outside is None:
            self._outside = np.flatnonzero(~self.mask)
        return self._outside


class FacetArrays:
    """Facet values per document as ordinals: single-valued facets one
    ordinal per document (0 = none), multi-valued ones (document, ordinal)
    pairs.  Counting over a match is one ``bincount`` of the matched
    documents' ordinals, or of the others' taken from the totals."""

    def __init__(self, engine: Engine, px, facets: dict[str, tuple[str, bool]]):
        n = self.n = engine.n
        self.known: dict[str, list[str]] = {}
        self.single: dict[str, np.ndarray] = {}
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.total: dict[str, np.ndarray] = {}
        self._rank: dict[str, np.ndarray] = {}
        self._ordinal: dict[str, dict[str, int]] = {}
        for facet, (fieldname, multi) in facets.items():
            # Counted and scattered, never walked by term: in any order.
            terms, docs, tords = engine.tables.pairs(px, fieldname, grouped=False)
            keep = engine.live[docs]
            docs, tords = docs[keep], tords[keep] + 1
            self.known[facet] = list(terms)
            if multi:
                self.pairs[facet] = (docs, tords)
                self.total[facet] = np.bincount(tords, minlength=len(terms) + 1)
            else:
                ords = np.zeros(n, dtype=np.int32)
                ords[docs] = tords
                self.single[facet] = ords
                # deleted documents are at 0 (none), which no count reads
                self.total[facet] = np.bincount(ords, minlength=len(terms) + 1)

    def counts(self, facet: str, match: Matched | np.ndarray) -> np.ndarray:
        """The number of matched documents per ordinal (index 0: none)."""
        if not isinstance(match, Matched):
            match = Matched(match)
        size = len(self.known[facet]) + 1
        if size == 1:
            return np.zeros(1, dtype=np.int64)
        if facet in self.pairs:
            pdocs, pords = self.pairs[facet]
            keep = match.mask[pdocs]
            if match.dense:
                return self.total[facet] - np.bincount(pords[np.flatnonzero(~keep)], minlength=size)
            return np.bincount(pords[np.flatnonzero(keep)], minlength=size)
        ords = self.single[facet]
        if match.dense:
            return self.total[facet] - np.bincount(ords[match.outside()], minlength=size)
        return np.bincount(ords[match.inside()], minlength=size)

    def mask(self, facet: str, values: list[str]) -> np.ndarray:
        """The live documents with any of ``values`` (as the index holds
        them) in ``facet``: what ``Engine.any_of`` gives for its field, from
        the ordinals instead of the values' postings (a filter on a body
        of 150,000 decisions read its postings in 35 ms at a million)."""
        ords = sorted({self.ordinal(facet, v) for v in values} - {0})
        if facet in self.pairs:
            out = np.zeros(self.n, dtype=bool)
            if ords:
                pdocs, pords = self.pairs[facet]
                out[pdocs[pords == ords[0] if len(ords) == 1 else np.isin(pords, ords)]] = True
            return out
        single = self.single[facet]
        if not ords:
            return np.zeros(self.n, dtype=bool)
        return single == ords[0] if len(ords) == 1 else np.isin(single, ords)

    def count(self, facet: str, match: Matched | np.ndarray) -> dict[str, int]:
        """Value -> number of matched documents, for the values matched."""
        known = self.known[facet]
        counts = self.counts(facet, match)
        nz = np.flatnonzero(counts[1:])
        return {known[i]: int(counts[i + 1]) for i in nz.tolist()}

    def ordinal(self, facet: str, value: str) -> int:
        """The value's ordinal in ``counts``, 0 when the index lacks it."""
        if facet not in self._ordinal:
            self._ordinal[facet] = {v: i + 1 for i, v in enumerate(self.known[facet])}
        return self._ordinal[facet].get(value, 0)

    def top(self, facet: str, counts: np.ndarray, limit: int | None) -> tuple[list[tuple[str, int]], bool]:
        """The matched values by count, most first, ties by name ignoring
        case (then as stored); at most ``limit`` of them, and whether more
        there were.  A partial sort: a presenter facet of 10,000 names
        sorts only the ``limit`` it shows."""
        known = self.known[facet]
        nz = np.flatnonzero(counts[1:])
        if facet not in self._rank:
            order = sorted(range(len(known)), key=lambda i: known[i].casefold())
            rank = np.empty(len(known), dtype=np.int64)
            rank[order] = np.arange(len(known))
            self._rank[facet] = rank
        keys = -counts[nz + 1].astype(np.int64) * (len(known) + 1) + self._rank[facet][nz]
        truncated = limit is not None and len(nz) > limit
        if truncated:
            assert limit is not None
            pick = np.argpartition(keys, limit - 1)[:limit] if limit > 0 else np.zeros(0, dtype=np.intp)
            pick = pick[np.argsort(keys[pick], kind="stable")]
        else:
            pick = np.argsort(keys, kind="stable")
        ords = nz[pick]
        return list(zip(map(known.__getitem__, ords.tolist()), counts[ords + 1].tolist())), truncated


# Once a word has been in this many earlier phrases, its positions are
# decoded whole and cached (typing a phrase repeats its words).
PHRASE_CACHE_AFTER = 1


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


def _intersect_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The keys in both sorted, duplicate-free arrays, sorted: each key of
    the shorter looked up in the longer (no sort of their concatenation,
    as ``np.intersect1d`` does)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return a[b[idx] == a]
