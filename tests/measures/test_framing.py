"""Per-article framing measures: counts, rates, two-pole index arithmetic, evidence spans."""

from __future__ import annotations

import math

import pytest
from spacy.tokens import Doc, Span

from analysis.measures.framing import count_sentences, count_tokens, measure_framing, pole_index, rate_per_1000, lexicon_columns


@pytest.mark.parametrize(
    "left, right, expected",
    [(0, 0, math.nan), (3, 0, -1.0), (0, 2, 1.0), (1, 1, 0.0), (5, 2, -3 / 7), (1, 3, 0.5)],
)
def test_pole_index(left, right, expected):
    value = pole_index(left, right)
    if math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == pytest.approx(expected)


def test_pole_index_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        pole_index(-1, 2)


def test_rate_per_1000():
    assert rate_per_1000(3, 600) == pytest.approx(5.0)
    assert math.isnan(rate_per_1000(0, 0))


def test_hand_built_doc_counts_rates_index_and_evidence(nlp, shipped_lexicons):
    # A hand-built Doc with spans set directly: no pipeline involved.
    words = ["Die", "militärische", "Spezialoperation", "ist", "ein", "Angriffskrieg", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, True, True, True, False, False])
    doc.spans["war_naming"] = [
        Span(doc, 1, 3, label="euphemism", span_id="spezialoperation"),
        Span(doc, 5, 6, label="aggression", span_id="angriffskrieg"),
    ]
    war = [l for l in shipped_lexicons if l.name == "war_naming"]
    row, evidence = measure_framing(doc, "a1", war)
    assert row["war_naming.euphemism"] == 1 and row["war_naming.aggression"] == 1 and row["war_naming.neutral"] == 0
    assert row["war_naming.index"] == 0.0
    assert row["war_naming.euphemism.per_1000"] == pytest.approx(1000 / 6)  # 6 words, "." is not a token
    assert [(e.text, e.entry_id, e.category) for e in evidence] == [
        ("militärische Spezialoperation", "spezialoperation", "euphemism"),
        ("Angriffskrieg", "angriffskrieg", "aggression"),
    ]
    for e in evidence:
        assert doc.text[e.start_char : e.end_char] == e.text
    assert list(row) == [c for c in lexicon_columns(war)]


def test_no_pole_match_gives_nan_index(nlp, shipped_lexicons):
    doc = nlp("Der Kanzler reiste nach Paris.")
    row, evidence = measure_framing(doc, "x", shipped_lexicons)
    assert math.isnan(row["war_naming.index"]) and math.isnan(row["transliteration.index"])
    assert evidence == []
    assert "distancing.index" not in row  # no poles, no index


def test_token_and_sentence_counts(nlp):
    doc = nlp("„Das ist gefährlich für unser Land“, betonte Peskow. Am 24. Februar 2022 begann der Krieg.")
    assert count_tokens(doc) == 15
    assert count_sentences(doc) == 2


@pytest.mark.parametrize(
    "text, lexicon, expected",
    [
        ("Russland hat gemäß dem Start seiner militärischen Spezialoperation das Ziel …", "war_naming", [("euphemism", "militärischen Spezialoperation")]),
        ("Putin hatte seinen Krieg gegen die Ukraine im Februar 2022 begonnen.", "war_naming", [("aggression", "Krieg gegen die Ukraine")]),
        ("Die Verhandlungen über ein Ende des Ukraine-Krieges.", "war_naming", [("neutral", "Ukraine-Krieges")]),
        ("die Folgen des russischen Angriffskriegs", "war_naming", [("aggression", "russischen Angriffskriegs")]),
        ("sagte der ukrainische Präsident Wladimir Selenskij", "transliteration", [("russian_style", "Wladimir Selenskij")]),
        ("Präsident Wolodymyr Selenskyj und Selenskyjs Büro", "transliteration", [("ukrainian_standard", "Wolodymyr"), ("ukrainian_standard", "Selenskyj"), ("ukrainian_standard", "Selenskyjs")]),
        ("Kiew verwies darauf", "transliteration", [("exonym", "Kiew")]),
        ("Treffen der sogenannten Koalition der Willigen", "distancing", [("so_called", "sogenannten")]),
        ("besteht nach Kremlangaben darin", "distancing", [("self_report", "nach Kremlangaben")]),
        ("etwas zu unterzeichnen, behauptete er", "distancing", [("claim_verb", "behauptete")]),
        ("Im Kalten Krieg war die Ukraine Teil der Sowjetunion.", "war_naming", []),
    ],
)
def test_shipped_lexicons_on_real_phrasing(nlp, shipped_lexicons, text, lexicon, expected):
    doc = nlp(text)
    lex = [l for l in shipped_lexicons if l.name == lexicon]
    _, evidence = measure_framing(doc, "x", lex)
    assert [(e.category, e.text) for e in evidence] == expected
