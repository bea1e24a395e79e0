"""Figures of the Quellenlage report, drawn with matplotlib's object API.

Two kinds of functions live here:

* ``*_table(...)`` shape the analysis tables (``outlets``, ``articles``, ``evidence``) into the
  tidy frame one figure needs; they are pure pandas and easy to test.
* ``plot_*(ax, data, *, ...)`` draw one of those frames onto a given :class:`~matplotlib.axes.Axes`
  (house style of matplotlib: no pyplot state, the caller owns the figure).  Every helper copes
  with empty data by writing an explanatory sentence onto the axes instead of drawing nothing.
* ``*_figure(...)`` build a :class:`~matplotlib.figure.Figure` sized for an A4 page so that, placed at
  its natural size in the PDF, no text is smaller than 8 pt; :func:`save_figure` writes it as PNG.

Colour always means *outlet* (:func:`outlet_palette`, Okabe–Ito, colour-blind safe); the outlet
order is the one given by the caller (the report uses ``run_info["outlets"]``) in every figure.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import ScaledTranslation

from analysis.stats.evidence import EvidenceSummary

logger = logging.getLogger(__name__)

#: Okabe & Ito (2008), "Color Universal Design", ordered so that the first colours are the most
#: distinct on white paper; black and the pale yellow come last.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (weak on white paper: used last)
)

#: Smallest font used in any figure, in points at the size the figure is printed.
FONT_SIZE = 8.0
TITLE_SIZE = 10.0

#: Printable area of an A4 page with 2 cm margins, in inches (width, height), portrait.
A4_TEXT_WIDTH_IN = (21.0 - 4.0) / 2.54
A4_TEXT_HEIGHT_IN = (29.7 - 4.0) / 2.54

#: Default resolution of saved PNGs.
DPI = 200

SMALL_SAMPLE_MARK = "*"
#: Outlet names longer than this many characters are wrapped onto two lines in figure labels.
LABEL_WRAP = 26
#: Entry labels in the term-choice figure are shortened to this many characters.
ENTRY_LABEL_CHARS = 38
#: Heatmap column labels ("lexicon: category") are shortened to this many characters.
HEATMAP_LABEL_CHARS = 34
#: Height of one row of the term-choice figure, inches.
TERM_ROW_IN = 0.24
RATE_SUFFIX = ".per_1000"
INDEX_SUFFIX = ".index"


# --------------------------------------------------------------------------------------------
# colours and small formatting helpers
# --------------------------------------------------------------------------------------------
def outlet_palette(outlets: Sequence[str]) -> dict[str, str]:
    """Map each outlet to a colour of the Okabe–Ito palette, in the given order.

    Beyond eight outlets the palette cycles; every figure also labels outlets by name, so colour is
    never the only cue.
    """
    palette: dict[str, str] = {}
    for outlet in outlets:
        if outlet not in palette:
            palette[outlet] = OKABE_ITO[len(palette) % len(OKABE_ITO)]
    return palette


def format_rate(value: float, *, compact: bool = False) -> str:
    """Format a per-1,000-token rate for a heatmap cell or a dot label (``compact``: "12" for 12.3)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "0"
    if value < 0.1:
        # rare categories: two significant digits ("0.043"), never a bare "<0.1"
        return f"{value:.2g}"
    if value < (10 if compact else 100):
        return f"{value:.1f}"
    return f"{value:.0f}"


def format_signed(value: float, digits: int = 2) -> str:
    """Format an index value with a typographic minus sign (−0.75)."""
    if value is None or math.isnan(value):
        return "n/a"
    text = f"{value:.{digits}f}"
    if text.startswith("-"):
        if float(text) == 0:  # "-0.00" → "0.00"
            return text[1:]
        return "\u2212" + text[1:]
    return text


def outlet_label(
    outlet: str,
    n_articles: int | float | None,
    small_sample: bool = False,
    *,
    wrap: int | None = None,
    max_lines: int = 2,
) -> str:
    """Label of an outlet: ``name (n=3)`` plus ``*`` when the sample is small.

    With ``wrap``, a long name is broken into lines of about ``wrap`` characters, at most
    ``max_lines`` in all (the rest of the name shortened with "…"); ``(n=…)`` goes on a line of its
    own when it does not fit on the last one and ``max_lines`` allows.
    """
    n_text = "?" if n_articles is None or pd.isna(n_articles) else str(int(n_articles))
    suffix = f"(n={n_text}){SMALL_SAMPLE_MARK if small_sample else ''}"
    name = str(outlet)
    if wrap is None or len(name) + 1 + len(suffix) <= wrap:
        return f"{name} {suffix}"
    lines = textwrap.wrap(name, wrap, break_on_hyphens=False, break_long_words=False) or [name]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_shorten(" ".join(lines[max_lines - 1 :]), wrap)]
    if len(lines[-1]) + 1 + len(suffix) <= wrap or len(lines) >= max_lines:
        lines[-1] = f"{lines[-1]} {suffix}"
    else:
        lines.append(suffix)
    return "\n".join(lines)


