"""Quellenlage: how German news outlets frame the news and how transparently they source it.

The small Python API below is what the ``quellenlage`` command uses::

    import analysis as ql

    corpus = ql.read_corpus("examples/seeds")            # Corpus(articles, issues)
    result = ql.analyze(corpus)                          # AnalysisResult with pandas tables
    result.articles                                      # one row per article (articles.csv)
    result.evidence                                      # one row per matched span (evidence.jsonl)
    result.outlets                                       # per-outlet estimates with CIs (outlets.csv)
    ql.write_outputs(result, "reports/seeds")            # the whole output folder incl. report.pdf

The package's folders follow the data flow, each importing only the ones before it:
:mod:`~analysis.reading` (corpus files to articles) → :mod:`~analysis.processing` (spaCy Docs,
quotes, sentence vectors) → :mod:`~analysis.lexicons` (the lexicon model and formats) →
:mod:`~analysis.stats` (outlet estimates, evidence summary) → :mod:`~analysis.measures` (per-article
numbers and evidence) → :mod:`~analysis.report` (report.pdf from tables) →
:mod:`~analysis.running` (whole corpora, engines, caches) → :mod:`~analysis.models` (trained
classifiers) and :mod:`~analysis.explore` (coverage, suggestions, KWIC) → :mod:`~analysis.cli`.
``tests/test_architecture.py`` enforces the order.

The names below are imported on first use, so ``import analysis`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from analysis._version import __version__

#: public name -> module that defines it
_EXPORTS = {
    "BootstrapSettings": "analysis.stats.aggregate",
    "aggregate_outlets": "analysis.stats.aggregate",
    "Article": "analysis.reading.corpus",
    "Corpus": "analysis.reading.corpus",
    "CorpusIssue": "analysis.reading.corpus",
    "FieldMap": "analysis.reading.corpus",
    "iter_corpus": "analysis.reading.corpus",
    "read_corpus": "analysis.reading.corpus",
    "CorpusError": "analysis.errors",
    "LexiconError": "analysis.errors",
    "PipelineError": "analysis.errors",
    "QuellenlageError": "analysis.errors",
    "Evidence": "analysis.measures.framing",
    "pole_index": "analysis.measures.framing",
    "rate_per_1000": "analysis.measures.framing",
    "Lexicon": "analysis.lexicons.model",
    "LexiconSet": "analysis.lexicons.model",
    "load_lexicon": "analysis.lexicons.model",
    "load_lexicons": "analysis.lexicons.model",
    "KeynessSettings": "analysis.measures.keyness",
    "AnalysisResult": "analysis.running.pipeline",
    "RunSummary": "analysis.running.pipeline",
    "analyze": "analysis.running.pipeline",
    "analyze_doc": "analysis.running.pipeline",
    "build_pipeline": "analysis.running.pipeline",
    "run_analysis": "analysis.running.pipeline",
    "write_outputs": "analysis.running.pipeline",
    "ReuseSettings": "analysis.measures.reuse",
}

__all__ = ["__version__", *sorted(_EXPORTS, key=str.lower)]


def __getattr__(name: str):
    """Import a public name's module on first access (PEP 562) and cache the name here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from analysis.errors import CorpusError, LexiconError, PipelineError, QuellenlageError
    from analysis.lexicons.model import Lexicon, LexiconSet, load_lexicon, load_lexicons
    from analysis.measures.framing import Evidence, pole_index, rate_per_1000
    from analysis.measures.keyness import KeynessSettings
    from analysis.measures.reuse import ReuseSettings
    from analysis.reading.corpus import Article, Corpus, CorpusIssue, FieldMap, iter_corpus, read_corpus
    from analysis.running.pipeline import (
        AnalysisResult, RunSummary, analyze, analyze_doc, build_pipeline, run_analysis, write_outputs,
    )
    from analysis.stats.aggregate import BootstrapSettings, aggregate_outlets
