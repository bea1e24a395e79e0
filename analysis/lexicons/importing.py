"""Import third-party German polarity lexicons (SentiWS, Rauh) from a path the user gives.

Neither lexicon is shipped with Quellenlage (SentiWS is CC BY-NC-SA 3.0; Rauh's dictionary comes
from Harvard Dataverse). Users download the original files themselves and either

* convert them into a project lexicon (``quellenlage lexicon import sentiws PATH --out FILE.toml``;
  :func:`run_import`), written to a path they choose; it then behaves like any lexicon
  (``sentiws.positive``, ``sentiws.negative`` columns and evidence), or
* score articles in memory (:class:`PolarityLexicon`, used by
  :func:`analysis.measures.indicators.measure_tone`) for the ``tone.*`` columns: positive and negative
  words per 1,000 tokens, polarity, summed weights.

Formats read (the originals, unchanged)
---------------------------------------
**SentiWS v2.0** (Remus, Quasthoff & Heyer 2010): a folder with ``SentiWS_v*_Positive.txt`` and
``SentiWS_v*_Negative.txt`` (or one of the files); lines ``Lemma|POS<TAB>weight<TAB>form,form,…``
(weights in [−1, 1]; the positive file has a byte-order mark, both have CRLF line ends). Every
inflected form gets its lemma's weight. Matching is case-sensitive, as German spelling
distinguishes nouns ("Arm", neutral) from adjectives ("arm", negative); a sentence-initial token is
also looked up in lower case. A form listed under several lemmas gets the mean weight.

**Rauh (2018)**: ``rauh_sentiment_dictionary.csv`` (``feature,sentiment``; features are
lower-case word forms padded with spaces, sentiment ±1), optionally with
``rauh_sentiment_dictionary_negation.csv`` next to it, whose patterns
``(nicht|nichts|kein|keine|keinen) <feature>`` give the negators. Matching is on the lower-cased
token, as in Rauh's own space-joined, lower-cased token strings.

Negation (both): a polar word directly preceded by a negator (Rauh's list: nicht, nichts, kein,
keine, keinen; for SentiWS the same list) counts for the opposite pole with the opposite weight,
as Rauh's negation patterns do ("nicht gut" is negative).

Every problem (missing file, wrong format, bad weight) raises :class:`~analysis.errors.LexiconError`
naming the file, the line and what is allowed; nothing is skipped silently.

References
----------
* Remus, R., Quasthoff, U. & Heyer, G. (2010). SentiWS – a publicly available German-language
  resource for sentiment analysis. LREC.
* Rauh, C. (2018). Validating a sentiment dictionary for German political language: a workbench
  note. Journal of Information Technology & Politics 15(4), 319–343.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from spacy.tokens import Doc

from analysis.errors import LexiconError
from analysis.lexicons.model import Category, Entry, Lexicon
from analysis.reading.textfile import read_utf8_text

log = logging.getLogger(__name__)

#: Negators of Rauh's negation patterns; used for SentiWS as well.
DEFAULT_NEGATORS = frozenset({"nicht", "nichts", "kein", "keine", "keinen"})

IMPORT_KINDS = ("sentiws", "rauh")

SOURCES = {
    "sentiws": (
        "SentiWS v2.0, Remus, Quasthoff & Heyer (2010), Universität Leipzig; CC BY-NC-SA 3.0 "
        "(non-commercial, attribution, share-alike): do not redistribute the converted file"
    ),
    "rauh": (
        "Rauh (2018), German political sentiment dictionary, JITP 15(4); Harvard Dataverse "
        "doi:10.7910/DVN/BKBXWD"
    ),
}


@dataclass(frozen=True)
class PolarityHit:
    """One polar token of an article; ``weight`` already has the sign after negation."""

    start_char: int
    end_char: int
    text: str
    weight: float
    entry_id: str
    negated: bool = False


@dataclass
class PolarityLexicon:
    """An imported polarity lexicon: word form → weight, with the lemma each form belongs to.

    ``case_sensitive``: forms are looked up as written (SentiWS) or lower-cased (Rauh).
    """

    name: str
    source: str
    path: Path
    weights: dict[str, float]
    lemma_of: dict[str, str]
    case_sensitive: bool
    negators: frozenset[str] = DEFAULT_NEGATORS
    pos_of: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def n_positive(self) -> int:
        return sum(1 for w in self.weights.values() if w > 0)

    @property
    def n_negative(self) -> int:
        return sum(1 for w in self.weights.values() if w < 0)

    def lookup(self, text: str, *, sentence_start: bool = False) -> tuple[float, str] | None:
        """(weight, lemma) of a word form, or ``None``."""
        if self.case_sensitive:
            key = text if text in self.weights else None
            if key is None and (sentence_start or text.isupper()):
                for variant in (text.lower(), text[:1] + text[1:].lower()):
                    if variant in self.weights:
                        key = variant
                        break
        else:
            key = text.lower() if text.lower() in self.weights else None
        if key is None:
            return None
        return self.weights[key], self.lemma_of.get(key, key)

    def match(self, doc: Doc) -> list[PolarityHit]:
        """Every polar token of ``doc`` (negation applied), in text order."""
        hits: list[PolarityHit] = []
        previous_word = None
        sentence_start = True
        for token in doc:
            if token.is_space:
                if "\n" in token.text:
                    sentence_start = True
                continue
            if token.is_punct:
                previous_word = None  # "nicht, gut": the comma ends the negation's scope
                if token.is_sent_end or token.text in ".!?:":
                    sentence_start = True
                continue
            if token.is_sent_start:
                sentence_start = True
            found = self.lookup(token.text, sentence_start=sentence_start)
            if found is not None:
                weight, lemma = found
                negated = previous_word is not None and previous_word in self.negators
                hits.append(
                    PolarityHit(
                        token.idx,
                        token.idx + len(token.text),
                        token.text,
                        -weight if negated else weight,
                        _entry_slug(lemma),
                        negated,
                    )
                )
            previous_word = token.lower_
            sentence_start = False
        return hits

    def to_lexicon(self, name: str | None = None, version: str = "1.0.0") -> Lexicon:
        """The project lexicon: categories ``positive``/``negative``, every term in ``lemma`` mode.

        ``lemma`` mode is the only one the lexicon engine matches with spaCy's PhraseMatcher; tens of
        thousands of ``orth``/``lower`` token patterns were measured 50x slower (2 s per article). Each
        word form is a term, so a form matches even where the lemmatizer does not reduce it to the
        source's lemma, and its inflections match too. SentiWS: one entry per lemma and pole (its
        forms as terms, the weight in ``note``). Rauh (no lemmas): one entry per pole and initial
        letter (``pos_a``, ``neg_b`` …); evidence shows the matched word. Weights and negation are not
        part of the schema: the converted lexicon counts words ("nicht gut" counts as positive);
        the in-memory scorer (:meth:`match`) applies negation and weights.
        """
        name = name or self.name
        groups: dict[tuple[str, str], list[str]] = {}
        weights: dict[tuple[str, str], list[float]] = {}
        for form, weight in self.weights.items():
            if weight == 0:
                continue
            pole = "positive" if weight > 0 else "negative"
            group = self.lemma_of.get(form, form) if self.lemma_of else _initial(form)
            key = (pole, group)
            groups.setdefault(key, []).append(form)
            weights.setdefault(key, []).append(weight)
        entries: list[Entry] = []
        used: set[str] = set()
        for (pole, group), forms in sorted(groups.items(), key=lambda kv: (kv[0][0] != "positive", kv[0][1].lower(), kv[0][1])):
            base = f"{pole[:3]}_{_entry_slug(group)}"
            entry_id = base
            n = 1
            while entry_id in used:
                n += 1
                entry_id = f"{base}_{n}"
            used.add(entry_id)
            seen: set[str] = set()
            terms = [
                t
                for t in sorted(set(forms), key=lambda f: (f != group, f.lower(), f))
                if not (t.lower() in seen or seen.add(t.lower()))
            ]
            if self.lemma_of:
                pos = self.pos_of.get(group, "")
                w = weights[(pole, group)]
                note = f"weight {sum(w) / len(w):+.4f}" + (f", POS {pos}" if pos else "")
            else:
                note = f"{len(terms)} word forms starting with '{group}'"
            entries.append(Entry(id=entry_id, category=pole, terms=tuple(terms), match="lemma", source=self.source.split(";")[0], note=note))
        if not entries:
            raise LexiconError(f"{self.path}: no polar entries to convert")
        categories = {
            "positive": Category("positive", f"Positive words of {self.name} (weight > 0)."),
            "negative": Category("negative", f"Negative words of {self.name} (weight < 0)."),
        }
        description = (
            f"{self.name} polarity lexicon imported from {self.path.name}: {self.n_positive} positive and "
            f"{self.n_negative} negative word forms. Source: {self.source}."
        )
        return Lexicon(name, version, description, categories, tuple(entries), None, None, None)


def _initial(form: str) -> str:
    first = form[:1].lower()
    return first if first.isalpha() else "other"


_SLUG_TABLE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def _entry_slug(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_SLUG_TABLE)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode("ascii").lower()).strip("_")
    if not slug:
        return "term"
    return slug if slug[0].isalpha() else f"w_{slug}"


# --------------------------------------------------------------------------- readers


def _read_lines(path: Path) -> list[str]:
    return read_utf8_text(path, LexiconError, "lexicon source", "The original files are UTF-8").splitlines()


def _sentiws_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if re.match(r"SentiWS_v[\d.]+_(Positive|Negative)\.txt$", p.name, re.I))
        if not files:
            raise LexiconError(
                f"{path}: no SentiWS files found; expected SentiWS_v2.0_Positive.txt and SentiWS_v2.0_Negative.txt "
                "(from the SentiWS download of Universität Leipzig)"
            )
        return files
    if path.is_file():
        return [path]
    raise LexiconError(f"{path} does not exist; give the SentiWS folder or one of its .txt files")


def read_sentiws(path: str | Path) -> PolarityLexicon:
    """Read SentiWS (a folder with the Positive and Negative files, or one file)."""
    files = _sentiws_files(Path(path))
    sums: dict[str, list[float]] = {}
    lemma_of: dict[str, str] = {}
    pos_of: dict[str, str] = {}
    for file in files:
        for number, line in enumerate(_read_lines(file), start=1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) not in (2, 3) or "|" not in parts[0]:
                raise LexiconError(
                    f"{file}:{number}: not a SentiWS line {line[:60]!r}; allowed: 'Lemma|POS<TAB>weight<TAB>form,form,...'"
                )
            lemma, pos = parts[0].split("|", 1)
            try:
                weight = float(parts[1])
            except ValueError:
                raise LexiconError(f"{file}:{number}: weight {parts[1]!r} is not a number; allowed: a number in [-1, 1]") from None
            if not -1.0 <= weight <= 1.0:
                raise LexiconError(f"{file}:{number}: weight {weight} outside [-1, 1]")
            forms = [lemma] + [f.strip() for f in (parts[2].split(",") if len(parts) == 3 else []) if f.strip()]
            pos_of.setdefault(lemma, pos.strip())
            for form in dict.fromkeys(forms):
                sums.setdefault(form, []).append(weight)
                lemma_of.setdefault(form, lemma)
    weights = {form: sum(ws) / len(ws) for form, ws in sums.items()}
    if not weights:
        raise LexiconError(f"{path}: SentiWS files contain no entries")
    log.info("SentiWS: %d word forms from %s", len(weights), ", ".join(f.name for f in files))
    return PolarityLexicon("sentiws", SOURCES["sentiws"], Path(path), weights, lemma_of, True, DEFAULT_NEGATORS, pos_of)


def _rauh_files(path: Path) -> tuple[Path, Path | None]:
    path = Path(path)
    if path.is_dir():
        main = path / "rauh_sentiment_dictionary.csv"
        if not main.is_file():
            raise LexiconError(f"{path}: rauh_sentiment_dictionary.csv not found; give the Rauh folder or the CSV file")
        negation = path / "rauh_sentiment_dictionary_negation.csv"
        return main, negation if negation.is_file() else None
    if path.is_file():
        negation = path.with_name("rauh_sentiment_dictionary_negation.csv")
        return path, negation if negation.is_file() and negation != path else None
    raise LexiconError(f"{path} does not exist; give the Rauh folder or rauh_sentiment_dictionary.csv")


_NEGATION_PATTERN = re.compile(r"^\s*\(([^)]*)\)\s")


def read_rauh(path: str | Path) -> PolarityLexicon:
    """Read Rauh's dictionary (``feature,sentiment``) and, if present, its negation patterns."""
    main, negation_file = _rauh_files(Path(path))
    lines = _read_lines(main)
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:2]] != ["feature", "sentiment"]:
        raise LexiconError(f"{main}:1: header {header!r}; allowed: 'feature,sentiment' (Rauh's dictionary as CSV)")
    weights: dict[str, float] = {}
    for number, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise LexiconError(f"{main}:{number}: expected 'feature,sentiment', got {row!r}")
        feature = " ".join(row[0].split()).lower()
        try:
            value = float(row[1])
        except ValueError:
            raise LexiconError(f"{main}:{number}: sentiment {row[1]!r} is not a number; allowed: 1 or -1") from None
        if not feature or value not in (1.0, -1.0):
            raise LexiconError(f"{main}:{number}: feature {row[0]!r} with sentiment {row[1]!r}; allowed: a word and 1 or -1")
        if " " in feature:
            raise LexiconError(f"{main}:{number}: multi-word feature {feature!r}; this importer reads single words")
        if feature in weights and weights[feature] != value:
            raise LexiconError(f"{main}:{number}: feature {feature!r} is listed as both positive and negative")
        weights[feature] = value
    if not weights:
        raise LexiconError(f"{main}: no entries")
    negators = DEFAULT_NEGATORS
    if negation_file is not None:
        found: set[str] = set()
        for line in _read_lines(negation_file)[1:50]:
            m = _NEGATION_PATTERN.match(line)
            if m:
                found.update(w.strip() for w in m.group(1).split("|") if w.strip())
        if found:
            negators = frozenset(found)
    log.info("Rauh: %d word forms from %s (negators: %s)", len(weights), main.name, ", ".join(sorted(negators)))
    return PolarityLexicon("rauh", SOURCES["rauh"], Path(path), weights, {}, False, negators)