def _shorten(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _column_label(lexicon: str, category: str, max_chars: int) -> str:
    """``lexicon: category`` in at most ``max_chars``; the lexicon part is shortened first."""
    if not lexicon:
        return _shorten(category, max_chars)
    full = f"{lexicon}: {category}"
    if len(full) <= max_chars:
        return full
    room = max_chars - len(category) - 2
    if room >= 6:
        return f"{_shorten(lexicon, room)}: {category}"
    return f"{_shorten(lexicon, 6)}: {_shorten(category, max_chars - 8)}"


def _empty_axes(ax: Axes, message: str) -> None:
    """Turn ``ax`` into a plain text box saying why there is nothing to draw."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=FONT_SIZE + 1,
        wrap=True,
        color="#444444",
    )


def _small_sample_note(threshold: int | None) -> str:
    if threshold is None:
        return f"{SMALL_SAMPLE_MARK} small sample: estimates rest on very few articles."
    return f"{SMALL_SAMPLE_MARK} small sample: fewer than {threshold} articles, read estimates as anecdotal."


# --------------------------------------------------------------------------------------------
# table shaping
# --------------------------------------------------------------------------------------------
def rate_table(
    outlets: pd.DataFrame,
    lexicons: Sequence[Mapping],
    *,
    outlet_order: Sequence[str],
) -> pd.DataFrame:
    """Wide table of matches per 1,000 tokens: rows = outlets, columns = (lexicon, category).

    Columns follow the lexicon list and each lexicon's category order; a measure missing from
    ``outlets`` becomes NaN (drawn as "–").
    """
    columns = [(lex["name"], cat) for lex in lexicons for cat in lex.get("categories", {})]
    index = pd.MultiIndex.from_tuples(columns, names=["lexicon", "category"])
    table = pd.DataFrame(np.nan, index=list(outlet_order), columns=index, dtype=float)
    table.index.name = "outlet"
    if outlets.empty or not columns:
        return table
    estimates = outlets.set_index(["outlet", "measure"])["estimate"]
    estimates = estimates[~estimates.index.duplicated()]
    for lexicon, category in columns:
        measure = f"{lexicon}.{category}{RATE_SUFFIX}"
        for outlet in table.index:
            value = estimates.get((outlet, measure), np.nan)
            table.loc[outlet, (lexicon, category)] = float(value)
    return table


def index_table(
    outlets: pd.DataFrame,
    *,
    lexicon: str,
    outlet_order: Sequence[str],
    n_articles: Mapping[str, int] | None = None,
    small_sample: Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """Rows of ``outlets`` for the measure ``<lexicon>.index``, one per outlet in ``outlet_order``.

    Outlets without that measure get NaN estimates.  ``n_articles`` / ``small_sample`` override the
    values of the outlets table (the report passes the numbers it shows everywhere else).
    """
    measure = f"{lexicon}{INDEX_SUFFIX}"
    rows = outlets[outlets["measure"] == measure] if not outlets.empty else outlets
    rows = rows.drop_duplicates("outlet").set_index("outlet") if not rows.empty else None
    records = []
    for outlet in outlet_order:
        row = rows.loc[outlet] if rows is not None and outlet in rows.index else None
        n = (n_articles or {}).get(outlet, row["n_articles"] if row is not None else np.nan)
        small = (small_sample or {}).get(outlet, bool(row["small_sample"]) if row is not None else False)
        records.append(
            {
                "outlet": outlet,
                "n_articles": n,
                "estimate": float(row["estimate"]) if row is not None else np.nan,
                "ci_low": float(row["ci_low"]) if row is not None else np.nan,
                "ci_high": float(row["ci_high"]) if row is not None else np.nan,
                "small_sample": bool(small),
                "n_matches": (
                    float(row["n_matches"]) if row is not None and "n_matches" in row.index else np.nan
                ),
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["outlet", "n_articles", "estimate", "ci_low", "ci_high", "small_sample", "n_matches"]
    )


def term_choice_table(
    evidence: pd.DataFrame | EvidenceSummary,
    articles: pd.DataFrame,
    *,
    lexicon: str,
    categories: Sequence[str] | None = None,
    outlet_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Matches per 1,000 tokens of each entry of ``lexicon``, per outlet (long format).

    Columns: ``category, entry_id, label, outlet, count, n_tokens, per_1000``; one row for every
    (entry that occurs at least once) × (outlet), zero counts included.  ``label`` shows the entry's
    most frequent surface form („militärische Spezialoperation“), preceded by the entry id when the
    form does not contain it and both fit in :data:`ENTRY_LABEL_CHARS`; just the entry id when both
    read the same.  Rows are ordered by
    category (lexicon order), then by overall rate, then by entry id.
    """
    columns = ["category", "entry_id", "label", "outlet", "count", "n_tokens", "per_1000"]
    if outlet_order is None:
        outlet_order = list(dict.fromkeys(articles["outlet"]))
    tokens = articles.groupby("outlet")["n_tokens"].sum().reindex(list(outlet_order)).fillna(0)
    if isinstance(evidence, pd.DataFrame):
        if evidence.empty:
            return pd.DataFrame(columns=columns)
        evidence = EvidenceSummary.from_frame(evidence[evidence["lexicon"] == lexicon], articles, max_lines=0)
    ev = evidence.forms_frame(lexicon)
    ev = ev[ev["outlet"].isin(list(outlet_order))]
    if ev.empty:
        return pd.DataFrame(columns=columns)

    counts = ev.groupby(["category", "entry_id", "outlet"])["count"].sum().reset_index()
    entries = counts[["category", "entry_id"]].drop_duplicates()
    grid = entries.merge(pd.DataFrame({"outlet": list(outlet_order)}), how="cross")
    grid = grid.merge(counts, on=["category", "entry_id", "outlet"], how="left")
    grid["count"] = grid["count"].fillna(0).astype(int)
    grid["n_tokens"] = grid["outlet"].map(tokens).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid["per_1000"] = np.where(grid["n_tokens"] > 0, grid["count"] / grid["n_tokens"] * 1000.0, np.nan)

    # most frequent surface form per entry (ties: the alphabetically first)
    form_counts = ev.groupby(["category", "entry_id", "text"])["count"].sum().reset_index()
    form_counts = form_counts.sort_values(["category", "entry_id", "count", "text"], ascending=[True, True, False, True])
    surface = form_counts.drop_duplicates(["category", "entry_id"]).set_index(["category", "entry_id"])["text"]

    def label(row: pd.Series) -> str:
        form = surface.get((row["category"], row["entry_id"]), "")
        squash = lambda s: "".join(ch for ch in str(s).casefold() if ch.isalnum())  # noqa: E731
        entry, surface_form = squash(row["entry_id"]), squash(form)
        if not form or surface_form == entry:
            return str(row["entry_id"])
        both = f"{row['entry_id']} „{form}“"
        if (entry and entry in surface_form) or len(both) > ENTRY_LABEL_CHARS:
            return "„" + _shorten(form, ENTRY_LABEL_CHARS - 2) + "“"  # the words actually used
        return both

    grid["label"] = grid.apply(label, axis=1) if not grid.empty else []
    category_order = list(categories or [])
    category_order += [c for c in grid["category"].unique() if c not in category_order]
    total = grid.groupby(["category", "entry_id"])["per_1000"].sum().rename("_total")
    grid = grid.join(total, on=["category", "entry_id"])
    grid["_cat"] = grid["category"].map({c: i for i, c in enumerate(category_order)})
    grid["_out"] = grid["outlet"].map({o: i for i, o in enumerate(outlet_order)})
    grid = grid.sort_values(["_cat", "_total", "entry_id", "_out"], ascending=[True, False, True, True])
    return grid[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# plot helpers
# --------------------------------------------------------------------------------------------
def plot_rate_heatmap(
    ax: Axes,
    table: pd.DataFrame,
    *,
    n_articles: Mapping[str, int] | None = None,
    small_sample: Mapping[str, bool] | None = None,
    palette: Mapping[str, str] | None = None,
    cmap: str = "Blues",
    label_chars: int = 32,
) -> None:
    """Heatmap of matches per 1,000 tokens, outlets × (lexicon: category), values annotated.

    ``table`` is :func:`rate_table`'s output (columns may also be plain ``"lexicon.category"``
    strings).  Colour is scaled *within each column* (darkest = outlet with the highest rate of that
    category), because categories differ by orders of magnitude; the numbers are absolute rates.
    Lexicon groups are separated by vertical lines and named above the columns.  A colour swatch
    left of each row ties the outlet to its colour in the other figures.
    """
    if table.empty or table.shape[1] == 0 or table.shape[0] == 0:
        _empty_axes(ax, "No outlets or no lexicon categories: nothing to compare.")
        return
    outlets = [str(o) for o in table.index]
    if isinstance(table.columns, pd.MultiIndex):
        pairs = [(str(a), str(b)) for a, b in table.columns]
    else:
        pairs = [tuple(str(c).split(".", 1)) if "." in str(c) else ("", str(c)) for c in table.columns]
    values = table.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    palette = dict(palette or outlet_palette(outlets))

    col_max = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(col_max > 0, values / col_max, 0.0)
    scaled = np.where(np.isnan(values), np.nan, scaled)
    cm = matplotlib.colormaps[cmap].with_extremes(bad="#eeeeee")
    ax.imshow(
        np.ma.masked_invalid(scaled * 0.85),  # cap at 85 % so the darkest cell still shows white text
        cmap=cm,
        vmin=0,
        vmax=1,
        aspect="auto",
        interpolation="nearest",
        extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
    )
    for i in range(n_rows):
        for j in range(n_cols):
            value = values[i, j]
            shade = 0.0 if np.isnan(scaled[i, j]) else scaled[i, j] * 0.85
            r, g, b, _ = cm(shade)
            dark = (0.299 * r + 0.587 * g + 0.114 * b) < 0.5
            ax.text(
                j,
                i,
                format_rate(value),
                ha="center",
                va="center",
                fontsize=FONT_SIZE,
                color="white" if dark else ("#999999" if value == 0 else "black"),
            )
    # outlet swatches in an extra half column left of the cells
    for i, outlet in enumerate(outlets):
        ax.add_patch(
            Rectangle((-0.95, i - 0.3), 0.35, 0.6, color=palette.get(outlet, "#888888"), clip_on=False)
        )
    ax.set_xlim(-1.0, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)

    labels = [
        outlet_label(o, (n_articles or {}).get(o), bool((small_sample or {}).get(o, False)), wrap=LABEL_WRAP)
        for o in outlets
    ]
    ax.set_yticks(range(n_rows), labels, fontsize=FONT_SIZE + 0.5)
    ax.tick_params(axis="y", length=0, pad=2)
    column_labels = [_column_label(lex, cat, label_chars) for lex, cat in pairs]
    ax.set_xticks(range(n_cols), column_labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=FONT_SIZE)
    ax.tick_params(axis="x", length=0, pad=3)
    for spine in ax.spines.values():
        spine.set_visible(False)

    # lexicon groups: separators between groups, group names on a secondary axis on top; the
    # names are shortened to the estimated width of their group (layout has not run yet)
    longest_label = max(len(line) for label in labels for line in label.split("\n"))
    cell_in = max(0.1, (ax.figure.get_figwidth() - 0.7 - longest_label * (FONT_SIZE + 0.5) * 0.58 / 72) / (n_cols + 0.5))
    centers, names = [], []
    start = 0
    for j in range(1, n_cols + 1):
        if j == n_cols or pairs[j][0] != pairs[start][0]:
            if j < n_cols:
                ax.axvline(j - 0.5, color="white", linewidth=3)
                ax.axvline(j - 0.5, color="#333333", linewidth=0.8)
            if pairs[start][0]:
                centers.append((start + j - 1) / 2)
                group_pt = (j - start) * cell_in * 72
                names.append(_shorten(pairs[start][0], max(4, int(group_pt / ((FONT_SIZE + 0.5) * 0.62)))))
            start = j
    if names:
        top = ax.secondary_xaxis("top")
        top.set_xticks(centers, names, fontsize=FONT_SIZE + 0.5, fontweight="bold")
        top.tick_params(length=0, pad=3)
        top.spines["top"].set_visible(False)


def plot_index(
    ax: Axes,
    data: pd.DataFrame,
    *,
    lexicon: str,
    poles: Sequence[str],
    palette: Mapping[str, str] | None = None,
) -> None:
    """One two-pole index per outlet: estimate with 95 % CI on a [−1, 1] axis.

    ``data`` is :func:`index_table`'s output (``outlet, n_articles, estimate, ci_low, ci_high,
    small_sample``), drawn top to bottom in its row order.  Outlets with a NaN estimate show the
    text "no match" instead of a point; small-sample outlets get an open marker and ``*``.
    """
    left, right = str(poles[0]), str(poles[1])
    if data.empty:
        _empty_axes(ax, f"No outlets to show for {lexicon}.")
        return
    outlets = [str(o) for o in data["outlet"]]
    palette = dict(palette or outlet_palette(outlets))
    n_rows = len(data)
    ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
    for x in (-1, -0.5, 0.5, 1):
        ax.axvline(x, color="#dddddd", linewidth=0.6, zorder=0)
    for i, row in enumerate(data.itertuples(index=False)):
        y = i
        colour = palette.get(row.outlet, "#444444")
        if pd.isna(row.estimate):
            ax.text(
                0,
                y,
                "no match",
                ha="center",
                va="center",
                fontsize=FONT_SIZE,
                style="italic",
                color="#555555",
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#bbbbbb"},
                zorder=3,
            )
            continue
        low = row.ci_low if not pd.isna(row.ci_low) else row.estimate
        high = row.ci_high if not pd.isna(row.ci_high) else row.estimate
        if not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):
            ax.plot([low, high], [y, y], color=colour, linewidth=1.8, solid_capstyle="butt", zorder=2)
            ax.plot([low, low], [y - 0.15, y + 0.15], color=colour, linewidth=1.2, zorder=2)
            ax.plot([high, high], [y - 0.15, y + 0.15], color=colour, linewidth=1.2, zorder=2)
        ax.plot(
            [row.estimate],
            [y],
            marker="o",
            markersize=7,
            markeredgewidth=1.5,
            markeredgecolor=colour,
            markerfacecolor="white" if row.small_sample else colour,
            linestyle="none",
            zorder=4,
        )
        # value label beside the interval, on whichever side has room
        if high <= 0.6:
            ax.annotate(
                format_signed(row.estimate), (high, y), xytext=(7, 0), textcoords="offset points",
                ha="left", va="center", fontsize=FONT_SIZE, color="#222222",
            )
        else:
            ax.annotate(
                format_signed(row.estimate), (low, y), xytext=(-8, 0), textcoords="offset points",
                ha="right", va="center", fontsize=FONT_SIZE, color="#222222",
            )
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(
        range(n_rows),
        [outlet_label(r.outlet, r.n_articles, bool(r.small_sample), wrap=LABEL_WRAP) for r in data.itertuples(index=False)],
        fontsize=FONT_SIZE + 0.5,
    )
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], ["−1", "−0.5", "0", "0.5", "1"], fontsize=FONT_SIZE)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.text(0.0, 1.01, f"← {left}", transform=ax.transAxes, ha="left", va="bottom", fontsize=FONT_SIZE + 1, fontweight="bold")
    ax.text(1.0, 1.01, f"{right} →", transform=ax.transAxes, ha="right", va="bottom", fontsize=FONT_SIZE + 1, fontweight="bold")
    ax.set_xlabel(f"{lexicon}.index", fontsize=FONT_SIZE)


