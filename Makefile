# Two commands on a bare machine (Debian, Python 3.11+, git, make):
#
#   make run    sets up .venv from requirements.lock and starts the dashboard on the bundled data
#   make test   adds what the tests need (tests/requirements.lock; Chromium, nginx, LibreOffice
#               Impress and poppler from Debian), runs ruff and mypy, then the whole suite
#
# Every install is pinned and hashed (the locks); `make lock` refreshes both locks from the ranges in
# requirements.txt and tests/requirements.txt. `python -m pytest` works on its own in the venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# --no-deps: a lock names every package, so pip resolves nothing; --require-hashes: nothing unpinned
INSTALL := $(BIN)/python -m pip install --require-hashes --no-deps --disable-pip-version-check --quiet
LOCK := $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock"
DEBIAN := sh .ci/debian-packages.sh
# what the browser, replica and meeting-pack rendering tests run (found on PATH or in /usr/sbin)
TEST_PACKAGES := chromium nginx libreoffice-impress-nogui poppler-utils

.PHONY: run test check lock clean

run: $(VENV)/.run
	$(BIN)/streamlit run dashboard.py

test: $(VENV)/.test
	$(DEBIAN) $(TEST_PACKAGES)
	$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest

check: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lock: $(VENV)/.test
	$(LOCK) -o tests/requirements.lock requirements.txt tests/requirements.txt
	$(LOCK) -c tests/requirements.lock -o requirements.lock requirements.txt

clean:
	rm -rf $(VENV)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "make: Python 3.11 or newer is needed as '$(PYTHON)' (make PYTHON=/path/to/python3.11 ...)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(DEBIAN) python3-venv
	$(PYTHON) -m venv $(VENV)

# A stamp per lock: installed again only when the lock changes.
$(VENV)/.run: requirements.lock | $(BIN)/python
	$(INSTALL) -r requirements.lock
	@touch $@

$(VENV)/.test: tests/requirements.lock | $(BIN)/python
	$(INSTALL) -r tests/requirements.lock
	@touch $@ $(VENV)/.run
