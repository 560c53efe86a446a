"""The list paints the hits that fit on the screen with their snippets
first, and the rest of the page's snippets right after."""

from __future__ import annotations

import json
from pathlib import Path

from tui_support import settle, sync

from arkisto.config import Settings
from arkisto.tui.app import make_app
from arkisto.tui.screens import SearchScreen
from arkisto.tui.widgets import ResultList
from helpers import decision


def _index(tmp_path: Path, n: int = 12) -> Path:
    from arkisto.search.indexer import index_paths

    folder = tmp_path / "archive"
    folder.mkdir()
    records = [decision(id=f"h{i}", committee="Sivistyslautakunta", meeting_date=f"2024-0{1 + i % 9}-1{i % 10}",
                        section=str(i + 1), title=f"Asia {i}",
                        proposal=f"Esittelijä ehdotti kohtaa {i}. Hankkeen rahoitus {i} hyväksyttiin. "
                                 f"Hakija: Ilmari Kivimäki, puh. 040 765 43{i:02d}.")
               for i in range(n)]
    (folder / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path / "index"
    assert index_paths([folder], index_dir).records == n
    return index_dir


def _painted(monkeypatch) -> list[list[str]]:
    """Each result's snippets as ``show_result`` got them (the first paint)."""
    seen: list[list[str]] = []
    original = SearchScreen.show_result

    def show_result(self, res):
        seen.append([h.snippet for h in res.hits])
        original(self, res)

    monkeypatch.setattr(SearchScreen, "show_result", show_result)
    return seen


@sync
async def test_hits_below_the_screen_get_their_snippets_after_the_first_paint(tmp_path, monkeypatch):
    seen = _painted(monkeypatch)
    app = make_app(_index(tmp_path), settings=Settings(page_size=12))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"rahoitus")
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        fits = results.fits()
        assert 4 <= fits < 12
        first = seen[-1]
        assert len(first) == 12
        assert all("Hankkeen rahoitus" in s for s in first[:fits]) and not any(first[fits:])
        # After the paint every hit of the page has its snippet, highlighted.
        for i, hit in enumerate(results.hits):
            prompt = results.get_option(hit.id).prompt
            assert f"Hankkeen rahoitus {hit.id[1:]}" in prompt.plain, (i, prompt.plain)
            styled = [prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)]
            assert "rahoitus" in styled, (i, styled)


@sync
async def test_snippets_made_later_hold_no_personal_data_the_config_masks(tmp_path, monkeypatch):
    seen = _painted(monkeypatch)
    app = make_app(_index(tmp_path), settings=Settings(page_size=12, redact="always"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"hakija")
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        assert not any(seen[-1][results.fits():])  # these were made after the paint
        for hit in results.hits:
            prompt = results.get_option(hit.id).prompt.plain
            assert "Kivimäki" not in prompt and "040 765" not in prompt and "[nimi]" in prompt, prompt


@sync
async def test_a_newer_query_keeps_the_older_ones_late_snippets_off_its_list(tmp_path, monkeypatch):
    """Typing on while the first query's snippets are being made: the list
    shows the new query's hits with the new query's snippets only."""
    import time

    from arkisto.tui.backend import Backend

    filling = Backend.fill_snippets
    started: list[str] = []

    def slow_fill(self, res):  # on the service thread: the next query is typed meanwhile
        started.append(res.query)
        time.sleep(0.4)
        return filling(self, res)

    monkeypatch.setattr(Backend, "fill_snippets", slow_fill)
    app = make_app(_index(tmp_path), settings=Settings(page_size=12))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"rahoitus")
        for _ in range(200):
            if "rahoitus" in started:
                break
            await pilot.pause(0.01)
        assert "rahoitus" in started
        await pilot.press("ctrl+u", *"esittelijä")
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        assert app.screen.result.query == "esittelijä"
        for hit in results.hits:
            prompt = results.get_option(hit.id).prompt
            styled = {prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)}
            assert styled == {"Esittelijä"}, prompt.plain
