"""The search service: one API for the CLI, the TUI and scripts.

    svc = SearchService(index_dir)
    res = svc.search("hankkeet", filters={"committee": ["Kaupunginhallitus"]}, sort="newest")
    res.total, res.hits[0].title, res.facets["year"][0].count
    svc.get(res.hits[0].id)  # the whole record

Facet counts are computed over all matches of the query with the current
filters.  A facet's own selection is left out when counting that facet
(values in one facet are OR-ed), so its other values show how many results
adding them would give; selected values are always listed, even at 0.

Thread safety: a Whoosh searcher is not thread-safe, so each thread gets its
own.  A searcher is never refreshed in place (``Searcher.refresh()`` in
whoosh-reloaded 2.7.5 keeps old segments beside new ones and returns
duplicates); ``reopen()`` opens the new generation from scratch.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import IndexDamagedError
from ..models import AnnualReport, Decision
from .query import expand_years, match_values, prepare_text, split_query
from .schema import FACETS, TEXT_FIELDS, load_record, record_text
from .store import IndexStore

SORTS = ("relevance", "newest", "oldest")


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    values: list[FacetValue]
    truncated: bool = False  # more values exist than were returned


@dataclass
class Hit:
    id: str
    kind: str
    title: str
    municipality: str | None
    committee: str | None
    meeting_date: str | None
    year: int | None
    section: str | None
    presenter: str | None
    outcome: str | None
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) offsets of matches in snippet
    score: float
    source: dict
    record: Decision | AnnualReport | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("record")
        d["highlights"] = [list(h) for h in self.highlights]
        return d


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, Facet]
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    elapsed_ms: float = 0.0
    hints: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # analysed query terms, for highlighting

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "sort": self.sort,
            "offset": self.offset,
            "limit": self.limit,
            "filters": self.filters,
            "hints": self.hints,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "hits": [h.to_json() for h in self.hits],
            "facets": {
                name: [asdict(v) for v in f.values] for name, f in self.facets.items()
            },
            "facets_truncated": [name for name, f in self.facets.items() if f.truncated],
        }


class _FacetCache:
    """docnum -> facet value(s), for every facet, built once per generation.
    Single-valued facets hold one value (or None) per document, multi-valued
    ones a tuple, so that counting is one C-level pass over the matches."""

    def __init__(self, searcher):
        self.values: dict[str, list] = {}
        self.multi: dict[str, bool] = {}
        self.known: dict[str, list[str]] = {}
        n = searcher.doc_count_all()
        reader = searcher.reader()
        for facet, (fieldname, multi) in FACETS.items():
            known = []
            if multi:
                lists: list = [()] * n
                for btext in reader.lexicon(fieldname):
                    value = btext.decode("utf-8")
                    known.append(value)
                    for docnum in reader.postings(fieldname, btext).all_ids():
                        lists[docnum] = lists[docnum] + (value,)
            else:
                lists = [None] * n
                for btext in reader.lexicon(fieldname):
                    value = btext.decode("utf-8")
                    known.append(value)
                    for docnum in reader.postings(fieldname, btext).all_ids():
                        lists[docnum] = value
            self.values[facet] = lists
            self.multi[facet] = multi
            self.known[facet] = known

    def count(self, facet: str, docs) -> Counter:
        from itertools import chain

        values = self.values[facet]
        if self.multi[facet]:
            return Counter(chain.from_iterable(map(values.__getitem__, docs)))
        counts = Counter(map(values.__getitem__, docs))
        counts.pop(None, None)
        return counts


class SearchService:
    def __init__(self, index_dir: str | os.PathLike[str]):
        self.store = IndexStore(index_dir)
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._ix = None
        self._generation: str | None = None
        self._facets: _FacetCache | None = None
        self._searchers: list = []
        self._open()

    # --- lifecycle ---------------------------------------------------------------

    def _open(self) -> None:
        ix, manifest = self.store.open_index()
        self._ix = ix
        self._generation = manifest.generation
        self.manifest = manifest
        self._facets = None
        self._epoch = getattr(self, "_epoch", 0) + 1

    @property
    def generation(self) -> str | None:
        return self._generation

    def stale(self) -> bool:
        """True when an indexer has published a newer generation."""
        try:
            return self.store.current_name() != self._generation
        except Exception:
            return False

    def reopen(self) -> None:
        """Open the live generation afresh (never Searcher.refresh())."""
        with self._lock:
            self._close_searchers()
            self._open()

    def close(self) -> None:
        with self._lock:
            self._close_searchers()
            if self._ix is not None:
                self._ix.close()

    def _close_searchers(self) -> None:
        for s in self._searchers:
            try:
                s.close()
            except Exception:
                pass
        self._searchers.clear()

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def searcher(self):
        """This thread's searcher for the current generation."""
        local = self._local
        if getattr(local, "epoch", None) != self._epoch or local.searcher is None:
            with self._lock:
                s = self._ix.searcher()
                self._searchers.append(s)
            local.searcher = s
            local.epoch = self._epoch
        return local.searcher

    def facet_cache(self) -> _FacetCache:
        if self._facets is None:
            with self._lock:
                if self._facets is None:
                    self._facets = _FacetCache(self.searcher())
        return self._facets

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    # --- queries -----------------------------------------------------------------

    def parse(self, text: str, any_word: bool = False):
        """A Whoosh query for the free-text part.  Returns (query, hints).
        ``any_word`` joins the words with OR instead of AND."""
        from whoosh import qparser
        from whoosh.query import Every

        hints: list[str] = []
        if not text.strip():
            return Every(), hints
        schema = self._ix.schema
        parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS,
            group=qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup,
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.remove_plugin_class(qparser.WildcardPlugin)
        parser.add_plugin(qparser.PrefixPlugin())
        try:
            q = parser.parse(self._expand(prepare_text(text)))
        except Exception as exc:  # the parser is lenient, but never let it crash a search
            hints.append(f"could not read the query ({type(exc).__name__}); searched its words instead")
            try:
                q = parser.parse(" ".join(w for w in _words(text)))
            except Exception:
                from whoosh.query import NullQuery

                return NullQuery, hints
        q = _drop_unpositioned_phrases(q, schema)
        if q is None or type(q).__name__ == "NullQuery":
            hints.append("the query has no searchable words (only stop words or symbols)")
            from whoosh.query import NullQuery

            return NullQuery, hints
        if text.count('"') % 2:
            hints.append('unclosed quote: searched the words after it as a phrase')
        return q, hints

    def _expand(self, text: str) -> str:
        """Words typed without ä/ö (paatos) also search the forms with them
        (päätös) that the index has, at a lower weight."""
        import re

        from .analysis import analyse_word

        reader = self.searcher().reader()

        def variants(word: str) -> list[str]:
            idx = [i for i, c in enumerate(word) if c in "aoAO"][:6]
            out = []
            for mask in range(1, 1 << len(idx)):
                chars = list(word)
                for bit, i in enumerate(idx):
                    if mask >> bit & 1:
                        chars[i] = {"a": "ä", "o": "ö", "A": "Ä", "O": "Ö"}[chars[i]]
                out.append("".join(chars))
            return out

        def repl(m: re.Match[str]) -> str:
            word = m.group(0)
            if word.upper() in ("AND", "OR", "NOT", "TO"):
                return word
            lemmas, parts = analyse_word(word)
            own = set(lemmas)
            alts = []
            # A compound also finds its head word, at a low weight:
            # asuntotontti -> tontti ("tonteille").
            heads = [p for p in parts if any(lm.endswith(p) and lm != p for lm in lemmas) and len(p) >= 4]
            if heads:
                alts.append(f"body:{max(heads, key=len)}^0.3")
            if re.search("[aoAO]", word) and not re.search("[äöåÄÖÅ]", word):
                found = 0
                for v in variants(word):
                    vl = analyse_word(v)[0]
                    if set(vl) != own and any(reader.doc_frequency("body", lm) for lm in vl):
                        alts.append(f"{v}^0.5")
                        found += 1
                    if found >= 3:
                        break
            if not alts:
                return word
            return "(" + " OR ".join([word] + alts) + ")"

        # Bare words only: not inside quotes, not field:values, not prefix*/fuzzy~.
        parts = re.split(r'("[^"]*"|\S+:\S+)', text)
        for i in range(0, len(parts), 2):
            parts[i] = re.sub(r"(?<![\w*~^:-])[^\W\d_]+(?![\w*~^:-])", repl, parts[i])
        return "".join(parts)

    def search(
        self,
        query: str = "",
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        facet_limit: int | None = 50,
        with_records: bool = True,
    ) -> SearchResult:
        t0 = time.perf_counter()
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        searcher = self.searcher()
        cache = self.facet_cache()
        q, text, selected, hints, base, facet_sets, matches = self._resolve(query, filters)

        facets: dict[str, Facet] = {}
        for f in FACETS:
            cand = base
            for g, s in facet_sets.items():
                if g != f:
                    cand = cand & s
            facets[f] = _facet(f, cache.count(f, cand), selected.get(f, []), facet_limit)

        hits: list[Hit] = []
        terms: list[str] = []
        if matches and limit > 0:
            sortedby, reverse = None, False
            if sort == "newest" or (sort == "relevance" and not text.strip()):
                sortedby, reverse = "date", True
            elif sort == "oldest":
                sortedby = "date"
            results = searcher.search(q, filter=matches, limit=offset + limit, sortedby=sortedby, reverse=reverse)
            terms = query_terms(q)
            for hit in list(results)[offset : offset + limit]:
                hits.append(self._hit(hit, set(terms), with_records))
        elapsed = (time.perf_counter() - t0) * 1000
        return SearchResult(
            query=query, total=len(matches), hits=hits, facets=facets, sort=sort, offset=offset,
            limit=limit, elapsed_ms=elapsed, hints=hints, filters=selected, terms=terms,
        )

    def _resolve(self, query: str, filters: dict[str, list[str]] | None):
        """The query's parts: (whoosh query, free text, selected filters,
        hints, docs matching the text, docs per facet filter, docs matching all)."""
        from whoosh.query import Or, Term

        searcher = self.searcher()
        cache = self.facet_cache()
        parsed = split_query(query)
        hints = list(parsed.hints)
        selected: dict[str, list[str]] = {k: list(dict.fromkeys(v)) for k, v in (filters or {}).items() if v}
        # Filters typed in the query (toimielin:X) resolve against the index's values.
        for facet, raw in parsed.filters.items():
            known = cache.known.get(facet, [])
            if facet == "year":
                vals, h = expand_years(raw, known)
                hints += h
            else:
                vals = []
                for r in raw:
                    m = match_values(r, known)
                    if not m:
                        hints.append(f"no {facet} matches {r!r}")
                        m = [r]
                    vals += m
            selected[facet] = list(dict.fromkeys(selected.get(facet, []) + vals))
        for facet in selected:
            if facet not in FACETS:
                raise ValueError(f"unknown facet {facet!r}; facets: {', '.join(FACETS)}")
        q, qhints = self.parse(parsed.text)
        hints += qhints
        base = set(searcher.docs_for_query(q)) if type(q).__name__ != "NullQuery" else set()
        if not base and _plain_words(parsed.text) >= 2:
            # No document has every word: show those with some of them, best
            # first, and say so.
            q_any, _h = self.parse(parsed.text, any_word=True)
            base = set(searcher.docs_for_query(q_any))
            if base:
                q = q_any
                hints.append("no result has every word; showing results with some of them")
        facet_sets = {
            f: set(searcher.docs_for_query(Or([Term(FACETS[f][0], v) for v in vals])))
            for f, vals in selected.items()
        }
        matches = base
        for docs in facet_sets.values():
            matches = matches & docs
        return q, parsed.text, selected, hints, base, facet_sets, matches

    def iter_records(
        self, query: str = "", filters: dict[str, list[str]] | None = None, sort: str = "relevance"
    ) -> Iterator[Decision | AnnualReport]:
        """Every record matching the query and filters, best first (for export)."""
        searcher = self.searcher()
        q, text, _sel, _hints, _base, _fs, matches = self._resolve(query, filters)
        if not matches:
            return
        sortedby, reverse = None, False
        if sort == "newest" or (sort == "relevance" and not text.strip()):
            sortedby, reverse = "date", True
        elif sort == "oldest":
            sortedby = "date"
        for hit in searcher.search(q, filter=matches, limit=None, sortedby=sortedby, reverse=reverse):
            yield load_record(hit.fields())

    def _hit(self, hit, terms: set[str], with_records: bool) -> Hit:
        stored = hit.fields()
        try:
            rec = load_record(stored)
        except Exception as exc:
            raise IndexDamagedError(f"index at {self.index_dir} holds an unreadable record ({exc})") from None
        text = record_text(rec)
        snippet, spans = make_snippet(text, terms)
        if isinstance(rec, Decision):
            return Hit(
                id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
                committee=rec.committee, meeting_date=rec.meeting_date.isoformat() if rec.meeting_date else None,
                year=rec.year, section=rec.section, presenter=rec.presenter.name if rec.presenter else None,
                outcome=rec.outcome.value if rec.outcome else None, snippet=snippet, highlights=spans,
                score=round(float(hit.score or 0.0), 4), source=rec.source.model_dump(exclude_none=True),
                record=rec if with_records else None,
            )
        return Hit(
            id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
            committee=rec.organisation, meeting_date=None, year=rec.year, section=None, presenter=None,
            outcome=None, snippet=snippet, highlights=spans, score=round(float(hit.score or 0.0), 4),
            source=rec.source.model_dump(exclude_none=True), record=rec if with_records else None,
        )

    def get(self, record_id: str) -> Decision | AnnualReport | None:
        stored = self.searcher().document(id=record_id)
        return load_record(stored) if stored else None

    def related(self, record_id: str, limit: int = 8) -> dict[str, list[Hit]]:
        """Decisions related to one record: ``same_case`` (the same
        diaarinumero: earlier and later handlings of the case) and ``similar``
        (more like this: the record's most significant words)."""
        from whoosh.query import Term

        searcher = self.searcher()
        docnum = searcher.document_number(id=record_id)
        if docnum is None:
            return {"same_case": [], "similar": []}
        rec = load_record(searcher.stored_fields(docnum))
        same: list[Hit] = []
        case_id = getattr(rec, "case_id", None)
        if case_id:
            results = searcher.search(Term("ident", case_id.lower()), limit=50, sortedby="date", reverse=True)
            for hit in results:
                if hit["id"] != record_id:
                    same.append(self._hit(hit, set(), True))
        seen = {record_id} | {h.id for h in same}
        similar: list[Hit] = []
        text = record_text(rec)
        if text.strip():
            from whoosh.query import Every

            results = searcher.more_like(docnum, "body", text=(rec.title or "") + "\n" + text,
                                         top=limit + len(seen), numterms=12)
            for hit in results:
                if hit["id"] not in seen and len(similar) < limit:
                    similar.append(self._hit(hit, set(), True))
        return {"same_case": same[:limit], "similar": similar}

    def explain(self, query: str, filters: dict[str, list[str]] | None = None) -> dict:
        """What a query became: each word's base forms and compound parts,
        the forms without ä/ö that were added, the filters, and the final
        Whoosh query.  Shown by ``arkisto search --explain`` and the TUI."""
        import re

        from .analysis import STOPWORDS, analyse_word, backend_name

        q, text, selected, hints, _base, _fs, matches = self._resolve(query, filters)
        words = []
        plain = re.sub(r"\S+:\S+", " ", text)
        for w in re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", plain):
            if w.upper() in ("AND", "OR", "NOT"):
                continue
            if w.lower() in STOPWORDS:
                words.append({"word": w, "ignored": "stop word"})
                continue
            lemmas, parts = analyse_word(w)
            words.append({"word": w, "base_forms": list(lemmas), "compound_parts": list(parts)})
        expanded = self._expand(prepare_text(text))
        return {
            "query": query,
            "analyzer": backend_name(),
            "words": words,
            "expanded": expanded,
            "filters": selected,
            "whoosh_query": str(q),
            "matches": len(matches),
            "hints": hints,
        }

    def records(self) -> Iterator[Decision | AnnualReport]:
        """Every record, in index order (for export)."""
        s = self.searcher()
        reader = s.reader()
        for docnum in reader.all_doc_ids():
            yield load_record(reader.stored_fields(docnum))

    def facet_values(self, facet: str) -> list[str]:
        return list(self.facet_cache().known.get(facet, []))


