"""Funded projects in the index: what a record's projects put in the index
fields, and the per-generation arrays that the projects list, a project's
timeline, the programmes and the amount filter (``summa:>100000``) read.

The index holds, besides the project facet (``funded_project``: the
normalised key) and the funder facet (``funder``: normalised funders), one
untokenised term per fact of a record's project:

    project_as         key|name as written            (the aliases and their counts)
    project_funder     key|funder                     (who funds it, in this record)
    project_amount     key|role|euros|year            (each amount the record states)
    project_programme  funder|programme key|programme as written|key

Each is read once per index generation into (documents, ordinals) arrays,
as the facets are (``engine.FacetArrays``): listing the projects of a query's
matches is array arithmetic over them, never a record unpickled per row.

Records written before projects were normalised have no ``key`` and no
``funders``: they are derived here from the name and the funder as written,
with ``arkisto.projects``' normalisation (which the ingest uses to fill
them); nothing here has a normaliser of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..models import FundedProject
from ..projects import FUNDER_NAMES, normalise_funders, programme_key, project_key

SEP = "|"
ROLES = ("applied", "granted", "own_share", "total_cost", "other")


def funder_names() -> dict[str, str]:
    """Canonical funder code -> its full Finnish name."""
    return dict(FUNDER_NAMES)


def key_of(p: FundedProject) -> str:
    """The project's normalised key (``projects.project_key`` of its name in
    records made before the key was kept)."""
    return p.key or project_key(p.name)


def indexed_key(p: FundedProject) -> str:
    """The key as the index holds it (the facet's value)."""
    return _clean(key_of(p))


def funders_of(p: FundedProject) -> list[str]:
    """The project's normalised funders (normalised from the funder as
    written in records made before they were kept)."""
    if p.funders:
        return list(dict.fromkeys(p.funders))
    if not p.funder:
        return []
    found = normalise_funders(p.funder)
    return found or list(dict.fromkeys(f.strip() for f in p.funder.split("/") if f.strip()))


def programme_key_of(p: FundedProject) -> str:
    return programme_key(p.programme) if p.programme else ""


def _clean(value: str) -> str:
    # A KEYWORD field with commas splits at commas; our terms split at "|".
    return " ".join(value.replace(SEP, "/").replace(",", " ").split())


def _euros(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def index_terms(projects: list[FundedProject]) -> dict[str, list[str]]:
    """The index terms of a record's projects, field -> values."""
    out: dict[str, list[str]] = {"funded_project": [], "funder": [], "project_as": [], "project_funder": [],
                                 "project_amount": [], "project_programme": []}
    for p in projects:
        key = indexed_key(p)
        if not key:
            continue
        funders = [_clean(f) for f in funders_of(p)]
        out["funded_project"].append(key)
        out["funder"] += funders
        out["project_as"].append(f"{key}{SEP}{_clean(p.name)}")
        out["project_funder"] += [f"{key}{SEP}{f}" for f in funders]
        out["project_amount"] += [f"{key}{SEP}{a.role}{SEP}{_euros(a.euros)}{SEP}{a.year or ''}"
                                  for a in p.amounts]
        if p.programme:
            prog, pkey = _clean(p.programme), _clean(programme_key_of(p))
            out["project_programme"] += [f"{f}{SEP}{pkey}{SEP}{prog}{SEP}{key}" for f in funders or [""]]
    return out


# --- the arrays of one generation -----------------------------------------------------


@dataclass
class _Pairs:
    """(document, term ordinal) pairs of one field, and each term's parts."""

    docs: np.ndarray
    ords: np.ndarray
    terms: list[tuple[str, ...]]


def _pairs(engine, px, fieldname: str, parts: int) -> _Pairs:
    """A field's terms of ``parts`` parts that live documents have, in
    term order, with their (document, term) pairs (termtables.py)."""
    terms, docs, ords = engine.tables.pairs(px, fieldname)
    keep = engine.live[docs]
    docs, ords = docs[keep], ords[keep]
    split = [tuple(t.split(SEP)) for t in terms]
    # Terms not of ours (another number of parts) are ignored rather than guessed at.
    use = np.array([len(t) == parts for t in split], dtype=bool) & (np.bincount(ords, minlength=len(terms)) > 0)
    renumber = (np.cumsum(use) - 1).astype(np.int32)
    sel = use[ords] if len(ords) else np.zeros(0, dtype=bool)
    return _Pairs(docs[sel].astype(np.int64), renumber[ords[sel]] if len(ords) else np.zeros(0, dtype=np.int32),
                  [split[i] for i in np.flatnonzero(use).tolist()])


class Amounts:
    """A project's amounts by role: each distinct (euros, year) the records state."""

    def __init__(self) -> None:
        self.by_role: dict[str, dict[tuple[float, int | None], None]] = {}

    def add(self, role: str, euros: float, year: int | None) -> None:
        self.by_role.setdefault(role, {})[(euros, year)] = None

    def sorted(self) -> dict[str, list[tuple[float, int | None]]]:
        return {r: sorted(self.by_role[r], key=lambda v: (v[1] or 0, v[0])) for r in ROLES if r in self.by_role}


class ProjectArrays:
    """The generation's project facts as arrays (see the module's doc).

    The written forms (the project facet's labels, which every search with
    projects shows) are read at once; the funders, amounts, programmes and
    dates only when the projects list, a timeline or an amount filter asks
    for them: a plain search on a fresh process reads none of their terms."""

    def __init__(self, engine, px, later=None):
        """``later(read)`` runs ``read(engine, px)`` for a fact read when
        first asked for, with the asking thread's view of the index, under
        the generation's lock (the service's); by default with ``px``."""
        self.n = engine.n
        self._later = later or (lambda read: read(engine, px))
        self.kords: dict[int, np.ndarray] = {}  # a field's terms' project ordinals (Aggregate._term_kords)
        self.alias = _pairs(engine, px, "project_as", 2)
        # Each key's written forms, most common first (the facet's label).
        counts: dict[str, dict[str, int]] = {}
        for o, n in enumerate(np.bincount(self.alias.ords, minlength=len(self.alias.terms)).tolist()):
            key, name = self.alias.terms[o]
            counts.setdefault(key, {})[name] = counts.setdefault(key, {}).get(name, 0) + n
        self.names = {k: [n for n, _c in sorted(v.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
                      for k, v in counts.items()}

    @cached_property
    def funder(self) -> _Pairs:
        return self._later(lambda e, px: _pairs(e, px, "project_funder", 2))

    @cached_property
    def programme(self) -> _Pairs:
        return self._later(lambda e, px: _pairs(e, px, "project_programme", 4))

    @cached_property
    def amount(self) -> _Pairs:
        return self._later(lambda e, px: _pairs(e, px, "project_amount", 4))

    @cached_property
    def amounts(self) -> list[tuple[str, str, float, int | None]]:
        """Each amount term read once: (key, role, euros, year)."""
        out: list[tuple[str, str, float, int | None]] = []
        for key, role, euros, year in self.amount.terms:
            try:
                value = float(euros)
            except ValueError:
                value = float("nan")
            out.append((key, role if role in ROLES else "other", value, int(year) if year.isdigit() else None))
        return out

    @cached_property
    def amount_euros(self) -> np.ndarray:
        euros_of = np.array([a[2] for a in self.amounts] or [0.0], dtype=np.float64)
        return euros_of[self.amount.ords] if len(self.amount.ords) else np.zeros(0)

    @cached_property
    def amount_role(self) -> np.ndarray:
        role_of = np.array([ROLES.index(a[1]) for a in self.amounts] or [0], dtype=np.int8)
        return role_of[self.amount.ords] if len(self.amount.ords) else np.zeros(0, dtype=np.int8)

    @cached_property
    def _dates(self) -> tuple[np.ndarray, np.ndarray]:
        col = self._later(lambda e, px: px.column("date"))
        if col is None:
            return np.zeros(self.n, dtype=np.uint64), np.zeros(self.n, dtype=bool)
        return col

    @property
    def date_keys(self) -> np.ndarray:
        return self._dates[0]

    @property
    def dated(self) -> np.ndarray:
        return self._dates[1]

    def label(self, key: str) -> str:
        """A key as people wrote it most often (the key itself if no one did)."""
        names = self.names.get(key)
        return names[0] if names else key

    # --- the amount filter ------------------------------------------------------------

    def amount_selected(self, a) -> np.ndarray:
        """Which amount pairs an amount filter (plan.AmountFilter) holds for."""
        e = self.amount_euros
        sel = ~np.isnan(e)
        if a.lo is not None:
            sel &= (e > a.lo) if a.lo_open else (e >= a.lo)
        if a.hi is not None:
            sel &= (e < a.hi) if a.hi_open else (e <= a.hi)
        if a.role is not None:
            sel &= self.amount_role == ROLES.index(a.role)
        return sel

    def amount_mask(self, a) -> np.ndarray:
        """Documents with any amount of any project that the filter holds for."""
        out = np.zeros(self.n, dtype=bool)
        out[self.amount.docs[self.amount_selected(a)]] = True
        return out


__all__ = ["ProjectArrays", "Amounts", "index_terms", "key_of", "funders_of", "programme_key_of", "funder_names"]


# --- what the service answers -----------------------------------------------------------


def _amounts_json(amounts: dict[str, list[tuple[float, int | None]]]) -> dict[str, list[dict]]:
    return {role: [{"euros": e, "year": y} for e, y in vals] for role, vals in amounts.items()}


@dataclass
class ProjectSummary:
    """One normalised project over the records that name it."""

    key: str
    name: str  # the most common written form
    aliases: list[str]  # the other written forms
    funders: list[str]
    programme: str | None
    amounts: dict[str, list[tuple[float, int | None]]]  # role -> distinct (euros, year), by year
    municipalities: list[str]
    first: str | None  # ISO date of the first and last record naming it
    last: str | None
    records: int

    def to_json(self) -> dict:
        return {"key": self.key, "name": self.name, "aliases": self.aliases, "funders": self.funders,
                "programme": self.programme, "amounts": _amounts_json(self.amounts),
                "municipalities": self.municipalities, "first": self.first, "last": self.last,
                "records": self.records}


@dataclass
class TimelineEntry:
    """One record naming a project: when, where, what it does with it, the
    sentence that names it and the amounts it states."""

    id: str
    kind: str
    date: str | None  # ISO date (an annual report: None, its year in ``year``)
    year: int | None
    municipality: str | None
    citation: str
    title: str | None
    name: str  # the project as this record writes it
    stage: str | None
    sentence: str | None
    funders: list[str]
    programme: str | None
    amounts: list[dict]  # {"euros", "role", "year", "text"}

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ProjectTimeline:
    project: ProjectSummary
    entries: list[TimelineEntry]

    def to_json(self) -> dict:
        return {**self.project.to_json(), "timeline": [e.to_json() for e in self.entries]}


@dataclass
class Recipient:
    municipality: str | None
    key: str
    name: str
    amounts: dict[str, list[tuple[float, int | None]]]
    records: int

    def to_json(self) -> dict:
        return {"municipality": self.municipality, "key": self.key, "name": self.name,
                "amounts": _amounts_json(self.amounts), "records": self.records}


@dataclass
class Programme:
    """A funder's programme (a ministry's special grant) with its recipients."""

    funder: str
    key: str
    name: str
    recipients: list[Recipient]

    def to_json(self) -> dict:
        return {"funder": self.funder, "key": self.key, "name": self.name,
                "recipients": [r.to_json() for r in self.recipients]}


def _date_iso(key: int) -> str:
    from whoosh.util.times import long_to_datetime

    return long_to_datetime(int(key)).date().isoformat()


class Aggregate:
    """The (document, project) pairs a query lists, and what they say: built
    from the facet arrays and the ProjectArrays, no record read."""

    def __init__(self, cache: ProjectArrays, facets, mask: np.ndarray, keys: list[str] | None = None,
                 funders: list[str] | None = None, amounts: list | None = None):
        self.cache = cache
        self.known: list[str] = facets.known.get("funded_project", [])
        self.kidx = {k: i for i, k in enumerate(self.known)}
        self.K = max(len(self.known), 1)
        pdocs, pords = facets.pairs.get("funded_project", (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)))
        pords = pords.astype(np.int64) - 1  # FacetArrays' ordinals are 1-based
        keep = mask[pdocs]
        if keys is not None:
            keep &= np.isin(pords, [self.kidx[k] for k in keys if k in self.kidx])
        if funders is not None:
            keep &= np.isin(self._codes(pdocs, pords), self._codes_of(cache.funder, lambda t: t[1] in funders))
        for a in amounts or []:
            sel = cache.amount_selected(a)
            keep &= np.isin(self._codes(pdocs, pords), self._codes_of(cache.amount, None, sel))
        self.docs = pdocs[keep].astype(np.int64)
        self.ords = pords[keep]
        self.codes = np.unique(self._codes(self.docs, self.ords))
        self.muni_known = facets.known.get("municipality", [])
        self.muni = facets.single.get("municipality")

    def _codes(self, docs: np.ndarray, ords: np.ndarray) -> np.ndarray:
        return docs.astype(np.int64) * self.K + ords

    def _term_kords(self, pairs: _Pairs, at: int) -> np.ndarray:
        """Each term's project key as its facet ordinal (-1: none), once per
        generation (the facet's values are fixed for it)."""
        cached = self.cache.kords.get(id(pairs))
        if cached is None:
            cached = np.array([self.kidx.get(t[at], -1) for t in pairs.terms] or [-1], dtype=np.int64)
            self.cache.kords[id(pairs)] = cached
        return cached

    def _codes_of(self, pairs: _Pairs, pick=None, sel: np.ndarray | None = None) -> np.ndarray:
        """The (document, key) codes of a field's pairs (those whose term
        ``pick`` takes, or where ``sel`` is set)."""
        at = 3 if pairs is self.cache.programme else 0
        kords = self._term_kords(pairs, at)[pairs.ords] if len(pairs.ords) else np.zeros(0, dtype=np.int64)
        ok = kords >= 0
        if pick is not None:
            wanted = np.array([bool(pick(t)) for t in pairs.terms] or [False])
            ok &= wanted[pairs.ords] if len(pairs.ords) else ok
        if sel is not None:
            ok &= sel
        return pairs.docs[ok] * self.K + kords[ok]

    def kept(self, pairs: _Pairs) -> tuple[np.ndarray, np.ndarray]:
        """(documents, term ordinals) of a field's pairs that belong to the
        listed (document, project) pairs."""
        if not len(pairs.ords):
            return pairs.docs, pairs.ords
        at = 3 if pairs is self.cache.programme else 0
        kords = self._term_kords(pairs, at)[pairs.ords]
        ok = (kords >= 0) & np.isin(pairs.docs * self.K + kords, self.codes)
        return pairs.docs[ok], pairs.ords[ok]

    def summaries(self) -> list[ProjectSummary]:
        cache = self.cache
        K = len(self.known)
        if not K or not len(self.ords):
            return []
        counts = np.bincount(self.ords, minlength=K)
        first = np.full(K, np.iinfo(np.uint64).max, dtype=np.uint64)
        last = np.zeros(K, dtype=np.uint64)
        dated = cache.dated[self.docs]
        keys = cache.date_keys[self.docs]
        np.minimum.at(first, self.ords[dated], keys[dated])
        np.maximum.at(last, self.ords[dated], keys[dated])
        munis: dict[int, list[str]] = {}
        if self.muni is not None:
            m = self.muni[self.docs].astype(np.int64)
            for o, mo in np.unique(np.stack([self.ords, m]), axis=1).T.tolist() if len(m) else []:
                if mo:
                    munis.setdefault(o, []).append(self.muni_known[mo - 1])
        funders = self._term_counts(cache.funder, 1)
        programmes = self._term_counts(cache.programme, 2, at=3)
        amounts: dict[str, Amounts] = {}
        _d, ords = self.kept(cache.amount)
        parsed = cache.amounts
        for o in np.unique(ords).tolist():
            key, role, euros, year = parsed[o]
            if euros == euros:  # not NaN
                amounts.setdefault(key, Amounts()).add(role, euros, year)
        out = []
        for o in np.flatnonzero(counts).tolist():
            key = self.known[o]
            written = cache.names.get(key) or [key]  # every written form, not only the listed records'
            out.append(ProjectSummary(
                key=key, name=written[0], aliases=written[1:], funders=funders.get(key, []),
                programme=next(iter(programmes.get(key, [])), None),
                amounts=amounts[key].sorted() if key in amounts else {},
                municipalities=sorted(munis.get(o, []), key=str.casefold),
                first=_date_iso(first[o]) if last[o] else None, last=_date_iso(last[o]) if last[o] else None,
                records=int(counts[o])))
        out.sort(key=lambda p: (-p.records, p.name.casefold()))
        return out

    def _term_counts(self, pairs: _Pairs, part: int, at: int = 0) -> dict[str, list[str]]:
        """Project key -> the values of one part of its terms, most common first."""
        _d, ords = self.kept(pairs)
        tally: dict[str, dict[str, int]] = {}
        if len(ords):
            for o, n in enumerate(np.bincount(ords, minlength=len(pairs.terms)).tolist()):
                if n:
                    t = pairs.terms[o]
                    per = tally.setdefault(t[at], {})
                    per[t[part]] = per.get(t[part], 0) + n
        return {k: [v for v, _n in sorted(d.items(), key=lambda kv: (-kv[1], kv[0].casefold())) if v]
                for k, d in tally.items()}

    def programmes(self) -> list[Programme]:
        """The programmes of the listed pairs: (funder, programme key) with
        each recipient (municipality, project) and its amounts there."""
        cache = self.cache
        docs, ords = self.kept(cache.programme)
        if not len(ords):
            return []
        groups: dict[tuple[str, str], dict] = {}
        for d, o in zip(docs.tolist(), ords.tolist()):
            funder, pkey, prog, key = cache.programme.terms[o]
            g = groups.setdefault((funder, pkey), {"names": {}, "recipients": {}})
            g["names"][prog] = g["names"].get(prog, 0) + 1
            mo = int(self.muni[d]) if self.muni is not None else 0
            muni = self.muni_known[mo - 1] if mo else None
            g["recipients"].setdefault((muni, key), set()).add(d)
        wanted = {(d, k) for g in groups.values() for (_m, k), ds in g["recipients"].items() for d in ds}
        per_doc: dict[tuple[int, str], list[tuple[str, float, int | None]]] = {}
        adocs, aords = self.kept(cache.amount)
        if len(aords):
            sel = np.isin(adocs, np.fromiter((d for d, _k in wanted), dtype=np.int64, count=len(wanted)))
            for d, o in zip(adocs[sel].tolist(), aords[sel].tolist()):
                key, role, euros, year = cache.amounts[o]
                if (d, key) in wanted and euros == euros:
                    per_doc.setdefault((d, key), []).append((role, euros, year))
        out = []
        for (funder, pkey), g in groups.items():
            recipients = []
            for (muni, key), ds in g["recipients"].items():
                am = Amounts()
                for d in ds:
                    for role, e, y in per_doc.get((d, key), []):
                        am.add(role, e, y)
                recipients.append(Recipient(muni, key, cache.label(key), am.sorted(), len(ds)))
            recipients.sort(key=lambda r: ((r.municipality or "").casefold(), r.name.casefold()))
            # The most common written form; of equals, one written with a capital.
            name = max(g["names"], key=lambda n: (g["names"][n], n[:1].isupper(), n))
            out.append(Programme(funder, pkey, name, recipients))
        out.sort(key=lambda p: (-len(p.recipients), p.name.casefold(), p.funder))
        return out
