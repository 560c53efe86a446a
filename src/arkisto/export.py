"""Export records as JSON Lines or CSV, with the model's field names."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from .models import AnnualReport, Decision

# Union of both models' fields, in a stable order.
CSV_FIELDS = list(dict.fromkeys([*Decision.model_fields, *AnnualReport.model_fields]))


def iter_records(svc, query: str = "", filters: dict[str, list[str]] | None = None):
    if not query.strip() and not filters:
        yield from svc.records()
        return
    yield from svc.iter_records(query, filters)


def write_export(svc, out: TextIO, fmt: str, query: str = "", filters=None) -> int:
    n = 0
    if fmt == "jsonl":
        for rec in iter_records(svc, query, filters):
            out.write(rec.model_dump_json() + "\n")
            n += 1
        return n
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for rec in iter_records(svc, query, filters):
        row = {}
        for name, value in rec.model_dump(mode="json").items():
            if isinstance(value, (list, dict)):
                row[name] = json.dumps(value, ensure_ascii=False) if value else ""
            else:
                row[name] = "" if value is None else value
        writer.writerow(row)
        n += 1
    return n
