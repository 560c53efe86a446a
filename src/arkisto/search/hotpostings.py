"""Frequent terms' postings and positions as plain arrays beside each segment.

A search's time at 100,000 decisions went mostly to Whoosh's posting
blocks: a block of 128 postings is a zlib stream holding pickles, and a
phrase's words need their positions too, a pickled list per posting.  The
profile of 40 phrase searches had 0.95 s unpickling, 0.74 s inflating and
0.70 s decoding positions, for 4.8 s in all; a one-word search spent 12 of
its 28 ms reading blocks.  Nearly all of that is frequent terms: past a few
hundred documents a term's postings are what costs, and in a Zipfian
vocabulary the frequent terms hold most postings.

So each segment's frequent terms of the text fields (``MIN_DF`` documents
or more in the segment) are written into ``<segment id>.hot`` beside it,
as arrays that are read by mapping the file, with nothing to inflate or
unpickle.  arkisto's writer gathers them while it writes the segment's
postings (``Gathered``); a segment that has none (an index from before,
a file removed) gets it when the indexer next publishes
(``write_missing``, which reads the postings back).  The file holds:

- per field, the terms (UTF-8 with offsets), and per term a slice of
  ``ids`` (documents within the segment, ascending, ``uint32``) and ``tf``
  (term frequency, ``uint16``, Whoosh's weight);
- for a field with positions, a slice of ``pos`` (``uint16``), each
  posting's ``tf`` positions in order.

A term that does not fit these types (a weight that is not a whole number,
a position past 65,535 in a very long document) is left out, and read from
the postings as before.  The file is an uncompressed ``.npz`` (numpy's own
format, readable with ``np.load``); its members are mapped directly.  A
segment never changes once written, Whoosh's clean-up removes the file
with its segment (the name has the segment's), and the manifest hashes it.

The file is untrusted like every index file: the zip's directory and each
member's ``.npy`` header are parsed and checked (types, shapes, offsets
inside the file), the offsets when a field is first used, and each term's
slice when it is first read (documents ascending and inside the segment,
frequencies adding up to its positions).  Anything that does not check
raises ``UnsafeIndexData`` (a damaged index).  A segment without a file
(an index from before) reads its postings, with the same results.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .safe_pickle import UnsafeIndexData

FORMAT = 1
SUFFIX = ".hot"
# The scored text fields (schema.TEXT_FIELDS and the compound parts).
FIELDS = ("parts", "text", "text_sv", "title", "title_sv")
# A term in this many documents of a segment or more is kept.  Reading a
# Whoosh block costs about 80 µs, so a term below this costs under 0.3 ms.
MIN_DF = 512
_U16 = 65535
_LOCAL = struct.Struct("<4s22xHH")  # a zip member's local header: signature, name and extra lengths
_EMPTY_U32 = np.zeros(0, dtype=np.uint32)
_EMPTY_U16 = np.zeros(0, dtype=np.uint16)


def path_of(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


# --- writing ----------------------------------------------------------------------------


def _term_arrays(fmt, blocks, positional: bool):
    """(ids uint32, tf uint16, pos uint16) of one term from its Whoosh
    blocks, or None when it does not fit the table's types."""
    from .whoosh_format import _positions

    ids = np.concatenate([b[0] for b in blocks]) if len(blocks) != 1 else blocks[0][0]
    ws = np.concatenate([b[1] for b in blocks]) if len(blocks) != 1 else blocks[0][1]
    if not len(ids) or bool((ws < 1).any()) or bool((ws > _U16).any()) or bool((ws != np.floor(ws)).any()):
        return None
    tf = ws.astype(np.int64)
    if not positional:
        return ids.astype(np.uint32), tf.astype(np.uint16), _EMPTY_U16
    vals = [v for b in blocks for v in b[2]]
    docs, pos = _positions(fmt, ids, vals)
    if len(pos) != int(tf.sum()) or (len(pos) and (int(pos.min()) < 0 or int(pos.max()) > _U16)):
        return None
    keys = np.sort((docs << 32) | pos)
    if not np.array_equal(keys >> 32, np.repeat(ids.astype(np.int64), tf)):
        return None
    return ids.astype(np.uint32), tf.astype(np.uint16), (keys & 0xFFFFFFFF).astype(np.uint16)


