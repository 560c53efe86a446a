"""HTML in a layout no system parser knows: read by the conventions reader
from the page's content, without its furniture (issue 13: a KTweb navigation
bar's "Esityslistat/pöytäkirjat" was read as the decision's title)."""

from __future__ import annotations

from pathlib import Path

from arkisto.ingest import parse_path

PAGE = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
<title>Kaupunginhallitus 14.10.2024 § 301 - Iisalmen kaupunki</title></head><body>
<div id="top-nav"><a href="/">Etusivu</a> | <a href="/kokoukset">Esityslistat ja pöytäkirjat</a> |
<a href="/vh">Viranhaltijapäätökset</a></div>
<div class="murupolku"><a href="/kokoukset">Kokoukset</a> &gt; <a href="/kh">Kaupunginhallitus</a> &gt; § 301</div>
<table><tr><td valign="top" class="vasen">
<ul><li><a href="/kh">Kaupunginhallitus</a></li><li><a href="/kv">Kaupunginvaltuusto</a></li>
<li><a href="/tela">Tekninen lautakunta</a></li></ul></td>
<td valign="top"><h2>§ 301 Kiinteistön myynti Peltosalmelta</h2>
<p>Kaupunginhallitus päättää myydä kiinteistön 140-8-12-3 hintaan 42 000 euroa.</p>
<p><b>Päätös</b> Hyväksyttiin.</p></td></tr></table>
<div class="alatunniste">Iisalmen kaupunki, Kauppakatu 22, 74100 Iisalmi, puh. 017 272 31</div>
</body></html>"""


def test_unknown_page_is_read_without_its_furniture(tmp_path: Path):
    f = tmp_path / "sivu.html"
    f.write_text(PAGE, encoding="utf-8")
    r = parse_path(f)
    [rec] = r.records
    assert r.format == "minutes-html"
    assert (rec.section, rec.title) == ("301", "Kiinteistön myynti Peltosalmelta")
    assert rec.municipality == "Iisalmi"
    assert rec.decision == "Hyväksyttiin."
    text = " ".join(x or "" for x in (rec.proposal, rec.decision, rec.preparation))
    assert "Kaupunginhallitus päättää myydä kiinteistön 140-8-12-3" in text
    for furniture in ("Esityslistat ja pöytäkirjat", "Viranhaltijapäätökset", "Tekninen lautakunta",
                      "Kauppakatu 22", "Kokoukset"):
        assert furniture not in text


def test_a_page_of_nothing_but_links_is_still_indexed(tmp_path: Path):
    f = tmp_path / "valikko.html"
    f.write_text('<html><body><ul><li><a href="/a">Kaupunginhallitus</a></li>'
                 '<li><a href="/b">Kaupunginvaltuusto</a></li></ul></body></html>', encoding="utf-8")
    r = parse_path(f)
    [rec] = r.records
    assert "Kaupunginvaltuusto" in rec.preparation
    assert any("only navigation" in p.message for p in r.problems)
