"""Analysis orchestration: corpus → spaCy Docs with lexicon spans → article table, evidence, outlet table.

The per-article step (:func:`analyze_doc`) is a pure function of a processed Doc and the article;
everything else only decides where it runs and collects its results.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .aggregate import BootstrapSettings, MeanMeasure, RatioMeasure, aggregate_outlets, framing_measures
from .corpus import Article, Corpus, CorpusIssue, read_corpus, write_issues_csv
from .errors import CorpusError
from .framing import count_sentences, count_tokens, lexicon_columns, measure_framing
from .indicators import indicator_columns, measure_indicators, outlet_profile, profile_measures, quote_mask
from .reuse import ReuseSettings, find_reuse, fingerprint_doc, passages_as_evidence
from .sourcing import SourcingResources, analyze_sourcing
from .errors import LexiconError
from .lexicon import Lexicon, LexiconSet, add_lexicon_rulers, load_lexicons
from .nlp import describe_pipeline, load_base_pipeline

log = logging.getLogger(__name__)

ARTICLE_BASE_COLUMNS = ["article_id", "outlet", "date", "title", "url", "n_tokens", "n_sentences"]
EVIDENCE_COLUMNS = ["article_id", "lexicon", "entry_id", "category", "start_char", "end_char", "text", "left", "right", "voice"]


@dataclass
class AnalysisResult:
    """Everything a run produces, as pandas tables plus run metadata."""

    corpus_name: str
    articles: pd.DataFrame
    evidence: pd.DataFrame
    outlets: pd.DataFrame
    issues: list[CorpusIssue]
    lexicons: list[Lexicon]
    run_info: dict
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    refused_lexicons: list[tuple[Path, str]] = field(default_factory=list)
    reuse_matrix: pd.DataFrame | None = None


def build_pipeline(lexicons: Iterable[Lexicon], model: str | None = "auto") -> Language:
    """Base pipeline (trained model or fallback) plus one span_ruler per lexicon."""
    nlp = load_base_pipeline(model)
    return add_lexicon_rulers(nlp, lexicons)


def analyze_doc(
    doc: Doc,
    article: Article,
    lexicons: Sequence[Lexicon],
    sourcing: SourcingResources | None = None,
) -> tuple[dict, list[dict]]:
    """The per-article step: one flat row of numbers and the evidence (dicts) backing its counts.

    Framing counts per lexicon; with ``sourcing`` resources the attributions, voices and the
    own-voice indices (:mod:`analysis.sourcing`), which also give every evidence line its
    ``voice`` (``own`` or ``quoted``); then the reliability indicators (readability, epistemic
    markers, subjectivity; :mod:`analysis.indicators`).
    """
    row = {
        "article_id": article.id,
        "outlet": article.outlet,
        "date": article.date,
        "title": article.title,
        "url": article.url,
        "n_tokens": count_tokens(doc),
        "n_sentences": count_sentences(doc),
    }
    framing_row, framing_evidence = measure_framing(doc, article.id, lexicons)
    row.update(framing_row)
    evidence = [e.as_dict() for e in framing_evidence]
    token_mask = None
    if sourcing is not None:
        result = analyze_sourcing(
            doc, article.id, resources=sourcing, lexicons=lexicons, n_tokens=row["n_tokens"], text=article.text
        )
        row.update(result.row)
        voice = result.mask.voice
        for e in evidence:
            e["voice"] = voice(e["start_char"], e["end_char"])
        for e in result.evidence:
            d = e.as_dict()
            # A split cue ("drohte … an") is one span from its first to its last word; the
            # evidence text is always the exact text of that span.
            d["text"] = article.text[d["start_char"] : d["end_char"]]
            evidence.append(d)
        token_mask = result.mask.token_mask(doc)
    indicator_row, indicator_evidence = measure_indicators(
        doc, article.id, quoted=token_mask if token_mask is not None else quote_mask(doc)
    )
    row.update(indicator_row)
    for e in indicator_evidence:
        d = e.as_dict()
        if sourcing is not None:
            d["voice"] = voice(d["start_char"], d["end_char"])
        evidence.append(d)
    return row, evidence


def sourcing_resources(lexicons: Sequence[Lexicon], nlp: Language) -> SourcingResources | None:
    """Sourcing needs the ``actors`` and ``reporting_verbs`` lexicons; without them it is skipped."""
    try:
        return SourcingResources.from_lexicon_set(lexicons, nlp)
    except LexiconError as exc:
        log.warning("sourcing and voices are not measured: %s", exc)
        return None


class ArticleBatchAnalyzer:
    """The per-article step over a batch, with its own pipeline: what a worker process runs.

    Built from picklable parts (lexicons, model name), so a worker can construct it itself; the
    result of a batch is a list of ``(row, evidence dicts)`` in input order.
    """

    def __init__(
        self,
        lexicons: Sequence[Lexicon],
        model: str | None,
        *,
        nlp: Language | None = None,
        batch_size: int = 32,
        reuse: ReuseSettings | None = ReuseSettings(),
    ):
        self.lexicons = list(lexicons)
        self.model = model
        self.batch_size = batch_size
        self.reuse = reuse
        self.nlp = nlp if nlp is not None else build_pipeline(self.lexicons, model)
        self.sourcing = sourcing_resources(self.lexicons, self.nlp)

    def __call__(self, articles: Sequence[Article]) -> list[tuple[dict, list[dict], object]]:
        out = []
        docs = self.nlp.pipe((a.text for a in articles), batch_size=self.batch_size)
        for article, doc in zip(articles, docs):
            row, ev = analyze_doc(doc, article, self.lexicons, self.sourcing)
            fingerprint = (
                fingerprint_doc(doc, article.id, article.outlet, shingle_words=self.reuse.shingle_words)
                if self.reuse is not None
                else None
            )
            out.append((row, ev, fingerprint))
        return out


_WORKER: ArticleBatchAnalyzer | None = None


def _worker_init(lexicons: Sequence[Lexicon], model: str | None, batch_size: int, reuse: ReuseSettings | None) -> None:
    global _WORKER
    _WORKER = ArticleBatchAnalyzer(lexicons, model, batch_size=batch_size, reuse=reuse)


def _worker_run(articles: Sequence[Article]) -> list[tuple[dict, list[dict]]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER(articles)


def _batches(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def default_jobs() -> int:
    """All cores this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def sourcing_measures(lexicons: Sequence[Lexicon], columns) -> list:
    """Per-outlet sourcing measures for the columns present (none when sourcing was skipped).

    ``L.index_own``: pooled own-voice index from ``L.<pole>.own`` counts; quotes and attributions
    per 1,000 tokens pooled like lexicon rates; ``voices.<camp>.share``: the camp's attributions over
    all attributions with a resolved actor, pooled; sentence shares: mean of the article shares.
    """
    columns = set(columns)
    out: list = []
    for lex in lexicons:
        if lex.poles:
            left, right = (f"{lex.name}.{p}.own" for p in lex.poles)
            if left in columns and right in columns:
                out.append(RatioMeasure(f"{lex.name}.index_own", right, left, (right, left)))
    for count in ("sourcing.quotes", "sourcing.attributions", "sourcing.agency_citations"):
        if count in columns:
            out.append(RatioMeasure(f"{count}.per_1000", count, None, ("n_tokens",), 1000.0))
    camps = sorted(
        c[len("voices."):]
        for c in columns
        if c.startswith("voices.") and c.count(".") == 1 and c not in ("voices.unresolved", "voices.resolved_share")
    )
    resolved = tuple(f"voices.{c}" for c in camps)
    for camp in camps:
        out.append(RatioMeasure(f"voices.{camp}.share", f"voices.{camp}", None, resolved))
    for share in ("sourcing.attributed_sentence_share", "sourcing.unattributed_assertive_share", "sourcing.evaluative_verb_share", "sourcing.quoted_token_share"):
        if share in columns:
            out.append(MeanMeasure(share, share))
    return out


