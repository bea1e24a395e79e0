"""Article classifiers that learn outlet-level patterns without fooling their users.

What a model here is, and what it is not
----------------------------------------
Labels in corpora such as FANG-COVID are *outlet-level*: every article of an outlet carries the
outlet's rating. A model trained on them learns how the rated outlets write (their style, topics,
formulas, boilerplate), not whether an article is true. Three safeguards keep that visible:

1. **Masking** (:class:`OutletMasker`): before any text feature is built, the outlets' self-mentions
   (their names, domains and brand strings, derived from the group field and the URL hosts) and
   boilerplate (URLs, e-mail addresses, photo credits, agency bylines, copyright lines, newsletter and
   share prompts, plus lines that repeat across many articles of one training outlet) are replaced by
   placeholder tokens. Otherwise "RT DE" or a newsletter footer would be the best "feature".
2. **Outlet-disjoint evaluation** (:func:`cross_validate_by_group`): every score is computed on outlets
   the model never saw (leave one outlet out, or ``GroupKFold`` by outlet). Random article splits would
   report how well the model recognises an outlet it already knows.
3. **A model card** (:func:`model_card`) next to every saved model states the data, the features, the
   outlet-disjoint scores per outlet, the top features per class and these limitations.

The model (:func:`build_model`) is one scikit-learn ``Pipeline``: a ``ColumnTransformer`` joins
(a) TF-IDF word n-grams of the masked text and (b) the length-normalised lexicon and indicator values
that :func:`analysis.analyze` computes per article (rates per 1,000 tokens, shares, means, indices; see
:func:`indicator_columns_for`), followed by a class-weighted logistic regression (Cox 1958; scikit-learn
``LogisticRegression``). Training weights each outlet equally within its class by default
(:func:`outlet_balanced_weights`), so that a large outlet does not define its class.

Persistence uses skops (``skops.io``), which refuses to load types it does not know instead of
executing them as pickle would; see :func:`load_model`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence
from urllib.parse import urlparse

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from analysis.columns import safe_name
from analysis.stats.evidence import json_safe
from analysis.errors import QuellenlageError

log = logging.getLogger(__name__)

__all__ = [
    "ClassifierError",
    "OutletMasker",
    "IndicatorSelector",
    "indicator_columns_for",
    "outlet_terms_from",
    "article_table",
    "compute_features",
    "build_model",
    "build_baseline",
    "outlet_balanced_weights",
    "cross_validate_by_group",
    "top_features",
    "TrainedModel",
    "train_model",
    "save_model",
    "load_model",
    "predict_articles",
    "model_card",
    "masked_share_by_group",
]

TEXT_COLUMN = "text"
GROUP_COLUMN = "outlet"
URL_COLUMN = "url"
#: scikit-learn's default word pattern minus the mask tokens: a masked span leaves no feature behind
#: (otherwise "how much boilerplate an article has" would itself become an outlet-style feature).
WORD_PATTERN = r"(?u)(?<!⟨)\b\w\w+\b(?!⟩)"
MASK_TOKEN_OUTLET = "⟨outlet⟩"
MASK_TOKEN_BOILERPLATE = "⟨boilerplate⟩"
#: Version of the masking rules (patterns and their order), stored with every trained model: the rules are
#: module code, so a model trained under other rules is masked differently at prediction time and
#: :func:`add_predictions` warns. 1: self-mentions, URLs, bylines, prompts; 2 (session 5): agency credits
#: in any wording and promotional inserts in square brackets, masked before the outlet names.
MASKING_VERSION = 2
MODEL_FILE = "model.skops"
CARD_FILE = "model_card.md"
METRICS_FILE = "metrics.json"


class ClassifierError(QuellenlageError):
    """A classifier cannot be trained, saved, loaded or applied as asked."""


# --------------------------------------------------------------------------------------------------
# Masking

#: Generic boilerplate patterns (German news sites), each replaced by ⟨boilerplate⟩. Whole lines for
#: credits/bylines/prompts; spans for URLs and e-mail addresses. Order matters only for overlaps.
BOILERPLATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("url", r"(?:https?://|www\.)\S+"),
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("domain", r"\b[\w-]+(?:\.[\w-]+)*\.(?:de|com|news|net|org|info|ru|at|ch|eu|tv)\b"),
    # whole short lines (≤ 150 characters: a prompt or credit, not a paragraph that mentions Twitter)
    ("photo_credit", r"(?im)^(?=[^\n]{0,150}$)[^\n]{0,80}\b(?:Foto|Fotos|Bild|Bildquelle|Quelle|Titelbild|Symbolbild)\s*:[^\n]*$"),
    ("copyright", r"(?im)^(?=[^\n]{0,150}$)[^\n]*(?:©|\(c\)|Copyright)[^\n]*$"),
    (
        "subscribe_share",
        r"(?m)^(?=[^\n]{0,150}$)[^\n]*\b(?:Newsletter|[Aa]bonnieren|Abo\b|[Tt]eilen Sie|Jetzt spenden|[Ss]penden Sie|"
        r"[Uu]nterstützen Sie|Telegram|Twitter|Facebook|Mehr zum Thema|Kommentieren Sie|Kommentare|Anzeige|Werbung)[^\n]*$",
    ),
    ("agency_byline", r"\((?:dpa|AFP|AP|Reuters|KNA|epd|dts|sid|afp|rtr)(?:[/,][^)]{0,30})?\)"),
    # agency credits in other orders and wordings: "(rt/dpa)", "(Tsp, dpa)", "(mit dpa)", "(Quelle: dts)",
    # "(Mit Material von dts)": at most 40 characters of credit words, initials (≤ 4 letters) and separators,
    # one of them an agency; "(sagte er der dpa)" or "(AP-Bericht)" are not credits
    (
        "agency_credit",
        r"\((?=[^()\n]{1,40}\))(?=[^()\n]*?\b(?:dpa|AFP|afp|AP|Reuters|rtr|KNA|epd|dts|sid|dapd|ddp|APA|SDA)\b)"
        r"(?:(?:[Mm]it|Material|[Vv]on|[Nn]ach|Quelle|Agenturen|Nachrichtenagentur|und|[Rr]euters|deutsch|[A-Za-z]{1,4})\b"
        r"|[\s/,;:&+.-])+\)",
    ),
    # promotional inserts in square brackets ("[Wenn Sie alle aktuellen Nachrichten live auf Ihr Handy haben
    # wollen, empfehlen wir Ihnen unsere App ...]", newsletter and subscription offers); "[…]" and
    # editorial insertions in quotes ("[der Präsident]") carry no such cue and are kept
    (
        "promo_insert",
        r"\[(?=[^\[\]\n]{0,700}\])[^\[\]\n]*?(?:\w*[Nn]ewsletter\w*|\w*[Ll]iveblog\w*|\b(?:App|Apps|Handy|"
        r"herunterladen|[Aa]bonnieren|Abo|Abonnement|kostenlos\w*|Checkpoint|Podcast|Push-\w+|Plus|"
        r"empfehlen wir Ihnen|finden Sie hier)\b)[^\[\]\n]*\]",
    ),
)


def _host_terms(url: str) -> list[str]:
    """'https://www.de.rt.com/x' → ['de.rt.com', 'rt']: the host without www and its main label."""
    try:
        host = urlparse(url if "://" in url else f"http://{url}").hostname or ""
    except ValueError:
        return []
    host = host.lower().removeprefix("www.")
    if not host or "." not in host:
        return []
    labels = host.split(".")
    main = labels[-2] if len(labels) >= 2 else labels[0]
    return [host, main]


def outlet_terms_from(values: Iterable[str]) -> list[str]:
    """Self-mention strings of outlets from group-field values and URL hosts.

    For each value: the value itself; for a domain-like value ("journalistenwatch.com", "de.rt.com")
    also the host's main label ("journalistenwatch", "rt"); hyphenated values also spaced and joined
    ("contra-magazin" → "contra magazin", "contramagazin"). Returns a sorted, de-duplicated list (lower
    case) of terms of at least two characters. How each term is matched: :func:`_compile_terms`.
    """
    terms: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        v = value.strip().lower()
        cands = {v}
        if "." in v or "/" in v:
            cands.update(_host_terms(v))
        for c in list(cands):
            cands.add(c.replace("-", " "))
            cands.add(c.replace("-", ""))
        terms.update(c for c in cands if len(c) >= 2)
    return sorted(terms)


#: Outlet terms shorter than this (without a dot or space) are common words or acronyms ("zeit",
#: "welt", "bild", "rt"): matched only in capitals ("ZEIT", "RT") or with a brand suffix ("Zeit Online",
#: "RT DE", "RT Deutsch"), so that "die Zeit drängt" stays.
SHORT_TERM_CHARS = 7
_BRAND_SUFFIX = r"(?:[\s-]+(?:DE|Deutsch|Deutschland|Online|ONLINE|online|\.de|\.com))"


def _compile_terms(terms: Iterable[str]) -> re.Pattern | None:
    """One alternation over the outlet terms, longest first, each starting at a word boundary.

    Long terms (≥ :data:`SHORT_TERM_CHARS` characters, or containing a dot or space) match in any case,
    with spaces matching spaces or hyphens, and swallow a compound or inflection tail
    ("Tagesspiegel-Recherche", "Tagesspiegels"). Short terms match in capitals with an optional brand
    suffix ("ZEIT", "ZEIT ONLINE", "RT DE") or in any case with a required suffix ("Zeit Online").
    """
    terms = {t for t in terms if t}
    long_terms = sorted({t for t in terms if len(t) >= SHORT_TERM_CHARS or "." in t or " " in t}, key=len, reverse=True)
    short = sorted(terms - set(long_terms), key=len, reverse=True)
    parts = []
    if long_terms:
        alt = "|".join(re.escape(t).replace(r"\ ", r"[\s-]+") for t in long_terms)
        parts.append(rf"(?i:(?<![\w.])(?:{alt})(?:[\w-]*))")
    if short:
        upper = "|".join(re.escape(t.upper()) for t in short)
        parts.append(rf"(?<![\w.])(?:{upper}){_BRAND_SUFFIX}?(?![\w])")
        anycase = "|".join(re.escape(t) for t in short)
        parts.append(rf"(?i:(?<![\w.])(?:{anycase}){_BRAND_SUFFIX})(?![\w])")
    if not parts:
        return None
    return re.compile("|".join(parts))


_DIGITS_RE = re.compile(r"\d+")


def _line_key(line: str) -> str:
    """Normalised form of a line for repetition counting (case, digits and spacing ignored)."""
    return " ".join(_DIGITS_RE.sub("0", line.lower()).split())


class OutletMasker(TransformerMixin, BaseEstimator):
    """Replace outlets' self-mentions and boilerplate in article texts by placeholder tokens.

    Input ``X``: a DataFrame with a text column (``text_column``) and optionally the group (outlet)
    and URL columns, or a 1-D sequence of strings. Output: a 1-D object array of masked texts (for a
    vectorizer such as ``TfidfVectorizer``).

    What is masked:

    * ``outlet_terms`` (given) plus, learnt in :meth:`fit`, the terms of every training outlet
      (:func:`outlet_terms_from` over the group values and URL hosts); at transform time also the
      row's own outlet value and URL host, so an outlet unseen in training cannot name itself either.
      Replaced by ``⟨outlet⟩``.
    * ``boilerplate=True``: the generic :data:`BOILERPLATE_PATTERNS` (URLs, e-mail, domains, photo
      credits, copyright lines, agency bylines and credits like "(dpa)", "(rt/dpa)", "(Mit Material von
      dts)", newsletter/share/comment prompts, promotional inserts in square brackets).
    * Data-driven boilerplate, learnt in :meth:`fit`: a line (paragraph) of at least
      ``min_line_chars`` characters whose normalised form (case, digits, spacing ignored) occurs in at
      least ``repeat_min_share`` of one outlet's training articles and in at least
      ``repeat_min_articles`` of them. With the defaults (5 % and 5 articles) a signature that closes
      one article in twenty is masked, a quote repeated in a handful of follow-up stories is not.
      Replaced by ``⟨boilerplate⟩``.

    Fitted attributes: ``outlet_terms_`` (all terms), ``boilerplate_lines_`` (dict: normalised line →
    outlet where it repeats), ``n_features_in_``/``feature_names_in_`` when fitted on a DataFrame.
    """

    def __init__(
        self,
        outlet_terms=(),
        boilerplate=True,
        text_column="text",
        group_column="outlet",
        url_column="url",
        repeat_min_share=0.05,
        repeat_min_articles=5,
        min_line_chars=20,
    ):
        self.outlet_terms = outlet_terms
        self.boilerplate = boilerplate
        self.text_column = text_column
        self.group_column = group_column
        self.url_column = url_column
        self.repeat_min_share = repeat_min_share
        self.repeat_min_articles = repeat_min_articles
        self.min_line_chars = min_line_chars

    # -- input handling
    def _columns(self, X):
        """(texts, groups, urls) as lists; groups/urls are None when not given."""
        if isinstance(X, pd.DataFrame):
            if self.text_column not in X.columns:
                raise ClassifierError(
                    f"OutletMasker: column {self.text_column!r} not in the input; columns: {', '.join(map(str, X.columns))}"
                )
            texts = X[self.text_column].fillna("").astype(str).tolist()
            groups = X[self.group_column].fillna("").astype(str).tolist() if self.group_column in X.columns else None
            urls = X[self.url_column].fillna("").astype(str).tolist() if self.url_column in X.columns else None
            return texts, groups, urls
        if isinstance(X, str):
            raise ClassifierError("OutletMasker expects a sequence of texts or a DataFrame, not one string")
        arr = np.asarray(X, dtype=object)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            raise ClassifierError(f"OutletMasker expects a DataFrame or a 1-D sequence of texts, got shape {arr.shape}")
        return ["" if t is None else str(t) for t in arr], None, None

    def fit(self, X, y=None):
        """Learn the outlet terms of the training outlets and the lines repeating within an outlet."""
        texts, groups, urls = self._columns(X)
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
            self.n_features_in_ = len(X.columns)
        else:
            self.n_features_in_ = 1
        if not 0 < self.repeat_min_share <= 1:
            raise ClassifierError(f"repeat_min_share must be in (0, 1], got {self.repeat_min_share}")
        values = list(self.outlet_terms or [])
        if groups is not None:
            values += sorted(set(groups))
        if urls is not None:
            values += sorted({h for u in urls for h in _host_terms(u)[:1]})
        self.outlet_terms_ = outlet_terms_from(values)
        self.boilerplate_lines_ = {}
        if self.boilerplate and groups is not None:
            per_group: dict[str, Counter] = defaultdict(Counter)
            n_group: Counter = Counter(groups)
            for text, g in zip(texts, groups):
                keys = {_line_key(line) for line in text.split("\n") if len(line.strip()) >= self.min_line_chars}
                per_group[g].update(keys)
            for g, counter in sorted(per_group.items()):
                need = max(self.repeat_min_articles, math.ceil(self.repeat_min_share * n_group[g]))
                for key, n in counter.items():
                    if n >= need and key not in self.boilerplate_lines_:
                        self.boilerplate_lines_[key] = g
        return self

    def _mask_one(self, text: str, extra: re.Pattern | None, base: re.Pattern | None) -> tuple[str, int]:
        masked_chars = 0
        if self.boilerplate_lines_:
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if len(line.strip()) >= self.min_line_chars and _line_key(line) in self.boilerplate_lines_:
                    masked_chars += len(line)
                    lines[i] = MASK_TOKEN_BOILERPLATE
            text = "\n".join(lines)
        if self.boilerplate:  # inserts and credits first: an outlet name inside them would hide their cue
            for name, pattern in _BOILERPLATE_RES:
                if name in _BEFORE_OUTLET_TERMS and _PATTERN_HINTS[name] in text:
                    text, n = _sub_count(pattern, MASK_TOKEN_BOILERPLATE, text)
                    masked_chars += n
        for pattern in (base, extra):
            if pattern is not None:
                text, n = _sub_count(pattern, MASK_TOKEN_OUTLET, text)
                masked_chars += n
        if self.boilerplate:
            for name, pattern in _BOILERPLATE_RES:
                if name in _BEFORE_OUTLET_TERMS:
                    continue
                hint = _PATTERN_HINTS.get(name)
                if hint is not None and hint not in text:
                    continue  # cheap substring test first: the pattern cannot match without it
                text, n = _sub_count(pattern, MASK_TOKEN_BOILERPLATE, text)
                masked_chars += n
        return text, masked_chars

    def mask(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Masked texts and, per text, the share of its characters that were masked (0–1)."""
        check_is_fitted(self, "outlet_terms_")
        texts, groups, urls = self._columns(X)
        base = _compile_terms(self.outlet_terms_)
        out = np.empty(len(texts), dtype=object)
        share = np.zeros(len(texts), dtype=float)
        cache: dict[tuple[str, str], re.Pattern | None] = {}
        for i, text in enumerate(texts):
            own = []
            if groups is not None:
                own.append(groups[i])
            if urls is not None:
                own.extend(_host_terms(urls[i])[:1])
            key = tuple(own)
            if key not in cache:
                terms = [t for t in outlet_terms_from(own) if t not in set(self.outlet_terms_)]
                cache[key] = _compile_terms(terms)
            masked, n = self._mask_one(text, cache[key], base)
            out[i] = masked
            share[i] = min(1.0, n / len(text)) if text else 0.0
        return out, share

    def transform(self, X):
        """Masked texts as a 1-D object array."""
        return self.mask(X)[0]

    def get_feature_names_out(self, input_features=None):
        """One output: the masked text."""
        return np.asarray(["masked_text"], dtype=object)

    def __sklearn_tags__(self):
        # Like scikit-learn's own text vectorizers (CountVectorizer, HashingVectorizer): input is text,
        # so the numeric-matrix checks of the estimator suite cannot apply (see tests/test_classify.py,
        # which runs the data-independent checks and the contract checks on text).
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


