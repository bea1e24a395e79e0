"""Engines: serial, worker processes and Dask give identical outputs; streaming and interruption."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis as ql
from analysis.running.engine import _in_order, batched, run
from analysis.stats.evidence import EvidenceSummary
from analysis.running.pipeline import run_analysis

from tests.conftest import SEEDS

COMPARED = ("articles.csv", "evidence.jsonl", "outlets.csv", "keyness.csv", "reuse.csv")


def _run(corpus, out: Path, engine: str, **kwargs) -> Path:
    run_analysis(
        corpus, out, model="blank", engine=engine, jobs=2 if engine != "serial" else 1,
        bootstrap=ql.BootstrapSettings(n_resamples=100), report=False, **kwargs,
    )
    return out


def _assert_identical(a: Path, b: Path) -> None:
    for name in COMPARED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between {a.name} and {b.name}"


def test_serial_processes_and_dask_give_identical_outputs_on_the_seeds(tmp_path):
    # task_size 2: the five seeds become three tasks spread over both workers
    serial = _run(SEEDS, tmp_path / "serial", "serial", task_size=2)
    processes = _run(SEEDS, tmp_path / "processes", "processes", task_size=2)
    dask = _run(SEEDS, tmp_path / "dask", "dask", task_size=2)
    _assert_identical(serial, processes)
    _assert_identical(serial, dask)
    run_info = json.loads((dask / "run.json").read_text(encoding="utf-8"))
    assert run_info["parameters"]["engine"] == "dask" and run_info["parameters"]["jobs"] == 2


@pytest.mark.shared
def test_engines_identical_on_fang_covid_articles(shared_dir, tmp_path):
    corpus = shared_dir / "data" / "fang-covid" / "train-outlets.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"{corpus} not found")
    read = {"fields": ql.FieldMap(text="article", outlet="source", title="header"), "limit": 120}
    serial = _run(corpus, tmp_path / "serial", "serial", **read)
    processes = _run(corpus, tmp_path / "processes", "processes", task_size=30, **read)
    dask = _run(corpus, tmp_path / "dask", "dask", task_size=30, **read)
    _assert_identical(serial, processes)
    _assert_identical(serial, dask)
    assert len(pd.read_csv(serial / "articles.csv")) == 120


@pytest.mark.shared
def test_spooling_to_disk_leaves_outputs_unchanged(shared_dir, tmp_path, monkeypatch):
    """Keyness term sums and reuse windows spilled to disk many times give the in-memory outputs."""
    import functools

    from analysis.running import pipeline
    from analysis.measures.keyness import TermCountSpool
    from analysis.measures.reuse import ReuseIndex

    corpus = shared_dir / "data" / "fang-covid" / "train-outlets.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"{corpus} not found")
    # tasks of 8 articles: the parent merges 15 partial sums
    read = {"fields": ql.FieldMap(text="article", outlet="source", title="header"), "limit": 120, "task_size": 8}
    memory = _run(corpus, tmp_path / "memory", "serial", **read)
    monkeypatch.setattr(pipeline, "TermCountSpool", functools.partial(TermCountSpool, max_entries=500, n_buckets=8))
    monkeypatch.setattr(pipeline, "ReuseIndex", functools.partial(ReuseIndex, buffer_windows=10_000, range_articles=16))
    spooled = _run(corpus, tmp_path / "spooled", "serial", **read)
    _assert_identical(memory, spooled)
    keyness = json.loads((spooled / "run.json").read_text(encoding="utf-8"))["keyness"]
    assert keyness["spills"] > 5
    assert json.loads((memory / "run.json").read_text(encoding="utf-8"))["keyness"]["spills"] == 0
    assert not list(spooled.glob(".quellenlage-*"))  # the spool folders are removed after the run


def test_analyze_in_memory_equals_the_streamed_files(tmp_path):
    out = _run(SEEDS, tmp_path / "stream", "serial")
    result = ql.analyze(SEEDS, model="blank", bootstrap=ql.BootstrapSettings(n_resamples=100))
    written = ql.write_outputs(result, tmp_path / "memory", report=False)
    assert set(COMPARED) <= set(written)
    _assert_identical(out, tmp_path / "memory")


def test_an_interrupted_run_leaves_nothing_that_looks_complete(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("{}", encoding="utf-8")  # a stale marker of an earlier run

    def interrupt(n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_analysis(SEEDS, out, model="blank", task_size=2, progress=interrupt, report=False)
    assert sorted(p.name for p in out.iterdir()) == [], "no run.json, no evidence.jsonl, no temporary files"


def test_nothing_analysable_writes_rejected_csv(tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"outlet": "x"}\n', encoding="utf-8")
    with pytest.raises(ql.CorpusError, match="nothing to analyse"):
        run_analysis(corpus, tmp_path / "out", model="blank")
    assert (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8").count("\n") == 2
    assert not (tmp_path / "out" / "run.json").exists()


class _Future:
    def __init__(self, value, log):
        self.value, self.log = value, log

    def result(self):
        self.log.append(("done", self.value))
        return self.value


def test_in_order_keeps_order_and_at_most_window_batches_in_flight():
    log: list = []
    in_flight = []

    def submit(batch):
        in_flight.append(batch)
        log.append(("submit", batch))
        return _Future(batch, log)

    results = list(_in_order(submit, ([i] for i in range(7)), window=3))
    assert results == [[i] for i in range(7)]
    pending = 0
    for kind, _ in log:
        pending += 1 if kind == "submit" else -1
        assert pending <= 3


def test_batched_reads_lazily():
    consumed = []

    def items():
        for i in range(10):
            consumed.append(i)
            yield i

    it = batched(items(), 4)
    assert next(it) == [0, 1, 2, 3] and consumed == [0, 1, 2, 3]
    assert list(it) == [[4, 5, 6, 7], [8, 9]]
    with pytest.raises(ValueError):
        list(batched([], 0))


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="allowed: serial, processes, dask"):
        list(run(None, [], engine="spark"))


def test_evidence_summary_does_not_depend_on_how_the_corpus_was_split_into_articles():
    ev = pd.DataFrame(
        [
            {"article_id": f"a{i % 5}", "lexicon": "war_naming", "entry_id": "e", "category": "euphemism",
             "start_char": 10 * i, "end_char": 10 * i + 5, "text": f"Form{i % 3}", "left": "", "right": ""}
            for i in range(40)
        ]
    )
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(5)], "outlet": ["rt", "dpa", "rt", "dpa", "rt"]})
    whole = EvidenceSummary.from_frame(ev, articles, max_lines=3)
    parts = EvidenceSummary(3)
    # parts hold whole articles (as batches do), in any order
    for ids in (["a3", "a1"], ["a4"], ["a0", "a2"]):
        parts.merge(EvidenceSummary.from_frame(ev[ev["article_id"].isin(ids)], articles, max_lines=3))
    assert whole.n_lines == parts.n_lines == 40
    assert whole.group_totals == parts.group_totals and whole.forms == parts.forms
    key = ("war_naming", "euphemism", "rt")
    pd.testing.assert_frame_equal(whole.kwic_lines(key), parts.kwic_lines(key))
    # round-robin: the first match of each of the three rt articles
    assert list(whole.kwic_lines(key)["article_id"]) == ["a0", "a2", "a4"]


def test_evidence_summary_counts_forms_only_for_the_lexicons_given():
    # open-ended spans (sourcing, voices, reuse) are summarised for the report's evidence pages but
    # not counted by surface form: those counts grew with the corpus and no page reads them
    records = [
        {"article_id": "a", "lexicon": "war_naming", "entry_id": "soe", "category": "euphemism",
         "start_char": 0, "end_char": 28, "text": "militärische Spezialoperation", "left": "", "right": ""},
        {"article_id": "a", "lexicon": "sourcing", "entry_id": "direct", "category": "direct",
         "start_char": 40, "end_char": 90, "text": "„Wir werden siegen“, sagte Selenskyj", "left": "", "right": ""},
    ]
    summary = EvidenceSummary(3, forms_lexicons=["war_naming"])
    summary.add(records, {"a": "rt-de"})
    assert summary.n_lines == 2 and summary.group_totals[("sourcing", "direct", "rt-de")] == 1
    assert list(summary.forms) == [("war_naming", "euphemism", "soe", "rt-de", "militärische Spezialoperation")]
    assert len(summary.kwic_lines(("sourcing", "direct", "rt-de"))) == 1
    everything = EvidenceSummary(3)
    everything.add(records, {"a": "rt-de"})
    assert len(everything.forms) == 2


def test_parse_cache_gives_identical_results_and_survives_a_lexicon_edit(tmp_path, shipped_lexicons):
    from analysis.running.pipeline import ArticleBatchAnalyzer
    from analysis.lexicons.model import load_lexicon

    from tests.conftest import write_lexicon

    articles = ql.read_corpus(SEEDS).articles
    plain = ArticleBatchAnalyzer(shipped_lexicons, "blank")(articles)
    first = ArticleBatchAnalyzer(shipped_lexicons, "blank", cache_dir=tmp_path / "cache")
    cold = first(articles)
    assert (first.cache.hits, first.cache.misses) == (0, 5)
    warm_analyser = ArticleBatchAnalyzer(shipped_lexicons, "blank", cache_dir=tmp_path / "cache")
    warm = warm_analyser(articles)
    assert (warm_analyser.cache.hits, warm_analyser.cache.misses) == (5, 0)
    for result in (cold, warm):
        assert result.rows == plain.rows and result.evidence_lines == plain.evidence_lines

    # after a lexicon edit the Docs still come from the cache, and the new term counts
    edited = write_lexicon(tmp_path, "kriegswort", """
