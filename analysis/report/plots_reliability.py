"""Figures of the report's sourcing and reliability pages.

Table shapers (``*_table``, ``reuse_matrix``) turn articles.csv / outlets.csv / reuse.csv into small
tidy frames; ``plot_*(ax, data, *, ...)`` draw one panel on a given Axes; ``*_figure`` build a
:class:`~matplotlib.figure.Figure` of A4 text width.  Object API only (no pyplot state).

Measures drawn here are documented where they are computed: ``voices.*`` and ``sourcing.*`` in
:mod:`analysis.measures.sourcing`, ``L.index_own`` in :mod:`analysis.running.pipeline` (``sourcing_measures``),
``readability.*`` / ``epistemic.*`` / ``subjectivity.*`` in :mod:`analysis.measures.readability` and
:mod:`analysis.measures.indicators`, ``reuse.*`` in :mod:`analysis.measures.reuse`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from analysis.report import plots
from analysis.report.plots import FONT_SIZE, LABEL_WRAP, SMALL_SAMPLE_MARK, outlet_label

#: Fixed colour per actor camp of lexicons/actors.toml (same camp = same colour on every page).
CAMP_COLOURS = {
    "russian_government": "#D55E00",
    "ukrainian_government": "#0072B2",
    "western_government": "#56B4E9",
    "nato_eu": "#009E73",
    "media_agency": "#E69F00",
    "expert_civil": "#CC79A7",
    "other": "#999999",
}
_EXTRA_CAMP_COLOURS = ("#8C564B", "#BCBD22", "#17BECF", "#7F7F7F", "#393B79", "#637939")

#: Human titles of the measures drawn as small multiples, and how values are shown.
#: kind: "share" (0–1, shown as %), "rate" (per 1,000 tokens), "score" (plain number).
MEASURE_INFO: dict[str, tuple[str, str]] = {
    "sourcing.quotes.per_1000": ("Quotes per 1,000 tokens", "rate"),
    "sourcing.attributions.per_1000": ("Attributions per 1,000 tokens", "rate"),
    "sourcing.attributed_sentence_share": ("Attributed sentences", "share"),
    "sourcing.unattributed_assertive_share": ("Unattributed assertive sent.", "share"),
    "sourcing.evaluative_verb_share": ("Evaluative reporting verbs", "share"),
    "sourcing.agency_citations.per_1000": ("Agency citations per 1,000 tokens", "rate"),
    "sourcing.quoted_token_share": ("Tokens inside quotes", "share"),
    "readability.flesch_amstad": ("Flesch–Amstad (higher = easier)", "score"),
    "readability.wstf1": ("WSTF 1 (school grade)", "score"),
    "readability.mean_sentence_length": ("Words per sentence", "score"),
    "epistemic.hedges_per_1000": ("Hedges per 1,000 tokens", "rate"),
    "epistemic.boosters_per_1000": ("Boosters per 1,000 tokens", "rate"),
    "subjectivity.score": ("Subjectivity score", "score"),
    "subjectivity.subjective_sentence_share": ("Subjective sentences", "share"),
    "reuse.share": ("Reused words (any article)", "share"),
    "reuse.share_other_outlets": ("Reused words (other outlets)", "share"),
}
ATTRIBUTION_MEASURES = (
    "sourcing.quotes.per_1000",
    "sourcing.attributed_sentence_share",
    "sourcing.unattributed_assertive_share",
    "sourcing.evaluative_verb_share",
    "sourcing.agency_citations.per_1000",
)
INDICATOR_MEASURES = (
    "readability.flesch_amstad",
    "readability.wstf1",
    "readability.mean_sentence_length",
    "epistemic.hedges_per_1000",
    "epistemic.boosters_per_1000",
    "subjectivity.score",
    "subjectivity.subjective_sentence_share",
    "reuse.share",
    "reuse.share_other_outlets",
)
DISTRIBUTION_MEASURES = ("readability.flesch_amstad", "readability.wstf1")
#: Reuse heatmap labels are shortened to this many characters.
REUSE_LABEL_CHARS = 24


# --------------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------------
def measure_title(measure: str) -> str:
    return MEASURE_INFO.get(measure, (measure, "score"))[0]


def measure_kind(measure: str) -> str:
    if measure in MEASURE_INFO:
        return MEASURE_INFO[measure][1]
    if measure.endswith("share"):
        return "share"
    if "per_1000" in measure:
        return "rate"
    return "score"


def format_value(value: float, kind: str) -> str:
    """A measure value for a label or table cell: shares as "12%", rates/scores with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        pct = value * 100
        return f"{pct:.0f}%" if abs(pct) >= 10 or pct == 0 else f"{pct:.1f}%"
    return plots.format_rate(value) if kind == "rate" and value >= 0 else f"{value:.1f}".replace("-", "\u2212")


