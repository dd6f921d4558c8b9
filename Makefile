# Sky Shield: the two commands of the README are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/demo

.PHONY: demo test check lint typecheck unit unit-nojit docs clean web-assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## demo: install and run the main job on the built-in reference scenario
demo: $(VENV)/.installed
	$(BIN)/skyshield assess reference --out $(OUT)

# the browser test drives Debian's Chromium (a test tool's own browser download is not used)
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

## test: install what the tests need (Chromium included) and run lint, type check, the whole
## suite (in parallel), the engine's tests without the JIT and the documentation build
test: $(VENV)/.installed-test $(CHROMIUM) lint typecheck unit unit-nojit docs

## check: the inner loop: lint, type check and the suite without the slow tests
check: $(VENV)/.installed-test lint typecheck
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 -m "not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks tools examples
	$(BIN)/ruff format --check src tests benchmarks tools examples

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy src

unit: $(VENV)/.installed-test $(CHROMIUM)
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2

## docs: the documentation site with the API reference, built offline into site/
docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet

# the engine's tests again as plain Python (numba's JIT off): the debuggable path stays right
ENGINE_TESTS := tests/test_borrowed.py tests/test_engine.py tests/test_engine_golden.py tests/test_engine_speedup_equivalence.py tests/test_kinematics.py tests/test_ground.py
unit-nojit: $(VENV)/.installed-test
	NUMBA_DISABLE_JIT=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q -m "not slow" $(ENGINE_TESTS)

clean:
	rm -rf $(VENV) out site .pytest_cache .mypy_cache .ruff_cache

## web-assets: vendor MapLibre GL JS from npm into the package again (its files are committed)
web-assets: $(VENV)/.installed
	$(BIN)/python tools/vendor_maplibre.py
