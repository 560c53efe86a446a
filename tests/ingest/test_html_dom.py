"""The one HTML reader (ingest/html_dom.py): decoding, broken markup, the
Document it gives (headings, rows, dt/dd, <br> lines, bold leads), and the
page furniture kept out of the lines.

The pages are hand-written, in layouts unlike the corpus's: a wellbeing
county's WordPress site, an old table-layout site, a Swedish site, a page
that marks its content with an empty anchor.  The decision texts are taken
from real minutes in ../shared/corpus."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arkisto.ingest.common import IngestError, IngestResult
from arkisto.ingest.html_dom import MAX_DEPTH, decode, html_to_text, parse, read_html


def read(markup: str | bytes, result: IngestResult | None = None):
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    return read_html("page.html", data, result)


def lines(doc) -> list[str]:
    return [line.text for line in doc.lines]


# --- furniture on pages in layouts unlike the corpus ---------------------------------------

WORDPRESS = """<!doctype html><html lang="fi-FI"><head><meta charset="utf-8">
<title>Aluehallitus 12.3.2024 § 45 – Pohjanmaan hyvinvointialue</title></head>
<body class="page-template nav-closed">
<a class="screen-reader-text" href="#primary">Siirry sisältöön</a>
<div id="cookie-notice" role="dialog"><p>Käytämme sivustolla evästeitä parantaaksemme käyttökokemusta.</p>
<button>Hyväksy kaikki</button><button>Vain välttämättömät</button></div>
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Pohjanmaan hyvinvointialue</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="/palvelut/">Palvelut</a></li><li><a href="/paatoksenteko/">Päätöksenteko</a></li>
<li><a href="/tyopaikat/">Työpaikat</a></li><li><a href="/yhteystiedot/">Yhteystiedot</a></li></ul></nav></header>
<div id="content" class="site-content">
<nav aria-label="Murupolku" class="rank-math-breadcrumb"><p><a href="/">Etusivu</a><span class="separator"> » </span>
<a href="/paatoksenteko/">Päätöksenteko</a><span class="separator"> » </span><span class="last">Aluehallitus 12.3.2024 § 45</span></p></nav>
<main id="primary" class="site-main"><article id="post-4512" class="post-4512 page type-page">
<header class="entry-header"><h1 class="entry-title">§ 45 Hoitotarvikejakelun hankinta</h1></header>
<div class="entry-content">
<p><strong>Esittelijä</strong><br>Hyvinvointialuejohtaja Marina Kinnunen</p>
<h3>Päätösehdotus</h3>
<p>Aluehallitus päättää valita hoitotarvikejakelun toimittajaksi Oy Tarvike Ab:n.</p>
<h3>Päätös</h3>
<p>Hyväksyttiin.</p>
<dl><dt>Lisätiedot</dt><dd>hankintapäällikkö Sari Koski, puh. 040 123 4567</dd></dl>
<h3>Liitteet</h3>
<ul><li><a href="/wp-content/uploads/2024/03/liite1.pdf">Liite 1 Tarjousvertailu</a></li>
<li><a href="/wp-content/uploads/2024/03/liite2.pdf">Liite 2 Hankintapäätös</a></li></ul>
</div></article></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Viranhaltijat</h2>
<ul><li><a href="/hyvinvointialuejohtaja/">Hyvinvointialuejohtaja Marina Kinnunen</a></li>
<li><a href="/talousjohtaja/">Talousjohtaja Pekka Salo</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>Pohjanmaan hyvinvointialue, Hietalahdenkatu 2-4, 65130 Vaasa</p>
<p>Kirjaamo puh. 06 218 1111, kirjaamo@pohjanmaanhyvinvointi.fi</p></footer>
</body></html>"""


def test_wordpress_page_keeps_the_article_and_sets_the_rest_apart():
    doc, _ = read(WORDPRESS)
    assert lines(doc) == [
        "§ 45 Hoitotarvikejakelun hankinta",
        "Esittelijä", "Hyvinvointialuejohtaja Marina Kinnunen",
        "Päätösehdotus",
        "Aluehallitus päättää valita hoitotarvikejakelun toimittajaksi Oy Tarvike Ab:n.",
        "Päätös", "Hyväksyttiin.",
        "Lisätiedot", "hankintapäällikkö Sari Koski, puh. 040 123 4567",
        "Liitteet", "Liite 1 Tarjousvertailu", "Liite 2 Hankintapäätös",
    ]
    assert doc.furniture[0] == "Etusivu > Päätöksenteko > Aluehallitus 12.3.2024 § 45"
    furniture = "\n".join(doc.furniture)
    for text in ("Siirry sisältöön", "evästeitä", "Päätöksenteko", "Talousjohtaja Pekka Salo",
                 "Kirjaamo puh. 06 218 1111", "Hietalahdenkatu"):
        assert text in furniture
    assert doc.title == "Aluehallitus 12.3.2024 § 45 – Pohjanmaan hyvinvointialue"
    assert doc.lang == "fi"


def test_wordpress_page_lines_carry_what_the_markup_says():
    doc, dom = read(WORDPRESS)
    by_text = {line.text: line for line in doc.lines}
    assert (by_text["§ 45 Hoitotarvikejakelun hankinta"].kind, by_text["§ 45 Hoitotarvikejakelun hankinta"].level) == ("h", 1)
    assert (by_text["Päätös"].kind, by_text["Päätös"].level) == ("h", 3)
    # <br> splits a block into lines of the same block; the label is its bold lead.
    lead, name = by_text["Esittelijä"], by_text["Hyvinvointialuejohtaja Marina Kinnunen"]
    assert lead.block == name.block and lead.bold == "Esittelijä" and name.bold == ""
    assert (by_text["Lisätiedot"].kind, by_text["hankintapäällikkö Sari Koski, puh. 040 123 4567"].kind) == ("dt", "dd")
    assert by_text["Liite 1 Tarjousvertailu"].kind == "li"
    # The DOM answers CSS selectors for the system-specific parsers.
    assert [a.attributes["href"] for a in dom.css(".entry-content a")][0].endswith("liite1.pdf")


TABLE_LAYOUT = """<html><head><title>Ylöjärven kaupunki - pöytäkirjat</title></head><body>
<table width="100%"><tr><td colspan="2"><img src="logo.gif" alt=""> Ylöjärven kaupunki</td></tr>
<tr><td width="180" valign="top">
<p><a href="kh.htm">Kaupunginhallitus</a><br><a href="kv.htm">Kaupunginvaltuusto</a><br>
<a href="sivla.htm">Sivistyslautakunta</a><br><a href="tela.htm">Tekninen lautakunta</a></p>
</td><td valign="top">
<div>Kokoukset &gt; <a href="kh.htm">Kaupunginhallitus 12.3.2024</a> &gt; § 45</div>
<h2>Kaupunginhallitus § 45</h2>
<table border="1"><tr><th>Kokous</th><th>Pykälä</th><th>Dno</th></tr>
<tr><td>12.3.2024</td><td>45</td><td>YLÖ/211/02.07.00/2024</td></tr></table>
<p><b>Päätösehdotus:</b> Kaupunginhallitus hyväksyy talousarvion toteutumisraportin.</p>
<p><b>Päätös:</b> Hyväksyttiin.</p>
<p><a href="#top">Sivun alkuun</a></p>
</td></tr></table></body></html>"""


def test_table_layout_site_menu_and_breadcrumb_are_furniture():
    doc, _ = read(TABLE_LAYOUT)
    assert lines(doc) == [
        "Ylöjärven kaupunki",
        "Kaupunginhallitus § 45",
        "Kokous  Pykälä  Dno",
        "12.3.2024  45  YLÖ/211/02.07.00/2024",
        "Päätösehdotus: Kaupunginhallitus hyväksyy talousarvion toteutumisraportin.",
        "Päätös: Hyväksyttiin.",
    ]
    assert doc.furniture[0] == "Kokoukset > Kaupunginhallitus 12.3.2024 > § 45"
    assert any("Sivistyslautakunta" in f for f in doc.furniture)
    assert any("Sivun alkuun" in f for f in doc.furniture)


def test_table_rows_have_their_cells_and_bold_leads():
    doc, _ = read(TABLE_LAYOUT)
    rows = {line.text: line for line in doc.lines if line.kind == "row"}
    head, row = rows["Kokous  Pykälä  Dno"], rows["12.3.2024  45  YLÖ/211/02.07.00/2024"]
    assert head.cells == ["Kokous", "Pykälä", "Dno"] and head.bold == "Kokous  Pykälä  Dno"
    assert row.cells == ["12.3.2024", "45", "YLÖ/211/02.07.00/2024"] and row.bold == ""
    [proposal] = [line for line in doc.lines if line.text.startswith("Päätösehdotus")]
    assert proposal.bold == "Päätösehdotus:"


SWEDISH = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Protokoll</title></head><body>
<div class="topbar"><a href="/">Jakobstad</a> <a href="/fi">Suomeksi</a></div>
<div id="brodsmulor"><a href="/">Start</a> › <a href="/protokoll">Protokoll</a> › Stadsstyrelsen § 45</div>
<div class="sidenav"><ul><li><a href="/sst">Stadsstyrelsen</a></li><li><a href="/sfm">Stadsfullmäktige</a></li>
<li><a href="/bin">Bildningsnämnden</a></li></ul></div>
<div class="innehall"><h1>Stadsstyrelsen § 45</h1><p>Dnr 2024/211</p>
<p><strong>Beslut:</strong> Förslaget godkändes.</p></div>
<div class="footer">Jakobstads stad, Stadshuset, Rådhusgatan 4, tfn 06 786 3111</div>
</body></html>"""


