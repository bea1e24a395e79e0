"""Sourcing and voices: quotes, speakers, attribution forms, actor camps, voice mask, measures, seeds.

Table-driven cases of German news phrasing (written for these tests, modelled on agency copy) run
through the project's fallback pipeline (the ``nlp`` fixture). No trained model and no ../shared data.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from spacy.tokens import Doc

from analysis.measures import sourcing as S
from analysis.lexicons.model import load_lexicon
from tests.conftest import ROOT, SEEDS

CAMPS = (
    "russian_government",
    "ukrainian_government",
    "western_government",
    "nato_eu",
    "media_agency",
    "expert_civil",
    "other",
)


@pytest.fixture(scope="module")
def resources(nlp):
    return S.SourcingResources.load(ROOT / "lexicons", nlp=nlp)


def attributions(nlp, resources, text):
    doc = nlp(text)
    return doc, S.find_attributions(doc, resources)


# --------------------------------------------------------------------------- lexicons


def test_shipped_sourcing_lexicons_validate_and_declare_the_camps():
    actors = load_lexicon(ROOT / "lexicons" / "actors.toml")
    verbs = load_lexicon(ROOT / "lexicons" / "reporting_verbs.toml")
    assert tuple(actors.category_names) == CAMPS
    assert set(verbs.category_names) == {"neutral", "evaluative"}
    assert all(e.source.strip() for e in actors.entries + verbs.entries)
    ids = [e.id for e in actors.entries]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "term, category",
    [
        ("sagen", "neutral"),
        ("erklären", "neutral"),
        ("mitteilen", "neutral"),
        ("behaupten", "evaluative"),
        ("einräumen", "evaluative"),
        ("drohen", "evaluative"),
        ("warnen", "evaluative"),
        ("unterstellen", "evaluative"),
    ],
)
def test_reporting_verb_classes(resources, term, category):
    entries = resources.verbs.by_lemma[term]
    assert {e.category for e in entries} == {category}


def test_resources_from_the_lexicons_of_a_run(nlp, shipped_lexicons):
    res = S.SourcingResources.from_lexicon_set(shipped_lexicons, nlp)
    # "behaupten" lives in distancing.toml (claim_verb): evaluative for sourcing
    assert {e.category for e in res.verbs.by_lemma["behaupten"]} == {"evaluative"}
    assert set(res.versions()) == {"actors", "reporting_verbs", "distancing"}
    with pytest.raises(S.LexiconError, match="actors"):
        S.SourcingResources.from_lexicon_set([lex for lex in shipped_lexicons if lex.name != "actors"], nlp)


def test_reporting_verb_particles_and_companions(resources):
    mitteilen = resources.verbs.by_lemma["mitteilen"][0]
    assert (mitteilen.base, mitteilen.particle) == ("teilen", "mit")
    ausgehen = resources.verbs.by_lemma["ausgehen"][0]
    assert ausgehen.companions == ("davon",)
    # "heißen" only counts together with "es" ("hieß es"), not in "Der Plan heißt Frieden"
    assert resources.verbs.lookup("heißen", "", frozenset({"der", "plan", "heißen"})) is None
    assert resources.verbs.lookup("heißen", "", frozenset({"es", "heißen"})) is not None


@pytest.mark.parametrize(
    "phrase, actor, camp",
    [
        ("Kremlsprecher Dmitri Peskow", "peskow", "russian_government"),
        ("der Kreml", "kreml", "russian_government"),
        ("Moskau", "moskau", "russian_government"),
        ("das russische Außenministerium", "russian_foreign_ministry", "russian_government"),
        ("der stellvertretende russische Außenminister Sergej Rjabkow", "rjabkow", "russian_government"),
        ("Kiew", "kiew", "ukrainian_government"),
        ("der ukrainische Präsident Wolodymyr Selenskyj", "selenskyj", "ukrainian_government"),
        ("Bundeskanzler Friedrich Merz", "merz", "western_government"),
        ("ein Sprecher des Weißen Hauses", "us_government", "western_government"),
        ("Nato-Generalsekretär Mark Rutte", "rutte", "nato_eu"),
        ("der russischen Agentur Interfax", "interfax", "media_agency"),
        ("die New York Times", "us_media", "media_agency"),
        ("der Politologe", "experts", "expert_civil"),
        ("UN-Generalsekretär António Guterres", "united_nations", "other"),
        ("Kremlangaben", "kreml", "russian_government"),  # compound: prefix resolution
    ],
)
def test_actor_resolution_in_speaker_phrases(nlp, resources, phrase, actor, camp):
    doc = nlp(phrase)
    view = S._View(doc, resources)
    found = resources.actors.match(view, 0, len(doc))
    assert found, phrase
    assert found[-1][2] == actor
    assert resources.actors.camp[actor] == camp


def test_kremlin_critics_are_not_the_kremlin(nlp, resources):
    doc = nlp("Kremlkritiker")
    assert resources.actors.match(S._View(doc, resources), 0, 1) == []


# --------------------------------------------------------------------------- quotation marks


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("Er sagte: „Wir kommen.“ Dann ging er.", ["„Wir kommen.“"]),
        ("«Wir kommen», sagte er.", ["«Wir kommen»"]),
        ("»Wir kommen«, sagte er.", ["»Wir kommen«"]),
        ('"Wir kommen", sagte er.', ['"Wir kommen"']),
        ("“Wir kommen”, sagte er.", ["“Wir kommen”"]),
        ("‚Wir kommen‘, sagte er.", ["‚Wir kommen‘"]),
        # nested quotes stay inside the outer one
        ("„Er rief: ‚Halt!‘ und lief“, sagte sie.", ["„Er rief: ‚Halt!‘ und lief“"]),
        ("«Er sagte ‹nie›», so Peskow.", ["«Er sagte ‹nie›»"]),
        # across sentences
        ("„Das ist gut. Das bleibt so“, sagte er.", ["„Das ist gut. Das bleibt so“"]),
        # apostrophes are not quotation marks
        ("Putin’s Pläne und geht’s gut?", []),
        # a closing mark without an opener before its frame ends an orphan quotation (analysis.processing.quotes);
        # one inside a sentence is a scare quote that lost its opener, and is ignored
        ("Das war es“, sagte er.", ["Das war es“"]),
        ("Er nannte diese Grenzen“ im Kontext wichtig.", []),
    ],
)
def test_find_quotes_styles(text, quoted):
    assert [text[q.start : q.end] for q in S.find_quotes(text)] == quoted


def test_unbalanced_quote_ends_at_the_paragraph():
    text = "„Wir kommen nicht, sagte er.\n\nNeuer Absatz ohne Zitat."
    quotes = S.find_quotes(text)
    assert len(quotes) == 1 and not quotes[0].closed
    assert text[quotes[0].start : quotes[0].end] == "„Wir kommen nicht, sagte er."


def test_multi_paragraph_quote_without_closer_then_new_opener():
    # German convention: no closing mark at the end of a quoted paragraph, a new opener on the next one
    text = "„Erster Absatz des Zitats.\n\n„Zweiter Absatz“, sagte er."
    quotes = S.find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == ["„Erster Absatz des Zitats.", "„Zweiter Absatz“"]


def test_long_unclosed_quote_stops_at_its_sentence():
    text = "„Das ist der Anfang. " + "Danach kommt viel Text ohne Ende. " * 40
    quote = S.find_quotes(text)[0]
    assert text[quote.start : quote.end] == "„Das ist der Anfang."


# --------------------------------------------------------------------------- attribution forms


CASES = [
    # text, form, pattern, cue, speaker, message (covering span), actor
    ("„Das ist gefährlich für unser Land“, betonte Peskow.", "direct", "quote", "betonte", "Peskow", "„Das ist gefährlich für unser Land“", "peskow"),
    ("«Wir betrachten dies als Gefahr», sagte Kremlsprecher Dmitri Peskow der Agentur Interfax zufolge.", "direct", "quote", "sagte", "Kremlsprecher Dmitri Peskow", "«Wir betrachten dies als Gefahr»", "peskow"),
    ("»Wir sind offen für Gespräche«, sagte Rjabkow.", "direct", "quote", "sagte", "Rjabkow", "»Wir sind offen für Gespräche«", "rjabkow"),
    ('"Wir werden das prüfen", sagte ein Sprecher des Auswärtigen Amts.', "direct", "quote", "sagte", "ein Sprecher des Auswärtigen Amts", '"Wir werden das prüfen"', "german_government"),
    ("“Diese Fragen sind noch nicht im Gespräch”, kritisierte Putin.", "direct", "quote", "kritisierte", "Putin", "“Diese Fragen sind noch nicht im Gespräch”", "putin"),
    ("Rjabkow antwortete: „Nein, nein, nein.“", "direct", "quote", "antwortete", "Rjabkow", "„Nein, nein, nein.“", "rjabkow"),
    ("‚Wir bleiben‘, sagte Selenskyj.", "direct", "quote", "sagte", "Selenskyj", "‚Wir bleiben‘", "selenskyj"),
    ("„Man kann das nicht akzeptieren. Das hilft uns nicht“, sagte Peskow.", "direct", "quote", "sagte", "Peskow", "„Man kann das nicht akzeptieren. Das hilft uns nicht“", "peskow"),
    ("„Er rief: ‚Wir kommen nicht‘, und das war alles“, erklärte Merz.", "direct", "quote", "erklärte", "Merz", "„Er rief: ‚Wir kommen nicht‘, und das war alles“", "merz"),
    ("Bundesinnenminister Schäuble: „Wir können die Daten nicht löschen.“", "direct", "quote_context", None, "Bundesinnenminister Schäuble", "„Wir können die Daten nicht löschen.“", None),
    # indirect speech
    ("Peskow sagte, die Nato sehe Russland als Feind.", "indirect", "verb_clause", "sagte", "Peskow", "die Nato sehe Russland als Feind", "peskow"),
    ("Kiew verwies darauf, dass mehrere Staaten bereit seien.", "indirect", "verb_clause", "verwies", "Kiew", "dass mehrere Staaten bereit seien", "kiew"),
    ("Kremlchef Wladimir Putin teilte am Montag mit, dass Russland bereit sei.", "indirect", "verb_clause", "teilte … mit", "Kremlchef Wladimir Putin", "dass Russland bereit sei", "putin"),
    ("Die Lage sei ernst, sagte der Sprecher des Kremls.", "indirect", "verb_inverted", "sagte", "der Sprecher des Kremls", "Die Lage sei ernst", "kreml"),
    ("Sie würden zerstört, drohte Putin an.", "indirect", "verb_inverted", "drohte … an", "Putin", "Sie würden zerstört", "putin"),
    ("Die Lage sei ernst, so Peskow.", "indirect", "so", "so", "Peskow", "Die Lage sei ernst", "peskow"),
    ("Laut Tass lehnt Moskau die Pläne ab.", "indirect", "laut", "Laut", "Tass", "lehnt Moskau die Pläne ab", "tass"),
    ("Der Agentur Interfax zufolge lehnt der Kreml das ab.", "indirect", "zufolge", "zufolge", "Der Agentur Interfax", "lehnt der Kreml das ab", "interfax"),
    ("Nach Angaben des ukrainischen Generalstabs wurden drei Dörfer befreit.", "indirect", "nach_angaben", "Nach", "Angaben des ukrainischen Generalstabs", "wurden drei Dörfer befreit", "ukrainian_military"),
    ("Ein Kriegsziel Russlands besteht nach Kremlangaben darin, die Mitgliedschaft zu verhindern.", "indirect", "nach_angaben", "nach", "Kremlangaben", "Ein Kriegsziel Russlands besteht nach Kremlangaben darin, die Mitgliedschaft zu verhindern", "kreml"),
    ("Wie die New York Times unter Berufung auf Verhandlerkreise berichtete, würde die Ukraine eine Garantie erhalten.", "indirect", "wie", "Wie … berichtete", "die New York Times", "würde die Ukraine eine Garantie erhalten", "us_media"),
    ("Peskow räumte ein, es gebe Gesprächsbedarf.", "indirect", "verb_clause", "räumte ein", "Peskow", "es gebe Gesprächsbedarf", "peskow"),
    ("Putin behauptete, die Ukraine habe zuerst angegriffen.", "indirect", "verb_clause", "behauptete", "Putin", "die Ukraine habe zuerst angegriffen", "putin"),
    ("Die Regierung geht davon aus, dass die Gespräche scheitern.", "indirect", "verb_clause", "geht davon aus", "Die Regierung", "dass die Gespräche scheitern", None),
    ("Die Sicherheit sei garantiert, hieß es aus dem Kreml.", "indirect", "verb_inverted", "hieß es", "aus dem Kreml", "Die Sicherheit sei garantiert", "kreml"),
    # reported speech acts
    ("Putin warnte den Westen vor einer Eskalation.", "reported", "verb_object", "warnte", "Putin", "Putin warnte den Westen vor einer Eskalation.", "putin"),
    ("Bundeskanzler Friedrich Merz kritisierte die Pläne der Opposition.", "reported", "verb_object", "kritisierte", "Bundeskanzler Friedrich Merz", "Bundeskanzler Friedrich Merz kritisierte die Pläne der Opposition.", "merz"),
]


@pytest.mark.parametrize("text, form, pattern, cue, speaker, message, actor", CASES, ids=[c[0][:40] for c in CASES])
def test_attribution_forms(nlp, resources, text, form, pattern, cue, speaker, message, actor):
    doc, atts = attributions(nlp, resources, text)
    assert len(atts) == 1, [(a.pattern, a.message.text) for a in atts]
    a = atts[0]
    assert (a.form, a.pattern) == (form, pattern)
    assert (a.cue.text if a.cue else None) == cue
    assert (a.speaker.text if a.speaker else None) == speaker
    assert a.message.text == message
    assert a.actor_id == actor
    # offsets point into doc.text
    assert doc.text[a.message.start_char : a.message.end_char] == a.message.text
    if a.speaker:
        assert doc.text[a.speaker.start_char : a.speaker.end_char] == a.speaker.text


@pytest.mark.parametrize(
    "text",
    [
        "Der Krieg dauert an.",
        "Die sogenannte „Koalition der Willigen“ traf sich in Paris.",  # scare quotes, no speech
        "Er sagte das Treffen kurzfristig ab.",  # absagen is not a reporting verb
        "Das ukrainische Kriegsrecht sieht vor, dass keine Wahlen stattfinden.",  # vorsehen
        "Kommentieren Sie den Artikel.",  # imperative
        "Das erklärte Ziel der Regierung ist Frieden.",  # attributive participle
        "„Wir kommen nicht, sagte er",  # unbalanced mark: no crash, no false frame
    ],
)
def test_no_attribution(nlp, resources, text):
    doc, atts = attributions(nlp, resources, text)
    assert [a for a in atts if a.form != "direct" or a.cue] == []


def test_unbalanced_quote_does_not_crash_and_stays_direct_speech(nlp, resources):
    text = "Peskow sagte: „Wir lehnen das ab.\n\nDer Westen reagierte zurückhaltend."
    doc, atts = attributions(nlp, resources, text)
    direct = [a for a in atts if a.form == "direct"]
    assert len(direct) == 1
    assert direct[0].message.text == "„Wir lehnen das ab."
    assert direct[0].actor_id == "peskow"


def test_continuation_keeps_the_speaker(nlp, resources):
    text = "Peskow sagte, Russland sei bereit. Die Nato sehe Russland als Feind. Der Gipfel beginnt am Montag."
    doc, atts = attributions(nlp, resources, text)
    assert [a.pattern for a in atts] == ["verb_clause", "continuation"]
    cont = atts[1]
    assert cont.message.text == "Die Nato sehe Russland als Feind."
    assert (cont.actor_id, cont.actor_via) == ("peskow", "context")
    assert cont.speaker.text == "Peskow"  # the speaker phrase of the attribution it continues


def test_pronoun_speaker_takes_the_preceding_actor(nlp, resources):
    text = "„Das ist gefährlich“, sagte Putin. Sie würden zerstört, drohte er an."
    doc, atts = attributions(nlp, resources, text)
    assert [a.actor_id for a in atts] == ["putin", "putin"]
    assert [a.actor_via for a in atts] == ["speaker", "context"]
    assert atts[1].verb_class == "evaluative"


def test_agency_is_evidence_not_a_second_voice(nlp, resources):
    text = "«Wir betrachten dies als Gefahr», sagte Kremlsprecher Dmitri Peskow der russischen Agentur Interfax zufolge in Wladiwostok."
    doc, atts = attributions(nlp, resources, text)
    assert len(atts) == 1
    assert atts[0].camp == "russian_government"
    assert [ag.actor_id for ag in atts[0].agencies] == ["interfax"]
    assert atts[0].agencies[0].span.text == "Interfax"


def test_trained_model_pos_tags_are_used_when_present(nlp, resources):
    # A hand-built Doc with POS tags, as a trained model would set them: "Offiziell" is an adverb here,
    # not a noun phrase (the fallback would have to guess from the lemma).
    words = ["Offiziell", "erklärte", "die", "Regierung", ",", "sie", "sei", "bereit", "."]
    pos = ["ADV", "VERB", "DET", "NOUN", "PUNCT", "PRON", "AUX", "ADJ", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, pos=pos, sent_starts=[True] + [False] * 8)
    for name, proc in nlp.pipeline:
        if name in ("quellenlage_lemmatizer", "quellenlage_lemma_norm"):
            doc = proc(doc)
    atts = S.find_attributions(doc, resources)
    assert len(atts) == 1
    assert atts[0].speaker.text == "die Regierung"


# --------------------------------------------------------------------------- voice


def test_quoted_mask_array_queries_match_scalar_ones():
    """contains_all/overlaps_all (used by measure_sourcing) agree with contains/covered."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        pairs = rng.integers(0, 200, size=(int(rng.integers(0, 8)), 2))
        mask = S.QuotedMask([(int(a), int(a + b % 30)) for a, b in pairs], 230)
        positions = np.arange(-2, 232)
        assert mask.contains_all(positions).tolist() == [mask.contains(int(p)) for p in positions]
        starts = rng.integers(0, 230, size=100)
        ends = starts + rng.integers(-3, 40, size=100)
        expected = [mask.covered(int(a), int(b)) > 0 for a, b in zip(starts, ends)]
        assert mask.overlaps_all(starts, ends).tolist() == expected


