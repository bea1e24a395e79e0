"""Reading corpora robustly: a folder of ``.txt`` files, JSON Lines or CSV (optionally gzipped).

Every input either becomes an :class:`Article` or is reported as a :class:`CorpusIssue` with the file,
the line and a reason that says what is wrong and what is allowed. Nothing is skipped silently, and one
bad record never stops the run.

Formats
-------
``txt``
    A folder of UTF-8 ``.txt`` files (searched recursively, in sorted order), one article per file, with
    an optional ``manifest.csv`` (columns ``file,outlet,date,title`` plus any others, which end up in
    ``Article.meta``; ``file`` is the path relative to the corpus folder, e.g. ``dpa/0001.txt``).
    The outlet comes from the manifest row, else from the top-level subfolder of the file
    (layout ``corpus/<outlet>/*.txt``). The date comes from the manifest, else from a header line
    `` date YYYY-MM-DD`` at the very start of the file (the marker is removed from the text; the rest of
    the line stays as the first paragraph). The article id is the file stem, or the relative path
    without suffix when two files share a stem.
``jsonl``
    One JSON object per line (``.jsonl``, ``.ndjson``, optionally ``.gz``).
``csv``
    A CSV file with a header row (``.csv``, optionally ``.gz``); the delimiter (``,`` ``;`` or tab) is
    detected from the header.

For ``jsonl`` and ``csv`` a :class:`FieldMap` names the fields holding id, text, outlet, date, title and
url. Records without an id get ``sha1(outlet + "\\n" + text)[:16]``.

All strings are NFC-normalised, line endings become ``\\n`` and trailing whitespace of the text is
removed; ``Article.text`` is the exact string later offsets refer to. Duplicate ids and texts that are
equal up to whitespace are rejected (the first one is kept).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import json
import logging
import os
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field, fields as dataclass_fields
from datetime import date as _date
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from analysis.errors import CorpusError

logger = logging.getLogger(__name__)

__all__ = [
    "Article",
    "CorpusIssue",
    "FieldMap",
    "Corpus",
    "iter_corpus",
    "read_corpus",
    "corpus_name",
    "write_issues_csv",
    "REJECTED",
    "WARNING",
    "FORMATS",
]

REJECTED = "rejected"
WARNING = "warning"
FORMATS = ("txt", "jsonl", "csv")

ISSUE_COLUMNS = ("file", "line", "severity", "reason", "article_id")

_ALLOWED_INPUTS = (
    "a folder of .txt files, a .jsonl/.ndjson file or a .csv file (the last two optionally .gz)"
)
_DATE_FORMATS = "YYYY-MM-DD, an ISO datetime (YYYY-MM-DDThh:mm…) or DD.MM.YYYY"
_META_MAX_CHARS = 500
_CSV_DELIMITERS = (",", ";", "\t")
_GZIP_MAGIC = b"\x1f\x8b"

_HEADER_RE = re.compile(r" ?date (\d{4}-\d{2}-\d{2})(?:[ \t]+|\n|$)")
_ISO_DATE_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_GERMAN_DATE_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


# --------------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class Article:
    """One analysable article. ``text`` is NFC-normalised; evidence offsets refer to it."""

    id: str
    outlet: str
    date: str  # "YYYY-MM-DD" or "" when unknown
    title: str
    text: str
    url: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CorpusIssue:
    """A problem with one input: ``rejected`` (not analysed) or ``warning`` (analysed, something dropped)."""

    file: str
    line: int | None
    reason: str
    severity: str
    article_id: str = ""

    @property
    def location(self) -> str:
        """``file:line`` or ``file`` for whole-file issues."""
        return _location(self.file, self.line)


@dataclass(frozen=True)
class FieldMap:
    """Field (JSONL) or column (CSV) names of the article attributes."""

    id: str = "id"
    text: str = "text"
    outlet: str = "outlet"
    date: str = "date"
    title: str = "title"
    url: str = "url"

    @classmethod
    def from_pairs(cls, pairs: Iterable[str]) -> "FieldMap":
        """Build a FieldMap from ``KEY=FIELD`` strings, e.g. ``["text=article", "outlet=source"]``."""
        allowed = [f.name for f in dataclass_fields(cls)]
        allowed_text = ", ".join(allowed)
        values: dict[str, str] = {}
        for pair in pairs:
            if not isinstance(pair, str) or "=" not in pair:
                raise CorpusError(
                    f"field mapping {pair!r} is not of the form KEY=FIELD (e.g. text=article); "
                    f"allowed keys: {allowed_text}"
                )
            key, _, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if key not in allowed:
                raise CorpusError(
                    f"unknown field key {key!r} in mapping {pair!r}; allowed keys: {allowed_text}"
                )
            if not value:
                raise CorpusError(
                    f"field mapping {pair!r} names no field; write {key}=FIELD (e.g. text=article)"
                )
            if key in values:
                raise CorpusError(
                    f"field key {key!r} is mapped twice ({key}={values[key]} and {pair}); map it once"
                )
            values[key] = value
        return cls(**values)


@dataclass
class Corpus:
    """A fully read corpus: the analysable articles and every issue found on the way."""

    name: str
    articles: list[Article]
    issues: list[CorpusIssue]
    path: str = ""

    @property
    def rejected(self) -> list[CorpusIssue]:
        """Issues of inputs that were not analysed."""
        return [issue for issue in self.issues if issue.severity == REJECTED]


# --------------------------------------------------------------------------------------------------
# Public functions


def corpus_name(path: str | os.PathLike) -> str:
    """Folder name, or file name without ``.jsonl``/``.ndjson``/``.csv``/``.gz`` suffixes."""
    p = Path(path)
    name = p.name or p.resolve().name
    if p.is_dir():
        return name
    lowered = name.lower()
    if lowered.endswith(".gz"):
        name, lowered = name[:-3], lowered[:-3]
    for suffix in (".jsonl", ".ndjson", ".csv"):
        if lowered.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name


def iter_corpus(
    path: str | os.PathLike,
    *,
    fields: FieldMap = FieldMap(),
    manifest: str | os.PathLike | None = None,
    fmt: str | None = None,
    limit: int | None = None,
) -> Iterator[Article | CorpusIssue]:
    """Stream the articles and issues of a corpus, in input order.

    Problems with the corpus as a whole (missing path, unknown format, unusable manifest or CSV header)
    raise :class:`CorpusError`; the path and format are checked when this function is called, the rest
    when iteration reaches them. Everything else is yielded as a :class:`CorpusIssue`; the warnings of an
    article are yielded just before it. ``limit`` stops after that many articles.
    """
    source = Path(path)
    kind = _detect_format(source, fmt)
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise CorpusError(f"limit must be a whole number >= 0 or None, got {limit!r}")
    if not isinstance(fields, FieldMap):
        raise CorpusError(f"fields must be a FieldMap, got {type(fields).__name__}")
    manifest_path: Path | None = None
    if manifest is not None:
        if kind != "txt":
            raise CorpusError(
                f"{source}: a manifest applies only to a folder of .txt files, not to {kind} input; "
                "put outlet, date and title into the records instead"
            )
        manifest_path = Path(manifest)
        if not manifest_path.is_file():
            raise CorpusError(f"manifest {manifest_path} does not exist or is not a file")
    elif kind == "txt" and (source / "manifest.csv").is_file():
        manifest_path = source / "manifest.csv"

    if kind == "txt":
        candidates = _iter_txt_folder(source, manifest_path)
        if fields != FieldMap():
            logger.warning("%s: field mapping is ignored for a folder of .txt files", source)
    elif kind == "jsonl":
        candidates = _iter_jsonl(source, fields)
    else:
        candidates = _iter_csv(source, fields)
    return _check_and_limit(candidates, str(source), limit)


def read_corpus(
    path: str | os.PathLike,
    *,
    fields: FieldMap = FieldMap(),
    manifest: str | os.PathLike | None = None,
    fmt: str | None = None,
    limit: int | None = None,
) -> Corpus:
    """Read a whole corpus into memory (see :func:`iter_corpus` for the arguments)."""
    articles: list[Article] = []
    issues: list[CorpusIssue] = []
    for item in iter_corpus(path, fields=fields, manifest=manifest, fmt=fmt, limit=limit):
        if isinstance(item, Article):
            articles.append(item)
        else:
            issues.append(item)
    return Corpus(name=corpus_name(path), articles=articles, issues=issues, path=str(path))


def write_issues_csv(issues: Iterable[CorpusIssue], path: str | os.PathLike) -> None:
    """Write ``rejected.csv``: columns file,line,severity,reason,article_id (header always written)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ISSUE_COLUMNS)
        for issue in issues:
            writer.writerow(
                [
                    issue.file,
                    "" if issue.line is None else issue.line,
                    issue.severity,
                    issue.reason,
                    issue.article_id,
                ]
            )