#: A substring without which a boilerplate pattern cannot match (a fast pre-test).
_PATTERN_HINTS = {"email": "@", "agency_byline": "(", "agency_credit": "(", "promo_insert": "[", "photo_credit": ":", "domain": "."}
_BOILERPLATE_RES = tuple((name, re.compile(p)) for name, p in BOILERPLATE_PATTERNS)
#: Applied before the outlet terms ("[... unseren Tagesspiegel-Newslettern ...]" would otherwise lose its cue).
_BEFORE_OUTLET_TERMS = frozenset({"agency_credit", "promo_insert"})


def _sub_count(pattern: re.Pattern, token: str, text: str) -> tuple[str, int]:
    """Replace every match by ``token``; return the new text and the number of characters replaced."""
    n = 0

    def repl(m: re.Match) -> str:
        nonlocal n
        n += m.end() - m.start()
        return token

    return pattern.sub(repl, text), n


def masked_share_by_group(masker: OutletMasker, X: pd.DataFrame) -> pd.Series:
    """Share of characters masked per group (outlet): Σ masked characters / Σ characters."""
    texts, groups, _ = masker._columns(X)
    _, share = masker.mask(X)
    lengths = np.array([len(t) for t in texts], dtype=float)
    frame = pd.DataFrame({"group": groups if groups is not None else ["all"] * len(texts), "masked": share * lengths, "chars": lengths})
    sums = frame.groupby("group")[["masked", "chars"]].sum()
    return (sums["masked"] / sums["chars"].where(sums["chars"] > 0)).rename("masked_share")