def test_quoted_mask_quotes_vs_indirect_speech(nlp, resources):
    text = (
        "«Das hilft keiner Lösung des Ukraine-Konflikts», sagte Peskow. "
        "Peskow erinnerte daran, dass der Krieg gegen die Ukraine Wurzeln in der Nato-Erweiterung habe. "
        "Die sogenannte „Koalition der Willigen“ tagte."
    )
    doc, atts = attributions(nlp, resources, text)
    mask = S.quoted_mask(doc, atts)

    def voice(term, mask=mask):
        start = text.index(term)
        return mask.voice(start, start + len(term))

    assert voice("Ukraine-Konflikts") == "quoted"  # inside «…»: the speaker's term
    assert voice("Krieg gegen die Ukraine") == "own"  # indirect speech: the outlet's wording
    assert voice("Koalition der Willigen") == "quoted"  # scare quotes mark someone else's words
    assert voice("tagte") == "own"
    wide = S.quoted_mask(doc, atts, include_indirect=True)
    assert voice("Krieg gegen die Ukraine", wide) == "quoted"


def test_voice_indices_use_only_the_own_voice(nlp, resources, shipped_lexicons):
    war_naming = next(lex for lex in shipped_lexicons if lex.name == "war_naming")
    text = (
        "«Das hilft keiner Lösung des Ukraine-Konflikts», sagte Peskow. "
        "Russland führt seit 2022 einen Krieg gegen die Ukraine."
    )
    doc, atts = attributions(nlp, resources, text)
    mask = S.quoted_mask(doc, atts)
    assert S.voice_indices(doc, [war_naming], mask) == {
        "war_naming.aggression.own": 1,
        "war_naming.euphemism.own": 0,
        "war_naming.index_own": -1.0,
    }
    # without any own-voice match the index is undefined, not 0
    doc2, atts2 = attributions(nlp, resources, "«Das hilft keiner Lösung des Ukraine-Konflikts», sagte Peskow.")
    value = S.voice_indices(doc2, [war_naming], S.quoted_mask(doc2, atts2))["war_naming.index_own"]
    assert math.isnan(value)


