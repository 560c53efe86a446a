"""Performance benchmark: arkisto (Whoosh) against SQLite FTS5 on the same corpus.

    .venv/bin/python benchmarks/bench.py --n 10000 [--seed 1] [--per-file 10]
        [--out benchmarks/out/bench-10000.json] [--workdir benchmarks/out/work] [--skip-tui]
        [--queries 220] [--tui-queries 60] [--cold-runs 5] [--gen-workers 2]
        [--build-timeout S] [--fts-timeout S] [--sample-seconds 30]
    .venv/bin/python benchmarks/bench.py --compare out/bench-10000.json out/bench-100000.json ...

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

The corpus is generated once per (N, seed, K) under the work dir (on both
cores) and copied for each run as hard links (``generate.write_file``
replaces a file rather than writing through it), so the incremental step
never touches the cache and a million decisions (about 5 GB) are not copied.

For large N (a million decisions, issue 18): FTS5 is built first, so its
figures exist even when arkisto's build does not finish; every build has a
timeout that grows with N (``--build-timeout``, ``--fts-timeout``); while a
build runs, its resident memory, CPU time, bytes read and the corpus file
it has open are sampled every ``--sample-seconds`` into the log and the
JSON (records/s over time: linear or slowing); the JSON is rewritten after
every phase, so a run stopped halfway keeps what it measured; the machine's
load averages are recorded at the start of every phase and at the end.
``--compare`` prints the table of several runs side by side (10k, 100k, 1M).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
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



def _load(name: str):
    """A sibling module by path, under a name of its own (tests/fixtures has
    another module called ``generate``)."""
    key = f"arkisto_bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return sys.modules[key]


generate = _load("generate")
sqlite_fts = _load("sqlite_fts")

PY = sys.executable
# The console script when the venv has it (what a user runs), else -m.
_SCRIPT = Path(PY).parent / "arkisto"
ARKISTO = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "arkisto"]


# --- helpers ---------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_measured(cmd: list[str], timeout: float = 7200, env: dict | None = None,
                 sampler: "Sampler | None" = None, stderr_path: Path | None = None) -> dict:
    """Run ``cmd``; wall time, the child's own peak RSS (wait4), exit code,
    output, and whether the timeout killed it.  A ``sampler`` watches the
    child while it runs; ``stderr_path`` keeps its stderr in a file that can
    be read while it runs."""
    with tempfile.TemporaryFile() as out, \
            (open(stderr_path, "w+b") if stderr_path else tempfile.TemporaryFile()) as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            p.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        if sampler is not None:
            sampler.start(p.pid, t0)
        try:
            _pid, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
            if sampler is not None:
                sampler.stop()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall_s": wall, "peak_rss_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime,
                "rc": p.returncode, "timed_out": killed.is_set(), "timeout_s": timeout,
                "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


def _proc_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc; a parsing child counts too)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _proc_status(pid: int) -> dict:
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) / 1024  # kB -> MB
        try:  # proportional share: forked children's shared pages counted once over the tree
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        fields["Pss"] = int(line.split()[1]) / 1024
        except OSError:
            pass
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().rsplit(b")", 1)[1].split()
        fields["cpu_s"] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        with open(f"/proc/{pid}/io") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key == "rchar":
                    fields["rchar"] = int(value)
    except (OSError, ValueError, IndexError):
        pass
    return fields


PROGRESS_RE = re.compile(r"progress: (\d+)/(\d+) files · (\d+) records")


class Sampler:
    """Watches a running build from outside: every ``every`` seconds the
    process tree's memory (the sum of its proportional set sizes, so a
    forked parser's shared pages count once; and the largest peak of one
    process, VmHWM, which is what wait4 reports at the end), CPU seconds,
    bytes read, the size of ``watch_dir``, the load average, and how far the
    build got: the last progress line in ``progress_log`` (arkisto's plain
    progress on a non-terminal stderr: files done and records), or else the
    corpus file the process has open (files are read in order).  Records per
    second between samples say whether the build slows as it grows.  Each
    sample is logged as it is taken."""

    def __init__(self, name: str, every: float, docs: Path | None = None, per_file: int = 10,
                 corpus_bytes: int = 0, watch_dir: Path | None = None, progress_log: Path | None = None):
        self.name, self.every, self.docs, self.per_file = name, every, docs, per_file
        self.corpus_bytes, self.watch_dir, self.progress_log = corpus_bytes, watch_dir, progress_log
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int, t0: float) -> None:
        self.pid, self.t0 = pid, t0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _open_file(self) -> str | None:
        if self.docs is None:
            return None
        prefix = str(self.docs) + os.sep
        newest = None
        for pid in _proc_tree(self.pid):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith(prefix) and target.endswith(".json"):
                    rel = target[len(prefix):]
                    newest = max(newest or rel, rel)
        return newest

    def _progress(self) -> tuple[int, int] | None:
        """(files done, records) from the last progress line of the log."""
        if self.progress_log is None:
            return None
        try:
            with open(self.progress_log, "rb") as fh:
                fh.seek(max(0, os.path.getsize(self.progress_log) - 8192))
                tail = fh.read().decode("utf-8", "replace")
        except OSError:
            return None
        found = PROGRESS_RE.findall(tail)
        return (int(found[-1][0]), int(found[-1][2])) if found else None

    def sample(self) -> dict:
        tree = _proc_tree(self.pid)
        stats = [_proc_status(p) for p in tree]
        s = {"t_s": round(time.perf_counter() - self.t0, 1),
             "pss_mb": round(sum(x.get("Pss", x.get("VmRSS", 0)) for x in stats), 1),
             "rss_max_mb": round(max((x.get("VmRSS", 0) for x in stats), default=0), 1),
             "hwm_mb": round(max((x.get("VmHWM", 0) for x in stats), default=0), 1), "processes": len(tree),
             "cpu_s": round(sum(x.get("cpu_s", 0) for x in stats), 1),
             "read_mb": round(sum(x.get("rchar", 0) for x in stats) / 2**20, 1),
             "load": [round(x, 2) for x in os.getloadavg()]}
        progress = self._progress()
        if progress:
            s["files_done"], s["records_est"] = progress
        else:
            current = self._open_file()
            if current:
                s["file"] = current
                digits = "".join(ch for ch in os.path.basename(current) if ch.isdigit())
                if digits:
                    s["records_est"] = int(digits) * self.per_file
        if self.watch_dir is not None and self.watch_dir.exists():
            s["dir_mb"] = round(dir_size(self.watch_dir) / 2**20, 1)
        return s

    def add(self, s: dict) -> None:
        """Keep a sample, with the records per second since the last sample
        that knew how far the build was (not every sample does)."""
        prev = next((x for x in reversed(self.samples) if "records_est" in x), {"t_s": 0.0, "records_est": 0})
        if "records_est" in s and s["t_s"] > prev["t_s"]:
            s["records_per_s"] = round((s["records_est"] - prev["records_est"]) / (s["t_s"] - prev["t_s"]), 1)
        self.samples.append(s)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                s = self.sample()
            except Exception as exc:  # a sample is not worth stopping the run
                log(f"{self.name}: sample failed: {exc}")
                continue
            self.add(s)
            log(f"{self.name}: {s['t_s']:.0f} s, memory {s['pss_mb']:.0f} MB over {s['processes']} processes "
                f"(largest {s['rss_max_mb']:.0f}, peak {s['hwm_mb']:.0f}), CPU {s['cpu_s']:.0f} s, "
                f"read {s['read_mb']:.0f} MB"
                + (f", ~{s['records_est']} records ({s.get('records_per_s', 0):.0f}/s since the last sample)"
                   if "records_est" in s else "")
                + (f", dir {s['dir_mb']:.0f} MB" if "dir_mb" in s else "") + f", load {s['load'][0]}")


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
    """The arkisto code measured: HEAD (short and full) and the files changed
    in the working tree (read-only git)."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=HERE.parent, capture_output=True, text=True, timeout=20).stdout
        except Exception:
            return ""
    return {"head": git("rev-parse", "--short", "HEAD").strip(), "commit": git("rev-parse", "HEAD").strip(),
            "dirty": [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]}


