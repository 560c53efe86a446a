"""CPU time of analysing a corpus's distinct words once each (what a build's
sub-writer pays for the words it has not seen): not a test.

    .venv/bin/python benchmarks/analysis_speed.py [DOCS_DIR] [--files 2000]
    PYTHONPATH=/tmp/old/src .venv/bin/python benchmarks/analysis_speed.py   # another tree

DOCS_DIR holds arkisto JSON files (default: the generated 100k corpus of
``bench.py``).  Every string in them is split into words as indexing does;
each distinct non-stop word is analysed once, uncached, with the backend in
use (Voikko where installed).  Prints the words, the CPU seconds and the
microseconds per word.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", default=str(HERE / "out" / "work" / "corpus-n100000-s1-k10"))
    ap.add_argument("--files", type=int, default=2000)
    args = ap.parse_args()

    from arkisto.search import analysis

    seen: dict[str, None] = {}

    def walk(o) -> None:
        if isinstance(o, str):
            for w in analysis._TOKEN_RE.findall(o):
                seen[w] = None
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    for f in sorted(Path(args.docs).glob("*.json"))[:args.files]:
        walk(json.loads(f.read_text(encoding="utf-8")))
    words = [w for w in seen if w.lower() not in analysis.STOPWORDS]
    name = analysis.backend_name()
    t0 = time.process_time()
    for w in words:
        analysis._analyse_uncached(w, name)
    spent = time.process_time() - t0
    print(f"{analysis.__file__}: {name}, {len(words)} distinct words, {spent:.2f} s CPU, "
          f"{spent / max(len(words), 1) * 1e6:.1f} µs per word")


if __name__ == "__main__":
    main()
