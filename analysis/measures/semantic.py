"""Semantic layer: sentences that carry a lexicon category's claim without any listed term.

A lexicon category may carry example sentences (``examples = [{ text, source }]``) and the lexicon
counter-examples (``[semantic] counter_examples``: sentences on the same topic that carry none of
its claims, such as a mainstream report that quotes or rebuts a claim). When the lexicon is loaded
for a run, :func:`compile_scorer` turns them into a **scorer**:

* every example and counter-example is encoded by the run's sentence encoder (:mod:`analysis.processing.encoder`);
* a multinomial logistic regression (scikit-learn, ``class_weight="balanced"``, ``C`` =
  :data:`DEFAULT_C`) is fitted on the vectors, one class per category with examples plus
  :data:`NONE_CLASS` for the counter-examples and for the k-means centroids of the calibration
  corpus's sentence embeddings (:func:`centroids_of`; each weighted by the sentences it stands for
  times :data:`NEGATIVE_WEIGHT`): what mainstream coverage looks like, learnt from vectors, never
  texts. The **raw score** of category ``C`` is ``P(C) / (P(C) + P(none))``. Fitting takes about
  two seconds (memoised per process): a user who adds an example sentence changes the scorer at
  the next run. Chosen by measurement (``benchmarks/narratives.py``, README): nearest-example
  similarity ranked claims at AUC ≈ 0.5, the model without centroids at 0.65–0.68, with them 0.82.

**Calibration** (:class:`Calibration`). A raw probability of a model fitted on a few hundred
sentences is not a rate anyone can interpret. The calibrated score of category ``C`` is the
share of *mainstream* on-topic sentences whose raw score for ``C`` is lower: 0.97 means "higher than
97% of the sentences of mainstream war coverage". It is computed from the raw-score quantiles of a
negative corpus stored in ``<lexicon>.semantic.json`` next to the lexicon file (written by
``quellenlage lexicon calibrate``). A sentence is **flagged** when its highest calibrated score
is above the stored ``threshold``; it is counted once, for the category with the highest score.
The threshold is the smallest value above which at most ``target_fpr`` of the negative sentences
(default 5%) lie for *any* category. The calibration records the fingerprint of the
examples, counter-examples, model settings and encoder it was made with; when they differ (an
example was added, another encoder is used) the stored calibration is applied anyway and the run
says it is stale (``run.json`` → ``semantic.lexicons.<L>.calibration.status``); without any
calibration for the encoder the out-of-fold raw scores of the lexicon's own counter-examples
stand in for the negative corpus (status ``counter_examples``).

**Which sentences are scored.** Only sentences within the lexicon's ``[context]`` window of a
context term (all sentences for a lexicon without ``[context]``), with at least
:data:`MIN_WORDS` words: for the war narratives, the sentences about Russia, Ukraine and the West.
In **cascade** mode (``SemanticScorer.mode``; the default where the calibration has one) a cheap
first stage (:class:`Prefilter`: hashed character n-grams, fitted by ``lexicon calibrate``) picks
the sentences that are encoded; the others score 0.

Per article and category ``C`` with examples (:func:`measure_semantic`):

* ``L.C.semantic``: sentences flagged for ``C``;
* ``L.C.semantic_score``: the highest calibrated score of ``C`` over the scored sentences, in
  [0, 1] (0 when no sentence was on the topic);
* ``L.semantic_sentences``: sentences scored (the denominator of the outlet shares).

Every flagged sentence is an evidence line with ``method = "semantic"``, the sentence span, the
calibrated ``score``, and the ``nearest_example`` of the category (highest cosine similarity)
with its ``source`` and ``similarity``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from spacy.tokens import Doc

from analysis.errors import LexiconError
from analysis.measures.framing import _word_flags, context_window
from analysis.lexicons.model import Lexicon, _sentence_index
from analysis.processing.matcher import context_key

log = logging.getLogger(__name__)

SEMANTIC_METHOD = "semantic"
NONE_CLASS = "__none__"
#: Inverse regularisation strength of the scorer's logistic regression (see benchmarks/narratives.py).
DEFAULT_C = 16.0
#: Sentences with fewer words are not scored (headings, datelines, captions).
MIN_WORDS = 5
#: Quantile levels of the negative raw scores stored per category.
QUANTILE_LEVELS = np.linspace(0.0, 1.0, 1001)
DEFAULT_TARGET_FPR = 0.05
CALIBRATION_SUFFIX = ".semantic.json"
SCORER_VERSION = 1


# --------------------------------------------------------------------------- scorer


def scorer_fingerprint(lexicon: Lexicon, encoder_name: str, encoder_version: str, c: float = DEFAULT_C) -> str:
    """What determines a scorer: examples, counter-examples, model settings and the encoder."""
    payload = {
        "scorer": SCORER_VERSION,
        "C": c,
        "encoder": [encoder_name, encoder_version],
        "examples": {cat: [e.text for e in lexicon.categories[cat].examples] for cat in lexicon.semantic_categories},
        "counter_examples": [e.text for e in lexicon.counter_examples],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


#: First stage (cascade mode): hashed character 3–5-grams within word boundaries, logistic regression.
PREFILTER_FEATURES = 2**18
PREFILTER_C = 4.0
#: Share of the negative corpus's on-topic sentences the first stage passes on to the encoder.
DEFAULT_PASS_SHARE = 0.2
MODES = ("cascade", "full")


def _hashing_vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=PREFILTER_FEATURES,
                             alternate_sign=False, norm="l2", lowercase=True)


@dataclass(frozen=True)
class Prefilter:
    """The cascade's cheap first stage: a linear model on hashed character n-grams, trained by
    ``lexicon calibrate`` on the examples against the counter-examples and the negative corpus's
    sentences; a sentence is encoded only when its decision value is above ``threshold`` (set so that
    ``pass_share`` of the negative sentences pass, out of fold)."""

    weights: np.ndarray = field(compare=False)  # (PREFILTER_FEATURES,)
    intercept: float
    threshold: float
    pass_share: float
    measured_pass_share: float

    def decision(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0)
        return _hashing_vectorizer().transform(sentences) @ self.weights.astype(np.float64) + self.intercept

    def as_json(self) -> dict:
        return {
            "features": "char_wb 3-5-grams, hashed to 2^18, l2",
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "pass_share": self.pass_share,
            "measured_pass_share": round(float(self.measured_pass_share), 6),
            "weights_float16_base64": _pack(self.weights[None, :]),
        }

    @classmethod
    def from_json(cls, record: dict) -> "Prefilter":
        weights = _unpack(record["weights_float16_base64"], 1)[0]
        if weights.shape[0] != PREFILTER_FEATURES:
            raise ValueError(f"prefilter: {weights.shape[0]} weights, expected {PREFILTER_FEATURES}")
        return cls(weights, float(record["intercept"]), float(record["threshold"]), float(record["pass_share"]),
                   float(record["measured_pass_share"]))


def fit_prefilter(positive: Sequence[str], negative: Sequence[str]):
    """(weights, intercept) of the first stage: claims against everything that is not a claim."""
    from sklearn.linear_model import LogisticRegression

    x = _hashing_vectorizer().transform(list(positive) + list(negative))
    y = np.r_[np.ones(len(positive), dtype=int), np.zeros(len(negative), dtype=int)]
    model = LogisticRegression(C=PREFILTER_C, class_weight="balanced", max_iter=3000).fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


@dataclass(frozen=True)
class Calibration:
    """Negative raw-score quantiles per category and the flag threshold (see the module docstring)."""

    encoder: str
    encoder_version: str
    fingerprint: str
    threshold: float
    target_fpr: float
    measured_fpr: float
    n_negative_sentences: int
    quantiles: dict[str, np.ndarray] = field(compare=False)
    negatives: str = ""
    created: str = ""
    status: str = "calibrated"
    #: k-means centroids of the negative sentences' embeddings (extra negatives of the scorer) and
    #: the number of sentences each stands for; never the sentences themselves
    centroids: np.ndarray | None = field(default=None, compare=False)
    centroid_weights: np.ndarray | None = field(default=None, compare=False)
    prefilter: Prefilter | None = field(default=None, compare=False)

    def as_json(self) -> dict:
        return {
            "encoder": self.encoder,
            "encoder_version": self.encoder_version,
            "fingerprint": self.fingerprint,
            "threshold": round(float(self.threshold), 6),
            "target_fpr": self.target_fpr,
            "measured_fpr": round(float(self.measured_fpr), 6),
            "n_negative_sentences": self.n_negative_sentences,
            "negatives": self.negatives,
            "created": self.created,
            "quantile_levels": len(QUANTILE_LEVELS),
            "quantiles": {c: [round(float(v), 7) for v in q] for c, q in self.quantiles.items()},
            "n_centroids": 0 if self.centroids is None else int(len(self.centroids)),
            "centroid_weights": [] if self.centroid_weights is None else [int(w) for w in self.centroid_weights],
            "centroids_float16_base64": "" if self.centroids is None else _pack(self.centroids),
            "prefilter": None if self.prefilter is None else self.prefilter.as_json(),
        }

    def info(self) -> dict:
        d = self.as_json()
        for key in ("quantiles", "centroid_weights", "centroids_float16_base64"):
            d.pop(key)
        if d["prefilter"]:
            d["prefilter"] = {k: v for k, v in d["prefilter"].items() if k != "weights_float16_base64"}
        d["status"] = self.status
        return d


def _pack(matrix: np.ndarray) -> str:
    import base64

    return base64.b64encode(np.ascontiguousarray(matrix, dtype="<f2").tobytes()).decode("ascii")


def _unpack(text: str, rows: int) -> np.ndarray:
    import base64

    flat = np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)
    if rows <= 0 or flat.size % rows:
        raise ValueError(f"centroids: {flat.size} numbers do not make {rows} rows")
    return flat.reshape(rows, -1)


@dataclass
class SemanticScorer:
    """A compiled scorer of one lexicon (plain numpy arrays: picklable, sent to worker processes)."""

    lexicon: str
    categories: list[str]
    encoder: str
    encoder_version: str
    fingerprint: str
    coef: np.ndarray  # (n_classes, dim), class order = [NONE_CLASS] + categories
    intercept: np.ndarray
    example_vectors: np.ndarray
    example_category: np.ndarray  # index into categories
    example_texts: list[str]
    example_sources: list[str]
    calibration: Calibration | None = None
    context_window: int | None = 1
    has_context: bool = True
    #: "cascade": encode only sentences the calibration's first stage passes; "full": every candidate
    mode: str = "full"

    @property
    def prefilter(self) -> "Prefilter | None":
        if self.mode != "cascade" or self.calibration is None:
            return None
        return self.calibration.prefilter

    def raw_scores(self, vectors: np.ndarray) -> np.ndarray:
        """``P(C) / (P(C) + P(none))`` per category (columns in :attr:`categories` order): the
        category against the counter-examples, whatever the other categories score."""
        if len(vectors) == 0:
            return np.zeros((0, len(self.categories)))
        logits = vectors.astype(np.float64) @ self.coef.T + self.intercept
        diff = np.clip(logits[:, 1:] - logits[:, :1], -500, 500)
        return 1.0 / (1.0 + np.exp(-diff))

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated scores in [0, 1]: the share of negative sentences with a lower raw score.

        Above the highest negative score the value rises linearly from ``n / (n + 1)`` to 1 (at a
        raw score of 1), so sentences beyond every negative keep their order (no ties at 1).
        """
        out = np.zeros_like(raw, dtype=np.float64)
        if self.calibration is None:
            return raw.astype(np.float64)
        n = max(1, self.calibration.n_negative_sentences)
        top = n / (n + 1.0)
        levels = QUANTILE_LEVELS * top
        for j, cat in enumerate(self.categories):
            q = self.calibration.quantiles[cat]
            x = raw[:, j]
            col = np.interp(x, q, levels)
            above = x > q[-1]
            if above.any():
                span = max(1.0 - q[-1], 1e-12)
                col[above] = top + (1.0 - top) * np.clip((x[above] - q[-1]) / span, 0.0, 1.0)
            out[:, j] = col
        return out

    @property
    def threshold(self) -> float:
        return math.inf if self.calibration is None else float(self.calibration.threshold)

    def nearest(self, vector: np.ndarray, category: int) -> tuple[int, float]:
        """Index and cosine similarity of the category's example closest to ``vector``."""
        rows = np.flatnonzero(self.example_category == category)
        sims = self.example_vectors[rows] @ vector
        best = int(np.argmax(sims))
        return int(rows[best]), float(sims[best])

    def info(self) -> dict:
        return {
            "categories": list(self.categories),
            "n_examples": len(self.example_texts),
            "fingerprint": self.fingerprint,
            "model": f"multinomial logistic regression, C={DEFAULT_C}, class_weight=balanced",
            "calibration": self.calibration.info() if self.calibration is not None else {"status": "none"},
        }