def plot_term_choice(
    ax: Axes,
    data: pd.DataFrame,
    *,
    lexicon: str,
    outlets: Sequence[str] | None = None,
    n_articles: Mapping[str, int] | None = None,
    small_sample: Mapping[str, bool] | None = None,
    palette: Mapping[str, str] | None = None,
    max_entries: int | None = None,
) -> None:
    """Dot matrix of term choice: lexicon entries (grouped by category) × outlets.

    ``data`` is :func:`term_choice_table`'s output.  Each dot's area is proportional to the entry's
    matches per 1,000 tokens of that outlet (the number printed on it); zero is a grey "·".  Dots
    take the outlet's colour; categories are row groups with a bold header and a shaded band.
    ``max_entries`` keeps only the most frequent entries of the whole lexicon (the caller says so
    in a note).
    """
    if data.empty:
        _empty_axes(ax, f"No term of {lexicon} matched in any article.")
        return
    if outlets is None:
        outlets = list(dict.fromkeys(data["outlet"]))
    outlets = [str(o) for o in outlets]
    palette = dict(palette or outlet_palette(outlets))
    data = data[data["outlet"].isin(outlets)]
    entry_keys = list(dict.fromkeys(zip(data["category"], data["entry_id"])))
    if max_entries is not None and len(entry_keys) > max_entries:
        totals = data.groupby(["category", "entry_id"])["per_1000"].sum()
        keep = set(totals.sort_values(ascending=False, kind="stable").index[:max_entries])
        entry_keys = [k for k in entry_keys if k in keep]

    # y layout: one header row per category, then its entries
    rows: list[tuple[str, str | None]] = []  # (category, entry_id or None for header)
    for category in dict.fromkeys(c for c, _ in entry_keys):
        rows.append((category, None))
        rows.extend((c, e) for c, e in entry_keys if c == category)
    y_of = {row: i for i, row in enumerate(rows)}
    x_of = {o: j for j, o in enumerate(outlets)}
    n_rows, n_cols = len(rows), len(outlets)

    rates = data.set_index(["category", "entry_id", "outlet"])["per_1000"]
    labels_of = data.drop_duplicates(["category", "entry_id"]).set_index(["category", "entry_id"])["label"]
    max_rate = float(np.nanmax(data["per_1000"].to_numpy(dtype=float))) if len(data) else 0.0
    # each cell: the dot left of the cell centre, its number right of it (a number on top of a
    # small dot is unreadable); rows are ~17 pt apart, columns at least ~27 pt.
    max_diameter = 10.0
    dot_shift = ax.transData + ScaledTranslation(-(max_diameter / 2 + 1.5) / 72, 0, ax.figure.dpi_scale_trans)
    # shaded bands per category
    shade = False
    band_start = None
    for i, (category, entry) in enumerate(rows + [("", None)]):
        if entry is None:
            if band_start is not None and shade:
                ax.axhspan(band_start - 0.5, i - 0.5, color="#f2f2f2", zorder=0)
            shade = not shade if band_start is not None else True
            band_start = i
    for (category, entry), y in y_of.items():
        if entry is None:
            continue
        for outlet, x in x_of.items():
            rate = rates.get((category, entry, outlet), np.nan)
            if pd.isna(rate):
                ax.text(x, y, "–", ha="center", va="center", fontsize=FONT_SIZE, color="#999999", transform=dot_shift)
            elif rate <= 0:
                ax.text(x, y, "·", ha="center", va="center", fontsize=FONT_SIZE + 2, color="#aaaaaa", transform=dot_shift)
            else:
                diameter = max(3.0, max_diameter * math.sqrt(rate / max_rate)) if max_rate > 0 else 3.0
                ax.scatter([x], [y], s=diameter**2, color=palette.get(outlet, "#888888"), alpha=0.8,
                           edgecolors="none", zorder=2, transform=dot_shift)
                ax.annotate(format_rate(rate, compact=True), (x, y), xytext=(0.5, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=FONT_SIZE, color="black", zorder=3)
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    tick_labels = []
    for category, entry in rows:
        tick_labels.append(category.upper() if entry is None else "  " + str(labels_of.get((category, entry), entry)))
    ax.set_yticks(range(n_rows), tick_labels, fontsize=FONT_SIZE)
    for tick, (category, entry) in zip(ax.get_yticklabels(), rows):
        if entry is None:
            tick.set_fontweight("bold")
    ax.xaxis.tick_top()
    vertical, wrap = _term_column_layout(outlets, ax.figure.get_figwidth())
    ax.set_xticks(
        range(n_cols),
        [
            outlet_label(o, (n_articles or {}).get(o), bool((small_sample or {}).get(o, False)), wrap=wrap,
                         max_lines=2 if vertical else 3)
            for o in outlets
        ],
        rotation=90 if vertical else 0,
        ha="center",
        va="bottom",
        fontsize=FONT_SIZE + 0.5,
        linespacing=1.1,
    )
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


# --------------------------------------------------------------------------------------------
# figures sized for the report
# --------------------------------------------------------------------------------------------
def _figure(width_in: float, height_in: float, *, notes: Sequence[str] = ()) -> Figure:
    """A constrained-layout figure with ``notes`` as left-aligned lines under the axes.

    Notes span the full figure width (axis labels would be centred under the axes only and get cut
    off), wrapped to the width; the figure grows by one line height per note line.
    """
    chars_per_line = max(40, int(width_in * 72 / (FONT_SIZE * 0.56)))
    lines = [wrapped for note in notes for wrapped in textwrap.wrap(note, chars_per_line)]
    line_in = FONT_SIZE * 1.35 / 72
    notes_in = (len(lines) * line_in + 0.1) if lines else 0.0
    fig = Figure(figsize=(width_in, height_in + notes_in), layout="constrained")
    if lines:
        bottom = notes_in / (height_in + notes_in)
        fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom))
        fig.text(0.01, 0.05 / (height_in + notes_in), "\n".join(lines), fontsize=FONT_SIZE, ha="left",
                 va="bottom", color="#333333", linespacing=1.35)
    return fig


