"""Whoosh segments written in bulk: arkisto's segment writer.

Whoosh's own ``SegmentWriter`` turns every posting into a tuple, sorts all
of them through a pool of temporary runs, and writes them one at a time,
reading each document's field length back from disk per posting.  The
profile of a 3,000-decision build (one process) had 8.5 s in Whoosh: 4.1 s
adding documents (tokens as objects, one tuple and pool entry per posting)
and 4.3 s at commit (0.87 M postings sorted, a length read and an
``add_posting`` call for each).

``BulkWriter`` writes the same files (the parity tests compare them byte
for byte with Whoosh's) another way:

- A field analysed by arkisto's Finnish tokenizer is indexed from
  ``analysis.index_words`` directly: one pass over the words, positions
  grouped per term, no token objects.  Other fields go through Whoosh's
  ``field.index``.
- Postings are kept per term in document order (``TermPool``): documents
  arrive in order, so a term's postings never need sorting; only the terms
  are sorted, once, at the end.  Past ``limitmb`` the pool writes what it
  holds to a run file, terms in order; at the end the runs are merged term
  by term (a term's postings are its runs' postings one after another).
- At commit each term's postings are cut into Whoosh's blocks of 128 and
  handed to Whoosh's own postings writer a block at a time, with the block's
  length statistics from the length columns read once per field.

Everything else (stored fields, columns, lengths, the term index, the TOC,
merges of older segments) is Whoosh's own code.
"""

from __future__ import annotations

import sys

import heapq
import os
import struct
from array import array
from collections import Counter, defaultdict
from itertools import accumulate, chain
from operator import itemgetter, sub
from pickle import dumps
from typing import Any
from zlib import compress as _compress

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _BLOCK_MAGIC
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_int as _pack_int
from whoosh.system import pack_long as _pack_long
from whoosh.system import pack_ushort as _pack_ushort
from whoosh.util.numeric import length_to_byte as _length_byte
from whoosh.writing import SegmentWriter

from .analysis import FinnishTokenizer, index_words

_UINT = struct.Struct("!I")
_RUN_HEAD = struct.Struct("<III")  # a run's term: len(field, NUL, term), postings, len(values)
_pack_uint = _UINT.pack
_FLUSH_BYTES = 256 * 1024
_TERMINFO = W3TermInfo._struct  # flags, weight, df, min/max length, max weight, min/max id
# What the pool's memory is counted as (measured: a 100k build's sub-writers
# held about twice what 120 + len / 48 + len counted): a new term's dict
# entry, key, three containers and their first allocations; a posting's id,
# weight, list slot and bytes object, besides its value's length.
_TERM_BYTES = 420
_POSTING_BYTES = 72


