"""Whoosh's segment writer against arkisto's (search/bulkwrite.py), on the
same documents, one writer per fresh process.

    .venv/bin/python benchmarks/writer.py [--docs DIR] [--files 200] [--rounds 3] [--profile]

Each round runs both writers, each in a process of its own: the documents
are parsed and made into index documents first, the analysis is warmed
over their text (so neither writer pays for Voikko's first look at a word),
then ``add_document`` for each and ``commit`` are timed in CPU seconds
(``time.process_time``: the machine is shared, and this is one process's
own work).  The files written are compared byte for byte (the parity that
tests/test_bulkwrite.py checks on real documents).  ``--profile`` prints
each writer's top functions instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(docs_dir: str, files: int, writer: str, out: str, profile: bool) -> dict:
    import time

    from whoosh import index
    from whoosh.writing import SegmentWriter

    from arkisto.ingest.detect import parse_path
    from arkisto.search.analysis import index_words
    from arkisto.search.bulkwrite import BulkWriter
    from arkisto.search.merge import keys as merge_keys
    from arkisto.search.schema import build_schema, single_document

    docs = []
    for path in sorted(Path(docs_dir).glob("*.json"))[:files]:
        for i, rec in enumerate(parse_path(path).records):
            docs.append(single_document(rec, merge_keys(rec, "b" + path.name, i), path.name))
    for d in docs:  # the analysis cache, warmed for both
        for f in ("text", "title"):
            if isinstance(d.get(f), str):
                index_words(d[f])
    ix = index.create_in(out, build_schema())
    cls = BulkWriter if writer == "bulk" else SegmentWriter
    w = cls(ix, limitmb=256, compound=False)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.process_time()
    for d in docs:
        w.add_document(**d)
    t1 = time.process_time()
    w.commit()
    t2 = time.process_time()
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    return {"docs": len(docs), "add_s": t1 - t0, "commit_s": t2 - t1}


def files_of(folder: str) -> dict[str, bytes]:
    out = {}
    for name in os.listdir(folder):
        if "." in name and not name.endswith((".toc", ".lock")):
            out[name.split(".", 1)[1]] = (Path(folder) / name).read_bytes()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default=str(HERE / "out" / "work" / "corpus-n10000-s1-k10"))
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--one", nargs=2, metavar=("WRITER", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(one(a.docs, a.files, a.one[0], a.one[1], a.profile)))
        return 0
    if not Path(a.docs).is_dir():
        print(f"no documents in {a.docs}: run benchmarks/generate.py 10000 {a.docs}", file=sys.stderr)
        return 2
    best: dict[str, dict] = {}
    same = True
    for _ in range(a.rounds):
        made = {}
        for writer in ("whoosh", "bulk"):
            with tempfile.TemporaryDirectory() as tmp:
                cmd = [sys.executable, __file__, "--docs", a.docs, "--files", str(a.files), "--one", writer, tmp]
                if a.profile:
                    cmd.append("--profile")
                r = json.loads(subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE).stdout)
                made[writer] = files_of(tmp)
                b = best.setdefault(writer, r)
                for k in ("add_s", "commit_s"):
                    b[k] = min(b[k], r[k])
        same = same and made["whoosh"] == made["bulk"]
    w, b = best["whoosh"], best["bulk"]
    print(f"{w['docs']} decisions, CPU seconds, best of {a.rounds}:")
    print(f"{'':10} {'add':>8} {'commit':>8} {'total':>8}")
    for name, r in (("Whoosh", w), ("arkisto", b)):
        print(f"{name:10} {r['add_s']:8.2f} {r['commit_s']:8.2f} {r['add_s'] + r['commit_s']:8.2f}")
    print(f"{'ratio':10} {w['add_s'] / b['add_s']:7.2f}x {w['commit_s'] / b['commit_s']:7.2f}x "
          f"{(w['add_s'] + w['commit_s']) / (b['add_s'] + b['commit_s']):7.2f}x")
    print("files written: " + ("identical" if same else "DIFFERENT"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
