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
"analysis_words_per_s_per_core", "ratio_per_core", "jobs", "peak_rss_mb", "peak_rss_total_mb",
"peak_rss_parent_mb", "seconds"}``.
``words`` are tokens that are neither punctuation nor whitespace (the report's ``n_tokens``);
``peak_rss_mb`` is the largest resident set of this process or any worker during (b) (Linux
``ru_maxrss``; (b) runs before (a), whose tokenizer vocabulary would otherwise count);
``peak_rss_total_mb`` the largest sum over this process and its workers (sampled every 0.5 s);
``peak_rss_parent_mb`` that of this process alone (it reads the corpus, merges the workers' results,
solves text reuse and keyness and writes the files and report).

Profile record (issue #6; cProfile plus per-stage CPU timing with ``time.process_time`` on 300
FANG-COVID articles, 205,678 words; every change checked byte for byte against the previous
articles.csv/evidence.jsonl of those articles):

* The lexicon span_rulers cost 5.1 s, almost all in spaCy's token ``Matcher`` (4 of 8 rulers had a
  dozen lower/orth/prefix/wildcard patterns; their phrase matchers took 0.1 s). Replaced by
  ``analysis/processing/matcher.py`` (PhraseMatchers on NORM/LOWER/ORTH, anchored matching for the rest,
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
* Session 3 (per-stage CPU on 1,000 FANG-COVID articles, 570,291 words; outputs byte-identical to
  the previous code on those articles): one prefix scan per document shared by all lexicon
  components (``analysis/processing/matcher.py``; lexicon stage 2.7–4.3 s → 1.3–1.5 s); indicators on one
  token table per document with O(n) MATTR and a cheaper syllable counter on cache misses
  (3.7–4.7 s → 1.75–2.1 s); sourcing rules on per-document arrays (about −18%); lexicon terms
  analysed in one ``nlp.pipe`` pass when a worker builds its pipeline (build 3.5 s → 2.3 s CPU,
  of which loading simplemma's dictionary is about 1.5 s).
* Memory (session 3): the reuse windows are spooled to disk and solved in two bounded passes
  (``benchmarks/reuse_index.py``); workers close and reopen a spaCy memory zone every 2,000
  articles (a zone per 64-article batch doubled the tokenizer's time: its cache starts cold);
  per-type caches are capped at 200,000 entries.
* Session 4: the fallback lemmatizer sets ``NORM`` in its own pass (the separate
  ``quellenlage_lemma_norm`` pass over every token is gone from the fallback pipeline): lemmatizer
  plus norm 0.52 + 0.72 s → 0.59 s warm, 3.93 + 0.85 s → 3.72 s cold, per 1,000 FANG-COVID articles.
  Drift check: one analyser over the first 14,000 articles of the training file (blocks of 1,000,
  ``time.process_time``) cost 36–43 µs per word throughout; the same block analysed by a fresh
  process cost 35–44 µs (median 38; 14 runs) against 41 µs after 12,000 articles, so a long run
  does not slow down by its own state. The later articles are shorter (about 680 words against
  1,000–1,080 in the first 6,000) and cost more per word (40–43 µs against 36–40 µs), which is why
  the whole file runs slower per word than its first 3,000 articles.
* Left: the tokenizer and the base pipeline are now about half of a worker's time; the parent
  (reading, writing 860 MB of evidence, merging) shares the 2 cores with the workers; the
  article rows and keyness sums of the parent grow with the corpus.
* Session 6 (2,400 FANG-COVID articles, 2 jobs): the parent used 9.4 s CPU against 99 s for the
  workers, so removing all of its work would gain at most about 8%. cProfile of one analyser over
  800 articles after 600 warm-up articles is flat: 6.4M per-token cache lookups spread over keyness
  terms, the lemmatizer, sourcing, reuse fingerprints, readability and the matcher (3 s of 44 s in
  all), spaCy's sentencizer with its Token objects about 8%, no function of ours above 5%. While
  streaming, the parent grows about 3 kB per article (6,000 → 12,000 articles; tracemalloc: 1.5 kB
  of Python heap, nearly all the per-article table); ``MALLOC_ARENA_MAX=1`` did not change that
  (2.7 kB, peak 408 against 419 MB). Against the targets: 60k words/s per core leaves 16.7 µs per
  word, of which the fixed base pipeline takes 11.9 µs (the bare tokenizer 7.1 µs); the measures
  now cost about 23 µs in Python, so only compiled measures could reach it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import analysis as ql  # noqa: E402
from analysis.running.engine import batched  # noqa: E402
from analysis.measures.keyness import KeynessSettings  # noqa: E402
from analysis.measures.reuse import ReuseSettings  # noqa: E402
from analysis.running.pipeline import default_jobs, run_analysis  # noqa: E402


class _TotalRss:
    """Samples the summed resident memory of this process and all its descendants (Linux /proc)
    every half second in a background thread; :meth:`stop` returns the largest sum in MB."""

    def __init__(self, interval: float = 0.5):
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        pids, todo = [], [pid]
        while todo:
            p = todo.pop()
            pids.append(p)
            try:
                for task in Path(f"/proc/{p}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
        return pids

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(self._rss_kb(p) for p in self._tree(os.getpid())))
            self._stop.wait(interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024)


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

    # (b) first: the tokenizer pass of (a) grows its own vocabulary in this process, which would
    # otherwise count in the analysis's peak memory
    out = args.out or Path(tempfile.mkdtemp(prefix="quellenlage-throughput-"))
    sampler = _TotalRss()
    t0 = time.perf_counter()
    summary = run_analysis(
        args.corpus, out, model=args.model, jobs=args.jobs, engine=args.engine,
        bootstrap=ql.BootstrapSettings(n_resamples=200), report=args.report, cache="none",
        reuse=None if args.no_reuse else ReuseSettings(), keyness=None if args.no_keyness else KeynessSettings(),
        fields=fields, limit=args.limit,
    )
    analysis_seconds = time.perf_counter() - t0
    peak_total_mb = sampler.stop()
    parent_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_kb = max(parent_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    analysed_words = int(summary.articles["n_tokens"].sum())
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)

    # (a) the bare tokenizer on the same texts, streamed like (b)
    tokenizer = spacy.blank("de")
    tokenizer.max_length = 50_000_000
    texts = (a.text for a in ql.iter_corpus(args.corpus, fields=fields, limit=args.limit) if isinstance(a, ql.Article))
    tokenizer_seconds = 0.0
    words = n_articles = 0
    for batch in batched(texts, 64):
        t1 = time.perf_counter()
        for doc in tokenizer.pipe(batch, batch_size=64):
            words += sum(1 for t in doc if not (t.is_punct or t.is_space))
        tokenizer_seconds += time.perf_counter() - t1
        n_articles += len(batch)

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
                "peak_rss_total_mb": peak_total_mb,
                "peak_rss_parent_mb": round(parent_kb / 1024),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
