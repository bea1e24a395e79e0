"""Tests of the report layer (analysis/report/document.py, analysis/report/plots.py) on synthetic analysis tables.

The inputs are built here, shaped exactly like the analysis output (articles, outlets, evidence,
lexicons, run_info), with real German phrasing in the evidence.  Figures and the PDF are checked as
files and pages, never as pixels.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.report import plots, document as report
from analysis.errors import QuellenlageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# --------------------------------------------------------------------------------------------
# synthetic inputs
# --------------------------------------------------------------------------------------------
# name_transliteration comes first on purpose: the war_naming pages must still come first
LEXICONS = [
    {
        "name": "name_transliteration",
        "version": "0.2.0",
        "description": "Transliteration of Ukrainian names: Ukrainian-based or Russian-based.",
        "poles": ["ukrainian", "russian"],
        "categories": {"ukrainian": "Selenskyj, Kyjiw", "russian": "Selenskij, Kiew (Russian-based)"},
    },
    {
        "name": "war_naming",
        "version": "1.0.0",
        "description": "How the Russian war against Ukraine is named.",
        "poles": ["aggression", "euphemism"],
        "categories": {
            "aggression": "Names the war as Russia's attack (Krieg gegen die Ukraine, Angriffskrieg, Invasion).",
            "euphemism": "Kremlin wording that avoids 'war' (militärische Spezialoperation, Kampfhandlungen).",
            "conflict": "Symmetric wording (Ukraine-Konflikt, Konflikt in der Ukraine).",
        },
    },
    {
        "name": "hedges",
        "version": "0.1.0",
        "description": "Hedging and boosting expressions.",
        "poles": None,
        "categories": {"hedge": "Weakens a claim (angeblich, soll, offenbar).", "booster": "Strengthens a claim (zweifellos, eindeutig)."},
    },
]

# (lexicon, category, entry_id, surface forms, left context, right context)
ENTRIES = [
    ("war_naming", "aggression", "krieg_gegen", ["Krieg gegen die Ukraine"], "der seit mehr als dreieinhalb Jahren andauernde", "hat Tausende Menschenleben gefordert."),
    ("war_naming", "aggression", "angriffskrieg", ["Angriffskrieges", "Angriffskrieg"], "Seit Beginn des russischen", "gegen die Ukraine sind „Zehntausende“ gestorben."),
    ("war_naming", "aggression", "invasion", ["russische Invasion", "Invasion"], "Seit der", "im Februar 2022 hat Kiew & Partner um Hilfe gebeten."),
    ("war_naming", "euphemism", "spezialoperation", ["militärische Spezialoperation", "Spezialoperation"], "Im Rahmen der", "werden die Ziele »konsequent« verfolgt, sagte Peskow."),
    ("war_naming", "euphemism", "kampfhandlungen", ["Kampfhandlungen"], "Wenn da irgendwelche Streitkräfte auftauchen – besonders jetzt während der", "-, dann gehen wir davon aus, dass sie gesetzmäßige Ziele sind“"),
    ("war_naming", "conflict", "ukraine_konflikt", ["Ukraine-Konflikts", "Ukraine-Konflikt"], "Zur Lösung des", "schlägt Moskau Gespräche vor."),
    ("name_transliteration", "ukrainian", "selenskyj", ["Selenskyj"], "Kremlchef Putin sieht auch in Gesprächen mit", "wenig Sinn."),
    ("name_transliteration", "russian", "selenskij", ["Selenskij", "Wladimir Selenskij"], "Ein Treffen mit", "sei nur in Moskau möglich, hieß es."),
    ("hedges", "hedge", "angeblich", ["angeblich", "soll"], "Die Truppen", "bereits an der Grenze stehen."),
    ("hedges", "booster", "zweifellos", ["zweifellos", "eindeutig"], "Das ist", "ein Angriff auf die europäische Sicherheit."),
]

# outlet style: weight of each entry (higher = more often)
STYLE = {
    "dpa": {"krieg_gegen": 3, "angriffskrieg": 2, "invasion": 2, "kampfhandlungen": 0.3, "selenskyj": 3, "angeblich": 1, "zweifellos": 0.3},
    "rt-de": {"spezialoperation": 3, "kampfhandlungen": 2, "ukraine_konflikt": 1.5, "selenskij": 3, "zweifellos": 1.5, "angeblich": 0.2},
}


def synthetic_inputs(
    outlet_names=("dpa", "rt-de"),
    articles_per_outlet=(12, 3),
    *,
    seed: int = 1,
    lexicons=LEXICONS,
    with_evidence: bool = True,
    threshold: int = 10,
) -> dict:
    """Articles, outlets, evidence, lexicons and run_info shaped like the analysis output."""
    rng = np.random.default_rng(seed)
    lexicon_names = {lex["name"] for lex in lexicons}
    article_rows, evidence_rows = [], []
    for k, (outlet, n_art) in enumerate(zip(outlet_names, articles_per_outlet)):
        style = STYLE.get(outlet) or STYLE["dpa" if k % 2 == 0 else "rt-de"]
        for a in range(n_art):
            article_id = f"{k:03d}_{a:04d}_{rng.integers(16**8):08x}"
            n_tokens = int(rng.integers(250, 900))
            row = {
                "article_id": article_id, "outlet": outlet,
                "date": f"2025-09-{(a % 28) + 1:02d}" if a % 4 else "",
                "title": f"Moskau lehnt Truppen in der Ukraine ab ({a})",
                "n_tokens": n_tokens, "n_sentences": n_tokens // 18,
            }
            pos = 0
            for lexicon, category, entry_id, forms, left, right in ENTRIES:
                if lexicon not in lexicon_names:
                    continue
                count = int(rng.poisson(style.get(entry_id, 0.05) * n_tokens / 600)) if with_evidence else 0
                row[f"{lexicon}.{category}"] = row.get(f"{lexicon}.{category}", 0) + count
                for _ in range(count):
                    text = forms[int(rng.integers(len(forms)))]
                    pos += int(rng.integers(40, 400))
                    evidence_rows.append({
                        "article_id": article_id, "lexicon": lexicon, "entry_id": entry_id, "category": category,
                        "start_char": pos, "end_char": pos + len(text), "text": text,
                        "left": left[-60:], "right": right[:60],
                    })
            for lex in lexicons:
                for cat in lex["categories"]:
                    row.setdefault(f"{lex['name']}.{cat}", 0)
                if lex.get("poles"):
                    lo, hi = (row[f"{lex['name']}.{p}"] for p in lex["poles"])
                    row[f"{lex['name']}.index"] = (hi - lo) / (hi + lo) if hi + lo else np.nan
            article_rows.append(row)
    articles = pd.DataFrame(article_rows)
    evidence = pd.DataFrame(evidence_rows, columns=list(report.REQUIRED_COLUMNS["evidence"]))
    outlets = outlet_table(articles, lexicons, threshold=threshold, rng=rng)
    dates = sorted(d for d in articles["date"] if d)
    run_info = {
        "corpus": "synthetic", "corpus_path": "/data/corpora/synthetic", "generated": "2025-11-23T10:00:00+00:00",
        "package_version": "0.1.0", "pipeline": "blank 'de' + simplemma lemmatizer + sentencizer",
        "n_articles": len(articles), "n_rejected": 2, "n_tokens": int(articles["n_tokens"].sum()),
        "outlets": list(outlet_names), "date_min": dates[0] if dates else "", "date_max": dates[-1] if dates else "",
        "bootstrap": {"n_resamples": 2000, "seed": 0, "ci": 0.95}, "small_sample_threshold": threshold,
        "lexicon_versions": {lex["name"]: lex["version"] for lex in lexicons},
    }
    return {"articles": articles, "outlets": outlets, "evidence": evidence, "lexicons": list(lexicons), "run_info": run_info}


def outlet_table(articles: pd.DataFrame, lexicons, *, threshold: int, rng, n_boot: int = 200) -> pd.DataFrame:
    """Per-outlet pooled rates and indexes with a small bootstrap, as the analysis would produce."""
    rows = []
    for outlet, group in articles.groupby("outlet", sort=False):
        n = len(group)
        samples = rng.integers(0, n, size=(n_boot, n))
        tokens = group["n_tokens"].to_numpy(float)

        def add(measure, numer, denom, transform):
            est = transform(numer.sum(), denom.sum())
            boot = np.array([transform(numer[s].sum(), denom[s].sum()) for s in samples])
            boot = boot[~np.isnan(boot)]
            lo, hi = (np.quantile(boot, [0.025, 0.975]) if n > 1 and len(boot) else (np.nan, np.nan))
            rows.append({"outlet": outlet, "measure": measure, "n_articles": n, "estimate": est,
                         "ci_low": lo, "ci_high": hi, "small_sample": n < threshold})

        for lex in lexicons:
            for cat in lex["categories"]:
                add(f"{lex['name']}.{cat}.per_1000", group[f"{lex['name']}.{cat}"].to_numpy(float), tokens,
                    lambda c, t: c / t * 1000 if t else np.nan)
            if lex.get("poles"):
                left, right = (group[f"{lex['name']}.{p}"].to_numpy(float) for p in lex["poles"])
                add(f"{lex['name']}.index", right - left, right + left, lambda d, s: d / s if s else np.nan)
    return pd.DataFrame(rows)


def page_count(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def is_landscape_page_present(pdf: Path) -> bool:
    return bool(re.search(rb"/MediaBox \[\s*0 0 841\.8898", pdf.read_bytes()))


@pytest.fixture(scope="module")
def two_outlet_report(tmp_path_factory):
    inputs = synthetic_inputs()
    out = tmp_path_factory.mktemp("report2")
    return inputs, report.write_report(out, **inputs)


# --------------------------------------------------------------------------------------------
# the whole report
# --------------------------------------------------------------------------------------------
def test_report_writes_pdf_and_all_figures(two_outlet_report):
    inputs, result = two_outlet_report
    assert [lex["name"] for lex in inputs["lexicons"]][:2] == ["name_transliteration", "war_naming"]
    pdf = result["pdf"]
    assert pdf.name == "report.pdf" and pdf.read_bytes().startswith(b"%PDF")
    names = [p.name for p in result["figures"]]
    assert names == [
        "rates_heatmap.png",
        "index_war_naming.png", "index_name_transliteration.png",
        "terms_war_naming.png", "terms_name_transliteration.png",
    ]
    for path in result["figures"]:
        assert path.parent == pdf.parent / "figures"
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_report_page_list(two_outlet_report):
    _, result = two_outlet_report
    data = result["pdf"].read_bytes()
    # title + method + heatmap + 2 index pages + 2 term-choice pages + at least one evidence page
    assert page_count(result["pdf"]) >= 8
    assert is_landscape_page_present(result["pdf"])  # the heatmap page
    # the PDF outline names the sections in page order
    outline = [m.decode() for m in re.findall(rb"/Title \(([^)]*)\)", data)]
    expected = ["Quellenlage report: synthetic", "Method", "Rates by outlet and category", "Index: war_naming",
                "Index: name_transliteration", "Term choice: war_naming", "Term choice: name_transliteration", "Evidence",
                # evidence sections per lexicon, in lexicon order
                "name_transliteration", "war_naming", "hedges"]
    positions = [outline.index(title) for title in expected]
    assert positions == sorted(positions)


def test_one_outlet_without_evidence_still_gives_a_pdf(tmp_path):
    inputs = synthetic_inputs(("dpa",), (1,), with_evidence=False)
    assert inputs["evidence"].empty
    result = report.write_report(tmp_path, **inputs)
    assert result["pdf"].read_bytes().startswith(b"%PDF")
    # nothing to plot: no heatmap (all zero), no index (all NaN), no term choice → no figures
    assert result["figures"] == []
    assert list((tmp_path / "figures").glob("*.png")) == []
    # title, heatmap sentence, 2 index pages, 2 term pages, evidence sentence
    assert page_count(result["pdf"]) == 14  # title, method, heatmap, 2 index, 2 terms, 6 sourcing/reliability, evidence


def test_evidence_frame_without_columns_counts_as_no_evidence(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (2, 2), with_evidence=False)
    inputs["evidence"] = pd.DataFrame()
    result = report.write_report(tmp_path, **inputs)
    assert page_count(result["pdf"]) == 14  # title, method, heatmap, 2 index, 2 terms, 6 sourcing/reliability, evidence


def test_outlet_with_nan_index_is_not_a_point_but_the_pdf_builds(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de", "stille-post"), (4, 3, 2))
    outlets = inputs["outlets"]
    mask = (outlets["outlet"] == "stille-post") & (outlets["measure"] == "war_naming.index")
    outlets.loc[mask, ["estimate", "ci_low", "ci_high"]] = np.nan
    result = report.write_report(tmp_path, **inputs)
    assert (tmp_path / "figures" / "index_war_naming.png").exists()
    table = plots.index_table(outlets, lexicon="war_naming", outlet_order=["dpa", "rt-de", "stille-post"])
    assert table["estimate"].isna().tolist() == [False, False, True]
    assert "stille-post" in report.index_finding(table, lexicon="war_naming", poles=["aggression", "euphemism"])
    assert result["pdf"].read_bytes().startswith(b"%PDF")


def test_ten_outlets_with_long_names(tmp_path):
    names = [f"Regionalzeitung Nummer {i} für Süd-Nord-Westfalen" if i % 3 == 0 else f"outlet-{i}" for i in range(10)]
    inputs = synthetic_inputs(tuple(names), tuple([3, 12, 1, 5, 2, 15, 4, 1, 2, 9]), seed=3)
    result = report.write_report(tmp_path, **inputs)
    assert len(result["figures"]) == 5
    assert page_count(result["pdf"]) >= 7


def test_markup_characters_in_names_and_evidence_do_not_break_the_pdf(tmp_path):
    inputs = synthetic_inputs(("Bild & <Co>", "rt-de"), (2, 2), seed=4)
    inputs["run_info"]["corpus"] = "Korpus <Test> & „Zitate“"
    ev = inputs["evidence"]
    assert not ev.empty
    ev.loc[ev.index[0], ["left", "text", "right"]] = ["<script> AT&T „Zitat“ »so«", "Krieg <b>", "</para> & 1 < 2"]
    result = report.write_report(tmp_path, **inputs)
    assert result["pdf"].read_bytes().startswith(b"%PDF")
    assert len(result["figures"]) == 5


def test_single_outlet_with_evidence_gets_every_figure(tmp_path):
    inputs = synthetic_inputs(("rt-de",), (1,))
    assert not inputs["evidence"].empty
    result = report.write_report(tmp_path, **inputs)
    assert len(result["figures"]) == 5
    assert page_count(result["pdf"]) >= 7


def test_duplicate_article_ids_raise(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (2, 2))
    articles = inputs["articles"]
    articles.loc[1, "article_id"] = articles.loc[0, "article_id"]
    with pytest.raises(QuellenlageError, match="duplicate article_id"):
        report.write_report(tmp_path, **inputs)


def test_markup_would_break_reportlab_without_escaping():
    """Guards the test above: unescaped text like this is rejected by reportlab's parser."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    with pytest.raises(ValueError):
        Paragraph("Krieg <script> </para>", getSampleStyleSheet()["Normal"])
    Paragraph(report.escape_markup("Krieg <script> </para>"), getSampleStyleSheet()["Normal"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AT&T", "AT&amp;T"),
        ("1 < 2 > 0", "1 &lt; 2 &gt; 0"),
        ("<b>fett</b>", "&lt;b&gt;fett&lt;/b&gt;"),
        ("Zeile\nzwei", "Zeile zwei"),
        ("„Spezialoperation“ »so« ß", "„Spezialoperation“ »so« ß"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_escape_markup(raw, expected):
    assert report.escape_markup(raw) == expected


# --------------------------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("table", "column"),
    [("articles", "n_tokens"), ("outlets", "ci_low"), ("evidence", "left"), ("outlets", "small_sample")],
)
def test_missing_column_raises(tmp_path, table, column):
    inputs = synthetic_inputs(("dpa", "rt-de"), (2, 2))
    inputs[table] = inputs[table].drop(columns=[column])
    with pytest.raises(QuellenlageError, match=rf"{table}.*{column}"):
        report.write_report(tmp_path, **inputs)
    assert not (tmp_path / "report.pdf").exists()


def test_lexicon_with_bad_poles_raises(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (2, 2))
    inputs["lexicons"] = [dict(inputs["lexicons"][0], poles=["aggression", "frieden"])] + inputs["lexicons"][1:]
    with pytest.raises(QuellenlageError, match="poles"):
        report.write_report(tmp_path, **inputs)


# --------------------------------------------------------------------------------------------
# the finding sentence
# --------------------------------------------------------------------------------------------
def _index_rows(*rows):
    return pd.DataFrame(rows, columns=["outlet", "n_articles", "estimate", "ci_low", "ci_high", "small_sample"])


POLES = ["aggression", "euphemism"]


def test_finding_names_both_extremes_from_the_data():
    table = _index_rows(("dpa", 2, -0.75, -1.0, -0.5, True), ("rt-de", 1, 0.6, np.nan, np.nan, True),
                        ("taz", 14, -0.1, -0.3, 0.1, False))
    sentence = report.index_finding(table, lexicon="war_naming", poles=POLES)
    assert sentence.startswith("rt-de leans most towards 'euphemism' (index 0.60, n=1, small sample); "
                               "dpa most towards 'aggression' (\u22120.75, n=2, small sample).")


def test_finding_changes_with_the_data():
    a = _index_rows(("dpa", 20, -0.8, -0.9, -0.7, False), ("rt-de", 15, 0.7, 0.5, 0.9, False))
    b = _index_rows(("dpa", 20, 0.3, 0.1, 0.5, False), ("rt-de", 15, -0.4, -0.6, -0.2, False))
    sa = report.index_finding(a, lexicon="war_naming", poles=POLES)
    sb = report.index_finding(b, lexicon="war_naming", poles=POLES)
    assert sa != sb
    assert sa.startswith("rt-de leans most towards 'euphemism' (index 0.70, n=15)")
    assert sb.startswith("dpa leans most towards 'euphemism' (index 0.30, n=20)")
    assert "do not overlap" in sa and "do not overlap" in sb


def test_finding_overlapping_cis():
    table = _index_rows(("dpa", 20, -0.2, -0.6, 0.2, False), ("rt-de", 15, 0.1, -0.3, 0.5, False))
    assert "CIs overlap" in report.index_finding(table, lexicon="war_naming", poles=POLES)


def test_finding_all_on_one_side():
    table = _index_rows(("dpa", 20, -0.9, np.nan, np.nan, False), ("taz", 12, -0.2, np.nan, np.nan, False))
    sentence = report.index_finding(table, lexicon="war_naming", poles=POLES)
    assert sentence == ("All outlets with pole terms lean towards 'aggression' or are balanced: "
                        "dpa most (index \u22120.90, n=20), taz least (\u22120.20, n=12).")


def test_finding_names_ties():
    table = _index_rows(("a", 1, 1.0, np.nan, np.nan, True), ("b", 2, 1.0, np.nan, np.nan, True),
                        ("c", 3, -0.5, np.nan, np.nan, True))
    sentence = report.index_finding(table, lexicon="war_naming", poles=POLES)
    assert sentence.startswith("a (and 1 other at the same index) leans most towards 'euphemism'")


def test_finding_all_nan_and_single_and_empty():
    all_nan = _index_rows(("dpa", 2, np.nan, np.nan, np.nan, True), ("rt-de", 1, np.nan, np.nan, np.nan, True))
    assert report.index_finding(all_nan, lexicon="war_naming", poles=POLES) == (
        "No outlet uses a term of either pole ('aggression' or 'euphemism'), "
        "so war_naming.index is undefined for all 2 outlets.")
    single = _index_rows(("dpa", 2, -1.0, np.nan, np.nan, True), ("rt-de", 1, np.nan, np.nan, np.nan, True))
    assert report.index_finding(single, lexicon="war_naming", poles=POLES) == (
        "Only dpa uses terms of either pole; it leans towards 'aggression' (index \u22121.00, n=2, small sample). "
        "No pole term at all in: rt-de.")
    assert "no outlets" in report.index_finding(_index_rows(), lexicon="war_naming", poles=POLES)
    one_nan = _index_rows(("dpa", 1, np.nan, np.nan, np.nan, True))
    assert report.index_finding(one_nan, lexicon="war_naming", poles=POLES).endswith("undefined for dpa.")


# --------------------------------------------------------------------------------------------
# keyword in context
# --------------------------------------------------------------------------------------------
def test_kwic_groups_cap_lines_and_count_the_rest():
    articles = pd.DataFrame({"article_id": ["a1", "a2", "b1"], "outlet": ["dpa", "dpa", "rt-de"]})
    ev = pd.DataFrame(
        [("a1", "war_naming", "krieg", "aggression", i * 10, i * 10 + 5, "Krieg", "l", "r") for i in range(8)]
        + [("a2", "war_naming", "krieg", "aggression", 0, 5, "Krieg", "l", "r")]
        + [("b1", "war_naming", "spezialoperation", "euphemism", 3, 20, "Spezialoperation", "l", "r")]
        + [("zz", "war_naming", "krieg", "aggression", 0, 5, "Krieg", "l", "r")],  # unknown article: dropped
        columns=list(report.REQUIRED_COLUMNS["evidence"]),
    )
    groups = report.kwic_groups(ev, articles, lexicons=LEXICONS, outlet_order=["rt-de", "dpa"], max_lines=6)
    assert [(g.category, g.outlet, len(g.lines), g.n_more) for g in groups] == [
        ("aggression", "dpa", 6, 3), ("euphemism", "rt-de", 1, 0)]
    # round-robin over articles: the single match of a2 is among the six lines
    assert "a2" in set(groups[0].lines["article_id"])
    assert report.kwic_groups(ev.iloc[0:0], articles, lexicons=LEXICONS, outlet_order=["dpa"]) == []


# --------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------
def test_palette_is_stable_and_cycles():
    names = [f"o{i}" for i in range(10)]
    pal = plots.outlet_palette(names)
    assert list(pal) == names
    assert pal["o0"] == plots.OKABE_ITO[0] and pal["o8"] == plots.OKABE_ITO[0]
    assert len(set(list(pal.values())[:8])) == 8
    assert plots.outlet_palette(["b", "a"])["b"] == plots.OKABE_ITO[0]


def test_rate_table_follows_lexicon_and_outlet_order():
    inputs = synthetic_inputs(("dpa", "rt-de"), (3, 2))
    table = plots.rate_table(inputs["outlets"], LEXICONS, outlet_order=["rt-de", "dpa"])
    assert list(table.index) == ["rt-de", "dpa"]
    assert list(table.columns)[:5] == [("name_transliteration", "ukrainian"), ("name_transliteration", "russian"),
                                       ("war_naming", "aggression"), ("war_naming", "euphemism"), ("war_naming", "conflict")]
    expected = inputs["outlets"].set_index(["outlet", "measure"]).loc[("dpa", "war_naming.aggression.per_1000"), "estimate"]
    assert table.loc["dpa", ("war_naming", "aggression")] == pytest.approx(expected)


def test_term_choice_rates_are_counts_per_1000_tokens():
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["dpa", "dpa", "rt-de"], "n_tokens": [400, 600, 500]})
    ev = pd.DataFrame(
        [("a", "war_naming", "krieg", "aggression", 0, 5, "Krieg", "", ""),
         ("b", "war_naming", "krieg", "aggression", 0, 5, "Krieg", "", ""),
         ("c", "war_naming", "spezialoperation", "euphemism", 0, 29, "militärische Spezialoperation", "", "")],
        columns=list(report.REQUIRED_COLUMNS["evidence"]),
    )
    data = plots.term_choice_table(ev, articles, lexicon="war_naming", categories=["aggression", "euphemism"],
                                   outlet_order=["dpa", "rt-de"])
    rates = data.set_index(["entry_id", "outlet"])["per_1000"]
    assert rates[("krieg", "dpa")] == pytest.approx(2.0)  # 2 matches / 1000 tokens
    assert rates[("krieg", "rt-de")] == 0
    assert rates[("spezialoperation", "rt-de")] == pytest.approx(2.0)
    labels = dict(zip(data["entry_id"], data["label"]))
    assert labels == {"krieg": "krieg", "spezialoperation": "„militärische Spezialoperation“"}


