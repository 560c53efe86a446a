"""Export for OpenSearch: bulk NDJSON of pre-analysed documents and the
index mapping that reads them (docs/scale.md is the design).

arkisto analyses the text itself (Voikko lemmas, compound parts, Swedish
stems) and writes the analysed tokens, so the cluster needs no Finnish
plugin: its analysers only split what arkisto wrote.

- Lemma fields (``text``, ``title``): one space-separated word per
  position; an ambiguous word's readings are joined with ``|`` (``tuli|tulla``)
  and the ``arkisto_readings`` analyser (whitespace tokenizer, then a
  ``pattern_capture`` filter on ``[^|]+``) puts them at one position, as
  the Whoosh index holds them, so a phrase matches any reading.
- ``parts`` (compound parts) and the Swedish fields (``text_sv``,
  ``title_sv``): tokens separated by spaces, read by the whitespace
  analyser.  ``parts`` keeps no positions (the Whoosh field has none).
- Facets are keyword fields with doc values (terms aggregations); dates are
  ``date``; euro amounts ``scaled_float`` (cents); the record itself is in
  ``record``, kept in ``_source`` but not indexed (results, snippets and the
  detail pane read it).  The token fields are left out of ``_source``.

The bulk file is written record by record (memory stays bounded however
large the index); the mapping after it, with a shard count for the number
of records written."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import TextIO

from .models import AnnualReport, Decision
from .search import swedish
from .search.analysis import analysed, analyzer_id
from .search.schema import SCHEMA_VERSION, to_document

DEFAULT_INDEX = "arkisto"

# docs/scale.md, "Sizing": a Lucene index of these documents took 3.6 KB
# per real record (best_compression, measured on the corpus's 276 records),
# planned at 4.5 KB with unmerged segments; shards of about 12 GB, so that a
# national index is split over the nodes' cores.
BYTES_PER_RECORD = 4_500
SHARD_BYTES = 12 * 1024**3

IGNORE_ABOVE = 1024

# Facet fields as the search index has them (schema.to_document), and how
# each is written: a list (multi-valued) or one value.
KEYWORDS = ("committee", "official", "presenter", "year", "municipality", "municipality_as",
            "kind", "outcome", "lang", "path")
LISTS = ("funded_project", "funder", "ident")
TOKEN_FIELDS = {
    # field -> (source text in to_document, emit)
    "text": ("text", "lemmas"),
    "title": ("title", "lemmas"),
    "parts": ("parts", "parts"),
    "text_sv": ("text_sv", "swedish"),
    "title_sv": ("title_sv", "swedish"),
}

# Characters JSON leaves raw that are still control or line-breaking
# characters (DEL, C1 controls, the Unicode line and paragraph separators):
# escaped, so that no control character reaches the file and a reader that
# splits lines on them still sees one document per line.
_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029]")
_UNSAFE_IN_TOKEN = re.compile(r"[\s|]")


def _token(text: str) -> str:
    """A token as the cluster's analyser will split it back: no whitespace
    and no ``|`` inside (neither occurs in a word arkisto's tokenizer cuts)."""
    return _UNSAFE_IN_TOKEN.sub("_", text)


def token_string(text: str, emit: str) -> str:
    """The analysed tokens of ``text`` as a whitespace analyser reads them:
    ``lemmas``, one word per position (readings joined with ``|``);
    ``parts``, every compound part; ``swedish``, the Swedish stems."""
    if emit == "swedish":
        return " ".join(_token(term) for _s, _e, term in swedish.words(text))
    if emit == "parts":
        return " ".join(_token(p) for _s, _e, _lm, parts in analysed(text) for p in parts)
    return " ".join("|".join(_token(lm) for lm in lemmas)
                    for _s, _e, lemmas, _p in analysed(text) if lemmas)


def _listed(value: object) -> list[str]:
    """A KEYWORD field of the Whoosh document (comma-joined) as a list."""
    return [v for v in str(value).split(",") if v] if value else []


def bulk_document(rec: Decision | AnnualReport) -> dict:
    """One record as the OpenSearch document this design indexes: the same
    fields and tokens as arkisto's own index (schema.to_document), plus
    project keys, amounts, first_indexed and the record."""
    doc = to_document(rec)
    out: dict[str, object] = {"id": rec.id}
    for field in KEYWORDS:
        if doc.get(field):
            out[field] = str(doc[field])
    for field in LISTS:
        values = _listed(doc.get(field))
        if values:
            out[field] = values
    for field, (source, emit) in TOKEN_FIELDS.items():
        if doc.get(source):
            tokens = token_string(str(doc[source]), emit)
            if tokens:
                out[field] = tokens
    keys = list(dict.fromkeys(p.key or p.name.casefold() for p in rec.funded_projects))
    if keys:
        out["project"] = keys
    amounts = [a for p in rec.funded_projects for a in p.amounts]
    if amounts:
        out["amount"] = [round(a.euros, 2) for a in amounts]
        granted = [round(a.euros, 2) for a in amounts if a.role == "granted"]
        if granted:
            out["amount_granted"] = granted
    if doc.get("date"):
        out["date"] = doc["date"].date().isoformat()
    if doc.get("section_n") is not None:
        out["section_n"] = doc["section_n"]
    if rec.first_indexed is not None:
        out["first_indexed"] = rec.first_indexed.isoformat()
    out["record"] = json.loads(rec.model_dump_json(exclude_none=True))
    return out


def ndjson_line(obj: object) -> str:
    """One line of NDJSON: UTF-8 text as it is, no raw control character."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line)


def write_bulk(records: Iterable[Decision | AnnualReport], out: TextIO, index: str = DEFAULT_INDEX) -> int:
    """An action line and a document line for each record; the number written."""
    n = 0
    for rec in records:
        out.write(ndjson_line({"index": {"_index": index, "_id": rec.id}}) + "\n")
        out.write(ndjson_line(bulk_document(rec)) + "\n")
        n += 1
    return n


def shards_for(records: int) -> int:
    """Primary shards for an index of this many records (docs/scale.md)."""
    return max(1, math.ceil(records * BYTES_PER_RECORD / SHARD_BYTES))


def _keyword(**extra) -> dict:
    """A keyword field.  A value over IGNORE_ABOVE characters (a project
    name that swallowed a paragraph) is kept in ``_source`` but not
    indexed, where Lucene would refuse the whole document (a term is at
    most 32,766 bytes)."""
    return {"type": "keyword", "ignore_above": IGNORE_ABOVE, **extra}


def _tokens(analyzer: str, positions: bool = True) -> dict:
    field: dict[str, object] = {"type": "text", "analyzer": analyzer, "search_analyzer": "arkisto_whitespace"}
    if not positions:
        field["index_options"] = "freqs"
    return field


def mapping(records: int = 0) -> dict:
    """The body of ``PUT /INDEX``: settings (analysers, shards) and the
    mappings of every field ``bulk_document`` writes."""
    amount = {"type": "scaled_float", "scaling_factor": 100}
    properties: dict[str, dict] = {
        "id": _keyword(),
        "path": _keyword(doc_values=False),
        "kind": _keyword(),
        "lang": _keyword(),
        "ident": _keyword(normalizer="arkisto_lowercase", doc_values=False),
        "committee": _keyword(eager_global_ordinals=True),
        "official": _keyword(),
        "presenter": _keyword(),
        "year": _keyword(eager_global_ordinals=True),
        "municipality": _keyword(eager_global_ordinals=True),
        "municipality_as": _keyword(),
        "outcome": _keyword(),
        "funded_project": _keyword(),
        "funder": _keyword(),
        "project": _keyword(),
        "text": _tokens("arkisto_readings"),
        "title": _tokens("arkisto_readings"),
        "parts": _tokens("arkisto_whitespace", positions=False),
        "text_sv": _tokens("arkisto_whitespace"),
        "title_sv": _tokens("arkisto_whitespace"),
        "date": {"type": "date", "format": "strict_date"},
        "first_indexed": {"type": "date", "format": "strict_date_optional_time"},
        "section_n": {"type": "integer"},
        "amount": amount,
        "amount_granted": dict(amount),
        "record": {"type": "object", "enabled": False},
    }
    return {
        "settings": {
            "index": {"number_of_shards": shards_for(records), "number_of_replicas": 1,
                      "refresh_interval": "30s", "codec": "best_compression"},
            "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}},
            "analysis": {
                "filter": {"arkisto_readings": {"type": "pattern_capture", "preserve_original": False,
                                                "patterns": ["([^|]+)"]}},
                "analyzer": {
                    "arkisto_whitespace": {"type": "custom", "tokenizer": "whitespace"},
                    "arkisto_readings": {"type": "custom", "tokenizer": "whitespace",
                                         "filter": ["arkisto_readings"]},
                },
                "normalizer": {"arkisto_lowercase": {"type": "custom", "filter": ["lowercase"]}},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"analyzer": analyzer_id(), "schema_version": SCHEMA_VERSION, "records": records},
            "_source": {"excludes": list(TOKEN_FIELDS)},
            "properties": properties,
        },
    }


def write_mapping(out: TextIO, records: int = 0) -> None:
    out.write(json.dumps(mapping(records), ensure_ascii=False, indent=2) + "\n")
