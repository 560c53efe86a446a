"""Personal-data detection finds exactly what it found before it was made
faster (issue 18): the spans of tests/fixtures/personal/parity.json.gz were
written by the detector of commit cbc4d77 (make_parity.py says how), over
the real corpus's records, generated benchmark decisions, the labelled set
and texts mixed from all of them with odd letters and line breaks."""

from __future__ import annotations

import gzip
import json

import pytest

from arkisto.ingest.personal import detect
from arkisto.models import AnnualReport, Decision
from helpers import FIXTURES

ITEMS = json.loads(gzip.decompress((FIXTURES / "personal" / "parity.json.gz").read_bytes()))


@pytest.mark.parametrize("name", ["real", "generated", "labelled", "mixed"])
def test_the_same_spans_as_before(name):
    items = [i for i in ITEMS if i["set"] == name]
    assert items
    wrong = []
    for item in items:
        data = item["record"]
        rec = (Decision if data["kind"] == "decision" else AnnualReport).model_validate(data)
        got = [[s.kind, s.field, s.start, s.end, s.confidence] for s in detect(rec)]
        if got != item["spans"]:
            wrong.append((data["source"]["path"], got, item["spans"]))
    assert not wrong, f"{len(wrong)} of {len(items)} records differ; the first: {wrong[0]}"
