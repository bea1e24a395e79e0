"""The lexicon matching component: one ``quellenlage_lexicon`` pipe per lexicon.

Why not spaCy's ``span_ruler``: its token ``Matcher`` walks every token of every document in
Python-level state machines, and cost 2-8 ms per article for just a handful of ``lower``,
``orth``, ``prefix`` or wildcard patterns (measured on 300 FANG-COVID articles: 5.1 s of rulers
against 0.1 s for their phrase matchers; see ``benchmarks/throughput.py`` and the README). This
component keeps spaCy's C ``PhraseMatcher`` for every term that is a plain sequence of
``NORM`` (lemma), ``LOWER`` or ``ORTH`` values, and matches the remaining patterns (a wildcard
``*`` or a ``prefix`` token) by anchoring: candidate positions come from a per-document index of
one token attribute, then the other pattern tokens are checked. Prefix regexes are evaluated
once per word type and cached, since news vocabulary repeats.

Results are the same spans ``span_ruler`` produced: label = category, ``span.id_`` = entry id, in
``doc.spans[<lexicon>]``, after :func:`analysis.lexicons.model.resolve_lexicon_spans` (exclusions, topic
context, longest match).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

#: Token predicate kinds of a compiled pattern (see :class:`TokenPredicate`).
PREDICATE_KINDS = ("ORTH", "LOWER", "NORM", "NORM_IN", "PREFIX", "ANY")
_ATTR_IDS = {"ORTH": ORTH, "LOWER": LOWER, "NORM": NORM}
_COLUMN = {"ORTH": 0, "LOWER": 1, "NORM": 2, "NORM_IN": 2, "PREFIX": 1}


@dataclass(frozen=True)
class TokenPredicate:
    """One pattern token.

    ``ORTH``/``LOWER``/``NORM``: the token attribute equals ``value``; ``NORM_IN``: the norm is one
    of ``values``; ``PREFIX``: the lower-cased token text matches the regular expression ``value``
    (anchored at the start); ``ANY``: any single token (the lexicon wildcard ``*``).
    """

    kind: str
    value: str = ""
    values: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in PREDICATE_KINDS:
            raise ValueError(f"unknown predicate kind {self.kind!r}; allowed: {', '.join(PREDICATE_KINDS)}")


@dataclass(frozen=True)
class CompiledPattern:
    """A term compiled for matching: the span label (category), the entry id and its tokens."""

    label: str
    entry_id: str
    tokens: tuple[TokenPredicate, ...]

    @property
    def phrase_attr(self) -> str | None:
        """``ORTH``/``LOWER``/``NORM`` when every token is equality on that one attribute."""
        kinds = {t.kind for t in self.tokens}
        if len(kinds) == 1:
            (kind,) = kinds
            if kind in _ATTR_IDS:
                return kind
        return None


class _PrefixTable:
    """The prefix regexes of every lexicon component of the process and, per lower-cased word
    type, which of them match.

    One table serves all components (regexes are plain strings, word types are string hashes, so
    neither depends on a pipeline), so each document's word types are scanned once for all
    lexicons (:meth:`scan`) instead of once per lexicon. The per-type cache is kept across
    documents (news vocabulary repeats), so each regex runs once per word type and process; it is
    cleared beyond ``max_types`` types to bound memory.
    """

    def __init__(self, max_types: int = 200_000):
        self.regexes: list[re.Pattern] = []
        self._index: dict[str, int] = {}
        self._hits: dict[int, tuple[int, ...]] = {}
        self.max_types = max_types
        self._last: tuple[Doc | None, int, _DocScan | None] = (None, 0, None)

    def add(self, regex: str) -> int:
        idx = self._index.get(regex)
        if idx is None:
            idx = self._index[regex] = len(self.regexes)
            self.regexes.append(re.compile(regex))
            self._hits.clear()
        return idx

    def hits(self, lower_hash: int, strings) -> tuple[int, ...]:
        found = self._hits.get(lower_hash)
        if found is None:
            text = strings[lower_hash]
            found = tuple(i for i, rx in enumerate(self.regexes) if rx.match(text))
            if len(self._hits) >= self.max_types:
                self._hits.clear()
            self._hits[lower_hash] = found
        return found

    def scan(self, doc: Doc) -> "_DocScan":
        """The document's attribute table and prefix hits, computed once per document.

        The lexicon components run one after another on each document, so the last scan is kept
        (with a reference to its document, so identity cannot be confused with a later one).
        """
        last_doc, n_regexes, last = self._last
        if last_doc is doc and n_regexes == len(self.regexes) and last is not None and len(last.table) == len(doc):
            return last
        table = doc.to_array([ORTH, LOWER, NORM])  # uint64 hashes, one row per token
        prefix_at: dict[int, tuple[int, ...]] = {}  # token index → prefix regexes it matches
        prefix_positions: dict[int, list[int]] = {}  # regex → token indices
        if self.regexes and len(table):
            strings = doc.vocab.strings
            hits = self.hits
            types, inverse = np.unique(table[:, _COLUMN["PREFIX"]], return_inverse=True)
            matched_types = {j: m for j, value in enumerate(types.tolist()) if (m := hits(value, strings))}
            if matched_types:
                for i in np.flatnonzero(np.isin(inverse, list(matched_types))).tolist():
                    matched = matched_types[int(inverse[i])]
                    prefix_at[i] = matched
                    for r in matched:
                        prefix_positions.setdefault(r, []).append(i)
        scan = _DocScan(table, prefix_at, prefix_positions)
        self._last = (doc, len(self.regexes), scan)
        return scan


@dataclass(frozen=True)
class _DocScan:
    """One document's ORTH/LOWER/NORM hashes (a token × 3 array) and where prefix regexes match."""

    table: np.ndarray
    prefix_at: dict[int, tuple[int, ...]]
    prefix_positions: dict[int, list[int]]


