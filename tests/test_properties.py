"""Property-based tests (Hypothesis) of the readers, the lexicon loader, the matchers, the index and
rate math, the bootstrap and text reuse.

Profiles are registered in ``tests/conftest.py``: ``ci`` (default, ~30 examples per property) and
``long`` (500): ``pytest tests/test_properties.py --hypothesis-profile=long`` or
``HYPOTHESIS_PROFILE=long``. Example sizes are kept small so the file runs in well under a minute.
"""

from __future__ import annotations

import copy
import csv
import functools
import gzip
import hashlib
import io
import json
import math
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis.measures import reuse
from analysis.stats.aggregate import (  # noqa: E402
    BootstrapSettings,
    MeanMeasure,
    RatioMeasure,
    aggregate_outlets,
    bootstrap_intervals,
    bootstrap_ratio_cis,
    compile_ratio_measures,
    ratio,
    ratio_statistic,
)
from analysis.reading.corpus import REJECTED, Article, CorpusIssue, iter_corpus, read_corpus  # noqa: E402
from analysis.errors import LexiconError  # noqa: E402
from analysis.measures.framing import pole_index, rate_per_1000  # noqa: E402
from analysis.lexicons.model import add_lexicon_rulers, load_lexicon, parse_lexicon, term_self_check  # noqa: E402
from analysis.lexicons.formats import toml_text  # noqa: E402

# ============================================================================================ helpers

WORDS = [
    "Krieg", "Ukraine", "Kreml", "Spezialoperation", "Angriff", "Bundesregierung", "Waffenruhe",
    "Größe", "Außenminister", "Brüssel", "Friedenstruppe", "über", "für", "die", "der", "und",
    "sagte", "äußerte", "heißt", "Öl", "Übergang", "Straße", "müssen", "Peskow", "Selenskyj",
]
QUOTES = [("„", "“"), ("»", "«"), ('"', '"'), ("‚", "‘")]


@st.composite
def german_text(draw, max_words: int = 12) -> str:
    """German-ish text: words with umlauts and ß, quotes „…“ »…«, punctuation, line breaks."""
    parts = []
    for _ in range(draw(st.integers(1, max_words))):
        word = draw(st.sampled_from(WORDS))
        kind = draw(st.integers(0, 9))
        if kind == 0:
            left, right = draw(st.sampled_from(QUOTES))
            word = f"{left}{word}{right}"
        elif kind == 1:
            word += draw(st.sampled_from([".", ",", "!", "?", ":"]))
        elif kind == 2:
            word = unicodedata.normalize("NFD", word)  # decomposed umlauts: the reader NFC-normalises
        parts.append(word)
        parts.append(draw(st.sampled_from([" ", " ", " ", "\n", "\n\n", "\r\n", "\t"])))
    return "".join(parts)


#: text values: German-ish text, empty, whitespace-only, or from a tiny pool (duplicate texts)
TEXTS = st.one_of(
    german_text(),
    st.sampled_from(["", "   ", " \t \n ", "Der Kreml schweigt.", "Der  Kreml\nschweigt.  "]),
)
OUTLETS = st.sampled_from(["dpa", "Spiegel", "taz", " Die Zeit ", "", "   "])
IDS = st.one_of(st.sampled_from(["a1", "a2", " b ", "Ä-3"]), st.integers(0, 3))
DATES = st.sampled_from(["2024-02-24", "24.02.2024", "2024-02-24T10:00:00Z", "gestern", "", "2024-02-30"])


@st.composite
def records(draw) -> dict:
    """A record with randomly missing fields."""
    record: dict = {}
    for key, values in (("id", IDS), ("text", TEXTS), ("outlet", OUTLETS), ("date", DATES), ("title", TEXTS)):
        if draw(st.integers(0, 4)):  # each field missing with probability 1/5
            record[key] = draw(values)
    return record


def _normalised_text(value: str) -> str:
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).rstrip()


def _sha1_id(outlet: str, text: str) -> str:
    return hashlib.sha1(f"{outlet}\n{text}".encode("utf-8")).hexdigest()[:16]


def _check_accounting(items, expected: dict, file_key) -> dict:
    """Every expected input (key → source record or None) is either one Article or one rejected issue,
    never both and never neither; nothing else is analysed or rejected. Returns key → Article."""
    articles = [x for x in items if isinstance(x, Article)]
    issues = [x for x in items if isinstance(x, CorpusIssue)]
    assert len(articles) + len(issues) == len(items)
    analysed: dict = {}
    for article in articles:
        key = file_key(article.meta["file"], article.meta["line"])
        assert key not in analysed, f"{key} analysed twice"
        analysed[key] = article
    rejected: dict = {}
    for issue in issues:
        assert issue.severity in (REJECTED, "warning")
        if issue.severity == REJECTED:
            key = file_key(issue.file, issue.line)
            assert key not in rejected, f"{key} rejected twice: {rejected[key].reason} / {issue.reason}"
            rejected[key] = issue
    assert not set(analysed) & set(rejected), f"analysed and rejected: {set(analysed) & set(rejected)}"
    assert set(analysed) | set(rejected) == set(expected), (
        f"unaccounted: {set(expected) - set(analysed) - set(rejected)}; "
        f"unexpected: {(set(analysed) | set(rejected)) - set(expected)}"
    )
    assert len({a.id for a in articles}) == len(articles), "duplicate ids were analysed"
    return analysed


