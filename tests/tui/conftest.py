"""Fixtures for the TUI tests: a small index with hostile text in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import decision

# Records whose text looks like Rich/Textual markup or terminal escapes: the
# TUI must show them as text, never act on them.
HOSTILE = [
    decision(id="m1", committee="Tekninen lautakunta", meeting_date="2024-11-05", section="9",
             title="[/] Kokous [@click=app.quit]x[/] hankkeet", presenter={"name": "[b]Ville[/b] Koski"},
             proposal="Hyväksytään \x1b[2J hankkeen [red]rahoitus[/red] ja [link=http://x]linkki[/link].",
             outcome="approved", case_id="TEK 2024-1"),
    decision(id="m2", committee="Tekninen lautakunta", meeting_date="2024-12-01", section="10",
             title="Jatkopäätös", proposal="Samassa asiassa jatketaan.", outcome="noted", case_id="TEK 2024-1"),
]


@pytest.fixture
def tui_archive(facet_archive: Path) -> Path:
    """The shared facet archive (4 records) plus two hostile ones."""
    (facet_archive / "hostile.json").write_text(json.dumps(HOSTILE, ensure_ascii=False), encoding="utf-8")
    return facet_archive


@pytest.fixture
def tui_index(tmp_path: Path, tui_archive: Path) -> Path:
    from arkisto.search.indexer import index_paths

    index_dir = tmp_path / "tui-index"
    report = index_paths([tui_archive], index_dir)
    assert report.records == 6, report.problems
    return index_dir
