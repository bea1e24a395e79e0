"""Import and export of lexicons: LIWC ``.dic``, quanteda YAML dictionaries and Quellenlage TOML.

Readers
-------
:func:`read_liwc` and :func:`read_quanteda_yaml` turn a foreign dictionary into a validated
:class:`~analysis.lexicons.model.Lexicon` (validated by :func:`analysis.lexicons.model.parse_lexicon`, so the
same rules as for the TOML files apply); :func:`write_toml` then saves it in the project schema.

* Every dictionary category becomes a :class:`~analysis.lexicons.model.Category`; its name is the label
  sanitised to ``[a-z][a-z0-9_]*`` (umlauts transliterated, ``ß`` → ``ss``, other characters
  → ``_``); nested quanteda keys are joined with ``_`` (``emotion: {negativ: …}`` →
  ``emotion_negativ``). Its description keeps the original label and the file it came from.
* Every (category, word) pair becomes one :class:`~analysis.lexicons.model.Entry` with one term, so
  evidence names the dictionary word that matched. A word listed under several categories
  gives one entry per category. Entry ids are ``<category>_<word>`` sanitised the same way,
  with ``_2``, ``_3`` … on clashes, in file order (deterministic).
* Match modes: LIWC and quanteda (``valuetype = "glob"``, ``case_insensitive = TRUE``, the
  defaults) match word forms case-insensitively and do not lemmatise. So a word ending in ``*``
  becomes a ``prefix`` entry (term without the ``*``: ``Angst*`` matches "Angstzustände", not
  "Ängste"), every other word a ``lower`` entry (``Furcht`` matches "FURCHT", not "Furchtbar").
  Nothing is imported as ``lemma``: that would match more than the original dictionary does.
* quanteda values of several words become multi-word terms (``militärische Spezialoperation``,
  matched as that word sequence); a ``*`` standing alone as a word matches any one token in
  both quanteda and Quellenlage and is kept. A value with ``*`` on only some of its words
  (``militärisch* Spezialoperation``) cannot be expressed exactly (``prefix`` applies to every
  word of a term): it is imported as ``prefix`` on every word, logged as a warning and written
  into the entry's ``note``.
* A word listed under several categories counts in each of them in LIWC and quanteda, but a
  Quellenlage lexicon keeps one span per place in the text (the longest, then the first), so
  there it counts in only one of its categories. The import logs a warning naming such words;
  to reproduce LIWC's per-category counts exactly, split the dictionary into one lexicon per
  category.
* Unsupported wildcards (``*`` at the start or in the middle of a word, ``?``) and malformed
  lines raise :class:`~analysis.errors.LexiconError` naming the file, the line and what is
  allowed. Nothing is skipped silently: an imported lexicon that quietly lost words would bias
  every rate computed with it. Harmless duplicates (the same word twice in one category) are
  merged and logged.
* Files must be UTF-8; a byte-order mark is accepted and removed; text is normalised to NFC.

Writers
-------
:func:`write_toml` writes the project schema (strings escaped per TOML 1.0) and checks before
writing that the text loads back into an equal lexicon. :func:`write_liwc` and
:func:`write_quanteda_yaml` export and return a list of warnings for everything the target
format cannot express:

* ``prefix`` → ``word*`` (every word of a multi-word term gets the ``*``); ``lower`` → the word;
  ``orth`` → the word (warning: LIWC and quanteda ignore case); ``lemma`` → the term as written
  (warning: both formats match only that word form, e.g. not the plural);
* multi-word terms: quanteda writes them as multi-word values; LIWC writes them as a phrase line
  (``militärische Spezialoperation<TAB>2``) with a warning, because older LIWC versions
  (LIWC2007) and some other ``.dic`` readers do not match phrases. Terms with the any-token
  wildcard ``*`` are written to quanteda and skipped (with a warning) for LIWC, which has no
  such wildcard;
* exclusions, ``needs_context``, the ``[context]`` table, poles, version, descriptions, sources
  and notes have no place in either format: each loss is one warning.

Everything logs via ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from analysis.errors import LexiconError
from analysis.lexicons.model import MATCH_MODES, WILDCARD, Lexicon, parse_lexicon
from analysis.reading.textfile import read_utf8_text

log = logging.getLogger(__name__)

__all__ = [
    "read_liwc",
    "read_quanteda_yaml",
    "write_toml",
    "toml_text",
    "write_liwc",
    "write_quanteda_yaml",
    "slugify",
]

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")  # \Z: "$" also matches before a trailing newline
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
_ALLOWED_WILDCARD = "allowed: '*' at the end of a word (prefix, e.g. 'Angst*') or '*' alone as a word (any one token)"


# --------------------------------------------------------------------------- names


def slugify(text: str) -> str:
    """Lower-case ASCII identifier part: umlauts transliterated, ß → ss, other characters → ``_``.

    ``"Empörung"`` → ``"empoerung"``, ``"Straße"`` → ``"strasse"``, ``"Café noir"`` →
    ``"cafe_noir"``; may be empty (no Latin letters or digits) or start with a digit.
    """
    text = unicodedata.normalize("NFC", text).translate(_TRANSLITERATION)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _unique(base: str, used: set[str]) -> str:
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}_{n}"
    used.add(name)
    return name


def _category_base(label_parts: list[str], fallback: str) -> str:
    """Category name before clash handling: parts sanitised and joined with ``_``."""
    slug = "_".join(s for s in (slugify(p) for p in label_parts) if s)
    if not slug:
        return fallback
    return slug if slug[0].isalpha() else f"c_{slug}"


def _entry_id(category: str, term: str, used: set[str]) -> str:
    return _unique(f"{category}_{slugify(term) or 'term'}", used)


# --------------------------------------------------------------------------- reading helpers


def _read_text(path: Path, kind: str) -> str:
    return read_utf8_text(
        path, LexiconError, kind,
        "Convert it first, e.g. `iconv -f WINDOWS-1252 -t UTF-8` (older LIWC dictionaries are Windows-1252)",
    )


def _parse_value(raw: str, path: Path, line: int, *, any_token_ok: bool) -> tuple[str, str, str]:
    """A dictionary value → (term, match mode, note). ``*`` at a word end = prefix."""
    words = raw.split()
    if not words:
        raise LexiconError(f"{path}, line {line}: empty word; allowed: one or more words")
    stripped: list[str] = []
    n_prefix = n_plain = 0
    for word in words:
        if "?" in word:
            raise LexiconError(f"{path}, line {line}: {raw!r} uses the wildcard '?', which is not supported; {_ALLOWED_WILDCARD}")
        if word == WILDCARD:
            if not any_token_ok:
                raise LexiconError(f"{path}, line {line}: {raw!r}: a '*' standing alone is not a LIWC word; allowed: '*' at the end of a word (prefix, e.g. 'Angst*')")
            stripped.append(word)
            continue
        if WILDCARD in word[:-1]:
            raise LexiconError(f"{path}, line {line}: {raw!r} has '*' at the start or in the middle of a word, which is not supported; {_ALLOWED_WILDCARD}")
        if word.endswith(WILDCARD):
            n_prefix += 1
            stripped.append(word[:-1])
        else:
            n_plain += 1
            stripped.append(word)
    if n_prefix == 0 and n_plain == 0:
        raise LexiconError(f"{path}, line {line}: {raw!r} consists only of wildcards and would match every token; allowed: at least one word")
    term = " ".join(stripped)
    if n_prefix and n_plain:
        note = (
            f"Imported from {path.name} line {line} as {raw!r}: '*' on only some words cannot be expressed; "
            f"imported as prefix on every word, so '{term}' also matches longer forms of the words without '*'."
        )
        log.warning("%s, line %d: %s", path, line, note)
        return term, "prefix", note
    return term, ("prefix" if n_prefix else "lower"), ""


class _Builder:
    """Collects categories and entries of an import, then validates through ``parse_lexicon``."""

    def __init__(self, path: Path, kind: str, source: str | None):
        self.path = path
        self.kind = kind
        self.source = source
        self.categories: dict[str, dict[str, str]] = {}
        self.entries: dict[str, list[dict[str, Any]]] = {}  # category → entries (file order)
        self._category_names: set[str] = set()
        self._seen: dict[tuple[str, str, str], int] = {}

    def add_category(self, label_parts: list[str], fallback: str, description: str) -> str:
        base = _category_base(label_parts, fallback)
        name = _unique(base, self._category_names)
        if name != base:
            log.warning("%s: category %r named %r: %r is already taken by another category", self.path, ".".join(label_parts), name, base)
        self.categories[name] = {"description": description}
        self.entries[name] = []
        return name

    def add_word(self, category: str, raw: str, line: int, *, any_token_ok: bool) -> None:
        term, mode, note = _parse_value(raw, self.path, line, any_token_ok=any_token_ok)
        key = (category, mode, term.casefold())
        if key in self._seen:
            log.info("%s, line %d: %r already listed for category %r on line %d; merged", self.path, line, raw, category, self._seen[key])
            return
        self._seen[key] = line
        where = f"{self.path.name}, line {line}"
        source = f"{self.source}; {where}" if self.source else f"imported from {where}"
        entry: dict[str, Any] = {"category": category, "terms": [term], "match": mode, "source": source}
        if note:
            entry["note"] = note
        self.entries[category].append(entry)

    def build(self, name: str, version: str, description: str) -> Lexicon:
        used: set[str] = set()
        raw_entries = []
        for category, entries in self.entries.items():
            for entry in entries:
                raw_entries.append({"id": _entry_id(category, entry["terms"][0], used), **entry})
        if not raw_entries:
            raise LexiconError(f"{self.path}: no words found; a {self.kind} needs at least one word in a category")
        shared = _shared_words(raw_entries)
        if shared:
            examples = ", ".join(f"{t!r} ({', '.join(c)})" for t, c in list(shared.items())[:5])
            log.warning(
                "%s: %d word(s) belong to several categories, e.g. %s. %s counts such a word in every category; "
                "Quellenlage keeps one span per place in the text and lexicon (the longest, then the first), so the word "
                "counts in only one of its categories. Split the lexicon into one lexicon per category to count it in each.",
                self.path, len(shared), examples, "LIWC" if "LIWC" in self.kind else "quanteda",
            )
        data = {
            "lexicon": {"name": name, "version": version, "description": description},
            "categories": self.categories,
            "entry": raw_entries,
        }
        try:
            lexicon = parse_lexicon(data, Path(f"{name}.toml"))
        except LexiconError as exc:
            raise LexiconError(f"{self.path}: the imported lexicon is invalid: {exc}") from exc
        log.info(
            "imported %s %s as lexicon %r: %d categories, %d entries",
            self.kind, self.path, name, len(lexicon.categories), len(lexicon.entries),
        )
        return dataclasses.replace(lexicon, path=self.path)


def _shared_words(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Terms (ignoring case and match mode) listed under more than one category."""
    by_term: dict[str, list[str]] = {}
    for entry in entries:
        cats = by_term.setdefault(entry["terms"][0].casefold(), [])
        if entry["category"] not in cats:
            cats.append(entry["category"])
    return {t: c for t, c in by_term.items() if len(c) > 1}