def test_swedish_site_breadcrumb_and_side_menu():
    doc, _ = read(SWEDISH)
    assert lines(doc) == ["Stadsstyrelsen § 45", "Dnr 2024/211", "Beslut: Förslaget godkändes."]
    assert doc.furniture[0] == "Start > Protokoll > Stadsstyrelsen § 45"
    assert doc.lang == "sv"
    assert any("Bildningsnämnden" in f for f in doc.furniture)
    assert any("Rådhusgatan 4" in f for f in doc.furniture)


MARKER = """<html><body>
<p><a href="#sisalto">Hyppää sisältöön</a></p>
<div class="ylapalkki"><span>Kokoukset</span> | <span>Haku</span></div>
<h2>Kaupungin organisaatio</h2>
<p>Kaupunki tarjoaa palveluja noin 30 000 asukkaalle.</p>
<a id="sisalto"></a>
<h1>Tekninen lautakunta 4.6.2024 § 12</h1>
<p>Lautakunta päätti hyväksyä katusuunnitelman.</p>
<div class="oikea"><h3>Viranhaltijat</h3><ul><li><a href="/a">Tekninen johtaja Anna Aho</a></li>
<li><a href="/b">Kaupungininsinööri Olli Ojala</a></li><li><a href="/c">Rakennustarkastaja Eeva Ek</a></li></ul></div>
</body></html>"""


