"""arkisto's segment writer (search/bulkwrite.py) writes what Whoosh's own
writer writes, byte for byte: the same documents through both give the same
segment files (postings, term index, stored fields, lengths, columns), also
when its pool spills to run files and when older segments are merged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh import index
from whoosh.writing import SegmentWriter

from arkisto.ingest.detect import parse_path
from arkisto.search.bulkwrite import BulkWriter
from arkisto.search.merge import keys as merge_keys
from arkisto.search.schema import build_schema, group_document, single_document
from helpers import FIXTURES

SOURCES = ["espoo-dynasty", "helsinki-ahjo", "helsinki-ahjo-sv", "lapua-cloudnc", "mikkeli-cloudnc",
           "oulu-tweb", "annual-reports", "heinola", "projects"]


def _documents() -> list[dict]:
    docs: list[dict] = []
    for name in SOURCES:
        for path in sorted((FIXTURES / name).rglob("*")):
            if not path.is_file():
                continue
            result = parse_path(path)
            for i, rec in enumerate(result.records):
                docs.append(single_document(rec, merge_keys(rec, "d" + path.name, i), f"{name}/{path.name}"))
    assert len(docs) > 60
    return docs


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    docs = _documents()
    # Enough of them that common terms have several of Whoosh's 128-posting
    # blocks, a merged decision (stored members, aliases, paths), and edge
    # cases: nothing but stop words, a word hundreds of times, no text.
    out = [dict(d) for _ in range(4) for d in docs]
    first = docs[0]
    out.append({**first, "id": "only-stops", "text": "ja tai sekä että eli on ei", "parts": "ja tai"})
    out.append({**first, "id": "repeated", "text": " ".join(["päiväkoti hanke"] * 300)})
    # A word more than a thousand times in one record (pickle writes a long
    # list in batches of a thousand), a thousand times exactly, and words
    # first met, and met again, past positions 255 and 65,535 (pickle's
    # one-, two- and four-byte integers).
    out.append({**first, "id": "long", "title": "Pitkä",
                "text": " ".join(["hanke"] * 1001 + ["koulu"] * 1000 + ["alku"] + ["täyte"] * 300 + ["alku"]
                                 + ["täyte"] * 66_000 + ["alku", "loppusana"])})
    out.append({k: v for k, v in first.items() if k not in ("text", "title", "parts")} | {"id": "bare"})
    group = [{"path": "a.json", "keys": ["c1"], "record": docs[1]["record"]},
             {"path": "b.json", "keys": ["c2"], "record": docs[2]["record"]}]
    out.append(group_document(group))
    return out


def _segment_files(folder: Path, skip: set[str] = frozenset()) -> dict[str, bytes]:
    """The segment files by their extension (segment names are random)."""
    out = {}
    for name in os.listdir(folder):
        if name in skip or name.endswith((".toc", ".lock")) or "." not in name:
            continue
        ext = name.split(".", 1)[1]
        if ext == "hot":  # arkisto's own table beside the segment (see the tests of it below)
            continue
        assert ext not in out, f"two segments in {folder}"
        out[ext] = (folder / name).read_bytes()
    return out


def _write(folder: Path, cls, docs: list[dict], limitmb: int = 128) -> None:
    folder.mkdir(exist_ok=True)
    ix = index.create_in(str(folder), build_schema())
    w = cls(ix, limitmb=limitmb, compound=False)
    for doc in docs:
        w.add_document(**doc)
    if cls is BulkWriter and limitmb <= 2:
        assert w.pool.runs, "the pool never wrote a run file"
    w.commit()


def _assert_same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    assert {"pst", "trm", "_stored.col"} <= set(a)
    differ = [ext for ext in a if a[ext] != b[ext]]
    assert not differ, f"files differ from Whoosh's: {differ}"


def test_the_same_files_as_whooshs_writer(tmp_path, documents):
    _write(tmp_path / "whoosh", SegmentWriter, documents)
    _write(tmp_path / "bulk", BulkWriter, documents)
    _assert_same(_segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "bulk"))


def test_the_same_files_when_the_postings_are_written_in_many_pieces(tmp_path, documents, monkeypatch):
    """The postings and the term index are written a few hundred kilobytes
    at a time; every term's offsets still point where Whoosh's would."""
    from arkisto.search import bulkwrite

    _write(tmp_path / "whoosh", SegmentWriter, documents)
    monkeypatch.setattr(bulkwrite, "_FLUSH_BYTES", 512)
    _write(tmp_path / "bulk", BulkWriter, documents)
    files = _segment_files(tmp_path / "bulk")
    assert len(files["pst"]) > 20 * 512  # written in more than twenty pieces
    _assert_same(_segment_files(tmp_path / "whoosh"), files)


def test_a_records_repeated_facet_values_give_the_same_files(tmp_path, documents):
    """Values that repeat from record to record (a committee, a date, a
    year) are indexed once and their postings reused: the files are still
    Whoosh's, for values seen again after others and after the memo of a
    field is full."""
    from arkisto.search import bulkwrite

    size = bulkwrite._Memo.SIZE
    docs = [dict(d, committee=f"Lautakunta {i % 3}", year=str(1000 + i % (size + 50)))
            for i, d in enumerate(documents * 3)]
    assert len(docs) > size + 50  # past the memo's size, then years seen before
    _write(tmp_path / "whoosh", SegmentWriter, docs)
    _write(tmp_path / "bulk", BulkWriter, docs)
    _assert_same(_segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "bulk"))


def test_the_same_files_when_words_are_indexed_a_few_records_at_a_time(tmp_path, documents, monkeypatch):
    """The Finnish fields' postings are made for many records at a time,
    and the word forms forgotten when there are many: in small batches, and
    with the forms forgotten again and again, the files are still Whoosh's."""
    from arkisto.search import bulkwrite

    _write(tmp_path / "whoosh", SegmentWriter, documents)
    monkeypatch.setattr(bulkwrite._FinnishFields, "LIMIT", 700)
    monkeypatch.setattr(bulkwrite._FinnishFields, "FORMS", 150)
    flushes = []
    original = bulkwrite._FinnishFields.flush
    monkeypatch.setattr(bulkwrite._FinnishFields, "flush",
                        lambda self, *a, **k: (flushes.append(self.held), original(self, *a, **k))[1])
    _write(tmp_path / "bulk", BulkWriter, documents)
    assert len(flushes) > 50
    _assert_same(_segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "bulk"))


