"""Reliability: crashes, kills, I/O errors, damaged indexes, concurrent use,
interrupts and hostile input never cost the user their index."""

from __future__ import annotations

import gc
import json
import warnings
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arkisto.errors import DiskFullError, IndexDamagedError, NoIndexError
from arkisto.search.indexer import index_paths, read_pending
from arkisto.search.service import SearchService
from arkisto.search.store import IndexStore
from helpers import HEINOLA, decision


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


WORDS = ("hanke rakennuslupa päätös talousarvio koulu päiväkoti katu kaavoitus avustus sopimus "
         "hankinta vuokra tontti liikunta kirjasto nuoriso vanhus sote ympäristö liikenne").split()


def synthetic_archive(root: Path, files: int, per_file: int, seed: int = 1) -> int:
    """Synthetic decisions (test data only) in arkisto JSON."""
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for f in range(files):
        recs = []
        for i in range(per_file):
            words = " ".join(rnd.choice(WORDS) for _ in range(120))
            recs.append(decision(
                id=f"s{seed}-{f}-{i}", title=f"{rnd.choice(WORDS).capitalize()} {f}-{i}",
                committee=rnd.choice(["Kaupunginhallitus", "Sivistyslautakunta", "Tekninen lautakunta"]),
                meeting_date=f"20{rnd.randint(10, 24)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                proposal=words, funded_projects=[{"name": f"Hanke {rnd.randint(1, 20)}", "funder": "OKM"}],
            ))
            n += 1
        (root / f"part{f:03d}.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    return n


def doc_count(ix: Path) -> int:
    with SearchService(ix) as svc:
        res = svc.search("", limit=0)
        # Facet counts must agree with the document count (no duplicates).
        assert sum(v.count for v in res.facets["committee"].values) == res.total
        return res.total


def test_kill_9_at_random_moments_never_breaks_the_index(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    n_a = synthetic_archive(a, 4, 25, seed=1)
    n_b = synthetic_archive(b, 12, 25, seed=2)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    assert doc_count(ix) == n_a
    rnd = random.Random(42)
    completed = 0
    cmd = [sys.executable, "-m", "arkisto", "index", str(a), str(b), "--index", str(ix), "--rebuild", "--quiet"]
    for _ in range(50):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0.2, 3.0))
            completed += proc.returncode == 0
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        # Whatever happened, the index opens on a complete generation.
        assert doc_count(ix) in (n_a, n_a + n_b)
    final = index_paths([a, b], ix, rebuild=True)
    assert final.doc_count == n_a + n_b
    # The crashed runs left no half-built generations behind.
    assert len(IndexStore(ix).generations()) <= 2


