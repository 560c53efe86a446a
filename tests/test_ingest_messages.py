"""What the parsers find in a file (IngestResult.warn/error/repaired,
IngestError) is said in the UI's language: a message key and its
parameters (i18n.Msg), like the indexer's own problems.  In English the
texts are what they always were (scripts match on them), and JSON output
keeps the English."""

from __future__ import annotations

import os
import pickle
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from arkisto.i18n import STRINGS, Msg, Strings
from arkisto.locations import sample_data_dir

SAMPLE = sample_data_dir()
needs_sample = pytest.mark.skipif(SAMPLE is None, reason="the bundled sample archive is not installed")

# Words of today's English problem texts; none of them is Finnish.
ENGLISH = re.compile(
    r"\b(?:item|items|record|meeting|date|missing|not|the|left|empty|decisions?|decision\(s\)|found|bulletin"
    r"|agenda|page|document|has|have|no|and|or|is|are|in|of|skipped|warning|repaired)\b",
    re.I,
)


def index_sample(tmp: Path, lang: str, *extra: str) -> subprocess.CompletedProcess:
    """``arkisto index SAMPLE`` in a fresh process with the UI in ``lang``
    (ARKISTO_LANG) and a config home of its own."""
    env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": lang, "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_DATA_HOME": str(tmp / "data")}
    return subprocess.run([sys.executable, "-m", "arkisto", "index", str(SAMPLE), "--index", str(tmp / "ix"),
                           *extra], capture_output=True, text=True, env=env, timeout=300)


def problem_lines(stderr: str, labels: tuple[str, ...]) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith(tuple(f"{lb}: " for lb in labels))]


@pytest.fixture(scope="module")
def finnish(tmp_path_factory) -> list[str]:
    r = index_sample(tmp_path_factory.mktemp("fi"), "fi")
    assert r.returncode == 0, r.stderr
    return problem_lines(r.stderr, ("varoitus", "ohitettu", "korjattu"))


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> list[str]:
    r = index_sample(tmp_path_factory.mktemp("en"), "en")
    assert r.returncode == 0, r.stderr
    return problem_lines(r.stderr, ("warning", "skipped", "repaired"))


@needs_sample
def test_indexing_the_sample_archive_in_finnish_says_every_problem_in_finnish(finnish: list[str]):
    assert len(finnish) >= 50
    for line in finnish:
        _label, path, said = line.split(": ", 2)
        assert path.startswith(str(SAMPLE)), line
        assert not ENGLISH.search(said), line
    sample = str(SAMPLE)
    for expected in (
        f"varoitus: {sample}/mikkeli-cloudnc/mikkeli_kaupunginhallitus_4020.json: § 233: asian tiedoissa ei ole "
        "kokouspäivää (OpenNC:n asioissa ei ole päiväystä; se on kokouksen omassa tietueessa)",
        f"varoitus: {sample}/heinola/kasvatus-ja-opetuslautakunta_toimintakertomus-2024.txt: "
        "puuttuu: pykälä, kokouspäivä",
        f"varoitus: {sample}/helsinki-ahjo/decisions.json: tietue 11: ei päätöksen eikä päätösehdotuksen tekstiä "
        "(salainen tai poistettu asia?)",
        f"varoitus: {sample}/espoo-dynasty/espoo_kaupunginhallitus_2017-05-29_2017409886-26.html: tietue 1: "
        "esityslistan asia 26: ei vielä päätöstä eikä §-numeroa",
        f"varoitus: {sample}/oulu-tweb/oulu_kaupunginhallitus_2017-03_35090068.pdf: asiakirja ei nimeä päättävää "
        "toimielintä; toimielin jätettiin tyhjäksi",
    ):
        assert expected in finnish, expected


