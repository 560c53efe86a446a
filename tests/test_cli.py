"""The installed `arkisto` entry point, run as a user would run it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import HEINOLA, decision

ARKISTO = shutil.which("arkisto", path=str(Path(sys.executable).parent)) or shutil.which("arkisto")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    assert ARKISTO, "the arkisto entry point is not installed"
    full_env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": "en", **(env or {})}  # the English messages
    return subprocess.run([ARKISTO, *args], capture_output=True, text=True, env=full_env, timeout=120)


@pytest.fixture(scope="module")
def heinola_index(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("cli") / "X"
    r = run("index", str(HEINOLA.parent), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert "1 records from 1 files indexed" in r.stderr
    return ix


def test_export_shows_heinola_fields(heinola_index: Path):
    r = run("export", "--index", str(heinola_index))
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    rec = json.loads(line)
    assert rec["committee"] == "Kasvatus- ja opetuslautakunta"
    assert rec["presenter"] == {"name": "Pirjo Hepo-oja", "title": "hyvinvointijohtaja",
                                "phone": "050 0717 310", "email": "etunimi.sukunimi@heinola.fi"}
    assert rec["authority"] == "Hallintosääntö 23.1 §"
    assert rec["outcome"] == "approved"
    assert len(rec["funded_projects"]) == 6
    assert rec["source"]["format"] == "minutes-text"


def test_search_json_schema(heinola_index: Path):
    r = run("search", "hankkeet", "--json", "--index", str(heinola_index))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"query", "total", "hits", "facets"} <= set(out)
    assert out["query"] == "hankkeet" and out["total"] == 1
    hit = out["hits"][0]
    for key in ("id", "kind", "title", "municipality", "committee", "meeting_date", "year", "section",
                "presenter", "outcome", "snippet", "score", "source"):
        assert key in hit, key
    assert hit["presenter"] == "Pirjo Hepo-oja"
    assert hit["source"]["path"].endswith(HEINOLA.name)
    for facet in ("committee", "presenter", "year", "funded_project"):
        assert facet in out["facets"]
    for value in out["facets"]["funded_project"]:
        assert set(value) == {"value", "count", "selected"}
    assert {"value": "VALSSI", "count": 1, "selected": False} in out["facets"]["funded_project"]


def test_search_human_output_and_exit_codes(heinola_index: Path):
    r = run("search", "toimintakertomus", "--index", str(heinola_index))
    assert r.returncode == 0
    assert "Kasvatus- ja opetuslautakunta" in r.stdout and "1 results" in r.stdout
    r = run("search", "olematonsanaxyz", "--index", str(heinola_index))
    assert r.returncode == 1
    assert "0 results" in r.stdout
    # Only one record, and it lacks one of the words: it is listed, saying so.
    r = run("search", "toimintakertomus olematonsanaxyz", "--index", str(heinola_index))
    assert r.returncode == 0 and "missing: olematonsanaxyz" in r.stdout
    assert "nothing matches the whole query" in r.stderr
    r = run("export", "toimintakertomus olematonsanaxyz", "--index", str(heinola_index))
    assert len(r.stdout.splitlines()) == 1 and "0 of the 1 records match the whole query" in r.stderr


def test_filters_from_flags(heinola_index: Path):
    r = run("search", "--json", "--committee", "Kasvatus- ja opetuslautakunta", "--index", str(heinola_index))
    assert json.loads(r.stdout)["total"] == 1
    r = run("search", "--json", "--committee", "Kaupunginhallitus", "--index", str(heinola_index))
    out = json.loads(r.stdout)
    assert out["total"] == 0 and r.returncode == 1
    assert {"value": "Kaupunginhallitus", "count": 0, "selected": True} in out["facets"]["committee"]


def test_show_by_id(heinola_index: Path):
    hit = json.loads(run("search", "--json", "--index", str(heinola_index)).stdout)["hits"][0]
    r = run("show", hit["id"], "--index", str(heinola_index))
    assert r.returncode == 0
    assert "Pirjo Hepo-oja, hyvinvointijohtaja, p. 050 0717 310" in r.stdout
    assert "Hallintosääntö 23.1 §" in r.stdout
    r = run("show", hit["id"], "--json", "--index", str(heinola_index))
    assert json.loads(r.stdout)["id"] == hit["id"]
    assert run("show", "eiole", "--index", str(heinola_index)).returncode == 1


def test_export_csv_has_model_field_names(heinola_index: Path):
    r = run("export", "--format", "csv", "--index", str(heinola_index))
    assert r.stdout.startswith("\ufeff")  # a UTF-8 BOM: spreadsheets read the encoding right
    rows = list(csv.DictReader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["committee"] == "Kasvatus- ja opetuslautakunta"
    # People and projects written out, not as JSON.
    assert rows[0]["presenter"] == "Pirjo Hepo-oja (hyvinvointijohtaja)"
    assert "VALSSI (OKM" in rows[0]["funded_projects"] and "{" not in rows[0]["funded_projects"]


def test_index_location_from_environment(heinola_index: Path):
    r = run("search", "--json", env={"ARKISTO_INDEX": str(heinola_index)})
    assert json.loads(r.stdout)["total"] == 1


def test_missing_index_exit_code_and_message(tmp_path: Path):
    r = run("search", "x", "--index", str(tmp_path / "none"))
    assert r.returncode == 3
    assert "no index" in r.stderr and "arkisto index" in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_error_exit_code():
    assert run("search", "--limit", "many").returncode == 2


def test_bad_files_reported_and_run_continues(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(HEINOLA, src / "heinola.txt")
    (src / "empty.txt").write_text("  \n", encoding="utf-8")
    (src / "broken.json").write_text('{"kind": "decision", "title": ', encoding="utf-8")
    (src / "bad-record.json").write_text(json.dumps([decision(id="ok1", title="Hyvä"), {"kind": "decision"}]),
                                         encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    r = run("index", str(src), "--index", str(tmp_path / "ix"))
    assert r.returncode == 0, r.stderr
    err = r.stderr
    assert "empty.txt: empty file" in err
    assert "broken.json: invalid JSON at line 1 column" in err
    assert "bad-record.json: record 2: not a valid record: source: Field required" in err
    assert "binary.txt: binary content" in err
    assert "2 records from 2 files indexed" in err and "3 skipped" in err
    out = json.loads(run("search", "--json", "--index", str(tmp_path / "ix")).stdout)
    assert out["total"] == 2


def test_index_json_summary(tmp_path: Path):
    r = run("index", str(HEINOLA.parent), "--index", str(tmp_path / "ix"), "--json")
    out = json.loads(r.stdout)
    assert out["records"] == 1 and out["doc_count"] == 1 and out["by_format"] == {"minutes-text": 1}


def test_json_paths_do_not_import_textual(heinola_index: Path):
    code = (
        "import sys, io, contextlib\n"
        "from arkisto.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['search', 'hankkeet', '--json', '--index', {str(heinola_index)!r}])\n"
        f"    main(['export', '--index', {str(heinola_index)!r}])\n"
        "print('textual' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr


def test_help_documents_exit_codes_and_query_language():
    r = run("--help")
    assert "exit codes:" in r.stdout and "130" in r.stdout
    assert "toimielin:" in r.stdout and "vuosi:2024" in r.stdout


def test_search_explain_and_related(heinola_index: Path):
    r = run("search", "hankkeet", "--explain", "--index", str(heinola_index))
    assert "hankkeet: base forms hanke" in r.stdout
    out = json.loads(run("search", "hankkeet", "--explain", "--json", "--index", str(heinola_index)).stdout)
    assert out["explain"]["words"][0]["base_forms"] == ["hanke"]
    hit_id = out["hits"][0]["id"]
    r = run("related", hit_id, "--json", "--index", str(heinola_index))
    assert r.returncode == 0 and set(json.loads(r.stdout)) == {"same_case", "similar"}
    assert run("related", "nope", "--index", str(heinola_index)).returncode == 1


def test_index_without_paths_updates_from_the_indexed_folders(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(HEINOLA, src / "heinola.txt")
    ix = tmp_path / "ix"
    assert run("index", str(src), "--index", str(ix)).returncode == 0
    (src / "more.json").write_text(json.dumps([decision(id="n1", title="Uusi päätös")]), encoding="utf-8")
    r = run("index", "--index", str(ix), "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["files_indexed"] == 1 and out["files_unchanged"] == 1
    assert out["doc_count"] == 2
    (src / "more.json").unlink()
    out = json.loads(run("index", "--index", str(ix), "--json").stdout)
    assert out["files_deleted"] == 1 and out["doc_count"] == 1


def test_a_query_of_stop_words_says_so(heinola_index: Path):
    # "ja" is a stop word: nothing to search, and the note says why (the
    # hint tested Whoosh's class name as "NullQuery"; it is "_NullQuery").
    r = run("search", "ja", "--index", str(heinola_index))
    assert r.returncode == 1, r.stderr  # found nothing
    assert "note: the query has no searchable words" in r.stderr
    assert "0 results" in r.stdout


@pytest.mark.parametrize("written_by", ["2.7.4", None])
def test_an_index_of_another_whoosh_asks_for_a_rebuild(heinola_index: Path, tmp_path: Path, written_by):
    # arkisto reads Whoosh's private format: an index written by another
    # version of Whoosh (or one that does not say) is rebuilt, not misread.
    ix = tmp_path / "ix"
    shutil.copytree(heinola_index, ix)
    gen = (ix / "CURRENT").read_text().strip()
    path = ix / gen / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["whoosh"] == "2.7.5"
    if written_by is None:
        del manifest["whoosh"]
    else:
        manifest["whoosh"] = written_by
    path.write_text(json.dumps(manifest), encoding="utf-8")
    r = run("search", "hanke", "--index", str(ix))
    assert r.returncode == 6, r.stderr
    assert "Whoosh" in r.stderr and "--rebuild" in r.stderr
    r = run("index", str(HEINOLA.parent), "--index", str(ix))
    assert r.returncode == 6, r.stderr
    r = run("index", "--rebuild", str(HEINOLA.parent), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert run("search", "hanke", "--index", str(ix)).returncode == 0