@pytest.mark.parametrize("kind", ["heatmap", "index", "terms"])
def test_plot_helpers_explain_empty_data(kind):
    fig = Figure()
    ax = fig.add_subplot()
    if kind == "heatmap":
        plots.plot_rate_heatmap(ax, pd.DataFrame())
    elif kind == "index":
        plots.plot_index(ax, _index_rows(), lexicon="war_naming", poles=POLES)
    else:
        plots.plot_term_choice(ax, pd.DataFrame(), lexicon="war_naming")
    texts = [t.get_text() for t in ax.texts]
    assert not ax.axison and len(texts) == 1 and texts[0]


def test_index_plot_writes_no_match_for_nan_outlets():
    fig = Figure()
    ax = fig.add_subplot()
    data = _index_rows(("dpa", 2, -0.75, -1.0, -0.5, True), ("rt-de", 1, np.nan, np.nan, np.nan, True))
    plots.plot_index(ax, data, lexicon="war_naming", poles=POLES)
    texts = [t.get_text() for t in ax.texts]
    assert "no match" in texts and "← aggression" in texts and "euphemism →" in texts
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["dpa (n=2)*", "rt-de (n=1)*"]


def test_figures_print_at_least_8_pt_and_fit_a4(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (3, 12))
    order = inputs["run_info"]["outlets"]
    n = {"dpa": 3, "rt-de": 12}
    small = {"dpa": True, "rt-de": False}
    figs = [
        plots.rate_heatmap_figure(plots.rate_table(inputs["outlets"], LEXICONS, outlet_order=order), n_articles=n, small_sample=small),
        plots.index_figure(plots.index_table(inputs["outlets"], lexicon="war_naming", outlet_order=order), lexicon="war_naming", poles=POLES),
        plots.term_choice_figure(plots.term_choice_table(inputs["evidence"], inputs["articles"], lexicon="war_naming", outlet_order=order),
                                 lexicon="war_naming", outlets=order),
    ]
    for fig in figs:
        sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")) if t.get_text()]
        assert sizes and min(sizes) >= 8
        width, height = fig.get_size_inches()
        assert width <= plots.A4_TEXT_HEIGHT_IN + 1e-6 and height <= plots.A4_TEXT_HEIGHT_IN
        path = plots.save_figure(fig, tmp_path / "f.png")
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_outlet_label_shows_n_and_small_sample_and_wraps():
    assert plots.outlet_label("dpa", 2, True) == "dpa (n=2)*"
    assert plots.outlet_label("dpa", 12, False) == "dpa (n=12)"
    assert plots.outlet_label("dpa", float("nan")) == "dpa (n=?)"
    long = plots.outlet_label("Regionalzeitung Nummer 3 für Süd-Nord-Westfalen", 5, True, wrap=26)
    assert long.count("\n") == 1 and long.endswith("(n=5)*")
    assert all(len(line) <= 26 + 7 for line in long.split("\n"))


