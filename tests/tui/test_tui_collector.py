"""The cyclic collector waits while a result is on its way (tui/collector.py):
held from a search's start to its painted result, and running again after
it, after a superseded search, a failed one and the app's end."""

from __future__ import annotations

import gc
import threading

import pytest
from tui_support import settle, sync

from arkisto.tui import collector
from arkisto.tui.app import make_app


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    collector.reset()
    if was:
        gc.enable()


def test_windows_overlap_and_close_once():
    first = collector.hold()
    second = collector.hold()
    assert not gc.isenabled()
    first()
    first()  # closing a window twice closes no other
    assert not gc.isenabled()
    second()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    release = collector.hold()
    release()
    assert not gc.isenabled()
    gc.enable()


@sync
async def test_the_collector_waits_for_the_result_and_runs_after_it(tui_index, monkeypatch):
    from arkisto.tui import backend

    gate = threading.Event()
    seen: list[bool] = []
    real_search = backend.Backend.search

    def search(self, req, *args):
        if req.query == "hankkeet":
            seen.append(gc.isenabled())
            gate.wait(10)
        elif req.query == "boom":
            raise RuntimeError("the search failed")
        return real_search(self, req, *args)

    monkeypatch.setattr(backend.Backend, "search", search)
    app = make_app(tui_index, debounce=0)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert gc.isenabled()
        await pilot.press(*"hankkeet")
        for _ in range(100):
            await pilot.pause(0.02)
            if seen:
                break
        assert seen == [False]  # held while the search runs
        gate.set()
        await settle(pilot)
        assert app.screen.result.query == "hankkeet"
        assert gc.isenabled()  # and running again once it is painted
        # a search that fails
        app.screen.query_one("#query").value = "boom"
        await settle(pilot)
        assert gc.isenabled()
        # a search superseded while it runs
        gate.clear()
        seen.clear()
        app.screen.query_one("#query").value = "hankkeet"
        for _ in range(100):
            await pilot.pause(0.02)
            if seen:
                break
        app.screen.query_one("#query").value = "hanke"
        await pilot.pause(0.05)
        gate.set()
        for _ in range(200):
            await pilot.pause(0.02)
            if app.screen.result.query == "hanke" and not any(w.is_running for w in app.workers):
                break
        assert app.screen.result.query == "hanke"
        assert gc.isenabled()
    assert gc.isenabled()
