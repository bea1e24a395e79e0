"""The reliability benchmark script on a small FANG-COVID sample: JSON line, folds, train/test mode."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from .conftest import load_benchmark

ROOT = Path(__file__).resolve().parent.parent
FANG = "data/fang-covid/train-outlets.jsonl.gz"


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("reliability")


def sample_lines(path: Path, per_outlet: int) -> dict[str, list[str]]:
    """The first ``per_outlet`` lines of each outlet (short articles only, to keep the test fast)."""
    out: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            lines = out.setdefault(rec["source"], [])
            if len(lines) < per_outlet and 300 < len(rec["article"]) < 2500:
                lines.append(line)
    return out


@pytest.mark.shared
def test_leave_one_outlet_out_json_line(shared_dir, tmp_path, bench, capsys):
    by_outlet = sample_lines(shared_dir / FANG, 5)
    assert len(by_outlet) == 8
    train = tmp_path / "train.jsonl"
    train.write_text("".join(line for lines in by_outlet.values() for line in lines), encoding="utf-8")
    assert bench.main(["--train", str(train), "--cache-dir", str(tmp_path / "cache")]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert set(result) == {"ours", "baseline", "n_train", "n_test"}
    assert result["n_train"] == result["n_test"] == 40
    for name in ("ours", "baseline"):
        assert set(result[name]) == {"macro_f1", "accuracy", "per_outlet"}
        assert set(result[name]["per_outlet"]) == set(by_outlet)  # every outlet was a test fold
        assert 0.0 <= result[name]["macro_f1"] <= 1.0
    assert "[ours] fold 1: test" in captured.err and "[baseline] fold 1: test" in captured.err
    assert "masked share of characters per outlet" in captured.err


@pytest.mark.shared
def test_train_test_mode_needs_disjoint_outlets(shared_dir, tmp_path, bench, capsys):
    by_outlet = sample_lines(shared_dir / FANG, 4)
    test_outlets = {"zeit.de", "de.rt.com"}
    train = tmp_path / "train.jsonl"
    test = tmp_path / "test.jsonl"
    train.write_text("".join(l for o, lines in by_outlet.items() if o not in test_outlets for l in lines), encoding="utf-8")
    test.write_text("".join(l for o, lines in by_outlet.items() if o in test_outlets for l in lines), encoding="utf-8")
    cache = str(tmp_path / "cache")
    assert bench.main(["--train", str(train), "--test", str(test), "--cache-dir", cache]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n_train"] == 24 and result["n_test"] == 8
    assert set(result["ours"]["per_outlet"]) == test_outlets
    assert bench.main(["--train", str(train), "--test", str(train), "--cache-dir", cache]) == 2
    assert "shares outlets" in capsys.readouterr().err