def test_heatmap_labels_columns_lexicon_category_and_rows_with_n():
    inputs = synthetic_inputs(("dpa", "rt-de"), (12, 3))
    table = plots.rate_table(inputs["outlets"], LEXICONS, outlet_order=["dpa", "rt-de"])
    fig = Figure(figsize=(9, 4))
    ax = fig.add_subplot()
    plots.plot_rate_heatmap(ax, table, n_articles={"dpa": 12, "rt-de": 3}, small_sample={"rt-de": True})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dpa (n=12)", "rt-de (n=3)*"]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert columns[0] == "name_transliteration: ukrainian" and columns[-1] == "hedges: booster"
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == table.size  # every cell annotated
    assert plots.format_rate(table.loc["dpa", ("war_naming", "aggression")]) in cell_texts


def test_term_choice_figure_fits_the_height_it_is_given():
    outlets = [f"Zeitung {i}" for i in range(12)]
    rows = [("aggression" if k % 2 else "euphemism", f"eintrag_{k}", f"eintrag_{k}", o, 1, 1000, 1.0 + k % 3)
            for k in range(40) for o in outlets]
    data = pd.DataFrame(rows, columns=["category", "entry_id", "label", "outlet", "count", "n_tokens", "per_1000"])
    capacity = plots.term_choice_capacity(outlets, 2, 8.0)
    assert 5 <= capacity < 40
    fig = plots.term_choice_figure(data, lexicon="war_naming", outlets=outlets, max_entries=capacity)
    assert fig.get_size_inches()[1] <= 8.0 + 1e-6
    ax = fig.axes[0]
    entries = [t.get_text() for t in ax.get_yticklabels() if t.get_text().startswith("  ")]
    assert len(entries) == capacity


