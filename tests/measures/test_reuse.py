"""Text reuse: window hashing, interval arithmetic, near-duplicates, boilerplate, the seeds 000/001."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.measures import reuse
from analysis.reading.corpus import read_corpus
from analysis.processing.nlp import blank_german

ROOT = Path(__file__).resolve().parents[2]

BASE = (
    "Die Sicherheit der Ukraine, die in die Nato strebt, dürfe nicht auf Kosten Russlands gewährleistet werden. "
    "Bei der Diskussion um Sicherheitsgarantien könne es nicht nur um die Ukraine gehen. "
    "Auch Russland brauche Garantien für seine Sicherheit, sagte der Sprecher am Donnerstag in Moskau."
)
UNRELATED = (
    "In Deutschland stößt die Idee einer möglichen Friedenstruppe auf Vorbehalte. Der Vizekanzler zeigte sich "
    "skeptisch gegenüber einer Beteiligung deutscher Soldaten an einer Mission in der Ukraine."
)


def fp(text, aid, outlet="x", k=8):
    return reuse.fingerprint_text(text, aid, outlet, shingle_words=k)


def test_word_hash_is_stable_across_processes():
    # BLAKE2b, not Python's salted hash(): the same value in every process and run
    assert reuse.word_hash("krieg") == int.from_bytes(__import__("hashlib").blake2b(b"krieg", digest_size=8).digest(), "little")
    assert reuse.word_hash("krieg") != reuse.word_hash("kriege")


def test_window_hashes_are_order_sensitive_and_equal_for_equal_windows():
    words = np.array([reuse.word_hash(w) for w in "a b c d a b c".split()], dtype=np.uint64)
    h = reuse.window_hashes(words, 3)
    assert len(h) == 5
    assert h[0] == h[4]  # "a b c" twice
    assert len(set(h[:4].tolist())) == 4  # "b c d", "c d a", "d a b" differ from "a b c"
    assert len(reuse.window_hashes(words[:2], 3)) == 0


def test_interval_union_lengths():
    groups = np.array([0, 0, 0, 5, 5])
    positions = np.array([0, 2, 20, 3, 3])
    g, covered = reuse._interval_union_lengths(groups, positions, 8)
    # group 0: [0,8) ∪ [2,10) ∪ [20,28) = 10 + 8; group 5: [3,11) twice = 8
    assert g.tolist() == [0, 5] and covered.tolist() == [18, 8]


def test_identical_article_is_fully_shared_and_unrelated_is_not():
    result = reuse.find_reuse([fp(BASE, "a"), fp(BASE + " " + UNRELATED, "b"), fp(UNRELATED.lower(), "c")])
    rows = result.articles.set_index("article_id")
    assert rows.loc["a", "reuse.share"] == 1.0
    n_base = rows.loc["a", "reuse.n_words"]
    # b: the BASE part is shared with a, the UNRELATED part with c (case is ignored)
    assert rows.loc["b", "reuse.share"] == 1.0
    pair = result.pairs.set_index(["article_id", "other_id"])
    assert pair.loc[("b", "a"), "words_shared"] == n_base
    assert rows.loc["a", "reuse.matched_articles"] == "b"
    # ordered by shared words: BASE (with a) is longer than UNRELATED (with c)
    assert rows.loc["b", "reuse.matched_articles"] == "a;c"


def test_near_duplicate_with_edits_keeps_most_words():
    edited = BASE.replace("Diskussion", "Debatte").replace("Donnerstag", "Freitag")
    result = reuse.find_reuse([fp(BASE, "a"), fp(edited, "b"), fp(UNRELATED, "c")])
    share = result.articles.set_index("article_id")["reuse.share"]
    assert 0.7 < share["a"] < 1.0  # two changed words break some 8-word windows, not the passage
    assert share["c"] == 0.0


def test_containment_counts_a_shortened_passage():
    short = "Die Sicherheit der Ukraine, die in die Nato strebt, dürfe nicht auf Kosten Russlands gewährleistet werden."
    result = reuse.find_reuse([fp(BASE + " " + UNRELATED, "long"), fp(short, "short")])
    pairs = result.pairs.set_index(["article_id", "other_id"])["share"]
    assert pairs[("short", "long")] == 1.0
    assert pairs[("long", "short")] < 0.5


def test_short_common_phrases_are_not_reuse():
    a = "Das sagte ein Sprecher des Ministeriums am Montag in Berlin vor Journalisten."
    b = "Am Dienstag sagte ein Sprecher des Ministeriums, man prüfe den Fall."
    result = reuse.find_reuse([fp(a, "a"), fp(b, "b")])
    assert result.articles["reuse.words_shared"].tolist() == [0, 0]  # 5 common words < 8-word window


def test_boilerplate_windows_are_ignored():
    footer = " Bitte geben Sie hier Ihren Namen und Ihre E-Mail-Adresse ein."
    texts = [f"Artikel Nummer {i} berichtet über ein ganz anderes Thema {i}." + footer for i in range(4)]
    kept = reuse.find_reuse([fp(t, str(i)) for i, t in enumerate(texts)], reuse.ReuseSettings(max_articles_per_shingle=10))
    dropped = reuse.find_reuse([fp(t, str(i)) for i, t in enumerate(texts)], reuse.ReuseSettings(max_articles_per_shingle=3))
    assert (kept.articles["reuse.words_shared"] > 0).all()
    assert (dropped.articles["reuse.words_shared"] == 0).all()
    assert dropped.n_boilerplate_shingles > 0


def test_other_outlet_share_and_outlet_matrix():
    result = reuse.find_reuse(
        [fp(BASE, "a1", "agentur"), fp(BASE, "a2", "agentur"), fp(BASE + " " + UNRELATED, "b1", "portal"), fp(UNRELATED, "c1", "blog")]
    )
    rows = result.articles.set_index("article_id")
    assert rows.loc["a1", "reuse.share"] == 1.0 and rows.loc["a1", "reuse.share_other_outlets"] == 1.0
    assert rows.loc["c1", "reuse.share_other_outlets"] == 1.0  # its text is in portal's b1
    m = result.outlet_matrix
    n_base, n_unrel = rows.loc["a1", "reuse.n_words"], rows.loc["c1", "reuse.n_words"]
    assert m.loc["agentur", "agentur"] == 1.0  # each agentur article's words are in the other one
    assert m.loc["portal", "agentur"] == pytest.approx(n_base / (n_base + n_unrel))
    assert m.loc["portal", "blog"] == pytest.approx(n_unrel / (n_base + n_unrel))
    assert m.loc["blog", "agentur"] == 0.0 and m.loc["portal", "portal"] == 0.0
    long = result.matrix_long()
    assert set(long.columns) == {"outlet", "other_outlet", "share", "n_words"} and len(long) == 9


def test_empty_and_duplicate_inputs():
    result = reuse.find_reuse([fp("", "e"), fp("zu kurz", "s")])
    rows = result.articles.set_index("article_id")
    assert math.isnan(rows.loc["e", "reuse.share"]) and rows.loc["s", "reuse.share"] == 0.0
    with pytest.raises(reuse.ReuseError, match="duplicate article ids"):
        reuse.find_reuse([fp(BASE, "a"), fp(BASE, "a")])
    with pytest.raises(reuse.ReuseError, match="made with 5-word windows, settings say 8"):
        reuse.find_reuse([fp(BASE, "a", k=5)])
    with pytest.raises(reuse.ReuseError):
        reuse.ReuseSettings(shingle_words=1)


@pytest.fixture(scope="module")
def seeds():
    corpus = read_corpus(ROOT / "examples" / "seeds")
    nlp = blank_german()
    fps = [reuse.fingerprint_doc(doc, a.id, a.outlet) for a, doc in zip(corpus.articles, nlp.pipe(a.text for a in corpus.articles))]
    texts = {a.id: a.text for a in corpus.articles}
    return fps, texts, reuse.find_reuse(fps, texts=texts)


def test_seeds_000_and_001_share_paragraphs_003_does_not(seeds):
    _, texts, result = seeds
    rows = result.articles.assign(key=result.articles["article_id"].str[:3]).set_index("key")
    pairs = result.pairs.assign(a=result.pairs["article_id"].str[:3], b=result.pairs["other_id"].str[:3]).set_index(["a", "b"])
    # 000 (short dpa version) lies to almost half in 001 (long version); 001 is twice as long
    assert pairs.loc[("000", "001"), "share"] > 0.4
    assert pairs.loc[("001", "000"), "share"] > 0.2
    assert rows.loc["000", "reuse.top_match"].startswith("001")
    # RT DE (003) translates Putin independently: no shared 8-word passage
    assert rows.loc["003", "reuse.share"] < 0.05
    assert rows.loc["003", "reuse.n_matched_articles"] == 0
    assert result.outlet_matrix.loc["dpa", "dpa"] > 0.25
    assert result.outlet_matrix.drop(index="dpa").to_numpy().sum() == 0


def test_seed_passages_are_traceable_evidence(seeds):
    _, texts, result = seeds
    passages = result.passages
    assert len(passages) >= 5
    for p in passages.itertuples():
        assert texts[p.article_id][p.start_char : p.end_char] == p.text
        assert p.n_words >= 8 and p.matched_articles
    assert any("Die Nato sehe Russland als Feind" in t for t in passages["text"])
    evidence = reuse.passages_as_evidence(passages)
    assert evidence[0]["lexicon"] == "reuse" and "matched_articles" in evidence[0]


def test_result_does_not_depend_on_input_order(seeds):
    fps, texts, result = seeds
    shuffled = list(fps)
    random.Random(7).shuffle(shuffled)
    again = reuse.find_reuse(shuffled, texts=texts)
    a = result.articles.sort_values("article_id").reset_index(drop=True)
    b = again.articles.sort_values("article_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(result.pairs, again.pairs)
    pd.testing.assert_frame_equal(result.outlet_matrix, again.outlet_matrix)


def _solve(fps, texts, **index_kwargs):
    with reuse.ReuseIndex(reuse.ReuseSettings(), **index_kwargs) as index:
        for f in fps:
            index.add(f)
        return index.result(texts), index


@pytest.mark.parametrize("n_buckets", [1, 4, 256])
def test_spooled_index_gives_the_in_memory_result(seeds, tmp_path, n_buckets):
    # a buffer of 40 windows spills after every article or two: many appends per bucket file
    fps, texts, expected = seeds
    extra = [fp(BASE, "x1", "agentur"), fp(BASE + " " + UNRELATED, "x2", "portal"), fp(UNRELATED, "x3", "blog")]
    expected = reuse.find_reuse(fps + extra, texts=texts)
    # two articles per range: the second pass reads many range files
    result, index = _solve(fps + extra, texts, directory=tmp_path, buffer_windows=40, n_buckets=n_buckets, range_articles=2)
    assert index._spool is None and list(tmp_path.iterdir()) == []  # the spool folder is gone after use
    pd.testing.assert_frame_equal(result.articles, expected.articles)
    pd.testing.assert_frame_equal(result.pairs, expected.pairs)
    pd.testing.assert_frame_equal(result.passages, expected.passages)
    pd.testing.assert_frame_equal(result.outlet_matrix, expected.outlet_matrix)
    assert (result.n_shingles, result.n_shared_shingles, result.n_boilerplate_shingles) == (
        expected.n_shingles, expected.n_shared_shingles, expected.n_boilerplate_shingles)
    assert result.n_shared_shingles > 0


def test_passages_can_be_streamed_instead_of_kept(seeds, tmp_path):
    fps, texts, _ = seeds
    extra = [fp(BASE, "x1", "agentur"), fp(BASE + " " + UNRELATED, "x2", "portal"), fp(UNRELATED, "x3", "blog")]
    expected = reuse.find_reuse(fps + extra, texts=texts)
    calls: list[list[dict]] = []
    with reuse.ReuseIndex(reuse.ReuseSettings(), directory=tmp_path, buffer_windows=40, range_articles=2) as index:
        for f in fps + extra:
            index.add(f)
        result = index.result(texts, on_passages=calls.append)
    streamed = pd.DataFrame([row for call in calls for row in call], columns=reuse.PASSAGE_COLUMNS)
    pd.testing.assert_frame_equal(streamed, expected.passages)
    assert result.passages.empty and result.n_passages == expected.n_passages == len(expected.passages) > 0
    assert result.info()["n_passages"] == len(expected.passages)
    # every article's passages come in one call (the evidence summary ranks lines within an article)
    seen = [{row["article_id"] for row in call} for call in calls]
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])
    pd.testing.assert_frame_equal(result.articles, expected.articles)


def test_spooled_index_writes_to_disk_while_building(tmp_path):
    index = reuse.ReuseIndex(directory=tmp_path, buffer_windows=10, n_buckets=4)
    index.add(fp(BASE, "a"))
    spool = index._spool
    assert spool is not None and spool.parent == tmp_path
    files = sorted(p.name for p in spool.glob("windows-*.bin"))
    assert files and set(files) <= {f"windows-{b:05d}.bin" for b in range(4)}
    assert sum((spool / f).stat().st_size for f in files) == 16 * index.n_windows  # 16 bytes per window
    assert (spool / "offsets.bin").stat().st_size == 8 * index._n_words[0]  # two int32 offsets per word
    assert index._records == [] and index._buffered == 0
    index.close()
    assert not spool.exists()


def test_index_rejects_bad_use(tmp_path):
    with pytest.raises(reuse.ReuseError, match="power of two"):
        reuse.ReuseIndex(n_buckets=3)
    with reuse.ReuseIndex() as index:
        index.add(fp(BASE, "a"))
        index.result()
        with pytest.raises(reuse.ReuseError, match="already solved"):
            index.add(fp(BASE, "b"))