def _facet(name: str, counts: Counter, selected: list[str], limit: int | None) -> Facet:
    if name == "year":
        items = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
    else:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    truncated = False
    if limit is not None and len(items) > limit:
        items, truncated = items[:limit], True
    values = [FacetValue(v, c, v in selected) for v, c in items]
    listed = {v.value for v in values}
    for s in selected:
        if s not in listed:
            values.append(FacetValue(s, counts.get(s, 0), True))
    return Facet(name, values, truncated)


def _drop_unpositioned_phrases(q, schema):
    """A phrase spread over every field meets fields without positions (the
    compound parts, identifiers); it means nothing there, so drop it."""
    from whoosh.query import NullQuery, Phrase

    def fn(node):
        if isinstance(node, Phrase):
            field = schema[node.fieldname] if node.fieldname in schema else None
            if field is None or not field.format or not field.format.supports("positions"):
                return NullQuery
        return node

    return q.accept(fn).normalize()


def _plain_words(text: str) -> int:
    """How many bare words a query has, or 0 if it uses operators, quotes,
    prefixes or fuzzy terms (then the user asked for exactly that)."""
    import re

    if re.search(r'["*~()]|\bOR\b|\bNOT\b|\bAND\b|(^|\s)-\w', text):
        return 0
    return len(re.findall(r"\w+", text))


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"\w+", text)


# --- snippets --------------------------------------------------------------------


def query_terms(q) -> list[str]:
    """The analysed words a query looks for (lemmas and parts), for highlighting.
    Prefix and fuzzy terms are expanded against nothing: they highlight by
    their literal stem."""
    terms: set[str] = set()
    try:
        for _field, text in q.iter_all_terms():
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    except Exception:
        pass
    return sorted(terms)


def make_snippet(text: str, terms: set[str], maxchars: int = 240) -> tuple[str, list[tuple[int, int]]]:
    from .highlight import snippet

    return snippet(text, terms, maxchars)
