"""The shared UTF-8 reader and the four readers built on it (lexicon TOML, LIWC/quanteda import,
SentiWS/Rauh import, frame annotations): one message naming file, line and byte; BOM and NFC."""

from __future__ import annotations

import unicodedata

import pytest

from analysis.models import sentence_frames as sf
from analysis.errors import LexiconError
from analysis.lexicons.model import load_lexicon
from analysis.lexicons.importing import read_sentiws
from analysis.reading.textfile import read_utf8_text

LEXICON = """[lexicon]
name = "kriegsbegriffe"
version = "1.0.0"
description = "Test: Benennung des Krieges"

[categories.euphemism]
description = "verhüllend"

[[entry]]
id = "spezialoperation"
category = "euphemism"
terms = ["militärische Spezialoperation"]
match = "lemma"
source = "Test"
"""


class Refused(Exception):
    pass


def test_bom_is_dropped_and_text_is_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Bürgerinnen „zitieren“ Selenskyj")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + decomposed.encode("utf-8"))
    text = read_utf8_text(path, Refused, "test file")
    assert text == "Bürgerinnen „zitieren“ Selenskyj"  # precomposed ü, no BOM
    assert len(text) == len(unicodedata.normalize("NFC", decomposed))


def test_not_utf8_names_file_line_byte_and_what_is_allowed(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("erste Zeile\nzweite Zeile\nDie Straße war gesperrt.\n".encode("latin-1"))
    with pytest.raises(Refused) as info:
        read_utf8_text(path, Refused, "Wörterbuch", "Convert it with iconv")
    message = str(info.value)
    assert message.startswith(f"{path}, line 3: Wörterbuch is not UTF-8 (byte 0xdf at offset 33)")
    assert "allowed: UTF-8 with or without byte-order mark" in message
    assert message.endswith(". Convert it with iconv")


def test_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(Refused, match=r"^lexicon .*fehlt.toml cannot be read: No such file"):
        read_utf8_text(tmp_path / "fehlt.toml", Refused, "lexicon")


def test_lexicon_toml_with_bom_loads_and_latin1_is_refused(tmp_path):
    good = tmp_path / "kriegsbegriffe.toml"
    good.write_bytes(b"\xef\xbb\xbf" + LEXICON.encode("utf-8"))  # Windows editors write a BOM
    lexicon = load_lexicon(good)
    assert lexicon.entries[0].terms == ("militärische Spezialoperation",)
    bad = tmp_path / "latin.toml"
    bad.write_bytes(LEXICON.encode("latin-1"))
    with pytest.raises(LexiconError, match=r"latin.toml, line 7: lexicon is not UTF-8 \(byte 0xfc"):
        load_lexicon(bad)


def test_sentiws_import_refuses_a_non_utf8_file(tmp_path):
    path = tmp_path / "SentiWS_v2.0_Negative.txt"
    path.write_bytes("Abbruch|NN\t-0.0048\tAbbruches,Abbrüche\n".encode("latin-1"))
    with pytest.raises(LexiconError, match=r"line 1: lexicon source is not UTF-8 \(byte 0xfc.*original files are UTF-8"):
        read_sentiws(path)


def test_annotation_csv_with_bom_reads_its_header(tmp_path):
    rows = ["sentence,label"] + [f"Satz Nummer {i} über die Wirtschaft.,economic" for i in range(3)]
    rows += [f"Ein Satz {i} ohne Rahmen.,none" for i in range(3)]
    path = tmp_path / "frames.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(rows).encode("utf-8"))
    training = sf.read_annotations(path, min_examples=3)
    assert sorted(set(training.frame["label"])) == ["economic", "none"]
