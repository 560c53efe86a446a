"""Every file has a time and a size budget, not just PDFs: a text, HTML or
JSON file that makes a parser loop or explode is stopped, named, and the run
goes on.  (Only PDFs ran in a child with limits; a hostile text file could
hold the run, and the index lock, for ever.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import arkisto.ingest as ingest
import arkisto.ingest.detect as detect
from helpers import FIXTURES, HEINOLA, decision


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


SAMPLES = {
    "text": ("hostile.txt", "Päätös Hyväksyttiin.\n\nEsittelijä Anna\n"),
    "html": ("hostile.html", "<html><body><p>Teksti</p></body></html>"),
    "json": ("hostile.json", json.dumps([decision(id="h1", title="Otsikko")])),
}


def _looping(path, data):
    while True:
        pass


def _bomb(path, data):
    chunks = []
    while True:
        chunks.append(bytearray(50 * 1024 * 1024))


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_file_that_makes_the_parser_loop_is_stopped(tmp_path: Path, monkeypatch, kind: str):
    monkeypatch.setattr(detect, "FILE_TIMEOUT", 1.0)
    monkeypatch.setitem(ingest.PARSERS, kind, lambda: [_looping])
    name, content = SAMPLES[kind]
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    r = detect.parse_path(f)
    assert r.records == []
    assert str(r.problems[0]).startswith(f"{f}: parsing took longer than 1 s and was stopped")


def test_a_file_that_explodes_in_memory_is_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(detect, "FILE_MEMORY_MB", 200)
    monkeypatch.setitem(ingest.PARSERS, "json", lambda: [_bomb])
    name, content = SAMPLES["json"]
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    r = detect.parse_path(f)
    assert r.records == []
    assert "needed more than 200 MiB" in str(r.problems[0]) and name in str(r.problems[0])


def test_the_next_file_parses_after_one_was_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(detect, "FILE_TIMEOUT", 1.0)
    monkeypatch.setitem(ingest.PARSERS, "html", lambda: [_looping])
    name, content = SAMPLES["html"]
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert "longer than 1 s" in str(detect.parse_path(tmp_path / name).problems[0])
    good = detect.parse_path(HEINOLA)
    assert len(good.records) == 1 and good.format == "minutes-text"


def test_a_pdf_over_the_size_budget_is_skipped_by_name(monkeypatch):
    monkeypatch.setattr(detect, "MAX_PDF_BYTES", 1024 * 1024)
    pdf = FIXTURES / "annual-reports" / "kauhava_tilinpaatos_2024.pdf"
    r = detect.parse_path(pdf)
    assert r.records == []
    assert str(r.problems[0]) == f"{pdf}: file is 3 MiB; PDFs over 1 MiB are skipped"


# A run of `arkisto index` whose text parser loops on one file: the run ends,
# names that file, and indexes the others.
_HOSTILE_RUN = """
import sys
import arkisto.ingest as ingest
from arkisto.cli import main

text_parsers = ingest.PARSERS["text"]

def parsers():
    def hostile(path, data):
        if path.name == "hostile.txt":
            while True:
                pass
        return None
    return [hostile] + text_parsers()

ingest.PARSERS["text"] = parsers
sys.exit(main(sys.argv[1:]))
"""


def test_index_run_goes_on_past_a_hostile_text_file(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(SAMPLES["text"][1], encoding="utf-8")
    (docs / "good.txt").write_bytes(HEINOLA.read_bytes())
    env = dict(os.environ, ARKISTO_FILE_TIMEOUT="2")
    r = subprocess.run([sys.executable, "-c", _HOSTILE_RUN, "index", str(docs), "--index", str(tmp_path / "ix")],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert f"skipped: {docs / 'hostile.txt'}: parsing took longer than 2 s and was stopped" in r.stderr
    assert "1 records from 1 files indexed" in r.stderr


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_worker_dies_with_its_parent(tmp_path: Path):
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from arkisto.ingest import detect\n"
        "detect.parse_path(Path(sys.argv[1]))\n"
        "print(detect._WORKER.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(HEINOLA)], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    try:
        assert Path(f"/proc/{worker}").exists()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the parsing worker outlived its parent"
    finally:
        proc.kill()
        proc.wait()
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pass
