"""Keyness: which words set an outlet apart from all the others (``keyness.csv``).

Lexicons find what someone thought of; keyness lists what they did not. For every outlet the
content-word lemmas (optionally n-grams) of its articles are compared with those of all other
outlets pooled, by the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008). Three layers, each usable on its own:

1. :func:`term_counts` — a pure function of one processed spaCy ``Doc``: a ``Counter`` of terms.
   Cheap enough for the per-article step of million-article corpora.
2. :class:`OutletTermCounts` — per-outlet sums of those counters; workers' partial sums are
   merged with :meth:`OutletTermCounts.merge`, in a run by :class:`TermCountSpool`, which bounds
   memory by spilling the sums to disk and keeping only the terms that can enter the table.
3. :func:`log_odds_dirichlet` (the formula, on count arrays) and :func:`keyness_table` (the tidy
   table: one row per outlet and term).

Which tokens are terms (:func:`term_counts`)
    A token counts when it is not punctuation, whitespace, a number (``like_num``), a URL or an
    e-mail address, contains at least one letter, and neither its lower-cased text nor its
    lower-cased lemma is in spaCy's German stop list (``spacy.lang.de.stop_words``, 543 function
    words: articles, pronouns, auxiliaries, particles) and its lemma has at least
    :data:`MIN_TERM_CHARS` characters. The term is the lower-cased lemma, ``token.norm_``: both
    pipelines of :mod:`analysis.processing.nlp` set it (the fallback's simplemma lemmatizer directly; after a
    trained model's lemmatizer ``quellenlage_lemma_norm``), and lexicon ``lemma`` patterns match the
    same value, so a keyness term can be pasted into a lexicon as written. N-grams (``ngram_max`` >
    1) are runs of adjacent counted tokens, joined by one space ("militärisch spezialoperation"): a
    stop word, punctuation, a number, a skipped token or a sentence boundary ends the run, so no
    n-gram crosses a sentence or a comma and none starts or ends with a function word.

Reference: Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' Words: Lexical Feature
Selection and Evaluation for Identifying the Content of Political Conflict. *Political Analysis*
16(4), 372–403, section 3.5 (informative Dirichlet prior), eqs. 15–22.
"""

from __future__ import annotations

import logging
import math
import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.attrs import NORM, ORTH, SENT_START
from spacy.lang.de.stop_words import STOP_WORDS as GERMAN_STOP_WORDS
from spacy.tokens import Doc

from analysis.measures.framing import count_tokens

log = logging.getLogger(__name__)

#: Terms (lemmas) shorter than this are not counted ("EU", "UN" have two and are counted).
MIN_TERM_CHARS = 2

#: Default prior mass a_0 (pseudo-tokens spread over the vocabulary like the pooled corpus).
#: See :func:`keyness_table` for why 1,000.
DEFAULT_PRIOR_SCALE = 1000.0

#: Default minimum pooled count (outlet + rest) of a term in :func:`keyness_table`.
DEFAULT_MIN_COUNT = 10

#: z above which a term is called distinctive on the report page (two-sided p < 0.05, uncorrected).
Z_DISTINCTIVE = 1.96

KEYNESS_COLUMNS = [
    "outlet",
    "term",
    "n_words",
    "count_outlet",
    "count_rest",
    "rate_outlet_per_1000",
    "rate_rest_per_1000",
    "n_articles_with_term",
    "log_odds",
    "z",
]

#: Terms kept per outlet in keyness.csv by default (the most distinctive by z; None = all).
DEFAULT_TOP = 200



@dataclass(frozen=True)
class KeynessSettings:
    """Parameters of the keyness table of a run (recorded in run.json)."""

    min_count: int = DEFAULT_MIN_COUNT
    prior_scale: float = DEFAULT_PRIOR_SCALE
    top: int | None = DEFAULT_TOP

    def __post_init__(self):
        if self.min_count < 1:
            raise ValueError(f"keyness min_count must be >= 1, got {self.min_count}")
        if not self.prior_scale > 0:
            raise ValueError(f"keyness prior_scale must be > 0, got {self.prior_scale}")
        if self.top is not None and self.top < 1:
            raise ValueError(f"keyness top must be >= 1 or None, got {self.top}")

    def as_dict(self) -> dict:
        return {"min_count": self.min_count, "prior_scale": self.prior_scale, "top": self.top,
                "unit": "lemma unigrams"}


