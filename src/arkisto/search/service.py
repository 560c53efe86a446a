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
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError
from ..models import NO_DATE, AnnualReport, Decision
from .query import bound_query, expand_years, match_values, no_date, prepare_text, split_query
from .schema import FACETS, TEXT_FIELDS, is_swedish, load_record, record_text
from .store import DECODE_ERRORS, REBUILD_HINT, IndexStore

SORTS = ("relevance", "newest", "oldest")

# When fewer documents than this have every word of a plain query, the
# results go on with documents that have some of the words: those with more
# of them, and with rarer ones, first; each says which words it lacks.
RELAX_BELOW = 10


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
    missing: list[str] = field(default_factory=list)  # query words this hit lacks (relaxed results)
    also: list[dict] = field(default_factory=list)  # the other files this decision came from (merge.py)

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
    all_words_total: int | None = None  # set when results with only some words follow

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "all_words_total": self.all_words_total,
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


class _Generation:
    """One opened index generation and everything cached for it.  A search
    pins the generation it started on, so a reopen() in another thread never
    mixes the caches of two generations."""

    def __init__(self, ix, manifest, epoch: int, lease=None):
        self.ix = ix
        self.lease = lease  # keeps the generation on disk while it is open (store.Lease)
        self.name = manifest.generation
        self.manifest = manifest
        self.epoch = epoch
        self.lock = threading.RLock()
        self.searchers: list = []
        self.engine = None  # engine.Engine, built on first use
        self.facets = None  # engine.FacetArrays
        self.written_names = None  # canonical municipality -> other names its records use

    def close(self) -> None:
        with self.lock:
            for s in self.searchers:
                try:
                    s.close()
                except Exception:
                    pass
            self.searchers.clear()
            try:
                self.ix.close()
            except Exception:
                pass
            if self.lease is not None:
                self.lease.release()
                self.lease = None


