"""Outlet-reliability classifier benchmark on FANG-COVID (a script, not a timed test).

    python benchmarks/reliability.py --train ../shared/data/fang-covid/train-outlets.jsonl.gz [--test FILE]
        [--per-outlet N] [--cache-dir /tmp/classify/features] [--jobs 2] [--seed 0]

Input: FANG-COVID JSON Lines (gzip allowed) with the fields ``url, date, source, label, header, article``
(``source`` is the outlet, ``label`` real/fake given per outlet). Prints one JSON line::

    {"ours": {"macro_f1", "accuracy", "per_outlet"}, "baseline": {…}, "n_train", "n_test"}

* ``ours``: :func:`analysis.models.classify.build_model` — masked TF-IDF word 1–2-grams (sublinear tf,
  min_df 3, max_df 0.5) plus the 65 length-normalised lexicon/indicator values of ``quellenlage
  analyze`` (block weight 0.5), class-weighted logistic regression, trained with outlet-balanced
  weights (every outlet weighs the same within its class).
* ``baseline``: :func:`analysis.models.classify.build_baseline` — the same masking, TF-IDF word 1–2-grams
  with scikit-learn's defaults and ``LogisticRegression(class_weight="balanced")``.
* Both decide by the most probable class (p ≥ 0.5); no threshold is tuned.
* With ``--test``: both are trained on ``--train`` and scored on ``--test``, whose outlets must differ.
  Without: leave one outlet out on ``--train`` (identical folds for both); each fold's test part is one
  outlet, so ``per_outlet`` is that fold's accuracy and macro-F1/accuracy are computed on the pooled
  out-of-fold predictions.
* ``n_train``: articles in the training file (after the corpus reader's duplicate rejection);
  ``n_test``: articles scored.

Per-fold details, the masked share of text per outlet and the top features of ``ours`` fitted on all
training articles go to stderr. The per-article indicator values are cached (Parquet keyed by text
hash) under ``--cache-dir``: the full analysis of FANG-COVID's 31,440 articles runs once.

Measured figures: see README.md, section "Article classifier".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import FieldMap, read_corpus  # noqa: E402
from analysis.lexicons.model import load_lexicons  # noqa: E402
from analysis.models.classify import (  # noqa: E402
    _fit,
    _scores,
    article_table,
    build_baseline,
    build_model,
    compute_features,
    cross_validate_by_group,
    indicator_columns_for,
    masked_share_by_group,
    top_features,
)

FANG_FIELDS = FieldMap(text="article", outlet="source", title="header")
LABEL = "label"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load(path: Path, per_outlet: int | None, seed: int):
    """Articles of a FANG-COVID file; with ``per_outlet``, a seeded sample of at most N per outlet."""
    corpus = read_corpus(path, fields=FANG_FIELDS, fmt="jsonl")
    articles = corpus.articles
    if per_outlet:
        rng = np.random.default_rng(seed)
        by_outlet: dict[str, list[int]] = {}
        for i, a in enumerate(articles):
            by_outlet.setdefault(a.outlet, []).append(i)
        keep = sorted(
            j for idx in by_outlet.values() for j in (rng.choice(idx, per_outlet, replace=False) if len(idx) > per_outlet else idx)
        )
        articles = [articles[i] for i in keep]
    log(f"{path}: {len(articles)} articles ({len(corpus.rejected)} rejected by the reader)")
    return articles


def table_with_features(articles, args) -> pd.DataFrame:
    table = article_table(articles, [LABEL])
    t0 = time.perf_counter()
    lexicons = load_lexicons(args.lexicons).lexicons
    features = compute_features(articles, lexicons=lexicons, model="blank", jobs=args.jobs, cache_dir=args.cache_dir)
    log(f"indicator features of {len(articles)} articles in {time.perf_counter() - t0:.0f} s (cache {args.cache_dir})")
    cols = indicator_columns_for(features.columns)
    return pd.concat([table, features[cols]], axis=1), cols


_STATE: dict = {}  # the training table, shared with forked workers of _run_cv


def _run_cv(name: str) -> tuple[dict, int]:
    """Leave-one-outlet-out of ``ours`` or ``baseline`` on ``_STATE``; (scores, articles scored)."""
    train, y, groups, cols = _STATE["train"], _STATE["y"], _STATE["groups"], _STATE["cols"]
    make, weighting = {"ours": (lambda: build_model(indicator_columns=cols), "outlet"), "baseline": (build_baseline, "none")}[name]
    t0 = time.perf_counter()
    cv = cross_validate_by_group(make, train, y, groups, cv="logo", weighting=weighting, progress=lambda m: log(f"[{name}] {m}"))
    for s in cv["skipped"]:
        log(f"[{name}] skipped {s}")
    log(f"[{name}] leave-one-outlet-out in {time.perf_counter() - t0:.0f} s: macro-F1 {cv['scores']['macro_f1']:.4f}, "
        f"accuracy {cv['scores']['accuracy']:.4f}")
    return cv["scores"], int(len(cv["oof"]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, required=True, help="FANG-COVID JSONL (gzip allowed)")
    ap.add_argument("--test", type=Path, help="FANG-COVID JSONL with other outlets (default: leave one outlet out on --train)")
    ap.add_argument("--per-outlet", type=int, help="sample at most N articles per outlet (for a quick run)")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/classify/features"), help="cache of per-article indicator values")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for the analysis of uncached articles; with 2 or more, the two leave-one-outlet-out runs also run in parallel")
    ap.add_argument("--seed", type=int, default=0, help="seed of the --per-outlet sample")
    ap.add_argument("--lexicons", action="append", type=Path, help="lexicon folder for the indicator features (default: the shipped lexicons/)")
    args = ap.parse_args(argv)

    train_articles = load(args.train, args.per_outlet, args.seed)
    train, cols = table_with_features(train_articles, args)
    y = train[LABEL].astype(str).to_numpy(dtype=object)
    groups = train["outlet"].to_numpy(dtype=object)
    log("articles per outlet and label: " + json.dumps({f"{g} ({l})": int(n) for (g, l), n in train.groupby(["outlet", LABEL]).size().items()}))

    def ours():
        return build_model(indicator_columns=cols)

    results = {}
    if args.test is None:
        _STATE.update(train=train, y=y, groups=groups, cols=cols)
        names = ("ours", "baseline")
        if args.jobs >= 2:  # the two cross-validations in parallel (same folds: LeaveOneGroupOut is deterministic)
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = {name: pool.submit(_run_cv, name) for name in names}
                done = {name: f.result() for name, f in futures.items()}
        else:
            done = {name: _run_cv(name) for name in names}
        results = {name: scores for name, (scores, _) in done.items()}
        n_test = done["ours"][1]
    else:
        test_articles = load(args.test, None, args.seed)
        test, _ = table_with_features(test_articles, args)
        overlap = sorted(set(train["outlet"]) & set(test["outlet"]))
        if overlap:
            log(f"error: --test shares outlets with --train ({', '.join(overlap)}); the benchmark is about unseen outlets")
            return 2
        y_test = test[LABEL].astype(str).to_numpy(dtype=object)
        for name, make, weighting in (("ours", ours, "outlet"), ("baseline", build_baseline, "none")):
            model = _fit(make(), train, y, groups, weighting)
            pred = model.predict(test)
            results[name] = _scores(y_test, pred, test["outlet"].to_numpy(dtype=object))
            log(f"[{name}] test: {json.dumps(results[name])}")
        n_test = int(len(test))

    final = _fit(ours(), train, y, groups, "outlet")
    masker = final.named_steps["features"].named_transformers_["text"].named_steps["mask"]
    log("masked share of characters per outlet: " + json.dumps({k: round(float(v), 4) for k, v in masked_share_by_group(masker, train).items()}))
    log(f"boilerplate lines learnt: {len(masker.boilerplate_lines_)}")
    for cls, blocks in top_features(final, n=15).items():
        for block, feats in blocks.items():
            log(f"top {cls} {block}: " + ", ".join(f"{f} ({w:+.2f})" for f, w in feats))
    print(json.dumps({"ours": results["ours"], "baseline": results["baseline"], "n_train": int(len(train)), "n_test": n_test}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