class TermPool:
    """Postings per field and term, each term's in document order.

    A term's entry is [ids, weights, values]: an ``array('I')``, an
    ``array('f')`` (Whoosh's block types) and a list of value bytes.  Terms
    added by ``BulkWriter``'s own indexing are held by their text (``text``),
    the rest by their bytes (``raw``); ``iter_terms`` gives them all as
    bytes, in order.  ``fieldnames`` is what Whoosh's multiprocessing writer
    asks a pool for."""

    def __init__(self, tempstore, limitmb: int = 128):
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.text: dict[str, dict[str, list]] = {}
        self.raw: dict[str, dict[bytes, list]] = {}
        self.fieldnames: set[str] = set()
        self.runs: list[str] = []
        self.ordered = True  # every term's ids increasing (add() checks it)

    def text_terms(self, fieldname: str) -> dict[str, list]:
        terms = self.text.get(fieldname)
        if terms is None:
            terms = self.text[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def grew(self, size: int) -> None:
        self.size += size
        if self.size > self.limit and self.ordered:
            self.spill()

    def add_items(self, fieldname: str, docnum: int, items) -> int:
        """One document's terms in one field: (term bytes, freq, weight,
        value bytes) each.  Returns the field's length (sum of freqs)."""
        terms = self.raw.get(fieldname)
        if terms is None:
            terms = self.raw[fieldname] = {}
            self.fieldnames.add(fieldname)
        length = size = 0
        for btext, freq, weight, vbytes in items:
            entry = terms.get(btext)
            if entry is None:
                entry = terms[btext] = [array("I"), array("f"), []]
                size += _TERM_BYTES + 2 * len(btext)
            elif entry[0][-1] >= docnum:
                self.ordered = False
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes or b"")
            length += freq
            size += _POSTING_BYTES + len(vbytes or b"")
        self.grew(size)
        return length

    def add(self, item) -> None:
        """Whoosh's pool interface (merges of older segments use it):
        (fieldname, term bytes, docnum, weight, value bytes)."""
        fieldname, btext, docnum, weight, vbytes = item
        self.add_items(fieldname, docnum, ((btext, 0, weight, vbytes),))

    # --- in order -----------------------------------------------------------------

    def _held(self) -> dict[str, dict[bytes, list]]:
        """What is held, every term by its bytes (a term held both ways
        has its postings put in document order)."""
        out: dict[str, dict[bytes, list]] = {f: dict(t) for f, t in self.raw.items()}
        for fieldname, terms in self.text.items():
            raw = out.setdefault(fieldname, {})
            for term, entry in terms.items():
                b = term.encode("utf-8")
                other = raw.get(b)
                if other is None:
                    raw[b] = entry
                else:
                    other[0].extend(entry[0])
                    other[1].extend(entry[1])
                    other[2].extend(entry[2])
                    _sort_entry(other)
        if not self.ordered:
            for held in out.values():
                for entry in held.values():
                    _sort_entry(entry)
        return out

    def _sorted_held(self):
        held = self._held()
        for fieldname in sorted(held):
            terms = held[fieldname]
            for btext in sorted(terms):
                yield (fieldname, btext), terms[btext]

    # --- runs -------------------------------------------------------------------

    def spill(self) -> None:
        """Write the held terms to a run file, in term order, and forget them."""
        name = "%s.brun" % os.urandom(8).hex()
        with self.tempstore.create_file(name).raw_file() as f:
            write = f.write
            for (fieldname, btext), (ids, weights, values) in self._sorted_held():
                head = fieldname.encode("utf-8") + b"\0" + btext
                lens = array("I", map(len, values))
                blob = b"".join(values)
                write(_RUN_HEAD.pack(len(head), len(ids), len(blob)))
                write(head)
                write(ids.tobytes())
                write(weights.tobytes())
                write(lens.tobytes())
                write(blob)
        self.runs.append(name)
        self.text, self.raw = {}, {}
        self.size = 0

    def _read_run(self, name: str, rank: int):
        f = self.tempstore.open_file(name).raw_file()
        try:
            read = f.read
            while True:
                head = read(_RUN_HEAD.size)
                if not head:
                    return
                hlen, n, blen = _RUN_HEAD.unpack(head)
                raw = read(hlen)
                sep = raw.index(b"\0")
                ids = array("I")
                ids.frombytes(read(4 * n))
                weights = array("f")
                weights.frombytes(read(4 * n))
                lens = array("I")
                lens.frombytes(read(4 * n))
                blob = read(blen)
                ends = list(accumulate(lens))
                values = list(map(blob.__getitem__, map(slice, chain((0,), ends), ends)))
                yield (raw[:sep].decode("utf-8"), raw[sep + 1:]), rank, [ids, weights, values]
        finally:
            f.close()

    def iter_terms(self):
        """((field, term bytes), [ids, weights, values]) in term order,
        each term's postings in document order."""
        if not self.runs:
            yield from self._sorted_held()
            return
        held = ((key, len(self.runs), entry) for key, entry in self._sorted_held())
        sources = [self._read_run(name, rank) for rank, name in enumerate(self.runs)] + [held]
        current_key, current = None, None
        # (Compared as tuples: a key is in a run once, so equal keys differ in
        # rank, and the entries themselves are never compared.)
        for key, _rank, entry in heapq.merge(*sources):
            if key == current_key:
                current[0].extend(entry[0])
                current[1].extend(entry[1])
                current[2].extend(entry[2])
                continue
            if current is not None:
                yield current_key, current
            current_key, current = key, entry
        if current is not None:
            yield current_key, current

    def cleanup(self) -> None:
        for name in self.runs:
            try:
                self.tempstore.delete_file(name)
            except OSError:
                pass
        self.runs = []
        self.text, self.raw = {}, {}