# --------------------------------------------------------------------------------------------------
# Lexicon and indicator features

#: Indicator values that are already length-normalised although their names carry no rate suffix.
NORMALISED_INDICATORS = frozenset(
    {
        "readability.mean_sentence_length",
        "readability.syllables_per_word",
        "readability.flesch_amstad",
        "readability.wstf1",
        "readability.wstf2",
        "readability.wstf3",
        "readability.wstf4",
        "readability.mattr",
        "epistemic.certainty_balance",
        "subjectivity.score",
    }
)
_RATE_SUFFIXES = (".per_1000", "_per_1000", ".share", "_share", ".index", ".index_own")
#: Column prefixes never used as features: reuse depends on which other articles are in the corpus,
#: classify.* are a model's own outputs.
_EXCLUDED_PREFIXES = ("reuse.", "classify.")


def indicator_columns_for(columns: Iterable[str]) -> list[str]:
    """The length-normalised per-article columns of an ``articles`` table, in the given order.

    Kept: rates per 1,000 tokens (``*.per_1000``, ``*_per_1000``), shares (``*.share``, ``*_share``),
    two-pole indices (``*.index``, ``*.index_own``, in [-1, 1]) and the means in
    :data:`NORMALISED_INDICATORS`. Left out: raw counts (they grow with article length, so they would
    teach the model article length), ``reuse.*`` (depends on the rest of the corpus) and ``classify.*``.
    """
    return [
        str(c)
        for c in columns
        if not str(c).startswith(_EXCLUDED_PREFIXES)
        and (str(c).endswith(_RATE_SUFFIXES) or str(c) in NORMALISED_INDICATORS)
    ]


