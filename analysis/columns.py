"""Column names shared by the code that writes a table and the report that reads it.

Kept at the bottom of the package so that the report can name a trained model's columns without
importing the models (see the folder rules in :mod:`analysis`).
"""

from __future__ import annotations

import re

_NAME_RE = re.compile(r"[^a-z0-9_]+")

#: outlets.csv rows of the sentence-frame classifier (:mod:`analysis.models.sentence_frames`)
FLAG_MEASURE = "frames.flagged.per_1000_sentences"
LEXICON_MEASURE = "frames.lexicon_sentences.per_1000_sentences"


def safe_name(value: str) -> str:
    """Lower-case ``[a-z0-9_]`` form of a model or class name for column names."""
    name = _NAME_RE.sub("_", str(value).lower()).strip("_")
    return name or "model"
