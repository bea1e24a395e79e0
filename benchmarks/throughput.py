"""Throughput of the analysis against the bare spaCy German tokenizer (not a test; run by hand).

    python benchmarks/throughput.py --corpus ../shared/data/fang-covid/train-outlets.jsonl.gz [--limit N] [--jobs J]
        [--engine processes|dask|serial] [--report] [--out DIR] [--no-reuse] [--no-keyness]

Reads FANG-COVID JSONL (fields: source, article, header, date, url), then on the same texts measures
(a) the bare ``spacy.blank("de")`` tokenizer on one core and (b) the full analysis with J worker
processes as ``quellenlage analyze`` runs it (streaming engine, shipped lexicons, fallback pipeline,
text reuse, keyness, bootstrap CIs with 200 resamples, all files written; with ``--report`` also
report.pdf and its figures; the time of (b) covers everything from reading the corpus to run.json),
and prints one JSON line:
``{"articles", "words", "tokenizer_words_per_s", "analysis_words_per_s",
"analysis_words_per_s_per_core", "ratio_per_core", "jobs", "peak_rss_mb", "seconds"}``.
``words`` are tokens that are neither punctuation nor whitespace (the report's ``n_tokens``);
``peak_rss_mb`` is the largest resident set of this process or any worker (Linux ``ru_maxrss``).

Profile record (issue #6; cProfile plus per-stage CPU timing with ``time.process_time`` on 300
FANG-COVID articles, 205,678 words; every change checked byte for byte against the previous
articles.csv/evidence.jsonl of those articles):

* The lexicon span_rulers cost 5.1 s, almost all in spaCy's token ``Matcher`` (4 of 8 rulers had a
  dozen lower/orth/prefix/wildcard patterns; their phrase matchers took 0.1 s). Replaced by
  ``analysis/matcher.py`` (PhraseMatchers on NORM/LOWER/ORTH, anchored matching for the rest,
  prefix regexes cached per word type): 0.2 s for the same lexicons.
* The measures walked every Doc about 20 times through Token objects (``Token.__cinit__`` was the
  top entry). Token arrays (``doc.to_array``) and per-word-type caches in readability, token and
  sentence counts, the quote mask, reuse fingerprints, the lemmatizer and lemma norm
  (``Doc.from_array``); cue search only at candidate tokens; the article text passed instead of
  rebuilding ``doc.text``; actor prefix tests cached per type: measures 6.7 s → 3.1 s, base pipeline
  4.2 s → 2.0 s (the bare tokenizer: 1.8 s).
* Not an improvement: an array-based sentencizer — cProfile made spaCy's look expensive, but
  outside the profiler it is faster (0.115 s against 0.157 s); reverted. Lesson: time stages
  outside the profiler before optimising them.
* Left: the sourcing rules (``_find_attributions``, about a third of the measures), one type scan
  per lexicon with prefix/wildcard patterns (about 0.17 s each), worker start-up (2–3.5 s to build
  the pipeline) and the parent's share of the 2 cores; memory of the cross-corpus reuse step.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import analysis as ql  # noqa: E402
from analysis.engine import batched  # noqa: E402
from analysis.keyness import KeynessSettings  # noqa: E402
from analysis.reuse import ReuseSettings  # noqa: E402
from analysis.pipeline import default_jobs, run_analysis  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="FANG-COVID format JSONL (.gz allowed)")
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--jobs", type=int, default=default_jobs(), help="worker processes for (b) (default: all cores)")
    ap.add_argument("--model", default="blank", help="spaCy pipeline for (b) (default: the fallback)")
    ap.add_argument("--engine", default=None, choices=["serial", "processes", "dask"], help="engine of (b) (default: processes when --jobs > 1)")
    ap.add_argument("--report", action="store_true", help="also write report.pdf and figures in (b)")
    ap.add_argument("--no-reuse", action="store_true", help="(b) without text-reuse detection (its fingerprints grow with the corpus)")
    ap.add_argument("--no-keyness", action="store_true", help="(b) without keyness")
    ap.add_argument("--out", type=Path, default=None, help="keep the output folder of (b) here (default: a temporary folder, removed)")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus {args.corpus} not found")

    started = time.perf_counter()
    fields = ql.FieldMap(text="article", outlet="source", title="header")
    tokenizer = spacy.blank("de")
    tokenizer.max_length = 50_000_000
    # (a) streams like (b): no text is kept, so peak RSS is the analysis's own
    texts = (a.text for a in ql.iter_corpus(args.corpus, fields=fields, limit=args.limit) if isinstance(a, ql.Article))
    tokenizer_seconds = 0.0
    words = n_articles = 0
    for batch in batched(texts, 64):
        t0 = time.perf_counter()
        for doc in tokenizer.pipe(batch, batch_size=64):
            words += sum(1 for t in doc if not (t.is_punct or t.is_space))
        tokenizer_seconds += time.perf_counter() - t0
        n_articles += len(batch)

    out = args.out or Path(tempfile.mkdtemp(prefix="quellenlage-throughput-"))
    t0 = time.perf_counter()
    summary = run_analysis(
        args.corpus, out, model=args.model, jobs=args.jobs, engine=args.engine,
        bootstrap=ql.BootstrapSettings(n_resamples=200), report=args.report, cache="none",
        reuse=None if args.no_reuse else ReuseSettings(), keyness=None if args.no_keyness else KeynessSettings(),
        fields=fields, limit=args.limit,
    )
    analysis_seconds = time.perf_counter() - t0
    analysed_words = int(summary.articles["n_tokens"].sum())
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)

    rss_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    tokenizer_wps = words / tokenizer_seconds
    analysis_wps = analysed_words / analysis_seconds
    per_core = analysis_wps / max(1, args.jobs)
    print(
        json.dumps(
            {
                "articles": n_articles,
                "words": analysed_words,
                "tokenizer_words_per_s": round(tokenizer_wps),
                "analysis_words_per_s": round(analysis_wps),
                "analysis_words_per_s_per_core": round(per_core),
                "ratio_per_core": round(per_core / tokenizer_wps, 3),
                "jobs": args.jobs,
                "peak_rss_mb": round(rss_kb / 1024),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