def _check_records(analysed: dict, expected: dict) -> None:
    """Analysed records keep their normalised text; ids follow the documented rule."""
    for key, article in analysed.items():
        record = expected[key]
        assert record is not None
        raw_text = record.get("text")
        assert isinstance(raw_text, str)
        assert article.text == _normalised_text(raw_text)
        assert article.text.strip() and article.outlet
        raw_id = record.get("id")
        if raw_id is None or str(raw_id).strip() == "":
            assert article.id == _sha1_id(article.outlet, article.text)
        else:
            assert article.id == str(raw_id).strip()


# ============================================================================================ 1. readers

JSONL_BROKEN = [
    b'{"id": "x", "text": "abgebrochen\n',
    b"{text: 'kein JSON'}\n",
    b"[1, 2, 3]\n",
    b'"nur ein String"\n',
    b'{"id": "nb", "text": "M\xfcller sagte", "outlet": "dpa"}\n',  # Latin-1 ü: not UTF-8
    b"\xff\xfe{}\n",
    b'{"text": ["eine", "Liste"], "outlet": "dpa"}\n',
    b'{"text": "Text", "outlet": "dpa", "id": {"a": 1}}\n',
]
BLANK_LINES = [b"\n", b"   \n", b"\t\n"]


@st.composite
def jsonl_lines(draw):
    """(line bytes, record or None for a broken line, is_blank) triples."""
    out = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.integers(0, 9))
        if kind <= 6:
            record = draw(records())
            data = json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8") + b"\n"
            out.append((data, record, False))
        elif kind <= 8:
            out.append((draw(st.sampled_from(JSONL_BROKEN)), None, False))
        else:
            out.append((draw(st.sampled_from(BLANK_LINES)), None, True))
    return out


def _jsonl_expectation(lines) -> dict:
    return {number: record for number, (_, record, blank) in enumerate(lines, start=1) if not blank}


