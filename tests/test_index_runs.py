"""Index runs that are right after deletes, moves, interrupts and kills:
checkpoints keep a long build's work, --rebuild publishes only a complete
result, and a record shared by two files survives the deletion of one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arkisto.search.indexer import index_paths, read_pending
from arkisto.search.service import SearchService
from arkisto.search.store import CURRENT, IndexStore
from helpers import decision
from test_reliability import doc_count, synthetic_archive


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


def _ids(ix: Path) -> set[str]:
    with SearchService(ix) as svc:
        return {r.id for r in svc.records()}


# --- updates after deletes and moves --------------------------------------------------


def test_record_shared_by_two_files_survives_deleting_one(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.json").write_text(json.dumps([decision(id="shared", title="Yhteinen päätös")]), encoding="utf-8")
    (src / "b.json").write_text(json.dumps([decision(id="shared", title="Yhteinen päätös"),
                                            decision(id="own", title="Oma päätös")]), encoding="utf-8")
    ix = tmp_path / "ix"
    first = index_paths([src], ix)
    assert first.doc_count == 2
    (src / "a.json").unlink()
    again = index_paths([src], ix)
    assert again.files_deleted == 1
    assert _ids(ix) == {"shared", "own"}
    # And re-runs keep it.
    assert index_paths([src], ix).doc_count == 2
    assert _ids(ix) == {"shared", "own"}


def test_shared_record_survives_when_the_other_file_changes(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.json").write_text(json.dumps([decision(id="shared", title="Eka")]), encoding="utf-8")
    (src / "b.json").write_text(json.dumps([decision(id="shared", title="Toka")]), encoding="utf-8")
    ix = tmp_path / "ix"
    index_paths([src], ix)
    # a.json drops the shared record: b.json's copy takes its place, although
    # b.json itself did not change (and came first in this run).
    (src / "a.json").write_text(json.dumps([decision(id="other", title="Muu")]), encoding="utf-8")
    index_paths([src], ix)
    assert _ids(ix) == {"shared", "other"}
    with SearchService(ix) as svc:
        assert svc.get("shared").title == "Toka"


def test_shared_record_in_another_folder_is_found_again(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.json").write_text(json.dumps([decision(id="shared", title="Eka")]), encoding="utf-8")
    (two / "b.json").write_text(json.dumps([decision(id="shared", title="Toka")]), encoding="utf-8")
    ix = tmp_path / "ix"
    index_paths([one, two], ix)
    (one / "a.json").unlink()
    # Only the first folder is updated; the copy in the other folder comes back.
    index_paths([one], ix)
    assert _ids(ix) == {"shared"}


def test_moved_folder_is_repointed_not_duplicated(tmp_path: Path):
    old = tmp_path / "lataukset"
    synthetic_archive(old, 3, 4)
    ix = tmp_path / "ix"
    index_paths([old], ix)
    before = _ids(ix)
    new = tmp_path / "arkisto" / "lataukset"
    new.parent.mkdir()
    old.rename(new)
    moved = index_paths([new], ix)
    assert moved.files_moved == 3
    assert moved.doc_count == 12
    assert _ids(ix) == before
    with SearchService(ix) as svc:
        assert all(str(new) in r.source.path or str(new.resolve()) in svc_path(svc, r.id)
                   for r in svc.records())
    # A later edit of a moved file is indexed, not skipped as a duplicate.
    f = sorted(new.glob("*.json"))[0]
    recs = json.loads(f.read_text(encoding="utf-8"))
    recs[0]["title"] = "Muokattu otsikko"
    f.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    edited = index_paths([new], ix)
    assert not [p for p in edited.problems if "duplicate" in p.message], edited.problems
    assert edited.doc_count == 12
    with SearchService(ix) as svc:
        assert svc.search('"Muokattu otsikko"').total == 1


def svc_path(svc: SearchService, record_id: str) -> str:
    s = svc.searcher()
    return s.document(id=record_id)["path"]


# --- interrupts -----------------------------------------------------------------------------


def test_interrupted_rebuild_keeps_the_complete_index(tmp_path: Path, monkeypatch):
    import arkisto.search.indexer as indexer

    a = tmp_path / "a"
    n = synthetic_archive(a, 8, 10)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    gen = IndexStore(ix).current_name()
    real = indexer.IndexRun._index_file
    calls = {"n": 0}

    def interrupt_fifth(self, path):  # Ctrl-C as the fifth file is taken up
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(self, path)

    monkeypatch.setattr(indexer.IndexRun, "_index_file", interrupt_fifth)
    report = index_paths([a], ix, rebuild=True)
    monkeypatch.undo()
    assert report.interrupted and report.discarded
    assert IndexStore(ix).current_name() == gen
    assert doc_count(ix) == n
    assert len(IndexStore(ix).generations()) <= 2


def test_sigint_during_rebuild_cli_leaves_old_index(tmp_path: Path):
    a = tmp_path / "a"
    n = synthetic_archive(a, 40, 30)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    proc = subprocess.Popen([sys.executable, "-m", "arkisto", "index", str(a), "--index", str(ix), "--rebuild"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_lock(ix)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    if proc.returncode == 0:  # it finished first: nothing to check
        return
    assert proc.returncode == 130, err
    assert "as it was" in err
    assert doc_count(ix) == n


def test_signal_during_the_last_commit_is_not_swallowed(tmp_path: Path, monkeypatch):
    from whoosh.writing import SegmentWriter

    a = tmp_path / "a"
    n = synthetic_archive(a, 3, 5)
    real = SegmentWriter.commit

    def commit(self, *args, **kw):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while committing
        return real(self, *args, **kw)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    report = index_paths([a], tmp_path / "ix")
    monkeypatch.undo()
    assert report.interrupted and report.signal == signal.SIGINT
    assert report.pending == []
    assert doc_count(tmp_path / "ix") == n


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_like_ctrl_c(tmp_path: Path, sig, code):
    a = tmp_path / "a"
    synthetic_archive(a, 40, 30)
    ix = tmp_path / "ix"
    proc = subprocess.Popen([sys.executable, "-m", "arkisto", "index", str(a), "--index", str(ix)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_lock(ix)
    time.sleep(0.5)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    if proc.returncode == 0:
        return
    assert proc.returncode == code, err
    # Whole files are kept, and --resume adds exactly the rest.
    assert doc_count(ix) % 30 == 0
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", "--resume", "--index", str(ix)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert doc_count(ix) == 40 * 30


def _wait_for_lock(ix: Path) -> None:
    deadline = time.monotonic() + 60
    lock = ix / "LOCK"
    while time.monotonic() < deadline:
        try:
            if lock.stat().st_size:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    raise AssertionError("the indexer never took the lock")


# --- checkpoints ----------------------------------------------------------------------------


def test_killed_first_build_keeps_its_checkpoints(tmp_path: Path):
    a = tmp_path / "a"
    n = synthetic_archive(a, 150, 20)
    ix = tmp_path / "ix"
    env = dict(os.environ, ARKISTO_CHECKPOINT_FILES="10", ARKISTO_CHECKPOINT_SECONDS="1000")
    proc = subprocess.Popen([sys.executable, "-m", "arkisto", "index", str(a), "--index", str(ix), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (ix / CURRENT).exists() and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build ended before a checkpoint was published"
    assert (ix / CURRENT).exists(), "no checkpoint was published"
    kept = doc_count(ix)
    assert 0 < kept < n and kept % 20 == 0
    # The re-run goes on from there: what the checkpoint holds is not parsed again.
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(a), "--index", str(ix), "--json"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["files_unchanged"] >= kept // 20
    assert out["doc_count"] == n
    assert read_pending(ix) == []


def test_checkpointed_build_equals_a_plain_build(tmp_path: Path):
    a = tmp_path / "a"
    synthetic_archive(a, 25, 4)
    plain = index_paths([a], tmp_path / "plain")
    stepped = index_paths([a], tmp_path / "stepped", checkpoint_files=3)
    assert stepped.checkpoints >= 7
    assert stepped.doc_count == plain.doc_count == 100
    assert _ids(tmp_path / "plain") == _ids(tmp_path / "stepped")
    m = IndexStore(tmp_path / "stepped").manifest()
    assert len(m.sources) == 25
    with SearchService(tmp_path / "stepped") as svc, SearchService(tmp_path / "plain") as ref:
        for q in ("hanke", "koulu päiväkoti", '"talousarvio koulu"'):
            assert svc.search(q).total == ref.search(q).total


def test_rebuild_of_an_existing_index_publishes_no_checkpoints(tmp_path: Path):
    a = tmp_path / "a"
    synthetic_archive(a, 12, 3)
    ix = tmp_path / "ix"
    index_paths([a], ix)
    r = index_paths([a], ix, rebuild=True, checkpoint_files=2)
    assert r.checkpoints == 0 and r.doc_count == 36


@pytest.mark.parametrize("files", [3, 210])
def test_a_build_never_copies_its_segments_into_memory(tmp_path: Path, monkeypatch, files: int):
    """Every reader a build opens on its own segments (to merge decisions,
    to count and publish) reads them from the file: a memory-mapped
    compound segment is copied whole into memory by each reader (1 GB
    resident for a moment in a 100k build).  3 files: one writer; 210:
    one sub-writer per core."""
    from whoosh.filedb import compound

    a = tmp_path / "a"
    synthetic_archive(a, files, 2)
    mapped = []
    real = compound.CompoundStorage.__init__

    def spy(self, dbfile, use_mmap=True, basepos=0):
        mapped.append(use_mmap)
        real(self, dbfile, use_mmap=use_mmap, basepos=basepos)

    monkeypatch.setattr(compound.CompoundStorage, "__init__", spy)
    report = index_paths([a], tmp_path / "ix")
    assert report.doc_count == 2 * files
    assert mapped and not any(mapped)
    index_paths([a], tmp_path / "ix", rebuild=True)
    assert not any(mapped)


def test_sub_writers_never_fork_while_a_read_ahead_thread_runs(tmp_path: Path, monkeypatch):
    """A child forked while another thread holds a lock may wait on its copy
    for ever.  A full build's sub-writers are forked at its start and again
    after each checkpoint: by then the read-ahead's threads have ended.
    Files 305-315 are slow to parse, so their threads are alive where Whoosh
    forked the sub-writers before (its first batch after the checkpoint)."""
    from whoosh import multiproc

    from arkisto.ingest import ahead

    a = tmp_path / "a"
    synthetic_archive(a, 420, 1)
    alive_at_fork: list[list[str]] = []
    real_start = multiproc.SubWriterTask.start

    def start(self):
        alive_at_fork.append(sorted(t.name for t in threading.enumerate() if t.name == "arkisto-parse" and t.is_alive()))
        return real_start(self)

    real_answer = ahead._answer_in_thread

    def slow_answer(job, path, kind, answer):
        def late():
            if 305 <= int(path.stem[4:]) <= 315:
                time.sleep(0.3)
            return answer()
        return real_answer(job, path, kind, late)

    monkeypatch.setattr(multiproc.SubWriterTask, "start", start)
    monkeypatch.setattr(ahead, "_answer_in_thread", slow_answer)
    report = index_paths([a], tmp_path / "ix", checkpoint_files=210)
    assert report.doc_count == 420 and report.checkpoints >= 1
    assert len(alive_at_fork) >= 4  # two sub-writers at the start, two after the checkpoint
    assert not any(alive_at_fork), alive_at_fork
