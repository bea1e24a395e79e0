"""The PDF report: ``report.pdf`` plus every figure as ``figures/<name>.png``.

:func:`write_report` takes the tables the analysis produced (articles, per-outlet estimates,
evidence), the lexicon metadata and the run information, draws the figures with
:mod:`analysis.report.plots` and lays out an A4 PDF with reportlab's platypus.  Pages, in order:

1. title page: corpus summary (outlets with article and token counts, date range, rejected inputs,
   pipeline, lexicon versions, generated time, package version) and "how to read this report";
2. heatmap of matches per 1,000 tokens, outlet × (lexicon: category)  (landscape);
3. one page per two-pole lexicon: index plot, table (outlet, n, index, CI) and a finding sentence
   computed from the data (:func:`index_finding`);
4. one term-choice page per two-pole lexicon (``war_naming`` first when present);
5. evidence: keyword-in-context lines grouped lexicon → category → outlet (:func:`kwic_groups`).

Missing figures (no outlet, no match, all indexes undefined) are replaced by a sentence saying why.
Every string from the data goes through :func:`escape_markup` before reportlab parses it.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import cm, inch
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from analysis.report import plots
from analysis.stats.evidence import DEFAULT_KWIC_LINES, EvidenceSummary
from analysis.errors import QuellenlageError
from analysis.report.layout import (
    LANDSCAPE, MARGIN, PORTRAIT, PageContext, escape_markup,
    fmt_int as _fmt_int, heading as _heading, image as _image, table as _table,
)

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "outlet", "date", "title", "n_tokens", "n_sentences"),
    "outlets": ("outlet", "measure", "n_articles", "estimate", "ci_low", "ci_high", "small_sample"),
    "evidence": ("article_id", "lexicon", "entry_id", "category", "start_char", "end_char", "text", "left", "right"),
}
REQUIRED_LEXICON_KEYS = ("name", "version", "categories")

#: Lines of keyword-in-context shown per outlet × category before "… N more in evidence.jsonl".
KWIC_LINES = DEFAULT_KWIC_LINES
#: Lexicon whose pages come first among the two-pole lexicons.
LEAD_LEXICON = "war_naming"
#: At most this many heatmap columns per landscape page; more are split at lexicon boundaries.
HEATMAP_MAX_COLUMNS = 24
#: At most this many entries in one term-choice figure (the most frequent ones).
TERM_CHOICE_MAX_ENTRIES = 30

LANDSCAPE_MARGIN_Y = 1.6 * cm  # top/bottom of the landscape heatmap page: room for 12+ outlets


# --------------------------------------------------------------------------------------------
# fonts and styles
# --------------------------------------------------------------------------------------------



# --------------------------------------------------------------------------------------------
# small pure helpers (tested directly)
# --------------------------------------------------------------------------------------------


def figure_filename(kind: str, lexicon: str | None = None) -> str:
    """File name of a figure: ``rates_heatmap.png``, ``index_war_naming.png``, ``terms_war_naming.png``."""
    stem = kind if lexicon is None else f"{kind}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', lexicon)}"
    return f"{stem}.png"


def _quote(name: str) -> str:
    return f"'{name}'"


#: Time-trend pages are drawn when the dated articles span more than this many days.
TREND_MIN_DAYS = 31

#: Index estimates from fewer pole matches than this are marked in the index table.
FEW_MATCHES = 10


def index_finding(table: pd.DataFrame, *, lexicon: str, poles: Sequence[str]) -> str:
    """One or two sentences stating what the index table shows, computed from its numbers.

    ``table`` is :func:`analysis.report.plots.index_table`'s output.  Names the outlets leaning most towards
    each pole (with index and n), says whether their 95 % CIs overlap, and lists outlets without any
    pole term.  Works for no outlets, all-NaN, one outlet, and all outlets on one side.
    """
    left, right = str(poles[0]), str(poles[1])
    if table.empty:
        return f"There are no outlets, so {lexicon}.index cannot be compared."
    valid = table[table["estimate"].notna()]
    missing = [str(o) for o in table.loc[table["estimate"].isna(), "outlet"]]
    if valid.empty:
        scope = f"for {table['outlet'].iloc[0]}" if len(table) == 1 else f"for all {len(table)} outlets"
        subject = "The outlet uses no term" if len(table) == 1 else "No outlet uses a term"
        return (
            f"{subject} of either pole ({_quote(left)} or {_quote(right)}), "
            f"so {lexicon}.index is undefined {scope}."
        )

    def n_text(row: pd.Series) -> str:
        n = row["n_articles"]
        text = f"n={int(n)}" if not pd.isna(n) else "n=?"
        matches = row.get("n_matches", math.nan)
        if not pd.isna(matches):
            text += f", {int(matches)} match{'es' if int(matches) != 1 else ''}"
        return text + (", small sample" if bool(row["small_sample"]) else "")

    def full(row: pd.Series) -> str:
        return f"index {plots.format_signed(row['estimate'])}, {n_text(row)}"

    def short(row: pd.Series) -> str:
        return f"{plots.format_signed(row['estimate'])}, {n_text(row)}"

    if len(valid) == 1:
        row = valid.iloc[0]
        if row["estimate"] > 0:
            lean = f"leans towards {_quote(right)}"
        elif row["estimate"] < 0:
            lean = f"leans towards {_quote(left)}"
        else:
            lean = f"is balanced between {_quote(left)} and {_quote(right)}"
        sentence = f"Only {row['outlet']} uses terms of either pole; it {lean} ({full(row)})."
    else:
        high = valid.loc[valid["estimate"].idxmax()].copy()
        low = valid.loc[valid["estimate"].idxmin()].copy()
        for row in (high, low):  # "dpa (and 2 others)" when several outlets share the extreme
            ties = int((valid["estimate"] == row["estimate"]).sum()) - 1
            if ties:
                row["outlet"] = f"{row['outlet']} (and {ties} other{'s' if ties > 1 else ''} at the same index)"
        if high["estimate"] == low["estimate"]:
            sentence = (
                f"All {len(valid)} outlets with pole terms have the same index "
                f"({plots.format_signed(high['estimate'])})."
            )
        else:
            if high["estimate"] > 0 and low["estimate"] < 0:
                sentence = (
                    f"{high['outlet']} leans most towards {_quote(right)} ({full(high)}); "
                    f"{low['outlet']} most towards {_quote(left)} ({short(low)})."
                )
            elif low["estimate"] >= 0:
                sentence = (
                    f"All outlets with pole terms lean towards {_quote(right)} or are balanced: "
                    f"{high['outlet']} most ({full(high)}), {low['outlet']} least ({short(low)})."
                )
            else:
                sentence = (
                    f"All outlets with pole terms lean towards {_quote(left)} or are balanced: "
                    f"{low['outlet']} most ({full(low)}), {high['outlet']} least ({short(high)})."
                )
            bounds = [high["ci_low"], high["ci_high"], low["ci_low"], low["ci_high"]]
            if not any(pd.isna(b) for b in bounds):
                if high["ci_low"] > low["ci_high"]:
                    sentence += " Their 95% CIs do not overlap."
                else:
                    sentence += " Their 95% CIs overlap, so the difference may be chance."
    if missing:
        sentence += f" No pole term at all in: {', '.join(missing)}."
    return sentence


@dataclass(frozen=True)
class KwicGroup:
    """Keyword-in-context lines of one lexicon × category × outlet."""

    lexicon: str
    category: str
    outlet: str
    lines: pd.DataFrame  # columns: article_id, left, text, right, start_char
    n_total: int

    @property
    def n_more(self) -> int:
        return self.n_total - len(self.lines)


def kwic_groups(
    evidence: "pd.DataFrame | EvidenceSummary",
    articles: pd.DataFrame,
    *,
    lexicons: Sequence[Mapping],
    outlet_order: Sequence[str],
    max_lines: int = KWIC_LINES,
) -> list[KwicGroup]:
    """Group evidence lexicon → category → outlet, keeping at most ``max_lines`` lines per group.

    ``evidence``: the evidence table, or the :class:`~analysis.stats.evidence.EvidenceSummary` a run
    computed while streaming (then ``max_lines`` is the summary's). Lines are picked round-robin
    over the group's articles (first match of every article, then the second, …) so a single long
    article cannot fill the quota, and shown in article/offset order. Evidence whose article_id is
    not in ``articles`` is dropped with a warning.
    """
    if isinstance(evidence, pd.DataFrame):
        if evidence.empty:
            return []
        unknown = ~evidence["article_id"].astype(str).isin(set(articles["article_id"].astype(str)))
        if unknown.any():
            logger.warning("%d evidence rows name article_ids missing from the article table; not shown", int(unknown.sum()))
        summary = EvidenceSummary.from_frame(evidence, articles, max_lines=max_lines)
    else:
        summary = evidence
    if not summary.group_totals:
        return []
    lexicon_order = [lex["name"] for lex in lexicons]
    seen_lexicons = list(dict.fromkeys(k[0] for k in sorted(summary.group_totals)))
    lexicon_order += [name for name in seen_lexicons if name not in lexicon_order]
    categories_of = {lex["name"]: list(lex.get("categories", {})) for lex in lexicons}
    outlet_rank = {o: i for i, o in enumerate(outlet_order)}
    groups: list[KwicGroup] = []
    for lexicon in lexicon_order:
        keys = [k for k in summary.group_totals if k[0] == lexicon]
        if not keys:
            continue
        categories = list(categories_of.get(lexicon, []))
        categories += sorted({k[1] for k in keys} - set(categories))
        for category in categories:
            outlets = sorted({k[2] for k in keys if k[1] == category}, key=lambda o: (outlet_rank.get(o, len(outlet_rank)), str(o)))
            for outlet in outlets:
                key = (lexicon, category, outlet)
                groups.append(
                    KwicGroup(
                        lexicon=str(lexicon),
                        category=str(category),
                        outlet=str(outlet),
                        lines=summary.kwic_lines(key),
                        n_total=int(summary.group_totals[key]),
                    )
                )
    return groups


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------
def _check_columns(name: str, frame: pd.DataFrame, *, allow_empty_without_columns: bool = False) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise QuellenlageError(f"write_report: {name} must be a pandas DataFrame, got {type(frame).__name__}")
    if allow_empty_without_columns and frame.empty and len(frame.columns) == 0:
        return
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in frame.columns]
    if missing:
        raise QuellenlageError(
            f"write_report: the {name} table lacks required column(s) {', '.join(missing)}; "
            f"required: {', '.join(REQUIRED_COLUMNS[name])}; present: {', '.join(map(str, frame.columns)) or '(none)'}"
        )


def _check_lexicons(lexicons: Sequence[Mapping]) -> None:
    for i, lex in enumerate(lexicons):
        if not isinstance(lex, Mapping):
            raise QuellenlageError(f"write_report: lexicons[{i}] must be a dict, got {type(lex).__name__}")
        missing = [k for k in REQUIRED_LEXICON_KEYS if k not in lex]
        if missing:
            raise QuellenlageError(
                f"write_report: lexicons[{i}] ({lex.get('name', '?')}) lacks key(s) {', '.join(missing)}; "
                f"required: {', '.join(REQUIRED_LEXICON_KEYS)}, optional: description, poles"
            )
        poles = lex.get("poles")
        if poles is not None and (len(poles) != 2 or any(p not in lex["categories"] for p in poles)):
            raise QuellenlageError(
                f"write_report: lexicon {lex['name']}: poles must be two of its categories "
                f"({', '.join(lex['categories'])}), got {poles!r}"
            )


def _two_pole_lexicons(lexicons: Sequence[Mapping]) -> list[Mapping]:
    two_pole = [lex for lex in lexicons if lex.get("poles")]
    return sorted(two_pole, key=lambda lex: lex["name"] != LEAD_LEXICON)  # stable: lead first


def _outlet_order(run_info: Mapping, articles: pd.DataFrame, outlets: pd.DataFrame) -> list[str]:
    order = [str(o) for o in run_info.get("outlets") or []]
    seen = set(order)
    extra = [str(o) for o in dict.fromkeys(list(articles["outlet"]) + list(outlets["outlet"])) if str(o) not in seen]
    if extra and order:
        logger.warning("outlets %s are not in run_info['outlets']; appended at the end", ", ".join(extra))
    return order + extra


# --------------------------------------------------------------------------------------------
# document
# --------------------------------------------------------------------------------------------
class _ReportDoc(BaseDocTemplate):
    """A4 document with a portrait and a landscape page template, footer and PDF outline."""

    def __init__(self, filename: str, *, footer: str, font: str, **kw):
        super().__init__(filename, pagesize=PORTRAIT, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN, bottomMargin=MARGIN, **kw)
        self._footer = footer
        self._font = font
        portrait_frame = Frame(MARGIN, MARGIN, PORTRAIT[0] - 2 * MARGIN, PORTRAIT[1] - 2 * MARGIN, id="portrait",
                               leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        landscape_frame = Frame(MARGIN, LANDSCAPE_MARGIN_Y, LANDSCAPE[0] - 2 * MARGIN, LANDSCAPE[1] - 2 * LANDSCAPE_MARGIN_Y, id="landscape",
                                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="portrait", frames=[portrait_frame], pagesize=PORTRAIT, onPage=self._draw_footer),
            PageTemplate(id="landscape", frames=[landscape_frame], pagesize=LANDSCAPE, onPage=self._draw_footer),
        ])
        self.n_pages = 0
        self._bookmark_count = 0

    def _draw_footer(self, canvas, doc) -> None:
        width, _ = canvas._pagesize
        canvas.saveState()
        canvas.setFont(self._font, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 0.9 * cm, self._footer)
        canvas.drawRightString(width - MARGIN, 0.9 * cm, f"page {doc.page}")
        canvas.restoreState()
        self.n_pages = max(self.n_pages, doc.page)

    def afterFlowable(self, flowable) -> None:
        bookmark = getattr(flowable, "_bookmark", None)
        if bookmark:
            title, level = bookmark
            self._bookmark_count += 1
            key = f"section-{self._bookmark_count}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)



def _pipeline_text(pipeline: object) -> str:
    """The pipeline as one line: a string as is; a dict by its ``summary`` (or ``key: value`` pairs)."""
    if isinstance(pipeline, Mapping):
        if pipeline.get("summary"):
            return str(pipeline["summary"])
        return "; ".join(f"{k}: {v}" for k, v in pipeline.items())
    return str(pipeline)



def _chunk_heatmap_columns(columns: Sequence[tuple[str, str]], max_columns: int) -> list[list[tuple[str, str]]]:
    """Split (lexicon, category) columns into pages of at most ``max_columns``, at lexicon borders."""
    chunks: list[list[tuple[str, str]]] = [[]]
    for lexicon in dict.fromkeys(lex for lex, _ in columns):
        block = [c for c in columns if c[0] == lexicon]
        while block:
            room = max_columns - len(chunks[-1])
            if len(block) <= room:
                chunks[-1].extend(block)
                block = []
            elif chunks[-1]:
                chunks.append([])
            else:  # one lexicon larger than a page: split it
                chunks[-1].extend(block[:max_columns])
                block = block[max_columns:]
                chunks.append([])
    return [c for c in chunks if c]


def rates_finding(rates: pd.DataFrame, *, top: int = 2) -> str:
    """The categories whose rates differ most between outlets, with the two extreme outlets.

    ``rates``: :func:`analysis.report.plots.rate_table` (outlets × (lexicon, category), per 1,000 tokens).
    """
    if rates.empty or rates.shape[0] < 1:
        return "There is no rate to compare."
    values = rates.astype(float)
    if not (values.fillna(0) > 0).to_numpy().any():
        return "No category matched in any outlet."
    if rates.shape[0] == 1:
        row = values.iloc[0].dropna().sort_values(ascending=False)
        (lex, cat), value = row.index[0], row.iloc[0]
        return f"Only one outlet; its most frequent category is {lex}: {cat} ({plots.format_rate(value)} per 1,000 tokens)."
    spread = (values.max() - values.min()).sort_values(ascending=False)
    parts = []
    for column in spread.index[:top]:
        if spread[column] <= 0:
            break
        col = values[column]
        hi, lo = col.idxmax(), col.idxmin()
        lex, cat = column if isinstance(column, tuple) else (column, "")
        parts.append(f"{lex}: {cat} ({hi} {plots.format_rate(col[hi])} vs {lo} {plots.format_rate(col[lo])} per 1,000 tokens)")
    if not parts:
        return "All outlets have the same rates."
    return "The widest gaps between outlets: " + "; ".join(parts) + "."


def term_choice_finding(data: pd.DataFrame, *, outlet_order: Sequence[str]) -> str:
    """Each outlet's most used entry of a lexicon, from :func:`analysis.report.plots.term_choice_table`."""
    if data.empty:
        return ""
    count_col = "count" if "count" in data.columns else None
    value_col = count_col or "rate"
    parts = []
    for outlet in outlet_order:
        sub = data[(data["outlet"] == outlet) & (data[value_col] > 0)]
        if sub.empty:
            continue
        best = sub.sort_values(value_col, ascending=False).iloc[0]
        label = best.get("label", best.get("entry_id"))
        parts.append(f"{outlet}: {label} ({best['category']})")
    if not parts:
        return ""
    return "Most used entry per outlet — " + "; ".join(parts) + "."


def write_report(
    out_dir: Path,
    *,
    articles: pd.DataFrame,
    outlets: pd.DataFrame,
    evidence: "pd.DataFrame | EvidenceSummary",
    lexicons: list[dict],
    run_info: dict,
    reuse: pd.DataFrame | None = None,
    keyness: pd.DataFrame | None = None,
) -> dict:
    """Write ``out_dir/report.pdf`` and ``out_dir/figures/*.png``; return their paths.

    ``reuse``: the outlet × outlet reuse table (reuse.csv) for the text-reuse page, if measured.
    ``keyness``: the keyness table (keyness.csv, :func:`analysis.measures.keyness.keyness_table`) for the page
    "Most distinctive terms per outlet"; the page is left out when None.

    Returns ``{"pdf": Path, "figures": [Path, ...]}`` (figures in page order).  Raises
    :class:`QuellenlageError` when a table lacks a required column (see ``REQUIRED_COLUMNS``) or a
    lexicon lacks a required key.
    """
    _check_columns("articles", articles)
    _check_columns("outlets", outlets)
    if isinstance(evidence, pd.DataFrame):
        _check_columns("evidence", evidence, allow_empty_without_columns=True)
        evidence = EvidenceSummary.from_frame(evidence, articles, max_lines=KWIC_LINES)
    _check_lexicons(lexicons)
    duplicated = articles["article_id"][articles["article_id"].duplicated()]
    if not duplicated.empty:
        raise QuellenlageError(
            f"write_report: the articles table has duplicate article_id values ({', '.join(map(str, duplicated.unique()[:5]))}); "
            "every article needs a unique article_id so that evidence can be joined to its outlet")
    out_dir = Path(out_dir)
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)

    corpus = str(run_info.get("corpus", "corpus"))
    outlet_order = _outlet_order(run_info, articles, outlets)
    threshold = run_info.get("small_sample_threshold")
    n_articles = articles.groupby("outlet").size().reindex(outlet_order).fillna(0).astype(int).to_dict()
    n_tokens = articles.groupby("outlet")["n_tokens"].sum().reindex(outlet_order).fillna(0).to_dict()
    flagged = outlets.groupby("outlet")["small_sample"].any().to_dict() if not outlets.empty else {}
    small_sample = {
        o: bool(flagged.get(o, threshold is not None and n_articles.get(o, 0) < threshold)) for o in outlet_order
    }
    n_evidence = evidence.n_lines
    figures: list[Path] = []

    def save(fig, name: str) -> tuple[Path, tuple[float, float]]:
        path = plots.save_figure(fig, fig_dir / name)
        figures.append(path)
        return path, tuple(fig.get_size_inches())

    story: list = []
    page_ctx = PageContext.create(save, outlet_order, small_sample=small_sample, n_articles=n_articles)
    palette, styles, regular, bold = page_ctx.palette, page_ctx.styles, page_ctx.regular, page_ctx.bold
    portrait_w, portrait_h = page_ctx.portrait_w, page_ctx.portrait_h
    landscape_w, landscape_h = LANDSCAPE[0] - 2 * MARGIN, LANDSCAPE[1] - 2 * LANDSCAPE_MARGIN_Y

    # ---- 1. title page -------------------------------------------------------------------
    story.append(_heading(f"Quellenlage report: {escape_markup(corpus)}", styles["title"], outline=f"Quellenlage report: {corpus}"))
    story.append(Paragraph(
        f"Generated {escape_markup(run_info.get('generated', 'unknown'))} by Quellenlage "
        f"{escape_markup(run_info.get('package_version', '?'))}", styles["subtitle"]))
    story.append(Paragraph("Corpus", styles["h2"]))
    total_tokens = sum(n_tokens.values())
    outlet_rows: list[list] = [["Outlet", "Articles", "Tokens", "Share of tokens"]]
    for outlet in outlet_order:
        share = n_tokens[outlet] / total_tokens if total_tokens else float("nan")
        mark = plots.SMALL_SAMPLE_MARK if small_sample[outlet] else ""
        outlet_rows.append([
            Paragraph(escape_markup(outlet + mark), styles["cell"]),
            _fmt_int(n_articles[outlet]), _fmt_int(n_tokens[outlet]),
            "–" if math.isnan(share) else f"{share:.0%}",
        ])
    outlet_rows.append([Paragraph("<b>all outlets</b>", styles["cell"]), _fmt_int(sum(n_articles.values())),
                        _fmt_int(total_tokens), "100%" if total_tokens else "–"])
    story.append(_table(outlet_rows, [9.2 * cm, 2.0 * cm, 2.6 * cm, 3.2 * cm], right_align_from=1,
                        font=regular, bold=bold))
    if any(small_sample.values()):
        story.append(Paragraph(
            f"{plots.SMALL_SAMPLE_MARK} small sample: "
            + (f"fewer than {threshold} articles." if threshold is not None else "flagged by the analysis."),
            styles["small"]))
    story.append(Spacer(1, 8))

    dates = [str(d) for d in articles["date"] if isinstance(d, str) and d]
    date_min = run_info.get("date_min") or (min(dates) if dates else "")
    date_max = run_info.get("date_max") or (max(dates) if dates else "")
    undated = sum(1 for d in articles["date"] if not (isinstance(d, str) and d))
    date_text = f"{date_min} to {date_max}" if date_min else "no dated article"
    if undated:
        date_text += f" ({undated} article{'s' if undated != 1 else ''} without date)"
    versions = run_info.get("lexicon_versions") or {lex["name"]: lex["version"] for lex in lexicons}
    bootstrap = run_info.get("bootstrap") or {}
    lexicon_lines = ", ".join(
        f"{escape_markup(name)} {escape_markup(version)}" for name, version in versions.items()) or "none"
    run_rows = [
        ["Corpus", escape_markup(corpus)],
        ["Corpus path", escape_markup(run_info.get("corpus_path", ""))],
        ["Date range", escape_markup(date_text)],
        ["Articles", _fmt_int(run_info.get("n_articles", len(articles)))],
        ["Rejected inputs", _fmt_int(run_info.get("n_rejected", float("nan"))) + " (see rejected.csv)"],
        ["Tokens", _fmt_int(run_info.get("n_tokens", total_tokens))],
        ["Matches", _fmt_int(n_evidence) + " (evidence.jsonl)"],
        ["Pipeline", escape_markup(_pipeline_text(run_info.get("pipeline", "unknown")))],
        ["Lexicons", lexicon_lines],
        ["Bootstrap", escape_markup(
            f"{bootstrap.get('n_resamples', '?')} resamples over articles, seed {bootstrap.get('seed', '?')}, "
            f"{float(bootstrap.get('ci', 0.95)):.0%} interval")],
        ["Small sample", escape_markup(f"fewer than {threshold} articles" if threshold is not None else "not set")],
        ["Generated", escape_markup(run_info.get("generated", "unknown"))],
        ["Package", escape_markup(f"quellenlage {run_info.get('package_version', '?')}")],
    ]
    story.append(Paragraph("Run", styles["h2"]))
    half = (len(run_rows) + 1) // 2
    paired = []
    for i in range(half):
        row = [Paragraph(f"<b>{run_rows[i][0]}</b>", styles["cell"]), Paragraph(run_rows[i][1], styles["cell"])]
        if half + i < len(run_rows):
            k, v = run_rows[half + i]
            row += [Paragraph(f"<b>{k}</b>", styles["cell"]), Paragraph(v, styles["cell"])]
        else:
            row += ["", ""]
        paired.append(row)
    story.append(_table(paired, [3.0 * cm, 5.5 * cm, 3.0 * cm, 5.5 * cm], header=False, font=regular, bold=bold))
    story.append(Paragraph("How to read this report", styles["h2"]))
    boot_text = (f"{float(bootstrap.get('ci', 0.95)):.0%} bootstrap confidence intervals "
                 f"({bootstrap.get('n_resamples', '?')} resamples of the outlet's articles)")
    for text in (
        "<b>Rates</b> are lexicon matches per 1,000 tokens, pooled over all articles of an outlet, so long and "
        "short articles weigh by their length. Brackets are " + escape_markup(boot_text) + ": how far a rate "
        "would move with a different sample of similar articles.",
        "<b>Indexes</b> of two-pole lexicons are (right − left) / (right + left) over the matches of the two "
        "poles: −1 = only the left pole's terms, +1 = only the right pole's, 0 = balanced. An outlet without "
        "any term of either pole has no index (“no match”).",
        "<b>Small sample</b> ("
        + (f"fewer than {threshold} articles" if threshold is not None else "few articles")
        + ", marked * and with open markers): intervals are wide or missing; read the estimate as an anecdote, "
        "not as the outlet's style.",
        "<b>Evidence</b>: the last pages show matches in context. evidence.jsonl lists every match with "
        "article_id, lexicon, entry and exact character offsets (start_char, end_char) in the article text; "
        "outlets.csv holds the per-outlet numbers with intervals, articles.csv the per-article counts.",
    ):
        story.append(Paragraph(text, styles["body"]))

    # ---- 1b. method page -------------------------------------------------------------------
    story.append(PageBreak())
    story.append(_heading("Method", styles["h1"], outline="Method"))
    pipeline = run_info.get("pipeline", {})
    for text in (
        "<b>Corpus.</b> Each article's text is Unicode-normalised (NFC) and analysed as a whole; inputs that "
        "could not be analysed (empty, undecodable, duplicates, no outlet) are listed with file, line and reason "
        "in rejected.csv. Tokens are words and numbers (punctuation is not counted); sentences are those with at "
        "least one word.",
        "<b>Pipeline.</b> " + escape_markup(_pipeline_text(pipeline)) + ". Without a trained German spaCy model, "
        "lemmas come from simplemma (cached per word form), sentences from spaCy's rule-based sentencizer.",
        "<b>Lexicon matching.</b> Every lexicon is a TOML file of entries (terms with a category and a source). "
        "Terms match by lemma (inflected forms: \u201eder militärischen Spezialoperation\u201c), by prefix "
        "(names and compounds: \u201eSelenskyjs\u201c), or by exact or case-insensitive word form. Within a "
        "lexicon overlapping matches count once (the longest). Entries marked as needing topic context count "
        "only when a term naming Russia or Ukraine occurs within one sentence of the match.",
        "<b>Per article.</b> L.C = matches of category C of lexicon L; L.C.per_1000 = 1,000 × L.C / tokens; "
        "for two-pole lexicons L.index = (right − left) / (right + left), undefined when neither pole occurs.",
        "<b>Per outlet.</b> Rates and indices are pooled over the outlet's articles (sums of counts divided by "
        "sums of tokens or pole matches). The 95% interval is a percentile bootstrap over articles "
        + escape_markup(f"({bootstrap.get('n_resamples', '?')} resamples, seed {bootstrap.get('seed', '?')})")
        + ": it shows how much the estimate would vary with another sample of articles like these; it does not "
        "cover errors of the lexicon itself. Intervals need at least two articles. Matches behind every estimate "
        "are in outlets.csv (n_matches).",
        "<b>Reading the numbers.</b> A lexicon finds what its authors listed; a term missing from the lexicon is "
        "invisible, and a term can be used in another sense (the evidence pages show the matches in context). "
        "Compare outlets on the same topic and period; a difference between outlets is a description of their "
        "texts in this corpus, not a verdict on the outlet.",
    ):
        story.append(Paragraph(text, styles["body"]))
    story.append(Paragraph("Lexicons", styles["h2"]))
    lex_rows: list[list] = [["Lexicon", "Version", "Categories", "Index"]]
    for lex in lexicons:
        poles = lex.get("poles")
        lex_rows.append([
            Paragraph(f"<b>{escape_markup(lex['name'])}</b><br/>{escape_markup(lex.get('description', ''))}", styles["cell"]),
            escape_markup(lex.get("version", "")),
            Paragraph(escape_markup(", ".join(lex.get("categories", {}))), styles["cell"]),
            Paragraph(escape_markup(f"{poles[0]} (−1) ↔ {poles[1]} (+1)" if poles else "–"), styles["cell"]),
        ])
    story.append(_table(lex_rows, [7.4 * cm, 1.6 * cm, 4.4 * cm, 3.6 * cm], font=regular, bold=bold))

    # ---- 2. heatmap page(s) ----------------------------------------------------------------
    story.append(NextPageTemplate("landscape"))
    story.append(PageBreak())
    rates = plots.rate_table(outlets, lexicons, outlet_order=outlet_order)
    story.append(_heading("Matches per 1,000 tokens, by outlet and category", styles["h1"], outline="Rates by outlet and category"))
    values = rates.to_numpy(dtype=float) if rates.size else None
    has_rates = values is not None and bool(((values > 0) & ~pd.isna(values)).any())
    if not outlet_order:
        story.append(Paragraph("The corpus has no outlet, so there is nothing to compare.", styles["body"]))
    elif rates.shape[1] == 0:
        story.append(Paragraph("No lexicon was given, so there are no categories to count.", styles["body"]))
    elif outlets.empty:
        story.append(Paragraph("The per-outlet table (outlets.csv) is empty, so there are no rates to show.", styles["body"]))
    elif not has_rates:
        story.append(Paragraph(
            f"No term of any lexicon ({escape_markup(', '.join(lex['name'] for lex in lexicons))}) matched in any "
            "of the corpus's articles, so every rate is zero and no heatmap is drawn.", styles["body"]))
    else:
        story.append(Paragraph(escape_markup(rates_finding(rates)), styles["finding"]))
        chunks = _chunk_heatmap_columns(list(rates.columns), HEATMAP_MAX_COLUMNS)
        for k, columns in enumerate(chunks):
            if k:
                story.append(PageBreak())
                story.append(Paragraph(f"Matches per 1,000 tokens (continued, part {k + 1} of {len(chunks)})", styles["h1"]))
            fig = plots.rate_heatmap_figure(
                rates[columns], n_articles=n_articles, small_sample=small_sample, palette=palette,
                small_sample_threshold=threshold, max_width_in=landscape_w / inch)
            name = "rates_heatmap.png" if len(chunks) == 1 else f"rates_heatmap_{k + 1}.png"
            path, size = save(fig, name)
            story.append(Spacer(1, 4))
            story.append(_image(path, size, landscape_w, landscape_h - 2.6 * cm))
        story.append(Spacer(1, 6))
        story.append(Paragraph(
            "Each number is the outlet's matches of that category per 1,000 tokens, pooled over its articles. "
            "Colour is scaled within each column (darkest = the outlet with the highest rate of that category), "
            "because categories differ in frequency by orders of magnitude; compare shades down a column, "
            "numbers across. 95% intervals are in outlets.csv; the colour swatch is the outlet's colour in every figure."
            + (" With a single outlet the shades only show which categories occur at all." if len(outlet_order) == 1 else ""),
            styles["small"]))
    story.append(NextPageTemplate("portrait"))

    # ---- 3. index pages --------------------------------------------------------------------
    two_pole = _two_pole_lexicons(lexicons)
    for lex in two_pole:
        name, (left, right) = lex["name"], lex["poles"]
        story.append(PageBreak())
        story.append(_heading(
            f"{escape_markup(name)}: {escape_markup(left)} \u2194 {escape_markup(right)}", styles["h1"],
            outline=f"Index: {name}"))
        if lex.get("description"):
            story.append(Paragraph(escape_markup(lex["description"]), styles["body"]))
        data = plots.index_table(outlets, lexicon=name, outlet_order=outlet_order,
                                 n_articles=n_articles, small_sample=small_sample)
        story.append(Paragraph(escape_markup(index_finding(data, lexicon=name, poles=(left, right))), styles["finding"]))
        if data["estimate"].notna().any():
            fig = plots.index_figure(data, lexicon=name, poles=(left, right), palette=palette,
                                     small_sample_threshold=threshold, width_in=portrait_w / inch)
            path, size = save(fig, figure_filename("index", name))
            story.append(_image(path, size, portrait_w, portrait_h * 0.6))
        story.append(Spacer(1, 6))
        rows: list[list] = [["Outlet", "n", "Matches", "Index", "95% CI", "Note"]]
        for r in data.itertuples(index=False):
            ci = ("–" if pd.isna(r.ci_low) or pd.isna(r.ci_high)
                  else f"{plots.format_signed(r.ci_low)} to {plots.format_signed(r.ci_high)}")
            note = "no pole term" if pd.isna(r.estimate) else ""
            if r.small_sample:
                note = (note + "; " if note else "") + "small sample"
            if not pd.isna(r.n_matches) and 0 < r.n_matches < FEW_MATCHES:
                note = (note + "; " if note else "") + f"fewer than {FEW_MATCHES} matches"
            rows.append([Paragraph(escape_markup(r.outlet), styles["cell"]), _fmt_int(r.n_articles),
                         _fmt_int(r.n_matches) if not pd.isna(r.n_matches) else "–",
                         plots.format_signed(r.estimate) if not pd.isna(r.estimate) else "–", ci,
                         Paragraph(note, styles["cell"])])
        table = _table(rows, [5.4 * cm, 1.2 * cm, 1.9 * cm, 1.6 * cm, 3.0 * cm, 3.9 * cm], font=regular, bold=bold)
        table.setStyle(TableStyle([("ALIGN", (1, 0), (4, -1), "RIGHT"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        story.append(table)
        story.append(Spacer(1, 6))
        definitions = lex.get("categories", {})
        story.append(Paragraph(
            f"<b>{escape_markup(left)}</b> (−1): {escape_markup(definitions.get(left, ''))}<br/>"
            f"<b>{escape_markup(right)}</b> (+1): {escape_markup(definitions.get(right, ''))}", styles["small"]))

    # ---- 4. term-choice pages --------------------------------------------------------------
    for lex in two_pole:
        name = lex["name"]
        story.append(PageBreak())
        story.append(_heading(f"Term choice: {escape_markup(name)}", styles["h1"], outline=f"Term choice: {name}"))
        story.append(Paragraph(
            "Which entries of the lexicon each outlet uses, in matches per 1,000 tokens of that outlet "
            "(evidence lines of the entry ÷ the outlet's tokens × 1,000). Entries are grouped by category.",
            styles["body"]))
        data = plots.term_choice_table(evidence, articles, lexicon=name, categories=list(lex.get("categories", {})),
                                       outlet_order=outlet_order) if n_evidence else pd.DataFrame()
        if data.empty:
            story.append(Paragraph(
                f"No term of {escape_markup(name)} matched in any article, so there is no term choice to show.",
                styles["finding"]))
            continue
        finding = term_choice_finding(data, outlet_order=outlet_order)
        if finding:
            story.append(Paragraph(escape_markup(finding), styles["finding"]))
        n_entries = data[["category", "entry_id"]].drop_duplicates().shape[0]
        room = portrait_h - 5.0 * cm
        max_entries = min(TERM_CHOICE_MAX_ENTRIES,
                          plots.term_choice_capacity(outlet_order, data["category"].nunique(), room / inch,
                                                      width_in=portrait_w / inch))
        fig = plots.term_choice_figure(
            data, lexicon=name, outlets=outlet_order, n_articles=n_articles, small_sample=small_sample,
            palette=palette, small_sample_threshold=threshold, max_entries=max_entries,
            width_in=portrait_w / inch)
        path, size = save(fig, figure_filename("terms", name))
        story.append(_image(path, size, portrait_w, room))
        if n_entries > max_entries:
            story.append(Paragraph(
                f"Showing the {max_entries} most frequent of {n_entries} entries; all are in evidence.jsonl.",
                styles["small"]))

    # ---- 4b. time trends (corpus spanning more than a month) --------------------------------
    if plots.date_span_days(articles) > TREND_MIN_DAYS:
        for lex in two_pole:
            name, poles = lex["name"], lex["poles"]
            trend = plots.index_trend_table(articles, lexicon=name, poles=poles, outlet_order=outlet_order)
            story.append(PageBreak())
            story.append(_heading(f"Over time: {escape_markup(name)}", styles["h1"], outline=f"Trend: {name}"))
            defined = trend[trend["index"].notna()]
            if defined.empty:
                story.append(Paragraph(f"No dated article has a term of either {escape_markup(name)} pole.", styles["finding"]))
                continue
            months = defined["month"].nunique()
            story.append(Paragraph(escape_markup(
                f"{name}.index per outlet and month: {months} months with pole matches, "
                f"{int(defined['n_matches'].sum())} pole matches in the {int(defined['n_articles'].sum())} articles of those "
                f"outlet-months; points rest on few matches where the markers are small."),
                styles["finding"]))
            fig = plots.index_trend_figure(trend, lexicon=name, poles=poles, palette=palette, width_in=portrait_w / inch)
            path, size = save(fig, figure_filename("trend", name))
            story.append(_image(path, size, portrait_w, portrait_h * 0.6))

    # ---- 4c. sourcing and reliability pages (analysis/report/pages/reliability.py) ----------------
    from analysis.report.pages.reliability import reliability_pages

    story += reliability_pages(
        page_ctx, articles=articles, outlets=outlets, reuse=reuse,
        poles={lex["name"]: tuple(lex["poles"]) for lex in two_pole},
    )

    # ---- 4d. keyness (analysis/report/pages/keyness.py) --------------------------------------------
    if keyness is not None:
        from analysis.report.pages.keyness import keyness_pages

        story += keyness_pages(page_ctx, keyness=keyness)

    # ---- 4d'. semantic layer (analysis/report/pages/semantic.py; a line when it did not run) ----------
    from analysis.report.pages.semantic import semantic_pages

    story += semantic_pages(page_ctx, outlets=outlets, evidence=evidence, run_info=run_info)

    # ---- 4e. trained classifiers (analysis/report/pages/classify.py; only with classify.* columns) ----
    from analysis.report.pages.classify import classification_pages

    story += classification_pages(page_ctx, articles=articles, run_info=run_info)

    # ---- 5. evidence -----------------------------------------------------------------------
    story.append(PageBreak())
    story.append(_heading("Evidence: matches in context", styles["h1"], outline="Evidence"))
    if evidence.max_lines == 0:
        story.append(Paragraph(
            "The keyword-in-context lines were switched off for this run (--evidence-lines 0); every match, "
            "with exact character offsets, is in evidence.jsonl.", styles["finding"]))
    else:
        story.append(Paragraph(
            f"Each line: article_id | left context <b>match</b> right context (up to 60 characters each side). "
            f"At most {evidence.max_lines} lines per outlet and category, taken from as many different articles as possible; "
            "every match, with exact character offsets, is in evidence.jsonl.", styles["body"]))
    if evidence.max_lines:
        groups = kwic_groups(evidence, articles, lexicons=lexicons, outlet_order=outlet_order) if n_evidence else []
        if groups:
            story.extend(_evidence_flowables(groups, lexicons, outlet_order, styles, regular, bold, portrait_w))
        else:
            story.append(Paragraph("No lexicon term matched in any article, so there is no evidence to show.", styles["finding"]))

    footer = f"Quellenlage {run_info.get('package_version', '')} · {corpus} · generated {run_info.get('generated', '')}"
    pdf_path = out_dir / "report.pdf"
    doc = _ReportDoc(str(pdf_path), footer=footer, font=regular,
                     title=f"Quellenlage report: {corpus}", author="Quellenlage",
                     subject="Framing and sourcing of news outlets", creator=f"quellenlage {run_info.get('package_version', '')}")
    doc.build(story)
    logger.info("wrote %s (%d pages, %d figures)", pdf_path, doc.n_pages, len(figures))
    return {"pdf": pdf_path, "figures": figures}


def _fit_left(text: str, width: float, font: str, size: float) -> str:
    """Cut ``text`` from the left until it fits ``width`` points (keeps the end, near the match)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth("…" + text, font, size) > width:
        text = text[1:]
    return "…" + text.lstrip()


def _fit_right(text: str, width: float, font: str, size: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


#: Matches longer than this (a whole quoted message, a reused passage) are shown shortened in the
#: evidence pages; evidence.jsonl keeps the full span.
KWIC_MATCH_CHARS = 90


def _shorten_match(text: str, limit: int = KWIC_MATCH_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half].rstrip()} … {text[-half:].lstrip()}"


def _evidence_flowables(groups: list[KwicGroup], lexicons: Sequence[Mapping], outlet_order: Sequence[str],
                        styles: dict, regular: str, bold: str, frame_width: float) -> list:
    size = styles["kwic"].fontSize
    pad = 3
    all_ids = [str(a) for g in groups for a in g.lines["article_id"]]
    all_matches = [_shorten_match(str(t)) for g in groups for t in g.lines["text"]]
    id_w = min(max([pdfmetrics.stringWidth(a, regular, size) for a in all_ids] + [30]) + 2 * pad, 4.2 * cm)
    match_w = min(max([pdfmetrics.stringWidth(t, bold, size) for t in all_matches] + [30]) + 2 * pad, 5.0 * cm)
    side_w = (frame_width - id_w - match_w) / 2
    definitions = {lex["name"]: lex.get("categories", {}) for lex in lexicons}
    versions = {lex["name"]: lex.get("version", "") for lex in lexicons}
    flow: list = []
    current_lexicon = current_category = None
    by_category: dict[tuple[str, str], list[str]] = {}
    for g in groups:
        by_category.setdefault((g.lexicon, g.category), []).append(g.outlet)
    for g in groups:
        if g.lexicon != current_lexicon:
            current_lexicon, current_category = g.lexicon, None
            version = f" (version {escape_markup(versions[g.lexicon])})" if versions.get(g.lexicon) else ""
            flow.append(_heading(f"{escape_markup(g.lexicon)}{version}", styles["h2"], outline=g.lexicon, level=1))
        header: list = []
        if g.category != current_category:
            current_category = g.category
            definition = definitions.get(g.lexicon, {}).get(g.category, "")
            header.append(Paragraph(f"{escape_markup(g.lexicon)}: {escape_markup(g.category)}", styles["h3"]))
            if definition:
                header.append(Paragraph(f"<i>{escape_markup(definition)}</i>", styles["small"]))
            absent = [o for o in outlet_order if o not in by_category[(g.lexicon, g.category)]]
            if absent:
                header.append(Paragraph(f"No match in: {escape_markup(', '.join(absent))}.", styles["small"]))
        rows = []
        for line in g.lines.itertuples(index=False):
            left = _fit_left(" ".join(str(line.left).split()), side_w - 2 * pad, regular, size)
            right = _fit_right(" ".join(str(line.right).split()), side_w - 2 * pad, regular, size)
            rows.append([
                Paragraph(escape_markup(line.article_id), styles["kwic"]),
                Paragraph(escape_markup(left), styles["kwic_right"]),
                Paragraph(f"<b>{escape_markup(_shorten_match(str(line.text)))}</b>", styles["kwic"]),
                Paragraph(escape_markup(right), styles["kwic"]),
            ])
        table = Table(rows, colWidths=[id_w, side_w, match_w, side_w], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("LINEAFTER", (0, 0), (0, -1), 0.4, colors.HexColor("#bbbbbb")),
            ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#fff4d6")),
        ]))
        block = header + [
            Paragraph(f"<b>{escape_markup(g.outlet)}</b> — {g.n_total} match{'es' if g.n_total != 1 else ''}",
                      styles["kwic_outlet"]),
            table,
        ]
        if g.n_more > 0:
            block.append(Paragraph(f"… {g.n_more} more in evidence.jsonl", styles["small"]))
        flow.append(KeepTogether(block))
    return flow
