# The two commands: `make app` and `make test`. Both create .venv from the lock file first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_PIN := uv==0.13.10

.PHONY: app test test-slow coverage lint typecheck bench docs lock clean vintages check-vintages check-sbc

# uv installs the lock in parallel (8 to 15 s here, against 90 s for pip, both with a warm cache);
# pip installs the one pinned uv first, and does the whole install itself where uv has no wheel.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "ffsim needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if $(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV_PIN); then \
		VIRTUAL_ENV=$(VENV) $(BIN)/python -m uv pip install --quiet -r requirements.lock && \
		VIRTUAL_ENV=$(VENV) $(BIN)/python -m uv pip install --quiet --no-deps \
			--no-build-isolation -e . ; \
	else \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock && \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
			--no-build-isolation -e . ; \
	fi
	touch $(STAMP)

app: $(STAMP)
	STREAMLIT_BROWSER_GATHER_USAGE_STATS=false $(BIN)/streamlit run app.py

# The layers and who may import streamlit: import-linter's contracts (pyproject.toml) on the real
# import graph.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# mypy reads the package where it lives: model/ is the source root (pyproject.toml, mypy_path).
typecheck: $(STAMP)
	$(BIN)/mypy

# Two tiers. `make test` is the fast tier: every test not marked slow (under 5 minutes on two
# cores), the property tests with hypothesis's "dev" profile (60 examples each). `make test-slow`
# is the slow tier (the full calibration from the installed wheel, the twin experiment, the
# browser, the multi-process tests) and the property tests again with the "ci" profile (300
# examples each, the thorough search); CI runs it once, after `make test`.
# pytest exits 5 when it collects no tests; make treats any non-zero exit as failure.
test: lint typecheck
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -n 2 -p no:cacheprovider -m "not slow" \
		--durations=15

# The fast tier with coverage of the package (numba-compiled kernels run outside Python and are
# not counted as covered). Not part of `make test`: with it, the fast tier took 302 s of pytest
# and about 5.5 minutes in all on a clean clone here, past its five minutes.
coverage: $(STAMP)
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -n 2 -p no:cacheprovider -m "not slow" \
		--cov=ffsim --cov-report=term:skip-covered

test-slow: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n 2 -p no:cacheprovider \
		-m "slow or hypothesis" --durations=15

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	HOME=$$(mktemp -d) $(BIN)/python benchmarks/app_speed.py
	HOME=$$(mktemp -d) $(BIN)/python benchmarks/load.py

# The calibration as of each article's date (docs/validation.md). The vintages of 2016-09-11 and
# 2017-03-24 fit every figure: they are calibration/baseline.json (`ffsim calibrate
# --replace-shipped`). `--replace-shipped` is the one way to replace a shipped artifact.
# `--as-of vintages` runs the earlier ones (2015-04-30, 2015-09-27, 2016-06-26), each its own
# calibration, one after another; add VINTAGE_WORKERS="--processes 3" or "--scheduler ADDRESS"
# to run them side by side.
VINTAGE_WORKERS ?=

vintages: $(STAMP)
	$(BIN)/ffsim calibrate --as-of vintages --replace-shipped $(VINTAGE_WORKERS)

# Re-run each shipped vintage and compare (exact on the same platform, else statistical); about a
# minute a vintage. CI runs it after the suite; the suite itself re-runs the baseline's check.
check-vintages: $(STAMP)
	$(BIN)/ffsim calibrate --as-of vintages --check $(VINTAGE_WORKERS)

# Re-run the shipped SBC run's first replication (calibration/sbc/summary.json) and compare its
# true parameters and ranks: identical on the same packages and platform, else statistically.
# One replication is one full calibration (212 s on an idle 2-core machine here). CI runs it last.
check-sbc: $(STAMP)
	$(BIN)/ffsim sbc --check

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
