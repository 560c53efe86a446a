"""The array engine answers queries exactly as Whoosh would: the same
matches, the same BM25F scores, the same phrase hits, on real documents and
on an index with several segments and deleted documents."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from whoosh.query import Term

from arkisto.search.engine import _positions
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import FIXTURES

QUERIES = [
    "päätös", "hanke", "rakennuslupa", "kaupunginhallitus päätös", "Helsingin kaupunki",
    '"asemakaavan muutos"', '"kaupungin hallitus"', '"kaupunginhallitus päättää"~3', '"päätösehdotus hyväksyy"~2', "asemakaava -muutos", "kaava*", "päätös OR avustus",
    "avustus~", "NOT päätös", '"esittelijä kaupunginjohtaja"',
    # Ambiguous words in phrases (strategi|strategia, julkinen|julkistaa): ReadingsPhrase.
    '"kaupungin strategia"', '"julkista liikennettä"',
]


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory) -> Path:
    """Espoo and Oulu in one run, Helsinki in a second (a second segment),
    then one Espoo file removed (deleted documents in the first segment)."""
    root = tmp_path_factory.mktemp("engine")
    docs = root / "docs"
    shutil.copytree(FIXTURES / "espoo-dynasty", docs / "espoo")
    shutil.copytree(FIXTURES / "oulu-tweb", docs / "oulu")
    index_paths([docs], root / "ix")
    shutil.copytree(FIXTURES / "helsinki-ahjo", docs / "helsinki")
    gone = sorted((docs / "espoo").rglob("*.*"))[0]
    gone.unlink()
    report = index_paths([docs], root / "ix")
    assert report.files_deleted == 1
    return root / "ix"


def test_index_has_segments_and_deletions(segmented_index: Path):
    with SearchService(segmented_index) as svc, svc._pin():
        reader = svc.searcher().reader()
        assert len(reader.leaf_readers()) >= 2
        assert reader.doc_count() < reader.doc_count_all()


@pytest.mark.parametrize("query", QUERIES)
def test_matches_and_scores_equal_whoosh(segmented_index: Path, query: str):
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        r = svc._resolve(query, None)
        q, text, matches = r.q, r.text, svc._match(r.q)  # the query's own matches, before any relaxing
        # Whoosh's InverseMatcher (NOT) yields a deleted document that comes
        # right after the last match of its child in a segment; the engine
        # never returns deleted documents.
        reader = searcher.reader()
        whoosh_docs = {d for d in searcher.docs_for_query(q) if not reader.is_deleted(d)}
        assert set(np.flatnonzero(matches).tolist()) == whoosh_docs
        if not whoosh_docs or not text.strip() or query.startswith("NOT") or re.search(r'"~\d', query):
            return  # a sloppy phrase scores as its words here; Whoosh scores its spans
        if any(hasattr(node, "readings") for node in q.leaves()):
            return  # Whoosh sums a ReadingsPhrase once per combination of readings; here each word once
        if "*" in query or re.search(r"\w~", query):
            # The BM25 sum of the expansions times the field's boost (Whoosh
            # drops the boost when there is one expansion).
            expected = np.zeros(len(matches))
            for node in q.leaves():
                for btext in node._btexts(searcher.reader()):
                    for hit in searcher.search(Term(node.fieldname, btext), limit=None):
                        expected[hit.docnum] += hit.score * node.boost
            ours = svc.engine().scores(searcher, q)
            assert ours[matches] == pytest.approx(expected[matches], rel=1e-9)
            return
        ours = svc.engine().scores(searcher, q)
        for hit in searcher.search(q, limit=None):
            assert ours[hit.docnum] == pytest.approx(hit.score, rel=1e-9), (query, hit.docnum)


def test_phrase_words_score_only_where_the_phrase_matches(segmented_index: Path):
    """A phrase searched in text and title: a document with the phrase in
    its text and the words apart in its title scores as Whoosh scores it."""
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        checked = 0
        for phrase in ('"asemakaavan muutos"', '"kaupungin hallitus"', '"hyväksyä asemakaava"', '"kaupunki myöntää"'):
            q = svc._resolve(phrase, None).q
            ours = svc.engine().scores(searcher, q)
            for hit in searcher.search(q, limit=None):
                assert ours[hit.docnum] == pytest.approx(hit.score, rel=1e-9), (phrase, hit.docnum)
                checked += 1
        assert checked


def test_patterns_with_many_expansions_match_them_all(segmented_index: Path, monkeypatch):
    """Past MANY_EXPANSIONS words a prefix still matches every one of them
    (scored as a constant), as Whoosh does."""
    from arkisto.search.engine import Engine

    monkeypatch.setattr(Engine, "MANY_EXPANSIONS", 2)
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        for query in ("k*", "kaupun*", "a*"):
            q = svc._resolve(query, None).q
            matches = svc._match(q)
            assert set(np.flatnonzero(matches).tolist()) == set(searcher.docs_for_query(q))
            assert len(list(list(q.leaves())[0]._btexts(searcher.reader()))) > 2


def test_search_ranks_by_score_then_document_order(segmented_index: Path):
    with SearchService(segmented_index) as svc:
        res = svc.search("päätös", limit=50)
        scores = [h.score for h in res.hits]
        assert res.total > 20
        assert scores == sorted(scores, reverse=True)
        # Paging continues the same order.
        page2 = svc.search("päätös", limit=10, offset=10)
        assert [h.id for h in page2.hits] == [h.id for h in res.hits[10:20]]


def test_deleted_documents_never_match(segmented_index: Path):
    with SearchService(segmented_index) as svc, svc._pin():
        reader = svc.searcher().reader()
        live = svc.engine().live
        assert (~live).sum() == reader.doc_count_all() - reader.doc_count()
        everything = svc.search("", limit=0)
        assert everything.total == reader.doc_count()


def test_positions_decoded_in_bulk_equal_whoosh():
    from whoosh.formats import Positions

    fmt = Positions()
    lists = [[0], [5, 6], [300], [1, 255, 256, 70000], list(range(0, 4000, 7)), [3, 3 + 2**31 - 10]]
    vals = [_encoded(fmt, ps) for ps in lists]
    vals[1] = vals[1].rstrip(b".")  # Whoosh may store the pickle without its STOP
    docs = np.arange(len(lists), dtype=np.int64) * 10
    d, p = _positions(fmt, docs, vals)
    got = sorted(zip(d.tolist(), p.tolist()))
    want = sorted((int(doc), pos) for doc, v in zip(docs, vals) for pos in fmt.decode_positions(v))
    assert got == want
    assert (30, 70000) in got and (50, 3 + 2**31 - 10) in got


def test_blocks_read_without_unpickling_equal_unpickled(segmented_index: Path, monkeypatch):
    """Every posting list of the index: ids and weights read from the block
    bytes equal those from unpickling the blocks."""
    from arkisto.search import engine
    from arkisto.search.engine import _blocks

    read_fast = []
    real = engine._ids_weights_of_block
    def counted(data, count):
        out = real(data, count)
        read_fast.append(out is not None)
        return out

    monkeypatch.setattr(engine, "_ids_weights_of_block", counted)
    checked = 0
    with SearchService(segmented_index) as svc, svc._pin():
        reader = svc.searcher().reader()
        for seg, _base in reader.leaf_readers():
            for field in ("text", "title", "parts", "ident", "committee", "year", "funded_project"):
                fmt = reader.schema[field].format
                for btext in seg.lexicon(field):
                    ti = seg._terms.term_info(field, btext)
                    if ti.is_inlined():
                        continue
                    offset, length = ti.extent()
                    raw = seg._terms._postfile.get(offset, length[0] if isinstance(length, tuple) else length)
                    quick = list(_blocks(raw, fmt, values=False))
                    slow = list(_blocks(raw, fmt, values=True))
                    for (qi, qw, _), (si, sw, _v) in zip(quick, slow):
                        assert np.array_equal(qi, si) and np.array_equal(qw, sw), (field, btext)
                    checked += 1
    assert checked > 100 and sum(read_fast) > 100  # most blocks take the quick path


def _encoded(fmt, positions: list[int]) -> bytes:
    """The posting value Whoosh stores for these positions."""
    from pickle import dumps

    from whoosh.system import pack_uint

    deltas, base = [], 0
    for pos in positions:
        deltas.append(pos - base)
        base = pos
    return pack_uint(len(deltas)) + dumps(deltas, 2)
