"""Lexicon suggestions: terms a lexicon does not have yet, found in a corpus, for review.

``quellenlage lexicon suggest --lexicon L CORPUS`` runs L over the corpus and lists terms (lemmas,
optionally n-grams) that L does not already match and that

(a) are **distinctive for the articles where L fires**: the log-odds ratio with informative
    Dirichlet prior (:func:`analysis.measures.keyness.log_odds_dirichlet`, Monroe et al. 2008) of the
    articles with at least one L match against the articles without, ``z >= min_z``. Articles, not
    outlets: the split works for a single outlet, and an outlet where L fires often still has
    many articles about other things. When every (or no) article has a match there is nothing to
    contrast; the criterion is then skipped and the draft says so;
(b) **co-occur with L's matches**: a *unit* is a sentence; a unit is *near L* when an L match lies
    in it or within ``window`` sentences on either side. For each term, the 2×2 table (units with
    the term / without × near L / not) gives Dunning's log-likelihood G² (Dunning 1993, Computational
    Linguistics 19(1), 61–74) and the pointwise mutual information PMI = log2(P(term, near L) /
    (P(term) P(near L))) (Church & Hanks 1990, Computational Linguistics 16(1), 22–29). A candidate
    needs at least ``min_count`` units near L, PMI >= ``min_pmi`` (default 1: at least twice as
    often near L as expected) and G² >= ``min_g2`` (3.84 ≈ p < 0.05, one degree of freedom,
    uncorrected for the many terms tested).

Candidates are ranked by G² and written as a **draft**: a copy of L's file, unchanged and valid, with
every candidate appended as a commented-out ``[[entry]]`` block (category: the one it co-occurs
with most) preceded by its scores and three keyword-in-context lines. Nothing is ever added to a
lexicon automatically, and the input file is never written.

Already in L (never suggested): the tokens of L's matches; single-word terms of L (their lemmas
for ``lemma`` entries, lower-cased text otherwise); words beginning with a ``prefix`` term; L's
``[context]`` topic terms (already thought of, as the topic).
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from spacy.language import Language

from analysis.reading.corpus import Article
from analysis.errors import QuellenlageError
from analysis.measures.framing import context_window, count_tokens
from analysis.measures.keyness import (
    DEFAULT_PRIOR_SCALE,
    OutletTermCounts,
    _count_ngrams,
    _terms_of,
    keyness_table,
)
from analysis.explore.kwic import KwicLine
from analysis.lexicons.model import (
    WILDCARD,
    Category,
    Entry,
    Lexicon,
    _norm_sequences,
    add_lexicon_rulers,
    ruler_name,
)
from analysis.processing.nlp import load_base_pipeline

log = logging.getLogger(__name__)

MATCHED = "with_matches"
UNMATCHED = "without_matches"
CANDIDATE_COLUMNS = [
    "rank", "term", "lemma", "category", "units_near", "units_with_term", "g2", "pmi",
    "keyness_z", "count_matched", "count_unmatched", "n_articles", "kwic",
]
#: KWIC lines per candidate.
KWIC_EXAMPLES = 3
KWIC_WIDTH = 60


@dataclass(frozen=True)
class SuggestSettings:
    """``top``: candidates kept; ``min_count``: units near L containing the term; ``window``:
    sentences on each side of a match that are near it; ``min_z`` / ``min_g2``: thresholds of
    criteria (a) and (b); ``min_pmi``: minimum PMI (1.0 = at least twice as often near a match as
    expected; keeps out frequent words that are merely common in long articles); ``ngram_max``: longest n-gram considered; ``prior_scale``: a_0 of the
    keyness prior."""

    top: int = 30
    min_count: int = 3
    window: int = 0
    min_z: float = 1.96
    min_g2: float = 3.84
    min_pmi: float = 1.0
    ngram_max: int = 1
    prior_scale: float = DEFAULT_PRIOR_SCALE

    def __post_init__(self):
        for name, low in (("top", 1), ("min_count", 1), ("window", 0), ("ngram_max", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                raise QuellenlageError(f"lexicon suggest: {name} must be a whole number >= {low}, got {value!r}")


@dataclass
class SuggestResult:
    lexicon: Lexicon
    corpus_name: str
    settings: SuggestSettings
    candidates: pd.DataFrame
    n_articles: int
    n_articles_matched: int
    n_units: int
    n_units_near: int
    keyness_applied: bool
    kwic: dict[str, list[KwicLine]] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# pure statistics
# ------------------------------------------------------------------------------------------------
def log_likelihood_g2(a: float, b: float, c: float, d: float) -> float:
    """Dunning's G² = 2 Σ O ln(O/E) of the 2×2 table [[a, b], [c, d]] (0 ln 0 = 0)."""
    n = a + b + c + d
    if n <= 0:
        return 0.0
    rows = (a + b, c + d)
    cols = (a + c, b + d)
    g2 = 0.0
    for obs, r, k in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        if obs > 0:
            g2 += obs * math.log(obs * n / (rows[r] * cols[k]))
    return 2.0 * g2