_STOP = frozenset(GERMAN_STOP_WORDS)
#: ORTH hash → whether the surface form may be a term (hashes are of the string, so they are the
#: same in every Vocab); bounded like the lemma cache of analysis.processing.nlp.
_FORM_OK: dict[int, bool] = {}
#: NORM hash → the lemma when it may be a term, else None.
_LEMMA: dict[int, str | None] = {}
_CACHE_SIZE = 200_000


def _form_ok(lex) -> bool:
    """``lex``: a Token or Lexeme."""
    return not (
        lex.is_punct
        or lex.is_space
        or lex.like_num
        or lex.like_url
        or lex.like_email
        or lex.is_stop
        or lex.lower_ in _STOP
    ) and any(ch.isalpha() for ch in lex.orth_)


def _lemma_ok(norm: str) -> bool:
    return len(norm) >= MIN_TERM_CHARS and norm not in _STOP and any(ch.isalpha() for ch in norm)


def is_term_token(token) -> bool:
    """Whether ``token`` is counted by :func:`term_counts` (see the module docstring for the rule)."""
    return _form_ok(token) and _lemma_ok(token.norm_)


def _terms_of(doc: Doc, skip: Container[int]) -> list[str | None]:
    """Per token: its term, or None when it is not counted (one pass over hashes, cached)."""
    if not len(doc):
        return []
    form_cache, lemma_cache = _FORM_OK, _LEMMA
    vocab = doc.vocab
    out: list[str | None] = []
    append = out.append
    for i, (orth, norm) in enumerate(doc.to_array([ORTH, NORM]).tolist()):
        ok = form_cache.get(orth)
        if ok is None:
            ok = _form_ok(vocab[orth])
            if len(form_cache) >= _CACHE_SIZE:
                form_cache.clear()
            form_cache[orth] = ok
        if not ok:
            append(None)
            continue
        lemma = lemma_cache.get(norm, False)
        if lemma is False:
            text = vocab.strings[norm]
            lemma = text if _lemma_ok(text) else None
            if len(lemma_cache) >= _CACHE_SIZE:
                lemma_cache.clear()
            lemma_cache[norm] = lemma
        append(lemma)
    if skip:
        for i in skip:
            if 0 <= i < len(out):
                out[i] = None
    return out


def term_counts(doc: Doc, *, ngram_max: int = 1, skip: Container[int] = ()) -> Counter:
    """Counts of the content-word lemmas of ``doc`` (and of their n-grams up to ``ngram_max``).

    ``skip``: token indices that are not counted and end an n-gram run (e.g. the tokens of lexicon
    matches). The rule for which tokens count is in the module docstring. Pure: depends only on
    the Doc's tokens, lemmas (``norm_``) and sentence starts. Measured on the fallback pipeline:
    about 0.5 µs per token for unigrams (see the README, section keyness).
    """
    if ngram_max < 1:
        raise ValueError(f"ngram_max must be at least 1, got {ngram_max}")
    terms = _terms_of(doc, skip)
    counts: Counter = Counter(t for t in terms if t is not None)
    if ngram_max == 1 or not counts:
        return counts
    starts = (
        doc.to_array([SENT_START]).tolist() if doc.has_annotation("SENT_START") else [0] * len(terms)
    )
    run: list[str] = []
    for term, start in zip(terms, starts):
        if term is None or start == 1:
            if len(run) > 1:
                _count_ngrams(counts, run, ngram_max)
            run = [] if term is None else [term]
            continue
        run.append(term)
    if len(run) > 1:
        _count_ngrams(counts, run, ngram_max)
    return counts


def _count_ngrams(counts: Counter, run: list[str], ngram_max: int) -> None:
    for n in range(2, min(ngram_max, len(run)) + 1):
        counts.update(" ".join(run[k : k + n]) for k in range(len(run) - n + 1))