def _update_on_a_full_disk(monkeypatch, a: Path, ix: Path, nth: int) -> tuple[str, list[str]]:
    """Index ``a`` into ``ix`` with the disk full at the ``nth`` write: the
    DiskFullError's message, and the files the failed run left open (seen
    as ResourceWarnings once it is collected)."""
    from whoosh.filedb import structfile

    calls = {"n": 0}
    real_write = structfile.StructFile.write

    def failing_write(self, data):
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(structfile.StructFile, "write", failing_write)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(DiskFullError) as e:
            index_paths([a], ix)
        message = str(e.value)
        del e  # its traceback holds the failed run's objects
        gc.collect()
    monkeypatch.undo()
    return message, [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


@pytest.mark.parametrize("nth", [1, 5, 40])
def test_disk_full_on_nth_write_keeps_old_index(tmp_path: Path, monkeypatch, nth: int):

    a = tmp_path / "a"
    n = synthetic_archive(a, 3, 20)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    before = IndexStore(ix).generations()
    synthetic_archive(tmp_path / "a", 5, 20, seed=3)  # changes every file
    message, left_open = _update_on_a_full_disk(monkeypatch, a, ix, nth)
    assert "disk full" in message
    # No file of the failed segment is left open (for the collector to find).
    assert not left_open, left_open
    assert IndexStore(ix).generations() == before  # no litter
    assert doc_count(ix) == n
    assert index_paths([a], ix).doc_count == 100


@pytest.mark.parametrize("share", [0.8, 0.9, 1.0])
def test_disk_full_late_in_the_commit_leaves_no_file_open(tmp_path: Path, monkeypatch, share: float):
    """The last writes of an update are its commit (postings, the compound
    segment, the table of contents): a full disk there leaves no file of
    the segment, of its merge or of the writer's own searcher open."""
    import shutil

    from whoosh.filedb import structfile

    a = tmp_path / "a"
    synthetic_archive(a, 3, 20)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    synthetic_archive(a, 5, 20, seed=3)
    real_write = structfile.StructFile.write
    calls = {"n": 0}

    def counting(self, data):
        calls["n"] += 1
        return real_write(self, data)

    monkeypatch.setattr(structfile.StructFile, "write", counting)
    shutil.copytree(ix, tmp_path / "dry")
    index_paths([a], tmp_path / "dry")
    monkeypatch.undo()
    _message, left_open = _update_on_a_full_disk(monkeypatch, a, ix, int(calls["n"] * share))
    assert not left_open, left_open
    assert index_paths([a], ix).doc_count == 100


def test_failure_while_publishing_keeps_old_index(tmp_path: Path, monkeypatch):
    import arkisto.search.store as store_mod

    ix = tmp_path / "ix"
    index_paths([HEINOLA], ix)
    real = store_mod._write_atomic

    def boom(path, text):
        if path.name == "CURRENT":
            raise OSError(5, "Input/output error")
        return real(path, text)

    monkeypatch.setattr(store_mod, "_write_atomic", boom)
    with pytest.raises(IndexDamagedError):
        index_paths([HEINOLA], ix, rebuild=True)
    monkeypatch.undo()
    assert doc_count(ix) == 1
    index_paths([HEINOLA], ix, rebuild=True)  # the next run cleans up and succeeds
    assert len(IndexStore(ix).generations()) == 2


def _largest(gen: Path, prefix: str = "") -> Path:
    files = [p for p in gen.iterdir() if p.name != "MANIFEST.json" and p.name.startswith(prefix)]
    return max(files, key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("shape,expected", [
    ("truncated-toc", "wrong size"),
    ("zeroed-segment", "does not match its hash"),
    ("deleted-segment", "is missing"),
    ("missing-toc", "is missing"),
    ("foreign-file", "did not write"),
    ("garbage-current", "damaged"),
    ("missing-manifest", "no manifest"),
])
def test_each_damaged_index_shape_has_its_message(facet_index: Path, shape: str, expected: str):
    store = IndexStore(facet_index)
    gen = store.current_dir()
    if shape == "truncated-toc":
        toc = next(gen.glob("*.toc"))
        toc.write_bytes(toc.read_bytes()[:-10])
    elif shape == "zeroed-segment":
        seg = _largest(gen)
        seg.write_bytes(b"\0" * seg.stat().st_size)
    elif shape == "deleted-segment":
        _largest(gen).unlink()
    elif shape == "missing-toc":
        next(gen.glob("*.toc")).unlink()
    elif shape == "foreign-file":
        (gen / "evil.pkl").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    elif shape == "garbage-current":
        (facet_index / "CURRENT").write_text("../../etc\n")
    elif shape == "missing-manifest":
        (gen / "MANIFEST.json").unlink()
    with pytest.raises(IndexDamagedError) as e:
        SearchService(facet_index)
    assert expected in str(e.value)
    assert "rebuild" in str(e.value).lower() or "remove" in str(e.value).lower()


def test_check_command_verifies_full_hashes(facet_index: Path):
    store = IndexStore(facet_index)
    gen = store.current_dir()
    seg = _largest(gen)
    data = bytearray(seg.read_bytes())
    if len(data) > 300_000:  # change a byte in the middle, past the edge hashes
        data[len(data) // 2] ^= 0xFF
        seg.write_bytes(bytes(data))
        with pytest.raises(IndexDamagedError):
            store.check(store.manifest(), deep=True)
    else:
        data[len(data) // 2] ^= 0xFF
        seg.write_bytes(bytes(data))
        with pytest.raises(IndexDamagedError):
            SearchService(facet_index)


def test_missing_index_is_not_damage(tmp_path: Path):
    with pytest.raises(NoIndexError):
        SearchService(tmp_path / "nothing")


def test_second_writer_through_cli_gets_locked_exit_code(tmp_path: Path):
    ix = tmp_path / "ix"
    index_paths([HEINOLA], ix)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom arkisto.search.store import IndexStore\n"
         f"with IndexStore({str(ix)!r}).lock():\n    print('locked', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(HEINOLA), "--index", str(ix), "--wait", "0"],
                           capture_output=True, text=True)
        assert r.returncode == 4
        assert f"pid {holder.pid}" in r.stderr and "locked" in r.stderr
        assert "Traceback" not in r.stderr
    finally:
        holder.kill()
        holder.wait()


def test_reader_keeps_working_during_and_after_a_commit(tmp_path: Path):
    a = tmp_path / "a"
    n = synthetic_archive(a, 2, 10)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    svc = SearchService(ix)
    assert svc.search("hanke").total > 0
    synthetic_archive(tmp_path / "b", 2, 10, seed=5)
    done = threading.Event()
    errors = []

    def read():
        while not done.is_set():
            try:
                assert svc.search("", limit=1).total == n
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return

    t = threading.Thread(target=read)
    t.start()
    index_paths([a, tmp_path / "b"], ix)
    index_paths([a, tmp_path / "b"], ix, rebuild=True)
    done.set()
    t.join()
    assert errors == []
    assert svc.stale()
    svc.reopen()
    assert svc.search("", limit=1).total == n + 20
    svc.close()


def test_one_service_shared_by_threads_gives_right_answers(facet_index: Path):
    svc = SearchService(facet_index)
    queries = ["hanke", "rakennuslupa", "", "kunnossapito", "toimielin:sivistys"]
    expected = {q: (svc.search(q).total, [h.id for h in svc.search(q).hits]) for q in queries}
    errors = []

    def worker(seed: int):
        rnd = random.Random(seed)
        for _ in range(60):
            q = rnd.choice(queries)
            res = svc.search(q)
            if (res.total, [h.id for h in res.hits]) != expected[q]:
                errors.append((q, res.total))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    svc.close()
    assert errors == []


def test_ctrl_c_keeps_done_work_and_resume_finishes(tmp_path: Path, monkeypatch):
    import arkisto.search.indexer as indexer

    a = tmp_path / "a"
    synthetic_archive(a, 6, 5)
    ix = tmp_path / "ix"
    index_paths([HEINOLA], ix)
    real = indexer.IndexRun._index_file
    calls = {"n": 0}

    def interrupt_third(self, path):  # Ctrl-C as the third file is taken up
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, path)

    monkeypatch.setattr(indexer.IndexRun, "_index_file", interrupt_third)
    report = index_paths([a], ix)
    monkeypatch.undo()
    assert report.interrupted
    assert len(report.pending) == 4
    assert read_pending(ix) == report.pending
    assert doc_count(ix) == 1 + 2 * 5  # Heinola + the two files done
    # --resume (the pending list) finishes without redoing the first two.
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", "--resume", "--index", str(ix), "--json"],
                       capture_output=True, text=True)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["files_indexed"] == 4 and out["doc_count"] == 31
    assert read_pending(ix) == []


def test_ctrl_c_exit_code_is_130(tmp_path: Path):
    a = tmp_path / "a"
    synthetic_archive(a, 30, 30)
    index_paths([HEINOLA], tmp_path / "ix")
    proc = subprocess.Popen([sys.executable, "-m", "arkisto", "index", str(a), "--index", str(tmp_path / "ix")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until indexing is under way (the lock file names the writer), then interrupt.
    deadline = time.monotonic() + 60
    lock = tmp_path / "ix" / "LOCK"
    while time.monotonic() < deadline and not lock.stat().st_size:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # finished before the signal arrived; nothing to check
        assert "records" in err
        return
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    # The previous index plus whole files done is there, and --resume adds
    # exactly the rest: no file is half in, none is in twice.
    assert doc_count(tmp_path / "ix") % 30 == 1
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", "--resume", "--index", str(tmp_path / "ix")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert doc_count(tmp_path / "ix") == 1 + 30 * 30


def test_duplicate_ids_across_files_kept_once_with_both_paths(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.json").write_text(json.dumps([decision(id="same", title="Eka")]), encoding="utf-8")
    (src / "two.json").write_text(json.dumps([decision(id="same", title="Toka")]), encoding="utf-8")
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == 1
    msgs = [str(p) for p in report.problems]
    assert any("two.json" in m and "one.json" in m and "duplicate record id same" in m for m in msgs)


def test_reindexing_is_idempotent(tmp_path: Path):
    from arkisto.export import write_export
    import io

    def export(ix):
        buf = io.StringIO()
        with SearchService(ix) as svc:
            write_export(svc, buf, "jsonl")
            res = svc.search("hanke")
        return sorted(buf.getvalue().splitlines()), [(h.id, h.score) for h in res.hits]

    index_paths([HEINOLA.parent], tmp_path / "ix1")
    first = export(tmp_path / "ix1")
    index_paths([HEINOLA.parent], tmp_path / "ix1", rebuild=True)
    assert export(tmp_path / "ix1") == first


def test_hostile_text_is_stripped_at_ingest(tmp_path: Path):
    f = tmp_path / "hostile.txt"
    f.write_text(
        "Päätösehdotus Lautakunta hyväksyy \x1b[2J[/] [@click=app.quit]x [link=http://x]y[/link]"
        " \x1b]0;title\x07 \x1b]52;c;ZXZpbA==\x07 \u202eevil\u202c.\n\nPäätös Hyväksyttiin.\n",
        encoding="utf-8")
    from arkisto.ingest import parse_path

    rec = parse_path(f).records[0]
    assert rec.proposal == "Lautakunta hyväksyy [/] [@click=app.quit]x [link=http://x]y[/link] evil."
    dumped = rec.model_dump_json()
    for bad in ("\\u001b", "\x1b", "\x07", "\u202e", "52;c"):
        assert bad not in dumped


def test_pdf_parser_that_loops_is_stopped(tmp_path: Path, monkeypatch):
    import arkisto.ingest as ingest
    import arkisto.ingest.detect as detect

    def looping(path, data):
        while True:
            pass

    monkeypatch.setattr(detect, "PDF_TIMEOUT", 1.0)
    monkeypatch.setitem(ingest.PARSERS, "pdf", lambda: [looping])
    f = tmp_path / "loop.pdf"
    f.write_bytes(b"%PDF-1.4\n%%EOF\n")
    r = detect.parse_path(f)
    assert r.records == []
    assert "longer than 1 s" in str(r.problems[0]) and "loop.pdf" in str(r.problems[0])


def test_pdf_parser_that_explodes_in_memory_is_stopped(tmp_path: Path, monkeypatch):
    import arkisto.ingest as ingest
    import arkisto.ingest.detect as detect

    def bomb(path, data):
        chunks = []
        while True:
            chunks.append(bytearray(50 * 1024 * 1024))

    monkeypatch.setattr(detect, "PDF_MEMORY_MB", 200)
    monkeypatch.setitem(ingest.PARSERS, "pdf", lambda: [bomb])
    f = tmp_path / "bomb.pdf"
    f.write_bytes(b"%PDF-1.4\n%%EOF\n")
    r = detect.parse_path(f)
    assert r.records == []
    assert "200 MiB" in str(r.problems[0])


def test_update_links_unchanged_files_and_keeps_old_generation_intact(tmp_path: Path):
    a = tmp_path / "a"
    synthetic_archive(a, 4, 10)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    store = IndexStore(ix)
    old_gen = store.current_dir()
    old_inodes = {p.name: p.stat().st_ino for p in old_gen.iterdir()}
    recs = json.loads((a / "part000.json").read_text(encoding="utf-8"))
    recs[0]["title"] = "Muutettu otsikko"
    (a / "part000.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    report = index_paths([a], ix)
    assert report.files_indexed == 1 and report.files_unchanged == 3
    new_gen = store.current_dir()
    shared = [p.name for p in new_gen.iterdir() if old_inodes.get(p.name) == p.stat().st_ino]
    assert any(name.endswith(".seg") or "_" in name for name in shared)  # segment files are shared
    store.check(store.manifest(), deep=True)  # the reused hashes are right
    # The previous generation still opens, with its own (old) content.
    from whoosh import index as windex

    old_ix = windex.open_dir(str(old_gen))
    with old_ix.searcher() as s:
        assert s.doc_count() == 40
    assert doc_count(ix) == 40
    with SearchService(ix) as svc:
        assert svc.search("muutettu").total == 1
