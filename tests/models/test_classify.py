"""Article classifier (analysis/models/classify.py): masking, indicator selection, outlet-disjoint CV,
scikit-learn's estimator contract, skops persistence with the trust check, train/predict from the CLI
and the report page. Corpora are tiny synthetic German texts built here."""

from __future__ import annotations

import copy
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as ec
from sklearn.utils.estimator_checks import parametrize_with_checks

from analysis.models.classify import (
    MASK_TOKEN_BOILERPLATE,
    MASKING_VERSION,
    MASK_TOKEN_OUTLET,
    ClassifierError,
    IndicatorSelector,
    OutletMasker,
    article_table,
    build_baseline,
    build_model,
    cross_validate_by_group,
    indicator_columns_for,
    load_model,
    masked_share_by_group,
    outlet_balanced_weights,
    outlet_terms_from,
    save_model,
    top_features,
    train_model,
)
from analysis.cli.main import main
from analysis.reading.corpus import Article

# ---------------------------------------------------------------------------------------------
# a tiny synthetic corpus: two "fake"-rated and two "real"-rated outlets with class-typical phrasing,
# shared neutral sentences, and each outlet's own signature line (self-mention + boilerplate)

FAKE = [
    "Die Mainstream-Medien verschweigen die Wahrheit über die Corona-Diktatur.",
    "Die Systempresse hetzt wieder gegen kritische Bürger.",
    "Wacht endlich auf, die Regierung belügt uns alle!",
    "Das Establishment hat Angst vor der Wahrheit.",
    "Wer das noch glaubt, dem ist nicht mehr zu helfen.",
    "Die Impf-Lobby macht Kasse auf Kosten der Kinder.",
]
REAL = [
    "Das Robert-Koch-Institut meldete am Dienstag 1200 Neuinfektionen.",
    "Nach Angaben des Gesundheitsministeriums wurden 300 Betten belegt.",
    "Der Bundestag berät am Donnerstag über den Gesetzentwurf.",
    "Die Ministerpräsidentin sagte, die Lage sei angespannt.",
    "Eine Sprecherin der Stadt teilte mit, die Schulen blieben geöffnet.",
    "Laut einer Studie der Universität Mainz sank die Zahl der Fälle.",
]
NEUTRAL = [
    "Am Wochenende soll es in Berlin regnen.",
    "Die Schulen öffnen nach den Ferien wieder.",
    "Viele Menschen arbeiten weiterhin von zu Hause.",
    "Der Handel rechnet mit weniger Kunden.",
]
OUTLETS = {
    "wahrheitsblog.net": ("fake", "Unterstützen Sie den Wahrheitsblog mit Ihrer Spende!"),
    "klartext-kurier.com": ("fake", "Dieser Beitrag erschien zuerst beim Klartext-Kurier, bitte weiterverbreiten."),
    "morgenpost-nord.de": ("real", "Die Morgenpost Nord ist Mitglied im Presserat, hier geht es zum Impressum."),
    "abendblatt-sued.de": ("real", "Mehr Nachrichten aus der Region lesen Sie im Abendblatt Süd jeden Tag."),
}


def synthetic_articles(per_outlet: int = 8, seed: int = 0) -> list[Article]:
    rng = np.random.default_rng(seed)
    articles = []
    for outlet, (label, signature) in OUTLETS.items():
        pool = FAKE if label == "fake" else REAL
        for i in range(per_outlet):
            sentences = list(rng.choice(pool, 3, replace=False)) + list(rng.choice(NEUTRAL, 2, replace=False))
            rng.shuffle(sentences)
            text = " ".join(sentences) + f"\n{signature}\nFoto: Archiv"
            articles.append(Article(
                id=f"{outlet.split('.')[0]}-{i}", outlet=outlet, date=f"2020-11-{i + 1:02d}",
                title=f"Meldung {i} zur Lage", text=text, url=f"https://www.{outlet}/artikel/{i}",
                meta={"label": label},
            ))
    return articles