def segment_arrays(px, index: int, min_df: int | None = None) -> dict[str, np.ndarray]:
    """Segment ``index``'s file as arrays (what ``write_segment`` saves);
    ``px`` reads the postings themselves (no hot tables)."""
    from .whoosh_format import _term_blocks

    segment_id, _base, count = px.segments()[index]
    min_df = MIN_DF if min_df is None else min_df
    seg, _b = px.reader.leaf_readers()[index]
    terms: Any = getattr(seg, "_terms", None)
    arrays: dict[str, np.ndarray] = {
        "meta": np.array([FORMAT, count, min_df], dtype=np.int64),
        "fields": np.frombuffer("\n".join(FIELDS).encode("utf-8"), dtype=np.uint8),
    }
    # Written only where the postings are read the fast way (an index
    # Whoosh's codec wrote): without, every field is left empty.
    fast = terms is not None and hasattr(terms, "items_from") and hasattr(terms, "_postfile")
    have = set(terms.indexed_field_names()) if fast else set()
    for i, field in enumerate(FIELDS):
        blobs: list[bytes] = []
        plen: list[int] = []
        qlen: list[int] = []
        ids, tf, pos = _EMPTY_U32, _EMPTY_U16, _EMPTY_U16
        if field in have and px.has_field(field):
            fmt = px.schema[field].format
            positional = px.has_positions(field)
            kept = []
            for (fname, btext), ti in terms.items_from(field, b""):
                if fname != field:
                    break
                if ti.doc_frequency() >= min_df:
                    kept.append((btext, ti))
            # Filled in place (no list of parts concatenated at the end: a
            # child's peak memory is the field's arrays once).
            ids = np.empty(sum(ti.doc_frequency() for _b, ti in kept), dtype=np.uint32)
            tf = np.empty(len(ids), dtype=np.uint16)
            pos = np.empty(int(sum(ti.weight() for _b, ti in kept)) if positional else 0, dtype=np.uint16)
            p = q = 0
            for btext, ti in kept:
                got = _term_arrays(fmt, list(_term_blocks(terms, ti, fmt, positional)), positional)
                if got is None:
                    continue
                n, m = len(got[0]), len(got[2])
                if p + n > len(ids) or q + m > len(pos):
                    raise UnsafeIndexData(f"{segment_id}: the postings of {field} say other counts than its terms")
                ids[p:p + n], tf[p:p + n], pos[q:q + m] = got
                p, q = p + n, q + m
                blobs.append(btext)
                plen.append(n)
                qlen.append(m)
            ids, tf, pos = ids[:p], tf[:p], pos[:q]
        arrays[f"{i}.bytes"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        arrays[f"{i}.offsets"] = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
        arrays[f"{i}.poff"] = np.cumsum([0] + plen, dtype=np.int64)
        arrays[f"{i}.qoff"] = np.cumsum([0] + qlen, dtype=np.int64)
        arrays[f"{i}.ids"], arrays[f"{i}.tf"], arrays[f"{i}.pos"] = ids, tf, pos
    return arrays


class Gathered:
    """A new segment's table, gathered while its postings are written
    (``bulkwrite``: each term's postings pass through the writer once, in
    term order) instead of read back from them afterwards, which took a
    child 1.5 s per 5,000-decision segment at the end of a build, re-reading
    and inflating the blocks just written.  The arrays are those
    ``segment_arrays`` reads (``_term_arrays`` decides what is kept, as
    there); the postings go to unnamed temporary files in the segment's
    folder as they come, so a 50,000-decision segment's hundred megabytes
    are never held, and ``save`` writes the table from them."""

    def __init__(self, schema, count: int, folder: str | os.PathLike[str]):
        self.count = count
        self.min_df = MIN_DF
        self.folder = Path(folder)
        self.formats = {f: schema[f].format for f in FIELDS if f in schema}
        self.positional = {f: bool(fmt and fmt.supports("positions")) for f, fmt in self.formats.items()}
        self.terms: dict[str, tuple[list[bytes], list[int], list[int]]] = {f: ([], [], []) for f in FIELDS}
        self.files: dict[tuple[str, str], Any] = {}

    def wants(self, field: str, df: int) -> bool:
        return df >= self.min_df and field in self.formats

    def add(self, field: str, btext: bytes, ids, weights, values: list[bytes] | None) -> None:
        """One term's postings: document numbers, weights and (a field with
        positions) each posting's encoded value, in document order."""
        positional = self.positional[field]
        block = (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64),
                 values if positional else [])
        got = _term_arrays(self.formats[field], [block], positional)
        if got is None:
            return
        for kind, a in zip(("ids", "tf", "pos"), got):
            if len(a):
                f = self.files.get((field, kind))
                if f is None:
                    import tempfile

                    f = self.files[(field, kind)] = tempfile.TemporaryFile(dir=self.folder)
                f.write(a.tobytes())
        blobs, plen, qlen = self.terms[field]
        blobs.append(btext)
        plen.append(len(got[0]))
        qlen.append(len(got[2]))

    def save(self, segment_id: str) -> Path:
        """The table, written beside the segment atomically (as write_npz)."""
        arrays: dict[str, Any] = {
            "meta": np.array([FORMAT, self.count, self.min_df], dtype=np.int64),
            "fields": np.frombuffer("\n".join(FIELDS).encode("utf-8"), dtype=np.uint8),
        }
        for i, field in enumerate(FIELDS):
            blobs, plen, qlen = self.terms[field]
            arrays[f"{i}.bytes"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
            arrays[f"{i}.offsets"] = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
            arrays[f"{i}.poff"] = np.cumsum([0] + plen, dtype=np.int64)
            arrays[f"{i}.qoff"] = np.cumsum([0] + qlen, dtype=np.int64)
            n, m = sum(plen), sum(qlen)
            arrays[f"{i}.ids"] = (self.files.get((field, "ids")), np.dtype(np.uint32), n)
            arrays[f"{i}.tf"] = (self.files.get((field, "tf")), np.dtype(np.uint16), n)
            arrays[f"{i}.pos"] = (self.files.get((field, "pos")), np.dtype(np.uint16), m)
        path = path_of(self.folder, segment_id)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as out:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
                for name, value in arrays.items():
                    with z.open(f"{name}.npy", "w", force_zip64=True) as member:
                        if isinstance(value, np.ndarray):
                            np.lib.format.write_array(member, value, allow_pickle=False)
                            continue
                        f, dtype, n = value
                        header = np.lib.format.header_data_from_array_1_0(np.empty(0, dtype))
                        header["shape"] = (n,)
                        np.lib.format.write_array_header_1_0(member, header)
                        if f is not None:
                            if f.tell() != n * dtype.itemsize:
                                raise ValueError(f"{segment_id}: the gathered {name} is not of its terms' length")
                            f.seek(0)
                            while chunk := f.read(1 << 20):
                                member.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        for f in self.files.values():
            f.close()
        self.files.clear()


def write_segment(folder: Path, px, index: int) -> Path:
    """Write segment ``index``'s file beside it, atomically."""
    from .termtables import write_npz

    return write_npz(path_of(folder, px.segments()[index][0]), segment_arrays(px, index))


# Tables missing for segments this big are written by forked children,
# side by side (a 50,000-decision segment takes about 8 s); smaller ones
# here, in turn, unless two or more of them are this big or bigger (two
# segments of 5,000, about 1.5 s each): one core would otherwise idle
# while the other wrote both.
PARALLEL_DOCS = 20_000
SIDE_BY_SIDE_DOCS = 2_000
# A child's limits: it reads one segment's frequent terms.
CHILD_SECONDS = 6 * 3600
CHILD_MB = 4096


def write_missing(folder: str | os.PathLike[str], px, jobs: int | None = None) -> int:
    """Write the file of every segment of the index in ``folder`` that has
    none (a new segment, or a merge's); the number written.

    Big segments are written by children forked as the parsers are
    (ingest/isolate.py: they hold no descriptor of this process and die
    with it), ``jobs`` at a time (default: the machine's cores, at most 4).
    A child reads its segment with plain reads, not Whoosh's memory map,
    so neither it nor this process holds the segment's pages (a 100,000-
    decision build peaked at 1.2 GB that way).  A child that fails leaves
    its segment to be written here, where its error is raised as itself (a
    full disk, say)."""
    folder = Path(folder)
    todo = [(i, sid, count) for i, (sid, _base, count) in enumerate(px.segments())
            if sid and not path_of(folder, sid).exists()]
    jobs = min(4, os.cpu_count() or 1) if jobs is None else jobs
    mid = [sid for _i, sid, count in todo if count >= SIDE_BY_SIDE_DOCS]
    big = mid if len(mid) >= 2 and jobs >= 2 else [sid for _i, sid, count in todo if count >= PARALLEL_DOCS]
    if big and jobs >= 1:
        from ..ingest.isolate import Child

        running: list = []
        try:
            for sid in big:
                if len(running) >= jobs:
                    _wait_quietly(running.pop(0))
                try:
                    running.append(Child(_write_by_id, (str(folder), sid, MIN_DF), CHILD_SECONDS, CHILD_MB))
                except OSError:  # no fork (out of processes): written here
                    break
            while running:
                _wait_quietly(running.pop(0))
        finally:
            for c in running:
                c.stop()
    for i, sid, _count in todo:
        if not path_of(folder, sid).exists():
            write_segment(folder, px, i)
    return len(todo)


def _wait_quietly(child) -> None:
    try:
        child.wait()
    except Exception:
        pass  # its segment is written here afterwards, where its error says what it is


def _write_by_id(folder: str, segment_id: str, min_df: int) -> None:
    """In a child process: open the index in ``folder`` (plain reads, no
    memory map) and write the file of its segment ``segment_id``."""
    global MIN_DF
    from whoosh.filedb.filestore import FileStorage

    from .whoosh_format import WhooshPostings

    MIN_DF = min_df
    ix = FileStorage(folder, supports_mmap=False).open_index()
    try:
        with ix.searcher() as s:
            px = WhooshPostings(s)
            index = [sid for sid, _b, _n in px.segments()].index(segment_id)
            write_segment(Path(folder), px, index)
    finally:
        ix.close()


def differs(folder: Path, plain, index: int) -> bool:
    """Whether segment ``index``'s file (if it has one of this format)
    says anything but what its postings say; ``plain`` reads the postings
    themselves.  For ``arkisto check``."""
    segment_id, _base, count = plain.segments()[index]
    path = path_of(folder, segment_id)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return False
    with f:
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:
            raise UnsafeIndexData(f"{path.name} is empty") from None
        got = _members(path, f, mm)
        meta = got.get("meta")
        if meta is None or meta.dtype != np.int64 or len(meta) != 3:
            raise UnsafeIndexData(f"{path.name} is not a postings table")
        if int(meta[0]) != FORMAT:
            return False
        want = segment_arrays(plain, index, int(meta[2]))
        return set(got) != set(want) or any(
            got[k].dtype != want[k].dtype or not np.array_equal(got[k], want[k]) for k in want)


# --- reading ----------------------------------------------------------------------------


def _members(path: Path, f, mm) -> dict[str, np.ndarray]:
    """Every member of the uncompressed .npz as an array over the mapping,
    its zip and .npy headers checked."""
    out: dict[str, np.ndarray] = {}
    size = len(mm)
    try:
        with zipfile.ZipFile(f) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise UnsafeIndexData(f"{path.name} is not a postings table ({type(exc).__name__})") from None
    for info in infos:
        name = info.filename
        if info.compress_type != zipfile.ZIP_STORED or not name.endswith(".npy"):
            raise UnsafeIndexData(f"{path.name}: {name} is not a stored array")
        at = info.header_offset
        if at < 0 or at + _LOCAL.size > size:
            raise UnsafeIndexData(f"{path.name}: {name} lies outside the file")
        sig, nlen, xlen = _LOCAL.unpack_from(mm, at)
        start = at + _LOCAL.size + nlen + xlen
        end = start + info.file_size
        if sig != b"PK\x03\x04" or end > size:
            raise UnsafeIndexData(f"{path.name}: {name} lies outside the file")
        hdr = _NpyHeader(mm, start, end)
        try:
            version = np.lib.format.read_magic(hdr)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(hdr)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(hdr)
            else:
                raise ValueError(f"version {version}")
        except (ValueError, SyntaxError, TypeError, OverflowError) as exc:
            raise UnsafeIndexData(f"{path.name}: {name}'s header does not read ({type(exc).__name__})") from None
        if (len(shape) != 1 or fortran or dtype.hasobject
                or dtype not in (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32), np.dtype(np.int64))):
            raise UnsafeIndexData(f"{path.name}: {name} is {dtype} {shape}")
        data = start + hdr.pos
        if data + shape[0] * dtype.itemsize > end:
            raise UnsafeIndexData(f"{path.name}: {name} is longer than its member")
        out[name[:-4]] = np.frombuffer(mm, dtype=dtype, count=shape[0], offset=data)
    return out


