"""Performance benchmark: arkisto (Whoosh) against SQLite FTS5 on the same corpus.

    .venv/bin/python benchmarks/bench.py --n 10000 [--seed 1] [--per-file 10]
        [--out benchmarks/out/bench-10000.json] [--workdir benchmarks/out/work] [--skip-tui]
        [--queries 220]

One run measures, for both engines, in the same run (the machine is noisy,
so the ratio arkisto / FTS5 is what counts):

- full build of N decisions (``arkisto index`` / ``sqlite_fts.py build`` in a
  subprocess): wall time, docs/s, peak RSS of the child (``os.wait4``), size
  on disk;
- search latency over the query set of ``generate.make_queries`` (1–3 words,
  quoted phrases, 1–2 words filtered by year + committee), in process, top 20
  with facet counts (arkisto's ``SearchService.search``, which always counts
  its eight facets; FTS5: MATCH + bm25 + snippet, four GROUP BYs).  The two
  engines run each query back to back, so noise hits both alike;
- cold start: a fresh process to the first result (``arkisto search WORD
  --json`` / ``sqlite_fts.py search``), median of 5;
- the TUI (arkisto only): cold start to first results and keystroke to
  painted results, through ``benchmarks/bench_tui.py`` when it exists;
- incremental update: 100 files rewritten (same record ids, new text) and 10
  deleted, then the folder is indexed again; the doc counts are checked.

The corpus is generated once per (N, seed, K) under the work dir and copied
for each run, so the incremental step never touches the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import sqlite_fts  # noqa: E402

PY = sys.executable
# The console script when the venv has it (what a user runs), else -m.
_SCRIPT = Path(PY).parent / "arkisto"
ARKISTO = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "arkisto"]


# --- helpers ---------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_measured(cmd: list[str], timeout: float = 7200, env: dict | None = None) -> dict:
    """Run ``cmd``; wall time, the child's own peak RSS (wait4), exit code, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _pid, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall_s": wall, "peak_rss_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime,
                "rc": p.returncode, "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def pct(values: list[float], p: float) -> float | None:
    """Percentile with linear interpolation (p in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def last_json(text: str):
    """The last top-level JSON object printed on stdout."""
    start = text.rfind("\n{")
    for i in ([start + 1] if start >= 0 else []) + [0]:
        try:
            return json.loads(text[i:])
        except Exception:
            continue
    return None


def source_state() -> dict:
    """The arkisto code measured: HEAD and the files changed in the working tree (read-only git)."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=HERE.parent, capture_output=True, text=True, timeout=20).stdout
        except Exception:
            return ""
    return {"head": git("rev-parse", "--short", "HEAD").strip(),
            "dirty": [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]}


# --- corpus ------------------------------------------------------------------------


def corpus(workdir: Path, n: int, seed: int, per_file: int) -> Path:
    d = workdir / f"corpus-n{n}-s{seed}-k{per_file}"
    if not (d / ".complete").exists():
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.perf_counter()
        files = generate.generate(n, d, seed, per_file)
        (d / ".complete").write_text(str(files))
        log(f"generated {n} decisions in {files} files ({time.perf_counter() - t0:.1f} s)")
    return d


def incremental_plan(n: int, seed: int, per_file: int) -> tuple[list[int], list[int]]:
    full_files = n // per_file  # only full files, so a delete removes exactly per_file records
    rng = random.Random(f"{seed}:incremental")
    pick = rng.sample(range(full_files), min(110, full_files))
    return sorted(pick[:100]), sorted(pick[100:110])


# --- arkisto ----------------------------------------------------------------------


def arkisto_index(docs: Path, ix: Path) -> dict:
    r = run_measured([*ARKISTO, "index", str(docs), "--index", str(ix), "--json"])
    rep = last_json(r["stdout"]) or {}
    r["report"] = {k: rep.get(k) for k in ("files_seen", "files_indexed", "files_unchanged", "files_skipped",
                                            "files_deleted", "records", "doc_count", "warnings")}
    r["problems"] = (rep.get("problems") or [])[:10]
    if r["rc"] != 0:
        log(f"arkisto index exited {r['rc']}: {r['stderr'][-2000:]}")
    return r


def live_generation(ix: Path) -> Path:
    try:
        return ix / (ix / "CURRENT").read_text().strip()
    except OSError:
        return ix


