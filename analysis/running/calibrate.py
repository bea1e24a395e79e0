"""``quellenlage lexicon calibrate``: fit a lexicon's semantic thresholds on mainstream coverage.

Sentences are selected with the run's own pipeline (:func:`analysis.running.pipeline.build_pipeline`),
which is why this lives beside the runner and not in :mod:`analysis.measures.semantic`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.lexicons.model import Lexicon
from analysis.processing.encoder import get_encoder, resolve_encoder_name
from analysis.running.semantic import encoder_threads, resolve_embedding_cache


def calibrate_lexicon(
    lexicon: Lexicon,
    corpus,
    *,
    encoder: str | None = "auto",
    embedding_cache="auto",
    model: str | None = "auto",
    target_fpr: float = 0.05,
    label: str = "",
    out: str | Path | None = None,
    batch_size: int = 32,
    pass_share: float = 0.2,
):
    """Calibrate ``lexicon``'s semantic scorer on the on-topic sentences of ``corpus`` (mainstream
    coverage, the negatives) and write the calibration file; returns (path, calibration).

    ``corpus``: a :class:`analysis.reading.corpus.Corpus`. Sentences are chosen exactly as in a run
    (:func:`analysis.measures.semantic.candidate_sentences`); each distinct sentence counts once.
    """
    import numpy as np

    from analysis.errors import EncoderError, LexiconError
    from analysis.running.pipeline import build_pipeline
    from analysis.measures.semantic import Selection, calibrate_on_negatives, calibration_path, candidate_sentences, write_calibration

    if not lexicon.semantic_categories:
        raise LexiconError(f"lexicon {lexicon.name} has no category with example sentences: nothing to calibrate")
    if encoder is not None and not isinstance(encoder, str):
        enc = encoder  # an encoder object (name, version, dim, encode)
    else:
        name = resolve_encoder_name(encoder)
        if name == "none":
            raise EncoderError("calibration needs a sentence encoder; --encoder none (or no encoder installed) leaves nothing to calibrate")
        enc = get_encoder(name, threads=encoder_threads(1), cache_dir=resolve_embedding_cache(embedding_cache))
    selection = Selection.of(lexicon)
    nlp = build_pipeline([lexicon], model)
    texts: dict[str, int] = {}
    from tqdm import tqdm

    articles = list(corpus.articles)
    for i, doc in enumerate(tqdm(nlp.pipe((a.text for a in articles), batch_size=batch_size), total=len(articles), unit="art",
                                 desc="selecting sentences", file=sys.stderr, disable=None)):
        for sent in candidate_sentences(doc, selection):
            texts.setdefault(" ".join(sent.text.split()), i)
    sentences = list(texts)
    if not sentences:
        raise LexiconError(f"no sentence of the negatives is on the topic of lexicon {lexicon.name} (no [context] term): nothing to calibrate on")
    vectors = []
    step = 64
    with tqdm(total=len(sentences), unit="sent", desc="encoding", file=sys.stderr, disable=None) as bar:
        for i in range(0, len(sentences), step):
            vectors.append(enc.encode(sentences[i : i + step]))
            bar.update(len(sentences[i : i + step]))
    calibration = calibrate_on_negatives(lexicon, enc, np.vstack(vectors), np.fromiter(texts.values(), dtype=int),
                                         negative_texts=sentences, pass_share=pass_share,
                                         target_fpr=target_fpr, negatives=label)
    path = Path(out) if out is not None else calibration_path(lexicon)
    if path is None:
        raise LexiconError(f"lexicon {lexicon.name} has no file; give --out for the calibration file")
    write_calibration(path, lexicon.name, calibration)
    return path, calibration
