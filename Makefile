# `make run` and `make test` do all set-up on a fresh Debian machine (see README.md).
VENV   ?= .venv
# Debian's own Python (3.11.2 on Debian 12) when there is one: what a bureau's server has.
PYTHON ?= $(if $(wildcard /usr/bin/python3),/usr/bin/python3,python3)
export PYTHON
PY      = $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test bench bench-pg bench-pdf system-deps clean

run: system-deps $(VENV)/.installed
	$(VENV)/bin/portal migrate
	$(VENV)/bin/portal init-db --demo
	$(VENV)/bin/portal serve --worker --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	bash scripts/system-deps.sh --with-browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The portal's pages beside the bare list, a Flask hello and Django admin (docs/performance.md);
# installs wrk (as root), gunicorn, and Django in its own environment under .bench/. Not part of `make test`.
# BENCH_ARGS="--cases 100000" for the province-scale database.
bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# PostgreSQL against SQLite, page by page, each served by gunicorn and loaded by wrk in the same
# run, then the case list while PDFs are made (docs/performance.md); needs a PostgreSQL server.
bench-pg: $(VENV)/.installed-test $(VENV)/.installed-bench
	$(PY) benchmarks/served_pg_sqlite.py $(BENCH_ARGS)

# PDF speed: Chinese documents against their Latin twins, side by side (docs/documents.md).
bench-pdf: $(VENV)/.installed-test
	$(PY) benchmarks/pdf_bench.py $(BENCH_ARGS)

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

system-deps:
	bash scripts/system-deps.sh

$(VENV)/.created:
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV)
