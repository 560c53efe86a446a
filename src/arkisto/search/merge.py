"""One record per decision.

The same decision reaches an archive more than once: from a meeting
bulletin and from the API JSON, as a listing entry and as its own page, or
as the same file in two folders (a copy).  The index keeps it once:

- **Keys.**  Each record gets merge keys (``keys``): its file's content
  hash and position (``c``: a copy of the file), its municipality, body,
  date and § (``n``), and its case id and date (``q``: the same case id, §
  and date, or a bulletin that does not print the §).  Records of
  different files that share a key are candidates.  The index finds
  records by their ``n`` and ``q`` keys, and by ``c`` only those that have
  neither (``searchable``): a copy's records share the others too.
- **Guards.**  Two candidates are the same decision unless something
  contradicts it (``compatible``): both name a municipality, a date, a §,
  a case id or a language, and they differ; they share only the case id
  and date, one has no §, and their bodies differ; their titles have no
  words in common; or they come from the same file (two items of one file
  are two items).  A key whose candidates contradict each other merges none of
  them (a bulletin entry without a § beside §12 and §13 of the same case
  is left alone).  A copy (``c``) is always the same.
- **Fields.**  The richer record (more fields, then more text) is the
  record; each field it lacks is filled from the next richest that has it;
  the others' sources are listed in ``also``; ``first_indexed`` is the
  earliest member's (the decision was in the index since then).

The index stores a merged record's members (``MEMBERS``), so that when one
of its sources is deleted or changes, the others are merged again without
it.  Nothing here imports Whoosh.
"""

from __future__ import annotations

import hashlib
import json
import re

from ..models import AnnualReport, Decision
from ..names import canonical

# Merge keys are tried in this order: copies first, then the others.
KINDS = "cnq"
MAX_GROUP = 50  # members of one group beyond which nothing is merged (a key shared too widely)


