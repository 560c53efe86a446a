"""Control, escape and bidi characters are stripped at ingest from every
source: arkisto-JSON string fields (nested ones too, written as JSON escapes),
HTML entities (decoded, then cleaned), Ahjo and OpenNC fields.  And a file
name cannot forge a line of the warnings.  (ESC/BEL in arkisto-JSON and
&#8238; in an HTML <title> reached `search --json` and export.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from arkisto.ingest import Problem
from helpers import FIXTURES, decision


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


# ESC + CSI, BEL, C1 CSI, RLO, LRI, PDF, ALM, LRM, zero-width space, BOM
BAD = "\x1b[2J\x07\x9b31m\u202e\u2066\u202c\u061c\u200e\u200b\ufeff"
FORBIDDEN = set("\x1b\x07\x9b\u202e\u2066\u202c\u061c\u200e\u200b\ufeff")


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _dirty(obj) -> list[str]:
    return [s for s in _strings(obj) if FORBIDDEN & set(s)]


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("escapes")
    docs = root / "docs"
    docs.mkdir()
    rec = decision(
        id=f"e1{BAD}", title=f"Otsikko {BAD} yksi", proposal=f"Ehdotus {BAD}\nteksti",
        committee=f"Kaupunginhallitus{BAD}",
        presenter={"name": f"Anna {BAD} Virtanen", "title": f"johtaja{BAD}"},
        preparers=[{"name": f"Pekka{BAD}", "email": f"p{BAD}@x.fi"}],
        funded_projects=[{"name": f"Hanke{BAD}", "funder": f"OKM{BAD}", "amount": f"1{BAD} €"}],
        attachments=[{"title": f"Liite{BAD}", "url": f"http://x/{BAD}"}],
        votes=[{"description": f"JAA {BAD}", "result": "Jaa 1"}],
        source={"path": f"alkuperä{BAD}.pdf", "format": "arkisto-json"},
    )
    # json.dumps writes the characters as \u001b … escapes, as an API would.
    (docs / "records.json").write_text(json.dumps([rec]), encoding="utf-8")
    (docs / "records.jsonl").write_text(json.dumps(dict(rec, id="e2")) + "\n", encoding="utf-8")
    (docs / "page.html").write_text(
        "<html><head><title>Sivu &#8238;evil&#8236; &#x2066;x&#x2069; &#8206;</title></head><body>"
        "<p>Teksti &#8238;evil &#x200b;ja &#x9b;31m muuta tekstiä tässä.</p></body></html>", encoding="utf-8")
    ahjo = json.loads((FIXTURES / "helsinki-ahjo" / "decisions.json").read_text(encoding="utf-8"))
    item = ahjo["decisions"][0]
    item["Title"] = f"Ahjo {BAD} otsikko"
    item["Content"] = item["Content"].replace("<body>", "<body><p>Sisältö &#8238;evil &#x1b;[2J</p>", 1)
    (docs / "ahjo.json").write_text(json.dumps({"decisions": [item]}), encoding="utf-8")
    src = FIXTURES / "mikkeli-cloudnc" / "mikkeli_kaupunginhallitus_4020.json"
    opennc = json.loads(src.read_text(encoding="utf-8"))
    for v in opennc["value"]:
        if v.get("Name") == "Name":
            v["Text"] = f"Mikkeli {BAD} &#8238;otsikko"
    (docs / src.name).write_text(json.dumps(opennc), encoding="utf-8")
    ix = root / "ix"
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(docs), "--index", str(ix)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "5 records from 5 files indexed" in r.stderr, r.stderr
    return ix


def test_search_json_has_no_control_escape_or_bidi_characters(hostile_index: Path):
    r = subprocess.run([sys.executable, "-m", "arkisto", "search", "--json", "--limit", "50",
                        "--index", str(hostile_index)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"] == 5
    formats = {h["source"]["format"] for h in out["hits"]}
    assert formats == {"arkisto-json", "generic-html", "ahjo-json", "opennc-json"}
    assert _dirty(out) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_has_no_control_escape_or_bidi_characters(hostile_index: Path, fmt: str):
    r = subprocess.run([sys.executable, "-m", "arkisto", "export", "--format", fmt, "--index", str(hostile_index)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    if fmt == "jsonl":
        records = [json.loads(line) for line in r.stdout.splitlines()]
        assert len(records) == 5
        assert _dirty(records) == []
        by_id = {rec["id"]: rec for rec in records}
        # Cleaned, not dropped: the text around the characters is all there.
        assert by_id["e1"]["presenter"]["name"] == "Anna  Virtanen"
        html = next(rec for rec in records if rec["source"]["format"] == "generic-html")
        assert html["title"] == "Sivu evil x"
    out = r.stdout
    if fmt == "csv":  # one byte order mark, ours, first (spreadsheets read UTF-8 by it); none from the data
        assert out.startswith("\ufeff")
        out = out[1:]
    assert FORBIDDEN & set(out) == set()
    assert "\\u001b" not in r.stdout and "\\u202e" not in r.stdout.lower()


def test_a_problem_is_one_line_whatever_the_file_name():
    p = Problem("docs/evil\nskipped: forged.txt\x1b[31m\u202e.json", "invalid JSON", "line 2")
    assert str(p) == "docs/evil\\nskipped: forged.txt\\u001b[31m\\u202e.json: line 2: invalid JSON"


def test_a_file_name_cannot_forge_a_warning_line(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    forged = "evil\nskipped: passwords.txt: forged warning\x1b[2K.txt"
    (docs / forged).write_bytes(b"\x00\x01binary")
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(docs), "--index", str(tmp_path / "ix")],
                       capture_output=True, text=True, timeout=120)
    lines = r.stderr.splitlines()
    about = [line for line in lines if "evil" in line]
    assert len(about) == 1, r.stderr
    assert about[0] == (f"skipped: {docs}/evil\\nskipped: passwords.txt: forged warning\\u001b[2K.txt: "
                        "binary content (NUL bytes), not a document arkisto can read")
    assert not any(line.startswith("skipped: passwords.txt") for line in lines)
    assert "\x1b" not in r.stderr


# --- arkisto-JSON: clean_record left out when the file's text vouches for its values ---


def _parse(tmp_path: Path, name: str, body: str, vouch: bool | None = None):
    """The records of a JSON file as the indexer makes them, dumped; with
    ``vouch=False`` as if arkisto_json.values_clean always said no (every
    string through clean_record, as before the shortcut)."""
    from arkisto.ingest import arkisto_json, detect

    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    src = detect.read_source(path)
    assert isinstance(src, tuple)
    with pytest.MonkeyPatch.context() as mp:
        if vouch is False:
            mp.setattr(arkisto_json, "values_clean", lambda text: False)
        r = detect._parse_with(src[0], path, src[1])
    return r, [rec.model_dump_json() for rec in r.records], [str(p) for p in r.problems]


# Each written as a JSON escape: a value holds it although the file's text
# (cleaned before json.loads) does not.
_ESCAPED = ["\\u001b[31mpunainen\\u001b[0m", "\\u202eevil", "a\\bb", "a\\fb", "rivi\\r\\nrivi\\rrivi",
            "e\\u0301", "\\u200b", "\\ud83d\\ude00", "\\u009b31m", "\\u0007", "\\u0000"]


@pytest.mark.parametrize("escaped", _ESCAPED)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_escapes_are_cleaned_from_values(tmp_path: Path, escaped: str, suffix: str):
    from arkisto.text import clean

    rec = decision(id="x", title="Otsikko XX", proposal="Ehdotus XX", funded_projects=[{"name": "Hanke XX"}])
    body = json.dumps([rec] if suffix == ".json" else rec, ensure_ascii=False).replace("XX", escaped)
    r, dumped, problems = _parse(tmp_path, "a" + suffix, body)
    assert not r.cleaned  # the escape makes the file's text no warrant
    assert (dumped, problems) == _parse(tmp_path, "a" + suffix, body, vouch=False)[1:]
    value = json.loads(f'"{escaped}"')
    assert r.records[0].title == clean(f"Otsikko {value}")
    assert _dirty([r.records[0].model_dump(mode="json")]) == []


def test_json_text_made_not_nfc_by_cleaning_is_cleaned(tmp_path: Path):
    # "e", U+200B, U+0301: NFC keeps it (U+200B stands between), cleaning
    # takes the U+200B out and leaves "e" + U+0301, which is not NFC; the
    # value must come out as "é" all the same.
    body = json.dumps([decision(id="x", title="Kahvil\u0061\u200b\u0301 e\u200b\u0301")], ensure_ascii=False)
    r, dumped, problems = _parse(tmp_path, "a.json", body)
    assert not r.cleaned
    assert r.records[0].title == "Kahvilá é"
    assert (dumped, problems) == _parse(tmp_path, "a.json", body, vouch=False)[1:]


def test_json_with_only_harmless_escapes_is_vouched_for(tmp_path: Path):
    rec = decision(id="x", title='Otsikko "lainaus" \\ / ja\ttab', proposal="Rivi\n\nrivi ñ e\u0301",
                   funded_projects=[{"name": "Hanke", "funder": "OKM", "amount": "1 000 €"}])
    body = json.dumps([rec], ensure_ascii=False)
    r, dumped, problems = _parse(tmp_path, "a.json", body)
    assert r.cleaned
    assert r.records[0].proposal == "Rivi\n\nrivi ñ é"  # NFC from the text's own cleaning
    assert (dumped, problems) == _parse(tmp_path, "a.json", body, vouch=False)[1:]


def test_json_values_clean_matches_clean_record_on_random_text(tmp_path: Path):
    """Random values of characters and escapes that clean removes or
    changes, next to the characters they could combine with: the records
    are the same whether the shortcut is taken or not."""
    import random

    rnd = random.Random(7)
    pieces = ["a", "e", "n", "t", "u", "b", "f", "r", "<", "=", "/", '"', "\\", " ", "\n", "\t", "\u0301",
              "\u0308", "\u0338", "\u0327", "\u200b", "\u202e", "\x1b", "\x1b[2J", "\r", "\r\n", "\x9b", "\ufeff",
              "\u1100", "\u1161", "\u11a8", "\uac00", "ñ", "Å", "\u212b", "\u0344", "\ud55c"]
    vouched = 0
    for i in range(300):
        values = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3)]
        rec = decision(id=f"r{i}", title=values[0], proposal=values[1], funded_projects=[{"name": values[2]}])
        body = json.dumps([rec], ensure_ascii=rnd.random() < 0.3)
        r, dumped, problems = _parse(tmp_path, "a.json", body)
        vouched += r.cleaned
        assert (dumped, problems) == _parse(tmp_path, "a.json", body, vouch=False)[1:], body
    assert vouched > 20  # the shortcut was taken, not only refused
