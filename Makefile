# The two commands: `make app` and `make test`. Both create .venv from the lock file first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: app test lint typecheck bench docs lock clean vintages check-vintages check-installed

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "ffsim needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

app: $(STAMP)
	STREAMLIT_BROWSER_GATHER_USAGE_STATS=false $(BIN)/streamlit run app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy reads packages from folders named like them; the code's folder is model/ and the app's
# app_pages/, mapped to ffsim and ffsim.app_pages by pyproject.toml. A tree of links under
# build/typecheck/ffsim gives mypy the installed layout.
typecheck: $(STAMP)
	rm -rf build/typecheck && mkdir -p build/typecheck/ffsim
	for entry in model/*; do ln -s ../../../$$entry build/typecheck/ffsim/; done
	ln -s ../../../app_pages build/typecheck/ffsim/app_pages
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml ffsim

# pytest exits 5 when it collects no tests; make treats any non-zero exit as failure.
# Coverage of the package is reported (numba-compiled kernels run outside Python and are not
# counted as covered).
test: lint typecheck
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider --cov=ffsim --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	HOME=$$(mktemp -d) $(BIN)/python benchmarks/app_speed.py
	HOME=$$(mktemp -d) $(BIN)/python benchmarks/load.py

# The calibration as of each article's date (docs/validation.md). The vintages of 2016-09-11 and
# 2017-03-24 fit every figure: they are calibration/baseline.json (`ffsim calibrate`).
VINTAGE_DATES := 2015-04-30 2015-09-27 2016-06-26

vintages: $(STAMP)
	for d in $(VINTAGE_DATES); do $(BIN)/ffsim calibrate --as-of $$d || exit 1; done

# Re-run each shipped vintage and compare (exact on the same platform, else statistical); about a
# minute a vintage. CI runs it after the suite; the suite itself re-runs the baseline's check.
check-vintages: $(STAMP)
	for d in $(VINTAGE_DATES); do $(BIN)/ffsim calibrate --as-of $$d --check || exit 1; done

# The wheel, installed in a fresh environment (its dependencies from .venv), re-runs the shipped
# calibration from an unrelated folder: `ffsim calibrate --check` finds its config, data and
# artifact as package resources. CI runs it after the suite.
check-installed: $(STAMP)
	rm -rf build/installed && mkdir -p build/installed/elsewhere
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w build/installed/dist .
	$(BIN)/python -m venv --without-pip build/installed/venv
	$(BIN)/python -c 'import sys; print([p for p in sys.path if p.endswith("site-packages")][0])' \
		> $$(echo build/installed/venv/lib/python*/site-packages)/deps.pth
	$(BIN)/python -m pip install --quiet --no-deps \
		--target $$(echo build/installed/venv/lib/python*/site-packages) build/installed/dist/ffsim-*.whl
	cd build/installed/elsewhere && ../venv/bin/python -m ffsim calibrate --check

docs: $(STAMP)
	$(BIN)/python -m ffsim.cli.docs

# Refresh the lock file: resolve the newest versions allowed by pyproject.toml in a scratch
# environment and freeze them. Commit the result together with a full `make test`.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip setuptools wheel
	.venv-lock/bin/python -m pip install --quiet ".[dev]"
	.venv-lock/bin/python -m pip freeze --exclude-editable --all | grep -v '^ffsim' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .venv-lock build *.egg-info
