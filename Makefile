# Bill Pay: `make run` sets everything up and starts the stack; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-fast lint bench bench-tools browser deploy-tools docker-engine images test-deploy clean

$(STAMP): constraints.txt requirements-dev.txt pyproject.toml $(wildcard */pyproject.toml)
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
test: setup lint browser deploy-tools
	$(PY) -m pytest -q

# ruff (lint and format, settings in pyproject.toml) over the tree; mypy over billpay_common and the domain modules.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test-fast: setup
	$(PY) -m pytest -q -m "not browser"

bench: setup bench-tools
	$(PY) -m bench

# $(call debian_tool,COMMAND,PACKAGE,WHAT HAPPENS WITHOUT IT): install a Debian package when its command is
# missing and apt-get can run here (as root); otherwise say what is skipped.
debian_tool = command -v $(1) >/dev/null 2>&1 || [ -x /usr/sbin/$(1) ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -qq --no-install-recommends $(2) >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq --no-install-recommends $(2)); \
	  else echo "$(1) is missing: $(3)"; fi; }

# wrk (load) and nginx (the reference proxy) for the benchmarks.
bench-tools:
	@$(call debian_tool,wrk,wrk,its figures will be skipped)
	@$(call debian_tool,nginx,nginx-light,the reference proxy figure will be skipped)

# Debian's Chromium for the browser tests (Playwright's own browser download cannot run here).
browser:
	@$(call debian_tool,chromium,chromium,browser tests will be skipped)

# Debian's docker-compose 1.29 checks deploy/docker-compose.yml offline (`config -q`).
deploy-tools:
	@$(call debian_tool,docker-compose,docker-compose,the Compose file is checked by the tests' own parser only)

# A Docker engine that answers: installs Debian's docker.io and starts dockerd in the background when needed
# (log in /var/log/dockerd.log); does nothing when `docker info` already works.
docker-engine:
	@deploy/images/engine.sh

# Every service's image (billpay/<service>:local) from deploy/Dockerfile. PYTHON_IMAGE is the base:
# python:3.11-slim when it can be pulled, otherwise the Debian-built base of deploy/images/debian-base.sh
# (made once when missing). `make images PYTHON_IMAGE=...` names another one.
images: docker-engine
	@deploy/images/build.sh

# The Compose stack for real: build, run, scale, kill, roll, break PostgreSQL, tear down (about 10 minutes).
# Not part of `make test`.
test-deploy: setup deploy-tools docker-engine
	$(PY) -m pytest -q tests/deploy_stack

clean:
	rm -rf var $(VENV)
