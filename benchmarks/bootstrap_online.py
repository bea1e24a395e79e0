"""Online Poisson bootstrap against the multinomial article bootstrap of outlets.csv (not a test; by hand).

    python benchmarks/bootstrap_online.py --articles OUT/articles.parquet [--resamples 2000] [--sizes 200,30]

Why: the parent of a run keeps one row per article until the end, because the percentile
bootstrap of :mod:`analysis.stats.aggregate` resamples whole outlets' article tables. Every framing
measure is a ratio of column sums, so the resampled sums could instead be accumulated while the
articles stream past — each article weighted by a Poisson(1) draw per resample (Hanley &
MacGibbon 2006; Chamandy et al. 2012) — in memory of resamples × columns per outlet, whatever the
corpus size. This script measures whether that changes the intervals more than the Monte-Carlo
noise of the current method does.

For every outlet of an ``articles.parquet`` written by ``quellenlage analyze`` (the shipped
lexicons' framing measures) and for the outlet's first N articles (all, then each of ``--sizes``), it
computes 95% intervals three ways: (a) the current multinomial bootstrap
(``bootstrap_ratio_cis``, seed 0), (b) the same with seed 1, (c) the online Poisson bootstrap
(batches of 256 articles, seed 0). Prints one JSON line: per size class (``all`` or N), the median
absolute relative difference of interval widths, ``noise`` = (b) vs (a) and ``poisson`` = (c) vs (a),
the mean signed relative width difference of (c), and the CPU seconds of (a) and (c).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.stats.aggregate import (  # noqa: E402
    _as_ratio, bootstrap_ratio_cis, compile_ratio_measures, framing_measures, outlet_seed, ratio_statistic,
)
from analysis.running.pipeline import _resolve_lexicons  # noqa: E402


def poisson_cis(table: np.ndarray, compiled, *, rng, n_resamples: int, batch: int = 256) -> list[tuple[float, float]]:
    """95% percentile intervals from resampled column sums accumulated batch by batch."""
    sums = np.zeros((n_resamples, table.shape[1]))
    for start in range(0, len(table), batch):
        part = table[start : start + batch]
        sums += rng.poisson(1.0, size=(n_resamples, len(part))) @ part
    stats = ratio_statistic(compiled)(sums)
    out = []
    for col in stats.T:
        col = col[~np.isnan(col)]
        out.append(tuple(np.quantile(col, [0.025, 0.975])) if col.size else (np.nan, np.nan))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=Path, required=True, help="articles.parquet of a quellenlage run")
    ap.add_argument("--resamples", type=int, default=2000)
    ap.add_argument("--sizes", default="200,30", help="also compare on each outlet's first N articles (comma-separated)")
    args = ap.parse_args()
    if not args.articles.exists():
        sys.exit(f"{args.articles} not found; run `quellenlage analyze` first")
    articles = pd.read_parquet(args.articles)
    lexicons, _ = _resolve_lexicons(None, None)
    measures = [_as_ratio(m) for m in framing_measures(lexicons)]
    columns, compiled = compile_ratio_measures(measures)
    missing = [c for c in columns if c not in articles.columns]
    if missing:
        sys.exit(f"{args.articles} lacks columns of the shipped lexicons: {missing[:5]}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    rows, cpu = [], {"multinomial": 0.0, "poisson": 0.0}
    for outlet, sub in articles.groupby("outlet", sort=True):
        full = np.nan_to_num(sub[columns].to_numpy(dtype=float), nan=0.0)
        for label, n in [("all", len(full))] + [(str(s), s) for s in sizes if s < len(full)]:
            table = full[:n]
            t0 = time.process_time()
            a = bootstrap_ratio_cis(table, compiled, rng=np.random.default_rng(outlet_seed(0, outlet)),
                                    n_resamples=args.resamples, ci=0.95)
            t1 = time.process_time()
            b = bootstrap_ratio_cis(table, compiled, rng=np.random.default_rng(outlet_seed(1, outlet)),
                                    n_resamples=args.resamples, ci=0.95)
            t2 = time.process_time()
            c = poisson_cis(table, compiled, rng=np.random.default_rng(outlet_seed(0, outlet)),
                            n_resamples=args.resamples)
            t3 = time.process_time()
            if label == "all":
                cpu["multinomial"] += t1 - t0
                cpu["poisson"] += t3 - t2
            for (al, ah), (bl, bh), (cl, ch) in zip(a, b, c):
                width = ah - al
                if np.isfinite(width) and width > 0:
                    rows.append({"size": label, "noise": ((bh - bl) - width) / width, "poisson": ((ch - cl) - width) / width})
    table = pd.DataFrame(rows)
    result = {"articles": len(articles), "resamples": args.resamples, "intervals": len(table),
              "cpu_s_all": {k: round(v, 2) for k, v in cpu.items()}}
    for label, group in table.groupby("size", sort=False):
        result[label] = {
            "n_intervals": len(group),
            "median_abs_rel_width_noise": round(float(group["noise"].abs().median()), 4),
            "median_abs_rel_width_poisson": round(float(group["poisson"].abs().median()), 4),
            "mean_rel_width_poisson": round(float(group["poisson"].mean()), 4),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
