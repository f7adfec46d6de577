# The two commands that do everything on a fresh machine: `make build`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm writes this file at every install: newer than package-lock.json, node_modules holds what it pins.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: build test check serve bench clean tools

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/newsroom build .

# The tests run axe-core, lighthouse, html-validate and the Nu HTML checker (vnu-jar) from npm, and
# vnu on java: without node or java they would fail, so say how to install them and stop instead.
# java comes first: vnu-jar's postinstall uses the system java, else tries to download a runtime.
tools:
	@command -v java >/dev/null || { echo "make: java is missing; the Nu HTML checker the tests run needs it." \
	    "Install it (Debian, Ubuntu: sudo apt install default-jre-headless), then run make test again." >&2; exit 1; }
	@command -v npm >/dev/null && command -v node >/dev/null || { echo "make: node or npm is missing; the tests" \
	    "install their checkers with it. Install Node.js 18 or later with npm (Debian, Ubuntu: sudo apt install" \
	    "nodejs npm; elsewhere https://nodejs.org/), then run make test again." >&2; exit 1; }

$(NODE_STAMP): package.json package-lock.json | tools
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

test: tools $(STAMP) $(NODE_STAMP)
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
