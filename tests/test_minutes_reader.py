"""The conventions reader on layouts unlike the corpus: hand-written
documents in the ways other systems and municipalities publish minutes, and
property tests over label order, line breaks, headings and page furniture.

The texts of the items come from real decisions (the Jämsä/Lapua credit-loss
write-off, the Rauma plan statement, the Helsinki school-place decisions);
the layouts are written here from the conventions, not from any one file."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arkisto.ingest import parse_path
from arkisto.ingest.common import IngestResult
from arkisto.ingest.doc import from_pages, from_text
from arkisto.ingest import minutes
from arkisto.models import Outcome


def read(text: str, path: str = "poytakirja.txt"):
    r = IngestResult(path=path, format="minutes-text")
    return minutes.read(from_text(path, text), r).records


# --- hand-written layouts -------------------------------------------------------------


SWEDISH_PROTOCOL = """\
PARGAS STAD                     PROTOKOLL 7/2024                Sida 1 (4)
Stadsstyrelsen                  9.9.2024

Tid                 måndag 9 september 2024 kl. 17.00–19.15
Plats               Stadshuset, sammanträdesrummet
Närvarande          Anna Lindqvist, ordförande; Mikael Grönroos; Eva Sundström;
                    Jonas Holmberg
Övriga närvarande   Tomas Westerlund, stadsdirektör, föredragande; Pia Nyman,
                    protokollförare
Behandlade ärenden  § 112 Avskrivning av fordringar; § 113 Medborgarinitiativ om
                    mobilförbud; § 114 Utlåtande om detaljplan för Kalkholmen
\f
PARGAS STAD                     PROTOKOLL 7/2024                Sida 2 (4)
Stadsstyrelsen                  9.9.2024

§ 112
Avskrivning av fordringar
Dnr PAR/512/02.06.01/2024

Beredare: ekonomichef Lena Söderberg, lena.soderberg@pargas.fi

Enligt bokföringslagen ska räkenskapsperiodens inkomster tas upp som intäkter.
Fordringarna från år 2020 uppgår till sammanlagt 50 523,94 euro.

Förslag:
Stadsstyrelsen beslutar avskriva försäljningsfordringar om sammanlagt 50 523,94 euro.

Beslut:
Förslaget godkändes.
\f
PARGAS STAD                     PROTOKOLL 7/2024                Sida 3 (4)
Stadsstyrelsen                  9.9.2024

§ 113
Medborgarinitiativ om mobilförbud under lektionerna
Dnr PAR/248/12.00.01/2024

Förslag:
Stadsstyrelsen antecknar utredningen för kännedom och föreslår för fullmäktige att
initiativet är slutbehandlat.

Beslut:
Ärendet bordlades.
\f
PARGAS STAD                     PROTOKOLL 7/2024                Sida 4 (4)
Stadsstyrelsen                  9.9.2024

§ 114
Utlåtande om detaljplan för Kalkholmen
Dnr PAR/771/10.02.03/2024

Förslag:
Stadsstyrelsen ger ett utlåtande enligt bilagan.

Beslut:
Ärendet återremitterades för ny beredning.

Bilagor
Bilaga 1  Utlåtande
"""


def test_swedish_protocol_with_cover_and_running_header():
    recs = read(SWEDISH_PROTOCOL, "pargas_stst_2024-09-09.txt")
    assert [(r.section, r.title) for r in recs] == [
        ("112", "Avskrivning av fordringar"),
        ("113", "Medborgarinitiativ om mobilförbud under lektionerna"),
        ("114", "Utlåtande om detaljplan för Kalkholmen"),
    ]
    assert {r.committee for r in recs} == {"Stadsstyrelsen"}
    assert {r.meeting_date for r in recs} == {date(2024, 9, 9)}
    assert {r.municipality for r in recs} == {"Pargas"}
    assert {r.language for r in recs} == {"sv"}
    assert [r.outcome for r in recs] == [Outcome.approved, Outcome.tabled, Outcome.returned]
    assert [r.case_id for r in recs] == ["PAR/512/02.06.01/2024", "PAR/248/12.00.01/2024", "PAR/771/10.02.03/2024"]
    # The presenter is named once, on the cover.
    assert {r.presenter.name for r in recs} == {"Tomas Westerlund"}
    assert recs[0].preparers[0].name == "Lena Söderberg"
    # The running header is furniture, not text of an item.
    assert all("PROTOKOLL" not in (r.preparation or "") + (r.proposal or "") for r in recs)


MARGIN_LABELS = """\
Kunnanhallitus                          ESITYSLISTA/PÖYTÄKIRJA 2/2025
                                        4.2.2025

Khall § 17                              ti 4.2.2025 klo 18.00
ASEMAKAAVAN MUUTOS, KORTTELIT 7177–7188 / LAUSUNTO
512/10.02.03/2023

Päätös         Kunnanhallitus hyväksyi kunnanjohtajan päätösehdotuksen
               seuraavin muutoksin: lausuntoon lisätään maa-ainesten otto-
               alueen käyttöönottorajoitus.

Selostus       Maankäyttöosastolla on ollut nähtävillä asemakaavaluonnos, jo-
               ka koskee asuntoalueen kortteleita sekä niihin liittyviä virkis-
               tys- ja katualueita.

Kunnanjohtajan päätösehdotus
               Kunnanhallitus antaa asemakaavaluonnoksesta lausunnon.

Esittelijä     kunnanjohtaja Matti Mallikas

