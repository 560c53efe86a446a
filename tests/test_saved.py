"""Saved searches (saved.py) and ``arkisto new`` / ``arkisto saved``: the
file survives kill -9 and two writers, a damaged file is reported and moved
aside, and each new record is printed exactly once across runs."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from arkisto import saved
from arkisto.cli import main
from arkisto.search.indexer import index_paths
from helpers import decision

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def saved_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "saved.json"
    monkeypatch.setenv("ARKISTO_SAVED", str(path))
    monkeypatch.setenv("ARKISTO_LANG", "en")
    return path


# --- the file --------------------------------------------------------------------------


def test_add_list_remove_and_the_two_marks_apart(saved_file: Path):
    saved.add("Päiväkodit", "päiväkoti", {"municipality": ["Heinola"], "year": []}, T0)
    saved.add("Koulut", "koulu*", None, None)
    items = saved.load()
    assert [s.name for s in items] == ["Päiväkodit", "Koulut"]
    assert items[0].filters == {"municipality": ["Heinola"]}  # an empty facet is no filter
    assert items[0].opened == items[0].reported == T0
    # `arkisto new` moves its mark; the TUI's stays.
    saved.move_mark("Päiväkodit", "reported", T0 + timedelta(hours=1))
    # Marks never move back.
    saved.move_mark("Päiväkodit", "reported", T0 + timedelta(minutes=5))
    got = saved.find(saved.load(), "Päiväkodit")
    assert got.reported == T0 + timedelta(hours=1) and got.opened == T0
    with pytest.raises(saved.SavedNameError):
        saved.add("Koulut", "x", None, None)
    saved.add("Koulut", "koulu", None, None, replace=True)
    assert saved.find(saved.load(), "Koulut").query == "koulu"
    saved.remove("Koulut")
    with pytest.raises(saved.UnknownSavedSearchError) as exc:
        saved.remove("Koulut")
    assert '"Päiväkodit"' in str(exc.value)
    # Written as documented.
    data = json.loads(saved_file.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["searches"][0]["reported"].startswith("2026-01-01T01:00:00")


def test_names_lose_control_characters_and_keep_brackets(saved_file: Path):
    item = saved.add("[b]x\x1b[31m\u202e punainen\n", "", None, None)
    assert item.name == "[b]x [31m punainen"
    with pytest.raises(saved.SavedNameError):
        saved.add("\x07\n ", "", None, None)


@pytest.mark.parametrize("content", [
    b"{not json", b'{"version": 1, "searches": {}}', b'[]', b"\xff\xfe\x00",
    b'{"version": 1, "searches": [{"name": 3}]}',
    b'{"version": 1, "searches": [{"name": "a", "filters": {"year": "2024"}}]}',
    b'{"version": 1, "searches": [{"name": "a", "created": "eilen"}]}',
])
def test_a_damaged_file_is_moved_aside_and_reported_never_emptied(saved_file: Path, content: bytes):
    saved_file.parent.mkdir(parents=True)
    saved_file.write_bytes(content)
    with pytest.raises(saved.SavedDamagedError) as exc:
        saved.load()
    assert exc.value.exit_code == 9
    aside = list(saved_file.parent.glob("saved.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert str(saved_file) in str(exc.value) and str(aside[0]) in str(exc.value)
    assert not saved_file.exists()
    # The next use starts afresh, and the damaged copy stays.
    saved.add("a", "b", None, None)
    assert [s.name for s in saved.load()] == ["a"] and aside[0].read_bytes() == content


def test_cli_reports_a_damaged_file_in_the_ui_language(saved_file: Path, capsys):
    saved_file.parent.mkdir(parents=True)
    saved_file.write_text("{", encoding="utf-8")
    assert main(["--lang", "fi", "saved", "list"]) == 9
    err = capsys.readouterr().err
    assert "tallennettujen hakujen tiedostoa" in err and str(saved_file) in err and ".damaged-" in err
    assert main(["saved", "list"]) == 0  # moved aside: the next run goes on


WRITER = r"""
import sys
from arkisto import saved
from datetime import datetime, timezone
path = saved.Path(sys.argv[1])
n = 0
while True:
    n += 1
    # A big file: a write takes long enough to be killed in the middle.
    items = [saved.SavedSearch(f"haku {i}", f"q{n}", {"year": [str(n)]}, created=datetime.now(timezone.utc))
             for i in range(200)]
    saved.save(items, path)
    if n == 1:
        print("ready", flush=True)
"""


def test_kill_9_during_writes_leaves_the_old_or_the_new_state(tmp_path: Path):
    path = tmp_path / "saved.json"
    rng = random.Random(17)
    last = 0
    for _round in range(25):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        items = saved.load(path)  # never damaged
        assert len(items) == 200
        n = int(items[0].query[1:])
        # One write's state, whole: every search of it from the same write.
        assert all(s.query == f"q{n}" and s.filters == {"year": [str(n)]} for s in items)
        assert n >= 1
        last = n
    assert last >= 1
    assert not list(tmp_path.glob("saved.json.damaged-*"))


ADDER = r"""
import sys
from arkisto import saved
path = saved.Path(sys.argv[1])
for i in range(25):
    saved.add(f"{sys.argv[2]} {i}", "q", None, None, path=path)
