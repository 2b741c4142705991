# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INBOX  ?= $(or $(FITNESS_INBOX),inbox)

.PHONY: run test install dev sample clean bench

$(BIN)/fitness: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/fitness

# Writes sample exports only when the inbox holds no file yet, then runs the whole pipeline.
# tools/ is not installed (dev only): `python -m` finds it from the repository root.
run: install
	@if [ -z "$$(find $(INBOX) -type f 2>/dev/null | head -1)" ]; then \
		$(BIN)/python -m tools.generate --out $(INBOX); fi
	$(BIN)/fitness run

test: install
	$(BIN)/python -m pytest -q

dev: install
	$(BIN)/fitness dev

sample: install
	$(BIN)/python -m tools.generate --out $(INBOX)

bench: install
	$(BIN)/python -m tools.bench.run

clean:
	rm -rf .fitness
