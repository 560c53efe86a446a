"""Funded projects read from decisions, not only from bullet lists (issue
17): applications, grants, acceptances, own shares and closures, in
layouts unlike the corpus (tests/fixtures/projects: plain-text extracts, one
in Swedish), and the sample's Helsinki, Lapua and Heinola records."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import arkisto.ingest.detect as detect
from arkisto.ingest import parse_path
from arkisto.ingest.common import funded_projects
from arkisto.ingest.funding import decision_projects
from arkisto.projects import programme_key
from helpers import FIXTURES, HEINOLA
from helpers import cpu_seconds

OWN = FIXTURES / "projects"


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    monkeypatch.setattr(detect, "ISOLATE", False)


def only_project(path: Path):
    (rec,) = parse_path(path).records
    (p,) = rec.funded_projects
    return p


def sums(p) -> list[tuple[float, str]]:
    return [(a.euros, a.role) for a in p.amounts]


def test_application_with_quoted_name_sums_roles_and_years():
    p = only_project(OWN / "hakemus.txt")
    assert p.name == "Kylät kuntoon" and p.key == "kylät kuntoon"
    # The municipality pays the own share ("Kunnan omarahoitusosuus"): a funder too.
    assert p.funders == ["Leader", "Jokilaakson kunta"]
    assert sums(p) == [(45000, "applied"), (60000, "total_cost"), (15000, "own_share")]
    assert p.years == [2025, 2026]
    assert p.stage == "application"
    assert "Kylät" in (p.sentence or "")


def test_acceptance_of_a_grant_to_a_project_in_capitals():
    p = only_project(OWN / "vastaanotto.txt")
    assert p.key == "vesireitti"
    assert p.funders == ["ELY-keskus", "EAKR"]
    assert sums(p) == [(300000, "granted")]  # "enintään 0,3 milj. €"; not the case id, not the date
    assert p.amounts[0].text == "enintään 0,3 milj. €"
    assert p.stage == "acceptance"


def test_closure_and_report():
    p = only_project(OWN / "loppuraportti.txt")
    assert p.key == "ilmastoteot arkeen"
    assert p.stage == "closure"
    assert sums(p) == [(120000, "total_cost")]  # "80 %" is no sum


def test_swedish_decision():
    p = only_project(OWN / "bidrag_sv.txt")
    assert p.key == "gröna byar"
    assert p.funders == ["ELY-keskus", "EAKR"]
    assert sums(p) == [(20000, "granted"), (5000, "own_share")]
    assert p.stage == "acceptance"


def test_helsinki_special_grant_is_recorded_under_its_programme():
    recs = parse_path(FIXTURES / "helsinki-ahjo" / "decisions.json").records
    rec = next(r for r in recs if (r.title or "").startswith("Erityisavustuksen kohdentaminen sitouttavan"))
    (p,) = rec.funded_projects
    assert p.funders == ["OKM"]
    assert p.funder == "Opetus ja kulttuuriministeriö"  # as written, the hyphen left out
    assert (500000, "granted") in sums(p) and (125000, "own_share") in sums(p)
    assert p.programme == "sitouttavan kouluyhteisötyön kehittämiseen"
    # The Heinola network's OKM project on the same theme groups with it.
    (heinola,) = parse_path(HEINOLA).records
    same = [q for q in heinola.funded_projects if programme_key(q.programme) == programme_key(p.programme)]
    assert [q.name for q in same] == ["Sitouttava kouluyhteisötyö poissaoloihin puuttumisessa ja niiden ennaltaehkäisyssä"]


def test_heinola_six_with_normalised_funders():
    (rec,) = parse_path(HEINOLA).records
    assert [(p.key, p.funders) for p in rec.funded_projects] == [
        ("valssi", ["OKM"]),
        ("seikkaillen päijät-hämeessä", ["OPH"]),
        ("sitouttava kouluyhteisötyö poissaoloihin puuttumisessa ja niiden ennaltaehkäisyssä", ["OKM"]),
        ("koululäsnäolon vahvistaminen päijät-hämeessä", ["OPH"]),
        ("digitalisaation suuntaviivat esi- ja perusopetuksessa 2", ["OPH"]),
        ("nuorisotyön seudullisen koordinaation kehittäminen päijät-hämeessä", ["AVI"]),
    ]


def test_own_share_decision_with_total_cost():
    recs = parse_path(FIXTURES / "lapua-cloudnc" / "lapua_kaupunginhallitus_2025-08-25_poytakirja.pdf").records
    rec = next(r for r in recs if "kuntarahaosuus" in (r.title or ""))
    (p,) = rec.funded_projects
    assert p.key == "härmänmaan sopimusvalmistuksen puolustus- ja kaksikäyttöteollisuuden kasvuohjelma"
    assert p.stage == "own_share"
    assert sums(p) == [(18610, "own_share"), (186105, "total_cost")]
    assert p.years == [2026, 2027]
    assert p.funders == ["Etelä-Pohjanmaan liitto"]


def test_two_projects_in_one_decision_keep_their_own_sums():
    recs = parse_path(FIXTURES / "helsinki-ahjo" / "decisions.json").records
    rec = next(r for r in recs if "Siisti kesä" in (r.title or ""))
    by_key = {p.key: p for p in rec.funded_projects}
    assert set(by_key) == {"siisti kesä", "maailman toimivin kaupunki"}
    assert (970770, "granted") in sums(by_key["siisti kesä"])
    assert (970770, "total_cost") in sums(by_key["siisti kesä"])  # "Yhteensä hankkeeseen käytetään …"
    assert sums(by_key["maailman toimivin kaupunki"]) == []


@pytest.mark.parametrize("text", [
    # Procurement, land use and grants to associations name no funded project.
    "Kaupunki hankkii 20 potilasvaakaa. Hankinnan arvo on 45 000 euroa.",
    "Rakennushankkeeseen myönnetään poikkeamislupa. Hanke edellyttää poikkeamista asemakaavasta.",
    "Kumppanuuspäällikkö myöntää Kontulankuja 2 talotoimikunnalle 400 euron talokerhoavustuksen.",
    # A fund's own project wording is no project name.
    "EAKR-hankkeiden rahoitus jatkuu. Kaupungin EU-hankkeet raportoidaan.",
    # A project named without any word on money is no funded project.
    "Verkostoperuskoulu-hankkeen ja DigiOne-hankkeen etenemistä seurataan.",
    # A funder spelled out before its code is no project.
    "Avustus on enintään 0,3 milj. € Euroopan aluekehitysrahastosta (EAKR).",
])
def test_no_project_where_there_is_none(text):
    assert funded_projects(text, title="Asia") == []


def test_bullet_list_projects_get_keys_funders_and_sums():
    (p,) = funded_projects("Hankkeet:\n\n• Kylät kuntoon -hanke (Leader, 45 000 €)")
    assert (p.key, p.funders, sums(p)) == ("kylät kuntoon", ["Leader"], [(45000, "other")])


# --- properties ---------------------------------------------------------------------------------------

BODY = (OWN / "hakemus.txt").read_text(encoding="utf-8")


def _facts(text: str):
    return sorted((p.key, tuple(p.funders), tuple(sorted(sums(p)))) for p in funded_projects(text, title=None))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.data())
def test_line_breaks_do_not_change_what_is_read(data):
    """A PDF breaks lines anywhere between words, and leaves a blank line
    inside a sentence before a word in lower case or a number.  (Before a
    capital a blank line is read as the paragraph break it usually is.)"""
    flat = " ".join(BODY.split("\n\n")[2].split())
    words = flat.split(" ")
    seps = data.draw(st.lists(st.sampled_from([" ", "\n", " \n", "\n\n"]), min_size=len(words) - 1,
                              max_size=len(words) - 1))
    seps = [s if s != "\n\n" or not w[:1].isupper() else "\n" for s, w in zip(seps, words[1:])]
    broken = words[0] + "".join(sep + w for sep, w in zip(seps, words[1:]))
    assert _facts(broken) == _facts(flat)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.randoms(use_true_random=False))
def test_the_order_of_decisions_does_not_change_which_projects_are_read(rnd):
    paras = [
        "Kunta hakee 45 000 euron avustusta \"Kylät kuntoon\" -hankkeelle.",
        "Etelä-Savon ELY-keskus myönsi VESIREITTI-hankkeelle 0,3 milj. €.",
        "Ilmastoteot arkeen -hanke päättyi; sen kustannukset olivat 120 000 euroa.",
    ]
    shuffled = paras[:]
    rnd.shuffle(shuffled)
    keys = {p.key for p in funded_projects("\n\n".join(shuffled))}
    assert keys == {"kylät kuntoon", "vesireitti", "ilmastoteot arkeen"}




def test_reading_projects_is_linear():
    """10x the text takes about 10x the time, never 100x (a ratio with a
    generous margin, not a timing)."""
    rnd = random.Random(7)
    unit = BODY + "\n\n" + (OWN / "vastaanotto.txt").read_text(encoding="utf-8")

    def text(n: int) -> str:
        # Vary the names so that the work is not a cache hit.
        return "\n\n".join(re.sub("Kylät", f"Kylät{rnd.randint(0, 10**6)}", unit) for _ in range(n))

    small, big = text(20), text(200)
    ratio = cpu_seconds(decision_projects, None, big) / cpu_seconds(decision_projects, None, small)
    assert ratio < 30, f"10x the text took {ratio:.0f}x the time"


def test_records_exported_before_keys_get_them_when_read_back():
    """arkisto's own JSON from before issue 17 has name, funder and amount
    only; read back, its projects have keys, funders and sums."""
    (rec,) = parse_path(Path(__file__).resolve().parents[2] / "sample_data" / "illustrative"
                        / "esimerkkila_toimintakertomus_2024.json").records
    p = rec.funded_projects[0]
    assert (p.name, p.funder, p.amount) == ("Lukuliike Esimerkkilässä", "OKM", "25 000 €")
    assert (p.key, p.funders, sums(p)) == ("lukuliike esimerkkilässä", ["OKM"], [(25000, "other")])