def pmi(joint: float, x: float, y: float, n: float) -> float:
    """log2(P(x, y) / (P(x) P(y))) from counts; -inf when ``joint`` is 0."""
    if joint <= 0:
        return -math.inf
    return math.log2(joint * n / (x * y))


# ------------------------------------------------------------------------------------------------
# what the lexicon already has
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownTerms:
    norms: frozenset[str]
    prefixes: tuple[str, ...]

    def covers(self, term: str) -> bool:
        """True when any word of ``term`` is a known norm or begins with a known prefix."""
        for word in term.split(" "):
            if word in self.norms or (self.prefixes and word.startswith(self.prefixes)):
                return True
        return False


def known_terms(lexicon: Lexicon, nlp: Language) -> KnownTerms:
    """Single-word terms, prefixes and context terms of ``lexicon`` as norms (see module docstring)."""
    norms: set[str] = set()
    prefixes: set[str] = set()
    groups = [(e.match, e.terms) for e in lexicon.entries]
    if lexicon.context is not None:
        groups.append((lexicon.context.match, lexicon.context.terms))
    rulers = [n for n in nlp.pipe_names if n.startswith("lexicon:")]
    with nlp.select_pipes(disable=rulers):
        for match, terms in groups:
            for term in terms:
                words = [w for w in term.split() if w != WILDCARD]
                if len(words) != 1 or len(term.split()) != 1:
                    continue
                word = words[0]
                if match == "prefix":
                    prefixes.add(word.lower().replace("-", ""))
                    prefixes.add(word.lower())
                elif match == "lemma":
                    for seq in _norm_sequences(nlp, word):
                        if len(seq) == 1:
                            norms.add(seq[0])
                    norms.add(word.lower())
                else:
                    norms.add(word.lower())
    return KnownTerms(frozenset(norms), tuple(sorted(prefixes)))


# ------------------------------------------------------------------------------------------------
# the corpus pass
# ------------------------------------------------------------------------------------------------
def _sentence_terms(doc, terms: list[str | None], ngram_max: int) -> list[tuple[int, int, list[str], list[tuple[str, str]]]]:
    """Per sentence: (first token, end token, distinct terms incl. n-grams, (term, surface) pairs)."""
    out = []
    for sent in doc.sents:
        seen: dict[str, None] = {}
        forms: list[tuple[str, str]] = []
        run: list[int] = []
        for i in range(sent.start, sent.end + 1):
            term = terms[i] if i < sent.end else None
            if term is None:
                if len(run) > 1 and ngram_max > 1:
                    _run_ngrams(doc, terms, run, ngram_max, seen, forms)
                run = []
                continue
            seen[term] = None
            forms.append((term, doc[i].text))
            run.append(i)
        out.append((sent.start, sent.end, list(seen), forms))
    return out


def _run_ngrams(doc, terms, run: list[int], ngram_max: int, seen: dict, forms: list) -> None:
    for n in range(2, min(ngram_max, len(run)) + 1):
        for k in range(len(run) - n + 1):
            idx = run[k : k + n]
            term = " ".join(terms[i] for i in idx)
            seen[term] = None
            forms.append((term, " ".join(doc[i].text for i in idx)))