# --- corpus ------------------------------------------------------------------------


def corpus(workdir: Path, n: int, seed: int, per_file: int, workers: int = 1) -> Path:
    d = workdir / f"corpus-n{n}-s{seed}-k{per_file}"
    if not (d / ".complete").exists():
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.perf_counter()
        files = generate.generate(n, d, seed, per_file, workers)
        (d / ".complete").write_text(str(files))
        log(f"generated {n} decisions in {files} files ({time.perf_counter() - t0:.1f} s, {workers} workers)")
    return d


def copy_corpus(src: Path, dst: Path) -> str:
    """The run's copy of the cached corpus: hard links where the file system
    allows (instant, no space), else real copies."""
    try:
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".complete"), copy_function=os.link)
        return "hard links"
    except OSError:
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".complete"))
        return "copies"


def timeouts(n: int, build: float | None = None, fts: float | None = None) -> dict:
    """Every time limit of a run, grown with N (a 10k run keeps the limits it
    always had; at a million they are ten times the 100k ones): the arkisto
    build 20 ms per decision (ten times its 100k rate), FTS5 5 ms, the TUI's
    wait for first results and for each keystroke's results."""
    scale = max(1.0, n / 100_000)
    return {"build_s": build or max(1800.0, 0.02 * n), "fts_s": fts or max(900.0, 0.005 * n),
            "cold_s": 300 * scale, "tui_run_s": 900 * scale, "tui_first_s": 120 * scale,
            "tui_key_s": 30 * scale}


