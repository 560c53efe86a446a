"""Searches filtered by one facet value, each value's first, on an existing
index: what a click in the TUI's facet panel (or ``toimielin:…`` typed in
the query) waits for.  Not a test.

    .venv/bin/python benchmarks/facet_filters.py INDEX_DIR [--values 6]

Opens ``SearchService(INDEX_DIR)``, warms it as the TUI does, searches the
empty query, then for each of four facets searches the empty query
filtered by each of its first ``--values`` values (a TUI page: 20 hits, the
facets' first 200 values) and prints the median and max per facet.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

FACETS = ("committee", "year", "presenter", "funded_project")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index")
    ap.add_argument("--values", type=int, default=6, help="values per facet (default 6)")
    args = ap.parse_args(argv)
    from arkisto.search.service import SearchService

    svc = SearchService(args.index)
    svc.warm()
    gc.freeze()
    res = svc.search("", limit=20, facet_limit=200)
    for facet in FACETS:
        times, totals = [], []
        for v in [x.value for x in res.facets[facet].values[:args.values]]:
            t = time.perf_counter()
            r = svc.search("", filters={facet: [v]}, limit=20, facet_limit=200)
            times.append((time.perf_counter() - t) * 1000)
            totals.append(r.total)
        if times:
            print(f"{facet:15s} median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms "
                  f"({len(times)} values, {min(totals)}–{max(totals)} hits)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