#: Weight of the negative corpus's centroids (per sentence they stand for) against one counter-example.
NEGATIVE_WEIGHT = 3.0
#: At most this many k-means centroids of the negative sentences are stored (one per 4 sentences below that).
MAX_CENTROIDS = 600


def _fit(vectors: np.ndarray, labels: np.ndarray, c: float, sample_weight: np.ndarray | None = None):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    model.fit(vectors, labels, sample_weight=sample_weight)
    return model


def _coef(model, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(coef, intercept) with one row per class 0..n_classes-1 (binary models expanded to softmax form)."""
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1 and n_classes == 2:  # binary: logit = w·x + b for class 1 against 0
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    return np.asarray(coef, dtype=np.float64), np.asarray(intercept, dtype=np.float64)


def training_data(lexicon: Lexicon) -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, class index per text: 0 = counter-example, 1.. = category, sources)."""
    texts, labels, sources = [], [], []
    for ex in lexicon.counter_examples:
        texts.append(ex.text)
        labels.append(0)
        sources.append(ex.source)
    for j, cat in enumerate(lexicon.semantic_categories, start=1):
        for ex in lexicon.categories[cat].examples:
            texts.append(ex.text)
            labels.append(j)
            sources.append(ex.source)
    return texts, np.asarray(labels), sources


def centroids_of(vectors: np.ndarray, *, max_centroids: int = MAX_CENTROIDS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means centroids of negative sentence vectors and how many sentences each stands for."""
    from sklearn.cluster import KMeans

    k = int(min(max_centroids, max(1, len(vectors) // 4)))
    km = KMeans(n_clusters=k, n_init=2, random_state=seed).fit(vectors)
    return km.cluster_centers_.astype(np.float32), np.bincount(km.labels_, minlength=k).astype(np.float64)


def fit_scorer(lexicon: Lexicon, encoder, vectors: np.ndarray, labels: np.ndarray, texts: list[str], sources: list[str], *,
               c: float = DEFAULT_C, centroids: np.ndarray | None = None, centroid_weights: np.ndarray | None = None) -> SemanticScorer:
    """Fit the scorer on encoded examples/counter-examples (and negative centroids, if given)."""
    categories = lexicon.semantic_categories
    x, y, weight = vectors, labels, np.ones(len(labels))
    if centroids is not None and len(centroids):
        w = np.asarray(centroid_weights, dtype=np.float64)
        x = np.vstack([vectors, centroids])
        y = np.concatenate([labels, np.zeros(len(centroids), dtype=labels.dtype)])
        weight = np.concatenate([weight, NEGATIVE_WEIGHT * w / w.mean()])
    model = _fit(x, y, c, weight)
    coef, intercept = _coef(model, len(categories) + 1)
    positive = labels > 0
    return SemanticScorer(
        lexicon=lexicon.name,
        categories=list(categories),
        encoder=encoder.name,
        encoder_version=encoder.version,
        fingerprint=scorer_fingerprint(lexicon, encoder.name, encoder.version, c),
        coef=coef,
        intercept=intercept,
        example_vectors=vectors[positive].astype(np.float32),
        example_category=labels[positive] - 1,
        example_texts=[t for t, p in zip(texts, positive) if p],
        example_sources=[s for s, p in zip(sources, positive) if p],
        context_window=lexicon.context.window if lexicon.context else None,
        has_context=lexicon.context is not None,
    )


def compile_scorer(lexicon: Lexicon, encoder, *, c: float = DEFAULT_C, calibration: "Calibration | None | str" = "auto") -> SemanticScorer:
    """Fit the scorer of ``lexicon`` with ``encoder`` (see the module docstring).

    ``calibration``: ``"auto"`` reads ``<lexicon>.semantic.json`` next to the lexicon file (its
    negative centroids join the counter-examples; without a file the out-of-fold counter-example
    scores stand in), or a :class:`Calibration`, or None (raw scores, nothing flagged, no centroids).
    """
    if not lexicon.semantic_categories:
        raise LexiconError(f"lexicon {lexicon.name}: no category has example sentences")
    key = _memo_key(lexicon, encoder, c, calibration)
    if key is not None and key in _COMPILED:
        return dataclasses.replace(_COMPILED[key])
    scorer = _compile(lexicon, encoder, c, calibration)
    if key is not None:
        if len(_COMPILED) >= 8:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = scorer
        scorer = dataclasses.replace(scorer)
    return scorer


#: Scorers compiled in this process, by what determines them (a run, a test suite or a notebook
#: loading the same lexicon again skips the refit; about 2 s for the shipped narratives).
_COMPILED: dict[tuple, SemanticScorer] = {}


def _memo_key(lexicon: Lexicon, encoder, c: float, calibration) -> tuple | None:
    if not isinstance(calibration, str) and calibration is not None:
        return None  # an explicit Calibration object: not memoised
    path = calibration_path(lexicon)
    try:
        stamp = (str(path), path.stat().st_mtime_ns, path.stat().st_size) if path is not None and path.exists() else None
    except OSError:
        return None
    return (scorer_fingerprint(lexicon, encoder.name, encoder.version, c), lexicon.name, lexicon.context, calibration, stamp)


def _compile(lexicon: Lexicon, encoder, c: float, calibration) -> SemanticScorer:
    texts, labels, sources = training_data(lexicon)
    vectors = encoder.encode(texts)
    if calibration == "auto":
        calibration = load_calibration(lexicon, encoder.name, scorer_fingerprint(lexicon, encoder.name, encoder.version, c))
        if calibration is None:
            scorer = fit_scorer(lexicon, encoder, vectors, labels, texts, sources, c=c)
            scorer.calibration = counter_example_calibration(lexicon, vectors, labels, scorer, c=c)
            return scorer
    centroids = calibration.centroids if calibration is not None else None
    weights = calibration.centroid_weights if calibration is not None else None
    scorer = fit_scorer(lexicon, encoder, vectors, labels, texts, sources, c=c, centroids=centroids, centroid_weights=weights)
    scorer.calibration = calibration
    return scorer


def counter_example_calibration(lexicon: Lexicon, vectors: np.ndarray, labels: np.ndarray, scorer: SemanticScorer, *,
                                c: float = DEFAULT_C, folds: int = 5, target_fpr: float = DEFAULT_TARGET_FPR) -> Calibration:
    """Stand-in calibration from the counter-examples' out-of-fold raw scores (no negative corpus)."""
    from sklearn.model_selection import StratifiedKFold

    n_classes = len(scorer.categories) + 1
    folds = max(2, min(folds, int(np.bincount(labels).min())))
    raw = np.zeros((len(labels), n_classes - 1))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(vectors, labels):
        model = _fit(vectors[train], labels[train], c)
        coef, intercept = _coef(model, n_classes)
        fold = SemanticScorer(scorer.lexicon, scorer.categories, scorer.encoder, scorer.encoder_version, "", coef, intercept,
                              scorer.example_vectors, scorer.example_category, [], [])
        raw[test] = fold.raw_scores(vectors[test])
    negatives = raw[labels == 0]
    return calibration_from_scores(negatives, scorer, target_fpr=target_fpr, status="counter_examples",
                                   negatives=f"out-of-fold scores of the lexicon's {len(negatives)} counter-examples")


def calibration_from_scores(raw_negative: np.ndarray, scorer: SemanticScorer, *, target_fpr: float = DEFAULT_TARGET_FPR,
                            negatives: str = "", status: str = "calibrated", centroids: np.ndarray | None = None,
                            centroid_weights: np.ndarray | None = None, prefilter: Prefilter | None = None) -> Calibration:
    """Quantiles of negative raw scores and the threshold meeting ``target_fpr`` for any category."""
    if not 0 < target_fpr < 1:
        raise ValueError(f"target_fpr must be in (0, 1), got {target_fpr}")
    if len(raw_negative) == 0:
        raise ValueError("no negative sentences to calibrate on")
    quantiles = {cat: np.quantile(raw_negative[:, j], QUANTILE_LEVELS) for j, cat in enumerate(scorer.categories)}
    probe = Calibration(scorer.encoder, scorer.encoder_version, scorer.fingerprint, 1.0, target_fpr, 0.0,
                        len(raw_negative), quantiles)
    tmp = SemanticScorer(**{**scorer.__dict__, "calibration": probe})
    best = tmp.calibrated(raw_negative).max(axis=1)
    # smallest threshold t with share(best > t) <= target_fpr (a sentence is flagged above t)
    candidates = np.unique(np.concatenate([best, [0.0, 1.0]]))
    shares = 1.0 - np.searchsorted(np.sort(best), candidates, side="right") / len(best)
    threshold = float(candidates[shares <= target_fpr].min())
    measured = float(np.mean(best > threshold))
    return Calibration(
        scorer.encoder, scorer.encoder_version, scorer.fingerprint, threshold, target_fpr, measured, len(raw_negative),
        quantiles, negatives=negatives, created=datetime.now(timezone.utc).isoformat(timespec="seconds"), status=status,
        centroids=centroids, centroid_weights=centroid_weights, prefilter=prefilter,
    )


def calibrate_on_negatives(lexicon: Lexicon, encoder, negative_vectors: np.ndarray, groups: np.ndarray, *,
                           c: float = DEFAULT_C, target_fpr: float = DEFAULT_TARGET_FPR, negatives: str = "",
                           folds: int = 2, negative_texts: Sequence[str] | None = None,
                           pass_share: float = DEFAULT_PASS_SHARE) -> Calibration:
    """Calibration from a negative corpus (encoded on-topic sentences; ``groups``: article index of each).

    The negatives teach the scorer what mainstream coverage looks like (their k-means centroids join
    the counter-examples) *and* set the quantiles; to keep the two apart the quantiles come from
    cross-fitting: the articles are split into ``folds`` parts, and each part is scored by a scorer
    whose centroids come from the other parts. The stored centroids are those of all negatives.
    With ``negative_texts`` (the sentences of ``negative_vectors``) the cascade's first stage
    (:class:`Prefilter`) is fitted the same way: its threshold passes ``pass_share`` of the
    out-of-fold negative decisions.
    """
    if len(negative_vectors) < 2 * folds:
        raise LexiconError(f"only {len(negative_vectors)} on-topic negative sentences: too few to calibrate on")
    texts, labels, sources = training_data(lexicon)
    vectors = encoder.encode(texts)
    fold_of = np.asarray(groups) % folds
    raw = np.zeros((len(negative_vectors), len(lexicon.semantic_categories)))
    first = np.zeros(len(negative_vectors))
    claims = [t for t, y in zip(texts, labels) if y > 0]
    counter = [t for t, y in zip(texts, labels) if y == 0]
    neg_texts = list(negative_texts) if negative_texts is not None else None
    for f in range(folds):
        train, test = fold_of != f, fold_of == f
        if not test.any():
            continue
        cents, weights = centroids_of(negative_vectors[train])
        fold = fit_scorer(lexicon, encoder, vectors, labels, texts, sources, c=c, centroids=cents, centroid_weights=weights)
        raw[test] = fold.raw_scores(negative_vectors[test])
        if neg_texts is not None:
            w, b = fit_prefilter(claims, counter + [t for t, k in zip(neg_texts, train) if k])
            first[test] = Prefilter(w, b, 0.0, pass_share, 0.0).decision([t for t, k in zip(neg_texts, test) if k])
    prefilter = None
    if neg_texts is not None:
        if not 0 < pass_share < 1:
            raise ValueError(f"pass_share must be in (0, 1), got {pass_share}")
        threshold = float(np.quantile(first, 1.0 - pass_share))
        w, b = fit_prefilter(claims, counter + neg_texts)
        prefilter = Prefilter(w, b, threshold, pass_share, float(np.mean(first > threshold)))
    cents, weights = centroids_of(negative_vectors)
    scorer = fit_scorer(lexicon, encoder, vectors, labels, texts, sources, c=c, centroids=cents, centroid_weights=weights)
    return calibration_from_scores(raw, scorer, target_fpr=target_fpr, negatives=negatives, centroids=cents,
                                   centroid_weights=weights, prefilter=prefilter)


# --------------------------------------------------------------------------- calibration files


def calibration_path(lexicon: Lexicon) -> Path | None:
    """``<folder>/<name>.semantic.json`` next to the lexicon file (None for a lexicon without a file)."""
    if lexicon.path is None or not Path(lexicon.path).suffix == ".toml":
        return None
    return Path(lexicon.path).with_name(lexicon.name + CALIBRATION_SUFFIX)


def _parse_calibration(record: dict, where: str) -> Calibration:
    try:
        quantiles = {c: np.asarray(v, dtype=np.float64) for c, v in record["quantiles"].items()}
        for c, q in quantiles.items():
            if q.shape != QUANTILE_LEVELS.shape or np.any(np.diff(q) < 0):
                raise ValueError(f"quantiles of {c!r} must be {len(QUANTILE_LEVELS)} non-decreasing numbers")
        k = int(record.get("n_centroids", 0))
        centroids = _unpack(record["centroids_float16_base64"], k) if k else None
        weights = np.asarray(record["centroid_weights"], dtype=np.float64) if k else None
        if k and len(weights) != k:
            raise ValueError(f"{k} centroids but {len(weights)} centroid_weights")
        return Calibration(
            str(record["encoder"]), str(record["encoder_version"]), str(record["fingerprint"]), float(record["threshold"]),
            float(record["target_fpr"]), float(record["measured_fpr"]), int(record["n_negative_sentences"]), quantiles,
            negatives=str(record.get("negatives", "")), created=str(record.get("created", "")),
            centroids=centroids, centroid_weights=weights,
            prefilter=Prefilter.from_json(record["prefilter"]) if record.get("prefilter") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"calibration file {where} is invalid: {exc}; re-run `quellenlage lexicon calibrate`") from exc


def read_calibrations(path: Path) -> list[Calibration]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LexiconError(f"calibration file {path} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("calibrations"), list):
        raise LexiconError(f"calibration file {path} is invalid: expected an object with a list 'calibrations'")
    return [_parse_calibration(r, f"{path} calibrations[{i}]") for i, r in enumerate(data["calibrations"], start=1)]


def load_calibration(lexicon: Lexicon, encoder_name: str, fingerprint: str) -> Calibration | None:
    """The stored calibration for ``encoder_name`` (status ``stale`` when its fingerprint differs)."""
    categories = lexicon.semantic_categories
    path = calibration_path(lexicon)
    if path is None or not path.exists():
        return None
    try:
        records = read_calibrations(path)
    except LexiconError as exc:
        log.error("%s", exc)
        return None
    same_encoder = [r for r in records if r.encoder == encoder_name]
    for r in same_encoder:
        if r.fingerprint == fingerprint and set(r.quantiles) == set(categories):
            return r
    usable = [r for r in same_encoder if set(r.quantiles) == set(categories)]
    if usable:
        r = usable[-1]
        log.warning(
            "semantic calibration of lexicon %s (%s) was made for other examples, counter-examples or encoder version "
            "(fingerprint %s, now %s): applied as it is; re-run `quellenlage lexicon calibrate %s --negatives CORPUS`",
            lexicon.name, path, r.fingerprint, fingerprint, lexicon.name,
        )
        return Calibration(**{**r.__dict__, "status": "stale"})
    return None


def write_calibration(path: Path, lexicon: str, calibration: Calibration) -> None:
    """Add or replace the calibration of ``calibration.encoder`` in the file ``path``."""
    records = []
    if path.exists():
        try:
            records = [r for r in read_calibrations(path) if r.encoder != calibration.encoder]
        except LexiconError:
            records = []
    data = {
        "lexicon": lexicon,
        "about": "Semantic-layer calibration of the lexicon (analysis/measures/semantic.py): per encoder, the quantiles of the "
                 "raw category scores of on-topic sentences of a mainstream negative corpus, and the flag threshold. "
                 "Written by `quellenlage lexicon calibrate`.",
        "calibrations": [r.as_json() for r in records] + [calibration.as_json()],
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


# --------------------------------------------------------------------------- per article


@dataclass(frozen=True)
class Selection:
    """Which sentences of a lexicon are scored: what :func:`candidate_sentences` reads (a
    :class:`SemanticScorer` has the same attributes)."""

    lexicon: str
    has_context: bool
    context_window: int | None

    @classmethod
    def of(cls, lexicon: Lexicon) -> "Selection":
        return cls(lexicon.name, lexicon.context is not None, lexicon.context.window if lexicon.context else None)


def candidate_sentences(doc: Doc, selection: "Selection | SemanticScorer") -> list:
    """The sentences of ``doc`` that are scored (see the module docstring)."""
    if not len(doc):
        return []
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    if selection.has_context:
        starts = doc.user_data.get(context_key(selection.lexicon))
        if not starts:
            return []
        if selection.context_window is None:
            keep = set(range(len(sents)))
        else:
            sent_of = _sentence_index(doc)
            w = selection.context_window
            keep = {i for c in {sent_of(t) for t in starts} for i in range(c - w, c + w + 1) if 0 <= i < len(sents)}
    else:
        keep = set(range(len(sents)))
    words_before = np.concatenate([[0], np.cumsum(_word_flags(doc))])
    return [s for i, s in enumerate(sents) if i in keep and words_before[s.end] - words_before[s.start] >= MIN_WORDS]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def semantic_columns(scorers: Iterable[SemanticScorer]) -> list[str]:
    cols: list[str] = []
    for s in scorers:
        cols.append(f"{s.lexicon}.semantic_sentences")
        for cat in s.categories:
            cols.append(f"{s.lexicon}.{cat}.semantic")
        for cat in s.categories:
            cols.append(f"{s.lexicon}.{cat}.semantic_score")
    return cols


def measure_semantic(doc: Doc, article_id: str, text: str, scorers: Sequence[SemanticScorer], encoder) -> tuple[dict, list[dict], int]:
    """Columns and evidence of the semantic layer for one article; also the number of sentences encoded."""
    row: dict[str, float] = {}
    evidence: list[dict] = []
    plans = []
    texts: list[str] = []
    for scorer in scorers:
        sents = candidate_sentences(doc, scorer)
        spans = [_trimmed(text, s.start_char, s.end_char) for s in sents]
        row[f"{scorer.lexicon}.semantic_sentences"] = len(spans)
        sentences = [" ".join(text[a:b].split()) for a, b in spans]
        prefilter = scorer.prefilter
        if prefilter is not None and spans:  # cascade: only what the first stage passes is encoded
            passed = prefilter.decision(sentences) > prefilter.threshold
            spans = [span for span, ok in zip(spans, passed) if ok]
            sentences = [t for t, ok in zip(sentences, passed) if ok]
        plans.append((scorer, spans, len(texts)))
        texts.extend(sentences)
    unique = list(dict.fromkeys(texts))
    vectors = encoder.encode(unique) if unique else np.zeros((0, 1), dtype=np.float32)
    index = {t: i for i, t in enumerate(unique)}
    for scorer, spans, offset in plans:
        name = scorer.lexicon
        n = len(spans)
        counts = np.zeros(len(scorer.categories), dtype=int)
        best = np.zeros(len(scorer.categories))
        if n:
            vecs = vectors[[index[t] for t in texts[offset : offset + n]]]
            cal = scorer.calibrated(scorer.raw_scores(vecs))
            best = cal.max(axis=0)
            top = cal.argmax(axis=1)
            threshold = scorer.threshold
            for k, (a, b) in enumerate(spans):
                j = int(top[k])
                if not cal[k, j] > threshold:
                    continue
                counts[j] += 1
                ex, sim = scorer.nearest(vecs[k], j)
                left, right = context_window(text, a, b)
                evidence.append({
                    "article_id": article_id,
                    "lexicon": name,
                    "entry_id": SEMANTIC_METHOD,
                    "category": scorer.categories[j],
                    "start_char": a,
                    "end_char": b,
                    "text": text[a:b],
                    "left": left,
                    "right": right,
                    "method": SEMANTIC_METHOD,
                    "score": round(float(cal[k, j]), 4),
                    "nearest_example": scorer.example_texts[ex],
                    "nearest_example_source": scorer.example_sources[ex],
                    "similarity": round(sim, 4),
                })
        for j, cat in enumerate(scorer.categories):
            row[f"{name}.{cat}.semantic"] = int(counts[j])
        for j, cat in enumerate(scorer.categories):
            row[f"{name}.{cat}.semantic_score"] = round(float(best[j]), 6)
    return row, evidence, len(unique)
