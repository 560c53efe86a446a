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
