"""The subjectivity benchmark script: input format, the JSON line, nested CV, and the cue score on real data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from .conftest import load_benchmark

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def bench():
    yield load_benchmark("subjectivity")
    sys.modules.pop("subjectivity_benchmark", None)


OBJ = [
    "Der Kreml hat am Mittwoch seine Haltung bekräftigt.",
    "Die Verhandlungen fanden in Paris statt.",
    "Nach Angaben des Ministeriums wurden 26 Soldaten verletzt.",
    "Die Sitzung des Bundestags beginnt um 9 Uhr.",
    "Die Zahl der Neuinfektionen stieg auf 1200.",
    "Der Minister reiste am Dienstag nach Kiew.",
    "Die Studie erschien im Fachjournal Nature.",
    "Das Gericht vertagte die Entscheidung auf Juni.",
    "Peskow sagte, Russland lehne ausländische Truppen ab.",
    "Die Regierung legte einen Gesetzentwurf vor.",
    "Die Polizei nahm zwei Verdächtige fest.",
    "Der Gipfel endete mit einer gemeinsamen Erklärung.",
]
SUBJ = [
    "Das ist doch absurd!",
    "Wie lange wollen wir uns das noch gefallen lassen?",
    "Diese Regierung ist völlig unfähig.",
    "Leider hat niemand aus den Fehlern gelernt.",
    "Das ist eine unverschämte Zumutung für alle Bürger!",
    "Man fragt sich eigentlich, wer das noch glaubt.",
    "Die Politik ist einfach peinlich.",
    "Ich halte das für einen gefährlichen Irrsinn.",
]


def write_tsv(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["sentence_id\tsentence\tlabel"] + [f"s{i}\t{s}\t{label}" for i, (s, label) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tsv_files(tmp_path):
    rows = [(s, "OBJ") for s in OBJ] + [(s, "SUBJ") for s in SUBJ]
    train = write_tsv(tmp_path / "train.tsv", rows[::2])
    test = write_tsv(tmp_path / "test.tsv", rows[1::2])
    return train, test


@pytest.fixture(scope="module")
def small(bench):
    """Inputs and labels of the 20 example sentences (the cue features need the pipeline once)."""
    from analysis.lexicon import load_lexicons
    from analysis.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences = OBJ + SUBJ
    features, names, score, _ = bench.cue_features(nlp, lexicons, sentences)
    y = np.array([0] * len(OBJ) + [1] * len(SUBJ))
    return bench.Inputs(sentences, features, names), y, features, names, score


def test_train_test_mode_prints_one_json_line(bench, tsv_files, capsys):
    train, test = tsv_files
    assert bench.main(["--train", str(train), "--test", str(test), "--inner-folds", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"lexicon_auc", "classifier_macro_f1", "classifier_auc", "n_test", "evaluation", "lexicon_auc_ci95"} <= set(result)
    assert result["n_test"] == 10
    for key in ("lexicon_auc", "classifier_macro_f1", "classifier_auc"):
        assert 0.0 <= result[key] <= 1.0
    # the untrained cues separate these clear-cut sentences
    assert result["lexicon_auc"] >= 0.9
    assert "lexicon_auc_unread_half" not in result  # only defined for CheckThat! train_de.tsv


def test_nested_cross_validation_mode_reports_mean_and_sd_over_repeats(bench, tsv_files, capsys):
    train, _ = tsv_files
    bench.main(["--train", str(train), "--folds", "2", "--repeats", "2", "--inner-folds", "2"])
    result = json.loads(capsys.readouterr().out)
    assert result["n_test"] == 10 and result["evaluation"].startswith("nested CV: 2 x 2-fold")
    assert len(result["classifier_macro_f1_repeats"]) == 2
    assert result["classifier_macro_f1"] == pytest.approx(np.mean(result["classifier_macro_f1_repeats"]), abs=1e-4)
    assert result["classifier_macro_f1_sd"] >= 0
    assert sum(result["chosen"]["text"].values()) == 4  # one choice per outer fold and repeat


def test_inner_selection_never_sees_outer_test_rows(bench, small, monkeypatch):
    inputs, y, *_ = small
    seen: list[tuple[str, frozenset, frozenset]] = []  # (call, rows used, outer training rows)
    state = {"train": None}
    original_select, original_fit, original_decision = bench.select, bench.fit_model, bench.decision

    def select(inputs_, y_, rows, grid, **kw):
        state["train"] = frozenset(rows.tolist())
        try:
            return original_select(inputs_, y_, rows, grid, **kw)
        finally:
            state["train"] = None

    def fit_model(inputs_, y_, rows, params, seed=0):
        if state["train"] is not None:
            seen.append(("fit", frozenset(np.asarray(rows).tolist()), state["train"]))
        return original_fit(inputs_, y_, rows, params, seed)

    def decision(model, inputs_, rows):
        if state["train"] is not None:
            seen.append(("decision", frozenset(np.asarray(rows).tolist()), state["train"]))
        return original_decision(model, inputs_, rows)

    monkeypatch.setattr(bench, "select", select)
    monkeypatch.setattr(bench, "fit_model", fit_model)
    monkeypatch.setattr(bench, "decision", decision)
    grid = [bench.Params(C=1.0, text="tfidf"), bench.Params(C=1.0, text="nb")]
    out = bench.nested_cv(inputs, y, grid, folds=4, repeats=2, inner_folds=3, seed=0, tune_threshold=True)
    assert seen and {call for call, _, _ in seen} == {"fit", "decision"}
    assert all(rows <= train for _, rows, train in seen), "inner selection used a row of the outer test fold"
    trains = {train for _, _, train in seen}
    assert len(trains) == 8  # 4 outer folds x 2 repeats, each selected on its own training rows
    for train in trains:  # the outer test fold is the complement, and it is never used inside
        assert not any(rows & (frozenset(range(len(y))) - train) for _, rows, t in seen if t == train)
    assert len(out["f1"]) == 2 and all(len(d) == len(y) for d in out["decisions"])


@pytest.mark.parametrize(
    ("texts", "features", "n_configs", "has_extra", "n_cues"),
    [
        (("tfidf",), "base", 5, False, None),
        (("tfidf", "nb"), "all", 10, True, None),
        (("tfidf",), "none", 5, False, 0),
        (("none",), "base", 5, False, None),
    ],
)
def test_make_grid_crosses_representations_with_c(bench, small, texts, features, n_configs, has_extra, n_cues):
    names = small[3]
    grid = bench.make_grid(names, texts=texts, features=features)
    assert len(grid) == n_configs and [p.C for p in grid[:5]] == list(bench.C_GRID)
    assert {p.text for p in grid} == set(texts)
    assert any(c in grid[0].cues for c in bench.EXTRA) == has_extra
    if n_cues is not None:
        assert len(grid[0].cues) == n_cues


@pytest.mark.parametrize(
    ("texts", "features", "message"),
    [(("bow",), "base", "allowed: tfidf, nb, none"), (("tfidf",), "most", "allowed: base, all, none"), (("none",), "none", "needs cue features")],
)
def test_make_grid_refuses_unknown_or_empty_configurations(bench, small, texts, features, message):
    with pytest.raises(SystemExit, match=message):
        bench.make_grid(small[3], texts=texts, features=features)


def test_fold_tfidf_equals_tfidfvectorizer_fitted_on_training_rows_only(bench, small):
    from sklearn.feature_extraction.text import TfidfVectorizer

    inputs, y, *_ = small
    sentences = OBJ + SUBJ
    rows = np.arange(0, 20, 2)
    test_rows = np.arange(1, 20, 2)
    model = bench.fit_model(inputs, y, rows, bench.Params(C=1.0, text="tfidf", cues=()))
    reference = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit([sentences[i] for i in rows])
    expected = reference.transform([sentences[i] for i in test_rows]).toarray()
    got = bench._apply_block(model.blocks[0], inputs.words, test_rows).toarray()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize(
    ("labels", "values", "threshold"),
    [
        ([0, 0, 1, 1], [-2.0, -1.0, 1.0, 2.0], 0.0),  # already separated at 0: keep 0
        ([0, 0, 1, 1], [-2.0, -1.0, -0.5, 2.0], -0.75),  # the SUBJ row at -0.5 needs a lower threshold
        ([0, 0, 1, 1], [0.5, 1.0, 3.0, 4.0], 2.0),
    ],
)
def test_best_threshold_maximises_macro_f1_closest_to_zero(bench, labels, values, threshold):
    assert bench.best_threshold(np.array(labels), np.array(values)) == pytest.approx(threshold)


def test_best_threshold_agrees_with_brute_force_macro_f1(bench):
    rng = np.random.default_rng(0)
    for _ in range(8):
        y = rng.integers(0, 2, 20)
        values = np.round(rng.normal(size=20) + y * rng.random(), 1)
        distinct = np.unique(values)
        candidates = np.concatenate([[0.0], (distinct[1:] + distinct[:-1]) / 2])
        best = max(bench.macro_f1(y, (values >= c).astype(int)) for c in candidates)
        chosen = bench.best_threshold(y, values)
        assert bench.macro_f1(y, (values >= chosen).astype(int)) == pytest.approx(best)


def test_bootstrap_auc_interval_contains_the_estimate(bench):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = np.array([0] * 60 + [1] * 40)
    score = rng.poisson(1.0, 100) + y  # SUBJ one cue more on average
    low, high = bench.bootstrap_auc(y, score, n_resamples=500, seed=1)
    assert 0.0 <= low < roc_auc_score(y, score) < high <= 1.0
    assert (low, high) == bench.bootstrap_auc(y, score, n_resamples=500, seed=1)


def test_unread_half_is_the_recorded_split_of_train_de_only(bench):
    half = bench.unread_half("x/train_de.tsv", 800)
    assert len(half) == 400 and len(set(half.tolist())) == 400
    read = np.random.default_rng(12345).permutation(800)[:400]
    assert not set(read.tolist()) & set(half.tolist())
    assert bench.unread_half("x/train_de.tsv", 799) is None and bench.unread_half("x/dev_de.tsv", 800) is None


def test_sentence_features_name_cues_lexicon_categories_and_objectivity_markers(bench, small):
    from analysis.lexicon import load_lexicons
    from analysis.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences = [
        "Das ist doch absurd!",
        "Peskow sagte, es seien 26 Soldaten.",
        "Die Regierung müsste endlich handeln, das wäre vernünftig.",
        "Am Montag kamen zwanzig fröhliche Kinder.",
    ]
    features, names, score, _ = bench.cue_features(nlp, lexicons, sentences)
    rows = [dict(zip(names, f)) for f in features]
    assert rows[0]["cue.modal_particle"] == 1 and rows[0]["cue.exclamation"] == 1 and rows[0]["loaded_language.evaluative"] == 1
    assert score.tolist()[:2] == [3, 0]
    assert rows[1]["digits"] == 1 and rows[1]["konjunktiv_i"] == 1 and rows[1]["reporting"] == 1
    assert rows[2]["deontic"] == 1 and rows[1]["deontic"] == 0
    # "fröhliche" is adjective-like by its suffix, the numeral "zwanzig" is not; "Montag" is a date
    assert rows[3]["adjective_like"] == 1 and rows[3]["calendar"] == 1
    extended = bench.extended_score(features, names)
    assert extended[1] == score[1] - 2  # reported speech lowers the extended score
    assert extended[2] == score[2] + 1  # a deontic modal raises it


def test_bad_input_is_refused_with_file_and_line(bench, tmp_path):
    bad = write_tsv(tmp_path / "bad.tsv", [("Ein Satz.", "OBJ"), ("Noch einer.", "MAYBE")])
    with pytest.raises(SystemExit, match=r"bad.tsv:3: label 'MAYBE'; allowed: OBJ, SUBJ"):
        bench.read_tsv(bad)


@pytest.mark.shared
def test_untrained_lexicon_score_ranks_real_checkthat_sentences(bench):
    path = SHARED / "data" / "checkthat-subjectivity-de" / "train_de.tsv"
    if not path.is_file():
        pytest.skip(f"{path} not found: CheckThat! data is not part of the repository")
    from sklearn.metrics import roc_auc_score

    from analysis.lexicon import load_lexicons
    from analysis.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences, labels = bench.read_tsv(path)
    _, _, score, _ = bench.cue_features(nlp, lexicons, sentences)
    unread = bench.unread_half(path, len(labels))
    # regression guards just below the values measured with the shared quote definition (analysis.quotes):
    # 0.6935 on all 800 sentences, 0.6547 on the unread half (below the 0.70)
    assert roc_auc_score(labels, score) >= 0.69
    assert roc_auc_score(labels[unread], score[unread]) >= 0.65