def test_heatmap_columns_are_split_at_lexicon_borders():
    columns = [("a", f"c{i}") for i in range(5)] + [("b", f"c{i}") for i in range(4)] + [("c", f"c{i}") for i in range(12)]
    chunks = report._chunk_heatmap_columns(columns, 10)
    assert [len(c) for c in chunks] == [9, 10, 2]
    assert {lex for lex, _ in chunks[0]} == {"a", "b"}
    assert sum(chunks, []) == columns


def test_no_articles_at_all_still_gives_a_pdf(tmp_path):
    inputs = synthetic_inputs(("dpa",), (1,), with_evidence=False)
    inputs["articles"] = inputs["articles"].iloc[0:0]
    inputs["outlets"] = inputs["outlets"].iloc[0:0]
    inputs["run_info"]["outlets"] = []
    result = report.write_report(tmp_path, **inputs)
    assert result["figures"] == []
    assert page_count(result["pdf"]) == 14  # title, method, heatmap, 2 index, 2 terms, 6 sourcing/reliability, evidence


def test_finding_states_how_many_matches_carry_the_index():
    table = pd.DataFrame(
        [("jw", 300, 1.0, 1.0, 1.0, False, 1.0), ("zeit", 300, -0.75, -1.0, 0.0, False, 12.0)],
        columns=["outlet", "n_articles", "estimate", "ci_low", "ci_high", "small_sample", "n_matches"],
    )
    sentence = report.index_finding(table, lexicon="war_naming", poles=POLES)
    assert "(index 1.00, n=300, 1 match)" in sentence and "n=300, 12 matches" in sentence


