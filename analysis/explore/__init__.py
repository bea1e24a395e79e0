"""Exploring a corpus with lexicons: per-entry coverage (:mod:`~analysis.explore.coverage`),
candidate terms (:mod:`~analysis.explore.suggest`) and keyword in context
(:mod:`~analysis.explore.kwic`).

Rule: ``explore`` may import reading, processing, lexicons, stats and measures; not the report,
the runner, the models or the command line.
"""
