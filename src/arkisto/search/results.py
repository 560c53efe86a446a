"""What a search returns: hits, facets and the result, as plain data.

No Whoosh and no numpy here: the CLI's JSON and the TUI read these types
(``arkisto.search.service`` builds them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..models import AnnualReport, Decision


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
    size: int | None = None  # how many values have a count (listed or not), where known


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
    shared: list[str] = field(default_factory=list)  # similar decisions: the significant words both have

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
    # Hits whose snippet a search left for later (``snippets=``): their place
    # in ``hits`` and the terms the snippet should show first.  Not in JSON.
    later: list[tuple[int, set[str] | None]] = field(default_factory=list, repr=False)

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