def suggest_terms(
    articles: Sequence[Article],
    lexicon: Lexicon,
    *,
    nlp: Language | None = None,
    model: str | None = "auto",
    settings: SuggestSettings = SuggestSettings(),
    corpus_name: str = "corpus",
    progress: Callable[[int], None] | None = None,
    batch_size: int = 32,
) -> SuggestResult:
    """Candidate terms for ``lexicon`` from ``articles`` (see the module docstring).

    ``nlp``: a base pipeline (gets ``lexicon``'s ruler; default: built from ``model``).
    """
    if nlp is None:
        nlp = load_base_pipeline(model)
    add_lexicon_rulers(nlp, [lexicon])
    known = known_terms(lexicon, nlp)
    key = lexicon.spans_key
    sums = OutletTermCounts()
    units_with: Counter = Counter()
    units_near: Counter = Counter()
    near_by_cat: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, Counter] = defaultdict(Counter)
    n_units = n_units_near = 0
    matched_ids: list[int] = []
    articles = list(articles)
    for k, (article, doc) in enumerate(zip(articles, nlp.pipe((a.text for a in articles), batch_size=batch_size))):
        spans = list(doc.spans.get(key, []))
        skip = {i for s in spans for i in range(s.start, s.end)}
        terms = _terms_of(doc, skip)
        terms = [None if t is None or known.covers(t) else t for t in terms]
        counts: Counter = Counter(t for t in terms if t is not None)
        if settings.ngram_max > 1:
            run: list[str] = []
            starts = [t.is_sent_start for t in doc]
            for term, start in zip(terms, starts):
                if term is None or start:
                    if len(run) > 1:
                        _count_ngrams(counts, run, settings.ngram_max)
                    run = [] if term is None else [term]
                    continue
                run.append(term)
            if len(run) > 1:
                _count_ngrams(counts, run, settings.ngram_max)
        sums.add(MATCHED if spans else UNMATCHED, counts, count_tokens(doc))
        if spans:
            matched_ids.append(k)
        sentences = _sentence_terms(doc, terms, settings.ngram_max)
        near: dict[int, set[str]] = defaultdict(set)
        if spans:
            sent_starts = [s[0] for s in sentences]
            for span in spans:
                si = bisect.bisect_right(sent_starts, span.start) - 1
                for j in range(max(0, si - settings.window), min(len(sentences), si + settings.window + 1)):
                    near[j].add(span.label_)
        for j, (_start, _end, sent_terms, sent_forms) in enumerate(sentences):
            n_units += 1
            units_with.update(sent_terms)
            cats = near.get(j)
            if cats:
                n_units_near += 1
                units_near.update(sent_terms)
                for cat in cats:
                    near_by_cat[cat].update(sent_terms)
                for term, form in sent_forms:
                    forms[term][form] += 1
        if progress:
            progress(1)

    n_matched = len(matched_ids)
    keyness_applied = 0 < n_matched < len(articles)
    z_of: dict[str, float] = {}
    if keyness_applied:
        table = keyness_table(sums, min_count=1, prior_scale=settings.prior_scale)
        mine = table[table["outlet"] == MATCHED]
        z_of = dict(zip(mine["term"], mine["z"]))
    else:
        log.warning("lexicon suggest: %d of %d articles have a %s match; keyness (criterion a) is skipped",
                    n_matched, len(articles), lexicon.name)
    matched_counts = sums.counts.get(MATCHED, Counter())
    unmatched_counts = sums.counts.get(UNMATCHED, Counter())
    doc_freq = Counter()
    for store in sums.doc_freq.values():
        doc_freq.update(store)

    rows = []
    for term, near_n in units_near.items():
        if near_n < settings.min_count:
            continue
        with_n = units_with[term]
        a, b = near_n, with_n - near_n
        c, d = n_units_near - near_n, n_units - n_units_near - (with_n - near_n)
        score_pmi = pmi(a, with_n, n_units_near, n_units)
        if score_pmi <= 0 or score_pmi < settings.min_pmi:
            continue
        g2 = log_likelihood_g2(a, b, c, d)
        if g2 < settings.min_g2:
            continue
        z = z_of.get(term, math.nan)
        if keyness_applied and not (z >= settings.min_z):
            continue
        cats = {cat: cnt[term] for cat, cnt in near_by_cat.items() if cnt[term]}
        category = max(sorted(cats), key=lambda c_: cats[c_])
        rows.append({
            "term": _surface(term, forms.get(term, Counter())),
            "lemma": term,
            "category": category,
            "units_near": a,
            "units_with_term": with_n,
            "g2": g2,
            "pmi": score_pmi,
            "keyness_z": z,
            "count_matched": matched_counts.get(term, 0),
            "count_unmatched": unmatched_counts.get(term, 0),
            "n_articles": doc_freq.get(term, 0),
        })
    frame = pd.DataFrame(rows, columns=[c for c in CANDIDATE_COLUMNS if c not in ("rank", "kwic")])
    if not frame.empty:
        frame = frame.sort_values(["g2", "lemma"], ascending=[False, True], kind="mergesort").head(settings.top)
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    examples = _kwic_examples(frame, [articles[i] for i in matched_ids], nlp, lexicon) if not frame.empty else {}
    frame["kwic"] = [" | ".join(line.left[-KWIC_WIDTH:] + " [" + line.match + "] " + line.right[:KWIC_WIDTH]
                                for line in examples.get(t, [])) for t in frame["lemma"]] if not frame.empty else []
    return SuggestResult(lexicon, corpus_name, settings, frame, len(articles), n_matched, n_units, n_units_near,
                         keyness_applied, examples)