def test_the_same_files_when_the_pool_spills_to_runs(tmp_path, documents):
    """A pool over its memory limit writes runs and merges them term by
    term at the end: still Whoosh's files."""
    _write(tmp_path / "whoosh", SegmentWriter, documents)
    _write(tmp_path / "bulk", BulkWriter, documents, limitmb=1)
    _assert_same(_segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "bulk"))


@pytest.mark.parametrize("limitmb", [128, 1])
def test_the_same_files_when_older_segments_are_merged(tmp_path, documents, limitmb):
    """An update that merges older segments (with a deleted document) into
    the new one: Whoosh's merge code hands their postings to the pool, after
    the new documents' (and with a small pool, while some of the new
    documents' words are still held: the runs keep document order)."""
    base = tmp_path / "base"
    base.mkdir()
    ix = index.create_in(str(base), build_schema())
    third = len(documents) // 3
    for part in (documents[:third], documents[third:2 * third]):
        w = SegmentWriter(ix, compound=False)
        for doc in part:
            w.add_document(**doc)
        w.commit(merge=False)
    w = SegmentWriter(ix, compound=False)
    w.delete_document(5)
    w.commit(merge=False)
    before = set(os.listdir(base))
    made = {}
    for cls in (SegmentWriter, BulkWriter):
        folder = tmp_path / cls.__name__
        shutil.copytree(base, folder)
        w = cls(index.open_dir(str(folder)), compound=False, limitmb=limitmb)
        for doc in documents[2 * third:]:
            w.add_document(**doc)
        w.commit(optimize=True)
        made[cls] = _segment_files(folder, skip=before)
    _assert_same(made[SegmentWriter], made[BulkWriter])


