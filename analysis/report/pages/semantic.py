"""Report page "Narratives: lexical and semantic" (the semantic layer, :mod:`analysis.measures.semantic`).

Per lexicon with a semantic scorer: for every semantic category, side by side, the lexical rate
(matches per 1,000 tokens, ``L.C.per_1000`` of ``outlets.csv``) and the semantic share (flagged
sentences among the sentences scored, ``L.C.semantic.share``), each with its bootstrap interval, and
example sentences with their calibrated score and nearest example. Without an encoder the page
is one line saying why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from reportlab.platypus import PageBreak, Paragraph, Spacer

from analysis.report import plots
from analysis.stats.evidence import SEMANTIC_GROUP
from analysis.report.plots import FONT_SIZE, outlet_label

if TYPE_CHECKING:  # pragma: no cover
    from analysis.stats.evidence import EvidenceSummary
    from analysis.report.layout import PageContext

FIG_SEMANTIC = "narratives_semantic_{lexicon}.png"
#: Example sentences shown per category (one per outlet, outlets in report order).
EXAMPLES_PER_CATEGORY = 3


def _estimates(outlets: pd.DataFrame, measure: str, outlet_order: Sequence[str]) -> pd.DataFrame:
    rows = outlets[outlets["measure"] == measure].set_index("outlet")
    return rows.reindex(outlet_order)[["estimate", "ci_low", "ci_high"]]


def semantic_finding(outlets: pd.DataFrame, lexicon: str, categories: Sequence[str], outlet_order: Sequence[str]) -> str:
    """The outlet with the highest semantic share over all categories, and how lexical and semantic compare."""
    totals = {}
    for outlet in outlet_order:
        shares = [outlets[(outlets["outlet"] == outlet) & (outlets["measure"] == f"{lexicon}.{c}.semantic.share")]["estimate"]
                  for c in categories]
        values = [float(s.iloc[0]) for s in shares if len(s) and not pd.isna(s.iloc[0])]
        if values:
            totals[outlet] = sum(values)
    if not totals:
        return f"No sentence on the lexicon's topic was scored in any outlet, so {lexicon} has no semantic estimate."
    best = max(totals, key=totals.get)
    if totals[best] == 0:
        return f"No scored sentence was flagged for any {lexicon} category in any outlet."
    return (f"{best} has the highest share of flagged on-topic sentences over all {lexicon} categories "
            f"({100 * totals[best]:.1f}% summed over categories).")


def semantic_figure(outlets: pd.DataFrame, lexicon: str, categories: Sequence[str], outlet_order: Sequence[str],
                    palette: Mapping[str, str], n_articles: Mapping[str, int] | None = None,
                    small_sample: Mapping[str, bool] | None = None) -> Figure:
    """Two panels: lexical rate per 1,000 tokens and semantic share (%), one row per category."""
    n = len(categories)
    fig = Figure(figsize=(6.6, 0.25 * n + 1.1))
    axes = fig.subplots(1, 2, sharey=True)
    offsets = np.linspace(-0.3, 0.3, max(1, len(outlet_order))) if len(outlet_order) > 1 else np.zeros(1)
    for ax, kind in zip(axes, ("lexical", "semantic")):
        for k, outlet in enumerate(outlet_order):
            ys, xs, lows, highs = [], [], [], []
            for i, cat in enumerate(categories):
                measure = f"{lexicon}.{cat}.per_1000" if kind == "lexical" else f"{lexicon}.{cat}.semantic.share"
                est = _estimates(outlets, measure, [outlet]).iloc[0]
                if pd.isna(est["estimate"]):
                    continue
                scale = 1.0 if kind == "lexical" else 100.0
                ys.append(n - 1 - i + offsets[k])
                xs.append(scale * est["estimate"])
                lows.append(scale * est["ci_low"] if not pd.isna(est["ci_low"]) else scale * est["estimate"])
                highs.append(scale * est["ci_high"] if not pd.isna(est["ci_high"]) else scale * est["estimate"])
            if not xs:
                continue
            xs_a, lows_a, highs_a = np.array(xs), np.array(lows), np.array(highs)
            ax.errorbar(xs_a, ys, xerr=[np.maximum(xs_a - lows_a, 0), np.maximum(highs_a - xs_a, 0)], fmt="o", ms=3.5,
                        lw=0.8, color=palette.get(outlet, "#444444"), label=outlet_label(outlet, (n_articles or {}).get(outlet), (small_sample or {}).get(outlet, False))
                        if kind == "lexical" else None)
        ax.set_title("lexical: matches per 1,000 tokens" if kind == "lexical" else "semantic: % of on-topic sentences",
                     fontsize=FONT_SIZE + 0.5, loc="left")
        ax.grid(axis="x", lw=0.3, alpha=0.5)
        ax.tick_params(labelsize=FONT_SIZE)
        ax.set_xlim(left=0)
    axes[0].set_yticks(range(n))
    axes[0].set_yticklabels([plots._shorten(c.replace("pro_kremlin_", ""), 26) for c in reversed(categories)], fontsize=FONT_SIZE)
    axes[0].set_ylim(-0.6, n - 0.4)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=min(4, len(labels)), fontsize=FONT_SIZE, frameon=False)
    fig.subplots_adjust(left=0.26, right=0.98, top=0.93, bottom=0.1 + 0.03 * math.ceil(len(labels) / 4), wspace=0.08)
    return fig


def semantic_pages(ctx: "PageContext", *, outlets: pd.DataFrame, evidence: "EvidenceSummary", run_info: Mapping) -> list:
    """The page(s) of the semantic layer; one explaining line when it did not run."""
    from analysis.report.layout import escape_markup, heading as _heading, image as _image, table as _table

    info = run_info.get("semantic") or {}
    lexicons = info.get("lexicons") or {}
    if info.get("status") != "on":
        if info.get("reason") == "no lexicon has example sentences" or not info:
            return []
        return [Spacer(1, 6), Paragraph(escape_markup(f"Narratives: {info.get('reason', 'semantic layer not run')}."), ctx.styles["finding"])]
    story: list = []
    for lexicon, scorer in lexicons.items():
        categories = list(scorer.get("categories", []))
        story.append(PageBreak())
        story.append(_heading(f"Narratives: lexical and semantic ({escape_markup(lexicon)})", ctx.styles["h1"],
                              outline=f"Semantic: {lexicon}"))
        story.append(Paragraph(escape_markup(semantic_finding(outlets, lexicon, categories, ctx.outlet_order)), ctx.styles["finding"]))
        cal = scorer.get("calibration", {})
        encoder = info.get("encoder", {})
        note = (f"Left: matches of the lexicon's terms per 1,000 tokens. Right: share of the sentences scored (sentences near a "
                f"[context] term) that the semantic scorer flags, by category; bars are {run_info.get('bootstrap', {}).get('ci', 0.95):.0%} "
                f"bootstrap intervals over articles. Encoder {encoder.get('name')} ({encoder.get('version')}); scorer: "
                f"{scorer.get('model')} on {scorer.get('n_examples')} example sentences against the lexicon's counter-examples. "
                f"A sentence is flagged above the calibrated score {cal.get('threshold', float('nan')):.3f}, at which "
                f"{100 * cal.get('measured_fpr', float('nan')):.1f}% of {cal.get('n_negative_sentences', '?')} on-topic sentences of "
                f"mainstream coverage were flagged ({escape_markup(str(cal.get('negatives', '')))}; calibration status "
                f"{cal.get('status')}). Semantic flags are model judgements, reported apart from lexical counts: read the examples.")
        story.append(Paragraph(escape_markup(note), ctx.styles["body"]))
        fig = semantic_figure(outlets, lexicon, categories, ctx.outlet_order, ctx.palette, ctx.n_articles, ctx.small_sample)
        path, size = ctx.save(fig, FIG_SEMANTIC.format(lexicon=lexicon))
        story.append(_image(path, size, ctx.portrait_w, ctx.portrait_h * 0.7))
        rows = []
        for cat in categories:
            shown = 0
            for outlet in ctx.outlet_order:
                lines = evidence.kwic_lines((lexicon, cat + SEMANTIC_GROUP, outlet))
                if lines.empty or shown >= EXAMPLES_PER_CATEGORY:
                    continue
                r = lines.iloc[0]
                cell = ctx.styles["cell"]
                rows.append([Paragraph(escape_markup(cat.replace("pro_kremlin_", "")), cell),
                             Paragraph(escape_markup(outlet), cell), f"{r['score']:.3f}", str(r.get("voice") or "–"),
                             Paragraph(escape_markup(f"{r['article_id']}: {plots._shorten(str(r['text']), 200)}"), cell),
                             Paragraph(escape_markup(plots._shorten(str(r["nearest_example"]), 110)), cell)])
                shown += 1
        if rows:
            story.append(Spacer(1, 6))
            story.append(Paragraph("Example flagged sentences (first per outlet; every flag with its exact span is in evidence.jsonl, "
                                   "method = semantic)", ctx.styles["h2"]))
            widths = [ctx.portrait_w * f for f in (0.14, 0.1, 0.07, 0.07, 0.39, 0.23)]
            story.append(_table([["category", "outlet", "score", "voice", "sentence (article: text)", "nearest example"]] + rows, widths,
                                font=ctx.regular, bold=ctx.bold))
        else:
            story.append(Paragraph("No sentence was flagged.", ctx.styles["finding"]))
    return story
