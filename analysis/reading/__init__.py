"""Reading: corpus files in, :class:`~analysis.reading.corpus.Article` records out.

Folders of ``.txt`` files with a manifest, JSONL and CSV (optionally gzipped), field maps, NFC
normalisation, dates, stable ids, and the list of rejected records. Nothing here knows about
language processing, lexicons or measures.

Rule: modules in ``reading`` import only :mod:`analysis.errors` and each other.
"""