def test_rates_and_term_choice_findings_are_computed_from_data():
    rates = pd.DataFrame(
        [[11.8, 0.0], [1.2, 7.0]],
        index=["rt-de", "dpa"],
        columns=pd.MultiIndex.from_tuples([("war_naming", "euphemism"), ("war_naming", "aggression")]),
    )
    sentence = report.rates_finding(rates)
    assert sentence.startswith("The widest gaps between outlets: war_naming: euphemism (rt-de 11.8 vs dpa 1.2")
    assert "war_naming: aggression (dpa 7.0 vs rt-de 0" in sentence
    assert report.rates_finding(rates * 0) == "No category matched in any outlet."
    terms = pd.DataFrame(
        {"category": ["euphemism", "aggression", "aggression"], "entry_id": ["k", "a", "a"],
         "label": ["„Kampfhandlungen“", "„Angriffskrieg“", "„Angriffskrieg“"], "outlet": ["rt-de", "dpa", "rt-de"],
         "count": [3, 2, 0], "n_tokens": [400, 800, 400], "per_1000": [7.5, 2.5, 0.0]}
    )
    finding = report.term_choice_finding(terms, outlet_order=["dpa", "rt-de"])
    assert finding == "Most used entry per outlet — dpa: „Angriffskrieg“ (aggression); rt-de: „Kampfhandlungen“ (euphemism)."


