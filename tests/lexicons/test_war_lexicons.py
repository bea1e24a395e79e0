"""The war-coverage lexicons of issue #8 on real German phrasing: positive and negative cases.

Each case is (sentence, lexicon, expected [(category, matched text)]); an empty list means the
lexicon must not match anything (exclusions, missing topic context, generic uses).
"""

from __future__ import annotations

import pytest

from analysis.explore.coverage import duplicate_terms
from analysis.lexicons.model import term_self_check

ISSUE8 = ["war_naming", "narratives", "actor_naming", "place_naming", "transliteration", "generic_frames"]

CASES = [
    # ---------------------------------------------------------------- war_naming
    ("Seit Beginn des russischen Angriffskrieges gegen die Ukraine sind Zehntausende gestorben.", "war_naming",
     [("aggression", "russischen Angriffskrieges")]),
    ("Die Annexion der Krim durch Russland im Jahr 2014 gilt als völkerrechtswidrig.", "war_naming",
     [("aggression", "Annexion der Krim")]),
    ("Die Bundesregierung verurteilte den völkerrechtswidrigen Angriff auf die Ukraine.", "war_naming",
     [("aggression", "völkerrechtswidrigen Angriff auf die Ukraine")]),
    ("Der völkerrechtswidrige Krieg gegen Serbien 1999 wird in Moskau oft zitiert.", "war_naming", []),
    ("Der deutsche Angriffskrieg gegen die Sowjetunion begann 1941, erinnerte Putin.", "war_naming", []),
    ("Moskau feiert den Jahrestag der Wiedervereinigung der Krim mit Russland.", "war_naming",
     [("euphemism", "Wiedervereinigung der Krim")]),
    ("Der Kreml nannte die Entnazifizierung und Entmilitarisierung der Ukraine als Ziele.", "war_naming",
     [("euphemism", "Entnazifizierung"), ("euphemism", "Entmilitarisierung der Ukraine")]),
    ("Das Verteidigungsministerium in Moskau meldete Fortschritte bei der Befreiung des Donbass.", "war_naming",
     [("euphemism", "Befreiung des Donbass")]),
    ("Im Bürgerkrieg in der Ostukraine starben nach UN-Angaben 13.000 Menschen.", "war_naming",
     [("euphemism", "Bürgerkrieg in der Ostukraine")]),
    ("Im Ukrainekonflikt vermitteln Deutschland und Frankreich.", "war_naming", [("euphemism", "Ukrainekonflikt")]),
    ("Beobachter der OSZE berichten über neue Gefechte im Konflikt in der Ostukraine.", "war_naming",
     [("neutral", "Konflikt in der Ostukraine")]),
    # negatives: no Russia/Ukraine context, generic words, denial
    ("Israel verschiebt die geplante Annexion von Teilen des Westjordanlands.", "war_naming", []),
    ("Die Entnazifizierung in den westlichen Besatzungszonen blieb nach 1945 oberflächlich.", "war_naming", []),
    ("Der Bürgerkrieg in Syrien dauert seit zehn Jahren an.", "war_naming", []),
    ("Moskau spricht von einer angeblichen russischen Aggression.", "war_naming", []),
    # ---------------------------------------------------------------- narratives
    ("Die Nato-Osterweiterung bis an die Grenzen Russlands sei eine Provokation, sagte Lawrow.", "narratives",
     [("pro_kremlin_nato_encirclement", "Nato-Osterweiterung"), ("pro_kremlin_nato_encirclement", "an die Grenzen Russlands")]),
    ("Der Westen betreibe seit Jahren die Einkreisung Russlands.", "narratives",
     [("pro_kremlin_nato_encirclement", "Einkreisung Russlands")]),
    ("Nach dem Maidan-Putsch kam in Kiew eine Putschregierung an die Macht.", "narratives",
     [("pro_kremlin_maidan_coup", "Maidan-Putsch"), ("pro_kremlin_maidan_coup", "Putschregierung")]),
    ("In Minsk versuche der Westen eine Farbrevolution.", "narratives", [("pro_kremlin_maidan_coup", "Farbrevolution")]),
    ("Die grassierende Russophobie in Berlin schade den Beziehungen.", "narratives",
     [("pro_kremlin_russophobia", "Russophobie")]),
    ("Die antirussischen Sanktionen seien ein Sanktionskrieg gegen Russland.", "narratives",
     [("pro_kremlin_russophobia", "antirussischen"), ("pro_kremlin_sanctions_backfire", "Sanktionskrieg")]),
    ("In der Ukraine marschieren jedes Jahr Bandera-Anhänger durch Kiew.", "narratives",
     [("pro_kremlin_ukraine_nazi_state", "Bandera-Anhänger")]),
    ("Moskau beruft sich auf legitime Sicherheitsinteressen.", "narratives",
     [("pro_kremlin_self_defence", "legitime Sicherheitsinteressen")]),
    ("Die Regierung in Kiew sei eine Marionettenregierung der USA.", "narratives",
     [("pro_kremlin_west_controls_ukraine", "Marionettenregierung")]),
    ("Der Stellvertreterkrieg der Nato in der Ukraine müsse enden.", "narratives",
     [("pro_kremlin_west_controls_ukraine", "Stellvertreterkrieg der Nato")]),
    ("Die Bundesregierung warnt vor russischer Desinformation und hybrider Kriegsführung.", "narratives",
     [("counter_disinformation", "russischer Desinformation"), ("counter_disinformation", "hybrider Kriegsführung")]),
    ("Putins imperiale Ambitionen bedrohen die Nachbarn.", "narratives", [("counter_imperialism", "imperiale Ambitionen")]),
    ("Die EU bekräftigt die territoriale Integrität der Ukraine.", "narratives",
     [("counter_sovereignty", "territoriale Integrität der Ukraine")]),
    ("Nach dem Giftanschlag auf Nawalny fordert Berlin Aufklärung von Moskau.", "narratives",
     [("counter_repression", "Giftanschlag")]),
    # negatives: generic words without the topic, single words that are not terms
    ("Der Stellvertreterkrieg im Jemen fordert weitere Opfer.", "narratives", []),
    ("Russland und die Türkei führen in Libyen einen Stellvertreterkrieg.", "narratives", []),
    ("Die USA streben einen Regimewechsel in Venezuela an, kritisiert Moskau.", "narratives", []),
    ("Die Proteste gegen Polizeigewalt in den USA kommentierte auch der Kreml.", "narratives", []),
    ("Die Polizei ermittelt nach der Vergiftung eines Hundes in Köln.", "narratives", []),
    ("Die angebliche Vergiftung Nawalnys sei eine Inszenierung, schreibt der Autor.", "narratives",
     [("pro_kremlin_false_accusations", "angebliche Vergiftung")]),
    ("Die Vergiftung Nawalnys mit Nowitschok bestätigte ein Labor der Bundeswehr.", "narratives", []),
    ("Der Putsch in Myanmar wurde international verurteilt.", "narratives", []),
    ("Rechtsextreme und Faschisten marschierten in Dresden.", "narratives", []),
    # ---------------------------------------------------------------- narratives 1.1: new categories
    ("Die Kiewer Aggression gegen den Donbass dauere seit acht Jahren an.", "narratives",
     [("pro_kremlin_ukraine_aggressor", "Kiewer Aggression")]),
    ("Kiew bereite den Einsatz einer schmutzigen Bombe vor, schreibt der Kanal.", "narratives",
     [("pro_kremlin_ukraine_aggressor", "schmutzigen Bombe")]),
    ("Die Polizei fand in dem Keller keine schmutzige Bombe.", "narratives", []),
    ("Eine ukrainische Buk-Rakete habe MH17 getroffen, heißt es in dem Beitrag.", "narratives",
     [("pro_kremlin_mh17", "ukrainische Buk-Rakete")]),
    ("Das Gericht verurteilte drei Angeklagte wegen des Abschusses von MH17 mit einer russischen Buk-Rakete.", "narratives", []),
    ("Der US-Anschlag auf Nord Stream habe Deutschland schwächen sollen.", "narratives",
     [("pro_kremlin_nord_stream", "US-Anschlag auf Nord Stream")]),
    ("Nord Stream 2 sei ein rein kommerzielles Projekt, betonte Gazprom.", "narratives",
     [("pro_kremlin_nord_stream", "rein kommerzielles Projekt")]),
    ("Die Ermittlungen zu den Explosionen an den Nord-Stream-Pipelines dauern an.", "narratives", []),
    ("Die Verfolgung der kanonischen Kirche in der Ukraine gehe weiter.", "narratives",
     [("pro_kremlin_orthodox_church", "Verfolgung der kanonischen Kirche")]),
    ("Die Orthodoxe Kirche der Ukraine feierte Weihnachten erstmals am 25. Dezember.", "narratives", []),
    ("Der Pleitestaat Ukraine hänge am Tropf des IWF.", "narratives", [("pro_kremlin_failed_state", "Pleitestaat")]),
    ("Der Staatsbankrott der Ukraine sei nur eine Frage der Zeit.", "narratives",
     [("pro_kremlin_failed_state", "Staatsbankrott der Ukraine")]),
    ("Griechenland galt in der Eurokrise manchen als Pleitestaat.", "narratives", []),
    ("Die Ukrainer seien Kanonenfutter des Westens, schreibt der Blog.", "narratives",
     [("pro_kremlin_west_disinterest", "Kanonenfutter des Westens")]),
    ("Die USA kämpften bis zum letzten Ukrainer.", "narratives",
     [("pro_kremlin_west_disinterest", "bis zum letzten Ukrainer")]),
    ("Russland schickt Häftlinge als Kanonenfutter an die Front.", "narratives", []),
    ("Das Verbot von Oppositionsparteien in der Ukraine kritisiert Moskau.", "narratives",
     [("pro_kremlin_illiberal_ukraine", "Verbot von Oppositionsparteien")]),
    ("Die Opposition in Belarus wird verfolgt, ihre Parteien wurden verboten.", "narratives", []),
    # ---------------------------------------------------------------- actor_naming
    ("Präsident Wladimir Putin empfing den Gast im Kreml.", "actor_naming",
     [("leader_title", "Präsident Wladimir Putin")]),
    ("Der belarussische Machthaber Alexander Lukaschenko ließ Proteste niederschlagen.", "actor_naming",
     [("leader_critical", "Machthaber")]),
    ("Das Lukaschenko-Regime geht gegen Journalisten vor.", "actor_naming", [("leader_critical", "Lukaschenko-Regime")]),
    ("Das Kiewer Regime setze die Blockade des Donbass fort.", "actor_naming", [("kyiv_delegitimised", "Kiewer Regime")]),
    ("Die Machthaber in Kiew verweigern den Dialog.", "actor_naming", [("kyiv_delegitimised", "Machthaber in Kiew")]),
    ("Gefechte zwischen der Armee und prorussischen Separatisten.", "actor_naming",
     [("donbas_separatists", "prorussischen Separatisten")]),
    ("Die Volksmiliz der Volksrepublik Lugansk meldete Beschuss.", "actor_naming", [("donbas_militias", "Volksmiliz")]),
    ("Der Kremlkritiker Alexej Nawalny wurde in Berlin behandelt.", "actor_naming", [("critic_recognised", "Kremlkritiker")]),
    ("Der Blogger Nawalny sei ein Agent des Westens, hieß es in Moskau.", "actor_naming", [("critic_diminished", "Blogger Nawalny")]),
    ("Der Blogger aus Moskau berichtet über Nawalny.", "actor_naming", []),
    # negatives: same labels in other contexts
    ("Der syrische Machthaber Assad ließ Aleppo bombardieren.", "actor_naming", []),
    ("Die Bloggerin aus Hamburg schreibt über Rezepte.", "actor_naming", []),
    ("Rebellen im Jemen griffen einen Tanker an.", "actor_naming", []),
    ("Russland unterstützt den syrischen Machthaber Assad.", "actor_naming", []),
    # ---------------------------------------------------------------- place_naming
    ("Das Oberhaupt der Volksrepublik Donezk lehnte ab.", "place_naming",
     [("russian_designation", "Volksrepublik Donezk")]),
    ("In der selbsternannten Volksrepublik Donezk wird gewählt.", "place_naming",
     [("contested_status", "selbsternannten Volksrepublik")]),
    ("Die Schwarzmeerflotte liegt auf der 2014 von Russland annektierten Halbinsel.", "place_naming",
     [("contested_status", "von Russland annektierten Halbinsel")]),
    ("Separatisten träumen von Neurussland.", "place_naming", [("russian_designation", "Neurussland")]),
    ("Die Proteste in Belarus halten an, die belarussische Opposition ruft zum Streik auf.", "place_naming",
     [("belarus", "Belarus"), ("belarus", "belarussische")]),
    ("Weißrusslands Präsident spricht mit weißrussischen Arbeitern.", "place_naming",
     [("weissrussland", "Weißrusslands"), ("weissrussland", "weißrussischen")]),
    # negatives
    ("Die Volksrepublik China meldet neue Infektionen.", "place_naming", []),
    ("Der Regierungschef der selbsternannten Donezker Volksrepublik sprach.", "place_naming",
     [("contested_status", "selbsternannten Donezker Volksrepublik")]),
    ("Hilfslieferungen in syrische Rebellengebiete blockiert Russland.", "place_naming", []),
    ("Die Autonome Republik Krim war Teil der Ukraine.", "place_naming", []),
    ("Israel kontrolliert die besetzten Gebiete im Westjordanland.", "place_naming", []),
    # ---------------------------------------------------------------- transliteration
    ("Die Kämpfe um Charkiw und Luhansk halten an.", "transliteration",
     [("ukrainian_standard", "Charkiw"), ("ukrainian_standard", "Luhansk")]),
    ("Die Kämpfe um Charkow und Lugansk halten an.", "transliteration",
     [("russian_style", "Charkow"), ("russian_style", "Lugansk")]),
    ("Der Donbas ist umkämpft, schreibt die Zeitung aus Kyjiw.", "transliteration",
     [("ukrainian_standard", "Donbas"), ("ukrainian_standard", "Kyjiw")]),
    ("Im Donbass und in Tschernobyl.", "transliteration", [("exonym", "Donbass"), ("exonym", "Tschernobyl")]),
    ("Ex-Präsident Petro Poroschenko traf Pjotr Poroschenko nicht.", "transliteration",
     [("ukrainian_standard", "Petro Poroschenko"), ("russian_style", "Pjotr Poroschenko")]),
    ("Der frühere Präsident Janukowytsch floh 2014.", "transliteration", [("ukrainian_standard", "Janukowytsch")]),
    ("Michail Nikolajewitsch Tuchatschewski war Marschall.", "transliteration", []),
    # ---------------------------------------------------------------- generic_frames
    ("Der Streit zwischen Berlin und Washington eskaliert.", "generic_frames",
     [("conflict", "Streit"), ("conflict", "eskaliert")]),
    ("Die Regierung trage die Verantwortung für die Versäumnisse.", "generic_frames",
     [("responsibility", "Verantwortung"), ("responsibility", "Versäumnisse")]),
    ("Es sei eine moralische Pflicht, den Menschen zu helfen.", "generic_frames",
     [("morality", "moralische"), ("morality", "Pflicht")]),
    ("Die Sanktionen kosten die deutsche Wirtschaft Milliarden.", "generic_frames",
     [("economic", "kosten"), ("economic", "Wirtschaft"), ("economic", "Milliarden")]),
    ("Ihre Tochter habe seit Wochen nicht geschlafen, erzählt die Mutter.", "generic_frames",
     [("human_interest", "Tochter"), ("human_interest", "erzählt"), ("human_interest", "Mutter")]),
    ("Die Nato verlegt zusätzliche Truppen an ihre Ostflanke.", "generic_frames",
     [("security_defence", "Truppen"), ("security_defence", "Ostflanke")]),
    ("Die Außenminister vereinbarten eine Waffenruhe und weitere Verhandlungen.", "generic_frames",
     [("diplomacy_peace", "Außenminister"), ("diplomacy_peace", "Waffenruhe"), ("diplomacy_peace", "Verhandlungen")]),
    ("Der Zug fährt um acht Uhr ab.", "generic_frames", []),
    ("Das wird mit Sicherheit teuer, sagte die zuständige Beamtin.", "generic_frames", [("economic", "teuer")]),
    ("Die Epidemie hat Tausende Menschen das Leben gekostet.", "generic_frames", []),
    ("Die Werte lagen über dem Grenzwert.", "generic_frames", []),
    ("Die Nato sei eine Wertegemeinschaft, die westliche Werte verteidige.", "generic_frames",
     [("morality", "Wertegemeinschaft"), ("morality", "westliche Werte"), ("security_defence", "verteidige")]),
]


