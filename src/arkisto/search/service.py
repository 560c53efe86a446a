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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import IndexDamagedError
from ..i18n import Msg
from ..models import NO_DATE, AnnualReport, Decision
from ..notes import Note
from .hotpostings import FIELDS as HOT_FIELDS
from .hotpostings import HotPostings
from .query import KIND_ALIASES, OUTCOME_ALIASES, expand_years, match_values
from .results import Facet, FacetValue, Hit, SearchResult
from .schema import FACETS, is_swedish, load_record, record_text
from .store import DECODE_ERRORS, REBUILD_HINT, IndexStore

if TYPE_CHECKING:  # imported where first used: the engine and the planner load on the first search
    from .engine import Engine, FacetArrays
    from .funding import ProjectArrays
    from .plan import Plan

SORTS = ("relevance", "newest", "oldest")

# The amount filters' entry among the facet filters of a resolved query:
# not a facet, so it narrows every facet's counts.
AMOUNT = "amount"

# When fewer documents than this have every word of a plain query, the
# results go on with documents that have some of the words: those with more
# of them, and with rarer ones, first; each says which words it lacks.
RELAX_BELOW = 10

# Similar decisions (``related``): a decision of the same municipality scores
# 1 + SAME_PLACE times its similarity, one of the same body of it 1 +
# SAME_PLACE + SAME_BODY times; another town's decision comes first only when
# it is that much more similar.
SAME_PLACE = 2.0
SAME_BODY = 0.5


class _Generation:
    """One opened index generation and everything cached for it.  A search
    pins the generation it started on, so a reopen() in another thread never
    mixes the caches of two generations."""

    def __init__(self, ix, manifest, epoch: int, lease=None):
        self.ix = ix
        self.lease = lease  # keeps the generation on disk while it is open (store.Lease)
        self.name = manifest.generation
        # Read without its sources (each file's hash and record ids; at a
        # million decisions in 100,000 files 46 MB, and 138 MB of the
        # process parsed): a search needs none of them (``_open``,
        # ``Manifest.from_json``).  ``IndexStore.manifest`` reads them.
        self.manifest = manifest
        self.epoch = epoch
        self.lock = threading.RLock()
        self.searchers: list = []
        self.engine: Engine | None = None  # built on first use
        self.facets: FacetArrays | None = None
        self.projects: ProjectArrays | None = None  # funded projects' facts (funding.py), built on first use
        self.written_names: dict[str, list[str]] | None = None  # canonical municipality -> its other names
        self.lexicon: _Lexicon | None = None  # the text field's words, for "did you mean" (built on first use)
        self.first_indexed: tuple[np.ndarray, np.ndarray] | None = None  # (microseconds, present) per document
        # facet -> (each value's live documents, the values live documents
        # hold, their casefolds): what a filter's value is resolved against
        # (``SearchService._live_values``), and the funded projects' written
        # forms -> keys likewise (``_project_names``).  The live documents of
        # a generation never change.
        self.live_values: dict[str, tuple[dict[str, int], list[str], list[str]]] = {}
        self.project_names: tuple[dict[str, list[str]], list[str], list[str]] | None = None
        # Frequent terms' postings kept beside the segments (hotpostings.py), opened per segment on first use.
        schema = ix.schema
        self.hot = HotPostings(getattr(ix.storage, "folder", None),
                               {f: bool(schema[f].format and schema[f].format.supports("positions"))
                                for f in HOT_FIELDS if f in schema})

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


