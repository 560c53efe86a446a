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

- A field analysed by arkisto's Finnish tokenizer is indexed by
  ``_FinnishFields``: each word looked up as a number (its form's lemmas
  and compound parts are known once), and many records' postings made
  together with numpy, no token objects.  Other fields go through Whoosh's
  ``field.index`` (a value that repeats from record to record, once).
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
from itertools import accumulate, chain
from operator import sub
from pickle import dumps
from typing import Any, Callable
from zlib import compress as _compress

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _BLOCK_MAGIC
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_int as _pack_int
from whoosh.system import pack_long as _pack_long
from whoosh.system import pack_ushort as _pack_ushort
from whoosh.util.numeric import length_to_byte as _length_byte
from whoosh.writing import SegmentWriter

from .analysis import FinnishTokenizer, active_backend, index_form, word_forms

_UINT = struct.Struct("!I")
_RUN_HEAD = struct.Struct("<III")  # a run's term: len(field, NUL, term), postings, len(values)
_pack_uint = _UINT.pack
_FLUSH_BYTES = 256 * 1024
_TERMINFO = W3TermInfo._struct  # flags, weight, df, min/max length, max weight, min/max id
# What the pool's memory is counted as (measured: a 100k build's sub-writers
# held about twice what 120 + len / 48 + len counted): a new term's dict
# entry, key, four containers and their first allocations; a posting's id,
# weight and value length, the arrays' room to grow, and what the writer
# keeps per posting besides the pool (tracemalloc over 2,500 decisions:
# 51.7 MB held, 50.8 MB counted), besides its value's length.
_TERM_BYTES = 420
_POSTING_BYTES = 40


class TermPool:
    """Postings per field and term, each term's in document order.

    A term's entry is [ids, weights, lengths, values]: an ``array('I')``,
    an ``array('f')`` (Whoosh's block types), each posting's value length
    (``array('I')``) and the values one after another in a ``bytearray``
    (a bytes object per posting took about 31 bytes more).  Terms
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
        # Called before a run is written: postings held outside the pool
        # (BulkWriter's Finnish fields') go in first, so each term's
        # postings stay in document order from run to run.
        self.before_spill: Callable[[], None] | None = None

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
                entry = terms[btext] = [array("I"), array("f"), array("I"), bytearray()]
                size += _TERM_BYTES + 2 * len(btext)
            elif entry[0][-1] >= docnum:
                self.ordered = False
            entry[0].append(docnum)
            entry[1].append(weight)
            if vbytes:
                entry[2].append(len(vbytes))
                entry[3] += vbytes
                size += _POSTING_BYTES + len(vbytes)
            else:
                entry[2].append(0)
                size += _POSTING_BYTES
            length += freq
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
                    _extend(other, entry)
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
        if self.before_spill is not None:
            self.before_spill()
        name = "%s.brun" % os.urandom(8).hex()
        with self.tempstore.create_file(name).raw_file() as f:
            write = f.write
            for (fieldname, btext), (ids, weights, lens, blob) in self._sorted_held():
                head = fieldname.encode("utf-8") + b"\0" + btext
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
                blob = bytearray(read(blen))
                yield (raw[:sep].decode("utf-8"), raw[sep + 1:]), rank, [ids, weights, lens, blob]
        finally:
            f.close()

    def iter_terms(self):
        """((field, term bytes), [ids, weights, lengths, values]) in term order,
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
                _extend(current, entry)
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


def _extend(entry: list, more: list) -> None:
    entry[0].extend(more[0])
    entry[1].extend(more[1])
    entry[2].extend(more[2])
    entry[3] += more[3]


def _values(lens: array, blob) -> list[bytes]:
    """An entry's values as a bytes object each (new objects: a block's
    values are pickled together, and one object twice would be pickled as
    a memo reference, which Whoosh's own writer never writes)."""
    ends = list(accumulate(lens))
    return list(map(bytes(blob).__getitem__, map(slice, chain((0,), ends), ends)))


def _sort_entry(entry: list) -> None:
    ids, weights, lens, blob = entry
    values = _values(lens, blob)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    entry[0] = array("I", (ids[i] for i in order))
    entry[1] = array("f", (weights[i] for i in order))
    entry[2] = array("I", (lens[i] for i in order))
    entry[3] = bytearray(b"".join(values[i] for i in order))


# Pickle's opcodes (protocol 2) in a position list's pickle, as Whoosh's
# Positions format writes it (``dumps(deltas, 2)``).
_LIST_HEAD = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)  # PROTO 2, EMPTY_LIST, BINPUT 0
_MARK, _APPENDS, _APPEND, _STOP = b"(ea."
_BININT1, _BININT2, _BININT = b"KMJ"  # an int below 256, 65,536 and 2**31
_PICKLE_BATCH = 1000  # pickle puts a MARK before every thousand items of a list


