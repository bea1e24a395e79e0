"""Per-outlet estimates with seeded percentile-bootstrap confidence intervals over articles.

For each outlet and measure (rows of ``outlets.csv``, long format):

* ``L.C.per_1000``: pooled rate ``1000 * sum(L.C) / sum(n_tokens)`` over the outlet's articles
  (a ratio estimator: long articles weigh more, as they contribute more words);
* ``L.index``: pooled two-pole index ``(sum(right) - sum(left)) / (sum(right) + sum(left))``;
  NaN when the outlet has no match of either pole;
* indicators (:class:`MeanMeasure`): the mean of the per-article values where defined.

Uncertainty: articles are resampled with replacement (``n_resamples`` times, percentile
interval; Efron & Tibshirani 1993, ch. 13). Resamples in which a ratio is undefined (no tokens,
no pole match) are left out of that measure's interval. With fewer than two articles no interval
is given (NaN). Random numbers come from ``numpy.random.default_rng([seed, crc32(outlet)])``, so
each outlet's interval is reproducible and does not depend on which other outlets are present.
``small_sample`` is True when an outlet has fewer than ``small_sample_threshold`` articles.
``n_matches`` is the number of matches behind an estimate (the category's matches for a rate, the
matches of both poles for an index): an index computed from three matches is an anecdote however many
articles the outlet has.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.lexicons.model import Lexicon

OUTLET_COLUMNS = [
    "outlet", "measure", "n_articles", "estimate", "ci_low", "ci_high", "small_sample", "n_tokens", "n_matches",
]


@dataclass(frozen=True)
class BootstrapSettings:
    n_resamples: int = 2000
    seed: int = 0
    ci: float = 0.95
    small_sample_threshold: int = 10

    def __post_init__(self):
        if self.n_resamples < 1:
            raise ValueError(f"n_resamples must be >= 1, got {self.n_resamples}")
        if not 0 < self.ci < 1:
            raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95), got {self.ci}")

    def as_dict(self) -> dict:
        return {
            "n_resamples": self.n_resamples,
            "seed": self.seed,
            "ci": self.ci,
            "small_sample_threshold": self.small_sample_threshold,
        }


@dataclass(frozen=True)
class RatioMeasure:
    """A measure ``scale * (sum(plus) - sum(minus)) / sum(denominator)`` over articles."""

    name: str
    numerator_plus: str
    numerator_minus: str | None
    denominator: tuple[str, ...]
    scale: float = 1.0


@dataclass(frozen=True)
class MeanMeasure:
    """The mean of a per-article value (an indicator such as ``readability.flesch_amstad``) over
    the outlet's articles where it is defined (NaN values are left out, never counted as 0).
    ``n_matches`` of such a measure is the number of articles with a defined value."""

    name: str
    column: str


_VALUE, _DEFINED = ".__value", ".__defined"


def _as_ratio(measure: "RatioMeasure | MeanMeasure") -> RatioMeasure:
    if isinstance(measure, MeanMeasure):
        return RatioMeasure(measure.name, measure.column + _VALUE, None, (measure.column + _DEFINED,))
    return measure


def framing_measures(lexicons: Iterable[Lexicon]) -> list[RatioMeasure]:
    """The per-outlet measures defined by the lexicons."""
    measures = []
    for lex in lexicons:
        for cat in lex.category_names:
            measures.append(RatioMeasure(f"{lex.name}.{cat}.per_1000", f"{lex.name}.{cat}", None, ("n_tokens",), 1000.0))
        if lex.poles:
            left, right = (f"{lex.name}.{p}" for p in lex.poles)
            measures.append(RatioMeasure(f"{lex.name}.index", right, left, (right, left)))
    return measures


def ratio(num: np.ndarray, den: np.ndarray, scale: float | np.ndarray = 1.0) -> np.ndarray:
    """``scale * num / den``; NaN where ``den`` is not positive (an undefined ratio, never 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * num / den
    return np.where(den > 0, out, np.nan)


def _resample_weights(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """How often each article is drawn in each resample (shape ``size × n``)."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=size)


def bootstrap_intervals(
    table: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    rng: np.random.Generator,
    n_resamples: int,
    ci: float,
    max_cells: int = 4_000_000,
) -> list[tuple[float, float]]:
    """Percentile intervals of statistics of column sums, over article resamples.

    ``table`` is ``n_articles × n_columns``; ``statistic`` maps resampled column sums
    (``size × n_columns``) to ``size × k`` values, NaN where undefined. Resamples with an undefined
    value are left out of that statistic's interval; with fewer than two articles every interval is
    NaN. Resamples are drawn in chunks of at most ``max_cells`` weights.
    """
    n = table.shape[0]
    k = statistic(table.sum(axis=0, keepdims=True)).shape[1]
    if n < 2:
        return [(np.nan, np.nan)] * k
    stats = np.empty((n_resamples, k))
    chunk = max(1, max_cells // n)
    done = 0
    while done < n_resamples:
        size = min(chunk, n_resamples - done)
        weights = _resample_weights(rng, n, size)  # size × n
        stats[done : done + size] = statistic(weights @ table)
        done += size
    alpha = (1.0 - ci) / 2.0
    out = []
    for j in range(k):
        col = stats[:, j]
        col = col[~np.isnan(col)]
        if col.size == 0:
            out.append((np.nan, np.nan))
        else:
            low, high = np.quantile(col, [alpha, 1.0 - alpha])
            out.append((float(low), float(high)))
    return out


def bootstrap_ratio_cis(
    table: np.ndarray,
    measures: Sequence[tuple[np.ndarray, np.ndarray, float]],
    *,
    rng: np.random.Generator,
    n_resamples: int,
    ci: float,
    max_cells: int = 4_000_000,
) -> list[tuple[float, float]]:
    """Percentile intervals for ratio measures sharing one set of article resamples.

    ``table`` is ``n_articles × n_columns``; each measure is ``(numerator_weights,
    denominator_weights, scale)``: vectors over the columns, so numerator = table @ weights.
    """
    return bootstrap_intervals(
        table,
        ratio_statistic(measures),
        rng=rng,
        n_resamples=n_resamples,
        ci=ci,
        max_cells=max_cells,
    )


def compile_ratio_measures(
    measures: Sequence[RatioMeasure],
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray, float]]]:
    """The article columns the measures read (sorted) and each measure as ``(numerator_weights,
    denominator_weights, scale)`` over those columns, the form :func:`bootstrap_ratio_cis` takes."""
    columns = sorted({c for m in measures for c in (m.numerator_plus, m.numerator_minus, *m.denominator) if c})
    col_index = {c: i for i, c in enumerate(columns)}
    compiled = []
    for m in measures:
        num, den = np.zeros(len(columns)), np.zeros(len(columns))
        if m.numerator_plus:
            num[col_index[m.numerator_plus]] += 1.0
        if m.numerator_minus:
            num[col_index[m.numerator_minus]] -= 1.0
        for c in m.denominator:
            den[col_index[c]] += 1.0
        compiled.append((num, den, m.scale))
    return columns, compiled


def ratio_statistic(measures: Sequence[tuple[np.ndarray, np.ndarray, float]]) -> Callable[[np.ndarray], np.ndarray]:
    """Column sums (``resamples × columns``) → the compiled measures' ratios (``resamples × measures``)."""
    num_w = np.stack([m[0] for m in measures], axis=1)  # columns × measures
    den_w = np.stack([m[1] for m in measures], axis=1)
    scales = np.array([m[2] for m in measures])
    return lambda sums: ratio(sums @ num_w, sums @ den_w, scales)


def outlet_seed(seed: int, outlet: str) -> list[int]:
    return [int(seed), zlib.crc32(outlet.encode("utf-8"))]


def aggregate_outlets(
    articles: pd.DataFrame,
    measures: Sequence[RatioMeasure | MeanMeasure],
    settings: BootstrapSettings = BootstrapSettings(),
    *,
    outlet_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-outlet estimates and bootstrap CIs in long format (see module docstring)."""
    if articles.empty:
        return pd.DataFrame(columns=OUTLET_COLUMNS)
    means = [m for m in measures if isinstance(m, MeanMeasure)]
    if means:
        missing = [m.column for m in means if m.column not in articles.columns]
        if missing:
            raise KeyError(f"articles table lacks columns needed for aggregation: {missing}")
        derived = {}
        for m in means:
            values = pd.to_numeric(articles[m.column], errors="coerce")
            derived[m.column + _VALUE] = values.fillna(0.0)
            derived[m.column + _DEFINED] = values.notna().astype(float)
        # only the columns the measures read (the articles table may have hundreds): a narrow copy
        used = {"outlet", "n_tokens"} | {c for m in measures if isinstance(m, RatioMeasure)
                                         for c in (m.numerator_plus, m.numerator_minus, *m.denominator) if c}
        narrow = articles[[c for c in articles.columns if c in used]]
        articles = pd.concat([narrow, pd.DataFrame(derived, index=articles.index)], axis=1)
    measures = [_as_ratio(m) for m in measures]
    columns, compiled = compile_ratio_measures(measures)
    missing = [c for c in columns if c not in articles.columns]
    if missing:
        raise KeyError(f"articles table lacks columns needed for aggregation: {missing}")
    col_index = {c: i for i, c in enumerate(columns)}

    outlets = list(outlet_order) if outlet_order else sorted(articles["outlet"].unique())
    rows = []
    for outlet in outlets:
        sub = articles.loc[articles["outlet"] == outlet, columns]
        if sub.empty:
            continue
        # counts are never undefined; a NaN count (a measure that could not run) adds nothing
        table = np.nan_to_num(sub.to_numpy(dtype=float), nan=0.0)
        totals = table.sum(axis=0)
        rng = np.random.default_rng(outlet_seed(settings.seed, outlet))
        cis = bootstrap_ratio_cis(table, compiled, rng=rng, n_resamples=settings.n_resamples, ci=settings.ci)
        n = len(sub)
        n_tokens = int(articles.loc[articles["outlet"] == outlet, "n_tokens"].sum())
        for m, (num_w, den_w, scale), (low, high) in zip(measures, compiled, cis):
            estimate = float(ratio(np.array([totals @ num_w]), np.array([totals @ den_w]), scale)[0])
            if m.numerator_plus.endswith(_VALUE):  # a mean: articles with a defined value
                n_matches = totals[col_index[m.denominator[0]]]
            else:
                n_matches = totals[col_index[m.numerator_plus]] + (
                    totals[col_index[m.numerator_minus]] if m.numerator_minus else 0
                )
            rows.append(
                {
                    "outlet": outlet,
                    "measure": m.name,
                    "n_articles": n,
                    "estimate": estimate,
                    "ci_low": low if not np.isnan(estimate) else np.nan,
                    "ci_high": high if not np.isnan(estimate) else np.nan,
                    "small_sample": n < settings.small_sample_threshold,
                    "n_tokens": n_tokens,
                    "n_matches": int(n_matches),
                }
            )
    return pd.DataFrame(rows, columns=OUTLET_COLUMNS)
