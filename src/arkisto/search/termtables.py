"""Each segment's facet and project terms as plain arrays, kept beside it.

Facet counts and the projects list need, for every value of a few keyword
fields, the documents that have it.  Read from the postings that is one
lookup per (value, segment): on a cold index of a million decisions, 20,000
facet values in 12 segments took 10 s before the first results, and the
projects' written forms 4 s more.

A Whoosh segment never changes once written (a deletion goes into the
generation's table of contents), so its terms of these fields are written
once, when the indexer publishes a generation, into ``<segment id>.terms``
beside the segment: an ``.npz`` of plain arrays per field (the terms as
UTF-8 bytes with offsets, and (document, term) pairs numbered within the
segment, deleted documents included).  Whoosh's own clean-up removes the
file with its segment, because the name has the segment's.  Opening a
generation then reads a few arrays per segment and merges them.

The files are untrusted, like every index file: they are read with
``allow_pickle=False`` and every array is checked (types, lengths, ranges,
UTF-8); a file that does not check raises ``UnsafeIndexData`` (a damaged
index).  A segment without a file (an index from before, or one Whoosh's
API wrote) is read from its postings instead, with the same result.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .safe_pickle import UnsafeIndexData
from .schema import FACETS

FORMAT = 1
SUFFIX = ".terms"
# The fields kept: the facets' and the funded projects' (search/funding.py).
PROJECT_FIELDS = ("project_as", "project_funder", "project_programme", "project_amount")
FIELDS: tuple[str, ...] = tuple(sorted({f for f, _multi in FACETS.values()} | set(PROJECT_FIELDS)))


@dataclass
class Table:
    """One field's terms in one segment: ``terms`` in order, and (document,
    term) pairs as ``docs`` (within the segment) and ``ords`` (into terms)."""

    terms: list[str]
    docs: np.ndarray
    ords: np.ndarray


def read_segment(px, index: int, field: str) -> Table:
    """A segment's table of ``field``, from its postings."""
    terms: list[str] = []
    docs: list[np.ndarray] = []
    ords: list[np.ndarray] = []
    for btext, ids in px.segment_terms(index, field):
        try:
            text = btext.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsafeIndexData(f"a term of {field} is not UTF-8") from None
        docs.append(ids.astype(np.int32))
        ords.append(np.full(len(ids), len(terms), dtype=np.int32))
        terms.append(text)
    return Table(terms, np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                 np.concatenate(ords) if ords else np.zeros(0, dtype=np.int32))