class _Kind:
    """The terms of one of the Finnish tokenizer's emits (lemmas, compound
    parts) per word form: form ``f``'s term ids are ``flat[start[f]:start[f +
    1]]``, a term id's text ``names[id]``.  Form 0 is a stop word's: no
    terms, and no position."""

    __slots__ = ("flat", "start", "count", "names", "ids", "_flat", "_start")

    def __init__(self):
        self.flat: list[int] = []
        self.start = [0, 0]
        self.count = [0]  # terms per form: a field's length counts them
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self._flat = np.zeros(0, np.int32)
        self._start = np.zeros(0, np.int64)

    def add(self, terms: tuple[str, ...]) -> None:
        ids, flat, names = self.ids, self.flat, self.names
        for t in terms:
            k = ids.get(t)
            if k is None:
                k = ids[t] = len(names)
                names.append(t)
            flat.append(k)
        self.start.append(len(flat))
        self.count.append(len(terms))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``flat`` and ``start`` as arrays (their new tails converted)."""
        if len(self._flat) < len(self.flat):
            self._flat = np.concatenate((self._flat, np.array(self.flat[len(self._flat):], np.int32)))
        if len(self._start) < len(self.start):
            self._start = np.concatenate((self._start, np.array(self.start[len(self._start):], np.int64)))
        return self._flat, self._start


class _FinnishFields:
    """The fields ``BulkWriter`` indexes itself (analysed by the Finnish
    tokenizer alone, in Whoosh's Positions or Frequency format), their
    postings made for many documents at a time.

    Each document's words are looked up as numbers, one per word form (a
    form's lemmas and compound parts are its terms, ``_Kind``), and held.
    Every ``LIMIT`` words, and before the pool writes a run or the segment,
    the held documents' postings are made together with numpy: each word's
    terms laid out, sorted by term (stably, so each term's postings stay in
    document and position order), and each posting's value written as the
    bytes Whoosh's format gives it (a position list's pickle, or a
    frequency), then handed to the pool a term at a time.  The profile of a
    5,000-decision sub-writer had 29 % of its time in the loop this replaces
    (positions grouped per term, a pickle and three appends per posting).

    The parity tests (tests/test_bulkwrite.py) compare the files with
    Whoosh's own writer's, byte for byte."""

    LIMIT = 1 << 17  # words held before their postings are made (making them takes 22 MB for a moment)
    FORMS = 200_000  # word forms remembered, then forgotten (as analysis.index_words does)

    def __init__(self, fields: dict[str, tuple[int, float, bool]]):
        self.fields = fields  # name -> (0 lemmas or 1 parts, field boost, positions)
        self.pending: dict[str, tuple[list[list[int]], list[int]]] = {name: ([], []) for name in fields}
        self.held = 0
        self._forget()

    def _forget(self) -> None:
        self.forms: dict[str, int] = {}
        self.kinds = (_Kind(), _Kind())
        self.backend: str | None = None
        self.memo: tuple[object, list[int]] = (None, [])

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def index(self, pool: TermPool, fieldname: str, docnum: int, value: str) -> int:
        """Hold one document's value of a field; returns the field's length
        (its terms' occurrences, as Whoosh's format counts them)."""
        if len(self.forms) > self.FORMS:
            self.flush(pool)
            self._forget()
        forms = self._forms(value)
        lists, docs = self.pending[fieldname]
        lists.append(forms)
        docs.append(docnum)
        pool.text_terms(fieldname)  # the pool's field from now (Whoosh's multiprocessing writer asks)
        self.held += len(forms)
        length = sum(map(self.kinds[self.fields[fieldname][0]].count.__getitem__, forms))
        if self.held >= self.LIMIT:
            self.flush(pool)
        return length

    def _forms(self, text: str) -> list[int]:
        """The form of each word of ``text`` that takes a position (stop
        words left out).  The last text is remembered by identity: a
        record's lemma and parts fields are one string."""
        memo_text, memo = self.memo
        if text is memo_text:
            return memo
        known = self.forms
        words = word_forms(text)
        ids: list[Any] = list(map(known.get, words))  # in C: a build looks up every word of every record
        if None in ids:
            for i, word in enumerate(words):
                if ids[i] is None:
                    form = known.get(word)  # twice in this text
                    if form is None:
                        form = known[word] = self._new(word)
                    ids[i] = form
        out = list(filter(None, ids))
        self.memo = (text, out)
        return out

    def _new(self, word: str) -> int:
        if self.backend is None:
            self.backend = active_backend()
        pair = index_form(word, self.backend)
        if pair is None:
            return 0
        lemmas, parts = self.kinds
        lemmas.add(pair[0])
        parts.add(pair[1])
        return len(lemmas.count) - 1

    def flush(self, pool: TermPool, grow: bool = True) -> None:
        """The held documents' postings into the pool."""
        size = 0
        for fieldname, (lists, docs) in self.pending.items():
            if docs:
                size += self._postings(pool, fieldname, lists, docs)
                lists.clear()
                docs.clear()
        self.held = 0
        if grow:
            pool.grew(size)
        else:
            pool.size += size

    def _postings(self, pool: TermPool, fieldname: str, lists: list[list[int]], docs: list[int]) -> int:
        which, boost, positions = self.fields[fieldname]
        kind = self.kinds[which]
        flat, start = kind.arrays()
        words = np.fromiter(map(len, lists), np.int64, len(lists))
        forms = np.fromiter(chain.from_iterable(lists), np.int32, int(words.sum()))
        first = start[forms]
        per_word = start[forms + 1] - first  # terms per word
        total = int(per_word.sum())
        if total == 0:
            return 0
        # Each term occurrence: its word, term, document (an index into docs) and position.
        word = np.repeat(np.arange(len(forms)), per_word)
        term = flat[first[word] + (np.arange(total) - (np.cumsum(per_word) - per_word)[word])]
        doc_of_word = np.repeat(np.arange(len(docs)), words)
        pos = (np.arange(len(forms)) - (np.cumsum(words) - words)[doc_of_word])[word]
        doc = doc_of_word[word]
        order = np.argsort(term, kind="stable")
        term, doc, pos = term[order], doc[order], pos[order]
        # A posting per run of one term in one document.
        starts_run = np.empty(total, bool)
        starts_run[0] = True
        np.not_equal(term[1:], term[:-1], out=starts_run[1:])
        starts_run[1:] |= doc[1:] != doc[:-1]
        run = np.flatnonzero(starts_run)
        freq = np.diff(run, append=total)
        if positions:
            blob, ends = _position_values(pos, run, freq)
            big = np.flatnonzero(freq > _PICKLE_BATCH).tolist()
            if big:  # pickled in batches of a thousand: pickle's own bytes
                ends_list = ends.tolist()
                values = list(map(blob.__getitem__, map(slice, [0] + ends_list[:-1], ends_list)))
                for i in big:
                    ps = pos[run[i]:run[i] + freq[i]]
                    values[i] = _pack_uint(int(freq[i])) + dumps(np.diff(ps, prepend=0).tolist(), 2)
                blob = b"".join(values)
                ends = np.cumsum(np.fromiter(map(len, values), np.int64, len(values)))
        else:
            blob = freq.astype(">u4").tobytes()  # Frequency's value: the count, as pack_uint
            ends = np.arange(4, 4 * len(run) + 1, 4)
        lens = np.diff(ends, prepend=0).astype(np.uint32).tobytes()
        offsets = [0] + ends.tolist()
        view = memoryview(blob)
        ids = np.asarray(docs, np.uint32)[doc[run]].tobytes()
        weights = (freq * boost).astype(np.float32).tobytes()
        run_term = term[run]
        term_starts = np.flatnonzero(np.diff(run_term, prepend=-1))
        term_ends = np.append(term_starts[1:], len(run))
        terms = pool.text_terms(fieldname)
        names = kind.names
        size = 0
        # A term's postings are one stretch of each array (sorted by term).
        for t, a, b in zip(run_term[term_starts].tolist(), term_starts.tolist(), term_ends.tolist()):
            w = names[t]
            entry = terms.get(w)
            if entry is None:
                entry = terms[w] = [array("I"), array("f"), array("I"), bytearray()]
                size += _TERM_BYTES + 2 * len(w)
            entry[0].frombytes(ids[4 * a:4 * b])
            entry[1].frombytes(weights[4 * a:4 * b])
            entry[2].frombytes(lens[4 * a:4 * b])
            entry[3] += view[offsets[a]:offsets[b]]
        return size + len(run) * _POSTING_BYTES + len(blob)


