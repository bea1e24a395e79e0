"""Parse cache: processed spaCy Docs of the base pipeline, keyed by text and pipeline.

What is expensive in a run is the base pipeline (tokenizer, lemmas, sentences — and, with a
trained model, tagger and parser at a few thousand words per second). Lexicons change far more
often than texts or models, so a re-run after a lexicon edit reads the Docs back instead of
parsing again, and only the lexicon matching and the measures run.

The key of an entry is the SHA-256 of the pipeline fingerprint and the text. The fingerprint
(:func:`pipeline_fingerprint`) holds spaCy's version, the model name and version, the base
components and the versions of Quellenlage and simplemma: any change gives new keys, so a stale Doc
is never used. Entries are ``Doc.to_bytes()`` (tokens, lemmas, norms, sentence starts, tags and
dependencies), zlib-compressed, in one SQLite file per cache folder (``docs.sqlite``). SQLite
serialises writers, so worker processes of one machine can share a folder; on a Dask cluster give
every machine a local folder. The cache is only read and written; delete the folder to empty it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from analysis.errors import QuellenlageError

log = logging.getLogger(__name__)

CACHE_FILE = "docs.sqlite"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/quellenlage`` (default ``~/.cache/quellenlage``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quellenlage"


def pipeline_fingerprint(nlp: Language, base_components: Sequence[str]) -> str:
    """What determines a base-pipeline Doc besides its text (see the module docstring)."""
    import importlib.metadata

    import spacy

    from analysis._version import __version__

    meta = nlp.meta or {}
    parts = {
        "spacy": spacy.__version__,
        "model": f"{meta.get('lang', '')}_{meta.get('name', '')}",
        "model_version": meta.get("version", ""),
        "components": list(base_components),
        "quellenlage": __version__,
    }
    try:
        parts["simplemma"] = importlib.metadata.version("simplemma")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - declared dependency
        parts["simplemma"] = ""
    return json.dumps(parts, sort_keys=True)


class DocCache:
    """Base-pipeline Docs by text, for one pipeline fingerprint (one connection per process)."""

    def __init__(self, folder: str | Path, fingerprint: str):
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.folder / CACHE_FILE, timeout=120)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS docs (key BLOB PRIMARY KEY, data BLOB NOT NULL)")
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise QuellenlageError(
                f"parse cache {self.folder / CACHE_FILE} cannot be opened ({exc}); give a writable folder with --cache DIR or --cache none"
            ) from exc
        self._prefix = hashlib.sha256(fingerprint.encode("utf-8")).digest()
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> bytes:
        return hashlib.sha256(self._prefix + text.encode("utf-8")).digest()

    def get_many(self, texts: Sequence[str], vocab) -> list[Doc | None]:
        """The cached Doc of each text, or None."""
        keys = [self.key(t) for t in texts]
        found: dict[bytes, bytes] = {}
        for start in range(0, len(keys), 500):  # SQLite's parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT key, data FROM docs WHERE key IN ({marks})", chunk).fetchall())
        docs: list[Doc | None] = []
        for k in keys:
            data = found.get(k)
            if data is None:
                self.misses += 1
                docs.append(None)
            else:
                self.hits += 1
                docs.append(Doc(vocab).from_bytes(zlib.decompress(data)))
        return docs

    def put_many(self, texts: Sequence[str], docs: Sequence[Doc]) -> None:
        rows = [(self.key(t), zlib.compress(d.to_bytes(exclude=["user_data", "spans"]), 1)) for t, d in zip(texts, docs)]
        try:
            self._db.executemany("INSERT OR REPLACE INTO docs (key, data) VALUES (?, ?)", rows)
            self._db.commit()
        except sqlite3.Error as exc:  # a full disk must not end the analysis
            log.warning("parse cache: could not store %d Docs in %s (%s)", len(rows), self.folder / CACHE_FILE, exc)

    def close(self) -> None:
        self._db.close()
