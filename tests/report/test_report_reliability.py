"""Sourcing and reliability report pages: flowables, saved figures, data-driven findings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageBreak, SimpleDocTemplate

from analysis.report import plots, document as report
from analysis.report import plots_reliability as pr
from analysis.report.pages import reliability as rr

from tests.conftest import SEEDS

ALL_FIGURES = {rr.FIG_VOICES, rr.FIG_ATTRIBUTION, rr.FIG_INDICATORS, rr.FIG_READABILITY, rr.FIG_REUSE}


@pytest.fixture(scope="module")
def seeds_result():
    import analysis

    return analysis.analyze(analysis.read_corpus(SEEDS), model="blank",
                            bootstrap=analysis.BootstrapSettings(n_resamples=100))


def _reuse_long(result) -> pd.DataFrame | None:
    return result.reuse_matrix  # already long: outlet, other_outlet, share, n_words (= reuse.csv)


def _build(tmp_path: Path, articles, outlets, reuse, *, pdf: bool = True):
    order = list(dict.fromkeys(articles["outlet"]))
    saved: list[Path] = []

    def save(fig, name):
        path = plots.save_figure(fig, tmp_path / "figures" / name)
        saved.append(path)
        return path, tuple(fig.get_size_inches())

    margin = report.MARGIN
    n_articles = articles.groupby("outlet").size().to_dict()
    ctx = report.PageContext.create(save, order, small_sample={o: n_articles[o] < 3 for o in order}, n_articles=n_articles)
    story = rr.reliability_pages(ctx, articles=articles, outlets=outlets, reuse=reuse)
    if pdf:
        SimpleDocTemplate(str(tmp_path / "pages.pdf"), pagesize=A4, leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin).build(list(story))
    return story, saved


def test_pages_on_seeds(seeds_result, tmp_path):
    result = seeds_result
    story, saved = _build(tmp_path, result.articles, result.outlets, _reuse_long(result))
    assert story and isinstance(story[0], PageBreak)
    assert sum(isinstance(f, PageBreak) for f in story) >= 6
    names = {p.name for p in saved}
    expected = {rr.FIG_VOICES, rr.FIG_ATTRIBUTION, rr.FIG_INDICATORS, rr.FIG_READABILITY}
    # an own-voice figure for every two-pole lexicon with a defined index (one without matches in the
    # seeds, such as place_naming, gets its page and table but no figure)
    expected |= {
        rr.own_voice_filename(lex)
        for lex in pr.own_voice_lexicons(result.outlets)
        if pr.own_voice_table(result.outlets, lexicon=lex, outlet_order=sorted(result.articles["outlet"].unique()))[["whole", "own"]].notna().any().any()
    }
    assert expected - {rr.FIG_VOICES, rr.FIG_ATTRIBUTION, rr.FIG_INDICATORS, rr.FIG_READABILITY}, "war_naming at least has an own-voice figure"
    if result.reuse_matrix is not None:
        expected.add(rr.FIG_REUSE)
    assert expected <= names
    assert all(p.stat().st_size > 1000 for p in saved)
    assert (tmp_path / "pages.pdf").stat().st_size > 5000


def test_pages_without_sourcing_or_reuse(seeds_result, tmp_path):
    """Actors lexicon not loaded: no voices./sourcing./index_own columns; reuse None → text, no figure."""
    articles = seeds_result.articles
    drop = [c for c in articles.columns if c.startswith(("voices.", "sourcing.", "reuse.")) or c.endswith(".own")
            or c.endswith(".index_own")]
    articles = articles.drop(columns=drop)
    outlets = seeds_result.outlets
    outlets = outlets[~outlets["measure"].str.startswith(("voices.", "sourcing.", "reuse."))
                      & ~outlets["measure"].str.endswith(".index_own")]
    story, saved = _build(tmp_path, articles, outlets, None)
    names = {p.name for p in saved}
    assert names == {rr.FIG_INDICATORS, rr.FIG_READABILITY}
    text = " ".join(getattr(f, "text", "") for f in story)
    assert "actors lexicon was not loaded" in text
    assert "No reuse table" in text


def test_pages_on_empty_tables(tmp_path):
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["x", "y"], "n_tokens": [10, 12]})
    outlets = pd.DataFrame(columns=["outlet", "measure", "n_articles", "estimate", "ci_low", "ci_high", "small_sample"])
    story, saved = _build(tmp_path, articles, outlets, None)
    assert saved == []
    assert sum(isinstance(f, PageBreak) for f in story) == 6


def _synthetic_outlets(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    rows = [{"outlet": o, "measure": m, "n_articles": 10, "estimate": v, "ci_low": v - 0.05, "ci_high": v + 0.05,
             "small_sample": False} for o, ms in values.items() for m, v in ms.items()]
    return pd.DataFrame(rows)


def test_own_voice_finding_follows_data():
    a = _synthetic_outlets({"dpa": {"war_naming.index": -0.33, "war_naming.index_own": -1.0},
                            "rt": {"war_naming.index": 0.9, "war_naming.index_own": 0.95}})
    b = _synthetic_outlets({"dpa": {"war_naming.index": -0.9, "war_naming.index_own": -0.9},
                            "rt": {"war_naming.index": 0.2, "war_naming.index_own": 1.0}})
    poles = ("aggression", "euphemism")
    fa = rr.own_voice_finding(pr.own_voice_table(a, lexicon="war_naming", outlet_order=["dpa", "rt"]),
                              lexicon="war_naming", poles=poles)
    fb = rr.own_voice_finding(pr.own_voice_table(b, lexicon="war_naming", outlet_order=["dpa", "rt"]),
                              lexicon="war_naming", poles=poles)
    assert fa == ("dpa's war_naming index moves from \u22120.33 (whole text) to \u22121.00 (own voice): "
                  "its euphemism terms are mostly quoted.")
    assert fb.startswith("rt's war_naming index moves from 0.20") and "aggression terms are mostly quoted" in fb


def test_reuse_finding_follows_data():
    def long(cells):
        return pd.DataFrame([{"outlet": a, "other_outlet": b, "share": s, "n_words": 100} for (a, b), s in cells.items()])

    m1 = pr.reuse_matrix(long({("a", "a"): 0.3, ("a", "b"): 0.1, ("b", "a"): 0.0, ("b", "b"): 0.05}), ["a", "b"])
    m2 = pr.reuse_matrix(long({("a", "a"): 0.0, ("a", "b"): 0.0, ("b", "a"): 0.42, ("b", "b"): 0.12}), ["a", "b"])
    assert rr.reuse_finding(m1) == ("The largest cross-outlet reuse: 10% of a's words are found in b's articles; "
                                    "the largest within-outlet reuse is 30% in a.")
    assert rr.reuse_finding(m2) == ("The largest cross-outlet reuse: 42% of b's words are found in a's articles; "
                                    "the largest within-outlet reuse is 12% in b.")


def test_voices_and_readability_findings_follow_data():
    articles = pd.DataFrame({
        "outlet": ["x", "x", "y"], "sourcing.attributions": [5, 5, 4],
        "voices.russian_government": [4, 4, 0], "voices.ukrainian_government": [1, 1, 4],
        "voices.russian_government.share": [0.8, 0.8, 0.0], "voices.ukrainian_government.share": [0.2, 0.2, 1.0],
        "voices.resolved_share": [1.0, 1.0, 1.0],
        "readability.flesch_amstad": [30.0, np.nan, 60.0],
    })
    data = pr.voices_table(articles, ["x", "y"])
    assert list(data.columns[4:]) == ["russian_government", "ukrainian_government"]  # resolved_share is no camp
    assert rr.voices_finding(data, ["russian_government", "ukrainian_government"]) == (
        "The russian government camp is heard most: 57% of all 14 attributions with a resolved speaker, "
        "from 80% in x to 0% in y.")
    swapped = articles.assign(**{"voices.russian_government": [0, 0, 4], "voices.ukrainian_government": [5, 5, 0]})
    assert rr.voices_finding(pr.voices_table(swapped, ["x", "y"]), ["russian_government", "ukrainian_government"]) \
        .startswith("The ukrainian government camp is heard most: 71%")
    values = pr.distribution_values(articles, measure="readability.flesch_amstad", outlet_order=["x", "y"])
    assert rr.readability_finding(values, measure="readability.flesch_amstad", n_missing=1) == (
        "Median Flesch–Amstad reading ease (higher = easier) is lowest in x (30.0) and highest in y (60.0). "
        "1 article without a value is left out.")


def test_attribution_finding_follows_data():
    a = _synthetic_outlets({"x": {"sourcing.attributed_sentence_share": 0.5}, "y": {"sourcing.attributed_sentence_share": 0.7}})
    t = pr.measure_table(a, pr.ATTRIBUTION_MEASURES, ["x", "y"])
    assert rr.attribution_finding(t) == "Attributed sentences: from 50% (x) to 70% (y)."
    b = a.assign(estimate=[0.9, 0.2])
    assert rr.attribution_finding(pr.measure_table(b, pr.ATTRIBUTION_MEASURES, ["x", "y"])) == \
        "Attributed sentences: from 20% (y) to 90% (x)."


def test_reuse_figure_many_outlets_keeps_fonts(tmp_path):
    outlets = [f"a rather long outlet name number {i}" for i in range(12)]
    rng = np.random.default_rng(1)
    long = pd.DataFrame([{"outlet": a, "other_outlet": b, "share": float(rng.uniform(0, 0.5)), "n_words": 10}
                         for a in outlets for b in outlets])
    fig = pr.reuse_figure(pr.reuse_matrix(long, outlets), width_in=plots.A4_TEXT_WIDTH_IN)
    assert fig.get_size_inches()[0] == pytest.approx(plots.A4_TEXT_WIDTH_IN)
    fig.canvas.draw()
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels()]
    assert min(sizes) >= 8
