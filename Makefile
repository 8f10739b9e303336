# Entry points: make run | make test | make bench | make lint
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Leaflet for the maps comes from the npm registry (package-lock.json), never from a CDN.
LEAFLET := node_modules/leaflet/dist/leaflet.js
# axe-core (npm) runs the accessibility checks in the browser tests.
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test bench lint clean dist

$(LEAFLET) $(AXE) &: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install Leaflet (apt-get install npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(LEAFLET) $(AXE)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP) $(LEAFLET)
	$(BIN)/wijkradar app --poort 8501

# A wheel and an sdist in dist/ that carry Leaflet, the profiles and the app (see setup.py).
dist: $(STAMP) $(LEAFLET)
	$(BIN)/python -m build --outdir dist .

test: $(STAMP) $(LEAFLET) $(AXE)
	$(BIN)/python -m pytest

bench: $(STAMP) $(LEAFLET)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tests/check_notebooks.py notebooks/*.ipynb
	$(BIN)/python tests/check_file_sizes.py
	$(BIN)/python tests/check_docstrings.py
	$(BIN)/hadolint Dockerfile

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache node_modules static/vendor
