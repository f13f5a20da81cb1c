# Two entry points do all the set-up: `make run` (demo kiosk) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test lint bench install install-test clean

run: install
	$(BIN)/kiosk demo

test: install-test
	$(BIN)/ruff check kiosk drivers tests bench
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check kiosk drivers tests bench
	$(BIN)/ruff format --check kiosk drivers tests bench

bench: install-test
	$(BIN)/python -m bench

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test tests/node/node_modules/.installed

$(VENV)/.installed-run: pyproject.toml scripts/system-packages.sh
	scripts/system-packages.sh run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml scripts/system-packages.sh
	scripts/system-packages.sh test
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --silent --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) tests/node/node_modules .pytest_cache