# --------------------------------------------------------------------------- measures


def test_measure_names_and_definitions(nlp, resources):
    text = (
        "Moskau (dpa) – „Das ist gefährlich“, betonte Peskow. Putin behauptete, die Ukraine habe angegriffen. "
        "Laut Tass lehnt Moskau das ab. Die Armee rückte am Montag weiter vor."
    )
    doc, atts = attributions(nlp, resources, text)
    n_tokens = sum(1 for t in doc if not (t.is_punct or t.is_space))
    row = S.measure_sourcing(doc, atts, n_tokens)
    assert list(row) == S.measure_columns()
    assert row["sourcing.attributions"] == 3
    assert (row["sourcing.direct"], row["sourcing.indirect"], row["sourcing.reported"]) == (1, 2, 0)
    assert row["sourcing.quotes"] == 1
    assert row["sourcing.quotes_per_1000"] == pytest.approx(1000 / n_tokens)
    assert row["sourcing.evaluative_verb_share"] == pytest.approx(1 / 2)  # behauptete vs betonte
    assert row["sourcing.agency_citations"] == 1  # Tass
    assert row["sourcing.agency_credits"] == 1  # (dpa)
    assert row["voices.russian_government"] == 2
    assert row["voices.media_agency"] == 1
    assert row["voices.russian_government.share"] == pytest.approx(2 / 3)
    assert row["voices.resolved_share"] == 1.0
    # 4 sentences, 3 carry an attribution; all 4 are assertive, "Die Armee rückte …" has no source
    assert row["sourcing.attributed_sentence_share"] == pytest.approx(3 / 4)
    assert row["sourcing.unattributed_assertive_share"] == pytest.approx(1 / 4)


