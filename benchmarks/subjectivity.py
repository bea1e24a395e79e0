"""Sentence subjectivity benchmark on CheckThat! data (a script, not a timed test).

    python benchmarks/subjectivity.py --train ../shared/data/checkthat-subjectivity-de/train_de.tsv [--test TSV]
        [--folds 5] [--seed 0] [--lexicons DIR_OR_FILE ...] [--polarity sentiws:PATH]

Input: CheckThat! TSV files (``sentence_id``, ``sentence``, ``label`` OBJ/SUBJ; tab-separated,
read with ``csv.QUOTE_NONE``). Prints one JSON line::

    {"lexicon_auc": …, "classifier_macro_f1": …, "classifier_auc": …, "n_test": …, "evaluation": …}

* ``lexicon_auc``: ROC AUC of the *untrained* subjectivity score of :mod:`analysis.indicators`
  (number of cues outside quotes, equal weights, the whole sentence as one unit) as a ranking of
  SUBJ over OBJ, on the test sentences (with ``--test``) or on all training sentences (without;
  nothing is fitted, so no cross-validation is needed).
* ``classifier_macro_f1``, ``classifier_auc``: a logistic regression (C = 0.3, class weights
  balanced) on word 1–2-grams and character 2–5-grams (TF-IDF, sublinear, min_df 2) plus the
  standardised features of :func:`sentence_features` (the subjectivity cues, the lexicon categories
  and objectivity markers). C was chosen among 0.05–32 by cross-validation on the same training
  file (see the report of the issue), so the CV figures are slightly optimistic. With ``--test`` it is trained on ``--train`` and scored on ``--test``;
  without, ``--folds``-fold stratified cross-validation (shuffled with ``--seed``) and the
  figures are computed on the pooled out-of-fold predictions.
* ``n_test``: sentences scored.

``--polarity sentiws:PATH`` (or ``rauh:PATH``) adds ``lexicon_auc_with_polarity``: the same
score plus the imported lexicon's polar words outside quotes as further evaluative cues.

Measured on ../shared/data/checkthat-subjectivity-de/train_de.tsv (800 sentences, 308 SUBJ),
5-fold CV, fallback pipeline:

    seed 0: {"lexicon_auc": 0.7013, "classifier_macro_f1": 0.7187, "classifier_auc": 0.7751, "n_test": 800}
    seed 1: classifier_macro_f1 0.7213, classifier_auc 0.7789; seed 2: 0.7171, 0.7821

Targets of the issue: macro-F1 >= 0.72, lexicon AUC >= 0.70. The lexicon AUC meets it (0.7013); the
classifier is at the edge (0.717-0.721 across CV seeds, mean 0.719), not robustly above it.
Caveats: the cue lexicons were extended while looking at a random half of these sentences
(lexicon AUC 0.73 on that half, 0.65 on the other half), and C was chosen on this file.
Polar words of SentiWS or Rauh help neither the untrained score (0.695 / 0.700) nor, as a
further classifier feature, the classifier (macro-F1 0.709 / 0.709). Word/char n-grams
alone reach macro-F1 0.64-0.68; the cue and objectivity features add about 0.04.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import indicators  # noqa: E402
from analysis.lexicon import load_lexicons  # noqa: E402
from analysis.pipeline import build_pipeline  # noqa: E402

LABELS = ("OBJ", "SUBJ")
CUE_LEXICONS = ("hedges", "boosters", "loaded_language")


def read_tsv(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Sentences and labels (1 = SUBJ) of a CheckThat! TSV file."""
    path = Path(path)
    sentences, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"sentence", "label"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: missing column(s) {sorted(missing)}; expected sentence_id, sentence, label")
        for number, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip()
            if label not in LABELS:
                raise SystemExit(f"{path}:{number}: label {label!r}; allowed: OBJ, SUBJ")
            sentences.append(row["sentence"])
            labels.append(1 if label == "SUBJ" else 0)
    if not sentences:
        raise SystemExit(f"{path}: no sentences")
    return sentences, np.array(labels)


#: Konjunktiv I forms that mark indirect (reported) speech: an objectivity marker.
KONJUNKTIV_I = frozenset("sei seien habe werde könne müsse dürfe solle wolle gebe".split())
#: Lemmas of reporting verbs and attribution words: objectivity markers (reporting someone's view).
REPORTING = frozenset("sagen erklären berichten mitteilen betonen zufolge laut teilen schreiben melden heißen".split())