def tui_bench(ix: Path, skip: bool, queries: int) -> dict:
    """benchmarks/bench_tui.py (headless Textual, in its own process) on this index.
    It times launch -> first paint/results from constructing the app (after
    imports); a fresh process also pays interpreter start and the imports,
    timed here separately, so the cold start is their sum."""
    script = HERE / "bench_tui.py"
    if skip:
        return {"status": "skipped"}
    if not script.exists():
        return {"status": "n/a (benchmarks/bench_tui.py does not exist)"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tui.json"
        r = run_measured([PY, str(script), "--index", str(ix), "--queries", str(queries), "--out", str(out)],
                         timeout=900)
        data = json.loads(out.read_text()) if out.exists() else None
    if r["rc"] != 0 or not isinstance(data, dict):
        return {"status": f"error (exit {r['rc']})", "stderr": r["stderr"][-1500:], "stdout": r["stdout"][-1500:]}
    imports = []
    for _ in range(3):
        ri = run_measured([PY, "-c", "import time; t = time.perf_counter(); import arkisto.tui.app, "
                           "arkisto.tui.screens.search; print(time.perf_counter() - t)"], timeout=120)
        try:
            imports.append(float(ri["stdout"].strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
    start = run_measured([PY, "-c", "pass"])["wall_s"]
    data["import_s"] = statistics.median(imports) if imports else None
    data["python_start_s"] = start
    if data["import_s"] is not None:
        data["cold_start_est_s"] = start + data["import_s"] + data["launch_to_first_results_ms"] / 1000
    return {"status": "ok", "wall_s": r["wall_s"], **data}


# --- the run -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-file", type=int, default=10)
    ap.add_argument("--queries", type=int, default=220)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--workdir", type=Path, default=HERE / "out" / "work")
    ap.add_argument("--skip-tui", action="store_true")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--tui-queries", type=int, default=60, help="typed queries for bench_tui.py")
    args = ap.parse_args(argv)
    out_path = args.out or HERE / "out" / f"bench-{args.n}.json"
    n, seed, k = args.n, args.seed, args.per_file
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    src = corpus(workdir, n, seed, k)
    run = workdir / f"run-n{n}-s{seed}-k{k}"
    shutil.rmtree(run, ignore_errors=True)
    docs = run / "docs"
    shutil.copytree(src, docs, ignore=shutil.ignore_patterns(".complete"))
    ix = run / "index"
    db = run / "fts.db"
    corpus_bytes = dir_size(docs)
    result: dict = {
        "n": n, "seed": seed, "per_file": k, "files": (n + k - 1) // k, "corpus_mb": corpus_bytes / 2**20,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "platform": platform.platform()},
        "arkisto": {}, "fts5": {}, "checks": [],
    }
    A, F = result["arkisto"], result["fts5"]
    checks = result["checks"]
    result["source"] = source_state()

    def check(ok: bool, what: str) -> None:
        checks.append({"ok": bool(ok), "what": what})
        log(("ok: " if ok else "FAILED: ") + what)

    # Full build -----------------------------------------------------------------
    log(f"arkisto: full build of {n} decisions …")
    r = arkisto_index(docs, ix)
    A["build"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "docs_per_s": n / r["wall_s"],
                  "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"], "report": r["report"],
                  "index_mb": dir_size(ix) / 2**20, "live_generation_mb": dir_size(live_generation(ix)) / 2**20,
                  "problems": r["problems"]}
    log(f"arkisto: build {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, report {r['report']}")
    check(r["report"].get("doc_count") == n, f"arkisto full build holds {r['report'].get('doc_count')} of {n}")

    log("fts5: full build …")
    r = run_measured([PY, str(HERE / "sqlite_fts.py"), "build", str(db), str(docs)])
    rep = last_json(r["stdout"]) or {}
    F["build"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "docs_per_s": n / r["wall_s"],
                  "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"], "report": rep,
                  "index_mb": sum(os.path.getsize(p) for p in run.glob("fts.db*")) / 2**20}
    log(f"fts5: build {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
    check(rep.get("doc_count") == n, f"fts5 full build holds {rep.get('doc_count')} of {n}")

    # Search latency (in process, interleaved) ----------------------------------------
    from arkisto.search.analysis import backend_name
    from arkisto.search.service import SearchService

    result["machine"]["analyzer"] = backend_name()
    queries = generate.make_queries(seed, args.queries)
    t0 = time.perf_counter()
    svc = SearchService(ix)
    A["open_ms"] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    svc.search("hankkeen", limit=20)
    A["first_search_ms"] = (time.perf_counter() - t0) * 1000  # facet cache, analyser load
    t0 = time.perf_counter()
    conn = sqlite_fts.connect(db)
    F["open_ms"] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    sqlite_fts.search(conn, ["hankkeen"])
    F["first_search_ms"] = (time.perf_counter() - t0) * 1000
    for w in ("päätös", "avustusta", "kaupunginhallitus", '"asemakaavan muutos"', "koulu"):
        try:
            svc.search(w, limit=20)
        except Exception:
            pass
        sqlite_fts.search(conn, w.strip('"').split(), phrase=w.startswith('"'))

    log(f"search: {len(queries)} queries on both engines …")
    per_query = []
    for q in queries:
        row = {"kind": q["kind"], "text": q["text"], "filters": q["filters"]}
        t0 = time.perf_counter()
        try:
            res = svc.search(q["text"], filters=q["filters"] or None, limit=20)
            row["arkisto_ms"] = (time.perf_counter() - t0) * 1000
            row["arkisto_total"] = res.total
            row["arkisto_hits"] = len(res.hits)
        except Exception as exc:  # report, never stop the run
            row["arkisto_ms"] = None
            row["arkisto_error"] = f"{type(exc).__name__}: {exc}"
        t0 = time.perf_counter()
        fres = sqlite_fts.search(conn, q["words"], phrase=q["phrase"], filters=q["filters"], limit=20)
        row["fts5_ms"] = (time.perf_counter() - t0) * 1000
        row["fts5_total"] = fres["total"]
        per_query.append(row)
    result["queries"] = per_query
    errors = [r for r in per_query if r.get("arkisto_error")]
    A["search_errors"] = len(errors)
    if errors:
        log(f"arkisto: {len(errors)} of {len(per_query)} queries raised, e.g. {errors[0]['text']!r}: "
            f"{errors[0]['arkisto_error']}")
    check(not errors, f"arkisto answered {len(per_query) - len(errors)} of {len(per_query)} queries without error")
    kinds = ["all"] + list(dict.fromkeys(q["kind"] for q in queries))
    for name, key in (("arkisto", "arkisto_ms"), ("fts5", "fts5_ms")):
        lat = {}
        for kind in kinds:
            rows = [r for r in per_query if kind in ("all", r["kind"]) and r.get("arkisto_ms") is not None]
            vals = [r[key] for r in rows]
            tot_key = "arkisto_total" if name == "arkisto" else "fts5_total"
            lat[kind] = {"count": len(vals), "p50_ms": pct(vals, 50), "p95_ms": pct(vals, 95),
                         "mean_ms": statistics.fmean(vals) if vals else None,
                         "mean_total": statistics.fmean(r[tot_key] for r in rows) if rows else None}
        result[name]["search"] = lat
    log(f"search p50/p95 arkisto {A['search']['all']['p50_ms']:.1f}/{A['search']['all']['p95_ms']:.1f} ms, "
        f"fts5 {F['search']['all']['p50_ms']:.1f}/{F['search']['all']['p95_ms']:.1f} ms")
    A["projects"] = projects_bench(svc)
    log(f"projects: first {A['projects']['first_ms']:.0f} ms (arrays built), list p50 "
        f"{A['projects']['list_p50_ms']:.1f} ms, filtered p50 {A['projects']['filtered_p50_ms']:.1f} ms, "
        f"programmes p50 {A['projects']['programmes_p50_ms']:.1f} ms, summa: search p50 "
        f"{A['projects']['amount_search_p50_ms']:.1f} ms")
    svc.close()
    conn.close()

    # Cold start (fresh process to first result), interleaved ------------------------------
    log("cold start …")
    word = "hankkeen"
    a_runs, f_runs = [], []
    for _ in range(args.cold_runs):
        r = run_measured([*ARKISTO, "search", word, "--json", "--index", str(ix)], timeout=300)
        a_runs.append(r["wall_s"])
        a_ok = r["rc"] == 0 and (last_json(r["stdout"]) or {}).get("total", 0) > 0
        r = run_measured([PY, str(HERE / "sqlite_fts.py"), "search", str(db), word], timeout=300)
        f_runs.append(r["wall_s"])
        f_ok = r["rc"] == 0 and (last_json(r["stdout"]) or {}).get("total", 0) > 0
    A["cold_start_cli"] = {"median_s": statistics.median(a_runs), "runs_s": a_runs, "ok": a_ok,
                           "cmd": f"arkisto search {word} --json --index DIR"}
    F["cold_start_cli"] = {"median_s": statistics.median(f_runs), "runs_s": f_runs, "ok": f_ok,
                           "cmd": f"python benchmarks/sqlite_fts.py search DB {word}"}
    r = run_measured([PY, "-c", "pass"])
    result["machine"]["python_startup_s"] = r["wall_s"]
    log(f"cold start arkisto {A['cold_start_cli']['median_s']:.2f} s, fts5 {F['cold_start_cli']['median_s']:.2f} s")

    # TUI ---------------------------------------------------------------------------------
    log("tui …")
    A["tui"] = tui_bench(ix, args.skip_tui, args.tui_queries)
    log(f"tui: {A['tui'].get('status')}")

    # Incremental update ----------------------------------------------------------------------
    changed, deleted = incremental_plan(n, seed, k)
    uni = generate.Universe(seed)
    for f in changed:
        generate.write_file(docs, seed, f, n, k, revision=1, uni=uni)
    for f in deleted:
        (docs / generate.file_name(f)).unlink()
    expected = n - len(deleted) * k
    result["incremental"] = {"files_changed": len(changed), "files_deleted": len(deleted),
                             "expected_doc_count": expected}
    log(f"arkisto: incremental ({len(changed)} changed, {len(deleted)} deleted files) …")
    r = arkisto_index(docs, ix)
    A["incremental"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"],
                        "report": r["report"], "index_mb": dir_size(ix) / 2**20,
                        "live_generation_mb": dir_size(live_generation(ix)) / 2**20}
    rep = r["report"]
    check(rep.get("doc_count") == expected, f"arkisto after update holds {rep.get('doc_count')} (expected {expected})")
    check(rep.get("files_indexed") == len(changed) and rep.get("files_deleted") == len(deleted),
          f"arkisto update re-indexed {rep.get('files_indexed')} files and removed {rep.get('files_deleted')}"
          f" (expected {len(changed)}, {len(deleted)})")
    svc = SearchService(ix)
    try:
        revised = svc.search('"korjattu versio"', limit=0).total
        check(revised == len(changed) * k, f"arkisto: '\"korjattu versio\"' finds {revised} revised records "
              f"(expected {len(changed) * k})")
        check(svc.doc_count() == expected, f"arkisto searcher sees {svc.doc_count()} docs (expected {expected})")
        A["incremental"]["revised_found"] = revised
    finally:
        svc.close()

    log("fts5: incremental …")
    r = run_measured([PY, str(HERE / "sqlite_fts.py"), "update", str(db), str(docs)])
    rep = last_json(r["stdout"]) or {}
    F["incremental"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"],
                        "report": rep}
    F["db"] = str(db)
    check(rep.get("doc_count") == expected, f"fts5 after update holds {rep.get('doc_count')} (expected {expected})")
    conn = sqlite_fts.connect(db)
    revised = sqlite_fts.search(conn, ["korjattu", "versio"], phrase=True, limit=0)["total"]
    conn.close()
    check(revised == len(changed) * k, f"fts5: \"korjattu versio\" finds {revised} (expected {len(changed) * k})")

    # Table -----------------------------------------------------------------------------------
    rows = table_rows(result)
    result["table"] = rows
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(render_table(result))
    log(f"wrote {out_path}")
    return 0 if all(c["ok"] for c in checks) else 1


def projects_bench(svc, rounds: int = 7) -> dict:
    """The funded projects' side (issue 17): the first projects list (which
    builds the generation's project arrays), then the list of every
    project, a filtered list, the programmes and an amount-filtered search."""
    out: dict = {}
    t0 = time.perf_counter()
    projects, _notes = svc.projects()
    out["first_ms"] = (time.perf_counter() - t0) * 1000
    out["projects"] = len(projects)
    for name, fn in (("list", lambda: svc.projects()),
                     ("filtered", lambda: svc.projects("summa:>100000", funder="OKM")),
                     ("programmes", lambda: svc.programmes()),
                     ("amount_search", lambda: svc.search("summa:>100000 hankkeen", limit=20))):
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        out[f"{name}_p50_ms"] = pct(times, 50)
    return out


def table_rows(res: dict) -> list[dict]:
    A, F = res["arkisto"], res["fts5"]
    rows = []

    def add(metric, a, f, fmt="{:.2f}"):
        ratio = (a / f) if (isinstance(a, (int, float)) and isinstance(f, (int, float)) and f) else None
        rows.append({"metric": metric, "arkisto": a, "fts5": f, "ratio": ratio, "fmt": fmt})

    add("full build, wall (s)", A["build"]["wall_s"], F["build"]["wall_s"], "{:.1f}")
    add("full build, docs/s", A["build"]["docs_per_s"], F["build"]["docs_per_s"], "{:.0f}")
    add("full build, peak RSS (MB)", A["build"]["peak_rss_mb"], F["build"]["peak_rss_mb"], "{:.0f}")
    add("index size on disk (MB)", A["build"]["index_mb"], F["build"]["index_mb"], "{:.1f}")
    inc_a, inc_f = A.get("incremental", {}), F.get("incremental", {})
    add("incremental: 100 changed + 10 deleted files (s)", inc_a.get("wall_s"), inc_f.get("wall_s"), "{:.2f}")
    add("index dir after update, all generations (MB)", inc_a.get("index_mb"),
        sum(os.path.getsize(p) for p in Path(res["fts5"]["db"]).parent.glob("fts.db*")) / 2**20
        if res["fts5"].get("db") else None, "{:.1f}")
    add("live generation after update (MB)", inc_a.get("live_generation_mb"), None, "{:.1f}")
    for kind, label in (("all", "all"), ("word1", "1 word"), ("word2", "2 words"), ("word3", "3 words"),
                        ("phrase", "phrase"), ("filtered", "year+committee filter")):
        a, f = A["search"].get(kind), F["search"].get(kind)
        if not a:
            continue
        add(f"search p50 (ms), {label} ({a['count']})", a["p50_ms"], f["p50_ms"], "{:.1f}")
        add(f"search p95 (ms), {label}", a["p95_ms"], f["p95_ms"], "{:.1f}")
    add("mean matches per query (all)", A["search"]["all"]["mean_total"], F["search"]["all"]["mean_total"], "{:.0f}")
    add("first search after open, in process (ms)", A["first_search_ms"], F["first_search_ms"], "{:.0f}")
    add("cold start CLI, fresh process to result (s)", A["cold_start_cli"]["median_s"],
        F["cold_start_cli"]["median_s"], "{:.2f}")
    tui = A.get("tui", {})
    if tui.get("status") == "ok":
        k = tui["keystroke_to_results_ms"]
        add("TUI cold start: fresh process to painted results (s)*", tui.get("cold_start_est_s"), None, "{:.2f}")
        add("TUI: launch → first paint, in process (ms)", tui["launch_to_first_paint_ms"], None, "{:.0f}")
        add("TUI: launch → first results, in process (ms)", tui["launch_to_first_results_ms"], None, "{:.0f}")
        add(f"TUI: keystroke → painted results, median (ms, n={k['n']})", k["median"], None, "{:.0f}")
        add("TUI: keystroke → painted results, p95 (ms)", k["p95"], None, "{:.0f}")
    else:
        add("TUI: cold start / keystroke to paint", tui.get("status"), None, "{}")
    return rows


def render_table(res: dict) -> str:
    lines = [
        f"N = {res['n']} decisions ({res['files']} files, {res['corpus_mb']:.1f} MB), seed {res['seed']}, "
        f"analyzer {res['machine'].get('analyzer')}, SQLite {res['machine']['sqlite']}, "
        f"{res['machine']['cpus']} CPUs; arkisto at {res['source']['head']}"
        + (f" + uncommitted changes in {', '.join(res['source']['dirty'])}" if res["source"]["dirty"] else ""),
        "",
        "| metric | arkisto | FTS5 | ratio |",
        "|---|---:|---:|---:|",
    ]
    for r in res["table"]:
        def fmt(v):
            if v is None:
                return "–"
            if isinstance(v, str):
                return v
            return r["fmt"].format(v)
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.1f}×" if r["ratio"] >= 1 else f"{r['ratio']:.2g}×"
        lines.append(f"| {r['metric']} | {fmt(r['arkisto'])} | {fmt(r['fts5'])} | {ratio} |")
    bad = [c for c in res["checks"] if not c["ok"]]
    if res["arkisto"].get("tui", {}).get("status") == "ok":
        t = res["arkisto"]["tui"]
        lines.append("")
        lines.append(f"* interpreter start {t['python_start_s']:.2f} s + importing the TUI {t['import_s']:.2f} s "
                     f"+ launch → first results {t['launch_to_first_results_ms'] / 1000:.2f} s "
                     "(benchmarks/bench_tui.py, headless, its own typed queries)")
    lines.append("")
    lines.append(f"checks: {len(res['checks']) - len(bad)} of {len(res['checks'])} passed")
    for c in bad:
        lines.append(f"  FAILED: {c['what']}")
    if res["arkisto"].get("search_errors"):
        errs = [q for q in res["queries"] if q.get("arkisto_error")]
        lines.append(f"  arkisto search errors ({len(errs)}): " + "; ".join(
            f"{q['text']!r}: {q['arkisto_error']}" for q in errs[:5]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