def frame(texts, outlets=None, urls=None):
    n = len(texts)
    return pd.DataFrame({"text": texts, "outlet": outlets or ["x"] * n, "url": urls or [""] * n})


# ---------------------------------------------------------------------------------------------
# masking


@pytest.fixture(scope="module")
def fang_masker():
    outlets = ["tagesspiegel.de", "zeit.de", "de.rt.com", "journalistenwatch.com", "rubikon.news",
               "pravda-tv.com", "contra-magazin.com", "politikstube.com"]
    return OutletMasker().fit(frame(["Text."] * len(outlets), outlets))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wie der Tagesspiegel berichtet, steigen die Zahlen.", f"Wie der {MASK_TOKEN_OUTLET} berichtet, steigen die Zahlen."),
        ("Eine Tagesspiegel-Recherche zeigt das.", f"Eine {MASK_TOKEN_OUTLET} zeigt das."),
        ("Das sagte er ZEIT ONLINE am Montag.", f"Das sagte er {MASK_TOKEN_OUTLET} am Montag."),
        ("Das sagte er Zeit Online am Montag.", f"Das sagte er {MASK_TOKEN_OUTLET} am Montag."),
        ("Die Zeit drängt, sagte die Ministerin.", "Die Zeit drängt, sagte die Ministerin."),
        ("RT DE hat das Video veröffentlicht.", f"{MASK_TOKEN_OUTLET} hat das Video veröffentlicht."),
        ("Laut RT Deutsch war es ruhig.", f"Laut {MASK_TOKEN_OUTLET} war es ruhig."),
        ("Der Start verlief ruhig.", "Der Start verlief ruhig."),
        ("Bei Journalistenwatch hieß es dazu:", f"Bei {MASK_TOKEN_OUTLET} hieß es dazu:"),
        ("Das Contra Magazin schreibt weiter.", f"Das {MASK_TOKEN_OUTLET} schreibt weiter."),
        ("Ein Rubikon-Autor widerspricht.", f"Ein {MASK_TOKEN_OUTLET} widerspricht."),
        ("Mehr bei pravda-tv.com und politikstube.com", f"Mehr bei {MASK_TOKEN_OUTLET} und {MASK_TOKEN_OUTLET}"),
        ("Berlin (dpa) - Die Zahl steigt.", f"Berlin {MASK_TOKEN_BOILERPLATE} - Die Zahl steigt."),
        ("Moskau (rt/dpa) - Der Kreml widerspricht.", f"Moskau {MASK_TOKEN_BOILERPLATE} - Der Kreml widerspricht."),
        ("Das Ministerium prüft das Urteil. (Mit Material von dts)", f"Das Ministerium prüft das Urteil. {MASK_TOKEN_BOILERPLATE}"),
        ("Die Inzidenz sinkt. (Tsp, dpa)", f"Die Inzidenz sinkt. {MASK_TOKEN_BOILERPLATE}"),
        (
            "Die Inzidenz sinkt in allen Bezirken, teilte die Senatsverwaltung am Montag mit; die Intensivstationen "
            "melden dagegen weiter steigende Zahlen (Quelle: dts).",
            "Die Inzidenz sinkt in allen Bezirken, teilte die Senatsverwaltung am Montag mit; die Intensivstationen "
            f"melden dagegen weiter steigende Zahlen {MASK_TOKEN_BOILERPLATE}.",
        ),
        ("Es gab Proteste (mit dpa, AFP).", f"Es gab Proteste {MASK_TOKEN_BOILERPLATE}."),
        ("Das bestätigte ein Sprecher (sagte er der dpa).", "Das bestätigte ein Sprecher (sagte er der dpa)."),
        ("Laut einem Bericht (AP-Bericht vom Montag) stimmt das.", "Laut einem Bericht (AP-Bericht vom Montag) stimmt das."),
        (
            "Die Zahl steigt. [Wenn Sie alle aktuellen Nachrichten live auf Ihr Handy haben wollen, empfehlen wir "
            "Ihnen unsere App, die Sie hier für Apple- und Android-Geräte herunterladen können.] Weiter geht es.",
            f"Die Zahl steigt. {MASK_TOKEN_BOILERPLATE} Weiter geht es.",
        ),
        ("[In unseren Tagesspiegel-Bezirksnewslettern berichten wir wöchentlich.]", MASK_TOKEN_BOILERPLATE),
        ("„Er [der Präsident] hat das gesagt […]“, hieß es.", "„Er [der Präsident] hat das gesagt […]“, hieß es."),
        ("Der Text.\nFoto: Michael Kappeler/dpa", f"Der Text.\n{MASK_TOKEN_BOILERPLATE}"),
        ("Der Text.\n© 2021 Verlag", f"Der Text.\n{MASK_TOKEN_BOILERPLATE}"),
        ("Der Text.\nAbonnieren Sie unseren Newsletter!", f"Der Text.\n{MASK_TOKEN_BOILERPLATE}"),
        ("Schreiben Sie an leserbriefe@example.org bitte.", f"Schreiben Sie an {MASK_TOKEN_BOILERPLATE} bitte."),
        ("Quelle im Netz: https://example.org/a?b=1 hier", f"Quelle im Netz: {MASK_TOKEN_BOILERPLATE} hier"),
    ],
)
def test_masker_self_mentions_and_boilerplate(fang_masker, text, expected):
    assert fang_masker.transform(frame([text]))[0] == expected