class IndicatorSelector(TransformerMixin, BaseEstimator):
    """Select numeric indicator columns and return them as a float matrix (NaN kept for an imputer).

    ``columns=None``: on a DataFrame, :func:`indicator_columns_for` its columns; on an array, all
    columns (named ``x0, x1, …``). A list selects exactly those columns (missing ones are an error).
    Fitted: ``columns_`` (the selected names), ``n_features_in_``, ``feature_names_in_`` (DataFrames).
    """

    def __init__(self, columns=None):
        self.columns = columns

    def fit(self, X, y=None):
        if isinstance(X, pd.DataFrame):
            names = [str(c) for c in X.columns]
            cols = list(self.columns) if self.columns is not None else indicator_columns_for(names)
            missing = [c for c in cols if c not in names]
            if missing:
                raise ClassifierError(f"IndicatorSelector: columns not in the input: {', '.join(missing[:10])}")
            validate_data(self, X[cols].astype(float), ensure_all_finite="allow-nan", reset=True)
            self.feature_names_in_ = np.asarray(names, dtype=object)
            self.n_features_in_ = len(names)
            self.columns_ = cols
        else:
            X = validate_data(self, X, ensure_all_finite="allow-nan", reset=True, dtype="numeric")
            if self.columns is not None:
                raise ClassifierError("IndicatorSelector: named columns need a DataFrame input")
            self.columns_ = [f"x{i}" for i in range(X.shape[1])]
        return self

    def transform(self, X):
        check_is_fitted(self, "columns_")
        if isinstance(X, pd.DataFrame):
            missing = [c for c in self.columns_ if c not in X.columns]
            if missing:
                raise ClassifierError(
                    f"IndicatorSelector: the input lacks {len(missing)} feature column(s) the model was trained "
                    f"with, e.g. {', '.join(missing[:5])}; analyse the corpus with the same lexicons"
                )
            return X[self.columns_].to_numpy(dtype=float)
        X = validate_data(self, X, ensure_all_finite="allow-nan", reset=False, dtype="numeric")
        return np.asarray(X, dtype=float)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "columns_")
        return np.asarray(self.columns_, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


# --------------------------------------------------------------------------------------------------
# Article tables and the cached analysis features


def _article_value(article, field_name: str):
    if field_name in ("id", "article_id"):
        return article.id
    if field_name in ("outlet", "date", "title", "url", "text"):
        return getattr(article, field_name)
    return article.meta.get(field_name)


def article_table(articles: Sequence, fields: Sequence[str] = ()) -> pd.DataFrame:
    """One row per article: ``article_id, outlet, date, url, text`` (title + blank line + text) and
    the requested extra ``fields`` (Article attributes or ``Article.meta`` keys, e.g. a corpus column
    ``label``). A field missing from every article is an error naming the available fields."""
    rows = []
    for a in articles:
        text = f"{a.title}\n\n{a.text}" if a.title else a.text
        rows.append({"article_id": a.id, "outlet": a.outlet, "date": a.date, "url": a.url, "text": text, "body": a.text})
    table = pd.DataFrame(rows, columns=["article_id", "outlet", "date", "url", "text", "body"])
    for name in fields:
        if name in table.columns and name not in ("text", "body"):
            continue
        values = [_article_value(a, name) for a in articles]
        if articles and all(v is None for v in values):
            available = sorted({"id", "outlet", "date", "title", "url"} | {k for a in articles for k in a.meta if k not in ("file", "line")})
            raise ClassifierError(
                f"no article has a field {name!r}; available fields: {', '.join(available)} "
                "(JSONL/CSV fields and manifest columns other than the mapped ones are kept)"
            )
        table[name] = values
    return table


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def feature_signature(lexicons, model: str | None) -> str:
    """Cache key of the analysis that produced the features: package version, model, and each lexicon's
    name, version and full content (so an edited lexicon without a version bump is not served stale
    values). Changes to the analysis code itself are not detected: clear the cache after an upgrade."""
    from analysis._version import __version__

    spec = {
        "package": __version__,
        "model": model,
        "lexicons": sorted((lex.name, lex.version, hashlib.sha1(repr(lex).encode("utf-8")).hexdigest()) for lex in lexicons),
    }
    return hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]