def term_order(term: str) -> int:
    """Number of words of a term (1 for a lemma, n for an n-gram)."""
    return term.count(" ") + 1


@dataclass
class OutletTermCounts:
    """Per-outlet term sums: mergeable, picklable, and only Counters.

    * ``counts[outlet][term]``: occurrences of ``term`` in the outlet's articles;
    * ``doc_freq[outlet][term]``: articles of the outlet containing ``term``;
    * ``totals[outlet][n]``: all counted terms of ``n`` words (the n^i of the formula; kept
      unchanged by :meth:`prune`, so pruning never changes the other terms' estimates);
    * ``n_articles[outlet]``, ``n_tokens[outlet]``: articles and tokens (as ``n_tokens`` in
      articles.csv: words and numbers) for the per-1,000-token rates.

    Workers each fill one and the parent adds them with :meth:`merge`; the sums do not depend on
    how articles were split, so the table is identical for any number of workers (without pruning).
    """

    counts: dict[str, Counter] = field(default_factory=dict)
    doc_freq: dict[str, Counter] = field(default_factory=dict)
    totals: dict[str, Counter] = field(default_factory=dict)
    n_articles: Counter = field(default_factory=Counter)
    n_tokens: Counter = field(default_factory=Counter)
    #: Largest ``min_count`` ever passed to :meth:`prune` (0 = never pruned).
    pruned_below: int = 0

    def add(self, outlet: str, counts: Mapping[str, int], n_tokens: int) -> None:
        """Add one article's :func:`term_counts` and its token count."""
        if outlet not in self.counts:
            self.counts[outlet] = Counter()
            self.doc_freq[outlet] = Counter()
            self.totals[outlet] = Counter()
        self.counts[outlet].update(counts)
        self.doc_freq[outlet].update(counts.keys())
        totals = self.totals[outlet]
        for term, c in counts.items():
            totals[term.count(" ") + 1] += c
        self.n_articles[outlet] += 1
        self.n_tokens[outlet] += int(n_tokens)

    def merge(self, other: OutletTermCounts) -> OutletTermCounts:
        """Add ``other``'s sums to these (in place) and return self."""
        for outlet, counts in other.counts.items():
            if outlet not in self.counts:
                self.counts[outlet] = Counter()
                self.doc_freq[outlet] = Counter()
                self.totals[outlet] = Counter()
            self.counts[outlet].update(counts)
            self.doc_freq[outlet].update(other.doc_freq.get(outlet, {}))
            self.totals[outlet].update(other.totals.get(outlet, {}))
        self.n_articles.update(other.n_articles)
        self.n_tokens.update(other.n_tokens)
        self.pruned_below = max(self.pruned_below, other.pruned_below)
        return self

    def prune(self, min_count: int = 2) -> int:
        """Drop terms whose count summed over all outlets is below ``min_count``; return how many.

        For memory on huge corpora (most distinct n-grams are hapaxes). Prune the merged sums, or a
        partial sum with a threshold well below :func:`keyness_table`'s ``min_count``: a term pruned
        from a partial sum loses those occurrences for good, so after pruning partial sums with
        threshold k and merging m of them a term's count may be short by up to m·(k−1). The totals
        n^i are not changed, so the estimates of the remaining terms stay exact.
        """
        if min_count <= 1:
            return 0
        pooled: Counter = Counter()
        for counts in self.counts.values():
            pooled.update(counts)
        drop = {t for t, c in pooled.items() if c < min_count}
        for outlet in self.counts:
            for store in (self.counts[outlet], self.doc_freq[outlet]):
                for t in drop.intersection(store):
                    del store[t]
        self.pruned_below = max(self.pruned_below, min_count)
        log.info("keyness: pruned %d terms with a pooled count below %d", len(drop), min_count)
        return len(drop)

    @property
    def outlets(self) -> list[str]:
        return sorted(self.counts)

    def pooled(self) -> Counter:
        total: Counter = Counter()
        for counts in self.counts.values():
            total.update(counts)
        return total


