"""benchmarks/spkatt.py: the scorer on a hand-made gold/prediction pair with known numbers, the prediction
format on a hand-made document, and (with ../shared) a regression guard on the SpkAtt-2023 train split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import load_benchmark



@pytest.fixture(scope="module")
def spkatt():
    return load_benchmark("spkatt")


SENTENCES = [
    {"SentenceId": 0, "Tokens": ["Er", "sagte", ",", "es", "sei", "gut", "."]},
    {"SentenceId": 1, "Tokens": ["„", "Ja", "“", ",", "sagte", "sie", "."]},
]


def annotation(message, source, form, *, nested=False, cue=()):
    return {
        "Addr": [], "Cue": list(cue), "Frame": [], "Form": form, "STWR": "Speech",
        "HasNested": False, "IsNested": nested, "Message": message, "Source": source,
    }


def write(folder: Path, name: str, annotations: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"Annotations": annotations, "DocumentName": name, "Sentences": SENTENCES}
    (folder / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_scorer_on_a_hand_made_pair(spkatt, tmp_path):
    gold = tmp_path / "gold"
    pred = tmp_path / "pred"
    write(gold, "doc", [
        annotation(["0:3", "0:4", "0:5"], ["0:0"], "Indirect", cue=["0:1"]),  # es sei gut / Er
        annotation(["1:0", "1:1", "1:2"], ["1:5"], "Direct", cue=["1:4"]),  # „ Ja “ / sie
        annotation(["0:4"], ["0:0"], "Indirect", nested=True),  # nested: ignored by the simplified track
    ])
    write(pred, "doc", [
        annotation(["0:3", "0:4"], ["0:0"], "Indirect"),  # pairs with gold 1: 2 of 3 message tokens
        annotation(["1:4", "1:5"], [], "Direct"),  # no overlap with gold 2: unpaired
    ])
    result = spkatt.score(gold, pred)
    assert (result["gold_annotations"], result["predicted_annotations"], result["pairs"]) == (2, 2, 1)
    micro = result["micro"]
    # messages: tp 2, fp 0 + 2 (unpaired prediction), fn 1 + 3 (unpaired gold)
    assert (micro["messages"]["tp"], micro["messages"]["fp"], micro["messages"]["fn"]) == (2, 2, 4)
    assert micro["messages"]["precision"] == pytest.approx(0.5)
    assert micro["messages"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert micro["messages"]["f1"] == pytest.approx(0.4)
    # sources: tp 1 ("Er"), fp 0, fn 1 ("sie" of the unpaired gold annotation)
    assert (micro["sources"]["tp"], micro["sources"]["fp"], micro["sources"]["fn"]) == (1, 0, 1)
    assert micro["sources"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    # both: tp 3, fp 2, fn 5 → P 0.6, R 0.375
    assert micro["both"]["f1"] == pytest.approx(2 * 0.6 * 0.375 / 0.975, abs=1e-4)
    # the official script's macro averages pair the zero-overlap messages too: (1 + 0)/2, (2/3 + 0)/2
    macro = result["macro_official_style"]
    assert macro["messages"]["precision"] == pytest.approx(0.5)
    assert macro["messages"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert macro["sources"]["precision"] == pytest.approx(1.0)
    assert macro["sources"]["recall"] == pytest.approx(0.5)


def test_scorer_counts_a_missing_prediction_file_as_empty(spkatt, tmp_path):
    write(tmp_path / "gold", "doc", [annotation(["0:3", "0:4", "0:5"], ["0:0"], "Indirect")])
    (tmp_path / "pred").mkdir()
    result = spkatt.score(tmp_path / "gold", tmp_path / "pred")
    assert result["micro"]["messages"]["fn"] == 3 and result["micro"]["messages"]["recall"] == 0.0


def test_scorer_pairs_one_to_one_by_best_overlap(spkatt):
    Group = spkatt.Group
    gold = [Group(frozenset({1, 2, 3}), frozenset(), "Indirect", None), Group(frozenset({5, 6}), frozenset(), "Direct", None)]
    pred = [Group(frozenset({5, 6, 7}), frozenset(), "Direct", None), Group(frozenset({1, 2}), frozenset(), "Indirect", None)]
    assert sorted(spkatt.assign(gold, pred)) == [(0, 1), (1, 0)]


def test_predict_writes_the_spkatt_format(spkatt, tmp_path, nlp):
    src = tmp_path / "in"
    write(src, "hand", [annotation(["0:3", "0:4", "0:5"], ["0:0"], "Indirect")])
    info = spkatt.predict(src, tmp_path / "out", nlp=nlp)
    assert info["documents"] == 1
    out = json.loads((tmp_path / "out" / "hand.json").read_text(encoding="utf-8"))
    assert out["Sentences"] == SENTENCES
    by_form = {a["Form"]: a for a in out["Annotations"]}
    assert set(by_form) == {"Indirect", "Direct"}
    assert by_form["Indirect"]["Message"] == ["0:3", "0:4", "0:5"]
    assert by_form["Indirect"]["Source"] == ["0:0"]
    assert by_form["Indirect"]["Cue"] == ["0:1"]
    assert by_form["Direct"]["Message"] == ["1:0", "1:1", "1:2"]
    assert by_form["Direct"]["Source"] == ["1:5"]
    for a in out["Annotations"]:
        assert a["IsNested"] is False and a["HasNested"] is False
        assert set(a) == {"Addr", "Cue", "Form", "Frame", "HasNested", "IsNested", "Message", "STWR", "Source"}


def test_train_split_regression_guard(spkatt, shared_dir, tmp_path, nlp):
    """The first 60 train documents (~1 s): guards against regressions; the full-split figures are in the
    benchmark's report, not here."""
    train = shared_dir / "data" / "spkatt-2023" / "train"
    if not train.is_dir():
        pytest.skip(f"SpkAtt-2023 train split not found at {train}")
    spkatt.predict(train, tmp_path / "pred", nlp=nlp, limit=60)
    result = spkatt.score(train, tmp_path / "pred", limit=60)
    assert result["documents"] == 60
    assert result["micro"]["messages"]["f1"] >= 0.70
    assert result["micro"]["sources"]["f1"] >= 0.55
