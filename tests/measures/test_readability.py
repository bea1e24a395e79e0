"""German readability: syllable counter on a word list, formulas against hand-computed values, Doc counts."""

from __future__ import annotations

import math
import random

import pytest

from analysis.measures import readability as rd
from analysis.processing.nlp import blank_german


@pytest.fixture(scope="module")
def base():
    return blank_german()


# Syllables by Duden's syllabification (Worttrennung / pronunciation), counted by hand.
SYLLABLES = [
    ("Spezialoperation", 8),  # Spe-zi-al-o-pe-ra-ti-on (pyphen: 7)
    ("Videobotschaft", 5),  # Vi-de-o-bot-schaft
    ("Friedenstruppe", 4),  # Frie-dens-trup-pe
    ("Kampfhandlungen", 4),
    ("Kremlsprecher", 3),
    ("Selenskyj", 3),
    ("Sicherheitsgarantien", 7),  # Si-cher-heits-ga-ran-ti-en
    ("Garantie", 3),  # Ga-ran-tie
    ("Koalition", 5),  # Ko-a-li-ti-on
    ("Situation", 5),  # Si-tu-a-ti-on
    ("Ausbildungseinsatz", 5),
    ("Friedensvereinbarung", 6),
    ("Mitgliedschaft", 3),  # pyphen: 4
    ("europäisch", 4),  # eu-ro-pä-isch
    ("Europäer", 4),
    ("Bauarbeiter", 4),  # Bau-ar-bei-ter
    ("Steuer", 2),
    ("Frauen", 2),
    ("Quellenlage", 4),  # qu is a consonant cluster
    ("Quarantäne", 4),
    ("Ukraine", 4),  # U-k-ra-i-ne (Duden)
    ("Kiew", 2),  # Ki-ew
    ("Familie", 4),  # Fa-mi-li-e
    ("Familienangehörige", 9),
    ("Medienberichte", 6),  # Me-di-en-be-rich-te
    ("Studie", 3),
    ("Spanien", 3),
    ("Industrien", 4),
    ("Geheimdienst", 3),  # not Ge-heim-di-enst
    ("verdient", 2),
    ("erschien", 2),
    ("Wien", 1),
    ("Patient", 3),
    ("offiziell", 4),
    ("Effizienz", 4),
    ("Museum", 3),
    ("Ideen", 3),  # I-de-en
    ("Idee", 2),
    ("beenden", 3),  # be-en-den
    ("Kooperation", 6),  # Ko-o-pe-ra-ti-on
    ("Milieu", 2),
    ("Niveau", 2),
    ("Interview", 3),
    ("Yacht", 1),
    ("Bayern", 2),
    ("Epidemiologe", 7),
    ("Nato-Staaten", 4),  # hyphen separates, both parts counted
    ("72-Jährige", 3),  # digits carry no syllables
    ("SPD", 3),  # read letter by letter
    ("USA", 3),
    ("Teamchef", 2),  # English loan counted as pronounced
    ("2022", 0),
]


@pytest.mark.parametrize("word, expected", SYLLABLES)
def test_german_syllable_counts(word, expected):
    assert rd.count_syllables(word) == expected


def test_letters_and_words():
    assert rd.count_letters("Nato-Staaten") == 11
    assert rd.is_word("72-Jährige") and not rd.is_word("2022") and not rd.is_word("–")


# --------------------------------------------------------------------------- pure formulas


def test_flesch_amstad_hand_computed():
    # 180 - 20/2 - 58.5 * 30/20 = 180 - 10 - 87.75
    assert rd.flesch_amstad(20, 2, 30) == pytest.approx(82.25)