def test_masker_keeps_paragraph_that_only_mentions_a_platform(fang_masker):
    paragraph = ("Der Präsident schrieb am Abend auf Twitter, die Maßnahmen würden verlängert; "
                 "die Länder müssten sich nun auf gemeinsame Regeln für Schulen und Geschäfte einigen.")
    assert fang_masker.transform(frame([paragraph]))[0] == paragraph


def test_masker_masks_an_unseen_outlet_by_its_own_field_and_url():
    masker = OutletMasker().fit(frame(["Ein Text."], ["zeit.de"]))
    out = masker.transform(frame(["Die Neue Rundschau meldet das."], ["Neue Rundschau"], ["https://www.neuerundschau.example/a"]))
    assert out[0] == f"Die {MASK_TOKEN_OUTLET} meldet das."


def test_masker_learns_lines_repeated_within_one_outlet():
    promo = "Dieser Beitrag erschien zuerst bei unseren Freunden vom Nachbarblog."
    quote = "Der Minister nannte die Lage am Mittwoch sehr ernst."
    towns = ["Augsburg", "Bamberg", "Coburg", "Dachau", "Erlangen", "Fürth", "Gauting", "Hof", "Ingolstadt", "Kempten"]
    texts = [f"Über das Wetter in {town} wird berichtet.\n{promo}" for town in towns]
    texts += [f"Bericht aus {town}.\n{quote}" for town in towns[:2]] + [f"Aus {town} nichts Neues." for town in towns[2:]]
    outlets = ["blog-a"] * 10 + ["blog-b"] * 10
    masker = OutletMasker(repeat_min_share=0.05, repeat_min_articles=5).fit(frame(texts, outlets))
    out = masker.transform(frame(texts, outlets))
    assert out[0].endswith(MASK_TOKEN_BOILERPLATE)  # in 10 of 10 articles of blog-a
    assert quote in out[10]  # in 2 of 10 articles of blog-b: below repeat_min_articles
    # learnt lines are masked wherever they occur, also in another outlet's text
    assert masker.transform(frame([promo], ["blog-c"]))[0] == MASK_TOKEN_BOILERPLATE
    share = masked_share_by_group(masker, frame(texts, outlets))
    assert share["blog-a"] > 0.5 and share["blog-b"] == 0.0
    assert masker.boilerplate_lines_ == {promo.lower(): "blog-a"}


