"""German readability: Flesch (Amstad), Wiener Sachtextformel 1–4, sentence length, long words, MATTR.

Every value is computed from counts taken from the processed spaCy ``Doc`` (never from textstat's
own regex sentence splitter or pyphen syllables, which miscount German, see DESIGN.md). The
formulas are pure functions of counts, testable without spaCy, each citing its source.

Counting units
--------------
* **word**: a token containing at least one letter (``str.isalpha`` on any character). Numbers
  ("2022", "26") and punctuation are not words here: a number has no written syllables, and
  Amstad and Bamberger & Vanecek count words of running text. (``n_tokens`` of ``articles.csv``
  counts numbers too; ``readability.n_words`` does not.)
* **sentence**: a spaCy sentence (parser, senter or sentencizer), additionally split at line
  breaks, because headings, datelines and kickers ("Kreml: Russland braucht auch Sicherheit") end
  without a full stop and would otherwise be glued to the next sentence; only parts that contain
  at least one word count.
* **syllables**: :func:`count_syllables`, a German vowel-nucleus counter (below). pyphen (used by
  textstat) undercounts, e.g. "Spezialoperation" 7 instead of 8.
* **letters**: alphabetic characters of a word ("Nato-Staaten" has 11); a *long word* has more
  than six letters (Bamberger & Vanecek 1984: "Wörter mit mehr als sechs Buchstaben").

Metrics (column names of ``articles.csv``)
------------------------------------------
Let W = words, S = sentences, Y = syllables, W3 = words with three or more syllables,
W1 = words with one syllable, L = words with more than six letters.

``readability.n_words``, ``readability.n_sentences``, ``readability.n_syllables``,
``readability.n_polysyllables`` (W3), ``readability.n_monosyllables`` (W1),
``readability.n_long_words`` (L)
    The counts behind every formula (so each value can be recomputed, and outlets can be pooled).
``readability.mean_sentence_length``
    W / S (words per sentence).
``readability.syllables_per_word``
    Y / W.
``readability.long_word_share``
    L / W in [0, 1].
``readability.flesch_amstad``
    German Flesch Reading Ease, Amstad (1978): ``180 - W/S - 58.5 * Y/W``. Higher = easier;
    about 0–30 very difficult (academic), 60–70 standard, > 80 easy. Not clipped to [0, 100].
``readability.wstf1`` … ``readability.wstf4``
    Wiener Sachtextformel, Bamberger & Vanecek (1984), with MS = 100·W3/W, SL = W/S,
    IW = 100·L/W, ES = 100·W1/W (percentages):

    * wstf1 = 0.1935·MS + 0.1672·SL + 0.1297·IW − 0.0327·ES − 0.875  (prose)
    * wstf2 = 0.2007·MS + 0.1682·SL + 0.1373·IW − 2.779
    * wstf3 = 0.2963·MS + 0.1905·SL − 1.1144
    * wstf4 = 0.2744·MS + 0.2656·SL − 1.693  (designed for school grades)

    The value is a school grade (4 = easy, 15 = very difficult).
``readability.mattr``
    Moving-average type-token ratio (Covington & McFall 2010): the mean type/token ratio of
    all windows of :data:`MATTR_WINDOW` consecutive words (lower-cased word forms), in (0, 1].
    Unlike the plain TTR it does not fall with text length. NaN for texts shorter than one window.

Undefined values (no word, no sentence, text shorter than the MATTR window) are NaN, never 0.

Syllable counting
-----------------
:func:`count_syllables` counts vowel nuclei in each letter run of a word (hyphens, digits and
apostrophes separate runs): vowels are a e i o u ä ö ü y (and accented Latin vowels); the German
digraphs ai au ay ei ey eu äu ie aa ee oo ou oy and the trigraphs eau ieu count once; every other
sequence of vowels is a hiatus and counts once per vowel ("Spe-zi-al-o-pe-ra-ti-on" = 8,
"Vi-de-o" = 3). "qu" is a consonant cluster; "y" before a vowel at the start is a consonant
("Yacht"). :data:`HIATUS_RULES` split digraphs that are two syllables by Duden's syllabification:
unstressed "-ie" nouns (Fa-mi-li-e, Stu-di-e, Me-di-en), "-ien" before a consonant or at the end
(Me-di-en, Spa-ni-en, In-dus-tri-en; not "Dienst", "dient", "schien", "Wien"), "-ient/-ienz/-iell"
(Pa-ti-ent, Ef-fi-zi-enz, of-fi-zi-ell), "-eum" (Mu-se-um), "-een" (I-de-en), "Uk-ra-i-ne",
"Ki-ew", prefix + stem vowel (be-en-den, ge-ehrt, be-in-hal-ten, Ko-o-pe-ra-ti-on). A letter run
without a vowel is read letter by letter ("SPD", "Kfz"), as are runs of at most three letters
with two or more capitals ("USA", "AfD"). A few frequent English loans are counted as
pronounced (:data:`LOANWORD_PREFIXES`: "Team", "Fake", "online", "Update"). The rules are tested
on a word list in ``tests/test_readability.py``; counts are cached per word form.

textstat
--------
This is the only module that imports textstat. It is used for one thing it does correctly: as an
independent implementation of the German formulas (one ``textstatistics()`` instance with
``set_lang("de")``), to cross-check :func:`flesch_amstad` and :func:`wiener_sachtextformel` on a
text whose counts textstat gets right (:func:`textstat_reference`). Its module-level functions
(English defaults; English syllables may download the CMU dictionary) are never called, and no
measure in ``articles.csv`` comes from textstat.

References
----------
* Amstad, T. (1978). *Wie verständlich sind unsere Zeitungen?* Dissertation, Universität Zürich.
* Bamberger, R. & Vanecek, E. (1984). *Lesen – Verstehen – Lernen – Schreiben. Die
  Schwierigkeitsstufen von Texten in deutscher Sprache.* Wien: Jugend und Volk.
* Covington, M. A. & McFall, J. D. (2010). Cutting the Gordian knot: the moving-average
  type–token ratio (MATTR). *Journal of Quantitative Linguistics* 17(2), 94–100.
* Duden (online), Worttrennung, for the syllabification of the test words.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np
from spacy.attrs import LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Span

#: Column prefix of every readability value.
PREFIX = "readability"

#: Window of the moving-average type-token ratio, in words. Covington & McFall (2010) used 500 for
#: long texts; news articles are often shorter than 500 words, so a 50-word window (the common
#: choice for short texts, e.g. textacy and lexicalrichness defaults) keeps MATTR defined for them.
MATTR_WINDOW = 50

#: Long words have more than this many letters (Bamberger & Vanecek 1984).
LONG_WORD_LETTERS = 6

#: Amstad (1978) German Flesch constants: 180 − ASL − 58.5 · ASW.
AMSTAD_BASE = 180.0
AMSTAD_SENTENCE_LENGTH = 1.0
AMSTAD_SYLLABLES_PER_WORD = 58.5

#: Wiener Sachtextformel coefficients (Bamberger & Vanecek 1984): (MS, SL, IW, ES, constant).
WSTF_COEFFICIENTS: dict[int, tuple[float, float, float, float, float]] = {
    1: (0.1935, 0.1672, 0.1297, -0.0327, -0.875),
    2: (0.2007, 0.1682, 0.1373, 0.0, -2.779),
    3: (0.2963, 0.1905, 0.0, 0.0, -1.1144),
    4: (0.2744, 0.2656, 0.0, 0.0, -1.693),
}

#: Column names in the order of :func:`measure_readability`'s row (for ``articles.csv``).
COLUMNS = [
    f"{PREFIX}.n_words",
    f"{PREFIX}.n_sentences",
    f"{PREFIX}.n_syllables",
    f"{PREFIX}.n_polysyllables",
    f"{PREFIX}.n_monosyllables",
    f"{PREFIX}.n_long_words",
    f"{PREFIX}.mean_sentence_length",
    f"{PREFIX}.syllables_per_word",
    f"{PREFIX}.long_word_share",
    f"{PREFIX}.flesch_amstad",
    f"{PREFIX}.wstf1",
    f"{PREFIX}.wstf2",
    f"{PREFIX}.wstf3",
    f"{PREFIX}.wstf4",
    f"{PREFIX}.mattr",
]

# --------------------------------------------------------------------------- syllables

VOWELS = frozenset("aeiouäöüyáàâéèêëíìîïóòôúùûœæø")
DIGRAPHS = frozenset({"ai", "au", "ay", "ei", "ey", "eu", "äu", "ie", "aa", "ee", "oo", "ou", "oy"})
TRIGRAPHS = frozenset({"eau", "ieu"})

#: Where a digraph is two syllables (Duden's syllabification in the comments). In each pattern the
#: first group that took part in the match ends at the split: its last vowel and the next vowel are
#: separate nuclei.
HIATUS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        # unstressed -ie nouns and their compounds: Fa-mi-li-e, Li-ni-e, Stu-di-e, Se-ri-e, Ak-ti-e,
        # Ma-te-ri-e, Prä-mi-e, Ko-mö-di-e, Tra-gö-di-e, His-to-ri-e, Fo-li-e, Spe-zi-es, Kar-ri-e-re,
        # Bar-ri-e-re, Pre-mi-e-re, Hy-gi-e-ne
        (
            "unstressed_ie",
            r"(famili|lini|studi|seri|akti|materi|prämi|komödi|tragödi|histori|foli|spezi|karri|barri|premi|hygi)e",
        ),
        # -ien before a consonant or at the end: Me-di-en, Spa-ni-en, Fe-ri-en, In-dus-tri-en, Ga-ran-ti-en
        ("ien", r"(i)en(?:[^aeiouäöüy]|$)"),
        # -ient, -ienz, -iell: Pa-ti-ent, O-ri-ent, Ef-fi-zi-enz, of-fi-zi-ell (not "dient")
        ("ient_ienz_iell", r"([^d]i)ent|(i)(?:enz|ell)"),
        # -eum, -äum: Mu-se-um, Ju-bi-lä-um
        ("eum", r"([eä])ums?$"),
        # -een: I-de-en, Ar-me-en, Al-le-en
        ("een", r"(e)ens?$"),
        # Uk-ra-i-ne (Duden), Ki-ew
        ("names", r"(ukra)i|^(ki)ew"),
        # prefix be-/ge-/ko-/zo- before a stem vowel: be-en-den, be-er-di-gen, ge-ehrt, ge-eb-net,
        # ge-erbt, ge-ern-tet, be-ei-len, be-in-hal-ten, Ko-o-pe-ra-ti-on, ko-or-di-nie-ren, Zo-o-lo-gie
        ("prefix", r"(be)(?:end|erd|ehr|eil|eid|inhalt)|(ge)(?:ehr|ebn|erb|ernt)|(ko)(?:op|ord)|(zo)olog"),
    )
)

#: Where "ien" is one syllable although a consonant follows or it ends the word (exceptions to
#: the "ien" rule): Dienst, dient, dienlich, schien, Wien.
IEN_MONOSYLLABIC = re.compile(r"dien(?:st|t|l)|schien|^wien")

#: Frequent English loans whose spelling hides their pronunciation: letter-run prefix → syllables.
LOANWORD_PREFIXES: dict[str, int] = {
    "team": 1,
    "deal": 1,
    "leader": 2,
    "stream": 1,
    "fake": 1,
    "face": 1,
    "live": 1,
    "online": 2,
    "update": 2,
}

#: A letter run starting with one of :data:`LOANWORD_PREFIXES` (tried in their order).
_LOANWORD_PREFIX = re.compile("|".join(LOANWORD_PREFIXES))

_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _hiatus_positions(run: str) -> set[int]:
    """Indices i such that run[i-1] and run[i] are separate syllable nuclei."""
    positions: set[int] = set()
    exempt: set[int] = set()
    for m in IEN_MONOSYLLABIC.finditer(run):
        exempt.update(range(m.start(), m.end()))
    for name, pattern in HIATUS_RULES:
        for match in pattern.finditer(run):
            group = next(g for g in range(1, (pattern.groups or 0) + 1) if match.group(g) is not None)
            i = match.end(group)
            if name == "ien" and i in exempt:
                continue
            positions.add(i)
    return positions


def _count_run(run: str) -> int:
    """Syllable nuclei of one lower-cased letter run (no hyphens, digits or punctuation)."""
    loan = _LOANWORD_PREFIX.match(run)
    if loan:
        rest = run[loan.end() :]
        return LOANWORD_PREFIXES[loan.group()] + (_count_run(rest) if rest else 0)
    splits: set[int] | None = None  # hiatus positions, found only when a digraph or trigraph needs them
    count = 0
    i = 0
    n = len(run)
    while i < n:
        ch = run[i]
        is_vowel = ch in VOWELS
        if ch == "u" and i > 0 and run[i - 1] == "q":
            is_vowel = False  # "qu": consonant cluster (Quelle, Quote)
        elif ch == "y" and i == 0 and n > 1 and run[1] in VOWELS:
            is_vowel = False  # initial y before a vowel (Yacht, Yoga)
        if not is_vowel:
            i += 1
            continue
        count += 1
        tri = run[i : i + 3]
        pair = run[i : i + 2]
        if splits is None and (tri in TRIGRAPHS or pair in DIGRAPHS):
            splits = _hiatus_positions(run)
        if tri in TRIGRAPHS and (i + 1) not in splits and (i + 2) not in splits:
            i += 3
        elif pair in DIGRAPHS and (i + 1) not in splits:
            i += 2
        else:
            i += 1
    return count


def count_syllables(word: str) -> int:
    """Syllables of a German word form (0 for a token without letters).

    >>> count_syllables("Spezialoperation"), count_syllables("Videobotschaft"), count_syllables("Friedenstruppe")
    (8, 5, 4)
    """
    total = 0
    for run in _LETTER_RUN.findall(word):
        lower_run = run.lower()
        if VOWELS.isdisjoint(lower_run) or (len(run) <= 3 and sum(c.isupper() for c in run) >= 2):
            total += len(run)  # read letter by letter: SPD, Kfz, USA, AfD
        else:
            total += _count_run(lower_run)
    return total


def count_letters(word: str) -> int:
    """Alphabetic characters of a word ("Nato-Staaten" → 11)."""
    return sum(map(str.isalpha, word))


def is_word(text: str) -> bool:
    """A readability word: a token containing at least one letter."""
    return any(map(str.isalpha, text))


# --------------------------------------------------------------------------- formulas (pure)


def mean_sentence_length(n_words: float, n_sentences: float) -> float:
    """Words per sentence; NaN without sentences or words."""
    if n_sentences <= 0 or n_words <= 0:
        return math.nan
    return n_words / n_sentences


def flesch_amstad(n_words: float, n_sentences: float, n_syllables: float) -> float:
    """German Flesch Reading Ease (Amstad 1978): ``180 − W/S − 58.5 · Y/W``; NaN when W or S is 0.

    >>> flesch_amstad(n_words=20, n_sentences=2, n_syllables=30)
    82.25
    """
    if n_words <= 0 or n_sentences <= 0:
        return math.nan
    return AMSTAD_BASE - AMSTAD_SENTENCE_LENGTH * (n_words / n_sentences) - AMSTAD_SYLLABLES_PER_WORD * (n_syllables / n_words)


def wiener_sachtextformel(
    variant: int,
    *,
    n_words: float,
    n_sentences: float,
    n_polysyllables: float,
    n_long_words: float,
    n_monosyllables: float,
) -> float:
    """Wiener Sachtextformel ``variant`` 1–4 (Bamberger & Vanecek 1984); NaN when W or S is 0.

    MS = 100·W3/W (words with ≥ 3 syllables, %), SL = W/S, IW = 100·L/W (words with > 6 letters,
    %), ES = 100·W1/W (one-syllable words, %); see :data:`WSTF_COEFFICIENTS`.

    >>> round(wiener_sachtextformel(4, n_words=100, n_sentences=10, n_polysyllables=20,
    ...                             n_long_words=30, n_monosyllables=40), 4)
    6.451
    """
    if variant not in WSTF_COEFFICIENTS:
        raise ValueError(f"Wiener Sachtextformel variant must be 1, 2, 3 or 4, got {variant!r}")
    if n_words <= 0 or n_sentences <= 0:
        return math.nan
    ms = 100.0 * n_polysyllables / n_words
    sl = n_words / n_sentences
    iw = 100.0 * n_long_words / n_words
    es = 100.0 * n_monosyllables / n_words
    a, b, c, d, const = WSTF_COEFFICIENTS[variant]
    return a * ms + b * sl + c * iw + d * es + const


def mattr(words: Sequence[str], window: int = MATTR_WINDOW) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010); NaN if fewer than ``window`` words.

    ``words`` are compared as given (pass lower-cased forms for case-insensitive types).

    >>> mattr(["a", "b", "a", "c"], window=2)
    1.0
    >>> mattr(["a", "a", "a"], window=2)
    0.5
    """
    index: dict[str, int] = {}
    return mattr_of_types(np.array([index.setdefault(w, len(index)) for w in words], dtype=np.int64), window)


