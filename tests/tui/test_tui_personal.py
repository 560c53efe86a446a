"""The TUI shows which hits hold personal data, marks it in the detail pane,
and masks it on `m`."""

from __future__ import annotations

import json
from pathlib import Path

from tui_support import settle, sync

from arkisto.config import Settings
from arkisto.tui.app import make_app
from arkisto.tui.widgets import DetailPane, ResultList
from helpers import decision


def _index(tmp_path: Path) -> Path:
    from arkisto.search.indexer import index_paths

    folder = tmp_path / "archive"
    folder.mkdir()
    records = [
        decision(id="p1", committee="Rakennuslautakunta", meeting_date="2024-05-02", section="12",
                 title="Poikkeamislupa", preparation="Hakija: Ilmari Kivimäki, Rantatie 7 B 2, puh. 040 765 4321. "
                 "Naapurit ovat antaneet suostumuksensa."),
        decision(id="p2", committee="Rakennuslautakunta", meeting_date="2024-05-02", section="13",
                 title="Katusuunnitelma", preparation="Naapurit ovat antaneet lausuntonsa suunnitelmasta."),
    ]
    (folder / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path / "index"
    assert index_paths([folder], index_dir).records == 2
    return index_dir


@sync
async def test_badge_marks_and_mask(tmp_path):
    app = make_app(_index(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"naapurit")
        await settle(pilot)
        scr = app.screen
        results = scr.query_one(ResultList)
        prompts = {h.id: str(results.get_option(h.id).prompt) for h in results.hits}
        assert "sisältää henkilötietoja" in prompts["p1"]
        assert "sisältää henkilötietoja" not in prompts["p2"]
        results.highlighted = [h.id for h in results.hits].index("p1") * 2
        await settle(pilot)
        detail = scr.query_one(DetailPane)
        assert detail.record_id == "p1"
        body = detail.query_one("#detail-body").render()
        assert "sisältää henkilötietoja" in body.plain and "Ilmari Kivimäki" in body.plain
        marked = {body.plain[sp.start:sp.end] for sp in body.spans if "underline" in str(sp.style)}
        assert {"Ilmari Kivimäki", "Rantatie 7 B 2", "040 765 4321"} <= marked
        detail.focus()
        await pilot.press("m")
        await settle(pilot)
        body = detail.query_one("#detail-body").render()
        assert "Kivimäki" not in body.plain and "040 765 4321" not in body.plain
        assert "[nimi]" in body.plain and "[osoite]" in body.plain and "[puhelin]" in body.plain
        await pilot.press("m")
        await settle(pilot)
        assert "Ilmari Kivimäki" in detail.query_one("#detail-body").render().plain


@sync
async def test_config_redact_masks_by_default(tmp_path):
    app = make_app(_index(tmp_path), settings=Settings(redact="always"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*"poikkeamislupa")
        await settle(pilot)
        detail = app.screen.query_one(DetailPane)
        assert detail.record_id == "p1"
        body = detail.query_one("#detail-body").render().plain
        assert "Kivimäki" not in body and "[nimi]" in body
        # The list's snippet is cut from the same text: no name there either.
        await pilot.press("ctrl+u", *"hakija")
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        prompt = str(results.get_option("p1").prompt)
        assert "Kivimäki" not in prompt and "040 765" not in prompt and "[nimi]" in prompt, prompt


@sync
async def test_e_export_follows_the_configs_redaction(tmp_path):
    """`e` writes what leaves arkisto: with `redact = "always"` in the
    config, the file holds the kinds, not the applicant's name or phone."""
    index = _index(tmp_path)
    for mode, leaks in (("always", False), ("never", True)):
        out = tmp_path / f"out-{mode}"
        out.mkdir()
        app = make_app(index, settings=Settings(redact=mode), export_dir=out)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press(*"naapurit", "down", "e")
            await settle(pilot)
            app.screen.query_one("#fmt-csv").value = True
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        text = next(out.glob("*.csv")).read_text(encoding="utf-8-sig")
        assert ("Kivimäki" in text) is leaks and ("040 765 4321" in text) is leaks, mode
        assert ("[nimi]" in text) is not leaks
