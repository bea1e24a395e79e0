"""The online-bootstrap benchmark: Poisson-weighted running sums give intervals like the multinomial
article bootstrap of analysis.stats.aggregate, and the script prints its JSON line on a real run's table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.stats.aggregate import BootstrapSettings, bootstrap_ratio_cis
from analysis.running.pipeline import run_analysis

from .conftest import SEEDS, load_benchmark

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bootstrap_online")


def test_poisson_intervals_match_the_multinomial_ones(bench):
    # 400 articles: tokens and matches of one category (about 2 per 1,000 tokens, overdispersed)
    rng = np.random.default_rng(7)
    tokens = rng.integers(150, 1500, size=400).astype(float)
    matches = rng.poisson(tokens / 1000 * rng.gamma(0.5, 4.0, size=400)).astype(float)
    table = np.column_stack([matches, tokens])
    measure = (np.array([1.0, 0.0]), np.array([0.0, 1.0]), 1000.0)
    (low_m, high_m), = bootstrap_ratio_cis(table, [measure], rng=np.random.default_rng(0), n_resamples=2000, ci=0.95)
    (low_p, high_p), = bench.poisson_cis(table, [measure], rng=np.random.default_rng(0), n_resamples=2000, batch=64)
    estimate = 1000 * matches.sum() / tokens.sum()
    assert low_p < estimate < high_p
    assert abs((high_p - low_p) - (high_m - low_m)) / (high_m - low_m) < 0.1
    # the batch size does not matter for the sums, only the order of the draws
    again = bench.poisson_cis(table, [measure], rng=np.random.default_rng(0), n_resamples=2000, batch=64)
    assert again == [(low_p, high_p)]


def test_undefined_ratios_give_nan_intervals(bench):
    table = np.zeros((5, 2))  # no tokens: every resampled ratio is undefined
    measure = (np.array([1.0, 0.0]), np.array([0.0, 1.0]), 1000.0)
    out = bench.poisson_cis(table, [measure], rng=np.random.default_rng(0), n_resamples=50)
    assert np.isnan(out[0][0]) and np.isnan(out[0][1])


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds_bootstrap")
    run_analysis(SEEDS, out, model="blank", bootstrap=BootstrapSettings(n_resamples=100), report=False, cache="none")
    return out


def test_script_prints_one_json_line_on_a_run(seeds_run):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bootstrap_online.py"), "--articles", str(seeds_run / "articles.parquet"),
         "--resamples", "200", "--sizes", "2"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["articles"] == 5 and result["resamples"] == 200
    assert result["all"]["n_intervals"] > 0
    assert 0 <= result["all"]["median_abs_rel_width_poisson"] < 1


def test_script_names_a_missing_file(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bootstrap_online.py"), "--articles", str(tmp_path / "nope.parquet")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "nope.parquet not found" in done.stderr
