# The two commands that do everything on a fresh machine: `make build`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check serve bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/newsroom build .

test: $(STAMP)
	$(BIN)/pytest -q

check: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/newsroom check . --strict

serve: $(STAMP)
	$(BIN)/newsroom serve .

bench: $(STAMP)
	$(BIN)/python tests/bench.py

clean:
	rm -rf output .cache
