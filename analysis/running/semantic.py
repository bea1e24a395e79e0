"""The semantic layer inside a run: scorers compiled once in the parent, encoders in the workers.

:func:`prepare_semantic` resolves ``--encoder``, compiles one :class:`analysis.measures.semantic.SemanticScorer`
per lexicon with example sentences (encoding the examples once, through the embedding cache) and
returns the picklable :class:`SemanticSettings` that every worker receives. Each worker builds its
own encoder (:meth:`SemanticSettings.runner`) and encodes the candidate sentences of its articles
as they stream by, so memory stays flat and the work is spread over the same processes as the
lexical analysis. Without an encoder the semantic columns are absent and ``run.json`` says why.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from analysis.stats.aggregate import RatioMeasure
from analysis.processing.encoder import describe_encoder, get_encoder, resolve_encoder_name, why_no_encoder
from analysis.lexicons.model import Lexicon
from analysis.measures.semantic import MODES, SemanticScorer, compile_scorer, measure_semantic, semantic_columns

log = logging.getLogger(__name__)


def resolve_embedding_cache(embedding_cache: str | Path | None) -> Path | None:
    """``auto``: ``~/.cache/quellenlage`` (``$XDG_CACHE_HOME``), ``none``: no cache, else the folder."""
    if embedding_cache is None or str(embedding_cache).lower() in ("none", "off", ""):
        return None
    if str(embedding_cache).lower() == "auto":
        from analysis.running.cache import default_cache_dir

        return default_cache_dir()
    return Path(embedding_cache)


def encoder_threads(jobs: int) -> int:
    """Threads per worker's encoder: the cores divided among the workers, at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // max(1, jobs))


@dataclass(frozen=True)
class SemanticSettings:
    """What a worker needs for the semantic layer (picklable: scorers are numpy arrays)."""

    encoder: object  # a name for get_encoder, or an encoder object (picklable) used as it is
    scorers: tuple[SemanticScorer, ...]
    cache_dir: str | None
    threads: int

    def columns(self, *, own: bool = True) -> list[str]:
        """The semantic columns of ``articles.csv`` in order (``own``: with the own-voice counts)."""
        own_columns = [f"{s.lexicon}.{c}.semantic.own" for s in self.scorers for c in s.categories] if own else []
        return semantic_columns(self.scorers) + own_columns

    def runner(self, encoder=None) -> "SemanticRunner":
        if encoder is None:
            encoder = (get_encoder(self.encoder, threads=self.threads, cache_dir=self.cache_dir)
                       if isinstance(self.encoder, str) else self.encoder)
        return SemanticRunner(self.scorers, encoder)

    def __hash__(self) -> int:  # scorers hold arrays; the fingerprints identify them
        name = self.encoder if isinstance(self.encoder, str) else (self.encoder.name, self.encoder.version)
        return hash((name, tuple(s.fingerprint for s in self.scorers), self.cache_dir, self.threads))

    def __eq__(self, other) -> bool:
        return isinstance(other, SemanticSettings) and hash(self) == hash(other)


class SemanticRunner:
    """Scores one article's candidate sentences with every scorer; counts sentences encoded."""

    def __init__(self, scorers: Sequence[SemanticScorer], encoder):
        self.scorers = list(scorers)
        self.encoder = encoder
        self.n_sentences = 0

    def __call__(self, doc, article_id: str, text: str) -> tuple[dict, list[dict]]:
        row, evidence, n = measure_semantic(doc, article_id, text, self.scorers, self.encoder)
        self.n_sentences += n
        return row, evidence

    def own_voice_counts(self, evidence: Sequence[dict]) -> dict:
        """``L.C.semantic.own``: flags whose sentence is mostly outside quotation marks and speaker turns
        (needs the evidence's ``voice``, set by the sourcing stage)."""
        row = {f"{s.lexicon}.{c}.semantic.own": 0 for s in self.scorers for c in s.categories}
        for e in evidence:
            if e.get("voice") == "own":
                row[f"{e['lexicon']}.{e['category']}.semantic.own"] += 1
        return row