def test_outlet_terms_from_values_and_hosts():
    terms = outlet_terms_from(["de.rt.com", "contra-magazin.com", "Tagesspiegel"])
    for t in ("de.rt.com", "rt", "contra-magazin", "contra magazin", "contramagazin", "tagesspiegel"):
        assert t in terms


# ---------------------------------------------------------------------------------------------
# indicator features and weights


@pytest.mark.parametrize(
    "column, kept",
    [
        ("war_naming.euphemism.per_1000", True),
        ("epistemic.hedges_per_1000", True),
        ("voices.nato_eu.share", True),
        ("sourcing.quoted_token_share", True),
        ("war_naming.index", True),
        ("war_naming.index_own", True),
        ("readability.flesch_amstad", True),
        ("subjectivity.score", True),
        ("war_naming.euphemism", False),  # raw count: grows with length
        ("n_tokens", False),
        ("readability.n_words", False),
        ("reuse.share", False),  # depends on the rest of the corpus
        ("classify.m.p_fake", False),
    ],
)
def test_indicator_columns_are_length_normalised(column, kept):
    assert (column in indicator_columns_for([column])) is kept


def test_outlet_balanced_weights_equalise_outlets_and_classes():
    y = ["real"] * 90 + ["real"] * 10 + ["fake"] * 20
    g = ["big"] * 90 + ["small"] * 10 + ["alt"] * 20
    w = outlet_balanced_weights(y, g)
    assert w.sum() == pytest.approx(len(y))
    totals = pd.Series(w).groupby(np.asarray(g)).sum()
    assert totals["big"] == pytest.approx(totals["small"])
    assert totals["alt"] == pytest.approx(totals["big"] + totals["small"])


# ---------------------------------------------------------------------------------------------
# scikit-learn's estimator contract


@parametrize_with_checks([IndicatorSelector()])
def test_indicator_selector_passes_sklearn_checks(estimator, check):
    check(estimator)


# OutletMasker takes text, like scikit-learn's CountVectorizer/HashingVectorizer, which declare
# input_tags.two_d_array=False so that parametrize_with_checks generates no check for them (the suite
# feeds numeric matrices and compares numeric outputs). We run every check that does not need such
# data, and the data-dependent parts of the contract on text below.
MASKER_DATA_FREE_CHECKS = [
    ec.check_estimator_cloneable,
    ec.check_estimator_tags_renamed,
    ec.check_valid_tag_types,
    ec.check_estimator_repr,
    ec.check_no_attributes_set_in_init,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
    ec.check_parameters_default_constructible,
    ec.check_get_params_invariance,
    ec.check_set_params,
]


