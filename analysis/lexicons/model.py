"""Lexicons: validated TOML files compiled into one matching component per lexicon.

The schema is documented in ``lexicons/README.md``. In short::

    [lexicon]                      # required table
    name = "war_naming"            # = file stem = doc.spans key
    version = "1.0.0"              # semantic version X.Y.Z
    description = "..."
    poles = ["aggression", "euphemism"]   # optional two-pole dimension: index = (right - left) / (right + left)
    default_match = "lemma"        # optional, default "lemma"

    [categories.aggression]        # one table per category
    description = "..."
    example = "..."                # optional

    [context]                      # optional topic context
    terms = ["Ukrain", "Kreml"]
    match = "prefix"
    window = 1                     # sentences on each side, or "article"
    source = "..."

    [[entry]]
    id = "spezialoperation"        # unique in the file, [a-z0-9_]
    category = "euphemism"
    terms = ["militärische Spezialoperation", "Spezialoperation"]
    match = "lemma"                # orth | lower | lemma | prefix
    exclude = ["..."]              # optional phrases; a match overlapping one of them is dropped
    source = "..."                 # required: where the entry comes from
    note = "..."                   # optional
    needs_context = true           # optional: count only near a [context] term

Match modes (per term token; a term of several words matches a sequence of tokens):

* ``orth``  exact, case-sensitive token text;
* ``lower`` token text, case-insensitive;
* ``lemma`` token lemma, case-insensitive (inflection: "der militärischen Spezialoperation"),
  compiled to ``NORM`` equality (the pipeline sets ``token.norm_`` to the lower-cased lemma);
  a hyphenated term also matches its closed spelling ("Ukraine-Konflikt" → "Ukrainekonflikt");
* ``prefix`` token text starts with the term token, case-insensitive; hyphens optional
  (compounds and inflected names: "Selenskyj" → "Selenskyjs", "Selenskyj-Regierung").

A term token ``*`` matches any single token ("von * angegriffene Ukraine").
Within one lexicon overlapping matches are resolved to the longest (then the first) span.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from analysis.errors import LexiconError
from analysis.lexicons.schema import MATCH_MODES
from analysis.processing.matcher import CompiledPattern, LexiconMatcher, TokenPredicate
from analysis.reading.textfile import read_utf8_text

log = logging.getLogger(__name__)

WILDCARD = "*"
#: Span label used internally for exclusion phrases; never appears in doc.spans.
EXCLUDE_LABEL = "__exclude__"

# \Z, not $ ($ also matches before a trailing newline: "abc\n" passed as a name); [0-9], not \d (Unicode digits)
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
_VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+\Z")
LEXICON_KEYS = {"name", "version", "description", "poles", "default_match", "language", "sources"}
CATEGORY_KEYS = {"description", "example", "examples"}
ENTRY_KEYS = {"id", "category", "terms", "match", "exclude", "source", "note", "needs_context"}
CONTEXT_KEYS = {"terms", "match", "window", "source"}
TOP_KEYS = {"lexicon", "categories", "context", "entry", "semantic"}
SEMANTIC_KEYS = {"description", "counter_examples"}
EXAMPLE_KEYS = {"text", "source"}
#: Span label/id of topic-context terms; never appears in doc.spans.
CONTEXT_LABEL = "__context__"


@dataclass(frozen=True)
class Example:
    """One example sentence of a semantic category (or a counter-example), with where it comes from."""

    text: str
    source: str


@dataclass(frozen=True)
class Category:
    name: str
    description: str
    example: str = ""
    #: example sentences of the category's claim (the semantic scorer's positives)
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    terms: tuple[str, ...]
    match: str
    source: str
    exclude: tuple[str, ...] = ()
    note: str = ""
    needs_context: bool = False


@dataclass(frozen=True)
class TopicContext:
    """Terms that establish a lexicon's topic; entries with ``needs_context`` only count near one.

    ``window``: sentences on each side of the match that are searched (0 = the same sentence),
    or ``None`` for the whole article.
    """

    terms: tuple[str, ...]
    match: str
    window: int | None
    source: str


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    description: str
    categories: dict[str, Category]
    entries: tuple[Entry, ...]
    poles: tuple[str, str] | None = None
    path: Path | None = field(default=None, compare=False)
    context: TopicContext | None = None
    #: sentences on the lexicon's topic that carry none of its claims (the semantic scorer's negatives)
    counter_examples: tuple[Example, ...] = ()

    @property
    def category_names(self) -> list[str]:
        return list(self.categories)

    @property
    def semantic_categories(self) -> list[str]:
        """Categories with example sentences: the ones a semantic scorer is compiled for."""
        return [c.name for c in self.categories.values() if c.examples]

    @property
    def spans_key(self) -> str:
        return self.name

    def info(self) -> dict:
        """Plain-data description used by the report and ``run.json``."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "poles": list(self.poles) if self.poles else None,
            "categories": {c.name: c.description for c in self.categories.values()},
            "n_entries": len(self.entries),
            "n_terms": sum(len(e.terms) for e in self.entries),
            "context": (
                {
                    "terms": list(self.context.terms),
                    "match": self.context.match,
                    "window": "article" if self.context.window is None else self.context.window,
                    "entries": [e.id for e in self.entries if e.needs_context],
                }
                if self.context
                else None
            ),
            "semantic": (
                {
                    "categories": {c: len(self.categories[c].examples) for c in self.semantic_categories},
                    "counter_examples": len(self.counter_examples),
                }
                if self.semantic_categories
                else None
            ),
            "path": str(self.path) if self.path else "",
        }