def camp_palette(camps: Sequence[str]) -> dict[str, str]:
    out, extra = {}, 0
    for camp in camps:
        if camp in CAMP_COLOURS:
            out[camp] = CAMP_COLOURS[camp]
        else:
            out[camp] = _EXTRA_CAMP_COLOURS[extra % len(_EXTRA_CAMP_COLOURS)]
            extra += 1
    return out


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _outlet_labels(outlets: Sequence[str], n: Mapping[str, int], small: Mapping[str, bool],
                   extra: Mapping[str, str] | None = None) -> list[str]:
    labels = []
    for o in outlets:
        label = outlet_label(o, n.get(o), bool(small.get(o, False)), wrap=LABEL_WRAP)
        if extra and extra.get(o):
            label += "\n" + extra[o]
        labels.append(label)
    return labels


def _short_labels(outlets: Sequence[str], n: Mapping[str, int], small: Mapping[str, bool],
                  chars: int = 24) -> list[str]:
    """One-line labels ``name (n=3)*`` with long names shortened (for small multiples)."""
    return [outlet_label(plots._shorten(str(o), chars), n.get(o), bool(small.get(o, False))) for o in outlets]


def _small_note(small: Mapping[str, bool], outlets: Sequence[str], *, open_marker: bool = False) -> list[str]:
    if any(small.get(o, False) for o in outlets):
        return [f"{SMALL_SAMPLE_MARK} small sample: estimates rest on very few articles"
                + ("; open marker = small sample." if open_marker else ".")]
    return []


# --------------------------------------------------------------------------------------------
# 1. voices by camp
# --------------------------------------------------------------------------------------------
def voice_camps(columns: Sequence[str]) -> list[str]:
    """Camps with a ``voices.<camp>`` count and ``voices.<camp>.share`` column, in column order."""
    cols = set(columns)
    return [c[len("voices."):] for c in columns
            if c.startswith("voices.") and c.count(".") == 1 and f"{c}.share" in cols]


def voices_table(articles: pd.DataFrame, outlet_order: Sequence[str]) -> pd.DataFrame:
    """Per outlet: ``n_articles``, ``n_attributions``, ``n_resolved`` and one pooled share per camp.

    Shares are pooled counts: the outlet's ``voices.<camp>`` summed over its articles divided by the
    summed attributions with a resolved actor (NaN when none).  Empty frame when the sourcing columns
    are absent.
    """
    camps = voice_camps(list(articles.columns))
    if not camps:
        return pd.DataFrame(columns=["outlet", "n_articles", "n_attributions", "n_resolved"])
    counts = articles.groupby("outlet")[[f"voices.{c}" for c in camps]].sum(min_count=1)
    rows = []
    for outlet in outlet_order:
        sub = articles[articles["outlet"] == outlet]
        row = {"outlet": outlet, "n_articles": len(sub),
               "n_attributions": float(sub["sourcing.attributions"].sum()) if "sourcing.attributions" in sub else float("nan")}
        values = counts.loc[outlet] if outlet in counts.index else pd.Series(dtype=float)
        resolved = float(np.nansum([values.get(f"voices.{c}", np.nan) for c in camps]))
        row["n_resolved"] = resolved
        for c in camps:
            row[c] = values.get(f"voices.{c}", np.nan) / resolved if resolved > 0 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows, columns=["outlet", "n_articles", "n_attributions", "n_resolved", *camps])


