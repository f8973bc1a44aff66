# Counsel: `make run` to try it, `make test` to check it. Everything lands in .venv.

VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
FLASK := $(BIN)/flask --app app
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test test-fast test-browser lint typecheck format install install-test system-deps clean bench

# The stamps make a second `make run` skip pip until pyproject.toml changes.
$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate SQLite, create the demo accounts, serve on http://$(HOST):$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo
	@echo "Counsel is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo
	$(BIN)/gunicorn -c gunicorn.conf.py -b $(HOST):$(PORT) app:app

## make test: install everything, then the whole suite (browser tests without any network)
test: install-test system-deps lint typecheck test-fast test-browser

test-fast: install-test
	$(BIN)/pytest -m "not browser"

# A fresh network namespace holds only a loopback device: no page can reach anything outside.
# pytest exits 5 when it collects no test; that is not a failure here.
test-browser: install-test system-deps $(AXE)
	@if [ "$$(id -u)" -eq 0 ]; then ns="unshare -n"; else ns="unshare -rn"; fi; \
	$$ns sh -c 'ip link set lo up && exec $(BIN)/pytest -m browser'; \
	status=$$?; if [ $$status -eq 5 ]; then echo "no browser tests collected"; exit 0; fi; \
	exit $$status

# axe-core for the accessibility tests, pinned by tests/browser/package-lock.json; installed
# here because the browser tests' namespace cannot reach the npm registry.
$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

# Debian packages the tests use: Chromium drives the browser tests (Playwright downloads no
# browser of its own); redis-server runs the private Redis that outage tests stop and start;
# npm installs axe-core.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium chromium-driver"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "The tests need Debian packages:$$missing (sudo apt-get install$$missing)"; \
	    exit 1; \
	  fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

## make bench: Counsel against the PeerJS server (about 15 min on an idle machine), into
## docs/performance.md; installs the npm package `peer` into bench/ on first use
bench: install-test
	$(BIN)/python -m bench.run

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make typecheck: mypy on counsel/, and the import contracts of pyproject.toml (lint-imports)
typecheck: install-test
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
