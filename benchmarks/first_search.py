"""The first search of each word in a fresh process, on real documents:
what a user waits for when the words and the records are new to the
process (the analyser's caches are empty).  Not a test.

    .venv/bin/python benchmarks/first_search.py INDEX_DIR [WORD ...]

Opens ``SearchService(INDEX_DIR)``, warms it as the TUI does
(``SearchService.warm``) and searches the empty query (each step timed:
``open_ms``, ``warm_ms``, ``empty_ms``), then searches each word once
(``limit=20``, as a TUI page) and prints, per word, the time, the hits
and how many words the analyser saw for the first time (most of them the
snippets' words), and the median and max, as JSON.  The default words are
of the bundled sample archive's topics.

``--snippets K`` asks for the first K hits' snippets only, as the TUI does
for the hits that fit on its screen (``search(snippets=K)``), and times
the rest (``fill_snippets``) apart, as ``later_ms``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

WORDS = ["avustus", "hanke", "päätös", "valtuusto", "talousarvio 2024", "liikunta", "kaavoitus",
         "koulu", "vuokrasopimus", "tilinpäätös"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index")
    ap.add_argument("words", nargs="*", default=WORDS)
    ap.add_argument("--snippets", type=int, default=None, metavar="K",
                    help="snippets for the first K hits only, the rest timed apart")
    args = ap.parse_args(argv)
    kw = {} if args.snippets is None else {"snippets": args.snippets}
    from arkisto.search import analysis
    from arkisto.search.service import SearchService

    t0 = time.perf_counter()
    svc = SearchService(args.index)
    t1 = time.perf_counter()
    warm = getattr(svc, "warm", None)
    if warm is not None:
        warm()
    t2 = time.perf_counter()
    svc.search("", limit=20)
    steps = {"open_ms": round((t1 - t0) * 1000, 1), "warm_ms": round((t2 - t1) * 1000, 1),
             "empty_ms": round((time.perf_counter() - t2) * 1000, 1)}
    rows = []
    for word in args.words:
        before = analysis._analyse_word.cache_info().misses
        t = time.perf_counter()
        res = svc.search(word, limit=20, **kw)
        ms = (time.perf_counter() - t) * 1000
        row = {"query": word, "ms": round(ms, 1), "hits": res.total,
               "new_words_analysed": analysis._analyse_word.cache_info().misses - before}
        if args.snippets is not None:
            t = time.perf_counter()
            svc.fill_snippets(res)
            row["later_ms"] = round((time.perf_counter() - t) * 1000, 1)
        rows.append(row)
    times = [r["ms"] for r in rows]
    print(json.dumps({"index": args.index, **steps, "median_ms": round(statistics.median(times), 1),
                      "max_ms": max(times), "searches": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
