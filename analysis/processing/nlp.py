"""The spaCy pipeline: a trained German model when installed, otherwise a measured fallback.

Fallback (no ``de_core_news_*`` installed): ``spacy.blank("de")`` + ``quellenlage_lemmatizer``
(simplemma, cached per word form; it also sets ``NORM`` to the lower-cased lemma) + ``sentencizer``.
Why simplemma and not spaCy's lookup lemmatizer: on the forms that matter for framing lexicons the
lookup table leaves "Angriffskrieges", "Nato-Staaten", "Kampfhandlungen", "Kremlchefs",
"Streitkräfte" unlemmatised and maps "Er"/"sie" to "ich"; simplemma gives "Angriffskrieg",
"Nato-Staat", "Kampfhandlung", "Kremlchef", "Streitkraft", "er", "sie" (measured in
``tests/test_nlp.py`` and ``benchmarks/lemmatizers.py``). Its speed problem (tens of thousands of
words/s uncached) is solved by caching lemmas per word form: news vocabulary is Zipfian, so after a
few hundred articles nearly every lookup is a cache hit.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging

import numpy as np
import spacy
from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from analysis.errors import PipelineError

log = logging.getLogger(__name__)

#: Trained German pipelines tried, in this order, when ``model="auto"``.
TRAINED_GERMAN_MODELS = ("de_core_news_lg", "de_core_news_md", "de_core_news_sm", "de_dep_news_trf")

#: Model names that force the fallback pipeline.
BLANK_MODEL_NAMES = ("blank", "none", "")


#: Lemmas are cached per word form; beyond this many distinct forms the cache is cleared.
LEMMA_CACHE_SIZE = 200_000


class SimplemmaLemmatizer:
    """Sets ``token.lemma_`` from simplemma, cached per word form.

    Tokens without letters (punctuation, numbers) keep their text as lemma. With ``set_norm``
    it also sets ``token.norm_`` to the lower-cased lemma (what :class:`LemmaNorm` does), in the
    same pass over the tokens: the fallback pipeline has no component that reads ``NORM`` in
    between, and one pass instead of two saved 3-4% of a worker's CPU on FANG-COVID. (The factory
    declares ``token.norm`` among its assignments; without ``set_norm`` it leaves ``NORM`` alone.)
    """

    def __init__(self, nlp: Language, name: str, lang: str, greedy: bool, set_norm: bool = False):
        self.name = name
        self.lang = lang
        self.greedy = greedy
        self.set_norm = set_norm
        self._cache: dict[str, str] = {}
        #: ORTH hash → (LEMMA hash, NORM hash) (the same string hashes in every Vocab)
        self._ids: dict[int, tuple[int, int]] = {}

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """spaCy memory zones (:meth:`spacy.Language.memory_zone`) drop the strings added inside
        them: hashes cached during a zone would then name strings that no longer exist."""
        try:
            yield
        finally:
            self._ids.clear()

    def lemma(self, form: str) -> str:
        lemma = self._cache.get(form)
        if lemma is None:
            if any(ch.isalpha() for ch in form):
                import simplemma

                lemma = simplemma.lemmatize(form, lang=self.lang, greedy=self.greedy)
            else:
                lemma = form
            if len(self._cache) >= LEMMA_CACHE_SIZE:
                self._cache.clear()
            self._cache[form] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        by_orth = self._ids
        get = by_orth.get
        lemma_ids = []
        norm_ids = []
        for orth in doc.to_array(ORTH).tolist():
            ids = get(orth)
            if ids is None:
                lemma = self.lemma(strings[orth])
                # the norm string is only made (and stored) when this component sets NORM
                ids = (strings.add(lemma), strings.add(lemma.lower()) if self.set_norm else 0)
                if len(by_orth) >= LEMMA_CACHE_SIZE:
                    by_orth.clear()
                by_orth[orth] = ids
            lemma_ids.append(ids[0])
            norm_ids.append(ids[1])
        # one C call sets every lemma (setting token.lemma_ one by one costs a Token object each)
        if self.set_norm:
            doc.from_array([LEMMA, NORM], np.array([lemma_ids, norm_ids], dtype=np.uint64).T.copy())
        else:
            doc.from_array([LEMMA], np.array(lemma_ids, dtype=np.uint64).reshape(-1, 1))
        return doc


@Language.factory(
    "quellenlage_lemmatizer",
    default_config={"lang": "de", "greedy": True, "set_norm": False},
    assigns=["token.lemma", "token.norm"],
)
def make_simplemma_lemmatizer(nlp: Language, name: str, lang: str, greedy: bool, set_norm: bool) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer(nlp, name, lang, greedy, set_norm)


class LemmaNorm:
    """Sets ``token.norm_`` to the lower-cased lemma.

    Lexicon ``lemma`` patterns are compiled to ``NORM`` equality, which spaCy's Matcher checks in
    C; set-membership (``IN``) or regex predicates run in Python per token and were measured 5-7x
    slower (``benchmarks/lemmatizers.py``). Runs after every component that reads ``NORM``.
    """

    def __init__(self, name: str):
        self.name = name
        #: LEMMA hash → NORM hash (lower-cased lemma)
        self._norm_ids: dict[int, int] = {}

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """Forget the cached norm hashes when a spaCy memory zone ends (see the lemmatizer's)."""
        try:
            yield
        finally:
            self._norm_ids.clear()

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        table = doc.to_array([LEMMA, LOWER])
        by_lemma = self._norm_ids
        get = by_lemma.get
        norm_ids = []
        for lemma_id, lower_id in table.tolist():
            if lemma_id == 0:  # no lemma: the lower-cased form
                norm_ids.append(lower_id)
                continue
            norm_id = get(lemma_id)
            if norm_id is None:
                norm_id = strings.add(strings[lemma_id].lower())
                if len(by_lemma) >= LEMMA_CACHE_SIZE:
                    by_lemma.clear()
                by_lemma[lemma_id] = norm_id
            norm_ids.append(norm_id)
        doc.from_array([NORM], np.array(norm_ids, dtype=np.uint64).reshape(-1, 1))
        return doc


@Language.factory("quellenlage_lemma_norm", assigns=["token.norm"], requires=["token.lemma"])
def make_lemma_norm(nlp: Language, name: str) -> LemmaNorm:
    return LemmaNorm(name)


def installed_german_models() -> list[str]:
    """Names of installed trained German spaCy pipelines, in preference order."""
    found = []
    for name in TRAINED_GERMAN_MODELS:
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def blank_german() -> Language:
    """The fallback pipeline: blank German tokenizer, simplemma lemmatizer, rule sentencizer."""
    nlp = spacy.blank("de")
    # No parser: long texts need no extra memory, so the 1M-character guard can be raised.
    nlp.max_length = 50_000_000
    # the lemmatizer also sets NORM (lower-cased lemma): no component in between reads it
    nlp.add_pipe("quellenlage_lemmatizer", config={"set_norm": True})
    nlp.add_pipe("sentencizer")
    return nlp


def load_base_pipeline(model: str | None = "auto") -> Language:
    """Load the pipeline that tokenises, lemmatises and splits sentences (no lexicons yet).

    ``model``: ``"auto"`` (a trained German model when one is installed, else the fallback),
    ``"blank"`` (always the fallback), or the name/path of a spaCy pipeline.
    """
    name = (model or "").strip()
    if name.lower() in BLANK_MODEL_NAMES:
        return blank_german()
    if name.lower() == "auto":
        found = installed_german_models()
        if not found:
            log.info("no trained German spaCy model installed; using the fallback pipeline")
            return blank_german()
        name = found[0]
    try:
        # The NER is not used by any measure; excluding it saves a third of the time.
        nlp = spacy.load(name, exclude=["ner"])
    except OSError as exc:
        installed = ", ".join(installed_german_models()) or "none"
        raise PipelineError(
            f"spaCy model {name!r} cannot be loaded ({exc.__class__.__name__}). "
            f"Installed German models: {installed}. Allowed: 'auto', 'blank', or an installed "
            f"model name such as de_core_news_md (pip install it; nothing is downloaded at run time)."
        ) from exc
    if nlp.lang != "de":
        raise PipelineError(f"spaCy model {name!r} is for language {nlp.lang!r}; Quellenlage needs a German ('de') model")
    if not _sets_sentences(nlp):
        nlp.add_pipe("sentencizer")
    if not _sets_lemmas(nlp):
        nlp.add_pipe("quellenlage_lemmatizer", before="sentencizer" if "sentencizer" in nlp.pipe_names else None)
    nlp.add_pipe("quellenlage_lemma_norm", last=True)
    return nlp


def _sets_sentences(nlp: Language) -> bool:
    return any(name in nlp.pipe_names for name in ("parser", "senter", "sentencizer"))


def _sets_lemmas(nlp: Language) -> bool:
    analysis = nlp.analyze_pipes(pretty=False)
    for comp in analysis.get("summary", {}).values():
        if "token.lemma" in comp.get("assigns", []):
            return True
    return "lemmatizer" in nlp.pipe_names or "trainable_lemmatizer" in nlp.pipe_names


def describe_pipeline(nlp: Language) -> dict:
    """What ran: recorded in ``run.json`` so every number can be traced to a pipeline."""
    meta = nlp.meta or {}
    info = {
        "spacy_version": spacy.__version__,
        "model": f"{meta.get('lang', 'de')}_{meta.get('name', 'pipeline')}",
        "model_version": meta.get("version", ""),
        "components": list(nlp.pipe_names),
        "trained": meta.get("name", "pipeline") != "pipeline",
    }
    if "quellenlage_lemmatizer" in nlp.pipe_names:
        try:
            info["simplemma_version"] = importlib.metadata.version("simplemma")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - declared dependency
            pass
    info["summary"] = pipeline_summary(info)
    return info


def pipeline_summary(info: dict) -> str:
    """One line for the report's title page."""
    comps = [c for c in info["components"] if not c.startswith("lexicon:")]
    if not info["trained"]:
        base = "blank German tokenizer"
    else:
        base = f"{info['model']} {info['model_version']}".strip()
    return f"spaCy {info['spacy_version']}: {base} + " + " + ".join(comps)