@pytest.mark.parametrize("check", MASKER_DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_outlet_masker_data_free_checks(check):
    check("OutletMasker", OutletMasker())


def test_outlet_masker_contract_on_text():
    texts = [a.text for a in synthetic_articles(3)]
    X = pd.DataFrame({"text": texts, "outlet": [a.outlet for a in synthetic_articles(3)], "url": ""})
    masker = OutletMasker(repeat_min_articles=2)
    with pytest.raises(NotFittedError):
        masker.transform(X)
    params = copy.deepcopy(masker.get_params())
    assert masker.fit(X) is masker  # fit returns self
    assert masker.get_params() == params  # fit does not change parameters
    assert masker.n_features_in_ == 3 and list(masker.feature_names_in_) == ["text", "outlet", "url"]
    first = masker.transform(X)
    assert list(clone(masker).fit(X).transform(X)) == list(first)  # refitting a clone is deterministic
    assert list(masker.fit_transform(X)) == list(first)
    assert list(pickle.loads(pickle.dumps(masker)).transform(X)) == list(first)
    assert list(masker.transform(X.iloc[::-1]))[::-1] == list(first)  # sample order invariance
    assert list(masker.transform(X.iloc[:4])) == list(first[:4])  # subset invariance
    assert list(masker.get_feature_names_out()) == ["masked_text"]
    assert not hasattr(clone(masker), "outlet_terms_")
    # a plain 1-D sequence of texts works too (no outlet/URL: only given terms and patterns)
    assert OutletMasker(outlet_terms=["Wahrheitsblog"]).fit(texts).transform(["Der Wahrheitsblog schreibt."])[0] == f"Der {MASK_TOKEN_OUTLET} schreibt."


# ---------------------------------------------------------------------------------------------
# outlet-disjoint cross-validation, training, persistence


@pytest.fixture(scope="module")
def corpus_table():
    articles = synthetic_articles()
    table = article_table(articles, ["label"])
    rng = np.random.default_rng(1)
    # two indicator columns: one carries the class (hedges per 1,000 higher in "real"), one is noise
    table["hedges.doubt.per_1000"] = np.where(table["label"] == "real", 6.0, 2.0) + rng.normal(0, 0.5, len(table))
    table["readability.mattr"] = rng.normal(0.7, 0.05, len(table))
    table.loc[0, "readability.mattr"] = np.nan
    return articles, table


def test_leave_one_outlet_out_has_one_outlet_per_fold_and_pools_scores(corpus_table):
    _, table = corpus_table
    y, g = table["label"].to_numpy(), table["outlet"].to_numpy()
    cols = ["hedges.doubt.per_1000", "readability.mattr"]
    res = cross_validate_by_group(lambda: build_model(indicator_columns=cols, min_df=1, max_df=1.0), table, y, g)
    assert [len(f["test_outlets"]) for f in res["folds"]] == [1, 1, 1, 1]
    assert {o for f in res["folds"] for o in f["test_outlets"]} == set(OUTLETS)
    assert all(f["n_train"] + f["n_test"] == len(table) for f in res["folds"])
    scores = res["scores"]
    assert set(scores["per_outlet"]) == set(OUTLETS)
    # class phrasing is shared across the outlets of a class, so unseen outlets are recognised
    assert scores["macro_f1"] >= 0.9 and scores["accuracy"] >= 0.9
    assert len(res["oof"]) == len(table) and {"p_fake", "p_real"} <= set(res["oof"].columns)
    # the baseline gets exactly the same folds
    base = cross_validate_by_group(build_baseline, table, y, g, weighting="none")
    assert [f["test_outlets"] for f in base["folds"]] == [f["test_outlets"] for f in res["folds"]]


def test_fold_without_training_class_is_skipped_with_reason(corpus_table):
    _, table = corpus_table
    sub = table[table["outlet"] != "klartext-kurier.com"]  # "fake" now has a single outlet
    res = cross_validate_by_group(lambda: build_model(min_df=1, max_df=1.0), sub, sub["label"].to_numpy(), sub["outlet"].to_numpy())
    assert [s["test_outlets"] for s in res["skipped"]] == [["wahrheitsblog.net"]]
    assert "no training article of class fake" in res["skipped"][0]["reason"]
    assert "wahrheitsblog.net" not in res["scores"]["per_outlet"]


def test_top_features_are_masked_and_interpretable(corpus_table):
    _, table = corpus_table
    from analysis.models.classify import _fit

    model = _fit(build_model(indicator_columns=["hedges.doubt.per_1000", "readability.mattr"], min_df=1, max_df=1.0),
                 table, table["label"].to_numpy(), table["outlet"].to_numpy(), "outlet")
    top = top_features(model, n=30)
    assert set(top) == {"fake", "real"}
    fake_words = [w for w, _ in top["fake"]["text"]]
    assert any(w in fake_words for w in ("mainstream", "systempresse", "wahrheit", "establishment"))
    assert top["real"]["indicators"][0][0] == "hedges.doubt.per_1000"
    everything = " ".join(w for cls in top.values() for feats in cls.values() for w, _ in feats)
    for name in ("wahrheitsblog", "klartext", "morgenpost", "abendblatt"):
        assert name not in everything  # self-mentions and signatures are masked
    vocabulary = model.named_steps["features"].named_transformers_["text"].named_steps["tfidf"].vocabulary_
    assert not [t for t in vocabulary if "outlet" in t or "boilerplate" in t]  # mask tokens are no features


def test_train_save_load_roundtrip_and_model_card(tmp_path, corpus_table):
    articles, table = corpus_table
    features = table[["hedges.doubt.per_1000", "readability.mattr"]]
    model = train_model(articles, label_field="label", name="Wahr/Falsch", features=features, corpus_name="synthetic")
    assert model.name == "wahr_falsch"
    assert model.info["cv"]["scores"]["macro_f1"] >= 0.9
    paths = save_model(model, tmp_path / "m")
    card = paths["card"].read_text(encoding="utf-8")
    for part in ("## Limitations", "outlet", "leave one outlet out", "klartext-kurier.com", "### fake", "hedges.doubt.per_1000",
                 f"masking rules {MASKING_VERSION}."):
        assert part in card
    metrics = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert metrics["data"]["per_group_and_class"]["wahrheitsblog.net"] == {"fake": 8}
    assert metrics["data"]["date_min"] == "2020-11-01"
    loaded = load_model(tmp_path / "m")
    np.testing.assert_allclose(loaded.pipeline.predict_proba(table), model.pipeline.predict_proba(table))
    predicted = loaded.predict_table(table)
    assert list(predicted.columns) == ["classify.wahr_falsch.p_fake", "classify.wahr_falsch.p_real", "classify.wahr_falsch.label"]
    assert np.allclose(predicted.iloc[:, :2].sum(axis=1), 1.0)


def test_train_refuses_a_single_class(corpus_table):
    articles, _ = corpus_table
    only_fake = [a for a in articles if a.meta["label"] == "fake"]
    with pytest.raises(ClassifierError, match="at least two classes"):
        train_model(only_fake, label_field="label", use_indicators=False)
    with pytest.raises(ClassifierError, match="available fields: .*label"):
        train_model(articles, label_field="rating", use_indicators=False)


class Log1pTransformer(TransformerMixin, BaseEstimator):
    """A transformer Quellenlage does not know: a model file containing it must not load silently."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.log1p(X)


def test_load_refuses_unknown_types_unless_trusted(tmp_path, corpus_table):
    import skops.io as sio
    from sklearn.pipeline import make_pipeline

    _, table = corpus_table
    folder = tmp_path / "untrusted"
    folder.mkdir()
    pipe = make_pipeline(Log1pTransformer(), build_model().named_steps["clf"])
    pipe.fit(np.abs(table[["hedges.doubt.per_1000"]].to_numpy()), table["label"])
    sio.dump(pipe, folder / "model.skops")
    with pytest.raises(ClassifierError, match="does not trust: .*Log1pTransformer.*--trust-model"):
        load_model(folder)
    assert load_model(folder, trust=True).pipeline.predict(np.array([[5.0]]))[0] in {"fake", "real"}
    with pytest.raises(ClassifierError, match="no model.skops"):
        load_model(tmp_path)


# ---------------------------------------------------------------------------------------------
# CLI and report page


def write_jsonl(path, articles):
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "source": a.outlet, "date": a.date, "header": a.title, "article": a.text,
                                 "url": a.url, "label": a.meta["label"]}, ensure_ascii=False) + "\n")
    return path


def test_cli_train_and_predict(tmp_path, capsys):
    corpus = write_jsonl(tmp_path / "train.jsonl", synthetic_articles(per_outlet=6))
    fields = ["--field", "text=article", "--field", "outlet=source", "--field", "title=header"]
    model_dir = tmp_path / "fang-model"
    rc = main(["train", str(corpus), *fields, "--label-field", "label", "--out", str(model_dir), "--jobs", "1"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "leave one outlet out: macro-F1" in out.out and "wahrheitsblog.net: accuracy" in out.out
    assert {p.name for p in model_dir.iterdir()} == {"model.skops", "model_card.md", "metrics.json"}
    assert "cross-validating" in out.err  # progress on stderr

    new = synthetic_articles(per_outlet=2, seed=5)
    new = [Article(a.id + "n", "neuer-blog.org" if a.meta["label"] == "fake" else "lokalzeitung.de", a.date, a.title, a.text,
                   "", a.meta) for a in new]
    target = write_jsonl(tmp_path / "new.jsonl", new)
    report_dir = tmp_path / "report"
    rc = main(["predict", "--model", str(model_dir), str(target), *fields, "--out", str(report_dir), "--jobs", "1",
               "--bootstrap", "50", "--no-texts"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    table = pd.read_csv(report_dir / "articles.csv")
    assert {"classify.fang_model.p_fake", "classify.fang_model.p_real", "classify.fang_model.label"} <= set(table.columns)
    fake_share = (table.loc[table["outlet"] == "neuer-blog.org", "classify.fang_model.label"] == "fake").mean()
    assert fake_share >= 0.75
    assert (report_dir / "figures" / "classify_fang_model_fake.png").is_file()
    run = json.loads((report_dir / "run.json").read_text(encoding="utf-8"))
    assert run["classify"]["fang_model"]["cv"]["scores"]["per_outlet"]
    assert "masking rules" not in out.err and run["classify"]["fang_model"]["warnings"] == []

    # a model saved under the earlier masking rules (no masking_version in metrics.json) is flagged
    metrics_path = model_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    assert metrics["masking_version"] == MASKING_VERSION
    del metrics["masking_version"]
    metrics_path.write_text(json.dumps(metrics), encoding="utf-8")
    rc = main(["predict", "--model", str(model_dir), str(target), *fields, "--out", str(tmp_path / "old"), "--jobs", "1",
               "--bootstrap", "50", "--no-texts", "--no-report"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert f"warning: the model was trained with masking rules 1, this Quellenlage masks with rules {MASKING_VERSION}" in out.err


def test_cli_predict_reports_untrusted_model(tmp_path, capsys):
    import skops.io as sio

    (tmp_path / "m").mkdir()
    sio.dump(Log1pTransformer(), tmp_path / "m" / "model.skops")
    rc = main(["predict", "--model", str(tmp_path / "m"), "examples/seeds", "--no-report"])
    assert rc == 1
    assert "--trust-model" in capsys.readouterr().err


def test_report_pages_only_with_classify_columns():
    from analysis.report.pages.classify import classify_models, probability_finding, probability_table

    articles = pd.DataFrame({
        "article_id": list("abcdef"), "outlet": ["A", "A", "A", "B", "B", "C"],
        "classify.m.p_fake": [0.9, 0.8, 0.7, 0.1, 0.3, 0.5], "classify.m.p_real": [0.1, 0.2, 0.3, 0.9, 0.7, 0.5],
    })
    assert classify_models(articles) == {"m": ["fake", "real"]}
    assert classify_models(articles.drop(columns=["classify.m.p_fake", "classify.m.p_real"])) == {}
    table = probability_table(articles, "classify.m.p_fake", ["A", "B", "C"], n_resamples=500)
    a = table.set_index("outlet")
    assert a.loc["A", "mean"] == pytest.approx(0.8) and a.loc["A", "ci_low"] <= 0.8 <= a.loc["A", "ci_high"]
    assert np.isnan(a.loc["C", "ci_low"])  # one article: no interval
    assert probability_finding(table, model="m", cls="fake").startswith("Mean probability of fake ranges from 0.20 (B) to 0.80 (A)")
