"""Funded projects read from decisions unlike those arkisto was built on
(issue 17): own sentences in wordings of their own, each rule that reads a
name, a funder or a sum checked with the sentences around it moved, broken
over lines and interleaved with page furniture, and the negatives (budget
changes, procurements, loans, salaries, a building paid from the own
budget) that must read nothing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from arkisto.ingest import parse_path
from arkisto.ingest.funding import decision_projects
from arkisto.projects import normalise_funders, parse_amounts

from helpers import cpu_seconds


def _minutes(tmp_path: Path, body: str, name: str = "ote.txt") -> list:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return parse_path(path).records


# --- the text under "Valmistelija" is the preparation, not a second preparer ----------------


def test_sentence_after_the_preparer_line_stays_in_the_preparation(tmp_path):
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 31\nRetkeilyreitin opasteet\n\n"
        "Valmistelija vapaa-aikasihteeri Maija Korhonen\n\n"
        "Etelä-Savon ELY-keskus on myöntänyt Savitaipaleen\n"
        "kunnalle avustusta reitin opasteisiin. Työ tehdään kesällä.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert [p.name for p in rec.preparers] == ["Maija Korhonen"]
    assert "Etelä-Savon ELY-keskus on myöntänyt Savitaipaleen kunnalle" in " ".join(rec.preparation.split())


def test_sentence_after_the_preparer_and_presenter_lines_stays_in_the_preparation(tmp_path):
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 32\nKoulun kerhotoiminta\n\n"
        "Valmistelija rehtori Aili Saari\n"
        "Esittelijä sivistysjohtaja Pekka Lind\n\n"
        "Opetushallitus on 2.4.2025 päätöksellään OPH-77-2025 myöntänyt\n"
        "kunnalle avustusta kerhotoimintaan.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert rec.presenter.name == "Pekka Lind"
    assert [p.name for p in rec.preparers] == ["Aili Saari"]
    assert "Opetushallitus on 2.4.2025" in rec.preparation


# --- names -------------------------------------------------------------------------------------


def _keys(*texts: str, title: str | None = None) -> list[str]:
    return [p.key for p in decision_projects(title, *texts)]


def test_a_trial_is_named_like_a_project():
    # "-kokeilu" is a project's suffix as "-hanke" is.
    text = ("Sitra myönsi kunnalle 20 000 euroa Kestävä Kylänraitti -kokeiluun, jossa kokeillaan "
            "kimppakyytejä.")
    assert _keys(text) == ["kestävä kylänraitti"]


def test_the_subtitle_after_a_spaced_dash_is_not_the_name():
    text = ("Ympäristöministeriö myönsi 40 000 euroa RAKSA3 – purkupuun uusiokäyttö Etelä-Karjalassa "
            "-hankkeeseen.")
    assert _keys(text) == ["raksa3"]
    # Across a line break and with the clauses turned round.
    text2 = ("RAKSA3 –\npurkupuun uusiokäyttö Etelä-Karjalassa -hankkeeseen myönsi\n"
             "ympäristöministeriö 40 000 euroa.")
    assert _keys(text2) == ["raksa3"]


def test_a_subtitle_in_brackets_is_not_the_name():
    text = ("Kunta osallistuu NORDWAY (Nordic Ways to Work in the Arctic) -hankkeeseen, jonka "
            "Interreg-ohjelma rahoittaa.")
    assert _keys(text) == ["nordway"]


def test_an_inflected_company_abbreviation_does_not_start_the_name():
    text = "Maakuntahallitus myöntää Savon Kehitys Oy:lle Puu Kasvaa 2027 -hankkeeseen EAKR-tukea 90 000 euroa."
    assert _keys(text) == ["puu kasvaa 2027"]


def test_a_lower_case_word_between_capitals_is_inside_the_name_but_a_verb_is_not():
    text = "Avustus kohdistuu Koulutien turvallinen Pihlajakuja -hankkeeseen, jolle Traficom myönsi 30 000 euroa."
    assert _keys(text) == ["koulutien turvallinen pihlajakuja"]
    text2 = "Lautakunta hyväksyy Pihlajakuja-hankkeen loppuraportin; Traficom myönsi hankkeelle 30 000 euroa."
    assert _keys(text2) == ["pihlajakuja"]


def test_a_name_in_capitals_after_the_word_may_have_several_words():
    text = "Opetushallitus myönsi Erasmus+ -rahoitusta 45 000 euroa hankkeelle POHJOISEN NUORET TOIMIJAT, jossa"
    assert _keys(text) == ["pohjoisen nuoret toimijat"]
    # A funder in capitals after "hankkeen" is not a project.
    assert _keys("Hankkeen ELY-keskus rahoittaa 20 000 eurolla.") == []


def test_a_swedish_project_is_named_after_projektet():
    text = ("Kommunen ansöker om 30 000 euro i statsunderstöd för projektet Simskola för alla och "
            "reserverar en egen andel om 3 000 euro.")
    assert _keys(text) == ["simskola för alla"]
    assert _keys("Nämnden godkänner projektet, som finansieras av kommunen med 5 000 euro.") == []


def test_a_version_number_stays_in_the_name():
    text = ("Nämnden beslutar att ansöka om 20 000 euro av Taike för projektet Kulturstigen 3.1, som "
            "fortsätter det tidigare projektet.")
    assert _keys(text) == ["kulturstigen 3.1"]


def test_any_subtitle_after_a_name_in_capitals_is_not_the_name():
    # An English subtitle in capitals after the dash: the name is before it.
    text = ("Kaupunki osallistuu partnerina GREEN QUAYS – Clean Energy for the Gulf of Bothnia "
            "-hankkeeseen, jonka kokonaisbudjetti on 1,4 miljoonaa euroa.")
    assert _keys(text) == ["green quays"]


def test_the_kind_of_matter_before_a_name_is_not_in_it():
    text = "Rahoitushakemus Vesistöt Kuntoon 2026 -hankkeelle ympäristöministeriöltä, 50 000 euroa."
    assert _keys(text) == ["vesistöt kuntoon 2026"]
    text2 = "Päätös Kylätalot Energiaviisaiksi -hankkeen avustuksesta: ELY-keskus myönsi 12 000 euroa."
    assert _keys(text2) == ["kylätalot energiaviisaiksi"]


def test_a_clause_before_a_funder_in_brackets_is_not_a_project():
    from arkisto.ingest.common import funded_projects

    text = "Kommunen ansöker om stöd av Svenska kulturfonden rf (Leader) för nästa år."
    assert [p.name for p in funded_projects(text)] == []
    text2 = "Kunta hakee avustusta ja toteuttaa sen yhdessä Kylät Elävät ry (Leader)."
    assert [p.name for p in funded_projects(text2)] == []
    # A list of projects with their funders in brackets is read as before.
    assert [p.name for p in funded_projects("• Kylätalot kuntoon (Leader)\n• Digiloikka (OPH)")] == \
        ["Kylätalot kuntoon", "Digiloikka"]


def test_a_grant_to_root_a_model_is_named_by_the_model():
    text = ("Hyvinvointialue hakee sosiaali- ja terveysministeriöltä valtionavustusta Perhe keskiöön "
            "-toimintamallin juurruttamiseen 200 000 euroa.")
    assert _keys(text) == ["perhe keskiöön"]


def test_a_sentence_with_a_case_id_after_the_presenter_is_not_taken_for_a_phone_number(tmp_path):
    # "OPH-1207-2025" and "28.4.2025" look like a phone number to the
    # contact reader; the verb says the line is a sentence.
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 33\nKerhotoiminnan avustus\n\n"
        "Valmistelija rehtori Aili Saari\n"
        "Esittelijä sivistysjohtaja Pekka Lind\n\n"
        "Opetushallitus on 28.4.2025 päätöksellään OPH-1207-2025 myöntänyt\n"
        "kunnalle avustusta kerhotoimintaan.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert [p.name for p in rec.preparers] == ["Aili Saari"]
    assert "OPH-1207-2025 myöntänyt kunnalle" in " ".join(rec.preparation.split())


# --- funders: who pays ----------------------------------------------------------------------------


def _one(*texts: str, title: str | None = None, org: str | None = None):
    projects = decision_projects(title, *texts, **({"org": org} if org else {}))
    assert len(projects) == 1, [p.key for p in projects]
    return projects[0]


def _sums(p) -> set[tuple[float, str]]:
    return {(a.euros, a.role) for a in p.amounts}


def test_the_municipality_that_pays_an_own_share_is_a_funder():
    text = ("Etelä-Savon ELY-keskus on myöntänyt Mäntyharjun kunnalle 40 000 euron tuen Kylätiet kuntoon "
            "-hankkeeseen. Hankkeen kustannusarvio on 50 000 euroa, ja kunnan rahoitusosuus on 10 000 euroa.")
    p = _one(text, org="Mäntyharju")
    assert set(p.funders) == {"ELY-keskus", "Mäntyharjun kunta"}
    # Without the organisation, the one municipality the record names.
    assert set(_one(text).funders) == {"ELY-keskus", "Mäntyharjun kunta"}
    # The same sentences broken over lines, with page furniture between them.
    broken = ("Etelä-Savon ELY-keskus on myöntänyt Mäntyharjun kunnalle 40 000 euron tuen\nKylätiet kuntoon "
              "-hankkeeseen.\n\nMÄNTYHARJUN KUNTA\n\nHankkeen kustannusarvio on 50 000 euroa, ja kunnan\n"
              "rahoitusosuus on 10 000 euroa.")
    assert set(_one(broken, org="Mäntyharju").funders) == {"ELY-keskus", "Mäntyharjun kunta"}


def test_a_recipient_that_pays_nothing_is_not_a_funder():
    text = ("Kaupunki osallistuu yhteistyökumppanina Nuorten Polku -hankkeeseen, jolle STEA on myöntänyt "
            "avustuksen. Yhteistyöstä ei aiheudu kaupungille kustannuksia.")
    assert _one(text, org="Kotka").funders == ["STEA"]
    # Unnamed municipalities co-funding are nobody's name.
    text2 = ("Pohjois-Savon ELY-keskus myönsi Puu Kasvaa -hankkeelle EAKR-tukea 80 000 euroa; alueen kuntien "
             "rahoitus on 10 000 euroa.")
    assert _one(text2).funders == ["ELY-keskus", "EAKR"]


def test_work_in_kind_and_a_grant_to_an_association_make_the_municipality_a_funder():
    text = ("Sitra on myöntänyt Ilomantsin kunnalle 30 000 euroa Älykäs Kylä -kokeiluun. Kunta osallistuu "
            "kokeiluun henkilötyöllä, jonka arvo on 6 000 euroa.")
    p = _one(text, org="Ilomantsi")
    assert set(p.funders) == {"Sitra", "Ilomantsin kunta"}
    assert (6000.0, "own_share") in _sums(p)
    text2 = ("Kunnanhallitus päättää myöntää Ilomantsin Nuorisoseura ry:lle 2 500 euron avustuksen "
             "Tanssilava kuntoon -hankkeen omarahoitusosuuteen.")
    assert _one(text2, org="Ilomantsi").funders == ["Ilomantsin kunta"]
    # A sum from the own budget to the own unit is no grant of a funder.
    text3 = ("Kaupunginhallitus päättää myöntää määrärahasta kaupunginkanslian käytettäväksi 40 000 euroa "
             "Kesätyö Kotkassa -hankkeeseen.")
    assert _one(text3, org="Kotka").funders == []


def test_swedish_records_name_the_municipality_and_the_council_in_finnish():
    text = ("Kommunen deltar i projektet Havsvind i Kvarken, som finansieras ur Fonden för en rättvis "
            "omställning. Finansieringen beviljas av Österbottens förbund. Kommunens egen andel är 8 000 euro.")
    p = _one(text, org="Korsholm")
    assert set(p.funders) == {"JTF", "Pohjanmaan liitto", "Mustasaaren kunta"}
    assert (8000.0, "own_share") in _sums(p)


def test_state_cofunding_without_an_authority_is_the_state_and_an_agency_grant_is_the_agency():
    text = ("Hyvinvointialue osallistuu Interreg Pohjoinen -ohjelman HOIVA-NORD-hankkeeseen; EU-rahoitus kattaa "
            "60 % ja valtion vastinrahoitus 20 % kustannuksista.")
    assert set(_one(text).funders) == {"Interreg", "valtio"}
    text2 = "Traficom on myöntänyt kaupungille valtionavustuksen Turvallinen Koulutie -hankkeeseen 20 000 euroa."
    assert _one(text2).funders == ["Traficom"]


# --- sums and their roles ------------------------------------------------------------------------


def test_sums_in_a_list_share_the_role_of_the_first():
    text = ("Kunta hakee avustusta Lukuinto -hankkeelle vuodelle 2026 12 000 euroa ja vuodelle 2027 "
            "9 000 euroa, yhteensä 21 000 euroa.")
    assert _sums(_one(text)) == {(12000.0, "applied"), (9000.0, "applied"), (21000.0, "applied")}


def test_a_word_after_a_sum_counts_only_in_its_own_clause():
    text = ("Kunnanhallitus päättää 1) hakea Leader-ryhmältä tukea Kylät liikkeelle -hankkeelle 30 000 euroa "
            "ja 2) varata kunnan rahoitusosuuden 6 000 euroa talousarvioon.")
    assert _sums(_one(text)) == {(30000.0, "applied"), (6000.0, "own_share")}


def test_a_bracketed_sum_of_something_else_is_not_the_projects():
    text = ("ELY-keskus myönsi Kirkkotie -hankkeelle 50 000 euroa. Kaupungin osuus sisältyy katujen "
            "määrärahaan (Kirkkotien peruskorjaus, 2,4 milj. euroa). Koulun laajennuksen (kustannusarvio "
            "3 milj. euroa) rahoituksesta päätetään erikseen.")
    assert {e for e, _ in _sums(_one(text))} == {50000.0}
    # A bracket that restates the sum alone is the project's.
    text2 = "Hankkeen Kotiin Kirja kustannusarvio on 10 000 euroa, ja omarahoitusosuus on 20 % (2 000 euroa)."
    assert parse_amounts(text2)[-1].euros == 2000.0


def test_budget_lines_salaries_and_population_in_a_one_project_record_are_not_its_sums():
    text = ("Kunnanhallitus päättää myöntää Kylätalo ry:lle 3 000 euron avustuksen Kylätalon katto -hankkeen "
            "omarahoitusosuuteen. Kunnan talousarviossa on avustuksiin varattu 20 000 euroa, josta on käytetty "
            "7 000 euroa. Kunnassa on noin 4 500 asukasta. Kylätalon vuokra on 900 euroa vuodessa.")
    p = _one(text, org="Ilomantsi")
    assert {e for e, _ in _sums(p)} == {3000.0}


def test_the_grant_of_the_sum_applied_for_is_one_fact():
    text = ("Yhdistys hakee Leader-tukea 12 000 euroa Venevaja -hankkeelle. Toimintaryhmä myönsi hankkeelle "
            "tukea 12 000 euroa.")
    assert _sums(_one(text)) == {(12000.0, "granted")}


def test_realised_costs_swedish_totals_and_millions():
    assert _sums(_one("Lukupesä-hankkeen toteutuneet kustannukset olivat 9 400 euroa, ja OKM:n avustus "
                      "oli 10 000 euroa.")) >= {(9400.0, "total_cost")}
    assert parse_amounts("Projektets totala budget är 2,5 miljoner euro.")[0].euros == 2_500_000
    assert parse_amounts("Projektets totala kostnader beräknas till 18 000 euro.")[0].role == "total_cost"


# --- negatives: money that is no funded project ------------------------------------------------------


def test_a_building_paid_from_the_own_budget_is_no_funded_project():
    text = ("Kaupunginhallitus hyväksyy Liikuntahalli KUPLA -hankkeen hankesuunnitelman. Hankkeen "
            "kustannusarvio on 9,5 milj. euroa. Hanke toteutetaan kaupungin omana investointina, eikä sille "
            "haeta ulkopuolista rahoitusta.")
    assert decision_projects(None, text, org="Kotka") == []
    text2 = ("Päiväkoti Satakieli -hanke rahoitetaan kokonaan kunnan omalla investointimäärärahalla, "
             "kustannusarvio 3 200 000 euroa.")
    assert decision_projects(None, text2) == []


def test_budget_changes_loans_procurements_and_salaries_read_no_project():
    for text in (
        "Kaupunginvaltuusto myöntää sivistystoimelle 120 000 euron lisämäärärahan; talousarviomuutos katetaan "
        "verotuloilla.",
        "Kunnanvaltuusto päättää myöntää Vuokratalot Oy:lle omavelkaisen takauksen 2 000 000 euron lainalle.",
        "Lautakunta valitsee koulukuljetusten tuottajaksi Liikenne Oy:n; hankinnan arvo on 800 000 euroa.",
        "Viran tehtäväkohtainen palkka on 3 900 euroa kuukaudessa, ja virkaan haki 12 henkilöä.",
    ):
        assert decision_projects(None, text) == [], text


def test_what_a_payment_claim_asks_is_a_payment_not_an_application():
    text = ("Meri-Lappi Työllistää -hankkeen toinen maksatushakemus koskee ajanjaksoa 1.1.–30.6.2025. "
            "Tukikelpoiset kustannukset olivat tällä jaksolla 40 000 euroa, ja haettava tuki on 32 000 euroa.")
    assert _sums(_one(text)) == {(40000.0, "other"), (32000.0, "other")}
    # An application is still an application.
    assert _sums(_one("Kaupunki hakee Meri-Lappi Työllistää -hankkeelle tukea 32 000 euroa.")) == {
        (32000.0, "applied")}


def test_swedish_project_suffix_and_a_city_whose_name_is_its_body():
    text = ("Utbildningsstyrelsen har beviljat staden 10 000 euro för Läsglädje-projektet. "
            "Stadens egen andel är 2 000 euro.")
    p = _one(text, org="Kristinestad")
    assert p.key == "läsglädje"
    assert set(p.funders) == {"OPH", "Kristiinankaupunki"}
    assert _sums(p) == {(10000.0, "granted"), (2000.0, "own_share")}


def test_sums_per_month_or_year_are_rents_salaries_and_running_costs():
    assert parse_amounts("Koordinaattorin palkka on 3 600 euroa kuukaudessa.") == []
    assert parse_amounts("Tilan vuokra on 1 200 €/kk, ja käyttökulut ovat 40 000 euroa vuodessa.") == []
    assert parse_amounts("Hyran är 900 euro per månad.") == []
    # A project's sum for a year is a sum.
    assert [a.euros for a in parse_amounts("Avustus vuodelle 2026 on 40 000 euroa.")] == [40000.0]
    text = ("Kaupunki saa Kesäduuni -hankkeeseen ESR+-tukea 60 000 euroa. Hankkeessa palkataan ohjaaja, "
            "jonka palkka on 3 100 euroa kuukaudessa.")
    assert {e for e, _ in _sums(_one(text))} == {60000.0}


def test_a_municipality_taking_part_with_money_or_committing_to_a_share_is_a_funder():
    text = ("Kaupunki osallistuu Rannat Kuntoon -hankkeeseen 12 000 eurolla; hanketta rahoittaa "
            "ympäristöministeriö.")
    p = _one(text, org="Kotka")
    assert set(p.funders) == {"YM", "Kotkan kaupunki"}
    assert _sums(p) == {(12000.0, "own_share")}
    text2 = ("Yhtymähallitus päättää ottaa vastaan OKM:n avustuksen Metsä Opettaa -hankkeeseen ja sitoutuu "
             "omarahoitusosuuteen 9 000 euroa.")
    assert set(_one(text2, org="Savon koulutuskuntayhtymä").funders) == {"OKM", "Savon koulutuskuntayhtymä"}


def test_reading_a_long_funding_text_is_linear():
    # Many sums, payers, brackets and claims in one record: no step may
    # look back over the whole text for each sum.
    unit = ("Kunnanhallitus päättää myöntää Kylä ry:lle 5 000 euroa Kylätie -hankkeeseen (kustannusarvio "
            "12 000 euroa), ja kunnan rahoitusosuus on 2 000 euroa; maksatushakemus koskee jaksoa, haettava "
            "tuki on 1 000 euroa ja vuokra 300 euroa kuukaudessa. ")
    small, big = unit * 40, unit * 400
    decision_projects(None, small, org="Lemi")  # warm up
    ratio = cpu_seconds(decision_projects, None, big, repeat=1) / cpu_seconds(decision_projects, None, small)
    assert ratio < 30, f"10x the text took {ratio:.0f}x the time"


_DECISIONS = [
    ("Etelä-Savon ELY-keskus on myöntänyt Mäntyharjun kunnalle 40 000 euron tuen Kylätiet kuntoon "
     "-hankkeeseen. Hankkeen kustannusarvio on 50 000 euroa, ja kunnan rahoitusosuus on 10 000 euroa.", "Mäntyharju"),
    ("Kunta hakee avustusta Lukuinto -hankkeelle vuodelle 2026 12 000 euroa ja vuodelle 2027 9 000 euroa, "
     "yhteensä 21 000 euroa. Koordinaattorin palkka on 3 600 euroa kuukaudessa.", "Ilomantsi"),
    ("Kommunen deltar i projektet Havsvind i Kvarken, som finansieras ur Fonden för en rättvis omställning. "
     "Finansieringen beviljas av Österbottens förbund. Kommunens egen andel är 8 000 euro.", "Korsholm"),
]


def _reading(text: str, org: str):
    return [(p.key, sorted(p.funders), sorted((a.euros, a.role) for a in p.amounts))
            for p in decision_projects(None, text, org=org)]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_DECISIONS), st.lists(st.integers(min_value=0, max_value=400), max_size=8))
def test_line_breaks_inside_sentences_change_nothing(decision, cuts):
    text, org = decision
    spaces = [i for i, c in enumerate(text) if c == " "]
    broken = list(text)
    for c in cuts:
        broken[spaces[c % len(spaces)]] = "\n"
    assert _reading("".join(broken), org) == _reading(text, org)


def test_agencies_by_their_full_names_in_the_nominative():
    assert normalise_funders("Taiteen edistämiskeskus myönsi kunnalle avustuksen.") == ["Taike"]
    assert normalise_funders("Asumisen rahoitus- ja kehittämiskeskus on myöntänyt avustuksen.") == ["ARA"]
    assert normalise_funders("Kansaneläkelaitos rahoittaa kokeilua.") == ["Kela"]
    assert normalise_funders("Liikenne- ja viestintävirasto myönsi kaupungille tukea.") == ["Traficom"]
    assert normalise_funders("Sosiaali- ja terveysjärjestöjen avustuskeskus myönsi yhdistykselle avustuksen.") == [
        "STEA"]


def test_a_council_or_municipality_that_grants_as_the_subject_is_a_funder():
    text = "Pohjois-Karjalan liitto on 3.4.2025 myöntänyt Joensuun yliopistolle 50 000 euroa Metsäpolku -hankkeeseen."
    assert normalise_funders(text) == ["Pohjois-Karjalan liitto"]
    assert normalise_funders("Kuopion kaupunki myönsi yhdistykselle avustuksen Kotiovi -hankkeeseen.") == [
        "Kuopion kaupunki"]
    # A subject that applies for or receives money gives nothing.
    assert normalise_funders("Kuopion kaupunki haki avustusta Kotiovi -hankkeeseen.") == []
    assert normalise_funders("Kuopion kaupunki on saanut avustusta Kotiovi -hankkeeseen.") == []
