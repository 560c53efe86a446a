"""The TUI lists officials apart from bodies (issue 15, point 6, the
service's side): the Viranhaltija facet holds the officials' titles, the
Toimielin facet only bodies, and selecting an official filters by it."""

from __future__ import annotations

import json
from pathlib import Path

from tui_support import settle, sync

from helpers import decision

from arkisto.tui.app import make_app
from arkisto.tui.widgets import FacetPanel

RECORDS = [
    decision(id="b1", committee="Kaupunginhallitus", meeting_date="2024-03-12", section="45",
             title="Talousarvio", proposal="Hyväksytään talousarvio."),
    decision(id="o1", committee="Tiimipäällikkö", meeting_date="2024-06-01", title="Hankinta",
             proposal="Hankitaan tuolit."),
    decision(id="o2", committee="Rehtori", meeting_date="2024-06-02", title="Oppilaaksiotto",
             proposal="Otetaan oppilaaksi."),
]


def facet_ids(app) -> list[str]:
    panel = app.screen.query_one(FacetPanel)
    return [panel.get_option_at_index(i).id or "" for i in range(panel.option_count)]


@sync
async def test_officials_are_a_facet_of_their_own(tmp_path: Path):
    from arkisto.search.indexer import index_paths

    src = tmp_path / "src"
    src.mkdir()
    (src / "r.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    assert index_paths([src], tmp_path / "ix").records == 3
    app = make_app(tmp_path / "ix", lang="fi")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        ids = facet_ids(app)
        values = [i.split("\x1f")[1:] for i in ids if i.startswith("v\x1f")]
        assert ["committee", "Kaupunginhallitus"] in values
        assert ["official", "Tiimipäällikkö"] in values and ["official", "Rehtori"] in values
        assert ["committee", "Tiimipäällikkö"] not in values
        screen = app.screen
        screen.toggle_filter("official", "Tiimipäällikkö")
        await settle(pilot)
        assert [h.id for h in screen.result.hits] == ["o1"]