@needs_sample
def test_indexing_the_sample_archive_in_english_says_what_it_always_said(english: list[str], finnish: list[str]):
    assert len(english) == len(finnish)  # the same problems, in the other language
    sample = str(SAMPLE)
    for expected in (
        f"warning: {sample}/mikkeli-cloudnc/mikkeli_kaupunginhallitus_4020.json: § 233: meeting date is not in "
        "the item (OpenNC items carry no date; the meeting's own record does)",
        f"warning: {sample}/heinola/kasvatus-ja-opetuslautakunta_toimintakertomus-2024.txt: "
        "missing: section, meeting date",
        f"warning: {sample}/helsinki-ahjo/decisions.json: record 11: no decision or proposal text "
        "(secret or withdrawn item?)",
        f"warning: {sample}/helsinki-ahjo/decisions.json: 59 decision(s) have no meeting and no decision date in "
        "the record (officials' decisions); their date is left empty",
        f"warning: {sample}/espoo-dynasty/espoo_kaupunginhallitus_2017-05-29_2017409886-26.html: record 1: "
        "agenda item (asia 26): no decision yet and no § number",
        f"warning: {sample}/espoo-dynasty/espoo_kaupunginhallitus_2017-05-08_2017406946.html: minutes index page: "
        "22 items listed with title and number only; the item text (proposal, decision, preparers) is on the "
        "item pages",
        f"warning: {sample}/oulu-tweb/oulu_kaupunginhallitus_2017_395959398.pdf: the document states no date for "
        "this handling (Päivämäärä is empty); meeting_date left empty",
        f"warning: {sample}/mikkeli-cloudnc/mikkeli_kaupunginhallitus_4019.json: meeting-level record "
        "(2017-06-05): participants and agenda only, no decision item",
    ):
        assert expected in english, expected


# --- the keys -------------------------------------------------------------------------------

def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_ingest_message_is_in_both_languages_with_the_same_placeholders():
    fi = {k: v for k, v in STRINGS["fi"].items() if k.startswith("ingest_")}
    en = {k: v for k, v in STRINGS["en"].items() if k.startswith("ingest_")}
    assert len(en) >= 60
    assert fi.keys() == en.keys()
    for key in en:
        assert placeholders(fi[key]) == placeholders(en[key]), key
        assert fi[key] != en[key], key  # a translation, not a copy


# Today's English, word for word (users' scripts and tests match on it).
TODAY = [
    (Msg("ingest_opennc_no_date"),
     "meeting date is not in the item (OpenNC items carry no date; the meeting's own record does)"),
    (Msg("ingest_layout_unknown"),
     "layout not recognised; indexed as full text only "
     "(missing: committee, section, presenter, proposal, decision, outcome)"),
    (Msg("ingest_missing", fields=(Msg("ingest_field_committee"), Msg("ingest_field_meeting_date"))),
     "missing: committee, meeting date"),
    (Msg("ingest_invalid_decision", errors="title: Input should be a valid string"),
     "not a valid decision: title: Input should be a valid string"),
    (Msg("ingest_ahjo_undated", n=3),
     "3 decision(s) have no meeting and no decision date in the record (officials' decisions); "
     "their date is left empty"),
    (Msg("ingest_json_at", line=1, column=34, error="Expecting value"),
     "invalid JSON at line 1 column 34: Expecting value"),
    (Msg("ingest_json_layout", ahjo='{"decisions": [...]}', opennc='{"value": [...]}'),
     'JSON layout not recognised: expected arkisto records (objects with "kind"), an Ahjo API dump '
     '({"decisions": [...]}) or a CloudNC OpenNC item ({"value": [...]})'),
    (Msg("ingest_too_big", size=300, what=Msg("ingest_kind_pdfs"), limit=256),
     "file is 300 MiB; PDFs over 256 MiB are skipped"),
    (Msg("ingest_internal_error", type="KeyError", error="'x'"),
     "internal error while parsing (KeyError: 'x'); please report it"),
    (Msg("ingest_child_died", how=Msg("ingest_killed_by", signal="SIGKILL")),
     "the parser process died (killed by SIGKILL); the file may be damaged or too large"),
    (Msg("ingest_no_parser", kind="pdf"), "no parser for this pdf file"),
    (Msg("ingest_dynasty_agenda_item_no", no="26"), "agenda item (asia 26): no decision yet and no § number"),
    (Msg("ingest_dynasty_index_page", doc=Msg("ingest_doc_minutes"), n=22),
     "minutes index page: 22 items listed with title and number only; the item text (proposal, decision, "
     "preparers) is on the item pages"),
    (Msg("ingest_empty_file"), "empty file (nothing but whitespace)"),
    (Msg("ingest_repair_mojibake"), "repaired mojibake (UTF-8 read as Latin-1)"),
]


