"""Running: the analysis of a whole corpus, streaming, on one core, all cores or a Dask cluster.

:mod:`~analysis.running.pipeline` wires reading, processing and measures per article, aggregates
the outlets and writes the output folder (:func:`~analysis.running.pipeline.run_analysis`,
:func:`~analysis.running.pipeline.write_outputs`); :mod:`~analysis.running.engine` schedules the
work; :mod:`~analysis.running.cache` keeps processed Docs; :mod:`~analysis.running.memory` keeps
the parent's memory bounded; :mod:`~analysis.running.semantic` sets the semantic layer up for a
run, and :mod:`~analysis.running.calibrate` calibrates a lexicon's semantic scorer.

Rule: ``running`` may import every layer below it and the report (to write ``report.pdf``). It
never imports :mod:`analysis.models`, :mod:`analysis.explore` or the command line.
"""