def plot_voices(ax: Axes, data: pd.DataFrame, *, camps: Sequence[str], colours: Mapping[str, str],
                small_sample: Mapping[str, bool] | None = None) -> None:
    """Stacked horizontal bars: each outlet's resolved attributions split by camp (sums to 100%)."""
    small_sample = small_sample or {}
    n = len(data)
    for i, row in enumerate(data.itertuples(index=False)):
        left = 0.0
        if not row.n_resolved > 0:
            ax.text(0.5, i, "no attribution with a resolved speaker", ha="center", va="center",
                    fontsize=FONT_SIZE, style="italic", color="#555555")
            continue
        for camp in camps:
            share = getattr(row, camp) if camp.isidentifier() else data.iloc[i][camp]
            if pd.isna(share) or share <= 0:
                continue
            colour = colours[camp]
            ax.barh(i, share, left=left, color=colour, edgecolor="white", linewidth=0.6, height=0.7)
            if share >= 0.07:
                ax.text(left + share / 2, i, f"{share * 100:.0f}%", ha="center", va="center",
                        fontsize=FONT_SIZE, color=_text_colour(colour))
            left += share
    extra = {r.outlet: (f"{int(r.n_attributions)} attributions, {int(r.n_resolved)} resolved"
                        if not pd.isna(r.n_attributions) else "") for r in data.itertuples(index=False)}
    labels = _outlet_labels(list(data["outlet"]), dict(zip(data["outlet"], data["n_articles"])), small_sample, extra)
    ax.set_yticks(range(n), labels, fontsize=FONT_SIZE)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"], fontsize=FONT_SIZE)
    ax.set_xlabel("share of attributions with a resolved speaker", fontsize=FONT_SIZE)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def voices_figure(data: pd.DataFrame, *, camps: Sequence[str], width_in: float,
                  small_sample: Mapping[str, bool] | None = None) -> Figure:
    small_sample = small_sample or {}
    colours = camp_palette(camps)
    used = [c for c in camps if data[c].fillna(0).gt(0).any()] or list(camps)
    notes = ["Speakers resolved to an actor of lexicons/actors.toml; counts pooled over each outlet's articles "
             "(voices.<camp> / attributions with a resolved speaker). Shares under 7% are not labelled."]
    notes += _small_note(small_sample, list(data["outlet"]))
    fig = plots._figure(width_in, 1.0 + 0.42 * max(len(data), 1), notes=notes)
    ax = fig.add_subplot()
    plot_voices(ax, data, camps=camps, colours=colours, small_sample=small_sample)
    handles = [Patch(facecolor=colours[c], label=c.replace("_", " ")) for c in used]
    fig.legend(handles=handles, loc="outside upper center", ncols=min(4, len(used)), fontsize=FONT_SIZE,
               frameon=False, handlelength=1.2, columnspacing=1.2)
    return fig


# --------------------------------------------------------------------------------------------
# 2./4. per-outlet estimates with CIs, small multiples
# --------------------------------------------------------------------------------------------
def measure_table(outlets: pd.DataFrame, measures: Sequence[str], outlet_order: Sequence[str]) -> pd.DataFrame:
    """Rows of outlets.csv for ``measures`` (those present), every outlet of ``outlet_order`` per measure.

    Columns: ``measure, outlet, n_articles, estimate, ci_low, ci_high, small_sample``; outlets without
    a row get NaN estimates.
    """
    cols = ["measure", "outlet", "n_articles", "estimate", "ci_low", "ci_high", "small_sample"]
    if outlets is None or outlets.empty or "measure" not in outlets:
        return pd.DataFrame(columns=cols)
    present = [m for m in measures if m in set(outlets["measure"])]
    frames = []
    for m in present:
        sub = outlets[outlets["measure"] == m].drop_duplicates("outlet").set_index("outlet")
        sub = sub.reindex(list(outlet_order))
        sub["measure"] = m
        frames.append(sub.reset_index()[[c for c in cols if c in sub.reset_index().columns]])
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    for c in cols:
        if c not in out:
            out[c] = np.nan
    out["small_sample"] = out["small_sample"].fillna(False).astype(bool)
    return out[cols]



