"""Analysis orchestration: corpus → spaCy Docs with lexicon spans → article table, evidence, outlet table.

The per-article step (:func:`analyze_doc`) is a pure function of a processed Doc and the article;
everything else only decides where it runs and collects its results.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
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

from analysis._version import __version__
from analysis.stats.aggregate import BootstrapSettings, MeanMeasure, RatioMeasure, aggregate_outlets, framing_measures
from analysis.running.cache import DocCache, default_cache_dir, pipeline_fingerprint
from analysis.reading.corpus import Article, Corpus, CorpusIssue, corpus_name, iter_corpus, write_issues_csv
from analysis.running.engine import batched as engine_batched
from analysis.running.engine import default_jobs  # noqa: F401  (re-exported: the CLI's default)
from analysis.running.engine import run as engine_run
from analysis.stats.evidence import DEFAULT_KWIC_LINES, EVIDENCE_COLUMNS, EvidenceSummary, evidence_line, json_default, json_safe
from analysis.errors import CorpusError, NothingToAnalyseError  # noqa: F401 (CorpusError: documented API)
from analysis.measures.framing import count_sentences, count_tokens, lexicon_columns, measure_framing
from analysis.measures.keyness import KeynessSettings, OutletTermCounts, TermCountSpool, keyness_table, term_counts
from analysis.measures.indicators import indicator_columns, measure_indicators, outlet_profile, profile_measures, quote_mask
from analysis.running.memory import release_free_memory
from analysis.measures.reuse import ReuseIndex, ReuseSettings, fingerprint_doc, passages_as_evidence
from analysis.measures.sourcing import SourcingResources, analyze_sourcing
from analysis.errors import LexiconError
from analysis.lexicons.model import Lexicon, LexiconSet, add_lexicon_rulers, load_lexicons, ruler_name
from analysis.processing.nlp import describe_pipeline, load_base_pipeline, pipeline_summary
from analysis.running.semantic import SemanticSettings, prepare_semantic, semantic_measures

log = logging.getLogger(__name__)

#: Articles per task sent to a worker (the unit of progress and of in-flight memory).
DEFAULT_TASK_SIZE = 64
#: Articles an analyser processes inside one spaCy memory zone (see :class:`ArticleBatchAnalyzer`).
DEFAULT_ZONE_ARTICLES = 2_000
#: Articles an analyser processes first, outside any memory zone (see :class:`ArticleBatchAnalyzer`).
DEFAULT_WARM_ARTICLES = 500

ARTICLE_BASE_COLUMNS = ["article_id", "outlet", "date", "title", "url", "n_tokens", "n_sentences"]


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
    keyness: pd.DataFrame | None = None


def build_pipeline(lexicons: Iterable[Lexicon], model: str | None = "auto") -> Language:
    """Base pipeline (trained model or fallback) plus one span_ruler per lexicon."""
    nlp = load_base_pipeline(model)
    return add_lexicon_rulers(nlp, lexicons)


def analyze_doc(
    doc: Doc,
    article: Article,
    lexicons: Sequence[Lexicon],
    sourcing: SourcingResources | None = None,
    semantic=None,
) -> tuple[dict, list[dict]]:
    """The per-article step: one flat row of numbers and the evidence (dicts) backing its counts.

    Framing counts per lexicon; with ``sourcing`` resources the attributions, voices and the
    own-voice indices (:mod:`analysis.measures.sourcing`), which also give every evidence line its
    ``voice`` (``own`` or ``quoted``); then the reliability indicators (readability, epistemic
    markers, subjectivity; :mod:`analysis.measures.indicators`). ``semantic``: a
    :class:`analysis.running.semantic.SemanticRunner` (sentences flagged by the lexicons' semantic
    scorers; :mod:`analysis.measures.semantic`), or None.
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
    framing_row, framing_evidence = measure_framing(doc, article.id, lexicons, text=article.text)
    row.update(framing_row)
    evidence = [dict(e.as_dict(), method="lexical") for e in framing_evidence]
    if semantic is not None:
        semantic_row, semantic_evidence = semantic(doc, article.id, article.text)
        row.update(semantic_row)
        evidence.extend(semantic_evidence)
    token_mask = None
    if sourcing is not None:
        result = analyze_sourcing(
            doc, article.id, resources=sourcing, lexicons=lexicons, n_tokens=row["n_tokens"], text=article.text
        )
        row.update(result.row)
        voice = result.mask.voice
        for e in evidence:
            e["voice"] = voice(e["start_char"], e["end_char"])
        if semantic is not None:
            row.update(semantic.own_voice_counts(semantic_evidence))
        for e in result.evidence:
            d = e.as_dict()
            # A split cue ("drohte … an") is one span from its first to its last word; the
            # evidence text is always the exact text of that span.
            d["text"] = article.text[d["start_char"] : d["end_char"]]
            evidence.append(d)
        token_mask = result.mask.token_mask(doc)
    indicator_row, indicator_evidence = measure_indicators(
        doc, article.id, quoted=token_mask if token_mask is not None else quote_mask(doc, article.text), text=article.text,
        n_tokens=row["n_tokens"],
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


@dataclass
class BatchResult:
    """The per-article step's results for one batch, in input order (what a worker sends back).

    ``evidence_lines`` are ready ``evidence.jsonl`` lines; ``summary`` is their bounded summary for
    the report (:class:`analysis.stats.evidence.EvidenceSummary`); ``fingerprints`` feed text reuse.
    """

    rows: list[dict]
    evidence_lines: list[str]
    summary: EvidenceSummary
    fingerprints: list
    terms: OutletTermCounts | None = None
    #: sentences scored by the semantic layer in this batch
    n_semantic: int = 0


class ArticleBatchAnalyzer:
    """The per-article step over a batch, with its own pipeline: what a worker process runs.

    Memory: spaCy's vocabulary and tokenizer cache grow with every new word form and never
    shrink, so a worker analysing a large corpus would grow without bound. Batches therefore run
    inside a spaCy memory zone (:meth:`spacy.Language.memory_zone`) that is closed and reopened
    every ``zone_articles`` articles, which frees the strings, lexemes and tokenizer entries the
    zone added (Docs never outlive their batch). Each new zone starts with a cold tokenizer cache:
    a zone per 64-article batch cost 10% more CPU on 640 FANG-COVID articles (and doubled the bare
    tokenizer's time); one per 2,000 articles pays that warm-up 31 times less often.
    ``zone_articles=0`` turns zones off.

    The first ``warm_articles`` articles run outside any zone, so their word forms stay in the
    vocabulary and the tokenizer cache for good: the frequent words of the corpus, which every
    zone would otherwise have to learn again. Memory stays bounded (by what those articles add).
    Measured on FANG-COVID with ``benchmarks/zone_warmup.py`` (one analyser, CPU per word of
    articles 500–2,000 in a new zone after 500 articles, idle machine): 34.0 and 31.5 µs with those
    500 articles kept, 36.2 and 33.4 µs without (two runs: about 6% less); 114,523 strings kept,
    peak RSS 623–632 vs 617–621 MB. ``warm_articles=0``: zones from the start.
    """

    def __init__(
        self,
        lexicons: Sequence[Lexicon],
        model: str | None,
        *,
        nlp: Language | None = None,
        batch_size: int = 32,
        reuse: ReuseSettings | None = ReuseSettings(),
        kwic_lines: int = DEFAULT_KWIC_LINES,
        keyness: bool = True,
        cache_dir: str | Path | None = None,
        zone_articles: int = DEFAULT_ZONE_ARTICLES,
        warm_articles: int = DEFAULT_WARM_ARTICLES,
        semantic: SemanticSettings | None = None,
        encoder=None,
    ):
        self.keyness = keyness
        self.zone_articles = zone_articles
        self._warm_left = max(0, warm_articles) if zone_articles > 0 else 0
        self._zone: contextlib.ExitStack | None = None
        self._zone_count = 0
        self.lexicons = list(lexicons)
        self.lexicon_names = frozenset(lex.name for lex in self.lexicons)
        self.model = model
        self.batch_size = batch_size
        self.reuse = reuse
        self.kwic_lines = kwic_lines
        self.nlp = nlp if nlp is not None else build_pipeline(self.lexicons, model)
        self.sourcing = sourcing_resources(self.lexicons, self.nlp)
        self.lexicon_pipes = [name for name in self.nlp.pipe_names if name.startswith("lexicon:")]
        self.cache = None
        if cache_dir is not None:
            base = [name for name in self.nlp.pipe_names if name not in self.lexicon_pipes]
            self.cache = DocCache(cache_dir, pipeline_fingerprint(self.nlp, base))
        self.semantic = semantic.runner(encoder) if semantic is not None else None

    def docs(self, texts: Sequence[str]) -> list[Doc]:
        """Processed Docs of ``texts``; base-pipeline Docs come from the parse cache when there is one."""
        if self.cache is None:
            return list(self.nlp.pipe(texts, batch_size=self.batch_size))
        docs = self.cache.get_many(texts, self.nlp.vocab)
        missing = [i for i, d in enumerate(docs) if d is None]
        if missing:
            with self.nlp.select_pipes(disable=self.lexicon_pipes):
                parsed = list(self.nlp.pipe((texts[i] for i in missing), batch_size=self.batch_size))
            self.cache.put_many([texts[i] for i in missing], parsed)
            for i, doc in zip(missing, parsed):
                docs[i] = doc
        for name in self.lexicon_pipes:
            component = self.nlp.get_pipe(name)
            docs = [component(doc) for doc in docs]
        return docs

    def _next_zone(self) -> None:
        """Close the current memory zone (freeing what it added) and open a new one."""
        self.close()
        self._zone = contextlib.ExitStack()
        self._zone.enter_context(self.nlp.memory_zone())

    def close(self) -> None:
        """Close the open memory zone, if any (the analyser stays usable and opens a new one)."""
        if self._zone is not None:
            self._zone.close()
            self._zone, self._zone_count = None, 0

    def __call__(self, articles: Sequence[Article]) -> BatchResult:
        if self._warm_left > 0:  # warm-up: outside any zone, what these articles add is kept
            self._warm_left -= len(articles)
        elif self.zone_articles > 0:
            if self._zone is None or self._zone_count >= self.zone_articles:
                self._next_zone()
            self._zone_count += len(articles)
        rows: list[dict] = []
        lines: list[str] = []
        fingerprints = []
        summary = EvidenceSummary(self.kwic_lines, forms_lexicons=self.lexicon_names)
        terms = OutletTermCounts() if self.keyness else None
        docs = self.docs([a.text for a in articles])
        encoded_before = self.semantic.n_sentences if self.semantic is not None else 0
        for article, doc in zip(articles, docs):
            row, evidence = analyze_doc(doc, article, self.lexicons, self.sourcing, self.semantic)
            rows.append(row)
            lines.extend(evidence_line(e) for e in evidence)
            summary.add(evidence, {article.id: article.outlet})
            if self.reuse is not None:
                fingerprints.append(fingerprint_doc(doc, article.id, article.outlet, shingle_words=self.reuse.shingle_words))
            if terms is not None:
                terms.add(article.outlet, term_counts(doc), row["n_tokens"])
        n_scored = self.semantic.n_sentences - encoded_before if self.semantic is not None else 0
        return BatchResult(rows, lines, summary, fingerprints, terms, n_scored)


@dataclass(frozen=True)
class AnalyzerSpec:
    """Picklable recipe of an :class:`ArticleBatchAnalyzer`: what a worker needs to build its own."""

    lexicons: tuple[Lexicon, ...]
    model: str | None
    batch_size: int = 32
    reuse: ReuseSettings | None = ReuseSettings()
    kwic_lines: int = DEFAULT_KWIC_LINES
    keyness: bool = True
    cache_dir: str | None = None
    zone_articles: int = DEFAULT_ZONE_ARTICLES
    warm_articles: int = DEFAULT_WARM_ARTICLES
    semantic: SemanticSettings | None = None

    @functools.cached_property
    def key(self) -> str:
        """Equal for equal recipes: a hash of every field."""
        import hashlib
        import pickle

        return hashlib.sha256(pickle.dumps(tuple(getattr(self, f.name) for f in dataclasses.fields(self)))).hexdigest()

    def build(self) -> ArticleBatchAnalyzer:
        return ArticleBatchAnalyzer(
            self.lexicons, self.model, batch_size=self.batch_size, reuse=self.reuse, kwic_lines=self.kwic_lines,
            keyness=self.keyness, cache_dir=self.cache_dir, zone_articles=self.zone_articles,
            warm_articles=self.warm_articles, semantic=self.semantic,
        )


def resolve_cache_dir(cache: str | Path | None, nlp: Language) -> Path | None:
    """The parse-cache folder for ``cache`` (``"auto"``: the default folder for trained models only)."""
    if cache is None or str(cache).lower() in ("none", "off", ""):
        return None
    if str(cache).lower() == "auto":
        return default_cache_dir() if describe_pipeline(nlp)["trained"] else None
    return Path(cache)


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


class _MemorySink:
    """Keeps evidence lines and texts in memory (the :func:`analyze` API for notebooks and scripts)."""

    spool_dir = None  # text reuse spools a large corpus's windows to the system's temporary folder

    def __init__(self):
        self.lines: list[str] = []
        self.texts: dict[str, str] = {}

    def add_texts(self, articles: Sequence[Article]) -> None:
        for a in articles:
            self.texts[a.id] = a.text

    def add_evidence(self, lines: Sequence[str]) -> None:
        self.lines.extend(lines)

    def text_lookup(self):
        return self.texts


class _TextStore:
    """Read-only mapping article id → text, backed by the ``texts.jsonl`` being written."""

    def __init__(self, path: Path, offsets: dict[str, int]):
        self.path = path
        self.offsets = offsets

    def get(self, article_id: str, default: str = "") -> str:
        offset = self.offsets.get(article_id)
        if offset is None:
            return default
        with self.path.open("rb") as fh:
            fh.seek(offset)
            return json.loads(fh.readline())["text"]

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.offsets

    def __bool__(self) -> bool:
        return bool(self.offsets)


class _FileSink:
    """Streams ``evidence.jsonl`` and ``texts.jsonl`` to temporary files in the output folder.

    :meth:`close` renames them to their final names only when the run succeeded; an interrupted
    run leaves no file under a final name.
    """

    def __init__(self, out: Path, texts: bool):
        self.out = out
        self.spool_dir = out  # text reuse spools a large corpus's windows here (removed after the run)
        self.evidence_tmp = out / ".evidence.jsonl.tmp"
        self.evidence_fh = self.evidence_tmp.open("w", encoding="utf-8")
        # texts are always written (text reuse reads passages back); kept only when asked for
        self.keep_texts = texts
        self.texts_tmp = out / ".texts.jsonl.tmp"
        self.texts_fh = self.texts_tmp.open("wb")
        self.offsets: dict[str, int] = {}

    def add_texts(self, articles: Sequence[Article]) -> None:
        for a in articles:
            self.offsets[a.id] = self.texts_fh.tell()
            line = json.dumps({"article_id": a.id, "outlet": a.outlet, "text": a.text}, ensure_ascii=False) + "\n"
            self.texts_fh.write(line.encode("utf-8"))

    def add_evidence(self, lines: Sequence[str]) -> None:
        self.evidence_fh.writelines(lines)

    def text_lookup(self):
        self.texts_fh.flush()
        return _TextStore(self.texts_tmp, self.offsets)

    def close(self, ok: bool) -> dict[str, Path]:
        self.evidence_fh.close()
        self.texts_fh.close()
        written: dict[str, Path] = {}
        if not ok:
            self.evidence_tmp.unlink(missing_ok=True)
            self.texts_tmp.unlink(missing_ok=True)
            return written
        self.evidence_tmp.replace(self.out / "evidence.jsonl")
        written["evidence.jsonl"] = self.out / "evidence.jsonl"
        if self.keep_texts:
            self.texts_tmp.replace(self.out / "texts.jsonl")
            written["texts.jsonl"] = self.out / "texts.jsonl"
        else:
            self.texts_tmp.unlink(missing_ok=True)
        return written


@dataclass
class _StreamResult:
    articles: pd.DataFrame
    outlets: pd.DataFrame
    summary: EvidenceSummary
    issues: list[CorpusIssue]
    run_info: dict
    reuse_matrix: pd.DataFrame | None
    lexicons: list[Lexicon]
    keyness: pd.DataFrame | None


def _articles_and_issues(corpus, read_kwargs) -> tuple[str, str, Iterable[Article | CorpusIssue], int | None]:
    """(name, path, stream of articles and issues, number of articles if known)."""
    if isinstance(corpus, Corpus):
        items = list(corpus.issues) + list(corpus.articles)
        return corpus.name, str(getattr(corpus, "path", "") or ""), items, len(corpus.articles)
    return corpus_name(corpus), str(corpus), iter_corpus(corpus, **read_kwargs), None


def _stream(
    corpus,
    sink,
    *,
    lexicons,
    lexicon_dirs,
    model,
    bootstrap: BootstrapSettings,
    progress,
    batch_size: int,
    task_size: int,
    nlp: Language | None,
    jobs: int,
    engine: str | None,
    scheduler: str | None,
    reuse: ReuseSettings | None,
    keyness: KeynessSettings | None,
    cache: str | Path | None,
    kwic_lines: int,
    read_kwargs: dict,
    encoder: str | None = "auto",
    embedding_cache: str | Path | None = "auto",
    semantic_progress: Callable[[int], None] | None = None,
    semantic_mode: str = "auto",
) -> _StreamResult:
    """Run the per-article step over the corpus stream and aggregate; the core of every run."""
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    started = time.perf_counter()
    name, path, items, n_known = _articles_and_issues(corpus, read_kwargs)
    lexicon_list, refused = _resolve_lexicons(lexicons, lexicon_dirs)
    issues: list[CorpusIssue] = []

    def articles_only():
        for item in items:
            if isinstance(item, Article):
                yield item
            else:
                issues.append(item)

    stream = articles_only()
    if task_size < 1:
        raise ValueError(f"task_size must be >= 1, got {task_size}")
    # Look ahead: tiny corpora run in this process (workers cost more than they save).
    head = list(itertools.islice(stream, 8 * jobs))
    if engine is None:  # automatic: worker processes, but not for corpora too small to pay for them
        jobs = min(jobs, max(1, len(head) // 8))
        engine = "processes" if jobs > 1 else "serial"
    if engine == "serial":
        jobs = 1
    if not head:
        reasons = "; ".join(f"{i.file}:{i.line or '-'} {i.reason}" for i in issues if i.severity == "rejected")
        n_rejected = sum(1 for i in issues if i.severity == "rejected")
        raise NothingToAnalyseError(
            f"nothing to analyse in corpus {name!r}: 0 articles read, {n_rejected} rejected"
            + (f" ({reasons[:500]})" if reasons else ""),
            issues,
        )
    if nlp is None:
        # serial: the analyser's pipeline; otherwise only the base pipeline, to describe what the
        # workers build (compiling the lexicons here would only delay them)
        nlp = build_pipeline(lexicon_list, model) if engine == "serial" else load_base_pipeline(model)
    pipeline_info = describe_pipeline(nlp)
    missing = [ruler_name(lex) for lex in lexicon_list if ruler_name(lex) not in pipeline_info["components"]]
    if missing:
        pipeline_info["components"] += missing
        pipeline_info["summary"] = pipeline_summary(pipeline_info)
    cache_dir = resolve_cache_dir(cache, nlp)
    semantic_settings, semantic_info, parent_encoder = prepare_semantic(
        lexicon_list, encoder, embedding_cache, jobs=jobs, serial=engine == "serial", progress=semantic_progress is not None,
        mode=semantic_mode,
    )
    spec = AnalyzerSpec(tuple(lexicon_list), model, batch_size, reuse, kwic_lines=kwic_lines,
                        keyness=keyness is not None, cache_dir=None if cache_dir is None else str(cache_dir),
                        semantic=semantic_settings)
    local = (
        ArticleBatchAnalyzer(lexicon_list, model, nlp=nlp, batch_size=batch_size, reuse=reuse,
                             kwic_lines=kwic_lines, keyness=keyness is not None, cache_dir=cache_dir,
                             semantic=semantic_settings, encoder=parent_encoder)
        if engine == "serial"
        else None
    )
    read_seconds = time.perf_counter() - started

    def batches():
        for batch in engine_batched(itertools.chain(head, stream), task_size):
            sink.add_texts(batch)
            yield batch

    t0 = time.perf_counter()
    chunks: list[pd.DataFrame] = []
    summary = EvidenceSummary(kwic_lines, forms_lexicons=[lex.name for lex in lexicon_list])
    reuse_index = ReuseIndex(reuse, directory=sink.spool_dir) if reuse is not None else None
    terms = TermCountSpool(directory=sink.spool_dir)
    n_semantic = 0
    try:
        for result in engine_run(spec, batches(), engine=engine, jobs=jobs, scheduler=scheduler, local_analyser=local):
            chunks.append(pd.DataFrame(result.rows))
            sink.add_evidence(result.evidence_lines)
            summary.merge(result.summary)
            if reuse_index is not None:
                for fp in result.fingerprints:
                    reuse_index.add(fp)
            if result.terms is not None:
                terms.merge(result.terms)
            n_semantic += result.n_semantic
            if progress:
                progress(len(result.rows))
            if semantic_progress is not None and result.n_semantic:
                semantic_progress(n_semantic)
        analyse_seconds = time.perf_counter() - t0
        release_free_memory()  # each phase below starts from what it needs, not the last one's peak
        reuse_result, reuse_seconds = None, 0.0
        if reuse_index is not None and reuse_index.ids:
            t1 = time.perf_counter()
            outlet_of = dict(zip(reuse_index.ids, reuse_index.outlets))

            def passages_to_evidence(rows: list[dict]) -> None:  # streamed: not kept in memory
                records = passages_as_evidence(rows)
                sink.add_evidence([evidence_line(p) for p in records])
                summary.add(records, outlet_of)

            reuse_result = reuse_index.result(texts=sink.text_lookup(), on_passages=passages_to_evidence)
            reuse_seconds = time.perf_counter() - t1
        keyness_df, keyness_seconds = None, 0.0
        if keyness is not None:
            t1 = time.perf_counter()
            keyness_df = keyness_table(terms.reduced(keyness.min_count), min_count=keyness.min_count,
                                       prior_scale=keyness.prior_scale, top=keyness.top)
            keyness_seconds = time.perf_counter() - t1
    finally:
        if reuse_index is not None:
            reuse_index.close()
        terms.close()
        if local is not None:
            local.close()
    n_term_spills = terms.n_spills
    del terms
    release_free_memory()

    columns = ARTICLE_BASE_COLUMNS + lexicon_columns(lexicon_list)
    first_keys = next((list(chunk.columns) for chunk in chunks if len(chunk)), [])
    if semantic_settings is not None:  # own-voice counts only where the sourcing stage gave voices
        columns += semantic_settings.columns(own=any(k.endswith(".semantic.own") for k in first_keys))
    columns += [c for c in indicator_columns() if c not in columns]
    columns += [k for k in first_keys if k not in columns]
    articles_df = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    articles_df = articles_df.reindex(columns=columns + [c for c in articles_df.columns if c not in columns])
    del chunks
    release_free_memory()

    if reuse_result is not None:
        t1 = time.perf_counter()
        reuse_cols = reuse_result.articles.drop(columns=[c for c in ("outlet",) if c in reuse_result.articles.columns])
        if reuse_cols["article_id"].tolist() == articles_df["article_id"].tolist():
            # the index saw the articles in table order: add the columns without copying the table
            for column in reuse_cols.columns.drop("article_id"):
                articles_df[column] = reuse_cols[column].to_numpy()
        else:
            articles_df = articles_df.merge(reuse_cols, on="article_id", how="left")
        reuse_seconds += time.perf_counter() - t1

    outlet_order = sorted(articles_df["outlet"].unique())
    t1 = time.perf_counter()
    measures = framing_measures(lexicon_list) + sourcing_measures(lexicon_list, articles_df.columns)
    measures += semantic_measures(semantic_settings, articles_df.columns)
    outlets_df = aggregate_outlets(articles_df, measures, bootstrap, outlet_order=outlet_order)
    profile = outlet_profile(articles_df, profile_measures(), bootstrap, outlet_order=outlet_order)
    if not profile.empty:
        outlets_df = pd.concat([outlets_df, profile[outlets_df.columns]], ignore_index=True)
    aggregate_seconds = time.perf_counter() - t1
    release_free_memory()

    dates = sorted(d for d in articles_df["date"] if d)
    n_words = int(articles_df["n_tokens"].sum())
    n_rejected = sum(1 for i in issues if i.severity == "rejected")
    run_info = {
        "package": "quellenlage",
        "package_version": __version__,
        "python": platform.python_version(),
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": name,
        "corpus_path": path,
        "pipeline": pipeline_info,
        "lexicon_versions": {lex.name: lex.version for lex in lexicon_list},
        "lexicons": [lex.info() for lex in lexicon_list],
        "refused_lexicons": [{"path": str(p), "reason": r} for p, r in refused],
        "parameters": {
            "model": model,
            "batch_size": batch_size,
            "engine": engine,
            "jobs": jobs,
            "scheduler": scheduler,
            "task_size": task_size,
            "evidence_lines": kwic_lines,
            "parse_cache": None if cache_dir is None else str(cache_dir),
            "encoder": encoder if encoder is None or isinstance(encoder, str) else encoder.name,
            "embedding_cache": semantic_info.get("embedding_cache"),
            "bootstrap": bootstrap.as_dict(),
        },
        "bootstrap": bootstrap.as_dict(),
        "small_sample_threshold": bootstrap.small_sample_threshold,
        "outlets": outlet_order,
        "counts": {
            "articles": len(articles_df),
            "rejected": n_rejected,
            "warnings": len(issues) - n_rejected,
            "evidence": summary.n_lines,
            "tokens": n_words,
            "outlets": len(outlet_order),
        },
        "n_articles": len(articles_df),
        "n_rejected": n_rejected,
        "n_tokens": n_words,
        "date_min": dates[0] if dates else "",
        "date_max": dates[-1] if dates else "",
        "timing_seconds": {
            "read_and_load": round(read_seconds, 3),
            "analyse": round(analyse_seconds, 3),
            "aggregate": round(aggregate_seconds, 3),
            "reuse": round(reuse_seconds, 3),
            "keyness": round(keyness_seconds, 3),
        },
        "words_per_second": round(n_words / analyse_seconds, 1) if analyse_seconds > 0 else math.nan,
        "reuse": reuse_result.info() if reuse_result is not None else None,
        "semantic": dict(
            semantic_info,
            sentences_encoded=n_semantic,
            sentences_scored=int(sum(articles_df[c].sum() for c in articles_df.columns if c.endswith(".semantic_sentences"))),
        ),
        "keyness": dict(keyness.as_dict(), spills=n_term_spills) if keyness is not None else None,
    }
    return _StreamResult(
        articles=articles_df,
        outlets=outlets_df,
        summary=summary,
        issues=issues,
        run_info=run_info,
        reuse_matrix=reuse_result.matrix_long() if reuse_result is not None else None,
        lexicons=lexicon_list,
        keyness=keyness_df,
    )


def analyze(
    corpus: Corpus | str | Path,
    *,
    lexicons: Sequence[Lexicon] | LexiconSet | None = None,
    lexicon_dirs: Sequence[str | Path] | None = None,
    model: str | None = "auto",
    bootstrap: BootstrapSettings = BootstrapSettings(),
    progress: Callable[[int], None] | None = None,
    batch_size: int = 32,
    task_size: int = DEFAULT_TASK_SIZE,
    nlp: Language | None = None,
    jobs: int = 1,
    engine: str | None = None,
    scheduler: str | None = None,
    reuse: ReuseSettings | None = ReuseSettings(),
    keyness: KeynessSettings | None = KeynessSettings(),
    cache: str | Path | None = "auto",
    evidence_lines: int = DEFAULT_KWIC_LINES,
    encoder: str | None = "auto",
    embedding_cache: str | Path | None = "auto",
    semantic_progress: Callable[[int], None] | None = None,
    semantic_mode: str = "auto",
    **read_kwargs,
) -> AnalysisResult:
    """Analyse a corpus (a :class:`Corpus` or a path read with :func:`iter_corpus`) in memory.

    Returns every table as a pandas DataFrame (for notebooks and scripts on corpora that fit in
    memory); :func:`run_analysis` streams to an output folder instead. ``engine``: ``serial``,
    ``processes`` or ``dask`` (default: ``processes`` when ``jobs`` > 1, else ``serial``; see
    :mod:`analysis.running.engine`); ``scheduler``: a Dask scheduler address (default: a local cluster of
    ``jobs`` workers). Results are identical for every engine and ``jobs``. ``reuse``: settings of
    the cross-article text-reuse detection (:mod:`analysis.measures.reuse`), or None to skip it.
    ``task_size``: articles per task sent to a worker (at most ``2 × jobs`` tasks are in flight).
    ``cache``: folder of the parse cache (:mod:`analysis.running.cache`), ``None``/``"none"`` for none, or
    ``"auto"``: the default folder with a trained model, none with the fallback pipeline (measured
    on 300 FANG-COVID articles, CPU seconds: the fallback parses them in 1.8 s, reads them from the
    cache in 0.7 s, but writes them in 0.9 s and needs 21 kB per article on disk; with a trained
    model the tagger and parser dominate the run time, which is what the cache saves — not
    measurable here, as no trained German model can be installed on this machine).
    ``evidence_lines``: keyword-in-context lines per lexicon × category × outlet in the report's
    evidence appendix (0: no appendix; evidence.jsonl always has every match).
    ``progress`` is called with the number of articles finished since the last call.
    Raises :class:`CorpusError` when no article could be analysed.
    """
    sink = _MemorySink()
    res = _stream(
        corpus, sink, lexicons=lexicons, lexicon_dirs=lexicon_dirs, model=model, bootstrap=bootstrap,
        progress=progress, batch_size=batch_size, task_size=task_size, nlp=nlp, jobs=jobs, engine=engine, scheduler=scheduler,
        reuse=reuse, keyness=keyness, cache=cache, kwic_lines=evidence_lines, read_kwargs=read_kwargs,
        encoder=encoder, embedding_cache=embedding_cache, semantic_progress=semantic_progress, semantic_mode=semantic_mode,
    )
    evidence_df = pd.DataFrame([json.loads(line) for line in sink.lines], columns=EVIDENCE_COLUMNS)
    for optional in ("voice", "matched_articles", "score", "nearest_example", "nearest_example_source", "similarity"):
        if evidence_df[optional].isna().all():
            evidence_df = evidence_df.drop(columns=[optional])
    return AnalysisResult(
        corpus_name=res.run_info["corpus"],
        articles=res.articles,
        evidence=evidence_df,
        outlets=res.outlets,
        issues=res.issues,
        lexicons=res.lexicons,
        run_info=res.run_info,
        texts=sink.texts,
        refused_lexicons=[(Path(r["path"]), r["reason"]) for r in res.run_info["refused_lexicons"]],
        reuse_matrix=res.reuse_matrix,
        keyness=res.keyness,
    )


@dataclass
class RunSummary:
    """What :func:`run_analysis` wrote: the output paths and the tables it aggregated."""

    out_dir: Path
    paths: dict[str, Path]
    articles: pd.DataFrame
    outlets: pd.DataFrame
    run_info: dict
    issues: list[CorpusIssue]
    n_evidence: int


def run_analysis(
    corpus: Corpus | str | Path,
    out_dir: str | Path,
    *,
    lexicons: Sequence[Lexicon] | LexiconSet | None = None,
    lexicon_dirs: Sequence[str | Path] | None = None,
    model: str | None = "auto",
    bootstrap: BootstrapSettings = BootstrapSettings(),
    progress: Callable[[int], None] | None = None,
    batch_size: int = 32,
    task_size: int = DEFAULT_TASK_SIZE,
    jobs: int = 1,
    engine: str | None = None,
    scheduler: str | None = None,
    reuse: ReuseSettings | None = ReuseSettings(),
    keyness: KeynessSettings | None = KeynessSettings(),
    cache: str | Path | None = "auto",
    evidence_lines: int = DEFAULT_KWIC_LINES,
    report: bool = True,
    texts: bool = True,
    encoder: str | None = "auto",
    embedding_cache: str | Path | None = "auto",
    semantic_progress: Callable[[int], None] | None = None,
    semantic_mode: str = "auto",
    **read_kwargs,
) -> RunSummary:
    """Analyse a corpus and write the output folder while streaming (what ``quellenlage analyze`` runs).

    Evidence and texts go to disk as articles finish, and text-reuse windows to a spool in the output
    folder (:class:`analysis.measures.reuse.ReuseIndex`, removed after the run); memory holds one numeric row per
    article, the per-outlet keyness sums and the bounded evidence summary of the report, never the Docs,
    texts, evidence or reuse windows of the corpus. Every file is written under a temporary name and
    renamed when complete; ``run.json`` comes last and marks a complete output (a stale one is removed
    first). On an error or Ctrl-C the temporary files are removed. Arguments as :func:`analyze`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").unlink(missing_ok=True)
    sink = _FileSink(out, texts)
    ok = False
    try:
        res = _stream(
            corpus, sink, lexicons=lexicons, lexicon_dirs=lexicon_dirs, model=model, bootstrap=bootstrap,
            progress=progress, batch_size=batch_size, task_size=task_size, nlp=None, jobs=jobs, engine=engine, scheduler=scheduler,
            reuse=reuse, keyness=keyness, cache=cache, kwic_lines=evidence_lines, read_kwargs=read_kwargs,
            encoder=encoder, embedding_cache=embedding_cache, semantic_progress=semantic_progress, semantic_mode=semantic_mode,
        )
        ok = True
    except NothingToAnalyseError as exc:
        write_issues_csv(exc.issues, out / "rejected.csv")
        raise
    finally:
        written = sink.close(ok)
    written.update(
        _write_tables_and_report(
            out, articles=res.articles, outlets=res.outlets, evidence=res.summary, issues=res.issues,
            lexicons=res.lexicons, run_info=res.run_info, reuse_matrix=res.reuse_matrix, keyness=res.keyness, report=report,
            already_written=written,
        )
    )
    return RunSummary(out, written, res.articles, res.outlets, res.run_info, res.issues, res.summary.n_lines)


def write_outputs(
    result: AnalysisResult,
    out_dir: str | Path,
    *,
    report: bool = True,
    texts: bool = True,
) -> dict[str, Path]:
    """Write an in-memory :class:`AnalysisResult` as the output folder (see README); return the paths.

    Files are written under temporary names and renamed at the end, so an interrupted run never
    leaves a complete-looking but partial output; ``run.json`` comes last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").unlink(missing_ok=True)
    written: dict[str, Path] = {}

    tmp = out / ".evidence.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in result.evidence.to_dict(orient="records"):
            fh.write(evidence_line(rec))
    tmp.replace(out / "evidence.jsonl")
    written["evidence.jsonl"] = out / "evidence.jsonl"

    if texts:
        tmp = out / ".texts.jsonl.tmp"
        outlet_of = dict(zip(result.articles["article_id"], result.articles["outlet"]))
        with tmp.open("w", encoding="utf-8") as fh:
            for aid, text in result.texts.items():
                fh.write(json.dumps({"article_id": aid, "outlet": outlet_of.get(aid, ""), "text": text}, ensure_ascii=False) + "\n")
        tmp.replace(out / "texts.jsonl")
        written["texts.jsonl"] = out / "texts.jsonl"

    lines = result.run_info.get("parameters", {}).get("evidence_lines", DEFAULT_KWIC_LINES)
    summary = EvidenceSummary.from_frame(result.evidence, result.articles, max_lines=lines)
    written.update(
        _write_tables_and_report(
            out, articles=result.articles, outlets=result.outlets, evidence=summary, issues=result.issues,
            lexicons=result.lexicons, run_info=result.run_info, reuse_matrix=result.reuse_matrix, keyness=result.keyness,
            report=report,
            already_written=written,
        )
    )
    return written


def _write_tables_and_report(
    out: Path,
    *,
    articles: pd.DataFrame,
    outlets: pd.DataFrame,
    evidence,
    issues: list[CorpusIssue],
    lexicons: Sequence[Lexicon],
    run_info: dict,
    reuse_matrix: pd.DataFrame | None,
    keyness: pd.DataFrame | None,
    report: bool,
    already_written: dict[str, Path],
) -> dict[str, Path]:
    """articles.csv/.parquet, outlets.csv, reuse.csv, rejected.csv, report.pdf + figures, then run.json."""
    t0 = time.perf_counter()
    written: dict[str, Path] = {}

    def commit(tmp: Path, final: Path, key: str) -> None:
        tmp.replace(final)
        written[key] = final

    tmp = out / ".articles.csv.tmp"
    articles.to_csv(tmp, index=False)
    commit(tmp, out / "articles.csv", "articles.csv")
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        log.info("pyarrow not installed; articles.parquet not written")
    else:
        tmp = out / ".articles.parquet.tmp"
        articles.to_parquet(tmp, index=False)
        commit(tmp, out / "articles.parquet", "articles.parquet")

    tmp = out / ".outlets.csv.tmp"
    outlets.to_csv(tmp, index=False)
    commit(tmp, out / "outlets.csv", "outlets.csv")

    if reuse_matrix is not None:
        tmp = out / ".reuse.csv.tmp"
        reuse_matrix.to_csv(tmp, index=False)
        commit(tmp, out / "reuse.csv", "reuse.csv")

    if keyness is not None:
        tmp = out / ".keyness.csv.tmp"
        keyness.to_csv(tmp, index=False)
        commit(tmp, out / "keyness.csv", "keyness.csv")

    tmp = out / ".rejected.csv.tmp"
    write_issues_csv(issues, tmp)
    commit(tmp, out / "rejected.csv", "rejected.csv")

    if report:
        from analysis.report.document import write_report

        files = write_report(
            out,
            articles=articles,
            outlets=outlets,
            evidence=evidence,
            lexicons=[lex.info() for lex in lexicons],
            run_info=run_info,
            reuse=reuse_matrix,
            keyness=keyness,
        )
        written["report.pdf"] = files["pdf"]
        for fig in files["figures"]:
            written[f"figures/{fig.name}"] = fig

    run_info = dict(run_info)
    run_info["timing_seconds"] = dict(run_info.get("timing_seconds", {}), write=round(time.perf_counter() - t0, 3))
    run_info["outputs"] = sorted(set(written) | set(already_written)) + ["run.json"]
    tmp = out / ".run.json.tmp"
    tmp.write_text(json.dumps(json_safe(run_info), ensure_ascii=False, indent=2, allow_nan=False, default=json_default) + "\n", encoding="utf-8")
    commit(tmp, out / "run.json", "run.json")
    return written
