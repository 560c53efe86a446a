"""The benchmark's corpus generator (benchmarks/generate.py) at the sizes
issue 18 asks for: the same bytes from one process or two, subfolders when
there are many files, a million decisions' worth of presenters and projects,
and the 10k and 100k corpora unchanged (earlier figures were measured on them)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    # By path and under a name of its own: tests/fixtures/personal has a
    # module called generate too.
    name = "arkisto_bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # the worker processes unpickle its functions by this name
    spec.loader.exec_module(mod)
    return mod


gen = _load()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert gen.generate(233, one, seed=3, per_file=10, workers=1) == 24
    assert gen.generate(233, two, seed=3, per_file=10, workers=2) == 24
    a, b = _tree(one), _tree(two)
    assert len(a) == 24 and a == b
    last = json.loads(a["d000023.json"])
    assert [r["id"] for r in last] == [f"bench-3-{i:07d}" for i in range(230, 233)]
    assert not list(one.rglob(".*.tmp"))


def test_many_files_go_into_subfolders_with_the_same_bytes_for_any_workers(tmp_path, monkeypatch):
    # The threshold is 10,000 files; lowered here so the test stays small.
    monkeypatch.setattr(gen, "FLAT_MAX_FILES", 20)
    monkeypatch.setattr(gen, "FILES_PER_FOLDER", 8)
    one, two = tmp_path / "one", tmp_path / "two"
    gen.generate(250, one, seed=1, per_file=10, workers=1)
    gen.generate(250, two, seed=1, per_file=10, workers=2)
    a = _tree(one)
    assert a == _tree(two)
    assert sorted({k.split("/")[0] for k in a}) == ["000", "001", "002", "003"]
    assert "003/d000024.json" in a and len(a) == 25
    recs = json.loads(a["001/d000009.json"])
    assert recs[0]["source"]["path"] == "001/d000009.json"
    # A rewritten file (the benchmark's incremental update) lands on the same path.
    path = gen.write_file(one, 1, 9, 250, 10, revision=1)
    assert path == one / "001" / "d000009.json"
    assert json.loads(path.read_text(encoding="utf-8"))[0]["id"] == recs[0]["id"]


def test_a_rewritten_file_is_replaced_not_written_through_a_hard_link(tmp_path):
    # bench.py copies the cached corpus as hard links; the update must not reach the cache.
    gen.generate(20, tmp_path / "cache", seed=1, per_file=10)
    (tmp_path / "run").mkdir()
    for p in (tmp_path / "cache").iterdir():
        (tmp_path / "run" / p.name).hardlink_to(p)
    before = (tmp_path / "cache" / "d000001.json").read_bytes()
    gen.write_file(tmp_path / "run", 1, 1, 20, 10, revision=1)
    assert (tmp_path / "cache" / "d000001.json").read_bytes() == before
    assert (tmp_path / "run" / "d000001.json").read_bytes() != before


def test_a_million_decisions_have_ten_thousand_presenters_and_five_thousand_projects():
    assert gen.universe_size(1_000_000) == (10_000, 5_000)
    uni = gen.Universe.for_n(1, 1_000_000)
    assert len({p["name"] for p in uni.presenters}) == 10_000
    assert len({p["name"] for p in uni.projects}) == 5_000
    assert all(len(c) == 666 for c in uni.committee_presenters)
    # The records draw on them: a few hundred records already name far more
    # presenters and projects than the historic 60 and 200 hold.
    historic = gen.Universe(1)
    recs = [r for f in range(0, 100_000, 2_000) for r in gen.make_file(1, f, 1_000_000, 10, uni=uni)]
    presenters = {r["presenter"]["name"] for r in recs}
    projects = {p["name"] for r in recs for p in r["funded_projects"]}
    assert len(presenters - {p["name"] for p in historic.presenters}) > 100
    assert len(projects - {p["name"] for p in historic.projects}) > 100
    assert {r["presenter"]["name"] for r in recs} <= {p["name"] for p in uni.presenters}


@pytest.mark.parametrize("n, file_no, digest", [
    # sha256 of the files as the generator wrote them before the 1M work (c412856).
    (10_000, 0, "cadfeb42cc87e894d59ab81c01e92e57ea84a0bd67ef549fb9da072f773f82b9"),
    (100_000, 9_999, "f05251d02b6f549223161aebf48ddc4b478f3f9b929ae0a67e8c839886f99791"),
])
def test_the_10k_and_100k_corpora_are_unchanged(tmp_path, n, file_no, digest):
    path = gen.write_file(tmp_path, 1, file_no, n, 10)
    assert path == tmp_path / gen.file_name(file_no)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert gen.universe_size(n) == (60, 200)