def mattr_of_types(types: np.ndarray, window: int = MATTR_WINDOW) -> float:
    """:func:`mattr` of words given as type numbers (equal number = same word form).

    The sum of the type counts of all windows is counted per word instead of per window: word i
    is a new type in exactly those windows that contain it but no earlier occurrence of its type,
    the windows starting at s with max(0, i − window + 1, previous occurrence + 1) ≤ s ≤
    min(i, n − window). The sum is an exact integer, so the mean is the same as window by window.
    """
    if window < 1:
        raise ValueError(f"MATTR window must be >= 1, got {window}")
    n = len(types)
    if n < window:
        return math.nan
    order = np.argsort(types, kind="stable")  # by type, each type's occurrences in text order
    repeated = types[order[1:]] == types[order[:-1]]
    previous = np.full(n, -1, dtype=np.int64)  # previous occurrence of the word's type, -1 if none
    previous[order[1:][repeated]] = order[:-1][repeated]
    position = np.arange(n, dtype=np.int64)
    first_window = np.maximum(np.maximum(position - window + 1, previous + 1), 0)
    last_window = np.minimum(position, n - window)
    total = int(np.maximum(last_window - first_window + 1, 0).sum())
    return total / ((n - window + 1) * window)


# --------------------------------------------------------------------------- counts from a Doc


