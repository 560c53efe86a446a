"""The CLI's human output in one language (issue 15, point 8): index's
progress, problem lines and summary, check, paths, export, and the errors
(ArkistoError: a message key and its parameters), in Finnish by default and
in English with ``--lang en`` (or ARKISTO_LANG=en).  JSON keeps its keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import HEINOLA

ARKISTO = shutil.which("arkisto", path=str(Path(sys.executable).parent)) or shutil.which("arkisto")


def run(tmp: Path, *args: str, lang: str = "", **extra: str) -> subprocess.CompletedProcess:
    """arkisto with no language chosen but ``lang`` (ARKISTO_LANG), and a
    config home of its own (no `lang` there): Finnish unless told."""
    env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": lang, "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_DATA_HOME": str(tmp / "data"), **extra}
    return subprocess.run([ARKISTO, *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """One readable document and one that cannot be read."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(HEINOLA, folder / HEINOLA.name)
    (folder / "rikki.json").write_text('[{"id": "x", "kind": "decision", ', encoding="utf-8")
    return folder


def test_index_speaks_finnish_by_default_and_english_when_asked(tmp_path: Path, archive: Path):
    # ARKISTO_PROGRESS_SECONDS=0: the plain progress lines are printed too.
    r = run(tmp_path, "index", str(archive), "--index", str(tmp_path / "ix"), ARKISTO_PROGRESS_SECONDS="0")
    assert r.returncode == 0, r.stderr
    assert "ohitettu: " in r.stderr and "rikki.json" in r.stderr
    assert "tietuetta 1 tiedostosta hakemistoon" in r.stderr
    assert "1 ohitettu" in r.stderr and "varoitusta" in r.stderr and "Hakemistossa on" in r.stderr
    assert f"Hakemisto: {tmp_path / 'ix'}" in r.stderr
    assert "tilanne: " in r.stderr and "tiedostoa" in r.stderr
    for english in ("skipped", "records from", "files indexed", "The index holds", "Index:", "progress:",
                    "warning"):
        assert english not in r.stderr, (english, r.stderr)
    # A re-run: the file that could not be read is listed again, in Finnish.
    r = run(tmp_path, "index", str(archive), "--index", str(tmp_path / "ix"))
    assert "1 ennallaan" in r.stderr and "ei voitu lukea; ennallaan edellisestä ajosta" in r.stderr
    assert "(ennallaan edellisestä ajosta, ei luettu uudelleen)" in r.stderr and "not read again" not in r.stderr
    r = run(tmp_path, "index", str(archive), "--index", str(tmp_path / "ix"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "skipped: " in r.stderr and "1 unchanged" in r.stderr
    assert "could not be read, unchanged since the last run" in r.stderr and "not read again" in r.stderr
    assert "The index holds" in r.stderr and f"Index: {tmp_path / 'ix'}" in r.stderr
    assert "ohitettu" not in r.stderr and "Hakemisto" not in r.stderr


def test_index_json_keeps_its_keys_in_either_language(tmp_path: Path, archive: Path):
    fi = json.loads(run(tmp_path, "index", str(archive), "--index", str(tmp_path / "a"), "--json").stdout)
    en = json.loads(run(tmp_path, "index", str(archive), "--index", str(tmp_path / "b"), "--json",
                        "--lang", "en").stdout)
    assert fi.keys() == en.keys() and fi["files_indexed"] == 1 and fi["files_skipped"] == 1
    assert "error" in [p["severity"] for p in fi["problems"]]
    assert [p["message"] for p in fi["problems"]] == [p["message"] for p in en["problems"]]


def test_check_in_the_chosen_language(tmp_path: Path, archive: Path):
    ix = tmp_path / "ix"
    assert run(tmp_path, "index", str(archive), "--index", str(ix), "--quiet").returncode == 0
    r = run(tmp_path, "check", "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert f"hakemisto {ix} on eheä:" in r.stdout and "tietuetta" in r.stdout and "lähdetiedostoa" in r.stdout
    r = run(tmp_path, "check", "--index", str(ix), "--lang", "en")
    assert f"index at {ix} is intact:" in r.stdout and "source files" in r.stdout
    r = run(tmp_path, "check", "--index", str(ix), lang="en")
    assert "is intact" in r.stdout


def test_the_indexers_own_findings_in_the_chosen_language(tmp_path: Path, archive: Path):
    missing = tmp_path / "ei-ole"
    r = run(tmp_path, "index", str(archive), str(missing), "--index", str(tmp_path / "ix"))
    assert f"ohitettu: {missing}: tiedostoa tai kansiota ei ole" in r.stderr
    r = run(tmp_path, "index", str(archive), str(missing), "--index", str(tmp_path / "ix"), "--lang", "en")
    assert f"skipped: {missing}: no such file or folder" in r.stderr


def test_paths_in_the_chosen_language(tmp_path: Path):
    r = run(tmp_path, "paths", "--index", str(tmp_path / "ix"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["asetukset", "tiedot", "hakemisto", "tallennetut haut", "esimerkit"]
    assert lines[2].endswith(str(tmp_path / "ix"))
    r = run(tmp_path, "paths", "--index", str(tmp_path / "ix"), "--lang", "en")
    assert [line.split(":")[0] for line in r.stdout.splitlines()] == ["config", "data", "index", "saved searches", "sample"]
    # The values line up after the longest name ("saved searches:").
    assert r.stdout.splitlines()[2] == f"{'index:':<16} {tmp_path / 'ix'}"


@pytest.mark.parametrize("command", [["search", "hanke"], ["show", "x"], ["cite", "x"], ["export"], ["check"]])
def test_no_index_is_exit_3_in_the_chosen_language(tmp_path: Path, command: list[str]):
    ix = tmp_path / "nothing-here"
    r = run(tmp_path, *command, "--index", str(ix))
    assert r.returncode == 3, r.stderr
    assert r.stderr.startswith(f"arkisto: hakemistoa ei ole: {ix}\n")
    assert "Rakenna se komennolla `arkisto index KANSIO…`" in r.stderr and "Build one" not in r.stderr
    r = run(tmp_path, *command, "--index", str(ix), "--lang", "en")
    assert r.returncode == 3
    assert r.stderr.startswith(f"arkisto: no index at {ix}\n") and "Build one with" in r.stderr


def test_a_damaged_index_is_said_in_finnish(tmp_path: Path, archive: Path):
    ix = tmp_path / "ix"
    assert run(tmp_path, "index", str(archive), "--index", str(ix), "--quiet").returncode == 0
    (ix / "CURRENT").write_text("roskaa", encoding="utf-8")
    r = run(tmp_path, "search", "hanke", "--index", str(ix))
    assert r.returncode == 5, r.stderr
    assert "on vioittunut" in r.stderr and "Rakenna se uudelleen" in r.stderr and "is damaged" not in r.stderr


def test_export_to_a_file_says_so_in_the_chosen_language(tmp_path: Path, archive: Path):
    ix = tmp_path / "ix"
    assert run(tmp_path, "index", str(archive), "--index", str(ix), "--quiet").returncode == 0
    out = tmp_path / "out.csv"
    r = run(tmp_path, "export", "--index", str(ix), "--format", "csv", "-o", str(out))
    assert r.returncode == 0 and f"Vietiin 1 tietuetta tiedostoon {out}" in r.stderr
    r = run(tmp_path, "export", "--index", str(ix), "--format", "csv", "-o", str(out), "--lang", "en")
    assert f"Exported 1 records to {out}" in r.stderr


def test_errors_carry_a_key_and_render_in_either_language():
    from arkisto.errors import NoIndexError
    from arkisto.i18n import Msg, Strings

    exc = NoIndexError(Msg("err_no_index", path="/x"), Msg("hint_no_index"))
    assert exc.key == "err_no_index" and exc.params == {"path": "/x"}
    assert exc.message == "no index at /x" and str(exc).startswith("no index at /x\nBuild one")
    message, hint = exc.render(Strings("fi"))
    assert message == "hakemistoa ei ole: /x" and hint is not None and hint.startswith("Rakenna se")
    # A message from elsewhere is shown as it is, in any language.
    plain = NoIndexError("as it is {not a field}")
    assert plain.render(Strings("fi")) == ("as it is {not a field}", None)


def test_settings_problems_in_the_chosen_language(tmp_path: Path):
    cfg = tmp_path / "config" / "arkisto" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('bogus = 1\npage_size = 3\n[keys]\ncopy = "ctrl+nope"\n', encoding="utf-8")
    r = run(tmp_path, "paths")
    assert r.returncode == 0, r.stderr
    assert f"arkisto: {cfg}: tuntematon asetus 'bogus' ohitettiin" in r.stderr
    assert "page_size-arvon pitää olla luku 5–500" in r.stderr
    assert "[keys] copy: 'ctrl+nope' ei ole näppäin; ohitettiin" in r.stderr
    assert "ignored" not in r.stderr
    r = run(tmp_path, "paths", "--lang", "en")
    assert f"arkisto: {cfg}: unknown setting 'bogus' ignored" in r.stderr
    assert "[keys] copy: 'ctrl+nope' is not a key; ignored" in r.stderr