def incremental_plan(n: int, seed: int, per_file: int) -> tuple[list[int], list[int]]:
    full_files = n // per_file  # only full files, so a delete removes exactly per_file records
    rng = random.Random(f"{seed}:incremental")
    pick = rng.sample(range(full_files), min(110, full_files))
    return sorted(pick[:100]), sorted(pick[100:110])


# --- arkisto ----------------------------------------------------------------------


SUMMARY_RE = {
    "records": r"(\d+) records from \d+ files indexed", "files_indexed": r"\d+ records from (\d+) files indexed",
    "files_unchanged": r"(\d+) unchanged", "files_skipped": r"(\d+) skipped", "files_deleted": r"(\d+) removed",
    "warnings": r"(\d+) warnings", "doc_count": r"The index holds (\d+) records",
}


def arkisto_build(docs: Path, ix: Path, timeout: float, sampler: Sampler, log_path: Path, every: float) -> dict:
    """The full build as a user runs it on a large folder: ``arkisto index``
    with its plain progress on stderr (a line every ``every`` seconds, which
    the sampler reads; ``--json`` prints none), in English so the summary
    line gives the report's counts."""
    env = {**os.environ, "ARKISTO_PROGRESS_SECONDS": str(every)}
    sampler.progress_log = log_path
    r = run_measured([*ARKISTO, "index", str(docs), "--index", str(ix), "--lang", "en"], timeout=timeout,
                     env=env, sampler=sampler, stderr_path=log_path)
    r["report"] = {}
    for key, pattern in SUMMARY_RE.items():
        found = re.findall(pattern, r["stderr"])
        r["report"][key] = int(found[-1]) if found else (0 if key == "files_deleted" else None)
    r["problems"] = [line for line in r["stderr"].splitlines()
                     if line.startswith(("warning:", "skipped:", "repaired:"))][:10]
    if r["rc"] != 0:
        log(f"arkisto index exited {r['rc']}" + (" (killed at the timeout)" if r["timed_out"] else "")
            + f": {r['stderr'][-2000:]}")
    return r


def arkisto_index(docs: Path, ix: Path, timeout: float = 7200, sampler: Sampler | None = None) -> dict:
    r = run_measured([*ARKISTO, "index", str(docs), "--index", str(ix), "--json"], timeout=timeout, sampler=sampler)
    rep = last_json(r["stdout"]) or {}
    r["report"] = {k: rep.get(k) for k in ("files_seen", "files_indexed", "files_unchanged", "files_skipped",
                                            "files_deleted", "records", "doc_count", "warnings")}
    r["problems"] = (rep.get("problems") or [])[:10]
    if r["rc"] != 0:
        log(f"arkisto index exited {r['rc']}" + (" (killed at the timeout)" if r["timed_out"] else "")
            + f": {r['stderr'][-2000:]}")
    return r


def live_generation(ix: Path) -> Path:
    try:
        return ix / (ix / "CURRENT").read_text().strip()
    except OSError:
        return ix


