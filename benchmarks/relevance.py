"""Relevance benchmark: recall@10 and MRR per query type, per analyzer backend.

    .venv/bin/python benchmarks/relevance.py                      # all backends, whole corpus
    .venv/bin/python benchmarks/relevance.py --backends snowball voikko
    .venv/bin/python benchmarks/relevance.py --corpus DIR --set FILE --misses all

For each backend (snowball first: the baseline Helsinki's decision search
uses; then simplemma, the pip-only fallback; then voikko when libvoikko and
voikko-fi are installed) a worker subprocess sets ARKISTO_ANALYZER, indexes
the corpus into a temporary directory, runs every query of the judged set
(limit 10) through ``SearchService.search`` and reports, per query, the
rank of each relevant item it found.  The parent prints a table (rows:
query types and overall; columns: backend x {R@10, MRR}), the misses of the
best backend, and writes everything to benchmarks/out/relevance.json.

Judgments name items by a natural key, never by record id (ids depend on
the absolute path): ``<file basename> §<section>`` or ``<file basename>
#<record>`` (record = ``record.source.record``, the item's position in its
file; a file with one record and no index is ``#0``).  See
relevance_set.json.

recall@10 of a query = relevant items in the top 10 / min(|relevant|, 10);
MRR = 1 / rank of the first relevant item in the top 10, else 0.  A type's
figure is the mean over its queries; "overall" is the mean over all queries.

The evaluation functions (``item_keys``, ``evaluate``, ``summarise``) are
imported by tests/test_relevance.py, which runs them on a small judged subset
of the repository's test fixtures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = (REPO / ".." / "shared" / "corpus").resolve()
DEFAULT_SET = Path(__file__).resolve().parent / "relevance_set.json"
DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "relevance.json"
BACKENDS = ("snowball", "simplemma", "voikko")
TYPES = ("exact", "inflected", "compound", "name", "topic", "phrase")
LIMIT = 10


# --- evaluation (shared with tests/test_relevance.py) ------------------------------


def load_set(path: str | os.PathLike[str]) -> dict:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for q in doc["queries"]:
        if q["type"] not in TYPES:
            raise ValueError(f"{q['id']}: unknown type {q['type']!r}")
        for key in q["relevant"]:
            _parse_key(key)
    return doc


def _parse_key(key: str) -> tuple[str, str, str]:
    """'file.pdf §12' -> ('file.pdf', '§', '12'); 'decisions.json #3' -> (…, '#', '3')."""
    name, _, ref = key.rpartition(" ")
    if not name or len(ref) < 2 or ref[0] not in "§#":
        raise ValueError(f"bad item key {key!r}: want '<file basename> §<section>' or '<file basename> #<record>'")
    return name, ref[0], ref[1:]


def item_keys(record) -> set[str]:
    """Every natural key that names this record: by section and by position,
    in its file and in the other files it was merged from (``also``: the
    same decision in a bulletin and the API JSON is one record)."""
    keys: set[str] = set()
    section = getattr(record, "section", None)
    for src in [record.source, *getattr(record, "also", [])]:
        base = os.path.basename(src.path)
        keys.add(f"{base} #{src.record if src.record is not None else 0}")
        if section:
            keys.add(f"{base} §{section}")
    return keys


def resolve_keys(service, keys: set[str]) -> dict[str, int]:
    """How many indexed records each judged key names (should be exactly 1)."""
    counts = dict.fromkeys(keys, 0)
    for rec in service.records():
        for k in item_keys(rec):
            if k in counts:
                counts[k] += 1
    return counts


def evaluate(index_dir: str | os.PathLike[str], queries: list[dict], limit: int = LIMIT) -> dict:
    """Run every query against the index; per query the ranks of the
    relevant items found, the misses and the top hits.  Also checks that each
    judged key names exactly one record (``bad_keys``)."""
    from arkisto.search.service import SearchService

    svc = SearchService(index_dir)
    try:
        all_keys = {k for q in queries for k in q["relevant"]}
        counts = resolve_keys(svc, all_keys)
        bad = {k: n for k, n in counts.items() if n != 1}
        results = []
        for q in queries:
            res = svc.search(q["query"], limit=limit)
            relevant = list(dict.fromkeys(q["relevant"]))
            found: dict[str, int] = {}
            top = []
            first = None
            for rank, hit in enumerate(res.hits, 1):
                keys = item_keys(hit.record)
                match = [k for k in relevant if k in keys]
                top.append({"rank": rank, "key": " / ".join(sorted(keys)), "title": (hit.title or "")[:90],
                            "relevant": bool(match), "score": hit.score})
                for k in match:
                    found.setdefault(k, rank)
                if match and first is None:
                    first = rank
            denom = min(len(relevant), limit) or 1
            results.append({
                "id": q["id"], "type": q["type"], "query": q["query"],
                "recall": min(1.0, len(found) / denom),
                "rr": 1.0 / first if first else 0.0,
                "total": res.total,
                "found": found,
                "misses": [k for k in relevant if k not in found],
                "hints": res.hints,
                "top": top,
            })
    finally:
        svc.close()
    return {"queries": results, "bad_keys": bad}


def summarise(results: list[dict]) -> dict[str, dict[str, float]]:
    """Mean recall@10 and MRR per type and overall."""
    out: dict[str, dict[str, float]] = {}
    groups = {t: [r for r in results if r["type"] == t] for t in TYPES}
    groups["overall"] = list(results)
    for name, rs in groups.items():
        if not rs:
            continue
        out[name] = {
            "n": len(rs),
            "recall@10": sum(r["recall"] for r in rs) / len(rs),
            "mrr": sum(r["rr"] for r in rs) / len(rs),
        }
    return out


# --- one backend, in its own process ---------------------------------------------


def worker(backend: str, corpus: Path, set_path: Path) -> dict:
    """Index ``corpus`` with ``backend`` and evaluate.  Must run in a fresh
    process: the backend is chosen once per process from ARKISTO_ANALYZER."""
    os.environ["ARKISTO_ANALYZER"] = backend
    from arkisto.search import analysis

    if backend == "voikko" and not analysis.voikko_available():
        return {"backend": backend, "available": False, "reason": "libvoikko or voikko-fi not installed"}
    from arkisto.search.indexer import index_paths

    doc = load_set(set_path)
    with tempfile.TemporaryDirectory(prefix=f"arkisto-rel-{backend}-") as tmp:
        t0 = time.perf_counter()
        report = index_paths([corpus], Path(tmp) / "index", rebuild=True)
        t_index = time.perf_counter() - t0
        t0 = time.perf_counter()
        ev = evaluate(Path(tmp) / "index", doc["queries"])
        t_query = time.perf_counter() - t0
    return {
        "backend": backend,
        "available": True,
        "analyzer": analysis.analyzer_id(backend),
        "records": report.records,
        "index_seconds": round(t_index, 1),
        "query_seconds": round(t_query, 2),
        "summary": summarise(ev["queries"]),
        "bad_keys": ev["bad_keys"],
        "queries": ev["queries"],
    }


def run_backend(backend: str, corpus: Path, set_path: Path) -> dict:
    env = dict(os.environ, ARKISTO_ANALYZER=backend)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend,
           "--corpus", str(corpus), "--set", str(set_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"backend": backend, "available": False, "reason": f"worker failed: {proc.stderr.strip()[-2000:]}"}
    return json.loads(proc.stdout)


# --- report ----------------------------------------------------------------------


def table(runs: list[dict]) -> str:
    ok = [r for r in runs if r.get("available")]
    head1 = f"{'':<10}" + "".join(f"  {r['backend']:^15}" for r in ok)
    head2 = f"{'type':<10}" + "".join(f"  {'R@10':>7}{'MRR':>8}" for _ in ok)
    lines = [head1, head2, "-" * len(head2)]
    for name in (*TYPES, "overall"):
        if name == "overall":
            lines.append("-" * len(head2))
        n = next((r["summary"][name]["n"] for r in ok if name in r["summary"]), 0)
        row = f"{name + f' ({n})':<10}"
        for r in ok:
            s = r["summary"].get(name)
            row += f"  {s['recall@10']:>7.3f}{s['mrr']:>8.3f}" if s else f"  {'-':>7}{'-':>8}"
        lines.append(row)
    return "\n".join(lines)


def markdown_table(runs: list[dict]) -> str:
    ok = [r for r in runs if r.get("available")]
    head = "| type (queries) | " + " | ".join(f"{r['backend']} R@10 | {r['backend']} MRR" for r in ok) + " |"
    sep = "|---|" + "---:|---:|" * len(ok)
    rows = [head, sep]
    for name in (*TYPES, "overall"):
        n = next((r["summary"][name]["n"] for r in ok if name in r["summary"]), 0)
        cells = []
        for r in ok:
            s = r["summary"].get(name)
            cells += [f"{s['recall@10']:.3f}", f"{s['mrr']:.3f}"] if s else ["-", "-"]
        label = f"**{name}** ({n})" if name == "overall" else f"{name} ({n})"
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def misses_report(run: dict, show_all: bool = False) -> str:
    lines = [f"Queries below 1.0 recall@10 or MRR on {run['backend']}:"]
    bad = [q for q in run["queries"] if q["recall"] < 1.0 or q["rr"] < 1.0]
    if not bad:
        lines.append("  (none)")
    for q in bad:
        ranks = ", ".join(f"{k} @{r}" for k, r in q["found"].items()) or "-"
        lines.append(f"  [{q['id']}] {q['query']}  R@10={q['recall']:.2f} RR={q['rr']:.2f} matches={q['total']}")
        lines.append(f"      found: {ranks}")
        for m in q["misses"]:
            lines.append(f"      MISS:  {m}")
        if q["hints"]:
            lines.append(f"      hints: {'; '.join(q['hints'])}")
        above = [t for t in q["top"] if not t["relevant"]]
        first = min(q["found"].values()) if q["found"] else None
        for t in above[: (3 if not show_all else 10)]:
            if first is None or t["rank"] < first or show_all:
                lines.append(f"      #{t['rank']} (not judged relevant) {t['key']}: {t['title']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"folder to index (default {DEFAULT_CORPUS})")
    ap.add_argument("--set", dest="set_path", type=Path, default=DEFAULT_SET, help="judged queries (JSON)")
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS,
                    help="analyzers to compare, in column order (default: snowball simplemma voikko)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default benchmarks/out/relevance.json)")
    ap.add_argument("--misses", choices=("best", "all", "none"), default="best",
                    help="list per-query misses for the best backend (default), every backend, or none")
    ap.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        json.dump(worker(args.worker, args.corpus, args.set_path), sys.stdout)
        return 0

    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (use --corpus DIR)", file=sys.stderr)
        return 2
    doc = load_set(args.set_path)
    backends = list(dict.fromkeys(args.backends))
    if "snowball" in backends:  # the baseline always comes first
        backends.remove("snowball")
        backends.insert(0, "snowball")
    runs = []
    for b in backends:
        print(f"{b}: indexing {args.corpus} and running {len(doc['queries'])} queries …", file=sys.stderr)
        runs.append(run_backend(b, args.corpus, args.set_path))
    ok = [r for r in runs if r.get("available")]
    for r in runs:
        if not r.get("available"):
            print(f"{r['backend']}: not run ({r.get('reason')})", file=sys.stderr)
    if not ok:
        return 1
    for r in ok:
        if r["bad_keys"]:
            print(f"WARNING {r['backend']}: judged keys that do not name exactly one record: {r['bad_keys']}", file=sys.stderr)

    print(f"\nrelevance set: {args.set_path.name}, {len(doc['queries'])} queries; corpus: {args.corpus}")
    print("records indexed: " + ", ".join(f"{r['backend']} {r['records']} ({r['index_seconds']} s)" for r in ok))
    print()
    print(table(ok))
    print()
    if args.misses != "none":
        best = next((r for r in ok if r["backend"] == "voikko"), None) or max(
            ok, key=lambda r: (r["summary"]["overall"]["recall@10"], r["summary"]["overall"]["mrr"])
        )
        for r in ok if args.misses == "all" else [best]:
            print(misses_report(r))
            print()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"set": str(args.set_path), "corpus": str(args.corpus), "limit": LIMIT,
                   "table_markdown": markdown_table(ok), "runs": runs}, f, ensure_ascii=False, indent=1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