Valmistelija   rakennustarkastaja Jarkko Ahola, puh. 044 123 4567
"""


def test_margin_labels_decision_first_abbreviated_body():
    [r] = read("Kurikan kunta\n" + MARGIN_LABELS, "poytakirja.txt")
    assert r.section == "17"
    assert r.title == "ASEMAKAAVAN MUUTOS, KORTTELIT 7177–7188 / LAUSUNTO"  # capitals as written
    assert r.committee == "Kunnanhallitus" and "committee" in r.derived  # Khall, resolved
    assert r.meeting_date == date(2025, 2, 4)
    assert r.outcome is Outcome.amended
    assert r.presenter.name == "Matti Mallikas" and r.presenter.title == "kunnanjohtaja"
    assert r.preparers[0].phone == "044 123 4567"
    assert r.proposal == "Kunnanhallitus antaa asemakaavaluonnoksesta lausunnon."
    # Words broken at line ends are whole again (the lexicon says so), a
    # real hyphen stays, and "virkis-/tys- ja" keeps its hanging hyphen.
    assert "maa-ainesten ottoalueen" in r.decision
    assert "joka koskee" in r.preparation and "virkistys- ja katualueita" in r.preparation


OFFICIAL = """\
Kuopion kaupunki                 VIRANHALTIJAPÄÄTÖS          1 (1)

Päätöksentekijä       Liikuntapalvelupäällikkö Sanna Rautio
Päätöspäivämäärä      15.3.2023
Pykälä                § 27
Asianumero            2231/02.05.01.01/2023
Asia                  Liikunta-avustusten myöntäminen urheiluseuroille
                      vuodelle 2023

Päätös
Liikuntapalvelupäällikkö päätti myöntää liikunta-avustuksia urheiluseuroille
liitteen mukaisesti yhteensä 45 000 euroa.

Perustelut
Hallintosäännön mukaan liikuntapalvelupäällikkö päättää avustuksista.

Sanna Rautio
liikuntapalvelupäällikkö