def tui_bench(ix: Path, skip: bool, queries: int, limits: dict | None = None) -> dict:
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
        limits = limits or timeouts(0)
        r = run_measured([PY, str(script), "--index", str(ix), "--queries", str(queries), "--out", str(out),
                          "--first-results-timeout", str(limits["tui_first_s"]),
                          "--keystroke-timeout", str(limits["tui_key_s"])], timeout=limits["tui_run_s"])
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
    ap.add_argument("--gen-workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="processes generating the corpus (the bytes are the same for any number)")
    ap.add_argument("--build-timeout", type=float, help="seconds for arkisto's full build (default: 20 ms × N, "
                    "at least 30 min); the incremental update gets the same")
    ap.add_argument("--fts-timeout", type=float, help="seconds for FTS5's build (default: 5 ms × N, at least 15 min)")
    ap.add_argument("--sample-seconds", type=float, help="how often a running build is sampled "
                    "(default: 30 s, 5 s under 100k decisions)")
    ap.add_argument("--reuse-run", action="store_true",
                    help="no builds and no update: measure search, cold start and the TUI on the run folder an "
                    "earlier run left (its FTS5 database, and arkisto's index as published: complete, or the "
                    "last checkpoint of a build killed at its timeout)")
    ap.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                    help="print the tables of these runs side by side and exit")
    args = ap.parse_args(argv)
    if args.compare:
        print(render_compare([json.loads(p.read_text()) for p in args.compare]))
        return 0
    out_path = args.out or HERE / "out" / f"bench-{args.n}.json"
    n, seed, k = args.n, args.seed, args.per_file
    limits = timeouts(n, args.build_timeout, args.fts_timeout)
    every = args.sample_seconds or (30.0 if n >= 100_000 else 5.0)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()

    run = workdir / f"run-n{n}-s{seed}-k{k}"
    docs = run / "docs"
    if args.reuse_run:
        if not (run / "index").is_dir():
            print(f"bench.py: {run} holds no index to reuse", file=sys.stderr)
            return 2
        how = "reused"
    else:
        src = corpus(workdir, n, seed, k, args.gen_workers)
        shutil.rmtree(run, ignore_errors=True)
        how = copy_corpus(src, docs)
    ix = run / "index"
    db = run / "fts.db"
    corpus_bytes = dir_size(docs)
    presenters, projects = generate.universe_size(n)
    result: dict = {
        "n": n, "seed": seed, "per_file": k, "files": generate.file_count(n, k), "corpus_mb": corpus_bytes / 2**20,
        "universe": {"presenters": presenters, "projects": projects, "committees": len(generate.COMMITTEES)},
        "corpus_copy": how,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join([os.path.relpath(PY), *(sys.argv[1:] if argv is None else argv)]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "platform": platform.platform()},
        "load": {"start": [round(x, 2) for x in load_start], "phases": []},
        "limits": limits,
        "status": "running",
        "arkisto": {}, "fts5": {}, "checks": [],
    }
    A, F = result["arkisto"], result["fts5"]
    checks = result["checks"]
    result["source"] = source_state()

    def check(ok: bool, what: str) -> None:
        checks.append({"ok": bool(ok), "what": what})
        log(("ok: " if ok else "FAILED: ") + what)

    def phase(name: str) -> None:
        """Save what is measured so far (a run stopped halfway keeps it) and
        note the load as the next phase starts."""
        result["load"]["phases"].append({"phase": name, "at": time.strftime("%H:%M:%S"),
                                         "load": [round(x, 2) for x in os.getloadavg()]})
        result["status"] = f"running: {name}"
        save(result, out_path)
        log(f"{name} (load {os.getloadavg()[0]:.2f}) …")

    if args.reuse_run:
        ark_ok, fts_ok = reused(result, ix, db)
    else:
        ark_ok, fts_ok = full_builds(result, n, k, run, docs, ix, db, limits, every, corpus_bytes, phase, check)

    # Search latency (in process, interleaved) ----------------------------------------
    from arkisto.search.analysis import backend_name

    result["machine"]["analyzer"] = backend_name()
    queries = generate.make_queries(seed, args.queries, n)
    phase(f"search: {len(queries)} queries")
    svc = conn = None
    if ark_ok:
        from arkisto.search.service import SearchService

        t0 = time.perf_counter()
        svc = SearchService(ix)
        A["open_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        svc.search("hankkeen", limit=20)
        A["first_search_ms"] = (time.perf_counter() - t0) * 1000  # facet cache, analyser load
    if fts_ok:
        t0 = time.perf_counter()
        conn = sqlite_fts.connect(db)
        F["open_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        sqlite_fts.search(conn, ["hankkeen"])
        F["first_search_ms"] = (time.perf_counter() - t0) * 1000
    for w in ("päätös", "avustusta", "kaupunginhallitus", '"asemakaavan muutos"', "koulu"):
        if svc is not None:
            try:
                svc.search(w, limit=20)
            except Exception:
                pass
        if conn is not None:
            sqlite_fts.search(conn, w.strip('"').split(), phrase=w.startswith('"'))

    per_query = []
    for q in queries if (svc is not None or conn is not None) else []:
        row = {"kind": q["kind"], "text": q["text"], "filters": q["filters"]}
        if svc is not None:
            t0 = time.perf_counter()
            try:
                res = svc.search(q["text"], filters=q["filters"] or None, limit=20)
                row["arkisto_ms"] = (time.perf_counter() - t0) * 1000
                row["arkisto_total"] = res.total
                row["arkisto_hits"] = len(res.hits)
            except Exception as exc:  # report, never stop the run
                row["arkisto_ms"] = None
                row["arkisto_error"] = f"{type(exc).__name__}: {exc}"
        if conn is not None:
            t0 = time.perf_counter()
            fres = sqlite_fts.search(conn, q["words"], phrase=q["phrase"], filters=q["filters"], limit=20)
            row["fts5_ms"] = (time.perf_counter() - t0) * 1000
            row["fts5_total"] = fres["total"]
        per_query.append(row)
    result["queries"] = per_query
    if svc is not None:
        errors = [r for r in per_query if r.get("arkisto_error")]
        A["search_errors"] = len(errors)
        if errors:
            log(f"arkisto: {len(errors)} of {len(per_query)} queries raised, e.g. {errors[0]['text']!r}: "
                f"{errors[0]['arkisto_error']}")
        check(not errors, f"arkisto answered {len(per_query) - len(errors)} of {len(per_query)} queries without error")
    kinds = ["all"] + list(dict.fromkeys(q["kind"] for q in queries))
    for name, key, tot_key, live in (("arkisto", "arkisto_ms", "arkisto_total", svc is not None),
                                     ("fts5", "fts5_ms", "fts5_total", conn is not None)):
        if not live:
            continue
        lat = {}
        for kind in kinds:
            rows = [r for r in per_query if kind in ("all", r["kind"]) and r.get(key) is not None
                    and (svc is None or r.get("arkisto_ms") is not None)]
            vals = [r[key] for r in rows]
            lat[kind] = {"count": len(vals), "p50_ms": pct(vals, 50), "p95_ms": pct(vals, 95),
                         "mean_ms": statistics.fmean(vals) if vals else None,
                         "mean_total": statistics.fmean(r[tot_key] for r in rows) if rows else None}
        result[name]["search"] = lat
        log(f"search p50/p95 {name} {lat['all']['p50_ms']:.1f}/{lat['all']['p95_ms']:.1f} ms")
    if svc is not None:
        phase("projects")
        A["projects"] = projects_bench(svc)
        log(f"projects: first {A['projects']['first_ms']:.0f} ms (arrays built), list p50 "
            f"{A['projects']['list_p50_ms']:.1f} ms, filtered p50 {A['projects']['filtered_p50_ms']:.1f} ms, "
            f"programmes p50 {A['projects']['programmes_p50_ms']:.1f} ms, summa: search p50 "
            f"{A['projects']['amount_search_p50_ms']:.1f} ms")
        svc.close()
    if conn is not None:
        conn.close()

    # Cold start (fresh process to first result), interleaved ------------------------------
    phase("cold start")
    word = "hankkeen"
    a_runs, f_runs, a_ok, f_ok = [], [], False, False
    for _ in range(args.cold_runs):
        if ark_ok:
            r = run_measured([*ARKISTO, "search", word, "--json", "--index", str(ix)], timeout=limits["cold_s"])
            a_runs.append(r["wall_s"])
            a_ok = r["rc"] == 0 and (last_json(r["stdout"]) or {}).get("total", 0) > 0
        if fts_ok:
            r = run_measured([PY, str(HERE / "sqlite_fts.py"), "search", str(db), word], timeout=limits["cold_s"])
            f_runs.append(r["wall_s"])
            f_ok = r["rc"] == 0 and (last_json(r["stdout"]) or {}).get("total", 0) > 0
    if a_runs:
        A["cold_start_cli"] = {"median_s": statistics.median(a_runs), "runs_s": a_runs, "ok": a_ok,
                               "cmd": f"arkisto search {word} --json --index DIR"}
    if f_runs:
        F["cold_start_cli"] = {"median_s": statistics.median(f_runs), "runs_s": f_runs, "ok": f_ok,
                               "cmd": f"python benchmarks/sqlite_fts.py search DB {word}"}
    r = run_measured([PY, "-c", "pass"])
    result["machine"]["python_startup_s"] = r["wall_s"]
    log(f"cold start arkisto {statistics.median(a_runs) if a_runs else float('nan'):.2f} s, "
        f"fts5 {statistics.median(f_runs) if f_runs else float('nan'):.2f} s")

    # TUI ---------------------------------------------------------------------------------
    phase("tui")
    A["tui"] = tui_bench(ix, args.skip_tui, args.tui_queries, limits) if ark_ok else {
        "status": "not run (no arkisto index)"}
    log(f"tui: {A['tui'].get('status')}")

    # Incremental update ----------------------------------------------------------------------
    if args.reuse_run:
        return finish(result, out_path)
    changed, deleted = incremental_plan(n, seed, k)
    uni = generate.Universe.for_n(seed, n)
    for f in changed:
        generate.write_file(docs, seed, f, n, k, revision=1, uni=uni)
    for f in deleted:
        (docs / generate.file_path(f, n, k)).unlink()
    expected = n - len(deleted) * k
    result["incremental"] = {"files_changed": len(changed), "files_deleted": len(deleted),
                             "expected_doc_count": expected}
    if ark_ok:
        phase(f"arkisto: incremental ({len(changed)} changed, {len(deleted)} deleted files)")
        sampler = Sampler("arkisto update", every, docs, k, 0, ix)
        r = arkisto_index(docs, ix, limits["build_s"], sampler)
        A["incremental"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_mb": r["peak_rss_mb"],
                            "rc": r["rc"], "timed_out": r["timed_out"], "report": r["report"],
                            "index_mb": dir_size(ix) / 2**20,
                            "live_generation_mb": dir_size(live_generation(ix)) / 2**20, "samples": sampler.samples}
        rep = r["report"]
        check(rep.get("doc_count") == expected,
              f"arkisto after update holds {rep.get('doc_count')} (expected {expected})")
        check(rep.get("files_indexed") == len(changed) and rep.get("files_deleted") == len(deleted),
              f"arkisto update re-indexed {rep.get('files_indexed')} files and removed {rep.get('files_deleted')}"
              f" (expected {len(changed)}, {len(deleted)})")
        from arkisto.search.service import SearchService

        svc = SearchService(ix)
        try:
            revised = svc.search('"korjattu versio"', limit=0).total
            check(revised == len(changed) * k, f"arkisto: '\"korjattu versio\"' finds {revised} revised records "
                  f"(expected {len(changed) * k})")
            check(svc.doc_count() == expected, f"arkisto searcher sees {svc.doc_count()} docs (expected {expected})")
            A["incremental"]["revised_found"] = revised
        finally:
            svc.close()

    if fts_ok:
        phase("fts5: incremental")
        r = run_measured([PY, str(HERE / "sqlite_fts.py"), "update", str(db), str(docs)], timeout=limits["fts_s"])
        rep = last_json(r["stdout"]) or {}
        F["incremental"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_mb": r["peak_rss_mb"],
                            "rc": r["rc"], "report": rep}
        F["db"] = str(db)
        check(rep.get("doc_count") == expected,
              f"fts5 after update holds {rep.get('doc_count')} (expected {expected})")
        conn = sqlite_fts.connect(db)
        revised = sqlite_fts.search(conn, ["korjattu", "versio"], phrase=True, limit=0)["total"]
        conn.close()
        check(revised == len(changed) * k, f"fts5: \"korjattu versio\" finds {revised} (expected {len(changed) * k})")

    return finish(result, out_path)


def finish(result: dict, out_path: Path) -> int:
    """The table, printed and saved with the load at the end."""
    result["load"]["end"] = [round(x, 2) for x in os.getloadavg()]
    result["status"] = "complete"
    result["table"] = table_rows(result)
    save(result, out_path)
    print(render_table(result))
    log(f"wrote {out_path}")
    return 0 if all(c["ok"] for c in result["checks"]) else 1


def full_builds(result: dict, n: int, k: int, run: Path, docs: Path, ix: Path, db: Path, limits: dict,
                every: float, corpus_bytes: int, phase, check) -> tuple[bool, bool]:
    """Both full builds, FTS5 first (so that its figures exist even if
    arkisto's does not finish); whether each holds all N records."""
    A, F = result["arkisto"], result["fts5"]
    phase(f"fts5: full build of {n} decisions")
    sampler = Sampler("fts5 build", every, docs, k, corpus_bytes)
    r = run_measured([PY, str(HERE / "sqlite_fts.py"), "build", str(db), str(docs)], timeout=limits["fts_s"],
                     sampler=sampler)
    rep = last_json(r["stdout"]) or {}
    F["build"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "docs_per_s": n / r["wall_s"],
                  "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"], "timed_out": r["timed_out"], "report": rep,
                  "index_mb": sum(os.path.getsize(p) for p in run.glob("fts.db*")) / 2**20,
                  "samples": sampler.samples}
    fts_ok = rep.get("doc_count") == n
    log(f"fts5: build {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB"
        + (f" (killed at the {limits['fts_s']:.0f} s timeout)" if r["timed_out"] else ""))
    check(fts_ok, f"fts5 full build holds {rep.get('doc_count')} of {n}")

    phase(f"arkisto: full build of {n} decisions")
    sampler = Sampler("arkisto build", every, docs, k, corpus_bytes, ix)
    r = arkisto_build(docs, ix, limits["build_s"], sampler, run / "arkisto-build.log", every)
    A["build"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "docs_per_s": n / r["wall_s"],
                  "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"], "timed_out": r["timed_out"], "report": r["report"],
                  "index_mb": dir_size(ix) / 2**20, "live_generation_mb": dir_size(live_generation(ix)) / 2**20,
                  "problems": r["problems"], "samples": sampler.samples}
    if r["rc"] != 0:
        A["build"]["stderr"] = r["stderr"][-3000:]
    log(f"arkisto: build {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, report {r['report']}")
    ark_ok = r["rc"] == 0 and r["report"].get("doc_count") == n
    check(ark_ok, f"arkisto full build holds {r['report'].get('doc_count')} of {n}"
          + (f" (killed at the {limits['build_s']:.0f} s timeout)" if r["timed_out"] else ""))
    return ark_ok, fts_ok


