"""Each segment's facet and project terms kept beside it (termtables.py):
the same facets and projects as from the postings, written by every run,
removed with their segment, and refused as damage when tampered with."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from arkisto.search import termtables, whoosh_format
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from arkisto.search.store import MANIFEST
from helpers import gen_dir, index_in_runs, replace_arrays, rewrite_manifest, run_cli

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="module")
def _english():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """Three runs: two segments or more, deleted documents, funded projects
    (Heinola's report, the annual report) and every facet."""
    return index_in_runs(tmp_path_factory.mktemp("tables"),
                         [["espoo-dynasty", "heinola"], ["helsinki-ahjo", "projects"]], "espoo-dynasty")


def _views(ix: Path):
    """Facets of an empty search, the projects list and a project filter."""
    with SearchService(ix) as svc:
        res = svc.search("", limit=0)
        facets = {k: sorted((v.value, v.count) for v in f.values) for k, f in res.facets.items()}
        projects = [p.to_json() for p in svc.projects("")[0]]
        projects += [p.to_json() for p in svc.projects("", funder="OKM")[0]]
        return facets, projects, svc.search("rahoittaja:OKM", limit=0).total


def test_every_segment_has_its_table_and_no_other(segmented: Path):
    gen = gen_dir(segmented)
    with SearchService(segmented) as svc, svc._pin():
        segments = [sid for sid, _b, _n in svc.postings().segments()]
    assert len(segments) >= 2
    assert sorted(p.stem for p in gen.glob(f"*{termtables.SUFFIX}")) == sorted(segments)
    # In the manifest, so `check` hashes them.
    files = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert all(f"{s}{termtables.SUFFIX}" in files for s in segments)


def test_facets_and_projects_from_tables_equal_those_from_postings(segmented: Path, tmp_path: Path, monkeypatch):
    with_tables = _views(segmented)
    facets, projects, okm = with_tables
    assert okm > 0 and projects and facets["committee"]
    # The same index with its tables taken away (and the manifest made to match).
    bare = tmp_path / "bare"
    shutil.copytree(segmented, bare)
    for p in gen_dir(bare).glob(f"*{termtables.SUFFIX}"):
        p.unlink()
    data = json.loads((gen_dir(bare) / MANIFEST).read_text(encoding="utf-8"))
    data["files"] = {k: v for k, v in data["files"].items() if not k.endswith(termtables.SUFFIX)}
    (gen_dir(bare) / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert _views(bare) == with_tables
    # And through Whoosh's public API (deleted documents left out there).
    monkeypatch.setattr(whoosh_format, "FAST", False)
    assert _views(bare) == with_tables


def test_a_search_with_tables_reads_no_facet_postings(segmented: Path, monkeypatch):
    read: list[str] = []
    real = whoosh_format.WhooshPostings.postings
    real_seg = whoosh_format.WhooshPostings.segment_terms

    def postings(self, field, btext, values=False):
        read.append(field)
        return real(self, field, btext, values)

    def segment_terms(self, index, field):
        read.append(field)
        return real_seg(self, index, field)

    monkeypatch.setattr(whoosh_format.WhooshPostings, "postings", postings)
    monkeypatch.setattr(whoosh_format.WhooshPostings, "segment_terms", segment_terms)
    with SearchService(segmented) as svc:
        assert svc.search("kaupunki", limit=5).facets["committee"]
        svc.projects("")
    assert read and not set(read) & set(termtables.FIELDS), sorted(set(read))


def test_an_index_without_tables_gets_them_on_its_next_run(tmp_path: Path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "heinola", docs / "heinola")
    ix = tmp_path / "ix"
    index_paths([docs], ix)
    gen = gen_dir(ix)
    for p in gen.glob(f"*{termtables.SUFFIX}"):
        p.unlink()
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    data["files"] = {k: v for k, v in data["files"].items() if not k.endswith(termtables.SUFFIX)}
    (gen / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    before = _views(ix)  # an index from before the tables: read from postings
    shutil.copytree(FIXTURES / "projects", docs / "projects")
    index_paths([docs], ix)
    with SearchService(ix) as svc, svc._pin():
        segments = [sid for sid, _b, _n in svc.postings().segments()]
    assert sorted(p.stem for p in gen_dir(ix).glob(f"*{termtables.SUFFIX}")) == sorted(segments)
    assert before[1][0] in _views(ix)[1] and before[1] != _views(ix)[1]


def _run(args: list[str], ix: Path):
    return run_cli(args, ix)


def _replace_table(ix: Path, change) -> None:
    replace_arrays(ix, termtables.SUFFIX, change)


def _ords_out_of_range(a):
    i = termtables.FIELDS.index("committee")
    a[f"{i}.ords"] = a[f"{i}.ords"] + 1000
    return a


def _object_array(a):
    i = termtables.FIELDS.index("committee")
    a[f"{i}.docs"] = np.array([os.system, 1], dtype=object)  # a pickle inside the .npy
    return a


def _wrong_counts(a):
    # Valid ranges, wrong contents: every document in the first committee.
    i = termtables.FIELDS.index("committee")
    a[f"{i}.ords"] = np.zeros_like(a[f"{i}.ords"])
    return a


@pytest.mark.parametrize("change", [_ords_out_of_range, _object_array])
def test_a_tampered_table_is_damage_never_code(segmented: Path, tmp_path: Path, change):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    _replace_table(ix, change)
    for args in (["search", ""], ["search", "kaupunki", "--json"], ["projects"], ["check"]):
        proc = _run(args, ix)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == 5, (args, proc.returncode, proc.stderr)
        assert "damaged" in proc.stderr


def test_garbage_in_place_of_a_table_is_damage(segmented: Path, tmp_path: Path):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    for p in gen_dir(ix).glob(f"*{termtables.SUFFIX}"):
        p.write_bytes(b"PK\x03\x04" + os.urandom(200))
    rewrite_manifest(ix)
    proc = _run(["search", ""], ix)
    assert proc.returncode == 5 and "Traceback" not in proc.stderr, proc.stderr


def test_check_finds_a_table_that_disagrees_with_the_postings(segmented: Path, tmp_path: Path):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    assert _run(["check"], ix).returncode == 0
    _replace_table(ix, _wrong_counts)
    proc = _run(["check"], ix)
    assert proc.returncode == 5, proc.stderr
    assert "committee" in proc.stderr and "Traceback" not in proc.stderr


def test_the_facets_count_the_pairs_in_any_order(segmented: Path):
    """The facets take each field's (document, term) pairs as the segments
    give them, unsorted (``pairs(grouped=False)``): the same pairs as the
    grouped ones, and the same counts over any set of documents."""
    from collections import Counter

    from arkisto.search.service import FACETS

    rng = np.random.default_rng(7)
    with SearchService(segmented) as svc, svc._pin():
        engine, px = svc.engine(), svc.postings()
        facets = svc.facet_cache()
        assert len(px.segments()) >= 2
        for facet, (field, _multi) in FACETS.items():
            terms, docs, ords = engine.tables.pairs(px, field)
            t2, d2, o2 = engine.tables.pairs(px, field, grouped=False)
            assert t2 == terms
            assert sorted(zip(d2.tolist(), o2.tolist())) == sorted(zip(docs.tolist(), ords.tolist()))
            for share in (0.0, 0.2, 0.7, 1.0):
                mask = rng.random(engine.n) < share
                want = Counter(terms[o] for d, o in zip(docs.tolist(), ords.tolist())
                               if mask[d] and engine.live[d])
                assert facets.count(facet, mask) == dict(want), (facet, share)
