"""Pilot tests of the search screen's flows, on a small index in a tmp dir."""

from __future__ import annotations

import json
import subprocess
import sys
from tui_support import settle, sync

from arkisto.config import Settings
from arkisto.tui.app import make_app
from arkisto.tui.screens import HelpScreen, SearchScreen
from arkisto.tui.widgets import DetailPane, FacetPanel, ResultList, StatusBar


def screen_of(app) -> SearchScreen:
    assert isinstance(app.screen, SearchScreen), app.screen
    return app.screen


def info(app) -> str:
    return str(app.screen.query_one("#info").render())


def status(app) -> str:
    return app.screen.query_one(StatusBar).message


def hit_ids(app) -> list[str]:
    return [h.id for h in app.screen.query_one(ResultList).hits]


@sync
async def test_startup_shows_all_records(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert scr.ready
        assert scr.result.total == 6
        assert "6 osumaa" in info(app)
        assert app.screen.focused is app.screen.query_one("#query")
        assert "6 tietuetta" in status(app)


@sync
async def test_first_paint_before_the_index_opens(tui_index, monkeypatch):
    """The screen is composed and painted while the index is still opening."""
    import threading

    from arkisto.tui import backend

    gate = threading.Event()
    real_open = backend.Backend.open

    def slow_open(self):
        gate.wait(10)
        return real_open(self)

    monkeypatch.setattr(backend.Backend, "open", slow_open)
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await pilot.pause()
        scr = screen_of(app)
        assert not scr.ready
        assert "Avataan hakemistoa" in str(scr.query_one("#message").render())
        gate.set()
        await settle(pilot)
        assert scr.ready and scr.result.total == 6


@sync
async def test_first_run_builds_the_index_from_the_sample(tmp_path, tui_archive):
    index_dir = tmp_path / "new-index"
    app = make_app(index_dir, sample_dir=tui_archive)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert (index_dir / "CURRENT").exists()
        assert scr.result.total == 6
        assert "Hakemisto valmis: 6 tietuetta" in status(app)


@sync
async def test_index_from_another_analyzer_is_rebuilt_from_its_folders(tmp_path, tui_archive, monkeypatch):
    """An index built with another analyzer cannot answer correctly; the TUI
    rebuilds it from the folders it was built from and then searches."""
    from arkisto.search import analysis
    from arkisto.search.indexer import index_paths
    from arkisto.search.store import IndexStore

    index_dir = tmp_path / "old-index"
    monkeypatch.setenv("ARKISTO_ANALYZER", "snowball")
    analysis.reset()
    index_paths([tui_archive], index_dir)
    monkeypatch.delenv("ARKISTO_ANALYZER")
    analysis.reset()
    try:
        app = make_app(index_dir, use_sample=False)
        async with app.run_test() as pilot:
            await settle(pilot)
            scr = screen_of(app)
            assert scr.ready, str(scr.query_one("#message").render())
            assert scr.result.total == 6
            assert IndexStore(index_dir).manifest().analyzer == analysis.analyzer_id()
    finally:
        analysis.reset()


@sync
async def test_no_index_and_no_sample_says_so(tmp_path):
    app = make_app(tmp_path / "nothing", use_sample=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert not scr.ready
        assert scr.has_class("-message")
        assert "Hakemistoa ei löydy" in str(scr.query_one("#message").render())


@sync
async def test_damaged_index_shows_message_and_hint(tui_index):
    (tui_index / "CURRENT").write_text("../../etc", encoding="utf-8")
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        text = str(scr.query_one("#message").render())
        assert "Hakemistoa ei voi käyttää" in text
        assert "Traceback" not in text
        assert scr.query_one("#message").has_class("-error")


@sync
async def test_search_as_you_type_shows_the_last_query(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet")
        await settle(pilot)
        scr = screen_of(app)
        assert scr.result.query == "hankkeet"
        assert set(hit_ids(app)) >= {"a1", "a3", "m1"}
        assert "a4" not in hit_ids(app)


@sync
async def test_snippet_highlights_come_from_hit_offsets(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"rakennuslupa")
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        prompt = results.get_option_at_index(0).prompt
        styled = [prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)]
        assert styled and all("rakennuslup" in w.lower() for w in styled)


@sync
async def test_bad_query_shows_hint(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*'"hankkeen rahoitus')
        await settle(pilot)
        assert "Huom:" in info(app)
        assert app.screen.query_one("#info").has_class("-hint")


@sync
async def test_facet_toggle_and_clear(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("tab")
        facets = app.screen.query_one(FacetPanel)
        assert app.screen.focused is facets
        first = facets.get_option_at_index(facets.highlighted).id
        assert first.endswith("Tekninen lautakunta")  # the biggest committee first
        await pilot.press("down", "enter")  # the next: Kaupunginhallitus
        await settle(pilot)
        scr = screen_of(app)
        assert scr.result.filters == {"committee": ["Kaupunginhallitus"]}
        assert sorted(hit_ids(app)) == ["a1", "a2"]
        assert "rajaukset: Toimielin: Kaupunginhallitus" in info(app)
        # the same value again removes it
        await pilot.press("space")
        await settle(pilot)
        assert scr.result.total == 6
        await pilot.press("enter")
        await settle(pilot)
        assert scr.result.total == 2
        await pilot.press("x")
        await settle(pilot)
        assert scr.result.total == 6 and not scr.result.filters


@sync
async def test_open_detail_and_back_on_a_narrow_terminal(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"rakennuslupa", "down")
        await settle(pilot)
        scr = screen_of(app)
        assert scr.focused is scr.query_one(ResultList)
        await pilot.press("enter")
        await settle(pilot)
        detail = scr.query_one(DetailPane)
        assert scr.has_class("-detail-open") and detail.display
        assert scr.focused is detail
        assert detail.record_id == "a2"
        body = detail.query_one("#detail-body").render()
        assert "Rakennusluvan myöntäminen" in str(body)
        assert "Päätösehdotus" in str(body)
        await pilot.press("escape")
        await settle(pilot)
        assert not scr.has_class("-detail-open")
        assert scr.focused is scr.query_one(ResultList)
        await pilot.press("escape")
        assert scr.focused is scr.query_one("#query")


@sync
async def test_wide_terminal_previews_the_highlighted_hit(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert scr.has_class("-wide")
        detail = scr.query_one(DetailPane)
        assert detail.display and detail.record_id == hit_ids(app)[0]
        await pilot.press("down", "down")
        await settle(pilot)
        assert detail.record_id == hit_ids(app)[1]


@sync
async def test_detail_highlights_inflected_query_words(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet")
        await settle(pilot)
        scr = screen_of(app)
        scr.query_one(ResultList).highlighted = hit_ids(app).index("a1")
        await settle(pilot)
        text = scr.query_one("#detail-body").render()
        marked = {text.plain[sp.start:sp.end].lower() for sp in text.spans if getattr(sp.style, "reverse", False)}
        assert "hankkeen" in marked, (marked, text.spans, scr.query_one(DetailPane).record_id)


@sync
async def test_related_records_share_a_case_id(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"jatkopäätös")
        await settle(pilot)
        related = app.screen.query_one("#detail-related")
        shown = [str(related.get_option_at_index(i).prompt) for i in range(related.option_count)]
        assert shown[0] == "Samassa asiassa"
        assert shown[1].startswith("• Tekninen lautakunta 5.11.2024 § 9, dnro TEK 2024-1")


@sync
async def test_markup_and_escapes_in_documents_are_shown_as_text(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"kokous", "down", "enter")
        await settle(pilot)
        scr = screen_of(app)
        assert app.is_running  # [@click=app.quit] did nothing
        prompt = scr.query_one(ResultList).get_option_at_index(0).prompt
        assert "[/] Kokous [@click=app.quit]x[/] hankkeet" in prompt.plain
        body = scr.query_one("#detail-body").render().plain
        assert "[red]rahoitus[/red]" in body and "[b]Ville[/b] Koski" in body
        assert "\x1b" not in body
        await pilot.click("#results")
        assert app.is_running


@sync
async def test_copy_citation(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"kehittämishankkeen", "down", "y")
        await settle(pilot)
        assert app.clipboard == "Kaupunginhallitus 12.3.2024 § 45"
        assert status(app) == "Kopioitu: Kaupunginhallitus 12.3.2024 § 45"


@sync
async def test_export_writes_jsonl_in_the_export_dir(tui_index, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(tui_index, export_dir=out)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet", "down", "e")
        await settle(pilot)
        app.screen.query_one("#fmt-jsonl").value = True  # `e` asks: the folder offered, CSV or JSONL
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        path = out / "arkisto-export-20250102-030405.jsonl"
        assert path.exists()
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        assert {r["id"] for r in lines} == set(hit_ids(app))
        assert status(app) == f"Vietiin {len(lines)} tietuetta tiedostoon {path}"


@sync
async def test_sort_cycles_and_orders_by_date(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "s")
        await settle(pilot)
        scr = screen_of(app)
        assert scr.result.sort == "newest"
        dates = [h.meeting_date for h in scr.result.hits]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        dates = [h.meeting_date for h in scr.result.hits]
        assert scr.result.sort == "oldest" and dates == sorted(dates)
        assert "järjestys: vanhin ensin" in info(app)


@sync
async def test_pages_of_hits(tui_index):
    app = make_app(tui_index, settings=Settings(page_size=5))
    async with app.run_test() as pilot:
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        assert len(results.hits) == 5
        assert results.option_count <= 5 * 2 + 1  # hits, separators, "next page"
        assert "1–5 / 6 osumaa" in info(app)
        await pilot.press("down", "n")
        await settle(pilot)
        assert len(results.hits) == 1 and "6–6 / 6 osumaa" in info(app)
        await pilot.press("p")
        await settle(pilot)
        assert len(results.hits) == 5


@sync
async def test_index_updated_offers_refresh(tui_index, tui_archive):
    from arkisto.search.indexer import index_paths
    from helpers import decision

    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        scr = screen_of(app)
        (tui_archive / "more.json").write_text(json.dumps([decision(id="n1", title="Uusi päätös")]), encoding="utf-8")
        index_paths([tui_archive], tui_index)
        scr.check_stale()
        await pilot.pause()
        assert "F5" in status(app)
        assert any("F5" in str(n.message) for n in app._notifications)
        await pilot.press("down", "f5")
        await settle(pilot)
        assert scr.result.total == 7
        assert "7 tietuetta" in status(app)


async def _reindex_with_one_more_record(pilot, scr, tui_archive) -> None:
    """A record added to one of the indexed files, and the re-index command:
    the seventh record is found, and the status bar says so."""
    records = json.loads((tui_archive / "hostile.json").read_text(encoding="utf-8"))
    records.append({"kind": "decision", "id": "m3", "title": "Kolmas", "source": {"path": "test", "format": "arkisto-json"}})
    (tui_archive / "hostile.json").write_text(json.dumps(records), encoding="utf-8")
    scr.action_reindex()
    await settle(pilot)
    assert scr.result.total == 7
    assert "Hakemisto päivitetty" in status(pilot.app)


@sync
async def test_reindex_command_updates_changed_files(tui_index, tui_archive):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        await _reindex_with_one_more_record(pilot, scr, tui_archive)
        # A new file in an indexed folder is picked up; a deleted one goes.
        (tui_archive / "new.json").write_text(json.dumps([{"kind": "decision", "id": "n9", "title": "Uusi",
                                                           "source": {"path": "t", "format": "arkisto-json"}}]),
                                              encoding="utf-8")
        (tui_archive / "records.json").unlink()
        scr.action_reindex()
        await settle(pilot)
        assert scr.result.total == 7 - 4 + 1


@sync
async def test_reindex_of_an_index_without_roots_reads_its_sources(tui_index, tui_archive):
    """An index from before `roots` were recorded is updated from its source
    files, which the manifest on disk lists (the open service keeps its
    manifest without them)."""
    from helpers import gen_dir

    from arkisto.search.store import MANIFEST

    manifest = gen_dir(tui_index) / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["roots"] and data["sources"]
    data["roots"] = []
    manifest.write_text(json.dumps(data), encoding="utf-8")
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert app.backend.svc.manifest.sources == {}
        await _reindex_with_one_more_record(pilot, scr, tui_archive)


@sync
async def test_help_screen_opens_and_closes(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        assert "toimielin:X" in text and "Kopioi viite" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


@sync
async def test_language_switch_is_saved(tui_index, tmp_path):
    cfg = tmp_path / "config.toml"
    app = make_app(tui_index, save_settings=True, settings_path=cfg)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.set_language("en")
        await settle(pilot)
        scr = screen_of(app)
        assert scr.query_one("#query").placeholder.startswith("Search decisions")
        assert "6 hits" in info(app)
        assert any(b.description == "Copy citation" for _key, b in scr._bindings)
        assert status(app) == "Language: English"
        saved, problems = Settings.load(cfg)
        assert saved.lang == "en" and not problems


@sync
async def test_theme_change_is_saved(tui_index, tmp_path):
    cfg = tmp_path / "config.toml"
    app = make_app(tui_index, save_settings=True, settings_path=cfg)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
        assert Settings.load(cfg)[0].theme == "nord"
        assert "nord" in status(app)


@sync
async def test_palette_lists_localised_commands(tui_index):
    app = make_app(tui_index)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"englanti")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.strings.lang == "en"


@sync
async def test_too_small_terminal_says_so(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        scr = screen_of(app)
        assert scr.has_class("-too-small")
        assert "60×20" in str(scr.query_one("#too-small").render())


def test_tui_import_does_not_load_whoosh():
    code = "import sys, arkisto.tui.app; print('whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_run_has_the_cli_signature():
    import inspect

    from arkisto.tui.app import run

    assert list(inspect.signature(run).parameters) == ["index_dir", "lang"]


@sync
async def test_palette_filters_by_facet_values_and_c_clears(tui_index):
    from arkisto.tui.commands import ArkistoCommands

    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        scr = screen_of(app)
        provider = ArkistoCommands(scr)
        titles = {title: cb for title, _help, cb in provider._commands()}
        key = next(t for t in titles if t.startswith("Rajaa: Toimielin – Tekninen lautakunta"))
        titles[key]()  # what choosing it in the palette runs
        await settle(pilot)
        assert scr.state.filters == {"committee": ("Tekninen lautakunta",)}
        assert scr.result.total == 3
        # A hostile facet value is offered as plain text.
        assert any("[b]Ville[/b] Koski" in t for t in titles)
        # Outcomes and kinds in the UI language, as in the facet panel.
        assert "Rajaa: Päätöksen tulos – hyväksytty (3)" in titles
        assert "Rajaa: Laji – päätös (6)" in titles
        scr.query_one(ResultList).focus()
        await pilot.press("j", "k", "G", "g")
        await pilot.press("c")
        await settle(pilot)
        assert scr.state.filters == {}
        assert scr.result.total == 6


@sync
async def test_explain_shows_what_the_query_became(tui_index):
    from arkisto.tui.screens.explain import ExplainScreen

    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"kehittämishankkeet")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        text = str(app.screen.query_one("Static").render())
        assert "kehittämishanke" in text and "hanke" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


@sync
async def test_results_with_some_of_the_words_say_what_they_lack(tui_index):
    """No record has both words: the list shows those with either, each with
    the word it lacks, and the count line says so (in Finnish)."""
    app = make_app(tui_index)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"rakennuslupa kunnossapito")
        await settle(pilot)
        assert set(hit_ids(app)) == {"a2", "a4"}
        assert "Mikään ei vastaa koko hakua" in info(app)
        results = app.screen.query_one(ResultList)
        prompts = {h.id: results.get_option_at_index(i).prompt.plain for i, h in enumerate(results.hits)}
        assert "puuttuu: kunnossapito" in prompts["a2"]
        assert "puuttuu: rakennuslupa" in prompts["a4"]
