"""The index changes under an open TUI: an indexer publishes new generations
and removes the old ones while the TUI reads one of them."""

from __future__ import annotations

import json
import threading

import pytest
from tui_support import settle, sync

from arkisto.search.service import SearchService
from arkisto.tui.app import make_app
from arkisto.tui.screens import SearchScreen
from arkisto.tui.screens.explain import ExplainScreen
from arkisto.tui.widgets import ResultList, StatusBar
from helpers import decision

REOPENED = {"fi": "Hakemisto päivittyi: avattiin uusin versio",
            "en": "The index was updated: opened the newest version"}


def publish(archive, index_dir, n: int) -> None:
    """What `arkisto index` does: a changed source file, a new generation."""
    from arkisto.search.indexer import index_paths

    more = [decision(id=f"n{n}", committee="Kaupunginhallitus", title=f"Uusi päätös {n}",
                     proposal="Lisätään tiedoksi.")]
    (archive / "more.json").write_text(json.dumps(more, ensure_ascii=False), encoding="utf-8")
    report = index_paths([archive], index_dir)
    assert not report.problems, report.problems


def publish_twice(app, archive, index_dir) -> None:
    """Two publishes, and the TUI's generation removed under it.  The open
    TUI's reader lease keeps a writer from removing it (see the test
    below), so the removal here is what a writer without leases (an older
    arkisto) or a user tidying the folder does."""
    import shutil

    first = app.backend.svc.generation
    publish(archive, index_dir, 1)
    publish(archive, index_dir, 2)
    assert (index_dir / first).exists()  # leased: the writers kept it
    shutil.rmtree(index_dir / first)


@sync
async def test_the_open_generation_is_kept_through_two_publishes(tui_index, tui_archive):
    """The reader lease: the writers keep the TUI's generation, its
    searches go on there, and the poll offers the newer one (F5)."""
    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = app.screen
        first = app.backend.svc.generation
        publish(tui_archive, tui_index, 1)
        publish(tui_archive, tui_index, 2)
        assert (tui_index / first).is_dir()
        await pilot.press(*"uusi")
        await settle(pilot)
        assert not scr.query_one(ResultList).hits  # the open generation has no "Uusi päätös"
        assert "epäonnistui" not in status(app)
        scr.check_stale()
        await pilot.pause()
        assert "F5" in status(app)
        await pilot.press("f5")
        await settle(pilot)
        assert [h.id for h in scr.query_one(ResultList).hits] == ["n2"]


def status(app) -> str:
    return app.screen.query_one(StatusBar).message


@pytest.mark.parametrize("lang", ["fi", "en"])
@sync
async def test_search_after_two_publishes_opens_the_newest_generation(tui_index, tui_archive, monkeypatch, lang):
    """This used to say "Search failed: Index 'MAIN' does not exist …
    gen-000001" at every keystroke until F5."""
    threads = []
    real_reopen = SearchService.reopen

    def reopen(self):
        threads.append(threading.current_thread().name)
        return real_reopen(self)

    monkeypatch.setattr(SearchService, "reopen", reopen)
    app = make_app(tui_index, lang, stale_poll_seconds=3600)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = app.screen
        assert isinstance(scr, SearchScreen)
        publish_twice(app, tui_archive, tui_index)
        await pilot.press(*"uusi")
        await settle(pilot)
        assert [h.id for h in scr.query_one(ResultList).hits] == ["n2"]
        assert status(app) == REOPENED[lang]
        assert threads == ["arkisto-search"]  # on the service thread, not the UI's
        scr.check_stale()  # the poll has nothing more to say: no "press F5"
        await pilot.pause()
        assert status(app) == REOPENED[lang]
        await pilot.press(*["backspace"] * 4)
        await settle(pilot)
        assert scr.result.total == 7 and threads == ["arkisto-search"]  # once is enough


@sync
async def test_explain_after_two_publishes(tui_index, tui_archive):
    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"uusi")
        await settle(pilot)
        publish_twice(app, tui_archive, tui_index)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        assert "1 osumaa" in str(app.screen.query_one("Static").render())  # Uusi päätös 2
        await pilot.press("escape")
        await settle(pilot)
        assert status(app) == REOPENED["fi"]


@sync
async def test_a_search_that_fails_on_the_newest_generation_says_so(tui_index, monkeypatch):
    """Only a generation that is gone is reopened; another failure is shown."""
    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test() as pilot:
        await settle(pilot)

        def broken(*args, **kwargs):
            raise ValueError("levy on rikki")

        monkeypatch.setattr(app.backend.svc, "search", broken)
        monkeypatch.setattr(app.backend.svc, "reopen", lambda: pytest.fail("reopened"))
        await pilot.press(*"uusi")
        await settle(pilot)
        assert status(app) == "Haku epäonnistui: levy on rikki"


@sync
async def test_an_index_built_again_in_its_place_is_noticed(tui_index, tui_archive):
    """The index folder removed and built again has the same generation
    name in another folder.  Searches go on from the files still open; the
    poll offers F5, which opens the new index."""
    import shutil

    from arkisto.search.indexer import index_paths

    app = make_app(tui_index, stale_poll_seconds=3600)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        scr = app.screen
        first = app.backend.svc.generation
        shutil.rmtree(tui_index)
        (tui_archive / "records.json").unlink()
        index_paths([tui_archive], tui_index)
        assert app.backend.svc.store.current_name() == first
        scr.check_stale()
        await pilot.pause()
        assert "F5" in status(app)
        await pilot.press("down", "f5")
        await settle(pilot)
        assert scr.result.total == 2
