"""Personal data found at ingest (ingest/personal.py): identity codes, private
contact details, names in the roles decisions name private people in; and
what must not count (dates, case ids, officials' published details)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import arkisto.ingest.detect as detect_mod
from arkisto.ingest import parse_path
from arkisto.ingest.personal import LABELS, detect, find, redact, valid_hetu
from arkisto.models import Decision, Person
from arkisto.search.schema import record_from_json
from helpers import FIXTURES, decision

sys.path.insert(0, str(FIXTURES / "personal"))
import generate  # noqa: E402
from helpers import cpu_seconds

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _code(ddmmyy: str, sign: str, nnn: str) -> str:
    return f"{ddmmyy}{sign}{nnn}{CHECK[int(ddmmyy + nnn) % 31]}"


def _kinds(text: str, rec: Decision | None = None) -> list[tuple[str, str]]:
    rec = rec or Decision(source={"path": "t", "format": "t"}, preparation=text)
    rec = rec.model_copy(update={"preparation": text})
    return [(s.kind, text[s.start:s.end]) for s in detect(rec)]


@pytest.mark.parametrize("sign", list("+-YXWVUABCDEF"))
def test_identity_codes_of_every_century_sign(sign):
    code = _code("131052" if sign not in "ABCDEF" else "131012", sign, "308")
    assert valid_hetu(code)
    assert _kinds(f"Hakemuksen liitteenä oli henkilötunnus {code} ja osoite.") == [("hetu", code)]


def test_codes_that_only_look_like_one_do_not_count():
    good = _code("131052", "-", "308")
    wrong_check = good[:-1] + CHECK[(CHECK.index(good[-1]) + 1) % 31]
    assert not valid_hetu(wrong_check)
    assert not valid_hetu(_code("310252", "-", "308"))  # 31 February
    assert not valid_hetu(_code("131052", "-", "001"))  # individual numbers start at 002
    assert not valid_hetu(_code("131052", "G", "308"))  # no such century sign
    text = (f"Tunnus {wrong_check}. Asia käsiteltiin 13.10.2052. Dnro 1310/52.308/2024. Kiinteistö 111-401-5-12. "
            f"Y-tunnus 1234567-8. Laskun numero {good}. Puh. {good}.")
    assert [k for k in _kinds(text) if k[0] == "hetu"] == []


def test_private_contact_details_after_a_role_are_flagged():
    text = ("Hakija: Maija Mallikas, Koivukuja 5 A 3, 15100 Lahti, puh. 040 123 4567, "
            "maija.mallikas@gmail.com.")
    assert _kinds(text) == [("name", "Maija Mallikas"), ("address", "Koivukuja 5 A 3, 15100 Lahti"),
                            ("phone", "040 123 4567"), ("email", "maija.mallikas@gmail.com")]


def test_line_breaks_inside_values():
    text = "Oikaisuvaatimuksen on tehnyt Anna-Liisa\nKoski, Rantatie 12\nB 4, p. 050\n765 4321."
    assert _kinds(text) == [("name", "Anna-Liisa\nKoski"), ("address", "Rantatie 12\nB 4"), ("phone", "050\n765 4321")]


def test_officials_published_contact_details_are_not_flagged():
    rec = Decision(source={"path": "t", "format": "t"}, municipality="Heinola",
                   presenter=Person(name="Pirjo Hepo-oja", title="hyvinvointijohtaja", phone="050 0717 310",
                                    email="pirjo.hepo-oja@heinola.fi"))
    text = ("Lisätietoja antaa rakennustarkastaja Pekka Laine, puh. 044 797 6010, pekka.laine@heinola.fi. "
            "Esittelijän tavoittaa numerosta 050 0717 310 ja osoitteesta pirjo.hepo-oja@heinola.fi. "
            "Oikaisuvaatimus toimitetaan osoitteeseen Heinolan kaupunki, kirjaamo, Rauhankatu 3, 18100 Heinola. "
            "Valitus osoitetaan Hämeenlinnan hallinto-oikeudelle, Raatihuoneenkatu 1, 13100 Hämeenlinna. "
            "Upplysningar ger byggnadsinspektör Lars Öhman, tfn 040 555 1234.")
    assert _kinds(text, rec) == []


def test_names_in_roles_finnish_and_swedish_but_not_organisations():
    assert _kinds("Naapurit Matti ja Maija Virtanen ovat jättäneet muistutuksen.") == [
        ("name", "Matti ja Maija Virtanen")]
    assert _kinds("Avustuksen saaja: Heinolan Urheilijat ry. Hakija: Asunto Oy Koivukuja.") == []
    assert _kinds("Rättelseyrkande har framställts av Britt Sjöberg.") == [("name", "Britt Sjöberg")]
    assert _kinds("Sökande Nils Åkerlund har ansökt om bygglov.") == [("name", "Nils Åkerlund")]
    assert _kinds("Hakija on toimittanut selvityksen.") == []


def test_names_in_a_sensitive_decision_are_possible():
    text = "Asiassa on kuultu Kalle Nieminen ennen päätöstä. Sosiaalityöntekijä Tiina Pesonen valmisteli asian."
    plain = Decision(source={"path": "t", "format": "t"}, title="Katuvalaistuksen uusiminen")
    sensitive = plain.model_copy(update={"title": "Toimeentulotukea koskeva oikaisuvaatimus"})
    assert _kinds(text, plain) == []
    spans = detect(sensitive.model_copy(update={"preparation": text}))
    assert [(s.kind, text[s.start:s.end], s.confidence) for s in spans] == [("name", "Kalle Nieminen", "possible")]


def test_redaction_replaces_each_span_with_its_kind():
    text = f"Hakija: Maija Mallikas, henkilötunnus {_code('131052', '-', '308')}, puh. 040 123 4567."
    rec = Decision(source={"path": "t", "format": "t"}, preparation=text)
    rec.personal = detect(rec)
    out = redact(rec)
    assert out.preparation == "Hakija: [nimi], henkilötunnus [henkilötunnus], puh. [puhelin]."
    assert [out.preparation[s.start:s.end] for s in out.personal] == [LABELS[k] for k in ("name", "hetu", "phone")]
    assert rec.preparation == text  # the original is left as it was


def test_ingest_keeps_the_spans_in_the_record(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(detect_mod, "ISOLATE", False)
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(decision(id="a", title="Rakennuslupa", preparation=(
        "Hakija Kalle Nieminen, Koivukuja 5 B 2, 62100 Lapua, on hakenut lupaa."))) + "\n", encoding="utf-8")
    rec = parse_path(path).records[0]
    assert [(s.kind, s.field, rec.preparation[s.start:s.end]) for s in rec.personal] == [
        ("name", "preparation", "Kalle Nieminen"), ("address", "preparation", "Koivukuja 5 B 2, 62100 Lapua")]


def test_records_written_before_spans_still_load():
    old = json.dumps(decision(id="a", title="Vanha"))
    assert record_from_json(old).personal == []


def test_labelled_set_dev_half_meets_the_goals():
    """The figures of benchmarks/personal.py on the dev half stay at the goals."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import personal as bench

    s = bench.score([i for i in generate.items() if i["half"] == "dev"])

    def pr(label):
        tp, fp, fn = s["tp"][label], s["fp"][label], s["fn"][label]
        return tp / max(tp + fp, 1), tp / max(tp + fn, 1)

    assert pr("identity codes") == (1.0, 1.0)
    p, r = pr("private contact details")
    assert p >= 0.95 and r >= 0.90
    p, r = pr("names in the listed roles")
    assert p >= 0.90 and r >= 0.80
    assert s["decoys_flagged"].get("official", 0) == 0




def test_detection_is_linear_in_the_text():
    """10x the text takes about 10x the time (a ratio with a generous margin)."""
    unit = ("Hakija: Maija Mallikas, Koivukuja 5 A 3, 15100 Lahti, puh. 040 123 4567, maija@gmail.com. "
            "Lisätietoja antaa suunnittelija Pekka Laine, puh. 044 797 6010. Dnro 1234/02.05.00/2024 "
            "kiinteistö 111-401-5-12, päätös 12.3.2024. " + "a" * 300 + " Kaupunki" * 20 + "\n")
    small, big = unit * (200_000 // len(unit)), unit * (2_000_000 // len(unit))
    find(small)
    ratio = cpu_seconds(find, big) / cpu_seconds(find, small)
    assert ratio < 30, f"10x the text took {ratio:.0f}x the time"
