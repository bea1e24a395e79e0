"""Validate the war-coverage lexicons on FANG-COVID articles about Russia and Ukraine (issue #8).

Steps (all reproducible from the command line):

1. Extract the articles whose header or text matches ``--regex`` (default
   ``Ukrain|Russland|Putin|Nawalny|Kreml|Moskau``) from the FANG-COVID JSONL (``../shared``; research use
   only, the texts are never copied into the project) to a JSONL file under ``--workdir``.
2. Analyse the subset with the library API (:func:`analysis.read_corpus`, :func:`analysis.analyze`) and
   the given lexicon folder; the tables are written with :func:`analysis.write_outputs` (no report).
3. Print per-outlet two-pole indices and category rates per 1,000 tokens with the bootstrap CIs of
   ``outlets.csv`` (percentile intervals over articles, :mod:`analysis.stats.aggregate`), the 20 most frequent
   matched forms per category, and write a reproducible random sample of ``--sample`` evidence lines per
   category (``--seed``) to ``precision_sample.csv`` for reading: fill in the column ``correct`` (1/0)
   and re-run with ``--score FILE`` to print n, correct and precision per category.

Usage::

    .venv/bin/python benchmarks/lexicon_validation.py --jobs 2
    .venv/bin/python benchmarks/lexicon_validation.py --reuse          # tables from the last run
    .venv/bin/python benchmarks/lexicon_validation.py --score /tmp/quellenlage-lexval/precision_sample.csv

Only the ``--lexicon-names`` are reported (default: the lexicons of issue #8).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FANG = ROOT.parent / "shared" / "data" / "fang-covid" / "train-outlets.jsonl.gz"
DEFAULT_REGEX = r"Ukrain|Russland|Putin|Nawalny|Kreml|Moskau"
ISSUE8_LEXICONS = ["war_naming", "narratives", "actor_naming", "place_naming", "transliteration", "generic_frames"]
FOCUS_OUTLETS = ["de.rt.com", "zeit.de", "tagesspiegel.de"]

log = logging.getLogger("lexicon_validation")


def extract_subset(source: Path, pattern: str, out: Path) -> tuple[int, int]:
    """Write the JSONL lines whose ``header`` or ``article`` matches ``pattern``; return (kept, read)."""
    rx = re.compile(pattern)
    kept = read = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as fin, out.open("w", encoding="utf-8") as fout:
        for line in fin:
            read += 1
            record = json.loads(line)
            if rx.search(f"{record.get('header') or ''} {record.get('article') or ''}"):
                fout.write(line)
                kept += 1
    return kept, read


def run_analysis(subset: Path, out_dir: Path, lexicon_dir: Path, jobs: int, bootstrap: int, seed: int):
    import analysis as ql

    fields = ql.FieldMap(text="article", outlet="source", title="header", date="date", url="url")
    corpus = ql.read_corpus(subset, fields=fields)
    lexicons = ql.load_lexicons([lexicon_dir])
    result = ql.analyze(
        corpus,
        lexicons=lexicons,
        jobs=jobs,
        bootstrap=ql.BootstrapSettings(n_resamples=bootstrap, seed=seed),
        reuse=None,  # text reuse is not part of this validation
    )
    ql.write_outputs(result, out_dir, report=False)
    return result.articles, result.outlets, result.evidence


def load_tables(out_dir: Path):
    articles = pd.read_csv(out_dir / "articles.csv")
    outlets = pd.read_csv(out_dir / "outlets.csv")
    evidence = pd.read_json(out_dir / "evidence.jsonl", lines=True)
    return articles, outlets, evidence


def fmt_ci(row) -> str:
    if pd.isna(row.estimate):
        return "   n/a"
    ci = "" if pd.isna(row.ci_low) else f" [{row.ci_low:+.2f}, {row.ci_high:+.2f}]"
    return f"{row.estimate:+.2f}{ci}"


def outlet_table(outlets: pd.DataFrame, measures: list[str], rate: bool) -> str:
    """Outlets × measures with estimate [CI]; ``n_matches`` in parentheses for indices."""
    sub = outlets[outlets.measure.isin(measures)]
    order = [o for o in FOCUS_OUTLETS if o in set(sub.outlet)] + sorted(set(sub.outlet) - set(FOCUS_OUTLETS))
    lines = []
    for m in measures:
        lines.append(f"  {m}")
        for o in order:
            r = sub[(sub.outlet == o) & (sub.measure == m)]
            if r.empty:
                continue
            r = r.iloc[0]
            if rate:
                est = "n/a" if pd.isna(r.estimate) else f"{r.estimate:.3f}"
                ci = "" if pd.isna(r.ci_low) else f" [{r.ci_low:.3f}, {r.ci_high:.3f}]"
                extra = f"matches {int(r.n_matches) if not pd.isna(r.n_matches) else 0}"
            else:
                est, ci = fmt_ci(r), ""
                extra = f"articles with a pole match {int(r.n_matches) if not pd.isna(r.n_matches) else 0}"
            flag = " (small sample)" if bool(r.get("small_sample", False)) else ""
            lines.append(f"    {o:24s} n={int(r.n_articles):4d}  {est}{ci}  {extra}{flag}")
    return "\n".join(lines)


def top_matches(evidence: pd.DataFrame, lexicon: str, n: int = 20) -> str:
    ev = evidence[evidence.lexicon == lexicon]
    lines = []
    for cat, grp in ev.groupby("category"):
        forms = grp["text"].str.lower().value_counts().head(n)
        lines.append(f"  {lexicon}.{cat} ({len(grp)} matches): " + ", ".join(f"{f} ×{c}" for f, c in forms.items()))
    return "\n".join(lines)


def precision_sample(evidence: pd.DataFrame, articles: pd.DataFrame, lexicons: list[str], n: int, seed: int) -> pd.DataFrame:
    """``n`` random evidence lines per (lexicon, category), reproducible with ``seed``."""
    outlet_of = dict(zip(articles.article_id, articles.outlet))
    ev = evidence[evidence.lexicon.isin(lexicons)].copy()
    ev["outlet"] = ev.article_id.map(outlet_of)
    parts = []
    for (_lex, _cat), grp in ev.groupby(["lexicon", "category"], sort=True):
        parts.append(grp.sample(n=min(n, len(grp)), random_state=seed))
    if not parts:
        return pd.DataFrame()
    sample = pd.concat(parts)
    sample["correct"] = ""
    cols = ["lexicon", "category", "entry_id", "outlet", "article_id", "voice", "left", "text", "right", "correct"]
    return sample[[c for c in cols if c in sample.columns]]


def score(path: Path) -> pd.DataFrame:
    """n, correct and precision per category from a filled-in sample (``correct`` = 1/0)."""
    s = pd.read_csv(path)
    s = s[s["correct"].astype(str).str.strip().isin(["0", "1", "0.0", "1.0"])]
    s["correct"] = s["correct"].astype(float).astype(int)
    g = s.groupby(["lexicon", "category"])["correct"].agg(n="count", correct="sum").reset_index()
    g["precision"] = g["correct"] / g["n"]
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=FANG, help="FANG-COVID JSONL(.gz) (default: ../shared)")
    ap.add_argument("--regex", default=DEFAULT_REGEX, help=f"article filter (default {DEFAULT_REGEX!r})")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/quellenlage-lexval"))
    ap.add_argument("--lexicons", type=Path, default=ROOT / "lexicons")
    ap.add_argument("--lexicon-names", nargs="+", default=ISSUE8_LEXICONS)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and of the evidence sample")
    ap.add_argument("--sample", type=int, default=50, help="evidence lines per category for precision reading")
    ap.add_argument("--reuse", action="store_true", help="read the tables of the last run in --workdir")
    ap.add_argument("--score", type=Path, help="print precision from a filled-in sample CSV and exit")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    if args.score:
        print(score(args.score).to_string(index=False))
        return 0
    out_dir = args.workdir / "run"
    if args.reuse:
        articles, outlets, evidence = load_tables(out_dir)
    else:
        if not args.source.exists():
            print(f"FANG-COVID not found at {args.source} (third-party data in ../shared)", file=sys.stderr)
            return 2
        subset = args.workdir / "subset.jsonl"
        kept, read = extract_subset(args.source, args.regex, subset)
        print(f"subset: {kept} of {read} articles match {args.regex!r} -> {subset}")
        articles, outlets, evidence = run_analysis(subset, out_dir, args.lexicons, args.jobs, args.bootstrap, args.seed)

    print(f"\narticles per outlet:\n{articles.outlet.value_counts().to_string()}")
    names = [n for n in args.lexicon_names if any(c.startswith(n + ".") for c in articles.columns)]
    for name in names:
        index = f"{name}.index"
        if index in set(outlets.measure):
            print(f"\n== {index} per outlet (estimate [95% CI], pooled over articles) ==")
            print(outlet_table(outlets, [index], rate=False))
        rates = sorted(m for m in set(outlets.measure) if m.startswith(name + ".") and m.endswith(".per_1000"))
        print(f"\n== {name} rates per 1,000 tokens [95% CI] ==")
        print(outlet_table(outlets, rates, rate=True))
        print(f"\n== {name}: 20 most frequent matches per category ==")
        print(top_matches(evidence, name))
    sample = precision_sample(evidence, articles, names, args.sample, args.seed)
    path = args.workdir / "precision_sample.csv"
    sample.to_csv(path, index=False)
    print(f"\nprecision sample: {len(sample)} lines ({args.sample} per category, seed {args.seed}) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