def _live_pairs(table: tuple[list[str], np.ndarray, np.ndarray], live: np.ndarray) -> tuple[list[str], bytes, bytes]:
    """A field's merged term table (termtables.TermTables.pairs) over the
    live documents only, renumbered: (terms with a live document, docs,
    ords) as comparable values."""
    terms, docs, ords = table
    keep = live[docs]
    docs, ords = docs[keep], ords[keep]
    used = np.unique(ords)
    return ([terms[i] for i in used.tolist()], docs.astype(np.int64).tobytes(),
            np.searchsorted(used, ords).astype(np.int64).tobytes())


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
        # Without the sources, which no search reads (Manifest.from_json).
        ix, manifest, lease = self.store.open_index(sources=False)
        self._epoch += 1
        self._gen = _Generation(ix, manifest, self._epoch, lease)

    @property
    def manifest(self):
        """The open generation's manifest, without its ``sources``."""
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
        gen = getattr(self._local, "pinned", None) or self._gen
        if gen is None:
            raise IndexDamagedError(Msg("err_closed", path=str(self.index_dir)))
        return gen

    def _pin(self):
        """Context manager: pin the live generation for this thread's call."""
        import contextlib

        @contextlib.contextmanager
        def pinned():
            outer = getattr(self._local, "pinned", None)
            if outer is None:
                self._local.pinned = self._gen
            try:
                if outer is None:
                    self._check_present(self._local.pinned)
                with self._damage():
                    yield self._local.pinned
            finally:
                if outer is None:
                    self._local.pinned = None

        return pinned()

    def _check_present(self, gen: _Generation) -> None:
        """Refuse to answer from a generation whose folder was removed while
        it was open (by hand, or by an arkisto without reader leases): its
        open files still read, but they are no longer the index.  One stat
        per call; the TUI then opens the live generation."""
        if gen is not None and not (self.index_dir / gen.name).is_dir():
            raise IndexDamagedError(Msg("err_removed_while_open", path=str(self.index_dir), gen=gen.name),
                                    Msg("hint_reopen"))

    def _damage(self):
        """Context manager: index data that does not decode (or names code
        to run) is damage, whichever call happened to read it."""
        import contextlib

        @contextlib.contextmanager
        def mapped():
            try:
                yield
            except DECODE_ERRORS as exc:
                raise IndexDamagedError(Msg("err_damaged_exc", path=str(self.index_dir),
                                            error=f"{type(exc).__name__}: {exc}"), REBUILD_HINT) from None
            except Exception as exc:
                # Raised by Whoosh's own reading code (KeyError, IndexError,
                # "Block tag error" …), this means its structures hold what
                # it never wrote; raised elsewhere, an exception is what it
                # says (a usage error, a bug).
                if not _raised_in_whoosh(exc):
                    raise
                raise IndexDamagedError(Msg("err_damaged_whoosh", path=str(self.index_dir),
                                            error=type(exc).__name__), REBUILD_HINT) from None

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
            local.gen = gen
        return local.searcher

    def postings(self):
        """This thread's view of the index for the engine
        (``whoosh_format.WhooshPostings`` over its searcher)."""
        searcher = self.searcher()
        local = self._local
        if getattr(local, "postings_of", None) is not searcher:
            from .whoosh_format import WhooshPostings

            local.postings = WhooshPostings(searcher, hot=local.gen.hot)
            local.postings_of = searcher
        return local.postings

    def engine(self):
        """The generation's array engine (matching, scoring, date order)."""
        gen = self._cur()
        if gen.engine is None:
            from .engine import Engine

            px = self.postings()
            with gen.lock, self._damage():
                if gen.engine is None:
                    gen.engine = Engine(px, folder=getattr(gen.ix.storage, "folder", None))
        return gen.engine

    def warm(self) -> None:
        """Read now what a first search would otherwise read: the searcher,
        the facet and project arrays, the frequent terms' tables and the
        field lengths BM25 scores by.  For a client that will search soon
        (the TUI calls it while its screen comes up); a one-off
        ``arkisto search`` does not."""
        from .schema import TEXT_FIELDS

        self.searcher()
        engine, px = self.engine(), self.postings()
        self.facet_cache()
        self.project_cache()
        gen = self._cur()
        with self._damage():
            gen.hot.warm((sid, count) for sid, _base, count in px.segments())
            for field in TEXT_FIELDS:
                if px.has_field(field) and px.scorable(field):
                    engine.field_lengths(px, field)

    def facet_cache(self):
        """Facet values per document (engine.FacetArrays): ``known`` values
        per facet and ``count(facet, mask)``."""
        gen = self._cur()
        if gen.facets is None:
            from .engine import FacetArrays

            engine = self.engine()
            px = self.postings()
            with gen.lock, self._damage():
                if gen.facets is None:
                    gen.facets = FacetArrays(engine, px, FACETS)
        return gen.facets

    def project_cache(self):
        """The generation's funded-project facts as arrays (funding.ProjectArrays)."""
        gen = self._cur()
        if gen.projects is None:
            from .funding import ProjectArrays

            engine = self.engine()
            px = self.postings()

            def later(read):
                view = self.postings()
                with gen.lock, self._damage():
                    return read(engine, view)

            with gen.lock, self._damage():
                if gen.projects is None:
                    gen.projects = ProjectArrays(engine, px, later)
        return gen.projects

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
                        canon = canonical(name) or name
                        if name != canon and len(engine.term(self.postings(), "municipality_as", btext)[0]):
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
    #
    # A query goes: ``plan()`` (plan.build_plan: the typed words, phrases,
    # identifiers and operators, what each searches, the filters and the
    # notes) -> ``_resolve`` (the filters against the index's values; one
    # engine walk of the plan: matches and scores; a plain query's words one
    # by one, and the relaxed results) -> ``_ranked`` (the page, in order) ->
    # ``_hit`` (records and snippets, highlighted by the plan's terms).

    def plan(self, query: str, expand: bool = True):
        """The plan of a query (see ``plan.build_plan``), with forms with
        ä/ö only where this index has them."""
        from .plan import build_plan

        engine, px = self.engine(), self.postings()
        return build_plan(query, df=lambda field, text: engine.doc_frequency(px, field, text), expand=expand)

    def search(
        self,
        query: str = "",
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        facet_limit: int | None = 50,
        with_records: bool = True,
        snippets: int | None = None,
    ) -> SearchResult:
        """One page of results of ``query`` (the query language: see
        ``plan``) with ``filters`` (facet -> values, OR-ed within a facet),
        the facet counts, and notes about the query.  ``sort`` is one of
        SORTS; ``with_records`` puts each hit's whole record on it.

        ``snippets``: only the first this many hits get their snippet now;
        the others have an empty one, listed in ``later``, until
        ``fill_snippets``.  A screen that shows a few hits at a time paints
        those first: a snippet is the slowest part of a hit (its words
        analysed) and a page holds more hits than fit."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        with self._pin():
            t0 = time.perf_counter()
            self.facet_cache()  # counted below; a filter's documents are read from it too
            r = self._resolve(query, filters)
            facets = self._ordered(self._facets(r, FACETS, facet_limit))
            shown = dict(r.selected)
            if "municipality" in shown:
                shown["municipality"] = [self._municipality_shown(v) for v in shown["municipality"]]
            if "funded_project" in shown:
                label = self.project_cache().label
                shown["funded_project"] = [label(v) for v in shown["funded_project"]]

            hits: list[Hit] = []
            terms: list[str] = []
            later: list[tuple[int, set[str] | None]] = []
            total = int(np.count_nonzero(r.matches))
            if total and limit > 0:
                terms = r.terms
                top, scores = self._ranked(r, sort, offset + limit)
                for docnum, score in list(zip(top.tolist(), scores.tolist()))[offset:]:
                    prefer = r.words.prefer(docnum) if r.words is not None else None
                    now = snippets is None or len(hits) < snippets
                    hit = self._hit(docnum, score, set(terms), with_records, prefer, snippet=now)
                    if not now:
                        later.append((len(hits), prefer))
                    if r.words is not None and r.words.relaxed:
                        hit.missing = r.words.missing(docnum)
                    hits.append(hit)
            if not total or (r.words is not None and r.words.relaxed and not r.words.all_words_total):
                suggestion = self._suggest(r, filters)
                if suggestion is not None:
                    r.hints.insert(0, Note("did_you_mean", suggestion=suggestion))  # the note to act on
            elapsed = (time.perf_counter() - t0) * 1000
            return SearchResult(
                query=query, total=total, hits=hits, facets=facets, sort=sort, offset=offset,
                limit=limit, elapsed_ms=elapsed, hints=r.hints, filters=shown, terms=terms,
                all_words_total=(r.words.all_words_total if r.words is not None and r.words.all_words_total
                                 is not None and r.words.all_words_total < total else None),
                later=later,
            )

    def fill_snippets(self, result: SearchResult) -> list[int]:
        """The snippets ``search`` left for later (``result.later``), put on
        their hits; returns those hits' places in ``result.hits``.  Made
        from each hit's record as it is on the hit (a record redacted for
        the screen gives a snippet without the personal data)."""
        done = []
        terms = set(result.terms)
        later, result.later = result.later, []
        with self._pin():
            for i, prefer in later:
                hit = result.hits[i]
                rec = hit.record if hit.record is not None else self.get(hit.id)
                if rec is None:
                    continue
                hit.snippet, hit.highlights = make_snippet(record_text(rec), terms, prefer=prefer,
                                                           lang=rec.language)
                done.append(i)
        return done

    # --- did you mean ---------------------------------------------------------------

    # How far a suggestion may be from the typed word (edits), and how much
    # commoner a word one edit further must be to be preferred.
    SUGGEST_MAXDIST = 2
    SUGGEST_DF_PER_EDIT = 20
    SUGGEST_WORDS = 4  # unknown words looked up in one query

    def _suggest(self, r: _Resolved, filters: dict[str, list[str]] | None) -> str | None:
        """"Did you mean": the query with each typed word that no document
        has replaced by the nearest word of the index's own lexicon (its
        base forms in the Finnish text field: only words that exist), when
        the corrected query finds something.  Nearest: fewest edits (at
        most SUGGEST_MAXDIST, the first letter kept, as fuzzy~ does), a
        word one edit further when it is SUGGEST_DF_PER_EDIT times as
        common; ties to the commoner word.  Called only when a query finds
        nothing (or nothing with every word)."""
        from .plan import Word

        engine, px = self.engine(), self.postings()
        text = r.plan.text
        changed = False
        tried = 0
        for node in r.plan.words():
            if not isinstance(node, Word) or len(node.typed) < 3 or not node.typed.isalpha():
                continue
            if np.count_nonzero(engine.matches(px, node.query)):
                continue
            if tried >= self.SUGGEST_WORDS:  # a long paste: the first few unknown words are enough
                break
            tried += 1
            best = self._nearest_word(node)
            if best is None:
                continue
            m = re.search(r"(?<![\w])" + re.escape(node.typed) + r"(?![\w])", text)
            if m is None:
                continue
            repl = best.capitalize() if node.typed[:1].isupper() else best
            text = text[:m.start()] + repl + text[m.end():]
            changed = True
        if not changed:
            return None
        with self._pin():
            again = self._resolve(text, filters)
        return text if np.count_nonzero(again.matches) else None

    def _nearest_word(self, node) -> str | None:
        """The lexicon's word nearest to a typed word (or its base forms)."""
        from .analysis import STOPWORDS

        px = self.postings()
        gen = self._cur()
        if gen.lexicon is None:
            with gen.lock:
                if gen.lexicon is None:
                    gen.lexicon = _Lexicon(px, "text")
        typed = node.typed.lower()
        scored: dict[str, tuple[int, int]] = {}
        for form in dict.fromkeys([typed, *node.lemmas]):
            for word in gen.lexicon.near(form, self.SUGGEST_MAXDIST):
                if word == form or word in STOPWORDS or not word.isalpha():
                    continue
                dist = _edits(form, word, self.SUGGEST_MAXDIST)
                if dist > self.SUGGEST_MAXDIST:
                    continue
                df = px.doc_frequency("text", word)
                if df and (word not in scored or dist < scored[word][0]):
                    scored[word] = (dist, df)
        if not scored:
            return None
        return max(scored, key=lambda w: (np.log(scored[w][1]) / np.log(self.SUGGEST_DF_PER_EDIT) - scored[w][0],
                                          scored[w][1], w))

    def facet(self, name: str, query: str = "", filters: dict[str, list[str]] | None = None,
              limit: int | None = None) -> Facet:
        """One facet of ``query`` with ``filters``, as ``search`` lists it but
        with at most ``limit`` values (None: all).  What a client asks for
        when it opens a facet that a search listed only the first values of
        (a million decisions have 10,000 presenters)."""
        if name not in FACETS:
            raise ValueError(f"facet must be one of {', '.join(FACETS)}")
        with self._pin():
            self.facet_cache()
            return self._facets(self._resolve(query, filters), (name,), limit)[name]

    def _facets(self, r: _Resolved, names, limit: int | None) -> dict[str, Facet]:
        """The facets ``names`` of the resolved query, values named as shown."""
        from .engine import Matched

        cache = self.facet_cache()
        selected = r.selected
        # Each facet is counted over the match with the other facets'
        # selections applied; without selections that is one match for all.
        facets: dict[str, Facet] = {}
        matches: dict[tuple[str, ...], Matched] = {}
        for f in names:
            others = tuple(g for g in r.facet_sets if g != f)
            if others not in matches:
                cand = r.base
                for g in others:
                    cand = cand & r.facet_sets[g]
                matches[others] = Matched(cand)
            facets[f] = _facet(f, cache, cache.counts(f, matches[others]), selected.get(f, []), limit)
        if "municipality" in facets:
            for v in facets["municipality"].values:
                v.value = self._municipality_shown(v.value)
        if "funded_project" in facets:  # a project is counted by its key, shown as people write it
            label = self.project_cache().label
            for v in facets["funded_project"].values:
                v.value = label(v.value)
        return facets

    def _ordered(self, facets: dict[str, Facet]) -> dict[str, Facet]:
        """The facets in FACETS order, but the municipality first when the
        archive holds several: "Kaupunginhallitus" of five cities is five
        bodies, and the municipality tells them apart."""
        if "municipality" not in facets:
            return facets
        several = len(self._live_values("municipality")[0]) > 1
        if not several:
            return facets
        return {"municipality": facets["municipality"], **{k: v for k, v in facets.items() if k != "municipality"}}

    def _filters(self, typed: dict[str, list[str]], passed: dict[str, list[str]] | None,
                 hints: list[str]) -> dict[str, list[str]]:
        """The facet values selected: those passed (``filters``: the CLI's
        flags, the TUI's selections, a script's values) and those typed in
        the query (toimielin:X), resolved alike against the values the
        index holds: any case, else by prefix, else within the name
        (``match_values``); years and ranges of years (2020-2024,
        puuttuu); a municipality by any of its names; outcomes and kinds
        by their Finnish names too.  A value that finds nothing is kept
        (shown selected, at 0) and a note names the nearest values."""
        for facet in passed or {}:
            if facet not in FACETS:
                raise ValueError(f"unknown facet {facet!r}; facets: {', '.join(FACETS)}")
        raw: dict[str, list[str]] = {}
        for source in (passed or {}, typed):
            for facet, values in source.items():
                clean = [unicodedata.normalize("NFC", v).strip() for v in values if v and v.strip()]
                if clean:
                    raw.setdefault(facet, []).extend(clean)
        selected: dict[str, list[str]] = {}
        for facet, values in raw.items():
            vals: list[str] = []
            for value in dict.fromkeys(values):
                vals += self._filter_values(facet, value, hints)
            selected[facet] = list(dict.fromkeys(vals))
        return selected

    def _live_values(self, facet: str) -> tuple[dict[str, int], list[str], list[str]]:
        """(each value's live documents, the values live documents hold in
        the index's order, their casefolds) of a facet, worked out once per
        generation: at a million decisions counting every document and
        casefolding 10,000 presenters' names was most of a filtered
        search.  Shared: not to be changed."""
        gen = self._cur()
        got = gen.live_values.get(facet)
        if got is None:
            cache = self.facet_cache()
            counts = cache.count(facet, self.engine().live)
            known = [k for k in cache.known.get(facet, []) if k in counts]
            got = gen.live_values[facet] = (counts, known, [k.casefold() for k in known])
        return got

    def _filter_values(self, facet: str, value: str, hints: list[str]) -> list[str]:
        """The index's values one filter value means (see ``_filters``)."""
        counts, known, folded = self._live_values(facet)
        if facet == "year":
            vals, h = expand_years([value], known)
            hints += h
            if h:
                return vals
        elif facet == "municipality":
            vals = self._municipality_matches(value, known) or [self._municipality_canon(value)]
        elif facet == "funded_project":
            vals = self._project_matches(value) or [value]
        elif facet == "funder":
            vals = self._funder_matches(value, known) or [value]
        else:
            if facet == "outcome":
                value = OUTCOME_ALIASES.get(value.casefold(), value)
            elif facet == "kind":
                value = KIND_ALIASES.get(value.casefold(), value)
            vals = match_values(value, known, folded) or [value]
        if not any(counts.get(v) for v in vals):
            hints.append(self._no_match(facet, value, counts))
        return vals

    def _project_names(self) -> tuple[dict[str, list[str]], list[str], list[str]]:
        """Every written form (and key) of the projects live documents
        name -> their keys, the forms, and the forms' casefolds; once per
        generation (5,000 projects' forms were gathered and casefolded at
        every filtered search)."""
        gen = self._cur()
        got = gen.project_names
        if got is None:
            _counts, known, _folded = self._live_values("funded_project")
            names: dict[str, list[str]] = {}
            aliases = self.project_cache().names
            for k in known:
                for name in [k, *aliases.get(k, [])]:
                    names.setdefault(name, []).append(k)
            got = gen.project_names = (names, list(names), [n.casefold() for n in names])
        return got

    def _project_matches(self, pattern: str) -> list[str]:
        """The keys of the projects live documents name that a typed value
        means, by the key or any written form (hanke:VALSSI,
        hanke:valssi-hanke, hanke:vals): exact, else prefix, else
        substring, as ``match_values``; the domain's own key of the value
        too."""
        from ..projects import project_key

        counts, _known, _folded = self._live_values("funded_project")
        names, forms, folded = self._project_names()
        key = project_key(pattern)  # once: with 5,000 projects it was 5,000 times a filter
        own = [key] if key in counts else []
        found = [k for n in match_values(pattern, forms, folded) for k in names[n]]
        return list(dict.fromkeys(own + found))

    def _funder_matches(self, pattern: str, known: list[str]) -> list[str]:
        """The funders a typed value means: the code (rahoittaja:OKM), its
        full name (rahoittaja:"opetus- ja kulttuuriministeriö"), as
        ``match_values``."""
        from .funding import funder_names

        names: dict[str, str] = {k: k for k in known}
        for code, full in funder_names().items():
            if code in names:
                names.setdefault(full, code)
        return list(dict.fromkeys(names[n] for n in match_values(pattern, list(names))))

    def _no_match(self, facet: str, value: str, counts: dict[str, int]) -> Note:
        """The note for a filter value that finds nothing: the nearest
        values of the facet (by spelling; years by distance), else its
        most common ones; a body typed as an official (or the other way
        round) names the other facet."""
        import difflib

        if not counts:
            return Note("no_values", facet=facet, value=value)
        other = {"committee": "official", "official": "committee"}.get(facet)
        if other is not None:
            _ocounts, oknown, ofolded = self._live_values(other)
            found = match_values(value, oknown, ofolded)
            if found:
                return Note("other_facet", facet=facet, value=value, other=other, values=found[:3])
        names = list(counts)
        if facet == "municipality":
            names = [self._municipality_shown(n) for n in names]
        elif facet == "funded_project":
            names = [self.project_cache().label(n) for n in names]
        nearest: list[str] = []
        year = re.search(r"\d{4}", value)
        if facet == "year" and year:
            years = [y for y in names if y.isdigit()]
            target = int(year.group(0))
            nearest = sorted(sorted(years, key=lambda y: (abs(int(y) - target), -int(y)))[:3])
        elif facet != "year":
            folded = {n.casefold(): n for n in names}
            nearest = [folded[n] for n in difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.6)]
        if nearest:
            return Note("no_match_nearest", facet=facet, value=value, nearest=nearest)
        common = sorted(counts, key=lambda v: (-counts[v], v.casefold()))[:3]
        if facet == "municipality":
            common = [self._municipality_shown(n) for n in common]
        elif facet == "funded_project":
            common = [self.project_cache().label(n) for n in common]
        return Note("no_match_common", facet=facet, value=value, nearest=common)

    def _with_examples(self, note: str) -> str:
        """A filter typed without a value (``toimielin:``) says which values
        it could have: the facet's most common ones, as the query language
        writes them."""
        if not isinstance(note, Note) or note.code != "no_value":
            return note
        facet, name = str(note.params.get("facet")), str(note.params.get("name"))
        if facet not in FACETS:
            return note
        counts = self.facet_cache().count(facet, self.engine().live)
        common = sorted(counts, key=lambda v: (-counts[v], v.casefold()))[:3]
        if facet == "municipality":
            common = [self._municipality_shown(v).split(" (")[0] for v in common]
        elif facet == "funded_project":
            common = [self.project_cache().label(v) for v in common]
        if not common:
            return note
        examples = [f'{name}:"{v}"' if re.search(r'[\s"()]', v) else f"{name}:{v}" for v in common]
        return Note("no_value_examples", name=name, facet=facet, examples=examples)

    def _resolve(self, query: str, filters: dict[str, list[str]] | None) -> _Resolved:
        """The query planned and run: the selected filters, which documents
        match, their scores, and a plain query's words one by one."""
        plan = self.plan(query)
        hints = [self._with_examples(n) for n in plan.notes]
        selected = self._filters(plan.filters, filters, hints)
        engine, px = self.engine(), self.postings()
        memo: dict = {}
        base, scores = engine.run(px, plan.query, memo)
        facet_sets = {f: self._facet_mask(f, vals) for f, vals in selected.items()}
        if plan.amounts:  # not a facet: it narrows every facet's counts
            facet_sets[AMOUNT] = self._amount_mask(plan.amounts)
        matches = base
        for docs in facet_sets.values():
            matches = matches & docs
        # Relaxing is decided on the text alone, before the filters, so that
        # a facet's count is the total that selecting it gives.
        words = self._per_word(plan, memo) if plan.form == "words" else None
        few = int(np.count_nonzero(base)) < RELAX_BELOW
        if words is not None and few and len(words.masks) >= 2:
            wider = words.any_word
            if np.count_nonzero(wider) > np.count_nonzero(base):
                # Said by SearchResult.all_words_total and Hit.missing, not a hint.
                words.relaxed, words.all_words_total = True, int(np.count_nonzero(matches))
                base = wider
        elif few and plan.form == "phrase" and plan.loose is not None:
            # Few documents have the phrase: those with its words apart follow
            # (the words themselves: no head words or added forms), and the
            # phrase's documents score for both.
            loose, loose_scores = engine.run(px, plan.loose.query)
            loose |= base
            if np.count_nonzero(loose) > np.count_nonzero(base):
                from .plan import Phrase

                label = " ".join(f'"{p.typed}"' for p in plan.words() if isinstance(p, Phrase))
                words = _Words([base], [base], [label], [1.0], relaxed=True,
                               all_words_total=int(np.count_nonzero(matches)), union=loose)
                scores = scores + loose_scores
                base = loose
        matches = base
        for docs in facet_sets.values():
            matches = matches & docs
        return _Resolved(plan, selected, hints, base, facet_sets, matches, scores, words)

    def _facet_mask(self, facet: str, values: list[str]) -> np.ndarray:
        """The documents a filter on ``facet`` selects: from the facet
        arrays when they are read (a search counts facets, so it reads them
        first), else from the values' postings."""
        facets = self._cur().facets
        if facets is not None:
            return facets.mask(facet, values)
        return self.engine().any_of(self.postings(), FACETS[facet][0], values)

    def _amount_mask(self, amounts) -> np.ndarray:
        """The documents every amount filter holds for (summa:>100000)."""
        cache = self.project_cache()
        out = self.engine().live.copy()
        for a in amounts:
            out &= cache.amount_mask(a)
        return out

    def _per_word(self, plan, memo: dict) -> _Words | None:
        """The words of a plain query one by one, from the plan: which
        documents have each (``masks``: its matches in the walk), and which
        have the word itself rather than only what was added for it, its
        head word or forms with ä/ö (``strong``).  None when there is
        nothing to rank by: one word, nothing added."""
        from .plan import Word, leaves

        engine, px = self.engine(), self.postings()
        labels, masks, strong = [], [], []
        own_terms: set[str] = set()  # the typed words' own terms: what a snippet shows first
        added_any = False
        for c in plan.clauses:
            labels.append(c.typed)
            mask = memo.get(id(c.query))
            if mask is None:
                mask = engine.matches(px, c.query)
            masks.append(mask)
            if isinstance(c, Word):
                own_terms.update(t.text for t in leaves(c.own) if t.field != "lang")
                added_any = added_any or bool(c.added) or c.expansion is not None
                if c.added:
                    own = memo.get(id(c.own))
                    strong.append(own if own is not None else engine.matches(px, c.own))
                    continue
            else:
                own_terms.update(t.text for t in leaves(c.query) if t.field != "lang")
            strong.append(mask)
        if len(masks) < 2 and not added_any:
            return None
        n = max(int(np.count_nonzero(engine.live)), 1)
        idf = [float(np.log(1.0 + (n - df + 0.5) / (df + 0.5))) for df in (int(np.count_nonzero(m)) for m in masks)]
        return _Words(masks, strong, labels, idf, own_terms)

    def iter_records(
        self, query: str = "", filters: dict[str, list[str]] | None = None, sort: str = "relevance"
    ) -> Iterator[Decision | AnnualReport]:
        """Every record matching the query and filters, best first (for export)."""
        with self._pin():
            searcher = self.searcher()
            r = self._resolve(query, filters)
            if not r.matches.any():
                return
            top, _scores = self._ranked(r, sort, None)
            for docnum in top.tolist():
                yield self._record(searcher.stored_fields(docnum))

    def iter_matches(
        self, query: str = "", filters: dict[str, list[str]] | None = None, sort: str = "relevance"
    ) -> Iterator[tuple[Decision | AnnualReport, list[str]]]:
        """As ``iter_records``, each record with the query's words it lacks
        (a partial match: ``Hit.missing``; [] when it has every word)."""
        with self._pin():
            searcher = self.searcher()
            r = self._resolve(query, filters)
            if not r.matches.any():
                return
            top, _scores = self._ranked(r, sort, None)
            relaxed = r.words is not None and r.words.relaxed
            for docnum in top.tolist():
                missing = r.words.missing(docnum) if relaxed and r.words is not None else []
                yield self._record(searcher.stored_fields(docnum)), missing

    def _ranked(self, r: _Resolved, sort: str, want: int | None):
        """The first ``want`` matches (all when None) in the result order, and
        their scores: by relevance when there is free text, else by date.
        Relaxed results come after those with every word: by relevance, in
        the groups of ``_Words.group``; by date, all in one."""
        engine = self.engine()
        cand = np.flatnonzero(r.matches)
        k = len(cand) if want is None else min(want, len(cand))
        if sort in ("newest", "oldest") or r.plan.root is None:
            rank = engine.date_rank(self.postings(), newest=(sort != "oldest"))
            keys = rank[cand].astype(np.float64)
            if r.words is not None and r.words.relaxed:  # by date, but those with every word first
                keys += ~r.words.has_all(cand) * float(engine.n + 1)
            top = engine.top(cand, keys, k, descending=False)
            return top, np.zeros(len(top))
        acc = r.scores
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
             prefer: set[str] | None = None, snippet: bool = True) -> Hit:
        rec = self._record(self.searcher().stored_fields(docnum))
        spans: list[tuple[int, int]] = []
        if snippet:
            snippet_text, spans = make_snippet(record_text(rec), terms, prefer=prefer, lang=rec.language)
        else:
            snippet_text = ""
        also = [src.model_dump(exclude_none=True) for src in rec.also]
        if isinstance(rec, Decision):
            return Hit(
                id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
                committee=rec.committee, meeting_date=rec.meeting_date.isoformat() if rec.meeting_date else None,
                year=rec.year, section=rec.section, presenter=rec.presenter.name if rec.presenter else None,
                outcome=rec.outcome.value if rec.outcome else None, snippet=snippet_text, highlights=spans,
                score=round(float(score or 0.0), 4), source=rec.source.model_dump(exclude_none=True),
                record=rec if with_records else None, also=also,
            )
        return Hit(
            id=rec.id, kind=rec.kind, title=rec.title or rec.citation(), municipality=rec.municipality,
            committee=rec.organisation, meeting_date=None, year=rec.year, section=None, presenter=None,
            outcome=None, snippet=snippet_text, highlights=spans, score=round(float(score or 0.0), 4),
            source=rec.source.model_dump(exclude_none=True), record=rec if with_records else None, also=also,
        )

    def _record(self, stored: dict) -> Decision | AnnualReport:
        """The record a stored document holds.  One that does not load (a key
        missing, a value of another type: damage that still unpickles) is
        the index's damage, whichever command read it."""
        try:
            return load_record(stored)
        except Exception as exc:
            raise IndexDamagedError(Msg("err_unreadable_record", path=str(self.index_dir),
                                        error=f"{type(exc).__name__}: {exc}"), REBUILD_HINT) from None

    def _docnum(self, record_id: str) -> int | None:
        """The document of a record id: its own, or the one it was merged
        into (merge.py)."""
        from .merge import id_token

        searcher = self.searcher()
        docnum = searcher.document_number(id=record_id)
        if docnum is None and "aliases" in searcher.schema:
            docnum = searcher.document_number(aliases=id_token(record_id))
        return docnum

    def get(self, record_id: str) -> Decision | AnnualReport | None:
        """A whole record by its id (or the id of a record merged into it)."""
        with self._pin():
            docnum = self._docnum(record_id)
            return self._record(self.searcher().stored_fields(docnum)) if docnum is not None else None

    def related(self, record_id: str, limit: int = 8) -> dict[str, list[Hit]]:
        """Decisions related to one record: ``same_case`` (the same
        diaarinumero: earlier and later handlings of the case, newest first)
        and ``similar`` (more like this: the record's most significant
        words, run through the engine as any query is).  Similar decisions
        of the same municipality, and of the same body, score higher
        (``SAME_PLACE``, ``SAME_BODY``): a Helsinki election decision
        suggests Helsinki's before another town's board appointments.  Each
        similar hit's ``shared`` lists the significant words it shares."""
        from ..names import MUNICIPALITIES, canonical
        from .plan import Any, Term, Terms

        with self._pin():
            searcher = self.searcher()
            engine = self.engine()
            px = self.postings()
            docnum = self._docnum(record_id)
            if docnum is None:
                return {"same_case": [], "similar": []}
            rec = self._record(searcher.stored_fields(docnum))
            same: list[Hit] = []
            case_id = getattr(rec, "case_id", None)
            if case_id:
                cand = np.flatnonzero(engine.any_of(px, "ident", [case_id.lower()]))
                rank = engine.date_rank(px, newest=True)
                for d in engine.top(cand, rank[cand].astype(np.float64), 50, descending=False).tolist():
                    if d != docnum:
                        same.append(self._hit(d, 0.0, set(), True))
            seen = {docnum} | {self._docnum(h.id) for h in same}
            similar: list[Hit] = []
            text = record_text(rec)
            if text.strip():
                field = "text_sv" if is_swedish(rec) else "text"
                # Whoosh's key terms (its Bo1 model over the record's words)
                # pick the words; the engine scores them.
                # Numbers, dates and municipalities' names say nothing of the
                # subject (the municipality counts through SAME_PLACE).
                key = [(t, w) for t, w in searcher.key_terms_from_text(
                    field, (rec.title or "") + "\n" + text, numterms=18)
                    if not any(c.isdigit() for c in t) and t not in MUNICIPALITIES][:12]
                if not key:
                    return {"same_case": same[:limit], "similar": []}
                q = Any((Terms(tuple(Term(field, t, float(w)) for t, w in key)),))
                matches, scores = engine.run(px, q)
                matches[list(seen)] = False
                boost = np.ones(len(scores))
                place = canonical(rec.municipality)
                body = rec.committee if isinstance(rec, Decision) else rec.organisation
                if place:
                    here = engine.any_of(px, FACETS["municipality"][0], [place])
                    boost += SAME_PLACE * here
                    if body:  # the same body: of the same municipality (every town has a Kaupunginhallitus)
                        boost += SAME_BODY * (here & engine.any_of(px, FACETS["committee"][0], [body]))
                ranked = scores * boost
                has = [(t, engine.any_of(px, field, [t])) for t, _w in key]
                cand = np.flatnonzero(matches)
                for d in engine.top(cand, ranked[cand], limit, descending=True).tolist():
                    hit = self._hit(d, float(ranked[d]), set(), True)
                    hit.shared = [t for t, mask in has if mask[d]]
                    similar.append(hit)
            return {"same_case": same[:limit], "similar": similar}

    def case(self, case_id: str, limit: int = 200) -> list[Hit]:
        """Every handling of one case (its diaarinumero, e.g. "HEL
        2021-007014", however it is spaced or cased), oldest first: how the
        case went from body to body.  [] when no record has that case id."""
        wanted = " ".join(case_id.split()).lower()
        if not wanted:
            return []
        with self._pin():
            engine = self.engine()
            px = self.postings()
            cand = np.flatnonzero(engine.any_of(px, "ident", [wanted]))
            if not len(cand):
                return []
            rank = engine.date_rank(px, newest=False)
            hits = []
            for d in engine.top(cand, rank[cand].astype(np.float64), limit, descending=False).tolist():
                hit = self._hit(d, 0.0, set(), True)
                rec_case = getattr(hit.record, "case_id", None) or ""
                if " ".join(rec_case.split()).lower() == wanted:  # the ident field holds § and dates too
                    hits.append(hit)
            return hits

    def explain(self, query: str, filters: dict[str, list[str]] | None = None) -> dict:
        """What a query became, read from its plan: each word's base forms,
        compound parts and what was added for it, the phrases and
        identifiers, the filters, and the index query.  Shown by ``arkisto
        search --explain`` and the TUI."""
        from . import swedish
        from .analysis import STOPWORDS, analyse_word, backend_name
        from .plan import Fuzzy, Ident, Phrase, Prefix, Range, Word, describe, typed_form

        with self._pin():
            r = self._resolve(query, filters)
            plan = r.plan
            words: list[dict] = []
            phrases: list[dict] = []

            def word(typed: str, w: Word | None = None) -> dict:
                if w is None:
                    w = Word(typed, *analyse_word(typed))
                return {"word": typed, "base_forms": list(w.lemmas), "compound_parts": list(w.parts),
                        "swedish_stem": w.swedish or swedish.stem(typed) or None, "head_word": w.head,
                        "without_umlauts": list(w.variants), "written_out": w.expansion}

            for node in plan.words():
                if isinstance(node, Word):
                    words.append(word(node.typed, node))
                elif isinstance(node, Phrase):
                    phrases.append({"phrase": node.typed, "readings": [list(x) for x in node.readings],
                                    "abbreviation": node.abbreviation})
                    words += [word(w) for w in re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", node.typed)
                              if w.lower() not in STOPWORDS]
                elif isinstance(node, Ident):
                    words.append({"word": node.typed, "base_forms": [node.term], "compound_parts": [],
                                  "identifier": node.kind})
                elif isinstance(node, (Prefix, Fuzzy, Range)):
                    words.append({"word": node.typed, "base_forms": [], "compound_parts": []})
            for w in re.findall(r"[^\W_]+", query):
                if w.lower() in STOPWORDS:
                    words.append({"word": w, "ignored": "stop word"})
            return {
                "query": query,
                "analyzer": backend_name(),
                "words": words,
                "phrases": phrases,
                "expanded": typed_form(plan.root),
                "index_query": describe(plan.query),
                "filters": r.selected,
                "amounts": [a.typed for a in plan.amounts],
                "matches": int(np.count_nonzero(r.matches)),
                "all_words_matches": r.words.all_words_total if r.words is not None and r.words.relaxed
                else int(np.count_nonzero(r.matches)),
                "hints": r.hints,
            }

    # --- funded projects ----------------------------------------------------------------

    def _aggregate(self, query: str, filters: dict[str, list[str]] | None, funder: str | None):
        """The (document, project) pairs a projects query lists: the
        records matching ``query`` and ``filters``, and of their projects
        those the project, funder and amount filters name (a record naming
        VALSSI and DigiOne lists only VALSSI under hanke:VALSSI)."""
        from .funding import Aggregate

        filters = {k: list(v) for k, v in (filters or {}).items()}
        if funder:
            filters.setdefault("funder", []).append(funder)
        r = self._resolve(query, filters)
        agg = Aggregate(self.project_cache(), self.facet_cache(), r.matches,
                        keys=r.selected.get("funded_project"), funders=r.selected.get("funder"),
                        amounts=r.plan.amounts)
        return agg, r

    def projects(self, query: str = "", filters: dict[str, list[str]] | None = None,
                 funder: str | None = None) -> tuple[list, list[str]]:
        """The funded projects named by the records that match ``query``
        and ``filters`` (the search's query language and facets; ``funder``
        adds a funder filter), most records first: (``funding.ProjectSummary``
        list, notes about the query).  Counted from the index's project
        terms, no record read."""
        with self._pin():
            agg, r = self._aggregate(query, filters, funder)
            return agg.summaries(), r.hints

    def programmes(self, query: str = "", filters: dict[str, list[str]] | None = None,
                   funder: str | None = None) -> list:
        """The funding programmes of those projects (``funding.Programme``):
        the projects with the same funder and programme grouped, each
        recipient (municipality, project) with its amounts there, most
        recipients first."""
        with self._pin():
            agg, _r = self._aggregate(query, filters, funder)
            return agg.programmes()

    def project_key(self, value: str) -> str | None:
        """The key of the project a typed value means (its key or a written
        form, any case; else the only project it is a prefix of)."""
        with self._pin():
            value = value.strip()
            found = self._project_matches(value) if value else []
            names = self.project_cache().names
            exact = [k for k in found if value.casefold() in (n.casefold() for n in [k, *names.get(k, [])])]
            if exact:
                return exact[0]
            return found[0] if len(found) == 1 else None

    def project(self, key: str):
        """A project's timeline (``funding.ProjectTimeline``): its summary,
        and every record naming it, oldest first (undated last), each with
        the sentence that names it, its stage and amounts.  None when no
        record names it.  ``key`` may be any written form."""
        from ..cite import citation
        from .funding import Aggregate, ProjectTimeline, TimelineEntry, funders_of, indexed_key

        with self._pin():
            k = self.project_key(key)
            if k is None:
                return None
            engine, px, searcher = self.engine(), self.postings(), self.searcher()
            agg = Aggregate(self.project_cache(), self.facet_cache(), engine.live, keys=[k])
            summary = next(iter(agg.summaries()), None)
            if summary is None:
                return None
            cand = np.flatnonzero(engine.any_of(px, FACETS["funded_project"][0], [k]))
            rank = engine.date_rank(px, newest=False)
            entries = []
            for d in engine.top(cand, rank[cand].astype(np.float64), len(cand), descending=False).tolist():
                rec = self._record(searcher.stored_fields(d))
                for p in rec.funded_projects:
                    if indexed_key(p) != k:
                        continue
                    day = rec.meeting_date if isinstance(rec, Decision) else None
                    entries.append(TimelineEntry(
                        id=rec.id, kind=rec.kind, date=day.isoformat() if day else None,
                        year=rec.year, municipality=rec.municipality, citation=citation(rec),
                        title=rec.title, name=p.name, stage=p.stage, sentence=p.sentence,
                        funders=funders_of(p), programme=p.programme,
                        amounts=[a.model_dump() for a in p.amounts]))
            return ProjectTimeline(summary, entries)

    def verify(self) -> int:
        """Read everything the generation holds: every stored record, every
        posting (positions too) and the facet columns, through the
        restricted unpickler.  Raises IndexDamagedError at the first thing
        that does not decode; returns the number of terms read.  For
        ``arkisto check``: hashes alone cannot tell a manifest rewritten to
        match planted data."""
        with self._pin():
            reader = self.searcher().reader()
            px = self.postings()
            engine = self.engine()
            for docnum in reader.all_doc_ids():
                try:
                    load_record(reader.stored_fields(docnum))
                except DECODE_ERRORS:
                    raise
                except Exception as exc:
                    raise IndexDamagedError(Msg("err_unreadable_record", path=str(self.index_dir),
                                                error=type(exc).__name__), REBUILD_HINT) from None
            terms = 0
            for field, btext in px.all_terms():
                ids, _w, vals = engine._read(px, field, btext, values=True)
                if px.has_positions(field) and len(ids):
                    px.positions(field, ids, list(vals))
                terms += 1
            self.facet_cache()
            # The term tables kept beside the segments (termtables.py) must
            # say what the postings say, for the live documents.
            from .termtables import FIELDS, TermTables

            fresh = TermTables(None)
            with self._damage():
                for field in FIELDS:
                    if _live_pairs(engine.tables.pairs(px, field), engine.live) != \
                            _live_pairs(fresh.pairs(px, field), engine.live):
                        raise IndexDamagedError(Msg("err_tables_differ", path=str(self.index_dir), field=field),
                                                REBUILD_HINT)
                # And the frequent terms' tables (hotpostings.py), read
                # against the postings themselves.
                from . import hotpostings
                from .whoosh_format import WhooshPostings

                folder = getattr(self._cur().ix.storage, "folder", None)
                plain = WhooshPostings(self.searcher())
                for i, (segment_id, _base, _count) in enumerate(plain.segments() if folder is not None else []):
                    if hotpostings.differs(Path(str(folder)), plain, i):
                        raise IndexDamagedError(Msg("err_hot_differ", path=str(self.index_dir),
                                                    segment=segment_id), REBUILD_HINT)
            return terms

    # --- what is new (saved searches) -----------------------------------------------

    def _first_indexed(self) -> tuple[np.ndarray, np.ndarray]:
        """(microseconds, present) of each document's ``first_indexed``,
        read once per generation; none present in an index without it."""
        gen = self._cur()
        if gen.first_indexed is None:
            px = self.postings()
            with gen.lock, self._damage():
                col = px.column("first_indexed") if px.has_field("first_indexed") else None
                if col is None:
                    n = px.doc_count_all()
                    col = (np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=bool))
                gen.first_indexed = col
        return gen.first_indexed

    def newest_indexed(self) -> datetime | None:
        """The newest ``first_indexed`` of the live records: where a new
        saved search's marks start (what the index holds now is not new)."""
        from .schema import from_micros

        with self._pin():
            values, present = self._first_indexed()
            have = present & self.engine().live
            return from_micros(int(values[have].max())) if have.any() else None

    def _new_mask(self, query: str, filters: dict[str, list[str]] | None, since: datetime | None) -> np.ndarray:
        from .schema import to_micros

        r = self._resolve(query, filters)
        values, present = self._first_indexed()
        mask = r.matches & present & self.engine().live
        if since is not None:
            mask &= values > np.uint64(to_micros(since))
        return mask

    def count_new(self, query: str, filters: dict[str, list[str]] | None, since: datetime | None) -> int:
        """How many records match and first entered the index after
        ``since`` (None: every record with a time; a record without one was
        indexed before times were kept, and is never new)."""
        with self._pin():
            return int(np.count_nonzero(self._new_mask(query, filters, since)))

    def newest_match(self, query: str, filters: dict[str, list[str]] | None) -> datetime | None:
        """The newest ``first_indexed`` among the matches: the mark of a
        saved search opened now (all its matches are shown)."""
        from .schema import from_micros

        with self._pin():
            mask = self._new_mask(query, filters, None)
            values, _present = self._first_indexed()
            return from_micros(int(values[mask].max())) if mask.any() else None

    def new_since(self, query: str, filters: dict[str, list[str]] | None,
                  since: datetime | None) -> list[Decision | AnnualReport]:
        """The records ``count_new`` counts, in the order they entered the
        index (the last one's ``first_indexed`` is the newest shown)."""
        with self._pin():
            mask = self._new_mask(query, filters, since)
            values, _present = self._first_indexed()
            docs = np.flatnonzero(mask)
            docs = docs[np.argsort(values[docs], kind="stable")]
            searcher = self.searcher()
            return [self._record(searcher.stored_fields(int(d))) for d in docs]

    def records(self) -> Iterator[Decision | AnnualReport]:
        """Every record, in index order (for export)."""
        with self._pin():
            reader = self.searcher().reader()
            for docnum in reader.all_doc_ids():
                yield self._record(reader.stored_fields(docnum))


