"""Measures: from one processed ``Doc`` to one row of numbers and the evidence spans behind them.

Framing by lexicon (:mod:`~analysis.measures.framing`), sourcing and voices
(:mod:`~analysis.measures.sourcing`), reliability indicators
(:mod:`~analysis.measures.indicators`, :mod:`~analysis.measures.readability`), the semantic
layer (:mod:`~analysis.measures.semantic`), and the corpus-level measures keyness
(:mod:`~analysis.measures.keyness`) and text reuse (:mod:`~analysis.measures.reuse`).

Rule: ``measures`` may import :mod:`analysis.errors`, :mod:`analysis.reading`,
:mod:`analysis.processing`, :mod:`analysis.lexicons` and :mod:`analysis.stats`. Measures never
import the report, the runner, the trained models or the command line.
"""
