"""Quellenlage: how German news outlets frame the news and how transparently they source it.

The small Python API below is what the ``quellenlage`` command uses::

    import analysis as ql

    corpus = ql.read_corpus("examples/seeds")            # Corpus(articles, issues)
    result = ql.analyze(corpus)                          # AnalysisResult with pandas tables
    result.articles                                      # one row per article (articles.csv)
    result.evidence                                      # one row per matched span (evidence.jsonl)
    result.outlets                                       # per-outlet estimates with CIs (outlets.csv)
    ql.write_outputs(result, "reports/seeds")            # the whole output folder incl. report.pdf
"""

__version__ = "0.1.0"

from .aggregate import BootstrapSettings, aggregate_outlets  # noqa: E402
from .corpus import Article, Corpus, CorpusIssue, FieldMap, iter_corpus, read_corpus  # noqa: E402
from .errors import CorpusError, LexiconError, PipelineError, QuellenlageError  # noqa: E402
from .framing import Evidence, pole_index, rate_per_1000  # noqa: E402
from .lexicon import Lexicon, LexiconSet, load_lexicon, load_lexicons  # noqa: E402
from .keyness import KeynessSettings  # noqa: E402
from .pipeline import AnalysisResult, RunSummary, analyze, analyze_doc, build_pipeline, run_analysis, write_outputs  # noqa: E402
from .reuse import ReuseSettings  # noqa: E402

__all__ = [
    "__version__",
    "AnalysisResult",
    "Article",
    "BootstrapSettings",
    "Corpus",
    "CorpusError",
    "CorpusIssue",
    "Evidence",
    "FieldMap",
    "KeynessSettings",
    "Lexicon",
    "LexiconError",
    "LexiconSet",
    "PipelineError",
    "QuellenlageError",
    "ReuseSettings",
    "RunSummary",
    "aggregate_outlets",
    "analyze",
    "run_analysis",
    "analyze_doc",
    "build_pipeline",
    "iter_corpus",
    "load_lexicon",
    "load_lexicons",
    "pole_index",
    "rate_per_1000",
    "read_corpus",
    "write_outputs",
]
