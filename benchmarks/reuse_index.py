"""Time and memory of text-reuse detection alone on a FANG-COVID file (not a test; run by hand).

    python benchmarks/reuse_index.py --corpus ../shared/data/fang-covid/train-outlets.jsonl.gz [--limit N] [--in-memory]

Fingerprints every article from its raw text (:func:`analysis.measures.reuse.fingerprint_text`, no spaCy),
adds it to a :class:`analysis.measures.reuse.ReuseIndex` (spooled to a temporary folder beyond its buffer;
``--in-memory``: a buffer large enough to never spool), solves it, and prints one JSON line:
``{"articles", "windows", "shared_windows", "boilerplate_windows", "pairs", "passages",
"fingerprint_and_spool_s", "solve_s", "peak_rss_mb"}`` (peak RSS of this process, Linux ``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.measures import reuse


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="FANG-COVID format JSONL (.gz allowed)")
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--in-memory", action="store_true", help="never spool (the memory of the one-pass solution)")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus {args.corpus} not found")
    opener = gzip.open if args.corpus.suffix == ".gz" else open
    buffer = 2**62 if args.in_memory else reuse.DEFAULT_BUFFER_WINDOWS
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, reuse.ReuseIndex(directory=tmp, buffer_windows=buffer) as index:
        with opener(args.corpus, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if args.limit is not None and i >= args.limit:
                    break
                record = json.loads(line)
                index.add(reuse.fingerprint_text(record["article"], f"line{i + 1}", record["source"]))
        t1 = time.perf_counter()
        result = index.result()
        t2 = time.perf_counter()
    print(json.dumps({
        "articles": len(result.articles), "windows": result.n_shingles, "shared_windows": result.n_shared_shingles,
        "boilerplate_windows": result.n_boilerplate_shingles, "pairs": len(result.pairs), "passages": len(result.passages),
        "fingerprint_and_spool_s": round(t1 - t0, 1), "solve_s": round(t2 - t1, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }))


if __name__ == "__main__":
    main()
