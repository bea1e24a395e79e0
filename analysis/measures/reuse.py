"""Agency copy and text reuse: passages an article shares with other articles of the corpus.

Method
------
Each article's words (tokens containing a letter or digit, lower-cased; punctuation and quote
style are ignored, so «…» vs „…“ does not matter) are cut into overlapping windows of
``shingle_words`` consecutive words (default 8, "word 8-grams"). Two articles share a passage
where they share windows; a word of an article is **reused** when it lies in at least one window
that also occurs in another article. Overlapping shared windows merge into passages, so a passage
with one edited word still counts apart from the windows around that word (a 20-word sentence
with one word changed in the middle keeps most of its words covered), and a sentence that was
shortened or extended keeps its common part (containment, not only similarity, counts).

This is exact shingle matching (fingerprinting as in Broder 1997; Schleimer, Wilkerson & Aiken
2003; the n-gram overlap method of text-reuse studies of journalism, Clough et al. 2002), not
MinHash/LSH: MinHash estimates Jaccard similarity of whole sets and needs one signature per passage;
on sentence passages of FANG-COVID (31,580 articles, 1.3 million sentences) datasketch's
``MinHashLSH`` was measured at 925 MB for the first 100,000 sentences (over 10 GB extrapolated), and
sentence-level Jaccard misses a sentence that was kept but extended. The window index needs
16 bytes per word (a 64-bit window hash, two 32-bit character offsets), is exact, and has no
random component: results are identical on every run and with any number of processes.

Window hashes are 64-bit: each word is hashed with BLAKE2b (digest 8 bytes, stable across
processes, unlike Python's ``hash``), windows combine their words with a polynomial hash modulo
2**64. The expected number of accidental collisions among 30 million windows is below 10**-4.

Boilerplate: a window found in more than ``max_articles_per_shingle`` articles (default 50) is
template text (comment forms, "Mehr zum Thema", newsletter footers), not reuse; it is ignored
and counted in :attr:`ReuseResult.n_boilerplate_shingles`.

Columns per article (``articles.csv``)
--------------------------------------
``reuse.n_words``               words of the article (as defined above)
``reuse.words_shared``          words lying in a window shared with at least one other article
``reuse.share``                 words_shared / n_words in [0, 1] (NaN without words)
``reuse.words_shared_other_outlets``, ``reuse.share_other_outlets``
                                the same, counting only articles of *other* outlets (agency copy
                                across outlets; 000 and 001 of the seeds are both dpa)
``reuse.n_matched_articles``    number of other articles sharing at least one window
``reuse.matched_articles``      their ids, ";"-separated, by decreasing shared words (traceability)
``reuse.top_match``, ``reuse.top_match_share``
                                the article sharing most words, and the share of this article's
                                words shared with it

Corpus tables
-------------
``pairs``: one row per (article, other article) that share a window: ``words_shared`` and
``share`` of the first article's words (directed: a short article inside a long one has a high
share, the long one a low share). ``outlet_matrix``: rows and columns are outlets; cell (A, B) =
share of outlet A's words that also occur (in shared windows) in some *other* article of outlet
B, i.e. Σ over A's articles of words shared with B's articles / Σ words of A. The diagonal is
reuse within an outlet (updates, repeated background paragraphs). ``passages``: the reused
passages with character offsets and the ids of the articles they also occur in (evidence).

Memory and time, measured on all of FANG-COVID (31,580 articles, 26.4 million windows, one core,
``benchmarks/reuse_index.py``: :func:`fingerprint_text` of each article into a :class:`ReuseIndex`,
then :meth:`ReuseIndex.result`): fingerprinting and spooling 40–50 s, solving 13–16 s, peak resident
memory 517 MB for the whole process (693 MB before word offsets were read per article range);
never spooled (``--in-memory``, the one-pass memory of earlier versions): solving 25 s, 2.70 GB.
The spool takes 16 bytes per window plus 8 per word on disk (630 MB here), in
the output folder during a run. 810,906 windows were shared, 823 ignored as boilerplate.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import shutil
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH
from spacy.tokens import Doc

from analysis.errors import QuellenlageError

log = logging.getLogger(__name__)

PREFIX = "reuse"
DEFAULT_SHINGLE_WORDS = 8
DEFAULT_MAX_ARTICLES_PER_SHINGLE = 50

#: Odd 64-bit multiplier of the polynomial window hash (the FNV-1 64-bit prime).
_MULTIPLIER = np.uint64(0x100000001B3)

ARTICLE_COLUMNS = [
    "article_id",
    f"{PREFIX}.n_words",
    f"{PREFIX}.words_shared",
    f"{PREFIX}.share",
    f"{PREFIX}.words_shared_other_outlets",
    f"{PREFIX}.share_other_outlets",
    f"{PREFIX}.n_matched_articles",
    f"{PREFIX}.matched_articles",
    f"{PREFIX}.top_match",
    f"{PREFIX}.top_match_share",
]
PAIR_COLUMNS = ["article_id", "other_id", "outlet", "other_outlet", "words_shared", "share"]
PASSAGE_COLUMNS = ["article_id", "start_char", "end_char", "n_words", "matched_articles", "text"]


class ReuseError(QuellenlageError):
    """Invalid input to the reuse detection (duplicate ids, bad settings)."""


@dataclass(frozen=True)
class ReuseSettings:
    shingle_words: int = DEFAULT_SHINGLE_WORDS
    max_articles_per_shingle: int = DEFAULT_MAX_ARTICLES_PER_SHINGLE

    def __post_init__(self):
        if self.shingle_words < 2:
            raise ReuseError(f"shingle_words must be >= 2, got {self.shingle_words}")
        if self.max_articles_per_shingle < 2:
            raise ReuseError(f"max_articles_per_shingle must be >= 2, got {self.max_articles_per_shingle}")

    def as_dict(self) -> dict:
        return {"shingle_words": self.shingle_words, "max_articles_per_shingle": self.max_articles_per_shingle}


# --------------------------------------------------------------------------- fingerprints (per article)

_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_SIZE = 200_000


#: ORTH hash of a token → :func:`word_hash` of its lower-cased form, or None when it has no letter or digit.
_ORTH_WORD_HASH: dict[int, int | None] = {}
_MISSING = object()


def word_hash(word: str) -> int:
    """Stable 64-bit hash of a (lower-cased) word."""
    h = _HASH_CACHE.get(word)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_HASH_CACHE) >= _HASH_CACHE_SIZE:
            _HASH_CACHE.clear()
        _HASH_CACHE[word] = h
    return h


def window_hashes(word_hashes: np.ndarray, k: int) -> np.ndarray:
    """Polynomial hash (mod 2**64) of every window of ``k`` consecutive word hashes."""
    n = len(word_hashes)
    if n < k:
        return np.empty(0, dtype=np.uint64)
    m = n - k + 1
    out = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            out = out * _MULTIPLIER + word_hashes[j : j + m]
    return out


@dataclass(frozen=True)
class ArticleFingerprint:
    """What reuse detection keeps of one article: window hashes and word offsets (picklable)."""

    article_id: str
    outlet: str
    hashes: np.ndarray  # uint64, one per window (n_words - k + 1, or empty)
    word_starts: np.ndarray  # int32 character offsets of the words
    word_ends: np.ndarray
    shingle_words: int

    @property
    def n_words(self) -> int:
        return len(self.word_starts)


def _fingerprint(article_id: str, outlet: str, words: Sequence[str], starts, ends, k: int) -> ArticleFingerprint:
    hashes = np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    return ArticleFingerprint(
        article_id,
        outlet,
        window_hashes(hashes, k),
        np.asarray(starts, dtype=np.int32),
        np.asarray(ends, dtype=np.int32),
        k,
    )


def fingerprint_doc(doc: Doc, article_id: str, outlet: str, *, shingle_words: int = DEFAULT_SHINGLE_WORDS) -> ArticleFingerprint:
    """Fingerprint of a processed Doc: tokens with a letter or digit, lower-cased surface forms.

    Surface forms (not lemmas) keep reuse independent of the lemmatizer or model in use.
    """
    if not len(doc):
        return _fingerprint(article_id, outlet, [], [], [], shingle_words)
    table = doc.to_array([ORTH, IS_PUNCT, IS_SPACE, IDX, LENGTH])
    strings = doc.vocab.strings
    keep = (table[:, 1] == 0) & (table[:, 2] == 0)
    rows = np.flatnonzero(keep)
    hashes = []
    selected = []
    for i, orth in zip(rows.tolist(), table[rows, 0].tolist()):
        h = _ORTH_WORD_HASH.get(orth, _MISSING)
        if h is _MISSING:
            text = strings[orth]
            h = word_hash(text.lower()) if any(ch.isalnum() for ch in text) else None
            if len(_ORTH_WORD_HASH) >= _HASH_CACHE_SIZE:
                _ORTH_WORD_HASH.clear()
            _ORTH_WORD_HASH[orth] = h
        if h is not None:
            hashes.append(h)
            selected.append(i)
    starts = table[selected, 3].astype(np.int32)
    ends = starts + table[selected, 4].astype(np.int32)
    return ArticleFingerprint(
        article_id, outlet, window_hashes(np.array(hashes, dtype=np.uint64), shingle_words), starts, ends, shingle_words
    )


def fingerprint_text(text: str, article_id: str, outlet: str, *, shingle_words: int = DEFAULT_SHINGLE_WORDS) -> ArticleFingerprint:
    """Fingerprint of a raw text without spaCy (words by a regular expression).

    Use either this or :func:`fingerprint_doc` for all articles of one corpus: hyphenated words are
    split differently by the two tokenizers.
    """
    words, starts, ends = [], [], []
    for m in _WORD_RE.finditer(text):
        words.append(m.group().lower())
        starts.append(m.start())
        ends.append(m.end())
    return _fingerprint(article_id, outlet, words, starts, ends, shingle_words)


# --------------------------------------------------------------------------- corpus-level detection


@dataclass
class ReuseResult:
    articles: pd.DataFrame
    pairs: pd.DataFrame
    outlet_matrix: pd.DataFrame
    passages: pd.DataFrame
    settings: ReuseSettings
    n_shingles: int = 0
    n_shared_shingles: int = 0
    n_boilerplate_shingles: int = 0
    outlet_words: dict[str, int] = field(default_factory=dict)
    #: all passages found (also when they went to :meth:`ReuseIndex.result`'s ``on_passages``)
    n_passages: int = 0

    def info(self) -> dict:
        """For ``run.json``."""
        return {
            **self.settings.as_dict(),
            "n_shingles": self.n_shingles,
            "n_shared_shingles": self.n_shared_shingles,
            "n_boilerplate_shingles": self.n_boilerplate_shingles,
            "n_passages": self.n_passages,
        }

    def matrix_long(self) -> pd.DataFrame:
        """The outlet matrix as ``outlet, other_outlet, share, n_words`` rows (for CSV and plots)."""
        rows = []
        for a in self.outlet_matrix.index:
            for b in self.outlet_matrix.columns:
                rows.append({"outlet": a, "other_outlet": b, "share": float(self.outlet_matrix.loc[a, b]), "n_words": self.outlet_words.get(a, 0)})
        return pd.DataFrame(rows, columns=["outlet", "other_outlet", "share", "n_words"])


def _interval_union_lengths(group: np.ndarray, positions: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by (group, position): the groups and the words covered by [p, p+k) per group."""
    if len(group) == 0:
        return np.empty(0, dtype=group.dtype), np.empty(0, dtype=np.int64)
    same_next = np.empty(len(group), dtype=bool)
    same_next[:-1] = group[1:] == group[:-1]
    same_next[-1] = False
    gap = np.full(len(group), k, dtype=np.int64)
    nxt = np.empty(len(group), dtype=np.int64)
    nxt[:-1] = positions[1:]
    nxt[-1] = 0
    gap = np.where(same_next, np.minimum(k, nxt - positions), k)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.add.reduceat(gap, starts)
    return group[starts], lengths


