# Two commands for a fresh machine: `make run` tries the helpline, `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# One clear line instead of pip's, when python3 is too old for the helpline.
CHECK_PYTHON = @$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
  { echo "The helpline needs Python 3.11 or newer; $(PYTHON) is older or missing." \
    "Name another: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }

.PHONY: run test lint check-content clean requirements

run: $(VENV)/.installed ## Set up .venv and run the helpline on http://127.0.0.1:5000
	$(BIN)/helpline serve

PRISM := .prism/node_modules/.bin/prism

test: $(VENV)/.installed-dev $(PRISM) ## Set up .venv and test tools, then run ruff and every test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

check-content: $(VENV)/.installed ## Check scripts_content/ after an edit
	$(BIN)/helpline content check

$(VENV)/.installed: pyproject.toml
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

# Stoplight Prism serves Twilio's own OpenAPI spec (tests/data/twilio/) as a mock of Twilio.
# Without npm the tests that need it are skipped, each naming the command that fixes it.
$(PRISM):
	@if command -v npm >/dev/null 2>&1; then \
	  echo "Installing Prism (the Twilio API mock) into .prism/ with npm"; \
	  npm install --prefix .prism --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5; \
	else \
	  echo "npm not found: the Twilio API tests will be skipped (sudo apt-get install nodejs npm)"; \
	fi

clean:
	rm -rf $(VENV) instance .prism

# Production pins with hashes (README "Installing exactly what was tested"); needs the registry.
requirements: $(VENV)/.installed-dev ## Write requirements/production.txt again from pyproject.toml
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements/production.txt
