"""Import/export of LIWC .dic and quanteda YAML dictionaries, and writing lexicons as TOML."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from analysis.errors import LexiconError
from analysis.lexicons.model import Entry, Lexicon, add_lexicon_rulers, load_lexicon, parse_lexicon
from analysis.lexicons.formats import (
    read_liwc,
    read_quanteda_yaml,
    slugify,
    write_liwc,
    write_quanteda_yaml,
    write_toml,
)
from analysis.processing.nlp import load_base_pipeline

LIWC = "%\n1\tangst\n2\twut\n%\nAngst*\t1\nFurcht\t1\nbedrohlich\t1\nWut*\t2\nZorn\t2\nempör*\t1\t2\n"

QUANTEDA = """\
# Emotionen und Kriegsbenennung
emotion:
  angst:
    - Angst*
    - Furcht
    - bedrohlich
  wut: [Wut*, Zorn, "empör*"]
krieg:
  - militärische Spezialoperation
  - Angriffskrieg
"""


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def summary(lexicon: Lexicon) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [(e.id, e.category, e.terms, e.match) for e in lexicon.entries]


@pytest.fixture(scope="module")
def blank_nlp():
    return load_base_pipeline("blank")


def spans(nlp, lexicons: list[Lexicon], text: str, key: str) -> list[tuple[str, str, str]]:
    add_lexicon_rulers(nlp, lexicons)
    doc = nlp(text)
    return [(s.text, s.label_, s.id_) for s in doc.spans[key]]


# --------------------------------------------------------------------------- LIWC import


def test_read_liwc_maps_categories_words_and_wildcards(tmp_path):
    lex = read_liwc(write(tmp_path, "emotionen.dic", LIWC), name="emotionen")
    assert lex.name == "emotionen" and lex.version == "1.0.0"
    assert list(lex.categories) == ["angst", "wut"]
    assert lex.categories["angst"].description == "'angst' (LIWC category 1), imported from emotionen.dic"
    assert summary(lex) == [
        ("angst_angst", "angst", ("Angst",), "prefix"),
        ("angst_furcht", "angst", ("Furcht",), "lower"),
        ("angst_bedrohlich", "angst", ("bedrohlich",), "lower"),
        ("angst_empoer", "angst", ("empör",), "prefix"),  # one word in two categories → one entry each
        ("wut_wut", "wut", ("Wut",), "prefix"),
        ("wut_zorn", "wut", ("Zorn",), "lower"),
        ("wut_empoer", "wut", ("empör",), "prefix"),
    ]
    assert lex.entries[0].source == "imported from emotionen.dic, line 5"
    assert lex.path == tmp_path / "emotionen.dic"


def test_read_liwc_custom_source_version_description(tmp_path):
    lex = read_liwc(
        write(tmp_path, "e.dic", LIWC), name="emo", version="2.1.0", source="Meier et al. (2018), DE-LIWC", description="Emotionen."
    )
    assert (lex.version, lex.description) == ("2.1.0", "Emotionen.")
    assert lex.entries[1].source == "Meier et al. (2018), DE-LIWC; e.dic, line 6"


def test_read_liwc_with_bom_crlf_spaces_phrases_and_duplicates(tmp_path):
    text = "%\r\n1 Angst\r\n2   Wut und Zorn\r\n%\r\n\r\nAngst*  1\r\nangst* 1\r\nmilitärische Bedrohung 1 2\r\nStraße\t2\r\n"
    lex = read_liwc(write(tmp_path, "bom.dic", text, bom=True), name="bom")
    assert list(lex.categories) == ["angst", "wut_und_zorn"]
    assert lex.categories["wut_und_zorn"].description.startswith("'Wut und Zorn' (LIWC category 2)")
    assert summary(lex) == [
        ("angst_angst", "angst", ("Angst",), "prefix"),  # 'angst*' on the next line merged
        ("angst_militaerische_bedrohung", "angst", ("militärische Bedrohung",), "lower"),
        ("wut_und_zorn_militaerische_bedrohung", "wut_und_zorn", ("militärische Bedrohung",), "lower"),
        ("wut_und_zorn_strasse", "wut_und_zorn", ("Straße",), "lower"),
    ]


def test_ids_and_category_names_are_sanitised_and_unique(tmp_path):
    text = "%\n1\tAngst\n2\tangst\n3\t2. Ärger\n4\t😱\n%\nAngst*\t1\nAngst\t1\nÜbel\t2\nÄrger\t3\nPanik\t4\n"
    lex = read_liwc(write(tmp_path, "x.dic", text), name="x")
    assert list(lex.categories) == ["angst", "angst_2", "c_2_aerger", "category_4"]
    assert [e.id for e in lex.entries] == ["angst_angst", "angst_angst_2", "angst_2_uebel", "c_2_aerger_aerger", "category_4_panik"]
    assert slugify("Empörung über Straßen-Café") == "empoerung_ueber_strassen_cafe"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("%\n1\tangst\n%\nAn*gst\t1\n", ["line 4", "'An*gst'", "'*' at the end of a word"]),
        ("%\n1\tangst\n%\n*angst\t1\n", ["line 4", "start or in the middle"]),
        ("%\n1\tangst\n%\nFurcht\t1\nAngst?\t1\n", ["line 5", "'?'", "allowed: '*' at the end of a word"]),
        ("%\n1\tangst\n%\n*\t1\n", ["line 4", "'*' standing alone"]),
        ("%\n1\n%\nZorn\t1\n", ["line 2", "malformed category line '1'"]),
        ("%\n1\tangst\nWut\n%\n", ["line 3", "malformed category line 'Wut'", "'<number><TAB><label>'"]),
        ("%\n1\tangst\n1\twut\n%\n", ["line 3", "category id 1 is already declared on line 2"]),
        ("1\tangst\n%\n", ["line 1", "expected a line '%'"]),
        ("%\n1\tangst\n", ["the category header opened on line 1 is not closed by a second '%'"]),
        ("%\n1\tangst\nAngst\t1\n", ["line 3", "malformed category line", "closing '%' of the header missing?"]),
        ("%\n1\tangst\n%\nAngst\t1\nFurcht\t3\n", ["line 5", "category id 3 of 'Furcht' is not declared", "declared: 1 (angst)"]),
        ("%\n1\tangst\n%\nAngst\n", ["line 4", "word 'Angst' has no category id"]),
        ("%\n1\tangst\n%\nAngst\t1 x\n", ["line 4", "category id 'x' of 'Angst' is not a number"]),
        ("%\n1\tangst\n%\nlike\t(02 134)125/464 1\n", ["line 4", "conditional category codes"]),
        ("%\n1\tangst\n%\nAngst\t1\n%\n", ["line 5", "unexpected '%'"]),
        ("%\n1\tangst\n%\n", ["no words found"]),
        ("%\n%\nAngst\t1\n", ["line 2", "declares no category"]),
    ],
)
def test_read_liwc_errors_name_file_and_line(tmp_path, text, expected):
    path = write(tmp_path, "kaputt.dic", text)
    with pytest.raises(LexiconError) as err:
        read_liwc(path, name="kaputt")
    message = str(err.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_read_liwc_refuses_non_utf8_and_bad_names(tmp_path):
    path = tmp_path / "latin.dic"
    path.write_bytes("%\n1\tangst\n%\nFurcht\t1\nEmpörung\t1\n".encode("latin-1"))
    with pytest.raises(LexiconError, match=r"latin.dic, line 5: LIWC dictionary is not UTF-8 \(byte 0xf6 at offset \d+\).*allowed: UTF-8.*iconv"):
        read_liwc(path, name="latin")
    good = write(tmp_path, "gut.dic", LIWC)
    with pytest.raises(LexiconError, match=r"lexicon name 'Emotionen' is not allowed; allowed: \[a-z\]\[a-z0-9_\]\*"):
        read_liwc(good, name="Emotionen")
    with pytest.raises(LexiconError, match=r"(?s)imported lexicon is invalid.*semantic version"):
        read_liwc(good, name="gut", version="1.0")
    with pytest.raises(LexiconError, match="cannot be read"):
        read_liwc(tmp_path / "fehlt.dic", name="fehlt")


def test_words_in_several_categories_are_reported(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="analysis.lexicons.formats"):
        read_liwc(write(tmp_path, "e.dic", LIWC), name="e")
    assert "1 word(s) belong to several categories" in caplog.text and "'empör' (angst, wut)" in caplog.text


# --------------------------------------------------------------------------- matching after import


def test_liwc_import_matches_like_liwc(tmp_path, blank_nlp):
    lex = read_liwc(write(tmp_path, "emo.dic", LIWC), name="emo")
    text = "Angstzustände und Ängste nehmen zu, die FURCHT auch, es ist furchtbar. Wutausbruch, Zornes, Zorn."
    assert spans(blank_nlp, [lex], text, "emo") == [
        ("Angstzustände", "angst", "angst_angst"),  # Angst* is a prefix …
        ("FURCHT", "angst", "angst_furcht"),  # … words match ignoring case …
        ("Wutausbruch", "wut", "wut_wut"),
        ("Zorn", "wut", "wut_zorn"),
    ]  # … but 'Ängste' does not start with 'angst', and plain words match no other forms (furchtbar, Zornes)


def test_word_in_two_categories_counts_once_per_lexicon(tmp_path, blank_nlp):
    lex = read_liwc(write(tmp_path, "emo.dic", LIWC), name="emo")
    found = spans(blank_nlp, [lex], "Viele sind empört.", "emo")
    assert len(found) == 1 and found[0][0] == "empört" and found[0][1] in {"angst", "wut"}


def test_quanteda_import_matches_multiword_values(tmp_path, blank_nlp):
    lex = read_quanteda_yaml(write(tmp_path, "q.yml", QUANTEDA), name="q")
    text = "Die militärische Spezialoperation, der militärischen Spezialoperation, ein Angriffskrieg; bedrohlich."
    assert spans(blank_nlp, [lex], text, "q") == [
        ("militärische Spezialoperation", "krieg", "krieg_militaerische_spezialoperation"),
        ("Angriffskrieg", "krieg", "krieg_angriffskrieg"),
        ("bedrohlich", "emotion_angst", "emotion_angst_bedrohlich"),
    ]  # word forms, not lemmas: 'der militärischen Spezialoperation' is not matched (nor in quanteda)


# --------------------------------------------------------------------------- quanteda import


def test_read_quanteda_nested_keys_and_multiword_values(tmp_path):
    lex = read_quanteda_yaml(write(tmp_path, "kriegsdict.yml", QUANTEDA), name="kriegsdict")
    assert list(lex.categories) == ["emotion_angst", "emotion_wut", "krieg"]
    assert lex.categories["emotion_angst"].description == "'emotion.angst' (quanteda key), imported from kriegsdict.yml"
    assert summary(lex) == [
        ("emotion_angst_angst", "emotion_angst", ("Angst",), "prefix"),
        ("emotion_angst_furcht", "emotion_angst", ("Furcht",), "lower"),
        ("emotion_angst_bedrohlich", "emotion_angst", ("bedrohlich",), "lower"),
        ("emotion_wut_wut", "emotion_wut", ("Wut",), "prefix"),
        ("emotion_wut_zorn", "emotion_wut", ("Zorn",), "lower"),
        ("emotion_wut_empoer", "emotion_wut", ("empör",), "prefix"),
        ("krieg_militaerische_spezialoperation", "krieg", ("militärische Spezialoperation",), "lower"),
        ("krieg_angriffskrieg", "krieg", ("Angriffskrieg",), "lower"),
    ]
    assert lex.entries[0].source == "imported from kriegsdict.yml, line 4"
    assert lex.entries[6].source == "imported from kriegsdict.yml, line 9"


def test_read_quanteda_parent_values_scalars_and_token_wildcard(tmp_path):
    text = """\
