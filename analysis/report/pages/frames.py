"""The page of ``quellenlage frames predict``: flagged sentences per outlet, apart from lexicon counts.

``frames_report.pdf`` is one A4 page (two when many examples are listed) written next to
``sentence_frames.csv``: a computed finding, the per-outlet figure (:func:`flag_rates_figure`, also
``figures/frames_flag_rates.png``), the model's cross-validated scores, the most confident flagged
sentences, and a caption saying that these are model predictions, not lexicon counts.

Conventions as in :mod:`analysis.report.plots_reliability` / :mod:`analysis.report.pages.reliability`:
``plot_*(ax, data, *, ...)`` draw one panel on a given Axes, ``*_figure`` build a
:class:`~matplotlib.figure.Figure` (no pyplot state), ``*_finding`` are pure and tested directly.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.report import plots
from analysis.report.plots import FONT_SIZE, SMALL_SAMPLE_MARK, outlet_label
from analysis.columns import FLAG_MEASURE, LEXICON_MEASURE

logger = logging.getLogger(__name__)

FIG_FLAG_RATES = "frames_flag_rates.png"
REPORT_FILE = "frames_report.pdf"
#: Flagged sentences listed on the page (most probable first, at most two per outlet).
N_EXAMPLES = 8
EXAMPLE_CHARS = 230


# --------------------------------------------------------------------------------------------
# tables and findings (pure)
# --------------------------------------------------------------------------------------------
def flag_rate_table(outlets: pd.DataFrame, outlet_order: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per outlet: ``flag``/``flag_low``/``flag_high`` (flagged sentences per 1,000), the same
    for ``lex`` (sentences with a lexicon match per 1,000), ``n_articles``, ``n_sentences``,
    ``n_flagged``, ``small_sample``; in ``outlet_order`` (default: descending flag rate)."""
    cols = ["outlet", "flag", "flag_low", "flag_high", "lex", "lex_low", "lex_high", "n_articles", "n_sentences", "n_flagged", "small_sample"]
    if outlets.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for outlet, grp in outlets.groupby("outlet", sort=False):
        by = grp.set_index("measure")
        f = by.loc[FLAG_MEASURE] if FLAG_MEASURE in by.index else None
        lx = by.loc[LEXICON_MEASURE] if LEXICON_MEASURE in by.index else None
        first = grp.iloc[0]
        rows.append({
            "outlet": outlet,
            "flag": f["estimate"] if f is not None else np.nan,
            "flag_low": f["ci_low"] if f is not None else np.nan,
            "flag_high": f["ci_high"] if f is not None else np.nan,
            "lex": lx["estimate"] if lx is not None else np.nan,
            "lex_low": lx["ci_low"] if lx is not None else np.nan,
            "lex_high": lx["ci_high"] if lx is not None else np.nan,
            "n_articles": int(first["n_articles"]),
            "n_sentences": int(first.get("n_sentences", 0)),
            "n_flagged": int(f["n_matches"]) if f is not None else 0,
            "small_sample": bool(first["small_sample"]),
        })
    table = pd.DataFrame(rows, columns=cols)
    if outlet_order:
        table = table.set_index("outlet").reindex([o for o in outlet_order if o in set(table["outlet"])]).reset_index()
    else:
        table = table.sort_values("flag", ascending=False, kind="stable").reset_index(drop=True)
    return table


def _rate(value: float) -> str:
    return plots.format_rate(value)


def _overlap(a_low: float, a_high: float, b_low: float, b_high: float) -> bool | None:
    if any(pd.isna(v) for v in (a_low, a_high, b_low, b_high)):
        return None
    return not (a_low > b_high or b_low > a_high)


