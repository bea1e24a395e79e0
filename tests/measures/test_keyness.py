"""Keyness: term counting rule, the Monroe et al. (2008) formula on hand-computed counts, the tidy
table's invariants, the mergeable accumulator, and the report page."""

from __future__ import annotations

import math
import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageBreak, SimpleDocTemplate

from analysis.report import plots, document as report
from analysis.report.pages import keyness as rk
from analysis.measures.keyness import (
    KEYNESS_COLUMNS,
    OutletTermCounts,
    TermCountSpool,
    keyness_from_docs,
    keyness_table,
    log_odds_dirichlet,
    term_counts,
)


@pytest.fixture(scope="module")
def base_nlp():
    from analysis.processing.nlp import load_base_pipeline

    return load_base_pipeline("blank")


# --------------------------------------------------------------------------------------------
# term_counts: which tokens are terms
# --------------------------------------------------------------------------------------------
COUNT_CASES = [
    # text, terms that must be counted, terms that must not be counted (lower-cased lemmas)
    ("Die militärische Spezialoperation. Kiew meldet 2022 neue Angriffe, Moskau schweigt.",
     {"militärisch", "spezialoperation", "kiew", "angriff", "moskau"},
     {"der", "die", "2022", ".", ","}),
    ("Er sagte, dass die Nato-Staaten mehr Waffen liefern: siehe https://example.org/x oder info@example.org.",
     {"nato-staat", "waffe", "liefern"},
     {"er", "dass", "oder", "https://example.org/x", "info@example.org", ":"}),
    ("Die EU und die UN verurteilen den Angriffskrieg gegen die Ukraine.",
     {"eu", "un", "verurteilen", "angriffskrieg", "ukraine"},
     {"und", "gegen", "den"}),
]


@pytest.mark.parametrize("text,present,absent", COUNT_CASES)
def test_term_counts_rule(base_nlp, text, present, absent):
    counts = term_counts(base_nlp(text))
    assert present <= set(counts), (present - set(counts), counts)
    assert not (absent & set(counts)), absent & set(counts)
    assert all(" " not in t for t in counts)  # unigrams only by default


def test_ngrams_do_not_cross_sentences_punctuation_or_stop_words(base_nlp):
    doc = base_nlp("Die militärische Spezialoperation. Kiew meldet heftige Angriffe, Moskau schweigt und Kiew meldet.")
    counts = term_counts(doc, ngram_max=3)
    assert counts["militärisch spezialoperation"] == 1
    assert counts["kiew melden"] == 2
    assert counts["kiew"] == 2 and counts["melden"] == 2
    assert "spezialoperation kiew" not in counts  # sentence boundary
    assert "angriff moskau" not in counts  # comma
    assert "schweigen kiew" not in counts  # stop word "und" ends the run
    assert counts["melden heftig angriff"] == 1  # trigram inside one run


def test_term_counts_skip_and_validation(base_nlp):
    doc = base_nlp("Die militärische Spezialoperation geht weiter.")
    skipped = term_counts(doc, ngram_max=2, skip={1, 2})
    assert "militärisch" not in skipped and "spezialoperation" not in skipped
    assert "militärisch spezialoperation" not in skipped
    assert term_counts(base_nlp("")) == Counter()
    with pytest.raises(ValueError):
        term_counts(doc, ngram_max=0)


