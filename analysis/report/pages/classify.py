"""Report pages for trained article classifiers (``quellenlage predict``).

:func:`classification_pages` returns reportlab flowables that ``report.py`` appends to its story, one
page per model found in the ``classify.<model>.p_<class>`` columns of the article table (none when
there are no such columns). Each page shows the distribution of one class probability per outlet with
the per-outlet mean and its percentile-bootstrap interval (:func:`analysis.stats.aggregate.bootstrap_intervals`,
articles resampled, seeded per outlet), a table of those estimates, the model's outlet-disjoint
cross-validation scores from ``run_info["classify"]`` (written by :func:`analysis.models.classify.add_predictions`)
and a warning that the probabilities reflect outlet style learnt from outlet-level labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from reportlab.lib.units import cm, inch
from reportlab.platypus import PageBreak, Paragraph, Spacer

from analysis.columns import safe_name
from analysis.report import plots
from analysis.stats.aggregate import bootstrap_intervals, outlet_seed

if TYPE_CHECKING:  # pragma: no cover
    from analysis.report.layout import PageContext

_PROBA_RE = re.compile(r"^classify\.([a-z0-9_]+)\.p_([a-z0-9_]+)$")

WARNING_TEXT = (
    "Read with care: a trained classifier gives the probability that an article reads like the training "
    "outlets of a class. With outlet-level labels (every article of an outlet gets the outlet's rating, as in "
    "FANG-COVID) it has learnt the style, topics and formulas of those outlets, not whether an article is true. "
    "A high value is a reason to read the article, not a verdict about it."
)


def _safe(value) -> str:
    """The class-name form used in column names (:func:`analysis.columns.safe_name`)."""
    return safe_name(value)


def classify_models(articles: pd.DataFrame) -> dict[str, list[str]]:
    """Model name → its class names, from the ``classify.<model>.p_<class>`` columns (column order)."""
    models: dict[str, list[str]] = {}
    for col in articles.columns:
        m = _PROBA_RE.match(str(col))
        if m:
            models.setdefault(m.group(1), []).append(m.group(2))
    return models


def probability_table(
    articles: pd.DataFrame, column: str, outlet_order: Sequence[str], *, n_resamples: int = 2000, seed: int = 0, ci: float = 0.95
) -> pd.DataFrame:
    """Per outlet: ``n`` (articles with a probability), ``mean`` p, bootstrap ``ci_low``/``ci_high`` of the
    mean (NaN with fewer than two articles) and ``median``."""
    rows = []
    for outlet in outlet_order:
        values = pd.to_numeric(articles.loc[articles["outlet"] == outlet, column], errors="coerce").dropna().to_numpy(dtype=float)
        n = len(values)
        if n:
            table = np.column_stack([values, np.ones(n)])
            rng = np.random.default_rng(outlet_seed(seed, str(outlet)))
            (low, high), = bootstrap_intervals(
                table, lambda sums: (sums[:, 0] / sums[:, 1])[:, None], rng=rng, n_resamples=n_resamples, ci=ci
            )
            rows.append({"outlet": outlet, "n": n, "mean": float(values.mean()), "ci_low": low, "ci_high": high,
                         "median": float(np.median(values))})
        else:
            rows.append({"outlet": outlet, "n": 0, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "median": np.nan})
    return pd.DataFrame(rows, columns=["outlet", "n", "mean", "ci_low", "ci_high", "median"])


def probability_finding(table: pd.DataFrame, *, model: str, cls: str) -> str:
    """Which outlets' articles read most and least like class ``cls`` (one sentence)."""
    defined = table[table["n"] > 0]
    if defined.empty:
        return f"No article has a {model} probability for {cls}."
    hi = defined.loc[defined["mean"].idxmax()]
    if len(defined) == 1:
        return f"{hi['outlet']}: mean probability of {cls} {hi['mean']:.2f} over {int(hi['n'])} articles."
    lo = defined.loc[defined["mean"].idxmin()]
    return (f"Mean probability of {cls} ranges from {lo['mean']:.2f} ({lo['outlet']}) to {hi['mean']:.2f} "
            f"({hi['outlet']}); it measures resemblance to the training outlets of {cls}, not truth.")


