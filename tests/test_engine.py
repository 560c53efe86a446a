"""The array engine answers queries exactly as Whoosh would: the same
matches, the same BM25F scores, the same phrase hits, on real documents and
on an index with several segments and deleted documents; with the fast
paths that read Whoosh's private format (whoosh_format) and with their
fallbacks through Whoosh's public API."""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from whoosh import query as wq
from whoosh.query import Term

from arkisto.search import plan as p
from arkisto.search import whoosh_format
from arkisto.search.whoosh_format import WhooshPostings, _positions
from arkisto.search.service import SearchService
from helpers import index_in_runs

QUERIES = [
    "päätös", "hanke", "rakennuslupa", "kaupunginhallitus päätös", "Helsingin kaupunki",
    '"asemakaavan muutos"', '"kaupungin hallitus"', '"kaupunginhallitus päättää"~3', '"päätösehdotus hyväksyy"~2', "asemakaava -muutos", "kaava*", "päätös OR avustus",
    "avustus~", "NOT päätös", '"esittelijä kaupunginjohtaja"',
    # Ambiguous words in phrases (strategi|strategia, julkinen|julkistaa): readings.
    '"kaupungin strategia"', '"julkista liikennettä"',
]


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory) -> Path:
    """Espoo and Oulu in one run, Helsinki in a second (a second segment),
    then one Espoo file removed (deleted documents in the first segment)."""
    return index_in_runs(tmp_path_factory.mktemp("engine"),
                         [["espoo-dynasty", "oulu-tweb"], ["helsinki-ahjo"]], "espoo-dynasty")


@pytest.fixture(params=["fast", "public"])
def paths(request, monkeypatch):
    """Every test using this runs twice: with the fast paths, checking that
    they were taken, and with them off, checking that none was."""
    monkeypatch.setattr(whoosh_format, "FAST", request.param == "fast")
    whoosh_format.TAKEN.clear()
    yield request.param
    if request.param == "fast":
        assert whoosh_format.TAKEN["postings"] > 0 and whoosh_format.TAKEN["deleted"] > 0
    else:
        assert not whoosh_format.TAKEN, dict(whoosh_format.TAKEN)


def test_index_has_segments_and_deletions(segmented_index: Path):
    with SearchService(segmented_index) as svc, svc._pin():
        reader = svc.searcher().reader()
        assert len(reader.leaf_readers()) >= 2
        assert reader.doc_count() < reader.doc_count_all()


def to_whoosh(q):
    """A plan's index query as Whoosh's query classes, to check the engine
    against Whoosh's own matching and scoring (a phrase with several
    readings: Whoosh's phrases of their combinations)."""
    import itertools

    if isinstance(q, p.Terms):
        return wq.Or([Term(t.field, t.text, boost=t.boost) for t in q.terms])
    if isinstance(q, p.FieldPhrase):
        combos = list(itertools.product(*q.readings))
        phrases = [wq.Phrase(q.field, list(c), slop=q.slop, boost=q.boost) for c in combos]
        return phrases[0] if len(phrases) == 1 else wq.Or(phrases)
    if isinstance(q, p.Pattern):
        if q.kind == "prefix":
            return wq.Prefix(q.field, q.text, boost=q.boost)
        return wq.FuzzyTerm(q.field, q.text, boost=q.boost, maxdist=q.maxdist, prefixlength=1, constantscore=False)
    if isinstance(q, p.Any):
        return wq.Or([to_whoosh(c) for c in q.children], boost=q.boost)
    if isinstance(q, p.All):
        a = wq.And([to_whoosh(c) for c in q.children], boost=q.boost)
        return wq.AndNot(a, wq.Or([to_whoosh(c) for c in q.exclude])) if q.exclude else a
    if isinstance(q, p.Exclude):
        return wq.Not(to_whoosh(q.child))
    if isinstance(q, p.Unscored):
        return wq.ConstantScoreQuery(to_whoosh(q.child), score=0.0)
    if isinstance(q, p.Everything):
        return wq.Every()
    return wq.NullQuery


