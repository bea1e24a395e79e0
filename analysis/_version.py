"""The package version, importable without importing anything else (run.json, cache keys, model cards)."""

__version__ = "0.1.0"
