"""Processing: German text to annotated spaCy ``Doc`` objects and sentence vectors.

The base pipeline (a trained ``de_core_news_*`` model when installed, else the blank German
tokenizer with the fallback lemmatizer and sentence rules: :mod:`~analysis.processing.nlp`), the
token-pattern matcher behind lexicon entries (:mod:`~analysis.processing.matcher`), quotation
finding in every German quote style (:mod:`~analysis.processing.quotes`) and the sentence
encoders of the semantic layer (:mod:`~analysis.processing.encoder`).

Rule: ``processing`` imports only :mod:`analysis.errors` and :mod:`analysis.reading`. It knows
nothing about lexicons, measures or outlets.
"""