def _sort_entry(entry: list) -> None:
    ids, weights, values = entry
    order = sorted(range(len(ids)), key=ids.__getitem__)
    entry[0] = array("I", (ids[i] for i in order))
    entry[1] = array("f", (weights[i] for i in order))
    entry[2] = [values[i] for i in order]


_ONE_POSITION: dict[int, bytes] = {}  # position -> its pickled list
_ONE = _pack_uint(1)


def _finnish_indexer(emit: str, field_boost: float, positions: bool):
    """Index one document's value of a field analysed by ``FinnishTokenizer``
    into the pool: the postings Whoosh's Positions or Frequency format gives
    (``field.index``), from one pass over ``analysis.index_words``.  Returns
    the field's length."""
    which = 0 if emit == "lemmas" else 1
    one = _ONE_POSITION

    def index(pool: TermPool, fieldname: str, docnum: int, value: str) -> int:
        words = index_words(value)
        terms = pool.text_terms(fieldname)
        length = size = 0
        if positions:
            poses: defaultdict[str, list[int]] = defaultdict(list)
            for pos, ts in enumerate(map(itemgetter(which), words)):
                for t in ts:
                    poses[t].append(pos)
            items: Any = poses.items()
        else:
            # Counted in C: a frequency is all this format keeps.
            items = Counter(chain.from_iterable(map(itemgetter(which), words))).items()
        for w, pl in items:
            if not positions:
                n = pl
                value_bytes = _pack_uint(n)
            elif len(pl) == 1:
                n = 1
                # A new bytes object each time: a block's values are pickled
                # together, and a shared object would be pickled as a memo
                # reference, which Whoosh's own writer never writes.
                p = pl[0]
                tail = one.get(p)
                if tail is None:
                    tail = one[p] = dumps(pl, 2)
                value_bytes = _ONE + tail
            else:
                n = len(pl)
                deltas, base = [], 0
                for p in pl:
                    deltas.append(p - base)
                    base = p
                value_bytes = _pack_uint(n) + dumps(deltas, 2)
            entry = terms.get(w)
            if entry is None:
                entry = terms[w] = [array("I"), array("f"), []]
                size += _TERM_BYTES + 2 * len(w)
            entry[0].append(docnum)
            entry[1].append(n * field_boost)
            entry[2].append(value_bytes)
            length += n
            size += _POSTING_BYTES + len(value_bytes)
        pool.grew(size)
        return length

    return index


class _Memo:
    """A field's postings per value, for values that repeat from record to
    record (a committee, a date, a year, an outcome, a file's path): Whoosh's
    ``field.index`` (its tokenizer, format and term encoding: 8-80 µs a value,
    a date's the most) runs once per distinct value.  The memo gives up on a
    field whose values hardly repeat (record ids), and starts again when it
    is full."""

    __slots__ = ("memo", "hits", "misses", "on")
    SIZE = 1024
    TRIAL = 2_000

    def __init__(self):
        self.memo: dict = {}
        self.hits = self.misses = 0
        self.on = True

    def items(self, field, value):
        if not self.on or getattr(value, "__hash__", None) is None:
            return field.index(value)
        key = (type(value), value)  # 1, 1.0 and True are one dict key, not one term
        items = self.memo.get(key)
        if items is not None:
            self.hits += 1
            return items
        self.misses += 1
        if self.misses == self.TRIAL and self.hits < self.TRIAL // 2:
            self.on, self.memo = False, {}  # a value per record: nothing to remember
        items = tuple(field.index(value))
        if self.on:
            if len(self.memo) >= self.SIZE:
                self.memo.clear()
            self.memo[key] = items
        return items


