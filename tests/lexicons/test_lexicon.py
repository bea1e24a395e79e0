"""Lexicon schema validation and matching of real German forms."""

from __future__ import annotations

import pytest

from analysis.errors import LexiconError
from analysis.lexicons.model import add_lexicon_rulers, load_lexicon, load_lexicons, term_self_check
from analysis.processing.nlp import load_base_pipeline

from tests.conftest import ROOT, write_lexicon

VALID = """
[lexicon]
name = "{name}"
version = "1.2.3"
description = "test lexicon"
poles = ["left_pole", "right_pole"]

[categories.left_pole]
description = "left"
[categories.right_pole]
description = "right"
[categories.other]
description = "not a pole"

[[entry]]
id = "a"
category = "left_pole"
terms = ["Angriffskrieg", "Krieg gegen die Ukraine"]
source = "test"
"""


def test_valid_lexicon_loads(tmp_path):
    path = write_lexicon(tmp_path, "demo", VALID.format(name="demo"))
    lex = load_lexicon(path)
    assert lex.name == "demo" and lex.version == "1.2.3"
    assert lex.poles == ("left_pole", "right_pole")
    assert lex.category_names == ["left_pole", "right_pole", "other"]
    assert lex.entries[0].match == "lemma"  # default


@pytest.mark.parametrize(
    "change, expected",
    [
        (('version = "1.2.3"', 'version = "1.2"'), ["[lexicon]", "semantic version X.Y.Z"]),
        (('name = "demo"', 'name = "other"'), ["must equal the file name stem 'demo'"]),
        (('poles = ["left_pole", "right_pole"]', 'poles = ["left_pole", "nope"]'), ["pole 'nope' is not a declared category", "declared: left_pole, right_pole, other"]),
        (('category = "left_pole"', 'category = "unknown"'), ["entry 1 (id 'a')", "category 'unknown' is not declared"]),
        (('source = "test"', 'source = "test"\nmatch = "fuzzy"'), ["entry 1 (id 'a')", "match 'fuzzy' is not allowed; allowed: orth, lower, lemma, prefix"]),
        (('source = "test"', 'source = "test"\nterm = ["x"]'), ["unknown key(s) 'term'", "allowed: category, exclude, id, match, needs_context, note, source, terms"]),
        (('terms = ["Angriffskrieg", "Krieg gegen die Ukraine"]', 'terms = []'), ["'terms' must not be empty"]),
        (('terms = ["Angriffskrieg", "Krieg gegen die Ukraine"]', 'terms = "Angriffskrieg"'), ["'terms' must be a list of non-empty strings"]),
        (('source = "test"', ''), ["missing required key 'source'"]),
        (('id = "a"', 'id = "Bad Id"'), ["id 'Bad Id' must match"]),
        (('source = "test"', 'source = "test"\nneeds_context = true'), ["needs_context = true but the lexicon has no [context] table"]),
        (('source = "test"', 'source = "test"\nneeds_context = "yes"'), ["needs_context must be true or false"]),
        (('terms = ["Angriffskrieg", "Krieg gegen die Ukraine"]', 'terms = ["* *"]'), ["only of wildcards"]),
    ],
)
def test_validation_messages_name_file_entry_and_allowed_values(tmp_path, change, expected):
    body = VALID.format(name="demo").replace(*change)
    path = write_lexicon(tmp_path, "demo", body)
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message


def test_duplicate_entry_ids_and_all_problems_in_one_message(tmp_path):
    body = VALID.format(name="demo") + """
[[entry]]
id = "a"
category = "nope"
terms = ["x"]
source = "s"
"""
    with pytest.raises(LexiconError) as info:
        load_lexicon(write_lexicon(tmp_path, "demo", body))
    message = str(info.value)
    assert "entry 2 (id 'a'): id 'a' is already used by entry 1" in message
    assert "entry 2 (id 'a'): category 'nope' is not declared" in message