def rate_heatmap_figure(
    table: pd.DataFrame,
    *,
    n_articles: Mapping[str, int] | None = None,
    small_sample: Mapping[str, bool] | None = None,
    palette: Mapping[str, str] | None = None,
    small_sample_threshold: int | None = None,
    max_width_in: float = A4_TEXT_HEIGHT_IN,  # the heatmap page is landscape
) -> Figure:
    """Figure for :func:`plot_rate_heatmap`: about 0.42 in per column and 0.3 in per outlet.

    The height follows the number of outlets and the length of the slanted column labels; the
    width is capped at ``max_width_in`` (cells then get narrower, fonts stay at 8 pt).
    """
    n_rows, n_cols = max(table.shape[0], 1), max(table.shape[1], 1)
    longest = max([len(line) for o in table.index for line in outlet_label(str(o), 999, True, wrap=LABEL_WRAP).split("\n")] or [10])
    label_width = 0.3 + 0.075 * longest
    width = min(max_width_in, label_width + 0.42 * n_cols + 0.8)
    if isinstance(table.columns, pd.MultiIndex):
        column_chars = max([len(f"{a}: {b}") for a, b in table.columns] or [10])
    else:
        column_chars = max([len(str(c)) for c in table.columns] or [10])
    column_label_in = 0.707 * min(column_chars, HEATMAP_LABEL_CHARS) * FONT_SIZE * 0.58 / 72 + 0.15
    height = 0.35 + 0.3 * n_rows + column_label_in + 0.1
    notes = [_small_sample_note(small_sample_threshold)] if any((small_sample or {}).values()) else []
    fig = _figure(max(width, 4.5), height, notes=notes)
    ax = fig.add_subplot()
    plot_rate_heatmap(ax, table, n_articles=n_articles, small_sample=small_sample, palette=palette,
                      label_chars=HEATMAP_LABEL_CHARS)
    return fig