def test_measures_are_nan_when_undefined(nlp, resources):
    empty = nlp("")
    row = S.measure_sourcing(empty, [], 0)
    for name in ("sourcing.quotes_per_1000", "sourcing.attributed_sentence_share", "sourcing.unattributed_assertive_share", "sourcing.evaluative_verb_share", "voices.russian_government.share", "voices.resolved_share"):
        assert math.isnan(row[name]), name
    assert row["sourcing.attributions"] == 0
    plain = nlp("Die Armee rückte am Montag weiter vor.")
    row = S.measure_sourcing(plain, [])
    assert row["sourcing.unattributed_assertive_share"] == 1.0
    assert math.isnan(row["sourcing.evaluative_verb_share"])


def test_evidence_lines_carry_voice(nlp, resources):
    text = "„Das ist gefährlich“, betonte Peskow. Laut Tass lehnt Moskau das ab."
    doc = nlp(text)
    result = S.analyze_sourcing(doc, "a1", resources=resources)
    lines = [e.as_dict() for e in result.evidence]
    assert {e["lexicon"] for e in lines} == {"sourcing", "voices"}
    quote = next(e for e in lines if e["lexicon"] == "sourcing" and e["category"] == "direct")
    assert (quote["voice"], quote["text"]) == ("quoted", "„Das ist gefährlich“")
    voice = next(e for e in lines if e["lexicon"] == "voices" and e["entry_id"] == "peskow")
    assert (voice["category"], voice["text"], voice["voice"]) == ("russian_government", "Peskow", "own")
    agency = next(e for e in lines if e["category"] == "agency_citation")
    assert (agency["entry_id"], agency["text"]) == ("tass", "Tass")
    for e in lines:
        assert text[e["start_char"] : e["end_char"]] == e["text"]


# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seed_docs(nlp):
    from analysis.reading.corpus import read_corpus

    corpus = read_corpus(SEEDS)
    return {a.id[:3]: (a, nlp(a.text)) for a in corpus.articles}


def test_seed_000_voices_are_all_russian_government(seed_docs, resources):
    article, doc = seed_docs["000"]
    atts = S.find_attributions(doc, resources)
    assert len(atts) >= 8
    assert {a.camp for a in atts} == {"russian_government"}
    assert "peskow" in {a.actor_id for a in atts}
    quotes = [a for a in atts if a.form == "direct"]
    assert len(quotes) == 3 and {a.actor_id for a in quotes} == {"peskow"}
    row = S.measure_sourcing(doc, atts)
    assert row["voices.russian_government.share"] == 1.0
    assert row["sourcing.agency_citations"] == 1  # Interfax


def test_seed_001_quotes_putin_and_peskow_and_reports_kiew(seed_docs, resources):
    article, doc = seed_docs["001"]
    atts = S.find_attributions(doc, resources)
    quoted = {a.actor_id for a in atts if a.form == "direct"}
    assert {"putin", "peskow"} <= quoted
    kiew = [a for a in atts if a.camp == "ukrainian_government"]
    assert len(kiew) == 1 and kiew[0].speaker.text == "Kiew" and kiew[0].form == "indirect"
    assert kiew[0].message.text.startswith("dass es mindestens sieben Staaten gebe")
    evaluative = {a.verb for a in atts if a.verb_class == "evaluative"}
    assert {"behaupten", "androhen"} <= evaluative