def _leaves(q):
    return list(p.leaves(q))


@pytest.mark.parametrize("query", QUERIES)
def test_matches_and_scores_equal_whoosh(segmented_index: Path, query: str, paths):
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        plan = svc.plan(query)
        ours_matches, ours = svc.engine().run(svc.postings(), plan.query)  # before any relaxing
        q = to_whoosh(plan.query)
        # Whoosh's InverseMatcher (NOT) yields a deleted document that comes
        # right after the last match of its child in a segment; the engine
        # never returns deleted documents.
        reader = searcher.reader()
        whoosh_docs = {d for d in searcher.docs_for_query(q) if not reader.is_deleted(d)}
        assert set(np.flatnonzero(ours_matches).tolist()) == whoosh_docs
        if not whoosh_docs or query.startswith("NOT") or re.search(r'"~\d', query):
            return  # a sloppy phrase scores as its words here; Whoosh scores its spans
        if any(isinstance(n, p.FieldPhrase) and any(len(r) > 1 for r in n.readings) for n in _nodes(plan.query)):
            return  # Whoosh sums a phrase once per combination of readings; here each word once
        if "*" in query or re.search(r"\w~", query):
            # The BM25 sum of the expansions times the field's boost.
            expected = np.zeros(len(ours_matches))
            for node in _nodes(plan.query):
                if isinstance(node, p.Pattern):
                    for btext in to_whoosh(node)._btexts(reader):
                        for hit in searcher.search(Term(node.field, btext), limit=None):
                            expected[hit.docnum] += hit.score * node.boost
            assert ours[ours_matches] == pytest.approx(expected[ours_matches], rel=1e-9)
            return
        for hit in searcher.search(q, limit=None):
            assert ours[hit.docnum] == pytest.approx(hit.score, rel=1e-9), (query, hit.docnum)


def _nodes(q):
    out = [q]
    for c in getattr(q, "children", ()):
        out += _nodes(c)
    for c in getattr(q, "exclude", ()):
        out += _nodes(c)
    if hasattr(q, "child"):
        out += _nodes(q.child)
    return out


def test_phrase_words_score_only_where_the_phrase_matches(segmented_index: Path, paths):
    """A phrase searched in text and title: a document with the phrase in
    its text and the words apart in its title scores as Whoosh scores it."""
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        checked = 0
        for phrase in ('"asemakaavan muutos"', '"kaupungin hallitus"', '"hyväksyä asemakaava"', '"kaupunki myöntää"'):
            plan = svc.plan(phrase)
            _m, ours = svc.engine().run(svc.postings(), plan.query)
            for hit in searcher.search(to_whoosh(plan.query), limit=None):
                assert ours[hit.docnum] == pytest.approx(hit.score, rel=1e-9), (phrase, hit.docnum)
                checked += 1
        assert checked


def test_patterns_with_many_expansions_match_them_all(segmented_index: Path, monkeypatch, paths):
    """Past MANY_EXPANSIONS words a prefix still matches every one of them
    (scored as a constant), as Whoosh does."""
    from arkisto.search.engine import Engine

    monkeypatch.setattr(Engine, "MANY_EXPANSIONS", 2)
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()
        for query in ("k*", "kaupun*", "a*"):
            q = svc.plan(query).query
            matches = svc.engine().matches(svc.postings(), q)
            assert set(np.flatnonzero(matches).tolist()) == set(searcher.docs_for_query(to_whoosh(q)))
            first = _leaves(q)[0]
            assert len(list(to_whoosh(p.Pattern(first.field, "prefix", first.text))._btexts(searcher.reader()))) > 2


def test_search_ranks_by_score_then_document_order(segmented_index: Path, paths):
    with SearchService(segmented_index) as svc:
        res = svc.search("päätös", limit=50)
        scores = [h.score for h in res.hits]
        assert res.total > 20
        assert scores == sorted(scores, reverse=True)
        # Paging continues the same order.
        page2 = svc.search("päätös", limit=10, offset=10)
        assert [h.id for h in page2.hits] == [h.id for h in res.hits[10:20]]