@dataclass
class _Resolved:
    plan: Plan  # the query, planned
    selected: dict[str, list[str]]  # facet filters, typed and passed
    hints: list[str]
    base: np.ndarray  # documents matching the text
    facet_sets: dict[str, np.ndarray]  # documents matching each facet filter
    matches: np.ndarray  # documents matching the text and every filter
    scores: np.ndarray  # each document's score for the text
    words: _Words | None = None  # a plain query's words one by one (see _per_word)

    @property
    def terms(self) -> list[str]:
        """The analysed words to highlight."""
        return self.plan.highlight_terms()


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
        if k > self.CODED_WORDS:
            return self._sums(((m[cand], st[cand]) for m, st in zip(self.masks, self.strong)), len(cand))
        # A document's group depends only on which words it has and which
        # it has itself: 2k bits.  Those bits per candidate (over whole
        # arrays when most documents are candidates: a gather per word of a
        # million documents cost more than the rest of the ranking), and each
        # combination's group computed once, by the same sums.
        whole = len(cand) * 4 > len(self.masks[0])
        code = np.zeros(len(self.masks[0]) if whole else len(cand), dtype=np.uint16)
        for i, (m, st) in enumerate(zip(self.masks, self.strong)):
            a, b = (m, st) if whole else (m[cand], st[cand])
            code |= (a.astype(np.uint16) << i) | (b.astype(np.uint16) << (k + i))
        if whole:
            code = code[cand]
        combos = np.arange(1 << (2 * k), dtype=np.int64)
        table = self._sums(((((combos >> i) & 1).astype(bool), ((combos >> (k + i)) & 1).astype(bool))
                            for i in range(k)), len(combos))
        return table[code]

    CODED_WORDS = 8  # up to this many words, groups by a table of their 2**(2k) combinations

    def _sums(self, pairs, n: int) -> np.ndarray:
        """Groups from (has word i, has word i itself) for each word i, as
        boolean arrays of length ``n``."""
        k = len(self.masks)
        has = np.zeros(n, dtype=np.int64)
        own = np.zeros(n, dtype=np.int64)
        rarity = np.zeros(n, dtype=np.float64)
        for (mc, sc), w in zip(pairs, self.idf):
            has += mc
            own += sc
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