@pytest.mark.parametrize("text, lexicon, expected", CASES, ids=[f"{c[1]}:{c[0][:40]}" for c in CASES])
def test_war_lexicon_cases(nlp, text, lexicon, expected):
    doc = nlp(text)
    found = sorted((s.label_, s.text) for s in doc.spans[lexicon])
    assert found == sorted(expected)


def test_issue8_lexicons_are_shipped_and_pass_the_check(nlp, shipped_lexicons):
    by_name = {lex.name: lex for lex in shipped_lexicons}
    assert set(ISSUE8) <= set(by_name)
    for name in ISSUE8:
        lex = by_name[name]
        assert term_self_check(nlp, lex) == [], name
        for entry in lex.entries:
            assert entry.source.strip(), (name, entry.id)
        for cat in lex.categories.values():
            assert cat.description.strip() and cat.example.strip(), (name, cat.name)
    assert duplicate_terms(shipped_lexicons) == []


def test_narrative_category_names_follow_the_convention(shipped_lexicons):
    narratives = next(lex for lex in shipped_lexicons if lex.name == "narratives")
    assert narratives.category_names
    assert all(c.startswith(("pro_kremlin_", "counter_")) for c in narratives.category_names)
    assert any(c.startswith("counter_") for c in narratives.category_names)


def test_category_examples_match_their_own_category(nlp, shipped_lexicons):
    """Every category's documented example is matched by the lexicon as that category."""
    for name in ISSUE8:
        lex = next(l for l in shipped_lexicons if l.name == name)
        for cat in lex.categories.values():
            doc = nlp(cat.example)
            assert cat.name in {s.label_ for s in doc.spans[name]}, (name, cat.name, cat.example)
