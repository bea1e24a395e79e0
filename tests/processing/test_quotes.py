"""Quoted speech (analysis.processing.quotes): speaker-labelled paragraphs, and one mask for sourcing and indicators.

German transcript, live-blog and interview layouts written for these tests; no ../shared data.
"""

from __future__ import annotations

import pytest

from analysis.measures import indicators as ind
from analysis.processing import quotes as Q
from analysis.measures import sourcing as S
from analysis.reading.corpus import Article
from analysis.processing.nlp import blank_german
from analysis.running.pipeline import analyze_doc, sourcing_resources
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bare():
    return blank_german()


@pytest.fixture(scope="module")
def resources(nlp):
    return S.SourcingResources.load(ROOT / "lexicons", nlp=nlp)


def turns(doc, text):
    return [text[s:e] for s, e in Q.speaker_turns(doc, text)]


TRANSCRIPT = (
    "Coronavirus-Update, Folge 12\n"
    "Korinna Hennig: Herr Drosten, wie schätzen Sie die Lage ein?\n"
    "Christian Drosten: Ich glaube, wir sind noch am Anfang. Das muss man ehrlich sagen.\n"
    "Korinna Hennig: Und die Schulen?\n"
    "Christian Drosten: Da bin ich vorsichtig.\n"
    "Fazit: Die Zahlen steigen weiter.\n"
    "Die Ministerin sagte: Wir prüfen das."
)


def test_speaker_turns_in_a_transcript(bare):
    doc = bare(TRANSCRIPT)
    assert turns(doc, TRANSCRIPT) == [
        "Korinna Hennig: Herr Drosten, wie schätzen Sie die Lage ein?",
        "Christian Drosten: Ich glaube, wir sind noch am Anfang. Das muss man ehrlich sagen.",
        "Korinna Hennig: Und die Schulen?",
        "Christian Drosten: Da bin ich vorsichtig.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # time stamps or roles in brackets (the tokenizer keeps "):" together), leading blanks, blank lines
        ("Vorspann.\n\n  Stew (12:43): Die Grenze bleibt zu.\nStew (12:50): Jetzt nicht mehr.",
         ["Stew (12:43): Die Grenze bleibt zu.", "Stew (12:50): Jetzt nicht mehr."]),
        # an interview: the questions are the outlet's, the answers quoted, even when they occur once
        ("Frage: Wird es einen zweiten Lockdown geben?\nAntwort: Das weiß niemand.\nFrage: Und dann?",
         ["Antwort: Das weiß niemand."]),
        ("F: Was läuft schief?\nA: Vieles, ehrlich gesagt.", ["A: Vieles, ehrlich gesagt."]),
        # one-off labels: attribution headline, lead-ins, lists, a hyphenated discourse label
        ("Kreml: Russland braucht auch Sicherheit\nPeskow sprach in Moskau.", []),
        ("Laut RKI-Chef Wieler: Die Lage ist ernst.", []),
        ("Polen: 56.684 Fälle\nJapan: 54.714 Fälle", []),
        # lead-ins stay the outlet's text even when repeated
        ("Zum Vergleich: 2019 waren es weniger.\nZum Vergleich: 2018 auch.", []),
        ("Der Grund: Geld.\nDer Grund: Macht.", []),
        ("Extra-Tipp: Viel trinken.\nExtra-Tipp: Früh schlafen.", []),
        ("Hintergrund: Die Impfpflicht gilt ab März.\nHintergrund: Seit Mai.", []),
        # no label: a lower-case word before the colon, a colon mid-paragraph, four capitalised words
        ("Die Regierung erklärte: Die Lage ist ernst.", []),
        ("Um 12:30 Uhr begann die Sitzung.", []),
        ("Das Robert Koch Institut Berlin: Die Lage ist ernst.\nDas Robert Koch Institut Berlin: Ja.", []),
    ],
)
def test_speaker_turn_cases(bare, text, expected):
    assert turns(bare(text), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the opener was in the line before (hard line breaks in scraped copy)
        ("„Die Schwimmbäder bleiben\noffen“, fügte der Ministerpräsident hinzu.",
         ["„Die Schwimmbäder bleiben", "offen“*"]),
        # a quotation of several sentences that lost its opener: its last sentence
        ("Die Zahlen sinken. Viele von uns waren schon immer immun!“ Das bedeutet wenig.",
         ["Viele von uns waren schon immer immun!“*"]),
        # after a colon: the frame stays outside
        ("Er gibt zu: Kurz gesagt, das ist die Verknüpfung aller Themen“. Dann schwieg er.",
         ["Kurz gesagt, das ist die Verknüpfung aller Themen“*"]),
        # never over the quotation before it
        ("Er sagte „Nein“ und dann: Wir kommen nicht“, so Peskow.", ["„Nein“", "Wir kommen nicht“*"]),
        # followed by a bracketed source
        ("Das stünde auf dem Spiel“ („Focus online“).", ["Das stünde auf dem Spiel“*", "„Focus online“"]),
        # scare quotes that lost their opener: a capitalised noun or a lower-case word follows
        ("Die Abkehr von ,,sündigem“ Verhalten wurde verlangt.", []),
        ("Er nannte diese Grenzen“ im Kontext wichtig.", []),
        # a lone closer inside an open quotation of another style belongs to it
        ("»Er sagte, das sei falsch“, und ging«, so Peskow.", ["»Er sagte, das sei falsch“, und ging«"]),
    ],
)
def test_orphan_closing_marks(text, expected):
    got = [text[q.start : q.end] + ("*" if q.orphan else "") for q in Q.find_quotes(text)]
    assert got == expected