class SearchService:
    def __init__(self, index_dir: str | os.PathLike[str]):
        self.store = IndexStore(index_dir)
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._epoch = 0
        self._gen: _Generation | None = None
        self._open()

    # --- lifecycle ---------------------------------------------------------------

    def _open(self) -> None:
        ix, manifest, lease = self.store.open_index()
        self._epoch += 1
        self._gen = _Generation(ix, manifest, self._epoch, lease)

    @property
    def manifest(self):
        return self._gen.manifest

    @property
    def _ix(self):
        return self._cur().ix

    @property
    def generation(self) -> str | None:
        return self._gen.name if self._gen else None

    def stale(self) -> bool:
        """True when an indexer has published a newer generation."""
        try:
            return self.store.current_name() != self.generation
        except Exception:
            return False

    def reopen(self) -> None:
        """Open the live generation afresh (never Searcher.refresh()).  The
        old generation's searchers are closed; a search still running on it
        finishes on its own searcher."""
        with self._lock:
            old = self._gen
            self._open()
        if old is not None:
            old.close()

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.close()

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _cur(self) -> _Generation:
        """The generation this call works on: the pinned one, else the live one."""
        return getattr(self._local, "pinned", None) or self._gen

    def _pin(self):
        """Context manager: pin the live generation for this thread's call."""
        import contextlib

        @contextlib.contextmanager
        def pinned():
            outer = getattr(self._local, "pinned", None)
            if outer is None:
                self._local.pinned = self._gen
            try:
                with self._damage():
                    yield self._local.pinned
            finally:
                if outer is None:
                    self._local.pinned = None

        return pinned()

    def _damage(self):
        """Context manager: index data that does not decode (or names code
        to run) is damage, whichever call happened to read it."""
        import contextlib

        @contextlib.contextmanager
        def mapped():
            try:
                yield
            except DECODE_ERRORS as exc:
                raise IndexDamagedError(
                    f"index at {self.index_dir} is damaged ({type(exc).__name__}: {exc})", REBUILD_HINT) from None
            except Exception as exc:
                # Raised by Whoosh's own reading code (KeyError, IndexError,
                # "Block tag error" …), this means its structures hold what
                # it never wrote; raised elsewhere, an exception is what it
                # says (a usage error, a bug).
                if not _raised_in_whoosh(exc):
                    raise
                raise IndexDamagedError(
                    f"index at {self.index_dir} is damaged ({type(exc).__name__} in Whoosh's data)",
                    REBUILD_HINT) from None

        return mapped()

    def searcher(self):
        """This thread's searcher for the current generation."""
        gen = self._cur()
        local = self._local
        if getattr(local, "epoch", None) != gen.epoch or getattr(local, "searcher", None) is None:
            with gen.lock, self._damage():
                s = gen.ix.searcher()
                gen.searchers.append(s)
            local.searcher = s
            local.epoch = gen.epoch
        return local.searcher

    def engine(self):
        """The generation's array engine (matching, scoring, date order)."""
        gen = self._cur()
        if gen.engine is None:
            from .engine import Engine

            reader = self.searcher().reader()
            with gen.lock, self._damage():
                if gen.engine is None:
                    gen.engine = Engine(reader)
        return gen.engine

    def facet_cache(self):
        """Facet values per document (engine.FacetArrays): ``known`` values
        per facet and ``count(facet, mask)``."""
        gen = self._cur()
        if gen.facets is None:
            from .engine import FacetArrays

            engine = self.engine()
            reader = self.searcher().reader()
            with gen.lock, self._damage():
                if gen.facets is None:
                    gen.facets = FacetArrays(engine, reader, FACETS)
        return gen.facets

    def doc_count(self) -> int:
        with self._pin():
            return self.searcher().doc_count()

    # --- municipalities' names ------------------------------------------------------

    def _written_names(self) -> dict[str, list[str]]:
        """Canonical municipality -> the other names its live records use
        (Pietarsaari -> [Jakobstad])."""
        from ..names import canonical

        gen = self._cur()
        if gen.written_names is None:
            searcher = self.searcher()
            reader = searcher.reader()
            out: dict[str, list[str]] = {}
            if "municipality_as" in reader.schema:
                engine = self.engine()
                with self._damage():
                    for btext in reader.lexicon("municipality_as"):
                        name = btext.decode("utf-8")
                        canon = canonical(name)
                        if name != canon and len(engine.term(searcher, "municipality_as", btext)[0]):
                            out.setdefault(canon, []).append(name)
            gen.written_names = out
        return gen.written_names

    def _municipality_shown(self, canon: str) -> str:
        """"Pietarsaari (Jakobstad)" where records use both names (or only
        the Swedish one); else the name itself."""
        others = self._written_names().get(canon)
        return f"{canon} ({', '.join(others)})" if others else canon

    def _municipality_canon(self, value: str) -> str:
        """A municipality as selected or typed, shown form or either name,
        to the canonical name the index counts."""
        from ..names import canonical

        m = re.fullmatch(r"(.+?) \(([^()]+)\)", value.strip())
        if m and canonical(m.group(1)) == canonical(m.group(2).split(",")[0]):
            value = m.group(1)
        return canonical(value) or value

    def _municipality_matches(self, pattern: str, known: list[str]) -> list[str]:
        """The canonical municipalities a typed value means, by any of their
        names (kunta:Helsingfors, kunta:jakob): exact, else prefix, else
        substring, as ``match_values``."""
        from ..names import other_names

        written = self._written_names()
        names: dict[str, str] = {}
        for k in known:
            for name in [k, *other_names(k), *written.get(k, [])]:
                names.setdefault(name, k)
        pattern = self._municipality_canon(pattern) if pattern.casefold() not in map(str.casefold, names) \
            else pattern
        return list(dict.fromkeys(names[n] for n in match_values(pattern, list(names))))

    # --- queries -----------------------------------------------------------------

    def parse(self, text: str, expand: bool = True):
        """A Whoosh query for the free-text part.  Returns (query, hints).
        ``expand`` adds head words, forms with ä/ö and written-out
        abbreviations (see ``_expand``)."""
        from whoosh import qparser
        from whoosh.query import Every

        hints: list[str] = []
        if not text.strip():
            return Every(), hints
        schema = self._ix.schema
        parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS,
            group=qparser.AndGroup,
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.remove_plugin_class(qparser.WildcardPlugin)
        parser.add_plugin(qparser.PrefixPlugin())
        expanded = prepare_text(text)
        optional = _stop_words_optional(text)
        try:
            expanded = self._expand(expanded, optional) if expand else _swedish_stops(expanded, optional)
            q = parser.parse(expanded)
        except Exception as exc:  # the parser is lenient, but never let it crash a search
            hints.append(f"could not read the query ({type(exc).__name__}); searched its words instead")
            try:
                q = parser.parse(" ".join(w for w in _words(text)))
            except Exception:
                from whoosh.query import NullQuery

                return NullQuery, hints
        q = _drop_unpositioned_phrases(q, schema)
        q = _unscored_language(q)
        if q is not None and '"' in expanded:
            from .phrases import expand_phrases

            q = expand_phrases(q, expanded, typed=prepare_text(text))
        from whoosh.query import NullQuery

        if q is None or q is NullQuery:  # Whoosh's class is _NullQuery; NullQuery is its one instance
            hints.append("the query has no searchable words (only stop words or symbols)")
            return NullQuery, hints
        if text.count('"') % 2:
            hints.append('unclosed quote: searched the words after it as a phrase')
        return q, hints

    def _expand(self, text: str, swedish_optional: bool = True) -> str:
        """Words typed without ä/ö (paatos) also search the forms with them
        (päätös) that the index has, at a lower weight.  With
        ``swedish_optional``, a Swedish stop word asks nothing of Swedish
        records (see ``_stop_words_optional``)."""
        from . import swedish
        from .abbreviations import expansion
        from .analysis import analyse_word, analysed

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
                alts.append(f"text:{max(heads, key=len)}^0.3")
            if re.search("[aoAO]", word) and not re.search("[äöåÄÖÅ]", word):
                found = 0
                for v in variants(word):
                    vl = analyse_word(v)[0]
                    sv = swedish.stem(v)
                    if (set(vl) != own and any(reader.doc_frequency("text", lm) for lm in vl)) \
                            or (sv and sv != swedish.stem(word) and reader.doc_frequency("text_sv", sv)):
                        alts.append(f"{v}^0.5")
                        found += 1
                    if found >= 3:
                        break
            full = expansion(word)
            if full:  # HSL also searches "Helsingin seudun liikenne", at the weight of one word
                n = sum(1 for _a, _b, lemmas, _p in analysed(prepare_text(full)) if lemmas)
                alts.append('"' + full + '"' + (f"^{1 / n:.2f}" if n > 1 else ""))
            if swedish_optional and _swedish_stop_only(word):
                alts.append(_ANY_SWEDISH)
            if not alts:
                return word
            return "(" + " OR ".join([word] + alts) + ")"

        # An abbreviation with a case ending (HSL:n) is the abbreviation.
        text = re.sub(r"(?<![\w:])([^\W\d_]{2,6}):[^\W\d_]{1,4}(?![\w:])",
                      lambda m: m.group(1) if expansion(m.group(1)) else m.group(0), text)
        # Bare words only: not inside quotes, not field:values, not prefix*/fuzzy~.
        parts = re.split(r'("[^"]*"|\S+:\S+)', text)
        for i in range(0, len(parts), 2):
            parts[i] = re.sub(r"(?<![\w*~^:-])[^\W\d_]+(?![\w*~^:-])", repl, parts[i])
        return "".join(parts)

    def search(self, *args, **kwargs) -> SearchResult:
        """See ``_search_impl``; runs on one pinned generation."""
        with self._pin():
            return self._search_impl(*args, **kwargs)

    def related(self, record_id: str, limit: int = 8) -> dict[str, list[Hit]]:
        with self._pin():
            return self._related_impl(record_id, limit)

    def explain(self, query: str, filters: dict[str, list[str]] | None = None) -> dict:
        with self._pin():
            return self._explain_impl(query, filters)

    def get(self, record_id: str) -> Decision | AnnualReport | None:
        with self._pin():
            return self._get_impl(record_id)

    def _search_impl(
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
        cache = self.facet_cache()
        r = self._resolve(query, filters)
        selected = r.selected

        facets: dict[str, Facet] = {}
        for f in FACETS:
            cand = r.base
            for g, s in r.facet_sets.items():
                if g != f:
                    cand = cand & s
            facets[f] = _facet(f, cache.count(f, cand), selected.get(f, []), facet_limit)
        shown = dict(selected)
        if "municipality" in facets:
            for v in facets["municipality"].values:
                v.value = self._municipality_shown(v.value)
            if "municipality" in shown:
                shown["municipality"] = [self._municipality_shown(v) for v in shown["municipality"]]

        hits: list[Hit] = []
        terms: list[str] = []
        total = int(np.count_nonzero(r.matches))
        if total and limit > 0:
            terms = query_terms(r.q)
            top, scores = self._ranked(r, sort, offset + limit)
            for docnum, score in list(zip(top.tolist(), scores.tolist()))[offset:]:
                prefer = r.words.prefer(docnum) if r.words is not None else None
                hit = self._hit(docnum, score, set(terms), with_records, prefer)
                if r.words is not None and r.words.relaxed:
                    hit.missing = r.words.missing(docnum)
                hits.append(hit)
        elapsed = (time.perf_counter() - t0) * 1000
        return SearchResult(
            query=query, total=total, hits=hits, facets=facets, sort=sort, offset=offset,
            limit=limit, elapsed_ms=elapsed, hints=r.hints, filters=shown, terms=terms,
            all_words_total=(r.words.all_words_total if r.words is not None
                             and r.words.all_words_total is not None and r.words.all_words_total < total else None),
        )

    def _resolve(self, query: str, filters: dict[str, list[str]] | None) -> _Resolved:
        """The query's parts: the Whoosh query, its free text, the selected
        filters, hints, and which documents match (see ``_Resolved``)."""
        from whoosh.query import Or, Term

        cache = self.facet_cache()
        query, hints = bound_query(query)
        parsed = split_query(query)
        hints += parsed.hints
        selected: dict[str, list[str]] = {
            k: list(dict.fromkeys(unicodedata.normalize("NFC", x) for x in v)) for k, v in (filters or {}).items() if v}
        if "year" in selected:  # none, puuttuu: the records without a date
            selected["year"] = list(dict.fromkeys(NO_DATE if no_date(v) else v for v in selected["year"]))
        if "municipality" in selected:  # Jakobstad, or Pietarsaari (Jakobstad): Pietarsaari
            selected["municipality"] = list(dict.fromkeys(self._municipality_canon(v)
                                                          for v in selected["municipality"]))
        # Filters typed in the query (toimielin:X) resolve against the index's values.
        for facet, raw in parsed.filters.items():
            known = cache.known.get(facet, [])
            if facet == "year":
                vals, h = expand_years(raw, known)
                hints += h
            elif facet == "municipality":
                vals = []
                for r in raw:
                    m = self._municipality_matches(r, known)
                    if not m:
                        hints.append(f"no {facet} matches {r!r}")
                        m = [self._municipality_canon(r)]
                    vals += m
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
        base = self._match(q)
        facet_sets = {f: self._match(Or([Term(FACETS[f][0], v) for v in vals])) for f, vals in selected.items()}
        matches = base
        for docs in facet_sets.values():
            matches = matches & docs
        # Relaxing is decided on the text alone, before the filters, so that
        # a facet's count is the total that selecting it gives.
        words = self._per_word(q, parsed.text) if _plain_words(parsed.text) else None
        few = int(np.count_nonzero(base)) < RELAX_BELOW
        if words is not None and few and len(words.masks) >= 2:
            wider = words.any_word
            if np.count_nonzero(wider) > np.count_nonzero(base):
                # Said by SearchResult.all_words_total and Hit.missing, not a hint.
                words.relaxed, words.all_words_total = True, int(np.count_nonzero(matches))
                base = wider
        elif few and _phrase_query(parsed.text):
            # Few documents have the phrase: those with its words apart follow
            # (the words themselves: no head words or added forms).
            loose_text = parsed.text.replace('"', " ")
            labels = [p.strip() for p in re.findall(r'"([^"]*)(?:"|$)', parsed.text) if _words(p)]
            if _words(loose_text) and labels:
                loose_q, _h = self.parse(loose_text, expand=False)
                loose = self._match(loose_q) | base
                if np.count_nonzero(loose) > np.count_nonzero(base):
                    label = " ".join(f'"{p}"' for p in labels)
                    words = _Words([base], [base], [label], [1.0], relaxed=True,
                                   all_words_total=int(np.count_nonzero(matches)), union=loose)
                    q = Or([q, loose_q])  # the phrase's documents score for both
                    base = loose
        matches = base
        for docs in facet_sets.values():
            matches = matches & docs
        return _Resolved(q, parsed.text, selected, hints, base, facet_sets, matches, words)

    def _per_word(self, q, text: str) -> _Words | None:
        """The words of a plain query one by one: which documents have each
        (``masks``), and which have the word itself rather than only what
        was added for it, its head word or forms with ä/ö (``strong``).
        None when there is nothing to rank by: one word, nothing added."""
        from whoosh.query import And, Or, Term

        from . import swedish
        from .abbreviations import expansion
        from .analysis import analyse_word, analysed

        clauses = list(q.subqueries) if isinstance(q, And) else [q]
        unused = [w for w in text.split() if _words(w)]
        labels, masks, strong = [], [], []
        own_terms: set[str] = set()  # the typed words' own terms: what a snippet shows first
        expanded_any = False
        for c in clauses:
            terms = set(query_terms(c))
            # The typed word this clause is for: the first not yet used whose
            # lemmas are the clause's own terms (text:lemma at boost 1), not
            # the head words or forms added for another word.
            children = list(c.subqueries) if isinstance(c, Or) else [c]
            mine = {ch.text for ch in children
                    if isinstance(ch, Term) and ch.fieldname == "text" and (ch.boost or 1.0) == 1.0}
            label = next((w for w in unused if (set(analyse_word(w.strip(_PUNCT))[0]) | {w.strip(_PUNCT).lower()}) & mine),
                         None)
            if label is not None:
                unused.remove(label)
                label = label.strip(_PUNCT)
            labels.append(label or (sorted(terms)[0] if terms else str(c)))
            own = set(analyse_word(label)[0]) | {label.lower(), swedish.stem(label)} if label else set(terms)
            own_terms.update(own & terms)
            full = expansion(label) if label else None
            if full:  # an abbreviation's written-out form is the word itself
                expanded_any = True
                own |= {lm for _a, _b, lemmas, _p in analysed(prepare_text(full)) for lm in lemmas}
            mask = self._match(c)
            masks.append(mask)
            kept = [ch for ch in children
                    if not (isinstance(ch, Term) and ch.fieldname in TEXT_FIELDS and ch.text not in own)]
            if len(kept) == len(children):
                strong.append(mask)
            else:
                strong.append(self._match(Or(kept)) if kept else np.zeros_like(mask))
        if len(clauses) < 2 and not expanded_any and all(m is s_ for m, s_ in zip(masks, strong)):
            return None
        n = max(int(np.count_nonzero(self.engine().live)), 1)
        idf = [float(np.log(1.0 + (n - df + 0.5) / (df + 0.5))) for df in (int(np.count_nonzero(m)) for m in masks)]
        return _Words(masks, strong, labels, idf, own_terms)

    def _match(self, q):
        """A boolean array over document numbers: which live documents match."""
        engine = self.engine()
        if type(q).__name__ in ("NullQuery", "_NullQuery"):
            return np.zeros(engine.n, dtype=bool)
        return engine.match(self.searcher(), q)

    def iter_records(
        self, query: str = "", filters: dict[str, list[str]] | None = None, sort: str = "relevance"
    ) -> Iterator[Decision | AnnualReport]:
        """Every record matching the query and filters, best first (for export)."""
        with self._pin():
            yield from self._iter_records_impl(query, filters, sort)

    def _iter_records_impl(self, query, filters, sort):
        searcher = self.searcher()
        r = self._resolve(query, filters)
        if not r.matches.any():
            return
        top, _scores = self._ranked(r, sort, None)
        for docnum in top.tolist():
            yield load_record(searcher.stored_fields(docnum))

    def _ranked(self, r: _Resolved, sort: str, want: int | None):
        """The first ``want`` matches (all when None) in the result order, and
        their scores: by relevance when there is free text, else by date.
        Relaxed results come after those with every word: by relevance, in
        the groups of ``_Words.group``; by date, all in one."""
        engine = self.engine()
        cand = np.flatnonzero(r.matches)
        k = len(cand) if want is None else min(want, len(cand))
        if sort in ("newest", "oldest") or not r.text.strip():
            rank = engine.date_rank(self.searcher().reader(), newest=(sort != "oldest"))
            keys = rank[cand].astype(np.float64)
            if r.words is not None and r.words.relaxed:  # by date, but those with every word first
                keys += ~r.words.has_all(cand) * float(engine.n + 1)
            top = engine.top(cand, keys, k, descending=False)
            return top, np.zeros(len(top))
        acc = engine.scores(self.searcher(), r.q)
        keys = acc[cand]
        if r.words is not None and len(cand):
            group = r.words.group(cand)
            step = float(keys.max()) + 1.0
            if float(group.max()) * step < 2.0 ** 50:
                keys = keys + group * step
            else:  # too many words to add exactly: by group rank
                keys = keys + np.unique(group, return_inverse=True)[1].reshape(-1) * step
        top = engine.top(cand, keys, k, descending=True)
        return top, acc[top]

    def _hit(self, docnum: int, score: float, terms: set[str], with_records: bool,
             prefer: set[str] | None = None) -> Hit:
        stored = self.searcher().stored_fields(docnum)
        try:
            rec = load_record(stored)
        except Exception as exc:
            raise IndexDamagedError(f"index at {self.index_dir} holds an unreadable record ({exc})") from None
        text = record_text(rec)
        snippet, spans = make_snippet(text, terms, prefer=prefer, lang=rec.language)
        also = [src.model_dump(exclude_none=True) for src in rec.also]
        if isinstance(rec, Decision):
            return Hit(
                id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
                committee=rec.committee, meeting_date=rec.meeting_date.isoformat() if rec.meeting_date else None,
                year=rec.year, section=rec.section, presenter=rec.presenter.name if rec.presenter else None,
                outcome=rec.outcome.value if rec.outcome else None, snippet=snippet, highlights=spans,
                score=round(float(score or 0.0), 4), source=rec.source.model_dump(exclude_none=True),
                record=rec if with_records else None, also=also,
            )
        return Hit(
            id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
            committee=rec.organisation, meeting_date=None, year=rec.year, section=None, presenter=None,
            outcome=None, snippet=snippet, highlights=spans, score=round(float(score or 0.0), 4),
            source=rec.source.model_dump(exclude_none=True), record=rec if with_records else None, also=also,
        )

    def _docnum(self, record_id: str) -> int | None:
        """The document of a record id: its own, or the one it was merged
        into (merge.py)."""
        from .merge import id_token

        searcher = self.searcher()
        docnum = searcher.document_number(id=record_id)
        if docnum is None and "aliases" in searcher.schema:
            docnum = searcher.document_number(aliases=id_token(record_id))
        return docnum

    def _get_impl(self, record_id: str) -> Decision | AnnualReport | None:
        docnum = self._docnum(record_id)
        return load_record(self.searcher().stored_fields(docnum)) if docnum is not None else None

    def _related_impl(self, record_id: str, limit: int = 8) -> dict[str, list[Hit]]:
        """Decisions related to one record: ``same_case`` (the same
        diaarinumero: earlier and later handlings of the case) and ``similar``
        (more like this: the record's most significant words)."""
        from whoosh.query import Term

        searcher = self.searcher()
        docnum = self._docnum(record_id)
        if docnum is None:
            return {"same_case": [], "similar": []}
        rec = load_record(searcher.stored_fields(docnum))
        record_id = rec.id
        same: list[Hit] = []
        case_id = getattr(rec, "case_id", None)
        if case_id:
            results = searcher.search(Term("ident", case_id.lower()), limit=50, sortedby="date", reverse=True)
            for hit in results:
                if hit["id"] != record_id:
                    same.append(self._hit(hit.docnum, hit.score, set(), True))
        seen = {record_id} | {h.id for h in same}
        similar: list[Hit] = []
        text = record_text(rec)
        if text.strip():

            field = "text_sv" if is_swedish(rec) else "text"
            results = searcher.more_like(docnum, field, text=(rec.title or "") + "\n" + text,
                                         top=limit + len(seen), numterms=12)
            for hit in results:
                if hit["id"] not in seen and len(similar) < limit:
                    similar.append(self._hit(hit.docnum, hit.score, set(), True))
        return {"same_case": same[:limit], "similar": similar}

    def _explain_impl(self, query: str, filters: dict[str, list[str]] | None = None) -> dict:
        """What a query became: each word's base forms and compound parts,
        the forms without ä/ö that were added, the filters, and the final
        Whoosh query.  Shown by ``arkisto search --explain`` and the TUI."""
        from . import swedish
        from .analysis import STOPWORDS, analyse_word, backend_name

        r = self._resolve(query, filters)
        q, text, selected, hints, matches = r.q, r.text, r.selected, r.hints, r.matches
        words = []
        plain = re.sub(r"\S+:\S+", " ", re.sub(r"(?<=\w):[^\W\d_]{1,4}\b", "", text))  # HSL:n is HSL
        for w in re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", plain):
            if w.upper() in ("AND", "OR", "NOT"):
                continue
            if w.lower() in STOPWORDS:
                words.append({"word": w, "ignored": "stop word"})
                continue
            lemmas, parts = analyse_word(w)
            words.append({"word": w, "base_forms": list(lemmas), "compound_parts": list(parts),
                          "swedish_stem": swedish.stem(w) or None})
        expanded = self._expand(prepare_text(text), _stop_words_optional(text))
        return {
            "query": query,
            "analyzer": backend_name(),
            "words": words,
            "expanded": expanded,
            "filters": selected,
            "whoosh_query": str(q),
            "matches": int(np.count_nonzero(matches)),
            "all_words_matches": r.words.all_words_total if r.words is not None and r.words.relaxed
            else int(np.count_nonzero(matches)),
            "hints": hints,
        }

    def verify(self) -> int:
        """Read everything the generation holds: every stored record, every
        posting (positions too) and the facet columns, through the
        restricted unpickler.  Raises IndexDamagedError at the first thing
        that does not decode; returns the number of terms read.  For
        ``arkisto check``: hashes alone cannot tell a manifest rewritten to
        match planted data."""
        from .engine import _positions

        with self._pin():
            reader = self.searcher().reader()
            engine = self.engine()
            for docnum in reader.all_doc_ids():
                try:
                    load_record(reader.stored_fields(docnum))
                except DECODE_ERRORS:
                    raise
                except Exception as exc:
                    raise IndexDamagedError(f"index at {self.index_dir} holds an unreadable record "
                                            f"({type(exc).__name__})", REBUILD_HINT) from None
            terms = 0
            for field, btext in reader.all_terms():
                ids, _w, vals = engine._read(reader, field, btext, values=True)
                fmt = reader.schema[field].format
                if type(fmt).__name__ == "Positions" and len(ids):
                    _positions(fmt, ids, list(vals))
                terms += 1
            self.facet_cache()
            return terms

    def records(self) -> Iterator[Decision | AnnualReport]:
        """Every record, in index order (for export)."""
        with self._pin():
            yield from self._records_impl()

    def _records_impl(self):
        s = self.searcher()
        reader = s.reader()
        for docnum in reader.all_doc_ids():
            yield load_record(reader.stored_fields(docnum))

@dataclass
class _Resolved:
    q: object  # the Whoosh query of the free text
    text: str  # the free text, without field filters
    selected: dict[str, list[str]]  # facet filters, typed and passed
    hints: list[str]
    base: np.ndarray  # documents matching the text
    facet_sets: dict[str, np.ndarray]  # documents matching each facet filter
    matches: np.ndarray  # documents matching the text and every filter
    words: _Words | None = None  # a plain query's words one by one (see _per_word)


@dataclass
class _Words:
    """A plain query's words one at a time: for ranking by which of them a
    document has, and for results that lack some of them (``relaxed``)."""

    masks: list[np.ndarray]  # documents that have word i, or what was added for it
    strong: list[np.ndarray]  # documents that have word i itself (as a word or a compound part)
    labels: list[str]  # word i as typed
    idf: list[float]  # how rare word i is
    own_terms: set[str] = field(default_factory=set)  # the terms of the words themselves
    relaxed: bool = False  # results with only some of the words are included
    all_words_total: int | None = None  # then: results (after filters) with every word
    union: np.ndarray | None = None  # a phrase's relaxed results: the documents with its words apart

    @property
    def any_word(self) -> np.ndarray:
        if self.union is not None:
            return self.union
        out = self.masks[0].copy()
        for m in self.masks[1:]:
            out |= m
        return out

    def group(self, cand: np.ndarray) -> np.ndarray:
        """Each candidate's group, higher first, as whole numbers one apart
        or more: by how many of the words it has, then how many of them it
        has itself (sisäilma before the bare head word ilma; päätös before
        the forms added for paatos), then by how rare they are (for
        "koronavirus rajoitukset", a document with the rare word before one
        with the common word; idf sums to 0.01).  Every document with every
        word is above every document without."""
        k = len(self.masks)
        has = np.zeros(len(cand), dtype=np.int64)
        own = np.zeros(len(cand), dtype=np.int64)
        rarity = np.zeros(len(cand), dtype=np.float64)
        for m, st, w in zip(self.masks, self.strong, self.idf):
            mc = m[cand]
            has += mc
            own += st[cand]
            rarity += w * mc
        span = int(round(100 * sum(self.idf))) + 1
        return ((has * (k + 1) + own) * span + np.round(rarity * 100)).astype(np.float64)

    def has_all(self, cand: np.ndarray) -> np.ndarray:
        out = np.ones(len(cand), dtype=bool)
        for m in self.masks:
            out &= m[cand]
        return out

    def prefer(self, docnum: int) -> set[str] | None:
        """The terms a snippet should show first: the words themselves, when
        this document has one of them (else any match will do)."""
        return self.own_terms if any(st[docnum] for st in self.strong) else None

    def missing(self, docnum: int) -> list[str]:
        return [label for label, m in zip(self.labels, self.masks) if not m[docnum]]


def _raised_in_whoosh(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc`` is Whoosh's code."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    filename = last.tb_frame.f_code.co_filename.replace(os.sep, "/")
    return "/whoosh/" in filename


def _facet(name: str, counts: dict[str, int], selected: list[str], limit: int | None) -> Facet:
    if name == "year":  # newest first; the records without a date last
        items = sorted(counts.items(), key=lambda kv: (kv[0] != NO_DATE, kv[0]), reverse=True)
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


# A word that is a Swedish stop word but not a Finnish one (och, för, av,
# alla, vara) asks nothing of a Swedish record: its clause also matches
# every document in Swedish, without adding to any score.
_ANY_SWEDISH = "lang:sv"


def _swedish_stop_only(word: str) -> bool:
    from . import swedish
    from .analysis import STOPWORDS

    return word.lower() not in STOPWORDS and swedish.is_stopword(word)


def _stop_words_optional(text: str) -> bool:
    """Whether Swedish stop words may be left out for Swedish records: in a
    query of words that must all match (no OR, NOT or -word), with a word
    that is not one (``för`` alone, or ``och OR x``, would otherwise match
    every Swedish record)."""
    from . import swedish

    if re.search(r"\bOR\b|\bNOT\b|(^|\s)-\w", text):
        return False
    return any(not swedish.is_stopword(w) for w in re.findall(r"[^\W_]+", re.sub(r"\S+:\S+", " ", text)))


def _swedish_stops(text: str, optional: bool = True) -> str:
    """``_expand``'s rule for Swedish stop words alone (bare words only)."""
    if not optional:
        return text
    parts = re.split(r'("[^"]*"|\S+:\S+)', text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<![\w*~^:-])[^\W\d_]+(?![\w*~^:-])",
                          lambda m: f"({m.group(0)} OR {_ANY_SWEDISH})" if _swedish_stop_only(m.group(0))
                          else m.group(0), parts[i])
    return "".join(parts)


def _unscored_language(q):
    """The language clauses added for Swedish stop words match, never score."""
    from whoosh.query import ConstantScoreQuery, Term

    def fn(node):
        if isinstance(node, Term) and node.fieldname == "lang":
            return ConstantScoreQuery(node, score=0.0)
        return node

    return q.accept(fn)


# Query syntax that asks for exactly what was typed: no relaxed results.
_OPERATORS = r'[*~()\[\]{}^]|\bOR\b|\bNOT\b|\bAND\b|\bTO\b|(^|\s)-\w'
_PUNCT = ".,;:!?()[]{}'\"“”«»"


def _phrase_query(text: str) -> bool:
    """Phrases, maybe with words, and no other operators."""
    return '"' in text and not re.search(_OPERATORS, text)


def _plain_words(text: str) -> int:
    """How many bare words a query has, or 0 if it uses operators, quotes,
    prefixes or fuzzy terms (then the user asked for exactly that)."""
    if '"' in text or re.search(_OPERATORS, text):
        return 0
    return len(re.findall(r"\w+", text))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


# --- snippets --------------------------------------------------------------------


def query_terms(q) -> list[str]:
    """The analysed words a query looks for (lemmas and parts), for highlighting.
    Prefix and fuzzy terms are expanded against nothing: they highlight by
    their literal stem."""
    terms: set[str] = set()
    try:
        for field_, text in q.iter_all_terms():
            if field_ == "lang":
                continue
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    except Exception:
        pass
    return sorted(terms)


def make_snippet(text: str, terms: set[str], maxchars: int = 240,
                 prefer: set[str] | None = None, lang: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    from .highlight import snippet

    return snippet(text, terms, maxchars, prefer, lang=lang)