# --------------------------------------------------------------------------------------------------
# Format detection


def _detect_format(source: Path, fmt: str | None) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise CorpusError(f"unknown corpus format {fmt!r}; allowed formats: {', '.join(FORMATS)}")
    if not source.exists():
        raise CorpusError(f"corpus path {source} does not exist")
    if source.is_dir():
        if fmt not in (None, "txt"):
            raise CorpusError(
                f"{source} is a folder, which is read as format 'txt', not {fmt!r}; "
                "give a .jsonl or .csv file for those formats"
            )
        return "txt"
    if fmt == "txt":
        raise CorpusError(
            f"{source} is a file; format 'txt' needs a folder of .txt files "
            "(put the file into a folder and give the folder)"
        )
    if fmt is not None:
        return fmt
    lowered = source.name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lowered.endswith(".csv"):
        return "csv"
    hint = ""
    if lowered.endswith(".json"):
        hint = " (a JSON array must be converted to JSON Lines: one object per line)"
    elif lowered.endswith(".txt"):
        hint = " (put .txt files into a folder and give the folder)"
    else:
        hint = " (or name the format explicitly, e.g. fmt='csv')"
    raise CorpusError(
        f"cannot tell the format of {source}; allowed: {_ALLOWED_INPUTS}{hint}"
    )