OIKAISUVAATIMUSOHJE
Tähän päätökseen tyytymätön voi tehdä kirjallisen oikaisuvaatimuksen.
"""


def test_officials_decision_from_its_header_fields():
    [r] = read(OFFICIAL, "kuopio_paatos.txt")
    assert r.section == "27"
    assert r.title == "Liikunta-avustusten myöntäminen urheiluseuroille vuodelle 2023"
    assert r.committee == "Liikuntapalvelupäällikkö"
    assert r.meeting_date == date(2023, 3, 15)
    assert r.case_id == "2231/02.05.01.01/2023"
    assert r.municipality == "Kuopio"
    assert r.outcome is Outcome.approved
    # The signature and the appeal instructions are not the decision.
    assert "Sanna Rautio" not in r.decision and "oikaisuvaatimus" not in r.decision.lower()


def test_earlier_handling_line_is_not_an_item():
    text = ("Kaupunginvaltuusto 24.4.2017 § 45\nVD/1499/12.00.02/2016\n\nKaupunginhallitus 20.2.2017 § 53\n\n"
            "Juhlatoimikunta esittää juhlapäätöstä.\n\nKaupunginhallituksen ehdotus:\n"
            "Kaupunginvaltuusto tekee juhlapäätöksen.\n\nPäätös: Kaupunginhallituksen ehdotus hyväksyttiin.\n")
    [r] = read("VANTAAN KAUPUNKI PÖYTÄKIRJANOTE\nKaupunginvaltuusto 24.4.2017\n\nSUOMI 100 -JUHLAPÄÄTÖS\n\n" + text)
    assert (r.section, r.committee, r.title) == ("45", "Kaupunginvaltuusto", "SUOMI 100 -JUHLAPÄÄTÖS")
    assert r.case_id == "VD/1499/12.00.02/2016"


def test_references_in_prose_are_not_headings():
    text = ("Tekninen lautakunta § 10 25.1.2022\n\nViemäriverkostoon liittyminen\n\n"
            "Selostus Ympäristölautakunnan aikaisemmat päätökset 2.2.2016 § 74, 7.3.2017 § 95 ja\n"
            "12.6.2018 § 139 ovat liitteenä. Kuntalain 122 §:n mukaan asia kuuluu lautakunnalle.\n\n"
            "Päätös Hyväksyttiin.\n")
    [r] = read("Porin kaupunki\n" + text)
    assert r.section == "10" and r.title == "Viemäriverkostoon liittyminen"


# --- property tests: order, line breaks, furniture ------------------------------------------

BODIES = ["Kaupunginhallitus", "Tekninen lautakunta", "Sivistyslautakunta", "Kasvatus- ja opetuslautakunta",
          "Ympäristölautakunta"]
PLACES = [("Rauman", "Rauma"), ("Kurikan", "Kurikka"), ("Seinäjoen", "Seinäjoki"), ("Joensuun", "Joensuu")]
TITLES = ["Saatavien poistaminen kirjanpidosta 2025", "Ritaharjun asemakaava, korttelit 7177–7188",
          "Laskujen hyväksyjät 1.1.2025 alkaen", "Vaalitoimikuntien asettaminen vuoden 2022 aluevaaleihin",
          "Perusopetuksen valinnaisainetarjotin"]
PEOPLE = [("Liisa Laine", "tekninen johtaja"), ("Jussi Kivelä", "kaupunginjohtaja"),
          ("Petri Nurmi", "sivistysjohtaja")]
PROSE = ("Kirjanpitolain mukaan tilikauden tulot kirjataan tuotoiksi tuloslaskelmaan. Tuotoista "
         "vähennetään kuluina ne menot, joista ei todennäköisesti enää kerry niitä vastaavaa tuloa. "
         "Luottotappioiksi kirjattuja saamisia seurataan pääkirjanpidon ulkopuolella.")
OUTCOMES = {
    Outcome.approved: ("{body} päättää hyväksyä esityksen.", "Ehdotus hyväksyttiin."),
    Outcome.noted: ("{body} merkitsee selvityksen tiedoksi.", "Hyväksyttiin esitys."),
    Outcome.tabled: ("{body} päättää hyväksyä esityksen.", "Asia jätettiin pöydälle."),
    Outcome.returned: ("{body} päättää hyväksyä esityksen.", "Asia palautettiin uudelleen valmisteltavaksi."),
    Outcome.amended: ("{body} päättää hyväksyä esityksen.", "Ehdotus hyväksyttiin muutettuna siten, että "
                                                               "määräaikaa jatketaan."),
}


@st.composite
def items(draw):
    body = draw(st.sampled_from(BODIES))
    gen, muni = draw(st.sampled_from(PLACES))
    day = draw(st.dates(min_value=date(2012, 1, 1), max_value=date(2025, 12, 31)))
    section = draw(st.integers(1, 400))
    title = draw(st.sampled_from(TITLES))
    name, role = draw(st.sampled_from(PEOPLE))
    outcome = draw(st.sampled_from(sorted(OUTCOMES, key=lambda o: o.value)))
    proposal, decision = OUTCOMES[outcome]
    colon = draw(st.booleans())
    sep = ":\n" if colon else "\n"
    presenter_style = draw(st.integers(0, 2))
    presenter = [f"Esittelijä: {name}, {role}", f"Esittelijä{sep}{role} {name}", f"Esittelijä {role} {name}"][
        presenter_style]
    blocks = [
        f"Valmistelija{sep}{role} {name}, puh. 040 123 4567",
        f"Selostus{sep}{PROSE}",
        f"Päätösehdotus{sep}{proposal.format(body=body)}",
        presenter,
        f"Päätös{sep}{decision}",
    ]
    order = draw(st.permutations(blocks))
    heading_style = draw(st.integers(0, 3))
    d = f"{day.day}.{day.month}.{day.year}"
    heading = [f"{body} § {section} {d}", f"{body} {d} § {section}", f"§ {section}", f"{section} §"][heading_style]
    return dict(body=body, gen=gen, muni=muni, day=day, d=d, section=str(section), title=title, name=name,
                outcome=outcome, heading=heading, blocks=list(order))


def _wrap(block: str, width: int) -> list[str]:
    out: list[str] = []
    for para in block.split("\n"):
        out += textwrap.wrap(para, width=width, break_long_words=False, break_on_hyphens=False) or [""]
    return out


def _document(it: dict, width: int, per_page: int, footer: bool) -> list[str]:
    """The item as PDF pages: a running header with the page number on each
    page, a footer, the body wrapped at ``width``."""
    body_lines = [it["heading"], it["title"], ""]
    for b in it["blocks"]:
        body_lines += _wrap(b, width) + [""]
    chunks = [body_lines[i:i + per_page] for i in range(0, len(body_lines), per_page)]
    pages = []
    for k, chunk in enumerate(chunks):
        head = [f"{it['gen']} kaupunki    Pöytäkirja 3/{it['day'].year}    {k + 2} ({len(chunks) + 5})",
                f"{it['body']}    {it['d']}", ""]
        foot = ["", "Pöytäkirjan tarkastajat   Otteen oikeaksi todistaa"] if footer else []
        pages.append("\n".join(head + chunk + foot))
    return pages


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(it=items(), width=st.integers(38, 100), per_page=st.integers(8, 60), footer=st.booleans())
def test_any_label_order_line_width_and_furniture(it, width, per_page, footer):
    pages = _document(it, width, per_page, footer)
    r = IngestResult(path="x.pdf", format="minutes-pdf")
    recs = minutes.read(from_pages("x.pdf", pages), r).records
    assert len(recs) == 1, (r.problems, pages)
    rec = recs[0]
    assert rec.section == it["section"]
    assert rec.title == it["title"]
    assert rec.committee == it["body"]
    assert rec.meeting_date == it["day"]
    assert rec.municipality == it["muni"]
    assert rec.presenter is not None and rec.presenter.name == it["name"]
    assert rec.outcome is it["outcome"], (rec.decision, rec.proposal)
    # Furniture never reaches the text.
    text = " ".join(x or "" for x in (rec.proposal, rec.decision, rec.preparation))
    assert "Pöytäkirja 3/" not in text and "Otteen oikeaksi" not in text


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(its=st.lists(items(), min_size=2, max_size=4), width=st.integers(40, 100))
def test_several_items_in_one_file(its, width):
    sections = []
    lines = [f"{its[0]['gen']} kaupunki   Pöytäkirja 3/2024", f"{its[0]['body']}   {its[0]['d']}", ""]
    used = set()
    for k, it in enumerate(its):
        n = str(10 + k * 3)
        sections.append((n, it["title"]))
        used.add(n)
        lines += [f"§ {n}", it["title"], ""]
        for b in it["blocks"]:  # one meeting: every item's proposal names its body
            lines += _wrap(b.replace(it["body"], its[0]["body"]), width) + [""]
    recs = read("\n".join(lines))
    assert [(r.section, r.title) for r in recs] == sections
    assert {r.committee for r in recs} == {its[0]["body"]}


def test_a_text_file_through_parse_path(tmp_path: Path):
    f = tmp_path / "pargas_stadsstyrelsen.txt"
    f.write_text(SWEDISH_PROTOCOL, encoding="utf-8")
    r = parse_path(f)
    assert r.format == "minutes-text" and len(r.records) == 3


CONTENTS_THEN_COVER = """\
NYKARLEBY STAD                  PROTOKOLL 1/2022                1 (4)
INNEHÅLLSFÖRTECKNING
§ 4 UTLÅTANDE OM RÄNTESTÖDSLÅN FÖR ETT NYBYGGNADSPROJEKT 3
§ 7 REDOGÖRELSE FÖR INVÅNARVALEN TILL STADENS HYRES- OCH
BOSTADSRÄTTSBOSTÄDER
4
\f
NYKARLEBY STAD                  PROTOKOLL 1/2022                2 (4)
Organ               Stadsstyrelsen
Tid                 10 januari 2022 kl. 16.00–17.40
Närvarande          Roger Sjöblom, ordförande; Maria Storbacka; Jan Ståhl
Föredragande        Stadsdirektör Mats Nyström
Protokollförare     Stadssekreterare Lena Ingo
\f
NYKARLEBY STAD                  PROTOKOLL 1/2022                3 (4)
§ 4, SSTYR 10.1.2022
Dnr NYK/12/10.07.03/2022
UTLÅTANDE OM RÄNTESTÖDSLÅN FÖR ETT NYBYGGNADSPROJEKT
Stadsdirektörens förslag:
Stadsstyrelsen beslutar tillstyrka ansökan om räntestödslån.
Beslut: Förslaget godkändes.
\f
NYKARLEBY STAD                  PROTOKOLL 1/2022                4 (4)
§ 7, SSTYR 10.1.2022
Dnr NYK/401/00.03.00/2021
REDOGÖRELSE FÖR INVÅNARVALEN TILL STADENS HYRES- OCH
BOSTADSRÄTTSBOSTÄDER
Stadsdirektörens förslag:
Stadsstyrelsen antecknar redogörelsen för invånarvalen för kännedom.
Beslut: Förslaget godkändes.
"""


def test_contents_page_then_cover_then_items():
    """A contents page (its entries are not items, their page numbers not
    titles), a cover after it (the presenter named only there, the body by
    its label Organ), the body's abbreviation in the running § line."""
    recs = read(CONTENTS_THEN_COVER, "nykarleby.txt")
    assert [(r.section, r.title) for r in recs] == [
        ("4", "UTLÅTANDE OM RÄNTESTÖDSLÅN FÖR ETT NYBYGGNADSPROJEKT"),
        ("7", "REDOGÖRELSE FÖR INVÅNARVALEN TILL STADENS HYRES- OCH BOSTADSRÄTTSBOSTÄDER"),
    ]
    assert {r.committee for r in recs} == {"Stadsstyrelsen"}
    assert {r.presenter.name for r in recs} == {"Mats Nyström"}
    assert [r.outcome for r in recs] == [Outcome.approved, Outcome.noted]
    assert {r.municipality for r in recs} == {"Nykarleby"}