@pytest.mark.parametrize("msg, text", TODAY, ids=[m.key for m, _ in TODAY])
def test_the_english_is_todays_text(msg: Msg, text: str):
    assert str(msg) == text
    assert msg.render(Strings("en")) == text
    assert msg.render(Strings("fi")) != text


def test_a_problem_says_where_it_is_in_the_ui_language_and_keeps_its_english():
    from arkisto.ingest.common import IngestResult, where_item, where_line, where_record

    r = IngestResult(path="a.json", format="x")
    r.warn(Msg("ingest_record_no_title"), where_record(3))
    r.error(Msg("ingest_json_at_column", column=5, error="Expecting value"), where_line(12))
    r.warn(Msg("ingest_bulletin_no_decision"), where_item(2))
    r.warn(Msg("ingest_opennc_no_date"), "§ 45")
    r.warn("a text of its own")
    r = pickle.loads(pickle.dumps(r))  # as a parsing child sends it
    fi, en = Strings("fi"), Strings("en")
    assert [p.line(fi) for p in r.problems] == [
        "a.json: tietue 3: tietueella ei ole otsikkoa",
        "a.json: rivi 12: virheellinen JSON (sarake 5): Expecting value",
        "a.json: kohta 2: asiassa ei ole Päätös-tekstiä",
        "a.json: § 45: asian tiedoissa ei ole kokouspäivää (OpenNC:n asioissa ei ole päiväystä; "
        "se on kokouksen omassa tietueessa)",
        "a.json: a text of its own",
    ]
    assert [p.line(en) for p in r.problems] == [str(p) for p in r.problems] == [
        "a.json: record 3: record has no title",
        "a.json: line 12: invalid JSON at column 5: Expecting value",
        "a.json: item 2: item has no Päätös text",
        "a.json: § 45: meeting date is not in the item (OpenNC items carry no date; the meeting's own record does)",
        "a.json: a text of its own",
    ]
    # JSON output and the manifest take message and where: the English, as plain text.
    p = r.problems[1]
    assert (p.message, p.where) == ("invalid JSON at column 5: Expecting value", "line 12")
    assert type(p.message) is str


def test_a_file_that_cannot_be_read_is_said_in_finnish(tmp_path: Path):
    """IngestError carries its Msg through the parsing child and detect."""
    from arkisto.ingest import parse_path

    bad = tmp_path / "rikki.json"
    bad.write_text('[{"id": "x", "kind": "decision", ', encoding="utf-8")
    empty = tmp_path / "tyhja.txt"
    empty.write_text("   \n", encoding="utf-8")
    lines = [p.line(Strings("fi")) for f in (bad, empty) for p in parse_path(f).problems]
    assert lines[0].startswith(f"{bad}: virheellinen JSON (rivi 1, sarake ")
    assert lines[1] == f"{empty}: tiedosto on tyhjä (vain tyhjiä merkkejä)"
    assert [str(p) for f in (bad, empty) for p in parse_path(f).problems][1] == \
        f"{empty}: empty file (nothing but whitespace)"


def unread_twice(tmp_path: Path, tamper=None) -> tuple[Path, list]:
    """Two files arkisto cannot read, indexed twice (``tamper`` may change
    the manifest's sources between the runs): the docs folder and the
    second run's problems."""
    import json

    from arkisto.search.indexer import index_paths
    from arkisto.search.store import MANIFEST, IndexStore

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tyhja.txt").write_text("  \n", encoding="utf-8")
    (docs / "rivit.jsonl").write_text('{"kind": "decision", "source": {"path": "x", "format": "y"}, "title": 5}\n',
                                      encoding="utf-8")
    index_paths([docs], tmp_path / "ix")
    if tamper is not None:
        store = IndexStore(tmp_path / "ix")
        path = store.root / store.current_name() / MANIFEST
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, entry in data["sources"].items():
            tamper(key, entry)
        path.write_text(json.dumps(data), encoding="utf-8")
    again: list = []
    index_paths([docs], tmp_path / "ix", on_problem=again.append)
    return docs, again


