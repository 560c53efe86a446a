"""CLI flags and the service's filters behave like the query language's
filters (issue 15, point 7): any case, by prefix, years and ranges of
years; a value that finds nothing gets a note naming the nearest values."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ARKISTO = shutil.which("arkisto", path=str(Path(sys.executable).parent)) or shutil.which("arkisto")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": ""}
    return subprocess.run([ARKISTO, *args], capture_output=True, text=True, env=env, timeout=120)


def ids(r: subprocess.CompletedProcess) -> set[str]:
    assert r.returncode in (0, 1), r.stderr
    return {h["id"] for h in json.loads(r.stdout)["hits"]}


@pytest.fixture
def ix(facet_index: Path) -> str:
    return str(facet_index)


@pytest.mark.parametrize("flags,query", [
    (["--committee", "kaupunginhallitus"], "toimielin:kaupunginhallitus"),
    (["--committee", "KAUPUNGINHALLITUS"], "toimielin:Kaupunginhallitus"),
    (["--committee", "sivistys"], "toimielin:sivistys"),
    (["--committee", "tekninen", "--committee", "sivistys"], "toimielin:tekninen toimielin:sivistys"),
    (["--year", "2020-2024"], "vuosi:2020-2024"),
    (["--year", "2024"], "vuosi:2024"),
    (["--presenter", "anna"], "esittelijä:anna"),
    (["--project", "valssi"], "hanke:valssi"),
    (["--outcome", "hyväksytty"], "tulos:hyväksytty"),
])
def test_a_flag_finds_what_the_same_filter_in_the_query_finds(ix: str, flags: list[str], query: str):
    by_flag = ids(run("search", "--json", "--index", ix, *flags))
    assert by_flag, flags
    assert by_flag == ids(run("search", query, "--json", "--index", ix))


def test_the_flags_of_the_issue(ix: str):
    assert ids(run("search", "--json", "--index", ix, "--committee", "kaupunginhallitus")) == {"a1", "a2"}
    assert ids(run("search", "--json", "--index", ix, "--year", "2020-2024")) == {"a1", "a2", "a3", "a4"}
    assert ids(run("search", "--json", "--index", ix, "--year", "2023-2023")) == {"a2"}
    r = run("export", "--index", ix, "--committee", "kaupunginhallitus")
    assert {json.loads(line)["id"] for line in r.stdout.splitlines()} == {"a1", "a2"}


def test_a_value_that_finds_nothing_names_the_nearest(ix: str):
    r = run("search", "--json", "--index", ix, "--committee", "kaupunginhalitus", "--lang", "en")
    out = json.loads(r.stdout)
    assert out["total"] == 0 and r.returncode == 1
    (note,) = out["notes"]
    assert note["code"] == "no_match_nearest" and note["params"]["nearest"][0] == "Kaupunginhallitus"
    r = run("search", "--index", ix, "--year", "2019", "--lang", "fi")
    assert "huom: vuosi: '2019' ei löydy; lähimmät: 2023, 2024" in r.stderr
    r = run("search", "--index", ix, "--committee", "xyzzy", "--lang", "en")
    assert "note: no committee matches 'xyzzy'; its values include Kaupunginhallitus" in r.stderr


def test_the_service_resolves_passed_filters_as_the_tui_and_scripts_pass_them(facet_index: Path):
    from arkisto.search.service import SearchService

    with SearchService(facet_index) as svc:
        res = svc.search("", filters={"committee": ["kaupunginhallitus"], "year": ["2020-2024"]})
        assert {h.id for h in res.hits} == {"a1", "a2"}
        assert res.filters["committee"] == ["Kaupunginhallitus"] and not res.hints
        # A value picked from the facet list is exact, whatever else starts with it.
        assert svc.search("", filters={"committee": ["Tekninen lautakunta"]}).total == 1
