"""`arkisto export --format opensearch-bulk`: the bulk NDJSON and the index
mapping docs/scale.md describes, checked for shape without a server."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from arkisto.cli import main
from arkisto.models import Amount, Decision, FundedProject, Source
from arkisto.opensearch import bulk_document, mapping, token_string, write_bulk
from arkisto.search.analysis import parts_analyzer, text_analyzer
from arkisto.search.schema import to_document
from arkisto.search.swedish import swedish_analyzer
from helpers import FIXTURES, decision
from test_cli import run

sys.path.insert(0, str(FIXTURES / "personal"))
import generate  # noqa: E402

RECORDS = [
    decision(id="o1", municipality="Hämeenlinna", committee="Kasvatus- ja opetuslautakunta",
             meeting_date="2024-03-12", section="45", case_id="HML/123/02.05.00/2024",
             title="Päätös VALSSI-hankkeen jatkamisesta",
             presenter={"name": "Pirjo Hepo-oja", "title": "hyvinvointijohtaja"},
             proposal="Lautakunta päättää hyväksyä kehittämishankkeen jatkamisen ja tuli siihen tulokseen, "
                      "että päiväkotien sisäilmaseuranta jatkuu.",
             outcome="approved",
             funded_projects=[{"name": "VALSSI-hanke", "funder": "OKM", "amount": "120 000 €",
                               "key": "valssi", "funders": ["OKM"],
                               "amounts": [{"euros": 120000, "role": "granted", "text": "120 000 €"},
                                           {"euros": 30000.5, "role": "own_share", "text": "30 000,50 €"}]}]),
    decision(id="o2", municipality="Jakobstad", language="sv", committee="Stadsstyrelsen",
             meeting_date="2023-11-02", section="7", title="Ärendet bordlades",
             proposal="Stadsstyrelsen beslutade att bordlägga ärendet om detaljplanen."),
    decision(id="o3", municipality="Lapua", title="Rakennuslupa", proposal="Myönnetään rakennuslupa."),
]


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("bulk")
    archive = root / "archive"
    archive.mkdir()
    (archive / "records.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    assert run("index", str(archive), "--index", str(ix)).returncode == 0
    out = root / "arkisto.ndjson"
    r = run("export", "--format", "opensearch-bulk", "-o", str(out), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert "arkisto.ndjson.mapping.json" in r.stderr
    return out, Path(str(out) + ".mapping.json")


def pairs(text: str) -> list[tuple[dict, dict]]:
    lines = text.split("\n")
    assert lines[-1] == ""  # every line ends with a newline, the last one too (the bulk API asks it)
    lines = lines[:-1]
    assert len(lines) % 2 == 0
    return [(json.loads(a), json.loads(d)) for a, d in zip(lines[::2], lines[1::2])]


def _fits(value: object, spec: dict) -> bool:
    """A value (or each value of a list) of the mapping's type."""
    kind = spec["type"]
    values = value if isinstance(value, list) and kind != "object" else [value]
    if kind == "keyword" or kind == "text":
        return all(isinstance(v, str) and v for v in values)
    if kind == "date":
        parse = date.fromisoformat if spec["format"] == "strict_date" else datetime.fromisoformat
        return all(isinstance(v, str) and parse(v) for v in values)
    if kind in ("scaled_float", "float"):
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if kind == "integer":
        return all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    if kind == "object":
        return isinstance(value, dict)
    raise AssertionError(f"a type the test does not know: {kind}")


def test_every_other_line_is_an_action_and_every_field_is_mapped(bulk):
    out, mapping_file = bulk
    docs = pairs(out.read_text(encoding="utf-8"))
    body = json.loads(mapping_file.read_text(encoding="utf-8"))
    props = body["mappings"]["properties"]
    assert body["mappings"]["dynamic"] == "strict"  # a field the mapping lacks is an error, not a guess
    assert {d["id"] for _a, d in docs} == {"o1", "o2", "o3"}
    for action, doc in docs:
        assert list(action) == ["index"]
        assert action["index"] == {"_index": "arkisto", "_id": doc["id"]}
        for name, value in doc.items():
            assert name in props, name
            assert _fits(value, props[name]), (name, value)
    o1 = next(d for _a, d in docs if d["id"] == "o1")
    assert o1["committee"] == "Kasvatus- ja opetuslautakunta" and o1["municipality"] == "Hämeenlinna"
    assert o1["year"] == "2024" and o1["date"] == "2024-03-12" and o1["outcome"] == "approved"
    assert o1["project"] == ["valssi"] and o1["funder"] == ["OKM"]
    assert o1["amount"] == [120000, 30000.5] and o1["amount_granted"] == [120000]
    assert o1["record"]["title"] == "Päätös VALSSI-hankkeen jatkamisesta"
    assert o1["record"]["presenter"]["name"] == "Pirjo Hepo-oja"
    o2 = next(d for _a, d in docs if d["id"] == "o2")
    assert o2["lang"] == "sv" and "text_sv" in o2 and "text" not in o2