BILINGUAL = """\
PORVOON KAUPUNKI              PÖYTÄKIRJA / PROTOKOLL      1/2022    2 (3)
BORGÅ STAD
Kaupunginhallitus / Stadsstyrelsen                        10.01.2022

Kaupunginhallitus / Stadsstyrelsen § 5   10.01.2022

KAUPUNGIN VALMIUDEN KOHOTTAMINEN
HÖJNING AV STADENS BEREDSKAP

Dnro / Dnr                48/09.06.00/2022

Esittelijä / Föredragande kaupunginjohtaja / stadsdirektör Mikael Forss

Ehdotus / Förslag         Kaupunginhallitus päättää kohottaa kaupungin valmiutta.

                          Stadsstyrelsen beslutar höja stadens beredskap.

Päätös / Beslut           Ehdotus hyväksyttiin.

                          Förslaget godkändes.
"""


def test_bilingual_minutes_are_read_in_finnish():
    [r] = read(BILINGUAL, "porvoo.txt")
    assert (r.section, r.committee) == ("5", "Kaupunginhallitus")
    assert r.title == "KAUPUNGIN VALMIUDEN KOHOTTAMINEN"  # the Finnish line of the two
    assert r.presenter.name == "Mikael Forss"
    assert r.case_id == "48/09.06.00/2022"
    assert r.language == "fi"
    assert r.outcome is Outcome.approved
    assert r.proposal.startswith("Kaupunginhallitus päättää") and "Stadsstyrelsen beslutar" in r.proposal


NEWS_POST = """\
Yhtymähallitus
Aika ti 3.2.2026 klo 16.00
Paikka Seinäjoki, hallintotalo
Käsitellyt asiat
§ 7 Hoitajamitoituksen seuranta
Perustelut
Yhtymähallitukselle raportoidaan puolivuosittain ympärivuorokautisen hoidon hoitajamitoituksesta yksiköittäin.
Päätösehdotus:
Yhtymähallitus merkitsee raportin tiedoksi.
Päätös: Hyväksyttiin.
§ 8 Lausunto maakuntakaavasta
Perustelut
Liitto on pyytänyt lausuntoa maakuntakaavan luonnoksesta, joka koskee myös kuntayhtymän toimipaikkoja alueella.
Päätösehdotus:
Yhtymähallitus antaa lausunnon liitteen mukaisesti.
Päätös: Hyväksyttiin.
"""


def test_items_right_after_a_list_of_items_label_are_items():
    """"Käsitellyt asiat" and then the items themselves (a news post of the
    meeting's decisions): the first item is not an entry of a list."""
    recs = read(NEWS_POST, "paatokset-3-2-2026.html.txt")
    assert [(r.section, r.title) for r in recs] == [
        ("7", "Hoitajamitoituksen seuranta"), ("8", "Lausunto maakuntakaavasta")]
    assert [r.outcome for r in recs] == [Outcome.noted, Outcome.approved]


