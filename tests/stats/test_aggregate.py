"""Per-outlet aggregation: pooled estimates, bootstrap determinism, small-sample flags."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.stats.aggregate import BootstrapSettings, RatioMeasure, aggregate_outlets, bootstrap_ratio_cis

MEASURES = [
    RatioMeasure("L.right.per_1000", "L.right", None, ("n_tokens",), 1000.0),
    RatioMeasure("L.index", "L.right", "L.left", ("L.right", "L.left")),
]


def table():
    return pd.DataFrame(
        {
            "article_id": list("abcdefg"),
            "outlet": ["x", "x", "x", "y", "y", "z", "z"],
            "n_tokens": [1000, 500, 500, 200, 800, 100, 100],
            "L.left": [1, 0, 3, 0, 0, 0, 0],
            "L.right": [1, 2, 1, 2, 0, 0, 0],
        }
    )


def get(df, outlet, measure):
    return df[(df.outlet == outlet) & (df.measure == measure)].iloc[0]


def test_pooled_estimates_by_hand():
    out = aggregate_outlets(table(), MEASURES, BootstrapSettings(n_resamples=200))
    x_rate = get(out, "x", "L.right.per_1000")
    assert x_rate.estimate == pytest.approx(1000 * 4 / 2000)
    assert x_rate.n_articles == 3 and x_rate.n_tokens == 2000
    assert get(out, "x", "L.index").estimate == pytest.approx((4 - 4) / 8)
    assert get(out, "x", "L.index").n_matches == 8 and x_rate.n_matches == 4
    assert get(out, "y", "L.index").estimate == pytest.approx(1.0)
    z = get(out, "z", "L.index")
    assert math.isnan(z.estimate) and math.isnan(z.ci_low) and math.isnan(z.ci_high)
    assert list(out.columns[:6]) == ["outlet", "measure", "n_articles", "estimate", "ci_low", "ci_high"]


def test_ci_contains_estimate_and_is_deterministic():
    a = aggregate_outlets(table(), MEASURES, BootstrapSettings(n_resamples=500, seed=7))
    b = aggregate_outlets(table(), MEASURES, BootstrapSettings(n_resamples=500, seed=7))
    pd.testing.assert_frame_equal(a, b)
    row = get(a, "x", "L.right.per_1000")
    assert row.ci_low <= row.estimate <= row.ci_high
    rng = np.random.default_rng(0)
    big = pd.DataFrame(
        {"outlet": "w", "n_tokens": rng.integers(100, 900, 60), "L.left": rng.poisson(2, 60), "L.right": rng.poisson(2, 60)}
    )
    s7 = aggregate_outlets(big, MEASURES, BootstrapSettings(n_resamples=500, seed=7))
    s8 = aggregate_outlets(big, MEASURES, BootstrapSettings(n_resamples=500, seed=8))
    assert not np.allclose(s7.ci_low, s8.ci_low)  # the seed matters
    pd.testing.assert_frame_equal(s7, aggregate_outlets(big, MEASURES, BootstrapSettings(n_resamples=500, seed=7)))


def test_outlet_interval_does_not_depend_on_other_outlets():
    full = aggregate_outlets(table(), MEASURES, BootstrapSettings(n_resamples=300))
    only_x = aggregate_outlets(table()[table().outlet == "x"], MEASURES, BootstrapSettings(n_resamples=300))
    pd.testing.assert_series_equal(
        full[full.outlet == "x"].reset_index(drop=True).ci_low, only_x.reset_index(drop=True).ci_low
    )


def test_single_article_has_no_interval_and_small_sample_flag():
    df = table().iloc[:1]
    out = aggregate_outlets(df, MEASURES, BootstrapSettings(n_resamples=100, small_sample_threshold=2))
    row = get(out, "x", "L.right.per_1000")
    assert row.estimate == pytest.approx(1.0) and math.isnan(row.ci_low) and bool(row.small_sample)
    out = aggregate_outlets(table(), MEASURES, BootstrapSettings(n_resamples=100, small_sample_threshold=3))
    assert not get(out, "x", "L.index").small_sample and get(out, "y", "L.index").small_sample


def test_bootstrap_matches_naive_resampling():
    rng_data = np.random.default_rng(1)
    counts = rng_data.poisson(3, size=(40, 1)).astype(float)
    tokens = rng_data.integers(200, 900, size=(40, 1)).astype(float)
    tab = np.hstack([counts, tokens])
    (low, high), = bootstrap_ratio_cis(
        tab, [(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 1000.0)], rng=np.random.default_rng(3), n_resamples=4000, ci=0.95
    )
    # Naive loop: resample rows with replacement.
    rng = np.random.default_rng(5)
    stats = []
    for _ in range(4000):
        idx = rng.integers(0, 40, 40)
        stats.append(1000 * counts[idx].sum() / tokens[idx].sum())
    n_low, n_high = np.quantile(stats, [0.025, 0.975])
    assert low == pytest.approx(n_low, rel=0.05) and high == pytest.approx(n_high, rel=0.05)


def test_settings_validation():
    with pytest.raises(ValueError, match="between 0 and 1"):
        BootstrapSettings(ci=95)
    with pytest.raises(ValueError, match="n_resamples"):
        BootstrapSettings(n_resamples=0)


def test_mean_measure_leaves_undefined_values_out():
    from analysis.stats.aggregate import MeanMeasure

    df = table().assign(**{"readability.flesch_amstad": [50.0, 70.0, float("nan"), 40.0, 60.0, float("nan"), float("nan")]})
    out = aggregate_outlets(df, [MeanMeasure("readability.flesch_amstad", "readability.flesch_amstad")], BootstrapSettings(n_resamples=300))
    x = get(out, "x", "readability.flesch_amstad")
    assert x.estimate == pytest.approx(60.0) and x.n_matches == 2  # the NaN article is left out, not a 0
    assert 50.0 <= x.ci_low <= x.ci_high <= 70.0
    assert math.isnan(get(out, "z", "readability.flesch_amstad").estimate)
