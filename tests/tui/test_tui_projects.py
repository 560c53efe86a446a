"""The projects view: `h` (and the palette) from the search, the projects of
the current query and filters, a filter field in the query language, the
programmes (`g`), a project's timeline (Enter) and a record of it (Enter);
never blocking, text never markup, the footer within 80 columns."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from arkisto.tui.app import make_app
from tui_support import settle, sync

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: projects_fixture
from helpers import decision  # noqa: E402
from projects_fixture import RECORDS  # noqa: E402

HOSTILE = decision(id="z1", municipality="Heinola", committee="Tekninen lautakunta", meeting_date="2024-02-02",
                   section="2", title="Merkintöjä",
                   proposal="Hyväksytään.",
                   funded_projects=[{"name": "[b]Lihava[/b] [@click=app.quit]hanke", "funder": "[red]X[/red]",
                                     "key": "[b]lihava[/b] [@click=app.quit]hanke", "funders": ["[red]X[/red]"],
                                     "sentence": "Lause \x1b[2J [link=http://x]linkki[/link]."}])


@pytest.fixture
def projects_index(tmp_path: Path) -> Path:
    from arkisto.search.indexer import index_paths

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "p.json").write_text(json.dumps(RECORDS + [HOSTILE], ensure_ascii=False), encoding="utf-8")
    report = index_paths([archive], tmp_path / "ix")
    assert report.records == len(RECORDS) + 1, report.problems
    return tmp_path / "ix"


def rows(app, list_id: str = "#projects-list") -> list[str]:
    lst = app.screen.query_one(list_id, OptionList)
    return [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]


def footer(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def open_projects(pilot) -> None:
    await settle(pilot)
    await pilot.press("escape")  # out of the query field: letters are keys
    await pilot.press("h")
    await settle(pilot)


@sync
async def test_h_opens_the_projects_with_funder_amounts_and_mentions(projects_index):
    from arkisto.tui.screens.projects import ProjectsScreen

    app = make_app(projects_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_projects(pilot)
        assert isinstance(app.screen, ProjectsScreen)
        listed = rows(app)
        assert listed[0].startswith("VALSSI ") and "OKM" in listed[0] and "2/2023–3/2024" in listed[0]
        assert "haettu 120 000 €" in listed[0] and listed[0].rstrip().endswith("3")
        assert any(r.startswith("Kärrynpyörä ") for r in listed)
        assert any(r.startswith("Kärrynpyörää kaiken") for r in listed)
        assert "Hankkeet (7)" in str(app.screen.query_one("#projects-head", Static).render())
        shown = [f"{k.key_display} {k.description}".strip() for k in footer(app)]
        assert "Enter Aikajana" in shown and "Esc Takaisin" in shown and "q Lopeta" in shown
        assert "g Ohjelmat" in shown
        for k in footer(app):
            assert k.region.width and k.region.right <= 80, (shown, k.region)
        await pilot.press("escape")  # back to the search
        await settle(pilot)
        assert type(app.screen).__name__ == "SearchScreen"


@sync
async def test_the_filter_field_takes_the_query_language(projects_index):
    app = make_app(projects_index, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_projects(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"rahoittaja:OPH")
        await settle(pilot)
        listed = rows(app)
        assert len(listed) == 1 and listed[0].startswith("Kärrynpyörä ")
        field = app.screen.query_one("#projects-query", Input)
        field.value = "summa:paljon"
        await settle(pilot)
        assert "summa:paljon is not an amount" in str(app.screen.query_one("#projects-status", Static).render())


@sync
async def test_the_search_filters_carry_over(projects_index):
    app = make_app(projects_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.toggle_filter("municipality", "Kauhava")
        await settle(pilot)
        await open_projects(pilot)
        assert [r.split("  ")[0] for r in rows(app)] == ["Kärrynpyörää kaiken ikää 2"]
        assert "Kauhava" in str(app.screen.query_one("#projects-head", Static).render())


@sync
async def test_timeline_by_date_and_a_record_from_it(projects_index):
    from arkisto.tui.screens.projects import RecordScreen, TimelineScreen
    from arkisto.tui.widgets import DetailPane

    app = make_app(projects_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_projects(pilot)
        await pilot.press("enter")  # VALSSI, the first row
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        entries = rows(app, "#timeline-list")
        assert [e.split(" · ")[0] for e in entries] == ["14.2.2023", "1.6.2023", "12.3.2024"]
        assert "hakemus" in entries[0]
        assert "“Lautakunta päättää hakea OKM:ltä 120 000 euroa VALSSI-hankkeelle.”" in entries[0]
        head = str(app.screen.query_one("#timeline-head", Static).render())
        assert "VALSSI · tietueita: 3" in head and "VALSSI-hanke" in head
        await pilot.press("down", "enter")  # the grant's acceptance
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        detail = app.screen.query_one(DetailPane)
        assert detail.record.id == "v2"
        body = str(detail.query_one("#detail-body", Static).render())
        assert "myönnetty 100 000 € (2023); omarahoitus 25 000 € (2023)" in body
        for k in footer(app):
            assert k.region.right <= 80
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProjectsScreen"


@sync
async def test_g_shows_the_programmes_with_their_recipients(projects_index):
    app = make_app(projects_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_projects(pilot)
        await pilot.press("g")
        await settle(pilot)
        listed = rows(app)
        assert listed[0] == "OKM · saajia: 2 · Sitouttava kouluyhteisötyö"
        assert listed[1].split()[:3] == ["Heinola", "Yhdessä", "koulussa"] and "myönnetty 60 000 €" in listed[1]
        assert listed[2].split()[0] == "Helsinki" and "omarahoitus 125 000 €" in listed[2]
        await pilot.press("enter")  # a recipient opens its project's timeline
        await settle(pilot)
        assert app.screen.key == "yhdessä koulussa"


@sync
async def test_hostile_project_text_is_shown_as_text(projects_index):
    app = make_app(projects_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_projects(pilot)
        listed = rows(app)
        row = next(r for r in listed if "Lihava" in r)
        assert row.startswith("[b]Lihava[/b] [@click=app.quit]hanke") and "[red]X[/red]" in row
        lst = app.screen.query_one("#projects-list", OptionList)
        lst.highlighted = listed.index(row)
        await pilot.press("enter")
        await settle(pilot)
        entries = rows(app, "#timeline-list")
        assert "[link=http://x]linkki[/link]" in entries[0] and "\x1b" not in entries[0]
        assert app.is_running


@sync
async def test_palette_opens_the_projects(projects_index):
    from arkisto.tui.commands import ArkistoCommands
    from arkisto.tui.screens.projects import ProjectsScreen

    app = make_app(projects_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        titles = {title: cb for title, _help, cb in ArkistoCommands(app.screen)._commands()}
        titles["Hankkeet"]()
        await settle(pilot)
        assert isinstance(app.screen, ProjectsScreen)


@sync
async def test_the_list_never_blocks_the_keyboard(projects_index, monkeypatch):
    import threading

    from arkisto.tui import backend

    gate = threading.Event()
    real = backend.Backend.projects

    def slow(self, *a):
        gate.wait(10)
        return real(self, *a)

    monkeypatch.setattr(backend.Backend, "projects", slow)
    app = make_app(projects_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("escape", "h")
        await pilot.pause()
        await pilot.press("slash", *"hanke:vals")
        await pilot.pause()
        field = app.screen.query_one("#projects-query", Input)
        assert field.value == "hanke:vals"  # typed while the list was still on its way
        assert "Haetaan hankkeita" in str(app.screen.query_one("#projects-status", Static).render())
        gate.set()
        await settle(pilot)
        assert [r.split("  ")[0] for r in rows(app)] == ["VALSSI"]


def test_explain_screen_names_the_amount_filter():
    from arkisto.i18n import Strings
    from arkisto.tui.screens.explain import explain_text

    ex = {"query": "summa:>100000", "analyzer": "voikko", "words": [], "expanded": "", "filters": {},
          "amounts": ["summa:>100000"], "hints": [], "matches": 2}
    assert "Summat: summa:>100000" in explain_text(ex, Strings("fi")).plain
