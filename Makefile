# fou-workbench — the two commands a newcomer needs:
#   make reports   set up, write demo data where a case has none, run every case and the portfolio
#   make test      set up, then the whole suite (unit, reference, simulation, notebooks, end-to-end)
# Set-up installs the exact versions pinned in requirements.lock into .venv.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FOU    := $(VENV)/bin/fou
STAMP  := $(VENV)/.installed
LANG_REPORT ?= nb
PYTEST_WORKERS ?= 2

.PHONY: setup reports test test-fast lab clean lock bench lint

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name fou-workbench --display-name "fou-workbench (.venv)" >/dev/null
	touch $(STAMP)

reports: setup
	$(FOU) demo --missing-only
	$(FOU) run --lang $(LANG_REPORT)

test: setup
	$(FOU) demo --missing-only
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests
	$(PY) -m pytest -p no:cacheprovider --nbval-lax notebooks

test-fast: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not simulation and not e2e and not notebook" tests

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: setup
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

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
	rm -rf $(VENV) .pytest_cache .ruff_cache build src/*.egg-info
	find data/processed reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
