"""Every record carries the time it first entered the index, kept across
re-indexing: a changed file, a merged duplicate, a --rebuild.  Saved
searches' "new" (saved.py, ``arkisto new``) rests on it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from arkisto.search.indexer import IndexRun, index_paths
from arkisto.search.service import SearchService
from helpers import decision


def _times(ix: Path) -> dict[str, datetime | None]:
    with SearchService(ix) as svc:
        return {r.id: r.first_indexed for r in svc.records()}


def _write(path: Path, records: list[dict]) -> None:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def test_kept_across_a_changed_file_and_a_rebuild_new_file_gets_a_new_time(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    _write(src / "a.json", [decision(id="a1", title="Koulu"), decision(id="a2", title="Päiväkoti")])
    ix = tmp_path / "ix"
    before = datetime.now(timezone.utc)
    index_paths([src], ix)
    first = _times(ix)
    assert set(first) == {"a1", "a2"}
    for when in first.values():
        assert when is not None and when.tzinfo is not None
        assert when >= before.replace(microsecond=0)

    # The file changes (a title corrected, a record added): the ids it had keep their times.
    _write(src / "a.json", [decision(id="a1", title="Koulu korjattu"), decision(id="a2", title="Päiväkoti"),
                            decision(id="a3", title="Kirjasto")])
    index_paths([src], ix)
    second = _times(ix)
    assert second["a1"] == first["a1"] and second["a2"] == first["a2"]
    assert second["a3"] > max(first.values())

    # A rebuild of the index keeps every time it had.
    index_paths([src], ix, rebuild=True)
    assert _times(ix) == second

    # A new file: its record is newer than everything before.
    _write(src / "b.json", [decision(id="b1", title="Uimahalli")])
    index_paths([src], ix)
    third = _times(ix)
    assert {k: third[k] for k in second} == second
    assert third["b1"] > max(second.values())


def test_a_merged_duplicate_keeps_the_earliest_time(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    same = dict(municipality="Heinola", committee="Kasvatus- ja opetuslautakunta", meeting_date="2024-03-12",
                section="45", title="Hankkeen avustus")
    _write(src / "a.json", [decision(id="from-a", **same)])
    ix = tmp_path / "ix"
    index_paths([src], ix)
    (t_a,) = _times(ix).values()
    assert t_a is not None
    # The same decision from another file arrives later: one record, as old as the first.
    _write(src / "b.json", [decision(id="from-b", **same, proposal="Lautakunta hyväksyy hakemuksen.")])
    report = index_paths([src], ix)
    assert report.merged == 1
    times = _times(ix)
    assert list(times.values()) == [t_a]
    # And when the richer file changes, the merged record is still as old.
    _write(src / "b.json", [decision(id="from-b", **same, proposal="Lautakunta hyväksyy hakemuksen muutettuna.")])
    index_paths([src], ix)
    assert list(_times(ix).values()) == [t_a]


def test_records_indexed_before_times_were_kept_stay_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An index whose records have no time (built before this existed): a
    rebuild and an update keep them without one (never "new"), and only
    records that really are new get a time."""
    src = tmp_path / "src"
    src.mkdir()
    _write(src / "a.json", [decision(id="old", title="Vanha")])
    ix = tmp_path / "ix"
    with monkeypatch.context() as mp:
        mp.setattr(IndexRun, "_first_indexed", lambda self, record_id, again=True: None)
        index_paths([src], ix)
    assert _times(ix) == {"old": None}
    index_paths([src], ix, rebuild=True)
    assert _times(ix) == {"old": None}
    _write(src / "a.json", [decision(id="old", title="Vanha, korjattu"), decision(id="new", title="Uusi")])
    index_paths([src], ix)
    times = _times(ix)
    assert times["old"] is None and times["new"] is not None


def test_a_time_in_the_source_file_is_not_believed(tmp_path: Path):
    """An arkisto-JSON file (an export of another index) may carry
    first_indexed: this index's own time replaces it."""
    src = tmp_path / "src"
    src.mkdir()
    _write(src / "a.json", [decision(id="x", title="Vienti", first_indexed="2001-01-01T00:00:00Z")])
    ix = tmp_path / "ix"
    index_paths([src], ix)
    assert _times(ix)["x"].year >= 2026