def test_deleted_documents_never_match(segmented_index: Path, paths):
    with SearchService(segmented_index) as svc, svc._pin():
        reader = svc.searcher().reader()
        live = svc.engine().live
        assert (~live).sum() == reader.doc_count_all() - reader.doc_count()
        everything = svc.search("", limit=0)
        assert everything.total == reader.doc_count()
        # A word's matches: Whoosh's own count of live documents with it.
        from whoosh.query import Term

        hits = svc.search("kaupunki", limit=0)
        assert hits.total == len(svc.searcher().search(Term("text", "kaupunki"), limit=None)) > 0


def test_positions_decoded_in_bulk_equal_whoosh():
    from whoosh.formats import Positions

    fmt = Positions()
    lists = [[0], [5, 6], [300], [1, 255, 256, 70000], list(range(0, 4000, 7)), [3, 3 + 2**31 - 10]]
    vals = [fmt.encode(ps) for ps in lists]  # Whoosh's own encoder
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
    from arkisto.search.whoosh_format import _blocks

    read_fast = []
    real = whoosh_format._ids_weights_of_block
    def counted(data, count):
        out = real(data, count)
        read_fast.append(out is not None)
        return out

    monkeypatch.setattr(whoosh_format, "_ids_weights_of_block", counted)
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


def test_fast_paths_read_what_the_public_api_reads(segmented_index: Path, monkeypatch):
    """Everything the engine reads of the index, read through the fast
    paths and through Whoosh's public API, is the same: deleted documents,
    every term's postings and positions, field lengths, the date column."""
    with SearchService(segmented_index) as svc, svc._pin():
        searcher = svc.searcher()

        def read_all():
            px = WhooshPostings(searcher)
            dead = px.deleted()
            out = {"deleted": dead.tolist(), "date": [a.tolist() for a in px.column("date")]}
            for field in ("text", "title", "parts", "text_sv", "ident", "committee"):
                out["len", field] = px.field_lengths(field).tolist() if px.scorable(field) else None
            for field, btext in px.all_terms():
                ids, ws, vals = px.postings(field, btext, values=True)
                quick_ids, quick_ws, _ = px.postings(field, btext)  # ids and weights only
                assert np.array_equal(quick_ids, ids) and np.array_equal(quick_ws, ws)
                live = ~np.isin(ids, dead)  # the public API leaves deleted documents out
                ids, ws, vals = ids[live], ws[live], [v for v, k in zip(vals, live) if k]
                out[field, btext] = (ids.tolist(), ws.tolist())
                if px.has_positions(field) and len(ids):
                    d, pos = px.positions(field, ids, vals)
                    out["pos", field, btext] = sorted(zip(d.tolist(), pos.tolist()))
            return out

        monkeypatch.setattr(whoosh_format, "FAST", True)
        whoosh_format.TAKEN.clear()
        fast = read_all()
        taken = dict(whoosh_format.TAKEN)
        monkeypatch.setattr(whoosh_format, "FAST", False)
        whoosh_format.TAKEN.clear()
        public = read_all()
        assert not whoosh_format.TAKEN
    assert fast == public
    assert len(fast["deleted"]) > 0 and sum(fast["date"][1]) > 0
    for kind in ("deleted", "postings", "ids_weights", "positions", "lengths"):
        assert taken.get(kind), (kind, taken)