#: One window occurrence in the spool: window hash, article number, window position.
_RECORD = np.dtype([("h", "<u8"), ("a", "<u4"), ("p", "<u4")])
#: Windows held in memory before the index spills them to disk (16 bytes each, plus 8 per word of offsets).
DEFAULT_BUFFER_WINDOWS = 2_000_000
#: Hash buckets of the spool (by the top bits of the window hash): each is read and solved alone.
DEFAULT_BUCKETS = 256
#: Articles whose shared windows a spooled index solves together in its second pass.
DEFAULT_RANGE_ARTICLES = 4096


class ReuseIndex:
    """The corpus-wide window index, built one article at a time, with memory that does not grow.

    :meth:`add` takes article fingerprints in corpus order; while the index holds fewer than
    ``buffer_windows`` windows they stay in memory; beyond that, windows are written to
    ``n_buckets`` files by the top bits of their hash (so every occurrence of a window lands in the
    same file) and the word offsets to one more file, in a temporary folder under ``directory``
    (default: the system's temporary folder). :meth:`result` then works in two bounded passes:
    each bucket alone gives its shared windows (a window's occurrences never span buckets; within
    a bucket they are sorted by hash, article and position as in a one-pass solution), written as
    (article, position, other article) triples to one file per range of ``range_articles``
    articles; each range alone then gives its articles' coverage, pairs, outlet sums and passages.
    The result is identical to solving all windows at once (tested); memory is one bucket or one
    range, and per article its id, outlet, word count and offset.

    Use as a context manager (or call :meth:`close`) so the temporary folder is removed.
    """

    def __init__(
        self,
        settings: ReuseSettings = ReuseSettings(),
        *,
        directory: str | Path | None = None,
        buffer_windows: int = DEFAULT_BUFFER_WINDOWS,
        n_buckets: int = DEFAULT_BUCKETS,
        range_articles: int = DEFAULT_RANGE_ARTICLES,
    ):
        if not 1 <= n_buckets <= 65536 or n_buckets & (n_buckets - 1):
            raise ReuseError(f"n_buckets must be a power of two between 1 and 65536, got {n_buckets}")
        self.settings = settings
        self.directory = directory
        self.buffer_windows = buffer_windows
        self.n_buckets = n_buckets
        self.range_articles = range_articles
        self.ids: list[str] = []
        self._known: set[str] = set()
        self.outlets: list[str] = []
        self._n_words = array("q")
        self._word_offset = array("q")  # first word of each article in the offsets store
        self.n_windows = 0
        self._records: list[np.ndarray] = []  # buffered windows (_RECORD)
        self._offsets: list[np.ndarray] = []  # buffered word offsets (int32 pairs: start, end)
        self._buffered = 0
        self._words = 0
        self._spool: Path | None = None
        #: word offsets of the articles being solved (all of them in memory; one range when spooled)
        self._offsets_map: np.ndarray | None = None
        self._offsets_base = 0  # word number of the first row of _offsets_map
        self._solved = False

    # ------------------------------------------------------------------ building
    def add(self, fp: ArticleFingerprint) -> None:
        """Add one article's fingerprint (articles must have distinct ids and the settings' window size)."""
        k = self.settings.shingle_words
        if fp.shingle_words != k:
            raise ReuseError(f"article {fp.article_id}: fingerprint made with {fp.shingle_words}-word windows, settings say {k}")
        if fp.article_id in self._known:
            raise ReuseError(f"duplicate article ids in reuse detection: ['{fp.article_id}']; ids must be unique")
        if self._solved:
            raise ReuseError("the reuse index is already solved; build a new one to add articles")
        self._known.add(fp.article_id)
        number = len(self.ids)
        self.ids.append(fp.article_id)
        self.outlets.append(fp.outlet)
        self._n_words.append(fp.n_words)
        self._word_offset.append(self._words)
        self._words += fp.n_words
        n = len(fp.hashes)
        if n:
            records = np.empty(n, dtype=_RECORD)
            records["h"] = fp.hashes
            records["a"] = number
            records["p"] = np.arange(n, dtype=np.uint32)
            self._records.append(records)
        if fp.n_words:
            self._offsets.append(np.column_stack([fp.word_starts, fp.word_ends]).astype("<i4"))
        self.n_windows += n
        self._buffered += n
        if self._buffered >= self.buffer_windows:
            self._spill()

    def _spill(self) -> None:
        """Append the buffered windows to their bucket files and the offsets to the offsets file."""
        if self._spool is None:
            self._spool = Path(tempfile.mkdtemp(prefix=".quellenlage-reuse-", dir=self.directory))
            log.debug("text reuse: spooling windows to %s", self._spool)
        if self._records:
            records = np.concatenate(self._records)
            bucket = (records["h"] >> np.uint64(64 - self._bucket_bits)).astype(np.int64) if self._bucket_bits else np.zeros(len(records), dtype=np.int64)
            _append_grouped(records, bucket, self.n_buckets, lambda b: self._spool / f"windows-{b:05d}.bin")
        if self._offsets:
            with open(self._spool / "offsets.bin", "ab") as fh:
                np.concatenate(self._offsets).tofile(fh)
        self._records, self._offsets, self._buffered = [], [], 0

    @property
    def _bucket_bits(self) -> int:
        return self.n_buckets.bit_length() - 1

    def _buckets(self) -> Iterator[np.ndarray]:
        """The windows, one bucket at a time (in memory: all of them as one bucket)."""
        if self._spool is None:
            yield np.concatenate(self._records) if self._records else np.empty(0, dtype=_RECORD)
            return
        for b in range(self.n_buckets):
            path = self._spool / f"windows-{b:05d}.bin"
            if path.exists():
                yield np.fromfile(path, dtype=_RECORD)

    def _word_span(self, article: int, first: int, last: int) -> tuple[int, int]:
        """Character offsets from the start of word ``first`` to the end of word ``last`` of an article."""
        base = self._word_offset[article] - self._offsets_base
        return int(self._offsets_map[base + first, 0]), int(self._offsets_map[base + last, 1])

    def _load_offsets(self, first_article: int, last_article: int) -> None:
        """Read the word offsets of articles ``first_article``…``last_article`` from the spool.

        Only one range's offsets are in memory at a time (a memory map of the whole file would keep
        every page it touched resident: 8 bytes per word of the corpus).
        """
        start = self._word_offset[first_article]
        end = self._word_offset[last_article + 1] if last_article + 1 < len(self.ids) else self._words
        path = self._spool / "offsets.bin"
        if end <= start or not path.exists():
            self._offsets_map, self._offsets_base = np.empty((0, 2), dtype="<i4"), start
            return
        rows = np.fromfile(path, dtype="<i4", count=2 * (end - start), offset=8 * start)
        self._offsets_map, self._offsets_base = rows.reshape(-1, 2), start

    # ------------------------------------------------------------------ solving
    def result(self, texts=None, on_passages: Callable[[list[dict]], None] | None = None) -> ReuseResult:
        """Solve the index (see the module docstring); ``texts`` (article id → text) adds passage texts.

        Two passes, each over a bounded part of the windows: per hash bucket, the shared windows
        become (article, position, other article) triples; per range of ``range_articles``
        articles, the triples give coverage, pairs, the outlet matrix and passages (all of them
        are per article). A spooled index keeps the triples of each range in a file of its own.

        ``on_passages``: called with the passages of each range as they are found (rows as in
        :attr:`ReuseResult.passages`, every passage of an article in one call), which are then not
        kept: the passages of a large corpus with their texts need more memory than anything else
        here, and a run writes them straight to ``evidence.jsonl``. ``passages`` is then empty and
        ``n_passages`` still counts them.
        """
        settings = self.settings
        self._solved = True
        if self._spool is not None:
            self._spill()  # offsets are then read one range at a time (_load_offsets)
        else:
            self._offsets_map = np.concatenate(self._offsets) if self._offsets else np.empty((0, 2), dtype="<i4")
            self._offsets_base = 0
        n_articles = len(self.ids)
        ranges = _TripleRanges(self._spool, self.range_articles, n_articles)
        n_shared = n_boiler = 0
        for records in self._buckets():
            tri, shared, boiler = _shared_occurrences(records, settings.max_articles_per_shingle)
            ranges.add(*tri)
            n_shared += shared
            n_boiler += boiler
        self._records = []
        outlets = sorted(set(self.outlets))
        outlet_index = {o: i for i, o in enumerate(outlets)}
        art_outlet = np.array([outlet_index[o] for o in self.outlets], dtype=np.int64)
        n_words = np.frombuffer(self._n_words, dtype=np.int64) if n_articles else np.empty(0, dtype=np.int64)
        solved = _Solved(n_articles, len(outlets))
        for tri_a, tri_p, tri_b in ranges.parts():
            if self._spool is not None and len(tri_a):
                self._load_offsets(int(tri_a.min()), int(tri_a.max()))
            self._solve_range(tri_a, tri_p, tri_b, art_outlet, n_words, solved, texts, on_passages)
        self._offsets_map = None
        return self._tables(solved, outlets, outlet_index, art_outlet, n_words, n_shared, n_boiler)

    def _solve_range(self, tri_a, tri_p, tri_b, art_outlet, n_words, solved: "_Solved", texts, on_passages=None) -> None:
        """Coverage, pairs, outlet sums and passages of the articles of one range (``tri_a`` all in it)."""
        if not len(tri_a):
            return
        k = self.settings.shingle_words
        n_articles, n_outlets = solved.n_articles, solved.n_outlets
        width = int(n_words.max(initial=0)) + 1

        # Coverage per article (any other article), and per article against other outlets.
        def coverage(mask: np.ndarray, out: np.ndarray) -> None:
            key = np.unique(tri_a[mask] * width + tri_p[mask])
            groups, covered = _interval_union_lengths(key // width, key % width, k)
            out[groups] = covered

        coverage(np.ones(len(tri_a), dtype=bool), solved.covered_any)
        coverage(art_outlet[tri_a] != art_outlet[tri_b], solved.covered_other)

        # Pairs (a, b): words of a shared with b.
        o = np.lexsort((tri_p, tri_b, tri_a))
        keys, words = _interval_union_lengths(tri_a[o] * n_articles + tri_b[o], tri_p[o], k)
        del o
        solved.pair_a.append(keys // n_articles)
        solved.pair_b.append(keys % n_articles)
        solved.words.append(words)
        # (a, outlet of b): the outlet matrix
        ok = np.unique((tri_a * n_outlets + art_outlet[tri_b]) * width + tri_p)
        ao_keys, ao_words = _interval_union_lengths(ok // width, ok % width, k)
        del ok
        np.add.at(solved.matrix, (art_outlet[ao_keys // n_outlets], ao_keys % n_outlets), ao_words)
        passages = self._passages(tri_a, tri_p, tri_b, texts)
        solved.n_passages += len(passages)
        if on_passages is not None:
            on_passages(passages)
        else:
            solved.passages.extend(passages)

    def _tables(self, solved: "_Solved", outlets, outlet_index, art_outlet, n_words, n_shared, n_boiler) -> ReuseResult:
        """The result tables from the per-range sums."""
        ids = self.ids
        covered_any, covered_other = solved.covered_any, solved.covered_other
        pair_a, pair_b, words = (np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
                                 for parts in (solved.pair_a, solved.pair_b, solved.words))
        pairs = pd.DataFrame(
            {
                "article_id": [ids[i] for i in pair_a],
                "other_id": [ids[i] for i in pair_b],
                "outlet": [self.outlets[i] for i in pair_a],
                "other_outlet": [self.outlets[i] for i in pair_b],
                "words_shared": words.astype(int),
                "share": words / np.maximum(n_words[pair_a], 1),
            },
            columns=PAIR_COLUMNS,
        ).sort_values(["article_id", "words_shared", "other_id"], ascending=[True, False, True], kind="stable").reset_index(drop=True)

        # Outlet matrix.
        outlet_words = {o: int(n_words[art_outlet == i].sum()) for o, i in outlet_index.items()}
        denom = np.array([outlet_words[o] for o in outlets], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            matrix = np.where(denom[:, None] > 0, solved.matrix / denom[:, None], np.nan)
        outlet_matrix = pd.DataFrame(matrix, index=pd.Index(outlets, name="outlet"), columns=pd.Index(outlets, name="other_outlet"))

        # Per-article rows.
        by_article: dict[int, list[tuple[int, int]]] = {}
        for ai, bi, w in zip(pair_a.tolist(), pair_b.tolist(), words.tolist()):
            by_article.setdefault(ai, []).append((w, bi))
        rows = []
        for i, article_id in enumerate(ids):
            nw = int(n_words[i])
            matches = sorted(by_article.get(i, []), key=lambda wb: (-wb[0], ids[wb[1]]))
            rows.append(
                {
                    "article_id": article_id,
                    f"{PREFIX}.n_words": nw,
                    f"{PREFIX}.words_shared": int(covered_any[i]),
                    f"{PREFIX}.share": covered_any[i] / nw if nw else math.nan,
                    f"{PREFIX}.words_shared_other_outlets": int(covered_other[i]),
                    f"{PREFIX}.share_other_outlets": covered_other[i] / nw if nw else math.nan,
                    f"{PREFIX}.n_matched_articles": len(matches),
                    f"{PREFIX}.matched_articles": ";".join(ids[b] for _, b in matches),
                    f"{PREFIX}.top_match": ids[matches[0][1]] if matches else "",
                    f"{PREFIX}.top_match_share": matches[0][0] / nw if matches and nw else (0.0 if nw else math.nan),
                }
            )
        return ReuseResult(
            articles=pd.DataFrame(rows, columns=ARTICLE_COLUMNS),
            pairs=pairs,
            outlet_matrix=outlet_matrix,
            passages=pd.DataFrame(solved.passages, columns=PASSAGE_COLUMNS),
            n_passages=solved.n_passages,
            settings=self.settings,
            n_shingles=self.n_windows,
            n_shared_shingles=n_shared,
            n_boilerplate_shingles=n_boiler,
            outlet_words=outlet_words,
        )

    def _passages(self, tri_a, tri_p, tri_b, texts) -> list[dict]:
        """Merged runs of shared windows per article, with character offsets and matched article ids."""
        k = self.settings.shingle_words
        rows = []
        if len(tri_a):
            o = np.lexsort((tri_b, tri_p, tri_a))
            ta, tp, tb = tri_a[o], tri_p[o], tri_b[o]
            boundaries = np.flatnonzero(np.r_[True, ta[1:] != ta[:-1]])
            ends = np.r_[boundaries[1:], len(ta)]
            for s, e in zip(boundaries.tolist(), ends.tolist()):
                ai = int(ta[s])
                run_start = run_end = None
                others: set[int] = set()
                for pos, b in zip(tp[s:e].tolist(), tb[s:e].tolist()):
                    if run_end is not None and pos <= run_end:
                        run_end = max(run_end, pos + k - 1)
                        others.add(b)
                        continue
                    if run_start is not None:
                        rows.append(self._passage_row(ai, run_start, run_end, others, texts))
                    run_start, run_end, others = pos, pos + k - 1, {b}
                if run_start is not None:
                    rows.append(self._passage_row(ai, run_start, run_end, others, texts))
        return rows

    def _passage_row(self, article: int, first: int, last: int, others: set[int], texts) -> dict:
        start, end = self._word_span(article, first, last)
        article_id = self.ids[article]
        return {
            "article_id": article_id,
            "start_char": start,
            "end_char": end,
            "n_words": last - first + 1,
            "matched_articles": ";".join(sorted(self.ids[b] for b in others)),
            "text": texts.get(article_id, "")[start:end] if texts else "",
        }

    # ------------------------------------------------------------------ clean-up
    def close(self) -> None:
        """Remove the temporary folder (if the index spilled) and drop the buffers."""
        self._records, self._offsets, self._offsets_map = [], [], None
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None

    def __enter__(self) -> "ReuseIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _append_grouped(records: np.ndarray, group: np.ndarray, n_groups: int, path_of: Callable[[int], Path]) -> None:
    """Append the records of each group (0 ≤ group < ``n_groups``) to the file ``path_of(group)``,
    keeping their order within a group (so files stay in corpus order across appends)."""
    order = np.argsort(group, kind="stable")
    records, group = records[order], group[order]
    bounds = np.searchsorted(group, np.arange(n_groups + 1))
    for g in np.flatnonzero(np.diff(bounds)).tolist():
        with open(path_of(g), "ab") as fh:
            records[bounds[g] : bounds[g + 1]].tofile(fh)


@dataclass
class _Solved:
    """Per-range results summed over the ranges of :meth:`ReuseIndex.result`."""

    n_articles: int
    n_outlets: int
    covered_any: np.ndarray = field(init=False)
    covered_other: np.ndarray = field(init=False)
    matrix: np.ndarray = field(init=False)  # outlet × outlet words shared (before dividing)
    pair_a: list = field(default_factory=list)
    pair_b: list = field(default_factory=list)
    words: list = field(default_factory=list)
    passages: list = field(default_factory=list)
    n_passages: int = 0

    def __post_init__(self):
        self.covered_any = np.zeros(self.n_articles, dtype=np.int64)
        self.covered_other = np.zeros(self.n_articles, dtype=np.int64)
        self.matrix = np.zeros((self.n_outlets, self.n_outlets))


#: One (article, window position, other article) triple of a spooled index.
_TRIPLE = np.dtype([("a", "<u4"), ("p", "<u4"), ("b", "<u4")])


class _TripleRanges:
    """Triples grouped by article range: in memory (one range), or in one file per range of
    ``range_articles`` articles under ``spool`` (a spooled index), so that solving needs the
    triples of one range at a time."""

    def __init__(self, spool: Path | None, range_articles: int, n_articles: int):
        self.spool = spool
        self.range_articles = max(1, range_articles)
        self.n_ranges = max(1, -(-n_articles // self.range_articles))
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, tri_a: np.ndarray, tri_p: np.ndarray, tri_b: np.ndarray) -> None:
        if not len(tri_a):
            return
        if self.spool is None:
            self._parts.append((tri_a, tri_p, tri_b))
            return
        records = np.empty(len(tri_a), dtype=_TRIPLE)
        records["a"], records["p"], records["b"] = tri_a, tri_p, tri_b
        _append_grouped(records, tri_a // self.range_articles, self.n_ranges, lambda r: self.spool / f"triples-{r:05d}.bin")

    def parts(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``(article, position, other article)`` int64 arrays, one range at a time."""
        if self.spool is None:
            if self._parts:
                yield tuple(np.concatenate([part[i] for part in self._parts]) for i in range(3))
            return
        for r in range(self.n_ranges):
            path = self.spool / f"triples-{r:05d}.bin"
            if path.exists():
                records = np.fromfile(path, dtype=_TRIPLE)
                path.unlink()
                yield tuple(records[f].astype(np.int64) for f in ("a", "p", "b"))


def _shared_occurrences(records: np.ndarray, max_articles: int) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], int, int]:
    """Every occurrence of a shared window × every other article it occurs in, for one bucket.

    ``records`` are in corpus order (article, position). Returns ``(article, position, other
    article)`` triples, the number of shared windows and of boilerplate windows (in more than
    ``max_articles`` articles, ignored).
    """
    empty = np.empty(0, dtype=np.int64)
    if not len(records):
        return (empty, empty, empty), 0, 0
    # Sort by (hash, article, position): records come in article and position order, so a stable
    # sort by hash alone suffices (and needs a third of the memory of a lexsort).
    order = np.argsort(records["h"], kind="stable")
    h = records["h"][order]
    a = records["a"][order].astype(np.int64)
    p = records["p"][order].astype(np.int64)
    del order
    new_hash = np.r_[True, h[1:] != h[:-1]]
    new_pair = np.r_[True, (h[1:] != h[:-1]) | (a[1:] != a[:-1])]
    hash_id = np.cumsum(new_hash) - 1
    n_hashes = int(new_hash.sum())
    distinct = np.bincount(hash_id[new_pair], minlength=n_hashes)
    shared = (distinct >= 2) & (distinct <= max_articles)
    n_boiler = int((distinct > max_articles).sum())
    keep = shared[hash_id]
    a, p, hash_id, new_pair = a[keep], p[keep], hash_id[keep], new_pair[keep]
    del h

    # Distinct (hash, article) members of each shared hash, and every occurrence × other member.
    member_h = hash_id[new_pair]
    member_a = a[new_pair]
    uniq_ids, first_member = np.unique(member_h, return_index=True)
    counts = np.diff(np.r_[first_member, len(member_h)])
    slot = np.searchsorted(uniq_ids, hash_id)
    occ_first = first_member[slot]
    occ_count = counts[slot]
    rep = np.repeat(np.arange(len(a)), occ_count)
    offsets = np.arange(len(rep)) - np.repeat(np.cumsum(occ_count) - occ_count, occ_count)
    other = member_a[np.repeat(occ_first, occ_count) + offsets]
    tri_a, tri_p, tri_b = a[rep], p[rep], other
    not_self = tri_a != tri_b
    return (tri_a[not_self], tri_p[not_self], tri_b[not_self]), int(shared.sum()), n_boiler


def find_reuse(
    fingerprints: Iterable[ArticleFingerprint],
    settings: ReuseSettings = ReuseSettings(),
    *,
    texts: dict[str, str] | None = None,
    directory: str | Path | None = None,
) -> ReuseResult:
    """Detect shared passages across all articles (see the module docstring and :class:`ReuseIndex`).

    ``texts`` (article id → text) adds the passage text to :attr:`ReuseResult.passages`;
    ``directory``: where a large corpus's windows are spooled (default: the system's temporary folder).
    """
    with ReuseIndex(settings, directory=directory) as index:
        for fp in fingerprints:
            index.add(fp)
        return index.result(texts)


def passages_as_evidence(passages: pd.DataFrame | Iterable[dict]) -> list[dict]:
    """Reused passages (the table or its rows as dicts) as evidence records (lexicon ``reuse``,
    entry id ``shared_passage``). The extra key ``matched_articles`` names the articles the passage
    also occurs in.
    """
    if not isinstance(passages, pd.DataFrame):
        passages = pd.DataFrame(list(passages), columns=PASSAGE_COLUMNS)
    return [
        {
            "article_id": r.article_id,
            "lexicon": PREFIX,
            "entry_id": "shared_passage",
            "category": "reuse",
            "start_char": int(r.start_char),
            "end_char": int(r.end_char),
            "text": r.text,
            "left": "",
            "right": "",
            "matched_articles": r.matched_articles,
        }
        for r in passages.itertuples(index=False)
    ]


def describe() -> dict[str, str]:
    return {
        f"{PREFIX}.n_words": "words (tokens with a letter or digit)",
        f"{PREFIX}.words_shared": "words inside an 8-word window that also occurs in another article",
        f"{PREFIX}.share": "share of the article's words also found in another article",
        f"{PREFIX}.words_shared_other_outlets": "words shared with articles of other outlets",
        f"{PREFIX}.share_other_outlets": "share of the article's words also found in another outlet's article",
        f"{PREFIX}.n_matched_articles": "other articles sharing at least one window",
        f"{PREFIX}.matched_articles": "ids of those articles, most shared words first",
        f"{PREFIX}.top_match": "the article sharing most words",
        f"{PREFIX}.top_match_share": "share of the article's words shared with the top match",
    }
