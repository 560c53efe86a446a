"""Personal-data detection finds exactly what it found before it was made
faster (issue 18): the spans of tests/fixtures/personal/parity.json.gz were
written by the detector of commit cbc4d77 (tests/make_personal_parity.py says how), over
the real corpus's records, generated benchmark decisions, the labelled set
and texts mixed from all of them with odd letters and line breaks."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from arkisto.ingest import personal
from arkisto.ingest.personal import detect
from arkisto.models import AnnualReport, Decision
from helpers import FIXTURES

ITEMS = json.loads(gzip.decompress((FIXTURES / "personal" / "parity.json.gz").read_bytes()))


@pytest.mark.parametrize("name", ["real", "generated", "labelled", "mixed"])
def test_the_same_spans_as_before(name):
    items = [i for i in ITEMS if i["set"] == name]
    assert items
    wrong = []
    for item in items:
        data = item["record"]
        rec = (Decision if data["kind"] == "decision" else AnnualReport).model_validate(data)
        got = [[s.kind, s.field, s.start, s.end, s.confidence] for s in detect(rec)]
        if got != item["spans"]:
            wrong.append((data["source"]["path"], got, item["spans"]))
    assert not wrong, f"{len(wrong)} of {len(items)} records differ; the first: {wrong[0]}"


# --- the shortcuts of the faster detector do what the plain patterns do ----------------

ROLES = ["hakija", "Hakijoilta", "muutoksenhakijat", "valittaja", "VALITTAJILLE", "valituksen tekijä",
         "oikaisuvaatimuksen tekijät", "Oikaisuvaatimuksen on tehnyt", "muistutuksen jättäjä",
         "muistutuksen ovat jättäneet", "naapuri", "naapureilta", "Asiakas", "asiakkaalle", "asiakkaiden",
         "avustuksen saaja", "avustuksensaajat", "kantelija", "sökanden", "ändringssökande",
         "Rättelseyrkande har framställts av", "rättelseyrkaren", "besvärande", "grannen", "grannarna",
         "klienterna", "bidragsmottagaren", "mottagare av bidraget", "anmärkningen har lämnats av"]
FILLER = [" ", " ", "\n", ": ", "-", "x", "ja", "1", "Matti Virtanen", "hakemus", "asia", "puh. 040 123 4567",
          "tel:+358 40 123 4567", "0501234567", "00358 40 1234 567", "p. (09) 123 456", "kotiosoite", "asuu",
          "bor  på", "yhteystiedot", "kaupungin", "hallinto-oikeus", "valitus on osoitettu", "rakennustarkastaja",
          "Lisätietoja", "mob", "gsm"]


def _texts(n: int = 3000) -> list[str]:
    rng = random.Random(18)
    out = []
    for _ in range(n):
        parts = [rng.choice(ROLES if rng.random() < 0.3 else FILLER) for _ in range(rng.randint(1, 14))]
        text = "".join(parts)
        out.append(text.upper() if rng.random() < 0.1 else text)
    return out


def test_roles_are_tried_only_near_a_hint_and_found_as_the_pattern_finds_them():
    """Every role word holds a hint near its start (a role added to the
    pattern needs one): the roles found by trying only there are those the
    pattern finds in the whole text."""
    for text in _texts() + ROLES:
        lower = text.lower()
        assert list(personal._roles(text, lower, lower)) == [m.end() for m in personal._ROLE.finditer(text)], text


def test_patterns_for_lowered_text_match_what_the_case_ignoring_ones_match():
    pairs = [(personal._LABELLED_PHONE, personal._LABELLED_PHONE_LOW),
             (personal._PRIVATE_CUE, personal._PRIVATE_CUE_LOW), (personal._OFFICIAL_CUE, personal._OFFICIAL_CUE_LOW)]
    for text in _texts():
        for plain, low in pairs:
            assert [m.span() for m in plain.finditer(text)] == [m.span() for m in low.finditer(text.lower())], text
        numbers = [m.start() for m in personal._NUMBER_START.finditer(text)]
        assert ([m.span() for m in personal._bare_phones(text, numbers)]
                == [m.span() for m in personal._BARE_PHONE.finditer(text)])


PHONE_BITS = ["puh", "puhelin", "puhelinnumero", "p", "tel", "telefonnummer", "tfn", "gsm", "mob", "matkapuh",
              "mobiili", "Mobil", "PUH", ".", ":", " ", "  ", "\n", "\t", "nro", "nro.", "(", ")", "-", "+", "+358",
              "00358", "0", "09", "040", "050", "123", "4567", "12", "1", "x", "a", "/", ",", "ä", "kp"]


def test_labelled_phones_tried_only_before_a_number_are_those_the_pattern_finds():
    """A labelled number is looked for only where a label ends right
    before a number's digits can start: what is found is what the pattern
    finds scanning the whole text, and the bare numbers tried at the same
    places are those of their own pattern."""
    rng = random.Random(29)
    texts = _texts() + ["".join(rng.choice(PHONE_BITS) for _ in range(rng.randint(1, 30))) for _ in range(20000)]
    found = 0
    for text in texts:
        low = text.lower()
        numbers = [m.start() for m in personal._NUMBER_START.finditer(text)]
        want = [m.span() for m in personal._LABELLED_PHONE_LOW.finditer(low)]
        assert [m.span() for m in personal._labelled_phones(low, numbers)] == want, text
        assert ([m.span() for m in personal._bare_phones(text, numbers)]
                == [m.span() for m in personal._BARE_PHONE.finditer(text)]), text
        found += len(want)
    assert found > 1000


def test_letters_that_only_match_ignoring_case_are_found_as_before():
    """ "ı" and "ſ" match "i" and "s" when case is ignored, but lowering
    keeps them: such a text is searched ignoring case, as before."""
    text = ("Hakıja Matti Virtanen, puh. 040 123 4567. Naapuri Maija Mallikas, kotıosoite Koivukuja 5, "
            "aſiakas Pekka Laine.")
    rec = Decision(source={"path": "t", "format": "t"}, preparation=text)
    assert [(s.kind, text[s.start:s.end]) for s in detect(rec)] == [
        ("name", "Matti Virtanen"), ("phone", "040 123 4567"), ("name", "Maija Mallikas"), ("address", "Koivukuja 5"),
        ("name", "Pekka Laine")]


def test_address_hint_is_the_plain_patterns():
    rng = random.Random(31)
    bits = list(personal._SUFFIXES) + ["Koivu", "Iso", " ", "\n", "\t", "5", "12", "a", "x", "-", ",", "ä", "KATU"]
    texts = _texts() + ["".join(rng.choice(bits) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    hits = 0
    for text in texts:
        want = personal._ADDRESS_HINT.search(text) is not None
        assert personal._address_hint(text) == want, text
        hits += want
    assert hits > 50