def compute_features(
    articles: Sequence,
    *,
    lexicons=None,
    model: str | None = "blank",
    jobs: int = 1,
    cache_dir: str | Path | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Per-article lexicon and indicator values (the numeric ``articles`` columns of
    :func:`analysis.analyze`, without text reuse), one row per article in input order.

    With ``cache_dir``, rows are stored in Parquet files keyed by the SHA-1 of the article text under
    ``cache_dir/<feature signature>/`` (signature: package version, lexicon versions, model), so an
    article is analysed once however often a benchmark or training run needs it.
    """
    from analysis.reading.corpus import Corpus
    from analysis.lexicons.model import load_lexicons
    from analysis.running.pipeline import analyze

    if lexicons is None:
        lexicons = load_lexicons(None).lexicons
    lexicons = list(getattr(lexicons, "lexicons", lexicons))
    hashes = [_text_hash(a.text) for a in articles]
    cached = pd.DataFrame()
    folder = None
    if cache_dir is not None:
        folder = Path(cache_dir) / feature_signature(lexicons, model)
        folder.mkdir(parents=True, exist_ok=True)
        parts = sorted(folder.glob("part-*.parquet"))
        if parts:
            cached = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).drop_duplicates("text_sha1")
    have = set(cached["text_sha1"]) if not cached.empty else set()
    todo, seen = [], set()
    for a, h in zip(articles, hashes):
        if h not in have and h not in seen:
            todo.append(a)
            seen.add(h)
    if progress and len(articles) - len(todo):
        progress(len(articles) - len(todo))
    frames = [cached] if not cached.empty else []
    start = len(list(folder.glob("part-*.parquet"))) if folder is not None else 0
    for k in range(0, len(todo), chunk_size):
        batch = todo[k : k + chunk_size]
        result = analyze(
            Corpus("features", list(batch), []), lexicons=lexicons, model=model, jobs=jobs, reuse=None,
            bootstrap=_NO_BOOTSTRAP, progress=progress,
        )
        table = result.articles
        numeric = table[[c for c in table.columns if c not in ("article_id", "outlet", "date", "title", "url")]]
        numeric = numeric.apply(pd.to_numeric, errors="coerce").astype(float)
        numeric.insert(0, "text_sha1", [_text_hash(a.text) for a in batch])
        if folder is not None:
            numeric.to_parquet(folder / f"part-{start + k // chunk_size:05d}.parquet", index=False)
        frames.append(numeric)
    if not frames:
        return pd.DataFrame(index=range(len(articles)))
    allrows = pd.concat(frames, ignore_index=True).drop_duplicates("text_sha1").set_index("text_sha1")
    out = allrows.reindex(hashes).reset_index(drop=True)
    return out


def _bootstrap_settings():
    from analysis.stats.aggregate import BootstrapSettings

    return BootstrapSettings(n_resamples=1)


_NO_BOOTSTRAP = _bootstrap_settings()


# --------------------------------------------------------------------------------------------------
# Models


def build_model(
    *,
    outlet_terms: Sequence[str] = (),
    indicator_columns: Sequence[str] | None = None,
    text_column: str = TEXT_COLUMN,
    group_column: str = GROUP_COLUMN,
    url_column: str = URL_COLUMN,
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int | float = 3,
    max_df: float = 0.5,
    max_features: int | None = 200_000,
    indicator_weight: float = 0.5,
    C: float = 1.0,
    random_state: int = 0,
):
    """The classifier: masked TF-IDF n-grams + indicator values → class-weighted logistic regression.

    Text block: :class:`OutletMasker` → ``TfidfVectorizer`` (word n-grams, sublinear tf, l2-normalised
    rows; terms in fewer than ``min_df`` or more than ``max_df`` of the training articles dropped).
    Indicator block (when ``indicator_columns`` is non-empty): :class:`IndicatorSelector` → median
    imputation (an index is undefined when neither pole occurs) → standardisation, scaled by
    ``indicator_weight`` so that the ~65 standardised values do not swamp the unit-length text vector.
    ``LogisticRegression(class_weight="balanced")``: classes weigh equally whatever their article counts;
    the decision is the most probable class (for two classes: p ≥ 0.5), fixed in advance, never tuned on
    test outlets.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    masker = OutletMasker(outlet_terms=tuple(outlet_terms), text_column=text_column, group_column=group_column, url_column=url_column)
    text = Pipeline(
        [
            ("mask", masker),
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=tuple(ngram_range), min_df=min_df, max_df=max_df, max_features=max_features,
                    sublinear_tf=True, lowercase=True, token_pattern=WORD_PATTERN, dtype=np.float32,
                ),
            ),
        ]
    )
    blocks = [("text", text, [text_column, group_column, url_column])]
    weights = {"text": 1.0}
    if indicator_columns:
        numeric = Pipeline(
            [
                ("select", IndicatorSelector(columns=list(indicator_columns))),
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]
        )
        blocks.append(("indicators", numeric, list(indicator_columns)))
        weights["indicators"] = indicator_weight
    features = ColumnTransformer(blocks, transformer_weights=weights, sparse_threshold=1.0)
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=random_state)
    return Pipeline([("features", features), ("clf", clf)])


def build_baseline(*, outlet_terms: Sequence[str] = (), text_column: str = TEXT_COLUMN, group_column: str = GROUP_COLUMN,
                   url_column: str = URL_COLUMN, random_state: int = 0):
    """Plain baseline: the same :class:`OutletMasker`, TF-IDF word 1–2-grams (scikit-learn defaults
    otherwise) and ``LogisticRegression(class_weight="balanced")``, no indicators, no outlet weighting."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    masker = OutletMasker(outlet_terms=tuple(outlet_terms), text_column=text_column, group_column=group_column, url_column=url_column)
    text = Pipeline([("mask", masker), ("tfidf", TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORD_PATTERN, dtype=np.float32))])
    features = ColumnTransformer([("text", text, [text_column, group_column, url_column])], sparse_threshold=1.0)
    return Pipeline([("features", features), ("clf", LogisticRegression(class_weight="balanced", max_iter=2000, random_state=random_state))])


def outlet_balanced_weights(y: Sequence, groups: Sequence) -> np.ndarray:
    """Sample weights under which every outlet weighs the same within its class and every class the same.

    w(article) = N / (K · G_c · n_g), with N articles, K classes, G_c outlets of the article's class c and
    n_g articles of its outlet g. The weights sum to N; without this, an outlet with 11,000 articles
    would define its class and the model would learn that outlet rather than the class.
    """
    y = np.asarray(y, dtype=object)
    g = np.asarray(groups, dtype=object)
    n = len(y)
    classes = sorted(set(y))
    n_group = Counter(zip(y, g))
    groups_per_class = Counter(c for c, _ in n_group)
    w = np.array([n / (len(classes) * groups_per_class[c] * n_group[(c, gg)]) for c, gg in zip(y, g)], dtype=float)
    return w


def _fit(pipeline, X, y, groups, weighting: str):
    if weighting == "outlet":
        pipeline.fit(X, y, clf__sample_weight=outlet_balanced_weights(y, groups))
    elif weighting == "none":
        pipeline.fit(X, y)
    else:
        raise ClassifierError(f"weighting must be 'outlet' or 'none', got {weighting!r}")
    return pipeline


def _scores(y_true, y_pred, groups) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    labels = sorted(set(y_true) | set(y_pred))
    per = {}
    for g in sorted(set(groups)):
        m = np.asarray(groups) == g
        per[str(g)] = round(float((y_true[m] == y_pred[m]).mean()), 4)
    return {
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "per_outlet": per,
    }


def cross_validate_by_group(
    make_model: Callable[[], object],
    X: pd.DataFrame,
    y: Sequence,
    groups: Sequence,
    *,
    cv: str | int = "logo",
    weighting: str = "outlet",
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Outlet-disjoint cross-validation: every prediction is made by a model that never saw the outlet.

    ``cv="logo"``: leave one outlet out; an int k: ``GroupKFold(k)``. A fold is skipped (and listed
    under ``skipped``) when its training part lacks a class of its test part, because such articles
    could never be classified right. Scores (:func:`_scores`) are computed on the pooled out-of-fold
    predictions: macro-F1 and accuracy over all articles, accuracy per outlet (with outlet-level labels,
    the share of the outlet's articles given its label). Returns ``{"scores", "folds", "skipped",
    "oof": DataFrame(group, y_true, y_pred, p_<class>...)}``.
    """
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

    y = np.asarray(y, dtype=object)
    groups = np.asarray(groups, dtype=object)
    classes = sorted(set(y))
    splitter = LeaveOneGroupOut() if cv == "logo" else GroupKFold(n_splits=int(cv))
    pred = np.empty(len(y), dtype=object)
    proba = np.full((len(y), len(classes)), np.nan)
    done = np.zeros(len(y), dtype=bool)
    folds, skipped = [], []
    for k, (tr, te) in enumerate(splitter.split(X, y, groups)):
        test_groups = sorted(set(groups[te]))
        missing = sorted(set(y[te]) - set(y[tr]))
        if missing:
            skipped.append({"fold": k, "test_outlets": test_groups, "reason": f"no training article of class {', '.join(missing)}"})
            continue
        model = _fit(make_model(), X.iloc[tr], y[tr], groups[tr], weighting)
        p = model.predict_proba(X.iloc[te])
        fitted = list(model.classes_)
        for j, c in enumerate(fitted):
            proba[te, classes.index(c)] = p[:, j]
        pred[te] = np.asarray(fitted, dtype=object)[p.argmax(axis=1)]
        done[te] = True
        fold = {"fold": k, "test_outlets": test_groups, "n_train": int(len(tr)), "n_test": int(len(te)),
                "accuracy": round(float((pred[te] == y[te]).mean()), 4)}
        folds.append(fold)
        if progress:
            progress(f"fold {k + 1}: test {', '.join(test_groups)} ({len(te)} articles): accuracy {fold['accuracy']:.3f}")
    if not done.any():
        return {"scores": None, "folds": folds, "skipped": skipped, "oof": pd.DataFrame(), "cv": str(cv)}
    oof = pd.DataFrame({"group": groups[done], "y_true": y[done], "y_pred": pred[done]})
    for j, c in enumerate(classes):
        oof[f"p_{c}"] = proba[done, j]
    return {"scores": _scores(y[done], pred[done], groups[done]), "folds": folds, "skipped": skipped, "oof": oof, "cv": str(cv)}