@dataclass(frozen=True)
class ReadabilityCounts:
    """The counts every formula is computed from (summable across articles)."""

    n_words: int
    n_sentences: int
    n_syllables: int
    n_polysyllables: int
    n_monosyllables: int
    n_long_words: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def sentence_spans(doc: Doc) -> Iterator[Span]:
    """spaCy sentences split further at line breaks; only parts containing a word are yielded."""
    for start, end in sentence_bounds(doc):
        yield doc[start:end]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Token ``(start, end)`` of every part :func:`sentence_spans` yields (one pass over arrays)."""
    return token_table(doc).bounds


#: ORTH hash → (is word, syllables, is long word, lower-cased form, is a line break); hashes are
#: of the string, so they are the same in every Vocab. Bounded like the lemma cache.
_TYPE_INFO: dict[int, tuple[bool, int, bool, str, bool]] = {}
_TYPE_CACHE_SIZE = 200_000


def _type_info(orth: int, strings) -> tuple[bool, int, bool, str, bool]:
    info = _TYPE_INFO.get(orth)
    if info is None:
        text = strings[orth]
        word = is_word(text)
        info = (
            word,
            count_syllables(text) if word else 0,
            word and count_letters(text) > LONG_WORD_LETTERS,
            text.lower(),
            text.isspace() and "\n" in text,
        )
        if len(_TYPE_INFO) >= _TYPE_CACHE_SIZE:
            _TYPE_INFO.clear()
        _TYPE_INFO[orth] = info
    return info


def _token_infos(doc: Doc) -> tuple[list[tuple[bool, int, bool, str, bool]], list[int]]:
    """Per token its type info and its SENT_START value (1 start, -1 inside, 0 unknown)."""
    table = doc.to_array([ORTH, SENT_START])
    return _type_infos(table[:, 0], doc.vocab.strings), table[:, 1].tolist()


def _type_infos(orths: np.ndarray, strings) -> list[tuple[bool, int, bool, str, bool]]:
    """The type info of every ORTH hash in ``orths`` (from the cache, computed on a miss)."""
    cache_get = _TYPE_INFO.get
    return [cache_get(h) or _type_info(h, strings) for h in orths.tolist()]


@dataclass(frozen=True)
class TokenTable:
    """Token attributes of one Doc as arrays, read once and shared by the measures of one call."""

    orth: np.ndarray  # per token: ORTH hash (the token text)
    lower: np.ndarray  # per token: LOWER hash (the lower-cased text)
    word: np.ndarray  # per token, bool: a readability word (contains a letter)
    syllables: np.ndarray  # per token: syllables (0 for a token that is not a word)
    long_word: np.ndarray  # per token, bool: a word with more than six letters
    bounds: list[tuple[int, int]]  # token (start, end) of the sentences (see :func:`sentence_bounds`)


def token_table(doc: Doc) -> TokenTable:
    """The :class:`TokenTable` of a Doc (word, syllables and line breaks from the per-type cache)."""
    table = doc.to_array([ORTH, LOWER, SENT_START]).reshape(-1, 3)
    orths, type_of_token = np.unique(table[:, 0], return_inverse=True)  # each distinct text looked up once
    infos = _type_infos(orths, doc.vocab.strings)
    word, syllables, long_word, _lower, newline = zip(*infos) if infos else ((),) * 5
    word_flags = np.array(word, dtype=bool)[type_of_token]
    newlines = np.flatnonzero(np.array(newline, dtype=bool)[type_of_token])
    return TokenTable(
        orth=table[:, 0],
        lower=table[:, 1],
        word=word_flags,
        syllables=np.array(syllables, dtype=np.int64)[type_of_token],
        long_word=np.array(long_word, dtype=bool)[type_of_token],
        bounds=_sentence_bounds(word_flags, np.flatnonzero(table[:, 2] == 1), newlines),
    )


def _sentence_bounds(word: np.ndarray, sentence_starts: np.ndarray, newlines: np.ndarray) -> list[tuple[int, int]]:
    """Parts of spaCy sentences between line breaks that contain a word, as token (start, end).

    Parts are cut at every sentence start and around every line-break token (which belongs to no
    part); a part is kept when it contains a word.
    """
    n = len(word)
    cut = np.zeros(n + 1, dtype=bool)  # cut[i]: a part may start or end at token i
    cut[[0, n]] = True
    cut[sentence_starts] = True
    cut[newlines] = True
    cut[newlines + 1] = True
    cuts = np.flatnonzero(cut)
    starts, ends = cuts[:-1], cuts[1:]
    words_before = np.concatenate(([0], np.cumsum(word)))
    keep = words_before[ends] > words_before[starts]
    return list(zip(starts[keep].tolist(), ends[keep].tolist()))


def readability_counts(doc: Doc, table: TokenTable | None = None) -> ReadabilityCounts:
    """Words, sentences, syllables, poly-/monosyllables and long words of a processed Doc."""
    t = token_table(doc) if table is None else table
    syllables = t.syllables[t.word]
    n_words = len(syllables)
    return ReadabilityCounts(
        n_words=n_words,
        n_sentences=len(t.bounds) if n_words else 0,
        n_syllables=int(syllables.sum()),
        n_polysyllables=int(np.count_nonzero(syllables >= 3)),
        n_monosyllables=int(np.count_nonzero(syllables == 1)),
        n_long_words=int(np.count_nonzero(t.long_word)),
    )


def scores_from_counts(counts: ReadabilityCounts | dict, *, mattr_value: float = math.nan) -> dict[str, float]:
    """Every ``readability.*`` value from counts (also used to pool counts of an outlet)."""
    c = counts.as_dict() if isinstance(counts, ReadabilityCounts) else dict(counts)
    w, s = c["n_words"], c["n_sentences"]
    row: dict[str, float] = {f"{PREFIX}.{k}": v for k, v in c.items()}
    row[f"{PREFIX}.mean_sentence_length"] = mean_sentence_length(w, s)
    row[f"{PREFIX}.syllables_per_word"] = c["n_syllables"] / w if w > 0 else math.nan
    row[f"{PREFIX}.long_word_share"] = c["n_long_words"] / w if w > 0 else math.nan
    row[f"{PREFIX}.flesch_amstad"] = flesch_amstad(w, s, c["n_syllables"])
    for variant in (1, 2, 3, 4):
        row[f"{PREFIX}.wstf{variant}"] = wiener_sachtextformel(
            variant,
            n_words=w,
            n_sentences=s,
            n_polysyllables=c["n_polysyllables"],
            n_long_words=c["n_long_words"],
            n_monosyllables=c["n_monosyllables"],
        )
    row[f"{PREFIX}.mattr"] = mattr_value
    return {k: row[k] for k in COLUMNS}


def word_forms(doc: Doc) -> list[str]:
    """Lower-cased word forms (tokens with a letter) in text order: the tokens of MATTR."""
    infos, _ = _token_infos(doc)
    return [info[3] for info in infos if info[0]]


def measure_readability(doc: Doc, *, window: int = MATTR_WINDOW, table: TokenTable | None = None) -> dict[str, float]:
    """All ``readability.*`` columns of one article (see the module docstring).

    ``table``: the Doc's :func:`token_table` when the caller has it. The MATTR types are the
    words' LOWER hashes: equal exactly when the lower-cased forms (:func:`word_forms`) are equal.
    """
    t = token_table(doc) if table is None else table
    return scores_from_counts(readability_counts(doc, t), mattr_value=mattr_of_types(t.lower[t.word], window))


# --------------------------------------------------------------------------- textstat cross-check

_TEXTSTAT = None


def _textstat_de():
    """The one textstat instance, set to German (imported lazily: textstat imports nltk)."""
    global _TEXTSTAT
    if _TEXTSTAT is None:
        from textstat.textstat import textstatistics

        instance = textstatistics()
        instance.set_lang("de")
        _TEXTSTAT = instance
    return _TEXTSTAT


def textstat_reference(text: str) -> dict[str, float]:
    """textstat's own German values for ``text`` (its sentence splitter and pyphen syllables).

    Only for cross-checking the formulas on texts whose counts textstat gets right, and for showing
    where its counts go wrong; no ``articles.csv`` column comes from here.
    """
    ts = _textstat_de()
    out = {
        "flesch_reading_ease": float(ts.flesch_reading_ease(text)),
        "sentence_count": float(ts.sentence_count(text)),
        "lexicon_count": float(ts.lexicon_count(text)),
        "syllable_count": float(ts.syllable_count(text)),
    }
    for variant in (1, 2, 3, 4):
        out[f"wiener_sachtextformel_{variant}"] = float(ts.wiener_sachtextformel(text, variant))
    return out


def describe() -> dict[str, str]:
    """Column name → one-line definition (for the report and ``run.json``)."""
    return {
        f"{PREFIX}.n_words": "words: tokens with at least one letter (numbers excluded)",
        f"{PREFIX}.n_sentences": "sentences (spaCy, also split at line breaks) containing a word",
        f"{PREFIX}.n_syllables": "syllables (German vowel-nucleus counter)",
        f"{PREFIX}.n_polysyllables": "words with three or more syllables",
        f"{PREFIX}.n_monosyllables": "words with one syllable",
        f"{PREFIX}.n_long_words": "words with more than six letters",
        f"{PREFIX}.mean_sentence_length": "words per sentence",
        f"{PREFIX}.syllables_per_word": "syllables per word",
        f"{PREFIX}.long_word_share": "share of words with more than six letters",
        f"{PREFIX}.flesch_amstad": "German Flesch reading ease (Amstad 1978): 180 - W/S - 58.5 Y/W; higher = easier",
        f"{PREFIX}.wstf1": "Wiener Sachtextformel 1 (Bamberger & Vanecek 1984); school grade 4-15",
        f"{PREFIX}.wstf2": "Wiener Sachtextformel 2 (Bamberger & Vanecek 1984)",
        f"{PREFIX}.wstf3": "Wiener Sachtextformel 3 (Bamberger & Vanecek 1984)",
        f"{PREFIX}.wstf4": "Wiener Sachtextformel 4 (Bamberger & Vanecek 1984)",
        f"{PREFIX}.mattr": f"moving-average type-token ratio, {MATTR_WINDOW}-word window (Covington & McFall 2010)",
    }


def pooled_scores(rows: Iterable[dict]) -> dict[str, float]:
    """Formulas applied to the summed counts of several articles (an outlet's pooled readability).

    MATTR is not count-based; the pooled value is the mean of the articles' defined MATTRs.
    """
    totals = dict.fromkeys(ReadabilityCounts.__dataclass_fields__, 0)
    mattrs = []
    for row in rows:
        for key in totals:
            totals[key] += row[f"{PREFIX}.{key}"]
        m = row.get(f"{PREFIX}.mattr", math.nan)
        if m == m:  # not NaN
            mattrs.append(m)
    return scores_from_counts(totals, mattr_value=sum(mattrs) / len(mattrs) if mattrs else math.nan)