def _path(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


def write_segment(folder: Path, px, index: int) -> Path:
    """Write segment ``index``'s tables (every field of FIELDS) beside it,
    atomically: a reader sees the whole file or none."""
    segment_id, _base, count = px.segments()[index]
    arrays: dict[str, np.ndarray] = {
        "meta": np.array([FORMAT, count], dtype=np.int64),
        "fields": np.frombuffer("\n".join(FIELDS).encode("utf-8"), dtype=np.uint8),
    }
    for i, field in enumerate(FIELDS):
        t = read_segment(px, index, field)
        blobs = [s.encode("utf-8") for s in t.terms]
        arrays[f"{i}.bytes"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        arrays[f"{i}.offsets"] = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
        arrays[f"{i}.docs"] = t.docs
        arrays[f"{i}.ords"] = t.ords
    return write_npz(_path(folder, segment_id), arrays)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """``arrays`` as an uncompressed .npz at ``path``, atomically: a reader
    sees the whole file or none (a segment's arrays, here and in
    hotpostings.py)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def write_missing(folder: str | os.PathLike[str], px) -> int:
    """Write the tables of every segment of the index in ``folder`` that has
    none (a new segment, or a merge's); the number written."""
    folder = Path(folder)
    written = 0
    for i, (segment_id, _base, _count) in enumerate(px.segments()):
        if segment_id and not _path(folder, segment_id).exists():
            write_segment(folder, px, i)
            written += 1
    return written


def _array(z, name: str, dtype) -> np.ndarray:
    try:
        a = z[name]
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UnsafeIndexData(f"{name}: {type(exc).__name__}") from None
    if a.dtype != np.dtype(dtype) or a.ndim != 1:
        raise UnsafeIndexData(f"{name}: {a.dtype} {a.shape}")
    return a


def load_table(path: Path, count: int, field: str) -> Table | None:
    """One field's table from a segment's file, checked; None when there is
    no file, or it is of another format or field list (then the postings
    are read instead).  Only that field's arrays are read."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnsafeIndexData(f"{path.name}: {exc.strerror}") from None
    with f:
        try:
            z = np.load(f, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise UnsafeIndexData(f"{path.name} is not a term table ({type(exc).__name__})") from None
        if not isinstance(z, np.lib.npyio.NpzFile):
            raise UnsafeIndexData(f"{path.name} is not a term table")
        with z:
            meta = _array(z, "meta", np.int64)
            if len(meta) != 2 or int(meta[0]) != FORMAT:
                return None
            if int(meta[1]) != count:
                raise UnsafeIndexData(f"{path.name} is of {int(meta[1])} documents, its segment of {count}")
            try:
                fields = _array(z, "fields", np.uint8).tobytes().decode("utf-8").split("\n")
            except UnicodeDecodeError:
                raise UnsafeIndexData(f"{path.name}: field names are not UTF-8") from None
            if tuple(fields) != FIELDS:
                return None
            i = FIELDS.index(field)
            blob = _array(z, f"{i}.bytes", np.uint8).tobytes()
            offsets = _array(z, f"{i}.offsets", np.int64)
            docs = _array(z, f"{i}.docs", np.int32)
            ords = _array(z, f"{i}.ords", np.int32)
    n = len(offsets) - 1
    if (n < 0 or offsets[0] != 0 or offsets[-1] != len(blob) or bool((np.diff(offsets) < 0).any())
            or len(docs) != len(ords)
            or (len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= count
                               or int(ords.min()) < 0 or int(ords.max()) >= n))):
        raise UnsafeIndexData(f"{path.name}: the table of {field} does not check")
    offs = offsets.tolist()
    try:
        terms = [blob[a:b].decode("utf-8") for a, b in zip(offs, offs[1:])]
    except UnicodeDecodeError:
        raise UnsafeIndexData(f"{path.name}: a term of {field} is not UTF-8") from None
    return Table(terms, docs, ords)


class TermTables:
    """A generation's tables: a field's terms over every segment, merged in
    term order, with (document, term) pairs numbered in the index.  Each
    caller keeps what it builds from them (the facets, the projects), so
    nothing is kept here."""

    def __init__(self, folder: str | os.PathLike[str] | None):
        self.folder = Path(folder) if folder is not None else None

    def _segment(self, px, index: int, segment_id: str, count: int, field: str) -> Table:
        if field in FIELDS and self.folder is not None and segment_id:
            table = load_table(_path(self.folder, segment_id), count, field)
            if table is not None:
                return table
        return read_segment(px, index, field)

    def pairs(self, px, field: str, grouped: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(terms, docs, ords) of ``field`` over the index: every term in
        order (UTF-8 byte order, as Whoosh's lexicon), and each (document,
        term) pair grouped by term, documents ascending, deleted ones
        included.  ``grouped=False``: the same pairs in segment order
        (grouped by term within each segment), for a caller that only
        counts or scatters them (the facets): at a million decisions the
        sort took a quarter of opening the facets."""
        if not px.has_field(field):
            return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        parts = [(self._segment(px, i, sid, count, field), base)
                 for i, (sid, base, count) in enumerate(px.segments())]
        if len(parts) == 1:
            t, base = parts[0]
            terms = t.terms
            docs = t.docs.astype(np.int64) + base
            ords = t.ords
        else:
            # Code point order is UTF-8 byte order (Whoosh's lexicon).
            terms = sorted(set().union(*(t.terms for t, _b in parts)))
            at = {s: i for i, s in enumerate(terms)}
            docs_l, ords_l = [], []
            for t, base in parts:
                if not len(t.terms):
                    continue
                lut = np.fromiter((at[s] for s in t.terms), dtype=np.int32, count=len(t.terms))
                docs_l.append(t.docs.astype(np.int64) + base)
                ords_l.append(lut[t.ords])
            docs = np.concatenate(docs_l) if docs_l else np.zeros(0, dtype=np.int64)
            ords = np.concatenate(ords_l) if ords_l else np.zeros(0, dtype=np.int32)
            if grouped:
                # Grouped by term: each segment's part is by term, documents
                # ascending, and the parts are in document order, so a stable
                # sort by term keeps the documents ascending.
                order = np.argsort(ords, kind="stable")
                docs, ords = docs[order], ords[order]
        return terms, docs, ords.astype(np.int32)