def reused(result: dict, ix: Path, db: Path) -> tuple[bool, bool]:
    """The index and database an earlier run left; the records each holds
    (a killed build's last checkpoint holds fewer than N) go in the table."""
    from arkisto.search.service import SearchService

    ark = fts = None
    try:
        svc = SearchService(ix)
        ark = svc.doc_count()
        svc.close()
    except Exception as exc:
        log(f"arkisto: the index does not open: {type(exc).__name__}: {exc}")
    if db.exists():
        conn = sqlite3.connect(str(db))
        fts = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        conn.close()
    result["arkisto"]["doc_count"], result["fts5"]["doc_count"] = ark, fts
    log(f"reusing {ix.parent}: arkisto's index holds {ark} records, FTS5's {fts}")
    return bool(ark), bool(fts)


def save(result: dict, out_path: Path) -> None:
    """Write the JSON (through a temporary file: a reader never sees half)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if result.get("status") != "complete":
        result["table"] = table_rows(result)
    tmp = out_path.with_name(out_path.name + ".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    os.replace(tmp, out_path)


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
    """The table's rows; a phase that did not run (a build killed at its
    timeout, a run stopped halfway) leaves its cells empty."""
    A, F = res["arkisto"], res["fts5"]
    rows = []

    def add(metric, a, f, fmt="{:.2f}"):
        ratio = (a / f) if (isinstance(a, (int, float)) and isinstance(f, (int, float)) and f) else None
        rows.append({"metric": metric, "arkisto": a, "fts5": f, "ratio": ratio, "fmt": fmt})

    def done(build: dict) -> dict:
        return build if build.get("rc") == 0 else {}

    ab, fb = done(A.get("build", {})), done(F.get("build", {}))
    add("full build, wall (s)", ab.get("wall_s"), fb.get("wall_s"), "{:.1f}")
    add("full build, docs/s", ab.get("docs_per_s"), fb.get("docs_per_s"), "{:.0f}")
    add("full build, peak RSS (MB)", ab.get("peak_rss_mb"), fb.get("peak_rss_mb"), "{:.0f}")
    add("index size on disk (MB)", ab.get("index_mb"), fb.get("index_mb"), "{:.1f}")
    inc_a, inc_f = A.get("incremental", {}), F.get("incremental", {})
    add("incremental: 100 changed + 10 deleted files (s)", inc_a.get("wall_s"), inc_f.get("wall_s"), "{:.2f}")
    db = F.get("db")
    add("index dir after update, all generations (MB)", inc_a.get("index_mb"),
        sum(os.path.getsize(p) for p in Path(db).parent.glob("fts.db*")) / 2**20 if db else None, "{:.1f}")
    add("live generation after update (MB)", inc_a.get("live_generation_mb"), None, "{:.1f}")
    if A.get("doc_count") is not None or F.get("doc_count") is not None:
        add("records in the index searched", A.get("doc_count"), F.get("doc_count"), "{:,}")
    AS, FS = A.get("search", {}), F.get("search", {})
    for kind, label in (("all", "all"), ("word1", "1 word"), ("word2", "2 words"), ("word3", "3 words"),
                        ("phrase", "phrase"), ("filtered", "year+committee filter")):
        a, f = AS.get(kind) or {}, FS.get(kind) or {}
        if not a and not f:
            continue
        add(f"search p50 (ms), {label} ({(a or f)['count']})", a.get("p50_ms"), f.get("p50_ms"), "{:.1f}")
        add(f"search p95 (ms), {label}", a.get("p95_ms"), f.get("p95_ms"), "{:.1f}")
    if AS or FS:
        add("mean matches per query (all)", (AS.get("all") or {}).get("mean_total"),
            (FS.get("all") or {}).get("mean_total"), "{:.0f}")
    add("first search after open, in process (ms)", A.get("first_search_ms"), F.get("first_search_ms"), "{:.0f}")
    add("cold start CLI, fresh process to result (s)", A.get("cold_start_cli", {}).get("median_s"),
        F.get("cold_start_cli", {}).get("median_s"), "{:.2f}")
    tui = A.get("tui", {})
    if tui.get("status") == "ok":
        k = tui["keystroke_to_results_ms"]
        add("TUI cold start: fresh process to painted results (s)*", tui.get("cold_start_est_s"), None, "{:.2f}")
        add("TUI: launch → first paint, in process (ms)", tui["launch_to_first_paint_ms"], None, "{:.0f}")
        add("TUI: launch → first results, in process (ms)", tui["launch_to_first_results_ms"], None, "{:.0f}")
        add(f"TUI: keystroke → painted results, median (ms, n={k['n']})", k["median"], None, "{:.0f}")
        add("TUI: keystroke → painted results, p95 (ms)", k["p95"], None, "{:.0f}")
        held = tui.get("screen_thread_per_result_ms")  # (an older bench_tui.py's results have none)
        if held:
            add("TUI: UI thread held per result, p95 (ms)", held["p95"], None, "{:.0f}")
    else:
        add("TUI: cold start / keystroke to paint", tui.get("status", "not run"), None, "{}")
    return rows


def _cell(r: dict, v) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return r["fmt"].format(v)


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}×" if x >= 1 else f"{x:.2g}×"


def _n_label(n: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def _build_notes(res: dict) -> list[str]:
    """What a table cell cannot say: a build that failed or was killed, the
    last sample of it, and how far it got."""
    out = []
    for name in ("arkisto", "fts5"):
        b = res[name].get("build")
        if not b or b.get("rc") == 0:
            continue
        why = f"killed at the {res.get('limits', {}).get('build_s' if name == 'arkisto' else 'fts_s', 0):.0f} s " \
              f"timeout" if b.get("timed_out") else f"exit {b.get('rc')}"
        line = f"{name} full build did not finish ({why}, after {b['wall_s']:.0f} s, peak RSS {b['peak_rss_mb']:.0f} MB)"
        last = (b.get("samples") or [None])[-1]
        if last:
            line += (f"; last sample at {last['t_s']:.0f} s: memory {last['pss_mb']:.0f} MB, "
                     f"about {last.get('records_est', 0)} records done")
        out.append(line)
    return out


def render_table(res: dict) -> str:
    load = res.get("load", {})
    lines = [
        f"N = {res['n']:,} decisions ({res['files']:,} files, {res['corpus_mb']:.1f} MB), seed {res['seed']}, "
        f"analyzer {res['machine'].get('analyzer')}, SQLite {res['machine']['sqlite']}, "
        f"{res['machine']['cpus']} CPUs; arkisto at {res['source']['head']}"
        + (f" + uncommitted changes in {', '.join(res['source']['dirty'])}" if res["source"]["dirty"] else ""),
    ]
    if res.get("universe"):
        u = res["universe"]
        lines.append(f"{u['committees']} committees, {u['presenters']:,} presenters, {u['projects']:,} funded projects")
    if load.get("start"):
        lines.append("load average (1/5/15 min) at start " + " / ".join(f"{x:.2f}" for x in load["start"])
                     + (", at end " + " / ".join(f"{x:.2f}" for x in load["end"]) if load.get("end") else ""))
    lines += [
        "",
        "| metric | arkisto | FTS5 | ratio |",
        "|---|---:|---:|---:|",
    ]
    for r in res["table"]:
        lines.append(f"| {r['metric']} | {_cell(r, r['arkisto'])} | {_cell(r, r['fts5'])} | {_ratio(r['ratio'])} |")
    bad = [c for c in res["checks"] if not c["ok"]]
    if res["arkisto"].get("tui", {}).get("status") == "ok":
        t = res["arkisto"]["tui"]
        lines.append("")
        lines.append(f"* interpreter start {t['python_start_s']:.2f} s + importing the TUI {t['import_s']:.2f} s "
                     f"+ launch → first results {t['launch_to_first_results_ms'] / 1000:.2f} s "
                     "(benchmarks/bench_tui.py, headless, its own typed queries)")
    notes = _build_notes(res)
    if notes:
        lines.append("")
        lines += notes
    lines.append("")
    lines.append(f"checks: {len(res['checks']) - len(bad)} of {len(res['checks'])} passed")
    for c in bad:
        lines.append(f"  FAILED: {c['what']}")
    if res["arkisto"].get("search_errors"):
        errs = [q for q in res["queries"] if q.get("arkisto_error")]
        lines.append(f"  arkisto search errors ({len(errs)}): " + "; ".join(
            f"{q['text']!r}: {q['arkisto_error']}" for q in errs[:5]))
    return "\n".join(lines)


def _metric_key(metric: str) -> str:
    """A row's name without the counts that differ between runs ("(70)", "n=60")."""
    import re

    return re.sub(r" \((\d+)\)|, n=\d+", "", metric)


