"""Report pages on sourcing and reliability: who speaks, attribution, own voice, indicators,
readability distributions and text reuse.

:func:`reliability_pages` returns reportlab flowables that ``report.py`` appends to its story; every
page starts with a ``PageBreak``.  The ``*_finding`` functions compute each page's one-sentence
finding from the data (pure, tested directly).  Figures come from :mod:`analysis.report.plots_reliability`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure
from reportlab.lib.units import cm, inch
from reportlab.platypus import PageBreak, Paragraph, Spacer

from analysis.report import plots
from analysis.report import plots_reliability as pr

if TYPE_CHECKING:  # pragma: no cover
    from analysis.report.layout import PageContext

logger = logging.getLogger(__name__)

# figure file names (figures/<name>)
FIG_VOICES = "voices_by_camp.png"
FIG_ATTRIBUTION = "attribution_profile.png"
FIG_INDICATORS = "reliability_indicators.png"
FIG_READABILITY = "readability_distributions.png"
FIG_REUSE = "reuse_heatmap.png"


def own_voice_filename(lexicon: str) -> str:
    return f"own_voice_{lexicon}.png"


def _signed(value: float) -> str:
    return plots.format_signed(value)


def _pct(value: float) -> str:
    return pr.format_value(value, "share")


# --------------------------------------------------------------------------------------------
# findings (pure)
# --------------------------------------------------------------------------------------------
def voices_finding(data: pd.DataFrame, camps: Sequence[str]) -> str:
    """Which camp is heard most over all outlets, and in which outlet it is heard most and least."""
    resolved = data[data["n_resolved"] > 0] if not data.empty else data
    if resolved.empty or not camps:
        return "No attribution has a speaker resolved to an actor camp, so no outlet's voices can be split by camp."
    pooled = {c: float((resolved[c].fillna(0) * resolved["n_resolved"]).sum()) for c in camps}
    total = float(resolved["n_resolved"].sum())
    top = max(camps, key=lambda c: pooled[c])
    name = top.replace("_", " ")
    text = (f"The {name} camp is heard most: {_pct(pooled[top] / total)} of all "
            f"{int(total):,} attributions with a resolved speaker")
    if len(resolved) >= 2:
        hi = resolved.loc[resolved[top].idxmax()]
        lo = resolved.loc[resolved[top].idxmin()]
        text += f", from {_pct(hi[top])} in {hi['outlet']} to {_pct(lo[top])} in {lo['outlet']}"
    return text + "."


def range_finding(data: pd.DataFrame, measure: str, *, lead: str | None = None) -> str | None:
    """"<measure> ranges from <lowest> (<outlet>) to <highest> (<outlet>)" over outlets with a value."""
    sub = data[(data["measure"] == measure) & data["estimate"].notna()]
    if sub.empty:
        return None
    kind = pr.measure_kind(measure)
    title = lead or pr.measure_title(measure)
    if len(sub) == 1:
        r = sub.iloc[0]
        return f"{title}: {pr.format_value(r['estimate'], kind)} in {r['outlet']}, the only outlet with a value"
    hi = sub.loc[sub["estimate"].idxmax()]
    lo = sub.loc[sub["estimate"].idxmin()]
    return (f"{title}: from {pr.format_value(lo['estimate'], kind)} ({lo['outlet']}) "
            f"to {pr.format_value(hi['estimate'], kind)} ({hi['outlet']})")


def attribution_finding(data: pd.DataFrame) -> str:
    """Spread of attributed-sentence and unattributed-assertive shares across outlets."""
    parts = [p for p in (
        range_finding(data, "sourcing.attributed_sentence_share", lead="Attributed sentences"),
        range_finding(data, "sourcing.unattributed_assertive_share", lead="unattributed assertive sentences"),
    ) if p]
    if not parts:
        parts = [p for p in (range_finding(data, m) for m in pr.ATTRIBUTION_MEASURES) if p][:1]
    if not parts:
        return "No outlet has an attribution measure."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def own_voice_finding(data: pd.DataFrame, *, lexicon: str, poles: Sequence[str] | None = None) -> str:
    """The outlet whose index moves most between whole text and own voice, and what that means."""
    both = data[data["whole"].notna() & data["own"].notna()]
    if both.empty:
        if data["whole"].notna().any():
            return f"No outlet uses {lexicon} pole terms in its own voice: every match is quoted speech (in quotation marks or a transcript turn)."
        return f"No outlet has a {lexicon} pole term, so there is no index to compare."
    shift = (both["own"] - both["whole"])
    row = both.loc[shift.abs().idxmax()]
    delta = row["own"] - row["whole"]
    if abs(delta) < 0.05:
        return (f"The {lexicon} index hardly changes when quotes are left out: no outlet's own voice differs "
                f"from its whole text by 0.05 or more.")
    text = (f"{row['outlet']}'s {lexicon} index moves from {_signed(row['whole'])} (whole text) "
            f"to {_signed(row['own'])} (own voice)")
    if poles and len(poles) == 2:
        quoted = poles[1] if delta < 0 else poles[0]
        text += f": its {quoted} terms are mostly quoted"
    return text + "."


def indicators_finding(data: pd.DataFrame) -> str:
    """Spread of the first two indicators with values across outlets."""
    parts = [p for p in (range_finding(data, m) for m in pr.INDICATOR_MEASURES) if p][:2]
    if not parts:
        return "No reliability indicator has a value."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def readability_finding(values: Mapping[str, Sequence[float]], *, measure: str, n_missing: int) -> str:
    """Outlets with the lowest and highest median article value, plus the count left out."""
    medians = {o: float(pd.Series(v).median()) for o, v in values.items() if len(v)}
    missing = (f" {n_missing:,} article{'s' if n_missing != 1 else ''} without a value "
               f"{'are' if n_missing != 1 else 'is'} left out.") if n_missing else ""
    title = "Flesch–Amstad reading ease" if measure == "readability.flesch_amstad" else measure
    if not medians:
        return f"No article has a {measure} value.{missing}"
    if len(medians) == 1:
        (o, m), = medians.items()
        return f"Median {title}: {m:.1f} in {o}, the only outlet with values.{missing}"
    lo = min(medians, key=medians.get)
    hi = max(medians, key=medians.get)
    easier = " (higher = easier)" if measure == "readability.flesch_amstad" else ""
    return (f"Median {title}{easier} is lowest in {lo} ({medians[lo]:.1f}) and highest in "
            f"{hi} ({medians[hi]:.1f}).{missing}")


def reuse_finding(matrix: pd.DataFrame) -> str:
    """Largest off-diagonal (cross-outlet) and diagonal (within-outlet) reuse share."""
    if matrix.empty:
        return "No reuse table."
    cells = matrix.stack().dropna()
    if cells.empty:
        return "No reuse share could be computed."
    off = cells[[a != b for a, b in cells.index]]
    diag = cells[[a == b for a, b in cells.index]]
    parts = []
    if not off.empty and off.max() > 0:
        (a, b) = off.idxmax()
        parts.append(f"The largest cross-outlet reuse: {_pct(off.max())} of {a}'s words are found in {b}'s articles")
    elif not off.empty:
        parts.append("No outlet's words are found in another outlet's articles")
    if not diag.empty and diag.max() > 0:
        (a, _b) = diag.idxmax()
        parts.append(f"the largest within-outlet reuse is {_pct(diag.max())} in {a}")
    elif not diag.empty:
        parts.append("no outlet reuses its own articles' words")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------------------------
def reliability_pages(
    ctx: PageContext,
    *,
    articles: pd.DataFrame,
    outlets: pd.DataFrame,
    reuse: pd.DataFrame | None,
    poles: Mapping[str, Sequence[str]] | None = None,
) -> list:
    """Flowables of the six sourcing/reliability pages, each starting with a ``PageBreak``.

    ``ctx``: the report's outlets, styles and figure writer (:class:`analysis.report.document.PageContext`).
    ``poles`` (optional) maps a two-pole lexicon to its (left, right) pole
    names for the own-voice finding.  A page whose data are missing says so in text instead of a figure.
    """
    from analysis.report.layout import escape_markup as esc, fmt_int, heading, image, table

    outlet_order, palette, styles, save = ctx.outlet_order, ctx.palette, ctx.styles, ctx.save
    portrait_w, portrait_h, small_sample, n_articles = ctx.portrait_w, ctx.portrait_h, ctx.small_sample, ctx.n_articles
    regular, bold = ctx.regular, ctx.bold
    width_in = portrait_w / inch
    fig_max_h = portrait_h * 0.72
    story: list = []
    outlets = outlets if outlets is not None else pd.DataFrame()

    def page(title: str, outline: str) -> None:
        story.append(PageBreak())
        story.append(heading(esc(title), styles["h1"], outline=outline))

    def finding(text: str) -> None:
        story.append(Paragraph(esc(text), styles["finding"]))

    def note(text: str, style: str = "body") -> None:
        story.append(Paragraph(esc(text), styles[style]))

    def figure(fig: Figure, name: str, max_h: float = fig_max_h) -> None:
        path, size = save(fig, name)
        story.append(image(path, size, portrait_w, max_h))
        story.append(Spacer(1, 6))

    def cell(text: str) -> Paragraph:
        return Paragraph(esc(text), styles["cell"])

    def estimates_table(data: pd.DataFrame, measures: Sequence[str]) -> None:
        """Outlet rows × measure columns, estimate with CI below."""
        measures = [m for m in measures if m in set(data["measure"])]
        if not measures:
            return
        header = [cell("Outlet")] + [cell(pr.measure_title(m)) for m in measures]
        rows = [header]
        for o in outlet_order:
            row = [cell(plots._shorten(str(o), 24) + (plots.SMALL_SAMPLE_MARK if small_sample.get(o) else ""))]
            for m in measures:
                r = data[(data["measure"] == m) & (data["outlet"] == o)]
                if r.empty or pd.isna(r["estimate"].iloc[0]):
                    row.append("–")
                    continue
                k = pr.measure_kind(m)
                est, lo, hi = (r[c].iloc[0] for c in ("estimate", "ci_low", "ci_high"))
                ci = "" if pd.isna(lo) or pd.isna(hi) else f"<br/><font size=7>{pr.format_value(lo, k)}–{pr.format_value(hi, k)}</font>"
                row.append(Paragraph(f"{esc(pr.format_value(est, k))}{ci}", styles["cell_right"]))
            rows.append(row)
        first = 4.2 * cm
        rest = (portrait_w - first) / len(measures)
        story.append(table(rows, [first] + [rest] * len(measures), font=regular, bold=bold))
        story.append(Paragraph("Each cell: estimate, below it the 95% CI.", styles["small"]))

    # ---- 1. who speaks ----------------------------------------------------------------------
    page("Who speaks: voices by camp", "Who speaks: voices by camp")
    voices = pr.voices_table(articles, outlet_order)
    camps = [c for c in voices.columns if c not in ("outlet", "n_articles", "n_attributions", "n_resolved")]
    if not camps:
        note("No sourcing columns (voices.<camp>) in the article table: the actors lexicon was not loaded "
             "or the sourcing stage was skipped, so speakers cannot be assigned to camps.")
    else:
        finding(voices_finding(voices, camps))
        if (voices["n_resolved"] > 0).any():
            figure(pr.voices_figure(voices, camps=camps, width_in=width_in, small_sample=small_sample), FIG_VOICES)
        unresolved = int(articles["voices.unresolved"].sum()) if "voices.unresolved" in articles else None
        if unresolved:
            note(f"{unresolved:,} attributions without a resolved speaker are not in the bars "
                 "(voices.unresolved in articles.csv).", "small")

    # ---- 2. attribution profile ------------------------------------------------------------
    page("Attribution profile", "Attribution profile")
    attribution = pr.measure_table(outlets, pr.ATTRIBUTION_MEASURES, outlet_order)
    if attribution.empty or attribution["estimate"].isna().all():
        note("No sourcing measures (sourcing.*) in the per-outlet table: the sourcing stage did not run "
             "(the actors lexicon was not loaded), so attribution cannot be profiled.")
    else:
        finding(attribution_finding(attribution))
        measures = [m for m in pr.ATTRIBUTION_MEASURES if m in set(attribution["measure"])]
        figure(pr.estimates_figure(attribution, measures=measures, outlet_order=outlet_order, palette=palette,
                                   n_articles=n_articles, small_sample=small_sample, width_in=width_in,
                                   ncols=3 if len(outlet_order) > 5 else 2, max_height_in=portrait_h * 0.42 / inch),
               FIG_ATTRIBUTION, portrait_h * 0.62)
        estimates_table(attribution, measures)

    # ---- 3. own voice vs whole text ---------------------------------------------------------
    lexicons = pr.own_voice_lexicons(outlets)
    if not lexicons:
        page("Own voice vs whole text", "Own voice vs whole text")
        note("No own-voice index (L.index_own) in the per-outlet table: the sourcing stage did not run or no "
             "two-pole lexicon was loaded, so quoted and own wording cannot be separated.")
    for lex in lexicons:
        page(f"Own voice vs whole text: {lex}", f"Own voice: {lex}")
        data = pr.own_voice_table(outlets, lexicon=lex, outlet_order=outlet_order)
        lex_poles = (poles or {}).get(lex) or _poles_from_articles(articles, lex)
        finding(own_voice_finding(data, lexicon=lex, poles=lex_poles))
        if data[["whole", "own"]].notna().any().any():
            figure(pr.own_voice_figure(data, lexicon=lex, poles=lex_poles, palette=palette, n_articles=n_articles,
                                       small_sample=small_sample, width_in=width_in),
                   own_voice_filename(lex), portrait_h * 0.6)
        rows = [["Outlet", "n", "Whole text", "95% CI", "Own voice", "95% CI"]]
        for r in data.itertuples(index=False):
            ci = lambda lo, hi: "–" if pd.isna(lo) or pd.isna(hi) else f"{_signed(lo)} to {_signed(hi)}"  # noqa: E731
            rows.append([cell(r.outlet + (plots.SMALL_SAMPLE_MARK if r.small_sample else "")),
                         fmt_int(n_articles.get(r.outlet, r.n_articles)),
                         "–" if pd.isna(r.whole) else _signed(r.whole), ci(r.whole_low, r.whole_high),
                         "–" if pd.isna(r.own) else _signed(r.own), ci(r.own_low, r.own_high)])
        story.append(table(rows, [5.6 * cm, 1.2 * cm, 2.2 * cm, 3.0 * cm, 2.2 * cm, 3.0 * cm],
                           right_align_from=1, font=regular, bold=bold))

    # ---- 4. reliability indicators ---------------------------------------------------------
    page("Reliability indicators", "Reliability indicators")
    indicators = pr.measure_table(outlets, pr.INDICATOR_MEASURES, outlet_order)
    if indicators.empty or indicators["estimate"].isna().all():
        note("No readability, epistemic, subjectivity or reuse measure in the per-outlet table.")
    else:
        finding(indicators_finding(indicators))
        measures = [m for m in pr.INDICATOR_MEASURES if m in set(indicators["measure"])]
        figure(pr.estimates_figure(indicators, measures=measures, outlet_order=outlet_order, palette=palette,
                                   n_articles=n_articles, small_sample=small_sample, width_in=width_in,
                                   max_height_in=portrait_h * 0.72 / inch),
               FIG_INDICATORS, portrait_h * 0.82)

    # ---- 5. readability distributions ------------------------------------------------------
    page("Readability distributions", "Readability distributions")
    measures = [m for m in pr.DISTRIBUTION_MEASURES if m in articles]
    if not measures:
        note("No article-level readability columns (readability.flesch_amstad, readability.wstf1) in the article table.")
    else:
        first = measures[0]
        values = pr.distribution_values(articles, measure=first, outlet_order=outlet_order)
        n_missing = int(pd.to_numeric(articles[first], errors="coerce").isna().sum())
        finding(readability_finding(values, measure=first, n_missing=n_missing))
        if any(len(v) for v in values.values()):
            extra = [f"{n_missing:,} articles without a {first} value (e.g. no sentence) are left out."] if n_missing else []
            figure(pr.distributions_figure(articles, measures=measures, outlet_order=outlet_order, palette=palette,
                                           small_sample=small_sample, width_in=width_in, notes=extra),
                   FIG_READABILITY, portrait_h * 0.6)
            rows = [[cell("Outlet"), cell("Articles with a value")] + [cell(f"Median {pr.measure_title(m)}") for m in measures]]
            for o in outlet_order:
                row = [cell(o + (plots.SMALL_SAMPLE_MARK if small_sample.get(o) else "")), fmt_int(len(values[o]))]
                for m in measures:
                    v = pr.distribution_values(articles, measure=m, outlet_order=[o])[o]
                    row.append(f"{pd.Series(v).median():.1f}" if len(v) else "–")
                rows.append(row)
            story.append(table(rows, [6.0 * cm, 2.8 * cm] + [3.6 * cm] * len(measures), right_align_from=1,
                               font=regular, bold=bold))

    # ---- 6. text reuse ---------------------------------------------------------------------
    page("Text reuse", "Text reuse")
    matrix = pr.reuse_matrix(reuse, outlet_order) if reuse is not None else pd.DataFrame()
    if matrix.empty:
        note("No reuse table (reuse.csv): text reuse was not computed for this run.")
    else:
        finding(reuse_finding(matrix))
        figure(pr.reuse_figure(matrix, width_in=width_in, n_articles=n_articles, small_sample=small_sample),
               FIG_REUSE, portrait_h * 0.7)
    return story


def _poles_from_articles(articles: pd.DataFrame, lexicon: str) -> tuple[str, str] | None:
    """Pole names from the ``L.<pole>.own`` columns (two of them, in column order), else None."""
    prefix = f"{lexicon}."
    own = [c[len(prefix):-len(".own")] for c in articles.columns
           if c.startswith(prefix) and c.endswith(".own") and c.count(".") == 2]
    return (own[0], own[1]) if len(own) == 2 else None
