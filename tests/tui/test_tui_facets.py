"""Facets people can tell apart: no two values look the same when cut to the
panel (cut in the middle, the whole name as tooltip, in the status bar and
the detail pane), the municipality first when there are several, and any
facet the service returns shown under its name in the UI language."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rich.text import Text
from tui_support import settle, sync

from helpers import decision

from arkisto.i18n import Strings
from arkisto.tui.app import make_app
from arkisto.tui.widgets import DetailPane, FacetPanel, ResultList, StatusBar

LONG = [
    "Kaupunkiympäristölautakunta",
    "Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto",
    "Kaupunkiympäristölautakunnan liikennejaosto",
    "Kasvatus- ja opetuslautakunnan suomenkielinen jaosto",
    "Kasvatus- ja opetuslautakunnan ruotsinkielinen jaosto",
    "[b]Kaupunkiympäristölautakunnan[/b] rakennusjaosto",  # markup is text
]


@pytest.fixture
def cities_index(tmp_path: Path) -> Path:
    records = []
    for i, committee in enumerate(LONG):
        for city in ("Helsinki", "Espoo", "Vantaa"):
            records.append(decision(id=f"{city}-{i}", municipality=city, committee=committee,
                                    meeting_date=f"2024-0{i + 1}-10", section=str(i + 1),
                                    title=f"Asia {i} {city}", proposal="Hyväksytään."))
    return _indexed(tmp_path, "cities", records)


def _indexed(tmp_path: Path, name: str, records: list[dict]) -> Path:
    """An index of ``records`` (written as one JSON file of archive ``name``)."""
    from arkisto.search.indexer import index_paths

    archive = tmp_path / name
    archive.mkdir()
    (archive / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path / f"{name}-index"
    assert index_paths([archive], index_dir).records == len(records)
    return index_dir


def test_middle_cuts_keep_names_apart():
    from arkisto.tui.present import distinct_shortenings, shorten_middle

    for width in (8, 12, 16, 22, 30):
        shown = distinct_shortenings(LONG, width)
        assert len(set(shown)) == len(LONG), (width, shown)
        assert all(len(s) <= width for s in shown)
    # cut in the middle: both ends stay
    assert shorten_middle("Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto", 20) == "Kaupunkiymp…pajaosto"
    assert shorten_middle("Tiimipäällikkö", 20) == "Tiimipäällikkö"


def test_middle_cuts_keep_any_names_apart():
    """Names sharing long beginnings and ends, differing anywhere."""
    from arkisto.tui.present import distinct_shortenings

    rng = random.Random(15)
    for _ in range(200):
        stem, tail = "x" * rng.randint(0, 30), "y" * rng.randint(0, 30)
        names = sorted({stem + "".join(rng.choice("abc") for _ in range(rng.randint(1, 4))) + tail
                        for _ in range(rng.randint(2, 6))})
        width = rng.randint(8, 30)
        shown = distinct_shortenings(names, width)
        assert len(set(shown)) == len(names), (names, width, shown)
        assert all(len(s) <= width for s in shown)


def test_a_facet_without_a_label_is_titled_from_its_name():
    from arkisto.tui.present import facet_title

    assert facet_title("official", Strings("fi")) == "Viranhaltija"
    assert facet_title("official", Strings("en")) == "Official"
    assert facet_title("meeting_place", Strings("fi")) == "Meeting place"


def facet_prompts(app) -> dict[str, list[str]]:
    """The facet panel as shown: heading -> the values as shown (after the
    mark and the count)."""
    panel = app.screen.query_one(FacetPanel)
    out: dict[str, list[str]] = {}
    heading = ""
    for i in range(panel.option_count):
        option = panel.get_option_at_index(i)
        if (option.id or "").startswith("h"):
            heading = option.prompt.plain
            out[heading] = []
        elif (option.id or "").startswith("v"):
            out[heading].append(option.prompt.plain[1:].lstrip().split(" ", 1)[1])
    return out


@sync
async def test_no_two_bodies_look_the_same_at_80_columns(cities_index):
    app = make_app(cities_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        panel.expanded.add("committee")
        panel._render_options()
        prompts = facet_prompts(app)
        bodies = prompts["Toimielin"]
        assert len(bodies) == len(LONG)
        assert len(set(bodies)) == len(LONG), bodies
        assert all("…" in b for b in bodies)
        assert any(b.endswith("jaosto") for b in bodies), bodies  # the end of a name stays
        # the municipality first: "Kaupunkiympäristölautakunta" is three cities' bodies
        assert list(prompts)[0] == "Kunta"


@sync
async def test_a_shortened_name_in_full_as_tooltip_status_and_detail(cities_index):
    app = make_app(cities_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        scr = app.screen
        panel = scr.query_one(FacetPanel)
        await pilot.press("tab")
        await settle(pilot)
        ids = [panel.get_option_at_index(i).id or "" for i in range(panel.option_count)]
        target = next(i for i, oid in enumerate(ids) if oid.endswith("[b]Kaupunkiympäristölautakunnan[/b] rakennusjaosto"))
        full = "Toimielin: [b]Kaupunkiympäristölautakunnan[/b] rakennusjaosto"
        # the keyboard: the status bar gives the whole name
        panel.highlighted = target
        await settle(pilot)
        assert scr.query_one(StatusBar).message == full
        # the mouse: the tooltip gives it, as text (never markup)
        panel._mouse_hovering_over = target
        await pilot.pause()
        assert isinstance(panel.tooltip, Text) and panel.tooltip.plain == full
        panel._mouse_hovering_over = None
        await pilot.pause()
        assert panel.tooltip is None
        # the detail pane names the body in full
        await pilot.press("enter")
        await settle(pilot)
        assert scr.result.filters == {"committee": ["[b]Kaupunkiympäristölautakunnan[/b] rakennusjaosto"]}
        scr.query_one(ResultList).focus()
        await pilot.press("enter")  # open the hit
        await settle(pilot)
        body = str(scr.query_one(DetailPane).query_one("#detail-body").render())
        assert "[b]Kaupunkiympäristölautakunnan[/b] rakennusjaosto" in body


@sync
async def test_one_municipality_is_not_listed_first(tui_index):
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        prompts = facet_prompts(app)
        assert list(prompts)[0] == "Toimielin" and "Kunta" not in prompts


@sync
async def test_every_facet_the_service_returns_is_shown(tui_index, monkeypatch):
    """The officials' facet (and one the UI has no name for) as the service
    returns them: shown under a heading, their values toggled as filters."""
    from arkisto.search.results import Facet, FacetValue
    from arkisto.tui import backend

    real_search = backend.Backend.search

    def search(self, req, *args):
        res = real_search(self, req, *args)
        chosen = req.filters.get("official", ())
        res.facets["official"] = Facet("official", [FacetValue("Tiimipäällikkö", 2, "Tiimipäällikkö" in chosen),
                                                    FacetValue("Yksikön päällikkö", 1)])
        res.facets["meeting_place"] = Facet("meeting_place", [FacetValue("Kaupungintalo", 3)])
        return res

    monkeypatch.setattr(backend.Backend, "search", search)
    app = make_app(tui_index)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        prompts = facet_prompts(app)
        names = list(prompts)
        assert names.index("Viranhaltija") == names.index("Toimielin") + 1
        assert prompts["Viranhaltija"] == ["Tiimipäällikkö", "Yksikön päällikkö"]
        assert "Meeting place" in prompts
        panel = app.screen.query_one(FacetPanel)
        panel.post_message(FacetPanel.Toggled(panel, "official", "Tiimipäällikkö"))
        await settle(pilot)
        assert app.screen.state.filters == {"official": ("Tiimipäällikkö",)}
        # (the service of this branch does not filter by officials yet; the
        # line of filters names the facet in the UI language all the same)
        from arkisto.tui.present import filters_summary

        assert filters_summary({"official": ["Tiimipäällikkö"]}, app.strings) == "Viranhaltija: Tiimipäällikkö"


@sync
async def test_a_facet_of_thousands_of_values_is_cut_only_where_listed(tui_index, monkeypatch):
    """A million-decision archive has 10,000 presenters.  The panel lists
    five per facet until it is opened, and only those are made fit the
    panel: painting a result did this work for every value, 150 ms of the
    screen's time per keystroke.  Opened, the facet lists them all, and no
    two long names that share their ends look the same."""
    from arkisto.search.results import Facet, FacetValue
    from arkisto.tui import backend
    from arkisto.tui.widgets import facets as facets_mod

    many = [FacetValue(f"Kaupunkiympäristön esittelijä numero {i:05d} toimialalta", 5000 - i) for i in range(5000)]
    real_search = backend.Backend.search

    def search(self, req, *args):
        res = real_search(self, req, *args)
        res.facets["presenter"] = Facet("presenter", list(many))
        return res

    monkeypatch.setattr(backend.Backend, "search", search)
    cut = []
    real_display = facets_mod.facet_display
    monkeypatch.setattr(facets_mod, "facet_display", lambda *a: cut.append(a) or real_display(*a))
    app = make_app(tui_index)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        assert len(facet_prompts(app)["Esittelijä"]) == 5
        assert any(panel.get_option_at_index(i).prompt.plain.strip() == "näytä kaikki (5000)"
                   for i in range(panel.option_count))
        assert 0 < len(cut) < 200  # the values listed, not every value
        # Opened: all 5,000, each told apart from the others.
        panel.expanded.add("presenter")
        panel._render_options()
        shown = facet_prompts(app)["Esittelijä"]
        assert len(shown) == 5000 and len(set(shown)) == 5000


@pytest.fixture
def presenters_index(tmp_path: Path) -> Path:
    """260 decisions, each presented by someone else: more presenters than a
    search lists (backend.FACET_LIMIT)."""
    records = [decision(id=f"p{i}", committee="Kaupunginhallitus", meeting_date="2024-05-10", section=str(i + 1),
                        title=f"Hankkeen rahoitus {i}", presenter={"name": f"Esittelijä Numero{i:03d}"},
                        proposal="Merkitään tiedoksi." if i % 9 == 0 else "Hyväksytään hankkeen rahoitus.")
               for i in range(260)]
    return _indexed(tmp_path, "presenters", records)


@sync
async def test_a_facet_the_search_listed_in_part_is_fetched_whole_when_opened(presenters_index):
    """A search lists each facet's first 200 values (all of them cost 20–30
    ms a keystroke at a million decisions); the panel still says how many
    there are, and opening the facet lists every one of them, for the query
    typed since too."""
    from arkisto.tui.backend import FACET_LIMIT
    from arkisto.tui.widgets.facets import SEP

    app = make_app(presenters_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        facet = app.screen.result.facets["presenter"]
        assert len(facet.values) == FACET_LIMIT < 260 and facet.truncated
        panel = app.screen.query_one(FacetPanel)
        ids = [panel.get_option_at_index(i).id for i in range(panel.option_count)]
        more = ids.index(f"x{SEP}presenter")
        assert panel.get_option_at_index(more).prompt.plain.strip() == "näytä kaikki (260)"
        panel.focus()
        panel.highlighted = more
        await pilot.press("enter")
        await settle(pilot)
        shown = facet_prompts(app)["Esittelijä"]
        assert len(shown) == 260 and len(set(shown)) == 260
        # Typed while it is open: the facet of the new query, whole.
        app.screen.query_one("#query").focus()
        await pilot.press(*"hyväksytään")
        await pilot.pause(0.3)  # the typing debounce
        await settle(pilot)
        assert app.screen.result.query == "hyväksytään" and app.screen.result.total == 231
        assert len(facet_prompts(app)["Esittelijä"]) == 231  # not the 200 it listed, nor the 260 before