#: The prefix regexes of all lexicon components of this process.
_PREFIXES = _PrefixTable()


class LexiconMatcher:
    """Matches one lexicon's compiled patterns and writes the resolved spans to ``doc.spans[key]``.

    ``spans_filter(matches)`` receives every raw match (including exclusion and context helper
    spans) and returns the spans to keep.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        spans_key: str,
        spans_filter: Callable[[list[Span]], list[Span]],
        context_label: str | None = None,
    ):
        self.name = name
        #: label of topic-context spans whose start tokens are kept in ``doc.user_data`` (semantic layer)
        self.context_label = context_label
        self.vocab = nlp.vocab
        self.spans_key = spans_key
        self.spans_filter = spans_filter
        self._phrase: dict[str, PhraseMatcher] = {}
        self._keys: dict[int, tuple[str, str]] = {}
        self._sequences: list[tuple[str, str, tuple, int]] = []  # label, id, checks, anchor index
        self._prefix = _PREFIXES
        self.n_patterns = 0

    # ------------------------------------------------------------------ building
    def add(self, patterns: Sequence[CompiledPattern]) -> None:
        strings = self.vocab.strings
        for pattern in patterns:
            if not pattern.tokens:
                continue
            self.n_patterns += 1
            key = f"{pattern.label}\x1f{pattern.entry_id}"
            key_hash = strings.add(key)
            self._keys[key_hash] = (pattern.label, pattern.entry_id)
            attr = pattern.phrase_attr
            if attr is not None:
                matcher = self._phrase.get(attr)
                if matcher is None:
                    matcher = self._phrase[attr] = PhraseMatcher(self.vocab, attr=attr)
                values = [t.value for t in pattern.tokens]
                doc = Doc(self.vocab, words=values)
                if attr == "NORM":
                    for token, value in zip(doc, values):
                        token.norm_ = value
                matcher.add(key, [doc])
                continue
            checks = []
            for t in pattern.tokens:
                if t.kind in ("ORTH", "LOWER", "NORM"):
                    checks.append((t.kind, _COLUMN[t.kind], strings.add(t.value)))
                elif t.kind == "NORM_IN":
                    checks.append((t.kind, _COLUMN[t.kind], frozenset(strings.add(v) for v in t.values)))
                elif t.kind == "PREFIX":
                    checks.append((t.kind, _COLUMN[t.kind], self._prefix.add(t.value)))
                else:
                    checks.append(("ANY", -1, None))
            anchor = next((i for i, c in enumerate(checks) if c[0] != "ANY"), None)
            if anchor is None:
                raise ValueError(f"pattern of entry {pattern.entry_id!r} has only wildcards and would match every token")
            self._sequences.append((pattern.label, pattern.entry_id, tuple(checks), anchor))

    # ------------------------------------------------------------------ matching
    def matches(self, doc: Doc) -> list[tuple[str, str, int, int]]:
        """Raw matches ``(label, entry id, start token, end token)``, in no particular order."""
        out: list[tuple[str, str, int, int]] = []
        keys = self._keys
        for matcher in self._phrase.values():
            for match_id, start, end in matcher(doc):
                label, entry_id = keys[match_id]
                out.append((label, entry_id, start, end))
        if self._sequences and len(doc):
            out.extend(self._sequence_matches(doc))
        return out

    def _sequence_matches(self, doc: Doc):
        scan = self._prefix.scan(doc)
        table, prefix_at, prefix_positions = scan.table, scan.prefix_at, scan.prefix_positions
        n = len(table)

        def holds(check, i: int) -> bool:
            kind, col, value = check
            if kind == "ANY":
                return True
            if kind == "PREFIX":
                return value in prefix_at.get(i, ())
            if kind == "NORM_IN":
                return int(table[i, col]) in value
            return int(table[i, col]) == value

        for label, entry_id, checks, anchor in self._sequences:
            kind, col, value = checks[anchor]
            if kind == "PREFIX":
                candidates = prefix_positions.get(value, ())
            elif kind == "NORM_IN":
                candidates = np.flatnonzero(np.isin(table[:, col], np.fromiter(value, dtype=np.uint64))).tolist()
            else:
                candidates = np.flatnonzero(table[:, col] == np.uint64(value)).tolist()
            length = len(checks)
            for i in candidates:
                start = i - anchor
                if start < 0 or start + length > n:
                    continue
                if all(holds(c, start + k) for k, c in enumerate(checks) if k != anchor):
                    yield label, entry_id, start, start + length

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, start, end, label=label, span_id=entry_id)
            for label, entry_id, start, end in self.matches(doc)
        ]
        doc.spans[self.spans_key] = self.spans_filter(spans)
        if self.context_label is not None:
            doc.user_data[context_key(self.spans_key)] = sorted({s.start for s in spans if s.label_ == self.context_label})
        return doc


def context_key(spans_key: str) -> tuple[str, str]:
    """``doc.user_data`` key of the start tokens of a lexicon's topic-context terms (when kept)."""
    return ("quellenlage.context", spans_key)
