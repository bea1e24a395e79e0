"""Narrative detection benchmark: pro-Kremlin claims against mainstream war coverage (a script, not a test).

    python benchmarks/narratives.py --positives ../shared/data/narratives-dev/propaganda_diary_dev.jsonl \\
        --negatives ../shared/data/narratives-dev/tagesschau_liveblog_val.jsonl [--negatives-split odd] \\
        [--encoder auto] [--lexicons DIR ...] [--jobs 2] [--work DIR] [--lexical-run]

Runs ``quellenlage analyze`` (the product's own columns, nothing re-implemented) on the positives
(one claim = one article, outlet = its ``media``) and on the negatives (one liveblog entry = one
article) and prints one JSON line::

    {"auc": …, "recall_at_fpr_05": …, "lexical_auc": …, "semantic_auc": …, "per_narrative_recall": {…},
     "n_pos": …, "n_neg": …, "flag_rate_pos": …, "flag_rate_neg": …, "seconds": {…}, …}

* **score** of a text: the maximum over the ``pro_kremlin_*`` categories of
  ``narratives.C.semantic_score``; ties broken by the lexical ``pro_kremlin_*`` matches per token
  (added as ``1e-6 ×`` matches per 1,000 tokens, which never reorders different semantic scores).
  ``auc``: ROC AUC of that score, positives against negatives. ``recall_at_fpr_05``: the highest
  share of positives above a threshold that keeps at most 5% of the negatives above it.
  ``per_narrative_recall``: that recall per narrative label of the positives (at the same threshold).
* ``lexical_auc``: the lexical part alone (``pro_kremlin_*`` matches per 1,000 tokens); ``semantic_auc``:
  the semantic part alone.
* ``flag_rate_pos`` / ``flag_rate_neg``: share of texts with at least one flagged sentence
  (``narratives.C.semantic`` > 0 for a ``pro_kremlin_*`` category) under the shipped calibration: the
  product's own decision, not a threshold chosen here. ``lexical_rate_pos`` / ``_neg``: share with a
  lexical ``pro_kremlin_*`` match.
* ``--negatives-split odd``: only negatives on odd lines (1-based line numbers 1, 3, …): the shipped
  calibration (``lexicons/narratives.semantic.json``) was made on the even lines, so ``odd`` keeps
  calibration and measurement apart. ``all`` uses every line.
* ``seconds``: wall time of the ``analyze`` runs; with ``--lexical-run`` the same corpora also run with
  ``--encoder none`` so ``cost_ratio`` = semantic run / lexical run (parse cache off, embedding cache
  as configured: pass ``--embedding-cache none`` for a cold measurement).

Nothing of the positives was used to write the lexicon's examples (they were written from the
narrative taxonomy, without reading the dev claims); the negatives' even half calibrated the threshold.
Measured figures: see the README (section "Semantic layer").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                rec = json.loads(line)
                rec["_line"] = number
                rows.append(rec)
    return rows


def write_corpus(rows: list[dict], path: Path, *, outlet_key: str, default_outlet: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["id"], "outlet": r.get(outlet_key) or default_outlet, "text": r["text"]}, ensure_ascii=False) + "\n")


def run_analyze(corpus: Path, out: Path, args, encoder: str) -> float:
    cmd = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out), "--no-report", "--no-reuse",
           "--no-keyness", "--no-texts", "--bootstrap", "10", "--progress", "never", "--encoder", encoder,
           "--embedding-cache", args.embedding_cache, "--cache", "none", "--semantic-mode", args.semantic_mode]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    for lex in args.lexicons or []:
        cmd += ["--lexicons", str(lex)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - t0


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def recall_at_fpr(y: np.ndarray, score: np.ndarray, fpr: float = 0.05) -> tuple[float, float]:
    """(highest recall with at most ``fpr`` of the negatives strictly above the threshold, threshold)."""
    neg = np.sort(score[y == 0])
    k = int(np.floor(fpr * len(neg)))  # negatives allowed above
    threshold = neg[len(neg) - k - 1] if k < len(neg) else -np.inf
    return float(np.mean(score[y == 1] > threshold)), float(threshold)


def scores(articles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(combined, semantic, lexical per 1,000 tokens, flagged) per article."""
    sem_cols = [c for c in articles.columns if c.startswith("narratives.pro_kremlin_") and c.endswith(".semantic_score")]
    flag_cols = [c for c in articles.columns if c.startswith("narratives.pro_kremlin_") and c.endswith(".semantic")]
    lex_cols = [c for c in articles.columns if c.startswith("narratives.pro_kremlin_") and c.count(".") == 1]
    lexical = 1000.0 * articles[lex_cols].sum(axis=1).to_numpy() / np.maximum(articles["n_tokens"].to_numpy(), 1)
    semantic = articles[sem_cols].max(axis=1).to_numpy() if sem_cols else np.zeros(len(articles))
    flagged = (articles[flag_cols].sum(axis=1).to_numpy() > 0) if flag_cols else np.zeros(len(articles), bool)
    return semantic + 1e-6 * lexical, semantic, lexical, flagged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--positives", type=Path, required=True)
    ap.add_argument("--negatives", type=Path, required=True)
    ap.add_argument("--negatives-split", choices=["all", "odd", "even"], default="odd")
    ap.add_argument("--encoder", default="auto")
    ap.add_argument("--embedding-cache", default="auto")
    ap.add_argument("--semantic-mode", choices=["auto", "cascade", "full"], default="auto")
    ap.add_argument("--lexicons", action="append", type=Path)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--work", type=Path, default=None, help="folder for the runs' outputs (default: a temporary folder)")
    ap.add_argument("--lexical-run", action="store_true", help="also run with --encoder none and report the cost ratio")
    args = ap.parse_args(argv)
    for path in (args.positives, args.negatives):
        if not path.exists():
            print(f"benchmarks/narratives.py: {path} does not exist", file=sys.stderr)
            return 2

    positives = read_jsonl(args.positives)
    negatives = read_jsonl(args.negatives)
    if args.negatives_split != "all":
        parity = 1 if args.negatives_split == "odd" else 0
        negatives = [r for r in negatives if r["_line"] % 2 == parity]
    work = args.work or Path(tempfile.mkdtemp(prefix="ql-narratives-"))
    work.mkdir(parents=True, exist_ok=True)
    pos_path, neg_path = work / "positives.jsonl", work / "negatives.jsonl"
    write_corpus(positives, pos_path, outlet_key="media", default_outlet="unknown")
    write_corpus(negatives, neg_path, outlet_key="outlet", default_outlet="mainstream")

    seconds = {}
    seconds["positives"] = run_analyze(pos_path, work / "out-pos", args, args.encoder)
    seconds["negatives"] = run_analyze(neg_path, work / "out-neg", args, args.encoder)
    pos = pd.read_csv(work / "out-pos" / "articles.csv")
    neg = pd.read_csv(work / "out-neg" / "articles.csv")
    run_info = json.loads((work / "out-neg" / "run.json").read_text(encoding="utf-8"))
    label_of = {str(r["id"]): r["narrative"] for r in positives}

    arts = pd.concat([pos.assign(_y=1), neg.assign(_y=0)], ignore_index=True)
    y = arts["_y"].to_numpy()
    combined, semantic, lexical, flagged = scores(arts)
    recall, threshold = recall_at_fpr(y, combined)
    pos_mask = y == 1
    per_label: dict[str, float] = {}
    labels = arts.loc[pos_mask, "article_id"].astype(str).map(label_of).to_numpy()
    above = combined[pos_mask] > threshold
    for label in sorted(set(labels)):
        sel = labels == label
        per_label[label] = round(float(above[sel].mean()), 3)
    result = {
        "auc": round(roc_auc(y, combined), 4),
        "recall_at_fpr_05": round(recall, 4),
        "lexical_auc": round(roc_auc(y, lexical), 4),
        "semantic_auc": round(roc_auc(y, semantic), 4) if semantic.any() else None,
        "per_narrative_recall": per_label,
        "n_pos": int(pos_mask.sum()),
        "n_neg": int((~pos_mask).sum()),
        "flag_rate_pos": round(float(flagged[pos_mask].mean()), 4),
        "flag_rate_neg": round(float(flagged[~pos_mask].mean()), 4),
        "lexical_rate_pos": round(float((lexical[pos_mask] > 0).mean()), 4),
        "lexical_rate_neg": round(float((lexical[~pos_mask] > 0).mean()), 4),
        "scored_share_pos": round(float((pos["narratives.semantic_sentences"] > 0).mean()), 4) if "narratives.semantic_sentences" in pos else None,
        "negatives_split": args.negatives_split,
        "encoder": run_info.get("semantic", {}).get("encoder"),
        "calibration": (run_info.get("semantic", {}).get("lexicons", {}).get("narratives", {}) or {}).get("calibration"),
        "mode": (run_info.get("semantic", {}).get("lexicons", {}).get("narratives", {}) or {}).get("mode"),
        "sentences_scored": {"positives": json.loads((work / "out-pos" / "run.json").read_text())["semantic"].get("sentences_scored"),
                             "negatives": run_info.get("semantic", {}).get("sentences_scored")},
        "sentences_encoded": {"positives": json.loads((work / "out-pos" / "run.json").read_text())["semantic"].get("sentences_encoded"),
                              "negatives": run_info.get("semantic", {}).get("sentences_encoded")},
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    if args.lexical_run:
        lex_seconds = {
            "positives": run_analyze(pos_path, work / "lex-pos", args, "none"),
            "negatives": run_analyze(neg_path, work / "lex-neg", args, "none"),
        }
        result["seconds_lexical"] = {k: round(v, 1) for k, v in lex_seconds.items()}
        result["cost_ratio"] = round(sum(seconds.values()) / sum(lex_seconds.values()), 2)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