def _check_name(name: str, path: Path) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise LexiconError(
            f"{path}: lexicon name {name!r} is not allowed; allowed: [a-z][a-z0-9_]* "
            f"(it becomes the TOML file stem and a column prefix), e.g. {slugify(path.stem) or 'my_lexicon'!r}"
        )


# --------------------------------------------------------------------------- LIWC


_LIWC_FORMAT = "'%', one '<id><TAB><label>' line per category, '%', then '<word><TAB><id> <id> …' lines"
_LIWC_WORD = "a word (or phrase) followed by the numeric ids of its categories, e.g. 'Angst*<TAB>1' or 'empör*<TAB>1<TAB>2'"


def read_liwc(
    path: str | Path,
    *,
    name: str,
    version: str = "1.0.0",
    source: str | None = None,
    description: str | None = None,
) -> Lexicon:
    """Read a LIWC ``.dic`` dictionary (UTF-8) into a validated :class:`Lexicon`.

    Format: a category header between two lines holding only ``%`` (``<id> <label>`` per line,
    numeric ids, tab or space separated; LIWC2015 tab indentation of sub-categories is accepted and
    flattened), then one word per line followed by the ids of its categories. A word may be a
    phrase of several words when separated from its ids by a tab. ``name`` becomes the lexicon
    name (and later the TOML file stem); ``source`` is recorded in every entry together with the
    file name and line (default ``"imported from <file>, line <n>"``). See the module docstring
    for the mapping of wildcards and the errors.
    """
    path = Path(path)
    _check_name(name, path)
    text = _read_text(path, "LIWC dictionary")
    builder = _Builder(path, "LIWC dictionary", source)
    id_to_category: dict[int, str] = {}
    id_lines: dict[int, int] = {}
    state = "start"  # start → header → words
    header_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if state == "start":
            if stripped != "%":
                raise LexiconError(f"{path}, line {number}: expected a line '%' opening the category header; allowed: {_LIWC_FORMAT}")
            state, header_line = "header", number
            continue
        if state == "header":
            if stripped == "%":
                if not id_to_category:
                    raise LexiconError(f"{path}, line {number}: the category header declares no category; allowed: {_LIWC_FORMAT}")
                state = "words"
                continue
            m = re.match(r"^(\d+)\s+(\S.*)$", stripped)
            if not m:
                hint = "" if stripped[:1].isdigit() else " (is the closing '%' of the header missing?)"
                raise LexiconError(f"{path}, line {number}: malformed category line {stripped!r}{hint}; allowed: '<number><TAB><label>', e.g. '1<TAB>angst'")
            cid, label = int(m.group(1)), " ".join(m.group(2).split())
            if cid in id_to_category:
                raise LexiconError(f"{path}, line {number}: category id {cid} is already declared on line {id_lines[cid]}; allowed: each id once")
            id_to_category[cid] = builder.add_category(
                [label], f"category_{cid}", f"{label!r} (LIWC category {cid}), imported from {path.name}"
            )
            id_lines[cid] = number
            continue
        # word lines
        if stripped == "%":
            raise LexiconError(f"{path}, line {number}: unexpected '%' after the category header (closed before); allowed: {_LIWC_FORMAT}")
        if "<of>" in stripped:
            raise LexiconError(f"{path}, line {number}: {stripped!r}: LIWC <of> tags are not supported; allowed: {_LIWC_WORD}")
        if "\t" in stripped:
            word, _, rest = stripped.partition("\t")
            id_tokens = rest.split()
        else:
            tokens = stripped.split()
            k = len(tokens)
            while k > 1 and tokens[k - 1].isdigit():
                k -= 1
            word, id_tokens = " ".join(tokens[:k]), tokens[k:]
        word = " ".join(word.split())
        well_formed = bool(id_tokens) and all(t.isdigit() for t in id_tokens)
        if not well_formed and re.search(r"[()\[\]/]", stripped):
            raise LexiconError(
                f"{path}, line {number}: {stripped!r}: LIWC conditional category codes such as '(02 134)125/464' are not supported; allowed: {_LIWC_WORD}"
            )
        if not id_tokens:
            raise LexiconError(f"{path}, line {number}: word {word!r} has no category id; allowed: {_LIWC_WORD}")
        for token in id_tokens:
            if not token.isdigit():
                raise LexiconError(f"{path}, line {number}: category id {token!r} of {word!r} is not a number; allowed: ids declared in the header ({_id_list(id_to_category)})")
            if int(token) not in id_to_category:
                raise LexiconError(f"{path}, line {number}: category id {token} of {word!r} is not declared in the header; declared: {_id_list(id_to_category)}")
        for token in dict.fromkeys(int(t) for t in id_tokens):
            builder.add_word(id_to_category[token], word, number, any_token_ok=False)
    if state != "words":
        where = f"the category header opened on line {header_line} is not closed by a second '%'" if state == "header" else "no '%' category header found"
        raise LexiconError(f"{path}: {where}; allowed: {_LIWC_FORMAT}")
    return builder.build(name, version, description or f"Imported from the LIWC dictionary {path.name}.")