def top_features(pipeline, n: int = 15) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """Largest logistic-regression weights per class and feature block (``text``, ``indicators``).

    For two classes the model has one weight vector: positive weights speak for ``classes_[1]``,
    negative ones for ``classes_[0]`` (shown with their sign flipped). Text weights are per TF-IDF unit,
    indicator weights per standard deviation (× the block weight), so compare within a block only.
    """
    names = pipeline.named_steps["features"].get_feature_names_out()
    clf = pipeline.named_steps["clf"]
    coef = clf.coef_
    classes = [str(c) for c in clf.classes_]
    rows = [(classes[1], coef[0]), (classes[0], -coef[0])] if len(classes) == 2 else list(zip(classes, coef))
    blocks = np.array([str(nm).split("__", 1)[0] for nm in names])
    short = [str(nm).split("__", 1)[1] if "__" in str(nm) else str(nm) for nm in names]
    out: dict = {}
    for cls, w in rows:
        out[cls] = {}
        for block in sorted(set(blocks)):
            idx = np.flatnonzero(blocks == block)
            order = idx[np.argsort(-w[idx], kind="stable")][:n]
            out[cls][block] = [(short[i], round(float(w[i]), 4)) for i in order if w[i] > 0]
    return out


# --------------------------------------------------------------------------------------------------
# Training, persistence, prediction

#: Below this many labelled articles, TF-IDF keeps every term (min_df=1, max_df=1.0).
SMALL_CORPUS = 200


@dataclass
class TrainedModel:
    """A fitted pipeline with everything its model card needs (``info``, saved as metrics.json)."""

    pipeline: object
    name: str
    info: dict = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def column(self, cls: str) -> str:
        """``classify.<model>.p_<class>``: the probability column of one class."""
        return f"classify.{self.name}.p_{safe_name(cls)}"

    @property
    def label_column(self) -> str:
        return f"classify.{self.name}.label"

    def predict_table(self, table: pd.DataFrame) -> pd.DataFrame:
        """Class probabilities and the predicted label for rows of an :func:`article_table` joined with
        the indicator columns; indexed like ``table``."""
        missing = [c for c in self.info.get("indicator_columns", []) if c not in table.columns]
        if missing:
            raise ClassifierError(
                f"model {self.name!r} needs {len(missing)} indicator column(s) this corpus does not have, "
                f"e.g. {', '.join(missing[:5])}; analyse it with the lexicons the model was trained with "
                f"({', '.join(sorted(self.info.get('lexicon_versions', {})))})"
            )
        proba = self.pipeline.predict_proba(table)
        out = pd.DataFrame(index=table.index)
        for j, cls in enumerate(self.classes):
            out[self.column(cls)] = proba[:, j]
        out[self.label_column] = np.asarray(self.classes, dtype=object)[proba.argmax(axis=1)]
        return out


def _date_range(dates: Iterable[str]) -> tuple[str, str]:
    ds = sorted(d for d in dates if d)
    return (ds[0], ds[-1]) if ds else ("", "")


