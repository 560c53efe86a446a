"""Shared test helpers (importable from every test module)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
HEINOLA = FIXTURES / "heinola" / "kasvatus-ja-opetuslautakunta_toimintakertomus-2024.txt"


def decision(**kw) -> dict:
    """An arkisto-JSON decision for tests (synthetic; only shapes matter)."""
    base = {"kind": "decision", "source": {"path": "test", "format": "arkisto-json"}}
    base.update(kw)
    return base


def cpu_seconds(fn, *args, repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` calls (for ratio checks of linear
    time, never for a timed assertion)."""
    import time

    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(*args)
        best = min(best, time.process_time() - t0)
    return max(best, 1e-4)


def index_in_runs(root: Path, runs: list[list[str]], delete_from: str) -> Path:
    """An index of several segments with deleted documents: each run adds
    the fixture folders it names (a segment each), then the first file of
    the folder ``delete_from`` is removed and one more run deletes its
    records.  Returns the index folder."""
    import shutil

    from arkisto.search.indexer import index_paths

    docs, ix = root / "docs", root / "ix"
    for run in runs:
        for name in run:
            shutil.copytree(FIXTURES / name, docs / name)
        index_paths([docs], ix)
    sorted((docs / delete_from).rglob("*.*"))[0].unlink()
    assert index_paths([docs], ix).files_deleted == 1
    return ix


def gen_dir(ix: Path) -> Path:
    """The current generation's folder of the index at ``ix``."""
    from arkisto.search.store import IndexStore

    return IndexStore(ix).current_dir()


def rewrite_manifest(ix: Path) -> None:
    """Make the current generation's manifest match its files again (what
    someone planting data does): hashes and sizes of the files there, the
    removed ones left out."""
    import json

    from arkisto.search.store import MANIFEST, _edge_hash, sha256_file

    gen = gen_dir(ix)
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    data["files"] = {k: v for k, v in data["files"].items() if (gen / k).exists()}
    for name, info in data["files"].items():
        p = gen / name
        info.update(size=p.stat().st_size, sha256=sha256_file(p), edges=_edge_hash(p))
    (gen / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def run_cli(args: list[str], ix: Path):
    """``arkisto ARGS --index IX`` in a fresh process, in English."""
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "arkisto", *args, "--index", str(ix)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "ARKISTO_LANG": "en"})


def replace_arrays(ix: Path, suffix: str, change, save=None) -> None:
    """Rewrite every ``*SUFFIX`` array file of the current generation as
    ``change(arrays)`` makes it (with ``save``, default ``np.savez``), and
    the manifest to match (what an attacker does)."""
    import io

    import numpy as np

    for p in gen_dir(ix).glob(f"*{suffix}"):
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        buf = io.BytesIO()
        (save or np.savez)(buf, **change(arrays))
        p.write_bytes(buf.getvalue())
    rewrite_manifest(ix)