# --------------------------------------------------------------------------------------------
# the formula, computed by hand
# --------------------------------------------------------------------------------------------
# Two outlets, three words. A: x=4, y=2, z=0 (n=6); B: x=1, y=3, z=2 (n=6).
# Pooled: x=5, y=5, z=2 (N=12). With prior_scale a_0 = 12 the prior a_w = 12 * pooled share
# equals the pooled counts: a_x = 5, a_y = 5, a_z = 2.  For outlet A against the rest (= B):
#   x: log((4+5)/(6+12-4-5)) - log((1+5)/(6+12-1-5)) = log(9/9) - log(6/12) = log 2;   var = 1/9 + 1/6
#   y: log((2+5)/(6+12-2-5)) - log((3+5)/(6+12-3-5)) = log(7/11) - log(8/10);        var = 1/7 + 1/8
#   z: log((0+2)/(6+12-0-2)) - log((2+2)/(6+12-2-2)) = log(2/16) - log(4/14);        var = 1/2 + 1/4
HAND = {
    "x": (math.log(2), 1 / 9 + 1 / 6),
    "y": (math.log(7 / 11) - math.log(8 / 10), 1 / 7 + 1 / 8),
    "z": (math.log(2 / 16) - math.log(4 / 14), 1 / 2 + 1 / 4),
}


def _two_outlets() -> OutletTermCounts:
    sums = OutletTermCounts()
    sums.add("A", Counter({"x": 3, "y": 2}), n_tokens=50)
    sums.add("A", Counter({"x": 1}), n_tokens=50)
    sums.add("B", Counter({"x": 1, "y": 3, "z": 2}), n_tokens=200)
    return sums


def test_log_odds_dirichlet_matches_hand_computation():
    delta, var, z = log_odds_dirichlet(np.array([4, 2, 0]), np.array([1, 3, 2]), np.array([5.0, 5.0, 2.0]))
    for k, word in enumerate("xyz"):
        d, v = HAND[word]
        assert delta[k] == pytest.approx(d)
        assert var[k] == pytest.approx(v)
        assert z[k] == pytest.approx(d / math.sqrt(v))


def test_keyness_table_matches_hand_computation():
    table = keyness_table(_two_outlets(), min_count=1, prior_scale=12)
    assert list(table.columns) == KEYNESS_COLUMNS
    a = table[table["outlet"] == "A"].set_index("term")
    for word, (d, v) in HAND.items():
        assert a.loc[word, "log_odds"] == pytest.approx(d)
        assert a.loc[word, "z"] == pytest.approx(d / math.sqrt(v))
    assert a.loc["x", "count_outlet"] == 4 and a.loc["x", "count_rest"] == 1
    assert a.loc["x", "n_articles_with_term"] == 2
    assert a.loc["x", "rate_outlet_per_1000"] == pytest.approx(1000 * 4 / 100)
    assert a.loc["x", "rate_rest_per_1000"] == pytest.approx(1000 * 1 / 200)
    # sorted by z within the outlet
    assert list(a.index) == ["x", "y", "z"]


def test_two_outlets_are_symmetric():
    table = keyness_table(_two_outlets(), min_count=1, prior_scale=12)
    z = table.pivot(index="term", columns="outlet", values="z")
    np.testing.assert_allclose(z["A"], -z["B"])


def test_min_count_top_and_empty_inputs():
    sums = _two_outlets()
    table = keyness_table(sums, min_count=5, prior_scale=12)
    assert set(table["term"]) == {"x", "y"}  # z has a pooled count of 2
    assert (table["count_outlet"] + table["count_rest"] >= 5).all()
    assert keyness_table(sums, min_count=1, top=1).groupby("outlet").size().tolist() == [1, 1]
    for empty in (keyness_table(OutletTermCounts()), keyness_table(sums, min_count=100)):
        assert empty.empty and list(empty.columns) == KEYNESS_COLUMNS
    one = OutletTermCounts()
    one.add("A", Counter({"x": 20}), 100)
    assert keyness_table(one, min_count=1).empty  # no "rest" to compare with
    with pytest.raises(ValueError):
        keyness_table(sums, prior_scale=0)


