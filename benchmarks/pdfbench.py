"""PDF-heavy build benchmark (issue 18): the corpus's PDFs replicated to about
10,000 pages, and a whole ``arkisto index`` of them timed, parsing and
indexing together.

    .venv/bin/python benchmarks/pdfbench.py                       # ~10,000 pages, every configuration
    .venv/bin/python benchmarks/pdfbench.py --pages 2000 --configs pdfium
    .venv/bin/python benchmarks/pdfbench.py --old-src /tmp/old/src   # add a run of another checkout's code

The set: every distinct PDF (by content) under the corpus (``../shared/corpus``)
and ``sample_data``, copied into a temp dir as often as it takes to reach
``--pages``, each copy under a file name of its own and with a comment line
of its own after the end of the file (``%arkisto-pdfbench copy N``), so that
no two files have the same content hash (the indexer would treat same-content
files as one document's twins).  Copies of the same minutes still hold the
same decisions, which the index merges into one document each, as it would
for a decision published twice.

Each configuration runs ``arkisto index DIR --index IX`` (the CLI, in a
process of its own) on a new index; the figure is pages / wall-clock seconds
of the whole command, and the peak RSS of its process tree (the build and
its parsing children, summed, sampled every 50 ms) and of its largest single
process.  Configurations:

- ``pypdf-1``: pypdf, one PDF at a time (ARKISTO_PDF_ENGINE=pypdf, ARKISTO_PARSE_JOBS=1): the old build;
- ``pdfium-1``: PDFium, one PDF at a time;
- ``pdfium``: PDFium, PDFs parsed ahead on both cores (the default);
- ``old``: with ``--old-src``, the code of another checkout (e.g. the commit
  before this change), run as it is.

``--per-file`` (default on) also times ``parse_path`` (each PDF in its
isolating child, as the build does) for each distinct PDF, with each engine:
pages/s per file type, parsing alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_CANDIDATES = [ROOT.parent / "shared" / "corpus", ROOT.parents[1] / "shared" / "corpus"]
CONFIGS = {
    "pypdf-1": {"ARKISTO_PDF_ENGINE": "pypdf", "ARKISTO_PARSE_JOBS": "1"},
    "pdfium-1": {"ARKISTO_PDF_ENGINE": "pdfium", "ARKISTO_PARSE_JOBS": "1"},
    "pdfium": {"ARKISTO_PDF_ENGINE": "pdfium"},
}


def source_pdfs(corpus: Path | None) -> list[Path]:
    """Every distinct PDF (by content) of the corpus and sample_data."""
    roots = [r for r in ([corpus] if corpus else CORPUS_CANDIDATES) if r and r.is_dir()]
    roots.append(ROOT / "sample_data")
    seen: set[str] = set()
    out = []
    for root in roots:
        for p in sorted(root.rglob("*.pdf")):
            h = hashlib.sha256(p.read_bytes()).hexdigest()
            if h not in seen:
                seen.add(h)
                out.append(p)
    return out


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def replicate(pdfs: list[Path], pages: int, into: Path) -> tuple[int, int]:
    """Copies of the PDFs, in turn, until ``pages``; (files, pages) made."""
    counts = {p: page_count(p) for p in pdfs}
    made = files = 0
    n = 0
    while made < pages:
        for p in pdfs:
            if made >= pages:
                break
            data = p.read_bytes() + f"\n%arkisto-pdfbench copy {n}\n".encode()
            (into / f"{p.stem}__copy{n:04d}.pdf").write_bytes(data)
            made += counts[p]
            files += 1
            n += 1
    return files, made


def _tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) RSS in bytes of ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(")") + 2:].split()
            ppid = int(fields[1])
            rss[int(entry)] = int(fields[21]) * page
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    total = biggest = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        biggest = max(biggest, rss.get(p, 0))
        todo.extend(children.get(p, []))
    return total, biggest


def run_index(folder: Path, index: Path, env: dict[str, str], src: Path | None) -> dict:
    full = dict(os.environ)
    full.update(env)
    if src is not None:
        full["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-c", "import sys; from arkisto.cli import main; sys.exit(main())",
           "index", str(folder), "--index", str(index)]
    peak = [0, 0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, biggest = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], biggest)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):  # 1: some files had problems (none expected here)
        raise SystemExit(f"arkisto index failed ({proc.returncode}):\n{err[-2000:]}")
    return {"seconds": seconds, "rss_tree_mb": peak[0] / 2**20, "rss_max_mb": peak[1] / 2**20,
            "exit": proc.returncode, "summary": (out.strip().splitlines() or [""])[-1][:200]}


def per_file(pdfs: list[Path]) -> list[dict]:
    """parse_path of each distinct PDF with each engine (in a fresh process
    per engine: the engine is read at import)."""
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from arkisto.ingest import parse_path\n"
        "out = []\n"
        "for p in sys.argv[1:]:\n"
        "    t = time.perf_counter(); r = parse_path(Path(p)); s = time.perf_counter() - t\n"
        "    out.append({'file': p, 'format': r.format, 'records': len(r.records), 'seconds': s})\n"
        "print(json.dumps(out))\n"
    )
    rows = {str(p): {"file": p.name, "pages": page_count(p)} for p in pdfs}
    for engine in ("pypdf", "pdfium"):
        env = dict(os.environ, ARKISTO_PDF_ENGINE=engine)
        res = subprocess.run([sys.executable, "-c", code, *map(str, pdfs)], env=env, capture_output=True,
                             text=True, check=True)
        for r in json.loads(res.stdout):
            row = rows[r["file"]]
            row["format"] = r["format"]
            row[f"{engine}_s"] = r["seconds"]
            row[f"{engine}_records"] = r["records"]
    return list(rows.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10_000, help="pages to replicate to (default 10,000)")
    ap.add_argument("--corpus", type=Path, help="the corpus folder (default ../shared/corpus)")
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument("--old-src", type=Path, help="also run the code of this src/ folder (label 'old')")
    ap.add_argument("--no-per-file", action="store_true", help="skip the per-file parse timings")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()

    pdfs = source_pdfs(args.corpus)
    figures: dict = {"sources": [str(p) for p in pdfs]}
    with tempfile.TemporaryDirectory(prefix="arkisto-pdfbench-") as tmp:
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        files, pages = replicate(pdfs, args.pages, folder)
        print(f"{len(pdfs)} distinct PDFs -> {files} files, {pages} pages in {folder}")
        figures.update(files=files, pages=pages, runs={})
        runs: list[tuple[str, dict, Path | None]] = []
        if args.old_src:
            runs.append(("old", {}, args.old_src))
        runs += [(name, CONFIGS[name], None) for name in args.configs]
        print(f"{'config':10} {'seconds':>8} {'pages/s':>8} {'tree RSS MB':>12} {'max RSS MB':>11}  summary")
        for name, env, src in runs:
            index = Path(tmp) / f"ix-{name}"
            r = run_index(folder, index, env, src)
            shutil.rmtree(index, ignore_errors=True)
            r["pages_per_s"] = pages / r["seconds"]
            figures["runs"][name] = r
            print(f"{name:10} {r['seconds']:8.1f} {r['pages_per_s']:8.0f} {r['rss_tree_mb']:12.0f} "
                  f"{r['rss_max_mb']:11.0f}  {r['summary']}", flush=True)
    if not args.no_per_file:
        rows = per_file(pdfs)
        figures["per_file"] = rows
        print(f"\n{'file':52} {'format':12} {'pages':>5} {'pypdf p/s':>9} {'pdfium p/s':>10} records")
        by_format: dict[str, list[float]] = {}
        for r in rows:
            a, b = r["pages"] / r["pypdf_s"], r["pages"] / r["pdfium_s"]
            f = by_format.setdefault(r["format"], [0, 0.0, 0.0])
            f[0] += r["pages"]
            f[1] += r["pypdf_s"]
            f[2] += r["pdfium_s"]
            print(f"{r['file'][:52]:52} {r['format']:12} {r['pages']:5} {a:9.0f} {b:10.0f} "
                  f"{r['pypdf_records']}/{r['pdfium_records']}")
        print()
        for fmt, (n, a, b) in by_format.items():
            print(f"{fmt:12} {n:5} pages: pypdf {n / a:5.0f} pages/s, PDFium {n / b:5.0f} pages/s ({a / b:.1f}x)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
