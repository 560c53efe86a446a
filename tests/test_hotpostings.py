"""Frequent terms' postings kept beside each segment (hotpostings.py): the
same matches, scores and phrases as from Whoosh's blocks, written by every
run, and refused as damage when tampered with."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from arkisto.search import hotpostings, whoosh_format
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from arkisto.search.store import MANIFEST
from helpers import gen_dir, index_in_runs, replace_arrays, rewrite_manifest, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
WORD = re.compile(r"[^\W\d_]{3,}")


@pytest.fixture(autouse=True, scope="module")
def _english():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """Two segments or more with deleted documents, Finnish and Swedish,
    every term in two documents of a segment or more kept in the tables
    (the fixtures are small; a real index keeps MIN_DF = 512)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hotpostings, "MIN_DF", 2)
        return index_in_runs(tmp_path_factory.mktemp("hot"),
                             [["espoo-dynasty", "heinola"], ["helsinki-ahjo", "helsinki-ahjo-sv", "oulu-tweb"]],
                             "espoo-dynasty")


def _bare(ix: Path, to: Path) -> Path:
    """A copy of the index without its tables (an index from before them)."""
    shutil.copytree(ix, to)
    for p in gen_dir(to).glob(f"*{hotpostings.SUFFIX}"):
        p.unlink()
    rewrite_manifest(to)
    return to


def _queries(ix: Path) -> list[str]:
    """Words and phrases of the indexed records: two and three words in a
    row from each record's title and text, the same words reversed, and
    words alone."""
    out: list[str] = []
    with SearchService(ix) as svc:
        for hit in svc.search("", limit=60).hits:
            words = WORD.findall(f"{hit.title} {hit.snippet}".lower())
            for i in range(0, min(len(words) - 2, 12), 4):
                out += [f'"{words[i]} {words[i + 1]}"', f'"{words[i]} {words[i + 1]} {words[i + 2]}"',
                        f'"{words[i + 1]} {words[i]}"', words[i], f"{words[i]} {words[i + 2]}"]
    return list(dict.fromkeys(out))


def _answers(ix: Path, queries: list[str]) -> list:
    with SearchService(ix) as svc:
        out = []
        for q in queries:
            r = svc.search(q, limit=30)
            out.append((q, r.total, [(h.id, round(h.score, 9)) for h in r.hits],
                        {k: sorted((v.value, v.count) for v in f.values) for k, f in r.facets.items()}))
        return out


def test_every_segment_has_its_table_in_the_manifest(segmented: Path):
    gen = gen_dir(segmented)
    with SearchService(segmented) as svc, svc._pin():
        segments = [sid for sid, _b, _n in svc.postings().segments()]
    assert len(segments) >= 2
    assert sorted(p.stem for p in gen.glob(f"*{hotpostings.SUFFIX}")) == sorted(segments)
    files = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert all(f"{s}{hotpostings.SUFFIX}" in files for s in segments)
    # numpy's own format: the tables open with np.load, nothing compressed.
    kept = {}
    for p in gen.glob(f"*{hotpostings.SUFFIX}"):
        with np.load(p, allow_pickle=False) as z:
            assert int(z["meta"][0]) == hotpostings.FORMAT
            kept[p.stem] = {f: len(z[f"{i}.ids"]) for i, f in enumerate(hotpostings.FIELDS)}
    # The biggest segment's frequent terms: Finnish and Swedish text, titles.
    biggest = max(kept.values(), key=lambda k: k["text"])
    assert all(biggest[f] for f in ("text", "title", "text_sv", "parts")), biggest


def test_words_and_phrases_answer_as_from_the_postings(segmented: Path, tmp_path: Path, monkeypatch):
    queries = _queries(segmented)
    assert sum(q.startswith('"') for q in queries) >= 40
    whoosh_format.TAKEN.clear()
    with_tables = _answers(segmented, queries)
    assert whoosh_format.TAKEN["hot"] and whoosh_format.TAKEN["hot_positions"]
    phrases = [a for a in with_tables if a[0].startswith('"')]
    assert sum(1 for a in phrases if a[1]) >= 20 and sum(1 for a in phrases if not a[1]) >= 5
    bare = _bare(segmented, tmp_path / "bare")
    whoosh_format.TAKEN.clear()
    assert _answers(bare, queries) == with_tables
    assert not whoosh_format.TAKEN["hot"]
    # And through Whoosh's public API.
    monkeypatch.setattr(whoosh_format, "FAST", False)
    assert _answers(bare, queries) == with_tables