def _outlet_rows_axis(ax, n: int, labels: Sequence[str] | None) -> None:
    """One row per outlet, top to bottom, with a light vertical grid (small-multiple panels)."""
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(n), labels if labels is not None else [""] * n, fontsize=FONT_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=FONT_SIZE)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)

def plot_estimates(ax: Axes, data: pd.DataFrame, *, measure: str, palette: Mapping[str, str],
                   labels: Sequence[str] | None = None) -> None:
    """One measure: estimate with 95% CI per outlet, outlets top to bottom in the row order."""
    kind = measure_kind(measure)
    n = len(data)
    for i, row in enumerate(data.itertuples(index=False)):
        colour = palette.get(row.outlet, "#444444")
        if pd.isna(row.estimate):
            ax.text(0.02, i, "no value", transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=FONT_SIZE, style="italic", color="#666666")
            continue
        scale = 100 if kind == "share" else 1
        if not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):
            ax.plot([row.ci_low * scale, row.ci_high * scale], [i, i], color=colour, linewidth=1.8, solid_capstyle="butt")
        ax.plot([row.estimate * scale], [i], marker="o", markersize=5.5, markeredgewidth=1.3, markeredgecolor=colour,
                markerfacecolor="white" if row.small_sample else colour, linestyle="none", zorder=3)
    _outlet_rows_axis(ax, n, labels)
    if kind == "share":
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}%")
    if kind in ("share", "rate"):
        scale = 100 if kind == "share" else 1
        top = pd.concat([data["estimate"], data["ci_high"]]).max() * scale
        ax.set_xlim(0, (top * 1.08) if pd.notna(top) and top > 0 else (10 if kind == "share" else 1))
    ax.set_title(measure_title(measure), fontsize=FONT_SIZE + 0.5, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def estimates_figure(data: pd.DataFrame, *, measures: Sequence[str], outlet_order: Sequence[str],
                     palette: Mapping[str, str], n_articles: Mapping[str, int],
                     small_sample: Mapping[str, bool], width_in: float, ncols: int | None = None,
                     notes: Sequence[str] = (), max_height_in: float = 7.5) -> Figure:
    """Small multiples of :func:`plot_estimates`, one panel per measure; labels on the left column.

    Rows of outlets are 0.19 in apart, closer (down to 0.14 in) when the panels would not fit in
    ``max_height_in``.
    """
    measures = [m for m in measures if m in set(data["measure"])]
    ncols = ncols or (2 if len(measures) <= 8 else 3)
    ncols = max(1, min(ncols, len(measures)))
    nrows = math.ceil(len(measures) / ncols)
    n = max(len(outlet_order), 1)
    per_outlet = min(0.19, max(0.14, ((max_height_in - 0.6) / nrows - 0.5) / n))
    row_in = 0.5 + per_outlet * n
    notes = list(notes) + ["Dots: per-outlet estimate (outlets.csv); lines: 95% bootstrap CI over articles."]
    notes += _small_note(small_sample, outlet_order, open_marker=True)
    fig = plots._figure(width_in, row_in * nrows + 0.1, notes=notes)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    labels = _short_labels(outlet_order, n_articles, small_sample)
    for k, ax in enumerate(axes.flat):
        if k >= len(measures):
            ax.set_axis_off()
            continue
        m = measures[k]
        sub = data[data["measure"] == m].set_index("outlet").reindex(list(outlet_order)).reset_index()
        sub["small_sample"] = sub["small_sample"].fillna(False).astype(bool)
        plot_estimates(ax, sub, measure=m, palette=palette, labels=labels if k % ncols == 0 else None)
        if ncols > 2:
            ax.set_title(textwrap.fill(measure_title(m), 22), fontsize=FONT_SIZE + 0.5, loc="left")
    return fig


# --------------------------------------------------------------------------------------------
# 3. own voice vs whole text
# --------------------------------------------------------------------------------------------
def own_voice_lexicons(outlets: pd.DataFrame) -> list[str]:
    """Lexicons with both ``L.index`` and ``L.index_own`` in outlets.csv, in order of appearance."""
    if outlets is None or outlets.empty or "measure" not in outlets:
        return []
    measures = list(dict.fromkeys(outlets["measure"]))
    have = set(measures)
    return [m[: -len(".index_own")] for m in measures
            if m.endswith(".index_own") and m[: -len(".index_own")] + ".index" in have]


def own_voice_table(outlets: pd.DataFrame, *, lexicon: str, outlet_order: Sequence[str]) -> pd.DataFrame:
    """Per outlet: ``whole, whole_low, whole_high, own, own_low, own_high, n_articles, small_sample``."""
    t = measure_table(outlets, [f"{lexicon}.index", f"{lexicon}.index_own"], outlet_order)
    rows = []
    for outlet in outlet_order:
        w = t[(t["outlet"] == outlet) & (t["measure"] == f"{lexicon}.index")]
        o = t[(t["outlet"] == outlet) & (t["measure"] == f"{lexicon}.index_own")]
        get = lambda f, c: float(f[c].iloc[0]) if len(f) else float("nan")  # noqa: E731
        rows.append({"outlet": outlet, "lexicon": lexicon,
                     "whole": get(w, "estimate"), "whole_low": get(w, "ci_low"), "whole_high": get(w, "ci_high"),
                     "own": get(o, "estimate"), "own_low": get(o, "ci_low"), "own_high": get(o, "ci_high"),
                     "n_articles": get(w, "n_articles") if len(w) else get(o, "n_articles"),
                     "small_sample": bool(w["small_sample"].any() or o["small_sample"].any())})
    return pd.DataFrame(rows)


def plot_own_voice(ax: Axes, data: pd.DataFrame, *, lexicon: str, poles: Sequence[str] | None = None,
                   palette: Mapping[str, str], labels: Sequence[str] | None = None) -> None:
    """Per outlet two rows: whole-text index (open square, upper) and own-voice index (filled dot, lower)."""
    n = len(data)
    ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
    for x in (-1, -0.5, 0.5, 1):
        ax.axvline(x, color="#e0e0e0", linewidth=0.6, zorder=0)
    for i, row in enumerate(data.itertuples(index=False)):
        colour = palette.get(row.outlet, "#444444")
        for dy, est, lo, hi, marker, filled in ((-0.17, row.whole, row.whole_low, row.whole_high, "s", False),
                                                 (0.17, row.own, row.own_low, row.own_high, "o", True)):
            y = i + dy
            if pd.isna(est):
                ax.text(0, y, "no pole term", ha="center", va="center", fontsize=FONT_SIZE,
                        style="italic", color="#666666",
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}, zorder=3)
                continue
            if not (pd.isna(lo) or pd.isna(hi)):
                ax.plot([lo, hi], [y, y], color=colour, linewidth=1.5, solid_capstyle="butt", zorder=2)
            ax.plot([est], [y], marker=marker, markersize=5.5, markeredgewidth=1.3, markeredgecolor=colour,
                    markerfacecolor=colour if filled else "white", linestyle="none", zorder=4)
        if not (pd.isna(row.whole) or pd.isna(row.own)) and abs(row.own - row.whole) >= 0.05:
            ax.annotate("", xy=(row.own, i + 0.17), xytext=(row.whole, i - 0.17),
                        arrowprops={"arrowstyle": "->", "color": "#555555", "linewidth": 0.8}, zorder=3)
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(n), labels if labels is not None else list(data["outlet"]), fontsize=FONT_SIZE)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], ["−1", "−0.5", "0", "0.5", "1"], fontsize=FONT_SIZE)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if poles:
        ax.text(0.0, 1.01, f"← {poles[0]}", transform=ax.transAxes, ha="left", va="bottom", fontsize=FONT_SIZE + 0.5, fontweight="bold")
        ax.text(1.0, 1.01, f"{poles[1]} →", transform=ax.transAxes, ha="right", va="bottom", fontsize=FONT_SIZE + 0.5, fontweight="bold")
    ax.set_xlabel(f"{lexicon}.index (□ whole text) and {lexicon}.index_own (● own voice)", fontsize=FONT_SIZE)