def test_the_mapping_describes_the_design(bulk):
    body = json.loads(bulk[1].read_text(encoding="utf-8"))
    analysis = body["settings"]["analysis"]
    props = body["mappings"]["properties"]
    for name in ("text", "title", "parts", "text_sv", "title_sv"):
        assert props[name]["type"] == "text"
        assert props[name]["analyzer"] in analysis["analyzer"]
        assert props[name]["search_analyzer"] in analysis["analyzer"]
        assert name in body["mappings"]["_source"]["excludes"]  # tokens are indexed, not stored twice
    for analyser in analysis["analyzer"].values():
        assert analyser["tokenizer"] == "whitespace"  # nothing a cluster needs a plugin for
        assert all(f in analysis["filter"] for f in analyser.get("filter", []))
    assert props["parts"]["index_options"] == "freqs"  # no positions: the Whoosh field has none
    for facet in ("municipality", "committee", "year", "outcome", "official", "project", "funder"):
        assert props[facet]["type"] == "keyword" and props[facet].get("doc_values", True)
        assert props[facet]["ignore_above"] <= 8191  # a long value never makes Lucene refuse the record
    assert props["amount"]["type"] == "scaled_float"
    assert props["record"] == {"type": "object", "enabled": False}
    assert body["settings"]["index"]["number_of_shards"] == 1
    assert body["mappings"]["_meta"]["records"] == 3
    assert mapping(10_000_000)["settings"]["index"]["number_of_shards"] > 1


def _by_position(tokens) -> list[list[str]]:
    out: dict[int, list[str]] = {}
    for t in tokens:
        out.setdefault(t.pos, []).append(t.text)
    return [out[p] for p in sorted(out)]


def test_tokens_are_what_the_analyser_indexes(bulk):
    docs = {d["id"]: d for _a, d in pairs(bulk[0].read_text(encoding="utf-8"))}
    o1 = docs["o1"]
    rec = Decision.model_validate(o1["record"])
    combined = to_document(rec)["text"]
    # Lemmas: one whitespace-separated word per position, its readings split on "|".
    expected = _by_position(text_analyzer()(combined, positions=True))
    assert [w.split("|") for w in o1["text"].split(" ")] == expected
    assert any(len(readings) > 1 for readings in expected)  # an ambiguous word is in the sample
    assert "sisäilmaseuranta" in o1["text"].split(" ") and "päätös" in o1["text"].split(" ")
    assert o1["parts"].split(" ") == [t.text for t in parts_analyzer()(combined)]
    assert "seuranta" in o1["parts"].split(" ")
    assert not re.search(r"\s\s|^\s|\s$", o1["text"] + o1["parts"])
    o2 = docs["o2"]
    rec2 = Decision.model_validate(o2["record"])
    assert o2["text_sv"].split(" ") == [t.text for t in swedish_analyzer()(to_document(rec2)["text_sv"])]
    assert "detaljplan" in o2["text_sv"].split(" ")


def test_finnish_text_is_utf8_as_written(bulk):
    raw = bulk[0].read_bytes()
    text = raw.decode("utf-8")  # strict: a broken byte fails here
    assert "Hämeenlinna" in text and "päiväkotien" in text and "Ärendet" in text
    assert "\\u00e4" not in text  # not escaped to ASCII


def test_no_control_characters_reach_the_file():
    rec = Decision(id="c1", source=Source(path="x", format="x"), title="Päätös\x85 \x1b[31mpunainen\u2028rivi",
                   proposal="Teksti\x7f jatkuu\u2029 tässä.\x00\x07",
                   funded_projects=[FundedProject(name="Hanke\x9b", amounts=[Amount(euros=5.0)])])
    out = io.StringIO()
    assert write_bulk([rec], out) == 1
    text = out.getvalue()
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)
    assert len(text.splitlines()) == 2  # a reader splitting on any line break sees two lines
    doc = json.loads(text.splitlines()[1])
    assert doc["record"]["title"] == rec.title  # escaped, not lost


