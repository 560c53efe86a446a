from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import decision


@pytest.fixture
def facet_archive(tmp_path: Path) -> Path:
    """A small archive in arkisto's own JSON: three committees, two years,
    multi-valued projects, inflected words."""
    records = [
        decision(id="a1", committee="Kaupunginhallitus", meeting_date="2024-03-12", section="45",
                 title="Kehittämishankkeen rahoitus", presenter={"name": "Anna Virtanen"},
                 proposal="Kaupunginhallitus hyväksyy hankkeen rahoituksen.", outcome="approved",
                 funded_projects=[{"name": "VALSSI", "funder": "OKM"}, {"name": "DigiOne", "funder": "OPH"}]),
        decision(id="a2", committee="Kaupunginhallitus", meeting_date="2023-05-02", section="12",
                 title="Rakennusluvan myöntäminen", presenter={"name": "Anna Virtanen"},
                 proposal="Myönnetään rakennuslupa.", outcome="approved",
                 funded_projects=[{"name": "VALSSI", "funder": "OKM"}]),
        decision(id="a3", committee="Sivistyslautakunta", meeting_date="2024-09-01", section="3",
                 title="Hankkeet 2024", presenter={"name": "Pekka Laine"},
                 proposal="Lautakunta merkitsee hankkeet tiedoksi.", outcome="noted",
                 funded_projects=[{"name": "DigiOne", "funder": "OPH"}]),
        decision(id="a4", committee="Tekninen lautakunta", meeting_date="2024-10-10", section="7",
                 title="Katujen kunnossapito", presenter={"name": "Pekka Laine"},
                 proposal="Hyväksytään kunnossapitosuunnitelma.", outcome="tabled"),
    ]
    path = tmp_path / "archive"
    path.mkdir()
    (path / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def facet_index(tmp_path: Path, facet_archive: Path) -> Path:
    from arkisto.search.indexer import index_paths

    index_dir = tmp_path / "index"
    report = index_paths([facet_archive], index_dir)
    assert report.records == 4, report.problems
    return index_dir
