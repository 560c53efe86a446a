"""Document text and file names are data everywhere in the TUI: markup in a
committee, a title, an id or a path is shown as typed, never run or parsed,
and terminal escapes and bidi controls never reach the terminal.

Each test feeds the values below through one place a user sees them (the
command palette, the facet panel and what follows a filter, notifications,
the "no index" message and the help) and looks at what is painted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from tui_support import settle, sync

from arkisto.tui.app import make_app
from arkisto.tui.screens import HelpScreen, SearchScreen
from arkisto.tui.widgets import FacetPanel, ResultList, StatusBar
from helpers import decision

CLICK = "[@click=app.quit]Lautakunta[/]"
# committee as stored -> as it must be shown
HOSTILE = {
    "[/]": "[/]",
    CLICK: CLICK,
    "[bold]Hallitus": "[bold]Hallitus",
    "Vesi\x1b[2J\x1b]0;otsikko\x07lautakunta": "Vesilautakunta",
    "\u202eAbc lautakunta": "Abc lautakunta",
}
# A record with no title is listed by its id.
HOSTILE_ID = "[b]id\x1b[31m-9[/b]"
HOSTILE_ID_SHOWN = "[b]id-9[/b]"
FORBIDDEN = ("\x1b", "\x07", "\u202e")


def archive(folder: Path, committees) -> Path:
    folder.mkdir()
    records = [decision(id=f"h{i}", committee=c, title=f"Päätös {i}", meeting_date="2024-05-0" + str(i + 1),
                        section=str(i + 1), proposal="Hyväksytään suunnitelma.", outcome="approved")
               for i, c in enumerate(committees)]
    records.append(decision(id="z1", committee="Kaupunginhallitus", title="Talousarvio",
                            meeting_date="2024-06-01", section="40", proposal="Hyväksytään suunnitelma."))
    records.append(decision(id=HOSTILE_ID, proposal="Hyväksytään suunnitelma."))
    (folder / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return folder


def build(tmp_path: Path, committees) -> Path:
    from arkisto.search.indexer import index_paths

    index_dir = tmp_path / "index"
    report = index_paths([archive(tmp_path / "archive", committees)], index_dir)
    assert report.records == len(committees) + 2, report.problems
    return index_dir


@pytest.fixture
def hostile_index(tmp_path: Path) -> Path:
    return build(tmp_path, list(HOSTILE))


def painted(app) -> list[str]:
    """The screen's lines as they are sent to the terminal (text only)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def actions_painted(app) -> list[str]:
    """The click actions carried by what is painted (markup's ``@click``)."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for seg in strip:
            meta = seg.style.meta if seg.style else {}
            found += [f"{k}={v}" for k, v in meta.items() if k == "@click"]
    return found


def assert_clean(app) -> None:
    lines = painted(app)
    for ch in FORBIDDEN:
        assert not any(ch in line for line in lines), (repr(ch), lines)
    assert actions_painted(app) == []


def palette_entries(app) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    # each prompt is the title, then its help on a line of its own
    return [options.get_option_at_index(i).prompt.plain.split("\n")[0] for i in range(options.option_count)]


async def open_palette(pilot, typed: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    if typed:
        await pilot.press(*typed)
        await settle(pilot)
    return palette_entries(pilot.app)


async def click_on(pilot, options, index: int, text: str) -> None:
    """Click the middle of ``text`` in option ``index`` of an OptionList, where it is painted."""
    options.highlighted = index
    await pilot.pause()
    prompt = options.get_option_at_index(index).prompt
    plain = prompt.plain if hasattr(prompt, "plain") else str(prompt)
    scr = pilot.app.screen
    region = options.content_region
    for y in range(region.y, region.bottom):
        starts = [x for x in range(region.x, region.right)
                  if scr.get_style_at(x, y).meta.get("option") == index and "offset" in scr.get_style_at(x, y).meta]
        if starts:
            x = starts[0] + cell_len(plain[:plain.index(text)]) + cell_len(text) // 2
            await pilot.click(offset=(x, y))
            await pilot.pause()
            return
    raise AssertionError(f"option {index} is not painted")


def filter_title(shown: str, count: int = 1) -> str:
    return f"Rajaa: Toimielin – {shown} ({count})"


@sync
async def test_palette_lists_every_facet_value_as_text(hostile_index):
    """A ``[/]`` among the values used to raise MarkupError and drop every
    palette entry after it (typing 'rajaa' found nothing at all)."""
    app = make_app(hostile_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for typed in ("", "rajaa"):
            entries = await open_palette(pilot, typed)
            for shown in HOSTILE.values():
                assert filter_title(shown) in entries, (typed, entries)
            assert filter_title("Kaupunginhallitus") in entries
            if not typed:  # the commands after the facet values are still there
                assert entries[-1] == "Lopeta"
            assert_clean(app)
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running


@sync
async def test_clicking_a_palette_entry_with_click_markup_only_filters(tmp_path):
    """``[@click=app.quit]`` in a committee quit the app when its palette
    entry was clicked.  Now the click chooses the entry: a filter."""
    app = make_app(build(tmp_path, [CLICK, "Sivistyslautakunta"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        from textual.command import CommandList

        entries = await open_palette(pilot, "lautakunta")
        index = next(i for i, e in enumerate(entries) if e.startswith("Rajaa: Toimielin") and "Lautakunta" in e)
        await click_on(pilot, app.screen.query_one(CommandList), index, "Lautakunta")
        await settle(pilot)
        assert app.is_running
        assert entries[index] == filter_title(CLICK)
        scr = app.screen
        assert isinstance(scr, SearchScreen)
        assert scr.state.filters == {"committee": (CLICK,)}
        assert [h.id for h in scr.result.hits] == ["h0"]


@sync
async def test_facet_filter_results_detail_explain_and_status_show_hostile_text(hostile_index, tmp_path):
    """Pick the hostile committee in the facet panel with the mouse: the
    panel, the info line, the hit, the detail, the citation copied, the
    export message and the explanation (F2) show it as typed."""
    from arkisto.tui.screens.explain import ExplainScreen

    out = tmp_path / "vienti[i]\x1b[31m"
    out.mkdir()
    app = make_app(hostile_index, export_dir=out)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        scr = app.screen
        assert_clean(app)
        text = "\n".join(painted(app))
        assert HOSTILE_ID_SHOWN in text  # the hit without a title, by its id
        for shown in HOSTILE.values():
            assert shown in text  # in the facet panel and the hits
        facets = scr.query_one(FacetPanel)
        ids = [facets.get_option_at_index(i).id for i in range(facets.option_count)]
        index = next(i for i, oid in enumerate(ids) if oid and oid.endswith(CLICK))
        await click_on(pilot, facets, index, "click")  # the value is cut short: "[@click=app.quit]Laut…"
        await settle(pilot)
        assert app.is_running
        assert scr.state.filters == {"committee": (CLICK,)}
        assert [h.id for h in scr.result.hits] == ["h1"]
        text = "\n".join(painted(app))
        assert f"Toimielin: {CLICK}" in text  # the info line
        assert f"{CLICK} · 2.5.2024 § 2" in text  # the hit's line of metadata
        assert f"{CLICK} · 2.5.2024 · § 2" in text  # the detail's header
        assert_clean(app)
        scr.query_one(ResultList).focus()
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == f"{CLICK} 2.5.2024 § 2"
        assert scr.query_one(StatusBar).message == f"Kopioitu: {CLICK} 2.5.2024 § 2"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")  # the export dialog: write where it offers
        await settle(pilot)
        assert "vienti[i]/arkisto-export-" in scr.query_one(StatusBar).message
        assert_clean(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        assert f"Toimielin: {CLICK}" in "\n".join(painted(app))
        assert_clean(app)
        assert app.is_running


@sync
async def test_notifications_show_file_names_as_text(tui_index, tmp_path):
    """A settings problem names the file: markup and escapes in its name are
    shown as text in the notification."""
    folder = tmp_path / "asetukset [@click=app.quit]x[/] \x1b[2J\u202e"  # "[/" + "] ..."
    folder.mkdir(parents=True)
    cfg = folder / "config.toml"
    cfg.write_text('tuntematon = 1\n', encoding="utf-8")
    app = make_app(tui_index, settings=None, settings_path=cfg)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert messages == [f"{tmp_path}/asetukset [@click=app.quit]x[/] /config.toml: "
                            "tuntematon asetus 'tuntematon' ohitettiin"]  # in the UI's language
        assert_clean(app)
        assert app.is_running


@sync
async def test_no_index_message_and_help_show_the_path_as_text(tmp_path):
    index_dir = tmp_path / "hakemisto [bold]\x1b]0;x\x07[/]"
    shown = f"{tmp_path}/hakemisto [bold][/]"
    app = make_app(index_dir, use_sample=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert f"Hakemistoa ei löydy: {shown}." in str(app.screen.query_one("#message").render())
        assert_clean(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert shown in "\n".join(painted(app))
        assert_clean(app)
        assert app.is_running

