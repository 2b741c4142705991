# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INBOX  ?= $(or $(FITNESS_INBOX),inbox)

# Every Python process here imports Dagster, pandas and friends. With PYTHONDONTWRITEBYTECODE set
# (as in many containers and CI images) and uv installing no bytecode, each process compiled them
# from source again (~7 s of CPU per process; the tests start hundreds). Unset for the venv's own
# processes, the first import writes the bytecode once and later ones read it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install dev sample clean bench browser

# uv resolves and installs in parallel (16 s for everything on a fresh machine, where pip takes
# minutes); it is installed into the venv itself, so nothing is needed beyond Python. Without
# uv (no wheel for the platform, or FITNESS_PIP=1) plain pip installs the same set.
$(BIN)/fitness: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if [ -z "$$FITNESS_PIP" ] && $(BIN)/pip install --quiet --disable-pip-version-check uv 2>/dev/null; then \
		$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'; \
	else \
		$(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e '.[test]'; \
	fi
	touch $@

install: $(BIN)/fitness

# Writes sample exports only when the inbox holds no file yet, then runs the whole pipeline.
# tools/ is not installed (dev only): `python -m` finds it from the repository root.
run: install
	@if [ -z "$$(find $(INBOX) -type f 2>/dev/null | head -1)" ]; then \
		$(BIN)/python -m tools.generate --out $(INBOX); fi
	$(BIN)/fitness run

# One pytest worker per CPU (pytest-xdist), each with its own embedded PostgreSQL; a test module
# stays on one worker, so its module-scoped fixtures (a sample run, a webserver) are built once.
# Most tests start real processes (the CLI, a webserver, Chromium); on this 2-core machine the suite
# took 13 min with 2 workers (quiet) against 23 min with one (busy): not a like-for-like figure.
TEST_WORKERS ?= logical

test: install browser
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The dashboard's browser test drives Debian's Chromium; installed once when absent (as root, as in
# CI). Without it that one test is skipped, and this says so.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& echo "installing Debian's chromium for the dashboard's browser test" \
		&& apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "warning: chromium is not installed: the dashboard's browser test will be skipped"

dev: install
	$(BIN)/fitness dev

sample: install
	$(BIN)/python -m tools.generate --out $(INBOX)

bench: install
	$(BIN)/python -m tools.bench.run

clean:
	rm -rf .fitness