BILINGUAL_DASHES = """\
KIRKKONUMMEN KUNTA – KYRKSLÄTTS KOMMUN
Kunnanhallitus – Kommunstyrelsen
PÖYTÄKIRJA – PROTOKOLL 5/2023
Kokousaika – Sammanträdestid 13.3.2023 klo 17.00

Kunnanhallitus – Kommunstyrelsen 13.3.2023 § 61
KUNNANHALLITUS 61 §
KOMMUNSTYRELSEN 61 §

Kirkkonummen kunnan lausunto liikennejärjestelmäsuunnitelmasta
Kyrkslätts kommuns utlåtande om trafiksystemplanen

KIR/123/10.03.00/2023

Valmistelija – Beredare: liikenneinsinööri Pekka Virta
Esittelijä – Föredragande: kunnanjohtaja – kommundirektör Tarja Hartikainen

Ehdotus – Förslag
Kunnanhallitus antaa lausunnon liitteen mukaisesti.
Kommunstyrelsen ger ett utlåtande enligt bilagan.

Päätös – Beslut
Ehdotus hyväksyttiin.
Förslaget godkändes.

Kunnanhallitus – Kommunstyrelsen 13.3.2023 § 62

Talousarvion toteutuminen 1–2/2023
Budgetens utfall 1–2/2023

KIR/98/02.02.00/2023

Esittelijä – Föredragande: kunnanjohtaja – kommundirektör Tarja Hartikainen

Ehdotus – Förslag
Kunnanhallitus merkitsee talousarvion toteutuman tiedoksi.
Kommunstyrelsen antecknar budgetutfallet för kännedom.

Päätös – Beslut
Ehdotus hyväksyttiin.
Förslaget godkändes.
"""

SWEDISH_FIRST_SLASHES = """\
LOVISA STAD                              PROTOKOLL                 3/2024
LOVIISAN KAUPUNKI                        PÖYTÄKIRJA

Stadsstyrelsen/Kaupunginhallitus         § 34                      19.2.2024

Ärende/Asia
Anskaffning av elbussar
Sähköbussien hankinta

Dnr/Dnro LOV/210/02.08.00/2024

Beredare/Valmistelija: upphandlingschef Anna Berg
Föredragande/Esittelijä: stadsdirektör/kaupunginjohtaja Jan D. Oker-Blom

Förslag/Ehdotus:
Stadsstyrelsen beslutar anskaffa två elbussar.
Kaupunginhallitus päättää hankkia kaksi sähköbussia.

Beslut/Päätös:
Förslaget godkändes.
Ehdotus hyväksyttiin.

Stadsstyrelsen/Kaupunginhallitus         § 35                      19.2.2024

Ärende/Asia
Utlåtande om landskapsplanen
Lausunto maakuntakaavasta

Föredragande/Esittelijä: stadsdirektör/kaupunginjohtaja Jan D. Oker-Blom

Förslag/Ehdotus:
Stadsstyrelsen ger utlåtandet enligt bilagan.
Kaupunginhallitus antaa lausunnon liitteen mukaisesti.

Beslut/Päätös:
Ärendet bordlades.
Asia jätettiin pöydälle.
"""

WRAPPED_MARGIN_LABEL = """\
PARAISTEN KAUPUNKI            PÖYTÄKIRJA / PROTOKOLL      2/2024    1 (1)
Kaupunginvaltuusto / Stadsfullmäktige                     11.03.2024

Kv / Sfm § 12             11.3.2024

Tilintarkastajan valinta vuosille 2024–2028
Val av revisor för åren 2024–2028

Tarkastuslautakunnan      Tarkastuslautakunta esittää valtuustolle, että tilin-
ehdotus / Revisionsnämnd- tarkastusyhteisöksi valitaan BDO Oy vuosille
ens förslag               2024–2028.

                          Revisionsnämnden föreslår att fullmäktige väljer BDO Ab
                          till revisionssammanslutning för åren 2024–2028.

Päätös / Beslut           Ehdotus hyväksyttiin.

                          Förslaget godkändes.
"""


def test_bilingual_headings_and_labels_with_dashes_and_slashes():
    """Both languages joined by " – " or by "/" without spaces, the body and
    § in one language then the other, a title in each language: the first
    language is the record's, and no heading line is taken for a list."""
    a = read(BILINGUAL_DASHES, "kirkkonummi_kunnanhallitus_2023-03-13.txt")
    assert [(r.section, r.title, r.committee, r.language, r.outcome) for r in a] == [
        ("61", "Kirkkonummen kunnan lausunto liikennejärjestelmäsuunnitelmasta", "Kunnanhallitus", "fi",
         Outcome.approved),
        ("62", "Talousarvion toteutuminen 1–2/2023", "Kunnanhallitus", "fi", Outcome.noted)]
    assert {r.presenter.name for r in a} == {"Tarja Hartikainen"}
    b = read(SWEDISH_FIRST_SLASHES, "lovisa_stadsstyrelsen_2024-02-19.txt")
    assert [(r.section, r.title, r.committee, r.language, r.outcome) for r in b] == [
        ("34", "Anskaffning av elbussar", "Stadsstyrelsen", "sv", Outcome.approved),
        ("35", "Utlåtande om landskapsplanen", "Stadsstyrelsen", "sv", Outcome.tabled)]
    assert b[0].case_id == "LOV/210/02.08.00/2024" and b[0].presenter.name == "Jan D. Oker-Blom"


