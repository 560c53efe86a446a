"""The query planner: every form of the README's query language, and the
malformed ones with the note each produces.  No index: the plan is what a
query means before anything is searched."""

from __future__ import annotations

import pytest

from arkisto.search import plan as p
from arkisto.search.plan import build_plan, describe, typed_form


def kinds(plan) -> list[str]:
    return [type(n).__name__ for n in plan.words()]


def fields(q) -> set[str]:
    return {t.field for t in p.leaves(q)}


# --- words ---------------------------------------------------------------------------


def test_plain_words_must_all_match_and_keep_what_was_typed():
    plan = build_plan("hankkeet rakennuslupa")
    assert plan.notes == [] and plan.form == "words" and plan.filters == {}
    assert isinstance(plan.root, p.And) and kinds(plan) == ["Word", "Word"]
    hankkeet, lupa = plan.clauses
    assert hankkeet.typed == "hankkeet" and "hanke" in hankkeet.lemmas
    assert lupa.typed == "rakennuslupa"
    q = plan.query
    assert isinstance(q, p.All) and len(q.children) == 2 and not q.exclude
    # Every word searches the Finnish fields (whole words, compound parts)
    # and the Swedish ones, at their weights.
    assert fields(hankkeet.own) == {"text", "title", "parts", "text_sv", "title_sv"}
    boosts = {t.field: t.boost for t in p.leaves(hankkeet.own)}
    assert boosts == {"text": 1.0, "title": 2.0, "parts": 0.3, "text_sv": 1.0, "title_sv": 2.0}


def test_a_compound_word_adds_its_head_word_at_a_low_weight():
    (w,) = build_plan("asuntotontti").clauses
    assert w.head == "tontti"
    (head,) = w.added
    assert {(t.field, t.text, t.boost) for t in p.leaves(head)} == {("text", "tontti", 0.3)}
    assert typed_form(w) == "(asuntotontti OR tontti^0.3)"


def test_a_word_without_umlauts_adds_the_forms_the_index_has():
    index = {("text", "päätös")}
    (w,) = build_plan("paatos", df=lambda f, t: int((f, t) in index)).clauses
    assert w.variants == ["päätös"]
    assert {(t.field, t.text, t.boost) for t in p.leaves(w.added[-1])} >= {("text", "päätös", 0.5)}
    # Without the form in the index, nothing is added.
    (w,) = build_plan("paatos", df=lambda f, t: 0).clauses
    assert w.variants == [] and not w.added


def test_an_abbreviation_searches_its_written_out_form_also_with_a_case_ending():
    for query in ("HSL", "HSL:n"):
        plan = build_plan(query)
        (w,) = plan.clauses
        assert plan.notes == [] and w.typed == "HSL" and w.expansion == "Helsingin seudun liikenne"
        assert any(isinstance(n, p.FieldPhrase) for n in _nodes(w.own))
        assert '"Helsingin seudun liikenne"' in typed_form(plan.root)
    # A capitals-only abbreviation in lower case is a word.
    assert build_plan("ym").clauses == [] or build_plan("ym").clauses[0].expansion is None


def test_a_swedish_stop_word_asks_nothing_of_swedish_records():
    plan = build_plan("detaljplan för Kampen")
    words = {w.typed: w for w in plan.clauses}
    assert words["för"].any_swedish and not words["Kampen"].any_swedish
    assert any(isinstance(n, p.Unscored) for n in _nodes(words["för"].own))
    # Alone, or with OR, it asks what it says.
    assert not build_plan("för").clauses[0].any_swedish
    assert not any(w.any_swedish for w in build_plan("och OR kaava").words())


def test_boost():
    (w,) = build_plan("hanke^2").clauses
    assert w.typed == "hanke" and w.boost == 2.0
    assert build_plan("hanke^2").form == "exact"


# --- phrases -------------------------------------------------------------------------