def _surface(term: str, forms: Counter) -> str:
    """How the candidate is written in the draft (a ``lemma`` term, so any form matches all forms).

    The most frequent written form that is the lemma itself ("Entnazifizierung"); else, for a single
    word, the lemma, capitalised when most of its occurrences are ("Wurzeln" → "Wurzel", "strebt" →
    "streben"); else the most frequent written form.
    """
    if not forms:
        return term
    same = [(n, f) for f, n in forms.items() if f.lower() == term]
    if same:
        return max(same)[1]
    if " " not in term:
        upper = sum(n for f, n in forms.items() if f[:1].isupper())
        return term[:1].upper() + term[1:] if upper * 2 > sum(forms.values()) else term
    return forms.most_common(1)[0][0]


def _kwic_examples(candidates: pd.DataFrame, articles: Sequence[Article], nlp: Language, lexicon: Lexicon) -> dict[str, list[KwicLine]]:
    """Up to three KWIC lines per candidate (from different articles first), from the matched articles.

    The candidates are compiled as one ``lemma`` entry each, exactly as the draft entry would be, so
    an example shows what the uncommented entry would count.
    """
    entries = tuple(
        Entry(f"c{k}", "candidate", (term,), "lemma", "lexicon suggest")
        for k, term in enumerate(candidates["term"])
    )
    lemma_of = {f"c{k}": lemma for k, lemma in enumerate(candidates["lemma"])}
    probe = Lexicon("suggest_probe", "0.0.0", "lexicon suggest candidates", {"candidate": Category("candidate", "candidate")},
                    entries, None, Path("<suggest>"))
    nlp.remove_pipe(ruler_name(lexicon))
    add_lexicon_rulers(nlp, [probe])
    out: dict[str, list[KwicLine]] = {lemma: [] for lemma in lemma_of.values()}
    seen: dict[str, set[str]] = defaultdict(set)
    spare: dict[str, list[KwicLine]] = defaultdict(list)
    try:
        for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
            for span in doc.spans.get(probe.spans_key, []):
                lemma = lemma_of[span.id_]
                if len(out[lemma]) >= KWIC_EXAMPLES:
                    continue
                left, right = context_window(doc.text, span.start_char, span.end_char, KWIC_WIDTH)
                line = KwicLine(article.id, article.outlet, span.start_char, span.end_char, left, span.text, right)
                if article.id in seen[lemma]:
                    spare[lemma].append(line)
                    continue
                seen[lemma].add(article.id)
                out[lemma].append(line)
            if all(len(v) >= KWIC_EXAMPLES for v in out.values()):
                break
    finally:
        nlp.remove_pipe(ruler_name(probe))
        add_lexicon_rulers(nlp, [lexicon])
    for lemma, lines in out.items():
        lines.extend(spare[lemma][: KWIC_EXAMPLES - len(lines)])
    return out


# ------------------------------------------------------------------------------------------------
# the draft file
# ------------------------------------------------------------------------------------------------
#: Characters after which no space is put between a KWIC match and its right context.
_CLOSING = frozenset(".,;:!?)]}\u201c\u201d\"'\u00bb\u00ab")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def candidate_id(term: str, taken: set[str]) -> str:
    """A valid, unused entry id for ``term`` ("Sonderoperation" → "cand_sonderoperation")."""
    base = unicodedata.normalize("NFKD", term.lower().translate(_UMLAUTS))
    base = "".join(ch for ch in base if not unicodedata.combining(ch))
    base = re.sub(r"[^a-z0-9]+", "_", base).strip("_") or "term"
    eid = f"cand_{base}"
    k = 2
    while eid in taken:
        eid = f"cand_{base}_{k}"
        k += 1
    taken.add(eid)
    return eid