def test_facet_counts_and_top_values_over_any_match(segmented_index: Path):
    """Facet counts read by the matched documents or by the others (a match
    holding most of the archive) equal counting each matched document's
    values one by one, for matches from none to every document, deleted
    ones included; the top values are ordered by count, then by name
    ignoring case, and cut at the limit as a full sort would cut them."""
    from collections import Counter

    from arkisto.search.engine import Matched
    from arkisto.search.schema import FACETS

    with SearchService(segmented_index) as svc, svc._pin():
        cache, engine = svc.facet_cache(), svc.engine()
        n = engine.n
        rng = np.random.default_rng(7)
        masks = [np.zeros(n, bool), np.ones(n, bool), engine.live.copy()]
        masks += [rng.random(n) < p for p in (0.05, 0.45, 0.55, 0.95)]
        assert any(Matched(m).dense for m in masks) and any(not Matched(m).dense for m in masks)
        multi_seen = False
        for mask in masks:
            docs = np.flatnonzero(mask & engine.live).tolist()
            for facet in FACETS:
                known = cache.known[facet]
                if facet in cache.pairs:
                    pdocs, pords = cache.pairs[facet]
                    by_doc: dict[int, list[int]] = {}
                    for d, o in zip(pdocs.tolist(), pords.tolist()):
                        by_doc.setdefault(d, []).append(o)
                    expected = Counter(known[o - 1] for d in docs for o in by_doc.get(d, []))
                    multi_seen = multi_seen or bool(expected)
                else:
                    ords = cache.single[facet]
                    expected = Counter(known[ords[d] - 1] for d in docs if ords[d])
                assert cache.count(facet, Matched(mask)) == dict(expected), facet
                counts = cache.counts(facet, Matched(mask))
                full = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
                for limit in (None, 0, 1, 3, len(full)):
                    items, truncated = cache.top(facet, counts, limit)
                    assert items == (full if limit is None else full[:limit]), (facet, limit)
                    assert truncated == (limit is not None and len(full) > limit)
        assert multi_seen


def test_a_facet_filter_from_the_ordinals_is_the_values_postings(segmented_index: Path):
    """A filter's documents taken from the facet arrays are those of the
    values' postings (``Engine.any_of``), deleted documents left out: every
    value of every facet alone, values together, and values the index
    does not have."""
    from arkisto.search.schema import FACETS

    with SearchService(segmented_index) as svc, svc._pin():
        cache, engine, px = svc.facet_cache(), svc.engine(), svc.postings()
        assert not engine.live.all()
        tried = 0
        for facet, (field, _multi) in FACETS.items():
            known = cache.known[facet]
            picks = [[v] for v in known] + [known[::2], known[:3] + ["ei ole"], ["ei ole"], []]
            for values in picks:
                got = cache.mask(facet, values)
                assert got.dtype == bool and len(got) == engine.n
                assert np.array_equal(got, engine.any_of(px, field, values)), (facet, values)
                tried += int(got.any())
        assert tried > 20 and cache.pairs


def test_a_search_filtered_by_a_facet_reads_no_postings_of_its_values(segmented_index: Path, monkeypatch):
    """A search filtered by a committee gives what it gave when the
    committee's postings were walked, without walking them."""
    from arkisto.search.engine import Engine

    with SearchService(segmented_index) as svc:
        body = svc.search("").facets["committee"].values[0].value
        walked = []
        original = Engine.walk_term

        def walk_term(self, px, field, btext):
            walked.append(field)
            return original(self, px, field, btext)

        monkeypatch.setattr(Engine, "walk_term", walk_term)
        res = svc.search("", filters={"committee": [body]}, limit=500)
        assert "committee" not in walked
        assert res.total and {h.committee for h in res.hits} == {body}
        with svc._pin():
            expected = svc.engine().any_of(svc.postings(), "committee", [body])
        assert res.total == int(np.count_nonzero(expected))


def test_facet_ties_are_ordered_by_name_ignoring_case():
    """Values counted alike are listed by name as a reader sorts them (case
    ignored), not in the index's byte order, which puts capitals first."""
    from arkisto.search.engine import FacetArrays

    cache = FacetArrays.__new__(FacetArrays)
    cache.known, cache._rank = {"presenter": ["Bertta", "Cecilia", "aapo", "aino"]}, {}
    counts = np.array([0, 2, 1, 2, 2])
    assert cache.top("presenter", counts, None) == ([("aapo", 2), ("aino", 2), ("Bertta", 2), ("Cecilia", 1)], False)
    assert cache.top("presenter", counts, 2) == ([("aapo", 2), ("aino", 2)], True)


