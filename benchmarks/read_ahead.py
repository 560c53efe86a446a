"""What reading a query ahead saves its search: not a test.

    .venv/bin/python benchmarks/read_ahead.py INDEX [--queries 40]

Types nothing: for each of ``bench_tui.py``'s typed queries, in one
process, searches the empty query (as the TUI does between queries in
``bench_tui.py``), then, with ``--ahead``, calls
``SearchService.read_ahead`` on the query (what the TUI does while the
typing debounce runs) and times it, then times the search (a page of 20
with the first 12 snippets, as at 160×48).  Run it once without and once
with ``--ahead`` and compare the search times (median / p95 / max)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import pct, queries  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index", type=Path)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--ahead", action="store_true", help="read each query ahead of its search")
    args = ap.parse_args(argv)
    from arkisto.search.service import SearchService

    searched, ahead = [], []
    with SearchService(args.index) as svc:
        svc.warm()
        svc.search("", limit=20, snippets=12)
        for q in queries(args.queries):
            if args.ahead:
                t = time.perf_counter()
                svc.read_ahead(q)
                ahead.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            svc.search(q, limit=20, snippets=12)
            searched.append((time.perf_counter() - t) * 1000)
            svc.search("", limit=20, snippets=12)

    def row(v: list[float]) -> str:
        return f"{statistics.median(v):.1f} / {pct(v, 95):.1f} / {max(v):.1f} ms"

    print(f"search (median / p95 / max)      {row(searched)}")
    if ahead:
        print(f"read ahead (median / p95 / max)  {row(ahead)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
