"""The fallback for a layout no module recognises: the file is still indexed
as full text, with the best title we can find and a warning that says which
fields are missing."""

from __future__ import annotations

from pathlib import Path

from ..i18n import Msg
from ..models import Decision, Source, stable_id
from ..text import join_lines
from .common import IngestResult, funded_projects, parse_date
from .common import read_text, title_from_text

FORMAT = "generic-text"


def from_text(text: str, path: Path, fmt: str, result: IngestResult, page: int | None = None) -> IngestResult:
    body = join_lines(text)
    if not body.strip():
        result.error(Msg("ingest_no_text"))
        return result
    source = Source(path=str(path), format=fmt, page=page)
    title = title_from_text(text)
    rec = Decision(
        title=title,
        meeting_date=parse_date(text[:2000]),
        preparation=body,
        funded_projects=funded_projects(body, title=title),
        derived=["title", "meeting_date"],
        source=source,
    )
    rec.id = stable_id(source, 0)
    result.records.append(rec)
    result.warn(Msg("ingest_layout_unknown"))
    return result


def parse(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    text = read_text(path, result, data)
    return from_text(text, path, FORMAT, result)