def test_an_empty_content_marker_starts_the_content():
    doc, _ = read(MARKER)
    assert lines(doc) == ["Tekninen lautakunta 4.6.2024 § 12", "Lautakunta päätti hyväksyä katusuunnitelman."]
    furniture = "\n".join(doc.furniture)
    assert "Kaupunki tarjoaa palveluja" in furniture  # before the marker: not the content
    assert "Hyppää sisältöön" in furniture and "Rakennustarkastaja Eeva Ek" in furniture


def test_without_a_content_marker_the_page_is_read_whole_minus_furniture():
    page = """<html><body><ul class="valikko"><li><a href="/">Etusivu</a></li><li><a href="/k">Kokoukset</a></li></ul>
    <h2>Sivistyslautakunta 18.12.2024 § 96</h2><p>Lautakunta merkitsi tiedoksi talousarvion toteutuman.</p>
    <p><a href="/a">Edellinen</a> | <a href="/b">Seuraava</a></p></body></html>"""
    doc, _ = read(page)
    assert lines(doc) == ["Sivistyslautakunta 18.12.2024 § 96", "Lautakunta merkitsi tiedoksi talousarvion toteutuman."]
    assert doc.furniture == ["Etusivu\nKokoukset", "Edellinen | Seuraava"]


def test_attachments_contacts_and_agenda_lists_are_content_not_link_lists():
    page = """<html><body><h3>Liitteet</h3><ul><li><a href="/d/1.pdf">Liite 1 Kaava</a></li>
    <li><a href="/d/2.pdf">Liite 2 Selostus</a></li></ul>
    <h3>Käsitellyt asiat</h3><ul><li><a href="/p/12">§ 12 Talousarvio</a></li><li><a href="/p/13">§ 13 Kaava</a></li></ul>
    </body></html>"""
    page += ('<div><a href="mailto:anna.aho@kunta.fi">Anna Aho</a>, <a href="tel:+358401234567">040 123 4567</a>'
             '<br><a href="mailto:olli.ojala@kunta.fi">Olli Ojala</a></div>')
    doc, _ = read(page)
    assert lines(doc) == ["Liitteet", "Liite 1 Kaava", "Liite 2 Selostus", "Käsitellyt asiat", "§ 12 Talousarvio",
                          "§ 13 Kaava", "Anna Aho, 040 123 4567", "Olli Ojala"]
    assert doc.furniture == []