def test_an_index_written_in_bulk_is_searched_as_before(tmp_path, documents):
    from whoosh.qparser import QueryParser

    _write(tmp_path / "w", SegmentWriter, documents)
    _write(tmp_path / "b", BulkWriter, documents)
    hits = {}
    for name in ("w", "b"):
        with index.open_dir(str(tmp_path / name)).searcher() as s:
            q = QueryParser("text", s.schema).parse('päiväkoti OR "talousarvio" OR hanke')
            hits[name] = [(h["id"], round(h.score, 6)) for h in s.search(q, limit=30)]
    assert hits["w"] and hits["w"] == hits["b"]


@pytest.mark.parametrize("compound", [False, True])
def test_a_new_segments_frequent_terms_table_is_what_its_postings_say(tmp_path, documents, monkeypatch, compound):
    """The frequent terms' table beside a new segment (hotpostings.py) is
    gathered while the writer writes the postings, not read back from them
    afterwards: it holds what reading them back gives, to the bit, and a
    term that does not fit (a position past 65,535) is left out.  Every
    term is kept here, and the table is there also when the segment is one
    compound file (which takes in every file of its name)."""
    import numpy as np

    from arkisto.search import hotpostings
    from arkisto.search.whoosh_format import WhooshPostings

    monkeypatch.setattr(hotpostings, "MIN_DF", 1)
    ix = index.create_in(str(tmp_path), build_schema())
    w = BulkWriter(ix, compound=compound)
    for doc in documents:
        w.add_document(**doc)
    w.commit()
    with ix.searcher() as s:
        px = WhooshPostings(s)
        (segment_id, _base, count), = px.segments()
        path = hotpostings.path_of(tmp_path, segment_id)
        want = hotpostings.segment_arrays(px, 0)
        with np.load(path, allow_pickle=False) as got:
            assert sorted(got.files) == sorted(want)
            for name in want:
                assert got[name].dtype == want[name].dtype and np.array_equal(got[name], want[name]), name
        assert not hotpostings.differs(tmp_path, px, 0)
        text = hotpostings.FIELDS.index("text")
        offsets = want[f"{text}.offsets"].tolist()
        blob = want[f"{text}.bytes"].tobytes()
        terms = {blob[a:b].decode() for a, b in zip(offsets, offsets[1:])}
        assert {"hanke", "koulu", "päiväkoti"} <= terms
        assert not {"täyte", "alku", "loppusana"} & terms  # positions past 65,535
        assert len(want[f"{text}.pos"]) > 100_000 and int(want["meta"][1]) == count
    ix.close()


def test_a_failed_commit_leaves_no_table_and_no_open_file(tmp_path, documents, monkeypatch):
    """A commit that fails while the postings are written (a full disk)
    writes no table and closes the table's temporary files."""
    from arkisto.search import hotpostings

    monkeypatch.setattr(hotpostings, "MIN_DF", 1)
    opened: set = set()
    real = hotpostings.Gathered.add

    def add(self, *args):
        real(self, *args)
        opened.update(self.files.values())
        if len(opened) >= 4:  # ids, tf and pos of one field, and another field's
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(hotpostings.Gathered, "add", add)
    ix = index.create_in(str(tmp_path), build_schema())
    w = BulkWriter(ix, compound=False)
    for doc in documents:
        w.add_document(**doc)
    with pytest.raises(OSError):
        w.commit()
    w.cancel()
    assert opened and all(f.closed for f in opened)
    assert not list(tmp_path.glob(f"*{hotpostings.SUFFIX}*"))
