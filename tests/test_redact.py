"""What leaves arkisto holds no personal data when asked: `export/show/search
--redact`, `index --redact` (the index files hold none), and the config's
`redact` setting, also only after the appeal period."""

from __future__ import annotations

import json
import re
import sys
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from arkisto.cli import main
from arkisto.ingest.personal import redaction_due
from arkisto.models import Decision
from helpers import FIXTURES

sys.path.insert(0, str(FIXTURES / "personal"))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> tuple[Path, list[str]]:
    """The dev half of the labelled set as an arkisto JSONL file, and the
    texts of its labelled spans (whitespace squashed)."""
    items = [i for i in generate.items() if i["half"] == "dev"]
    folder = tmp_path_factory.mktemp("personal")
    path = folder / "records.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for n, item in enumerate(items):
            rec = dict(item["record"], id=f"p{n}", source={"path": "x", "format": "arkisto-json"})
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    texts = sorted({" ".join(g["text"].split()) for i in items for g in i["gold"]})
    return path, texts


def _leaks(blob: str, texts: list[str]) -> list[str]:
    flat = " ".join(blob.split()).casefold()
    return [t for t in texts if t.casefold() in flat]


def _index_bytes(index: Path) -> bytes:
    """Every byte of the index files, and the inflated content of every zlib
    stream in them (Whoosh compresses stored fields)."""
    out = []
    for p in sorted(index.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        out.append(data)
        for m in re.finditer(rb"\x78[\x01\x5e\x9c\xda]", data):
            try:
                out.append(zlib.decompressobj().decompress(data[m.start():]))
            except zlib.error:
                pass
    return b"\n".join(out)


def test_index_redact_stores_none_of_the_labelled_spans(labelled, tmp_path):
    path, texts = labelled
    plain, redacted = tmp_path / "plain", tmp_path / "redacted"
    assert main(["index", str(path), "--index", str(plain), "-q"]) == 0
    assert main(["index", str(path), "--index", str(redacted), "-q", "--redact"]) == 0
    # The files can be grepped: the plain index holds the names as written.
    assert len(_leaks(_index_bytes(plain).decode("utf-8", "replace"), texts)) > len(texts) // 2
    raw = _index_bytes(redacted).decode("utf-8", "replace")
    assert _leaks(raw, texts) == []
    assert "[nimi]" in raw and "[henkilötunnus]" in raw
    # An update of a redacted index stays redacted.
    assert (redacted / "REDACTED").exists()
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"kind": "decision", "id": "m1", "title": "Lupa", "source": {"path": "x", "format": "x"},
                                "preparation": "Hakija: Ilmari Kivimäki, Rantatie 7 B 2."}) + "\n", encoding="utf-8")
    assert main(["index", str(more), "--index", str(redacted), "-q"]) == 0
    assert "Kivimäki" not in _index_bytes(redacted).decode("utf-8", "replace")