def test_a_class_word_does_not_hide_a_page_full_of_text():
    """"nav-open" on a wrapper that holds the whole page: the guess is
    overruled by the text it would hide."""
    prose = " ".join(["Kaupunginhallitus päätti hyväksyä asemakaavan muutoksen ja sen selostuksen."] * 30)
    doc, _ = read(f'<html><body><div class="menu-open"><h1>Kh § 5</h1><p>{prose}</p></div></body></html>')
    assert lines(doc) == ["Kh § 5", prose]
    doc, _ = read('<html><body class="nav-open menu-visible"><h1>Kh § 5</h1><p>Hyväksyttiin.</p></body></html>')
    assert lines(doc) == ["Kh § 5", "Hyväksyttiin."]


# --- property: whatever furniture surrounds the content, the lines are the content ------------

FURNITURE = [
    '<nav><a href="/">Etusivu</a> <a href="/k">Kokoukset</a></nav>',
    '<div class="breadcrumbs"><a href="/">Etusivu</a> / <a href="/k">Kokoukset</a> / Kh § 45</div>',
    '<div>Kokoukset &gt; <a href="/kh">Kaupunginhallitus 12.3.2024</a> &gt; § 45</div>',
    '<aside><h2>Viranhaltijat</h2><p><a href="/a">Kaupunginjohtaja Ville Vuori</a></p></aside>',
    '<ul><li><a href="/kh">Kaupunginhallitus</a></li><li><a href="/kv">Kaupunginvaltuusto</a></li></ul>',
    '<div id="cookie-banner">Sivusto käyttää evästeitä. <a href="/tietosuoja">Lue lisää</a></div>',
    '<footer><p>Kaupungintalo, Torikatu 1, puh. 09 123 4567</p></footer>',
    '<header><a href="/">Esimerkin kunta</a> <a href="/sv">På svenska</a></header>',
    '<a class="skip-link" href="#c">Siirry sisältöön</a>',
    '<div role="navigation"><a href="/a">Haku</a> <a href="/b">Palaute</a></div>',
    '<p><a href="#top">Sivun alkuun</a></p>',
    '<div class="SideMenu"><a href="/x">Tarkastuslautakunta</a><br><a href="/y">Ympäristölautakunta</a></div>',
]
CONTENT = [
    "<h2>Kaupunginhallitus § 45</h2>",
    "<p>Kaupunginhallitus päätti myöntää avustuksen kyläyhdistykselle.</p>",
    "<p><b>Päätös</b> Hyväksyttiin yksimielisesti.</p>",
    "<h3>Perustelut</h3>",
    "<p>Avustus on talousarvion mukainen, ja hakemus saapui määräaikaan mennessä.</p>",
]
CONTENT_LINES = ["Kaupunginhallitus § 45", "Kaupunginhallitus päätti myöntää avustuksen kyläyhdistykselle.",
                 "Päätös Hyväksyttiin yksimielisesti.", "Perustelut",
                 "Avustus on talousarvion mukainen, ja hakemus saapui määräaikaan mennessä."]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(picks=st.lists(st.sampled_from(range(len(FURNITURE))), min_size=1, max_size=6),
       seed=st.integers(0, 10_000), wrap=st.sampled_from(["", "main", "article", "div-content", "none"]))
def test_no_furniture_reaches_the_lines(picks, seed, wrap):
    rng = random.Random(seed)
    before = [FURNITURE[i] for i in picks if rng.random() < 0.5]
    after = [FURNITURE[i] for i in picks if FURNITURE[i] not in before]
    content = "".join(CONTENT)
    if wrap == "main":
        content = f"<main>{content}</main>"
    elif wrap == "article":
        content = f"<article>{content}</article>"
    elif wrap == "div-content":
        content = f'<div id="content">{content}</div>'
    doc, _ = read("<html><body>" + "".join(before) + content + "".join(after) + "</body></html>")
    assert lines(doc) == CONTENT_LINES
    assert doc.furniture and all(not any(c in f for c in CONTENT_LINES) for f in doc.furniture)


# --- decoding ---------------------------------------------------------------------------------