#: (outlet, term) entries a :class:`TermCountSpool` holds in memory before it writes them to disk.
DEFAULT_SPOOL_ENTRIES = 250_000
#: Files the spooled entries are spread over (by term): each is read and summed alone.
DEFAULT_SPOOL_BUCKETS = 64


class TermCountSpool:
    """The run's merged :class:`OutletTermCounts`, with memory bounded by ``max_entries``.

    The distinct terms of a corpus keep growing with it (most are hapaxes). The spool merges the
    workers' partial sums in memory; when the merged sums hold more than ``max_entries`` (outlet,
    term) entries, it appends them to ``n_buckets`` files in a temporary folder under
    ``directory`` (by a hash of the term, so all counts of a term land in one file) and starts
    again from empty. :meth:`reduced` then reads one file at a time, adds up its terms and keeps
    those whose pooled count reaches ``min_count``: exactly the terms :func:`keyness_table` can
    use, with the same counts as one in-memory sum (tested), while memory holds one bucket and the
    kept terms. Totals ``n^i``, article and token counts always stay in memory (a few numbers per
    outlet). Use as a context manager (or call :meth:`close`) so the folder is removed.
    """

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        max_entries: int = DEFAULT_SPOOL_ENTRIES,
        n_buckets: int = DEFAULT_SPOOL_BUCKETS,
    ):
        if max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, got {max_entries}")
        if n_buckets < 1:
            raise ValueError(f"n_buckets must be >= 1, got {n_buckets}")
        self.directory = directory
        self.max_entries = max_entries
        self.n_buckets = n_buckets
        self.sums = OutletTermCounts()
        self.n_spills = 0
        self._spool: Path | None = None

    def merge(self, part: OutletTermCounts) -> None:
        """Add a worker's partial sums; spill to disk when memory holds too many entries."""
        self.sums.merge(part)
        if sum(len(c) for c in self.sums.counts.values()) > self.max_entries:
            self._spill()

    def _spill(self) -> None:
        if self._spool is None:
            self._spool = Path(tempfile.mkdtemp(prefix=".quellenlage-keyness-", dir=self.directory))
        n = self.n_buckets
        parts: list[dict[str, tuple[dict, dict]]] = [{} for _ in range(n)]
        for outlet, counts in self.sums.counts.items():
            doc_freq = self.sums.doc_freq[outlet]
            for term, c in counts.items():
                # str hashes are stable within this process, which writes and reads the spool
                bucket = parts[hash(term) % n].setdefault(outlet, ({}, {}))
                bucket[0][term] = c
                bucket[1][term] = doc_freq[term]
            counts.clear()
            doc_freq.clear()
        for b, part in enumerate(parts):
            if part:
                with open(self._spool / f"terms-{b:04d}.pickle", "ab") as fh:
                    pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.n_spills += 1
        log.debug("keyness: spill %d of the term counts to %s", self.n_spills, self._spool)

    def reduced(self, min_count: int) -> OutletTermCounts:
        """The merged sums of the terms with a pooled count of at least ``min_count`` (totals kept).

        Without a spill this is the in-memory sum, pruned below ``min_count``.
        """
        if self._spool is None:
            self.sums.prune(min_count)
            return self.sums
        self._spill()
        out = OutletTermCounts(totals=self.sums.totals, n_articles=self.sums.n_articles, n_tokens=self.sums.n_tokens)
        for outlet in self.sums.counts:
            out.counts[outlet], out.doc_freq[outlet] = Counter(), Counter()
        for b in range(self.n_buckets):
            path = self._spool / f"terms-{b:04d}.pickle"
            if not path.exists():
                continue
            bucket = OutletTermCounts()
            with open(path, "rb") as fh:
                while True:
                    try:
                        part = pickle.load(fh)
                    except EOFError:
                        break
                    for outlet, (counts, doc_freq) in part.items():
                        if outlet not in bucket.counts:
                            bucket.counts[outlet], bucket.doc_freq[outlet] = Counter(), Counter()
                        bucket.counts[outlet].update(counts)
                        bucket.doc_freq[outlet].update(doc_freq)
            path.unlink()
            keep = {t for t, c in bucket.pooled().items() if c >= min_count}
            for outlet, counts in bucket.counts.items():
                doc_freq = bucket.doc_freq[outlet]
                out.counts[outlet].update({t: c for t, c in counts.items() if t in keep})
                out.doc_freq[outlet].update({t: doc_freq[t] for t in counts if t in keep})
        out.pruned_below = max(self.sums.pruned_below, min_count)
        log.info("keyness: %d spills of the term counts, %d terms kept", self.n_spills, len(out.pooled()))
        return out

    def close(self) -> None:
        """Remove the spool folder (if the counts spilled)."""
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None

    def __enter__(self) -> "TermCountSpool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def log_odds_dirichlet(
    y_i: np.ndarray,
    y_j: np.ndarray,
    alpha: np.ndarray,
    *,
    n_i: float | None = None,
    n_j: float | None = None,
    alpha_0: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds ratio with informative Dirichlet prior, its variance and z (Monroe et al. 2008).

    For each word w (arrays aligned by word), group i against group j (Monroe et al. 2008,
    section 3.5, eqs. 15–22; the z-score is their eq. 22)::

        delta_w = log((y_w^i + a_w) / (n^i + a_0 - y_w^i - a_w))
                - log((y_w^j + a_w) / (n^j + a_0 - y_w^j - a_w))
        var_w  ≈ 1 / (y_w^i + a_w) + 1 / (y_w^j + a_w)
        z_w    = delta_w / sqrt(var_w)

    ``y_i``, ``y_j``: counts of each word in i and j; ``alpha``: the prior pseudo-counts a_w (> 0);
    ``n_i``, ``n_j``: all words of i and j, scalars or per-word arrays (default: the sums of ``y_i``/``y_j``; pass them when the
    arrays hold only part of the vocabulary); ``alpha_0``: the prior mass a_0 (default ``alpha.sum()``).
    Returns ``(delta, var, z)`` as float arrays. Positive delta/z: the word is more frequent in i.
    """
    y_i = np.asarray(y_i, dtype=float)
    y_j = np.asarray(y_j, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    if not (y_i.shape == y_j.shape == alpha.shape):
        raise ValueError(f"y_i, y_j and alpha must have the same shape, got {y_i.shape}, {y_j.shape}, {alpha.shape}")
    if (y_i < 0).any() or (y_j < 0).any():
        raise ValueError("counts must be non-negative")
    if (alpha <= 0).any():
        raise ValueError("prior pseudo-counts alpha must be positive (a word with a_w = 0 has no defined log-odds when unseen)")
    n_i = y_i.sum() if n_i is None else np.asarray(n_i, dtype=float)
    n_j = y_j.sum() if n_j is None else np.asarray(n_j, dtype=float)
    a0 = float(alpha.sum()) if alpha_0 is None else float(alpha_0)
    a_i = y_i + alpha
    a_j = y_j + alpha
    rest_i = n_i + a0 - a_i
    rest_j = n_j + a0 - a_j
    if (rest_i <= 0).any() or (rest_j <= 0).any():
        raise ValueError("n + alpha_0 must exceed every y_w + a_w (are n_i/n_j/alpha_0 the totals over the whole vocabulary?)")
    delta = np.log(a_i / rest_i) - np.log(a_j / rest_j)
    var = 1.0 / a_i + 1.0 / a_j
    z = delta / np.sqrt(var)
    return delta, var, z


def keyness_table(
    counts: OutletTermCounts,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
    prior_scale: float = DEFAULT_PRIOR_SCALE,
    top: int | None = None,
) -> pd.DataFrame:
    """Each outlet against all other outlets pooled: one row per outlet and term.

    Terms enter when their pooled count (all outlets) is at least ``min_count``. The informative
    prior is a_w = a_0 · (pooled count of w / pooled count of all terms of the same length), with
    a_0 = ``prior_scale``: the pooled corpus spread over ``prior_scale`` pseudo-tokens. Default
    1,000: enough that a term seen a few times in one outlet and never elsewhere does not top the
    list on an unseen-elsewhere technicality, small against the tokens of any outlet worth comparing
    (tens of thousands), so frequent terms are estimated from the data; a larger a_0 shrinks rare
    terms more. n-grams of n words are compared with the totals of n-word terms.

    Columns (``KEYNESS_COLUMNS``): ``outlet``, ``term``, ``n_words``, ``count_outlet``,
    ``count_rest`` (all other outlets), ``rate_outlet_per_1000`` / ``rate_rest_per_1000`` (per 1,000
    tokens as ``n_tokens`` in articles.csv), ``n_articles_with_term`` (articles of the outlet with
    the term), ``log_odds`` (delta), ``z``. Sorted by outlet, then z descending. ``top``: keep the
    ``top`` highest-z rows per outlet. Fewer than two outlets, or no term reaching ``min_count``:
    an empty table with these columns.
    """
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")
    if prior_scale <= 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale}")
    outlets = counts.outlets
    if len(outlets) < 2:
        if outlets:
            log.info("keyness needs at least two outlets; the corpus has only %s", outlets[0])
        return _empty()
    pooled = counts.pooled()
    terms = sorted(t for t, c in pooled.items() if c >= min_count)
    if not terms:
        return _empty()
    order = np.array([term_order(t) for t in terms])
    matrix = np.array([[counts.counts[o].get(t, 0) for t in terms] for o in outlets], dtype=float)
    docs = np.array([[counts.doc_freq[o].get(t, 0) for t in terms] for o in outlets], dtype=np.int64)
    totals = np.array([[counts.totals[o].get(n, 0) for n in order] for o in outlets], dtype=float)
    pooled_counts = matrix.sum(axis=0)
    pooled_totals = totals.sum(axis=0)
    alone = pooled_counts >= pooled_totals
    if alone.any():
        # the only term of its length (toy data): n + a_0 - y - a_w is 0, the log-odds undefined
        log.info("keyness: %d terms are the only terms of their length and are left out", int(alone.sum()))
        keep = ~alone
        terms = [t for t, k in zip(terms, keep) if k]
        if not terms:
            return _empty()
        order, matrix, docs, totals = order[keep], matrix[:, keep], docs[:, keep], totals[:, keep]
        pooled_counts, pooled_totals = pooled_counts[keep], pooled_totals[keep]
    alpha = prior_scale * pooled_counts / pooled_totals
    tokens = np.array([counts.n_tokens[o] for o in outlets], dtype=float)
    frames = []
    for k, outlet in enumerate(outlets):
        y_i = matrix[k]
        y_j = pooled_counts - y_i
        n_i = totals[k]
        n_j = pooled_totals - n_i
        delta, _var, z = log_odds_dirichlet(y_i, y_j, alpha, n_i=n_i, n_j=n_j, alpha_0=prior_scale)
        tok_i = tokens[k]
        tok_j = tokens.sum() - tok_i
        frame = pd.DataFrame({
            "outlet": outlet,
            "term": terms,
            "n_words": order,
            "count_outlet": y_i.astype(np.int64),
            "count_rest": y_j.astype(np.int64),
            "rate_outlet_per_1000": 1000.0 * y_i / tok_i if tok_i > 0 else math.nan,
            "rate_rest_per_1000": 1000.0 * y_j / tok_j if tok_j > 0 else math.nan,
            "n_articles_with_term": docs[k],
            "log_odds": delta,
            "z": z,
        })
        frame = frame.sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
        if top is not None:
            frame = frame.head(top)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table[KEYNESS_COLUMNS]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object" if c in ("outlet", "term") else "float64") for c in KEYNESS_COLUMNS})


def keyness_from_docs(
    items: Iterable[tuple[str, Doc]],
    *,
    ngram_max: int = 1,
    min_count: int = DEFAULT_MIN_COUNT,
    prior_scale: float = DEFAULT_PRIOR_SCALE,
    top: int | None = None,
) -> pd.DataFrame:
    """Convenience for scripts: ``(outlet, doc)`` pairs → :func:`keyness_table`."""
    sums = OutletTermCounts()
    for outlet, doc in items:
        sums.add(outlet, term_counts(doc, ngram_max=ngram_max), count_tokens(doc))
    return keyness_table(sums, min_count=min_count, prior_scale=prior_scale, top=top)