def _position_values(pos: np.ndarray, run: np.ndarray, freq: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Whoosh's Positions value of each run of a term's positions in a
    document (``pos[run[i]:run[i] + freq[i]]``), all in one bytes object:
    the count (pack_uint), then ``pickle.dumps(deltas, 2)``, byte for byte
    (a list of more than a thousand is pickled in batches: its bytes here are
    not pickle's, and the caller pickles it).  Returns the bytes and each
    value's end."""
    delta = pos.copy()
    delta[1:] -= pos[:-1]
    delta[run] = pos[run]
    item = 2 + (delta >= 256) + 2 * (delta >= 65536)  # opcode + 1, 2 or 4 bytes
    item_end = np.cumsum(item)
    item_start = item_end - item
    multi = freq > 1
    # count (4), PROTO EMPTY_LIST BINPUT (5), MARK if more than one, the items, APPEND(S) STOP (2)
    length = 11 + multi + (item_end[run + freq - 1] - item_start[run])
    ends = np.cumsum(length)
    starts = ends - length
    buf = np.empty(int(ends[-1]), np.uint8)
    n = freq.astype(np.uint32)
    for k in range(4):
        buf[starts + k] = (n >> (24 - 8 * k)) & 255
    for k in range(5):
        buf[starts + 4 + k] = _LIST_HEAD[k]
    buf[starts[multi] + 9] = _MARK
    of_run = np.repeat(np.arange(len(run)), freq)
    at = (starts + 9 + multi - item_start[run])[of_run] + item_start
    for opcode, width, which in ((_BININT1, 1, item == 2), (_BININT2, 2, item == 3), (_BININT, 4, item == 5)):
        if not which.any():
            continue
        where, d = at[which], delta[which]
        buf[where] = opcode
        for k in range(width):
            buf[where + 1 + k] = (d >> (8 * k)) & 255
    buf[ends - 2] = np.where(multi, _APPENDS, _APPEND)
    buf[ends - 1] = _STOP
    return buf.tobytes(), ends


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


def _memos(schema, fast: _FinnishFields) -> dict[str, _Memo]:
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


def _fast_indexers(schema) -> _FinnishFields:
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
        if type(fmt) in (formats.Positions, formats.Frequency):
            out[name] = (0 if ana.emit == "lemmas" else 1, fmt.field_boost, type(fmt) is formats.Positions)
    return _FinnishFields(out)


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
        self.pool.before_spill = lambda: self._fast.flush(self.pool, grow=False)
        self._memos = _memos(self.schema, self._fast)
        self._plain = any(f.vector or f.separate_spelling() for f in (self.schema[n] for n in self.schema.names()))
        self._hot = None  # the new segment's frequent terms' table while it is written (hotpostings.Gathered)

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
                    if name in fast and isinstance(value, str):
                        n = fast.index(pool, name, docnum, value)
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
            self._drop_hot()
            _release_files(self)

    def _flush_segment(self):
        from . import hotpostings

        self._fast.flush(self.pool)
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        # The segment's frequent terms' table, gathered as its postings are
        # written (hotpostings.Gathered), where the segment has a folder.
        # Saved once the segment is assembled (_finalize_segment): a compound
        # segment takes every file of its name into itself.
        folder = getattr(self.storage, "folder", None)
        self._hot = hotpostings.Gathered(self.schema, self.docnum, folder) if folder else None
        try:
            _write_postings(self.fieldwriter, self.schema, pdr, self.pool.iter_terms(), self.docnum, self._hot)
        finally:
            try:
                self.fieldwriter.close()
            finally:
                if pdr is not None:
                    pdr.close()

    def _finalize_segment(self):
        try:
            segment = super()._finalize_segment()
            if self._hot is not None:
                self._hot.save(segment.segment_id())
            return segment
        finally:
            self._drop_hot()

    def _drop_hot(self) -> None:
        hot = getattr(self, "_hot", None)  # None too where Whoosh's own __init__ failed
        if hot is not None:
            self._hot = None
            hot.close()


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


def _write_postings(fw, schema, pdr, terms, count: int, hot=None) -> None:
    """Whoosh's ``FieldWriter.add_postings`` and its postings writer, in one
    loop: the same bytes (each term's blocks of 128 postings in the postings
    file, its ``W3TermInfo`` in the term index), without Whoosh's calls per
    posting, block and term.  The profile of a 5,000-decision commit had
    two thirds of its time in those calls (start_term, finish_term,
    add_block, _write_block, the term index's add), for 71,225 blocks of
    61,607 terms, most of them a rare term's single posting.

    The parity tests (tests/test_bulkwrite.py) compare the files with
    Whoosh's own writer's, byte for byte.

    ``hot`` (a ``hotpostings.Gathered``), if given, is handed each frequent
    term's postings of the fields it keeps."""
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
    for (fieldname, btext), (ids, weights, lens, blob) in terms:
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
        if fixed is None or fixed < 0:
            values = _values(lens, blob)
        elif fixed > 0:
            offsets = [0, *accumulate(lens)]
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
                mini_values = bytes(blob[offsets[start]:offsets[end]])
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
        if hot is not None and hot.wants(fieldname, n):
            hot.add(fieldname, btext, ids, weights, values if fixed is None or fixed < 0 else None)
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