def _id_list(ids: dict[int, str]) -> str:
    items = [f"{i} ({c})" for i, c in ids.items()]
    return ", ".join(items[:20]) + (f", … ({len(items)} in all)" if len(items) > 20 else "") if items else "none"


# --------------------------------------------------------------------------- quanteda YAML


def _yaml():
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - PyYAML is a dependency
        raise LexiconError("reading or writing quanteda YAML dictionaries needs PyYAML: pip install pyyaml") from exc
    return yaml


def read_quanteda_yaml(
    path: str | Path,
    *,
    name: str,
    version: str = "1.0.0",
    source: str | None = None,
    description: str | None = None,
) -> Lexicon:
    """Read a quanteda YAML dictionary (``dictionary(file = "x.yml")`` format) into a :class:`Lexicon`.

    The top level is a mapping of keys; a key holds a list of values (or one value), nested keys,
    or both (a ``__`` key, as quanteda's ``as.yaml()`` writes them, or mapping items inside the
    list). Nested keys become categories named by their path joined with ``_``. Values follow
    quanteda's ``glob`` rules (``*`` wildcard) and are matched case-insensitively on word forms.
    Scalars are taken as written (``no``, ``2022`` stay strings, not booleans or numbers).
    """
    yaml = _yaml()
    path = Path(path)
    _check_name(name, path)
    text = _read_text(path, "quanteda YAML dictionary")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(f"{path}{where}: not valid YAML ({problem}); allowed: a mapping of keys to lists of words") from exc
    if root is None:
        raise LexiconError(f"{path}: empty file; allowed: a mapping of keys to lists of words, e.g. 'angst: [Angst*, Furcht]'")
    if not isinstance(root, yaml.MappingNode):
        raise LexiconError(f"{path}, line {root.start_mark.line + 1}: the top level must be a mapping of keys; allowed: 'angst:' followed by a list of words")
    builder = _Builder(path, "quanteda YAML dictionary", source)
    categories: dict[tuple[str, ...], str] = {}

    def category_for(keys: tuple[str, ...]) -> str:
        if keys not in categories:
            label = ".".join(keys)
            categories[keys] = builder.add_category(list(keys), "category", f"{label!r} (quanteda key), imported from {path.name}")
        return categories[keys]

    def add_scalar(node, keys: tuple[str, ...]) -> None:
        line = node.start_mark.line + 1
        if node.tag == "tag:yaml.org,2002:null":  # 'key:' with nothing after it
            raise LexiconError(f"{path}, line {line}: key {'.'.join(keys)!r} has no words; allowed: a list of words (or nested keys)")
        builder.add_word(category_for(keys), " ".join(node.value.split()), line, any_token_ok=True)

    def walk(node, keys: tuple[str, ...]) -> None:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                kline = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode) or not key_node.value.strip():
                    raise LexiconError(f"{path}, line {kline}: a key must be a non-empty name; allowed: 'angst:' followed by a list of words")
                key = " ".join(key_node.value.split())
                if key in seen:
                    raise LexiconError(f"{path}, line {kline}: key {key!r} appears twice in one mapping (first on line {seen[key]}); allowed: each key once")
                seen[key] = kline
                if key == "__":  # quanteda's as.yaml(): values of the parent key next to its sub-keys
                    if not keys:
                        raise LexiconError(f"{path}, line {kline}: '__' (values of the parent key) at the top level has no parent key")
                    walk(value_node, keys)
                else:
                    walk(value_node, keys + (key,))
        elif isinstance(node, yaml.SequenceNode):
            if not keys:
                raise LexiconError(f"{path}, line {line}: a list outside any key; allowed: 'key:' followed by a list of words")
            category_for(keys)  # an empty list still declares the category
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    add_scalar(item, keys)
                elif isinstance(item, yaml.MappingNode):
                    walk(item, keys)
                else:
                    raise LexiconError(f"{path}, line {item.start_mark.line + 1}: a list inside a list under {'.'.join(keys)!r}; allowed: words or 'subkey:' mappings")
        else:
            add_scalar(node, keys)

    walk(root, ())
    return builder.build(name, version, description or f"Imported from the quanteda YAML dictionary {path.name}.")