def own_voice_figure(data: pd.DataFrame, *, lexicon: str, poles: Sequence[str] | None, palette: Mapping[str, str],
                     n_articles: Mapping[str, int], small_sample: Mapping[str, bool], width_in: float) -> Figure:
    notes = ["Own voice = matches outside quotation marks and transcript turns (indirect speech is the outlet's paraphrase and counts as own voice). Lines: 95% bootstrap CI over articles; "
             "arrow: from whole text to own voice."]
    notes += _small_note(small_sample, list(data["outlet"]))
    fig = plots._figure(width_in, 0.9 + 0.5 * max(len(data), 1), notes=notes)
    ax = fig.add_subplot()
    labels = _outlet_labels(list(data["outlet"]), n_articles, small_sample)
    plot_own_voice(ax, data, lexicon=lexicon, poles=poles, palette=palette, labels=labels)
    return fig


# --------------------------------------------------------------------------------------------
# 5. readability distributions
# --------------------------------------------------------------------------------------------
def distribution_values(articles: pd.DataFrame, *, measure: str, outlet_order: Sequence[str]) -> dict[str, np.ndarray]:
    """Non-NaN article values of ``measure`` per outlet (empty arrays when absent)."""
    if measure not in articles:
        return {o: np.array([]) for o in outlet_order}
    values = pd.to_numeric(articles[measure], errors="coerce")
    return {o: values[articles["outlet"] == o].dropna().to_numpy(dtype=float) for o in outlet_order}