def test_broken_toml_and_encoding(tmp_path):
    bad = write_lexicon(tmp_path, "broken", "[lexicon\nname = 1")
    with pytest.raises(LexiconError, match="not valid TOML"):
        load_lexicon(bad)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(VALID.format(name="latin").replace("test lexicon", "Überfall").encode("latin-1"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_lexicon(latin)


def test_load_lexicons_refuses_broken_file_and_keeps_the_rest(tmp_path):
    write_lexicon(tmp_path, "good", VALID.format(name="good"))
    write_lexicon(tmp_path, "bad", VALID.format(name="bad").replace('version = "1.2.3"', 'version = 3'))
    loaded = load_lexicons([tmp_path])
    assert [l.name for l in loaded.lexicons] == ["good"]
    assert len(loaded.refused) == 1 and "bad.toml" in loaded.refused[0][1]


def test_later_folder_overrides_lexicon_of_same_name(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    write_lexicon(user, "war_naming", VALID.format(name="war_naming"))
    loaded = load_lexicons([ROOT / "lexicons", user])
    war = loaded.by_name("war_naming")
    assert war.version == "1.2.3" and war.path.parent == user
    assert {"transliteration", "distancing"} <= {l.name for l in loaded.lexicons}


def test_every_shipped_lexicon_is_valid_and_every_term_matches_itself():
    loaded = load_lexicons([ROOT / "lexicons"])
    assert not loaded.refused, loaded.refused
    assert {"war_naming", "transliteration", "distancing"} <= {l.name for l in loaded.lexicons}
    nlp = load_base_pipeline("blank")
    for lex in loaded.lexicons:
        assert lex.description and all(e.source for e in lex.entries)
        add_lexicon_rulers(nlp, [lex])
        assert term_self_check(nlp, lex) == []


# ---------------------------------------------------------------- matching real German forms

MATCH_LEXICON = """
[lexicon]
name = "forms"
version = "1.0.0"
description = "matching test"

[categories.hit]
description = "a match"

[[entry]]
id = "spezialoperation"
category = "hit"
terms = ["militärische Spezialoperation"]
source = "test"

[[entry]]
id = "angriffskrieg"
category = "hit"
terms = ["Angriffskrieg"]
source = "test"

[[entry]]
id = "nato_staat"
category = "hit"
terms = ["Nato-Staat"]
source = "test"

[[entry]]
id = "selenskyj"
category = "hit"
terms = ["Selenskyj"]
match = "prefix"
source = "test"

[[entry]]
id = "konflikt"
category = "hit"
terms = ["Ukraine-Konflikt"]
source = "test"

[[entry]]
id = "krieg"
category = "hit"
terms = ["Krieg"]
exclude = ["Kalter Krieg", "Krieg der Sterne"]
source = "test"

[[entry]]
id = "exact"
category = "hit"
terms = ["AfD"]
match = "orth"
source = "test"

[[entry]]
id = "lower"
category = "hit"
terms = ["kreml"]
match = "lower"
source = "test"

[[entry]]
id = "angegriffen"
category = "hit"
terms = ["von * angegriffene Ukraine"]
source = "test"
"""


@pytest.fixture(scope="module")
def forms_nlp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lex")
    lex = load_lexicon(write_lexicon(folder, "forms", MATCH_LEXICON))
    return add_lexicon_rulers(load_base_pipeline("blank"), [lex])


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Seit dem Beginn der militärischen Spezialoperation im Februar 2022.", [("spezialoperation", "militärischen Spezialoperation")]),
        ("Die Militärische Spezialoperation dauert an.", [("spezialoperation", "Militärische Spezialoperation")]),
        ("Die Opfer des Angriffskrieges werden gezählt.", [("angriffskrieg", "Angriffskrieges")]),
        ("Truppen aus Nato-Staaten und aus NATO-Staaten.", [("nato_staat", "Nato-Staaten"), ("nato_staat", "NATO-Staaten")]),
        ("Selenskyjs Vollmachten und die Selenskyj-Regierung.", [("selenskyj", "Selenskyjs"), ("selenskyj", "Selenskyj-Regierung")]),
        ("Eine Lösung des Ukraine-Konflikts, nicht des Ukrainekonflikts.", [("konflikt", "Ukraine-Konflikts"), ("konflikt", "Ukrainekonflikts")]),
        ("Im Kalten Krieg war das anders; dieser Krieg ist neu.", [("krieg", "Krieg")]),
        ("Die AfD und die Afd.", [("exact", "AfD")]),
        ("Der Kreml und der KREML.", [("lower", "Kreml"), ("lower", "KREML")]),
        ("in der von ihm angegriffenen Ukraine", [("angegriffen", "von ihm angegriffenen Ukraine")]),
        ("in der von Russland angegriffenen Ukraine", [("angegriffen", "von Russland angegriffenen Ukraine")]),
    ],
)
def test_matching_real_german_forms(forms_nlp, sentence, expected):
    doc = forms_nlp(sentence)
    assert [(s.id_, s.text) for s in doc.spans["forms"]] == expected


def test_overlapping_matches_keep_the_longest(nlp):
    doc = nlp("Seit dem Start der militärischen Spezialoperation Russlands.")
    assert [(s.text, s.id_) for s in doc.spans["war_naming"]] == [("militärischen Spezialoperation", "spezialoperation")]


CONTEXT_LEXICON = """
[lexicon]
name = "ctx"
version = "1.0.0"
description = "topic context test"

[categories.hit]
description = "a match"

[context]
terms = ["Ukrain", "Kreml"]
match = "prefix"
window = {window}
source = "test"

[[entry]]
id = "invasion"
category = "hit"
terms = ["Invasion"]
needs_context = true
source = "test"

[[entry]]
id = "free"
category = "hit"
terms = ["Spezialoperation"]
source = "test"
"""


def _ctx_nlp(tmp_path, window):
    lex = load_lexicon(write_lexicon(tmp_path, "ctx", CONTEXT_LEXICON.format(window=window)))
    return add_lexicon_rulers(load_base_pipeline("blank"), [lex]), lex


@pytest.mark.parametrize(
    "window, text, expected",
    [
        ("0", "Seit der russischen Invasion in die Ukraine.", ["Invasion"]),
        ("0", "Die Invasion der Heuschrecken bedroht die Ernte.", []),
        ("0", "Die Invasion begann im Februar. Der Kreml schwieg.", []),
        ("1", "Die Invasion begann im Februar. Der Kreml schwieg.", ["Invasion"]),
        ("1", "Die Invasion begann. Dann kam nichts. Der Kreml schwieg.", []),
        ('"article"', "Die Invasion begann. Dann kam nichts. Der Kreml schwieg.", ["Invasion"]),
        ("0", "Die Spezialoperation der Polizei.", ["Spezialoperation"]),  # entry without needs_context
    ],
)
def test_topic_context_gates_ambiguous_entries(tmp_path, window, text, expected):
    nlp, _ = _ctx_nlp(tmp_path, window)
    doc = nlp(text)
    assert [s.text for s in doc.spans["ctx"]] == expected  # context terms themselves are never spans


def test_context_window_validation_and_self_check(tmp_path):
    with pytest.raises(LexiconError, match="window -1 is not allowed; allowed: a whole number"):
        load_lexicon(write_lexicon(tmp_path, "ctx", CONTEXT_LEXICON.format(window="-1")))
    nlp, lex = _ctx_nlp(tmp_path, "0")
    assert term_self_check(nlp, lex) == []
    assert lex.info()["context"]["entries"] == ["invasion"]


def test_shipped_war_naming_needs_context_for_generic_words(nlp):
    doc = nlp("Der Angreifer flüchtete nach dem Überfall auf die Tankstelle. Die Polizei ermittelt.")
    assert list(doc.spans["war_naming"]) == []
    doc = nlp("Eben ein solches Treffen in der Hauptstadt des Angreifers hatte Selenskyj abgelehnt.")
    assert [s.text for s in doc.spans["war_naming"]] == ["Angreifers"]