# --------------------------------------------------------------------------- loading


class _Problems:
    """Collects every problem of one file so the user sees them all in one message."""

    def __init__(self, path: Path):
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def raise_if_any(self) -> None:
        if self.items:
            lines = "\n  ".join(self.items)
            raise LexiconError(f"lexicon {self.path} is invalid:\n  {lines}")


def _check_keys(problems: _Problems, where: str, table: dict, allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        problems.add(where, f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}")


def _string(problems: _Problems, where: str, table: dict, key: str, *, required: bool) -> str:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(where, f"missing required key {key!r} (a non-empty string)")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(where, f"{key!r} must be a non-empty string, got {value!r}")
        return ""
    return value


def _string_list(problems: _Problems, where: str, table: dict, key: str, *, required: bool) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(where, f"missing required key {key!r} (a list of strings)")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(where, f"{key!r} must be a list of non-empty strings, got {value!r}")
        return ()
    if required and not value:
        problems.add(where, f"{key!r} must not be empty")
    return tuple(" ".join(v.split()) for v in value)


def _examples(problems: _Problems, where: str, table: dict, key: str) -> tuple[Example, ...]:
    """A list of ``{ text = "...", source = "..." }`` tables (optional key)."""
    value = table.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(where, f"{key!r} must be a list of tables {{ text = \"...\", source = \"...\" }}, got {type(value).__name__}")
        return ()
    out: list[Example] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(value, start=1):
        here = f"{where} {key}[{number}]"
        if not isinstance(item, dict):
            problems.add(here, f"must be a table {{ text = \"...\", source = \"...\" }}, got {item!r}")
            continue
        _check_keys(problems, here, item, EXAMPLE_KEYS)
        text = " ".join(_string(problems, here, item, "text", required=True).split())
        source = _string(problems, here, item, "source", required=True)
        if text in seen:
            problems.add(here, f"the same text as {key}[{seen[text]}]; each example sentence once")
        elif text:
            seen[text] = number
            out.append(Example(text, source))
    return tuple(out)


def _optional_table(problems: _Problems, data: dict, name: str, allowed: set[str], shape: str) -> dict | None:
    """The top-level table ``[name]`` when present and a table (its keys checked), else None."""
    table = data.get(name)
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.add(f"[{name}]", f"must be a table with {shape}")
        return None
    _check_keys(problems, f"[{name}]", table, allowed)
    return table


def parse_lexicon(data: dict, path: Path) -> Lexicon:
    """Validate parsed TOML ``data`` of the file ``path``; raise one LexiconError listing all problems."""
    problems = _Problems(path)
    _check_keys(problems, "top level", data, TOP_KEYS)
    head = data.get("lexicon")
    if not isinstance(head, dict):
        problems.add("[lexicon]", "missing table [lexicon] with name, version, description")
        problems.raise_if_any()
    _check_keys(problems, "[lexicon]", head, LEXICON_KEYS)
    name = _string(problems, "[lexicon]", head, "name", required=True)
    if name and name != path.stem:
        problems.add("[lexicon]", f"name {name!r} must equal the file name stem {path.stem!r}")
    if name and not _NAME_RE.match(name):
        problems.add("[lexicon]", f"name {name!r} must match [a-z][a-z0-9_]* (it becomes a column prefix)")
    version = _string(problems, "[lexicon]", head, "version", required=True)
    if version and not _VERSION_RE.match(version):
        problems.add("[lexicon]", f"version {version!r} must be a semantic version X.Y.Z, e.g. '1.0.0'")
    description = _string(problems, "[lexicon]", head, "description", required=True)
    default_match = head.get("default_match", "lemma")
    if default_match not in MATCH_MODES:
        problems.add("[lexicon]", f"default_match {default_match!r} is not allowed; allowed: {', '.join(MATCH_MODES)}")
        default_match = "lemma"

    categories: dict[str, Category] = {}
    cat_tables = data.get("categories")
    if not isinstance(cat_tables, dict) or not cat_tables:
        problems.add("[categories]", "missing: declare each category as a table [categories.<name>] with a description")
        cat_tables = {}
    for cname, ctable in cat_tables.items():
        where = f"[categories.{cname}]"
        if not _NAME_RE.match(cname):
            problems.add(where, "category names must match [a-z][a-z0-9_]*")
        if not isinstance(ctable, dict):
            problems.add(where, "must be a table with 'description' (and optional 'example')")
            continue
        _check_keys(problems, where, ctable, CATEGORY_KEYS)
        categories[cname] = Category(
            cname,
            _string(problems, where, ctable, "description", required=True),
            _string(problems, where, ctable, "example", required=False),
            _examples(problems, where, ctable, "examples"),
        )

    poles = head.get("poles")
    if poles is not None:
        if (
            not isinstance(poles, list)
            or len(poles) != 2
            or not all(isinstance(p, str) for p in poles)
            or poles[0] == poles[1]
        ):
            problems.add("[lexicon]", f"poles must be a list of two different category names [left, right], got {poles!r}")
            poles = None
        else:
            for p in poles:
                if p not in categories:
                    problems.add("[lexicon]", f"pole {p!r} is not a declared category; declared: {', '.join(categories) or 'none'}")
            poles = tuple(poles)

    context = None
    ctx = _optional_table(problems, data, "context", CONTEXT_KEYS, "terms, match, window, source")
    if ctx is not None:
        cterms = _string_list(problems, "[context]", ctx, "terms", required=True)
        cmatch = ctx.get("match", "lemma")
        if cmatch not in MATCH_MODES:
            problems.add("[context]", f"match {cmatch!r} is not allowed; allowed: {', '.join(MATCH_MODES)}")
        window = ctx.get("window", 1)
        if window == "article":
            window = None
        elif isinstance(window, bool) or not isinstance(window, int) or window < 0:
            problems.add("[context]", f"window {window!r} is not allowed; allowed: a whole number of sentences >= 0 or \"article\"")
            window = 1
        csource = _string(problems, "[context]", ctx, "source", required=True)
        context = TopicContext(cterms, cmatch, window, csource)

    entries: list[Entry] = []
    seen_ids: dict[str, int] = {}
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.add("[[entry]]", "a lexicon needs at least one [[entry]] table")
        raw_entries = []
    for number, raw in enumerate(raw_entries, start=1):
        eid = raw.get("id") if isinstance(raw, dict) else None
        where = f"entry {number}" + (f" (id {eid!r})" if isinstance(eid, str) else "")
        if not isinstance(raw, dict):
            problems.add(where, "must be a table")
            continue
        _check_keys(problems, where, raw, ENTRY_KEYS)
        eid = _string(problems, where, raw, "id", required=True)
        if eid and not _NAME_RE.match(eid):
            problems.add(where, f"id {eid!r} must match [a-z][a-z0-9_]*")
        if eid in seen_ids:
            problems.add(where, f"id {eid!r} is already used by entry {seen_ids[eid]}; ids must be unique")
        seen_ids.setdefault(eid, number)
        category = _string(problems, where, raw, "category", required=True)
        if category and category not in categories:
            problems.add(where, f"category {category!r} is not declared; declared: {', '.join(categories) or 'none'}")
        match = raw.get("match", default_match)
        if match not in MATCH_MODES:
            problems.add(where, f"match {match!r} is not allowed; allowed: {', '.join(MATCH_MODES)}")
        terms = _string_list(problems, where, raw, "terms", required=True)
        for term in terms:
            if term.split() == [WILDCARD] * len(term.split()):
                problems.add(where, f"term {term!r} consists only of wildcards and would match every token")
        exclude = _string_list(problems, where, raw, "exclude", required=False)
        source = _string(problems, where, raw, "source", required=True)
        note = _string(problems, where, raw, "note", required=False)
        needs_context = raw.get("needs_context", False)
        if not isinstance(needs_context, bool):
            problems.add(where, f"needs_context must be true or false, got {needs_context!r}")
            needs_context = False
        if needs_context and not isinstance(data.get("context"), dict):
            problems.add(where, "needs_context = true but the lexicon has no [context] table with the topic terms")
        entries.append(Entry(eid, category, terms, match, source, exclude, note, needs_context))

    counter_examples: tuple[Example, ...] = ()
    semantic = _optional_table(problems, data, "semantic", SEMANTIC_KEYS, "counter_examples (and an optional description)")
    if semantic is not None:
        _string(problems, "[semantic]", semantic, "description", required=False)
        counter_examples = _examples(problems, "[semantic]", semantic, "counter_examples")
        if not any(c.examples for c in categories.values()):
            problems.add("[semantic]", "counter-examples without any category 'examples': add example sentences to a category")
    if any(c.examples for c in categories.values()) and not counter_examples:
        problems.add("[semantic]", "categories have 'examples' but the lexicon has no [semantic] counter_examples "
                     "(sentences on the topic that carry no claim; the scorer needs both)")
    positives = {ex.text: c.name for c in categories.values() for ex in c.examples}
    for ex in counter_examples:
        if ex.text in positives:
            problems.add("[semantic]", f"counter-example {ex.text[:60]!r} is also an example of category {positives[ex.text]!r}")

    problems.raise_if_any()
    return Lexicon(name, version, description, categories, tuple(entries), poles, path, context, counter_examples)


def load_lexicon(path: str | Path) -> Lexicon:
    """Read and validate one lexicon file."""
    path = Path(path)
    text = read_utf8_text(path, LexiconError, "lexicon")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"lexicon {path} is not valid TOML: {exc}") from exc
    import unicodedata

    data = _nfc(data, unicodedata)
    return parse_lexicon(data, path)


