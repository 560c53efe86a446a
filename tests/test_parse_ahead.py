"""Parsing on both cores (ingest/ahead.py): the next PDF's child parses while
the build indexes the one before, each PDF still in a child of its own with
its limits, and the build comes out as with one child at a time."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from arkisto import ingest
from arkisto.ingest import detect
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import FIXTURES, decision

PDFS = [FIXTURES / "lapua-cloudnc" / "lapua_ymparistolautakunta_2022-01-25_poytakirja.pdf",
        *sorted((FIXTURES / "oulu-tweb").glob("*.pdf")),
        *sorted((FIXTURES / "layouts" / "dev" / "ktweb-sv-pdf").glob("*.pdf"))]


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for i, pdf in enumerate(PDFS):
        shutil.copy(pdf, src / f"{i:02d}_{pdf.name}")
        if i == 2:  # other kinds between the PDFs, parsed by the build's own worker
            (src / f"{i:02d}_b.json").write_text(json.dumps([decision(id="json-1", title="Koulukuljetus")]),
                                                 encoding="utf-8")
    return src


def _build(src: Path, ix: Path, jobs: int, monkeypatch) -> tuple[list[dict], list[tuple], dict]:
    monkeypatch.setenv("ARKISTO_PARSE_JOBS", str(jobs))
    seen = []
    report = index_paths([src], ix, progress=seen.append)
    with SearchService(ix) as svc:
        records = sorted((r.model_dump(mode="json") for r in svc.records()), key=lambda r: r["id"])
    for r in records:
        r.pop("first_indexed", None)  # when it entered the index: a time, not content
    pages = [(Path(p.current).name, p.pages_done, p.pages_total) for p in seen if p.phase == "indexing"]
    counts = {"records": report.records, "files_indexed": report.files_indexed, "skipped": report.files_skipped}
    return records, pages, counts


def test_two_parsing_children_give_the_same_build_as_one(tmp_path: Path, monkeypatch):
    """The same records (every field), ids, counts, and the same progress,
    page by page for each PDF in the order of the files."""
    src = _folder(tmp_path)
    one = _build(src, tmp_path / "one", 1, monkeypatch)
    two = _build(src, tmp_path / "two", 2, monkeypatch)
    assert one[2] == two[2] and one[2]["records"] > 20 and one[2]["skipped"] == 0
    assert [r["id"] for r in two[0]] == [r["id"] for r in one[0]]
    assert two[0] == one[0]
    assert two[1] == one[1]
    assert ("00_" + PDFS[0].name, 20, 20) in two[1]  # the pages of the current PDF, to the last


def _meeting_parser(marks: Path, wait: float):
    """A PDF parser that leaves a mark and waits (up to ``wait`` s) for the
    mark of the other file: it sees it only if both are parsed at once."""
    from arkisto.ingest import minutes_reader

    def parse(path: Path, data: bytes):
        me = path.name
        (marks / me).touch()
        others = [m for m in ("a.pdf", "b.pdf") if m != me]
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not all((marks / o).exists() for o in others):
            time.sleep(0.02)
        if all((marks / o).exists() for o in others):
            (marks / (me + ".met")).touch()
        return minutes_reader.parse_pdf(path, data)

    return parse


def test_the_next_pdf_is_parsed_while_this_one_is(tmp_path: Path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PDFS[1], src / "a.pdf")
    shutil.copy(PDFS[2], src / "b.pdf")
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setitem(ingest.PARSERS, "pdf", lambda: [_meeting_parser(marks, 15.0)])
    monkeypatch.setenv("ARKISTO_PARSE_JOBS", "2")
    report = index_paths([src], tmp_path / "ix")
    assert report.files_indexed == 2
    assert (marks / "a.pdf.met").exists() and (marks / "b.pdf.met").exists()


def test_a_pdf_parsed_ahead_keeps_its_time_limit(tmp_path: Path, monkeypatch):
    """The slow file is stopped at its limit and named; the file parsed
    beside it is indexed."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PDFS[1], src / "a_slow.pdf")
    shutil.copy(PDFS[2], src / "b_fine.pdf")
    from arkisto.ingest import minutes_reader

    def parse(path: Path, data: bytes):
        if "slow" in path.name:
            time.sleep(120)
        return minutes_reader.parse_pdf(path, data)

    monkeypatch.setitem(ingest.PARSERS, "pdf", lambda: [parse])
    monkeypatch.setattr(detect, "PDF_TIMEOUT", 2.0)
    monkeypatch.setenv("ARKISTO_PARSE_JOBS", "2")
    problems = []
    report = index_paths([src], tmp_path / "ix", on_problem=problems.append)
    assert report.files_indexed == 1 and report.files_skipped == 1
    [slow] = [p for p in problems if p.severity == "error"]
    assert "a_slow.pdf" in str(slow) and "longer than 2 s" in slow.message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_build_uses_the_jobs_asked_for(jobs: str, monkeypatch):
    from arkisto.ingest.ahead import default_jobs

    monkeypatch.setenv("ARKISTO_PARSE_JOBS", jobs)
    assert default_jobs() == int(jobs)
    monkeypatch.setattr(detect, "ISOLATE_PDF", False)  # PDFium in this process: one thread only
    assert default_jobs() == 1


