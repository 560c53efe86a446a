"""The funded-project domain (arkisto.projects): one project across its
written forms, funders normalised from any case and from Swedish, sums of
money with what they are, and a programme key that groups a ministry's
special grant across municipalities (issue 17)."""

from __future__ import annotations

import pytest

from arkisto.models import FundedProject
from arkisto.projects import (
    FUNDER_NAMES,
    completed,
    funder_mentions,
    normalise_funders,
    parse_amounts,
    programme_key,
    project_key,
    years_in,
)


# --- project_key ----------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "VALSSI", "VALSSI-hanke", "VALSSI -hanke", "VALSSI-hankkeen", "VALSSI –hankkeeseen",
    "VALSSI -digitaalinen laadunarviointijärjestelmä", "“VALSSI”", "valssi.", "VALSSI-projekti",
])
def test_one_project_across_written_forms(written):
    assert project_key(written) == "valssi"


def test_inflected_suffix_and_quotes_go_but_the_name_stays_whole():
    assert project_key("”Siisti kesä” -hankkeeseen") == "siisti kesä"
    assert project_key("Menestystä kansainväliseen rekrytointiin-hanke") == "menestystä kansainväliseen rekrytointiin"
    # A subtitle after a spaced dash goes only after an acronym or one proper
    # name; "Parasta palvelua - Eepos" is a name with a dash in it.
    assert project_key("Eepos – kirjastojen yhteinen hanke") == "eepos"
    assert project_key("Parasta palvelua - Eepos") == "parasta palvelua - eepos"


def test_distinct_projects_stay_apart():
    assert project_key("Kärrynpyörä -hanke") != project_key("Kärrynpyörää kaiken ikää 2")
    assert project_key("Digitalisaation suuntaviivat esi- ja perusopetuksessa 2") != \
        project_key("Digitalisaation suuntaviivat esi- ja perusopetuksessa 3")
    # A hyphenated word inside a name is not a subtitle.
    assert project_key("Koski-Pirttinen vesihuoltolinja") == "koski-pirttinen vesihuoltolinja"


# --- normalise_funders -------------------------------------------------------------------------


@pytest.mark.parametrize("written, codes", [
    ("opetus- ja kulttuuriministeriöltä", ["OKM"]),
    ("opetus- ja kulttuuriministeriön myöntämä", ["OKM"]),
    ("Opetus ja kulttuuriministeriö päätti", ["OKM"]),  # the hyphen left out, as Ahjo has it
    ("undervisnings- och kulturministeriet", ["OKM"]),
    ("OKM/AVI", ["OKM", "AVI"]),
    ("sosiaali- ja terveysministeriöltä ja STEA:lta", ["STM", "STEA"]),
    ("työ- ja elinkeinoministeriön", ["TEM"]),
    ("ympäristöministeriölle", ["YM"]),
    ("Itä-Suomen aluehallintovirastolta", ["AVI"]),
    ("regionförvaltningsverket", ["AVI"]),
    ("Opetushallitukselta", ["OPH"]),
    ("Etelä-Savon ELY-keskukselta", ["ELY-keskus"]),
    ("Pohjois-Pohjanmaan elinkeino-, liikenne- ja ympäristökeskus", ["ELY-keskus"]),
    ("NTM-centralen i Södra Savolax", ["ELY-keskus"]),
    ("Euroopan aluekehitysrahastosta (EAKR)", ["EAKR"]),
    ("Europeiska regionala utvecklingsfonden", ["EAKR"]),
    ("ESR+", ["ESR+"]),
    ("Euroopan sosiaalirahaston", ["ESR+"]),
    ("Leader Jokilaakso ry:ltä", ["Leader"]),
    ("Interreg Aurora -ohjelmasta", ["Interreg"]),
    ("EU:n elpymis- ja palautumistukivälineestä", ["RRF"]),
    ("NextGenerationEU", ["RRF"]),
    ("Suomen kestävän kasvun ohjelman", ["RRF"]),
    ("Business Finlandilta", ["Business Finland"]),
    ("Sitralta", ["Sitra"]),
    ("Heinolan kaupunki", ["Heinolan kaupunki"]),
    ("Heinolan kaupungilta", ["Heinolan kaupunki"]),
    ("Lapuan kaupungin rahoituksesta", ["Lapuan kaupunki"]),
    ("Seinäjoen koulutuskuntayhtymän omarahoitusosuudesta", ["Seinäjoen koulutuskuntayhtymä"]),
    ("Etelä-Pohjanmaan hyvinvointialueelta", ["Etelä-Pohjanmaan hyvinvointialue"]),
])
def test_funders_normalised(written, codes):
    assert normalise_funders(written) == codes


def test_every_code_has_a_full_name():
    for code in ("OKM", "STM", "TEM", "YM", "OPH", "AVI", "ELY-keskus", "Business Finland", "STEA", "Sitra",
                 "EAKR", "ESR+", "Leader", "Interreg", "RRF"):
        assert FUNDER_NAMES[code]
    assert FUNDER_NAMES["OKM"] == "opetus- ja kulttuuriministeriö"


def test_a_recipient_is_not_a_funder():
    # The city that receives the grant is not its funder; the ministry is.
    assert normalise_funders("OKM päätti myöntää Helsingin kaupungille valtion erityisavustusta") == ["OKM"]
    assert normalise_funders("Kaupunki myöntää Kontulankuja 2 talotoimikunnalle avustuksen") == []