def test_a_phrase_keeps_every_reading_of_its_words():
    plan = build_plan('"kaupungin strategia"')
    assert plan.notes == [] and plan.form == "phrase" and kinds(plan) == ["Phrase"]
    (ph,) = plan.clauses
    assert ph.typed == "kaupungin strategia" and len(ph.readings) == 2 and ph.slop == 1
    assert "strategia" in ph.readings[1]
    phrases = [n for n in _nodes(plan.query) if isinstance(n, p.FieldPhrase)]
    assert {n.field for n in phrases} == {"text", "title", "text_sv", "title_sv"}  # parts has no positions
    # Its words apart follow when few documents have the phrase.
    assert [w.typed for w in plan.loose.children] == ["kaupungin", "strategia"]


def test_a_sloppy_phrase_and_a_quoted_single_word():
    plan = build_plan('"kaupunginhallitus päättää"~3')
    (ph,) = plan.clauses
    assert ph.slop == 3 and plan.form == "exact"
    (ph,) = build_plan('"strategia"').clauses
    assert len(ph.readings) == 1 and isinstance(ph.query, p.Terms)  # the word itself, nothing added


def test_a_phrase_that_writes_out_an_abbreviation_also_searches_it():
    (ph,) = build_plan('"Helsingin seudun liikenne"').clauses
    assert ph.abbreviation == "hsl"
    assert ("parts", "hsl") in {(t.field, t.text) for t in p.leaves(ph.query)}


# --- operators -----------------------------------------------------------------------


def test_or_and_not():
    plan = build_plan("päätös OR avustus")
    assert isinstance(plan.root, p.Or) and plan.form == "exact" and plan.notes == []
    for query in ("asemakaava NOT muutos", "asemakaava -muutos"):
        plan = build_plan(query)
        assert kinds(plan) == ["Word"]  # the excluded word is not looked for (nor highlighted)
        q = plan.query
        assert isinstance(q, p.All) and len(q.exclude) == 1
        assert "muutos" not in plan.highlight_terms()
    q = build_plan("NOT päätös").query
    assert isinstance(q, p.Exclude)
    # Words side by side bind looser than OR (as Whoosh reads them).
    plan = build_plan("a OR b c")
    assert isinstance(plan.root, p.And) and isinstance(plan.root.children[0], p.Or)


def test_groups():
    plan = build_plan("(kaava OR asemakaava) muutos")
    assert plan.notes == [] and isinstance(plan.root, p.And)
    assert isinstance(plan.root.children[0], p.Or)


def test_prefix_fuzzy_and_range():
    (pre,) = build_plan("Rakennus*").clauses
    assert isinstance(pre, p.Prefix) and pre.text == "rakennus"
    assert {n.kind for n in _nodes(pre.query) if isinstance(n, p.Pattern)} == {"prefix"}
    (fz,) = build_plan("päätös~").clauses
    assert isinstance(fz, p.Fuzzy) and fz.maxdist == 1
    assert build_plan("päätös~2").clauses[0].maxdist == 2
    plan = build_plan("rakennuslupa [a TO c]")
    assert kinds(plan) == ["Word", "Range"] and plan.form == "exact"
    assert build_plan("kaava*").form == "exact"


# --- identifiers ---------------------------------------------------------------------


@pytest.mark.parametrize("query,kind,term", [
    ("§ 45", "section", "§45"),
    ("§45", "section", "§45"),
    ("HEL 2021-012054", "case", "hel 2021-012054"),
    ('"HEL 2021-012054"', "case", "hel 2021-012054"),
    ("OUKA/899/02.06.01.04/2017", "case", "ouka/899/02.06.01.04/2017"),
    ("LAPDno-2025-483", "code", "lapdno-2025-483"),
    ("12.03.2024", "date", "12.3.2024"),
])
def test_identifiers_match_whole_in_the_identifier_field(query, kind, term):
    plan = build_plan(query)
    (ident,) = plan.clauses
    assert isinstance(ident, p.Ident) and ident.kind == kind and ident.term == term and plan.notes == []
    assert p.Term("ident", term) in p.leaves(ident.query)
    # A section is only an identifier; the others are also text as written.
    assert (fields(ident.query) == {"ident"}) == (kind == "section")


# --- filters -------------------------------------------------------------------------