def read_polarity_lexicon(kind: str, path: str | Path) -> PolarityLexicon:
    """``kind`` is ``sentiws`` or ``rauh``."""
    if kind == "sentiws":
        return read_sentiws(path)
    if kind == "rauh":
        return read_rauh(path)
    raise LexiconError(f"unknown lexicon kind {kind!r}; allowed: {', '.join(IMPORT_KINDS)}")


def run_import(kind: str, source: str | Path, out: str | Path, *, name: str | None = None, version: str = "1.0.0") -> Path:
    """Convert the original files at ``source`` into a project lexicon TOML at ``out``.

    ``out`` is a ``.toml`` file (its stem becomes the lexicon name, e.g. ``my-lexicons/sentiws.toml``)
    or a folder (``<folder>/<kind>.toml``); missing folders are created. Returns the path written. The file is for the user's own
    lexicon folder; never add it to the shipped ``lexicons/`` (licence, see :data:`SOURCES`).
    """
    from analysis.lexicons.formats import write_toml

    polarity = read_polarity_lexicon(kind, source)
    out = Path(out)
    lexicon_name = name or (out.stem if out.suffix == ".toml" else kind)
    if not re.match(r"^[a-z][a-z0-9_]*$", lexicon_name):
        raise LexiconError(
            f"cannot write {out}: the file name stem {lexicon_name!r} becomes the lexicon name and must match "
            "[a-z][a-z0-9_]* (e.g. sentiws.toml)"
        )
    if out.suffix == ".toml":
        out.parent.mkdir(parents=True, exist_ok=True)
    else:
        out.mkdir(parents=True, exist_ok=True)
    return write_toml(polarity.to_lexicon(lexicon_name, version), out)


def describe_import(lexicon: PolarityLexicon) -> dict:
    """Plain-data description for ``run.json`` (which lexicon produced the tone columns)."""
    return {
        "name": lexicon.name,
        "path": str(lexicon.path),
        "source": lexicon.source,
        "word_forms": len(lexicon),
        "positive": lexicon.n_positive,
        "negative": lexicon.n_negative,
        "negators": sorted(lexicon.negators),
        "case_sensitive": lexicon.case_sensitive,
    }