def test_a_margin_label_wrapped_over_three_lines():
    (rec,) = read(WRAPPED_MARGIN_LABEL, "parainen_kaupunginvaltuusto_2024-03-11.txt")
    assert rec.proposal.startswith("Tarkastuslautakunta esittää valtuustolle, että tilintarkastusyhteisöksi")
    assert "Revisionsnämnden föreslår" in rec.proposal
    assert rec.language == "fi" and rec.outcome is Outcome.approved


JOINT_AUTHORITY_EXTRACT = """\
KESKI-POHJANMAAN KOULUTUSYHTYMÄ                    OTE PÖYTÄKIRJASTA
Yhtymähallitus                                     8/2023
                                                   Sivu 1 (2)

Kokouspäivämäärä 22.8.2023

45 §
KOULUTUSYHTYMÄN TALOUSARVION TOTEUTUMINEN 1.1.–30.6.2023

KPEDU/312/02.02.01/2023

Valmistelija: talousjohtaja Riikka Mäkelä, puh. 040 123 4567

Talousarvion toteutumaraportti ajalta 1.1.–30.6.2023 on liitteenä. Toimintatuotot
ovat toteutuneet 52 prosenttisesti ja toimintakulut 49 prosenttisesti.

Koulutusjohtajan ehdotus:
Yhtymähallitus merkitsee talousarvion toteutuman tiedoksi.

Päätös:
Yhtymähallitus hyväksyi ehdotuksen.

Vakuudeksi

Pöytäkirjanpitäjä Sanna Kivelä

Otteen oikeaksi todistaa
Kokkolassa 23.8.2023
"""

OFFICE_PROPOSES = """\
PUUMALAN KUNTA                          PÖYTÄKIRJA 4/2024
Kunnanhallitus

Aika           Maanantai 15.4.2024 klo 16.00–18.10
Paikka         Kunnantalo, valtuustosali

Saapuvilla     Hannele Kyllönen, puheenjohtaja
olleet         Matti Partanen, varapuheenjohtaja
jäsenet        Sari Lappalainen
               Reijo Pesonen

Muut           Jyrki Ruuth, kunnanjohtaja
saapuvilla     Tiina Kemppainen, hallintojohtaja, pöytäkirjanpitäjä
olleet

Asiat          §:t 40–42

§ 40 KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS

Kunnanjohtajan ehdotus: Kokous todetaan lailliseksi ja päätösvaltaiseksi.

Päätös: Hyväksyttiin.

§ 41 LAUSUNTO ETELÄ-SAVON MAAKUNTAKAAVAEHDOTUKSESTA

Etelä-Savon maakuntaliitto pyytää kunnalta lausuntoa maakuntakaavaehdotuksesta 31.5.2024 mennessä.
Valmistelija: tekninen johtaja Kari Hyvönen

Kunnanjohtajan ehdotus: Kunnanhallitus antaa liitteen mukaisen lausunnon.

Päätös: Hyväksyttiin.

§ 42 KUNNANJOHTAJAN KATSAUS

Kunnanjohtajan ehdotus: Kunnanhallitus merkitsee katsauksen tiedoksi.

Päätös: Hyväksyttiin.
"""


def test_a_joint_authority_named_in_capitals_is_the_municipality():
    (rec,) = read(JOINT_AUTHORITY_EXTRACT, "ote.txt")
    assert rec.municipality == "Keski-Pohjanmaan koulutusyhtymä"
    assert (rec.section, rec.committee, rec.outcome) == ("45", "Yhtymähallitus", Outcome.noted)


def test_an_office_that_proposes_is_its_holder_on_the_cover():
    """"Kunnanjohtajan ehdotus" (or "Kommundirektörens förslag") and "Jyrki
    Ruuth, kunnanjohtaja" among those present: he presented every item."""
    recs = read(OFFICE_PROPOSES, "puumala_kunnanhallitus_2024-04-15.txt")
    assert [r.presenter.name for r in recs] == ["Jyrki Ruuth"] * 3
    assert recs[0].presenter.title == "kunnanjohtaja"
    sv = OFFICE_PROPOSES.replace("Kunnanjohtajan ehdotus", "Kommundirektörens förslag") \
        .replace("Jyrki Ruuth, kunnanjohtaja", "Jyrki Ruuth, kommundirektör")
    assert [r.presenter.name for r in read(sv, "x.txt")] == ["Jyrki Ruuth"] * 3


def test_dynasty_item_page_title_after_its_attachments_and_before_earlier_handlings():
    """Dynasty's item page: "Pöytäkirja date/Pykälä n", the attachments'
    links, the title in bold, then each handling ("Hallitus 17.10.2022 §
    55", …, the item's own last)."""
    path = Path(__file__).parent / "fixtures" / "layouts" / "own" / "dynasty_item_page_history.html"
    (rec,) = parse_path(path).records
    assert rec.title == "Talousarvio vuodelle 2023 ja taloussuunnitelma vuosille 2023-2025 (esitys yhtiökokoukselle)"
    assert (rec.section, rec.meeting_date, rec.committee) == ("61", date(2022, 11, 14), "Hallitus")
    assert rec.proposal.startswith("Hallitus päättää esittää yhtiökokoukselle")
    assert rec.presenter.name == "Jussi Hämäläinen"


