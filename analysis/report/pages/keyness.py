"""Report page "Most distinctive terms per outlet" from the keyness table (:mod:`analysis.measures.keyness`).

:func:`keyness_pages` returns reportlab flowables that ``report.py`` appends to its story (the page
starts with a ``PageBreak``), given the report's :class:`analysis.report.document.PageContext`. :func:`keyness_finding` computes the page's
one-sentence finding (pure, tested directly); :func:`plot_keyness_bars` draws one outlet's panel
on a given Axes and :func:`keyness_figure` builds the small multiples (object API, no pyplot).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from reportlab.lib.units import inch
from reportlab.platypus import PageBreak, Paragraph, Spacer

from analysis.report import plots
from analysis.measures.keyness import Z_DISTINCTIVE
from analysis.report.plots import FONT_SIZE, outlet_label

if TYPE_CHECKING:  # pragma: no cover
    from analysis.report.layout import PageContext

logger = logging.getLogger(__name__)

FIG_KEYNESS = "keyness_terms.png"
#: Terms drawn per outlet.
KEYNESS_TOP = 10
#: Terms are shortened to this many characters in the bar labels.
TERM_LABEL_CHARS = 28
#: Height of one bar row, inches.
BAR_ROW_IN = 0.17


def top_terms(keyness: pd.DataFrame, *, outlet_order: Sequence[str], top: int = KEYNESS_TOP) -> dict[str, pd.DataFrame]:
    """Per outlet the ``top`` rows with the highest positive z (outlets in ``outlet_order``)."""
    out: dict[str, pd.DataFrame] = {}
    if keyness is None or keyness.empty:
        return {o: pd.DataFrame(columns=keyness.columns if keyness is not None else []) for o in outlet_order}
    for outlet in outlet_order:
        rows = keyness[(keyness["outlet"] == outlet) & (keyness["z"] > 0)]
        out[outlet] = rows.sort_values(["z", "term"], ascending=[False, True], kind="mergesort").head(top)
    return out


def keyness_finding(keyness: pd.DataFrame, *, outlet_order: Sequence[str]) -> str:
    """The strongest outlet-term pair and how many terms pass z > 1.96 per outlet."""
    if keyness is None or keyness.empty:
        return "No term occurs often enough to compare outlets (keyness needs at least two outlets)."
    data = keyness[keyness["outlet"].isin(outlet_order)]
    positive = data[data["z"] > Z_DISTINCTIVE]
    if positive.empty:
        return (f"No term is distinctive for any outlet at z > {Z_DISTINCTIVE}: word use does not differ "
                "beyond chance between the outlets in this corpus.")
    best = positive.loc[positive["z"].idxmax()]
    text = (f"The most distinctive term is \u201c{best['term']}\u201d in {best['outlet']} "
            f"(z = {best['z']:.1f}; {plots.format_rate(best['rate_outlet_per_1000'])} per 1,000 tokens "
            f"vs {plots.format_rate(best['rate_rest_per_1000'])} in the other outlets)")
    per_outlet = positive.groupby("outlet").size().reindex(outlet_order).fillna(0).astype(int)
    if len(per_outlet) >= 2:
        hi, lo = per_outlet.idxmax(), per_outlet.idxmin()
        if per_outlet[hi] != per_outlet[lo]:
            text += (f"; {hi} has the most terms with z > {Z_DISTINCTIVE} ({per_outlet[hi]:,}), "
                     f"{lo} the fewest ({per_outlet[lo]:,})")
    return text + "."


def plot_keyness_bars(ax: Axes, data: pd.DataFrame, *, color: str, title: str, x_max: float | None = None) -> None:
    """Horizontal bars of z for one outlet's terms (highest at the top), with the 1.96 line."""
    ax.set_title(title, fontsize=FONT_SIZE + 0.5, loc="left")
    if data.empty:
        plots._empty_axes(ax, "no term with z > 0")
        return
    labels = [plots._shorten(str(t), TERM_LABEL_CHARS) for t in data["term"]]
    values = data["z"].to_numpy(dtype=float)
    n_rows = max(len(values), KEYNESS_TOP)
    y = [n_rows - 1 - k for k in range(len(values))]  # highest z at the top, panels aligned
    ax.barh(y, values, color=color, height=0.7)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=FONT_SIZE)
    ax.set_ylim(-0.6, n_rows - 0.4)
    top = x_max if x_max is not None else float(values.max())
    ax.set_xlim(0, max(top * 1.08, Z_DISTINCTIVE * 1.3))
    ax.axvline(Z_DISTINCTIVE, color="#666666", linewidth=0.8, linestyle="--")
    ax.tick_params(axis="x", labelsize=FONT_SIZE - 0.5)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def keyness_figure(
    terms: Mapping[str, pd.DataFrame],
    *,
    outlet_order: Sequence[str],
    palette: Mapping[str, str],
    n_articles: Mapping[str, int],
    small_sample: Mapping[str, bool],
    width_in: float,
    max_height_in: float | None = None,
    notes: Sequence[str] = (),
) -> Figure:
    """Small multiples: one panel of z bars per outlet, a shared z axis."""
    n = len(outlet_order)
    ncols = 1 if n == 1 else 2 if n <= 8 else 3
    nrows = math.ceil(n / ncols)
    rows_in = max((len(terms.get(o, ())) for o in outlet_order), default=0)
    panel_in = max(KEYNESS_TOP, rows_in) * BAR_ROW_IN + 0.55
    height = nrows * panel_in + 0.3
    if max_height_in is not None:
        height = min(height, max_height_in)
    fig = plots._figure(width_in, height, notes=notes)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    x_max = max((float(t["z"].max()) for t in terms.values() if not t.empty), default=None)
    for k, outlet in enumerate(outlet_order):
        ax = axes[k // ncols][k % ncols]
        title = outlet_label(outlet, n_articles.get(outlet), small_sample.get(outlet, False), wrap=40, max_lines=1)
        plot_keyness_bars(ax, terms.get(outlet, pd.DataFrame(columns=["term", "z"])), color=palette.get(outlet, "#555555"),
                          title=title, x_max=x_max)
        if k // ncols == nrows - 1 or k + ncols >= n:
            ax.set_xlabel("z (log-odds ratio vs all other outlets)", fontsize=FONT_SIZE)
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_axis_off()
    return fig


def keyness_pages(ctx: PageContext, *, keyness: pd.DataFrame | None, top: int = KEYNESS_TOP) -> list:
    """Flowables of the page "Most distinctive terms per outlet", starting with a ``PageBreak``.

    ``ctx``: the report's outlets, styles and figure writer (:class:`analysis.report.document.PageContext`);
    ``keyness``: the table of :func:`analysis.measures.keyness.keyness_table` (keyness.csv). Without a table
    the page says so.
    """
    from analysis.report.layout import escape_markup as esc, heading, image

    outlet_order, palette, styles, save = ctx.outlet_order, ctx.palette, ctx.styles, ctx.save
    portrait_w, portrait_h, small_sample, n_articles = ctx.portrait_w, ctx.portrait_h, ctx.small_sample, ctx.n_articles
    story: list = [PageBreak(), heading(esc("Most distinctive terms per outlet"), styles["h1"],
                                        outline="Most distinctive terms per outlet")]
    if keyness is None or keyness.empty:
        story.append(Paragraph(esc(keyness_finding(keyness, outlet_order=outlet_order)), styles["finding"]))
        return story
    story.append(Paragraph(esc(keyness_finding(keyness, outlet_order=outlet_order)), styles["finding"]))
    story.append(Paragraph(esc(
        "Keyness describes word use, not framing: a distinctive term may reflect the topics an outlet covers, its "
        "boilerplate (bylines, links, captions) or its house style as much as how it frames a story. Read the terms "
        "in context (quellenlage kwic) before drawing conclusions; every term of every outlet, with counts and "
        "rates, is in keyness.csv."), styles["small"]))
    story.append(Spacer(1, 4))
    terms = top_terms(keyness, outlet_order=outlet_order, top=top)
    notes = [
        (f"Bars: the {top} terms (lower-cased lemmas) with the highest z per outlet; z of the log-odds ratio with an "
        f"informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), each outlet against all other outlets pooled. "
        f"Dashed line: z = {Z_DISTINCTIVE} (≈ p < 0.05, two-sided, uncorrected for the many terms tested)."),
    ]
    if any(small_sample.get(o) for o in outlet_order):
        notes.append(f"{plots.SMALL_SAMPLE_MARK} small sample: few articles, the terms may be those of a single story.")
    fig = keyness_figure(terms, outlet_order=outlet_order, palette=palette, n_articles=n_articles,
                         small_sample=small_sample, width_in=portrait_w / inch,
                         max_height_in=portrait_h * 0.7 / inch, notes=notes)
    path, size = save(fig, FIG_KEYNESS)
    story.append(image(path, size, portrait_w, portrait_h * 0.8))
    return story
