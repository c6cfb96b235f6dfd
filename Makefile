# Every target sets itself up: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
INDEX  ?= data/index
CORPUS := $(wildcard corpus/* corpus/tuning/*)
INGEST_CODE := $(wildcard ingest/*.py index/*.py)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# pip installs without compiling (--no-compile: half the install's time, on one core); Python then
# caches the bytecode of the modules a run imports, the first time it imports them.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test lint bench ingest clean browser loadgen docs

setup: $(DEV)

# torch first, pinned, so pip takes the CPU wheel instead of a multi-GB CUDA build.
# `make run` needs only the project; the test and Ray extras (a third of the install's time)
# come with `make test` and the other targets that use them.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-compile torch==2.13.0
	$(BIN)/pip install --quiet --no-compile -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/pip install --quiet --no-compile -e '.[test,ray]'
	touch $(DEV)

# Rebuild the index when it is missing or older than any source or the code that builds it.
$(INDEX)/current/manifest.json: $(STAMP) $(CORPUS) $(INGEST_CODE)
	REPORTQA_INDEX_DIR=$(INDEX) $(BIN)/reportqa ingest

ingest: $(INDEX)/current/manifest.json

run: ingest
	REPORTQA_INDEX_DIR=$(INDEX) $(BIN)/reportqa serve --host $(HOST) --port $(PORT)

# The web page's end-to-end test drives Debian's Chromium (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "make test: $(CHROMIUM) is missing; run: sudo apt-get install chromium" >&2; exit 1; fi; }

# pytest exits 5 when it collects no tests: that is a failure, not a pass.
test: $(DEV) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

lint: $(DEV)
	$(BIN)/pip install --quiet ruff mypy
	$(BIN)/ruff check ingest index service tests
	$(BIN)/mypy ingest index service

# wrk loads the service while taking little of the CPU it shares (bench/wrk.py); optional.
loadgen:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "make bench: wrk is missing (sudo apt-get install wrk); its rows are skipped" >&2; fi; }

# Builds its own index in a temp dir; e.g. make bench BENCH_ARGS="--duration 10 --clients 4".
bench: $(DEV) loadgen
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

# Growth: 1x, 30x and 300x the report's passages with Debian's Python and PostgreSQL manuals
# (bench/scale.py; downloads them once into ~/.cache/reportqa/bench-corpus); e.g.
# make bench-scale SCALE_ARGS="--sizes 1,30".
.PHONY: bench-scale
bench-scale: $(DEV)
	REPORTQA_BACKGROUND_TUNING=false nice $(BIN)/python bench/scale.py $(SCALE_ARGS)

# The documentation site (mkdocs.yml): README.md and docs/, strict, so a broken link fails.
docs: $(DEV)
	$(BIN)/mkdocs build --strict --site-dir build/site

clean:
	rm -rf $(VENV) data build *.egg-info