def plot_probability_by_outlet(ax: Axes, articles: pd.DataFrame, table: pd.DataFrame, *, column: str, cls: str,
                               palette: dict, small_sample: dict[str, bool] | None = None) -> None:
    """One row per outlet: the articles' probabilities as jittered dots, the mean as a bar tick with its CI."""
    small_sample = small_sample or {}
    outlets = list(table["outlet"])
    rng = np.random.default_rng(0)
    for i, outlet in enumerate(outlets):
        values = pd.to_numeric(articles.loc[articles["outlet"] == outlet, column], errors="coerce").dropna().to_numpy()
        if len(values) > 600:  # keep the figure light: a seeded sample of the dots (the mean uses all)
            values = rng.choice(values, 600, replace=False)
        y = i + rng.uniform(-0.28, 0.28, size=len(values))
        ax.scatter(values, y, s=6, alpha=0.35, color=palette.get(outlet, "#555555"), linewidths=0)
        r = table.iloc[i]
        if r["n"] > 0:
            ax.plot([r["mean"], r["mean"]], [i - 0.38, i + 0.38], color="#111111", linewidth=2)
            if pd.notna(r["ci_low"]):
                ax.plot([r["ci_low"], r["ci_high"]], [i, i], color="#111111", linewidth=1.2)
    ax.set_yticks(range(len(outlets)))
    ax.set_yticklabels([plots._shorten(str(o), 28) + (plots.SMALL_SAMPLE_MARK if small_sample.get(o) else "") for o in outlets])
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.axvline(0.5, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_xlabel(f"probability of {cls} (dots: articles; black: mean with 95% CI)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)


def probability_figure(articles: pd.DataFrame, table: pd.DataFrame, *, column: str, cls: str, palette: dict,
                       small_sample: dict[str, bool] | None = None, width_in: float = 6.5) -> Figure:
    height = 1.0 + 0.38 * max(1, len(table))
    fig = Figure(figsize=(width_in, min(height, 8.0)), layout="constrained")
    plot_probability_by_outlet(fig.add_subplot(), articles, table, column=column, cls=cls, palette=palette,
                               small_sample=small_sample)
    return fig


def _figure_name(model: str, cls: str) -> str:
    return f"classify_{model}_{cls}.png"


def classification_pages(ctx: PageContext, *, articles: pd.DataFrame, run_info: dict) -> list:
    """Flowables of one page per classifier model, each starting with a ``PageBreak``; [] without
    ``classify.*`` columns. ``ctx``: the report's outlets, styles and figure writer
    (:class:`analysis.report.document.PageContext`)."""
    models = classify_models(articles)
    if not models:
        return []
    from analysis.report.layout import escape_markup as esc, fmt_int, heading, image, table

    outlet_order, palette, styles, save = ctx.outlet_order, ctx.palette, ctx.styles, ctx.save
    portrait_w, portrait_h, small_sample = ctx.portrait_w, ctx.portrait_h, ctx.small_sample
    regular, bold = ctx.regular, ctx.bold
    boot = run_info.get("bootstrap", {}) or {}
    story: list = []
    for model, classes in models.items():
        meta = (run_info.get("classify") or {}).get(model, {})
        # for two classes one probability says everything: show the class with fewer training articles
        # (usually the flagged one, e.g. "fake" of fake/real), else the first
        shown = classes
        if len(classes) == 2:
            counts = {_safe(c): n for c, n in (meta.get("training_per_class") or {}).items()}
            shown = [min(classes, key=lambda c: (counts.get(c, 0), classes.index(c)))] if counts else classes[:1]
        story.append(PageBreak())
        story.append(heading(esc(f"Classifier: {model}"), styles["h1"], outline=f"Classifier: {model}"))
        story.append(Paragraph(esc(WARNING_TEXT), styles["body"]))
        names = {_safe(c): str(c) for c in meta.get("classes", [])}
        for cls in shown:
            column = f"classify.{model}.p_{cls}"
            name = names.get(cls, cls)
            data = probability_table(articles, column, outlet_order, n_resamples=int(boot.get("n_resamples", 2000)),
                                     seed=int(boot.get("seed", 0)), ci=float(boot.get("ci", 0.95)))
            story.append(Paragraph(esc(probability_finding(data, model=model, cls=name)), styles["finding"]))
            fig = probability_figure(articles, data, column=column, cls=name, palette=palette, small_sample=small_sample,
                                     width_in=portrait_w / inch)
            path, size = save(fig, _figure_name(model, cls))
            story.append(image(path, size, portrait_w, portrait_h * 0.4))
            story.append(Spacer(1, 4))
            label_col = f"classify.{model}.label"
            head = styles.get("cell", styles["body"])
            rows = [[Paragraph(esc(h), head) for h in ("Outlet", "n", "mean p", "95% CI of the mean", "median p", f"labelled {name}")]]
            for r in data.itertuples(index=False):
                predicted = "–"
                if label_col in articles and r.n:
                    labels = articles.loc[articles["outlet"] == r.outlet, label_col].astype(str)
                    predicted = f"{100 * float((labels.map(_safe) == cls).mean()):.0f} %"
                ci = "–" if pd.isna(r.ci_low) else f"{r.ci_low:.2f} to {r.ci_high:.2f}"
                rows.append([Paragraph(esc(str(r.outlet) + (plots.SMALL_SAMPLE_MARK if small_sample.get(r.outlet) else "")), styles["cell"]),
                             fmt_int(r.n), "–" if pd.isna(r.mean) else f"{r.mean:.2f}", ci,
                             "–" if pd.isna(r.median) else f"{r.median:.2f}", predicted])
            story.append(table(rows, [5.4 * cm, 1.4 * cm, 2.4 * cm, 3.0 * cm, 1.8 * cm, 2.6 * cm], right_align_from=1,
                               font=regular, bold=bold))
        story.extend(_cv_flowables(meta, outlets=outlet_order, styles=styles, esc=esc, table=table, regular=regular, bold=bold))
    return story


def _cv_flowables(meta: dict, *, outlets: Sequence[str], styles, esc, table, regular, bold) -> list:
    out: list = [Spacer(1, 6), Paragraph("How well the model does on outlets it never saw", styles["h2"])]
    cv = meta.get("cv") if meta else None
    if not meta:
        out.append(Paragraph("The run records no model card for this model (run_info has no classify entry), so its "
                             "cross-validated scores are unknown.", styles["body"]))
        return out
    trained = ", ".join(meta.get("training_outlets", [])) or "?"
    if not cv:
        out.append(Paragraph(esc(f"Trained on {trained}. No outlet-disjoint cross-validation: {meta.get('cv_not_run') or 'not run'}. "
                                 "There is no estimate of the model's accuracy on new outlets."), styles["body"]))
        return out
    s = cv["scores"]
    seen = [o for o in outlets if o in set(meta.get("training_outlets", []))]
    overlap = (f"{', '.join(seen)} of this corpus {'was' if len(seen) == 1 else 'were'} in the training data: "
               "on those the probabilities above look more certain than they would on a new outlet."
               if seen else "None of this corpus's outlets was in the training data.")
    out.append(Paragraph(esc(
        f"Trained on {trained} (label field {meta.get('label_field')}). {cv['scheme'][:1].upper() + cv['scheme'][1:]}: "
        f"macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f} on the pooled out-of-fold predictions. {overlap}"),
        styles["body"]))
    n_test = {o: f["n_test"] for f in cv.get("folds", []) for o in f["test_outlets"]}
    rows = [["Held-out outlet", "articles", "accuracy"]]
    for g, acc in s["per_outlet"].items():
        rows.append([Paragraph(esc(g), styles["cell"]), f"{n_test.get(g, 0):,}" if g in n_test else "–", f"{acc:.3f}"])
    out.append(table(rows, [7.0 * cm, 2.4 * cm, 2.4 * cm], right_align_from=1, font=regular, bold=bold))
    for w in meta.get("warnings", []):
        out.append(Paragraph(esc(f"Warning: {w}."), styles["small"]))
    return out