def test_trend_page_only_when_the_corpus_spans_more_than_a_month(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (6, 6))
    inputs["articles"]["date"] = ["2022-03-01", "2022-04-02", "2022-05-03", "2022-06-04", "2022-07-05", "2022-08-06"] * 2
    result = report.write_report(tmp_path / "long", **inputs)
    names = [p.name for p in result["figures"]]
    assert any(n.startswith("trend_") for n in names)
    trend = plots.index_trend_table(inputs["articles"], lexicon="war_naming", poles=["aggression", "euphemism"],
                                    outlet_order=["dpa", "rt-de"])
    assert set(trend.columns) == {"outlet", "month", "n_articles", "n_matches", "index"}
    assert trend["n_articles"].sum() == 12
    inputs["articles"]["date"] = "2022-03-01"
    result = report.write_report(tmp_path / "short", **inputs)
    assert not any(p.name.startswith("trend_") for p in result["figures"])


def test_very_long_matches_are_shortened_in_the_evidence_pages(tmp_path):
    inputs = synthetic_inputs(("dpa", "rt-de"), (2, 2))
    long_text = "Wir betrachten dies als eine Gefahr für uns " * 60
    inputs["evidence"].loc[0, "text"] = long_text
    result = report.write_report(tmp_path, **inputs)  # a 2,600-character match must not break the layout
    assert result["pdf"].is_file()
    short = report._shorten_match(long_text)
    assert len(short) <= report.KWIC_MATCH_CHARS and " … " in short


def test_evidence_appendix_can_be_switched_off_while_term_choice_stays(tmp_path):
    """--evidence-lines 0: no keyword-in-context pages, but term-choice pages still count every match."""
    from analysis.stats.evidence import EvidenceSummary

    inputs = synthetic_inputs()
    full = report.write_report(tmp_path / "full", **inputs)
    inputs["evidence"] = EvidenceSummary.from_frame(inputs["evidence"], inputs["articles"], max_lines=0)
    assert inputs["evidence"].n_lines > 0 and not any(inputs["evidence"].samples.values())
    off = report.write_report(tmp_path / "off", **inputs)
    assert [p.name for p in off["figures"]] == [p.name for p in full["figures"]]  # term choice pages kept
    assert page_count(off["pdf"]) < page_count(full["pdf"])
    outline = [m.decode() for m in re.findall(rb"/Title \(([^)]*)\)", off["pdf"].read_bytes())]
    assert "Evidence" in outline and "war_naming" not in outline[outline.index("Evidence"):]