KTWEB_TITLE_ABOVE = """\
VÖRÅ KOMMUN                PROTOKOLL                 Nr 2/2023
Kommunstyrelsen            07.02.2023                Sida 5

Vägbidrag för enskilda vägar 2023

125/05.10.00/2023

Kommunstyrelsen 07.02.2023 § 14

Beredare: vägingenjör Anders Back, tfn 050 123 4567

Kommunen har i budgeten reserverat 40 000 euro för understöd till enskilda vägar.
Ansökningarna ska lämnas in senast 31.3.2023.

Kommundirektörens förslag:
Kommunstyrelsen beslutar att understöden beviljas enligt bilagan.

Beslut:
Kommunstyrelsen godkände förslaget.

VÖRÅ KOMMUN                PROTOKOLL                 Nr 2/2023
Kommunstyrelsen            07.02.2023                Sida 6

Utlåtande om landskapsplanen för Österbotten

212/10.02.03/2022

Kommunstyrelsen 13.12.2022 § 240
Kommunstyrelsen beslöt bordlägga ärendet.

Kommunstyrelsen 07.02.2023 § 15

Föredragande: kommundirektör Patrik Rönnqvist

Österbottens förbund har begärt ett utlåtande om förslaget till landskapsplan.

Förslag:
Kommunstyrelsen ger ett utlåtande enligt bilagan.

Beslut:
Förslaget godkändes.
"""


def test_title_and_case_id_above_the_earlier_handlings_and_the_own_heading():
    """KTweb prints the title, the case id, the earlier handlings ("… 13.12.2022
    § 240" and what was decided then), and then the item's own "Body date §
    n": the title is the item's, and the earlier tabling is neither the
    previous item's decision nor this one's."""
    recs = read(KTWEB_TITLE_ABOVE, "protokoll.txt")
    assert [(r.section, r.title, r.case_id, r.outcome) for r in recs] == [
        ("14", "Vägbidrag för enskilda vägar 2023", "125/05.10.00/2023", Outcome.approved),
        ("15", "Utlåtande om landskapsplanen för Österbotten", "212/10.02.03/2022", Outcome.approved)]
    assert recs[0].decision == "Kommunstyrelsen godkände förslaget."
    assert {r.municipality for r in recs} == {"Vörå"}


def test_the_body_a_page_title_names_in_the_genitive():
    """A WordPress news post "Aluevaltuuston kokouksen 12.6.2023 päätökset"
    that never names the body otherwise: every item is the council's."""
    path = Path(__file__).parent / "fixtures" / "layouts" / "own" / "wordpress_council_decisions.html"
    recs = parse_path(path).records
    assert [(r.section, r.committee, r.outcome) for r in recs] == [
        ("31", "Aluevaltuusto", Outcome.approved), ("32", "Aluevaltuusto", Outcome.noted),
        ("33", "Aluevaltuusto", Outcome.returned)]
    from arkisto.ingest.minutes import _body_of_title

    assert _body_of_title(["Teknisen lautakunnan pöytäkirja 3/2024"]) == "Tekninen lautakunta"
    assert _body_of_title(["Ympäristö- ja rakennuslautakunnan kokous"]) == "Ympäristö- ja rakennuslautakunta"
    assert _body_of_title(["Helsingin kaupunginhallituksen kokous"]) == "Kaupunginhallitus"
    assert _body_of_title(["Kokouksen päätökset"]) is None


def test_a_wellbeing_county_of_two_cities_is_named_whole():
    path = Path(__file__).parent / "fixtures" / "layouts" / "own" / "dynasty_item_page_wellbeing_county.html"
    (rec,) = parse_path(path).records
    assert rec.municipality == "Vantaan ja Keravan hyvinvointialue"
    assert (rec.section, rec.committee, rec.case_id) == ("7", "Aluehallitus", "112/00.01.02/2024")
    assert rec.title == "Hyvinvointialueen kotihoidon palvelusetelin sääntökirjan päivittäminen"
    assert set(rec.presenter.name.split()) == {"Timo", "Ahola"}


OWN = Path(__file__).parent / "fixtures" / "layouts" / "own"


def test_word_minutes_with_a_page_number_column_and_case_ids_on_the_section_line():
    """"KUNNANHALLITUS   16.09.2024   3" on every page (the page number in a
    column of its own) is furniture, not a title; "KH § 143   Dnro
    88/02.02.02/2024" gives the case id, not a title; the presenter is the
    one the cover tags "esittelijä"; a vote that set another price than
    proposed amended the proposal."""
    recs = {r.section: r for r in parse_path(OWN / "word_minutes_page_number_column.txt").records}
    assert recs["141"].title == "KOKOUKSEN LAILLISUUS JA PÄÄTÖSVALTAISUUS"
    assert recs["142"].title == "PÖYTÄKIRJANTARKASTAJIEN VALITSEMINEN"
    assert (recs["143"].title, recs["143"].case_id) == ("OTAMON KOULUN KATON KORJAUS, LISÄMÄÄRÄRAHA",
                                                        "88/02.02.02/2024")
    assert recs["144"].outcome is Outcome.amended
    assert {r.presenter.name for r in recs.values()} == {"Vainionpää Leena"}


def test_swedish_protocol_votes_and_municipal_case_ids():
    recs = {r.section: r for r in parse_path(OWN / "sv_protokoll_dnr_on_section_line.txt").records}
    assert (recs["23"].case_id, recs["23"].title) == ("LAR/56/2025",
                                                      "Anhållan om bidrag för renovering av Holm ungdomslokal")
    assert recs["23"].outcome is Outcome.amended  # "beviljade efter omröstning … 35 000 euro", not as proposed
    assert recs["24"].case_id == "LAR/12/2025"


