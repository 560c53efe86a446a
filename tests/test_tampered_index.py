"""A tampered index must never run code: a pickle planted anywhere in an
index file, with the manifest rewritten to match, is refused as damage
(exit 5) by every command, and the planted code never runs."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from arkisto.search import safe_pickle
from arkisto.search.indexer import index_paths
from arkisto.search.store import MANIFEST, IndexStore, _edge_hash, sha256_file
from helpers import decision


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


def _payload(marker: Path) -> bytes:
    """A protocol-0 pickle that creates ``marker`` when unpickled."""
    return b"cposix\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."


def _rewrite_manifest(index_dir: Path) -> None:
    """What an attacker does after planting: make the manifest match, so
    that hashes (quick or deep) cannot tell."""
    store = IndexStore(index_dir)
    gen = store.current_dir()
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    for name, info in data["files"].items():
        p = gen / name
        info.update(size=p.stat().st_size, sha256=sha256_file(p), edges=_edge_hash(p))
    (gen / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def _plant(index_dir: Path, suffix: str, marker: Path) -> int:
    """Overwrite every protocol-2 pickle in the generation's ``suffix``
    files with the payload (same file size).  Returns how many."""
    gen = IndexStore(index_dir).current_dir()
    planted = 0
    payload = _payload(marker)
    for p in gen.iterdir():
        if not p.name.endswith(suffix):
            continue
        data = bytearray(p.read_bytes())
        pos = data.find(b"\x80\x02")
        while pos >= 0 and pos + len(payload) <= len(data):
            data[pos:pos + len(payload)] = payload
            planted += 1
            pos = data.find(b"\x80\x02", pos + len(payload))
        p.write_bytes(bytes(data))
    _rewrite_manifest(index_dir)
    return planted


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    recs = [decision(id=f"r{i}", title=f"Päätös numero {i}", committee="Kaupunginhallitus",
                     case_id="1/00.00.00/2024", proposal="hanke rakennuslupa koulu " * (5 + i))
            for i in range(40)]
    (src / "a.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    ix = tmp_path / "ix"
    assert index_paths([src], ix).records == 40
    return ix


COMMANDS = [
    ["search", "hanke"],
    ["search", '"hanke rakennuslupa"'],
    ["show", "r3"],
    ["export"],
    ["related", "r3"],
    ["check"],
]


def _run(args: list[str], index_dir: Path, fast: str = "1") -> subprocess.CompletedProcess:
    env = {**os.environ, "ARKISTO_WHOOSH_FAST_PATHS": fast}
    return subprocess.run([sys.executable, "-m", "arkisto", *args, "--index", str(index_dir)],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("where", [".seg", ".toc"])
@pytest.mark.parametrize("fast", ["1", "0"])  # whoosh_format's fast paths, and Whoosh's public API
def test_planted_pickle_never_runs(index_dir: Path, tmp_path: Path, where: str, fast: str):
    marker = tmp_path / "PWNED"
    assert _plant(index_dir, where, marker) > 0
    for args in COMMANDS:
        proc = _run(args, index_dir, fast)
        assert not marker.exists(), f"`arkisto {' '.join(args)}` ran code from the index"
        assert "Traceback" not in proc.stderr, proc.stderr
        # Every command that reads the planted data says the index is damaged.
        assert proc.returncode in (0, 1, 5), (args, proc.returncode, proc.stderr)
        if proc.returncode == 5:
            assert "damaged" in proc.stderr
    # `check` reads every pickle, so it always finds the planted one.
    assert _run(["check"], index_dir, fast).returncode == 5


def test_restricted_unpickler_refuses_foreign_globals():
    evil = pickle.dumps(getattr, protocol=2)
    with pytest.raises(safe_pickle.UnsafeIndexData):
        safe_pickle.loads(evil)
    # Codec names import modules: only latin-1 is accepted.
    sneaky = b"c_codecs\nencode\n(Vx\nVrot13\ntR."
    with pytest.raises(safe_pickle.UnsafeIndexData):
        safe_pickle.loads(sneaky)
    # What arkisto's own indexes hold still loads.
    assert safe_pickle.loads(pickle.dumps(([1, 2], b"\x00\xff", {"a": 1.5}), protocol=2)) == \
        ([1, 2], b"\x00\xff", {"a": 1.5})


def test_a_flipped_length_in_a_pickle_is_damage_not_a_memory_error():
    """A damaged posting block whose opcode asks for 2**62 bytes or more: the
    unpickler's MemoryError or OverflowError is the index's damage (exit 5),
    not a traceback."""
    import io
    import struct

    # BINBYTES8 and BINUNICODE8; past 2**63 the unpickler raises
    # OverflowError instead (seen in CI's random segment damage).
    for opcode in (b"\x8e", b"\x8d"):
        for length in (2**62, 2**63, 2**64 - 1):
            huge = b"\x80\x04" + opcode + struct.pack("<Q", length) + b"abc"
            # Both are UnpicklingErrors, which the service reports as damage
            # (from a file, the unpickler may find it truncated first).
            with pytest.raises(pickle.UnpicklingError):
                safe_pickle.loads(huge)
            with pytest.raises(pickle.UnpicklingError):
                safe_pickle.load(io.BytesIO(huge))


def test_every_whoosh_unpickling_site_is_covered():
    """Each module of Whoosh that arkisto loads and that unpickles does so
    through arkisto's unpickler; a Whoosh upgrade that adds a site fails here."""
    import importlib
    import inspect
    import re

    import arkisto.search.service  # noqa: F401  (loads what a search loads)

    covered = {(m, a) for m, a, _ in safe_pickle._SITES} | set(safe_pickle.WRITER_TEMP_SITES)
    for name in sorted(m for m in sys.modules if m.startswith("whoosh") and m != "whoosh.compat"):
        module = sys.modules[name]
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            continue
        for attr in ("loads", "load_pickle", "load"):
            obj = getattr(module, attr, None)
            if obj is None or not re.search(rf"\b{attr}\(", source):
                continue
            if obj in (pickle.loads, pickle.load):
                assert (name, attr) in covered, f"{name}.{attr} unpickles without the restricted unpickler"
        pk = getattr(module, "pickle", None)
        if pk is not None and re.search(r"pickle\.loads?\(", source):
            assert pk.loads is safe_pickle.loads, f"{name} calls pickle.loads directly"
    assert importlib.import_module("whoosh.index").toc_loaders == {}