# --------------------------------------------------------------------------- TOML


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """A TOML basic string: quote, backslash and control characters (incl. DEL) escaped."""
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_array(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def _comment(text: str) -> str:
    """One line of text safe inside a TOML or YAML comment (no control characters)."""
    return " ".join("".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text).split())


def _default_match(lexicon: Lexicon) -> str:
    counts = {mode: 0 for mode in MATCH_MODES}
    for entry in lexicon.entries:
        counts[entry.match] = counts.get(entry.match, 0) + 1
    best = max(counts.values(), default=0)
    if counts.get("lemma", 0) == best:  # the schema's default wins ties
        return "lemma"
    return next(mode for mode, n in counts.items() if n == best)


def _example_line(example) -> str:
    return f"  {{ text = {_toml_string(example.text)}, source = {_toml_string(example.source)} }},"


def toml_text(lexicon: Lexicon) -> str:
    """The lexicon as TOML text in the project schema (see ``lexicons/README.md``)."""
    lines = [f"# {_comment(lexicon.name)} {lexicon.version}: written by Quellenlage (analysis.lexicons.formats.write_toml)."]
    if lexicon.path is not None and Path(lexicon.path).suffix.lower() != ".toml":
        lines.append(f"# Imported from {_comment(Path(lexicon.path).name)}.")
    default_match = _default_match(lexicon)
    lines += [
        "",
        "[lexicon]",
        f"name = {_toml_string(lexicon.name)}",
        f"version = {_toml_string(lexicon.version)}",
        f"description = {_toml_string(lexicon.description)}",
    ]
    if lexicon.poles:
        lines.append(f"poles = {_toml_array(lexicon.poles)}")
    lines.append(f"default_match = {_toml_string(default_match)}")
    for cname, category in lexicon.categories.items():
        lines += ["", f"[categories.{_toml_key(cname)}]", f"description = {_toml_string(category.description)}"]
        if category.example:
            lines.append(f"example = {_toml_string(category.example)}")
        if category.examples:
            lines += ["examples = ["] + [_example_line(ex) for ex in category.examples] + ["]"]
    if lexicon.context is not None:
        ctx = lexicon.context
        window = '"article"' if ctx.window is None else str(int(ctx.window))
        lines += [
            "",
            "[context]",
            f"terms = {_toml_array(ctx.terms)}",
            f"match = {_toml_string(ctx.match)}",
            f"window = {window}",
            f"source = {_toml_string(ctx.source)}",
        ]
    if lexicon.counter_examples:
        lines += ["", "[semantic]", "counter_examples = ["] + [_example_line(ex) for ex in lexicon.counter_examples] + ["]"]
    for entry in lexicon.entries:
        lines += [
            "",
            "[[entry]]",
            f"id = {_toml_string(entry.id)}",
            f"category = {_toml_string(entry.category)}",
            f"terms = {_toml_array(entry.terms)}",
        ]
        if entry.match != default_match:
            lines.append(f"match = {_toml_string(entry.match)}")
        if entry.exclude:
            lines.append(f"exclude = {_toml_array(entry.exclude)}")
        lines.append(f"source = {_toml_string(entry.source)}")
        if entry.note:
            lines.append(f"note = {_toml_string(entry.note)}")
        if entry.needs_context:
            lines.append("needs_context = true")
    return "\n".join(lines) + "\n"


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def write_toml(lexicon: Lexicon, path: str | Path) -> Path:
    """Write ``lexicon`` as a TOML file in the project schema; return the path written.

    ``path`` is a ``.toml`` file whose stem is the lexicon's name, or an existing folder (the file
    ``<folder>/<name>.toml`` is written). Before writing, the text is parsed back exactly as
    :func:`analysis.lexicons.model.load_lexicon` will (tomllib, NFC, ``parse_lexicon``); if the result is
    not equal to ``lexicon`` (e.g. an invalid hand-built lexicon) nothing is written and a
    :class:`LexiconError` says why.
    """
    path = Path(path)
    if path.is_dir():
        path = path / f"{lexicon.name}.toml"
    if path.stem != lexicon.name or path.suffix != ".toml":
        raise LexiconError(
            f"cannot write {path}: lexicon files are named <lexicon name>.toml; allowed: {path.with_name(lexicon.name + '.toml')} or a folder"
        )
    text = toml_text(lexicon)
    try:
        back = parse_lexicon(_nfc(tomllib.loads(text)), path)
    except (LexiconError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"cannot write {path}: the lexicon is not valid in the TOML schema: {exc}") from exc
    if back != lexicon:
        raise LexiconError(f"cannot write {path}: it would not load back unchanged ({_first_difference(lexicon, back)}); "
                           "allowed: NFC text, terms with single spaces, a valid lexicon")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"cannot write {path}: {exc.strerror or exc}") from exc
    log.info("wrote lexicon %s %s to %s (%d entries)", lexicon.name, lexicon.version, path, len(lexicon.entries))
    return path