def test_export_show_and_search_redact(labelled, tmp_path, capsys):
    path, texts = labelled
    index = tmp_path / "ix"
    assert main(["index", str(path), "--index", str(index), "-q"]) == 0
    capsys.readouterr()
    for fmt in ("jsonl", "csv"):
        assert main(["export", "--index", str(index), "--format", fmt, "--redact"]) == 0
        out = capsys.readouterr().out
        if fmt == "jsonl":  # the text as the records hold it, "\n" in names included
            out = "\n".join(json.dumps(json.loads(line), ensure_ascii=False).replace("\\n", "\n")
                            for line in out.splitlines())
        assert _leaks(out, texts) == [], fmt
        assert "[nimi]" in out
    # An export of a query's matches (the CSV reads them with the words each
    # lacks) and of a filter is redacted as much as the whole archive.
    for args in (["hakija OR valittaja OR puhelin OR osoite"], ["--year", "2020-2030"], ["hakija", "toinen"]):
        for fmt in ("jsonl", "csv"):
            assert main(["export", *args, "--index", str(index), "--format", fmt, "--redact"]) == 0
            out = capsys.readouterr().out
            assert "[" in out, (args, fmt)
            if fmt == "jsonl":
                out = "\n".join(json.dumps(json.loads(line), ensure_ascii=False).replace("\\n", "\n")
                                for line in out.splitlines())
            assert _leaks(out, texts) == [], (args, fmt)
    assert main(["export", "--index", str(index)]) == 0
    assert _leaks(capsys.readouterr().out, texts)  # without --redact they are there
    assert main(["show", "p0", "--index", str(index), "--redact"]) == 0
    shown = capsys.readouterr().out
    assert _leaks(shown, texts) == [] and "[" in shown
    name = next(t for t in texts if re.fullmatch(r"[A-ZÅÄÖ]\w+ [A-ZÅÄÖ][\w\-]+", t))
    assert main(["search", name.split()[-1], "--index", str(index), "--json", "--redact", "--limit", "50"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["hits"] and name not in json.dumps(res, ensure_ascii=False)


def test_config_redacts_by_default_and_after_the_appeal_period(labelled, tmp_path, capsys, monkeypatch):
    path, texts = labelled
    index = tmp_path / "ix"
    assert main(["index", str(path), "--index", str(index), "-q"]) == 0
    config = tmp_path / "config.toml"
    config.write_text('redact = "always"\n', encoding="utf-8")
    monkeypatch.setattr("arkisto.config.config_file", lambda: config)
    capsys.readouterr()
    assert main(["export", "--index", str(index)]) == 0
    assert _leaks(capsys.readouterr().out, texts) == []
    assert main(["export", "--index", str(index), "--no-redact"]) == 0
    assert _leaks(capsys.readouterr().out, texts)


def test_after_appeal_counts_from_the_meeting_date():
    rec = Decision(source={"path": "t", "format": "t"}, meeting_date=date(2025, 3, 1))
    assert not redaction_due(rec, "after-appeal", 0, today=date(2025, 3, 15))
    assert redaction_due(rec, "after-appeal", 0, today=date(2025, 3, 16))
    assert not redaction_due(rec, "after-appeal", 30, today=date(2025, 4, 14))
    assert redaction_due(rec, "after-appeal", 30, today=date(2025, 3, 1) + timedelta(days=45))
    assert redaction_due(rec.model_copy(update={"meeting_date": None}), "after-appeal", 0)
    assert not redaction_due(rec, "never") and redaction_due(rec, "always")


def test_officials_contacts_stay_unless_asked(tmp_path, capsys, monkeypatch):
    """An official's published phone and e-mail are not personal data of a
    private person: --redact leaves them; --redact-officials (or the
    config's redact_officials) replaces them too, in the text and in the
    presenter's contact fields, and the private applicant's as always."""
    from arkisto.config import Settings

    path = tmp_path / "records.jsonl"
    rec = {"kind": "decision", "id": "o1", "title": "Poikkeamislupa", "source": {"path": "x", "format": "x"},
           "presenter": {"name": "Liisa Rakentaja", "title": "rakennustarkastaja", "phone": "040 123 4567",
                         "email": "liisa.rakentaja@kunta.fi"},
           "preparation": "Hakija: Ilmari Kivimäki, puh. 050 765 4321. Lisätietoja antaa rakennustarkastaja "
                          "Liisa Rakentaja, puh. 040 123 4567, liisa.rakentaja@kunta.fi."}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    assert main(["index", str(path), "--index", str(index), "-q"]) == 0
    capsys.readouterr()
    assert main(["show", "o1", "--index", str(index), "--json", "--redact"]) == 0
    out = capsys.readouterr().out
    assert "050 765 4321" not in out and "Kivimäki" not in out
    assert "040 123 4567" in out and "liisa.rakentaja@kunta.fi" in out
    assert main(["show", "o1", "--index", str(index), "--json", "--redact-officials"]) == 0
    out = capsys.readouterr().out
    assert "040 123 4567" not in out and "liisa.rakentaja@kunta.fi" not in out and "050 765 4321" not in out
    assert json.loads(out)["presenter"] == {"name": "Liisa Rakentaja", "title": "rakennustarkastaja",
                                            "phone": "[puhelin]", "email": "[sähköposti]"}
    # The config's setting, kept and read back as TOML.
    cfg = tmp_path / "config.toml"
    Settings(redact="always", redact_officials=True).save(cfg)
    settings, problems = Settings.load(cfg)
    assert problems == [] and settings.redact_officials is True
    monkeypatch.setattr("arkisto.config.config_file", lambda: cfg)
    assert main(["export", "--index", str(index), "--format", "csv"]) == 0
    assert "040 123 4567" not in capsys.readouterr().out
