"""Statistics: per-article columns to per-outlet estimates, and the evidence table's summary.

:mod:`~analysis.stats.aggregate` declares ratio measures and computes outlet rates per 1,000
tokens, shares and indices with article-level bootstrap confidence intervals and small-sample
flags; :mod:`~analysis.stats.evidence` is the JSON form of ``evidence.jsonl`` and the bounded,
mergeable summary of it that the report reads.

Rule: ``stats`` imports only :mod:`analysis.errors` and :mod:`analysis.lexicons` (lexicons
define the framing measures). It never imports the measures, the report or the runner.
"""