def index_figure(
    data: pd.DataFrame,
    *,
    lexicon: str,
    poles: Sequence[str],
    palette: Mapping[str, str] | None = None,
    small_sample_threshold: int | None = None,
    width_in: float = A4_TEXT_WIDTH_IN,
) -> Figure:
    """Figure for :func:`plot_index`: full text width, 0.34 in per outlet."""
    left, right = str(poles[0]), str(poles[1])
    height = 1.0 + (0.3 if len(data) <= 8 else 0.27) * max(len(data), 1)
    notes = [
        f"{lexicon}.index = ({right} − {left}) / ({right} + {left}) over the outlet's pooled matches; "
        "bars: 95% bootstrap CI over articles."
    ]
    if not data.empty and bool(data["small_sample"].any()):
        notes.append(_small_sample_note(small_sample_threshold) + " Open marker = small sample.")
    fig = _figure(width_in, height, notes=notes)
    ax = fig.add_subplot()
    plot_index(ax, data, lexicon=lexicon, poles=poles, palette=palette)
    return fig


def _term_column_layout(outlets: Sequence[str], width_in: float) -> tuple[bool, int]:
    """(vertical?, wrap width) of the outlet labels above the term-choice columns.

    Horizontal labels, wrapped to the column width, while a column has room for 10 characters;
    otherwise vertical labels wrapped at :data:`LABEL_WRAP`.  The entry labels on the left are
    assumed to take their maximal width (:data:`ENTRY_LABEL_CHARS`).
    """
    entry_area_in = ENTRY_LABEL_CHARS * FONT_SIZE * 0.58 / 72 + 0.3
    column_in = (width_in - entry_area_in) / max(len(outlets), 1)
    chars = int(column_in * 72 / ((FONT_SIZE + 0.5) * 0.56))
    if chars >= 10:
        return False, min(chars, 40)
    return True, LABEL_WRAP


