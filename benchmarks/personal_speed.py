"""CPU time of personal-data detection at parse time (issue 18).

    .venv/bin/python benchmarks/personal_speed.py [PATH ...]

Each PATH (a folder or file; default: the build benchmark's 10k corpus,
benchmarks/out/work/corpus-n10000-s1-k10, and tests/fixtures) is parsed
once as ``arkisto index`` parses it, without detection; then
``personal.detect`` is run over its records, and the least CPU time
(time.process_time) of three runs is printed with the parse time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from arkisto.ingest import detect as ingest
from arkisto.ingest import personal

HERE = Path(__file__).resolve().parent


def records(root: Path) -> tuple[list, float]:
    """The records of the files under ``root`` (without their spans), and
    the CPU seconds parsing them took."""
    detect, personal.detect = personal.detect, lambda rec: []
    try:
        t0 = time.process_time()
        out = []
        for path in ingest.iter_files([root]):
            source = ingest.read_source(path)
            if isinstance(source, tuple):
                kind, data = source
                out += ingest._parse_with(kind, path, data).records
        return out, time.process_time() - t0
    finally:
        personal.detect = detect


def best_of(n: int, fn) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path,
                    default=[HERE / "out" / "work" / "corpus-n10000-s1-k10", HERE.parent / "tests" / "fixtures"])
    args = ap.parse_args()
    for root in args.paths:
        recs, parse = records(root)
        spent = best_of(3, lambda: [personal.detect(r) for r in recs])
        spans = sum(len(personal.detect(r)) for r in recs)
        print(f"{root}: {len(recs)} records, {spans} spans; parse {parse:.2f} s CPU, "
              f"detect {spent:.3f} s CPU (best of 3)")


if __name__ == "__main__":
    main()
