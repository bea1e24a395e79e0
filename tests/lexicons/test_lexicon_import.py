"""Import of SentiWS and Rauh from the original formats: reading, matching, negation, TOML conversion."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from analysis.measures import indicators
from analysis.lexicons import importing as li
from analysis.errors import LexiconError
from analysis.lexicons.model import load_lexicon
from analysis.processing.nlp import blank_german
from analysis.running.pipeline import build_pipeline

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

# Fixtures in the original formats, written by the project (invented weights, not SentiWS's).
SENTIWS_POSITIVE = "\ufeffgut|ADJX\t0.5000\tgute,guten,guter,gutes\r\nFrieden|NN\t0.2000\tFriedens\r\n"
SENTIWS_NEGATIVE = (
    "arm|ADJX\t-0.4000\tarme,armen\r\nAngriff|NN\t-0.3000\tAngriffe,Angriffen,Angriffs\r\n"
    "Gefahr|NN\t-0.6000\tGefahren\r\nGefahren|NN\t-0.2000\t\r\n"
)
RAUH = "feature,sentiment\n gut ,1\n frieden ,1\n angriff ,-1\n gefährlich ,-1\n"
RAUH_NEGATION = (
    "pattern,replacement,feature,sentiment\n"
    " (nicht|nichts|kein|keine|keinen|niemals) gut , NOT_gut , NOT_gut ,-1.0\n"
)


@pytest.fixture
def sentiws_dir(tmp_path):
    folder = tmp_path / "sentiws"
    folder.mkdir()
    (folder / "SentiWS_v2.0_Positive.txt").write_bytes(SENTIWS_POSITIVE.encode("utf-8"))
    (folder / "SentiWS_v2.0_Negative.txt").write_bytes(SENTIWS_NEGATIVE.encode("utf-8"))
    return folder


@pytest.fixture
def rauh_dir(tmp_path):
    folder = tmp_path / "rauh"
    folder.mkdir()
    (folder / "rauh_sentiment_dictionary.csv").write_text(RAUH, encoding="utf-8")
    (folder / "rauh_sentiment_dictionary_negation.csv").write_text(RAUH_NEGATION, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bare():
    return blank_german()


def test_read_sentiws_bom_crlf_forms_and_duplicate_forms(sentiws_dir):
    lex = li.read_sentiws(sentiws_dir)
    assert lex.weights["gut"] == 0.5 and lex.weights["guten"] == 0.5  # the BOM did not stick to "gut"
    assert lex.lemma_of["Angriffen"] == "Angriff"
    assert lex.weights["Gefahren"] == pytest.approx((-0.6 - 0.2) / 2)  # a form of two lemmas: mean weight
    assert (lex.n_positive, lex.n_negative) == (7, 9)


def test_sentiws_matching_is_case_sensitive_with_sentence_start(sentiws_dir, bare):
    lex = li.read_sentiws(sentiws_dir)
    doc = bare("Arm ist er nicht. Der Arm tut weh. Die armen Leute.")
    hits = [h.text for h in lex.match(doc)]
    # "Arm" at the start of a sentence is looked up as "arm"; the noun "Arm" mid-sentence is not "arm"
    assert hits == ["Arm", "armen"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Das ist gut.", [0.5]),
        ("Das ist nicht gut.", [-0.5]),  # negation flips (Rauh 2018)
        ("Das ist kein guter Frieden.", [-0.5, 0.2]),  # only the word right after the negator
        ("Nicht, gut!", [0.5]),  # a comma ends the negation's scope
    ],
)
def test_negation(sentiws_dir, bare, text, expected):
    lex = li.read_sentiws(sentiws_dir)
    assert [pytest.approx(h.weight) for h in lex.match(bare(text))] == expected


def test_sentiws_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "SentiWS_v2.0_Positive.txt"
    bad.write_text("gut|ADJX\t0.5\tgute\nschön ADJX 0.4\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"SentiWS_v2.0_Positive.txt:2: not a SentiWS line.*allowed"):
        li.read_sentiws(bad)
    bad.write_text("gut|ADJX\tsehr\tgute\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":1: weight 'sehr' is not a number"):
        li.read_sentiws(bad)
    with pytest.raises(LexiconError, match="no SentiWS files found"):
        li.read_sentiws(tmp_path / "..")
    with pytest.raises(LexiconError, match="does not exist"):
        li.read_sentiws(tmp_path / "missing")


def test_read_rauh_with_negation_file(rauh_dir, bare):
    lex = li.read_rauh(rauh_dir)
    assert lex.weights == {"gut": 1.0, "frieden": 1.0, "angriff": -1.0, "gefährlich": -1.0}
    assert "niemals" in lex.negators  # taken from the negation patterns
    assert [h.weight for h in lex.match(bare("Frieden ist niemals gut. Der ANGRIFF war gefährlich."))] == [1.0, -1.0, -1.0, -1.0]


def test_rauh_errors(tmp_path):
    f = tmp_path / "rauh_sentiment_dictionary.csv"
    f.write_text("word,value\n gut ,1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":1: header.*allowed: 'feature,sentiment'"):
        li.read_rauh(f)
    f.write_text("feature,sentiment\n gut ,1\n gut ,-1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":3: feature 'gut' is listed as both positive and negative"):
        li.read_rauh(f)
    f.write_text("feature,sentiment\n gut ,0.5\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":2: .*allowed: a word and 1 or -1"):
        li.read_rauh(f)
    with pytest.raises(LexiconError, match="unknown lexicon kind 'liwc'"):
        li.read_polarity_lexicon("liwc", f)


def test_run_import_writes_a_lexicon_that_loads_and_matches(sentiws_dir, tmp_path):
    out = li.run_import("sentiws", sentiws_dir, tmp_path / "my-lexicons" / "sentiws.toml")  # the folder is created
    lexicon = load_lexicon(out)
    assert lexicon.name == "sentiws" and lexicon.category_names == ["positive", "negative"]
    entry = next(e for e in lexicon.entries if e.id == "neg_angriff")
    assert entry.match == "lemma" and "Angriffen" in entry.terms and "weight -0.3000" in entry.note
    nlp = build_pipeline([lexicon], "blank")
    doc = nlp("Nach den Angriffen gab es keinen Frieden.")
    assert sorted((s.text, s.label_) for s in doc.spans["sentiws"]) == [("Angriffen", "negative"), ("Frieden", "positive")]
    with pytest.raises(LexiconError, match="must match"):
        li.run_import("sentiws", sentiws_dir, tmp_path / "Senti-WS.toml")


def test_rauh_converts_to_grouped_entries(rauh_dir):
    lexicon = li.read_rauh(rauh_dir).to_lexicon()
    assert sorted(e.id for e in lexicon.entries) == ["neg_a", "neg_g", "pos_f", "pos_g"]


def test_tone_of_an_article_from_an_imported_lexicon(rauh_dir, bare):
    row, evidence = indicators.measure_tone(bare("Der Angriff war gefährlich. Frieden ist gut."), "a1", li.read_rauh(rauh_dir))
    assert (row["tone.positive"], row["tone.negative"]) == (2, 2)
    assert row["tone.negative_per_1000"] == pytest.approx(1000 * 2 / 7)
    assert row["tone.polarity"] == 0.0
    assert {e.entry_id for e in evidence} == {"angriff", "gefaehrlich", "frieden", "gut"}
    assert li.describe_import(li.read_rauh(rauh_dir))["word_forms"] == 4


# --------------------------------------------------------------------------- the real files in ../shared


@pytest.fixture(scope="module")
def lexicon_sources():
    path = SHARED / "lexicon-sources"
    if not path.is_dir():
        pytest.skip(f"{path} not found: the third-party lexicons are not part of the repository")
    return path


@pytest.mark.shared
def test_real_sentiws_and_rauh_sizes_match_their_readmes(lexicon_sources):
    sentiws = li.read_sentiws(lexicon_sources / "sentiws")
    assert len(sentiws) == 34_318  # "34,318 word forms including inflections"
    rauh = li.read_rauh(lexicon_sources / "rauh")
    assert (len(rauh), rauh.n_positive, rauh.n_negative) == (37_080, 17_330, 19_750)
    assert rauh.negators == {"nicht", "nichts", "kein", "keine", "keinen"}


@pytest.mark.shared
def test_real_lexicons_give_tone_per_seed_article_and_convert(lexicon_sources, bare, tmp_path):
    from analysis.reading.corpus import read_corpus

    corpus = read_corpus(ROOT / "examples" / "seeds")
    for kind in ("sentiws", "rauh"):
        scorer = li.read_polarity_lexicon(kind, lexicon_sources / kind)
        for article, doc in zip(corpus.articles, bare.pipe(a.text for a in corpus.articles)):
            row, evidence = indicators.measure_tone(doc, article.id, scorer)
            assert row["tone.positive_per_1000"] > 0 and row["tone.negative_per_1000"] > 0, (kind, article.id)
            assert -1 <= row["tone.polarity"] <= 1 and not math.isnan(row["tone.polarity"])
            for e in evidence:
                assert article.text[e.start_char : e.end_char] == e.text
        written = li.run_import(kind, lexicon_sources / kind, tmp_path)
        assert written.name == f"{kind}.toml"
        assert load_lexicon(written).name == kind


def test_import_command_sentiws_gives_tone_columns(shared_dir, tmp_path, capsys):
    """quellenlage lexicon import sentiws → own lexicon folder → positive/negative per 1,000 tokens per article."""
    import pandas as pd

    from analysis.cli.main import main
    from tests.conftest import ROOT, SEEDS

    source = shared_dir / "lexicon-sources" / "sentiws"
    if not source.is_dir():
        pytest.skip(f"{source} not found")
    assert main(["lexicon", "import", "sentiws", str(source), "--out", str(tmp_path / "mine")]) == 0
    assert (tmp_path / "mine" / "sentiws.toml").is_file()
    out = tmp_path / "run"
    args = ["analyze", str(SEEDS), "--lexicons", str(ROOT / "lexicons"), "--lexicons", str(tmp_path / "mine"),
            "--out", str(out), "--model", "blank", "--no-report", "--bootstrap", "50", "--jobs", "1"]
    assert main(args) == 0
    articles = pd.read_csv(out / "articles.csv")
    assert (articles["sentiws.negative.per_1000"] > 0).any() and (articles["sentiws.positive.per_1000"] > 0).any()