# --- the top k of many candidates ---------------------------------------------------------


def _top_by_sorting(cand, keys, k, descending):
    """The definition: best key first, ties to the lower document number."""
    order = sorted(range(len(cand)), key=lambda i: (-keys[i] if descending else keys[i], cand[i]))
    return [cand[i] for i in order[:k]]


@settings(max_examples=200, deadline=None)
@example(n=3000, k=40, distinct=50, layout="sample-best", descending=True, seed=1)
@example(n=3000, k=40, distinct=50, layout="sample-best", descending=False, seed=2)
@given(n=st.integers(0, 3000), k=st.integers(0, 200), distinct=st.integers(1, 5000),
       layout=st.sampled_from(["random", "ascending", "descending", "periodic", "sample-best"]),
       descending=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_top_of_many_candidates_is_the_sorted_definition(n, k, distinct, layout, descending, seed):
    """Engine.top cuts many candidates by a threshold from a sample before
    it partitions: with any number of ties, keys in any order and any k,
    the page is still exactly the best k, ties to the lower document."""
    from arkisto.search import engine as eng

    rng = np.random.default_rng(seed)
    cand = np.sort(rng.choice(10 * n + 10, size=n, replace=False)).astype(np.int64)
    keys = rng.integers(0, distinct, size=n).astype(np.float64)
    if layout == "ascending":
        keys.sort()
    elif layout == "descending":
        keys = np.sort(keys)[::-1].copy()
    elif layout == "periodic":  # the stride's samples all see one value
        keys = np.where(np.arange(n) % 64 == 0, 0.0, keys)
    elif layout == "sample-best":  # the sampled keys are the best: the cut holds too few
        keys[::max(1, n // 16)] = distinct if descending else -1
    with pytest.MonkeyPatch.context() as mp:  # the sampled path at sizes a test can check
        mp.setattr(eng, "_SAMPLED_TOP", 100)
        mp.setattr(eng, "_SAMPLE", 16)
        got = eng.Engine.top(cand, keys, k, descending)
    assert got.tolist() == _top_by_sorting(cand.tolist(), keys.tolist(), k, descending)


def test_top_of_a_million_candidates_is_the_sorted_definition():
    """At the size it is for (a frequent word in a million decisions), with
    the real sample: the same page as a full sort."""
    from arkisto.search import engine as eng

    rng = np.random.default_rng(5)
    n = 1_000_000
    cand = np.arange(0, 2 * n, 2, dtype=np.int64)
    keys = np.round(rng.gamma(2.0, 3.0, size=n), 1)  # many ties, as scores have
    for descending in (True, False):
        for k in (1, 20, 100, 5000):
            want = cand[np.lexsort((cand, -keys if descending else keys))[:k]]
            assert eng.Engine.top(cand, keys, k, descending).tolist() == want.tolist()


def test_the_engine_keeps_one_byte_of_length_per_document(segmented_index: Path):
    """BM25's field lengths are held as Whoosh stores them, one byte per
    document and a table of 256 lengths (a float per document was 8 MB a
    field at a million decisions), and read back as the same lengths."""
    with SearchService(segmented_index) as svc, svc._pin():
        assert svc.search("kaupunki").total
        px, engine = svc.postings(), svc.engine()
        for field in ("text", "title", "parts"):
            codes, table = engine.field_lengths(px, field)
            assert codes.dtype == np.uint8 and len(codes) == engine.n and len(table) == 256
            assert table[codes].tolist() == px.field_lengths(field).tolist()


def test_frequent_terms_walked_dense_score_to_the_last_bit_as_sparse_ones(segmented_index: Path, paths):
    """A term in many documents is added to a walk as a mask and a score
    per document (Engine.dense): every query's matches and scores are
    those of its posting lists, bit for bit, over deleted documents and
    boosts, whether the dense form came straight from the postings or from
    the cached posting lists, and a posting list asked for after its dense
    form is the same list."""
    def run_all(svc, dense_from: int, prime_sparse: bool = False):
        engine, px = svc.engine(), svc.postings()
        engine._terms = type(engine._terms)(engine.budget, size=engine._terms._size)
        engine._phrases = type(engine._phrases)(64, size=lambda v: 1)
        engine.dense_from = dense_from
        out = {}
        for query in QUERIES:
            q = svc.plan(query).query
            if prime_sparse:
                for leaf in _nodes(q):
                    for t in getattr(leaf, "terms", ()):
                        engine.term(px, t.field, px.to_bytes(t.field, t.text))
            out[query] = engine.run(px, q)
        return out

    with SearchService(segmented_index) as svc, svc._pin():
        engine, px = svc.engine(), svc.postings()
        assert (~engine.live).any()
        sparse = run_all(svc, engine.n + 1)
        assert not any(len(k) == 3 for k in engine._terms._data)
        for prime in (False, True):
            dense = run_all(svc, 1, prime)
            assert sum(len(k) == 3 for k in engine._terms._data) > 20
            for query in QUERIES:
                assert np.array_equal(dense[query][0], sparse[query][0]), query
                assert np.array_equal(dense[query][1], sparse[query][1]), query
        # The posting lists derived from the dense forms are the read ones.
        held = [k for k in engine._terms._data if len(k) == 3]
        engine._terms._data = OrderedDict((k, engine._terms._data[k]) for k in held)
        for (field, btext, _dense) in held:
            ids, part = engine.term(px, field, btext)
            want_ids, want_tf = engine._read(px, field, btext)
            assert ids.tolist() == want_ids.tolist()
            assert np.array_equal(part, engine._bm25(px, field, btext, want_tf, want_ids))


@pytest.mark.parametrize("env", [None, "1"])
def test_opening_an_index_stops_numpy_asking_for_huge_pages(segmented_index: Path, monkeypatch, env):
    """Huge pages for every fresh big array made a search wait 50-150 ms
    for the kernel now and then; the service turns them off, unless
    NUMPY_MADVISE_HUGEPAGE chooses."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray

    before = multiarray._get_madvise_hugepage()
    if env is None:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    else:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", env)
    multiarray._set_madvise_hugepage(True)
    try:
        with SearchService(segmented_index) as svc:
            assert svc.search("kaupunki").total
            assert multiarray._get_madvise_hugepage() is (env == "1")
    finally:
        multiarray._set_madvise_hugepage(before)


def test_a_query_planned_again_looks_up_its_forms_with_umlauts_once_per_generation(tmp_path, monkeypatch):
    """A query is planned again at every pause in the typing; a word with
    a and o asks the index for its forms with ä and ö, each a look-up in
    every segment.  They are asked once per index generation: a form the
    next generation adds is found."""
    import json

    from arkisto.search.indexer import index_paths
    from helpers import decision

    docs, ix = tmp_path / "docs", tmp_path / "ix"
    docs.mkdir()
    first = [decision(id="a1", title="Tontin vuokraus", decision="Kaupunki vuokraa tontin.")]
    (docs / "a.json").write_text(json.dumps(first), encoding="utf-8")
    index_paths([docs], ix)
    asked: list = []
    original = WhooshPostings.doc_frequency

    def counted(self, field, text):
        asked.append((field, text))
        return original(self, field, text)

    monkeypatch.setattr(WhooshPostings, "doc_frequency", counted)
    with SearchService(ix) as svc:
        (w,) = svc.plan("paatos").clauses
        assert w.variants == [] and asked
        n = len(asked)
        again = svc.plan("paatos")
        assert len(asked) == n and again.clauses[0].variants == []
        second = [decision(id="b1", title="Päätös tontista", decision="Päätös tehdään.")]
        (docs / "b.json").write_text(json.dumps(second), encoding="utf-8")
        index_paths([docs], ix)
        svc.reopen()
        (w,) = svc.plan("paatos").clauses
        assert w.variants == ["päätös"]
        assert svc.search("paatos").total == 1
