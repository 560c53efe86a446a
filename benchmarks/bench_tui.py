"""TUI timings, headless (``App.run_test()``): not a test.

    .venv/bin/python benchmarks/bench_tui.py                 # synthetic corpus of 2000 decisions
    .venv/bin/python benchmarks/bench_tui.py --index DIR     # an existing index
    .venv/bin/python benchmarks/bench_tui.py --records 10000 --queries 100 --out FILE

Measures
  launch → first paint      constructing the app until the screen is up (before the index opens)
  launch → first results    until the first page of hits is painted
  keystroke → results       the last key of a typed query until its results are painted
                            (earlier keys' searches are still in flight), median and p95:
                            the hits that fit on the screen with their snippets, and the facets
  keystroke → whole page    until the snippets of the page's hits below the screen, which the
                            search leaves for after that paint, are painted too
  screen thread per result  the time ``SearchScreen.show_result`` holds the UI thread to
                            put a result on the screen (the list, the facets, the detail
                            pane's start), median and p95: while it runs no key is handled
  key → echo                every other key of a typed query until its character is painted in
                            the query field, median and p95 (with ``--key-interval``, typed
                            that many ms apart, as a person types: the backend searches
                            each text meanwhile)
  keystroke → results, in phases (median / p95 of each, per typed query):
    until the search starts   the backend's queue (and, in code before the search made
                              ahead while typing rests, the typing debounce)
    search                    ``Backend.search`` on the backend thread
    until it is shown         the rest of the typing debounce, if the search ended
                              within it, and the answer's way to the UI thread
    onto the screen           ``show_result``
    paint                     Textual's layout and rendering, until the refresh is done

Prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

COMMITTEES = ["Kaupunginhallitus", "Kaupunginvaltuusto", "Sivistyslautakunta", "Tekninen lautakunta",
              "Kasvatus- ja opetuslautakunta", "Ympäristölautakunta", "Hyvinvointilautakunta"]
PRESENTERS = ["Anna Virtanen", "Pekka Laine", "Satu Kankare", "Timo Halonen", "Mika Penttilä", "Liisa Korhonen"]
PROJECTS = ["VALSSI", "DigiOne", "Lukuliike", "Seikkaillen Päijät-Hämeessä", "Koululäsnäolon vahvistaminen"]
FUNDERS = ["OKM", "OPH", "AVI", "EU", "valtio"]
WORDS = ("hanke hankkeen hankkeet rahoitus rahoituksen talousarvio talousarvion kaava asemakaava katu kadun "
         "koulu koulun päiväkoti varhaiskasvatus kirjasto liikunta nuoriso avustus avustuksen sopimus "
         "sopimuksen hankinta hankinnan tilinpäätös toimintakertomus lausunto lausunnon valtuusto "
         "kehittäminen kehittämisen rakennus rakennuslupa vuokra vuokrasopimus henkilöstö palkkaus "
         "investointi määräraha määrärahan selvitys tiedoksi hyväksyminen muutos muutoksen").split()
OUTCOMES = ["approved", "amended", "noted", "tabled", "returned", "voted", "rejected"]


def synthetic_records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)

    def para(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."

    out = []
    for i in range(n):
        year = rng.choice(range(2017, 2026))
        projects = rng.sample(PROJECTS, rng.choice([0, 0, 1, 2]))
        out.append({
            "kind": "decision", "id": f"s{i}", "municipality": rng.choice(["Heinola", "Lapua", "Mikkeli", "Oulu"]),
            "committee": rng.choice(COMMITTEES), "meeting_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "section": str(rng.randint(1, 400)), "title": para(rng.randint(3, 8)).rstrip("."),
            "presenter": {"name": rng.choice(PRESENTERS)}, "proposal": para(rng.randint(15, 40)),
            "decision": para(rng.randint(5, 15)), "preparation": " ".join(para(rng.randint(20, 60)) for _ in range(3)),
            "outcome": rng.choice(OUTCOMES),
            "funded_projects": [{"name": p, "funder": rng.choice(FUNDERS)} for p in projects],
            "source": {"path": "synthetic.json", "format": "arkisto-json"},
        })
    return out


def build_index(records: int, where: Path) -> Path:
    from arkisto.search.indexer import index_paths

    archive = where / "archive"
    archive.mkdir(parents=True)
    (archive / "records.json").write_text(json.dumps(synthetic_records(records), ensure_ascii=False), encoding="utf-8")
    index_dir = where / "index"
    t0 = time.perf_counter()
    report = index_paths([archive], index_dir)
    print(f"built a synthetic index of {report.doc_count} records in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return index_dir


def queries(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 5 == 4:
            out.append(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")
        elif i % 7 == 6:
            out.append(f"{rng.choice(WORDS)} toimielin:{rng.choice(['kaupunginh', 'sivistys', 'tekninen'])}")
        else:
            out.append(rng.choice(WORDS))
    return out


# The keystroke's phases, in order (see the module's docstring).
PHASES = ("until the search starts", "search", "until it is shown", "onto the screen", "paint")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


async def measure(index_dir: Path, typed: list[str], size: tuple[int, int], first_timeout: float = 120,
                  key_timeout: float = 30, key_interval: float = 0.0) -> dict:
    """The timings; ``first_timeout`` and ``key_timeout`` bound the waits for
    the first results and for each query's (bench.py grows them with N);
    ``key_interval`` (seconds) is the time from one key to the next while a
    query is typed (0: at once)."""
    from textual import events

    from arkisto.tui.app import make_app
    from arkisto.tui.backend import Backend
    from arkisto.tui.screens.search import SearchScreen

    painted: list[tuple[str, float]] = []
    searched: list[tuple[str, float, float]] = []  # (query, start, end) on the backend thread
    shown: list[tuple[str, float, float]] = []  # (query, show_result called, returned)
    waiters: dict[str, asyncio.Event] = {}
    original = SearchScreen.show_result

    held: list[float] = []

    def show_result(self, res):  # record when each result's paint completes
        t = time.perf_counter()
        original(self, res)
        shown.append((res.query, t, time.perf_counter()))
        held.append((shown[-1][2] - t) * 1000)

        def stamp() -> None:
            painted.append((res.query, time.perf_counter()))
            ev = waiters.get(res.query)
            if ev is not None:
                ev.set()

        self.call_after_refresh(stamp)

    filled: dict[str, float] = {}
    original_fill = getattr(SearchScreen, "fill_snippets", None)  # (code before it has none)

    async def fill_snippets(self, req, res):  # when the page's later snippets are painted
        await original_fill(self, req, res)

        def stamp() -> None:
            filled[res.query] = time.perf_counter()

        self.call_after_refresh(stamp)

    original_search = Backend.search

    def search(self, req, *args, **kw):  # the search itself, on the backend thread
        t = time.perf_counter()
        try:
            return original_search(self, req, *args, **kw)
        finally:
            searched.append((req.query, t, time.perf_counter()))

    SearchScreen.show_result = show_result
    Backend.search = search
    if original_fill is not None:
        SearchScreen.fill_snippets = fill_snippets
    try:
        t0 = time.perf_counter()
        app = make_app(index_dir)
        async with app.run_test(size=size) as pilot:
            t_paint = time.perf_counter()
            deadline = time.monotonic() + first_timeout
            while not painted:
                screen = app.screen
                opening = any(w.group == "open" and w.is_running for w in app.workers)
                if (getattr(screen, "has_class", None) and screen.has_class("-message") and not opening
                        and screen.query_one("#message").has_class("-error")):
                    raise SystemExit(f"bench_tui: the app could not open the index: {screen.query_one('#message').render()}")
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench_tui: no results within {first_timeout:.0f} s")
                await asyncio.sleep(0.001)
            t_results = painted[0][1]
            latencies = []
            whole = []
            phases: dict[str, list[float]] = {k: [] for k in PHASES}
            echo: list[float] = []
            inp = app.screen.query_one("#query")
            for q in typed:
                if inp.value:  # back to the empty query, and wait for it to paint
                    ev = waiters.setdefault("", asyncio.Event())
                    ev.clear()
                    inp.value = ""
                    await asyncio.wait_for(ev.wait(), key_timeout)
                for ch in q[:-1]:
                    # The key as the terminal sends it (not Pilot.press, which
                    # also waits for the process to go idle), until the field
                    # holds it and the refresh after that is done.
                    t = time.perf_counter()
                    before = inp.value
                    app._driver.send_message(events.Key(ch if ch != " " else "space", ch))
                    while inp.value == before:
                        await asyncio.sleep(0)
                    shown_ev = asyncio.Event()
                    app.screen.call_after_refresh(shown_ev.set)
                    await asyncio.wait_for(shown_ev.wait(), key_timeout)
                    echo.append((time.perf_counter() - t) * 1000)
                    await asyncio.sleep(max(0.0, key_interval - (time.perf_counter() - t)))
                ev = waiters[q] = asyncio.Event()
                t_key = time.perf_counter()
                await pilot.press(q[-1])
                filled.pop(q, None)
                await asyncio.wait_for(ev.wait(), key_timeout)
                t_done = next(t for qq, t in reversed(painted) if qq == q)
                latencies.append((t_done - t_key) * 1000)
                s0, s1 = next((a, b) for qq, a, b in reversed(searched) if qq == q and a >= t_key)
                t_show, t_shown = next((a, b) for qq, a, b in reversed(shown) if qq == q)
                for name, a, b in zip(PHASES, (t_key, s0, s1, t_show, t_shown), (s0, s1, t_show, t_shown, t_done)):
                    phases[name].append((b - a) * 1000)
                del waiters[q]
                await app.workers.wait_for_complete()  # the page's later snippets, if any
                await pilot.pause()
                whole.append((filled.get(q, t_done) - t_key) * 1000)
            await app.workers.wait_for_complete()
            docs = app.backend.svc.doc_count()
    finally:
        SearchScreen.show_result = original
        Backend.search = original_search
        if original_fill is not None:
            SearchScreen.fill_snippets = original_fill
    return {
        "records": docs,
        "terminal": f"{size[0]}x{size[1]}",
        "launch_to_first_paint_ms": round((t_paint - t0) * 1000, 1),
        "launch_to_first_results_ms": round((t_results - t0) * 1000, 1),
        "keystroke_to_results_ms": {
            "n": len(latencies),
            "median": round(statistics.median(latencies), 1),
            "p95": round(pct(latencies, 95), 1),
            "max": round(max(latencies), 1),
        },
        "keystroke_to_whole_page_ms": {
            "n": len(whole),
            "median": round(statistics.median(whole), 1),
            "p95": round(pct(whole, 95), 1),
        },
        "screen_thread_per_result_ms": {
            "n": len(held),
            "median": round(statistics.median(held), 1),
            "p95": round(pct(held, 95), 1),
        },
        "key_interval_ms": round(key_interval * 1000),
        "key_to_echo_ms": {"n": len(echo), "median": round(statistics.median(echo), 1) if echo else None,
                           "p95": round(pct(echo, 95), 1) if echo else None},
        "keystroke_phases_ms": {name: {"median": round(statistics.median(v), 1), "p95": round(pct(v, 95), 1)}
                                for name, v in phases.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="an existing index (default: build a synthetic one)")
    ap.add_argument("--records", type=int, default=2000, help="records in the synthetic index")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--size", default="120x40", help="terminal size, WxH")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "bench_tui.json",
                    help="where the figures go as JSON (default: benchmarks/out/bench_tui.json, not tracked)")
    ap.add_argument("--first-results-timeout", type=float, default=120, metavar="S",
                    help="seconds to wait for the first results (default 120)")
    ap.add_argument("--key-interval", type=float, default=0, metavar="MS",
                    help="ms from one typed key to the next (default 0: at once)")
    ap.add_argument("--keystroke-timeout", type=float, default=30, metavar="S",
                    help="seconds to wait for a typed query's results (default 30)")
    args = ap.parse_args(argv)
    w, h = (int(x) for x in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="arkisto-bench-") as tmp:
        index_dir = args.index or build_index(args.records, Path(tmp))
        result = asyncio.run(measure(index_dir, queries(args.queries), (w, h), args.first_results_timeout,
                                     args.keystroke_timeout, args.key_interval / 1000))
    result["index"] = str(args.index) if args.index else f"synthetic ({args.records} records)"
    k = result["keystroke_to_results_ms"]
    rows = [
        ("records", f"{result['records']}"),
        ("launch → first paint", f"{result['launch_to_first_paint_ms']:.0f} ms"),
        ("launch → first results", f"{result['launch_to_first_results_ms']:.0f} ms"),
        (f"keystroke → results (median, n={k['n']})", f"{k['median']:.0f} ms"),
        ("keystroke → results (p95)", f"{k['p95']:.0f} ms"),
        ("keystroke → results (max)", f"{k['max']:.0f} ms"),
        ("keystroke → whole page (median / p95)",
         f"{result['keystroke_to_whole_page_ms']['median']:.0f} / {result['keystroke_to_whole_page_ms']['p95']:.0f} ms"),
        ("screen thread per result (median / p95)",
         f"{result['screen_thread_per_result_ms']['median']:.0f} / {result['screen_thread_per_result_ms']['p95']:.0f} ms"),
        (f"key → echo (median / p95, keys {args.key_interval:.0f} ms apart)",
         f"{result['key_to_echo_ms']['median']:.0f} / {result['key_to_echo_ms']['p95']:.0f} ms"),
        *((f"  {name} (median / p95)", f"{v['median']:.0f} / {v['p95']:.0f} ms")
          for name, v in result["keystroke_phases_ms"].items()),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>10}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
