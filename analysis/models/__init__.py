"""Trained models: the article classifier (:mod:`~analysis.models.classify`) and the
sentence-level frame classifier (:mod:`~analysis.models.sentence_frames`).

Both learn from the measures of an analysed corpus and save skops files with a model card.

Rule: ``models`` may import the running layer (the classifier analyses its training corpus with
:func:`analysis.running.pipeline.analyze`) and everything below it, but not the report,
:mod:`analysis.explore` or the command line. The report shows model output from the tables.
"""
