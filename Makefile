# Sky Shield: the two commands of the README are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/demo

.PHONY: demo test lint typecheck unit unit-nojit clean

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

## test: install what the tests need (Chromium included) and run lint, type check and the whole suite
test: $(VENV)/.installed-test $(CHROMIUM) lint typecheck unit unit-nojit

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy src

unit: $(VENV)/.installed-test $(CHROMIUM)
	MPLBACKEND=Agg $(BIN)/python -m pytest -q

# the engine's tests again as plain Python (numba's JIT off): the debuggable path stays right
ENGINE_TESTS := tests/test_engine.py tests/test_engine_golden.py tests/test_engine_speedup_equivalence.py tests/test_kinematics.py tests/test_ground.py
unit-nojit: $(VENV)/.installed-test
	NUMBA_DISABLE_JIT=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q -m "not slow" $(ENGINE_TESTS)

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