def test_three_outlets_rest_is_all_others_pooled():
    sums = _two_outlets()
    sums.add("C", Counter({"x": 2, "z": 1}), n_tokens=40)
    table = keyness_table(sums, min_count=1, prior_scale=10).set_index(["outlet", "term"])
    # rest of A = B + C
    assert table.loc[("A", "x"), "count_rest"] == 3
    pooled = {"x": 7, "y": 5, "z": 3}
    alpha = np.array([10 * pooled[w] / 15 for w in "xyz"])
    _delta, _v, z = log_odds_dirichlet(np.array([4, 2, 0]), np.array([3, 3, 3]), alpha, alpha_0=10)
    for k, w in enumerate("xyz"):
        assert table.loc[("A", w), "z"] == pytest.approx(z[k])


def test_merge_equals_single_accumulation_and_pickles():
    whole = _two_outlets()
    part1, part2 = OutletTermCounts(), OutletTermCounts()
    part1.add("A", Counter({"x": 3, "y": 2}), n_tokens=50)
    part2.add("A", Counter({"x": 1}), n_tokens=50)
    part2.add("B", Counter({"x": 1, "y": 3, "z": 2}), n_tokens=200)
    merged = pickle.loads(pickle.dumps(part1)).merge(part2)
    pd.testing.assert_frame_equal(keyness_table(whole, min_count=1), keyness_table(merged, min_count=1))
    assert merged.n_articles == Counter({"A": 2, "B": 1})


def test_prune_drops_rare_terms_without_changing_other_estimates():
    sums = _two_outlets()
    before = keyness_table(sums, min_count=3).set_index(["outlet", "term"])
    assert sums.prune(3) == 1  # z: pooled count 2
    assert "z" not in sums.counts["B"] and "z" not in sums.doc_freq["B"]
    after = keyness_table(sums, min_count=3).set_index(["outlet", "term"])
    pd.testing.assert_frame_equal(before, after)
    assert sums.pruned_below == 3


def _random_parts(n_parts=40, seed=7):
    """Worker partial sums over three outlets: German lemmas and bigrams with a long tail of rare ones."""
    rng = np.random.default_rng(seed)
    common = ["krieg", "ukraine", "spezialoperation", "kampfhandlung", "selenskyj", "kreml", "sanktion",
              "impfpflicht", "corona-maßnahme", "krieg gegen", "militärisch spezialoperation"]
    rare = [f"einzelwort{k}" for k in range(300)] + [f"komposit{k}-debatte" for k in range(100)]
    parts = []
    for _ in range(n_parts):
        part = OutletTermCounts()
        for outlet in ("dpa", "rt_de", "taz"):
            for _article in range(int(rng.integers(1, 4))):
                words = list(rng.choice(common, size=int(rng.integers(5, 30)))) + list(rng.choice(rare, size=int(rng.integers(0, 6))))
                part.add(outlet, Counter(words), n_tokens=len(words) + int(rng.integers(10, 50)))
        parts.append(part)
    return parts


@pytest.mark.parametrize("n_buckets", [1, 4, 64])
def test_spooled_term_counts_give_the_in_memory_table(tmp_path, n_buckets):
    parts = _random_parts()
    whole = OutletTermCounts()
    for part in parts:
        whole.merge(pickle.loads(pickle.dumps(part)))
    expected = keyness_table(whole, min_count=3)
    with TermCountSpool(tmp_path, max_entries=50, n_buckets=n_buckets) as spool:
        for part in parts:
            spool.merge(part)
        assert spool.n_spills > 5 and any(tmp_path.iterdir())  # spilled to disk while merging
        reduced = spool.reduced(3)
    assert list(tmp_path.iterdir()) == []  # the spool folder is gone after use
    pd.testing.assert_frame_equal(keyness_table(reduced, min_count=3), expected)
    # exactly the terms with a pooled count >= 3, with their full counts and article counts
    pooled = whole.pooled()
    assert set(reduced.pooled()) == {t for t, c in pooled.items() if c >= 3}
    for outlet in whole.outlets:
        for term, c in reduced.counts[outlet].items():
            assert c == whole.counts[outlet][term]
            assert reduced.doc_freq[outlet][term] == whole.doc_freq[outlet][term]
    assert reduced.totals == whole.totals and reduced.n_tokens == whole.n_tokens and reduced.n_articles == whole.n_articles
    assert reduced.pruned_below == 3


