"""Evidence lines: their JSON form in ``evidence.jsonl`` and the bounded summary the report needs.

A run streams every evidence line to ``evidence.jsonl`` as articles finish; the report never holds
all of them. It needs two things, both computed while streaming by :class:`EvidenceSummary`:

* per lexicon × category × outlet the keyword-in-context lines of the evidence appendix: at most
  ``max_lines``, picked round-robin over articles (the first match of every article in article-id
  order, then the second, …) so that a single long article cannot fill the quota; and the total
  number of lines of the group;
* per lexicon × category × entry × outlet × matched text the number of lines (term-choice pages:
  rates per entry and each entry's most frequent surface form).

Summaries of parts of a corpus are merged with :meth:`EvidenceSummary.merge`; the result does not
depend on how the corpus was split or in which order the parts arrive, as long as all evidence of
one article (of one lexicon) is added in one call, so every engine gives the same report.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Mapping

import pandas as pd

#: Keys of every line of ``evidence.jsonl``, in this order.
EVIDENCE_COLUMNS = [
    "article_id", "lexicon", "entry_id", "category", "start_char", "end_char", "text", "left", "right", "voice",
    "matched_articles", "method", "score", "nearest_example", "nearest_example_source", "similarity",
]
#: Keyword-in-context lines per lexicon × category × outlet kept for the report.
DEFAULT_KWIC_LINES = 6

_KWIC_FIELDS = ("article_id", "left", "text", "right", "start_char")
#: Extra fields kept for the sample lines of semantic flags (score and nearest example).
_SEMANTIC_FIELDS = ("score", "nearest_example", "similarity", "voice")
#: Suffix of the summary's category key for semantic flags: ``(lexicon, "C.semantic", outlet)``, so
#: semantic and lexical lines of one category are never mixed in a group.
SEMANTIC_GROUP = ".semantic"


def group_category(record: Mapping) -> str:
    """The summary group's category: ``C`` for a lexical line, ``C.semantic`` for a semantic flag."""
    category = str(record["category"])
    return category + SEMANTIC_GROUP if record.get("method") == "semantic" else category