def test_a_file_still_unread_on_a_rerun_is_said_in_finnish_again(tmp_path: Path):
    """The manifest remembers what was wrong as keys and parameters, so a
    re-run says it in the UI's language, parameters and all; the English
    stays what it was."""
    docs, again = unread_twice(tmp_path)
    fi = sorted(p.line(Strings("fi")) for p in again)
    assert fi[0] == f"{docs / 'rivit.jsonl'}: rivi 1: virheellinen tietue: title: Input should be a valid string " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"
    assert fi[1] == f"{docs / 'tyhja.txt'}: tiedosto on tyhjä (vain tyhjiä merkkejä) " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"
    assert sorted(str(p) for p in again) == [
        f"{docs / 'rivit.jsonl'}: line 1: not a valid record: title: Input should be a valid string "
        "(unchanged since the last run, not read again)",
        f"{docs / 'tyhja.txt'}: empty file (nothing but whitespace) (unchanged since the last run, not read again)"]


def test_an_index_written_before_the_keys_were_kept_says_what_it_can_in_finnish(tmp_path: Path):
    """A manifest with only the English: a message with no parameters, and
    "line 1", come back in the UI's language, the rest as remembered."""
    docs, again = unread_twice(tmp_path, lambda key, entry: entry.pop("failed_msg", None))
    fi = sorted(p.line(Strings("fi")) for p in again)
    assert fi[0] == f"{docs / 'rivit.jsonl'}: rivi 1: not a valid record: title: Input should be a valid string " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"
    assert fi[1] == f"{docs / 'tyhja.txt'}: tiedosto on tyhjä (vain tyhjiä merkkejä) " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"


@pytest.mark.parametrize("kept", [
    {"key": "cfg_page_size", "params": {"path": "x"}},  # not a problem's key
    {"key": "no_such_key", "params": {}},
    {"key": "ingest_invalid_record", "params": {}},  # its text wants {errors}
    {"key": "ingest_invalid_record", "params": {"errors": {"key": "ingest_invalid_record", "params": {
        "errors": {"key": "ingest_invalid_record", "params": {"errors": {"key": "ingest_invalid_record", "params": {
            "errors": {"key": "ingest_invalid_record", "params": {"errors": "deep"}}}}}}}}}},
    {"key": "ingest_invalid_record", "params": {"errors": {"list": ["x"] * 100}}},
    {"key": "ingest_invalid_record", "params": {"errors": {"__class__": "x"}}},
    {"key": "ingest_invalid_record", "params": {"errors": "x", "__init__": 1, "0": 2}},
    {"key": "ingest_too_big", "params": {"size": "{0.__class__}", "limit": [1], "what": None}},
    {"key": "ingest_invalid_record", "params": {"errors": float("nan")}},
    "ingest_invalid_record",
    [1, 2],
])
def test_a_tampered_kept_message_falls_back_to_the_remembered_english(tmp_path: Path, kept):
    """The manifest is read from disk: a kept message that is not one of
    the problems' keys with plain parameters its text takes is not used,
    and the English the manifest remembers is said instead."""
    def tamper(key: str, entry: dict) -> None:
        if "failed_msg" in entry:
            entry["failed_msg"] = [[kept, kept] for _ in entry["failed_msg"]]

    docs, again = unread_twice(tmp_path, tamper)
    fi = sorted(p.line(Strings("fi")) for p in again)
    assert fi[0] == f"{docs / 'rivit.jsonl'}: rivi 1: not a valid record: title: Input should be a valid string " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"
    assert fi[1] == f"{docs / 'tyhja.txt'}: tiedosto on tyhjä (vain tyhjiä merkkejä) " \
                    "(ennallaan edellisestä ajosta, ei luettu uudelleen)"


def test_a_kept_message_comes_back_as_it_was_written():
    from arkisto.i18n import dump_msg, load_msg

    m = Msg("ingest_too_big", size="80.0", limit=64, what=Msg("ingest_field_title"))
    back = load_msg(dump_msg(m), ("ingest_",))
    assert back is not None and (back.key, back.params) == (m.key, m.params)
    assert back.render(Strings("fi")) == m.render(Strings("fi"))
    listed = Msg("ingest_missing", fields=(Msg("ingest_field_title"), Msg("ingest_field_meeting_date")))
    again = load_msg(dump_msg(listed), ("ingest_",))
    assert again is not None and str(again) == str(listed)
    assert load_msg(dump_msg(m), ("problem_",)) is None