def _h(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def path_token(path_key: str) -> str:
    """The token of a source path in the index's ``mpaths`` field."""
    return _h("p\x1f" + path_key)


def id_token(record_id: str) -> str:
    """The token of a record id in the index's ``aliases`` field."""
    return _h("i\x1f" + record_id)


def _case(case_id: str | None) -> str:
    return " ".join((case_id or "").split()).casefold()


def keys(rec: Decision | AnnualReport, digest: str, position: int) -> list[str]:
    """The merge keys of a record at ``position`` in a file of content
    ``digest``: tokens of a kind letter and a hash."""
    out = ["c" + _h(f"{digest}\x1f{position}")]
    if isinstance(rec, Decision):
        from .schema import natural_key

        nk = natural_key(rec)
        if nk:
            out.append("n" + _h(nk))
        case = _case(rec.case_id)
        if case and rec.meeting_date:
            out.append("q" + _h(f"{case}\x1f{rec.meeting_date.isoformat()}"))
    return out


def searchable(keys_: list[str]) -> list[str]:
    """The keys the index finds a record by: its ``n`` and ``q`` keys, or
    its content key when it has neither."""
    return [k for k in keys_ if k[:1] != "c"] or [k for k in keys_ if k[:1] == "c"]


# --- members ------------------------------------------------------------------


def member(rec_json: str, keys_: list[str], path_key: str) -> dict:
    """A record as a member of a merged document: its JSON, its keys and the
    path (the indexer's resolved key) of its file."""
    return {"record": rec_json, "keys": list(keys_), "path": path_key}


def members_of(stored: dict) -> list[dict]:
    """The members of an index document (its stored fields)."""
    raw = stored.get("members")
    if raw:
        return json.loads(raw)
    return [member(stored["record"], (stored.get("mkeys") or "").split(), stored.get("path") or "")]


def terms_of(members: list[dict]) -> set[str]:
    """The searchable keys of a document with these members."""
    return {k for m in members for k in searchable(m["keys"])}


def _uid(m: dict) -> tuple[str, str]:
    return (m["path"], m["record"])


def same_grouping(a: list[list[dict]], b: list[list[dict]]) -> bool:
    return {frozenset(map(_uid, g)) for g in a} == {frozenset(map(_uid, g)) for g in b}


# --- deciding -----------------------------------------------------------------


_WORD = re.compile(r"[^\W_]{3,}")


def _words(title: str | None) -> set[str]:
    return {w.casefold() for w in _WORD.findall(title or "")}


def _differ(a, b) -> bool:
    return a is not None and b is not None and a != b


def compatible(a: Decision | AnnualReport, b: Decision | AnnualReport, kind: str) -> bool:
    """Whether two records of different files sharing a key of ``kind``
    may be the same decision (see the module docstring)."""
    if kind == "c":
        return True
    if type(a) is not type(b):
        return False
    if _differ(a.language, b.language) or _differ(canonical(a.municipality), canonical(b.municipality)):
        return False
    if isinstance(a, Decision) and isinstance(b, Decision):
        if _differ(a.meeting_date, b.meeting_date) or _differ(a.section, b.section):
            return False
        if _differ(_case(a.case_id) or None, _case(b.case_id) or None):
            return False
        if kind == "q" and not (a.section and b.section) and \
                _differ((a.committee or "").casefold() or None, (b.committee or "").casefold() or None):
            return False
    wa, wb = _words(a.title), _words(b.title)
    return not (wa and wb and not wa & wb)


def partition(members: list[dict], load) -> list[list[dict]]:
    """The members grouped into decisions (each group one document).
    ``load`` turns a member's JSON into a record."""
    n = len(members)
    order = sorted(range(n), key=lambda i: (members[i]["path"], members[i]["record"]))
    members = [members[i] for i in order]
    if n > MAX_GROUP:
        return [[m] for m in members]
    recs = [load(m["record"]) for m in members]
    parent = list(range(n))
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def fits(x: list[int], y: list[int], kind: str) -> bool:
        return all(members[i]["path"] != members[j]["path"] and compatible(recs[i], recs[j], kind)
                   for i in x for j in y)

    by_key: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        for k in m["keys"]:
            by_key.setdefault(k, []).append(i)
    for kind in KINDS:
        for key in sorted(k for k in by_key if k[:1] == kind):
            roots = list(dict.fromkeys(root(i) for i in by_key[key]))
            if len(roots) < 2:
                continue
            # The key's candidates must all agree, else it merges none.
            if not all(fits(groups[r1], groups[r2], kind) for x, r1 in enumerate(roots) for r2 in roots[x + 1:]):
                continue
            first = roots[0]
            for r in roots[1:]:
                parent[r] = first
                groups[first] += groups.pop(r)
    return [[members[i] for i in sorted(g)] for g in groups.values()]


# --- merging ------------------------------------------------------------------


_NOT_MERGED = {"kind", "id", "source", "also", "derived", "personal", "first_indexed"}


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def richness(rec: Decision | AnnualReport) -> tuple[int, int]:
    """(fields with a value, characters of text): the richer record wins."""
    from .schema import record_text

    filled = sum(1 for name in type(rec).model_fields
                 if name not in _NOT_MERGED and name != "language" and not _empty(getattr(rec, name)))
    return filled, len(record_text(rec)) + len(rec.title or "")


def earliest(recs: list) -> object:
    """When the decision first entered the index: its earliest member's
    time.  A member without one was indexed before times were kept, so it is
    the oldest (None): a merged record is new only when all of it is."""
    times = [r.first_indexed for r in recs]
    return None if any(t is None for t in times) else min(times)


def merged(group: list[dict], load) -> tuple[Decision | AnnualReport, dict, list]:
    """One record of a group: the richest member's fields, the others'
    where it has none, every other member's source in ``also``.  Returns
    (record, the member it is based on, every member's record)."""
    recs = [load(m["record"]) for m in group]
    if len(recs) == 1:
        return recs[0], group[0], recs
    order = sorted(range(len(recs)), key=lambda i: (tuple(-x for x in richness(recs[i])), group[i]["path"],
                                                    recs[i].source.record or 0))
    primary = recs[order[0]]
    data = primary.model_dump()
    derived = list(primary.derived)
    for name in type(primary).model_fields:
        if name in _NOT_MERGED or not _empty(data[name]):
            continue
        for i in order[1:]:
            value = getattr(recs[i], name)
            if not _empty(value):
                data[name] = recs[i].model_dump(include={name})[name]
                derived += [d for d in recs[i].derived if d == name or d.startswith(name + ":")]
                break
    data["derived"] = list(dict.fromkeys(derived))
    data["first_indexed"] = earliest(recs)
    data["also"] = [recs[i].source.model_dump() for i in order[1:]]
    rec = type(primary).model_validate(data)
    # Its fields came from several members: the spans are found again in
    # the merged text, not copied from one member.
    from ..ingest.personal import detect

    rec.personal = detect(rec)
    return rec, group[order[0]], recs
