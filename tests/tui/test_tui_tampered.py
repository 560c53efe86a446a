"""The TUI on a tampered index: nothing planted in it runs, and the user is
told the index is damaged."""

from __future__ import annotations

from pathlib import Path

from test_tampered_index import _plant
from tui_support import settle, sync

from arkisto.tui.app import make_app
from arkisto.tui.widgets import StatusBar


@sync
async def test_planted_pickle_never_runs_in_the_tui(tui_index: Path, tmp_path: Path):
    marker = tmp_path / "PWNED"
    assert _plant(tui_index, ".seg", marker) > 0
    app = make_app(tui_index, "en", stale_poll_seconds=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"hankkeet")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        shown = app.screen.query_one(StatusBar).message + " " + str(app.screen.query_one("#message").render())
        assert app.is_running
    assert not marker.exists(), "the TUI ran code from the index"
    assert "damaged" in shown, shown