def train_model(
    articles: Sequence,
    *,
    label_field: str,
    group_field: str = "outlet",
    name: str = "model",
    cv: str | int = "logo",
    weighting: str = "outlet",
    use_indicators: bool = True,
    features: pd.DataFrame | None = None,
    lexicons=None,
    spacy_model: str | None = "blank",
    jobs: int = 1,
    cache_dir: str | Path | None = None,
    outlet_terms: Sequence[str] = (),
    model_params: dict | None = None,
    corpus_name: str = "",
    command: str = "",
    progress: Callable[[str], None] | None = None,
) -> TrainedModel:
    """Train the classifier on ``articles`` with labels from ``label_field`` and evaluate it by
    outlet-disjoint cross-validation over ``group_field`` (see :func:`cross_validate_by_group`).

    ``features``: precomputed indicator columns (one row per article, as :func:`compute_features`);
    otherwise they are computed (with ``cache_dir`` when given). Articles without a label are left out
    and counted. Raises :class:`ClassifierError` when fewer than two classes remain.
    """
    from analysis._version import __version__
    from analysis.lexicons.model import load_lexicons

    say = progress or (lambda _m: None)
    table = article_table(articles, [label_field, group_field])
    labelled = table[label_field].notna() & (table[label_field].astype(str).str.strip() != "")
    n_unlabelled = int((~labelled).sum())
    keep = np.flatnonzero(labelled.to_numpy())
    table = table.iloc[keep].reset_index(drop=True)
    kept_articles = [articles[i] for i in keep]
    y = table[label_field].astype(str).to_numpy(dtype=object)
    groups = table[group_field].astype(str).to_numpy(dtype=object)
    if len(set(y)) < 2:
        raise ClassifierError(
            f"field {label_field!r} has {len(set(y))} distinct value(s) in {len(y)} labelled articles; "
            "a classifier needs at least two classes"
        )
    lexicon_versions: dict = {}
    indicator_cols: list[str] = []
    if use_indicators:
        if lexicons is None:
            lexicons = load_lexicons(None).lexicons
        lexicons = list(getattr(lexicons, "lexicons", lexicons))
        lexicon_versions = {lex.name: lex.version for lex in lexicons}
        if features is None:
            say(f"analysing {len(kept_articles)} articles for the indicator features")
            features = compute_features(kept_articles, lexicons=lexicons, model=spacy_model, jobs=jobs, cache_dir=cache_dir)
        else:
            features = features.iloc[keep].reset_index(drop=True)
        indicator_cols = indicator_columns_for(features.columns)
        table = pd.concat([table, features[indicator_cols].reset_index(drop=True)], axis=1)
    params = dict(model_params or {})
    if len(y) < SMALL_CORPUS:
        # with a handful of articles a term cannot be required in 3 of them; keep every term
        params.setdefault("min_df", 1)
        params.setdefault("max_df", 1.0)

    def make():
        return build_model(outlet_terms=outlet_terms, indicator_columns=indicator_cols, **params)

    cv_result = None
    n_groups = len(set(groups))
    reason = ""
    if n_groups < 2:
        reason = f"only one {group_field} value, so no outlet-disjoint split exists"
    else:
        say(f"cross-validating ({'leave one ' + group_field + ' out' if cv == 'logo' else f'GroupKFold({cv})'} over {n_groups} groups)")
        cv_result = cross_validate_by_group(make, table, y, groups, cv=cv, weighting=weighting, progress=say)
        if cv_result["scores"] is None:
            reason = "every fold lacked a training article of its test class: " + "; ".join(
                f"{', '.join(s['test_outlets'])}: {s['reason']}" for s in cv_result["skipped"][:5]
            )
    say(f"fitting the final model on {len(y)} articles")
    pipeline = _fit(make(), table, y, groups, weighting)
    masker = pipeline.named_steps["features"].named_transformers_["text"].named_steps["mask"]
    masked = masked_share_by_group(masker, table)
    counts = pd.crosstab(table[group_field], table[label_field])
    date_min, date_max = _date_range(table["date"])
    import sklearn

    info = {
        "name": name,
        "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "command": command,
        "versions": {"quellenlage": __version__, "scikit-learn": sklearn.__version__},
        "data": {
            "corpus": corpus_name,
            "n_articles": int(len(y)),
            "n_unlabelled_left_out": n_unlabelled,
            "date_min": date_min,
            "date_max": date_max,
            "per_group_and_class": {str(g): {str(c): int(v) for c, v in row.items() if v} for g, row in counts.iterrows()},
            "per_class": {str(c): int(v) for c, v in Counter(y).items()},
        },
        "label_field": label_field,
        "group_field": group_field,
        "classes": [str(c) for c in pipeline.classes_],
        "weighting": weighting,
        "model_params": params,
        "indicator_columns": indicator_cols,
        "lexicon_versions": lexicon_versions,
        "masking_version": MASKING_VERSION,
        "spacy_model": spacy_model,
        "n_text_features": int(len(pipeline.named_steps["features"].named_transformers_["text"].named_steps["tfidf"].vocabulary_)),
        "masked_share": {str(k): round(float(v), 4) for k, v in masked.items()},
        "boilerplate_lines": int(len(masker.boilerplate_lines_)),
        "cv": None
        if cv_result is None or cv_result["scores"] is None
        else {
            "scheme": "leave one outlet out" if cv == "logo" else f"GroupKFold({cv}) by {group_field}",
            "scores": cv_result["scores"],
            "folds": cv_result["folds"],
            "skipped": cv_result["skipped"],
        },
        "cv_not_run": reason,
        "top_features": top_features(pipeline),
    }
    return TrainedModel(pipeline=pipeline, name=safe_name(name), info=info)


#: Types (besides those skops trusts by default) that a Quellenlage model file may contain.
TRUSTED_TYPES = (
    "analysis.models.classify.OutletMasker",
    "analysis.models.classify.IndicatorSelector",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.utils._bunch.Bunch",
    "builtins.slice",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "numpy.ndarray",
    "collections.defaultdict",
    "collections.OrderedDict",
)


