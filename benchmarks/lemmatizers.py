"""Measure the fallback lemmatizer candidates (not a test; run by hand).

    python benchmarks/lemmatizers.py [--corpus ../shared/data/fang-covid/train-outlets.jsonl.gz] [--limit 300] [--repeats 5]

For each candidate pipeline (blank German tokenizer + candidate + sentencizer) it prints one JSON line:
words/s on one core (median of --repeats runs over the same texts, after one warm-up run) and how
many of a fixed list of framing-relevant inflected forms get the expected lemma.
Candidates: spaCy's lookup lemmatizer (spacy-lookups-data, if installed) and simplemma via
``quellenlage_lemmatizer`` (non-greedy / greedy; cached per word form).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import analysis.processing.nlp as qnlp  # noqa: E402  (registers quellenlage_lemmatizer)

EXPECTED = {
    "Angriffskrieges": "Angriffskrieg",
    "Nato-Staaten": "Nato-Staat",
    "Kampfhandlungen": "Kampfhandlung",
    "Kremlchefs": "Kremlchef",
    "Streitkräfte": "Streitkraft",
    "militärischen": "militärisch",
    "Spezialoperationen": "Spezialoperation",
    "behauptete": "behaupten",
    "Ukrainekonflikts": "Ukrainekonflikt",
    "Kremlangaben": "Kremlangabe",
    "Kremlsprechers": "Kremlsprecher",
    "Verhandlungen": "Verhandlung",
    "sogenannten": "sogenannt",
    "Er": "er",
    "sie": "sie",
    "Truppen": "Truppe",
}


def read_texts(path: Path, limit: int) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    texts = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts.append(rec.get("article") or rec.get("text") or "")
            if len(texts) >= limit:
                break
    return texts


def candidates():
    def lookup():
        nlp = spacy.blank("de")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.add_pipe("sentencizer")
        nlp.initialize()
        return nlp

    def simplemma(greedy):
        def build():
            nlp = spacy.blank("de")
            nlp.add_pipe("quellenlage_lemmatizer", config={"greedy": greedy})
            nlp.add_pipe("sentencizer")
            return nlp

        return build

    yield "spacy_lookup", lookup
    yield "simplemma", simplemma(False)
    yield "simplemma_greedy", simplemma(True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/fang-covid/train-outlets.jsonl.gz")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus {args.corpus} not found: pass --corpus FILE (FANG-COVID JSONL format)")
    texts = read_texts(args.corpus, args.limit)
    for name, build in candidates():
        try:
            nlp = build()
        except Exception as exc:  # e.g. spacy-lookups-data not installed
            print(json.dumps({"candidate": name, "error": str(exc)[:200]}))
            continue
        qnlp._simplemma_lemma.cache_clear()
        t0 = time.perf_counter()
        words = sum(len(d) for d in nlp.pipe(texts))
        cold = time.perf_counter() - t0
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for _doc in nlp.pipe(texts):
                pass
            times.append(time.perf_counter() - t0)
        doc = nlp(" ".join(f"Heute {w} ." for w in EXPECTED))
        got = [doc[i * 3 + 1].lemma_ for i in range(len(EXPECTED))]
        correct = sum(g == e for g, e in zip(got, EXPECTED.values()))
        print(
            json.dumps(
                {
                    "candidate": name,
                    "articles": len(texts),
                    "tokens": words,
                    "first_run_tokens_per_s": round(words / cold),
                    "median_tokens_per_s": round(words / statistics.median(times)),
                    "forms_correct": f"{correct}/{len(EXPECTED)}",
                    "wrong": {w: g for (w, e), g in zip(EXPECTED.items(), got) if g != e},
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