@given(lines=jsonl_lines(), compress=st.booleans(), crlf=st.booleans())
def test_jsonl_every_line_is_analysed_or_rejected(lines, compress, crlf):
    payload = b"".join(data for data, _, _ in lines)
    if crlf:
        payload = payload.replace(b"\n", b"\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("corpus.jsonl.gz" if compress else "corpus.jsonl")
        path.write_bytes(gzip.compress(payload) if compress else payload)
        first = list(iter_corpus(path))
        second = read_corpus(path)
    expected = _jsonl_expectation(lines)
    for item in first:
        assert item.file == str(path) if isinstance(item, CorpusIssue) else item.meta["file"] == str(path)
    analysed = _check_accounting(first, expected, lambda file, line: line)
    _check_records(analysed, expected)
    # stable across reads
    assert [a for a in first if isinstance(a, Article)] == second.articles
    assert [a.id for a in second.articles] == [a.id for a in first if isinstance(a, Article)]
    assert [i for i in first if isinstance(i, CorpusIssue)] == second.issues


@st.composite
def csv_rows(draw):
    """(rows of values or raw bytes, record or None, is_blank) and the delimiter."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = ["id", "text", "outlet", "date", "title"]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind <= 6:
            record = {k: ("" if v is None else str(v)) for k, v in draw(records()).items()}
            values = [record.get(k, "") for k in header]
            if draw(st.integers(0, 5)) == 0:  # a short row: the missing fields count as empty
                values = values[: draw(st.integers(2, 4))]
            record = dict(zip(header, values))
            if not any(v.strip() for v in values):
                rows.append((values, None, True))  # an all-empty row is a blank line
            else:
                rows.append((values, record, False))
        elif kind == 7:
            # too many fields
            rows.append((["x", "Text", "dpa", "", "", "überzählig"], None, False))
        elif kind == 8:
            rows.append((b'nb' + delimiter.encode() + b'"M\xfcller sagte"' + delimiter.encode() + b"dpa\n", None, False))
        else:
            rows.append(([], None, True))
    return delimiter, header, rows


@given(spec=csv_rows(), compress=st.booleans())
def test_csv_every_record_is_analysed_or_rejected(spec, compress):
    delimiter, header, rows = spec
    buffer = io.BytesIO()
    buffer.write(delimiter.join(header).encode("utf-8") + b"\n")
    line = 2
    expected: dict = {}
    for values, record, blank in rows:
        if isinstance(values, bytes):
            data = values
        elif not values:
            data = b"\n"
        else:
            out = io.StringIO()
            csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(values)
            data = out.getvalue().encode("utf-8")
        if not blank:
            expected[line] = record
        buffer.write(data)
        line += data.count(b"\n")
    payload = buffer.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("corpus.csv.gz" if compress else "corpus.csv")
        path.write_bytes(gzip.compress(payload) if compress else payload)
        first = list(iter_corpus(path))
        second = read_corpus(path)
    analysed = _check_accounting(first, expected, lambda file, line: line)
    _check_records(analysed, expected)
    assert [a for a in first if isinstance(a, Article)] == second.articles
    assert [i for i in first if isinstance(i, CorpusIssue)] == second.issues


TXT_BODIES = st.one_of(
    german_text().map(lambda t: t.encode("utf-8")),
    german_text().map(lambda t: ("date 2024-02-24 " + t).encode("utf-8")),
    st.sampled_from([b"", b"   \n\t", b"date 2024-02-24\n", "Der Kreml schweigt.".encode(), b"M\xfcller sagte",
                     b"\x00\x01binary", "\ufeffMit BOM: Größe".encode("utf-8"), "Größe".encode("utf-16")]),
)


@st.composite
def txt_folders(draw):
    """Files {relative path: bytes} (in outlet subfolders or at the top) and manifest rows."""
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(0, 7))):
        folder = draw(st.sampled_from(["", "dpa/", "spiegel/", "taz/2024/"]))
        stem = draw(st.sampled_from(["0001", "0002", "müller", "Bericht", "a b"]))
        files[f"{folder}{stem}.txt"] = draw(TXT_BODIES)
    manifest = None
    if draw(st.booleans()):
        manifest = []
        for rel in sorted(files):
            if draw(st.booleans()):
                manifest.append([rel, draw(OUTLETS).strip(), draw(DATES), draw(st.sampled_from(["", "Titel „A“"]))])
        if draw(st.booleans()):
            manifest.append(["fehlt/nicht-da.txt", "dpa", "", ""])  # names a missing file: rejected
    return files, manifest


@given(spec=txt_folders())
def test_txt_folder_every_file_is_analysed_or_rejected(spec):
    files, manifest = spec
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "korpus"
        root.mkdir()
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        expected: dict = {(f"korpus/{rel}", None): rel for rel in files}
        if manifest is not None:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["file", "outlet", "date", "title"])
            for number, row in enumerate(manifest, start=2):
                writer.writerow(row)
                if row[0] not in files:
                    expected[("korpus/manifest.csv", number)] = None
            (root / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
        first = list(iter_corpus(root))
        second = read_corpus(root)
    analysed = _check_accounting(first, expected, lambda file, line: (file, line))
    stems = [Path(rel).stem for rel in files]
    for (file, _), article in analysed.items():
        rel = expected[(file, None)]
        stem = Path(rel).stem
        assert article.id == (stem if stems.count(stem) == 1 else rel[: -len(".txt")])
        assert article.outlet and article.text.strip()
        assert article.text == unicodedata.normalize("NFC", article.text)
    assert [a for a in first if isinstance(a, Article)] == second.articles
    assert [i for i in first if isinstance(i, CorpusIssue)] == second.issues


# ============================================================================================ 2. lexicon loader

LEX_NAME = "prop_lex"


def _valid_lexicon() -> dict:
    return {
        "lexicon": {
            "name": LEX_NAME,
            "version": "1.0.0",
            "description": "Eigenschaftstest",
            "poles": ["aggression", "euphemism"],
            "default_match": "lemma",
        },
        "categories": {
            "aggression": {"description": "Angriffskrieg benannt", "example": "der russische Angriffskrieg"},
            "euphemism": {"description": "verharmlosend"},
        },
        "context": {"terms": ["Ukraine", "Kreml"], "match": "prefix", "window": 1, "source": "Test"},
        "entry": [
            {"id": "angriffskrieg", "category": "aggression", "terms": ["Angriffskrieg", "völkerrechtswidriger Krieg"],
             "source": "Test", "note": "„Notiz“"},
            {"id": "spezialoperation", "category": "euphemism", "terms": ["militärische Spezialoperation"],
             "match": "lemma", "exclude": ["sogenannte Spezialoperation"], "source": "Test", "needs_context": True},
        ],
    }


def _toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None) + "}"
    raise TypeError(type(value))


def tiny_toml(data: dict) -> str:
    """Top-level keys as ``key = value`` lines (tables inline): enough for any mutation below."""
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items() if v is not None)


def _paths(value, prefix=()):
    """Every key path into nested dicts/lists."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(prefix + (k,))
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append(prefix + (i,))
            out.extend(_paths(v, prefix + (i,)))
    return out


def _parent(data, path):
    for step in path[:-1]:
        data = data[step]
    return data


#: key paths whose removal must make the file invalid
REQUIRED = {
    ("lexicon",), ("lexicon", "name"), ("lexicon", "version"), ("lexicon", "description"), ("categories",),
    ("entry",), ("categories", "aggression", "description"), ("categories", "euphemism", "description"),
    ("context", "terms"), ("context", "source"),
} | {("entry", i, k) for i in range(2) for k in ("id", "category", "terms", "source")}
#: key paths that hold names or strings with a rule, and values breaking it
BAD_VALUES = st.sampled_from(
    [1, 2.5, True, [], [1], {}, {"x": 1}, "", "   ", "Bad-Name", "1abc", "abc\n", "ä", "x y", "UPPER", "*"]
)
BAD_NAMES = st.sampled_from(["Bad-Name", "1abc", "abc\n", "aggression\n", "ä", "x y", "UPPER", "_x", "a.b", "a\u0301"])
BAD_VERSIONS = st.sampled_from(["1.0", "v1.0.0", "1.0.0\n", "1.0.0-beta", "\u0661.\u0660.\u0660", " 1.0.0"])
STRING_KEYS = {"name", "version", "description", "id", "category", "source"}
LIST_KEYS = {"terms", "poles"}
RANDOM_STRINGS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def lexicon_mutations(draw):
    """(mutated lexicon data, whether the last mutation certainly makes it invalid)."""
    data = _valid_lexicon()
    invalid = False
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        # the last mutation decides (a later one may repair an earlier one; earlier ones only add problems)
        invalid = False
        op = draw(st.sampled_from(["drop", "bad", "unknown", "random", "badname"]))
        if op == "badname":
            # a name or version breaking its rule ([a-z][a-z0-9_]*, X.Y.Z), everything else consistent
            target = draw(st.sampled_from(["lexicon", "version", "entry", "category"]))
            bad = draw(BAD_NAMES)
            if target == "lexicon" and isinstance(data.get("lexicon"), dict):
                data["lexicon"]["name"] = bad
                invalid = True
            elif target == "version" and isinstance(data.get("lexicon"), dict):
                data["lexicon"]["version"] = draw(BAD_VERSIONS)
                invalid = True
            elif target == "entry" and isinstance(data.get("entry"), list) and data["entry"]:
                if isinstance(data["entry"][0], dict):
                    data["entry"][0]["id"] = bad
                    invalid = True
            elif target == "category" and isinstance(data.get("categories"), dict) and data["categories"]:
                old = next(iter(data["categories"]))
                data["categories"] = {(bad if k == old else k): v for k, v in data["categories"].items()}
                for table in [data.get("lexicon")] + list(data.get("entry") or []):
                    if isinstance(table, dict):
                        for key in ("poles", "category"):
                            value = table.get(key)
                            if value == old:
                                table[key] = bad
                            elif isinstance(value, list):
                                table[key] = [bad if v == old else v for v in value]
                invalid = True
            continue
        if op == "drop":
            if isinstance(parent, list):
                del parent[path[-1]]
                if not parent:
                    invalid = path[:-1] in {("entry",), ("context", "terms")}
                continue
            del parent[path[-1]]
            invalid = path in REQUIRED
        elif op == "bad":
            value = draw(BAD_VALUES)
            parent[path[-1]] = value
            key = path[-1]
            if key in STRING_KEYS and not (isinstance(value, str) and value.strip()):
                invalid = True
            if key in ("name", "id", "category") and isinstance(parent, dict) and path[0] != "context":
                invalid = True  # a bad name, or a name that no longer matches the file / a category
            if key == "version":
                invalid = True
            if key in LIST_KEYS and not isinstance(value, list) or key in LIST_KEYS and value in ([], [1]):
                invalid = True
            if key in ("lexicon", "categories", "entry"):
                invalid = True
        elif op == "unknown":
            target = parent if isinstance(parent, dict) else data
            if isinstance(parent, list) and isinstance(parent[path[-1]], dict):
                target = parent[path[-1]]
            target[draw(st.sampled_from(["unbekannt", "Name", "kategorie", "terms_"]))] = draw(RANDOM_STRINGS)
            invalid = True
        else:
            parent[path[-1]] = draw(RANDOM_STRINGS)
    return data, invalid


def _write_and_load(tmp: str, body: str | bytes):
    path = Path(tmp) / f"{LEX_NAME}.toml"
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8")
    else:
        path.write_bytes(body)
    return path


def _with(path, value) -> tuple[dict, bool]:
    data = _valid_lexicon()
    _parent(data, path)[path[-1]] = value
    return data, True


def _renamed_category() -> tuple[dict, bool]:
    data = _valid_lexicon()
    data["categories"]["aggression\n"] = data["categories"].pop("aggression")
    data["lexicon"]["poles"][0] = data["entry"][0]["category"] = "aggression\n"
    return data, True


@given(mutation=lexicon_mutations())
# found by this property: names and versions with a trailing newline passed the `$`-anchored checks
@hypothesis.example(mutation=_with(("entry", 0, "id"), "abc\n"))
@hypothesis.example(mutation=_with(("lexicon", "version"), "1.0.0\n"))
@hypothesis.example(mutation=_with(("lexicon", "version"), "\u0661.\u0660.\u0660"))
@hypothesis.example(mutation=_renamed_category())
def test_malformed_lexicon_raises_lexicon_error_naming_the_file(mutation):
    data, invalid = mutation
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_and_load(tmp, tiny_toml(data))
        try:
            lexicon = load_lexicon(path)
        except LexiconError as exc:
            assert str(path) in str(exc)
            return
    assert not invalid, f"accepted an invalid lexicon: {data}"
    assert lexicon.name == LEX_NAME and lexicon.entries


@given(body=st.one_of(RANDOM_STRINGS.map(lambda s: s), st.binary(max_size=40)), keep=st.booleans())
def test_garbage_lexicon_file_raises_lexicon_error(body, keep):
    """Random text or bytes (optionally after a valid file) never escape as another exception."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = tiny_toml(_valid_lexicon()).encode("utf-8") if keep else b""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        path = _write_and_load(tmp, prefix + raw)
        try:
            load_lexicon(path)
        except LexiconError as exc:
            assert str(path) in str(exc)


@given(data=st.just(None))
def test_valid_lexicon_round_trips_through_toml_text(data):
    path = Path(f"{LEX_NAME}.toml")
    lexicon = parse_lexicon(_valid_lexicon(), path)
    with tempfile.TemporaryDirectory() as tmp:
        written = _write_and_load(tmp, toml_text(lexicon))
        again = load_lexicon(written)
        direct = load_lexicon(_write_and_load(tmp, tiny_toml(_valid_lexicon())))
    assert again == lexicon == direct


# ============================================================================================ 3. matchers

MATCH_LEX = "prop_match"


@functools.cache
def _nlp():
    from analysis.processing.nlp import blank_german

    return blank_german()


def _single_entry_pipeline(term: str, mode: str):
    """The fallback pipeline with one lexicon of one entry (the component is replaced each call)."""
    lexicon = parse_lexicon(
        {
            "lexicon": {"name": MATCH_LEX, "version": "1.0.0", "description": "Test"},
            "categories": {"c": {"description": "Test"}},
            "entry": [{"id": "e", "category": "c", "terms": [term], "match": mode, "source": "Test"}],
        },
        Path(f"{MATCH_LEX}.toml"),
    )
    return add_lexicon_rulers(_nlp(), [lexicon]), lexicon


#: (lemma, forms) the fallback lemmatizer (simplemma) maps back to the lemma: adjectives in lower
#: case (after a determiner), nouns capitalised
ADJECTIVES = {
    "militärisch": ["militärische", "militärischen", "militärischer", "militärisches", "militärischem"],
    "russisch": ["russische", "russischen", "russischer", "russisches", "russischem"],
    "ukrainisch": ["ukrainische", "ukrainischen", "ukrainischer", "ukrainisches"],
    "brutal": ["brutale", "brutalen", "brutaler", "brutales"],
    "illegal": ["illegale", "illegalen", "illegaler", "illegales"],
    "völkerrechtswidrig": ["völkerrechtswidrige", "völkerrechtswidrigen", "völkerrechtswidriger"],
    "westlich": ["westliche", "westlichen", "westlicher"],
    "neu": ["neue", "neuen", "neuer", "neues"],
}
NOUNS = {
    "Spezialoperation": ["Spezialoperation", "Spezialoperationen"],
    "Krieg": ["Krieg", "Krieges", "Kriegs", "Kriege", "Kriegen"],
    "Angriff": ["Angriff", "Angriffs", "Angriffes", "Angriffe", "Angriffen"],
    "Invasion": ["Invasion", "Invasionen"],
    "Regierung": ["Regierung", "Regierungen"],
    "Truppe": ["Truppe", "Truppen"],
    "Aggression": ["Aggression", "Aggressionen"],
    "Soldat": ["Soldat", "Soldaten"],
    "Überfall": ["Überfall", "Überfalls", "Überfälle"],
    "Streitkräfte": ["Streitkräfte", "Streitkräften"],
    "Angriffskrieg": ["Angriffskrieg", "Angriffskrieges", "Angriffskriegs"],
}


@st.composite
def noun_phrases(draw):
    """(term as written in the lexicon, the same phrase inflected as it occurs in a text)."""
    adjectives = draw(st.lists(st.sampled_from(sorted(ADJECTIVES)), min_size=0, max_size=2, unique=True))
    noun = draw(st.sampled_from(sorted(NOUNS)))
    term_words = [draw(st.sampled_from(ADJECTIVES[a])) for a in adjectives] + [draw(st.sampled_from(NOUNS[noun]))]
    text_words = [draw(st.sampled_from(ADJECTIVES[a])) for a in adjectives] + [draw(st.sampled_from(NOUNS[noun]))]
    return " ".join(term_words), " ".join(text_words)


SENTENCES = st.sampled_from([
    "Moskau spricht von der {}.",
    "„Die {} geht weiter“, sagte er am Montag.",
    "Berichte über die {} und ihre Folgen.",
    "Der Kreml nennt es »{}«, Kiew widerspricht.",
])


def _matched(doc, start: int, end: int) -> bool:
    return any(s.start_char == start and s.end_char == end for s in doc.spans.get(MATCH_LEX, []))


@given(phrase=noun_phrases(), sentence=SENTENCES, mode=st.sampled_from(["orth", "lower", "lemma", "prefix"]))
def test_term_matches_its_own_text(phrase, sentence, mode):
    """Every mode matches the term as written, alone (term_self_check) and inside a sentence."""
    term, _ = phrase
    nlp, lexicon = _single_entry_pipeline(term, mode)
    assert term_self_check(nlp, lexicon) == []
    text = sentence.format(term)
    start = text.index(term)
    assert _matched(nlp(text), start, start + len(term)), (mode, term, text)


@given(phrase=noun_phrases(), sentence=SENTENCES)
def test_lemma_term_matches_inflected_phrase_and_lower_ignores_case(phrase, sentence):
    term, inflected = phrase
    text = sentence.format(inflected)
    start = text.index(inflected)
    nlp, _ = _single_entry_pipeline(term, "lemma")
    assert _matched(nlp(text), start, start + len(inflected)), (term, text)
    nlp, _ = _single_entry_pipeline(inflected.upper() if len(inflected) % 2 else inflected.lower(), "lower")
    assert _matched(nlp(text), start, start + len(inflected)), (term, text)


WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"), min_size=1, max_size=10)


@given(words=st.lists(WORD, min_size=1, max_size=3), mode=st.sampled_from(["orth", "lower", "lemma", "prefix"]))
def test_random_word_term_matches_itself(words, mode):
    nlp, lexicon = _single_entry_pipeline(" ".join(words), mode)
    assert term_self_check(nlp, lexicon) == []


# ============================================================================================ 4. index and rate math

COUNTS = st.one_of(st.integers(0, 10**6), st.floats(0, 1e12, allow_nan=False, allow_infinity=False))


@given(left=COUNTS, right=COUNTS)
def test_pole_index_bounds_and_nan(left, right):
    value = pole_index(left, right)
    if left + right == 0:
        assert math.isnan(value)
    else:
        assert -1.0 <= value <= 1.0
        assert pole_index(right, left) == pytest.approx(-value)
        if left == 0:
            assert value == 1.0
        if right == 0:
            assert value == -1.0


@given(left=st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False), right=COUNTS)
def test_pole_index_rejects_negative_counts(left, right):
    with pytest.raises(ValueError):
        pole_index(left, right)
    with pytest.raises(ValueError):
        pole_index(right, left)


@given(count=COUNTS, n_tokens=st.one_of(COUNTS, st.integers(-5, 0)))
def test_rate_per_1000(count, n_tokens):
    value = rate_per_1000(count, n_tokens)
    if n_tokens <= 0:
        assert math.isnan(value)
    else:
        assert value >= 0 and value == pytest.approx(1000.0 * count / n_tokens)
        if count <= n_tokens:
            assert value <= 1000.0 * (1 + 1e-12)


@given(
    # denominators are token or match counts: 0 or at least a (fractional) resample weight
    pairs=st.lists(st.tuples(COUNTS, st.one_of(st.integers(0, 10**6), st.floats(1e-3, 1e12), st.just(0.0))), max_size=20),
    scale=st.sampled_from([1.0, 1000.0]),
)
def test_ratio_nan_where_denominator_not_positive(pairs, scale):
    num = np.array([p[0] for p in pairs], dtype=float)
    den = np.array([p[1] for p in pairs], dtype=float)
    with np.errstate(divide="raise", invalid="raise"):  # no division warning escapes either
        out = ratio(num, den, scale)
    assert out.shape == num.shape
    assert np.array_equal(np.isnan(out), ~(den > 0))
    defined = den > 0
    assert np.allclose(out[defined], scale * num[defined] / den[defined])


# ============================================================================================ 5. bootstrap

MEASURES = [
    RatioMeasure("L.a.per_1000", "L.a", None, ("n_tokens",), 1000.0),
    RatioMeasure("L.b.per_1000", "L.b", None, ("n_tokens",), 1000.0),
    RatioMeasure("L.index", "L.b", "L.a", ("L.b", "L.a")),
    MeanMeasure("ind.mean", "ind"),
]


@st.composite
def article_tables(draw):
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        n_tokens = draw(st.integers(0, 400))
        rows.append(
            {
                "outlet": draw(st.sampled_from(["dpa", "taz", "Spiegel"])),
                "n_tokens": n_tokens,
                "L.a": draw(st.integers(0, min(n_tokens, 6))),
                "L.b": draw(st.integers(0, min(n_tokens, 6))),
                "ind": draw(st.one_of(st.just(math.nan), st.floats(-50, 120, allow_nan=False))),
            }
        )
    return pd.DataFrame(rows)


def _contains(low: float, estimate: float, high: float) -> bool:
    tol = 1e-9 * max(1.0, abs(estimate))
    return low - tol <= estimate <= high + tol


@given(articles=article_tables(), seed=st.integers(0, 2**32 - 1), n_resamples=st.sampled_from([50, 200]))
def test_aggregate_outlets_interval_contains_pooled_estimate(articles, seed, n_resamples):
    boot = BootstrapSettings(n_resamples=n_resamples, seed=seed)
    first = aggregate_outlets(articles, MEASURES, boot)
    second = aggregate_outlets(articles, MEASURES, boot)
    pd.testing.assert_frame_equal(first, second)  # same seed, same result
    for row in first.itertuples(index=False):
        sub = articles[articles["outlet"] == row.outlet]
        assert row.n_articles == len(sub)
        if math.isnan(row.estimate) or row.n_articles < 2:
            if row.n_articles < 2 or math.isnan(row.estimate):
                assert math.isnan(row.ci_low) and math.isnan(row.ci_high)
            continue
        if row.measure == "L.index":
            assert -1.0 <= row.estimate <= 1.0 and -1.0 <= row.ci_low and row.ci_high <= 1.0
        assert not math.isnan(row.ci_low) and not math.isnan(row.ci_high), row
        assert row.ci_low <= row.ci_high
        assert _contains(row.ci_low, row.estimate, row.ci_high), row


@given(articles=article_tables(), seed=st.integers(0, 2**32 - 1))
def test_bootstrap_ratio_cis_reproducible_and_ordered(articles, seed):
    measures = [m for m in MEASURES if isinstance(m, RatioMeasure)]
    columns, compiled = compile_ratio_measures(measures)
    table = articles[columns].to_numpy(dtype=float)
    cis = [
        bootstrap_ratio_cis(table, compiled, rng=np.random.default_rng(seed), n_resamples=100, ci=0.9, max_cells=7)
        for _ in range(2)
    ]
    assert cis[0] == cis[1] or all(
        (math.isnan(a[0]) and math.isnan(b[0])) or a == b for a, b in zip(*cis)
    )
    direct = bootstrap_intervals(table, ratio_statistic(compiled), rng=np.random.default_rng(seed), n_resamples=100, ci=0.9)
    assert [tuple(np.nan_to_num(c, nan=-7.0)) for c in direct] == [tuple(np.nan_to_num(c, nan=-7.0)) for c in cis[0]]
    totals = table.sum(axis=0)
    for (num_w, den_w, scale), (low, high) in zip(compiled, cis[0]):
        estimate = float(ratio(np.array([totals @ num_w]), np.array([totals @ den_w]), scale)[0])
        if len(table) < 2:
            assert math.isnan(low) and math.isnan(high)
        elif not math.isnan(low):
            assert low <= high
            if not math.isnan(estimate):
                assert _contains(low, estimate, high)


# ============================================================================================ 6. text reuse

REUSE_WORDS = ["Kreml", "Ukraine", "sagte", "der", "die", "„Krieg“", "Peskow", "Größe", "»Nato«", "über"]
K = 3  # small windows so random texts share passages often


@st.composite
def reuse_corpora(draw):
    """Articles (id, outlet, text) from a tiny vocabulary, some copying a passage of an earlier one."""
    articles = []
    for i in range(draw(st.integers(1, 7))):
        words = draw(st.lists(st.sampled_from(REUSE_WORDS), min_size=0, max_size=14))
        if articles and draw(st.booleans()):
            source = draw(st.sampled_from(articles))[2].split()
            a = draw(st.integers(0, len(source)))
            b = draw(st.integers(a, len(source)))
            cut = draw(st.integers(0, len(words)))
            words = words[:cut] + source[a:b] + words[cut:]
        articles.append((f"art{i}", draw(st.sampled_from(["dpa", "taz", "Spiegel"])), " ".join(words)))
    return articles


def _find(articles):
    fps = [reuse.fingerprint_text(text, aid, outlet, shingle_words=K) for aid, outlet, text in articles]
    texts = {aid: text for aid, _, text in articles}
    return reuse.find_reuse(fps, reuse.ReuseSettings(shingle_words=K, max_articles_per_shingle=50), texts=texts)


@given(articles=reuse_corpora())
def test_reuse_is_symmetric(articles):
    result = _find(articles)
    pairs = result.pairs
    directed = set(zip(pairs["article_id"], pairs["other_id"]))
    assert directed == {(b, a) for a, b in directed}
    assert all(a != b for a, b in directed)
    assert ((pairs["words_shared"] > 0) & (pairs["share"] > 0) & (pairs["share"] <= 1)).all()
    # passages: A has a passage found in B iff B has one found in A
    passage_links = {(p.article_id, other) for p in result.passages.itertuples() for other in p.matched_articles.split(";")}
    assert passage_links == directed
    for p in result.passages.itertuples():
        assert articles_text(articles)[p.article_id][p.start_char:p.end_char] == p.text and p.n_words >= K
    rows = result.articles.set_index("article_id")
    for aid, _, _ in articles:
        mine = pairs[pairs["article_id"] == aid]
        row = rows.loc[aid]
        assert row["reuse.n_matched_articles"] == len(mine)
        assert row["reuse.words_shared"] <= row["reuse.n_words"]
        assert row["reuse.words_shared_other_outlets"] <= row["reuse.words_shared"]
        if len(mine):
            assert row["reuse.words_shared"] >= mine["words_shared"].max()
            assert row["reuse.words_shared"] <= mine["words_shared"].sum()
    # outlet matrix: (A, B) > 0 iff (B, A) > 0, shares in [0, 1] and consistent with the pairs
    m = result.outlet_matrix
    outlet_of = {aid: outlet for aid, outlet, _ in articles}
    for a in m.index:
        for b in m.columns:
            value = m.loc[a, b]
            if result.outlet_words[a] == 0:
                assert math.isnan(value)
                continue
            assert 0.0 <= value <= 1.0 + 1e-12
            if result.outlet_words[b]:
                assert (value > 0) == (m.loc[b, a] > 0), (a, b)
            ab = pairs[(pairs["outlet"] == a) & (pairs["other_outlet"] == b)]
            words = value * result.outlet_words[a]
            lower = ab.groupby("article_id")["words_shared"].max().sum() if len(ab) else 0
            assert lower - 1e-6 <= words <= ab["words_shared"].sum() + 1e-6, (a, b)
    assert set(outlet_of.values()) == set(m.index)


def articles_text(articles) -> dict:
    return {aid: text for aid, _, text in articles}


@given(articles=reuse_corpora(), same_outlet=st.booleans())
def test_reuse_unchanged_by_a_duplicated_corpus(articles, same_outlet):
    """Exact copies of all articles under new ids leave the pairs between the originals unchanged,
    and every original passage stays covered."""
    base = _find(articles)
    copies = [(f"copy-{aid}", outlet if same_outlet else f"{outlet}-kopie", text) for aid, outlet, text in articles]
    doubled = _find(articles + copies)
    originals = {aid for aid, _, _ in articles}

    def pair_rows(pairs):
        return [(a, b, int(w), float(sh)) for a, b, w, sh in zip(pairs["article_id"], pairs["other_id"], pairs["words_shared"], pairs["share"])]

    base_rows = pair_rows(base.pairs)
    doubled_rows = pair_rows(doubled.pairs)
    assert [r for r in doubled_rows if r[0] in originals and r[1] in originals] == base_rows
    # the copies among themselves repeat the originals' pairs
    copy_rows = {(a[5:], b[5:], w, sh) for a, b, w, sh in doubled_rows if a.startswith("copy-") and b.startswith("copy-")}
    assert copy_rows == set(base_rows)
    spans = {}
    for p in doubled.passages.itertuples():
        spans.setdefault(p.article_id, []).append((p.start_char, p.end_char))
    for p in base.passages.itertuples():
        assert any(s <= p.start_char and p.end_char <= e for s, e in spans.get(p.article_id, [])), p
    # every original with at least K words is now fully shared (with its copy)
    rows = doubled.articles.set_index("article_id")
    for aid in originals:
        n = rows.loc[aid, "reuse.n_words"]
        if n >= K:
            assert rows.loc[aid, "reuse.words_shared"] == n
            assert f"copy-{aid}" in rows.loc[aid, "reuse.matched_articles"].split(";")