def _resolve_lexicons(lexicons, lexicon_dirs) -> tuple[list[Lexicon], list[tuple[Path, str]]]:
    if lexicons is not None:
        if isinstance(lexicons, LexiconSet):
            return list(lexicons.lexicons), list(lexicons.refused)
        return list(lexicons), []
    loaded = load_lexicons(lexicon_dirs)
    return list(loaded.lexicons), list(loaded.refused)


def analyze(
    corpus: Corpus | str | Path,
    *,
    lexicons: Sequence[Lexicon] | LexiconSet | None = None,
    lexicon_dirs: Sequence[str | Path] | None = None,
    model: str | None = "auto",
    bootstrap: BootstrapSettings = BootstrapSettings(),
    progress: Callable[[int], None] | None = None,
    batch_size: int = 32,
    nlp: Language | None = None,
    jobs: int = 1,
    reuse: ReuseSettings | None = ReuseSettings(),
    **read_kwargs,
) -> AnalysisResult:
    """Analyse a corpus (a :class:`Corpus` or a path read with :func:`read_corpus`).

    ``reuse``: settings of the cross-article text-reuse detection (:mod:`analysis.reuse`), or None
    to skip it. ``jobs``: worker processes for the per-article step (1 = in this process; each worker builds
    its own pipeline; results are collected in input order, so the output is identical for any
    ``jobs``). ``progress`` is called with the number of articles finished since the last call.
    Raises :class:`CorpusError` when no article could be analysed.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    started = time.perf_counter()
    if not isinstance(corpus, Corpus):
        corpus = read_corpus(corpus, **read_kwargs)
    lexicon_list, refused = _resolve_lexicons(lexicons, lexicon_dirs)
    if not corpus.articles:
        reasons = "; ".join(f"{i.file}:{i.line or '-'} {i.reason}" for i in corpus.rejected[:5])
        raise CorpusError(
            f"nothing to analyse in corpus {corpus.name!r}: 0 articles read, {len(corpus.rejected)} rejected"
            + (f" ({reasons}{' …' if len(corpus.rejected) > 5 else ''})" if reasons else "")
        )
    jobs = min(jobs, max(1, len(corpus.articles) // 8))  # tiny corpora: workers cost more than they save
    if nlp is None:
        nlp = build_pipeline(lexicon_list, model)
    read_seconds = time.perf_counter() - started

    rows: list[dict] = []
    evidence: list[dict] = []
    texts: dict[str, str] = {a.id: a.text for a in corpus.articles}
    t0 = time.perf_counter()
    task_size = max(batch_size, 64)
    if jobs == 1:
        results = map(
            ArticleBatchAnalyzer(lexicon_list, model, nlp=nlp, batch_size=batch_size, reuse=reuse),
            _batches(corpus.articles, task_size),
        )
        pool = None
    else:
        import multiprocessing

        # spawn: workers start clean (no inherited threads or locks) on every platform
        pool = multiprocessing.get_context("spawn").Pool(
            jobs, initializer=_worker_init, initargs=(lexicon_list, model, batch_size, reuse)
        )
        results = pool.imap(_worker_run, _batches(corpus.articles, task_size))
    fingerprints = []
    try:
        for batch in results:
            for row, ev, fingerprint in batch:
                rows.append(row)
                evidence.extend(ev)
                if fingerprint is not None:
                    fingerprints.append(fingerprint)
            if progress:
                progress(len(batch))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    analyse_seconds = time.perf_counter() - t0

    columns = ARTICLE_BASE_COLUMNS + lexicon_columns(lexicon_list)
    columns += [c for c in indicator_columns() if c not in columns]
    columns += [k for k in (rows[0] if rows else {}) if k not in columns]
    articles_df = pd.DataFrame(rows, columns=columns)

    t1 = time.perf_counter()
    reuse_result = None
    if reuse is not None and fingerprints:
        reuse_result = find_reuse(fingerprints, reuse, texts=texts)
        reuse_cols = reuse_result.articles.drop(columns=[c for c in ("outlet",) if c in reuse_result.articles.columns])
        articles_df = articles_df.merge(reuse_cols, on="article_id", how="left")
        evidence.extend(passages_as_evidence(reuse_result.passages))
    reuse_seconds = time.perf_counter() - t1
    del fingerprints

    evidence_df = pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS + ["matched_articles"])
    for optional in ("voice", "matched_articles"):
        if evidence_df[optional].isna().all():
            evidence_df = evidence_df.drop(columns=[optional])
    outlet_order = sorted(articles_df["outlet"].unique())
    t1 = time.perf_counter()
    measures = framing_measures(lexicon_list) + sourcing_measures(lexicon_list, articles_df.columns)
    outlets_df = aggregate_outlets(articles_df, measures, bootstrap, outlet_order=outlet_order)
    profile = outlet_profile(articles_df, profile_measures(), bootstrap, outlet_order=outlet_order)
    if not profile.empty:
        outlets_df = pd.concat([outlets_df, profile[outlets_df.columns]], ignore_index=True)
    aggregate_seconds = time.perf_counter() - t1

    dates = sorted(d for d in articles_df["date"] if d)
    n_words = int(articles_df["n_tokens"].sum())
    run_info = {
        "package": "quellenlage",
        "package_version": __version__,
        "python": platform.python_version(),
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": corpus.name,
        "corpus_path": str(getattr(corpus, "path", "") or ""),
        "pipeline": describe_pipeline(nlp),
        "lexicon_versions": {lex.name: lex.version for lex in lexicon_list},
        "lexicons": [lex.info() for lex in lexicon_list],
        "refused_lexicons": [{"path": str(p), "reason": r} for p, r in refused],
        "parameters": {"model": model, "batch_size": batch_size, "jobs": jobs, "bootstrap": bootstrap.as_dict()},
        "bootstrap": bootstrap.as_dict(),
        "small_sample_threshold": bootstrap.small_sample_threshold,
        "outlets": outlet_order,
        "counts": {
            "articles": len(articles_df),
            "rejected": len(corpus.rejected),
            "warnings": len(corpus.issues) - len(corpus.rejected),
            "evidence": len(evidence_df),
            "tokens": n_words,
            "outlets": len(outlet_order),
        },
        "n_articles": len(articles_df),
        "n_rejected": len(corpus.rejected),
        "n_tokens": n_words,
        "date_min": dates[0] if dates else "",
        "date_max": dates[-1] if dates else "",
        "timing_seconds": {
            "read_and_load": round(read_seconds, 3),
            "analyse": round(analyse_seconds, 3),
            "aggregate": round(aggregate_seconds, 3),
            "reuse": round(reuse_seconds, 3),
        },
        "words_per_second": round(n_words / analyse_seconds, 1) if analyse_seconds > 0 else math.nan,
        "reuse": reuse_result.info() if reuse_result is not None else None,
    }
    return AnalysisResult(
        corpus_name=corpus.name,
        articles=articles_df,
        evidence=evidence_df,
        outlets=outlets_df,
        issues=list(corpus.issues),
        lexicons=lexicon_list,
        run_info=run_info,
        texts=texts,
        refused_lexicons=refused,
        reuse_matrix=reuse_result.matrix_long() if reuse_result is not None else None,
    )


def _json_default(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_outputs(
    result: AnalysisResult,
    out_dir: str | Path,
    *,
    report: bool = True,
    texts: bool = True,
) -> dict[str, Path]:
    """Write the output contract (see README) into ``out_dir``; return the paths written.

    Files are written under temporary names and renamed at the end, so an interrupted run never
    leaves a complete-looking but partial output.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # run.json is written last and marks a complete output: remove a stale one first.
    (out / "run.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    written: dict[str, Path] = {}

    def commit(tmp: Path, final: Path, key: str) -> None:
        tmp.replace(final)
        written[key] = final

    tmp = out / ".articles.csv.tmp"
    result.articles.to_csv(tmp, index=False)
    commit(tmp, out / "articles.csv", "articles.csv")
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        log.info("pyarrow not installed; articles.parquet not written")
    else:
        tmp = out / ".articles.parquet.tmp"
        result.articles.to_parquet(tmp, index=False)
        commit(tmp, out / "articles.parquet", "articles.parquet")

    tmp = out / ".outlets.csv.tmp"
    result.outlets.to_csv(tmp, index=False)
    commit(tmp, out / "outlets.csv", "outlets.csv")

    tmp = out / ".evidence.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in result.evidence.to_dict(orient="records"):
            fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
    commit(tmp, out / "evidence.jsonl", "evidence.jsonl")

    if texts:
        tmp = out / ".texts.jsonl.tmp"
        outlet_of = dict(zip(result.articles["article_id"], result.articles["outlet"]))
        with tmp.open("w", encoding="utf-8") as fh:
            for aid, text in result.texts.items():
                fh.write(json.dumps({"article_id": aid, "outlet": outlet_of.get(aid, ""), "text": text}, ensure_ascii=False) + "\n")
        commit(tmp, out / "texts.jsonl", "texts.jsonl")

    if result.reuse_matrix is not None:
        tmp = out / ".reuse.csv.tmp"
        result.reuse_matrix.to_csv(tmp, index=False)
        commit(tmp, out / "reuse.csv", "reuse.csv")

    tmp = out / ".rejected.csv.tmp"
    write_issues_csv(result.issues, tmp)
    commit(tmp, out / "rejected.csv", "rejected.csv")

    if report:
        from .report import write_report

        files = write_report(
            out,
            articles=result.articles,
            outlets=result.outlets,
            evidence=result.evidence,
            lexicons=[lex.info() for lex in result.lexicons],
            run_info=result.run_info,
            reuse=result.reuse_matrix,
        )
        written["report.pdf"] = files["pdf"]
        for fig in files["figures"]:
            written[f"figures/{fig.name}"] = fig

    run_info = dict(result.run_info)
    run_info["timing_seconds"] = dict(run_info.get("timing_seconds", {}), write=round(time.perf_counter() - t0, 3))
    run_info["outputs"] = sorted(written) + ["run.json"]
    tmp = out / ".run.json.tmp"
    tmp.write_text(json.dumps(run_info, ensure_ascii=False, indent=2, default=_json_default) + "\n", encoding="utf-8")
    commit(tmp, out / "run.json", "run.json")
    return written