Kriegsbenennung:
  __: [Krieg]
  Euphemismus:
    - Sonderoperation
    - Konflikt: [Ukraine-Konflikt]
  Täter: von * angegriffene Ukraine
zahlen: ["2022", no, 24.02.]
leer: []
"""
    lex = read_quanteda_yaml(write(tmp_path, "k.yaml", text, bom=True), name="k")
    assert list(lex.categories) == ["kriegsbenennung", "kriegsbenennung_euphemismus", "kriegsbenennung_euphemismus_konflikt", "kriegsbenennung_taeter", "zahlen", "leer"]
    assert [(e.category, e.terms[0], e.match) for e in lex.entries] == [
        ("kriegsbenennung", "Krieg", "lower"),
        ("kriegsbenennung_euphemismus", "Sonderoperation", "lower"),
        ("kriegsbenennung_euphemismus_konflikt", "Ukraine-Konflikt", "lower"),
        ("kriegsbenennung_taeter", "von * angegriffene Ukraine", "lower"),  # '*' alone = any one token, as in quanteda
        ("zahlen", "2022", "lower"),  # scalars stay strings as written
        ("zahlen", "no", "lower"),
        ("zahlen", "24.02.", "lower"),
    ]


def test_read_quanteda_wildcard_on_some_words_is_prefix_with_note(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="analysis.lexicons.formats"):
        lex = read_quanteda_yaml(write(tmp_path, "m.yml", "euphemismus:\n  - militärisch* Spezialoperation\n"), name="m")
    (entry,) = lex.entries
    assert (entry.terms, entry.match) == (("militärisch Spezialoperation",), "prefix")
    assert "line 2" in entry.note and "prefix on every word" in entry.note
    assert "prefix on every word" in caplog.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("angst:\n  - Furcht\n  - Angst?\n", ["line 3", "'?'", "allowed: '*' at the end of a word"]),
        ("angst:\n  - '*angst'\n", ["line 2", "start or in the middle"]),
        ("angst:\n  - An*gst\n", ["line 2", "start or in the middle"]),
        ("angst:\n  - '*'\n", ["line 2", "only of wildcards"]),
        ("angst:\n  - Furcht\n  - [Angst]\n", ["line 3", "a list inside a list"]),
        ("angst:\n  - Furcht\nangst:\n  - Angst\n", ["line 3", "key 'angst' appears twice", "first on line 1"]),
        ("angst:\nwut: [Zorn]\n", ["line 1", "key 'angst' has no words"]),
        ("angst: [Furcht\nwut: Zorn\n", ["line 2", "not valid YAML"]),
        ("- Angst\n- Furcht\n", ["line 1", "top level must be a mapping"]),
        ("# nur ein Kommentar\n", ["empty file"]),
        ("__: [Angst]\n", ["line 1", "'__'"]),
        ("angst:\n  - ''\n", ["line 2", "empty word"]),
    ],
)
def test_read_quanteda_errors_name_file_and_line(tmp_path, text, expected):
    path = write(tmp_path, "kaputt.yml", text)
    with pytest.raises(LexiconError) as err:
        read_quanteda_yaml(path, name="kaputt")
    message = str(err.value)
    assert str(path) in message
    for part in expected:
        assert part in message


# --------------------------------------------------------------------------- TOML


def test_liwc_to_toml_round_trip(tmp_path):
    lex = read_liwc(write(tmp_path, "emotionen.dic", LIWC, bom=True), name="emotionen")
    out = write_toml(lex, tmp_path / "emotionen.toml")
    assert out == tmp_path / "emotionen.toml"
    assert load_lexicon(out) == lex
    assert "# Imported from emotionen.dic." in out.read_text(encoding="utf-8")


def test_quanteda_to_toml_round_trip_into_folder(tmp_path):
    lex = read_quanteda_yaml(write(tmp_path, "kriegsdict.yml", QUANTEDA), name="kriegsdict")
    folder = tmp_path / "lexika"
    folder.mkdir()
    out = write_toml(lex, folder)
    assert out == folder / "kriegsdict.toml"
    back = load_lexicon(out)
    assert back == lex and summary(back) == summary(lex)


TRICKY = {
    "lexicon": {
        "name": "tricky",
        "version": "1.2.3",
        "description": 'Zitate: „Spezialoperation“, "Anführung" und \\d+ Backslash\nzweite Zeile\tTab \x7f Ende',
        "poles": ["aggression", "euphemismus"],
    },
    "categories": {
        "aggression": {"description": "Benennt den Angriff: „Krieg gegen die Ukraine“", "example": 'C:\\Pfad\\"x"'},
        "euphemismus": {"description": "Übernimmt die Sprache des Kreml"},
    },
    "context": {"terms": ["Ukrain", "Kreml"], "match": "prefix", "window": "article", "source": "Gespräch mit „dpa“"},
    "entry": [
        {
            "id": "krieg_gegen_ukraine",
            "category": "aggression",
            "terms": ["Krieg gegen die Ukraine", "Angriffskrieg"],
            "exclude": ["Kalter Krieg"],
            "source": 'dpa-Stil: "Krieg" \\ „Angriff“',
            "note": "Straße, Größe, Übel",
        },
        {
            "id": "spezialoperation",
            "category": "euphemismus",
            "terms": ["militärische Spezialoperation", "Sonderoperation"],
            "match": "lemma",
            "source": "Kreml",
            "needs_context": True,
        },
        {"id": "selenskij", "category": "euphemismus", "terms": ["Selenskij"], "match": "prefix", "source": "Transliteration"},
        {"id": "afd", "category": "aggression", "terms": ["AfD"], "match": "orth", "source": "x"},
    ],
}


def test_write_toml_escapes_and_round_trips_everything(tmp_path):
    lex = parse_lexicon(TRICKY, Path("tricky.toml"))
    path = write_toml(lex, tmp_path / "tricky.toml")
    text = path.read_text(encoding="utf-8")
    assert "„Spezialoperation“" in text and "Straße, Größe, Übel" in text  # UTF-8, not \u escapes
    assert '\\"Anführung\\"' in text and "\\\\d+" in text and "\\n" in text and "\\u007F" in text
    assert load_lexicon(path) == lex
    # a window in sentences survives too
    data = {**TRICKY, "context": {**TRICKY["context"], "window": 0}}
    lex0 = parse_lexicon(data, Path("tricky.toml"))
    assert load_lexicon(write_toml(lex0, tmp_path / "tricky.toml")) == lex0


def test_write_toml_refuses_wrong_stem_and_invalid_lexicon(tmp_path):
    lex = parse_lexicon(TRICKY, Path("tricky.toml"))
    with pytest.raises(LexiconError, match=r"named <lexicon name>\.toml; allowed: .*tricky\.toml or a folder"):
        write_toml(lex, tmp_path / "other.toml")
    with pytest.raises(LexiconError, match=r"allowed: .*tricky\.toml"):
        write_toml(lex, tmp_path / "tricky.txt")
    bad = Lexicon("bad", "1.0.0", "x", lex.categories, (Entry("a", "aggression", ("Krieg  gegen",), "lemma", "s"),))
    with pytest.raises(LexiconError, match="would not load back unchanged"):
        write_toml(bad, tmp_path / "bad.toml")
    unknown = Lexicon("bad", "1.0.0", "x", lex.categories, (Entry("a", "nope", ("Krieg",), "lemma", "s"),))
    with pytest.raises(LexiconError, match="category 'nope' is not declared"):
        write_toml(unknown, tmp_path / "bad.toml")
    assert not (tmp_path / "bad.toml").exists()


# --------------------------------------------------------------------------- export


def test_write_liwc_exports_and_warns_about_losses(tmp_path):
    lex = parse_lexicon(TRICKY, Path("tricky.toml"))
    out = tmp_path / "tricky.dic"
    warnings = write_liwc(lex, out)
    assert out.read_text(encoding="utf-8") == (
        "%\n1\taggression\n2\teuphemismus\n%\n"
        "AfD\t1\n"
        "Angriffskrieg\t1\n"
        "Krieg gegen die Ukraine\t1\n"
        "militärische Spezialoperation\t2\n"
        "Selenskij*\t2\n"
        "Sonderoperation\t2\n"
    )
    text = "\n".join(warnings)
    for part in [
        "version 1.2.3",
        "poles ['aggression', 'euphemismus']",
        "[context] topic terms",
        "entry 'krieg_gegen_ukraine': exclusions ['Kalter Krieg']",
        "entry 'spezialoperation': needs_context",
        "entry 'spezialoperation' term 'Sonderoperation': lemma matching cannot be expressed in LIWC",
        "entry 'afd' term 'AfD': case-sensitive (orth)",
        "term 'Krieg gegen die Ukraine': multi-word term written as the phrase",
    ]:
        assert part in text
    assert not any("Selenskij" in w for w in warnings)  # prefix is exact in LIWC
    # the export reads back (phrases included)
    back = read_liwc(out, name="tricky")
    assert [(e.category, e.terms[0], e.match) for e in back.entries] == [
        ("aggression", "AfD", "lower"),
        ("aggression", "Angriffskrieg", "lower"),
        ("aggression", "Krieg gegen die Ukraine", "lower"),
        ("euphemismus", "militärische Spezialoperation", "lower"),
        ("euphemismus", "Selenskij", "prefix"),
        ("euphemismus", "Sonderoperation", "lower"),
    ]


def test_write_liwc_merges_words_and_skips_token_wildcards(tmp_path):
    data = {
        "lexicon": {"name": "m", "version": "1.0.0", "description": "d", "default_match": "lower"},
        "categories": {"angst": {"description": "a"}, "wut": {"description": "w"}},
        "entry": [
            {"id": "a", "category": "angst", "terms": ["empör"], "match": "prefix", "source": "s"},
            {"id": "b", "category": "wut", "terms": ["Empör"], "match": "prefix", "source": "s"},
            {"id": "c", "category": "wut", "terms": ["von * angegriffene Ukraine", "Zorn"], "source": "s"},
        ],
    }
    out = tmp_path / "m.dic"
    warnings = write_liwc(parse_lexicon(data, Path("m.toml")), out)
    assert out.read_text(encoding="utf-8") == "%\n1\tangst\n2\twut\n%\nempör*\t1\t2\nZorn\t2\n"
    assert any("'von * angegriffene Ukraine': LIWC has no wildcard for 'any one token'; skipped" in w for w in warnings)


def test_liwc_round_trip_through_export(tmp_path):
    lex = read_liwc(write(tmp_path, "emotionen.dic", LIWC), name="emotionen")
    warnings = write_liwc(lex, tmp_path / "export.dic")
    assert len(warnings) == 1 and "keeps only category names and words" in warnings[0]  # nothing about matching lost
    back = read_liwc(tmp_path / "export.dic", name="emotionen")
    assert sorted((e.category, e.terms, e.match) for e in back.entries) == sorted((e.category, e.terms, e.match) for e in lex.entries)
    assert list(back.categories) == list(lex.categories)


def test_write_quanteda_yaml_exports_and_warns(tmp_path):
    lex = parse_lexicon(TRICKY, Path("tricky.toml"))
    out = tmp_path / "tricky.yml"
    warnings = write_quanteda_yaml(lex, out)
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == {
        "aggression": ["Krieg gegen die Ukraine", "Angriffskrieg", "AfD"],
        "euphemismus": ["militärische Spezialoperation", "Sonderoperation", "Selenskij*"],
    }
    text = "\n".join(warnings)
    assert "lemma matching cannot be expressed in quanteda YAML" in text and "case-sensitive (orth)" in text
    assert "exclusions ['Kalter Krieg']" in text and "multi-word" not in text  # quanteda has multi-word values


def test_quanteda_round_trip_through_export(tmp_path):
    text = QUANTEDA + "fragen:\n  - 'no'\n  - von * angegriffene Ukraine\n  - Selenskyj-Regierung*\n"
    lex = read_quanteda_yaml(write(tmp_path, "q.yml", text), name="q")
    warnings = write_quanteda_yaml(lex, tmp_path / "export.yml")
    assert any("prefix mode makes hyphens optional" in w for w in warnings)
    back = read_quanteda_yaml(tmp_path / "export.yml", name="q")
    assert summary(back) == summary(lex)  # nested keys come back flat, with the same names
    assert "  - Angst*" in (tmp_path / "export.yml").read_text(encoding="utf-8")  # list items indented like as.yaml()


def test_import_and_export_commands(tmp_path, capsys):
    from analysis.cli.main import main

    dic = tmp_path / "emotionen.dic"
    dic.write_text("%\n1\tangst\n2\twut\n%\nAngst*\t1\nFurcht\t1\nZorn\t2\nempör*\t2\n", encoding="utf-8")
    assert main(["lexicon", "import", "liwc", str(dic), "--name", "emotionen", "--out", str(tmp_path / "lex")]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "2 categories, 4 entries" in out
    assert main(["lexicon", "check", str(tmp_path / "lex"), "--model", "blank"]) == 0
    capsys.readouterr()
    target = tmp_path / "back.yml"
    assert main(["lexicon", "export", "emotionen", "--format", "quanteda", "--out", str(target), "--lexicons", str(tmp_path / "lex")]) == 0
    text = target.read_text(encoding="utf-8")
    assert "angst" in text and "Angst*" in text
    assert main(["lexicon", "export", "war_naming", "--format", "liwc", "--out", str(tmp_path / "w.dic")]) == 0
    assert "lemma" in capsys.readouterr().err  # lossy: lemma matching cannot be expressed in LIWC