def test_orphan_quotation_is_attributed_as_direct_speech(nlp, resources):
    text = "Er sprach lange.\nDa müssen wir besser werden“, sagte Jochen Schuler von der Ärztekammer."
    doc = nlp(text)
    atts = S.find_attributions(doc, resources)
    direct = [a for a in atts if a.form == "direct"]
    assert direct and direct[0].message.text.startswith("Da müssen wir besser werden")
    assert "Schuler" in direct[0].speaker.text


def test_quote_mask_reads_the_shared_definition(bare):
    """indicators.quote_mask is quotes.quoted_speech token by token, and sourcing adds only its messages."""
    text = TRANSCRIPT + "\nEr nannte das „absurd“, ein ›Skandal‹ – und »nicht hinnehmbar«."
    doc = bare(text)
    via_indicators = ind.quote_mask(doc)
    via_quotes = Q.quoted_speech(doc).token_mask(doc)
    via_sourcing = S.quoted_mask(doc, []).token_mask(doc)
    assert via_indicators == via_quotes == via_sourcing
    quoted = {t.text for t in doc if via_indicators[t.i] and not t.is_punct}
    assert {"Ich", "glaube", "wir", "absurd", "›Skandal‹", "hinnehmbar", "Korinna"} <= quoted
    assert not {"Fazit", "Zahlen", "Ministerin", "nannte"} & quoted


def test_sourcing_mask_marks_speaker_turns_as_quoted(nlp):
    """The evidence's voice and the own-voice indices count a transcript answer as quoted speech."""
    text = "Drosten: Das ist eine Pandemie.\nHennig: Wirklich?\nDrosten: Ja.\nDie Behörden sprechen von einer Epidemie."
    doc = nlp(text)
    mask = S.quoted_mask(doc, [])
    answer = text.index("Pandemie")
    own = text.index("Epidemie")
    assert mask.voice(answer, answer + len("Pandemie")) == "quoted"
    assert mask.voice(own, own + len("Epidemie")) == "own"


def test_transcript_answers_are_not_the_outlets_subjectivity(nlp, shipped_lexicons):
    """With the sourcing stage (the default) and without it, the first person of an interviewee is quoted
    speech, and the outlet's own rhetorical question still counts."""
    text = (
        "Wer soll das bezahlen?\n"
        "Frage: Wie geht es weiter?\n"
        "Antwort: Ich denke, wir schaffen das. Ehrlich gesagt bin ich ja zuversichtlich!"
    )
    doc = nlp(text)
    article = Article(id="t1", outlet="test", date="2021-03-01", title="", text=text)
    with_sourcing, _ = analyze_doc(doc, article, shipped_lexicons, sourcing_resources(shipped_lexicons, nlp))
    without, _ = analyze_doc(doc, article, shipped_lexicons, None)
    for row in (with_sourcing, without):
        assert row["subjectivity.personal"] == 0
        assert row["subjectivity.modal_particle"] == 0
        assert row["subjectivity.exclamation"] == 0
        assert row["subjectivity.question"] == 2  # the outlet's own question and its interview question
    assert with_sourcing["sourcing.quoted_token_share"] > 0.5


def test_sourcing_reexports_the_quote_finder():
    assert S.find_quotes is Q.find_quotes and S.QuotedMask is Q.QuotedMask and S.Quote is Q.Quote
    assert (ROOT / "analysis" / "processing" / "quotes.py").is_file()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Christian Drosten: Das stimmt, also es gibt natürlich Coronaviren.", True),
        ("Stew (12:43): Also, wenn du das weißt.", True),
        ("Antwort: Das weiß niemand.", True),
        ("Frage: Wird es einen zweiten Lockdown geben?", False),  # the interviewer: the outlet's voice
        ("Fazit: Die Zahlen steigen.", False),
        ("Zum Vergleich: 2019 waren es weniger.", False),
        ("Die Regierung sagte: Wir prüfen das.", False),
    ],
)
def test_single_sentences_that_open_with_a_speaker_label(bare, text, expected):
    """The subjectivity benchmark's ``speaker_label`` marker, for sentences without their paragraphs."""
    assert Q.opens_with_speaker_label(bare(text), 0) is expected
