# Two commands: `make run` (the hub with demo data and a job worker) and
# `make test` (the whole suite). Both set up everything they need first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Where a browser reaches the server (a wildcard bind address is not one).
WILDCARD_HOST := $(filter 0.0.0.0 ::,$(HOST))
BROWSE_HOST := $(if $(WILDCARD_HOST),127.0.0.1,$(HOST))
# Bound to every interface, the server is reached under this machine's names
# and addresses too: unless PIM_ALLOWED_HOSTS says otherwise, `make run`
# accepts those (IPv6 addresses in brackets, as Host headers carry them).
comma := ,
empty :=
space := $(empty) $(empty)
MACHINE_NAMES = $(shell { hostname; hostname -f; hostname -I; } 2>/dev/null | tr ' ' '\n' \
  | sed -e '/^$$/d' -e 's/^\(.*:.*\)$$/[\1]/' | awk '!seen[$$0]++')
# Debian packages the hub uses at run time and in tests; PyICU (collation)
# builds against libicu-dev with pkg-config and a C++ compiler.
DEB_PACKAGES := gettext poppler-utils zbar-tools libgs-common fonts-dejavu-core fonts-noto-core \
  libicu-dev pkg-config g++
DEB_TEST_PACKAGES := chromium chromium-driver redis-server

.PHONY: run test setup sysdeps sysdeps-test messages catalogues bench clean

# sysdeps first (order-only): pip builds PyICU against the Debian packages.
$(VENV)/.installed: requirements.txt | sysdeps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

sysdeps:
	@scripts/ensure-debian-packages $(DEB_PACKAGES)

sysdeps-test: sysdeps
	@scripts/ensure-debian-packages $(DEB_TEST_PACKAGES)

# git keeps no empty folder: without locale/ compilemessages refuses to run.
messages: $(VENV)/.installed sysdeps
	@mkdir -p locale
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# Refresh the .po catalogues after changing marked strings (then translate
# the new entries; tests/core/test_catalogues.py fails on any left empty).
CATALOGUE_LANGUAGES := fi hu ru bg
catalogues: $(VENV)/.installed sysdeps
	$(PY) manage.py makemessages $(addprefix -l ,$(CATALOGUE_LANGUAGES)) --no-location \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=media --ignore=staticfiles --ignore=test-artifacts

setup: $(VENV)/.installed sysdeps messages
	$(PY) manage.py migrate --noinput -v 0

run: export PIM_DEBUG ?= 1
run: export PIM_BASE_URL ?= http://$(BROWSE_HOST):$(PORT)
ifneq ($(WILDCARD_HOST),)
run: export PIM_ALLOWED_HOSTS ?= $(subst $(space),$(comma),$(strip 127.0.0.1 localhost [::1] $(MACHINE_NAMES)))
endif
run: setup
	$(PY) manage.py bootstrap
	@if [ -n "$(WILDCARD_HOST)" ]; then \
	  echo "Listening on every interface ($(HOST)); accepted host names: $$PIM_ALLOWED_HOSTS"; \
	  echo "Reached under another name (DNS, proxy)? Set PIM_ALLOWED_HOSTS=name1,name2 and run again."; fi
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed sysdeps-test messages
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Every bench/*.py at 10k and 100k products (and on PostgreSQL too when
# DATABASE_URL points at one); writes the table in docs/PERFORMANCE.md.
# Each script builds its own throwaway database, so nothing is migrated here
# (DATABASE_URL's own database is never touched).
# e.g. make bench BENCH_ARGS="--sizes 1000 --only feed_bench --no-write"
#      make bench BENCH_ARGS="--sizes 100000 --resume"   (adds to what ran before)
bench: $(VENV)/.installed sysdeps
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles
