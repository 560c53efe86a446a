"""Where arkisto's time goes: cProfile of searches and of a full build.

    .venv/bin/python benchmarks/prof_arkisto.py search INDEX_DIR [--count 50] [--top 40]
    .venv/bin/python benchmarks/prof_arkisto.py build DOCS_DIR [--top 40]
    .venv/bin/python benchmarks/prof_arkisto.py breakdown INDEX_DIR

``breakdown`` runs the whole query set without a profiler (cProfile inflates
Whoosh's many small calls several times) and times the parts of
``SearchService.search`` by wrapping them: ms per search and share of the
total, per query kind.

``search`` opens the index, warms up (facet cache, analyser) outside the
profile, then profiles ``count`` queries of ``generate.make_queries`` (every
4th of the set, so all kinds are in it) through ``SearchService.search``
with limit=20.  ``build`` profiles ``index_paths(DOCS_DIR, <temp dir>)``.
Both print the top functions by cumulative and by own time, and save the
raw profile to benchmarks/out/profile-{search,build}.prof (open it with
``python -m pstats`` or snakeviz).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def report(prof: cProfile.Profile, top: int, wall: float, out: Path) -> None:
    prof.dump_stats(str(out))
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(key).print_stats(top)
        text = buf.getvalue()
        # Shorter paths: site-packages/whoosh/… and src/arkisto/….
        for marker in ("site-packages/", "/src/"):
            text = "\n".join(
                (line[:line.find(" ", 40)] + " " + line[line.find(marker) + len(marker):]
                 if marker in line and line.find(" ", 40) < line.find(marker) else line)
                for line in text.splitlines())
        print(f"\n=== by {key} (wall {wall:.2f} s under the profiler) ===")
        print(text[text.find("   ncalls"):] if "   ncalls" in text else text)


def profile_search(index_dir: str, count: int, top: int) -> None:
    from arkisto.search.service import SearchService

    svc = SearchService(index_dir)
    svc.search("hankkeen", limit=20)
    for w in ("päätös", "avustusta", '"asemakaavan muutos"'):
        svc.search(w, limit=20)
    queries = generate.make_queries(1)[::4][:count]
    errors = 0
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for q in queries:
        try:
            svc.search(q["text"], filters=q["filters"] or None, limit=20)
        except Exception:
            errors += 1
    prof.disable()
    wall = time.perf_counter() - t0
    print(f"{len(queries)} searches on {svc.doc_count()} docs, {errors} raised; "
          f"{wall / len(queries) * 1000:.1f} ms per search under the profiler")
    report(prof, top, wall, HERE / "out" / "profile-search.prof")


def profile_build(docs_dir: str, top: int) -> None:
    from arkisto.search.indexer import index_paths

    with tempfile.TemporaryDirectory(dir=str(HERE / "out")) as tmp:
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        rep = index_paths([docs_dir], Path(tmp) / "ix")
        prof.disable()
        wall = time.perf_counter() - t0
    print(f"build: {rep.records} records, {rep.doc_count} docs; {wall:.1f} s under the profiler")
    report(prof, top, wall, HERE / "out" / "profile-build.prof")


def breakdown(index_dir: str) -> None:
    import functools
    from collections import defaultdict

    from arkisto.search import engine as engine_mod
    from arkisto.search import service as service_mod
    from arkisto.search.service import SearchService

    spent: dict[str, float] = defaultdict(float)
    depth = [0]

    def timed(name, fn, nested: bool):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                # Top-level parts: only when called directly from search();
                # nested ones (shown with ↳) wherever they run.
                if nested or depth[0] == 2:
                    spent[name] += time.perf_counter() - t0
                depth[0] -= 1
        return wrapper

    parts = [
        (SearchService, "_resolve", "_resolve: plan the query, run it (matches + scores)", False),
        (SearchService, "plan", "↳ plan: parse + analysis + ä/ö variants", True),
        (engine_mod.Engine, "run", "↳ Engine.run: one walk of the plan, matches and scores", True),
        (engine_mod.Engine, "phrase", "  ↳ Engine.phrase: position keys, intersections", True),
        (SearchService, "_ranked", "_ranked: top 20 by score (or date order)", False),
        (engine_mod.FacetArrays, "counts", "facet counts (FacetArrays.counts, bincount)", False),
        (SearchService, "_hit", "_hit: load record + snippet", False),
        (service_mod, "_facet", "_facet: sort/trim facet values", False),
        (engine_mod.Engine, "_read", "↳ Engine._read: posting blocks (unpickle + inflate), cache misses", True),
    ]
    for owner, attr, label, nested in parts:
        setattr(owner, attr, timed(label, getattr(owner, attr), nested))

    svc = SearchService(index_dir)
    for w in ("hankkeen", "päätös", "avustusta", '"asemakaavan muutos"'):
        svc.search(w, limit=20)
    queries = generate.make_queries(1)
    by_kind: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    for q in queries:
        before = dict(spent)
        depth[0] = 1  # search() itself is at depth 1
        t0 = time.perf_counter()
        try:
            svc.search(q["text"], filters=q["filters"] or None, limit=20)
        except Exception:
            pass
        total = time.perf_counter() - t0
        depth[0] = 0
        counts[q["kind"]] += 1
        counts["all"] += 1
        for key in ("all", q["kind"]):
            by_kind[key]["search (total)"] += total
            for name, v in spent.items():
                by_kind[key][name] += v - before.get(name, 0.0)
    names = [label for _o, _a, label, _n in parts]
    top_names = [label for _o, _a, label, nested in parts if not nested]
    print(f"{len(queries)} searches on {svc.doc_count()} docs; ms per search (share of search total)")
    kinds = list(counts)
    print("| part | " + " | ".join(f"{k} ({counts[k]})" for k in kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for name in ["search (total)"] + names + ["rest of search() (its own code)"]:
        cells = []
        for k in kinds:
            tot = by_kind[k]["search (total)"]
            if name == "rest of search() (its own code)":
                v = tot - sum(by_kind[k][n] for n in top_names)
            else:
                v = by_kind[k][name]
            cells.append(f"{v / counts[k] * 1000:.1f} ({v / tot * 100:.0f}%)" if tot else "–")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["search", "build", "breakdown"])
    ap.add_argument("path")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    (HERE / "out").mkdir(exist_ok=True)
    if args.what == "breakdown":
        breakdown(args.path)
    elif args.what == "search":
        profile_search(args.path, args.count, args.top)
    else:
        profile_build(args.path, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