def test_term_count_spool_in_memory_and_validation(tmp_path):
    parts = _random_parts(n_parts=3)
    whole = OutletTermCounts()
    spool = TermCountSpool(tmp_path)  # default limit: never spills on a small corpus
    for part in parts:
        whole.merge(pickle.loads(pickle.dumps(part)))
        spool.merge(part)
    assert spool.n_spills == 0 and list(tmp_path.iterdir()) == []
    pd.testing.assert_frame_equal(keyness_table(spool.reduced(2), min_count=2), keyness_table(whole, min_count=2))
    spool.close()
    with pytest.raises(ValueError, match="max_entries"):
        TermCountSpool(tmp_path, max_entries=0)
    with pytest.raises(ValueError, match="n_buckets"):
        TermCountSpool(tmp_path, n_buckets=0)


def test_n_grams_use_totals_of_their_own_length():
    sums = OutletTermCounts()
    sums.add("A", Counter({"a": 5, "b": 5, "a b": 4, "b a": 1}), 20)
    sums.add("B", Counter({"a": 5, "b": 5, "a b": 1, "b a": 4}), 20)
    table = keyness_table(sums, min_count=1, prior_scale=2).set_index(["outlet", "term"])
    # bigrams: n_A = n_B = 5 (not 15); pooled share of "a b" = 5/10, so a = 2 * 0.5 = 1:
    # log((4+1)/(5+2-4-1)) - log((1+1)/(5+2-1-1)) = log(5/2) - log(2/5)
    expected = math.log(5 / 2) - math.log(2 / 5)
    assert table.loc[("A", "a b"), "log_odds"] == pytest.approx(expected)
    assert table.loc[("A", "a b"), "z"] == pytest.approx(expected / math.sqrt(1 / 5 + 1 / 2))
    assert table.loc[("A", "a b"), "n_words"] == 2
    assert table.loc[("A", "a"), "z"] == pytest.approx(0.0, abs=1e-12)


def test_a_term_alone_in_its_length_is_left_out():
    sums = OutletTermCounts()
    sums.add("A", Counter({"a": 5, "b": 1, "a b": 3}), 20)
    sums.add("B", Counter({"a": 1, "b": 5, "a b": 1}), 20)
    table = keyness_table(sums, min_count=1)
    assert "a b" not in set(table["term"])  # the only bigram: its log-odds is undefined
    assert {"a", "b"} <= set(table["term"])


def test_keyness_from_docs_on_german_sentences(base_nlp):
    texts = [
        ("rt", "Die militärische Spezialoperation verläuft nach Plan. Die Spezialoperation wird fortgesetzt."),
        ("rt", "Die Spezialoperation schützt den Donbass, erklärte der Kreml."),
        ("dpa", "Der russische Angriffskrieg gegen die Ukraine dauert an. Der Krieg fordert Opfer."),
        ("dpa", "Russlands Krieg gegen die Ukraine: Kiew meldet neue Angriffe."),
    ]
    table = keyness_from_docs(((o, base_nlp(t)) for o, t in texts), min_count=2, prior_scale=10)
    rt = table[table["outlet"] == "rt"].set_index("term")
    dpa = table[table["outlet"] == "dpa"].set_index("term")
    assert rt.loc["spezialoperation", "z"] > 0 and rt.index[0] == "spezialoperation"
    assert dpa.loc["krieg", "z"] > 0 and dpa.loc["spezialoperation", "z"] < 0