# --------------------------------------------------------------------------------------------------
# Shared helpers


class _Candidate(NamedTuple):
    """An article that passed its format's checks, with its warnings; duplicates are checked later."""

    article: Article
    warnings: list[CorpusIssue]


def _location(file: str, line: int | None) -> str:
    return file if line is None else f"{file}:{line}"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _normalise_text(value: str) -> str:
    """NFC, ``\\n`` line endings, no trailing whitespace."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _nfc(value).rstrip()


def _clean_field(value: str) -> str:
    """A single-line string field: NFC, line endings normalised, surrounding whitespace stripped."""
    return _nfc(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _parse_date(value: str) -> str | None:
    """ISO date string, "" for empty input, None when the value is not in an accepted format."""
    value = value.strip()
    if not value:
        return ""
    match = _ISO_DATE_RE.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _GERMAN_DATE_RE.fullmatch(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return _date(year, month, day).isoformat()
    except ValueError:
        return None


def _bad_date_warning(value: str, where: str, file: str, line: int | None, article_id: str) -> CorpusIssue:
    return CorpusIssue(
        file=file,
        line=line,
        reason=(
            f"unparseable date {value!r} in {where}; accepted formats: {_DATE_FORMATS}; "
            "the article is kept without a date"
        ),
        severity=WARNING,
        article_id=article_id,
    )


def _decode_error_reason(data: bytes, error: UnicodeDecodeError, base: int, what: str) -> str:
    offset = base + error.start
    byte = data[error.start] if error.start < len(data) else 0
    return f"not UTF-8 (byte 0x{byte:02x} at offset {offset}{what}); save the file as UTF-8"


def _text_digest(text: str) -> bytes:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).digest()


def _record_id(outlet: str, text: str) -> str:
    return hashlib.sha1(f"{outlet}\n{text}".encode("utf-8")).hexdigest()[:16]


def _check_and_limit(
    candidates: Iterator[_Candidate | CorpusIssue], source: str, limit: int | None
) -> Iterator[Article | CorpusIssue]:
    """Reject duplicate ids and texts, yield warnings before their article, stop after ``limit``."""
    try:
        if limit != 0:
            yield from _check_duplicates(candidates, source, limit)
    finally:
        close = getattr(candidates, "close", None)
        if close is not None:
            close()  # releases open files when the caller stops early


def _check_duplicates(
    candidates: Iterator[_Candidate | CorpusIssue], source: str, limit: int | None
) -> Iterator[Article | CorpusIssue]:
    seen_ids: dict[str, tuple[str, int | None]] = {}
    seen_texts: dict[bytes, tuple[str, str, int | None]] = {}
    n_articles = n_rejected = n_warnings = 0
    for item in candidates:
        if isinstance(item, CorpusIssue):
            if item.severity == REJECTED:
                n_rejected += 1
            else:
                n_warnings += 1
            logger.debug("%s: %s (%s)", item.location, item.reason, item.severity)
            yield item
            continue
        article = item.article
        file, line = article.meta.get("file", ""), article.meta.get("line")
        digest = _text_digest(article.text)
        first = seen_texts.get(digest)
        if first is not None:
            first_id, first_file, first_line = first
            issue = CorpusIssue(
                file=file,
                line=line,
                reason=f"duplicate of article {first_id} ({_location(first_file, first_line)})",
                severity=REJECTED,
                article_id=article.id,
            )
            n_rejected += 1
            logger.debug("%s: %s", issue.location, issue.reason)
            yield issue
            continue
        if article.id in seen_ids:
            issue = CorpusIssue(
                file=file,
                line=line,
                reason=(
                    f"duplicate id {article.id}, first seen at {_location(*seen_ids[article.id])}; "
                    "ids must be unique"
                ),
                severity=REJECTED,
                article_id=article.id,
            )
            n_rejected += 1
            logger.debug("%s: %s", issue.location, issue.reason)
            yield issue
            continue
        seen_ids[article.id] = (file, line)
        seen_texts[digest] = (article.id, file, line)
        for warning in item.warnings:
            n_warnings += 1
            logger.debug("%s: %s (warning)", warning.location, warning.reason)
            yield warning
        n_articles += 1
        yield article
        if limit is not None and n_articles >= limit:
            logger.info("%s: stopped after %d articles (limit)", source, n_articles)
            break
    logger.info(
        "%s: %d articles, %d rejected, %d warnings", source, n_articles, n_rejected, n_warnings
    )


# --------------------------------------------------------------------------------------------------
# Folder of .txt files


class _ManifestRow(NamedTuple):
    line: int
    outlet: str
    date: str
    title: str
    url: str
    extra: dict


def _decode_whole(data: bytes, name: str) -> str:
    """Decode a small configuration file (a manifest) or raise CorpusError."""
    base = 0
    if data.startswith(codecs.BOM_UTF8):
        data, base = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{name}: {_decode_error_reason(data, error, base, '')}") from None


def _sniff_delimiter(header_line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in _CSV_DELIMITERS}
    best = max(_CSV_DELIMITERS, key=lambda d: counts[d])  # ties: the first in _CSV_DELIMITERS
    return best if counts[best] else ","


def _normalise_relpath(value: str) -> str:
    value = _nfc(value.strip().replace("\\", "/"))
    while value.startswith("./"):
        value = value[2:]
    return value


def _read_manifest(
    manifest_path: Path, display: str
) -> tuple[dict[str, _ManifestRow], list[CorpusIssue]]:
    try:
        data = manifest_path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{display}: cannot read the manifest: {error.strerror or error}") from None
    text = _decode_whole(data, display)
    lines = text.splitlines(keepends=True)
    if not lines:
        raise CorpusError(f"{display}: the manifest is empty; it needs a header row file,outlet,date,title")
    reader = csv.reader(lines, delimiter=_sniff_delimiter(lines[0]))
    try:
        header = [_clean_field(name) for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise CorpusError(f"{display}: cannot read the manifest header: {error}") from None
    if "file" not in header:
        raise CorpusError(
            f"{display}: the manifest has no 'file' column (columns: {', '.join(header)}); "
            "it needs file,outlet,date,title (further columns are kept as metadata)"
        )
    rows: dict[str, _ManifestRow] = {}
    issues: list[CorpusIssue] = []
    consumed = {"file", "outlet", "date", "title", "url"}
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            issues.append(CorpusIssue(display, reader.line_num, f"malformed CSV row: {error}", REJECTED))
            continue
        if not any(v.strip() for v in values):
            continue
        record = {name: _clean_field(value) for name, value in zip(header, values)}
        if len(values) > len(header):
            issues.append(
                CorpusIssue(
                    display,
                    start,
                    f"manifest row has {len(values)} fields but the header has {len(header)}; "
                    "quote values that contain the delimiter; row ignored",
                    REJECTED,
                )
            )
            continue
        name = _normalise_relpath(record.get("file", ""))
        if not name:
            issues.append(
                CorpusIssue(display, start, "manifest row has an empty 'file' value; row ignored", WARNING)
            )
            continue
        if name in rows:
            issues.append(
                CorpusIssue(
                    display,
                    start,
                    f"manifest lists {name!r} again (first at line {rows[name].line}); "
                    "each file may appear once; row ignored",
                    WARNING,
                )
            )
            continue
        rows[name] = _ManifestRow(
            line=start,
            outlet=record.get("outlet", ""),
            date=record.get("date", ""),
            title=record.get("title", ""),
            url=record.get("url", ""),
            extra={k: v for k, v in record.items() if k and k not in consumed},
        )
    return rows, issues


def _scan_folder(root: Path, skip: set[Path]) -> tuple[list[tuple[str, Path]], list[tuple[str, Path]]]:
    """Return sorted (relative posix path, path) lists of .txt files and of other files."""
    txt: list[tuple[str, Path]] = []
    other: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            rel = _nfc(path.relative_to(root).as_posix())
            if path in skip or filename.lower() == "readme.md":
                continue
            (txt if filename.lower().endswith(".txt") else other).append((rel, path))
    txt.sort()
    other.sort()
    return txt, other


def _iter_txt_folder(root: Path, manifest_path: Path | None) -> Iterator[_Candidate | CorpusIssue]:
    root_name = _nfc(root.name or root.resolve().name)

    def display(rel: str) -> str:
        return f"{root_name}/{rel}"

    root_manifest = root / "manifest.csv"
    skip: set[Path] = {root_manifest} if root_manifest.is_file() else set()
    manifest_rows: dict[str, _ManifestRow] = {}
    manifest_display = ""
    if manifest_path is not None:
        try:
            inside = manifest_path.resolve().relative_to(root.resolve()).as_posix()
            manifest_display = display(inside)
            skip.add(root / inside)
        except ValueError:
            manifest_display = str(manifest_path)
        manifest_rows, manifest_issues = _read_manifest(manifest_path, manifest_display)
        yield from manifest_issues

    txt_files, other_files = _scan_folder(root, skip)
    if root_manifest.is_file() and manifest_path is not None and (
        root_manifest.resolve() != manifest_path.resolve()
    ):
        yield CorpusIssue(
            display("manifest.csv"), None, "manifest.csv not used because another manifest was given", WARNING
        )

    known = {rel for rel, _ in txt_files}
    for name, row in manifest_rows.items():
        if name in known:
            continue
        if (root / name).is_file():
            reason = f"manifest names {name!r}, which is not a .txt file; only .txt files are read"
        else:
            reason = f"manifest names a file that does not exist: {name!r}"
        yield CorpusIssue(manifest_display, row.line, reason, REJECTED)

    stem_counts = Counter(_nfc(path.stem) for _, path in txt_files)
    # Interleave the warnings for non-.txt files in sorted order with the .txt files.
    entries = sorted([(rel, path, True) for rel, path in txt_files] + [(rel, path, False) for rel, path in other_files])
    for rel, path, is_txt in entries:
        if not is_txt:
            yield CorpusIssue(display(rel), None, "not a .txt file; ignored", WARNING)
            continue
        stem = _nfc(path.stem)
        article_id = stem if stem_counts[stem] == 1 else rel[: -len(path.suffix)]
        yield _read_txt_file(path, rel, display(rel), article_id, manifest_rows.get(rel), manifest_display)


def _read_txt_file(
    path: Path,
    rel: str,
    shown: str,
    article_id: str,
    row: _ManifestRow | None,
    manifest_display: str,
) -> _Candidate | CorpusIssue:
    def reject(reason: str) -> CorpusIssue:
        return CorpusIssue(shown, None, reason, REJECTED, article_id)

    try:
        data = path.read_bytes()
    except OSError as error:
        return reject(f"cannot read the file: {error.strerror or error}")
    if not data:
        return reject("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return reject("UTF-16 text (byte-order mark); save the file as UTF-8")
    if b"\x00" in data:
        return reject("binary file (contains NUL bytes); only UTF-8 text files are read")
    base = 0
    if data.startswith(codecs.BOM_UTF8):
        data, base = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return reject(_decode_error_reason(data, error, base, f", line {line}"))

    text = _nfc(raw.replace("\r\n", "\n").replace("\r", "\n"))
    header_date = ""
    header = _HEADER_RE.match(text)
    if header:
        header_date = header.group(1)
        text = text[header.end():]
    text = text.rstrip()
    if not text.strip():
        return reject("empty file" if not header else "empty file (only a date header line)")

    warnings: list[CorpusIssue] = []
    outlet = row.outlet if row else ""
    if not outlet:
        parts = rel.split("/")
        if len(parts) > 1:
            outlet = parts[0]
    if not outlet:
        if row is not None:
            return reject(
                f"no outlet: the manifest row ({manifest_display}:{row.line}) has an empty 'outlet' "
                "and the file is not in an outlet subfolder; fill in the outlet or use the layout "
                "<corpus>/<outlet>/*.txt"
            )
        return reject(
            "no outlet: the file has no manifest row and is not in an outlet subfolder; add a row to "
            "manifest.csv (file,outlet,date,title) or use the layout <corpus>/<outlet>/*.txt"
        )

    article_date = ""
    if row is not None and row.date:
        parsed = _parse_date(row.date)
        if parsed is None:
            warnings.append(
                _bad_date_warning(
                    row.date, f"the manifest ({manifest_display}:{row.line})", shown, None, article_id
                )
            )
        else:
            article_date = parsed
            if header_date and _parse_date(header_date) not in (None, parsed):
                warnings.append(
                    CorpusIssue(
                        shown,
                        None,
                        f"header date {header_date} differs from the manifest date {parsed}; "
                        "the manifest date is used",
                        WARNING,
                        article_id,
                    )
                )
    if not article_date and header_date:
        parsed = _parse_date(header_date)
        if parsed is None:
            warnings.append(_bad_date_warning(header_date, "the header line", shown, 1, article_id))
        else:
            article_date = parsed

    meta: dict = {"file": shown, "line": None}
    if row is not None:
        meta.update(row.extra)
    article = Article(
        id=article_id,
        outlet=outlet,
        date=article_date,
        title=row.title if row else "",
        text=text,
        url=row.url if row else "",
        meta=meta,
    )
    return _Candidate(article, warnings)


# --------------------------------------------------------------------------------------------------
# Records (JSONL and CSV)


def _scalar_to_str(value: object) -> str | None:
    """String form of a scalar field value; None for containers (not representable)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _field_list(record: dict) -> str:
    names = [str(k) for k in record.keys()]
    shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
    return shown or "none"


