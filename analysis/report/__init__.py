"""Report: ``report.pdf`` and ``figures/`` from the output tables and the evidence summary.

:mod:`~analysis.report.document` lays out the pages; :mod:`~analysis.report.layout` holds the
shared page helpers (styles, tables, figures, headings); :mod:`analysis.report.pages` adds the
optional page groups (reliability, keyness, semantic layer, classifier, sentence frames);
:mod:`~analysis.report.plots` and :mod:`~analysis.report.plots_reliability` draw the figures.

Rule: the report reads tables (pandas frames of ``articles``/``outlets``/...) and the
:class:`~analysis.stats.evidence.EvidenceSummary`; it may import :mod:`analysis.errors`,
:mod:`analysis.stats` and constants of :mod:`analysis.measures`. It never imports the runner,
the trained models (:mod:`analysis.models`) or the command line.
"""