def _first_difference(a: Lexicon, b: Lexicon) -> str:
    for f in dataclasses.fields(Lexicon):
        if not f.compare:
            continue
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if va != vb:
            if f.name == "entries" and len(va) == len(vb):
                for ea, eb in zip(va, vb):
                    if ea != eb:
                        return f"entry {ea.id!r}: {ea!r} would load as {eb!r}"
            return f"{f.name}: {va!r} would load as {vb!r}"
    return "unknown difference"


# --------------------------------------------------------------------------- export


def _lost_features(lexicon: Lexicon, fmt: str) -> list[str]:
    warnings = [
        f"{fmt} keeps only category names and words: the lexicon's version {lexicon.version}, description, "
        f"category descriptions/examples, entry ids, sources and notes are not written"
    ]
    if lexicon.poles:
        warnings.append(f"poles {list(lexicon.poles)} (the two-pole index) cannot be expressed in {fmt}; not written")
    if lexicon.context is not None:
        warnings.append(f"the [context] topic terms {list(lexicon.context.terms)} cannot be expressed in {fmt}; not written")
    if lexicon.semantic_categories:
        warnings.append(f"the example sentences and counter-examples of the semantic layer cannot be expressed in {fmt}; not written")
    for entry in lexicon.entries:
        if entry.exclude:
            warnings.append(f"entry {entry.id!r}: exclusions {list(entry.exclude)} cannot be expressed in {fmt}; the exported words also match inside them")
        if entry.needs_context:
            warnings.append(f"entry {entry.id!r}: needs_context cannot be expressed in {fmt}; the exported words also count outside the topic")
    return warnings


