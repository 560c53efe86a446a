"""A search reads the manifest without its sources (each indexed file's
hash and record ids: 46 MB for 100,000 files, and 0.5 s of every search's
start at a million decisions).  They are cut out of the text unread, and
only where the layout the indexer writes shows where they are; the rest
of the manifest reads and is checked as ever."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from arkisto.search import store
from arkisto.search.store import Manifest

# Paths and ids that look like the manifest's own structure.
_NASTY = st.sampled_from(['\n "sources": ', '\n },\n "whoosh": "x"\n}', '"', "\\", "\n", " }", "ä", "\u2028", "{},"])
_TEXT = st.lists(st.one_of(_NASTY, st.text(max_size=8)), max_size=6).map("".join)
_SOURCES = st.dictionaries(_TEXT, st.fixed_dictionaries(
    {"sha256": _TEXT, "ids": st.lists(_TEXT, max_size=3), "format": _TEXT}), max_size=6)


def _manifest(sources: dict, roots: list[str]) -> Manifest:
    return Manifest(generation="gen-000003", doc_count=7, sources=sources, roots=roots,
                    files={"MAIN_x.seg": {"size": 10, "sha256": "ab", "edges": "cd"}})


@settings(max_examples=300, deadline=None)
@given(_SOURCES, st.lists(_TEXT, max_size=3))
def test_without_sources_is_the_manifest_without_them(sources, roots):
    m = _manifest(sources, roots)
    text = m.to_json().encode("utf-8")
    cut = store._without_sources(text)
    assert cut != text or not sources  # the indexer's layout is always cut
    assert b'"sources"' not in cut or not sources
    got = Manifest.from_json(text, sources=False)
    assert got == dataclasses.replace(m, sources={})
    assert Manifest.from_json(text) == m  # and read whole, as ever


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(_TEXT, st.fixed_dictionaries({"sha256": _TEXT}), max_size=4), st.integers(1, 3))
def test_a_big_manifest_is_read_by_its_ends(tmp_path_factory, sources, scale):
    """Past 128 KB only the first and last 64 KB are read, and give the
    manifest without its sources; the whole file gives it with them."""
    sources = dict(sources)
    for i in range(3000 * scale):  # 100-odd KB of sources per 3,000 files
        sources[f"/archive/{i:06d}.json"] = {"sha256": f"{i:064x}", "ids": [f"r{i}"]}
    m = _manifest(sources, ["/archive"])
    path = tmp_path_factory.mktemp("m") / "MANIFEST.json"
    path.write_text(m.to_json(), encoding="utf-8")
    assert path.stat().st_size > 2 * store._ENDS
    read: list[int] = []
    real_open = open

    def counting_open(*args, **kwargs):
        fh = real_open(*args, **kwargs)
        real_read = fh.read

        def counted(n=-1):
            data = real_read(n)
            read.append(len(data))
            return data

        fh.read = counted
        return fh

    store.open = counting_open  # type: ignore[attr-defined]
    try:
        got = Manifest.from_json(store._read_manifest(path, sources=False), sources=False)
    finally:
        del store.open
    assert got == dataclasses.replace(m, sources={})
    assert sum(read) <= 2 * store._ENDS < path.stat().st_size
    assert Manifest.from_json(store._read_manifest(path, sources=True)) == m


def test_another_layout_is_read_whole_and_checked():
    """A manifest not in the indexer's layout (one line, keys in another
    order) is parsed whole: its sources are still checked, then dropped."""
    m = _manifest({"/a.json": {"sha256": "x"}}, [])
    one_line = json.dumps(m.__dict__)
    assert store._without_sources(one_line.encode()) == one_line.encode()
    assert Manifest.from_json(one_line, sources=False) == dataclasses.replace(m, sources={})
    bad = json.dumps({**m.__dict__, "sources": ["a"]})
    try:
        Manifest.from_json(bad, sources=False)
    except ValueError:
        pass
    else:
        raise AssertionError("sources of the wrong type were not refused")


def test_a_search_does_not_read_the_sources(tmp_path: Path):
    """Garbage where the sources are, in the indexer's layout: searching and
    showing work (they never read them); check and index say the index is
    damaged (exit 5), as they need them."""
    from helpers import decision, run_cli

    from arkisto.search.indexer import index_paths
    from arkisto.search.store import MANIFEST, IndexStore

    src = tmp_path / "src"
    src.mkdir()
    recs = [decision(id=f"d{i}", title=f"Päätös {i}", proposal=f"hanke koulu {i}") for i in range(5)]
    (src / "a.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    ix = tmp_path / "ix"
    index_paths([src], ix)
    path = IndexStore(ix).current_dir() / MANIFEST
    text = path.read_text(encoding="utf-8")
    start = text.index('\n "sources": ') + len('\n "sources": ')
    end = text.index('\n "whoosh"')
    path.write_text(text[:start] + '{\n  "x": [not json, \x00 at all\n },' + text[end:], encoding="utf-8")
    proc = run_cli(["search", "hanke", "--json"], ix)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 5
    proc = run_cli(["show", "d1", "--json"], ix)
    assert proc.returncode == 0, proc.stderr
    for args in (["check"], ["index", str(src)]):
        proc = run_cli(args, ix)
        assert proc.returncode == 5 and "Traceback" not in proc.stderr, (args, proc.returncode, proc.stderr)
