"""Reliability indicators: quotes, reportative 'sollen', epistemic stance, subjectivity cues, tone, outlet profile."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.measures import indicators as ind
from analysis.measures import readability
from analysis.stats.aggregate import OUTLET_COLUMNS, BootstrapSettings
from analysis.lexicons.model import load_lexicons
from analysis.lexicons.importing import PolarityLexicon
from analysis.processing.nlp import blank_german
from analysis.running.pipeline import build_pipeline

ROOT = Path(__file__).resolve().parents[2]
CUE_LEXICONS = [ROOT / "lexicons" / f"{n}.toml" for n in ("hedges", "boosters", "loaded_language", "distancing")]


@pytest.fixture(scope="module")
def nlp():
    loaded = load_lexicons(CUE_LEXICONS)
    assert not loaded.refused, loaded.refused
    return build_pipeline(loaded.lexicons, "blank")


@pytest.fixture(scope="module")
def bare():
    """No lexicons at all: lexicon-based values must be NaN, not 0."""
    return blank_german()


# --------------------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    "text, quoted_words",
    [
        ("«Das ist gefährlich», betonte Peskow.", ["Das", "ist", "gefährlich"]),
        ("Er sagte: „Warum nicht?“ Dann ging er.", ["Warum", "nicht"]),
        ("»Nein«, sagte sie.", ["Nein"]),
        ("Die “Koalition der Willigen” tagt.", ["Koalition", "der", "Willigen"]),
        ('Er nannte es "absurd" und ging.', ["absurd"]),
        # an unclosed quote ends at the paragraph break
        ("„Das ist absurd\n\nDie Regierung schwieg.", ["Das", "ist", "absurd"]),
        # transcript turns (the label opens two paragraphs); a one-off label and an attribution heading are
        # the outlet's text (analysis.processing.quotes)
        ("Hennig: Was ist denn anders?\nDrosten: Vieles.\nHennig: Wieso?",
         ["Hennig", "Was", "ist", "denn", "anders", "Hennig", "Wieso"]),
        ("Korinna Hennig: Was ist denn anders?", []),
        ("Kreml: Russland braucht auch Sicherheit\n\nPeskow sprach.", []),
        # a discourse label is not a speaker
        ("Fazit: Diplomatie vor Militär", []),
    ],
)
def test_quote_mask(bare, text, quoted_words):
    doc = bare(text)
    mask = ind.quote_mask(doc)
    got = [t.text for t in doc if mask[t.i] and not t.is_punct]
    assert got == quoted_words


# --------------------------------------------------------------------------- reportative sollen


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russland soll Truppen an die Grenze verlegt haben.", ["soll Truppen an die Grenze verlegt haben"]),
        ("Bei dem Angriff sollen mehrere Menschen getötet worden sein.", ["sollen mehrere Menschen getötet worden sein"]),
        ("Der Mann, der das Geld gestohlen haben soll, ist flüchtig.", ["gestohlen haben soll"]),
        ("Der Täter soll geflohen sein, berichtet die Polizei.", ["soll geflohen sein"]),
        ("Er soll krank gewesen sein.", ["soll krank gewesen sein"]),
        # plan or obligation, not hearsay
        ("Die Ukraine soll eine Sicherheitsgarantie des Westens erhalten.", []),
        ("Jeder soll Zugang haben.", []),
        ("Die Truppe soll die Ukraine unterstützen und bereit sein.", []),
        # conditional
        ("Er sollte das gewusst haben.", []),
    ],
)
def test_reportative_sollen(bare, text, expected):
    assert [s.text for s in ind.reportative_sollen_spans(bare(text))] == expected


# --------------------------------------------------------------------------- epistemic


def test_epistemic_counts_rates_balance_and_evidence(nlp):
    text = "Moskau lehnt das kategorisch ab. Die Angaben sind offenbar unbestätigt. Russland soll Truppen verlegt haben. Rund 200 Soldaten."
    doc = nlp(text)
    row, evidence = ind.measure_epistemic(doc, "a1")
    # hedges: offenbar (appearance), unbestätigt (unverified), reportative sollen; "rund" is an approximator
    assert row["epistemic.hedges"] == 3
    assert row["epistemic.boosters"] == 1  # kategorisch
    assert row["epistemic.reportative_sollen"] == 1
    n_tokens = 18
    assert row["epistemic.hedges_per_1000"] == pytest.approx(1000 * 3 / n_tokens)
    assert row["epistemic.certainty_balance"] == pytest.approx((1 - 3) / 4)
    [ev] = evidence
    assert (ev.lexicon, ev.entry_id, ev.text) == ("epistemic", "reportative_sollen", "soll Truppen verlegt haben")
    assert text[ev.start_char : ev.end_char] == ev.text


def test_doubt_adjectives_of_the_distancing_lexicon_count_as_hedges(nlp):
    row, _ = ind.measure_epistemic(nlp("Der angebliche Angriff auf die umstrittene Anlage."))
    assert row["epistemic.hedges"] == 2  # angeblich (distancing.doubt), umstritten (hedges.doubt)


def test_epistemic_without_lexicons_is_nan(bare):
    row, _ = ind.measure_epistemic(bare("Das ist eindeutig so."))
    assert math.isnan(row["epistemic.hedges"]) and math.isnan(row["epistemic.boosters"])
    assert math.isnan(row["epistemic.certainty_balance"])
    assert row["epistemic.reportative_sollen"] == 0


def test_certainty_balance_nan_when_neither_occurs(nlp):
    row, _ = ind.measure_epistemic(nlp("Der Kreml äußerte sich am Mittwoch."))
    assert row["epistemic.hedges"] == 0 and row["epistemic.boosters"] == 0
    assert math.isnan(row["epistemic.certainty_balance"])


# --------------------------------------------------------------------------- subjectivity


@pytest.mark.parametrize(
    "text, cue, n",
    [
        ("Das ist eine absurde, geradezu peinliche Forderung.", "evaluative", 2),
        ("Die Lage ist äußerst angespannt.", "intensifier", 1),
        ("Wagt es nur!", "exclamation", 1),
        ("Wem nützen die falschen Corona-Toten?", "question", 1),
        ("Wir haben unser Projekt vorgestellt.", "personal", 2),
        ("Das kann man so nicht sagen.", "personal", 1),
        ("Das ist doch klar.", "modal_particle", 1),
        ("Da ist eben nichts zu machen.", "modal_particle", 1),
        ("Was will er denn?", "modal_particle", 1),
        ("Leider kam die Hilfe zu spät.", "stance_adverb", 1),
        # exclusions: sentence-initial conjunction, answer particle, temporal 'eben', 3rd-person 'ihr'
        ("Doch die Regierung schwieg.", "modal_particle", 0),
        ("Ja, das stimmt.", "modal_particle", 0),
        ("Er ist gerade eben angekommen.", "modal_particle", 0),
        ("Sie hat ihr Amt verloren.", "personal", 0),
        # quoted opinion is reported, not the outlet's own
        ("„Das ist doch absurd!“, sagte Peskow.", "evaluative", 0),
        ("„Das ist doch absurd!“, sagte Peskow.", "exclamation", 0),
        ("„Das ist doch absurd!“, sagte Peskow.", "modal_particle", 0),
    ],
)
def test_subjectivity_cues(nlp, text, cue, n):
    assert ind.subjectivity_cue_counts(nlp(text))[cue] == n


def test_subjectivity_article_values_hand_computed(nlp):
    text = "Die Nato tagte am Montag in Brüssel. Das ist doch absurd! Die Minister reisten ab."
    doc = nlp(text)
    row, evidence = ind.measure_subjectivity(doc, "a1")
    # sentence 2: 'doch' (particle), 'absurd' (evaluative), '!' (exclamation) = 3 cues
    assert row["subjectivity.n_sentences"] == 3
    assert row["subjectivity.cues"] == 3
    assert row["subjectivity.subjective_sentences"] == 1
    assert row["subjectivity.subjective_sentence_share"] == pytest.approx(1 / 3)
    assert row["subjectivity.score"] == pytest.approx(1.0)
    assert row["subjectivity.cues_per_1000"] == pytest.approx(1000 * 3 / 15)
    assert sorted((e.entry_id, e.text) for e in evidence) == [("exclamation", "!"), ("modal_particle", "doch")]
    for e in evidence:
        assert text[e.start_char : e.end_char] == e.text and e.lexicon == "subjectivity"


def test_subjectivity_without_lexicons_is_nan(bare):
    row, _ = ind.measure_subjectivity(bare("Das ist doch absurd!"))
    assert math.isnan(row["subjectivity.evaluative"]) and math.isnan(row["subjectivity.score"])
    assert row["subjectivity.exclamation"] == 1  # code cues are still counted


def test_subjectivity_of_an_empty_text_is_nan(nlp):
    row, _ = ind.measure_subjectivity(nlp(""))
    assert row["subjectivity.n_sentences"] == 0
    assert math.isnan(row["subjectivity.subjective_sentence_share"]) and math.isnan(row["subjectivity.cues_per_1000"])


# --------------------------------------------------------------------------- tone


@pytest.fixture
def tiny_polarity():
    weights = {"gut": 0.4, "Angriff": -0.5, "Frieden": 0.3, "gefährlich": -0.6}
    return PolarityLexicon("tiny", "test", Path("tiny"), weights, {w: w for w in weights}, True)


def test_tone_counts_negation_and_rates(bare, tiny_polarity):
    text = "Der Angriff ist nicht gut. Frieden wäre gut, gefährlich bleibt es."
    doc = bare(text)
    row, evidence = ind.measure_tone(doc, "a1", tiny_polarity)
    # Angriff −, nicht gut → −, Frieden +, gut +, gefährlich −
    assert (row["tone.positive"], row["tone.negative"]) == (2, 3)
    assert row["tone.positive_per_1000"] == pytest.approx(1000 * 2 / 11)
    assert row["tone.polarity"] == pytest.approx((2 - 3) / 5)
    assert row["tone.net_weight_per_1000"] == pytest.approx(1000 * (-0.5 - 0.4 + 0.3 + 0.4 - 0.6) / 11)
    assert [e.text for e in evidence if e.category == "negative"] == ["Angriff", "gut", "gefährlich"]


def test_tone_without_scorer_is_nan(bare):
    row, evidence = ind.measure_tone(bare("Frieden."), "a1", None)
    assert all(math.isnan(v) for v in row.values()) and evidence == []


# --------------------------------------------------------------------------- whole article and profile


def test_measure_indicators_on_the_seeds(nlp):
    from analysis.reading.corpus import read_corpus

    corpus = read_corpus(ROOT / "examples" / "seeds")
    rows = []
    for article, doc in zip(corpus.articles, nlp.pipe(a.text for a in corpus.articles)):
        row, evidence = ind.measure_indicators(doc, article.id)
        assert list(row) == ind.indicator_columns()
        for e in evidence:
            assert article.text[e.start_char : e.end_char] == e.text
        rows.append(dict(row, article_id=article.id, outlet=article.outlet))
    table = pd.DataFrame(rows).set_index("outlet")
    # news prose: Flesch-Amstad "difficult" (30-50), Wiener Sachtextformel grade 9-14
    assert table["readability.flesch_amstad"].between(25, 50).all()
    assert table["readability.wstf1"].between(9, 14).all()
    # "soll … erhalten", "soll … eingesetzt werden" (002) are plans, not hearsay
    assert (table["epistemic.reportative_sollen"] == 0).all()
    # "Moskau lehnt … kategorisch ab" (dpa, 000)
    assert table.loc[table.index == "dpa", "epistemic.boosters"].max() >= 1
    # the WordPress comment form of 004 ("Bitte geben Sie Ihren Kommentar ein!") addresses the reader
    assert table.loc["unattributed-2", "subjectivity.personal"] >= 4
    assert set(ind.describe()) >= set(ind.indicator_columns(tone=True))


def test_measure_indicators_shares_one_token_table_without_changing_results(nlp):
    text = (
        "Kreml: Russland soll Truppen verlegt haben\n\nDas ist doch absurd! Wir wissen es leider nicht. "
        "Haben Sie das gelesen? Angeblich sollen drei Menschen getötet worden sein."
    )
    doc = nlp(text)
    row, evidence = ind.measure_indicators(doc, "a1")
    expected = dict(readability.measure_readability(doc))
    epistemic, epistemic_evidence = ind.measure_epistemic(doc, "a1")
    subjectivity, subjectivity_evidence = ind.measure_subjectivity(doc, "a1", quoted=ind.quote_mask(doc))
    expected.update(epistemic)
    expected.update(subjectivity)
    assert repr(row) == repr(expected)
    assert evidence == epistemic_evidence + subjectivity_evidence
    assert row["epistemic.reportative_sollen"] == 2 and row["subjectivity.personal"] == 2


def _articles(values: dict[str, list[dict]]) -> pd.DataFrame:
    rows = []
    for outlet, items in values.items():
        for i, item in enumerate(items):
            rows.append({"article_id": f"{outlet}{i}", "outlet": outlet, **item})
    return pd.DataFrame(rows)


def test_outlet_profile_pools_and_bootstraps():
    def art(n_tokens, hedges, boosters, words, sentences, syllables, mattr):
        counts = readability.ReadabilityCounts(words, sentences, syllables, words // 4, words // 2, words // 5)
        row = {"n_tokens": n_tokens, "epistemic.hedges": hedges, "epistemic.boosters": boosters}
        row.update(readability.scores_from_counts(counts, mattr_value=mattr))
        return row

    articles = _articles(
        {
            "a": [art(100, 2, 0, 90, 6, 150, 0.7), art(300, 1, 3, 280, 20, 500, math.nan), art(200, 0, 1, 180, 9, 330, 0.8)],
            "b": [art(400, 8, 0, 380, 19, 640, 0.6)],
        }
    )
    measures = [m for m in ind.profile_measures() if all(c in articles.columns or c.endswith(("__sum", "__n")) for c in m.columns)]
    settings = BootstrapSettings(n_resamples=300, seed=1)
    prof = ind.outlet_profile(articles, measures, settings)
    assert list(prof.columns) == OUTLET_COLUMNS
    est = prof.set_index(["outlet", "measure"])["estimate"]
    assert est[("a", "epistemic.hedges_per_1000")] == pytest.approx(1000 * 3 / 600)
    assert est[("a", "epistemic.certainty_balance")] == pytest.approx((4 - 3) / 7)
    assert est[("a", "readability.flesch_amstad")] == pytest.approx(readability.flesch_amstad(550, 35, 980))
    assert est[("a", "readability.mattr")] == pytest.approx(0.75)  # mean of the defined values
    low = prof.set_index(["outlet", "measure"])["ci_low"]
    high = prof.set_index(["outlet", "measure"])["ci_high"]
    assert low[("a", "epistemic.hedges_per_1000")] <= est[("a", "epistemic.hedges_per_1000")] <= high[("a", "epistemic.hedges_per_1000")]
    assert math.isnan(low[("b", "epistemic.hedges_per_1000")])  # one article: no interval
    assert prof.set_index(["outlet", "measure"])["small_sample"][("a", "readability.wstf1")]
    again = ind.outlet_profile(articles, measures, settings)
    pd.testing.assert_frame_equal(prof, again)
    chunked = ind.outlet_profile(articles, measures, settings, max_cells=7)  # resamples drawn 2 at a time
    pd.testing.assert_frame_equal(prof, chunked)


def test_outlet_profile_reuse_share_is_pooled_and_missing_measures_are_skipped():
    articles = _articles(
        {"dpa": [{"n_tokens": 100, "reuse.n_words": 100, "reuse.words_shared": 50, "reuse.words_shared_other_outlets": 0},
                 {"n_tokens": 300, "reuse.n_words": 300, "reuse.words_shared": 30, "reuse.words_shared_other_outlets": 30}]}
    )
    prof = ind.outlet_profile(articles, settings=BootstrapSettings(n_resamples=50))
    assert set(prof["measure"]) == {"reuse.share", "reuse.share_other_outlets"}
    est = prof.set_index("measure")["estimate"]
    assert est["reuse.share"] == pytest.approx(80 / 400) and est["reuse.share_other_outlets"] == pytest.approx(30 / 400)


def test_composite_needs_weights_and_keeps_its_parts():
    profile = pd.DataFrame(
        {
            "outlet": ["a", "a", "b", "b"],
            "measure": ["x", "y", "x", "y"],
            "estimate": [1.0, 10.0, 3.0, 30.0],
        }
    )
    with pytest.raises(ValueError, match="explicit, documented weights"):
        ind.composite(profile, {})
    with pytest.raises(ValueError, match="unknown measure"):
        ind.composite(profile, {"z": 1.0})
    out = ind.composite(profile, {"x": 1.0, "y": -0.5}).set_index("outlet")
    assert {"x", "y", "x.z", "y.z", "composite"} <= set(out.columns)
    assert out.loc["a", "composite"] == pytest.approx(-1.0 + 0.5)
    assert np.isfinite(out["composite"]).all()