def _dense_forms(ix: Path) -> int:
    """Every term of the index walked as a frequent one (read straight into
    its dense form) against the dense form made from its posting list, bit
    for bit; returns the number of terms compared."""
    from arkisto.search.engine import Engine

    compared = 0
    with SearchService(ix) as svc, svc._pin():
        px = svc.postings()
        walked, listed = Engine(px), Engine(px)
        walked.dense_from = listed.dense_from = 1
        assert len(walked.dead)  # deleted documents are among the postings
        for field, btext in px.all_terms():
            if not px.doc_frequency(field, btext):
                continue  # listed, but only its merged-away documents had it
            dense, (mask, contrib) = walked.walk_term(px, field, btext)
            ids, part = listed.term(px, field, btext)
            ref_mask, ref_contrib = listed.dense(px, field, btext, ids, part)
            assert dense, (field, btext)
            assert np.array_equal(mask, ref_mask), (field, btext)
            assert np.array_equal(contrib.view(np.uint64), ref_contrib.view(np.uint64)), (field, btext)
            compared += 1
    return compared


def test_a_frequent_terms_dense_form_is_its_postings_to_the_bit(segmented: Path, tmp_path: Path, monkeypatch):
    """A frequent term's frequencies are written in place segment by
    segment and its BM25 worked out in place: the same matches and
    contributions as from its posting list, from the tables, from the
    blocks, and through Whoosh's public API."""
    whoosh_format.TAKEN.clear()
    assert _dense_forms(segmented) > 1000
    assert whoosh_format.TAKEN["hot"]
    bare = _bare(segmented, tmp_path / "bare")
    whoosh_format.TAKEN.clear()
    _dense_forms(bare)
    assert not whoosh_format.TAKEN["hot"] and whoosh_format.TAKEN["postings"]
    monkeypatch.setattr(whoosh_format, "FAST", False)
    _dense_forms(bare)


def test_a_frequent_terms_first_read_makes_no_posting_list(segmented: Path, monkeypatch):
    """At a million documents a frequent term's posting list made whole
    (and converted, and scattered) was most of its first read."""
    from arkisto.search.engine import Engine

    with SearchService(segmented) as svc, svc._pin():
        px = svc.postings()
        word = max(px.lexicon("text"), key=lambda b: px.doc_frequency("text", b))
        engine = Engine(px)
        engine.dense_from = 2
        monkeypatch.setattr(type(px), "postings", lambda *a, **k: pytest.fail("the posting list made whole"))
        dense, (mask, contrib) = engine.walk_term(px, "text", word)
        assert dense and mask.sum() >= 2 and (contrib[mask] > 0).all() and not contrib[~mask].any()


@pytest.mark.parametrize("fast", [True, False])  # the blocks read directly, and through Whoosh's API
def test_a_posting_naming_a_document_past_its_segment_is_damage(segmented: Path, tmp_path: Path, monkeypatch,
                                                                 capsys, fast: bool):
    """A block that decodes to a document number past its segment (a
    frequent word, read in place, and a rare one, read as a list) says the
    index is damaged, exit 5, never a traceback."""
    from arkisto.cli import main
    from arkisto.search.engine import Engine

    bare = _bare(segmented, tmp_path / "bare")
    monkeypatch.setattr(whoosh_format, "FAST", fast)
    with SearchService(bare) as svc, svc._pin():
        px = svc.postings()
        n = px.doc_count_all()
        by_df = sorted((b.decode() for b in px.lexicon("text") if b.decode().isalpha()),
                       key=lambda w: px.doc_frequency("text", w))
        frequent = next(w for w in reversed(by_df) if svc.search(w).total)
        rare = next(w for w in by_df if px.doc_frequency("text", w) == 1 and svc.search(w).total)
        assert px.doc_frequency("text", frequent) >= n // Engine.DENSE_SHARE
        words = [frequent, rare]
    blocks, public = whoosh_format._term_blocks, whoosh_format._public_postings
    monkeypatch.setattr(whoosh_format, "_term_blocks",
                        lambda *a: [(ids + 100_000, ws, vs) for ids, ws, vs in blocks(*a)])
    monkeypatch.setattr(whoosh_format, "_public_postings",
                        lambda *a: None if (got := public(*a)) is None else (got[0] + 100_000, *got[1:]))
    for w in words:
        code = main(["search", w, "--index", str(bare), "--json"])
        err = capsys.readouterr().err
        assert code == 5, (w, err)
        assert "damaged" in err and "Traceback" not in err