def test_windows_1252_page_is_decoded_as_it_declares():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
            "<body><p>Päätös – hyväksyttiin “yksimielisesti”.</p></body></html>").encode("cp1252")
    r = IngestResult(path="page.html", format="html")
    doc, _ = read(page, r)
    assert lines(doc) == ["Päätös – hyväksyttiin “yksimielisesti”."]
    assert any("Windows-1252" in p.message and p.severity == "repaired" for p in r.problems)


def test_undeclared_legacy_bytes_fall_back_to_windows_1252():
    text, notes = decode("<p>Ympäristölautakunta € 5</p>".encode("cp1252"))
    assert text == "<p>Ympäristölautakunta € 5</p>" and any("Windows-1252" in n for n in notes)


def test_a_page_that_is_utf8_is_read_as_utf8_whatever_it_declares():
    text, notes = decode('<meta charset="iso-8859-1"><p>Päätös</p>'.encode("utf-8"))
    assert "Päätös" in text and any("is UTF-8" in n for n in notes)


def test_a_declared_charset_python_knows_is_used():
    text, _ = decode('<meta charset="iso-8859-15"><p>Hinta 5 €</p>'.encode("iso-8859-15"))
    assert "Hinta 5 €" in text


def test_nul_bytes_at_the_start_are_binary():
    with pytest.raises(IngestError, match="binary"):
        read(b"<html>\x00\x00<body>x</body></html>")


# --- broken markup ----------------------------------------------------------------------------


@pytest.mark.parametrize("markup, want", [
    ("<div><p>Päätös<p>Hyväksyttiin.<ul><li>yksi<li>kaksi</ul><p>Loppu", ["Päätös", "Hyväksyttiin.", "yksi", "kaksi", "Loppu"]),
    ("<p>Kustannus < 5000 €, 3<4 ja a<=b <</p><p>Seuraava</p>", ["Kustannus < 5000 €, 3<4 ja a<=b <", "Seuraava"]),
    ("<p>Alku</p><p>Teksti jatkuu <a href=x <a <a <a ja loppuu", ["Alku", "Teksti jatkuu <a href=x <a <a <a ja loppuu"]),
    ("<p>ennen\x00jälkeen</p><p>Seuraava</p>", ["ennenjälkeen", "Seuraava"]),
    ("<html><body><p>Alku</p></body></html><p>Perässä</p>", ["Alku", "Perässä"]),
    ("<table><tr><td>a<td>b<tr><td>c</table>", ["a  b", "c"]),
])
def test_broken_markup_keeps_its_text(markup, want):
    doc, _ = read("x" * 9000 + markup if "\x00" in markup else markup)  # a NUL past the binary sniff
    got = lines(doc)
    if "\x00" in markup:
        got = got[1:]
    assert got == want


def test_xhtml_empty_tags_are_empty_elements():
    """CaseM's templates write <div class="spacer"/> and <td />: read as HTML5
    says, each would swallow the rest of its parent (CaseM's § items nested
    one inside the other)."""
    dom = parse('<div id="a"><div class="spacer"/><p>Eka</p></div><div id="b"><td /><p>Toka</p></div>'
                '<p>Rivi<br/>kaksi<img src="x"/></p>')
    assert dom.css("div.spacer p") == []
    assert [p.parent.attributes.get("id") for p in dom.css("p")][:2] == ["a", "b"]
    assert [b.text for b in dom.blocks()] == ["Eka", "Toka", "Rivi\nkaksi"]
    # "/>" inside a quoted value ends nothing.
    dom = parse('<p><a title="1/>2" href="/x">linkki</a> teksti</p>')
    assert dom.css_first("a").attributes == {"title": "1/>2", "href": "/x"}


def test_deep_nesting_keeps_the_text_and_says_so():
    r = IngestResult(path="page.html", format="html")
    doc, _ = read("<div>" * 100_000 + "Syvällä" + "</div>" * 100_000 + "<p>Perässä</p>", r)
    assert lines(doc) == ["Syvällä", "Perässä"]
    assert any(f"deeper than {MAX_DEPTH}" in p.message for p in r.problems)


def test_html_to_text_reads_fragments():
    assert html_to_text("<p>Yksi &amp; kaksi</p><ul><li>a</li><li>b</li></ul>") == "Yksi & kaksi\n\n• a\n• b"
    assert html_to_text("pelkkää tekstiä") == "pelkkää tekstiä"
    assert parse("<p>x</p>").blocks()[0].text == "x"