def _term_choice_header_in(outlets: Sequence[str], width_in: float = A4_TEXT_WIDTH_IN) -> float:
    """Height of the outlet labels above the term-choice matrix."""
    vertical, wrap = _term_column_layout(outlets, width_in)
    labels = [outlet_label(o, 999, True, wrap=wrap, max_lines=2 if vertical else 3) for o in outlets] or ["x"]
    if vertical:
        longest = max(len(line) for label in labels for line in label.split("\n"))
        return 0.25 + longest * (FONT_SIZE + 0.5) * 0.58 / 72
    lines = max(label.count("\n") + 1 for label in labels)
    return 0.3 + lines * (FONT_SIZE + 0.5) * 1.25 / 72


def term_choice_capacity(
    outlets: Sequence[str], n_categories: int, max_height_in: float, *, width_in: float = A4_TEXT_WIDTH_IN
) -> int:
    """How many entries fit into a term-choice figure of at most ``max_height_in`` inches."""
    notes_in = 3 * FONT_SIZE * 1.35 / 72 + 0.1
    free = max_height_in - _term_choice_header_in(outlets, width_in) - 0.2 - notes_in
    return max(5, int(free / TERM_ROW_IN) - n_categories)


def term_choice_figure(
    data: pd.DataFrame,
    *,
    lexicon: str,
    outlets: Sequence[str],
    n_articles: Mapping[str, int] | None = None,
    small_sample: Mapping[str, bool] | None = None,
    palette: Mapping[str, str] | None = None,
    small_sample_threshold: int | None = None,
    max_entries: int = 30,
    width_in: float = A4_TEXT_WIDTH_IN,
) -> Figure:
    """Figure for :func:`plot_term_choice`: full text width, 0.24 in per row.

    Shows at most ``max_entries`` entries (see :func:`term_choice_capacity` to fit a page).
    """
    n_entries = min(data[["category", "entry_id"]].drop_duplicates().shape[0], max_entries) if not data.empty else 1
    n_categories = data["category"].nunique() if not data.empty else 0
    height = _term_choice_header_in(outlets, width_in) + 0.2 + TERM_ROW_IN * (n_entries + n_categories)
    notes = ["Number: matches of the entry per 1,000 tokens of the outlet; dot area is proportional to it; "
             "· = entry not used by the outlet."]
    if any((small_sample or {}).values()):
        notes.append(_small_sample_note(small_sample_threshold))
    fig = _figure(width_in, height, notes=notes)
    ax = fig.add_subplot()
    plot_term_choice(
        ax, data, lexicon=lexicon, outlets=outlets, n_articles=n_articles, small_sample=small_sample,
        palette=palette, max_entries=max_entries,
    )
    return fig