@pytest.mark.parametrize("fast", [True, False])  # the blocks read directly, and through Whoosh's API
def test_a_phrase_read_of_a_posting_past_its_segment_is_damage(segmented: Path, tmp_path: Path, monkeypatch,
                                                               capsys, fast: bool):
    """The positions of a phrase's words are read from the blocks with
    their values, apart from the read that finds which documents hold the
    words (from the tables, when the term is frequent but its positions are
    not kept).  A block read for positions that names a document past its
    segment says the index is damaged, exit 5, never a traceback or
    another document's match."""
    from arkisto.cli import main

    bare = _bare(segmented, tmp_path / "bare")
    monkeypatch.setattr(whoosh_format, "FAST", fast)
    phrases = [q for q in _queries(segmented) if q.startswith('"')]
    blocks, public = whoosh_format._term_blocks, whoosh_format._public_postings
    read: list[bool] = []
    monkeypatch.setattr(whoosh_format, "_term_blocks", lambda *a: read.append(a[-1]) or blocks(*a))
    monkeypatch.setattr(whoosh_format, "_public_postings", lambda *a: read.append(a[-1]) or public(*a))

    def reads_positions(q: str) -> bool:
        read.clear()
        with SearchService(bare) as svc:
            return bool(svc.search(q).total) and any(read)

    phrase = next(q for q in phrases if reads_positions(q))

    def shifted_blocks(terms, ti, fmt, values):
        got = blocks(terms, ti, fmt, values)
        return [(ids + 100_000, ws, vs) for ids, ws, vs in got] if values else got

    def shifted_public(seg, field, btext, values):
        got = public(seg, field, btext, values)
        return (got[0] + 100_000, *got[1:]) if values and got is not None else got

    monkeypatch.setattr(whoosh_format, "_term_blocks", shifted_blocks)
    monkeypatch.setattr(whoosh_format, "_public_postings", shifted_public)
    code = main(["search", phrase, "--index", str(bare), "--json"])
    err = capsys.readouterr().err
    assert code == 5, (phrase, err)
    assert "damaged" in err and "Traceback" not in err


def test_positions_of_a_kept_term_are_never_decoded_from_blocks(segmented: Path, monkeypatch):
    decoded: list = []
    real = whoosh_format._segment_postings

    def counted(seg, count, field, btext, fmt):
        got = real(seg, count, field, btext, fmt)
        if got is not None:
            decoded.append((seg.segment().segment_id(), field, btext))
        return got

    monkeypatch.setattr(whoosh_format, "_segment_postings", counted)
    all_hot = 0
    with SearchService(segmented) as svc:
        for q in _queries(segmented):
            if not q.startswith('"'):
                continue
            decoded.clear()
            if not svc.search(q, limit=5).total:
                continue
            all_hot += not decoded
            with svc._pin():
                px = svc.postings()
                counts = {sid: n for sid, _b, n in px.segments()}
                for sid, field, btext in decoded:
                    assert px.hot.term(sid, counts[sid], field, btext) is None, (q, field, btext)
    assert all_hot >= 10  # phrases answered from the tables alone