def plot_distribution(ax: Axes, values: Mapping[str, np.ndarray], *, measure: str, palette: Mapping[str, str],
                      labels: Sequence[str] | None = None, seed: int = 0) -> None:
    """Box plot (median, quartiles, 1.5 IQR whiskers) with every article as a jittered dot."""
    outlets = list(values)
    rng = np.random.default_rng(seed)
    n = len(outlets)
    for i, o in enumerate(outlets):
        v = values[o]
        if len(v) == 0:
            ax.text(0.02, i, "no value", transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=FONT_SIZE, style="italic", color="#666666")
            continue
        colour = palette.get(o, "#444444")
        if len(v) >= 3:
            ax.boxplot([v], positions=[i], orientation="horizontal", widths=0.55, showfliers=False,
                       patch_artist=True, manage_ticks=False,
                       boxprops={"facecolor": "none", "edgecolor": "#333333", "linewidth": 0.9},
                       medianprops={"color": "#111111", "linewidth": 1.6},
                       whiskerprops={"color": "#333333", "linewidth": 0.8},
                       capprops={"color": "#333333", "linewidth": 0.8})
        jitter = rng.uniform(-0.2, 0.2, size=len(v))
        ax.scatter(v, i + jitter, s=9 if len(v) > 50 else 16, color=colour, alpha=0.55 if len(v) > 50 else 0.85,
                   linewidths=0, zorder=3)
    _outlet_rows_axis(ax, n, labels)
    ax.set_title(measure_title(measure), fontsize=FONT_SIZE + 0.5, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def distributions_figure(articles: pd.DataFrame, *, measures: Sequence[str], outlet_order: Sequence[str],
                         palette: Mapping[str, str], small_sample: Mapping[str, bool], width_in: float,
                         notes: Sequence[str] = ()) -> Figure:
    """One panel per measure side by side; outlet labels carry the number of articles with a value."""
    measures = [m for m in measures if m in articles]
    first = distribution_values(articles, measure=measures[0], outlet_order=outlet_order)
    n_valid = {o: len(v) for o, v in first.items()}
    notes = list(notes) + ["Box: median and quartiles, whiskers 1.5 × IQR (drawn from 3 articles on); "
                           "dots: one per article. n = articles with a value."]
    notes += _small_note(small_sample, outlet_order)
    fig = plots._figure(width_in, 0.7 + 0.34 * max(len(outlet_order), 1), notes=notes)
    axes = fig.subplots(1, len(measures), squeeze=False)[0]
    labels = _outlet_labels(outlet_order, n_valid, small_sample)
    for k, (ax, m) in enumerate(zip(axes, measures)):
        plot_distribution(ax, distribution_values(articles, measure=m, outlet_order=outlet_order), measure=m,
                          palette=palette, labels=labels if k == 0 else None)
    return fig


# --------------------------------------------------------------------------------------------
# 6. text reuse
# --------------------------------------------------------------------------------------------
def reuse_matrix(reuse: pd.DataFrame, outlet_order: Sequence[str]) -> pd.DataFrame:
    """reuse.csv as a square outlet × outlet frame of ``share`` (rows: whose words; columns: found where)."""
    if reuse is None or reuse.empty or not {"outlet", "other_outlet", "share"} <= set(reuse.columns):
        return pd.DataFrame()
    m = reuse.pivot_table(index="outlet", columns="other_outlet", values="share", aggfunc="first")
    known = [o for o in outlet_order if o in m.index or o in m.columns]
    rest = sorted((set(m.index) | set(m.columns)) - set(known))
    order = known + rest
    return m.reindex(index=order, columns=order)


def plot_reuse_heatmap(ax: Axes, matrix: pd.DataFrame, *, n_articles: Mapping[str, int] | None = None,
                       small_sample: Mapping[str, bool] | None = None) -> None:
    """Heatmap of reuse shares in %, values in the cells, diagonal outlined."""
    n_articles, small_sample = n_articles or {}, small_sample or {}
    values = matrix.to_numpy(dtype=float) * 100
    k = len(matrix)
    vmax = max(10.0, float(np.nanmax(values)) if np.isfinite(values).any() else 10.0)
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for r in range(k):
        for c in range(k):
            v = values[r, c]
            text = "–" if np.isnan(v) else ("0" if v == 0 else (f"{v:.0f}" if v >= 9.5 else f"{v:.1f}"))
            ax.text(c, r, text, ha="center", va="center", fontsize=FONT_SIZE,
                    color="white" if (not np.isnan(v) and v > 0.6 * vmax) else "#222222")
        ax.add_patch(Rectangle((r - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="#222222", linewidth=1.5, zorder=3))
    names = [str(o) for o in matrix.index]
    row_labels = [plots._shorten(o, REUSE_LABEL_CHARS) + f" (n={int(n_articles[o])})" if o in n_articles
                  else plots._shorten(o, REUSE_LABEL_CHARS) for o in names]
    row_labels = [lab + (SMALL_SAMPLE_MARK if small_sample.get(o) else "") for lab, o in zip(row_labels, names)]
    ax.set_yticks(range(k), row_labels, fontsize=FONT_SIZE)
    ax.set_xticks(range(k), [plots._shorten(str(o), REUSE_LABEL_CHARS) for o in matrix.columns], fontsize=FONT_SIZE,
                  rotation=40 if k > 3 else 0, ha="right" if k > 3 else "center", rotation_mode="anchor")
    ax.tick_params(length=0)
    ax.set_xlabel("… found in articles of this outlet", fontsize=FONT_SIZE)
    ax.set_ylabel("share of this outlet's words …", fontsize=FONT_SIZE)
    for side in ax.spines.values():
        side.set_visible(False)
    return image


def reuse_figure(matrix: pd.DataFrame, *, width_in: float, n_articles: Mapping[str, int] | None = None,
                 small_sample: Mapping[str, bool] | None = None) -> Figure:
    k = max(len(matrix), 1)
    notes = ["Cell = % of the row outlet's words that also occur (as reused passages) in the column outlet's "
             "articles (reuse.csv share); diagonal (outlined) = reuse between articles of the same outlet."]
    notes += _small_note(small_sample or {}, list(matrix.index))
    height = 1.3 + 0.34 * k + (0.3 * min(REUSE_LABEL_CHARS, max(len(str(o)) for o in matrix.columns)) / 6 if len(matrix) else 0)
    fig = plots._figure(width_in, min(height, 7.5), notes=notes)
    ax = fig.add_subplot()
    image = plot_reuse_heatmap(ax, matrix, n_articles=n_articles, small_sample=small_sample)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02, aspect=30)
    bar.ax.tick_params(labelsize=FONT_SIZE)
    bar.set_label("% of words", fontsize=FONT_SIZE)
    return fig