def flag_finding(table: pd.DataFrame, *, lexicon: str | None) -> str:
    """Which outlet has the most and the fewest flagged sentences, whether their CIs overlap, and how
    that compares with the lexicon-matched sentences."""
    data = table[table["flag"].notna()] if not table.empty else table
    term = f"any {lexicon} term" if lexicon else "a lexicon term (no lexicon was given)"
    if data.empty:
        return "No outlet has sentences to classify, so there is no rate of flagged sentences."
    if (data["n_flagged"] == 0).all():
        return f"The model flags no sentence in any outlet: no sentence without {term} reaches the threshold."
    hi = data.loc[data["flag"].idxmax()]
    if len(data) == 1:
        return (f"The model flags {_rate(hi['flag'])} per 1,000 sentences of {hi['outlet']} as framed without {term} "
                f"({hi['n_flagged']:,} sentences).")
    lo = data.loc[data["flag"].idxmin()]
    text = (f"The model flags most sentences without {term} in {hi['outlet']} ({_rate(hi['flag'])} per 1,000 sentences) "
            f"and fewest in {lo['outlet']} ({_rate(lo['flag'])})")
    ov = _overlap(hi["flag_low"], hi["flag_high"], lo["flag_low"], lo["flag_high"])
    if ov is True:
        text += "; their 95% CIs overlap"
    elif ov is False:
        text += "; their 95% CIs do not overlap"
    lex = data[data["lex"].notna()]
    if lexicon and len(lex) >= 2:
        top_lex = lex.loc[lex["lex"].idxmax()]["outlet"]
        if top_lex == hi["outlet"]:
            text += f". Sentences with a {lexicon} term are also most frequent in {top_lex}"
        else:
            text += f", whereas sentences with a {lexicon} term are most frequent in {top_lex}"
    return text + "."


def example_sentences(sentences: pd.DataFrame, n: int = N_EXAMPLES, per_outlet: int = 2) -> pd.DataFrame:
    """The most probable flagged sentences, at most ``per_outlet`` per outlet."""
    flagged = sentences[sentences["flagged"]] if not sentences.empty else sentences
    if flagged.empty:
        return flagged
    ranked = flagged.sort_values("probability", ascending=False, kind="stable")
    return ranked.groupby("outlet", sort=False).head(per_outlet).head(n)


# --------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------
def plot_rate_dots(ax: Axes, data: pd.DataFrame, *, column: str, colour: str, title: str, labels: bool = True) -> None:
    """Horizontal dots with 95% CI whiskers of ``data[column]`` (and ``_low``/``_high``) per outlet,
    first row at the top; NaN rows are written as "–"."""
    n = len(data)
    y = np.arange(n)[::-1]
    values = data[column].to_numpy(dtype=float)
    low = data[f"{column}_low"].to_numpy(dtype=float)
    high = data[f"{column}_high"].to_numpy(dtype=float)
    for yi, v, lo, hi in zip(y, values, low, high):
        if math.isnan(v):
            ax.text(0, yi, "–", va="center", fontsize=FONT_SIZE, color="#666666")
            continue
        if not (math.isnan(lo) or math.isnan(hi)):
            ax.plot([lo, hi], [yi, yi], color=colour, lw=1.6, solid_capstyle="butt")
        ax.plot([v], [yi], "o", color=colour, ms=5)
        ax.annotate(_rate(v), (v, yi), xytext=(0, 5), textcoords="offset points", ha="center", fontsize=FONT_SIZE, color="#222222")
    ax.set_yticks(y)
    if labels:
        ax.set_yticklabels([outlet_label(r.outlet, r.n_articles, r.small_sample, wrap=plots.LABEL_WRAP) for r in data.itertuples()],
                           fontsize=FONT_SIZE)
    else:
        ax.set_yticklabels([])
    finite = np.concatenate([values[~np.isnan(values)], high[~np.isnan(high)]])
    right = float(finite.max()) * 1.15 if finite.size and finite.max() > 0 else 1.0
    ax.set_xlim(0, right)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_title(title, fontsize=plots.TITLE_SIZE, loc="left")
    ax.tick_params(axis="x", labelsize=FONT_SIZE)
    ax.set_xlabel("sentences per 1,000 sentences", fontsize=FONT_SIZE)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def flag_rates_figure(data: pd.DataFrame, *, lexicon: str | None, threshold: float, width_in: float = plots.A4_TEXT_WIDTH_IN) -> Figure:
    """Two panels: model-flagged sentences (no lexicon term) | sentences with a lexicon term."""
    height = 0.9 + 0.38 * max(1, len(data))
    notes = [f"Left: sentences the model assigns a frame with probability ≥ {threshold:g} that contain no "
             f"{lexicon or 'lexicon'} term (model predictions). Right: sentences with a {lexicon or 'lexicon'} term "
             "(lexicon matches). Whiskers: 95% bootstrap CIs over articles."]
    if data["small_sample"].any():
        notes.append(f"{SMALL_SAMPLE_MARK} fewer articles than the small-sample threshold.")
    fig = plots._figure(width_in, height, notes=notes)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    plot_rate_dots(left, data, column="flag", colour="#CC79A7", title="Flagged by the model (no lexicon term)")
    if lexicon:
        plot_rate_dots(right, data, column="lex", colour="#0072B2", title=f"With a {lexicon} term", labels=False)
    else:
        plots._empty_axes(right, "No lexicon given: lexicon matches not computed.")
    return fig