def test_an_index_without_tables_gets_them_on_its_next_run(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(hotpostings, "MIN_DF", 2)
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "heinola", docs / "heinola")
    ix = tmp_path / "ix"
    index_paths([docs], ix)
    for p in gen_dir(ix).glob(f"*{hotpostings.SUFFIX}"):
        p.unlink()
    rewrite_manifest(ix)
    assert _answers(ix, ['"heinolan kaupunki"']) [0][1] >= 0  # searches from the postings
    shutil.copytree(FIXTURES / "oulu-tweb", docs / "oulu-tweb")
    index_paths([docs], ix)
    with SearchService(ix) as svc, svc._pin():
        segments = [sid for sid, _b, _n in svc.postings().segments()]
    assert sorted(p.stem for p in gen_dir(ix).glob(f"*{hotpostings.SUFFIX}")) == sorted(segments)


def test_a_term_that_does_not_fit_is_left_to_the_postings():
    """A position past 65,535 (a very long document) or a weight that is
    not a whole number: the term is read from Whoosh's blocks instead."""
    from whoosh.formats import Positions

    fmt = Positions()
    ids = np.array([3, 9], dtype=np.int64)

    def value(ps):
        return fmt.encode(ps)

    ok = hotpostings._term_arrays(fmt, [(ids, np.array([2.0, 1.0]), [value([4, 7]), value([0])])], True)
    assert ok is not None
    assert ok[0].tolist() == [3, 9] and ok[1].tolist() == [2, 1] and ok[2].tolist() == [4, 7, 0]
    far = [(ids, np.array([2.0, 1.0]), [value([4, 70_000]), value([0])])]
    assert hotpostings._term_arrays(fmt, far, True) is None
    boosted = [(ids, np.array([1.5, 1.0]), [value([4]), value([0])])]
    assert hotpostings._term_arrays(fmt, boosted, True) is None


def _run(args: list[str], ix: Path):
    return run_cli(args, ix)


def _replace_tables(ix: Path, change, save=np.savez) -> None:
    replace_arrays(ix, hotpostings.SUFFIX, change, save)


def _ids_out_of_range(a):
    a["1.ids"] = a["1.ids"] + np.uint32(1_000_000)
    return a


def _object_array(a):
    a["1.ids"] = np.array([os.system, 1], dtype=object)  # a pickle inside the .npy
    return a


def _offsets_past_the_end(a):
    a["1.poff"] = a["1.poff"] * 2
    return a


def _compressed(a):
    return a


@pytest.mark.parametrize("change,save", [(_ids_out_of_range, np.savez), (_object_array, np.savez),
                                         (_offsets_past_the_end, np.savez),
                                         (_compressed, np.savez_compressed)])
def test_a_tampered_table_is_damage_never_code(segmented: Path, tmp_path: Path, change, save):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    _replace_tables(ix, change, save)
    for args in (["search", '"kaupungin hallitus"', "--json"], ["search", "kaupunki"], ["check"]):
        proc = _run(args, ix)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == 5, (args, proc.returncode, proc.stderr)
        assert "damaged" in proc.stderr or (args == ["check"] and "frequent terms" in proc.stderr), proc.stderr


def test_garbage_in_place_of_a_table_is_damage(segmented: Path, tmp_path: Path):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    for p in gen_dir(ix).glob(f"*{hotpostings.SUFFIX}"):
        p.write_bytes(b"PK\x03\x04" + os.urandom(300))
    rewrite_manifest(ix)
    proc = _run(["search", "kaupunki"], ix)
    assert proc.returncode == 5 and "Traceback" not in proc.stderr, proc.stderr


def _positions_shuffled(a):
    # Valid types and ranges, wrong contents: every position moved by one.
    a["1.pos"] = a["1.pos"] + np.uint16(1)
    return a


def test_check_finds_a_table_that_disagrees_with_the_postings(segmented: Path, tmp_path: Path):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    assert _run(["check"], ix).returncode == 0
    _replace_tables(ix, _positions_shuffled)
    proc = _run(["check"], ix)
    assert proc.returncode == 5, proc.stderr
    assert "frequent terms" in proc.stderr and "Traceback" not in proc.stderr


