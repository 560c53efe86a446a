"""The Whoosh schema and the mapping from records to index documents.

Text fields carry Finnish analysis, or Swedish analysis for a Swedish record
(``text_sv``, ``title_sv``; see ``swedish``); facet fields are exact,
untokenised values (``ID``/``KEYWORD``) so counts are per whole value.  The whole record is stored
as JSON so that results, export and the detail pane need no re-parse."""

from __future__ import annotations

from datetime import datetime

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..deciders import is_official
from ..models import NO_DATE, AnnualReport, Decision
from ..names import canonical
from .analysis import parts_analyzer, text_analyzer
from .swedish import swedish_analyzer

SCHEMA_VERSION = 13  # 13: first_indexed (when a record entered the index), for saved searches' new
# matches; projects by their normalised key, normalised funders, amounts (funding.py)
# 12: officials' titles in a facet of their own (official), bodies in committee

# Facets: name -> (index field, multi-valued?)
FACETS: dict[str, tuple[str, bool]] = {
    "committee": ("committee", False),  # bodies: lautakunta, hallitus, nämnd …
    "official": ("official", False),  # officials deciding alone: tiimipäällikkö, rehtori … (deciders.py)
    "presenter": ("presenter", False),
    "year": ("year", False),
    "funded_project": ("funded_project", True),
    "funder": ("funder", True),
    "municipality": ("municipality", False),
    "kind": ("kind", False),
    "outcome": ("outcome", False),
}

# Text fields searched by a plain query, with their boosts.  ``parts`` holds
# compound parts (hanke in kehittämishankkeen): a match there counts, but less
# than a whole word.
# One field of combined text (title, body, people, projects) keeps a word's
# query to three posting lists; the title field adds weight to title matches.
# A Swedish record's text is in text_sv and title_sv instead, with the same
# weights; a query searches both languages' fields.
FINNISH_FIELDS = {"text": 1.0, "title": 2.0, "parts": 0.3}
SWEDISH_FIELDS = {"text_sv": 1.0, "title_sv": 2.0}
TEXT_FIELDS = {**FINNISH_FIELDS, **SWEDISH_FIELDS}


def build_schema() -> Schema:
    ana = text_analyzer()
    sv = swedish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),  # source file, for incremental updates and deletes
        # multitoken_query="or": an ambiguous word's lemmas are alternatives.
        text=TEXT(analyzer=ana, multitoken_query="or"),
        title=TEXT(analyzer=ana, multitoken_query="or"),
        parts=TEXT(analyzer=parts_analyzer(), phrase=False, multitoken_query="or"),
        text_sv=TEXT(analyzer=sv),
        title_sv=TEXT(analyzer=sv),
        lang=ID(),  # "sv" for a Swedish record: a Swedish stop word in a query asks nothing of it
        ident=KEYWORD(lowercase=True, commas=True, scorable=True),  # case id, §, dates as written
        # One record per decision (merge.py): the merge keys of the record's
        # members (stored, to merge them again; searchable, to find
        # candidates); and for a record merged from several files, the
        # files (to find it when one of them changes), the ids of the
        # records merged into it (``get`` by any of them) and the members.
        mkeys=STORED(),
        mterms=KEYWORD(),
        mpaths=KEYWORD(),
        aliases=KEYWORD(),
        members=STORED(),
        committee=ID(sortable=True),
        official=ID(sortable=True),
        presenter=ID(sortable=True),
        year=ID(sortable=True),
        municipality=ID(sortable=True),  # the canonical (Finnish) name: one municipality counted once
        municipality_as=ID(),  # the name the record's document uses (Jakobstad), for the facet's labels
        kind=ID(sortable=True),
        outcome=ID(sortable=True),
        funded_project=KEYWORD(commas=True, lowercase=False),  # the normalised key (funding.key_of)
        funder=KEYWORD(commas=True, lowercase=False),  # normalised funders (funding.funders_of)
        # A record's projects' facts, one term each (funding.py): the
        # projects list, timelines, programmes and summa: read these.
        project_as=KEYWORD(commas=True, lowercase=False),
        project_funder=KEYWORD(commas=True, lowercase=False),
        project_amount=KEYWORD(commas=True, lowercase=False),
        project_programme=KEYWORD(commas=True, lowercase=False),
        date=DATETIME(sortable=True),
        section_n=NUMERIC(sortable=True),
        # When the record first entered the index, in microseconds since the
        # epoch (UTC): a column, so that "new since" is one comparison per
        # document.  Absent for records indexed before it was kept (old).
        first_indexed=NUMERIC(int, 64, signed=False, sortable=True, shift_step=0),
        record=STORED(),
    )


def record_text(rec: Decision | AnnualReport) -> str:
    """All the prose of a record, in reading order (the body field and snippets)."""
    if isinstance(rec, AnnualReport):
        return "\n\n".join(f"{s.heading}\n{s.text}" for s in rec.sections)
    parts = [rec.proposal, rec.decision, rec.handling, rec.preparation, rec.authority]
    parts += [a.title for a in rec.attachments]
    return "\n\n".join(p for p in parts if p)


def _kw(values: list[str]) -> str:
    # KEYWORD with commas=True splits on commas; values must not contain them.
    return ",".join(v.replace(",", " ") for v in dict.fromkeys(v for v in values if v))


