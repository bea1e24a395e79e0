"""Shared fixtures. Tests that need ../shared (third-party data) skip with a reason when it is absent."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "examples" / "seeds"

# Hypothesis profiles (tests/test_properties.py): "ci" (default, fast) and "long" (500 examples);
# choose with HYPOTHESIS_PROFILE=long or `pytest --hypothesis-profile=long`.
try:
    from hypothesis import HealthCheck, settings as _hypothesis_settings
except ImportError:  # the property tests skip themselves without hypothesis
    pass
else:
    _hypothesis_settings.register_profile(
        "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    _hypothesis_settings.register_profile(
        "long", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    _hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def load_benchmark(name: str):
    """Import ``benchmarks/NAME.py`` (not a package) as module ``NAME_benchmark``; registered in
    ``sys.modules`` because dataclasses look their module up while the file executes."""
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shipped_lexicons():
    from analysis.lexicons.model import load_lexicons

    loaded = load_lexicons([ROOT / "lexicons"])
    assert not loaded.refused, loaded.refused
    return loaded.lexicons


@pytest.fixture(scope="session")
def nlp(shipped_lexicons):
    """The fallback pipeline with the shipped lexicons (no trained model needed)."""
    from analysis.running.pipeline import build_pipeline

    return build_pipeline(shipped_lexicons, "blank")


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: third-party data is not part of the repository")
    return SHARED


def write_lexicon(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path