def test_ktweb_running_line_ends_with_its_page_and_the_presenter_tag_wraps():
    recs = {r.section: r for r in parse_path(OWN / "ktweb_sv_running_line_with_page.txt").records}
    assert recs["147"].title == "DELÅRSRAPPORT 1.1-30.9.2024"
    assert recs["148"].title == "MOTION OM GÅNG- OCH CYKELVÄG TILL ÖVERMALAX"
    assert recs["148"].outcome is Outcome.amended  # "beslöt efter omröstning enligt Kälds förslag"
    assert {r.presenter.name for r in recs.values()} == {"Mikael Finne"}


def test_an_extract_whose_earlier_handling_comes_first():
    """"Dnro …" / the title / "Tekninen lautakunta 14.11.2023 § 121" and its
    decision (returned), then the extract's own "… 12.3.2024 § 34": one
    record, the latest handling, with the title above both."""
    (rec,) = parse_path(OWN / "extract_with_earlier_handling.txt").records
    assert (rec.section, rec.meeting_date, rec.outcome) == ("34", date(2024, 3, 12), Outcome.approved)
    assert rec.title == "KOIVUNIEMEN RANTA-ASEMAKAAVAN MUUTOS, HYVÄKSYMINEN"
    assert rec.case_id == "312/10.02.03/2023"


def test_swedish_first_bilingual_titles_in_capitals_and_a_bilingual_attendance_list():
    recs = {r.section: r for r in parse_path(OWN / "bilingual_swedish_first_caps.txt").records}
    assert recs["43"].title == "UPPHANDLING AV VINTERUNDERHÅLL AV ENSKILDA VÄGAR 2024-2027"
    assert recs["44"].title == "UTLÅTANDE OM BYGGNADSORDNINGEN"
    assert {r.presenter.name for r in recs.values()} == {"Storbacka Henrik"}
    assert {r.language for r in recs.values()} == {"sv"}


def test_a_news_post_with_sections_in_parentheses_and_decisions_told_in_sentences():
    recs = {r.section: r for r in parse_path(OWN / "wellbeing_county_news_post.html").records}
    assert set(recs) >= {"38", "39", "40"}
    assert recs["38"].title == "Tilinpäätös 2023 hyväksyttiin"
    assert [recs[s].outcome for s in ("38", "39", "40")] == [Outcome.approved, Outcome.noted, Outcome.returned]
    assert {r.committee for r in recs.values()} == {"Aluevaltuusto"}


def test_a_swedish_joint_authority_is_the_organisation():
    (rec,) = parse_path(OWN / "dynasty_sv_joint_authority.html").records
    assert rec.municipality == "Kårkulla samkommun"
    assert rec.language == "sv"


def test_council_items_each_after_the_boards_handling():
    """Each council item: "Dnr:", the title, the board's handling ("…
    14.10.2024 § 205" with its proposal and decision), then the council's own
    "Kommunfullmäktige 4.11.2024 § 33": two records, the council's, each
    with its own title and case id."""
    recs = parse_path(OWN / "council_items_after_board_handlings.txt").records
    assert [(r.section, r.title, r.case_id, r.committee) for r in recs] == [
        ("33", "Förvaltningsstadga för Vörå kommun, revidering", "311/00.01.01/2024", "Kommunfullmäktige"),
        ("34", "Skattören för år 2025", "287/02.02.00/2024", "Kommunfullmäktige")]
    assert recs[0].outcome is Outcome.returned


def test_an_extract_with_its_section_in_a_header_table():
    """"Kokouspäivämäärä   Pykälä   Sivu" over "Hallitus   14.03.2024   23   1"."""
    (rec,) = parse_path(OWN / "extract_header_table.txt").records
    assert (rec.section, rec.meeting_date, rec.committee) == ("23", date(2024, 3, 14), "Hallitus")
    assert rec.title == "Toisen asteen opiskelijahuollon ostopalvelusopimus 2024-2026"
    assert rec.outcome is Outcome.amended


def test_ktweb_minutes_as_a_table_of_heading_and_text_cells():
    """"Kh § 252 | Valmistelija: … Kaupunginjohtajan ehdotus: … Kaupungin-
    hallituksen päätös: …" rows (windows-1252), the title in a row above,
    the technical board's earlier handling in a row of its own."""
    recs = parse_path(OWN / "ktweb_minutes_table.html").records
    assert [(r.section, r.title, r.outcome) for r in recs] == [
        ("252", "KEURUUN KAUPUNGIN JÄTEVEDENPUHDISTAMON SANEERAUS, URAKOITSIJAN VALINTA", Outcome.approved),
        ("253", "ILMOITUSASIAT", Outcome.noted),
        ("254", "VALTUUSTOALOITE KOIRAPUISTON PERUSTAMISESTA HAAPAMÄELLE", Outcome.tabled)]
    assert {r.committee for r in recs} == {"Kaupunginhallitus"}
    assert recs[0].case_id == "1104/02.08.00.00/2024"


def test_the_body_on_a_line_with_the_meetings_day():
    """A bulletin whose only mention of the body is "Aluehallitus 14.3.2022"
    above its items."""
    recs = parse_path(OWN / "wellbeing_county_body_and_date_line.html").records
    assert len(recs) == 3 and {r.committee for r in recs} == {"Aluehallitus"}


def test_a_board_proposing_to_the_council_is_not_the_deciding_body():
    from arkisto.ingest.common import committee_from_proposal

    assert committee_from_proposal("Aluehallitus esittää aluevaltuustolle, että se hyväksyy") == "Aluevaltuusto"
    assert committee_from_proposal("Yhtymähallitus esittää yhtymäkokoukselle, että") == "Yhtymäkokous"
    assert committee_from_proposal("Kasvatus- ja opetuslautakunta hyväksyy") == "Kasvatus- ja opetuslautakunta"
