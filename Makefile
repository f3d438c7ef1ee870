# fou-workbench — the two commands a newcomer needs:
#   make reports   set up, write demo data where a case has none, run every case and the portfolio
#   make test      set up, then the whole suite (unit, reference, simulation, notebooks, end-to-end)
# Set-up installs the exact versions pinned in requirements.lock into .venv.
# No internet (TSD and other closed environments): on a connected machine with the same OS and
# Python, `make wheelhouse` (writes every pinned package as a wheel to wheelhouse/); copy the
# project with wheelhouse/ inside; there `make reports OFFLINE=1` / `make test OFFLINE=1`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FOU    := $(VENV)/bin/fou
STAMP  := $(VENV)/.installed
LANG_REPORT ?= nb
PYTEST_WORKERS ?= 2
LOCK       ?= requirements.lock
WHEELHOUSE ?= wheelhouse
# OFFLINE=1: install from $(WHEELHOUSE) alone, never from an index.
OFFLINE    ?=
PIP_FROM   := $(if $(OFFLINE),--no-index --find-links $(abspath $(WHEELHOUSE)),)
# Extra `pip download` options for another target, e.g. "--python-version 3.12 --platform manylinux2014_x86_64".
WHEEL_TARGET ?=

.PHONY: setup reports test test-fast test-slow lab clean lock bench bench-peers lint wheelhouse browser offline-check

setup: $(STAMP)

offline-check:
	@if [ -n "$(OFFLINE)" ] && [ ! -f $(WHEELHOUSE)/.complete ]; then \
	  echo "OFFLINE=1 needs $(WHEELHOUSE)/ made by 'make wheelhouse' on a machine with internet" >&2; exit 1; fi

$(STAMP): $(LOCK) pyproject.toml | offline-check
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(PIP_FROM) --upgrade pip
	$(PY) -m pip install --quiet $(PIP_FROM) -r $(LOCK)
	$(PY) -m pip install --quiet $(PIP_FROM) --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name fou-workbench --display-name "fou-workbench (.venv)" >/dev/null
	touch $(STAMP)

reports: setup
	$(FOU) demo --missing-only
	$(FOU) run --lang $(LANG_REPORT)

test: setup browser
	$(FOU) demo --missing-only
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not slow" tests
	$(PY) -m pytest -p no:cacheprovider --nbval-lax notebooks

test-fast: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not simulation and not e2e and not notebook and not slow" tests

# Tests of several minutes: the full offline install from $(WHEELHOUSE) into a fresh venv.
# (OFFLINE=1 uses the wheelhouse as copied: never try to refresh it, whatever the file times say.)
test-slow: setup $(if $(OFFLINE),,wheelhouse)
	$(PY) -m pytest -m slow tests

# Headless Chromium for the report test (tests/e2e/test_browser.py); Debian's package, installed
# only when missing and we are root with apt; a failure is tolerated (the test then skips).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ -n "$(OFFLINE)" ]; then echo "note: no /usr/bin/chromium and OFFLINE=1: the browser test will skip"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium (apt-get) for the browser test"; \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >/dev/null 2>&1 \
	  || echo "note: could not install chromium; the browser test will skip"; \
	else echo "note: no /usr/bin/chromium (as root: apt-get install chromium); the browser test will skip"; fi

# Every pinned package as a wheel in $(WHEELHOUSE)/ (git-ignored), plus pip and this project's
# wheel; a package with no wheel on the index is built from its sdist with `pip wheel`.
wheelhouse: $(WHEELHOUSE)/.complete

$(WHEELHOUSE)/.complete: $(LOCK) pyproject.toml
	mkdir -p $(WHEELHOUSE)
	grep -v '^[[:space:]]*#' $(LOCK) | grep . > $(WHEELHOUSE)/requirements.txt
	$(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: $(WHEEL_TARGET) --dest $(WHEELHOUSE) pip
	$(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: $(WHEEL_TARGET) --dest $(WHEELHOUSE) -r $(WHEELHOUSE)/requirements.txt \
	|| while read -r req; do \
	  $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: $(WHEEL_TARGET) --dest $(WHEELHOUSE) "$$req" \
	  || { echo "no wheel for $$req: building one from the sdist"; \
	       $(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir $(WHEELHOUSE) "$$req"; } || exit 1; \
	done < $(WHEELHOUSE)/requirements.txt
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir $(WHEELHOUSE) .
	touch $@

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: setup
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# A separate venv for benchmarks against peers (pyfixest …): requirements.lock plus the pinned
# benchmarks/requirements-peers.txt, the project installed editable. The project's .venv never
# gets the peers. Then: .venv-bench/bin/python benchmarks/bench_did.py twfe
BENCH_VENV := .venv-bench
PEERS      := benchmarks/requirements-peers.txt
bench-peers: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed: $(LOCK) $(PEERS) pyproject.toml | offline-check
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet $(PIP_FROM) --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet $(PIP_FROM) -r $(LOCK) -r $(PEERS)
	$(BENCH_VENV)/bin/python -m pip install --quiet $(PIP_FROM) --no-deps --no-build-isolation -e .
	touch $@

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

# Re-resolve the pinned versions (run deliberately, commit the result).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet ".[test]"
	( echo "# Exact versions installed by 'make setup' (resolved from pyproject.toml [project.dependencies] + [test]; re-resolve with 'make lock')."; \
	  .lockenv/bin/pip freeze --all --exclude-editable | grep -v "^fou-analysis\|^pip==" ) > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .ruff_cache build src/*.egg-info
	find data/processed reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
