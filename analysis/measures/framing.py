"""Framing measures: per-article lexicon counts, rates, two-pole indices and evidence spans.

Pure functions of a processed spaCy ``Doc`` (whose ``doc.spans[<lexicon>]`` were set by the
lexicon span_rulers) and of plain counts.

Definitions (also in the README):

* ``n_tokens``: tokens that are neither punctuation nor whitespace (words and numbers);
* ``L.C``: number of non-overlapping matches of category ``C`` of lexicon ``L``;
* ``L.C.per_1000``: ``1000 * L.C / n_tokens`` (NaN for an article without tokens);
* ``L.index``: for a lexicon with poles ``[left, right]``:
  ``(right - left) / (right + left)`` in [-1, 1], NaN when neither pole occurs.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields
from typing import Iterable

import numpy as np
from spacy.attrs import IS_PUNCT, IS_SPACE, SENT_START
from spacy.tokens import Doc

from analysis.lexicons.model import Lexicon

#: Characters of context kept on each side of an evidence span.
CONTEXT_CHARS = 60


@dataclass(frozen=True)
class Evidence:
    """One matched span; ``text == article.text[start_char:end_char]``."""

    article_id: str
    lexicon: str
    entry_id: str
    category: str
    start_char: int
    end_char: int
    text: str
    left: str = ""
    right: str = ""

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in field_names(type(self))}


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """Field names of a dataclass, computed once per class (``dataclasses.asdict`` deep-copies
    every value and ``fields()`` rebuilds its tuple on every call; both showed in the profile)."""
    return tuple(f.name for f in fields(cls))


def pole_index(left: float, right: float) -> float:
    """(right - left) / (right + left); NaN when both are zero.

    >>> pole_index(1, 3)
    0.5
    """
    if left < 0 or right < 0:
        raise ValueError(f"pole counts must be non-negative, got left={left}, right={right}")
    total = left + right
    if total == 0:
        return math.nan
    return (right - left) / total


def rate_per_1000(count: float, n_tokens: float) -> float:
    """Matches per 1,000 tokens; NaN when there are no tokens."""
    if n_tokens <= 0:
        return math.nan
    return 1000.0 * count / n_tokens


def _word_flags(doc: Doc) -> np.ndarray:
    """Per token: neither punctuation nor whitespace (one C pass; counted several times per article)."""
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return (flags[:, 0] == 0) & (flags[:, 1] == 0)


def count_tokens(doc: Doc) -> int:
    """Words and numbers: tokens that are neither punctuation nor whitespace."""
    if not len(doc):
        return 0
    return int(_word_flags(doc).sum())


def count_sentences(doc: Doc) -> int:
    """Sentences containing at least one word (a lone heading counts as a sentence)."""
    if not len(doc):
        return 0
    words = _word_flags(doc)
    starts = np.flatnonzero(doc.to_array(SENT_START) == 1) if doc.has_annotation("SENT_START") else np.array([], dtype=int)
    starts = np.union1d(starts, [0])
    # a sentence counts when the number of words up to its end exceeds that up to its start
    cumulative = np.concatenate([[0], np.cumsum(words)])
    ends = np.append(starts[1:], len(doc))
    return int(np.count_nonzero(cumulative[ends] > cumulative[starts]))


def context_window(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return " ".join(left.split()) if left.strip() else "", " ".join(right.split()) if right.strip() else ""


def lexicon_columns(lexicons: Iterable[Lexicon]) -> list[str]:
    """The framing columns of ``articles.csv`` in a fixed order."""
    cols: list[str] = []
    for lex in lexicons:
        for cat in lex.category_names:
            cols.append(f"{lex.name}.{cat}")
        for cat in lex.category_names:
            cols.append(f"{lex.name}.{cat}.per_1000")
        if lex.poles:
            cols.append(f"{lex.name}.index")
    return cols


def measure_framing(
    doc: Doc, article_id: str, lexicons: Iterable[Lexicon], *, text: str | None = None
) -> tuple[dict, list[Evidence]]:
    """Counts, rates and indices for one article, with one Evidence per counted span.

    ``text``: the article text (== ``doc.text``) when the caller has it (spaCy rebuilds ``doc.text``
    from the tokens on every access).
    """
    n_tokens = count_tokens(doc)
    row: dict[str, float] = {}
    evidence: list[Evidence] = []
    text = doc.text if text is None else text
    for lex in lexicons:
        counts = dict.fromkeys(lex.category_names, 0)
        for span in doc.spans.get(lex.spans_key, []):
            category = span.label_
            if category not in counts:  # defensive: a foreign span in our key
                continue
            counts[category] += 1
            left, right = context_window(text, span.start_char, span.end_char)
            evidence.append(
                Evidence(
                    article_id=article_id,
                    lexicon=lex.name,
                    entry_id=span.id_,
                    category=category,
                    start_char=span.start_char,
                    end_char=span.end_char,
                    text=text[span.start_char : span.end_char],
                    left=left,
                    right=right,
                )
            )
        for cat, n in counts.items():
            row[f"{lex.name}.{cat}"] = n
        for cat, n in counts.items():
            row[f"{lex.name}.{cat}.per_1000"] = rate_per_1000(n, n_tokens)
        if lex.poles:
            left_pole, right_pole = lex.poles
            row[f"{lex.name}.index"] = pole_index(counts[left_pole], counts[right_pole])
    return row, evidence