def render_compare(results: list[dict]) -> str:
    """Several runs' tables side by side, one column group per run (10k,
    100k, 1M …), rows in the order they first appear."""
    results = sorted(results, key=lambda r: r["n"])
    order: list[str] = []
    cells: dict[str, dict[int, dict]] = {}
    for i, res in enumerate(results):
        for r in res.get("table") or table_rows(res):
            key = _metric_key(r["metric"])
            if key not in cells:
                order.append(key)
                cells[key] = {}
            cells[key][i] = r
    head = "| metric | " + " | ".join(f"{_n_label(r['n'])} arkisto | {_n_label(r['n'])} FTS5 | ratio"
                                      for r in results) + " |"
    lines = [head, "|---|" + "---:|---:|---:|" * len(results)]
    for key in order:
        row = [key]
        for i in range(len(results)):
            r = cells[key].get(i)
            row += [_cell(r, r["arkisto"]), _cell(r, r["fts5"]), _ratio(r["ratio"])] if r else ["–", "–", "–"]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for res in results:
        load = res.get("load", {})
        lines.append(f"{_n_label(res['n'])}: arkisto at {res['source']['head']}, {res.get('when', '?')}"
                     + (", load at start " + " / ".join(f"{x:.2f}" for x in load["start"]) if load.get("start") else "")
                     + (", at end " + " / ".join(f"{x:.2f}" for x in load["end"]) if load.get("end") else "")
                     + (f"; {res['command']}" if res.get("command") else ""))
        lines += [f"  {x}" for x in _build_notes(res)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