def save_figure(fig: Figure, path: Path, *, dpi: int = DPI) -> Path:
    """Write ``fig`` as PNG (creating the folder) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png", facecolor="white")
    logger.debug("wrote figure %s", path)
    return path


# --------------------------------------------------------------------------------------------
# time trends
# --------------------------------------------------------------------------------------------
def date_span_days(articles: pd.DataFrame) -> int:
    """Days between the first and last dated article (0 when fewer than two dates)."""
    dates = pd.to_datetime(articles.get("date", pd.Series(dtype=str)), errors="coerce", format="%Y-%m-%d").dropna()
    if len(dates) < 2:
        return 0
    return int((dates.max() - dates.min()).days)


def index_trend_table(
    articles: pd.DataFrame, *, lexicon: str, poles: Sequence[str], outlet_order: Sequence[str]
) -> pd.DataFrame:
    """Pooled ``<lexicon>.index`` per outlet and calendar month (undated articles are left out).

    Columns: ``outlet, month`` (first day of the month), ``n_articles, n_matches, index``; months
    without a pole match have NaN index.
    """
    left, right = (f"{lexicon}.{p}" for p in poles)
    cols = ["outlet", "month", "n_articles", "n_matches", "index"]
    if left not in articles or right not in articles:
        return pd.DataFrame(columns=cols)
    dated = articles.assign(month=pd.to_datetime(articles["date"], errors="coerce", format="%Y-%m-%d"))
    dated = dated.dropna(subset=["month"])
    if dated.empty:
        return pd.DataFrame(columns=cols)
    dated["month"] = dated["month"].dt.to_period("M").dt.to_timestamp()
    grouped = dated.groupby(["outlet", "month"]).agg(n_articles=("article_id", "size"), L=(left, "sum"), R=(right, "sum"))
    grouped = grouped.reset_index()
    grouped["n_matches"] = grouped["L"] + grouped["R"]
    with np.errstate(divide="ignore", invalid="ignore"):
        grouped["index"] = np.where(grouped["n_matches"] > 0, (grouped["R"] - grouped["L"]) / grouped["n_matches"], np.nan)
    order = {o: i for i, o in enumerate(outlet_order)}
    grouped = grouped[grouped["outlet"].isin(order)]
    grouped = grouped.sort_values(["outlet", "month"], key=lambda s: s.map(order) if s.name == "outlet" else s)
    return grouped[cols].reset_index(drop=True)


def plot_index_trend(
    ax: Axes,
    data: pd.DataFrame,
    *,
    lexicon: str,
    poles: Sequence[str],
    palette: Mapping[str, str] | None = None,
    min_matches: int = 1,
) -> None:
    """Monthly index per outlet: one line per outlet, marker area ∝ matches behind the point."""
    if data.empty or data["index"].notna().sum() == 0:
        _empty_axes(ax, f"No dated article has a term of either {lexicon} pole, so there is no trend to draw.")
        return
    palette = palette or outlet_palette(list(dict.fromkeys(data["outlet"])))
    biggest = max(float(data["n_matches"].max()), 1.0)
    all_months = pd.date_range(data["month"].min(), data["month"].max(), freq="MS")
    for outlet, grp in data.groupby("outlet", sort=False):
        grp = grp[(grp["n_matches"] >= min_matches) & grp["index"].notna()]
        if grp.empty:
            continue
        color = palette.get(outlet, "#555555")
        # lines join consecutive months only: a month without a match breaks the line
        line = grp.set_index("month")["index"].reindex(all_months)
        ax.plot(line.index, line.to_numpy(), color=color, linewidth=1.2, alpha=0.8, label=str(outlet))
        ax.scatter(grp["month"], grp["index"], s=12 + 60 * grp["n_matches"] / biggest, color=color, zorder=3)
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_ylim(-1.08, 1.08)
    ax.set_ylabel(f"{lexicon}.index", fontsize=FONT_SIZE)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.set_yticklabels([f"−1 {poles[0]}", "−0.5", "0", "0.5", f"+1 {poles[1]}"], fontsize=FONT_SIZE)
    ax.tick_params(axis="x", labelsize=FONT_SIZE, rotation=30)
    ax.grid(axis="y", color="#eeeeee")
    ax.legend(fontsize=FONT_SIZE, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def index_trend_figure(
    data: pd.DataFrame,
    *,
    lexicon: str,
    poles: Sequence[str],
    palette: Mapping[str, str] | None = None,
    width_in: float = A4_TEXT_WIDTH_IN,
) -> Figure:
    notes = [
        f"Pooled {lexicon}.index per outlet and calendar month; marker area is proportional to the number of "
        "pole matches behind the point (months without a match are not drawn). Undated articles are left out."
    ]
    fig = _figure(width_in, 3.4, notes=notes)
    ax = fig.add_subplot()
    plot_index_trend(ax, data, lexicon=lexicon, poles=poles, palette=palette)
    return fig
