"""Snapshots of the main screen, a detail and the help at 80×24 and 160×48.

Deterministic: a relative index path (the help shows it), no timing figure,
no cursor blink, a fixed clock, records whose source path is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import settle

from arkisto.tui.app import make_app

SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def app(tmp_path, tui_index, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_app(Path(tui_index.name))


def typed(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=typed(*"hankkeet"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=typed(*"hankkeet", "down", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=typed("f1"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_results_focused(snap_compare, app, size):
    """Esc out of the query field: the results' keys in the footer."""
    assert snap_compare(app, terminal_size=size, run_before=typed(*"hankkeet", "escape"))


def test_high_contrast(snap_compare, tmp_path, tui_index, monkeypatch):
    from arkisto.config import Settings

    monkeypatch.chdir(tmp_path)
    app = make_app(Path(tui_index.name), settings=Settings(theme="arkisto-high-contrast"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=typed(*"hankkeet", "escape"))