def _memos(schema, fast: dict) -> dict[str, _Memo]:
    """A memo for each indexed field that ``BulkWriter`` does not index
    itself and whose format keeps values of a fixed size (Existence,
    Frequency): their postings' values are joined or dropped in a block,
    never pickled one by one, so a posting's bytes shared between records
    write the same block as Whoosh's own (a shared object in a pickled
    block would be written as a memo reference)."""
    out = {}
    for name in schema.names():
        field = schema[name]
        fmt = getattr(field, "format", None)
        if name in fast or not field.indexed or fmt is None or field.vector or field.separate_spelling():
            continue
        size = fmt.fixed_value_size()
        if size is not None and size >= 0:
            out[name] = _Memo()
    return out


def _fast_indexers(schema) -> dict:
    """The fields ``BulkWriter`` indexes itself: those analysed by the
    Finnish tokenizer alone, with a Positions or Frequency format."""
    from whoosh import formats

    out = {}
    for name in schema.names():
        field = schema[name]
        ana = getattr(field, "analyzer", None)
        fmt = getattr(field, "format", None)
        if not isinstance(ana, FinnishTokenizer) or fmt is None or field.vector or field.separate_spelling():
            continue
        if type(fmt) is formats.Positions:
            out[name] = _finnish_indexer(ana.emit, fmt.field_boost, True)
        elif type(fmt) is formats.Frequency:
            out[name] = _finnish_indexer(ana.emit, fmt.field_boost, False)
    return out


class BulkWriter(SegmentWriter):
    """A Whoosh ``SegmentWriter`` that adds documents and writes postings in
    bulk (the module's docstring says how); the files are Whoosh's."""

    def __init__(self, ix, **kwargs):
        try:
            super().__init__(ix, **kwargs)
        except BaseException:
            # A write that failed while Whoosh created the segment's files
            # (a full disk): close what it had opened, here and in the
            # half-made objects the failure left behind, and its lock.
            _release_files(self)
            _close_files_in(sys.exc_info()[2])
            lock = getattr(self, "writelock", None)
            if lock is not None:
                try:
                    lock.release()
                except Exception:
                    pass
            raise
        self.pool.cleanup()  # Whoosh's pool, replaced before it holds anything
        self.pool = TermPool(self._tempstorage, limitmb=kwargs.get("limitmb", 128))
        self._fast = _fast_indexers(self.schema)
        self._memos = _memos(self.schema, self._fast)
        self._plain = any(f.vector or f.separate_spelling() for f in (self.schema[n] for n in self.schema.names()))

    def add_document(self, **fields):
        if self._plain or any(name.startswith("_") for name in fields):
            # Boosts, stored-value overrides, vectors, spelling: Whoosh's way
            # (its postings go to our pool through add()).
            return super().add_document(**fields)
        self._check_state()
        schema = self.schema
        perdoc = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        fast = self._fast
        memos = self._memos
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    index = fast.get(name) if isinstance(value, str) else None
                    if index is not None:
                        n = index(pool, name, docnum, value)
                    else:
                        memo = memos.get(name)
                        items = field.index(value) if memo is None else memo.items(field, value)
                        n = pool.add_items(name, docnum, items)
                    if field.scorable:
                        length = n
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def commit(self, *args, **kwargs):
        try:
            return super().commit(*args, **kwargs)
        except BaseException:
            # A write that failed half-way (a full disk) leaves the files
            # Whoosh was writing open in its frames: close them now.
            _close_files_in(sys.exc_info()[2])
            raise

    def cancel(self):
        """Whoosh's cancel, then every file the segment may still hold open
        closed: a commit that failed half-way (a full disk) leaves Whoosh's
        own closing undone, and its files open until the collector runs."""
        try:
            super().cancel()
        finally:
            _release_files(self)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            _write_postings(self.fieldwriter, self.schema, pdr, self.pool.iter_terms(), self.docnum)
        finally:
            try:
                self.fieldwriter.close()
            finally:
                if pdr is not None:
                    pdr.close()