def save_model(model: TrainedModel, model_dir: str | Path) -> dict[str, Path]:
    """Write ``model.skops``, ``metrics.json`` and ``model_card.md`` into ``model_dir``."""
    import skops.io as sio

    out = Path(model_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"model": out / MODEL_FILE, "metrics": out / METRICS_FILE, "card": out / CARD_FILE}
    sio.dump(model.pipeline, paths["model"])
    info = dict(model.info, name=model.name)
    paths["metrics"].write_text(json.dumps(json_safe(info), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n", encoding="utf-8")
    paths["card"].write_text(model_card(info), encoding="utf-8")
    return paths


def load_model(model_dir: str | Path, *, trust: bool = False) -> TrainedModel:
    """Load a model folder written by :func:`save_model`.

    The file is opened with ``skops.io``, which never runs code from the file; every type it would
    instantiate that is neither trusted by skops by default nor listed in :data:`TRUSTED_TYPES` makes
    the load fail with a :class:`ClassifierError` naming those types, unless ``trust=True`` (the CLI's
    ``--trust-model``: only for files from a source you trust).
    """
    import skops.io as sio

    folder = Path(model_dir)
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ClassifierError(f"{folder}: no {MODEL_FILE}; give a folder written by 'quellenlage train --out DIR'")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a corrupt or foreign file
        raise ClassifierError(f"{path}: not a readable skops model file ({exc})") from exc
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown and not trust:
        raise ClassifierError(
            f"{path} contains types Quellenlage does not trust: {', '.join(unknown)}. Loading them could run "
            "code from the file. If you trust where the file comes from, pass --trust-model "
            "(load_model(..., trust=True))."
        )
    pipeline = sio.load(path, trusted=sorted(set(untrusted)))
    info = {}
    metrics = folder / METRICS_FILE
    if metrics.is_file():
        info = json.loads(metrics.read_text(encoding="utf-8"))
    name = safe_name(info.get("name") or folder.name)
    return TrainedModel(pipeline=pipeline, name=name, info=info)


def predict_articles(model: TrainedModel, articles: Sequence, article_rows: pd.DataFrame) -> pd.DataFrame:
    """``article_rows`` (an ``articles`` table of :func:`analysis.analyze`) with the model's
    ``classify.<model>.p_<class>`` and ``classify.<model>.label`` columns added (matched by article_id)."""
    table = article_table(articles)
    cols = [c for c in model.info.get("indicator_columns", []) if c in article_rows.columns]
    joined = table.merge(article_rows[["article_id"] + cols], on="article_id", how="left")
    predicted = model.predict_table(joined)
    predicted.insert(0, "article_id", joined["article_id"].to_numpy())
    drop = [c for c in article_rows.columns if c.startswith(f"classify.{model.name}.")]
    return article_rows.drop(columns=drop).merge(predicted, on="article_id", how="left")


# --------------------------------------------------------------------------------------------------
# Model card


def _pct(v) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * float(v):.1f} %"


def model_card(info: dict) -> str:
    """The model card (Markdown; after Mitchell et al. 2019, "Model Cards for Model Reporting")."""
    data = info.get("data", {})
    lines = [
        f"# Model card: {info.get('name', 'model')}",
        "",
        f"Created {info.get('created', '')} with quellenlage {info.get('versions', {}).get('quellenlage', '')}, "
        f"scikit-learn {info.get('versions', {}).get('scikit-learn', '')}, masking rules {info.get('masking_version', 1)}.",
        "",
        f"Command: `{info.get('command', '')}`" if info.get("command") else "",
        "",
        "## What it predicts",
        f"The value of the corpus field `{info.get('label_field')}` ({', '.join(info.get('classes', []))}) from the "
        "masked text and the lexicon/indicator values of an article.",
        "",
        "## Limitations (read first)",
        "- If the labels are given per outlet (as in FANG-COVID, where every article of an outlet has the outlet's "
        "rating), the model learns how the labelled outlets write — topics, style, formulas — not whether an "
        "article is true. A probability says \"reads like the outlets of this class\", not \"is fake\".",
        "- Scores below come from outlets the model had not seen (outlet-disjoint cross-validation); on outlets it was "
        "trained on it will look better, and that is not evidence of anything.",
        f"- The training outlets were {len(data.get('per_group_and_class', {}))}; a class represented by few outlets "
        "is represented by those outlets' house style.",
        "- Self-mentions and boilerplate are masked (share of characters masked per outlet below), but house "
        "style that is not boilerplate (topics, recurring authors, formats) remains learnable.",
        "",
        "## Data",
        f"- Corpus: `{data.get('corpus', '')}`; {data.get('n_articles', 0):,} labelled articles"
        + (f" ({data.get('n_unlabelled_left_out')} without a label left out)" if data.get("n_unlabelled_left_out") else "")
        + f"; dates {data.get('date_min') or '?'} to {data.get('date_max') or '?'}.",
        f"- Label field `{info.get('label_field')}`, group field `{info.get('group_field')}`; training weights: "
        + ("every outlet weighs the same within its class, every class the same" if info.get("weighting") == "outlet" else "class-balanced only")
        + ".",
        "",
        f"| {info.get('group_field', 'outlet')} | " + " | ".join(info.get("classes", [])) + " | masked text |",
        "|---|" + "---:|" * (len(info.get("classes", [])) + 1),
    ]
    for g, row in data.get("per_group_and_class", {}).items():
        lines.append(f"| {g} | " + " | ".join(f"{row.get(c, 0):,}" for c in info.get("classes", [])) + f" | {_pct(info.get('masked_share', {}).get(g))} |")
    lines += [
        "",
        "## Features",
        f"- Text: masked title and text (outlet names/domains → `{MASK_TOKEN_OUTLET}`, boilerplate → "
        f"`{MASK_TOKEN_BOILERPLATE}`; {info.get('boilerplate_lines', 0)} lines learnt as repeated boilerplate), "
        f"TF-IDF word n-grams: {info.get('n_text_features', 0):,} terms.",
        f"- Indicators: {len(info.get('indicator_columns', []))} length-normalised lexicon and indicator values "
        "(rates per 1,000 tokens, shares, means, indices) from `quellenlage analyze`"
        + (f" with lexicons {', '.join(f'{k} {v}' for k, v in sorted(info.get('lexicon_versions', {}).items()))}" if info.get("lexicon_versions") else "")
        + ".",
        f"- Classifier: logistic regression, class-weighted; parameters {json.dumps(info.get('model_params', {}))}; "
        "decision: the most probable class (threshold fixed at 0.5 for two classes, not tuned).",
        "",
        "## Outlet-disjoint cross-validation",
    ]
    cv = info.get("cv")
    if not cv:
        lines.append(f"Not run: {info.get('cv_not_run') or 'no groups'}. There is no estimate of how the model does on new outlets.")
    else:
        s = cv["scores"]
        lines += [
            f"{cv['scheme']}: macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f} on the pooled out-of-fold predictions.",
            "",
            f"| held-out {info.get('group_field', 'outlet')} | articles | accuracy |",
            "|---|---:|---:|",
        ]
        n_test = {o: f["n_test"] for f in cv["folds"] for o in f["test_outlets"]} if cv["folds"] and all(len(f["test_outlets"]) == 1 for f in cv["folds"]) else {}
        for g, acc in s["per_outlet"].items():
            lines.append(f"| {g} | {n_test.get(g, '')} | {acc:.3f} |")
        for sk in cv.get("skipped", []):
            lines.append(f"\nSkipped fold {', '.join(sk['test_outlets'])}: {sk['reason']}.")
    lines += ["", "## Top features per class", "Text weights are per TF-IDF unit, indicator weights per standard deviation; compare within a block."]
    for cls, blocks in info.get("top_features", {}).items():
        lines.append(f"\n### {cls}")
        for block, feats in blocks.items():
            shown = ", ".join(f"`{f}` ({w:+.3f})" for f, w in feats) or "–"
            lines.append(f"- {block}: {shown}")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def add_predictions(result, articles: Sequence, model: TrainedModel) -> list[str]:
    """Add the model's ``classify.<model>.*`` columns to ``result.articles`` (an
    :class:`analysis.AnalysisResult`) and a summary (model name, classes, label field, CV scores,
    limitations) under ``result.run_info["classify"][<model>]``, which run.json and the report page
    use. Returns warnings, e.g. lexicon versions that differ from the model's training run."""
    warnings = []
    trained = model.info.get("lexicon_versions", {})
    now = {lex.name: lex.version for lex in getattr(result, "lexicons", [])}
    for name, version in sorted(trained.items()):
        if name in now and now[name] != version:
            warnings.append(f"lexicon {name} is version {now[name]} here but {version} in the model's training data")
    trained_masking = model.info.get("masking_version", 1)  # models saved before the field existed: rules 1
    if trained_masking != MASKING_VERSION:
        warnings.append(
            f"the model was trained with masking rules {trained_masking}, this Quellenlage masks with rules "
            f"{MASKING_VERSION} (see analysis.models.classify.MASKING_VERSION); retrain it for predictions on equal terms"
        )
    result.articles = predict_articles(model, articles, result.articles)
    info = model.info
    result.run_info.setdefault("classify", {})[model.name] = {
        "classes": model.classes,
        "label_field": info.get("label_field"),
        "group_field": info.get("group_field"),
        "training_corpus": info.get("data", {}).get("corpus"),
        "training_outlets": sorted(info.get("data", {}).get("per_group_and_class", {})),
        "training_per_class": info.get("data", {}).get("per_class", {}),
        "cv": info.get("cv"),
        "cv_not_run": info.get("cv_not_run", ""),
        "columns": [model.column(c) for c in model.classes] + [model.label_column],
        "warnings": warnings,
    }
    return warnings
