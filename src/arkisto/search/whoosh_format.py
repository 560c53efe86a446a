"""Whoosh's storage, as arkisto reads it: the one module that knows
Whoosh's private names and bytes.

arkisto pins whoosh-reloaded exactly (pyproject.toml) and records the
version that wrote an index in its manifest (``whoosh_version``); an index
written by another version asks for a rebuild, because what this module
reads is Whoosh's private format, which a new version may change.

``WhooshPostings`` is the engine's view of one Whoosh reader (the interface
is ``postings.Postings``).  Where reading Whoosh's structures directly is
much faster than its public API, it does so (a *fast path*):

- deleted documents: the segment's deletion set (``_perdoc``);
- a term's postings: the term info and the posting file (``_terms``,
  ``_postfile``), whose W3 blocks are parsed here, ids and weights read from
  the pickled bytes without unpickling (``_ids_weights_of_block``);
- positions: decoded in bulk from their pickle opcodes (``_positions``);
- field lengths and sortable columns: read as arrays from the column files
  (``_lenfield``, ``_typecode``, ``_dbfile`` …).

Each fast path has a fallback through Whoosh's public API, taken when the
structures are not what this module expects (another codec) or when
``FAST`` is off; ``TAKEN`` counts the fast paths taken, so tests run both
ways and check which one ran.  Index data that does not decode raises
``safe_pickle.UnsafeIndexData`` (a damaged index): nothing read here runs
code (pickles go through ``safe_pickle``).

``prepare_subwriters`` changes Whoosh's sub-writer processes: they ignore
Ctrl-C, die with their parent, and write with arkisto's ``BulkWriter``
(bulkwrite.py, which writes Whoosh's files by Whoosh's own codec, faster).
"""

from __future__ import annotations

import os
from collections import Counter

import numpy as np

# Fast paths on.  Off (ARKISTO_WHOOSH_FAST_PATHS=0, or tests setting FAST)
# everything is read through Whoosh's public API: slower, and a way to tell
# a fast-path bug from an index problem.
FAST = os.environ.get("ARKISTO_WHOOSH_FAST_PATHS", "1") != "0"
# Fast paths taken, by kind: "deleted", "postings", "ids_weights", "positions", "lengths", "column".
TAKEN: Counter = Counter()


def whoosh_version() -> str:
    """The version of Whoosh in use ("2.7.5"), as recorded in a manifest."""
    import whoosh

    return whoosh.versionstring()


def length_table() -> np.ndarray:
    """Field lengths as Whoosh stores them, one byte each: byte -> length."""
    from whoosh.util.numeric import byte_to_length

    return np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)


_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


