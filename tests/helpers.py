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
