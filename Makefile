# Two commands on a fresh machine:  make run  (the app on the sample data)  and  make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export BROWSER_PATH ?= /usr/bin/chromium

.PHONY: run test ingest system

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

run: $(BIN)/.installed
	$(BIN)/streamlit run dashboard.py

ingest: $(BIN)/.installed
	$(BIN)/python -m etl ingest data/bulletins

# Debian packages the tests need (Chromium, CJK fonts, PostgreSQL), and a running PostgreSQL.
system:
	bash .ci/system-deps

test: $(BIN)/.installed system
	$(BIN)/python -m pytest