def test_lower_case_words_are_not_codes():
    # "om" is Swedish for "if", "sm" and "vm" abbreviations; codes are capitals.
    assert normalise_funders("om det finns medel, sm-tason kisat ja vm") == []
    assert normalise_funders("okm") == []


def test_the_state_in_general_gives_way_to_the_ministry():
    assert normalise_funders("valtion erityisavustuksella") == ["valtio"]
    assert normalise_funders("OKM:n valtion erityisavustuksella") == ["OKM"]


# --- parse_amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("written, euros", [
    ("45 000 euroa", [45000]),
    ("45 000 €", [45000]),
    ("45\u00a0000 €", [45000]),
    ("0,3 milj. €", [300000]),
    ("1,2 miljoonaa euroa", [1200000]),
    ("enintään 120 000 €", [120000]),
    ("120 000,00 euroa", [120000]),
    ("4.500 €", [4500]),
    ("8.636.678,70 euroa", [8636678.70]),
    ("10 000–20 000 euroa", [10000, 20000]),
    ("12,6 miljoonaan euroon", [12600000]),
    ("400 euron avustuksen", [400]),
])
def test_amounts_in_euros(written, euros):
    assert [a.euros for a in parse_amounts(written)] == pytest.approx(euros)


def test_the_text_is_kept_as_written():
    (a,) = parse_amounts("avustus enintään 120 000 € vuodelle 2025")
    assert a.text == "enintään 120 000 €"
    assert a.year == 2025


@pytest.mark.parametrize("text", [
    "vuonna 2024 hankkeeseen osallistui 45 koulua",
    "Kaupunginhallitus 20.2.2017 § 53",
    "§ 12 500 euroa",  # a § number running into a sum is no sum of its own
    "(OKM/1252/520/2021)",
    "puh. 040 123 4567",
    "Omavastuuosuus on 20 %",
    "80 % rahoitusta",
])
def test_never_years_sections_case_ids_phones_or_percentages(text):
    assert parse_amounts(text) == []


def test_case_id_next_to_a_sum_leaves_the_sum():
    assert [a.euros for a in parse_amounts("(OKM/1252/520/2021) 500 000 euroa")] == [500000]


@pytest.mark.parametrize("sentence, role", [
    ("Kunta hakee 45 000 euron avustusta hankkeelle.", "applied"),
    ("Haettava avustus on 30 000 €.", "applied"),
    ("Ministeriö myönsi hankkeelle 93600 euron valtionavustuksen.", "granted"),
    ("Saadun avustuksen kokonaissumma on 500 000 euroa.", "granted"),
    ("Omavastuuosuus on 20% eli 125 000 euroa.", "own_share"),
    ("Kunnan omarahoitusosuus on 15 000 euroa.", "own_share"),
    ("Kuntien osuus hankkeesta on 10 % eli 10.400 euroa.", "own_share"),
    ("Hankkeen kokonaiskustannusarvio on 186.105 €, johon haetaan 80 % rahoitusta.", "total_cost"),
    ("Hankkeen budjetti on 0,3 milj. €.", "total_cost"),
    ("Avustuksesta 197 000 euroa kohdistetaan kehittämispalveluihin.", "other"),
    ("Kokouspalkkio on 60 euroa.", "other"),
])
def test_role_from_the_sentence(sentence, role):
    (a,) = parse_amounts(sentence)
    assert a.role == role


def test_each_sum_takes_the_nearest_word():
    roles = [a.role for a in parse_amounts(
        "Kunta hakee 45 000 euron avustusta; kokonaiskustannukset ovat 60 000 € ja omarahoitusosuus 15 000 €.")]
    assert roles == ["applied", "total_cost", "own_share"]


# --- years ----------------------------------------------------------------------------------------


def test_years_of_a_project():
    assert years_in("avustusta vuosille 2024–2025") == [2024, 2025]
    assert years_in("käyttöaika 1.8.2022–31.12.2023") == [2022, 2023]
    assert years_in("toteutusaika on vuodet 2026 ja 2027") == [2026, 2027]
    # A meeting's date is not a year of the project.
    assert years_in("Kaupunginhallitus 20.2.2017 § 53") == []


# --- programmes ----------------------------------------------------------------------------------


def test_programme_key_groups_a_grant_across_cases():
    helsinki = programme_key("sitouttavan kouluyhteisötyön kehittämiseen")
    heinola = programme_key("Sitouttava kouluyhteisötyö poissaoloihin puuttumisessa ja niiden ennaltaehkäisyssä")
    assert helsinki == heinola != ""
    assert programme_key("sitouttavan kouluyhteisötyön 2. vaiheen kehittämiseen") == helsinki
    assert programme_key("lukutaitoa ja lukemisen kulttuuria vahvistaviin toimiin") != helsinki
    assert programme_key("") == ""


def test_funders_as_written_are_kept():
    assert funder_mentions("Etelä-Savon ELY-keskus myönsi ja opetus- ja kulttuuriministeriöltä haettiin") == [
        ("ELY-keskus", "ELY-keskus"), ("OKM", "opetus- ja kulttuuriministeriöltä")]


def test_completed_fills_only_what_is_missing():
    old = FundedProject(name="VALSSI-hanke", funder="opetus- ja kulttuuriministeriö", amount="0,3 milj. €")
    new = completed(old)
    assert (new.key, new.funders, [a.euros for a in new.amounts]) == ("valssi", ["OKM"], [300000])
    assert new.name == old.name and new.funder == old.funder
    kept = FundedProject(name="X", key="y", funders=["STM"], funder="OKM")
    assert completed(kept) == kept
