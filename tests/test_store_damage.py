"""Every failure of the index store has its message and its documented exit
code, never a traceback; readers keep the generation they read; a lost
CURRENT is repaired, never a reason to delete the index."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from arkisto.cli import main
from arkisto.errors import DiskFullError, IndexLockedError
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from arkisto.search.store import CURRENT, LOCK, MANIFEST, IndexStore, _edge_hash, sha256_file
from helpers import decision


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arkisto", *args], capture_output=True, text=True, timeout=120)


def _archive(root: Path, n: int = 30) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    recs = [decision(id=f"d{i}", title=f"Päätös {i}", committee="Kaupunginhallitus",
                     proposal="hanke koulu rakennuslupa talousarvio " * (3 + i % 7) + f"sana{i}")
            for i in range(n)]
    (root / "a.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture
def ix(tmp_path: Path) -> Path:
    index_dir = tmp_path / "ix"
    index_paths([_archive(tmp_path / "src")], index_dir)
    return index_dir


def _assert_damaged(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 5, (proc.returncode, proc.stderr)
    assert "damaged" in proc.stderr


# --- damaged shapes: exit 5 with a message --------------------------------------------


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00garbage", b"gen-../../etc", b"", b"gen-000001\x00"])
def test_garbage_in_current(ix: Path, garbage: bytes):
    (ix / CURRENT).write_bytes(garbage)
    _assert_damaged(_run("search", "hanke", "--index", str(ix)))


@pytest.mark.parametrize("change", [
    {"files": []},
    {"files": {"x": {"size": "12", "sha256": 3}}},
    {"sources": ["a"]},
    {"roots": "abc"},
    {"doc_count": "many"},
])
def test_manifest_entries_of_the_wrong_type(ix: Path, change: dict):
    gen = IndexStore(ix).current_dir()
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    data.update(change)
    (gen / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    _assert_damaged(_run("search", "hanke", "--index", str(ix)))
    _assert_damaged(_run("check", "--index", str(ix)))


def test_generation_folder_replaced_by_a_file(ix: Path):
    import shutil

    gen = IndexStore(ix).current_dir()
    shutil.rmtree(gen)
    gen.write_bytes(b"not a folder")
    _assert_damaged(_run("search", "hanke", "--index", str(ix)))
    _assert_damaged(_run("show", "d1", "--index", str(ix)))


def test_damaged_middle_block_of_postings_is_damage_not_usage(tmp_path: Path):
    """Bytes flipped in the middle of the segment (the manifest rewritten
    to match): whatever a search reads there is reported as damage."""
    index_dir = tmp_path / "ix"
    index_paths([_archive(tmp_path / "src", n=400)], index_dir)
    gen = IndexStore(index_dir).current_dir()
    seg = next(p for p in gen.iterdir() if p.name.endswith(".seg"))
    data = bytearray(seg.read_bytes())
    for i in range(len(data) // 5, len(data) * 4 // 5, 97):  # the middle, away from the edges
        data[i] ^= 0x5A
    seg.write_bytes(bytes(data))
    m = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    m["files"][seg.name].update(sha256=sha256_file(seg), edges=_edge_hash(seg))
    (gen / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    codes = set()
    for q in ["hanke", "koulu", "rakennuslupa", "talousarvio", '"hanke koulu"', "sana1*", "päätös"]:
        proc = _run("search", q, "--index", str(index_dir))
        assert "Traceback" not in proc.stderr, (q, proc.stderr)
        assert proc.returncode in (0, 1, 5), (q, proc.returncode, proc.stderr)
        codes.add(proc.returncode)
    assert 5 in codes, codes  # the damage is in what these words read
    _assert_damaged(_run("check", "--index", str(index_dir)))


# --- the lock ---------------------------------------------------------------------------------


def test_full_disk_while_taking_the_lock_is_exit_7(tmp_path: Path, monkeypatch):
    src = _archive(tmp_path / "src")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    with pytest.raises(DiskFullError) as info:
        index_paths([src], tmp_path / "ix")
    assert info.value.exit_code == 7


def test_a_waiter_that_gives_up_keeps_the_holders_pid(ix: Path):
    store = IndexStore(ix)
    held = threading.Event()
    release = threading.Event()

    def holder():
        with store.lock(wait=0, what="indexing"):
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    try:
        with pytest.raises(IndexLockedError) as info:
            with IndexStore(ix).lock(wait=0.2):
                pass
        assert f"pid {os.getpid()}" in info.value.message
        # The waiter gave up; the holder's note is still there for the next one.
        assert json.loads((ix / LOCK).read_text())["pid"] == os.getpid()
        with pytest.raises(IndexLockedError) as again:
            with IndexStore(ix).lock(wait=0):
                pass
        assert f"pid {os.getpid()}" in again.value.message
    finally:
        release.set()
        t.join()


# --- a lost CURRENT ----------------------------------------------------------------------------


def test_removed_current_is_read_and_repaired_not_deleted(tmp_path: Path):
    src = _archive(tmp_path / "src")
    index_dir = tmp_path / "ix"
    index_paths([src], index_dir)
    (src / "b.json").write_text(json.dumps([decision(id="b1", title="Uusi")]), encoding="utf-8")
    index_paths([src], index_dir)
    (index_dir / CURRENT).unlink()
    # Readers find the newest complete generation.
    proc = _run("search", "--index", str(index_dir), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 31
    # The next run repairs CURRENT and keeps everything.
    r = _run("index", str(src), "--index", str(index_dir), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["doc_count"] == 31 and out["files_unchanged"] == 2
    assert any("CURRENT was missing" in p["message"] for p in out["problems"])
    assert (index_dir / CURRENT).exists()


# --- readers keep what they read -----------------------------------------------------------------


def test_open_reader_keeps_its_generation_through_two_publishes(tmp_path: Path):
    src = _archive(tmp_path / "src")
    index_dir = tmp_path / "ix"
    index_paths([src], index_dir)
    with SearchService(index_dir) as svc:
        first = svc.generation
        for i in range(2):
            (src / f"new{i}.json").write_text(json.dumps([decision(id=f"n{i}", title=f"Uusi {i}")]),
                                              encoding="utf-8")
            index_paths([src], index_dir)
        assert (index_dir / first).is_dir()
        # A new searcher on the generation it holds still opens.
        svc._local.searcher = None
        assert svc.search("hanke").total == 30
        assert svc.stale()
    # Once the reader is gone, the next writer removes the generation.
    (src / "new9.json").write_text(json.dumps([decision(id="n9", title="Uusi 9")]), encoding="utf-8")
    index_paths([src], index_dir)
    assert not (index_dir / first).exists()
    assert not (index_dir / (first + ".readers")).exists()


# --- output files ---------------------------------------------------------------------------------


def test_export_into_an_unwritable_folder_is_exit_8(ix: Path, tmp_path: Path, monkeypatch, capsys):
    import builtins

    real_open = builtins.open
    target = tmp_path / "readonly" / "out.csv"

    def guarded(file, *a, **k):
        if str(file).startswith(str(target.parent)):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", guarded)
    code = main(["export", "--index", str(ix), "--format", "csv", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 8, err
    assert "permission denied" in err and "Traceback" not in err


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("fast", [True, False])  # whoosh_format's fast paths, and Whoosh's public API
def test_random_damage_in_a_segment_is_a_result_or_exit_5(tmp_path: Path, seed: int, fast: bool, capsys,
                                                          monkeypatch):
    """Random bytes written over a random stretch of the segment, the
    manifest rewritten to match: every command answers or says the index
    is damaged, never a traceback (run in process: an exception escaping
    main() fails the test)."""
    import random

    from arkisto.search import whoosh_format

    monkeypatch.setattr(whoosh_format, "FAST", fast)
    rnd = random.Random(seed)
    index_dir = tmp_path / "ix"
    index_paths([_archive(tmp_path / "src", n=200)], index_dir)
    gen = IndexStore(index_dir).current_dir()
    seg = next(p for p in gen.iterdir() if p.name.endswith(".seg"))
    data = bytearray(seg.read_bytes())
    start = rnd.randrange(len(data) // 10, len(data) * 9 // 10)
    for i in range(start, min(start + rnd.choice([1, 16, 256, 4096]), len(data))):
        data[i] = rnd.randrange(256)
    seg.write_bytes(bytes(data))
    m = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    m["files"][seg.name].update(sha256=sha256_file(seg), edges=_edge_hash(seg))
    (gen / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    for args in (["search", "hanke"], ["search", '"hanke koulu"'], ["search", "sana1*"], ["show", "d5"],
                 ["export"], ["related", "d5"]):
        code = main([*args, "--index", str(index_dir)])
        err = capsys.readouterr().err
        assert code in (0, 1, 5), (args, code, err)
        if code == 5:
            assert "damaged" in err
    # check reads everything; damage that still decodes (a weight, a letter
    # of a stored text) is beyond what a hash rewritten to match can tell.
    assert main(["check", "--index", str(index_dir)]) in (0, 5)


def _stretch(seg: Path, where: str) -> range:
    """Bytes of the segment's compound file: its end, where its directory of
    files is (``directory``, ``directory-long``), or the start of one of the
    files in it (``terms``: the term table; ``stored``: the stored records' column)."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    size = seg.stat().st_size
    if where.startswith("directory"):
        n = 3000 if where == "directory-long" else 64
        return range(size - n, size)
    with open(seg, "rb") as f:
        files = CompoundStorage(StructFile(f), use_mmap=False)
        ending = {"terms": ".trm", "stored": "._stored.col"}[where]
        entry = next(v for k, v in files._dir.items() if k.endswith(ending))
    return range(entry["offset"], entry["offset"] + 64)


@pytest.mark.parametrize("where", ["directory", "directory-long", "terms", "stored"])
def test_a_segment_that_does_not_open_is_exit_5_and_its_file_is_closed(tmp_path: Path, capsys, where: str):
    """Damage where opening a segment reads (its compound file's directory of
    files, the start of its term table), the manifest rewritten to match:
    exit 5, and the segment's file is closed, not left open for the garbage
    collector (CI saw a ResourceWarning there, from random damage)."""
    import gc
    import warnings

    index_dir = tmp_path / "ix"
    index_paths([_archive(tmp_path / "src", n=200)], index_dir)
    gen = IndexStore(index_dir).current_dir()
    seg = next(p for p in gen.iterdir() if p.name.endswith(".seg"))
    data = bytearray(seg.read_bytes())
    for i in _stretch(seg, where):
        data[i] = (data[i] * 7 + 13) % 256
    seg.write_bytes(bytes(data))
    m = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    m["files"][seg.name].update(sha256=sha256_file(seg), edges=_edge_hash(seg))
    (gen / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for args in (["search", "hanke"], ["show", "d5"], ["export"]):
            code = main([*args, "--index", str(index_dir)])
            err = capsys.readouterr().err
            assert code in (0, 5), (args, code, err)
            if code == 5:
                assert "damaged" in err
            gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []


def test_a_stored_record_that_does_not_load_says_the_index_is_damaged(tmp_path: Path, capsys, monkeypatch):
    """Damage inside a stored record that still unpickles (a key missing:
    what a random overwrite of the segment once gave in CI) is exit 5 and
    says the index is damaged and how to rebuild it, whichever command read
    the record (`show` let the KeyError out as a traceback)."""
    from arkisto.search import service

    index_dir = tmp_path / "ix"
    index_paths([_archive(tmp_path / "src")], index_dir)

    def broken(stored):
        raise KeyError("record")

    monkeypatch.setattr(service, "load_record", broken)
    for args in (["search", "hanke"], ["search", "hanke", "--json"], ["show", "d5"], ["export"],
                 ["export", "--committee", "Kaupunginhallitus"], ["related", "d5"]):
        code = main([*args, "--index", str(index_dir)])
        err = capsys.readouterr().err
        assert code == 5, (args, err)
        assert "damaged" in err and "rebuild" in err.lower() and "Traceback" not in err, err