class WhooshPostings:
    """The engine's view of one Whoosh searcher (``postings.Postings``).
    Not thread-safe, as the searcher is not: one per thread."""

    def __init__(self, searcher, hot=None):
        """``hot``: the generation's ``hotpostings.HotPostings``, whose
        tables give frequent terms' postings without reading blocks."""
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.hot = hot if FAST else None
        self._leaves: list | None = None

    def _leaf_list(self) -> list:
        """(segment reader, first document, segment id, documents) of each
        segment, in document order."""
        if self._leaves is None:
            out = []
            for seg, base in self.reader.leaf_readers():
                segment = seg.segment() if hasattr(seg, "segment") else None
                out.append((seg, base, segment.segment_id() if segment is not None else "", seg.doc_count_all()))
            self._leaves = out
        return self._leaves

    # --- the schema ------------------------------------------------------------------

    def has_field(self, field: str) -> bool:
        return field in self.schema

    def to_bytes(self, field: str, text) -> bytes:
        return self.schema[field].to_bytes(text) if isinstance(text, str) else text

    def scorable(self, field: str) -> bool:
        return bool(self.schema[field].scorable)

    def has_positions(self, field: str) -> bool:
        fmt = self.schema[field].format
        return bool(fmt and fmt.supports("positions"))

    # --- documents and statistics ----------------------------------------------------

    def doc_count_all(self) -> int:
        return self.reader.doc_count_all()

    def deleted(self) -> np.ndarray:
        """The numbers of the deleted documents, in order."""
        out = []
        for seg, base in self.reader.leaf_readers():
            if not seg.has_deletions():
                continue
            perdoc = getattr(seg, "_perdoc", None)
            if FAST and perdoc is not None and hasattr(perdoc, "deleted_docs"):
                TAKEN["deleted"] += 1
                dead = np.fromiter(perdoc.deleted_docs(), dtype=np.int64)
            else:
                live = np.fromiter(seg.all_doc_ids(), dtype=np.int64)
                dead = np.setdiff1d(np.arange(seg.doc_count_all(), dtype=np.int64), live)
            out.append(dead + base)
        return np.sort(np.concatenate(out)) if out else _EMPTY_IDS

    def idf(self, field: str, btext: bytes) -> float:
        return self.searcher.idf(field, btext)

    def avg_field_length(self, field: str) -> float:
        return self.searcher.avg_field_length(field)

    def doc_frequency(self, field: str, text) -> int:
        return self.reader.doc_frequency(field, text)

    # --- the lexicon -----------------------------------------------------------------

    def lexicon(self, field: str):
        return self.reader.lexicon(field)

    def all_terms(self):
        return self.reader.all_terms()

    def expand_prefix(self, field: str, prefix: str):
        return self.reader.expand_prefix(field, prefix)

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 1):
        return self.reader.terms_within(field, text, maxdist, prefix=prefix)

    # --- postings --------------------------------------------------------------------

    def _parts(self, field: str, btext: bytes, values: bool):
        """(first document, the segment's documents, documents within the
        segment, weights, raw values or None) of each segment's postings of
        a term, frequent terms' from their tables (unless ``values``); the
        fast path includes deleted documents, the public API leaves them
        out.  A document number outside its segment (a block that decodes
        to the wrong figures) is a damaged index; the tables check their
        own."""
        fmt = self.schema[field].format
        hot = None if values else self.hot
        for seg, base, segment_id, count in self._leaf_list():
            if hot is not None:
                t = hot.term(segment_id, count, field, btext)
                if t is not None:
                    TAKEN["hot"] += 1
                    yield base, count, t.ids, t.tf, None
                    continue
            for ids, ws, vs in _segment_blocks(seg, count, field, btext, fmt, values):
                yield base, count, ids, ws, vs

    def postings(self, field: str, btext: bytes, values: bool = False):
        """(docnums, weights, values or None) of one term over every
        segment; the fast path includes deleted documents, the public API
        leaves them out.  ``values`` are the raw posting values (positions,
        for ``positions``)."""
        id_parts, w_parts, v_parts = [], [], []
        for base, _count, ids, ws, vs in self._parts(field, btext, values):
            id_parts.append(ids.astype(np.int64, copy=False) + base)
            w_parts.append(ws.astype(np.float64, copy=False))
            if values:
                v_parts.extend(vs)
        if not id_parts:
            return _EMPTY_IDS, _EMPTY_F, ([] if values else None)
        return np.concatenate(id_parts), np.concatenate(w_parts), (v_parts if values else None)

    def frequencies(self, field: str, btext: bytes, out: np.ndarray) -> bool:
        """The term's weights put in place in ``out`` (one per document),
        segment by segment, from the tables or the blocks as they are read:
        no posting list of the whole index is made.  False (and ``out``
        partly written) when a posting's weight is not above zero."""
        for base, count, ids, ws, _vs in self._parts(field, btext, False):
            if len(ws) and not bool((ws > 0).all()):
                return False
            out[base:base + count][ids] = ws
        return True

    def position_keys(self, field: str, btext: bytes, within: np.ndarray | None = None) -> np.ndarray:
        """The term's (document, position) pairs over every segment as
        sorted keys ``document << 32 | position + 1024``, deleted documents
        included; with ``within`` (a mask over the index's documents) only
        those in the documents it marks.  Frequent terms come from the hot
        tables; the rest are decoded from their posting values."""
        fmt = self.schema[field].format
        parts = []
        for seg, base, segment_id, count in self._leaf_list():
            t = self.hot.term(segment_id, count, field, btext) if self.hot is not None else None
            if t is not None and t.pos is not None:
                TAKEN["hot_positions"] += 1
                docs = t.ids.astype(np.int64) + base
                pos = t.pos.astype(np.int64)
                tf = t.tf.astype(np.int64)
                if within is not None:
                    sel = within[docs]
                    if not sel.all():
                        keep = np.repeat(sel, tf)
                        docs, tf, pos = docs[sel], tf[sel], pos[keep]
                parts.append((np.repeat(docs, tf) << 32) | (pos + 1024))
                continue
            got = _segment_postings(seg, count, field, btext, fmt)
            if got is None:
                continue
            ids, vals = got
            ids = ids + base
            if within is not None:
                sel = np.flatnonzero(within[ids])
                ids, vals = ids[sel], [vals[i] for i in sel.tolist()]
            if not len(ids):
                continue
            docs, pos = self.positions(field, ids, vals)
            parts.append(np.sort((docs.astype(np.int64) << 32) | (pos + 1024)))
        if not parts:
            return _EMPTY_IDS
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    # --- segments ----------------------------------------------------------------------

    def segments(self) -> list[tuple[str, int, int]]:
        """(segment id, number of its first document, its documents with
        the deleted ones) of each segment, in document order."""
        return [(sid, base, count) for _seg, base, sid, count in self._leaf_list()]

    def segment_terms(self, index: int, field: str) -> list[tuple[bytes, np.ndarray]]:
        """Every term of ``field`` in the segment ``index`` (of ``segments``)
        with its documents, numbered within the segment, in term order.  The
        fast path walks the segment's term table once and includes deleted
        documents; the public API looks each term up and leaves them out."""
        seg, _base = self.reader.leaf_readers()[index]
        if field not in self.schema:
            return []
        fmt = self.schema[field].format
        terms = getattr(seg, "_terms", None)
        out: list[tuple[bytes, np.ndarray]] = []
        if FAST and terms is not None and hasattr(terms, "items_from") and hasattr(terms, "_postfile"):
            TAKEN["segment_terms"] += 1
            if field not in terms.indexed_field_names():
                return out
            for (fname, btext), ti in terms.items_from(field, b""):
                if fname != field:
                    break
                parts = [ids for ids, _ws, _vs in _term_blocks(terms, ti, fmt, False)]
                out.append((btext, np.concatenate(parts) if len(parts) != 1 else parts[0]))
            return out
        for btext in seg.lexicon(field):
            got = _public_postings(seg, field, btext, False)
            if got is not None and len(got[0]):
                out.append((btext, got[0]))
        return out

    def positions(self, field: str, docs: np.ndarray, vals: list) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) pairs of one term's postings (raw values
        from ``postings``) in the given documents."""
        fmt = self.schema[field].format
        if FAST:
            TAKEN["positions"] += 1
            return _positions(fmt, docs, vals)
        return _positions_public(fmt, docs, vals)

    # --- per-document columns ----------------------------------------------------------

    def field_lengths(self, field: str) -> np.ndarray:
        """Each document's length in ``field`` as Whoosh scores it: stored
        as one byte (``length_table``), so quantised."""
        codes, table = self.field_length_codes(field)
        return table[codes]

    def field_length_codes(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(each document's length byte, ``length_table``)."""
        from whoosh.util.numeric import length_to_byte

        out = np.zeros(self.doc_count_all(), dtype=np.uint8)
        for seg, base in self.reader.leaf_readers():
            count = seg.doc_count_all()
            perdoc = getattr(seg, "_perdoc", None)
            if FAST and perdoc is not None and hasattr(perdoc, "has_column"):
                from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

                if perdoc.has_column(_lenfield(field)):
                    TAKEN["lengths"] += 1
                    col = perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
                    out[base:base + count] = _column_array(col, count)
                continue
            for d in range(count):
                out[base + d] = length_to_byte(seg.doc_field_length(d, field) or 0)
        return out, length_table()

    def column(self, field: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(values, present) of a sortable numeric column (a date), or None
        when the field has none: each document's value as an unsigned
        integer, and whether it has one."""
        fobj = self.schema[field] if field in self.schema else None
        if fobj is None or fobj.column_type is None:
            return None
        n = self.doc_count_all()
        missing = fobj.column_type.default_value()
        vals = np.zeros(n, dtype=np.uint64)
        present = np.zeros(n, dtype=bool)
        for seg, base in self.reader.leaf_readers():
            count = seg.doc_count_all()
            if not seg.has_column(field):
                continue
            col = seg.column_reader(field, translate=False)
            if FAST:
                v = _column_array(col, count)
            else:
                v = np.array([col[d] for d in range(count)], dtype=np.uint64)
            vals[base:base + count] = v
            present[base:base + count] = v != np.uint64(missing if missing is not None else 0)
        return vals, present


def _term_blocks(terms, ti, fmt, values: bool):
    """(ids, weights, values) blocks of one term's postings in one segment,
    from its term info: inlined in the info, or read from the posting file."""
    if ti.is_inlined():
        ids, ws, vs = ti.inlined_postings()
        return [(np.asarray(ids, dtype=np.int64), np.asarray(ws, dtype=np.float64), vs)]
    offset, length = ti.extent()
    if isinstance(length, tuple):  # W3TermInfo keeps struct.unpack's 1-tuple
        length = length[0]
    return _blocks(terms._postfile.get(offset, length), fmt, values)


def _segment_blocks(seg, count: int, field: str, btext: bytes, fmt, values: bool):
    """(ids, weights, raw values or None) blocks of a term's postings in one
    segment of ``count`` documents: read from the posting file (the fast
    path, deleted documents included) or through Whoosh's public API
    (without them).  A document number outside the segment (a block that
    decodes to the wrong figures) raises UnsafeIndexData, whichever path
    and whatever the read is for."""
    terms = getattr(seg, "_terms", None)
    if not FAST or terms is None or not hasattr(terms, "_postfile"):
        got = _public_postings(seg, field, btext, values)
        blocks = [] if got is None else [got]
    else:
        TAKEN["postings"] += 1
        try:
            ti = terms.term_info(field, btext)
        except (KeyError, LookupError):
            return
        except Exception as exc:  # TermNotFound
            if type(exc).__name__ == "TermNotFound":
                return
            raise
        blocks = _term_blocks(terms, ti, fmt, values)
    for ids, ws, vs in blocks:
        _within(ids, count, field)
        yield ids, ws, vs


def _segment_postings(seg, count: int, field: str, btext: bytes, fmt):
    """(ids, raw values) of a term's postings in one segment, or None; the
    fast path includes deleted documents."""
    ids_l, vals = [], []
    for ids, _ws, vs in _segment_blocks(seg, count, field, btext, fmt, True):
        ids_l.append(ids)
        vals.extend(vs)
    if not ids_l:
        return None
    return (np.concatenate(ids_l) if len(ids_l) > 1 else ids_l[0]), vals


def _within(ids: np.ndarray, count: int, field: str) -> None:
    """Raise UnsafeIndexData unless every document number of a segment's
    postings is one of its ``count`` documents."""
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= count):
        from .safe_pickle import UnsafeIndexData

        raise UnsafeIndexData(f"a posting of {field} names a document outside its segment")


def _public_postings(seg, field: str, btext: bytes, values: bool):
    """One segment's postings of a term through Whoosh's matcher (public
    API), or None when the segment does not have the term."""
    try:
        m = seg.postings(field, btext)
    except Exception as exc:
        if isinstance(exc, KeyError) or type(exc).__name__ == "TermNotFound":
            return None
        raise
    ids, ws, vs = [], [], []
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        if values:
            vs.append(m.value())
        m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(ws, dtype=np.float64), vs


def _positions_public(fmt, docs: np.ndarray, vals: list) -> tuple[np.ndarray, np.ndarray]:
    """``_positions`` through the format's own decoder, one posting at a time."""
    from .safe_pickle import UnsafeIndexData

    sd: list[int] = []
    sp: list[int] = []
    try:
        for doc, v in zip(docs.tolist(), vals):
            ps = fmt.decode_positions(v)
            sd.extend([doc] * len(ps))
            sp.extend(ps)
    except (TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
        raise UnsafeIndexData(f"positions do not decode ({type(exc).__name__})") from None
    return np.asarray(sd, dtype=np.int64), np.asarray(sp, dtype=np.int64)


# --- Whoosh's W3 codec, read from its bytes --------------------------------------------

_K, _M, _J = ord("K"), ord("M"), ord("J")


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
                TAKEN["ids_weights"] += 1
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


_PATCHED = False


def start_subwriters(writer) -> None:
    """Fork all of a Whoosh ``MpWriter``'s sub-writer processes now (Whoosh
    forks each at its first batch of documents, whatever threads run then)."""
    tasks, procs, new_task = getattr(writer, "tasks", None), getattr(writer, "procs", 0), getattr(writer, "_new_task", None)
    if tasks is None or new_task is None:
        return
    while len(tasks) < procs:
        new_task()


def prepare_subwriters() -> None:
    """Whoosh's sub-writer processes must not die on the user's Ctrl-C (the
    parent commits what is done, and needs them for that) and must not
    outlive a parent that was killed (they would wait for work forever).
    Whoosh has no setting for either, so its task's ``run`` is wrapped,
    once per process.  They write with arkisto's ``BulkWriter``."""
    global _PATCHED
    if _PATCHED:
        return
    import signal

    import whoosh.multiproc
    from whoosh.multiproc import SubWriterTask

    from .bulkwrite import BulkWriter

    original = SubWriterTask.run

    def run(self):
        # In the sub-writer's process only: its writer is arkisto's (Whoosh
        # looks the name up there; the parent's MpWriter keeps Whoosh's).
        whoosh.multiproc.SegmentWriter = BulkWriter
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        return original(self)

    SubWriterTask.run = run
    _PATCHED = True