def _export_term(entry, term: str, fmt: str, warnings: list[str]) -> list[str]:
    """The words of one term in glob notation (``*`` appended for prefix)."""
    words = term.split()
    if entry.match == "prefix":
        if any("-" in w for w in words if w != WILDCARD):
            warnings.append(f"entry {entry.id!r} term {term!r}: Quellenlage's prefix mode makes hyphens optional; {fmt} matches only the hyphenated spelling")
        return [w if w == WILDCARD else w + "*" for w in words]
    if entry.match == "lemma":
        warnings.append(
            f"entry {entry.id!r} term {term!r}: lemma matching cannot be expressed in {fmt}; written as the word form "
            f"{term!r}, which matches only this form (not its inflections)"
        )
    elif entry.match == "orth":
        warnings.append(f"entry {entry.id!r} term {term!r}: case-sensitive (orth) matching cannot be expressed in {fmt}; written as {term!r}, matched ignoring case")
    return words


def _emit(warnings: list[str], path: Path) -> list[str]:
    for w in warnings:
        log.warning("%s: %s", path, w)
    return warnings


def write_liwc(lexicon: Lexicon, path: str | Path) -> list[str]:
    """Export ``lexicon`` as a LIWC ``.dic`` file (UTF-8); return warnings for everything lossy.

    Categories are numbered 1, 2, … in the lexicon's order; each word appears on one line with
    the ids of all its categories (words merged ignoring case, as LIWC matches them), sorted
    alphabetically. Multi-word terms are written as phrases (word and ids separated by a tab) with a
    warning; terms with the any-token wildcard ``*`` are skipped with a warning.
    """
    path = Path(path)
    warnings = _lost_features(lexicon, "LIWC")
    ids = {name: i for i, name in enumerate(lexicon.categories, start=1)}
    words: dict[str, tuple[str, list[int]]] = {}
    for entry in lexicon.entries:
        for term in entry.terms:
            if WILDCARD in term.split():
                warnings.append(f"entry {entry.id!r} term {term!r}: LIWC has no wildcard for 'any one token'; skipped")
                continue
            form = " ".join(_export_term(entry, term, "LIWC", warnings))
            if len(term.split()) > 1:
                warnings.append(f"entry {entry.id!r} term {term!r}: multi-word term written as the phrase {form!r}; LIWC2007 and some other .dic readers do not match phrases")
            if form.startswith("%"):
                warnings.append(f"entry {entry.id!r} term {term!r}: a word starting with '%' would be read as a header marker; skipped")
                continue
            spelling, cids = words.setdefault(form.casefold(), (form, []))
            if ids[entry.category] not in cids:
                cids.append(ids[entry.category])
    lines = ["%"] + [f"{i}\t{name}" for name, i in ids.items()] + ["%"]
    for key in sorted(words):
        spelling, cids = words[key]
        lines.append(spelling + "\t" + "\t".join(str(i) for i in sorted(cids)))
    _write(path, "\n".join(lines) + "\n")
    log.info("wrote LIWC dictionary %s: %d categories, %d words", path, len(ids), len(words))
    return _emit(warnings, path)