@pytest.mark.parametrize("query,facet,value", [
    ("toimielin:kasvatus", "committee", "kasvatus"), ("committee:Kaupunginhallitus", "committee", "Kaupunginhallitus"),
    ("esittelijä:Virtanen", "presenter", "Virtanen"), ("presenter:Virtanen", "presenter", "Virtanen"),
    ("vuosi:2024", "year", "2024"), ("year:2020-2024", "year", "2020-2024"),
    ("hanke:VALSSI", "funded_project", "VALSSI"), ("project:VALSSI", "funded_project", "VALSSI"),
    ("rahoittaja:OKM", "funder", "OKM"), ("funder:OKM", "funder", "OKM"),
    ("tulos:hyväksytty", "outcome", "approved"), ("outcome:approved", "outcome", "approved"),
    ("kunta:Jakobstad", "municipality", "Jakobstad"), ("municipality:Lapua", "municipality", "Lapua"),
    ("laji:decision", "kind", "decision"), ("kind:decision", "kind", "decision"),
    ("vuosi:puuttuu", "year", "puuttuu"), ("year:none", "year", "none"),
    ('vuosi:"päiväys puuttuu"', "year", "päiväys puuttuu"),
])
def test_field_filters(query, facet, value):
    plan = build_plan(query + " hanke")
    assert plan.filters == {facet: [value]} and plan.notes == []
    assert [w.typed for w in plan.clauses] == ["hanke"]


def test_filters_alone_and_repeated():
    plan = build_plan("vuosi:2024 vuosi:puuttuu")
    assert plan.filters == {"year": ["2024", "puuttuu"]} and plan.root is None
    assert isinstance(plan.query, p.Everything)


# --- malformed queries and their notes -------------------------------------------------


@pytest.mark.parametrize("query,note,searches", [
    ('"unclosed phrase', "unclosed quote: searched the words after it as a phrase", "Phrase"),
    ("(((", "unclosed parenthesis: read as if closed at the end", None),
    ("(kaava OR muutos", "unclosed parenthesis: read as if closed at the end", "Word"),
    ("kaava)", "unmatched ')' ignored", "Word"),
    ("vuosi: kaava", "vuosi: has no value: ignored", "Word"),
    ("toimielin:", "toimielin: has no value: ignored", None),
    ("foo:kaavoitus", "unknown field 'foo' searched as text", "Word"),
    ("kaava OR", "OR needs a word on each side: ignored", "Word"),
    ("OR kaava", "OR needs a word on each side: ignored", "Word"),
    ("kaava AND", "AND needs a word on each side: ignored", "Word"),
    ("kaava NOT", "NOT needs a word after it: ignored", "Word"),
    ("ja", "the query has no searchable words (only stop words or symbols)", None),
    ("ja on", "the query has no searchable words (only stop words or symbols)", None),
    ("&& ??", "the query has no searchable words (only stop words or symbols)", None),
    ('""', "the query has no searchable words (only stop words or symbols)", None),
    ("NOT", "NOT needs a word after it: ignored", None),
    ("kaava " * 300, "the query is long: searched its first", "Word"),
    ("a" * 100, "words over 64 characters were shortened", "Word"),
])
def test_a_malformed_query_is_read_as_well_as_it_can_be_with_a_note(query, note, searches):
    plan = build_plan(query)
    assert any(n.startswith(note) for n in plan.notes), plan.notes
    if searches is None:
        assert not plan.words()
    else:
        assert searches in kinds(plan)
    describe(plan.query)  # and it always has an index query


def test_nothing_searchable_searches_nothing_but_an_empty_query_everything():
    assert isinstance(build_plan("ja").query, p.Nothing)
    plan = build_plan("")
    assert plan.notes == [] and isinstance(plan.query, p.Everything)
    plan = build_plan("   ")
    assert plan.notes == [] and isinstance(plan.query, p.Everything)


def test_a_colon_case_ending_is_not_a_field():
    plan = build_plan("KHO:n päätös")
    assert plan.notes == [] and plan.filters == {}
    assert plan.clauses[0].typed == "KHO"


def test_highlight_terms_are_the_words_looked_for():
    plan = build_plan("hankkeet -rakennus")
    terms = plan.highlight_terms()
    assert "hanke" in terms and "rakennus" not in terms


def _nodes(q):
    out = [q]
    for c in getattr(q, "children", ()):
        out += _nodes(c)
    for c in getattr(q, "exclude", ()):
        out += _nodes(c)
    if hasattr(q, "child"):
        out += _nodes(q.child)
    return out