def test_a_warmed_service_opens_no_table_on_its_first_search(segmented: Path, monkeypatch):
    """``SearchService.warm`` (the TUI calls it while its screen comes up)
    opens every segment's table, so the first search opens none: at a
    million decisions that was 14 tables and 30 ms of the first keystroke."""
    opened: list[str] = []
    real = hotpostings._Segment.__init__

    def spy(self, path, *args):
        opened.append(path.name)
        real(self, path, *args)

    monkeypatch.setattr(hotpostings._Segment, "__init__", spy)
    segments = len(list(gen_dir(segmented).glob(f"*{hotpostings.SUFFIX}")))
    with SearchService(segmented) as svc:
        svc.warm()
        assert len(opened) == segments >= 2
        opened.clear()
        cold = svc.search("kaupunki")
        assert cold.total and opened == []
    with SearchService(segmented) as svc:  # the same answer as a service that was not warmed
        plain = svc.search("kaupunki")
    assert [(h.id, h.score) for h in cold.hits] == [(h.id, h.score) for h in plain.hits]


def test_warming_finds_a_tampered_table_as_damage(segmented: Path, tmp_path: Path):
    from arkisto.errors import IndexDamagedError

    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    _replace_tables(ix, _object_array)
    with SearchService(ix) as svc, pytest.raises(IndexDamagedError):
        svc.warm()


def test_two_segments_of_a_fresh_build_are_written_side_by_side(segmented: Path, tmp_path: Path, monkeypatch):
    """Two or more mid-sized segments (a 10,000-decision build makes two of
    5,000) are written by children at once, not one after the other here;
    their files are those this process writes."""
    from whoosh.filedb.filestore import FileStorage

    from arkisto.ingest import isolate

    ix = _bare(segmented, tmp_path / "bare")
    folder = gen_dir(ix)
    started: list[str] = []
    real = isolate.Child

    class Counted(real):  # type: ignore[misc,valid-type]
        def __init__(self, fn, args, *rest):
            started.append(args[1])
            super().__init__(fn, args, *rest)

    monkeypatch.setattr(isolate, "Child", Counted)
    monkeypatch.setattr(hotpostings, "MIN_DF", 2)
    monkeypatch.setattr(hotpostings, "SIDE_BY_SIDE_DOCS", 1)
    store = FileStorage(str(folder), supports_mmap=False).open_index()
    with store.searcher() as s:
        px = whoosh_format.WhooshPostings(s)
        segments = [sid for sid, _b, _n in px.segments()]
        assert len(segments) >= 2
        assert hotpostings.write_missing(folder, px, jobs=2) == len(segments)
        assert sorted(started) == sorted(segments)
        for i, sid in enumerate(segments):
            with np.load(hotpostings.path_of(folder, sid), allow_pickle=False) as got:
                want = hotpostings.segment_arrays(px, i)
                assert sorted(got.files) == sorted(want)
                for name in want:
                    assert np.array_equal(got[name], want[name]), (sid, name)
    store.close()
    # One such segment alone is written here (a child would only add its start).
    started.clear()
    for p in folder.glob(f"*{hotpostings.SUFFIX}"):
        p.unlink()
    store = FileStorage(str(folder), supports_mmap=False).open_index()
    with store.searcher() as s:
        px = whoosh_format.WhooshPostings(s)
        assert hotpostings.write_missing(folder, px, jobs=1) == len(segments)
    store.close()
    assert started == []


def test_searching_every_typed_prefix_changes_no_answer(segmented: Path):
    """The TUI searches each typed text at once, while the debounce runs
    (every prefix of the query, some of them again): the search of the
    whole query then answers exactly as a service that never saw the
    prefixes, phrases included (whose words' positions are cached whole
    once typed often enough)."""
    queries = _queries(segmented)[:80]
    assert sum(q.startswith('"') for q in queries) >= 20
    expected = _answers(segmented, queries)
    got = []
    with SearchService(segmented) as svc:
        for q in queries:
            for end in range(1, len(q) + 1):
                svc.search(q[:end], limit=30, snippets=5)
            svc.search(q, limit=30, snippets=5)
            r = svc.search(q, limit=30)
            got.append((q, r.total, [(h.id, round(h.score, 9)) for h in r.hits],
                        {k: sorted((v.value, v.count) for v in f.values) for k, f in r.facets.items()}))
    assert got == expected