"""


def test_two_writers_never_tear_the_file_and_both_changes_stay(tmp_path: Path):
    path = tmp_path / "saved.json"
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(path), who]) for who in ("tui", "cron")]
    for p in procs:
        assert p.wait(timeout=120) == 0
    names = {s.name for s in saved.load(path)}
    assert names == {f"{who} {i}" for who in ("tui", "cron") for i in range(25)}


# --- arkisto new -----------------------------------------------------------------------------


def _write(path: Path, records: list[dict]) -> None:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def _new(ix: Path, capsys, *extra: str) -> tuple[int, str]:
    rc = main(["new", "--index", str(ix), *extra])
    return rc, capsys.readouterr().out


def test_new_prints_each_new_record_once_across_runs(tmp_path: Path, saved_file: Path, capsys):
    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    # Saved before there is any index: everything indexed later is new.
    assert main(["saved", "add", "Päiväkodit", "päiväkoti", "--index", str(ix)]) == 0
    assert main(["saved", "add", "Koulut", "koulu", "--index", str(ix)]) == 0
    capsys.readouterr()
    _write(src / "a.json", [decision(id="A", title="Päiväkodin laajennus", proposal="Päiväkoti laajennetaan.")])
    index_paths([src], ix)
    rc, out = _new(ix, capsys)
    assert rc == 0 and "Päiväkodit: 1 new" in out and "id A" in out and "Koulut" not in out
    rc, out = _new(ix, capsys)
    assert rc == 0 and out.strip() == "nothing new"
    rc, out = _new(ix, capsys, "--quiet")
    assert rc == 0 and out == ""
    _write(src / "b.json", [decision(id="B", title="Uusi päiväkoti", proposal="Päiväkoti rakennetaan."),
                            decision(id="K", title="Koulun korjaus", proposal="Koulu korjataan.")])
    index_paths([src], ix)
    # The TUI's count is its own: it still counts A and B.
    listed = json.loads(_list_json(ix, capsys))
    assert {d["name"]: (d["new"], d["new_since_opened"]) for d in listed} == {"Päiväkodit": (1, 2), "Koulut": (1, 1)}
    rc, out = _new(ix, capsys, "Päiväkodit", "--json")
    data = json.loads(out)
    assert rc == 0 and data["total"] == 1 and [r["id"] for r in data["searches"][0]["new"]] == ["B"]
    assert data["searches"][0]["new"][0]["first_indexed"]
    rc, out = _new(ix, capsys)
    assert "Koulut: 1 new" in out and "id K" in out and "id B" not in out and "id A" not in out
    # A changed file keeps its records' times: not new again.
    _write(src / "a.json", [decision(id="A", title="Päiväkodin laajennus", proposal="Päiväkoti laajennetaan nyt.")])
    index_paths([src], ix)
    assert _new(ix, capsys)[1].strip() == "nothing new"
    # Unknown name: exit 1, naming the saved searches.
    assert main(["new", "Kirjastot", "--index", str(ix)]) == 1
    err = capsys.readouterr().err
    assert '"Kirjastot"' in err and '"Päiväkodit"' in err and '"Koulut"' in err


def _list_json(ix: Path, capsys) -> str:
    assert main(["saved", "list", "--json", "--index", str(ix)]) == 0
    return capsys.readouterr().out


def test_a_record_indexed_while_new_runs_is_printed_by_the_next_run(tmp_path: Path, saved_file: Path, capsys,
                                                                    monkeypatch: pytest.MonkeyPatch):
    """The mark is the newest time printed, not the clock: a record that
    enters the index between the query and the mark's update is not lost."""
    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    _write(src / "a.json", [decision(id="A", title="Päiväkoti A")])
    index_paths([src], ix)
    assert main(["saved", "add", "P", "päiväkoti", "--index", str(ix)]) == 0
    capsys.readouterr()
    _write(src / "b.json", [decision(id="B", title="Päiväkoti B")])
    index_paths([src], ix)
    real_advance = saved.advance

    def index_meanwhile(which, newest, path=None):
        _write(src / "c.json", [decision(id="C", title="Päiväkoti C")])
        index_paths([src], ix)
        real_advance(which, newest, path)

    monkeypatch.setattr(saved, "advance", index_meanwhile)
    out = _new(ix, capsys)[1]
    assert "id B" in out and "id C" not in out and "id A" not in out
    monkeypatch.setattr(saved, "advance", real_advance)
    out = _new(ix, capsys)[1]
    assert "id C" in out and "id B" not in out
    assert _new(ix, capsys)[1].strip() == "nothing new"


def test_saved_commands_in_finnish(tmp_path: Path, saved_file: Path, capsys):
    ix = tmp_path / "ix"
    assert main(["--lang", "fi", "new"]) == 0
    assert "ei tallennettuja hakuja" in capsys.readouterr().out
    assert main(["saved", "add", "H", "hanke", "--committee", "Kaupunginhallitus", "--lang", "fi",
                 "--index", str(ix)]) == 0
    assert 'tallennettiin haku "H"' in capsys.readouterr().out
    assert saved.load()[0].filters == {"committee": ["Kaupunginhallitus"]}
    assert main(["saved", "remove", "X", "--lang", "fi"]) == 1
    assert 'tallennettua hakua "X" ei ole' in capsys.readouterr().err


def test_completion_knows_the_new_commands(capsys):
    assert main(["completion", "bash", "-o", "-"]) == 0
    script = capsys.readouterr().out
    assert " new saved " in script and '"add list remove"' in script and "--keep-mark" in script
