"""One language at a time in the TUI (issue 15, point 8): the notes about a
query are in the UI's language, not English beside Finnish labels."""

from __future__ import annotations

from tui_support import settle, sync

from arkisto.tui.app import make_app


def info(app) -> str:
    return str(app.screen.query_one("#info").render())


@sync
async def test_the_finnish_ui_gives_query_notes_in_finnish(tui_index):
    app = make_app(tui_index, lang="fi")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*'"hankkeen rahoitus')
        await settle(pilot)
        assert "Huom: lainausmerkki jäi auki" in info(app)
        assert "unclosed" not in info(app)
        await pilot.press("ctrl+u", *"(((")
        await settle(pilot)
        assert "tyhjät sulut ohitettiin" in info(app) and "parenthes" not in info(app)


@sync
async def test_the_english_ui_gives_them_in_english(tui_index):
    app = make_app(tui_index, lang="en")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"toimielin:")
        await settle(pilot)
        assert "Note: toimielin: has no value: ignored; for example toimielin:" in info(app)


@sync
async def test_no_hits_suggest_a_word_of_the_index(tui_index):
    app = make_app(tui_index, lang="fi")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"rakennuslpa")
        await settle(pilot)
        assert "Ei osumia." in info(app) and "tarkoititko: rakennuslupa" in info(app)


@sync
async def test_the_notes_fit_the_line_of_an_80_column_window(tui_index):
    # The info line is one line, cut at the window's width: the notes come
    # right after the count, the suggestion first, so they show at 80×24.
    app = make_app(tui_index, lang="fi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.toggle_filter("committee", "Kaupunginhallitus")
        await settle(pilot)
        await pilot.press(*"rakennuslpa (")
        await settle(pilot)
        visible = info(app)[:76]
        assert visible.startswith("Ei osumia. · Huom: tarkoititko: rakennuslupa"), visible