class _NpyHeader:
    """A file-like view of a member's start, for numpy's header reader
    (which reads at most the header)."""

    def __init__(self, mm, start: int, end: int):
        self.mm, self.start, self.end, self.pos = mm, start, end, 0

    def read(self, n: int = -1) -> bytes:
        a = self.start + self.pos
        b = self.end if n < 0 else min(self.end, a + n)
        self.pos = b - self.start
        return bytes(self.mm[a:b])


@dataclass
class Term:
    """One term's postings in one segment: documents within the segment,
    frequencies, and (a positional field) each posting's positions in
    order."""

    ids: np.ndarray
    tf: np.ndarray
    pos: np.ndarray | None


class _Field:
    def __init__(self, name: str, arrays: dict[str, np.ndarray], i: int, count: int, positional: bool):
        try:
            blob = arrays[f"{i}.bytes"]
            offsets, poff, qoff = arrays[f"{i}.offsets"], arrays[f"{i}.poff"], arrays[f"{i}.qoff"]
            self.ids, self.tf, self.pos = arrays[f"{i}.ids"], arrays[f"{i}.tf"], arrays[f"{i}.pos"]
        except KeyError as exc:
            raise UnsafeIndexData(f"{name}: no {exc.args[0]}") from None
        want = (np.uint8, np.int64, np.int64, np.int64, np.uint32, np.uint16, np.uint16)
        got = (blob, offsets, poff, qoff, self.ids, self.tf, self.pos)
        n = len(offsets) - 1
        if (any(a.dtype != np.dtype(t) for a, t in zip(got, want)) or n < 0
                or len(poff) != n + 1 or len(qoff) != n + 1
                or int(offsets[0]) != 0 or int(offsets[-1]) != len(blob)
                or int(poff[0]) != 0 or int(poff[-1]) != len(self.ids) or len(self.tf) != len(self.ids)
                or int(qoff[0]) != 0 or int(qoff[-1]) != len(self.pos)
                or (not positional and len(self.pos))
                or bool((np.diff(offsets) < 0).any()) or bool((np.diff(poff) <= 0).any())
                or bool((np.diff(qoff) < 0).any())):
            raise UnsafeIndexData(f"{name}: the table of field {i} does not check")
        offs = offsets.tolist()
        raw = blob.tobytes()
        self.at = {raw[a:b]: k for k, (a, b) in enumerate(zip(offs, offs[1:]))}
        if len(self.at) != n:
            raise UnsafeIndexData(f"{name}: the table of field {i} repeats a term")
        self.poff, self.qoff = poff.tolist(), qoff.tolist()
        self.count = count
        self.positional = positional
        self.name = name
        self.checked: set[int] = set()

    def term(self, btext: bytes) -> Term | None:
        k = self.at.get(btext)
        if k is None:
            return None
        a, b = self.poff[k], self.poff[k + 1]
        ids, tf = self.ids[a:b], self.tf[a:b]
        pos = self.pos[self.qoff[k]:self.qoff[k + 1]] if self.positional else None
        if k not in self.checked:
            if (int(ids[-1]) >= self.count or bool((np.diff(ids.astype(np.int64)) <= 0).any())
                    or int(tf.min()) < 1
                    or (pos is not None and int(tf.sum(dtype=np.int64)) != len(pos))):
                raise UnsafeIndexData(f"{self.name}: a term's postings do not check")
            self.checked.add(k)
        return Term(ids, tf, pos)


