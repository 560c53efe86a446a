"""Pilot tests of citations, following a case, opening the source and
exports in the TUI (issue 15, points 2-4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_support import settle, sync

from arkisto.tui.app import make_app
from arkisto.tui.screens import SearchScreen
from arkisto.tui.widgets import DetailPane, ResultList, StatusBar
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
    decision(id="s1", municipality="Helsinki", committee="Kaupunkiympäristölautakunta", meeting_date="2021-11-02",
             section="597", title="Meluilmoitus, lausunto", case_id="HEL 2021-011111",
             proposal="Kaupunkiympäristölautakunta päättää antaa lausunnon meluilmoituksesta ja ympäristöluvasta."),
    decision(id="s2", municipality="Mikkeli", committee="Kaupunginhallitus", meeting_date="2017-06-05",
             section="230", title="Lausunto ympäristöluvasta", case_id="MliDno-2017-1",
             proposal="Kaupunginhallitus päättää antaa lausunnon ympäristöluvasta."),
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
    pdf = tmp_path / "docs" / "heinola kokous.pdf"  # the minutes the Heinola record was read from
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    records = [dict(r) for r in CASE_RECORDS]
    records[-1]["source"] = dict(records[-1]["source"], path=str(pdf))
    (archive / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
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


def detail_record(app) -> str | None:
    return search_screen(app).query_one(DetailPane).record_id


def related_prompts(app) -> list[str]:
    related = search_screen(app).query_one("#detail-related")
    return [str(related.get_option_at_index(i).prompt) for i in range(related.option_count)]


@sync
async def test_the_same_case_and_similar_decisions_open_and_backspace_goes_back(case_index):
    app = make_app(case_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"lausunto", "down")
        await settle(pilot)
        results = search_screen(app).query_one(ResultList)
        results.highlighted = [h.id for h in results.hits].index("k1")
        await settle(pilot)
        assert detail_record(app) == "k1"
        shown = related_prompts(app)
        assert shown[:3] == [
            "Samassa asiassa",
            "• Helsingin kaupunki, kaupunginhallitus 13.12.2021 § 928, dnro HEL 2021-007014 · Ympäristölupa, valitus",
            "• Helsingin kaupunki, kaupunkiympäristölautakunnan ympäristö- ja lupajaosto 14.10.2021 § 208, "
            "dnro HEL 2021-007014 · Ympäristölupa, päätös",
        ]
        similar = shown[shown.index("Samankaltaisia päätöksiä") + 1:]
        assert similar and all("\n  yhteisiä sanoja: " in x for x in similar)
        assert similar[0].startswith("• Helsingin kaupunki")  # the same town's first
        # Into the list, Enter on the city board's handling: it opens.
        search_screen(app).query_one("#detail-related").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert detail_record(app) == "k3"
        assert "Kaupunginhallitus päättää valittaa" in str(search_screen(app).query_one("#detail-body").render())
        # From there to the division's handling, then back twice.
        related = search_screen(app).query_one("#detail-related")
        related.focus()
        related.highlighted = next(i for i, x in enumerate(related_prompts(app)) if "lupajaosto" in x)
        await pilot.press("enter")
        await settle(pilot)
        assert detail_record(app) == "k2"
        await pilot.press("backspace")
        await settle(pilot)
        assert detail_record(app) == "k3"
        await pilot.press("backspace")
        await settle(pilot)
        assert detail_record(app) == "k1"
        await pilot.press("backspace")
        await settle(pilot)
        assert detail_record(app) == "k1" and status(app) == "Ei aiempaa avattua päätöstä."


@sync
async def test_o_opens_the_source_file_at_its_page_through_the_opener(case_index, tmp_path):
    asked: list[str] = []
    answer = [True]

    def opener(target: str) -> bool:  # launches nothing
        asked.append(target)
        return answer[0]

    app = make_app(case_index, opener=opener)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"toimintakertomus", "down", "o")
        await settle(pilot)
        pdf = tmp_path / "docs" / "heinola kokous.pdf"
        want = pdf.resolve().as_uri() + "#page=7"
        assert asked == [want] and "%20" in want
        assert status(app) == f"Avattiin {want}"
        answer[0] = False
        await pilot.press("o")
        await settle(pilot)
        assert status(app) == f"Mikään ohjelma ei avannut lähdettä. Avaa se itse: {want}"
        # A record whose source file is not there (and has no address): said, nothing opened.
        await pilot.press("escape", "ctrl+u", *"valitus", "down", "o")
        await settle(pilot)
        assert len(asked) == 2
        assert status(app) == "Lähdetiedostoa ei löydy eikä sen osoitetta tiedetä."


@sync
async def test_e_asks_where_and_writes_csv_or_jsonl_or_nothing(case_index, tmp_path):
    from arkisto.tui.screens.export import ExportScreen

    out = tmp_path / "Asiakirjat"
    out.mkdir()
    app = make_app(case_index, export_dir=out)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"ympäristölupa", "down", "e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        field = app.screen.query_one("#export-path")
        assert field.value == str(out / "arkisto-export-20250102-030405.csv")
        await pilot.press("escape")
        await settle(pilot)
        assert list(out.iterdir()) == [] and status(app) == "Vienti peruttiin."
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        path = out / "arkisto-export-20250102-030405.csv"
        hits = sorted(h.id for h in search_screen(app).result.hits)
        assert status(app) == f"Vietiin {len(hits)} tietuetta tiedostoon {path}"
        data = path.read_text(encoding="utf-8")
        assert data.startswith("\ufeffkind,id,")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#fmt-jsonl").value = True
        await settle(pilot)
        assert app.screen.query_one("#export-path").value.endswith(".jsonl")
        await pilot.press("enter")
        await settle(pilot)
        lines = (out / "arkisto-export-20250102-030405.jsonl").read_text(encoding="utf-8").splitlines()
        assert sorted(json.loads(x)["id"] for x in lines) == hits
