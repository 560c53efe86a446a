"""Notes in the UI's language, with a stable code (issue 15, point 8).

The CLI's readable output follows ``--lang`` (else ARKISTO_LANG, else the
config's ``lang``, Finnish by default); its JSON keeps its keys and gives
each note a ``code`` a script can test, with the text in that language."""

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


def run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": lang or ""}
    return subprocess.run([ARKISTO, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("notes") / "ix"
    r = run("index", str(HEINOLA.parent), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    return ix


def test_the_cli_speaks_the_chosen_language(index: Path):
    r = run("search", '"hankkeet', "--index", str(index), "--lang", "fi")
    assert "huom: lainausmerkki jäi auki" in r.stderr and "unclosed" not in r.stderr
    assert "tulosta haulle" in r.stdout and "results for" not in r.stdout
    assert "Toimielin: Kasvatus- ja opetuslautakunta (1)" in r.stdout
    r = run("search", '"hankkeet', "--index", str(index), "--lang", "en")
    assert "note: unclosed quote" in r.stderr and "results for" in r.stdout
    assert "Committee: Kasvatus- ja opetuslautakunta (1)" in r.stdout
    # Without --lang: ARKISTO_LANG, else the config's lang (Finnish by default).
    assert "tulosta haulle" in run("search", "hanke", "--index", str(index)).stdout
    assert "results for" in run("search", "hanke", "--index", str(index), lang="en").stdout


def test_json_notes_have_a_stable_code_and_text_in_the_language(index: Path):
    r = run("search", "(((", "--json", "--index", str(index), "--lang", "fi")
    out = json.loads(r.stdout)
    codes = [n["code"] for n in out["notes"]]
    assert codes == ["unclosed_paren", "empty_group", "nothing_searchable"]
    assert out["notes"][1]["text"] == "tyhjät sulut ohitettiin: niiden sisällä ei ole haettavaa"
    assert len(out["hints"]) == 3  # the old key stays
    r = run("search", "hanke toimielin:", "--json", "--index", str(index), "--lang", "en")
    (note,) = json.loads(r.stdout)["notes"]
    assert note["code"] == "no_value_examples"
    assert note["params"]["examples"] == ['toimielin:"Kasvatus- ja opetuslautakunta"']
    assert note["text"] == 'toimielin: has no value: ignored; for example toimielin:"Kasvatus- ja opetuslautakunta"'


# --- did you mean --------------------------------------------------------------------------


def test_no_hits_suggest_a_word_of_the_index_in_the_chosen_language(facet_index: Path):
    r = run("search", "rakennuslpa", "--index", str(facet_index), "--lang", "fi")
    assert r.returncode == 1 and "huom: tarkoititko: rakennuslupa" in r.stderr
    r = run("search", "rakennuslpa", "--json", "--index", str(facet_index), "--lang", "en")
    (note,) = json.loads(r.stdout)["notes"]
    assert note == {"code": "did_you_mean", "text": "did you mean: rakennuslupa",
                    "params": {"suggestion": "rakennuslupa"}}


def test_a_suggestion_is_only_ever_a_word_the_index_has(facet_index: Path):
    from arkisto.search.service import SearchService

    with SearchService(facet_index) as svc:
        # kunnossapito is in the index, kunnossapitäjä is not: the word it knows.
        res = svc.search("kunnossapitx")
        assert [n.params["suggestion"] for n in res.hints if n.code == "did_you_mean"] == ["kunnossapito"]
        assert svc.search("kunnossapito").total == 1
        # Only the word that matches nothing is replaced, and the query it
        # gives finds something.
        res = svc.search("hankkeen rahoitux")
        (s,) = [n.params["suggestion"] for n in res.hints if n.code == "did_you_mean"]
        assert s == "hankkeen rahoitus" and svc.search(s).total
        # Nothing near: no suggestion rather than a wild one.
        assert not [n for n in svc.search("qqxxzzy").hints if n.code == "did_you_mean"]
