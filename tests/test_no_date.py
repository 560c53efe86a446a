"""Records whose date nobody states are counted in the year facet as
"päiväys puuttuu" ("no date"), selectable like any year, and found with
``vuosi:puuttuu``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arkisto.models import NO_DATE
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import decision


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nodate")
    src = root / "src"
    src.mkdir()
    records = [
        decision(id="d2024", committee="Kaupunginhallitus", meeting_date="2024-03-04", section="40",
                 title="Kaavamuutos", decision="Hyväksyttiin."),
        decision(id="d2023", committee="Kaupunginhallitus", meeting_date="2023-05-02", section="12",
                 title="Talousarvio", decision="Hyväksyttiin."),
        decision(id="u1", committee="Tilapäällikkö", title="Vuokrasopimus", decision="Päätän vuokrata tilan."),
        decision(id="u2", committee="Kaupunginhallitus", section="7", title="Kaavamuutos",
                 decision="Hyväksyttiin."),
        {"kind": "annual_report", "id": "r1", "organisation": "Kauhavan kaupunki", "title": "Toimintakertomus",
         "sections": [{"heading": "Katsaus", "text": "Kaavamuutos eteni."}],
         "source": {"path": "test", "format": "arkisto-json"}},
    ]
    (src / "r.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    index_paths([src], ix)
    return ix


def _ids(res) -> set[str]:
    return {h.id for h in res.hits}


def test_year_facet_counts_records_without_a_date(index: Path):
    with SearchService(index) as svc:
        res = svc.search("")
    values = [(v.value, v.count) for v in res.facets["year"].values]
    assert values == [("2024", 1), ("2023", 1), (NO_DATE, 3)]
    assert sum(c for _v, c in values) == res.total


@pytest.mark.parametrize("query", ["vuosi:puuttuu", "year:none", 'vuosi:"päiväys puuttuu"', "VUOSI:Puuttuu",
                                   'year:"no date"'])
def test_query_form_selects_them(index: Path, query: str):
    with SearchService(index) as svc:
        res = svc.search(query)
    assert _ids(res) == {"u1", "u2", "r1"}
    assert not res.hints


def test_selected_like_any_year(index: Path):
    with SearchService(index) as svc:
        value = svc.search("").facets["year"].values[-1].value
        res = svc.search("kaavamuutos", filters={"year": [value]})
        assert _ids(res) == {"u2", "r1"}
        assert [(v.value, v.selected) for v in res.facets["year"].values if v.selected] == [(NO_DATE, True)]
        # Values of one facet are OR-ed, with a year as with another year.
        assert _ids(svc.search("vuosi:puuttuu vuosi:2024")) == {"u1", "u2", "r1", "d2024"}
        # A range is years only.
        assert _ids(svc.search("vuosi:2020-2025")) == {"d2024", "d2023"}


def test_cli_year_flag(index: Path, capsys):
    from arkisto.cli import main

    assert main(["search", "--index", str(index), "--year", "none", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {h["id"] for h in out["hits"]} == {"u1", "u2", "r1"}


@pytest.mark.parametrize("lang, shown", [("fi", "päiväys puuttuu"), ("en", "no date")])
def test_tui_shows_it_in_the_ui_language(lang: str, shown: str):
    from arkisto.i18n import Strings
    from arkisto.tui.present import facet_value_prompt, filters_summary

    s = Strings(lang)
    assert facet_value_prompt("year", NO_DATE, 3, False, s).plain.endswith(shown)
    assert shown in filters_summary({"year": [NO_DATE]}, s)
