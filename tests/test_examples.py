"""The example scripts run, so the documented API cannot silently break."""

from __future__ import annotations

import runpy

from .conftest import ROOT


def test_api_example_runs(tmp_path, capsys):
    module = runpy.run_path(str(ROOT / "examples" / "api_example.py"))
    result = module["main"](ROOT / "examples" / "seeds", tmp_path / "out")
    assert (tmp_path / "out" / "report.pdf").is_file()
    out = capsys.readouterr().out
    assert "5 articles, 0 rejected" in out and "rt-de" in out
    assert len(result.articles) == 5