def _json_folder(tmp_path: Path, names: list[str]) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for i, name in enumerate(names):
        (src / name).write_text(json.dumps([decision(id=f"j{i}", title=f"Päätös {i}")]), encoding="utf-8")
    return src


def _marking_json_parser(marks: Path, slow: str = "", hold: float = 0.0):
    """arkisto JSON's parser, leaving a mark as it starts on a file (and
    sleeping ``hold`` s on a file whose name has ``slow`` in it)."""
    from arkisto.ingest import arkisto_json

    def parse(path: Path, data: bytes):
        (marks / path.name).touch()
        if slow and slow in path.name:
            time.sleep(hold)
        return arkisto_json.parse_json(path, data)

    return parse


def test_the_next_json_file_is_parsed_while_this_one_is_indexed(tmp_path: Path, monkeypatch):
    """Files other than PDFs are parsed one ahead in a worker of their own:
    b.json's parsing starts before a.json's records are written (with
    one file at a time it cannot: a.json's indexing waits for it in vain)."""
    import arkisto.search.indexer as indexer

    src = _json_folder(tmp_path, ["a.json", "b.json", "c.json"])
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setitem(ingest.PARSERS, "json", lambda: [_marking_json_parser(marks)])
    monkeypatch.setenv("ARKISTO_PARSE_JOBS", "2")
    real = indexer.IndexRun._index_file
    seen_ahead = {}

    def index_file(self, path):
        real(self, path)
        after = {"a.json": "b.json", "b.json": "c.json"}.get(path.name)
        if after:
            deadline = time.monotonic() + 10
            while not (marks / after).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            seen_ahead[path.name] = (marks / after).exists()

    monkeypatch.setattr(indexer.IndexRun, "_index_file", index_file)
    report = index_paths([src], tmp_path / "ix")
    assert report.files_indexed == 3 and report.records == 3
    assert seen_ahead == {"a.json": True, "b.json": True}


def test_a_json_file_parsed_ahead_keeps_its_time_limit(tmp_path: Path, monkeypatch):
    """A file too slow to parse in the read-ahead's worker is stopped at its
    limit and named; the worker is replaced and the files after it are
    indexed."""
    src = _json_folder(tmp_path, ["a.json", "b_slow.json", "c.json", "d.json"])
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setitem(ingest.PARSERS, "json", lambda: [_marking_json_parser(marks, "slow", 120)])
    monkeypatch.setattr(detect, "FILE_TIMEOUT", 2.0)
    monkeypatch.setenv("ARKISTO_PARSE_JOBS", "2")
    problems = []
    report = index_paths([src], tmp_path / "ix", on_problem=problems.append)
    assert report.files_indexed == 3 and report.files_skipped == 1
    [slow] = [p for p in problems if p.severity == "error"]
    assert "b_slow.json" in str(slow) and "longer than 2 s" in slow.message
    with SearchService(tmp_path / "ix") as svc:
        assert sorted(r.id for r in svc.records()) == ["j0", "j2", "j3"]