def sentence_features(doc, polarity=None) -> dict[str, float]:
    """Classifier features of one sentence (the Doc is the sentence).

    * the subjectivity cues of :mod:`analysis.indicators` (outside quotes);
    * the matches of every category of the hedges, boosters and loaded_language lexicons;
    * objectivity markers: digits, share of quoted tokens, Konjunktiv I forms, reporting words,
      share of capitalised words after the first (names), parentheses, colons, log length;
    * with a polarity lexicon: its polar words outside quotes.
    """
    import math

    quoted = indicators.quote_mask(doc)
    counts = indicators.subjectivity_cue_counts(doc, quoted=quoted)
    tokens = [t for t in doc if not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    f: dict[str, float] = {f"cue.{c}": counts[c] for c in indicators.SUBJECTIVITY_CUES}
    for key in CUE_LEXICONS:
        for span in doc.spans.get(key, []):
            name = f"{key}.{span.label_}"
            f[name] = f.get(name, 0) + 1
    f["log_words"] = math.log1p(len(words))
    f["digits"] = sum(1 for t in words if any(ch.isdigit() for ch in t.text))
    f["quoted_share"] = sum(quoted) / max(1, len(doc))
    f["konjunktiv_i"] = sum(1 for t in words if t.lower_ in KONJUNKTIV_I)
    f["reporting"] = sum(1 for t in words if t.norm_ in REPORTING)
    f["capitalised_share"] = sum(1 for i, t in enumerate(words) if i > 0 and t.text[:1].isupper()) / max(1, len(words))
    f["parentheses"] = sum(1 for t in tokens if t.text in "()")
    f["colons"] = sum(1 for t in tokens if t.text == ":")
    if polarity is not None:
        f["polar_words"] = sum(1 for h in polarity.match(doc) if not quoted[doc.char_span(h.start_char, h.end_char).start])
    return f


MARKERS = ("log_words", "digits", "quoted_share", "konjunktiv_i", "reporting", "capitalised_share", "parentheses", "colons")


def feature_names(lexicons, *, polarity: bool = False) -> list[str]:
    """The fixed feature columns: cues, every category of the cue lexicons, objectivity markers."""
    names = [f"cue.{c}" for c in indicators.SUBJECTIVITY_CUES]
    names += [f"{lex.name}.{c}" for lex in lexicons if lex.name in CUE_LEXICONS for c in lex.category_names]
    names += list(MARKERS)
    return names + (["polar_words"] if polarity else [])


def cue_features(nlp, lexicons, sentences: list[str], polarity=None) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Feature matrix, its column names, the untrained score and the polar-word count per sentence.

    ``nlp`` is the pipeline built with ``lexicons`` (whose categories become feature columns).
    """
    names = feature_names(lexicons, polarity=polarity is not None)
    dicts = [sentence_features(doc, polarity) for doc in nlp.pipe(sentences, batch_size=64)]
    features = np.array([[d.get(n, 0.0) for n in names] for d in dicts], dtype=float)
    cue_idx = [names.index(f"cue.{c}") for c in indicators.SUBJECTIVITY_CUES]
    score = features[:, cue_idx].sum(axis=1)
    polar = features[:, names.index("polar_words")] if "polar_words" in names else np.zeros(len(dicts))
    return features, names, score, polar


def make_classifier(cue_names: list[str], seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    features = ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True), "sentence"),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True), "sentence"),
            ("cues", StandardScaler(), cue_names),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=0.3, class_weight="balanced", max_iter=5000, random_state=seed))])


def frame(sentences: list[str], features: np.ndarray, names: list[str]):
    import pandas as pd

    df = pd.DataFrame(features, columns=names)
    df.insert(0, "sentence", sentences)
    return df


def run(args: argparse.Namespace) -> dict:
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    lexicon_paths = args.lexicons or [ROOT / "lexicons" / f"{name}.toml" for name in CUE_LEXICONS]
    loaded = load_lexicons(lexicon_paths)
    if loaded.refused:
        raise SystemExit(f"lexicons refused: {loaded.refused}")
    nlp = build_pipeline(loaded.lexicons, "blank")
    polarity = None
    if args.polarity:
        from analysis.lexicon_import import read_polarity_lexicon

        kind, _, path = args.polarity.partition(":")
        polarity = read_polarity_lexicon(kind, path)

    train_x, train_y = read_tsv(args.train)
    train_f, names, train_score, train_polar = cue_features(nlp, loaded.lexicons, train_x, polarity)
    result: dict = {}
    if args.test:
        test_x, test_y = read_tsv(args.test)
        test_f, _, test_score, test_polar = cue_features(nlp, loaded.lexicons, test_x, polarity)
        model = make_classifier(names, args.seed).fit(frame(train_x, train_f, names), train_y)
        proba = model.predict_proba(frame(test_x, test_f, names))[:, 1]
        y, score, polar = test_y, test_score, test_polar
        evaluation = "train/test"
    else:
        folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
        proba = np.zeros(len(train_y))
        data = frame(train_x, train_f, names)
        for fit_idx, test_idx in folds.split(data, train_y):
            model = make_classifier(names, args.seed).fit(data.iloc[fit_idx], train_y[fit_idx])
            proba[test_idx] = model.predict_proba(data.iloc[test_idx])[:, 1]
        y, score, polar = train_y, train_score, train_polar
        evaluation = f"{args.folds}-fold stratified CV (seed {args.seed}), pooled out-of-fold predictions"
    result["lexicon_auc"] = round(float(roc_auc_score(y, score)), 4)
    result["classifier_macro_f1"] = round(float(f1_score(y, (proba >= 0.5).astype(int), average="macro")), 4)
    result["classifier_auc"] = round(float(roc_auc_score(y, proba)), 4)
    result["n_test"] = int(len(y))
    result["evaluation"] = evaluation
    if polarity is not None:
        result["lexicon_auc_with_polarity"] = round(float(roc_auc_score(y, score + polar)), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, type=Path, help="CheckThat! TSV (sentence_id, sentence, label)")
    parser.add_argument("--test", type=Path, help="CheckThat! TSV to score; without it: cross-validation on --train")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lexicons", action="append", type=Path, help="lexicon files/folders with hedges, boosters, loaded_language (default: the shipped ones)")
    parser.add_argument("--polarity", help="sentiws:PATH or rauh:PATH: also report lexicon_auc_with_polarity")
    args = parser.parse_args(argv)
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
