"""Saved searches in the TUI: Ctrl+S (and the palette) saves the query and
filters under a name asked in a modal; Ctrl+O lists the saved searches with
their matches new since each was last opened here, counted off the UI
thread; Enter opens one and moves the TUI's mark (not ``arkisto new``'s).
Names are text, never markup; a damaged file is reported and moved aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList
from tui_support import settle, sync

from arkisto import saved
from arkisto.search.service import SearchService
from arkisto.tui.app import make_app
from arkisto.tui.commands import ArkistoCommands
from arkisto.tui.screens.saved import SavedSearchesScreen, SaveSearchScreen
from arkisto.tui.widgets import ResultList, StatusBar


@pytest.fixture
def saved_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "saved.json"
    monkeypatch.setenv("ARKISTO_SAVED", str(path))
    return path


def _prompts(screen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@sync
async def test_ctrl_s_saves_the_query_and_filters_under_a_name(tui_index, saved_file):
    app = make_app(tui_index, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet")
        await settle(pilot)
        app.screen.toggle_filter("committee", "Kaupunginhallitus")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        name = app.screen.query_one("#save-name", Input)
        assert name.value == "hankkeet"  # the query, to start from
        assert 'committee:Kaupunginhallitus' in str(app.screen.query_one("#save-what").render())
        # The offered name is selected: what is typed replaces it.
        await pilot.press(*"[b]Hankkeet[/b]", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)
        (item,) = saved.load()
        assert item.name == "[b]Hankkeet[/b]" and item.query == "hankkeet"
        assert item.filters == {"committee": ["Kaupunginhallitus"]}
        with SearchService(tui_index) as svc:
            assert item.opened == item.reported == svc.newest_indexed() is not None
        assert app.screen.query_one(StatusBar).message == 'saved the search "[b]Hankkeet[/b]"'
        # Esc in the modal saves nothing.
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert len(saved.load()) == 1


@sync
async def test_ctrl_o_lists_new_counts_and_enter_opens_and_marks_seen(tui_index, saved_file):
    with SearchService(tui_index) as svc:
        everything = svc.count_new("hankkeet", {}, None)
        newest = svc.newest_indexed()
        newest_match = svc.newest_match("hankkeet", {})
    assert everything >= 2 and newest_match is not None
    # One saved before any of the index existed (all of it new), one saved now (nothing new).
    saved.add("[b]Hankkeet[/b]", "hankkeet", {}, None)
    saved.add("Kadut", "kunnossapito", {"committee": ["Tekninen lautakunta"]}, newest)
    app = make_app(tui_index, lang="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SavedSearchesScreen)
        prompts = _prompts(screen)
        assert prompts[0].startswith("[b]Hankkeet[/b]  hankkeet") and prompts[0].endswith(f"{everything} new")
        assert prompts[1].startswith('Kadut  kunnossapito committee:"Tekninen lautakunta"')
        assert prompts[1].endswith("nothing new")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SavedSearchesScreen)
        scr = app.screen
        assert scr.query_one("#query", Input).value == "hankkeet"
        assert scr.result is not None and scr.result.total == everything
        assert scr.focused is scr.query_one(ResultList)
        item = saved.find(saved.load(), "[b]Hankkeet[/b]")
        assert item.opened == newest_match
        assert item.reported is None  # `arkisto new`'s own mark stays
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert _prompts(app.screen)[0].endswith("nothing new")
        # Delete removes the highlighted one.
        await pilot.press("delete")
        await settle(pilot)
        assert [s.name for s in saved.load()] == ["Kadut"]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SavedSearchesScreen)


@sync
async def test_a_damaged_file_is_reported_in_the_tui_and_kept_aside(tui_index, saved_file):
    saved_file.parent.mkdir(parents=True)
    saved_file.write_text('{"version": 1, "searches": [', encoding="utf-8")
    app = make_app(tui_index, lang="fi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, SavedSearchesScreen)
        assert "Ei tallennettuja hakuja" in str(app.screen.query_one("#saved-empty").render())
        notes = [str(n.message) for n in app._notifications]
        assert any("tallennettujen hakujen tiedostoa" in n and str(saved_file) in n for n in notes), notes
        (aside,) = saved_file.parent.glob("saved.json.damaged-*")
        assert aside.read_text(encoding="utf-8") == '{"version": 1, "searches": ['


@sync
async def test_the_palette_has_both_commands_in_the_ui_language(tui_index, saved_file):
    app = make_app(tui_index, lang="fi")
    async with app.run_test() as pilot:
        await settle(pilot)
        provider = ArkistoCommands(app.screen)
        titles = [t for t, _h, _cb in provider._commands()]
        assert "Tallenna haku" in titles and "Tallennetut haut" in titles