class _Segment:
    def __init__(self, path: Path, count: int, positional: dict[str, bool]):
        self.fields: dict[str, _Field | None] = {}
        with open(path, "rb") as f:
            try:
                self.mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file
                raise UnsafeIndexData(f"{path.name} is empty") from None
            self.arrays = _members(path, f, self.mm)
        meta = self.arrays.get("meta")
        if meta is None or meta.dtype != np.int64 or len(meta) != 3:
            raise UnsafeIndexData(f"{path.name} is not a postings table")
        self.format = int(meta[0])
        if self.format == FORMAT and int(meta[1]) != count:
            raise UnsafeIndexData(f"{path.name} is of {int(meta[1])} documents, its segment of {count}")
        fields = self.arrays.get("fields")
        try:
            self.names = fields.tobytes().decode("utf-8").split("\n") if fields is not None else []
        except UnicodeDecodeError:
            raise UnsafeIndexData(f"{path.name}: field names are not UTF-8") from None
        self.path, self.count, self.positional = path, count, positional

    def field(self, field: str) -> _Field | None:
        if field not in self.fields:
            got = None
            if self.format == FORMAT and tuple(self.names) == FIELDS and field in FIELDS:
                got = _Field(self.path.name, self.arrays, FIELDS.index(field), self.count,
                             self.positional.get(field, False))
            self.fields[field] = got
        return self.fields[field]