def test_records_are_written_as_they_are_read():
    """A large index streams: the first record is in the file before the
    second is read."""
    rec = Decision.model_validate(decision(id="s1", title="Hanke", source={"path": "x", "format": "x"}))
    seen: list[int] = []

    class Out(io.StringIO):
        def write(self, s):
            seen.append(pulled)
            return super().write(s)

    pulled = 0

    def records():
        nonlocal pulled
        for i in range(3):
            pulled = i + 1
            yield rec.model_copy(update={"id": f"s{i}"})

    assert write_bulk(records(), Out()) == 3
    assert seen == [1, 1, 2, 2, 3, 3]


def test_first_indexed_and_numbers_as_the_mapping_types_them():
    rec = Decision(id="f1", source=Source(path="x", format="x"), section="12", meeting_date=date(2020, 1, 2),
                   first_indexed=datetime(2026, 12, 5, 14, 0, tzinfo=timezone.utc))
    doc = bulk_document(rec)
    props = mapping()["mappings"]["properties"]
    assert doc["first_indexed"] == "2026-12-05T14:00:00+00:00" and doc["section_n"] == 12
    assert all(_fits(v, props[k]) for k, v in doc.items())


def test_stdout_mapping_path_and_other_formats(bulk, tmp_path):
    ix = bulk[0].parent / "ix"
    r = run("export", "--format", "opensearch-bulk", "--bulk-index", "arkisto-000002", "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert all(json.loads(line)["index"]["_index"] == "arkisto-000002" for line in r.stdout.splitlines()[::2])
    assert "--mapping FILE" in r.stderr  # says how to get the mapping
    m = tmp_path / "kartta.json"
    r = run("export", "vuosi:2024", "--format", "opensearch-bulk", "--mapping", str(m), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()[1::2]] == ["o1"]
    assert json.loads(m.read_text(encoding="utf-8"))["mappings"]["_meta"]["records"] == 1
    r = run("export", "--format", "csv", "--mapping", str(m), "--index", str(ix))
    assert r.returncode == 2 and "opensearch-bulk" in r.stderr


def test_token_string_keeps_a_word_whole():
    assert token_string("Päijät-Hämeessä OKM:n", "lemmas").split(" ")[0] == "päijät-häme"
    assert " " not in token_string("kehittämishankkeen", "lemmas")


def test_redact_leaves_no_personal_data_in_the_bulk_file(tmp_path, capsys):
    items = [i for i in generate.items() if i["half"] == "dev"]
    path = tmp_path / "records.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for n, item in enumerate(items):
            rec = dict(item["record"], id=f"p{n}", source={"path": "x", "format": "arkisto-json"})
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    texts = sorted({" ".join(g["text"].split()) for i in items for g in i["gold"]})
    # Names as the token fields hold them: lemmas of two or more words in a row.
    token_names = [token_string(t, "lemmas") for t in texts if re.fullmatch(r"[A-ZÅÄÖ]\w+ [A-ZÅÄÖ][\w\-]+", t)]
    index = tmp_path / "ix"
    assert main(["index", str(path), "--index", str(index), "-q"]) == 0

    def export(*flags: str) -> tuple[str, str]:
        out = tmp_path / "out.ndjson"
        assert main(["export", "--index", str(index), "--format", "opensearch-bulk", "-o", str(out), *flags]) == 0
        docs = [d for _a, d in pairs(out.read_text(encoding="utf-8"))]
        stored = "\n".join(json.dumps(d["record"], ensure_ascii=False).replace("\\n", "\n") for d in docs)
        tokens = "\n".join(" ".join(d.get(f, "") for f in ("text", "title", "parts")) for d in docs)
        return stored, tokens

    def leaks(stored: str, tokens: str) -> list[str]:
        flat = " ".join(stored.split()).casefold()
        found = [t for t in texts if t.casefold() in flat]
        return found + [t for t in token_names if f" {t} " in f" {tokens} "]

    plain = leaks(*export())
    assert len(plain) > len(texts) // 2  # the check can fail: without --redact they are there
    assert any(t in plain for t in token_names)
    stored, tokens = export("--redact")
    assert leaks(stored, tokens) == []
    assert "[nimi]" in stored and "nimi" in tokens.split()
