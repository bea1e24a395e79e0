"""Throughput of the analysis against the bare spaCy German tokenizer (not a test; run by hand).

    python benchmarks/throughput.py --corpus ../shared/data/fang-covid/train-outlets.jsonl.gz [--limit N] [--jobs J]

Reads FANG-COVID JSONL (fields: source, article, header, date, url), then on the same texts measures
(a) the bare ``spacy.blank("de")`` tokenizer on one core and (b) the full per-article analysis with
J worker processes (shipped lexicons, fallback pipeline, no report), and prints one JSON line:
``{"articles", "words", "tokenizer_words_per_s", "analysis_words_per_s",
"analysis_words_per_s_per_core", "ratio_per_core", "jobs", "peak_rss_mb", "seconds"}``.
``words`` are tokens that are neither punctuation nor whitespace (the report's ``n_tokens``);
``peak_rss_mb`` is the largest resident set of this process or any worker (Linux ``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import analysis as ql  # noqa: E402
from analysis.pipeline import default_jobs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="FANG-COVID format JSONL (.gz allowed)")
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--jobs", type=int, default=default_jobs(), help="worker processes for (b) (default: all cores)")
    ap.add_argument("--model", default="blank", help="spaCy pipeline for (b) (default: the fallback)")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus {args.corpus} not found")

    started = time.perf_counter()
    fields = ql.FieldMap(text="article", outlet="source", title="header")
    corpus = ql.read_corpus(args.corpus, fields=fields, limit=args.limit)
    texts = [a.text for a in corpus.articles]

    tokenizer = spacy.blank("de")
    tokenizer.max_length = 50_000_000
    t0 = time.perf_counter()
    words = 0
    for doc in tokenizer.pipe(texts, batch_size=64):
        words += sum(1 for t in doc if not (t.is_punct or t.is_space))
    tokenizer_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = ql.analyze(corpus, model=args.model, jobs=args.jobs, bootstrap=ql.BootstrapSettings(n_resamples=200))
    analysis_seconds = time.perf_counter() - t0
    analysed_words = int(result.articles["n_tokens"].sum())

    rss_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    tokenizer_wps = words / tokenizer_seconds
    analysis_wps = analysed_words / analysis_seconds
    per_core = analysis_wps / max(1, args.jobs)
    print(
        json.dumps(
            {
                "articles": len(corpus.articles),
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