class HotPostings:
    """A generation's tables, opened per segment when first asked for.
    Shared by the threads of a search service (reads only; opening is
    locked)."""

    def __init__(self, folder: str | os.PathLike[str] | None, positional: dict[str, bool]):
        self.folder = Path(folder) if folder is not None else None
        self.positional = positional
        self._segments: dict[str, _Segment | None] = {}
        self._lock = threading.Lock()

    def term(self, segment_id: str, count: int, field: str, btext: bytes) -> Term | None:
        """The term's postings in the segment from its table, or None (no
        table, or the term is not in it: read the postings)."""
        if self.folder is None or not segment_id or field not in FIELDS:
            return None
        seg = self._segment(segment_id, count)
        if seg is None:
            return None
        f = seg.field(field)
        return f.term(btext) if f is not None else None

    def warm(self, segments) -> None:
        """Open the tables of ``segments`` ((segment id, documents) pairs)
        and their fields now, for a client that will search soon (the TUI,
        while its screen comes up): at a million decisions the first search
        otherwise opens 14 tables first."""
        if self.folder is None:
            return
        for segment_id, count in segments:
            seg = self._segment(segment_id, count) if segment_id else None
            if seg is not None:
                for field in FIELDS:
                    if field in self.positional:
                        seg.field(field)

    def _segment(self, segment_id: str, count: int) -> _Segment | None:
        assert self.folder is not None
        seg = self._segments.get(segment_id, False)
        if seg is False:
            with self._lock:
                seg = self._segments.get(segment_id, False)
                if seg is False:
                    try:
                        seg = _Segment(path_of(self.folder, segment_id), count, self.positional)
                    except FileNotFoundError:
                        seg = None
                    except OSError as exc:
                        raise UnsafeIndexData(f"{segment_id}{SUFFIX}: {exc.strerror}") from None
                    self._segments[segment_id] = seg
        return seg  # type: ignore[return-value]