def _nfc(value, unicodedata):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v, unicodedata) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v, unicodedata) for k, v in value.items()}
    return value


def default_lexicon_dir() -> Path:
    """The shipped ``lexicons/`` folder (next to the package in a checkout, or installed data)."""
    import sys

    here = Path(__file__).resolve().parents[1]  # the analysis package
    for candidate in (here.parent / "lexicons", Path(sys.prefix) / "share" / "quellenlage" / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise LexiconError(f"shipped lexicon folder not found next to {here}; pass --lexicons DIR")


@dataclass
class LexiconSet:
    """Lexicons loaded from one or more folders, plus the files that were refused."""

    lexicons: list[Lexicon]
    refused: list[tuple[Path, str]]

    def __iter__(self):
        return iter(self.lexicons)

    def __len__(self) -> int:
        return len(self.lexicons)

    def by_name(self, name: str) -> Lexicon:
        for lex in self.lexicons:
            if lex.name == name:
                return lex
        raise LexiconError(f"no lexicon named {name!r}; loaded: {', '.join(l.name for l in self.lexicons) or 'none'}")


def load_lexicons(dirs: Sequence[str | Path] | None = None) -> LexiconSet:
    """Load every ``*.toml`` of the given folders (or files); later folders override earlier by name.

    A broken file is refused with its message (kept in ``refused``) and the rest still load.
    """
    paths: list[Path] = []
    for d in dirs or [default_lexicon_dir()]:
        d = Path(d)
        if d.is_file():
            paths.append(d)
        elif d.is_dir():
            paths.extend(sorted(d.glob("*.toml")))
        else:
            raise LexiconError(f"lexicon folder {d} does not exist; give a folder of *.toml files or one .toml file")
    by_name: dict[str, Lexicon] = {}
    refused: list[tuple[Path, str]] = []
    for path in paths:
        try:
            lex = load_lexicon(path)
        except LexiconError as exc:
            log.error("%s", exc)
            refused.append((path, str(exc)))
            continue
        if lex.name in by_name:
            log.info("lexicon %s from %s overrides %s", lex.name, path, by_name[lex.name].path)
        by_name[lex.name] = lex
    return LexiconSet(list(by_name.values()), refused)


# --------------------------------------------------------------------------- compiling


def _closed_compound(word: str) -> str | None:
    """'Ukraine-Konflikt' → 'Ukrainekonflikt' (German closed spelling of a hyphenated compound)."""
    if "-" not in word.strip("-"):
        return None
    head, *rest = word.split("-")
    return head + "".join(r.lower() for r in rest)


def _lemma_norms(text: str, lemmas: Iterable[str]) -> list[str]:
    """Lower-cased forms a ``lemma`` term token may take as ``token.norm_`` (lower-cased lemma)."""
    forms = {text.lower(), *(l.lower() for l in lemmas if l)}
    for form in list(forms):
        closed = _closed_compound(form)
        if closed:
            forms.add(closed.lower())
    return sorted(forms)


#: Above this many variant combinations a lemma term is compiled with ``IN`` sets instead of
#: one pattern per combination.
MAX_EXPANSIONS = 32


def _term_patterns(mode: str, tokens: list[tuple[str, set[str]]]) -> list[tuple[TokenPredicate, ...]]:
    """Token predicate sequences for one term: ``tokens`` are (text, lemmas) pairs."""
    any_token = TokenPredicate("ANY")
    if mode == "orth":
        return [tuple(any_token if t == WILDCARD else TokenPredicate("ORTH", t) for t, _ in tokens)]
    if mode == "lower":
        return [tuple(any_token if t == WILDCARD else TokenPredicate("LOWER", t.lower()) for t, _ in tokens)]
    if mode == "prefix":
        return [tuple(any_token if t == WILDCARD else TokenPredicate("PREFIX", _prefix_regex(t)) for t, _ in tokens)]
    if mode == "lemma":
        options = [[None] if t == WILDCARD else _lemma_norms(t, lemmas) for t, lemmas in tokens]
        n_combinations = 1
        for opt in options:
            n_combinations *= len(opt)
        if n_combinations <= MAX_EXPANSIONS:
            return [
                tuple(any_token if norm is None else TokenPredicate("NORM", norm) for norm in combo)
                for combo in itertools.product(*options)
            ]
        return [tuple(any_token if opt == [None] else TokenPredicate("NORM_IN", values=frozenset(opt)) for opt in options)]
    raise LexiconError(f"unknown match mode {mode!r}; allowed: {', '.join(MATCH_MODES)}")


def _prefix_regex(text: str) -> str:
    """Regex body for a prefix term token: case-insensitive via LOWER, hyphens optional."""
    return re.escape(text.lower()).replace(r"\-", "-?")


def _capitalised(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def _term_spellings(term: str) -> list[str]:
    """The term as written and, for hyphenated compounds, closed up ("Ukraine-Konflikt" → "Ukrainekonflikt")."""
    spellings = [term]
    if any(_closed_compound(w) for w in term.split()):
        spellings.append(" ".join(_closed_compound(w) or w for w in term.split()))
    return spellings


def _spelling_variants(spelling: str) -> list[str]:
    """As written, capitalised, lower-cased: the forms whose lemmas a ``lemma`` term may take."""
    return [spelling, _capitalised(spelling), spelling.lower()]


def _term_variants(term: str) -> list[str]:
    """Every form of a ``lemma`` term :func:`_norm_sequences` analyses (spellings × variants)."""
    return [v for spelling in _term_spellings(term) for v in _spelling_variants(spelling)]


def _analyse_norms(nlp: Language, texts: Iterable[str]) -> dict[str, list[str]]:
    """NORM (lower-cased lemma) of every non-space token of each text, in one pass of ``nlp.pipe``."""
    unique = list(dict.fromkeys(texts))
    return {text: [t.norm_ for t in doc if not t.is_space] for text, doc in zip(unique, nlp.pipe(unique, batch_size=256))}


def _norm_sequences(nlp: Language, term: str, norms: dict[str, list[str]] | None = None) -> list[tuple[str, ...]]:
    """The NORM sequences (lower-cased lemmas) under which a ``lemma`` term matches.

    Each word may take the lemma of its spelling as written and capitalised (sentence-initial
    "Militärische Spezialoperation" lemmatises differently). In multi-word terms, words before the
    last may also take the lemma of their lower-case form ("Kalter Krieg" → "kalt", as in "im
    Kalten Krieg"); the last word keeps its case, which for nouns is part of the lemma
    ("Krieg" lower-cased would become the verb "kriegen"). Hyphenated compounds also match closed
    up ("Ukraine-Konflikt" → "Ukrainekonflikt"). ``norms``: the variants already analysed
    (:func:`_analyse_norms`; building a pipeline analyses all terms of a lexicon in one pass).
    """
    spellings = _term_spellings(term)
    if norms is None:
        norms = _analyse_norms(nlp, _term_variants(term))
    sequences: set[tuple[str, ...]] = set()
    for spelling in spellings:
        written, capitalised, lower = (norms[v] for v in _spelling_variants(spelling))
        n = len(written)
        options: list[set[str]] = []
        for i in range(n):
            opts = {written[i]}
            if len(capitalised) == n:
                opts.add(capitalised[i])
            if n > 1 and i < n - 1 and len(lower) == n:
                opts.add(lower[i])
            options.append(opts)
        for combo in itertools.islice(itertools.product(*(sorted(o) for o in options)), MAX_EXPANSIONS):
            sequences.add(combo)
    return sorted(sequences)


@dataclass(frozen=True)
class CompiledLexicon:
    """What one lexicon compiles to: token predicate sequences (label = category, id = entry id)."""

    patterns: list[CompiledPattern]


def compile_patterns(lexicon: Lexicon, nlp: Language) -> CompiledLexicon:
    """Turn a lexicon into compiled patterns (label = category, id = entry id).

    * ``lemma`` terms become ``NORM`` sequences (the lower-cased lemma, set by the fallback
      lemmatizer or the ``quellenlage_lemma_norm`` component), analysed by the same pipeline as
      the articles (:func:`_norm_sequences`);
    * ``orth``/``lower`` terms become ``ORTH``/``LOWER`` sequences, ``prefix`` terms regex
      predicates (single-word prefix terms of one entry share one regular expression), and a
      wildcard ``*`` any single token.

    :class:`analysis.processing.matcher.LexiconMatcher` runs plain sequences on spaCy's PhraseMatcher and
    the rest by anchoring.
    """
    jobs: list[tuple[Entry, str, str]] = []
    for entry in lexicon.entries:
        for term in entry.terms:
            jobs.append((entry, entry.category, term))
        for term in entry.exclude:
            jobs.append((entry, EXCLUDE_LABEL, term))
    if needs_context_patterns(lexicon):
        ctx_entry = Entry(CONTEXT_LABEL, CONTEXT_LABEL, lexicon.context.terms, lexicon.context.match, lexicon.context.source)
        jobs.extend((ctx_entry, CONTEXT_LABEL, term) for term in ctx_entry.terms)
    patterns: list[CompiledPattern] = []
    token_jobs = []
    lemma_terms = [term for entry, _label, term in jobs if entry.match == "lemma" and WILDCARD not in term.split()]
    analysed = _analyse_norms(nlp, (v for term in lemma_terms for v in _term_variants(term)))
    for entry, label, term in jobs:
        if entry.match == "lemma" and WILDCARD not in term.split():
            for norms in _norm_sequences(nlp, term, analysed):
                patterns.append(CompiledPattern(label, entry.id, tuple(TokenPredicate("NORM", n) for n in norms)))
        else:
            token_jobs.append((entry, label, term))
    # The wildcard is replaced by a placeholder word so the tokenizer keeps it as one token.
    placeholder = "Wildcardplatzhalter"
    texts = [term.replace(WILDCARD, placeholder) for _, _, term in token_jobs]
    docs = list(nlp.pipe(texts))
    lower_docs = list(nlp.pipe(t.lower() for t in texts))
    single_prefixes: dict[tuple[str, str], list[str]] = {}
    for (entry, label, _term), doc, lower in zip(token_jobs, docs, lower_docs):
        tokens = [t for t in doc if not t.is_space]
        lower_tokens = [t for t in lower if not t.is_space]
        aligned = len(lower_tokens) == len(tokens)
        pairs = []
        for i, tok in enumerate(tokens):
            text = WILDCARD if tok.text == placeholder else tok.text
            lemmas = {tok.lemma_ or tok.text}
            if aligned and lower_tokens[i].lemma_:
                lemmas.add(lower_tokens[i].lemma_)
            pairs.append((text, lemmas))
        if entry.match == "prefix" and len(pairs) == 1 and pairs[0][0] != WILDCARD:
            single_prefixes.setdefault((entry.id, label), []).append(_prefix_regex(pairs[0][0]))
            continue
        for tokens in _term_patterns(entry.match, pairs):
            patterns.append(CompiledPattern(label, entry.id, tokens))
    for (entry_id, label), bodies in single_prefixes.items():
        regex = "(?:" + "|".join(sorted(set(bodies), key=lambda b: (-len(b), b))) + ")"
        patterns.append(CompiledPattern(label, entry_id, (TokenPredicate("PREFIX", regex),)))
    return CompiledLexicon(patterns)


def needs_context_patterns(lexicon: Lexicon) -> bool:
    """Whether a lexicon's topic-context terms are matched: for entries that need the context, and
    for the semantic layer, which scores only sentences near a context term."""
    return lexicon.context is not None and (
        any(e.needs_context for e in lexicon.entries) or bool(lexicon.semantic_categories)
    )


def _sentence_index(doc: Doc):
    if not doc.has_annotation("SENT_START"):  # a pipeline without sentence boundaries: one sentence
        return lambda token_i: 0
    starts = [sent.start for sent in doc.sents]

    def index(token_i: int) -> int:
        return bisect.bisect_right(starts, token_i) - 1

    return index


def resolve_lexicon_spans(
    existing: Iterable[Span],
    matches: Iterable[Span],
    *,
    context_entries: frozenset[str] = frozenset(),
    window: int | None = None,
) -> list[Span]:
    """Drop exclusion and context helper spans, matches overlapping an exclusion of their entry,
    and context-needing matches without a context term nearby; then keep the longest of overlaps."""
    matches = list(matches)
    excluded = [s for s in matches if s.label_ == EXCLUDE_LABEL]
    context = [s for s in matches if s.label_ == CONTEXT_LABEL]
    kept = [
        s
        for s in matches
        if s.label_ not in (EXCLUDE_LABEL, CONTEXT_LABEL)
        and not any(e.id_ == s.id_ and e.start < s.end and s.start < e.end for e in excluded)
    ]
    if context_entries and any(s.id_ in context_entries for s in kept):
        if window is None:
            kept = [s for s in kept if s.id_ not in context_entries or context]
        else:
            sent_of = _sentence_index(kept[0].doc)
            context_sents = {sent_of(c.start) for c in context}
            kept = [
                s
                for s in kept
                if s.id_ not in context_entries
                or any(abs(sent_of(s.start) - c) <= window for c in context_sents)
            ]
    return filter_spans(kept)


def ruler_name(lexicon: Lexicon) -> str:
    """Pipe name of a lexicon's matching component."""
    return f"lexicon:{lexicon.name}"


@Language.factory(
    "quellenlage_lexicon",
    default_config={"spans_key": "lexicon", "context_entries": [], "context_window": -1, "keep_context": False},
    assigns=["doc.spans"],
    requires=["token.norm"],
)
def make_lexicon_matcher(
    nlp: Language, name: str, spans_key: str, context_entries: list[str], context_window: int, keep_context: bool
) -> LexiconMatcher:
    """One lexicon's matcher (patterns are added by :func:`add_lexicon_rulers`).

    ``context_entries``: ids of entries that only count when a context term occurs within
    ``context_window`` sentences (-1: anywhere in the article). ``keep_context``: keep the start
    tokens of the context terms in ``doc.user_data`` (:func:`analysis.processing.matcher.context_key`), which
    the semantic layer reads to choose the sentences it scores.
    """
    needs = frozenset(context_entries)
    window = None if context_window < 0 else context_window

    def spans_filter(matches: list[Span]) -> list[Span]:
        return resolve_lexicon_spans((), matches, context_entries=needs, window=window)

    return LexiconMatcher(nlp, name, spans_key, spans_filter, CONTEXT_LABEL if keep_context else None)


def add_lexicon_rulers(nlp: Language, lexicons: Iterable[Lexicon]) -> Language:
    """Add one ``quellenlage_lexicon`` component per lexicon, writing ``doc.spans[<lexicon name>]``."""
    lexicons = list(lexicons)
    existing = [n for n in nlp.pipe_names if n.startswith("lexicon:")]
    # Compile with the base pipeline only (no lexicon components), so terms are analysed like text.
    with nlp.select_pipes(disable=existing):
        compiled = [(lex, compile_patterns(lex, nlp)) for lex in lexicons]
    for lex, compiled_lex in compiled:
        name = ruler_name(lex)
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
        component = nlp.add_pipe(
            "quellenlage_lexicon",
            name=name,
            config={
                "spans_key": lex.spans_key,
                "context_entries": [e.id for e in lex.entries if e.needs_context and lex.context],
                "context_window": -1 if not lex.context or lex.context.window is None else lex.context.window,
                "keep_context": bool(lex.semantic_categories) and lex.context is not None,
            },
        )
        component.add(compiled_lex.patterns)
    return nlp


def term_self_check(nlp: Language, lexicon: Lexicon) -> list[str]:
    """Terms that do not match their own text with the current pipeline (can never match as written).

    For entries with ``needs_context`` a context term is appended to the test text.
    """
    problems = []
    owners = [(entry, term) for entry in lexicon.entries for term in entry.terms]
    texts = []
    for entry, term in owners:
        text = term.replace(WILDCARD, "Irgendwer")
        if entry.needs_context and lexicon.context:
            text = f"{text} {lexicon.context.terms[0]}"
        texts.append(text)
    for (entry, term), doc in zip(owners, nlp.pipe(texts)):
        n_term = len(nlp.make_doc(term.replace(WILDCARD, "Irgendwer")))
        spans = doc.spans.get(lexicon.spans_key, [])
        if not any(s.id_ == entry.id and s.start == 0 and s.end == n_term for s in spans):
            problems.append(f"{lexicon.path or lexicon.name}: entry {entry.id!r}: term {term!r} does not match itself")
    return problems
