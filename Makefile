# Bill Pay: `make run` sets everything up and starts the stack; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
REQUIREMENTS := requirements-dev.txt $(wildcard */requirements.txt) $(wildcard deploy/requirements-*.txt) $(wildcard tests/requirements-*.txt)

.PHONY: setup run test test-fast bench bench-tools browser deploy-tools clean

$(STAMP): $(REQUIREMENTS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11) and "Bill Pay needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m devtools.run

# The whole suite on the embedded defaults (SQLite, a private Redis, a local SMTP server), or on whatever
# *_DATABASE_URL / REDIS_URL the environment names (.ci/run does both).
test: setup browser deploy-tools
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not browser"

bench: setup bench-tools
	$(PY) -m bench

# wrk (load) and nginx (the reference proxy) from Debian, when missing and installable here.
bench-tools:
	@for tool in wrk nginx; do command -v $$tool >/dev/null 2>&1 || [ -x /usr/sbin/$$tool ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    package=$$tool; [ $$tool = nginx ] && package=nginx-light; \
	    apt-get install -y -qq --no-install-recommends $$package >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq --no-install-recommends $$package); \
	  else echo "$$tool is missing: its figures will be skipped"; fi; }; done

# Debian's Chromium for the browser tests (Playwright's own browser download cannot run here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)) ; \
	  else echo "chromium is not installed and cannot be installed here: browser tests will be skipped"; fi; }

# Debian's docker-compose 1.29 checks deploy/docker-compose.yml offline (`config -q`); the test skips that
# step, saying so, where it cannot be installed.
deploy-tools:
	@command -v docker-compose >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose)) ; \
	  else echo "docker-compose is missing: the Compose file is checked by the tests' own parser only"; fi; }

clean:
	rm -rf var $(VENV)
