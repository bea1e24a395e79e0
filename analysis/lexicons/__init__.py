"""Lexicons: the TOML lexicon model, its validation and the conversions to and from other formats.

:mod:`~analysis.lexicons.model` loads and checks lexicon files (entries, categories, poles, match
modes, topic context, semantic examples) and turns entries into spaCy span rulers;
:mod:`~analysis.lexicons.formats` exports to LIWC ``.dic``, quanteda YAML and TOML;
:mod:`~analysis.lexicons.importing` converts SentiWS, Rauh, LIWC and quanteda dictionaries.

Rule: ``lexicons`` imports only :mod:`analysis.errors`, :mod:`analysis.reading` and
:mod:`analysis.processing`. Tools that run lexicons over a corpus (coverage, suggestions, KWIC)
live in :mod:`analysis.explore`, because they need the measures.
"""
