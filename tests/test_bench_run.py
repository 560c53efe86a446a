"""benchmarks/bench.py end to end on a tiny corpus, and what its table says
when a run is large or a build does not finish (issue 18's 1M run).  No
timing is asserted: only that the figures, the load and the commit are
recorded and shown."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    name = "arkisto_bench_bench"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "bench.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


bench = _load()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One small run: 120 files of one record (the update rewrites 100 and deletes 10)."""
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench-120.json"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--n", "120", "--per-file", "1",
                        "--workdir", str(work), "--out", str(out), "--skip-tui", "--queries", "10",
                        "--cold-runs", "1", "--sample-seconds", "0.2"],
                       capture_output=True, text=True, timeout=600)
    return p, json.loads(out.read_text()), work


def test_a_small_run_passes_its_checks_and_records_load_and_commit(run):
    p, res, work = run
    assert p.returncode == 0, p.stderr[-3000:]
    assert res["status"] == "complete"
    assert all(c["ok"] for c in res["checks"]) and len(res["checks"]) >= 8
    assert len(res["load"]["start"]) == 3 and len(res["load"]["end"]) == 3
    assert [ph["phase"].split(":")[0] for ph in res["load"]["phases"]][:2] == ["fts5", "arkisto"]
    if (ROOT / ".git").exists():  # a checkout (CI's clone is one); a copied tree has no commit to record
        assert len(res["source"]["commit"]) == 40
    assert res["arkisto"]["build"]["report"]["doc_count"] == 120
    assert res["arkisto"]["build"]["report"]["files_indexed"] == 120
    assert res["universe"] == {"presenters": 60, "projects": 200, "committees": 15}
    assert res["corpus_copy"] == "hard links"
    # The cached corpus is untouched by the update (the run's copy is links to it).
    cache = work / "corpus-n120-s1-k1"
    assert len(list(cache.glob("*.json"))) == 120
    assert not any("Korjattu versio" in f.read_text(encoding="utf-8") for f in cache.glob("*.json"))
    assert "load average (1/5/15 min) at start" in p.stdout
    assert "| full build, wall (s) |" in p.stdout


def test_the_timeouts_grow_with_n():
    small, big = bench.timeouts(10_000), bench.timeouts(1_000_000)
    assert small["tui_key_s"] == 30 and small["tui_first_s"] == 120  # as they always were
    assert big["build_s"] >= 10 * bench.timeouts(100_000)["build_s"] / 2
    for key in ("fts_s", "cold_s", "tui_run_s", "tui_first_s", "tui_key_s"):
        assert big[key] >= 10 * small[key] / 2, key
    assert bench.timeouts(1_000_000, build=3000)["build_s"] == 3000


def test_compare_shows_a_column_per_size(run):
    _p, res, _work = run
    runs = []
    for n in (1_000_000, 10_000, 100_000):
        r = copy.deepcopy(res)
        r["n"] = n
        runs.append(r)
    text = bench.render_compare(runs)
    head = text.splitlines()[0]
    assert head.index("10k arkisto") < head.index("100k arkisto") < head.index("1M arkisto")
    row = next(line for line in text.splitlines() if line.startswith("| search p50 (ms), all |"))
    assert row.count("|") == 1 + 1 + 3 * 3
    assert "1M: arkisto at" in text


def test_a_build_killed_at_its_timeout_leaves_its_cells_empty_and_says_how_far_it_got(run):
    _p, res, _work = run
    r = copy.deepcopy(res)
    r["n"] = 1_000_000
    b = r["arkisto"]["build"]
    b.update(rc=-9, timed_out=True, wall_s=5400.0, peak_rss_mb=2100.0,
             samples=[{"t_s": 5390.0, "pss_mb": 2050.0, "records_est": 612_340}])
    for key in ("search", "incremental", "cold_start_cli", "first_search_ms"):
        r["arkisto"].pop(key, None)
    r["arkisto"]["tui"] = {"status": "not run (no arkisto index)"}
    r["limits"]["build_s"] = 5400.0
    r["table"] = bench.table_rows(r)
    text = bench.render_table(r)
    build = next(line for line in text.splitlines() if line.startswith("| full build, wall (s) |"))
    assert build.split("|")[2].strip() == "–" and build.split("|")[3].strip() != "–"
    assert "N = 1,000,000 decisions" in text
    assert ("arkisto full build did not finish (killed at the 5400 s timeout, after 5400 s, peak RSS 2100 MB); "
            "last sample at 5390 s: memory 2050 MB, about 612340 records done") in text


def test_the_build_rate_is_taken_from_the_last_sample_that_knew_the_progress():
    # A sample between progress lines knows no record count; the next rate
    # spans both intervals instead of being reported as 0 records/s.
    s = bench.Sampler("build", 30)
    for sample in ({"t_s": 10.0, "records_est": 100}, {"t_s": 20.0}, {"t_s": 30.0, "records_est": 500},
                   {"t_s": 40.0, "records_est": 500}):
        s.add(sample)
    assert [x.get("records_per_s") for x in s.samples] == [10.0, None, 20.0, 0.0]


def test_reuse_run_measures_search_on_the_index_an_earlier_run_left(run):
    # After a build killed at its timeout, its last checkpoint can still be searched.
    _p, res, work = run
    out = work / "reused.json"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--n", "120", "--per-file", "1",
                        "--workdir", str(work), "--out", str(out), "--skip-tui", "--queries", "10",
                        "--cold-runs", "1", "--reuse-run"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    again = json.loads(out.read_text())
    # The first run's update left 110 records (10 files deleted) in both.
    assert (again["arkisto"]["doc_count"], again["fts5"]["doc_count"]) == (110, 110)
    assert again["arkisto"]["search"]["all"]["count"] == 10 and again["fts5"]["search"]["all"]["count"] == 10
    assert "build" not in again["arkisto"] and "incremental" not in again["arkisto"]
    assert "| records in the index searched | 110 | 110 |" in p.stdout
    assert again["corpus_copy"] == "reused"