[lexicon]
name = "kriegswort"
version = "1.0.0"
description = "test"
[categories.krieg]
description = "the word Krieg"
[[entry]]
id = "krieg"
category = "krieg"
terms = ["Krieg"]
source = "test"
""")
    lexicons = [*shipped_lexicons, load_lexicon(edited)]
    after_edit = ArticleBatchAnalyzer(lexicons, "blank", cache_dir=tmp_path / "cache")
    rows = after_edit(articles).rows
    assert after_edit.cache.hits == 5 and after_edit.cache.misses == 0
    assert sum(r["kriegswort.krieg"] for r in rows) > 0


def test_parse_cache_keys_change_with_the_pipeline(tmp_path):
    from analysis.running.cache import DocCache, pipeline_fingerprint
    from analysis.processing.nlp import blank_german

    nlp = blank_german()
    a = DocCache(tmp_path, pipeline_fingerprint(nlp, nlp.pipe_names))
    b = DocCache(tmp_path, pipeline_fingerprint(nlp, nlp.pipe_names[:-1]))
    assert a.key("Text") != b.key("Text") and a.key("Text") == a.key("Text") and a.key("Text") != a.key("Text ")
    a.put_many(["Der Krieg."], [nlp("Der Krieg.")])
    assert b.get_many(["Der Krieg."], nlp.vocab) == [None]
    [doc] = a.get_many(["Der Krieg."], nlp.vocab)
    assert [t.lemma_ for t in doc] == ["der", "Krieg", "."] and doc[2].is_sent_end


def test_unwritable_cache_folder_is_one_clear_error(tmp_path):
    from analysis.running.cache import DocCache

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ql.QuellenlageError, match="cannot be opened.*--cache"):
        DocCache(blocker / "sub", "fp")


def test_cli_can_skip_reuse_and_keyness(tmp_path):
    from analysis.cli.main import main

    out = tmp_path / "out"
    assert main(["analyze", str(SEEDS), "--out", str(out), "--model", "blank", "--no-report", "--no-reuse",
                 "--no-keyness", "--bootstrap", "50", "--progress", "never", "--evidence-lines", "2"]) == 0
    assert not (out / "reuse.csv").exists() and not (out / "keyness.csv").exists()
    assert not any(c.startswith("reuse.") for c in pd.read_csv(out / "articles.csv").columns)
    run_info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run_info["reuse"] is None and run_info["keyness"] is None
    assert run_info["parameters"]["evidence_lines"] == 2


def test_memory_zones_free_the_vocabulary_and_leave_results_unchanged(shipped_lexicons):
    # One article per batch and a new spaCy memory zone for every batch: the strings, lexemes and
    # cached lemma hashes of a closed zone are gone, yet every row and evidence line is the same.
    from analysis.running.pipeline import ArticleBatchAnalyzer

    articles = ql.read_corpus(SEEDS).articles
    results = {}
    for zone in (0, 1):
        analyser = ArticleBatchAnalyzer(shipped_lexicons, "blank", zone_articles=zone, warm_articles=0)
        before = len(analyser.nlp.vocab.strings)
        batches = [analyser([a]) for a in articles + articles]  # the second round reuses cached lemmas
        analyser.close()
        rows = pd.DataFrame([row for r in batches for row in r.rows])
        results[zone] = (rows, [r.evidence_lines for r in batches], [r.terms.counts for r in batches])
        grown = len(analyser.nlp.vocab.strings) - before
        if zone:
            assert grown == 0  # everything the articles added went with their zones
        else:
            assert grown > 1000
    assert results[0][0].equals(results[1][0])  # NaN-aware
    assert results[0][1:] == results[1][1:]


def test_warm_up_articles_stay_in_the_vocabulary_and_later_zones_are_freed(shipped_lexicons):
    from analysis.running.pipeline import ArticleBatchAnalyzer

    articles = ql.read_corpus(SEEDS).articles
    warm = ArticleBatchAnalyzer(shipped_lexicons, "blank", zone_articles=1, warm_articles=2)
    plain = ArticleBatchAnalyzer(shipped_lexicons, "blank", zone_articles=1, warm_articles=0)
    start = len(warm.nlp.vocab.strings)
    warm_rows = [warm([a]) for a in articles[:2]]
    after_warm_up = len(warm.nlp.vocab.strings)
    assert after_warm_up > start + 100  # the first two articles' words are kept for good
    warm_rows += [warm([a]) for a in articles[2:]]
    warm.close()
    assert len(warm.nlp.vocab.strings) == after_warm_up  # what later zones added is gone
    plain_rows = [plain([a]) for a in articles]
    plain.close()
    for a, b in zip(warm_rows, plain_rows):
        assert a.rows == b.rows or pd.DataFrame(a.rows).equals(pd.DataFrame(b.rows))  # NaN-aware
        assert a.evidence_lines == b.evidence_lines
