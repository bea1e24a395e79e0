"""The ``quellenlage`` command: a thin adapter over the library functions.

Only this module prints. Exit codes: 0 success, 1 a Quellenlage error (message on stderr),
2 wrong usage (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .aggregate import BootstrapSettings
from .corpus import FieldMap, read_corpus
from .errors import QuellenlageError
from .lexicon import MATCH_MODES, add_lexicon_rulers, default_lexicon_dir, load_lexicon, ruler_name, term_self_check
from .nlp import load_base_pipeline

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
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes for the analysis (default: all cores; 1 = no worker processes)")
    p.add_argument("--bootstrap", type=int, default=2000, metavar="N", help="bootstrap resamples for confidence intervals (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default 0)")
    p.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--small-sample", type=int, default=10, metavar="N", help="flag outlets with fewer than N articles (default 10)")
    p.add_argument("--no-report", action="store_true", help="write the tables only, no report.pdf/figures")
    p.add_argument("--no-texts", action="store_true", help="do not write texts.jsonl (the analysed texts)")
    p.add_argument("--progress", choices=["auto", "always", "never"], default="auto", help="progress bar on stderr (auto: when stderr is a terminal)")
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
    c.set_defaults(func=cmd_lexicon_coverage)

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

    p = sub.add_parser("kwic", help="show every match of a term in context", description="Keyword in context: every match of PATTERN in the corpus, matched like a lexicon entry (see --match).")
    p.add_argument("pattern", help="a term of one or more words, as in a lexicon ('militärische Spezialoperation'); '*' matches any one token")
    _add_corpus_options(p)
    p.add_argument("--match", choices=MATCH_MODES, default="lemma", help="match mode as in lexicons (default lemma)")
    p.add_argument("--exclude", action="append", default=[], help="phrase whose matches are dropped (repeatable)")
    p.add_argument("--width", type=int, default=50, help="characters of context on each side (default 50)")
    _add_model_option(p)
    p.set_defaults(func=cmd_kwic)
    return parser


def _read(args):
    fields = FieldMap.from_pairs(args.field)
    return read_corpus(args.corpus, fields=fields, manifest=args.manifest, fmt=args.fmt, limit=args.limit)


def _print_issues(corpus, limit: int = 10) -> None:
    rejected = corpus.rejected
    warnings = [i for i in corpus.issues if i.severity != "rejected"]
    for label, items in (("rejected", rejected), ("warning", warnings)):
        for issue in items[:limit]:
            where = f"{issue.file}:{issue.line}" if issue.line else issue.file
            print(f"{label}: {where}: {issue.reason}", file=sys.stderr)
        if len(items) > limit:
            print(f"{label}: … and {len(items) - limit} more (see rejected.csv)", file=sys.stderr)


def cmd_analyze(args) -> int:
    from .pipeline import analyze, write_outputs
    from .lexicon import load_lexicons

    corpus = _read(args)
    print(f"read {len(corpus.articles)} articles from {args.corpus} ({len(corpus.rejected)} rejected)", file=sys.stderr)
    _print_issues(corpus)
    lexicons = load_lexicons(args.lexicons)
    for path, reason in lexicons.refused:
        print(f"lexicon refused: {reason}", file=sys.stderr)
    if not lexicons.lexicons:
        raise QuellenlageError("no valid lexicon loaded; fix the files above or pass --lexicons DIR")
    settings = BootstrapSettings(args.bootstrap, args.seed, args.ci, args.small_sample)
    out = args.out or Path("reports") / corpus.name
    if not corpus.articles:
        from .corpus import write_issues_csv

        out.mkdir(parents=True, exist_ok=True)
        (out / "run.json").unlink(missing_ok=True)
        write_issues_csv(corpus.issues, out / "rejected.csv")
        first = corpus.rejected[0] if corpus.rejected else None
        detail = f"; first: {first.location}: {first.reason}" if first else ""
        raise QuellenlageError(
            f"nothing could be analysed in {args.corpus}: 0 articles, {len(corpus.rejected)} rejected "
            f"(all listed in {out / 'rejected.csv'}){detail}"
        )
    bar = None
    progress = None
    if corpus.articles and args.progress != "never":
        from tqdm import tqdm

        bar = tqdm(total=len(corpus.articles), unit="art", desc="analysing", file=sys.stderr, disable=None if args.progress == "auto" else False)
        progress = bar.update
    try:
        from .pipeline import default_jobs

        jobs = args.jobs if args.jobs is not None else default_jobs()
        if jobs < 1:
            raise QuellenlageError(f"--jobs must be at least 1, got {jobs}")
        result = analyze(corpus, lexicons=lexicons, model=args.model, bootstrap=settings, progress=progress, jobs=jobs)
    finally:
        if bar is not None:
            bar.close()
    paths = write_outputs(result, out, report=not args.no_report, texts=not args.no_texts)
    info = result.run_info
    print(
        f"analysed {info['n_articles']} articles ({info['n_tokens']:,} tokens) from {len(info['outlets'])} outlets "
        f"with {info['pipeline']['summary']}; {len(result.evidence)} evidence spans",
        file=sys.stderr,
    )
    print(f"wrote {out}/: " + ", ".join(sorted(k for k in paths if not k.startswith("figures/"))), file=sys.stderr)
    return 0


def cmd_lexicon_check(args) -> int:
    from .lexicon import LexiconError

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
    from .coverage import duplicate_terms

    duplicates = duplicate_terms(valid)
    for dup in duplicates:
        print(f"warning {dup.message()}")
    print(f"{len(paths) - n_bad} valid, {n_bad} invalid, {len(duplicates)} duplicate terms")
    return 1 if n_bad else 0


def cmd_lexicon_coverage(args) -> int:
    from .coverage import entry_coverage
    from .lexicon import load_lexicons
    from .pipeline import analyze

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
    result = analyze(corpus, lexicons=lexicons, model=args.model, bootstrap=BootstrapSettings(n_resamples=1))
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


def cmd_lexicon_import(args) -> int:
    from .lexicon_formats import read_liwc, read_quanteda_yaml, write_toml

    if args.format in ("sentiws", "rauh"):
        from .lexicon_import import run_import

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
    from .lexicon import load_lexicons
    from .lexicon_formats import write_liwc, write_quanteda_yaml, write_toml

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


def cmd_kwic(args) -> int:
    from .kwic import kwic

    corpus = _read(args)
    _print_issues(corpus)
    nlp = load_base_pipeline(args.model)
    n = 0
    for line in kwic(corpus.articles, nlp, [args.pattern], match=args.match, exclude=args.exclude, width=args.width):
        print(line.format(args.width))
        n += 1
    print(f"{n} matches of {args.pattern!r} ({args.match}) in {len(corpus.articles)} articles", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
