"""Search latency on an existing index, in one process: bench.py's query set
without building anything (for the 1M index, whose build is its own run).

    .venv/bin/python benchmarks/search_index.py INDEX_DIR [--n 1000000] [--out FILE]

Opens ``SearchService(INDEX_DIR)``, searches ``hankkeen`` once (the time
to open and answer the first search is reported), then runs the 220 queries
of ``generate.make_queries(1, 220, n)`` (``n`` picks the corpus's universe:
the presenters' names of a corpus of that size) with ``limit=20``, each
once, and prints p50 / p95 / max per query kind and for every 4th query
(the 55 an earlier 1M measurement used) as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index")
    ap.add_argument("--n", type=int, default=1_000_000, help="the corpus's size, for its universe of names")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    import numpy as np

    from arkisto.search.service import SearchService

    t0 = time.perf_counter()
    svc = SearchService(args.index)
    svc.search("hankkeen", limit=20)
    first = time.perf_counter() - t0
    rows = []
    for i, q in enumerate(generate.make_queries(1, 220, args.n)):
        t = time.perf_counter()
        svc.search(q["text"], filters=q["filters"] or None, limit=20)
        rows.append((q["kind"], (time.perf_counter() - t) * 1000, i))

    def stats(values: list[float]) -> dict:
        return {"count": len(values), "p50_ms": round(float(np.percentile(values, 50)), 1),
                "p95_ms": round(float(np.percentile(values, 95)), 1), "max_ms": round(max(values), 1)}

    out: dict = {"index": args.index, "open_and_first_ms": round(first * 1000, 1)}
    for kind in ("all", "word1", "word2", "word3", "phrase", "filtered"):
        out[kind] = stats([ms for k, ms, _i in rows if kind in ("all", k)])
    out["every_4th"] = stats([ms for _k, ms, i in rows if i % 4 == 0])
    text = json.dumps(out, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