def _release_files(writer) -> None:
    """Close the files of a writer's segment whatever state a failure left
    them in: the terms and postings files, the per-document column streams'
    temporary file, the vectors file, the writer's own searcher and the
    pool's runs."""
    fw = getattr(writer, "fieldwriter", None)
    pw = getattr(writer, "perdocwriter", None)
    tindex = getattr(fw, "_tindex", None)
    files = [getattr(tindex, "dbfile", None), getattr(fw, "_postfile", None),
             getattr(getattr(pw, "_cols", None), "_temp", None), getattr(pw, "_vpostfile", None)]
    for f in files:
        raw = getattr(f, "file", f)  # Whoosh's StructFile wraps a Python file
        if raw is not None and hasattr(raw, "close"):
            try:
                raw.close()
            except (OSError, ValueError):
                pass  # closed, or its buffer would not flush: the descriptor is released either way
    searcher = getattr(writer, "_searcher", None)  # the writer's own, for deleting by term
    if searcher is not None:
        try:
            getattr(searcher, "_orig_close", searcher.close)()
        except Exception:
            pass
        writer._searcher = None
    pool = getattr(writer, "pool", None)
    if pool is not None:
        try:
            pool.cleanup()
        except Exception:
            pass


def _close_files_in(tb) -> None:
    """Close the files that the frames of a failure's traceback hold, in
    their locals or their objects' attributes: Whoosh's files
    (``StructFile``) and segment readers (a merge's)."""
    from whoosh.filedb.structfile import StructFile
    from whoosh.reading import IndexReader

    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            for obj in (value, *vars(value).values()) if hasattr(value, "__dict__") else (value,):
                try:
                    if isinstance(obj, StructFile):
                        obj.file.close()
                    elif isinstance(obj, IndexReader):
                        obj.close()
                except Exception:
                    pass  # closed already, or its buffer would not flush: released either way
        tb = tb.tb_next