@pytest.mark.parametrize(
    "variant, expected",
    [
        # MS = 20, SL = 10, IW = 30, ES = 40 (W = 100, S = 10, W3 = 20, L = 30, W1 = 40)
        (1, 0.1935 * 20 + 0.1672 * 10 + 0.1297 * 30 - 0.0327 * 40 - 0.875),  # 7.250
        (2, 0.2007 * 20 + 0.1682 * 10 + 0.1373 * 30 - 2.779),  # 7.036
        (3, 0.2963 * 20 + 0.1905 * 10 - 1.1144),  # 6.7166
        (4, 0.2744 * 20 + 0.2656 * 10 - 1.693),  # 6.451
    ],
)
def test_wiener_sachtextformel_hand_computed(variant, expected):
    value = rd.wiener_sachtextformel(
        variant, n_words=100, n_sentences=10, n_polysyllables=20, n_long_words=30, n_monosyllables=40
    )
    assert value == pytest.approx(expected)
    assert value == pytest.approx({1: 7.25, 2: 7.036, 3: 6.7166, 4: 6.451}[variant])


def test_wiener_sachtextformel_rejects_unknown_variant():
    with pytest.raises(ValueError, match="1, 2, 3 or 4"):
        rd.wiener_sachtextformel(5, n_words=1, n_sentences=1, n_polysyllables=0, n_long_words=0, n_monosyllables=1)


def test_undefined_formulas_are_nan_not_zero():
    assert math.isnan(rd.flesch_amstad(0, 0, 0))
    assert math.isnan(rd.flesch_amstad(10, 0, 12))
    assert math.isnan(rd.wiener_sachtextformel(1, n_words=0, n_sentences=1, n_polysyllables=0, n_long_words=0, n_monosyllables=0))
    assert math.isnan(rd.mean_sentence_length(0, 3))
    assert math.isnan(rd.mattr(["ein", "Wort"], window=3))


def test_mattr_hand_computed_and_against_naive_definition():
    # windows of 3: [a b a] 2/3, [b a c] 3/3, [a c c] 2/3 → mean 7/9
    assert rd.mattr(["a", "b", "a", "c", "c"], window=3) == pytest.approx(7 / 9)
    rng = random.Random(3)
    words = [rng.choice("der die das und nicht Krieg Ukraine Kreml sagte".split()) for _ in range(300)]
    for window in (1, 7, 50, 300):
        naive = [len(set(words[i : i + window])) / window for i in range(len(words) - window + 1)]
        assert rd.mattr(words, window=window) == pytest.approx(sum(naive) / len(naive))


# --------------------------------------------------------------------------- counts from a Doc


def test_counts_and_scores_of_a_german_text(base):
    doc = base("Die Nato sieht Russland als Feind. Das ist gefährlich für unser Land!")
    counts = rd.readability_counts(doc)
    # Die Nato sieht Russland als Feind (1+2+1+2+1+1) | Das ist gefährlich für unser Land (1+1+3+1+2+1)
    assert counts == rd.ReadabilityCounts(
        n_words=12, n_sentences=2, n_syllables=17, n_polysyllables=1, n_monosyllables=8, n_long_words=2
    )
    row = rd.measure_readability(doc)
    assert list(row) == rd.COLUMNS
    assert row["readability.flesch_amstad"] == pytest.approx(180 - 6 - 58.5 * 17 / 12)  # 91.125
    # MS = 100/12, SL = 6, IW = 200/12, ES = 800/12
    assert row["readability.wstf1"] == pytest.approx(1.72237, abs=1e-4)
    assert row["readability.mean_sentence_length"] == 6
    assert row["readability.long_word_share"] == pytest.approx(2 / 12)
    assert math.isnan(row["readability.mattr"])  # 12 words < 50-word window


def test_headings_and_datelines_are_sentences_numbers_are_not_words(base):
    text = "Kreml: Russland braucht auch Sicherheit\n\nAm 24. Februar 2022 griff Russland die Ukraine an."
    doc = base(text)
    assert len(list(doc.sents)) == 1  # the sentencizer glues the heading to the next sentence
    counts = rd.readability_counts(doc)
    assert counts.n_sentences == 2
    assert counts.n_words == 5 + 7  # "24" and "2022" are not words


