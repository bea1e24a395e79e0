"""Lexicon workflow: duplicate terms across entries, coverage per entry in a corpus."""

from __future__ import annotations

import pandas as pd

from analysis.cli.main import main
from analysis.explore.coverage import duplicate_terms, entry_coverage
from analysis.lexicons.model import load_lexicon

from tests.conftest import SEEDS, write_lexicon

DUP = """
[lexicon]
name = "dup"
version = "1.0.0"
description = "duplicates"
[categories.a]
description = "a"
[categories.b]
description = "b"
[[entry]]
id = "one"
category = "a"
terms = ["Spezialoperation", "Sonderoperation"]
source = "s"
[[entry]]
id = "two"
category = "b"
terms = ["spezialoperation"]
source = "s"
"""


def test_duplicate_terms_within_and_across_lexicons(tmp_path, shipped_lexicons):
    dup = load_lexicon(write_lexicon(tmp_path, "dup", DUP))
    found = duplicate_terms([dup])
    assert [d.term for d in found] == ["spezialoperation"]
    assert "dup:one (a, lemma); dup:two (b, lemma)" in found[0].message()
    war = [l for l in shipped_lexicons if l.name == "war_naming"]
    across = {d.term for d in duplicate_terms([dup, *war])}
    assert {"spezialoperation", "sonderoperation"} <= across
    assert duplicate_terms(shipped_lexicons) == []  # the shipped lexicons have none


def test_entry_coverage_lists_every_entry_with_matches_and_dead_entries(shipped_lexicons):
    evidence = pd.DataFrame(
        [
            {"article_id": "a1", "lexicon": "war_naming", "entry_id": "kampfhandlungen", "category": "euphemism",
             "start_char": 0, "end_char": 15, "text": "Kampfhandlungen", "left": "während der", "right": "in der Ukraine"},
            {"article_id": "a2", "lexicon": "war_naming", "entry_id": "kampfhandlungen", "category": "euphemism",
             "start_char": 5, "end_char": 20, "text": "Kampfhandlungen", "left": "Ende der", "right": "im Osten"},
        ]
    )
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "outlet": ["rt-de", "dpa"]})
    war = [l for l in shipped_lexicons if l.name == "war_naming"]
    table = entry_coverage(evidence, articles, war)
    assert len(table) == len(war[0].entries)
    top = table.iloc[0]
    assert (top.entry_id, top.n_matches, top.n_articles) == ("kampfhandlungen", 2, 2)
    assert "rt-de (1)" in top.outlets and "Kampfhandlungen ×2" in top.forms and "[Kampfhandlungen]" in top.examples
    assert (table.n_matches == 0).sum() == len(war[0].entries) - 1


def test_coverage_and_check_commands(tmp_path, capsys):
    assert main(["lexicon", "coverage", str(SEEDS), "--lexicon", "war_naming", "--model", "blank", "--csv", str(tmp_path / "c.csv")]) == 0
    out = capsys.readouterr().out
    assert "kampfhandlungen (euphemism)" in out and "NEVER  ueberfall" in out
    assert set(pd.read_csv(tmp_path / "c.csv").lexicon) == {"war_naming"}
    write_lexicon(tmp_path, "dup", DUP)
    assert main(["lexicon", "check", str(tmp_path / "dup.toml"), "--model", "blank"]) == 0
    assert "warning term 'spezialoperation' is listed in several entries" in capsys.readouterr().out
    assert main(["lexicon", "coverage", str(SEEDS), "--lexicon", "nope", "--model", "blank"]) == 1
    assert "no lexicon named nope" in capsys.readouterr().err
