"""Pilot tests of citations, following a case, opening the source and
exports in the TUI (issue 15, points 2-4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_support import settle, sync

from arkisto.tui.app import make_app
from arkisto.tui.screens import SearchScreen
from arkisto.tui.widgets import StatusBar
from helpers import decision

CASE = "HEL 2021-007014"
CASE_RECORDS = [
    decision(id="k1", municipality="Helsinki", committee="Kaupunkiympäristölautakunta", meeting_date="2021-09-07",
             section="451", title="Ympäristölupa, asemakaavan muutos", case_id=CASE,
             proposal="Kaupunkiympäristölautakunta päättää antaa lausunnon ympäristöluvasta."),
    decision(id="k2", municipality="Helsinki", committee="Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto",
             meeting_date="2021-10-14", section="208", title="Ympäristölupa, päätös", case_id=CASE,
             proposal="Jaosto myöntää ympäristöluvan."),
    decision(id="k3", municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2021-12-13",
             section="928", title="Ympäristölupa, valitus", case_id=CASE,
             proposal="Kaupunginhallitus päättää valittaa ympäristöluvasta."),
    decision(id="h1", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta", meeting_date="2025-03-12",
             section="45", title="Toimintakertomus 2024", case_id="HEI/45/2025",
             proposal="Kasvatus- ja opetuslautakunta hyväksyy toimintakertomuksen.",
             source={"path": "heinola.pdf", "format": "minutes-pdf", "page": 7}),
]


@pytest.fixture
def case_index(tmp_path: Path) -> Path:
    from arkisto.search.indexer import index_paths

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "records.json").write_text(json.dumps(CASE_RECORDS, ensure_ascii=False), encoding="utf-8")
    ix = tmp_path / "ix"
    assert index_paths([archive], ix).records == len(CASE_RECORDS)
    return ix


def status(app) -> str:
    return app.screen.query_one(StatusBar).message


def search_screen(app) -> SearchScreen:
    for screen in app.screen_stack:
        if isinstance(screen, SearchScreen):
            return screen
    raise AssertionError("no search screen")


@sync
async def test_y_copies_the_full_citation_and_the_palette_copies_csl_and_bibtex(case_index):
    app = make_app(case_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"toimintakertomus", "down", "y")
        await settle(pilot)
        text = "Heinolan kaupunki, kasvatus- ja opetuslautakunta 12.3.2025 § 45, dnro HEI/45/2025"
        assert app.clipboard == text
        assert status(app) == f"Kopioitu: {text}"
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"BibTeX", "enter")
        await settle(pilot)
        assert app.clipboard.startswith("@misc{heinola2025_45_h1,")
        assert "{{Heinolan kaupunki, kasvatus- ja opetuslautakunta}}" in app.clipboard
        assert status(app).startswith("Kopioitu: @misc{heinola2025_45_h1,")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"CSL-JSON", "enter")
        await settle(pilot)
        assert json.loads(app.clipboard)[0]["number"] == "§ 45"
