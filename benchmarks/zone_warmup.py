"""CPU per word with and without the analyser's warm-up outside memory zones (not a test; by hand).

    python benchmarks/zone_warmup.py --corpus ../shared/data/fang-covid/train-outlets.jsonl.gz [--warm 500] [--n 1500]

One analyser (:class:`analysis.running.pipeline.ArticleBatchAnalyzer`, shipped lexicons, fallback pipeline)
first analyses ``--warm`` articles, either outside any spaCy memory zone (``kept``: their words stay
in the vocabulary and tokenizer cache, as the analyser does by default) or inside one that is then
closed (``freed``: as if every zone started from nothing); then the next ``--n`` articles in a new
zone, timed with ``time.process_time``. Each mode runs in a fresh process (the measures' word caches
are per process). Prints one JSON line per mode: ``{"mode", "warm", "n", "cpu_s", "us_per_word",
"strings_after_warm_up", "peak_rss_mb"}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _measure(corpus: str, mode: str, warm: int, n: int) -> dict:
    import itertools
    import resource
    import time

    sys.path.insert(0, str(ROOT))
    import analysis as ql
    from analysis.running.engine import batched
    from analysis.running.pipeline import ArticleBatchAnalyzer, _resolve_lexicons

    fields = ql.FieldMap(text="article", outlet="source", title="header")
    stream = (a for a in ql.iter_corpus(corpus, fields=fields) if isinstance(a, ql.Article))
    articles = list(itertools.islice(stream, warm + n))
    lexicons, _ = _resolve_lexicons(None, None)
    analyser = ArticleBatchAnalyzer(lexicons, None, warm_articles=warm if mode == "kept" else 0)
    for batch in batched(articles[:warm], 32):
        analyser(batch)
    analyser.close()
    strings = len(analyser.nlp.vocab.strings)
    start, words = time.process_time(), 0
    for batch in batched(articles[warm:], 32):
        words += sum(row["n_tokens"] for row in analyser(batch).rows)
    cpu = time.process_time() - start
    analyser.close()
    return {"mode": mode, "warm": warm, "n": len(articles) - warm, "cpu_s": round(cpu, 2),
            "us_per_word": round(1e6 * cpu / max(words, 1), 2), "strings_after_warm_up": strings,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="FANG-COVID format JSONL (.gz allowed)")
    ap.add_argument("--warm", type=int, default=500, help="articles analysed first (default 500)")
    ap.add_argument("--n", type=int, default=1500, help="articles timed after them (default 1500)")
    ap.add_argument("--mode", choices=["kept", "freed"], help=argparse.SUPPRESS)  # one mode, in this process
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus {args.corpus} not found")
    if args.mode:
        print(json.dumps(_measure(str(args.corpus), args.mode, args.warm, args.n)), flush=True)
        return
    for mode in ("kept", "freed"):
        cmd = [sys.executable, __file__, "--corpus", str(args.corpus), "--warm", str(args.warm), "--n", str(args.n), "--mode", mode]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