def _comment(text: str) -> str:
    """One line of text safe inside a TOML comment."""
    return "".join(ch if ch == "\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def draft_text(result: SuggestResult, original: str, *, generated: str | None = None) -> str:
    """The draft: ``original`` (L's file text, unchanged) plus commented-out candidate blocks."""
    lex, s = result.lexicon, result.settings
    generated = generated or datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [original.rstrip("\n"), "", "", "# " + "=" * 98]
    lines += [
        f"# CANDIDATES from `quellenlage lexicon suggest` on {_comment(result.corpus_name)} ({generated}):",
        (f"# {result.n_articles:,} articles, {result.n_articles_matched:,} with a {lex.name} match; "
        f"{result.n_units:,} sentences, {result.n_units_near:,} of them within {s.window} sentence(s) of a match."),
        "# NOTHING BELOW IS ACTIVE: every candidate is a commented-out [[entry]] block. Review its evidence and",
        "# the keyword-in-context lines (and `quellenlage kwic TERM CORPUS` for more); to adopt one, remove the",
        "# leading '# ' of its [[entry]] lines, edit terms/category/source, raise the version above, and run",
        "# `quellenlage lexicon check` on this file.",
        "# Scores: co-occurrence with matches per sentence (G², Dunning 1993; PMI, Church & Hanks 1990);",
    ]
    if result.keyness_applied:
        lines.append("# keyness z: log-odds ratio, informative Dirichlet prior (Monroe et al. 2008), articles with vs without a match.")
    else:
        lines.append(f"# keyness: not applied ({result.n_articles_matched} of {result.n_articles} articles have a match, so there is nothing to contrast).")
    lines.append(f"# Thresholds: at least {s.min_count} sentences near a match, G² >= {s.min_g2}, PMI >= {s.min_pmi}"
                 + (f", z >= {s.min_z}." if result.keyness_applied else "."))
    if result.candidates.empty:
        lines += ["#", "# No candidate passed the thresholds; try a larger corpus, --min-count 2 or --window 1."]
    taken = {e.id for e in lex.entries}
    for row in result.candidates.itertuples(index=False):
        eid = candidate_id(row.lemma, taken)
        lines += [
            "",
            f"# ---- candidate {row.rank}: {_comment(row.term)} (lemma {_comment(row.lemma)}); co-occurs most with {row.category}",
            (f"#   co-occurrence: {row.units_near} of the {row.units_with_term} sentences with it are near a {lex.name} match"
            f" (G² = {_fmt(row.g2)}, PMI = {_fmt(row.pmi, 2)})"),
            (f"#   keyness: z = {_fmt(row.keyness_z)}; {row.count_matched} times in articles with a match, "
            f"{row.count_unmatched} in articles without; in {row.n_articles} articles"),
        ]
        examples = result.kwic.get(row.lemma, [])
        if examples:
            lines.append("#   in context:")
            for line in examples:
                sep = "" if line.right[:1] in _CLOSING else " "
                lines.append(f"#     {_comment(line.article_id)} ({_comment(line.outlet)}): "
                             f"…{_comment(line.left)} [{_comment(line.match)}]{sep}{_comment(line.right)}…")
        else:
            lines.append("#   in context: the term as written did not match in the articles with matches; check its form.")
        lines += [
            "# [[entry]]",
            f"# id = {json.dumps(eid)}",
            f"# category = {json.dumps(row.category)}",
            f"# terms = [{json.dumps(row.term, ensure_ascii=False)}]",
            '# match = "lemma"',
            f"# source = {json.dumps(f'Candidate from lexicon suggest on {result.corpus_name} ({generated}); replace with where the term comes from.', ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"


def write_draft(result: SuggestResult, path: str | Path, *, generated: str | None = None) -> Path:
    """Write the draft for ``result`` to ``path`` (a folder, or a file named ``<lexicon>.toml``).

    Refuses to overwrite the input lexicon file. The draft is a valid lexicon file as written.
    """
    lex = result.lexicon
    path = Path(path)
    if path.is_dir() or path.suffix == "":
        path = path / f"{lex.name}.toml"
    if path.name != f"{lex.name}.toml":
        raise QuellenlageError(
            f"lexicon suggest: cannot write the draft to {path}: a lexicon file must be named after its lexicon; "
            f"allowed: a folder, or a file named {lex.name}.toml (e.g. drafts/{lex.name}.toml)")
    if lex.path is not None and Path(lex.path).exists() and path.exists() and path.resolve() == Path(lex.path).resolve():
        raise QuellenlageError(
            f"lexicon suggest: {path} is the input lexicon itself; suggestions are never written into a lexicon. "
            f"Allowed: another folder, e.g. --out drafts/")
    original = Path(lex.path).read_text(encoding="utf-8")
    text = draft_text(result, original, generated=generated)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    log.info("wrote %d candidates for %s to %s", len(result.candidates), lex.name, path)
    return path
