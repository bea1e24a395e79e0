"""The subjectivity benchmark script: input format, the JSON line, and the lexicon score on real data."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("subjectivity_benchmark", ROOT / "benchmarks" / "subjectivity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OBJ = [
    "Der Kreml hat am Mittwoch seine Haltung bekräftigt.",
    "Die Verhandlungen fanden in Paris statt.",
    "Nach Angaben des Ministeriums wurden 26 Soldaten verletzt.",
    "Die Sitzung des Bundestags beginnt um 9 Uhr.",
    "Die Zahl der Neuinfektionen stieg auf 1200.",
    "Der Minister reiste am Dienstag nach Kiew.",
    "Die Studie erschien im Fachjournal Nature.",
    "Das Gericht vertagte die Entscheidung auf Juni.",
    "Peskow sagte, Russland lehne ausländische Truppen ab.",
    "Die Regierung legte einen Gesetzentwurf vor.",
    "Die Polizei nahm zwei Verdächtige fest.",
    "Der Gipfel endete mit einer gemeinsamen Erklärung.",
]
SUBJ = [
    "Das ist doch absurd!",
    "Wie lange wollen wir uns das noch gefallen lassen?",
    "Diese Regierung ist völlig unfähig.",
    "Leider hat niemand aus den Fehlern gelernt.",
    "Das ist eine unverschämte Zumutung für alle Bürger!",
    "Man fragt sich eigentlich, wer das noch glaubt.",
    "Die Politik ist einfach peinlich.",
    "Ich halte das für einen gefährlichen Irrsinn.",
]


def write_tsv(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["sentence_id\tsentence\tlabel"] + [f"s{i}\t{s}\t{label}" for i, (s, label) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tsv_files(tmp_path):
    rows = [(s, "OBJ") for s in OBJ] + [(s, "SUBJ") for s in SUBJ]
    train = write_tsv(tmp_path / "train.tsv", rows[::2])
    test = write_tsv(tmp_path / "test.tsv", rows[1::2])
    return train, test


def test_train_test_mode_prints_one_json_line(bench, tsv_files, capsys):
    train, test = tsv_files
    assert bench.main(["--train", str(train), "--test", str(test)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"lexicon_auc", "classifier_macro_f1", "classifier_auc", "n_test"} <= set(result)
    assert result["n_test"] == 10
    for key in ("lexicon_auc", "classifier_macro_f1", "classifier_auc"):
        assert 0.0 <= result[key] <= 1.0
    # the untrained cues separate these clear-cut sentences
    assert result["lexicon_auc"] >= 0.9


def test_cross_validation_mode_without_test_file(bench, tsv_files, capsys):
    train, _ = tsv_files
    bench.main(["--train", str(train), "--folds", "3"])
    result = json.loads(capsys.readouterr().out)
    assert result["n_test"] == 10 and result["evaluation"].startswith("3-fold")


def test_sentence_features_name_cues_lexicon_categories_and_objectivity_markers(bench, tsv_files):
    from analysis.lexicon import load_lexicons
    from analysis.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    features, names, score, _ = bench.cue_features(nlp, lexicons, ["Das ist doch absurd!", "Peskow sagte, es seien 26 Soldaten."])
    row = dict(zip(names, features[0]))
    assert row["cue.modal_particle"] == 1 and row["cue.exclamation"] == 1 and row["loaded_language.evaluative"] == 1
    assert score.tolist() == [3, 0]
    other = dict(zip(names, features[1]))
    assert other["digits"] == 1 and other["konjunktiv_i"] == 1 and other["reporting"] == 1


def test_bad_input_is_refused_with_file_and_line(bench, tmp_path):
    bad = write_tsv(tmp_path / "bad.tsv", [("Ein Satz.", "OBJ"), ("Noch einer.", "MAYBE")])
    with pytest.raises(SystemExit, match=r"bad.tsv:3: label 'MAYBE'; allowed: OBJ, SUBJ"):
        bench.read_tsv(bad)


@pytest.mark.shared
def test_untrained_lexicon_score_ranks_real_checkthat_sentences(bench):
    path = SHARED / "data" / "checkthat-subjectivity-de" / "train_de.tsv"
    if not path.is_file():
        pytest.skip(f"{path} not found: CheckThat! data is not part of the repository")
    from sklearn.metrics import roc_auc_score

    from analysis.lexicon import load_lexicons
    from analysis.pipeline import build_pipeline

    lexicons = load_lexicons([ROOT / "lexicons" / f"{n}.toml" for n in bench.CUE_LEXICONS]).lexicons
    nlp = build_pipeline(lexicons, "blank")
    sentences, labels = bench.read_tsv(path)
    _, _, score, _ = bench.cue_features(nlp, lexicons, sentences)
    assert roc_auc_score(labels, score) >= 0.70  # target of the issue; 0.7013 when written
