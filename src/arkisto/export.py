"""Export records as JSON Lines, CSV or OpenSearch bulk NDJSON.

JSON Lines holds each record whole, with the model's field names: the
export to process further.  CSV is for people who open it in a spreadsheet:
one column per field, lists written out readably ("Anna Virtanen
(hyvinvointijohtaja); Pekka Laine", "VALSSI (OKM, 120 000 €)"), a UTF-8
byte order mark so that Excel reads the encoding right, no cell over
CELL_LIMIT characters (a spreadsheet cell holds 32,767; a longer text is cut
with a visible marker, and the whole text is in the JSON Lines export), and
a ``missing`` column naming the query's words a partial match lacks.
The OpenSearch bulk file (opensearch.py) carries arkisto's analysed tokens
for a cluster without a Finnish analyser (docs/scale.md)."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .models import AnnualReport, Decision, Person

FORMATS = ("csv", "jsonl", "opensearch-bulk")
CELL_LIMIT = 32_000
CUT_MARKER = " … [cut at 32,000 characters: the whole text is in the JSONL export]"
BOM = "\ufeff"

# Every field of both models, in a stable order, then the search's own.
# The funded projects' own columns (the funded_projects column keeps the
# readable form): the projects' keys, their normalised funders, and each
# amount as "project: role euros year" with the euros as a plain number.
PROJECT_FIELDS = ["project_keys", "funders", "amounts"]
CSV_FIELDS = list(dict.fromkeys([*Decision.model_fields, *AnnualReport.model_fields])) + PROJECT_FIELDS + ["missing"]


def iter_records(svc, query: str = "", filters: dict[str, list[str]] | None = None):
    if not query.strip() and not filters:
        yield from svc.records()
        return
    yield from svc.iter_records(query, filters)


def iter_rows(svc, query: str = "", filters: dict[str, list[str]] | None = None
              ) -> Iterator[tuple[Decision | AnnualReport, list[str]]]:
    """(record, the query's words it lacks) for every record to export."""
    if not query.strip() and not filters:
        for rec in svc.records():
            yield rec, []
        return
    yield from svc.iter_matches(query, filters)


def _person(p: Person | None) -> str:
    if p is None:
        return ""
    return f"{p.name} ({p.title})" if p.title else p.name


def _joined(items: list[str]) -> str:
    return "; ".join(x for x in items if x)


def _cell(value: object) -> str:
    """One field as a readable cell: lists joined with "; ", nested things
    written as people read them."""
    if value is None:
        return ""
    if isinstance(value, Person):
        return _person(value)
    if isinstance(value, list):
        return _joined([_item(v) for v in value])
    if isinstance(value, dict):
        return _joined([f"{k}: {v}" for k, v in value.items()])
    if hasattr(value, "value"):  # an Enum (Outcome)
        return str(value.value)
    return str(value)


def _item(v: object) -> str:
    from .models import Attachment, FundedProject, PersonalSpan, Section, Source, Vote

    if isinstance(v, Person):
        return _person(v)
    if isinstance(v, FundedProject):
        extra = ", ".join(x for x in (v.funder, v.amount) if x)
        return f"{v.name} ({extra})" if extra else v.name
    if isinstance(v, Attachment):
        return f"{v.title} ({v.url})" if v.url else v.title
    if isinstance(v, Vote):
        return ": ".join(x for x in (v.description, v.result) if x)
    if isinstance(v, Section):
        return f"{v.heading}: {v.text}" if v.text else v.heading
    if isinstance(v, Source):
        return _source(v)
    if isinstance(v, PersonalSpan):  # "name in preparation 2057-2075 (possible)"
        where = f"{v.kind} in {v.field} {v.start}-{v.end}"
        return f"{where} ({v.confidence})" if v.confidence != "sure" else where
    return str(v)


def _source(src) -> str:
    where = [src.path]
    if src.page:
        where.append(f"page {src.page}")
    if src.record is not None:
        where.append(f"record {src.record + 1}")
    return ", ".join(where)


_FORMULA = re.compile(r"^[=+@\t\r]")


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: cut to CELL_LIMIT with a marker,
    and a leading =, + or @ (which a spreadsheet would run as a formula)
    quoted with an apostrophe."""
    if _FORMULA.match(text):
        text = "'" + text
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(CUT_MARKER)].rstrip() + CUT_MARKER
    return text


def csv_row(rec: Decision | AnnualReport, missing: list[str] | None = None) -> dict[str, str]:
    row = {name: _safe_cell(_cell(getattr(rec, name))) for name in type(rec).model_fields}
    row["source"] = _safe_cell(_source(rec.source))
    row.update({k: _safe_cell(v) for k, v in project_cells(rec).items()})
    row["missing"] = _safe_cell(", ".join(missing or []))
    return row


def project_cells(rec: Decision | AnnualReport) -> dict[str, str]:
    """The funded projects' columns of a record (PROJECT_FIELDS)."""
    from .search.funding import funders_of, key_of

    projects = rec.funded_projects
    amounts = [f"{p.name}: {a.role} {a.euros:.2f}".rstrip("0").rstrip(".") + (f" {a.year}" if a.year else "")
               for p in projects for a in p.amounts]
    return {
        "project_keys": _joined(list(dict.fromkeys(key_of(p) for p in projects))),
        "funders": _joined(list(dict.fromkeys(f for p in projects for f in funders_of(p)))),
        "amounts": _joined(amounts),
    }


def write_export(svc, out: TextIO, fmt: str, query: str = "", filters=None, bulk_index: str | None = None) -> int:
    """Write every record matching ``query`` and ``filters`` (all of them
    when both are empty) to ``out``; the number written.  ``bulk_index``:
    the ``_index`` of an OpenSearch bulk file's actions."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if fmt == "opensearch-bulk":
        from .opensearch import DEFAULT_INDEX, write_bulk

        return write_bulk(iter_records(svc, query, filters), out, bulk_index or DEFAULT_INDEX)
    n = 0
    if fmt == "jsonl":
        for rec in iter_records(svc, query, filters):
            out.write(rec.model_dump_json() + "\n")
            n += 1
        return n
    out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for rec, missing in iter_rows(svc, query, filters):
        writer.writerow(csv_row(rec, missing))
        n += 1
    return n


# --- where the TUI offers to write -----------------------------------------------------------


def _xdg_user_dir(name: str, home: Path) -> Path | None:
    """XDG_<name>_DIR from ``~/.config/user-dirs.dirs`` (as xdg-user-dirs
    writes it: ``XDG_DOCUMENTS_DIR="$HOME/Asiakirjat"``), if it exists."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.search(rf'^XDG_{name}_DIR="([^"\n]*)"', text, re.MULTILINE)
    if not m:
        return None
    value = m.group(1).replace("$HOME", str(home))
    path = Path(value)
    if not path.is_absolute() or path == home:
        return None
    return path if path.is_dir() else None


def default_export_folder(home: Path | None = None) -> Path:
    """Where an export goes unless the user says otherwise: the user's
    documents folder (XDG user dirs, else ~/Documents), else the downloads
    folder, else the home folder."""
    home = Path(home) if home is not None else Path.home()
    for name, fallback in (("DOCUMENTS", "Documents"), ("DOWNLOAD", "Downloads")):
        found = _xdg_user_dir(name, home)
        if found is not None:
            return found
        if (home / fallback).is_dir():
            return home / fallback
    return home


def redacted(rec: Decision | AnnualReport, mode: str, days: int = 0,
             officials: bool = False) -> Decision | AnnualReport:
    """``rec`` with its personal data replaced by its kind where the
    redaction mode ("never", "always", "after-appeal") says it is due;
    ``officials``: their published phone numbers and e-mails too."""
    from .ingest.personal import redact, redaction_due

    return redact(rec, officials) if redaction_due(rec, mode, days) else rec


class Redacting:
    """A search service as an export reads it (``records``, ``iter_records``,
    ``iter_matches``), each record redacted as ``mode`` and ``days`` ask.
    Every way an export reads records goes through here, so none of them
    can leak what the others hide."""

    def __init__(self, svc, mode: str, days: int = 0, officials: bool = False):
        self.svc, self.mode, self.days, self.officials = svc, mode, days, officials

    def _r(self, rec):
        return redacted(rec, self.mode, self.days, self.officials)

    def records(self):
        return (self._r(r) for r in self.svc.records())

    def iter_records(self, query, filters=None):
        return (self._r(r) for r in self.svc.iter_records(query, filters))

    def iter_matches(self, query, filters=None, *args, **kw):
        return ((self._r(r), missing) for r, missing in self.svc.iter_matches(query, filters, *args, **kw))

    def __getattr__(self, name):
        return getattr(self.svc, name)


def redact_hit(h, svc, mode: str, days: int = 0, officials: bool = False) -> None:
    """A hit's title and snippet without its record's personal data, where
    the redaction mode says it is due (a search's output, the TUI's list).
    The snippet is cut from the record's text: each span's text is replaced
    where it appears in it (with any whitespace), and the highlights go."""
    if mode == "never":  # before the import: a plain search never loads the detector
        return
    from .ingest.personal import LABELS, field_text, official_contact_spans, redaction_due

    rec = h.record or svc.get(h.id)
    if rec is None or not redaction_due(rec, mode, days):
        return
    spans = list(rec.personal) + (official_contact_spans(rec) if officials else [])
    if not spans:
        return
    texts = sorted({(field_text(rec, s.field) or "")[s.start:s.end]: s.kind for s in spans}.items(),
                   key=lambda kv: -len(kv[0]))
    snippet, title = h.snippet, h.title
    for text, kind in texts:
        if not text.strip():
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in text.split()))
        snippet = pattern.sub(LABELS[kind], snippet)
        title = pattern.sub(LABELS[kind], title)
    if snippet != h.snippet:
        h.highlights = []
    h.snippet, h.title = snippet, title
    if h.record is not None:
        h.record = redacted(h.record, mode, days, officials)