def test_empty_and_wordless_texts_give_nan(base):
    for text in ["", "2022 – 24.", "\n\n"]:
        row = rd.measure_readability(base(text))
        assert row["readability.n_words"] == 0
        for key in ("flesch_amstad", "wstf1", "wstf4", "mean_sentence_length", "long_word_share", "mattr"):
            assert math.isnan(row[f"readability.{key}"]), (text, key)


def test_mattr_of_a_doc_uses_lower_cased_word_forms(base):
    doc = base(" ".join(["Krieg krieg"] * 30))
    assert rd.measure_readability(doc, window=2)["readability.mattr"] == pytest.approx(0.5)


def test_pooled_scores_apply_formulas_to_summed_counts(base):
    rows = [rd.measure_readability(base(t)) for t in ("Die Nato sieht Russland als Feind.", "Das ist gefährlich für unser Land!")]
    pooled = rd.pooled_scores(rows)
    assert pooled["readability.n_words"] == 12
    assert pooled["readability.flesch_amstad"] == pytest.approx(91.125)


def test_formulas_agree_with_textstat_german_where_its_counts_are_right(base):
    """textstat (set_lang("de")) as an independent implementation of the same formulas."""
    text = "Der Hund bellt laut. Die Katze schläft im Haus. Wir gehen morgen in den Garten."
    ours = rd.measure_readability(base(text))
    ref = rd.textstat_reference(text)
    assert (ref["lexicon_count"], ref["sentence_count"], ref["syllable_count"]) == (15, 3, 19)
    assert ours["readability.n_words"] == 15 and ours["readability.n_syllables"] == 19
    assert ours["readability.flesch_amstad"] == pytest.approx(ref["flesch_reading_ease"])
    for variant in (1, 2, 3, 4):
        assert ours[f"readability.wstf{variant}"] == pytest.approx(ref[f"wiener_sachtextformel_{variant}"])


def test_every_column_is_described():
    assert set(rd.describe()) == set(rd.COLUMNS)


def _bounds_token_by_token(doc):
    """Reference for the sentence parts: one pass over the tokens."""
    bounds, start, has_word = [], 0, False
    for token in doc:
        if token.is_sent_start and token.i > 0:
            if has_word:
                bounds.append((start, token.i))
            start, has_word = token.i, False
        if token.text.isspace() and "\n" in token.text:
            if has_word:
                bounds.append((start, token.i))
            start, has_word = token.i + 1, False
        elif rd.is_word(token.text):
            has_word = True
    if has_word:
        bounds.append((start, len(doc)))
    return bounds


@pytest.mark.parametrize(
    "text",
    [
        "Kreml: Russland braucht auch Sicherheit\n\nAm 24. Februar 2022 griff Russland die Ukraine an. Dann 2022.",
        "\n\nÜberschrift\n– 24 –\nText hier! Und dort?\n",
        "Ein Satz.",
        "",
    ],
)
def test_token_table_matches_a_token_by_token_pass(base, text):
    doc = base(text)
    table = rd.token_table(doc)
    assert table.bounds == rd.sentence_bounds(doc) == _bounds_token_by_token(doc)
    infos, _ = rd._token_infos(doc)
    assert table.word.tolist() == [info[0] for info in infos]
    assert table.syllables.tolist() == [info[1] for info in infos]
    assert table.long_word.tolist() == [info[2] for info in infos]
    # MATTR types: equal LOWER hashes exactly for equal lower-cased forms
    forms = rd.word_forms(doc)
    types = table.lower[table.word].tolist()
    assert [[a == b for b in forms] for a in forms] == [[a == b for b in types] for a in types]


def test_mattr_of_types_equals_the_sliding_window_count():
    rng = random.Random(5)
    words = [rng.choice("der die das und nicht Krieg Ukraine Kreml sagte".split()) for _ in range(200)]
    for window in (1, 3, 50, 200):
        naive = sum(len(set(words[i : i + window])) for i in range(len(words) - window + 1))
        assert rd.mattr(words, window=window) == naive / ((len(words) - window + 1) * window)