def to_document(rec: Decision | AnnualReport) -> dict:
    from .funding import index_terms

    projects = [p.name for p in rec.funded_projects]
    funders = [f for p in rec.funded_projects if p.funder for f in p.funder.split("/")]
    project_terms = index_terms(rec.funded_projects)
    if isinstance(rec, Decision):
        people = [rec.presenter] if rec.presenter else []
        people += rec.preparers
        year = rec.year
        committee = rec.committee
        official = None
        if is_official(committee):  # an official's decision: its title is no body
            committee, official = None, rec.committee
        presenter = rec.presenter.name if rec.presenter else None
        date = datetime(rec.meeting_date.year, rec.meeting_date.month, rec.meeting_date.day) if rec.meeting_date else None
        idents = [rec.case_id or "", rec.section and f"§{rec.section}" or ""]
        if rec.meeting_date:
            d = rec.meeting_date
            idents.append(f"{d.day}.{d.month}.{d.year}")
        title = rec.title or ""
        outcome = rec.outcome.value if rec.outcome else None
    else:
        people = []
        year = rec.year
        committee = rec.organisation
        official = None
        presenter = None
        date = datetime(rec.year, 12, 31) if rec.year else None
        idents = []
        title = rec.title or rec.organisation or ""
        outcome = None
    body = record_text(rec)
    people_text = "\n".join(
        " ".join(x for x in (p.name, p.title) if x) for p in people
    )
    case_text = getattr(rec, "case_id", None) or ""
    combined = "\n\n".join(x for x in (title, case_text, body, people_text, " ".join(projects + funders)) if x)
    doc: dict[str, object] = {
        "id": rec.id,
        "path": rec.source.path,
        "ident": _kw([i for i in idents if i]),
        "kind": rec.kind,
        "record": rec.model_dump_json(exclude_none=True),
    }
    if is_swedish(rec):
        doc.update(title_sv=title, text_sv=combined, lang="sv")
    else:
        # The same object in text and parts: analysed once for both fields.
        doc.update(title=title, text=combined, parts=combined)
    for key, value in (
        ("committee", committee),
        ("official", official),
        ("presenter", presenter),
        ("year", str(year) if year else NO_DATE),  # "päiväys puuttuu": counted, selectable
        ("municipality", canonical(rec.municipality)),
        ("municipality_as", rec.municipality),
        ("outcome", outcome),
    ):
        if value:
            doc[key] = value
    for fieldname, values in project_terms.items():
        if values:
            doc[fieldname] = _kw(values)
    if date:
        doc["date"] = date
    if isinstance(rec, Decision) and rec.section and rec.section.isdigit():
        doc["section_n"] = int(rec.section)
    if rec.first_indexed is not None:
        doc["first_indexed"] = to_micros(rec.first_indexed)
    return doc


def to_micros(when: datetime) -> int:
    """A UTC time as microseconds since the epoch (the ``first_indexed``
    column's unit); a naive time is taken as UTC."""
    from datetime import timezone

    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    delta = when - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(us: int) -> datetime:
    """The inverse of ``to_micros``: an aware UTC datetime."""
    from datetime import timedelta, timezone

    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=int(us))


def single_document(rec: Decision | AnnualReport, keys: list[str], path_key: str) -> dict:
    """The index document of a record of one file, as the indexer writes it."""
    from .merge import searchable

    doc = to_document(rec)
    doc.update(path=path_key, mkeys=" ".join(keys), mterms=" ".join(searchable(keys)))
    return doc


def group_document(group: list[dict]) -> dict:
    """The index document of one decision from several members (merge.py):
    the merged record, its members' keys, files and ids, and the members."""
    import json

    from .merge import id_token, merged, path_token, terms_of

    rec, first, recs = merged(group, record_from_json)
    doc = to_document(rec)
    doc.update(
        path=first["path"],
        mkeys=" ".join(dict.fromkeys(k for m in group for k in m["keys"])),
        mterms=" ".join(sorted(terms_of(group))),
    )
    if len(group) > 1:
        doc["mpaths"] = " ".join(dict.fromkeys(path_token(m["path"]) for m in group))
        doc["aliases"] = " ".join(dict.fromkeys(id_token(r.id) for r in recs if r.id != rec.id))
        doc["members"] = json.dumps(group, ensure_ascii=False)
    return doc


def is_swedish(rec: Decision | AnnualReport) -> bool:
    return getattr(rec, "language", None) == "sv"


def natural_key(rec: Decision | AnnualReport) -> str | None:
    """What identifies an item across publications: its body, date and §."""
    if not isinstance(rec, Decision) or not (rec.committee and rec.meeting_date and rec.section):
        return None
    municipality = canonical(rec.municipality) or ""
    return "|".join([municipality.lower(), rec.committee.lower(), rec.meeting_date.isoformat(), rec.section])


_ADAPTER = None


def record_from_json(text: str) -> Decision | AnnualReport:
    return load_record({"record": text})


def load_record(stored: dict) -> Decision | AnnualReport:
    global _ADAPTER
    if _ADAPTER is None:
        from pydantic import TypeAdapter

        from ..models import Record

        _ADAPTER = TypeAdapter(Record)
    return _ADAPTER.validate_json(stored["record"])
