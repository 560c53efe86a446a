"""A deterministic generator of realistic Finnish municipal decisions.

    python benchmarks/generate.py N OUT_DIR [--seed S] [--per-file K] [--workers W]

writes N decisions as arkisto JSON files (a JSON list of K records per file,
default 10) named ``d000000.json`` … .  The same seed gives the same bytes,
whatever the number of worker processes (each file is drawn from its own
random stream, and the workers split the files into ranges).  The corpus is
written one file at a time, never held in memory.  Over 10,000 files (N over
100,000 at K = 10) the files go into subfolders of 1,000 (``012/d012345.json``),
as a real archive's years and committees would: one flat folder of 100,000
files is not what arkisto meets, and is slow to list.

The corpus is built to make the analysis cost real: bodies of 150–600 words
(proposal, decision, preparation) from templates filled with real Finnish
administrative vocabulary in realistic inflected forms (about 90 nouns in nine
forms each, 30 verbs in five, 15 adjectives in five, plus committees, people,
organisations and places in their own cases).  Around it: 15 committees, 60
presenters with titles, 200 funded projects with funders (OKM, OPH, AVI, EU,
ELY, STM …; each mention with its normalised key and funders, the amount in
its role and year, a stage, and for a third of the projects a funding
programme shared with others of the same funder), meeting dates over 20 years (2005–2024), § numbers, case ids
(diaarinumero) and outcomes.

Up to N = 100,000 the universe is that one (60 presenters, 200 projects), so
the 10k and 100k corpora stay byte for byte what earlier runs measured.  A
larger N is a region's archive rather than a town's: ``universe_size`` gives
it N / 100 presenters and N / 200 projects (10,000 and 5,000 at a million,
the facet cardinalities issue 18 asks for), the historic 60 and 200 first
and the rest from larger name pools (compound surnames, projects per place).

Each file is generated from its own random stream (seed, file number,
revision), so ``make_file(seed, n, k, revision=1)`` rewrites one file with new
text but the same record ids, dates and committees: that is what the
benchmark's incremental update uses.  ``make_queries`` draws search queries
from the same vocabulary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

# --- vocabulary ------------------------------------------------------------------

# Nouns: nominative, genitive, partitive, illative, inessive, adessive,
# plural nominative, plural genitive, plural partitive.
NOUN_CASES = ("nom", "gen", "part", "ill", "ine", "ade", "plnom", "plgen", "plpart")
_NOUNS = """
päätös päätöksen päätöstä päätökseen päätöksessä päätöksellä päätökset päätösten päätöksiä
hanke hankkeen hanketta hankkeeseen hankkeessa hankkeella hankkeet hankkeiden hankkeita
rakennuslupa rakennusluvan rakennuslupaa rakennuslupaan rakennusluvassa rakennusluvalla rakennusluvat rakennuslupien rakennuslupia
avustus avustuksen avustusta avustukseen avustuksessa avustuksella avustukset avustusten avustuksia
valtionavustus valtionavustuksen valtionavustusta valtionavustukseen valtionavustuksessa valtionavustuksella valtionavustukset valtionavustusten valtionavustuksia
talousarvio talousarvion talousarviota talousarvioon talousarviossa talousarviolla talousarviot talousarvioiden talousarvioita
määräraha määrärahan määrärahaa määrärahaan määrärahassa määrärahalla määrärahat määrärahojen määrärahoja
kaavoitus kaavoituksen kaavoitusta kaavoitukseen kaavoituksessa kaavoituksella kaavoitukset kaavoitusten kaavoituksia
asemakaava asemakaavan asemakaavaa asemakaavaan asemakaavassa asemakaavalla asemakaavat asemakaavojen asemakaavoja
yleiskaava yleiskaavan yleiskaavaa yleiskaavaan yleiskaavassa yleiskaavalla yleiskaavat yleiskaavojen yleiskaavoja
sopimus sopimuksen sopimusta sopimukseen sopimuksessa sopimuksella sopimukset sopimusten sopimuksia
hankinta hankinnan hankintaa hankintaan hankinnassa hankinnalla hankinnat hankintojen hankintoja
tarjous tarjouksen tarjousta tarjoukseen tarjouksessa tarjouksella tarjoukset tarjousten tarjouksia
lausunto lausunnon lausuntoa lausuntoon lausunnossa lausunnolla lausunnot lausuntojen lausuntoja
valtuusto valtuuston valtuustoa valtuustoon valtuustossa valtuustolla valtuustot valtuustojen valtuustoja
koulu koulun koulua kouluun koulussa koululla koulut koulujen kouluja
päiväkoti päiväkodin päiväkotia päiväkotiin päiväkodissa päiväkodilla päiväkodit päiväkotien päiväkoteja
kiinteistö kiinteistön kiinteistöä kiinteistöön kiinteistössä kiinteistöllä kiinteistöt kiinteistöjen kiinteistöjä
tontti tontin tonttia tonttiin tontissa tontilla tontit tonttien tontteja
katu kadun katua katuun kadussa kadulla kadut katujen katuja
vesihuolto vesihuollon vesihuoltoa vesihuoltoon vesihuollossa vesihuollolla vesihuollot vesihuoltojen vesihuoltoja
ympäristö ympäristön ympäristöä ympäristöön ympäristössä ympäristöllä ympäristöt ympäristöjen ympäristöjä
palvelu palvelun palvelua palveluun palvelussa palvelulla palvelut palvelujen palveluja
asukas asukkaan asukasta asukkaaseen asukkaassa asukkaalla asukkaat asukkaiden asukkaita
oppilas oppilaan oppilasta oppilaaseen oppilaassa oppilaalla oppilaat oppilaiden oppilaita
opetus opetuksen opetusta opetukseen opetuksessa opetuksella opetukset opetusten opetuksia
varhaiskasvatus varhaiskasvatuksen varhaiskasvatusta varhaiskasvatukseen varhaiskasvatuksessa varhaiskasvatuksella varhaiskasvatukset varhaiskasvatusten varhaiskasvatuksia
kustannus kustannuksen kustannusta kustannukseen kustannuksessa kustannuksella kustannukset kustannusten kustannuksia
selvitys selvityksen selvitystä selvitykseen selvityksessä selvityksellä selvitykset selvitysten selvityksiä
esitys esityksen esitystä esitykseen esityksessä esityksellä esitykset esitysten esityksiä
valitus valituksen valitusta valitukseen valituksessa valituksella valitukset valitusten valituksia
oikaisuvaatimus oikaisuvaatimuksen oikaisuvaatimusta oikaisuvaatimukseen oikaisuvaatimuksessa oikaisuvaatimuksella oikaisuvaatimukset oikaisuvaatimusten oikaisuvaatimuksia
henkilöstö henkilöstön henkilöstöä henkilöstöön henkilöstössä henkilöstöllä henkilöstöt henkilöstöjen henkilöstöjä
virka viran virkaa virkaan virassa viralla virat virkojen virkoja
toimitila toimitilan toimitilaa toimitilaan toimitilassa toimitilalla toimitilat toimitilojen toimitiloja
peruskorjaus peruskorjauksen peruskorjausta peruskorjaukseen peruskorjauksessa peruskorjauksella peruskorjaukset peruskorjausten peruskorjauksia
liikunta liikunnan liikuntaa liikuntaan liikunnassa liikunnalla liikunnat liikuntojen liikuntoja
kirjasto kirjaston kirjastoa kirjastoon kirjastossa kirjastolla kirjastot kirjastojen kirjastoja
nuoriso nuorison nuorisoa nuorisoon nuorisossa nuorisolla nuorisot nuorisojen nuorisoja
vanhuspalvelu vanhuspalvelun vanhuspalvelua vanhuspalveluun vanhuspalvelussa vanhuspalvelulla vanhuspalvelut vanhuspalvelujen vanhuspalveluja
liikenne liikenteen liikennettä liikenteeseen liikenteessä liikenteellä liikenteet liikenteiden liikenteitä
joukkoliikenne joukkoliikenteen joukkoliikennettä joukkoliikenteeseen joukkoliikenteessä joukkoliikenteellä joukkoliikenteet joukkoliikenteiden joukkoliikenteitä
pysäköinti pysäköinnin pysäköintiä pysäköintiin pysäköinnissä pysäköinnillä pysäköinnit pysäköintien pysäköintejä
jätehuolto jätehuollon jätehuoltoa jätehuoltoon jätehuollossa jätehuollolla jätehuollot jätehuoltojen jätehuoltoja
maankäyttö maankäytön maankäyttöä maankäyttöön maankäytössä maankäytöllä maankäytöt maankäyttöjen maankäyttöjä
investointi investoinnin investointia investointiin investoinnissa investoinnilla investoinnit investointien investointeja
tilinpäätös tilinpäätöksen tilinpäätöstä tilinpäätökseen tilinpäätöksessä tilinpäätöksellä tilinpäätökset tilinpäätösten tilinpäätöksiä
vuokra vuokran vuokraa vuokraan vuokrassa vuokralla vuokrat vuokrien vuokria
maksu maksun maksua maksuun maksussa maksulla maksut maksujen maksuja
lupa luvan lupaa lupaan luvassa luvalla luvat lupien lupia
ilmoitus ilmoituksen ilmoitusta ilmoitukseen ilmoituksessa ilmoituksella ilmoitukset ilmoitusten ilmoituksia
suunnitelma suunnitelman suunnitelmaa suunnitelmaan suunnitelmassa suunnitelmalla suunnitelmat suunnitelmien suunnitelmia
strategia strategian strategiaa strategiaan strategiassa strategialla strategiat strategioiden strategioita
yhteistyö yhteistyön yhteistyötä yhteistyöhön yhteistyössä yhteistyöllä yhteistyöt yhteistöiden yhteistöitä
kunta kunnan kuntaa kuntaan kunnassa kunnalla kunnat kuntien kuntia
kaupunki kaupungin kaupunkia kaupunkiin kaupungissa kaupungilla kaupungit kaupunkien kaupunkeja
alue alueen aluetta alueeseen alueessa alueella alueet alueiden alueita
tie tien tietä tiehen tiessä tiellä tiet teiden teitä
silta sillan siltaa siltaan sillassa sillalla sillat siltojen siltoja
puisto puiston puistoa puistoon puistossa puistolla puistot puistojen puistoja
uimahalli uimahallin uimahallia uimahalliin uimahallissa uimahallilla uimahallit uimahallien uimahalleja
terveyskeskus terveyskeskuksen terveyskeskusta terveyskeskukseen terveyskeskuksessa terveyskeskuksella terveyskeskukset terveyskeskusten terveyskeskuksia
kehittäminen kehittämisen kehittämistä kehittämiseen kehittämisessä kehittämisellä kehittämiset kehittämisten kehittämisiä
toteuttaminen toteuttamisen toteuttamista toteuttamiseen toteuttamisessa toteuttamisella toteuttamiset toteuttamisten toteuttamisia
urakka urakan urakkaa urakkaan urakassa urakalla urakat urakoiden urakoita
urakoitsija urakoitsijan urakoitsijaa urakoitsijaan urakoitsijassa urakoitsijalla urakoitsijat urakoitsijoiden urakoitsijoita
hakemus hakemuksen hakemusta hakemukseen hakemuksessa hakemuksella hakemukset hakemusten hakemuksia
vaikutus vaikutuksen vaikutusta vaikutukseen vaikutuksessa vaikutuksella vaikutukset vaikutusten vaikutuksia
tavoite tavoitteen tavoitetta tavoitteeseen tavoitteessa tavoitteella tavoitteet tavoitteiden tavoitteita
toimenpide toimenpiteen toimenpidettä toimenpiteeseen toimenpiteessä toimenpiteellä toimenpiteet toimenpiteiden toimenpiteitä
rahoitus rahoituksen rahoitusta rahoitukseen rahoituksessa rahoituksella rahoitukset rahoitusten rahoituksia
energiatehokkuus energiatehokkuuden energiatehokkuutta energiatehokkuuteen energiatehokkuudessa energiatehokkuudella energiatehokkuudet energiatehokkuuksien energiatehokkuuksia
ilmasto ilmaston ilmastoa ilmastoon ilmastossa ilmastolla ilmastot ilmastojen ilmastoja
hallintosääntö hallintosäännön hallintosääntöä hallintosääntöön hallintosäännössä hallintosäännöllä hallintosäännöt hallintosääntöjen hallintosääntöjä
kokous kokouksen kokousta kokoukseen kokouksessa kokouksella kokoukset kokousten kokouksia
pöytäkirja pöytäkirjan pöytäkirjaa pöytäkirjaan pöytäkirjassa pöytäkirjalla pöytäkirjat pöytäkirjojen pöytäkirjoja
liite liitteen liitettä liitteeseen liitteessä liitteellä liitteet liitteiden liitteitä
muutos muutoksen muutosta muutokseen muutoksessa muutoksella muutokset muutosten muutoksia
vuosi vuoden vuotta vuoteen vuodessa vuodella vuodet vuosien vuosia
sisäilma sisäilman sisäilmaa sisäilmaan sisäilmassa sisäilmalla sisäilmat sisäilmojen sisäilmoja
kouluverkko kouluverkon kouluverkkoa kouluverkkoon kouluverkossa kouluverkolla kouluverkot kouluverkkojen kouluverkkoja
kiinteistövero kiinteistöveron kiinteistöveroa kiinteistöveroon kiinteistöverossa kiinteistöverolla kiinteistöverot kiinteistöverojen kiinteistöveroja
veroprosentti veroprosentin veroprosenttia veroprosenttiin veroprosentissa veroprosentilla veroprosentit veroprosenttien veroprosentteja
kesätyöntekijä kesätyöntekijän kesätyöntekijää kesätyöntekijään kesätyöntekijässä kesätyöntekijällä kesätyöntekijät kesätyöntekijöiden kesätyöntekijöitä
kotihoito kotihoidon kotihoitoa kotihoitoon kotihoidossa kotihoidolla kotihoidot kotihoitojen kotihoitoja
kulttuuri kulttuurin kulttuuria kulttuuriin kulttuurissa kulttuurilla kulttuurit kulttuurien kulttuureja
yritys yrityksen yritystä yritykseen yrityksessä yrityksellä yritykset yritysten yrityksiä
elinkeino elinkeinon elinkeinoa elinkeinoon elinkeinossa elinkeinolla elinkeinot elinkeinojen elinkeinoja
työllisyys työllisyyden työllisyyttä työllisyyteen työllisyydessä työllisyydellä työllisyydet työllisyyksien työllisyyksiä
hyvinvointi hyvinvoinnin hyvinvointia hyvinvointiin hyvinvoinnissa hyvinvoinnilla hyvinvoinnit hyvinvointien hyvinvointeja
valvonta valvonnan valvontaa valvontaan valvonnassa valvonnalla valvonnat valvontojen valvontoja
vahingonkorvaus vahingonkorvauksen vahingonkorvausta vahingonkorvaukseen vahingonkorvauksessa vahingonkorvauksella vahingonkorvaukset vahingonkorvausten vahingonkorvauksia
poikkeamislupa poikkeamisluvan poikkeamislupaa poikkeamislupaan poikkeamisluvassa poikkeamisluvalla poikkeamisluvat poikkeamislupien poikkeamislupia
maa-alue maa-alueen maa-aluetta maa-alueeseen maa-alueessa maa-alueella maa-alueet maa-alueiden maa-alueita
"""

NOUNS: list[dict[str, str]] = []
for _line in _NOUNS.strip().splitlines():
    _forms = _line.split()
    assert len(_forms) == len(NOUN_CASES), _line
    NOUNS.append(dict(zip(NOUN_CASES, _forms)))

# Verbs: infinitive, 3rd person present, past passive, present passive, passive participle.
VERB_FORMS = ("inf", "pres", "pastpass", "prespass", "partpass")
_VERBS = """
päättää päättää päätettiin päätetään päätetty
hyväksyä hyväksyy hyväksyttiin hyväksytään hyväksytty
myöntää myöntää myönnettiin myönnetään myönnetty
esittää esittää esitettiin esitetään esitetty
merkitä merkitsee merkittiin merkitään merkitty
valmistella valmistelee valmisteltiin valmistellaan valmisteltu
toteuttaa toteuttaa toteutettiin toteutetaan toteutettu
käsitellä käsittelee käsiteltiin käsitellään käsitelty
hakea hakee haettiin haetaan haettu
osoittaa osoittaa osoitettiin osoitetaan osoitettu
valtuuttaa valtuuttaa valtuutettiin valtuutetaan valtuutettu
kehittää kehittää kehitettiin kehitetään kehitetty
rakentaa rakentaa rakennettiin rakennetaan rakennettu
selvittää selvittää selvitettiin selvitetään selvitetty
antaa antaa annettiin annetaan annettu
hylätä hylkää hylättiin hylätään hylätty
palauttaa palauttaa palautettiin palautetaan palautettu
vuokrata vuokraa vuokrattiin vuokrataan vuokrattu
myydä myy myytiin myydään myyty
ostaa ostaa ostettiin ostetaan ostettu
nimetä nimeää nimettiin nimetään nimetty
edellyttää edellyttää edellytettiin edellytetään edellytetty
tarkistaa tarkistaa tarkistettiin tarkistetaan tarkistettu
korjata korjaa korjattiin korjataan korjattu
jatkaa jatkaa jatkettiin jatketaan jatkettu
laatia laatii laadittiin laaditaan laadittu
kilpailuttaa kilpailuttaa kilpailutettiin kilpailutetaan kilpailutettu
siirtää siirtää siirrettiin siirretään siirretty
perustaa perustaa perustettiin perustetaan perustettu
lakkauttaa lakkauttaa lakkautettiin lakkautetaan lakkautettu
"""
VERBS: list[dict[str, str]] = []
for _line in _VERBS.strip().splitlines():
    _forms = _line.split()
    assert len(_forms) == len(VERB_FORMS), _line
    VERBS.append(dict(zip(VERB_FORMS, _forms)))

# Adjectives: nominative, genitive, partitive, inessive, plural genitive.
ADJ_FORMS = ("nom", "gen", "part", "ine", "plgen")
_ADJS = """
uusi uuden uutta uudessa uusien
kunnallinen kunnallisen kunnallista kunnallisessa kunnallisten
julkinen julkisen julkista julkisessa julkisten
yhteinen yhteisen yhteistä yhteisessä yhteisten
alueellinen alueellisen alueellista alueellisessa alueellisten
kestävä kestävän kestävää kestävässä kestävien
nykyinen nykyisen nykyistä nykyisessä nykyisten
tarpeellinen tarpeellisen tarpeellista tarpeellisessa tarpeellisten
vuotuinen vuotuisen vuotuista vuotuisessa vuotuisten
sosiaalinen sosiaalisen sosiaalista sosiaalisessa sosiaalisten
taloudellinen taloudellisen taloudellista taloudellisessa taloudellisten
digitaalinen digitaalisen digitaalista digitaalisessa digitaalisten
merkittävä merkittävän merkittävää merkittävässä merkittävien
lopullinen lopullisen lopullista lopullisessa lopullisten
väliaikainen väliaikaisen väliaikaista väliaikaisessa väliaikaisten
"""
ADJS: list[dict[str, str]] = []
for _line in _ADJS.strip().splitlines():
    _forms = _line.split()
    assert len(_forms) == len(ADJ_FORMS), _line
    ADJS.append(dict(zip(ADJ_FORMS, _forms)))

# Committees: nominative, genitive, allative, and a short code for case ids.
COMMITTEES = [
    ("Kaupunginvaltuusto", "Kaupunginvaltuuston", "Kaupunginvaltuustolle", "KV"),
    ("Kaupunginhallitus", "Kaupunginhallituksen", "Kaupunginhallitukselle", "KH"),
    ("Sivistyslautakunta", "Sivistyslautakunnan", "Sivistyslautakunnalle", "SIV"),
    ("Tekninen lautakunta", "Teknisen lautakunnan", "Tekniselle lautakunnalle", "TEK"),
    ("Ympäristölautakunta", "Ympäristölautakunnan", "Ympäristölautakunnalle", "YMP"),
    ("Rakennuslautakunta", "Rakennuslautakunnan", "Rakennuslautakunnalle", "RAK"),
    ("Perusturvalautakunta", "Perusturvalautakunnan", "Perusturvalautakunnalle", "PER"),
    ("Vapaa-aikalautakunta", "Vapaa-aikalautakunnan", "Vapaa-aikalautakunnalle", "VAP"),
    ("Kasvatus- ja opetuslautakunta", "Kasvatus- ja opetuslautakunnan", "Kasvatus- ja opetuslautakunnalle", "KOL"),
    ("Kulttuurilautakunta", "Kulttuurilautakunnan", "Kulttuurilautakunnalle", "KUL"),
    ("Tarkastuslautakunta", "Tarkastuslautakunnan", "Tarkastuslautakunnalle", "TAR"),
    ("Keskusvaalilautakunta", "Keskusvaalilautakunnan", "Keskusvaalilautakunnalle", "KVL"),
    ("Elinvoimalautakunta", "Elinvoimalautakunnan", "Elinvoimalautakunnalle", "ELI"),
    ("Kaupunkisuunnittelulautakunta", "Kaupunkisuunnittelulautakunnan", "Kaupunkisuunnittelulautakunnalle", "KSL"),
    ("Konsernijaosto", "Konsernijaoston", "Konsernijaostolle", "KJ"),
]
# How often each committee meets relative to the others (the board and the
# council decide far more items than the electoral committee).
COMMITTEE_WEIGHTS = [6, 12, 8, 8, 5, 6, 7, 4, 7, 3, 2, 1, 4, 5, 2]

TITLES = [
    "kaupunginjohtaja", "sivistysjohtaja", "tekninen johtaja", "ympäristöpäällikkö", "rakennustarkastaja",
    "perusturvajohtaja", "vapaa-aikajohtaja", "kulttuuripäällikkö", "hallintojohtaja", "talousjohtaja",
    "kaavoituspäällikkö", "elinvoimajohtaja", "henkilöstöpäällikkö", "opetuspäällikkö", "varhaiskasvatusjohtaja",
]
FIRST_NAMES = """Matti Pekka Juha Timo Jari Mika Kari Antti Sari Anne Päivi Tiina Minna Riitta Hanna Johanna
Heikki Markku Outi Katja Jukka Petri Leena Merja Tuula Satu Eija Marko Ville Laura""".split()
LAST_NAMES = """Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen
Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen
Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen""".split()

# For the larger universes (N over 100,000): more first names, and compound
# surnames (Kivimäki, Koivuniemi, Rantasalo …) with their genitives.
EXTRA_FIRST_NAMES = """Aino Eero Ilkka Kirsi Lauri Marja Niina Olli Pirjo Raimo Seppo Tarja Ulla Veikko Anu Elina
Harri Jaana Kimmo Maarit Noora Paula Reijo Sanna Tuomas Vesa Hannu Irma Kaisa Esa""".split()
SURNAME_ROOTS = """Kivi Koivu Haapa Leppä Mänty Kuusi Honka Tammi Pihlaja Kataja Kallio Ranta Järvi Lampi Suo
Niitty Pelto Metsä Vuori Harju Hiekka Mylly Silta Kirkko Kylä Talo Oja Puro Virta Halla""".split()
SURNAME_ENDINGS = {"mäki": "mäen", "niemi": "niemen", "salo": "salon", "lahti": "lahden", "aho": "ahon",
                   "järvi": "järven", "ranta": "rannan", "vuori": "vuoren", "koski": "kosken", "saari": "saaren",
                   "kangas": "kankaan", "lehto": "lehdon", "maa": "maan", "luoma": "luoman"}
# Themes of further projects; with PROJECT_THEMES, each place and each
# suffix: 40 x 12 x 10 = 4,800 more names.
EXTRA_PROJECT_THEMES = [
    "Koulupolku", "Hyvä arki", "Vihreä siirtymä", "Osallistava budjetointi", "Kaikkien kirjasto", "Ikäystävällinen kunta",
    "Lähiliikunta", "Kotona asumisen tuki", "Nuorten ääni", "Vesihuollon varmistus", "Sujuva asiointi",
    "Kulttuurikasvatus", "Kiusaamisesta vapaa koulu", "Matkailun kehittäminen", "Kestävä liikkuminen",
    "Ruokahävikin vähentäminen", "Lukutaidon vahvistaminen", "Perheiden tuki", "Työllisyyden kuntakokeilu",
    "Metsäpolku",
]
FUNDERS = ["OKM", "OPH", "AVI", "EU", "ELY", "STM", "Business Finland", "Ympäristöministeriö", "Leader", "EU/ELY",
           "ESR", "TEM"]
PROJECT_THEMES = [
    "Liikkuva koulu", "Digitaalinen opetus", "Kestävä kaupunki", "Hyvinvoiva ikääntyjä", "Nuorten työpaja",
    "Kulttuuripolku", "Energiaremontti", "Luontopolku", "Kotoutumisen tuki", "Lukuinto", "Harrastamisen malli",
    "Etsivä nuorisotyö", "Tasa-arvoinen varhaiskasvatus", "Vesistökunnostus", "Kiertotalous", "Kylien kehittäminen",
    "Yrittäjyyskasvatus", "Mielenterveyden tuki", "Pyöräilyn edistäminen", "Älykäs liikenne",
]
PROJECT_SUFFIXES = ["I", "II", "III", "2.0", "Plus", "Rantakylä", "Keskusta", "Pohjoinen", "Itä", "2030"]

# Places: nominative, genitive, inessive/adessive ("where").
PLACES = [
    ("Kirkonkylä", "Kirkonkylän", "Kirkonkylässä"), ("Rantakylä", "Rantakylän", "Rantakylässä"),
    ("Keskusta", "Keskustan", "Keskustassa"), ("Harju", "Harjun", "Harjulla"), ("Mäntylä", "Mäntylän", "Mäntylässä"),
    ("Koivula", "Koivulan", "Koivulassa"), ("Myllymäki", "Myllymäen", "Myllymäellä"),
    ("Kankaanpää", "Kankaanpään", "Kankaanpäässä"), ("Asemanseutu", "Asemanseudun", "Asemanseudulla"),
    ("Peltola", "Peltolan", "Peltolassa"), ("Hakala", "Hakalan", "Hakalassa"), ("Honkimäki", "Honkimäen", "Honkimäellä"),
]
# Organisations: nominative, allative.
ORG_KINDS = [
    ("Kotiseutuyhdistys", "Kotiseutuyhdistykselle"), ("Urheiluseura", "Urheiluseuralle"),
    ("Nuorisoseura", "Nuorisoseuralle"), ("Kylätoimikunta", "Kylätoimikunnalle"),
    ("Vanhempainyhdistys", "Vanhempainyhdistykselle"), ("Marttayhdistys", "Marttayhdistykselle"),
    ("Eläkeläisyhdistys", "Eläkeläisyhdistykselle"), ("Partiolippukunta", "Partiolippukunnalle"),
    ("Kuntayhtymä", "Kuntayhtymälle"), ("Vesiosuuskunta", "Vesiosuuskunnalle"),
]
MUNICIPALITIES = ["Lapua", "Kangasala", "Heinola"]
MUNICIPALITY_WEIGHTS = [5, 3, 2]
TASK_CODES = ["00.00.00", "02.02.02", "02.05.00", "02.06.00", "02.07.00", "10.03.02", "10.03.03", "12.00.00",
              "14.00.00", "05.00.00", "01.01.00", "11.01.00"]

OUTCOMES = ["approved", "amended", "noted", "tabled", "returned", "voted", "rejected"]
OUTCOME_WEIGHTS = [70, 8, 10, 4, 3, 3, 2]
DECISION_TEXT = {
    "approved": "Ehdotus hyväksyttiin yksimielisesti.",
    "amended": "Ehdotus hyväksyttiin muutettuna siten, että",
    "noted": "Merkittiin tiedoksi.",
    "tabled": "Asia jätettiin pöydälle seuraavaan kokoukseen.",
    "returned": "Asia palautettiin uudelleen valmisteluun.",
    "voted": "Äänestyksen jälkeen ehdotus hyväksyttiin äänin 7–4.",
    "rejected": "Ehdotus hylättiin.",
}


def _gen_surname(name: str) -> str:
    for end, gen in SURNAME_ENDINGS.items():
        if name.endswith(end):
            return name[: -len(end)] + gen
    if name.endswith("nen"):
        return name[:-3] + "sen"
    if name == "Niemi":
        return "Niemen"
    return name + "n"


HISTORIC_PRESENTERS, HISTORIC_PROJECTS = 60, 200


def universe_size(n: int) -> tuple[int, int]:
    """(presenters, projects) for an N-decision corpus: the historic 60 and
    200 up to 100,000 (so those corpora do not change), then N / 100 and
    N / 200, as many as the name pools hold."""
    if n <= 100_000:
        return HISTORIC_PRESENTERS, HISTORIC_PROJECTS
    people = (len(FIRST_NAMES) + len(EXTRA_FIRST_NAMES)) * (len(LAST_NAMES) + len(_compound_surnames()))
    projects = HISTORIC_PROJECTS + len(PROJECT_THEMES + EXTRA_PROJECT_THEMES) * len(PLACES) * len(PROJECT_SUFFIXES)
    return min(n // 100, people), min(n // 200, projects)


def _compound_surnames() -> list[str]:
    return [root + end for root in SURNAME_ROOTS for end in SURNAME_ENDINGS if root.lower() != end]


class Universe:
    """Committees, presenters and projects: the same for every file of a seed."""

    def __init__(self, seed: int, presenters: int = HISTORIC_PRESENTERS, projects: int = HISTORIC_PROJECTS):
        if presenters < HISTORIC_PRESENTERS or projects < HISTORIC_PROJECTS:
            raise ValueError(f"a universe has at least {HISTORIC_PRESENTERS} presenters and "
                             f"{HISTORIC_PROJECTS} projects")
        rng = random.Random(f"{seed}:universe")
        people = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(people)
        self.presenters = []
        for i, (first, last) in enumerate(people[:60]):
            self.presenters.append({
                "name": f"{first} {last}", "title": TITLES[i % len(TITLES)],
                "gen": f"{first} {_gen_surname(last)}", "last": last,
            })
        # Each committee has four regular presenters, drawn without overlap.
        self.projects = []
        for theme in PROJECT_THEMES:
            for suffix in PROJECT_SUFFIXES:
                self.projects.append({"name": f"{theme} {suffix}", "funder": rng.choice(FUNDERS)})
        rng.shuffle(self.projects)
        assert len(self.projects) == 200
        # Word frequencies: Zipf-like global weights, and each committee has
        # its own core vocabulary, so that words range from rare to everywhere.
        order = list(range(len(NOUNS)))
        rng.shuffle(order)
        self.noun_weights = [0.0] * len(NOUNS)
        for rank, i in enumerate(order):
            self.noun_weights[i] = 1.0 / (rank + 1) ** 0.8
        self.committee_nouns = [rng.sample(range(len(NOUNS)), 30) for _ in COMMITTEES]
        self.committee_verbs = [rng.sample(range(len(VERBS)), 12) for _ in COMMITTEES]
        # The larger universes: drawn after all of the above, from a stream of
        # their own, so the historic one is unchanged.
        if presenters > HISTORIC_PRESENTERS or projects > HISTORIC_PROJECTS:
            self._grow(random.Random(f"{seed}:universe:large"), presenters, projects)
        # Each committee has its own regular presenters (four in the historic
        # universe), drawn without overlap.
        per = len(self.presenters) // len(COMMITTEES)
        self.committee_presenters = [self.presenters[per * c: per * c + per] for c in range(len(COMMITTEES))]

    def _grow(self, rng: random.Random, presenters: int, projects: int) -> None:
        taken = {p["name"] for p in self.presenters}
        pool = [(first, last) for first in FIRST_NAMES + EXTRA_FIRST_NAMES
                for last in LAST_NAMES + _compound_surnames() if f"{first} {last}" not in taken]
        rng.shuffle(pool)
        if presenters - len(self.presenters) > len(pool):
            raise ValueError(f"at most {len(pool) + len(taken)} presenters")
        for first, last in pool[: presenters - len(self.presenters)]:
            self.presenters.append({
                "name": f"{first} {last}", "title": TITLES[len(self.presenters) % len(TITLES)],
                "gen": f"{first} {_gen_surname(last)}", "last": last,
            })
        names = [f"{theme} {place[0]} {suffix}" for theme in PROJECT_THEMES + EXTRA_PROJECT_THEMES
                 for place in PLACES for suffix in PROJECT_SUFFIXES]
        rng.shuffle(names)
        if projects - len(self.projects) > len(names):
            raise ValueError(f"at most {len(names) + len(self.projects)} projects")
        for name in names[: projects - len(self.projects)]:
            self.projects.append({"name": name, "funder": rng.choice(FUNDERS)})

    @classmethod
    def for_n(cls, seed: int, n: int) -> "Universe":
        """The universe of an N-decision corpus (``universe_size``)."""
        return cls(seed, *universe_size(n))


# --- text ------------------------------------------------------------------------


def _amount(rng: random.Random) -> str:
    n = rng.choice([rng.randrange(1, 100) * 500, rng.randrange(10, 900) * 1000, rng.randrange(1, 50) * 100])
    return f"{n:,}".replace(",", " ")


_ROLES_OF_STAGE = {"application": "applied", "grant": "granted", "acceptance": "granted", "own_share": "own_share",
                   "report": "total_cost", "closure": "total_cost"}
_PROGRAMMES = ["erityisavustus", "kehittämisavustus", "valtionavustus", "hankehaku"]


def _fill_projects(funded: list[dict], seed: int, recno: int, year: int) -> None:
    """The fields the ingest fills on a project (key, funders, amounts with
    their role and year, stage, programme), from the project as drawn and a
    stream of their own, so the rest of the corpus is unchanged."""
    rng = random.Random(f"{seed}:{recno}:projects")
    for p in funded:
        stage = rng.choice(list(_ROLES_OF_STAGE) + ["mention"])
        euros = float(p["amount"].replace(" €", "").replace(" ", ""))
        p.update(key=p["name"].casefold(), funders=[f.strip() for f in p["funder"].split("/")], years=[year],
                 stage=stage, sentence=f"{p['name']} -hanke {p['amount']}.")
        if stage != "mention":
            p["amounts"] = [{"euros": euros, "role": _ROLES_OF_STAGE[stage], "year": year, "text": p["amount"]}]
        theme = sum(map(ord, p["name"])) % 3  # a third of the projects belong to a programme of their funder
        if theme == 0:
            p["programme"] = f"{p['funder']} {_PROGRAMMES[len(p['name']) % len(_PROGRAMMES)]}"


class Writer:
    def __init__(self, rng: random.Random, uni: Universe, committee: tuple, year: int, projects: list[dict],
                 presenter: dict):
        self.rng = rng
        self.uni = uni
        self.committee = committee
        self.year = year
        self.projects = projects
        self.presenter = presenter
        # This decision's vocabulary: mostly its committee's core words, some
        # from the whole (Zipf-weighted) vocabulary.
        ci = COMMITTEES.index(committee)
        pool = rng.sample(uni.committee_nouns[ci], 14)
        pool += rng.choices(range(len(NOUNS)), uni.noun_weights, k=8)
        self.nouns = [NOUNS[i] for i in dict.fromkeys(pool)]
        vpool = rng.sample(uni.committee_verbs[ci], 6) + [rng.randrange(len(VERBS)) for _ in range(2)]
        self.verbs = [VERBS[i] for i in dict.fromkeys(vpool)]

    def n(self, case: str) -> str:
        return self.rng.choice(self.nouns)[case]

    def v(self, form: str) -> str:
        return self.rng.choice(self.verbs)[form]

    def a(self, form: str) -> str:
        return self.rng.choice(ADJS)[form]

    def place(self, i: int) -> str:
        return self.rng.choice(PLACES)[i]

    def org(self, allative: bool = False) -> str:
        place = self.rng.choice(PLACES)[1]
        kind = self.rng.choice(ORG_KINDS)
        return f"{place} {kind[1] if allative else kind[0]}" + ("" if allative else " ry")

    def project(self) -> str:
        if self.projects:
            return self.rng.choice(self.projects)["name"]
        return self.rng.choice(self.uni.projects)["name"]

    def sentence(self) -> str:
        r = self.rng
        c = self.committee
        t = r.randrange(34)
        if t == 0:
            return f"{c[0]} päättää myöntää {self.org(True)} avustusta {_amount(r)} euroa {self.project()} -hankkeeseen."
        if t == 1:
            return f"Hankkeen kokonaiskustannukset ovat {_amount(r)} euroa, josta {self.n('gen')} osuus on {r.randrange(10, 90)} prosenttia."
        if t == 2:
            return f"{c[0]} {self.v('pres')} {self.a('gen')} {self.n('gen')} {self.n('nom')} {self.place(2)}."
        if t == 3:
            return f"Asiasta on pyydetty lausunto {r.choice(COMMITTEES)[2].lower()} {self.n('gen')} {self.n('ill')} liittyen."
        if t == 4:
            return f"{self.n('gen').capitalize()} {self.n('nom')} {self.v('pastpass')} {c[1].lower()} kokouksessa {r.randrange(1, 29)}.{r.randrange(1, 13)}.{self.year}."
        if t == 5:
            return f"Talousarviossa vuodelle {self.year} on varattu {self.n('part')} varten {_amount(r)} euron määräraha."
        if t == 6:
            return f"Edellä esitetyn perusteella {self.n('gen')} {self.n('part')} {self.v('prespass')} {self.a('ine')} {self.n('ine')}."
        if t == 7:
            return f"Hallintosäännön {r.randrange(1, 20)} luvun {r.randrange(1, 140)} §:n mukaan {c[0].lower()} {self.v('pres')} {self.n('gen')} {self.n('part')}."
        if t == 8:
            p = self.presenter
            return f"Lisätietoja antaa {p['title']} {p['name']}, puhelin 040 {r.randrange(100, 999)} {r.randrange(1000, 9999)}."
        if t == 9:
            return f"{self.n('plnom').capitalize()} ja {self.n('plnom')} {self.v('pastpass')} {self.n('gen')} {self.n('ine')}."
        if t == 10:
            return f"{self.uni.projects[r.randrange(len(self.uni.projects))]['funder']} on myöntänyt {self.project()} -hankkeelle {_amount(r)} euroa valtionavustusta."
        if t == 11:
            return f"Tarjouspyyntöön saatiin määräaikaan mennessä {r.randrange(2, 12)} tarjousta, joista {self.a('nom')} {self.n('nom')} oli kokonaistaloudellisesti edullisin."
        if t == 12:
            return f"{self.place(1)} {self.n('gen')} {self.n('nom')} {self.v('prespass')} {self.year + 1} {self.n('ade')}."
        if t == 13:
            return f"Kaupunki {self.v('pres')} {self.n('part')} yhteistyössä {self.org()} kanssa."
        if t == 14:
            return f"Asukkaille järjestettiin tilaisuus {self.place(2)}, jossa käsiteltiin {self.n('plgen')} {self.n('part')} ja {self.n('plpart')}."
        if t == 15:
            return f"{c[0]} on {self.v('partpass')} {self.n('part')} {self.a('ine')} {self.n('ine')} {self.year}."
        if t == 16:
            return f"{self.n('gen').capitalize()} {self.n('plnom')} on esitetty {self.n('gen')} liitteessä {r.randrange(1, 6)}."
        if t == 17:
            return f"Päätöksestä voi tehdä kirjallisen oikaisuvaatimuksen {c[2].lower()} 14 päivän kuluessa sen tiedoksisaannista."
        if t == 18:
            return f"{self.n('gen').capitalize()} {self.n('nom')} edellyttää {self.a('gen')} {self.n('gen')} {self.v('inf')}."
        if t == 19:
            return f"Valtuusto {self.v('pastpass')} {self.year} {self.a('gen')} {self.n('gen')} {self.n('part')} koskevan {self.n('gen')}."
        if t == 20:
            return f"Rakennuslupahakemus koskee {self.n('gen')} {self.n('part')} tontilla {r.randrange(1, 40)}-{r.randrange(1, 400)}-{r.randrange(1, 30)}-{r.randrange(1, 20)}."
        if t == 21:
            return f"{self.a('gen').capitalize()} {self.n('gen')} {self.n('ill')} {self.v('prespass')} {_amount(r)} euroa."
        if t == 22:
            return f"{self.org()} on hakenut {self.n('part')} {self.project()} -hankkeen {self.n('ill')}."
        if t == 23:
            return f"{self.n('plgen').capitalize()} {self.n('plpart')} on {self.v('partpass')} {self.n('ine')} {self.a('part')} {self.n('part')}."
        if t == 24:
            return f"{c[0]} {self.v('pres')} {self.n('part')} ja {self.v('pres')} {self.n('gen')} {self.n('nom')}."
        if t == 25:
            return f"Sopimuskausi on {self.year}–{self.year + r.randrange(1, 5)}, ja sopimukseen sisältyy {r.randrange(1, 3)} optiovuotta."
        if t == 26:
            return f"{self.n('gen').capitalize()} {self.n('plnom')} {self.v('prespass')} {self.n('gen')} {self.n('ade')} vuoden {self.year} aikana."
        if t == 27:
            return f"Ympäristövaikutusten arvioinnissa tarkasteltiin {self.n('gen')} vaikutuksia {self.n('ill')} ja {self.n('ill')}."
        if t == 28:
            return f"{self.n('nom').capitalize()} {self.v('prespass')} {self.a('ine')} {self.n('ine')} {self.place(1)} alueella."
        if t == 29:
            return f"Esittelijä {self.presenter['title']} {self.presenter['name']} {self.v('pres')} {self.n('part')}."
        if t == 30:
            return f"{self.n('ine').capitalize()} on otettu huomioon {self.n('gen')} ja {self.n('gen')} {self.n('plnom')}."
        if t == 31:
            return f"{self.a('nom').capitalize()} {self.n('nom')} on {self.a('nom')} {self.n('ade')} {self.n('part')} varten."
        if t == 32:
            return f"{self.n('gen').capitalize()} {self.n('plgen')} {self.n('nom')} on {r.randrange(100, 9999)} neliömetriä."
        return f"{self.n('nom').capitalize()} {self.v('pres')} {self.n('part')} {self.n('ill')}."

    def text(self, words: int) -> str:
        """Paragraphs of sentences, about ``words`` words."""
        paras: list[str] = []
        cur: list[str] = []
        count = 0
        while count < words:
            s = self.sentence()
            cur.append(s)
            count += len(s.split())
            if len(cur) >= self.rng.randrange(2, 6):
                paras.append(" ".join(cur))
                cur = []
        if cur:
            paras.append(" ".join(cur))
        return "\n\n".join(paras)


TITLE_TEMPLATES = [
    "Avustuksen myöntäminen {proj} -hankkeelle",
    "{Ngen} {nom}",
    "Lausunto: {ngen} {nom}",
    "Talousarvion {year} muutos: {nom}",
    "{Place} asemakaavan muutos",
    "Rakennuslupa, {place} {nom}",
    "Hankinta: {nom} {year}",
    "{Nom} {year}–{year2}",
    "Oikaisuvaatimus {ngen} päätöksestä",
    "{Ngen} {nom} ja {nom2}",
    "Tilinpäätös {year}",
    "{Place} {ngen} peruskorjaus",
]


def make_record(uni: Universe, rng: random.Random, seed: int, recno: int, path: str, meta_rng: random.Random) -> dict:
    # Metadata comes from meta_rng (independent of the revision), text from rng.
    ci = meta_rng.choices(range(len(COMMITTEES)), COMMITTEE_WEIGHTS)[0]
    committee = COMMITTEES[ci]
    day = date(2005, 1, 1) + timedelta(days=meta_rng.randrange(20 * 365 + 5))
    while day.weekday() > 3:  # meetings Monday to Thursday
        day -= timedelta(days=1)
    presenter = meta_rng.choice(uni.committee_presenters[ci]) if meta_rng.random() < 0.85 else meta_rng.choice(
        uni.presenters)
    funded = []
    if meta_rng.random() < 0.4:
        for p in meta_rng.sample(uni.projects, meta_rng.choice([1, 1, 1, 2, 3])):
            funded.append({"name": p["name"], "funder": p["funder"], "amount": f"{_amount(meta_rng)} €"})
    _fill_projects(funded, seed, recno, day.year)
    outcome = meta_rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
    section = meta_rng.randrange(1, 320)
    case_id = f"{committee[3]}/{meta_rng.randrange(1, 3000)}/{meta_rng.choice(TASK_CODES)}/{day.year}"
    municipality = meta_rng.choices(MUNICIPALITIES, MUNICIPALITY_WEIGHTS)[0]
    preparers = [meta_rng.choice(uni.presenters) for _ in range(meta_rng.choice([0, 1, 1, 2]))]

    w = Writer(rng, uni, committee, day.year, funded, presenter)
    n1, n2 = rng.choice(NOUNS), rng.choice(NOUNS)
    place = rng.choice(PLACES)
    title = rng.choice(TITLE_TEMPLATES).format(
        proj=w.project(), Ngen=n1["gen"].capitalize(), ngen=n1["gen"], nom=n2["nom"], Nom=n2["nom"].capitalize(),
        nom2=rng.choice(NOUNS)["nom"], year=day.year, year2=day.year + rng.randrange(1, 4), Place=place[1],
        place=place[0],
    )
    total = rng.randrange(150, 601)
    n_prop = max(25, int(total * rng.uniform(0.15, 0.3)))
    n_dec = max(8, int(total * rng.uniform(0.05, 0.12)))
    n_prep = max(40, total - n_prop - n_dec)
    proposal = f"{presenter['title'].capitalize()} {presenter['name']}:\n\n" + w.text(n_prop)
    decision = DECISION_TEXT[outcome]
    if outcome in ("amended", "approved", "voted"):
        decision += " " + w.text(n_dec)
    rec = {
        "kind": "decision",
        "id": f"bench-{seed}-{recno:07d}",
        "municipality": municipality,
        "committee": committee[0],
        "meeting_date": day.isoformat(),
        "section": str(section),
        "title": title,
        "case_id": case_id,
        "presenter": {"name": presenter["name"], "title": presenter["title"]},
        "preparers": [{"name": p["name"], "title": p["title"]} for p in preparers],
        "proposal": proposal,
        "decision": decision,
        "outcome": outcome,
        "preparation": w.text(n_prep),
        "funded_projects": funded,
        "language": "fi",
        "source": {"path": path, "format": "arkisto-json"},
    }
    return rec


FLAT_MAX_FILES = 10_000  # more files than this go into subfolders
FILES_PER_FOLDER = 1_000


def file_name(file_no: int) -> str:
    return f"d{file_no:06d}.json"


def file_count(n: int, per_file: int = 10) -> int:
    return (n + per_file - 1) // per_file


def file_path(file_no: int, n: int, per_file: int = 10) -> str:
    """The file's path under the corpus folder: flat up to FLAT_MAX_FILES
    files (the 10k and 100k corpora as they were), else in subfolders of
    FILES_PER_FOLDER (``012/d012345.json``)."""
    if file_count(n, per_file) <= FLAT_MAX_FILES:
        return file_name(file_no)
    return f"{file_no // FILES_PER_FOLDER:03d}/{file_name(file_no)}"


def make_file(seed: int, file_no: int, n: int, per_file: int = 10, revision: int = 0,
              uni: Universe | None = None) -> list[dict]:
    """The records of file ``file_no`` of an N-record corpus."""
    uni = uni or Universe.for_n(seed, n)
    rng = random.Random(f"{seed}:{file_no}:{revision}")
    meta = random.Random(f"{seed}:{file_no}:meta")
    first = file_no * per_file
    out = []
    for recno in range(first, min(n, first + per_file)):
        rec = make_record(uni, rng, seed, recno, file_path(file_no, n, per_file), meta)
        if revision:
            rec["preparation"] += f"\n\nKorjattu versio {revision}."
        out.append(rec)
    return out


def write_file(out_dir: Path, seed: int, file_no: int, n: int, per_file: int = 10, revision: int = 0,
               uni: Universe | None = None) -> Path:
    """Write one file, through a temporary name and a rename: a file that
    exists is replaced, not rewritten in place, so a corpus copied as hard
    links (bench.py) keeps the cached original intact."""
    path = out_dir / file_path(file_no, n, per_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    recs = make_file(seed, file_no, n, per_file, revision, uni)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(recs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _write_range(out_dir: Path, seed: int, n: int, per_file: int, start: int, stop: int) -> int:
    uni = Universe.for_n(seed, n)
    for f in range(start, stop):
        write_file(out_dir, seed, f, n, per_file, 0, uni)
    return stop - start


def generate(n: int, out_dir: Path, seed: int = 1, per_file: int = 10, workers: int = 1) -> int:
    """Write the corpus; ``workers`` processes each write a contiguous range
    of files (the bytes are the same for any number of workers)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = file_count(n, per_file)
    workers = max(1, min(workers, files))
    if workers == 1:
        _write_range(out_dir, seed, n, per_file, 0, files)
        return files
    import multiprocessing

    bounds = [files * i // workers for i in range(workers + 1)]
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(workers) as pool:
        done = pool.starmap(_write_range, [(out_dir, seed, n, per_file, bounds[i], bounds[i + 1])
                                           for i in range(workers)])
    assert sum(done) == files
    return files


# --- queries -------------------------------------------------------------------------


def make_queries(seed: int = 1, count: int = 220, n: int = 0) -> list[dict]:
    """Deterministic search queries: {"kind", "text", "filters", "words", "phrase"}.

    kinds: word1, word2, word3 (bare words, AND), phrase (2–3 consecutive words
    of a generated sentence, quoted), filtered (1–2 words + year + committee).
    ``words`` are the query's words as typed (for engines without a parser).
    ``n`` picks the corpus's universe (its presenters' names)."""
    rng = random.Random(f"{seed}:queries")
    uni = Universe.for_n(seed, n)

    def word() -> str:
        r = rng.random()
        if r < 0.6:
            return rng.choice(NOUNS)[rng.choice(NOUN_CASES)]
        if r < 0.75:
            return rng.choice(VERBS)[rng.choice(VERB_FORMS)]
        if r < 0.85:
            return rng.choice(ADJS)[rng.choice(ADJ_FORMS)]
        if r < 0.92:
            return rng.choice(uni.presenters)["last"]
        return rng.choice(PLACES)[rng.randrange(3)]

    import re

    def phrase_words() -> list[str]:
        ci = rng.randrange(len(COMMITTEES))
        w = Writer(rng, uni, COMMITTEES[ci], rng.randrange(2005, 2025), [], rng.choice(uni.presenters))
        word_re = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
        while True:
            # k consecutive words of a sentence, not across a number or a comma.
            toks = w.sentence().split()
            k = rng.choice([2, 2, 3])
            starts = list(range(len(toks) - k + 1))
            rng.shuffle(starts)
            for i in starts:
                win = toks[i: i + k]
                inner = [t for t in win[:-1]] + [win[-1].rstrip(".,:")]
                if all(word_re.fullmatch(t) for t in inner) and any(len(t) > 3 for t in inner):
                    return [t.lower() for t in inner]

    plan = [("word1", 70), ("word2", 35), ("word3", 30), ("phrase", 40), ("filtered", 45)]
    scale = count / sum(c for _, c in plan)
    out = []
    for kind, c in plan:
        for _ in range(max(1, round(c * scale))):
            filters: dict[str, list[str]] = {}
            phrase = False
            if kind == "phrase":
                words = phrase_words()
                phrase = True
                text = '"' + " ".join(words) + '"'
            else:
                k = {"word1": 1, "word2": 2, "word3": 3}.get(kind) or rng.choice([1, 1, 2])
                words = [word() for _ in range(k)]
                text = " ".join(words)
                if kind == "filtered":
                    filters = {"year": [str(rng.randrange(2005, 2025))],
                               "committee": [rng.choices(COMMITTEES, COMMITTEE_WEIGHTS)[0][0]]}
            out.append({"kind": kind, "text": text, "words": words, "phrase": phrase, "filters": filters})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of decisions")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-file", type=int, default=10, metavar="K", help="records per file (default 10)")
    ap.add_argument("--workers", type=int, default=1, metavar="W",
                    help="processes writing files (default 1; the output is the same for any W)")
    args = ap.parse_args(argv)
    files = generate(args.n, args.out_dir, args.seed, args.per_file, args.workers)
    presenters, projects = universe_size(args.n)
    print(f"{args.n} decisions in {files} files under {args.out_dir} "
          f"({presenters} presenters, {projects} funded projects)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