def test_seeds_show_the_naming_difference(base_nlp):
    """DESIGN.md: dpa writes "Selenskyj", RT DE "Kampfhandlungen" and "militärische …"."""
    from analysis.reading.corpus import read_corpus

    from tests.conftest import SEEDS

    corpus = read_corpus(SEEDS)
    docs = base_nlp.pipe(a.text for a in corpus.articles)
    table = keyness_from_docs(((a.outlet, d) for a, d in zip(corpus.articles, docs)), min_count=3)
    assert set(table["outlet"]) == {"dpa", "rt-de", "unattributed-1", "unattributed-2"}
    top = {o: list(g["term"].head(3)) for o, g in table.groupby("outlet")}
    assert "selenskyj" in top["dpa"]
    assert "kampfhandlung" in top["rt-de"] and "militärisch" in top["rt-de"]
    assert (table["count_outlet"] + table["count_rest"] >= 3).all()


# --------------------------------------------------------------------------------------------
# report page
# --------------------------------------------------------------------------------------------
def _page(tmp_path: Path, keyness, outlets):
    saved: list[Path] = []

    def save(fig, name):
        path = plots.save_figure(fig, tmp_path / "figures" / name)
        saved.append(path)
        return path, tuple(fig.get_size_inches())

    margin = report.MARGIN
    ctx = report.PageContext.create(save, outlets, small_sample={o: o == outlets[0] for o in outlets},
                                    n_articles={o: 5 for o in outlets})
    story = rk.keyness_pages(ctx, keyness=keyness)
    SimpleDocTemplate(str(tmp_path / "page.pdf"), pagesize=A4, leftMargin=margin, rightMargin=margin,
                      topMargin=margin, bottomMargin=margin).build(list(story))
    return story, saved


def _synthetic_table(outlets: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    sums = OutletTermCounts()
    vocab = [f"wort{k}" for k in range(60)]
    for i, outlet in enumerate(outlets):
        for _ in range(5):
            weights = rng.random(len(vocab)) + np.array([4.0 if k % len(outlets) == i else 0 for k in range(len(vocab))])
            sums.add(outlet, Counter(dict(zip(vocab, rng.poisson(weights * 3).tolist()))), 400)
    return keyness_table(sums, min_count=5)


def test_page_many_outlets(tmp_path):
    outlets = [f"outlet-{k}.example" for k in range(8)]
    table = _synthetic_table(outlets)
    story, saved = _page(tmp_path, table, outlets)
    assert isinstance(story[0], PageBreak)
    assert [p.name for p in saved] == [rk.FIG_KEYNESS]
    text = " ".join(getattr(f, "text", "") for f in story)
    assert "not framing" in text
    assert "z &gt; 1.96" in text or "z > 1.96" in text
    assert (tmp_path / "page.pdf").stat().st_size > 5000


def test_page_without_table(tmp_path):
    story, saved = _page(tmp_path, None, ["a", "b"])
    assert saved == []
    assert "No term occurs often enough" in " ".join(getattr(f, "text", "") for f in story)


def test_finding_follows_data():
    table = _synthetic_table(["a", "b"])
    best = table.loc[table["z"].idxmax()]
    finding = rk.keyness_finding(table, outlet_order=["a", "b"])
    assert f"\u201c{best['term']}\u201d in {best['outlet']}" in finding
    flat = table.assign(z=0.5)
    assert "No term is distinctive" in rk.keyness_finding(flat, outlet_order=["a", "b"])


def test_write_report_places_the_page_before_the_evidence(tmp_path):
    import re

    from tests.report.test_report import synthetic_inputs

    inputs = synthetic_inputs()
    result = report.write_report(tmp_path, **inputs, keyness=_synthetic_table(["dpa", "rt-de"]))
    assert rk.FIG_KEYNESS in [p.name for p in result["figures"]]
    outline = [m.decode() for m in re.findall(rb"/Title \(([^)]*)\)", result["pdf"].read_bytes())]
    assert outline.index("Text reuse") < outline.index("Most distinctive terms per outlet") < outline.index("Evidence")