@pytest.mark.parametrize("seed, sign", [("000", -1), ("001", -1), ("003", +1)])
def test_seed_war_naming_index_own(seed_docs, resources, shipped_lexicons, seed, sign):
    article, doc = seed_docs[seed]
    result = S.analyze_sourcing(doc, article.id, resources=resources, lexicons=shipped_lexicons, text=article.text)
    value = result.row["war_naming.index_own"]
    assert value * sign > 0, value


def test_seed_003_reposts_kremlin_positions_with_fewer_attributions(seed_docs, resources):
    # RT DE states Kremlin positions in its own voice more often than dpa (000)
    shares = {}
    for seed in ("000", "003"):
        article, doc = seed_docs[seed]
        shares[seed] = S.analyze_sourcing(doc, article.id, resources=resources).row["sourcing.unattributed_assertive_share"]
    assert shares["003"] > shares["000"]


def test_empty_quote_is_no_attribution_and_does_not_crash():
    from analysis.processing.nlp import load_base_pipeline
    from analysis.measures.sourcing import find_attributions

    nlp = load_base_pipeline("blank")
    for text in ["Er sagte: „“ Dann ging er.", "„“, sagte Peskow.", "Peskow sagte „ “ und schwieg."]:
        atts = find_attributions(nlp(text))
        assert all(a.message.text.strip() for a in atts)