def json_default(value):
    """``json.dumps`` default for values JSON has no type for: paths → strings."""
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_safe(value):
    """``value`` with every NaN or infinite float (at any depth of dicts, lists and tuples) as None.

    ``json.dumps`` writes such floats as the bare tokens ``NaN``/``Infinity``, which are not JSON
    (strict parsers reject the file); its ``default`` hook is never called for floats.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def evidence_line(record: Mapping) -> str:
    """One ``evidence.jsonl`` line (with newline): every key of :data:`EVIDENCE_COLUMNS`, null when absent."""
    out = {}
    for key in EVIDENCE_COLUMNS:
        value = record.get(key)
        if isinstance(value, float) and math.isnan(value):
            value = None
        out[key] = value
    return json.dumps(out, ensure_ascii=False, default=json_default) + "\n"


class EvidenceSummary:
    """What the report shows of the evidence, computed in one pass and mergeable.

    ``forms_lexicons``: the lexicons whose line counts per surface form (:attr:`forms`, read by the
    term-choice pages) are kept; None keeps them for every kind of evidence. A run passes its
    lexicons: sourcing, voices, epistemic and reuse lines are open-ended spans (372,081 distinct
    sourcing and 126,460 distinct voice forms on FANG-COVID) that no page tabulates by form, and
    counting them made the summary grow with the corpus.
    """

    def __init__(self, max_lines: int = DEFAULT_KWIC_LINES, *, forms_lexicons: Iterable[str] | None = None):
        if max_lines < 0:
            raise ValueError(f"max_lines must be >= 0, got {max_lines}")
        self.max_lines = max_lines
        self.forms_lexicons = None if forms_lexicons is None else frozenset(forms_lexicons)
        self.n_lines = 0
        #: (lexicon, category, outlet) → number of lines
        self.group_totals: Counter = Counter()
        #: (lexicon, category, outlet) → candidate lines as (rank, article_id, start_char, fields)
        self.samples: dict[tuple[str, str, str], list[tuple]] = {}
        #: (lexicon, category, entry_id, outlet, text) → number of lines
        self.forms: Counter = Counter()

    # ------------------------------------------------------------------ building
    def add(self, records: Iterable[Mapping], outlet_of: Callable[[str], str | None] | Mapping[str, str]) -> None:
        """Add evidence records; ``outlet_of`` maps an article id to its outlet (None: skip the record).

        All records of one article and lexicon must come in one call (the round-robin rank of a
        line is its position among its article's lines of the group).
        """
        lookup = outlet_of.get if isinstance(outlet_of, Mapping) else outlet_of
        by_group: dict[tuple[str, str, str], dict[str, list[Mapping]]] = {}
        for rec in records:
            outlet = lookup(rec["article_id"])
            if outlet is None:
                continue
            self.n_lines += 1
            semantic = rec.get("method") == "semantic"
            key = (str(rec["lexicon"]), group_category(rec), str(outlet))
            self.group_totals[key] += 1
            if not semantic and (self.forms_lexicons is None or key[0] in self.forms_lexicons):
                self.forms[(key[0], key[1], str(rec["entry_id"]), key[2], str(rec["text"]))] += 1
            by_group.setdefault(key, {}).setdefault(str(rec["article_id"]), []).append(rec)
        for key, articles in by_group.items():
            candidates = self.samples.setdefault(key, [])
            for article_id, recs in articles.items():
                recs.sort(key=lambda r: int(r["start_char"]))
                fields = _KWIC_FIELDS + _SEMANTIC_FIELDS if key[1].endswith(SEMANTIC_GROUP) else _KWIC_FIELDS
                for rank, rec in enumerate(recs[: self.max_lines]):
                    candidates.append((rank, article_id, int(rec["start_char"]), tuple(rec.get(f) for f in fields)))
            self._trim(key)

    def _trim(self, key) -> None:
        candidates = self.samples[key]
        if len(candidates) > 4 * self.max_lines:
            candidates.sort(key=lambda c: c[:3])
            del candidates[self.max_lines :]

    def merge(self, other: "EvidenceSummary") -> "EvidenceSummary":
        """Add another summary (of other articles) into this one; returns self."""
        if other.max_lines != self.max_lines:
            raise ValueError(f"cannot merge summaries with max_lines {self.max_lines} and {other.max_lines}")
        self.n_lines += other.n_lines
        self.group_totals.update(other.group_totals)
        self.forms.update(other.forms)
        for key, candidates in other.samples.items():
            self.samples.setdefault(key, []).extend(candidates)
            self._trim(key)
        return self

    @classmethod
    def from_frame(cls, evidence: pd.DataFrame, articles: pd.DataFrame, *, max_lines: int = DEFAULT_KWIC_LINES) -> "EvidenceSummary":
        """Summary of a whole evidence table (rows whose article is not in ``articles`` are skipped)."""
        summary = cls(max_lines)
        if evidence is None or evidence.empty:
            return summary
        outlet_of = dict(zip(articles["article_id"].astype(str), articles["outlet"].astype(str)))
        records = evidence.assign(article_id=evidence["article_id"].astype(str)).to_dict(orient="records")
        summary.add(records, outlet_of)
        return summary

    # ------------------------------------------------------------------ reading
    def kwic_lines(self, key: tuple[str, str, str]) -> pd.DataFrame:
        """The picked lines of one group, in article/offset order (columns article_id, left, text, right, start_char)."""
        candidates = sorted(self.samples.get(key, []), key=lambda c: c[:3])[: self.max_lines]
        candidates.sort(key=lambda c: (c[1], c[2]))
        fields = _KWIC_FIELDS + _SEMANTIC_FIELDS if key[1].endswith(SEMANTIC_GROUP) else _KWIC_FIELDS
        return pd.DataFrame([c[3] for c in candidates], columns=list(fields))

    def forms_frame(self, lexicon: str | None = None) -> pd.DataFrame:
        """Line counts per ``lexicon, category, entry_id, outlet, text`` (one lexicon or all)."""
        rows = [(*k, n) for k, n in self.forms.items() if lexicon is None or k[0] == lexicon]
        return pd.DataFrame(rows, columns=["lexicon", "category", "entry_id", "outlet", "text", "count"])