def _record_to_candidate(
    record: dict, fields: FieldMap, file: str, line: int
) -> _Candidate | CorpusIssue:
    raw_id = _scalar_to_str(record.get(fields.id))
    explicit_id = _clean_field(raw_id) if raw_id else ""

    def reject(reason: str) -> CorpusIssue:
        return CorpusIssue(file, line, reason, REJECTED, explicit_id)

    if raw_id is None:
        return reject(f"field {fields.id!r} (id) is not a string or number; ids must be scalar values")

    raw_text = record.get(fields.text)
    if raw_text is not None and not isinstance(raw_text, str):
        return reject(
            f"field {fields.text!r} (text) is a {type(raw_text).__name__}, not a string; "
            "the text must be one string"
        )
    text = _normalise_text(raw_text or "")
    if not text.strip():
        if fields.text in record:
            return reject(f"no text in field {fields.text!r}")
        return reject(
            f"no text in field {fields.text!r}: the field is missing (fields: {_field_list(record)}); "
            "name the text field with text=FIELD"
        )

    raw_outlet = _scalar_to_str(record.get(fields.outlet))
    outlet = _clean_field(raw_outlet) if raw_outlet else ""
    if not outlet:
        return reject(
            f"no outlet: field {fields.outlet!r} missing or empty (fields: {_field_list(record)}); "
            "every record needs an outlet, or name the outlet field with outlet=FIELD"
        )

    article_id = explicit_id or _record_id(outlet, text)
    warnings: list[CorpusIssue] = []
    optional: dict[str, str] = {}
    for key in ("title", "url", "date"):
        name = getattr(fields, key)
        value = _scalar_to_str(record.get(name))
        if value is None:
            warnings.append(
                CorpusIssue(
                    file,
                    line,
                    f"field {name!r} ({key}) is a {type(record.get(name)).__name__}, not a string; ignored",
                    WARNING,
                    article_id,
                )
            )
            value = ""
        optional[key] = _clean_field(value)

    article_date = _parse_date(optional["date"])
    if article_date is None:
        warnings.append(
            _bad_date_warning(optional["date"], f"field {fields.date!r}", file, line, article_id)
        )
        article_date = ""

    mapped = {fields.id, fields.text, fields.outlet, fields.date, fields.title, fields.url}
    meta: dict = {"file": file, "line": line}
    for key, value in record.items():
        if key in mapped or key is None:
            continue
        if isinstance(value, str):
            if len(value) > _META_MAX_CHARS:
                continue
            value = _nfc(value)
        elif len(json.dumps(value, ensure_ascii=False, default=str)) > _META_MAX_CHARS:
            continue
        meta[f"{key}_field" if key in ("file", "line") else str(key)] = value

    article = Article(
        id=article_id,
        outlet=outlet,
        date=article_date,
        title=optional["title"],
        text=text,
        url=optional["url"],
        meta=meta,
    )
    return _Candidate(article, warnings)


