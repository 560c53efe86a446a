"""arkisto's own input: records as the models dump them, one JSON document
(a record, a list of records, or ``{"records": [...]}``) or JSON Lines."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ..models import Record, stable_id
from ..projects import completed
from ..i18n import Msg
from .common import IngestError, IngestResult, clean_record
from .common import read_text, where_line, where_record

FORMAT = "arkisto-json"
_ADAPTER: TypeAdapter[Record] = TypeAdapter(Record)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict[str, object] = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"duplicate key {k!r}")
        seen[k] = v
    return seen


def loads_strict(text: str) -> object:
    """json.loads that rejects NaN/Infinity and duplicate keys."""
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)


# A JSON escape that can put into a value what ``clean`` takes out or
# changes: ``\u`` (any character: a control, a bidi mark, a combining mark
# that is not NFC next to its base), ``\b``, ``\f`` and ``\r``.  An
# escaped backslash before one of the letters matches too, needlessly.
_RISKY_ESCAPE = re.compile(r"\\[bfru]")


def values_clean(text: str) -> bool:
    r"""Whether every string json.loads makes of ``text`` (the file's text as
    read_text gives it, cleaned) is unchanged by ``clean``, so that
    clean_record need not look at the records made of it.

    The argument: ``text`` has no control, escape, zero-width or bidi
    character (``clean`` took them out) and no ``\r``; strict json.loads
    takes no raw control character into a string.  A string's characters
    are then the text's own and what its escapes stand for.  With no
    ``\u``, ``\b``, ``\f`` or ``\r`` escape those are only ``"``, ``\``,
    ``/``, newline and tab, which ``clean`` keeps.  NFC: ``clean`` removes
    characters after normalising, which can leave the text not NFC ("e",
    U+200B, U+0301 becomes "e" U+0301), so the text must be NFC, tested
    here.  A string is then pieces of NFC text (a piece of an NFC text is
    NFC) between those five characters, none of which composes with a
    character before or after it: NFC too.  (tests/test_escapes.py tries
    each escape and the removals.)"""
    return _RISKY_ESCAPE.search(text) is None and unicodedata.is_normalized("NFC", text)


def load_json(path: Path, data: bytes, result: IngestResult) -> object:
    text = read_text(path, result, data)
    result.cleaned = values_clean(text)
    try:
        return loads_strict(text)
    except json.JSONDecodeError as exc:
        raise IngestError(Msg("ingest_json_at", line=exc.lineno, column=exc.colno, error=exc.msg)) from None
    except ValueError as exc:
        raise IngestError(Msg("ingest_json", error=str(exc))) from None


def _add(obj: object, path: Path, index: int, where: Msg, result: IngestResult) -> None:
    try:
        rec = _ADAPTER.validate_python(obj)
    except ValidationError as exc:
        def loc(e) -> str:
            parts = [str(x) for x in e["loc"]]
            if parts and parts[0] in ("decision", "annual_report"):
                parts = parts[1:]  # the discriminator's tag, not a field
            return ".".join(parts) or "(record)"

        errs = "; ".join(f"{loc(e)}: {e['msg']}" for e in exc.errors()[:5])
        result.error(Msg("ingest_invalid_record", errors=errs), where)
        return
    rec.source = rec.source.model_copy(update={"record": index}) if rec.source.record is None else rec.source
    # Records exported before projects had keys, normalised funders and sums.
    rec.funded_projects = [completed(p) for p in rec.funded_projects]
    if result.cleaned:
        # What completed() derived is not the file's text: cleaned here, as
        # clean_record would (the id below is hex digits).
        for p in rec.funded_projects:
            clean_record(p)
    if not rec.id:
        # The file the record came in, not the path it claims to be from:
        # two files of id-less records must not collide.
        rec.id = stable_id(rec.source.model_copy(update={"path": str(path)}), index)
    result.records.append(rec)


def parse_json(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    obj = load_json(path, data, result)
    items = obj.get("records") if isinstance(obj, dict) and "records" in obj else obj
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not any(isinstance(i, dict) and "kind" in i for i in items[:50]):
        raise IngestError(Msg("ingest_json_layout", ahjo='{"decisions": [...]}', opennc='{"value": [...]}'))
    for i, item in enumerate(items):
        _add(item, path, i, where_record(i + 1), result)
    return result


def parse_jsonl(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    text = read_text(path, result, data)
    result.cleaned = values_clean(text)  # each line's values are pieces of the text
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = loads_strict(line)
        except json.JSONDecodeError as exc:
            result.error(Msg("ingest_json_at_column", column=exc.colno, error=exc.msg), where_line(lineno))
            continue
        except ValueError as exc:
            result.error(Msg("ingest_json", error=str(exc)), where_line(lineno))
            continue
        _add(obj, path, lineno - 1, where_line(lineno), result)
    return result