def _field_lengths(pdr, fieldname: str, count: int) -> list[int] | None:
    """Each document's length in the field as Whoosh's per-document reader
    gives it (quantised; 0 where none), or None when it keeps none."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    from .whoosh_format import _column_array

    if pdr is None or not pdr.has_column(_lenfield(fieldname)):
        return None
    col = pdr.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    table = [0] + [byte_to_length(b) for b in range(1, 256)]
    return [table[b] for b in _column_array(col, count).astype("uint8").tolist()]


def _write_postings(fw, schema, pdr, terms, count: int) -> None:
    """Whoosh's ``FieldWriter.add_postings`` and its postings writer, in one
    loop: the same bytes (each term's blocks of 128 postings in the postings
    file, its ``W3TermInfo`` in the term index), without Whoosh's calls per
    posting, block and term.  The profile of a 5,000-decision commit had
    two thirds of its time in those calls (start_term, finish_term,
    add_block, _write_block, the term index's add), for 71,225 blocks of
    61,607 terms, most of them a rare term's single posting.

    The parity tests (tests/test_bulkwrite.py) compare the files with
    Whoosh's own writer's, byte for byte."""
    postfile = fw._postfile
    tindex = fw._tindex
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    key_positions = tindex.index
    lastkey = tindex.lastkey
    ppos = postfile.tell()
    tpos = tindex.dbfile.tell()
    post_parts: list[bytes] = []
    term_parts: list[bytes] = []
    flushed = ppos
    lastfn = None
    fieldid = b""
    lengths: list[int] | None = None
    fixed = None
    limit, comp = 128, 3
    for (fieldname, btext), (ids, weights, values) in terms:
        if fieldname not in schema:
            continue
        if fieldname != lastfn:
            if lastfn is not None:
                fw.finish_field()
            fieldobj = schema[fieldname]
            fw.start_field(fieldname, fieldobj)  # the field's id in the term index's field map
            lastfn = fieldname
            fieldid = _pack_ushort(fw._fieldid)
            lengths = _field_lengths(pdr, fieldname, count)
            fixed = fieldobj.format.fixed_value_size()
            pw = fw._postwriter
            if pw._inlinelimit > 1 or pw._byteids:  # W3Codec's defaults, which arkisto's indexes use
                raise ValueError("arkisto's postings writer writes no inlined postings and no byte ids")
            limit, comp = pw._blocklimit, pw._compression
        start_offset = ppos
        post_parts.append(_BLOCK_MAGIC)
        ppos += 4
        # The term info's statistics, gathered block by block as W3TermInfo.add_block does.
        t_weight: float = 0
        t_minlength: int | None = None
        t_maxlength = t_maxweight = 0
        n = len(ids)
        for start in range(0, n, limit):
            end = start + limit
            if end > n:
                end = n
            block_ids = ids[start:end]
            block_weights = weights[start:end]
            maxweight = max(0, max(block_weights))
            if lengths is not None:
                ls = list(filter(None, map(lengths.__getitem__, block_ids)))
                minlength = min(ls) if ls else None
                maxlength = max(ls) if ls else 0
            else:
                minlength, maxlength = None, 0
            # The block: (delta-coded ids, weights, values), pickled and compressed
            # (W3PostingsWriter._write_block and its _mini_* methods).
            # (Each block's deltas start from 0: its first is its first id.)
            deltas = (block_ids[0], *map(sub, block_ids[1:], block_ids))
            if all(w == 1.0 for w in block_weights):
                mini_weights: Any = None
            elif all(w == block_weights[0] for w in block_weights):
                mini_weights = block_weights[0]
            else:
                mini_weights = tuple(block_weights)
            if fixed is None or fixed < 0:
                mini_values: Any = tuple(filter(None, values[start:end]))
            elif fixed == 0:
                mini_values = None
            else:
                mini_values = b"".join(values[start:end])
            databytes = dumps((deltas, mini_weights, mini_values), 2)
            if comp:
                databytes = _compress(databytes, comp)
            infobytes = dumps((end - start, block_ids[-1], maxweight, comp, _length_byte(minlength),
                               _length_byte(maxlength)), 2)
            blocklength = len(infobytes) + len(databytes)
            post_parts.append(_pack_int(-blocklength if end == n else blocklength))
            post_parts.append(infobytes)
            post_parts.append(databytes)
            ppos += 4 + blocklength
            t_weight += sum(block_weights)
            if minlength is not None and (t_minlength is None or minlength < t_minlength):
                t_minlength = minlength
            if maxlength > t_maxlength:
                t_maxlength = maxlength
            if maxweight > t_maxweight:
                t_maxweight = maxweight
        # The term index's entry (W3TermInfo.to_bytes, OrderedHashWriter.add).
        key = fieldid + btext
        if key <= lastkey:
            raise ValueError("Keys must increase: %r..%r" % (lastkey, key))
        lastkey = key
        value = _TERMINFO.pack(0, t_weight, n, 0 if t_minlength is None else _length_byte(t_minlength),
                               _length_byte(t_maxlength), t_maxweight, ids[0], ids[-1]) \
            + _pack_long(start_offset) + _pack_int(ppos - start_offset)
        key_positions.append(tpos)
        term_parts.append(_HASH_LENGTHS.pack(len(key), len(value)))
        term_parts.append(key)
        term_parts.append(value)
        h = hashfn(key)
        buckets[h & 255].append((h, tpos))
        tpos += 8 + len(key) + len(value)
        # Written a few hundred kilobytes at a time (a frequent term's blocks
        # are many: holding thousands of terms' took 18 MB at a commit's peak).
        if ppos - flushed >= _FLUSH_BYTES or len(term_parts) >= 3 * 1024:
            postfile.write(b"".join(post_parts))
            tindex.dbfile.write(b"".join(term_parts))
            post_parts.clear()
            term_parts.clear()
            flushed = ppos
    postfile.write(b"".join(post_parts))
    tindex.dbfile.write(b"".join(term_parts))
    tindex.lastkey = lastkey
    if lastfn is not None:
        fw.finish_field()