class _ByteLine(NamedTuple):
    number: int
    data: bytes | None  # None: the stream broke; ``error`` says why
    error: str = ""


def _iter_byte_lines(path: Path) -> Iterator[_ByteLine]:
    """Physical lines (with their line ending) of a plain or gzipped file; read errors end the stream."""
    number = 0
    try:
        with path.open("rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        opener = gzip.open if compressed else open
        with opener(path, "rb") as handle:
            for number, data in enumerate(handle, start=1):
                yield _ByteLine(number, data)
    except (OSError, EOFError, zlib.error) as error:
        what = "the file is corrupt or truncated" if number else "the file cannot be read"
        yield _ByteLine(number + 1, None, f"{what}: {error}; lines after {number} were not read")


def _iter_jsonl(path: Path, fields: FieldMap) -> Iterator[_Candidate | CorpusIssue]:
    shown = str(path)
    for byte_line in _iter_byte_lines(path):
        number, data = byte_line.number, byte_line.data
        if data is None:
            yield CorpusIssue(shown, number, byte_line.error, REJECTED)
            return
        base = 0
        if number == 1 and data.startswith(codecs.BOM_UTF8):
            data, base = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
        try:
            line_text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            yield CorpusIssue(shown, number, _decode_error_reason(data, error, base, " of the line"), REJECTED)
            continue
        if not line_text.strip():
            continue
        try:
            record = json.loads(line_text)
        except json.JSONDecodeError as error:
            yield CorpusIssue(
                shown,
                number,
                f"invalid JSON: {error.msg} at column {error.colno}; each line must be one JSON object",
                REJECTED,
            )
            continue
        if not isinstance(record, dict):
            yield CorpusIssue(
                shown,
                number,
                f"not a JSON object (got {type(record).__name__}); each line must be one {{…}} object",
                REJECTED,
            )
            continue
        yield _record_to_candidate(record, fields, shown, number)


def _iter_csv(path: Path, fields: FieldMap) -> Iterator[_Candidate | CorpusIssue]:
    shown = str(path)
    # Article texts easily exceed the csv module's default field limit of 128 KiB.
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)

    bad_lines: dict[int, str] = {}
    stream_error: list[CorpusIssue] = []

    def decoded_lines() -> Iterator[str]:
        for byte_line in _iter_byte_lines(path):
            number, data = byte_line.number, byte_line.data
            if data is None:
                stream_error.append(CorpusIssue(shown, number, byte_line.error, REJECTED))
                return
            base = 0
            if number == 1 and data.startswith(codecs.BOM_UTF8):
                data, base = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as error:
                bad_lines[number] = _decode_error_reason(data, error, base, f" in line {number}")
                yield data.decode("utf-8", errors="replace")

    lines = decoded_lines()
    first = next(lines, None)
    if first is None or not first.strip():
        if stream_error:
            raise CorpusError(f"{shown}: {stream_error[0].reason}")
        raise CorpusError(f"{shown}: no header row; a CSV corpus needs a header row naming its columns")
    if 1 in bad_lines:
        raise CorpusError(f"{shown}: header row: {bad_lines[1]}")
    delimiter = _sniff_delimiter(first)

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)
    header = [_clean_field(name) for name in next(reader)]
    missing = [
        f"{key} column {getattr(fields, key)!r}"
        for key in ("text", "outlet")
        if getattr(fields, key) not in header
    ]
    if missing:
        shown_delim = "tab" if delimiter == "\t" else repr(delimiter)
        raise CorpusError(
            f"{shown}: the header row has no {' and no '.join(missing)} "
            f"(columns: {', '.join(header)}; delimiter {shown_delim}); "
            "name the columns with text=COLUMN and outlet=COLUMN"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        yield CorpusIssue(
            shown,
            1,
            f"header names columns more than once ({', '.join(duplicates)}); the first of each is used",
            WARNING,
        )

    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield CorpusIssue(shown, start, f"malformed CSV record: {error}", REJECTED)
            continue
        end = reader.line_num
        bad = [bad_lines.pop(n) for n in range(start, end + 1) if n in bad_lines]
        if bad:
            yield CorpusIssue(shown, start, bad[0], REJECTED)
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            yield CorpusIssue(
                shown,
                start,
                f"record has {len(values)} fields but the header has {len(header)}; quote values "
                f"that contain the delimiter {delimiter!r}",
                REJECTED,
            )
            continue
        record: dict = {}
        for name, value in zip(header, values + [""] * (len(header) - len(values))):
            record.setdefault(name, value)
        candidate = _record_to_candidate(record, fields, shown, start)
        if len(values) < len(header) and isinstance(candidate, _Candidate):
            short = CorpusIssue(
                shown,
                start,
                f"record has {len(values)} fields but the header has {len(header)}; "
                "the missing fields are treated as empty",
                WARNING,
                candidate.article.id,
            )
            candidate = candidate._replace(warnings=[short, *candidate.warnings])
        yield candidate
    if stream_error:
        yield stream_error[0]
