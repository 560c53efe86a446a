"""Where a full build's wall time goes, phase by phase, without a profiler.

    .venv/bin/python benchmarks/build_phases.py DOCS_DIR [--runs 2]

Builds DOCS_DIR into a fresh index in a temporary folder (``index_paths``,
in this process, with its usual children: the parsing worker, the
sub-writers, the table writers) and times its steps by wrapping them: the
files parsed and added (``add``), the last commit (the sub-writers finish
their documents and write their postings: ``commit``), the facet and
project tables (``termtables``), the frequent terms' tables
(``hotpostings``) and the whole, with this process's and its children's
CPU.  One JSON line per run.  The code measured is whatever ``arkisto``
imports (``PYTHONPATH=OTHER/src`` for another checkout; steps it does not
have are left out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time


def one(docs: str) -> dict:
    from arkisto.search import indexer

    spent: dict[str, float] = {}
    undo = []

    def wrap(obj, name: str, label: str) -> None:
        original = getattr(obj, name)

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t

        setattr(obj, name, timed)
        undo.append((obj, name, original))

    build = next(v for v in vars(indexer).values() if isinstance(v, type) and hasattr(v, "_index_all"))
    wrap(build, "_index_all", "add")
    wrap(build, "_commit", "commit")
    for module in ("termtables", "hotpostings"):
        try:
            wrap(__import__(f"arkisto.search.{module}", fromlist=["x"]), "write_missing", module)
        except ImportError:
            pass
    folder = tempfile.mkdtemp(prefix="build-phases-")
    before = os.times()
    t0 = time.perf_counter()
    try:
        report = indexer.index_paths([docs], os.path.join(folder, "ix"))
        whole = time.perf_counter() - t0
    finally:
        after = os.times()
        for obj, name, original in undo:
            setattr(obj, name, original)
        shutil.rmtree(folder, ignore_errors=True)
    out = {"records": report.records, "whole_s": round(whole, 2)}
    out.update({f"{k}_s": round(v, 2) for k, v in spent.items()})
    out["cpu_parent_s"] = round(after.user + after.system - before.user - before.system, 1)
    out["cpu_children_s"] = round(after.children_user + after.children_system
                                  - before.children_user - before.children_system, 1)
    out["load"] = round(os.getloadavg()[0], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    for _ in range(args.runs):
        print(json.dumps(one(args.docs)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
