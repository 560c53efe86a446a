"""The focus model and the conventions: Esc out of the query field, q quits
outside it, a footer of the keys that matter where the focus is (always one
that quits, never cut at 80 columns), F5 only when there is a newer index,
? closes the explanation, a stale result never painted beside a new query,
the typing debounce and "Haetaan…", the [keys] table and the high-contrast
theme."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

from textual.widgets import Input
from textual.widgets._footer import FooterKey
from tui_support import settle, sync

from arkisto.config import Settings
from arkisto.tui.app import make_app
from arkisto.tui.screens import HelpScreen, SearchScreen
from arkisto.tui.widgets import DetailPane, FacetPanel, ResultList, StatusBar

README = Path(__file__).resolve().parents[2] / "README.md"


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


def footer_text(app) -> list[str]:
    """The footer as a user reads it: "Esc Tuloksiin", "q Lopeta"…"""
    return [f"{k.key_display} {k.description}".strip() for k in footer_keys(app)]


def info(app) -> str:
    return str(app.screen.query_one("#info").render())


def searches_made(monkeypatch) -> list[str]:
    """The queries the backend searches from now on, in order."""
    from arkisto.tui import backend

    searched: list[str] = []
    real_search = backend.Backend.search

    def search(self, req, *args):
        searched.append(req.query)
        return real_search(self, req, *args)

    monkeypatch.setattr(backend.Backend, "search", search)
    return searched


@sync
async def test_esc_leaves_the_query_field_and_q_quits_outside_it(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = app.screen
        field = scr.query_one("#query", Input)
        assert scr.focused is field
        await pilot.press("q")  # typed into the query, as a letter should be
        await settle(pilot)
        assert field.value == "q" and app.is_running
        await pilot.press("backspace", "escape")
        await settle(pilot)
        assert scr.focused is scr.query_one(ResultList)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@sync
async def test_ctrl_q_quits_from_the_query_field(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen.focused, Input)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@sync
async def test_a_second_esc_clears_the_filters_then_goes_back_to_the_query(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = app.screen
        await pilot.press("tab", "down", "enter")  # Kaupunginhallitus
        await settle(pilot)
        assert scr.result.filters == {"committee": ["Kaupunginhallitus"]}
        assert "Esc Tyhjennä rajaukset" in footer_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert scr.result.filters == {} and scr.result.total == 6
        assert scr.focused is scr.query_one(FacetPanel)
        assert scr.query_one(StatusBar).message == "Rajaukset tyhjennetty"
        await pilot.press("escape")
        await settle(pilot)
        assert scr.focused is scr.query_one("#query")
        # With no hits, Esc goes to the facets (where a filter can be removed).
        await pilot.press(*"zzzxq")
        await settle(pilot)
        assert not scr.result.hits
        await pilot.press("escape")
        assert isinstance(scr.focused, (ResultList, FacetPanel))


@sync
async def test_the_footer_shows_the_keys_of_the_focused_place_and_fits_80_columns(tui_index):
    for lang, quit_word in (("fi", "Lopeta"), ("en", "Quit")):
        app = make_app(tui_index, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            seen = {}
            for place, keys in (("field", ()), ("results", ("escape",)), ("facets", ("shift+tab",)),
                                ("detail", ("tab", "enter"))):
                await pilot.press(*keys)
                await settle(pilot)
                shown = footer_keys(app)
                text = footer_text(app)
                seen[place] = text
                # 4-6 keys (and the palette's), one of them quits, every one on the screen
                assert 4 <= len(shown) - 1 <= 6, (place, text)
                assert any(t.endswith(quit_word) for t in text), (place, text)
                for k in shown:
                    assert k.region.width and k.region.right <= 80, (place, text, k.region)
            if lang == "fi":
                assert "^q Lopeta" in seen["field"] and "Esc Tuloksiin" in seen["field"]
                assert "q Lopeta" in seen["results"] and "Enter Avaa" in seen["results"]
                assert "Enter Valitse" in seen["facets"]
                assert "Esc Takaisin" in seen["detail"] and "y Kopioi viite" in seen["detail"]
                assert "^p Komennot" in seen["results"]  # not Textual's English "palette"


@sync
async def test_f5_is_shown_only_when_a_newer_index_exists(tui_index, tui_archive):
    from arkisto.search.indexer import index_paths
    from helpers import decision

    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        scr = app.screen
        await pilot.press("escape")
        await settle(pilot)
        assert not any(k.key == "f5" for k in footer_keys(app))
        (tui_archive / "more.json").write_text(json.dumps([decision(id="n1", title="Uusi")]), encoding="utf-8")
        index_paths([tui_archive], tui_index)
        scr.check_stale()
        await settle(pilot)
        assert any(k.key == "f5" for k in footer_keys(app)), footer_text(app)
        await pilot.press("f5")
        await settle(pilot)
        assert scr.result.total == 7
        assert not any(k.key == "f5" for k in footer_keys(app))


@sync
async def test_question_mark_closes_the_explanation(tui_index):
    from arkisto.tui.screens.explain import ExplainScreen

    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


def slow_backend(monkeypatch, seconds: float):
    """Searches and laying out a record take ``seconds`` each (on their threads)."""
    from arkisto.tui import backend
    from arkisto.tui.screens import search as search_screen

    real_search, real_text = backend.Backend.search, search_screen.record_text

    def search(self, req, *args):
        time.sleep(seconds)
        return real_search(self, req, *args)

    def record_text(*args, **kw):
        time.sleep(seconds)
        return real_text(*args, **kw)

    monkeypatch.setattr(backend.Backend, "search", search)
    monkeypatch.setattr(search_screen, "record_text", record_text)


@sync
async def test_no_earlier_record_beside_no_hits_after_ctrl_u_and_fast_typing(tui_index, monkeypatch):
    """Issue 15, point 9: a facet selected, Ctrl+U, then a query with no hits
    typed faster than the search answers: the detail pane must not show the
    record of a hit of the emptied query beside "Ei osumia."."""
    slow_backend(monkeypatch, 0.2)
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        scr = app.screen
        await pilot.press(*"hankkeet")
        await settle(pilot)
        await pilot.press("tab", "enter")  # the first committee
        await settle(pilot)
        assert scr.result.filters and scr.result.hits
        scr.query_one("#query").focus()
        await pilot.press("ctrl+u")
        # the emptied query's hits arrive and the detail starts to follow them…
        for _ in range(200):
            await pilot.pause(0.02)
            if scr.result.query == "":
                break
        assert scr.result.query == "" and scr.result.hits
        # …while a query with no hits is typed
        await pilot.press(*"zzzxq")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert scr.result.query == "zzzxq" and not scr.result.hits
        assert "Ei osumia." in info(app)
        detail = scr.query_one(DetailPane)
        assert detail.record is None, detail.record_id
        assert "Valitse tulos" in str(detail.query_one("#detail-body").render())


def results_painted(monkeypatch) -> list[str]:
    """The queries whose results the search screen puts on the screen from
    now on, in order."""
    painted: list[str] = []
    real_show = SearchScreen.show_result

    def show_result(self, res):
        painted.append(res.query)
        return real_show(self, res)

    monkeypatch.setattr(SearchScreen, "show_result", show_result)
    return painted


@sync
async def test_keys_typed_within_the_debounce_paint_one_result(tui_index, monkeypatch):
    painted = results_painted(monkeypatch)
    app = make_app(tui_index)
    app.debounce = 2.0  # a wide window, so that the test does not depend on how fast keys arrive
    async with app.run_test() as pilot:
        await settle(pilot)
        painted.clear()
        await pilot.press(*"hankkeet")
        await pilot.pause(0.3)
        assert painted == []  # still inside the window: no result of "h", "ha"… flickers past
        await settle(pilot)
        assert painted == ["hankkeet"]
        assert app.screen.result.query == "hankkeet"
        # Enter does not wait for the window to end (here: never ending)
        app.debounce = 3600.0
        painted.clear()
        await pilot.press(*" 2024", "enter")
        for _ in range(250):
            await pilot.pause(0.02)
            if painted:
                break
        assert painted == ["hankkeet 2024"]


@sync
async def test_the_debounce_runs_from_the_keystroke_not_from_when_the_screen_heard_of_it(tui_index, monkeypatch):
    """Typing rests from the key on: a change the screen hears of late
    (behind a refresh) waits only what is left of the debounce."""
    import time as _time

    from arkisto.tui.widgets.query_bar import QueryBar

    painted = results_painted(monkeypatch)
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.debounce = 60.0
        painted.clear()
        bar = app.screen.query_one(QueryBar)
        bar.post_message(QueryBar.Changed(bar, "hankkeet", at=_time.monotonic() - 59.9))
        for _ in range(300):
            await pilot.pause(0.02)
            if painted:
                break
        assert painted == ["hankkeet"]  # within the debounce's last 0.1 s, not a minute on
        # a change heard of at once still waits the whole debounce
        painted.clear()
        bar.post_message(QueryBar.Changed(bar, "hankkeet 2024"))
        await pilot.pause(0.3)
        assert painted == []


@sync
async def test_typed_text_is_searched_while_the_debounce_runs_and_painted_after_it(tui_index, monkeypatch):
    """While the debounce waits for typing to rest, the backend searches
    the typed text already: when it ends, that answer is painted, and no
    search is left to make."""
    searched = searches_made(monkeypatch)
    painted = results_painted(monkeypatch)
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.debounce = 3.0  # wide: the search made ahead ends well within it on a slow machine too
        searched.clear()
        painted.clear()
        await pilot.press(*"kaupungin hankkeet")
        for _ in range(400):  # within the debounce
            await pilot.pause(0.005)
            if "kaupungin hankkeet" in searched and app.screen._ahead is not None and app.screen._ahead[1].done():
                break
        assert searched and searched[-1] == "kaupungin hankkeet", "the typed text was not searched ahead"
        assert painted == []
        searched.clear()
        for _ in range(600):
            await pilot.pause(0.01)
            if painted:
                break
        await settle(pilot)
        assert painted == ["kaupungin hankkeet"]
        assert app.screen.result.query == "kaupungin hankkeet" and app.screen.result.total
        assert searched == []  # the answer made ahead was the one painted


@sync
async def test_a_filter_picked_within_the_debounce_is_in_the_result_painted(tui_index, monkeypatch):
    """The search made ahead of the typed text has no filter that was
    picked after it: its answer is dropped, and the result painted has the
    filter."""
    painted = results_painted(monkeypatch)
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        scr = app.screen
        committee = scr.result.facets["committee"].values[0].value
        app.debounce = 30.0  # the filter is picked within it
        painted.clear()
        await pilot.press(*"hankkeet")
        for _ in range(400):
            await pilot.pause(0.005)
            if scr._ahead is not None and scr._ahead[1].done():
                break
        assert painted == [] and scr._ahead is not None and scr._ahead[1].done()
        scr.toggle_filter("committee", committee)
        await pilot.pause(0.05)  # the typed text's worker, cancelled, leaves
        await settle(pilot)
        assert painted == ["hankkeet"]
        assert scr.result.query == "hankkeet" and scr.result.filters == {"committee": [committee]}
        assert {h.record.committee for h in scr.result.hits} == {committee}


@sync
async def test_f5_within_the_debounce_searches_the_index_opened_again(tui_index, monkeypatch):
    """The typed text's search made ahead read the generation open then:
    F5 (open the newest index) within the debounce searches again, on the
    index it opened, rather than paint that answer."""
    searched = searches_made(monkeypatch)
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.debounce = 30.0
        await pilot.press(*"hankkeet")
        for _ in range(400):
            await pilot.pause(0.005)
            if app.screen._ahead is not None and app.screen._ahead[1].done():
                break
        assert searched[-1] == "hankkeet"
        searched.clear()
        app.screen.action_refresh()
        await pilot.pause(0.05)
        await settle(pilot)
        assert searched == ["hankkeet"]
        assert app.screen.result.query == "hankkeet" and app.screen.result.total


@sync
async def test_a_search_made_ahead_that_fails_and_is_dropped_is_never_told(tui_index, monkeypatch):
    """A search of the text typed so far that fails ("hank": a damaged
    read, say) is dropped when more is typed: nothing says so, nothing is
    logged, and the query typed in the end answers."""
    import asyncio
    import gc

    from arkisto.errors import IndexDamagedError
    from arkisto.i18n import Msg
    from arkisto.tui import backend

    real_search = backend.Backend.search
    failed: list[str] = []

    def search(self, req, *args):
        if req.query == "hank":
            failed.append(req.query)
            raise IndexDamagedError(Msg("err_closed", path="x"))
        return real_search(self, req, *args)

    monkeypatch.setattr(backend.Backend, "search", search)
    app = make_app(tui_index)
    logged: list[dict] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: logged.append(ctx))
    async with app.run_test() as pilot:
        await settle(pilot)
        app.debounce = 2.0  # it ends after the rest is typed
        await pilot.press(*"hank")
        for _ in range(100):
            await pilot.pause(0.01)
            if failed:
                break
        assert app.screen.result.query == ""  # the debounce of "hank" still runs
        await pilot.press(*"keet")
        for _ in range(100):
            await pilot.pause(0.01)
            await settle(pilot)
            if app.screen.result is not None and app.screen.result.query == "hankkeet":
                break
        assert failed == ["hank"]
        assert app.screen.result.query == "hankkeet" and app.screen.result.total
        status = str(app.screen.query_one(StatusBar).render())
        assert "vaurio" not in status.casefold() and not app.screen.query_one(StatusBar).has_class("-error")
    gc.collect()
    assert not [c for c in logged if "never retrieved" in str(c.get("message", ""))], logged


@sync
async def test_a_slow_search_shows_haetaan_until_it_answers(tui_index, monkeypatch):
    from arkisto.tui import backend

    gate = threading.Event()
    real_search = backend.Backend.search

    def search(self, req, *args):
        if req.query:
            gate.wait(10)
        return real_search(self, req, *args)

    monkeypatch.setattr(backend.Backend, "search", search)
    app = make_app(tui_index, debounce=0, searching_delay=0.05)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet")
        for _ in range(100):
            await pilot.pause(0.02)
            if "Haetaan…" in info(app):
                break
        assert "Haetaan…" in info(app)
        gate.set()
        await settle(pilot)
        assert "Haetaan…" not in info(app) and "osumaa" in info(app)


def write_config(tmp_path, text: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_keys_table_is_read_and_bad_lines_are_reported(tmp_path):
    cfg = write_config(tmp_path, 'lang = "fi"\n[keys]\ncopy = "ctrl+y"\nquit = "q,F10"\n'
                                 'teleport = "t"\nexport = "ctrl+nope"\nsort = "e"\nhelp = 5\n')
    settings, problems = Settings.load(cfg)
    assert settings.keys == {"copy": "ctrl+y", "quit": "q,f10"}
    text = "\n".join(problems)
    assert "unknown action 'teleport'" in text
    assert "'ctrl+nope' is not a key" in text
    assert "sort: 'e' is already the key of export" in text
    assert "help must be a key" in text
    assert all(str(cfg) in p for p in problems)
    # saved and read back the same
    settings.save(cfg)
    again, problems = Settings.load(cfg)
    assert again.keys == settings.keys and not problems
    # a [keys] that is not a table
    settings, problems = Settings.load(write_config(tmp_path, 'keys = "y"\n'))
    assert settings.keys == {} and "keys must be a table" in problems[0]


@sync
async def test_settings_problems_are_told_in_the_ui_language(tui_index, tmp_path):
    settings, problems = Settings.load(write_config(tmp_path, '[keys]\nbogus = "b"\n'))
    for lang, said in (("fi", "tuntematon toiminto 'bogus' ohitettiin"), ("en", "unknown action 'bogus' ignored")):
        app = make_app(tui_index, lang, settings=settings)
        app.settings_problems = problems
        async with app.run_test(notifications=True) as pilot:
            await settle(pilot)
            told = [str(n.message) for n in app._notifications]
            assert any(said in m for m in told), (lang, told)


@sync
async def test_the_keymap_moves_keys_in_the_app_footer_and_help(tui_index, tmp_path):
    cfg = write_config(tmp_path, '[keys]\ncopy = "ctrl+y"\nhelp = "f3"\nbogus = "b"\n')
    settings, problems = Settings.load(cfg)
    app = make_app(tui_index, settings=settings)
    app.settings_problems = problems
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        assert any("bogus" in str(n.message) for n in app._notifications)
        await pilot.press(*"kehittämishankkeen", "escape")
        await settle(pilot)
        await pilot.press("y")  # no longer the copy key
        await settle(pilot)
        assert app.clipboard == ""
        assert "^y Kopioi viite" in footer_text(app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "Kaupunginhallitus 12.3.2024 § 45" in app.screen.query_one(StatusBar).message
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("Static").render())
        assert re.search(r"\^y\s+Kopioi viite", help_text) and re.search(r"F3, \?\s+Ohje", help_text)


def contrast(a, b) -> float:
    def lum(c) -> float:
        def ch(v: int) -> float:
            v = v / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@sync
async def test_high_contrast_theme(tui_index):
    from textual.color import Color

    app = make_app(tui_index, settings=Settings(theme="arkisto-high-contrast"))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "arkisto-high-contrast"
        v = app.theme_variables
        bg = Color.parse(v["background"])
        for fg in ("foreground", "text", "text-muted", "text-primary", "text-warning", "text-error",
                   "footer-key-foreground", "footer-description-foreground"):
            assert contrast(Color.parse(v[fg]), bg) >= 7, fg
        assert contrast(Color.parse(v["block-cursor-foreground"]), Color.parse(v["block-cursor-background"])) >= 7


def readme_keys() -> dict[str, str]:
    """The README's key table: key cell -> what it does."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| key | does |"):]
    rows = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        key, does = [c.strip() for c in line.strip("|").split("|", 1)]
        rows[key] = does
    return rows


@sync
async def test_readme_key_table_matches_the_app(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        rows = readme_keys()
        keys_in_readme = {k for cell in rows for k in re.findall(r"`([^`]+)`", cell)}
        for shown, _does in app.screen.key_rows():
            for key in shown.split(", "):
                key = re.sub(r"^\^(.)$", lambda m: "Ctrl+" + m.group(1).upper(), key)  # ^q: Ctrl+Q
                assert key in keys_in_readme, (key, sorted(keys_in_readme))
        # and the README says exactly what Esc and q do
        esc = next(does for cell, does in rows.items() if "`Esc`" in cell)
        assert "search field" in esc and "clear" in esc
        q = next(does for cell, does in rows.items() if cell.startswith("`q`"))
        assert "quit" in q and "search field" in q