class _Slots(dict):
    """A str.translate table: each letter of the alphabet to its slot, any
    other character to the last one."""

    def __init__(self, table: dict[int, str], other: str):
        super().__init__(table)
        self.other = other

    def __missing__(self, key: int) -> str:
        return self.other


class _Lexicon:
    """The words of one field, for "did you mean": read one first letter
    at a time, on first use (a suggestion keeps the first letter, as
    fuzzy~ does), each letter's words with their lengths and letter counts
    in arrays, so that the words within k edits of a typed word are found
    by a vectorised bound (length, and the letters one has that the other
    lacks: an edit changes each count by at most one) and an exact
    distance over the few that pass, not by an edit distance per word of
    the lexicon (Whoosh's terms_within)."""

    ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö-"

    def __init__(self, px, field: str):
        self.px = px
        self.field = field
        self.slot = {c: i for i, c in enumerate(self.ALPHABET)}
        self.table = _Slots({ord(c): chr(i) for i, c in enumerate(self.ALPHABET)}, chr(len(self.ALPHABET)))
        self.buckets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}

    def _counts(self, word: str) -> np.ndarray:
        out = np.zeros(len(self.ALPHABET) + 1, dtype=np.int16)
        for c in word:
            out[self.slot.get(c, len(self.ALPHABET))] += 1
        return out

    def _bucket(self, first: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        b = self.buckets.get(first)
        if b is None:
            words = []
            for t in self.px.expand_prefix(self.field, first):
                words.append(t.decode("utf-8") if isinstance(t, bytes) else t)
            lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
            width = len(self.ALPHABET) + 1
            # Every letter as its slot, all words at once: one translate, one bincount.
            slots = np.frombuffer("".join(words).translate(self.table).encode("latin-1"), dtype=np.uint8)
            rows = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
            counts = np.bincount(rows * width + slots, minlength=len(words) * width)
            b = self.buckets[first] = (words, lengths.astype(np.int16),
                                       counts.reshape(len(words), width).astype(np.int16))
        return b

    def near(self, word: str, k: int) -> list[str]:
        """The words of the field that may be within ``k`` edits of ``word``
        and start with its letter (a superset: check with ``_edits``)."""
        if not word:
            return []
        words, lengths, counts = self._bucket(word[0])
        if not words:
            return []
        ok = np.abs(lengths - len(word)) <= k
        diff = counts[ok] - self._counts(word)
        bound = np.maximum(np.clip(diff, 0, None).sum(axis=1), np.clip(-diff, 0, None).sum(axis=1))
        idx = np.flatnonzero(ok)[bound <= k]
        return [words[i] for i in idx.tolist()]


def _edits(a: str, b: str, cap: int) -> int:
    """Levenshtein distance of two short words (at most cap + 1)."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return min(prev[-1], cap + 1)


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


def _facet(name: str, cache, counts, selected: list[str], limit: int | None) -> Facet:
    """The facet as listed: ``counts`` per ordinal (``FacetArrays.counts``),
    years newest first (the records without a date last), other values by
    count; at most ``limit``, with the selected values always in it."""
    known = cache.known[name]
    if name == "year":
        nz = np.flatnonzero(counts[1:]).tolist()
        items = sorted(((known[i], int(counts[i + 1])) for i in nz),
                       key=lambda kv: (kv[0] != NO_DATE, kv[0]), reverse=True)
        truncated = limit is not None and len(items) > limit
        if truncated:
            items = items[:limit]
    else:
        items, truncated = cache.top(name, counts, limit)
    values = [FacetValue(v, c, v in selected) for v, c in items]
    listed = {v.value for v in values}
    for s in selected:
        if s not in listed:
            o = cache.ordinal(name, s)
            values.append(FacetValue(s, int(counts[o]) if o else 0, True))
    return Facet(name, values, truncated, size=int(np.count_nonzero(counts[1:])))


# --- snippets --------------------------------------------------------------------


def make_snippet(text: str, terms: set[str], maxchars: int = 240,
                 prefer: set[str] | None = None, lang: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    from .highlight import snippet

    return snippet(text, terms, maxchars, prefer, lang=lang)