# --------------------------------------------------------------------------------------------
# the PDF page
# --------------------------------------------------------------------------------------------
def write_frames_report(
    sentences: pd.DataFrame,
    outlets: pd.DataFrame,
    out_dir: str | Path,
    *,
    meta: dict,
    threshold: float,
    lexicon_name: str | None,
) -> dict[str, Path]:
    """Write ``frames_report.pdf`` and ``figures/frames_flag_rates.png`` into ``out_dir``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from analysis.report.layout import escape_markup as esc, image as _image, paragraph_styles as _styles, register_fonts as _register_fonts, table as _table

    out = Path(out_dir)
    regular, bold = _register_fonts()
    styles = _styles(regular, bold)
    table = flag_rate_table(outlets)
    fig_path = out / "figures" / FIG_FLAG_RATES
    story: list = [Paragraph("Sentences framed without a lexicon term", styles["h1"])]
    story.append(Paragraph(esc(flag_finding(table, lexicon=lexicon_name)), styles["finding"]))
    paths = {}
    if not table.empty:
        fig = flag_rates_figure(table, lexicon=lexicon_name, threshold=threshold)
        plots.save_figure(fig, fig_path)
        size = tuple(fig.get_size_inches())
        page_w = A4[0] - 4 * cm
        story.append(_image(fig_path, size, page_w, A4[1] * 0.45))
        paths["figure"] = fig_path
    src = meta.get("label_source", {})
    if src.get("kind") == "weak_lexicon":
        source = (f"weak labels from lexicon {src.get('lexicon')} {src.get('lexicon_version')} "
                  f"(matched terms cut out of the training sentences)")
    else:
        source = f"hand annotations ({Path(src.get('path', '')).name})"
    story.append(Paragraph(esc(
        f"These are predictions of a sentence classifier trained on {source}, reported apart from the lexicon counts of "
        f"articles.csv and outlets.csv. A sentence is flagged when a frame is its most probable label with probability "
        f"≥ {threshold:g} and no {lexicon_name or 'lexicon'} term occurs in it; every flag is listed with its character "
        f"span in sentence_frames.csv. Read flagged sentences before citing a rate: the model can be wrong."), styles["small"]))
    scores = meta.get("scores", {})
    if scores:
        names = {"grouped": "grouped by article", "stratified": "stratified", "outlet_disjoint": "outlet-disjoint"}
        rows = [["Cross-validation", "splits", "macro-F1", "accuracy"]]
        for k, s in scores.items():
            rows.append([names.get(k, k), str(s["n_splits"]), f"{s['macro_f1']:.2f}", f"{s['accuracy']:.2f}"])
        story.append(Spacer(1, 6))
        story.append(_table(rows, [5.5 * cm, 2 * cm, 2.5 * cm, 2.5 * cm], right_align_from=1, font=regular, bold=bold))
        if "outlet_disjoint" in scores and ("grouped" in scores or "stratified" in scores):
            inside = scores.get("grouped", scores.get("stratified"))["macro_f1"]
            gap = inside - scores["outlet_disjoint"]["macro_f1"]
            story.append(Paragraph(esc(
                f"Outlet-disjoint macro-F1 is {gap:.2f} {'lower' if gap >= 0 else 'higher'} than within outlets: "
                + ("part of what the model learnt is outlets' wording, not the frame." if gap >= 0.05
                   else "what the model learnt transfers across outlets.")), styles["small"]))
    examples = example_sentences(sentences)
    if not examples.empty:
        story.append(Paragraph("Most confident flagged sentences", styles["h3"]))
        rows = [["Outlet", "Frame", "p", "Sentence (article, characters)"]]
        for r in examples.itertuples():
            text = r.text if len(r.text) <= EXAMPLE_CHARS else r.text[: EXAMPLE_CHARS - 1] + "…"
            rows.append([Paragraph(esc(r.outlet), styles["cell"]), Paragraph(esc(r.label), styles["cell"]), f"{r.probability:.2f}",
                         Paragraph(esc(f"{text} ({r.article_id}, {r.start_char}–{r.end_char})"), styles["cell"])])
        story.append(_table(rows, [3.0 * cm, 2.6 * cm, 1.0 * cm, 10.4 * cm], font=regular, bold=bold))
    pdf = out / REPORT_FILE
    doc = SimpleDocTemplate(str(pdf), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
                            title="Quellenlage: sentence frames", author="Quellenlage")
    doc.build(story)
    paths["report"] = pdf
    return paths