def write_quanteda_yaml(lexicon: Lexicon, path: str | Path) -> list[str]:
    """Export ``lexicon`` as a quanteda YAML dictionary (flat keys = categories); return warnings.

    Read it in R with ``quanteda::dictionary(file = "<path>")`` (``.yml`` extension) or
    ``format = "YAML"``. Multi-word terms become multi-word values; nested keys of an imported
    quanteda dictionary come back flat (joined with ``_``).
    """
    yaml = _yaml()
    path = Path(path)
    warnings = _lost_features(lexicon, "quanteda YAML")
    data: dict[str, list[str]] = {name: [] for name in lexicon.categories}
    seen: set[tuple[str, str]] = set()
    for entry in lexicon.entries:
        for term in entry.terms:
            value = " ".join(_export_term(entry, term, "quanteda YAML", warnings))
            if (entry.category, value.casefold()) not in seen:
                seen.add((entry.category, value.casefold()))
                data[entry.category].append(value)
    header = [
        f"# quanteda dictionary exported by Quellenlage from lexicon {_comment(lexicon.name)} {_comment(lexicon.version)}.",
        f"# {_comment(lexicon.description)}",
        "# Values are glob patterns ('*' = any ending), matched case-insensitively on word forms.",
    ]

    class IndentedDumper(yaml.SafeDumper):
        """Indents list items under their key, as quanteda's ``as.yaml()`` does."""

        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

    body = yaml.dump(data, Dumper=IndentedDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    _write(path, "\n".join(header) + "\n" + body)
    log.info("wrote quanteda YAML dictionary %s: %d keys", path, len(data))
    return _emit(warnings, path)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"cannot write {path}: {exc.strerror or exc}") from exc