def prepare_semantic(
    lexicons: Sequence[Lexicon], encoder: str | None, embedding_cache, *, jobs: int, serial: bool, progress: bool = False,
    mode: str = "auto",
) -> tuple[SemanticSettings | None, dict, object]:
    """(settings or None, ``run.json`` record, the parent's encoder for a serial run).

    ``encoder``: a name (see :func:`analysis.processing.encoder.get_encoder`) or an encoder object with ``name``,
    ``version``, ``dim`` and ``encode`` (used as it is; it must be picklable for worker processes).
    ``mode``: ``cascade`` (encode only the sentences the calibration's first stage passes), ``full``
    (encode every candidate sentence) or ``auto`` (cascade where the calibration has a first stage).
    """
    if mode not in ("auto",) + MODES:
        raise ValueError(f"semantic mode {mode!r} is not allowed; allowed: auto, {', '.join(MODES)}")
    semantic_lexicons = [lex for lex in lexicons if lex.semantic_categories]
    given = None if encoder is None or isinstance(encoder, str) else encoder
    name = given.name if given is not None else resolve_encoder_name(encoder)
    cache_dir = resolve_embedding_cache(embedding_cache)
    info: dict = {"encoder": {"name": name}, "embedding_cache": None if cache_dir is None else str(cache_dir)}
    if not semantic_lexicons:
        info.update(status="off", reason="no lexicon has example sentences")
        return None, info, None
    if name == "none":
        info.update(status="off", reason=why_no_encoder(encoder))
        log.info("%s", info["reason"])
        return None, info, None
    threads = encoder_threads(1 if serial else jobs)
    parent = given if given is not None else get_encoder(name, threads=threads if serial else encoder_threads(1), cache_dir=cache_dir)
    scorers = []
    for lex in semantic_lexicons:
        n = sum(len(lex.categories[c].examples) for c in lex.semantic_categories) + len(lex.counter_examples)
        if progress:
            print(f"semantic layer: {lex.name}: encoding {n} example and counter-example sentences with {parent.name} "
                  "(cached after the first run)", file=sys.stderr, flush=True)
        scorer = compile_scorer(lex, parent)
        has_first_stage = scorer.calibration is not None and scorer.calibration.prefilter is not None
        if mode == "cascade" and not has_first_stage:
            log.warning("lexicon %s: its calibration has no first stage (re-run `quellenlage lexicon calibrate`); "
                        "every candidate sentence is encoded (full mode)", lex.name)
        scorer.mode = "cascade" if has_first_stage and mode in ("auto", "cascade") else "full"
        scorers.append(scorer)
    info.update(
        status="on",
        encoder=describe_encoder(parent),
        threads_per_worker=threads,
        lexicons={s.lexicon: dict(s.info(), mode=s.mode) for s in scorers},
    )
    stale = [s.lexicon for s in scorers if s.calibration is not None and s.calibration.status != "calibrated"]
    if stale:
        info["warnings"] = [
            f"lexicon {s.lexicon}: calibration {s.calibration.status} ({s.calibration.negatives or 'see run.json'})"
            for s in scorers if s.lexicon in stale
        ]
    settings = SemanticSettings(given if given is not None else name, tuple(scorers), None if cache_dir is None else str(cache_dir), threads)
    return settings, info, parent if serial else None


def semantic_measures(settings: SemanticSettings | None, columns=()) -> list[RatioMeasure]:
    """Per outlet: the share of scored (on-topic) sentences flagged, per lexicon and category, and the
    share flagged in the outlet's own voice (when the sourcing stage ran: ``L.C.semantic.own`` in ``columns``)."""
    columns = set(columns)
    if settings is None:
        return []
    out = []
    for scorer in settings.scorers:
        den = (f"{scorer.lexicon}.semantic_sentences",)
        for cat in scorer.categories:
            out.append(RatioMeasure(f"{scorer.lexicon}.{cat}.semantic.share", f"{scorer.lexicon}.{cat}.semantic", None, den))
        for cat in scorer.categories:
            if f"{scorer.lexicon}.{cat}.semantic.own" in columns:
                out.append(RatioMeasure(f"{scorer.lexicon}.{cat}.semantic.own.share", f"{scorer.lexicon}.{cat}.semantic.own", None, den))
    return out
