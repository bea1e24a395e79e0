"""Exception hierarchy: every error Quellenlage raises derives from :class:`QuellenlageError`.

Messages say *where* (file, line, entry), *what* went wrong and *what is allowed*.
"""

from __future__ import annotations


class QuellenlageError(Exception):
    """Base class of all Quellenlage errors."""


class CorpusError(QuellenlageError):
    """A corpus cannot be read at all (missing path, unknown format, nothing analysable)."""


class NothingToAnalyseError(CorpusError):
    """Not a single article of a corpus could be analysed; ``issues`` lists why (all rejections)."""

    def __init__(self, message: str, issues: list | None = None):
        super().__init__(message)
        self.issues = list(issues or [])


class LexiconError(QuellenlageError):
    """A lexicon file is malformed; the message names file, entry and the allowed values."""


class PipelineError(QuellenlageError):
    """The NLP pipeline cannot be built (e.g. an unknown spaCy model name)."""


class EncoderError(QuellenlageError):
    """A sentence encoder cannot be used here (unknown name, missing package or model)."""
