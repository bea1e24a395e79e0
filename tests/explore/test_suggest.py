"""lexicon suggest: candidates from hand-built German articles, the draft file, the CLI on the seeds."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest

from analysis.cli.main import main
from analysis.reading.corpus import Article
from analysis.errors import QuellenlageError
from analysis.lexicons.model import load_lexicon
from analysis.explore.suggest import (
    SuggestSettings,
    candidate_id,
    draft_text,
    log_likelihood_g2,
    pmi,
    suggest_terms,
    write_draft,
)

from tests.conftest import SEEDS, write_lexicon

LEXICON = '''# A tiny war-naming lexicon for the tests.
[lexicon]
name = "kriegswort"
version = "0.1.0"
description = "Test lexicon."
default_match = "lemma"

[categories.euphemism]
description = "Kremlin wording."

[categories.aggression]
description = "Names the attack."

[context]
terms = ["Kreml"]
match = "prefix"
window = 1
source = "test"

[[entry]]
id = "spezialoperation"
category = "euphemism"
terms = ["Spezialoperation"]
source = "test"

[[entry]]
id = "angriffskrieg"
category = "aggression"
terms = ["Angriffskrieg"]
source = "test"
'''

MATCHED = [
    "Die Spezialoperation dient der Entnazifizierung, erklärte der Kreml am Montag.",
    "Ziel der Spezialoperation sei die Entnazifizierung des Nachbarlandes. Das Wetter blieb kalt.",
    "Moskau nennt die Spezialoperation eine Entnazifizierung. Die Börse schloss freundlich.",
    "Die Entnazifizierung sei das Ziel der Spezialoperation, hieß es im Kreml-Fernsehen.",
    "Der Angriffskrieg zerstört Städte. Die Zerstörung der Städte schreitet voran, der Angriffskrieg geht weiter.",
    "Der Angriffskrieg bringt Zerstörung über das Land. Die Bahn fährt wieder pünktlich.",
    "Russlands Angriffskrieg: Die Zerstörung in Charkiw ist groß.",
]
UNMATCHED = [
    "Das Wetter bleibt kalt, die Börse schloss freundlich und die Bahn fährt pünktlich.",
    "Die Bahn meldet Verspätungen, das Wetter wird wärmer. Die Börse zog an.",
    "Der Verein gewann am Sonntag, die Fans feierten das Wetter und die Bahn.",
    "Das Wetter am Wochenende: sonnig. Die Börse ruht, die Bahn fährt nach Plan.",
]


def _articles() -> list[Article]:
    texts = [("rt", t) for t in MATCHED[:4]] + [("dpa", t) for t in MATCHED[4:]] + [("lokal", t) for t in UNMATCHED]
    return [Article(f"a{k}", outlet, "", "", text) for k, (outlet, text) in enumerate(texts)]


@pytest.fixture(scope="module")
def lexicon_file(tmp_path_factory) -> Path:
    return write_lexicon(tmp_path_factory.mktemp("lex"), "kriegswort", LEXICON)


@pytest.fixture(scope="module")
def result(lexicon_file):
    # a tiny corpus (~100 terms): a prior of 10 pseudo-tokens instead of the default 1,000
    settings = SuggestSettings(min_count=2, min_z=0.5, min_pmi=0.5, prior_scale=10)
    return suggest_terms(_articles(), load_lexicon(lexicon_file), model="blank", settings=settings, corpus_name="test")


def test_statistics_by_hand():
    # [[a, b], [c, d]] = [[3, 1], [1, 5]], n = 10: G² = 2 Σ O ln(O n / (row · col))
    expected = 2 * (3 * math.log(3 * 10 / (4 * 4)) + 1 * math.log(1 * 10 / (4 * 6))
                    + 1 * math.log(1 * 10 / (6 * 4)) + 5 * math.log(5 * 10 / (6 * 6)))
    assert log_likelihood_g2(3, 1, 1, 5) == pytest.approx(expected)
    assert log_likelihood_g2(2, 2, 2, 2) == pytest.approx(0.0)
    assert log_likelihood_g2(0, 0, 0, 0) == 0.0
    assert pmi(3, 4, 4, 10) == pytest.approx(math.log2(3 * 10 / 16))
    assert pmi(0, 4, 4, 10) == -math.inf


def test_candidates_from_german_articles(result):
    cands = result.candidates.set_index("lemma")
    assert result.n_articles == 11 and result.n_articles_matched == 7 and result.keyness_applied
    assert "entnazifizierung" in cands.index
    row = cands.loc["entnazifizierung"]
    assert row["category"] == "euphemism"
    assert row["term"] == "Entnazifizierung"  # the written form, for the draft
    assert row["units_near"] == 4 and row["units_with_term"] == 4
    assert row["keyness_z"] > 0
    assert cands.loc["zerstörung", "category"] == "aggression"
    # what the lexicon has is never suggested: its terms, its context terms, and frequent words of
    # both halves of the corpus (wetter, börse, bahn) are not distinctive of the matches
    for known in ("spezialoperation", "angriffskrieg", "kreml", "kreml-fernsehen", "wetter", "börse", "bahn"):
        assert known not in cands.index, known
    assert list(result.candidates["g2"]) == sorted(result.candidates["g2"], reverse=True)
    assert list(result.candidates["rank"]) == list(range(1, len(result.candidates) + 1))


def test_kwic_examples_come_from_different_articles(result):
    lines = result.kwic["entnazifizierung"]
    assert len(lines) == 3
    assert len({line.article_id for line in lines}) == 3
    for line in lines:
        assert line.match == "Entnazifizierung"
    assert "[Entnazifizierung]" in result.candidates.set_index("lemma").loc["entnazifizierung", "kwic"]


def test_draft_is_valid_and_nothing_is_active(result, lexicon_file, tmp_path):
    before = lexicon_file.read_bytes()
    path = write_draft(result, tmp_path / "drafts", generated="2026-01-01")
    assert path == tmp_path / "drafts" / "kriegswort.toml"
    assert lexicon_file.read_bytes() == before  # input never modified
    draft = load_lexicon(path)
    assert [e.id for e in draft.entries] == ["spezialoperation", "angriffskrieg"]  # only the original entries
    text = path.read_text(encoding="utf-8")
    assert text.startswith(before.decode("utf-8").rstrip("\n"))
    assert "# terms = [\"Entnazifizierung\"]" in text
    assert "[Entnazifizierung]" in text
    # uncommenting every candidate block gives a valid lexicon with the candidates
    active = re.sub(r"(?m)^# (\[\[entry\]\]|id = |category = |terms = |match = |source = )", r"\1", text)
    folder = tmp_path / "active"
    folder.mkdir()
    (folder / "kriegswort.toml").write_text(active, encoding="utf-8")
    adopted = load_lexicon(folder / "kriegswort.toml")
    ids = [e.id for e in adopted.entries]
    assert "cand_entnazifizierung" in ids and len(ids) == 2 + len(result.candidates)
    cand = next(e for e in adopted.entries if e.id == "cand_entnazifizierung")
    assert cand.category == "euphemism" and cand.terms == ("Entnazifizierung",) and cand.match == "lemma"
    tomllib.loads(text)


def test_draft_refuses_input_and_wrong_names(result, lexicon_file, tmp_path):
    with pytest.raises(QuellenlageError, match="input lexicon itself"):
        write_draft(result, lexicon_file)
    with pytest.raises(QuellenlageError, match="kriegswort.toml"):
        write_draft(result, tmp_path / "vorschlaege.toml")


def test_candidate_ids_are_valid_and_unique():
    taken = {"cand_sonderoperation"}
    assert candidate_id("Sonderoperation", taken) == "cand_sonderoperation_2"
    assert candidate_id("Völkermord", taken) == "cand_voelkermord"
    assert candidate_id("Nato-Staat", taken) == "cand_nato_staat"
    assert candidate_id("Straße", taken) == "cand_strasse"


def test_no_contrast_skips_keyness(lexicon_file):
    only_matched = [a for a in _articles() if a.outlet != "lokal"]
    res = suggest_terms(only_matched, load_lexicon(lexicon_file), model="blank",
                        settings=SuggestSettings(min_count=2, min_pmi=0.5), corpus_name="t")
    assert not res.keyness_applied
    assert res.candidates["keyness_z"].isna().all()
    assert "keyness: not applied" in draft_text(res, "[lexicon]\n")


def test_settings_are_validated():
    with pytest.raises(QuellenlageError, match="window"):
        SuggestSettings(window=-1)
    with pytest.raises(QuellenlageError, match="top"):
        SuggestSettings(top=0)


def test_cli_on_seeds(tmp_path, capsys):
    out = tmp_path / "draft"
    code = main(["lexicon", "suggest", str(SEEDS), "--lexicon", "war_naming", "--out", str(out),
                 "--model", "blank", "--min-count", "1", "--min-z", "0", "--min-pmi", "0", "--csv", str(tmp_path / "c.csv")])
    assert code == 0
    err = capsys.readouterr().err
    assert "from 5 articles" in err and "nothing active" in err
    draft = load_lexicon(out / "war_naming.toml")
    shipped = load_lexicon(SEEDS.parent.parent / "lexicons" / "war_naming.toml")
    assert [e.id for e in draft.entries] == [e.id for e in shipped.entries]
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").startswith("rank,term,lemma,category")


def test_surface_form_of_a_candidate():
    from collections import Counter

    from analysis.explore.suggest import _surface

    assert _surface("entnazifizierung", Counter({"Entnazifizierung": 3, "Entnazifizierungen": 5})) == "Entnazifizierung"
    assert _surface("wurzel", Counter({"Wurzeln": 2})) == "Wurzel"
    assert _surface("streben", Counter({"strebt": 2, "Strebt": 1})) == "streben"
    assert _surface("militärisch eingreifen", Counter({"militärische Eingreifen": 2})) == "militärische Eingreifen"
